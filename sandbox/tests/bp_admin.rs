//! The admin interface: the token, placing orders (generated and given), invoicing, shipping,
//! paying, receiving and editing in bulk, each raising its webhooks at a receiver on loopback.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;
mod webhook_receiver;

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use sandbox::bp::admin::DEFAULT_ADMIN_TOKEN;
use sandbox::bp::{idset, Config};
use sandbox::generate::OrderGenerator;
use serde_json::{json, Value};
use webhook_receiver::Receiver;

const SEEDED_ORDERS: u64 = 20;
const BODY: &str = r#"{"id": "${resource-id}", "event": "${full-event}", "account": "${account-code}", "type": "${resource-type}", "lifecycle": "${lifecycle-event}"}"#;

/// bp-sim with 20 seeded orders on a loopback port.
struct Sim(bp::Sim);

impl Sim {
    fn start() -> Sim {
        Sim::with(Config { orders: SEEDED_ORDERS, time_scale: 10_000, ..Config::default() })
    }

    fn with(config: Config) -> Sim {
        Sim(bp::Sim::start(config))
    }

    fn admin(&self, method: Method, path: &str) -> reqwest::blocking::RequestBuilder {
        self.0.client.request(method, format!("{}{path}", self.0.base)).bearer_auth(DEFAULT_ADMIN_TOKEN)
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self.admin(Method::POST, path).json(body).send().unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    /// Subscribes a webhook that posts `BODY` for `subscribe_to`, with ID sets, through the API.
    fn subscribe(&self, subscribe_to: &str, receiver: &Receiver) {
        let hook = json!({"subscribeTo": subscribe_to, "httpMethod": "POST", "uriTemplate": receiver.url("/hook"),
                          "bodyTemplate": BODY, "contentType": "application/json", "idSetAccepted": true});
        let (status, answer) = self.0.send_json(Method::POST, "integration-service/webhook", &hook);
        assert_eq!(status, 200, "{answer}");
    }

    fn order(&self, id: i64) -> Value {
        self.0.app.store.read(|data| data.orders[&id].clone())
    }

    fn store(&self) -> &sandbox::bp::Store {
        &self.0.app.store
    }
}

/// The order ids of a bulk answer's `done` list.
fn done_ids(answer: &Value) -> Vec<i64> {
    answer["done"].as_array().unwrap().iter().map(|done| done["orderId"].as_i64().unwrap()).collect()
}

/// Every id the receiver was told about for `event`, from the ID sets of its calls.
fn notified(receiver: &Receiver, event: &str) -> BTreeSet<i64> {
    receiver
        .calls()
        .iter()
        .map(|call| serde_json::from_str::<Value>(&call.body).unwrap())
        .filter(|body| body["event"] == event)
        .flat_map(|body| idset::parse(body["id"].as_str().unwrap(), 500).unwrap())
        .collect()
}

/// Waits until the receiver has heard of every id in `ids` for `event`.
fn wait_notified(receiver: &Receiver, event: &str, ids: &[i64]) -> BTreeSet<i64> {
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    for _ in 0..2_000 {
        let heard = notified(receiver, event);
        if wanted.is_subset(&heard) {
            return heard;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    notified(receiver, event)
}

#[test]
fn only_the_admin_token_is_let_in() {
    let sim = Sim::start();
    let url = format!("{}/admin/orders", sim.0.base);
    let no_token = sim.0.client.post(&url).json(&json!({"count": 1})).send().unwrap();
    assert_eq!(no_token.status(), 401);
    assert_eq!(no_token.json::<Value>().unwrap()["errors"][0]["code"], "ADMIN-401");
    let wrong = sim.0.client.post(&url).bearer_auth("sandbox-admin-tokeN").json(&json!({"count": 1})).send().unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(sim.store().read(|data| data.orders.len()), SEEDED_ORDERS as usize, "nothing was placed");
    assert_eq!(sim.post("/admin/orders", &json!({"count": 1})).0, 200);
}

#[test]
fn placed_sales_orders_come_from_the_generator_and_raise_their_webhooks() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe("sales-order.created", &receiver);
    sim.subscribe("order.modified", &receiver);

    let (status, answer) = sim.post("/admin/orders", &json!({"type": "SO", "count": 5}));
    assert_eq!(status, 200, "{answer}");
    let ids = done_ids(&answer);
    assert_eq!(ids, (21..=25).collect::<Vec<i64>>(), "{answer}");
    assert_eq!(answer["failed"], json!([]));
    for id in &ids {
        let order = sim.order(*id);
        assert_eq!(order["orderTypeCode"], "SO");
        assert!(!order["orderRows"].as_object().unwrap().is_empty(), "{order}");
        let customer = order.pointer("/parties/customer/contactId").and_then(Value::as_i64).unwrap();
        assert!(sim.store().read(|data| data.contacts.contains_key(&customer)));
    }
    let (status, fetched) = sim.0.get_json(&format!("order-service/order/{}", ids[0]));
    assert_eq!((status, fetched["response"][0]["id"].as_i64()), (200, Some(ids[0])), "served by the public API");
    // The generator's next orders after the seeded ones, with their references and row amounts.
    let generator = OrderGenerator::new(Config::default().seed);
    for (index, id) in (SEEDED_ORDERS..).zip(&ids) {
        let (generated, placed) = (generator.order(index), sim.order(*id));
        assert_eq!(placed["reference"], generated["reference"]);
        let nets = |order: &Value| -> Vec<Value> {
            let mut nets: Vec<Value> = order["orderRows"]
                .as_object()
                .unwrap()
                .values()
                .map(|row| row["rowValue"]["rowNet"]["value"].clone())
                .collect();
            nets.sort_by_key(|net| net.to_string());
            nets
        };
        assert_eq!(nets(&placed), nets(&generated));
    }

    assert_eq!(wait_notified(&receiver, "sales-order.created", &ids), ids.iter().copied().collect());
    assert!(wait_notified(&receiver, "order.modified", &ids).is_superset(&ids.iter().copied().collect()));
    // Events of one bulk request arrive together: few calls, each an ID set.
    assert!(receiver.calls().len() < 2 * ids.len(), "{:?}", receiver.calls());
}

#[test]
fn given_bodies_are_placed_and_refusals_reported() {
    let sim = Sim::start();
    let orders = json!({"orders": [
        {"customer": {"id": 200}, "ref": "WEB-1", "rows": [{"productId": 1001, "quantity": 2, "taxCode": "T", "net": "20.00", "tax": "2.00"}]},
        {"orderTypeCode": "SO"},
        {"orderTypeCode": "PO", "reference": "PO-7", "parties": {"supplier": {"contactId": 218}},
         "rows": [{"productId": 1002, "quantity": {"magnitude": 4}, "rowValue": {"taxCode": "T", "rowNet": {"value": 8}}}]},
    ]});
    let (status, answer) = sim.post("/admin/orders", &orders);
    assert_eq!(status, 200, "{answer}");
    let ids = done_ids(&answer);
    assert_eq!(ids.len(), 2, "{answer}");
    assert_eq!(sim.order(ids[0])["reference"], "WEB-1");
    assert_eq!(sim.order(ids[1])["orderTypeCode"], "PO");
    assert_eq!(
        answer["failed"],
        json!([{"index": 1, "errors": [{"code": "ORDC-021", "message": "Customer ID Required."}]}])
    );

    for bad in [json!({}), json!({"count": "3"}), json!({"type": "XX", "count": 1}), json!({"orders": {}})] {
        let (status, answer) = sim.post("/admin/orders", &bad);
        assert_eq!((status, answer["errors"][0]["code"].as_str()), (400, Some("ADMIN-400")), "{bad}");
    }
}

#[test]
fn invoice_ship_pay_and_edit_in_bulk() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe("order.modified.order-status", &receiver);
    sim.subscribe("goods-out-note.modified.shipped", &receiver);
    sim.subscribe("order", &receiver);
    let placed = done_ids(&sim.post("/admin/orders", &json!({"count": 3})).1);

    // Invoice by ids, once only.
    let (_, answer) = sim.post("/admin/orders/invoice", &json!({"ids": placed}));
    assert_eq!(done_ids(&answer), placed, "{answer}");
    for id in &placed {
        assert_eq!(sim.order(*id)["state"]["tax"], "INVOICED");
    }
    let heard = wait_notified(&receiver, "order.modified.order-status", &placed);
    assert!(heard.is_superset(&placed.iter().copied().collect()));
    let (_, again) = sim.post("/admin/orders/invoice", &json!({"ids": [placed[0]]}));
    assert_eq!(again["failed"][0]["errors"][0]["code"], "ORDC-030");

    // Ship the placed orders by ID set; each gets a shipped goods-out note.
    let id_set = format!("{}-{}", placed[0], placed[2]);
    let (_, answer) = sim.post("/admin/orders/ship", &json!({"ids": id_set}));
    let shipped: Vec<i64> = done_ids(&answer);
    let notes: Vec<i64> =
        answer["done"].as_array().unwrap().iter().map(|done| done["goodsOutNoteId"].as_i64().unwrap()).collect();
    assert!(!shipped.is_empty(), "{answer}");
    for note in &notes {
        let note = sim.store().read(|data| data.goods_out_notes[note].clone());
        assert_eq!(note["status"]["shipped"], true, "{note}");
    }
    assert_eq!(wait_notified(&receiver, "goods-out-note.modified.shipped", &notes), notes.iter().copied().collect());
    let (_, nothing_left) = sim.post("/admin/orders/ship", &json!({"ids": [shipped[0]]}));
    assert_eq!(nothing_left["failed"][0]["errors"][0]["code"], "WHSC-013");

    // Pay the first two unpaid orders by count: they become PAID.
    let (_, answer) = sim.post("/admin/orders/pay", &json!({"count": 2}));
    let paid = done_ids(&answer);
    assert_eq!(paid.len(), 2, "{answer}");
    for (id, done) in paid.iter().zip(answer["done"].as_array().unwrap()) {
        let order = sim.order(*id);
        assert_eq!(order["orderPaymentStatus"], "PAID");
        assert_eq!(done["amountPaid"], order["totalValue"]["total"]);
    }
    wait_notified(&receiver, "order.modified", &paid);

    // Edit moves the delivery date; a given patch is applied as given.
    let (_, answer) = sim.post("/admin/orders/edit", &json!({"ids": [placed[1]]}));
    assert_eq!(done_ids(&answer), [placed[1]]);
    assert!(sim.order(placed[1]).pointer("/delivery/deliveryDate").is_some());
    let patch = json!([{"op": "replace", "path": "/reference", "value": "CHANGED"}]);
    sim.post("/admin/orders/edit", &json!({"ids": [placed[2]], "patch": patch}));
    assert_eq!(sim.order(placed[2])["reference"], "CHANGED");
    wait_notified(&receiver, "order.modified", &placed[1..]);

    // One order at a time: the answer is the action's own, or the store's refusal and status.
    let (status, answer) = sim.post(&format!("/admin/order/{}/edit", placed[0]), &json!({}));
    assert_eq!((status, answer), (200, json!({"orderId": placed[0]})));
    let (status, answer) = sim.post(&format!("/admin/order/{}/invoice", placed[0]), &json!({}));
    assert_eq!((status, answer["errors"][0]["code"].as_str()), (400, Some("ORDC-030")));
    let (status, answer) = sim.post("/admin/order/999999/pay", &json!({}));
    assert_eq!((status, answer["errors"][0]["code"].as_str()), (400, Some("ORDC-003")));
    assert_eq!(sim.post("/admin/order/x/pay", &json!({})).0, 400);

    let (status, answer) = sim.post("/admin/orders/refund", &json!({"ids": [1]}));
    assert_eq!((status, answer["errors"][0]["code"].as_str()), (404, Some("ADMIN-404")));
    let (status, _) = sim.post("/admin/orders/pay", &json!({"ids": [1], "count": 1}));
    assert_eq!(status, 400);
}

#[test]
fn purchase_orders_are_placed_and_received_into_stock() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe("goods-in-note.created", &receiver);
    sim.subscribe("product.modified.on-hand-modified", &receiver);
    let (_, answer) = sim.post("/admin/orders", &json!({"type": "PO", "count": 4}));
    let orders = done_ids(&answer);
    assert_eq!(orders.len(), 4, "{answer}");
    for id in &orders {
        let order = sim.order(*id);
        assert_eq!(order["orderTypeCode"], "PO");
        let supplier = order.pointer("/parties/supplier/contactId").and_then(Value::as_i64).unwrap();
        let is_supplier =
            sim.store().read(|data| data.contacts[&supplier]["relationshipToAccount"]["isSupplier"].clone());
        assert_eq!(is_supplier, true);
    }

