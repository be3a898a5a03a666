//! Posting a validated document: GP's rules, each transaction type by its own module, all of it in one
//! SQLite transaction (all or nothing, as eConnect runs a document).

use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde_json::{json, Map, Value as Json};

use super::db::{self, gp_text, money};
use super::document::{gp_date, Document, Node, Transaction};
use super::error::{self, EconnectError};
use super::{inventory, ledger, master, purchasing, receivables, sop};

/// Why a document was not posted.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// GP refused it: eConnect's error text.
    #[error("{0}")]
    Rejected(EconnectError),
    /// The store failed: the service itself is at fault.
    #[error("storage: {0}")]
    Store(#[from] rusqlite::Error),
}

impl From<EconnectError> for PostError {
    fn from(e: EconnectError) -> Self {
        PostError::Rejected(e)
    }
}

pub type Posted<T> = Result<T, PostError>;

/// One record created or updated, for the 200 answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub transaction: String,
    pub node: String,
    pub created: bool,
    pub keys: Vec<(&'static str, String)>,
}

impl Written {
    pub fn new(node: &Node, created: bool, keys: Vec<(&'static str, String)>) -> Self {
        Written { transaction: String::new(), node: node.name.clone(), created, keys }
    }

    pub fn to_json(&self) -> Json {
        let keys: Map<String, Json> = self.keys.iter().map(|(k, v)| (k.to_string(), Json::String(v.clone()))).collect();
        json!({
            "transaction": self.transaction,
            "node": self.node,
            "action": if self.created { "created" } else { "updated" },
            "keys": keys,
        })
    }
}

/// Posts every transaction of the document, or none.
pub fn post(db: &mut Connection, document: &Document) -> Posted<Vec<Written>> {
    let tx = db.transaction()?;
    let mut written = Vec::new();
    for transaction in &document.transactions {
        let start = written.len();
        post_transaction(&tx, transaction, &mut written)?;
        for w in &mut written[start..] {
            w.transaction = transaction.name.clone();
        }
    }
    tx.commit()?;
    Ok(written)
}

fn post_transaction(db: &Connection, transaction: &Transaction, written: &mut Vec<Written>) -> Posted<()> {
    let mut lines = Vec::new();
    let mut header = None;
    let mut extras = Vec::new();
    for node in &transaction.nodes {
        match node.name.as_str() {
            // Processing options that change nothing GP holds.
            "eConnectProcessInfo" | "taRequesterTrxDisabler" => {}
            "taUpdateCreateCustomerRcd" => written.extend(master::customer(db, node)?),
            "taCreateCustomerAddress" => written.push(master::customer_address(db, node)?),
            "taCreateInternetAddresses" => written.push(master::internet_address(db, node)?),
            "taUpdateCreateItemRcd" => written.push(master::item(db, node)?),
            "taIVCreateItemPriceListHeader" => written.push(master::item_price_method(db, node)?),
            "taItemSite" => written.push(master::item_site(db, node)?),
            "taUpdateCreateVendorRcd" => written.push(master::vendor(db, node)?),
            "taSopLineIvcInsert"
            | "taGLTransactionLineInsert"
            | "taPoLine"
            | "taPopRcptLineInsert"
            | "taIVTransactionLineInsert" => lines.push(node),
            "taSopTrackingNum" => extras.push(node),
            "taSopHdrIvcInsert"
            | "taGLTransactionHeaderInsert"
            | "taPoHdr"
            | "taPopRcptHdrInsert"
            | "taRMCashReceiptInsert"
            | "taIVTransactionHeaderInsert" => header = Some(node),
            _ => {
                return Err(node
                    .error(
                        error::NOT_SUPPORTED,
                        format!("This service does not process <{}> in <{}>", node.name, transaction.name),
                        &[],
                    )
                    .into())
            }
        }
    }
    match transaction.name.as_str() {
        "SOPTransactionType" => written.extend(sop::post(db, header, &lines, &extras)?),
        "GLTransactionType" => written.push(ledger::post(db, required(transaction, header)?, &lines)?),
        "POPTransactionType" => written.push(purchasing::post_order(db, required(transaction, header)?, &lines)?),
        "POPReceivingsType" => written.push(purchasing::post_receipt(db, required(transaction, header)?, &lines)?),
        "RMCashReceiptsType" => written.push(receivables::post(db, required(transaction, header)?)?),
        "IVInventoryTransactionType" => written.push(inventory::post(db, required(transaction, header)?, &lines)?),
        "RMCustomerMasterType" | "IVItemMasterType" | "PMVendorMasterType" => {}
        other => {
            return Err(EconnectError::new(
                error::NOT_SUPPORTED,
                other,
                format!("This service does not process <{other}>"),
            )
            .into())
        }
    }
    Ok(())
}

/// The header node the XSD requires; sent as `xsi:nil` it is missing all the same.
fn required<'n>(transaction: &Transaction, header: Option<&'n Node>) -> Result<&'n Node, EconnectError> {
    header.ok_or_else(|| {
        let description = format!("<{}> has no header node: it is nil", transaction.name);
        EconnectError::new(error::REQUIRED_MISSING, transaction.name.as_str(), description)
    })
}

/// How an element becomes a column value.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    Int,
    Money,
    Date,
}

/// The column value of an element (sent or default), converted as GP stores it.
pub fn value(node: &Node, element: &str, kind: Kind) -> Sql {
    match kind {
        Kind::Text => Sql::Text(gp_text(&node.text(element))),
        Kind::Int => Sql::Integer(node.int(element)),
        Kind::Money => Sql::Text(money(node.decimal(element))),
        Kind::Date => Sql::Text(gp_date(&node.text(element)).unwrap_or_default()),
    }
}

