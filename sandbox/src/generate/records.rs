//! Brightpearl reference and master records built from the catalogue facts: contacts with their
//! postal addresses, products, prices and price lists, stock levels, warehouses, tax and nominal
//! codes, order statuses. Each is the JSON the matching `GET` returns for one record (the element of
//! `response`), shaped like the recorded samples; absent rather than null where Brightpearl omits a key.

use serde_json::{json, Map, Value};

use super::data::COUNTRIES;
use super::money::fixed;
use super::{convert_price, Contact, Country, OrderGenerator, Product, TaxClass};

/// Warehouses of the simulated account: id, name, type code, type label. Orders ship from 2, 3 and 5.
pub const WAREHOUSES: &[(i64, &str, &str, &str)] = &[
    (2, "Main warehouse", "warehouse", "Warehouse"),
    (3, "Second warehouse", "warehouse", "Warehouse"),
    (5, "High street store", "store", "Store"),
];

/// The stock location of every warehouse (standard inventory management has one).
pub const DEFAULT_LOCATION_ID: i64 = 2;

/// Tax codes: id, code, description, rate in percent with 4 places (absent when zero). The codes are
/// those generated order rows carry.
pub const TAX_CODES: &[(i64, &str, &str, i128)] = &[
    (1, "Z", "Exempt", 0),
    (2, "T", "Taxable", 100_000),
    (3, "N", "Non Taxable", 0),
    (4, "VAT", "VAT standard rate", 200_000),
    (13, "LOW", "VAT reduced rate", 50_000),
    (14, "RED", "Reduced rate", 70_000),
];

/// Nominal (general-ledger) accounts: id, code, name, type id, bank.
pub const NOMINAL_CODES: &[(i64, &str, &str, i64, bool)] = &[
    (1, "0010", "Freehold property", 5, false),
    (2, "1000", "Bank current account", 1, true),
    (3, "1001", "Stock", 2, false),
    (4, "1100", "Accounts receivable", 2, false),
    (5, "2100", "Accounts payable", 3, false),
    (6, "2200", "Sales tax control", 3, false),
    (7, "4000", "Sales", 4, false),
    (8, "4040", "Shipping income", 4, false),
    (9, "5000", "Cost of sales", 6, false),
    (10, "7700", "Bank charges", 6, false),
];

/// Order statuses: id, name, order type code, state.
pub const ORDER_STATUSES: &[(i64, &str, &str, &str)] = &[
    (1, "Draft / Quote", "SO", "draft"),
    (2, "New web order", "SO", "open"),
    (3, "New phone order", "SO", "open"),
    (4, "Invoiced", "SO", "closed"),
    (5, "Cancelled", "SO", "cancelled"),
    (6, "Pending PO", "PO", "open"),
    (7, "Awaiting payment", "SO", "open"),
    (8, "On back order", "SO", "open"),
    (9, "PO received", "PO", "closed"),
    (10, "Sales credit", "SC", "open"),
    (11, "Sales credit complete", "SC", "closed"),
    (12, "Purchase credit", "PC", "open"),
];

/// Shipping statuses: id, code, description.
pub const SHIPPING_STATUSES: &[(i64, &str, &str)] = &[
    (1, "NST", "No stock tracked products on order"),
    (2, "SNS", "Stock not shipped"),
    (3, "SPS", "Stock part shipped"),
    (4, "ASS", "All stock shipped"),
];

/// Currencies the account knows: id, code, symbol.
pub const CURRENCIES: &[(i64, &str, &str)] = &[(1, "USD", "$"), (2, "GBP", "£"), (3, "EUR", "€")];

/// The id of a currency code, 0 for an unknown one.
pub fn currency_id(code: &str) -> i64 {
    CURRENCIES.iter().find(|(_, c, _)| *c == code).map_or(0, |(id, _, _)| *id)
}

/// Contacts with this remainder mod 50 are suppliers as well as customers (218, 418, ...).
const SUPPLIER_REMAINDER: i64 = 18;

/// Whether the generated contact `id` is also a supplier.
pub fn is_supplier(id: i64) -> bool {
    id % 50 == SUPPLIER_REMAINDER
}

