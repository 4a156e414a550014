//! The libcurl recipe (`examples/curl_sign.c`) end to end: built under AddressSanitizer and
//! UBSan against `libsigv4.a` and libcurl, run against moto on 127.0.0.1 with signature
//! verification on (see `tests/support/moto.rs` for what moto checks).
//!
//! It uploads a file of about 300 KiB, streamed from disk and hashed in chunks by
//! `sigv4_payload_hasher_*`, to a path-style S3 URL, reads it back, and shows that a wrong
//! secret or session token is refused. Needs `cc`, `nm`, libcurl's headers
//! (`libcurl4-openssl-dev`) and moto (python3 with `moto[server]` 5.2). Every child is bounded
//! in time; moto is stopped by its guard.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::bounded::{Outcome, WorkDir, require_tool, run};
use support::library::{built_library, native_static_libs};
use support::moto::{Call, Moto, REGION};

const COMPILE_TIMEOUT: Duration = Duration::from_secs(180);
/// One request through curl_sign, ASan included; moto answers in well under a second.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Bytes uploaded: about 300 KiB, deliberately not a multiple of the program's 64 KiB chunk.
const UPLOAD_LEN: usize = 300 * 1024 + 123;

/// Builds `examples/curl_sign.c` with ASan+UBSan, statically against `libsigv4.a`, and proves
/// ASan is in the binary.
fn build_curl_sign(work: &Path) -> PathBuf {
    require_tool("cc", "gcc");
    require_tool("nm", "binutils");
    require_tool("curl-config", "libcurl4-openssl-dev");
    let exe = work.join("curl_sign");
    let mut cc = Command::new("cc");
    cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ])
        .arg("-I")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include"))
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/curl_sign.c"))
        .arg("-o")
        .arg(&exe)
        .arg(built_library("libsigv4.a"))
        .args(native_static_libs())
        .arg("-lcurl");
    let built = run(cc, COMPILE_TIMEOUT);
    assert!(
        built.success(),
        "examples/curl_sign.c must compile with -std=c99 -Wall -Wextra -Werror -pedantic \
         against libsigv4.a and libcurl (apt-get install libcurl4-openssl-dev):\n{}",
        built.describe()
    );
    let mut nm = Command::new("nm");
    nm.arg(&exe);
    let symbols = run(nm, COMPILE_TIMEOUT);
    assert!(
        symbols.success() && symbols.stdout_text().contains("__asan_init"),
        "`nm {}` finds no __asan_init: AddressSanitizer is not linked",
        exe.display()
    );
    exe
}

/// Credentials for one run of curl_sign, passed through its environment.
struct Keys<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
}

/// Runs curl_sign with exactly these credentials (none of the test's own AWS_* variables, no
/// proxy) under ASan's leak checker.
fn curl_sign(exe: &Path, keys: &Keys<'_>, args: &[&str]) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    if !keys.access_key_id.is_empty() {
        cmd.env("AWS_ACCESS_KEY_ID", keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key);
    }
    if let Some(token) = keys.session_token {
        cmd.env("AWS_SESSION_TOKEN", token);
    }
    cmd.env("NO_PROXY", "127.0.0.1")
        .env("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    let outcome = run(cmd, REQUEST_TIMEOUT);
    assert!(
        !outcome.stderr.contains("Sanitizer") && !outcome.stderr.contains("runtime error:"),
        "curl_sign must run clean under ASan+UBSan (leaks included):\n{}",
        outcome.describe()
    );
    assert!(
        !outcome.timed_out,
        "curl_sign must finish within {REQUEST_TIMEOUT:?}:\n{}",
        outcome.describe()
    );
    outcome
}

fn expect_ok(moto: &Moto, what: &str, outcome: &Outcome) {
    assert!(
        outcome.success(),
        "{what}: curl_sign must get a 2xx from moto and exit 0:\n{}\nserver log:\n{}",
        outcome.describe(),
        moto.log_tail()
    );
}

