//! Starts bp-sim in-process on a free loopback port for a test.

use std::sync::Arc;

use reqwest::blocking::{Client, RequestBuilder, Response};
use sandbox::bp::{server, App, Config, Events};
use serde_json::Value;

pub struct Sim {
    pub base: String,
    pub client: Client,
    pub app: Arc<App>,
}

impl Sim {
    pub fn start(config: Config) -> Sim {
        let app = App::new(config, Events::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let served = app.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                server::serve(listener, served, std::future::pending()).await.unwrap();
            });
        });
        let address = rx.recv().unwrap();
        Sim { base: format!("http://{address}"), client: Client::new(), app }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/public-api/sandbox/{}", self.base, path.trim_start_matches('/'))
    }

    /// A request with the default private-app headers.
    pub fn private(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("brightpearl-app-ref", "sandbox")
            .header("brightpearl-account-token", "sandbox-dev-token")
    }

    pub fn get(&self, path: &str) -> Response {
        self.private(reqwest::Method::GET, path).send().unwrap()
    }

    pub fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path);
        let status = response.status().as_u16();
        (status, response.json().unwrap())
    }

    pub fn send_json(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let response = self.private(method, path).json(body).send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap())
    }
}
