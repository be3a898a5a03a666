//! `bp-sim`: a simulator of the Brightpearl public API, faithful to its wire format and quirks.
