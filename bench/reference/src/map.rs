//! `mappings/sales_order.map`, by hand, with its default params and no lookups: a Brightpearl sales order
//! becomes one `<SOPTransactionType>` (SOP invoice, SOPTYPE 3).
//!
//! What the language reference fixes, and this code does:
//! - the record fails (validation) when it is not a sales order, has no customer, or a field the mapping
//!   reads is not what Brightpearl's schema says (missing, null, the wrong type, a `decimal_text` that is
//!   not a plain decimal, a date-time without its offset, a text longer than the schema's length, a
//!   value outside its value set). Reads happen in the mapping's statement order, so the first problem
//!   is the one reported;
//! - rows are walked in ascending numeric row id; each non-freight row (with no freight codes configured:
//!   every row) is a line at the next position, `LNITMSEQ` = position × 16384;
//! - money is exact: `decimal_text` is read into `rust_decimal`; `UNITPRCE` = round(net / quantity, 5)
//!   half away from zero, of the exact quotient (see [`crate::exact`]), 0 for a quantity of 0; totals are
//!   exact sums; `DOCAMNT` = subtotal + freight + tax;
//! - `DOCDATE` is the calendar date of `placedOn` in its own offset (its first ten characters);
//! - texts are cut to their fields counting characters; a key (`SOPNUMBE` 21, `CUSTNMBR` 15, `ITEMNMBR` 30)
//!   is never cut: a longer one fails the record; a decimal with more than 5 places fails it too;
//! - written XML: elements in eConnect's XSD order, lines before the header, absent optional elements
//!   (`TAXSCHID`) left out, decimals plain without trailing zeros, `&` `<` `>` escaped, control
//!   characters other than tab, line feed and carriage return refused, characters outside Windows-1252
//!   written as `?` — except in a key, where such a character fails the record.

use rust_decimal::Decimal;

use crate::input::{Order, Rec, Row};
use crate::read;

pub const MAPPING: &str = "sales_order";

// The params, at their defaults.
const SOP_TYPE: &str = "3";
const DOC_ID: &str = "STDINV";
const BATCH: &str = "BRIGHTPEARL";
const NON_INVENTORY_ITEM: &str = "NON-INVENTORY";

/// GP's cap on one target list: positions 1..=32767 keep `position * 16384` inside int32.
const MAX_LINES: u32 = 32_767;

/// How a record failed, as `maprun apply` reports it on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub key: Option<String>,
    pub field: Option<String>,
    pub class: &'static str,
    pub message: String,
}

impl Failure {
    /// A validation failure with no key (the record could not be identified, or is not a record).
    pub fn unkeyed(message: String) -> Failure {
        Failure { key: None, field: None, class: "validation", message }
    }

    /// The stderr line: `{"key","mapping","field","class","message"}`.
    pub fn json_line(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"key\":");
        json_opt_string(out, self.key.as_deref());
        out.extend_from_slice(b",\"mapping\":\"");
        out.extend_from_slice(MAPPING.as_bytes());
        out.extend_from_slice(b"\",\"field\":");
        json_opt_string(out, self.field.as_deref());
        out.extend_from_slice(b",\"class\":\"");
        out.extend_from_slice(self.class.as_bytes());
        out.extend_from_slice(b"\",\"message\":");
        json_opt_string(out, Some(&self.message));
        out.extend_from_slice(b"}\n");
    }
}

fn json_opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => serde_json::to_writer(&mut *out, s).expect("writing to a Vec"),
        None => out.extend_from_slice(b"null"),
    }
}

/// A failure inside a record whose key is known: the target field being written, if any.
#[derive(Debug)]
struct Fail {
    field: Option<&'static str>,
    message: String,
}

fn at(field: &'static str) -> impl Fn(String) -> Fail {
    move |message| Fail { field: Some(field), message }
}

fn top(message: String) -> Fail {
    Fail { field: None, message }
}

