//! Fault knobs: a layer over the public API that makes it misbehave on purpose, so clients can be
//! tested against what a real service does on a bad day.
//!
//! Each request, in arrival order, draws from one seeded generator (the same four draws whatever is
//! switched on), so a given seed and sequence of requests always meets the same faults. In order:
//! the added latency is slept; then a pending 401 of the burst is answered; otherwise the request
//! may be dropped (the connection closed with no answer), answered with a 5xx, or served with its
//! body cut short of its `Content-Length`. Faulted requests never reach the API, so they do not
//! count against the rate limit.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Frame, SizeHint};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::time::Sleep;

use crate::bp::error::ApiError;
use crate::generate::Rng;

/// The largest latency a knob may add: a minute, a client's usual timeout.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// Bodies larger than this are served whole even when a truncation was drawn.
const MAX_TRUNCATED_BODY: usize = 64 * 1024 * 1024;
/// How long a truncated answer waits after its first part, so that part reaches the client before
/// the connection is cut.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// What the knobs are set to. Every field may be left out of the JSON; all off by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSettings {
    /// Percent of requests answered with `error_status` instead of being served.
    pub error_percent: u8,
    /// The status of those answers, 500 to 599.
    pub error_status: u16,
    /// Milliseconds added before every request is handled.
    pub latency_ms: u64,
    /// Up to this many milliseconds more, drawn per request.
    pub latency_jitter_ms: u64,
    /// Percent of requests whose connection is closed without an answer.
    pub drop_percent: u8,
    /// Percent of answers whose body stops halfway through its `Content-Length`.
    pub truncate_percent: u8,
    /// The next this-many requests are answered 401 `Authorization token expired`. Counts down.
    pub unauthorized_burst: u32,
    /// Seed of the draws; setting the knobs restarts them from it.
    pub seed: u64,
}

impl Default for FaultSettings {
    fn default() -> Self {
        FaultSettings {
            error_percent: 0,
            error_status: 500,
            latency_ms: 0,
            latency_jitter_ms: 0,
            drop_percent: 0,
            truncate_percent: 0,
            unauthorized_burst: 0,
            seed: 0,
        }
    }
}

impl FaultSettings {
    /// Refuses settings that cannot be honoured.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut problems = Vec::new();
        for (name, percent) in [
            ("error_percent", self.error_percent),
            ("drop_percent", self.drop_percent),
            ("truncate_percent", self.truncate_percent),
        ] {
            if percent > 100 {
                problems.push(format!("{name} must be 0 to 100"));
            }
        }
        if !(500..=599).contains(&self.error_status) {
            problems.push("error_status must be 500 to 599".to_string());
        }
        if self.latency_ms.saturating_add(self.latency_jitter_ms) > MAX_LATENCY_MS {
            problems.push(format!("latency_ms + latency_jitter_ms must be at most {MAX_LATENCY_MS}"));
        }
        match problems.into_iter().reduce(|all, problem| format!("{all}; {problem}")) {
            None => Ok(()),
            Some(message) => Err(ApiError::bad_body(message)),
        }
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Unauthorized,
    Error(StatusCode),
    Drop,
    Truncate,
}

/// The knobs and the draws they make. Cheap to clone; all clones share the settings.
#[derive(Debug, Clone)]
pub struct Faults {
    state: Arc<Mutex<(FaultSettings, Rng)>>,
}

impl Default for Faults {
    fn default() -> Self {
        let settings = FaultSettings::default();
        let rng = Rng::new(settings.seed);
        Faults { state: Arc::new(Mutex::new((settings, rng))) }
    }
}

impl Faults {
    pub fn new(settings: FaultSettings) -> Result<Self, ApiError> {
        settings.validate()?;
        let rng = Rng::new(settings.seed);
        Ok(Faults { state: Arc::new(Mutex::new((settings, rng))) })
    }

    /// The settings now (the burst shows what is left of it).
    pub fn settings(&self) -> FaultSettings {
        self.state.lock().map(|state| state.0.clone()).unwrap_or_default()
    }

    /// Replaces the settings and restarts the draws from their seed.
    pub fn set(&self, settings: FaultSettings) -> Result<(), ApiError> {
        settings.validate()?;
        if let Ok(mut state) = self.state.lock() {
            let rng = Rng::new(settings.seed);
            *state = (settings, rng);
        }
        Ok(())
    }

