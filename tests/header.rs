//! The committed `include/sigv4.h` must be exactly what build.rs generates from the code, and
//! must compile on its own as C99 and as C++.
#![allow(unsafe_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const GENERATED: &str = concat!(env!("OUT_DIR"), "/sigv4.h");

fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include/sigv4.h")
}

#[test]
fn committed_header_matches_the_generated_one() {
    let generated = std::fs::read_to_string(GENERATED).expect("build.rs writes $OUT_DIR/sigv4.h");
    let committed_path = committed_path();
    if std::env::var_os("SIGV4_BLESS").is_some() {
        std::fs::write(&committed_path, &generated).expect("write include/sigv4.h");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "at the end".to_owned(),
                |line| format!("at line {}", line + 1),
            );
        panic!(
            "include/sigv4.h differs from the header generated from src/ffi ({first_difference}).\n\
             Refresh it with: SIGV4_BLESS=1 cargo test --test header"
        );
    }
}

fn compile_header_alone(compiler: &str, standard: &str, source_name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("header-check");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(source_name);
    std::fs::write(
        &source,
        "#include \"sigv4.h\"\n#include \"sigv4.h\"\nint main(void) { return SIGV4_OK + (int)sizeof(sigv4_output) * 0; }\n",
    )
    .unwrap();
    let output = Command::new(compiler)
        .arg(format!("-std={standard}"))
        .args([
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-fsyntax-only",
            "-I",
        ])
        .arg(committed_path().parent().unwrap())
        .arg(&source)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {compiler}: {error}"));
    assert!(
        output.status.success(),
        "include/sigv4.h must compile alone with {compiler} -std={standard} -Wall -Wextra -Werror -pedantic:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn header_compiles_alone_as_c99_c11_and_cxx11_cxx17() {
    compile_header_alone("cc", "c99", "alone.c");
    compile_header_alone("cc", "c11", "alone.c");
    compile_header_alone("c++", "c++11", "alone.cpp");
    compile_header_alone("c++", "c++17", "alone.cpp");
}

#[test]
fn header_version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(committed_path()).unwrap();
    for (name, value) in [
        ("SIGV4_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("SIGV4_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("SIGV4_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {name} {value}\n")),
            "{name} must be {value}, as in Cargo.toml"
        );
    }
    // SAFETY: sigv4_version returns a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(sigv4::ffi::sigv4_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}