// Target field paths, for failures.
const L_ITEMS: &str = "taSopLineIvcInsert_Items";
const L_SOPNUMBE: &str = "taSopLineIvcInsert.SOPNUMBE";
const L_CUSTNMBR: &str = "taSopLineIvcInsert.CUSTNMBR";
const L_ITEMNMBR: &str = "taSopLineIvcInsert.ITEMNMBR";
const L_ITEMDESC: &str = "taSopLineIvcInsert.ITEMDESC";
const L_QUANTITY: &str = "taSopLineIvcInsert.QUANTITY";
const L_UNITPRCE: &str = "taSopLineIvcInsert.UNITPRCE";
const L_XTNDPRCE: &str = "taSopLineIvcInsert.XTNDPRCE";
const L_TAXAMNT: &str = "taSopLineIvcInsert.TAXAMNT";
const L_TAXSCHID: &str = "taSopLineIvcInsert.TAXSCHID";
const L_CURNCYID: &str = "taSopLineIvcInsert.CURNCYID";
const H_DOCID: &str = "taSopHdrIvcInsert.DOCID";
const H_SOPNUMBE: &str = "taSopHdrIvcInsert.SOPNUMBE";
const H_CUSTNMBR: &str = "taSopHdrIvcInsert.CUSTNMBR";
const H_CUSTNAME: &str = "taSopHdrIvcInsert.CUSTNAME";
const H_SHIPTONAME: &str = "taSopHdrIvcInsert.ShipToName";
const H_ADDRESS1: &str = "taSopHdrIvcInsert.ADDRESS1";
const H_ADDRESS2: &str = "taSopHdrIvcInsert.ADDRESS2";
const H_ADDRESS3: &str = "taSopHdrIvcInsert.ADDRESS3";
const H_CITY: &str = "taSopHdrIvcInsert.CITY";
const H_STATE: &str = "taSopHdrIvcInsert.STATE";
const H_ZIPCODE: &str = "taSopHdrIvcInsert.ZIPCODE";
const H_COUNTRY: &str = "taSopHdrIvcInsert.COUNTRY";
const H_CURNCYID: &str = "taSopHdrIvcInsert.CURNCYID";
const H_SUBTOTAL: &str = "taSopHdrIvcInsert.SUBTOTAL";
const H_TAXAMNT: &str = "taSopHdrIvcInsert.TAXAMNT";
const H_DOCAMNT: &str = "taSopHdrIvcInsert.DOCAMNT";
const H_BACHNUMB: &str = "taSopHdrIvcInsert.BACHNUMB";

/// Maps orders into one growing eConnect document (`out`, which the caller flushes and clears).
#[derive(Default)]
pub struct Mapper {
    pub out: Vec<u8>,
    sop_number: String,
    customer_number: String,
}

/// One line's values, in the order they are written.
struct Line<'x> {
    item: &'x str,
    unit_price: Decimal,
    net: Decimal,
    quantity: Decimal,
    description: &'x str,
    tax: Decimal,
    sequence: u32,
}

impl Mapper {
    pub fn new() -> Mapper {
        Mapper { out: Vec::with_capacity(1 << 20), ..Mapper::default() }
    }

    /// Appends the order's `<SOPTransactionType>` to `out`, or leaves `out` as it was and says why not.
    pub fn map(&mut self, order: &Order) -> Result<(), Failure> {
        let id = read::int(&order.id, "id").map_err(Failure::unkeyed)?;
        let start = self.out.len();
        match self.transaction(order, id) {
            Ok(()) => Ok(()),
            Err(fail) => {
                self.out.truncate(start);
                Err(Failure { key: Some(id.to_string()), field: fail.field.map(str::to_string), class: "validation", message: fail.message })
            }
        }
    }

