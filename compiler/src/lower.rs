//! Lower: a checked mapping -> the IR `maprun` executes.
//!
//! Names become numbers (locals to frame slots, params, lookups and tables to indexes, target fields
//! to positions in their node), functions are inlined (the checker has ruled out recursion), and the
//! target layout keeps only the fields the mapping writes, in the target's element order. Nothing of
//! the source text survives: no spans, no comments.

use std::collections::HashMap;
use std::sync::Arc;

use maprun::ir;

use crate::check::{Resolutions, Resolved};
use crate::diagnostics::FileId;
use crate::resolve::Unit;
use crate::schema::{self, Presence, Record, Registry, Type, TypeName};
use crate::syntax::ast::*;

/// Lowers a unit the checker found free of errors.
pub fn lower(unit: &Unit, registry: &Registry, resolutions: &Resolutions) -> Result<ir::Program, String> {
    let main = unit.main();
    let header = main.module.header.as_ref().ok_or("a file without a `mapping` header has nothing to build")?;
    let target_name = TypeName::parse(&header.target.name, "").ok_or("the target type is not SYSTEM.Type")?;
    let target = registry.get(&target_name).map_err(|e| e.to_string())?;
    let mut lowerer = Lowerer {
        registry,
        resolutions,
        file: main.file,
        params: Vec::new(),
        lookups: Vec::new(),
        tables: Vec::new(),
        functions: HashMap::new(),
        scopes: vec![Vec::new()],
        keys: Vec::new(),
        next_slot: 0,
        nodes: Vec::new(),
        node_fields: Vec::new(),
        projection: ir::Projection::default(),
    };
    lowerer.declarations(unit)?;
    let statements: Vec<&Stmt> = main.module.items.iter().filter_map(|i| if let Item::Stmt(s) = i { Some(s) } else { None }).collect();
    lowerer.layout(&target.record, target_name.name.clone(), std::slice::from_ref(&statements));
    let key = main.module.items.iter().find_map(|i| if let Item::Key(k) = i { Some(k) } else { None }).ok_or("the mapping has no key")?;
    let key = lowerer.expr(&key.expr);
    let body = lowerer.stmts(&statements, 0);
    let format = if target_name.system == "econnect" { ir::Format::Econnect } else { ir::Format::Json };
    let document_position = match format {
        ir::Format::Econnect => registry
            .get(&TypeName::new("econnect", "eConnect"))
            .ok()
            .and_then(|root| root.record.fields.iter().position(|f| f.name == target_name.name))
            .map(|p| p as u32),
        ir::Format::Json => None,
    };
    let tables = std::mem::take(&mut lowerer.tables).into_iter().map(|(file, decl)| lowerer.table(file, &decl)).collect();
    Ok(ir::Program {
        ir_version: ir::IR_VERSION,
        name: header.name.name.clone(),
        source: header.source.name.clone(),
        target: ir::Target { type_name: header.target.name.clone(), format, element: target_name.name.clone(), document_position, nodes: lowerer.nodes },
        params: lowerer.params,
        lookups: lowerer.lookups.into_iter().map(|(_, l)| l).collect(),
        tables,
        key,
        locals: lowerer.next_slot,
        projection: Some(lowerer.projection),
        body,
    })
}

/// A path into the input record: field names, and `*` for every entry of a collection.
type Path = Vec<String>;

struct Local {
    name: String,
    slot: u32,
    /// The schema type of the value, when it comes straight from the source (for reading its fields
    /// and entries with the right wire types).
    schema: Option<Type>,
    /// Where in the input the value comes from, when it is a part of the record: reads through the
    /// local then add to the projection precisely.
    paths: Vec<Path>,
}

struct Lowerer<'a> {
    registry: &'a Registry,
    resolutions: &'a Resolutions,
    file: FileId,
    params: Vec<ir::Param>,
    lookups: Vec<(String, ir::Lookup)>,
    /// Lowered after the statements: a table's values may use functions.
    tables: Vec<(FileId, TableDecl)>,
    functions: HashMap<String, (FileId, FnDecl)>,
    scopes: Vec<Vec<Local>>,
    /// The slot holding `$key` in each enclosing iteration (`None` for lists).
    keys: Vec<Option<u32>>,
    next_slot: u32,
    nodes: Vec<ir::Node>,
    node_fields: Vec<HashMap<String, u32>>,
    /// The parts of the input the mapping reads, gathered while lowering.
    projection: ir::Projection,
}