fn text_max(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// A contact as `GET /contact-service/contact/{id}` returns it. Its one postal address has the
/// contact's id (see [`postal_address`]); `created_on` is its ISO creation time.
pub fn contact(c: &Contact, created_on: &str) -> Value {
    let (first, last) = match c.person.full_name.rsplit_once(' ') {
        Some((first, last)) => (first, last),
        None => (c.person.full_name.as_str(), ""),
    };
    let mut telephones = Map::new();
    for (key, number) in [("PRI", &c.person.telephone), ("MOB", &c.person.mobile), ("FAX", &c.person.fax)] {
        if !number.is_empty() {
            telephones.insert(key.into(), json!(number));
        }
    }
    let mut organisation = Map::new();
    organisation.insert("organisationId".into(), json!(c.id));
    if !c.company.is_empty() {
        organisation.insert("name".into(), json!(c.company));
    }
    json!({
        "contactId": c.id,
        "isPrimaryContact": true,
        "salutation": "",
        "firstName": text_max(first, 32),
        "lastName": text_max(last, 32),
        "postAddressIds": {"DEF": c.id, "BIL": c.id, "DEL": c.id},
        "communication": {
            "emails": {"PRI": {"email": c.person.email}},
            "telephones": telephones,
            "messagingVoips": {},
            "websites": {}
        },
        "contactStatus": {"current": {"contactStatusId": 0}},
        "relationshipToAccount": {"isSupplier": is_supplier(c.id), "isStaff": false},
        "marketingDetails": {"isReceiveEmailNewsletter": c.id % 3 == 0},
        "financialDetails": {
            "priceListId": 1,
            "nominalCode": "4000",
            "creditLimit": 0,
            "creditTermDays": 30,
            "currencyId": 1,
            "discountPercentage": 0.0,
            "creditTermTypeId": 1
        },
        "assignment": {"current": {"accountReference": format!("C{:05}", c.id)}},
        "organisation": organisation,
        "tradeStatus": "UNKNOWN",
        "createdByid": 4,
        "createdOn": created_on,
        "contactTags": "",
        "aliases": {},
        "companyId": 0
    })
}

/// The postal address of a generated contact (`GET /contact-service/postal-address/{id}`).
pub fn postal_address(c: &Contact) -> Value {
    let mut address = Map::new();
    address.insert("addressId".into(), json!(c.id));
    address.insert("contactId".into(), json!(c.id));
    for (key, line) in [
        ("addressLine1", &c.address.line1),
        ("addressLine2", &c.address.line2),
        ("addressLine3", &c.address.line3),
        ("addressLine4", &c.address.line4),
        ("postalCode", &c.address.postal),
    ] {
        // addressLine1 is required; the others are left out when empty.
        if key == "addressLine1" || !line.is_empty() {
            address.insert(key.into(), json!(line));
        }
    }
    if let Some(country) = &c.country {
        address.insert("countryIsoCode".into(), json!(country.iso3));
        address.insert("countryIsoCode2".into(), json!(country.iso2));
        address.insert("countryId".into(), json!(country.id));
    }
    Value::Object(address)
}

/// The tax code (id, code) of a product of `class` on an account whose base currency is `currency`.
pub fn product_tax_code(class: TaxClass, currency: &str) -> (i64, &'static str) {
    match (class, currency) {
        (TaxClass::Zero, _) => (1, "Z"),
        (_, "USD") => (2, "T"),
        (TaxClass::Reduced, "GBP") => (13, "LOW"),
        (TaxClass::Reduced, _) => (14, "RED"),
        (TaxClass::Standard, _) => (4, "VAT"),
    }
}

/// A product as `GET /product-service/product/{id}` returns it.
pub fn product(p: &Product, currency: &str, created_on: &str, version: i64) -> Value {
    let (tax_id, tax_code) = product_tax_code(p.tax_class, currency);
    let category = 296 + p.id % 8;
    let mut warehouses = Map::new();
    for (warehouse, ..) in WAREHOUSES {
        warehouses.insert(
            warehouse.to_string(),
            json!({"defaultLocationId": DEFAULT_LOCATION_ID, "overflowLocationId": 0, "reorderLevel": 0, "reorderQuantity": 0}),
        );
    }
    json!({
        "id": p.id,
        "brandId": 70 + p.id % 7,
        "productTypeId": 1,
        "identity": {"sku": p.sku, "barcode": format!("50{:011}", p.id)},
        "featured": p.id % 17 == 0,
        "stock": {
            "stockTracked": true,
            "weight": {"magnitude": 0.5},
            "dimensions": {"length": 10.0, "height": 5.0, "width": 8.0, "volume": 400.0}
        },
        "financialDetails": {"taxable": tax_code != "Z", "taxCode": {"id": tax_id, "code": tax_code}},
        "salesChannels": [{
            "salesChannelName": "Brightpearl",
            "productName": p.name,
            "productCondition": "new",
            "categories": [{"categoryCode": category.to_string()}],
            "description": {"languageCode": "en", "text": "", "format": "HTML_FRAGMENT"},
            "shortDescription": {"languageCode": "en", "text": "", "format": "HTML_FRAGMENT"}
        }],
        "composition": {"bundle": false},
        "createdOn": created_on,
        "warehouses": warehouses,
        "nominalCodeStock": "1001",
        "nominalCodePurchases": "5000",
        "nominalCodeSales": "4000",
        "seasonIds": [],
        "reporting": {},
        "status": "LIVE",
        "salesPopupMessage": "",
        "warehousePopupMessage": "",
        "version": version
    })
}

/// Price lists: id, name, code, type, and whether the price is of the account currency (all are).
const PRICE_LISTS: &[(i64, &str, &str, &str)] =
    &[(1, "Retail", "RETAIL", "SELL"), (2, "Wholesale", "WHOLESALE", "SELL"), (3, "Cost", "COST", "BUY")];

/// The account's price lists (`GET /product-service/price-list`), all in `currency`.
pub fn price_lists(currency: &str) -> Vec<Value> {
    let (currency_id, symbol) =
        CURRENCIES.iter().find(|(_, c, _)| *c == currency).map_or((0, ""), |(id, _, symbol)| (*id, *symbol));
    PRICE_LISTS
        .iter()
        .map(|(id, name, code, kind)| {
            json!({
                "id": id,
                "name": {"languageCode": "en", "text": name, "format": "PLAINTEXT"},
                "code": code,
                "currencyCode": currency,
                "currencySymbol": symbol,
                "currencyId": currency_id,
                "priceListTypeCode": kind,
                "gross": false
            })
        })
        .collect()
}

/// A product's prices on every price list (`GET /product-service/product-price/{id}`): retail is the
/// catalogue price in the account currency, wholesale 80% of it, cost its cost share.
pub fn product_price(p: &Product, currency: &str) -> Value {
    let retail = convert_price(p.usd_cents, currency) * 100 + p.extra_places;
    let wholesale = retail * 8 / 10;
    let cost = retail * p.cost_permille / 1000;
    let currency_id = currency_id(currency);
    let lists: Vec<Value> = [(1, retail), (2, wholesale), (3, cost)]
        .into_iter()
        .map(|(list, price)| {
            let mut quantity_price = Map::new();
            if price > 0 {
                quantity_price.insert("1".into(), json!(fixed(price, 4)));
            }
            json!({
                "priceListId": list,
                "currencyCode": currency,
                "currencyId": currency_id,
                "sku": p.sku,
                "quantityPrice": quantity_price
            })
        })
        .collect();
    json!({"productId": p.id, "priceLists": lists})
}

/// The seeded stock of a product in a warehouse: (on hand, allocated). Every product is stocked
/// in the main warehouse; about a third also in the second one.
pub fn seeded_stock(generator: &OrderGenerator, product_id: i64, warehouse_id: i64) -> Option<(i64, i64)> {
    let h =
        super::mix(super::mix(generator.seed(), 0x5354_4f43_4b00_0000), (product_id as u64) << 8 | warehouse_id as u64);
    match warehouse_id {
        2 => Some(((h % 200) as i64, ((h >> 16) % 6) as i64)),
        3 if product_id % 3 == 0 => Some(((h % 40) as i64, 0)),
        _ => None,
    }
}

/// A warehouse as `GET /warehouse-service/warehouse/{id}` returns it.
pub fn warehouse(&(id, name, type_code, type_description): &(i64, &str, &str, &str)) -> Value {
    json!({
        "id": id,
        "name": name,
        "typeCode": type_code,
        "typeDescription": type_description,
        "address": {"addressId": id},
        "clickAndCollectEnabled": false
    })
}

/// A tax code as `GET /accounting-service/tax-code/{id}` returns it; `rate` is a number, absent when zero.
pub fn tax_code(&(id, code, description, rate): &(i64, &str, &str, i128)) -> Value {
    let mut record = json!({"id": id, "code": code, "description": description});
    if rate != 0 {
        let rate: Value = serde_json::from_str(&fixed(rate, 4)).unwrap_or(Value::Null);
        record["rate"] = rate;
    }
    record
}

/// A nominal code as `GET /accounting-service/nominal-code/{id}` returns it.
pub fn nominal_code(&(id, code, name, type_id, bank): &(i64, &str, &str, i64, bool)) -> Value {
    let mut record = json!({
        "id": id,
        "code": code,
        "name": name,
        "type": {"id": type_id},
        "bank": bank,
        "expense": type_id == 6,
        "discount": false,
        "editable": true,
        "active": true,
        "taxCode": 0,
        "chartMapCode": "",
        "reconcile": bank
    });
    if bank {
        record["currencyId"] = json!(1);
    }
    record
}

/// An order status as `GET /order-service/order-status/{id}` returns it.
pub fn order_status(&(id, name, type_code, state): &(i64, &str, &str, &str), sort_order: usize) -> Value {
    json!({
        "statusId": id,
        "name": name,
        "orderTypeCode": type_code,
        "sortOrder": sort_order,
        "disabled": false,
        "visible": true,
        "color": "#E7E6E4",
        "remindAfterDays": 0,
        "alertEmails": [],
        "emailContent": "",
        "batchProcess": false,
        "state": state
    })
}

/// A shipping status as `GET /order-service/order-shipping-status` returns it.
pub fn shipping_status(&(id, code, description): &(i64, &str, &str)) -> Value {
    json!({"id": id, "code": code, "description": description})
}

/// The country with this Brightpearl country id, among those the generator uses.
pub fn country_by_id(id: i64) -> Option<Country> {
    COUNTRIES.iter().map(|(_, country)| *country).find(|country| country.id == id)
}

/// The country with this ISO 3166 alpha-3 code, among those the generator uses.
pub fn country_by_iso3(code: &str) -> Option<Country> {
    COUNTRIES.iter().map(|(_, country)| *country).find(|country| country.iso3.eq_ignore_ascii_case(code))
}

/// Brands products refer to by `brandId` (70 to 76): id, name.
pub const BRANDS: &[(i64, &str)] = &[
    (70, "Northwind"),
    (71, "Contoso"),
    (72, "Fabrikam"),
    (73, "Tailspin"),
    (74, "Litware"),
    (75, "Adventure Works"),
    (76, "Wingtip"),
];

/// Categories products refer to by `categoryCode` (296 to 303): id, name.
pub const CATEGORIES: &[(i64, &str)] = &[
    (296, "Coffee & tea"),
    (297, "Kitchen"),
    (298, "Garden"),
    (299, "Stationery"),
    (300, "Clothing"),
    (301, "Outdoor"),
    (302, "Toys & games"),
    (303, "Gifts"),
];

/// A brand as `GET /product-service/brand/{id}` returns it.
pub fn brand(&(id, name): &(i64, &str)) -> Value {
    json!({"id": id, "name": name, "description": ""})
}

/// A category as `GET /product-service/brightpearl-category/{id}` returns it; `created_on` is its
/// creation time. An empty description has no `text`.
pub fn category(&(id, name): &(i64, &str), created_on: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "parentId": 0,
        "active": true,
        "createdOn": created_on,
        "createdById": 4,
        "description": {"languageCode": "en", "format": "PLAINTEXT"}
    })
}
