//! What the fuzz targets share: the compiled standard sales-order mapping, a fuzz input read as a short
//! sequence of requests, and a runtime that answers them in-process.
//!
//! An input holds up to [`MAX_REQUESTS`] requests separated by the byte 0x1E (record separator). Each
//! request is a first line `METHOD TARGET` and, after its newline, the body:
//!
//! ```text
//! POST /public-api/sandbox/order-service/sales-order
//! {"customer": {"id": 3}}
//! ```
//!
//! A request whose method or target HTTP cannot carry is skipped, as no client could send it.

use std::future::Future;
use std::sync::{Once, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, Uri};
use tokio::runtime::Runtime;

/// `mappings/sales_order.map`, compiled once per process.
pub fn sales_order_program() -> &'static maprun::ir::Program {
    static PROGRAM: OnceLock<maprun::ir::Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let registry = mapc::schema::Registry::embedded();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings/sales_order.map");
        match mapc::driver::build_file(&path, &registry).1 {
            Some(Ok(program)) => program,
            _ => panic!("sales_order.map must build"),
        }
    })
}

/// Requests one input may make, so that a sequence (create, then change) can reach deeper state.
pub const MAX_REQUESTS: usize = 4;

/// The byte between two requests of one input.
pub const SEPARATOR: u8 = 0x1E;

/// One request of an input.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub uri: Uri,
    pub body: Vec<u8>,
}

impl Call {
    /// An HTTP request of the call with the given headers.
    pub fn request(&self, headers: &[(&str, &str)]) -> Request<Body> {
        let mut request = Request::new(Body::from(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) =
                (axum::http::HeaderName::from_bytes(name.as_bytes()), axum::http::HeaderValue::from_str(value))
            {
                request.headers_mut().insert(name, value);
            }
        }
        request
    }
}

/// The requests of an input, in order.
pub fn calls(data: &[u8]) -> Vec<Call> {
    data.split(|byte| *byte == SEPARATOR).take(MAX_REQUESTS).filter_map(call).collect()
}

fn call(part: &[u8]) -> Option<Call> {
    let (line, body) = match part.iter().position(|byte| *byte == b'\n') {
        Some(end) => (&part[..end], &part[end + 1..]),
        None => (part, &[][..]),
    };
    let line = std::str::from_utf8(line).ok()?.trim_end_matches('\r');
    let (method, target) = line.split_once(' ')?;
    let method = Method::from_bytes(method.as_bytes()).ok()?;
    let uri = target.trim().parse::<Uri>().ok()?;
    // Only origin-form targets reach a server's router.
    if uri.scheme().is_some() || !uri.path().starts_with('/') {
        return None;
    }
    Some(Call { method, uri, body: body.to_vec() })
}

/// Makes a panic on any thread a crash. The routers run blocking work on Tokio's blocking threads,
/// where a panic would otherwise become a 500 answer and go unnoticed.
pub fn crash_on_any_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            std::process::abort();
        }));
    });
}

/// Runs `future` to completion on the targets' runtime. Its clock is paused: a simulator's sleeps
/// (fault knobs' latency, truncation pauses) pass at once instead of stalling the fuzzer.
pub fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        crash_on_any_panic();
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("build the fuzz targets' runtime")
    });
    runtime.block_on(future)
}

/// Reads a whole answer body, as a client would, so that bodies built lazily are built.
pub async fn read_body(response: axum::response::Response) -> Vec<u8> {
    axum::body::to_bytes(response.into_body(), usize::MAX).await.map(|bytes| bytes.to_vec()).unwrap_or_default()
}
