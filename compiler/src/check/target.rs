//! Statements, and the heart of the checker: whether a value fits the target field it is written to
//! (type, presence, length, scale, range, value set, key rules), and whether every required field is
//! written.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::types::{Shape, Ty};
use super::Checker;
use crate::diagnostics::codes;
use crate::schema::{Field, Length, Presence, Record, Type};
use crate::syntax::ast::*;

/// The target node statements write into.
pub(crate) struct TargetScope {
    record: Arc<Record>,
    /// `econnect.SOPTransactionType`, `taSopHdrIvcInsert`...
    name: String,
    written: HashMap<String, Span>,
}

impl TargetScope {
    pub(crate) fn new(record: Arc<Record>, name: String) -> Self {
        TargetScope { record, name, written: HashMap::new() }
    }
}

/// Where a value goes: a target field, a param, a function parameter.
pub(crate) struct Slot {
    /// For messages: `taSopHdrIvcInsert.SOPNUMBE`, `param \`doc_id\``.
    name: String,
    shape: SlotShape,
    required: bool,
    key: bool,
}

enum SlotShape {
    Str { length: Option<Length>, values: Option<BTreeSet<String>> },
    Int { min: i128, max: i128, values: Option<BTreeSet<i64>> },
    Dec { scale: Option<u32> },
    Bool,
    Date,
    DateTime,
    Json,
    List(Box<Slot>),
}

impl Slot {
    /// A scalar target field; `None` for nodes and lists.
    fn from_field(owner: &str, field: &Field) -> Option<Slot> {
        let shape = match &field.ty {
            Type::String => SlotShape::Str {
                length: field.length,
                values: field.values.as_ref().map(|v| v.texts()),
            },
            Type::Int(width) => {
                let (min, max) = super::types::width_range(*width);
                SlotShape::Int {
                    min,
                    max,
                    values: field.values.as_ref().map(|v| v.integers()),
                }
            }
            Type::Decimal | Type::DecimalText => SlotShape::Dec { scale: field.scale },
            Type::Boolean => SlotShape::Bool,
            Type::Date => SlotShape::Date,
            Type::DateTime => SlotShape::DateTime,
            Type::Json => SlotShape::Json,
            _ => return None,
        };
        Some(Slot { name: format!("{owner}.{}", field.name), shape, required: field.presence == Presence::Required, key: field.key })
    }

    /// A param or function parameter of a declared type.
    pub(crate) fn from_declared(ty: &Ty, name: &str) -> Slot {
        let shape = match &ty.shape {
            Shape::Str { max, values } => SlotShape::Str { length: max.map(|m| Length::Max(m.min(u32::MAX as u64) as u32)), values: values.clone() },
            Shape::Int { min, max, values } => SlotShape::Int { min: *min, max: *max, values: values.clone() },
            Shape::Dec { scale } => SlotShape::Dec { scale: *scale },
            Shape::Bool => SlotShape::Bool,
            Shape::Date => SlotShape::Date,
            Shape::DateTime => SlotShape::DateTime,
            Shape::List(element) => SlotShape::List(Box::new(Slot::from_declared(element, &format!("an entry of {name}")))),
            _ => SlotShape::Json,
        };
        Slot { name: name.to_string(), shape, required: !ty.optional, key: false }
    }
}

