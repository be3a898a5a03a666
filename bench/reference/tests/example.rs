//! The reference mapper on the documented example order (docs/examples/sales-order.json, a Brightpearl
//! envelope) and on variations of it, against values worked out by hand from mappings/sales_order.map
//! and the language reference.

use std::io::BufReader;

use serde_json::Value;

fn example() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/sales-order.json");
    std::fs::read_to_string(path).expect("the example order")
}

/// The example's order, alone.
fn example_order() -> Value {
    let envelope: Value = serde_json::from_str(&example()).unwrap();
    envelope["response"][0].clone()
}

/// Runs the mapper; returns stdout and stderr as text.
fn run_with(input: &str, capacity: usize) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    reference_mapper::run(BufReader::with_capacity(capacity, input.as_bytes()), &mut out, &mut err).unwrap();
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn run(input: &str) -> (String, String) {
    run_with(input, 1 << 16)
}

/// The text of every `<NAME>` element, in document order.
fn all(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let end = after.find(&close).expect("closed");
        found.push(after[..end].to_string());
        rest = &after[end..];
    }
    found
}

/// What the example order becomes: worked out by hand from the mapping, in eConnect's element order.
const EXPECTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<eConnect>
  <SOPTransactionType>
    <taSopLineIvcInsert_Items>
      <taSopLineIvcInsert>
        <SOPTYPE>3</SOPTYPE>
        <SOPNUMBE>BP10452</SOPNUMBE>
        <CUSTNMBR>C4102</CUSTNMBR>
        <DOCDATE>2026-11-20</DOCDATE>
        <ITEMNMBR>BOOT-TRL-10</ITEMNMBR>
        <UNITPRCE>64.95</UNITPRCE>
        <XTNDPRCE>64.95</XTNDPRCE>
        <QUANTITY>1</QUANTITY>
        <ITEMDESC>Trail boots, size 10</ITEMDESC>
        <TAXAMNT>5.36</TAXAMNT>
        <LNITMSEQ>16384</LNITMSEQ>
        <CURNCYID>USD</CURNCYID>
      </taSopLineIvcInsert>
      <taSopLineIvcInsert>
        <SOPTYPE>3</SOPTYPE>
        <SOPNUMBE>BP10452</SOPNUMBE>
        <CUSTNMBR>C4102</CUSTNMBR>
        <DOCDATE>2026-11-20</DOCDATE>
        <ITEMNMBR>SOCK-WL-3</ITEMNMBR>
        <UNITPRCE>7.5</UNITPRCE>
        <XTNDPRCE>15</XTNDPRCE>
        <QUANTITY>2</QUANTITY>
        <ITEMDESC>Wool socks (3 pack)</ITEMDESC>
        <TAXAMNT>1.24</TAXAMNT>
        <LNITMSEQ>32768</LNITMSEQ>
        <CURNCYID>USD</CURNCYID>
      </taSopLineIvcInsert>
      <taSopLineIvcInsert>
        <SOPTYPE>3</SOPTYPE>
        <SOPNUMBE>BP10452</SOPNUMBE>
        <CUSTNMBR>C4102</CUSTNMBR>
        <DOCDATE>2026-11-20</DOCDATE>
        <ITEMNMBR>NON-INVENTORY</ITEMNMBR>
        <UNITPRCE>7.5</UNITPRCE>
        <XTNDPRCE>7.5</XTNDPRCE>
        <QUANTITY>1</QUANTITY>
        <ITEMDESC>Ground shipping</ITEMDESC>
        <TAXAMNT>0.61</TAXAMNT>
        <LNITMSEQ>49152</LNITMSEQ>
        <CURNCYID>USD</CURNCYID>
      </taSopLineIvcInsert>
    </taSopLineIvcInsert_Items>
    <taSopHdrIvcInsert>
      <SOPTYPE>3</SOPTYPE>
      <DOCID>STDINV</DOCID>
      <SOPNUMBE>BP10452</SOPNUMBE>
      <TAXAMNT>7.21</TAXAMNT>
      <DOCDATE>2026-11-20</DOCDATE>
      <FREIGHT>0</FREIGHT>
      <CUSTNMBR>C4102</CUSTNMBR>
      <CUSTNAME>Whitfield &amp; Sons &lt;Outdoor&gt;</CUSTNAME>
      <ShipToName>Dana Whitfield</ShipToName>
      <ADDRESS1>1450 Harbor Rd</ADDRESS1>
      <ADDRESS2>Suite 3</ADDRESS2>
      <ADDRESS3></ADDRESS3>
      <CITY>Portland</CITY>
      <STATE>OR</STATE>
      <ZIPCODE>97201</ZIPCODE>
      <COUNTRY>United States</COUNTRY>
      <SUBTOTAL>87.45</SUBTOTAL>
      <DOCAMNT>94.66</DOCAMNT>
      <BACHNUMB>BRIGHTPEARL</BACHNUMB>
      <CURNCYID>USD</CURNCYID>
    </taSopHdrIvcInsert>
  </SOPTransactionType>
