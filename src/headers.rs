//! Request headers: what may be signed, how names and values are canonicalized.
//!
//! Names must be HTTP tokens (RFC 9110 section 5.6.2) and sign lower-cased. Values sign with
//! leading and trailing spaces and tabs trimmed and inner runs of them folded to one space;
//! any other control byte (CR and LF above all: they would end the header) is refused, and
//! bytes from 0x80 up are signed as given. Same-name headers are joined with `,` in the order
//! given.

use crate::error::{Error, ErrorKind, quote_for_message};
use crate::limits::{MAX_FIELD_LEN, MAX_HEADERS};
use crate::sink::ByteSink;

/// Spec names of the headers the signer itself produces.
pub mod header {
    /// The signing time.
    pub const X_AMZ_DATE: &str = "X-Amz-Date";
    /// The session token of temporary credentials.
    pub const X_AMZ_SECURITY_TOKEN: &str = "X-Amz-Security-Token";
    /// The payload hash, sent for S3.
    pub const X_AMZ_CONTENT_SHA256: &str = "X-Amz-Content-Sha256";
    /// The signature.
    pub const AUTHORIZATION: &str = "Authorization";
}

/// Headers a proxy or the HTTP stack may add, drop or rewrite in transit, so a signature over
/// them would break: never signed. The hop-by-hop headers of RFC 9110 section 7.6.1 plus
/// `expect`, `user-agent` and `x-amzn-trace-id`; botocore skips exactly these.
pub const UNSIGNED_HEADERS: [&str; 11] = [
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Request headers as the signer reads them: a count and indexed `(name, value)` pairs.
///
/// Implemented for slices, arrays and vectors of string pairs; the C edge implements it over
/// the caller's `sigv4_header` array without copying.
pub trait HeaderList {
    /// How many headers there are.
    fn header_count(&self) -> usize;
    /// The name and value of header `index` (`index < header_count()`).
    fn header(&self, index: usize) -> (&str, &str);
}

impl HeaderList for [(&str, &str)] {
    fn header_count(&self) -> usize {
        self.len()
    }
    fn header(&self, index: usize) -> (&str, &str) {
        self[index]
    }
}

impl<const N: usize> HeaderList for [(&str, &str); N] {
    fn header_count(&self) -> usize {
        N
    }
    fn header(&self, index: usize) -> (&str, &str) {
        self[index]
    }
}

impl HeaderList for Vec<(&str, &str)> {
    fn header_count(&self) -> usize {
        self.len()
    }
    fn header(&self, index: usize) -> (&str, &str) {
        self[index]
    }
}

impl HeaderList for [(String, String)] {
    fn header_count(&self) -> usize {
        self.len()
    }
    fn header(&self, index: usize) -> (&str, &str) {
        let (name, value) = &self[index];
        (name, value)
    }
}

impl HeaderList for Vec<(String, String)> {
    fn header_count(&self) -> usize {
        self.len()
    }
    fn header(&self, index: usize) -> (&str, &str) {
        let (name, value) = &self[index];
        (name, value)
    }
}

/// How the signer treats a caller's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderClass {
    /// Signed like any header.
    Signed,
    /// `Host`: signed, and replaces the host taken from the URL.
    Host,
    /// In [`UNSIGNED_HEADERS`]: sent but not signed.
    Unsigned,
}

/// The field name of header `index` in messages: `request.headers[3] ("x-custom")`.
pub(crate) fn header_field(index: usize, name: &[u8]) -> String {
    format!("request.headers[{index}] ({})", quote_for_message(name))
}

/// RFC 9110 `tchar`, as a table: one load per byte of every name and method.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0u8;
    loop {
        table[byte as usize] = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        if byte == u8::MAX {
            break;
        }
        byte += 1;
    }
    table
};

/// RFC 9110 `tchar`.
#[inline]
pub(crate) fn is_token_byte(byte: u8) -> bool {
    TOKEN_BYTES[usize::from(byte)]
}

