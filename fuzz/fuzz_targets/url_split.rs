//! Arbitrary bytes as the URL of `sigv4::write_canonical_request`.
//! The property lives in `tests/property/mod.rs`, which `cargo test` also runs.

#![no_main]

#[allow(dead_code)]
#[rustfmt::skip] // Formatted by the sigv4 crate, whose `cargo fmt` owns this file.
#[path = "../../tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::url_split(data));