</eConnect>
"#;

const OK_1: &str = "{\"summary\":{\"ok\":1,\"failed\":0,\"skipped\":0}}\n";

#[test]
fn the_example_envelope_maps_to_the_expected_document() {
    let (out, err) = run(&example());
    assert_eq!(err, OK_1);
    assert_eq!(out, EXPECTED);
}

#[test]
fn the_example_values_follow_from_the_mapping() {
    let (out, _) = run(&example());
    // The rows in ascending id order (3117, 3118, 3121), every row a line (no freight codes by default).
    assert_eq!(all(&out, "ITEMNMBR"), ["BOOT-TRL-10", "SOCK-WL-3", "NON-INVENTORY"]);
    assert_eq!(all(&out, "LNITMSEQ"), ["16384", "32768", "49152"]);
    // round(15.0000 / 2.0000, 5) = 7.5; decimals plain, without trailing zeros.
    assert_eq!(all(&out, "UNITPRCE"), ["64.95", "7.5", "7.5"]);
    // 21:40 at -08:00 on the 20th is the 21st in UTC: the date stays the order's own.
    assert_eq!(all(&out, "DOCDATE"), ["2026-11-20"; 4]);
    // SUBTOTAL 64.95 + 15 + 7.5; tax 5.36 + 1.24 + 0.61; DOCAMNT their sum.
    assert_eq!(all(&out, "SUBTOTAL"), ["87.45"]);
    assert_eq!(all(&out, "TAXAMNT"), ["5.36", "1.24", "0.61", "7.21"]);
    assert_eq!(all(&out, "DOCAMNT"), ["94.66"]);
    assert_eq!(all(&out, "FREIGHT"), ["0"]);
    assert_eq!(all(&out, "TAXSCHID"), Vec::<String>::new(), "no tax schedule lookup: left out");
}

#[test]
fn json_lines_in_any_buffer_size_give_the_same_document() {
    let mut order = example_order();
    let mut lines = String::new();
    for id in [10452, 10453] {
        order["id"] = id.into();
        lines.push_str(&order.to_string());
        lines.push('\n');
    }
    lines.push_str("\n   \n"); // blank lines are skipped
    let (out, err) = run(&lines);
    assert_eq!(err, "{\"summary\":{\"ok\":2,\"failed\":0,\"skipped\":0}}\n");
    assert_eq!(all(&out, "SOPNUMBE"), ["BP10452", "BP10452", "BP10452", "BP10452", "BP10453", "BP10453", "BP10453", "BP10453"]);
    // Lines longer than the reader's buffer, and a last line without a line feed.
    let trimmed = lines.trim_end();
    for capacity in [1, 7, 100, 5000] {
        assert_eq!(run_with(trimmed, capacity), run(&lines), "buffer of {capacity}");
    }
}

