//! A webhook receiver for tests: records every call and answers with scripted statuses.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::Router;

/// One call as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Default)]
struct Shared {
    calls: Vec<Received>,
    /// Statuses to answer with, in order; 200 once they run out.
    script: VecDeque<u16>,
}

/// A receiver on a loopback port, served from a thread of its own.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl Receiver {
    /// A receiver answering 200 to everything.
    pub fn start() -> Receiver {
        Receiver::answering(&[])
    }

    /// A receiver answering `script` in order, then 200.
    pub fn answering(script: &[u16]) -> Receiver {
        let shared = Arc::new(Mutex::new(Shared { calls: Vec::new(), script: script.iter().copied().collect() }));
        let app = Router::new().fallback(record).with_state(shared.clone());
        let addr = serve_in_thread(app);
        Receiver { addr, shared }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn calls(&self) -> Vec<Received> {
        self.shared.lock().unwrap().calls.clone()
    }

    /// Waits until at least `n` calls arrived (up to 10 s), then returns all of them.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let calls = self.calls();
            if calls.len() >= n || Instant::now() > deadline {
                return calls;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

async fn record(
    State(shared): State<Arc<Mutex<Shared>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut shared = shared.lock().unwrap();
    let uri = uri.path_and_query().map(|pq| pq.to_string()).unwrap_or_default();
    shared.calls.push(Received { method, uri, headers, body: String::from_utf8_lossy(&body).into_owned() });
    let status = shared.script.pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// Serves `app` on a fresh loopback port from a thread with its own runtime.
pub fn serve_in_thread(app: Router) -> SocketAddr {
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

/// A loopback address nothing listens on: connections to it are refused.
pub fn refusing_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