impl Checker<'_> {
    pub(crate) fn statement(&mut self, stmt: &Stmt, scope: &mut TargetScope) {
        match stmt {
            Stmt::Let { name, value, .. } => {
                let ty = self.expr(value);
                self.bind(&name.name, ty);
            }
            Stmt::Require { condition, message, .. } => {
                let ty = self.condition(condition, "`require`");
                self.require_settled(&ty, condition.span);
                if message.value.trim().is_empty() {
                    let d = self.diag(&codes::TYPE_MISMATCH, message.span, "a `require` needs a message").label("empty message").help("say what is wrong, for whoever reviews the parked record");
                    self.report(d);
                }
            }
            Stmt::Skip { condition, .. } => {
                let ty = self.condition(condition, "`skip if`");
                self.require_settled(&ty, condition.span);
            }
            Stmt::Assign { value, target, .. } => {
                let ty = self.expr(value);
                let Some(field) = self.target_field(scope, target) else { return };
                let Some(slot) = Slot::from_field(&scope.name, &field) else {
                    let how = if matches!(field.ty, Type::List(_)) {
                        format!("a list of nodes; write it with `for x in ... -> {} {{ ... }}`", field.name)
                    } else {
                        format!("a node; write it with `{} {{ ... }}`", field.name)
                    };
                    let d = self.diag(&codes::NOT_A_NODE, target.span, format!("{}.{} is {how}", scope.name, field.name)).label("not a value field");
                    self.report(d);
                    return;
                };
                self.mark_written(scope, target);
                self.check_fits(&ty, &slot, value, true);
            }
            Stmt::Node { target, body, .. } => {
                let Some(field) = self.target_field(scope, target) else {
                    self.scoped(None, |this| body.iter().for_each(|s| this.statement_untargeted(s)));
                    return;
                };
                let Some(record) = self.record_of(&field.ty) else {
                    let d = self
                        .diag(&codes::NOT_A_NODE, target.span, format!("{}.{} is {}, not a node", scope.name, field.name, describe_field(&field)))
                        .label("not a node")
                        .help(if matches!(field.ty, Type::List(_)) {
                            format!("write list entries with `for x in ... -> {} {{ ... }}`", field.name)
                        } else {
                            format!("write a value with `expr -> {}`", field.name)
                        });
                    self.report(d);
                    self.scoped(None, |this| body.iter().for_each(|s| this.statement_untargeted(s)));
                    return;
                };
                self.mark_written(scope, target);
                let mut child = TargetScope::new(record, field.name.clone());
                self.scoped(None, |this| {
                    for s in body {
                        this.statement(s, &mut child);
                    }
                });
                self.check_required(&child, target.span);
            }
            Stmt::For(f) => self.for_statement(f, scope),
        }
    }

    fn for_statement(&mut self, f: &ForStmt, scope: &mut TargetScope) {
        let (element, key) = self.iteration(&f.source, "`for`");
        let field = self.target_field(scope, &f.target);
        let record = match &field {
            Some(field) => match &field.ty {
                Type::List(inner) => self.record_of(inner),
                _ => None,
            },
            None => None,
        };
        if let (Some(field), None) = (&field, &record) {
            let d = self
                .diag(&codes::NOT_A_NODE, f.target.span, format!("{}.{} is {}, not a list of nodes", scope.name, field.name, describe_field(field)))
                .label("`for` writes list entries")
                .help("write a single node with `NAME { ... }` and a value with `expr -> NAME`");
            self.report(d);
        }
        if let Some(first) = scope.written.get(&f.target.name) {
            // Several `for` blocks may append to one list; only a node or value written twice is an error.
            if record.is_none() {
                let first = *first;
                let d = self.diag(&codes::WRITTEN_TWICE, f.target.span, format!("{} is written twice", f.target.name)).secondary(self.file, first, "first written here");
                self.report(d);
            }
        } else if field.is_some() {
            scope.written.insert(f.target.name.clone(), f.target.span);
        }
        let entry_name = field.as_ref().and_then(|f| f.item.clone()).unwrap_or_else(|| f.target.name.clone());
        let mut child = record.map(|r| TargetScope::new(r, entry_name));
        self.scoped(key, |this| {
            this.bind(&f.item.name, element);
            if let Some(index) = &f.index {
                this.bind(&index.name, Checker::position_type());
            }
            if let Some(filter) = &f.filter {
                let cond = this.condition(filter, "`where`");
                this.require_settled(&cond, filter.span);
            }
            for s in &f.body {
                match child.as_mut() {
                    Some(child) => this.statement(s, child),
                    None => this.statement_untargeted(s),
                }
            }
        });
        if let Some(child) = &child {
            self.check_required(child, f.target.span);
        }
    }

    /// Types a statement whose target is unknown, so its own mistakes are still reported.
    pub(crate) fn statement_untargeted(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Let { name, value, .. } => {
                let ty = self.expr(value);
                self.bind(&name.name, ty);
            }
            Stmt::Require { condition, .. } | Stmt::Skip { condition, .. } => {
                self.condition(condition, "`require`");
            }
            Stmt::Assign { value, .. } => {
                self.expr(value);
            }
            Stmt::Node { body, .. } => self.scoped(None, |this| body.iter().for_each(|s| this.statement_untargeted(s))),
            Stmt::For(f) => {
                let (element, key) = self.iteration(&f.source, "`for`");
                self.scoped(key, |this| {
                    this.bind(&f.item.name, element);
                    if let Some(index) = &f.index {
                        this.bind(&index.name, Checker::position_type());
                    }
                    if let Some(filter) = &f.filter {
                        this.condition(filter, "`where`");
                    }
                    f.body.iter().for_each(|s| this.statement_untargeted(s));
                });
            }
        }
    }

    fn target_field(&mut self, scope: &TargetScope, target: &Ident) -> Option<Field> {
        if let Some(field) = scope.record.field(&target.name) {
            return Some(field.clone());
        }
        let names: Vec<&str> = scope.record.fields.iter().map(|f| f.name.as_str()).collect();
        let guess = crate::suggest::closest(&target.name, &names);
        let d = self
            .diag(&codes::UNKNOWN_TARGET_FIELD, target.span, format!("{} has no field `{}`", scope.name, target.name))
            .label("unknown target field")
            .help(match guess {
                Some(g) => format!("did you mean `{g}`?"),
                None => format!("`mapc schema show` lists the fields of {}", scope.name),
            });
        self.report(d);
        None
    }

    fn mark_written(&mut self, scope: &mut TargetScope, target: &Ident) {
        if let Some(first) = scope.written.get(&target.name) {
            let first = *first;
            let d = self
                .diag(&codes::WRITTEN_TWICE, target.span, format!("{}.{} is written twice", scope.name, target.name))
                .label("second write")
                .secondary(self.file, first, "first written here")
                .help("write each field once; choose between values with `if`, `match` or `??`");
            self.report(d);
        } else {
            scope.written.insert(target.name.clone(), target.span);
        }
    }

    fn record_of(&self, ty: &Type) -> Option<Arc<Record>> {
        match ty {
            Type::Record(r) => Some(r.clone()),
            Type::Named(name) => self.registry.get(name).ok().map(|d| d.record.clone()),
            _ => None,
        }
    }

    /// Every required field of a node is written (all missing ones in one diagnostic).
    pub(crate) fn check_required(&mut self, scope: &TargetScope, span: Span) {
        let missing: Vec<&str> = scope
            .record
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required && f.default.is_none() && !scope.written.contains_key(&f.name))
            .map(|f| f.name.as_str())
            .collect();
        if missing.is_empty() {
            return;
        }
        let plural = if missing.len() == 1 { "" } else { "s" };
        let first = scope.record.field(missing[0]);
        let example = match first.map(|f| &f.ty) {
            Some(Type::List(_)) => format!("`for x in ... -> {} {{ ... }}`", missing[0]),
            Some(Type::Named(_) | Type::Record(_)) => format!("`{} {{ ... }}`", missing[0]),
            _ => format!("`... -> {}`", missing[0]),
        };
        let d = self
            .diag(&codes::MISSING_REQUIRED, span, format!("{} is missing required field{plural} {}", scope.name, missing.join(", ")))
            .label(format!("{} required field{plural} not written", missing.len()))
            .help(format!("write {} here, e.g. {example}", if missing.len() == 1 { "it" } else { "each" }));
        self.report(d);
    }

    /// Whether a value fits where it goes; every violation is reported.
    pub(crate) fn check_fits(&mut self, value: &Ty, slot: &Slot, expr: &Expr, into_target: bool) {
        if value.is_error() {
            return;
        }
        let shown = self.snippet(expr.span);
        if value.fallible {
            let d = self
                .diag(&codes::UNHANDLED_FALLIBLE, expr.span, format!("`{shown}` can fail at run time, and {} has no fallback", slot.name))
                .label("may fail")
                .help("give a fallback with `?? value`, or add `!` to fail the record with a validation error");
            self.report(d);
        }
        if value.optional && slot.required {
            let d = self
                .diag(&codes::OPTIONAL_INTO_REQUIRED, expr.span, format!("`{shown}` may be absent, but {} is required", slot.name))
                .label("may be absent")
                .help("give a fallback with `?? value`, or add `!` to fail the record when it is absent");
            self.report(d);
        }
        if into_target && slot.key && (value.truncated || contains_truncate(expr)) {
            let d = self
                .diag(&codes::TRUNCATED_KEY, expr.span, format!("{} is a key field and must not be truncated", slot.name))
                .label("truncated key")
                .help("two records whose keys differ only past the cut would collide; an over-long key fails its record at run time instead");
            self.report(d);
        }
        self.check_shape(value, slot, expr, &shown, into_target);
    }

    fn check_shape(&mut self, value: &Ty, slot: &Slot, expr: &Expr, shown: &str, into_target: bool) {
        let span = expr.span;
        match (&slot.shape, &value.shape) {
            (SlotShape::Json, _) => {}
            (SlotShape::Str { length, values }, Shape::Str { max, values: have }) => {
                match (length, max) {
                    // A field with a closed set of texts is checked against the set, not a length.
                    _ if values.is_some() => {}
                    (Some(Length::Max(limit)), _) if slot.key && into_target => {
                        // A key is checked at run time: an over-long key fails its record, never truncated.
                        let _ = limit;
                    }
                    (Some(Length::Max(limit)), None) => {
                        let d = self
                            .diag(&codes::TOO_LONG, span, format!("`{shown}` may be any length, but {} holds {limit} characters", slot.name))
                            .label("unbounded text")
                            .help(format!("cut it with `truncate({shown}, {limit})`, or bound its source"));
                        self.report(d);
                    }
                    (Some(Length::Max(limit)), Some(longest)) if *longest > *limit as u64 => {
                        let d = self
                            .diag(&codes::TOO_LONG, span, format!("`{shown}` can be {longest} characters long, but {} holds {limit}", slot.name))
                            .label(format!("up to {longest} characters"))
                            .help(format!("shorten it, or cut it with `truncate(..., {limit})`"));
                        self.report(d);
                    }
                    (Some(Length::Unknown), max) if into_target && *max != Some(0) => {
                        let key = (slot.name.clone(), String::new());
                        if self.warned_unknown_length.insert(key) {
                            let d = self
                                .diag(&codes::UNKNOWN_LENGTH, span, format!("no source gives the length of {}; the value is written as it is", slot.name))
                                .label("length unknown")
                                .help("GP may reject or cut a long value; add the length to schemas/econnect.overlay.yaml when you know it");
                            self.report(d);
                        }
                    }
                    _ => {}
                }
                if let Some(allowed) = values {
                    self.check_values(have.as_ref().map(|h| h.iter().map(|s| format!("{s:?}")).collect()), allowed.iter().map(|s| format!("{s:?}")).collect(), slot, span, shown);
                }
            }
            (SlotShape::Int { min, max, values }, Shape::Int { min: lo, max: hi, values: have }) => {
                // A field with a closed set of values says more than its width: check the set.
                if values.is_none() && (lo < min || hi > max) {
                    let d = self
                        .diag(&codes::OUT_OF_RANGE, span, format!("`{shown}` ranges from {lo} to {hi}, but {} holds {min} to {max}", slot.name))
                        .label("may not fit")
                        .help("bound the value, or map it through a table");
                    self.report(d);
                } else if let Some(allowed) = values {
                    let _ = (min, max);
                    let have: Option<BTreeSet<String>> = match have {
                        Some(h) => Some(h.iter().map(|n| n.to_string()).collect()),
                        None if hi - lo < 64 => Some((*lo..=*hi).map(|n| n.to_string()).collect()),
                        None => None,
                    };
                    self.check_values(have, allowed.iter().map(|n| n.to_string()).collect(), slot, span, shown);
                }
            }
            (SlotShape::Dec { scale }, Shape::Int { .. }) => {
                let _ = scale; // integers fit any scale
            }
            (SlotShape::Dec { scale: Some(limit) }, Shape::Dec { scale: have }) => match have {
                None => {
                    let d = self
                        .diag(&codes::SCALE_EXCEEDED, span, format!("`{shown}` may have any number of decimal places, but {} stores {limit}", slot.name))
                        .label("unbounded decimal places")
                        .help(format!("round it: `round({shown}, {limit})` (half away from zero)"));
                    self.report(d);
                }
                Some(places) if places > limit => {
                    let d = self
                        .diag(&codes::SCALE_EXCEEDED, span, format!("`{shown}` has up to {places} decimal places, but {} stores {limit}", slot.name))
                        .label(format!("{places} places"))
                        .help(format!("round it: `round({shown}, {limit})`"));
                    self.report(d);
                }
                _ => {}
            },
            (SlotShape::Dec { scale: None }, Shape::Dec { .. }) => {}
            (SlotShape::Bool, Shape::Bool) | (SlotShape::Date, Shape::Date) | (SlotShape::DateTime, Shape::DateTime) => {}
            (SlotShape::List(element), Shape::List(have)) => {
                if !have.is_error() {
                    self.check_shape(have, element, expr, shown, into_target);
                }
            }
            (_, Shape::Error) => {}
            (wanted, _) => {
                let help = match (wanted, &value.shape) {
                    (SlotShape::Date, Shape::DateTime) => Some(format!("take the calendar date in its own offset with `date({shown})`")),
                    (SlotShape::Date, Shape::Str { .. }) => Some(format!("parse it with `date({shown})`, which can fail")),
                    (SlotShape::Str { .. }, Shape::Int { .. } | Shape::Dec { .. } | Shape::Date | Shape::DateTime) => Some(format!("convert it with `text({shown})`")),
                    (SlotShape::Dec { .. } | SlotShape::Int { .. }, Shape::Str { .. }) => Some(format!("parse it with `to_decimal({shown})` or `to_int({shown})`, which can fail")),
                    (SlotShape::Int { .. }, Shape::Dec { .. }) => Some("this field holds a whole number".to_string()),
                    _ => None,
                };
                let d = self
                    .diag(&codes::TYPE_MISMATCH, span, format!("`{shown}` is {}, but {} expects {}", value.clone().settled(), slot.name, wanted.describe()))
                    .label("type mismatch")
                    .help_opt(help);
                self.report(d);
            }
        }
    }

    fn check_values(&mut self, have: Option<BTreeSet<String>>, allowed: BTreeSet<String>, slot: &Slot, span: Span, shown: &str) {
        let listed = super::describe_missing(&allowed);
        match have {
            Some(have) => {
                let outside: BTreeSet<String> = have.difference(&allowed).cloned().collect();
                if !outside.is_empty() {
                    let d = self
                        .diag(&codes::NOT_IN_VALUE_SET, span, format!("`{shown}` can be {}, which {} does not accept", super::describe_missing(&outside), slot.name))
                        .label("outside the value set")
                        .help(format!("{} accepts {listed}", slot.name));
                    self.report(d);
                }
            }
            None => {
                let d = self
                    .diag(&codes::NOT_IN_VALUE_SET, span, format!("`{shown}` may be any value, but {} accepts only {listed}", slot.name))
                    .label("not a closed set of values")
                    .help("use a literal, a table, a `match`, or a param typed with its values (`param p: 2 | 3 = 3`)");
                self.report(d);
            }
        }
    }
}

