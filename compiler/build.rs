//! Embeds the schema files of `../schemas/<system>/*.yaml` so that `mapc` works standalone.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    if let Ok(systems) = fs::read_dir(&root) {
        for system in systems.flatten().filter(|e| e.path().is_dir()) {
            println!("cargo:rerun-if-changed={}", system.path().display());
            for file in fs::read_dir(system.path()).expect("a readable schema folder").flatten() {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                    let system = system.file_name().to_string_lossy().into_owned();
                    entries.push((system, stem, path.canonicalize().unwrap()));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from("pub static EMBEDDED: &[(&str, &str, &str)] = &[\n");
    for (system, name, path) in &entries {
        writeln!(out, "    ({system:?}, {name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_schemas.rs"), out).unwrap();
    embed_code_docs();
}

/// Embeds `../lang-spec/codes/*.md`, the long explanations `mapc explain` prints.
fn embed_code_docs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lang-spec/codes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut docs = Vec::new();
    if let Ok(entries) = fs::read_dir(&dir) {
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_some_and(|e| e == "md") {
                println!("cargo:rerun-if-changed={}", path.display());
                docs.push((path.file_stem().unwrap().to_string_lossy().into_owned(), path.canonicalize().unwrap()));
            }
        }
    }
    docs.sort();
    let mut out = String::from("pub static CODE_DOCS: &[(&str, &str)] = &[\n");
    for (code, path) in &docs {
        writeln!(out, "    ({code:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("code_docs.rs"), out).unwrap();
}
