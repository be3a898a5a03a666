//! The checker's types: what a value can be, with the facts the target checks need (the longest a text
//! can be, the decimal places, the integer range, the closed set of values), and whether it may be
//! absent (`optional`) or may fail at run time (`fallible`).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::schema::{Field, IntWidth, Length, Record, Registry, Type};

/// The most entries one target list holds; positions (`for row, i in ...`) are `1..=MAX_POSITION`.
/// The runtime fails a record that would write more, so `i * 16384 -> LNITMSEQ` provably fits an int32.
pub const MAX_POSITION: i64 = 32_767;

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `max`: the most characters the text can have (`None`: no bound is known).
    Str { max: Option<u64>, values: Option<BTreeSet<String>> },
    Int { min: i128, max: i128, values: Option<BTreeSet<i64>> },
    /// `scale`: the most decimal places (`None`: unbounded, as after a division).
    Dec { scale: Option<u32> },
    Bool,
    Date,
    DateTime,
    /// A JSON value of unknown shape.
    Json,
    List(Box<Ty>),
    /// An object keyed by ids (`orderRows`).
    Keyed(Box<Ty>),
    /// An object keyed by names.
    Map(Box<Ty>),
    Record(Arc<Record>),
    /// Already reported: checks stay quiet about it so one mistake gives one diagnostic.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ty {
    pub shape: Shape,
    /// May be absent at run time.
    pub optional: bool,
    /// May fail at run time (a parse, a division, a table miss).
    pub fallible: bool,
    /// Passed through `truncate`: such a value must never become a key.
    pub truncated: bool,
}

impl Ty {
    pub fn new(shape: Shape) -> Ty {
        Ty { shape, optional: false, fallible: false, truncated: false }
    }

    pub fn error() -> Ty {
        Ty::new(Shape::Error)
    }

    pub fn string(max: Option<u64>) -> Ty {
        Ty::new(Shape::Str { max, values: None })
    }

    pub fn int(min: i128, max: i128) -> Ty {
        Ty::new(Shape::Int { min, max, values: None })
    }

    pub fn int64() -> Ty {
        Ty::int(i64::MIN as i128, i64::MAX as i128)
    }

    pub fn decimal(scale: Option<u32>) -> Ty {
        Ty::new(Shape::Dec { scale })
    }

    pub fn bool() -> Ty {
        Ty::new(Shape::Bool)
    }

    pub fn is_error(&self) -> bool {
        matches!(self.shape, Shape::Error)
    }

    pub fn optional(mut self, optional: bool) -> Ty {
        self.optional |= optional;
        self
    }

    pub fn fallible(mut self, fallible: bool) -> Ty {
        self.fallible |= fallible;
        self
    }

    pub fn truncated(mut self, truncated: bool) -> Ty {
        self.truncated |= truncated;
        self
    }

    /// The same value, certainly present and not failing (after `!` or a fallback).
    pub fn settled(mut self) -> Ty {
        self.optional = false;
        self.fallible = false;
        self
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.shape, Shape::Int { .. } | Shape::Dec { .. })
    }

    /// The element type of a collection.
    pub fn element(&self) -> Option<&Ty> {
        match &self.shape {
            Shape::List(t) | Shape::Keyed(t) | Shape::Map(t) => Some(t),
            _ => None,
        }
    }

    /// A type for a literal value.
    pub fn of_str(value: &str) -> Ty {
        Ty::new(Shape::Str { max: Some(value.chars().count() as u64), values: Some([value.to_string()].into()) })
    }

    pub fn of_int(value: i64) -> Ty {
        Ty::new(Shape::Int { min: value as i128, max: value as i128, values: Some([value].into()) })
    }

    /// The type of a number literal as written: `3` an integer, `0.50` a decimal of scale 2.
    pub fn of_number(text: &str) -> Option<Ty> {
        match text.split_once('.') {
            None => text.parse::<i64>().ok().map(Ty::of_int),
            Some((_, fraction)) => Some(Ty::decimal(Some(fraction.len() as u32))),
        }
    }
}

/// The type of a schema field's value, as the mapping reads it.
pub fn field_type(registry: &Registry, field: &Field) -> Ty {
    let ty = schema_type(registry, &field.ty, Some(field));
    ty.optional(field.presence != crate::schema::Presence::Required)
}

