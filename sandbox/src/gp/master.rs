//! Master records: customers and their addresses, items, vendors.
//!
//! eConnect's master nodes use field-level updates: with UpdateIfExists=1 only the elements sent replace
//! what GP holds. With UpdateIfExists=0 an existing key rejects the document (our error number: the
//! research names none).

use rusqlite::types::Value as Sql;
use rusqlite::Connection;

use super::db::{self, gp_text};
use super::document::Node;
use super::error;
use super::post::{self, insert, key, row, update, Kind, Posted, Row, Written};

use Kind::{Int, Money, Text};

const CUSTOMER: &[(&str, &str, Kind)] = &[
    ("CUSTNAME", "CUSTNAME", Text),
    ("CUSTCLAS", "CUSTCLAS", Text),
    ("CNTCPRSN", "CNTCPRSN", Text),
    ("STMTNAME", "STMTNAME", Text),
    ("SHRTNAME", "SHRTNAME", Text),
    ("ADRSCODE", "ADRSCODE", Text),
    ("PRBTADCD", "PRBTADCD", Text),
    ("PRSTADCD", "PRSTADCD", Text),
    ("STADDRCD", "STADDRCD", Text),
    ("ADDRESS1", "ADDRESS1", Text),
    ("ADDRESS2", "ADDRESS2", Text),
    ("ADDRESS3", "ADDRESS3", Text),
    ("CITY", "CITY", Text),
    ("STATE", "STATE", Text),
    ("ZIPCODE", "ZIP", Text),
    ("COUNTRY", "COUNTRY", Text),
    ("PHNUMBR1", "PHONE1", Text),
    ("PHNUMBR2", "PHONE2", Text),
    ("PHNUMBR3", "PHONE3", Text),
    ("FAX", "FAX", Text),
    ("TAXSCHID", "TAXSCHID", Text),
    ("SHIPMTHD", "SHIPMTHD", Text),
    ("CURNCYID", "CURNCYID", Text),
    ("PYMTRMID", "PYMTRMID", Text),
    ("SLPRSNID", "SLPRSNID", Text),
    ("SALSTERR", "SALSTERR", Text),
    ("HOLD", "HOLD", Int),
    ("INACTIVE", "INACTIVE", Int),
];

/// The address columns of RM00102 that both customer nodes carry.
const ADDRESS: &[(&str, &str, Kind)] = &[
    ("CNTCPRSN", "CNTCPRSN", Text),
    ("ADDRESS1", "ADDRESS1", Text),
    ("ADDRESS2", "ADDRESS2", Text),
    ("ADDRESS3", "ADDRESS3", Text),
    ("CITY", "CITY", Text),
    ("STATE", "STATE", Text),
    ("ZIPCODE", "ZIP", Text),
    ("COUNTRY", "COUNTRY", Text),
    ("PHNUMBR1", "PHONE1", Text),
    ("PHNUMBR2", "PHONE2", Text),
    ("PHNUMBR3", "PHONE3", Text),
    ("FAX", "FAX", Text),
    ("SHIPMTHD", "SHIPMTHD", Text),
    ("TAXSCHID", "TAXSCHID", Text),
];

const ADDRESS_ONLY: &[(&str, &str, Kind)] = &[("ShipToName", "ShipToName", Text), ("LOCNCODE", "LOCNCODE", Text)];

const ITEM: &[(&str, &str, Kind)] = &[
    ("ITEMDESC", "ITEMDESC", Text),
    ("ITMSHNAM", "ITMSHNAM", Text),
    ("ITEMTYPE", "ITEMTYPE", Int),
    ("ITMCLSCD", "ITMCLSCD", Text),
    ("ITMTSHID", "ITMTSHID", Text),
    ("UOMSCHDL", "UOMSCHDL", Text),
    ("STNDCOST", "STNDCOST", Money),
    ("CURRCOST", "CURRCOST", Money),
];

const VENDOR: &[(&str, &str, Kind)] = &[
    ("VENDNAME", "VENDNAME", Text),
    ("VENDSHNM", "VENDSHNM", Text),
    ("VNDCHKNM", "VNDCHKNM", Text),
    ("VNDCLSID", "VNDCLSID", Text),
    ("VADDCDPR", "VADDCDPR", Text),
    ("ADDRESS1", "ADDRESS1", Text),
    ("ADDRESS2", "ADDRESS2", Text),
    ("ADDRESS3", "ADDRESS3", Text),
    ("CITY", "CITY", Text),
    ("STATE", "STATE", Text),
    ("ZIPCODE", "ZIPCODE", Text),
    ("COUNTRY", "COUNTRY", Text),
    ("PHNUMBR1", "PHNUMBR1", Text),
    ("CURNCYID", "CURNCYID", Text),
    ("VENDSTTS", "VENDSTTS", Int),
];

