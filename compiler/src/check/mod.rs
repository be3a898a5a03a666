//! Check: proves a mapping against the schemas of both systems.
//!
//! The pass walks declarations first (params, lookups, tables, functions, from the file and every file
//! it uses), then the statements, typing each expression ([`types::Ty`]) and holding every value that
//! reaches a target field against that field's schema facts. Independent errors are all reported: an
//! unknown name makes its expression `Error`-typed, which later checks pass over silently.

mod builtins;
mod expr;
mod target;
pub mod types;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostics::{codes, Code, Diagnostic, FileId, Files};
use crate::resolve::{Parsed, Unit};
use crate::schema::{Registry, TypeName};
use crate::syntax::ast::*;
use types::{Shape, Ty};

/// The built-in function names, for editors.
pub fn builtin_names() -> &'static [&'static str] {
    builtins::NAMES
}

/// Checks one unit (a file with the files it uses). Diagnostics are for the unit's own file and its
/// declarations; statements need the file's `mapping` header.
pub fn check_unit(unit: &Unit, files: &Files, registry: &Registry) -> Vec<Diagnostic> {
    check_unit_resolved(unit, files, registry).0
}

/// What a name or a field access in the source text refers to, as the checker resolved it. Lowering
/// reads this instead of resolving names a second time.
#[derive(Debug, Clone)]
pub enum Resolved {
    Local,
    Param,
    /// A field of the source record (a bare name) or of a record value (`a.b`).
    Field(crate::schema::Field),
}

pub type Resolutions = HashMap<(FileId, u32, u32), Resolved>;

/// Checks a unit and returns what its names resolved to, for lowering.
pub fn check_unit_resolved(unit: &Unit, files: &Files, registry: &Registry) -> (Vec<Diagnostic>, Resolutions) {
    let mut checker = Checker::new(files, registry, unit.main().file);
    for used in &unit.modules[..unit.modules.len() - 1] {
        if used.module.header.is_none() {
            checker.file = used.file;
            checker.report_stray_statements(&used.module);
        }
        if let Some(header) = &used.module.header {
            let d = Diagnostic::new(&codes::HEADER, used.file, header.span, "a file with a `mapping` header cannot be used by another")
                .label("this file is a mapping")
                .help("move what both mappings share into a file of declarations without a header, and `use` that");
            checker.report(d);
        }
    }
    checker.declare(&unit.modules);
    checker.check_declarations();
    checker.check_main(unit.main());
    checker.report_unused(unit.main());
    (checker.diagnostics, checker.resolutions)
}

/// A name declared at the top of a file: a param, a lookup, a table or a function.
struct Global {
    kind: GlobalKind,
    file: FileId,
    name_span: Span,
}

enum GlobalKind {
    Param { decl: ParamDecl, ty: Ty },
    Lookup { key: Ty, value: Ty },
    Table { decl: TableDecl, key: Option<Ty>, value: Option<Ty> },
    Fn { decl: FnDecl, params: Vec<(String, Ty)>, result: Option<Ty> },
}

impl GlobalKind {
    fn noun(&self) -> &'static str {
        match self {
            GlobalKind::Param { .. } => "param",
            GlobalKind::Lookup { .. } => "lookup",
            GlobalKind::Table { .. } => "table",
            GlobalKind::Fn { .. } => "function",
        }
    }
}

/// A name bound inside statements or expressions: `let`, loop variables, function parameters.
struct Local {
    name: String,
    ty: Ty,
}

/// What `$key` means where it is used: the key type of the innermost keyed iteration.
struct Frame {
    locals: Vec<Local>,
    key: Option<Ty>,
}

pub(crate) struct Checker<'a> {
    files: &'a Files,
    registry: &'a Registry,
    main_file: FileId,
    /// The file whose text is being checked (a used file while checking its functions).
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    globals: HashMap<String, Global>,
    /// Declaration order, for deterministic passes.
    global_order: Vec<String>,
    used: HashSet<String>,
    /// Functions whose body is being typed, to catch recursion.
    typing_fns: Vec<String>,
    frames: Vec<Frame>,
    /// The source record, when a mapping header names a valid one.
    source: Option<Ty>,
    source_name: String,
    warned_unknown_length: HashSet<(String, String)>,
    /// Every name a `let` of the mapping binds, to tell "used before its let" from "unknown".
    later_lets: HashSet<String>,
    resolutions: Resolutions,
}

