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

/// A small deterministic generator (splitmix64), so the property test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random but valid mapping into the SOP header: the required fields, then optional ones chosen
/// at random, with random spacing, blank lines and comments.
fn generated_program(rng: &mut Rng) -> String {
    let required = [
        "3 -> SOPTYPE",
        "doc_id -> DOCID",
        "\"BP\" + text(id) -> SOPNUMBE",
        "date(placedOn) -> DOCDATE",
        "customer_numbers(parties.billing.contactId) ?? \"C\" + text(parties.billing.contactId) -> CUSTNMBR",
        "\"B\" -> BACHNUMB",
    ];
    let optional = [
        "truncate(parties.delivery.addressLine1, 60) -> ADDRESS1",
        "round(sum([r.rowValue.rowNet.value for r in orderRows where r.nominalCode != \"4040\"]), 5) -> SUBTOTAL",
        "sum([r.rowValue.rowTax.value for r in orderRows]) -> TAXAMNT",
        "match orderTypeCode { \"SO\" => 0, \"SC\" | \"PC\" => 1, _ => 2 } -> ORIGTYPE",
        "if present(closedOn) { date(closedOn!) } else { date(placedOn) } -> ReqShipDate",
        "truncate(kinds(orderTypeCode), 20) -> CSTPONBR",
        "round(to_decimal(reference) ?? 0, 2) * 2 + -1 -> MISCAMNT",
        "label(reference) -> CUSTNAME",
    ];
    let comment = |rng: &mut Rng| ["# why", "# a note: -> is not code here", "#", "# \"quoted\""][rng.below(4)].to_string();
    let space = |rng: &mut Rng, text: &str| -> String {
        match rng.below(3) {
            0 => text.replace(" -> ", "->").replace(", ", ","),
            1 => text.replace(" + ", "  +  ").replace("(", "( "),
            _ => text.to_string(),
        }
    };
    let mut lines = vec![
        "mapping generated from brightpearl.Order to econnect.taSopHdrIvcInsert".to_string(),
        "param doc_id: string(15) = \"STDINV\"".to_string(),
        "lookup customer_numbers: int64 -> string(15) optional".to_string(),
        "table kinds { \"SO\" => \"sale\", _ => \"other\" }".to_string(),
        "fn label(text_in: string) = truncate(upper(text_in), 64)".to_string(),
        "key id".to_string(),
    ];
    let mut statements: Vec<&str> = required.to_vec();
    for extra in optional {
        if rng.below(2) == 0 {
            statements.push(extra);
        }
    }
    for _ in 0..statements.len() {
        let (a, b) = (rng.below(statements.len()), rng.below(statements.len()));
        statements.swap(a, b);
    }
    for statement in statements {
        if rng.below(4) == 0 {
            lines.push(String::new());
        }
        if rng.below(4) == 0 {
            lines.push(format!("{}{}", " ".repeat(rng.below(6)), comment(rng)));
        }
        let mut line = format!("{}{}", "\t".repeat(rng.below(2)), space(rng, statement));
        if rng.below(3) == 0 {
            line = format!("{line}{}{}", " ".repeat(1 + rng.below(4)), comment(rng));
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

#[test]
fn generated_programs_keep_their_meaning_and_comments() {
    let registry = Registry::embedded();
    let mut rng = Rng(2026);
    for case in 0..60 {
        let text = generated_program(&mut rng);
        let (report, before) = build_text(Path::new("generated.map"), &text, &registry);
        let Some(Ok(before)) = before else {
            panic!("case {case} does not build:\n{}\n{}", text, mapc::diagnostics::render_human(&report.files, &report.diagnostics, false));
        };
        let formatted = format(&text).unwrap();
        assert_eq!(format(&formatted).unwrap(), formatted, "case {case}: not idempotent");
        assert_eq!(comments(&text), comments(&formatted), "case {case}: comments");
        let after = build_text(Path::new("generated.map"), &formatted, &registry).1.unwrap().unwrap();
        assert_eq!(before.to_json(), after.to_json(), "case {case}:\n{text}\n---\n{formatted}");
    }
}
