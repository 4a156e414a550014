//! Properties of the signer, each a pure function of its input that panics with a message
//! naming the input, the expectation and what happened when the property fails.
//!
//! Shared by `tests/properties.rs` (seeded pseudo-random inputs and the seed corpus, on stable)
//! and by the fuzz targets in `fuzz/fuzz_targets/` (nightly `cargo fuzz run <target>`), which
//! include this file with `#[path = "../../tests/property/mod.rs"]`.
//!
//! | property | input |
//! |---|---|
//! | [`sign_raw`] | bytes split into every `sigv4_sign` field, signed through the C structs |
//! | [`url_split`] | bytes as the URL of [`sigv4::write_canonical_request`] |
//! | [`path`] | bytes mapped onto a wire-valid path |
//! | [`query`] | bytes mapped onto a wire-valid query |
//! | [`header_fold`] | bytes mapped onto header values |

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use sigv4::ffi::{
    SIGV4_FLAG_CONTENT_SHA256_HEADER, SIGV4_FLAG_NO_DOUBLE_ENCODE, SIGV4_FLAG_NO_PATH_NORMALIZE,
    SIGV4_FLAG_UNSIGNED_SESSION_TOKEN, SIGV4_MAX_OUTPUT_HEADERS, sigv4_credentials, sigv4_header,
    sigv4_last_error_message, sigv4_output, sigv4_params, sigv4_request, sigv4_sign,
};
use sigv4::{
    AmzDate, Credentials, Error, ErrorKind, Payload, PercentEncodingMode, Request, Settings,
    SigningParams, UriPathNormalizationMode, sign, write_canonical_request,
};

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The fixed signing inputs of the canonical-request properties.
const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DATE: &str = "20150830T123600Z";
const HOST: &str = "example.com";

/// The canonical request of a GET of `url` with `headers`, signed with `settings`, as text.
fn canonical_request(
    url: &str,
    headers: &[(&str, &str)],
    settings: Settings,
) -> Result<String, Error> {
    let request = Request {
        method: "GET",
        url,
        headers,
        payload: Payload::Body(b""),
    };
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, None);
    let params = SigningParams {
        region: "us-east-1",
        service: "service",
        date: Some(AmzDate::parse(DATE).expect("the fixed date is valid")),
        settings,
    };
    let mut text = Vec::new();
    write_canonical_request(&request, &credentials, &params, &mut text)?;
    Ok(String::from_utf8(text)
        .unwrap_or_else(|error| panic!("canonical request of URL {url:?} is not UTF-8: {error}")))
}

/// Line `index` (0-based) of a canonical request: 1 is the URI, 2 the query.
fn line(text: &str, index: usize) -> &str {
    text.split('\n')
        .nth(index)
        .unwrap_or_else(|| panic!("canonical request has no line {index}:\n{text}"))
}

/// The value of the canonical header line `name:value` (name lower-case).
fn header_line<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.split('\n')
        .skip(3)
        .take_while(|line| !line.is_empty())
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn is_upper_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'A'..=b'F').contains(&byte)
}

/// The offset of the first byte of `text` that is neither unreserved, nor in `also`, nor part
/// of a `%XX` escape with upper-case hex digits.
fn first_unencoded(text: &str, also: &[u8]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let escape = bytes.get(index + 1..index + 3);
            if !escape.is_some_and(|pair| pair.iter().all(|&b| is_upper_hex(b))) {
                return Some(index);
            }
            index += 3;
        } else if is_unreserved(byte) || also.contains(&byte) {
            index += 1;
        } else {
            return Some(index);
        }
    }
    None
}

