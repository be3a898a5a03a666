//! Goods-out notes (shipping sales orders) and goods-in notes (receiving purchase orders).

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::orders::{refresh_shipping_status, touch};
use super::{take, Data, Store, MAX_UNITS, STAFF_CONTACT_ID};
use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::Event;
use crate::bp::time;
use crate::bp::values::{decimal, fixed, int_at, text_at};
use crate::generate::records::DEFAULT_LOCATION_ID;

/// The events a goods-out note records: printed, picked, packed, their undoing, and shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoodsOutEventCode {
    Printed,
    Unprinted,
    Picked,
    Unpicked,
    Packed,
    Unpacked,
    Shipped,
}

impl GoodsOutEventCode {
    /// From the wire code (`PRI`, `UPR`, `PIC`, `UPI`, `PAC`, `UPA`, `SHW`).
    pub fn parse(code: &str) -> Option<Self> {
        use GoodsOutEventCode::*;
        Some(match code {
            "PRI" => Printed,
            "UPR" => Unprinted,
            "PIC" => Picked,
            "UPI" => Unpicked,
            "PAC" => Packed,
            "UPA" => Unpacked,
            "SHW" => Shipped,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> &'static str {
        use GoodsOutEventCode::*;
        match self {
            Printed => "PRI",
            Unprinted => "UPR",
            Picked => "PIC",
            Unpicked => "UPI",
            Packed => "PAC",
            Unpacked => "UPA",
            Shipped => "SHW",
        }
    }

    /// The status flag it sets or clears, the flag's `...On`/`...ById` stem, and the value.
    fn flag(self) -> (&'static str, &'static str, bool) {
        use GoodsOutEventCode::*;
        match self {
            Printed => ("printed", "printed", true),
            Unprinted => ("printed", "printed", false),
            Picked => ("picked", "picked", true),
            Unpicked => ("picked", "picked", false),
            Packed => ("packed", "packed", true),
            Unpacked => ("packed", "packed", false),
            Shipped => ("shipped", "shipped", true),
        }
    }

    /// The webhook specifier: `goods-out-note.modified.{this}`.
    fn specifier(self) -> &'static str {
        use GoodsOutEventCode::*;
        match self {
            Printed => "printed",
            Unprinted => "un-printed",
            Picked => "picked",
            Unpicked => "un-picked",
            Packed => "packed",
            Unpacked => "un-packed",
            Shipped => "shipped",
        }
    }
}

impl Store {
    /// `POST /warehouse-service/order/{orderId}/goods-note/goods-out`: one note per warehouse in
    /// `warehouses[]`, each with `products[{productId, salesOrderRowId, quantity}]`; partial
    /// fulfilment is allowed, more than the row still needs is not. Returns the first note's id.
    /// Raises `goods-out-note.created`.
    pub fn create_goods_out_note(&self, order_id: i64, body: &Value) -> ApiResult<i64> {
        let warehouses = body.get("warehouses").and_then(Value::as_array).filter(|list| !list.is_empty());
        let warehouses = warehouses.ok_or_else(|| ApiError::bad_body("warehouses must list at least one warehouse"))?;
        self.write(|data, events| {
            let order = data
                .orders
                .get(&order_id)
                .ok_or_else(|| ApiError::invalid("WHSC-010", format!("Order {order_id} does not exist")))?;
            if order["orderTypeCode"] != "SO" {
                return Err(ApiError::invalid("WHSC-011", format!("Order {order_id} is not a sales order")));
            }
            let mut remaining = unfulfilled(data, order_id);
            let mut planned = Vec::new();
            for warehouse in warehouses {
                let warehouse_id = int_at(warehouse, "/warehouseId").filter(|id| data.warehouses.contains_key(id));
                let warehouse_id = warehouse_id.ok_or_else(|| {
                    ApiError::invalid(
                        "WHSC-001",
                        format!("Unknown warehouse: {}", warehouse.get("warehouseId").unwrap_or(&Value::Null)),
                    )
                })?;
                let mut rows: Map<String, Value> = Map::new();
                for product in warehouse.get("products").and_then(Value::as_array).into_iter().flatten() {
                    let row_id = int_at(product, "/salesOrderRowId")
                        .ok_or_else(|| ApiError::bad_body("salesOrderRowId is required"))?;
                    let quantity = int_at(product, "/quantity")
                        .filter(|q| (1..=MAX_UNITS).contains(q))
                        .ok_or_else(|| ApiError::bad_body("quantity must be a positive integer"))?;
                    let left = remaining.get_mut(&row_id).ok_or_else(|| {
                        ApiError::invalid("WHSC-012", format!("Row {row_id} is not a product row of order {order_id}"))
                    })?;
                    if quantity > left.1 {
                        return Err(ApiError::invalid("WHSC-013", format!("Row {row_id} needs only {} more", left.1)));
                    }
                    left.1 -= quantity;
                    let line = json!({"productId": left.0, "quantity": quantity, "locationId": DEFAULT_LOCATION_ID});
                    if let Some(lines) = rows.entry(row_id.to_string()).or_insert_with(|| json!([])).as_array_mut() {
                        lines.push(line);
                    }
                }
                if rows.is_empty() {
                    return Err(ApiError::bad_body("each warehouse needs at least one product"));
                }
                let release = match text_at(warehouse, "/releaseDate") {
                    Some(text) => time::format(
                        time::parse(text)
                            .ok_or_else(|| ApiError::bad_body(format!("releaseDate is not a date: {text}")))?,
                    ),
                    None => time::now(),
                };
                let transfer = warehouse.get("transfer").and_then(Value::as_bool).unwrap_or(false);
                planned.push((warehouse_id, rows, release, transfer));
            }
            let shipping_method = int_at(body, "/shippingMethodId")
                .or_else(|| order.pointer("/delivery/shippingMethodId").and_then(Value::as_i64))
                .unwrap_or(0);
            let priority = body.get("priority").and_then(Value::as_bool).unwrap_or(false);
            let mut first = None;
            let now = time::now();
            for (warehouse_id, rows, release, transfer) in planned {
                let id = take(&mut data.next.goods_note);
                let sequence =
                    data.goods_out_notes.values().filter(|note| note["orderId"].as_i64() == Some(order_id)).count() + 1;
                let version = take(&mut data.next.goods_note_event);
                data.goods_out_notes.insert(
                    id,
                    json!({
                        "orderId": order_id,
                        "warehouseId": warehouse_id,
                        "transfer": transfer,
                        "priority": priority,
                        "status": {"shipped": false, "packed": false, "picked": false, "printed": false},
                        "shipping": {"reference": "", "shippingMethodId": shipping_method},
                        "releaseDate": release,
                        "createdOn": now,
                        "createdBy": STAFF_CONTACT_ID,
                        "orderRows": rows,
                        "sequence": sequence,
                        "events": [{"occured": now, "eventOwnerId": STAFF_CONTACT_ID, "eventCode": "PLA"}],
                        "lastEventVersion": version
                    }),
                );
                events.push(Event::created("goods-out-note", id));
                first.get_or_insert(id);
            }
            first.ok_or_else(|| ApiError::bad_body("warehouses must list at least one warehouse"))
        })
    }

