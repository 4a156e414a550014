//! The C API: `include/sigv4.h` is generated from this module by cbindgen.
//!
//! This layer only converts: it checks what C alone can get wrong (NULL, UTF-8, lengths, flag
//! bits), hands plain Rust values to the same [`crate::sign_into`] Rust callers use, and copies
//! the result into the caller's buffer. Every export is one call to [`boundary::boundary`],
//! which clears the thread's error message, maps errors to status codes and stops panics.
//!
//! Thread safety: every function may be called from any thread at the same time; the only
//! state is per thread (the detail message and reusable scratch).

#![allow(non_camel_case_types)]

mod boundary;
mod cstr;
mod inputs;
mod last_error;
mod out_buf;
mod status;
mod types;

use std::cell::RefCell;
use std::ffi::c_char;

pub use status::sigv4_status;
pub use types::*;

use crate::error::{Error, ErrorKind};
use crate::payload::PayloadHasher;
use crate::sign::{Request, SigningOutput, SigningParams, sign_into};
use crate::signer::Signer;
use boundary::{boundary, guard};
use inputs::{
    CHeaders, CParams, CRequest, check_headers, read_amz_date, read_credentials, struct_ref,
};

/// Per-thread buffers reused by every call, so a warm `sigv4_sign` allocates nothing.
#[derive(Default)]
struct Scratch {
    output: SigningOutput,
    /// (name length, value length) of each checked caller header.
    header_lens: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Checks the request's headers, lets `sign` sign it into this thread's scratch output, and
/// copies the result into the caller's buffer once every input has been read.
///
/// # Safety
/// `request`'s header entries are valid as `sigv4_request` documents; `out.buf` is NULL or
/// points to `out.buf_len` writable bytes.
unsafe fn sign_and_copy(
    request: &CRequest<'_>,
    out: &mut sigv4_output,
    sign: impl FnOnce(&Request<'_, CHeaders<'_>>, &mut SigningOutput) -> Result<(), Error>,
) -> Result<(), Error> {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch
            .try_borrow_mut()
            .map_err(|_| Error::new(ErrorKind::Internal, "", "re-entrant call on one thread"))?;
        let Scratch {
            output,
            header_lens,
        } = &mut *scratch;
        // SAFETY: the entries come from the caller's array, valid for the call.
        let headers = unsafe { check_headers(request.entries, header_lens) }?;
        let rust_request = Request {
            method: request.method,
            url: request.url,
            headers: &headers,
            payload: request.payload(),
        };
        sign(&rust_request, output)?;
        // SAFETY: every input read is finished; out.buf is the caller's writable buffer.
        unsafe { out_buf::write(out, output) }
    })
}

/// Resets `out` (so a failure leaves no headers) and returns it.
///
/// # Safety
/// `out` is NULL or points to a valid, exclusively borrowed `sigv4_output`.
unsafe fn output_mut<'a>(out: *mut sigv4_output) -> Result<&'a mut sigv4_output, Error> {
    // SAFETY: the caller's guarantee.
    let out = unsafe { out.as_mut() }
        .ok_or_else(|| Error::new(ErrorKind::NullArgument, "out", "is NULL"))?;
    out_buf::reset(out);
    Ok(out)
}

/// # Safety
/// As for [`sigv4_sign`].
unsafe fn sign_c(
    request: *const sigv4_request,
    credentials: *const sigv4_credentials,
    params: *const sigv4_params,
    out: *mut sigv4_output,
) -> Result<(), Error> {
    // SAFETY: (this and each block below) `sigv4_sign`'s contract on every pointer it receives.
    let out = unsafe { output_mut(out) }?;
    // SAFETY: as above.
    let request = unsafe { CRequest::read(struct_ref(request, "request")?) }?;
    // SAFETY: as above.
    let credentials = unsafe { read_credentials(struct_ref(credentials, "credentials")?) }?;
    // SAFETY: as above.
    let params = unsafe { CParams::read(struct_ref(params, "params")?) }?;
    let params = SigningParams {
        region: params.region,
        service: params.service,
        date: params.date,
        settings: params.settings,
    };
    // SAFETY: as above.
    unsafe {
        sign_and_copy(&request, out, |request, output| {
            sign_into(request, &credentials, &params, output)
        })
    }
}