/// Percent-decodes `text`: `%` and two hex digits (either case) become a byte; anything else,
/// `+` included, stays as it is.
fn percent_decode(text: &[u8]) -> Vec<u8> {
    let hex = |byte: u8| char::from(byte).to_digit(16);
    let mut out = Vec::with_capacity(text.len());
    let mut index = 0;
    while index < text.len() {
        if text[index] == b'%'
            && let (Some(high), Some(low)) = (
                text.get(index + 1).copied().and_then(hex),
                text.get(index + 2).copied().and_then(hex),
            )
        {
            out.push(u8::try_from(high * 16 + low).unwrap_or(0));
            index += 3;
        } else {
            out.push(text[index]);
            index += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// 1. sign_raw: arbitrary bytes through the C ABI
// ---------------------------------------------------------------------------------------------

/// Separates the fields of a [`sign_raw`] input (never valid UTF-8, so never needed inside
/// a field).
pub const FIELD_SEPARATOR: u8 = 0xFF;

/// Bytes after `buf[buf_len]`, which `sigv4_sign` must never touch.
const CANARY_LEN: usize = 64;

/// Status numbers of `sigv4.h`.
const OK: u32 = 0;
const NULL_ARGUMENT: u32 = 1;
const BUFFER_TOO_SMALL: u32 = 10;
const INTERNAL: u32 = 12;
const LAST_STATUS: u32 = 13;

/// The C status number of a Rust error kind, as `sigv4.h` publishes them.
fn status_of(kind: ErrorKind) -> u32 {
    match kind {
        ErrorKind::NullArgument => 1,
        ErrorKind::InvalidUtf8 => 2,
        ErrorKind::InvalidMethod => 3,
        ErrorKind::InvalidUrl => 4,
        ErrorKind::InvalidHeader => 5,
        ErrorKind::InvalidCredentials => 6,
        ErrorKind::InvalidScope => 7,
        ErrorKind::InvalidDate => 8,
        ErrorKind::InvalidPayloadHash => 9,
        ErrorKind::BufferTooSmall { .. } => 10,
        ErrorKind::TooLarge => 11,
        ErrorKind::Internal => 12,
        ErrorKind::InvalidFlags => 13,
        _ => panic!("ErrorKind {kind:?} has no status number in this test"),
    }
}

/// A string field of a `sigv4_sign` call: `None` is NULL.
pub type Field = Option<Vec<u8>>;

/// One `sigv4_sign` call decoded from bytes. `None` fields are passed as NULL.
#[derive(Debug, Clone)]
pub struct RawCase {
    pub flags: u32,
    pub method: Option<Vec<u8>>,
    pub url: Option<Vec<u8>>,
    pub region: Option<Vec<u8>>,
    pub service: Option<Vec<u8>>,
    pub amz_date: Option<Vec<u8>>,
    pub access_key_id: Option<Vec<u8>>,
    pub secret: Option<Vec<u8>>,
    pub session_token: Option<Vec<u8>>,
    pub payload_hash: Option<Vec<u8>>,
    /// `None`: NULL with length 0.
    pub body: Option<Vec<u8>>,
    /// (name, value) of each header; `None` is NULL.
    pub headers: Vec<(Field, Field)>,
    /// Pass `request.headers` as NULL (with the count of `headers`).
    pub null_header_array: bool,
    pub buffer: BufferPlan,
}

/// How big `out.buf` is, relative to what the signature needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferPlan {
    /// This many bytes.
    Fixed(usize),
    /// Exactly the size a size query reports, plus this many bytes (may be negative).
    Needed(isize),
    /// `buf` NULL with this `buf_len` (0 is a size query; more is `NULL_ARGUMENT`).
    Null(usize),
}

impl RawCase {
    /// Decodes the fuzz input of [`sign_raw`]:
    ///
    /// - byte 0: flags: the low nibble as `SIGV4_FLAG_*` bits; bit 4 adds the unknown bit
    ///   `1 << (4 + bits 5..=7)`.
    /// - byte 1: bit 0 passes the session token (else NULL), bit 1 passes `amz_date` as NULL
    ///   (the current time), bit 2 passes the payload hash (else NULL), bit 3 makes one
    ///   required pointer NULL (chosen by byte 2), bit 4 passes `request.headers` as NULL,
    ///   bit 5 passes an empty body as NULL, bit 7 prefixes the URL with
    ///   `https://example.com`.
    /// - byte 2: which required pointer bit 3 makes NULL.
    /// - bytes 3..5: a little-endian `u16` size; byte 5: the buffer plan (low two bits:
    ///   that size mod 4096, needed, needed − 1, needed + size mod 64; bit 2: `buf` NULL with
    ///   that size mod 2 as `buf_len`).
    /// - the rest, split on 0xFF: method, url, region, service, amz_date, access_key_id,
    ///   secret_access_key, session_token, payload_hash, body, then header names and values
    ///   alternately. A missing field gets a valid default; each string field is cut at its
    ///   first NUL, as C would read it.
    pub fn decode(data: &[u8]) -> RawCase {
        let control = |index: usize| data.get(index).copied().unwrap_or(0);
        let (flag_byte, null_byte, which_null) = (control(0), control(1), control(2));
        let size = usize::from(u16::from_le_bytes([control(3), control(4)]));
        let plan_byte = control(5);
        let mut flags = u32::from(flag_byte & 0x0F);
        if flag_byte & 0x10 != 0 {
            flags |= 1 << (4 + (flag_byte >> 5));
        }
        let rest = data.get(6..).unwrap_or(&[]);
        let mut pieces = rest.split(|&b| b == FIELD_SEPARATOR).map(|piece| {
            let end = piece.iter().position(|&b| b == 0).unwrap_or(piece.len());
            (piece.to_vec(), piece[..end].to_vec())
        });
        let mut next = |default: &str| -> Vec<u8> {
            pieces
                .next()
                .map_or_else(|| default.as_bytes().to_vec(), |(_, cut)| cut)
        };
        let method = next("GET");
        let mut url = next("https://example.com/path?b=2&a=1");
        if null_byte & 0x80 != 0 {
            url.splice(0..0, b"https://example.com".iter().copied());
        }
        let region = next("us-east-1");
        let service = next("service");
        let amz_date = next(DATE);
        let access_key_id = next(ACCESS_KEY_ID);
        let secret = next(SECRET);
        let session_token =
            next("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW");
        let payload_hash = next(sigv4::UNSIGNED_PAYLOAD);
        // The body is bytes with a length, so it keeps its NULs.
        let body = pieces.next().map_or_else(Vec::new, |(raw, _)| raw);
        let mut headers = Vec::new();
        while let Some((_, name)) = pieces.next() {
            let value = pieces.next().map_or_else(Vec::new, |(_, cut)| cut);
            headers.push((Some(name), Some(value)));
        }
        let mut case = RawCase {
            flags,
            method: Some(method),
            url: Some(url),
            region: Some(region),
            service: Some(service),
            amz_date: (null_byte & 0x02 == 0).then_some(amz_date),
            access_key_id: Some(access_key_id),
            secret: Some(secret),
            session_token: (null_byte & 0x01 != 0).then_some(session_token),
            payload_hash: (null_byte & 0x04 != 0).then_some(payload_hash),
            body: (null_byte & 0x20 == 0 || !body.is_empty()).then_some(body),
            null_header_array: null_byte & 0x10 != 0,
            headers,
            buffer: match (plan_byte & 0x04 != 0, plan_byte & 0x03) {
                (true, _) => BufferPlan::Null(size % 2),
                (false, 0) => BufferPlan::Fixed(size % 4096),
                (false, 1) => BufferPlan::Needed(0),
                (false, 2) => BufferPlan::Needed(-1),
                (false, _) => BufferPlan::Needed(isize::from(u8::try_from(size % 64).unwrap_or(0))),
            },
        };
        if null_byte & 0x08 != 0 {
            match which_null % 8 {
                0 => case.method = None,
                1 => case.url = None,
                2 => case.access_key_id = None,
                3 => case.secret = None,
                4 => case.region = None,
                5 => case.service = None,
                6 => {
                    if let Some(header) = case.headers.first_mut() {
                        header.0 = None;
                    }
                }
                _ => {
                    if let Some(header) = case.headers.first_mut() {
                        header.1 = None;
                    }
                }
            }
        }
        case
    }

    /// Encodes a case with every pointer set and the given control bytes: the inverse of
    /// [`RawCase::decode`] for the seed corpus and the generators. `fields` are in the order
    /// [`RawCase::decode`] reads them.
    pub fn encode(control: [u8; 6], fields: &[&[u8]]) -> Vec<u8> {
        let mut data = control.to_vec();
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                data.push(FIELD_SEPARATOR);
            }
            data.extend_from_slice(field);
        }
        data
    }

    /// The session token as the library sees it (NULL and "" both mean none).
    fn token(&self) -> Option<&[u8]> {
        self.session_token
            .as_deref()
            .filter(|token| !token.is_empty())
    }

    /// Describes the case for a failure message.
    fn describe(&self) -> String {
        let show = |field: &Option<Vec<u8>>| match field {
            None => "NULL".to_owned(),
            Some(bytes) => format!("{:?}", String::from_utf8_lossy(bytes)),
        };
        let mut text = format!(
            "flags={:#x} method={} url={} region={} service={} amz_date={} access_key_id={} \
             secret={} session_token={} payload_hash={} body={} buffer={:?}",
            self.flags,
            show(&self.method),
            show(&self.url),
            show(&self.region),
            show(&self.service),
            show(&self.amz_date),
            show(&self.access_key_id),
            show(&self.secret),
            show(&self.session_token),
            show(&self.payload_hash),
            show(&self.body),
            self.buffer,
        );
        if self.null_header_array {
            text.push_str(" headers=NULL");
        }
        for (index, (name, value)) in self.headers.iter().enumerate() {
            text.push_str(&format!(" h[{index}]={}:{}", show(name), show(value)));
        }
        text
    }
}

