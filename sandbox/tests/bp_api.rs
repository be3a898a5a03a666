//! bp-sim over HTTP: throttling, auth, ID sets, OPTIONS, searches, multi-message and the CLI.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bp::Sim;
use reqwest::Method;
use sandbox::bp::Config;
use serde_json::{json, Value};

fn ids_of(orders: &Value) -> Vec<i64> {
    orders["response"].as_array().unwrap().iter().map(|order| order["id"].as_i64().unwrap()).collect()
}

#[test]
fn the_request_past_the_limit_gets_503_with_the_headers() {
    assert_eq!(Config::default().rate_limit, 200, "200 a minute unless told otherwise");
    let sim = Sim::start(Config { rate_limit: 200, ..Config::default() });
    for n in 1..=200u32 {
        let response = sim.get("order-service/order/1");
        assert_eq!(response.status(), 200);
        let remaining: u32 = response.headers()["brightpearl-requests-remaining"].to_str().unwrap().parse().unwrap();
        assert_eq!(remaining, 200 - n);
    }
    let refused = sim.get("order-service/order/1");
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["brightpearl-requests-remaining"], "0");
    let period: u64 = refused.headers()["brightpearl-next-throttle-period"].to_str().unwrap().parse().unwrap();
    assert!(period > 0 && period <= 60_000, "{period}");
    assert_eq!(
        refused.json::<Value>().unwrap(),
        json!({"response": "You have sent too many requests. Please wait before sending another request"})
    );
}

#[test]
fn the_window_reopens_after_a_scaled_minute() {
    let sim = Sim::start(Config { rate_limit: 3, time_scale: 600, ..Config::default() });
    for _ in 0..3 {
        assert_eq!(sim.get("order-service/order/1").status(), 200);
    }
    assert_eq!(sim.get("order-service/order/1").status(), 503);
    std::thread::sleep(std::time::Duration::from_millis(120));
    assert_eq!(sim.get("order-service/order/1").status(), 200, "a minute at 600x is 100 ms");
}

#[test]
fn id_sets_ranges_limits_missing_and_order() {
    let sim = Sim::start(Config::default());
    let (status, orders) = sim.get_json("order-service/order/1-5,8,10,99999");
    assert_eq!(status, 200);
    let mut ids = ids_of(&orders);
    assert_ne!(ids, [1, 2, 3, 4, 5, 8, 10], "not in request order");
    ids.sort();
    assert_eq!(ids, [1, 2, 3, 4, 5, 8, 10], "the missing id is dropped");
    assert_eq!(sim.get_json("order-service/order/99999"), (200, json!({"response": []})));
    assert_eq!(ids_of(&sim.get_json("order-service/order/1-200").1).len(), 100);
    let (status, body) = sim.get_json("order-service/order/1-201");
    assert_eq!(status, 400, "{body}");
    assert_eq!(sim.get_json("order-service/order/5-1").0, 400, "descending ranges are invalid");
    assert_eq!(sim.get_json("warehouse-service/order/*/goods-note/goods-out/1-500").0, 200, "500 for goods-out notes");
    assert_eq!(sim.get_json("warehouse-service/order/*/goods-note/goods-out/1-501").0, 400);
    let (status, body) = sim.get_json("contact-service/contact/1");
    assert_eq!((status, body), (404, json!({"errors": [{"code": "CMNC-404", "message": "No Contact Found"}]})));
}

#[test]
fn options_lists_get_uris_of_at_most_200_existing_ids() {
    let sim = Sim::start(Config { orders: 450, ..Config::default() });
    let response = sim.private(Method::OPTIONS, "order-service/order/1-1000,5000").send().unwrap();
    assert_eq!(response.headers()["message-type"], "options-order");
    let body: Value = response.json().unwrap();
    assert_eq!(body, json!({"response": {"getUris": ["/order/1-200", "/order/201-400", "/order/401-450"]}}));
    let body: Value =
        sim.private(Method::OPTIONS, "product-service/product/90000-90010").send().unwrap().json().unwrap();
    assert_eq!(body, json!({"response": {"getUris": []}}));
}

