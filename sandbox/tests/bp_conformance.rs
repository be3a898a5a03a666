//! Shape conformance: for every real Brightpearl response among the shared fixtures, bp-sim's
//! answer to the same request has the same field names, types and nesting, and is accepted by the
//! project's Brightpearl schema.
//!
//! [`CASES`] maps each fixture to the request that produced it (with any setup the request
//! needs); [`SKIPPED`] lists, with a reason, the fixtures that are not answers to a request. A
//! fixture in neither table fails the test.
//!
//! The comparison walks both trees: objects must have the real one's keys, except keys the schema
//! lets be absent (found by removing the key from the real sample and validating it again);
//! arrays compare the shape of their elements (position by position for search rows); objects
//! keyed by ids compare the shape of their values; scalars must be of the same JSON type, a null
//! on either side standing for an empty cell.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;

use std::fs;
use std::path::{Path, PathBuf};

use bp::Sim;
use mapc::schema::parse::parse_type_expr;
use mapc::schema::validate::validate;
use mapc::schema::Registry;
use reqwest::Method;
use sandbox::bp::Config;
use serde_json::{json, Value};

/// A simulator answer.
struct Answer {
    status: u16,
    body: Value,
}

/// What a case runs against: the simulator and the fixture folder (for request bodies).
struct Ctx<'a> {
    sim: &'a Sim,
    fixtures: &'a Path,
}

impl Ctx<'_> {
    fn fixture(&self, name: &str) -> Value {
        let text = fs::read_to_string(self.fixtures.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None)
    }

    fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.sim.private(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        Answer { status: response.status().as_u16(), body: response.json().unwrap_or(Value::Null) }
    }

    fn id(&self, answer: Answer) -> i64 {
        answer.body["response"].as_i64().unwrap_or_else(|| panic!("expected a new id, got {}", answer.body))
    }

    /// An order of the seeded account picked by `pick`.
    fn order_where(&self, pick: impl Fn(&Value) -> bool) -> i64 {
        self.sim
            .app
            .store
            .read(|data| data.orders.values().find(|o| pick(o)).and_then(|o| o["id"].as_i64()))
            .expect("the seeded account has such an order")
    }

    /// A new sales order with one product row, shipped on one goods-out note: (order, note).
    fn shipped_order(&self) -> (i64, i64) {
        let body = json!({"orderTypeCode": "SO", "reference": "#0001", "parties": {"customer": {"contactId": 200}}});
        let order = self.id(self.send(Method::POST, "order-service/order", Some(body)));
        let row_body = json!({"productId": 1010, "quantity": {"magnitude": 1}, "rowValue": {"taxCode": "T", "rowNet": {"value": 9.5}}});
        let row = self.id(self.send(Method::POST, &format!("order-service/order/{order}/row"), Some(row_body)));
        let note_body = json!({"warehouses": [{"warehouseId": 2, "products": [{"productId": 1010, "salesOrderRowId": row, "quantity": 1}]}]});
        let note = self.id(self.send(
            Method::POST,
            &format!("warehouse-service/order/{order}/goods-note/goods-out"),
            Some(note_body),
        ));
        let event =
            json!({"events": [{"eventCode": "SHW", "occured": "2025-11-04T10:41:38.000-06:00", "eventOwnerId": 4}]});
        let shipped =
            self.send(Method::POST, &format!("warehouse-service/goods-note/goods-out/{note}/event"), Some(event));
        assert_eq!(shipped.status, 200, "{}", shipped.body);
        (order, note)
    }

    fn token(&self, form: &[(&str, &str)]) -> Answer {
        let response =
            self.sim.client.post(format!("{}/oauth/token/sandbox", self.sim.base)).form(form).send().unwrap();
        Answer { status: response.status().as_u16(), body: response.json().unwrap() }
    }

    fn code(&self, redirect: &str) -> String {
        let client = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let url = format!(
            "{}/oauth/authorize/sandbox?response_type=code&client_id=sandbox&redirect_uri={redirect}",
            self.sim.base
        );
        let location = client.get(url).send().unwrap().headers()["location"].to_str().unwrap().to_string();
        location.split("code=").nth(1).unwrap().to_string()
    }
}

/// One fixture: the schema type of the body (`envelope`: of its `response`), the status the
/// simulator must answer with, and the request.
struct Case {
    fixture: &'static str,
    ty: &'static str,
    envelope: bool,
    status: u16,
    run: fn(&Ctx) -> Answer,
}

