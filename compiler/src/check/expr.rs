//! Typing expressions.

use std::collections::BTreeSet;

use super::types::{join, Shape, Ty, MAX_POSITION};
use super::{builtins, describe_missing, Checker, GlobalKind};
use crate::diagnostics::codes;
use crate::syntax::ast::*;

impl Checker<'_> {
    pub(crate) fn expr(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Lit(lit) => self.literal(lit),
            ExprKind::Name(name) => self.name(name, e.span),
            ExprKind::KeyRef => match self.key_type() {
                Some(ty) => ty.clone(),
                None => {
                    let d = self.diag(&codes::UNDEFINED_NAME, e.span, "`$key` is only defined while iterating an object keyed by ids or names")
                        .label("no keyed iteration here");
                    self.report(d);
                    Ty::error()
                }
            },
            ExprKind::Member(base, field) => {
                let base_ty = self.expr(base);
                self.member(&base_ty, base, field)
            }
            ExprKind::Index(base, index) => self.index(base, index, e.span),
            ExprKind::Bang(inner) => self.expr(inner).settled(),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Neg(inner) => {
                let ty = self.expr(inner);
                match &ty.shape {
                    Shape::Int { min, max, .. } => Ty { shape: Shape::Int { min: -max, max: -min, values: None }, ..ty },
                    Shape::Dec { .. } | Shape::Error => ty,
                    _ => self.mismatch(inner.span, format!("`-` needs a number, not {ty}")),
                }
            }
            ExprKind::Not(inner) => self.condition(inner, "`not`"),
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right),
            ExprKind::Coalesce(left, right) => {
                let l = self.expr(left);
                let r = self.expr(right);
                match join(&l.clone().settled(), &r) {
                    Some(joined) => Ty { optional: r.optional, fallible: r.fallible, ..joined },
                    None => self.mismatch(right.span, format!("the fallback is {r} but `{}` is {}", self.snippet(left.span), l.clone().settled())),
                }
            }
            ExprKind::Call { name, args } => self.call(name, args, e.span),
            ExprKind::If { condition, then, otherwise } => {
                let cond = self.condition(condition, "`if`");
                let then_ty = self.expr(then);
                let ty = match otherwise {
                    None => then_ty.optional(true),
                    Some(other) => {
                        let other_ty = self.expr(other);
                        match join(&then_ty, &other_ty) {
                            Some(t) => t,
                            None => self.mismatch(other.span, format!("the branches differ: {then_ty} and {other_ty}")),
                        }
                    }
                };
                ty.fallible(cond.fallible)
            }
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee_ty = self.expr(scrutinee);
                if matches!(scrutinee_ty.shape, Shape::Bool) {
                    return self.mismatch(scrutinee.span, "`match` chooses between text or integer values; for a boolean use `if`");
                }
                let (key, value) = self.arms_types(arms);
                if let Some(key) = &key {
                    self.comparable(&scrutinee_ty, key, scrutinee.span, "`match`");
                }
                let open = self.exhaustive(&scrutinee_ty, arms, e.span, "match");
                let value = value.unwrap_or_else(Ty::error);
                value.fallible(open || scrutinee_ty.fallible).optional(scrutinee_ty.optional)
            }
            ExprKind::List(items) => {
                let mut element: Option<Ty> = None;
                for item in items {
                    let ty = self.expr(item);
                    element = Some(match element {
                        None => ty,
                        Some(prev) => match join(&prev, &ty) {
                            Some(t) => t,
                            None => self.mismatch(item.span, format!("list items differ: {prev} and {ty}")),
                        },
                    });
                }
                // An empty list fits any list type; its element type is unknown, so checks stay quiet.
                Ty::new(Shape::List(Box::new(element.unwrap_or_else(Ty::error))))
            }
            ExprKind::Comprehension { value, item, source, filter } => {
                let (element, key) = self.iteration(source, "a list comprehension");
                let ty = self.scoped(key, |this| {
                    this.bind(&item.name, element);
                    if let Some(filter) = filter {
                        let cond = this.condition(filter, "`where`");
                        this.require_settled(&cond, filter.span);
                    }
                    this.expr(value)
                });
                let fallible = ty.fallible;
                Ty::new(Shape::List(Box::new(ty))).fallible(fallible)
            }
        }
    }

    fn literal(&mut self, lit: &Literal) -> Ty {
        match &lit.value {
            LitValue::Str(s) => Ty::of_str(s),
            LitValue::Bool(_) => Ty::bool(),
            LitValue::Number(n) => match Ty::of_number(n) {
                Some(ty) => ty,
                None => {
                    let d = self.diag(&codes::OUT_OF_RANGE, lit.span, format!("{n} does not fit a 64-bit integer")).label("too large");
                    self.report(d);
                    Ty::error()
                }
            },
        }
    }

    fn name(&mut self, name: &str, span: Span) -> Ty {
        if let Some(ty) = self.local(name) {
            let ty = ty.clone();
            self.resolve(span, super::Resolved::Local);
            return ty;
        }
        if let Some(global) = self.globals.get(name) {
            self.used.insert(name.to_string());
            return match &global.kind {
                GlobalKind::Param { ty, .. } => {
                    let ty = ty.clone();
                    self.resolve(span, super::Resolved::Param);
                    ty
                }
                other => {
                    let noun = other.noun();
                    self.mismatch(span, format!("`{name}` is a {noun}; call it as `{name}(...)`"))
                }
            };
        }
        let source = self.source.clone();
        if let Some(Shape::Record(record)) = source.as_ref().map(|s| &s.shape) {
            if let Some(field) = record.field(name) {
                self.resolve(span, super::Resolved::Field(field.clone()));
                return super::types::field_type(self.registry, field);
            }
        }
        if matches!(source.as_ref().map(|s| &s.shape), Some(Shape::Error)) {
            return Ty::error();
        }
        if self.later_lets.contains(name) {
            let d = self
                .diag(&codes::UNDEFINED_NAME, span, format!("`{name}` is used before its `let`"))
                .label("not defined yet")
                .help("statements run top to bottom: move the `let` above this line");
            self.report(d);
            return Ty::error();
        }
        // Which did the writer mean: a name of theirs, or a source field?
        let mut own: Vec<String> = self.local_names();
        own.extend(self.globals.iter().filter(|(_, g)| matches!(g.kind, GlobalKind::Param { .. })).map(|(n, _)| n.clone()));
        let own_guess = crate::suggest::closest(name, &own);
        let fields: Vec<String> = match source.as_ref().map(|s| &s.shape) {
            Some(Shape::Record(record)) => record.fields.iter().map(|f| f.name.clone()).collect(),
            _ => Vec::new(),
        };
        let field_guess = crate::suggest::closest(name, &fields);
        let d = match (&self.source, own_guess, field_guess) {
            (Some(_), None, guess) => self
                .diag(&codes::UNKNOWN_SOURCE_PATH, span, format!("{} has no field `{name}`, and no local or param is named so", self.source_name))
                .label("unknown source field")
                .help_opt(guess.map(|g| format!("did you mean `{g}`?"))),
            (_, Some(guess), _) => self
                .diag(&codes::UNDEFINED_NAME, span, format!("`{name}` is not defined"))
                .label("undefined name")
                .help(format!("did you mean `{guess}`?")),
            (None, None, _) => self
                .diag(&codes::UNDEFINED_NAME, span, format!("`{name}` is not defined"))
                .label("undefined name")
                .help("functions see only their parameters, params, lookups and tables"),
        };
        self.report(d);
        Ty::error()
    }

    pub(crate) fn member(&mut self, base: &Ty, base_expr: &Expr, field: &Ident) -> Ty {
        let path = self.path_text(base_expr);
        match &base.shape {
            Shape::Error => Ty::error(),
            Shape::Record(record) => match record.field(&field.name) {
                Some(f) => {
                    self.resolve(field.span, super::Resolved::Field(f.clone()));
                    let ty = super::types::field_type(self.registry, f);
                    ty.optional(base.optional).fallible(base.fallible)
                }
                None => {
                    let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                    let guess = crate::suggest::closest(&field.name, &names);
                    let d = self
                        .diag(&codes::UNKNOWN_SOURCE_PATH, field.span, format!("`{path}` ({}) has no field `{}`", record.name, field.name))
                        .label("unknown field")
                        .help_opt(guess.map(|g| format!("did you mean `{path}.{g}`?")));
                    self.report(d);
                    Ty::error()
                }
            },
            Shape::Keyed(_) | Shape::Map(_) | Shape::List(_) => {
                let d = self
                    .diag(&codes::UNKNOWN_SOURCE_PATH, field.span, format!("`{path}` is a collection ({base}); it has no field `{}`", field.name))
                    .label("not a record")
                    .help(format!("iterate it with `for x in {path} -> ...` or `[x.{} for x in {path}]`, or take one entry with `{path}[key]`", field.name));
                self.report(d);
                Ty::error()
            }
            _ => {
                let d = self
                    .diag(&codes::UNKNOWN_SOURCE_PATH, field.span, format!("`{path}` is {base}, which has no fields"))
                    .label("not a record");
                self.report(d);
                Ty::error()
            }
        }
    }

    fn index(&mut self, base: &Expr, index: &Expr, span: Span) -> Ty {
        let base_ty = self.expr(base);
        let index_ty = self.expr(index);
        let fallible = base_ty.fallible || index_ty.fallible;
        let element = match (&base_ty.shape, &index_ty.shape) {
            (Shape::Error, _) | (_, Shape::Error) => return Ty::error(),
            (Shape::Keyed(t), Shape::Str { .. } | Shape::Int { .. }) | (Shape::Map(t), Shape::Str { .. }) | (Shape::List(t), Shape::Int { .. }) => {
                t.as_ref().clone()
            }
            _ => return self.mismatch(span, format!("cannot index {base_ty} with {index_ty}")),
        };
        // An entry that is not there is absent, not an error.
        element.optional(true).fallible(fallible)
    }

    fn binary(&mut self, op: BinOp, left: &Expr, right: &Expr) -> Ty {
        if matches!(op, BinOp::And | BinOp::Or) {
            let l = self.condition(left, symbol(op));
            let r = self.condition(right, symbol(op));
            return Ty::bool().fallible(l.fallible || r.fallible);
        }
        let l = self.expr(left);
        let r = self.expr(right);
        let flags = |t: Ty| t.fallible(l.fallible || r.fallible).optional(l.optional || r.optional);
        if l.is_error() || r.is_error() {
            return match op {
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::In | BinOp::NotIn => Ty::bool(),
                _ => Ty::error(),
            };
        }
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                if let (BinOp::Add, Shape::Str { max: a, .. }, Shape::Str { max: b, .. }) = (op, &l.shape, &r.shape) {
                    let max = a.zip(*b).map(|(a, b)| a + b);
                    return flags(Ty::string(max)).truncated(l.truncated || r.truncated);
                }
                match arithmetic(op, &l.shape, &r.shape, right) {
                    Some((shape, fallible)) => flags(Ty::new(shape)).fallible(fallible),
                    None => {
                        let help = if op == BinOp::Add && (matches!(l.shape, Shape::Str { .. }) || matches!(r.shape, Shape::Str { .. })) {
                            "convert the other side with `text(...)` to join them as text"
                        } else {
                            "arithmetic works on integers and decimals"
                        };
                        let d = self
                            .diag(&codes::TYPE_MISMATCH, left.span.to(right.span), format!("cannot apply `{}` to {l} and {r}", symbol(op)))
                            .label("mismatched operands")
                            .help(help);
                        self.report(d);
                        Ty::error()
                    }
                }
            }
            BinOp::In | BinOp::NotIn => {
                match &r.shape {
                    Shape::List(element) => {
                        self.comparable(&l, element, left.span, symbol(op));
                    }
                    _ => {
                        self.mismatch(right.span, format!("`{}` needs a list on its right, not {r}", symbol(op)));
                    }
                }
                Ty::bool().fallible(l.fallible || r.fallible)
            }
            _ => {
                self.comparable(&l, &r, left.span.to(right.span), symbol(op));
                Ty::bool().fallible(l.fallible || r.fallible)
            }
        }
    }

    /// Reports when two values cannot be compared.
    pub(crate) fn comparable(&mut self, a: &Ty, b: &Ty, span: Span, what: &str) {
        let ok = match (&a.shape, &b.shape) {
            (Shape::Error, _) | (_, Shape::Error) => true,
            (x, y) if a.is_numeric() && b.is_numeric() => {
                let _ = (x, y);
                true
            }
            (Shape::Str { .. }, Shape::Str { .. }) | (Shape::Bool, Shape::Bool) | (Shape::Date, Shape::Date) | (Shape::DateTime, Shape::DateTime) => true,
            _ => false,
        };
        if !ok {
            let d = self.diag(&codes::TYPE_MISMATCH, span, format!("{what} compares {a} with {b}")).label("different types");
            self.report(d);
        }
    }

    /// A condition: a boolean that is certainly present.
    pub(crate) fn condition(&mut self, e: &Expr, what: &str) -> Ty {
        let ty = self.expr(e);
        match ty.shape {
            Shape::Error => Ty::bool(),
            Shape::Bool => {
                if ty.optional {
                    let d = self
                        .diag(&codes::OPTIONAL_INTO_REQUIRED, e.span, format!("the condition of {what} may be absent"))
                        .label("may be absent")
                        .help("decide what absence means with `?? false` or `?? true`");
                    self.report(d);
                }
                Ty::bool().fallible(ty.fallible)
            }
            _ => {
                self.mismatch(e.span, format!("{what} needs a boolean condition, not {ty}"));
                Ty::bool()
            }
        }
    }

    /// Reports a fallible value where nothing handles the failure.
    pub(crate) fn require_settled(&mut self, ty: &Ty, span: Span) {
        if ty.fallible {
            let d = self
                .diag(&codes::UNHANDLED_FALLIBLE, span, format!("`{}` can fail at run time and nothing handles it", self.snippet(span)))
                .label("may fail")
                .help("give a fallback with `?? value`, or add `!` to fail the record with a validation error");
            self.report(d);
        }
    }

    /// The element type of what a `for` or a comprehension iterates, and the type of `$key` in it.
    pub(crate) fn iteration(&mut self, source: &Expr, what: &str) -> (Ty, Option<Ty>) {
        let ty = self.expr(source);
        self.require_settled(&ty, source.span);
        match &ty.shape {
            Shape::Error => (Ty::error(), None),
            Shape::List(element) => (element.as_ref().clone(), None),
            Shape::Keyed(element) => (element.as_ref().clone(), Some(Ty::string(Some(20)))),
            Shape::Map(element) => (element.as_ref().clone(), Some(Ty::string(None))),
            _ => {
                let d = self
                    .diag(&codes::BAD_ITERATION, source.span, format!("{what} iterates over `{}`, which is {ty}", self.snippet(source.span)))
                    .label("not a collection")
                    .help("iterate over a list or an object keyed by ids, such as `orderRows`");
                self.report(d);
                (Ty::error(), None)
            }
        }
    }

    /// The index of `for row, i in ...`: the 1-based position in the target list.
    pub(crate) fn position_type() -> Ty {
        Ty::int(1, MAX_POSITION as i128)
    }

    /// The joined pattern type and value type of the arms of a table or a `match`.
    pub(crate) fn arms_types(&mut self, arms: &[Arm]) -> (Option<Ty>, Option<Ty>) {
        let mut key: Option<Ty> = None;
        let mut value: Option<Ty> = None;
        let mut seen: Vec<(String, Span)> = Vec::new();
        for arm in arms {
            for pattern in &arm.patterns {
                let Pattern::Lit(lit) = pattern else { continue };
                let ty = match &lit.value {
                    LitValue::Number(n) if n.contains('.') => self.mismatch(lit.span, "cases are text or integers, not decimals"),
                    LitValue::Bool(_) => self.mismatch(lit.span, "cases are text or integers, not booleans"),
                    _ => self.literal(lit),
                };
                let text = pattern_text(lit);
                if let Some((_, first)) = seen.iter().find(|(t, _)| *t == text) {
                    let d = self.diag(&codes::DUPLICATE, lit.span, format!("case {text} appears twice")).label("repeated case").secondary(self.file, *first, "first here");
                    self.report(d);
                }
                seen.push((text, lit.span));
                key = Some(match key {
                    None => ty,
                    Some(k) => join(&k, &ty).unwrap_or_else(|| self.mismatch(lit.span, "cases mix text and numbers")),
                });
            }
            let ty = self.expr(&arm.value);
            value = Some(match value {
                None => ty,
                Some(v) => match join(&v, &ty) {
                    Some(t) => t,
                    None => self.mismatch(arm.value.span, format!("the cases give different types: {v} and {ty}")),
                },
            });
        }
        (key, value)
    }

    /// Checks that the arms cover every value of a closed scrutinee; returns whether a value may match
    /// no arm at run time (an open scrutinee without `_`).
    pub(crate) fn exhaustive(&mut self, scrutinee: &Ty, arms: &[Arm], span: Span, what: &str) -> bool {
        if arms.iter().flat_map(|a| &a.patterns).any(|p| matches!(p, Pattern::Wildcard(_))) || scrutinee.is_error() {
            return false;
        }
        let covered: BTreeSet<String> =
            arms.iter().flat_map(|a| &a.patterns).filter_map(|p| if let Pattern::Lit(l) = p { Some(pattern_text(l)) } else { None }).collect();
        let closed: Option<BTreeSet<String>> = match &scrutinee.shape {
            Shape::Str { values: Some(v), .. } => Some(v.iter().map(|s| format!("{s:?}")).collect()),
            Shape::Int { values: Some(v), .. } => Some(v.iter().map(|n| n.to_string()).collect()),
            Shape::Int { min, max, .. } if max - min < 64 => Some((*min..=*max).map(|n| n.to_string()).collect()),
            _ => None,
        };
        match closed {
            Some(values) => {
                let missing: BTreeSet<String> = values.difference(&covered).cloned().collect();
                if !missing.is_empty() {
                    let d = self
                        .diag(&codes::NON_EXHAUSTIVE, span, format!("this {what} does not cover {}", describe_missing(&missing)))
                        .label(format!("{} case{} missing", missing.len(), if missing.len() == 1 { "" } else { "s" }))
                        .help(format!("add cases for {}, or a `_ => ...` case", describe_missing(&missing)));
                    self.report(d);
                }
                false
            }
            None => true,
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> Ty {
        if builtins::is_builtin(&name.name) {
            return self.builtin(name, args, span);
        }
        let Some(global) = self.globals.get(&name.name) else {
            let arg_types: Vec<Ty> = args.iter().map(|a| self.expr(a)).collect();
            let _ = arg_types;
            let mut candidates: Vec<String> = builtins::NAMES.iter().map(|s| s.to_string()).collect();
            candidates.extend(self.globals.iter().filter(|(_, g)| !matches!(g.kind, GlobalKind::Param { .. })).map(|(n, _)| n.clone()));
            let guess = crate::suggest::closest(&name.name, &candidates);
            let d = self
                .diag(&codes::UNKNOWN_FUNCTION, name.span, format!("no function, table or lookup named `{}`", name.name))
                .label("unknown function")
                .help(match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => "the built-in functions are listed in the language reference".to_string(),
                });
            self.report(d);
            return Ty::error();
        };
        self.used.insert(name.name.clone());
        match &global.kind {
            GlobalKind::Param { .. } => self.mismatch(name.span, format!("`{}` is a param, not a function", name.name)),
            GlobalKind::Lookup { key, value } => {
                let (key, value) = (key.clone(), value.clone());
                if args.len() != 1 {
                    return self.wrong_arguments(name, span, format!("lookup `{}` takes one key, not {}", name.name, args.len()));
                }
                let arg = self.expr(&args[0]);
                self.comparable(&arg, &key, args[0].span, &format!("lookup `{}`", name.name));
                value.fallible(arg.fallible).optional(arg.optional)
            }
            GlobalKind::Table { .. } => {
                let table = name.name.clone();
                if args.len() != 1 {
                    return self.wrong_arguments(name, span, format!("table `{table}` takes one value, not {}", args.len()));
                }
                let arg = self.expr(&args[0]);
                let (key, value) = self.table_types(&table);
                if let Some(key) = &key {
                    self.comparable(&arg, key, args[0].span, &format!("table `{table}`"));
                }
                let arms = match &self.globals[&table].kind {
                    GlobalKind::Table { decl, .. } => decl.arms.clone(),
                    _ => Vec::new(),
                };
                let open = self.exhaustive(&arg, &arms, span, &format!("table `{table}`"));
                value.unwrap_or_else(Ty::error).fallible(open || arg.fallible).optional(arg.optional)
            }
            GlobalKind::Fn { params, .. } => {
                let params = params.clone();
                let function = name.name.clone();
                if let Some(at) = self.typing_fns.iter().position(|f| *f == function) {
                    let mut chain: Vec<String> = self.typing_fns[at..].to_vec();
                    chain.push(function.clone());
                    let message = if chain.len() == 2 {
                        format!("function `{function}` calls itself")
                    } else {
                        format!("functions call each other in a cycle: {}", chain.join(" -> "))
                    };
                    let d = self
                        .diag(&codes::RECURSION, name.span, message)
                        .label("recursive call")
                        .help("functions may not call themselves, directly or through others");
                    self.report(d);
                    return Ty::error();
                }
                if args.len() != params.len() {
                    return self.wrong_arguments(name, span, format!("`{function}` takes {} argument{}, not {}", params.len(), if params.len() == 1 { "" } else { "s" }, args.len()));
                }
                let mut optional = false;
                let mut fallible = false;
                for (arg, (param, declared)) in args.iter().zip(&params) {
                    let ty = self.expr(arg);
                    optional |= ty.optional;
                    fallible |= ty.fallible;
                    let slot = super::target::Slot::from_declared(declared, &format!("parameter `{param}` of `{function}`"));
                    self.check_fits(&ty.clone().settled(), &slot, arg, false);
                }
                self.fn_result(&function).optional(optional).fallible(fallible)
            }
        }
    }

    pub(crate) fn wrong_arguments(&mut self, name: &Ident, span: Span, message: String) -> Ty {
        let d = self.diag(&codes::WRONG_ARGUMENTS, span, message).label(format!("in this call to `{}`", name.name));
        self.report(d);
        Ty::error()
    }

    pub(crate) fn mismatch(&mut self, span: Span, message: impl Into<String>) -> Ty {
        let d = self.diag(&codes::TYPE_MISMATCH, span, message).label("type mismatch");
        self.report(d);
        Ty::error()
    }

    /// `parties.customer.contactId` for a path expression; the source text otherwise.
    pub(crate) fn path_text(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Member(base, field) => format!("{}.{}", self.path_text(base), field.name),
            ExprKind::KeyRef => "$key".to_string(),
            _ => self.snippet(e.span),
        }
    }
}