impl<'a> Checker<'a> {
    fn new(files: &'a Files, registry: &'a Registry, main_file: FileId) -> Self {
        Checker {
            files,
            registry,
            main_file,
            file: main_file,
            diagnostics: Vec::new(),
            globals: HashMap::new(),
            global_order: Vec::new(),
            used: HashSet::new(),
            typing_fns: Vec::new(),
            frames: Vec::new(),
            source: None,
            source_name: String::new(),
            warned_unknown_length: HashSet::new(),
            later_lets: HashSet::new(),
            resolutions: HashMap::new(),
        }
    }

    pub(crate) fn resolve(&mut self, span: Span, resolved: Resolved) {
        self.resolutions.insert((self.file, span.start, span.end), resolved);
    }

    pub(crate) fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub(crate) fn diag(&self, code: &'static Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, self.file, span, message)
    }

    /// The source text of a span in the current file, shortened for messages.
    pub(crate) fn snippet(&self, span: Span) -> String {
        let text = &self.files.get(self.file).text;
        let raw = text.get(span.start as usize..span.end as usize).unwrap_or("");
        let one_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 48 {
            format!("{}...", one_line.chars().take(45).collect::<String>())
        } else {
            one_line
        }
    }

    // ---- declarations ----

    fn declare(&mut self, modules: &[Parsed]) {
        for parsed in modules {
            self.file = parsed.file;
            for item in &parsed.module.items {
                let (name, kind) = match item {
                    Item::Param(p) => (&p.name, GlobalKind::Param { decl: p.clone(), ty: self.declared_type(&p.ty) }),
                    Item::Lookup(l) => {
                        let key = self.declared_type(&l.key);
                        let value = self.declared_type(&l.value).optional(l.optional);
                        if !matches!(key.shape, Shape::Str { .. } | Shape::Int { .. } | Shape::Error) {
                            let d = self.diag(&codes::TYPE_MISMATCH, l.key.span, format!("lookup `{}` is keyed by {key}", l.name.name))
                                .label("lookup keys are text or integers");
                            self.report(d);
                        }
                        (&l.name, GlobalKind::Lookup { key, value })
                    }
                    Item::Table(t) => (&t.name, GlobalKind::Table { decl: t.clone(), key: None, value: None }),
                    Item::Fn(f) => {
                        let params = f.params.iter().map(|(n, t)| (n.name.clone(), self.declared_type(t))).collect();
                        (&f.name, GlobalKind::Fn { decl: f.clone(), params, result: None })
                    }
                    _ => continue,
                };
                if builtins::is_builtin(&name.name) {
                    let d = self.diag(&codes::DUPLICATE, name.span, format!("`{}` is a built-in function", name.name))
                        .label("choose another name");
                    self.report(d);
                    continue;
                }
                if let Some(existing) = self.globals.get(&name.name) {
                    let d = self
                        .diag(&codes::DUPLICATE, name.span, format!("`{}` is declared twice", name.name))
                        .label(format!("second {}", kind.noun()))
                        .secondary(existing.file, existing.name_span, format!("first declared here as a {}", existing.kind.noun()));
                    self.report(d);
                    continue;
                }
                self.global_order.push(name.name.clone());
                self.globals.insert(name.name.clone(), Global { kind, file: parsed.file, name_span: name.span });
            }
        }
        self.file = self.main_file;
    }

