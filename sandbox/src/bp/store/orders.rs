//! Orders (SO, SC, PO, PC): create, patch, rows, status, custom fields, invoicing.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{accounting, take, Data, Store, STAFF_CONTACT_ID};
use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::Event;
use crate::bp::patch;
use crate::bp::time;
use crate::bp::values::{decimal, fixed, int, int_at, text_at};
use crate::generate::records::{country_by_id, country_by_iso3, TAX_CODES};
use crate::generate::{FREE_TEXT_PRODUCT_ID, SALES_NOMINAL_CODE};

/// The order types and their ids in searches.
pub const ORDER_TYPES: &[(&str, i64, &str)] =
    &[("SO", 1, "SALES_ORDER"), ("PO", 2, "PURCHASE_ORDER"), ("SC", 3, "SALES_CREDIT"), ("PC", 4, "PURCHASE_CREDIT")];

/// Order fields a patch may not change: the id, the type, the rows (changed through the row
/// resource), the creation stamps and the version.
const ORDER_FIXED: &[&str] = &["/id", "/orderTypeCode", "/orderRows", "/createdOn", "/createdById", "/version"];

/// The status a new order of each type starts in.
fn initial_status(type_code: &str) -> i64 {
    match type_code {
        "PO" => 6,
        "SC" => 10,
        "PC" => 12,
        _ => 3,
    }
}

fn is_purchase(type_code: &str) -> bool {
    matches!(type_code, "PO" | "PC")
}

/// The order custom fields the account defines.
pub(super) fn custom_field_meta() -> Vec<Value> {
    vec![
        json!({"id": 131, "code": "PCF_CHANNEL", "name": "Sales channel note", "customFieldType": "TEXT", "required": false}),
        json!({"id": 132, "code": "PCF_GIFT", "name": "Gift wrap", "customFieldType": "CHECKBOX", "required": false}),
        json!({"id": 133, "code": "PCF_ZONE", "name": "Delivery zone", "customFieldType": "SELECT", "required": false,
               "options": {"64": {"id": 64, "value": "North"}, "65": {"id": 65, "value": "South"}, "66": {"id": 66, "value": "Export"}}}),
    ]
}

impl Store {
    /// `POST /order-service/order`: a new order of any type from the low-level order body
    /// (`orderTypeCode`, `reference`, `parties.customer|supplier.contactId`, ...). Returns its id.
    pub fn create_order(&self, body: &Value) -> ApiResult<i64> {
        self.write(|data, events| {
            let id = insert_order(data, body, self.currency)?;
            events.push(Event::created("order", id));
            Ok(id)
        })
    }

    /// `POST /order-service/sales-order`: an order with its rows in one call. The same
    /// `externalRef` + `installedIntegrationInstanceId` gives back the existing order (idempotent).
    /// Raises `sales-order.created`.
    pub fn create_sales_order(&self, body: &Value) -> ApiResult<i64> {
        self.write(|data, events| {
            let external = text_at(body, "/externalRef").map(|reference| {
                (reference.to_string(), int_at(body, "/installedIntegrationInstanceId").unwrap_or(0))
            });
            if let Some(existing) = external.as_ref().and_then(|key| data.external_refs.get(key)) {
                return Ok(*existing);
            }
            let customer = int_at(body, "/customer/id")
                .or_else(|| int_at(body, "/customerId"))
                .ok_or_else(|| ApiError::invalid("ORDC-021", "Customer ID Required."))?;
            let mut order = json!({
                "orderTypeCode": "SO",
                "reference": body.get("ref").cloned().unwrap_or(json!("")),
                "parties": {"customer": {"contactId": customer}},
            });
            for (from, to) in [("placedOn", "placedOn"), ("priceListId", "priceListId"), ("priceModeCode", "priceModeCode"), ("warehouseId", "warehouseId")] {
                if let Some(value) = body.get(from) {
                    order[to] = value.clone();
                }
            }
            if let Some(status) = body.get("statusId") {
                order["orderStatus"] = json!({"orderStatusId": status});
            }
            if let Some(date) = body.pointer("/delivery/date") {
                order["delivery"] = json!({"deliveryDate": date});
            }
            if let Some(method) = body.pointer("/delivery/shippingMethodId") {
                order["delivery"]["shippingMethodId"] = method.clone();
            }
            if let Some(code) = body.pointer("/currency/code") {
                order["currency"] = json!({"orderCurrencyCode": code});
            }
            let id = insert_order(data, &order, self.currency)?;
            for row in body.get("rows").and_then(Value::as_array).into_iter().flatten() {
                let row = json!({
                    "productId": row.get("productId"),
                    "productName": row.get("name"),
                    "quantity": {"magnitude": row.get("quantity")},
                    "rowValue": {"taxCode": row.get("taxCode"), "rowNet": {"value": row.get("net")}, "rowTax": {"value": row.get("tax")}},
                    "nominalCode": row.get("nominalCode"),
                });
                if let Err(error) = insert_row(data, id, &strip_nulls(row)) {
                    data.orders.remove(&id);
                    return Err(error);
                }
            }
            if let Some(key) = external {
                data.external_refs.insert(key, id);
            }
            events.push(Event::created("sales-order", id));
            events.push(Event::modified("order", id));
            Ok(id)
        })
    }