fn pattern_text(lit: &Literal) -> String {
    match &lit.value {
        LitValue::Str(s) => format!("{s:?}"),
        LitValue::Number(n) => n.clone(),
        LitValue::Bool(b) => b.to_string(),
    }
}

/// The shape of `l op r` for numbers, and whether it can fail (division by a value that may be zero).
fn arithmetic(op: BinOp, l: &Shape, r: &Shape, right: &Expr) -> Option<(Shape, bool)> {
    let scale = |s: &Shape| match s {
        Shape::Int { .. } => Some(Some(0)),
        Shape::Dec { scale } => Some(*scale),
        _ => None,
    };
    let (sl, sr) = (scale(l)?, scale(r)?);
    if let (Shape::Int { min: a, max: b, .. }, Shape::Int { min: c, max: d, .. }) = (l, r) {
        let clamp = |v: i128| v.clamp(i64::MIN as i128, i64::MAX as i128);
        let range = match op {
            BinOp::Add => Some((a + c, b + d)),
            BinOp::Sub => Some((a - d, b - c)),
            BinOp::Mul => {
                let products = [a * c, a * d, b * c, b * d];
                Some((*products.iter().min().unwrap(), *products.iter().max().unwrap()))
            }
            _ => None,
        };
        if let Some((min, max)) = range {
            return Some((Shape::Int { min: clamp(min), max: clamp(max), values: None }, false));
        }
    }
    let scale = match op {
        BinOp::Add | BinOp::Sub => sl.zip(sr).map(|(a, b)| a.max(b)),
        BinOp::Mul => sl.zip(sr).map(|(a, b)| a + b),
        _ => None,
    };
    let fallible = op == BinOp::Div && !is_nonzero_literal(right);
    Some((Shape::Dec { scale }, fallible))
}

fn is_nonzero_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(Literal { value: LitValue::Number(n), .. }) => n.chars().any(|c| c.is_ascii_digit() && c != '0'),
        ExprKind::Paren(inner) => is_nonzero_literal(inner),
        _ => false,
    }
}
