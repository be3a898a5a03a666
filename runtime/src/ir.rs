//! The IR: a checked mapping as the runtime executes it. `.mir` files are this, as JSON.
//!
//! Self-contained: the target layout (fields in element order), the key, params with their types and
//! defaults, lookups with their types and whether a miss is allowed. No spans, no comments: the IR
//! of a reformatted file is the same. Names are resolved to numbers (locals to frame slots, params,
//! lookups and tables to indexes, target fields to positions in their node), so the executor never
//! looks a name up.

use serde::{Deserialize, Serialize};

/// The version this runtime executes; it refuses any other.
pub const IR_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub ir_version: u32,
    pub name: String,
    /// `brightpearl.Order`
    pub source: String,
    pub target: Target,
    pub params: Vec<Param>,
    pub lookups: Vec<Lookup>,
    pub tables: Vec<Table>,
    pub key: Expr,
    /// Slots in the frame of locals (lets, loop variables, inlined function parameters).
    pub locals: u32,
    /// The parts of an input record the mapping reads; the rest is skipped unparsed. Absent: read
    /// everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<Projection>,
    pub body: Vec<Stmt>,
}

/// A tree of the input's field names the mapping reads; `*` stands for every entry of a collection.
/// A node marked `all` is kept whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Projection {
    #[serde(default, skip_serializing_if = "is_false")]
    pub all: bool,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, Projection>,
}

impl Projection {
    /// The node for a path, created as needed.
    pub fn at(&mut self, path: &[String]) -> &mut Projection {
        path.iter().fold(self, |node, name| node.fields.entry(name.clone()).or_default())
    }

    /// A projection keeping each of these dotted paths (`rows.*.net`) whole.
    #[cfg(test)]
    pub(crate) fn kept_whole(paths: &[&str]) -> Projection {
        let mut projection = Projection::default();
        for path in paths {
            let parts: Vec<String> = path.split('.').map(str::to_string).collect();
            projection.at(&parts).all = true;
        }
        projection
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// An eConnect XML document for GP.
    Econnect,
    /// A JSON request body for Brightpearl.
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// `econnect.SOPTransactionType`
    #[serde(rename = "type")]
    pub type_name: String,
    pub format: Format,
    /// The element the root node is written as (`SOPTransactionType`).
    pub element: String,
    /// Where this transaction type stands in eConnect's `eConnectType` sequence: documents holding
    /// several kinds of transaction write them in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_position: Option<u32>,
    /// Every node the mapping writes; node 0 is the root.
    pub nodes: Vec<Node>,
}

/// A target node: the fields the mapping writes, in the target's element order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub name: String,
    pub fields: Vec<TargetField>,
}

/// (Not `deny_unknown_fields`: serde cannot combine it with the flattened kind.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetField {
    pub name: String,
    #[serde(flatten)]
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    Value {
        #[serde(rename = "type")]
        ty: ValueType,
        #[serde(default, skip_serializing_if = "is_false")]
        required: bool,
        /// Most characters (absent: no limit known).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        length: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u32>,
        /// A business key: an over-long value fails the record, never cut.
        #[serde(default, skip_serializing_if = "is_false")]
        key: bool,
    },
    Node {
        node: u32,
    },
    List {
        node: u32,
        /// The element name of each entry inside the list's wrapper element (eConnect `_Items`); absent:
        /// the entry element repeats with no wrapper.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
        #[serde(default, skip_serializing_if = "is_zero")]
        min_items: u32,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The wire type of a target value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    String,
    Decimal,
    /// A decimal written as JSON text (Brightpearl's `"12.50"`).
    DecimalText,
    Int,
    Bool,
    Date,
    DateTime,
    Json,
}

