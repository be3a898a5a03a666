//! An order as Brightpearl writes it: keys in the order of the recorded responses, optional keys
//! absent rather than null, money as fixed-place text. Serialised straight to bytes (the fast path
//! of `gen-orders`) or into a `serde_json::Value`, with the same result either way.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::clock::{self, Offset};
use super::data::Country;
use super::{Address, Contact, Row, RowKind, SALES_NOMINAL_CODE, SHIPPING_NOMINAL_CODE};

/// A fixed-place decimal, `Fixed(90909, 4)` is `"9.0909"`, written without an intermediate string.
#[derive(Clone, Copy)]
pub struct Fixed(pub i128, pub u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = super::money::pow10(self.1);
        let sign = if self.0 < 0 { "-" } else { "" };
        let (int, frac) = (self.0.abs() / p, self.0.abs() % p);
        if self.1 == 0 {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{frac:0width$}", width = self.1 as usize)
        }
    }
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An instant shown in the account's offset: `2020-03-31T15:02:44.000-06:00`.
#[derive(Clone, Copy)]
pub struct Stamp {
    pub utc: i64,
    pub millis: u32,
    pub offset: Offset,
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        clock::write_datetime(f, self.utc, self.millis, self.offset)
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

pub enum Invoice {
    /// `[{"invoiceReference":""}]`, as on a new order.
    Blank,
    /// Not invoiced yet, but with the dates the invoice will carry.
    Dated { tax_date: i64, due: i64 },
    /// `SI-<number>`.
    Invoiced { number: u64, tax_date: i64, due: i64 },
}

pub struct Order {
    pub id: i64,
    pub parent_order_id: i64,
    pub reference: String,
    pub version: i64,
    pub invoiced: bool,
    pub status: (i64, &'static str),
    pub payment: &'static str,
    pub stock: &'static str,
    pub allocation: &'static str,
    pub shipping_status: &'static str,
    pub placed: Stamp,
    pub created: Stamp,
    pub updated: Option<Stamp>,
    pub closed: Option<Stamp>,
    pub created_by: i64,
    pub price_list_id: i64,
    pub price_mode: &'static str,
    pub delivery_date: Option<Stamp>,
    pub shipping_method_id: i64,
    pub invoice: Invoice,
    pub offset: Offset,
    pub account_currency: &'static str,
    pub order_currency: &'static str,
    /// 6 places.
    pub exchange_rate: i128,
    pub fixed_exchange_rate: bool,
    /// 2 places, like the other totals.
    pub net: i128,
    pub tax_amount: i128,
    pub base_net: i128,
    pub base_tax: i128,
    /// staffOwnerContactId, projectId, channelId, leadSourceId, teamId.
    pub assignment: [i64; 5],
    pub customer: Contact,
    pub delivery: Contact,
    pub billing_address: Address,
    pub rows: Vec<Row>,
    /// The rows' order in the `orderRows` object (indexes into `rows`).
    pub key_order: Vec<usize>,
    pub warehouse_id: i64,
    pub acknowledged: i64,
    pub cost_price_list_id: i64,
    pub historical: bool,
    pub dropship: Option<bool>,
}

/// A small object of fixed keys.
struct Obj<'a, const N: usize>([(&'static str, &'a dyn erased::Ser); N]);

/// Object-safe serialisation of the few value types an order holds.
mod erased {
    use super::{Fixed, Stamp};

    pub enum Val<'a> {
        Str(&'a str),
        Int(i64),
        Bool(bool),
        Fixed(Fixed),
        Stamp(Stamp),
    }

    pub trait Ser {
        fn val(&self) -> Val<'_>;
    }

    impl Ser for &str {
        fn val(&self) -> Val<'_> {
            Val::Str(self)
        }
    }
    impl Ser for String {
        fn val(&self) -> Val<'_> {
            Val::Str(self)
        }
    }
    impl Ser for i64 {
        fn val(&self) -> Val<'_> {
            Val::Int(*self)
        }
    }
    impl Ser for bool {
        fn val(&self) -> Val<'_> {
            Val::Bool(*self)
        }
    }
    impl Ser for Fixed {
        fn val(&self) -> Val<'_> {
            Val::Fixed(*self)
        }
    }
    impl Ser for Stamp {
        fn val(&self) -> Val<'_> {
            Val::Stamp(*self)
        }
    }
}

impl serde::Serialize for erased::Val<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            erased::Val::Str(v) => s.serialize_str(v),
            erased::Val::Int(v) => s.serialize_i64(*v),
            erased::Val::Bool(v) => s.serialize_bool(*v),
            erased::Val::Fixed(v) => v.serialize(s),
            erased::Val::Stamp(v) => v.serialize(s),
        }
    }
}

impl<const N: usize> Serialize for Obj<'_, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(N))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, &v.val())?;
        }
        m.end()
    }
}

