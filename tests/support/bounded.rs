//! Child processes with a time limit, for the tests that drive compilers, `make`, `cmake`,
//! `pkg-config` and the example programs (`tests/cpp.rs`, `tests/curl.rs`,
//! `tests/install.rs`).
//!
//! Every child runs in its own process group with stdin closed; past its limit the whole group
//! is killed (a compiler's or make's children too) and the outcome says so. Output is
//! collected by two reader threads, so a chatty child cannot block on a full pipe.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What a bounded child did.
#[derive(Debug)]
pub struct Outcome {
    /// Its exit status (after a kill: the signal).
    pub status: ExitStatus,
    /// Killed at its time limit.
    pub timed_out: bool,
    /// Everything it wrote to stdout, as bytes (bodies may be binary).
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr, lossily decoded.
    pub stderr: String,
    /// The command line, with the environment it was given, for messages.
    pub command: String,
}

impl Outcome {
    /// Exited by itself with status 0.
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.success()
    }

    /// Its exit code, `None` when killed.
    pub fn code(&self) -> Option<i32> {
        if self.timed_out {
            None
        } else {
            self.status.code()
        }
    }

    /// stdout, lossily decoded.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The command, its status and its output, for assertion messages (stdout cut at 4 KiB).
    pub fn describe(&self) -> String {
        let mut stdout = self.stdout_text();
        if stdout.len() > 4096 {
            let mut cut = 4096;
            while !stdout.is_char_boundary(cut) {
                cut -= 1;
            }
            stdout.truncate(cut);
            stdout.push_str("\n[... cut ...]");
        }
        format!(
            "$ {}\nexit: {}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command,
            self.status,
            if self.timed_out {
                " (killed: over its time limit)"
            } else {
                ""
            },
            stdout,
            self.stderr
        )
    }
}

fn describe_command(cmd: &Command) -> String {
    let mut s = String::new();
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => s.push_str(&format!("{}={} ", k.to_string_lossy(), v.to_string_lossy())),
            None => s.push_str(&format!("-u {} ", k.to_string_lossy())),
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        s.push_str(&format!("(cd {}) ", dir.display()));
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd` in its own process group with stdin closed; past `timeout` the group is killed
/// and the outcome is a failure carrying what the child printed so far. Panics only when the
/// program cannot be started, naming it.
pub fn run(mut cmd: Command, timeout: Duration) -> Outcome {
    let command = describe_command(&cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + timeout;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break (status, false);
        }
        if Instant::now() >= deadline {
            // The child leads its own group (process_group(0)), so `-pid` names the group:
            // a compiler's, make's or cargo's children go too.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            break (child.wait().expect("wait after kill"), true);
        }
        thread::sleep(Duration::from_millis(20));
    };
    // A grandchild that escaped the group could keep the pipes open; do not wait on it forever.
    let stdout = join_within(out_reader, Duration::from_secs(10));
    let stderr =
        String::from_utf8_lossy(&join_within(err_reader, Duration::from_secs(10))).into_owned();
    Outcome {
        status,
        timed_out,
        stdout,
        stderr,
        command,
    }
}

fn join_within(reader: thread::JoinHandle<Vec<u8>>, limit: Duration) -> Vec<u8> {
    let deadline = Instant::now() + limit;
    while !reader.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    if reader.is_finished() {
        reader.join().unwrap_or_default()
    } else {
        b"[output reader still blocked: a grandchild kept the pipe open]".to_vec()
    }
}

/// Whether `tool --version` runs and succeeds.
pub fn tool_exists(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Panics, with the Debian package to install, unless `tool` runs.
pub fn require_tool(tool: &str, debian_package: &str) {
    assert!(
        tool_exists(tool),
        "`{tool}` is not installed (or `{tool} --version` fails); this test needs it: \
         `apt-get install {debian_package}` (.ci/run installs it)"
    );
}

/// A scratch directory under `$CARGO_TARGET_TMPDIR/<group>/<name>-<pid>`, emptied first and
/// removed when the test passes (kept after a failure, for inspection).
#[derive(Debug)]
pub struct WorkDir(PathBuf);

impl WorkDir {
    /// Creates it (removing any leftover of the same name).
    pub fn new(group: &str, name: &str) -> WorkDir {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(group)
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        WorkDir(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
