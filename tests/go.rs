//! The Go package in `examples/go` (cgo over `include/sigv4.h`), driven by `cargo test`.
//!
//! * `gofmt -l` and `go vet ./...` are clean;
//! * `go test -race -count=1 -v ./...` passes with `GODEBUG=cgocheck=2` (cgo's full pointer
//!   checks): AWS's suite, the W1 known answer of the C tests, error codes and messages,
//!   `Signer` and `PayloadHasher` against one-shot signing, a 20,000-iteration C-heap leak
//!   check, concurrent signing, a net/http round trip, and end to end against moto (started
//!   here, signature checking on, an assumed-role session with a token), which must not skip;
//! * the runnable example prints the seed request's headers (checked against botocore's
//!   signature for it) and, given `-url`, sends the signed request with net/http to a listener
//!   here, which checks what arrived.
//!
//! The Go toolchain is Debian's `golang-go` (1.19); it must be installed: these tests fail, not
//! skip, without it. No network: `GOPROXY=off`, and the module has no dependencies. cgo links
//! the `libsigv4.so` this cargo run built, through a directory holding `libsigv4.so` and the
//! soname link `libsigv4.so.0` (`CGO_LDFLAGS=-L<dir> -lsigv4 -Wl,-rpath,<dir>`). `GOCACHE` and
//! `GOPATH` live under `$CARGO_TARGET_TMPDIR`, so the race-instrumented standard library is
//! built once (about a minute on 2 cores) and reused. Every `go` run has a time limit and runs
//! in its own process group, killed whole when the limit passes.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use support::library::built_library;
use support::moto::Moto;

/// Bound on one `go` command. A cold `go test -race` (race-instrumented standard library and
/// net/http) takes about 60 s on 2 cores; warm runs take a few seconds.
const GO_TIMEOUT: Duration = Duration::from_secs(300);

/// The signature of the example's default output at `-date 20150830T123600Z` with AWS's example
/// keys and token: botocore 1.4x's `SigV4Auth` gives the same for that request.
const EXAMPLE_AUTHORIZATION: &str = "Authorization: AWS4-HMAC-SHA256 \
     Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, \
     SignedHeaders=accept;host;x-amz-date;x-amz-security-token, \
     Signature=6765944cbf35c8c70f2c86da9ed29e9360cca4c64a006c30deeeda31f592f379";

/// Go tests that must have run and passed (not skipped).
const REQUIRED_GO_TESTS: &[&str] = &[
    "TestAWSSuiteCasesSignToTheirPublishedSignature",
    "TestW1SignsToTheSameAuthorizationAsTheCKnownAnswer",
    "TestCRLFInAHeaderValueIsErrInvalidHeaderNamingTheHeader",
    "TestBadInputsGiveTheirCodeAndAMessageNamingTheField",
    "TestSignerSignsLikeSign",
    "TestPayloadHasherEqualsTheOneShotBodyHash",
    "TestTwentyThousandSignaturesLeaveNoCMemoryBehind",
    "TestConcurrentSigningIsRaceFreeAndMessagesStayWithTheirCall",
    "TestWhatNetHTTPSendsVerifiesOnTheServer",
    "TestMotoAcceptsGetCallerIdentitySignedWithTemporaryCredentials",
    "TestMotoAcceptsASignerWithAStreamedPayloadHashAndACustomHost",
    "TestMotoRefusesAWrongSecretWith403",
    "TestMotoRefusesABodyChangedAfterSigning",
    "ExampleSign",
    "ExampleError",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn go_dir() -> PathBuf {
    repo().join("examples").join("go")
}

/// A fresh directory under `$CARGO_TARGET_TMPDIR` for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("go-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// `libsigv4.so` and its soname link `libsigv4.so.0`, pointing at the library this cargo run
/// built, in a directory of their own for `-L` and `-rpath`. Made once per test process: the
/// tests run in parallel and would otherwise race to create the same links.
fn library_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let library = built_library("libsigv4.so");
        let dir = scratch("lib");
        for name in ["libsigv4.so", "libsigv4.so.0"] {
            std::os::unix::fs::symlink(&library, dir.join(name))
                .unwrap_or_else(|e| panic!("symlink {name} -> {}: {e}", library.display()));
        }
        dir
    })
    .clone()
}

