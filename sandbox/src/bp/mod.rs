//! `bp-sim`: a simulator of the Brightpearl public API, faithful to its wire format and quirks.

pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod error;
pub mod events;
pub mod faults;
pub mod idset;
pub mod patch;
pub mod search;
pub mod searches;
pub mod server;
pub mod store;
pub mod throttle;
pub mod time;
pub mod values;
pub mod webhooks;

pub use config::Config;
pub use error::{ApiError, ApiResult};
pub use events::{Event, Events, Lifecycle};
pub use server::App;
pub use store::Store;
