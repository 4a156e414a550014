//! Reading the caller's C strings and byte ranges without trusting them.
//!
//! Lengths are measured with `strnlen(p, limit + 1)`, so an unterminated or huge string costs
//! at most `limit + 1` bytes of reading and is reported as too large; `CStr::from_ptr` is never
//! used on caller input because its scan has no bound. Every check happens before a slice
//! exists, so a NULL or over-long input never becomes a Rust reference.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::error::{Error, ErrorKind};

/// Reads a required NUL-terminated UTF-8 string of at most `limit` bytes.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string (or to at least `limit + 1` readable
/// bytes) that stays valid and unmodified for `'a`.
pub(crate) unsafe fn required_str<'a>(
    ptr: *const c_char,
    limit: usize,
    field: impl Fn() -> Cow<'static, str>,
) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::new(ErrorKind::NullArgument, field(), "is NULL"));
    }
    // SAFETY: non-NULL, and the caller guarantees a terminated string or limit + 1 readable
    // bytes for 'a.
    unsafe { bounded_str(ptr, limit, field) }
}

/// Reads an optional NUL-terminated UTF-8 string: NULL is `None`.
///
/// # Safety
/// As for [`required_str`].
pub(crate) unsafe fn optional_str<'a>(
    ptr: *const c_char,
    limit: usize,
    field: impl Fn() -> Cow<'static, str>,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller's guarantee carries over.
    unsafe { bounded_str(ptr, limit, field) }.map(Some)
}

/// # Safety
/// `ptr` is non-NULL and as described in [`required_str`].
unsafe fn bounded_str<'a>(
    ptr: *const c_char,
    limit: usize,
    field: impl Fn() -> Cow<'static, str>,
) -> Result<&'a str, Error> {
    // SAFETY: `ptr` is non-NULL; strnlen reads at most limit + 1 bytes, all of which are
    // readable (before or at the terminator) by the caller's guarantee.
    let len = unsafe { libc::strnlen(ptr, limit.saturating_add(1)) };
    if len > limit {
        return Err(Error::new(
            ErrorKind::TooLarge,
            field(),
            format!("is longer than the limit of {limit} bytes"),
        ));
    }
    // SAFETY: the `len` bytes before the terminator are readable and unmodified for 'a.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    if bytes.is_ascii() {
        // SAFETY: ASCII is valid UTF-8. (`is_ascii` is a word-at-a-time scan, several times
        // faster than full UTF-8 validation on the long ASCII strings of a request.)
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|error| {
        Error::new(
            ErrorKind::InvalidUtf8,
            field(),
            format!(
                "is not valid UTF-8 (bad byte at offset {})",
                error.valid_up_to()
            ),
        )
    })
}

/// Reads `len` bytes at `ptr`: NULL with 0 is the empty slice, NULL with more is an error.
///
/// # Safety
/// When `ptr` is non-NULL it points to `len` readable bytes that stay unmodified for `'a`.
pub(crate) unsafe fn byte_slice<'a>(
    ptr: *const u8,
    len: usize,
    field: &'static str,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::new(
            ErrorKind::NullArgument,
            field,
            format!("is NULL but its length is {len}"),
        ));
    }
    if isize::try_from(len).is_err() {
        return Err(Error::new(
            ErrorKind::TooLarge,
            field,
            format!("length {len} is larger than any object can be"),
        ));
    }
    // SAFETY: non-NULL, `len` fits isize, and the caller guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name() -> Cow<'static, str> {
        Cow::Borrowed("request.url")
    }

    #[test]
    fn null_is_an_error_only_when_required() {
        // SAFETY: NULL is checked before any read.
        let error = unsafe { required_str(std::ptr::null(), 8, name) }.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NullArgument);
        assert_eq!(error.to_string(), "request.url: is NULL");
        // SAFETY: as above.
        let value = unsafe { optional_str(std::ptr::null(), 8, name) };
        assert_eq!(value, Ok(None));
    }

    #[test]
    fn the_limit_is_inclusive_and_the_scan_bounded() {
        // No terminator within limit + 1 bytes: strnlen stops after reading all 9.
        let bytes = *b"123456789";
        // SAFETY: 9 readable bytes = limit + 1.
        let error = unsafe { required_str(bytes.as_ptr().cast(), 8, name) }.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooLarge);
        let exact = *b"12345678\0";
        // SAFETY: terminated.
        let value = unsafe { required_str(exact.as_ptr().cast(), 8, name) };
        assert_eq!(value, Ok("12345678"));
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let bytes = *b"ab\xffc\0";
        // SAFETY: terminated.
        let error = unsafe { required_str(bytes.as_ptr().cast(), 8, name) }.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUtf8);
        assert!(error.detail().contains("offset 2"), "{error}");
    }

    #[test]
    fn a_null_byte_range_is_empty_only_with_length_zero() {
        // SAFETY: NULL is handled before any slice is made.
        let value = unsafe { byte_slice(std::ptr::null(), 0, "request.body") };
        assert_eq!(value, Ok(&b""[..]));
        // SAFETY: as above.
        let error = unsafe { byte_slice(std::ptr::null(), 5, "request.body") }.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NullArgument);
    }
}
