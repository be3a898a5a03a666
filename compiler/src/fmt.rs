//! `mapc fmt`: one canonical layout for `.map` files, with no options.
//!
//! Printed from the syntax tree: four spaces per block level, single spaces around operators and `->`,
//! one blank line kept where the source had one or more, two spaces before a trailing comment. Comments
//! stay where they were: above the item they preceded, or at the end of its line. A statement with a
//! comment inside its expression is printed as written (only re-indented), so no comment is ever moved
//! into or out of an expression. Formatting is idempotent, and the IR of a formatted file is the IR of
//! the original.

use crate::diagnostics::{Diagnostic, FileId};
use crate::syntax::ast::*;
use crate::syntax::{self, ast::Span};

const INDENT: &str = "    ";

/// The canonical layout of a file's text, or the syntax error that stops it.
pub fn format(text: &str) -> Result<String, Diagnostic> {
    crate::driver::on_big_stack(|| format_here(text))
}

fn format_here(text: &str) -> Result<String, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let module = syntax::parse(FileId(0), text)?;
    let mut printer = Printer { text, comments: &module.comments, next_comment: 0, out: String::new(), last_end: 0 };
    if let Some(header) = &module.header {
        printer.leading(header.span.start, 0);
        printer.line(0, &format!("mapping {} from {} to {}", header.name.name, header.source.name, header.target.name), header.span);
    }
    for item in &module.items {
        printer.item(item);
    }
    printer.rest(text.len() as u32, 0);
    let mut out = printer.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    /// Where the last printed item ended in the source, for blank-line detection.
    last_end: u32,
}