fn map_one(change: impl FnOnce(&mut Value)) -> (String, String) {
    let mut order = example_order();
    change(&mut order);
    run(&format!("{order}\n"))
}

#[test]
fn rows_by_numeric_id_rounding_away_from_zero_and_zero_quantities() {
    let (out, err) = map_one(|o| {
        let rows = o["orderRows"].as_object_mut().unwrap();
        let mut row = rows["3117"].clone();
        rows.clear();
        for (id, sku, qty, net) in [("10", "B", "2.0000", "0.0001"), ("9", "A", "20.0000", "-0.0001"), ("100", "C", "0.0000", "5.0000"), ("11", "D", "3.0000", "10.0000")] {
            row["productSku"] = sku.into();
            row["quantity"]["magnitude"] = qty.into();
            row["rowValue"]["rowNet"]["value"] = net.into();
            rows.insert(id.to_string(), row.clone());
        }
    });
    assert_eq!(err, OK_1);
    assert_eq!(all(&out, "ITEMNMBR"), ["A", "B", "D", "C"], "9 < 10 < 11 < 100");
    // -0.0001 / 20 = -0.000005 -> -0.00001; 0.0001 / 2 = 0.00005; 10 / 3 -> 3.33333; quantity 0 -> 0.
    assert_eq!(all(&out, "UNITPRCE"), ["-0.00001", "0.00005", "3.33333", "0"]);
    assert_eq!(all(&out, "SUBTOTAL"), ["15"]);
}

#[test]
fn texts_are_cut_by_characters_escaped_and_fitted_to_windows_1252() {
    let (out, err) = map_one(|o| {
        o["parties"]["customer"]["companyName"] = "".into();
        o["parties"]["customer"]["addressFullName"] = format!("{}東京", "é".repeat(62)).into();
        o["parties"]["delivery"]["addressLine3"] = "Ynys Môn & <Anglesey> \"North Wales\" – Łódź".into();
        o["parties"]["delivery"].as_object_mut().unwrap().remove("country");
        o["orderRows"]["3117"]["productName"] = "x".repeat(120).into();
    });
    assert_eq!(err, OK_1);
    assert_eq!(all(&out, "CUSTNAME"), [format!("{}??", "é".repeat(62))], "the person when there is no company; 64 characters");
    assert_eq!(all(&out, "CITY"), ["Ynys Môn &amp; &lt;Anglesey&gt; \"North Wales\""], "35 characters, then escaped");
    assert_eq!(all(&out, "COUNTRY"), [""]);
    assert_eq!(all(&out, "ITEMDESC")[0], "x".repeat(100));
}

fn failure(err: &str) -> Value {
    serde_json::from_str(err.lines().next().unwrap()).unwrap()
}

