//! `bp-sim`: a simulator of the Brightpearl public API, faithful to its wire format and quirks.

pub mod config;
pub mod error;
pub mod events;
pub mod faults;
pub mod idset;
pub mod patch;
pub mod store;
pub mod time;
pub mod values;
pub mod webhooks;

pub use config::Config;
pub use error::{ApiError, ApiResult};
pub use events::{Event, Events, Lifecycle};
pub use store::Store;
