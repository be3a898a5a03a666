//! What the gp-sim tests share: a simulator on loopback, an authenticated client, and documents.

#![allow(dead_code)]

use std::sync::OnceLock;

use sandbox::gp::{self, Config, Running};

/// A fresh simulator of its own (tests that set faults or need an untouched company).
pub fn fresh() -> Running {
    gp::start("127.0.0.1:0", &Config::default()).expect("the simulator starts")
}

/// One simulator for the tests of a file that only add documents of their own numbers: seeding takes
/// a moment, so it is done once.
pub fn shared() -> &'static Running {
    static SIM: OnceLock<Running> = OnceLock::new();
    SIM.get_or_init(fresh)
}

/// An answer: status, content type and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error number of a 422 answer.
    pub fn error_number(&self) -> u32 {
        assert_eq!(self.status, 422, "{}", self.body);
        let rest =
            self.body.split("Error Number = ").nth(1).unwrap_or_else(|| panic!("no error number: {}", self.body));
        rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{}", self.body))
    }

    /// The `Error Description = ...` text of a 422 answer.
    pub fn description(&self) -> &str {
        let rest =
            self.body.split("Error Description = ").nth(1).unwrap_or_else(|| panic!("no description: {}", self.body));
        rest.split("\r\n").next().unwrap_or("")
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
}

fn answer(response: reqwest::blocking::Response) -> Answer {
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    Answer { status, content_type, body: response.text().unwrap() }
}

/// POSTs a document with the default token.
pub fn post_document(sim: &Running, xml: &str) -> Answer {
    answer(
        client()
            .post(format!("{}/econnect/v1/TWO/documents", sim.url()))
            .bearer_auth(gp::DEFAULT_TOKEN)
            .header("content-type", "application/xml")
            .body(xml.to_string())
            .send()
            .unwrap(),
    )
}

/// GETs a path with the default token.
pub fn get(sim: &Running, path: &str) -> Answer {
    answer(client().get(format!("{}{path}", sim.url())).bearer_auth(gp::DEFAULT_TOKEN).send().unwrap())
}

/// POSTs to a path with no body, with the default token.
pub fn post_empty(sim: &Running, path: &str) -> Answer {
    answer(client().post(format!("{}{path}", sim.url())).bearer_auth(gp::DEFAULT_TOKEN).send().unwrap())
}

/// One value of a query on the simulator's database, as text.
pub fn sql(sim: &Running, query: &str, params: &[&dyn rusqlite::ToSql]) -> Option<String> {
    use rusqlite::OptionalExtension;
    sim.service.with_db(|db| {
        db.query_row(query, params, |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => format!("{other:?}"),
            })
        })
        .optional()
        .unwrap()
    })
}

/// `<eConnect>` around transactions.
pub fn econnect(transactions: &str) -> String {
    format!("<eConnect xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">{transactions}</eConnect>")
}

/// The transactions inside a whole document (to put several in one).
pub fn transactions(document: &str) -> &str {
    let inner = document.split_once('>').map(|(_, rest)| rest).unwrap_or(document);
    inner.strip_suffix("</eConnect>").unwrap_or(inner)
}

/// Elements of `node` in the schema's (XSD) order, values escaped.
pub fn in_xsd_order(node: &str, fields: &[(&str, &str)]) -> String {
    let def = mapc::schema::Registry::embedded().lookup(&format!("econnect.{node}")).unwrap();
    let position = |name: &str| {
        def.record.fields.iter().position(|f| f.name == name).unwrap_or_else(|| panic!("{node} has no {name}"))
    };
    let mut sorted = fields.to_vec();
    sorted.sort_by_key(|(name, _)| position(name));
    elements(&sorted)
}

/// Elements from `(name, value)` pairs, values escaped.
pub fn elements(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(n, v)| format!("<{n}>{}</{n}>", quick_xml::escape::escape(*v))).collect()
}

/// A SOP invoice (SOPTYPE 3) for customer C200 with one line per `(item, quantity, price)`, totals
/// consistent (tax 0), in the given currency.
pub fn invoice(number: &str, lines: &[(&str, &str, &str)]) -> String {
    sop_document(number, "C200", lines, &[])
}

/// A SOP invoice with extra header elements (appended in XSD order by the caller's choice of names).
pub fn sop_document(
    number: &str,
    customer: &str,
    lines: &[(&str, &str, &str)],
    header_extra: &[(&str, &str)],
) -> String {
    use rust_decimal::Decimal;
    let mut subtotal = Decimal::ZERO;
    let mut line_xml = String::new();
    for (i, (item, quantity, price)) in lines.iter().enumerate() {
        let q: Decimal = quantity.parse().unwrap();
        let p: Decimal = price.parse().unwrap();
        let extended = (q * p).round_dp(5);
        subtotal += extended;
        let sequence = ((i + 1) * 16384).to_string();
        line_xml.push_str(&format!(
            "<taSopLineIvcInsert>{}</taSopLineIvcInsert>",
            elements(&[
                ("SOPTYPE", "3"),
                ("SOPNUMBE", number),
                ("CUSTNMBR", customer),
                ("DOCDATE", "2024-05-01"),
                ("ITEMNMBR", item),
                ("UNITPRCE", price),
                ("XTNDPRCE", &extended.to_string()),
                ("QUANTITY", quantity),
                ("LNITMSEQ", &sequence),
            ])
        ));
    }
    let total = subtotal.to_string();
    let mut header = vec![
        ("SOPTYPE", "3"),
        ("DOCID", "STDINV"),
        ("SOPNUMBE", number),
        ("DOCDATE", "2024-05-01"),
        ("CUSTNMBR", customer),
        ("SUBTOTAL", total.as_str()),
        ("DOCAMNT", total.as_str()),
        ("BACHNUMB", "TESTS"),
    ];
    header.extend_from_slice(header_extra);
    econnect(&format!(
        "<SOPTransactionType><taSopLineIvcInsert_Items>{line_xml}</taSopLineIvcInsert_Items><taSopHdrIvcInsert>{}</taSopHdrIvcInsert></SOPTransactionType>",
        elements(&header)
    ))
}
