//! A moto server (`python3 -m moto.server`, moto 5.2) on 127.0.0.1 that really verifies
//! Signature Version 4, for end-to-end tests; reusable by tests that drive C, Go or Ruby clients
//! (they take [`Moto::authority`] and an [`IamUser`]'s keys).
//!
//! # How moto verifies signatures (read from moto 5.2's source)
//!
//! - `moto/core/authorization.py`, `ActionAuthenticatorMixin`: every action of a service built on
//!   `BaseResponse.call_action` (IAM, STS, SQS, ... : the query and JSON protocols) and every S3
//!   action (`_authenticate_and_authorize_s3_action`) passes through
//!   `_authenticate_and_authorize_action`. The first `INITIAL_NO_AUTH_ACTION_COUNT` actions (an
//!   environment variable read once by the server process; default infinity, i.e. never verify)
//!   are let through and counted; every later one is verified.
//! - `moto/iam/access_control.py`, `IAMRequestBase`: the access key id from `Credential=` must
//!   belong to a user in moto's IAM (`AKIA…`, no token header) or to a role session from
//!   `sts:AssumeRole` (`ASIA…`, and `X-Amz-Security-Token` must equal that session's token).
//!   Keys from `sts:GetSessionToken` are not recorded anywhere and are refused
//!   (`InvalidClientTokenId`). moto then rebuilds the request from the headers named in
//!   `SignedHeaders`, takes `X-Amz-Date` as the timestamp (no clock-skew check), recomputes the
//!   signature with botocore's `SigV4Auth` (`S3SigV4Auth` for S3) and compares it; a mismatch is
//!   403 `SignatureDoesNotMatch`. Last, the user's or role's IAM policies must allow the action
//!   (`sts:GetCallerIdentity` is always allowed).
//! - Routing (`moto/moto_server/werkzeug_app.py`): the service comes from the credential scope in
//!   `Authorization`, not from `Host`, so any `Host` value reaches the right backend. A request
//!   without `Authorization` goes to a guessed backend, and once verification is on it fails
//!   with a 500 (`KeyError: 'HTTP_AUTHORIZATION'`) rather than AWS's 403.
//!
//! # What moto rebuilds differently from the wire (so tests avoid it or say why)
//!
//! - A form-encoded body (`application/x-www-form-urlencoded`) is parsed by werkzeug and
//!   re-serialised by botocore (`urlencode`, i.e. `quote_plus`) before hashing, so form bodies
//!   must already be in that form: see [`form_encode`].
//! - A non-S3 request without a body has its query parameters (or, without a query, its
//!   headers) urlencoded and hashed as if they were the body, unless `X-Amz-Content-Sha256` is
//!   signed (botocore then uses that header's value). So bodiless non-S3 requests need
//!   `PayloadChecksumKind::XAmzSha256` on moto; AWS itself does not.
//! - The path and query are those of werkzeug's `request.url`, an IRI (`uri_to_iri`): percent
//!   escapes of reserved characters come back decoded, and botocore signs what it finds (S3
//!   paths as they are, queries sorted but not re-encoded). So an S3 key sent as `%28` is verified
//!   as `(`, and a query value `%2F` as `/`: both fail even for boto3. `%20`, unreserved
//!   characters and a raw `(`, `)` in a path survive the round trip.
//! - S3 bodies are not compared with `X-Amz-Content-Sha256` (only streaming payloads are read
//!   specially), so a tampered S3 body is not detected; a tampered JSON body (SQS) is.
//!
//! # Lifetime
//!
//! The server runs in its own process group; [`Moto`]'s `Drop` closes its stdin (a watchdog
//! thread in the launcher exits on EOF, which also covers a test process that dies without
//! unwinding), kills the group and reaps the child. The launcher also exits by itself after
//! [`MAX_LIFETIME`]. Every wait here is bounded: start-up by [`START_TIMEOUT`], each connection,
//! read and write by [`IO_TIMEOUT`].

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use sigv4::{Credentials, Payload, Request, Settings, SigningParams};

