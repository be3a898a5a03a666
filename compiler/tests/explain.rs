//! The code registry: codes are unique, each is documented in `lang-spec/codes/CODE.md` with a wrong
//! and a right example, and the examples do what they say (the wrong one produces the code, the right
//! one checks clean of errors).

use std::collections::HashSet;
use std::path::Path;

use mapc::diagnostics::codes::{documented, explanation, find};
use mapc::diagnostics::{Severity, CODES};
use mapc::driver::check_text;
use mapc::schema::Registry;

/// Codes whose examples need more than one file, or a file that is not text: shown as ```text.
const NOT_RUNNABLE: &[&str] = &["E002", "E118"];

#[test]
fn codes_are_unique_and_documented() {
    let mut seen = HashSet::new();
    for code in CODES {
        assert!(seen.insert(code.code), "{} is registered twice", code.code);
        let prefix = if code.severity == Severity::Error { 'E' } else { 'W' };
        assert!(code.code.starts_with(prefix), "{}: the letter says the severity", code.code);
        assert!(explanation(code).is_some(), "{} has no lang-spec/codes/{}.md", code.code, code.code);
    }
    for doc in documented() {
        assert!(find(doc).is_some(), "lang-spec/codes/{doc}.md documents no registered code");
    }
}

/// The ```map blocks under a `## Wrong` or `## Right` heading.
fn examples(doc: &str, heading: &str) -> Vec<String> {
    let Some((_, after)) = doc.split_once(&format!("## {heading}")) else { return Vec::new() };
    let section = after.split("\n## ").next().unwrap_or("");
    section.split("```map\n").skip(1).filter_map(|block| block.split_once("```").map(|(code, _)| code.to_string())).collect()
}

#[test]
fn examples_do_what_they_say() {
    let registry = Registry::embedded();
    let mut problems = Vec::new();
    for code in CODES {
        let doc = explanation(code).unwrap_or("");
        let (wrong, right) = (examples(doc, "Wrong"), examples(doc, "Right"));
        if NOT_RUNNABLE.contains(&code.code) {
            continue;
        }
        if wrong.is_empty() || right.is_empty() {
            problems.push(format!("{}: needs a ```map example under both `## Wrong` and `## Right`", code.code));
            continue;
        }
        let path = Path::new("explain").join(format!("{}.map", code.code));
        for example in &wrong {
            let report = check_text(&path, example, &registry);
            if !report.diagnostics.iter().any(|d| d.code == *code) {
                let got: Vec<&str> = report.diagnostics.iter().map(|d| d.code.code).collect();
                problems.push(format!("{}: the wrong example does not produce it (got {got:?}):\n{example}", code.code));
            }
        }
        for example in &right {
            let report = check_text(&path, example, &registry);
            let bad: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == *code || d.severity() == Severity::Error)
                .map(|d| format!("{} {}", d.code.code, d.message))
                .collect();
            if !bad.is_empty() {
                problems.push(format!("{}: the right example is not clean: {bad:?}\n{example}", code.code));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
