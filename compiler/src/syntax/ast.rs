//! The syntax tree of one `.map` file. It keeps every span and every comment, so the checker can point
//! at exact columns and the formatter can give back what was written.

/// Byte offsets into the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, end: end as u32 }
    }

    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    pub header: Option<Header>,
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

/// `mapping NAME from SYSTEM.Type to SYSTEM.Type`
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: Ident,
    pub source: Ident,
    pub target: Ident,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Use(UseDecl),
    Param(ParamDecl),
    Lookup(LookupDecl),
    Table(TableDecl),
    Fn(FnDecl),
    Key(KeyDecl),
    Stmt(Stmt),
}

#[derive(Debug, Clone, PartialEq)]
pub struct UseDecl {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LookupDecl {
    pub name: Ident,
    pub key: TypeExpr,
    pub value: TypeExpr,
    pub optional: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Ident,
    pub arms: Vec<Arm>,
    pub span: Span,
}

/// `"SO" | "SC" => 2` in a table or a `match`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub patterns: Vec<Pattern>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Wildcard(Span),
    Lit(Literal),
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Wildcard(span) => *span,
            Pattern::Lit(lit) => lit.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<(Ident, TypeExpr)>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyDecl {
    pub expr: Expr,
    pub span: Span,
}

/// The declared type of a param, a lookup side or a function parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExprKind {
    /// `string`, `int`, `int16`, `decimal`, `bool`, `date`, `datetime`...
    Simple(String),
    /// `string(15)`
    BoundedString(u32),
    List(Box<TypeExpr>),
    /// `2 | 3`, `"invoice" | "order"`
    Union(Vec<Literal>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Let { name: Ident, value: Expr, span: Span },
    For(ForStmt),
    /// `require COND else [business] "message"`: a failure parks the record, as a validation failure
    /// or, with `business`, for review as a business decision.
    Require { condition: Expr, business: bool, message: StrLit, span: Span },
    /// `skip if COND`: the record is left out on purpose (a payment authorisation, say).
    Skip { condition: Expr, span: Span },
    /// `taSopHdrIvcInsert { ... }`: writes a nested node.
    Node { target: Ident, body: Vec<Stmt>, span: Span },
    /// `expr -> FIELD`
    Assign { value: Expr, target: Ident, span: Span },
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Let { span, .. } | Stmt::Require { span, .. } | Stmt::Skip { span, .. } | Stmt::Node { span, .. } | Stmt::Assign { span, .. } => *span,
            Stmt::For(f) => f.span,
        }
    }
}

/// `for row, i in orderRows where cond -> taSopLineIvcInsert_Items { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct ForStmt {
    pub item: Ident,
    pub index: Option<Ident>,
    pub source: Expr,
    pub filter: Option<Expr>,
    pub target: Ident,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LitValue {
    Str(String),
    /// A number as written: `42`, `16384`, `0.5`.
    Number(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub value: LitValue,
    pub span: Span,
}

/// The binary operators: the same set the IR executes, so the syntax tree uses the IR's type.
pub use maprun::ir::BinOp;

/// How an operator is written.
pub fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::And => "and",
        BinOp::Or => "or",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Lit(Literal),
    /// A bare name: a local, a param, or a field of the source record.
    Name(String),
    /// `$key`: the key of the current element of an id-keyed collection.
    KeyRef,
    Member(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    /// `expr!`: a failure or an absence becomes a validation error.
    Bang(Box<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a ?? b`
    Coalesce(Box<Expr>, Box<Expr>),
    Call { name: Ident, args: Vec<Expr> },
    If { condition: Box<Expr>, then: Box<Expr>, otherwise: Option<Box<Expr>> },
    Match { scrutinee: Box<Expr>, arms: Vec<Arm> },
    List(Vec<Expr>),
    /// `[value for item in source where filter]`
    Comprehension { value: Box<Expr>, item: Ident, source: Box<Expr>, filter: Option<Box<Expr>> },
    Paren(Box<Expr>),
}
