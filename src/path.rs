//! The canonical URI: the request path, normalized and encoded as the settings say.
//!
//! Normalization removes dot segments as RFC 3986 section 5.2.4 does and also collapses runs
//! of `/`, as AWS services (and the test suite's `get-slashes` case) expect. On one point the
//! oracles part: botocore's `remove_dot_segments` drops the trailing slash of a path ending in
//! `/.` or `/..` (`/a/b/.` signs as `/a/b`), while the RFC keeps it (`/a/b/`). We follow the
//! RFC, as aws-sigv4 does; no case of AWS's suite ends that way.

use crate::encoding::{PATH_ENCODE_SET, put_encoded};
use crate::settings::{PercentEncodingMode, Settings, UriPathNormalizationMode};
use crate::sink::ByteSink;

/// Writes the canonical URI of `path` (the URL's path as sent, possibly empty). `scratch`
/// holds the normalized path when the path has dot segments or repeated slashes; it keeps its
/// capacity between calls.
pub(crate) fn write_canonical_uri(
    sink: &mut impl ByteSink,
    path: &str,
    settings: &Settings,
    scratch: &mut Vec<u8>,
) {
    let path = path.as_bytes();
    if path.is_empty() {
        sink.put(b"/");
        return;
    }
    let normalized: &[u8] = match settings.uri_path_normalization_mode {
        UriPathNormalizationMode::Enabled if needs_normalization(path) => {
            normalize_into(path, scratch);
            scratch
        }
        _ => path,
    };
    match settings.percent_encoding_mode {
        PercentEncodingMode::Double if needs_encoding(normalized) => {
            put_encoded(sink, normalized, PATH_ENCODE_SET)
        }
        _ => sink.put(normalized),
    }
}

/// Whether any byte of `path` is outside the unreserved set and `/`. One pass of range
/// compares without early exit, which the compiler vectorizes: most paths need no encoding
/// and then skip the byte-at-a-time encoder.
fn needs_encoding(path: &[u8]) -> bool {
    !path.iter().fold(true, |plain, &b| {
        plain
            & ((b.wrapping_sub(b'a') < 26)
                | (b.wrapping_sub(b'A') < 26)
                | (b.wrapping_sub(b'0') < 10)
                | (b == b'-')
                | (b == b'.')
                | (b == b'_')
                | (b == b'~')
                | (b == b'/'))
    })
}

/// Whether normalization would change `path`: it has a `.` or `..` segment, an empty segment
/// other than the one after a trailing slash, or does not start with `/`.
fn needs_normalization(path: &[u8]) -> bool {
    let Some(after_root) = path.strip_prefix(b"/") else {
        return true;
    };
    // Normalization can only change a path with `//` or `/.` in it: find out in one
    // vectorizable pass before walking segments.
    let has_candidate = path.iter().zip(&path[1..]).fold(false, |found, (&a, &b)| {
        found | ((a == b'/') & ((b == b'/') | (b == b'.')))
    });
    if !has_candidate {
        return false;
    }
    let mut segments = after_root.split(|&b| b == b'/').peekable();
    while let Some(segment) = segments.next() {
        let is_last = segments.peek().is_none();
        match segment {
            b"." | b".." => return true,
            b"" if !is_last => return true,
            _ => {}
        }
    }
    false
}

/// RFC 3986 section 5.2.4 on an absolute path, with empty segments dropped as well.
fn normalize_into(path: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut last: &[u8] = b"";
    for segment in path.split(|&b| b == b'/') {
        last = segment;
        match segment {
            b"" | b"." => {}
            b".." => {
                let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(cut);
            }
            _ => {
                out.push(b'/');
                out.extend_from_slice(segment);
            }
        }
    }
    if out.is_empty() || matches!(last, b"" | b"." | b"..") {
        out.push(b'/');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(path: &str, settings: Settings) -> String {
        let mut out = Vec::new();
        write_canonical_uri(&mut out, path, &settings, &mut Vec::new());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dot_segments_and_repeated_slashes_are_removed() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/../c/./d", "/a/c/d"),
            ("/a/b/.", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("/a/.../b", "/a/.../b"),
            ("/a/.b/", "/a/.b/"),
            ("/a//b", "/a/b"),
            ("/a/b", "/a/b"),
        ];
        for (path, expected) in cases {
            assert_eq!(canonical(path, Settings::default()), expected, "{path}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_full_normalization() {
        for path in [
            "/a",
            "/a/",
            "/a/b",
            "/a.b/c..d/",
            "/a//",
            "//a",
            "/a/./b",
            "/a/.",
        ] {
            let mut full = Vec::new();
            normalize_into(path.as_bytes(), &mut full);
            let fast = !needs_normalization(path.as_bytes());
            if fast {
                assert_eq!(
                    full,
                    path.as_bytes(),
                    "{path} skipped normalization wrongly"
                );
            }
        }
    }

    #[test]
    fn the_encoding_check_agrees_with_the_encoder() {
        for byte in 0..=255u8 {
            let path = [b'/', byte];
            let mut encoded = Vec::new();
            put_encoded(&mut encoded, &path, PATH_ENCODE_SET);
            assert_eq!(needs_encoding(&path), encoded != path, "byte {byte:#04x}");
        }
    }

    #[test]
    fn the_default_mode_encodes_an_encoded_path_again() {
        assert_eq!(
            canonical("/example%20space/", Settings::default()),
            "/example%2520space/"
        );
        assert_eq!(
            canonical("/a:b@c(1)", Settings::default()),
            "/a%3Ab%40c%281%29"
        );
    }

    #[test]
    fn s3_signs_the_path_exactly_as_sent() {
        for path in ["/photos/My%20Photo%20(1).jpg", "//a/./b/../c", "/a+b"] {
            assert_eq!(canonical(path, Settings::s3()), path);
        }
    }
}
