//! Where canonical text goes: straight into SHA-256 when signing, into a `Vec` in tests.
//!
//! Writing the canonical request through this trait means the bytes the tests compare are the
//! bytes that get hashed, and signing never builds the canonical request as a string.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes.
pub trait ByteSink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

impl ByteSink for Sha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl ByteSink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Writes `bytes` lower-cased (ASCII), through a small stack chunk so nothing allocates.
pub(crate) fn put_lowercase(sink: &mut impl ByteSink, bytes: &[u8]) {
    if !bytes.iter().any(u8::is_ascii_uppercase) {
        sink.put(bytes);
        return;
    }
    let mut chunk = [0u8; 64];
    for piece in bytes.chunks(chunk.len()) {
        let lowered = &mut chunk[..piece.len()];
        lowered.copy_from_slice(piece);
        lowered.make_ascii_lowercase();
        sink.put(lowered);
    }
}
