//! Purchasing: purchase orders (POP10100/POP10110) and receipts (POP10300/POP10310). A receipt of a stock
//! item adds to the site's quantity on hand at once: the service has no posting step.

use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::db::{self, money};
use super::document::Node;
use super::error;
use super::post::{self, key, row, Kind, Posted, Row, Written};

use Kind::{Date, Int, Money, Text};

const ORDER: &[(&str, &str, Kind)] = &[
    ("POTYPE", "POTYPE", Int),
    ("VENDORID", "VENDORID", Text),
    ("VENDNAME", "VENDNAME", Text),
    ("DOCDATE", "DOCDATE", Date),
    ("BUYERID", "BUYERID", Text),
    ("CURNCYID", "CURNCYID", Text),
    ("TRDISAMT", "TRDISAMT", Money),
    ("FRTAMNT", "FRTAMNT", Money),
    ("MSCCHAMT", "MSCCHAMT", Money),
    ("TAXAMNT", "TAXAMNT", Money),
];

const ORDER_LINE: &[(&str, &str, Kind)] = &[
    ("ITEMNMBR", "ITEMNMBR", Text),
    ("ITEMDESC", "ITEMDESC", Text),
    ("VENDORID", "VENDORID", Text),
    ("VNDITNUM", "VNDITNUM", Text),
    ("UOFM", "UOFM", Text),
    ("QUANTITY", "QTYORDER", Money),
    ("QTYCANCE", "QTYCANCE", Money),
    ("UNITCOST", "UNITCOST", Money),
    ("NONINVEN", "NONINVEN", Int),
];

const RECEIPT: &[(&str, &str, Kind)] = &[
    ("POPTYPE", "POPTYPE", Int),
    ("VNDDOCNM", "VNDDOCNM", Text),
    ("receiptdate", "receiptdate", Date),
    ("BACHNUMB", "BACHNUMB", Text),
    ("VENDORID", "VENDORID", Text),
    ("VENDNAME", "VENDNAME", Text),
    ("CURNCYID", "CURNCYID", Text),
];

const RECEIPT_LINE: &[(&str, &str, Kind)] = &[
    ("PONUMBER", "PONUMBER", Text),
    ("ITEMNMBR", "ITEMNMBR", Text),
    ("ITEMDESC", "ITEMDESC", Text),
    ("VENDORID", "VENDORID", Text),
    ("UOFM", "UOFM", Text),
    ("QTYSHPPD", "QTYSHPPD", Money),
    ("UNITCOST", "UNITCOST", Money),
    ("NONINVEN", "NONINVEN", Int),
];

/// A line's common checks: it belongs to the header, its currency agrees, its item exists.
fn check_line(db: &Connection, header: &Node, line: &Node, number_element: &str) -> Posted<()> {
    if key(line, number_element) != key(header, number_element) || key(line, "VENDORID") != key(header, "VENDORID") {
        return Err(line
            .error(
                error::LINE_HEADER_MISMATCH,
                format!(
                    "The line's {number_element} and VENDORID must be the header's ({}, {})",
                    key(header, number_element),
                    key(header, "VENDORID")
                ),
                &[number_element, "VENDORID"],
            )
            .into());
    }
    let (currency, line_currency) = (key(header, "CURNCYID"), key(line, "CURNCYID"));
    if !line_currency.is_empty() && line_currency != currency {
        return Err(line
            .error(
                error::CURRENCY_MISMATCH,
                format!("The line's currency {line_currency} differs from the document's currency {currency}"),
                &["CURNCYID"],
            )
            .into());
    }
    if line.int("NONINVEN") != 1 {
        post::require_item(db, line, "ITEMNMBR")?;
    }
    Ok(())
}