    fn transaction(&mut self, order: &Order, id: i64) -> Result<(), Fail> {
        let out = &mut self.out;
        let order_type = read::text_in(&order.order_type_code, "orderTypeCode", &["SO", "SC", "PO", "PC"]).map_err(top)?;
        if order_type != "SO" {
            return Err(top("only sales orders become SOP documents".into()));
        }
        let parties = read::record(&order.parties, "parties").map_err(top)?;
        let Some(customer) = read::optional_record(&parties.customer, "customer").map_err(top)? else {
            return Err(top("`parties.customer` is required here (`!`) and is absent".into()));
        };
        let delivery = read::record(&parties.delivery, "delivery").map_err(top)?;
        let sop_number = &mut self.sop_number;
        sop_number.clear();
        sop_number.push_str("BP");
        sop_number.push_str(itoa::Buffer::new().format(id));
        let contact_id = read::int(&customer.contact_id, "contactId").map_err(top)?;
        let customer_number = &mut self.customer_number;
        customer_number.clear();
        customer_number.push('C');
        customer_number.push_str(itoa::Buffer::new().format(contact_id));
        let document_date = read::datetime_date(&order.placed_on, "placedOn").map_err(top)?;
        let currency = read::record(&order.currency, "currency").map_err(top)?;
        let currency_id = read::text_of(&currency.order_currency_code, "orderCurrencyCode", 3).map_err(top)?;

        // The rows: an object keyed by row id, every entry a row, walked in ascending numeric id.
        let rows = read::record(&order.order_rows, "orderRows").map_err(top)?;
        let Some(walk) = &rows.order else {
            let (bad, _) = rows.entries.iter().find(|(k, _)| !crate::input::is_id(k)).expect("some key is not an id");
            return Err(top(format!("key {:?} is not an id", bad.as_ref())));
        };
        for &i in walk {
            let (key, row) = &rows.entries[i as usize];
            read::record(row, key).map_err(top)?;
        }

        out.extend_from_slice(b"  <SOPTransactionType>\n");
        // The first failure while writing (a character GP cannot take); the mapping goes on, as its own
        // failures come first.
        let mut write_failure: Option<Fail> = None;
        let mut lines: u32 = 0;
        let mut subtotal = Some(Decimal::ZERO);
        let mut tax_total = Some(Decimal::ZERO);
        for &i in walk {
            let Rec::Obj(row) = &rows.entries[i as usize].1 else { unreachable!("checked above") };
            let row: &Row = row;
            // The freight filter reads the nominal code; with no freight codes configured, no row is freight.
            read::text(&row.nominal_code, "nominalCode").map_err(top)?;
            if lines == MAX_LINES {
                return Err(Fail { field: Some(L_ITEMS), message: format!("more than {MAX_LINES} entries in {L_ITEMS}") });
            }
            lines += 1;
            key_fits(sop_number, 21, L_SOPNUMBE)?;
            key_fits(customer_number, 15, L_CUSTNMBR)?;
            let item = read::optional_text(&row.product_sku, "productSku").map_err(at(L_ITEMNMBR))?.unwrap_or(NON_INVENTORY_ITEM);
            key_fits(item, 30, L_ITEMNMBR)?;
            let description = truncate(read::text(&row.product_name, "productName").map_err(at(L_ITEMDESC))?, 100);
            let quantity = read::record(&row.quantity, "quantity")
                .and_then(|q| read::decimal_text(&q.magnitude, "magnitude"))
                .map_err(at(L_QUANTITY))?;
            scale_fits(quantity, L_QUANTITY)?;
            let row_value = read::record(&row.row_value, "rowValue").map_err(at(L_UNITPRCE))?;
            let net = read::record(&row_value.row_net, "rowNet").and_then(|m| read::decimal_text(&m.value, "value")).map_err(at(L_UNITPRCE))?;
            // round(net / quantity, 5) ?? 0: the exact quotient rounded half away from zero; 0 for a
            // quantity of 0 (the division fails, the fallback applies).
            let unit_price = if quantity.is_zero() {
                Decimal::ZERO
            } else {
                crate::exact::round_div(net, quantity, 5).ok_or_else(|| at(L_UNITPRCE)("arithmetic overflow".into()))?
            };
            scale_fits(net, L_XTNDPRCE)?;
            let tax = read::record(&row_value.row_tax, "rowTax").and_then(|m| read::decimal_text(&m.value, "value")).map_err(at(L_TAXAMNT))?;
            scale_fits(tax, L_TAXAMNT)?;
            // The tax schedule comes from a lookup no one supplied: TAXSCHID is left out, but the code is read.
            read::text(&row_value.tax_code, "taxCode").map_err(at(L_TAXSCHID))?;
            text_fits(currency_id, 15, L_CURNCYID)?;
            subtotal = subtotal.and_then(|s| crate::exact::add(s, net));
            tax_total = tax_total.and_then(|s| crate::exact::add(s, tax));

            if write_failure.is_none() {
                if lines == 1 {
                    out.extend_from_slice(b"    <taSopLineIvcInsert_Items>\n");
                }
                let line = Line { item, unit_price, net, quantity, description, tax, sequence: lines * 16384 };
                write_failure = write_line(out, sop_number, customer_number, document_date, currency_id, &line).err();
            }
        }
        if lines > 0 {
            out.extend_from_slice(b"    </taSopLineIvcInsert_Items>\n");
        }
        // Freight: the rows posted to freight codes; there are none configured.
        let freight = Decimal::ZERO;
        let subtotal = subtotal.ok_or_else(|| top("sum overflows".into()))?;
        let tax = tax_total.ok_or_else(|| top("sum overflows".into()))?;

        // The header, field by field in the mapping's order.
        // DOCID: the channel's document id from a lookup no one supplied, so DOC_ID; the channel is read.
        read::record(&order.assignment, "assignment")
            .and_then(|a| read::record(&a.current, "current"))
            .and_then(|c| read::int(&c.channel_id, "channelId"))
            .map_err(at(H_DOCID))?;
        key_fits(sop_number, 21, H_SOPNUMBE)?;
        key_fits(customer_number, 15, H_CUSTNMBR)?;
        let company = read::text(&customer.company_name, "companyName").map_err(at(H_CUSTNAME))?;
        let person = read::text(&customer.address_full_name, "addressFullName").map_err(at(H_CUSTNAME))?;
        let customer_name = truncate(if company.is_empty() { person } else { company }, 64);
        let ship_to_name = truncate(read::text(&delivery.address_full_name, "addressFullName").map_err(at(H_SHIPTONAME))?, 64);
        let address1 = truncate(read::text(&delivery.address_line1, "addressLine1").map_err(at(H_ADDRESS1))?, 60);
        let address2 = truncate(read::text(&delivery.address_line2, "addressLine2").map_err(at(H_ADDRESS2))?, 60);
        let city = truncate(read::text(&delivery.address_line3, "addressLine3").map_err(at(H_CITY))?, 35);
        let state = truncate(read::text(&delivery.address_line4, "addressLine4").map_err(at(H_STATE))?, 29);
        let zip = truncate(read::text(&delivery.postal_code, "postalCode").map_err(at(H_ZIPCODE))?, 10);
        let country = truncate(read::optional_text(&delivery.country, "country").map_err(at(H_COUNTRY))?.unwrap_or(""), 60);
        text_fits(currency_id, 15, H_CURNCYID)?;
        scale_fits(subtotal, H_SUBTOTAL)?;
        scale_fits(tax, H_TAXAMNT)?;
        let total = crate::exact::add(subtotal, freight)
            .and_then(|s| crate::exact::add(s, tax))
            .ok_or_else(|| at(H_DOCAMNT)("arithmetic overflow".into()))?;
        scale_fits(total, H_DOCAMNT)?;

        if write_failure.is_none() {
            let header = Header {
                sop_number,
                customer_number,
                document_date,
                tax,
                freight,
                customer_name,
                ship_to_name,
                address1,
                address2,
                city,
                state,
                zip,
                country,
                subtotal,
                total,
                currency_id,
            };
            write_failure = write_header(out, &header).err();
        }
        if let Some(fail) = write_failure {
            return Err(fail);
        }
        out.extend_from_slice(b"  </SOPTransactionType>\n");
        Ok(())
    }
}