/// `go` with the environment every run here uses.
fn go_command(lib: &Path, args: &[&str]) -> Command {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache");
    let mut command = Command::new("go");
    command
        .args(args)
        .current_dir(go_dir())
        .env("CGO_ENABLED", "1")
        .env(
            "CGO_CFLAGS",
            format!("-I{}", repo().join("include").display()),
        )
        .env(
            "CGO_LDFLAGS",
            format!("-L{0} -lsigv4 -Wl,-rpath,{0}", lib.display()),
        )
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache.join("build"))
        .env("GOPATH", cache.join("gopath"))
        .env(
            "SIGV4_TESTDATA",
            repo().join("..").join("shared").join("testdata"),
        )
        .env_remove("GOROOT_FINAL")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN");
    command
}

/// What a finished command printed.
#[derive(Debug)]
struct Output {
    success: bool,
    status: String,
    stdout: String,
    stderr: String,
}

impl Output {
    fn describe(&self) -> String {
        format!(
            "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{}", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
}

/// Runs `command` in its own process group; past `limit` the whole group is killed and the
/// test fails with what it printed so far.
fn run(what: &str, mut command: Command, limit: Duration) -> Output {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {what} ({e}): the Go tests need the Go toolchain; install it with \
                 `apt-get install golang-go` (Go 1.19 or later)"
            )
        });
    let stdout = drain(child.stdout.take().expect("piped"));
    let stderr = drain(child.stderr.take().expect("piped"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for go") {
            break Some(status);
        }
        if started.elapsed() > limit {
            kill_group(&mut child);
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let output = Output {
        success: status.is_some_and(|s| s.success()),
        status: match status {
            Some(s) => format!("{what}: {s} after {:.1?}", started.elapsed()),
            None => format!("{what}: killed after the {limit:?} limit"),
        },
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    println!("{}", output.describe());
    output
}

fn expect_success(output: &Output) {
    assert!(output.success, "{}", output.describe());
}

/// Fails with the install hint when `go` is missing, before anything else.
fn require_go() {
    let output = Command::new("go").arg("version").output();
    match output {
        Ok(o) if o.status.success() => println!("{}", String::from_utf8_lossy(&o.stdout).trim()),
        Ok(o) => panic!(
            "`go version` failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "`go` not found ({e}): the Go tests need the Go toolchain; install it with \
             `apt-get install golang-go` (Go 1.19 or later)"
        ),
    }
}

/// The top-level tests `go test -v` reports with `--- <verdict>: Name`.
fn verdicts(output: &str, verdict: &str) -> BTreeSet<String> {
    let prefix = format!("--- {verdict}: ");
    output
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn go_package_is_gofmt_and_vet_clean() {
    require_go();
    let lib = library_dir();
    let goroot = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("go env GOROOT");
    let gofmt = PathBuf::from(String::from_utf8_lossy(&goroot.stdout).trim())
        .join("bin")
        .join("gofmt");
    let mut command = Command::new(&gofmt);
    command.args(["-l", "."]).current_dir(go_dir());
    let output = run("gofmt -l .", command, GO_TIMEOUT);
    expect_success(&output);
    assert!(
        output.stdout.trim().is_empty(),
        "these Go files are not gofmt-formatted (run `gofmt -w .` in examples/go):\n{}",
        output.stdout
    );

    let output = run(
        "go vet ./...",
        go_command(&lib, &["vet", "./..."]),
        GO_TIMEOUT,
    );
    expect_success(&output);
}

#[test]
fn go_tests_pass_under_the_race_detector_with_moto_end_to_end() {
    require_go();
    let lib = library_dir();

    // Build first (the cold race build is the slow part), so moto, which lives at most
    // support::moto::MAX_LIFETIME, is started only when the tests are ready to run.
    let output = run(
        "go test -race -run ^$ (build only)",
        go_command(&lib, &["test", "-race", "-count=1", "-run", "^$", "./..."]),
        GO_TIMEOUT,
    );
    expect_success(&output);

    let (moto, user) = Moto::start_with_admin_user();
    let session = moto.assume_role(&user, "sigv4-go-role", "sigv4-go-session");
    let mut command = go_command(&lib, &["test", "-race", "-count=1", "-v", "./..."]);
    command
        .env("GODEBUG", "cgocheck=2")
        .env("SIGV4_REQUIRE_MOTO", "1")
        .env("SIGV4_MOTO_URL", moto.url("/"))
        .env("SIGV4_MOTO_ACCESS_KEY_ID", &session.access_key_id)
        .env("SIGV4_MOTO_SECRET_ACCESS_KEY", &session.secret_access_key)
        .env("SIGV4_MOTO_SESSION_TOKEN", &session.session_token)
        .env("SIGV4_MOTO_ASSUMED_ROLE_ARN", &session.assumed_role_arn);
    let output = run("go test -race -v ./...", command, GO_TIMEOUT);
    if !output.success {
        panic!(
            "go test failed:\n{}\nmoto's log:\n{}",
            output.describe(),
            moto.log_tail()
        );
    }
    drop(moto);

    let passed = verdicts(&output.stdout, "PASS");
    let skipped = verdicts(&output.stdout, "SKIP");
    let failed = verdicts(&output.stdout, "FAIL");
    println!(
        "go test: {} top-level tests passed, {} skipped, {} failed",
        passed.len(),
        skipped.len(),
        failed.len()
    );
    assert!(
        failed.is_empty() && skipped.is_empty(),
        "no Go test may fail or skip; failed {failed:?}, skipped {skipped:?}"
    );
    let missing: Vec<_> = REQUIRED_GO_TESTS
        .iter()
        .filter(|name| !passed.contains(**name))
        .collect();
    assert!(
        missing.is_empty(),
        "these Go tests did not report PASS: {missing:?}; passed: {passed:?}"
    );
    assert!(
        output
            .stdout
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("libsigv4.example/sigv4")),
        "`go test` printed no `ok  libsigv4.example/sigv4` line"
    );
    if let Some(leak) = output.stdout.lines().find(|l| l.contains("leak check:")) {
        println!("{}", leak.trim());
    }
}

#[test]
fn go_example_prints_the_signed_seed_request_and_sends_it_with_net_http() {
    require_go();
    let lib = library_dir();
    let bin = scratch("example").join("example");
    let bin_arg = bin.to_string_lossy().into_owned();
    let output = run(
        "go build ./example",
        go_command(&lib, &["build", "-o", &bin_arg, "./example"]),
        GO_TIMEOUT,
    );
    expect_success(&output);

    // Default: no network, the headers for the seed request.
    let mut command = Command::new(&bin);
    command
        .args(["-date", "20150830T123600Z"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN");
    let output = run("example -date 20150830T123600Z", command, GO_TIMEOUT);
    expect_success(&output);
    assert!(
        output
            .stdout
            .contains("GET https://api.example.com/trial/getinfo/1234")
            && output.stdout.contains("X-Amz-Date: 20150830T123600Z")
            && output.stdout.contains("X-Amz-Security-Token: AQoDYXdzEPT")
            && output.stdout.contains(EXAMPLE_AUTHORIZATION),
        "the example must print the seed request's X-Amz-Date, token and the Authorization \
         botocore computes for it ({EXAMPLE_AUTHORIZATION}); got:\n{}",
        output.stdout
    );

    // -url: signs and sends with net/http to a listener on 127.0.0.1, which records the request.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => head.push(line.trim_end().to_string()),
            }
        }
        let mut stream = stream;
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\
              Connection: close\r\n\r\nsigned ok",
        );
        let _ = tx.send(head);
    });
    let url = format!("http://127.0.0.1:{port}/trial/getinfo/1234?b=2&a=1");
    let mut command = Command::new(&bin);
    command
        .args(["-url", &url])
        .env("AWS_ACCESS_KEY_ID", "AKIDGOEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_SESSION_TOKEN", "token/with+chars=");
    let output = run("example -url", command, GO_TIMEOUT);
    expect_success(&output);
    assert!(
        output.stdout.contains("HTTP 200 OK") && output.stdout.contains("signed ok"),
        "the example must print the listener's response; got:\n{}",
        output.stdout
    );
    let head = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the listener received no request");
    let has = |prefix: &str| {
        head.iter().any(|l| {
            l.to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
        })
    };
    assert!(
        head.first()
            .is_some_and(|l| l == "GET /trial/getinfo/1234?b=2&a=1 HTTP/1.1")
            && has(&format!("Host: 127.0.0.1:{port}"))
            && has("X-Amz-Security-Token: token/with+chars=")
            && has("X-Amz-Date: ")
            && has("Authorization: AWS4-HMAC-SHA256 Credential=AKIDGOEXAMPLE/",)
            && head.iter().any(|l| l.contains(
                "/ap-northeast-1/execute-api/aws4_request, \
                 SignedHeaders=accept;host;x-amz-date;x-amz-security-token, Signature="
            )),
        "the request net/http sent must carry the signature headers; got:\n{}",
        head.join("\n")
    );
}
