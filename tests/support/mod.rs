//! Helpers shared by integration tests.
//!
//! Cargo builds every `tests/*.rs` as its own crate; a test that needs these helpers declares
//! `mod support;` and uses the parts it needs, so the rest is dead code in that crate.
#![allow(dead_code)]

pub mod bounded;
pub mod library;
pub mod moto;