/// What one `sigv4_sign` call did.
struct Outcome {
    status: u32,
    message: String,
    buf_used: usize,
    header_count: usize,
    /// (name, offset of the value in `buf`) of each output header, on success.
    headers: Vec<(String, usize)>,
}

fn c_string(bytes: &Option<Vec<u8>>) -> Option<CString> {
    bytes.as_ref().map(|bytes| {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        CString::new(&bytes[..end]).unwrap_or_default()
    })
}

fn c_ptr(string: &Option<CString>) -> *const c_char {
    string
        .as_ref()
        .map_or(ptr::null(), |string| string.as_ptr())
}

/// Calls `sigv4_sign` on `case` with `buf` (`None`: NULL) of `buf_len` bytes.
fn call_sign(case: &RawCase, buf: Option<&mut [u8]>, buf_len: usize) -> Outcome {
    let method = c_string(&case.method);
    let url = c_string(&case.url);
    let region = c_string(&case.region);
    let service = c_string(&case.service);
    let amz_date = c_string(&case.amz_date);
    let access_key_id = c_string(&case.access_key_id);
    let secret = c_string(&case.secret);
    let session_token = c_string(&case.session_token);
    let payload_hash = c_string(&case.payload_hash);
    let header_strings: Vec<_> = case
        .headers
        .iter()
        .map(|(name, value)| (c_string(name), c_string(value)))
        .collect();
    let headers: Vec<sigv4_header> = header_strings
        .iter()
        .map(|(name, value)| sigv4_header {
            name: c_ptr(name),
            value: c_ptr(value),
        })
        .collect();
    let request = sigv4_request {
        method: c_ptr(&method),
        url: c_ptr(&url),
        headers: if case.null_header_array || headers.is_empty() {
            ptr::null()
        } else {
            headers.as_ptr()
        },
        header_count: headers.len(),
        body: case.body.as_ref().map_or(ptr::null(), |body| body.as_ptr()),
        body_len: case.body.as_ref().map_or(0, Vec::len),
        payload_hash: c_ptr(&payload_hash),
    };
    let credentials = sigv4_credentials {
        access_key_id: c_ptr(&access_key_id),
        secret_access_key: c_ptr(&secret),
        session_token: c_ptr(&session_token),
    };
    let params = sigv4_params {
        region: c_ptr(&region),
        service: c_ptr(&service),
        amz_date: c_ptr(&amz_date),
        flags: case.flags,
    };
    // Garbage in the out-fields: the call must set them, whatever it returns.
    let garbage = sigv4_header {
        name: ptr::null(),
        value: ptr::null(),
    };
    let buf_ptr = buf.map_or(ptr::null_mut(), |buf| buf.as_mut_ptr().cast::<c_char>());
    let mut out = sigv4_output {
        buf: buf_ptr,
        buf_len,
        buf_used: 0xDEAD,
        headers: [garbage; SIGV4_MAX_OUTPUT_HEADERS],
        header_count: 0xBEEF,
    };
    // SAFETY: every pointer is NULL or points to a NUL-terminated CString, the header array,
    // the body or the caller's buffer (of at least `buf_len` bytes), all alive until the end
    // of this function; `out` is a valid, exclusive sigv4_output.
    let status = unsafe { sigv4_sign(&request, &credentials, &params, &mut out) };
    // SAFETY: sigv4_last_error_message never returns NULL, and the string lives until the
    // next sigv4_* call on this thread.
    let message = unsafe { CStr::from_ptr(sigv4_last_error_message()) }
        .to_string_lossy()
        .into_owned();
    let status = status as u32;
    let mut headers = Vec::new();
    if status == OK {
        let count = out.header_count.min(SIGV4_MAX_OUTPUT_HEADERS);
        for slot in &out.headers[..count] {
            assert!(
                !slot.name.is_null() && !slot.value.is_null(),
                "an output header has a NULL name or value: {}",
                case.describe()
            );
            // SAFETY: names are static NUL-terminated strings, per the contract.
            let name = unsafe { CStr::from_ptr(slot.name) }
                .to_string_lossy()
                .into_owned();
            let offset = (slot.value as usize).wrapping_sub(buf_ptr as usize);
            assert!(
                offset < out.buf_used.min(buf_len),
                "value of {name} at offset {offset} is outside buf[..buf_used={}]: {}",
                out.buf_used,
                case.describe()
            );
            headers.push((name, offset));
        }
    }
    Outcome {
        status,
        message,
        buf_used: out.buf_used,
        header_count: out.header_count,
        headers,
    }
}