impl Printer<'_> {
    /// Comments before `start` (each on its own line), and one blank line where the source had one.
    fn leading(&mut self, start: u32, depth: usize) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            if comment.span.start >= start {
                break;
            }
            self.blank_line_before(comment.span.start);
            self.out.push_str(&INDENT.repeat(depth));
            self.out.push('#');
            self.out.push_str(comment.text.trim_end());
            self.out.push('\n');
            self.last_end = comment.span.end;
            self.next_comment += 1;
        }
        self.blank_line_before(start);
    }

    /// Remaining comments up to `end` (the end of a block or of the file).
    fn rest(&mut self, end: u32, depth: usize) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            if comment.span.start >= end {
                break;
            }
            self.leading(comment.span.end, depth);
        }
    }

    fn blank_line_before(&mut self, start: u32) {
        if self.out.is_empty() || self.out.ends_with("{\n") || self.out.ends_with("\n\n") {
            return;
        }
        let between = &self.text[(self.last_end as usize).min(start as usize)..start as usize];
        if between.matches('\n').count() >= 2 {
            self.out.push('\n');
        }
    }

    /// One printed line for an item whose source is `span`, with its trailing comment if it has one.
    fn line(&mut self, depth: usize, code: &str, span: Span) {
        self.out.push_str(&INDENT.repeat(depth));
        self.out.push_str(code);
        self.last_end = span.end;
        self.trailing(span.end);
        self.out.push('\n');
    }

    /// A comment on the same source line as `end`.
    fn trailing(&mut self, end: u32) {
        if let Some(comment) = self.comments.get(self.next_comment) {
            let gap = &self.text[end as usize..comment.span.start as usize];
            if !gap.contains('\n') && comment.span.start >= end {
                self.out.push_str("  #");
                self.out.push_str(comment.text.trim_end());
                self.last_end = comment.span.end;
                self.next_comment += 1;
            }
        }
    }

    /// Whether a comment lies inside `span` (for statements printed from the tree, their expressions).
    fn has_comment_inside(&self, span: Span) -> bool {
        self.comments[self.next_comment..].iter().any(|c| c.span.start > span.start && c.span.end < span.end)
    }

    /// The source of `span`, re-indented to `depth`, comments and all.
    fn verbatim(&mut self, depth: usize, span: Span) {
        let source = &self.text[span.start as usize..span.end as usize];
        let base = self.text[..span.start as usize].rsplit('\n').next().map_or(0, |l| l.len() - l.trim_start().len());
        for (i, line) in source.lines().enumerate() {
            let kept = if i == 0 { line.trim_start() } else { line.get(base.min(line.len() - line.trim_start().len())..).unwrap_or(line) };
            if kept.trim().is_empty() {
                self.out.push('\n');
                continue;
            }
            self.out.push_str(&INDENT.repeat(depth));
            self.out.push_str(kept.trim_end());
            self.out.push('\n');
        }
        // Comments inside were printed with the text.
        while self.comments.get(self.next_comment).is_some_and(|c| c.span.start < span.end) {
            self.next_comment += 1;
        }
        self.out.pop();
        self.last_end = span.end;
        self.trailing(span.end);
        self.out.push('\n');
    }

    fn item(&mut self, item: &Item) {
        let span = item_span(item);
        self.leading(span.start, 0);
        if let Item::Stmt(stmt) = item {
            return self.stmt(stmt, 0);
        }
        if self.has_comment_inside(span) {
            return self.verbatim(0, span);
        }
        let code = match item {
            Item::Use(u) => format!("use {}", string(&u.path.value)),
            Item::Param(p) => {
                let default = p.default.as_ref().map(|d| format!(" = {}", expr(d))).unwrap_or_default();
                format!("param {}: {}{default}", p.name.name, type_expr(&p.ty))
            }
            Item::Lookup(l) => {
                let optional = if l.optional { " optional" } else { "" };
                format!("lookup {}: {} -> {}{optional}", l.name.name, type_expr(&l.key), type_expr(&l.value))
            }
            Item::Table(t) => {
                let multiline = self.text[t.span.start as usize..t.span.end as usize].contains('\n');
                format!("table {} {}", t.name.name, arms(&t.arms, multiline, 0))
            }
            Item::Fn(f) => {
                let params: Vec<String> = f.params.iter().map(|(n, t)| format!("{}: {}", n.name, type_expr(t))).collect();
                format!("fn {}({}) = {}", f.name.name, params.join(", "), expr(&f.body))
            }
            Item::Key(k) => format!("key {}", expr(&k.expr)),
            Item::Stmt(_) => unreachable!("handled above"),
        };
        self.line(0, &code, span);
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        let span = stmt.span();
        self.leading(span.start, depth);
        let (head, body) = match stmt {
            Stmt::Node { target, body, .. } => (format!("{} {{", target.name), Some(body)),
            Stmt::For(f) => {
                let index = f.index.as_ref().map(|i| format!(", {}", i.name)).unwrap_or_default();
                let filter = f.filter.as_ref().map(|w| format!(" where {}", expr(w))).unwrap_or_default();
                let head_span = Span { start: f.span.start, end: f.target.span.end };
                if self.has_comment_inside(head_span) {
                    return self.verbatim(depth, span);
                }
                (format!("for {}{index} in {}{filter} -> {} {{", f.item.name, expr(&f.source), f.target.name), Some(&f.body))
            }
            _ => (String::new(), None),
        };
        if let Some(body) = body {
            // The block's opening line, its statements one level in, its closing brace.
            self.out.push_str(&INDENT.repeat(depth));
            self.out.push_str(&head);
            let open = self.text[span.start as usize..span.end as usize].find('{').map_or(span.start, |i| span.start + i as u32 + 1);
            self.last_end = open;
            self.trailing(open);
            self.out.push('\n');
            for s in body {
                self.stmt(s, depth + 1);
            }
            self.rest(span.end, depth + 1);
            self.out.push_str(&INDENT.repeat(depth));
            self.out.push('}');
            self.last_end = span.end;
            self.trailing(span.end);
            self.out.push('\n');
            return;
        }
        if self.has_comment_inside(span) {
            return self.verbatim(depth, span);
        }
        let code = match stmt {
            Stmt::Let { name, value, .. } => format!("let {} = {}", name.name, expr(value)),
            Stmt::Require { condition, business, message, .. } => {
                format!("require {} else {}{}", expr(condition), if *business { "business " } else { "" }, string(&message.value))
            }
            Stmt::Skip { condition, .. } => format!("skip if {}", expr(condition)),
            Stmt::Assign { value, target, .. } => format!("{} -> {}", expr(value), target.name),
            Stmt::Node { .. } | Stmt::For(_) => unreachable!("blocks are printed above"),
        };
        self.line(depth, &code, span);
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Use(u) => u.span,
        Item::Param(p) => p.span,
        Item::Lookup(l) => l.span,
        Item::Table(t) => t.span,
        Item::Fn(f) => f.span,
        Item::Key(k) => k.span,
        Item::Stmt(s) => s.span(),
    }
}