/// Signs an HTTP request with AWS Signature Version 4 and writes the headers to add.
///
/// On `SIGV4_OK`, `out->headers[0..out->header_count]` hold, in order, `X-Amz-Date`,
/// `X-Amz-Security-Token` (when `credentials->session_token` is set), `X-Amz-Content-Sha256`
/// (with `SIGV4_FLAG_CONTENT_SHA256_HEADER`, or service `"s3"`) and `Authorization`; their
/// values are NUL-terminated strings inside `out->buf`, and `out->buf_used` is the number of
/// bytes written. Add them to the request unchanged.
///
/// The buffer is written all or nothing. If it is too small the call returns
/// `SIGV4_ERR_BUFFER_TOO_SMALL`, sets `out->buf_used` to the size needed (NULs included) and
/// `out->header_count` to 0, and writes only a NUL at `buf[0]` (when `buf_len >= 1`).
/// `buf == NULL` with `buf_len == 0` is a size query. 1024 bytes fit any request whose
/// session token, access key id, region, service and signed header names together stay under
/// about 800 bytes.
///
/// Returns `SIGV4_OK` or the `SIGV4_ERR_*` code of the first problem found;
/// `sigv4_last_error_message()` then names the field (for a header, its index and name).
/// Never reads more than `SIGV4_MAX_*` bytes of any string, never writes outside `out->buf`,
/// and never lets a panic reach the caller (`SIGV4_ERR_INTERNAL`).
///
/// Thread-safe: any number of threads may sign at once.
///
/// # Safety
/// - `request`, `credentials`, `params` and `out` must each be NULL (an error) or point to a
///   valid struct of their type, readable (and for `out` writable) for the whole call.
/// - Every `const char *` field is NULL (allowed only where documented) or points to a
///   NUL-terminated string; `request->headers` points to `header_count` entries (NULL allowed
///   when 0); `request->body` points to `body_len` bytes (NULL allowed when 0);
///   `out->buf` points to `out->buf_len` writable bytes (NULL allowed when 0).
/// - None of that memory may be modified by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_sign(
    request: *const sigv4_request,
    credentials: *const sigv4_credentials,
    params: *const sigv4_params,
    out: *mut sigv4_output,
) -> sigv4_status {
    // SAFETY: the caller upholds `sigv4_sign`'s contract, which is `sign_c`'s.
    boundary(|| unsafe { sign_c(request, credentials, params, out) })
}

/// Creates a signer for `credentials` and `params->region` / `params->service` /
/// `params->flags`, and stores it in `*out`. The credentials are checked and copied (into
/// memory that is wiped when the signer is freed), so the caller may wipe its own copy.
///
/// `params->amz_date` must be NULL: the signing time is given to each `sigv4_signer_sign`.
/// A signer caches the derived signing key for up to two dates, so a signature costs one
/// SHA-256 of the canonical request and one HMAC instead of five.
///
/// Returns `SIGV4_OK` (and `*out` is the new signer) or the code of the first problem, with
/// `*out` set to NULL; the errors are those of `sigv4_sign` for the same fields.
///
/// # Safety
/// `credentials` and `params` are NULL (an error) or valid structs whose strings are
/// NUL-terminated for the call; `out` is NULL (an error) or points to writable storage for a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_signer_new(
    credentials: *const sigv4_credentials,
    params: *const sigv4_params,
    out: *mut *mut sigv4_signer,
) -> sigv4_status {
    // SAFETY: the caller upholds this function's contract, which each read below relies on.
    boundary(|| unsafe {
        let out = out
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::NullArgument, "out", "is NULL"))?;
        *out = std::ptr::null_mut();
        let credentials = read_credentials(struct_ref(credentials, "credentials")?)?;
        let params = CParams::read(struct_ref(params, "params")?)?;
        if params.date.is_some() {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                "params.amz_date",
                "must be NULL for sigv4_signer_new; pass the signing time to sigv4_signer_sign",
            ));
        }
        let signer = Signer::new(&credentials, params.region, params.service, params.settings)?;
        *out = Box::into_raw(Box::new(sigv4_signer { signer }));
        Ok(())
    })
}

