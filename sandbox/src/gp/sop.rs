//! Sales (SOP) documents: SOP10100 headers, SOP10200 lines, SOP10107 tracking numbers, and the
//! allocation of stock (IV00102.ATYALLOC) by orders, invoices, back orders and fulfillment orders.

use std::collections::BTreeSet;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::db::{self, money};
use super::document::Node;
use super::error;
use super::numbers::increment;
use super::post::{self, key, row, Kind, Posted, Row, Written};

use Kind::{Date, Int, Money, Text};

const HEADER: &[(&str, &str, Kind)] = &[
    ("DOCID", "DOCID", Text),
    ("ORIGTYPE", "ORIGTYPE", Int),
    ("ORIGNUMB", "ORIGNUMB", Text),
    ("DOCDATE", "DOCDATE", Date),
    ("CUSTNMBR", "CUSTNMBR", Text),
    ("CUSTNAME", "CUSTNAME", Text),
    ("CSTPONBR", "CSTPONBR", Text),
    ("ShipToName", "ShipToName", Text),
    ("ADDRESS1", "ADDRESS1", Text),
    ("ADDRESS2", "ADDRESS2", Text),
    ("ADDRESS3", "ADDRESS3", Text),
    ("CITY", "CITY", Text),
    ("STATE", "STATE", Text),
    ("ZIPCODE", "ZIPCODE", Text),
    ("COUNTRY", "COUNTRY", Text),
    ("BACHNUMB", "BACHNUMB", Text),
    ("LOCNCODE", "LOCNCODE", Text),
    ("TAXSCHID", "TAXSCHID", Text),
    ("CURNCYID", "CURNCYID", Text),
    ("REFRENCE", "REFRENCE", Text),
    ("SUBTOTAL", "SUBTOTAL", Money),
    ("TRDISAMT", "TRDISAMT", Money),
    ("FREIGHT", "FRTAMNT", Money),
    ("MISCAMNT", "MISCAMNT", Money),
    ("TAXAMNT", "TAXAMNT", Money),
    ("DOCAMNT", "DOCAMNT", Money),
    ("PYMTRCVD", "PYMTRCVD", Money),
];

const LINE: &[(&str, &str, Kind)] = &[
    ("ITEMNMBR", "ITEMNMBR", Text),
    ("ITEMDESC", "ITEMDESC", Text),
    ("NONINVEN", "NONINVEN", Int),
    ("UOFM", "UOFM", Text),
    ("QUANTITY", "QUANTITY", Money),
    ("UNITPRCE", "UNITPRCE", Money),
    ("TAXAMNT", "TAXAMNT", Money),
    ("UNITCOST", "UNITCOST", Money),
    ("TAXSCHID", "ITMTSHID", Text),
];

/// GP's line sequence step: lines are numbered 16384, 32768, ...
const LINE_STEP: i64 = 16_384;

/// SOP types whose lines allocate stock: orders, invoices, back orders, fulfillment orders.
fn allocates(soptype: i64) -> bool {
    matches!(soptype, 2 | 3 | 5 | 6)
}

/// A document's identity.
type DocKey = (i64, String);

