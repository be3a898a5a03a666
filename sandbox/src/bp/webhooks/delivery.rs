//! Sending webhook calls: one HTTP request per call, retried as the webhook's quality of service
//! allows, and a bounded log of what happened to each call.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use tokio::sync::Semaphore;

use super::subscription::{HttpMethod, QualityOfService};
use crate::bp::Config;

/// Waits before each retry, in real-world time (divided by the time scale when run). Brightpearl
/// does not document its timings; these back off from seconds to an hour, so a receiver that is
/// down for a deploy gets its calls soon after, and one that is down for long is tried for about
/// an hour and a half before the call is given up.
pub const RETRY_DELAYS: [Duration; 6] = [
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];

/// How long one attempt may take, connecting included. Not scaled: it bounds a real socket.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Calls in flight at once; more wait their turn rather than flood a receiver.
const MAX_IN_FLIGHT: usize = 32;
/// Calls the log keeps; the oldest are forgotten first.
const LOG_CAPACITY: usize = 1_000;

/// One HTTP request a webhook makes, its templates filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub webhook_id: i64,
    pub method: HttpMethod,
    pub uri: String,
    /// Content type and body, for POST and PUT.
    pub body: Option<(String, String)>,
    pub quality_of_service: QualityOfService,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallState {
    /// Being sent, or waiting for a retry.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// No more attempts will be made.
    GivenUp,
}

/// What the log shows of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// Sequence number of the call since start.
    pub seq: u64,
    pub webhook_id: i64,
    pub http_method: HttpMethod,
    pub uri: String,
    pub attempts: u32,
    pub state: CallState,
    /// The status of the last answer, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// Why the last attempt got no answer, if it got none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// What one attempt came to.
#[derive(Debug)]
enum Attempt {
    Answered(StatusCode),
    /// No answer: refused, reset, timed out.
    NoAnswer(String),
    /// The request could not even be built (the rendered URI is not a URL); retrying cannot help.
    Unsendable(String),
}

/// Sends calls in the background and keeps their log.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    delays: Arc<[Duration]>,
    in_flight: Arc<Semaphore>,
    log: Arc<Mutex<Log>>,
}

#[derive(Debug, Default)]
struct Log {
    next_seq: u64,
    records: VecDeque<CallRecord>,
}

impl Sender {
    pub fn new(config: &Config) -> Self {
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            // Brightpearl's calls are plain requests to the URI given; a redirect is an answer.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Sender {
            client,
            delays: RETRY_DELAYS.iter().map(|delay| config.scaled(*delay)).collect(),
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            log: Arc::default(),
        }
    }

    /// Starts sending `call` and returns at once.
    pub fn send(&self, call: Call) {
        let seq = self.log_new(&call);
        let sender = self.clone();
        tokio::spawn(async move { sender.deliver(seq, call).await });
    }

    /// The calls remembered, oldest first.
    pub fn log(&self) -> Vec<CallRecord> {
        self.log.lock().map(|log| log.records.iter().cloned().collect()).unwrap_or_default()
    }

    async fn deliver(&self, seq: u64, call: Call) {
        let mut retries = self.delays.iter();
        loop {
            let attempt = {
                // The semaphore is never closed; without a permit the call simply goes unthrottled.
                let _permit = self.in_flight.acquire().await.ok();
                self.attempt(&call).await
            };
            let state = match &attempt {
                Attempt::Answered(status) if status.is_success() => CallState::Delivered,
                attempt if should_retry(call.quality_of_service, attempt) => CallState::Pending,
                _ => CallState::GivenUp,
            };
            let delay = match state {
                CallState::Pending => retries.next().copied(),
                _ => None,
            };
            let state = if state == CallState::Pending && delay.is_none() { CallState::GivenUp } else { state };
            self.log_attempt(seq, &attempt, state);
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return,
            }
        }
    }

    async fn attempt(&self, call: &Call) -> Attempt {
        let method = match call.method {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
            HttpMethod::Delete => Method::DELETE,
        };
        let mut request = self.client.request(method, &call.uri);
        if let Some((content_type, body)) = &call.body {
            request = request.header(CONTENT_TYPE, content_type).body(body.clone());
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                // Read the answer through so the connection can be reused; its content is not used.
                let _ = response.bytes().await;
                Attempt::Answered(status)
            }
            // The URI may hold the receiver's secret: it stays out of the message.
            Err(error) if error.is_builder() => Attempt::Unsendable(error.without_url().to_string()),
            Err(error) => Attempt::NoAnswer(error_text(&error.without_url())),
        }
    }

    fn log_new(&self, call: &Call) -> u64 {
        let Ok(mut log) = self.log.lock() else { return 0 };
        let seq = log.next_seq;
        log.next_seq += 1;
        if log.records.len() == LOG_CAPACITY {
            log.records.pop_front();
        }
        log.records.push_back(CallRecord {
            seq,
            webhook_id: call.webhook_id,
            http_method: call.method,
            uri: call.uri.clone(),
            attempts: 0,
            state: CallState::Pending,
            last_status: None,
            last_error: None,
        });
        seq
    }

    fn log_attempt(&self, seq: u64, attempt: &Attempt, state: CallState) {
        let Ok(mut log) = self.log.lock() else { return };
        let Some(record) = log.records.iter_mut().find(|record| record.seq == seq) else { return };
        record.attempts += 1;
        record.state = state;
        (record.last_status, record.last_error) = match attempt {
            Attempt::Answered(status) => (Some(status.as_u16()), None),
            Attempt::NoAnswer(error) | Attempt::Unsendable(error) => (None, Some(error.clone())),
        };
    }
}

/// QoS 0 retries only a 503; QoS 1 retries everything but a 4xx (and what can never be sent).
fn should_retry(quality: QualityOfService, attempt: &Attempt) -> bool {
    match attempt {
        Attempt::Answered(status) if status.is_success() => false,
        Attempt::Answered(StatusCode::SERVICE_UNAVAILABLE) => true,
        Attempt::Answered(status) => quality == QualityOfService::AtLeastOnce && !status.is_client_error(),
        Attempt::NoAnswer(_) => quality == QualityOfService::AtLeastOnce,
        Attempt::Unsendable(_) => false,
    }
}

/// The error and its causes on one line ("error sending request: connection refused").
fn error_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_rules_follow_the_quality_of_service() {
        use QualityOfService::*;
        let answered = |code: u16| Attempt::Answered(StatusCode::from_u16(code).unwrap());
        assert!(should_retry(AtMostOnce, &answered(503)));
        assert!(!should_retry(AtMostOnce, &answered(500)));
        assert!(!should_retry(AtMostOnce, &Attempt::NoAnswer("refused".into())));
        assert!(should_retry(AtLeastOnce, &answered(500)));
        assert!(should_retry(AtLeastOnce, &answered(302)));
        assert!(should_retry(AtLeastOnce, &Attempt::NoAnswer("refused".into())));
        assert!(!should_retry(AtLeastOnce, &answered(404)));
        assert!(!should_retry(AtLeastOnce, &answered(200)));
        assert!(!should_retry(AtLeastOnce, &Attempt::Unsendable("bad uri".into())));
    }

    #[test]
    fn delays_are_scaled() {
        let config = Config { time_scale: 1000, ..Config::default() };
        let sender = Sender::new(&config);
        assert_eq!(sender.delays[0], Duration::from_millis(10));
        assert_eq!(sender.delays.len(), RETRY_DELAYS.len());
    }
}
