//! A deterministic, seeded generator of realistic Brightpearl sales orders.
//!
//! Each order is the JSON `GET /order-service/order/{id}` returns for one sales order (the element of
//! `response`, not the envelope), shaped like the recorded samples and valid against
//! `brightpearl.Order`. Order `index` of a generator is a pure function of `(seed, index)`: the same
//! seed gives the same orders byte for byte, any order can be made on its own
//! ([`OrderGenerator::order`], [`OrderGenerator::order_by_id`]), and a stream of a million orders
//! needs no memory beyond one order ([`write_json_lines`]).
//!
//! What varies, on purpose:
//! - price mode `INC` and `EXC`; currencies USD, GBP and EUR, against an account currency chosen by
//!   the seed, with a 6-place exchange rate and the base totals converted with it;
//! - 1 to 6 rows keyed by row id, ids of 1 to 5+ digits within one order (`"7"`, `"42"`, `"1203"`),
//!   about one order in nine with its keys out of numeric order, free-text rows without a SKU
//!   (product id 1000), shipping rows on nominal code 4040, discounts, fractional and zero quantities.
//!   Row ids are unique within an order, not across orders;
//! - dates in several offsets (`-06:00`, `+01:00`, `Z`, `+05:30`...), `updatedOn` absent on orders
//!   never updated, `closedOn` on closed ones, invoice dates on invoiced ones;
//! - text with XML specials (`& < > " '`), accented and CJK letters (é, ß, Ø, 東京) and astral
//!   characters (🚚), and values longer than their GP field: company names over 64 characters,
//!   address lines over 60, postal codes over 10, product names over 100. SKUs never exceed 30.
//!
//! Money is exact and built from integers: with price `P`, quantity `Q`, discount `D` % and tax rate
//! `R` %, a row's gross is `P × Q × (1 − D/100)`; `rowNet` is that gross (`EXC`) or the gross less
//! its tax, `gross / (1 + R/100)` (`INC`, as Brightpearl reports a tax-inclusive price of 10.00 at
//! 10% as a net of 9.0909), rounded half away from zero to 4 places; `rowTax` is
//! `rowNet × R/100` rounded to 2 places. `totalValue.net` is the sum of row nets rounded to 2 places,
//! `taxAmount` the sum of row taxes, `total` their sum; the base values are the order values divided
//! by `exchangeRate` (order currency per unit of account currency), rounded to 2 places, and
//! `baseTotal = baseNet + baseTaxAmount`.

pub mod clock;
mod data;
mod money;
pub mod records;
mod rng;
mod wire;

use std::io::{self, Write};

use serde_json::{json, Value};

pub use money::{fixed, parse_fixed};
pub use rng::{mix, Rng};

use clock::{local_day, local_midnight, Offset, DAY};
use data::*;
pub use data::{Country, Region};
use wire::{Invoice, Order, Stamp};

/// The product id Brightpearl shows on rows that name no product (free text, shipping).
pub const FREE_TEXT_PRODUCT_ID: i64 = 1000;
/// The nominal code of product and free-text rows.
pub const SALES_NOMINAL_CODE: &str = "4000";
/// The nominal code of shipping rows (`--param freight_nominal_codes=4040`).
pub const SHIPPING_NOMINAL_CODE: &str = "4040";
/// The id of the first order when none is given.
pub const DEFAULT_FIRST_ID: i64 = 100_001;
/// The first product id of the catalogue; ids run up to `FIRST_PRODUCT_ID + PRODUCTS - 1`.
pub const FIRST_PRODUCT_ID: i64 = 1001;
/// The first customer contact id; ids run up to `FIRST_CONTACT_ID + CONTACTS - 1`.
pub const FIRST_CONTACT_ID: i64 = 200;
/// The number of products in the catalogue.
pub const PRODUCTS: u64 = 6_000;
/// The number of customer contacts.
pub const CONTACTS: u64 = 40_000;
/// Regular customers: most orders come from these.
const REGULARS: u64 = 2_000;
/// Average seconds between two orders' `placedOn`: a million orders cover about five years.
const ORDER_GAP: i64 = 157;

// Domain tags, so the catalogue, contacts and orders draw from unrelated streams.
const TAG_ACCOUNT: u64 = 0x4143_434f_554e_5400;
const TAG_ORDER: u64 = 0x4f52_4445_5200_0000;
const TAG_PRODUCT: u64 = 0x5052_4f44_5543_5400;
const TAG_CONTACT: u64 = 0x434f_4e54_4143_5400;

