//! `mapc`: the compiler of the Brightpearl <-> Dynamics GP mapping language.
//!
//! Today it holds the system schemas (model, loader, validation, eConnect XSD import); the language
//! pipeline (syntax -> resolve -> check -> lower) builds on them.

pub mod schema;
pub mod shared;
pub mod suggest;
pub mod diagnostics;
pub mod syntax;
pub mod check;
pub mod resolve;
pub mod driver;
pub mod lower;
pub mod testing;
pub mod fmt;
pub mod lsp;