/// The interpreter that runs moto.
pub const PYTHON: &str = "python3";
/// How long the server may take to print its address and answer a first request.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Bound on connecting, on each read and write, and (doubled) on a whole exchange.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The launcher exits by itself after this long, should everything else fail.
pub const MAX_LIFETIME: Duration = Duration::from_secs(180);
/// The region every test signs for (moto's default).
pub const REGION: &str = "us-east-1";
/// Unauthenticated actions [`Moto::start_with_admin_user`] spends on set-up: `CreateUser`,
/// `CreateAccessKey`, `PutUserPolicy`.
pub const SETUP_ACTIONS: u32 = 3;
/// How many server log lines are kept for failure messages.
const LOG_LINES: usize = 400;

/// Runs moto's server on 127.0.0.1, port 0 (the kernel picks a free one, the banner tells which),
/// with a stdin watchdog and a lifetime limit. argv[1]: seconds to live.
const LAUNCHER: &str = r#"
import os, sys, threading, time
import moto
from moto.server import main

def _exit_on_stdin_eof():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)

def _exit_after(seconds):
    time.sleep(seconds)
    sys.stderr.write("sigv4-moto-launcher: lifetime limit reached, exiting\n")
    sys.stderr.flush()
    os._exit(3)

threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()
threading.Thread(target=_exit_after, args=(float(sys.argv[1]),), daemon=True).start()
sys.stderr.write("sigv4-moto-launcher: moto " + moto.__version__ + "\n")
sys.stderr.flush()
main(["-H", "127.0.0.1", "-p", "0"])
"#;

/// A running moto server; dropping it stops the server.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    log: Arc<Mutex<VecDeque<String>>>,
}

/// An IAM user with an access key and an allow-all inline policy.
#[derive(Debug, Clone)]
pub struct IamUser {
    /// The user name.
    pub name: String,
    /// `arn:aws:iam::<account>:user/<name>`, as `GetCallerIdentity` reports it.
    pub arn: String,
    /// A long-term `AKIA…` key id (moto's, throw-away).
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
}

impl IamUser {
    /// Long-term credentials for signing.
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials::new(&self.access_key_id, &self.secret_access_key, None)
    }
}

/// Credentials of a role session from `sts:AssumeRole`.
#[derive(Debug, Clone)]
pub struct TemporaryCredentials {
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub assumed_role_arn: String,
    /// A temporary `ASIA…` key id.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// The session token moto expects in `X-Amz-Security-Token`.
    pub session_token: String,
}

impl TemporaryCredentials {
    /// Credentials with the session token, for signing.
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            Some(&self.session_token),
        )
    }
}

/// A parsed HTTP/1.1 response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as text (lossy), for assertions and messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header with this name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The text of the first `<tag>…</tag>` in an XML body.
    pub fn xml(&self, tag: &str) -> Option<String> {
        xml_text(&self.text(), tag)
    }

    /// `status`, then the body, for assertion messages.
    pub fn describe(&self) -> String {
        format!("HTTP {} with body:\n{}", self.status, self.text())
    }
}

/// One request to sign and send. `target` is the request target as it goes on the wire (path
/// and query, already percent-encoded); the signed URL is `http://127.0.0.1:<port><target>`.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// Path and query as sent, e.g. `/bucket/a%20b?list-type=2`.
    pub target: &'a str,
    /// Headers passed to the signer and sent. A `host` here is signed and sent as given;
    /// without one the signer uses the URL's authority and that is sent.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body, sent and hashed.
    pub body: &'a [u8],
    /// The signing name of the service: `sts`, `iam`, `s3`, ...; moto routes by it.
    pub service: &'a str,
    /// Signing settings (`s3` implies S3's rules whatever these say).
    pub settings: Settings,
}

impl<'a> Call<'a> {
    /// A request with no headers and no body, with default settings.
    pub fn new(method: &'a str, target: &'a str, service: &'a str) -> Self {
        Call {
            method,
            target,
            headers: Vec::new(),
            body: b"",
            service,
            settings: Settings::default(),
        }
    }

    /// A query-protocol call: POST `/` with a form body (see [`form_encode`]).
    pub fn form(service: &'a str, body: &'a str) -> Self {
        Call::new("POST", "/", service)
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body.as_bytes())
    }

    /// Adds a header, signed and sent.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// Sets the signing settings.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }
}

