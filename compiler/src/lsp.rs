//! `mapc lsp`: a Language Server over stdio, sharing the compiler's code.
//!
//! Documents are synchronised whole and re-checked on every change (a 500-line mapping checks in about
//! 10 ms). The features that need a position (completion, hover, definition) read the text around the
//! cursor, so they work while the file does not parse, as it usually does not mid-edit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{json, Value as Json};

use crate::diagnostics::{Diagnostic, Files, Severity};
use crate::schema::{Field, Record, Registry, Type};

/// Runs the server until the client shuts it down.
pub fn serve(registry: Registry) -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    let capabilities = json!({
        "textDocumentSync": 1,
        "completionProvider": {"triggerCharacters": [".", ">", " "]},
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": true,
        "documentFormattingProvider": true,
        "codeActionProvider": true,
    });
    let (id, _params) = connection.initialize_start().map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, json!({"capabilities": capabilities, "serverInfo": {"name": "mapc", "version": env!("CARGO_PKG_VERSION")}}))
        .map_err(|e| e.to_string())?;
    let mut server = Server { registry, documents: HashMap::new() };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                    break;
                }
                let response = server.request(&request);
                connection.sender.send(Message::Response(response)).map_err(|e| e.to_string())?;
            }
            Message::Notification(notification) => {
                for out in server.notification(&notification) {
                    connection.sender.send(Message::Notification(out)).map_err(|e| e.to_string())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(connection);
    threads.join().map_err(|e| e.to_string())
}

struct Server {
    registry: Registry,
    documents: HashMap<String, String>,
}

impl Server {
    fn notification(&mut self, n: &Notification) -> Vec<Notification> {
        let uri = n.params["textDocument"]["uri"].as_str().unwrap_or_default().to_string();
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let text = n.params["textDocument"]["text"].as_str().unwrap_or_default().to_string();
                self.documents.insert(uri.clone(), text);
            }
            "textDocument/didChange" => {
                // Full synchronisation: the last change holds the whole text.
                if let Some(text) = n.params["contentChanges"].as_array().and_then(|c| c.last()).and_then(|c| c["text"].as_str()) {
                    self.documents.insert(uri.clone(), text.to_string());
                }
            }
            "textDocument/didClose" => {
                self.documents.remove(&uri);
                return vec![Notification::new("textDocument/publishDiagnostics".into(), json!({"uri": uri, "diagnostics": []}))];
            }
            _ => return Vec::new(),
        }
        let text = self.documents.get(&uri).cloned().unwrap_or_default();
        let diagnostics = self.diagnostics(&uri, &text);
        vec![Notification::new("textDocument/publishDiagnostics".into(), json!({"uri": uri, "diagnostics": diagnostics}))]
    }

    fn request(&mut self, r: &Request) -> Response {
        let uri = r.params["textDocument"]["uri"].as_str().unwrap_or_default().to_string();
        let text = self.documents.get(&uri).cloned().unwrap_or_default();
        let offset = offset_of(&text, &r.params["position"]);
        let result = match r.method.as_str() {
            "textDocument/completion" => self.completion(&uri, &text, offset),
            "textDocument/hover" => self.hover(&text, offset),
            "textDocument/definition" => self.definition(&uri, &text, offset),
            "textDocument/references" => references(&uri, &text, offset),
            "textDocument/rename" => rename(&uri, &text, offset, r.params["newName"].as_str().unwrap_or_default()),
            "textDocument/formatting" => match crate::fmt::format(&text) {
                Ok(formatted) if formatted != text => json!([{"range": whole_range(&text), "newText": formatted}]),
                _ => json!([]),
            },
            "textDocument/codeAction" => self.code_actions(&uri, &text, &r.params),
            _ => return Response::new_err(r.id.clone(), -32601, format!("{} is not supported", r.method)),
        };
        Response::new_ok(r.id.clone(), result)
    }

    fn check(&self, uri: &str, text: &str) -> (Files, Vec<Diagnostic>) {
        let report = crate::driver::check_text(&uri_path(uri), text, &self.registry);
        (report.files, report.diagnostics)
    }

    fn diagnostics(&self, uri: &str, text: &str) -> Vec<Json> {
        let (files, diagnostics) = self.check(uri, text);
        let main = files.iter().find(|(_, f)| f.text == text).map(|(id, _)| id);
        diagnostics
            .iter()
            .filter(|d| Some(d.primary.file) == main)
            .map(|d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                json!({
                    "range": range(text, d.primary.span.start as usize, d.primary.span.end as usize),
                    "severity": if d.severity() == Severity::Error { 1 } else { 2 },
                    "code": d.code.code,
                    "source": "mapc",
                    "message": message,
                    "data": {"help": d.help},
                })
            })
            .collect()
    }

    // ---- completion and hover ----

    fn completion(&self, uri: &str, text: &str, offset: usize) -> Json {
        let line = &text[line_start(text, offset)..offset];
        let mut items = Vec::new();
        if line.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').trim_end().ends_with("->") {
            if let Some(record) = self.target_at(text, offset) {
                for field in &record.fields {
                    items.push(json!({"label": field.name, "kind": 5, "detail": field_facts(field), "documentation": field.description}));
                }
            }
            return json!(items);
        }
        let word_start = offset - line.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum::<usize>();
        if text[..word_start].ends_with('.') {
            let base = path_before(text, word_start - 1);
            if let Some(record) = self.path_type(text, offset, &base).and_then(|t| self.record_of(&t)) {
                for field in &record.fields {
                    items.push(json!({"label": field.name, "kind": 5, "detail": field_facts(field), "documentation": field.description}));
                }
            }
            return json!(items);
        }
        for name in crate::check::builtin_names() {
            items.push(json!({"label": name, "kind": 3, "detail": "built-in function"}));
        }
        // Declarations of the document and of every file it uses.
        for (_, file_text) in self.unit_texts(uri, text) {
            for (name, kind) in declarations(&file_text) {
                items.push(json!({"label": name, "kind": if kind == "fn" { 3 } else { 6 }, "detail": kind}));
            }
        }
        if let Some(source) = self.source_record(text) {
            for field in &source.fields {
                items.push(json!({"label": field.name, "kind": 5, "detail": field_facts(field)}));
            }
        }
        json!(items)
    }

    fn hover(&self, text: &str, offset: usize) -> Json {
        let Some((start, end)) = word_at(text, offset) else { return Json::Null };
        let word = &text[start..end];
        let before = text[line_start(text, start)..start].trim_end();
        let contents = if before.ends_with("->") {
            self.target_at(text, start).and_then(|r| r.field(word).map(|f| format!("**{}** (target): {}", f.name, field_facts(f))))
        } else if text[..start].ends_with('.') || text.get(end..).is_some_and(|t| t.starts_with('.')) || self.source_record(text).is_some_and(|r| r.field(word).is_some()) {
            let mut path = path_before(text, end);
            if path.is_empty() {
                path = vec![word.to_string()];
            }
            let last = path.pop();
            let record = if path.is_empty() { self.source_record(text) } else { self.path_type(text, start, &path).and_then(|t| self.record_of(&t)) };
            record.and_then(|r| last.and_then(|l| r.field(&l).map(|f| format!("**{}**: {}", f.name, field_facts(f)))))
        } else if let Some(line) = declaration_line(text, word) {
            Some(format!("```map\n{line}\n```"))
        } else if crate::check::builtin_names().contains(&word) {
            Some(format!("`{word}(...)`: built-in function (see the language reference)"))
        } else {
            None
        };
        match contents {
            Some(value) => json!({"contents": {"kind": "markdown", "value": value}, "range": range(text, start, end)}),
            None => Json::Null,
        }
    }

    fn definition(&self, uri: &str, text: &str, offset: usize) -> Json {
        // `use "lib/file.map"`: the used file.
        let line_at = &text[line_start(text, offset)..];
        let line_at = strip_comment(line_at.lines().next().unwrap_or(""));
        if let Some(path) = line_at.trim().strip_prefix("use ").map(|p| p.trim().trim_matches('"')) {
            let target = uri_path(uri).parent().unwrap_or(Path::new("")).join(path);
            return json!({"uri": path_uri(&target), "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}});
        }
        let Some((start, end)) = word_at(text, offset) else { return Json::Null };
        let word = &text[start..end];
        // A call names a function, table or lookup, never a local.
        let call = text[end..].trim_start().starts_with('(');
        if let Some(at) = binding(text, word, start).filter(|_| !call) {
            return json!({"uri": uri, "range": range(text, at, at + word.len())});
        }
        for (file_uri, file_text) in self.unit_texts(uri, text) {
            if let Some(at) = declaration_at(&file_text, word) {
                return json!({"uri": file_uri, "range": range(&file_text, at, at + word.len())});
            }
        }
        Json::Null
    }

    /// The document and every file it `use`s, as (uri, text).
    fn unit_texts(&self, uri: &str, text: &str) -> Vec<(String, String)> {
        let mut out = vec![(uri.to_string(), text.to_string())];
        let base = uri_path(uri).parent().map(Path::to_path_buf).unwrap_or_default();
        for line in text.lines() {
            if let Some(path) = strip_comment(line).trim().strip_prefix("use ").map(|p| p.trim().trim_matches('"')) {
                let file = base.join(path);
                if let Ok(used) = std::fs::read_to_string(&file) {
                    out.push((path_uri(&file), used));
                }
            }
        }
        out
    }

    fn code_actions(&self, uri: &str, text: &str, params: &Json) -> Json {
        let mut actions = Vec::new();
        let (files, diagnostics) = self.check(uri, text);
        let main = files.iter().find(|(_, f)| f.text == text).map(|(id, _)| id);
        let wanted = &params["range"];
        let (from, to) = (offset_of(text, &wanted["start"]), offset_of(text, &wanted["end"]));
        for d in diagnostics.iter().filter(|d| Some(d.primary.file) == main) {
            let (start, end) = (d.primary.span.start as usize, d.primary.span.end as usize);
            if end < from || start > to.max(from) {
                continue;
            }
            let help = d.help.clone().unwrap_or_default();
            if let Some(name) = help.strip_prefix("did you mean `").and_then(|h| h.split('`').next()) {
                let replacement = name.rsplit('.').next().unwrap_or(name);
                actions.push(json!({
                    "title": format!("Replace with `{replacement}`"),
                    "kind": "quickfix",
                    "edit": {"changes": {uri: [{"range": range(text, start, end), "newText": replacement}]}},
                }));
            }
            if d.code.code == "E103" {
                if let Some(edit) = missing_fields_edit(text, d) {
                    actions.push(json!({"title": "Add the missing required fields", "kind": "quickfix", "edit": {"changes": {uri: [edit]}}}));
                }
            }
        }
        json!(actions)
    }

    // ---- schema lookups from the text ----

    fn header(&self, text: &str) -> Option<(String, String)> {
        let line = text.lines().find(|l| l.trim_start().starts_with("mapping "))?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let from = words.iter().position(|w| *w == "from")?;
        let to = words.iter().position(|w| *w == "to")?;
        Some((words.get(from + 1)?.to_string(), words.get(to + 1)?.to_string()))
    }

    fn source_record(&self, text: &str) -> Option<Arc<Record>> {
        let (source, _) = self.header(text)?;
        self.registry.lookup(&source).ok().map(|d| d.record.clone())
    }

    fn record_of(&self, ty: &Type) -> Option<Arc<Record>> {
        match ty {
            Type::Record(r) => Some(r.clone()),
            Type::Named(n) => self.registry.get(n).ok().map(|d| d.record.clone()),
            Type::List(t) | Type::Keyed(t) | Type::Map(t) => self.record_of(t),
            _ => None,
        }
    }

    /// The schema type of a dotted path at `offset`: its first name is a loop variable, a `let` of a
    /// path, or a field of the source record.
    fn path_type(&self, text: &str, offset: usize, path: &[String]) -> Option<Type> {
        let (first, rest) = path.split_first()?;
        let mut ty = match loop_source(text, first, offset) {
            Some(source) => element(self.path_type(text, offset, &source)?)?,
            None => match let_path(text, first, offset) {
                Some(source) => self.path_type(text, offset, &source)?,
                None => self.source_record(text)?.field(first)?.ty.clone(),
            },
        };
        for name in rest {
            let record = self.record_of(&ty)?;
            ty = record.field(name)?.ty.clone();
        }
        Some(ty)
    }

    /// The target node the statement at `offset` writes into: the header's target, then each enclosing
    /// `NAME {` or `for ... -> NAME {` block.
    fn target_at(&self, text: &str, offset: usize) -> Option<Arc<Record>> {
        let (_, target) = self.header(text)?;
        let mut record = self.registry.lookup(&target).ok()?.record.clone();
        for block in enclosing_blocks(&text[..offset]) {
            let field: Field = record.field(&block)?.clone();
            record = self.record_of(&field.ty)?;
        }
        Some(record)
    }
}

fn element(ty: Type) -> Option<Type> {
    match ty {
        Type::List(t) | Type::Keyed(t) | Type::Map(t) => Some(*t),
        _ => None,
    }
}

/// The names of the blocks open at the end of `text`, outermost first.
fn enclosing_blocks(text: &str) -> Vec<String> {
    let mut stack: Vec<Option<String>> = Vec::new();
    for line in text.lines() {
        let code = strip_comment(line);
        for (i, c) in code.char_indices() {
            match c {
                '{' => {
                    let head = code[..i].trim_end();
                    let name: String = head.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<Vec<_>>().into_iter().rev().collect();
                    let statement_block = !name.is_empty()
                        && (head == name || head.trim_start() == name || head.trim_end_matches(&name).trim_end().ends_with("->"));
                    stack.push(statement_block.then_some(name));
                }
                '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack.into_iter().flatten().collect()
}

/// A line without its comment.
fn strip_comment(line: &str) -> &str {
    &line[..crate::syntax::comment_start(line).unwrap_or(line.len())]
}

/// The dotted path that ends at `end` (`row.rowValue` before `.rowNet`).
fn path_before(text: &str, end: usize) -> Vec<String> {
    let before = &text[..end];
    let start = before.len() - before.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').map(char::len_utf8).sum::<usize>();
    before[start..].split('.').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The source path a loop variable iterates (`for row in orderRows`), from the last such loop before `offset`.
fn loop_source(text: &str, name: &str, offset: usize) -> Option<Vec<String>> {
    let before = &text[..offset];
    let mut found = None;
    for (i, _) in before.match_indices("for ") {
        let rest = &before[i + 4..];
        let mut words = rest.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty());
        if words.next() != Some(name) {
            continue;
        }
        let after_in = rest.split_once(" in ")?.1.trim_start();
        let path: String = after_in.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect();
        found = Some(path.split('.').map(str::to_string).collect());
    }
    found
}

/// The path a `let NAME = path` binds, from the last such `let` before `offset`.
fn let_path(text: &str, name: &str, offset: usize) -> Option<Vec<String>> {
    let before = &text[..offset];
    let marker = format!("let {name} = ");
    let at = before.rfind(&marker)?;
    let value: String = before[at + marker.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect();
    (!value.is_empty()).then(|| value.split('.').map(str::to_string).collect())
}

/// Top-level declarations of a text: (name, kind).
fn declarations(text: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        for (keyword, kind) in [("param ", "param"), ("lookup ", "lookup"), ("table ", "table"), ("fn ", "fn"), ("let ", "let")] {
            if let Some(rest) = line.strip_prefix(keyword) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push((name, kind));
                }
            }
        }
    }
    out
}

/// Where a top-level declaration names `word`.
fn declaration_at(text: &str, word: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for keyword in ["param ", "lookup ", "table ", "fn "] {
            if let Some(rest) = trimmed.strip_prefix(keyword) {
                if rest.starts_with(word) && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                    return Some(offset + indent + keyword.len());
                }
            }
        }
        offset += line.len();
    }
    None
}

