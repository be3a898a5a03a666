//! The columns and rows of the four searches, in the recorded column order: orders, contacts,
//! products and customer payments.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::search::{col, Column, Kind, Searchable};
use super::store::{Data, ORDER_TYPES};
use crate::generate::records::SHIPPING_STATUSES;

/// The columns of `order-search`.
pub const ORDER_COLUMNS: &[Column] = &[
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

/// The rows of `order-search`.
pub fn order_rows(data: &Data) -> Searchable {
    let at = |order: &Value, pointer: &str| order.pointer(pointer).cloned().unwrap_or(Value::Null);
    let external: BTreeMap<i64, &(String, i64)> = data.external_refs.iter().map(|(key, id)| (*id, key)).collect();
    let rows = data
        .orders
        .values()
        .map(|order| {
            let type_code = order["orderTypeCode"].as_str().unwrap_or("");
            let type_id = ORDER_TYPES.iter().find(|(code, ..)| *code == type_code).map_or(0, |(_, id, _)| *id);
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
        "orderTypeNames": names(ORDER_TYPES.iter().map(|(_, id, name)| (*id, name.to_string()))),
        "orderStatusNames": names(data.order_statuses.iter().map(|(id, status)| (*id, status["name"].as_str().unwrap_or("").to_string()))),
        "orderStockStatusNames": names(STOCK_STATUSES.iter().map(|(id, code)| (*id, code.to_string()))),
        "orderPaymentStatusNames": names(PAYMENT_STATUSES.iter().map(|(id, code)| (*id, code.to_string()))),
        "orderShippingStatusNames": names(SHIPPING_STATUSES.iter().map(|(id, _, description)| (*id, description.to_string()))),
    });
    Searchable { rows, reference }
}

/// The columns of `contact-search`.
pub const CONTACT_COLUMNS: &[Column] = &[
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

/// The rows of `contact-search`.
pub fn contact_rows(data: &Data) -> Searchable {
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

/// The columns of `product-search`.
pub const PRODUCT_COLUMNS: &[Column] = &[
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

/// The rows of `product-search`.
pub fn product_rows(data: &Data) -> Searchable {
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

/// The columns of `customer-payment-search`.
pub const PAYMENT_COLUMNS: &[Column] = &[
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

/// The rows of `payment-search`.
pub fn payment_rows(data: &Data) -> Searchable {
    let rows = data
        .payments
        .values()
        .map(|payment| {
            PAYMENT_COLUMNS.iter().map(|column| payment.get(column.name).cloned().unwrap_or(Value::Null)).collect()
        })
        .collect();
    Searchable { rows, reference: json!({}) }
}
