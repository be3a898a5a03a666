//! gp-sim's rules, each with eConnect's error text: what eConnect checks against the schema, GP's rules
//! for masters and documents, and what is stored in GP's tables.

mod gp_support;

use gp_support::{econnect, elements, invoice, post_document, shared, sop_document, sql};

/// The error number and description of a rejection.
fn rejected(xml: &str) -> (u32, String) {
    let answer = post_document(shared(), xml);
    (answer.error_number(), answer.description().to_string())
}

fn accepted(xml: &str) -> serde_json::Value {
    let answer = post_document(shared(), xml);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

fn item_document(number: &str, item_type: &str, update_if_exists: &str) -> String {
    econnect(&format!(
        "<IVItemMasterType><taUpdateCreateItemRcd>{}</taUpdateCreateItemRcd><taIVCreateItemPriceListHeader>{}</taIVCreateItemPriceListHeader></IVItemMasterType>",
        elements(&[("ITEMNMBR", number), ("ITEMDESC", "Test item"), ("ITEMTYPE", item_type), ("UpdateIfExists", update_if_exists)]),
        elements(&[("ITEMNMBR", number)])
    ))
}

fn customer_document(fields: &[(&str, &str)]) -> String {
    econnect(&format!(
        "<RMCustomerMasterType><taUpdateCreateCustomerRcd>{}</taUpdateCreateCustomerRcd></RMCustomerMasterType>",
        elements(fields)
    ))
}

fn one_line_sop(number: &str, line: &[(&str, &str)], header: &[(&str, &str)]) -> String {
    econnect(&format!(
        "<SOPTransactionType><taSopLineIvcInsert_Items><taSopLineIvcInsert>{}</taSopLineIvcInsert></taSopLineIvcInsert_Items>\
         <taSopHdrIvcInsert>{}</taSopHdrIvcInsert></SOPTransactionType>",
        elements(&[&[("SOPTYPE", "3"), ("SOPNUMBE", number), ("CUSTNMBR", "C200"), ("DOCDATE", "2024-05-01")], line].concat()),
        gp_support::in_xsd_order(
            "taSopHdrIvcInsert",
            &[
                &[("SOPTYPE", "3"), ("DOCID", "STDINV"), ("SOPNUMBE", number), ("DOCDATE", "2024-05-01"), ("CUSTNMBR", "C200")],
                header,
            ]
            .concat()
        )
    ))
}

#[test]
fn a_valid_invoice_is_stored_in_gps_tables() {
    let sim = shared();
    let xml = sop_document(
        "T-STORE-1",
        "C200",
        &[("NON-INVENTORY", "3", "1.10"), ("SHIP-STD", "1", "4.5")],
        &[("CURNCYID", "USD")],
    );
    let answer = accepted(&xml);
    assert_eq!(answer["documents"][0]["action"], "created");
    assert_eq!(answer["documents"][0]["keys"]["SOPNUMBE"], "T-STORE-1");
    let header = |column: &str| {
        sql(sim, &format!("SELECT {column} FROM SOP10100 WHERE SOPTYPE = 3 AND SOPNUMBE = 'T-STORE-1'"), &[])
    };
    assert_eq!(header("SUBTOTAL").as_deref(), Some("7.80000"));
    assert_eq!(header("DOCAMNT").as_deref(), Some("7.80000"));
    assert_eq!(header("DOCDATE").as_deref(), Some("2024-05-01 00:00:00.000"));
    assert_eq!(header("CURNCYID").as_deref(), Some("USD"));
    assert_eq!(header("BACHNUMB").as_deref(), Some("TESTS"));
    assert_eq!(
        sql(sim, "SELECT group_concat(LNITMSEQ || ':' || ITEMNMBR || ':' || QUANTITY || ':' || XTNDPRCE || ':' || LOCNCODE, ' ') FROM SOP10200 WHERE SOPNUMBE = 'T-STORE-1'", &[]).as_deref(),
        Some("16384:NON-INVENTORY:3.00000:3.30000:MAIN 32768:SHIP-STD:1.00000:4.50000:MAIN")
    );
}

#[test]
fn text_is_stored_in_the_gp_code_page_and_cdata_and_nil_are_read() {
    let sim = shared();
    let xml = econnect(
        "<SOPTransactionType><eConnectProcessInfo xsi:nil=\"true\" /><taSopLineIvcInsert_Items><taSopLineIvcInsert>\
         <SOPTYPE>3</SOPTYPE><SOPNUMBE>T-TEXT-1</SOPNUMBE><CUSTNMBR>C200</CUSTNMBR><DOCDATE>5/1/2024</DOCDATE>\
         <ITEMNMBR>NON-INVENTORY</ITEMNMBR><QUANTITY>1</QUANTITY><ITEMDESC><![CDATA[Mugs & <cups> 東京 Łódź café €]]></ITEMDESC>\
         </taSopLineIvcInsert></taSopLineIvcInsert_Items><taSopHdrIvcInsert><SOPTYPE>3</SOPTYPE><DOCID>STDINV</DOCID>\
         <SOPNUMBE>T-TEXT-1</SOPNUMBE><DOCDATE>2024-05-01T00:00:00</DOCDATE><CUSTNMBR>C200</CUSTNMBR>\
         <CUSTNAME>Ørsted &amp; Sønner — 東京</CUSTNAME><BACHNUMB>TESTS</BACHNUMB></taSopHdrIvcInsert>\
         <taSopToPopLink xsi:nil=\"true\" /></SOPTransactionType>",
    );
    accepted(&xml);
    assert_eq!(
        sql(sim, "SELECT ITEMDESC FROM SOP10200 WHERE SOPNUMBE = 'T-TEXT-1'", &[]).as_deref(),
        Some("Mugs & <cups> ?? ?ód? café €")
    );
    assert_eq!(
        sql(sim, "SELECT CUSTNAME FROM SOP10100 WHERE SOPNUMBE = 'T-TEXT-1'", &[]).as_deref(),
        Some("Ørsted & Sønner — ??")
    );
    assert_eq!(
        sql(sim, "SELECT DOCDATE FROM SOP10100 WHERE SOPNUMBE = 'T-TEXT-1'", &[]).as_deref(),
        Some("2024-05-01 00:00:00.000")
    );
}

#[test]
fn the_same_create_twice_is_a_duplicate() {
    let xml = invoice("T-DUP-1", &[("NON-INVENTORY", "1", "2")]);
    accepted(&xml);
    let answer = post_document(shared(), &xml);
    assert_eq!(answer.error_number(), 91104);
    assert_eq!(
        answer.description(),
        "SOP document T-DUP-1 of SOPTYPE 3 already exists in SOP10100, and UpdateExisting is 0"
    );
    assert!(answer.body.contains(
        "Related Error Code Parameters for Node : taSopHdrIvcInsert\r\nSOPTYPE = 3\r\nSOPNUMBE = T-DUP-1\r\n"
    ));
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    // The same number as another SOP type is another document.
    let order = invoice("T-DUP-1", &[("NON-INVENTORY", "1", "2")])
        .replace("<SOPTYPE>3</SOPTYPE>", "<SOPTYPE>2</SOPTYPE>")
        .replace("STDINV", "STDORD");
    accepted(&order);
}

#[test]
fn an_update_document_updates_the_header_and_lines_and_moves_the_allocation() {
    let sim = shared();
    accepted(&item_document("T-UPD-ITEM", "1", "0"));
    accepted(&invoice("T-UPD-1", &[("T-UPD-ITEM", "2", "10")]));
    let allocated =
        || sql(sim, "SELECT ATYALLOC FROM IV00102 WHERE ITEMNMBR = 'T-UPD-ITEM' AND LOCNCODE = 'MAIN'", &[]);
    assert_eq!(allocated().as_deref(), Some("2.00000"));
    let update = invoice("T-UPD-1", &[("T-UPD-ITEM", "5", "10")])
        .replace("</LNITMSEQ>", "</LNITMSEQ><UpdateIfExists>1</UpdateIfExists>")
        .replace("<BACHNUMB>TESTS</BACHNUMB>", "<BACHNUMB>TESTS</BACHNUMB><UpdateExisting>1</UpdateExisting>");
    let answer = accepted(&update);
    assert_eq!(answer["documents"][0]["action"], "updated");
    assert_eq!(sql(sim, "SELECT QUANTITY FROM SOP10200 WHERE SOPNUMBE = 'T-UPD-1'", &[]).as_deref(), Some("5.00000"));
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM SOP10200 WHERE SOPNUMBE = 'T-UPD-1'", &[]).as_deref(), Some("1"));
    assert_eq!(sql(sim, "SELECT DOCAMNT FROM SOP10100 WHERE SOPNUMBE = 'T-UPD-1'", &[]).as_deref(), Some("50.00000"));
    assert_eq!(allocated().as_deref(), Some("5.00000"), "the allocation follows the updated quantity");
    // An update that names another item on the stored line is refused (eConnect's 2902).
    accepted(&item_document("T-UPD-OTHER", "1", "0"));
    let other = update.replace("T-UPD-ITEM", "T-UPD-OTHER");
    let (number, description) = rejected(&other);
    assert_eq!((number, description.as_str()), (2902, "Line 16384 holds item T-UPD-ITEM, not T-UPD-OTHER"));
    // A line sent again without UpdateIfExists is a duplicate line.
    let again = invoice("T-UPD-1", &[("T-UPD-ITEM", "5", "10")])
        .replace("<BACHNUMB>TESTS</BACHNUMB>", "<BACHNUMB>TESTS</BACHNUMB><UpdateExisting>1</UpdateExisting>");
    assert_eq!(
        rejected(&again),
        (91104, "Line 16384 of SOP document T-UPD-1 already exists, and UpdateIfExists is 0".into())
    );
}

#[test]
fn an_empty_sop_number_takes_the_next_number_of_the_document_id() {
    let sim = shared();
    // Another test's document may hold the next number already: it is skipped, as GP skips it.
    accepted(&invoice("INV000002", &[("NON-INVENTORY", "1", "1")]));
    let answer = accepted(&invoice("", &[("NON-INVENTORY", "1", "1")]));
    let number = answer["documents"][0]["keys"]["SOPNUMBE"].as_str().unwrap().to_string();
    assert!(number.starts_with("INV") && number != "INV000002", "{number}");
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM SOP10200 WHERE SOPNUMBE = ?1", &[&number]).as_deref(), Some("1"));
    let next = accepted(&invoice("", &[("NON-INVENTORY", "1", "1")]));
    assert_ne!(next["documents"][0]["keys"]["SOPNUMBE"], number.as_str());
}

#[test]
fn tracking_numbers_update_the_existing_document() {
    let sim = shared();
    accepted(&invoice("T-TRACK-1", &[("NON-INVENTORY", "1", "3")]));
    let tracking = |number: &str| {
        econnect(&format!(
            "<SOPTransactionType><taSopTrackingNum_Items><taSopTrackingNum>{}</taSopTrackingNum></taSopTrackingNum_Items></SOPTransactionType>",
            elements(&[("SOPTYPE", "3"), ("SOPNUMBE", number), ("Tracking_Number", "1Z999")])
        ))
    };
    let answer = accepted(&tracking("T-TRACK-1"));
    assert_eq!(answer["documents"][0]["keys"]["Tracking_Number"], "1Z999");
    assert_eq!(
        sql(sim, "SELECT Tracking_Number FROM SOP10107 WHERE SOPNUMBE = 'T-TRACK-1'", &[]).as_deref(),
        Some("1Z999")
    );
    assert_eq!(
        rejected(&tracking("T-TRACK-NONE")),
        (91110, "SOP document T-TRACK-NONE of SOPTYPE 3 does not exist in SOP10100".into())
    );
}

#[test]
fn customers_items_and_vendors_must_exist_unless_the_document_creates_them() {
    let missing_customer = sop_document("T-CUST-1", "C999999", &[("NON-INVENTORY", "1", "1")], &[]);
    assert_eq!(rejected(&missing_customer), (91101, "Customer C999999 does not exist in RM00101".into()));
    let missing_item = invoice("T-ITEM-1", &[("NO-SUCH-ITEM", "1", "1")]);
    assert_eq!(rejected(&missing_item), (91102, "Item NO-SUCH-ITEM does not exist in IV00101".into()));
    // A non-inventory line names an item GP need not have.
    let non_inventory = invoice("T-ITEM-2", &[("NO-SUCH-ITEM", "1", "1")]).replace(
        "<ITEMNMBR>NO-SUCH-ITEM</ITEMNMBR><UNITPRCE>1</UNITPRCE><XTNDPRCE>1</XTNDPRCE><QUANTITY>1</QUANTITY>",
        "<ITEMNMBR>NO-SUCH-ITEM</ITEMNMBR><UNITPRCE>1</UNITPRCE><XTNDPRCE>1</XTNDPRCE><QUANTITY>1</QUANTITY><NONINVEN>1</NONINVEN>",
    );
    assert!(non_inventory.contains("<NONINVEN>1</NONINVEN>"));
    accepted(&non_inventory);
    // The same document creates the customer and the item, before the lines and header that need them.
    let created = sop_document("T-CREATE-1", "CNEW1", &[("NEW-ITEM-1", "1", "9.99")], &[]).replace(
        "<SOPTransactionType>",
        &format!(
            "<SOPTransactionType><taUpdateCreateItemRcd>{}</taUpdateCreateItemRcd><taUpdateCreateCustomerRcd>{}</taUpdateCreateCustomerRcd>",
            elements(&[("ITEMNMBR", "NEW-ITEM-1"), ("ITEMDESC", "New item")]),
            elements(&[("CUSTNMBR", "CNEW1"), ("CUSTNAME", "New customer")])
        ),
    );
    let answer = accepted(&created);
    let nodes: Vec<&str> =
        answer["documents"].as_array().unwrap().iter().map(|d| d["node"].as_str().unwrap()).collect();
    assert_eq!(nodes, ["taUpdateCreateItemRcd", "taUpdateCreateCustomerRcd", "taSopHdrIvcInsert"]);
    // A purchase order for a vendor GP does not have.
    let po = econnect(&format!(
        "<POPTransactionType><taPoLine_Items><taPoLine>{}</taPoLine></taPoLine_Items><taPoHdr>{}</taPoHdr></POPTransactionType>",
        elements(&[("PONUMBER", "T-PO-NOVENDOR"), ("VENDORID", "VNONE"), ("ITEMNMBR", "NEW-ITEM-1"), ("QUANTITY", "1")]),
        elements(&[("PONUMBER", "T-PO-NOVENDOR"), ("VENDORID", "VNONE")])
    ));
    assert_eq!(rejected(&po), (91103, "Vendor VNONE does not exist in PM00200".into()));
}

#[test]
fn a_master_record_with_update_if_exists_0_is_refused_when_its_key_exists() {
    let sim = shared();
    let create = customer_document(&[
        ("CUSTNMBR", "CMASTER1"),
        ("CUSTNAME", "First name"),
        ("PHNUMBR1", "5550100"),
        ("UpdateIfExists", "0"),
    ]);
    accepted(&create);
    let answer = post_document(sim, &create);
    assert_eq!(answer.error_number(), 91105);
    assert_eq!(answer.description(), "CUSTNMBR CMASTER1 already exists in RM00101, and UpdateIfExists is 0");
    assert!(answer.body.contains("Related Error Code Parameters for Node : taUpdateCreateCustomerRcd\r\nCUSTNMBR = CMASTER1\r\nUpdateIfExists = 0\r\n"));
    assert_eq!(rejected(&item_document("NON-INVENTORY", "5", "0")).0, 91105);
    // UpdateIfExists=1 (the default) updates only the elements sent.
    accepted(&customer_document(&[("CUSTNMBR", "CMASTER1"), ("CUSTNAME", "Second name")]));
    let customer = |column: &str| sql(sim, &format!("SELECT {column} FROM RM00101 WHERE CUSTNMBR = 'CMASTER1'"), &[]);
    assert_eq!(customer("CUSTNAME").as_deref(), Some("Second name"));
    assert_eq!(customer("PHONE1").as_deref(), Some("5550100"), "an element not sent keeps GP's value");
    assert_eq!(customer("SHRTNAME").as_deref(), Some("First name"), "SHRTNAME defaulted from CUSTNAME at creation");
}

#[test]
fn header_and_line_currency_agree() {
    let xml = one_line_sop(
        "T-CUR-1",
        &[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1"), ("CURNCYID", "EUR")],
        &[("BACHNUMB", "TESTS"), ("CURNCYID", "USD")],
    );
    let answer = post_document(shared(), &xml);
    assert_eq!(answer.error_number(), 9370);
    assert_eq!(answer.description(), "The line's currency EUR differs from the document's currency USD");
    assert!(answer.body.starts_with("Sql procedure error codes returned:\r\nError Number = 9370  Stored Procedure= taSopLineIvcInsert  Error Description = "));
}

#[test]
fn sop_header_totals_agree_with_the_lines() {
    let wrong_subtotal = one_line_sop(
        "T-TOT-1",
        &[("ITEMNMBR", "NON-INVENTORY"), ("UNITPRCE", "2"), ("XTNDPRCE", "4"), ("QUANTITY", "2")],
        &[("SUBTOTAL", "5"), ("DOCAMNT", "5"), ("BACHNUMB", "TESTS")],
    );
    assert_eq!(rejected(&wrong_subtotal), (91106, "SUBTOTAL 5 is not the sum of the lines' XTNDPRCE, 4".into()));
    let wrong_total = one_line_sop(
        "T-TOT-2",
        &[("ITEMNMBR", "NON-INVENTORY"), ("UNITPRCE", "2"), ("XTNDPRCE", "4"), ("QUANTITY", "2")],
        &[
            ("TAXAMNT", "0.40"),
            ("FREIGHT", "3"),
            ("MISCAMNT", "1"),
            ("TRDISAMT", "0.5"),
            ("SUBTOTAL", "4"),
            ("DOCAMNT", "8"),
            ("BACHNUMB", "TESTS"),
        ],
    );
    assert_eq!(
        rejected(&wrong_total),
        (91106, "DOCAMNT 8 is not SUBTOTAL - TRDISAMT + FREIGHT + MISCAMNT + TAXAMNT, 7.9".into())
    );
    accepted(&wrong_total.replace("<DOCAMNT>8</DOCAMNT>", "<DOCAMNT>7.9</DOCAMNT>"));
    assert_eq!(
        sql(shared(), "SELECT FRTAMNT FROM SOP10100 WHERE SOPNUMBE = 'T-TOT-2'", &[]).as_deref(),
        Some("3.00000")
    );
    // DEFEXTPRICE asks for XTNDPRCE = UNITPRCE x QUANTITY.
    let computed = one_line_sop(
        "T-TOT-3",
        &[("ITEMNMBR", "NON-INVENTORY"), ("UNITPRCE", "2.5"), ("QUANTITY", "3"), ("DEFEXTPRICE", "1")],
        &[("SUBTOTAL", "7.5"), ("DOCAMNT", "7.5"), ("BACHNUMB", "TESTS")],
    );
    accepted(&computed);
}

#[test]
fn a_markdown_needs_econnect_pricing() {
    let xml = one_line_sop(
        "T-MRK-1",
        &[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1"), ("MRKDNPCT", "10")],
        &[("BACHNUMB", "TESTS")],
    );
    assert_eq!(rejected(&xml), (67, "MRKDNPCT needs DEFPRICING = 1 on the header".into()));
}

#[test]
fn setup_sites_and_line_keys_are_checked() {
    let unknown_docid = invoice("T-SETUP-1", &[("NON-INVENTORY", "1", "1")]).replace("STDINV", "NOSUCHDOC");
    assert_eq!(
        rejected(&unknown_docid),
        (91108, "Document ID NOSUCHDOC is not set up for SOPTYPE 3 in SOP40200".into())
    );
    let unknown_site = one_line_sop(
        "T-SETUP-2",
        &[("LOCNCODE", "MARS"), ("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1")],
        &[("BACHNUMB", "TESTS")],
    );
    assert_eq!(rejected(&unknown_site), (91112, "Site MARS does not exist in IV40700".into()));
    let other_document = invoice("T-SETUP-3", &[("NON-INVENTORY", "1", "1")]).replacen(
        "<SOPNUMBE>T-SETUP-3</SOPNUMBE>",
        "<SOPNUMBE>T-SETUP-X</SOPNUMBE>",
        1,
    );
    assert_eq!(
        rejected(&other_document),
        (91111, "The line's SOPTYPE, SOPNUMBE and CUSTNMBR must be the header's (3, T-SETUP-3, C200)".into())
    );
}

#[test]
fn schema_violations_are_refused_as_econnect_refuses_them() {
    let line = |fields: &[(&str, &str)]| one_line_sop("T-SCHEMA", fields, &[("BACHNUMB", "TESTS")]);
    let cases: Vec<(String, u32, &str)> = vec![
        ("<eConnect><SOPTransactionType></eConnect>".into(), 91001, ""),
        (econnect("<SOPTransactionType><taNoSuchNode/></SOPTransactionType>"), 91002, "<taNoSuchNode> is not an element of <SOPTransactionType>"),
        (line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1"), ("BOGUS", "1")]), 91002, "<BOGUS> is not an element of <taSopLineIvcInsert>"),
        (
            line(&[("QUANTITY", "1"), ("ITEMNMBR", "NON-INVENTORY")]),
            91003,
            "<ITEMNMBR> is out of order in <taSopLineIvcInsert>: it follows <QUANTITY>, and the schema orders <ITEMNMBR> before <QUANTITY>",
        ),
        (
            line(&[("ITEMNMBR", "NON-INVENTORY"), ("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1")]),
            91003,
            "<ITEMNMBR> appears more than once in <taSopLineIvcInsert>",
        ),
        (line(&[("ITEMNMBR", "NON-INVENTORY")]), 91004, "The required element <QUANTITY> of <taSopLineIvcInsert> is missing"),
        (line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "two")]), 91005, "<QUANTITY> value \"two\" is not a decimal number"),
        (line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "")]), 91005, "<QUANTITY> is empty, and a decimal has no empty value"),
        (
            line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1"), ("LNITMSEQ", "99999999999")]),
            91005,
            "<LNITMSEQ> value \"99999999999\" is not an integer (int)",
        ),
        (
            one_line_sop("T-SCHEMA", &[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1")], &[("BACHNUMB", "TESTS")]).replace("2024-05-01", "2024-02-30"),
            91005,
            "<DOCDATE> value \"2024-02-30\" is not a date",
        ),
        (line(&[("ITEMNMBR", &"X".repeat(31)), ("QUANTITY", "1")]), 91006, "<ITEMNMBR> holds 31 characters; its length is 30"),
        (line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1.123456")]), 91007, "<QUANTITY> value 1.123456 has 6 decimal places; it stores 5"),
        (
            line(&[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1"), ("UpdateIfExists", "2")]),
            91008,
            "<UpdateIfExists> value 2 is not one of 0, 1",
        ),
        (econnect("<SOPTransactionType><taSopLineIvcInsert_Items></taSopLineIvcInsert_Items></SOPTransactionType>"), 91009, "<taSopLineIvcInsert_Items> must hold at least one <taSopLineIvcInsert>"),
        (
            econnect("<GLTransactionType></GLTransactionType>"),
            91004,
            "The required element <taGLTransactionHeaderInsert> of <GLTransactionType> is missing",
        ),
        ("<Other/>".into(), 91002, "The root element is <Other>; an eConnect document's root is <eConnect>"),
        (
            econnect("<RMCashReceiptsType><taRMCashReceiptInsert xsi:nil=\"true\" /></RMCashReceiptsType>"),
            91004,
            "<RMCashReceiptsType> has no header node: it is nil",
        ),
    ];
    for (xml, number, description) in cases {
        let answer = post_document(shared(), &xml);
        assert_eq!(answer.error_number(), number, "{xml}\n{}", answer.body);
        if !description.is_empty() {
            assert_eq!(answer.description(), description, "{xml}");
        }
    }
    // Trailing zeros are not places, an empty element with a default takes it, and SOPTYPE 7 is not a type.
    accepted(&one_line_sop(
        "T-SCHEMA-OK",
        &[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1.1234500"), ("TAXAMNT", "")],
        &[("BACHNUMB", "TESTS")],
    ));
    let seven =
        one_line_sop("T-SCHEMA-7", &[("ITEMNMBR", "NON-INVENTORY"), ("QUANTITY", "1")], &[("BACHNUMB", "TESTS")])
            .replace("<SOPTYPE>3</SOPTYPE>", "<SOPTYPE>7</SOPTYPE>");
    assert_eq!(rejected(&seven).0, 91008);
}

#[test]
fn a_document_is_all_or_nothing() {
    let sim = shared();
    // A customer created by the document, then an invoice GP refuses: the customer is not kept either.
    let xml = sop_document("T-ATOMIC-1", "CATOMIC", &[("NO-SUCH-ITEM", "1", "1")], &[]).replace(
        "<SOPTransactionType>",
        &format!(
            "<SOPTransactionType><taUpdateCreateCustomerRcd>{}</taUpdateCreateCustomerRcd>",
            elements(&[("CUSTNMBR", "CATOMIC"), ("CUSTNAME", "Atomic")])
        ),
    );
    assert_eq!(rejected(&xml).0, 91102);
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM RM00101 WHERE CUSTNMBR = 'CATOMIC'", &[]).as_deref(), Some("0"));
    // Two transactions: the second fails, so the first is not kept.
    let customer = format!(
        "<RMCustomerMasterType><taUpdateCreateCustomerRcd>{}</taUpdateCreateCustomerRcd></RMCustomerMasterType>",
        elements(&[("CUSTNMBR", "CATOMIC2")])
    );
    let two = econnect(&(customer + gp_support::transactions(&invoice("T-ATOMIC-2", &[("NO-SUCH-ITEM", "1", "1")]))));
    assert_eq!(rejected(&two).0, 91102);
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM RM00101 WHERE CUSTNMBR = 'CATOMIC2'", &[]).as_deref(), Some("0"));
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM SOP10100 WHERE SOPNUMBE LIKE 'T-ATOMIC%'", &[]).as_deref(), Some("0"));
}

fn journal(entry: &str, lines: &[(&str, &str, &str)]) -> String {
    let lines: String = lines
        .iter()
        .map(|(sequence, debit, credit)| {
            format!(
                "<taGLTransactionLineInsert>{}</taGLTransactionLineInsert>",
                elements(&[
                    ("BACHNUMB", "TESTS"),
                    ("JRNENTRY", entry),
                    ("SQNCLINE", sequence),
                    ("CRDTAMNT", credit),
                    ("DEBITAMT", debit),
                    ("ACTNUMST", "000-1100-00")
                ])
            )
        })
        .collect();
    econnect(&format!(
        "<GLTransactionType><taGLTransactionLineInsert_Items>{lines}</taGLTransactionLineInsert_Items><taGLTransactionHeaderInsert>{}</taGLTransactionHeaderInsert></GLTransactionType>",
        elements(&[("BACHNUMB", "TESTS"), ("JRNENTRY", entry), ("REFRENCE", "Test journal"), ("TRXDATE", "2024-05-01"), ("TRXTYPE", "0")])
    ))
}

#[test]
fn a_journal_balances_and_its_numbers_are_unique() {
    let sim = shared();
    assert_eq!(
        rejected(&journal("9001", &[("16384", "10", "0"), ("32768", "0", "9.99")])),
        (91107, "The journal does not balance: debits 10 and credits 9.99".into())
    );
    assert_eq!(
        rejected(&journal("9001", &[("16384", "10", "0"), ("16384", "0", "10")])),
        (7738, "Two lines of the journal have the same sequence line number (SQNCLINE)".into())
    );
    accepted(&journal("9001", &[("16384", "10.5", "0"), ("32768", "0", "10.5")]));
    assert_eq!(
        sql(sim, "SELECT group_concat(DEBITAMT || '/' || CRDTAMNT, ' ') FROM GL10001 WHERE JRNENTRY = 9001", &[])
            .as_deref(),
        Some("10.50000/0.00000 0.00000/10.50000")
    );
    assert_eq!(
        rejected(&journal("9001", &[("16384", "1", "0"), ("32768", "0", "1")])),
        (91104, "Journal entry 9001 already exists in GL10000".into())
    );
}

#[test]
fn cash_receipts_are_stored_once() {
    let sim = shared();
    let receipt = |number: &str, customer: &str| {
        econnect(&format!(
            "<RMCashReceiptsType><taRMCashReceiptInsert>{}</taRMCashReceiptInsert></RMCashReceiptsType>",
            elements(&[
                ("CUSTNMBR", customer),
                ("DOCNUMBR", number),
                ("DOCDATE", "2024-05-02"),
                ("ORTRXAMT", "19.99"),
                ("GLPOSTDT", "2024-05-02"),
                ("BACHNUMB", "BPRECEIPTS"),
                ("CSHRCTYP", "2")
            ])
        ))
    };
    accepted(&receipt("T-RCPT-1", "C200"));
    assert_eq!(
        sql(sim, "SELECT ORTRXAMT || ' ' || CSHRCTYP || ' ' || RMDTYPAL FROM RM10201 WHERE DOCNUMBR = 'T-RCPT-1'", &[])
            .as_deref(),
        Some("19.99000 2 9")
    );
    assert_eq!(
        rejected(&receipt("T-RCPT-1", "C200")),
        (91104, "Cash receipt T-RCPT-1 already exists in RM10201".into())
    );
    assert_eq!(rejected(&receipt("T-RCPT-2", "CNOBODY")).0, 91101);
    // An empty DOCNUMBR takes the next receipt number.
    let answer = accepted(&receipt("", "C200"));
    let number = answer["documents"][0]["keys"]["DOCNUMBR"].as_str().unwrap().to_string();
    assert!(number.starts_with("PYMNT"), "{number}");
    assert_eq!(sql(sim, "SELECT CUSTNMBR FROM RM10201 WHERE DOCNUMBR = ?1", &[&number]).as_deref(), Some("C200"));
}

#[test]
fn purchase_orders_and_receipts_update_stock() {
    let sim = shared();
    accepted(&item_document("T-POP-ITEM", "1", "0"));
    let vendor = econnect(&format!(
        "<PMVendorMasterType><taUpdateCreateVendorRcd>{}</taUpdateCreateVendorRcd></PMVendorMasterType>",
        elements(&[("VENDORID", "VTEST"), ("VENDNAME", "Test vendor")])
    ));
    accepted(&vendor);
    assert_eq!(rejected(&vendor.replace("</VENDNAME>", "</VENDNAME><UpdateIfExists>0</UpdateIfExists>")).0, 91105);
    let po = econnect(&format!(
        "<POPTransactionType><taPoLine_Items><taPoLine>{}</taPoLine></taPoLine_Items><taPoHdr>{}</taPoHdr></POPTransactionType>",
        elements(&[("PONUMBER", "T-PO-1"), ("VENDORID", "VTEST"), ("ITEMNMBR", "T-POP-ITEM"), ("QUANTITY", "12"), ("UNITCOST", "1.25")]),
        elements(&[("PONUMBER", "T-PO-1"), ("VENDORID", "VTEST")])
    ));
    accepted(&po);
    assert_eq!(sql(sim, "SELECT SUBTOTAL FROM POP10100 WHERE PONUMBER = 'T-PO-1'", &[]).as_deref(), Some("15.00000"));
    assert_eq!(
        sql(sim, "SELECT QTYORDER || ' ' || EXTDCOST FROM POP10110 WHERE PONUMBER = 'T-PO-1'", &[]).as_deref(),
        Some("12.00000 15.00000")
    );
    assert_eq!(
        rejected(&po),
        (91104, "Purchase order T-PO-1 already exists in POP10100, and UpdateIfExists is 0".into())
    );
    // UpdateIfExists=1 replaces the order and its lines.
    let update = po.replace("<QUANTITY>12</QUANTITY>", "<QUANTITY>20</QUANTITY>").replace(
        "<VENDORID>VTEST</VENDORID></taPoHdr>",
        "<VENDORID>VTEST</VENDORID><UpdateIfExists>1</UpdateIfExists></taPoHdr>",
    );
    assert_eq!(accepted(&update)["documents"][0]["action"], "updated");
    assert_eq!(
        sql(sim, "SELECT group_concat(QTYORDER) FROM POP10110 WHERE PONUMBER = 'T-PO-1'", &[]).as_deref(),
        Some("20.00000")
    );
    assert_eq!(sql(sim, "SELECT SUBTOTAL FROM POP10100 WHERE PONUMBER = 'T-PO-1'", &[]).as_deref(), Some("25.00000"));
    let receipt = |number: &str, po: &str| {
        econnect(&format!(
            "<POPReceivingsType><taPopRcptLineInsert_Items><taPopRcptLineInsert>{}</taPopRcptLineInsert></taPopRcptLineInsert_Items><taPopRcptHdrInsert>{}</taPopRcptHdrInsert></POPReceivingsType>",
            elements(&[("POPTYPE", "1"), ("POPRCTNM", number), ("PONUMBER", po), ("ITEMNMBR", "T-POP-ITEM"), ("VENDORID", "VTEST"), ("UNITCOST", "1.25"), ("QTYSHPPD", "12"), ("LOCNCODE", "EAST")]),
            elements(&[("POPRCTNM", number), ("POPTYPE", "1"), ("receiptdate", "2024-05-03"), ("BACHNUMB", "TESTS"), ("VENDORID", "VTEST")])
        ))
    };
    accepted(&receipt("T-RCT-1", "T-PO-1"));
    assert_eq!(
        sql(sim, "SELECT QTYONHND FROM IV00102 WHERE ITEMNMBR = 'T-POP-ITEM' AND LOCNCODE = 'EAST'", &[]).as_deref(),
        Some("12.00000")
    );
    assert_eq!(rejected(&receipt("T-RCT-1", "T-PO-1")), (91104, "Receipt T-RCT-1 already exists in POP10300".into()));
    assert_eq!(
        rejected(&receipt("T-RCT-2", "T-PO-NONE")),
        (91110, "Purchase order T-PO-NONE does not exist in POP10100".into())
    );
}

#[test]
fn a_transaction_type_the_service_does_not_process_is_refused() {
    let xml = econnect(&format!(
        "<SOPTransactionType><taSopUserDefined>{}</taSopUserDefined></SOPTransactionType>",
        elements(&[("SOPTYPE", "3"), ("SOPNUMBE", "X")])
    ));
    let (number, description) = rejected(&xml);
    assert_eq!(
        (number, description.as_str()),
        (91109, "This service does not process <taSopUserDefined> in <SOPTransactionType>")
    );
}

#[test]
fn inventory_adjustments_change_the_quantity_on_hand() {
    let sim = shared();
    accepted(&item_document("T-IV-ITEM", "1", "0"));
    let adjustment = |number: &str, quantity: &str, site: &str| {
        econnect(&format!(
            "<IVInventoryTransactionType><taIVTransactionLineInsert_Items><taIVTransactionLineInsert>{}</taIVTransactionLineInsert></taIVTransactionLineInsert_Items><taIVTransactionHeaderInsert>{}</taIVTransactionHeaderInsert></IVInventoryTransactionType>",
            elements(&[("IVDOCNBR", number), ("IVDOCTYP", "1"), ("ITEMNMBR", "T-IV-ITEM"), ("TRXQTY", quantity), ("TRXLOCTN", site)]),
            elements(&[("BACHNUMB", "TESTS"), ("IVDOCNBR", number), ("IVDOCTYP", "1"), ("DOCDATE", "2024-05-04")])
        ))
    };
    let on_hand = || sql(sim, "SELECT QTYONHND FROM IV00102 WHERE ITEMNMBR = 'T-IV-ITEM' AND LOCNCODE = 'EAST'", &[]);
    let answer = accepted(&adjustment("T-ADJ-1", "25", "EAST"));
    assert_eq!(answer["documents"][0]["keys"], serde_json::json!({"IVDOCTYP": "1", "IVDOCNBR": "T-ADJ-1"}));
    assert_eq!(on_hand().as_deref(), Some("25.00000"));
    accepted(&adjustment("T-ADJ-2", "-7.5", "EAST"));
    assert_eq!(on_hand().as_deref(), Some("17.50000"));
    assert_eq!(sql(sim, "SELECT TRXQTY FROM IV10001 WHERE IVDOCNBR = 'T-ADJ-2'", &[]).as_deref(), Some("-7.50000"));
    assert_eq!(
        rejected(&adjustment("T-ADJ-1", "1", "EAST")),
        (91104, "Inventory document T-ADJ-1 of IVDOCTYP 1 already exists in IV10000".into())
    );
    assert_eq!(rejected(&adjustment("T-ADJ-3", "1", "MARS")), (91112, "Site MARS does not exist in IV40700".into()));
    assert_eq!(on_hand().as_deref(), Some("17.50000"), "refused documents change nothing");
}
