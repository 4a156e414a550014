//! The C structs of `sigv4.h`, laid out exactly as the contract spells them.
//!
//! These are caller-allocated, so their layout is frozen once released: grow through new
//! flag bits or new functions, never new fields.

use std::ffi::c_char;

/// Room in `sigv4_output.headers`: more than the four headers this version returns, for
/// later signing modes.
pub const SIGV4_MAX_OUTPUT_HEADERS: usize = 8;

/// Sign the path as sent, without encoding it again (S3). Without it, every path byte outside
/// the unreserved set is percent-encoded once more, so `%20` signs as `%2520`.
pub const SIGV4_FLAG_NO_DOUBLE_ENCODE: u32 = 1;
/// Do not remove `.`/`..` segments or collapse repeated `/` in the path (S3).
pub const SIGV4_FLAG_NO_PATH_NORMALIZE: u32 = 2;
/// Return and sign `X-Amz-Content-Sha256` carrying the payload hash (S3 requires it).
pub const SIGV4_FLAG_CONTENT_SHA256_HEADER: u32 = 4;
/// Return `X-Amz-Security-Token` but leave it out of the signature (AWS IoT).
pub const SIGV4_FLAG_UNSIGNED_SESSION_TOKEN: u32 = 8;
/// S3's rules: `SIGV4_FLAG_NO_DOUBLE_ENCODE | SIGV4_FLAG_NO_PATH_NORMALIZE |
/// SIGV4_FLAG_CONTENT_SHA256_HEADER`. Implied when `service` is `"s3"`.
pub const SIGV4_FLAG_S3: u32 = 7;

/// Longest `url` accepted, in bytes; longer is `SIGV4_ERR_TOO_LARGE`.
pub const SIGV4_MAX_URL_LEN: usize = 65536;
/// Longest header name or value, method, key, token, region, service or payload hash, in bytes.
pub const SIGV4_MAX_FIELD_LEN: usize = 65536;
/// Most headers in one request.
pub const SIGV4_MAX_HEADERS: usize = 1024;

/// One HTTP header: a NUL-terminated name and value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sigv4_header {
    /// Header name, an HTTP token such as `"Content-Type"`. In output headers: a static string.
    pub name: *const c_char,
    /// Header value. In output headers: points into `sigv4_output.buf`.
    pub value: *const c_char,
}

/// The request to sign. All strings are NUL-terminated UTF-8 and are only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sigv4_request {
    /// `"GET"`, `"POST"`, ...: an HTTP token, signed exactly as given (methods are
    /// case-sensitive).
    pub method: *const c_char,
    /// Absolute http(s) URL exactly as it will be sent: percent-encoded, no fragment, no
    /// userinfo. A space, control or non-ASCII byte is `SIGV4_ERR_INVALID_URL`.
    pub url: *const c_char,
    /// The headers that will be sent; NULL allowed when `header_count` is 0. A `Host` header,
    /// if present, is signed instead of the URL's authority (custom domains). Do not pass
    /// `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` or `X-Amz-Content-Sha256`.
    pub headers: *const sigv4_header,
    /// Number of entries in `headers`, at most `SIGV4_MAX_HEADERS`.
    pub header_count: usize,
    /// The body; NULL allowed when `body_len` is 0. Ignored when `payload_hash` is set.
    pub body: *const u8,
    /// Length of `body` in bytes.
    pub body_len: usize,
    /// NULL: the SHA-256 of `body` is signed. Else used verbatim: 64 lower-case hex digits,
    /// `"UNSIGNED-PAYLOAD"`, or a `"STREAMING-..."` token.
    pub payload_hash: *const c_char,
}

/// The credentials to sign with. Only read during the call; never stored or copied except
/// into wiped scratch.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sigv4_credentials {
    /// Access key id, e.g. `"AKIDEXAMPLE"`; required.
    pub access_key_id: *const c_char,
    /// Secret access key; required.
    pub secret_access_key: *const c_char,
    /// NULL or `""`: long-term credentials. Else the session token of temporary credentials
    /// (STS, instance role), returned and signed as `X-Amz-Security-Token`.
    pub session_token: *const c_char,
}

/// Where, when and how to sign.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sigv4_params {
    /// Required, e.g. `"ap-northeast-1"`.
    pub region: *const c_char,
    /// Required, e.g. `"execute-api"`, `"s3"`.
    pub service: *const c_char,
    /// NULL: the current UTC time. Else `"YYYYMMDDTHHMMSSZ"`, e.g. `"20150830T123600Z"`.
    pub amz_date: *const c_char,
    /// `SIGV4_FLAG_*` bits, OR-ed; 0 for the defaults. Unknown bits are
    /// `SIGV4_ERR_INVALID_FLAGS`.
    pub flags: u32,
}

/// Where the signature's headers go.
///
/// On `SIGV4_OK`, `headers[0..header_count]` are, in order: `X-Amz-Date`,
/// `X-Amz-Security-Token` (when a token is given), `X-Amz-Content-Sha256` (with
/// `SIGV4_FLAG_CONTENT_SHA256_HEADER` or service `"s3"`), `Authorization`. Names are static
/// strings; values are NUL-terminated strings inside `buf`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sigv4_output {
    /// In: the caller's buffer that receives the NUL-terminated values. NULL only together
    /// with `buf_len` 0 (a size query).
    pub buf: *mut c_char,
    /// In: size of `buf` in bytes.
    pub buf_len: usize,
    /// Out: bytes written, NULs included; on `SIGV4_ERR_BUFFER_TOO_SMALL`, bytes needed.
    pub buf_used: usize,
    /// Out: the headers to add; names static, values in `buf`.
    pub headers: [sigv4_header; SIGV4_MAX_OUTPUT_HEADERS],
    /// Out: number of valid entries in `headers`; 0 on any failure.
    pub header_count: usize,
}

/// Bytes `sigv4_payload_hasher_finish` writes: 64 lower-case hex digits and a NUL.
pub const SIGV4_PAYLOAD_HASH_SIZE: usize = 65;

/// A signer bound to one set of credentials, one region and one service, which caches the
/// derived signing key by date (four of the five HMACs of a signature). Opaque: made by
/// `sigv4_signer_new`, released by `sigv4_signer_free`. Thread-safe: any number of threads
/// may call `sigv4_signer_sign` on one signer at once.
#[derive(Debug)]
pub struct sigv4_signer {
    pub(crate) signer: crate::signer::Signer,
}

/// An incremental SHA-256 of a request body that is not in memory (a file, a pipe). Opaque:
/// made by `sigv4_payload_hasher_new`, released by `sigv4_payload_hasher_free`. One thread
/// at a time.
#[derive(Debug)]
pub struct sigv4_payload_hasher {
    pub(crate) hasher: crate::payload::PayloadHasher,
}
