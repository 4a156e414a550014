//! Seeded random differential test against the `aws-sigv4` crate (1.6.4, the signer of the AWS
//! SDK for Rust): every generated request is signed by both, and every output header
//! (`X-Amz-Date`, `X-Amz-Security-Token`, `X-Amz-Content-Sha256`, `Authorization`, hence the
//! signature and the signed header list) must be identical.
//!
//! The seed is printed; `SIGV4_SEED=<n> cargo test --test aws_sigv4_differential` replays a
//! run, `SIGV4_COUNT=<n>` changes the number of requests (default 20,000). On a mismatch the
//! test prints the seed, the inputs, our canonical request and string to sign, both
//! `Authorization` values and which part of the request the mismatch follows (each part is
//! neutralized in turn and the two signers compared again). aws-sigv4 does not expose its
//! canonical request (it is `pub(crate)` and only traced through `tracing`), so the report
//! prints a model of it (`aws_sigv4_model`, a transcription of aws-sigv4 1.6.4's
//! `canonical_request.rs`) together with whether the model reproduces aws-sigv4's signature
//! for that request; `the_model_of_aws_sigv4_reproduces_its_signatures` keeps it honest.
//!
//! # Where aws-sigv4 and our rules (issue 2, the SigV4 spec) differ by design
//!
//! The generator stays out of these corners; each has an explicit test below
//! (`difference_*`) that pins our behaviour and shows that aws-sigv4 signs differently.
//!
//! 1. **`+` in the query.** aws-sigv4 parses the query with `form_urlencoded`, the HTML form
//!    rules, so `a=b+c` signs as `a=b%20c`. SigV4 percent-decodes RFC 3986 style: `+` is a
//!    literal plus and signs as `%2B`, as the servers read it (and as botocore signs it). We
//!    sign `%2B`. The generator writes no raw `+` in queries (`%2B` and `%20` it does write).
//! 2. **Percent-encoded bytes that are not UTF-8 in the query.** aws-sigv4 decodes the query
//!    into `str` lossily, so `a=%FF` signs as `a=%EF%BF%BD` (U+FFFD). The spec re-encodes the
//!    bytes: `a=%FF`. We do. The generator percent-encodes only ASCII bytes and whole UTF-8
//!    characters in queries (any byte in paths, where neither side decodes).
//! 3. **A `%` without two hex digits.** aws-sigv4 signs `a=%zz` as `a=%25zz` (form_urlencoded
//!    keeps a bad escape literally) and re-encodes a bad `%` in the path. No HTTP client sends
//!    it; our contract refuses it as `InvalidUrl` (issue 2: "so is a `%` not followed by two hex
//!    digits"). The generator writes only valid escapes.
//! 4. **Tabs in header values.** aws-sigv4's `trim_all` trims and folds spaces only; a tab is
//!    signed as is (`" a\t\tb\t"` → `a\t\tb\t`). Issue 2 (and RFC 9110's OWS, which is SP or
//!    HTAB) trims and folds spaces and tabs alike: `a b`. We do. The generator pads and folds
//!    header values with spaces only.
//! 5. **The unsigned header list.** aws-sigv4 by default leaves out `authorization`,
//!    `user-agent`, `x-amzn-trace-id` and `transfer-encoding`; we also leave out the
//!    hop-by-hop headers `connection`, `expect`, `keep-alive`, `proxy-authenticate`,
//!    `proxy-authorization`, `te`, `trailer` and `upgrade` (issue 2: botocore's list). aws-sigv4
//!    makes the list a setting (`SigningSettings::excluded_headers`), so the differential sets
//!    it to our `sigv4::UNSIGNED_HEADERS` and generates all of those headers.
//! 6. **Upper-case letters in the URL's host.** aws-sigv4 signs the URL's host as written
//!    (`http::Uri` keeps its case); hosts are case-insensitive (RFC 3986 section 3.2.2) and
//!    issue 2 says "lowercase", so we sign `example.com` for `https://EXAMPLE.com/` (and `[::abcd]`
//!    for `https://[::ABCD]/`). The
//!    generator writes lower-case URL hosts (a `Host` header keeps its case on both sides and
//!    is generated in mixed case).
//! 7. **Service `s3` implies S3's rules.** aws-sigv4 signs with whatever settings it is given;
//!    our `s3` service always gets `Settings::s3()`'s path and payload rules (issue 2: "Service
//!    `s3` implies `SIGV4_FLAG_S3`"). The differential gives aws-sigv4 S3's settings whenever it
//!    signs for `s3`.
//! 8. **Caller headers the signer owns.** aws-sigv4 overwrites a caller's `x-amz-date`,
//!    `x-amz-security-token` and `x-amz-content-sha256` (and leaves out `authorization`); we
//!    refuse them with `InvalidHeader`, naming the field or flag to use instead (issue 2). The
//!    generator never sends them.
//! 9. **Methods that are not HTTP tokens.** aws-sigv4 signs any method string (`"GET /x"`);
//!    we refuse one that is not an HTTP token (`InvalidMethod`). The generator's methods are
//!    tokens.
//! 10. **Characters `http::Uri` refuses.** aws-sigv4 parses the URL with `http::Uri`, which
//!     refuses `<`, `>` and `` ` `` in the path and `"`, `<`, `>` in the query (none of them is
//!     RFC 3986, nor are `{}|^\[]"`, which it accepts). We refuse only what can never be on the
//!     wire (space, controls, non-ASCII, a bad `%`) and sign the rest as sent. The generator
//!     writes RFC 3986 characters plus the non-RFC ones `http::Uri` accepts.
//! 11. **A port with leading zeros.** Clients send the port as a number (curl, urllib3), so
//!     we sign the number: `https://h:0443/` is the default port and signs `host:h`,
//!     `https://h:08080/` signs `host:h:8080`. aws-sigv4 signs the text as written
//!     (`h:0443`, `h:08080`). The generator writes ports without leading zeros.
//! 12. **URLs we refuse that aws-sigv4 signs**: a fragment (`http::Uri` drops it silently; a
//!     fragment is never sent, so issue 2 refuses it) and an empty port (`https://h:/`).
//! 13. **The `Host` header.** Two `Host` headers, or an empty one, are refused by us (a
//!     request has one host); aws-sigv4 signs them (joined with `,`, or empty).
//! 14. **Session tokens.** An empty token means "no token" for us (issue 2: `NULL or ""`);
//!     aws-sigv4 signs an empty `x-amz-security-token`. A token with a byte outside visible
//!     ASCII (space, tab, non-ASCII) is `InvalidCredentials` for us and signed by aws-sigv4.
//! 15. **Scope parts.** An empty region or service, or one with `/`, a space or non-ASCII, is
//!     `InvalidScope` for us; aws-sigv4 signs it.
//! 16. **Payload hashes.** We accept 64 lower-case hex digits or one of the six payload tokens
//!     (issue 2); aws-sigv4's `SignableBody::Precomputed` takes any string verbatim.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind as AwsPayloadChecksumKind, PercentEncodingMode as AwsPercentEncodingMode,
    SessionTokenMode as AwsSessionTokenMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode as AwsUriPathNormalizationMode, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use sigv4::{
    AmzDate, Credentials, Payload, PayloadChecksumKind, PercentEncodingMode, Request, Scope,
    SecretKey, SessionTokenMode, Settings, SigningParams, StringToSign, UNSIGNED_HEADERS,
    UriPathNormalizationMode, derive_signing_key, sha256_hex, sign, write_canonical_request,
};

