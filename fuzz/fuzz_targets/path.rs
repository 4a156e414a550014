//! Bytes mapped onto a wire-valid path: normalization is RFC 3986 dot-segment removal
//! and is idempotent.
//! The property lives in `tests/property/mod.rs`, which `cargo test` also runs.

#![no_main]

#[allow(dead_code)]
#[rustfmt::skip] // Formatted by the sigv4 crate, whose `cargo fmt` owns this file.
#[path = "../../tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::path(data));