    /// `PUT /warehouse-service/goods-note/goods-out/{id}`: priority and shipping details
    /// (`reference` at most 64 characters). Refused once shipped. Raises `goods-out-note.modified`.
    pub fn update_goods_out_note(&self, id: i64, body: &Value) -> ApiResult<()> {
        self.write(|data, events| {
            let note = data
                .goods_out_notes
                .get_mut(&id)
                .ok_or_else(|| ApiError::not_found(format!("Goods-out note {id} not found")))?;
            if note.pointer("/status/shipped") == Some(&json!(true)) {
                return Err(ApiError::invalid(
                    "WHSC-030",
                    format!("Goods-out note {id} is shipped and can no longer be changed"),
                ));
            }
            let mut updated = note.clone();
            if let Some(priority) = body.get("priority").and_then(Value::as_bool) {
                updated["priority"] = json!(priority);
            }
            if let Some(reference) = body.pointer("/shipping/reference") {
                let text = reference.as_str().filter(|text| text.chars().count() <= 64);
                updated["shipping"]["reference"] = json!(text.ok_or_else(|| ApiError::invalid(
                    "WHSC-031",
                    "shipping.reference is text of at most 64 characters"
                ))?);
            }
            if let Some(method) = int_at(body, "/shipping/shippingMethodId") {
                updated["shipping"]["shippingMethodId"] = json!(method);
            }
            if let Some(boxes) = int_at(body, "/shipping/boxes") {
                updated["shipping"]["boxes"] = json!(boxes);
            }
            if let Some(weight) = body.pointer("/shipping/weight").and_then(decimal) {
                updated["shipping"]["weight"] = crate::bp::values::number(weight);
            }
            if let Some(label) = text_at(body, "/labelUri") {
                updated["labelUri"] = json!(label);
            }
            *note = updated;
            events.push(Event::modified("goods-out-note", id));
            Ok(())
        })
    }