/// Makes sales orders. Cheap to create and to clone; holds no orders.
#[derive(Debug, Clone)]
pub struct OrderGenerator {
    seed: u64,
    first_id: i64,
    /// The account's base currency.
    account_currency: &'static str,
    /// `placedOn` of order 0, seconds since the epoch.
    epoch: i64,
}

impl OrderGenerator {
    /// A generator for `seed`; order ids start at [`DEFAULT_FIRST_ID`].
    pub fn new(seed: u64) -> Self {
        let mut account = Rng::new(mix(seed, TAG_ACCOUNT));
        let account_currency = *account.weighted(&[(5, "USD"), (3, "GBP"), (2, "EUR")]);
        // Order 0 is placed some time in 2020-2022.
        let epoch = clock::days_from_civil(2020, 1, 1) * DAY + account.range(0, 900) * DAY + account.range(0, DAY - 1);
        OrderGenerator { seed, first_id: DEFAULT_FIRST_ID, account_currency, epoch }
    }

    /// The same orders with ids from `first_id` (> 0) on: order `index` has id `first_id + index`.
    pub fn with_first_id(mut self, first_id: i64) -> Self {
        assert!(first_id > 0, "order ids are positive");
        self.first_id = first_id;
        self
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn first_id(&self) -> i64 {
        self.first_id
    }

    /// The account's base currency (`currency.accountingCurrencyCode` of every order): USD, GBP or EUR.
    pub fn account_currency(&self) -> &'static str {
        self.account_currency
    }

    /// The order with id `id`, if this generator makes it.
    pub fn order_by_id(&self, id: i64) -> Option<Value> {
        (id >= self.first_id).then(|| self.order((id - self.first_id) as u64))
    }

    /// Orders `0, 1, 2, ...` without end; take as many as needed.
    pub fn orders(&self) -> Orders<'_> {
        Orders { generator: self, next: 0 }
    }

    /// Order number `index` (id `first_id + index`): a pure function of the seed and the index.
    pub fn order(&self, index: u64) -> Value {
        serde_json::to_value(OrderBuilder::new(self, index).build()).expect("an order always serialises")
    }

    /// Writes order `index` as compact JSON (no newline), byte for byte
    /// `serde_json::to_string(&self.order(index))`, without building the `Value` (several times
    /// faster).
    pub fn write_order<W: Write>(&self, index: u64, out: W) -> io::Result<()> {
        serde_json::to_writer(out, &OrderBuilder::new(self, index).build()).map_err(io::Error::from)
    }

    /// Product `index` (`0..PRODUCTS`) of the catalogue; its id is `FIRST_PRODUCT_ID + index`.
    pub fn product(&self, index: u64) -> Product {
        let mut r = Rng::new(mix(mix(self.seed, TAG_PRODUCT), index));
        let id = FIRST_PRODUCT_ID + index as i64;
        let family = pick_family(&mut r);
        let variant = r.pick(family.variants);
        let mut name = family.name.replace("{}", variant);
        if r.chance(25) {
            name.push_str(LONG_PRODUCT_SUFFIX);
        }
        let sku = match r.below(100) {
            // Exactly GP's 30 characters: the longest SKU that still maps.
            0..=2 => format!("{}-{:0>width$}", family.sku, id, width = 30 - family.sku.len() - 1),
            3..=5 => format!("{}/{}.{}", family.sku.to_ascii_lowercase(), id, r.range(1, 9)),
            _ => format!("{}-{}", family.sku, id),
        };
        debug_assert!(sku.chars().count() <= 30);
        let (lo, hi) = family.cents;
        let mut cents = r.range(lo, hi);
        // Catalogue prices end in .99, .95, .50 or .00 mostly.
        cents = match r.below(10) {
            0..=3 => cents / 100 * 100 + 99,
            4..=5 => cents / 100 * 100 + 95,
            6 => cents / 100 * 100 + 50,
            7 => cents / 100 * 100,
            _ => cents,
        };
        let tax_class = *r.weighted(&[(88, TaxClass::Standard), (7, TaxClass::Reduced), (5, TaxClass::Zero)]);
        let cost_permille = if r.chance(100) { 0 } else { r.range(350, 650) as i128 };
        // A few products are priced to 4 places (trade and bulk items).
        let extra_places = if r.chance(40) { r.range(1, 99) as i128 } else { 0 };
        Product { id, name, sku, usd_cents: cents as i128, extra_places, tax_class, cost_permille }
    }

    /// The product with this id, if the catalogue has it.
    pub fn product_by_id(&self, id: i64) -> Option<Product> {
        let index = u64::try_from(id.checked_sub(FIRST_PRODUCT_ID)?).ok()?;
        (index < PRODUCTS).then(|| self.product(index))
    }

    /// The contact with this id, if there is one.
    pub fn contact_by_id(&self, id: i64) -> Option<Contact> {
        let index = u64::try_from(id.checked_sub(FIRST_CONTACT_ID)?).ok()?;
        (index < CONTACTS).then(|| self.contact(index))
    }

    /// Contact `index` (`0..CONTACTS`); its id is `FIRST_CONTACT_ID + index`.
    pub fn contact(&self, index: u64) -> Contact {
        let mut r = Rng::new(mix(mix(self.seed, TAG_CONTACT), index));
        let id = FIRST_CONTACT_ID + index as i64;
        let country = if r.chance(25) { None } else { Some(*r.weighted(COUNTRIES)) };
        let person = person(&mut r, country.as_ref());
        let company = if r.chance(450) {
            company(&mut r)
        } else {
            String::new()
        };
        let address = address(&mut r, country.as_ref());
        Contact { id, person, company, address, country }
    }
}

