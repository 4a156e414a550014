//! The workloads of `shared/BASELINES.md`, built once for every benchmark, and the
//! implementations compared on them: libsigv4 through its C ABI and its Rust API, the aws-sigv4
//! crate, and the crypto alone (the floor no signer can go below).

#![allow(
    dead_code,
    unsafe_code,
    clippy::unwrap_used,
    clippy::too_many_arguments,
    missing_docs
)]

use std::ffi::{CString, c_char};
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind as AwsPayloadChecksumKind, PercentEncodingMode as AwsPercentEncodingMode,
    SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode as AwsUriPathNormalizationMode, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sigv4::ffi::{
    SIGV4_MAX_OUTPUT_HEADERS, sigv4_credentials, sigv4_header, sigv4_output, sigv4_params,
    sigv4_request, sigv4_sign, sigv4_signer, sigv4_signer_free, sigv4_signer_new,
    sigv4_signer_sign, sigv4_status,
};
use sigv4::{AmzDate, Credentials, Payload, Request, Settings, SigningParams};

pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const AMZ_DATE: &str = "20150830T123600Z";
/// 2015-08-30T12:36:00Z.
pub const UNIX_SECONDS: u64 = 1_440_938_160;

/// One request to sign, in every form the implementations take.
pub struct Workload {
    pub name: &'static str,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub region: &'static str,
    pub service: &'static str,
    pub token: Option<String>,
    // C forms, pointing into the owned strings above.
    c_strings: Vec<CString>,
    c_headers: Vec<sigv4_header>,
    c_method: CString,
    c_url: CString,
    c_token: Option<CString>,
    c_region: CString,
    c_service: CString,
}

// SAFETY: the raw pointers in `c_headers` point into `c_strings`, which the workload owns and
// never mutates, so sharing a workload between threads only shares immutable data.
unsafe impl Sync for Workload {}

/// W1's session token: character i is ALPHABET[(37 i + 11) mod 64].
pub fn w1_token() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..400)
        .map(|i| ALPHABET[(37 * i + 11) % 64] as char)
        .collect()
}

impl Workload {
    pub fn new(
        name: &'static str,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        region: &'static str,
        service: &'static str,
        token: Option<String>,
    ) -> Self {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        let c_strings: Vec<CString> = headers
            .iter()
            .flat_map(|(n, v)| {
                [
                    CString::new(n.as_str()).unwrap(),
                    CString::new(v.as_str()).unwrap(),
                ]
            })
            .collect();
        let c_headers = c_strings
            .chunks(2)
            .map(|pair| sigv4_header {
                name: pair[0].as_ptr(),
                value: pair[1].as_ptr(),
            })
            .collect();
        Workload {
            name,
            method: method.to_owned(),
            url: url.to_owned(),
            headers,
            body,
            region,
            service,
            c_token: token.as_deref().map(|t| CString::new(t).unwrap()),
            token,
            c_strings,
            c_headers,
            c_method: CString::new(method).unwrap(),
            c_url: CString::new(url).unwrap(),
            c_region: CString::new(region).unwrap(),
            c_service: CString::new(service).unwrap(),
        }
    }

    /// W1 `apigw-get`, the product's story.
    pub fn w1() -> Self {
        Workload::new(
            "W1",
            "GET",
            "https://abc123.execute-api.ap-northeast-1.amazonaws.com/trial/getinfo/1234?b=2&a=1",
            &[
                ("content-type", "application/json"),
                ("x-custom", " a   b "),
            ],
            Vec::new(),
            "ap-northeast-1",
            "execute-api",
            Some(w1_token()),
        )
    }

    /// W2 `s3-put-1MiB`.
    pub fn w2() -> Self {
        Workload::new(
            "W2",
            "PUT",
            "https://examplebucket.s3.us-east-1.amazonaws.com/photos/My%20Photo%20(1).jpg",
            &[
                ("content-type", "image/jpeg"),
                ("content-length", "1048576"),
            ],
            w2_body(),
            "us-east-1",
            "s3",
            None,
        )
    }

    fn request(&self) -> sigv4_request {
        sigv4_request {
            method: self.c_method.as_ptr(),
            url: self.c_url.as_ptr(),
            headers: self.c_headers.as_ptr(),
            header_count: self.c_headers.len(),
            body: self.body.as_ptr(),
            body_len: self.body.len(),
            payload_hash: std::ptr::null(),
        }
    }

