//! Writing a signature into the caller's `sigv4_output`: all or nothing.
//!
//! Every input has been read and every value computed (into the library's own scratch) before
//! this runs, so a buffer that aliases an input cannot change the result. The size is checked
//! before the first byte is written; a buffer that is too small receives one NUL at `buf[0]`
//! and nothing else.

use std::ffi::CStr;

use super::types::{sigv4_header, sigv4_output};
use crate::error::{Error, ErrorKind};
use crate::headers::header;
use crate::sign::SigningOutput;

/// The static C spelling of an output header name.
fn c_name(name: &str) -> &'static CStr {
    match name {
        header::X_AMZ_DATE => c"X-Amz-Date",
        header::X_AMZ_SECURITY_TOKEN => c"X-Amz-Security-Token",
        header::X_AMZ_CONTENT_SHA256 => c"X-Amz-Content-Sha256",
        header::AUTHORIZATION => c"Authorization",
        _ => c"",
    }
}

/// Marks `out` as holding no headers: the state after any failure.
pub(crate) fn reset(out: &mut sigv4_output) {
    out.buf_used = 0;
    out.header_count = 0;
}

/// Copies `signed` into `out.buf` and fills `out.headers`, or reports the size needed.
///
/// # Safety
/// `out.buf` is NULL or points to `out.buf_len` writable bytes that no live Rust reference
/// covers.
pub(crate) unsafe fn write(out: &mut sigv4_output, signed: &SigningOutput) -> Result<(), Error> {
    let bytes = signed.nul_terminated_values();
    let needed = bytes.len();
    if out.buf.is_null() && out.buf_len > 0 {
        return Err(Error::new(
            ErrorKind::NullArgument,
            "out.buf",
            format!("is NULL but out.buf_len is {}", out.buf_len),
        ));
    }
    if out.buf_len < needed {
        out.buf_used = needed;
        out.header_count = 0;
        if out.buf_len >= 1 {
            // SAFETY: buf is non-NULL (checked above) with at least one writable byte.
            unsafe { out.buf.write(0) };
        }
        return Err(Error::new(
            ErrorKind::BufferTooSmall { needed },
            "out.buf_len",
            format!("is {}; the signature needs {needed} bytes", out.buf_len),
        ));
    }
    // SAFETY: buf has buf_len >= needed writable bytes, and `bytes` is our own scratch, which
    // cannot overlap the caller's buffer.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.buf.cast::<u8>(), needed) };
    let spans = signed.value_spans();
    for (slot, &(name, start, _)) in out.headers.iter_mut().zip(spans) {
        *slot = sigv4_header {
            name: c_name(name).as_ptr(),
            // SAFETY: start < needed <= buf_len, so the pointer stays inside the buffer.
            value: unsafe { out.buf.add(start) }.cast_const(),
        };
    }
    out.buf_used = needed;
    out.header_count = spans.len();
    Ok(())
}

/// Writes a 64-digit hex digest and a NUL into `out`, computing it (with `digest`, which may
/// reset its source) only when the buffer is large enough.
///
/// # Safety
/// `out` is NULL or points to `out_len` writable bytes.
pub(crate) unsafe fn write_hex_digest(
    out: *mut std::ffi::c_char,
    out_len: usize,
    digest: impl FnOnce() -> [u8; 64],
) -> Result<(), Error> {
    const NEEDED: usize = 65;
    if out.is_null() && out_len > 0 {
        return Err(Error::new(
            ErrorKind::NullArgument,
            "out",
            format!("is NULL but out_len is {out_len}"),
        ));
    }
    if out_len < NEEDED {
        if out_len >= 1 {
            // SAFETY: non-NULL (checked above) with at least one writable byte.
            unsafe { out.write(0) };
        }
        return Err(Error::new(
            ErrorKind::BufferTooSmall { needed: NEEDED },
            "out_len",
            format!("is {out_len}; a payload hash needs {NEEDED} bytes"),
        ));
    }
    let hex = digest();
    // SAFETY: out has at least 65 writable bytes; `hex` is a local array.
    unsafe {
        std::ptr::copy_nonoverlapping(hex.as_ptr(), out.cast::<u8>(), hex.len());
        out.add(hex.len()).write(0);
    }
    Ok(())
}

/// The NUL-terminated value of header `index` of a successful output, for tests.
#[cfg(test)]
pub(crate) fn value_at(out: &sigv4_output, index: usize) -> String {
    // SAFETY: test-only; values point at NUL-terminated text inside the live buffer.
    unsafe { CStr::from_ptr(out.headers[index].value) }
        .to_string_lossy()
        .into_owned()
}