/// The orders of a generator, in index order. Never ends.
pub struct Orders<'a> {
    generator: &'a OrderGenerator,
    next: u64,
}

impl Iterator for Orders<'_> {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        let order = self.generator.order(self.next);
        self.next += 1;
        Some(order)
    }
}

/// The first `count` orders of `seed`, held in memory (for tests and small fixtures).
pub fn generate_orders(seed: u64, count: usize) -> Vec<Value> {
    OrderGenerator::new(seed).orders().take(count).collect()
}

/// Writes orders `0..count` as JSON lines, one compact order per line, streaming: one order is in
/// memory at a time. Wrap `out` in a `BufWriter` for speed.
pub fn write_json_lines<W: Write>(generator: &OrderGenerator, count: u64, mut out: W) -> io::Result<()> {
    write_json_lines_range(generator, 0..count, &mut out)?;
    out.flush()
}

/// Writes orders `indexes` as JSON lines (no flush).
pub fn write_json_lines_range<W: Write>(generator: &OrderGenerator, indexes: std::ops::Range<u64>, out: &mut W) -> io::Result<()> {
    for index in indexes {
        generator.write_order(index, &mut *out)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// `{"response":[...]}`, the envelope Brightpearl wraps orders in.
pub fn response_envelope(orders: Vec<Value>) -> Value {
    json!({ "response": orders })
}

/// A product's tax class: which of its region's rates applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxClass {
    Standard,
    Reduced,
    Zero,
}

/// A catalogue product: the facts orders, simulators and GP master data all derive from.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: i64,
    pub name: String,
    /// At most 30 characters (GP's ITEMNMBR), so every SKU maps.
    pub sku: String,
    /// List price in US cents; [`Product::extra_places`] adds the 3rd and 4th decimal places.
    pub usd_cents: i128,
    pub extra_places: i128,
    pub tax_class: TaxClass,
    /// Cost as a share of the price, per mille; 0 where the cost is not kept.
    pub cost_permille: i128,
}

/// A person's name and ways to reach them.
#[derive(Debug, Clone)]
pub struct Person {
    pub full_name: String,
    pub email: String,
    pub telephone: String,
    pub mobile: String,
    pub fax: String,
}

/// A postal address; lines may be empty, and some are longer than GP's fields on purpose.
#[derive(Debug, Clone)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub line3: String,
    pub line4: String,
    pub postal: String,
}

/// A customer contact: orders are placed by contacts, GP customers are made from them.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: i64,
    pub person: Person,
    /// Empty for private customers.
    pub company: String,
    pub address: Address,
    /// `None` for contacts whose country is not recorded.
    pub country: Option<Country>,
}

fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii() && !b"&<>\"'".contains(&b))
}

/// How much likelier plain text (ASCII, no XML specials) is than text with special characters:
/// most real data is plain, and the special cases stay a minority of orders.
const PLAIN_WEIGHT: u64 = 10;

/// One of `items`, those whose text is plain [`PLAIN_WEIGHT`] times as likely as the others.
fn pick_mostly_plain<'a, T>(r: &mut Rng, items: &'a [T], text: impl Fn(&T) -> bool) -> &'a T {
    let weight = |item: &T| if text(item) { PLAIN_WEIGHT } else { 1 };
    let total: u64 = items.iter().map(weight).sum();
    let mut at = r.below(total);
    for item in items {
        if at < weight(item) {
            return item;
        }
        at -= weight(item);
    }
    unreachable!("weights sum to total")
}

