//! A signer bound to one set of credentials, one region and one service, which derives the
//! signing key once per day instead of once per request.
//!
//! A stateless [`crate::sign`] pays five HMACs per signature, four of them for `kSigning`,
//! which changes only when the date does. A `Signer` keeps the credentials (in wiped
//! memory), checks them once, and caches `kSigning` by date, so a signature costs one
//! SHA-256 of the canonical request and one HMAC.

use std::fmt;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::error::Error;
use crate::headers::HeaderList;
use crate::key_cache::KeyCache;
use crate::settings::Settings;
use crate::sign::{
    Identity, IdentityCheck, Request, SigningOutput, sign_validated, validate_identity,
};
use crate::signing_key::derive_signing_key;
use crate::time::AmzDate;

/// Signs many requests with the same credentials, region and service. `Send + Sync`: share it
/// between threads.
pub struct Signer {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    region: String,
    service: String,
    settings: Settings,
    keys: KeyCache,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Checks and copies the credentials, region and service. Service `s3` implies S3's rules.
    pub fn new(
        credentials: &Credentials<'_>,
        region: &str,
        service: &str,
        settings: Settings,
    ) -> Result<Self, Error> {
        validate_identity(credentials, region, service)?;
        Ok(Signer {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: Zeroizing::new(
                String::from_utf8_lossy(credentials.secret_access_key().expose()).into_owned(),
            ),
            session_token: credentials
                .session_token()
                .map(|token| Zeroizing::new(token.to_owned())),
            region: region.to_owned(),
            service: service.to_owned(),
            settings: settings.effective_for(service),
            keys: KeyCache::default(),
        })
    }

    /// Signs `request` at `date` (`None`: now) into `out`, replacing what it held.
    pub fn sign_into<H: HeaderList + ?Sized>(
        &self,
        request: &Request<'_, H>,
        date: Option<AmzDate>,
        out: &mut SigningOutput,
    ) -> Result<(), Error> {
        let credentials = Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.as_ref().map(|token| token.as_str()),
        );
        let identity = Identity {
            credentials: &credentials,
            region: &self.region,
            service: &self.service,
            settings: self.settings,
        };
        sign_validated(
            request,
            &identity,
            IdentityCheck::Done,
            date,
            out,
            |scope| {
                self.keys.get_or_derive(scope.date, || {
                    derive_signing_key(credentials.secret_access_key(), scope)
                })
            },
        )
    }

    /// Signs `request` at `date` (`None`: now) and returns the headers to add.
    pub fn sign<H: HeaderList + ?Sized>(
        &self,
        request: &Request<'_, H>,
        date: Option<AmzDate>,
    ) -> Result<SigningOutput, Error> {
        let mut out = SigningOutput::new();
        self.sign_into(request, date, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Payload;
    use crate::sign::{SigningParams, sign};

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn a_signer_signs_exactly_as_the_stateless_function() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, Some("token"));
        let signer = Signer::new(&credentials, "us-east-1", "s3", Settings::default()).unwrap();
        let headers = [("x-custom", " a  b ")];
        let request = Request {
            method: "PUT",
            url: "https://bucket.s3.amazonaws.com/My%20Photo.jpg",
            headers: &headers,
            payload: Payload::Body(b"body"),
        };
        for date in ["20150830T123600Z", "20150830T235959Z", "20150831T000000Z"] {
            let date = AmzDate::parse(date).unwrap();
            let params = SigningParams {
                region: "us-east-1",
                service: "s3",
                date: Some(date),
                settings: Settings::default(),
            };
            let expected = sign(&request, &credentials, &params).unwrap();
            let ours = signer.sign(&request, Some(date)).unwrap();
            assert_eq!(
                ours.headers().collect::<Vec<_>>(),
                expected.headers().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_signer_refuses_bad_credentials_up_front_and_hides_the_secret() {
        let error = Signer::new(
            &Credentials::new("", SECRET, None),
            "r",
            "s",
            Settings::default(),
        )
        .unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidCredentials);
        let signer = Signer::new(
            &Credentials::new("AKID", SECRET, Some("tok")),
            "r",
            "s",
            Settings::default(),
        )
        .unwrap();
        let shown = format!("{signer:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("tok\""),
            "{shown}"
        );
    }

    #[test]
    fn a_signer_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Signer>();
    }
}
