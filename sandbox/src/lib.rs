//! The sandbox: simulators of the Brightpearl API and a GP eConnect endpoint, the data generator and
//! the end-to-end demo, all on one machine.

pub mod bp;
pub mod generate;
pub mod gp;
