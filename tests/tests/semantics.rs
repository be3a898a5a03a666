//! The run-time meaning of each construct: small mappings compiled with `mapc` and run by `maprun` on
//! hand-made records, asserting the values written.

use e2e::compile;
use maprun::exec::{Class, Env, Out, OutNode, Outcome, Scalar};
use maprun::ir::Program;
use serde_json::{json, Value};

/// A mapping straight into the SOP header node, with the required fields written by the prelude so
/// each test writes only what it is about.
fn header(body: &str) -> Program {
    compile(&format!(
        "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\nkey id\n\
         3 -> SOPTYPE\n\"STDINV\" -> DOCID\n\"BP\" + text(id) -> SOPNUMBE\ndate(placedOn) -> DOCDATE\n\
         \"C\" + text(parties.billing.contactId) -> CUSTNMBR\n\"B\" -> BACHNUMB\n{body}\n"
    ))
}

/// A minimal sales order: what the header prelude reads, plus `extra` merged in.
fn order(extra: Value) -> Value {
    let mut order = json!({
        "id": 7, "placedOn": "2020-03-31T23:30:00.000-06:00", "reference": "R-1", "orderTypeCode": "SO",
        "parties": {"billing": {"contactId": 200}}, "orderRows": {}
    });
    if let (Value::Object(base), Value::Object(more)) = (&mut order, extra) {
        base.extend(more);
    }
    order
}

fn run(program: &Program, input: &Value) -> Outcome<'static> {
    Env::new(program, program.params.iter().map(|p| maprun::exec::const_value(p.default.as_ref().unwrap())).collect(), vec![None; program.lookups.len()])
        .run(input)
}

/// The text each field of the root node was written as.
fn written(program: &Program, input: &Value) -> Vec<(String, String)> {
    match run(program, input) {
        Outcome::Written { document, .. } => fields(program, &document),
        other => panic!("not written: {other:?}"),
    }
}

fn fields(program: &Program, node: &OutNode) -> Vec<(String, String)> {
    let layout = &program.target.nodes[node.node as usize];
    layout
        .fields
        .iter()
        .zip(&node.fields)
        .filter_map(|(f, v)| match v {
            Out::Scalar(s) => Some((f.name.clone(), scalar(s))),
            _ => None,
        })
        .collect()
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => s.to_string(),
        Scalar::Int(n) => n.to_string(),
        Scalar::Dec(d) => maprun::value::format_decimal(d),
        Scalar::Date(d) => d.to_string(),
        other => format!("{other:?}"),
    }
}

fn field(program: &Program, input: &Value, name: &str) -> String {
    written(program, input).into_iter().find(|(f, _)| f == name).map(|(_, v)| v).unwrap_or_else(|| panic!("{name} not written"))
}

#[test]
fn rounding_is_half_away_from_zero_at_the_ties() {
    let program = header("round(to_decimal(reference) ?? 0, 2) -> FREIGHT");
    for (text, rounded) in [("2.345", "2.35"), ("-2.345", "-2.35"), ("2.344", "2.34"), ("1.005", "1.01"), ("0.125", "0.13"), ("7", "7")] {
        assert_eq!(field(&program, &order(json!({"reference": text})), "FREIGHT"), rounded, "{text}");
    }
    let program = header("round(to_decimal(reference) ?? 0, 0) -> MISCAMNT");
    assert_eq!(field(&program, &order(json!({"reference": "2.5"})), "MISCAMNT"), "3");
    assert_eq!(field(&program, &order(json!({"reference": "-2.5"})), "MISCAMNT"), "-3");
}

#[test]
fn decimals_are_exact() {
    // 0.1 + 0.2 is 0.3 exactly; in binary floating point it is not.
    let program = header("round(to_decimal(reference) ?? 0, 5) + 0.2 -> FREIGHT");
    assert_eq!(field(&program, &order(json!({"reference": "0.1"})), "FREIGHT"), "0.3");
}

