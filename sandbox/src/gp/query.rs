//! What clients read back: a document's existence and content, and the changes feed.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Map, Value as Json};

use super::db;

/// A document type of the existence GET: the query fields it needs, its main table and the tables of
/// its parts, all keyed by the same columns.
struct Lookup {
    name: &'static str,
    keys: &'static [&'static str],
    main: &'static str,
    parts: &'static [&'static str],
}

const LOOKUPS: &[Lookup] = &[
    Lookup {
        name: "SOPTransactionType",
        keys: &["SOPTYPE", "SOPNUMBE"],
        main: "SOP10100",
        parts: &["SOP10200", "SOP10107"],
    },
    Lookup { name: "RMCustomerMasterType", keys: &["CUSTNMBR"], main: "RM00101", parts: &["RM00102"] },
    Lookup { name: "IVItemMasterType", keys: &["ITEMNMBR"], main: "IV00101", parts: &["IV00102"] },
    Lookup { name: "PMVendorMasterType", keys: &["VENDORID"], main: "PM00200", parts: &[] },
    Lookup { name: "RMCashReceiptsType", keys: &["DOCNUMBR"], main: "RM10201", parts: &[] },
    Lookup { name: "GLTransactionType", keys: &["JRNENTRY"], main: "GL10000", parts: &["GL10001"] },
    Lookup { name: "POPTransactionType", keys: &["PONUMBER"], main: "POP10100", parts: &["POP10110"] },
    Lookup { name: "POPReceivingsType", keys: &["POPRCTNM"], main: "POP10300", parts: &["POP10310"] },
    Lookup {
        name: "IVInventoryTransactionType",
        keys: &["IVDOCTYP", "IVDOCNBR"],
        main: "IV10000",
        parts: &["IV10001"],
    },
];

/// Why a lookup has no answer.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    BadRequest(String),
    #[error("no such document")]
    NotFound,
    #[error("storage: {0}")]
    Store(#[from] rusqlite::Error),
}

/// The document of `type` whose key fields have the given values, as GP's tables hold it.
pub fn document(db: &Connection, kind: &str, query: &[(String, String)]) -> Result<Json, QueryError> {
    let Some(lookup) = LOOKUPS.iter().find(|l| l.name == kind) else {
        let known = LOOKUPS.iter().map(|l| l.name).collect::<Vec<_>>().join(", ");
        return Err(QueryError::BadRequest(format!("unknown document type {kind}; the types are {known}")));
    };
    let mut values = Vec::new();
    for key in lookup.keys {
        let Some((_, value)) = query.iter().find(|(k, _)| k == key) else {
            return Err(QueryError::BadRequest(format!(
                "{kind} is found by {}; {key} is missing",
                lookup.keys.join(" and ")
            )));
        };
        values.push(db::gp_text(value));
    }
    if let Some((unknown, _)) = query.iter().find(|(k, _)| !lookup.keys.contains(&k.as_str())) {
        return Err(QueryError::BadRequest(format!("{kind} is found by {}, not {unknown}", lookup.keys.join(" and "))));
    }
    let main = rows(db, lookup.main, lookup.keys, &values)?;
    let Some(record) = main.into_iter().next() else { return Err(QueryError::NotFound) };
    let mut tables = Map::new();
    tables.insert(lookup.main.into(), Json::Array(vec![record]));
    for part in lookup.parts {
        tables.insert(part.to_string(), Json::Array(rows(db, part, lookup.keys, &values)?));
    }
    let keys: Map<String, Json> =
        lookup.keys.iter().zip(&values).map(|(k, v)| (k.to_string(), Json::String(v.clone()))).collect();
    Ok(json!({ "type": kind, "keys": keys, "tables": tables }))
}

/// The rows of a table matching key columns, each column by its GP name. Integers stay numbers;
/// decimals are text, exact.
fn rows(db: &Connection, table: &str, keys: &[&str], values: &[String]) -> rusqlite::Result<Vec<Json>> {
    let condition = keys.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    // Cash receipts are RM documents of type 9 (payments).
    let extra = if table == "RM10201" { " AND RMDTYPAL = 9" } else { "" };
    let mut statement = db.prepare(&format!("SELECT * FROM {table} WHERE {condition}{extra} ORDER BY rowid"))?;
    let names: Vec<String> = statement.column_names().iter().map(|s| s.to_string()).collect();
    let params: Vec<&dyn rusqlite::ToSql> = values.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
    let mut out = Vec::new();
    let mut result = statement.query(params.as_slice())?;
    while let Some(row) = result.next()? {
        out.push(row_json(row, &names)?);
    }
    Ok(out)
}

