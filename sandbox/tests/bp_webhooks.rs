//! Webhooks: registration and its validation, template rendering, ID sets, and delivery with the
//! retries each quality of service allows, against a receiver on loopback.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;
mod webhook_receiver;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Method;
use sandbox::bp::webhooks::delivery::{CallRecord, CallState, RETRY_DELAYS};
use sandbox::bp::{idset, Config, Event};
use serde_json::{json, Value};
use webhook_receiver::{refusing_addr, Receiver};

/// Retries run 10 000 times faster: the longest wait, an hour, takes 360 ms.
const TIME_SCALE: u32 = 10_000;

const STANDARD_BODY: &str = r#"{ "accountCode": "${account-code}", "resourceType": "${resource-type}", "id": "${resource-id}", "lifecycleEvent": "${lifecycle-event}", "fullEvent": "${full-event}", "raisedOn": "${raised-on}", "brightpearlVersion": "${brightpearl-version}" }"#;

/// bp-sim on a loopback port, with the webhook endpoints as a private app calls them.
struct Sim(bp::Sim);

impl Sim {
    fn start() -> Sim {
        Sim(bp::Sim::start(Config { time_scale: TIME_SCALE, ..Config::default() }))
    }

    fn url(&self, path: &str) -> String {
        self.0.url(&format!("integration-service/webhook{path}"))
    }

    fn call(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let request = self.0.private(method, &format!("integration-service/webhook{path}"));
        let response = match body {
            Some(body) => request.json(body),
            None => request,
        }
        .send()
        .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body))
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None)
    }

    fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, None)
    }

    /// Raises an event as a change in the account would.
    fn publish(&self, event: Event) {
        self.0.app.store.events().publish(event);
    }

    /// Registers a webhook and returns its id.
    fn subscribe(&self, body: Value) -> i64 {
        let (status, answer) = self.post("", &body);
        assert_eq!(status, 200, "{answer}");
        answer["response"].as_i64().unwrap()
    }

    /// Waits until every call made so far is delivered or given up (up to 10 s).
    fn settled_calls(&self) -> Vec<CallRecord> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let calls = self.0.app.webhooks.calls();
            if calls.iter().all(|call| call.state != CallState::Pending) || Instant::now() > deadline {
                return calls;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn post_hook(subscribe_to: &str, uri: &str, id_set_accepted: bool, qos: u8) -> Value {
    json!({"subscribeTo": subscribe_to, "httpMethod": "POST", "uriTemplate": uri, "bodyTemplate": STANDARD_BODY,
           "contentType": "application/json", "idSetAccepted": id_set_accepted, "qualityOfService": qos})
}

/// A recorded sample, when the shared fixtures are present.
fn fixture(name: &str) -> Option<Value> {
    let shared = std::env::var_os("MAP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join("fixtures/brightpearl").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(_) => {
            println!("skipping the comparison with {name}: {} is absent", path.display());
            None
        }
    }
}