#[test]
fn dates_are_taken_in_their_own_offset() {
    // 23:30 at -06:00 is already the next day in UTC; the document date is the local one.
    let program = header("");
    assert_eq!(field(&program, &order(json!({})), "DOCDATE"), "2020-03-31");
    let program = header("date(closedOn ?? placedOn) -> ReqShipDate");
    assert_eq!(field(&program, &order(json!({"closedOn": "2020-04-01T00:10:00.000+13:00"})), "ReqShipDate"), "2020-04-01");
}

#[test]
fn coalesce_takes_the_fallback_only_when_absent_or_failed() {
    let program = header("truncate(parties.delivery.country ?? \"none\", 60) -> COUNTRY\nround(to_decimal(reference) ?? 1, 5) -> MISCAMNT");
    let with = order(json!({"parties": {"billing": {"contactId": 200}, "delivery": {"country": "Iceland"}}, "reference": "x"}));
    assert_eq!(field(&program, &with, "COUNTRY"), "Iceland");
    assert_eq!(field(&program, &with, "MISCAMNT"), "1", "a failed parse takes the fallback");
    let without_country = order(json!({"parties": {"billing": {"contactId": 200}, "delivery": {}}}));
    assert_eq!(field(&program, &without_country, "COUNTRY"), "none");
    // `??` never hides malformed input: `delivery` is required, so its absence fails the record.
    assert!(matches!(run(&program, &order(json!({}))), Outcome::Failed { .. }));
}

#[test]
fn match_and_tables_choose_by_value() {
    let program = header(
        "table kinds { \"SO\" => \"sale\", \"SC\" | \"PC\" => \"credit\", _ => \"other\" }\n\
         kinds(orderTypeCode) -> CSTPONBR\n\
         match orderTypeCode { \"SO\" => 1, \"SC\" => 2, _ => 0 } -> ORIGTYPE",
    );
    assert_eq!(field(&program, &order(json!({"orderTypeCode": "SO"})), "CSTPONBR"), "sale");
    assert_eq!(field(&program, &order(json!({"orderTypeCode": "PC"})), "CSTPONBR"), "credit");
    assert_eq!(field(&program, &order(json!({"orderTypeCode": "PO"})), "CSTPONBR"), "other");
    assert_eq!(field(&program, &order(json!({"orderTypeCode": "SC"})), "ORIGTYPE"), "2");
    assert_eq!(field(&program, &order(json!({"orderTypeCode": "PO"})), "ORIGTYPE"), "0");
}

fn row(id_net: &str, tax: &str, sku: &str) -> Value {
    json!({"productSku": sku, "productName": sku, "quantity": {"magnitude": "2.0000"}, "nominalCode": "4000",
           "rowValue": {"rowNet": {"value": id_net}, "rowTax": {"value": tax}}})
}

#[test]
fn aggregations_over_empty_collections() {
    let program = header(
        "sum([r.rowValue.rowNet.value for r in orderRows]) -> SUBTOTAL\n\
         count(orderRows) -> MISCAMNT\n\
         truncate(first([r.productSku ?? \"\" for r in orderRows]) ?? \"none\", 20) -> CSTPONBR\n\
         truncate(join([r.productSku ?? \"\" for r in orderRows], \",\"), 64) -> CUSTNAME",
    );
    let empty = written(&program, &order(json!({})));
    assert!(empty.contains(&("SUBTOTAL".into(), "0".into())));
    assert!(empty.contains(&("MISCAMNT".into(), "0".into())));
    assert!(empty.contains(&("CSTPONBR".into(), "none".into())));
    assert!(empty.contains(&("CUSTNAME".into(), "".into())));
    let two = order(json!({"orderRows": {"5": row("1.5000", "0.10", "A"), "40": row("2.2500", "0.20", "B")}}));
    let got = written(&program, &two);
    assert!(got.contains(&("SUBTOTAL".into(), "3.75".into())), "{got:?}");
    assert!(got.contains(&("MISCAMNT".into(), "2".into())));
    assert!(got.contains(&("CUSTNAME".into(), "A,B".into())));
}

