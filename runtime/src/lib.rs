//! `maprun`: the runtime that executes compiled mappings (IR) inside the sync pipeline.
//!
//! It links no parser, checker or diagnostic renderer: the IR is its only contract with the compiler.
//! Layers: [`ir`] (the program), [`exec`] (running it on a record), [`writers`] (eConnect XML and JSON),
//! [`input`] (records from files and streams), [`scan`] (one JSON line read through the mapping's
//! projection into a [`doc`], the record as the executor reads it), [`env`] (params and lookups).

pub mod doc;
pub mod env;
pub mod exec;
pub mod input;
pub mod ir;
pub mod lines;
pub mod project;
pub mod scan;
pub mod value;
pub mod writers;
