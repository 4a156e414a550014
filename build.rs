//! Generates `sigv4.h` into `$OUT_DIR` from the `ffi` module, with the version macros, and
//! gives the shared library its soname.
//!
//! The committed `include/sigv4.h` is compared with this output by `tests/header.rs`, so the
//! header can never drift from the code.

use std::env;
use std::path::PathBuf;

/// The ABI version in the soname (`libsigv4.so.0`): it moves only when the ABI breaks.
const ABI_VERSION: &str = "0";

fn main() {
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsigv4.so.{ABI_VERSION}");
    }

    let version =
        |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("cargo sets the version");
    let version_macros = format!(
        "\n/** Version of this header: compare with sigv4_version() at run time. */\n\
         #define SIGV4_VERSION_MAJOR {}\n#define SIGV4_VERSION_MINOR {}\n#define SIGV4_VERSION_PATCH {}\n",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
    );
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/ffi.rs"))
        .with_src(crate_dir.join("src/ffi/types.rs"))
        .with_src(crate_dir.join("src/ffi/status.rs"))
        .with_after_include(version_macros)
        .generate()
        .expect("cbindgen can parse src/ffi");
    bindings.write_to_file(out_dir.join("sigv4.h"));
}