    /// `POST /warehouse-service/goods-note/goods-out/{id}/event`: records events in order. `SHW`
    /// fills in printed, picked and packed when missing, takes the stock out and updates the
    /// order's shipping status; after it, no event is accepted. `if_match`, when given, must equal
    /// the note's `lastEventVersion`. Raises `goods-out-note.modified.{printed|...|shipped}`.
    pub fn add_goods_out_events(&self, id: i64, body: &Value, if_match: Option<i64>) -> ApiResult<()> {
        let list = body.get("events").and_then(Value::as_array).filter(|list| !list.is_empty());
        let list = list.ok_or_else(|| ApiError::bad_body("events must list at least one event"))?;
        let mut parsed = Vec::new();
        for event in list {
            let code = text_at(event, "/eventCode").and_then(GoodsOutEventCode::parse);
            let code = code.ok_or_else(|| {
                ApiError::invalid(
                    "WHSC-040",
                    format!("Unknown event code: {}", event.get("eventCode").unwrap_or(&Value::Null)),
                )
            })?;
            let occured = match text_at(event, "/occured") {
                Some(text) => {
                    time::parse(text).ok_or_else(|| ApiError::bad_body(format!("occured is not a date: {text}")))?
                }
                None => time::now_millis(),
            };
            let owner = int_at(event, "/eventOwnerId").unwrap_or(STAFF_CONTACT_ID);
            parsed.push((code, time::format(occured), owner));
        }
        self.write(|data, events| {
            let note = data
                .goods_out_notes
                .get(&id)
                .ok_or_else(|| ApiError::not_found(format!("Goods-out note {id} not found")))?;
            if let Some(expected) = if_match {
                if note["lastEventVersion"].as_i64() != Some(expected) {
                    return Err(ApiError::new(
                        412,
                        "WHSC-042",
                        format!("lastEventVersion is {}, not {expected}", note["lastEventVersion"]),
                    ));
                }
            }
            let mut note = note.clone();
            let mut shipped_now = false;
            for (code, occured, owner) in parsed {
                if note.pointer("/status/shipped") == Some(&json!(true)) {
                    return Err(ApiError::invalid(
                        "WHSC-041",
                        format!("Goods-out note {id} is shipped; no more events are accepted"),
                    ));
                }
                let mut codes = vec![code];
                if code == GoodsOutEventCode::Shipped {
                    codes.extend(
                        [GoodsOutEventCode::Printed, GoodsOutEventCode::Picked, GoodsOutEventCode::Packed]
                            .into_iter()
                            .filter(|filled| note["status"][filled.flag().0] != json!(true)),
                    );
                    shipped_now = true;
                }
                for code in codes {
                    let (flag, stem, value) = code.flag();
                    note["status"][flag] = json!(value);
                    if value {
                        note["status"][format!("{stem}On")] = json!(occured);
                        note["status"][format!("{stem}ById")] = json!(owner);
                    } else if let Some(status) = note["status"].as_object_mut() {
                        status.remove(&format!("{stem}On"));
                        status.remove(&format!("{stem}ById"));
                    }
                    if let Some(list) = note["events"].as_array_mut() {
                        list.push(json!({"occured": occured, "eventOwnerId": owner, "eventCode": code.code()}));
                    }
                    note["lastEventVersion"] = json!(take(&mut data.next.goods_note_event));
                    events.push(Event::modified("goods-out-note", id).with_specifier(code.specifier()));
                }
            }
            if shipped_now {
                ship_stock(data, &note, events);
            }
            let order_id = note["orderId"].as_i64().unwrap_or(0);
            data.goods_out_notes.insert(id, note);
            if shipped_now {
                let notes = &data.goods_out_notes;
                if let Some(order) = data.orders.get_mut(&order_id) {
                    refresh_shipping_status(order, notes);
                    touch(order);
                    if order["shippingStatusCode"] == "ASS" {
                        events.push(Event::modified("order", order_id).with_specifier("fully-shipped"));
                    }
                }
            }
            Ok(())
        })
    }

