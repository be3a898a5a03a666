//! `integration-service/webhook`: create, list, get, delete and simulate.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::Webhooks;
use crate::bp::error::{ApiError, ApiResult};

const BASE: &str = "/public-api/{account}/integration-service/webhook";

/// The webhook endpoints, under `/public-api/{account}/integration-service/webhook`. The account,
/// authentication and rate limit are checked by the layers of the router they are merged into.
pub fn routes<S: Clone + Send + Sync + 'static>(webhooks: Webhooks) -> Router<S> {
    Router::new()
        .route(BASE, get(list).post(create).fallback(no_such_method))
        .route(&format!("{BASE}/{{id}}"), get(get_some).delete(delete).fallback(no_such_method))
        .route(&format!("{BASE}/{{id}}/simulate"), post(simulate).fallback(no_such_method))
        .with_state(webhooks)
}

async fn create(State(webhooks): State<Webhooks>, body: Bytes) -> Response {
    let id = json_body(&body).and_then(|body| webhooks.create(&body));
    answer("post-webhook", id.map(|id| json!({ "response": id })))
}

async fn list(State(webhooks): State<Webhooks>) -> Response {
    answer("get-webhook", webhooks.list().and_then(|hooks| response_of(&hooks)))
}

async fn get_some(State(webhooks): State<Webhooks>, Path((_, id_set)): Path<(String, String)>) -> Response {
    answer("get-webhook", webhooks.get(&id_set).and_then(|hooks| response_of(&hooks)))
}

async fn delete(State(webhooks): State<Webhooks>, Path((_, id)): Path<(String, String)>) -> Response {
    let deleted = match id.parse::<i64>() {
        Ok(id) => webhooks.delete(id),
        Err(_) => Err(ApiError::not_found(format!("Cannot find webhook: {id}"))),
    };
    answer("webhook-delete", deleted.map(|()| json!({})))
}

async fn simulate(State(webhooks): State<Webhooks>, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let simulated = match id.parse::<i64>() {
        Ok(id) => json_body(&body).and_then(|body| webhooks.simulate(id, &body)),
        Err(_) => Err(ApiError::not_found(format!("Cannot find webhook: {id}"))),
    };
    answer("webhook-simulate", simulated.map(|()| json!({})))
}

/// Other methods on these paths get the API's answer to an unknown resource, not a bare 405.
async fn no_such_method(method: Method, uri: Uri) -> Response {
    let path = uri.path().splitn(4, '/').nth(3).unwrap_or_default();
    answer("api-proxy", Err(ApiError::not_found(format!("No resource at {method} {path}"))))
}

fn json_body(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_body("You must supply a JSON body"));
    }
    serde_json::from_slice(body).map_err(|error| ApiError::bad_body(format!("The body is not valid JSON: {error}")))
}

fn response_of(hooks: &[super::Webhook]) -> ApiResult<Value> {
    serde_json::to_value(hooks)
        .map(|hooks| json!({ "response": hooks }))
        .map_err(|_| ApiError::new(500, "CMNU-003", "Internal Server Error"))
}

/// The JSON answer with Brightpearl's content type and `Message-Type`.
fn answer(message_type: &'static str, result: ApiResult<Value>) -> Response {
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(error) => (StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.body()),
    };
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json;charset=UTF-8"));
    headers.insert("message-type", HeaderValue::from_static(message_type));
    response
}
