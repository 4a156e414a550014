//! Every size limit the library enforces, in one place.
//!
//! The same numbers appear in `include/sigv4.h` as `SIGV4_MAX_*`, so a C caller can size its
//! inputs, and they bound every scan the C edge makes over caller memory.

/// Longest URL accepted, in bytes (`SIGV4_MAX_URL_LEN`).
pub const MAX_URL_LEN: usize = 65536;

/// Longest header value, header name, method, access key id, secret key, session token,
/// region, service or payload hash accepted, in bytes (`SIGV4_MAX_FIELD_LEN`).
pub const MAX_FIELD_LEN: usize = 65536;

/// Most request headers accepted in one call (`SIGV4_MAX_HEADERS`).
pub const MAX_HEADERS: usize = 1024;

/// Most headers a signature adds to a request (`SIGV4_MAX_OUTPUT_HEADERS`): room is left for
/// later signing modes beyond the four this version returns.
pub const MAX_OUTPUT_HEADERS: usize = 8;
