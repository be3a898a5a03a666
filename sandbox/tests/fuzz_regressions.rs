//! Inputs that once made a simulator panic, hang or run out of memory, each answered now with a clear
//! error or a normal answer. Each test names the input and what it must get instead.

use std::collections::BTreeMap;

use sandbox::bp::api;
use sandbox::bp::idset::{self, IdSetError};
use sandbox::bp::{Config, Events, Store};
use serde_json::Value;

/// A small seeded account, as the fuzz target uses.
fn store() -> Store {
    Store::seeded(&Config { orders: 12, ..Config::default() }, Events::new(16))
}

/// An answer: its status and JSON body.
struct Answer {
    status: u16,
    body: Value,
}

/// One public API request, the path relative to `/public-api/{account}/`, the query as `k=v&...`.
fn call(store: &Store, method: &str, path: &str, query: &str, body: Option<Value>) -> Answer {
    let query: BTreeMap<String, String> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    let reply =
        api::dispatch(store, &api::Request { method, path, query: &query, body: body.as_ref(), if_match: None });
    let body = serde_json::from_str(&reply.body.into_text()).expect("every answer is JSON");
    Answer { status: reply.status, body }
}

fn error_code(reply: &Answer) -> &str {
    reply.body["errors"][0]["code"].as_str().unwrap_or_default()
}

#[test]
fn the_largest_id_is_an_id_not_an_overflow() {
    let largest = i64::MAX.to_string();
    assert_eq!(idset::parse(&largest, 200).unwrap().into_iter().collect::<Vec<_>>(), [i64::MAX]);
    assert_eq!(idset::parse(&format!("{}-{largest}", i64::MAX - 2), 200).unwrap().len(), 3);
    assert_eq!(idset::parse(&format!("1-{largest}"), 200), Err(IdSetError::TooMany { limit: 200 }));
    let reply = call(&store(), "GET", &format!("order-service/order/{largest}"), "", None);
    assert_eq!((reply.status, reply.body), (200, serde_json::json!({"response": []})));
}

#[test]
fn a_search_filter_may_span_every_id_without_expanding_them() {
    let store = store();
    let all = call(&store, "GET", "order-service/order-search", "", None);
    let spanning = call(&store, "GET", "order-service/order-search", &format!("orderId=1-{}", i64::MAX), None);
    assert_eq!(spanning.status, 200, "{}", spanning.body);
    assert_eq!(spanning.body["response"]["results"], all.body["response"]["results"]);
    let some = call(&store, "GET", "order-service/order-search", "orderId=3-5,1,4-4", None);
    let ids: Vec<i64> =
        some.body["response"]["results"].as_array().unwrap().iter().map(|row| row[0].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 3, 4, 5]);
    let bad = call(&store, "GET", "order-service/order-search", "orderId=5-1", None);
    assert_eq!((bad.status, error_code(&bad)), (500, "CMNC-018"));
}

#[test]
fn many_overlapping_ranges_are_counted_once() {
    let text = vec!["1-1000000"; 2000].join(",");
    assert_eq!(idset::parse(&text, 1_000_000).unwrap().len(), 1_000_000);
    let reply = call(&store(), "OPTIONS", &format!("order-service/order/{text}"), "", None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["response"]["getUris"], serde_json::json!(["/order/1-12"]));
}

#[test]
fn a_time_zone_of_other_characters_is_refused_not_sliced() {
    assert_eq!(sandbox::bp::time::parse("2022-01-01T10:00+aéb"), None);
    assert_eq!(sandbox::bp::time::parse("2022-01-01T10:00+0é0"), None);
    let reply = call(&store(), "GET", "order-service/order-search", "createdOn=2022-01-01T10:00+aéb", None);
    assert_eq!((reply.status, error_code(&reply)), (500, "CMNC-018"));
}

/// A document of elements nested 200,000 deep: it once built a tree whose drop overflowed the stack
/// and killed the service. eConnect documents are a few levels deep; this one is not well-formed.
#[test]
fn a_document_nested_beyond_any_econnect_document_is_refused() {
    use sandbox::gp::{document, error, xml};
    let depth = 200_000;
    let text = format!("<eConnect>{}{}</eConnect>", "<a>".repeat(depth), "</a>".repeat(depth));
    let refused = document::validate(&text, &mapc::schema::Registry::embedded()).unwrap_err();
    assert_eq!(refused.number, error::NOT_WELL_FORMED);
    assert!(refused.description.contains("nested more than 64 deep"), "{}", refused.description);
    let deepest = format!("{}{}", "<a>".repeat(xml::MAX_DEPTH), "</a>".repeat(xml::MAX_DEPTH));
    assert!(xml::parse(&deepest).is_ok(), "{} levels are well-formed", xml::MAX_DEPTH);
}