/// Signs `request` with `signer` at `amz_date` (NULL: the current UTC time; else
/// `"YYYYMMDDTHHMMSSZ"`) and writes the headers to add into `out`, exactly as `sigv4_sign`
/// does with the signer's credentials, region, service and flags.
///
/// Thread-safe: any number of threads may sign with one signer at once.
///
/// # Safety
/// `signer` is NULL (an error) or a live signer from `sigv4_signer_new`, not freed during the
/// call; `request`, `amz_date` and `out` are as for `sigv4_sign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_signer_sign(
    signer: *const sigv4_signer,
    request: *const sigv4_request,
    amz_date: *const c_char,
    out: *mut sigv4_output,
) -> sigv4_status {
    // SAFETY: the caller upholds this function's contract, which each read below relies on.
    boundary(|| unsafe {
        let out = output_mut(out)?;
        let signer = &struct_ref(signer, "signer")?.signer;
        let request = CRequest::read(struct_ref(request, "request")?)?;
        let date = read_amz_date(amz_date, "amz_date")?;
        sign_and_copy(&request, out, |request, output| {
            signer.sign_into(request, date, output)
        })
    })
}

/// Frees a signer and wipes its credentials and cached keys. NULL is ignored.
///
/// # Safety
/// `signer` is NULL or a signer from `sigv4_signer_new` that is not used again, by any
/// thread, after this call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_signer_free(signer: *mut sigv4_signer) {
    if signer.is_null() {
        return;
    }
    // SAFETY: a non-NULL signer came from Box::into_raw in sigv4_signer_new and is freed once.
    guard(|| drop(unsafe { Box::from_raw(signer) }));
}

/// Creates an incremental SHA-256 hasher for a request body, in `*out`. Feed it with
/// `sigv4_payload_hasher_update`, then pass the text from `sigv4_payload_hasher_finish` as
/// `request.payload_hash`: the same signature as signing the whole body in memory.
///
/// # Safety
/// `out` is NULL (an error) or points to writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_payload_hasher_new(
    out: *mut *mut sigv4_payload_hasher,
) -> sigv4_status {
    // SAFETY: the caller guarantees `out` is NULL or writable.
    boundary(|| unsafe {
        let out = out
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::NullArgument, "out", "is NULL"))?;
        *out = Box::into_raw(Box::new(sigv4_payload_hasher {
            hasher: PayloadHasher::new(),
        }));
        Ok(())
    })
}

/// Adds the next `len` bytes of the body. `data` may be NULL when `len` is 0.
///
/// # Safety
/// `hasher` is NULL (an error) or a live hasher used by no other thread during the call;
/// `data` points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_payload_hasher_update(
    hasher: *mut sigv4_payload_hasher,
    data: *const u8,
    len: usize,
) -> sigv4_status {
    // SAFETY: the caller's guarantees on `hasher` and `data`.
    boundary(|| unsafe {
        let hasher = hasher
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::NullArgument, "hasher", "is NULL"))?;
        let data = cstr::byte_slice(data, len, "data")?;
        hasher.hasher.update(data);
        Ok(())
    })
}

/// Writes the body's SHA-256 as 64 lower-case hex digits and a NUL
/// (`SIGV4_PAYLOAD_HASH_SIZE` bytes) into `out`, and starts the hasher over. With `out_len`
/// below `SIGV4_PAYLOAD_HASH_SIZE` it returns `SIGV4_ERR_BUFFER_TOO_SMALL`, writes only a NUL
/// at `out[0]` (when `out_len >= 1`) and keeps the hasher's state, so the call can be repeated
/// with a larger buffer.
///
/// # Safety
/// `hasher` is NULL (an error) or a live hasher used by no other thread during the call;
/// `out` is NULL (with `out_len` 0) or points to `out_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_payload_hasher_finish(
    hasher: *mut sigv4_payload_hasher,
    out: *mut c_char,
    out_len: usize,
) -> sigv4_status {
    // SAFETY: the caller's guarantees on `hasher` and `out`.
    boundary(|| unsafe {
        let hasher = hasher
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::NullArgument, "hasher", "is NULL"))?;
        out_buf::write_hex_digest(out, out_len, || hasher.hasher.finish())
    })
}

/// Frees a hasher. NULL is ignored.
///
/// # Safety
/// `hasher` is NULL or a hasher from `sigv4_payload_hasher_new` that is not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigv4_payload_hasher_free(hasher: *mut sigv4_payload_hasher) {
    if hasher.is_null() {
        return;
    }
    // SAFETY: a non-NULL hasher came from Box::into_raw and is freed once.
    guard(|| drop(unsafe { Box::from_raw(hasher) }));
}