#[test]
fn refusals_carry_brightpearls_codes_and_messages() {
    let sim = Sim::start();
    // No template variables and a lifecycle the resource lacks: every problem at once, as recorded.
    let (status, body) = sim.post(
        "",
        &json!({"subscribeTo": "goods-in-note.destroyed", "httpMethod": "POST", "uriTemplate": "http://example.com/hook",
                "bodyTemplate": "{}", "contentType": "application/json"}),
    );
    assert_eq!(status, 400);
    let recorded = json!({"errors": [
        {"code": "INTC-057", "message": "templateUri OR templateBody (for POST/PUT) must contatin the template variable ${lifecycle-event}"},
        {"code": "INTC-057", "message": "templateUri OR templateBody (for POST/PUT) must contatin the template variable ${account-code}"},
        {"code": "INTC-057", "message": "templateUri OR templateBody (for POST/PUT) must contatin the template variable ${resource-type}"},
        {"code": "INTC-062", "message": "destroyed is not a valid lifecycle"}]});
    assert_eq!(body, recorded);
    if let Some(fixture) = fixture("legacy2014_webhook_post_error_400.json") {
        assert_eq!(body, fixture);
    }

    let (status, body) = sim.post("", &post_hook("invalid-resource", "http://example.com/hook", true, 1));
    assert_eq!(status, 400);
    let recorded = json!({"errors": [{"code": "INTC-064", "message": "invalid-resource either does not exist or cannot be subscribed too"}]});
    assert_eq!(body, recorded);
    if let Some(fixture) = fixture("webhook_post_error_invalid_subscription_400.json") {
        assert_eq!(body, fixture);
    }

    // A variable only in the body of a GET webhook does not count: GET sends no body.
    let (status, body) = sim.post(
        "",
        &json!({"subscribeTo": "product", "httpMethod": "GET", "uriTemplate": "http://example.com/${account-code}/${resource-type}",
                "bodyTemplate": "${lifecycle-event}", "contentType": "text/plain"}),
    );
    assert_eq!((status, body["errors"][0]["code"].as_str()), (400, Some("INTC-057")));
    assert_eq!(body["errors"].as_array().unwrap().len(), 1);

    // The fields Brightpearl requires, and their values.
    let valid = post_hook("product", "http://example.com/hook", true, 1);
    let cases: [(&str, Value, &str); 7] = [
        ("httpMethod", json!("PATCH"), "httpMethod must be one of GET, POST, PUT or DELETE"),
        ("httpMethod", Value::Null, "httpMethod is required"),
        ("subscribeTo", json!(""), "subscribeTo is required"),
        ("bodyTemplate", Value::Null, "bodyTemplate is required for POST and PUT"),
        ("contentType", Value::Null, "contentType is required for POST and PUT"),
        ("qualityOfService", json!(2), "qualityOfService must be 0 or 1"),
        ("idSetAccepted", json!("yes"), "idSetAccepted must be true or false"),
    ];
    for (field, value, message) in cases {
        let mut request = valid.clone();
        request[field] = value;
        let (status, body) = sim.post("", &request);
        assert_eq!(status, 400, "{field}");
        assert_eq!(body["errors"][0], json!({"code": "CMNC-010", "message": message}), "{field}");
    }

    for raw in ["", "{not json"] {
        let response = sim.0.private(Method::POST, "integration-service/webhook").body(raw).send().unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.json::<Value>().unwrap()["errors"][0]["code"], "CMNC-010");
    }
    assert_eq!(sim.get("").1, json!({"response": []}), "nothing refused was registered");
}

#[test]
fn create_list_get_and_delete() {
    let sim = Sim::start();
    let request = post_hook("goods-in-note.created", "https://example.com/endpoint/to/receive/webhooks", true, 1);
    let response = sim.0.private(Method::POST, "integration-service/webhook").json(&request).send().unwrap();
    assert_eq!(response.headers()["message-type"], "post-webhook");
    assert_eq!(response.json::<Value>().unwrap(), json!({"response": 1}));
    let get_hook = json!({"subscribeTo": "product", "httpMethod": "GET",
                          "uriTemplate": "http://example.com/${account-code}/${resource-type}/${resource-id}/${lifecycle-event}"});
    assert_eq!(sim.post("", &get_hook).1, json!({"response": 2}));

    // Stored as given, with its id; a GET webhook has no body fields, defaults are filled in.
    let mut first = request.clone();
    first["id"] = json!(1);
    let mut second = get_hook.clone();
    second["id"] = json!(2);
    second["idSetAccepted"] = json!(false);
    second["qualityOfService"] = json!(0);
    assert_eq!(sim.get(""), (200, json!({"response": [first, second]})));
    assert_eq!(sim.get("/2").1["response"][0], second);
    assert_eq!(sim.get("/1-5").1["response"].as_array().unwrap().len(), 2);
    if let Some(fixture) = fixture("webhook_get.json") {
        let keys = |hook: &Value| hook.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        let mut recorded = keys(&fixture["response"][0]);
        let mut ours = keys(&first);
        recorded.sort();
        ours.sort();
        assert_eq!(ours, recorded);
    }

    let missing_get = json!({"errors": [{"code": "CMNC-404", "message": "No webhooks available in ID Set 99999"}]});
    assert_eq!(sim.get("/99999"), (404, missing_get));
    let missing_delete = json!({"errors": [{"code": "CMNC-404", "message": "Cannot find webhook: 99999"}]});
    assert_eq!(sim.delete("/99999"), (404, missing_delete));

    let response = sim.0.private(Method::DELETE, "integration-service/webhook/1").send().unwrap();
    assert_eq!(response.headers()["message-type"], "webhook-delete");
    assert_eq!(response.json::<Value>().unwrap(), json!({}));
    assert_eq!(sim.delete("/1").0, 404);
    let (status, body) = sim.call(Method::PUT, "/2", Some(&get_hook));
    assert_eq!(status, 404);
    assert_eq!(
        body["errors"][0],
        json!({"code": "CMNC-404", "message": "No resource at PUT integration-service/webhook/2"})
    );
    assert_eq!(sim.get("").1["response"].as_array().unwrap().len(), 1);
    // Ids are never reused.
    assert_eq!(sim.post("", &request).1, json!({"response": 3}));
}