/// The declared type of a param, a lookup key or value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredType {
    pub base: BaseType,
    /// Text: the most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Integers: the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// A closed set of values (`param sop_type: 3 | 2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Const>>,
    /// Lists: the entries' type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<Box<DeclaredType>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseType {
    String,
    Int,
    Decimal,
    Bool,
    Date,
    DateTime,
    List,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: DeclaredType,
    /// Absent: the param must be supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Const>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    pub name: String,
    pub key: DeclaredType,
    pub value: DeclaredType,
    /// A miss gives an absent value; otherwise it fails the record as a business error.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub name: String,
    pub arms: Vec<Arm>,
    /// The `_` case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    pub patterns: Vec<Const>,
    pub value: Expr,
}

/// A constant value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Const {
    Str(String),
    Int(i64),
    /// A decimal as written (`"0.50"`), never a binary float.
    Dec(String),
    Bool(bool),
    List(Vec<Const>),
}

/// How a source field is read: its wire type and whether it may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    String,
    Decimal,
    DecimalText,
    Int,
    Bool,
    Date,
    DateTime,
    Json,
    Record,
    List,
    Keyed,
    Map,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Required,
    Optional,
    Nullable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    Text,
    ToDecimal,
    ToInt,
    Round,
    Truncate,
    Upper,
    Lower,
    Trim,
    PadLeft,
    Replace,
    Date,
    Length,
    Abs,
    Present,
    Sum,
    Count,
    Min,
    Max,
    First,
    Join,
}