/// Posts one SOPTransactionType's header, lines and tracking numbers.
pub fn post(db: &Connection, header: Option<&Node>, lines: &[&Node], tracking: &[&Node]) -> Posted<Vec<Written>> {
    let mut written = Vec::new();
    let mut touched: BTreeSet<DocKey> = BTreeSet::new();
    // The header's number, which lines with an empty SOPNUMBE take (eConnect's automatic numbering).
    let mut assigned = None;
    if let Some(header) = header {
        let (doc, created) = post_header(db, header, lines)?;
        assigned = Some(doc.1.clone());
        written.push(Written::new(header, created, vec![("SOPTYPE", doc.0.to_string()), ("SOPNUMBE", doc.1.clone())]));
        touched.insert(doc);
    }
    for line in lines {
        let number = match key(line, "SOPNUMBE") {
            number if number.is_empty() => assigned.clone().unwrap_or_default(),
            number => number,
        };
        let doc = (line.int("SOPTYPE"), number);
        post_line(db, header, line, &doc)?;
        if header.is_none() && touched.insert(doc.clone()) {
            written.push(Written::new(line, false, vec![("SOPTYPE", doc.0.to_string()), ("SOPNUMBE", doc.1.clone())]));
        }
    }
    for entry in tracking {
        let doc = (entry.int("SOPTYPE"), key(entry, "SOPNUMBE"));
        require_document(db, entry, &doc)?;
        let number = key(entry, "Tracking_Number");
        let created = db.execute(
            "INSERT OR IGNORE INTO SOP10107 (SOPTYPE, SOPNUMBE, Tracking_Number) VALUES (?1, ?2, ?3)",
            rusqlite::params![doc.0, doc.1, number],
        )? == 1;
        written.push(Written::new(
            entry,
            created,
            vec![("SOPTYPE", doc.0.to_string()), ("SOPNUMBE", doc.1.clone()), ("Tracking_Number", number)],
        ));
        touched.insert(doc);
    }
    for doc in &touched {
        let blame = header.or(lines.first().copied()).or(tracking.first().copied());
        if let Some(node) = blame {
            check_totals(db, node, doc)?;
        }
        db::log_change(db, "sop_status", &doc.0.to_string(), &doc.1, db::UPDATED)?;
    }
    Ok(written)
}

fn keys(doc: &DocKey) -> Row {
    vec![("SOPTYPE", Sql::Integer(doc.0)), ("SOPNUMBE", Sql::Text(doc.1.clone()))]
}

fn require_document(db: &Connection, node: &Node, doc: &DocKey) -> Posted<()> {
    if !post::exists(db, "SOP10100", &keys(doc))? {
        return Err(node
            .error(
                error::DOCUMENT_MISSING,
                format!("SOP document {} of SOPTYPE {} does not exist in SOP10100", doc.1, doc.0),
                &["SOPTYPE", "SOPNUMBE"],
            )
            .into());
    }
    Ok(())
}

/// Writes the header: creates it, or replaces it when UpdateExisting=1; a create whose number exists is
/// refused.
fn post_header(db: &Connection, header: &Node, lines: &[&Node]) -> Posted<(DocKey, bool)> {
    let soptype = header.int("SOPTYPE");
    let docid = key(header, "DOCID");
    let next: Option<String> = db
        .query_row(
            "SELECT SOPNUMBE FROM SOP40200 WHERE SOPTYPE = ?1 AND DOCID = ?2",
            rusqlite::params![soptype, docid],
            |r| r.get(0),
        )
        .optional()?;
    let Some(next) = next else {
        return Err(header
            .error(
                error::DOCUMENT_ID_MISSING,
                format!("Document ID {docid} is not set up for SOPTYPE {soptype} in SOP40200"),
                &["DOCID"],
            )
            .into());
    };
    post::require_customer(db, header, "CUSTNMBR")?;
    let mut number = key(header, "SOPNUMBE");
    if number.is_empty() {
        // eConnect's automatic numbering: the DOCID's next number, skipping numbers in use.
        number = next;
        while post::exists(db, "SOP10100", &keys(&(soptype, number.clone())))? {
            number = increment(&number);
        }
        db.execute(
            "UPDATE SOP40200 SET SOPNUMBE = ?3 WHERE SOPTYPE = ?1 AND DOCID = ?2",
            rusqlite::params![soptype, docid, increment(&number)],
        )?;
    }
    // Lines belong to the header: its type, number and customer. With an empty header SOPNUMBE (a number
    // eConnect assigns), the lines' SOPNUMBE is empty too.
    let sent_number = key(header, "SOPNUMBE");
    for line in lines {
        let line_number = key(line, "SOPNUMBE");
        let same_number = if sent_number.is_empty() { line_number.is_empty() } else { line_number == number };
        if line.int("SOPTYPE") != soptype || !same_number || key(line, "CUSTNMBR") != key(header, "CUSTNMBR") {
            let description = format!(
                "The line's SOPTYPE, SOPNUMBE and CUSTNMBR must be the header's ({soptype}, {number}, {})",
                key(header, "CUSTNMBR")
            );
            return Err(line
                .error(error::LINE_HEADER_MISMATCH, description, &["SOPTYPE", "SOPNUMBE", "CUSTNMBR"])
                .into());
        }
    }
    let doc = (soptype, number);
    let found = post::exists(db, "SOP10100", &keys(&doc))?;
    if found && header.int("UpdateExisting") != 1 {
        return Err(header
            .error(
                error::DUPLICATE_DOCUMENT,
                format!(
                    "SOP document {} of SOPTYPE {soptype} already exists in SOP10100, and UpdateExisting is 0",
                    doc.1
                ),
                &["SOPTYPE", "SOPNUMBE"],
            )
            .into());
    }
    let now = db::now(db)?;
    let mut fields = row(header, HEADER, false);
    fields.push(("MODIFDT", Sql::Text(now.clone())));
    if found {
        post::update(db, "SOP10100", &fields, &keys(&doc))?;
    } else {
        let mut all = keys(&doc);
        all.extend(fields);
        all.push(("CREATDDT", Sql::Text(now)));
        post::insert(db, "SOP10100", &all)?;
    }
    Ok((doc, !found))
}