/// Checks every header and reports whether the caller supplied `Host`.
pub(crate) fn validate_headers<H: HeaderList + ?Sized>(headers: &H) -> Result<bool, Error> {
    let count = headers.header_count();
    if count > MAX_HEADERS {
        return Err(Error::new(
            ErrorKind::TooLarge,
            "request.header_count",
            format!("is {count}, more than the limit of {MAX_HEADERS}"),
        ));
    }
    let mut host_seen: Option<usize> = None;
    for index in 0..count {
        let (name, value) = headers.header(index);
        if classify(index, name, value)? == HeaderClass::Host {
            if let Some(first) = host_seen {
                return Err(Error::new(
                    ErrorKind::InvalidHeader,
                    header_field(index, name.as_bytes()),
                    format!("duplicates the Host header at index {first}; send one Host"),
                ));
            }
            host_seen = Some(index);
        }
    }
    Ok(host_seen.is_some())
}

/// Validates one header and tells how it is signed.
pub(crate) fn classify(index: usize, name: &str, value: &str) -> Result<HeaderClass, Error> {
    let name_bytes = name.as_bytes();
    let fail =
        |kind, detail: String| Err(Error::new(kind, header_field(index, name_bytes), detail));
    if name_bytes.len() > MAX_FIELD_LEN {
        return fail(
            ErrorKind::TooLarge,
            format!("name is longer than the limit of {MAX_FIELD_LEN} bytes"),
        );
    }
    if name_bytes.is_empty() {
        return fail(ErrorKind::InvalidHeader, "name is empty".to_owned());
    }
    if let Some(&bad) = name_bytes.iter().find(|&&b| !is_token_byte(b)) {
        return fail(
            ErrorKind::InvalidHeader,
            format!(
                "name contains {}, which an HTTP header name (a token) cannot",
                quote_for_message(&[bad])
            ),
        );
    }
    if value.len() > MAX_FIELD_LEN {
        return fail(
            ErrorKind::TooLarge,
            format!(
                "value is {} bytes, longer than the limit of {MAX_FIELD_LEN}",
                value.len()
            ),
        );
    }
    // One pass without early exit, which the compiler vectorizes; the position only on
    // failure.
    let is_control = |b: u8| (b < 0x20 && b != b'\t') || b == 0x7f;
    let has_control = value.bytes().fold(false, |found, b| {
        found | ((b < 0x20) & (b != b'\t')) | (b == 0x7f)
    });
    if has_control && let Some(position) = value.bytes().position(is_control) {
        let what = match value.as_bytes()[position] {
            b'\r' | b'\n' => "CR or LF",
            0 => "a NUL byte",
            _ => "a control byte",
        };
        return fail(
            ErrorKind::InvalidHeader,
            format!("value contains {what} at offset {position}; header values are one line"),
        );
    }
    if let Some(instead) = reserved_instead(name) {
        return fail(
            ErrorKind::InvalidHeader,
            format!("is added by the signer; {instead}"),
        );
    }
    let class = class_of(name);
    if class == HeaderClass::Host && trim(value.as_bytes()).is_empty() {
        return fail(ErrorKind::InvalidHeader, "Host value is empty".to_owned());
    }
    Ok(class)
}

/// How a header named `name` (already validated) is signed. Compares only against the
/// listed names of the same length.
pub(crate) fn class_of(name: &str) -> HeaderClass {
    if name.len() == 4 && name.eq_ignore_ascii_case("host") {
        HeaderClass::Host
    } else if UNSIGNED_HEADERS
        .iter()
        .any(|unsigned| unsigned.len() == name.len() && unsigned.eq_ignore_ascii_case(name))
    {
        HeaderClass::Unsigned
    } else {
        HeaderClass::Signed
    }
}

/// For a header the signer produces, what the caller should do instead of passing it.
fn reserved_instead(name: &str) -> Option<&'static str> {
    const RESERVED: [(&str, &str); 4] = [
        ("authorization", "do not pass it"),
        (
            "x-amz-date",
            "set params.amz_date (NULL signs with the current time)",
        ),
        (
            "x-amz-security-token",
            "set credentials.session_token instead",
        ),
        (
            "x-amz-content-sha256",
            "set request.payload_hash and SIGV4_FLAG_CONTENT_SHA256_HEADER instead",
        ),
    ];
    RESERVED
        .iter()
        .find(|(reserved, _)| reserved.len() == name.len() && reserved.eq_ignore_ascii_case(name))
        .map(|&(_, instead)| instead)
}