    /// Types params' defaults, tables and function bodies, each once.
    fn check_declarations(&mut self) {
        for name in self.global_order.clone() {
            let Some(global) = self.globals.get(&name) else { continue };
            self.file = global.file;
            match &global.kind {
                GlobalKind::Param { decl, ty } => {
                    let (decl, declared) = (decl.clone(), ty.clone());
                    if let Some(default) = &decl.default {
                        if !is_constant(default) {
                            let d = self
                                .diag(&codes::TYPE_MISMATCH, default.span, format!("the default of param `{}` is not a constant", decl.name.name))
                                .label("not a literal")
                                .help("a default is a literal, a negative number or a list of literals; compute derived values with `let`");
                            self.report(d);
                            continue;
                        }
                        // A date or datetime default is written as text in its ISO form.
                        if let (Shape::Date | Shape::DateTime, ExprKind::Lit(Literal { value: LitValue::Str(text), .. })) = (&declared.shape, &default.kind) {
                            let valid = match declared.shape {
                                Shape::Date => crate::schema::validate::is_date(text),
                                _ => crate::schema::validate::is_datetime(text),
                            };
                            if !valid {
                                let d = self
                                    .diag(&codes::TYPE_MISMATCH, default.span, format!("{text:?} is not a {}", if matches!(declared.shape, Shape::Date) { "date (YYYY-MM-DD)" } else { "datetime with an offset" }))
                                    .label("not a valid default");
                                self.report(d);
                            }
                            continue;
                        }
                        let value = self.expr(default);
                        let slot = target::Slot::from_declared(&declared, &format!("param `{}`", decl.name.name));
                        self.check_fits(&value, &slot, default, false);
                    }
                }
                GlobalKind::Table { .. } => {
                    self.table_types(&name);
                }
                GlobalKind::Fn { .. } => {
                    self.fn_result(&name);
                }
                GlobalKind::Lookup { .. } => {}
            }
        }
        self.file = self.main_file;
    }

    /// The key and value types of a table, computed on first use.
    fn table_types(&mut self, name: &str) -> (Option<Ty>, Option<Ty>) {
        let Some(Global { kind: GlobalKind::Table { decl, key, value }, file, .. }) = self.globals.get(name) else {
            return (None, None);
        };
        if key.is_some() || value.is_some() {
            return (key.clone(), value.clone());
        }
        let (decl, file) = (decl.clone(), *file);
        let saved = std::mem::replace(&mut self.file, file);
        let saved_frames = std::mem::take(&mut self.frames);
        let (key, value) = self.arms_types(&decl.arms);
        self.frames = saved_frames;
        self.file = saved;
        if let Some(Global { kind: GlobalKind::Table { key: k, value: v, .. }, .. }) = self.globals.get_mut(name) {
            *k = key.clone().or(Some(Ty::error()));
            *v = value.clone().or(Some(Ty::error()));
        }
        (key, value)
    }

    /// The result type of a user function, typing its body on first use.
    fn fn_result(&mut self, name: &str) -> Ty {
        let Some(Global { kind: GlobalKind::Fn { decl, params, result }, file, .. }) = self.globals.get(name) else {
            return Ty::error();
        };
        if let Some(result) = result {
            return result.clone();
        }
        if self.typing_fns.iter().any(|f| f == name) {
            return Ty::error();
        }
        let (decl, params, file) = (decl.clone(), params.clone(), *file);
        self.typing_fns.push(name.to_string());
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_frames = std::mem::take(&mut self.frames);
        let saved_source = self.source.take();
        self.frames.push(Frame { locals: params.into_iter().map(|(name, ty)| Local { name, ty }).collect(), key: None });
        let result = self.expr(&decl.body);
        self.source = saved_source;
        self.frames = saved_frames;
        self.file = saved_file;
        self.typing_fns.pop();
        if let Some(Global { kind: GlobalKind::Fn { result: r, .. }, .. }) = self.globals.get_mut(name) {
            *r = Some(result.clone());
        }
        result
    }

