//! The public API's resources: one request (method, path under the account, query, body) in,
//! one [`Reply`] out. The HTTP server and multi-message both call [`dispatch`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::error::{ApiError, ApiResult};
use super::idset::{self, IdSetError, MAX_GOODS_OUT_IDS, MAX_IDS};
use super::search::{self, Column, Searchable};
use super::searches;
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

/// The order and note ID sets of a goods-note path: `order/{orders or *}/goods-note/.../{notes}?`.
type IdFilter = Option<Vec<i64>>;

fn note_sets(orders: &str, rest: &[&str], limit: usize) -> ApiResult<(IdFilter, IdFilter)> {
    let orders = if orders == "*" { None } else { Some(ids(orders, limit)?) };
    let notes = match rest {
        [] => None,
        [set] => Some(ids(set, limit)?),
        _ => return Err(ApiError::not_found("No such resource")),
    };
    Ok((orders, notes))
}

/// The goods notes of `orders` (all when `None`) with ids in `notes` (all when `None`), keyed by id.
fn notes_of(all: &BTreeMap<i64, Value>, orders: Option<&[i64]>, notes: Option<&[i64]>) -> Map<String, Value> {
    all.iter()
        .filter(|(id, note)| {
            let order = note["orderId"].as_i64().unwrap_or(0);
            orders.is_none_or(|o| o.contains(&order)) && notes.is_none_or(|n| n.contains(id))
        })
        .map(|(id, note)| (id.to_string(), note.clone()))
        .collect()
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
            search_reply(store, "order-search", searches::ORDER_COLUMNS, searches::order_rows, query)
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
            search_reply(store, "contact-search", searches::CONTACT_COLUMNS, searches::contact_rows, query)
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
            search_reply(store, "product-search", searches::PRODUCT_COLUMNS, searches::product_rows, query)
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
            let found = store.texts(Table::Availability, &ids(set, MAX_IDS)?);
            let mut text = String::with_capacity(16 + found.iter().map(|(_, t)| t.len() + 12).sum::<usize>());
            text.push_str("{\"response\":{");
            for (index, (id, availability)) in found.iter().enumerate() {
                if index > 0 {
                    text.push(',');
                }
                text.push_str(&format!("\"{id}\":{availability}"));
            }
            text.push_str("}}");
            Ok(Reply { status: 200, body: Body::Text(text), message_type: String::new() })
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
            let (orders, notes) = note_sets(orders, rest, MAX_GOODS_OUT_IDS)?;
            ok(store.read(|data| Value::Object(notes_of(&data.goods_out_notes, orders.as_deref(), notes.as_deref()))))
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
            let (orders, notes) = note_sets(orders, rest, MAX_IDS)?;
            let found = store.read(|data| notes_of(&data.goods_in_notes, orders.as_deref(), notes.as_deref()));
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
            search_reply(store, "payment-search", searches::PAYMENT_COLUMNS, searches::payment_rows, query)
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
