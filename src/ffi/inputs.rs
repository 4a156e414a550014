//! Reading the caller's structs into Rust values: NULL, length and UTF-8 checks only, in the
//! order the structs declare their fields. Every rule about what a valid method, URL or
//! header is lives in the core, so C and Rust callers get the same errors.

use std::borrow::Cow;

use super::cstr::{byte_slice, optional_str, required_str};
use super::types::{
    SIGV4_FLAG_CONTENT_SHA256_HEADER, SIGV4_FLAG_NO_DOUBLE_ENCODE, SIGV4_FLAG_NO_PATH_NORMALIZE,
    SIGV4_FLAG_UNSIGNED_SESSION_TOKEN, sigv4_credentials, sigv4_header, sigv4_params,
    sigv4_request,
};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::headers::{HeaderList, header_field};
use crate::limits::{MAX_FIELD_LEN, MAX_HEADERS, MAX_URL_LEN};
use crate::payload::Payload;
use crate::settings::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, Settings, UriPathNormalizationMode,
};
use crate::time::AmzDate;

/// Every flag bit this version knows.
pub(crate) const KNOWN_FLAGS: u32 = SIGV4_FLAG_NO_DOUBLE_ENCODE
    | SIGV4_FLAG_NO_PATH_NORMALIZE
    | SIGV4_FLAG_CONTENT_SHA256_HEADER
    | SIGV4_FLAG_UNSIGNED_SESSION_TOKEN;

/// A field name for an error message, built only if the error happens.
pub(crate) fn field(name: &'static str) -> impl Fn() -> Cow<'static, str> {
    move || Cow::Borrowed(name)
}

/// Dereferences a struct pointer, or names it in a `NULL_ARGUMENT` error.
///
/// # Safety
/// `ptr` is NULL or points to a valid `T` for `'a`.
pub(crate) unsafe fn struct_ref<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees NULL or a valid T for 'a.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::new(ErrorKind::NullArgument, name, "is NULL"))
}

/// `sigv4_request` with its strings and arrays checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) entries: &'a [sigv4_header],
    body: &'a [u8],
    payload_hash: Option<&'a str>,
}

impl<'a> CRequest<'a> {
    /// Reads `request`; the headers' own strings are checked by [`check_headers`].
    ///
    /// # Safety
    /// Every pointer field of `request` is NULL or valid as `sigv4_request` documents, for `'a`.
    pub(crate) unsafe fn read(request: &'a sigv4_request) -> Result<Self, Error> {
        if request.header_count > MAX_HEADERS {
            return Err(Error::new(
                ErrorKind::TooLarge,
                "request.header_count",
                format!(
                    "is {}, more than the limit of {MAX_HEADERS}",
                    request.header_count
                ),
            ));
        }
        // SAFETY: (this and each read below) the caller's guarantee on every pointer field.
        let method =
            unsafe { required_str(request.method, MAX_FIELD_LEN, field("request.method")) }?;
        // SAFETY: as above.
        let url = unsafe { required_str(request.url, MAX_URL_LEN, field("request.url")) }?;
        // SAFETY: as above; header_count was bounded first.
        let entries = unsafe { header_array(request.headers, request.header_count) }?;
        // SAFETY: as above.
        let body = unsafe { byte_slice(request.body, request.body_len, "request.body") }?;
        let hash_field = field("request.payload_hash");
        // SAFETY: as above.
        let payload_hash =
            unsafe { optional_str(request.payload_hash, MAX_FIELD_LEN, hash_field) }?;
        Ok(CRequest {
            method,
            url,
            entries,
            body,
            payload_hash,
        })
    }

    /// The payload: the given hash, else the body.
    pub(crate) fn payload(&self) -> Payload<'a> {
        match self.payload_hash {
            Some(hash) => Payload::Hash(hash),
            None => Payload::Body(self.body),
        }
    }
}

/// # Safety
/// `ptr` is NULL or points to `count` valid `sigv4_header` entries for `'a`.
unsafe fn header_array<'a>(
    ptr: *const sigv4_header,
    count: usize,
) -> Result<&'a [sigv4_header], Error> {
    if ptr.is_null() {
        if count == 0 {
            return Ok(&[]);
        }
        return Err(Error::new(
            ErrorKind::NullArgument,
            "request.headers",
            format!("is NULL but request.header_count is {count}"),
        ));
    }
    // SAFETY: non-NULL, count <= SIGV4_MAX_HEADERS, and the caller guarantees `count`
    // readable entries.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// Reads `sigv4_credentials`.
///
/// # Safety
/// Every pointer field is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn read_credentials(
    credentials: &sigv4_credentials,
) -> Result<Credentials<'_>, Error> {
    let key_field = field("credentials.access_key_id");
    // SAFETY: (this and each read below) the caller's guarantee on every pointer field.
    let access_key_id =
        unsafe { required_str(credentials.access_key_id, MAX_FIELD_LEN, key_field) }?;
    let secret_field = field("credentials.secret_access_key");
    // SAFETY: as above.
    let secret =
        unsafe { required_str(credentials.secret_access_key, MAX_FIELD_LEN, secret_field) }?;
    let token_field = field("credentials.session_token");
    // SAFETY: as above.
    let session_token =
        unsafe { optional_str(credentials.session_token, MAX_FIELD_LEN, token_field) }?;
    Ok(Credentials::new(access_key_id, secret, session_token))
}