    /// `PATCH /order-service/order/{id}`: JSON Patch ops on the order; returns the whole order.
    pub fn patch_order(&self, id: i64, ops: &Value) -> ApiResult<Value> {
        self.write(|data, events| {
            let order = data.orders.get_mut(&id).ok_or_else(|| invalid_order(id))?;
            let mut patched = order.clone();
            patch::apply_except(&mut patched, ops, ORDER_FIXED)?;
            for pointer in ["/placedOn", "/delivery/deliveryDate", "/invoices/0/taxDate", "/invoices/0/dueDate"] {
                if let Some(value) = patched.pointer_mut(pointer) {
                    if let Some(text) = value.as_str() {
                        let millis = time::parse(text)
                            .ok_or_else(|| ApiError::bad_body(format!("{pointer} is not a date: {text}")))?;
                        *value = json!(time::format(millis));
                    }
                }
            }
            touch(&mut patched);
            *order = patched.clone();
            events.push(Event::modified("order", id));
            Ok(patched)
        })
    }

    /// `PUT /order-service/order/{id}/status`: moves the order to another status. Raises
    /// `order.modified.order-status`.
    pub fn set_order_status(&self, id: i64, status_id: i64) -> ApiResult<()> {
        self.write(|data, events| {
            let name = data
                .order_statuses
                .get(&status_id)
                .and_then(|status| status["name"].as_str())
                .ok_or_else(|| {
                    ApiError::invalid("ORDC-012", format!("You have supplied an invalid order status id: {status_id}"))
                })?
                .to_string();
            let order = data.orders.get_mut(&id).ok_or_else(|| invalid_order(id))?;
            order["orderStatus"] = json!({"orderStatusId": status_id, "name": name});
            touch(order);
            events.push(Event::modified("order", id).with_specifier("order-status"));
            Ok(())
        })
    }

    /// `POST /order-service/order-status`: a new status; returns its id.
    pub fn create_order_status(&self, body: &Value) -> ApiResult<i64> {
        self.write(|data, _| {
            let name = text_at(body, "/name")
                .filter(|name| !name.is_empty())
                .ok_or_else(|| ApiError::bad_body("name is required"))?;
            let type_code = text_at(body, "/orderTypeCode").unwrap_or("SO");
            if !ORDER_TYPES.iter().any(|(code, ..)| *code == type_code) {
                return Err(ApiError::invalid("ORDC-006", "You have supplied an invalid order type code"));
            }
            let id = take(&mut data.next.order_status);
            let sort = data.order_statuses.len();
            let mut status = crate::generate::records::order_status(&(id, name, type_code, "open"), sort);
            if let Some(color) = body.get("color") {
                status["color"] = color.clone();
            }
            data.order_statuses.insert(id, status);
            Ok(id)
        })
    }

