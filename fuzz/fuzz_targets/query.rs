//! Bytes mapped onto a wire-valid query: the canonical query is sorted, encoded and
//! idempotent.
//! The property lives in `tests/property/mod.rs`, which `cargo test` also runs.

#![no_main]

#[allow(dead_code)]
#[rustfmt::skip] // Formatted by the sigv4 crate, whose `cargo fmt` owns this file.
#[path = "../../tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::query(data));
