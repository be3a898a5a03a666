//! Cash receipts (RM10201), applied to nothing yet: GP keeps them as unposted receivables work.

use rusqlite::types::Value as Sql;
use rusqlite::Connection;

use super::document::Node;
use super::error;
use super::numbers;
use super::post::{self, key, row, Kind, Posted, Row, Written};

use Kind::{Date, Int, Money, Text};

/// GP's RM document type of a payment.
const PAYMENT: i64 = 9;

const RECEIPT: &[(&str, &str, Kind)] = &[
    ("CUSTNMBR", "CUSTNMBR", Text),
    ("DOCDATE", "DOCDATE", Date),
    ("GLPOSTDT", "GLPOSTDT", Date),
    ("ORTRXAMT", "ORTRXAMT", Money),
    ("BACHNUMB", "BACHNUMB", Text),
    ("CSHRCTYP", "CSHRCTYP", Int),
    ("CHEKBKID", "CHEKBKID", Text),
    ("CHEKNMBR", "CHEKNMBR", Text),
    ("CRCARDID", "CRCARDID", Text),
    ("TRXDSCRN", "TRXDSCRN", Text),
    ("CURNCYID", "CURNCYID", Text),
];

/// `taRMCashReceiptInsert`: a create only; an empty DOCNUMBR takes the next receipt number.
pub fn post(db: &Connection, node: &Node) -> Posted<Written> {
    post::require_customer(db, node, "CUSTNMBR")?;
    let mut number = key(node, "DOCNUMBR");
    if number.is_empty() {
        number = numbers::next_in(db, "receipt")?.unwrap_or_default();
    }
    let keys: Row = vec![("RMDTYPAL", Sql::Integer(PAYMENT)), ("DOCNUMBR", Sql::Text(number.clone()))];
    if post::exists(db, "RM10201", &keys)? {
        return Err(node
            .error(error::DUPLICATE_DOCUMENT, format!("Cash receipt {number} already exists in RM10201"), &["DOCNUMBR"])
            .into());
    }
    let mut all = keys;
    all.extend(row(node, RECEIPT, false));
    all.push(("CREATDDT", Sql::Text(super::db::now(db)?)));
    post::insert(db, "RM10201", &all)?;
    Ok(Written::new(node, true, vec![("DOCNUMBR", number)]))
}