fn declaration_line(text: &str, word: &str) -> Option<String> {
    let at = declaration_at(text, word)?;
    Some(text[line_start(text, at)..].lines().next()?.trim().to_string())
}

/// Where a local (`let NAME`, `for NAME`, `for x, NAME`) is bound, the last time before `offset`.
fn binding(text: &str, word: &str, offset: usize) -> Option<usize> {
    let before = &text[..offset];
    let mut best = None;
    for pattern in [format!("let {word} "), format!("for {word} "), format!("for {word},"), format!(", {word} in ")] {
        if let Some(at) = before.rfind(&pattern) {
            let name_at = at + pattern.find(word).unwrap_or(0);
            best = best.max(Some(name_at));
        }
    }
    best
}

/// Every identifier occurrence of `word` outside strings and comments.
fn occurrences(text: &str, word: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = strip_comment(line);
        let mut in_string = false;
        let mut escaped = false;
        let bytes: Vec<(usize, char)> = code.char_indices().collect();
        for (i, c) in &bytes {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (false, _, '"') => in_string = true,
                (false, _, _) if code[*i..].starts_with(word) => {
                    {
                        let before = code[..*i].chars().next_back();
                        let after = code[i + word.len()..].chars().next();
                        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
                        if !ident(before) && !ident(after) && before != Some('.') {
                            found.push(offset + i);
                        }
                    }
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    found
}

fn references(uri: &str, text: &str, offset: usize) -> Json {
    let Some((start, end)) = word_at(text, offset) else { return json!([]) };
    let word = &text[start..end];
    json!(occurrences(text, word).into_iter().map(|at| json!({"uri": uri, "range": range(text, at, at + word.len())})).collect::<Vec<_>>())
}

fn rename(uri: &str, text: &str, offset: usize, new_name: &str) -> Json {
    let Some((start, end)) = word_at(text, offset) else { return Json::Null };
    let word = &text[start..end];
    let valid = new_name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') && new_name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !valid {
        return Json::Null;
    }
    let edits: Vec<Json> = occurrences(text, word).into_iter().map(|at| json!({"range": range(text, at, at + word.len()), "newText": new_name})).collect();
    json!({"changes": {uri: edits}})
}

/// An edit that writes `... -> FIELD` for each missing required field, before the block's `}` (or at
/// the end of the file for the top level).
fn missing_fields_edit(text: &str, d: &Diagnostic) -> Option<Json> {
    let names = d.message.split("missing required field").nth(1)?.trim_start_matches('s').trim();
    let names: Vec<&str> = names.split(", ").collect();
    let after = d.primary.span.end as usize;
    // The block's closing brace: the first `}` that closes the `{` after the diagnostic's span.
    let (insert_at, indent) = match text[after..].find('{') {
        Some(open) if !text[after..after + open].contains('\n') => {
            let mut depth = 0usize;
            let mut close = None;
            for (i, c) in text[after + open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(after + open + i);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let close = close?;
            let line_start = line_start(text, close);
            let block_indent = text[line_start..close].len();
            (line_start, " ".repeat(block_indent + 4))
        }
        _ => (text.len(), String::new()),
    };
    let mut new_text: String = names.iter().map(|n| format!("{indent}... -> {n}\n")).collect();
    if insert_at == text.len() && !text.ends_with('\n') {
        new_text.insert(0, '\n');
    }
    Some(json!({"range": range(text, insert_at, insert_at), "newText": new_text.replace("... ->", "\"\" ->")}))
}

fn field_facts(field: &Field) -> String {
    let mut facts = vec![field.ty.to_string(), field.presence.as_str().to_string()];
    if let Some(length) = field.length {
        facts.push(format!("length {length}"));
    }
    if let Some(scale) = field.scale {
        facts.push(format!("scale {scale}"));
    }
    if field.key {
        facts.push("key".into());
    }
    if let Some(values) = &field.values {
        facts.push(format!("values {}", values.0.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>().join(", ")));
    }
    facts.join(", ")
}

// ---- positions: LSP counts UTF-16 code units ----

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn offset_of(text: &str, position: &Json) -> usize {
    let line = position["line"].as_u64().unwrap_or(0) as usize;
    let character = position["character"].as_u64().unwrap_or(0) as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn position(text: &str, offset: usize) -> Json {
    let offset = offset.min(text.len());
    let start = line_start(text, offset);
    let line = text[..start].matches('\n').count();
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn range(text: &str, start: usize, end: usize) -> Json {
    json!({"start": position(text, start), "end": position(text, end)})
}

fn whole_range(text: &str) -> Json {
    range(text, 0, text.len())
}

fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let start = offset - text[..offset].chars().rev().take_while(|c| ident(*c)).map(char::len_utf8).sum::<usize>();
    let end = offset + text[offset..].chars().take_while(|c| ident(*c)).map(char::len_utf8).sum::<usize>();
    (start < end).then_some((start, end))
}

fn uri_path(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap_or(uri).replace("%20", " "))
}

fn path_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