/// A string of `text`'s length in which every printable ASCII byte is replaced by one that
/// `text` lacks, and everything else kept: the same validity, the same offsets, other content.
fn placeholder_for(text: &[u8]) -> Vec<u8> {
    let fill = (b'!'..=b'~')
        .find(|candidate| !text.contains(candidate))
        .unwrap_or(b'x');
    text.iter()
        .map(|&b| if b.is_ascii_graphic() { fill } else { b })
        .collect()
}

/// Whether `message` (of a failed call on `case`) gives away the secret key or the session
/// token. A message may contain the secret's text for an innocent reason (the secret equals
/// another field the message quotes, or a piece of the message's own wording, as the fuzzer
/// found with the secret `NULL but out.buf_len is`), so a hit counts only if the same call
/// (`buffer` as in [`check_failure_basics`]) with that secret replaced lacks the text.
fn leaked_secret(case: &RawCase, message: &str, buffer: (bool, usize)) -> Option<&'static str> {
    let checks: [(&'static str, Option<&Vec<u8>>); 2] = [
        ("secret_access_key", case.secret.as_ref()),
        ("session_token", case.session_token.as_ref()),
    ];
    for (what, value) in checks {
        let Some(value) = value else { continue };
        let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
        let value = &value[..end];
        let text = String::from_utf8_lossy(value);
        if value.len() < 8 || !message.contains(&*text) {
            continue;
        }
        let mut replaced = case.clone();
        let placeholder = Some(placeholder_for(value));
        if what == "secret_access_key" {
            replaced.secret = placeholder;
        } else {
            replaced.session_token = placeholder;
        }
        let (buf_is_null, buf_len) = buffer;
        let mut buf = vec![0u8; buf_len];
        let again = call_sign(&replaced, (!buf_is_null).then_some(&mut buf[..]), buf_len);
        if !again.message.contains(&*text) {
            return Some(what);
        }
    }
    None
}

/// The `Settings` that `flags` stand for (flags this version knows only).
fn settings_of(flags: u32) -> Settings {
    let has = |bit: u32| flags & bit != 0;
    Settings {
        percent_encoding_mode: if has(SIGV4_FLAG_NO_DOUBLE_ENCODE) {
            PercentEncodingMode::Single
        } else {
            PercentEncodingMode::Double
        },
        uri_path_normalization_mode: if has(SIGV4_FLAG_NO_PATH_NORMALIZE) {
            UriPathNormalizationMode::Disabled
        } else {
            UriPathNormalizationMode::Enabled
        },
        payload_checksum_kind: if has(SIGV4_FLAG_CONTENT_SHA256_HEADER) {
            sigv4::PayloadChecksumKind::XAmzSha256
        } else {
            sigv4::PayloadChecksumKind::NoHeader
        },
        session_token_mode: if has(SIGV4_FLAG_UNSIGNED_SESSION_TOKEN) {
            sigv4::SessionTokenMode::Exclude
        } else {
            sigv4::SessionTokenMode::Include
        },
    }
}

/// The (name, value) pairs a signature adds.
type OutputHeaders = Vec<(&'static str, String)>;

/// Signs `case` through the Rust API when the C call is expressible there (every pointer set,
/// every string UTF-8, known flags, a fixed date, sizes under every limit): `Some(result)`.
fn sign_in_rust(case: &RawCase) -> Option<Result<OutputHeaders, u32>> {
    const KNOWN_FLAGS: u32 = 0x0F;
    let text = |field: &Option<Vec<u8>>| -> Option<String> {
        let bytes = field.as_ref()?;
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8(bytes[..end].to_vec()).ok()
    };
    if case.flags & !KNOWN_FLAGS != 0 || case.null_header_array || case.headers.len() > 1000 {
        return None;
    }
    let method = text(&case.method)?;
    let url = text(&case.url)?;
    let region = text(&case.region)?;
    let service = text(&case.service)?;
    let amz_date = text(&case.amz_date)?;
    let access_key_id = text(&case.access_key_id)?;
    let secret = text(&case.secret)?;
    let token = match &case.session_token {
        None => None,
        Some(_) => Some(text(&case.session_token)?),
    };
    let payload_hash = match &case.payload_hash {
        None => None,
        Some(_) => Some(text(&case.payload_hash)?),
    };
    let mut headers = Vec::new();
    for (name, value) in &case.headers {
        headers.push((text(name)?, text(value)?));
    }
    let too_long = [&method, &region, &service, &access_key_id, &secret]
        .iter()
        .any(|field| field.len() > 60_000)
        || url.len() > 60_000
        || token.as_ref().is_some_and(|t| t.len() > 60_000)
        || headers
            .iter()
            .any(|(n, v)| n.len() > 60_000 || v.len() > 60_000);
    if too_long {
        return None;
    }
    let date = match AmzDate::parse(&amz_date) {
        Ok(date) => date,
        Err(error) => return Some(Err(status_of(error.kind()))),
    };
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: &method,
        url: &url,
        headers: header_refs.as_slice(),
        payload: match &payload_hash {
            Some(hash) => Payload::Hash(hash),
            None => Payload::Body(case.body.as_deref().unwrap_or(&[])),
        },
    };
    let credentials = Credentials::new(&access_key_id, &secret, token.as_deref());
    let params = SigningParams {
        region: &region,
        service: &service,
        date: Some(date),
        settings: settings_of(case.flags),
    };
    Some(match sign(&request, &credentials, &params) {
        Ok(signed) => Ok(signed
            .headers()
            .map(|(name, value)| (name, value.to_owned()))
            .collect()),
        Err(error) => Err(status_of(error.kind())),
    })
}