impl Lowerer<'_> {
    fn declarations(&mut self, unit: &Unit) -> Result<(), String> {
        for parsed in &unit.modules {
            for item in &parsed.module.items {
                match item {
                    Item::Param(p) => {
                        let default = p.default.as_ref().map(constant).transpose()?;
                        self.params.push(ir::Param { name: p.name.name.clone(), ty: declared(&p.ty), default });
                    }
                    Item::Lookup(l) => self.lookups.push((
                        l.name.name.clone(),
                        ir::Lookup { name: l.name.name.clone(), key: declared(&l.key), value: declared(&l.value), optional: l.optional },
                    )),
                    Item::Table(t) => self.tables.push((parsed.file, t.clone())),
                    Item::Fn(f) => {
                        self.functions.insert(f.name.name.clone(), (parsed.file, f.clone()));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn table(&mut self, file: FileId, decl: &TableDecl) -> ir::Table {
        let saved = std::mem::replace(&mut self.file, file);
        let saved_scopes = std::mem::replace(&mut self.scopes, vec![Vec::new()]);
        let (arms, default) = self.arms(&decl.arms);
        self.scopes = saved_scopes;
        self.file = saved;
        ir::Table { name: decl.name.name.clone(), arms, default }
    }

    fn arms(&mut self, arms: &[Arm]) -> (Vec<ir::Arm>, Option<ir::Expr>) {
        let mut lowered = Vec::new();
        let mut default = None;
        for arm in arms {
            let value = self.expr(&arm.value);
            let patterns: Vec<ir::Const> =
                arm.patterns.iter().filter_map(|p| if let Pattern::Lit(l) = p { Some(literal(l)) } else { None }).collect();
            if arm.patterns.iter().any(|p| matches!(p, Pattern::Wildcard(_))) {
                default = Some(value.clone());
            }
            if !patterns.is_empty() {
                lowered.push(ir::Arm { patterns, value });
            }
        }
        (lowered, default)
    }

    // ---- the target layout ----

    /// The node a record is written as, given every block that writes it; returns its index.
    fn layout(&mut self, record: &Arc<Record>, name: String, bodies: &[Vec<&Stmt>]) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(ir::Node { name, fields: Vec::new() });
        self.node_fields.push(HashMap::new());
        let mut written: Vec<&str> = Vec::new();
        let mut children: HashMap<&str, Vec<Vec<&Stmt>>> = HashMap::new();
        for body in bodies {
            for stmt in body {
                let (target, inner) = match stmt {
                    Stmt::Assign { target, .. } => (target, None),
                    Stmt::Node { target, body, .. } => (target, Some(body)),
                    Stmt::For(f) => (&f.target, Some(&f.body)),
                    _ => continue,
                };
                written.push(&target.name);
                if let Some(inner) = inner {
                    children.entry(&target.name).or_default().push(inner.iter().collect());
                }
            }
        }
        for field in record.fields.iter().filter(|f| written.contains(&f.name.as_str())) {
            let blocks = children.remove(field.name.as_str()).unwrap_or_default();
            let kind = match &field.ty {
                Type::List(inner) => {
                    let Some(child) = self.record_of(inner) else { continue };
                    let entry = field.item.clone().unwrap_or_else(|| field.name.clone());
                    ir::FieldKind::List { node: self.layout(&child, entry, &blocks), item: field.item.clone(), min_items: field.min_items.unwrap_or(0) }
                }
                Type::Named(_) | Type::Record(_) => {
                    let Some(child) = self.record_of(&field.ty) else { continue };
                    ir::FieldKind::Node { node: self.layout(&child, field.name.clone(), &blocks) }
                }
                scalar => ir::FieldKind::Value {
                    ty: value_type(scalar),
                    required: field.presence == Presence::Required,
                    length: match field.length {
                        Some(schema::Length::Max(n)) => Some(n),
                        _ => None,
                    },
                    scale: field.scale,
                    key: field.key,
                },
            };
            let node = &mut self.nodes[id as usize];
            self.node_fields[id as usize].insert(field.name.clone(), node.fields.len() as u32);
            node.fields.push(ir::TargetField { name: field.name.clone(), kind });
        }
        id
    }

    fn record_of(&self, ty: &Type) -> Option<Arc<Record>> {
        match ty {
            Type::Record(r) => Some(r.clone()),
            Type::Named(n) => self.registry.get(n).ok().map(|d| d.record.clone()),
            _ => None,
        }
    }

    /// The node a field of `node` holds.
    fn child_node(&self, node: u32, field: u32) -> u32 {
        match self.nodes[node as usize].fields[field as usize].kind {
            ir::FieldKind::Node { node } | ir::FieldKind::List { node, .. } => node,
            ir::FieldKind::Value { .. } => node,
        }
    }

    // ---- statements ----

    fn stmts(&mut self, stmts: &[&Stmt], node: u32) -> Vec<ir::Stmt> {
        let mut out = Vec::new();
        for stmt in stmts {
            match stmt {
                Stmt::Let { name, value, .. } => {
                    let schema = self.schema_of(value);
                    let paths = self.paths_of(value);
                    let value = self.value(value, false);
                    let slot = self.bind_from(&name.name, schema, paths);
                    out.push(ir::Stmt::Let { slot, value });
                }
                Stmt::Require { condition, business, message, .. } => {
                    out.push(ir::Stmt::Require { condition: self.expr(condition), business: *business, message: message.value.clone() });
                }
                Stmt::Skip { condition, .. } => out.push(ir::Stmt::Skip { condition: self.expr(condition) }),
                Stmt::Assign { value, target, .. } => {
                    let field = self.node_fields[node as usize][&target.name];
                    out.push(ir::Stmt::Set { field, value: self.expr(value) });
                }
                Stmt::Node { target, body, .. } => {
                    let field = self.node_fields[node as usize][&target.name];
                    let child = self.child_node(node, field);
                    self.scopes.push(Vec::new());
                    let body: Vec<&Stmt> = body.iter().collect();
                    let body = self.stmts(&body, child);
                    self.scopes.pop();
                    out.push(ir::Stmt::Node { field, body });
                }
                Stmt::For(f) => {
                    let field = self.node_fields[node as usize][&f.target.name];
                    let child = self.child_node(node, field);
                    let (source, element, element_schema, keyed, entries) = self.iteration(&f.source);
                    self.scopes.push(Vec::new());
                    let item = self.bind_from(&f.item.name, element_schema, entries);
                    let index = f.index.as_ref().map(|i| self.bind(&i.name, None));
                    let key = keyed.then(|| self.fresh());
                    self.keys.push(key);
                    let filter = f.filter.as_ref().map(|w| self.expr(w));
                    let body: Vec<&Stmt> = f.body.iter().collect();
                    let body = self.stmts(&body, child);
                    self.keys.pop();
                    self.scopes.pop();
                    out.push(ir::Stmt::For { field, item, index, key, source, element, filter, body });
                }
            }
        }
        out
    }

    /// The lowered source of an iteration, how its entries are read, their schema type, and whether
    /// it has keys (`$key`).
    fn iteration(&mut self, source: &Expr) -> (ir::Expr, ir::SourceType, Option<Type>, bool, Vec<Path>) {
        let schema = self.schema_of(source);
        let paths = self.paths_of(source);
        self.read_entries(&paths);
        let entries: Vec<Path> = paths.into_iter().map(|mut p| {
            p.push("*".to_string());
            p
        }).collect();
        let (element, keyed) = match &schema {
            Some(Type::List(e)) => (Some(e.as_ref().clone()), false),
            Some(Type::Keyed(e)) | Some(Type::Map(e)) => (Some(e.as_ref().clone()), true),
            _ => (None, false),
        };
        let read = element.as_ref().map(source_type).unwrap_or(ir::SourceType::Json);
        (self.value(source, false), read, element, keyed, entries)
    }

    fn fresh(&mut self) -> u32 {
        self.next_slot += 1;
        self.next_slot - 1
    }

    fn bind(&mut self, name: &str, schema: Option<Type>) -> u32 {
        self.bind_from(name, schema, Vec::new())
    }

    fn bind_from(&mut self, name: &str, schema: Option<Type>, paths: Vec<Path>) -> u32 {
        let slot = self.fresh();
        self.scopes.last_mut().expect("a scope").push(Local { name: name.to_string(), slot, schema, paths });
        slot
    }

    /// Where in the input an expression's value can come from (empty: not a part of the record).
    fn paths_of(&self, e: &Expr) -> Vec<Path> {
        match &e.kind {
            ExprKind::Name(name) => match self.resolved(e.span) {
                Some(Resolved::Local) => self.local(name).map(|l| l.paths.clone()).unwrap_or_default(),
                Some(Resolved::Field(f)) => vec![vec![f.name.clone()]],
                _ => Vec::new(),
            },
            ExprKind::Member(base, field) => self.paths_of(base).into_iter().map(|mut p| {
                p.push(field.name.clone());
                p
            }).collect(),
            ExprKind::Index(base, _) => self.paths_of(base).into_iter().map(|mut p| {
                p.push("*".to_string());
                p
            }).collect(),
            ExprKind::Bang(inner) | ExprKind::Paren(inner) => self.paths_of(inner),
            ExprKind::Coalesce(left, right) => [self.paths_of(left), self.paths_of(right)].concat(),
            ExprKind::If { then, otherwise, .. } => {
                let mut paths = self.paths_of(then);
                if let Some(o) = otherwise {
                    paths.extend(self.paths_of(o));
                }
                paths
            }
            ExprKind::Match { arms, .. } => arms.iter().flat_map(|a| self.paths_of(&a.value)).collect(),
            _ => Vec::new(),
        }
    }

    /// The value of these parts of the input is used whole.
    fn read_whole(&mut self, paths: &[Path]) {
        for path in paths {
            self.projection.at(path).all = true;
        }
    }

    /// Every entry of these collections is iterated (their fields are added as they are read).
    fn read_entries(&mut self, paths: &[Path]) {
        for path in paths {
            self.projection.at(path).at(&["*".to_string()]);
        }
    }

    fn local(&self, name: &str) -> Option<&Local> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|l| l.name == name)
    }

    fn resolved(&self, span: Span) -> Option<&Resolved> {
        self.resolutions.get(&(self.file, span.start, span.end))
    }

    /// The schema type of an expression whose value comes straight from the source.
    fn schema_of(&self, e: &Expr) -> Option<Type> {
        match &e.kind {
            ExprKind::Name(name) => match self.resolved(e.span)? {
                Resolved::Local => self.local(name)?.schema.clone(),
                Resolved::Field(f) => Some(f.ty.clone()),
                Resolved::Param => None,
            },
            ExprKind::Member(_, field) => match self.resolved(field.span)? {
                Resolved::Field(f) => Some(f.ty.clone()),
                _ => None,
            },
            ExprKind::Bang(inner) | ExprKind::Paren(inner) => self.schema_of(inner),
            ExprKind::Coalesce(left, _) => self.schema_of(left),
            ExprKind::Index(base, _) => match self.schema_of(base)? {
                Type::List(e) | Type::Keyed(e) | Type::Map(e) => Some(*e),
                _ => None,
            },
            _ => None,
        }
    }

    // ---- expressions ----

    /// Lowers an expression whose value is used: a part of the input it names is read whole.
    fn expr(&mut self, e: &Expr) -> ir::Expr {
        self.value(e, true)
    }

    /// Lowers an expression; `whole` says whether a part of the input it names is used whole, or only
    /// through later field reads (the base of `a.b`, a `let`, an iterated collection).
    fn value(&mut self, e: &Expr, whole: bool) -> ir::Expr {
        if whole && matches!(e.kind, ExprKind::Name(_) | ExprKind::Member(..) | ExprKind::Index(..)) {
            let paths = self.paths_of(e);
            self.read_whole(&paths);
        }
        let boxed = |this: &mut Self, e: &Expr| Box::new(this.expr(e));
        match &e.kind {
            ExprKind::Lit(l) => ir::Expr::Const(literal(l)),
            ExprKind::Name(name) => match self.resolved(e.span) {
                Some(Resolved::Local) => ir::Expr::Local(self.local(name).map(|l| l.slot).unwrap_or(0)),
                Some(Resolved::Param) => ir::Expr::Param(self.params.iter().position(|p| &p.name == name).unwrap_or(0) as u32),
                Some(Resolved::Field(field)) => field_read(ir::Expr::Input, field),
                None => ir::Expr::Const(ir::Const::Str(String::new())),
            },
            ExprKind::KeyRef => match self.keys.iter().rev().flatten().next() {
                Some(slot) => ir::Expr::Local(*slot),
                None => ir::Expr::Const(ir::Const::Str(String::new())),
            },
            ExprKind::Member(base, field) => {
                let of = self.value(base, false);
                match self.resolved(field.span).cloned() {
                    Some(Resolved::Field(f)) => field_read(of, &f),
                    _ => of,
                }
            }
            ExprKind::Index(base, key) => {
                let element = match self.schema_of(base) {
                    Some(Type::List(e) | Type::Keyed(e) | Type::Map(e)) => source_type(&e),
                    _ => ir::SourceType::Json,
                };
                ir::Expr::Index { of: Box::new(self.value(base, false)), key: boxed(self, key), ty: element }
            }
            ExprKind::Bang(inner) => ir::Expr::Bang(Box::new(self.value(inner, whole))),
            ExprKind::Paren(inner) => self.value(inner, whole),
            ExprKind::Neg(inner) => ir::Expr::Neg(boxed(self, inner)),
            ExprKind::Not(inner) => ir::Expr::Not(boxed(self, inner)),
            ExprKind::Binary(op, left, right) => ir::Expr::Binary { op: *op, left: boxed(self, left), right: boxed(self, right) },
            ExprKind::Coalesce(left, right) => ir::Expr::Coalesce(Box::new(self.value(left, whole)), Box::new(self.value(right, whole))),
            ExprKind::Call { name, args } => self.call(name, args),
            ExprKind::If { condition, then, otherwise } => ir::Expr::If {
                condition: boxed(self, condition),
                then: boxed(self, then),
                otherwise: otherwise.as_ref().map(|o| boxed(self, o)),
            },
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee = boxed(self, scrutinee);
                let (arms, default) = self.arms(arms);
                ir::Expr::Match { scrutinee, arms, default: default.map(Box::new) }
            }
            ExprKind::List(items) => ir::Expr::List(items.iter().map(|i| self.expr(i)).collect()),
            ExprKind::Comprehension { value, item, source, filter } => {
                let (source, element, element_schema, keyed, entries) = self.iteration(source);
                self.scopes.push(Vec::new());
                let item = self.bind_from(&item.name, element_schema, entries);
                let key = keyed.then(|| self.fresh());
                self.keys.push(key);
                let filter = filter.as_ref().map(|f| boxed(self, f));
                let value = boxed(self, value);
                self.keys.pop();
                self.scopes.pop();
                ir::Expr::Comprehension { item, key, source: Box::new(source), element, filter, value }
            }
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr]) -> ir::Expr {
        if let Some(function) = builtin(&name.name) {
            return ir::Expr::Call { function, args: args.iter().map(|a| self.expr(a)).collect() };
        }
        if let Some(index) = self.lookups.iter().position(|(n, _)| *n == name.name) {
            return ir::Expr::Lookup { lookup: index as u32, key: Box::new(self.expr(&args[0])) };
        }
        if let Some(index) = self.tables.iter().position(|(_, t)| t.name.name == name.name) {
            return ir::Expr::Table { table: index as u32, arg: Box::new(self.expr(&args[0])) };
        }
        let Some((file, decl)) = self.functions.get(&name.name).cloned() else {
            return ir::Expr::Const(ir::Const::Str(String::new()));
        };
        // Inline: evaluate each argument once into a fresh slot, then the body in its own file and
        // scope, where only its parameters are locals.
        let args: Vec<ir::Expr> = args.iter().map(|a| self.expr(a)).collect();
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_scopes = std::mem::replace(&mut self.scopes, vec![Vec::new()]);
        let saved_keys = std::mem::take(&mut self.keys);
        let slots: Vec<u32> = decl.params.iter().map(|(param, _)| self.bind(&param.name, None)).collect();
        let mut body = self.expr(&decl.body);
        self.keys = saved_keys;
        self.scopes = saved_scopes;
        self.file = saved_file;
        for (slot, value) in slots.into_iter().zip(args).rev() {
            body = ir::Expr::Let { slot, value: Box::new(value), body: Box::new(body) };
        }
        body
    }
}

