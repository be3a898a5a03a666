//! The executor: runs a program over one input record and returns the document it writes, the fact
//! that it skipped the record on purpose, or why the record failed.
//!
//! Failures have classes (DESIGN.md section 5): a value that does not match its source type, a `!` on a
//! missing value, a `require`, an over-long key -> `validation`; a miss on a required lookup ->
//! `business`. Nothing in here panics on input: every input-dependent path returns a failure.

mod builtins;
mod eval;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bumpalo::Bump;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::doc::Doc;
use crate::ir::{Const, FieldKind, Program, Stmt, ValueType};
use crate::value::{format_decimal, places, Date, DateTime, Value};

/// The most entries one target list holds (positions are 1..=MAX_POSITION): the checker relies on it to
/// prove `i * 16384` fits GP's int32 line sequence.
pub const MAX_POSITION: usize = 32_767;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The record itself is wrong: park it at once.
    Validation,
    /// Something the record refers to is missing (a cross-reference): park for review.
    Business,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Validation => "validation",
            Class::Business => "business",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub class: Class,
    /// The target field being written when it failed (`taSopLineIvcInsert.XTNDPRCE`).
    pub field: Option<String>,
    pub message: String,
}

/// A value written to a target field. Its text is borrowed from the input or from the record's arena
/// where it can be: the output of one record costs no copies of the text it passes on.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Dec(Decimal),
    Bool(bool),
    Date(Date),
    DateTime(DateTime),
    /// Boxed: the other values are a few words, and every output field has this type.
    Json(Box<Json>),
}

/// One node of the output: its fields in layout order, `Empty` where nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub struct OutNode<'a> {
    pub node: u32,
    pub fields: Vec<Out<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    Empty,
    Scalar(Scalar<'a>),
    Node(OutNode<'a>),
    List(Vec<OutNode<'a>>),
}

#[derive(Debug)]
pub enum Outcome<'a> {
    Written { key: String, document: OutNode<'a> },
    Skipped { key: String },
    Failed { key: Option<String>, failure: Failure },
}

/// Params and lookups, resolved once for every record of a run.
pub struct Env<'p> {
    pub program: &'p Program,
    params: Vec<Value<'static>>,
    /// Keyed by the key's text; `None` where an optional lookup was not supplied.
    lookups: Vec<Option<HashMap<String, Value<'static>>>>,
}

impl<'p> Env<'p> {
    /// `params` by position (already typed, see [`crate::env`]); `lookups` by position.
    pub fn new(program: &'p Program, params: Vec<Value<'static>>, lookups: Vec<Option<HashMap<String, Value<'static>>>>) -> Self {
        Env { program, params, lookups }
    }

    /// Runs the program on one record; the document owns all its text.
    pub fn run(&self, input: &Json) -> Outcome<'static> {
        let arena = Bump::new();
        self.run_doc(&Doc::from_json(input), &arena).into_owned()
    }

    /// Runs the program on one record read as a document. Text the record computes (`"BP" + text(id)`)
    /// is kept in `arena`, which the caller may reset once the outcome is written.
    pub fn run_doc<'a>(&'a self, input: &'a Doc<'a>, arena: &'a Bump) -> Outcome<'a> {
        let mut machine = eval::Machine::new(self, input.root(), arena);
        let key = match machine.eval(&self.program.key) {
            Ok(value) => match value.to_text() {
                Some(key) => key,
                None => return Outcome::Failed { key: None, failure: validation(None, "the record has no key".into()) },
            },
            Err(fault) => return Outcome::Failed { key: None, failure: fault.into_failure(None) },
        };
        let mut root = OutNode::empty(self.program, 0);
        match machine.stmts(&self.program.body, &mut root) {
            Ok(Flow::Continue) => Outcome::Written { key, document: root },
            Ok(Flow::Skip) => Outcome::Skipped { key },
            Err(failure) => Outcome::Failed { key: Some(key), failure },
        }
    }
}

pub(crate) fn validation(field: Option<String>, message: String) -> Failure {
    Failure { class: Class::Validation, field, message }
}

impl Outcome<'_> {
    /// The same outcome owning all its text.
    pub fn into_owned(self) -> Outcome<'static> {
        match self {
            Outcome::Written { key, document } => Outcome::Written { key, document: document.into_owned() },
            Outcome::Skipped { key } => Outcome::Skipped { key },
            Outcome::Failed { key, failure } => Outcome::Failed { key, failure },
        }
    }
}

