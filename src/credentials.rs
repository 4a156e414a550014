//! AWS credentials as the signer borrows them.
//!
//! The library never stores credentials and never copies the secret except into the zeroized
//! HMAC key of [`crate::signing_key`]; the caller owns (and should wipe) its own copy. `Debug`
//! redacts the secret and the session token, so a `{:?}` in a log cannot leak them.

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::limits::MAX_FIELD_LEN;

const REDACTED: &str = "** redacted **";

/// A secret access key. Its `Debug` output is redacted and it has no `Display`.
#[derive(Clone, Copy)]
pub struct SecretKey<'a>(&'a str);

impl<'a> SecretKey<'a> {
    /// Wraps a secret access key.
    pub fn new(secret: &'a str) -> Self {
        SecretKey(secret)
    }

    /// The secret's bytes, for key derivation only.
    pub(crate) fn expose(&self) -> &'a [u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for SecretKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// An access key id, its secret and, for temporary (STS, instance-role) credentials, the
/// session token that travels as `X-Amz-Security-Token`.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    access_key_id: &'a str,
    secret_access_key: SecretKey<'a>,
    session_token: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    /// Borrows credentials. An empty session token means none, as NULL does in C.
    pub fn new(
        access_key_id: &'a str,
        secret_access_key: &'a str,
        session_token: Option<&'a str>,
    ) -> Self {
        Credentials {
            access_key_id,
            secret_access_key: SecretKey::new(secret_access_key),
            session_token: session_token.filter(|token| !token.is_empty()),
        }
    }

    /// The access key id, as it appears in the `Credential=` part of `Authorization`.
    pub fn access_key_id(&self) -> &'a str {
        self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> SecretKey<'a> {
        self.secret_access_key
    }

    /// The session token of temporary credentials, if any.
    pub fn session_token(&self) -> Option<&'a str> {
        self.session_token
    }

    /// Checks that each part can be signed and sent: the id goes into the `Authorization`
    /// header and the token into `X-Amz-Security-Token`, so neither may hold a byte that would
    /// break or inject a header; the secret must be non-empty text.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        check_visible_ascii(
            "credentials.access_key_id",
            self.access_key_id.as_bytes(),
            b"/,",
        )?;
        let secret = self.secret_access_key.expose();
        if secret.is_empty() {
            return Err(invalid("credentials.secret_access_key", "is empty"));
        }
        if secret.len() > MAX_FIELD_LEN {
            return Err(too_large("credentials.secret_access_key", secret.len()));
        }
        if let Some(position) = secret.iter().position(|&b| b < 0x20 || b == 0x7f) {
            return Err(invalid(
                "credentials.secret_access_key",
                format!("contains a control byte at offset {position}"),
            ));
        }
        if let Some(token) = self.session_token {
            check_visible_ascii("credentials.session_token", token.as_bytes(), b"")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token.map(|_| REDACTED))
            .finish()
    }
}

/// Checks a credential that is written into a header: non-empty, printable ASCII without
/// spaces, and none of `also_forbidden`. The message gives the offset, never the byte itself.
fn check_visible_ascii(
    field: &'static str,
    value: &[u8],
    also_forbidden: &[u8],
) -> Result<(), Error> {
    if value.is_empty() {
        return Err(invalid(field, "is empty"));
    }
    if value.len() > MAX_FIELD_LEN {
        return Err(too_large(field, value.len()));
    }
    // The common case in one vectorizable pass; the position only on failure.
    let is_clean = value
        .iter()
        .fold(true, |clean, &b| clean & (b.wrapping_sub(0x21) < 0x5e))
        && !also_forbidden
            .iter()
            .any(|forbidden| value.contains(forbidden));
    if is_clean {
        return Ok(());
    }
    if let Some(position) = value
        .iter()
        .position(|b| !b.is_ascii_graphic() || also_forbidden.contains(b))
    {
        return Err(invalid(
            field,
            format!(
                "contains a forbidden byte at offset {position} (allowed: printable ASCII without spaces{})",
                if also_forbidden.is_empty() {
                    ""
                } else {
                    ", '/' or ','"
                }
            ),
        ));
    }
    Ok(())
}

fn invalid(field: &'static str, detail: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidCredentials, field, detail)
}

fn too_large(field: &'static str, len: usize) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        field,
        format!("is {len} bytes, longer than the limit of {MAX_FIELD_LEN}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn debug_output_redacts_the_secret_and_the_token() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, Some("TOKENVALUE"));
        let shown = format!("{credentials:?}");
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains(SECRET), "secret leaked: {shown}");
        assert!(!shown.contains("TOKENVALUE"), "token leaked: {shown}");
        assert!(shown.contains("** redacted **"));
    }

    #[test]
    fn an_empty_token_means_long_term_credentials() {
        assert_eq!(Credentials::new("A", "B", Some("")).session_token(), None);
    }

    #[test]
    fn bad_bytes_in_any_credential_are_invalid_credentials() {
        for (id, secret, token) in [
            ("", SECRET, None),
            ("AKID/X", SECRET, None),
            ("AKID X", SECRET, None),
            ("AKID", "", None),
            ("AKID", "se\ncret", None),
            ("AKID", SECRET, Some("tok\r\nen")),
            ("AKID", SECRET, Some("tok en")),
        ] {
            let error = Credentials::new(id, secret, token).validate().unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidCredentials,
                "{id:?} {token:?}"
            );
            assert!(!error.to_string().contains(SECRET));
        }
    }
}