fn field_read(of: ir::Expr, field: &schema::Field) -> ir::Expr {
    ir::Expr::Field {
        of: Box::new(of),
        name: ir::FieldName::new(field.name.clone()),
        ty: source_type(&field.ty),
        presence: match field.presence {
            Presence::Required => ir::Presence::Required,
            Presence::Optional => ir::Presence::Optional,
            Presence::Nullable => ir::Presence::Nullable,
        },
    }
}

fn source_type(ty: &Type) -> ir::SourceType {
    match ty {
        Type::String => ir::SourceType::String,
        Type::Decimal => ir::SourceType::Decimal,
        Type::DecimalText => ir::SourceType::DecimalText,
        Type::Int(_) => ir::SourceType::Int,
        Type::Boolean => ir::SourceType::Bool,
        Type::Date => ir::SourceType::Date,
        Type::DateTime => ir::SourceType::DateTime,
        Type::Json => ir::SourceType::Json,
        Type::List(_) => ir::SourceType::List,
        Type::Keyed(_) => ir::SourceType::Keyed,
        Type::Map(_) => ir::SourceType::Map,
        Type::Named(_) | Type::Record(_) => ir::SourceType::Record,
    }
}

fn value_type(ty: &Type) -> ir::ValueType {
    match ty {
        Type::String => ir::ValueType::String,
        Type::Decimal => ir::ValueType::Decimal,
        Type::DecimalText => ir::ValueType::DecimalText,
        Type::Int(_) => ir::ValueType::Int,
        Type::Boolean => ir::ValueType::Bool,
        Type::Date => ir::ValueType::Date,
        Type::DateTime => ir::ValueType::DateTime,
        _ => ir::ValueType::Json,
    }
}