/// `{"currencyCode": ..., "value": ...}`.
fn amount<'a>(currency: &'a &'static str, value: &'a Fixed) -> Obj<'a, 2> {
    Obj([("currencyCode", currency), ("value", value)])
}

struct Party<'a> {
    contact_id: Option<i64>,
    contact: &'a Contact,
    address: &'a Address,
    country: Option<&'a Country>,
}

impl Serialize for Party<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, a) = (&self.contact.person, self.address);
        let mut m = s.serialize_map(None)?;
        if let Some(id) = self.contact_id {
            m.serialize_entry("contactId", &id)?;
        }
        m.serialize_entry("addressFullName", &p.full_name)?;
        m.serialize_entry("companyName", &self.contact.company)?;
        m.serialize_entry("addressLine1", &a.line1)?;
        m.serialize_entry("addressLine2", &a.line2)?;
        m.serialize_entry("addressLine3", &a.line3)?;
        m.serialize_entry("addressLine4", &a.line4)?;
        m.serialize_entry("postalCode", &a.postal)?;
        if let Some(c) = self.country {
            m.serialize_entry("country", c.name)?;
        }
        m.serialize_entry("telephone", &p.telephone)?;
        m.serialize_entry("mobileTelephone", &p.mobile)?;
        m.serialize_entry("fax", &p.fax)?;
        m.serialize_entry("email", &p.email)?;
        m.serialize_entry("countryId", &self.country.map_or(0, |c| c.id))?;
        if let Some(c) = self.country {
            m.serialize_entry("countryIsoCode", c.iso2)?;
            m.serialize_entry("countryIsoCode3", c.iso3)?;
        }
        m.end()
    }
}

struct Parties<'a>(&'a Order);

impl Serialize for Parties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let mut m = s.serialize_map(Some(3))?;
        let customer_country = o.customer.country.as_ref();
        m.serialize_entry(
            "customer",
            &Party { contact_id: Some(o.customer.id), contact: &o.customer, address: &o.customer.address, country: customer_country },
        )?;
        m.serialize_entry(
            "delivery",
            &Party { contact_id: None, contact: &o.delivery, address: &o.delivery.address, country: o.delivery.country.as_ref() },
        )?;
        m.serialize_entry(
            "billing",
            &Party { contact_id: Some(o.customer.id), contact: &o.customer, address: &o.billing_address, country: customer_country },
        )?;
        m.end()
    }
}

struct RowJson<'a> {
    row: &'a Row,
    currency: &'static str,
}

impl Serialize for RowJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (row, currency) = (self.row, &self.currency);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("orderRowSequence", &Fixed(i128::from(row.sequence), 0))?;
        m.serialize_entry("productId", &row.product_id)?;
        m.serialize_entry("productName", &row.name)?;
        if let Some(sku) = &row.sku {
            m.serialize_entry("productSku", sku)?;
        }
        m.serialize_entry("quantity", &Obj([("magnitude", &Fixed(row.quantity, 4))]))?;
        m.serialize_entry("itemCost", &amount(currency, &Fixed(row.cost, 4)))?;
        m.serialize_entry("productPrice", &amount(currency, &Fixed(row.price, 4)))?;
        m.serialize_entry("discountPercentage", &Fixed(row.discount, 2))?;
        m.serialize_entry(
            "rowValue",
            &RowValue { row, currency },
        )?;
        let nominal = if matches!(row.kind, RowKind::Shipping) { SHIPPING_NOMINAL_CODE } else { SALES_NOMINAL_CODE };
        m.serialize_entry("nominalCode", nominal)?;
        m.serialize_entry("composition", &Obj([("bundleParent", &false), ("bundleChild", &false), ("parentOrderRowId", &0i64)]))?;
        m.serialize_entry("clonedFromId", &row.cloned_from)?;
        m.end()
    }
}

struct RowValue<'a> {
    row: &'a Row,
    currency: &'a &'static str,
}

impl Serialize for RowValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let row = self.row;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("taxRate", &Fixed(row.tax.rate, 4))?;
        m.serialize_entry("taxCode", row.tax.code)?;
        m.serialize_entry("taxCalculator", row.calculator)?;
        m.serialize_entry("rowNet", &amount(self.currency, &Fixed(row.net, 4)))?;
        m.serialize_entry("rowTax", &amount(self.currency, &Fixed(row.row_tax, 2)))?;
        m.serialize_entry("taxClassId", &row.tax.class_id)?;
        m.end()
    }
}

struct Rows<'a>(&'a Order);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let mut m = s.serialize_map(Some(o.rows.len()))?;
        for &i in &o.key_order {
            let row = &o.rows[i];
            // An integer key: serde_json writes it as the text `"1203"`.
            m.serialize_entry(&row.id, &RowJson { row, currency: o.order_currency })?;
        }
        m.end()
    }
}

struct Invoices<'a>(&'a Order);

