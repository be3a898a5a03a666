//! `bp-sim`: a simulator of the Brightpearl public API, faithful to its wire format and quirks.

pub mod config;
pub mod events;

pub use config::Config;
pub use events::{Event, Events, Lifecycle};
