//! `gp-sim`: a GP eConnect endpoint implementing the project's HTTP contract
//! (`docs/gp-http-contract.md`), enforcing what eConnect and GP check.
//!
//! A document goes through [`document::validate`] (well-formed, XSD order, required elements, types,
//! lengths, scales and value sets, from the project's eConnect schema), then [`post::post`] (GP's rules,
//! one SQLite transaction), into tables named after GP's ([`db`]).

pub mod db;
pub mod document;
pub mod error;
pub mod faults;
mod inventory;
mod ledger;
mod master;
pub mod numbers;
pub mod post;
mod purchasing;
pub mod query;
mod receivables;
pub mod server;
mod sop;
pub mod xml;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use faults::Faults;
pub use server::Service;

/// The token a client presents when none is configured (`--token`).
pub const DEFAULT_TOKEN: &str = "gp-sim-token";
/// GP's sample company, the default company id.
pub const DEFAULT_COMPANY: &str = "TWO";

/// How the simulator runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub company: String,
    pub token: String,
    /// The seed of the generator GP's master data comes from.
    pub seed: u64,
    /// A SQLite file to keep GP's tables in; in memory when `None`.
    pub db: Option<PathBuf>,
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            company: DEFAULT_COMPANY.into(),
            token: DEFAULT_TOKEN.into(),
            seed: 1,
            db: None,
            faults: Faults::default(),
        }
    }
}

/// A simulator serving on a background thread (tests, the demo).
pub struct Running {
    pub addr: SocketAddr,
    pub service: Arc<Service>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the simulator on `addr` (e.g. `127.0.0.1:0`) on a thread of its own.
pub fn start(addr: &str, config: &Config) -> std::io::Result<Running> {
    let service = Arc::new(Service::open(config).map_err(std::io::Error::other)?);
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let serving = service.clone();
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            tokio::select! {
                _ = server::serve(listener, serving) => {}
                _ = stopped => {}
            }
        })
    });
    Ok(Running { addr, service, shutdown: Some(shutdown), thread: Some(thread) })
}