fn pick_family(r: &mut Rng) -> &'static Family {
    pick_mostly_plain(r, FAMILIES, |f| is_plain(f.name) && f.variants.iter().all(|v| is_plain(v)))
}

fn digits(r: &mut Rng, n: u32) -> String {
    (0..n).map(|_| char::from(b'0' + r.below(10) as u8)).collect()
}

fn person(r: &mut Rng, country: Option<&Country>) -> Person {
    let japanese = country.is_some_and(|c| c.iso2 == "JP") && r.chance(600);
    let (full_name, stem) = if japanese {
        let (name, stem) = r.pick(JAPANESE_NAMES);
        (name.to_string(), stem.to_string())
    } else {
        let (first, first_ascii) = *pick_mostly_plain(r, FIRST_NAMES, |(name, _)| is_plain(name));
        let (last, last_ascii) = *pick_mostly_plain(r, LAST_NAMES, |(name, _)| is_plain(name));
        (format!("{first} {last}"), format!("{first_ascii}.{last_ascii}"))
    };
    let email = match r.below(100) {
        0..=3 => String::new(),
        4..=9 => format!("{stem}+orders@{}", r.pick(EMAIL_DOMAINS)),
        _ => format!("{stem}{}@{}", r.below(100), r.pick(EMAIL_DOMAINS)),
    };
    let prefix = country.map(|c| place(c).phone).unwrap_or("555-01");
    let telephone = if r.chance(80) { String::new() } else { format!("{prefix}{}", digits(r, 2)) };
    let mobile = if r.chance(700) { String::new() } else { format!("{prefix}{}", digits(r, 2)) };
    let fax = if r.chance(950) { String::new() } else { format!("{prefix}{}", digits(r, 2)) };
    Person { full_name, email, telephone, mobile, fax }
}

fn company(r: &mut Rng) -> String {
    let (last, _) = *pick_mostly_plain(r, LAST_NAMES, |(name, _)| is_plain(name));
    match r.below(100) {
        // Longer than GP's 64 characters.
        0..=4 => format!("{last}{LONG_COMPANY_SUFFIX}"),
        5..=39 => pick_mostly_plain(r, COMPANIES, |c| is_plain(c)).to_string(),
        _ => pick_mostly_plain(r, COMPANY_PATTERNS, |p| is_plain(p)).replace("{}", last),
    }
}

fn address(r: &mut Rng, country: Option<&Country>) -> Address {
    let Some(country) = country else {
        // No country set: often a bare first line, as on the recorded purchase order's supplier.
        let line1 = if r.chance(500) { String::new() } else { format!("{} Some Street", r.range(1, 200)) };
        return Address { line1, line2: String::new(), line3: String::new(), line4: String::new(), postal: String::new() };
    };
    let place = place(country);
    let street = r.pick(place.streets);
    let number = r.range(1, 250);
    let mut line1 = if place.number_first { format!("{number} {street}") } else { format!("{street} {number}") };
    if r.chance(25) {
        line1.push_str(LONG_ADDRESS_SUFFIX);
    }
    let line2 = r.pick(place.line2).to_string();
    let (city, region, postal_prefix, postal_digits) = r.pick(place.towns);
    let mut postal = format!("{postal_prefix}{}", digits(r, postal_digits));
    if country.iso2 == "US" && r.chance(150) {
        postal = format!("{postal}-{}", digits(r, 4)); // ZIP+4: exactly 10 characters
    }
    if r.chance(25) {
        postal.push_str(r.pick(LONG_POSTAL_SUFFIXES));
    }
    Address { line1, line2, line3: city.to_string(), line4: region.to_string(), postal }
}

/// US dollars per unit of a currency, per mille (the catalogue is priced in US cents).
fn per_usd_permille(currency: &str) -> i128 {
    match currency {
        "GBP" => 790,
        "EUR" => 920,
        _ => 1000,
    }
}

/// A catalogue price in US cents as cents of `currency`, keeping its .99/.95 ending.
fn convert_price(usd_cents: i128, currency: &str) -> i128 {
    let converted = money::div_round(usd_cents * per_usd_permille(currency), 1000);
    if converted >= 100 {
        converted / 100 * 100 + usd_cents % 100
    } else {
        converted
    }
}

