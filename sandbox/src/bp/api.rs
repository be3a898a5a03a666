//! The public API's resources: one request (method, path under the account, query, body) in,
//! one [`Reply`] out. The HTTP server and multi-message both call [`dispatch`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::error::{ApiError, ApiResult};
use super::idset::{self, IdSetError, MAX_GOODS_OUT_IDS, MAX_IDS};
use super::search::{self, col, Column, Kind, Searchable};
use super::store::{Data, Store, Table};
use super::values::int;
use crate::generate::records::{brand, category, shipping_status, BRANDS, CATEGORIES, SHIPPING_STATUSES};

/// An answer: status, body and the `Message-Type` header naming the operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Body,
    pub message_type: String,
}

/// The body of an answer: JSON built for it, or JSON text already written (records fetched by ID
/// set, copied from the store's texts).
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    Text(String),
}

impl Body {
    /// The body as JSON text.
    pub fn into_text(self) -> String {
        match self {
            Body::Json(value) => value.to_string(),
            Body::Text(text) => text,
        }
    }
}

impl Reply {
    fn ok(body: Value, message_type: impl Into<String>) -> Self {
        Reply { status: 200, body: Body::Json(body), message_type: message_type.into() }
    }

    /// 500 CMNU-003, when answering failed.
    pub fn internal_error() -> Self {
        let error = ApiError::new(500, "CMNU-003", "Internal Server Error");
        Reply::error(&error, "api-proxy")
    }

    /// `{"response":[...]}` from records already written as JSON.
    fn texts(found: Vec<(i64, std::sync::Arc<str>)>) -> Self {
        Reply::texts_and(found, "")
    }

    /// `{"response":[...]` then `siblings` (`,"key":value...`) then `}`.
    fn texts_and(found: Vec<(i64, std::sync::Arc<str>)>, siblings: &str) -> Self {
        let found = unordered_ids(found);
        let mut text = String::with_capacity(16 + found.iter().map(|(_, t)| t.len() + 1).sum::<usize>());
        text.push_str("{\"response\":[");
        for (index, (_, record)) in found.iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            text.push_str(record);
        }
        text.push(']');
        text.push_str(siblings);
        text.push('}');
        Reply { status: 200, body: Body::Text(text), message_type: String::new() }
    }

    fn response(value: Value, message_type: impl Into<String>) -> Self {
        Reply::ok(json!({ "response": value }), message_type)
    }

    fn error(error: &ApiError, message_type: impl Into<String>) -> Self {
        Reply { status: error.status, body: Body::Json(error.body()), message_type: message_type.into() }
    }
}

/// One API request, the path relative to `/public-api/{account}/`.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a BTreeMap<String, String>,
    pub body: Option<&'a Value>,
    /// The `If-Match` header, for goods-out note events.
    pub if_match: Option<i64>,
}

/// Answers one request.
pub fn dispatch(store: &Store, request: &Request) -> Reply {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let resource = segments.get(1).copied().unwrap_or("");
    let message_type = match request.method {
        _ if resource.ends_with("-search") => "bulk-data-search".to_string(),
        method => format!("{}-{}", method.to_ascii_lowercase(), resource),
    };
    match route(store, request, &segments) {
        Ok(reply) => reply,
        Err(error) => Reply::error(&error, message_type.clone()),
    }
    .with_type(message_type)
}

impl Reply {
    fn with_type(mut self, message_type: String) -> Self {
        if self.message_type.is_empty() {
            self.message_type = message_type;
        }
        self
    }
}

fn body<'a>(request: &'a Request) -> ApiResult<&'a Value> {
    request.body.ok_or_else(|| ApiError::bad_body("You must supply a JSON body"))
}

fn id(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::new(404, "CMNC-404", format!("{text} is not an id")))
}

/// The ids of an ID set path segment, at most `limit`.
fn ids(text: &str, limit: usize) -> ApiResult<Vec<i64>> {
    match idset::parse(text, limit) {
        Ok(ids) => Ok(ids.into_iter().collect()),
        Err(IdSetError::Malformed(text)) => Err(ApiError::invalid("CMNC-020", format!("{text} is not a valid ID set"))),
        Err(IdSetError::TooMany { limit }) => {
            Err(ApiError::invalid("CMNC-021", format!("An ID set may hold at most {limit} ids")))
        }
    }
}

