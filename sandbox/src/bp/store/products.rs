//! Products, their prices and their stock.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{take, Data, Stock, Store, MAX_UNITS, STAFF_CONTACT_ID};
use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::Event;
use crate::bp::time;
use crate::bp::values::{decimal, fixed, int, int_at, text_at};
use crate::generate::records::DEFAULT_LOCATION_ID;

impl Store {
    /// `POST /product-service/product`: `brandId` is required (PRDC-014), and a product name on
    /// the first sales channel. Returns the product id. Raises `product.created`.
    pub fn create_product(&self, body: &Value) -> ApiResult<i64> {
        let brand =
            int_at(body, "/brandId").ok_or_else(|| ApiError::invalid("PRDC-014", "You must supply a brand ID."))?;
        let name = text_at(body, "/salesChannels/0/productName")
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| ApiError::invalid("PRDC-005", "You must supply a product name."))?;
        self.write(|data, events| {
            let id = take(&mut data.next.product);
            let now = time::now();
            let tax = body.pointer("/financialDetails/taxCode").cloned().unwrap_or(json!({"id": 1, "code": "Z"}));
            let categories: Vec<Value> = body
                .pointer("/salesChannels/0/categories")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|category| category.get("categoryCode"))
                .map(|code| json!({"categoryCode": code.as_str().map(str::to_string).unwrap_or_else(|| code.to_string())}))
                .collect();
            let mut warehouses = Map::new();
            for warehouse in data.warehouses.keys() {
                warehouses.insert(
                    warehouse.to_string(),
                    json!({"defaultLocationId": DEFAULT_LOCATION_ID, "overflowLocationId": 0, "reorderLevel": 0, "reorderQuantity": 0}),
                );
            }
            let stock_tracked = body.pointer("/stock/stockTracked").and_then(Value::as_bool).unwrap_or(true);
            let product = json!({
                "id": id,
                "brandId": brand,
                "productTypeId": int_at(body, "/productTypeId").unwrap_or(1),
                "identity": {
                    "sku": text_at(body, "/identity/sku").unwrap_or(""),
                    "barcode": text_at(body, "/identity/barcode").unwrap_or("")
                },
                "featured": false,
                "stock": {"stockTracked": stock_tracked, "weight": {"magnitude": 0.0},
                          "dimensions": {"length": 0.0, "height": 0.0, "width": 0.0, "volume": 0.0}},
                "financialDetails": {
                    "taxable": body.pointer("/financialDetails/taxable").and_then(Value::as_bool).unwrap_or(false),
                    "taxCode": tax
                },
                "salesChannels": [{
                    "salesChannelName": text_at(body, "/salesChannels/0/salesChannelName").unwrap_or("Brightpearl"),
                    "productName": name,
                    "productCondition": "new",
                    "categories": categories,
                    "description": {"languageCode": "en", "text": "", "format": "HTML_FRAGMENT"},
                    "shortDescription": {"languageCode": "en", "text": "", "format": "HTML_FRAGMENT"}
                }],
                "composition": {"bundle": false},
                "createdOn": now,
                "warehouses": warehouses,
                "nominalCodeStock": "1001",
                "nominalCodePurchases": "5000",
                "nominalCodeSales": "4000",
                "seasonIds": [],
                "reporting": {},
                "status": "LIVE",
                "salesPopupMessage": "",
                "warehousePopupMessage": "",
                "version": time::now_millis()
            });
            let lists: Vec<Value> = data
                .price_lists
                .iter()
                .map(|list| json!({"priceListId": list["id"], "currencyCode": list["currencyCode"], "currencyId": list["currencyId"], "quantityPrice": {}}))
                .collect();
            data.prices.insert(id, json!({"productId": id, "priceLists": lists}));
            data.products.insert(id, product);
            if stock_tracked {
                data.stock.insert(id, Default::default());
            }
            events.push(Event::created("product", id));
            Ok(id)
        })
    }

    /// `PUT /product-service/product/{id}`: changes the fields given (brand, identity, sales channel
    /// name and descriptions, tax code, status). Raises `product.modified`.
    pub fn update_product(&self, id: i64, body: &Value) -> ApiResult<()> {
        if !body.is_object() {
            return Err(ApiError::bad_body("You must supply a JSON body"));
        }
        self.write(|data, events| {
            let product = data
                .products
                .get_mut(&id)
                .ok_or_else(|| ApiError::not_found(format!("No product found with id {id}")))?;
            let mut updated = product.clone();
            if let Some(brand) = body.get("brandId") {
                updated["brandId"] = json!(int(brand).ok_or_else(|| ApiError::bad_body("brandId must be an integer"))?);
            }
            for (key, value) in body.get("identity").and_then(Value::as_object).into_iter().flatten() {
                updated["identity"][key] = value.clone();
            }
            if let Some(channel) = body.pointer("/salesChannels/0").and_then(Value::as_object) {
                for (key, value) in channel {
                    updated["salesChannels"][0][key] = value.clone();
                }
            }
            if let Some(tax) = body.pointer("/financialDetails/taxCode") {
                updated["financialDetails"]["taxCode"] = tax.clone();
            }
            if let Some(status) = body.get("status") {
                updated["status"] = status.clone();
            }
            updated["updatedOn"] = json!(time::now());
            updated["version"] = json!(time::now_millis());
            *product = updated;
            events.push(Event::modified("product", id));
            Ok(())
        })
    }

    /// `PUT /product-service/product-price/{id}/price-list`: sets quantity prices on the lists given
    /// (`{"priceLists":[{"priceListId":1,"quantityPrice":{"1":100,"5":450}}]}`).
    pub fn set_product_prices(&self, id: i64, body: &Value) -> ApiResult<()> {
        let lists = body
            .get("priceLists")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::bad_body("priceLists is required"))?;
        self.write(|data, events| {
            let known: Vec<i64> = data.price_lists.iter().filter_map(|list| list["id"].as_i64()).collect();
            let prices = data.prices.get_mut(&id).ok_or_else(|| ApiError::not_found("No Product Prices Found"))?;
            let mut updated = prices.clone();
            for list in lists {
                let list_id = int_at(list, "/priceListId").filter(|id| known.contains(id)).ok_or_else(|| {
                    ApiError::invalid(
                        "PRDC-030",
                        format!("Unknown price list: {}", list.get("priceListId").unwrap_or(&Value::Null)),
                    )
                })?;
                let mut quantity_price = Map::new();
                for (quantity, price) in list.get("quantityPrice").and_then(Value::as_object).into_iter().flatten() {
                    let break_quantity: u32 =
                        quantity.parse().map_err(|_| ApiError::bad_body(format!("{quantity} is not a quantity")))?;
                    let price = decimal(price)
                        .filter(|price| *price >= Decimal::ZERO)
                        .ok_or_else(|| ApiError::bad_body(format!("{price} is not a price")))?;
                    quantity_price.insert(break_quantity.to_string(), json!(fixed(price, 4)));
                }
                let entry = updated["priceLists"]
                    .as_array_mut()
                    .and_then(|entries| entries.iter_mut().find(|entry| entry["priceListId"].as_i64() == Some(list_id)))
                    .ok_or_else(|| ApiError::invalid("PRDC-030", format!("Unknown price list: {list_id}")))?;
                entry["quantityPrice"] = Value::Object(quantity_price);
            }
            *prices = updated;
            events.push(Event::modified("product", id));
            Ok(())
        })
    }

    /// `POST /warehouse-service/warehouse/{id}/stock-correction`: each correction changes a
    /// product's stock by an integer `quantity` (not a level). There is no idempotency: the same
    /// body sent twice corrects twice. Returns the new stock-correction note ids. Raises
    /// `product.modified.on-hand-modified` per product.
    pub fn correct_stock(&self, warehouse_id: i64, body: &Value) -> ApiResult<Vec<i64>> {
        let corrections = body.get("corrections").and_then(Value::as_array).filter(|list| !list.is_empty());
        let corrections =
            corrections.ok_or_else(|| ApiError::bad_body("corrections must be a list of at least one correction"))?;
        self.write(|data, events| {
            if !data.warehouses.contains_key(&warehouse_id) {
                return Err(ApiError::invalid("WHSC-001", format!("Warehouse {warehouse_id} does not exist")));
            }
            // Validate all before changing any, so a refused request changes nothing.
            let mut changes = Vec::new();
            let mut planned: std::collections::BTreeMap<i64, i64> = Default::default();
            for (index, correction) in corrections.iter().enumerate() {
                let quantity = match correction.get("quantity") {
                    Some(Value::Number(number)) => number.as_i64(),
                    _ => None,
                }
                .filter(|quantity| *quantity != 0 && quantity.abs() <= MAX_UNITS)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "WHSC-020",
                        format!("corrections[{index}].quantity must be a non-zero integer change of at most {MAX_UNITS} units"),
                    )
                })?;
                let product_id = int_at(correction, "/productId").ok_or_else(|| {
                    ApiError::invalid("WHSC-021", format!("corrections[{index}].productId is required"))
                })?;
                let tracked = data
                    .products
                    .get(&product_id)
                    .and_then(|p| p.pointer("/stock/stockTracked"))
                    .and_then(Value::as_bool);
                if tracked != Some(true) {
                    return Err(ApiError::invalid(
                        "WHSC-022",
                        format!("Product {product_id} does not exist or is not stock tracked"),
                    ));
                }
                let reason = text_at(correction, "/reason").filter(|reason| !reason.trim().is_empty());
                let reason = reason
                    .ok_or_else(|| ApiError::invalid("WHSC-023", format!("corrections[{index}].reason is required")))?;
                let location = int_at(correction, "/locationId").ok_or_else(|| {
                    ApiError::invalid("WHSC-024", format!("corrections[{index}].locationId is required"))
                })?;
                let cost = correction.get("cost");
                if quantity < 0 && cost.is_some() {
                    return Err(ApiError::invalid("WHSC-025", "A cost is given only when adding stock"));
                }
                let current =
                    stock_of(data, product_id, warehouse_id).in_stock + planned.get(&product_id).copied().unwrap_or(0);
                if current + quantity < 0 {
                    return Err(ApiError::invalid(
                        "WHSC-070",
                        format!("Cannot remove {} of product {product_id}: {current} in stock", -quantity),
                    ));
                }
                *planned.entry(product_id).or_default() += quantity;
                let value = cost.and_then(|cost| cost.get("value")).and_then(decimal).unwrap_or(Decimal::ZERO);
                let currency = cost
                    .and_then(|cost| cost.get("currency"))
                    .and_then(Value::as_str)
                    .unwrap_or(self.currency)
                    .to_string();
                changes.push((product_id, quantity, reason.to_string(), location, value, currency));
            }
            let now = time::now();
            let mut ids = Vec::new();
            for (product_id, quantity, reason, location, value, currency) in changes {
                let id = take(&mut data.next.goods_note);
                data.stock.entry(product_id).or_default().entry(warehouse_id).or_default().in_stock += quantity;
                if quantity > 0 {
                    // Adding stock to an archived product makes it live again.
                    if let Some(product) = data.products.get_mut(&product_id) {
                        product["status"] = json!("LIVE");
                    }
                }
                data.stock_corrections.insert(
                    id,
                    json!({
                        "goodsNoteId": id,
                        "warehouseId": warehouse_id,
                        "reason": reason,
                        "goodsMoved": [{
                            "productId": product_id,
                            "quantity": quantity,
                            "destinationLocationId": location,
                            "productValue": {"currency": currency, "value": fixed(value, 4)},
                            "createdOn": now,
                            "createdBy": STAFF_CONTACT_ID
                        }]
                    }),
                );
                events.push(Event::modified("product", product_id).with_specifier("on-hand-modified"));
                ids.push(id);
            }
            Ok(ids)
        })
    }
}

/// The stock of a product in a warehouse (zero when none was ever kept there).
pub(super) fn stock_of(data: &Data, product_id: i64, warehouse_id: i64) -> Stock {
    data.stock.get(&product_id).and_then(|levels| levels.get(&warehouse_id)).copied().unwrap_or_default()
}
