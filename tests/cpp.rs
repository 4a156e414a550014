//! The C++ example (`examples/sign_request.cpp`) against the library this test run built.
//!
//! It is compiled with `-Wall -Wextra -Werror -pedantic` as C++11, linked statically against
//! `libsigv4.a` under AddressSanitizer and UBSan, and as C++17, linked dynamically against
//! `libsigv4.so`; both must print exactly what the C example (`examples/sign_request.c`) prints
//! with the same fixed date. Its RAII wrapper must also turn a refused region into its `Error`
//! exception, carrying the status code and the library's detail message.
//!
//! Needs `cc`, `c++` and `nm` on PATH. Scratch files go to
//! `$CARGO_TARGET_TMPDIR/cpp-tests/`; every child is bounded in time.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::bounded::{Outcome, WorkDir, require_tool, run};
use support::library::{built_library, native_static_libs};

const COMPILE_TIMEOUT: Duration = Duration::from_secs(180);
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

const WARNINGS: &[&str] = &["-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];

const SANITIZE: &[&str] = &[
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    manifest_dir().join("examples").join(name)
}

/// A directory holding `libsigv4.so` and its soname link, both pointing at the built library:
/// a program linked with `-lsigv4` asks for `libsigv4.so.0` at run time.
fn shared_lib_dir(work: &Path) -> PathBuf {
    let so = built_library("libsigv4.so");
    let dir = work.join("lib");
    std::fs::create_dir_all(&dir).expect("create the lib directory");
    for name in ["libsigv4.so", "libsigv4.so.0"] {
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&so, &link)
            .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
    }
    dir
}

fn expect_built(outcome: &Outcome, what: &str) {
    assert!(
        outcome.success(),
        "{what} must compile cleanly with -Wall -Wextra -Werror -pedantic:\n{}",
        outcome.describe()
    );
}

/// Builds the C example statically and returns what it prints with its fixed date.
fn c_example_output(work: &Path) -> String {
    let exe = work.join("sign_request_c");
    let mut cc = Command::new("cc");
    cc.arg("-std=c99")
        .args(WARNINGS)
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(example("sign_request.c"))
        .arg("-o")
        .arg(&exe)
        .arg(built_library("libsigv4.a"))
        .args(native_static_libs());
    expect_built(&run(cc, COMPILE_TIMEOUT), "examples/sign_request.c");
    let out = run(Command::new(&exe), RUN_TIMEOUT);
    assert!(out.success(), "the C example must run:\n{}", out.describe());
    let text = out.stdout_text();
    assert_eq!(
        text.lines().count(),
        3,
        "the C example prints X-Amz-Date, X-Amz-Security-Token and Authorization:\n{text}"
    );
    text
}

/// Compiles the C++ example as `std`, statically with ASan+UBSan or dynamically.
fn build_cpp_example(work: &Path, std: &str, sanitized_static: bool) -> PathBuf {
    let exe = work.join(format!("sign_request_cpp_{}", &std[5..]));
    let mut cxx = Command::new("c++");
    cxx.arg(std)
        .args(WARNINGS)
        .arg("-I")
        .arg(manifest_dir().join("include"));
    if sanitized_static {
        cxx.args(SANITIZE);
    }
    cxx.arg(example("sign_request.cpp")).arg("-o").arg(&exe);
    if sanitized_static {
        cxx.arg(built_library("libsigv4.a"))
            .args(native_static_libs());
    } else {
        let dir = shared_lib_dir(work);
        cxx.arg("-L")
            .arg(&dir)
            .arg("-lsigv4")
            .arg(format!("-Wl,-rpath,{}", dir.display()));
    }
    expect_built(
        &run(cxx, COMPILE_TIMEOUT),
        &format!("examples/sign_request.cpp ({std})"),
    );
    if sanitized_static {
        let mut nm = Command::new("nm");
        nm.arg(&exe);
        let symbols = run(nm, COMPILE_TIMEOUT);
        assert!(
            symbols.success() && symbols.stdout_text().contains("__asan_init"),
            "`nm {}` finds no __asan_init: AddressSanitizer is not linked",
            exe.display()
        );
    }
    exe
}

fn run_example(exe: &Path, args: &[&str]) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    run(cmd, RUN_TIMEOUT)
}

fn has_sanitizer_report(outcome: &Outcome) -> bool {
    outcome.stderr.contains("Sanitizer") || outcome.stderr.contains("runtime error:")
}

#[test]
fn cpp_example_as_cxx11_and_cxx17_prints_exactly_the_c_examples_headers() {
    require_tool("cc", "gcc");
    require_tool("c++", "g++");
    require_tool("nm", "binutils");
    let work = WorkDir::new("cpp-tests", "same-output");
    let expected = c_example_output(work.path());

    for (std, sanitized_static) in [("-std=c++11", true), ("-std=c++17", false)] {
        let exe = build_cpp_example(work.path(), std, sanitized_static);
        let out = run_example(&exe, &[]);
        assert!(
            out.success() && !has_sanitizer_report(&out),
            "the C++ example ({std}, {}) must run cleanly:\n{}",
            if sanitized_static {
                "static, ASan+UBSan"
            } else {
                "dynamic"
            },
            out.describe()
        );
        assert_eq!(
            out.stdout_text(),
            expected,
            "the C++ example ({std}) signs the same request at the same fixed date as \
             examples/sign_request.c through sigv4_signer_*, so it must print the same headers"
        );
    }
}

#[test]
fn cpp_example_turns_a_refused_region_into_an_error_with_status_and_detail() {
    require_tool("c++", "g++");
    require_tool("nm", "binutils");
    let work = WorkDir::new("cpp-tests", "error");
    let exe = build_cpp_example(work.path(), "-std=c++17", true);

    let out = run_example(&exe, &["--region", "ap-northeast-1/evil"]);
    assert_eq!(
        out.code(),
        Some(1),
        "a region with `/` must be refused by sigv4_signer_new and reported as exit 1:\n{}",
        out.describe()
    );
    assert!(
        !has_sanitizer_report(&out),
        "throwing out of the constructor must leak nothing and touch no freed memory:\n{}",
        out.describe()
    );
    assert!(
        out.stdout.is_empty()
            && out.stderr.contains("sigv4_signer_new")
            && out.stderr.contains("(7)")
            && out.stderr.contains("params.region"),
        "the Error must carry the call, SIGV4_ERR_INVALID_SCOPE (7) and the library's detail \
         naming params.region:\n{}",
        out.describe()
    );

    let out = run_example(&exe, &["--now"]);
    assert!(
        out.success() && !has_sanitizer_report(&out),
        "`--now` must sign at the current time:\n{}",
        out.describe()
    );
    let text = out.stdout_text();
    let date = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("X-Amz-Date: "))
        .unwrap_or_else(|| panic!("the first header is X-Amz-Date:\n{text}"));
    assert!(
        date.len() == 16 && date != "20150830T123600Z",
        "with --now the date is the current time, got {date:?}"
    );

    let out = run_example(&exe, &["--bogus"]);
    assert_eq!(
        out.code(),
        Some(2),
        "an unknown argument prints usage and exits 2:\n{}",
        out.describe()
    );
}