#[test]
fn records_that_fail_say_where_and_why() {
    type Change = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Change, Value)> = vec![
        (
            Box::new(|o: &mut Value| o["orderTypeCode"] = "SC".into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": null, "class": "validation", "message": "only sales orders become SOP documents"}),
        ),
        (
            Box::new(|o: &mut Value| {
                o["parties"].as_object_mut().unwrap().remove("customer");
            }),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": null, "class": "validation", "message": "`parties.customer` is required here (`!`) and is absent"}),
        ),
        (
            Box::new(|o: &mut Value| o["orderRows"]["3118"]["productSku"] = "S".repeat(31).into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": "taSopLineIvcInsert.ITEMNMBR", "class": "validation",
                "message": format!("the key \"{}\" is 31 characters; taSopLineIvcInsert.ITEMNMBR holds 30", "S".repeat(31))}),
        ),
        (
            Box::new(|o: &mut Value| o["orderRows"]["3118"]["productSku"] = "SOCK-Ł".into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": "taSopLineIvcInsert.ITEMNMBR", "class": "validation",
                "message": "taSopLineIvcInsert.ITEMNMBR holds 'Ł' (U+0141), which GP's code page cannot store"}),
        ),
        (
            Box::new(|o: &mut Value| o["parties"]["customer"]["contactId"] = 12345678901234_i64.into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": "taSopLineIvcInsert.CUSTNMBR", "class": "validation",
                "message": "the key \"C12345678901234\" is 15 characters; taSopLineIvcInsert.CUSTNMBR holds 15"}),
        ),
        (
            Box::new(|o: &mut Value| o["orderRows"]["3121"]["quantity"]["magnitude"] = "1.000001".into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": "taSopLineIvcInsert.QUANTITY", "class": "validation",
                "message": "1.000001 has 6 decimal places; taSopLineIvcInsert.QUANTITY stores 5"}),
        ),
        (
            Box::new(|o: &mut Value| o["parties"]["delivery"]["addressLine1"] = "bell\u{7}".into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": "taSopHdrIvcInsert.ADDRESS1", "class": "validation",
                "message": "taSopHdrIvcInsert.ADDRESS1 holds the control character U+0007"}),
        ),
        (
            Box::new(|o: &mut Value| o["placedOn"] = "2026-11-20T21:40:12".into()),
            serde_json::json!({"key": "10452", "mapping": "sales_order", "field": null, "class": "validation",
                "message": "`placedOn`: \"2026-11-20T21:40:12\" is not a date-time with an offset"}),
        ),
        (
            Box::new(|o: &mut Value| o["id"] = "10452".into()),
            serde_json::json!({"key": null, "mapping": "sales_order", "field": null, "class": "validation", "message": "`id`: \"10452\" is not an integer"}),
        ),
    ];
    for (i, (change, want)) in cases.into_iter().enumerate() {
        let (out, err) = map_one(change);
        // The CUSTNMBR case is a pass: 15 characters fit.
        if want["message"].as_str().unwrap().contains("is 15 characters") {
            assert_eq!(err, OK_1, "case {i}");
            assert_eq!(all(&out, "CUSTNMBR")[0], "C12345678901234");
            continue;
        }
        assert_eq!(failure(&err), want, "case {i}");
        assert!(err.ends_with("{\"summary\":{\"ok\":0,\"failed\":1,\"skipped\":0}}\n"), "case {i}: {err}");
        assert_eq!(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<eConnect>\n</eConnect>\n", "case {i}: nothing written");
    }
}

#[test]
fn input_that_is_not_an_order() {
    let order = example_order().to_string();
    let input = format!("{order}\n{{\"id\": 1,\n[{order}, 5]\n{{\"response\": {{\"7\": {order}}}}}\n");
    let (out, err) = run(&input);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], r#"{"key":null,"mapping":"sales_order","field":null,"class":"validation","message":"input line 2: malformed JSON: EOF while parsing a value at line 2 column 0"}"#);
    assert_eq!(lines[1], r#"{"key":null,"mapping":"sales_order","field":null,"class":"validation","message":"expected a record (a JSON object), found a number"}"#);
    assert_eq!(lines[2], r#"{"summary":{"ok":3,"failed":2,"skipped":0}}"#);
    assert_eq!(all(&out, "taSopHdrIvcInsert").len(), 3);
}

#[test]
fn unit_price_rounds_the_exact_quotient() {
    // 10^19 / (2*10^24 + 1) = 0.0000049999999999999999999999975...: 0 to 5 places. A 28-digit quotient
    // would be the tie 0.000005 and round to 0.00001.
    let (out, err) = map_one(|o| {
        let row = &mut o["orderRows"]["3117"];
        row["rowValue"]["rowNet"]["value"] = "10000000000000000000".into();
        row["quantity"]["magnitude"] = "2000000000000000000000001".into();
    });
    assert_eq!(err, OK_1);
    assert_eq!(all(&out, "UNITPRCE")[0], "0");
}
