//! Placing new orders: made by the data generator, or from bodies the caller gives.

use serde_json::{json, Map, Value};

use crate::bp::error::{ApiError, ApiResult};
use crate::bp::store::{Data, Store};
use crate::generate::FREE_TEXT_PRODUCT_ID;

/// The nominal code purchase rows are booked to (cost of sales).
const PURCHASES_NOMINAL_CODE: &str = "5000";

/// The kind of order to place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A sales order, through the sales-order resource (raises `sales-order.created`).
    Sales,
    /// A purchase order, through the order resource and its rows.
    Purchase,
}

impl Kind {
    pub fn parse(code: &str) -> Option<Kind> {
        match code {
            "SO" => Some(Kind::Sales),
            "PO" => Some(Kind::Purchase),
            _ => None,
        }
    }
}

/// Places generated order `generated` (as the generator makes it) as a new order of `kind`; its id.
/// The account keeps only part of the generator's catalogue, so a customer or product the account
/// lacks is replaced by one it has. Quantities, prices and tax stay the generated ones.
pub fn place_generated(store: &Store, kind: Kind, generated: &Value) -> ApiResult<i64> {
    match kind {
        Kind::Sales => {
            let body = store.read(|data| sales_order_body(data, generated))?;
            store.create_sales_order(&body)
        }
        Kind::Purchase => {
            let (body, rows) = store.read(|data| purchase_order_body(data, generated))?;
            place_with_rows(store, &body, &rows)
        }
    }
}

/// Places an order from a caller's body: a low-level order body (with `orderTypeCode`, and
/// optionally `rows` of order-row bodies) or a sales-order body. Its id.
pub fn place_body(store: &Store, body: &Value) -> ApiResult<i64> {
    if body.get("orderTypeCode").is_some() {
        let rows = body.get("rows").and_then(Value::as_array).cloned().unwrap_or_default();
        place_with_rows(store, body, &rows)
    } else {
        store.create_sales_order(body)
    }
}

fn place_with_rows(store: &Store, body: &Value, rows: &[Value]) -> ApiResult<i64> {
    let id = store.create_order(body)?;
    for row in rows {
        store.add_order_row(id, row).map_err(|error| {
            let (code, message) = error.errors.first().cloned().unwrap_or_default();
            error.and(&code, format!("order {id} was created; {message}"))
        })?;
    }
    Ok(id)
}

/// A contact of the account of the wanted kind: `wanted` itself if the account has it, else one
/// picked by it.
fn contact_like(data: &Data, wanted: i64, supplier: bool) -> ApiResult<i64> {
    let is_supplier = |contact: &Value| contact.pointer("/relationshipToAccount/isSupplier") == Some(&json!(true));
    if data.contacts.get(&wanted).is_some_and(|contact| is_supplier(contact) == supplier) {
        return Ok(wanted);
    }
    let candidates: Vec<i64> =
        data.contacts.iter().filter(|(_, contact)| is_supplier(contact) == supplier).map(|(id, _)| *id).collect();
    let kind = if supplier { "supplier" } else { "customer" };
    let index = usize::try_from(wanted.unsigned_abs()).unwrap_or(0) % candidates.len().max(1);
    candidates.get(index).copied().ok_or_else(|| ApiError::invalid("ADMIN-409", format!("The account has no {kind}")))
}

/// The rows of a generated order, each with a product of the account: its own when the account
/// has it, else one picked by it; `None` for free-text and shipping rows.
fn generated_rows<'a>(data: &'a Data, generated: &'a Value) -> impl Iterator<Item = (Option<i64>, &'a Value)> + 'a {
    generated["orderRows"].as_object().into_iter().flat_map(Map::values).map(|row| {
        let product = row["productId"].as_i64().filter(|id| *id != FREE_TEXT_PRODUCT_ID).and_then(|wanted| {
            if data.products.contains_key(&wanted) {
                return Some(wanted);
            }
            let index = usize::try_from(wanted.unsigned_abs()).unwrap_or(0) % data.products.len().max(1);
            data.products.keys().nth(index).copied()
        });
        (product, row)
    })
}

fn sales_order_body(data: &Data, generated: &Value) -> ApiResult<Value> {
    let wanted = generated.pointer("/parties/customer/contactId").and_then(Value::as_i64).unwrap_or(0);
    let rows: Vec<Value> = generated_rows(data, generated)
        .map(|(product, row)| {
            let mut line = json!({
                "quantity": row.pointer("/quantity/magnitude"),
                "taxCode": row.pointer("/rowValue/taxCode"),
                "net": row.pointer("/rowValue/rowNet/value"),
                "tax": row.pointer("/rowValue/rowTax/value"),
                "nominalCode": row["nominalCode"],
            });
            // A product row takes its name from the product; a free-text row brings its own.
            match product {
                Some(product) => line["productId"] = json!(product),
                None => line["name"] = row["productName"].clone(),
            }
            line
        })
        .collect();
    Ok(json!({
        "customer": {"id": contact_like(data, wanted, false)?},
        "ref": generated["reference"],
        "priceModeCode": generated["priceModeCode"],
        "currency": {"code": generated.pointer("/currency/orderCurrencyCode")},
        "warehouseId": generated["warehouseId"],
        "rows": rows,
    }))
}

/// A purchase order buying the generated order's catalogue products from a supplier.
fn purchase_order_body(data: &Data, generated: &Value) -> ApiResult<(Value, Vec<Value>)> {
    let wanted = generated.pointer("/parties/customer/contactId").and_then(Value::as_i64).unwrap_or(0);
    let rows: Vec<Value> = generated_rows(data, generated)
        .filter_map(|(product, row)| {
            Some(json!({
                "productId": product?,
                "quantity": {"magnitude": row.pointer("/quantity/magnitude")},
                "rowValue": {"taxCode": row.pointer("/rowValue/taxCode"),
                             "rowNet": {"value": row.pointer("/rowValue/rowNet/value")},
                             "rowTax": {"value": row.pointer("/rowValue/rowTax/value")}},
                "nominalCode": PURCHASES_NOMINAL_CODE,
            }))
        })
        .collect();
    let body = json!({
        "orderTypeCode": "PO",
        "reference": format!("PO-{}", generated["reference"].as_str().unwrap_or_default()),
        "parties": {"supplier": {"contactId": contact_like(data, wanted, true)?}},
        "currency": {"orderCurrencyCode": generated.pointer("/currency/orderCurrencyCode")},
        "warehouseId": generated["warehouseId"],
    });
    Ok((body, rows))
}
