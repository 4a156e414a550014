//! The credential scope and the string to sign (task 2 of the spec).
//!
//! ```text
//! AWS4-HMAC-SHA256\n
//! 20150830T123600Z\n
//! 20150830/us-east-1/service/aws4_request\n
//! hex(SHA-256(canonical request))
//! ```

use crate::error::{Error, ErrorKind, quote_for_message};
use crate::limits::MAX_FIELD_LEN;
use crate::sink::ByteSink;
use crate::time::AmzDate;

/// The algorithm name of SigV4 with HMAC-SHA256.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of every SigV4 credential scope.
pub const SCOPE_TERMINATOR: &str = "aws4_request";

/// Where a signature is valid: date, region and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    /// The `YYYYMMDD` of the signing time.
    pub date: &'a str,
    /// e.g. `ap-northeast-1`.
    pub region: &'a str,
    /// e.g. `execute-api`.
    pub service: &'a str,
}

impl<'a> Scope<'a> {
    /// The scope of a signature made at `amz_date`.
    pub fn new(amz_date: &'a AmzDate, region: &'a str, service: &'a str) -> Self {
        Scope {
            date: amz_date.date(),
            region,
            service,
        }
    }

    /// Writes `date/region/service/aws4_request`.
    pub(crate) fn write(&self, sink: &mut impl ByteSink) {
        sink.put(self.date.as_bytes());
        sink.put(b"/");
        sink.put(self.region.as_bytes());
        sink.put(b"/");
        sink.put(self.service.as_bytes());
        sink.put(b"/");
        sink.put(SCOPE_TERMINATOR.as_bytes());
    }
}

/// Checks a region or service name: non-empty, and only letters, digits, `-`, `_` and `.`,
/// since it appears in the `Authorization` header and between the scope's `/` separators.
pub(crate) fn validate_scope_part(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::new(ErrorKind::InvalidScope, field, "is empty"));
    }
    if value.len() > MAX_FIELD_LEN {
        return Err(Error::new(
            ErrorKind::TooLarge,
            field,
            format!("is longer than the limit of {MAX_FIELD_LEN} bytes"),
        ));
    }
    if let Some(&bad) = value
        .as_bytes()
        .iter()
        .find(|&&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
    {
        return Err(Error::new(
            ErrorKind::InvalidScope,
            field,
            format!(
                "contains {}; expected letters, digits, '-', '_' or '.'",
                quote_for_message(&[bad])
            ),
        ));
    }
    Ok(())
}

/// The string to sign, over the hex digest of the canonical request.
#[derive(Debug, Clone, Copy)]
pub struct StringToSign<'a> {
    /// The signing time.
    pub amz_date: &'a AmzDate,
    /// The credential scope.
    pub scope: Scope<'a>,
    /// Lower-case hex SHA-256 of the canonical request.
    pub canonical_request_hash: &'a [u8; 64],
}

impl StringToSign<'_> {
    /// Writes the four lines.
    pub fn write(&self, sink: &mut impl ByteSink) {
        sink.put(ALGORITHM.as_bytes());
        sink.put(b"\n");
        sink.put(self.amz_date.as_bytes());
        sink.put(b"\n");
        self.scope.write(sink);
        sink.put(b"\n");
        sink.put(self.canonical_request_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_service_must_be_plain_names() {
        assert!(validate_scope_part("params.region", "ap-northeast-1").is_ok());
        assert!(validate_scope_part("params.service", "execute-api").is_ok());
        for bad in ["", "us/east", "us east", "us\r\n", "a,b"] {
            assert_eq!(
                validate_scope_part("params.region", bad)
                    .unwrap_err()
                    .kind(),
                ErrorKind::InvalidScope,
                "{bad:?}"
            );
        }
    }
}
