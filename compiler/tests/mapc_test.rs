//! `mapc test` on a small mapping with cases of every kind, passing and failing.

use std::path::Path;
use std::process::{Command, Output};

fn mapc_test(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc")).arg("test").args(args).current_dir(dir).output().unwrap()
}

const MAPPING: &str = "mapping status from gp.SopDocumentStatus to brightpearl.OrderStatusUpdateRequest
lookup status_ids: int16 -> int64 optional
key SOPNUMBE
skip if VOIDSTTS == 1
require DOCAMNT >= 0 else business \"negative documents are reviewed by hand\"
(status_ids(POSTED) ?? (if POSTED == 1 { 5 } else { 4 })) -> orderStatusId
orderNote {
    \"GP \" + SOPNUMBE -> text
}
";

fn case(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join("tests/status").join(format!("{name}.yaml")), text).unwrap();
}

const ROW: &str = "{SOPTYPE: 3, SOPNUMBE: BP1, ORIGTYPE: 0, ORIGNUMB: \"\", DOCID: STDINV, DOCDATE: \"2026-11-20\", CUSTNMBR: C1, CSTPONBR: \"\", DOCAMNT: 10.5, VOIDSTTS: 0, MODIFDT: \"2026-11-21\", POSTED: 1}";

#[test]
fn cases_pass_fail_and_update() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tests/status")).unwrap();
    std::fs::write(dir.path().join("status.map"), MAPPING).unwrap();
    case(dir.path(), "posted", &format!("input: {ROW}\nexpect:\n  output: {{file: posted.json}}\n  asserts:\n    orderStatusId: 5\n    text: GP BP1\n"));
    case(dir.path(), "lookup", &format!("input: {ROW}\nlookups:\n  status_ids:\n    1: 9\nexpect:\n  asserts:\n    orderStatusId: 9\n"));
    case(dir.path(), "void", &format!("input: {}\nexpect:\n  skip: true\n", ROW.replace("VOIDSTTS: 0", "VOIDSTTS: 1")));
    case(dir.path(), "negative", &format!("input: {}\nexpect:\n  error: {{class: business, message_contains: reviewed by hand}}\n", ROW.replace("10.5", "-1")));

    // Before --update the expected output file is missing: that case fails and says how to write it.
    let first = mapc_test(dir.path(), &["."]);
    let text = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  status/posted") && text.contains("--update"), "{text}");
    assert_eq!(text.lines().last(), Some("3 passed, 1 failed"));

    let update = mapc_test(dir.path(), &[".", "--update"]);
    assert_eq!(update.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("tests/status/posted.json")).unwrap();
    assert_eq!(written.trim(), r#"{"orderStatusId":5,"orderNote":{"text":"GP BP1"}}"#);
    let again = mapc_test(dir.path(), &[]).status.code();
    assert_eq!(again, Some(2), "without a path mapc test looks in mappings/, which is not there");
    let ok = mapc_test(dir.path(), &["."]);
    assert_eq!(String::from_utf8_lossy(&ok.stdout).lines().last(), Some("4 passed, 0 failed"));

    // A changed expectation fails with a readable difference; asserts are never rewritten.
    std::fs::write(dir.path().join("tests/status/posted.json"), r#"{"orderStatusId":6,"orderNote":{"text":"GP BP1"}}"#).unwrap();
    case(dir.path(), "lookup", &format!("input: {ROW}\nlookups:\n  status_ids:\n    1: 9\nexpect:\n  asserts:\n    orderStatusId: 8\n"));
    let failed = mapc_test(dir.path(), &["."]);
    let text = String::from_utf8_lossy(&failed.stdout);
    assert!(text.contains("orderStatusId: expected \"6\", found \"5\""), "{text}");
    assert!(text.contains("assert orderStatusId: expected \"8\", found \"9\""), "{text}");
    assert_eq!(text.lines().last(), Some("2 passed, 2 failed"));
    let filtered = mapc_test(dir.path(), &[".", "--filter", "status/void"]);
    assert_eq!(String::from_utf8_lossy(&filtered.stdout).lines().last(), Some("1 passed, 0 failed"));
    mapc_test(dir.path(), &[".", "--update", "--filter", "lookup"]);
    let text = std::fs::read_to_string(dir.path().join("tests/status/lookup.yaml")).unwrap();
    assert!(text.contains("orderStatusId: 8"), "--update leaves asserts alone");
}

#[test]
fn a_case_of_a_mapping_that_does_not_check_fails_with_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tests/status")).unwrap();
    std::fs::write(dir.path().join("status.map"), MAPPING.replace("-> orderStatusId", "-> orderStatus")).unwrap();
    case(dir.path(), "posted", &format!("input: {ROW}\nexpect:\n  skip: true\n"));
    let output = mapc_test(dir.path(), &["."]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("E101"), "{text}");
    assert_eq!(text.lines().last(), Some("0 passed, 1 failed"));
}