    /// `POST /warehouse-service/order/{poId}/goods-note/goods-in`: receives stock of a purchase
    /// order into one warehouse (`goodsMoved[{productId, purchaseOrderRowId, quantity,
    /// destinationLocationId, productValue}]`). Returns the note id. Raises `goods-in-note.created`.
    pub fn create_goods_in_note(&self, order_id: i64, body: &Value) -> ApiResult<i64> {
        let moved = body.get("goodsMoved").and_then(Value::as_array).filter(|list| !list.is_empty());
        let moved = moved.ok_or_else(|| ApiError::bad_body("goodsMoved must list at least one line"))?;
        let received = match text_at(body, "/receivedOn") {
            Some(text) => {
                time::parse(text).ok_or_else(|| ApiError::bad_body(format!("receivedOn is not a date: {text}")))?
            }
            None => time::now_millis(),
        };
        self.write(|data, events| {
            let order = data
                .orders
                .get(&order_id)
                .ok_or_else(|| ApiError::invalid("WHSC-010", format!("Order {order_id} does not exist")))?;
            if order["orderTypeCode"] != "PO" {
                return Err(ApiError::invalid("WHSC-014", format!("Order {order_id} is not a purchase order")));
            }
            let warehouse_id = int_at(body, "/warehouseId").filter(|id| data.warehouses.contains_key(id));
            let warehouse_id =
                warehouse_id.ok_or_else(|| ApiError::invalid("WHSC-001", "warehouseId must name a warehouse"))?;
            let id = data.next.goods_note;
            let mut lines = Vec::new();
            for line in moved {
                let row_id = int_at(line, "/purchaseOrderRowId")
                    .ok_or_else(|| ApiError::bad_body("purchaseOrderRowId is required"))?;
                let row = order.pointer(&format!("/orderRows/{row_id}")).ok_or_else(|| {
                    ApiError::invalid("WHSC-012", format!("Row {row_id} is not a row of order {order_id}"))
                })?;
                let product_id = int_at(line, "/productId").or_else(|| row["productId"].as_i64()).unwrap_or(0);
                if !data.products.contains_key(&product_id) {
                    return Err(ApiError::invalid("WHSC-022", format!("Product {product_id} does not exist")));
                }
                let quantity = int_at(line, "/quantity")
                    .filter(|q| (1..=MAX_UNITS).contains(q))
                    .ok_or_else(|| ApiError::bad_body("quantity must be a positive integer"))?;
                let value = line.pointer("/productValue/value").and_then(decimal).unwrap_or(Decimal::ZERO);
                let currency = text_at(line, "/productValue/currency").unwrap_or(self.currency);
                lines.push(json!({
                    "productId": product_id,
                    "purchaseOrderRowId": row_id,
                    "quantity": quantity,
                    "warehouseId": warehouse_id,
                    "destinationLocationId": int_at(line, "/destinationLocationId").unwrap_or(DEFAULT_LOCATION_ID),
                    "goodsNoteId": id,
                    "productValue": {"currency": currency, "value": fixed(value, 4)}
                }));
            }
            take(&mut data.next.goods_note);
            for line in &lines {
                let product_id = line["productId"].as_i64().unwrap_or(0);
                let quantity = line["quantity"].as_i64().unwrap_or(0);
                data.stock.entry(product_id).or_default().entry(warehouse_id).or_default().in_stock += quantity;
                events.push(Event::modified("product", product_id).with_specifier("on-hand-modified"));
            }
            let mut note = json!({
                "goodsNoteId": id,
                "orderId": order_id,
                "transfer": body.get("transfer").and_then(Value::as_bool).unwrap_or(false),
                "goodsNoteStatus": "CLOSED",
                "receivedOn": time::format(received),
                "createdBy": STAFF_CONTACT_ID,
                "goodsMoved": lines
            });
            if let Some(reference) = text_at(body, "/userBatchReference") {
                note["userBatchReference"] = json!(reference);
            }
            data.goods_in_notes.insert(id, note);
            events.insert(0, Event::created("goods-in-note", id));
            Ok(id)
        })
    }
}

/// Product rows of a sales order not yet on a goods-out note: row id -> (product id, units left).
fn unfulfilled(data: &Data, order_id: i64) -> std::collections::BTreeMap<i64, (i64, i64)> {
    let mut left = std::collections::BTreeMap::new();
    if let Some(rows) = data.orders.get(&order_id).and_then(|order| order["orderRows"].as_object()) {
        for (row_id, row) in rows {
            let product_id = row["productId"].as_i64().unwrap_or(0);
            if !data.products.contains_key(&product_id) {
                continue;
            }
            let quantity =
                row.pointer("/quantity/magnitude").and_then(decimal).map(|q| q.trunc()).unwrap_or(Decimal::ZERO);
            let quantity = i64::try_from(quantity).unwrap_or(0);
            if let Ok(row_id) = row_id.parse::<i64>() {
                left.insert(row_id, (product_id, quantity));
            }
        }
    }
    for note in data.goods_out_notes.values().filter(|note| note["orderId"].as_i64() == Some(order_id)) {
        for (row_id, lines) in note["orderRows"].as_object().into_iter().flatten() {
            let noted: i64 = lines.as_array().into_iter().flatten().filter_map(|line| line["quantity"].as_i64()).sum();
            if let Some(entry) = row_id.parse::<i64>().ok().and_then(|row_id| left.get_mut(&row_id)) {
                entry.1 -= noted;
            }
        }
    }
    left
}

/// A shipped note's stock leaves its warehouse (and its allocation with it).
fn ship_stock(data: &mut Data, note: &Value, events: &mut Vec<Event>) {
    let warehouse_id = note["warehouseId"].as_i64().unwrap_or(0);
    for line in note["orderRows"]
        .as_object()
        .into_iter()
        .flat_map(|rows| rows.values())
        .flat_map(|lines| lines.as_array().into_iter().flatten())
    {
        let product_id = line["productId"].as_i64().unwrap_or(0);
        let quantity = line["quantity"].as_i64().unwrap_or(0);
        let stock = data.stock.entry(product_id).or_default().entry(warehouse_id).or_default();
        stock.in_stock -= quantity;
        stock.allocated = (stock.allocated - quantity).max(0);
        events.push(Event::modified("product", product_id).with_specifier("on-hand-modified"));
    }
}