    /// Invoices a sales order or credit: an invoice reference, the tax date (today unless given),
    /// the invoiced status and an SI journal. Raises `order.modified.order-status`.
    pub fn invoice_order(&self, id: i64, tax_date: Option<&str>) -> ApiResult<()> {
        let tax_millis = match tax_date {
            Some(text) => {
                time::parse(text).ok_or_else(|| ApiError::bad_body(format!("taxDate is not a date: {text}")))?
            }
            None => time::now_millis(),
        };
        self.write(|data, events| {
            let order = data.orders.get_mut(&id).ok_or_else(|| invalid_order(id))?;
            let type_code = order["orderTypeCode"].as_str().unwrap_or("SO").to_string();
            if order.pointer("/state/tax").and_then(Value::as_str) == Some("INVOICED") {
                return Err(ApiError::invalid("ORDC-030", format!("Order {id} is already invoiced")));
            }
            let (prefix, status, name) = match type_code.as_str() {
                "SC" => ("SC", 11, "Sales credit complete"),
                "SO" => ("SI", 4, "Invoiced"),
                _ => return Err(ApiError::invalid("ORDC-006", "Only sales orders and credits are invoiced here")),
            };
            order["invoices"] = json!([{
                "invoiceReference": format!("{prefix}-{id}"),
                "taxDate": time::format(tax_millis),
                "dueDate": time::format(tax_millis + 30 * 86_400_000),
            }]);
            order["state"] = json!({"tax": "INVOICED"});
            order["orderStatus"] = json!({"orderStatusId": status, "name": name});
            touch(order);
            let order = order.clone();
            accounting::add_invoice_journal(data, &order);
            events.push(Event::modified("order", id).with_specifier("order-status"));
            Ok(())
        })
    }

    /// `POST /order-service/order/{id}/row`: adds a row; returns its id.
    pub fn add_order_row(&self, order_id: i64, body: &Value) -> ApiResult<i64> {
        self.write(|data, events| {
            let row = insert_row(data, order_id, body)?;
            events.push(Event::modified("order", order_id));
            Ok(row)
        })
    }

    /// `PATCH /order-service/order/{id}/row/{rowId}`: JSON Patch on one row; the tax follows a
    /// changed net at the row's rate. Returns the whole row.
    pub fn patch_order_row(&self, order_id: i64, row_id: i64, ops: &Value) -> ApiResult<Value> {
        self.write(|data, events| {
            let order = data.orders.get_mut(&order_id).ok_or_else(|| invalid_order(order_id))?;
            let row = order.pointer_mut(&format!("/orderRows/{row_id}")).ok_or_else(|| {
                ApiError::invalid("ORDC-004", format!("You have supplied an invalid order row id: {row_id}"))
            })?;
            let mut patched = row.clone();
            patch::apply(&mut patched, ops)?;
            let sets_tax = ops.as_array().is_some_and(|ops| {
                ops.iter().any(|op| op["path"].as_str().is_some_and(|p| p.starts_with("/rowValue/rowTax")))
            });
            normalise_row(&mut patched, !sets_tax)?;
            *row = patched.clone();
            recompute_totals(order);
            touch(order);
            events.push(Event::modified("order", order_id));
            Ok(patched)
        })
    }

    /// `DELETE /order-service/order/{id}/row/{rowId}`.
    pub fn delete_order_row(&self, order_id: i64, row_id: i64) -> ApiResult<()> {
        self.write(|data, events| {
            let order = data.orders.get_mut(&order_id).ok_or_else(|| invalid_order(order_id))?;
            let removed = order["orderRows"].as_object_mut().and_then(|rows| rows.shift_remove(&row_id.to_string()));
            if removed.is_none() {
                return Err(ApiError::invalid(
                    "ORDC-004",
                    format!("You have supplied an invalid order row id: {row_id}"),
                ));
            }
            recompute_totals(order);
            touch(order);
            events.push(Event::modified("order", order_id));
            Ok(())
        })
    }

