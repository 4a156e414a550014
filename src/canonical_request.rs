//! The canonical request of SigV4 (task 1 of the spec), written into a [`ByteSink`].
//!
//! ```text
//! METHOD\n
//! canonical URI\n
//! canonical query\n
//! name:value\n        (one line per signed header name, sorted)
//! \n
//! signed;header;names\n
//! payload hash
//! ```
//!
//! When signing, the sink is the SHA-256 state itself, so the text is never built.

use std::cmp::Ordering;

use crate::headers::{HeaderClass, HeaderList, class_of, put_folded_value};
use crate::path::write_canonical_uri;
use crate::query::{QueryScratch, write_canonical_query};
use crate::settings::Settings;
use crate::sink::{BlockSink, ByteSink};
use crate::time::AmzDate;
use crate::url::Url;

/// Everything the canonical request covers, borrowed and already validated.
#[derive(Debug)]
pub(crate) struct CanonicalRequest<'a, H: HeaderList + ?Sized> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a Url<'a>,
    pub(crate) headers: &'a H,
    /// Whether `headers` holds a `Host` (then the URL's authority is not signed).
    pub(crate) has_host_header: bool,
    pub(crate) amz_date: &'a AmzDate,
    /// The session token when it is signed.
    pub(crate) signed_session_token: Option<&'a str>,
    /// Whether `x-amz-content-sha256` is signed.
    pub(crate) has_content_sha256: bool,
    pub(crate) payload_hash: &'a str,
    pub(crate) settings: &'a Settings,
}

/// Reusable buffers for writing a canonical request; they keep their capacity, so a warm
/// signer allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct CanonicalScratch {
    path: Vec<u8>,
    query: QueryScratch,
    entries: Vec<SortedEntry>,
    /// After [`CanonicalRequest::write`]: the `SignedHeaders` list, e.g. `host;x-amz-date`.
    pub(crate) signed_headers: Vec<u8>,
}

/// One header of the canonical request: one of the caller's, or one the signer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Caller(usize),
    UrlHost,
    AmzDate,
    SecurityToken,
    ContentSha256,
}

impl<H: HeaderList + ?Sized> CanonicalRequest<'_, H> {
    /// Writes the canonical request into `sink`; the signed header list is left in
    /// `scratch.signed_headers`.
    pub(crate) fn write(&self, sink: &mut impl ByteSink, scratch: &mut CanonicalScratch) {
        let mut buffered = BlockSink::new(sink);
        let sink = &mut buffered;
        sink.put(self.method.as_bytes());
        sink.put(b"\n");
        write_canonical_uri(sink, self.url.path, self.settings, &mut scratch.path);
        sink.put(b"\n");
        write_canonical_query(sink, self.url.query, &mut scratch.query);
        sink.put(b"\n");
        self.collect_entries(&mut scratch.entries);
        let entries = scratch.entries.iter().map(|sorted| sorted.entry);
        let signed_headers = &mut scratch.signed_headers;
        signed_headers.clear();
        let mut previous: Option<&str> = None;
        for entry in entries {
            let name = self.name(entry);
            if previous.is_some_and(|previous| previous.eq_ignore_ascii_case(name)) {
                sink.put(b",");
            } else {
                if previous.is_some() {
                    sink.put(b"\n");
                    signed_headers.push(b';');
                }
                sink.put_lowercase(name.as_bytes());
                sink.put(b":");
                signed_headers.put_lowercase(name.as_bytes());
                previous = Some(name);
            }
            self.put_value(sink, entry);
        }
        sink.put(b"\n\n");
        sink.put(signed_headers);
        sink.put(b"\n");
        sink.put(self.payload_hash.as_bytes());
        buffered.finish();
    }

    /// The signed headers, sorted by lower-cased name; same-name headers keep their order.
    fn collect_entries(&self, entries: &mut Vec<SortedEntry>) {
        entries.clear();
        let mut push = |entry: Entry| {
            entries.push(SortedEntry {
                prefix: sort_prefix(self.name(entry)),
                entry,
            })
        };
        for index in 0..self.headers.header_count() {
            // Validated before: only signed and unsigned remain to tell apart.
            if class_of(self.headers.header(index).0) != HeaderClass::Unsigned {
                push(Entry::Caller(index));
            }
        }
        if !self.has_host_header {
            push(Entry::UrlHost);
        }
        push(Entry::AmzDate);
        if self.signed_session_token.is_some() {
            push(Entry::SecurityToken);
        }
        if self.has_content_sha256 {
            push(Entry::ContentSha256);
        }
        // Most comparisons end on the 16-byte prefix; names that share it (long names with a
        // common start, or the same name twice) compare in full, then by the caller's order.
        entries.sort_unstable_by(|a, b| {
            a.prefix.cmp(&b.prefix).then_with(|| {
                compare_names(self.name(a.entry), self.name(b.entry))
                    .then_with(|| order(a.entry).cmp(&order(b.entry)))
            })
        });
    }

    fn name(&self, entry: Entry) -> &str {
        match entry {
            Entry::Caller(index) => self.headers.header(index).0,
            Entry::UrlHost => "host",
            Entry::AmzDate => "x-amz-date",
            Entry::SecurityToken => "x-amz-security-token",
            Entry::ContentSha256 => "x-amz-content-sha256",
        }
    }

    fn put_value(&self, sink: &mut impl ByteSink, entry: Entry) {
        match entry {
            Entry::Caller(index) => put_folded_value(sink, self.headers.header(index).1),
            Entry::UrlHost => {
                sink.put_lowercase(self.url.host.as_bytes());
                if let Some(port) = self.url.port {
                    sink.put(b":");
                    sink.put(port.as_bytes());
                }
            }
            Entry::AmzDate => sink.put(self.amz_date.as_str().as_bytes()),
            Entry::SecurityToken => {
                sink.put_secret(self.signed_session_token.unwrap_or("").as_bytes())
            }
            Entry::ContentSha256 => sink.put(self.payload_hash.as_bytes()),
        }
    }
}

/// An entry with its sort key: the first 16 bytes of its lower-cased name, big-endian, so
/// comparing keys compares those bytes in order (a shorter name pads with zeros and sorts
/// first, as it should).
#[derive(Debug, Clone, Copy)]
struct SortedEntry {
    prefix: u128,
    entry: Entry,
}

fn sort_prefix(name: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let len = name.len().min(bytes.len());
    bytes[..len].copy_from_slice(&name.as_bytes()[..len]);
    bytes.make_ascii_lowercase();
    u128::from_be_bytes(bytes)
}

/// Keeps same-name headers in the caller's order (the sort is unstable, so it needs a key).
fn order(entry: Entry) -> usize {
    match entry {
        Entry::Caller(index) => index,
        _ => usize::MAX,
    }
}

/// Compares header names as their lower-cased forms compare.
fn compare_names(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let ordering = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
    }
    a.len().cmp(&b.len())
}
