//! `maprun`: the runtime that executes compiled mappings (IR) inside the sync pipeline.
//!
//! It links no parser, checker or diagnostic renderer: the IR is its only contract with the compiler.
//! Layers: [`ir`] (the program), [`exec`] (running it on a record), [`writers`] (eConnect XML and JSON),
//! [`input`] (records from files and streams), [`env`] (params and lookups).

pub mod env;
pub mod exec;
pub mod input;
pub mod ir;
pub mod project;
pub mod value;
pub mod writers;