fn row_json(row: &rusqlite::Row, names: &[String]) -> rusqlite::Result<Json> {
    let mut object = Map::new();
    for (i, name) in names.iter().enumerate() {
        let value = match row.get_ref(i)? {
            ValueRef::Integer(n) => Json::from(n),
            ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Null => Json::Null,
            ValueRef::Real(_) | ValueRef::Blob(_) => Json::Null,
        };
        object.insert(name.clone(), value);
    }
    Ok(Json::Object(object))
}

/// The most changes one page of the feed holds.
pub const PAGE: i64 = 500;

/// Changes after `since` (a cursor from an earlier answer; `0` for the start), each with the record's
/// current state, and the cursor to ask with next.
pub fn changes(db: &Connection, since: &str, limit: Option<i64>) -> Result<Json, QueryError> {
    let since: i64 = since.trim().parse().ok().filter(|n: &i64| *n >= 0).ok_or_else(|| {
        QueryError::BadRequest(format!(
            "since={since:?} is not a cursor this service gave (a whole number, 0 for the start)"
        ))
    })?;
    let limit = limit.unwrap_or(PAGE).clamp(1, PAGE);
    let mut statement =
        db.prepare("SELECT DEX_ROW_ID, DOCTYPE, INDEX1, INDEX2, CHANGED FROM eConnect_Out WHERE DEX_ROW_ID > ?1 ORDER BY DEX_ROW_ID LIMIT ?2")?;
    let entries: Vec<(i64, String, String, String, String)> = statement
        .query_map([since, limit + 1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let more = entries.len() as i64 > limit;
    let mut next = since;
    let mut changes = Vec::new();
    for (id, kind, index1, index2, changed) in entries.into_iter().take(limit as usize) {
        next = id;
        let (keys, data) = match kind.as_str() {
            "item_quantity" => (json!({"ITEMNMBR": index1, "LOCNCODE": index2}), item_quantity(db, &index1, &index2)?),
            "customer" => (
                json!({"CUSTNMBR": index1}),
                rows(db, "RM00101", &["CUSTNMBR"], std::slice::from_ref(&index1))?.into_iter().next(),
            ),
            "sop_status" => (json!({"SOPTYPE": index1, "SOPNUMBE": index2}), sop_status(db, &index1, &index2)?),
            _ => continue,
        };
        changes.push(json!({"cursor": id.to_string(), "kind": kind, "changed": changed, "keys": keys, "data": data}));
    }
    Ok(json!({ "changes": changes, "next": next.to_string(), "more": more }))
}

fn item_quantity(db: &Connection, item: &str, site: &str) -> rusqlite::Result<Option<Json>> {
    db.query_row("SELECT QTYONHND, ATYALLOC FROM IV00102 WHERE ITEMNMBR = ?1 AND LOCNCODE = ?2", [item, site], |r| {
        let (on_hand, allocated): (String, String) = (r.get(0)?, r.get(1)?);
        let available = db::money(db::decimal(&on_hand) - db::decimal(&allocated));
        Ok(json!({"QTYONHND": on_hand, "ATYALLOC": allocated, "available": available}))
    })
    .optional()
}

fn sop_status(db: &Connection, soptype: &str, number: &str) -> rusqlite::Result<Option<Json>> {
    let header = db
        .query_row(
            "SELECT CUSTNMBR, DOCAMNT, VOIDSTTS, MODIFDT FROM SOP10100 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2",
            rusqlite::params![soptype, number],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?)),
        )
        .optional()?;
    let Some((customer, amount, void, modified)) = header else { return Ok(None) };
    let mut statement =
        db.prepare("SELECT Tracking_Number FROM SOP10107 WHERE SOPTYPE = ?1 AND SOPNUMBE = ?2 ORDER BY rowid")?;
    let tracking: Vec<String> =
        statement.query_map(rusqlite::params![soptype, number], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let status = if void == 1 { "voided" } else { "unposted" };
    Ok(Some(json!({
        "status": status, "CUSTNMBR": customer, "DOCAMNT": amount, "VOIDSTTS": void, "MODIFDT": modified,
        "tracking_numbers": tracking,
    })))
}