const fn case(fixture: &'static str, ty: &'static str, status: u16, run: fn(&Ctx) -> Answer) -> Case {
    Case { fixture, ty, envelope: true, status, run }
}

/// A whole-body case (error bodies, OAuth answers).
const fn bare(fixture: &'static str, ty: &'static str, status: u16, run: fn(&Ctx) -> Answer) -> Case {
    Case { fixture, ty, envelope: false, status, run }
}

const ORDERS: &str = "list<brightpearl.Order>";
const ERROR: &str = "brightpearl.ErrorResponse";

const CASES: &[Case] = &[
    // Orders
    case("order_get_so_invoiced.json", ORDERS, 200, |c| {
        let id = c.order_where(|o| o.pointer("/state/tax") == Some(&json!("INVOICED")));
        c.get(&format!("order-service/order/{id}"))
    }),
    case("order_get_so_with_custom_fields.json", ORDERS, 200, |c| {
        let ops = json!([{"op": "add", "path": "/PCF_CHANNEL", "value": "DEMO Number"}]);
        c.send(Method::PATCH, "order-service/order/2/custom-field", Some(ops));
        c.get("order-service/order/2?includeOptional=customFields")
    }),
    case("order_get_po.json", ORDERS, 200, |c| {
        let po = c.id(c.send(Method::POST, "order-service/order", Some(c.fixture("order_post_po_request.json"))));
        let row = json!({"productId": 1007, "quantity": {"magnitude": 10}, "rowValue": {"taxCode": "Z", "rowNet": {"value": 50}}});
        c.send(Method::POST, &format!("order-service/order/{po}/row"), Some(row));
        c.get(&format!("order-service/order/{po}"))
    }),
    case("order_get_not_found_empty.json", ORDERS, 200, |c| c.get("order-service/order/999999")),
    case("order_patch_response.json", "brightpearl.Order", 200, |c| {
        c.send(Method::PATCH, "order-service/order/3", Some(c.fixture("order_patch_request.json")))
    }),
    bare("order_patch_error_invalid_op_500.json", ERROR, 500, |c| {
        c.send(
            Method::PATCH,
            "order-service/order/3",
            Some(json!([{"op": "add", "path": "/reference", "value": "#X"}])),
        )
    }),
    case("order_options_getUris.json", "brightpearl.OptionsGetUris", 200, |c| {
        c.send(Method::OPTIONS, "order-service/order/1-1000", None)
    }),
    case("order_search.json", "brightpearl.OrderSearchResult", 200, |c| c.get("order-service/order-search")),
    bare("order_search_error_bad_filter_500.json", ERROR, 500, |c| {
        c.get("order-service/order-search?orderStatusId=BAD%20PARAM")
    }),
    case("order_post_so_response.json", "int64", 200, |c| {
        c.send(Method::POST, "order-service/order", Some(c.fixture("order_post_so_request.json")))
    }),
    bare("order_post_error_no_order_type.json", ERROR, 400, |c| {
        c.send(
            Method::POST,
            "order-service/order",
            Some(json!({"reference": "#0001", "parties": {"customer": {"contactId": 200}}})),
        )
    }),
    bare("order_post_error_invalid_order_type.json", ERROR, 400, |c| {
        let body = json!({"orderTypeCode": "XX", "parties": {"customer": {"contactId": 200}}});
        c.send(Method::POST, "order-service/order", Some(body))
    }),
    bare("order_post_error_supplier_required.json", ERROR, 400, |c| {
        let body = json!({"orderTypeCode": "PO", "parties": {"customer": {"contactId": 418}}});
        c.send(Method::POST, "order-service/order", Some(body))
    }),
    case("order_row_post_response.json", "int64", 200, |c| {
        c.send(Method::POST, "order-service/order/4/row", Some(c.fixture("order_row_post_request.json")))
    }),
    case("order_row_patch_response.json", "brightpearl.OrderRow", 200, |c| {
        let row =
            c.id(c.send(Method::POST, "order-service/order/4/row", Some(c.fixture("order_row_post_request.json"))));
        c.send(
            Method::PATCH,
            &format!("order-service/order/4/row/{row}"),
            Some(c.fixture("order_row_patch_request.json")),
        )
    }),
    bare("legacy2014_order_row_post_error_400.json", ERROR, 400, |c| {
        c.send(
            Method::POST,
            "order-service/order/123456/row",
            Some(c.fixture("legacy2014_order_row_post_request.json")),
        )
    }),
    case("order_status_get.json", "list<brightpearl.OrderStatus>", 200, |c| c.get("order-service/order-status/1")),
    case("order_shipping_status_get.json", "list<brightpearl.OrderShippingStatus>", 200, |c| {
        c.get("order-service/order-shipping-status")
    }),
    case("order_custom_field_metadata_get.json", "list<brightpearl.OrderCustomFieldMetadata>", 200, |c| {
        c.get("order-service/sale/custom-field-meta-data")
    }),
    case("order_custom_field_patch_response.json", "brightpearl.OrderCustomFields", 200, |c| {
        let ops = json!([{"op": "add", "path": "/PCF_ZONE", "value": {"id": 64}}, {"op": "add", "path": "/PCF_CHANNEL", "value": "Team A"}]);
        c.send(Method::PATCH, "order-service/order/5/custom-field", Some(ops))
    }),
    // Contacts and postal addresses
    case("contact_get.json", "list<brightpearl.Contact>", 200, |c| c.get("contact-service/contact/200")),
    case("contact_get_java_fixture.json", "list<brightpearl.Contact>", 200, |c| c.get("contact-service/contact/201")),
    bare("contact_get_not_found_404.json", ERROR, 404, |c| c.get("contact-service/contact/1")),
    case("contact_patch_response.json", "brightpearl.Contact", 200, |c| {
        c.send(Method::PATCH, "contact-service/contact/202", Some(c.fixture("contact_patch_request.json")))
    }),
    case("contact_options_getUris.json", "brightpearl.OptionsGetUris", 200, |c| {
        c.send(Method::OPTIONS, "contact-service/contact/200,201,90000000", None)
    }),
    case("contact_search.json", "brightpearl.ContactSearchResult", 200, |c| c.get("contact-service/contact-search")),
    case("contact_custom_field_get.json", "brightpearl.ContactCustomFields", 200, |c| {
        let ops = json!([{"op": "add", "path": "/PCF_CODAE", "value": 1234567890}]);
        c.send(Method::PATCH, "contact-service/contact/203/custom-field", Some(ops));
        c.get("contact-service/contact/203/custom-field")
    }),
    case("legacy2014_contact_post_response.json", "int64", 200, |c| {
        let address = c.id(c.send(
            Method::POST,
            "contact-service/postal-address",
            Some(c.fixture("legacy2014_postal_address_post_request.json")),
        ));
        let mut body = c.fixture("legacy2014_contact_post_request.json");
        body["postAddressIds"] = json!({"DEF": address, "BIL": address, "DEL": address});
        c.send(Method::POST, "contact-service/contact", Some(body))
    }),
    case("legacy2014_postal_address_post_response.json", "int64", 200, |c| {
        c.send(
            Method::POST,
            "contact-service/postal-address",
            Some(c.fixture("legacy2014_postal_address_post_request.json")),
        )
    }),
    // Products, prices, stock
    case("product_get.json", "list<brightpearl.Product>", 200, |c| c.get("product-service/product/1007")),
    case("product_get_with_custom_fields.json", "list<brightpearl.Product>", 200, |c| {
        c.get("product-service/product/1007?includeOptional=customFields")
    }),
    case("product_get_bundle_java_fixture.json", "list<brightpearl.Product>", 200, |c| {
        c.get("product-service/product/1012")
    }),
    case("legacy2014_product_get_with_variations.json", "list<brightpearl.Product>", 200, |c| {
        c.get("product-service/product/1010")
    }),
    case("product_options_empty.json", "brightpearl.OptionsGetUris", 200, |c| {
        c.send(Method::OPTIONS, "product-service/product/90000-90010", None)
    }),
    case("product_search.json", "brightpearl.ProductSearchResult", 200, |c| c.get("product-service/product-search")),
    case("product_search_with_reference_java_fixture.json", "brightpearl.ProductSearchResult", 200, |c| {
        c.get("product-service/product-search?productId=1001-1010")
    }),
    bare("product_search_error_bad_filter_500.json", ERROR, 500, |c| {
        c.get("product-service/product-search?productId=BAD%20PARAM")
    }),
    case("product_post_response.json", "int64", 200, |c| {
        c.send(Method::POST, "product-service/product", Some(c.fixture("product_post_request.json")))
    }),
    bare("product_post_error_brand_required.json", ERROR, 400, |c| {
        let mut body = c.fixture("product_post_request.json");
        body.as_object_mut().unwrap().remove("brandId");
        c.send(Method::POST, "product-service/product", Some(body))
    }),
    case("product_availability_get.json", "keyed<brightpearl.ProductAvailability>", 200, |c| {
        c.get("warehouse-service/product-availability/1001-1010")
    }),
    case("legacy2014_product_availability_get.json", "keyed<brightpearl.ProductAvailability>", 200, |c| {
        c.get("warehouse-service/product-availability/1010")
    }),
    case("product_price_get.json", "list<brightpearl.ProductPrice>", 200, |c| {
        c.get("product-service/product-price/1007")
    }),
    bare("product_price_get_not_found_404.json", ERROR, 404, |c| c.get("product-service/product-price/90000")),
    case("price_list_get.json", "list<brightpearl.PriceList>", 200, |c| c.get("product-service/price-list/1")),
    case("legacy2014_brand_get.json", "list<brightpearl.Brand>", 200, |c| c.get("product-service/brand/74")),
    case("legacy2014_brightpearl_category_get.json", "list<brightpearl.BrightpearlCategory>", 200, |c| {
        c.get("product-service/brightpearl-category/296")
    }),
    // Goods-out notes
    case("goods_out_note_get_by_order.json", "keyed<brightpearl.GoodsOutNote>", 200, |c| {
        let (order, _) = c.shipped_order();
        c.get(&format!("warehouse-service/order/{order}/goods-note/goods-out"))
    }),
    case("goods_out_note_get_by_id.json", "keyed<brightpearl.GoodsOutNote>", 200, |c| {
        let (_, note) = c.shipped_order();
        c.get(&format!("warehouse-service/order/*/goods-note/goods-out/{note}"))
    }),
    // Accounting
    case("customer_payment_post_receipt_response.json", "int64", 200, |c| {
        let mut body = c.fixture("customer_payment_post_receipt_request.json");
        body["orderId"] = json!(6);
        c.send(Method::POST, "accounting-service/customer-payment", Some(body))
    }),
    case("customer_payment_search.json", "brightpearl.CustomerPaymentSearchResult", 200, |c| {
        let id = c.order_where(|o| o["orderPaymentStatus"] == "PAID");
        c.get(&format!("accounting-service/customer-payment-search?orderId={id}"))
    }),
    case("customer_payment_search_empty.json", "brightpearl.CustomerPaymentSearchResult", 200, |c| {
        c.get("accounting-service/customer-payment-search?orderId=999999")
    }),
    case("legacy2014_sales_receipt_post_response.json", "int64", 200, |c| {
        let mut body = c.fixture("legacy2014_sales_receipt_post_request.json");
        body["orderId"] = json!(7);
        c.send(Method::POST, "accounting-service/sales-receipt", Some(body))
    }),
    case("tax_code_get_all.json", "list<brightpearl.TaxCode>", 200, |c| c.get("accounting-service/tax-code")),
    // Webhooks
    case("webhook_post_response.json", "int64", 200, |c| {
        c.send(Method::POST, "integration-service/webhook", Some(c.fixture("webhook_post_request.json")))
    }),
    case("webhook_get.json", "list<brightpearl.Webhook>", 200, |c| {
        let id =
            c.id(c.send(Method::POST, "integration-service/webhook", Some(c.fixture("webhook_post_request.json"))));
        c.get(&format!("integration-service/webhook/{id}"))
    }),
    case("legacy2014_webhook_list.json", "list<brightpearl.Webhook>", 200, |c| {
        c.send(Method::POST, "integration-service/webhook", Some(c.fixture("webhook_post_request.json")));
        c.get("integration-service/webhook")
    }),
    bare("webhook_get_not_found_404.json", ERROR, 404, |c| c.get("integration-service/webhook/99999")),
    bare("webhook_delete_not_found_404.json", ERROR, 404, |c| {
        c.send(Method::DELETE, "integration-service/webhook/99999", None)
    }),
    bare("webhook_post_error_invalid_subscription_400.json", ERROR, 400, |c| {
        let mut body = c.fixture("webhook_post_request.json");
        body["subscribeTo"] = json!("invalid-resource.created");
        c.send(Method::POST, "integration-service/webhook", Some(body))
    }),
    bare("legacy2014_webhook_post_error_400.json", ERROR, 400, |c| {
        let body =
            json!({"subscribeTo": "order.destroyed", "httpMethod": "GET", "uriTemplate": "http://example.com/hook"});
        c.send(Method::POST, "integration-service/webhook", Some(body))
    }),
    // Multi-message
    case("multi_message_response_partial_java_fixture.json", "brightpearl.MultiMessageResponse", 207, |c| {
        let body = json!({"processingMode": "SEQUENTIAL", "onFail": "CONTINUE", "messages": [
            {"label": "at1", "uri": "/product-service/product", "httpMethod": "POST", "body": c.fixture("product_post_request.json")},
            {"label": "at2", "uri": "/product-service/product", "httpMethod": "POST", "body": {"salesChannels": []}}
        ]});
        c.send(Method::POST, "multi-message", Some(body))
    }),
    case("multi_message_response_unprocessed_java_fixture.json", "brightpearl.MultiMessageResponse", 207, |c| {
        let body = json!({"processingMode": "SEQUENTIAL", "onFail": "STOP", "messages": [
            {"label": "at1", "uri": "/product-service/product", "httpMethod": "POST", "body": {"salesChannels": []}},
            {"label": "at2", "uri": "/product-service/product", "httpMethod": "POST", "body": c.fixture("product_post_request.json")}
        ]});
        c.send(Method::POST, "multi-message", Some(body))
    }),
    // OAuth token endpoint
    bare("oauth_token_error_invalid_client.json", "brightpearl.OAuthErrorResponse", 400, |c| {
        c.token(&[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", "someone-else"),
            ("redirect_uri", "http://a/cb"),
        ])
    }),
    bare("oauth_token_error_invalid_grant_code.json", "brightpearl.OAuthErrorResponse", 400, |c| {
        c.token(&[
            ("grant_type", "authorization_code"),
            ("code", "no-such-code"),
            ("client_id", "sandbox"),
            ("redirect_uri", "http://a/cb"),
        ])
    }),
    bare("oauth_token_error_redirect_mismatch.json", "brightpearl.OAuthErrorResponse", 400, |c| {
        let code = c.code("http://a/cb");
        c.token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "sandbox"),
            ("redirect_uri", "http://b/cb"),
        ])
    }),
    // Gateway answers
    case("error_401_token_expired.json", "string", 401, |_| {
        // A simulator where seven days pass in 10 ms.
        let sim = Sim::start(Config { time_scale: 60_480_000, ..Config::default() });
        let c = Ctx { sim: &sim, fixtures: Path::new("") };
        let code = c.code("http://a/cb");
        let tokens = c.token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "sandbox"),
            ("redirect_uri", "http://a/cb"),
        ]);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let response = sim
            .client
            .get(sim.url("order-service/order/1"))
            .header("brightpearl-app-ref", "sandbox")
            .bearer_auth(tokens.body["access_token"].as_str().unwrap())
            .send()
            .unwrap();
        Answer { status: response.status().as_u16(), body: response.json().unwrap() }
    }),
    case("error_401_invalid_instance_token.json", "string", 401, |c| {
        let response = c
            .sim
            .client
            .get(c.sim.url("order-service/order/1"))
            .header("brightpearl-app-ref", "sandbox")
            .bearer_auth("INVALID_STUFF")
            .send()
            .unwrap();
        Answer { status: response.status().as_u16(), body: response.json().unwrap() }
    }),
    case("error_401_not_authenticated_java_fixture.json", "string", 401, |c| {
        let response = c.sim.client.get(c.sim.url("order-service/order/1")).send().unwrap();
        Answer { status: response.status().as_u16(), body: response.json().unwrap() }
    }),
    case("error_503_request_cap_java_fixture.json", "string", 503, |c| {
        let sim = Sim::start(Config { rate_limit: 1, ..Config::default() });
        let c = Ctx { sim: &sim, fixtures: c.fixtures };
        c.get("order-service/order/1");
        c.get("order-service/order/1")
    }),
];

