//! # sigv4: AWS Signature Version 4 request signing, for Rust and for C
//!
//! Signs an HTTP request so that an IAM-protected AWS endpoint (API Gateway with `AWS_IAM`,
//! S3, STS, any SigV4 service) accepts it, and hands back the headers to add. The same core
//! serves the Rust API below and the C API of `include/sigv4.h` (`sigv4_sign`), so both
//! give the same signatures and the same errors.
//!
//! ```
//! use sigv4::{sign, AmzDate, Credentials, Payload, Request, Settings, SigningParams};
//!
//! // The custom-domain recipe: nothing in `api.example.com` says execute-api or
//! // ap-northeast-1, so the caller states them. The session token of temporary
//! // credentials travels (and is signed) as X-Amz-Security-Token.
//! let headers = [("content-type", "application/json")];
//! let request = Request {
//!     method: "GET",
//!     url: "https://api.example.com/trial/getinfo/1234?b=2&a=1",
//!     headers: &headers,
//!     payload: Payload::Body(b""),
//! };
//! let credentials = Credentials::new(
//!     "AKIDEXAMPLE",
//!     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     Some("session-token-from-sts"),
//! );
//! let params = SigningParams {
//!     region: "ap-northeast-1",
//!     service: "execute-api",
//!     date: Some(AmzDate::parse("20150830T123600Z")?),
//!     settings: Settings::default(),
//! };
//! let signed = sign(&request, &credentials, &params)?;
//! for (name, value) in signed.headers() {
//!     println!("{name}: {value}");
//! }
//! assert!(signed.authorization().starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
//! ));
//! # Ok::<(), sigv4::Error>(())
//! ```

mod canonical_request;
mod credentials;
mod encoding;
mod error;
#[allow(unsafe_code)]
pub mod ffi;
mod headers;
mod key_cache;
pub mod limits;
mod path;
mod payload;
mod query;
mod settings;
mod sign;
mod signer;
mod signing_key;
mod sink;
mod string_to_sign;
mod time;
mod url;

pub use credentials::{Credentials, SecretKey};
pub use encoding::{PATH_ENCODE_SET, QUERY_ENCODE_SET};
pub use error::{Error, ErrorKind};
pub use headers::{HeaderList, UNSIGNED_HEADERS, header};
pub use payload::{PAYLOAD_TOKENS, Payload, PayloadHasher, UNSIGNED_PAYLOAD, sha256_hex};
pub use settings::{
    PayloadChecksumKind, PercentEncodingMode, S3_SERVICE, SessionTokenMode, Settings,
    UriPathNormalizationMode,
};
pub use sign::{Request, SigningOutput, SigningParams, sign, sign_into, write_canonical_request};
pub use signer::Signer;
pub use signing_key::{SigningKey, derive_signing_key};
pub use sink::ByteSink;
pub use string_to_sign::{ALGORITHM, SCOPE_TERMINATOR, Scope, StringToSign};
pub use time::AmzDate;
