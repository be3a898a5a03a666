//! Throughput of bp-sim over loopback, as ratios to the cheapest answer it gives (a refused login,
//! which passes the HTTP stack and the gate but no store work), measured in the same run.
//!
//! Run with `cargo test --release -p sandbox --test bp_bench -- --ignored --nocapture`.

#[allow(dead_code)] // each test file uses part of the shared harness
mod bp;

use std::time::{Duration, Instant};

use bp::Sim;
use sandbox::bp::Config;

const CLIENTS: usize = 4;
const PER_CLIENT: usize = 1_000;

/// Requests per second for `CLIENTS` keep-alive clients each sending `PER_CLIENT` requests.
fn rate(sim: &Sim, path: &str, authenticated: bool) -> f64 {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                let client = reqwest::blocking::Client::new();
                for _ in 0..PER_CLIENT {
                    let mut request = client.get(sim.url(path)).header("brightpearl-app-ref", "sandbox");
                    if authenticated {
                        request = request.header("brightpearl-account-token", "sandbox-dev-token");
                    }
                    let response = request.send().unwrap();
                    assert_eq!(response.status().is_success(), authenticated, "{path}: {}", response.status());
                    response.bytes().unwrap();
                }
            });
        }
    });
    (CLIENTS * PER_CLIENT) as f64 / started.elapsed().as_secs_f64()
}

#[test]
#[ignore = "a benchmark: run it in release mode and read the numbers"]
fn throughput_of_gets_against_the_gate_alone() {
    let sim = Sim::start(Config { rate_limit: u32::MAX, orders: 1_000, ..Config::default() });
    rate(&sim, "order-service/order/1", true); // warm-up
    let baseline = rate(&sim, "order-service/order/1", false);
    println!("{:<48} {:>9.0} req/s  1.00", "401 from the gate (baseline)", baseline);
    for path in [
        "order-service/order/1",
        "order-service/order/1-200",
        "contact-service/contact/200",
        "product-service/product/1001-1100",
        "warehouse-service/product-availability/1001-1200",
        "order-service/order-search?pageSize=100",
        "order-service/order-search?createdOn=2021-01-01/&sort=createdOn.DESC&pageSize=50",
    ] {
        let per_second = rate(&sim, path, true);
        println!("{path:<48} {per_second:>9.0} req/s  {:.2}", per_second / baseline);
    }
    std::thread::sleep(Duration::from_millis(10));
}
