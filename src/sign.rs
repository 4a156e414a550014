//! Signing a request: request + credentials + parameters → the headers to add.

use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::canonical_request::{CanonicalRequest, CanonicalScratch};
use crate::credentials::Credentials;
use crate::encoding::hex32;
use crate::error::{Error, ErrorKind, quote_for_message};
use crate::headers::{HeaderList, header, is_token_byte, validate_headers};
use crate::limits::{MAX_FIELD_LEN, MAX_OUTPUT_HEADERS};
use crate::payload::{Payload, PayloadHash, validate_payload_hash};
use crate::settings::{PayloadChecksumKind, SessionTokenMode, Settings};
use crate::signing_key::{SigningKey, derive_signing_key};
use crate::sink::ByteSink;
use crate::string_to_sign::{
    ALGORITHM, SCOPE_TERMINATOR, Scope, StringToSign, validate_scope_part,
};
use crate::time::AmzDate;
use crate::url::Url;

/// An HTTP request as it will be sent.
///
/// `headers` is any [`HeaderList`]: a slice or array of `(&str, &str)` pairs, or a vector.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a, H: HeaderList + ?Sized = [(&'a str, &'a str)]> {
    /// The method, signed exactly as given (methods are case-sensitive); an HTTP token.
    pub method: &'a str,
    /// The absolute http(s) URL in wire form: percent-encoded exactly as it will be sent.
    pub url: &'a str,
    /// The headers that will be sent. A `Host` header, if present, is signed instead of the
    /// URL's authority (the custom-domain recipe).
    pub headers: &'a H,
    /// The body, or its precomputed hash.
    pub payload: Payload<'a>,
}

/// Where and when to sign, and how.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The region of the credential scope, e.g. `ap-northeast-1`.
    pub region: &'a str,
    /// The service of the credential scope, e.g. `execute-api`; `s3` implies
    /// [`Settings::s3`]'s rules.
    pub service: &'a str,
    /// The signing time; `None` signs with the current time.
    pub date: Option<AmzDate>,
    /// Encoding, normalization, payload header and token modes.
    pub settings: Settings,
}

/// The headers a signature adds to a request, in this order: `X-Amz-Date`,
/// `X-Amz-Security-Token` (with a session token), `X-Amz-Content-Sha256` (when the settings
/// ask for it) and `Authorization`.
///
/// Reuse one output with [`sign_into`] and signing allocates nothing once its buffers have
/// grown. Its text holds the session token, so it is wiped before reuse and when dropped.
#[derive(Default)]
pub struct SigningOutput {
    values: HeaderValues,
    scratch: CanonicalScratch,
}