struct Header<'x> {
    sop_number: &'x str,
    customer_number: &'x str,
    document_date: &'x str,
    tax: Decimal,
    freight: Decimal,
    customer_name: &'x str,
    ship_to_name: &'x str,
    address1: &'x str,
    address2: &'x str,
    city: &'x str,
    state: &'x str,
    zip: &'x str,
    country: &'x str,
    subtotal: Decimal,
    total: Decimal,
    currency_id: &'x str,
}

/// `<NAME>` at an indent, the value, `</NAME>` and a line feed.
macro_rules! element {
    ($out:expr, $indent:literal, $name:literal, $value:expr) => {{
        $out.extend_from_slice(concat!($indent, "<", $name, ">").as_bytes());
        $value;
        $out.extend_from_slice(concat!("</", $name, ">\n").as_bytes());
    }};
}

fn write_line(out: &mut Vec<u8>, sop_number: &str, customer_number: &str, date: &str, currency_id: &str, line: &Line) -> Result<(), Fail> {
    out.extend_from_slice(b"      <taSopLineIvcInsert>\n");
    element!(out, "        ", "SOPTYPE", out.extend_from_slice(SOP_TYPE.as_bytes()));
    element!(out, "        ", "SOPNUMBE", push_text(out, sop_number, L_SOPNUMBE, true)?);
    element!(out, "        ", "CUSTNMBR", push_text(out, customer_number, L_CUSTNMBR, true)?);
    element!(out, "        ", "DOCDATE", out.extend_from_slice(date.as_bytes()));
    element!(out, "        ", "ITEMNMBR", push_text(out, line.item, L_ITEMNMBR, true)?);
    element!(out, "        ", "UNITPRCE", push_decimal(out, line.unit_price));
    element!(out, "        ", "XTNDPRCE", push_decimal(out, line.net));
    element!(out, "        ", "QUANTITY", push_decimal(out, line.quantity));
    element!(out, "        ", "ITEMDESC", push_text(out, line.description, L_ITEMDESC, false)?);
    element!(out, "        ", "TAXAMNT", push_decimal(out, line.tax));
    element!(out, "        ", "LNITMSEQ", out.extend_from_slice(itoa::Buffer::new().format(line.sequence).as_bytes()));
    element!(out, "        ", "CURNCYID", push_text(out, currency_id, L_CURNCYID, false)?);
    out.extend_from_slice(b"      </taSopLineIvcInsert>\n");
    Ok(())
}

