//! The data-driven checker cases in `tests/check/`: one mapping a file, with the diagnostics it must
//! produce written beside the lines they point at, as `# expect: E101` (several: `# expect: E101, E103`).
//! A file without `expect` comments must check clean of errors and warnings. The human rendering of
//! every case is an insta snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mapc::diagnostics::render_human;
use mapc::driver::check_files;
use mapc::schema::Registry;

/// (file, line) -> codes expected there, from the `# expect:` comments of every file the case read.
fn expectations(files: &mapc::diagnostics::Files) -> BTreeMap<(String, usize), Vec<String>> {
    let mut expected = BTreeMap::new();
    for (_, file) in files.iter() {
        for (i, line) in file.text.lines().enumerate() {
            if let Some((_, comment)) = line.split_once("# expect:") {
                let codes: Vec<String> = comment.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                expected.entry((file.path.clone(), i + 1)).or_insert_with(Vec::new).extend(codes);
            }
        }
    }
    for codes in expected.values_mut() {
        codes.sort();
    }
    expected
}

#[test]
fn checker_cases() {
    let registry = Registry::embedded();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut count = 0;
    insta::glob!("check/*.map", |path| {
        count += 1;
        let relative: PathBuf = path.strip_prefix(&root).unwrap_or(path).to_path_buf();
        let report = check_files(std::slice::from_ref(&relative), &registry);
        let mut actual: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
        for d in &report.diagnostics {
            let (line, _) = report.files.line_column(d.primary.file, d.primary.span.start);
            actual.entry((report.files.get(d.primary.file).path.clone(), line)).or_default().push(d.code.code.to_string());
        }
        for codes in actual.values_mut() {
            codes.sort();
        }
        let rendered = render_human(&report.files, &report.diagnostics, false);
        if actual != expectations(&report.files) {
            failures.push(format!(
                "{}\n  expected: {:?}\n  actual:   {:?}\n{rendered}",
                relative.display(),
                expectations(&report.files),
                actual
            ));
        }
        insta::assert_snapshot!(if rendered.is_empty() { "clean\n".to_string() } else { rendered });
    });
    assert!(count > 0, "no cases found");
    assert!(failures.is_empty(), "{} case(s) differ from their expectations:\n\n{}", failures.len(), failures.join("\n"));
}

/// Every code has at least one case that produces it and one clean case that exercises its rule.
#[test]
fn every_code_has_a_failing_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check");
    let mut texts = String::new();
    for entry in walk(&dir) {
        texts.push_str(&std::fs::read_to_string(entry).unwrap());
    }
    let missing: Vec<&str> = mapc::diagnostics::CODES
        .iter()
        .map(|c| c.code)
        .filter(|code| !texts.contains(&format!("expect: {code}")) && !texts.lines().any(|l| l.contains("# expect:") && l.contains(code)))
        .filter(|code| *code != "E002") // needs a binary file; covered by the CLI tests
        .collect();
    assert!(missing.is_empty(), "codes without a failing case in tests/check: {missing:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "map") {
            out.push(path);
        }
    }
    out
}