    /// `PATCH /order-service/order/{id}/custom-field`: JSON Patch on the custom field values. A
    /// SELECT field is set with `{"id": optionId}` and reads back `{"id", "value"}`. Returns all values.
    pub fn patch_order_custom_fields(&self, order_id: i64, ops: &Value) -> ApiResult<Value> {
        self.write(|data, events| {
            if !data.orders.contains_key(&order_id) {
                return Err(invalid_order(order_id));
            }
            let mut fields = Value::Object(data.order_custom_fields.get(&order_id).cloned().unwrap_or_default());
            patch::apply(&mut fields, ops)?;
            let mut resolved = Map::new();
            for (code, value) in fields.as_object().into_iter().flatten() {
                let meta = data
                    .order_custom_field_meta
                    .iter()
                    .find(|meta| meta["code"] == code.as_str())
                    .ok_or_else(|| ApiError::invalid("CMNC-045", format!("Unknown custom field: {code}")))?;
                let value = match (meta["customFieldType"].as_str(), value) {
                    (Some("SELECT"), option) => {
                        let option_id = option.get("id").and_then(int).or_else(|| int(option));
                        option_id.and_then(|id| meta.pointer(&format!("/options/{id}"))).cloned().ok_or_else(|| {
                            ApiError::invalid("CMNC-046", format!("{option} is not an option of {code}"))
                        })?
                    }
                    (Some("CHECKBOX"), Value::Bool(_)) | (Some("TEXT"), Value::String(_)) => value.clone(),
                    (kind, _) => {
                        return Err(ApiError::invalid(
                            "CMNC-046",
                            format!("{value} is not a {} value for {code}", kind.unwrap_or("?")),
                        ))
                    }
                };
                resolved.insert(code.clone(), value);
            }
            data.order_custom_fields.insert(order_id, resolved.clone());
            if let Some(order) = data.orders.get_mut(&order_id) {
                touch(order);
            }
            events.push(Event::modified("order", order_id));
            Ok(Value::Object(resolved))
        })
    }
}

fn invalid_order(id: i64) -> ApiError {
    ApiError::invalid("ORDC-003", format!("You have supplied an invalid order id: {id}"))
}

/// Marks an order changed: a new version and `updatedOn`.
pub(super) fn touch(order: &mut Value) {
    let version = order["version"].as_i64().unwrap_or(0) + 1;
    order["version"] = json!(version);
    order["updatedOn"] = json!(time::now());
}

fn strip_nulls(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            *v = strip_nulls(std::mem::take(v));
        }
        map.retain(|_, v| !matches!(v, Value::Object(inner) if inner.is_empty()));
    }
    value
}

/// A party (customer, supplier, billing, delivery) from a contact and its default address.
fn party(data: &Data, contact_id: i64, with_contact_id: bool) -> ApiResult<Value> {
    let contact = data.contacts.get(&contact_id).ok_or_else(|| {
        ApiError::invalid("ORDC-010", format!("You have supplied an invalid contact id: {contact_id}"))
    })?;
    let address_id = contact.pointer("/postAddressIds/DEF").and_then(Value::as_i64).unwrap_or(0);
    let address = data.postal_addresses.get(&address_id).cloned().unwrap_or(json!({}));
    let line = |key: &str| address.get(key).cloned().unwrap_or(json!(""));
    let country = address
        .get("countryId")
        .and_then(Value::as_i64)
        .and_then(country_by_id)
        .or_else(|| address.get("countryIsoCode").and_then(Value::as_str).and_then(country_by_iso3));
    let full_name =
        format!("{} {}", contact["firstName"].as_str().unwrap_or(""), contact["lastName"].as_str().unwrap_or(""));
    let mut party = Map::new();
    if with_contact_id {
        party.insert("contactId".into(), json!(contact_id));
    }
    party.insert("addressFullName".into(), json!(full_name.trim()));
    party.insert("companyName".into(), contact.pointer("/organisation/name").cloned().unwrap_or(json!("")));
    for key in ["addressLine1", "addressLine2", "addressLine3", "addressLine4", "postalCode"] {
        party.insert(key.into(), line(key));
    }
    party.insert("country".into(), json!(country.map_or("", |c| c.name)));
    let phone = |key: &str| contact.pointer(&format!("/communication/telephones/{key}")).cloned().unwrap_or(json!(""));
    party.insert("telephone".into(), phone("PRI"));
    party.insert("mobileTelephone".into(), phone("MOB"));
    party.insert("fax".into(), phone("FAX"));
    party.insert("email".into(), contact.pointer("/communication/emails/PRI/email").cloned().unwrap_or(json!("")));
    if let Some(country) = country {
        party.insert("countryId".into(), json!(country.id));
        party.insert("countryIsoCode".into(), json!(country.iso2));
        party.insert("countryIsoCode3".into(), json!(country.iso3));
    }
    Ok(Value::Object(party))
}

