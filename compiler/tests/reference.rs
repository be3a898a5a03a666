//! Every ```map example of the language reference (`lang-spec/README.md`) checks as the reference says:
//! a line marked `# error: E107` (or `# warning: W109`) gets exactly those codes, every other line none.
//!
//! A block whose first line is `# Fragment: <where>` is wrapped into a mapping first: "at the top level of
//! a mapping from brightpearl.Order/Contact ...", "inside taSopHdrIvcInsert { }", "inside a for block",
//! or "a library". Blocks whose first line is `# File: PATH (set NAME)` are written together as the
//! files of one folder, so `use` between them resolves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mapc::driver::check_files;
use mapc::schema::Registry;

fn blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line == "```map" {
            let body: Vec<&str> = lines.by_ref().map(|(_, l)| l).take_while(|l| *l != "```").collect();
            out.push((i + 2, body.join("\n") + "\n"));
        }
    }
    out
}

/// Line (1-based, within the block) -> the codes its annotation names.
fn expected(body: &str) -> BTreeMap<usize, Vec<String>> {
    let mut out = BTreeMap::new();
    for (i, line) in body.lines().enumerate() {
        for marker in ["# error:", "# warning:", "# error ", "# warning "] {
            if let Some((_, rest)) = line.split_once(marker) {
                let mut codes: Vec<String> = rest
                    .split(',')
                    .map(|c| c.trim().chars().take(4).collect::<String>())
                    .filter(|c| c.len() == 4 && (c.starts_with('E') || c.starts_with('W')))
                    .collect();
                if !codes.is_empty() {
                    codes.sort();
                    out.insert(i + 1, codes);
                    break;
                }
            }
        }
    }
    out
}

/// The wrapping a fragment needs: (text before, text after).
fn wrapping(first: &str, body: &str) -> (String, String) {
    let low = first.to_lowercase();
    if low.contains("library") {
        return (String::new(), String::new());
    }
    let (header, key) = if low.contains("contact") {
        ("mapping example from brightpearl.Contact to econnect.RMCustomerMasterType\n", "key contactId\n")
    } else {
        ("mapping example from brightpearl.Order to econnect.SOPTransactionType\n", "key id\n")
    };
    let has_key = body.lines().any(|l| l.starts_with("key "));
    let mut before = format!("{header}{}", if has_key { "" } else { key });
    let mut after = String::new();
    if first.contains("inside taSopHdrIvcInsert") {
        before.push_str("taSopHdrIvcInsert {\n");
        after.push_str("}\n");
    } else if first.contains("inside a for block") {
        before.push_str("for row, i in orderRows -> taSopLineIvcInsert_Items {\n");
        after.push_str("}\n");
    }
    (before, after)
}

fn check(path: &Path, body: &str, offset: usize, fragment: bool, registry: &Registry) -> Result<(), String> {
    let report = check_files(&[path.to_path_buf()], registry);
    let lines = body.lines().count();
    let mut got: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in &report.diagnostics {
        if report.files.get(d.primary.file).path != path.display().to_string() {
            continue;
        }
        let (line, _) = report.files.line_column(d.primary.file, d.primary.span.start);
        let line = line as isize - offset as isize;
        if fragment && (d.code.code == "W120" || (d.code.code == "E103" && (line < 1 || line > lines as isize))) {
            continue;
        }
        if line < 1 || line > lines as isize {
            return Err(format!("{} {} in the wrapping", d.code.code, d.message));
        }
        got.entry(line as usize).or_default().push(d.code.code.to_string());
    }
    for codes in got.values_mut() {
        codes.sort();
    }
    let want = expected(body);
    if got == want {
        Ok(())
    } else {
        Err(format!("expected {want:?}, got {got:?}"))
    }
}

#[test]
fn every_example_of_the_reference_checks_as_documented() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lang-spec/README.md");
    let text = std::fs::read_to_string(readme).unwrap();
    let registry = Registry::embedded();
    let dir = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut sets: BTreeMap<String, Vec<(PathBuf, String, usize)>> = BTreeMap::new();
    let all = blocks(&text);
    assert!(all.len() > 30, "{} examples", all.len());
    for (n, (line, body)) in all.iter().enumerate() {
        let first = body.lines().next().unwrap_or("");
        if let Some(rest) = first.strip_prefix("# File: ") {
            let file = rest.split_whitespace().next().unwrap();
            let set = rest.split("(set ").nth(1).map(|s| s.trim_end_matches(')').to_string()).unwrap_or_else(|| format!("block{n}"));
            sets.entry(set.clone()).or_default().push((dir.path().join(&set).join(file), body.clone(), *line));
            continue;
        }
        let fragment = first.to_lowercase().starts_with("# fragment");
        let (before, after) = if fragment { wrapping(first, body) } else { (String::new(), String::new()) };
        let path = dir.path().join(format!("block{n}.map"));
        std::fs::write(&path, format!("{before}{body}{after}")).unwrap();
        if let Err(e) = check(&path, body, before.lines().count(), fragment, &registry) {
            problems.push(format!("README line {line}: {e}"));
        }
    }
    for files in sets.values() {
        for (path, body, _) in files {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        for (path, body, line) in files {
            if let Err(e) = check(path, body, 0, false, &registry) {
                problems.push(format!("README line {line}: {e}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
