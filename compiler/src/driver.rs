//! `mapc check`: finds the mapping files, checks each with the files it uses, and gathers the
//! diagnostics in a stable order, each reported once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::check::check_unit;
use crate::diagnostics::{self, Diagnostic, Files, Severity};
use crate::resolve::Loader;
use crate::schema::Registry;

pub struct Report {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    /// How many `.map` files were checked.
    pub checked: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity() == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity() == Severity::Warning).count()
    }
}

/// Every `.map` file under the given paths (folders are searched recursively), sorted.
pub fn mapping_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut found).map_err(|e| format!("{}: {e}", path.display()))?;
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "map") {
            found.push(path);
        }
    }
    Ok(())
}

/// Stack for parsing and checking. The grammar recurses once per bracket level (at most
/// [`crate::syntax::MAX_NESTING`]) and the checker once per expression level (at most 200); a debug build
/// needs more than a default thread's stack for the deepest input allowed, so the work runs on a
/// thread of its own. The memory is reserved, not used, unless an input is that deep.
const STACK_BYTES: usize = 256 << 20;

pub(crate) fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("mapc-check".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .expect("a thread for checking")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Checks files; each diagnostic appears once even when several mappings use the same file.
pub fn check_files(files: &[PathBuf], registry: &Registry) -> Report {
    on_big_stack(|| check_files_here(files, registry))
}

fn check_files_here(files: &[PathBuf], registry: &Registry) -> Report {
    let mut loader = Loader::default();
    let mut diagnostics = Vec::new();
    for path in files {
        let mut found = Vec::new();
        if let Some(unit) = loader.unit(path, &mut found) {
            found.extend(check_unit(&unit, &loader.files, registry));
        }
        diagnostics.extend(found);
    }
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.primary.file, d.primary.span, d.code.code, d.message.clone())));
    diagnostics::sort(&mut diagnostics);
    Report { files: loader.files, diagnostics, checked: files.len() }
}

/// Checks a mapping and, when it has no errors, lowers it to the IR. The report carries every
/// diagnostic either way (warnings do not stop a build).
pub fn build_file(path: &Path, registry: &Registry) -> (Report, Option<Result<maprun::ir::Program, String>>) {
    build(path, None, registry)
}

/// [`build_file`] for text that is not on disk.
pub fn build_text(path: &Path, text: &str, registry: &Registry) -> (Report, Option<Result<maprun::ir::Program, String>>) {
    build(path, Some(text), registry)
}

fn build(path: &Path, text: Option<&str>, registry: &Registry) -> (Report, Option<Result<maprun::ir::Program, String>>) {
    on_big_stack(|| {
        let mut loader = Loader::default();
        let mut diagnostics = Vec::new();
        let unit = match text {
            Some(text) => loader.unit_from_text(path, text.to_string(), &mut diagnostics),
            None => loader.unit(path, &mut diagnostics),
        };
        let mut program = None;
        if let Some(unit) = unit {
            let (found, resolutions) = crate::check::check_unit_resolved(&unit, &loader.files, registry);
            diagnostics.extend(found);
            if !diagnostics.iter().any(|d| d.severity() == Severity::Error) {
                program = Some(crate::lower::lower(&unit, registry, &resolutions));
            }
        }
        diagnostics::sort(&mut diagnostics);
        (Report { files: loader.files, diagnostics, checked: 1 }, program)
    })
}

/// Checks text that is not on disk (an editor buffer, a test case), as if it lived at `path`.
pub fn check_text(path: &Path, text: &str, registry: &Registry) -> Report {
    on_big_stack(|| check_text_here(path, text, registry))
}

fn check_text_here(path: &Path, text: &str, registry: &Registry) -> Report {
    let mut loader = Loader::default();
    let mut diagnostics = Vec::new();
    if let Some(unit) = loader.unit_from_text(path, text.to_string(), &mut diagnostics) {
        diagnostics.extend(check_unit(&unit, &loader.files, registry));
    }
    diagnostics::sort(&mut diagnostics);
    Report { files: loader.files, diagnostics, checked: 1 }
}
