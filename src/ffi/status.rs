//! Status codes returned by every fallible `sigv4_*` function.
//!
//! Numbers are part of the ABI: each variant has an explicit value, none is ever renumbered,
//! and a retired number is left here as a comment and never reused.

use std::ffi::CStr;

use crate::error::ErrorKind;

/// The result of a `sigv4_*` call: `SIGV4_OK` or the reason it failed.
///
/// In C this is a `uint32_t`; `sigv4_strerror` describes any value, and
/// `sigv4_last_error_message` gives the detail of the calling thread's last failure.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sigv4_status {
    /// Success; the outputs are written.
    SIGV4_OK = 0,
    /// A required pointer was NULL; the message names the field.
    SIGV4_ERR_NULL_ARGUMENT = 1,
    /// A string is not valid UTF-8; the message names the field and the byte offset.
    SIGV4_ERR_INVALID_UTF8 = 2,
    /// The method is empty or not an HTTP token.
    SIGV4_ERR_INVALID_METHOD = 3,
    /// The URL is not an absolute http(s) URL in wire form (relative, fragment, userinfo,
    /// other scheme, space, control or non-ASCII byte, `%` without two hex digits, bad port).
    SIGV4_ERR_INVALID_URL = 4,
    /// A header name is not a token, a value holds CR, LF, NUL or another control byte, or
    /// the header is one the signer adds itself (`Authorization`, `X-Amz-Date`,
    /// `X-Amz-Security-Token`, `X-Amz-Content-Sha256`); the message gives its index and name.
    SIGV4_ERR_INVALID_HEADER = 5,
    /// The access key id or secret is empty, or a key or token holds a forbidden byte.
    SIGV4_ERR_INVALID_CREDENTIALS = 6,
    /// The region or service is empty or holds a byte other than letters, digits, `-`, `_`
    /// and `.`.
    SIGV4_ERR_INVALID_SCOPE = 7,
    /// `amz_date` is not `YYYYMMDDTHHMMSSZ` or names a time that does not exist.
    SIGV4_ERR_INVALID_DATE = 8,
    /// `payload_hash` is neither 64 lower-case hex digits nor a known payload token.
    SIGV4_ERR_INVALID_PAYLOAD_HASH = 9,
    /// The output buffer is too small: `buf_used` holds the bytes needed, NULs included.
    SIGV4_ERR_BUFFER_TOO_SMALL = 10,
    /// An input is longer than its `SIGV4_MAX_*` limit.
    SIGV4_ERR_TOO_LARGE = 11,
    /// A bug in libsigv4 was caught before it could cross into the caller. Please report it.
    SIGV4_ERR_INTERNAL = 12,
    /// `params.flags` has a bit this version of libsigv4 does not know.
    SIGV4_ERR_INVALID_FLAGS = 13,
}