/// The stored header's currency and site, for lines.
fn stored_header(db: &Connection, doc: &DocKey) -> rusqlite::Result<Option<(String, String)>> {
    db.query_row(
        "SELECT CURNCYID, LOCNCODE FROM SOP10100 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2",
        rusqlite::params![doc.0, doc.1],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// A stored line: sequence, item, site, quantity.
type StoredLine = (i64, String, String, Decimal);

fn stored_lines(db: &Connection, doc: &DocKey) -> rusqlite::Result<Vec<StoredLine>> {
    let mut statement =
        db.prepare("SELECT LNITMSEQ, ITEMNMBR, LOCNCODE, QUANTITY FROM SOP10200 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2 AND CMPNTSEQ = 0")?;
    let rows = statement.query_map(rusqlite::params![doc.0, doc.1], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, db::decimal(&r.get::<_, String>(3)?)))
    })?;
    rows.collect()
}

fn post_line(db: &Connection, header: Option<&Node>, line: &Node, doc: &DocKey) -> Posted<()> {
    let Some((currency, header_site)) = stored_header(db, doc)? else {
        return Err(line
            .error(
                error::DOCUMENT_MISSING,
                format!("SOP document {} of SOPTYPE {} does not exist in SOP10100", doc.1, doc.0),
                &["SOPTYPE", "SOPNUMBE"],
            )
            .into());
    };
    let line_currency = key(line, "CURNCYID");
    if !line_currency.is_empty() && line_currency != currency {
        return Err(line
            .error(
                error::CURRENCY_MISMATCH,
                format!("The line's currency {line_currency} differs from the document's currency {currency}"),
                &["CURNCYID"],
            )
            .into());
    }
    if line.has("MRKDNPCT") && header.is_none_or(|h| h.int("DEFPRICING") != 1) {
        return Err(line
            .error(error::MARKDOWN_WITHOUT_PRICING, "MRKDNPCT needs DEFPRICING = 1 on the header", &["MRKDNPCT"])
            .into());
    }
    let non_inventory = line.int("NONINVEN") == 1;
    if !non_inventory {
        post::require_item(db, line, "ITEMNMBR")?;
    }
    let fallback = if header_site.is_empty() { db::DEFAULT_SITE.to_string() } else { header_site };
    let site = post::site(db, line, "LOCNCODE", &fallback)?;
    let item = key(line, "ITEMNMBR");
    let stored = stored_lines(db, doc)?;
    let update = line.int("UpdateIfExists") == 1;
    let sequence = match line.int("LNITMSEQ") {
        0 if update => stored.iter().find(|(_, i, _, _)| *i == item).map(|(s, _, _, _)| *s),
        0 => None,
        given => Some(given),
    }
    .unwrap_or_else(|| stored.iter().map(|(s, _, _, _)| *s).max().unwrap_or(0) + LINE_STEP);
    let previous = stored.iter().find(|(s, _, _, _)| *s == sequence);
    if let Some((_, stored_item, _, _)) = previous {
        if !update {
            return Err(line
                .error(
                    error::DUPLICATE_DOCUMENT,
                    format!("Line {sequence} of SOP document {} already exists, and UpdateIfExists is 0", doc.1),
                    &["LNITMSEQ"],
                )
                .into());
        }
        if *stored_item != item {
            return Err(line
                .error(
                    error::LINE_ITEM_CHANGED,
                    format!("Line {sequence} holds item {stored_item}, not {item}"),
                    &["ITEMNMBR", "LNITMSEQ"],
                )
                .into());
        }
    }
    let quantity = line.decimal("QUANTITY");
    let extended = if line.int("DEFEXTPRICE") == 1 {
        (line.decimal("UNITPRCE") * quantity).round_dp(5)
    } else {
        line.decimal("XTNDPRCE")
    };
    let mut fields = row(line, LINE, false);
    fields.push(("LOCNCODE", Sql::Text(site.clone())));
    fields.push(("XTNDPRCE", Sql::Text(money(extended))));
    let line_keys: Row = vec![
        ("SOPTYPE", Sql::Integer(doc.0)),
        ("SOPNUMBE", Sql::Text(doc.1.clone())),
        ("LNITMSEQ", Sql::Integer(sequence)),
        ("CMPNTSEQ", Sql::Integer(0)),
    ];
    if allocates(doc.0) && !non_inventory && post::is_stock_item(db, &item)? {
        if let Some((_, _, old_site, old_quantity)) = previous {
            post::add_quantity(db, &item, old_site, "ATYALLOC", -*old_quantity)?;
        }
        post::add_quantity(db, &item, &site, "ATYALLOC", quantity)?;
    }
    if previous.is_some() {
        post::update(db, "SOP10200", &fields, &line_keys)?;
    } else {
        let mut all = line_keys;
        all.extend(fields);
        post::insert(db, "SOP10200", &all)?;
    }
    Ok(())
}

