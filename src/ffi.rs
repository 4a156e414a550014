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
mod last_error;
mod out_buf;
mod status;
mod types;

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::c_char;

pub use status::sigv4_status;
pub use types::*;

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::headers::{HeaderList, header_field};
use crate::limits::{MAX_FIELD_LEN, MAX_HEADERS, MAX_URL_LEN};
use crate::payload::Payload;
use crate::settings::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, Settings, UriPathNormalizationMode,
};
use crate::sign::{Request, SigningOutput, SigningParams, sign_into};
use crate::time::AmzDate;
use boundary::boundary;
use cstr::{byte_slice, optional_str, required_str};

/// Every flag bit this version knows.
const KNOWN_FLAGS: u32 = SIGV4_FLAG_NO_DOUBLE_ENCODE
    | SIGV4_FLAG_NO_PATH_NORMALIZE
    | SIGV4_FLAG_CONTENT_SHA256_HEADER
    | SIGV4_FLAG_UNSIGNED_SESSION_TOKEN;

/// Per-thread buffers reused by every call, so a warm `sigv4_sign` allocates nothing.
#[derive(Default)]
struct Scratch {
    output: SigningOutput,
    /// (name length, value length) of each validated caller header.
    header_lens: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The caller's header array, after every entry was checked to be non-NULL, bounded and
/// UTF-8; reads each entry without measuring it again.
struct CHeaders<'a> {
    entries: &'a [sigv4_header],
    lens: &'a [(usize, usize)],
}

impl HeaderList for CHeaders<'_> {
    fn header_count(&self) -> usize {
        self.lens.len()
    }

    fn header(&self, index: usize) -> (&str, &str) {
        let entry = self.entries[index];
        let (name_len, value_len) = self.lens[index];
        // SAFETY: `check_headers` verified that both pointers are non-NULL, that exactly
        // these lengths of bytes precede their terminators and that those bytes are UTF-8;
        // the caller keeps them unmodified for the whole call, which outlives `self`.
        unsafe {
            (
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    entry.name.cast::<u8>(),
                    name_len,
                )),
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    entry.value.cast::<u8>(),
                    value_len,
                )),
            )
        }
    }
}

/// Checks each header pointer and string, recording their lengths in `lens`.
///
/// # Safety
/// `entries` holds valid pointers as `sigv4_request.headers` documents.
unsafe fn check_headers(
    entries: &[sigv4_header],
    lens: &mut Vec<(usize, usize)>,
) -> Result<(), Error> {
    lens.clear();
    for (index, entry) in entries.iter().enumerate() {
        let name_field = || Cow::Owned(format!("request.headers[{index}].name"));
        // SAFETY: the caller guarantees NULL or a NUL-terminated string.
        let name = unsafe { required_str(entry.name, MAX_FIELD_LEN, name_field) }?;
        let value_field = || Cow::Owned(header_field(index, name.as_bytes()));
        if entry.value.is_null() {
            return Err(Error::new(
                ErrorKind::NullArgument,
                value_field(),
                "value is NULL",
            ));
        }
        // SAFETY: as above, for the value.
        let value = unsafe {
            required_str(entry.value, MAX_FIELD_LEN, || {
                Cow::Owned(format!("{} value", header_field(index, name.as_bytes())))
            })
        }?;
        lens.push((name.len(), value.len()));
    }
    Ok(())
}

