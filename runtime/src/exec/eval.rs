//! Evaluating expressions.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::Arc;

use bumpalo::Bump;
use rust_decimal::Decimal;

use super::{validation, Class, Env, Failure, Fault};
use crate::doc::{NodeRef, Shape};
use crate::ir::{Arm, BinOp, Const, Expr, FieldName, Presence, SourceType};
use crate::value::{general_decimal, parse_decimal, plain_decimal, Date, DateTime, Value};

pub(crate) type Eval<'a> = Result<Value<'a>, Fault>;

/// A collection's entries in iteration order, with their keys where it is keyed.
pub(crate) type Entries<'a> = Rc<Vec<(Option<&'a str>, Value<'a>)>>;

/// Which input collection, read as which element type, an [`Entries`] list holds.
#[derive(PartialEq, Eq, Clone, Copy)]
struct EntriesOf {
    node: u32,
    element: SourceType,
    keyed_by_id: bool,
}

pub(crate) struct Machine<'a> {
    pub(crate) env: &'a Env<'a>,
    input: NodeRef<'a>,
    /// Where text a `let` computes is kept for the record: reading the local borrows it, however
    /// often it is read.
    arena: &'a Bump,
    /// Locals; a `let` whose value failed softly holds the failure, raised again where it is read
    /// (so `let x = to_decimal(s)` followed by `x ?? 0` behaves as `to_decimal(s) ?? 0`).
    frame: Vec<Result<Value<'a>, String>>,
    /// The input collections iterated so far in this record: a mapping that loops over the rows and
    /// sums over them three times reads and sorts them once.
    iterated: Vec<(EntriesOf, Entries<'a>)>,
}

impl<'a> Machine<'a> {
    pub(crate) fn new(env: &'a Env<'a>, input: NodeRef<'a>, arena: &'a Bump) -> Self {
        Machine { env, input, arena, frame: vec![Ok(Value::Absent); env.program.locals as usize], iterated: Vec::new() }
    }

    #[inline]
    pub(crate) fn set_local(&mut self, slot: u32, value: Value<'a>) {
        self.frame[slot as usize] = Ok(value);
    }

    /// [`Self::set_local`] for a `let`, whose value may be read many times: text it computed moves
    /// into the arena, and each read borrows it.
    pub(crate) fn bind_local(&mut self, slot: u32, value: Value<'a>) {
        let value = match value {
            Value::Str(Cow::Owned(text)) => Value::Str(Cow::Borrowed(self.arena.alloc_str(&text))),
            other => other,
        };
        self.set_local(slot, value);
    }

    pub(crate) fn set_local_failed(&mut self, slot: u32, message: String) {
        self.frame[slot as usize] = Err(message);
    }

    pub(crate) fn eval(&mut self, e: &'a Expr) -> Eval<'a> {
        match e {
            Expr::Const(c) => Ok(const_ref(c)),
            Expr::Local(slot) => self.frame[*slot as usize].clone().map_err(Fault::Soft),
            Expr::Param(p) => Ok(match &self.env.params[*p as usize] {
                Value::Str(s) => Value::Str(Cow::Borrowed(s)),
                other => other.clone(),
            }),
            Expr::Input => Ok(Value::Json(self.input)),
            Expr::Field { of, name, ty, presence } => self.field(of, name, *ty, *presence),
            Expr::Index { of, key, ty } => self.index(of, key, *ty),
            Expr::Bang(inner) => match self.eval(inner) {
                Ok(Value::Absent) => Err(absent_required(inner)),
                Ok(v) => Ok(v),
                Err(Fault::Soft(message)) => Err(hard(message)),
                Err(hard) => Err(hard),
            },
            Expr::Neg(inner) => match self.eval(inner)? {
                Value::Int(n) => n.checked_neg().map(Value::Int).ok_or_else(|| hard("integer overflow".into())),
                Value::Dec(d) => Ok(Value::Dec(-d)),
                _ => Ok(Value::Absent),
            },
            Expr::Not(inner) => match self.eval(inner)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                _ => Ok(Value::Absent),
            },
            Expr::Binary { op, left, right } => self.binary(*op, left, right),
            Expr::Coalesce(left, right) => match self.eval(left) {
                Ok(Value::Absent) | Err(Fault::Soft(_)) => self.eval(right),
                other => other,
            },
            Expr::Call { function, args } => self.builtin(*function, args),
            Expr::Lookup { lookup, key } => self.lookup(*lookup, key),
            Expr::Table { table, arg } => self.table(*table, arg),
            Expr::Let { slot, value, body } => {
                let v = self.eval(value)?;
                self.bind_local(*slot, v);
                self.eval(body)
            }
            Expr::If { condition, then, otherwise } => match self.eval(condition)? {
                Value::Bool(true) => self.eval(then),
                _ => match otherwise {
                    Some(other) => self.eval(other),
                    None => Ok(Value::Absent),
                },
            },
            Expr::Match { scrutinee, arms, default } => self.matching(scrutinee, arms, default.as_deref()),
            Expr::List(items) => self.list(items),
            Expr::Comprehension { item, key, source, element, filter, value } => {
                self.comprehension(*item, *key, source, *element, filter.as_deref(), value)
            }
        }
    }