fn type_expr(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeExprKind::Simple(name) => name.clone(),
        TypeExprKind::BoundedString(n) => format!("string({n})"),
        TypeExprKind::List(inner) => format!("list<{}>", type_expr(inner)),
        TypeExprKind::Union(literals) => literals.iter().map(literal).collect::<Vec<_>>().join(" | "),
    }
}

fn literal(l: &Literal) -> String {
    match &l.value {
        LitValue::Str(s) => string(s),
        LitValue::Number(n) => n.clone(),
        LitValue::Bool(b) => b.to_string(),
    }
}

/// A string literal in its canonical spelling.
fn string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn arms(arms: &[Arm], multiline: bool, depth: usize) -> String {
    let printed: Vec<String> = arms
        .iter()
        .map(|arm| {
            let patterns: Vec<String> = arm
                .patterns
                .iter()
                .map(|p| match p {
                    Pattern::Wildcard(_) => "_".to_string(),
                    Pattern::Lit(l) => literal(l),
                })
                .collect();
            format!("{} => {}", patterns.join(" | "), expr(&arm.value))
        })
        .collect();
    if multiline {
        let inner = INDENT.repeat(depth + 1);
        format!("{{\n{inner}{},\n{}}}", printed.join(&format!(",\n{inner}")), INDENT.repeat(depth))
    } else {
        format!("{{ {} }}", printed.join(", "))
    }
}

/// An expression on one line, in canonical spacing; parentheses as written.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Lit(l) => literal(l),
        ExprKind::Name(n) => n.clone(),
        ExprKind::KeyRef => "$key".into(),
        ExprKind::Member(base, field) => format!("{}.{}", expr(base), field.name),
        ExprKind::Index(base, key) => format!("{}[{}]", expr(base), expr(key)),
        ExprKind::Bang(inner) => format!("{}!", expr(inner)),
        ExprKind::Neg(inner) => format!("-{}", expr(inner)),
        ExprKind::Not(inner) => format!("not {}", expr(inner)),
        ExprKind::Binary(op, l, r) => format!("{} {} {}", expr(l), symbol(*op), expr(r)),
        ExprKind::Coalesce(l, r) => format!("{} ?? {}", expr(l), expr(r)),
        ExprKind::Call { name, args } => format!("{}({})", name.name, args.iter().map(expr).collect::<Vec<_>>().join(", ")),
        ExprKind::If { condition, then, otherwise } => {
            let mut out = format!("if {} {{ {} }}", expr(condition), expr(then));
            let mut rest = otherwise.as_deref();
            while let Some(other) = rest {
                match &other.kind {
                    // `else if` chains stay flat, as they are written.
                    ExprKind::If { condition, then, otherwise } if other.span.end == e.span.end && is_else_if(e, other) => {
                        out.push_str(&format!(" else if {} {{ {} }}", expr(condition), expr(then)));
                        rest = otherwise.as_deref();
                    }
                    _ => {
                        out.push_str(&format!(" else {{ {} }}", expr(other)));
                        rest = None;
                    }
                }
            }
            out
        }
        ExprKind::Match { scrutinee, arms: a } => format!("match {} {}", expr(scrutinee), arms(a, false, 0)),
        ExprKind::List(items) => format!("[{}]", items.iter().map(expr).collect::<Vec<_>>().join(", ")),
        ExprKind::Comprehension { value, item, source, filter } => {
            let filter = filter.as_ref().map(|f| format!(" where {}", expr(f))).unwrap_or_default();
            format!("[{} for {} in {}{filter}]", expr(value), item.name, expr(source))
        }
        ExprKind::Paren(inner) => format!("({})", expr(inner)),
    }
}

/// Whether `other` is the `if` of an `else if` in `outer` (the parser gives an else-if branch a span
/// running to the end of the whole expression), rather than an `if` inside `else { ... }` braces.
fn is_else_if(outer: &Expr, other: &Expr) -> bool {
    other.span.start > outer.span.start
}