/// Deterministic bytes covering every byte value, not a repeating 256-byte pattern.
fn upload_bytes() -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..UPLOAD_LEN)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn curl_sign_streams_a_300_kib_file_to_s3_and_reads_the_same_bytes_back() {
    let work = WorkDir::new("curl-tests", "s3");
    let exe = build_curl_sign(work.path());
    let (moto, user) = Moto::start_with_admin_user();
    let keys = Keys {
        access_key_id: &user.access_key_id,
        secret_access_key: &user.secret_access_key,
        session_token: None,
    };

    // CreateBucket: a PUT without a body (the SHA-256 of the empty string).
    let bucket_url = moto.url("/sigv4-curl-bucket");
    let out = curl_sign(
        &exe,
        &keys,
        &[
            "-X",
            "PUT",
            "--region",
            REGION,
            "--service",
            "s3",
            &bucket_url,
        ],
    );
    expect_ok(&moto, &format!("CreateBucket PUT {bucket_url}"), &out);

    // PutObject, the body streamed from a file through the payload hasher.
    let body = upload_bytes();
    let file = work.path().join("upload.bin");
    std::fs::write(&file, &body).expect("write the upload file");
    let file_arg = file.to_str().expect("scratch paths are UTF-8");
    let target = "/sigv4-curl-bucket/data/upload.bin";
    let object_url = moto.url(target);
    let out = curl_sign(
        &exe,
        &keys,
        &[
            "--region",
            REGION,
            "--service",
            "s3",
            "--data-file",
            file_arg,
            &object_url,
        ],
    );
    expect_ok(
        &moto,
        &format!("PutObject PUT {object_url} of {UPLOAD_LEN} bytes"),
        &out,
    );

    // GetObject through curl_sign: the body arrives on stdout.
    let out = curl_sign(
        &exe,
        &keys,
        &["--region", REGION, "--service", "s3", &object_url],
    );
    expect_ok(&moto, &format!("GetObject GET {object_url}"), &out);
    assert!(
        out.stdout == body,
        "GET {object_url} must return the {} bytes just uploaded; got {} bytes",
        body.len(),
        out.stdout.len()
    );
    // And through the Rust signer, so the upload is checked by a second client too.
    let response = moto.call(&Call::new("GET", target, "s3"), &user.credentials());
    moto.expect_ok("GetObject signed by the Rust API", &response);
    assert!(
        response.body == body,
        "moto must have stored exactly the {} bytes curl_sign streamed; got {} bytes",
        body.len(),
        response.body.len()
    );

    // A wrong secret is refused, for a GET and for an upload, and the upload is not stored.
    let wrong_secret = format!("{}x", user.secret_access_key);
    let wrong = Keys {
        secret_access_key: &wrong_secret,
        ..keys
    };
    let out = curl_sign(
        &exe,
        &wrong,
        &["--region", REGION, "--service", "s3", &object_url],
    );
    assert!(
        out.code() == Some(1)
            && out.stderr.contains("HTTP 403")
            && out.stdout_text().contains("SignatureDoesNotMatch"),
        "GET {object_url} signed with a wrong secret must get 403 SignatureDoesNotMatch and \
         exit 1:\n{}",
        out.describe()
    );
    let refused_target = "/sigv4-curl-bucket/data/refused.bin";
    let refused_url = moto.url(refused_target);
    let out = curl_sign(
        &exe,
        &wrong,
        &[
            "--region",
            REGION,
            "--service",
            "s3",
            "--data-file",
            file_arg,
            &refused_url,
        ],
    );
    assert!(
        out.code() == Some(1) && out.stderr.contains("HTTP 403"),
        "an upload signed with a wrong secret must get 403 and exit 1:\n{}",
        out.describe()
    );
    let response = moto.call(&Call::new("GET", refused_target, "s3"), &user.credentials());
    assert_eq!(
        response.status,
        404,
        "the refused upload must not be stored; got {}",
        response.describe()
    );
}