impl Builtin {
    /// How many arguments the function takes.
    pub fn arity(self) -> usize {
        match self {
            Builtin::Round | Builtin::Truncate | Builtin::Join => 2,
            Builtin::PadLeft | Builtin::Replace => 3,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    Const(Const),
    Local(u32),
    Param(u32),
    /// The record being mapped.
    Input,
    /// A field of a record, checked against its source type as it is read.
    Field {
        of: Box<Expr>,
        name: FieldName,
        #[serde(rename = "type")]
        ty: SourceType,
        presence: Presence,
    },
    /// An entry of a keyed object, map or list (absent when missing).
    Index {
        of: Box<Expr>,
        key: Box<Expr>,
        #[serde(rename = "type")]
        ty: SourceType,
    },
    /// `x!`: absent or failed becomes a validation failure.
    Bang(Box<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a ?? b`
    Coalesce(Box<Expr>, Box<Expr>),
    Call {
        function: Builtin,
        args: Vec<Expr>,
    },
    Lookup {
        lookup: u32,
        key: Box<Expr>,
    },
    Table {
        table: u32,
        arg: Box<Expr>,
    },
    /// Binds a slot for the body (inlined function parameters).
    Let {
        slot: u32,
        value: Box<Expr>,
        body: Box<Expr>,
    },
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        otherwise: Option<Box<Expr>>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Box<Expr>>,
    },
    List(Vec<Expr>),
    /// `[value for item in source where filter]`
    Comprehension {
        item: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<u32>,
        source: Box<Expr>,
        element: SourceType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Expr>>,
        value: Box<Expr>,
    },
}

/// The name of an input field, written as plain text in the IR and numbered at load
/// ([`crate::doc::name_id`]): reading a field compares numbers, not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName {
    text: String,
    id: u32,
}

impl FieldName {
    pub fn new(text: String) -> FieldName {
        FieldName { id: crate::doc::name_id(&text), text }
    }

    /// Its number; 0 for none.
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl std::ops::Deref for FieldName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for FieldName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for FieldName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(FieldName::new)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stmt {
    Let {
        slot: u32,
        value: Expr,
    },
    /// Writes field `field` of the current node.
    Set {
        field: u32,
        value: Expr,
    },
    /// Writes the nested node in field `field` of the current node.
    Node {
        field: u32,
        body: Vec<Stmt>,
    },
    /// Appends one entry to the list in field `field` per element of `source`.
    For {
        field: u32,
        item: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<u32>,
        source: Expr,
        /// How each entry of a source collection is read.
        element: SourceType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Expr>,
        body: Vec<Stmt>,
    },
    Require {
        condition: Expr,
        /// Fails the record as a business failure rather than a validation failure.
        #[serde(default, skip_serializing_if = "is_false")]
        business: bool,
        message: String,
    },
    /// The record is skipped on purpose when the condition holds.
    Skip {
        condition: Expr,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Io(String),
    #[error("not a compiled mapping: {0}")]
    Format(String),
    #[error("this IR is version {found}; this maprun runs version {IR_VERSION} only (rebuild it with a matching mapc)")]
    Version { found: u64 },
    #[error("the IR is inconsistent: {0}")]
    Invalid(String),
}

impl Program {
    /// Reads a `.mir` file's text, refusing another IR version before anything else.
    pub fn from_json(text: &str) -> Result<Program, LoadError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| LoadError::Format(e.to_string()))?;
        match value.get("ir_version").and_then(|v| v.as_u64()) {
            Some(v) if v == IR_VERSION as u64 => {}
            Some(found) => return Err(LoadError::Version { found }),
            None => return Err(LoadError::Format("no integer `ir_version`".into())),
        }
        let program: Program = serde_json::from_value(value).map_err(|e| LoadError::Format(e.to_string()))?;
        program.validate()?;
        Ok(program)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the IR serializes");
        text.push('\n');
        text
    }

    /// Checks every index the executor will follow, so a hand-edited or damaged file fails at load, not
    /// mid-run.
    pub fn validate(&self) -> Result<(), LoadError> {
        let bad = |m: String| Err(LoadError::Invalid(m));
        if self.target.nodes.is_empty() {
            return bad("the target has no root node".into());
        }
        for (i, node) in self.target.nodes.iter().enumerate() {
            for field in &node.fields {
                if let FieldKind::Node { node: n } | FieldKind::List { node: n, .. } = field.kind {
                    if n as usize >= self.target.nodes.len() || n as usize == i {
                        return bad(format!("{}.{} refers to node {n}", node.name, field.name));
                    }
                }
            }
        }
        let mut checker = IndexCheck { program: self, problem: None };
        checker.expr(&self.key);
        checker.stmts(&self.body, 0);
        for table in &self.tables {
            table.arms.iter().for_each(|a| checker.expr(&a.value));
            if let Some(d) = &table.default {
                checker.expr(d);
            }
        }
        match checker.problem {
            Some(problem) => bad(problem),
            None => Ok(()),
        }
    }
}

struct IndexCheck<'a> {
    program: &'a Program,
    problem: Option<String>,
}

impl IndexCheck<'_> {
    fn fail(&mut self, message: String) {
        self.problem.get_or_insert(message);
    }

    fn slot(&mut self, slot: u32) {
        if slot >= self.program.locals {
            self.fail(format!("local slot {slot} is outside the frame of {}", self.program.locals));
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], node: usize) {
        let fields = &self.program.target.nodes[node].fields;
        for stmt in stmts {
            match stmt {
                Stmt::Let { slot, value } => {
                    self.slot(*slot);
                    self.expr(value);
                }
                Stmt::Set { field, value } => {
                    match fields.get(*field as usize).map(|f| &f.kind) {
                        Some(FieldKind::Value { .. }) => {}
                        _ => self.fail(format!("`set` of field {field}, not a value field of {}", self.program.target.nodes[node].name)),
                    }
                    self.expr(value);
                }
                Stmt::Node { field, body } => match fields.get(*field as usize).map(|f| &f.kind) {
                    Some(FieldKind::Node { node: child }) => self.stmts(body, *child as usize),
                    _ => self.fail(format!("`node` of field {field}, not a node field")),
                },
                Stmt::For { field, item, index, key, source, filter, body, .. } => {
                    self.slot(*item);
                    index.iter().chain(key.iter()).for_each(|s| self.slot(*s));
                    self.expr(source);
                    if let Some(f) = filter {
                        self.expr(f);
                    }
                    match fields.get(*field as usize).map(|f| &f.kind) {
                        Some(FieldKind::List { node: child, .. }) => self.stmts(body, *child as usize),
                        _ => self.fail(format!("`for` into field {field}, not a list field")),
                    }
                }
                Stmt::Require { condition, .. } | Stmt::Skip { condition } => self.expr(condition),
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Const(_) | Expr::Input => {}
            Expr::Local(s) => self.slot(*s),
            Expr::Param(p) => {
                if *p as usize >= self.program.params.len() {
                    self.fail(format!("param {p} does not exist"));
                }
            }
            Expr::Field { of, .. } | Expr::Bang(of) | Expr::Neg(of) | Expr::Not(of) => self.expr(of),
            Expr::Index { of, key, .. } => {
                self.expr(of);
                self.expr(key);
            }
            Expr::Binary { left, right, .. } | Expr::Coalesce(left, right) => {
                self.expr(left);
                self.expr(right);
            }
            Expr::Call { function, args } => {
                if args.len() != function.arity() {
                    self.fail(format!("{function:?} takes {} arguments, not {}", function.arity(), args.len()));
                }
                args.iter().for_each(|a| self.expr(a));
            }
            Expr::List(args) => args.iter().for_each(|a| self.expr(a)),
            Expr::Lookup { lookup, key } => {
                if *lookup as usize >= self.program.lookups.len() {
                    self.fail(format!("lookup {lookup} does not exist"));
                }
                self.expr(key);
            }
            Expr::Table { table, arg } => {
                if *table as usize >= self.program.tables.len() {
                    self.fail(format!("table {table} does not exist"));
                }
                self.expr(arg);
            }
            Expr::Let { slot, value, body } => {
                self.slot(*slot);
                self.expr(value);
                self.expr(body);
            }
            Expr::If { condition, then, otherwise } => {
                self.expr(condition);
                self.expr(then);
                if let Some(o) = otherwise {
                    self.expr(o);
                }
            }
            Expr::Match { scrutinee, arms, default } => {
                self.expr(scrutinee);
                arms.iter().for_each(|a| self.expr(&a.value));
                if let Some(d) = default {
                    self.expr(d);
                }
            }
            Expr::Comprehension { item, key, source, filter, value, .. } => {
                self.slot(*item);
                if let Some(k) = key {
                    self.slot(*k);
                }
                self.expr(source);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.expr(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(key: Expr) -> Program {
        Program {
            ir_version: IR_VERSION,
            name: "t".into(),
            source: "brightpearl.Order".into(),
            target: Target { type_name: "x.Y".into(), format: Format::Json, element: "Y".into(), document_position: None, nodes: vec![Node { name: "Y".into(), fields: vec![] }] },
            params: vec![],
            lookups: vec![],
            tables: vec![],
            key,
            locals: 1,
            projection: None,
            body: vec![],
        }
    }

    #[test]
    fn a_damaged_program_is_refused_at_load() {
        let good = program(Expr::Call { function: Builtin::Text, args: vec![Expr::Input] });
        assert!(Program::from_json(&good.to_json()).is_ok());
        for bad in [
            program(Expr::Call { function: Builtin::Round, args: vec![Expr::Input] }),
            program(Expr::Local(3)),
            program(Expr::Param(0)),
            program(Expr::Lookup { lookup: 0, key: Box::new(Expr::Input) }),
        ] {
            let error = Program::from_json(&bad.to_json()).unwrap_err();
            assert!(matches!(error, LoadError::Invalid(_)), "{error}");
        }
        let other = good.to_json().replacen("\"ir_version\": 1", "\"ir_version\": 7", 1);
        assert!(matches!(Program::from_json(&other), Err(LoadError::Version { found: 7 })));
        assert!(matches!(Program::from_json("{\"ir_version\": 1, \"name\": 3}"), Err(LoadError::Format(_))));
        assert!(matches!(Program::from_json("not json"), Err(LoadError::Format(_))));
    }
}