impl Moto {
    /// Starts moto with signature checking from the first action on (`INITIAL_NO_AUTH_ACTION_COUNT`
    /// = `no_auth_actions`). Panics, with what to install, when python3 or moto is missing: the
    /// end-to-end tests must fail, not skip, where they cannot run.
    pub fn start(no_auth_actions: u32) -> Moto {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut command = Command::new(PYTHON);
        command
            .arg("-c")
            .arg(LAUNCHER)
            .arg(MAX_LIFETIME.as_secs().to_string())
            .env("INITIAL_NO_AUTH_ACTION_COUNT", no_auth_actions.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("MOTO_PORT")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group, so Drop can kill everything it started.
            .process_group(0);
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot run `{PYTHON}` ({e}): the moto end-to-end tests need Python 3 with moto 5.2 \
                 in server mode (`pip install 'moto[server]==5.2.*'`); CI installs it"
            )
        });
        let stdin = child.stdin.take();
        let log = Arc::new(Mutex::new(VecDeque::with_capacity(LOG_LINES)));
        let (port_tx, port_rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr is piped");
        let thread_log = Arc::clone(&log);
        thread::spawn(move || read_log(stderr, &thread_log, &port_tx));

        // Build the guard now, so an early panic below still kills the server.
        let mut moto = Moto {
            child,
            stdin,
            port: 0,
            log,
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        moto.port = match port_rx.recv_timeout(remaining) {
            Ok(port) => port,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "moto printed no `Running on http://127.0.0.1:<port>` line within {START_TIMEOUT:?}; \
                 its output:\n{}",
                moto.log_tail()
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = moto.child.wait().map(|s| s.to_string()).unwrap_or_default();
                panic!(
                    "moto exited ({status}) before listening; is moto 5.2 installed for `{PYTHON}` \
                     (`pip install 'moto[server]==5.2.*'`)? Its output:\n{}",
                    moto.log_tail()
                )
            }
        };
        moto.wait_until_ready(deadline);
        moto
    }

    /// Starts moto, creates an IAM user with an access key and an allow-all policy in the
    /// [`SETUP_ACTIONS`] unauthenticated actions, then checks that a wrong secret is refused, so
    /// that every later success really passed moto's signature check.
    pub fn start_with_admin_user() -> (Moto, IamUser) {
        let moto = Moto::start(SETUP_ACTIONS);
        let user = moto.create_admin_user("sigv4-e2e");
        moto.assert_signatures_are_verified(&user);
        (moto, user)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:<port>`.
    pub fn authority(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:<port><target>`.
    pub fn url(&self, target: &str) -> String {
        format!("http://127.0.0.1:{}{target}", self.port)
    }

    /// The server's last log lines (its request log and any Python tracebacks).
    pub fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().fold(String::new(), |mut out, line| {
            let _ = writeln!(out, "    {line}");
            out
        })
    }

    /// Signs `call` with the library and returns every header to send: the call's headers,
    /// `Host` when the call has none, and the signature headers.
    pub fn sign(&self, call: &Call<'_>, credentials: &Credentials<'_>) -> Vec<(String, String)> {
        let url = self.url(call.target);
        let request = Request {
            method: call.method,
            url: &url,
            headers: &call.headers,
            payload: Payload::Body(call.body),
        };
        let params = SigningParams {
            region: REGION,
            service: call.service,
            date: None,
            settings: call.settings,
        };
        let output = sigv4::sign(&request, credentials, &params).unwrap_or_else(|e| {
            panic!("sigv4::sign refused {call:?}: {e}; it should sign this request")
        });
        let mut headers: Vec<(String, String)> = call
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        if !call
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("host"))
        {
            headers.push(("Host".to_string(), self.authority()));
        }
        headers.extend(
            output
                .headers()
                .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        headers
    }

    /// Signs `call` and sends it.
    pub fn call(&self, call: &Call<'_>, credentials: &Credentials<'_>) -> HttpResponse {
        let headers = self.sign(call, credentials);
        self.send(call.method, call.target, &headers, call.body)
    }

    /// Sends a request as given (no signing; `Host` only if `headers` has one). Panics with the
    /// server log when the exchange fails.
    pub fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> HttpResponse {
        http_exchange(self.port, method, target, headers, body).unwrap_or_else(|e| {
            panic!(
                "{method} {target} to moto on port {} failed: {e}; server log:\n{}",
                self.port,
                self.log_tail()
            )
        })
    }

    /// Creates `name` with an access key and an inline allow-all policy, signing with throw-away
    /// keys: these must be moto's unauthenticated actions, which still have to be signed SigV4
    /// requests, since moto routes by the credential scope in `Authorization`.
    pub fn create_admin_user(&self, name: &str) -> IamUser {
        let setup = Credentials::new("AKIDSETUPNOTCHECKED0", "not-checked-during-setup", None);
        let body = form_encode(&[
            ("Action", "CreateUser"),
            ("UserName", name),
            ("Version", "2010-05-08"),
        ]);
        let created = self.call(&Call::form("iam", &body), &setup);
        self.expect_ok(
            "iam:CreateUser (an unauthenticated set-up action)",
            &created,
        );
        let arn = self.expect_xml(&created, "Arn");

        let body = form_encode(&[
            ("Action", "CreateAccessKey"),
            ("UserName", name),
            ("Version", "2010-05-08"),
        ]);
        let key = self.call(&Call::form("iam", &body), &setup);
        self.expect_ok(
            "iam:CreateAccessKey (an unauthenticated set-up action)",
            &key,
        );

        let body = form_encode(&[
            ("Action", "PutUserPolicy"),
            ("UserName", name),
            ("PolicyName", "allow-all"),
            ("PolicyDocument", ALLOW_ALL_POLICY),
            ("Version", "2010-05-08"),
        ]);
        let policy = self.call(&Call::form("iam", &body), &setup);
        self.expect_ok(
            "iam:PutUserPolicy (an unauthenticated set-up action)",
            &policy,
        );

        IamUser {
            name: name.to_string(),
            arn,
            access_key_id: self.expect_xml(&key, "AccessKeyId"),
            secret_access_key: self.expect_xml(&key, "SecretAccessKey"),
        }
    }

    /// Panics unless moto refuses `sts:GetCallerIdentity` signed with a wrong secret for `user`:
    /// without this, a success proves nothing.
    pub fn assert_signatures_are_verified(&self, user: &IamUser) {
        let wrong_secret = format!("{}x", user.secret_access_key);
        let credentials = Credentials::new(&user.access_key_id, &wrong_secret, None);
        let response = self.call(&Call::form("sts", GET_CALLER_IDENTITY), &credentials);
        assert_eq!(
            response.status,
            403,
            "moto must refuse GetCallerIdentity signed with a wrong secret once the {SETUP_ACTIONS} \
             set-up actions are spent (INITIAL_NO_AUTH_ACTION_COUNT={SETUP_ACTIONS}); otherwise it \
             is not verifying signatures and these tests prove nothing; got {}\nserver log:\n{}",
            response.describe(),
            self.log_tail()
        );
    }

    /// Lets `user` assume a new role `role` (trust policy naming the user, allow-all role
    /// policy) and returns the session's credentials; every call is signed as `user`.
    pub fn assume_role(&self, user: &IamUser, role: &str, session: &str) -> TemporaryCredentials {
        let credentials = user.credentials();
        let trust = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{}"}}, "Action": "sts:AssumeRole"}}]}}"#,
            user.arn
        );
        let body = form_encode(&[
            ("Action", "CreateRole"),
            ("RoleName", role),
            ("AssumeRolePolicyDocument", &trust),
            ("Version", "2010-05-08"),
        ]);
        let created = self.call(&Call::form("iam", &body), &credentials);
        self.expect_ok(
            "iam:CreateRole signed with the user's long-term keys",
            &created,
        );
        let role_arn = self.expect_xml(&created, "Arn");

        let body = form_encode(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", role),
            ("PolicyName", "allow-all"),
            ("PolicyDocument", ALLOW_ALL_POLICY),
            ("Version", "2010-05-08"),
        ]);
        let policy = self.call(&Call::form("iam", &body), &credentials);
        self.expect_ok(
            "iam:PutRolePolicy signed with the user's long-term keys",
            &policy,
        );

        let body = form_encode(&[
            ("Action", "AssumeRole"),
            ("RoleArn", &role_arn),
            ("RoleSessionName", session),
            ("Version", "2011-06-15"),
        ]);
        let assumed = self.call(&Call::form("sts", &body), &credentials);
        self.expect_ok(
            "sts:AssumeRole signed with the user's long-term keys",
            &assumed,
        );
        TemporaryCredentials {
            assumed_role_arn: self.expect_xml(&assumed, "Arn"),
            access_key_id: self.expect_xml(&assumed, "AccessKeyId"),
            secret_access_key: self.expect_xml(&assumed, "SecretAccessKey"),
            session_token: self.expect_xml(&assumed, "SessionToken"),
        }
    }

    /// Panics with the response and the server log unless `response` is a 2xx.
    pub fn expect_ok(&self, what: &str, response: &HttpResponse) {
        assert!(
            (200..300).contains(&response.status),
            "{what}: expected a 2xx from moto, got {}\nserver log:\n{}",
            response.describe(),
            self.log_tail()
        );
    }

    fn expect_xml(&self, response: &HttpResponse, tag: &str) -> String {
        response.xml(tag).unwrap_or_else(|| {
            panic!(
                "expected <{tag}> in moto's response, got {}",
                response.describe()
            )
        })
    }

    /// Polls until the server answers an HTTP request (any status), up to `deadline`.
    fn wait_until_ready(&mut self, deadline: Instant) {
        let mut last_error = String::new();
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "moto exited ({status}) while starting; its output:\n{}",
                    self.log_tail()
                );
            }
            // /moto-api/* is moto's own API, not an AWS action: it does not count towards
            // INITIAL_NO_AUTH_ACTION_COUNT.
            let host = [("Host".to_string(), self.authority())];
            match http_exchange(self.port, "GET", "/moto-api/config", &host, b"") {
                Ok(_) => return,
                Err(e) => last_error = e.to_string(),
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "moto on port {} did not answer within {START_TIMEOUT:?} (last error: {last_error}); \
             its output:\n{}",
            self.port,
            self.log_tail()
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // EOF on stdin makes the launcher's watchdog exit the server at once.
        drop(self.stdin.take());
        // Then kill the whole process group (the launcher is its leader) and reap the child.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sts:GetCallerIdentity` as a query-protocol form body.
pub const GET_CALLER_IDENTITY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// An IAM policy that allows everything.
pub const ALLOW_ALL_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

/// Encodes form fields as Python's `urllib.parse.urlencode` does (`quote_plus`: letters, digits
/// and `_.-~` kept, space as `+`, every other byte `%XX` upper case). moto hashes the form it
/// re-serialises that way, not the wire bytes, so only a body in this form verifies.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        quote_plus_into(&mut out, name);
        out.push('=');
        quote_plus_into(&mut out, value);
    }
    out
}

