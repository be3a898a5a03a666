//! GP's document numbering: the next journal entry (GL40000), cash receipt number (RM40401), purchase
//! order and receipt numbers (POP40100). A number already used by a document is skipped, as GP does.

use rusqlite::{Connection, OptionalExtension};

use super::db;

/// The series `POST /next-number/{series}` serves.
pub const SERIES: &[&str] = &["journal", "receipt", "purchase-order", "purchase-receipt"];

/// Text numbers count up in their trailing digits, keeping the width: `PYMNT00000009` -> `PYMNT00000010`.
pub fn increment(number: &str) -> String {
    let digits = number.chars().rev().take_while(|c| c.is_ascii_digit()).count();
    let (prefix, tail) = number.split_at(number.len() - digits);
    let next = tail.parse::<u128>().map(|n| n + 1).unwrap_or(1);
    format!("{prefix}{next:0width$}", width = digits)
}

/// Takes the next number of a series, or `None` for an unknown series.
pub fn next(db: &mut Connection, series: &str) -> rusqlite::Result<Option<String>> {
    let tx = db.transaction()?;
    let number = next_in(&tx, series)?;
    tx.commit()?;
    Ok(number)
}

/// Takes the next number of a series inside the caller's transaction.
pub fn next_in(tx: &Connection, series: &str) -> rusqlite::Result<Option<String>> {
    Ok(match series {
        "journal" => {
            let mut entry: i64 = tx.query_row("SELECT NJRNLENT FROM GL40000", [], |r| r.get(0))?;
            while db::exists(tx, "GL10000", &[("JRNENTRY", &entry)])? {
                entry += 1;
            }
            tx.execute("UPDATE GL40000 SET NJRNLENT = ?1", [entry + 1])?;
            Some(entry.to_string())
        }
        "receipt" => Some(take(tx, "RM40401", "DOCNUMBR", "RMDTYPAL = 9", "RM10201", "DOCNUMBR")?),
        "purchase-order" => Some(take(tx, "POP40100", "PONUMBER", "1 = 1", "POP10100", "PONUMBER")?),
        "purchase-receipt" => Some(take(tx, "POP40100", "POPRCTNM", "1 = 1", "POP10300", "POPRCTNM")?),
        _ => None,
    })
}

fn take(
    db: &Connection,
    setup: &str,
    column: &str,
    filter: &str,
    documents: &str,
    document_column: &str,
) -> rusqlite::Result<String> {
    let stored: Option<String> =
        db.query_row(&format!("SELECT {column} FROM {setup} WHERE {filter}"), [], |r| r.get(0)).optional()?;
    let mut number = stored.unwrap_or_else(|| "1".into());
    while db::exists(db, documents, &[(document_column, &number)])? {
        number = increment(&number);
    }
    db.execute(&format!("UPDATE {setup} SET {column} = ?1 WHERE {filter}"), [increment(&number)])?;
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::increment;

    #[test]
    fn numbers_count_up_in_their_digits() {
        assert_eq!(increment("PYMNT00000009"), "PYMNT00000010");
        assert_eq!(increment("INV999"), "INV1000");
        assert_eq!(increment("X"), "X1");
    }
}