impl sigv4_status {
    /// The status for an error of `kind`.
    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NullArgument => Self::SIGV4_ERR_NULL_ARGUMENT,
            ErrorKind::InvalidUtf8 => Self::SIGV4_ERR_INVALID_UTF8,
            ErrorKind::InvalidMethod => Self::SIGV4_ERR_INVALID_METHOD,
            ErrorKind::InvalidUrl => Self::SIGV4_ERR_INVALID_URL,
            ErrorKind::InvalidHeader => Self::SIGV4_ERR_INVALID_HEADER,
            ErrorKind::InvalidCredentials => Self::SIGV4_ERR_INVALID_CREDENTIALS,
            ErrorKind::InvalidScope => Self::SIGV4_ERR_INVALID_SCOPE,
            ErrorKind::InvalidDate => Self::SIGV4_ERR_INVALID_DATE,
            ErrorKind::InvalidPayloadHash => Self::SIGV4_ERR_INVALID_PAYLOAD_HASH,
            ErrorKind::BufferTooSmall { .. } => Self::SIGV4_ERR_BUFFER_TOO_SMALL,
            ErrorKind::TooLarge => Self::SIGV4_ERR_TOO_LARGE,
            ErrorKind::Internal => Self::SIGV4_ERR_INTERNAL,
            ErrorKind::InvalidFlags => Self::SIGV4_ERR_INVALID_FLAGS,
        }
    }

    /// The status numbered `value`, if there is one.
    pub(crate) fn from_u32(value: u32) -> Option<Self> {
        const ALL: [sigv4_status; 14] = [
            sigv4_status::SIGV4_OK,
            sigv4_status::SIGV4_ERR_NULL_ARGUMENT,
            sigv4_status::SIGV4_ERR_INVALID_UTF8,
            sigv4_status::SIGV4_ERR_INVALID_METHOD,
            sigv4_status::SIGV4_ERR_INVALID_URL,
            sigv4_status::SIGV4_ERR_INVALID_HEADER,
            sigv4_status::SIGV4_ERR_INVALID_CREDENTIALS,
            sigv4_status::SIGV4_ERR_INVALID_SCOPE,
            sigv4_status::SIGV4_ERR_INVALID_DATE,
            sigv4_status::SIGV4_ERR_INVALID_PAYLOAD_HASH,
            sigv4_status::SIGV4_ERR_BUFFER_TOO_SMALL,
            sigv4_status::SIGV4_ERR_TOO_LARGE,
            sigv4_status::SIGV4_ERR_INTERNAL,
            sigv4_status::SIGV4_ERR_INVALID_FLAGS,
        ];
        ALL.into_iter().find(|status| *status as u32 == value)
    }

    /// A static description. The match has no wildcard arm, so a new status that lacks a text
    /// does not compile.
    pub(crate) fn description(self) -> &'static CStr {
        match self {
            Self::SIGV4_OK => c"success",
            Self::SIGV4_ERR_NULL_ARGUMENT => c"a required pointer argument is NULL",
            Self::SIGV4_ERR_INVALID_UTF8 => c"a string argument is not valid UTF-8",
            Self::SIGV4_ERR_INVALID_METHOD => c"the method is not an HTTP token",
            Self::SIGV4_ERR_INVALID_URL => {
                c"the URL is not an absolute http(s) URL in percent-encoded wire form"
            }
            Self::SIGV4_ERR_INVALID_HEADER => {
                c"a header name or value is invalid, or the header is added by the signer"
            }
            Self::SIGV4_ERR_INVALID_CREDENTIALS => {
                c"the credentials are empty or contain a forbidden byte"
            }
            Self::SIGV4_ERR_INVALID_SCOPE => c"the region or service is empty or invalid",
            Self::SIGV4_ERR_INVALID_DATE => c"the date is not YYYYMMDDTHHMMSSZ or does not exist",
            Self::SIGV4_ERR_INVALID_PAYLOAD_HASH => {
                c"the payload hash is neither 64 lower-case hex digits nor a known token"
            }
            Self::SIGV4_ERR_BUFFER_TOO_SMALL => {
                c"the output buffer is too small; buf_used holds the size needed"
            }
            Self::SIGV4_ERR_TOO_LARGE => c"an argument is longer than its SIGV4_MAX_* limit",
            Self::SIGV4_ERR_INTERNAL => c"internal error in libsigv4 (a bug; please report it)",
            Self::SIGV4_ERR_INVALID_FLAGS => c"a flag bit is unknown to this version of libsigv4",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_numbers_are_the_published_ones() {
        use sigv4_status::*;
        let published = [
            (SIGV4_OK, 0),
            (SIGV4_ERR_NULL_ARGUMENT, 1),
            (SIGV4_ERR_INVALID_UTF8, 2),
            (SIGV4_ERR_INVALID_METHOD, 3),
            (SIGV4_ERR_INVALID_URL, 4),
            (SIGV4_ERR_INVALID_HEADER, 5),
            (SIGV4_ERR_INVALID_CREDENTIALS, 6),
            (SIGV4_ERR_INVALID_SCOPE, 7),
            (SIGV4_ERR_INVALID_DATE, 8),
            (SIGV4_ERR_INVALID_PAYLOAD_HASH, 9),
            (SIGV4_ERR_BUFFER_TOO_SMALL, 10),
            (SIGV4_ERR_TOO_LARGE, 11),
            (SIGV4_ERR_INTERNAL, 12),
            (SIGV4_ERR_INVALID_FLAGS, 13),
        ];
        for (status, number) in published {
            assert_eq!(status as u32, number, "{status:?}");
            assert_eq!(sigv4_status::from_u32(number), Some(status));
        }
        assert_eq!(sigv4_status::from_u32(14), None);
        assert_eq!(sigv4_status::from_u32(u32::MAX), None);
    }

    #[test]
    fn every_error_kind_maps_to_its_status() {
        use sigv4_status::*;
        let kinds = [
            (ErrorKind::NullArgument, SIGV4_ERR_NULL_ARGUMENT),
            (ErrorKind::InvalidUtf8, SIGV4_ERR_INVALID_UTF8),
            (ErrorKind::InvalidMethod, SIGV4_ERR_INVALID_METHOD),
            (ErrorKind::InvalidUrl, SIGV4_ERR_INVALID_URL),
            (ErrorKind::InvalidHeader, SIGV4_ERR_INVALID_HEADER),
            (ErrorKind::InvalidCredentials, SIGV4_ERR_INVALID_CREDENTIALS),
            (ErrorKind::InvalidScope, SIGV4_ERR_INVALID_SCOPE),
            (ErrorKind::InvalidDate, SIGV4_ERR_INVALID_DATE),
            (
                ErrorKind::InvalidPayloadHash,
                SIGV4_ERR_INVALID_PAYLOAD_HASH,
            ),
            (
                ErrorKind::BufferTooSmall { needed: 1 },
                SIGV4_ERR_BUFFER_TOO_SMALL,
            ),
            (ErrorKind::TooLarge, SIGV4_ERR_TOO_LARGE),
            (ErrorKind::Internal, SIGV4_ERR_INTERNAL),
            (ErrorKind::InvalidFlags, SIGV4_ERR_INVALID_FLAGS),
        ];
        for (kind, status) in kinds {
            assert_eq!(sigv4_status::from_kind(kind), status, "{kind:?}");
        }
    }
}
