//! `gp-sim`: a GP eConnect endpoint implementing the project's HTTP contract
//! (`docs/gp-http-contract.md`), enforcing what eConnect and GP check.