    let stock_before = sim.store().read(|data| data.stock.clone());
    let (_, answer) = sim.post("/admin/orders/receive", &json!({"count": 10}));
    let received = done_ids(&answer);
    let with_rows: Vec<i64> =
        orders.iter().copied().filter(|id| !sim.order(*id)["orderRows"].as_object().unwrap().is_empty()).collect();
    assert_eq!(received, with_rows, "every new PO with product rows, and no seeded order: {answer}");
    let notes: Vec<i64> =
        answer["done"].as_array().unwrap().iter().map(|done| done["goodsInNoteId"].as_i64().unwrap()).collect();
    assert_eq!(wait_notified(&receiver, "goods-in-note.created", &notes), notes.iter().copied().collect());

    // Stock went up by what the notes moved.
    let moved: Vec<(i64, i64, i64)> = sim.store().read(|data| {
        notes
            .iter()
            .flat_map(|note| data.goods_in_notes[note]["goodsMoved"].as_array().unwrap().clone())
            .map(|line| {
                (
                    line["productId"].as_i64().unwrap(),
                    line["warehouseId"].as_i64().unwrap(),
                    line["quantity"].as_i64().unwrap(),
                )
            })
            .collect()
    });
    assert!(!moved.is_empty());
    let stock_after = sim.store().read(|data| data.stock.clone());
    for (product, warehouse, _) in &moved {
        let total: i64 = moved.iter().filter(|m| m.0 == *product && m.1 == *warehouse).map(|m| m.2).sum();
        let before = stock_before.get(product).and_then(|w| w.get(warehouse)).map_or(0, |s| s.in_stock);
        assert_eq!(stock_after[product][warehouse].in_stock, before + total);
    }
    let products: Vec<i64> = moved.iter().map(|m| m.0).collect();
    wait_notified(&receiver, "product.modified.on-hand-modified", &products);
    let (_, again) = sim.post("/admin/orders/receive", &json!({"count": 10}));
    assert_eq!(again, json!({"done": [], "failed": []}), "nothing left to receive");
}

