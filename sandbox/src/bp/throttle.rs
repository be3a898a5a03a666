//! Request throttling per account: `limit` requests per rolling minute (scaled by the time scale),
//! told on every response in `brightpearl-requests-remaining` and
//! `brightpearl-next-throttle-period` (milliseconds until the oldest request in the window leaves
//! it, so a slot frees).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The throttle body, a bare string `response` as the gateway sends it.
pub const TOO_MANY_REQUESTS: &str = "You have sent too many requests. Please wait before sending another request";

/// The requests of the last (scaled) minute.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    /// When each request still in the window arrived, oldest first.
    recent: Mutex<VecDeque<Instant>>,
}

/// What one request learned from the throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Requests left in this window after this one.
    pub remaining: u32,
    /// Milliseconds until the oldest request in the window leaves it.
    pub next_period_ms: u64,
}

impl Throttle {
    /// `limit` requests in any `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Throttle { limit, window, recent: Mutex::new(VecDeque::new()) }
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
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        while recent.front().is_some_and(|arrived| now.duration_since(*arrived) >= self.window) {
            recent.pop_front();
        }
        let used = u32::try_from(recent.len()).unwrap_or(u32::MAX);
        let allowed = used < self.limit;
        if allowed && count {
            recent.push_back(now);
        }
        let used = u32::try_from(recent.len()).unwrap_or(u32::MAX);
        let left = recent.front().map_or(self.window, |oldest| self.window.saturating_sub(now.duration_since(*oldest)));
        Allowance {
            allowed,
            remaining: self.limit.saturating_sub(used),
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
        assert_eq!(throttle.peek().remaining, 0, "refused requests do not count");
        std::thread::sleep(Duration::from_millis(60));
        assert!(throttle.take().allowed);
    }

    #[test]
    fn the_window_rolls_one_request_at_a_time() {
        let throttle = Throttle::new(2, Duration::from_millis(200));
        throttle.take();
        std::thread::sleep(Duration::from_millis(120));
        throttle.take();
        assert!(!throttle.take().allowed);
        // The first request leaves the window before the second: one slot frees, not two.
        std::thread::sleep(Duration::from_millis(100));
        let after = throttle.take();
        assert!(after.allowed);
        assert_eq!(after.remaining, 0);
        assert!(after.next_period_ms <= 100, "{}", after.next_period_ms);
    }
}
