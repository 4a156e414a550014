//! How a signature is computed, as enums rather than bools.
//!
//! Each C flag maps to one of these settings; only `ffi` reads the bits. Service `s3` always
//! signs with [`Settings::s3`]'s path and payload rules, because S3 itself verifies that way.

/// How the canonical URI encodes the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PercentEncodingMode {
    /// Percent-encode every path byte outside the unreserved set (and `/`) once more, so a
    /// `%20` on the wire signs as `%2520`. What every AWS service but S3 expects.
    #[default]
    Double,
    /// Sign the path bytes as sent (S3).
    Single,
}

/// Whether the canonical URI normalizes the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UriPathNormalizationMode {
    /// Remove `.` and `..` segments (RFC 3986 section 5.2.4) and collapse runs of `/`.
    #[default]
    Enabled,
    /// Sign the path as sent (S3).
    Disabled,
}

/// Whether the payload hash is also sent and signed as `X-Amz-Content-Sha256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadChecksumKind {
    /// No `X-Amz-Content-Sha256` header.
    #[default]
    NoHeader,
    /// Add and sign `X-Amz-Content-Sha256` (S3 requires it).
    XAmzSha256,
}

/// Whether the session token is part of the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// Sign `x-amz-security-token` like any other header.
    #[default]
    Include,
    /// Return the token header but leave it out of the signature (AWS IoT).
    Exclude,
}

/// All signing settings. `Settings::default()` suits every service but S3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// Path encoding of the canonical URI.
    pub percent_encoding_mode: PercentEncodingMode,
    /// Path normalization of the canonical URI.
    pub uri_path_normalization_mode: UriPathNormalizationMode,
    /// Whether `X-Amz-Content-Sha256` is added and signed.
    pub payload_checksum_kind: PayloadChecksumKind,
    /// Whether the session token is signed.
    pub session_token_mode: SessionTokenMode,
}

/// The service whose requests are always signed with S3's rules.
pub const S3_SERVICE: &str = "s3";

impl Settings {
    /// S3's rules: the path signed exactly as sent, and `X-Amz-Content-Sha256` added.
    pub fn s3() -> Self {
        Settings::default().with_s3_rules()
    }

    /// These settings with S3's path and payload rules switched on; the session token mode is
    /// kept.
    pub fn with_s3_rules(self) -> Self {
        Settings {
            percent_encoding_mode: PercentEncodingMode::Single,
            uri_path_normalization_mode: UriPathNormalizationMode::Disabled,
            payload_checksum_kind: PayloadChecksumKind::XAmzSha256,
            session_token_mode: self.session_token_mode,
        }
    }

    /// The settings actually used for `service`: S3 always gets S3's rules.
    pub(crate) fn effective_for(self, service: &str) -> Self {
        if service == S3_SERVICE {
            self.with_s3_rules()
        } else {
            self
        }
    }
}
