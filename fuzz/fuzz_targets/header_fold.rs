//! Bytes mapped onto header values: trimmed and folded once; a control byte is
//! `ErrorKind::InvalidHeader`.
//! The property lives in `tests/property/mod.rs`, which `cargo test` also runs.

#![no_main]

#[allow(dead_code)]
#[rustfmt::skip] // Formatted by the sigv4 crate, whose `cargo fmt` owns this file.
#[path = "../../tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::header_fold(data));
