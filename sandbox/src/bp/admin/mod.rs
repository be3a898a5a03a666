//! The admin interface: JSON endpoints under `/admin/` that change the account the way its users
//! would (place, invoice, ship, pay, receive, edit), one order or many at a time, and set the
//! fault knobs. Every change goes through the store's own methods, so it raises the same webhooks
//! as the public API. It sits outside the public API: no Brightpearl auth, no rate limit, but a
//! bearer token of its own, since it changes data.
//!
//! Endpoints (all JSON):
//! - `POST /admin/orders`: `{"type": "SO"|"PO", "count": N}` places N generated orders;
//!   `{"orders": [body, ...]}` places the given ones (sales-order bodies, or order bodies with
//!   `orderTypeCode` and optional `rows`).
//! - `POST /admin/order/{id}/{invoice|ship|pay|receive|edit}`: that one order; the answer is what
//!   was done, or the store's refusal with its status.
//! - `POST /admin/orders/{invoice|ship|pay|receive|edit}`: `{"ids": [1, 2]}` (or an ID set
//!   `"1-5,8"`) acts on those orders; `{"count": N}` on the first N, by id, that the action applies
//!   to (not yet invoiced, shipped, paid or received). `invoice` takes an optional `taxDate`, `edit`
//!   an optional JSON Patch `patch` (default: the delivery date moves to a week from today).
//! - `GET`/`PUT`/`DELETE /admin/faults`: the fault knobs ([`FaultSettings`]).
//! - `GET /admin/webhook-calls`: what became of the latest webhook calls.
//!
//! Each bulk answer lists what was `done` and what `failed` (with the store's errors); one failure
//! does not stop the rest.

mod actions;
mod place;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::bp::error::{ApiError, ApiResult};
use crate::bp::faults::{FaultSettings, Faults};
use crate::bp::idset;
use crate::bp::store::Store;
use crate::bp::webhooks::Webhooks;
use crate::bp::Config;
use crate::generate::OrderGenerator;
pub use actions::Action;
pub use place::Kind;

/// The admin token when none is configured (`--admin-token` or `BP_SIM_ADMIN_TOKEN`).
pub const DEFAULT_ADMIN_TOKEN: &str = "sandbox-admin-token";
/// The environment variable the admin token may come from.
pub const ADMIN_TOKEN_ENV: &str = "BP_SIM_ADMIN_TOKEN";
/// Orders one request may place or act on.
pub const MAX_BULK: usize = 10_000;

/// The admin token to use: the flag's, else the environment's, else the default.
pub fn admin_token(flag: Option<String>) -> String {
    flag.or_else(|| std::env::var(ADMIN_TOKEN_ENV).ok())
        .filter(|token| !token.is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_TOKEN.to_string())
}

/// What the admin interface works on. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Admin {
    store: Arc<Store>,
    webhooks: Webhooks,
    faults: Faults,
    token: Arc<str>,
    generator: OrderGenerator,
    /// The generator index of the next generated order; the seeded orders used those before it.
    next_generated: Arc<AtomicU64>,
}

impl Admin {
    pub fn new(config: &Config, store: Arc<Store>, webhooks: Webhooks, faults: Faults, token: &str) -> Self {
        Admin {
            store,
            webhooks,
            faults,
            token: token.into(),
            generator: OrderGenerator::new(config.seed),
            next_generated: Arc::new(AtomicU64::new(config.orders)),
        }
    }

    /// The `/admin/...` routes, behind the token check.
    pub fn routes<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new()
            .route("/admin/orders", post(place_orders))
            .route("/admin/orders/{action}", post(act_on_orders))
            .route("/admin/order/{id}/{action}", post(act_on_order))
            .route("/admin/faults", get(get_faults).put(set_faults).delete(clear_faults))
            .route("/admin/webhook-calls", get(webhook_calls))
            .route_layer(from_fn_with_state(self.clone(), require_token))
            .with_state(self)
    }

    /// Places orders as `POST /admin/orders` describes.
    pub fn place(&self, request: &Value) -> ApiResult<Value> {
        let mut outcome = Outcome::default();
        if let Some(bodies) = request.get("orders") {
            let bodies = bodies.as_array().ok_or_else(|| bad_request("orders must be a list of order bodies"))?;
            check_bulk(bodies.len())?;
            for (index, body) in bodies.iter().enumerate() {
                outcome.record(
                    json!({"index": index}),
                    place::place_body(&self.store, body).map(|id| json!({"orderId": id})),
                );
            }
            return Ok(outcome.into_json());
        }
        let kind = match request.get("type") {
            None => Kind::Sales,
            Some(code) => code.as_str().and_then(Kind::parse).ok_or_else(|| bad_request("type must be SO or PO"))?,
        };
        let count =
            count_of(request)?.ok_or_else(|| bad_request("give count (generated orders) or orders (bodies)"))?;
        for _ in 0..count {
            let index = self.next_generated.fetch_add(1, Ordering::Relaxed);
            let generated = self.generator.order(index);
            let placed = place::place_generated(&self.store, kind, &generated).map(|id| json!({"orderId": id}));
            outcome.record(json!({"index": index}), placed);
        }
        Ok(outcome.into_json())
    }

    /// Does `action` to the orders `request` names or counts.
    pub fn act(&self, action: Action, request: &Value) -> ApiResult<Value> {
        let ids: Vec<i64> = match (request.get("ids"), count_of(request)?) {
            (Some(ids), None) => ids_of(ids)?,
            (None, Some(count)) => self.store.read(|data| {
                data.orders
                    .iter()
                    .filter(|(_, order)| action.picks(data, order))
                    .map(|(id, _)| *id)
                    .take(count)
                    .collect()
            }),
            _ => return Err(bad_request("give either ids or count")),
        };
        let mut outcome = Outcome::default();
        for id in ids {
            outcome.record(json!({"orderId": id}), action.apply(&self.store, id, request));
        }
        Ok(outcome.into_json())
    }
}