/// Requests per run unless `SIGV4_COUNT` says otherwise.
const DEFAULT_COUNT: usize = 20_000;
/// Mismatches printed in full; the rest are counted.
const MAX_REPORTS: usize = 5;

// ---------------------------------------------------------------------------------------------
// A small std-only PRNG

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and every seed gives a full-period stream.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % u64::try_from(n).unwrap()).unwrap()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn byte(&mut self) -> u8 {
        self.next_u64().to_le_bytes()[0]
    }

    fn char_from(&mut self, alphabet: &[u8]) -> char {
        char::from(*self.pick(alphabet))
    }
}

fn seed() -> u64 {
    match std::env::var("SIGV4_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SIGV4_SEED={text:?} is not an unsigned integer")),
        Err(_) => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
            now.as_secs() ^ u64::from(now.subsec_nanos()).rotate_left(32)
        }
    }
}

fn count() -> usize {
    std::env::var("SIGV4_COUNT").map_or(DEFAULT_COUNT, |text| {
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("SIGV4_COUNT={text:?} is not a count"))
    })
}

// ---------------------------------------------------------------------------------------------
// Generated requests

#[derive(Debug, Clone)]
enum GenPayload {
    Body(Vec<u8>),
    /// A hex hash or a token, used verbatim.
    Hash(String),
}

/// One generated signing input, with everything both signers need.
#[derive(Debug, Clone)]
struct Case {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    payload: GenPayload,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    service: String,
    unix_seconds: u64,
    settings: Settings,
}

const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// Raw in a path segment: RFC 3986 sub-delims, `:` and `@`, and the non-RFC characters that
/// `http::Uri` accepts in a path (difference 10).
const PATH_EXTRA: &[u8] = b"!$&'()*+,;=:@{}|^\\\"[]";
/// Raw in a query value: sub-delims but `&` (the separator) and `+` (difference 1), `:@/?`,
/// `=` (only the first `=` of a piece splits it), and the non-RFC characters that `http::Uri`
/// accepts in a query (difference 10).
const QUERY_EXTRA: &[u8] = b"!$'()*,;=:@/?{}|^\\`[]";
/// Raw in a query key: as above without `=`.
const QUERY_KEY_EXTRA: &[u8] = b"!$'()*,;:@/?{}|^\\`[]";
/// Characters valid in an HTTP token (RFC 9110 section 5.6.2), besides letters and digits.
const TOKEN_EXTRA: &[u8] = b"!#$%&'*+-.^_`|~";
/// Visible ASCII for header values.
const VISIBLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\
!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/// Non-ASCII text, valid UTF-8 (signed as given in header values, percent-encoded in URLs).
const UNICODE: [&str; 5] = ["é", "ሴ", "日本", "😀", "ß"];

const METHODS: [&str; 11] = [
    "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "get",
];
const ODD_METHODS: [&str; 3] = ["PROPFIND", "M-SEARCH", "X_CUSTOM.1"];
const HOSTS: [&str; 8] = [
    "example.amazonaws.com",
    "abc123.execute-api.ap-northeast-1.amazonaws.com",
    "examplebucket.s3.us-east-1.amazonaws.com",
    "sts.amazonaws.com",
    "api.example.com",
    "localhost",
    "127.0.0.1",
    "a-b.c-d.example",
];
const REGIONS: [&str; 5] = [
    "us-east-1",
    "ap-northeast-1",
    "eu-west-3",
    "us-gov-west-1",
    "cn-north-1",
];
const SERVICES: [&str; 8] = [
    "execute-api",
    "s3",
    "s3",
    "sts",
    "sqs",
    "service",
    "iam",
    "s3-object-lambda",
];
const HEADER_NAMES: [&str; 14] = [
    "content-type",
    "x-custom",
    "my-header1",
    "x-amz-meta-data",
    "accept",
    "content-length",
    "cache-control",
    "content-md5",
    "x-amz-target",
    "if-none-match",
    "x-amz-user-agent",
    "x-amz-checksum-mode",
    "range",
    "date",
];
const PAYLOAD_TOKENS: [&str; 6] = [
    "UNSIGNED-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
];

fn percent_byte(rng: &mut Rng, out: &mut String, byte: u8) {
    if rng.chance(25) {
        let _ = write!(out, "%{byte:02x}");
    } else {
        let _ = write!(out, "%{byte:02X}");
    }
}

fn percent_text(rng: &mut Rng, out: &mut String, text: &str) {
    for &b in text.as_bytes() {
        percent_byte(rng, out, b);
    }
}

