//! The fault knobs, observed from a client over loopback.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use sandbox::bp::faults::{FaultSettings, Faults};
use serde_json::Value;

const BODY: &str = r#"{"response":[{"id":1,"reference":"a body long enough to be cut in half"}]}"#;

/// Serves a one-route API behind `faults` on a loopback port, in a thread of its own.
fn serve(faults: &Faults) -> SocketAddr {
    let app = faults.wrap(Router::new().route("/public-api/sandbox/order-service/order/1", get(|| async { BODY })));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    addr
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/public-api/sandbox/order-service/order/1")
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
}

/// One request on a fresh connection, as raw bytes: everything the server sent before closing.
fn raw_get(addr: SocketAddr) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /public-api/sandbox/order-service/order/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

#[test]
fn with_no_knobs_the_api_answers_whole() {
    let addr = serve(&Faults::default());
    let response = client().get(url(addr)).send().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().unwrap(), BODY);
}

#[test]
fn error_rate_answers_5xx_with_brightpearls_body() {
    let faults = Faults::default();
    faults.set(FaultSettings { error_percent: 100, error_status: 503, ..FaultSettings::default() }).unwrap();
    let addr = serve(&faults);
    let response = client().get(url(addr)).send().unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().unwrap();
    assert_eq!(body["errors"][0]["code"], "CMNU-003");

    // Half the requests, the same half for the same seed.
    let pattern = |seed| {
        faults.set(FaultSettings { error_percent: 50, seed, ..FaultSettings::default() }).unwrap();
        (0..40).map(|_| client().get(url(addr)).send().unwrap().status().as_u16()).collect::<Vec<_>>()
    };
    let first = pattern(7);
    assert_eq!(first, pattern(7));
    let errors = first.iter().filter(|status| **status == 500).count();
    assert!((8..=32).contains(&errors), "{errors} of 40 failed at 50%");
    assert_eq!(first.iter().filter(|status| **status == 200).count(), 40 - errors);
}

#[test]
fn a_burst_of_401s_then_service_resumes() {
    let faults = Faults::default();
    faults.set(FaultSettings { unauthorized_burst: 3, ..FaultSettings::default() }).unwrap();
    let addr = serve(&faults);
    for _ in 0..3 {
        let response = client().get(url(addr)).send().unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["message-type"], "api-proxy");
        assert!(response.headers().get("www-authenticate").is_none());
        assert_eq!(response.text().unwrap(), r#"{"response":"Authorization token expired"}"#);
    }
    assert_eq!(client().get(url(addr)).send().unwrap().status(), 200);
    assert_eq!(faults.settings().unauthorized_burst, 0);
}

#[test]
fn latency_is_added_before_the_answer() {
    let faults = Faults::default();
    let addr = serve(&faults);
    faults.set(FaultSettings { latency_ms: 300, ..FaultSettings::default() }).unwrap();
    let started = Instant::now();
    assert_eq!(client().get(url(addr)).send().unwrap().status(), 200);
    // A lower bound only: the sleep happens before the handler runs.
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
}

#[test]
fn a_dropped_connection_closes_with_no_answer() {
    let faults = Faults::default();
    faults.set(FaultSettings { drop_percent: 100, ..FaultSettings::default() }).unwrap();
    let addr = serve(&faults);
    assert_eq!(raw_get(addr), b"", "not one byte of an answer");
    let error = client().get(url(addr)).send().unwrap_err();
    assert!(error.status().is_none(), "{error}");
}

#[test]
fn a_truncated_body_stops_short_of_its_content_length() {
    let faults = Faults::default();
    faults.set(FaultSettings { truncate_percent: 100, ..FaultSettings::default() }).unwrap();
    let addr = serve(&faults);
    let answer = raw_get(addr);
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("a status line and headers");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {}", BODY.len())), "{head}");
    assert_eq!(body, &BODY[..BODY.len() / 2]);
    // A client reading the body finds it cut.
    let response = client().get(url(addr)).send().unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().is_err());
}