/// Validates a low-level order body and stores the new order; returns its id.
fn insert_order(data: &mut Data, body: &Value, account_currency: &str) -> ApiResult<i64> {
    if !body.is_object() {
        return Err(ApiError::bad_body("You must supply a JSON body"));
    }
    let type_code = match body.get("orderTypeCode") {
        None | Some(Value::Null) => {
            return Err(ApiError::invalid("ORDC-005", "You have not supplied an order type code"))
        }
        Some(code) => code.as_str().filter(|code| ORDER_TYPES.iter().any(|(known, ..)| known == code)),
    }
    .ok_or_else(|| ApiError::invalid("ORDC-006", "You have supplied an invalid order type code"))?
    .to_string();
    let (role, contact) = if is_purchase(&type_code) {
        (
            "supplier",
            int_at(body, "/parties/supplier/contactId")
                .ok_or_else(|| ApiError::invalid("ORDC-022", "Suppllier ID Required."))?,
        )
    } else {
        (
            "customer",
            int_at(body, "/parties/customer/contactId")
                .ok_or_else(|| ApiError::invalid("ORDC-021", "Customer ID Required."))?,
        )
    };
    let main_party = party(data, contact, true)?;
    let billing = match int_at(body, "/parties/billing/contactId") {
        Some(billing) => party(data, billing, true)?,
        None => main_party.clone(),
    };
    let delivery = party(data, contact, false)?;
    let status_id = int_at(body, "/orderStatus/orderStatusId").unwrap_or_else(|| initial_status(&type_code));
    let status_name = data
        .order_statuses
        .get(&status_id)
        .and_then(|status| status["name"].as_str())
        .ok_or_else(|| {
            ApiError::invalid("ORDC-012", format!("You have supplied an invalid order status id: {status_id}"))
        })?
        .to_string();
    let now = time::now();
    let date = |pointer: &str| -> ApiResult<Option<String>> {
        match text_at(body, pointer) {
            None => Ok(None),
            Some(text) => time::parse(text)
                .map(|millis| Some(time::format(millis)))
                .ok_or_else(|| ApiError::bad_body(format!("{pointer} is not a date: {text}"))),
        }
    };
    let placed_on = date("/placedOn")?.unwrap_or_else(|| now.clone());
    let order_currency = text_at(body, "/currency/orderCurrencyCode").unwrap_or(account_currency);
    let zero = "0.00";
    let mut delivery_info = Map::new();
    if let Some(delivery_date) = date("/delivery/deliveryDate")? {
        delivery_info.insert("deliveryDate".into(), json!(delivery_date));
    }
    delivery_info.insert("shippingMethodId".into(), json!(int_at(body, "/delivery/shippingMethodId").unwrap_or(0)));
    let stock_status = match type_code.as_str() {
        "SO" => "SON",
        "SC" => "SCN",
        "PO" => "PON",
        _ => "PCN",
    };
    let id = take(&mut data.next.order);
    let mut parties = Map::new();
    parties.insert(role.into(), main_party);
    parties.insert("delivery".into(), delivery);
    parties.insert("billing".into(), billing);
    let mut order = json!({
        "id": id,
        "parentOrderId": int_at(body, "/parentOrderId").unwrap_or(0),
        "orderTypeCode": type_code,
        "reference": text_at(body, "/reference").unwrap_or(""),
        "version": 1,
        "state": {"tax": "READY"},
        "orderStatus": {"orderStatusId": status_id, "name": status_name},
        "tax": {"errors": []},
        "orderPaymentStatus": if is_purchase(&type_code) { "NOT_APPLICABLE" } else { "UNPAID" },
        "stockStatusCode": stock_status,
        "allocationStatusCode": "ANR",
        "shippingStatusCode": "NST",
        "placedOn": placed_on,
        "createdOn": now,
        "createdById": STAFF_CONTACT_ID,
        "priceListId": int_at(body, "/priceListId").unwrap_or(1),
        "priceModeCode": text_at(body, "/priceModeCode").filter(|mode| *mode == "INC").unwrap_or("EXC"),
        "delivery": delivery_info,
        "invoices": [{"invoiceReference": ""}],
        "currency": {
            "accountingCurrencyCode": account_currency,
            "orderCurrencyCode": order_currency,
            "exchangeRate": "1.000000",
            "fixedExchangeRate": false
        },
        "totalValue": {"net": zero, "taxAmount": zero, "baseNet": zero, "baseTaxAmount": zero, "baseTotal": zero, "total": zero},
        "assignment": {"current": {"staffOwnerContactId": int_at(body, "/assignment/current/staffOwnerContactId").unwrap_or(0),
                                   "projectId": 0, "channelId": int_at(body, "/assignment/current/channelId").unwrap_or(0),
                                   "leadSourceId": 0, "teamId": 0}},
        "parties": parties,
        "orderRows": {},
        "warehouseId": int_at(body, "/warehouseId").unwrap_or(2),
        "acknowledged": 0,
        "costPriceListId": 3,
        "historicalOrder": false,
        "orderWeighting": 100
    });
    if is_purchase(&type_code) {
        order["isDropship"] = json!(false);
    }
    data.orders.insert(id, order);
    Ok(id)
}