    /// A field of the record `of` gives. The record of a field read is most often the input, a local or
    /// another field read: those are found here directly, not through [`Self::eval`].
    #[inline]
    fn field(&mut self, of: &'a Expr, name: &'a FieldName, ty: SourceType, presence: Presence) -> Eval<'a> {
        let direct = match of {
            Expr::Input => Some(self.input),
            Expr::Local(slot) => match &self.frame[*slot as usize] {
                Ok(Value::Json(record)) => Some(*record),
                _ => None,
            },
            _ => None,
        };
        let record = match direct {
            Some(record) => record,
            None => {
                let value = match of {
                    Expr::Field { of, name, ty, presence } => self.field(of, name, *ty, *presence)?,
                    other => self.eval(other)?,
                };
                match value {
                    Value::Absent => return Ok(Value::Absent),
                    Value::Json(record) => record,
                    _ => return Err(not_a_record(name)),
                }
            }
        };
        if !record.is_object() {
            return Err(not_a_record(name));
        }
        read(record.field(name), ty, presence, name)
    }

    // The less common expressions, out of line: `eval` stays small, and cheap to enter.

    #[inline(never)]
    fn index(&mut self, of: &'a Expr, key: &'a Expr, ty: SourceType) -> Eval<'a> {
        let collection = self.eval(of)?;
        let key = self.eval(key)?;
        let found = match (&collection, &key) {
            (Value::Absent, _) | (_, Value::Absent) => return Ok(Value::Absent),
            (Value::Json(map), _) if map.is_object() => key.to_text().and_then(|k| map.get(&k)),
            (Value::Json(items), Value::Int(i)) if items.is_array() => usize::try_from(*i).ok().and_then(|i| items.index(i)),
            (Value::List(items), Value::Int(i)) => {
                return Ok(usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned().unwrap_or(Value::Absent));
            }
            _ => None,
        };
        read(found, ty, Presence::Nullable, "entry")
    }

    #[inline(never)]
    fn lookup(&mut self, lookup: u32, key: &'a Expr) -> Eval<'a> {
        let key = self.eval(key)?;
        let decl = &self.env.program.lookups[lookup as usize];
        let table = self.env.lookups[lookup as usize].as_ref();
        if table.is_none() && decl.optional {
            // An optional lookup that was not supplied misses every time.
            return Ok(Value::Absent);
        }
        let Some(text) = key.to_text() else { return Ok(Value::Absent) };
        match table.and_then(|table| table.get(&text)) {
            Some(Value::Str(s)) => Ok(Value::Str(Cow::Borrowed(s))),
            Some(value) => Ok(value.clone()),
            None if decl.optional => Ok(Value::Absent),
            None => Err(Fault::Hard(Box::new(Failure {
                class: Class::Business,
                field: None,
                message: format!("lookup `{}` has no entry for key {text:?}", decl.name),
            }))),
        }
    }

    #[inline(never)]
    fn table(&mut self, table: u32, arg: &'a Expr) -> Eval<'a> {
        let value = self.eval(arg)?;
        if value.is_absent() {
            return Ok(Value::Absent);
        }
        let table = &self.env.program.tables[table as usize];
        match self.choose(&value, &table.arms, table.default.as_ref())? {
            Some(v) => Ok(v),
            None => Err(Fault::Soft(format!("table `{}` has no case for {}", table.name, shown(&value)))),
        }
    }

    #[inline(never)]
    fn matching(&mut self, scrutinee: &'a Expr, arms: &'a [Arm], default: Option<&'a Expr>) -> Eval<'a> {
        let value = self.eval(scrutinee)?;
        if value.is_absent() {
            return Ok(Value::Absent);
        }
        match self.choose(&value, arms, default)? {
            Some(v) => Ok(v),
            None => Err(Fault::Soft(format!("no case matches {}", shown(&value)))),
        }
    }

    #[inline(never)]
    fn list(&mut self, items: &'a [Expr]) -> Eval<'a> {
        let values = items.iter().map(|i| self.eval(i)).collect::<Result<Vec<_>, _>>()?;
        Ok(Value::List(Arc::new(values)))
    }

    #[inline(never)]
    fn comprehension(
        &mut self,
        item: u32,
        key: Option<u32>,
        source: &'a Expr,
        element: SourceType,
        filter: Option<&'a Expr>,
        value: &'a Expr,
    ) -> Eval<'a> {
        let mut out = Vec::new();
        self.each_of(item, key, source, element, filter, value, |v| {
            out.push(v);
            Ok(())
        })?;
        Ok(Value::List(Arc::new(out)))
    }

    /// Gives `each` the value of a comprehension's every element in order, without building a list.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn each_of(
        &mut self,
        item: u32,
        key: Option<u32>,
        source: &'a Expr,
        element: SourceType,
        filter: Option<&'a Expr>,
        value: &'a Expr,
        mut each: impl FnMut(Value<'a>) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        let entries = self.iterate_source(source, element)?;
        for (entry_key, entry) in entries.iter() {
            self.set_local(item, entry.clone());
            if let Some(k) = key {
                self.set_local(k, entry_key.map(|k| Value::Str(k.into())).unwrap_or(Value::Absent));
            }
            if let Some(filter) = filter {
                if !matches!(self.eval(filter)?, Value::Bool(true)) {
                    continue;
                }
            }
            each(self.eval(value)?)?;
        }
        Ok(())
    }

    /// The value of the first arm whose pattern equals `value`, else the default, else `None`.
    fn choose(&mut self, value: &Value<'a>, arms: &'a [Arm], default: Option<&'a Expr>) -> Result<Option<Value<'a>>, Fault> {
        for arm in arms {
            if arm.patterns.iter().any(|p| const_ref(p).equals(value)) {
                return self.eval(&arm.value).map(Some);
            }
        }
        match default {
            Some(d) => self.eval(d).map(Some),
            None => Ok(None),
        }
    }

    fn binary(&mut self, op: BinOp, left: &'a Expr, right: &'a Expr) -> Eval<'a> {
        match op {
            BinOp::And | BinOp::Or => {
                let l = matches!(self.eval(left)?, Value::Bool(true));
                if (op == BinOp::And && !l) || (op == BinOp::Or && l) {
                    return Ok(Value::Bool(l));
                }
                return Ok(Value::Bool(matches!(self.eval(right)?, Value::Bool(true))));
            }
            _ => {}
        }
        let l = self.eval(left)?;
        let r = self.eval(right)?;
        Ok(match op {
            BinOp::Eq => Value::Bool(l.equals(&r)),
            BinOp::Ne => Value::Bool(!l.equals(&r)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordering = l.compare(&r);
                Value::Bool(match op {
                    BinOp::Lt => ordering == Some(Ordering::Less),
                    BinOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
                    BinOp::Gt => ordering == Some(Ordering::Greater),
                    _ => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
                })
            }
            BinOp::In | BinOp::NotIn => {
                let found = match &r {
                    Value::List(items) => items.iter().any(|i| i.equals(&l)),
                    _ => false,
                };
                Value::Bool(found == (op == BinOp::In))
            }
            _ => return arithmetic(op, l, r),
        })
    }

    /// The entries of a collection in iteration order: id-keyed objects by ascending numeric id,
    /// name-keyed maps and lists as given; an absent collection has none. An input collection is read
    /// once per record however often it is iterated.
    pub(crate) fn iterate_source(&mut self, source: &'a Expr, element: SourceType) -> Result<Entries<'a>, Fault> {
        let keyed_by_id = matches!(source, Expr::Field { ty: SourceType::Keyed, .. } | Expr::Index { ty: SourceType::Keyed, .. });
        let json = match self.eval(source)? {
            Value::Absent => return Ok(Rc::default()),
            Value::List(items) => return Ok(Rc::new(items.iter().map(|v| (None, v.clone())).collect())),
            Value::Json(json) => json,
            _ => return Err(not_a_collection()),
        };
        let of = EntriesOf { node: json.id(), element, keyed_by_id };
        if let Some((_, entries)) = self.iterated.iter().find(|(o, _)| *o == of) {
            return Ok(entries.clone());
        }
        let entries = Rc::new(read_entries(json, element, keyed_by_id)?);
        self.iterated.push((of, entries.clone()));
        Ok(entries)
    }
}

/// The entries of an input array or object, each read as `element`; see [`Machine::iterate_source`].
fn read_entries(json: NodeRef<'_>, element: SourceType, keyed_by_id: bool) -> Result<Vec<(Option<&str>, Value<'_>)>, Fault> {
    if json.is_array() {
        return json.members().map(|j| Ok((None, read(Some(j), element, Presence::Required, "entry")?))).collect();
    }
    if !json.is_object() {
        return Err(not_a_collection());
    }
    let mut entries: Vec<(&str, NodeRef)> = json.members().map(|m| (m.key(), m)).collect();
    if keyed_by_id {
        // Ids of different lengths sort as numbers: "9" before "10".
        if let Some((bad, _)) = entries.iter().find(|(k, _)| k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit())) {
            return Err(hard(format!("key {bad:?} is not an id")));
        }
        entries.sort_by(|(a, _), (b, _)| {
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        });
    }
    entries.into_iter().map(|(k, j)| Ok((Some(k), read(Some(j), element, Presence::Required, k)?))).collect()
}

#[cold]
fn not_a_collection() -> Fault {
    hard("iterating over something that is not a collection".into())
}

#[cold]
fn absent_required(e: &Expr) -> Fault {
    hard(match path_of(e) {
        Some(path) => format!("`{path}` is required here (`!`) and is absent"),
        None => "a value required with `!` is absent".into(),
    })
}

#[cold]
fn not_a_record(name: &str) -> Fault {
    hard(format!("`{name}` is read from something that is not a record"))
}

/// The source path an expression reads (`parties.customer`), for messages.
fn path_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Field { of, name, .. } => Some(match path_of(of) {
            Some(base) => format!("{base}.{name}"),
            None => name.to_string(),
        }),
        Expr::Index { of, .. } => path_of(of).map(|base| format!("{base}[...]")),
        _ => None,
    }
}

