//! Request throttling per account: `limit` requests per minute (scaled by the time scale), told
//! on every response in `brightpearl-requests-remaining` and `brightpearl-next-throttle-period`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The throttle body, a bare string `response` as the gateway sends it.
pub const TOO_MANY_REQUESTS: &str = "You have sent too many requests. Please wait before sending another request";

/// A window of requests: it opens at the first request and lasts one (scaled) minute.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    state: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    opened: Instant,
    used: u32,
}

/// What one request learned from the throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Requests left in this window after this one.
    pub remaining: u32,
    /// Milliseconds until the window closes and the count starts again.
    pub next_period_ms: u64,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Throttle { limit, window, state: Mutex::new(Window { opened: Instant::now(), used: 0 }) }
    }

    /// Counts one request, unless the window is used up.
    pub fn take(&self) -> Allowance {
        self.check(true)
    }

    /// The current allowance without counting a request (for answers that are not API calls,
    /// such as a refused login).
    pub fn peek(&self) -> Allowance {
        self.check(false)
    }

    fn check(&self, count: bool) -> Allowance {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if now.duration_since(state.opened) >= self.window {
            *state = Window { opened: now, used: 0 };
        }
        let allowed = state.used < self.limit;
        if allowed && count {
            state.used += 1;
        }
        let left = self.window.saturating_sub(now.duration_since(state.opened));
        Allowance {
            allowed,
            remaining: self.limit.saturating_sub(state.used),
            next_period_ms: left.as_millis().max(1) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_refuses_then_reopens() {
        let throttle = Throttle::new(2, Duration::from_millis(50));
        assert_eq!(throttle.take().remaining, 1);
        assert_eq!(throttle.take().remaining, 0);
        let refused = throttle.take();
        assert!(!refused.allowed);
        assert!(refused.next_period_ms <= 50);
        std::thread::sleep(Duration::from_millis(60));
        assert!(throttle.take().allowed);
    }
}
