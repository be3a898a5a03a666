//! Inventory adjustments and variances (IV10000/IV10001). They change the quantity on hand at once: the
//! service has no posting step.

use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::db::{self, money};
use super::document::Node;
use super::error;
use super::post::{self, key, row, Kind, Posted, Row, Written};

use Kind::{Date, Text};

const HEADER: &[(&str, &str, Kind)] = &[("DOCDATE", "DOCDATE", Date), ("BACHNUMB", "BACHNUMB", Text)];

const LINE: &[(&str, &str, Kind)] = &[("ITEMNMBR", "ITEMNMBR", Text), ("Reason_Code", "Reason_Code", Text)];

/// IVDOCTYP: 1 adjustment, 2 variance. Transfers have a transaction type of their own.
const ADJUSTMENT_TYPES: [i64; 2] = [1, 2];

/// `taIVTransactionHeaderInsert` with its lines: a create only; each line adds TRXQTY (negative to take
/// stock out) to the item's quantity on hand at TRXLOCTN.
pub fn post(db: &Connection, header: &Node, lines: &[&Node]) -> Posted<Written> {
    let (kind, number) = (header.int("IVDOCTYP"), key(header, "IVDOCNBR"));
    if !ADJUSTMENT_TYPES.contains(&kind) {
        let description =
            format!("IVDOCTYP {kind} is not an adjustment (1) or a variance (2); this service takes only those");
        return Err(header.error(error::NOT_SUPPORTED, description, &["IVDOCTYP"]).into());
    }
    if number.is_empty() {
        let description = "IVDOCNBR is empty; this service does not number inventory documents, so send the number";
        return Err(header.error(error::REQUIRED_MISSING, description, &["IVDOCNBR"]).into());
    }
    let keys: Row = vec![("IVDOCTYP", Sql::Integer(kind)), ("IVDOCNBR", Sql::Text(number.clone()))];
    if post::exists(db, "IV10000", &keys)? {
        let description = format!("Inventory document {number} of IVDOCTYP {kind} already exists in IV10000");
        return Err(header.error(error::DUPLICATE_DOCUMENT, description, &["IVDOCTYP", "IVDOCNBR"]).into());
    }
    let mut fields = keys.clone();
    fields.extend(row(header, HEADER, false));
    post::insert(db, "IV10000", &fields)?;
    for (position, line) in lines.iter().enumerate() {
        if line.int("IVDOCTYP") != kind || key(line, "IVDOCNBR") != number {
            let description = format!("The line's IVDOCTYP and IVDOCNBR must be the header's ({kind}, {number})");
            return Err(line.error(error::LINE_HEADER_MISMATCH, description, &["IVDOCTYP", "IVDOCNBR"]).into());
        }
        post::require_item(db, line, "ITEMNMBR")?;
        let site = post::site(db, line, "TRXLOCTN", db::DEFAULT_SITE)?;
        let quantity = line.decimal("TRXQTY");
        let sequence = match line.decimal("LNSEQNBR") {
            s if s.is_zero() => Decimal::from((position as i64 + 1) * 16_384),
            s => s,
        };
        let mut fields = keys.clone();
        fields.push(("LNSEQNBR", Sql::Text(money(sequence))));
        fields.extend(row(line, LINE, false));
        fields.push(("TRXLOCTN", Sql::Text(site.clone())));
        fields.push(("TRXQTY", Sql::Text(money(quantity))));
        fields.push(("UNITCOST", Sql::Text(money(line.decimal("UNITCOST")))));
        post::insert(db, "IV10001", &fields)?;
        let item = key(line, "ITEMNMBR");
        if post::is_stock_item(db, &item)? {
            post::add_quantity(db, &item, &site, "QTYONHND", quantity)?;
        }
    }
    Ok(Written::new(header, true, vec![("IVDOCTYP", kind.to_string()), ("IVDOCNBR", number)]))
}