/// What a bulk request came to.
#[derive(Debug, Default)]
struct Outcome {
    done: Vec<Value>,
    failed: Vec<Value>,
}

impl Outcome {
    fn record(&mut self, target: Value, result: ApiResult<Value>) {
        match result {
            Ok(done) => self.done.push(done),
            Err(error) => {
                let mut failure = target;
                failure["errors"] = error.body()["errors"].clone();
                self.failed.push(failure);
            }
        }
    }

    fn into_json(self) -> Value {
        json!({"done": self.done, "failed": self.failed})
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "ADMIN-400", message)
}

fn check_bulk(n: usize) -> ApiResult<()> {
    if n > MAX_BULK {
        return Err(bad_request(format!("at most {MAX_BULK} orders a request")));
    }
    Ok(())
}

/// `count`, if given: a whole number up to [`MAX_BULK`].
fn count_of(request: &Value) -> ApiResult<Option<usize>> {
    let Some(count) = request.get("count") else { return Ok(None) };
    let count = count.as_u64().and_then(|n| usize::try_from(n).ok());
    let count = count.ok_or_else(|| bad_request("count must be a whole number"))?;
    check_bulk(count)?;
    Ok(Some(count))
}

/// `ids`: a list of order ids or an ID set such as `"1-5,8"`.
fn ids_of(ids: &Value) -> ApiResult<Vec<i64>> {
    let ids = match ids {
        Value::String(text) => idset::parse(text, MAX_BULK)
            .map(|ids| ids.into_iter().collect())
            .map_err(|_| bad_request(format!("ids {text:?} is not an ID set of at most {MAX_BULK} ids")))?,
        Value::Array(list) => list
            .iter()
            .map(Value::as_i64)
            .collect::<Option<Vec<i64>>>()
            .ok_or_else(|| bad_request("ids must be order ids"))?,
        _ => return Err(bad_request("ids must be a list of order ids or an ID set")),
    };
    check_bulk(ids.len())?;
    Ok(ids)
}

/// Lets a request through only with `Authorization: Bearer <admin token>`.
async fn require_token(State(admin): State<Admin>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if presented.is_some_and(|token| same_secret(token, &admin.token)) {
        next.run(request).await
    } else {
        answer(Err(ApiError::new(401, "ADMIN-401", "The admin interface needs Authorization: Bearer <admin token>")))
    }
}

/// Compares secrets in time independent of where they differ.
fn same_secret(presented: &str, expected: &str) -> bool {
    presented.len() == expected.len()
        && presented.bytes().zip(expected.bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

fn json_body(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|error| bad_request(format!("the body is not valid JSON: {error}")))
}

fn answer(result: ApiResult<Value>) -> Response {
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(error) => (StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.body()),
    };
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

async fn place_orders(State(admin): State<Admin>, body: Bytes) -> Response {
    answer(json_body(&body).and_then(|request| admin.place(&request)))
}

async fn act_on_orders(State(admin): State<Admin>, Path(action): Path<String>, body: Bytes) -> Response {
    let acted =
        action_named(&action).and_then(|action| json_body(&body).and_then(|request| admin.act(action, &request)));
    answer(acted)
}

/// One order: what was done, or the store's refusal with its own status.
async fn act_on_order(State(admin): State<Admin>, Path((id, action)): Path<(String, String)>, body: Bytes) -> Response {
    let id = id.parse::<i64>().map_err(|_| bad_request(format!("{id:?} is not an order id")));
    let acted = id.and_then(|id| {
        let action = action_named(&action)?;
        action.apply(&admin.store, id, &json_body(&body)?)
    });
    answer(acted)
}

fn action_named(name: &str) -> ApiResult<Action> {
    match name {
        "invoice" => Ok(Action::Invoice),
        "ship" => Ok(Action::Ship),
        "pay" => Ok(Action::Pay),
        "receive" => Ok(Action::Receive),
        "edit" => Ok(Action::Edit),
        other => {
            let message = format!("no admin action {other:?}: invoice, ship, pay, receive or edit");
            Err(ApiError::new(404, "ADMIN-404", message))
        }
    }
}

async fn get_faults(State(admin): State<Admin>) -> Response {
    answer(serde_json::to_value(admin.faults.settings()).map_err(|error| bad_request(error.to_string())))
}

async fn set_faults(State(admin): State<Admin>, body: Bytes) -> Response {
    let settings = serde_json::from_slice::<FaultSettings>(&body)
        .map_err(|error| bad_request(format!("fault settings: {error}")))
        .and_then(|settings| admin.faults.set(settings.clone()).map(|()| settings));
    answer(settings.and_then(|settings| serde_json::to_value(settings).map_err(|error| bad_request(error.to_string()))))
}

async fn clear_faults(State(admin): State<Admin>) -> Response {
    answer(admin.faults.set(FaultSettings::default()).map(|()| json!({})))
}

async fn webhook_calls(State(admin): State<Admin>) -> Response {
    answer(
        serde_json::to_value(admin.webhooks.calls())
            .map(|calls| json!({"calls": calls}))
            .map_err(|error| bad_request(error.to_string())),
    )
}