/// Property 1: arbitrary bytes through `sigv4_sign` (see [`RawCase::decode`] for the layout).
///
/// The status is one of the published codes and never `SIGV4_ERR_INTERNAL`; a size query and
/// the real call agree; on failure no header is returned, the detail message is non-empty and
/// never holds the secret or token, and the buffer is untouched but for a NUL at `buf[0]` on
/// `BUFFER_TOO_SMALL` (with `buf_used` > `buf_len`); bytes after `buf_len` are never written;
/// on success every value is a NUL-terminated, CR/LF-free string inside `buf[..buf_used]`, in
/// the documented order, and the same the Rust API returns.
pub fn sign_raw(data: &[u8]) {
    check_sign_raw(&RawCase::decode(data));
}

/// [`sign_raw`] on an already decoded case.
pub fn check_sign_raw(case: &RawCase) {
    let describe = || case.describe();

    // A size query first: it must fail, with BUFFER_TOO_SMALL when the inputs are valid.
    let query = call_sign(case, None, 0);
    check_failure_basics(case, &query, "size query", (true, 0));
    let needed = (query.status == BUFFER_TOO_SMALL).then_some(query.buf_used);
    if let Some(needed) = needed {
        assert!(
            needed > 0,
            "size query reported buf_used 0 with BUFFER_TOO_SMALL: {}",
            describe()
        );
    }

    let (buf_is_null, buf_len) = match case.buffer {
        BufferPlan::Fixed(len) => (false, len),
        BufferPlan::Null(len) => (true, len),
        BufferPlan::Needed(delta) => (
            false,
            needed
                .unwrap_or(100)
                .saturating_add_signed(delta)
                .min(1 << 20),
        ),
    };
    let pattern = |index: usize| u8::try_from(index * 37 % 251).unwrap_or(0) ^ 0xA5;
    let original: Vec<u8> = (0..buf_len + CANARY_LEN).map(pattern).collect();
    let mut storage = original.clone();
    let outcome = if buf_is_null {
        call_sign(case, None, buf_len)
    } else {
        call_sign(case, Some(&mut storage), buf_len)
    };
    let status = outcome.status;

    assert!(
        status <= LAST_STATUS,
        "status {status} is not a published code: {}",
        describe()
    );
    assert_ne!(
        status,
        INTERNAL,
        "SIGV4_ERR_INTERNAL (a caught panic: {}): {}",
        outcome.message,
        describe()
    );
    assert!(
        storage[buf_len..] == original[buf_len..],
        "bytes after buf_len={buf_len} changed (status {status}): {}",
        describe()
    );

    // The size query and the call agree.
    match needed {
        None => assert_eq!(
            status,
            query.status,
            "size query said {} ({}), the call said {status} ({}): {}",
            query.status,
            query.message,
            outcome.message,
            describe()
        ),
        Some(needed) => {
            let expected = if buf_is_null && buf_len > 0 {
                NULL_ARGUMENT
            } else if buf_is_null || buf_len < needed {
                BUFFER_TOO_SMALL
            } else {
                OK
            };
            assert_eq!(
                status,
                expected,
                "size query needed {needed} bytes; with buf_len {buf_len} (buf NULL: \
                 {buf_is_null}) expected status {expected}, got {status} ({}): {}",
                outcome.message,
                describe()
            );
            if status != NULL_ARGUMENT {
                assert_eq!(
                    outcome.buf_used,
                    needed,
                    "buf_used differs from the size query's: {}",
                    describe()
                );
            }
        }
    }

    if status != OK {
        check_failure_basics(case, &outcome, "call", (buf_is_null, buf_len));
        let changed: Vec<usize> = (0..buf_len)
            .filter(|&i| storage[i] != original[i])
            .collect();
        if status == BUFFER_TOO_SMALL {
            assert!(
                outcome.buf_used > buf_len,
                "BUFFER_TOO_SMALL with buf_used {} <= buf_len {buf_len}: {}",
                outcome.buf_used,
                describe()
            );
            assert!(
                changed.iter().all(|&i| i == 0) && (changed.is_empty() || storage[0] == 0),
                "BUFFER_TOO_SMALL may only write a NUL at buf[0], but changed {changed:?}: {}",
                describe()
            );
        } else {
            assert!(
                changed.is_empty(),
                "status {status} changed buf bytes {changed:?}: {}",
                describe()
            );
            assert_eq!(
                outcome.buf_used,
                0,
                "status {status} left buf_used {} (nothing was written): {}",
                outcome.buf_used,
                describe()
            );
        }
    } else {
        check_success(case, &outcome, &storage, &original, buf_len);
    }

    // The Rust API agrees with the C one on the same inputs.
    if let Some(rust) = sign_in_rust(case) {
        match rust {
            Err(rust_status) => assert_eq!(
                status,
                rust_status,
                "the Rust API fails with status {rust_status}, the C call returned {status} \
                 ({}): {}",
                outcome.message,
                describe()
            ),
            Ok(rust_headers) => {
                assert!(
                    needed.is_some(),
                    "the Rust API signs but the C size query failed with {} ({}): {}",
                    query.status,
                    query.message,
                    describe()
                );
                if status == OK {
                    let c_headers: Vec<(&str, &str)> = outcome
                        .headers
                        .iter()
                        .map(|(name, offset)| (name.as_str(), value_at(&storage, *offset)))
                        .collect();
                    let rust_headers: Vec<(&str, &str)> = rust_headers
                        .iter()
                        .map(|(name, value)| (*name, value.as_str()))
                        .collect();
                    assert_eq!(
                        c_headers,
                        rust_headers,
                        "C and Rust output values differ: {}",
                        describe()
                    );
                }
            }
        }
    }
}

/// The NUL-terminated string at `offset` of `buf` (checked to exist by [`check_success`]).
fn value_at(buf: &[u8], offset: usize) -> &str {
    let end = buf[offset..]
        .iter()
        .position(|&b| b == 0)
        .map_or(buf.len(), |nul| offset + nul);
    std::str::from_utf8(&buf[offset..end]).unwrap_or("<not UTF-8>")
}

