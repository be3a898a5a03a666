//! Any short sequence of requests sent to a fresh bp-sim account through its router, in-process: the
//! public API (ID sets, searches, every JSON body), multi-message, webhooks, OAuth forms and the admin
//! interface with its fault knobs. Every answer must be an HTTP answer, never a panic.
#![no_main]

use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use sandbox::bp::faults::FaultSettings;
use sandbox::bp::{App, Config, Events};
use fuzz_support::{block_on, calls, read_body};
use tower::ServiceExt;

/// Inputs one account serves before a fresh one replaces it. Seeding an account costs far more than
/// most requests, so each is reused for a while; the inputs' changes stay small meanwhile.
const INPUTS_PER_ACCOUNT: u32 = 500;

/// A small seeded account with no throttle in the way of the inputs that count requests, replaced
/// every [`INPUTS_PER_ACCOUNT`] inputs. Each input starts with the fault knobs off.
fn app() -> Arc<App> {
    static ACCOUNT: Mutex<Option<(Arc<App>, u32)>> = Mutex::new(None);
    let mut account = ACCOUNT.lock().unwrap_or_else(|e| e.into_inner());
    let served = account.as_ref().map_or(INPUTS_PER_ACCOUNT, |(_, served)| *served);
    if served >= INPUTS_PER_ACCOUNT {
        let config = Config { rate_limit: u32::MAX, orders: 12, ..Config::default() };
        // No one listens to the events here; a small bus keeps a fresh account cheap.
        *account = Some((App::new(config, Events::new(16)), 0));
    }
    let (app, served) = account.as_mut().expect("an account was just made");
    *served += 1;
    app.faults.set(FaultSettings::default()).expect("the default knobs are valid");
    app.clone()
}

fuzz_target!(|data: &[u8]| {
    let calls = calls(data);
    // Simulating a webhook sends real HTTP calls to the URI it names; those leave the process.
    if calls.is_empty() || calls.iter().any(|call| call.uri.path().ends_with("/simulate")) {
        return;
    }
    let app = app();
    let config = app.config.clone();
    let admin = format!("Bearer {}", config.admin_token);
    let router = sandbox::bp::server::router(app);
    block_on(async move {
        for call in &calls {
            let path = call.uri.path();
            let mut headers = vec![
                ("brightpearl-app-ref", config.app_ref.as_str()),
                ("brightpearl-account-token", config.account_token.as_str()),
                ("host", "bp-sim.test"),
            ];
            if path.starts_with("/admin") {
                headers.push(("authorization", admin.as_str()));
            }
            let form = path.contains("/oauth/");
            headers.push(("content-type", if form { "application/x-www-form-urlencoded" } else { "application/json" }));
            let Ok(response) = router.clone().oneshot(call.request(&headers)).await;
            read_body(response).await;
        }
    });
});
