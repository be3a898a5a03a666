//! `maprun`: the runtime that executes compiled mappings (IR) inside the sync pipeline.
//!
//! It links no parser, checker or diagnostic renderer: the IR is its only contract with the compiler.
