//! The C ABI as a C program sees it.
//!
//! Compiles `include/sigv4.h` alone (C99, C++11, C++17), then every `examples/*.c` and
//! `tests/c/*.c` with `-std=c99 -Wall -Wextra -Werror -pedantic`, and runs each one:
//!
//! * linked statically against `libsigv4.a` under AddressSanitizer and UBSan (leak detection
//!   on), after proving with `nm` that ASan (`__asan_init`) is really in the binary, as
//!   rustls-ffi's CI does;
//! * linked dynamically against `libsigv4.so` under valgrind (`--leak-check=full`,
//!   `--error-exitcode=1`) when valgrind is installed (CI installs it; with `CI` set, a
//!   missing valgrind fails the test).
//!
//! ASan instruments the C programs and the libc calls the library makes (`strnlen`,
//! `memcpy`), not the Rust code itself: that is why every output buffer is also surrounded
//! by canary bytes, and why the valgrind run, which sees every access, matters.
//!
//! The libraries are the ones cargo built for this test run: `current_exe()` is
//! `target/<profile>/deps/c_api-<hash>`, the libraries sit beside it in `deps/` and are
//! copied to `target/<profile>/` (see `built_library`). Build
//! outputs go to `$CARGO_TARGET_TMPDIR/c-tests/<test>-<pid>/` and are removed when the test
//! passes. Every child process (compiler, program, valgrind) runs in its own process group
//! and is killed when it exceeds its time limit.
//!
//! Needs `cc`, `c++` and `nm` (binutils) on PATH.

mod support;

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;
use support::bounded::{Outcome, run as run_bounded, tool_exists};
use support::library::{built_library, native_static_libs};

/// Warnings every C file, the header included, must compile cleanly with.
const C_FLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];

/// The sanitizer build: any report aborts the program with a non-zero status.
const SANITIZE_FLAGS: &[&str] = &[
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
];

const COMPILE_TIMEOUT: Duration = Duration::from_secs(120);
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
const VALGRIND_TIMEOUT: Duration = Duration::from_secs(600);

/// What `examples/sign_request.c` prints with its fixed date. The Authorization value is
/// botocore 1.43.11's for the same request (GET api.example.com, execute-api,
/// ap-northeast-1, content-type header, the example's session token, 20150830T123600Z).
const EXAMPLE_EXPECTED_STDOUT: &str = "\
X-Amz-Date: 20150830T123600Z
X-Amz-Security-Token: AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=beb39537240706a5eec5933fb7e1d46ecc617683b2100c9b80231a84b4d52147
";

// ---------------------------------------------------------------------------------------
// Locating inputs and the built libraries
// ---------------------------------------------------------------------------------------

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn include_dir() -> PathBuf {
    manifest_dir().join("include")
}

/// `*.c` files of a directory, sorted so runs are reproducible.
fn c_sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("read_dir entry").path())
            .filter(|p| p.extension() == Some(OsStr::new("c")))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// The examples and the test programs, each with whether it is a test program (which must
/// end by printing `N passed, 0 failed`).
fn all_programs() -> Vec<(PathBuf, bool)> {
    let mut programs: Vec<(PathBuf, bool)> = c_sources(&manifest_dir().join("examples"))
        .into_iter()
        // Needs -lcurl and a server: tests/curl.rs builds it (ASan) and runs it against moto.
        .filter(|p| p.file_name() != Some(OsStr::new("curl_sign.c")))
        .map(|p| (p, false))
        .collect();
    programs.extend(
        c_sources(&manifest_dir().join("tests").join("c"))
            .into_iter()
            .map(|p| (p, true)),
    );
    assert!(
        programs.iter().any(|(_, t)| *t),
        "no C test programs found in tests/c/: the C ABI would go untested"
    );
    programs
}

// ---------------------------------------------------------------------------------------
// A scratch directory per test, removed when the test passes
// ---------------------------------------------------------------------------------------

struct WorkDir(PathBuf);