fn random_case(rng: &mut Rng, text: &str) -> String {
    text.chars()
        .map(|c| {
            if rng.chance(40) {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

fn gen_path_segment(rng: &mut Rng) -> String {
    let mut segment = String::new();
    match rng.below(20) {
        0..=1 => segment.push('.'),
        2..=3 => segment.push_str(".."),
        4..=5 => {} // empty: a repeated slash
        6 => segment.push_str(rng.pick::<&str>(&["...", ".a", "a.", "..b", "%2E", "%2e%2E"])),
        _ => {
            for _ in 0..1 + rng.below(8) {
                match rng.below(10) {
                    0..=5 => segment.push(rng.char_from(UNRESERVED)),
                    6..=7 => segment.push(rng.char_from(PATH_EXTRA)),
                    8 => {
                        let byte = rng.byte(); // any byte: paths are never decoded
                        percent_byte(rng, &mut segment, byte);
                    }
                    _ => {
                        let text = *rng.pick(&UNICODE);
                        percent_text(rng, &mut segment, text);
                    }
                }
            }
        }
    }
    segment
}

fn gen_path(rng: &mut Rng) -> String {
    if rng.chance(5) {
        return String::new();
    }
    let mut path = String::new();
    for _ in 0..rng.below(7) {
        path.push('/');
        path.push_str(&gen_path_segment(rng));
    }
    if path.is_empty() || rng.chance(20) {
        path.push('/');
    }
    path
}

/// A query key or value: unreserved and allowed reserved characters, escapes of any ASCII
/// byte (`%2B`, `%26`, `%3D`, `%25`, `%20`, controls ...) and of whole UTF-8 characters.
fn gen_query_part(rng: &mut Rng, extra: &[u8], max_len: usize) -> String {
    let mut part = String::new();
    for _ in 0..rng.below(max_len + 1) {
        match rng.below(12) {
            0..=6 => part.push(rng.char_from(UNRESERVED)),
            7..=8 => part.push(rng.char_from(extra)),
            9..=10 => {
                let byte = rng.byte() & 0x7F;
                percent_byte(rng, &mut part, byte);
            }
            _ => {
                let text = *rng.pick(&UNICODE);
                percent_text(rng, &mut part, text);
            }
        }
    }
    part
}

/// Percent-encodes `text` the canonical way: unreserved kept, everything else `%XX`.
fn canonical_encode(text: &str) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        if UNRESERVED.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn gen_query(rng: &mut Rng) -> Option<String> {
    match rng.below(10) {
        0..=2 => None,
        3 => Some(String::new()), // a bare `?`
        4..=5 => {
            // Already canonical: encoded the canonical way and sorted.
            let mut pairs: Vec<(String, String)> = (0..1 + rng.below(5))
                .map(|_| {
                    let key: String = (0..1 + rng.below(6))
                        .map(|_| {
                            if rng.chance(80) {
                                rng.char_from(UNRESERVED)
                            } else {
                                rng.char_from(b"/+= &?")
                            }
                        })
                        .collect();
                    let value: String = (0..rng.below(8))
                        .map(|_| {
                            if rng.chance(80) {
                                rng.char_from(UNRESERVED)
                            } else {
                                rng.char_from(b"/+= &?:")
                            }
                        })
                        .collect();
                    (canonical_encode(&key), canonical_encode(&value))
                })
                .collect();
            pairs.sort();
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&"),
            )
        }
        _ => {
            // Not canonical: unsorted, repeated keys, bare keys, empty values and pieces,
            // lower-case hex, escapes of unreserved characters, raw reserved characters.
            let mut keys: Vec<String> = Vec::new();
            let mut pieces: Vec<String> = Vec::new();
            for _ in 0..1 + rng.below(6) {
                let key = if !keys.is_empty() && rng.chance(25) {
                    rng.pick(&keys).clone()
                } else {
                    gen_query_part(rng, QUERY_KEY_EXTRA, 6)
                };
                keys.push(key.clone());
                let piece = match rng.below(10) {
                    0 => key,                                                 // bare key
                    1 => format!("{key}="),                                   // empty value
                    2 => String::new(),                                       // empty piece: `&&`
                    3 => format!("={}", gen_query_part(rng, QUERY_EXTRA, 4)), // empty key
                    _ => format!("{key}={}", gen_query_part(rng, QUERY_EXTRA, 8)),
                };
                pieces.push(piece);
            }
            Some(pieces.join("&"))
        }
    }
}

fn gen_header_value(rng: &mut Rng) -> String {
    let mut value = String::new();
    if rng.chance(30) {
        value.push_str(&" ".repeat(1 + rng.below(3)));
    }
    for word in 0..rng.below(4) {
        if word > 0 {
            value.push_str(&" ".repeat(1 + rng.below(4)));
        }
        for _ in 0..1 + rng.below(8) {
            if rng.chance(5) {
                value.push_str(rng.pick::<&str>(&UNICODE));
            } else {
                value.push(rng.char_from(VISIBLE));
            }
        }
    }
    if rng.chance(30) {
        value.push_str(&" ".repeat(1 + rng.below(3)));
    }
    value
}

fn gen_header_name(rng: &mut Rng) -> String {
    let name = match rng.below(10) {
        0..=5 => (*rng.pick(&HEADER_NAMES)).to_owned(),
        6..=7 => (*rng.pick(&UNSIGNED_HEADERS)).to_owned(),
        _ => {
            let mut name = String::from("x-");
            for _ in 0..1 + rng.below(8) {
                if rng.chance(85) {
                    name.push(rng.char_from(b"abcdefghijklmnopqrstuvwxyz0123456789-"));
                } else {
                    name.push(rng.char_from(TOKEN_EXTRA));
                }
            }
            name
        }
    };
    random_case(rng, &name)
}

fn gen_token(rng: &mut Rng) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let len = if rng.chance(50) {
        8 + rng.below(24)
    } else {
        300 + rng.below(800)
    };
    let mut token: String = (0..len).map(|_| rng.char_from(B64)).collect();
    if rng.chance(50) {
        token.push_str("==");
    }
    token
}

fn gen_case(rng: &mut Rng) -> Case {
    let method = if rng.chance(5) {
        *rng.pick(&ODD_METHODS)
    } else {
        *rng.pick(&METHODS)
    };
    let https = rng.chance(70);
    let scheme = if https { "https" } else { "http" };
    let host = *rng.pick(&HOSTS);
    let port = match rng.below(10) {
        0 => if https { ":443" } else { ":80" }.to_owned(), // the default: dropped
        1 => if https { ":80" } else { ":443" }.to_owned(), // not the default: kept
        2 => format!(":{}", 1 + rng.below(65_535)),
        _ => String::new(),
    };
    let path = gen_path(rng);
    let query = gen_query(rng);
    let url = match &query {
        Some(query) => format!("{scheme}://{host}{port}{path}?{query}"),
        None => format!("{scheme}://{host}{port}{path}"),
    };

    let mut headers: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.below(7) {
        let name = if !headers.is_empty() && rng.chance(20) {
            // A repeated header, maybe spelt in another case.
            let previous = rng.pick(&headers).0.clone();
            random_case(rng, &previous)
        } else {
            gen_header_name(rng)
        };
        headers.push((name, gen_header_value(rng)));
    }
    if rng.chance(25) {
        // Host override (the custom-domain recipe), padded, in mixed case, maybe with a port.
        let host = *rng.pick(&HOSTS);
        let mut value = random_case(rng, host);
        if rng.chance(30) {
            let _ = write!(value, ":{}", 1 + rng.below(65_535));
        }
        if rng.chance(30) {
            value = format!("  {value} ");
        }
        let at = rng.below(headers.len() + 1);
        headers.insert(at, (random_case(rng, "host"), value));
    }

    let payload = match rng.below(10) {
        0..=3 => GenPayload::Body(Vec::new()),
        4..=6 => GenPayload::Body((0..rng.below(200)).map(|_| rng.byte()).collect()),
        7..=8 => {
            let digest = sha256_hex(&rng.next_u64().to_le_bytes());
            GenPayload::Hash(String::from_utf8(digest.to_vec()).unwrap())
        }
        _ => GenPayload::Hash((*rng.pick(&PAYLOAD_TOKENS)).to_owned()),
    };

    let access_key_id = format!(
        "AKIA{}",
        (0..16)
            .map(|_| rng.char_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
            .collect::<String>()
    );
    let secret_access_key: String = (0..40)
        .map(|_| rng.char_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))
        .collect();
    let session_token = rng.chance(40).then(|| gen_token(rng));
    let service = (*rng.pick(&SERVICES)).to_owned();
    let settings = Settings {
        percent_encoding_mode: *rng
            .pick(&[PercentEncodingMode::Double, PercentEncodingMode::Single]),
        uri_path_normalization_mode: *rng.pick(&[
            UriPathNormalizationMode::Enabled,
            UriPathNormalizationMode::Disabled,
        ]),
        payload_checksum_kind: *rng.pick(&[
            PayloadChecksumKind::NoHeader,
            PayloadChecksumKind::XAmzSha256,
        ]),
        session_token_mode: *rng.pick(&[SessionTokenMode::Include, SessionTokenMode::Exclude]),
    };
    // Mostly the defaults for non-S3 services, as real callers use them.
    let settings = if rng.chance(50) {
        Settings {
            session_token_mode: settings.session_token_mode,
            ..Settings::default()
        }
    } else {
        settings
    };
    Case {
        method: method.to_owned(),
        url,
        headers,
        payload,
        access_key_id,
        secret_access_key,
        session_token,
        region: (*rng.pick(&REGIONS)).to_owned(),
        service,
        // 2000-01-01 to 2037-12-31.
        unix_seconds: 946_684_800 + rng.next_u64() % 1_198_195_200,
        settings,
    }
}

// ---------------------------------------------------------------------------------------------
// Signing with both

/// The headers a signer added, lower-cased names, sorted.
type Added = Vec<(String, String)>;

fn sign_ours(case: &Case) -> Result<Added, String> {
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: &case.method,
        url: &case.url,
        headers: &headers,
        payload: match &case.payload {
            GenPayload::Body(body) => Payload::Body(body),
            GenPayload::Hash(hash) => Payload::Hash(hash),
        },
    };
    let credentials = Credentials::new(
        &case.access_key_id,
        &case.secret_access_key,
        case.session_token.as_deref(),
    );
    let params = SigningParams {
        region: &case.region,
        service: &case.service,
        date: Some(AmzDate::from_unix_seconds(case.unix_seconds)),
        settings: case.settings,
    };
    let signed = sign(&request, &credentials, &params).map_err(|e| format!("sigv4: {e}"))?;
    let mut added: Added = signed
        .headers()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    added.sort();
    Ok(added)
}

/// Our canonical request and string to sign, for a mismatch report.
fn our_canonical_request(case: &Case) -> (String, String) {
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: &case.method,
        url: &case.url,
        headers: &headers,
        payload: match &case.payload {
            GenPayload::Body(body) => Payload::Body(body),
            GenPayload::Hash(hash) => Payload::Hash(hash),
        },
    };
    let credentials = Credentials::new(
        &case.access_key_id,
        &case.secret_access_key,
        case.session_token.as_deref(),
    );
    let date = AmzDate::from_unix_seconds(case.unix_seconds);
    let params = SigningParams {
        region: &case.region,
        service: &case.service,
        date: Some(date),
        settings: case.settings,
    };
    let mut canonical_request = Vec::new();
    if let Err(e) = write_canonical_request(&request, &credentials, &params, &mut canonical_request)
    {
        return (format!("(refused: {e})"), String::new());
    }
    let hash = sha256_hex(&canonical_request);
    let mut string_to_sign = Vec::new();
    StringToSign {
        amz_date: &date,
        scope: Scope::new(&date, &case.region, &case.service),
        canonical_request_hash: &hash,
    }
    .write(&mut string_to_sign);
    (
        String::from_utf8_lossy(&canonical_request).into_owned(),
        String::from_utf8_lossy(&string_to_sign).into_owned(),
    )
}

