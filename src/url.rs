//! Splitting the request URL into what SigV4 signs: host, path and query.
//!
//! The URL arrives in its wire form, exactly as the HTTP client will send it, so nothing here
//! decodes or re-encodes; it only splits and refuses what no client sends on the wire: a
//! space, a control byte or a non-ASCII byte (the caller must percent-encode it first), a `%`
//! without two hex digits, a fragment, userinfo, or a scheme other than http and https.

use crate::encoding::hex_value;
use crate::error::{Error, ErrorKind, quote_for_message};
use crate::limits::MAX_URL_LEN;

const FIELD: &str = "request.url";

/// The signed parts of an absolute http(s) URL, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Url<'a> {
    /// The host as written (case kept; lower-cased when signed), IPv6 brackets included.
    pub(crate) host: &'a str,
    /// The port, only when it is not the scheme's default.
    pub(crate) port: Option<&'a str>,
    /// The path, possibly empty, starting with `/` otherwise.
    pub(crate) path: &'a str,
    /// The text after `?`, possibly empty.
    pub(crate) query: &'a str,
}

impl<'a> Url<'a> {
    /// Splits and checks `url`.
    pub(crate) fn parse(url: &'a str) -> Result<Self, Error> {
        if url.len() > MAX_URL_LEN {
            return Err(Error::new(
                ErrorKind::TooLarge,
                FIELD,
                format!(
                    "is {} bytes, longer than the limit of {MAX_URL_LEN}",
                    url.len()
                ),
            ));
        }
        let may_have_fragment = check_wire_bytes(url.as_bytes())?;
        let scheme_end = url.bytes().position(|b| b == b':');
        let Some(scheme_end) = scheme_end.filter(|&colon| url[colon..].starts_with("://")) else {
            return Err(invalid(
                "is not an absolute URL; expected http://host/path or https://host/path",
            ));
        };
        let scheme = &url[..scheme_end];
        let default_port = if scheme.eq_ignore_ascii_case("https") {
            443
        } else if scheme.eq_ignore_ascii_case("http") {
            80
        } else {
            return Err(invalid(format!(
                "scheme {} is not http or https",
                quote_for_message(scheme.as_bytes())
            )));
        };
        if may_have_fragment && url.contains('#') {
            return Err(invalid(
                "contains a fragment ('#'); fragments are never sent, remove it",
            ));
        }
        let rest = &url[scheme_end + 3..];
        let authority_end = rest
            .bytes()
            .position(|b| b == b'/' || b == b'?')
            .unwrap_or(rest.len());
        let (authority, after) = rest.split_at(authority_end);
        let (path, query) = match after.bytes().position(|b| b == b'?') {
            Some(mark) => (&after[..mark], &after[mark + 1..]),
            None => (after, ""),
        };
        let (host, port) = split_authority(authority, default_port)?;
        Ok(Url {
            host,
            port,
            path,
            query,
        })
    }
}

fn invalid(detail: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidUrl, FIELD, detail)
}

/// Refuses bytes that are never valid on the wire, and `%` not followed by two hex digits.
/// Returns whether the URL may hold a `#` (false when the fast pass saw none).
fn check_wire_bytes(bytes: &[u8]) -> Result<bool, Error> {
    // Most URLs have no `%` and nothing to refuse: one pass without early exit, which the
    // compiler vectorizes, settles them.
    let is_plain = bytes.iter().fold(true, |plain, &b| {
        plain & (b.wrapping_sub(0x21) < 0x5e) & (b != b'%') & (b != b'#')
    });
    if is_plain {
        return Ok(false);
    }
    for (position, &byte) in bytes.iter().enumerate() {
        let what = match byte {
            b' ' => "a space",
            0..=0x1f | 0x7f => "a control byte",
            0x80..=0xff => "a non-ASCII byte",
            b'%' => {
                let escaped = bytes.get(position + 1..position + 3);
                if escaped.is_some_and(|pair| pair.iter().all(|&b| hex_value(b).is_some())) {
                    continue;
                }
                return Err(invalid(format!(
                    "'%' at byte {position} is not followed by two hex digits; encode a literal '%' as %25"
                )));
            }
            _ => continue,
        };
        return Err(invalid(format!(
            "contains {what} at byte {position}; give the URL in its wire form, percent-encoded (e.g. a space as %20)"
        )));
    }
    Ok(true)
}