/// Validates a row body and adds the row to an order; returns the row id.
fn insert_row(data: &mut Data, order_id: i64, body: &Value) -> ApiResult<i64> {
    let product_id = int_at(body, "/productId");
    let product = product_id.and_then(|id| data.products.get(&id));
    let order = data.orders.get(&order_id);
    let mut error: Option<ApiError> = None;
    let mut fail = |code: &str, message: String| {
        error = Some(match error.take() {
            None => ApiError::invalid(code, message),
            Some(previous) => previous.and(code, message),
        });
    };
    if order.is_none() {
        fail("ORDC-003", format!("You have supplied an invalid order id: {order_id}"));
    }
    if product_id.is_some() && product.is_none() {
        fail("ORDC-025", format!("You have supplied an invalid product id: {}", product_id.unwrap_or(0)));
    }
    let name = text_at(body, "/productName").map(str::to_string).or_else(|| {
        product.and_then(|p| p.pointer("/salesChannels/0/productName")).and_then(Value::as_str).map(str::to_string)
    });
    if product_id.is_none() && name.as_deref().is_none_or(str::is_empty) {
        fail("ORDC-026", "You have not supplied a product name, which is required for all free text items.".into());
    }
    if let Some(error) = error {
        return Err(error);
    }
    let Some(order) = order else { return Err(invalid_order(order_id)) };
    let currency = order.pointer("/currency/orderCurrencyCode").and_then(Value::as_str).unwrap_or("USD").to_string();
    let sequence = (order["orderRows"].as_object().map_or(0, |rows| rows.len()) + 1) * 10;
    let quantity = body
        .pointer("/quantity/magnitude")
        .map_or(Some(Decimal::ONE), decimal)
        .ok_or_else(|| ApiError::bad_body("quantity.magnitude must be a number"))?;
    let net = body
        .pointer("/rowValue/rowNet/value")
        .map_or(Some(Decimal::ZERO), decimal)
        .ok_or_else(|| ApiError::bad_body("rowValue.rowNet.value must be a number"))?;
    let tax_code = body
        .pointer("/rowValue/taxCode")
        .and_then(|code| code.as_str().map(str::to_string).or_else(|| int(code).map(|n| n.to_string())));
    let tax_code = tax_code
        .or_else(|| {
            product
                .and_then(|p| p.pointer("/financialDetails/taxCode/code"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "Z".into());
    let tax = body
        .pointer("/rowValue/rowTax/value")
        .map(|value| decimal(value).ok_or_else(|| ApiError::bad_body("rowValue.rowTax.value must be a number")))
        .transpose()?;
    let known_rate = TAX_CODES
        .iter()
        .find(|(_, code, ..)| *code == tax_code)
        .map(|(.., rate)| Decimal::from_i128_with_scale(*rate, 4));
    let rate = match (known_rate, tax) {
        (Some(rate), _) => rate,
        // A rate is a percentage: a tax wildly out of proportion to the net is refused, which also
        // keeps the arithmetic below far from overflowing.
        (None, Some(tax)) if !net.is_zero() => (tax * Decimal::from(100))
            .checked_div(net)
            .filter(|rate| rate.abs() <= crate::bp::values::MAX_DECIMAL)
            .ok_or_else(|| ApiError::bad_body("rowValue.rowTax.value is out of proportion to the net"))?,
        _ => Decimal::ZERO,
    };
    let tax = tax.unwrap_or_else(|| net * rate / Decimal::from(100));
    let price = if quantity.is_zero() { net } else { net / quantity };
    let cost = product
        .and_then(|p| data.prices.get(&p["id"].as_i64().unwrap_or(0)))
        .and_then(|prices| prices.pointer("/priceLists/2/quantityPrice/1"))
        .and_then(decimal)
        .unwrap_or(Decimal::ZERO);
    let row_id = take(&mut data.next.row);
    let mut row = Map::new();
    row.insert("orderRowSequence".into(), json!(sequence.to_string()));
    row.insert("productId".into(), json!(product_id.unwrap_or(FREE_TEXT_PRODUCT_ID)));
    row.insert("productName".into(), json!(name.unwrap_or_default()));
    if let Some(sku) = product.and_then(|p| p.pointer("/identity/sku")) {
        row.insert("productSku".into(), sku.clone());
    }
    row.insert("quantity".into(), json!({"magnitude": fixed(quantity, 4)}));
    row.insert("itemCost".into(), json!({"currencyCode": currency, "value": fixed(cost, 4)}));
    row.insert("productPrice".into(), json!({"currencyCode": currency, "value": fixed(price, 4)}));
    row.insert("discountPercentage".into(), json!("0.00"));
    row.insert(
        "rowValue".into(),
        json!({
            "taxRate": fixed(rate, 4),
            "taxCode": tax_code,
            "taxCalculator": if body.pointer("/rowValue/rowTax/value").is_some() { "manual" } else { "brightpearl" },
            "rowNet": {"currencyCode": currency, "value": fixed(net, 4)},
            "rowTax": {"currencyCode": currency, "value": fixed(tax, 2)},
            "taxClassId": TAX_CODES.iter().find(|(_, code, ..)| *code == tax_code).map_or(0, |(id, ..)| *id)
        }),
    );
    row.insert("nominalCode".into(), json!(text_at(body, "/nominalCode").unwrap_or(SALES_NOMINAL_CODE)));
    row.insert("composition".into(), json!({"bundleParent": false, "bundleChild": false, "parentOrderRowId": 0}));
    row.insert("clonedFromId".into(), json!(0));
    let order = data.orders.get_mut(&order_id).ok_or_else(|| invalid_order(order_id))?;
    if let Some(rows) = order["orderRows"].as_object_mut() {
        rows.insert(row_id.to_string(), Value::Object(row));
    }
    recompute_totals(order);
    refresh_shipping_status(order, &data.goods_out_notes);
    touch(order);
    Ok(row_id)
}

/// After a row patch: numbers back to Brightpearl's text with its places, and the tax recomputed
/// from the net at the row's rate unless the patch set it.
fn normalise_row(row: &mut Value, recompute_tax: bool) -> ApiResult<()> {
    let read = |row: &Value, pointer: &str| -> ApiResult<Decimal> {
        row.pointer(pointer).and_then(decimal).ok_or_else(|| ApiError::bad_body(format!("{pointer} must be a number")))
    };
    let net = read(row, "/rowValue/rowNet/value")?;
    let quantity = read(row, "/quantity/magnitude")?;
    let rate = row.pointer("/rowValue/taxRate").and_then(decimal).unwrap_or(Decimal::ZERO);
    let tax = if recompute_tax { net * rate / Decimal::from(100) } else { read(row, "/rowValue/rowTax/value")? };
    row["rowValue"]["rowNet"]["value"] = json!(fixed(net, 4));
    row["rowValue"]["rowTax"]["value"] = json!(fixed(tax, 2));
    row["quantity"]["magnitude"] = json!(fixed(quantity, 4));
    Ok(())
}

/// `totalValue` from the rows: nets and taxes summed, base values divided by the exchange rate.
pub(super) fn recompute_totals(order: &mut Value) {
    let sum = |pointer: &str| -> Decimal {
        order["orderRows"]
            .as_object()
            .into_iter()
            .flat_map(|rows| rows.values())
            .filter_map(|row| row.pointer(pointer).and_then(decimal))
            .sum()
    };
    let net = sum("/rowValue/rowNet/value").round_dp(2);
    let tax = sum("/rowValue/rowTax/value").round_dp(2);
    let rate = order
        .pointer("/currency/exchangeRate")
        .and_then(decimal)
        .filter(|rate| !rate.is_zero())
        .unwrap_or(Decimal::ONE);
    // A rate patched to something absurdly small would overflow: such base values stay unconverted.
    let base_net = net.checked_div(rate).unwrap_or(net);
    let base_tax = tax.checked_div(rate).unwrap_or(tax);
    order["totalValue"] = json!({
        "net": fixed(net, 2),
        "taxAmount": fixed(tax, 2),
        "baseNet": fixed(base_net, 2),
        "baseTaxAmount": fixed(base_tax, 2),
        "baseTotal": fixed(base_net.round_dp(2) + base_tax.round_dp(2), 2),
        "total": fixed(net + tax, 2),
    });
}

/// `shippingStatusCode` from the goods-out notes: none of the stock shipped (SNS), part (SPS), all
/// (ASS), or no product rows at all (NST).
pub(super) fn refresh_shipping_status(order: &mut Value, notes: &std::collections::BTreeMap<i64, Value>) {
    let Some(order_id) = order["id"].as_i64() else { return };
    let mut ordered = Decimal::ZERO;
    for row in order["orderRows"].as_object().into_iter().flat_map(|rows| rows.values()) {
        if row["productId"].as_i64() != Some(FREE_TEXT_PRODUCT_ID) {
            ordered += row.pointer("/quantity/magnitude").and_then(decimal).unwrap_or(Decimal::ZERO);
        }
    }
    let shipped: i64 = notes
        .values()
        .filter(|note| {
            note["orderId"].as_i64() == Some(order_id) && note.pointer("/status/shipped") == Some(&json!(true))
        })
        .flat_map(|note| note["orderRows"].as_object().into_iter().flat_map(|rows| rows.values()))
        .flat_map(|lines| lines.as_array().into_iter().flatten())
        .filter_map(|line| line["quantity"].as_i64())
        .sum();
    let code = if ordered.is_zero() {
        "NST"
    } else if shipped == 0 {
        "SNS"
    } else if Decimal::from(shipped) < ordered {
        "SPS"
    } else {
        "ASS"
    };
    order["shippingStatusCode"] = json!(code);
}