impl OutNode<'_> {
    fn empty<'a>(program: &Program, node: u32) -> OutNode<'a> {
        let fields = program.target.nodes[node as usize].fields.iter().map(|_| Out::Empty).collect();
        OutNode { node, fields }
    }

    /// The same node owning all its text.
    pub fn into_owned(self) -> OutNode<'static> {
        let fields = self
            .fields
            .into_iter()
            .map(|field| match field {
                Out::Empty => Out::Empty,
                Out::Scalar(scalar) => Out::Scalar(scalar.into_owned()),
                Out::Node(node) => Out::Node(node.into_owned()),
                Out::List(nodes) => Out::List(nodes.into_iter().map(OutNode::into_owned).collect()),
            })
            .collect();
        OutNode { node: self.node, fields }
    }
}

impl Scalar<'_> {
    /// The same value owning its text.
    pub fn into_owned(self) -> Scalar<'static> {
        match self {
            Scalar::Str(s) => Scalar::Str(Cow::Owned(s.into_owned())),
            Scalar::Int(n) => Scalar::Int(n),
            Scalar::Dec(d) => Scalar::Dec(d),
            Scalar::Bool(b) => Scalar::Bool(b),
            Scalar::Date(d) => Scalar::Date(d),
            Scalar::DateTime(d) => Scalar::DateTime(d),
            Scalar::Json(j) => Scalar::Json(j),
        }
    }
}

/// Whether statements ran to the end or the record is skipped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Skip,
}

/// Why an expression has no value: `Soft` failures (a parse, a division by zero, a table miss) are
/// what `??` catches; `Hard` ones fail the record whatever surrounds them.
#[derive(Debug)]
pub(crate) enum Fault {
    Soft(String),
    /// Boxed: every expression's result carries this type, and most never fail.
    Hard(Box<Failure>),
}

impl Fault {
    pub(crate) fn into_failure(self, field: Option<String>) -> Failure {
        match self {
            Fault::Soft(message) => validation(field, message),
            Fault::Hard(mut failure) => {
                if failure.field.is_none() {
                    failure.field = field;
                }
                *failure
            }
        }
    }
}