/// Fixtures that are not the answer to a request, and why.
const SKIPPED: &[(&str, &str)] = &[
    ("order_patch_request.json", "a request body, sent by the order_patch_response.json case"),
    ("order_post_so_request.json", "a request body, sent by the order_post_so_response.json case"),
    ("order_post_po_request.json", "a request body, sent by the order_get_po.json case"),
    (
        "order_post_sc_request.json",
        "a request body of a call whose answer (a new id) was not recorded; the SO case covers the same answer",
    ),
    ("order_row_post_request.json", "a request body, sent by the order_row_post_response.json case"),
    ("order_row_patch_request.json", "a request body, sent by the order_row_patch_response.json case"),
    (
        "legacy2014_order_row_post_request.json",
        "a request body, sent by the legacy2014_order_row_post_error_400.json case",
    ),
    ("order_status_post_request.json", "a request body whose answer was not recorded"),
    ("order_status_update_put_request.json", "a request body; the PUT answers {}"),
    (
        "order_custom_field_patch_request.json",
        "a request body naming the recording account's custom fields; the patch case sends the same kind of ops",
    ),
    ("sales_order_post_request_SYNTHETIC_snowio.json", "a synthetic request body, not a recorded answer"),
    (
        "contact_get_docs_example.json",
        "a hand-copied 2011 docs example whose number fields are text, unlike the recorded responses",
    ),
    ("contact_patch_request.json", "a request body, sent by the contact_patch_response.json case"),
    ("legacy2014_contact_post_request.json", "a request body, sent by the legacy2014_contact_post_response.json case"),
    (
        "legacy2014_postal_address_post_request.json",
        "a request body, sent by the legacy2014_postal_address_post_response.json case",
    ),
    ("product_post_request.json", "a request body, sent by the product_post_response.json case"),
    ("product_put_request.json", "a request body; the PUT answers {}"),
    ("product_price_put_request.json", "a request body; the PUT answers {}"),
    (
        "customer_payment_post_receipt_request.json",
        "a request body, sent by the customer_payment_post_receipt_response.json case",
    ),
    (
        "legacy2014_sales_receipt_post_request.json",
        "a request body, sent by the legacy2014_sales_receipt_post_response.json case",
    ),
    ("webhook_post_request.json", "a request body, sent by the webhook cases"),
    (
        "webhook_payload_order_modified_order_status.json",
        "a webhook delivery body, not an API answer (bp_webhooks.rs checks deliveries)",
    ),
    (
        "error_500_internal_java_fixture.json",
        "answered only when a handler fails or the 5xx fault knob fires (bp_faults.rs); no request produces it",
    ),
    (
        "http_headers_order_get.json",
        "recorded headers, not a body: checked by every_answer_carries_the_recorded_headers",
    ),
];