/// The SOP lines a sales-order mapping writes: (LNITMSEQ, ITEMNMBR) in document order.
fn lines(text: &str, input: &Value) -> Vec<(String, String)> {
    let program = compile(text);
    let Outcome::Written { document, .. } = run(&program, input) else { panic!("not written") };
    let Out::List(entries) = &document.fields[0] else { panic!("no lines: {document:?}") };
    entries
        .iter()
        .map(|e| {
            let f = fields(&program, e);
            let get = |n: &str| f.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
            (get("LNITMSEQ"), get("ITEMNMBR"))
        })
        .collect()
}

const LINES: &str = "mapping t from brightpearl.Order to econnect.SOPTransactionType\nkey id\n\
    for row, i in orderRows -> taSopLineIvcInsert_Items {\n  3 -> SOPTYPE\n  \"BP\" + text(id) -> SOPNUMBE\n  \"C1\" -> CUSTNMBR\n\
    date(placedOn) -> DOCDATE\n  row.productSku ?? \"X\" -> ITEMNMBR\n  row.quantity.magnitude -> QUANTITY\n  i * 16384 -> LNITMSEQ\n}\n";

#[test]
fn rows_go_in_ascending_id_order_whatever_their_length() {
    let input = order(json!({"orderRows": {"100": row("1", "0", "C"), "9": row("1", "0", "A"), "12": row("1", "0", "B"), "0099": row("1", "0", "Z")}}));
    let got = lines(LINES, &input);
    assert_eq!(got.iter().map(|(_, sku)| sku.as_str()).collect::<Vec<_>>(), ["A", "B", "Z", "C"]);
    assert_eq!(got.iter().map(|(seq, _)| seq.as_str()).collect::<Vec<_>>(), ["16384", "32768", "49152", "65536"]);
}

#[test]
fn positions_run_across_several_for_blocks_and_key_is_the_row_id() {
    let text = LINES.replace("row.productSku ?? \"X\" -> ITEMNMBR", "\"R\" + $key -> ITEMNMBR")
        + "for row, i in orderRows where row.nominalCode == \"4000\" -> taSopLineIvcInsert_Items {\n  3 -> SOPTYPE\n  \"BP\" + text(id) -> SOPNUMBE\n  \"C1\" -> CUSTNMBR\n  date(placedOn) -> DOCDATE\n  \"AGAIN\" + $key -> ITEMNMBR\n  row.quantity.magnitude -> QUANTITY\n  i * 16384 -> LNITMSEQ\n}\n";
    let input = order(json!({"orderRows": {"3": row("1", "0", "a"), "21": row("1", "0", "b")}}));
    let got = lines(&text, &input);
    let expected = [("16384", "R3"), ("32768", "R21"), ("49152", "AGAIN3"), ("65536", "AGAIN21")];
    assert_eq!(got, expected.map(|(a, b)| (a.to_string(), b.to_string())));
}

#[test]
fn failures_have_their_classes() {
    let program = compile(
        "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\nlookup customers: int64 -> string(15)\nkey id\n\
         require orderTypeCode == \"SO\" else \"only sales orders\"\n3 -> SOPTYPE\n\"STDINV\" -> DOCID\n\
         \"BPSO-\" + text(id) -> SOPNUMBE\ndate(placedOn) -> DOCDATE\ncustomers(parties.billing.contactId) -> CUSTNMBR\n\"B\" -> BACHNUMB\n\
         totalValue.net -> SUBTOTAL\n",
    );
    let env = Env::new(&program, vec![], vec![Some(std::collections::HashMap::from([("200".to_string(), maprun::value::Value::Str("CUST200".into()))]))]);
    let good = order(json!({"totalValue": {"net": "9.09"}}));
    assert!(matches!(env.run(&good), Outcome::Written { .. }));
    let failure = |input: Value| match env.run(&input) {
        Outcome::Failed { failure, key } => (failure.class, failure.message, key),
        other => panic!("{other:?}"),
    };
    let (class, message, key) = failure(order(json!({"totalValue": {"net": "9,09"}})));
    assert_eq!((class, key.as_deref()), (Class::Validation, Some("7")));
    assert!(message.contains("not a decimal"), "{message}");
    let (class, message, _) = failure(order(json!({"orderTypeCode": "PO", "totalValue": {"net": "1"}})));
    assert_eq!((class, message.as_str()), (Class::Validation, "only sales orders"));
    let (class, message, _) = failure(order(json!({"parties": {"billing": {"contactId": 201}}, "totalValue": {"net": "1"}})));
    assert_eq!(class, Class::Business);
    assert!(message.contains("customers") && message.contains("201"), "{message}");
    let (class, message, _) = failure(order(json!({"id": 1234567890123456789_i64, "totalValue": {"net": "1"}})));
    assert_eq!(class, Class::Validation, "an over-long key fails, never cut");
    assert!(message.contains("21"), "{message}");
}