/// `sigv4_params` read and decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CParams<'a> {
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    pub(crate) date: Option<AmzDate>,
    pub(crate) settings: Settings,
}

impl<'a> CParams<'a> {
    /// Reads `params`, decodes its flags and parses its date.
    ///
    /// # Safety
    /// Every pointer field is NULL or a NUL-terminated string valid for `'a`.
    pub(crate) unsafe fn read(params: &'a sigv4_params) -> Result<Self, Error> {
        // SAFETY: (this and each read below) the caller's guarantee on every pointer field.
        let region = unsafe { required_str(params.region, MAX_FIELD_LEN, field("params.region")) }?;
        // SAFETY: as above.
        let service =
            unsafe { required_str(params.service, MAX_FIELD_LEN, field("params.service")) }?;
        // SAFETY: as above.
        let amz_date = unsafe { read_amz_date(params.amz_date, "params.amz_date") }?;
        Ok(CParams {
            region,
            service,
            date: amz_date,
            settings: settings_from_flags(params.flags)?,
        })
    }
}

/// Reads and parses an optional `YYYYMMDDTHHMMSSZ`; NULL means now.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for the call.
pub(crate) unsafe fn read_amz_date(
    ptr: *const std::ffi::c_char,
    name: &'static str,
) -> Result<Option<AmzDate>, Error> {
    // SAFETY: the caller's guarantee.
    let text = unsafe { optional_str(ptr, MAX_FIELD_LEN, field(name)) }?;
    text.map(|text| {
        AmzDate::parse(text)
            .map_err(|error| Error::new(error.kind(), name, error.detail().to_owned()))
    })
    .transpose()
}

/// Decodes `params.flags` into settings, refusing bits this version does not know.
pub(crate) fn settings_from_flags(flags: u32) -> Result<Settings, Error> {
    let unknown = flags & !KNOWN_FLAGS;
    if unknown != 0 {
        return Err(Error::new(
            ErrorKind::InvalidFlags,
            "params.flags",
            format!("has unknown bits {unknown:#x}; this version knows {KNOWN_FLAGS:#x}"),
        ));
    }
    let has = |bit: u32| flags & bit != 0;
    Ok(Settings {
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
            PayloadChecksumKind::XAmzSha256
        } else {
            PayloadChecksumKind::NoHeader
        },
        session_token_mode: if has(SIGV4_FLAG_UNSIGNED_SESSION_TOKEN) {
            SessionTokenMode::Exclude
        } else {
            SessionTokenMode::Include
        },
    })
}

/// The caller's header array, after every entry was checked to be non-NULL, bounded and
/// UTF-8; reads each entry without measuring it again.
pub(crate) struct CHeaders<'a> {
    entries: &'a [sigv4_header],
    lens: &'a [(usize, usize)],
}

impl HeaderList for CHeaders<'_> {
    fn header_count(&self) -> usize {
        self.lens.len()
    }

    fn header(&self, index: usize) -> (&str, &str) {
        let entry = self.entries[index];
        let (name_len, value_len) = self.lens[index];
        // SAFETY: `check_headers` verified that both pointers are non-NULL, that exactly
        // these lengths of bytes precede their terminators and that those bytes are UTF-8;
        // the caller keeps them unmodified for the whole call, which outlives `self`.
        unsafe {
            (
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    entry.name.cast::<u8>(),
                    name_len,
                )),
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    entry.value.cast::<u8>(),
                    value_len,
                )),
            )
        }
    }
}

/// Checks each header's pointers and strings, recording their lengths in `lens` (reused
/// scratch), and returns the checked list.
///
/// # Safety
/// `entries` holds pointers that are NULL or NUL-terminated strings valid for `'a`.
pub(crate) unsafe fn check_headers<'a>(
    entries: &'a [sigv4_header],
    lens: &'a mut Vec<(usize, usize)>,
) -> Result<CHeaders<'a>, Error> {
    lens.clear();
    for (index, entry) in entries.iter().enumerate() {
        let name_field = || Cow::Owned(format!("request.headers[{index}].name"));
        // SAFETY: the caller guarantees NULL or a NUL-terminated string.
        let name = unsafe { required_str(entry.name, MAX_FIELD_LEN, name_field) }?;
        if entry.value.is_null() {
            return Err(Error::new(
                ErrorKind::NullArgument,
                header_field(index, name.as_bytes()),
                "value is NULL",
            ));
        }
        let value_field = || Cow::Owned(format!("{} value", header_field(index, name.as_bytes())));
        // SAFETY: as above, for the value.
        let value = unsafe { required_str(entry.value, MAX_FIELD_LEN, value_field) }?;
        lens.push((name.len(), value.len()));
    }
    Ok(CHeaders { entries, lens })
}