#[test]
fn search_pages_sorts_and_filters() {
    let sim = Sim::start(Config::default());
    let (_, page) = sim.get_json("order-service/order-search?firstResult=11&pageSize=10&sort=orderId.DESC");
    let meta = &page["response"]["metaData"];
    assert_eq!((meta["resultsAvailable"].as_i64(), meta["resultsReturned"].as_i64()), (Some(100), Some(10)));
    assert_eq!((meta["firstResult"].as_i64(), meta["lastResult"].as_i64()), (Some(11), Some(20)));
    assert_eq!(meta["morePagesAvailable"], true);
    let first_ids: Vec<i64> =
        page["response"]["results"].as_array().unwrap().iter().map(|row| row[0].as_i64().unwrap()).collect();
    assert_eq!(first_ids, (81..=90).rev().collect::<Vec<_>>());
    assert_eq!(meta["columns"][0]["name"], "orderId");
    assert_eq!(page["reference"]["orderTypeNames"]["1"], "SALES_ORDER");

    let (_, last) = sim.get_json("order-service/order-search?firstResult=91&pageSize=10");
    assert_eq!(last["response"]["metaData"]["morePagesAvailable"], false);

    // A date range: every row's createdOn within it, and fewer rows than in all.
    let (_, all) = sim.get_json("order-service/order-search?columns=orderId,createdOn");
    let mut dates: Vec<String> =
        all["response"]["results"].as_array().unwrap().iter().map(|row| row[1].as_str().unwrap().to_string()).collect();
    dates.sort_by_key(|date| sandbox::bp::time::parse(date));
    let middle = &dates[50];
    let (_, since) = sim.get_json(&format!("order-service/order-search?createdOn={}/", middle.replace('+', "%2B")));
    let count = since["response"]["metaData"]["resultsAvailable"].as_i64().unwrap();
    assert!(count > 0 && count < 100, "{count}");

    let (status, body) = sim.get_json("order-service/order-search?orderStatusId=BAD%20PARAM");
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"errors": [{"code": "CMNC-018", "message": "The filter orderStatusId=BAD PARAM cannot be parsed as: INTEGER"}]})
    );

    let (_, empty) = sim.get_json("accounting-service/customer-payment-search?orderId=999999");
    assert!(empty["response"]["metaData"].get("firstResult").is_none(), "an empty result has no firstResult");
}

#[test]
fn multi_message_runs_messages_and_reports_each() {
    let sim = Sim::start(Config::default());
    let body = json!({"processingMode": "SEQUENTIAL", "onFail": "STOP", "messages": [
        {"label": "a", "uri": "/order-service/order", "httpMethod": "POST", "body": {"orderTypeCode": "SO", "parties": {"customer": {"contactId": 200}}}},
        {"label": "b", "uri": "/order-service/order", "httpMethod": "POST", "body": {"reference": "no type"}},
        {"label": "c", "uri": "/order-service/order", "httpMethod": "POST", "body": {"orderTypeCode": "SO", "parties": {"customer": {"contactId": 200}}}}
    ]});
    let response = sim.private(Method::POST, "multi-message").json(&body).send().unwrap();
    assert_eq!(response.status(), 207);
    let answer: Value = response.json().unwrap();
    let processed = answer["response"]["processedMessages"].as_array().unwrap();
    assert_eq!(processed.len(), 2);
    assert_eq!(processed[0]["statusCode"], 200);
    let inner: Value = serde_json::from_str(processed[0]["body"]["content"].as_str().unwrap()).unwrap();
    assert!(inner["response"].is_i64(), "the inner body is JSON text: {inner}");
    assert_eq!(processed[1]["statusCode"], 400);
    assert_eq!(answer["response"]["unprocessedMessages"], json!(["c"]));
}

fn token_request(sim: &Sim, form: &[(&str, &str)]) -> (u16, Value) {
    let response = sim.client.post(format!("{}/oauth/token/sandbox", sim.base)).form(form).send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

fn authorize(sim: &Sim, redirect: &str) -> String {
    let client = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = format!(
        "{}/oauth/authorize/sandbox?response_type=code&client_id=sandbox&redirect_uri={redirect}&state=xyz",
        sim.base
    );
    let response = client.get(url).send().unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(redirect) && location.ends_with("&state=xyz"), "{location}");
    location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string()
}

