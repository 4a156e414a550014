//! The canonical query string.
//!
//! The query is split on `&` (empty pieces dropped) and each piece on its first `=` (none
//! means an empty value). Each part is percent-decoded and encoded again with the unreserved
//! set and upper-case hex, so `%7e`, `~` and `%7E` all sign as `~`; `+` stays a literal plus
//! (`%2B`), as servers read it. Pairs are sorted by encoded key, then encoded value.
//!
//! botocore skips this step: it signs the query text as given and sorts it, which agrees with
//! the spec only when the caller's query is already canonical (as botocore's own requests are).

use std::cmp::Ordering;

use crate::encoding::{hex_value, push_query_byte};
use crate::sink::ByteSink;

/// Reusable buffers for the canonical query; they keep their capacity between calls.
#[derive(Debug, Default)]
pub(crate) struct QueryScratch {
    text: Vec<u8>,
    pairs: Vec<Pair>,
}

/// One `key=value` of `QueryScratch::text`: `text[start..key_end]` is the encoded key and
/// `text[key_end + 1..end]` the encoded value.
#[derive(Debug, Clone, Copy)]
struct Pair {
    start: usize,
    key_end: usize,
    end: usize,
}

/// Writes the canonical form of `query` (the URL text after `?`, already validated so every
/// `%` has two hex digits).
pub(crate) fn write_canonical_query(
    sink: &mut impl ByteSink,
    query: &str,
    scratch: &mut QueryScratch,
) {
    if query.is_empty() {
        return;
    }
    let QueryScratch { text, pairs } = scratch;
    text.clear();
    pairs.clear();
    for piece in query.as_bytes().split(|&b| b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (key, value) = match piece.iter().position(|&b| b == b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..]),
            None => (piece, &b""[..]),
        };
        let start = text.len();
        reencode(key, text);
        let key_end = text.len();
        text.push(b'=');
        reencode(value, text);
        pairs.push(Pair {
            start,
            key_end,
            end: text.len(),
        });
    }
    let text = &*text;
    pairs.sort_unstable_by(|a, b| compare(text, a, b));
    for (index, pair) in pairs.iter().enumerate() {
        if index > 0 {
            sink.put(b"&");
        }
        sink.put(&text[pair.start..pair.end]);
    }
}

fn compare(text: &[u8], a: &Pair, b: &Pair) -> Ordering {
    text[a.start..a.key_end]
        .cmp(&text[b.start..b.key_end])
        .then_with(|| text[a.key_end + 1..a.end].cmp(&text[b.key_end + 1..b.end]))
}

/// Percent-decodes `part` and appends it encoded with the unreserved set.
fn reencode(part: &[u8], out: &mut Vec<u8>) {
    let mut index = 0;
    while index < part.len() {
        let mut byte = part[index];
        if byte == b'%'
            && let (Some(high), Some(low)) = (
                part.get(index + 1).copied().and_then(hex_value),
                part.get(index + 2).copied().and_then(hex_value),
            )
        {
            byte = high << 4 | low;
            index += 2;
        }
        push_query_byte(out, byte);
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(query: &str) -> String {
        let mut out = Vec::new();
        write_canonical_query(&mut out, query, &mut QueryScratch::default());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pairs_are_sorted_by_encoded_key_then_value() {
        assert_eq!(canonical("b=2&a=1"), "a=1&b=2");
        assert_eq!(
            canonical("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canonical("a=2&a=1&a=10"), "a=1&a=10&a=2");
        assert_eq!(
            canonical("a-=1&a=2"),
            "a=2&a-=1",
            "key compared alone, not key=value"
        );
        assert_eq!(
            canonical("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
    }

    #[test]
    fn parts_are_decoded_and_encoded_once_with_upper_case_hex() {
        assert_eq!(canonical("k=%7e%7E~"), "k=~~~");
        assert_eq!(canonical("k=a+b"), "k=a%2Bb", "plus is a literal plus");
        assert_eq!(canonical("k=%2b"), "k=%2B");
        assert_eq!(canonical("k=a/b:c"), "k=a%2Fb%3Ac");
        assert_eq!(canonical("%41=%ff"), "A=%FF");
        assert_eq!(canonical("k=a=b"), "k=a%3Db", "split on the first '=' only");
    }

    #[test]
    fn empty_pieces_are_dropped_and_bare_keys_get_empty_values() {
        assert_eq!(canonical("&&a&&b=&"), "a=&b=");
        assert_eq!(canonical("="), "=");
        assert_eq!(canonical(""), "");
    }
}
