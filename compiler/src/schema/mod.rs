//! System schemas: the model, the loader, JSON validation against a type, and the eConnect XSD import.

pub mod model;
pub mod parse;
pub mod show;
pub mod validate;
pub mod write;
pub mod xsd;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::{fs, io};

pub use model::*;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("no schema type `{ty}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    NotFound { ty: String, suggestion: Option<String> },
    #[error("schema `{ty}` is invalid: {message}")]
    Invalid { ty: String, message: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl SchemaError {
    fn io(path: &Path, e: io::Error) -> Self {
        SchemaError::Io { path: path.display().to_string(), message: e.to_string() }
    }
}

/// Where type files come from.
enum Files {
    /// Compiled into the binary from the repository's `schemas/`.
    Embedded(&'static [(&'static str, &'static str, &'static str)]),
    /// A folder laid out like `schemas/` (`--schemas DIR`).
    Dir(PathBuf),
}

/// The schema types of every system, parsed on first use and kept.
///
/// Loading is per type: a mapping that names three types parses three small files, which keeps the
/// checker cheap enough to run on every keystroke.
pub struct Registry {
    files: Files,
    cache: Mutex<HashMap<TypeName, Arc<TypeDef>>>,
}

impl Registry {
    /// The schemas built into this binary.
    pub fn embedded() -> Self {
        Registry { files: Files::Embedded(embedded::EMBEDDED), cache: Mutex::default() }
    }

    /// The schemas of a folder laid out like `schemas/`.
    pub fn from_dir(dir: impl Into<PathBuf>) -> Result<Self, SchemaError> {
        let dir = dir.into();
        if !dir.is_dir() {
            return Err(SchemaError::Io { path: dir.display().to_string(), message: "not a folder".into() });
        }
        Ok(Registry { files: Files::Dir(dir), cache: Mutex::default() })
    }

    /// Every type name, sorted by system then name.
    pub fn names(&self) -> Result<Vec<TypeName>, SchemaError> {
        let mut names = match &self.files {
            Files::Embedded(files) => files.iter().map(|(s, n, _)| TypeName::new(*s, *n)).collect(),
            Files::Dir(dir) => list_dir(dir)?,
        };
        names.sort();
        Ok(names)
    }

    /// One type, parsed on first use.
    pub fn get(&self, name: &TypeName) -> Result<Arc<TypeDef>, SchemaError> {
        if let Some(def) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(def.clone());
        }
        let text = self.text(name)?;
        let def = Arc::new(parse::parse_type(name, &text)?);
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(name.clone(), def.clone());
        Ok(def)
    }

    /// Parses `system.Name` and loads it.
    pub fn lookup(&self, qualified: &str) -> Result<Arc<TypeDef>, SchemaError> {
        match qualified.split_once('.').and_then(|_| TypeName::parse(qualified, "")) {
            Some(name) => self.get(&name),
            None => Err(SchemaError::NotFound { ty: qualified.into(), suggestion: self.suggest(qualified) }),
        }
    }

    fn text(&self, name: &TypeName) -> Result<std::borrow::Cow<'static, str>, SchemaError> {
        let not_found = || SchemaError::NotFound { ty: name.to_string(), suggestion: self.suggest(&name.to_string()) };
        match &self.files {
            Files::Embedded(files) => files
                .binary_search_by(|(s, n, _)| (*s, *n).cmp(&(name.system.as_str(), name.name.as_str())))
                .map(|i| files[i].2.into())
                .map_err(|_| not_found()),
            Files::Dir(dir) => {
                let path = dir.join(&name.system).join(format!("{}.yaml", name.name));
                match fs::read_to_string(&path) {
                    Ok(text) => Ok(text.into()),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Err(not_found()),
                    Err(e) => Err(SchemaError::io(&path, e)),
                }
            }
        }
    }

    /// The closest existing type name, for did-you-mean help.
    pub fn suggest(&self, wanted: &str) -> Option<String> {
        let names = self.names().ok()?;
        crate::suggest::closest(wanted, names.iter().map(|n| n.to_string()))
    }

    /// Loads every type and checks that each type it names exists: the whole set is consistent.
    pub fn verify(&self) -> Vec<SchemaError> {
        let names = match self.names() {
            Ok(names) => names,
            Err(e) => return vec![e],
        };
        let mut errors = Vec::new();
        for name in &names {
            match self.get(name) {
                Ok(def) => check_references(&def.record, &names, &def.name, &mut errors),
                Err(e) => errors.push(e),
            }
        }
        errors
    }
}

fn check_references(record: &Record, names: &[TypeName], owner: &TypeName, errors: &mut Vec<SchemaError>) {
    fn walk(ty: &Type, field: &str, names: &[TypeName], owner: &TypeName, errors: &mut Vec<SchemaError>) {
        match ty {
            Type::Named(target) if names.binary_search(target).is_err() => errors.push(SchemaError::Invalid {
                ty: owner.to_string(),
                message: format!("field `{field}` names `{target}`, which does not exist"),
            }),
            Type::Record(inner) => check_references(inner, names, owner, errors),
            other => {
                if let Some(element) = other.element() {
                    walk(element, field, names, owner, errors)
                }
            }
        }
    }
    for field in &record.fields {
        walk(&field.ty, &field.name, names, owner, errors);
    }
}

fn list_dir(dir: &Path) -> Result<Vec<TypeName>, SchemaError> {
    let mut names = Vec::new();
    for system in fs::read_dir(dir).map_err(|e| SchemaError::io(dir, e))?.flatten() {
        if !system.path().is_dir() {
            continue;
        }
        let system_name = system.file_name().to_string_lossy().into_owned();
        for file in fs::read_dir(system.path()).map_err(|e| SchemaError::io(&system.path(), e))?.flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "yaml") {
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    names.push(TypeName::new(&system_name, stem));
                }
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, system: &str, name: &str, text: &str) {
        fs::create_dir_all(dir.join(system)).unwrap();
        fs::write(dir.join(system).join(format!("{name}.yaml")), text).unwrap();
    }

    #[test]
    fn loads_lazily_from_a_folder_and_caches() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bp", "Good", "name: Good\nkind: resource\nfields: [{name: id, type: int64}]\n");
        write(dir.path(), "bp", "Broken", "name: Broken\nkind: resource\nfields: [{name: id, type: int64, presence: maybe}]\n");
        let registry = Registry::from_dir(dir.path()).unwrap();
        // A broken file elsewhere does not stop a good type from loading.
        let good = registry.lookup("bp.Good").unwrap();
        assert!(Arc::ptr_eq(&good, &registry.lookup("bp.Good").unwrap()));
        assert!(matches!(registry.lookup("bp.Broken"), Err(SchemaError::Invalid { .. })));
        let missing = registry.lookup("bp.Goood").unwrap_err().to_string();
        assert!(missing.contains("did you mean `bp.Good`"), "{missing}");
        assert_eq!(registry.names().unwrap().len(), 2);
    }

    #[test]
    fn verify_reports_dangling_references() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bp", "A", "name: A\nkind: resource\nfields: [{name: b, type: list<B>}]\n");
        let errors = Registry::from_dir(dir.path()).unwrap().verify();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("`bp.B`"), "{}", errors[0]);
        write(dir.path(), "bp", "B", "name: B\nkind: record\n");
        assert!(Registry::from_dir(dir.path()).unwrap().verify().is_empty());
    }

    #[test]
    fn the_embedded_schemas_are_consistent() {
        let registry = Registry::embedded();
        let errors = registry.verify();
        assert!(errors.is_empty(), "{}", errors.iter().map(|e| format!("{e}\n")).collect::<String>());
    }
}
