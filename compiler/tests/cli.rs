//! The `mapc schema` commands as a user runs them.

use std::process::{Command, Output};

fn mapc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc")).args(args).output().expect("mapc runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn line<'a>(text: &'a str, field: &str) -> &'a str {
    text.lines().find(|l| l.split_whitespace().next() == Some(field)).unwrap_or_else(|| panic!("no line for {field} in\n{text}"))
}

#[test]
fn show_lists_every_sop_header_element_in_xsd_order() {
    let output = mapc(&["schema", "show", "econnect.taSopHdrIvcInsert"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let fields: Vec<&str> = text.lines().skip(1).map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(fields.len(), 115);
    assert_eq!(&fields[..4], ["SOPTYPE", "DOCID", "SOPNUMBE", "ORIGNUMB"]);
    let sopnumbe = line(&text, "SOPNUMBE");
    assert!(sopnumbe.contains("string") && sopnumbe.contains("required") && sopnumbe.contains("length=21"), "{sopnumbe}");
    assert!(sopnumbe.split_whitespace().any(|w| w == "key"), "{sopnumbe}");
    let custnmbr = line(&text, "CUSTNMBR");
    assert!(custnmbr.contains("length=15") && custnmbr.split_whitespace().any(|w| w == "key"), "{custnmbr}");
    assert!(line(&text, "SOPTYPE").contains("3=Invoice"));
    assert!(line(&text, "FREIGHT").contains("scale=5") && line(&text, "FREIGHT").contains("default=\"0\""));
    assert!(line(&text, "DOCDATE").contains("date"));
}

#[test]
fn show_expands_id_keyed_order_rows_with_decimal_text_money() {
    let text = stdout(&mapc(&["schema", "show", "brightpearl.Order"]));
    assert!(line(&text, "orderRows").contains("keyed<brightpearl.OrderRow>"), "{text}");
    let net = line(&text, "orderRows.<id>.rowValue.rowNet.value");
    assert!(net.contains("decimal_text"), "{net}");
    assert!(line(&text, "orderRows.<id>.quantity.magnitude").contains("decimal_text"));
    assert!(line(&text, "placedOn").contains("datetime"));
}

#[test]
fn list_names_the_types_of_every_system() {
    let text = stdout(&mapc(&["schema", "list"]));
    for ty in ["brightpearl.Order", "brightpearl.Contact", "econnect.SOPTransactionType", "econnect.eConnect", "gp.ItemSiteQuantity"] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{ty} "))), "{ty} missing from\n{text}");
    }
    let gp = stdout(&mapc(&["schema", "list", "--system", "gp"]));
    assert!(gp.lines().count() >= 3 && gp.lines().all(|l| l.starts_with("gp.")), "{gp}");
}

#[test]
fn errors_and_usage_have_their_exit_codes() {
    let missing = mapc(&["schema", "show", "econnect.taSopHdrIvcInsrt"]);
    assert_eq!(missing.status.code(), Some(1));
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(message.contains("did you mean `econnect.taSopHdrIvcInsert`"), "{message}");
    assert_eq!(mapc(&["schema", "show"]).status.code(), Some(2));
    assert_eq!(mapc(&["schema", "frobnicate"]).status.code(), Some(2));
}

#[test]
fn schemas_folder_overrides_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shop")).unwrap();
    std::fs::write(dir.path().join("shop/Sale.yaml"), "name: Sale\nkind: resource\nfields:\n  - {name: total, type: decimal_text, presence: required}\n").unwrap();
    let path = dir.path().to_str().unwrap();
    let text = stdout(&mapc(&["--schemas", path, "schema", "show", "shop.Sale"]));
    assert!(line(&text, "total").contains("decimal_text"), "{text}");
    assert_eq!(mapc(&["--schemas", path, "schema", "show", "brightpearl.Order"]).status.code(), Some(1));
}

