//! The account store: seeding and every change, with the events each one raises.

use sandbox::bp::{Config, Event, Events, Store};
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

fn store() -> (Store, Receiver<Event>) {
    let events = Events::default();
    let rx = events.subscribe();
    (Store::seeded(&Config::default(), events), rx)
}

fn drain(rx: &mut Receiver<Event>) -> Vec<String> {
    std::iter::from_fn(|| rx.try_recv().ok()).map(|event| event.to_string()).collect()
}

#[test]
fn seeds_orders_from_one_with_their_customers_and_products() {
    let (store, mut rx) = store();
    store.read(|data| {
        assert!(data.orders.len() >= 100);
        assert_eq!(data.orders.keys().next(), Some(&1));
        for order in data.orders.values() {
            let customer = order.pointer("/parties/customer/contactId").and_then(Value::as_i64).unwrap();
            assert!(data.contacts.contains_key(&customer), "customer {customer} is seeded");
            for row in order["orderRows"].as_object().unwrap().values() {
                let product = row["productId"].as_i64().unwrap();
                assert!(product == 1000 || data.products.contains_key(&product), "product {product} is seeded");
            }
        }
        assert!(data.warehouses.contains_key(&2) && !data.tax_codes.is_empty() && !data.nominal_codes.is_empty());
        assert!(!data.payments.is_empty(), "paid orders have their payments");
    });
    assert!(drain(&mut rx).is_empty(), "seeding raises no events");
}

#[test]
fn order_changes_raise_their_events() {
    let (store, mut rx) = store();
    let id = store
        .create_order(&json!({"orderTypeCode": "SO", "reference": "#1", "parties": {"customer": {"contactId": 200}}}))
        .unwrap();
    assert_eq!(drain(&mut rx), ["order.created"]);
    let row = store
        .add_order_row(id, &json!({"productId": 1007, "quantity": {"magnitude": 2}, "rowValue": {"taxCode": "T", "rowNet": {"value": 100}}}))
        .unwrap();
    let order = store.read(|data| data.orders[&id].clone());
    assert_eq!(order["orderRows"][row.to_string()]["rowValue"]["rowNet"]["value"], "100.0000");
    assert_eq!(order["orderRows"][row.to_string()]["rowValue"]["rowTax"]["value"], "10.00");
    assert_eq!(order["totalValue"]["total"], "110.00");
    let patched = store
        .patch_order_row(id, row, &json!([{"op": "replace", "path": "/rowValue/rowNet/value", "value": 200}]))
        .unwrap();
    assert_eq!(patched["rowValue"]["rowTax"]["value"], "20.00", "the tax follows the net");
    store.set_order_status(id, 2).unwrap();
    store.invoice_order(id, Some("2024-03-01")).unwrap();
    assert_eq!(
        drain(&mut rx),
        ["order.modified", "order.modified", "order.modified.order-status", "order.modified.order-status"]
    );
    let order = store.read(|data| data.orders[&id].clone());
    assert_eq!(order["invoices"][0]["invoiceReference"], format!("SI-{id}"));
    assert_eq!(order["invoices"][0]["taxDate"], "2024-02-29T18:00:00.000-06:00");

    let error =
        store.create_order(&json!({"orderTypeCode": "PO", "parties": {"customer": {"contactId": 200}}})).unwrap_err();
    assert_eq!(error.body(), json!({"errors": [{"code": "ORDC-022", "message": "Suppllier ID Required."}]}));
    assert_eq!(store.create_order(&json!({"reference": "x"})).unwrap_err().errors[0].0, "ORDC-005");
    assert!(drain(&mut rx).is_empty(), "refused changes raise nothing");
}

