//! What the admin interface does to one order, always through the store's own methods so every
//! change raises the webhooks the public API would.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::bp::error::{ApiError, ApiResult};
use crate::bp::store::{Data, Store};
use crate::bp::time::{format_utc, now_millis};
use crate::bp::values::{decimal, fixed, text_at};
use crate::generate::records::WAREHOUSES;
use crate::generate::FREE_TEXT_PRODUCT_ID;

/// An admin action on existing orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Invoice a sales order: invoice reference, invoiced status, SI journal.
    Invoice,
    /// Ship what is left of a sales order: a goods-out note and its shipped event.
    Ship,
    /// Pay what is still owed on a sales order with a customer receipt.
    Pay,
    /// Receive a purchase order into stock with a goods-in note.
    Receive,
    /// Change an order (by default its delivery date moves to a week from today).
    Edit,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Invoice => "invoice",
            Action::Ship => "ship",
            Action::Pay => "pay",
            Action::Receive => "receive",
            Action::Edit => "edit",
        }
    }

    /// Whether `{"count": N}` would pick `order`: it is of the right type and not yet in the state
    /// the action brings it to.
    pub fn picks(self, data: &Data, order: &Value) -> bool {
        let id = order["id"].as_i64().unwrap_or(0);
        let is = |code: &str| order["orderTypeCode"] == code;
        match self {
            Action::Invoice => is("SO") && order.pointer("/state/tax").and_then(Value::as_str) != Some("INVOICED"),
            Action::Ship => is("SO") && unshipped(data, id).is_some_and(|lines| !lines.is_empty()),
            Action::Pay => {
                is("SO") && matches!(order["orderPaymentStatus"].as_str(), Some("UNPAID" | "PARTIALLY_PAID"))
            }
            Action::Receive => is("PO") && !data.goods_in_notes.values().any(|note| note["orderId"] == id),
            Action::Edit => is("SO") || is("PO"),
        }
    }

    /// Does the action to order `id`; what it made, for the answer.
    pub fn apply(self, store: &Store, id: i64, request: &Value) -> ApiResult<Value> {
        match self {
            Action::Invoice => {
                store.invoice_order(id, text_at(request, "/taxDate"))?;
                Ok(json!({"orderId": id}))
            }
            Action::Ship => ship(store, id),
            Action::Pay => pay(store, id),
            Action::Receive => receive(store, id),
            Action::Edit => edit(store, id, request.get("patch")),
        }
    }
}

fn order_of(data: &Data, id: i64) -> ApiResult<Value> {
    data.orders
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::invalid("ORDC-003", format!("You have supplied an invalid order id: {id}")))
}

/// The order's warehouse, or the account's first.
fn warehouse_of(order: &Value) -> i64 {
    order["warehouseId"].as_i64().filter(|id| *id > 0).unwrap_or(WAREHOUSES[0].0)
}

/// Whole units of a row (goods notes move whole units).
fn whole_units(row: &Value) -> i64 {
    let quantity = row.pointer("/quantity/magnitude").and_then(decimal).unwrap_or(Decimal::ZERO);
    i64::try_from(quantity.trunc()).unwrap_or(0)
}

/// The goods-out lines still to ship for sales order `id` (`None` if there is no such order):
/// product rows of the catalogue less what earlier notes already took.
fn unshipped(data: &Data, id: i64) -> Option<Vec<Value>> {
    let order = data.orders.get(&id)?;
    let mut lines = Vec::new();
    for (row_id, row) in order["orderRows"].as_object().into_iter().flatten() {
        let product_id = row["productId"].as_i64().unwrap_or(FREE_TEXT_PRODUCT_ID);
        if !data.products.contains_key(&product_id) {
            continue;
        }
        let noted: i64 = data
            .goods_out_notes
            .values()
            .filter(|note| note["orderId"] == id)
            .filter_map(|note| note.pointer(&format!("/orderRows/{row_id}")).and_then(Value::as_array))
            .flatten()
            .filter_map(|line| line["quantity"].as_i64())
            .sum();
        let left = whole_units(row) - noted;
        if let (true, Ok(row_id)) = (left > 0, row_id.parse::<i64>()) {
            lines.push(json!({"productId": product_id, "salesOrderRowId": row_id, "quantity": left}));
        }
    }
    Some(lines)
}