/// Whether a master node creates its record (`true`) or updates it (`false`); an existing key with
/// UpdateIfExists=0 is refused.
fn creates(db: &Connection, node: &Node, table: &str, keys: &Row, element: &str) -> Posted<bool> {
    let found = post::exists(db, table, keys)?;
    if found && node.int("UpdateIfExists") == 0 {
        let value = key(node, element);
        return Err(node
            .error(
                error::MASTER_EXISTS,
                format!("{element} {value} already exists in {table}, and UpdateIfExists is 0"),
                &[element, "UpdateIfExists"],
            )
            .into());
    }
    Ok(!found)
}

/// Replaces an empty column of a new row with another column's value (GP's own defaulting).
fn default_to(row: &mut Row, column: &str, from: &str, length: usize) {
    let source =
        row.iter()
            .find(|(c, _)| *c == from)
            .and_then(|(_, v)| if let Sql::Text(t) = v { Some(t.clone()) } else { None });
    if let (Some(source), Some((_, value))) = (source, row.iter_mut().find(|(c, _)| *c == column)) {
        if matches!(value, Sql::Text(t) if t.is_empty()) {
            *value = Sql::Text(source.chars().take(length).collect());
        }
    }
}

fn stamped(db: &Connection, mut row: Row, created: bool) -> rusqlite::Result<Row> {
    let now = db::now(db)?;
    if created {
        row.push(("CREATDDT", Sql::Text(now.clone())));
    }
    row.push(("MODIFDT", Sql::Text(now)));
    Ok(row)
}

/// `taUpdateCreateCustomerRcd`: RM00101, and the address it names in RM00102 (CreateAddress=1).
pub fn customer(db: &Connection, node: &Node) -> Posted<Vec<Written>> {
    let number = key(node, "CUSTNMBR");
    let keys: Row = vec![("CUSTNMBR", Sql::Text(number.clone()))];
    let created = creates(db, node, "RM00101", &keys, "CUSTNMBR")?;
    if created {
        let mut fields = row(node, CUSTOMER, false);
        default_to(&mut fields, "SHRTNAME", "CUSTNAME", 15);
        default_to(&mut fields, "STMTNAME", "CUSTNAME", 64);
        for column in ["PRBTADCD", "PRSTADCD", "STADDRCD"] {
            default_to(&mut fields, column, "ADRSCODE", 15);
        }
        let mut fields = stamped(db, fields, true)?;
        fields.insert(0, keys[0].clone());
        insert(db, "RM00101", &fields)?;
    } else {
        update(db, "RM00101", &stamped(db, row(node, CUSTOMER, true), false)?, &keys)?;
    }
    let address = key(node, "ADRSCODE");
    if !address.is_empty() && node.int("CreateAddress") == 1 {
        let address_keys: Row = vec![("CUSTNMBR", Sql::Text(number.clone())), ("ADRSCODE", Sql::Text(address))];
        upsert_row(db, "RM00102", &address_keys, row(node, ADDRESS, !created))?;
    }
    db::log_change(db, "customer", &number, "", if created { db::INSERTED } else { db::UPDATED })?;
    Ok(vec![Written::new(node, created, vec![("CUSTNMBR", number)])])
}

fn upsert_row(db: &Connection, table: &str, keys: &Row, fields: Row) -> rusqlite::Result<bool> {
    if post::exists(db, table, keys)? {
        update(db, table, &fields, keys)?;
        Ok(false)
    } else {
        let mut all = keys.clone();
        all.extend(fields);
        insert(db, table, &all)?;
        Ok(true)
    }
}

/// `taCreateCustomerAddress`: one RM00102 address of an existing customer.
pub fn customer_address(db: &Connection, node: &Node) -> Posted<Written> {
    post::require_customer(db, node, "CUSTNMBR")?;
    let (number, code) = (key(node, "CUSTNMBR"), key(node, "ADRSCODE"));
    let keys: Row = vec![("CUSTNMBR", Sql::Text(number.clone())), ("ADRSCODE", Sql::Text(code.clone()))];
    let created = creates(db, node, "RM00102", &keys, "ADRSCODE")?;
    let mut fields = row(node, ADDRESS, !created);
    fields.extend(row(node, ADDRESS_ONLY, !created));
    upsert_row(db, "RM00102", &keys, fields)?;
    db::log_change(db, "customer", &number, "", db::UPDATED)?;
    Ok(Written::new(node, created, vec![("CUSTNMBR", number), ("ADRSCODE", code)]))
}