/// Decodes `params.flags` into settings, refusing bits this version does not know.
fn settings_from_flags(flags: u32) -> Result<Settings, Error> {
    let unknown = flags & !KNOWN_FLAGS;
    if unknown != 0 {
        return Err(Error::new(
            ErrorKind::InvalidFlags,
            "params.flags",
            format!("has unknown bits {unknown:#x}; this version knows {KNOWN_FLAGS:#x}"),
        ));
    }
    let has = |bit: u32| flags & bit != 0;
    Ok(Settings {
        percent_encoding_mode: if has(SIGV4_FLAG_NO_DOUBLE_ENCODE) {
            PercentEncodingMode::Single
        } else {
            PercentEncodingMode::Double
        },
        uri_path_normalization_mode: if has(SIGV4_FLAG_NO_PATH_NORMALIZE) {
            UriPathNormalizationMode::Disabled
        } else {
            UriPathNormalizationMode::Enabled
        },
        payload_checksum_kind: if has(SIGV4_FLAG_CONTENT_SHA256_HEADER) {
            PayloadChecksumKind::XAmzSha256
        } else {
            PayloadChecksumKind::NoHeader
        },
        session_token_mode: if has(SIGV4_FLAG_UNSIGNED_SESSION_TOKEN) {
            SessionTokenMode::Exclude
        } else {
            SessionTokenMode::Include
        },
    })
}

fn field(name: &'static str) -> impl Fn() -> Cow<'static, str> {
    move || Cow::Borrowed(name)
}

fn null_argument(name: &'static str) -> Error {
    Error::new(ErrorKind::NullArgument, name, "is NULL")
}

/// # Safety
/// As for [`sigv4_sign`].
unsafe fn sign_c(
    request: *const sigv4_request,
    credentials: *const sigv4_credentials,
    params: *const sigv4_params,
    out: *mut sigv4_output,
) -> Result<(), Error> {
    // SAFETY: the caller guarantees `out` is NULL or a valid, exclusive sigv4_output.
    let out = unsafe { out.as_mut() }.ok_or_else(|| null_argument("out"))?;
    out_buf::reset(out);
    // SAFETY: the caller guarantees each is NULL or points to a valid struct for the call.
    let (request, credentials, params) = unsafe {
        (
            request.as_ref().ok_or_else(|| null_argument("request"))?,
            credentials
                .as_ref()
                .ok_or_else(|| null_argument("credentials"))?,
            params.as_ref().ok_or_else(|| null_argument("params"))?,
        )
    };
    // SAFETY: for every read below, `sigv4_sign`'s contract makes each pointer NULL or a
    // NUL-terminated string (or an array of the stated length) valid for the whole call.
    let inputs = unsafe { read_inputs(request, credentials, params) }?;
    let CInputs {
        method,
        url,
        entries,
        body,
        payload_hash,
        access_key_id,
        secret,
        session_token,
        region,
        service,
        amz_date,
    } = inputs;
    let settings = settings_from_flags(params.flags)?;
    let date = amz_date.map(AmzDate::parse).transpose()?;

    SCRATCH.with(|scratch| {
        let mut scratch = scratch
            .try_borrow_mut()
            .map_err(|_| Error::new(ErrorKind::Internal, "", "re-entrant call on one thread"))?;
        let Scratch {
            output,
            header_lens,
        } = &mut *scratch;
        // SAFETY: entries come from the caller's array, valid for the call.
        unsafe { check_headers(entries, header_lens) }?;
        let headers = CHeaders {
            entries,
            lens: header_lens,
        };
        let request = Request {
            method,
            url,
            headers: &headers,
            payload: match payload_hash {
                Some(hash) => Payload::Hash(hash),
                None => Payload::Body(body),
            },
        };
        let credentials = Credentials::new(access_key_id, secret, session_token);
        let params = SigningParams {
            region,
            service,
            date,
            settings,
        };
        sign_into(&request, &credentials, &params, output)?;
        // SAFETY: every input read is finished; out.buf is the caller's writable buffer.
        unsafe { out_buf::write(out, output) }
    })
}

/// The caller's inputs, checked for NULL, length and UTF-8.
struct CInputs<'a> {
    method: &'a str,
    url: &'a str,
    entries: &'a [sigv4_header],
    body: &'a [u8],
    payload_hash: Option<&'a str>,
    access_key_id: &'a str,
    secret: &'a str,
    session_token: Option<&'a str>,
    region: &'a str,
    service: &'a str,
    amz_date: Option<&'a str>,
}