/// Units of `order` currency per unit of `account` currency, 6 places, near the market rate.
fn exchange_rate(r: &mut Rng, account: &str, order: &str) -> i128 {
    if account == order {
        return 1_000_000;
    }
    // order per account = (order per USD) / (account per USD)
    let nominal = money::div_round(per_usd_permille(order) * 1_000_000, per_usd_permille(account));
    money::div_round(nominal * (960_000 + r.range(0, 80_000) as i128), 1_000_000)
}

struct Tax {
    code: &'static str,
    class_id: i64,
    /// Percent, 4 places.
    rate: i128,
}

const fn tax(code: &'static str, class_id: i64, rate: i128) -> Tax {
    Tax { code, class_id, rate }
}

/// The tax of a row of `class` delivered to `region` (`us_rate`: the destination state's rate).
fn tax_for(region: Region, class: TaxClass, us_rate: i128, exempt: bool) -> Tax {
    if exempt {
        return tax("Z", 1, 0);
    }
    match (region, class) {
        (Region::Us, TaxClass::Zero) => tax("N", 3, 0),
        (Region::Us, _) if us_rate == 0 => tax("N", 3, 0),
        (Region::Us, _) => tax("T", 2, us_rate),
        (Region::Uk, TaxClass::Standard) => tax("VAT", 4, 200_000),
        (Region::Uk, TaxClass::Reduced) => tax("LOW", 13, 50_000),
        (Region::Eu { standard, .. }, TaxClass::Standard) => tax("VAT", 4, standard),
        (Region::Eu { reduced, .. }, TaxClass::Reduced) => tax("RED", 14, reduced),
        (Region::Uk | Region::Eu { .. }, TaxClass::Zero) | (Region::Export, _) => tax("Z", 1, 0),
    }
}

enum RowKind {
    Product,
    FreeText,
    Shipping,
}

struct Row {
    id: i64,
    sequence: i64,
    kind: RowKind,
    product_id: i64,
    name: String,
    sku: Option<String>,
    /// 4 places.
    quantity: i128,
    cost: i128,
    price: i128,
    /// 2 places.
    discount: i128,
    tax: Tax,
    calculator: &'static str,
    /// 4 places.
    net: i128,
    /// 2 places.
    row_tax: i128,
    cloned_from: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Draft,
    NewWeb,
    NewPhone,
    AwaitingPayment,
    BackOrder,
    Invoiced,
    Cancelled,
}

struct OrderBuilder<'g> {
    g: &'g OrderGenerator,
    r: Rng,
    index: u64,
    id: i64,
}

impl<'g> OrderBuilder<'g> {
    fn new(g: &'g OrderGenerator, index: u64) -> Self {
        let r = Rng::new(mix(mix(g.seed, TAG_ORDER), index));
        OrderBuilder { g, r, index, id: g.first_id + index as i64 }
    }

    fn build(mut self) -> Order {
        let g = self.g;
        let r = &mut self.r;
        let cidx = {
            let regular = r.chance(600);
            r.below(if regular { REGULARS } else { CONTACTS })
        };
        let customer = g.contact(cidx);
        // Deliveries to someone else (gifts, drop points): another person and address.
        let delivery = if r.chance(180) {
            let other = g.contact(r.below(CONTACTS));
            let country = if r.chance(700) { customer.country.or(other.country) } else { other.country };
            let address = if country.map(|c| c.iso2) == other.country.map(|c| c.iso2) {
                other.address.clone()
            } else {
                address(r, country.as_ref())
            };
            let person = if country.map(|c| c.iso2) == other.country.map(|c| c.iso2) { other.person } else { person(r, country.as_ref()) };
            Contact { id: 0, person, company: String::new(), address, country }
        } else {
            customer.clone()
        };
        // Billing: the customer, now and then at an accounts address of its own.
        let billing_address = if r.chance(60) { address(r, customer.country.as_ref()) } else { customer.address.clone() };

        // Currency: the customer's, the account's for countries without one, sometimes another.
        let account_currency = g.account_currency;
        let order_currency: &'static str = if r.chance(70) {
            r.pick(&["USD", "GBP", "EUR"])
        } else {
            match customer.country.map(|c| c.currency) {
                Some(c) if !c.is_empty() => c,
                _ if r.chance(700) => account_currency,
                _ => "USD",
            }
        };
        let exchange_rate = exchange_rate(r, account_currency, order_currency);
        let fixed_exchange_rate = account_currency != order_currency && r.chance(150);

