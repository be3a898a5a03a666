//! General ledger journals: GL10000 headers and GL10001 lines. A journal must balance.

use std::collections::BTreeSet;

use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::db::money;
use super::document::Node;
use super::error;
use super::post::{self, key, row, Kind, Posted, Row, Written};

use Kind::{Date, Int, Text};

const HEADER: &[(&str, &str, Kind)] = &[
    ("BACHNUMB", "BACHNUMB", Text),
    ("REFRENCE", "REFRENCE", Text),
    ("TRXDATE", "TRXDATE", Date),
    ("RVRSNGDT", "RVRSNGDT", Date),
    ("TRXTYPE", "TRXTYPE", Int),
    ("SERIES", "SERIES", Int),
    ("CURNCYID", "CURNCYID", Text),
    ("SOURCDOC", "SOURCDOC", Text),
];

const LINE: &[(&str, &str, Kind)] =
    &[("ACTINDX", "ACTINDX", Int), ("ACTNUMST", "ACTNUMST", Text), ("DSCRIPTN", "DSCRIPTN", Text)];

/// `taGLTransactionHeaderInsert` with its lines: a create only.
pub fn post(db: &Connection, header: &Node, lines: &[&Node]) -> Posted<Written> {
    let entry = header.int("JRNENTRY");
    if post::exists(db, "GL10000", &vec![("JRNENTRY", Sql::Integer(entry))])? {
        return Err(header
            .error(error::DUPLICATE_DOCUMENT, format!("Journal entry {entry} already exists in GL10000"), &["JRNENTRY"])
            .into());
    }
    let currency = key(header, "CURNCYID");
    let (mut debits, mut credits) = (Decimal::ZERO, Decimal::ZERO);
    let mut sequences = BTreeSet::new();
    let mut rows = Vec::new();
    for (position, line) in lines.iter().enumerate() {
        if line.int("JRNENTRY") != entry {
            return Err(line
                .error(
                    error::LINE_HEADER_MISMATCH,
                    format!("The line's JRNENTRY must be the header's, {entry}"),
                    &["JRNENTRY"],
                )
                .into());
        }
        let line_currency = key(line, "CURNCYID");
        if !line_currency.is_empty() && !currency.is_empty() && line_currency != currency {
            return Err(line
                .error(
                    error::CURRENCY_MISMATCH,
                    format!("The line's currency {line_currency} differs from the journal's currency {currency}"),
                    &["CURNCYID"],
                )
                .into());
        }
        // SQNCLINE 0 asks for the next sequence (16384 apart, as GP numbers lines).
        let sequence = match line.decimal("SQNCLINE") {
            s if s.is_zero() => Decimal::from((position as i64 + 1) * 16_384),
            s => s,
        };
        if !sequences.insert(sequence.normalize()) {
            return Err(line
                .error(
                    error::DUPLICATE_SEQUENCE_LINE,
                    "Two lines of the journal have the same sequence line number (SQNCLINE)",
                    &["SQNCLINE"],
                )
                .into());
        }
        let (debit, credit) = (line.decimal("DEBITAMT"), line.decimal("CRDTAMNT"));
        debits += debit;
        credits += credit;
        let mut fields: Row = vec![
            ("JRNENTRY", Sql::Integer(entry)),
            ("SQNCLINE", Sql::Text(money(sequence))),
            ("DEBITAMT", Sql::Text(money(debit))),
            ("CRDTAMNT", Sql::Text(money(credit))),
        ];
        fields.extend(row(line, LINE, false));
        rows.push(fields);
    }
    if debits != credits {
        return Err(header
            .error(
                error::JOURNAL_UNBALANCED,
                format!(
                    "The journal does not balance: debits {} and credits {}",
                    debits.normalize(),
                    credits.normalize()
                ),
                &["JRNENTRY"],
            )
            .into());
    }
    let mut fields: Row = vec![("JRNENTRY", Sql::Integer(entry))];
    fields.extend(row(header, HEADER, false));
    fields.push(("CREATDDT", Sql::Text(super::db::now(db)?)));
    post::insert(db, "GL10000", &fields)?;
    for fields in &rows {
        post::insert(db, "GL10001", fields)?;
    }
    Ok(Written::new(header, true, vec![("JRNENTRY", entry.to_string())]))
}
