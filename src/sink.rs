//! Where canonical text goes: straight into SHA-256 when signing, into a `Vec` in tests.
//!
//! Writing the canonical request through this trait means the bytes the tests compare are the
//! bytes that get hashed, and signing never builds the canonical request as a string.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes.
pub trait ByteSink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `bytes` lower-cased (ASCII). The default goes through a small stack chunk, so
    /// nothing allocates.
    fn put_lowercase(&mut self, bytes: &[u8]) {
        if bytes.iter().any(u8::is_ascii_uppercase) {
            put_lowercase_chunked(self, bytes);
        } else {
            self.put(bytes);
        }
    }

    /// Appends secret bytes (the session token): a buffering sink passes them straight
    /// through, so they never sit in its stack buffer.
    fn put_secret(&mut self, bytes: &[u8]) {
        self.put(bytes);
    }
}

/// Writes `bytes` lower-cased through a small stack chunk, so nothing allocates.
fn put_lowercase_chunked<S: ByteSink + ?Sized>(sink: &mut S, bytes: &[u8]) {
    let mut chunk = [0u8; 64];
    for piece in bytes.chunks(chunk.len()) {
        let lowered = &mut chunk[..piece.len()];
        lowered.copy_from_slice(piece);
        lowered.make_ascii_lowercase();
        sink.put(lowered);
    }
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

    #[inline]
    fn put_lowercase(&mut self, bytes: &[u8]) {
        let start = self.len();
        self.extend_from_slice(bytes);
        self[start..].make_ascii_lowercase();
    }
}

/// Size of [`BlockSink`]'s buffer: four SHA-256 blocks.
const BLOCK_SINK_LEN: usize = 256;

/// Gathers the many short writes of a canonical request (a method, a `:`, a name, a `\n`)
/// into a stack buffer and hands the hash whole blocks, instead of paying the hash's
/// per-call bookkeeping for every few bytes.
pub(crate) struct BlockSink<'a, S: ByteSink> {
    inner: &'a mut S,
    buf: [u8; BLOCK_SINK_LEN],
    len: usize,
}

impl<'a, S: ByteSink> BlockSink<'a, S> {
    pub(crate) fn new(inner: &'a mut S) -> Self {
        BlockSink {
            inner,
            buf: [0; BLOCK_SINK_LEN],
            len: 0,
        }
    }

    fn flush(&mut self) {
        if self.len > 0 {
            self.inner.put(&self.buf[..self.len]);
            self.len = 0;
        }
    }

    /// Hands over what is buffered. Call once, after the last write.
    pub(crate) fn finish(mut self) {
        self.flush();
    }
}

impl<S: ByteSink> ByteSink for BlockSink<'_, S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() <= BLOCK_SINK_LEN - self.len {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= BLOCK_SINK_LEN {
            self.inner.put(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    #[inline]
    fn put_lowercase(&mut self, bytes: &[u8]) {
        if bytes.len() > BLOCK_SINK_LEN - self.len {
            self.flush();
        }
        if bytes.len() > BLOCK_SINK_LEN {
            put_lowercase_chunked(self, bytes);
            return;
        }
        let copied = &mut self.buf[self.len..self.len + bytes.len()];
        copied.copy_from_slice(bytes);
        copied.make_ascii_lowercase();
        self.len += bytes.len();
    }

    fn put_secret(&mut self, bytes: &[u8]) {
        self.flush();
        self.inner.put(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::cast_possible_truncation)]
    fn a_block_sink_passes_every_byte_in_order() {
        let pieces: Vec<Vec<u8>> = (0..200usize)
            .map(|i| (0..(i * 37) % 300).map(|j| ((i + j) % 256) as u8).collect())
            .collect();
        let mut direct = Vec::new();
        let mut buffered = Vec::new();
        let mut sink = BlockSink::new(&mut buffered);
        for (index, piece) in pieces.iter().enumerate() {
            match index % 3 {
                0 => {
                    direct.put(piece);
                    sink.put(piece);
                }
                1 => {
                    direct.put_lowercase(piece);
                    sink.put_lowercase(piece);
                }
                _ => {
                    direct.put_secret(piece);
                    sink.put_secret(piece);
                }
            }
        }
        sink.finish();
        assert_eq!(buffered, direct);
    }
}