/// A static, NUL-terminated description of a status code; never NULL.
///
/// Takes a plain `uint32_t` (any value, including ones this version does not know, which give
/// "unknown status"), so passing a `sigv4_status` compiles unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn sigv4_strerror(status: u32) -> *const c_char {
    match sigv4_status::from_u32(status) {
        Some(status) => status.description().as_ptr(),
        None => c"unknown status".as_ptr(),
    }
}

/// The detail of the calling thread's last failed `sigv4_*` call, e.g.
/// `request.headers[3] ("x-custom"): value contains CR or LF at offset 4; ...`.
///
/// Never NULL: `""` when the last call succeeded. The text never contains a secret key, a
/// session token or a header value. The pointer stays valid until the next `sigv4_*` call on
/// the same thread; copy the text to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn sigv4_last_error_message() -> *const c_char {
    last_error::as_ptr()
}

/// The library's version, e.g. `"0.1.0"`: a static string, equal to
/// `SIGV4_VERSION_MAJOR.SIGV4_VERSION_MINOR.SIGV4_VERSION_PATCH` of the header it was built
/// with.
#[unsafe(no_mangle)]
pub extern "C" fn sigv4_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0")
        .as_ptr()
        .cast::<c_char>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits;
    use crate::settings::{SessionTokenMode, Settings};
    use inputs::settings_from_flags;

    #[test]
    fn header_limits_match_the_rust_limits() {
        assert_eq!(SIGV4_MAX_URL_LEN, limits::MAX_URL_LEN);
        assert_eq!(SIGV4_MAX_FIELD_LEN, limits::MAX_FIELD_LEN);
        assert_eq!(SIGV4_MAX_HEADERS, limits::MAX_HEADERS);
        assert_eq!(SIGV4_MAX_OUTPUT_HEADERS, limits::MAX_OUTPUT_HEADERS);
        assert_eq!(
            SIGV4_FLAG_S3,
            SIGV4_FLAG_NO_DOUBLE_ENCODE
                | SIGV4_FLAG_NO_PATH_NORMALIZE
                | SIGV4_FLAG_CONTENT_SHA256_HEADER
        );
    }

    #[test]
    fn flags_map_to_settings_and_unknown_bits_are_refused() {
        assert_eq!(settings_from_flags(0), Ok(Settings::default()));
        assert_eq!(settings_from_flags(SIGV4_FLAG_S3), Ok(Settings::s3()));
        assert_eq!(
            settings_from_flags(SIGV4_FLAG_UNSIGNED_SESSION_TOKEN)
                .map(|settings| settings.session_token_mode),
            Ok(SessionTokenMode::Exclude)
        );
        let error = settings_from_flags(16).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidFlags);
        assert_eq!(error.field(), "params.flags");
    }

    #[test]
    fn output_values_are_readable_after_success() {
        let request = sigv4_request {
            method: c"GET".as_ptr(),
            url: c"https://example.amazonaws.com/".as_ptr(),
            headers: std::ptr::null(),
            header_count: 0,
            body: std::ptr::null(),
            body_len: 0,
            payload_hash: std::ptr::null(),
        };
        let credentials = sigv4_credentials {
            access_key_id: c"AKIDEXAMPLE".as_ptr(),
            secret_access_key: c"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".as_ptr(),
            session_token: std::ptr::null(),
        };
        let params = sigv4_params {
            region: c"us-east-1".as_ptr(),
            service: c"service".as_ptr(),
            amz_date: c"20150830T123600Z".as_ptr(),
            flags: 0,
        };
        let mut buf = [0 as c_char; 512];
        let mut out = sigv4_output {
            buf: buf.as_mut_ptr(),
            buf_len: buf.len(),
            buf_used: 0,
            headers: [sigv4_header {
                name: std::ptr::null(),
                value: std::ptr::null(),
            }; SIGV4_MAX_OUTPUT_HEADERS],
            header_count: 0,
        };
        // SAFETY: every pointer is valid and NUL-terminated for the call.
        let status = unsafe { sigv4_sign(&request, &credentials, &params, &mut out) };
        assert_eq!(status, sigv4_status::SIGV4_OK);
        assert_eq!(out.header_count, 2);
        assert_eq!(out_buf::value_at(&out, 0), "20150830T123600Z");
        // The get-vanilla case of AWS's suite.
        assert!(out_buf::value_at(&out, 1).ends_with(
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
    }
}