fn write_header(out: &mut Vec<u8>, h: &Header) -> Result<(), Fail> {
    out.extend_from_slice(b"    <taSopHdrIvcInsert>\n");
    element!(out, "      ", "SOPTYPE", out.extend_from_slice(SOP_TYPE.as_bytes()));
    element!(out, "      ", "DOCID", push_text(out, DOC_ID, H_DOCID, false)?);
    element!(out, "      ", "SOPNUMBE", push_text(out, h.sop_number, H_SOPNUMBE, true)?);
    element!(out, "      ", "TAXAMNT", push_decimal(out, h.tax));
    element!(out, "      ", "DOCDATE", out.extend_from_slice(h.document_date.as_bytes()));
    element!(out, "      ", "FREIGHT", push_decimal(out, h.freight));
    element!(out, "      ", "CUSTNMBR", push_text(out, h.customer_number, H_CUSTNMBR, true)?);
    element!(out, "      ", "CUSTNAME", push_text(out, h.customer_name, H_CUSTNAME, false)?);
    element!(out, "      ", "ShipToName", push_text(out, h.ship_to_name, H_SHIPTONAME, false)?);
    element!(out, "      ", "ADDRESS1", push_text(out, h.address1, H_ADDRESS1, false)?);
    element!(out, "      ", "ADDRESS2", push_text(out, h.address2, H_ADDRESS2, false)?);
    element!(out, "      ", "ADDRESS3", push_text(out, "", H_ADDRESS3, false)?);
    element!(out, "      ", "CITY", push_text(out, h.city, H_CITY, false)?);
    element!(out, "      ", "STATE", push_text(out, h.state, H_STATE, false)?);
    element!(out, "      ", "ZIPCODE", push_text(out, h.zip, H_ZIPCODE, false)?);
    element!(out, "      ", "COUNTRY", push_text(out, h.country, H_COUNTRY, false)?);
    element!(out, "      ", "SUBTOTAL", push_decimal(out, h.subtotal));
    element!(out, "      ", "DOCAMNT", push_decimal(out, h.total));
    element!(out, "      ", "BACHNUMB", push_text(out, BATCH, H_BACHNUMB, false)?);
    element!(out, "      ", "CURNCYID", push_text(out, h.currency_id, H_CURNCYID, false)?);
    out.extend_from_slice(b"    </taSopHdrIvcInsert>\n");
    Ok(())
}

