//! The one way into the library from C: clear the thread's error, run, map the result, and
//! never let a panic unwind into the caller.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::last_error;
use super::status::sigv4_status;
use crate::error::Error;

/// Runs `body` for a fallible export and turns its outcome into a status, recording the
/// message of a failure. A panic becomes `SIGV4_ERR_INTERNAL` with "internal error: ...".
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Error>) -> sigv4_status {
    last_error::clear();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => sigv4_status::SIGV4_OK,
        Ok(Err(error)) => {
            last_error::set(&error);
            sigv4_status::from_kind(error.kind())
        }
        Err(payload) => {
            last_error::set(&format_args!("internal error: {}", panic_text(&*payload)));
            // The payload is dropped here; a panicking Drop would abort, which is what
            // Rust does for a double panic anyway.
            sigv4_status::SIGV4_ERR_INTERNAL
        }
    }
}

/// Runs `body` for an export that cannot fail (a `_free`), swallowing a panic: nothing may
/// unwind into C, and there is no status to report it with. Leaves the thread's message alone.
pub(crate) fn guard(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a panic without a message"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::ffi::CStr;

    fn message() -> String {
        // SAFETY: `as_ptr` returns a NUL-terminated string that lives until the next call.
        unsafe { CStr::from_ptr(last_error::as_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_is_caught_and_reported_as_internal() {
        let status = boundary(|| panic!("deliberate test panic"));
        assert_eq!(status, sigv4_status::SIGV4_ERR_INTERNAL);
        assert_eq!(message(), "internal error: deliberate test panic");
    }

    #[test]
    fn an_error_sets_the_message_and_success_clears_it() {
        let status = boundary(|| Err(Error::new(ErrorKind::InvalidUrl, "request.url", "bad")));
        assert_eq!(status, sigv4_status::SIGV4_ERR_INVALID_URL);
        assert_eq!(message(), "request.url: bad");
        assert_eq!(boundary(|| Ok(())), sigv4_status::SIGV4_OK);
        assert_eq!(message(), "");
    }
}