/// The output headers' values.
///
/// The text holds the session token, so it is wiped: the used bytes before every reuse, the
/// whole allocation before it is replaced by a larger one and when it is dropped. Bytes past
/// the length are therefore always zero.
#[derive(Default)]
struct HeaderValues {
    /// Every value followed by a NUL, back to back: the bytes the C edge copies out. ASCII.
    text: Vec<u8>,
    /// (name, start, length) of each value in `text`.
    spans: [(&'static str, usize, usize); MAX_OUTPUT_HEADERS],
    count: usize,
}

impl HeaderValues {
    fn clear(&mut self) {
        // A plain fill (memset), kept from being optimised away by `black_box`: this runs on
        // every signature, where a volatile byte-by-byte wipe would cost more than the rest
        // of the non-cryptographic work. Key material uses `zeroize` proper.
        self.text.fill(0);
        std::hint::black_box(self.text.as_mut_slice());
        self.text.clear();
        self.count = 0;
    }

    /// Makes room for `needed` bytes up front, so no push reallocates and leaves a copy of
    /// the token behind in freed memory.
    fn reserve(&mut self, needed: usize) {
        if self.text.capacity() < needed {
            self.text.zeroize();
            self.text = Vec::with_capacity(needed);
        }
    }

    /// Appends one value made of `parts`, each ASCII (or at least UTF-8), then a NUL.
    fn push(&mut self, name: &'static str, parts: &[&[u8]]) {
        let start = self.text.len();
        for part in parts {
            self.text.extend_from_slice(part);
        }
        let len = self.text.len() - start;
        self.text.push(0);
        if let Some(slot) = self.spans.get_mut(self.count) {
            *slot = (name, start, len);
            self.count += 1;
        }
    }

    fn spans(&self) -> &[(&'static str, usize, usize)] {
        &self.spans[..self.count]
    }

    fn value(&self, start: usize, len: usize) -> &str {
        // Every part pushed is ASCII or a `&str`'s bytes, so every span is valid UTF-8.
        std::str::from_utf8(&self.text[start..start + len]).unwrap_or("")
    }
}

impl std::fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.values.spans().iter().map(|span| span.0).collect();
        f.debug_struct("SigningOutput")
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

impl Drop for SigningOutput {
    fn drop(&mut self) {
        self.values.text.zeroize();
    }
}

impl SigningOutput {
    /// An empty output to pass to [`sign_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The headers to add, as `(name, value)` pairs in the documented order.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.values
            .spans()
            .iter()
            .map(|&(name, start, len)| (name, self.values.value(start, len)))
    }

    /// The value of the header `name` (ASCII case-insensitive), if the signature added it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The `Authorization` value.
    pub fn authorization(&self) -> &str {
        self.get(header::AUTHORIZATION).unwrap_or("")
    }

    /// The 64 hex digits of the signature, from `Authorization`.
    pub fn signature(&self) -> &str {
        let authorization = self.authorization();
        &authorization[authorization.len().saturating_sub(64)..]
    }

    /// All values, each followed by a NUL, back to back: exactly what a C caller's buffer
    /// receives.
    pub(crate) fn nul_terminated_values(&self) -> &[u8] {
        &self.values.text
    }

    /// (name, offset, length) of each value in [`Self::nul_terminated_values`].
    pub(crate) fn value_spans(&self) -> &[(&'static str, usize, usize)] {
        self.values.spans()
    }
}

/// Signs `request` and returns the headers to add. Allocates its output; use [`sign_into`]
/// with a reused [`SigningOutput`] on hot paths.
pub fn sign<H: HeaderList + ?Sized>(
    request: &Request<'_, H>,
    credentials: &Credentials<'_>,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, Error> {
    let mut out = SigningOutput::new();
    sign_into(request, credentials, params, &mut out)?;
    Ok(out)
}

/// Signs `request` into `out`, replacing what it held. On error `out` holds no headers.
///
/// Every input is validated before any hashing; the error names the field at fault.
pub fn sign_into<H: HeaderList + ?Sized>(
    request: &Request<'_, H>,
    credentials: &Credentials<'_>,
    params: &SigningParams<'_>,
    out: &mut SigningOutput,
) -> Result<(), Error> {
    let identity = Identity::from_params(credentials, params);
    sign_validated(
        request,
        &identity,
        IdentityCheck::Needed,
        params.date,
        out,
        |scope| derive_signing_key(credentials.secret_access_key(), scope),
    )
}

/// Whether [`sign_validated`] still has to check the identity (a [`crate::Signer`] checked it
/// once, when it was made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentityCheck {
    /// Check credentials, region and service after the request.
    Needed,
    /// Already checked.
    Done,
}

/// Who signs and for what scope.
pub(crate) struct Identity<'a> {
    pub(crate) credentials: &'a Credentials<'a>,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    /// The settings in force for `service` (S3's rules applied).
    pub(crate) settings: Settings,
}

impl<'a> Identity<'a> {
    /// The identity of a stateless signature: `params`' scope, S3's rules for service `s3`.
    fn from_params(credentials: &'a Credentials<'a>, params: &SigningParams<'a>) -> Self {
        Identity {
            credentials,
            region: params.region,
            service: params.service,
            settings: params.settings.effective_for(params.service),
        }
    }
}

/// Checks the credentials and the scope's region and service.
pub(crate) fn validate_identity(
    credentials: &Credentials<'_>,
    region: &str,
    service: &str,
) -> Result<(), Error> {
    credentials.validate()?;
    validate_scope_part("params.region", region)?;
    validate_scope_part("params.service", service)
}

/// Validates and signs; `signing_key` supplies `kSigning` for the scope (derived afresh, or
/// from a cache).
pub(crate) fn sign_validated<H: HeaderList + ?Sized>(
    request: &Request<'_, H>,
    identity: &Identity<'_>,
    identity_check: IdentityCheck,
    date: Option<AmzDate>,
    out: &mut SigningOutput,
    signing_key: impl FnOnce(&Scope<'_>) -> Result<SigningKey, Error>,
) -> Result<(), Error> {
    out.values.clear();
    let credentials = identity.credentials;
    let prepared = Prepared::new(request, identity, identity_check, date)?;
    let canonical_request = prepared.canonical_request(request);
    let mut hasher = Sha256::new();
    canonical_request.write(&mut hasher, &mut out.scratch);
    let canonical_request_hash = hex32(&hasher.finalize());

    let amz_date = prepared.amz_date;
    let scope = Scope::new(&amz_date, identity.region, identity.service);
    let signing_key = signing_key(&scope)?;
    let signature = signing_key.sign(&StringToSign {
        amz_date: &amz_date,
        scope,
        canonical_request_hash: &canonical_request_hash,
    })?;

    // Bytes, not `&str`: every part is ASCII (the signed names are lower-cased tokens, the
    // date and signature fixed ASCII) or a `&str`'s bytes, so no UTF-8 check is needed here.
    let signed_headers = out.scratch.signed_headers.as_slice();
    let authorization: [&[u8]; 15] = [
        ALGORITHM.as_bytes(),
        b" Credential=",
        credentials.access_key_id().as_bytes(),
        b"/",
        scope.date.as_bytes(),
        b"/",
        scope.region.as_bytes(),
        b"/",
        scope.service.as_bytes(),
        b"/",
        SCOPE_TERMINATOR.as_bytes(),
        b", SignedHeaders=",
        signed_headers,
        b", Signature=",
        &signature,
    ];
    let token = credentials.session_token();
    let content_sha256 = canonical_request
        .has_content_sha256
        .then_some(canonical_request.payload_hash);
    let amz_date = amz_date.as_bytes();
    let with_nul = |text: &[u8]| text.len() + 1;
    out.values.reserve(
        with_nul(amz_date)
            + token.map_or(0, |token| with_nul(token.as_bytes()))
            + content_sha256.map_or(0, with_nul)
            + authorization.iter().map(|part| part.len()).sum::<usize>()
            + 1,
    );
    out.values.push(header::X_AMZ_DATE, &[amz_date]);
    if let Some(token) = token {
        out.values
            .push(header::X_AMZ_SECURITY_TOKEN, &[token.as_bytes()]);
    }
    if let Some(content_sha256) = content_sha256 {
        out.values
            .push(header::X_AMZ_CONTENT_SHA256, &[content_sha256]);
    }
    out.values.push(header::AUTHORIZATION, &authorization);
    Ok(())
}

fn validate_method(method: &str) -> Result<(), Error> {
    const FIELD: &str = "request.method";
    if method.len() > MAX_FIELD_LEN {
        return Err(Error::new(
            ErrorKind::TooLarge,
            FIELD,
            format!("is longer than the limit of {MAX_FIELD_LEN} bytes"),
        ));
    }
    if method.is_empty() {
        return Err(Error::new(ErrorKind::InvalidMethod, FIELD, "is empty"));
    }
    if !method.bytes().all(is_token_byte) {
        return Err(Error::new(
            ErrorKind::InvalidMethod,
            FIELD,
            format!(
                "{} is not an HTTP token (e.g. GET, POST)",
                quote_for_message(method.as_bytes())
            ),
        ));
    }
    Ok(())
}

/// Writes the canonical request of `request` into `sink`: exactly the bytes [`sign`] hashes.
///
/// For tests and debugging ("the signature we calculated does not match": compare it with the
/// canonical request the server reports). The text holds the session token: treat it as a
/// secret.
pub fn write_canonical_request<H: HeaderList + ?Sized>(
    request: &Request<'_, H>,
    credentials: &Credentials<'_>,
    params: &SigningParams<'_>,
    sink: &mut impl ByteSink,
) -> Result<(), Error> {
    let identity = Identity::from_params(credentials, params);
    let prepared = Prepared::new(request, &identity, IdentityCheck::Needed, params.date)?;
    prepared
        .canonical_request(request)
        .write(sink, &mut CanonicalScratch::default());
    Ok(())
}

/// The validated, resolved inputs of one signature.
struct Prepared<'a> {
    url: Url<'a>,
    has_host_header: bool,
    amz_date: AmzDate,
    settings: Settings,
    payload_hash: PayloadHash<'a>,
    signed_session_token: Option<&'a str>,
}

impl<'a> Prepared<'a> {
    /// Validates the request (and the identity when asked), cheapest check first, then
    /// hashes the body (the one costly step).
    fn new<H: HeaderList + ?Sized>(
        request: &Request<'a, H>,
        identity: &Identity<'a>,
        identity_check: IdentityCheck,
        date: Option<AmzDate>,
    ) -> Result<Self, Error> {
        validate_method(request.method)?;
        let url = Url::parse(request.url)?;
        let has_host_header = validate_headers(request.headers)?;
        if let Payload::Hash(given) = request.payload {
            validate_payload_hash(given)?;
        }
        if identity_check == IdentityCheck::Needed {
            validate_identity(identity.credentials, identity.region, identity.service)?;
        }
        let settings = identity.settings;
        Ok(Prepared {
            url,
            has_host_header,
            amz_date: date.unwrap_or_else(AmzDate::now),
            settings,
            payload_hash: PayloadHash::from_validated(&request.payload),
            signed_session_token: identity
                .credentials
                .session_token()
                .filter(|_| settings.session_token_mode == SessionTokenMode::Include),
        })
    }

    fn canonical_request<'p, H: HeaderList + ?Sized>(
        &'p self,
        request: &'p Request<'a, H>,
    ) -> CanonicalRequest<'p, H> {
        CanonicalRequest {
            method: request.method,
            url: &self.url,
            headers: request.headers,
            has_host_header: self.has_host_header,
            amz_date: &self.amz_date,
            signed_session_token: self.signed_session_token,
            has_content_sha256: self.settings.payload_checksum_kind
                == PayloadChecksumKind::XAmzSha256,
            payload_hash: self.payload_hash.as_bytes(),
            settings: &self.settings,
        }
    }
}