#[test]
fn every_template_variable_is_rendered() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe(post_hook("order.modified.order-status", &receiver.url("/hooks?token=s3cret"), true, 1));
    sim.subscribe(json!({"subscribeTo": "order", "httpMethod": "GET",
        "uriTemplate": receiver.url("/get/${account-code}/${resource-type}/${resource-id}/${lifecycle-event}?s=${resource-specifier}&e=${full-event}&v=${brightpearl-version}")}));
    sim.publish(Event::modified("order", 5906).with_specifier("order-status"));

    let calls = receiver.wait_for(2);
    assert_eq!(calls.len(), 2);
    let post = calls.iter().find(|call| call.method == "POST").unwrap();
    assert_eq!(post.uri, "/hooks?token=s3cret");
    assert_eq!(post.headers["content-type"], "application/json");
    assert!(post.headers.get("authorization").is_none(), "webhooks are not authenticated");
    let body: Value = serde_json::from_str(&post.body).unwrap();
    let raised_on = body["raisedOn"].as_str().unwrap().to_string();
    assert_eq!(
        body,
        json!({"accountCode": "sandbox", "resourceType": "order", "id": "5906", "lifecycleEvent": "modified",
               "fullEvent": "order.modified.order-status", "raisedOn": raised_on, "brightpearlVersion": "4.95.2647"})
    );
    // ISO 8601 UTC with milliseconds: 2022-09-19T10:20:41.691Z.
    let shape: String = raised_on.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    assert_eq!(shape, "9999-99-99T99:99:99.999Z");
    if let Some(fixture) = fixture("webhook_payload_order_modified_order_status.json") {
        let keys = |value: &Value| value.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&body), keys(&fixture));
    }

    let get = calls.iter().find(|call| call.method == "GET").unwrap();
    assert_eq!(get.uri, "/get/sandbox/order/5906/modified?s=order-status&e=order.modified.order-status&v=4.95.2647");
    assert!(get.body.is_empty());
}

#[test]
fn id_sets_gather_events_that_arrive_together() {
    let sim = Sim::start();
    let gathered = Receiver::start();
    let single = Receiver::start();
    sim.subscribe(post_hook("product", &gathered.url("/set"), true, 0));
    sim.subscribe(post_hook("product.modified", &single.url("/one/${resource-id}"), false, 0));
    for id in [9, 1, 3, 2, 5] {
        sim.publish(Event::modified("product", id));
    }
    sim.publish(Event::created("goods-in-note", 77));

    let mut uris: Vec<String> = single.wait_for(5).into_iter().map(|call| call.uri).collect();
    uris.sort();
    assert_eq!(uris, ["/one/1", "/one/2", "/one/3", "/one/5", "/one/9"]);

    gathered.wait_for(1);
    let settled = sim.settled_calls();
    let sets: Vec<String> = gathered
        .calls()
        .iter()
        .map(|call| serde_json::from_str::<Value>(&call.body).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    let heard: BTreeSet<i64> = sets.iter().flat_map(|set| idset::parse(set, 200).unwrap()).collect();
    assert_eq!(heard, BTreeSet::from([1, 2, 3, 5, 9]));
    // One call with the whole set; two only if the publisher stalled between two events for
    // longer than the gathering window.
    assert!(sets == ["1-3,5,9"] || sets.len() == 2, "{sets:?}");
    assert_eq!(settled.len(), 5 + sets.len(), "no call for the goods-in note");
}

#[test]
fn order_creation_fires_order_modified() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    sim.subscribe(post_hook("order.modified", &receiver.url("/orders"), true, 0));
    sim.publish(Event::created("order", 41));
    let calls = receiver.wait_for(1);
    let body: Value = serde_json::from_str(&calls[0].body).unwrap();
    assert_eq!((body["id"].as_str(), body["fullEvent"].as_str()), (Some("41"), Some("order.modified")));
}

