//! The HTTP service: the routes of `docs/gp-http-contract.md`, bearer authentication, fault knobs.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::document;
use super::error::{self, EconnectError};
use super::faults::{Fault, Faults};
use super::numbers;
use super::post::{self, PostError};
use super::query::{self, QueryError};
use super::Config;

/// What every request shares.
pub struct Service {
    company: String,
    token: String,
    db: Mutex<rusqlite::Connection>,
    registry: mapc::schema::Registry,
    faults: Mutex<Faults>,
}

impl Service {
    /// Opens (and seeds, if new) the database.
    pub fn open(config: &Config) -> rusqlite::Result<Self> {
        Ok(Service {
            company: config.company.clone(),
            token: config.token.clone(),
            db: Mutex::new(super::db::open(config.db.as_deref(), config.seed)?),
            registry: mapc::schema::Registry::embedded(),
            faults: Mutex::new(config.faults.clone()),
        })
    }

    /// Runs `f` on the database (for tests and tools that read what GP holds).
    pub fn with_db<T>(&self, f: impl FnOnce(&mut rusqlite::Connection) -> T) -> T {
        f(&mut self.db.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Shared = Arc<Service>;

/// The routes.
pub fn router(service: Shared) -> Router {
    Router::new()
        .route("/econnect/v1/{company}/documents", post(post_documents))
        .route("/econnect/v1/{company}/documents/{kind}", get(get_document))
        .route("/econnect/v1/{company}/changes", get(get_changes))
        .route("/econnect/v1/{company}/next-number/{series}", post(post_next_number))
        .route("/admin/faults", put(put_faults).get(get_faults))
        .with_state(service)
}

/// Serves on a bound listener until the future is dropped.
pub async fn serve(listener: TcpListener, service: Shared) -> std::io::Result<()> {
    let app = router(service).into_make_service_with_connect_info::<Client>();
    axum::serve(CuttableListener(listener), app).await
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body.into()).into_response()
}

fn unavailable(reason: &str) -> Response {
    let mut response = text(StatusCode::SERVICE_UNAVAILABLE, format!("the service is unavailable: {reason}"));
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Authentication, the company, and the faults due before the request is handled.
async fn admit(service: &Service, headers: &HeaderMap, company: &str, client: &Client) -> Result<(), Response> {
    if !authorized(service, headers) {
        return Err(unauthorized());
    }
    // Company ids are database names, which SQL Server compares without case.
    if !company.eq_ignore_ascii_case(&service.company) {
        return Err(text(StatusCode::NOT_FOUND, format!("no company {company} on this service")));
    }
    let (fault, slow) = {
        let mut faults = service.faults();
        (faults.take_before(), faults.slow_ms)
    };
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    match fault {
        Some(Fault::DropBefore) => {
            // The answer is never written: the cut connection closes first.
            client.cut();
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Some(Fault::Unavailable) => Err(unavailable("fault injected")),
        Some(Fault::ServerError) => Err(text(StatusCode::INTERNAL_SERVER_ERROR, "internal error (fault injected)")),
        None => Ok(()),
    }
}

/// Whether the request carries the service's bearer token.
fn authorized(service: &Service, headers: &HeaderMap) -> bool {
    let presented =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    presented.is_some_and(|token| constant_time_eq(token.trim().as_bytes(), service.token.as_bytes()))
}

fn unauthorized() -> Response {
    let mut response = text(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"econnect\""));
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn rejected(error: &EconnectError) -> Response {
    text(StatusCode::UNPROCESSABLE_ENTITY, error.to_string())
}

async fn post_documents(
    State(service): State<Shared>,
    Path(company): Path<String>,
    ConnectInfo(client): ConnectInfo<Client>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = admit(&service, &headers, &company, &client).await {
        return response;
    }
    let worker = service.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let text = std::str::from_utf8(&body).map_err(|e| {
            PostError::Rejected(EconnectError::new(
                error::NOT_WELL_FORMED,
                "eConnect",
                format!("The document is not UTF-8 text: {e}"),
            ))
        })?;
        let document = document::validate(text, &worker.registry)?;
        if worker.faults().take_in_use() {
            let node = document.transactions.iter().flat_map(|t| t.nodes.last()).next();
            let description = "The document is being edited by another user; try again when it is free";
            return Err(PostError::Rejected(match node {
                Some(node) => node.error(error::DOCUMENT_IN_USE, description, &[]),
                None => EconnectError::new(error::DOCUMENT_IN_USE, "eConnect", description),
            }));
        }
        worker.with_db(|db| post::post(db, &document))
    })
    .await;
    let response = match outcome {
        Ok(Ok(written)) => {
            Json(json!({ "documents": written.iter().map(post::Written::to_json).collect::<Vec<_>>() })).into_response()
        }
        Ok(Err(PostError::Rejected(error))) => rejected(&error),
        Ok(Err(PostError::Store(e))) => unavailable(&format!("the store failed: {e}")),
        Err(_) => unavailable("the request could not be processed"),
    };
    if service.faults().take_drop_after() {
        client.cut();
    }
    response
}

async fn get_document(
    State(service): State<Shared>,
    Path((company, kind)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    ConnectInfo(client): ConnectInfo<Client>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = admit(&service, &headers, &company, &client).await {
        return response;
    }
    match service.with_db(|db| query::document(db, &kind, &query)) {
        Ok(found) => Json(found).into_response(),
        Err(error) => query_error(error),
    }
}

fn query_error(error: QueryError) -> Response {
    match error {
        QueryError::BadRequest(message) => text(StatusCode::BAD_REQUEST, message),
        QueryError::NotFound => (StatusCode::NOT_FOUND, Json(json!({"error": "no such document"}))).into_response(),
        QueryError::Store(e) => unavailable(&format!("the store failed: {e}")),
    }
}

#[derive(serde::Deserialize)]
struct ChangesQuery {
    since: Option<String>,
    limit: Option<i64>,
}

async fn get_changes(
    State(service): State<Shared>,
    Path(company): Path<String>,
    Query(query): Query<ChangesQuery>,
    ConnectInfo(client): ConnectInfo<Client>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = admit(&service, &headers, &company, &client).await {
        return response;
    }
    let since = query.since.unwrap_or_else(|| "0".into());
    match service.with_db(|db| query::changes(db, &since, query.limit)) {
        Ok(page) => Json(page).into_response(),
        Err(error) => query_error(error),
    }
}

async fn post_next_number(
    State(service): State<Shared>,
    Path((company, series)): Path<(String, String)>,
    ConnectInfo(client): ConnectInfo<Client>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = admit(&service, &headers, &company, &client).await {
        return response;
    }
    match service.with_db(|db| numbers::next(db, &series)) {
        Ok(Some(number)) => Json(json!({ "series": series, "number": number })).into_response(),
        Ok(None) => text(
            StatusCode::NOT_FOUND,
            format!("no number series {series}; the series are {}", numbers::SERIES.join(", ")),
        ),
        Err(e) => unavailable(&format!("the store failed: {e}")),
    }
}

/// The admin routes need the token but never get faults themselves.
async fn put_faults(State(service): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&service, &headers) {
        return unauthorized();
    }
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            *service.faults() = faults.clone();
            Json(faults).into_response()
        }
        Err(e) => text(StatusCode::BAD_REQUEST, format!("faults: {e}")),
    }
}