        // Tax by destination.
        let tax_country = delivery.country.or(customer.country);
        let region = tax_country.map_or(Region::Export, |c| c.region);
        let us_rate = if region == Region::Us { us_sales_tax(&delivery.address.line4) } else { 0 };
        let exempt = region == Region::Us && r.chance(100);
        let calculator: &'static str = match (region, r.below(100)) {
            (Region::Us, 0..=29) => "avalara",
            (_, 97..) => "manual",
            _ => "brightpearl",
        };
        let business = !customer.company.is_empty();
        // Tax-inclusive prices: most UK and EU consumer orders, few US or export ones.
        let inclusive_per_mille = match region {
            Region::Us => 80,
            Region::Uk | Region::Eu { .. } if !business => 750,
            _ => 300,
        };
        let price_mode = if r.chance(inclusive_per_mille) { "INC" } else { "EXC" };
        let inclusive = price_mode == "INC";
        let wholesale = business && r.chance(250);
        let order_discount = if wholesale && r.chance(300) { 1000 } else { 0 };

        // Rows.
        let row_count = *r.weighted(&[(22, 1usize), (25, 2), (20, 3), (14, 4), (10, 5), (9, 6)]);
        let shipping = row_count >= 2 && r.chance(550);
        let digits_first = r.range(1, 5) as u32;
        let mut row_id = r.range(10i64.pow(digits_first - 1), 10i64.pow(digits_first) - 1);
        let mut sequence = 10;
        let mut rows: Vec<Row> = Vec::with_capacity(row_count);
        for n in 0..row_count {
            if n > 0 {
                row_id += match r.below(100) {
                    0..=64 => 1,
                    65..=79 => r.range(2, 5),
                    // Added later: another customer's rows were made in between.
                    _ => r.range(10, 3_000),
                };
                sequence += if r.chance(80) { 20 } else { 10 };
            }
            let kind = if shipping && n == row_count - 1 {
                RowKind::Shipping
            } else if r.chance(80) {
                RowKind::FreeText
            } else {
                RowKind::Product
            };
            let (product_id, name, sku, cents, extra, class, cost_permille) = match kind {
                RowKind::Product => {
                    let p = g.product(r.below(PRODUCTS));
                    let cents = convert_price(p.usd_cents, order_currency);
                    (p.id, p.name, Some(p.sku), cents, p.extra_places, p.tax_class, p.cost_permille)
                }
                RowKind::FreeText => {
                    let (name, (lo, hi)) = *pick_mostly_plain(r, FREE_TEXT, |(name, _)| is_plain(name));
                    let cents = convert_price(r.range(lo, hi) as i128, order_currency);
                    (FREE_TEXT_PRODUCT_ID, name.to_string(), None, cents, 0, TaxClass::Standard, 0)
                }
                RowKind::Shipping => {
                    let names = match region {
                        Region::Us => SHIPPING_US,
                        Region::Uk => SHIPPING_UK,
                        Region::Eu { .. } => SHIPPING_EU,
                        Region::Export => SHIPPING_EXPORT,
                    };
                    let name = pick_mostly_plain(r, names, |n| is_plain(n)).to_string();
                    // Some accounts sell shipping as a service product with a SKU.
                    let sku = r.chance(100).then(|| "SHIP-STD".to_string());
                    let cents = *r.weighted(SHIPPING_CENTS) as i128;
                    (FREE_TEXT_PRODUCT_ID, name, sku, cents, 0, TaxClass::Standard, 600)
                }
            };
            let mut price = cents * 100 + extra;
            if wholesale && matches!(kind, RowKind::Product) {
                price = money::div_round(price * 75, 100);
            }
            let quantity: i128 = match kind {
                RowKind::Shipping => 10_000,
                RowKind::FreeText => *r.weighted(&[(90, 10_000), (8, 20_000), (2, 0)]),
                _ => match r.below(1000) {
                    0..=4 => 0,
                    5..=549 => 10_000,
                    550..=849 => r.range(2, 5) as i128 * 10_000,
                    850..=929 => r.range(6, 24) as i128 * 10_000,
                    930..=949 => r.pick(&[50, 100, 250]) * 10_000,
                    _ => r.pick(&[5_000, 15_000, 22_500, 7_500, 33_333, 1_250]),
                },
            };
            let discount: i128 = match kind {
                RowKind::Product if order_discount > 0 => order_discount,
                RowKind::Product if r.chance(120) => r.pick(&[500, 1000, 1500, 2000, 2500, 1250, 3333, 5000]),
                _ => 0,
            };
            let tax = tax_for(region, class, us_rate, exempt);
            // gross at 12 places: price (4) × quantity (4) × (100% − discount) (4)
            let gross = price * quantity * (10_000 - discount);
            let net = if inclusive {
                money::div_round(gross, 100 * (1_000_000 + tax.rate))
            } else {
                money::div_round(gross, 100_000_000)
            };
            let row_tax = money::div_round(net * tax.rate, 100_000_000);
            let cost = money::div_round(price * cost_permille, 1000);
            let cloned_from = if row_id > 1 && r.chance(15) { r.range(1, row_id - 1) } else { 0 };
            rows.push(Row {
                id: row_id,
                sequence,
                kind,
                product_id,
                name,
                sku,
                quantity,
                cost,
                price,
                discount,
                tax,
                calculator,
                net,
                row_tax,
                cloned_from,
            });
        }
        // Brightpearl's object order is not the row order: now and then the keys come shuffled.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        if rows.len() >= 2 && r.chance(150) {
            r.shuffle(&mut order);
            if order.windows(2).all(|w| w[0] < w[1]) {
                order.reverse();
            }
        }

        // Totals.
        let net = money::div_round(rows.iter().map(|row| row.net).sum::<i128>(), 100);
        let tax_amount: i128 = rows.iter().map(|row| row.row_tax).sum();
        let (base_net, base_tax) = if exchange_rate == 1_000_000 {
            (net, tax_amount)
        } else {
            (money::div_round(net * 1_000_000, exchange_rate), money::div_round(tax_amount * 1_000_000, exchange_rate))
        };
        let stock_tracked = rows.iter().any(|row| matches!(row.kind, RowKind::Product));

        // Status and what goes with it.
        let status = *r.weighted(&[
            (55, Status::Invoiced),
            (16, Status::NewWeb),
            (6, Status::NewPhone),
            (7, Status::AwaitingPayment),
            (5, Status::BackOrder),
            (4, Status::Draft),
            (3, Status::Cancelled),
        ]);
        let (status_id, status_name) = match status {
            Status::Draft => STATUS_DRAFT,
            Status::NewWeb => STATUS_NEW_WEB,
            Status::NewPhone => STATUS_NEW_PHONE,
            Status::AwaitingPayment => STATUS_AWAITING_PAYMENT,
            Status::BackOrder => STATUS_BACK_ORDER,
            Status::Invoiced => STATUS_INVOICED,
            Status::Cancelled => STATUS_CANCELLED,
        };
        let invoiced = status == Status::Invoiced;
        let payment = if net + tax_amount == 0 {
            "NOT_APPLICABLE"
        } else {
            match status {
                Status::Invoiced => *r.weighted(&[(60, "PAID"), (10, "PARTIALLY_PAID"), (30, "UNPAID")]),
                Status::NewWeb | Status::BackOrder => *r.weighted(&[(70, "PAID"), (30, "UNPAID")]),
                _ => "UNPAID",
            }
        };
        // (stock, allocation, shipping) by fulfilment: none, part, all.
        let fulfilment = match status {
            Status::Invoiced => *r.weighted(&[(85, 2u8), (3, 1), (12, 0)]),
            Status::NewWeb | Status::BackOrder => *r.weighted(&[(85, 0u8), (15, 1)]),
            _ => 0,
        };
        let (stock, allocation, shipping_status) = if !stock_tracked {
            ("NON", "ANR", "NST")
        } else {
            match fulfilment {
                2 => ("SOA", "AAA", "ASS"),
                1 => ("SOP", r.pick(&["APA", "AAA"]), "SPS"),
                _ => match status {
                    Status::Invoiced | Status::NewWeb => ("SON", r.pick(&["AAA", "ANA", "APA"]), "SNS"),
                    Status::BackOrder => ("SON", "APA", "SNS"),
                    _ => ("SON", "ANA", "SNS"),
                },
            }
        };

        // Dates.
        let offset = *r.weighted(&[
            (25, Offset::hours(-6)),
            (12, Offset::hours(-5)),
            (10, Offset::hours(-8)),
            (5, Offset::hours(-7)),
            (15, Offset::hours(1)),
            (6, Offset::hours(0)),
            (10, Offset::Z),
            (6, Offset::hours(2)),
            (4, Offset::hours(9)),
            (3, Offset::minutes(330)),
            (2, Offset::minutes(-210)),
            (2, Offset::hours(10)),
        ]);
        let millis = |r: &mut Rng| if r.chance(950) { 0 } else { r.below(1000) as u32 };
        let placed = g.epoch + self.index as i64 * ORDER_GAP + r.range(0, ORDER_GAP - 1);
        let created = match r.below(100) {
            0..=84 => placed,
            85..=89 => placed - 1,
            // Imported from a channel some minutes after the customer placed it.
            _ => placed + r.range(60, 3_600),
        };
        let placed_ms = millis(r);
        let created_ms = if created == placed { placed_ms } else { millis(r) };
        let version = match status {
            Status::Invoiced => r.range(2, 12),
            Status::Cancelled => r.range(2, 5),
            _ => {
                if r.chance(500) {
                    1
                } else {
                    r.range(2, 4)
                }
            }
        };
        let invoice_time = created + r.range(300, 5 * DAY);
        let closed = match status {
            Status::Invoiced if payment != "UNPAID" && payment != "PARTIALLY_PAID" && fulfilment == 2 && r.chance(700) => Some(invoice_time),
            Status::Invoiced if !stock_tracked && payment == "PAID" && r.chance(700) => Some(invoice_time),
            Status::Cancelled => Some(created + r.range(600, 10 * DAY)),
            _ => None,
        };
        let updated = (version > 1).then(|| {
            let earliest = closed.unwrap_or(if invoiced { invoice_time } else { created });
            earliest + r.range(1, 20 * DAY)
        });
        let delivery_date = r.chance(550).then(|| {
            let day = local_day(created, offset) + r.range(1, 7);
            if r.chance(500) {
                local_midnight(day, offset)
            } else {
                day * DAY // a date entered as UTC midnight, shown in local time
            }
        });
        let invoice = if invoiced {
            let day = local_day(invoice_time, offset);
            let terms = *r.weighted(&[(70, 30i64), (15, 14), (15, 0)]);
            Some((local_midnight(day, offset), (day + terms) * DAY))
        } else {
            None
        };

        // Everything else.
        let reference = {
            let pattern = *r.weighted(REFERENCE_PATTERNS);
            let number = match pattern {
                "112-{}-4471203" => digits(r, 7),
                _ => (1000 + self.index * 3 + r.below(3)).to_string(),
            };
            pattern.replace("{}", &number)
        };
        let parent_order_id = if self.index > 0 && r.chance(20) { self.id - r.range(1, self.index.min(500) as i64) } else { 0 };
        let channel_id = r.pick(&[0i64, 1, 1, 1, 2, 3]);
        let staff_owner = r.pick(&[0i64, 0, 0, 4, 206]);
        let project_id = if r.chance(50) { 2 } else { 0 };
        let lead_source_id = if r.chance(200) { 1 } else { 0 };
        let team_id = if r.chance(150) { 2 } else { 0 };
        let created_by = r.pick(&[4i64, 4, 206, 3, 12]);
        let shipping_method_id = if shipping { r.pick(&[3i64, 7, 12, 49]) } else { 0 };
        let warehouse_id = *r.weighted(&[(75, 2i64), (15, 3), (10, 5)]);
        let acknowledged = i64::from(r.chance(if invoiced { 700 } else { 300 }));
        let cost_price_list_id = if r.chance(900) { 1 } else { 0 };
        let historical = r.chance(10);
        let dropship = r.chance(60).then(|| r.chance(150));
        let price_list_id = if wholesale { 2 } else { 1 };

        let invoice = match invoice {
            Some((tax_date, due)) => Invoice::Invoiced { number: 1001 + self.index, tax_date, due },
            None if r.chance(500) => Invoice::Blank,
            None => {
                let day = local_day(created, offset);
                Invoice::Dated { tax_date: local_midnight(day, offset), due: (day + 30) * DAY }
            }
        };
        let stamp = |utc: i64, millis: u32| Stamp { utc, millis, offset };
        Order {
            id: self.id,
            parent_order_id,
            reference,
            version,
            invoiced,
            status: (status_id, status_name),
            payment,
            stock,
            allocation,
            shipping_status,
            placed: stamp(placed, placed_ms),
            created: stamp(created, created_ms),
            updated: updated.map(|t| stamp(t, 0)),
            closed: closed.map(|t| stamp(t, 0)),
            created_by,
            price_list_id,
            price_mode,
            delivery_date: delivery_date.map(|t| stamp(t, 0)),
            shipping_method_id,
            invoice,
            offset,
            account_currency,
            order_currency,
            exchange_rate,
            fixed_exchange_rate,
            net,
            tax_amount,
            base_net,
            base_tax,
            assignment: [staff_owner, project_id, channel_id, lead_source_id, team_id],
            customer,
            delivery,
            billing_address,
            rows,
            key_order: order,
            warehouse_id,
            acknowledged,
            cost_price_list_id,
            historical,
            dropship,
        }
    }
}
