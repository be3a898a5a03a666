//! gp-sim over HTTP: authentication, the company, the fault knobs, the changes feed, next numbers, the
//! existence GET's questions, and the `gp-sim` binary.

mod gp_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gp_support::{client, econnect, elements, fresh, get, invoice, post_document, post_empty, sql};
use sandbox::gp::{Running, DEFAULT_TOKEN};
use serde_json::{json, Value};

fn set_faults(sim: &Running, faults: Value) {
    let response =
        client().put(format!("{}/admin/faults", sim.url())).bearer_auth(DEFAULT_TOKEN).json(&faults).send().unwrap();
    assert_eq!(response.status().as_u16(), 200, "{}", response.text().unwrap());
}

#[test]
fn a_missing_or_wrong_token_is_refused_and_nothing_is_done() {
    let sim = gp_support::shared();
    let url = format!("{}/econnect/v1/TWO/documents", sim.url());
    let xml = invoice("T-AUTH-1", &[("NON-INVENTORY", "1", "1")]);
    let missing = client().post(&url).body(xml.clone()).send().unwrap();
    assert_eq!(missing.status().as_u16(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer realm=\"econnect\"");
    let wrong = client().post(&url).bearer_auth("not-the-token").body(xml.clone()).send().unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let basic = client().post(&url).header("authorization", format!("Basic {DEFAULT_TOKEN}")).body(xml).send().unwrap();
    assert_eq!(basic.status().as_u16(), 401);
    assert_eq!(sql(sim, "SELECT COUNT(*) FROM SOP10100 WHERE SOPNUMBE = 'T-AUTH-1'", &[]).as_deref(), Some("0"));
    for path in [
        "/econnect/v1/TWO/changes?since=0",
        "/econnect/v1/TWO/documents/RMCustomerMasterType?CUSTNMBR=C200",
        "/admin/faults",
    ] {
        assert_eq!(client().get(format!("{}{path}", sim.url())).send().unwrap().status().as_u16(), 401, "{path}");
    }
    let next = client().post(format!("{}/econnect/v1/TWO/next-number/journal", sim.url())).send().unwrap();
    assert_eq!(next.status().as_u16(), 401);
    let faults = client().put(format!("{}/admin/faults", sim.url())).json(&json!({"server_error": 5})).send().unwrap();
    assert_eq!(faults.status().as_u16(), 401);
}

#[test]
fn an_unknown_company_is_not_found() {
    let sim = gp_support::shared();
    let answer = get(sim, "/econnect/v1/OTHER/changes?since=0");
    assert_eq!((answer.status, answer.body.as_str()), (404, "no company OTHER on this service"));
    // Company ids are case-insensitive, as SQL Server database names are.
    assert_eq!(get(sim, "/econnect/v1/two/changes?since=0").status, 200);
}

#[test]
fn the_existence_get_says_what_it_needs() {
    let sim = gp_support::shared();
    let customer = get(sim, "/econnect/v1/TWO/documents/RMCustomerMasterType?CUSTNMBR=C200").json();
    assert_eq!(customer["tables"]["RM00101"][0]["CUSTNMBR"], "C200");
    assert_eq!(customer["tables"]["RM00102"][0]["ADRSCODE"], "PRIMARY");
    let item = get(sim, "/econnect/v1/TWO/documents/IVItemMasterType?ITEMNMBR=NON-INVENTORY").json();
    assert_eq!(item["tables"]["IV00101"][0]["ITEMTYPE"], 5);
    for (path, message) in [
        (
            "/econnect/v1/TWO/documents/SOPTransactionType?SOPNUMBE=X",
            "SOPTransactionType is found by SOPTYPE and SOPNUMBE; SOPTYPE is missing",
        ),
        (
            "/econnect/v1/TWO/documents/RMCustomerMasterType?CUSTNMBR=C200&NAME=x",
            "RMCustomerMasterType is found by CUSTNMBR, not NAME",
        ),
    ] {
        let answer = get(sim, path);
        assert_eq!((answer.status, answer.body.as_str()), (400, message));
    }
    let unknown = get(sim, "/econnect/v1/TWO/documents/Nothing?X=1");
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.starts_with("unknown document type Nothing; the types are SOPTransactionType, "),
        "{}",
        unknown.body
    );
}

