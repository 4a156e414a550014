//! The derived signing key (task 3 of the spec) and the final HMAC.
//!
//! ```text
//! kDate    = HMAC("AWS4" + secret, YYYYMMDD)
//! kRegion  = HMAC(kDate, region)
//! kService = HMAC(kRegion, service)
//! kSigning = HMAC(kService, "aws4_request")
//! signature = hex(HMAC(kSigning, string to sign))
//! ```
//!
//! Every key in the chain lives in a `Zeroizing` array, and the HMAC states themselves wipe on
//! drop (the `zeroize` feature of `hmac`/`sha2`), so no copy of the secret outlives a call.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::credentials::SecretKey;
use crate::encoding::hex32;
use crate::error::{Error, ErrorKind};
use crate::sink::{BlockSink, ByteSink};
use crate::string_to_sign::{SCOPE_TERMINATOR, Scope, StringToSign};

type HmacSha256 = Hmac<Sha256>;

/// SHA-256's block size: HMAC hashes longer keys first (RFC 2104 section 2).
const BLOCK_SIZE: usize = 64;
const KEY_PREFIX: &[u8; 4] = b"AWS4";

/// `kSigning`: valid for one (secret, date, region, service). Wiped when dropped; `Debug`
/// is redacted.
///
/// It is kept as the HMAC state already keyed with the key (the inner and outer pads
/// compressed), so each signature made with a cached key skips those two SHA-256 blocks.
#[derive(Clone)]
pub struct SigningKey {
    /// HMAC-SHA256 keyed with kSigning, before any message; wipes itself on drop (the
    /// `zeroize` feature of `hmac`).
    keyed: HmacSha256,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

impl ByteSink for HmacSha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

fn keyed(key: &[u8]) -> Result<HmacSha256, Error> {
    HmacSha256::new_from_slice(key)
        .map_err(|_| Error::new(ErrorKind::Internal, "", "HMAC refused a key"))
}

fn hmac_into(key: &[u8], message: &[u8], out: &mut Zeroizing<[u8; 32]>) -> Result<(), Error> {
    let mut mac = keyed(key)?;
    mac.update(message);
    out.copy_from_slice(&mac.finalize().into_bytes());
    Ok(())
}

/// Derives `kSigning` for `scope` from the secret access key.
pub fn derive_signing_key(secret: SecretKey<'_>, scope: &Scope<'_>) -> Result<SigningKey, Error> {
    let secret = secret.expose();
    let mut k_date = Zeroizing::new([0u8; 32]);
    if KEY_PREFIX.len() + secret.len() <= BLOCK_SIZE {
        let mut k_secret = Zeroizing::new([0u8; BLOCK_SIZE]);
        k_secret[..4].copy_from_slice(KEY_PREFIX);
        k_secret[4..4 + secret.len()].copy_from_slice(secret);
        hmac_into(
            &k_secret[..4 + secret.len()],
            scope.date.as_bytes(),
            &mut k_date,
        )?;
    } else {
        // HMAC would hash this key itself; doing it here keeps it off the heap.
        let mut hasher = Sha256::new();
        hasher.update(KEY_PREFIX);
        hasher.update(secret);
        let k_secret = Zeroizing::new(<[u8; 32]>::from(hasher.finalize()));
        hmac_into(&*k_secret, scope.date.as_bytes(), &mut k_date)?;
    }
    let mut k_region = Zeroizing::new([0u8; 32]);
    hmac_into(&*k_date, scope.region.as_bytes(), &mut k_region)?;
    let mut k_service = Zeroizing::new([0u8; 32]);
    hmac_into(&*k_region, scope.service.as_bytes(), &mut k_service)?;
    let mut k_signing = Zeroizing::new([0u8; 32]);
    hmac_into(&*k_service, SCOPE_TERMINATOR.as_bytes(), &mut k_signing)?;
    Ok(SigningKey {
        keyed: keyed(&*k_signing)?,
    })
}

impl SigningKey {
    /// HMAC-SHA256 of `message` under this key (tests compare keys through it).
    #[cfg(test)]
    fn mac_of(&self, message: &[u8]) -> Vec<u8> {
        let mut mac = self.keyed.clone();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }

    /// The lower-case hex signature of `string_to_sign`, streamed into the HMAC.
    pub fn sign(&self, string_to_sign: &StringToSign<'_>) -> Result<[u8; 64], Error> {
        let mut mac = self.keyed.clone();
        let mut sink = BlockSink::new(&mut mac);
        string_to_sign.write(&mut sink);
        sink.finish();
        Ok(hex32(&mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::AmzDate;

    #[test]
    fn the_spec_example_key_derives_as_published() {
        // The derivation example of AWS's SigV4 documentation (iam, us-east-1, 20150830).
        let date = AmzDate::parse("20150830T123600Z").unwrap();
        let scope = Scope::new(&date, "us-east-1", "iam");
        let key = derive_signing_key(
            SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            &scope,
        )
        .unwrap();
        // kSigning as published; compared through the MAC it computes.
        let published =
            hex::decode("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
                .unwrap();
        let mut expected = HmacSha256::new_from_slice(&published).unwrap();
        expected.update(b"probe");
        assert_eq!(
            key.mac_of(b"probe"),
            expected.finalize().into_bytes().to_vec()
        );
    }

    #[test]
    fn a_secret_longer_than_a_block_derives_as_hmac_would() {
        let secret = "s".repeat(200);
        let date = AmzDate::parse("20150830T123600Z").unwrap();
        let scope = Scope::new(&date, "r", "s");
        let ours = derive_signing_key(SecretKey::new(&secret), &scope).unwrap();
        // The plain definition, letting HMAC hash the long key itself.
        let mut key = format!("AWS4{secret}").into_bytes();
        for part in ["20150830", "r", "s", "aws4_request"] {
            let mut mac = HmacSha256::new_from_slice(&key).unwrap();
            mac.update(part.as_bytes());
            key = mac.finalize().into_bytes().to_vec();
        }
        let mut expected = HmacSha256::new_from_slice(&key).unwrap();
        expected.update(b"probe");
        assert_eq!(
            ours.mac_of(b"probe"),
            expected.finalize().into_bytes().to_vec()
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let date = AmzDate::parse("20150830T123600Z").unwrap();
        let key = derive_signing_key(SecretKey::new("x"), &Scope::new(&date, "r", "s")).unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey(** redacted **)");
    }
}
