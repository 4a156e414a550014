//! Differential test against botocore, the signer of the AWS SDK for Python, through the built
//! `libsigv4.so`: `tests/differential/botocore_diff.py` generates requests (20,000 by default),
//! signs each with botocore and with `sigv4_sign()` (via ctypes) and compares every output
//! header; then it checks a set of inputs the library must refuse.
//!
//! The seed is printed; `SIGV4_SEED=<n> cargo test --test botocore_differential` replays a run
//! (`SIGV4_COUNT` overrides the number of cases). python3 and botocore are required: CI installs
//! them, so a missing one fails this test rather than skipping it.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The whole run (20,000 cases plus the negative checks) takes well under a minute; past this
/// the child is killed and the test fails instead of hanging CI.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Environment variables passed through to the script when the caller sets them.
const PASSED_THROUGH: [&str; 3] = ["SIGV4_SEED", "SIGV4_COUNT", "SIGV4_MAX_REPORTS"];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/botocore_diff.py")
}

/// `libsigv4.so` as cargo built it for this test run.
fn shared_library() -> PathBuf {
    support::library::built_library("libsigv4.so")
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Fails with a clear message when python3 or botocore is missing (CI installs both).
fn require_botocore() {
    let python = python();
    let probe = Command::new(&python)
        .args([
            "-c",
            "import botocore, sys; print(botocore.__version__, sys.version)",
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{python}` ({e}): the botocore differential test needs python3 \
                 with botocore installed (`pip install botocore`); set PYTHON to use another \
                 interpreter"
            )
        });
    assert!(
        probe.status.success(),
        "`{python} -c 'import botocore'` failed: the botocore differential test needs \
         botocore (`pip install botocore`).\nstderr:\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
}

/// Reads a child's pipe to the end on its own thread, so a full pipe never stalls the child.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates the log shown on failure; the exit status decides.
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Kills the child if the test panics or times out before it exits.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn libsigv4_signs_every_generated_request_exactly_as_botocore_does() {
    require_botocore();
    let library = shared_library();

    let mut command = Command::new(python());
    command
        .arg(script())
        .arg(&library)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in PASSED_THROUGH {
        match std::env::var(name) {
            Ok(value) => command.env(name, value),
            Err(_) => command.env_remove(name),
        };
    }
    let mut child = KillOnDrop(
        command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{} {}`: {e}", python(), script().display())),
    );
    let stdout = drain(child.0.stdout.take());
    let stderr = drain(child.0.stderr.take());

    let started = Instant::now();
    let status = loop {
        match child.0.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.0.kill();
                let _ = child.0.wait();
                break None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for the botocore differential script failed: {e}"),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    println!("{stdout}");
    eprintln!("{stderr}");

    let status = status.unwrap_or_else(|| {
        panic!(
            "the botocore differential did not finish within {TIME_LIMIT:?} and was killed; \
             output so far is above"
        )
    });
    assert!(
        status.success(),
        "libsigv4 and botocore disagree, or a refused-input check failed ({status}); the \
         mismatches, canonical requests, strings to sign and the seed to replay are above \
         (library: {})",
        library.display()
    );
    assert!(
        stdout.contains(" 0 failed (seed "),
        "the script exited 0 without its summary line; output above"
    );
}