#[test]
fn the_changes_feed_pages_with_its_cursor() {
    let sim = fresh();
    let start = get(&sim, "/econnect/v1/TWO/changes").json();
    assert_eq!(start, json!({"changes": [], "next": "0", "more": false}), "seeded master data is not a change");
    let customer = econnect(&format!(
        "<RMCustomerMasterType><taUpdateCreateCustomerRcd>{}</taUpdateCreateCustomerRcd></RMCustomerMasterType>",
        elements(&[("CUSTNMBR", "CFEED"), ("CUSTNAME", "Feed customer")])
    ));
    assert_eq!(post_document(&sim, &customer).status, 200);
    let sku = sql(&sim, "SELECT ITEMNMBR FROM IV00101 WHERE ITEMTYPE = 1 ORDER BY ITEMNMBR LIMIT 1", &[]).unwrap();
    let on_hand = sql(&sim, "SELECT QTYONHND FROM IV00102 WHERE ITEMNMBR = ?1 AND LOCNCODE = 'MAIN'", &[&sku]).unwrap();
    assert_eq!(post_document(&sim, &invoice("T-FEED-1", &[(&sku, "3", "2")])).status, 200);
    let first = get(&sim, "/econnect/v1/TWO/changes?since=0&limit=2").json();
    assert_eq!(first["more"], true);
    assert_eq!(first["next"], "2");
    assert_eq!(first["changes"][0]["kind"], "customer");
    assert_eq!(first["changes"][0]["data"]["CUSTNAME"], "Feed customer");
    assert_eq!(first["changes"][1]["kind"], "item_quantity");
    assert_eq!(first["changes"][1]["keys"], json!({"ITEMNMBR": sku, "LOCNCODE": "MAIN"}));
    let data = &first["changes"][1]["data"];
    assert_eq!(data["QTYONHND"], on_hand);
    assert_eq!(data["ATYALLOC"], "3.00000");
    let available: rust_decimal::Decimal = data["available"].as_str().unwrap().parse().unwrap();
    assert_eq!(available, on_hand.parse::<rust_decimal::Decimal>().unwrap() - rust_decimal::Decimal::from(3));
    let rest = get(&sim, "/econnect/v1/TWO/changes?since=2").json();
    assert_eq!(rest["more"], false);
    assert_eq!(rest["next"], "3");
    assert_eq!(rest["changes"][0]["kind"], "sop_status");
    assert_eq!(rest["changes"][0]["data"]["DOCAMNT"], "6.00000");
    let bad = get(&sim, "/econnect/v1/TWO/changes?since=later");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body, "since=\"later\" is not a cursor this service gave (a whole number, 0 for the start)");
}

#[test]
fn next_numbers_skip_numbers_already_used() {
    let sim = fresh();
    let next = |series: &str| {
        post_empty(&sim, &format!("/econnect/v1/TWO/next-number/{series}")).json()["number"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(next("journal"), "1");
    let journal = econnect(&format!(
        "<GLTransactionType><taGLTransactionLineInsert_Items><taGLTransactionLineInsert>{}</taGLTransactionLineInsert></taGLTransactionLineInsert_Items><taGLTransactionHeaderInsert>{}</taGLTransactionHeaderInsert></GLTransactionType>",
        elements(&[("BACHNUMB", "B"), ("JRNENTRY", "2"), ("CRDTAMNT", "0"), ("DEBITAMT", "0")]),
        elements(&[("BACHNUMB", "B"), ("JRNENTRY", "2"), ("REFRENCE", "R"), ("TRXDATE", "2024-01-01"), ("TRXTYPE", "0")])
    ));
    assert_eq!(post_document(&sim, &journal).status, 200);
    assert_eq!(next("journal"), "3", "journal 2 was posted with its own number");
    assert_eq!(next("receipt"), "PYMNT00000001");
    assert_eq!(next("receipt"), "PYMNT00000002");
    assert_eq!(next("purchase-order"), "PO0000001");
    assert_eq!(next("purchase-receipt"), "RCT0000001");
    let unknown = post_empty(&sim, "/econnect/v1/TWO/next-number/invoice");
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.body,
        "no number series invoice; the series are journal, receipt, purchase-order, purchase-receipt"
    );
}

#[test]
fn fault_knobs_inject_each_failure_once() {
    let sim = fresh();
    let document = |n: u32| invoice(&format!("T-FAULT-{n}"), &[("NON-INVENTORY", "1", "1")]);
    let exists = |n: u32| {
        get(&sim, &format!("/econnect/v1/TWO/documents/SOPTransactionType?SOPTYPE=3&SOPNUMBE=T-FAULT-{n}")).status
    };

    // Document in use: eConnect's 2079, in its text, then the retry succeeds.
    set_faults(&sim, json!({"in_use": 1}));
    let in_use = post_document(&sim, &document(1));
    assert_eq!(in_use.error_number(), 2079);
    assert_eq!(in_use.description(), "The document is being edited by another user; try again when it is free");
    assert!(in_use.body.contains("Stored Procedure= taSopHdrIvcInsert"));
    assert_eq!(exists(1), 404);
    assert_eq!(post_document(&sim, &document(1)).status, 200);

    // A 500, then normal service.
    set_faults(&sim, json!({"server_error": 1}));
    assert_eq!(post_document(&sim, &document(2)).status, 500);
    assert_eq!(post_document(&sim, &document(2)).status, 200);

    // Unavailable: 503 with Retry-After.
    set_faults(&sim, json!({"unavailable": 1}));
    let response =
        client().get(format!("{}/econnect/v1/TWO/changes", sim.url())).bearer_auth(DEFAULT_TOKEN).send().unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "1");

    // The connection dropped before anything was done: no answer, nothing stored.
    set_faults(&sim, json!({"drop_before": 1}));
    let dropped = client()
        .post(format!("{}/econnect/v1/TWO/documents", sim.url()))
        .bearer_auth(DEFAULT_TOKEN)
        .body(document(3))
        .send();
    assert!(dropped.is_err(), "no answer: {dropped:?}");
    assert_eq!(exists(3), 404);

    // Dropped after the commit: no answer, but GP has the document, and posting again is a duplicate.
    set_faults(&sim, json!({"drop_after": 1}));
    let dropped = client()
        .post(format!("{}/econnect/v1/TWO/documents", sim.url()))
        .bearer_auth(DEFAULT_TOKEN)
        .body(document(4))
        .send();
    assert!(dropped.is_err(), "no answer: {dropped:?}");
    assert_eq!(exists(4), 200);
    assert_eq!(post_document(&sim, &document(4)).error_number(), 91104);

    // Slow answers while set; the counters left are readable.
    set_faults(&sim, json!({"slow_ms": 300, "in_use": 2}));
    let started = Instant::now();
    assert_eq!(get(&sim, "/econnect/v1/TWO/changes").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    let faults = client()
        .get(format!("{}/admin/faults", sim.url()))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap();
    assert_eq!(
        faults,
        json!({"in_use": 2, "slow_ms": 300, "server_error": 0, "unavailable": 0, "drop_before": 0, "drop_after": 0})
    );
    let bad = client()
        .put(format!("{}/admin/faults", sim.url()))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&json!({"explode": 1}))
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

/// The first line of a `gp-sim` process, and the process.
fn start_binary(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gp-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gp-sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    (child, line)
}

fn stop(mut child: std::process::Child) -> String {
    child.kill().unwrap();
    child.wait().unwrap();
    let mut output = String::new();
    child.stdout.take().unwrap().read_to_string(&mut output).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut output).unwrap();
    output
}

