//! `mapc fmt`: idempotent, comments kept, the meaning (IR) unchanged, a mangled layout restored.

use std::path::{Path, PathBuf};
use std::process::Command;

use mapc::driver::{build_text, mapping_files};
use mapc::fmt::format;
use mapc::schema::Registry;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every .map file of the repository that parses: the library and the checker's cases.
fn files() -> Vec<(PathBuf, String)> {
    mapping_files(&[root().join("mappings"), root().join("compiler/tests/check")])
        .unwrap()
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .filter(|(_, text)| format(text).is_ok())
        .collect()
}

fn comments(text: &str) -> Vec<String> {
    mapc::syntax::comments(text).into_iter().map(|c| c.text.trim_end().to_string()).collect()
}

#[test]
fn formatting_is_idempotent_and_keeps_every_comment() {
    let files = files();
    assert!(files.len() > 100, "{} files", files.len());
    for (path, text) in &files {
        let once = format(text).unwrap();
        let twice = format(&once).unwrap_or_else(|d| panic!("{}: the formatted text does not parse: {}", path.display(), d.message));
        assert_eq!(once, twice, "{}: formatting twice changes the text", path.display());
        assert_eq!(comments(text), comments(&once), "{}: comments lost or moved out of order", path.display());
    }
}

#[test]
fn the_ir_of_a_formatted_file_is_the_ir_of_the_original() {
    let registry = Registry::embedded();
    let mut built = 0;
    for (path, text) in files() {
        let before = build_text(&path, &text, &registry).1;
        let Some(Ok(before)) = before else { continue };
        let formatted = format(&text).unwrap();
        let after = build_text(&path, &formatted, &registry).1;
        let Some(Ok(after)) = after else { panic!("{}: the formatted file no longer builds", path.display()) };
        assert_eq!(before.to_json(), after.to_json(), "{}", path.display());
        built += 1;
    }
    assert!(built >= 5, "only {built} files built");
}

#[test]
fn the_library_is_formatted_and_a_mangled_copy_comes_back() {
    for path in mapping_files(&[root().join("mappings")]).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(format(&text).unwrap(), text, "{} is not formatted: run `mapc fmt mappings/`", path.display());
        let mangled: String = text
            .lines()
            .map(|line| {
                let code_end = line.find('#').unwrap_or(line.len());
                let (code, comment) = line.split_at(code_end);
                // Other indentation, no spaces around arrows and after commas, spaces inside brackets.
                let code = code.trim_start().replace(" -> ", "->").replace(", ", ",").replace('(', "( ").replace(')', " )");
                let code = if code.contains('"') { line[..code_end].trim_start().to_string() } else { code };
                format!("\t {code}{}{comment}\n", if comment.is_empty() { "" } else { "   " })
            })
            .collect::<String>()
            .replace("\n\n", "\n\n\n");
        assert_ne!(mangled, text);
        assert_eq!(format(&mangled).unwrap(), text, "{}: formatting the mangled copy", path.display());
    }
}

#[test]
fn fmt_check_names_the_files_that_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let good = "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\n\nkey id  # the order id\n";
    std::fs::write(dir.path().join("good.map"), good).unwrap();
    std::fs::write(dir.path().join("bad.map"), "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\nkey   id # the order id\n").unwrap();
    let mapc = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_mapc")).arg("fmt").args(args).current_dir(dir.path()).output().unwrap();
    let check = mapc(&[".", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "./bad.map");
    assert_eq!(mapc(&["."]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.path().join("bad.map")).unwrap(), "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\nkey id  # the order id\n");
    assert_eq!(mapc(&[".", "--check"]).status.code(), Some(0));
    std::fs::write(dir.path().join("broken.map"), "mapping t from\n").unwrap();
    assert_eq!(mapc(&["broken.map"]).status.code(), Some(1));
}