fn quote_plus_into(out: &mut String, text: &str) {
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

/// The text of the first `<tag>…</tag>`, with XML's five entities decoded.
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(
        xml[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// Keeps the server's stderr (bounded) and reports the port from werkzeug's banner.
fn read_log(stderr: impl Read, log: &Mutex<VecDeque<String>>, port_tx: &mpsc::Sender<u16>) {
    const BANNER: &str = "Running on http://127.0.0.1:";
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    let mut port_sent = false;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if !port_sent && let Some(at) = text.find(BANNER) {
            let digits: String = text[at + BANNER.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(port) = digits.parse::<u16>() {
                port_sent = port_tx.send(port).is_ok();
            }
        }
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() == LOG_LINES {
            log.pop_front();
        }
        log.push_back(text);
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`), bounded in time.
pub fn http_exchange(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<HttpResponse> {
    let deadline = Instant::now() + 2 * IO_TIMEOUT;
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;

    let mut request = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    request.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    stream.flush()?;

    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no complete response within {:?}", 2 * IO_TIMEOUT),
            ));
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    parse_response(&raw)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn parse_response(raw: &[u8]) -> io::Result<HttpResponse> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid(format!("no end of headers in {} bytes", raw.len())))?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| version.starts_with("HTTP/1."))
        .ok_or_else(|| invalid(format!("bad status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut response = HttpResponse {
        status,
        headers,
        body: raw[head_end + 4..].to_vec(),
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if chunked {
        response.body = decode_chunked(&response.body)?;
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(format!("bad Content-Length {length:?}")))?;
        if response.body.len() < length {
            return Err(invalid(format!(
                "body cut short: {} of {length} bytes",
                response.body.len()
            )));
        }
        response.body.truncate(length);
    }
    Ok(response)
}

fn decode_chunked(mut data: &[u8]) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| invalid("chunk size line without CRLF".to_string()))?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size {size_text:?}")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if data.len() < size + 2 {
            return Err(invalid("chunk cut short".to_string()));
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}