/// aws-sigv4's settings for `case`: the same modes (S3's for service `s3`, difference 7) and our
/// unsigned header list (difference 5).
fn aws_settings(case: &Case) -> SigningSettings {
    let settings = if case.service == sigv4::S3_SERVICE {
        case.settings.with_s3_rules()
    } else {
        case.settings
    };
    let mut aws = SigningSettings::default();
    aws.percent_encoding_mode = match settings.percent_encoding_mode {
        PercentEncodingMode::Double => AwsPercentEncodingMode::Double,
        PercentEncodingMode::Single => AwsPercentEncodingMode::Single,
    };
    aws.uri_path_normalization_mode = match settings.uri_path_normalization_mode {
        UriPathNormalizationMode::Enabled => AwsUriPathNormalizationMode::Enabled,
        UriPathNormalizationMode::Disabled => AwsUriPathNormalizationMode::Disabled,
    };
    aws.payload_checksum_kind = match settings.payload_checksum_kind {
        PayloadChecksumKind::NoHeader => AwsPayloadChecksumKind::NoHeader,
        PayloadChecksumKind::XAmzSha256 => AwsPayloadChecksumKind::XAmzSha256,
    };
    aws.session_token_mode = match settings.session_token_mode {
        SessionTokenMode::Include => AwsSessionTokenMode::Include,
        SessionTokenMode::Exclude => AwsSessionTokenMode::Exclude,
    };
    aws.excluded_headers = Some(UNSIGNED_HEADERS.iter().map(|h| (*h).into()).collect());
    aws
}

fn sign_aws(case: &Case) -> Result<Added, String> {
    sign_aws_with(case, aws_settings(case))
}

fn sign_aws_with(case: &Case, settings: SigningSettings) -> Result<Added, String> {
    let identity: Identity = AwsCredentials::new(
        &case.access_key_id,
        &case.secret_access_key,
        case.session_token.clone(),
        None,
        "differential",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&case.region)
        .name(&case.service)
        .time(UNIX_EPOCH + Duration::from_secs(case.unix_seconds))
        .settings(settings)
        .build()
        .map_err(|e| format!("aws-sigv4 params: {e}"))?
        .into();
    let body = match &case.payload {
        GenPayload::Body(body) => SignableBody::Bytes(body),
        GenPayload::Hash(hash) => SignableBody::Precomputed(hash.clone()),
    };
    let request = SignableRequest::new(
        &case.method,
        case.url.as_str(),
        case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        body,
    )
    .map_err(|e| format!("aws-sigv4 request: {e}"))?;
    let (instructions, _signature) = aws_sign(request, &params)
        .map_err(|e| format!("aws-sigv4: {e}"))?
        .into_parts();
    let mut added: Added = instructions
        .headers()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    added.sort();
    Ok(added)
}

/// Which part of the request a mismatch follows: each part is replaced by a neutral one in
/// turn, and the parts whose replacement makes both signers agree are returned.
fn localize(case: &Case) -> Vec<&'static str> {
    let (scheme_host, rest) = split_url(&case.url);
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let mut variants: Vec<(&'static str, Case)> = Vec::new();
    let mut variant = case.clone();
    variant.url = match query {
        Some(query) => format!("{scheme_host}/?{query}"),
        None => format!("{scheme_host}/"),
    };
    variants.push(("path", variant));
    let mut variant = case.clone();
    variant.url = format!("{scheme_host}{path}");
    variants.push(("query", variant));
    let mut variant = case.clone();
    variant.headers.clear();
    variants.push(("headers", variant));
    let mut variant = case.clone();
    variant.payload = GenPayload::Body(Vec::new());
    variants.push(("payload", variant));
    let mut variant = case.clone();
    variant.session_token = None;
    variants.push(("session token", variant));
    variants
        .into_iter()
        .filter(|(_, variant)| {
            matches!((sign_ours(variant), sign_aws(variant)), (Ok(a), Ok(b)) if a == b)
        })
        .map(|(part, _)| part)
        .collect()
}

fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let path_start = url[after_scheme..]
        .find(['/', '?'])
        .map_or(url.len(), |at| after_scheme + at);
    url.split_at(path_start)
}

fn report(
    seed: u64,
    index: usize,
    case: &Case,
    ours: &Result<Added, String>,
    aws: &Result<Added, String>,
) -> String {
    let (canonical_request, string_to_sign) = our_canonical_request(case);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "=== mismatch: seed {seed}, request #{index} (replay: SIGV4_SEED={seed} cargo test --test aws_sigv4_differential)"
    );
    let _ = writeln!(text, "method   {:?}", case.method);
    let _ = writeln!(text, "url      {:?}", case.url);
    for (name, value) in &case.headers {
        let _ = writeln!(text, "header   {name:?}: {value:?}");
    }
    let _ = writeln!(text, "payload  {:?}", case.payload);
    let _ = writeln!(
        text,
        "scope    {} {} at {} ({}), token: {}",
        case.region,
        case.service,
        AmzDate::from_unix_seconds(case.unix_seconds).as_str(),
        case.unix_seconds,
        case.session_token
            .as_ref()
            .map_or("none".into(), |t| format!("{} chars", t.len()))
    );
    let _ = writeln!(text, "settings {:?}", case.settings);
    let _ = writeln!(text, "--- our canonical request ---\n{canonical_request}");
    let _ = writeln!(text, "--- our string to sign ---\n{string_to_sign}");
    let aws_signature = aws.as_ref().ok().and_then(signature_of).unwrap_or_default();
    match aws_sigv4_model(case) {
        Some(model) => {
            let verdict = if model_signature(case, &model) == aws_signature {
                "reproduces aws-sigv4's signature"
            } else {
                "does NOT reproduce aws-sigv4's signature: a guess"
            };
            let _ = writeln!(
                text,
                "--- aws-sigv4's canonical request (modelled; {verdict}) ---\n{model}"
            );
        }
        None => {
            let _ = writeln!(
                text,
                "--- aws-sigv4's canonical request: http::Uri refuses the URL ---"
            );
        }
    }
    let _ = writeln!(text, "ours:      {ours:?}");
    let _ = writeln!(text, "aws-sigv4: {aws:?}");
    let _ = writeln!(
        text,
        "the signers agree once this part is neutralized: {:?}",
        localize(case)
    );
    text
}

// ---------------------------------------------------------------------------------------------
// A model of aws-sigv4's canonical request, for mismatch reports

/// The `Signature=` of an `Authorization` among `added`.
fn signature_of(added: &Added) -> Option<String> {
    added
        .iter()
        .find(|(name, _)| name == "authorization")
        .and_then(|(_, value)| value.rsplit("Signature=").next())
        .map(str::to_owned)
}