    /// The type a `param`, `lookup` or function parameter declares.
    fn declared_type(&mut self, ty: &TypeExpr) -> Ty {
        match &ty.kind {
            TypeExprKind::Simple(name) => match name.as_str() {
                "string" => Ty::string(None),
                "int" | "int64" => Ty::int64(),
                "int32" => Ty::int(i32::MIN as i128, i32::MAX as i128),
                "int16" => Ty::int(i16::MIN as i128, i16::MAX as i128),
                "decimal" => Ty::decimal(None),
                "bool" => Ty::bool(),
                "date" => Ty::new(Shape::Date),
                _ => Ty::new(Shape::DateTime),
            },
            TypeExprKind::BoundedString(n) => Ty::string(Some(*n as u64)),
            TypeExprKind::List(inner) => Ty::new(Shape::List(Box::new(self.declared_type(inner)))),
            TypeExprKind::Union(literals) => {
                let mut joined: Option<Ty> = None;
                for literal in literals {
                    let ty = match &literal.value {
                        LitValue::Str(s) => Ty::of_str(s),
                        LitValue::Number(n) if !n.contains('.') => match n.parse() {
                            Ok(v) => Ty::of_int(v),
                            Err(_) => {
                                let d = self.diag(&codes::OUT_OF_RANGE, literal.span, format!("{n} does not fit a 64-bit integer")).label("too large");
                                self.report(d);
                                Ty::error()
                            }
                        },
                        _ => {
                            let d = self.diag(&codes::TYPE_MISMATCH, literal.span, "a type lists text or integer values only")
                                .label("not allowed in a value type");
                            self.report(d);
                            Ty::error()
                        }
                    };
                    joined = match joined {
                        None => Some(ty),
                        Some(j) => match types::join(&j, &ty) {
                            Some(t) => Some(t),
                            None => {
                                let d = self.diag(&codes::TYPE_MISMATCH, ty_span(literal), "a value type mixes text and numbers")
                                    .label("all values must be of one kind");
                                self.report(d);
                                Some(Ty::error())
                            }
                        },
                    };
                }
                joined.unwrap_or_else(Ty::error)
            }
        }
    }

    // ---- the mapping ----

    fn check_main(&mut self, main: &Parsed) {
        self.file = main.file;
        let module = main.module.clone();
        let statements: Vec<&Stmt> = module.items.iter().filter_map(|i| if let Item::Stmt(s) = i { Some(s) } else { None }).collect();
        let keys: Vec<&KeyDecl> = module.items.iter().filter_map(|i| if let Item::Key(k) = i { Some(k) } else { None }).collect();
        let Some(header) = &module.header else {
            self.report_stray_statements(&module);
            return;
        };
        self.later_lets = let_names(&statements);
        let source = self.schema_record(&header.source);
        let target = self.schema_record(&header.target);
        if let Some(record) = source {
            self.source_name = header.source.name.clone();
            self.source = Some(Ty::new(Shape::Record(record)));
        } else {
            self.source = Some(Ty::error());
        }
        self.frames.push(Frame { locals: Vec::new(), key: None });

        match keys.as_slice() {
            [] => {
                let d = self.diag(&codes::KEY, header.span, format!("mapping `{}` declares no key", header.name.name))
                    .label("the document key identifies each record, so it is never posted twice")
                    .help("add `key <expression>`, such as `key id`");
                self.report(d);
            }
            [first, rest @ ..] => {
                self.check_key(first);
                for extra in rest {
                    let d = self.diag(&codes::KEY, extra.span, "a mapping has one key").label("second key").secondary(self.file, first.span, "first key");
                    self.report(d);
                }
            }
        }
        match target {
            Some(record) => {
                let mut scope = target::TargetScope::new(record, header.target.name.clone());
                for stmt in &statements {
                    self.statement(stmt, &mut scope);
                }
                self.check_required(&scope, header.target.span);
            }
            None => {
                // Without a target, still type the statements so their own mistakes are reported.
                for stmt in &statements {
                    self.statement_untargeted(stmt);
                }
            }
        }
        self.frames.pop();
    }

    /// A file without a header is a library of declarations for `use`: statements there belong nowhere.
    fn report_stray_statements(&mut self, module: &Module) {
        for item in &module.items {
            let span = match item {
                Item::Stmt(s) => s.span(),
                Item::Key(k) => k.span,
                _ => continue,
            };
            let d = self
                .diag(&codes::HEADER, span, "statements need a `mapping` header")
                .label("outside a mapping")
                .help("start the file with `mapping NAME from SYSTEM.Type to SYSTEM.Type`, or move this into the mapping that uses this file");
            self.report(d);
        }
    }

    fn check_key(&mut self, key: &KeyDecl) {
        let ty = self.expr(&key.expr);
        if ty.is_error() {
            return;
        }
        let problem = if !matches!(ty.shape, Shape::Str { .. } | Shape::Int { .. }) {
            Some(format!("the key is a {ty}; it must be text or an integer"))
        } else if ty.optional {
            Some("the key may be absent; every record needs one".to_string())
        } else if ty.fallible {
            Some("the key may fail to compute; every record needs one".to_string())
        } else {
            None
        };
        if let Some(message) = problem {
            let d = self.diag(&codes::KEY, key.expr.span, message).label("document key").help("use a required source field such as `id`");
            self.report(d);
        }
    }