/// `taPoHdr` with its `taPoLine`s: a create, or an update with UpdateIfExists=1.
pub fn post_order(db: &Connection, header: &Node, lines: &[&Node]) -> Posted<Written> {
    post::require_vendor(db, header, "VENDORID")?;
    let number = key(header, "PONUMBER");
    let keys: Row = vec![("PONUMBER", Sql::Text(number.clone()))];
    let found = post::exists(db, "POP10100", &keys)?;
    if found && header.int("UpdateIfExists") != 1 {
        return Err(header
            .error(
                error::DUPLICATE_DOCUMENT,
                format!("Purchase order {number} already exists in POP10100, and UpdateIfExists is 0"),
                &["PONUMBER"],
            )
            .into());
    }
    let mut subtotal = Decimal::ZERO;
    let mut rows = Vec::new();
    for (position, line) in lines.iter().enumerate() {
        check_line(db, header, line, "PONUMBER")?;
        let site = post::site(db, line, "LOCNCODE", db::DEFAULT_SITE)?;
        let extended = (line.decimal("UNITCOST") * line.decimal("QUANTITY")).round_dp(5);
        subtotal += extended;
        let order = match line.int("ORD") {
            0 => (position as i64 + 1) * 16_384,
            given => given,
        };
        let mut fields: Row = vec![("PONUMBER", Sql::Text(number.clone())), ("ORD", Sql::Integer(order))];
        fields.extend(row(line, ORDER_LINE, false));
        fields.push(("LOCNCODE", Sql::Text(site)));
        fields.push(("EXTDCOST", Sql::Text(money(extended))));
        rows.push(fields);
    }
    let mut fields = row(header, ORDER, false);
    if !header.has("POTYPE") {
        fields.retain(|(c, _)| *c != "POTYPE");
    }
    let sent_subtotal = header.has("SUBTOTAL").then(|| header.decimal("SUBTOTAL"));
    fields.push(("SUBTOTAL", Sql::Text(money(sent_subtotal.unwrap_or(subtotal)))));
    let now = db::now(db)?;
    fields.push(("MODIFDT", Sql::Text(now.clone())));
    if found {
        post::update(db, "POP10100", &fields, &keys)?;
        db.execute("DELETE FROM POP10110 WHERE PONUMBER = ?1", [&number])?;
    } else {
        let mut all = keys;
        all.extend(fields);
        all.push(("CREATDDT", Sql::Text(now)));
        post::insert(db, "POP10100", &all)?;
    }
    for fields in &rows {
        post::insert(db, "POP10110", fields)?;
    }
    Ok(Written::new(header, !found, vec![("PONUMBER", number)]))
}

/// `taPopRcptHdrInsert` with its `taPopRcptLineInsert`s: a create only.
pub fn post_receipt(db: &Connection, header: &Node, lines: &[&Node]) -> Posted<Written> {
    post::require_vendor(db, header, "VENDORID")?;
    let number = key(header, "POPRCTNM");
    let keys: Row = vec![("POPRCTNM", Sql::Text(number.clone()))];
    if post::exists(db, "POP10300", &keys)? {
        return Err(header
            .error(error::DUPLICATE_DOCUMENT, format!("Receipt {number} already exists in POP10300"), &["POPRCTNM"])
            .into());
    }
    let mut subtotal = Decimal::ZERO;
    for (position, line) in lines.iter().enumerate() {
        check_line(db, header, line, "POPRCTNM")?;
        let order = key(line, "PONUMBER");
        if !order.is_empty() && !post::exists(db, "POP10100", &vec![("PONUMBER", Sql::Text(order.clone()))])? {
            return Err(line
                .error(
                    error::DOCUMENT_MISSING,
                    format!("Purchase order {order} does not exist in POP10100"),
                    &["PONUMBER"],
                )
                .into());
        }
        let site = post::site(db, line, "LOCNCODE", db::DEFAULT_SITE)?;
        let quantity = line.decimal("QTYSHPPD");
        let extended = if line.has("EXTDCOST") {
            line.decimal("EXTDCOST")
        } else {
            (line.decimal("UNITCOST") * quantity).round_dp(5)
        };
        subtotal += extended;
        let number_of_line = match line.int("RCPTLNNM") {
            0 => (position as i64 + 1) * 16_384,
            given => given,
        };
        let mut fields: Row = vec![("POPRCTNM", Sql::Text(number.clone())), ("RCPTLNNM", Sql::Integer(number_of_line))];
        fields.extend(row(line, RECEIPT_LINE, false));
        fields.push(("LOCNCODE", Sql::Text(site.clone())));
        fields.push(("EXTDCOST", Sql::Text(money(extended))));
        post::insert(db, "POP10310", &fields)?;
        let item = key(line, "ITEMNMBR");
        if line.int("NONINVEN") != 1 && post::is_stock_item(db, &item)? {
            post::add_quantity(db, &item, &site, "QTYONHND", quantity)?;
        }
    }
    let mut fields = keys;
    fields.extend(row(header, RECEIPT, false));
    let sent_subtotal = header.has("SUBTOTAL").then(|| header.decimal("SUBTOTAL"));
    fields.push(("SUBTOTAL", Sql::Text(money(sent_subtotal.unwrap_or(subtotal)))));
    fields.push(("CREATDDT", Sql::Text(db::now(db)?)));
    post::insert(db, "POP10300", &fields)?;
    Ok(Written::new(header, true, vec![("POPRCTNM", number)]))
}