fn fixtures() -> Option<PathBuf> {
    mapc::shared::shared_or_skip("bp-sim shape conformance").map(|shared| shared.join("fixtures/brightpearl"))
}

fn check(registry: &Registry, ty: &str, value: &Value) -> usize {
    let ty = parse_type_expr(ty, "brightpearl", None).unwrap_or_else(|e| panic!("type `{ty}`: {e}"));
    validate(registry, &ty, value).unwrap_or_else(|e| panic!("{e}")).len()
}

fn violations(registry: &Registry, ty: &str, value: &Value) -> Vec<String> {
    let ty = parse_type_expr(ty, "brightpearl", None).unwrap_or_else(|e| panic!("type `{ty}`: {e}"));
    validate(registry, &ty, value).unwrap_or_else(|e| panic!("{e}")).iter().map(|v| v.to_string()).collect()
}

/// Compares shapes; `optional(pointer)` tells whether the real key at `pointer` may be absent.
struct Walk<'a> {
    optional: &'a dyn Fn(&str) -> bool,
    problems: Vec<String>,
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn keyed_by_ids(map: &serde_json::Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|key| key.parse::<i64>().is_ok())
}

impl Walk<'_> {
    fn compare(&mut self, real: &Value, sim: &Value, pointer: &str) {
        match (real, sim) {
            (Value::Null, _) | (_, Value::Null) => {}
            (Value::Object(real_map), Value::Object(sim_map)) if keyed_by_ids(real_map) => {
                if let Some((key, first)) = real_map.iter().next() {
                    for (sim_key, value) in sim_map {
                        if sim_key.parse::<i64>().is_err() {
                            self.problems
                                .push(format!("{pointer}: key {sim_key:?} where the real object is keyed by ids"));
                        }
                        self.compare(first, value, &format!("{pointer}/{key}"));
                    }
                }
            }
            (Value::Object(real_map), Value::Object(sim_map)) => {
                for (key, value) in real_map {
                    let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match sim_map.get(key) {
                        Some(sim_value) => self.compare(value, sim_value, &at),
                        None if (self.optional)(&at) => {}
                        None => self.problems.push(format!("{at}: missing, and the schema requires it")),
                    }
                }
            }
            (Value::Array(real_items), Value::Array(sim_items)) => {
                let Some(first) = real_items.first() else { return };
                let positional =
                    real_items.iter().any(|item| !item.is_null() && kind(item) != kind(first)) || first.is_null();
                if positional {
                    for (index, (real_item, sim_item)) in real_items.iter().zip(sim_items).enumerate() {
                        self.compare(real_item, sim_item, &format!("{pointer}/{index}"));
                    }
                    if real_items.len() != sim_items.len() {
                        self.problems.push(format!(
                            "{pointer}: {} cells where the real row has {}",
                            sim_items.len(),
                            real_items.len()
                        ));
                    }
                } else {
                    for sim_item in sim_items {
                        self.compare(first, sim_item, &format!("{pointer}/0"));
                    }
                }
            }
            _ if kind(real) == kind(sim) => {}
            _ => self.problems.push(format!(
                "{pointer}: {} where the real answer has {} ({real})",
                kind(sim),
                kind(real)
            )),
        }
    }
}