    /// `router` with the knobs in front of it.
    pub fn wrap<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router.layer(from_fn_with_state(self.clone(), inject))
    }

    /// Draws the fate of the next request.
    fn draw(&self) -> (Duration, Fault) {
        let Ok(mut state) = self.state.lock() else { return (Duration::ZERO, Fault::None) };
        let (settings, rng) = &mut *state;
        let jitter = rng.below(settings.latency_jitter_ms.saturating_add(1));
        let [drop, error, truncate] = [(); 3].map(|()| rng.below(100));
        let latency = Duration::from_millis(settings.latency_ms.saturating_add(jitter));
        let fault = if settings.unauthorized_burst > 0 {
            settings.unauthorized_burst -= 1;
            Fault::Unauthorized
        } else if drop < u64::from(settings.drop_percent) {
            Fault::Drop
        } else if error < u64::from(settings.error_percent) {
            Fault::Error(StatusCode::from_u16(settings.error_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        } else if truncate < u64::from(settings.truncate_percent) {
            Fault::Truncate
        } else {
            Fault::None
        };
        (latency, fault)
    }
}

/// The middleware [`Faults::wrap`] installs.
async fn inject(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    let (latency, fault) = faults.draw();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Fault::None => next.run(request).await,
        Fault::Unauthorized => {
            // As the API gateway answers an expired token (recorded), with no WWW-Authenticate.
            let mut response =
                json_answer(StatusCode::UNAUTHORIZED, json!({"response": "Authorization token expired"}).to_string());
            response.headers_mut().insert("message-type", HeaderValue::from_static("api-proxy"));
            response
        }
        Fault::Error(status) => {
            json_answer(status, ApiError::new(status.as_u16(), "CMNU-003", "Internal Server Error").body().to_string())
        }
        Fault::Drop => Response::new(Body::new(CutBody::dropped())),
        Fault::Truncate => truncate(next.run(request).await).await,
    }
}

fn json_answer(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json;charset=UTF-8"));
    response
}

/// The answer with its full `Content-Length` but only the first half of its body.
async fn truncate(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_TRUNCATED_BODY).await {
        Ok(bytes) => Response::from_parts(parts, Body::new(CutBody::truncated(bytes))),
        Err(_) => Response::from_parts(parts, Body::new(CutBody::dropped())),
    }
}

/// The error a cut body ends with; the server closes the connection on it.
#[derive(Debug, thiserror::Error)]
#[error("answer cut short by a fault knob")]
struct Cut;

/// A body that announces `length` bytes, sends `head`, and fails. With no head it fails at once,
/// before the status line leaves the server, and the client sees the connection close unanswered.
struct CutBody {
    head: Option<Bytes>,
    length: u64,
    pause: Option<Pin<Box<Sleep>>>,
}

impl CutBody {
    fn dropped() -> Self {
        // A length above zero, or the server would write the (empty) answer without polling.
        CutBody { head: None, length: 1, pause: None }
    }

    fn truncated(full: Bytes) -> Self {
        let length = full.len() as u64;
        let head = full.slice(..full.len() / 2);
        CutBody { head: Some(head), length, pause: Some(Box::pin(tokio::time::sleep(TRUNCATE_PAUSE))) }
    }
}

impl http_body::Body for CutBody {
    type Data = Bytes;
    type Error = Cut;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Cut>>> {
        let this = self.get_mut();
        if let Some(head) = this.head.take() {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        if let Some(pause) = this.pause.as_mut() {
            // Pending here lets the server flush the head before the connection is cut.
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        Poll::Ready(Some(Err(Cut)))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fates(settings: FaultSettings, n: usize) -> Vec<Fault> {
        let faults = Faults::new(settings).unwrap();
        (0..n).map(|_| faults.draw().1).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let settings = FaultSettings { error_percent: 30, drop_percent: 10, seed: 42, ..FaultSettings::default() };
        let first = fates(settings.clone(), 200);
        assert_eq!(first, fates(settings.clone(), 200));
        assert_ne!(first, fates(FaultSettings { seed: 43, ..settings }, 200));
        let errors = first.iter().filter(|fate| matches!(fate, Fault::Error(_))).count();
        assert!((30..80).contains(&errors), "{errors} errors in 200 at 30% of the undropped");
    }

    #[test]
    fn a_burst_comes_first_and_counts_down() {
        let faults =
            Faults::new(FaultSettings { unauthorized_burst: 2, error_percent: 100, ..FaultSettings::default() })
                .unwrap();
        let fates: Vec<Fault> = (0..3).map(|_| faults.draw().1).collect();
        assert_eq!(fates, [Fault::Unauthorized, Fault::Unauthorized, Fault::Error(StatusCode::INTERNAL_SERVER_ERROR)]);
        assert_eq!(faults.settings().unauthorized_burst, 0);
    }

    #[test]
    fn everything_off_by_default() {
        assert!(fates(FaultSettings::default(), 100).iter().all(|fate| *fate == Fault::None));
        assert_eq!(Faults::default().draw().0, Duration::ZERO);
    }

    #[test]
    fn latency_stays_within_its_jitter() {
        let faults =
            Faults::new(FaultSettings { latency_ms: 5, latency_jitter_ms: 3, ..FaultSettings::default() }).unwrap();
        for _ in 0..50 {
            let (latency, _) = faults.draw();
            assert!((5..=8).contains(&latency.as_millis()), "{latency:?}");
        }
    }

    #[test]
    fn impossible_settings_are_refused() {
        for bad in [
            FaultSettings { error_percent: 101, ..FaultSettings::default() },
            FaultSettings { error_status: 404, ..FaultSettings::default() },
            FaultSettings { latency_ms: MAX_LATENCY_MS, latency_jitter_ms: 1, ..FaultSettings::default() },
        ] {
            assert_eq!(Faults::new(bad).unwrap_err().status, 400);
        }
    }
}
