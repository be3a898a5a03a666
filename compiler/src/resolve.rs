//! Resolve, first half: reading a mapping file and every file it `use`s, once each, refusing what
//! cannot be a mapping (binary, not UTF-8, too large) and reporting cycles.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{codes, Diagnostic, FileId, Files};
use crate::syntax::{self, ast::*};

/// Larger files are refused unread: no mapping comes near it, and it bounds memory and time.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// A parsed file: its id in [`Files`] and its syntax tree.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub file: FileId,
    pub module: Arc<Module>,
}

/// Reads and parses files, each once; shared by every file one `mapc check` run looks at.
#[derive(Default)]
pub struct Loader {
    pub files: Files,
    parsed: HashMap<PathBuf, Result<Parsed, ()>>,
}

/// A mapping file with the files it uses, dependencies first, the file itself last.
pub struct Unit {
    pub modules: Vec<Parsed>,
}

impl Unit {
    pub fn main(&self) -> &Parsed {
        self.modules.last().expect("a unit holds its own file")
    }
}

impl Loader {
    /// Loads a file given on the command line (or by an editor) and everything it uses.
    pub fn unit(&mut self, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Unit> {
        let main = self.parse_path(path, None, diagnostics).ok()?;
        let mut modules = Vec::new();
        let mut stack = vec![canonical(path)];
        self.collect_uses(&main, path, &mut stack, &mut modules, diagnostics);
        modules.push(main);
        Some(Unit { modules })
    }

    /// Loads text that is not (or not yet) on disk, such as an editor buffer.
    pub fn unit_from_text(&mut self, path: &Path, text: String, diagnostics: &mut Vec<Diagnostic>) -> Option<Unit> {
        let file = self.files.add(path.display().to_string(), without_bom(text));
        let main = match syntax::parse(file, &self.files.get(file).text) {
            Ok(module) => Parsed { file, module: Arc::new(module) },
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
        let mut modules = Vec::new();
        self.collect_uses(&main, path, &mut vec![canonical(path)], &mut modules, diagnostics);
        modules.push(main);
        Some(Unit { modules })
    }

    fn collect_uses(&mut self, parsed: &Parsed, path: &Path, stack: &mut Vec<PathBuf>, out: &mut Vec<Parsed>, diagnostics: &mut Vec<Diagnostic>) {
        let base = path.parent().unwrap_or(Path::new(""));
        for item in &parsed.module.items {
            let Item::Use(decl) = item else { continue };
            let used = base.join(&decl.path.value);
            let key = canonical(&used);
            if let Some(at) = stack.iter().position(|p| *p == key) {
                let chain: Vec<String> = stack[at..].iter().chain([&key]).map(|p| file_name(p)).collect();
                diagnostics.push(
                    Diagnostic::new(&codes::IMPORT_CYCLE, parsed.file, decl.span, format!("`{}` uses itself: {}", decl.path.value, chain.join(" -> ")))
                        .label("this use closes the cycle")
                        .help("move what both files need into a third file that neither uses back"),
                );
                continue;
            }
            if out.iter().any(|p| self.files.get(p.file).path == used.display().to_string()) {
                continue;
            }
            if let Ok(child) = self.parse_path(&used, Some((parsed.file, decl)), diagnostics) {
                stack.push(key);
                self.collect_uses(&child, &used, stack, out, diagnostics);
                stack.pop();
                if !out.iter().any(|p| p.file == child.file) {
                    out.push(child);
                }
            }
        }
    }

    /// Reads and parses one file; `used_by` is the `use` that named it, for the error's location.
    fn parse_path(&mut self, path: &Path, used_by: Option<(FileId, &UseDecl)>, diagnostics: &mut Vec<Diagnostic>) -> Result<Parsed, ()> {
        let key = canonical(path);
        if let Some(done) = self.parsed.get(&key) {
            return done.clone();
        }
        let result = match read(path) {
            Ok(text) => {
                let file = self.files.add(path.display().to_string(), text);
                match syntax::parse(file, &self.files.get(file).text) {
                    Ok(module) => Ok(Parsed { file, module: Arc::new(module) }),
                    Err(d) => {
                        diagnostics.push(d);
                        Err(())
                    }
                }
            }
            Err(message) => {
                diagnostics.push(match used_by {
                    Some((file, decl)) => Diagnostic::new(&codes::USE_NOT_FOUND, file, decl.path.span, format!("cannot use `{}`: {message}", decl.path.value))
                        .label("used here")
                        .help("paths in `use` are relative to the file that uses them"),
                    None => {
                        let file = self.files.add(path.display().to_string(), String::new());
                        Diagnostic::new(&codes::UNREADABLE_FILE, file, Span::default(), format!("{}: {message}", path.display()))
                    }
                });
                Err(())
            }
        };
        self.parsed.insert(key, result.clone());
        result
    }
}

/// The text of a file that can be a mapping, or why it cannot.
fn read(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("is a folder".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("is {} bytes; mapping files are limited to {MAX_FILE_BYTES}", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("is UTF-16 text; save it as UTF-8".into());
    }
    if bytes.contains(&0) {
        return Err("is a binary file, not a mapping".into());
    }
    let text = String::from_utf8(bytes).map_err(|e| format!("is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))?;
    Ok(without_bom(text))
}

/// Editors on Windows often start UTF-8 files with a byte-order mark; it carries no meaning.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}