#[test]
fn the_binary_prints_its_address_first_and_keeps_gp_in_its_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gp.sqlite");
    let token = "s3cret-token-for-the-cli-test";
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--token",
        token,
        "--company",
        "ACME",
        "--db",
        db.to_str().unwrap(),
        "--fault-in-use",
        "1",
    ];
    let (child, line) = start_binary(&args);
    let address = line
        .strip_prefix("gp-sim listening on http://")
        .and_then(|a| a.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{line:?}"));
    let port: u16 =
        address.strip_prefix("127.0.0.1:").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line:?}"));
    assert_ne!(port, 0, "the real port, not the one asked for");
    let url = format!("http://{address}/econnect/v1/ACME/documents");
    let xml = invoice("T-CLI-1", &[("NON-INVENTORY", "1", "1")]);
    let post = || client().post(&url).bearer_auth(token).body(xml.clone()).send().unwrap();
    let first = post();
    assert_eq!(first.status().as_u16(), 422, "--fault-in-use 1");
    assert!(first.text().unwrap().contains("Error Number = 2079"));
    assert_eq!(post().status().as_u16(), 200);
    assert_eq!(client().post(&url).bearer_auth(DEFAULT_TOKEN).body(xml.clone()).send().unwrap().status().as_u16(), 401);
    let output = stop(child);
    assert!(!output.contains(token), "the token is never printed: {output}");

    // The same database file: the document is still there, and the seed is not applied twice.
    let (child, line) = start_binary(&args[..8]);
    let address = line.trim().strip_prefix("gp-sim listening on http://").unwrap().to_string();
    let answer = client()
        .post(format!("http://{address}/econnect/v1/ACME/documents"))
        .bearer_auth(token)
        .body(xml.clone())
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 422);
    assert!(answer.text().unwrap().contains("Error Number = 91104"));
    stop(child);
    let connection = rusqlite::Connection::open(&db).unwrap();
    let customers: i64 = connection.query_row("SELECT COUNT(*) FROM RM00101", [], |r| r.get(0)).unwrap();
    assert_eq!(customers, sandbox::generate::CONTACTS as i64);
}

#[test]
fn the_binary_refuses_an_address_it_cannot_listen_on() {
    let output = Command::new(env!("CARGO_BIN_EXE_gp-sim")).args(["--listen", "not-an-address"]).output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("gp-sim: listening on not-an-address:"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