    fn credentials(&self) -> sigv4_credentials {
        sigv4_credentials {
            access_key_id: c"AKIDEXAMPLE".as_ptr(),
            secret_access_key: c"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".as_ptr(),
            session_token: self
                .c_token
                .as_ref()
                .map_or(std::ptr::null(), |t| t.as_ptr()),
        }
    }

    fn params(&self, with_date: bool) -> sigv4_params {
        sigv4_params {
            region: self.c_region.as_ptr(),
            service: self.c_service.as_ptr(),
            amz_date: if with_date {
                c"20150830T123600Z".as_ptr()
            } else {
                std::ptr::null()
            },
            flags: 0,
        }
    }

    pub fn rust_headers(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// The canonical request libsigv4 hashes (the crypto floor hashes the same bytes).
    pub fn canonical_request(&self) -> Vec<u8> {
        let headers = self.rust_headers();
        let request = Request {
            method: &self.method,
            url: &self.url,
            headers: &headers[..],
            payload: Payload::Body(&self.body),
        };
        let mut out = Vec::new();
        sigv4::write_canonical_request(
            &request,
            &Credentials::new(ACCESS_KEY_ID, SECRET, self.token.as_deref()),
            &self.rust_params(),
            &mut out,
        )
        .unwrap();
        out
    }

    pub fn rust_params(&self) -> SigningParams<'_> {
        SigningParams {
            region: self.region,
            service: self.service,
            date: Some(AmzDate::parse(AMZ_DATE).unwrap()),
            settings: Settings::default(),
        }
    }
}

/// W2's body: 1 MiB, byte i = i mod 251.
pub fn w2_body() -> Vec<u8> {
    (0..1_048_576u32).map(|i| (i % 251) as u8).collect()
}

/// libsigv4 through `sigv4_sign`, with a reused output buffer.
pub struct CSigner<'w> {
    request: sigv4_request,
    credentials: sigv4_credentials,
    params: sigv4_params,
    buf: Vec<c_char>,
    out: sigv4_output,
    signer: *mut sigv4_signer,
    _workload: &'w Workload,
}

impl<'w> CSigner<'w> {
    pub fn new(workload: &'w Workload) -> Self {
        let credentials = workload.credentials();
        let mut signer = std::ptr::null_mut();
        // SAFETY: valid structs with NUL-terminated strings; `signer` is writable.
        let status =
            unsafe { sigv4_signer_new(&credentials, &workload.params(false), &mut signer) };
        assert_eq!(status, sigv4_status::SIGV4_OK);
        CSigner {
            request: workload.request(),
            credentials,
            params: workload.params(true),
            buf: vec![0; 8192],
            out: sigv4_output {
                buf: std::ptr::null_mut(),
                buf_len: 0,
                buf_used: 0,
                headers: [sigv4_header {
                    name: std::ptr::null(),
                    value: std::ptr::null(),
                }; SIGV4_MAX_OUTPUT_HEADERS],
                header_count: 0,
            },
            signer,
            _workload: workload,
        }
    }

    /// One `sigv4_sign`; returns the first byte of the signature so the work is used.
    pub fn sign(&mut self) -> u8 {
        self.out.buf = self.buf.as_mut_ptr();
        self.out.buf_len = self.buf.len();
        // SAFETY: every pointer refers to data owned by the workload or by self.
        let status = unsafe {
            sigv4_sign(
                &self.request,
                &self.credentials,
                &self.params,
                &mut self.out,
            )
        };
        debug_assert_eq!(status, sigv4_status::SIGV4_OK);
        self.buf[self.out.buf_used.saturating_sub(2)] as u8
    }

    /// One `sigv4_signer_sign` (cached signing key).
    pub fn sign_cached(&mut self) -> u8 {
        self.out.buf = self.buf.as_mut_ptr();
        self.out.buf_len = self.buf.len();
        // SAFETY: as above; the signer is live until drop.
        let status = unsafe {
            sigv4_signer_sign(
                self.signer,
                &self.request,
                c"20150830T123600Z".as_ptr(),
                &mut self.out,
            )
        };
        debug_assert_eq!(status, sigv4_status::SIGV4_OK);
        self.buf[self.out.buf_used.saturating_sub(2)] as u8
    }