fn bearer_get(sim: &Sim, token: &str) -> reqwest::blocking::Response {
    sim.client
        .get(sim.url("order-service/order/1"))
        .header("brightpearl-app-ref", "sandbox")
        .bearer_auth(token)
        .send()
        .unwrap()
}

#[test]
fn oauth_code_refresh_expiry_and_bad_secrets() {
    // 7 days at 604800x is one second.
    let sim = Sim::start(Config { time_scale: 604_800, ..Config::default() });
    let code = authorize(&sim, "http://localhost/cb");
    let wrong_redirect = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "sandbox"),
        ("redirect_uri", "http://evil/cb"),
    ];
    assert_eq!(
        token_request(&sim, &wrong_redirect),
        (
            400,
            json!({"error_description": "Redirect uri does not match that used to request auth token", "error": "invalid_grant"})
        )
    );
    let bad_secret = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "sandbox"),
        ("client_secret", "nope"),
        ("redirect_uri", "http://localhost/cb"),
    ];
    assert_eq!(token_request(&sim, &bad_secret), (400, json!({"error": "invalid_client"})));
    let good = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "sandbox"),
        ("client_secret", "sandbox-client-secret"),
        ("redirect_uri", "http://localhost/cb"),
    ];
    let (status, tokens) = token_request(&sim, &good);
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["installation_instance_id"].is_string());
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["api_domain"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(tokens["expires_in"], 1, "seven days, scaled");
    assert_eq!(token_request(&sim, &good).1["error"], "invalid_grant", "a code is used once");

    let access = tokens["access_token"].as_str().unwrap();
    let ok = bearer_get(&sim, access);
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["brightpearl-installed-integration-instance-id"], "13");
    let invalid = bearer_get(&sim, "INVALID_STUFF");
    assert_eq!(invalid.status(), 401);
    assert_eq!(invalid.headers()["message-type"], "api-proxy");
    assert!(invalid.headers().get("www-authenticate").is_none());
    assert_eq!(invalid.json::<Value>().unwrap(), json!({"response": "Invalid instance token: INVALID_STUFF"}));

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let expired = bearer_get(&sim, access);
    assert_eq!(expired.status(), 401);
    assert_eq!(expired.json::<Value>().unwrap(), json!({"response": "Authorization token expired"}));

    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ("client_id", "sandbox"),
    ];
    let (status, renewed) = token_request(&sim, &refresh);
    assert_eq!(status, 200, "{renewed}");
    assert!(renewed.get("installation_instance_id").is_none());
    assert_eq!(bearer_get(&sim, renewed["access_token"].as_str().unwrap()).status(), 200);
}

#[test]
fn private_app_headers_and_their_401() {
    let sim = Sim::start(Config::default());
    assert_eq!(sim.get("order-service/order/1").status(), 200);
    for (app_ref, token) in [("sandbox", "wrong"), ("other", "sandbox-dev-token")] {
        let response = sim
            .client
            .get(sim.url("order-service/order/1"))
            .header("brightpearl-app-ref", app_ref)
            .header("brightpearl-account-token", token)
            .send()
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers().contains_key("brightpearl-requests-remaining"));
        assert_eq!(
            response.json::<Value>().unwrap(),
            json!({"response": "Not authenticated. You must provide a valid authentication token."})
        );
    }
}