fn builtin(name: &str) -> Option<ir::Builtin> {
    use ir::Builtin::*;
    Some(match name {
        "text" => Text,
        "to_decimal" => ToDecimal,
        "to_int" => ToInt,
        "round" => Round,
        "truncate" => Truncate,
        "upper" => Upper,
        "lower" => Lower,
        "trim" => Trim,
        "pad_left" => PadLeft,
        "replace" => Replace,
        "date" => Date,
        "length" => Length,
        "abs" => Abs,
        "present" => Present,
        "sum" => Sum,
        "count" => Count,
        "min" => Min,
        "max" => Max,
        "first" => First,
        "join" => Join,
        _ => return None,
    })
}

fn literal(l: &Literal) -> ir::Const {
    match &l.value {
        LitValue::Str(s) => ir::Const::Str(s.clone()),
        LitValue::Bool(b) => ir::Const::Bool(*b),
        LitValue::Number(n) => match n.parse::<i64>() {
            Ok(i) if !n.contains('.') => ir::Const::Int(i),
            _ => ir::Const::Dec(n.clone()),
        },
    }
}

/// A param default as a constant (the checker allows only literals, negated numbers and lists).
fn constant(e: &Expr) -> Result<ir::Const, String> {
    match &e.kind {
        ExprKind::Lit(l) => Ok(literal(l)),
        ExprKind::Neg(inner) => match constant(inner)? {
            ir::Const::Int(n) => Ok(ir::Const::Int(-n)),
            ir::Const::Dec(d) => Ok(ir::Const::Dec(format!("-{d}"))),
            _ => Err("only numbers can be negated".into()),
        },
        ExprKind::List(items) => items.iter().map(constant).collect::<Result<_, _>>().map(ir::Const::List),
        _ => Err("a param default must be a constant".into()),
    }
}

