//! The one error type of the library.
//!
//! Every failure says which input is wrong (`field`, spelled as the C structs spell it, so
//! both APIs report the same text) and what is wrong with it (`detail`). Messages never carry
//! a secret key, a session token, a header value or body bytes; they are built only on the
//! failure path, so the success path never formats.

use std::borrow::Cow;
use std::fmt;

/// What kind of failure occurred. Each variant maps to exactly one C status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A required pointer was NULL (built only by the C edge).
    NullArgument,
    /// A string was not valid UTF-8 (built only by the C edge).
    InvalidUtf8,
    /// The method is not an HTTP token.
    InvalidMethod,
    /// The URL is not an absolute http(s) URL in wire form.
    InvalidUrl,
    /// A header name or value is malformed, or the header is reserved for the signer.
    InvalidHeader,
    /// The access key id, secret key or session token is empty or contains a forbidden byte.
    InvalidCredentials,
    /// The region or service is empty or contains a forbidden byte.
    InvalidScope,
    /// The signing date is malformed or impossible.
    InvalidDate,
    /// The payload hash is neither 64 lower-case hex digits nor a known token.
    InvalidPayloadHash,
    /// The output buffer is too small; `needed` bytes (NULs included) are required.
    BufferTooSmall {
        /// Bytes the output needs, NUL terminators included.
        needed: usize,
    },
    /// An input is longer than its documented limit (see [`crate::limits`]).
    TooLarge,
    /// A bug in the library (a caught panic). Never expected.
    Internal,
    /// A flag bit this version does not know (built only by the C edge).
    InvalidFlags,
}

/// A signing failure: which input, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    field: Cow<'static, str>,
    detail: Cow<'static, str>,
}

impl Error {
    /// Builds an error for `field` (named as the C structs name it, e.g. `request.url`).
    pub fn new(
        kind: ErrorKind,
        field: impl Into<Cow<'static, str>>,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error {
            kind,
            field: field.into(),
            detail: detail.into(),
        }
    }

    /// The kind of failure, which decides the C status code.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The input at fault, e.g. `request.headers[3] ("x-custom")`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with that input, lower case, no final period.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.detail)
        } else {
            write!(f, "{}: {}", self.field, self.detail)
        }
    }
}

impl std::error::Error for Error {}

/// Renders caller-supplied text for an error message: at most 64 characters, with anything
/// that is not printable ASCII escaped, so a message can never carry a control byte or grow
/// without bound.
pub(crate) fn quote_for_message(text: &[u8]) -> String {
    const MAX_SHOWN: usize = 64;
    let mut shown = String::with_capacity(text.len().min(MAX_SHOWN) + 8);
    shown.push('"');
    for &byte in text.iter().take(MAX_SHOWN) {
        if (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\' {
            shown.push(char::from(byte));
        } else {
            shown.push_str(&format!("\\x{byte:02x}"));
        }
    }
    if text.len() > MAX_SHOWN {
        shown.push_str("...");
    }
    shown.push('"');
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_puts_the_field_before_the_detail() {
        let error = Error::new(ErrorKind::InvalidUrl, "request.url", "relative URL");
        assert_eq!(error.to_string(), "request.url: relative URL");
    }

    #[test]
    fn quoted_text_escapes_control_bytes_and_is_bounded() {
        assert_eq!(quote_for_message(b"a\r\nb"), "\"a\\x0d\\x0ab\"");
        let long = [b'x'; 100];
        assert_eq!(quote_for_message(&long).len(), 64 + 2 + 3);
    }
}
