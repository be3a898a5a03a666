//! Faults on demand, for tests and demos of the client's error handling: "document in use" rejections,
//! slow answers, 500s, 503s and dropped connections. Set by flags at start and by `PUT /admin/faults`.

use serde::{Deserialize, Serialize};

/// Counters say how many of the next requests get the fault; `slow_ms` delays every answer while set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// The next N document posts are rejected with eConnect's error 2079 (document in use).
    pub in_use: u32,
    /// Every answer waits this many milliseconds first.
    pub slow_ms: u64,
    /// The next N requests answer 500.
    pub server_error: u32,
    /// The next N requests answer 503 with Retry-After.
    pub unavailable: u32,
    /// The next N requests lose their connection before anything is done.
    pub drop_before: u32,
    /// The next N document posts are done (committed), then lose their connection before the answer.
    pub drop_after: u32,
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    DropBefore,
    Unavailable,
    ServerError,
}

impl Faults {
    /// Takes the fault (if any) due before the request is handled.
    pub fn take_before(&mut self) -> Option<Fault> {
        take(&mut self.drop_before, Fault::DropBefore)
            .or_else(|| take(&mut self.unavailable, Fault::Unavailable))
            .or_else(|| take(&mut self.server_error, Fault::ServerError))
    }

    /// Takes one "document in use" rejection, if due.
    pub fn take_in_use(&mut self) -> bool {
        take(&mut self.in_use, ()).is_some()
    }

    /// Takes one dropped answer after commit, if due.
    pub fn take_drop_after(&mut self) -> bool {
        take(&mut self.drop_after, ()).is_some()
    }
}

fn take<T>(counter: &mut u32, fault: T) -> Option<T> {
    (*counter > 0).then(|| {
        *counter -= 1;
        fault
    })
}
