//! The fault knobs of bp-sim's public API, set through the admin interface (or the `--faults`
//! flag) and observed from a client over loopback.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use sandbox::bp::admin::DEFAULT_ADMIN_TOKEN;
use sandbox::bp::Config;
use serde_json::{json, Value};

const ORDER: &str = "order-service/order/1";

struct Sim(bp::Sim);

impl Sim {
    fn start() -> Sim {
        Sim(bp::Sim::start(Config { orders: 5, ..Config::default() }))
    }

    /// Sets the knobs with `PUT /admin/faults`.
    fn faults(&self, settings: Value) {
        let response = self
            .0
            .client
            .put(format!("{}/admin/faults", self.0.base))
            .bearer_auth(DEFAULT_ADMIN_TOKEN)
            .json(&settings)
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{settings}");
    }

    fn status(&self) -> u16 {
        self.0.get(ORDER).status().as_u16()
    }

    /// One authenticated GET on a fresh connection, as raw bytes: all the server sent before closing.
    fn raw_get(&self) -> Vec<u8> {
        let address = self.0.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            stream,
            "GET /public-api/sandbox/{ORDER} HTTP/1.1\r\nHost: {address}\r\nbrightpearl-app-ref: sandbox\r\n\
             brightpearl-account-token: sandbox-dev-token\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }
}

#[test]
fn error_rate_answers_5xx_with_brightpearls_body_the_same_way_for_a_seed() {
    let sim = Sim::start();
    sim.faults(json!({"error_percent": 100, "error_status": 503}));
    let response = sim.0.get(ORDER);
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.json::<Value>().unwrap(),
        json!({"errors": [{"code": "CMNU-003", "message": "Internal Server Error"}]})
    );

    let pattern = |seed: u64| {
        sim.faults(json!({"error_percent": 50, "seed": seed}));
        (0..40).map(|_| sim.status()).collect::<Vec<u16>>()
    };
    let first = pattern(7);
    assert_eq!(first, pattern(7), "the same seed, the same failures");
    assert_ne!(first, pattern(8));
    let failed = first.iter().filter(|status| **status == 500).count();
    assert!((8..=32).contains(&failed), "{failed} of 40 failed at 50%");
    assert_eq!(first.iter().filter(|status| **status == 200).count(), 40 - failed);
}

#[test]
fn faulted_requests_do_not_count_against_the_rate_limit() {
    let sim = Sim::start();
    sim.faults(json!({"error_percent": 100}));
    for _ in 0..5 {
        assert_eq!(sim.status(), 500);
    }
    sim.faults(json!({}));
    let response = sim.0.get(ORDER);
    assert_eq!(response.headers()["brightpearl-requests-remaining"], "199");
}

#[test]
fn a_burst_of_401s_then_service_resumes() {
    let sim = Sim::start();
    sim.faults(json!({"unauthorized_burst": 3}));
    for _ in 0..3 {
        let response = sim.0.get(ORDER);
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["message-type"], "api-proxy");
        assert!(response.headers().get("www-authenticate").is_none());
        assert_eq!(response.text().unwrap(), r#"{"response":"Authorization token expired"}"#);
    }
    assert_eq!(sim.status(), 200);
}

#[test]
fn latency_is_added_before_the_answer() {
    let sim = Sim::start();
    sim.faults(json!({"latency_ms": 300}));
    let started = Instant::now();
    assert_eq!(sim.status(), 200);
    // A lower bound only: the wait happens before the request is handled.
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
}

#[test]
fn a_dropped_connection_closes_with_no_answer() {
    let sim = Sim::start();
    sim.faults(json!({"drop_percent": 100}));
    assert_eq!(sim.raw_get(), b"", "not one byte of an answer");
    let error = sim.0.private(Method::GET, ORDER).send().unwrap_err();
    assert!(error.status().is_none(), "{error}");
    sim.faults(json!({}));
    assert_eq!(sim.status(), 200);
}

#[test]
fn a_truncated_body_stops_short_of_its_content_length() {
    let sim = Sim::start();
    sim.faults(json!({"truncate_percent": 100}));
    let answer = sim.raw_get();
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("a status line and headers");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert!(body.len() < length && !body.is_empty(), "{} of {length} bytes", body.len());
    assert!(body.starts_with(r#"{"response":[{"#), "{body}");
    // A client reading the body finds it cut.
    let response = sim.0.get(ORDER);
    assert_eq!(response.status(), 200);
    assert!(response.text().is_err());
}

#[test]
fn the_faults_flag_sets_the_knobs_at_start() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bp-sim"))
        .args(["--listen", "127.0.0.1:0", "--orders", "3", "--faults", r#"{"unauthorized_burst": 1}"#])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    let base = first_line.trim().strip_prefix("bp-sim listening on ").unwrap().to_string();
    let get = || {
        reqwest::blocking::Client::new()
            .get(format!("{base}/public-api/sandbox/{ORDER}"))
            .header("brightpearl-app-ref", "sandbox")
            .header("brightpearl-account-token", "sandbox-dev-token")
            .send()
            .unwrap()
            .status()
    };
    let statuses = [get(), get()];
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(statuses.map(|status| status.as_u16()), [401, 200]);

    let refused = Command::new(env!("CARGO_BIN_EXE_bp-sim"))
        .args(["--listen", "127.0.0.1:0", "--faults", r#"{"error_percent": 150}"#])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("error_percent must be 0 to 100"));
}