/// The declared type of a param or lookup, for checking values given at run time.
fn declared(ty: &TypeExpr) -> ir::DeclaredType {
    let base = |base| ir::DeclaredType { base, length: None, min: None, max: None, values: None, element: None };
    match &ty.kind {
        TypeExprKind::Simple(name) => match name.as_str() {
            "string" => base(ir::BaseType::String),
            "int16" => ir::DeclaredType { min: Some(i16::MIN as i64), max: Some(i16::MAX as i64), ..base(ir::BaseType::Int) },
            "int32" => ir::DeclaredType { min: Some(i32::MIN as i64), max: Some(i32::MAX as i64), ..base(ir::BaseType::Int) },
            "int" | "int64" => base(ir::BaseType::Int),
            "decimal" => base(ir::BaseType::Decimal),
            "bool" => base(ir::BaseType::Bool),
            "date" => base(ir::BaseType::Date),
            _ => base(ir::BaseType::DateTime),
        },
        TypeExprKind::BoundedString(n) => ir::DeclaredType { length: Some(*n), ..base(ir::BaseType::String) },
        TypeExprKind::List(inner) => ir::DeclaredType { element: Some(Box::new(declared(inner))), ..base(ir::BaseType::List) },
        TypeExprKind::Union(literals) => {
            let values: Vec<ir::Const> = literals.iter().map(literal).collect();
            if values.iter().all(|v| matches!(v, ir::Const::Int(_))) {
                ir::DeclaredType { values: Some(values), ..base(ir::BaseType::Int) }
            } else {
                let length = literals.iter().filter_map(|l| if let LitValue::Str(s) = &l.value { Some(s.chars().count() as u32) } else { None }).max();
                ir::DeclaredType { values: Some(values), length, ..base(ir::BaseType::String) }
            }
        }
    }
}