/// Subscribes a webhook with `qos` to a receiver answering `script` (or to a closed port), raises
/// one event, and returns the calls the receiver saw and the final record of the call.
fn deliver_once(qos: u8, script: Option<&[u16]>) -> (usize, CallRecord) {
    let sim = Sim::start();
    let (receiver, url) = match script {
        Some(script) => {
            let receiver = Receiver::answering(script);
            let url = receiver.url("/hook");
            (Some(receiver), url)
        }
        None => (None, format!("http://{}/hook", refusing_addr())),
    };
    sim.subscribe(post_hook("product", &url, true, qos));
    sim.publish(Event::created("product", 1));
    // The call is logged once the event is dispatched; wait for it to appear, then to settle.
    let deadline = Instant::now() + Duration::from_secs(10);
    while sim.0.app.webhooks.calls().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let calls = sim.settled_calls();
    assert_eq!(calls.len(), 1);
    let received = receiver.map_or(0, |receiver| receiver.calls().len());
    (received, calls[0].clone())
}

#[test]
fn qos_0_retries_only_a_503() {
    let (received, call) = deliver_once(0, Some(&[503, 503]));
    assert_eq!((received, call.attempts, call.state, call.last_status), (3, 3, CallState::Delivered, Some(200)));

    let (received, call) = deliver_once(0, Some(&[500]));
    assert_eq!((received, call.attempts, call.state, call.last_status), (1, 1, CallState::GivenUp, Some(500)));

    let (received, call) = deliver_once(0, Some(&[404]));
    assert_eq!((received, call.attempts, call.state), (1, 1, CallState::GivenUp));

    let (_, call) = deliver_once(0, None);
    assert_eq!((call.attempts, call.state, call.last_status), (1, CallState::GivenUp, None));
    assert!(call.last_error.is_some());
}

#[test]
fn qos_1_retries_everything_but_a_4xx() {
    let (received, call) = deliver_once(1, Some(&[500, 503, 502]));
    assert_eq!((received, call.attempts, call.state), (4, 4, CallState::Delivered));

    let (received, call) = deliver_once(1, Some(&[404]));
    assert_eq!((received, call.attempts, call.state, call.last_status), (1, 1, CallState::GivenUp, Some(404)));

    let (received, call) = deliver_once(1, Some(&[500; 20]));
    let attempts = RETRY_DELAYS.len() + 1;
    assert_eq!((received, call.attempts as usize, call.state), (attempts, attempts, CallState::GivenUp));

    let (_, call) = deliver_once(1, None);
    assert_eq!((call.attempts as usize, call.state), (attempts, CallState::GivenUp));
    assert!(call.last_error.as_deref().unwrap_or_default().contains("connect"), "{call:?}");
}

#[test]
fn simulate_sends_test_data_per_id_or_as_one_set() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    let single = sim.subscribe(post_hook("product", &receiver.url("/one/${resource-id}"), false, 0));
    let gathered = sim.subscribe(post_hook("product", &receiver.url("/set"), true, 0));
    let test_data = json!({"testData": {"${account-code}": "myAccount", "${resource-id}": "1-3,99",
                                        "${lifecycle-event}": "modified", "${resource-specifier}": "on-hand-modified",
                                        "${raised-on}": "2012-01-01T01:01:01Z"}});
    assert_eq!(sim.post(&format!("/{single}/simulate"), &test_data), (200, json!({})));
    assert_eq!(sim.post(&format!("/{gathered}/simulate"), &test_data), (200, json!({})));

    let calls = receiver.wait_for(5);
    let mut uris: Vec<&str> = calls.iter().map(|call| call.uri.as_str()).collect();
    uris.sort();
    assert_eq!(uris, ["/one/1", "/one/2", "/one/3", "/one/99", "/set"]);
    let set: Value = serde_json::from_str(&calls.iter().find(|call| call.uri == "/set").unwrap().body).unwrap();
    assert_eq!(
        (&set["accountCode"], &set["id"], &set["resourceType"], &set["raisedOn"]),
        (&json!("myAccount"), &json!("1-3,99"), &json!("product"), &json!("2012-01-01T01:01:01Z"))
    );

    let too_many = json!({"testData": {"${resource-id}": "1-11"}});
    let (status, body) = sim.post(&format!("/{single}/simulate"), &too_many);
    assert_eq!((status, body["errors"][0]["code"].as_str()), (400, Some("CMNC-010")));
    assert_eq!(sim.post("/99999/simulate", &test_data).0, 404);
}