    /// The Authorization value of the last signature.
    pub fn authorization(&self) -> String {
        // SAFETY: after a successful call the last header's value is a NUL-terminated string
        // inside buf.
        unsafe { std::ffi::CStr::from_ptr(self.out.headers[self.out.header_count - 1].value) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for CSigner<'_> {
    fn drop(&mut self) {
        // SAFETY: made by sigv4_signer_new, freed once.
        unsafe { sigv4_signer_free(self.signer) };
    }
}

/// The aws-sigv4 crate, as its users call it.
pub struct AwsSigner<'w> {
    workload: &'w Workload,
    identity: Identity,
    settings: SigningSettings,
}

impl<'w> AwsSigner<'w> {
    pub fn new(workload: &'w Workload) -> Self {
        let identity: Identity =
            AwsCredentials::new(ACCESS_KEY_ID, SECRET, workload.token.clone(), None, "bench")
                .into();
        let mut settings = SigningSettings::default();
        if workload.service == "s3" {
            settings.percent_encoding_mode = AwsPercentEncodingMode::Single;
            settings.uri_path_normalization_mode = AwsUriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = AwsPayloadChecksumKind::XAmzSha256;
        }
        AwsSigner {
            workload,
            identity,
            settings,
        }
    }

    /// One signature; returns the signature's length so the work is used.
    pub fn sign(&self) -> usize {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(self.workload.region)
            .name(self.workload.service)
            .time(UNIX_EPOCH + Duration::from_secs(UNIX_SECONDS))
            .settings(self.settings.clone())
            .build()
            .unwrap()
            .into();
        let request = SignableRequest::new(
            &self.workload.method,
            &self.workload.url,
            self.workload
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(&self.workload.body),
        )
        .unwrap();
        let (_instructions, signature) = aws_sign(request, &params).unwrap().into_parts();
        signature.len()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The crypto of one signature and nothing else: SHA-256 of the body and of the canonical
/// request, the four HMACs of the key derivation, and the HMAC of the string to sign.
pub struct CryptoFloor {
    canonical_request: Vec<u8>,
    body: Vec<u8>,
    string_to_sign_head: Vec<u8>,
    signing_key: [u8; 32],
    k_secret: Vec<u8>,
    region: &'static str,
    service: &'static str,
}

impl CryptoFloor {
    pub fn new(workload: &Workload) -> Self {
        let mut floor = CryptoFloor {
            canonical_request: workload.canonical_request(),
            body: workload.body.clone(),
            string_to_sign_head: format!(
                "AWS4-HMAC-SHA256\n{AMZ_DATE}\n20150830/{}/{}/aws4_request\n",
                workload.region, workload.service
            )
            .into_bytes(),
            signing_key: [0; 32],
            k_secret: format!("AWS4{SECRET}").into_bytes(),
            region: workload.region,
            service: workload.service,
        };
        floor.signing_key = floor.derive_key();
        floor
    }

    fn derive_key(&self) -> [u8; 32] {
        let k_date = hmac(&self.k_secret, b"20150830");
        let k_region = hmac(&k_date, self.region.as_bytes());
        let k_service = hmac(&k_region, self.service.as_bytes());
        hmac(&k_service, b"aws4_request")
    }

    fn sign_with(&self, key: &[u8; 32]) -> [u8; 32] {
        // An empty body's hash is a constant (as in BASELINES.md's floor: SHA-256 of the
        // canonical request and five HMACs); a real body must be hashed.
        let body_hash = if self.body.is_empty() {
            [0u8; 32].into()
        } else {
            Sha256::digest(&self.body)
        };
        let request_hash = Sha256::digest(&self.canonical_request);
        let mut hex = [0u8; 64];
        hex::encode_to_slice(request_hash, &mut hex).unwrap();
        let mut mac = HmacSha256::new_from_slice(key).unwrap();
        mac.update(&self.string_to_sign_head);
        mac.update(&hex);
        let mut out: [u8; 32] = mac.finalize().into_bytes().into();
        out[0] ^= body_hash[0];
        out
    }

    /// Everything a stateless signature must compute.
    pub fn full(&self) -> [u8; 32] {
        let key = self.derive_key();
        self.sign_with(&key)
    }

    /// With the derived key cached: what a cached signer must still compute.
    pub fn cached_key(&self) -> [u8; 32] {
        self.sign_with(&self.signing_key)
    }
}

/// libsigv4's Rust API with a reused output.
pub fn rust_sign(workload: &Workload, headers: &[(&str, &str)], out: &mut sigv4::SigningOutput) {
    let request = Request {
        method: &workload.method,
        url: &workload.url,
        headers,
        payload: Payload::Body(&workload.body),
    };
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, workload.token.as_deref());
    sigv4::sign_into(&request, &credentials, &workload.rust_params(), out).unwrap();
}