/// Results of an ID-set GET come back in no particular order (not the request's): a fixed
/// scramble of the ids, as stable as the real API's.
fn unordered_ids<T>(mut found: Vec<(i64, T)>) -> Vec<(i64, T)> {
    found.sort_by_key(|(id, _)| (*id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
    found
}

fn unordered(found: Vec<(i64, Value)>) -> Value {
    Value::Array(unordered_ids(found).into_iter().map(|(_, value)| value).collect())
}

fn lookup(map: &BTreeMap<i64, Value>, ids: &[i64]) -> Vec<(i64, Value)> {
    ids.iter().filter_map(|id| map.get(id).map(|value| (*id, value.clone()))).collect()
}

/// OPTIONS on an ID set: the GET URIs of the ids that exist, at most 200 each.
fn options(resource: &str, existing: impl Fn(i64) -> bool, text: &str) -> ApiResult<Reply> {
    let wanted = ids(text, 1_000_000)?;
    let found: Vec<i64> = wanted.into_iter().filter(|id| existing(*id)).collect();
    Ok(Reply::response(json!({"getUris": idset::get_uris(resource, &found, MAX_IDS)}), format!("options-{resource}")))
}

fn all(list: &[Value], ids_text: Option<&str>, key: &str) -> ApiResult<Value> {
    match ids_text {
        None => Ok(Value::Array(list.to_vec())),
        Some(text) => {
            let wanted = ids(text, MAX_IDS)?;
            Ok(Value::Array(
                list.iter().filter(|item| item[key].as_i64().is_some_and(|id| wanted.contains(&id))).cloned().collect(),
            ))
        }
    }
}

fn route(store: &Store, request: &Request, segments: &[&str]) -> ApiResult<Reply> {
    let query = request.query;
    let ok = |value: Value| Ok(Reply::response(value, ""));
    let empty = || Ok(Reply::ok(json!({}), ""));
    match (request.method, segments) {
        // Orders
        ("GET", ["order-service", "order", set]) => {
            let wanted = ids(set, MAX_IDS)?;
            let custom = query.get("includeOptional").is_some_and(|optional| optional.contains("customFields"));
            if !custom {
                return Ok(Reply::texts(store.texts(Table::Orders, &wanted)));
            }
            ok(store.read(|data| {
                let mut found = lookup(&data.orders, &wanted);
                if custom {
                    for (id, order) in &mut found {
                        order["customFields"] =
                            Value::Object(data.order_custom_fields.get(id).cloned().unwrap_or_default());
                    }
                }
                unordered(found)
            }))
        }
        ("OPTIONS", ["order-service", "order", set]) => {
            store.read(|data| options("order", |id| data.orders.contains_key(&id), set))
        }
        ("OPTIONS", ["order-service", "sales-order", set]) => store.read(|data| {
            options("sales-order", |id| data.orders.get(&id).is_some_and(|o| o["orderTypeCode"] == "SO"), set)
        }),
        ("POST", ["order-service", "order"]) => ok(json!(store.create_order(body(request)?)?)),
        ("POST", ["order-service", "sales-order"]) => ok(json!(store.create_sales_order(body(request)?)?)),
        ("POST", ["order-service", "sales-order" | "sales-credit", order, "close"]) => {
            let tax_date = request.body.and_then(|b| b.get("taxDate")).and_then(Value::as_str);
            store.invoice_order(id(order)?, tax_date)?;
            empty()
        }
        ("PATCH", ["order-service", "order", order]) => ok(store.patch_order(id(order)?, body(request)?)?),
        ("PUT", ["order-service", "order", order, "status"]) => {
            let status = body(request)?
                .get("orderStatusId")
                .and_then(int)
                .ok_or_else(|| ApiError::bad_body("orderStatusId is required"))?;
            store.set_order_status(id(order)?, status)?;
            empty()
        }
        ("POST", ["order-service", "order", order, "row"]) => {
            ok(json!(store.add_order_row(id(order)?, body(request)?)?))
        }
        ("PATCH", ["order-service", "order", order, "row", row]) => {
            ok(store.patch_order_row(id(order)?, id(row)?, body(request)?)?)
        }
        ("DELETE", ["order-service", "order", order, "row", row]) => {
            store.delete_order_row(id(order)?, id(row)?)?;
            empty()
        }
        ("GET", ["order-service", "order", order, "custom-field"]) => {
            let order = id(order)?;
            store.read(|data| {
                if !data.orders.contains_key(&order) {
                    return Err(ApiError::invalid(
                        "ORDC-003",
                        format!("You have supplied an invalid order id: {order}"),
                    ));
                }
                ok(Value::Object(data.order_custom_fields.get(&order).cloned().unwrap_or_default()))
            })
        }
        ("PATCH", ["order-service", "order", order, "custom-field"]) => {
            ok(store.patch_order_custom_fields(id(order)?, body(request)?)?)
        }
        ("GET", ["order-service", "sale", "custom-field-meta-data", rest @ ..]) => {
            store.read(|data| ok(all(&data.order_custom_field_meta, rest.first().copied(), "id")?))
        }
        ("GET", ["order-service", "order-status", rest @ ..]) => store.read(|data| {
            let statuses: Vec<Value> = data.order_statuses.values().cloned().collect();
            ok(all(&statuses, rest.first().copied(), "statusId")?)
        }),
        ("POST", ["order-service", "order-status"]) => ok(json!(store.create_order_status(body(request)?)?)),
        ("GET", ["order-service", "order-shipping-status", rest @ ..]) => {
            let statuses: Vec<Value> = SHIPPING_STATUSES.iter().map(shipping_status).collect();
            ok(all(&statuses, rest.first().copied(), "id")?)
        }
        ("GET", ["order-service", "order-search"]) => {
            search_reply(store, "order-search", ORDER_COLUMNS, order_rows, query)
        }

        // Contacts
        ("GET", ["contact-service", "contact"]) => store.read(|data| contact_page(data, None, query)),
        ("GET", ["contact-service", "contact", set]) => {
            let wanted = ids(set, 1_000_000)?;
            if wanted.len() > MAX_IDS {
                return store.read(|data| contact_page(data, Some(set), query));
            }
            let found = store.texts(Table::Contacts, &wanted);
            if found.is_empty() {
                return Err(ApiError::not_found("No Contact Found"));
            }
            let pagination = json!({"morePagesAvailable": false, "resultsReturned": found.len(), "firstResult": 1, "lastResult": found.len()});
            let siblings =
                format!(",\"pagination\":{pagination},\"sorting\":[{{\"field\":\"contactId\",\"direction\":\"ASC\"}}]");
            Ok(Reply::texts_and(found, &siblings))
        }
        ("OPTIONS", ["contact-service", "contact", set]) => {
            store.read(|data| options("contact", |id| data.contacts.contains_key(&id), set))
        }
        ("POST", ["contact-service", "contact"]) => ok(json!(store.create_contact(body(request)?)?)),
        ("PATCH", ["contact-service", "contact", contact]) => ok(store.patch_contact(id(contact)?, body(request)?)?),
        ("GET", ["contact-service", "contact", contact, "custom-field"]) => {
            let contact = id(contact)?;
            store.read(|data| {
                if !data.contacts.contains_key(&contact) {
                    return Err(ApiError::not_found("No Contact Found"));
                }
                ok(Value::Object(data.contact_custom_fields.get(&contact).cloned().unwrap_or_default()))
            })
        }
        ("PATCH", ["contact-service", "contact", contact, "custom-field"]) => {
            ok(store.patch_contact_custom_fields(id(contact)?, body(request)?)?)
        }
        ("POST", ["contact-service", "postal-address"]) => ok(json!(store.create_postal_address(body(request)?)?)),
        ("GET", ["contact-service", "postal-address", set]) => {
            let wanted = ids(set, MAX_IDS)?;
            ok(store.read(|data| unordered(lookup(&data.postal_addresses, &wanted))))
        }
        ("GET", ["contact-service", "contact-search"]) => {
            search_reply(store, "contact-search", CONTACT_COLUMNS, contact_rows, query)
        }

        // Products, prices
        ("GET", ["product-service", "product", set]) => {
            let wanted = ids(set, MAX_IDS)?;
            Ok(Reply::texts(store.texts(Table::Products, &wanted)))
        }
        ("OPTIONS", ["product-service", "product", set]) => {
            store.read(|data| options("product", |id| data.products.contains_key(&id), set))
        }
        ("POST", ["product-service", "product"]) => ok(json!(store.create_product(body(request)?)?)),
        ("PUT", ["product-service", "product", product]) => {
            store.update_product(id(product)?, body(request)?)?;
            empty()
        }
        ("GET", ["product-service", "product-search"]) => {
            search_reply(store, "product-search", PRODUCT_COLUMNS, product_rows, query)
        }
        ("GET", ["product-service", "product-price", set, rest @ ..]) => {
            let wanted = ids(set, MAX_IDS)?;
            let lists = match rest {
                [] => None,
                ["price-list", lists] => Some(ids(lists, MAX_IDS)?),
                _ => return Err(ApiError::not_found("No such resource")),
            };
            let found = store.read(|data| lookup(&data.prices, &wanted));
            if found.is_empty() {
                return Err(ApiError::not_found("No Product Prices Found"));
            }
            let found = found
                .into_iter()
                .map(|(id, mut price)| {
                    if let (Some(lists), Some(entries)) = (&lists, price["priceLists"].as_array_mut()) {
                        entries.retain(|entry| entry["priceListId"].as_i64().is_some_and(|list| lists.contains(&list)));
                    }
                    (id, price)
                })
                .collect();
            ok(unordered(found))
        }
        ("OPTIONS", ["product-service", "product-price", set]) => {
            store.read(|data| options("product-price", |id| data.prices.contains_key(&id), set))
        }
        ("PUT", ["product-service", "product-price", product, "price-list"]) => {
            store.set_product_prices(id(product)?, body(request)?)?;
            empty()
        }
        ("GET", ["product-service", "brand", rest @ ..]) => {
            let brands: Vec<Value> = BRANDS.iter().map(brand).collect();
            ok(all(&brands, rest.first().copied(), "id")?)
        }
        ("GET", ["product-service", "brightpearl-category", rest @ ..]) => {
            let created = super::time::format(super::store::SEED_EPOCH_MILLIS);
            let categories: Vec<Value> = CATEGORIES.iter().map(|c| category(c, &created)).collect();
            ok(all(&categories, rest.first().copied(), "id")?)
        }
        ("GET", ["product-service", "price-list", rest @ ..]) => {
            store.read(|data| ok(all(&data.price_lists, rest.first().copied(), "id")?))
        }

        // Warehouses and stock
        ("GET", ["warehouse-service", "product-availability", set]) => {
            let wanted = ids(set, MAX_IDS)?;
            ok(store.read(|data| {
                let mut found = Map::new();
                for id in wanted {
                    let Some(levels) = data.stock.get(&id) else { continue };
                    let mut total = super::store::Stock::default();
                    let mut warehouses = Map::new();
                    for (warehouse, stock) in levels {
                        total.in_stock += stock.in_stock;
                        total.allocated += stock.allocated;
                        total.in_transit += stock.in_transit;
                        warehouses.insert(warehouse.to_string(), stock.to_json());
                    }
                    found.insert(id.to_string(), json!({"total": total.to_json(), "warehouses": warehouses}));
                }
                Value::Object(found)
            }))
        }
        ("GET", ["warehouse-service", "warehouse", rest @ ..]) if rest.len() <= 1 => store.read(|data| {
            let list: Vec<Value> = data.warehouses.values().cloned().collect();
            ok(all(&list, rest.first().copied(), "id")?)
        }),
        ("POST", ["warehouse-service", "warehouse", warehouse, "stock-correction"]) => {
            ok(json!(store.correct_stock(id(warehouse)?, body(request)?)?))
        }
        ("GET", ["warehouse-service", "warehouse", warehouse, "stock-correction", set]) => {
            let warehouse = id(warehouse)?;
            let wanted = ids(set, MAX_IDS)?;
            let found = store.read(|data| lookup(&data.stock_corrections, &wanted));
            ok(unordered(
                found.into_iter().filter(|(_, note)| note["warehouseId"].as_i64() == Some(warehouse)).collect(),
            ))
        }
        ("GET", ["warehouse-service", "order", orders, "goods-note", "goods-out", rest @ ..]) => {
            let orders = if *orders == "*" { None } else { Some(ids(orders, MAX_GOODS_OUT_IDS)?) };
            let notes = match rest {
                [] => None,
                [set] => Some(ids(set, MAX_GOODS_OUT_IDS)?),
                _ => return Err(ApiError::not_found("No such resource")),
            };
            ok(store.read(|data| {
                let mut found = Map::new();
                for (id, note) in &data.goods_out_notes {
                    let order = note["orderId"].as_i64().unwrap_or(0);
                    if orders.as_ref().is_none_or(|o| o.contains(&order))
                        && notes.as_ref().is_none_or(|n| n.contains(id))
                    {
                        found.insert(id.to_string(), note.clone());
                    }
                }
                Value::Object(found)
            }))
        }
        ("POST", ["warehouse-service", "order", order, "goods-note", "goods-out"]) => {
            ok(json!(store.create_goods_out_note(id(order)?, body(request)?)?))
        }
        ("PUT", ["warehouse-service", "goods-note", "goods-out", note]) => {
            store.update_goods_out_note(id(note)?, body(request)?)?;
            empty()
        }
        ("POST", ["warehouse-service", "goods-note", "goods-out", note, "event"]) => {
            store.add_goods_out_events(id(note)?, body(request)?, request.if_match)?;
            empty()
        }
        ("POST", ["warehouse-service", "order", order, "goods-note", "goods-in"]) => {
            ok(json!(store.create_goods_in_note(id(order)?, body(request)?)?))
        }
        ("GET", ["warehouse-service", "order", orders, "goods-note", "goods-in", rest @ ..]) => {
            let orders = if *orders == "*" { None } else { Some(ids(orders, MAX_IDS)?) };
            let notes = match rest {
                [] => None,
                [set] => Some(ids(set, MAX_IDS)?),
                _ => return Err(ApiError::not_found("No such resource")),
            };
            let found = store.read(|data| {
                let mut found = Map::new();
                for (id, note) in &data.goods_in_notes {
                    let order = note["orderId"].as_i64().unwrap_or(0);
                    if orders.as_ref().is_none_or(|o| o.contains(&order))
                        && notes.as_ref().is_none_or(|n| n.contains(id))
                    {
                        found.insert(id.to_string(), note.clone());
                    }
                }
                found
            });
            // An empty goods-in result is an error, unlike most resources.
            if found.is_empty() {
                return Err(ApiError::not_found("No goods-in notes found"));
            }
            ok(Value::Object(found))
        }

        // Accounting
        ("POST", ["accounting-service", "customer-payment"]) => {
            ok(json!(store.create_customer_payment(body(request)?)?))
        }
        ("POST", ["accounting-service", "sales-receipt"]) => ok(json!(store.create_sales_receipt(body(request)?)?)),
        ("DELETE", ["accounting-service", "customer-payment", payment]) => {
            store.delete_customer_payment(id(payment)?)?;
            empty()
        }
        ("GET", ["accounting-service", "customer-payment-search"]) => {
            search_reply(store, "payment-search", PAYMENT_COLUMNS, payment_rows, query)
        }
        ("GET", ["accounting-service", "tax-code", rest @ ..]) => {
            store.read(|data| ok(all(&data.tax_codes, rest.first().copied(), "id")?))
        }
        ("GET", ["accounting-service", "nominal-code", rest @ ..]) => {
            store.read(|data| ok(all(&data.nominal_codes, rest.first().copied(), "id")?))
        }
        ("GET", ["accounting-service", "journal", set]) => {
            let wanted = ids(set, MAX_IDS)?;
            let found = store.read(|data| lookup(&data.journals, &wanted));
            ok(json!({"journals": found.into_iter().map(|(_, journal)| journal).collect::<Vec<_>>()}))
        }
        ("POST", ["accounting-service", "journal-entry"]) => ok(json!(store.create_journal(body(request)?)?)),

        _ => Err(ApiError::not_found(format!("No resource at {} {}", request.method, request.path))),
    }
}

/// A search over the rows of one resource; the rows are built once per state of the data.
fn search_reply(
    store: &Store,
    name: &'static str,
    columns: &[Column],
    rows: fn(&Data) -> Searchable,
    query: &BTreeMap<String, String>,
) -> ApiResult<Reply> {
    let searchable = store.derived(name, rows);
    search::run(columns, &searchable, query).map(|body| Reply::ok(body, ""))
}

const ORDER_COLUMNS: &[Column] = &[
    col("orderId", Kind::IdSet),
    col("orderTypeId", Kind::IdSet).with_reference("orderTypeNames"),
    col("contactId", Kind::Integer),
    col("orderStatusId", Kind::Integer).with_reference("orderStatusNames"),
    col("orderStockStatusId", Kind::Integer).with_reference("orderStockStatusNames"),
    col("createdOn", Kind::Period),
    col("createdById", Kind::Integer),
    col("customerRef", Kind::Text),
    col("orderPaymentStatusId", Kind::Integer).with_reference("orderPaymentStatusNames"),
    col("updatedOn", Kind::Period),
    col("parentOrderId", Kind::IdSet),
    col("orderShippingStatusId", Kind::Integer).with_reference("orderShippingStatusNames"),
    col("externalRef", Kind::Text),
    col("installedIntegrationInstanceId", Kind::Integer),
    col("warehouseId", Kind::IdSet),
    col("staffOwnerContactId", Kind::Integer),
    col("taxDate", Kind::Period),
    col("departmentId", Kind::Integer),
    col("deliveryDate", Kind::Period),
];

/// Stock status codes by search id.
const STOCK_STATUSES: &[(i64, &str)] = &[
    (1, "SON"),
    (2, "SOP"),
    (3, "SOA"),
    (4, "SCN"),
    (5, "SCP"),
    (6, "SCA"),
    (7, "PON"),
    (8, "POP"),
    (9, "POA"),
    (10, "PCN"),
    (11, "PCP"),
    (12, "PCA"),
    (13, "NON"),
];
const PAYMENT_STATUSES: &[(i64, &str)] = &[(1, "PAID"), (2, "PARTIALLY_PAID"), (3, "UNPAID"), (5, "NOT_APPLICABLE")];

fn code_id(table: &[(i64, &str)], code: Option<&str>) -> Value {
    table.iter().find(|(_, known)| Some(*known) == code).map_or(Value::Null, |(id, _)| json!(id))
}

fn names(pairs: impl Iterator<Item = (i64, String)>) -> Value {
    Value::Object(pairs.map(|(id, name)| (id.to_string(), json!(name))).collect())
}

fn order_rows(data: &Data) -> Searchable {
    let at = |order: &Value, pointer: &str| order.pointer(pointer).cloned().unwrap_or(Value::Null);
    let external: BTreeMap<i64, &(String, i64)> = data.external_refs.iter().map(|(key, id)| (*id, key)).collect();
    let rows = data
        .orders
        .values()
        .map(|order| {
            let type_code = order["orderTypeCode"].as_str().unwrap_or("");
            let type_id =
                super::store::ORDER_TYPES.iter().find(|(code, ..)| *code == type_code).map_or(0, |(_, id, _)| *id);
            let contact =
                order.pointer("/parties/customer/contactId").or_else(|| order.pointer("/parties/supplier/contactId"));
            let shipping =
                SHIPPING_STATUSES.iter().find(|(_, code, _)| Some(*code) == order["shippingStatusCode"].as_str());
            let external = order["id"].as_i64().and_then(|id| external.get(&id));
            vec![
                at(order, "/id"),
                json!(type_id),
                contact.cloned().unwrap_or(Value::Null),
                at(order, "/orderStatus/orderStatusId"),
                code_id(STOCK_STATUSES, order["stockStatusCode"].as_str()),
                at(order, "/createdOn"),
                at(order, "/createdById"),
                at(order, "/reference"),
                code_id(PAYMENT_STATUSES, order["orderPaymentStatus"].as_str()),
                at(order, "/updatedOn"),
                at(order, "/parentOrderId"),
                shipping.map_or(Value::Null, |(id, ..)| json!(id)),
                external.map_or(Value::Null, |(reference, _)| json!(reference)),
                external.map_or(Value::Null, |(_, instance)| json!(instance)),
                at(order, "/warehouseId"),
                at(order, "/assignment/current/staffOwnerContactId"),
                at(order, "/invoices/0/taxDate"),
                json!(0),
                at(order, "/delivery/deliveryDate"),
            ]
        })
        .collect();
    let reference = json!({
        "orderTypeNames": names(super::store::ORDER_TYPES.iter().map(|(_, id, name)| (*id, name.to_string()))),
        "orderStatusNames": names(data.order_statuses.iter().map(|(id, status)| (*id, status["name"].as_str().unwrap_or("").to_string()))),
        "orderStockStatusNames": names(STOCK_STATUSES.iter().map(|(id, code)| (*id, code.to_string()))),
        "orderPaymentStatusNames": names(PAYMENT_STATUSES.iter().map(|(id, code)| (*id, code.to_string()))),
        "orderShippingStatusNames": names(SHIPPING_STATUSES.iter().map(|(id, _, description)| (*id, description.to_string()))),
    });
    Searchable { rows, reference }
}

const CONTACT_COLUMNS: &[Column] = &[
    col("contactId", Kind::IdSet),
    col("primaryEmail", Kind::SearchText),
    col("secondaryEmail", Kind::SearchText),
    col("tertiaryEmail", Kind::SearchText),
    col("firstName", Kind::SearchText),
    col("lastName", Kind::SearchText),
    col("isSupplier", Kind::Boolean).unsorted(),
    col("companyName", Kind::SearchText),
    col("isStaff", Kind::Boolean).unsorted(),
    col("isCustomer", Kind::Boolean).unsorted(),
    col("createdOn", Kind::Period),
    col("updatedOn", Kind::Period),
    col("lastContactedOn", Kind::Period),
    col("lastOrderedOn", Kind::Period),
    col("nominalCode", Kind::Integer),
    col("isPrimary", Kind::Boolean),
    col("pri", Kind::Text).unsorted(),
    col("sec", Kind::Text).unsorted(),
    col("mob", Kind::Text).unsorted(),
    col("exactCompanyName", Kind::Text),
    col("title", Kind::Text),
];

fn contact_rows(data: &Data) -> Searchable {
    let rows = data
        .contacts
        .values()
        .map(|contact| {
            let text = |pointer: &str| json!(contact.pointer(pointer).and_then(Value::as_str).unwrap_or(""));
            let supplier = contact.pointer("/relationshipToAccount/isSupplier").cloned().unwrap_or(json!(false));
            let company = text("/organisation/name");
            vec![
                contact["contactId"].clone(),
                text("/communication/emails/PRI/email"),
                text("/communication/emails/SEC/email"),
                text("/communication/emails/TER/email"),
                text("/firstName"),
                text("/lastName"),
                supplier,
                company.clone(),
                contact.pointer("/relationshipToAccount/isStaff").cloned().unwrap_or(json!(false)),
                json!(true),
                contact["createdOn"].clone(),
                contact.get("updatedOn").cloned().unwrap_or(Value::Null),
                Value::Null,
                Value::Null,
                json!(contact
                    .pointer("/financialDetails/nominalCode")
                    .and_then(Value::as_str)
                    .and_then(|c| c.parse::<i64>().ok())
                    .unwrap_or(0)),
                contact.get("isPrimaryContact").cloned().unwrap_or(json!(true)),
                text("/communication/telephones/PRI"),
                text("/communication/telephones/SEC"),
                text("/communication/telephones/MOB"),
                company,
                contact
                    .get("salutation")
                    .filter(|s| s.as_str().is_some_and(|s| !s.is_empty()))
                    .cloned()
                    .unwrap_or(Value::Null),
            ]
        })
        .collect();
    Searchable { rows, reference: json!({}) }
}

const PRODUCT_COLUMNS: &[Column] = &[
    col("productId", Kind::IdSet).with_reference("productCategoryMembership"),
    col("productName", Kind::SearchText),
    col("SKU", Kind::Text),
    col("barcode", Kind::Text),
    col("EAN", Kind::Text),
    col("UPC", Kind::Text),
    col("ISBN", Kind::Text),
    col("MPN", Kind::Text),
    col("stockTracked", Kind::Boolean),
    col("salesChannelName", Kind::Text).unfiltered(),
    col("createdOn", Kind::Period),
    col("updatedOn", Kind::Period),
    Column { sortable: false, ..col("brightpearlCategoryCode", Kind::IdSet) },
    col("productGroupId", Kind::Integer),
    col("brandId", Kind::IdSet),
    col("productTypeId", Kind::IdSet),
    col("productStatus", Kind::Text),
    col("primarySupplierId", Kind::IdSet),
];

fn product_rows(data: &Data) -> Searchable {
    let mut membership = Map::new();
    let rows = data
        .products
        .values()
        .map(|product| {
            let at = |pointer: &str| product.pointer(pointer).cloned().unwrap_or(Value::Null);
            let category = product
                .pointer("/salesChannels/0/categories/0/categoryCode")
                .and_then(|code| code.as_str().and_then(|c| c.parse::<i64>().ok()).or_else(|| code.as_i64()));
            if let (Some(id), Some(category)) = (product["id"].as_i64(), category) {
                membership.insert(id.to_string(), json!([category]));
            }
            vec![
                at("/id"),
                at("/salesChannels/0/productName"),
                at("/identity/sku"),
                at("/identity/barcode"),
                at("/identity/ean"),
                at("/identity/upc"),
                at("/identity/isbn"),
                at("/identity/mpn"),
                at("/stock/stockTracked"),
                at("/salesChannels/0/salesChannelName"),
                at("/createdOn"),
                at("/updatedOn"),
                category.map_or(Value::Null, |c| json!(c)),
                at("/productGroupId"),
                at("/brandId"),
                at("/productTypeId"),
                at("/status"),
                Value::Null,
            ]
        })
        .collect();
    Searchable { rows, reference: json!({"productCategoryMembership": membership}) }
}

const PAYMENT_COLUMNS: &[Column] = &[
    col("paymentId", Kind::IdSet),
    col("transactionRef", Kind::Text).unsorted(),
    col("transactionCode", Kind::Text).unsorted(),
    col("paymentMethodCode", Kind::Text).unsorted(),
    col("paymentType", Kind::Text).unsorted(),
    col("orderId", Kind::IdSet).unsorted(),
    col("currencyId", Kind::IdSet).unsorted(),
    col("currencyCode", Kind::Text).unsorted(),
    col("amountAuthorized", Kind::Text).unsorted(),
    col("amountPaid", Kind::Text).unsorted(),
    col("expires", Kind::Period).unsorted(),
    col("paymentDate", Kind::Period),
    col("createdOn", Kind::Period),
    col("journalId", Kind::IdSet),
];

fn payment_rows(data: &Data) -> Searchable {
    let rows = data
        .payments
        .values()
        .map(|payment| {
            PAYMENT_COLUMNS.iter().map(|column| payment.get(column.name).cloned().unwrap_or(Value::Null)).collect()
        })
        .collect();
    Searchable { rows, reference: json!({}) }
}

/// Contact GET pages when the ID set is absent or larger than 200: a page of at most 200
/// (`firstResult`, `pageSize`, `sort=contactId.DESC`) with `pagination` and `sorting`. A set
/// with no contacts is a 404.
fn contact_page(data: &Data, set: Option<&str>, query: &BTreeMap<String, String>) -> ApiResult<Reply> {
    let wanted: Vec<i64> = match set {
        Some(text) => ids(text, 1_000_000)?,
        None => data.contacts.keys().copied().collect(),
    };
    let mut found: Vec<(i64, Value)> = lookup(&data.contacts, &wanted);
    if found.is_empty() {
        return Err(ApiError::not_found("No Contact Found"));
    }
    let descending = query.get("sort").is_some_and(|sort| sort.eq_ignore_ascii_case("contactId.DESC"));
    if descending {
        found.reverse();
    }
    let first = query.get("firstResult").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).max(1);
    let size = query.get("pageSize").and_then(|v| v.parse::<usize>().ok()).unwrap_or(MAX_IDS).clamp(1, MAX_IDS);
    let total = found.len();
    let page: Vec<Value> = found.into_iter().skip(first - 1).take(size).map(|(_, contact)| contact).collect();
    let returned = page.len();
    let mut pagination = json!({"morePagesAvailable": first - 1 + returned < total, "resultsReturned": returned});
    if returned > 0 {
        pagination["firstResult"] = json!(first);
        pagination["lastResult"] = json!(first - 1 + returned);
    }
    Ok(Reply::ok(
        json!({
            "response": page,
            "pagination": pagination,
            "sorting": [{"field": "contactId", "direction": if descending { "DESC" } else { "ASC" }}]
        }),
        "",
    ))
}