#[test]
fn the_binary_prints_its_address_first_serves_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bp-sim"))
        .args(["--listen", "localhost:0", "--account-token", "s3cret-token", "--orders", "120"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address =
        line.trim().strip_prefix("bp-sim listening on http://").unwrap_or_else(|| panic!("{line}")).to_string();
    assert!(!address.ends_with(":0"), "the real port: {address}");
    let response = reqwest::blocking::Client::new()
        .get(format!("http://{address}/public-api/sandbox/order-service/order/120"))
        .header("brightpearl-app-ref", "sandbox")
        .header("brightpearl-account-token", "s3cret-token")
        .send()
        .unwrap();
    assert_eq!(response.headers()["brightpearl-requests-remaining"], "199", "200 a minute by default");
    let body: Value = response.json().unwrap();
    assert_eq!(body["response"][0]["id"], 120);

    // The shell's own `kill`: no procps needed.
    let interrupted = Command::new("sh").args(["-c", &format!("kill -INT {}", child.id())]).status().unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit on Ctrl-C: {status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(!rest.contains("s3cret"), "no secret is printed");
}

#[test]
fn contact_gets_page_past_200_or_without_a_set() {
    let sim = Sim::start(Config::default());
    let (status, page) = sim.get_json("contact-service/contact?pageSize=50&firstResult=11&sort=contactId.DESC");
    assert_eq!(status, 200);
    let ids: Vec<i64> = page["response"].as_array().unwrap().iter().map(|c| c["contactId"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 50);
    assert!(ids.windows(2).all(|pair| pair[0] > pair[1]), "descending");
    assert_eq!(page["pagination"]["firstResult"], 11);
    assert_eq!(page["pagination"]["morePagesAvailable"], true);
    assert_eq!(page["sorting"], json!([{"field": "contactId", "direction": "DESC"}]));
    let (_, large) = sim.get_json("contact-service/contact/200-500");
    assert_eq!(large["response"].as_array().unwrap().len(), 200, "a set past 200 is paged");
    assert_eq!(large["pagination"]["morePagesAvailable"], true);
    let (_, small) = sim.get_json("contact-service/contact/200-209");
    assert_eq!(small["response"].as_array().unwrap().len(), 10);
    assert_eq!(small["pagination"]["resultsReturned"], 10);
}

#[test]
fn a_change_is_seen_by_the_next_get() {
    let sim = Sim::start(Config::default());
    let before = sim.get_json("order-service/order/1-3").1;
    assert_eq!(ids_of(&before).len(), 3);
    let (status, patched) = sim.send_json(
        Method::PATCH,
        "order-service/order/2",
        &json!([{"op": "replace", "path": "/reference", "value": "#NEW"}]),
    );
    assert_eq!(status, 200, "{patched}");
    let after = sim.get_json("order-service/order/1-3").1;
    let order = after["response"].as_array().unwrap().iter().find(|o| o["id"] == 2).unwrap().clone();
    assert_eq!(order["reference"], "#NEW");
    assert_eq!(order, patched["response"]);
    let (_, product) = sim.send_json(
        Method::PUT,
        "product-service/product/1001",
        &json!({"salesChannels": [{"productName": "Renamed"}]}),
    );
    assert_eq!(product, json!({}));
    assert_eq!(
        sim.get_json("product-service/product/1001").1["response"][0]["salesChannels"][0]["productName"],
        "Renamed"
    );

    assert_eq!(sim.get_json("order-service/order-search").1["response"]["metaData"]["resultsAvailable"], 100);
    let body = json!({"orderTypeCode": "SO", "reference": "#SEEN", "parties": {"customer": {"contactId": 200}}});
    let (_, created) = sim.send_json(Method::POST, "order-service/order", &body);
    let (_, found) = sim.get_json("order-service/order-search?customerRef=%23SEEN");
    assert_eq!(found["response"]["results"][0][0], created["response"], "searches see new orders");
    assert_eq!(found["response"]["metaData"]["resultsAvailable"], 1);
}

#[test]
fn searches_sort_dates_by_instant_whatever_their_offset() {
    let sim = Sim::start(Config::default());
    let (_, page) = sim.get_json("order-service/order-search?sort=createdOn.DESC&columns=orderId,createdOn");
    let instants: Vec<i64> = page["response"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| sandbox::bp::time::parse(row[1].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(instants.len(), 100);
    assert!(instants.windows(2).all(|pair| pair[0] >= pair[1]), "newest first");
    assert_eq!(page["response"]["metaData"]["sorting"][0]["filterable"]["name"], "createdOn");
    assert_eq!(page["response"]["metaData"]["sorting"][0]["direction"], "DESC");
    let (status, _) = sim.get_json("order-service/order-search?sort=nosuch.ASC");
    assert_eq!(status, 500);
}

#[test]
fn stock_corrections_show_in_availability_and_count_twice_when_sent_twice() {
    let sim = Sim::start(Config::default());
    let on_hand = |sim: &Sim| {
        sim.get_json("warehouse-service/product-availability/1002").1["response"]["1002"]["warehouses"]["2"]["onHand"]
            .as_i64()
            .unwrap()
    };
    let before = on_hand(&sim);
    let body = json!({"corrections": [{"quantity": 7, "productId": 1002, "reason": "Cycle count", "locationId": 2, "cost": {"currency": "USD", "value": 3.5}}]});
    let (status, first) = sim.send_json(Method::POST, "warehouse-service/warehouse/2/stock-correction", &body);
    assert_eq!(status, 200, "{first}");
    assert!(first["response"].as_array().is_some_and(|ids| ids.len() == 1));
    assert_eq!(on_hand(&sim), before + 7);
    sim.send_json(Method::POST, "warehouse-service/warehouse/2/stock-correction", &body);
    assert_eq!(on_hand(&sim), before + 14, "no idempotency: the retry corrects again");
    let note = first["response"][0].as_i64().unwrap();
    let (_, fetched) = sim.get_json(&format!("warehouse-service/warehouse/2/stock-correction/{note}"));
    assert_eq!(fetched["response"][0]["goodsMoved"][0]["quantity"], 7);
    assert_eq!(fetched["response"][0]["reason"], "Cycle count");
    let level = json!({"corrections": [{"quantity": "7", "productId": 1002, "reason": "x", "locationId": 2}]});
    assert_eq!(
        sim.send_json(Method::POST, "warehouse-service/warehouse/2/stock-correction", &level).0,
        400,
        "an integer, not text"
    );
    let (_, untracked) = sim.get_json("warehouse-service/product-availability/99999");
    assert_eq!(untracked, json!({"response": {}}), "unknown products are left out");
}

#[test]
fn malformed_requests_get_json_errors_not_panics() {
    let sim = Sim::start(Config::default());
    let (status, body) = sim.get_json("order-service/order-search?orderId=%FF%FE");
    assert!(status == 400 || status == 500, "{status}");
    assert!(body["errors"][0]["code"].is_string(), "{body}");
    let response = sim.private(Method::POST, "order-service/order").body("{not json").send().unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().unwrap()["errors"][0]["code"], "CMNC-010");
    let (status, body) = sim.send_json(Method::POST, "order-service/order", &json!([1, 2]));
    assert_eq!(status, 400, "{body}");
    let (status, body) = sim.get_json("order-service/nothing-here/1");
    assert_eq!((status, body["errors"][0]["code"].as_str()), (404, Some("CMNC-404")));
    let (status, _) = sim.send_json(Method::PATCH, "order-service/order/1", &json!({"op": "replace"}));
    assert_eq!(status, 400, "a patch body is an array");
    let (status, _) = sim.send_json(Method::PUT, "order-service/order/1/status", &json!({"orderStatusId": "x"}));
    assert_eq!(status, 400);
    let (status, body) =
        sim.send_json(Method::PATCH, "order-service/order/1", &json!([{"op": "replace", "path": "/id", "value": 9}]));
    assert_eq!((status, body["errors"][0]["code"].as_str()), (500, Some("CMNC-044")), "an id is not patched");
    for row in [
        json!({"productName": "x", "quantity": {"magnitude": 1}, "rowValue": {"taxCode": "Q", "rowNet": {"value": 1e-20}, "rowTax": {"value": 1e12}}}),
        json!({"productName": "x", "quantity": {"magnitude": "79228162514264337593543950335"}, "rowValue": {"rowNet": {"value": 1}}}),
        json!({"productName": "x", "quantity": {"magnitude": 1}, "rowValue": {"rowNet": {"value": 1e300}}}),
    ] {
        let (status, body) = sim.send_json(Method::POST, "order-service/order/1/row", &row);
        assert_eq!(status, 400, "{row} -> {body}");
    }
    let tiny_rate =
        json!([{"op": "replace", "path": "/currency/exchangeRate", "value": "0.0000000000000000000000000001"}]);
    assert_eq!(sim.send_json(Method::PATCH, "order-service/order/5", &tiny_rate).0, 200);
    let row = json!({"productName": "x", "quantity": {"magnitude": 1}, "rowValue": {"rowNet": {"value": 1e12}}});
    assert_eq!(sim.send_json(Method::POST, "order-service/order/5/row", &row).0, 200, "no overflow on base values");
    let (status, _) = sim.get_json("order-service/order/abc");
    assert_eq!(status, 400, "not an ID set");
}