impl<'a> eval::Machine<'a> {
    pub(crate) fn stmts(&mut self, stmts: &'a [Stmt], node: &mut OutNode<'a>) -> Result<Flow, Failure> {
        let program = self.env.program;
        for stmt in stmts {
            match stmt {
                Stmt::Let { slot, value } => match self.eval(value) {
                    Ok(v) => self.bind_local(*slot, v),
                    Err(Fault::Soft(message)) => self.set_local_failed(*slot, message),
                    Err(hard) => return Err(hard.into_failure(None)),
                },
                Stmt::Require { condition, business, message } => match self.eval(condition).map_err(|f| f.into_failure(None))? {
                    Value::Bool(true) => {}
                    _ => {
                        let class = if *business { Class::Business } else { Class::Validation };
                        return Err(Failure { class, field: None, message: message.clone() });
                    }
                },
                Stmt::Skip { condition } => {
                    if let Value::Bool(true) = self.eval(condition).map_err(|f| f.into_failure(None))? {
                        return Ok(Flow::Skip);
                    }
                }
                Stmt::Set { field, value } => {
                    let layout = &program.target.nodes[node.node as usize];
                    let target = &layout.fields[*field as usize];
                    // Named only when a failure needs it.
                    let path = || format!("{}.{}", layout.name, target.name);
                    let v = self.eval(value).map_err(|f| f.into_failure(Some(path())))?;
                    set_field(&mut node.fields[*field as usize], v, &target.kind, path)?;
                }
                Stmt::Node { field, body } => {
                    let FieldKind::Node { node: child } = program.target.nodes[node.node as usize].fields[*field as usize].kind else {
                        unreachable!("validated at load")
                    };
                    let mut out = OutNode::empty(program, child);
                    if self.stmts(body, &mut out)? == Flow::Skip {
                        return Ok(Flow::Skip);
                    }
                    node.fields[*field as usize] = Out::Node(out);
                }
                Stmt::For { field, item, index, key, source, element, filter, body } => {
                    let FieldKind::List { node: child, .. } = program.target.nodes[node.node as usize].fields[*field as usize].kind else {
                        unreachable!("validated at load")
                    };
                    let entries = self.iterate_source(source, *element).map_err(|f| f.into_failure(None))?;
                    for (entry_key, element) in entries.iter() {
                        self.set_local(*item, element.clone());
                        if let Some(k) = key {
                            self.set_local(*k, entry_key.map(|k| Value::Str(k.into())).unwrap_or(Value::Absent));
                        }
                        if let Some(filter) = filter {
                            if !matches!(self.eval(filter).map_err(|f| f.into_failure(None))?, Value::Bool(true)) {
                                continue;
                            }
                        }
                        let list = match &mut node.fields[*field as usize] {
                            Out::List(list) => list,
                            slot => {
                                *slot = Out::List(Vec::new());
                                let Out::List(list) = slot else { unreachable!() };
                                list
                            }
                        };
                        if list.len() >= MAX_POSITION {
                            let name = &program.target.nodes[node.node as usize].fields[*field as usize].name;
                            return Err(validation(Some(name.clone()), format!("more than {MAX_POSITION} entries in {name}")));
                        }
                        if let Some(i) = index {
                            self.set_local(*i, Value::Int(list.len() as i64 + 1));
                        }
                        let mut out = OutNode::empty(program, child);
                        if self.stmts(body, &mut out)? == Flow::Skip {
                            return Ok(Flow::Skip);
                        }
                        if let Out::List(list) = &mut node.fields[*field as usize] {
                            list.push(out);
                        }
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }
}

/// Writes a value to a field (`slot`), checked against what the field holds. Written in place: the
/// value is not returned through a temporary first.
fn set_field<'a>(slot: &mut Out<'a>, value: Value<'a>, kind: &FieldKind, path: impl Fn() -> String) -> Result<(), Failure> {
    let FieldKind::Value { ty, required, length, scale, key } = kind else { unreachable!("validated at load") };
    let fail = |message: String| Err(validation(Some(path()), message));
    *slot = match (ty, value) {
        (_, Value::Absent) => {
            if *required {
                return fail(format!("{} is required and has no value", path()));
            }
            Out::Empty
        }
        (ValueType::String, Value::Str(s)) => {
            if let Some(max) = length {
                // No more characters than bytes: only a long text is counted.
                let count = if s.len() > *max as usize { s.chars().count() } else { 0 };
                if count > *max as usize {
                    let what = if *key { "key" } else { "text" };
                    return fail(format!("the {what} {s:?} is {count} characters; {} holds {max}", path()));
                }
            }
            Out::Scalar(Scalar::Str(s))
        }
        (ValueType::Decimal | ValueType::DecimalText, Value::Int(n)) => Out::Scalar(Scalar::Dec(Decimal::from(n))),
        (ValueType::Decimal | ValueType::DecimalText, Value::Dec(d)) => {
            if let Some(scale) = scale {
                // Normalising only removes places: a value written with few enough has few enough.
                if d.scale() > *scale && places(&d) > *scale {
                    return fail(format!("{} has {} decimal places; {} stores {scale}", format_decimal(&d), places(&d), path()));
                }
            }
            Out::Scalar(Scalar::Dec(d))
        }
        (ValueType::Int, Value::Int(n)) => Out::Scalar(Scalar::Int(n)),
        (ValueType::Bool, Value::Bool(b)) => Out::Scalar(Scalar::Bool(b)),
        (ValueType::Date, Value::Date(d)) => Out::Scalar(Scalar::Date(d)),
        (ValueType::DateTime, Value::DateTime(d)) => Out::Scalar(Scalar::DateTime(d)),
        (ValueType::Json, Value::Json(j)) => Out::Scalar(Scalar::Json(Box::new(j.to_json()))),
        (ValueType::Json | ValueType::String, other) => match other.to_text() {
            Some(text) => Out::Scalar(Scalar::Str(Cow::Owned(text))),
            None => return fail(format!("{} cannot hold this value", path())),
        },
        (ty, other) => return fail(format!("{} holds {ty:?} values, not {other:?}", path())),
    };
    Ok(())
}

/// Turns a constant of the IR into a value.
pub fn const_value(c: &Const) -> Value<'static> {
    match c {
        Const::Str(s) => Value::Str(s.clone().into()),
        Const::Int(n) => Value::Int(*n),
        Const::Dec(d) => crate::value::parse_decimal(d).map(Value::Dec).unwrap_or(Value::Absent),
        Const::Bool(b) => Value::Bool(*b),
        Const::List(items) => Value::List(Arc::new(items.iter().map(const_value).collect())),
    }
}