fn trim(value: &[u8]) -> &[u8] {
    let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value
        .iter()
        .position(|b| !is_blank(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_blank(b))
        .map_or(start, |last| last + 1);
    &value[start..end]
}

/// Writes `value` trimmed, with each inner run of spaces and tabs folded to one space. Text
/// that is already canonical goes to the sink in one piece.
pub(crate) fn put_folded_value(sink: &mut impl ByteSink, value: &str) {
    // Most values hold no blank at all: one pass without early exit (vectorizable) settles
    // them, with nothing to trim or fold.
    let has_blank = value
        .bytes()
        .fold(false, |found, b| found | (b == b' ') | (b == b'\t'));
    if !has_blank {
        sink.put(value.as_bytes());
        return;
    }
    let value = trim(value.as_bytes());
    let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
    let (mut start, mut index) = (0, 0);
    while index < value.len() {
        if !is_blank(&value[index]) {
            index += 1;
            continue;
        }
        // Trimmed, so every run of blanks ends before the end of the value.
        let run_end = index
            + value[index..]
                .iter()
                .position(|b| !is_blank(b))
                .unwrap_or(value.len() - index);
        if run_end != index + 1 || value[index] != b' ' {
            sink.put(&value[start..index]);
            sink.put(b" ");
            start = run_end;
        }
        index = run_end;
    }
    sink.put(&value[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(value: &str) -> String {
        let mut out = Vec::new();
        put_folded_value(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_trimmed_and_inner_blank_runs_fold_to_one_space() {
        assert_eq!(folded(" a   b "), "a b");
        assert_eq!(folded("\t\"a   b   c\"\t "), "\"a b c\"");
        assert_eq!(
            folded("value1   value2      value3"),
            "value1 value2 value3"
        );
        assert_eq!(folded("a b c"), "a b c");
        assert_eq!(folded("a\tb"), "a b");
        assert_eq!(folded("a \t b c  d"), "a b c d");
        assert_eq!(folded("   "), "");
        assert_eq!(folded(""), "");
        assert_eq!(folded("caf\u{e9}  \u{1234}"), "caf\u{e9} \u{1234}");
    }

    #[test]
    fn crlf_in_header_value_is_rejected_with_its_index() {
        let error = classify(3, "X-Custom", "a\r\nInjected: yes").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        assert_eq!(error.field(), "request.headers[3] (\"X-Custom\")");
        assert!(error.detail().contains("CR or LF"));
        assert!(!error.to_string().contains("Injected"), "never echo values");
    }

    #[test]
    fn names_must_be_tokens() {
        for name in ["", "a b", "a:b", "a\u{e9}", "(x)"] {
            assert_eq!(
                classify(0, name, "v").unwrap_err().kind(),
                ErrorKind::InvalidHeader,
                "{name:?}"
            );
        }
    }

    #[test]
    fn headers_the_signer_adds_are_refused_with_what_to_use_instead() {
        for (name, hint) in [
            ("Authorization", "do not pass"),
            ("X-Amz-Date", "params.amz_date"),
            ("x-amz-security-token", "session_token"),
            ("X-AMZ-CONTENT-SHA256", "payload_hash"),
        ] {
            let error = classify(0, name, "x").unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidHeader);
            assert!(error.detail().contains(hint), "{error}");
        }
    }

    #[test]
    fn hop_by_hop_and_agent_headers_are_not_signed() {
        for name in UNSIGNED_HEADERS {
            assert_eq!(
                classify(0, &name.to_uppercase(), "x").unwrap(),
                HeaderClass::Unsigned
            );
        }
        assert_eq!(classify(0, "HOST", "h").unwrap(), HeaderClass::Host);
        assert_eq!(classify(0, "x-custom", "").unwrap(), HeaderClass::Signed);
    }

    #[test]
    fn two_host_headers_are_refused() {
        let headers = [("Host", "a"), ("host", "b")];
        let error = validate_headers(&headers).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        assert!(error.field().starts_with("request.headers[1]"));
    }
}