/// What every failed call must do, whatever the buffer (`buffer`: whether `buf` was NULL,
/// and `buf_len`).
fn check_failure_basics(case: &RawCase, outcome: &Outcome, which: &str, buffer: (bool, usize)) {
    let status = outcome.status;
    assert_ne!(
        status,
        OK,
        "{which} with a NULL buffer succeeded: {}",
        case.describe()
    );
    assert!(
        status <= LAST_STATUS && status != INTERNAL,
        "{which}: status {status} ({}): {}",
        outcome.message,
        case.describe()
    );
    assert_eq!(
        outcome.header_count,
        0,
        "{which} failed with {status} but header_count is {}: {}",
        outcome.header_count,
        case.describe()
    );
    assert!(
        !outcome.message.is_empty(),
        "{which} failed with {status} but sigv4_last_error_message() is empty: {}",
        case.describe()
    );
    if let Some(what) = leaked_secret(case, &outcome.message, buffer) {
        panic!(
            "{which}: the detail message {:?} contains the {what}: {}",
            outcome.message,
            case.describe()
        );
    }
}

/// What a successful call must have written.
fn check_success(case: &RawCase, outcome: &Outcome, buf: &[u8], original: &[u8], buf_len: usize) {
    let describe = || case.describe();
    let used = outcome.buf_used;
    assert!(
        outcome.message.is_empty(),
        "success left the message {:?}: {}",
        outcome.message,
        describe()
    );
    assert!(
        used <= buf_len,
        "success with buf_used {used} > buf_len {buf_len}: {}",
        describe()
    );
    assert!(
        buf[used..buf_len] == original[used..buf_len],
        "success wrote past buf_used {used}: {}",
        describe()
    );
    let service = case.service.as_deref().unwrap_or(b"");
    let mut expected = vec!["X-Amz-Date"];
    if case.token().is_some() {
        expected.push("X-Amz-Security-Token");
    }
    if case.flags & SIGV4_FLAG_CONTENT_SHA256_HEADER != 0 || service == b"s3" {
        expected.push("X-Amz-Content-Sha256");
    }
    expected.push("Authorization");
    let names: Vec<&str> = outcome.headers.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(
        names,
        expected,
        "output header names or order (header_count {}): {}",
        outcome.header_count,
        describe()
    );
    for (name, offset) in &outcome.headers {
        let nul = buf[*offset..used].iter().position(|&b| b == 0);
        assert!(
            nul.is_some(),
            "value of {name} has no NUL inside buf[..buf_used={used}]: {}",
            describe()
        );
        let value = &buf[*offset..*offset + nul.unwrap_or(0)];
        assert!(
            !value.iter().any(|&b| b == b'\r' || b == b'\n'),
            "value of {name} contains CR or LF: {:?}: {}",
            String::from_utf8_lossy(value),
            describe()
        );
        let value = String::from_utf8_lossy(value);
        match name.as_str() {
            "X-Amz-Date" => {
                let given = case.amz_date.as_deref().map(String::from_utf8_lossy);
                match given {
                    Some(given) => assert_eq!(value, given, "X-Amz-Date: {}", describe()),
                    None => assert!(
                        AmzDate::parse(&value).is_ok(),
                        "X-Amz-Date {value:?} for the current time is malformed: {}",
                        describe()
                    ),
                }
            }
            "X-Amz-Security-Token" => assert_eq!(
                value.as_bytes(),
                case.token().unwrap_or(b""),
                "X-Amz-Security-Token is not the token: {}",
                describe()
            ),
            "X-Amz-Content-Sha256" => {
                let expected_hash = match &case.payload_hash {
                    Some(hash) => String::from_utf8_lossy(hash).into_owned(),
                    None => String::from_utf8_lossy(&sigv4::sha256_hex(
                        case.body.as_deref().unwrap_or(&[]),
                    ))
                    .into_owned(),
                };
                assert_eq!(value, expected_hash, "X-Amz-Content-Sha256: {}", describe());
            }
            _ => {
                let prefix = format!(
                    "AWS4-HMAC-SHA256 Credential={}/",
                    String::from_utf8_lossy(case.access_key_id.as_deref().unwrap_or(b""))
                );
                let signature = value.rsplit("Signature=").next().unwrap_or("");
                assert!(
                    value.starts_with(&prefix)
                        && value.contains("/aws4_request, SignedHeaders=")
                        && signature.len() == 64
                        && signature
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                    "Authorization {value:?} is malformed: {}",
                    describe()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. url_split: any string as the URL
// ---------------------------------------------------------------------------------------------

/// Property 2: any string as the URL of `write_canonical_request` (default settings) never
/// panics; when accepted, the URL is printable ASCII without spaces, an absolute http(s) URL
/// without fragment or userinfo; the canonical URI starts with `/` and holds only unreserved
/// bytes, `/` and upper-case `%XX`; the canonical query only unreserved bytes, `=`, `&` and
/// upper-case `%XX`; and the host line is the authority, lower-cased, without the default port.
pub fn url_split(data: &[u8]) {
    let url = String::from_utf8_lossy(data);
    let Ok(text) = canonical_request(&url, &[], Settings::default()) else {
        return;
    };
    assert!(
        url.bytes().all(|b| b.is_ascii_graphic()),
        "URL {url:?} with a byte outside printable ASCII was accepted"
    );
    assert!(
        !url.contains('#'),
        "URL {url:?} with a fragment was accepted"
    );
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("URL {url:?} without '://' was accepted"));
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => 443,
        "http" => 80,
        other => panic!("URL {url:?} with scheme {other:?} was accepted"),
    };
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    assert!(
        !authority.contains('@'),
        "URL {url:?} with userinfo was accepted"
    );

    let uri = line(&text, 1);
    assert!(
        uri.starts_with('/'),
        "canonical URI {uri:?} of {url:?} does not start with '/'"
    );
    if let Some(at) = first_unencoded(uri, b"/") {
        panic!("canonical URI {uri:?} of {url:?} has an unencoded byte at {at}");
    }
    let query = line(&text, 2);
    if let Some(at) = first_unencoded(query, b"=&") {
        panic!("canonical query {query:?} of {url:?} has an unencoded byte at {at}");
    }

    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']').map_or(authority.len(), |i| i + 1);
        let (host, port) = authority.split_at(close);
        (host, port.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    // Clients send the port as a number, so `:0443` goes out as `:443` and is signed so.
    let port: Option<u32> = port.map(|port| {
        port.parse()
            .unwrap_or_else(|_| panic!("URL {url:?} with port {port:?} was accepted"))
    });
    let mut expected_host = host.to_ascii_lowercase();
    if let Some(port) = port.filter(|&port| port != default_port) {
        expected_host.push_str(&format!(":{port}"));
    }
    assert_eq!(
        header_line(&text, "host"),
        Some(expected_host.as_str()),
        "host line of {url:?} (the lower-cased authority without the default port {default_port})"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. path: normalization
// ---------------------------------------------------------------------------------------------

/// What a non-plain byte of a [`path`] input becomes.
const PATH_PIECES: [&str; 16] = [
    "/", "//", ".", "..", "/./", "/../", "%2F", "%2E", "%2e", "%20", "%41", "%C3%A9", "%25", "/.",
    "/..", "...",
];

/// The wire-valid path that `data` stands for: `/`, then each byte: a printable ASCII byte
/// other than `?`, `#` and `%` as itself, any other byte as a piece of [`PATH_PIECES`].
pub fn path_from_bytes(data: &[u8]) -> String {
    let mut path = String::from("/");
    for &byte in data {
        if byte.is_ascii_graphic() && !matches!(byte, b'?' | b'#' | b'%') {
            path.push(char::from(byte));
        } else {
            path.push_str(PATH_PIECES[usize::from(byte) % PATH_PIECES.len()]);
        }
    }
    path
}

/// RFC 3986 section 5.2.4 dot-segment removal with empty segments dropped, written
/// independently of the library: the expected normalized path.
fn normalize_model(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut last = "";
    for segment in path.split('/').skip(1) {
        last = segment;
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = String::from("/");
    out.push_str(&segments.join("/"));
    if !segments.is_empty() && matches!(last, "" | "." | "..") {
        out.push('/');
    }
    out
}

/// Percent-encodes every byte but unreserved ones and `/`, with upper-case hex.
fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if is_unreserved(byte) || byte == b'/' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn canonical_uri(path: &str, settings: Settings) -> String {
    let url = format!("https://{HOST}{path}");
    let text = canonical_request(&url, &[], settings)
        .unwrap_or_else(|error| panic!("wire-valid path {path:?} was refused: {error}"));
    line(&text, 1).to_owned()
}

/// Property 3: path normalization. For the wire-valid path `p` of `data`, the normalized,
/// not re-encoded canonical URI `c` (`PercentEncodingMode::Single`) is RFC 3986 dot-segment
/// removal with repeated `/` collapsed: it has no `//`, no `.` or `..` segment, and signing
/// `c` again gives `c`; the default (double-encoding) mode gives `c` encoded once more; with
/// normalization disabled the path is signed unchanged.
pub fn path(data: &[u8]) {
    let p = path_from_bytes(data);
    let single = Settings {
        percent_encoding_mode: PercentEncodingMode::Single,
        ..Settings::default()
    };
    let c = canonical_uri(&p, single);
    assert!(c.starts_with('/'), "canonical URI {c:?} of {p:?} lacks '/'");
    assert!(
        !c.contains("//"),
        "canonical URI {c:?} of {p:?} contains //"
    );
    assert!(
        !c.split('/')
            .any(|segment| segment == "." || segment == ".."),
        "canonical URI {c:?} of {p:?} keeps a dot segment"
    );
    assert_eq!(
        c,
        normalize_model(&p),
        "normalizing {p:?}: expected RFC 3986 dot-segment removal without empty segments"
    );
    let again = canonical_uri(&c, single);
    assert_eq!(
        again, c,
        "normalization is not idempotent: {p:?} -> {c:?} -> {again:?}"
    );
    let double = canonical_uri(&p, Settings::default());
    let encoded = encode_path(&c);
    assert_eq!(
        double, encoded,
        "default mode of {p:?} should encode the normalized path {c:?} once more"
    );
    let as_sent = Settings {
        percent_encoding_mode: PercentEncodingMode::Single,
        uri_path_normalization_mode: UriPathNormalizationMode::Disabled,
        ..Settings::default()
    };
    assert_eq!(
        canonical_uri(&p, as_sent),
        p,
        "with normalization disabled and single encoding the path must be signed as sent"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. query: canonical query
// ---------------------------------------------------------------------------------------------

/// What a non-plain byte of a [`query`] input becomes.
const QUERY_PIECES: [&str; 16] = [
    "&", "=", "%20", "%2B", "+", "%3D", "%26", "%25", "%e9", "%C3%A9", "&&", "==", "%7e", "%2f",
    "%00", "?",
];

/// The wire-valid query that `data` stands for: each byte a printable ASCII byte other than
/// `#` and `%` as itself, any other byte as a piece of [`QUERY_PIECES`].
pub fn query_from_bytes(data: &[u8]) -> String {
    let mut query = String::new();
    for &byte in data {
        if byte.is_ascii_graphic() && !matches!(byte, b'#' | b'%') {
            query.push(char::from(byte));
        } else {
            query.push_str(QUERY_PIECES[usize::from(byte) % QUERY_PIECES.len()]);
        }
    }
    query
}

fn canonical_query(query: &str) -> String {
    let url = format!("https://{HOST}/?{query}");
    let text = canonical_request(&url, &[], Settings::default())
        .unwrap_or_else(|error| panic!("wire-valid query {query:?} was refused: {error}"));
    line(&text, 2).to_owned()
}

/// The decoded (key, value) pairs of a query, sorted: what a server sees.
fn decoded_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            (
                percent_decode(key.as_bytes()),
                percent_decode(value.as_bytes()),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// Property 4: the canonical query of the wire-valid query of `data` is made of `key=value`
/// pairs of unreserved bytes and upper-case `%XX`, sorted by key then value, decoding to the
/// same pairs as the query sent (`+` a literal plus); fed back as the URL's query it gives
/// itself.
pub fn query(data: &[u8]) {
    let q = query_from_bytes(data);
    let cq = canonical_query(&q);
    let pairs: Vec<(&str, &str)> = if cq.is_empty() {
        Vec::new()
    } else {
        cq.split('&')
            .map(|pair| {
                pair.split_once('=').unwrap_or_else(|| {
                    panic!("canonical query {cq:?} of {q:?}: pair {pair:?} has no '='")
                })
            })
            .collect()
    };
    for (key, value) in &pairs {
        for part in [key, value] {
            if let Some(at) = first_unencoded(part, b"") {
                panic!("canonical query {cq:?} of {q:?}: {part:?} has an unencoded byte at {at}");
            }
        }
    }
    assert!(
        pairs.windows(2).all(|w| w[0] <= w[1]),
        "canonical query {cq:?} of {q:?} is not sorted by key, then value"
    );
    assert_eq!(
        decoded_pairs(&cq),
        decoded_pairs(&q),
        "canonical query {cq:?} does not decode to the pairs of {q:?}"
    );
    let again = canonical_query(&cq);
    assert_eq!(
        again, cq,
        "canonical query is not idempotent: {q:?} -> {cq:?} -> {again:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. header_fold: header values
// ---------------------------------------------------------------------------------------------

/// What a byte of a [`header_fold`] input below 0xF0 becomes (`byte % 16`).
const VALUE_PIECES: [&str; 16] = [
    " ", "\t", "a", "b", "Z", "é", "日本", ",", ";", "  ", "\t \t", "\"", "=", "\u{3000}", "0",
    "\u{a0}",
];

/// What a byte from 0xF8 up becomes: a byte a header value must not hold.
const CONTROL_PIECES: [&str; 8] = ["\r", "\n", "\0", "\x01", "\x0b", "\x1f", "\x7f", "\r\n"];

/// The header values that `data` stands for: split on 0xF0..=0xF7 into at most two values
/// (two same-name headers), each byte mapped onto [`VALUE_PIECES`] or, from 0xF8,
/// [`CONTROL_PIECES`].
pub fn header_values_from_bytes(data: &[u8]) -> Vec<String> {
    let split = data.iter().position(|b| (0xF0..0xF8).contains(b));
    let parts: Vec<&[u8]> = match split {
        Some(at) => vec![&data[..at], &data[at + 1..]],
        None => vec![data],
    };
    parts
        .iter()
        .map(|part| {
            part.iter()
                .map(|&byte| match byte {
                    0xF8.. => CONTROL_PIECES[usize::from(byte - 0xF8)],
                    _ => VALUE_PIECES[usize::from(byte) % VALUE_PIECES.len()],
                })
                .collect()
        })
        .collect()
}

/// The folding the spec asks for, written independently: trim spaces and tabs, and replace
/// each inner run of them with one space.
fn fold_model(value: &str) -> String {
    value
        .split([' ', '\t'])
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The canonical `x-fold` line value for headers named `X-Fold`/`x-FOLD` with `values`.
fn folded_line(values: &[String]) -> Result<String, Error> {
    let names = ["X-Fold", "x-FOLD"];
    let headers: Vec<(&str, &str)> = values
        .iter()
        .zip(names)
        .map(|(value, name)| (name, value.as_str()))
        .collect();
    let url = format!("https://{HOST}/");
    let text = canonical_request(&url, &headers, Settings::default())?;
    Ok(header_line(&text, "x-fold")
        .unwrap_or_else(|| panic!("no x-fold line for values {values:?}:\n{text}"))
        .to_owned())
}

/// Property 5: header values of spaces, tabs, letters and UTF-8 sign trimmed, with every
/// inner run of spaces and tabs folded to one space (no leading or trailing blank, no double
/// space, no tab), same-name values joined with `,` in order; folding is idempotent; a value
/// holding CR, LF, NUL or another control byte is `ErrorKind::InvalidHeader`.
pub fn header_fold(data: &[u8]) {
    let values = header_values_from_bytes(data);
    let has_control = values
        .iter()
        .any(|v| v.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f));
    let result = folded_line(&values);
    if has_control {
        match result {
            Err(error) => {
                assert_eq!(
                    error.kind(),
                    ErrorKind::InvalidHeader,
                    "values {values:?} with a control byte: wrong error {error}"
                );
                assert!(
                    error.field().starts_with("request.headers["),
                    "values {values:?}: error {error} does not name the header"
                );
            }
            Ok(line) => panic!("values {values:?} with a control byte were signed as {line:?}"),
        }
        return;
    }
    let line = result.unwrap_or_else(|error| panic!("values {values:?} were refused: {error}"));
    let folded: Vec<String> = values.iter().map(|v| fold_model(v)).collect();
    assert_eq!(
        line,
        folded.join(","),
        "values {values:?}: expected each trimmed and folded, joined with ','"
    );
    for value in &folded {
        assert!(
            !value.starts_with(' ') && !value.ends_with(' '),
            "values {values:?}: {line:?} keeps a leading or trailing blank"
        );
    }
    assert!(
        !line.contains("  ") && !line.contains('\t'),
        "values {values:?}: {line:?} keeps a double space or a tab"
    );
    let again = folded_line(&folded)
        .unwrap_or_else(|error| panic!("folded values {folded:?} were refused: {error}"));
    assert_eq!(
        again, line,
        "folding is not idempotent for {values:?}: {line:?} -> {again:?}"
    );
}