/// A search answer with each positional row turned into an object keyed by its column names, so
/// that rows compare cell by cell whatever the column order (older accounts had fewer columns).
/// Any other answer is returned as it is.
fn named_rows(answer: &Value) -> Value {
    let mut copy = answer.clone();
    let columns: Option<Vec<String>> = answer
        .pointer("/response/metaData/columns")
        .and_then(Value::as_array)
        .map(|columns| columns.iter().map(|column| column["name"].as_str().unwrap_or("").to_string()).collect());
    if let (Some(columns), Some(results)) =
        (columns, copy.pointer_mut("/response/results").and_then(Value::as_array_mut))
    {
        for row in results.iter_mut() {
            let cells = row.as_array().cloned().unwrap_or_default();
            *row = Value::Object(columns.iter().cloned().zip(cells).collect());
        }
    }
    copy
}

/// Removes the key at `pointer` from a copy of `document`.
fn without(document: &Value, pointer: &str) -> Option<Value> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    let mut copy = document.clone();
    copy.pointer_mut(parent)?.as_object_mut()?.remove(&key)?;
    Some(copy)
}

#[test]
fn every_real_answer_has_the_simulated_shape_and_every_simulated_answer_its_schema() {
    let Some(folder) = fixtures() else { return };
    let registry = Registry::embedded();
    let sim = Sim::start(Config::default());
    let ctx = Ctx { sim: &sim, fixtures: &folder };
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut names: Vec<String> = fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    for name in &names {
        if let Some((_, reason)) = SKIPPED.iter().find(|(skipped, _)| skipped == name) {
            eprintln!("skipped {name}: {reason}");
            continue;
        }
        let Some(case) = CASES.iter().find(|case| case.fixture == name) else {
            problems.push(format!("{name}: no request in CASES and no reason in SKIPPED"));
            continue;
        };
        let real = ctx.fixture(name);
        let answer = (case.run)(&ctx);
        if answer.status != case.status {
            problems
                .push(format!("{name}: status {} where {} was expected: {}", answer.status, case.status, answer.body));
            continue;
        }
        let (real_body, sim_body, prefix) = if case.envelope {
            (&real["response"], &answer.body["response"], "/response")
        } else {
            (&real, &answer.body, "")
        };
        if case.envelope && answer.body.get("response").is_none() {
            problems.push(format!("{name}: no `response` in {}", answer.body));
            continue;
        }
        let baseline = check(&registry, case.ty, real_body);
        // Keys beside `response` (reference, pagination, sorting) are always expected.
        let optional = |pointer: &str| -> bool {
            pointer.strip_prefix(prefix).is_some_and(|inner| {
                without(real_body, inner).is_some_and(|reduced| check(&registry, case.ty, &reduced) <= baseline)
            })
        };
        let mut walk = Walk { optional: &optional, problems: Vec::new() };
        walk.compare(&named_rows(&real), &named_rows(&answer.body), "");
        let found: std::collections::BTreeSet<String> = walk.problems.into_iter().collect();
        problems.extend(found.into_iter().map(|problem| format!("{name}: {problem}")));
        problems.extend(
            violations(&registry, case.ty, sim_body).into_iter().map(|v| format!("{name}: simulated answer: {v}")),
        );
        compared += 1;
    }
    for case in CASES {
        if !names.iter().any(|name| name == case.fixture) {
            problems.push(format!("{}: in CASES but not among the fixtures", case.fixture));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(compared >= 60, "only {compared} fixtures compared");
}

#[test]
fn every_answer_carries_the_recorded_headers() {
    let Some(folder) = fixtures() else { return };
    let recorded: Value =
        serde_json::from_str(&fs::read_to_string(folder.join("http_headers_order_get.json")).unwrap()).unwrap();
    let sim = Sim::start(Config::default());
    let ctx = Ctx { sim: &sim, fixtures: &folder };
    let code = ctx.code("http://a/cb");
    let tokens = ctx.token(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("client_id", "sandbox"),
        ("redirect_uri", "http://a/cb"),
    ]);
    let response = sim
        .client
        .get(sim.url("order-service/order/1"))
        .header("brightpearl-app-ref", "sandbox")
        .bearer_auth(tokens.body["access_token"].as_str().unwrap())
        .send()
        .unwrap();
    // Transport headers of the recording's HTTPS proxy are not the API's.
    let transport = ["connection", "strict-transport-security"];
    for (name, values) in recorded["response_headers"].as_object().unwrap() {
        let lower = name.to_ascii_lowercase();
        if transport.contains(&lower.as_str()) {
            continue;
        }
        let ours = response.headers().get(&lower).unwrap_or_else(|| panic!("no {name} header"));
        let theirs = values[0].as_str().unwrap();
        match lower.as_str() {
            "content-type" | "cache-control" | "message-type" | "expires" | "pragma" => {
                assert_eq!(ours, theirs, "{name}")
            }
            "brightpearl-next-throttle-period"
            | "brightpearl-requests-remaining"
            | "brightpearl-installed-integration-instance-id" => {
                assert!(ours.to_str().unwrap().parse::<u64>().is_ok(), "{name}: {ours:?}")
            }
            "ruid" => assert_eq!(ours.len(), theirs.len(), "a UUID-shaped Ruid"),
            _ => {}
        }
    }
}

/// Resources no real sample covers are still held to their schema.
#[test]
fn answers_without_a_real_sample_match_their_schema() {
    let registry = Registry::embedded();
    let sim = Sim::start(Config::default());
    let ctx = Ctx { sim: &sim, fixtures: Path::new("") };
    let (order, _) = ctx.shipped_order();
    let po = ctx.id(ctx.send(
        Method::POST,
        "order-service/order",
        Some(json!({"orderTypeCode": "PO", "parties": {"supplier": {"contactId": 418}}})),
    ));
    let row = ctx.id(ctx.send(Method::POST, &format!("order-service/order/{po}/row"), Some(json!({"productId": 1007, "quantity": {"magnitude": 4}, "rowValue": {"taxCode": "Z", "rowNet": {"value": 20}}}))));
    let receipt = json!({"warehouseId": 2, "goodsMoved": [{"productId": 1007, "purchaseOrderRowId": row, "quantity": 4, "destinationLocationId": 2, "productValue": {"currency": "USD", "value": 5}}]});
    assert_eq!(
        ctx.send(Method::POST, &format!("warehouse-service/order/{po}/goods-note/goods-in"), Some(receipt)).status,
        200
    );
    let journal = json!({"taxDate": "2024-05-01", "credits": [{"nominalCode": "4000", "value": 10}], "debits": [{"nominalCode": "1100", "value": 10}]});
    assert_eq!(ctx.send(Method::POST, "accounting-service/journal-entry", Some(journal)).status, 200);
    let checks: &[(&str, String)] = &[
        ("list<brightpearl.Warehouse>", "warehouse-service/warehouse".into()),
        ("list<brightpearl.NominalCode>", "accounting-service/nominal-code".into()),
        ("brightpearl.JournalList", "accounting-service/journal/1-200".into()),
        ("keyed<brightpearl.GoodsInNote>", format!("warehouse-service/order/{po}/goods-note/goods-in")),
        ("keyed<brightpearl.GoodsOutNote>", format!("warehouse-service/order/{order}/goods-note/goods-out")),
        ("list<brightpearl.PostalAddress>", "contact-service/postal-address/200-260".into()),
        (ORDERS, "order-service/order/1-200".into()),
        (ORDERS, format!("order-service/order/{po}")),
        ("list<brightpearl.Contact>", "contact-service/contact/200-400".into()),
        ("list<brightpearl.Product>", "product-service/product/1001-1200".into()),
        ("list<brightpearl.ProductPrice>", "product-service/product-price/1001-1200".into()),
        ("keyed<brightpearl.ProductAvailability>", "warehouse-service/product-availability/1001-1200".into()),
        ("list<brightpearl.PriceList>", "product-service/price-list".into()),
        ("list<brightpearl.OrderStatus>", "order-service/order-status".into()),
        ("brightpearl.CustomerPaymentSearchResult", "accounting-service/customer-payment-search".into()),
        ("brightpearl.ContactSearchResult", "contact-service/contact-search?sort=contactId.DESC&pageSize=50".into()),
        ("brightpearl.ProductSearchResult", "product-service/product-search?firstResult=101".into()),
    ];
    let mut problems = Vec::new();
    for (ty, path) in checks {
        let answer = ctx.get(path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        problems
            .extend(violations(&registry, ty, &answer.body["response"]).into_iter().map(|v| format!("{path}: {v}")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