/// Our reading of GP (no documented eConnect rule): SUBTOTAL is the sum of the lines' XTNDPRCE, and
/// DOCAMNT = SUBTOTAL - TRDISAMT + FREIGHT + MISCAMNT + TAXAMNT. Checked on the document as stored,
/// so an update that adds a line must send the new totals too.
fn check_totals(db: &Connection, node: &Node, doc: &DocKey) -> Posted<()> {
    let header: Option<[String; 6]> = db
        .query_row(
            "SELECT SUBTOTAL, TRDISAMT, FRTAMNT, MISCAMNT, TAXAMNT, DOCAMNT FROM SOP10100 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2",
            rusqlite::params![doc.0, doc.1],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?]),
        )
        .optional()?;
    let Some(header) = header else { return Ok(()) };
    let [subtotal, discount, freight, misc, tax, total] = header.map(|t| db::decimal(&t));
    let mut statement = db.prepare("SELECT XTNDPRCE FROM SOP10200 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2")?;
    let lines: Decimal = statement
        .query_map(rusqlite::params![doc.0, doc.1], |r| r.get::<_, String>(0))?
        .map(|t| t.map(|t| db::decimal(&t)))
        .sum::<rusqlite::Result<Decimal>>()?;
    if subtotal != lines {
        return Err(node
            .error(
                error::SOP_TOTALS,
                format!(
                    "SUBTOTAL {} is not the sum of the lines' XTNDPRCE, {}",
                    subtotal.normalize(),
                    lines.normalize()
                ),
                &["SUBTOTAL"],
            )
            .into());
    }
    let expected = subtotal - discount + freight + misc + tax;
    if total != expected {
        return Err(node
            .error(
                error::SOP_TOTALS,
                format!(
                    "DOCAMNT {} is not SUBTOTAL - TRDISAMT + FREIGHT + MISCAMNT + TAXAMNT, {}",
                    total.normalize(),
                    expected.normalize()
                ),
                &["DOCAMNT", "SUBTOTAL", "TRDISAMT", "FREIGHT", "MISCAMNT", "TAXAMNT"],
            )
            .into());
    }
    Ok(())
}