    /// The record a `system.Type` in the header names, or a diagnostic.
    fn schema_record(&mut self, name: &Ident) -> Option<Arc<crate::schema::Record>> {
        let result = match TypeName::parse(&name.name, "") {
            Some(type_name) => self.registry.get(&type_name).map(|def| def.record.clone()),
            None => self.registry.lookup(&name.name).map(|def| def.record.clone()),
        };
        match result {
            Ok(record) => Some(record),
            Err(crate::schema::SchemaError::NotFound { suggestion, .. }) => {
                let d = self
                    .diag(&codes::UNKNOWN_SCHEMA_TYPE, name.span, format!("no schema type `{}`", name.name))
                    .label("unknown type")
                    .help_opt(suggestion.map(|s| format!("did you mean `{s}`?")));
                self.report(d);
                None
            }
            Err(other) => {
                let d = self.diag(&codes::UNKNOWN_SCHEMA_TYPE, name.span, other.to_string()).label("this schema cannot be loaded");
                self.report(d);
                None
            }
        }
    }

    fn report_unused(&mut self, main: &Parsed) {
        if main.module.header.is_none() {
            return; // a library's declarations are for the files that use it
        }
        for name in &self.global_order {
            let global = &self.globals[name];
            if global.file == main.file && !self.used.contains(name) {
                let d = Diagnostic::new(&codes::UNUSED, global.file, global.name_span, format!("{} `{name}` is never used", global.kind.noun()))
                    .label("declared here")
                    .help("remove it, or use it");
                self.diagnostics.push(d);
            }
        }
    }

    // ---- scopes ----

    pub(crate) fn bind(&mut self, name: &str, ty: Ty) {
        if let Some(frame) = self.frames.last_mut() {
            frame.locals.push(Local { name: name.to_string(), ty });
        }
    }

    pub(crate) fn local(&self, name: &str) -> Option<&Ty> {
        self.frames.iter().rev().flat_map(|f| f.locals.iter().rev()).find(|l| l.name == name).map(|l| &l.ty)
    }

    pub(crate) fn local_names(&self) -> Vec<String> {
        self.frames.iter().flat_map(|f| f.locals.iter().map(|l| l.name.clone())).collect()
    }

    pub(crate) fn key_type(&self) -> Option<&Ty> {
        self.frames.iter().rev().find_map(|f| f.key.as_ref())
    }

    /// Runs `body` in a new scope, with `$key` set when iterating an id- or name-keyed collection.
    pub(crate) fn scoped<T>(&mut self, key: Option<Ty>, body: impl FnOnce(&mut Self) -> T) -> T {
        self.frames.push(Frame { locals: Vec::new(), key });
        let result = body(self);
        self.frames.pop();
        result
    }
}

fn let_names(statements: &[&Stmt]) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut stack: Vec<&Stmt> = statements.to_vec();
    while let Some(stmt) = stack.pop() {
        match stmt {
            Stmt::Let { name, .. } => {
                names.insert(name.name.clone());
            }
            Stmt::Node { body, .. } => stack.extend(body.iter()),
            Stmt::For(f) => stack.extend(f.body.iter()),
            _ => {}
        }
    }
    names
}

/// A param default: a literal, a negated number, or a list of those.
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(_) => true,
        ExprKind::Neg(inner) => matches!(inner.kind, ExprKind::Lit(Literal { value: LitValue::Number(_), .. })),
        ExprKind::List(items) => items.iter().all(is_constant),
        _ => false,
    }
}

fn ty_span(literal: &Literal) -> Span {
    literal.span
}

/// The value sets of two literal patterns lists, as text for messages.
pub(crate) fn describe_missing(missing: &BTreeSet<String>) -> String {
    let listed: Vec<&str> = missing.iter().map(String::as_str).take(12).collect();
    let more = missing.len().saturating_sub(listed.len());
    if more > 0 {
        format!("{} and {more} more", listed.join(", "))
    } else {
        listed.join(", ")
    }
}
