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
    pub(crate) payload_hash: &'a [u8],
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
        let signed_headers = &mut scratch.signed_headers;
        signed_headers.clear();
        let mut previous: Option<&SortedEntry> = None;
        for sorted in &scratch.entries {
            // One lookup per caller header, for its name and value together.
            let (name, value) = self.name_and_value(sorted.entry);
            if previous.is_some_and(|previous| self.is_same_name(previous, sorted, name)) {
                sink.put(b",");
            } else {
                if previous.is_some() {
                    sink.put(b"\n");
                    signed_headers.push(b';');
                }
                // A name of up to 16 bytes is its sort prefix, already lower-cased.
                let prefix = sorted.prefix.to_be_bytes();
                if let Some(lowered) = prefix.get(..name.len()) {
                    sink.put(lowered);
                    signed_headers.extend_from_slice(lowered);
                } else {
                    sink.put_lowercase(name.as_bytes());
                    signed_headers.put_lowercase(name.as_bytes());
                }
                sink.put(b":");
                previous = Some(sorted);
            }
            self.put_value(sink, sorted.entry, value);
        }
        sink.put(b"\n\n");
        sink.put(signed_headers);
        sink.put(b"\n");
        sink.put(self.payload_hash);
        buffered.finish();
    }

    /// The signed headers, sorted by lower-cased name; same-name headers keep their order.
    fn collect_entries(&self, entries: &mut Vec<SortedEntry>) {
        entries.clear();
        let mut push = |entry: Entry, name: &str| {
            entries.push(SortedEntry {
                prefix: sort_prefix(name),
                entry,
            })
        };
        for index in 0..self.headers.header_count() {
            let name = self.headers.header(index).0;
            // Validated before: only signed and unsigned remain to tell apart.
            if class_of(name) != HeaderClass::Unsigned {
                push(Entry::Caller(index), name);
            }
        }
        if !self.has_host_header {
            push(Entry::UrlHost, "host");
        }
        push(Entry::AmzDate, "x-amz-date");
        if self.signed_session_token.is_some() {
            push(Entry::SecurityToken, "x-amz-security-token");
        }
        if self.has_content_sha256 {
            push(Entry::ContentSha256, "x-amz-content-sha256");
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

    /// Whether `current` (named `name`) has the same lower-cased name as `previous`.
    fn is_same_name(&self, previous: &SortedEntry, current: &SortedEntry, name: &str) -> bool {
        if previous.prefix != current.prefix {
            return false;
        }
        let previous_name = self.name(previous.entry);
        // Equal prefixes: names of up to 16 bytes are equal when their lengths are (a shorter
        // name pads its prefix with zeros, which no token byte is).
        previous_name.len() == name.len()
            && (name.len() <= PREFIX_LEN || previous_name.eq_ignore_ascii_case(name))
    }

    fn name(&self, entry: Entry) -> &str {
        self.name_and_value(entry).0
    }

    /// The name of `entry` and, for a caller's header, its value (`""` for the others, whose
    /// values [`Self::put_value`] produces).
    fn name_and_value(&self, entry: Entry) -> (&str, &str) {
        match entry {
            Entry::Caller(index) => self.headers.header(index),
            Entry::UrlHost => ("host", ""),
            Entry::AmzDate => ("x-amz-date", ""),
            Entry::SecurityToken => ("x-amz-security-token", ""),
            Entry::ContentSha256 => ("x-amz-content-sha256", ""),
        }
    }

    /// Writes the value of `entry`; `value` is a caller's header's, from
    /// [`Self::name_and_value`].
    fn put_value(&self, sink: &mut impl ByteSink, entry: Entry, value: &str) {
        match entry {
            Entry::Caller(_) => put_folded_value(sink, value),
            Entry::UrlHost => {
                sink.put_lowercase(self.url.host.as_bytes());
                if let Some(port) = self.url.port {
                    sink.put(b":");
                    sink.put(port.as_bytes());
                }
            }
            Entry::AmzDate => sink.put(self.amz_date.as_bytes()),
            Entry::SecurityToken => {
                sink.put_secret(self.signed_session_token.unwrap_or("").as_bytes())
            }
            Entry::ContentSha256 => sink.put(self.payload_hash),
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

/// Length of [`SortedEntry::prefix`] in bytes.
const PREFIX_LEN: usize = 16;

fn sort_prefix(name: &str) -> u128 {
    let mut bytes = [0u8; PREFIX_LEN];
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