pub(crate) fn hard(message: String) -> Fault {
    Fault::Hard(Box::new(validation(None, message)))
}

fn shown(value: &Value) -> String {
    match value.to_text() {
        Some(t) => format!("{t:?}"),
        None => "this value".into(),
    }
}

fn arithmetic<'a>(op: BinOp, l: Value<'a>, r: Value<'a>) -> Eval<'a> {
    let overflow = || hard("arithmetic overflow".into());
    Ok(match (l, r) {
        (Value::Absent, _) | (_, Value::Absent) => Value::Absent,
        (Value::Str(a), Value::Str(b)) if op == BinOp::Add => Value::Str(Cow::Owned(a.into_owned() + &b)),
        (Value::Int(a), Value::Int(b)) if op != BinOp::Div => Value::Int(
            match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                _ => a.checked_mul(b),
            }
            .ok_or_else(overflow)?,
        ),
        (l, r) => {
            let (Some(a), Some(b)) = (as_decimal(&l), as_decimal(&r)) else {
                return Err(hard("arithmetic on values that are not numbers".into()));
            };
            Value::Dec(match op {
                BinOp::Add => a.checked_add(b).ok_or_else(overflow)?,
                BinOp::Sub => a.checked_sub(b).ok_or_else(overflow)?,
                BinOp::Mul => a.checked_mul(b).ok_or_else(overflow)?,
                _ => {
                    if b.is_zero() {
                        return Err(Fault::Soft("division by zero".into()));
                    }
                    a.checked_div(b).ok_or_else(overflow)?
                }
            })
        }
    })
}