#[test]
fn the_webhook_endpoints_sit_behind_the_api_gate() {
    let sim = Sim::start();
    let anonymous = reqwest::blocking::get(sim.url("")).unwrap();
    assert_eq!(anonymous.status(), 401);
    let answered = sim.0.private(Method::GET, "integration-service/webhook").send().unwrap();
    assert_eq!(answered.status(), 200);
    for header in ["brightpearl-requests-remaining", "brightpearl-next-throttle-period", "ruid"] {
        assert!(answered.headers().contains_key(header), "{header}");
    }
    let other_account = sim.url("").replace("/sandbox/", "/elsewhere/");
    let response = sim
        .0
        .client
        .get(other_account)
        .header("brightpearl-app-ref", "sandbox")
        .header("brightpearl-account-token", "sandbox-dev-token")
        .send()
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[test]
fn changes_through_the_api_fire_webhooks() {
    let sim = Sim::start();
    let receiver = Receiver::start();
    for topic in
        ["sales-order.created", "order.modified.order-status", "goods-out-note", "order.modified.fully-shipped"]
    {
        sim.subscribe(post_hook(topic, &receiver.url(&format!("/{topic}")), true, 1));
    }
    let api = &sim.0;
    let (status, created) = api.send_json(
        Method::POST,
        "order-service/sales-order",
        &json!({"customer": {"id": 200}, "ref": "HOOK-1",
                "rows": [{"productId": 1001, "quantity": 2, "taxCode": "T", "net": "20.00", "tax": "2.00"}]}),
    );
    assert_eq!(status, 200, "{created}");
    let order = created["response"].as_i64().unwrap();
    assert_eq!(
        api.send_json(Method::PUT, &format!("order-service/order/{order}/status"), &json!({"orderStatusId": 2})).0,
        200
    );
    let (_, fetched) = api.get_json(&format!("order-service/order/{order}"));
    let row: i64 = fetched["response"][0]["orderRows"].as_object().unwrap().keys().next().unwrap().parse().unwrap();
    let (status, note) = api.send_json(
        Method::POST,
        &format!("warehouse-service/order/{order}/goods-note/goods-out"),
        &json!({"warehouses": [{"warehouseId": 2, "products": [{"productId": 1001, "salesOrderRowId": row, "quantity": 2}]}]}),
    );
    assert_eq!(status, 200, "{note}");
    let note = note["response"].as_i64().unwrap();
    let shipped = json!({"events": [{"eventCode": "SHW", "occured": "2024-05-01T10:00:00.000Z", "eventOwnerId": 4}]});
    let (status, answer) =
        api.send_json(Method::POST, &format!("warehouse-service/goods-note/goods-out/{note}/event"), &shipped);
    assert_eq!(status, 200, "{answer}");

    let expected = [
        ("/sales-order.created", "sales-order.created", order),
        ("/order.modified.order-status", "order.modified.order-status", order),
        ("/goods-out-note", "goods-out-note.created", note),
        ("/goods-out-note", "goods-out-note.modified.shipped", note),
        ("/order.modified.fully-shipped", "order.modified.fully-shipped", order),
    ];
    let deadline = Instant::now() + Duration::from_secs(10);
    let heard = |calls: &[webhook_receiver::Received]| -> Vec<(String, String, String)> {
        calls
            .iter()
            .map(|call| {
                let body: Value = serde_json::from_str(&call.body).unwrap();
                (
                    call.uri.clone(),
                    body["fullEvent"].as_str().unwrap().to_string(),
                    body["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(uri, event, id)| (uri.to_string(), event.to_string(), id.to_string())).collect();
    let mut calls = heard(&receiver.calls());
    while !expected.iter().all(|call| calls.contains(call)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        calls = heard(&receiver.calls());
    }
    for call in &expected {
        assert!(calls.contains(call), "{call:?} in {calls:?}");
    }
}
