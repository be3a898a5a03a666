//! `mapc build` + `maprun apply` as a user runs them, on the real Brightpearl orders: documents that
//! Microsoft's eConnect.xsd accepts, exact totals, escaping, failures reported per record.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use e2e::{binary, shared, validate_against_xsd, workspace, xmllint};
use serde_json::Value;

fn build_sales_order(dir: &Path) -> PathBuf {
    let out = dir.join("so.mir");
    let status = Command::new(binary("mapc", "mapc"))
        .args(["build", "mappings/sales_order.map", "-o"])
        .arg(&out)
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    out
}

fn apply(mir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(binary("maprun", "maprun"))
        .arg("apply")
        .arg(mir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.unwrap_or("").to_string();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = pipe.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stderr_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stderr).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

fn summary(output: &Output) -> (u64, u64, u64) {
    let last = stderr_lines(output).pop().expect("a summary line");
    let s = &last["summary"];
    (s["ok"].as_u64().unwrap(), s["failed"].as_u64().unwrap(), s["skipped"].as_u64().unwrap())
}

/// The text of every `<NAME>` element in a document, in order.
fn elements(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    xml.split(&open).skip(1).filter_map(|rest| rest.split_once(&close).map(|(t, _)| t.to_string())).collect()
}

fn real_order(shared: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(shared.join("fixtures/brightpearl").join(file)).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["response"][0].clone()
}

#[test]
fn the_invoiced_order_becomes_a_document_the_xsd_accepts() {
    let Some(shared) = shared("sales_order.map on the real invoiced order") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let out = dir.path().join("out");
    let input = shared.join("fixtures/brightpearl/order_get_so_invoiced.json");
    let output = apply(&mir, &["--input", input.to_str().unwrap(), "--out-dir", out.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(summary(&output), (1, 0, 0));
    assert!(output.stdout.is_empty(), "--out-dir writes only the documents");
    let document = out.join("1.xml");
    let xml = std::fs::read_to_string(&document).unwrap();
    insta::assert_snapshot!("invoiced_order", xml);
    if xmllint() {
        validate_against_xsd(&document, &shared).unwrap();
    }
}

#[test]
fn totals_equal_the_rows_exactly_and_every_real_order_validates() {
    let Some(shared) = shared("sales_order.map totals on the real orders") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    for file in ["order_get_so_invoiced.json", "order_get_so_with_custom_fields.json"] {
        let input = shared.join("fixtures/brightpearl").join(file);
        let output = apply(&mir, &["--input", input.to_str().unwrap()], None);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&output.stderr));
        let xml = String::from_utf8(output.stdout.clone()).unwrap();
        let order = real_order(&shared, file);
        let dec = |s: &str| maprun::value::parse_decimal(s).unwrap();
        let rows = order["orderRows"].as_object().unwrap();
        let net = rows.values().map(|r| dec(r["rowValue"]["rowNet"]["value"].as_str().unwrap())).fold(dec("0"), |a, b| a + b);
        let tax = rows.values().map(|r| dec(r["rowValue"]["rowTax"]["value"].as_str().unwrap())).fold(dec("0"), |a, b| a + b);
        let header = elements(&xml, "taSopHdrIvcInsert").pop().unwrap();
        let one = |name: &str| dec(&elements(&header, name)[0]);
        assert_eq!(one("SUBTOTAL") + one("FREIGHT"), net, "{file}");
        assert_eq!(one("TAXAMNT"), tax, "{file}");
        assert_eq!(one("DOCAMNT"), net + tax, "{file}");
        let line_total = elements(&xml, "XTNDPRCE").iter().map(|v| dec(v)).fold(dec("0"), |a, b| a + b);
        assert_eq!(line_total, one("SUBTOTAL"), "{file}: SUBTOTAL is the sum of the lines");
        if xmllint() {
            let path = dir.path().join(format!("{file}.xml"));
            std::fs::write(&path, &xml).unwrap();
            validate_against_xsd(&path, &shared).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
}

/// A JSON-lines stream of the real order under different ids, with `change` applied to some.
fn stream(shared: &Path, ids: &[i64], change: impl Fn(i64, &mut Value)) -> String {
    let base = real_order(shared, "order_get_so_invoiced.json");
    ids.iter()
        .map(|id| {
            let mut order = base.clone();
            order["id"] = Value::from(*id);
            change(*id, &mut order);
            format!("{}\n", serde_json::to_string(&order).unwrap())
        })
        .collect()
}

#[test]
fn a_bad_record_is_reported_and_the_good_ones_are_written() {
    let Some(shared) = shared("a malformed money string among good orders") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let input = stream(&shared, &[10, 11, 12], |id, order| {
        if id == 11 {
            order["orderRows"]["1"]["rowValue"]["rowNet"]["value"] = Value::from("9,0909");
        }
    });
    let output = apply(&mir, &["--input", "-"], Some(&format!("{input}{{\"id\": \n")));
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(elements(&xml, "SOPNUMBE").iter().filter(|n| n.starts_with("BP1")).count(), 4, "two documents, each number in header and line");
    assert!(xml.contains("<SOPNUMBE>BP10</SOPNUMBE>") && xml.contains("<SOPNUMBE>BP12</SOPNUMBE>") && !xml.contains("BP11"));
    let lines = stderr_lines(&output);
    let bad = lines.iter().find(|l| l["key"] == "11").expect("the bad record is named by its key");
    assert_eq!(bad["class"], "validation");
    assert_eq!(bad["mapping"], "sales_order");
    assert!(bad["message"].as_str().unwrap().contains("9,0909"), "{bad}");
    assert!(lines.iter().any(|l| l["key"].is_null() && l["message"].as_str().is_some_and(|m| m.contains("malformed JSON"))));
    assert_eq!(summary(&output), (2, 2, 0));
    if xmllint() {
        let path = dir.path().join("good.xml");
        std::fs::write(&path, &xml).unwrap();
        validate_against_xsd(&path, &shared).unwrap();
    }
}

#[test]
fn text_is_escaped_and_kept_or_replaced_by_code_page() {
    let Some(shared) = shared("escaping of names") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let name = "Smith & <Sons> \"Ltd\" 'Café' Ørsted 😀";
    let input = stream(&shared, &[5], |_, order| order["parties"]["customer"]["companyName"] = Value::from(name));
    let unicode = apply(&mir, &["--input", "-", "--gp-code-page", "unicode"], Some(&input));
    assert_eq!(unicode.status.code(), Some(0));
    let xml = String::from_utf8(unicode.stdout).unwrap();
    let custname = &elements(&xml, "CUSTNAME")[0];
    assert_eq!(custname, "Smith &amp; &lt;Sons&gt; \"Ltd\" 'Café' Ørsted 😀");
    let unescaped = custname.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    assert_eq!(unescaped, name, "the text round-trips");
    let replaced = apply(&mir, &["--input", "-"], Some(&input));
    let xml = String::from_utf8(replaced.stdout).unwrap();
    assert!(elements(&xml, "CUSTNAME")[0].ends_with("'Café' Ørsted ?"), "Windows-1252 holds é and Ø but not the emoji");
    let rejected = apply(&mir, &["--input", "-", "--gp-unmappable", "reject"], Some(&input));
    assert_eq!(rejected.status.code(), Some(1));
    let failure = &stderr_lines(&rejected)[0];
    assert_eq!((failure["class"].as_str(), failure["key"].as_str()), (Some("validation"), Some("5")));
    if xmllint() {
        let path = dir.path().join("names.xml");
        std::fs::write(&path, &xml).unwrap();
        validate_against_xsd(&path, &shared).unwrap();
    }
    let control = stream(&shared, &[6], |_, order| order["parties"]["customer"]["companyName"] = Value::from("bell\u{7}"));
    let output = apply(&mir, &["--input", "-"], Some(&control));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_lines(&output)[0]["message"].as_str().unwrap().contains("U+0007"));
}

#[test]
fn load_errors_stop_before_any_record_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let order = "{\"id\": 1}\n";
    let bad = |args: &[&str]| {
        let output = apply(&mir, args, Some(order));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    assert!(bad(&["--input", "-", "--param", "sop_type=4"]).contains("not one of"));
    assert!(bad(&["--input", "-", "--param", "nope=1"]).contains("no param `nope`"));
    assert!(bad(&["--input", "-", "--param", "doc_id=ABCDEFGHIJKLMNOPQRSTU"]).contains("at most 15"));
    assert!(bad(&["--input", "-", "--lookup", "customer_numbers=/nonexistent.csv"]).contains("nonexistent"));
    assert!(bad(&["--input", "/nonexistent.json"]).contains("nonexistent"));
    let text = std::fs::read_to_string(&mir).unwrap().replacen("\"ir_version\": 1", "\"ir_version\": 2", 1);
    let other = dir.path().join("v2.mir");
    std::fs::write(&other, text).unwrap();
    let output = apply(&other, &["--input", "-"], Some(order));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("version 2"));
}

#[test]
fn params_and_lookups_change_the_document() {
    let Some(shared) = shared("params and lookups") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let lookup = dir.path().join("customers.csv");
    std::fs::write(&lookup, "key,value\n200,ACME-0001\n").unwrap();
    let input = stream(&shared, &[8], |_, _| {});
    let output = apply(&mir, &["--input", "-", "--param", "sop_type=2", "--param", "doc_id=STDORD", "--lookup", &format!("customer_numbers={}", lookup.display())], Some(&input));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(elements(&xml, "SOPTYPE").iter().all(|t| t == "2"));
    assert_eq!(elements(&xml, "DOCID"), ["STDORD"]);
    assert!(elements(&xml, "CUSTNMBR").iter().all(|c| c == "ACME-0001"));
    let freight = apply(&mir, &["--input", "-", "--param", "freight_nominal_codes=4000"], Some(&input));
    let xml = String::from_utf8(freight.stdout).unwrap();
    assert!(elements(&xml, "taSopLineIvcInsert").is_empty(), "the only row is freight now");
    assert_eq!(elements(&xml, "FREIGHT"), ["9.0909"]);
}

#[test]
fn a_stream_of_orders_is_mapped_record_by_record() {
    let Some(shared) = shared("a stream of orders") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let ids: Vec<i64> = (1..=3000).collect();
    let output = apply(&mir, &["--input", "-"], Some(&stream(&shared, &ids, |_, _| {})));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(summary(&output), (3000, 0, 0));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert_eq!(elements(&xml, "SOPTransactionType").len(), 3000);
    assert!(xml.starts_with("<?xml") && xml.trim_end().ends_with("</eConnect>"));
}

#[test]
fn the_readme_example_order_is_a_valid_brightpearl_order() {
    let text = std::fs::read_to_string(workspace().join("docs/examples/sales-order.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let registry = mapc::schema::Registry::embedded();
    let ty = mapc::schema::parse::parse_type_expr("list<brightpearl.Order>", "brightpearl", None).unwrap();
    let violations = mapc::schema::validate::validate(&registry, &ty, &value["response"]).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn brightpearl_targets_are_written_as_json_lines_and_skips_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("order_status.map");
    std::fs::write(
        &map,
        "mapping order_status from gp.SopDocumentStatus to brightpearl.OrderStatusUpdateRequest\n\
         key SOPNUMBE\n\
         table statuses { 0 => 4, 1 => 5 }\n\
         skip if VOIDSTTS == 1\n\
         statuses(POSTED) -> orderStatusId\n\
         orderNote {\n    \"Posted in GP as \" + SOPNUMBE + \" for \" + text(DOCAMNT) -> text\n    false -> isPublic\n}\n",
    )
    .unwrap();
    let mir = dir.path().join("order_status.mir");
    let built = Command::new(binary("mapc", "mapc")).arg("build").arg(&map).arg("-o").arg(&mir).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let row = |number: &str, posted: i64, void: i64| {
        format!(
            "{{\"SOPTYPE\":3,\"SOPNUMBE\":\"{number}\",\"ORIGTYPE\":0,\"ORIGNUMB\":\"\",\"DOCID\":\"STDINV\",\"DOCDATE\":\"2026-11-20\",\
             \"CUSTNMBR\":\"C1\",\"CSTPONBR\":\"\",\"DOCAMNT\":94.66000,\"VOIDSTTS\":{void},\"MODIFDT\":\"2026-11-21\",\"POSTED\":{posted}}}\n"
        )
    };
    let input = format!("{}{}{}", row("BP1", 1, 0), row("BP2", 0, 1), row("BP3", 0, 0));
    let output = apply(&mir, &["--input", "-"], Some(&input));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = String::from_utf8(output.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].to_string(), r#"{"orderStatusId":5,"orderNote":{"text":"Posted in GP as BP1 for 94.66","isPublic":false}}"#);
    assert_eq!(lines[1]["orderStatusId"], 4);
    assert_eq!(summary(&output), (2, 0, 1));
}

#[test]
fn every_standard_mapping_runs_with_no_params_or_lookups() {
    let registry = mapc::schema::Registry::embedded();
    let files = mapc::driver::mapping_files(&[workspace().join("mappings")]).unwrap();
    let mut mappings = 0;
    for file in files.iter().filter(|f| !f.components().any(|c| c.as_os_str() == "lib")) {
        let (report, program) = mapc::driver::build_file(file, &registry);
        let program = match program {
            Some(Ok(program)) => program,
            _ => panic!("{} does not build:\n{}", file.display(), mapc::diagnostics::render_human(&report.files, &report.diagnostics, false)),
        };
        maprun::env::build(&program, &[], &[]).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        mappings += 1;
    }
    assert!(mappings >= 5, "{mappings} mappings");
}

#[test]
fn an_array_of_orders_on_one_line_is_every_order() {
    let Some(shared) = shared("an array of orders on one line") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = build_sales_order(dir.path());
    let orders: Vec<Value> = [21, 22].iter().map(|id| {
        let mut order = real_order(&shared, "order_get_so_invoiced.json");
        order["id"] = Value::from(*id);
        order
    }).collect();
    let output = apply(&mir, &["--input", "-"], Some(&format!("{}\n", Value::Array(orders))));
    assert_eq!(summary(&output), (2, 0, 0));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.contains("<SOPNUMBE>BP21</SOPNUMBE>") && xml.contains("<SOPNUMBE>BP22</SOPNUMBE>"));
}

#[test]
fn a_customer_payment_search_response_is_read_row_by_row() {
    let Some(shared) = shared("the real customer payment search") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mir = dir.path().join("payment.mir");
    let built = Command::new(binary("mapc", "mapc")).args(["build", "mappings/customer_payment.map", "-o"]).arg(&mir).current_dir(workspace()).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let lookup = dir.path().join("order_customers.json");
    std::fs::write(&lookup, r#"{"1081505": 207}"#).unwrap();
    let input = shared.join("fixtures/brightpearl/customer_payment_search.json");
    let output = apply(&mir, &["--input", input.to_str().unwrap(), "--lookup", &format!("order_customers={}", lookup.display())], None);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(summary(&output), (1, 0, 0));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert_eq!(elements(&xml, "DOCNUMBR"), ["BPP935253"]);
    assert_eq!(elements(&xml, "ORTRXAMT"), ["100"]);
    if xmllint() {
        let path = dir.path().join("receipt.xml");
        std::fs::write(&path, &xml).unwrap();
        validate_against_xsd(&path, &shared).unwrap();
    }
}