impl SlotShape {
    fn describe(&self) -> String {
        match self {
            SlotShape::Str { length: Some(Length::Max(n)), .. } => format!("text of up to {n} characters"),
            SlotShape::Str { .. } => "text".into(),
            SlotShape::Int { .. } => "an integer".into(),
            SlotShape::Dec { scale: Some(s) } => format!("a decimal with up to {s} places"),
            SlotShape::Dec { scale: None } => "a decimal".into(),
            SlotShape::Bool => "a boolean".into(),
            SlotShape::Date => "a date".into(),
            SlotShape::DateTime => "a datetime".into(),
            SlotShape::Json => "any value".into(),
            SlotShape::List(e) => format!("a list of {}", e.shape.describe()),
        }
    }
}

fn describe_field(field: &Field) -> String {
    match &field.ty {
        Type::List(_) => "a list of nodes".into(),
        Type::Named(_) | Type::Record(_) => "a node".into(),
        other => format!("a {other} value"),
    }
}

/// Whether the value written to a key passes through `truncate`.
fn contains_truncate(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { name, args } => name.name == "truncate" || args.iter().any(contains_truncate),
        ExprKind::Paren(x) | ExprKind::Bang(x) | ExprKind::Neg(x) | ExprKind::Not(x) => contains_truncate(x),
        ExprKind::Binary(_, a, b) | ExprKind::Coalesce(a, b) => contains_truncate(a) || contains_truncate(b),
        ExprKind::If { then, otherwise, .. } => contains_truncate(then) || otherwise.as_deref().is_some_and(contains_truncate),
        ExprKind::Match { arms, .. } => arms.iter().any(|a| contains_truncate(&a.value)),
        _ => false,
    }
}