#[test]
fn fault_knobs_are_set_read_and_cleared() {
    let sim = Sim::start();
    let settings = json!({"error_percent": 25, "error_status": 503, "latency_ms": 5, "latency_jitter_ms": 0,
                          "drop_percent": 0, "truncate_percent": 10, "unauthorized_burst": 3, "seed": 9});
    assert_eq!(sim.admin(Method::PUT, "/admin/faults").json(&settings).send().unwrap().status(), 200);
    let got: Value = sim.admin(Method::GET, "/admin/faults").send().unwrap().json().unwrap();
    assert_eq!(got, settings);
    for bad in [json!({"error_percent": 101}), json!({"latency": 5}), json!({"error_status": 200})] {
        let response = sim.admin(Method::PUT, "/admin/faults").json(&bad).send().unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    assert_eq!(sim.admin(Method::DELETE, "/admin/faults").send().unwrap().status(), 200);
    let got: Value = sim.admin(Method::GET, "/admin/faults").send().unwrap().json().unwrap();
    assert_eq!((got["error_percent"].as_u64(), got["unauthorized_burst"].as_u64()), (Some(0), Some(0)));
}

#[test]
fn the_admin_interface_is_neither_throttled_nor_faulted() {
    let sim = Sim::with(Config { orders: SEEDED_ORDERS, rate_limit: 2, ..Config::default() });
    for _ in 0..2 {
        assert_eq!(sim.0.get("order-service/order/1").status(), 200);
    }
    assert_eq!(sim.0.get("order-service/order/1").status(), 503, "the public API is throttled");
    for _ in 0..5 {
        assert_eq!(sim.post("/admin/orders/edit", &json!({"ids": [1]})).0, 200);
    }
    let all_fail = json!({"error_percent": 100, "drop_percent": 0});
    assert_eq!(sim.admin(Method::PUT, "/admin/faults").json(&all_fail).send().unwrap().status(), 200);
    assert_eq!(sim.0.get("order-service/order/1").status(), 500, "the public API is faulted");
    assert_eq!(sim.post("/admin/orders", &json!({"count": 1})).0, 200);
}

#[test]
fn webhook_calls_are_listed() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe("sales-order.created", &receiver);
    let placed = done_ids(&sim.post("/admin/orders", &json!({"count": 2})).1);
    wait_notified(&receiver, "sales-order.created", &placed);
    let answer: Value = sim.admin(Method::GET, "/admin/webhook-calls").send().unwrap().json().unwrap();
    let call = &answer["calls"][0];
    assert_eq!((call["webhookId"].as_i64(), call["httpMethod"].as_str()), (Some(1), Some("POST")));
    assert_eq!(call["uri"], receiver.url("/hook"));
}
