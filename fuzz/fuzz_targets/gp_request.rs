//! Any short sequence of requests sent to gp-sim's router, in-process: the existence GET's query
//! string, the changes feed's cursor and limit, next numbers and the fault knobs' JSON. (Documents have
//! a target of their own, `gp_document`.) Every answer must be an HTTP answer, never a panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::extract::ConnectInfo;
use axum::serve::Listener;
use libfuzzer_sys::fuzz_target;
use sandbox::gp::server::{router, Client, CuttableListener};
use sandbox::gp::{Config, Service};
use fuzz_support::{block_on, calls, read_body};
use tower::ServiceExt;

/// One service for all inputs: opening one seeds its database. Only next numbers and the fault knobs
/// change from input to input, and the knobs are cleared before each.
fn service() -> &'static Arc<Service> {
    static SERVICE: OnceLock<Arc<Service>> = OnceLock::new();
    SERVICE.get_or_init(|| Arc::new(Service::open(&Config::default()).expect("open gp-sim in memory")))
}

/// The connection a request arrives on, as the server hands it to the routes.
fn connection() -> Client {
    static CONNECTION: OnceLock<Client> = OnceLock::new();
    CONNECTION
        .get_or_init(|| {
            block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
                CuttableListener(listener).local_addr().expect("the listener's address")
            })
        })
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let calls = calls(data);
    // Posted documents would change the shared database; they are `gp_document`'s to fuzz.
    if calls.is_empty() || calls.iter().any(|call| call.uri.path().ends_with("/documents")) {
        return;
    }
    let service = service();
    let token = format!("Bearer {}", sandbox::gp::DEFAULT_TOKEN);
    let headers = [("authorization", token.as_str()), ("content-type", "application/json")];
    let router = router(service.clone());
    let connection = connection();
    block_on(async {
        let clear = axum::http::Request::put("/admin/faults")
            .header("authorization", token.as_str())
            .body(axum::body::Body::from("{}"))
            .expect("a well-formed request");
        let Ok(_) = router.clone().oneshot(clear).await;
        for call in &calls {
            let mut request = call.request(&headers);
            request.extensions_mut().insert(ConnectInfo(connection.clone()));
            let Ok(response) = router.clone().oneshot(request).await;
            read_body(response).await;
        }
    });
});
