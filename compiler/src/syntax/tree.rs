//! Builds the syntax tree from pest's pairs. The grammar has already accepted the text, so the shapes
//! here are known; an unexpected shape is a bug in this file, not bad input.

use pest::iterators::Pair;

use super::ast::*;
use super::Rule;

type P<'a> = Pair<'a, Rule>;

fn span(pair: &P) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The children that carry meaning (keywords are dropped).
fn children<'a>(pair: P<'a>) -> impl Iterator<Item = P<'a>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_mapping
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_use
            | Rule::kw_param
            | Rule::kw_lookup
            | Rule::kw_table
            | Rule::kw_fn
            | Rule::kw_key
            | Rule::kw_let
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_require
            | Rule::kw_else
            | Rule::kw_if
            | Rule::kw_match
    )
}

fn ident(pair: P) -> Ident {
    Ident { name: pair.as_str().to_string(), span: span(&pair) }
}

pub fn module(file: P) -> Module {
    let mut module = Module::default();
    for pair in children(file) {
        match pair.as_rule() {
            Rule::header => module.header = Some(header(pair)),
            Rule::EOI => {}
            _ => module.items.push(item(pair)),
        }
    }
    module
}

fn header(pair: P) -> Header {
    let sp = span(&pair);
    let mut parts = children(pair);
    let name = ident(parts.next().unwrap());
    let source = ident(parts.next().unwrap());
    let target = ident(parts.next().unwrap());
    Header { name, source, target, span: sp }
}

fn item(pair: P) -> Item {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::use_decl => Item::Use(UseDecl { path: string(children(pair).next().unwrap()), span: sp }),
        Rule::param_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            let ty = type_expr(parts.next().unwrap());
            let default = parts.next().map(expr);
            Item::Param(ParamDecl { name, ty, default, span: sp })
        }
        Rule::lookup_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            let key = type_expr(parts.next().unwrap());
            let value = type_expr(parts.next().unwrap());
            let optional = parts.next().is_some();
            Item::Lookup(LookupDecl { name, key, value, optional, span: sp })
        }
        Rule::table_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            Item::Table(TableDecl { name, arms: parts.map(arm).collect(), span: sp })
        }
        Rule::fn_decl => {
            let mut parts: Vec<P> = children(pair).collect();
            let body = expr(parts.pop().unwrap());
            let mut parts = parts.into_iter();
            let name = ident(parts.next().unwrap());
            let params = parts
                .map(|p| {
                    let mut inner = children(p);
                    (ident(inner.next().unwrap()), type_expr(inner.next().unwrap()))
                })
                .collect();
            Item::Fn(FnDecl { name, params, body, span: sp })
        }
        Rule::key_decl => Item::Key(KeyDecl { expr: expr(children(pair).next().unwrap()), span: sp }),
        _ => Item::Stmt(statement(pair)),
    }
}

fn type_expr(pair: P) -> TypeExpr {
    let sp = span(&pair);
    let inner = children(pair).next().unwrap();
    let kind = match inner.as_rule() {
        Rule::type_simple => TypeExprKind::Simple(inner.as_str().to_string()),
        Rule::type_string => {
            let digits = children(inner).next().unwrap().as_str();
            TypeExprKind::BoundedString(digits.parse().unwrap_or(u32::MAX))
        }
        Rule::type_list => TypeExprKind::List(Box::new(type_expr(children(inner).next().unwrap()))),
        Rule::type_union => TypeExprKind::Union(children(inner).map(literal).collect()),
        other => unreachable!("type {other:?}"),
    };
    TypeExpr { kind, span: sp }
}

fn statement(pair: P) -> Stmt {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::let_stmt => {
            let mut parts = children(pair);
            Stmt::Let { name: ident(parts.next().unwrap()), value: expr(parts.next().unwrap()), span: sp }
        }
        Rule::require_stmt => {
            let mut parts = children(pair);
            Stmt::Require { condition: expr(parts.next().unwrap()), message: string(parts.next().unwrap()), span: sp }
        }
        Rule::node_stmt => {
            let mut parts = children(pair);
            let target = ident(parts.next().unwrap());
            Stmt::Node { target, body: block(parts.next().unwrap()), span: sp }
        }
        Rule::assign_stmt => {
            let mut parts = children(pair);
            Stmt::Assign { value: expr(parts.next().unwrap()), target: ident(parts.next().unwrap()), span: sp }
        }
        Rule::for_stmt => {
            let parts: Vec<P> = children(pair).collect();
            let mut idents = Vec::new();
            let (mut source, mut filter, mut target, mut body) = (None, None, None, None);
            for part in parts {
                match part.as_rule() {
                    Rule::ident if source.is_none() => idents.push(ident(part)),
                    Rule::expr => source = Some(expr(part)),
                    Rule::where_clause => filter = Some(expr(children(part).next().unwrap())),
                    Rule::ident => target = Some(ident(part)),
                    Rule::block => body = Some(block(part)),
                    other => unreachable!("for {other:?}"),
                }
            }
            let mut idents = idents.into_iter();
            Stmt::For(ForStmt {
                item: idents.next().unwrap(),
                index: idents.next(),
                source: source.unwrap(),
                filter,
                target: target.unwrap(),
                body: body.unwrap(),
                span: sp,
            })
        }
        other => unreachable!("statement {other:?}"),
    }
}

fn block(pair: P) -> Vec<Stmt> {
    children(pair).map(statement).collect()
}