/// `taCreateInternetAddresses`: SY01200, replaced whole (document exchange).
pub fn internet_address(db: &Connection, node: &Node) -> Posted<Written> {
    let (kind, id, code) = (key(node, "Master_Type"), key(node, "Master_ID"), key(node, "ADRSCODE"));
    if kind == "CUS" {
        post::require_customer(db, node, "Master_ID")?;
    }
    let keys: Row = vec![
        ("Master_Type", Sql::Text(kind.clone())),
        ("Master_ID", Sql::Text(id.clone())),
        ("ADRSCODE", Sql::Text(code.clone())),
    ];
    let fields = row(
        node,
        &[("INET1", "INET1", Text), ("INET2", "INET2", Text), ("EmailToAddress", "EmailToAddress", Text)],
        false,
    );
    let created = upsert_row(db, "SY01200", &keys, fields)?;
    Ok(Written::new(node, created, vec![("Master_Type", kind), ("Master_ID", id), ("ADRSCODE", code)]))
}

/// `taUpdateCreateItemRcd`: IV00101.
pub fn item(db: &Connection, node: &Node) -> Posted<Written> {
    let number = key(node, "ITEMNMBR");
    let keys: Row = vec![("ITEMNMBR", Sql::Text(number.clone()))];
    let created = creates(db, node, "IV00101", &keys, "ITEMNMBR")?;
    if created {
        let mut fields = row(node, ITEM, false);
        if !node.has("ITEMTYPE") {
            // GP's default item type: sales inventory.
            fields.retain(|(c, _)| *c != "ITEMTYPE");
        }
        let mut fields = stamped(db, fields, true)?;
        fields.insert(0, keys[0].clone());
        insert(db, "IV00101", &fields)?;
    } else {
        update(db, "IV00101", &stamped(db, row(node, ITEM, true), false)?, &keys)?;
    }
    Ok(Written::new(node, created, vec![("ITEMNMBR", number)]))
}

/// `taIVCreateItemPriceListHeader`: the item's price method (IV00101.PRICMTHD).
pub fn item_price_method(db: &Connection, node: &Node) -> Posted<Written> {
    post::require_item(db, node, "ITEMNMBR")?;
    let number = key(node, "ITEMNMBR");
    if node.has("PRICMTHD") {
        update(
            db,
            "IV00101",
            &vec![("PRICMTHD", Sql::Integer(node.int("PRICMTHD")))],
            &vec![("ITEMNMBR", Sql::Text(number.clone()))],
        )?;
    }
    Ok(Written::new(node, false, vec![("ITEMNMBR", number)]))
}

/// `taItemSite`: assigns an item to a site (an IV00102 row).
pub fn item_site(db: &Connection, node: &Node) -> Posted<Written> {
    post::require_item(db, node, "ITEMNMBR")?;
    let site = post::site(db, node, "LOCNCODE", db::DEFAULT_SITE)?;
    let number = key(node, "ITEMNMBR");
    let created =
        db.execute("INSERT OR IGNORE INTO IV00102 (ITEMNMBR, LOCNCODE) VALUES (?1, ?2)", [&number, &site])? == 1;
    Ok(Written::new(node, created, vec![("ITEMNMBR", number), ("LOCNCODE", site)]))
}

/// `taUpdateCreateVendorRcd`: PM00200.
pub fn vendor(db: &Connection, node: &Node) -> Posted<Written> {
    let id = key(node, "VENDORID");
    let keys: Row = vec![("VENDORID", Sql::Text(id.clone()))];
    let created = creates(db, node, "PM00200", &keys, "VENDORID")?;
    if created {
        let mut fields = row(node, VENDOR, false);
        if !node.has("VENDSTTS") {
            fields.retain(|(c, _)| *c != "VENDSTTS");
        }
        default_to(&mut fields, "VENDSHNM", "VENDNAME", 15);
        default_to(&mut fields, "VNDCHKNM", "VENDNAME", 64);
        let mut fields = stamped(db, fields, true)?;
        fields.insert(0, keys[0].clone());
        insert(db, "PM00200", &fields)?;
    } else {
        update(db, "PM00200", &stamped(db, row(node, VENDOR, true), false)?, &keys)?;
    }
    Ok(Written::new(node, created, vec![("VENDORID", gp_text(&id))]))
}
