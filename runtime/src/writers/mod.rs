//! Writers: the documents a mapping's output becomes. eConnect XML for GP, JSON bodies for Brightpearl.

pub mod codepage;
pub mod econnect;
pub mod json;
