//! Where the libraries this test run built are.

use std::path::{Path, PathBuf};

/// `target/<profile>/`, the parent of the `deps/` directory holding the test binary.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// The library `name` (`libsigv4.so`, `libsigv4.a`) cargo built for this run.
///
/// `cargo test` writes it to `target/<profile>/deps/` in the same rustc invocation as the
/// rlib the tests link; the copy in `target/<profile>/` is refreshed only by `cargo build`
/// and can be older, or missing. So the newer of the two is used.
pub fn built_library(name: &str) -> PathBuf {
    let profile = profile_dir();
    [profile.join("deps").join(name), profile.join(name)]
        .into_iter()
        .filter_map(|path| {
            let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            Some((modified, path))
        })
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, path)| path)
        .unwrap_or_else(|| {
            panic!(
                "{name} not found in {} or its deps/: the crate must build crate-type \
                 [\"cdylib\", \"staticlib\", \"rlib\"]",
                profile.display()
            )
        })
}

/// What a program linking `libsigv4.a` needs besides it: `cargo rustc --lib --crate-type
/// staticlib -- --print native-static-libs` on x86_64-unknown-linux-gnu (the Makefile's
/// STATIC_LIBS). Override with `SIGV4_NATIVE_STATIC_LIBS="-l... -l..."` on other targets;
/// running cargo from inside `cargo test` would wait on the build-directory lock.
pub fn native_static_libs() -> Vec<String> {
    const DEFAULT: &[&str] = &[
        "-lgcc_s",
        "-lutil",
        "-lrt",
        "-lpthread",
        "-lm",
        "-ldl",
        "-lc",
    ];
    match std::env::var("SIGV4_NATIVE_STATIC_LIBS") {
        Ok(libs) => libs.split_whitespace().map(str::to_owned).collect(),
        Err(_) => DEFAULT.iter().map(|lib| (*lib).to_owned()).collect(),
    }
}