#[test]
fn shipping_a_goods_out_note_moves_stock_and_marks_the_order() {
    let (store, mut rx) = store();
    let id = store.create_order(&json!({"orderTypeCode": "SO", "parties": {"customer": {"contactId": 201}}})).unwrap();
    let row = store.add_order_row(id, &json!({"productId": 1010, "quantity": {"magnitude": 3}, "rowValue": {"taxCode": "Z", "rowNet": {"value": 30}}})).unwrap();
    let before = store.read(|data| data.stock[&1010][&2]);
    let body = json!({"warehouses": [{"warehouseId": 2, "products": [{"productId": 1010, "salesOrderRowId": row, "quantity": 3}]}]});
    let note = store.create_goods_out_note(id, &body).unwrap();
    assert!(store.create_goods_out_note(id, &body).is_err(), "the row is already fully on a note");
    drain(&mut rx);
    store
        .add_goods_out_events(
            note,
            &json!({"events": [{"eventCode": "SHW", "occured": "2024-01-01T10:00:00Z", "eventOwnerId": 4}]}),
            None,
        )
        .unwrap();
    let events = drain(&mut rx);
    assert!(events.contains(&"goods-out-note.modified.shipped".to_string()), "{events:?}");
    assert!(events.contains(&"order.modified.fully-shipped".to_string()), "{events:?}");
    assert_eq!(store.read(|data| data.stock[&1010][&2]).in_stock, before.in_stock - 3);
    let stored = store.read(|data| data.goods_out_notes[&note].clone());
    assert_eq!(stored["status"]["printed"], true, "SHW fills in the earlier steps");
    assert!(
        store.add_goods_out_events(note, &json!({"events": [{"eventCode": "PRI"}]}), None).is_err(),
        "nothing after shipping"
    );
    assert_eq!(store.read(|data| data.orders[&id]["shippingStatusCode"].clone()), "ASS");
}

#[test]
fn stock_corrections_are_changes_and_not_idempotent() {
    let (store, mut rx) = store();
    let before = store.read(|data| data.stock[&1001][&2]).in_stock;
    let body = json!({"corrections": [{"quantity": 5, "productId": 1001, "reason": "count", "locationId": 2}]});
    let first = store.correct_stock(2, &body).unwrap();
    let second = store.correct_stock(2, &body).unwrap();
    assert_ne!(first, second);
    assert_eq!(store.read(|data| data.stock[&1001][&2]).in_stock, before + 10, "sent twice, corrected twice");
    assert_eq!(drain(&mut rx), ["product.modified.on-hand-modified", "product.modified.on-hand-modified"]);
    let too_many =
        json!({"corrections": [{"quantity": -(before + 11), "productId": 1001, "reason": "x", "locationId": 2}]});
    assert!(store.correct_stock(2, &too_many).is_err());
    let fractional = json!({"corrections": [{"quantity": 1.5, "productId": 1001, "reason": "x", "locationId": 2}]});
    assert!(store.correct_stock(2, &fractional).is_err());
    let huge = json!({"corrections": [{"quantity": i64::MAX, "productId": 1001, "reason": "x", "locationId": 2}]});
    assert!(store.correct_stock(2, &huge).is_err(), "refused, not overflowed");
    assert_eq!(store.read(|data| data.stock[&1001][&2]).in_stock, before + 10, "refusals change nothing");
}

#[test]
fn payments_are_unique_per_reference_and_method() {
    let (store, _rx) = store();
    let order = store.read(|data| *data.orders.keys().next().unwrap());
    let body = json!({"transactionRef": "T-1", "paymentMethodCode": "CARD", "paymentType": "RECEIPT", "orderId": order, "amountPaid": 1.5, "paymentDate": "2024-01-01"});
    let id = store.create_customer_payment(&body).unwrap();
    assert!(store.create_customer_payment(&body).is_err());
    let payment = store.read(|data| data.payments[&id].clone());
    assert_eq!(payment["amountPaid"], "1.50");
    assert!(payment["journalId"].is_i64(), "a receipt records a journal");
    store.delete_customer_payment(id).unwrap();
    assert!(store.create_customer_payment(&body).is_ok(), "a deleted payment frees its reference");
}

#[test]
fn sales_orders_are_idempotent_on_their_external_reference() {
    let (store, mut rx) = store();
    let body = json!({
        "customer": {"id": 204},
        "ref": "WEB-1",
        "externalRef": "shop-991",
        "installedIntegrationInstanceId": 13,
        "rows": [{"productId": 1003, "quantity": 2, "taxCode": "T", "net": 20, "tax": 2}]
    });
    let id = store.create_sales_order(&body).unwrap();
    assert_eq!(drain(&mut rx), ["sales-order.created", "order.modified"]);
    assert_eq!(store.create_sales_order(&body).unwrap(), id, "the same external reference gives the same order");
    assert!(drain(&mut rx).is_empty());
    let order = store.read(|data| data.orders[&id].clone());
    assert_eq!(order["totalValue"]["total"], "22.00");
    assert_eq!(order["reference"], "WEB-1");
    let bad_row = json!({"customer": {"id": 204}, "rows": [{"quantity": 1, "net": 5}]});
    assert_eq!(store.create_sales_order(&bad_row).unwrap_err().errors[0].0, "ORDC-026");
    assert_eq!(store.read(|data| data.orders.len()), 101, "a refused sales order leaves nothing behind");
}
