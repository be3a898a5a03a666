//! The HTTP server: the public API under `/public-api/{account}/{service}-service/...`, the OAuth
//! endpoints, and the gate every API call passes (account, auth, throttle, response headers).
//!
//! Where more routes plug in (see [`router`]):
//! - routes of the public API (webhooks) go into `public`, before the catch-all: they are then
//!   authenticated, throttled and given the same headers, e.g.
//!   `.merge(super::webhooks::routes())` with paths like `/public-api/{account}/integration-service/webhook`;
//! - routes outside the public API (the admin interface, `/admin/...`) are merged into the outer
//!   router next to the OAuth routes, e.g. `.merge(super::admin::routes())`.
//!
//! Both kinds of routes are `Router<Arc<App>>` and reach the store through [`App`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Form, Router};
use serde_json::{json, Value};

use super::admin::Admin;
use super::api::{self, Body, Reply};
use super::auth::{Auth, Caller, TokenForm};
use super::config::Config;
use super::events::Events;
use super::faults::Faults;
use super::store::Store;
use super::throttle::{Throttle, TOO_MANY_REQUESTS};
use super::webhooks::Webhooks;

/// Request bodies larger than this are refused.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// Multi-message runs at most this many messages.
const MAX_MESSAGES: usize = 10;

/// Everything the handlers share.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    pub store: Arc<Store>,
    pub auth: Auth,
    pub throttle: Throttle,
    pub webhooks: Webhooks,
    pub faults: Faults,
    pub admin: Admin,
    requests: AtomicU64,
}

impl App {
    /// The seeded account of `config`, publishing on `events`.
    pub fn new(config: Config, events: Events) -> Arc<App> {
        let store = Arc::new(Store::seeded(&config, events));
        let auth = Auth::new(&config);
        let throttle = Throttle::new(config.rate_limit, config.scaled(Duration::from_secs(60)));
        let (webhooks, faults) = (Webhooks::new(&config), Faults::default());
        let admin = Admin::new(&config, store.clone(), webhooks.clone(), faults.clone(), &config.admin_token);
        Arc::new(App { config, store, auth, throttle, webhooks, faults, admin, requests: AtomicU64::new(0) })
    }

    /// A request id for the `Ruid` header, shaped like a UUID.
    fn ruid(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let mixed = crate::generate::mix(self.config.seed ^ 0x5255_4944, n);
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            mixed >> 32,
            (mixed >> 16) & 0xffff,
            n & 0xfff,
            (mixed >> 4) & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }
}

/// The whole simulator.
pub fn router(app: Arc<App>) -> Router {
    let public = Router::new()
        .route("/public-api/{account}/multi-message", post(multi_message))
        .route("/public-api/{account}/{*path}", any(public_api))
        .merge(super::webhooks::routes(app.webhooks.clone()))
        .route_layer(middleware::from_fn_with_state(app.clone(), gate));
    let public = app.faults.wrap(public);
    Router::new()
        .route("/oauth/authorize/{account}", get(authorize))
        .route("/oauth/token/{account}", post(token))
        .route("/{account}/oauth/token", post(token))
        .merge(public)
        .merge(app.admin.clone().routes())
        .with_state(app)
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    app.webhooks.start(app.store.events());
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}

fn json_response(status: u16, body: &Value, message_type: &str) -> Response {
    text_response(status, body.to_string(), message_type)
}

fn reply_response(reply: Reply) -> Response {
    text_response(reply.status, reply.body.into_text(), &reply.message_type)
}