#[test]
fn curl_sign_sends_the_session_token_from_aws_session_token() {
    let work = WorkDir::new("curl-tests", "token");
    let exe = build_curl_sign(work.path());
    let (moto, user) = Moto::start_with_admin_user();
    let session = moto.assume_role(&user, "sigv4-curl-role", "sigv4-curl-session");
    let keys = Keys {
        access_key_id: &session.access_key_id,
        secret_access_key: &session.secret_access_key,
        session_token: Some(&session.session_token),
    };
    let s3 = ["--region", REGION, "--service", "s3"];

    let bucket_url = moto.url("/sigv4-curl-token-bucket");
    let mut args = vec!["-X", "PUT"];
    args.extend(s3);
    args.push(&bucket_url);
    let out = curl_sign(&exe, &keys, &args);
    expect_ok(&moto, "CreateBucket with a session token", &out);

    let file = work.path().join("small.txt");
    std::fs::write(&file, b"signed with a role session\n").expect("write the upload file");
    let object_url = moto.url("/sigv4-curl-token-bucket/small.txt");
    let mut args = s3.to_vec();
    args.extend([
        "--data-file",
        file.to_str().expect("UTF-8 path"),
        &object_url,
    ]);
    let out = curl_sign(&exe, &keys, &args);
    expect_ok(&moto, "PutObject with a session token", &out);

    let mut args = s3.to_vec();
    args.push(&object_url);
    let out = curl_sign(&exe, &keys, &args);
    expect_ok(&moto, "GetObject with a session token", &out);
    assert_eq!(
        out.stdout_text(),
        "signed with a role session\n",
        "GET must return the object just uploaded with the session's keys"
    );

    let wrong_token = format!("{}x", session.session_token);
    let wrong = Keys {
        session_token: Some(&wrong_token),
        ..keys
    };
    let out = curl_sign(&exe, &wrong, &args);
    assert!(
        out.code() == Some(1)
            && out.stderr.contains("HTTP 400")
            && out.stdout_text().contains("InvalidToken"),
        "a wrong AWS_SESSION_TOKEN must be refused as S3 does (400 InvalidToken):\n{}",
        out.describe()
    );
    let no_token = Keys {
        session_token: None,
        ..keys
    };
    let out = curl_sign(&exe, &no_token, &args);
    assert!(
        out.code() == Some(1) && out.stderr.contains("HTTP 403"),
        "the session's keys without AWS_SESSION_TOKEN must be refused with 403:\n{}",
        out.describe()
    );
}

#[test]
fn curl_sign_rejects_bad_arguments_missing_credentials_and_unsignable_urls_before_sending() {
    let work = WorkDir::new("curl-tests", "usage");
    let exe = build_curl_sign(work.path());
    let keys = Keys {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: None,
    };
    // Port 9 (discard) on 127.0.0.1: nothing listens there, and nothing must be sent anyway.
    let url = "http://127.0.0.1:9/bucket/key";

    for args in [
        &[][..],
        &["--bogus", url][..],
        &["-X"][..],
        &[url, url][..],
        &["--region", "us-east-1"][..],
    ] {
        let out = curl_sign(&exe, &keys, args);
        assert!(
            out.code() == Some(2) && out.stderr.contains("usage: "),
            "arguments {args:?} must print usage and exit 2:\n{}",
            out.describe()
        );
    }

    let none = Keys {
        access_key_id: "",
        secret_access_key: "",
        session_token: None,
    };
    let out = curl_sign(&exe, &none, &[url]);
    assert!(
        out.code() == Some(2) && out.stderr.contains("AWS_ACCESS_KEY_ID"),
        "without credentials in the environment it must say which variables to set and exit \
         2:\n{}",
        out.describe()
    );

    let missing = work.path().join("does-not-exist.bin");
    let out = curl_sign(
        &exe,
        &keys,
        &["--data-file", missing.to_str().expect("UTF-8 path"), url],
    );
    assert!(
        out.code() == Some(3) && out.stderr.contains("cannot open"),
        "a missing --data-file must be reported and exit 3:\n{}",
        out.describe()
    );

    // libsigv4 refuses a URL that is not in wire form; the detail message reaches the user.
    let out = curl_sign(&exe, &keys, &["http://127.0.0.1:9/a b"]);
    assert!(
        out.code() == Some(3)
            && out.stderr.contains("sigv4_sign")
            && out.stderr.contains("(4)")
            && out.stderr.contains("url"),
        "a URL with a raw space must be refused by sigv4_sign (SIGV4_ERR_INVALID_URL, 4) with \
         the library's detail, before anything is sent:\n{}",
        out.describe()
    );
    let out = curl_sign(&exe, &keys, &["--region", "us/east", url]);
    assert!(
        out.code() == Some(3) && out.stderr.contains("params.region"),
        "an invalid --region must be refused by sigv4_sign naming params.region:\n{}",
        out.describe()
    );
}