impl Serialize for Invoices<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let offset = self.0.offset;
        let stamp = |utc: i64| Stamp { utc, millis: 0, offset };
        let mut seq = s.serialize_seq(Some(1))?;
        match self.0.invoice {
            Invoice::Blank => seq.serialize_element(&Obj([("invoiceReference", &"")]))?,
            Invoice::Dated { tax_date, due } => seq.serialize_element(&Obj([
                ("invoiceReference", &""),
                ("taxDate", &stamp(tax_date)),
                ("dueDate", &stamp(due)),
            ]))?,
            Invoice::Invoiced { number, tax_date, due } => seq.serialize_element(&Obj([
                ("invoiceReference", &format!("SI-{number}")),
                ("taxDate", &stamp(tax_date)),
                ("dueDate", &stamp(due)),
            ]))?,
        }
        seq.end()
    }
}

struct Errors;

impl Serialize for Errors {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("errors", &EmptyList)?;
        return m.end();

        struct EmptyList;
        impl Serialize for EmptyList {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_seq(Some(0))?.end()
            }
        }
    }
}

struct Current<'a>(&'a [i64; 5]);

impl Serialize for Current<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let current = Obj([
            ("staffOwnerContactId", &a[0]),
            ("projectId", &a[1]),
            ("channelId", &a[2]),
            ("leadSourceId", &a[3]),
            ("teamId", &a[4]),
        ]);
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("current", &current)?;
        m.end()
    }
}

struct Delivery<'a>(&'a Order);

impl Serialize for Delivery<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(date) = &self.0.delivery_date {
            m.serialize_entry("deliveryDate", date)?;
        }
        m.serialize_entry("shippingMethodId", &self.0.shipping_method_id)?;
        m.end()
    }
}

impl Serialize for Order {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("parentOrderId", &self.parent_order_id)?;
        m.serialize_entry("orderTypeCode", "SO")?;
        m.serialize_entry("reference", &self.reference)?;
        m.serialize_entry("version", &self.version)?;
        m.serialize_entry("state", &Obj([("tax", &if self.invoiced { "INVOICED" } else { "READY" })]))?;
        m.serialize_entry("orderStatus", &Obj([("orderStatusId", &self.status.0), ("name", &self.status.1)]))?;
        m.serialize_entry("tax", &Errors)?;
        m.serialize_entry("orderPaymentStatus", self.payment)?;
        m.serialize_entry("stockStatusCode", self.stock)?;
        m.serialize_entry("allocationStatusCode", self.allocation)?;
        m.serialize_entry("shippingStatusCode", self.shipping_status)?;
        m.serialize_entry("placedOn", &self.placed)?;
        m.serialize_entry("createdOn", &self.created)?;
        if let Some(t) = &self.updated {
            m.serialize_entry("updatedOn", t)?;
        }
        if let Some(t) = &self.closed {
            m.serialize_entry("closedOn", t)?;
        }
        m.serialize_entry("createdById", &self.created_by)?;
        m.serialize_entry("priceListId", &self.price_list_id)?;
        m.serialize_entry("priceModeCode", self.price_mode)?;
        m.serialize_entry("delivery", &Delivery(self))?;
        m.serialize_entry("invoices", &Invoices(self))?;
        m.serialize_entry(
            "currency",
            &Obj([
                ("accountingCurrencyCode", &self.account_currency),
                ("orderCurrencyCode", &self.order_currency),
                ("exchangeRate", &Fixed(self.exchange_rate, 6)),
                ("fixedExchangeRate", &self.fixed_exchange_rate),
            ]),
        )?;
        m.serialize_entry(
            "totalValue",
            &Obj([
                ("net", &Fixed(self.net, 2)),
                ("taxAmount", &Fixed(self.tax_amount, 2)),
                ("baseNet", &Fixed(self.base_net, 2)),
                ("baseTaxAmount", &Fixed(self.base_tax, 2)),
                ("baseTotal", &Fixed(self.base_net + self.base_tax, 2)),
                ("total", &Fixed(self.net + self.tax_amount, 2)),
            ]),
        )?;
        m.serialize_entry("assignment", &Current(&self.assignment))?;
        m.serialize_entry("parties", &Parties(self))?;
        m.serialize_entry("orderRows", &Rows(self))?;
        m.serialize_entry("warehouseId", &self.warehouse_id)?;
        m.serialize_entry("acknowledged", &self.acknowledged)?;
        m.serialize_entry("costPriceListId", &self.cost_price_list_id)?;
        m.serialize_entry("historicalOrder", &self.historical)?;
        if let Some(d) = self.dropship {
            m.serialize_entry("isDropship", &d)?;
        }
        if let Invoice::Invoiced { tax_date, .. } = self.invoice {
            m.serialize_entry("originalInvoiceDate", &Stamp { utc: tax_date, millis: 0, offset: self.offset })?;
        }
        m.serialize_entry("orderWeighting", &100i64)?;
        m.end()
    }
}
