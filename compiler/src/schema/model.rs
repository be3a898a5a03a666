//! The schema model: what a system's records look like, as the checker sees them.
//!
//! One [`TypeDef`] per type file. Fields keep the system's own order (for eConnect the XSD order, which
//! is also the order documents must be written in).

use std::fmt;
use std::sync::Arc;

/// `system.Name`, e.g. `econnect.taSopHdrIvcInsert`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeName {
    pub system: String,
    pub name: String,
}

impl TypeName {
    pub fn new(system: impl Into<String>, name: impl Into<String>) -> Self {
        TypeName { system: system.into(), name: name.into() }
    }

    /// Parses `system.Name`; a bare `Name` takes `default_system`.
    pub fn parse(text: &str, default_system: &str) -> Option<Self> {
        let (system, name) = match text.split_once('.') {
            Some((system, name)) => (system, name),
            None => (default_system, text),
        };
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        (valid(system) && valid(name)).then(|| TypeName::new(system, name))
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.system, self.name)
    }
}

/// What a type is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Brightpearl resource as the API returns it.
    Resource,
    /// A body we send to Brightpearl.
    Request,
    /// An eConnect node: a flat element of simple values.
    Node,
    /// An eConnect transaction type: an ordered set of nodes.
    Transaction,
    /// The eConnect document root.
    Document,
    /// Any other record (GP-side records, helpers).
    Record,
}

impl Kind {
    pub const ALL: [(Kind, &'static str); 6] = [
        (Kind::Resource, "resource"),
        (Kind::Request, "request"),
        (Kind::Node, "node"),
        (Kind::Transaction, "transaction"),
        (Kind::Document, "document"),
        (Kind::Record, "record"),
    ];

    pub fn as_str(self) -> &'static str {
        Kind::ALL.iter().find(|(k, _)| *k == self).map(|(_, s)| *s).unwrap_or("record")
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|(_, s)| *s == text).map(|(k, _)| *k)
    }
}

/// One type file.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: TypeName,
    pub kind: Kind,
    pub description: Option<String>,
    pub record: Arc<Record>,
}

/// A record: a named or inline set of fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Display name: `Order`, or `Order.orderRows` for an inline record.
    pub name: String,
    /// Fields not listed are accepted.
    pub open: bool,
    pub fields: Vec<Field>,
}

impl Record {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub presence: Presence,
    /// What the receiving system assumes when the field is absent.
    pub default: Option<String>,
    pub length: Option<Length>,
    pub scale: Option<u32>,
    pub values: Option<ValueSet>,
    /// A business key: never truncated.
    pub key: bool,
    /// eConnect: may be sent as `xsi:nil="true"`.
    pub nillable: bool,
    /// eConnect: the element name of each list entry inside its `_Items` wrapper.
    pub item: Option<String>,
    pub min_items: Option<u32>,
    /// Added to the record by the pipeline; never in the system's own response.
    pub added: bool,
    pub description: Option<String>,
}

impl Field {
    /// A field with only a name and a type; everything else at its default.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Field {
            name: name.into(),
            ty,
            presence: Presence::Optional,
            default: None,
            length: None,
            scale: None,
            values: None,
            key: false,
            nillable: false,
            item: None,
            min_items: None,
            added: false,
            description: None,
        }
    }
}

/// Whether a field is always there, and whether it may be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null.
    Required,
    /// May be absent; when present, never null (Brightpearl's usual way).
    Optional,
    /// May be absent or null.
    Nullable,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Nullable => "nullable",
        }
    }

    pub fn parse(text: &str) -> Option<Presence> {
        match text {
            "required" => Some(Presence::Required),
            "optional" => Some(Presence::Optional),
            "nullable" => Some(Presence::Nullable),
            _ => None,
        }
    }
}

/// The maximum length of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Max(u32),
    /// A limit exists but no source gives it: the checker warns and never truncates.
    Unknown,
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Max(n) => write!(f, "{n}"),
            Length::Unknown => f.write_str("unknown"),
        }
    }
}

/// Integer widths, after the XSD types that carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntWidth {
    I16,
    I32,
    I64,
}

impl IntWidth {
    pub fn range(self) -> (i64, i64) {
        match self {
            IntWidth::I16 => (i16::MIN as i64, i16::MAX as i64),
            IntWidth::I32 => (i32::MIN as i64, i32::MAX as i64),
            IntWidth::I64 => (i64::MIN, i64::MAX),
        }
    }
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    /// An exact decimal sent as a number.
    Decimal,
    /// An exact decimal sent as text (`"12.5000"`).
    DecimalText,
    Int(IntWidth),
    Boolean,
    Date,
    DateTime,
    /// Any JSON value.
    Json,
    List(Box<Type>),
    /// A JSON object keyed by numeric ids.
    Keyed(Box<Type>),
    /// A JSON object keyed by names.
    Map(Box<Type>),
    /// Another type file.
    Named(TypeName),
    /// An inline record.
    Record(Arc<Record>),
}

impl Type {
    /// The element type of a collection, if this is one.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Keyed(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Decimal => f.write_str("decimal"),
            Type::DecimalText => f.write_str("decimal_text"),
            Type::Int(IntWidth::I16) => f.write_str("int16"),
            Type::Int(IntWidth::I32) => f.write_str("int32"),
            Type::Int(IntWidth::I64) => f.write_str("int64"),
            Type::Boolean => f.write_str("boolean"),
            Type::Date => f.write_str("date"),
            Type::DateTime => f.write_str("datetime"),
            Type::Json => f.write_str("json"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Keyed(t) => write!(f, "keyed<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Named(n) => write!(f, "{n}"),
            Type::Record(_) => f.write_str("record"),
        }
    }
}

/// A literal in a closed value set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Int(i64),
    Str(String),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// A closed set of values, each with an optional meaning (`3 => Invoice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSet(pub Vec<(Literal, Option<String>)>);

impl ValueSet {
    pub fn contains(&self, value: &Literal) -> bool {
        self.0.iter().any(|(v, _)| v == value)
    }

    /// The text values of the set.
    pub fn texts(&self) -> std::collections::BTreeSet<String> {
        self.0.iter().filter_map(|(v, _)| if let Literal::Str(s) = v { Some(s.clone()) } else { None }).collect()
    }

    /// The integer values of the set.
    pub fn integers(&self) -> std::collections::BTreeSet<i64> {
        self.0.iter().filter_map(|(v, _)| if let Literal::Int(n) = v { Some(*n) } else { None }).collect()
    }
}
