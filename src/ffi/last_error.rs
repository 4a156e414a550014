//! The calling thread's detail message for its last failed call.
//!
//! Cleared on entry to every fallible call and filled only on failure, so it is never stale;
//! the buffer keeps its capacity, so a failing hot loop does not churn the allocator.

use std::cell::RefCell;
use std::ffi::c_char;
use std::io::Write;

thread_local! {
    static MESSAGE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Forgets the previous message.
pub(crate) fn clear() {
    MESSAGE.with(|message| {
        if let Ok(mut message) = message.try_borrow_mut() {
            message.clear();
        }
    });
}

/// Records `text` (NUL bytes replaced, since C reads up to the first one).
pub(crate) fn set(text: &dyn std::fmt::Display) {
    MESSAGE.with(|message| {
        if let Ok(mut message) = message.try_borrow_mut() {
            message.clear();
            let _ = write!(message, "{text}");
            for byte in message.iter_mut() {
                if *byte == 0 {
                    *byte = b'?';
                }
            }
            message.push(0);
        }
    });
}

/// The message as a NUL-terminated string: `""` when there is none. Valid until the next
/// `sigv4_*` call on this thread.
pub(crate) fn as_ptr() -> *const c_char {
    MESSAGE.with(|message| match message.try_borrow() {
        Ok(message) if !message.is_empty() => message.as_ptr().cast::<c_char>(),
        _ => c"".as_ptr(),
    })
}