#[test]
fn a_document_of_several_mappings_keeps_econnect_type_order() {
    let customer = compile(
        "mapping customer from brightpearl.Contact to econnect.RMCustomerMasterType\nkey contactId\n\
         taUpdateCreateCustomerRcd {\n  \"C\" + text(contactId) -> CUSTNMBR\n  truncate(firstName + \" \" + lastName, 64) -> CUSTNAME\n}\n",
    );
    let order_program = compile(LINES);
    let contact = json!({"contactId": 200, "firstName": "Ann", "lastName": "Lee & Co"});
    let order_record = order(json!({"orderRows": {"1": row("1", "0", "A")}}));
    let Outcome::Written { document: c, .. } = run(&customer, &contact) else { panic!() };
    let Outcome::Written { document: o, .. } = run(&order_program, &order_record) else { panic!() };
    let xml = maprun::writers::econnect::combined_document(&[(&order_program, &o), (&customer, &c)], Default::default()).unwrap();
    let (customer_at, order_at) = (xml.find("<RMCustomerMasterType>").unwrap(), xml.find("<SOPTransactionType>").unwrap());
    assert!(customer_at < order_at, "RMCustomerMasterType comes before SOPTransactionType in eConnectType:\n{xml}");
    assert!(xml.contains("<CUSTNAME>Ann Lee &amp; Co</CUSTNAME>"));
    if let Some(shared) = e2e::shared("the combined document against the XSD") {
        if e2e::xmllint() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("combined.xml");
            std::fs::write(&path, &xml).unwrap();
            e2e::validate_against_xsd(&path, &shared).unwrap();
        }
    }
}

#[test]
fn a_let_that_fails_fails_only_where_it_is_read_unhandled() {
    let program = header("let amount = to_decimal(reference)\nround(amount ?? 0, 2) -> FREIGHT");
    assert_eq!(field(&program, &order(json!({"reference": "not a number"})), "FREIGHT"), "0");
    assert_eq!(field(&program, &order(json!({"reference": "12.345"})), "FREIGHT"), "12.35");
    let program = header("let amount = to_decimal(reference)\nround(amount!, 2) -> FREIGHT");
    assert!(matches!(run(&program, &order(json!({"reference": "x"}))), Outcome::Failed { .. }));
}

#[test]
fn a_date_param_defaults_from_its_text() {
    let program = compile(
        "mapping t from brightpearl.Order to econnect.taSopHdrIvcInsert\nparam cutover: date = \"2024-01-31\"\nkey id\n\
         3 -> SOPTYPE\n\"STDINV\" -> DOCID\n\"BP\" + text(id) -> SOPNUMBE\ncutover -> DOCDATE\n\"C1\" -> CUSTNMBR\n\"B\" -> BACHNUMB\n",
    );
    let env = maprun::env::build(&program, &[], &[]).unwrap();
    let Outcome::Written { document, .. } = env.run(&order(json!({}))) else { panic!() };
    assert!(fields(&program, &document).contains(&("DOCDATE".to_string(), "2024-01-31".to_string())));
    let env = maprun::env::build(&program, &[("cutover".into(), "2025-02-28".into())], &[]).unwrap();
    let Outcome::Written { document, .. } = env.run(&order(json!({}))) else { panic!() };
    assert!(fields(&program, &document).contains(&("DOCDATE".to_string(), "2025-02-28".to_string())));
}
