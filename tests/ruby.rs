//! The Ruby binding (`examples/ruby`, the `ffi` gem over `libsigv4.so`) under `cargo test`.
//!
//! Copies the `libsigv4.so` this cargo run built into a temporary directory and points the
//! Ruby code at it with `SIGV4_LIB`, so the tests load exactly this build (never a system copy
//! or a file another build is rewriting). Starts moto on 127.0.0.1 with signature checking on,
//! assumes a role, and hands the server and the temporary credentials to the minitest suite,
//! which signs with Net::HTTP and expects moto's verdicts. Ruby, the ffi gem and moto are
//! required: without them these tests fail, they do not skip.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sigv4::{AmzDate, Credentials, Payload, Request, Settings, SigningParams};
use support::moto::Moto;

/// Longest a Ruby process may run before it is killed and the test fails.
const RUBY_TIMEOUT: Duration = Duration::from_secs(120);
const INSTALL_HINT: &str = "install Ruby and its ffi gem: apt-get install ruby ruby-ffi \
                            (minitest comes with Ruby)";

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!("sigv4-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ruby_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ruby")
}

/// A private copy of the `libsigv4.so` this run built, for `SIGV4_LIB`.
fn library_copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new("ruby");
    let built = support::library::built_library("libsigv4.so");
    let copy = dir.0.join("libsigv4.so");
    std::fs::copy(&built, &copy)
        .unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", built.display(), copy.display()));
    (dir, copy)
}