async fn get_faults(State(service): State<Shared>, headers: HeaderMap) -> Response {
    if !authorized(&service, &headers) {
        return unauthorized();
    }
    let faults: Value = serde_json::to_value(service.faults().clone()).unwrap_or_default();
    Json(faults).into_response()
}

/// A client's connection; a handler can cut it so the client gets no answer at all.
#[derive(Debug, Clone)]
pub struct Client {
    pub peer: SocketAddr,
    cut: Arc<AtomicBool>,
}

impl Client {
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, CuttableListener>> for Client {
    fn connect_info(stream: axum::serve::IncomingStream<'_, CuttableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections can be cut from a handler.
pub struct CuttableListener(pub TcpListener);

impl axum::serve::Listener for CuttableListener {
    type Io = CuttableStream;
    type Addr = Client;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, peer)) => {
                    let cut = Arc::new(AtomicBool::new(false));
                    return (CuttableStream { inner: stream, cut: cut.clone() }, Client { peer, cut });
                }
                // Out of file descriptors and the like: wait and accept again, as axum's listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(Client { peer: self.0.local_addr()?, cut: Arc::default() })
    }
}

/// A TCP stream that fails every write and reads end-of-file once cut, so the server closes it without
/// an answer.
pub struct CuttableStream {
    inner: TcpStream,
    cut: Arc<AtomicBool>,
}

impl CuttableStream {
    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

impl AsyncRead for CuttableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        if self.is_cut() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        if self.is_cut() {
            return Poll::Ready(Err(std::io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.is_cut() {
            return Poll::Ready(Err(std::io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