/// Reads every field C alone can get wrong, in the order of the structs.
///
/// # Safety
/// As for [`sigv4_sign`]: each pointer field is NULL or valid for `'a`.
unsafe fn read_inputs<'a>(
    request: &'a sigv4_request,
    credentials: &'a sigv4_credentials,
    params: &'a sigv4_params,
) -> Result<CInputs<'a>, Error> {
    if request.header_count > MAX_HEADERS {
        return Err(Error::new(
            ErrorKind::TooLarge,
            "request.header_count",
            format!(
                "is {}, more than the limit of {MAX_HEADERS}",
                request.header_count
            ),
        ));
    }
    // Each block below relies on the caller's guarantee that every pointer is NULL or points
    // to a NUL-terminated string, or to the stated number of elements, valid for 'a.
    // SAFETY: as stated above.
    let method = unsafe { required_str(request.method, MAX_FIELD_LEN, field("request.method")) }?;
    // SAFETY: as above.
    let url = unsafe { required_str(request.url, MAX_URL_LEN, field("request.url")) }?;
    // SAFETY: as above; header_count was bounded first.
    let entries = unsafe { header_array(request.headers, request.header_count) }?;
    // SAFETY: as above.
    let body = unsafe { byte_slice(request.body, request.body_len, "request.body") }?;
    let payload_hash_field = field("request.payload_hash");
    // SAFETY: as above.
    let payload_hash =
        unsafe { optional_str(request.payload_hash, MAX_FIELD_LEN, payload_hash_field) }?;
    let key_field = field("credentials.access_key_id");
    // SAFETY: as above.
    let access_key_id =
        unsafe { required_str(credentials.access_key_id, MAX_FIELD_LEN, key_field) }?;
    let secret_field = field("credentials.secret_access_key");
    // SAFETY: as above.
    let secret =
        unsafe { required_str(credentials.secret_access_key, MAX_FIELD_LEN, secret_field) }?;
    let token_field = field("credentials.session_token");
    // SAFETY: as above.
    let session_token =
        unsafe { optional_str(credentials.session_token, MAX_FIELD_LEN, token_field) }?;
    // SAFETY: as above.
    let region = unsafe { required_str(params.region, MAX_FIELD_LEN, field("params.region")) }?;
    // SAFETY: as above.
    let service = unsafe { required_str(params.service, MAX_FIELD_LEN, field("params.service")) }?;
    // SAFETY: as above.
    let amz_date =
        unsafe { optional_str(params.amz_date, MAX_FIELD_LEN, field("params.amz_date")) }?;
    Ok(CInputs {
        method,
        url,
        entries,
        body,
        payload_hash,
        access_key_id,
        secret,
        session_token,
        region,
        service,
        amz_date,
    })
}

/// # Safety
/// `ptr` is NULL or points to `count` valid `sigv4_header` entries for the call.
unsafe fn header_array<'a>(
    ptr: *const sigv4_header,
    count: usize,
) -> Result<&'a [sigv4_header], Error> {
    if ptr.is_null() {
        if count == 0 {
            return Ok(&[]);
        }
        return Err(Error::new(
            ErrorKind::NullArgument,
            "request.headers",
            format!("is NULL but request.header_count is {count}"),
        ));
    }
    // SAFETY: non-NULL, count <= SIGV4_MAX_HEADERS, and the caller guarantees `count`
    // readable entries.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
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
        assert_eq!(settings_from_flags(0).unwrap(), Settings::default());
        assert_eq!(settings_from_flags(SIGV4_FLAG_S3).unwrap(), Settings::s3());
        assert_eq!(
            settings_from_flags(SIGV4_FLAG_UNSIGNED_SESSION_TOKEN)
                .unwrap()
                .session_token_mode,
            SessionTokenMode::Exclude
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