/// `(column, value)` pairs for a table row.
pub type Row = Vec<(&'static str, Sql)>;

/// The row of `columns` (`element`, `column`, kind) from a node; only the elements sent when
/// `sent_only` (eConnect's field-level update of master records).
pub fn row(node: &Node, columns: &[(&str, &'static str, Kind)], sent_only: bool) -> Row {
    columns
        .iter()
        .filter(|(element, _, _)| !sent_only || node.has(element))
        .map(|(element, column, kind)| (*column, value(node, element, *kind)))
        .collect()
}

pub fn insert(db: &Connection, table: &str, row: &Row) -> rusqlite::Result<()> {
    let columns = row.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
    let marks = (1..=row.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let values: Vec<&dyn rusqlite::ToSql> = row.iter().map(|(_, v)| v as &dyn rusqlite::ToSql).collect();
    db.execute(&format!("INSERT INTO {table} ({columns}) VALUES ({marks})"), values.as_slice())?;
    Ok(())
}

/// Updates the columns of `row` in the rows matching `keys`.
pub fn update(db: &Connection, table: &str, row: &Row, keys: &Row) -> rusqlite::Result<()> {
    if row.is_empty() {
        return Ok(());
    }
    let sets = row.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1)).collect::<Vec<_>>().join(", ");
    let conditions = keys
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ?{}", row.len() + i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let values: Vec<&dyn rusqlite::ToSql> = row.iter().chain(keys).map(|(_, v)| v as &dyn rusqlite::ToSql).collect();
    db.execute(&format!("UPDATE {table} SET {sets} WHERE {conditions}"), values.as_slice())?;
    Ok(())
}

/// Whether a row matching `keys` exists.
pub fn exists(db: &Connection, table: &str, keys: &Row) -> rusqlite::Result<bool> {
    let pairs: Vec<(&str, &dyn rusqlite::ToSql)> = keys.iter().map(|(c, v)| (*c, v as &dyn rusqlite::ToSql)).collect();
    db::exists(db, table, &pairs)
}

/// The key text of a node's element as GP stores it.
pub fn key(node: &Node, element: &str) -> String {
    gp_text(&node.text(element))
}

/// A master record a node names must exist: an earlier node of the same document that created it has
/// already written it, so it is found.
fn require(db: &Connection, node: &Node, element: &str, what: (&str, &str, &'static str, u32)) -> Posted<()> {
    let (noun, table, column, number) = what;
    let value = key(node, element);
    if !exists(db, table, &vec![(column, Sql::Text(value.clone()))])? {
        return Err(node.error(number, format!("{noun} {value} does not exist in {table}"), &[element]).into());
    }
    Ok(())
}

/// The customer (RM00101) must exist.
pub fn require_customer(db: &Connection, node: &Node, element: &str) -> Posted<()> {
    require(db, node, element, ("Customer", "RM00101", "CUSTNMBR", error::CUSTOMER_MISSING))
}

/// The item (IV00101) must exist.
pub fn require_item(db: &Connection, node: &Node, element: &str) -> Posted<()> {
    require(db, node, element, ("Item", "IV00101", "ITEMNMBR", error::ITEM_MISSING))
}

/// The vendor (PM00200) must exist.
pub fn require_vendor(db: &Connection, node: &Node, element: &str) -> Posted<()> {
    require(db, node, element, ("Vendor", "PM00200", "VENDORID", error::VENDOR_MISSING))
}

/// The site must exist; an empty site is the default one.
pub fn site(db: &Connection, node: &Node, element: &str, fallback: &str) -> Posted<String> {
    let code = match key(node, element) {
        code if code.is_empty() => fallback.to_string(),
        code => code,
    };
    if !exists(db, "IV40700", &vec![("LOCNCODE", Sql::Text(code.clone()))])? {
        return Err(node
            .error(error::SITE_MISSING, format!("Site {code} does not exist in IV40700"), &[element])
            .into());
    }
    Ok(code)
}

/// Whether an item is kept in stock (GP's ITEMTYPE 1 sales inventory, 2 discontinued).
pub fn is_stock_item(db: &Connection, item: &str) -> rusqlite::Result<bool> {
    use rusqlite::OptionalExtension;
    let item_type: Option<i64> =
        db.query_row("SELECT ITEMTYPE FROM IV00101 WHERE ITEMNMBR = ?1", [item], |r| r.get(0)).optional()?;
    Ok(matches!(item_type, Some(1 | 2)))
}

/// Adds to an item's quantity at a site (`QTYONHND` or `ATYALLOC`), creating the site row, and records
/// the change for the changes feed.
pub fn add_quantity(
    db: &Connection,
    item: &str,
    site: &str,
    column: &str,
    delta: rust_decimal::Decimal,
) -> rusqlite::Result<()> {
    if delta.is_zero() {
        return Ok(());
    }
    use rusqlite::OptionalExtension;
    db.execute("INSERT OR IGNORE INTO IV00102 (ITEMNMBR, LOCNCODE) VALUES (?1, ?2)", [item, site])?;
    let current: Option<String> = db
        .query_row(&format!("SELECT {column} FROM IV00102 WHERE ITEMNMBR = ?1 AND LOCNCODE = ?2"), [item, site], |r| {
            r.get(0)
        })
        .optional()?;
    let total = db::decimal(current.as_deref().unwrap_or("0")) + delta;
    db.execute(
        &format!("UPDATE IV00102 SET {column} = ?3 WHERE ITEMNMBR = ?1 AND LOCNCODE = ?2"),
        [item, site, &money(total)],
    )?;
    db::log_change(db, "item_quantity", item, site, db::UPDATED)
}