pub(crate) fn as_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Int(n) => Some(Decimal::from(*n)),
        Value::Dec(d) => Some(*d),
        _ => None,
    }
}

/// Reads an input JSON value as its source type; a value of the wrong shape fails the record.
pub(crate) fn read<'a>(found: Option<NodeRef<'a>>, ty: SourceType, presence: Presence, name: &str) -> Eval<'a> {
    let value = match found {
        None if presence == Presence::Required => return Err(hard(format!("required field `{name}` is missing"))),
        None => return Ok(Value::Absent),
        Some(v) => v,
    };
    let shape = value.shape();
    match (shape, presence) {
        (Shape::Null, Presence::Nullable) => return Ok(Value::Absent),
        (Shape::Null, _) => return Err(hard(format!("`{name}` is null"))),
        _ => {}
    }
    let wrong = |what: &str| Err(hard(format!("`{name}`: {} is not {what}", describe(value))));
    match (ty, value.shape()) {
        (SourceType::String, Shape::String(s)) => Ok(Value::Str(Cow::Borrowed(s))),
        (SourceType::String, _) => wrong("text"),
        // Brightpearl writes decimals in text plainly; an exponent is not its format.
        (SourceType::DecimalText, Shape::String(s)) => match plain_decimal(s) {
            Some(d) => Ok(Value::Dec(d)),
            None if s.bytes().any(|b| b == b'e' || b == b'E') => wrong("a plain decimal"),
            None => general_decimal(s).map(Value::Dec).map_or_else(|| wrong("a decimal"), Ok),
        },
        (SourceType::DecimalText, _) => wrong("a decimal in text"),
        (SourceType::Decimal, Shape::Number(n)) => parse_decimal(n).map(Value::Dec).map_or_else(|| wrong("a decimal"), Ok),
        (SourceType::Decimal, _) => wrong("a number"),
        (SourceType::Int, Shape::Number(n)) => n.parse::<i64>().map(Value::Int).map_or_else(|_| wrong("an integer"), Ok),
        (SourceType::Int, _) => wrong("an integer"),
        (SourceType::Bool, Shape::Bool(b)) => Ok(Value::Bool(b)),
        (SourceType::Bool, _) => wrong("true or false"),
        (SourceType::Date, Shape::String(s)) => Date::parse(s).map(Value::Date).map_or_else(|| wrong("a date (YYYY-MM-DD)"), Ok),
        (SourceType::Date, _) => wrong("a date"),
        (SourceType::DateTime, Shape::String(s)) => DateTime::parse(s).map(Value::DateTime).map_or_else(|| wrong("a date-time with an offset"), Ok),
        (SourceType::DateTime, _) => wrong("a date-time"),
        (SourceType::Record | SourceType::Keyed | SourceType::Map, Shape::Object) => Ok(Value::Json(value)),
        (SourceType::Record | SourceType::Keyed | SourceType::Map, _) => wrong("an object"),
        (SourceType::List, Shape::Array) => Ok(Value::Json(value)),
        (SourceType::List, _) => wrong("an array"),
        (SourceType::Json, _) => Ok(Value::Json(value)),
    }
}

fn describe(value: NodeRef) -> String {
    let text = value.to_json_text();
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(37).collect::<String>())
    } else {
        text
    }
}

/// A constant as a value, its text borrowed from the program.
pub(crate) fn const_ref(c: &Const) -> Value<'_> {
    match c {
        Const::Str(s) => Value::Str(Cow::Borrowed(s)),
        other => super::const_value(other),
    }
}
