//! SigV4's percent-encoding: RFC 3986 unreserved bytes (`A-Z a-z 0-9 - . _ ~`) stay, every
//! other byte becomes `%XX` with upper-case hex.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode, percent_encode_byte};

use crate::sink::ByteSink;

/// Bytes encoded in a query key or value: all but the unreserved set.
pub const QUERY_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes encoded in a path: all but the unreserved set and the `/` separator.
pub const PATH_ENCODE_SET: &AsciiSet = &QUERY_ENCODE_SET.remove(b'/');

/// Whether `byte` is RFC 3986 unreserved.
#[inline]
pub(crate) fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Writes `bytes` percent-encoded with `set`, in as few chunks as the input allows.
pub(crate) fn put_encoded(sink: &mut impl ByteSink, bytes: &[u8], set: &'static AsciiSet) {
    for chunk in percent_encode(bytes, set) {
        sink.put(chunk.as_bytes());
    }
}

/// Appends one byte, percent-encoded unless it is unreserved.
#[inline]
pub(crate) fn push_query_byte(out: &mut Vec<u8>, byte: u8) {
    if is_unreserved(byte) {
        out.push(byte);
    } else {
        out.extend_from_slice(percent_encode_byte(byte).as_bytes());
    }
}

/// Lower-case hex of a 32-byte digest. A table of digit pairs does one load and one store per
/// byte; the `hex` crate's general encoder costs several times more, and this runs twice per
/// signature.
pub(crate) fn hex32(digest: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    const PAIRS: [[u8; 2]; 256] = {
        let mut pairs = [[0u8; 2]; 256];
        let mut byte = 0;
        while byte < 256 {
            pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 15]];
            byte += 1;
        }
        pairs
    };
    let mut hex = [0u8; 64];
    for (pair, &byte) in hex.chunks_exact_mut(2).zip(digest) {
        pair.copy_from_slice(&PAIRS[usize::from(byte)]);
    }
    hex
}

/// The value of one hex digit, if it is one.
#[inline]
pub(crate) fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_bytes_stay_and_others_get_upper_case_hex() {
        let mut out = Vec::new();
        put_encoded(&mut out, "a-._~/ %é".as_bytes(), PATH_ENCODE_SET);
        assert_eq!(out, b"a-._~/%20%25%C3%A9");
        let mut out = Vec::new();
        put_encoded(&mut out, b"a/b", QUERY_ENCODE_SET);
        assert_eq!(out, b"a%2Fb");
    }

    #[test]
    fn hex32_agrees_with_the_hex_crate() {
        let digest: Vec<u8> = (0..32u8)
            .map(|i| i.wrapping_mul(97).wrapping_add(3))
            .collect();
        assert_eq!(hex32(&digest).to_vec(), hex::encode(&digest).into_bytes());
    }

    #[test]
    fn the_lookup_agrees_with_the_encode_set() {
        for byte in 0..=255u8 {
            let mut out = Vec::new();
            push_query_byte(&mut out, byte);
            let mut expected = Vec::new();
            put_encoded(&mut expected, &[byte], QUERY_ENCODE_SET);
            assert_eq!(out, expected, "byte {byte:#04x}");
        }
    }
}