#[test]
fn import_xsd_writes_one_file_per_type() {
    let dir = tempfile::tempdir().unwrap();
    let xsd = dir.path().join("mini.xsd");
    std::fs::write(
        &xsd,
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="eConnect" type="eConnectType" />
  <xs:complexType name="eConnectType"><xs:sequence>
    <xs:element minOccurs="0" maxOccurs="unbounded" name="T" type="T" />
  </xs:sequence></xs:complexType>
  <xs:complexType name="T"><xs:sequence>
    <xs:element minOccurs="1" maxOccurs="1" name="node" nillable="true" type="node" />
  </xs:sequence></xs:complexType>
  <xs:complexType name="node"><xs:sequence>
    <xs:element minOccurs="1" maxOccurs="1" name="ID" type="xs:string" />
  </xs:sequence></xs:complexType>
</xs:schema>"#,
    )
    .unwrap();
    let overlay = dir.path().join("overlay.yaml");
    std::fs::write(&overlay, "nodes: {node: {ID: {length: 9, key: true}}}\n").unwrap();
    let out = dir.path().join("out/mini");
    let status = mapc(&["schema", "import-xsd", xsd.to_str().unwrap(), "--overlay", overlay.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["T.yaml", "eConnect.yaml", "node.yaml"]);
    let text = stdout(&mapc(&["--schemas", dir.path().join("out").to_str().unwrap(), "schema", "show", "mini.node"]));
    assert!(line(&text, "ID").contains("length=9"), "{text}");

    std::fs::write(&overlay, "nodes: {node: {IDX: {length: 9}}}\n").unwrap();
    let bad = mapc(&["schema", "import-xsd", xsd.to_str().unwrap(), "--overlay", overlay.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`node` has no element `IDX`"));
}

// ---- mapc check and mapc explain ----

fn workspace() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc")).arg("check").args(args).current_dir(dir).output().expect("mapc runs")
}

fn sales_order() -> String {
    std::fs::read_to_string(workspace().join("mappings/sales_order.map")).unwrap()
}

fn json_diagnostics(output: &Output) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("--format json prints one JSON value");
    value.as_array().expect("one array").clone()
}

#[test]
fn the_library_checks_clean_by_default() {
    let output = check_in(&workspace(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 errors"), "{stderr}");
    let json = check_in(&workspace(), &["mappings/", "--format", "json"]);
    assert_eq!(json_diagnostics(&json).iter().filter(|d| d["severity"] == "error").count(), 0);
}

#[test]
fn a_misspelt_target_is_reported_at_its_line_with_the_right_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = sales_order();
    let line = text.lines().position(|l| l.trim_end().ends_with("-> SOPNUMBE")).unwrap() + 1;
    std::fs::write(dir.path().join("sales_order.map"), text.replacen("-> SOPNUMBE\n", "-> SOPNUMBER\n", 1)).unwrap();
    let output = check_in(dir.path(), &["sales_order.map", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let diagnostics = json_diagnostics(&output);
    let misspelt = diagnostics.iter().find(|d| d["code"] == "E101").expect("an unknown-target error");
    assert_eq!(misspelt["line"], line);
    let column = text.lines().nth(line - 1).unwrap().find("SOPNUMBE").unwrap() + 1;
    assert_eq!(misspelt["column"], column);
    assert_eq!(misspelt["end_column"], column + "SOPNUMBER".len());
    assert!(misspelt["help"].as_str().unwrap().contains("SOPNUMBE"), "{misspelt}");
    for key in ["code", "severity", "file", "line", "column", "end_line", "end_column", "message", "help"] {
        assert!(misspelt.get(key).is_some(), "{key} missing from {misspelt}");
    }
}

#[test]
fn deleting_the_customer_statements_names_custnmbr_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = sales_order().lines().filter(|l| !l.contains("-> CUSTNMBR")).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("sales_order.map"), text).unwrap();
    let output = check_in(dir.path(), &["sales_order.map"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E103]") && stderr.contains("missing required field CUSTNMBR"), "{stderr}");
    let github = check_in(dir.path(), &["sales_order.map", "--format", "github"]);
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(text.lines().all(|l| l.starts_with("::error file=sales_order.map,line=")), "{text}");
    assert!(text.contains("title=E103 "), "{text}");
}

#[test]
fn files_that_are_not_mappings_are_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("binary.map"), b"mapping \x00\x01\x02 binary").unwrap();
    std::fs::write(dir.path().join("latin1.map"), b"# caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("huge.map"), "# padding\n".repeat(120_000)).unwrap();
    let text = sales_order();
    // Cut just inside the header block: an unclosed brace, whatever the file's layout.
    let cut = text.find("taSopHdrIvcInsert {").map(|i| i + "taSopHdrIvcInsert {".len()).unwrap_or(text.len() / 2);
    std::fs::write(dir.path().join("truncated.map"), &text[..cut]).unwrap();
    std::fs::write(dir.path().join("nested.map"), format!("mapping x from brightpearl.Order to econnect.taSopHdrIvcInsert\nkey {}id{}\n", "(".repeat(5000), ")".repeat(5000))).unwrap();
    let output = check_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let diagnostics = json_diagnostics(&output);
    let code_of = |file: &str| -> Vec<String> {
        diagnostics.iter().filter(|d| d["file"].as_str().unwrap().ends_with(file)).map(|d| d["code"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(code_of("binary.map"), ["E002"]);
    assert_eq!(code_of("latin1.map"), ["E002"]);
    assert_eq!(code_of("huge.map"), ["E002"]);
    assert_eq!(code_of("truncated.map"), ["E001"]);
    assert_eq!(code_of("nested.map"), ["E001"]);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(check_in(dir.path(), &["missing.map"]).status.code(), Some(2));
    assert_eq!(check_in(dir.path(), &["--format", "xml"]).status.code(), Some(2));
    assert_eq!(mapc(&["explain", "E999"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_long_explanation() {
    let output = mapc(&["explain", "E107"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("# E107") && text.contains("## Wrong") && text.contains("## Right"), "{text}");
    assert_eq!(stdout(&mapc(&["explain", "w109"])).lines().next().map(|l| l.starts_with("# W109")), Some(true));
}