impl WorkDir {
    fn new(test: &str) -> WorkDir {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("c-tests")
            .join(format!("{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create the scratch directory");
        WorkDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        // Keep the binaries of a failed run for inspection.
        if !thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Running children with a time limit
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Link {
    /// `libsigv4.a` with ASan + UBSan.
    StaticSanitized,
    /// `libsigv4.so` through a directory holding the soname symlinks, found by rpath.
    Dynamic,
}

/// A directory with `libsigv4.so` and `libsigv4.so.<ABI>` symlinks to the built library:
/// build.rs sets the soname, so a program linked with `-lsigv4` asks for the versioned name.
fn shared_lib_dir(work: &Path) -> PathBuf {
    let so = built_library("libsigv4.so");
    let dir = work.join("lib");
    fs::create_dir_all(&dir).expect("create lib dir");
    let mut names = vec!["libsigv4.so".to_owned()];
    match soname(&so) {
        Some(name) => names.push(name),
        None => names.push("libsigv4.so.0".to_owned()),
    }
    for name in names {
        let link = dir.join(&name);
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&so, &link)
            .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
    }
    dir
}

/// The DT_SONAME of a shared library, read with `objdump -p` when binutils has it.
fn soname(so: &Path) -> Option<String> {
    let mut cmd = Command::new("objdump");
    cmd.arg("-p").arg(so);
    let out = cmd.output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix("SONAME").map(|s| s.trim().to_owned()))
}

fn compile(src: &Path, exe: &Path, link: Link, work: &Path) -> Outcome {
    let mut cmd = Command::new("cc");
    cmd.args(C_FLAGS).arg("-I").arg(include_dir());
    if let Link::StaticSanitized = link {
        cmd.args(SANITIZE_FLAGS);
    }
    cmd.arg(src).arg("-o").arg(exe);
    match link {
        Link::StaticSanitized => {
            cmd.arg(built_library("libsigv4.a"));
            cmd.args(native_static_libs());
        }
        Link::Dynamic => {
            let dir = shared_lib_dir(work);
            cmd.arg("-L").arg(&dir).arg("-lsigv4");
            cmd.arg(format!("-Wl,-rpath,{}", dir.display()));
            cmd.arg("-lpthread");
        }
    }
    run_bounded(cmd, COMPILE_TIMEOUT)
}

fn program_name(src: &Path) -> String {
    let stem = src.file_stem().expect("file stem").to_string_lossy();
    let dir = src
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{dir}_{stem}")
}

/// Checks a test program's last line: `N passed, 0 failed` with N > 0.
fn check_tally(outcome: &Outcome) -> Result<(), String> {
    let stdout = outcome.stdout_text();
    let last = stdout.lines().last().unwrap_or("");
    let passed = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse::<u64>().ok());
    match passed {
        Some(n) if n > 0 => Ok(()),
        _ => Err(format!(
            "expected a final line `N passed, 0 failed` (N > 0), got {last:?}\n{}",
            outcome.describe()
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn header_compiles_alone_as_c99_cxx11_and_cxx17_with_c_linkage() {
    let work = WorkDir::new("header");
    let header = include_dir().join("sigv4.h");
    assert!(header.is_file(), "{} is missing", header.display());

    // The header alone, first thing in a translation unit, must need nothing else.
    let unit = work.path().join("header_alone.c");
    fs::write(
        &unit,
        "#include \"sigv4.h\"\n\
         int main(void) {\n\
         \x20   sigv4_output out;\n\
         \x20   (void)out;\n\
         \x20   return sigv4_version() == 0;\n\
         }\n",
    )
    .expect("write header_alone.c");
    let mut failures = Vec::new();
    let mut c = Command::new("cc");
    c.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(["-Wstrict-prototypes", "-Wmissing-prototypes"])
        .arg("-I")
        .arg(include_dir())
        .args(["-fsyntax-only"])
        .arg(&unit);
    let outcome = run_bounded(c, COMPILE_TIMEOUT);
    if !outcome.success() {
        failures.push(outcome.describe());
    }

    // C++: compile and link against libsigv4.a. Without `extern "C"` guards the names are
    // mangled and the link fails; running it proves the symbol is the C one.
    let cpp_unit = work.path().join("header_alone.cpp");
    fs::write(
        &cpp_unit,
        "#include \"sigv4.h\"\n\
         #include <cstring>\n\
         int main() {\n\
         \x20   sigv4_output out;\n\
         \x20   std::memset(&out, 0, sizeof out);\n\
         \x20   const char *v = sigv4_version();\n\
         \x20   return (v != nullptr && sigv4_strerror(SIGV4_OK) != nullptr) ? 0 : 1;\n\
         }\n",
    )
    .expect("write header_alone.cpp");
    for std in ["-std=c++11", "-std=c++17"] {
        let exe = work.path().join(format!("header_{}", &std[5..]));
        let mut cxx = Command::new("c++");
        cxx.arg(std)
            .args(["-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg("-I")
            .arg(include_dir())
            .arg(&cpp_unit)
            .arg("-o")
            .arg(&exe)
            .arg(built_library("libsigv4.a"))
            .args(native_static_libs());
        let outcome = run_bounded(cxx, COMPILE_TIMEOUT);
        if !outcome.success() {
            failures.push(outcome.describe());
            continue;
        }
        let run = run_bounded(Command::new(&exe), RUN_TIMEOUT);
        if !run.success() {
            failures.push(run.describe());
        }
    }
    assert!(
        failures.is_empty(),
        "include/sigv4.h must compile alone with -Wall -Wextra -Werror -pedantic as C99, \
         C++11 and C++17:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn c_programs_pass_under_asan_and_ubsan_linked_statically() {
    assert!(
        tool_exists("nm"),
        "nm (binutils) is needed to prove ASan is linked"
    );
    let work = WorkDir::new("asan");
    let mut failures = Vec::new();
    let mut ran = Vec::new();

    for (src, is_test) in all_programs() {
        let name = program_name(&src);
        let exe = work.path().join(&name);
        let build = compile(&src, &exe, Link::StaticSanitized, work.path());
        if !build.success() {
            failures.push(format!("{name}: compile failed\n{}", build.describe()));
            continue;
        }

        // Prove ASan is really in the binary, not silently dropped (rustls-ffi's CI greps
        // `nm` for the same symbol). UBSan leaves no reliable symbol in a small program (its
        // handlers appear only where a check was emitted), so only ASan is proven this way.
        let mut nm = Command::new("nm");
        nm.arg(&exe);
        let symbols = run_bounded(nm, COMPILE_TIMEOUT);
        if !symbols.success() || !symbols.stdout_text().contains("__asan_init") {
            failures.push(format!(
                "{name}: `nm` finds no __asan_init: AddressSanitizer is not linked\n{}",
                symbols
                    .describe()
                    .lines()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
            continue;
        }

        let mut cmd = Command::new(&exe);
        cmd.env(
            "ASAN_OPTIONS",
            "detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:\
             strict_string_checks=1:check_initialization_order=1",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .env("LSAN_OPTIONS", "report_objects=1");
        let run = run_bounded(cmd, RUN_TIMEOUT);
        let sanitizer_report = run.stderr.contains("Sanitizer")
            || run.stderr.contains("runtime error:")
            || run.stderr.contains("LeakSanitizer");
        if !run.success() || sanitizer_report {
            failures.push(format!(
                "{name}: failed under ASan/UBSan\n{}",
                run.describe()
            ));
            continue;
        }
        if is_test && let Err(e) = check_tally(&run) {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        ran.push(format!(
            "{name}: {}",
            run.stdout_text().lines().last().unwrap_or("(no output)")
        ));
    }
    eprintln!(
        "ASan+UBSan, static {}:\n  {}",
        built_library("libsigv4.a").display(),
        ran.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} C program(s) failed under ASan/UBSan:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn c_programs_pass_under_valgrind_linked_dynamically() {
    if !tool_exists("valgrind") {
        assert!(
            env::var_os("CI").is_none(),
            "valgrind is not installed, and CI must run this test (install valgrind)"
        );
        eprintln!("valgrind not installed: dynamic-link valgrind run skipped");
        return;
    }
    let work = WorkDir::new("valgrind");
    let mut failures = Vec::new();
    let mut ran = Vec::new();

    for (src, is_test) in all_programs() {
        let name = program_name(&src);
        let exe = work.path().join(&name);
        let build = compile(&src, &exe, Link::Dynamic, work.path());
        if !build.success() {
            failures.push(format!("{name}: compile failed\n{}", build.describe()));
            continue;
        }
        let mut cmd = Command::new("valgrind");
        cmd.args([
            "--error-exitcode=1",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--track-origins=yes",
            "--quiet",
        ])
        .arg(&exe);
        let run = run_bounded(cmd, VALGRIND_TIMEOUT);
        if !run.success() {
            failures.push(format!("{name}: failed under valgrind\n{}", run.describe()));
            continue;
        }
        if is_test && let Err(e) = check_tally(&run) {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        ran.push(format!(
            "{name}: {}",
            run.stdout_text().lines().last().unwrap_or("(no output)")
        ));
    }
    eprintln!(
        "valgrind, dynamic {}:\n  {}",
        built_library("libsigv4.so").display(),
        ran.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} C program(s) failed under valgrind:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn readme_example_prints_the_known_answer_headers_and_signs_now_on_request() {
    let work = WorkDir::new("example");
    let src = manifest_dir().join("examples").join("sign_request.c");
    let exe = work.path().join("sign_request");
    let build = compile(&src, &exe, Link::StaticSanitized, work.path());
    assert!(
        build.success(),
        "the example must compile:\n{}",
        build.describe()
    );

    let fixed = run_bounded(Command::new(&exe), RUN_TIMEOUT);
    assert!(
        fixed.success(),
        "the example must succeed:\n{}",
        fixed.describe()
    );
    assert_eq!(
        fixed.stdout_text(),
        EXAMPLE_EXPECTED_STDOUT,
        "with its fixed date the example must print botocore's headers for the same request"
    );

    let mut now = Command::new(&exe);
    now.arg("--now");
    let now = run_bounded(now, RUN_TIMEOUT);
    assert!(now.success(), "`--now` must succeed:\n{}", now.describe());
    let now_stdout = now.stdout_text();
    let lines: Vec<&str> = now_stdout.lines().collect();
    assert_eq!(lines.len(), 3, "three headers with --now:\n{now_stdout}");
    let date = lines[0]
        .strip_prefix("X-Amz-Date: ")
        .unwrap_or_else(|| panic!("first line is the date: {}", lines[0]));
    assert!(
        date.len() == 16
            && date.as_bytes()[8] == b'T'
            && date.ends_with('Z')
            && date != "20150830T123600Z",
        "--now signs at the current time, got {date:?}"
    );
    assert!(
        lines[2].starts_with("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && lines[2].contains(&format!(
                "/{}/ap-northeast-1/execute-api/aws4_request",
                &date[..8]
            )),
        "the scope carries the current date: {}",
        lines[2]
    );

    let mut bad = Command::new(&exe);
    bad.arg("--bogus");
    let bad = run_bounded(bad, RUN_TIMEOUT);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "unknown arguments print usage and exit 2"
    );
}