/// The first `n` characters of `s`.
pub fn truncate(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((cut, _)) => &s[..cut],
        None => s,
    }
}

/// A key is never cut: one longer than its field fails the record.
fn key_fits(s: &str, max: usize, path: &'static str) -> Result<(), Fail> {
    fits(s, max, path, "key")
}

fn text_fits(s: &str, max: usize, path: &'static str) -> Result<(), Fail> {
    fits(s, max, path, "text")
}

fn fits(s: &str, max: usize, path: &'static str, what: &str) -> Result<(), Fail> {
    if s.len() <= max {
        return Ok(());
    }
    let count = s.chars().count();
    if count <= max {
        return Ok(());
    }
    Err(Fail { field: Some(path), message: format!("the {what} {s:?} is {count} characters; {path} holds {max}") })
}

/// GP stores 5 decimal places: a value with more (after dropping trailing zeros) fails the record.
fn scale_fits(d: Decimal, path: &'static str) -> Result<(), Fail> {
    if d.scale() <= 5 {
        return Ok(());
    }
    let places = d.normalize().scale();
    if places <= 5 {
        return Ok(());
    }
    let mut text = Vec::new();
    push_decimal(&mut text, d);
    let text = String::from_utf8(text).expect("digits");
    Err(Fail { field: Some(path), message: format!("{text} has {places} decimal places; {path} stores 5") })
}

/// A decimal as eConnect gets it: plain digits, no exponent, no trailing zeros, no `-0`.
pub fn push_decimal(out: &mut Vec<u8>, d: Decimal) {
    if d.is_zero() {
        out.push(b'0');
        return;
    }
    let mut scale = d.scale() as usize;
    let mantissa = d.mantissa();
    if mantissa < 0 {
        out.push(b'-');
    }
    let mut itoa = itoa::Buffer::new();
    let digits = match u64::try_from(mantissa.unsigned_abs()) {
        Ok(mut m) => {
            while scale > 0 && m % 10 == 0 {
                m /= 10;
                scale -= 1;
            }
            itoa.format(m)
        }
        Err(_) => {
            let mut m = mantissa.unsigned_abs();
            while scale > 0 && m % 10 == 0 {
                m /= 10;
                scale -= 1;
            }
            itoa.format(m)
        }
    }
    .as_bytes();
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits);
    }
}

/// XML character data for a field: `&`, `<`, `>` escaped; a carriage return as `&#13;` (raw, an XML
/// parser would turn it into a line feed); tab and line feed kept; other
/// control characters refused; characters Windows-1252 lacks written as `?`, or refused in a key.
fn push_text(out: &mut Vec<u8>, text: &str, path: &'static str, key: bool) -> Result<(), Fail> {
    // Most text is printable ASCII with nothing to escape: copied at once.
    let bytes = text.as_bytes();
    if bytes.iter().all(|&b| PLAIN[b as usize]) {
        out.extend_from_slice(bytes);
        return Ok(());
    }
    let mut utf8 = [0u8; 4];
    for c in text.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            '\t' | '\n' => out.push(c as u8),
            c if c.is_control() => {
                return Err(Fail { field: Some(path), message: format!("{path} holds the control character U+{:04X}", c as u32) });
            }
            c if !windows_1252(c) => {
                if key {
                    return Err(Fail {
                        field: Some(path),
                        message: format!("{path} holds {c:?} (U+{:04X}), which GP's code page cannot store", c as u32),
                    });
                }
                out.push(b'?');
            }
            c => out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
    Ok(())
}