fn ship(store: &Store, id: i64) -> ApiResult<Value> {
    let (order, lines) =
        store.read(|data| Ok::<_, ApiError>((order_of(data, id)?, unshipped(data, id).unwrap_or_default())))?;
    if lines.is_empty() {
        return Err(ApiError::invalid("WHSC-013", format!("Order {id} has nothing left to ship")));
    }
    let note = json!({"warehouses": [{"warehouseId": warehouse_of(&order), "transfer": false, "products": lines}], "priority": false});
    let note_id = store.create_goods_out_note(id, &note)?;
    store.add_goods_out_events(
        note_id,
        &json!({"events": [{"eventCode": "SHW", "occured": format_utc(now_millis())}]}),
        None,
    )?;
    Ok(json!({"orderId": id, "goodsOutNoteId": note_id}))
}

fn pay(store: &Store, id: i64) -> ApiResult<Value> {
    let (order, received, payments) = store.read(|data| {
        let order = order_of(data, id)?;
        let mine: Vec<&Value> = data.payments.values().filter(|payment| payment["orderId"] == id).collect();
        let received: Decimal = mine
            .iter()
            .map(|payment| {
                let amount = payment.get("amountPaid").and_then(decimal).unwrap_or(Decimal::ZERO);
                match payment["paymentType"].as_str() {
                    Some("RECEIPT" | "CAPTURE") => amount,
                    Some("PAYMENT") => -amount,
                    _ => Decimal::ZERO,
                }
            })
            .sum();
        Ok::<_, ApiError>((order, received, mine.len()))
    })?;
    let total = order.pointer("/totalValue/total").and_then(decimal).unwrap_or(Decimal::ZERO);
    let owed = total - received;
    if owed <= Decimal::ZERO {
        return Err(ApiError::invalid("ACCC-026", format!("Order {id} owes nothing")));
    }
    let reference = format!("ADMIN-{id}-{}", payments + 1);
    let body = json!({
        "transactionRef": reference,
        "transactionCode": reference,
        "paymentMethodCode": "CARD",
        "paymentType": "RECEIPT",
        "orderId": id,
        "currencyIsoCode": order.pointer("/currency/orderCurrencyCode").cloned().unwrap_or(json!("USD")),
        "exchangeRate": order.pointer("/currency/exchangeRate").cloned().unwrap_or(json!("1.000000")),
        "amountPaid": fixed(owed, 2),
    });
    let payment_id = store.create_customer_payment(&body)?;
    Ok(json!({"orderId": id, "paymentId": payment_id, "amountPaid": fixed(owed, 2)}))
}

fn receive(store: &Store, id: i64) -> ApiResult<Value> {
    let (order, moved) = store.read(|data| {
        let order = order_of(data, id)?;
        let currency = order.pointer("/currency/orderCurrencyCode").cloned().unwrap_or(json!("USD"));
        let mut moved = Vec::new();
        for (row_id, row) in order["orderRows"].as_object().into_iter().flatten() {
            let product_id = row["productId"].as_i64().unwrap_or(FREE_TEXT_PRODUCT_ID);
            let units = whole_units(row);
            if let (true, true, Ok(row_id)) =
                (units > 0, data.products.contains_key(&product_id), row_id.parse::<i64>())
            {
                let value = row.pointer("/productPrice/value").cloned().unwrap_or(json!("0"));
                moved.push(json!({"productId": product_id, "purchaseOrderRowId": row_id, "quantity": units,
                                  "productValue": {"currency": currency, "value": value}}));
            }
        }
        Ok::<_, ApiError>((order, moved))
    })?;
    if order["orderTypeCode"] != "PO" {
        return Err(ApiError::invalid("WHSC-014", format!("Order {id} is not a purchase order")));
    }
    if moved.is_empty() {
        return Err(ApiError::invalid("WHSC-015", format!("Purchase order {id} has no product rows to receive")));
    }
    let note = json!({"transfer": false, "warehouseId": warehouse_of(&order), "goodsMoved": moved});
    let note_id = store.create_goods_in_note(id, &note)?;
    Ok(json!({"orderId": id, "goodsInNoteId": note_id}))
}

fn edit(store: &Store, id: i64, patch: Option<&Value>) -> ApiResult<Value> {
    let ops = match patch {
        Some(ops) => ops.clone(),
        None => {
            // A week from today; `add` where the order has no delivery date yet, as JSON Patch
            // (and Brightpearl, which answers CMNC-044 to an `add` over a value) wants.
            let has_date = store.read(|data| order_of(data, id))?.pointer("/delivery/deliveryDate").is_some();
            let date = format_utc(now_millis() + 7 * 86_400_000)[..10].to_string();
            json!([{"op": if has_date { "replace" } else { "add" }, "path": "/delivery/deliveryDate", "value": date}])
        }
    };
    store.patch_order(id, &ops)?;
    Ok(json!({"orderId": id}))
}