pub fn schema_type(registry: &Registry, ty: &Type, field: Option<&Field>) -> Ty {
    let shape = match ty {
        Type::String => {
            let max = match field.and_then(|f| f.length) {
                Some(Length::Max(n)) => Some(n as u64),
                _ => None,
            };
            let values = field.and_then(|f| f.values.as_ref()).map(|v| v.texts());
            // A closed set of texts is as long as its longest value.
            let max = max.or_else(|| values.as_ref().and_then(|v: &BTreeSet<String>| v.iter().map(|s| s.chars().count() as u64).max()));
            Shape::Str { max, values }
        }
        Type::Decimal | Type::DecimalText => Shape::Dec { scale: field.and_then(|f| f.scale) },
        Type::Int(width) => {
            let (min, max) = width.range();
            let values = field.and_then(|f| f.values.as_ref()).map(|v| v.integers());
            Shape::Int { min: min as i128, max: max as i128, values }
        }
        Type::Boolean => Shape::Bool,
        Type::Date => Shape::Date,
        Type::DateTime => Shape::DateTime,
        Type::Json => Shape::Json,
        Type::List(t) => Shape::List(Box::new(schema_type(registry, t, None))),
        Type::Keyed(t) => Shape::Keyed(Box::new(schema_type(registry, t, None))),
        Type::Map(t) => Shape::Map(Box::new(schema_type(registry, t, None))),
        Type::Record(r) => Shape::Record(r.clone()),
        Type::Named(name) => match registry.get(name) {
            Ok(def) => Shape::Record(def.record.clone()),
            Err(_) => Shape::Error,
        },
    };
    Ty::new(shape)
}

pub fn width_range(width: IntWidth) -> (i128, i128) {
    let (min, max) = width.range();
    (min as i128, max as i128)
}

/// The type both branches fit (for `if`, `match`, tables, `??`, list literals), or `None`.
pub fn join(a: &Ty, b: &Ty) -> Option<Ty> {
    let shape = match (&a.shape, &b.shape) {
        (Shape::Error, _) | (_, Shape::Error) => Shape::Error,
        (Shape::Str { max: m1, values: v1 }, Shape::Str { max: m2, values: v2 }) => Shape::Str {
            max: m1.zip(*m2).map(|(x, y)| x.max(y)),
            values: v1.as_ref().zip(v2.as_ref()).map(|(x, y)| x.union(y).cloned().collect()),
        },
        (Shape::Int { min: a1, max: b1, values: v1 }, Shape::Int { min: a2, max: b2, values: v2 }) => Shape::Int {
            min: *a1.min(a2),
            max: *b1.max(b2),
            values: v1.as_ref().zip(v2.as_ref()).map(|(x, y)| x.union(y).copied().collect()),
        },
        (Shape::Dec { scale: s1 }, Shape::Dec { scale: s2 }) => Shape::Dec { scale: s1.zip(*s2).map(|(x, y)| x.max(y)) },
        (Shape::Dec { scale }, Shape::Int { .. }) | (Shape::Int { .. }, Shape::Dec { scale }) => Shape::Dec { scale: *scale },
        (Shape::List(x), Shape::List(y)) => Shape::List(Box::new(join(x, y)?)),
        (x, y) if x == y => x.clone(),
        (Shape::Record(x), Shape::Record(y)) if Arc::ptr_eq(x, y) => Shape::Record(x.clone()),
        _ => return None,
    };
    Some(Ty { shape, optional: a.optional || b.optional, fallible: a.fallible || b.fallible, truncated: a.truncated || b.truncated })
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shape {
            Shape::Str { max: Some(n), .. } => write!(f, "string (up to {n} characters)")?,
            Shape::Str { max: None, .. } => write!(f, "string")?,
            Shape::Int { min, max, .. } if min == max => write!(f, "integer {min}")?,
            Shape::Int { .. } => write!(f, "integer")?,
            Shape::Dec { scale: Some(s) } => write!(f, "decimal ({s} places)")?,
            Shape::Dec { scale: None } => write!(f, "decimal")?,
            Shape::Bool => write!(f, "boolean")?,
            Shape::Date => write!(f, "date")?,
            Shape::DateTime => write!(f, "datetime")?,
            Shape::Json => write!(f, "json")?,
            Shape::List(t) => write!(f, "list of {t}")?,
            Shape::Keyed(t) => write!(f, "an id-keyed collection of {t}")?,
            Shape::Map(t) => write!(f, "map of {t}")?,
            Shape::Record(r) => write!(f, "record {}", r.name)?,
            Shape::Error => write!(f, "unknown")?,
        }
        if self.optional {
            write!(f, " (may be absent)")?;
        }
        Ok(())
    }
}

/// Digits needed to write an integer of this range as text.
pub fn int_text_len(min: i128, max: i128) -> u64 {
    let len = |n: i128| n.unsigned_abs().to_string().len() as u64 + u64::from(n < 0);
    len(min).max(len(max))
}
