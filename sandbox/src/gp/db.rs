//! What GP holds, in SQLite tables named after GP's, with GP's column names for the columns kept.
//!
//! Text is stored as GP's `char` columns hold it: in the company's code page (Windows-1252), a character
//! it cannot hold becoming `?`, trailing spaces dropped (GP pads; readers `rtrim`). Money and
//! quantities are exact decimal text with GP's 5 places (`numeric(19,5)`), never REAL; dates are GP's
//! `YYYY-MM-DD 00:00:00.000`.

use std::path::Path;

use maprun::writers::codepage::CodePage;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::generate::{mix, OrderGenerator, Rng, TaxClass, CONTACTS, PRODUCTS};

/// The tables, created when a database is first opened.
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS RM00101 (
    CUSTNMBR TEXT PRIMARY KEY, CUSTNAME TEXT NOT NULL, CUSTCLAS TEXT NOT NULL DEFAULT '', CNTCPRSN TEXT NOT NULL DEFAULT '',
    STMTNAME TEXT NOT NULL DEFAULT '', SHRTNAME TEXT NOT NULL DEFAULT '', ADRSCODE TEXT NOT NULL DEFAULT '',
    PRBTADCD TEXT NOT NULL DEFAULT '', PRSTADCD TEXT NOT NULL DEFAULT '', STADDRCD TEXT NOT NULL DEFAULT '',
    ADDRESS1 TEXT NOT NULL DEFAULT '', ADDRESS2 TEXT NOT NULL DEFAULT '', ADDRESS3 TEXT NOT NULL DEFAULT '',
    CITY TEXT NOT NULL DEFAULT '', STATE TEXT NOT NULL DEFAULT '', ZIP TEXT NOT NULL DEFAULT '', COUNTRY TEXT NOT NULL DEFAULT '',
    PHONE1 TEXT NOT NULL DEFAULT '', PHONE2 TEXT NOT NULL DEFAULT '', PHONE3 TEXT NOT NULL DEFAULT '', FAX TEXT NOT NULL DEFAULT '',
    TAXSCHID TEXT NOT NULL DEFAULT '', SHIPMTHD TEXT NOT NULL DEFAULT '', CURNCYID TEXT NOT NULL DEFAULT '',
    PYMTRMID TEXT NOT NULL DEFAULT '', SLPRSNID TEXT NOT NULL DEFAULT '', SALSTERR TEXT NOT NULL DEFAULT '',
    HOLD INTEGER NOT NULL DEFAULT 0, INACTIVE INTEGER NOT NULL DEFAULT 0,
    CREATDDT TEXT NOT NULL, MODIFDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS RM00102 (
    CUSTNMBR TEXT NOT NULL, ADRSCODE TEXT NOT NULL, CNTCPRSN TEXT NOT NULL DEFAULT '', ShipToName TEXT NOT NULL DEFAULT '',
    ADDRESS1 TEXT NOT NULL DEFAULT '', ADDRESS2 TEXT NOT NULL DEFAULT '', ADDRESS3 TEXT NOT NULL DEFAULT '',
    CITY TEXT NOT NULL DEFAULT '', STATE TEXT NOT NULL DEFAULT '', ZIP TEXT NOT NULL DEFAULT '', COUNTRY TEXT NOT NULL DEFAULT '',
    PHONE1 TEXT NOT NULL DEFAULT '', PHONE2 TEXT NOT NULL DEFAULT '', PHONE3 TEXT NOT NULL DEFAULT '', FAX TEXT NOT NULL DEFAULT '',
    SHIPMTHD TEXT NOT NULL DEFAULT '', TAXSCHID TEXT NOT NULL DEFAULT '', LOCNCODE TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (CUSTNMBR, ADRSCODE));
CREATE TABLE IF NOT EXISTS SY01200 (
    Master_Type TEXT NOT NULL, Master_ID TEXT NOT NULL, ADRSCODE TEXT NOT NULL,
    INET1 TEXT NOT NULL DEFAULT '', INET2 TEXT NOT NULL DEFAULT '', EmailToAddress TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (Master_Type, Master_ID, ADRSCODE));
CREATE TABLE IF NOT EXISTS IV00101 (
    ITEMNMBR TEXT PRIMARY KEY, ITEMDESC TEXT NOT NULL DEFAULT '', ITMSHNAM TEXT NOT NULL DEFAULT '',
    ITEMTYPE INTEGER NOT NULL DEFAULT 1, ITMCLSCD TEXT NOT NULL DEFAULT '', ITMTSHID TEXT NOT NULL DEFAULT '',
    UOMSCHDL TEXT NOT NULL DEFAULT '', PRICMTHD INTEGER NOT NULL DEFAULT 1, STNDCOST TEXT NOT NULL DEFAULT '0.00000',
    CURRCOST TEXT NOT NULL DEFAULT '0.00000', CREATDDT TEXT NOT NULL, MODIFDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS IV00102 (
    ITEMNMBR TEXT NOT NULL, LOCNCODE TEXT NOT NULL, RCRDTYPE INTEGER NOT NULL DEFAULT 2,
    QTYONHND TEXT NOT NULL DEFAULT '0.00000', ATYALLOC TEXT NOT NULL DEFAULT '0.00000',
    PRIMARY KEY (ITEMNMBR, LOCNCODE));
CREATE TABLE IF NOT EXISTS IV00105 (
    ITEMNMBR TEXT NOT NULL, CURNCYID TEXT NOT NULL, LISTPRCE TEXT NOT NULL, PRIMARY KEY (ITEMNMBR, CURNCYID));
CREATE TABLE IF NOT EXISTS IV40700 (LOCNCODE TEXT PRIMARY KEY, LOCNDSCR TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS TX00101 (TAXSCHID TEXT PRIMARY KEY, TXSCHDSC TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS SOP40200 (
    SOPTYPE INTEGER NOT NULL, DOCID TEXT NOT NULL, DOCIDDSC TEXT NOT NULL, SOPNUMBE TEXT NOT NULL,
    PRIMARY KEY (SOPTYPE, DOCID));
CREATE TABLE IF NOT EXISTS SOP10100 (
    SOPTYPE INTEGER NOT NULL, SOPNUMBE TEXT NOT NULL, DOCID TEXT NOT NULL, ORIGTYPE INTEGER NOT NULL DEFAULT 0,
    ORIGNUMB TEXT NOT NULL DEFAULT '', DOCDATE TEXT NOT NULL, CUSTNMBR TEXT NOT NULL, CUSTNAME TEXT NOT NULL DEFAULT '',
    CSTPONBR TEXT NOT NULL DEFAULT '', ShipToName TEXT NOT NULL DEFAULT '', ADDRESS1 TEXT NOT NULL DEFAULT '',
    ADDRESS2 TEXT NOT NULL DEFAULT '', ADDRESS3 TEXT NOT NULL DEFAULT '', CITY TEXT NOT NULL DEFAULT '',
    STATE TEXT NOT NULL DEFAULT '', ZIPCODE TEXT NOT NULL DEFAULT '', COUNTRY TEXT NOT NULL DEFAULT '',
    BACHNUMB TEXT NOT NULL, LOCNCODE TEXT NOT NULL DEFAULT '', TAXSCHID TEXT NOT NULL DEFAULT '',
    CURNCYID TEXT NOT NULL DEFAULT '', REFRENCE TEXT NOT NULL DEFAULT '', SUBTOTAL TEXT NOT NULL,
    TRDISAMT TEXT NOT NULL, FRTAMNT TEXT NOT NULL, MISCAMNT TEXT NOT NULL, TAXAMNT TEXT NOT NULL,
    DOCAMNT TEXT NOT NULL, PYMTRCVD TEXT NOT NULL, VOIDSTTS INTEGER NOT NULL DEFAULT 0,
    CREATDDT TEXT NOT NULL, MODIFDT TEXT NOT NULL, PRIMARY KEY (SOPTYPE, SOPNUMBE));
CREATE TABLE IF NOT EXISTS SOP10200 (
    SOPTYPE INTEGER NOT NULL, SOPNUMBE TEXT NOT NULL, LNITMSEQ INTEGER NOT NULL, CMPNTSEQ INTEGER NOT NULL DEFAULT 0,
    ITEMNMBR TEXT NOT NULL, ITEMDESC TEXT NOT NULL DEFAULT '', NONINVEN INTEGER NOT NULL DEFAULT 0,
    LOCNCODE TEXT NOT NULL DEFAULT '', UOFM TEXT NOT NULL DEFAULT '', QUANTITY TEXT NOT NULL, UNITPRCE TEXT NOT NULL,
    XTNDPRCE TEXT NOT NULL, TAXAMNT TEXT NOT NULL, UNITCOST TEXT NOT NULL, ITMTSHID TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (SOPTYPE, SOPNUMBE, LNITMSEQ, CMPNTSEQ));
CREATE TABLE IF NOT EXISTS SOP10107 (
    SOPTYPE INTEGER NOT NULL, SOPNUMBE TEXT NOT NULL, Tracking_Number TEXT NOT NULL,
    PRIMARY KEY (SOPTYPE, SOPNUMBE, Tracking_Number));
CREATE TABLE IF NOT EXISTS PM00200 (
    VENDORID TEXT PRIMARY KEY, VENDNAME TEXT NOT NULL DEFAULT '', VENDSHNM TEXT NOT NULL DEFAULT '',
    VNDCHKNM TEXT NOT NULL DEFAULT '', VNDCLSID TEXT NOT NULL DEFAULT '', VADDCDPR TEXT NOT NULL DEFAULT '',
    ADDRESS1 TEXT NOT NULL DEFAULT '', ADDRESS2 TEXT NOT NULL DEFAULT '', ADDRESS3 TEXT NOT NULL DEFAULT '',
    CITY TEXT NOT NULL DEFAULT '', STATE TEXT NOT NULL DEFAULT '', ZIPCODE TEXT NOT NULL DEFAULT '',
    COUNTRY TEXT NOT NULL DEFAULT '', PHNUMBR1 TEXT NOT NULL DEFAULT '', CURNCYID TEXT NOT NULL DEFAULT '',
    VENDSTTS INTEGER NOT NULL DEFAULT 1, CREATDDT TEXT NOT NULL, MODIFDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS POP10100 (
    PONUMBER TEXT PRIMARY KEY, POTYPE INTEGER NOT NULL DEFAULT 1, VENDORID TEXT NOT NULL, VENDNAME TEXT NOT NULL DEFAULT '',
    DOCDATE TEXT NOT NULL, BUYERID TEXT NOT NULL DEFAULT '', CURNCYID TEXT NOT NULL DEFAULT '', SUBTOTAL TEXT NOT NULL,
    TRDISAMT TEXT NOT NULL, FRTAMNT TEXT NOT NULL, MSCCHAMT TEXT NOT NULL, TAXAMNT TEXT NOT NULL,
    POSTATUS INTEGER NOT NULL DEFAULT 1, CREATDDT TEXT NOT NULL, MODIFDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS POP10110 (
    PONUMBER TEXT NOT NULL, ORD INTEGER NOT NULL, ITEMNMBR TEXT NOT NULL, ITEMDESC TEXT NOT NULL DEFAULT '',
    VENDORID TEXT NOT NULL, VNDITNUM TEXT NOT NULL DEFAULT '', LOCNCODE TEXT NOT NULL DEFAULT '', UOFM TEXT NOT NULL DEFAULT '',
    QTYORDER TEXT NOT NULL, QTYCANCE TEXT NOT NULL, UNITCOST TEXT NOT NULL, EXTDCOST TEXT NOT NULL,
    NONINVEN INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (PONUMBER, ORD));
CREATE TABLE IF NOT EXISTS POP10300 (
    POPRCTNM TEXT PRIMARY KEY, POPTYPE INTEGER NOT NULL, VNDDOCNM TEXT NOT NULL DEFAULT '', receiptdate TEXT NOT NULL,
    BACHNUMB TEXT NOT NULL, VENDORID TEXT NOT NULL, VENDNAME TEXT NOT NULL DEFAULT '', CURNCYID TEXT NOT NULL DEFAULT '',
    SUBTOTAL TEXT NOT NULL, CREATDDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS POP10310 (
    POPRCTNM TEXT NOT NULL, RCPTLNNM INTEGER NOT NULL, PONUMBER TEXT NOT NULL DEFAULT '', ITEMNMBR TEXT NOT NULL,
    ITEMDESC TEXT NOT NULL DEFAULT '', VENDORID TEXT NOT NULL, LOCNCODE TEXT NOT NULL DEFAULT '', UOFM TEXT NOT NULL DEFAULT '',
    QTYSHPPD TEXT NOT NULL, UNITCOST TEXT NOT NULL, EXTDCOST TEXT NOT NULL, NONINVEN INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (POPRCTNM, RCPTLNNM));
CREATE TABLE IF NOT EXISTS RM10201 (
    RMDTYPAL INTEGER NOT NULL DEFAULT 9, DOCNUMBR TEXT NOT NULL, CUSTNMBR TEXT NOT NULL, DOCDATE TEXT NOT NULL,
    GLPOSTDT TEXT NOT NULL, ORTRXAMT TEXT NOT NULL, BACHNUMB TEXT NOT NULL, CSHRCTYP INTEGER NOT NULL,
    CHEKBKID TEXT NOT NULL DEFAULT '', CHEKNMBR TEXT NOT NULL DEFAULT '', CRCARDID TEXT NOT NULL DEFAULT '',
    TRXDSCRN TEXT NOT NULL DEFAULT '', CURNCYID TEXT NOT NULL DEFAULT '', CREATDDT TEXT NOT NULL,
    PRIMARY KEY (RMDTYPAL, DOCNUMBR));
CREATE TABLE IF NOT EXISTS RM40401 (RMDTYPAL INTEGER PRIMARY KEY, DOCDESCR TEXT NOT NULL, DOCNUMBR TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS GL10000 (
    JRNENTRY INTEGER PRIMARY KEY, BACHNUMB TEXT NOT NULL, REFRENCE TEXT NOT NULL, TRXDATE TEXT NOT NULL,
    RVRSNGDT TEXT NOT NULL, TRXTYPE INTEGER NOT NULL, SERIES INTEGER NOT NULL, CURNCYID TEXT NOT NULL DEFAULT '',
    SOURCDOC TEXT NOT NULL DEFAULT '', CREATDDT TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS GL10001 (
    JRNENTRY INTEGER NOT NULL, SQNCLINE TEXT NOT NULL, ACTINDX INTEGER NOT NULL, ACTNUMST TEXT NOT NULL DEFAULT '',
    CRDTAMNT TEXT NOT NULL, DEBITAMT TEXT NOT NULL, DSCRIPTN TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (JRNENTRY, SQNCLINE));
CREATE TABLE IF NOT EXISTS IV10000 (
    IVDOCTYP INTEGER NOT NULL, IVDOCNBR TEXT NOT NULL, DOCDATE TEXT NOT NULL, BACHNUMB TEXT NOT NULL,
    PRIMARY KEY (IVDOCTYP, IVDOCNBR));
CREATE TABLE IF NOT EXISTS IV10001 (
    IVDOCTYP INTEGER NOT NULL, IVDOCNBR TEXT NOT NULL, LNSEQNBR TEXT NOT NULL, ITEMNMBR TEXT NOT NULL,
    Reason_Code TEXT NOT NULL DEFAULT '', TRXLOCTN TEXT NOT NULL, TRXQTY TEXT NOT NULL, UNITCOST TEXT NOT NULL,
    PRIMARY KEY (IVDOCTYP, IVDOCNBR, LNSEQNBR));
CREATE TABLE IF NOT EXISTS GL40000 (NJRNLENT INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS POP40100 (PONUMBER TEXT NOT NULL, POPRCTNM TEXT NOT NULL);
-- The change log the changes feed reads, after eConnect's requester table: one row per change, the
-- cursor is DEX_ROW_ID.
CREATE TABLE IF NOT EXISTS eConnect_Out (
    DEX_ROW_ID INTEGER PRIMARY KEY AUTOINCREMENT, DOCTYPE TEXT NOT NULL, INDEX1 TEXT NOT NULL,
    INDEX2 TEXT NOT NULL DEFAULT '', ACTION INTEGER NOT NULL, CHANGED TEXT NOT NULL);
";

/// The sites every company has: the default site first.
pub const SITES: &[(&str, &str)] = &[("MAIN", "Main warehouse"), ("EAST", "East coast warehouse")];
/// The site a line without LOCNCODE allocates from.
pub const DEFAULT_SITE: &str = "MAIN";
/// Items the standard mappings name that are not catalogue products: the free-text item
/// (`non_inventory_item`) and the shipping service some accounts sell with a SKU.
pub const SERVICE_ITEMS: &[(&str, &str)] =
    &[("NON-INVENTORY", "Non-inventory sale"), ("SHIP-STD", "Standard shipping")];
/// Tax schedules, one per Brightpearl tax code the generated orders carry.
const TAX_SCHEDULES: &[(&str, &str)] = &[
    ("VAT", "Standard rate VAT"),
    ("LOW", "Reduced rate VAT (UK)"),
    ("RED", "Reduced rate VAT (EU)"),
    ("Z", "Zero rated"),
    ("N", "Not taxable"),
    ("T", "Sales tax"),
];
/// SOP document setup: (SOPTYPE, DOCID, description, next number). STDINV and RETURN are the DOCIDs the
/// standard mappings write by default.
const DOCUMENT_SETUP: &[(i64, &str, &str, &str)] = &[
    (1, "STDQUO", "Standard quote", "QTE000001"),
    (2, "STDORD", "Standard order", "ORD000001"),
    (3, "STDINV", "Standard invoice", "INV000001"),
    (4, "STDRTN", "Standard return", "RTN000001"),
    (4, "RETURN", "Return", "RET000001"),
    (5, "STDBO", "Standard back order", "BCK000001"),
    (6, "STDFUL", "Standard fulfillment order", "FUL000001"),
];

/// Opens (creating if new) the database and seeds an empty one from the generator.
pub fn open(path: Option<&Path>, seed: u64) -> rusqlite::Result<Connection> {
    let mut connection = match path {
        Some(path) => Connection::open(path)?,
        None => Connection::open_in_memory()?,
    };
    connection.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
    connection.execute_batch(TABLES)?;
    let seeded: i64 = connection.query_row("SELECT COUNT(*) FROM SOP40200", [], |r| r.get(0))?;
    if seeded == 0 {
        let tx = connection.transaction()?;
        seed_master_data(&tx, seed)?;
        tx.commit()?;
    }
    Ok(connection)
}

/// GP's master data for the generator's catalogue and contacts, so every generated order maps to a
/// document GP accepts: customers `C<contactId>`, items numbered by SKU with stock at every site.
fn seed_master_data(db: &Connection, seed: u64) -> rusqlite::Result<()> {
    let generator = OrderGenerator::new(seed);
    let now = now(db)?;
    for (code, name) in SITES {
        db.execute("INSERT INTO IV40700 (LOCNCODE, LOCNDSCR) VALUES (?1, ?2)", params![code, name])?;
    }
    for (id, description) in TAX_SCHEDULES {
        db.execute("INSERT INTO TX00101 (TAXSCHID, TXSCHDSC) VALUES (?1, ?2)", params![id, description])?;
    }
    for (soptype, docid, description, next) in DOCUMENT_SETUP {
        db.execute("INSERT INTO SOP40200 VALUES (?1, ?2, ?3, ?4)", params![soptype, docid, description, next])?;
    }
    db.execute("INSERT INTO RM40401 VALUES (9, 'Payments', 'PYMNT00000001')", [])?;
    db.execute("INSERT INTO GL40000 VALUES (1)", [])?;
    db.execute("INSERT INTO POP40100 VALUES ('PO0000001', 'RCT0000001')", [])?;

    let mut customer = db.prepare(
        "INSERT INTO RM00101 (CUSTNMBR, CUSTNAME, CNTCPRSN, STMTNAME, SHRTNAME, ADRSCODE, PRBTADCD, PRSTADCD, STADDRCD,
         ADDRESS1, ADDRESS2, CITY, STATE, ZIP, COUNTRY, PHONE1, FAX, CURNCYID, CREATDDT, MODIFDT)
         VALUES (?1, ?2, ?3, ?2, ?4, 'PRIMARY', 'PRIMARY', 'PRIMARY', 'PRIMARY', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?;
    let mut address = db.prepare(
        "INSERT INTO RM00102 (CUSTNMBR, ADRSCODE, CNTCPRSN, ADDRESS1, ADDRESS2, CITY, STATE, ZIP, COUNTRY, PHONE1, FAX)
         VALUES (?1, 'PRIMARY', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for index in 0..CONTACTS {
        let contact = generator.contact(index);
        let number = format!("C{}", contact.id);
        let name = if contact.company.is_empty() { &contact.person.full_name } else { &contact.company };
        let a = &contact.address;
        let country = contact.country.map(|c| c.name).unwrap_or("");
        let currency = contact.country.map(|c| c.currency).unwrap_or("");
        let (line1, line2, city, state, zip) =
            (cut(&a.line1, 60), cut(&a.line2, 60), cut(&a.line3, 35), cut(&a.line4, 29), cut(&a.postal, 10));
        let (person, phone, fax) =
            (cut(&contact.person.full_name, 60), cut(&contact.person.telephone, 21), cut(&contact.person.fax, 21));
        customer.execute(params![
            number,
            cut(name, 64),
            person,
            cut(name, 15),
            line1,
            line2,
            city,
            state,
            zip,
            country,
            phone,
            fax,
            currency,
            now
        ])?;
        address.execute(params![number, person, line1, line2, city, state, zip, country, phone, fax])?;
    }

    let mut item = db.prepare(
        "INSERT INTO IV00101 (ITEMNMBR, ITEMDESC, ITMSHNAM, ITEMTYPE, ITMTSHID, UOMSCHDL, STNDCOST, CURRCOST, CREATDDT, MODIFDT)
         VALUES (?1, ?2, ?3, ?4, ?5, 'EACH', ?6, ?6, ?7, ?7)",
    )?;
    let mut price = db.prepare("INSERT INTO IV00105 (ITEMNMBR, CURNCYID, LISTPRCE) VALUES (?1, 'USD', ?2)")?;
    let mut stock = db.prepare("INSERT INTO IV00102 (ITEMNMBR, LOCNCODE, QTYONHND) VALUES (?1, ?2, ?3)")?;
    for index in 0..PRODUCTS {
        let product = generator.product(index);
        let list = Decimal::from_i128_with_scale(product.usd_cents * 100 + product.extra_places, 4);
        let cost = list * Decimal::from_i128_with_scale(product.cost_permille, 3);
        let schedule = match product.tax_class {
            TaxClass::Standard => "VAT",
            TaxClass::Reduced => "RED",
            TaxClass::Zero => "Z",
        };
        item.execute(params![
            product.sku,
            cut(&product.name, 100),
            cut(&product.sku, 15),
            1,
            schedule,
            money(cost),
            now
        ])?;
        price.execute(params![product.sku, money(list)])?;
        // Stock on hand per site: the generator's random stream keyed by the product, so a seed always
        // gives the same stock.
        let mut r = Rng::new(mix(seed, product.id as u64));
        for (site, _) in SITES {
            stock.execute(params![product.sku, site, money(Decimal::from(r.range(0, 500)))])?;
        }
    }
    for (number, description) in SERVICE_ITEMS {
        item.execute(params![number, description, cut(number, 15), 5, "", "0", now])?;
    }
    Ok(())
}

/// The first `n` characters, in GP's code page.
fn cut(text: &str, n: usize) -> String {
    gp_text(&text.chars().take(n).collect::<String>())
}

/// Text as a GP `char` column holds it: Windows-1252, `?` for what it cannot hold, no trailing spaces.
pub fn gp_text(text: &str) -> String {
    let converted: String = text.chars().map(|c| if CodePage::Windows1252.holds(c) { c } else { '?' }).collect();
    converted.trim_end().to_string()
}

/// A decimal as GP's `numeric(19,5)` holds it.
pub fn money(value: Decimal) -> String {
    let mut value = value;
    value.rescale(5);
    value.to_string()
}

/// A stored decimal back to a value.
pub fn decimal(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

/// Now, as GP stores CREATDDT/MODIFDT (UTC).
pub fn now(db: &Connection) -> rusqlite::Result<String> {
    db.query_row("SELECT strftime('%Y-%m-%d %H:%M:%S.000', 'now')", [], |r| r.get(0))
}

/// Whether a row with these key values exists.
pub fn exists(db: &Connection, table: &str, keys: &[(&str, &dyn rusqlite::ToSql)]) -> rusqlite::Result<bool> {
    let condition = keys
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let values: Vec<&dyn rusqlite::ToSql> = keys.iter().map(|(_, v)| *v).collect();
    db.query_row(&format!("SELECT 1 FROM {table} WHERE {condition}"), values.as_slice(), |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

/// Records a change for the changes feed.
pub fn log_change(db: &Connection, doctype: &str, index1: &str, index2: &str, action: i64) -> rusqlite::Result<()> {
    db.execute(
        "INSERT INTO eConnect_Out (DOCTYPE, INDEX1, INDEX2, ACTION, CHANGED) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![doctype, index1, index2, action, now(db)?],
    )?;
    Ok(())
}

/// eConnect_Out actions.
pub const INSERTED: i64 = 0;
pub const UPDATED: i64 = 1;