fn text_response(status: u16, body: String, message_type: &str) -> Response {
    let mut response =
        (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json;charset=UTF-8"));
    if let Ok(value) = HeaderValue::from_str(message_type) {
        headers.insert("message-type", value);
    }
    response
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Every API call: the account must be this one, the caller authenticated and within the
/// throttle. Every answer gets the throttle headers, a `Ruid` and no-cache headers.
async fn gate(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let account = path.strip_prefix("/public-api/").and_then(|rest| rest.split('/').next()).unwrap_or("");
    let headers = request.headers();
    let checked = app.auth.check(
        header(headers, "brightpearl-app-ref"),
        header(headers, "brightpearl-account-token"),
        header(headers, "authorization"),
    );
    let (mut response, allowance, caller) = if account != app.config.account {
        let body = json!({"errors": [{"code": "CMNC-404", "message": format!("Account {account} not found")}]});
        (json_response(404, &body, "api-proxy"), app.throttle.peek(), None)
    } else {
        match checked {
            Err(message) => {
                (json_response(401, &json!({ "response": message }), "api-proxy"), app.throttle.peek(), None)
            }
            Ok(caller) => {
                let allowance = app.throttle.take();
                if allowance.allowed {
                    (next.run(request).await, allowance, Some(caller))
                } else {
                    (
                        json_response(503, &json!({ "response": TOO_MANY_REQUESTS }), "api-proxy"),
                        allowance,
                        Some(caller),
                    )
                }
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert("brightpearl-requests-remaining", HeaderValue::from(allowance.remaining));
    headers.insert("brightpearl-next-throttle-period", HeaderValue::from(allowance.next_period_ms));
    if let Ok(ruid) = HeaderValue::from_str(&app.ruid()) {
        headers.insert("ruid", ruid);
    }
    headers.insert("cache-control", HeaderValue::from_static("no-cache, must-revalidate"));
    headers.insert("pragma", HeaderValue::from_static("no-cache"));
    headers.insert("expires", HeaderValue::from_static("Mon, 20 Dec 1998 01:00:00 GMT"));
    if let Some(Caller::Installation(id)) = caller {
        headers.insert("brightpearl-installed-integration-instance-id", HeaderValue::from(id));
    }
    response
}

/// Reads a JSON body; `Ok(None)` when there is none.
fn parse_body(bytes: &Bytes) -> Result<Option<Value>, Reply> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|error| Reply {
        status: 400,
        body: Body::Json(
            json!({"errors": [{"code": "CMNC-010", "message": format!("The body is not valid JSON: {error}")}]}),
        ),
        message_type: "api-proxy".into(),
    })
}

async fn public_api(
    State(app): State<Arc<App>>,
    method: Method,
    query: Result<Query<BTreeMap<String, String>>, QueryRejection>,
    request: Request,
) -> Response {
    let Ok(Query(query)) = query else {
        let body = json!({"errors": [{"code": "CMNC-018", "message": "The query string cannot be parsed"}]});
        return json_response(400, &body, "api-proxy");
    };
    let path = request.uri().path().to_string();
    let if_match = header(request.headers(), "if-match").and_then(|v| v.trim_matches('"').parse().ok());
    let bytes = match to_bytes(request.into_body(), MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return json_response(
                413,
                &json!({"errors": [{"code": "CMNC-011", "message": "The body is too large"}]}),
                "api-proxy",
            )
        }
    };
    let relative = path.splitn(4, '/').nth(3).unwrap_or("");
    let reply = match parse_body(&bytes) {
        Err(reply) => reply,
        Ok(body) => {
            let store = app.store.clone();
            let method = method.as_str().to_string();
            let relative = relative.to_string();
            // The store's lock is synchronous; large searches must not stall the async workers.
            tokio::task::spawn_blocking(move || {
                api::dispatch(
                    &store,
                    &api::Request { method: &method, path: &relative, query: &query, body: body.as_ref(), if_match },
                )
            })
            .await
            .unwrap_or_else(|_| Reply::internal_error())
        }
    };
    reply_response(reply)
}

/// `POST /public-api/{account}/multi-message`: up to 10 POST/PUT/DELETE messages, run in order;
/// with `onFail: STOP` the rest are skipped after the first failure. Each processed message's
/// body is its JSON answer as a string. 200 when all succeeded, 207 otherwise.
async fn multi_message(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let reply = match parse_body(&body) {
        Err(reply) => reply,
        Ok(body) => {
            let store = app.store.clone();
            tokio::task::spawn_blocking(move || run_messages(&store, body.as_ref()))
                .await
                .unwrap_or_else(|_| Reply::internal_error())
        }
    };
    reply_response(reply)
}

fn run_messages(store: &Store, body: Option<&Value>) -> Reply {
    let refuse = |message: &str| Reply {
        status: 400,
        body: Body::Json(json!({"errors": [{"code": "CMNC-010", "message": message}]})),
        message_type: "multi-message".into(),
    };
    let Some(body) = body else { return refuse("You must supply a JSON body") };
    let Some(messages) = body.get("messages").and_then(Value::as_array) else { return refuse("messages is required") };
    if messages.is_empty() || messages.len() > MAX_MESSAGES {
        return refuse("A multi-message request holds 1 to 10 messages");
    }
    let parallel = body.get("processingMode").and_then(Value::as_str) == Some("PARALLEL");
    let stop = body.get("onFail").and_then(Value::as_str) != Some("CONTINUE");
    if parallel && stop {
        return refuse("PARALLEL processing cannot be combined with onFail STOP");
    }
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    let mut failed = false;
    for message in messages {
        let label = message.get("label").and_then(Value::as_str).unwrap_or("").to_string();
        if failed && stop {
            unprocessed.push(json!(label));
            continue;
        }
        let method = message.get("httpMethod").and_then(Value::as_str).unwrap_or("").to_ascii_uppercase();
        let uri = message.get("uri").and_then(Value::as_str).unwrap_or("");
        let reply = if matches!(method.as_str(), "POST" | "PUT" | "DELETE") {
            let (path, query_text) = uri.split_once('?').unwrap_or((uri, ""));
            let query: BTreeMap<String, String> = query_text
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            api::dispatch(
                store,
                &api::Request { method: &method, path, query: &query, body: message.get("body"), if_match: None },
            )
        } else {
            Reply {
                status: 400,
                body: Body::Json(
                    json!({"errors": [{"code": "CMNC-022", "message": "Only POST, PUT and DELETE messages are allowed"}]}),
                ),
                message_type: String::new(),
            }
        };
        failed |= reply.status >= 400;
        let status = reply.status;
        processed.push(json!({"label": label, "statusCode": status, "body": {"content": reply.body.into_text()}}));
    }
    let status = if failed || !unprocessed.is_empty() { 207 } else { 200 };
    Reply {
        status,
        body: Body::Json(json!({"response": {"processedMessages": processed, "unprocessedMessages": unprocessed}})),
        message_type: "multi-message".into(),
    }
}

/// `GET /oauth/authorize/{account}?response_type=code&client_id&redirect_uri&state`: approved at
/// once, redirecting to `redirect_uri` with `code` and `state`.
async fn authorize(
    State(app): State<Arc<App>>,
    axum::extract::Path(account): axum::extract::Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let redirect = query.get("redirect_uri").cloned().unwrap_or_default();
    let client = query.get("client_id").cloned().unwrap_or_default();
    if account != app.config.account
        || query.get("response_type").map(String::as_str) != Some("code")
        || redirect.is_empty()
    {
        return json_response(400, &json!({"error": "invalid_request"}), "oauth");
    }
    let Some(code) = app.auth.authorize(&client, &redirect) else {
        return json_response(400, &json!({"error": "invalid_client"}), "oauth");
    };
    let separator = if redirect.contains('?') { '&' } else { '?' };
    let mut location = format!("{redirect}{separator}code={}", encode(&code));
    if let Some(state) = query.get("state") {
        location.push_str(&format!("&state={}", encode(state)));
    }
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert("location", value);
    }
    response
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The token endpoint (form-encoded): authorization-code and refresh-token grants.
async fn token(
    State(app): State<Arc<App>>,
    axum::extract::Path(account): axum::extract::Path<String>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return json_response(400, &json!({"error": "invalid_request"}), "oauth");
    };
    if account != app.config.account {
        return json_response(400, &json!({"error": "invalid_client"}), "oauth");
    }
    let domain = header(&headers, "host").unwrap_or("localhost").to_string();
    match app.auth.token(&form, &domain) {
        Ok(body) => json_response(200, &body, "oauth"),
        Err(body) => json_response(400, &body, "oauth"),
    }
}