/// aws-sigv4 1.6.4's canonical request for `case`, transcribed from its
/// `http_request/canonical_request.rs` (with the settings `aws_settings` gives it): the path
/// of `http::Uri`, normalized by segments and percent-encoded with `%` and every reserved
/// character escaped; the query through `form_urlencoded` (`+` is a space, lossy UTF-8) and
/// re-encoded; header values with spaces (only) trimmed and folded; `host` from the URL
/// unless given; the signer's own headers replacing the caller's. `None`: `http::Uri`
/// refuses the URL.
fn aws_sigv4_model(case: &Case) -> Option<String> {
    let settings = case.settings;
    let settings = if case.service == sigv4::S3_SERVICE {
        settings.with_s3_rules()
    } else {
        settings
    };
    let uri: http::Uri = case.url.parse().ok()?;
    let mut path = uri.path().to_owned();
    if settings.uri_path_normalization_mode == UriPathNormalizationMode::Enabled {
        path = model_normalize_path(&path);
    }
    if settings.percent_encoding_mode == PercentEncodingMode::Double {
        path = canonical_encode(&path).replace("%2F", "/");
    }
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            (
                canonical_encode(&model_form_decode(key)),
                canonical_encode(&model_form_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();

    let mut headers: Vec<(String, Vec<String>)> = Vec::new();
    let mut append = |name: &str, value: String, replace: bool| match headers
        .iter_mut()
        .find(|(n, _)| n == name)
    {
        Some((_, values)) if replace => *values = vec![value],
        Some((_, values)) => values.push(value),
        None => headers.push((name.to_owned(), vec![value])),
    };
    for (name, value) in &case.headers {
        append(&name.to_ascii_lowercase(), model_trim_all(value), false);
    }
    if !case
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        let authority = uri.authority()?;
        let is_default = matches!(
            (
                uri.scheme_str(),
                uri.port().as_ref().map(http::uri::Port::as_str)
            ),
            (Some("http"), Some("80")) | (Some("https"), Some("443"))
        );
        let host = if is_default {
            authority.host()
        } else {
            authority.as_str()
        };
        append("host", host.to_owned(), true);
    }
    let date = AmzDate::from_unix_seconds(case.unix_seconds);
    append("x-amz-date", date.as_str().to_owned(), true);
    if let Some(token) = &case.session_token {
        append("x-amz-security-token", token.clone(), true);
    }
    let payload_hash = match &case.payload {
        GenPayload::Body(body) => String::from_utf8(sha256_hex(body).to_vec()).unwrap(),
        GenPayload::Hash(hash) => hash.clone(),
    };
    if settings.payload_checksum_kind == PayloadChecksumKind::XAmzSha256 {
        append("x-amz-content-sha256", payload_hash.clone(), true);
    }
    headers.retain(|(name, _)| {
        !UNSIGNED_HEADERS.contains(&name.as_str())
            && (settings.session_token_mode == SessionTokenMode::Include
                || name != "x-amz-security-token")
    });
    headers.sort();
    let mut text = format!("{}\n{path}\n{}\n", case.method, query.join("&"));
    for (name, values) in &headers {
        let _ = writeln!(text, "{name}:{}", values.join(","));
    }
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let _ = write!(text, "\n{}\n{payload_hash}", names.join(";"));
    Some(text)
}

/// aws-sigv4's `normalize_uri_path`: segments, `.` and empty dropped, `..` pops; a trailing
/// slash kept for paths ending in `/`, `/.`, `/./`, `/..` or `/../`.
fn model_normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    if !(path.contains('.') || path.contains("//")) {
        return path.to_owned();
    }
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = format!("/{}", kept.join("/"));
    let trailing = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// `form_urlencoded`'s decoding: `+` is a space, a bad `%` stays literal, lossy UTF-8.
fn model_form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[at] {
            b'+' => out.push(b' '),
            b'%' if at + 2 < bytes.len() => match (hex(bytes[at + 1]), hex(bytes[at + 2])) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap());
                    at += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// aws-sigv4's `trim_all`: spaces (only) trimmed, inner runs of spaces folded to one.
fn model_trim_all(value: &str) -> String {
    let mut out = String::new();
    for word in value.split(' ').filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The signature of a canonical request `text` for `case`, through our key derivation.
fn model_signature(case: &Case, text: &str) -> String {
    let date = AmzDate::from_unix_seconds(case.unix_seconds);
    let scope = Scope::new(&date, &case.region, &case.service);
    let hash = sha256_hex(text.as_bytes());
    let key = derive_signing_key(SecretKey::new(&case.secret_access_key), &scope).unwrap();
    let signature = key
        .sign(&StringToSign {
            amz_date: &date,
            scope,
            canonical_request_hash: &hash,
        })
        .unwrap();
    String::from_utf8(signature.to_vec()).unwrap()
}

#[test]
fn signatures_match_aws_sigv4_on_generated_requests() {
    let seed = seed();
    let count = count();
    println!("aws-sigv4 differential: seed {seed}, {count} requests");
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut reports = String::new();
    for index in 0..count {
        let case = gen_case(&mut rng);
        let ours = sign_ours(&case);
        let aws = sign_aws(&case);
        let agree = matches!((&ours, &aws), (Ok(a), Ok(b)) if a == b);
        if agree {
            passed += 1;
        } else {
            failed += 1;
            if failed <= MAX_REPORTS {
                reports += &report(seed, index, &case, &ours, &aws);
            }
        }
    }
    if !reports.is_empty() {
        println!("{reports}");
    }
    println!(
        "aws-sigv4 differential: {count} requests in {:.2?}",
        started.elapsed()
    );
    println!("aws-sigv4 differential: {passed} passed, {failed} failed (seed {seed})");
    assert_eq!(
        failed, 0,
        "{failed} of {count} generated requests signed differently (seed {seed}); the first \
         {MAX_REPORTS} are printed above"
    );
}

// ---------------------------------------------------------------------------------------------
// The differences, one explicit test each

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z.
const SUITE_TIME: u64 = 1_440_938_160;

fn simple_case(method: &str, url: &str, headers: &[(&str, &str)]) -> Case {
    Case {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        payload: GenPayload::Body(Vec::new()),
        access_key_id: AKID.to_owned(),
        secret_access_key: SECRET.to_owned(),
        session_token: None,
        region: "us-east-1".to_owned(),
        service: "service".to_owned(),
        unix_seconds: SUITE_TIME,
        settings: Settings::default(),
    }
}

/// Our canonical request for `case`, which must sign.
fn canonical(case: &Case) -> String {
    let (canonical_request, _) = our_canonical_request(case);
    assert!(
        !canonical_request.starts_with("(refused"),
        "{case:?}: {canonical_request}"
    );
    canonical_request
}

/// Asserts aws-sigv4 signs `case` differently from us (or refuses it), as the difference
/// documented at the top of the file says. If aws-sigv4 changes and agrees, the generator may
/// widen to cover this corner.
fn assert_aws_sigv4_differs(case: &Case, difference: &str) {
    let ours = sign_ours(case).unwrap();
    let aws = sign_aws(case);
    assert_ne!(
        Ok(ours),
        aws,
        "difference {difference}: aws-sigv4 now agrees with us; update the module docs and let \
         the generator cover it"
    );
}

#[test]
fn difference_1_a_plus_in_the_query_signs_as_a_literal_plus() {
    let case = simple_case("GET", "https://example.amazonaws.com/?a=b+c&d+e=f", &[]);
    let canonical_request = canonical(&case);
    assert_eq!(
        canonical_request.lines().nth(2),
        Some("a=b%2Bc&d%2Be=f"),
        "`+` is a literal plus in a URL query (RFC 3986); aws-sigv4's form decoding makes it a \
         space (`%20`)"
    );
    assert_aws_sigv4_differs(&case, "1 (+ in the query)");
    // The same request with `%20` for the spaces aws-sigv4 reads: now both agree on `%20`.
    let spaces = simple_case("GET", "https://example.amazonaws.com/?a=b%20c&d%20e=f", &[]);
    assert_eq!(sign_ours(&spaces), sign_aws(&spaces));
}

#[test]
fn difference_2_escaped_bytes_that_are_not_utf8_keep_their_bytes_in_the_query() {
    let case = simple_case("GET", "https://example.amazonaws.com/?a=%FF&b=%c3%28", &[]);
    assert_eq!(
        canonical(&case).lines().nth(2),
        Some("a=%FF&b=%C3%28"),
        "the query's bytes are re-encoded as bytes, not through a lossy UTF-8 string"
    );
    assert_aws_sigv4_differs(&case, "2 (non-UTF-8 escapes in the query)");
    // Whole UTF-8 characters agree.
    let utf8 = simple_case("GET", "https://example.amazonaws.com/?a=%e1%88%b4", &[]);
    assert_eq!(canonical(&utf8).lines().nth(2), Some("a=%E1%88%B4"));
    assert_eq!(sign_ours(&utf8), sign_aws(&utf8));
}

#[test]
fn difference_3_a_percent_without_two_hex_digits_is_an_invalid_url() {
    for url in [
        "https://example.amazonaws.com/?a=%zz",
        "https://example.amazonaws.com/?a=100%",
        "https://example.amazonaws.com/a%2",
    ] {
        let error = sign_ours(&simple_case("GET", url, &[])).unwrap_err();
        assert!(error.contains("url"), "{url}: {error}");
        assert!(
            sign_aws(&simple_case("GET", url, &[])).is_ok(),
            "difference 3: aws-sigv4 signs {url} (no client sends it; we refuse it)"
        );
    }
}

#[test]
fn difference_4_tabs_in_header_values_are_trimmed_and_folded_like_spaces() {
    let case = simple_case(
        "GET",
        "https://example.amazonaws.com/",
        &[("My-Header", "\t a \t\t b\t"), ("Other", "x\ty")],
    );
    let canonical_request = canonical(&case);
    assert!(
        canonical_request.contains("\nmy-header:a b\nother:x y\n"),
        "spaces and tabs (RFC 9110 OWS) are trimmed and inner runs folded to one space; ours:\n\
         {canonical_request}"
    );
    assert_aws_sigv4_differs(&case, "4 (tabs in header values)");
    // Spaces alone agree.
    let spaces = simple_case(
        "GET",
        "https://example.amazonaws.com/",
        &[("My-Header", "  a    b  ")],
    );
    assert_eq!(sign_ours(&spaces), sign_aws(&spaces));
}

#[test]
fn difference_5_hop_by_hop_headers_are_not_signed() {
    let hop_by_hop = [
        ("Connection", "keep-alive"),
        ("Expect", "100-continue"),
        ("Keep-Alive", "timeout=5"),
        ("Proxy-Authenticate", "Basic"),
        ("Proxy-Authorization", "Basic abc"),
        ("TE", "trailers"),
        ("Trailer", "x-checksum"),
        ("Upgrade", "h2c"),
        ("User-Agent", "test/1.0"),
        (
            "X-Amzn-Trace-Id",
            "Root=1-5759e988-bd862e3fe1be46a994272793",
        ),
        ("Transfer-Encoding", "chunked"),
    ];
    let case = simple_case("PUT", "https://example.amazonaws.com/", &hop_by_hop);
    let canonical_request = canonical(&case);
    assert!(
        canonical_request.ends_with(
            "\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        "none of issue 2's unsigned headers is signed; ours:\n{canonical_request}"
    );
    // aws-sigv4's default list signs the hop-by-hop ones ...
    let ours = sign_ours(&case).unwrap();
    let aws_default = sign_aws_with(&case, {
        let mut settings = aws_settings(&case);
        settings.excluded_headers = SigningSettings::default().excluded_headers;
        settings
    })
    .unwrap();
    assert_ne!(ours, aws_default, "difference 5: aws-sigv4's default list");
    // ... and agrees once given our list, as the differential does.
    assert_eq!(Ok(ours), sign_aws(&case));
}

#[test]
fn difference_6_the_url_host_signs_lower_cased() {
    let case = simple_case("GET", "https://Example.AmazonAWS.com:8443/", &[]);
    assert!(
        canonical(&case).contains("\nhost:example.amazonaws.com:8443\n"),
        "hosts are case-insensitive (RFC 3986 section 3.2.2) and sign lower-cased"
    );
    assert_aws_sigv4_differs(&case, "6 (host case)");
    // A Host header keeps its case on both sides.
    let header = simple_case(
        "GET",
        "https://example.amazonaws.com/",
        &[("Host", "Example.AmazonAWS.com")],
    );
    assert!(canonical(&header).contains("\nhost:Example.AmazonAWS.com\n"));
    assert_eq!(sign_ours(&header), sign_aws(&header));
}

#[test]
fn difference_7_service_s3_always_signs_with_s3_rules() {
    let mut case = simple_case(
        "GET",
        "https://examplebucket.s3.us-east-1.amazonaws.com/a//b/../My%20Photo.jpg",
        &[],
    );
    case.service = "s3".to_owned();
    case.settings = Settings::default(); // asks for double encoding and normalization
    let canonical_request = canonical(&case);
    assert!(
        canonical_request.starts_with("GET\n/a//b/../My%20Photo.jpg\n\n"),
        "S3 signs the path exactly as sent; ours:\n{canonical_request}"
    );
    assert!(canonical_request.contains("\nx-amz-content-sha256:e3b0c442"));
    // aws-sigv4 given the same (default) settings double-encodes and normalizes ...
    let ours = sign_ours(&case).unwrap();
    let aws_default = sign_aws_with(&case, {
        let mut settings = SigningSettings::default();
        settings.excluded_headers = aws_settings(&case).excluded_headers;
        settings
    })
    .unwrap();
    assert_ne!(
        ours, aws_default,
        "difference 7: aws-sigv4 infers nothing from the service"
    );
    // ... and agrees when told S3's rules.
    assert_eq!(Ok(ours), sign_aws(&case));
}

#[test]
fn difference_8_headers_the_signer_owns_are_refused() {
    for name in [
        "X-Amz-Date",
        "x-amz-security-token",
        "X-AMZ-CONTENT-SHA256",
        "Authorization",
    ] {
        let case = simple_case("GET", "https://example.amazonaws.com/", &[(name, "x")]);
        let error = sign_ours(&case).unwrap_err();
        assert!(
            error.contains("headers[0]"),
            "{name}: the error names the header: {error}"
        );
        assert!(
            sign_aws(&case).is_ok(),
            "difference 8: aws-sigv4 overwrites or drops {name}"
        );
    }
}

#[test]
fn difference_9_a_method_that_is_not_an_http_token_is_refused() {
    let case = simple_case("GET /x", "https://example.amazonaws.com/", &[]);
    let error = sign_ours(&case).unwrap_err();
    assert!(error.contains("method"), "{error}");
    assert!(
        sign_aws(&case).is_ok(),
        "difference 9: aws-sigv4 signs any method string"
    );
}

#[test]
fn difference_10_printable_characters_outside_rfc_3986_sign_as_sent() {
    for (url, canonical_uri_and_query) in [
        ("https://example.amazonaws.com/a<b>", "/a%3Cb%3E\n"),
        ("https://example.amazonaws.com/a`b", "/a%60b\n"),
        (
            "https://example.amazonaws.com/?a=\"<b>\"",
            "/\na=%22%3Cb%3E%22",
        ),
    ] {
        let case = simple_case("GET", url, &[]);
        let canonical_request = canonical(&case);
        assert!(
            canonical_request.starts_with(&format!("GET\n{canonical_uri_and_query}\n")),
            "{url}: printable ASCII is signed as sent (encoded once more in the path); ours:\n\
             {canonical_request}"
        );
        assert!(
            sign_aws(&case).is_err(),
            "difference 10: http::Uri refuses {url}"
        );
    }
    // The non-RFC characters http::Uri does accept agree.
    let accepted = simple_case(
        "GET",
        "https://example.amazonaws.com/a{b}|^[c]?d={e}|^`[]",
        &[],
    );
    assert!(
        canonical(&accepted).starts_with("GET\n/a%7Bb%7D%7C%5E%5Bc%5D\nd=%7Be%7D%7C%5E%60%5B%5D\n")
    );
    assert_eq!(sign_ours(&accepted), sign_aws(&accepted));
}

#[test]
fn difference_11_a_zero_padded_port_signs_as_its_number() {
    for (url, host) in [
        (
            "https://example.amazonaws.com:0443/",
            "example.amazonaws.com",
        ),
        (
            "https://example.amazonaws.com:08080/",
            "example.amazonaws.com:8080",
        ),
        (
            "http://example.amazonaws.com:0080/",
            "example.amazonaws.com",
        ),
    ] {
        let case = simple_case("GET", url, &[]);
        let canonical_request = canonical(&case);
        assert!(
            canonical_request.contains(&format!("\nhost:{host}\n")),
            "{url}: clients send the port as a number; ours:\n{canonical_request}"
        );
        assert_aws_sigv4_differs(&case, "11 (zero-padded port)");
    }
    let plain = simple_case("GET", "https://example.amazonaws.com:8080/", &[]);
    assert_eq!(sign_ours(&plain), sign_aws(&plain));
}

#[test]
fn difference_12_a_fragment_or_an_empty_port_is_an_invalid_url() {
    for url in [
        "https://example.amazonaws.com/a#section",
        "https://example.amazonaws.com:/a",
    ] {
        let case = simple_case("GET", url, &[]);
        let error = sign_ours(&case).unwrap_err();
        assert!(error.contains("request.url"), "{url}: {error}");
        assert!(
            sign_aws(&case).is_ok(),
            "difference 12: aws-sigv4 signs {url}"
        );
    }
}

#[test]
fn difference_13_two_host_headers_or_an_empty_one_are_refused() {
    for headers in [
        &[("Host", "a.example.com"), ("host", "b.example.com")][..],
        &[("Host", "")][..],
        &[("Host", "   ")][..],
    ] {
        let case = simple_case("GET", "https://example.amazonaws.com/", headers);
        let error = sign_ours(&case).unwrap_err();
        assert!(error.contains("Host"), "{headers:?}: {error}");
        assert!(
            sign_aws(&case).is_ok(),
            "difference 13: aws-sigv4 signs {headers:?}"
        );
    }
}

#[test]
fn difference_14_an_empty_session_token_is_none_and_a_token_must_be_visible_ascii() {
    let mut empty = simple_case("GET", "https://example.amazonaws.com/", &[]);
    empty.session_token = Some(String::new());
    let ours = sign_ours(&empty).unwrap();
    assert!(
        ours.iter().all(|(name, _)| name != "x-amz-security-token"),
        "an empty token means long-term credentials: {ours:?}"
    );
    let mut none = empty.clone();
    none.session_token = None;
    assert_eq!(Ok(ours.clone()), sign_aws(&none));
    assert_aws_sigv4_differs(&empty, "14 (empty session token)");

    for token in ["a b", "a\tb", "tok\u{e9}n"] {
        let mut case = simple_case("GET", "https://example.amazonaws.com/", &[]);
        case.session_token = Some(token.to_owned());
        let error = sign_ours(&case).unwrap_err();
        assert!(error.contains("session_token"), "{token:?}: {error}");
        assert!(
            sign_aws(&case).is_ok(),
            "difference 14: aws-sigv4 signs {token:?}"
        );
    }
}

#[test]
fn difference_15_region_and_service_must_be_plain_names() {
    for (region, service) in [
        ("", "execute-api"),
        ("us-east-1", ""),
        ("us/east-1", "execute-api"),
        ("us east 1", "execute-api"),
        ("us-east-1", "s\u{e9}rvice"),
    ] {
        let mut case = simple_case("GET", "https://example.amazonaws.com/", &[]);
        case.region = region.to_owned();
        case.service = service.to_owned();
        let error = sign_ours(&case).unwrap_err();
        assert!(error.contains("params."), "{region:?}/{service:?}: {error}");
        assert!(
            sign_aws(&case).is_ok(),
            "difference 15: aws-sigv4 signs {region:?}/{service:?}"
        );
    }
}

#[test]
fn difference_16_a_payload_hash_must_be_hex_64_or_a_known_token() {
    for hash in [
        "",
        "abc",
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "unsigned-payload",
        "STREAMING-SOMETHING-ELSE",
    ] {
        let mut case = simple_case("PUT", "https://example.amazonaws.com/", &[]);
        case.payload = GenPayload::Hash(hash.to_owned());
        let error = sign_ours(&case).unwrap_err();
        assert!(error.contains("payload"), "{hash:?}: {error}");
        assert!(
            sign_aws(&case).is_ok(),
            "difference 16: aws-sigv4 signs {hash:?} verbatim"
        );
    }
}

#[test]
fn the_generator_is_reproducible_from_its_seed() {
    let mut first = Rng(42);
    let mut second = Rng(42);
    for _ in 0..50 {
        assert_eq!(
            format!("{:?}", gen_case(&mut first)),
            format!("{:?}", gen_case(&mut second))
        );
    }
}

#[test]
fn the_generator_reaches_every_corner_it_claims() {
    let mut rng = Rng(7);
    let cases: Vec<Case> = (0..3000).map(|_| gen_case(&mut rng)).collect();
    let any = |f: &dyn Fn(&Case) -> bool| cases.iter().any(f);
    let checks: [(&str, bool); 16] = [
        (
            "dot segment",
            any(&|c| c.url.contains("/../") || c.url.contains("/./")),
        ),
        (
            "repeated slash",
            any(&|c| split_url(&c.url).1.contains("//")),
        ),
        (
            "lower-case escape",
            any(&|c| c.url.bytes().any(|b| b.is_ascii_lowercase()) && c.url.contains("%2f")),
        ),
        ("escaped plus in query", any(&|c| c.url.contains("%2B"))),
        (
            "repeated query key",
            any(&|c| {
                let query = c.url.split_once('?').map_or("", |(_, q)| q);
                let keys: Vec<&str> = query
                    .split('&')
                    .map(|p| p.split('=').next().unwrap())
                    .filter(|k| !k.is_empty())
                    .collect();
                (1..keys.len()).any(|i| keys[..i].contains(&keys[i]))
            }),
        ),
        ("empty query piece", any(&|c| c.url.contains("&&"))),
        (
            "default port",
            any(&|c| c.url.starts_with("https://") && c.url.contains(":443")),
        ),
        (
            "other port",
            any(&|c| c.url.contains(":80/") && c.url.starts_with("https")),
        ),
        (
            "host override",
            any(&|c| {
                c.headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("host"))
            }),
        ),
        (
            "duplicate header",
            any(&|c| {
                (1..c.headers.len()).any(|i| {
                    c.headers[..i]
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case(&c.headers[i].0))
                })
            }),
        ),
        (
            "padded value",
            any(&|c| {
                c.headers
                    .iter()
                    .any(|(_, v)| v.starts_with(' ') && v.contains("  "))
            }),
        ),
        (
            "unsigned header",
            any(&|c| {
                c.headers
                    .iter()
                    .any(|(n, _)| UNSIGNED_HEADERS.contains(&n.to_ascii_lowercase().as_str()))
            }),
        ),
        (
            "payload token",
            any(&|c| matches!(&c.payload, GenPayload::Hash(h) if h.starts_with("STREAMING"))),
        ),
        (
            "body",
            any(&|c| matches!(&c.payload, GenPayload::Body(b) if !b.is_empty())),
        ),
        (
            "token, excluded",
            any(&|c| {
                c.session_token.is_some()
                    && c.settings.session_token_mode == SessionTokenMode::Exclude
            }),
        ),
        ("s3", any(&|c| c.service == "s3")),
    ];
    for (corner, reached) in checks {
        assert!(reached, "the generator never produced: {corner}");
    }
}

#[test]
fn the_model_of_aws_sigv4_reproduces_its_signatures() {
    // The mismatch report's model must be right where aws-sigv4 and we agree, and in the
    // corners where we differ, or its printout would mislead.
    let mut rng = Rng(2024);
    let mut cases: Vec<Case> = (0..500).map(|_| gen_case(&mut rng)).collect();
    for (url, headers) in [
        ("https://h/?a=b+c&d+e=f", &[][..]),
        ("https://h/?a=%FF&b=%zz&c=100%", &[][..]),
        ("https://H.Example.COM:0443/a/./b/../c/.", &[][..]),
        (
            "https://h/",
            &[("X-A", "\t a \t b\t"), ("TE", "x"), ("x-a", "  c  ")][..],
        ),
        (
            "https://h/",
            &[("Host", "a.example"), ("host", "b.example")][..],
        ),
    ] {
        cases.push(simple_case("GET", url, headers));
    }
    for case in &cases {
        let Ok(aws) = sign_aws(case) else { continue };
        let model = aws_sigv4_model(case).unwrap();
        assert_eq!(
            Some(model_signature(case, &model)),
            signature_of(&aws),
            "the model of aws-sigv4 is wrong for {case:?}; it gives:\n{model}"
        );
    }
}