/// Splits `host[:port]`, refusing userinfo, an empty host and a malformed port, and dropping
/// the scheme's default port (servers see `Host: example.com` for `https://example.com:443/`).
fn split_authority(authority: &str, default_port: u32) -> Result<(&str, Option<&str>), Error> {
    // The common case, a plain host name without port: one pass without early exit
    // (vectorizable) settles it, since no host byte is '@', '[' or ':'.
    if !authority.is_empty()
        && authority
            .bytes()
            .fold(true, |plain, b| plain & is_host_byte(b))
    {
        return Ok((authority, None));
    }
    if authority.contains('@') {
        return Err(invalid(
            "contains userinfo ('user@'); send credentials through signing, not the URL",
        ));
    }
    let (host, port) = if authority.starts_with('[') {
        let Some(close) = authority.find(']') else {
            return Err(invalid("IPv6 host has no closing ']'"));
        };
        let literal = &authority[1..close];
        if literal.is_empty()
            || !literal
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(invalid(format!(
                "IPv6 host {} is malformed",
                quote_for_message(&authority.as_bytes()[..=close])
            )));
        }
        let rest = &authority[close + 1..];
        match rest.strip_prefix(':') {
            Some(port) => (&authority[..=close], Some(port)),
            None if rest.is_empty() => (&authority[..=close], None),
            None => return Err(invalid("unexpected text after the IPv6 host")),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("has no host"));
    }
    // One pass without early exit (vectorizable); the offending byte only on failure.
    let is_plain_host = host.bytes().fold(true, |plain, b| plain & is_host_byte(b));
    if !is_plain_host
        && !host.starts_with('[')
        && let Some(bad) = host.bytes().find(|&b| !is_host_byte(b))
    {
        return Err(invalid(format!(
            "host contains {}; expected letters, digits, '-', '.', '_' or '~'",
            quote_for_message(&[bad])
        )));
    }
    let port = match port {
        None => None,
        Some(port) => {
            let number = (port.len() <= 5 && !port.is_empty())
                .then(|| port.parse::<u32>().ok())
                .flatten()
                .filter(|&n| n <= 65535 && port.bytes().all(|b| b.is_ascii_digit()));
            match number {
                None => {
                    return Err(invalid(format!(
                        "port {} is not a number from 0 to 65535",
                        quote_for_message(port.as_bytes())
                    )));
                }
                Some(n) if n == default_port => None,
                // Clients send the port as a number (curl, urllib3), so `:08080` goes out
                // as `:8080`: sign it that way.
                Some(_) => Some(match port.trim_start_matches('0') {
                    "" => "0",
                    digits => digits,
                }),
            }
        }
    };
    Ok((host, port))
}

/// A byte of a registered host name.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (String, Option<String>, String, String) {
        let parsed = Url::parse(url).unwrap();
        (
            parsed.host.to_owned(),
            parsed.port.map(str::to_owned),
            parsed.path.to_owned(),
            parsed.query.to_owned(),
        )
    }

    #[test]
    fn an_absolute_url_splits_into_host_path_and_query() {
        assert_eq!(
            parts("https://Example.COM/a/b?x=1&y"),
            ("Example.COM".into(), None, "/a/b".into(), "x=1&y".into())
        );
        assert_eq!(
            parts("HTTP://h:8080"),
            ("h".into(), Some("8080".into()), "".into(), "".into())
        );
        assert_eq!(
            parts("http://h?q"),
            ("h".into(), None, "".into(), "q".into())
        );
        assert_eq!(
            parts("http://[::1]:9000/p"),
            ("[::1]".into(), Some("9000".into()), "/p".into(), "".into())
        );
    }

    #[test]
    fn the_default_port_of_the_scheme_is_dropped() {
        assert_eq!(Url::parse("https://h:443/").unwrap().port, None);
        assert_eq!(Url::parse("http://h:80/").unwrap().port, None);
        assert_eq!(Url::parse("http://h:443/").unwrap().port, Some("443"));
        assert_eq!(Url::parse("https://h:80/").unwrap().port, Some("80"));
        assert_eq!(Url::parse("https://h:0443/").unwrap().port, None);
        assert_eq!(Url::parse("https://h:08080/").unwrap().port, Some("8080"));
        assert_eq!(Url::parse("https://h:00/").unwrap().port, Some("0"));
    }

    #[test]
    fn urls_no_client_sends_are_invalid_url() {
        for url in [
            "/relative/path",
            "example.com/path",
            "ftp://example.com/",
            "https://example.com/a#frag",
            "https://user:pw@example.com/",
            "https://example.com/a b",
            "https://example.com/\u{1234}",
            "https://example.com/a\tb",
            "https://example.com/%2",
            "https://example.com/%zz",
            "https:///path",
            "https://exa$mple.com/",
            "https://h:/",
            "https://h:65536/",
            "https://h:-1/",
            "https://[::1/",
            "https://[zz]/",
        ] {
            let error = Url::parse(url).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidUrl, "{url}");
            assert_eq!(error.field(), "request.url");
        }
    }

    #[test]
    fn a_space_in_the_url_says_to_percent_encode() {
        let error = Url::parse("https://h/a b").unwrap_err();
        assert!(error.detail().contains("percent-encoded"), "{error}");
    }

    #[test]
    fn an_over_long_url_is_too_large() {
        let url = format!("https://h/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(Url::parse(&url).unwrap_err().kind(), ErrorKind::TooLarge);
    }
}