fn arm(pair: P) -> Arm {
    let sp = span(&pair);
    let mut parts = children(pair);
    let patterns = children(parts.next().unwrap())
        .map(|p| {
            let inner = children(p).next().unwrap();
            match inner.as_rule() {
                Rule::wildcard => Pattern::Wildcard(span(&inner)),
                _ => Pattern::Lit(literal(inner)),
            }
        })
        .collect();
    Arm { patterns, value: expr(parts.next().unwrap()), span: sp }
}

fn string(pair: P) -> StrLit {
    let sp = span(&pair);
    let raw = pair.as_str();
    StrLit { value: unescape(&raw[1..raw.len() - 1]), span: sp }
}

/// The grammar admits only valid escapes; `\u{...}` outside Unicode becomes U+FFFD.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn literal(pair: P) -> Literal {
    let sp = span(&pair);
    let value = match pair.as_rule() {
        Rule::string => LitValue::Str(string(pair).value),
        Rule::number => LitValue::Number(pair.as_str().to_string()),
        Rule::boolean => LitValue::Bool(pair.as_str() == "true"),
        other => unreachable!("literal {other:?}"),
    };
    Literal { value, span: sp }
}

fn boxed(pair: P) -> Box<Expr> {
    Box::new(expr(pair))
}

pub fn expr(pair: P) -> Expr {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::expr => expr(children(pair).next().unwrap()),
        Rule::coalesce => {
            // `??` yields no pair of its own: the children are the operands, folded from the left.
            let mut operands = children(pair).map(expr);
            let first = operands.next().unwrap();
            operands.fold(first, |left, right| {
                let span = left.span.to(right.span);
                Expr { kind: ExprKind::Coalesce(Box::new(left), Box::new(right)), span }
            })
        }
        Rule::or_expr | Rule::and_expr | Rule::additive | Rule::multiplicative => fold_left(pair, |op, l, r| {
            let op = match op {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "+" => BinOp::Add,
                "-" => BinOp::Sub,
                "*" => BinOp::Mul,
                _ => BinOp::Div,
            };
            ExprKind::Binary(op, l, r)
        }),
        Rule::comparison => fold_left(pair, |op, l, r| {
            let op = match op {
                "==" => BinOp::Eq,
                "!=" => BinOp::Ne,
                "<=" => BinOp::Le,
                ">=" => BinOp::Ge,
                "<" => BinOp::Lt,
                ">" => BinOp::Gt,
                "in" => BinOp::In,
                _ => BinOp::NotIn,
            };
            ExprKind::Binary(op, l, r)
        }),
        Rule::not_expr | Rule::unary => {
            let mut parts = children(pair);
            let first = parts.next().unwrap();
            match first.as_rule() {
                Rule::not_op => Expr { kind: ExprKind::Not(boxed(parts.next().unwrap())), span: sp },
                Rule::neg_op => Expr { kind: ExprKind::Neg(boxed(parts.next().unwrap())), span: sp },
                _ => expr(first),
            }
        }
        Rule::postfix => {
            let mut parts = children(pair);
            let mut current = expr(parts.next().unwrap());
            for suffix in parts {
                let end = span(&suffix);
                let kind = match suffix.as_rule() {
                    Rule::member => ExprKind::Member(Box::new(current), ident(children(suffix).next().unwrap())),
                    Rule::index => ExprKind::Index(Box::new(current), boxed(children(suffix).next().unwrap())),
                    _ => ExprKind::Bang(Box::new(current)),
                };
                current = Expr { kind, span: sp.to(end) };
                current.span.end = end.end;
            }
            current
        }
        Rule::paren => Expr { kind: ExprKind::Paren(boxed(children(pair).next().unwrap())), span: sp },
        Rule::string | Rule::number | Rule::boolean => Expr { kind: ExprKind::Lit(literal(pair)), span: sp },
        Rule::ident => Expr { kind: ExprKind::Name(pair.as_str().to_string()), span: sp },
        Rule::key_ref => Expr { kind: ExprKind::KeyRef, span: sp },
        Rule::call => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            Expr { kind: ExprKind::Call { name, args: parts.map(expr).collect() }, span: sp }
        }
        Rule::if_expr => {
            let mut parts = children(pair);
            let condition = boxed(parts.next().unwrap());
            let then = boxed(parts.next().unwrap());
            let otherwise = parts.next().map(boxed);
            Expr { kind: ExprKind::If { condition, then, otherwise }, span: sp }
        }
        Rule::match_expr => {
            let mut parts = children(pair);
            let scrutinee = boxed(parts.next().unwrap());
            Expr { kind: ExprKind::Match { scrutinee, arms: parts.map(arm).collect() }, span: sp }
        }
        Rule::list_literal => Expr { kind: ExprKind::List(children(pair).map(expr).collect()), span: sp },
        Rule::comprehension => {
            let mut parts = children(pair);
            let value = boxed(parts.next().unwrap());
            let item = ident(parts.next().unwrap());
            let source = boxed(parts.next().unwrap());
            let filter = parts.next().map(|w| boxed(children(w).next().unwrap()));
            Expr { kind: ExprKind::Comprehension { value, item, source, filter }, span: sp }
        }
        other => unreachable!("expression {other:?}"),
    }
}

/// `a op b op c` -> `((a op b) op c)`; a rule with one child is that child.
fn fold_left(pair: P, make: impl Fn(&str, Box<Expr>, Box<Expr>) -> ExprKind) -> Expr {
    let mut parts = children(pair);
    let mut left = expr(parts.next().unwrap());
    while let Some(op) = parts.next() {
        let right = expr(parts.next().unwrap());
        let span = left.span.to(right.span);
        let symbol = op.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
        left = Expr { kind: make(&symbol, Box::new(left), Box::new(right)), span };
    }
    left
}
