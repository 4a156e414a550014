//! The payload hash: the body's SHA-256, or a hash or token the caller states.

use sha2::{Digest, Sha256};

use crate::encoding::hex32;
use crate::error::{Error, ErrorKind, quote_for_message};

/// The last line of the canonical request for S3 when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Every payload token S3 and its streaming (chunked) signing accept in place of a hash.
pub const PAYLOAD_TOKENS: [&str; 6] = [
    UNSIGNED_PAYLOAD,
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
];

/// What the signature covers of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body bytes; their SHA-256 is signed.
    Body(&'a [u8]),
    /// A precomputed value, used verbatim: 64 lower-case hex digits or one of
    /// [`PAYLOAD_TOKENS`].
    Hash(&'a str),
}

/// A resolved, validated payload hash as it goes on the canonical request's last line.
#[derive(Clone, Copy)]
pub(crate) enum PayloadHash<'a> {
    /// The lower-case hex SHA-256 computed here.
    Computed([u8; 64]),
    /// A validated hash or token from the caller.
    Given(&'a str),
}

impl<'a> PayloadHash<'a> {
    /// Hashes the body, or takes the given value, which the caller has already checked with
    /// [`validate_payload_hash`] (signing checks it before any other costly step).
    pub(crate) fn from_validated(payload: &Payload<'a>) -> Self {
        match *payload {
            Payload::Body(body) => PayloadHash::Computed(sha256_hex(body)),
            Payload::Hash(given) => PayloadHash::Given(given),
        }
    }

    /// The text signed and, with the content header, sent, as bytes (ASCII hex or the
    /// given token), without a UTF-8 check.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Computed(hex) => hex,
            PayloadHash::Given(given) => given.as_bytes(),
        }
    }
}

/// The SHA-256 of the empty body, which every GET signs.
const EMPTY_SHA256_HEX: &[u8; 64] =
    b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    if bytes.is_empty() {
        return *EMPTY_SHA256_HEX;
    }
    hex32(&Sha256::digest(bytes))
}

/// SHA-256 of a body that arrives in pieces (a file, a pipe), as lower-case hex: the value
/// to pass as the payload hash. Hashing in pieces costs the same as hashing in one.
#[derive(Clone, Default)]
pub struct PayloadHasher {
    state: Sha256,
}

impl std::fmt::Debug for PayloadHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadHasher").finish_non_exhaustive()
    }
}

impl PayloadHasher {
    /// A hasher of the empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next piece of the body.
    pub fn update(&mut self, bytes: &[u8]) {
        self.state.update(bytes);
    }

    /// The hex SHA-256 of everything added; the hasher starts over, empty.
    pub fn finish(&mut self) -> [u8; 64] {
        hex32(&self.state.finalize_reset())
    }
}

fn is_hex64(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Accepts 64 lower-case hex digits or exactly one of [`PAYLOAD_TOKENS`].
pub(crate) fn validate_payload_hash(value: &str) -> Result<(), Error> {
    if is_hex64(value) || PAYLOAD_TOKENS.contains(&value) {
        return Ok(());
    }
    let detail = if value.is_empty() {
        "is empty; pass NULL to hash the body".to_owned()
    } else {
        format!(
            "{} is neither 64 lower-case hex digits nor a known token such as UNSIGNED-PAYLOAD",
            quote_for_message(value.as_bytes())
        )
    };
    Err(Error::new(
        ErrorKind::InvalidPayloadHash,
        "request.payload_hash",
        detail,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_body_hashes_to_the_well_known_value() {
        let mut computed = [0u8; 64];
        hex::encode_to_slice(Sha256::digest(b""), &mut computed).unwrap();
        assert_eq!(&computed, EMPTY_SHA256_HEX);
        assert_eq!(
            &sha256_hex(b""),
            b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hashing_in_pieces_equals_hashing_at_once() {
        let body: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut hasher = PayloadHasher::new();
        for piece in body.chunks(7919) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish(), sha256_hex(&body));
        assert_eq!(hasher.finish(), sha256_hex(b""), "finish starts over");
    }

    #[test]
    fn only_lower_hex_and_known_tokens_are_valid_hashes() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(validate_payload_hash(hex).is_ok());
        for token in PAYLOAD_TOKENS {
            assert!(validate_payload_hash(token).is_ok(), "{token}");
        }
        for bad in [
            "",
            "unsigned-payload",
            "UNSIGNED-PAYLOAD ",
            &hex.to_uppercase(),
            &hex[1..],
            "STREAMING-PAYLOAD",
        ] {
            let error = validate_payload_hash(bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidPayloadHash, "{bad:?}");
        }
    }
}