/// Fails, saying what to install, unless `ruby` runs and loads the ffi gem and minitest.
fn require_ruby_with_ffi() {
    let probe = Command::new("ruby")
        .args([
            "-e",
            "require 'ffi'; require 'minitest'; print FFI::VERSION",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run `ruby` ({e}); {INSTALL_HINT}"));
    assert!(
        probe.status.success(),
        "`ruby -e \"require 'ffi'\"` failed ({}): {}; {INSTALL_HINT}",
        probe.status,
        String::from_utf8_lossy(&probe.stderr)
    );
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks on a full pipe.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Waits for `child` up to [`RUBY_TIMEOUT`], killing it when the time is up.
fn wait_bounded(mut child: Child, what: &str) -> Output {
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + RUBY_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                let out = stdout.join().unwrap_or_default();
                let err = stderr.join().unwrap_or_default();
                panic!(
                    "{what} did not finish within {RUBY_TIMEOUT:?} and was killed; stdout:\n{}\nstderr:\n{}",
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&err)
                );
            }
            Err(e) => panic!("waiting for {what} failed: {e}"),
        }
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn ruby(library: &Path) -> Command {
    let mut command = Command::new("ruby");
    command
        .current_dir(ruby_dir())
        .env("SIGV4_LIB", library)
        .env(
            "SIGV4_TESTDATA",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// minitest's summary line: `N runs, M assertions, F failures, E errors, S skips`.
#[derive(Debug, PartialEq)]
struct Summary {
    runs: u64,
    failures: u64,
    errors: u64,
    skips: u64,
}

fn parse_summary(output: &str) -> Option<Summary> {
    let line = output.lines().rev().find(|l| l.contains(" runs, "))?;
    let mut numbers = line
        .split(", ")
        .map(|part| part.split_whitespace().next()?.parse::<u64>().ok());
    let runs = numbers.next()??;
    let _assertions = numbers.next()??;
    Some(Summary {
        runs,
        failures: numbers.next()??,
        errors: numbers.next()??,
        skips: numbers.next()??,
    })
}

#[test]
fn ruby_minitest_suite_passes_with_vectors_errors_memory_and_moto_end_to_end() {
    require_ruby_with_ffi();
    let (_dir, library) = library_copy();
    let (moto, user) = Moto::start_with_admin_user();
    let session = moto.assume_role(&user, "sigv4-ruby-role", "sigv4-ruby-session");

    let child = ruby(&library)
        .args([
            "-w",
            "-Ilib",
            "-e",
            "Dir['test/test_*.rb'].sort.each { |f| require File.expand_path(f) }",
        ])
        .env("SIGV4_MOTO_URL", moto.url("/"))
        .env("SIGV4_MOTO_ACCESS_KEY_ID", &session.access_key_id)
        .env("SIGV4_MOTO_SECRET_ACCESS_KEY", &session.secret_access_key)
        .env("SIGV4_MOTO_SESSION_TOKEN", &session.session_token)
        .env("SIGV4_MOTO_ROLE_ARN", &session.assumed_role_arn)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `ruby` ({e}); {INSTALL_HINT}"));
    let output = wait_bounded(child, "the Ruby minitest suite");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");

    let summary = parse_summary(&stdout);
    assert!(
        output.status.success(),
        "the Ruby tests failed ({}), summary {summary:?}; see the output above; moto's log:\n{}",
        output.status,
        moto.log_tail()
    );
    let summary = summary.unwrap_or_else(|| {
        panic!("no minitest summary (`N runs, ... failures, ... errors, ... skips`) in:\n{stdout}")
    });
    assert!(
        summary.runs > 0 && summary.failures == 0 && summary.errors == 0,
        "minitest must report runs with 0 failures and 0 errors; got {summary:?}"
    );
    assert_eq!(
        summary.skips, 0,
        "no Ruby test may skip here: the moto tests skip only without SIGV4_MOTO_URL, which this \
         harness sets; got {summary:?}"
    );
}

#[test]
fn ruby_example_prints_the_seed_headers_signed_as_the_rust_api_signs_them() {
    require_ruby_with_ffi();
    let (_dir, library) = library_copy();
    let child = ruby(&library)
        .arg("example.rb")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `ruby` ({e}); {INSTALL_HINT}"));
    let output = wait_bounded(child, "examples/ruby/example.rb");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "example.rb failed ({}): {stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.split_once(": "))
        .collect();

    // Re-sign what the example says Net::HTTP will send (minus the signature headers) with
    // the Rust API: the Authorization must be the same.
    let sent: Vec<(&str, &str)> = printed
        .iter()
        .copied()
        .filter(|(name, _)| !["Authorization", "X-Amz-Date", "X-Amz-Security-Token"].contains(name))
        .collect();
    let value = |name: &str| {
        printed
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("example.rb printed no {name} header:\n{stdout}"))
    };
    assert_eq!(value("X-Amz-Date"), "20150830T123600Z");
    assert_eq!(value("Host"), "api.example.com");
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some(value("X-Amz-Security-Token")),
    );
    let request = Request {
        method: "GET",
        url: "https://api.example.com/trial/getinfo/1234?b=2&a=1",
        headers: sent.as_slice(),
        payload: Payload::Body(b""),
    };
    let params = SigningParams {
        region: "ap-northeast-1",
        service: "execute-api",
        date: Some(AmzDate::parse("20150830T123600Z").expect("a valid date")),
        settings: Settings::default(),
    };
    let expected = sigv4::sign(&request, &credentials, &params).expect("the seed request signs");
    assert_eq!(
        value("Authorization"),
        expected.authorization(),
        "example.rb's Authorization must equal the Rust API's for the headers it prints \
         ({sent:?})"
    );
    assert!(
        expected
            .authorization()
            .contains("SignedHeaders=accept;accept-encoding;content-type;host;x-amz-date;"),
        "the headers Net::HTTP adds (Accept, Accept-Encoding) are sent, so they are signed"
    );
}

#[test]
fn minitest_summary_line_is_parsed() {
    let text = "Finished in 1.2s\n\n53 runs, 3467 assertions, 1 failures, 2 errors, 3 skips\n";
    assert_eq!(
        parse_summary(text),
        Some(Summary {
            runs: 53,
            failures: 1,
            errors: 2,
            skips: 3
        })
    );
    assert_eq!(parse_summary("no summary here"), None);
}