/// The bytes that stand for themselves in XML text and in Windows-1252: printable ASCII but `&`, `<`, `>`.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b'&' | b'<' | b'>');
        b += 1;
    }
    table
};

/// Whether Windows-1252 (GP's default code page) has the character: ASCII, Latin-1 from U+00A0, and the
/// 27 characters it puts at 0x80..0x9F (0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned).
pub fn windows_1252(c: char) -> bool {
    let u = c as u32;
    u < 0x80
        || (0xA0..=0xFF).contains(&u)
        || matches!(
            u,
            0x20AC // 80 €
                | 0x201A // 82 ‚
                | 0x0192 // 83 ƒ
                | 0x201E // 84 „
                | 0x2026 // 85 …
                | 0x2020 // 86 †
                | 0x2021 // 87 ‡
                | 0x02C6 // 88 ˆ
                | 0x2030 // 89 ‰
                | 0x0160 // 8A Š
                | 0x2039 // 8B ‹
                | 0x0152 // 8C Œ
                | 0x017D // 8E Ž
                | 0x2018 // 91 ‘
                | 0x2019 // 92 ’
                | 0x201C // 93 “
                | 0x201D // 94 ”
                | 0x2022 // 95 •
                | 0x2013 // 96 –
                | 0x2014 // 97 —
                | 0x02DC // 98 ˜
                | 0x2122 // 99 ™
                | 0x0161 // 9A š
                | 0x203A // 9B ›
                | 0x0153 // 9C œ
                | 0x017E // 9E ž
                | 0x0178 // 9F Ÿ
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_plain() {
        let cases = [
            ("64.9500", "64.95"),
            ("15.0000", "15"),
            ("0.0500", "0.05"),
            ("-0.0500", "-0.05"),
            ("-0.000", "0"),
            ("100", "100"),
            ("0.00001", "0.00001"),
            ("79228162514264337593543950335", "79228162514264337593543950335"),
            ("-7922816251426433759354395.0330", "-7922816251426433759354395.033"),
            ("0.1000000000000000000000000000", "0.1"),
        ];
        for (input, want) in cases {
            let mut out = Vec::new();
            push_decimal(&mut out, Decimal::from_str_exact(input).unwrap());
            assert_eq!(String::from_utf8(out).unwrap(), want, "{input}");
        }
        // Against rust_decimal's own text of the normalised value, over a spread of mantissas and scales.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = (x as i64) >> (x % 60);
            let d = Decimal::new(m, (x % 19) as u32);
            let mut out = Vec::new();
            push_decimal(&mut out, d);
            let want = if d.is_zero() { "0".to_string() } else { d.normalize().to_string() };
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("Zoë O'Brien", 3), "Zoë");
        assert_eq!(truncate("東京東京", 2), "東京");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("", 5), "");
    }

    #[test]
    fn text_is_escaped_and_fitted_to_the_code_page() {
        let mut out = Vec::new();
        push_text(&mut out, "A & <B> \"c\" 'd' é € 東 \t", "x.Y", false).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A &amp; &lt;B&gt; \"c\" 'd' é € ? \t");
        let err = push_text(&mut Vec::new(), "SKU-東", "taSopLineIvcInsert.ITEMNMBR", true).unwrap_err();
        assert_eq!(err.message, "taSopLineIvcInsert.ITEMNMBR holds '東' (U+6771), which GP's code page cannot store");
        let err = push_text(&mut Vec::new(), "bell\u{7}", "x.Y", false).unwrap_err();
        assert_eq!(err.message, "x.Y holds the control character U+0007");
        assert!(push_text(&mut Vec::new(), "\u{85}", "x.Y", false).is_err(), "C1 controls are controls");
        for c in ['€', '‚', 'Ÿ', '\u{a0}', 'ÿ'] {
            assert!(windows_1252(c), "{c}");
        }
        for c in ['\u{81}', '\u{9d}', 'Ł', 'Ω', '😀'] {
            assert!(!windows_1252(c), "{c:?}");
        }
    }
}
