//! `make install` / `make uninstall` as a user and a packager run them.
//!
//! * Into a prefix (`make install PREFIX=<tmp>/usr`): the file layout and soname links; a C
//!   program built with `pkg-config --cflags --libs sigv4` (dynamic, run with
//!   `LD_LIBRARY_PATH`) and with `pkg-config --static --cflags --libs sigv4` against
//!   `libsigv4.a` (no libsigv4 at run time); the CMake consumer in `tests/cmake/`
//!   (`pkg_check_modules(... IMPORTED_TARGET sigv4)`); then `make uninstall` leaves no file.
//! * Staged (`make install DESTDIR=<tmp>/stage PREFIX=/usr LIBDIR=/usr/lib/<multiarch>`): files
//!   land under the stage, `sigv4.pc` names the final `/usr` paths, `PKG_CONFIG_SYSROOT_DIR`
//!   maps them back into the stage for a build, and `make uninstall` with the same variables
//!   removes only what install put there.
//!
//! `make install` depends on `make lib` (`cargo build --release --lib`): inside `cargo test`
//! that is a nested cargo on the same target directory, which at most waits for the lock and
//! is up to date after `cargo test --release`. Every child is bounded in time; a missing
//! `make`, `pkg-config`, `cmake` or compiler fails the test with the package to install.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::bounded::{Outcome, WorkDir, require_tool, run};

/// `make install` may have to build the release library first (a cold build of the crate).
const MAKE_TIMEOUT: Duration = Duration::from_secs(900);
const TOOL_TIMEOUT: Duration = Duration::from_secs(180);
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The ABI number build.rs puts in the soname.
const SONAME: &str = "libsigv4.so.0";

/// What `examples/sign_request.c` prints with its fixed date (as in tests/c_api.rs; the
/// Authorization value is botocore's for the same request).
const EXAMPLE_EXPECTED_STDOUT: &str = "\
X-Amz-Date: 20150830T123600Z
X-Amz-Security-Token: AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=beb39537240706a5eec5933fb7e1d46ecc617683b2100c9b80231a84b4d52147
";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn path_str(path: &Path) -> &str {
    let s = path.to_str().expect("scratch paths are UTF-8");
    assert!(
        !s.contains(char::is_whitespace),
        "pkg-config output is split on whitespace, so {s:?} must have none"
    );
    s
}

/// `make -C <repo> <target> <vars...>` with no make, install-layout or pkg-config settings
/// inherited from the caller (an outer `make test` passes MAKEFLAGS down).
fn make(target: &str, vars: &[(&str, &Path)]) -> Outcome {
    let mut cmd = Command::new("make");
    cmd.arg("-C").arg(manifest_dir()).arg(target);
    for (name, value) in vars {
        cmd.arg(format!("{name}={}", value.display()));
    }
    for var in [
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
        "DESTDIR",
        "PREFIX",
        "LIBDIR",
        "INCLUDEDIR",
        "PKGCONFIGDIR",
    ] {
        cmd.env_remove(var);
    }
    let outcome = run(cmd, MAKE_TIMEOUT);
    assert!(
        outcome.success(),
        "`make {target}` must succeed:\n{}",
        outcome.describe()
    );
    outcome
}

fn require_tools() {
    require_tool("make", "make");
    require_tool("cc", "gcc");
    require_tool("pkg-config", "pkg-config");
    require_tool("readelf", "binutils");
}

/// `pkg-config <args> sigv4` with exactly this search setup; its output split into arguments.
fn pkg_config(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let mut cmd = Command::new("pkg-config");
    cmd.args(args).arg("sigv4");
    for var in [
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
    ] {
        cmd.env_remove(var);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let outcome = run(cmd, TOOL_TIMEOUT);
    assert!(
        outcome.success(),
        "pkg-config must find and read the installed sigv4.pc:\n{}",
        outcome.describe()
    );
    outcome
        .stdout_text()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Compiles `examples/sign_request.c` with `flags` (pkg-config's output) after the source.
fn compile_example(exe: &Path, flags: &[String]) {
    let mut cc = Command::new("cc");
    cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg(manifest_dir().join("examples").join("sign_request.c"))
        .arg("-o")
        .arg(exe)
        .args(flags);
    let outcome = run(cc, TOOL_TIMEOUT);
    assert!(
        outcome.success(),
        "examples/sign_request.c must build against the installed library with pkg-config's \
         flags:\n{}",
        outcome.describe()
    );
}

/// The shared libraries an executable needs (DT_NEEDED), from `readelf -d`.
fn needed_libraries(exe: &Path) -> Vec<String> {
    dynamic_entries(exe, "(NEEDED)")
}

/// Values of one kind of `readelf -d` entry, e.g. `(SONAME)`: the text between `[` and `]`.
fn dynamic_entries(file: &Path, kind: &str) -> Vec<String> {
    let mut cmd = Command::new("readelf");
    cmd.arg("-d").arg(file);
    let outcome = run(cmd, TOOL_TIMEOUT);
    assert!(outcome.success(), "readelf -d:\n{}", outcome.describe());
    outcome
        .stdout_text()
        .lines()
        .filter(|l| l.contains(kind))
        .filter_map(|l| {
            let start = l.find('[')?;
            let end = l.rfind(']')?;
            Some(l[start + 1..end].to_owned())
        })
        .collect()
}

/// Runs a built program with an environment that holds no LD_LIBRARY_PATH but `ld_path`.
fn run_program(exe: &Path, ld_path: Option<&Path>) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.env_remove("LD_LIBRARY_PATH");
    if let Some(dir) = ld_path {
        cmd.env("LD_LIBRARY_PATH", dir);
    }
    let outcome = run(cmd, RUN_TIMEOUT);
    assert!(
        outcome.success(),
        "the program built against the installed library must run:\n{}",
        outcome.describe()
    );
    outcome
}

/// Every file and symlink under `root`, relative to it, sorted.
fn files_under(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("read_dir entry").path();
            let meta = fs::symlink_metadata(&path).expect("lstat");
            if meta.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn expected_files(libdir: &str, includedir: &str) -> Vec<String> {
    let mut files = vec![
        format!("{libdir}/libsigv4.a"),
        format!("{libdir}/libsigv4.so"),
        format!("{libdir}/libsigv4.so.0"),
        format!("{libdir}/libsigv4.so.{VERSION}"),
        format!("{libdir}/pkgconfig/sigv4.pc"),
        format!("{includedir}/sigv4.h"),
    ];
    files.sort();
    files
}

/// The soname chain: libsigv4.so -> libsigv4.so.0 -> libsigv4.so.<version>, whose DT_SONAME
/// is libsigv4.so.0, and the header installed is the committed one.
fn check_layout(libdir: &Path, includedir: &Path) {
    let link = |name: &str| {
        fs::read_link(libdir.join(name))
            .unwrap_or_else(|e| panic!("{name} must be a symlink in {}: {e}", libdir.display()))
    };
    assert_eq!(
        link("libsigv4.so"),
        PathBuf::from(SONAME),
        "the development link libsigv4.so points at the soname, relatively"
    );
    assert_eq!(
        link(SONAME),
        PathBuf::from(format!("libsigv4.so.{VERSION}")),
        "the soname link points at the versioned file, relatively"
    );
    let real = libdir.join(format!("libsigv4.so.{VERSION}"));
    assert_eq!(
        dynamic_entries(&real, "(SONAME)"),
        vec![SONAME.to_owned()],
        "the installed library's DT_SONAME carries the ABI number (build.rs)"
    );
    assert_eq!(
        fs::read(includedir.join("sigv4.h")).expect("installed header"),
        fs::read(manifest_dir().join("include").join("sigv4.h")).expect("committed header"),
        "the installed header is include/sigv4.h"
    );
}

#[test]
fn installed_prefix_serves_pkg_config_dynamic_and_static_links_and_cmake_until_uninstalled() {
    require_tools();
    require_tool("cmake", "cmake");
    let work = WorkDir::new("install-tests", "prefix");
    let prefix = work.path().join("usr");
    let libdir = prefix.join("lib");
    make("install", &[("PREFIX", &prefix)]);

    assert_eq!(
        files_under(&prefix),
        expected_files("lib", "include"),
        "make install PREFIX={} installs exactly these files",
        prefix.display()
    );
    check_layout(&libdir, &prefix.join("include"));
    let pc = fs::read_to_string(libdir.join("pkgconfig/sigv4.pc")).expect("read sigv4.pc");
    for line in [
        format!("prefix={}", prefix.display()),
        "libdir=${prefix}/lib".to_owned(),
        "includedir=${prefix}/include".to_owned(),
        "Name: sigv4".to_owned(),
        format!("Version: {VERSION}"),
        "Libs: -L${libdir} -lsigv4".to_owned(),
        "Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc".to_owned(),
        "Cflags: -I${includedir}".to_owned(),
    ] {
        assert!(
            pc.lines().any(|l| l == line),
            "sigv4.pc must have the line {line:?}; it is:\n{pc}"
        );
    }

    let pc_path = libdir.join("pkgconfig");
    let env = [("PKG_CONFIG_PATH", path_str(&pc_path))];
    let mut version = Command::new("pkg-config");
    version
        .args(["--modversion", "sigv4"])
        .env("PKG_CONFIG_PATH", &pc_path);
    assert_eq!(
        run(version, TOOL_TIMEOUT).stdout_text().trim(),
        VERSION,
        "pkg-config reports Cargo.toml's version"
    );

    // Dynamic: `cc prog.c $(pkg-config --cflags --libs sigv4)`, run with LD_LIBRARY_PATH.
    let flags = pkg_config(&["--cflags", "--libs"], &env);
    assert_eq!(
        flags,
        [
            format!("-I{}", prefix.join("include").display()),
            format!("-L{}", libdir.display()),
            "-lsigv4".to_owned(),
        ],
        "pkg-config --cflags --libs sigv4"
    );
    let dynamic = work.path().join("sign_request_dynamic");
    compile_example(&dynamic, &flags);
    assert!(
        needed_libraries(&dynamic).contains(&SONAME.to_owned()),
        "a -lsigv4 link records the soname {SONAME}; needed: {:?}",
        needed_libraries(&dynamic)
    );
    let out = run_program(&dynamic, Some(&libdir));
    assert_eq!(
        out.stdout_text(),
        EXAMPLE_EXPECTED_STDOUT,
        "the dynamically linked example prints the known-answer headers"
    );

    // Static: `pkg-config --static` adds Libs.private; -Wl,-Bstatic makes -lsigv4 pick
    // libsigv4.a although libsigv4.so sits beside it.
    let static_flags: Vec<String> = pkg_config(&["--static", "--cflags", "--libs"], &env)
        .into_iter()
        .flat_map(|flag| {
            if flag == "-lsigv4" {
                vec!["-Wl,-Bstatic".to_owned(), flag, "-Wl,-Bdynamic".to_owned()]
            } else {
                vec![flag]
            }
        })
        .collect();
    assert!(
        static_flags.ends_with(&[
            "-Wl,-Bstatic".to_owned(),
            "-lsigv4".to_owned(),
            "-Wl,-Bdynamic".to_owned(),
            "-lgcc_s".to_owned(),
            "-lutil".to_owned(),
            "-lrt".to_owned(),
            "-lpthread".to_owned(),
            "-lm".to_owned(),
            "-ldl".to_owned(),
            "-lc".to_owned(),
        ]),
        "pkg-config --static --libs sigv4 appends Libs.private after -lsigv4; got {static_flags:?}"
    );
    let fixed = work.path().join("sign_request_static");
    compile_example(&fixed, &static_flags);
    let needed = needed_libraries(&fixed);
    assert!(
        !needed.iter().any(|l| l.starts_with("libsigv4")),
        "a static link must not need libsigv4 at run time; needed: {needed:?}"
    );
    let out = run_program(&fixed, None);
    assert_eq!(
        out.stdout_text(),
        EXAMPLE_EXPECTED_STDOUT,
        "the statically linked example prints the known-answer headers"
    );

    // CMake: find_package(PkgConfig) + pkg_check_modules(SIGV4 REQUIRED IMPORTED_TARGET sigv4),
    // found through CMAKE_PREFIX_PATH; the build tree's RPATH finds libsigv4.so.0.
    let build = work.path().join("cmake-build");
    let mut configure = Command::new("cmake");
    configure
        .arg("-S")
        .arg(manifest_dir().join("tests").join("cmake"))
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .env_remove("PKG_CONFIG_PATH")
        .env_remove("PKG_CONFIG_LIBDIR")
        .env_remove("PKG_CONFIG_SYSROOT_DIR");
    let outcome = run(configure, TOOL_TIMEOUT);
    assert!(
        outcome.success(),
        "the CMake consumer must configure against the installed sigv4.pc:\n{}",
        outcome.describe()
    );
    let mut compile = Command::new("cmake");
    compile.arg("--build").arg(&build);
    let outcome = run(compile, TOOL_TIMEOUT);
    assert!(
        outcome.success(),
        "the CMake consumer must build:\n{}",
        outcome.describe()
    );
    let out = run_program(&build.join("sigv4_consumer"), None);
    assert_eq!(
        out.stdout_text(),
        format!("libsigv4 {VERSION}\n{EXAMPLE_EXPECTED_STDOUT}"),
        "the CMake consumer prints the library version and the known-answer headers"
    );

    make("uninstall", &[("PREFIX", &prefix)]);
    assert_eq!(
        files_under(&prefix),
        Vec::<String>::new(),
        "make uninstall PREFIX={} must leave no file behind",
        prefix.display()
    );
}

#[test]
fn staged_install_honours_destdir_and_libdir_and_uninstall_removes_only_its_files() {
    require_tools();
    let work = WorkDir::new("install-tests", "destdir");
    let stage = work.path().join("stage");
    let usr = Path::new("/usr");
    let multiarch = Path::new("/usr/lib/x86_64-linux-gnu");
    // A file that belongs to someone else must survive uninstall.
    let foreign = stage.join("usr/lib/x86_64-linux-gnu/libother.so.1");
    fs::create_dir_all(foreign.parent().expect("parent")).expect("create the stage");
    fs::write(&foreign, b"not ours").expect("write a foreign file");

    let vars = [
        ("DESTDIR", stage.as_path()),
        ("PREFIX", usr),
        ("LIBDIR", multiarch),
    ];
    make("install", &vars);
    let mut expected = expected_files("usr/lib/x86_64-linux-gnu", "usr/include");
    expected.push("usr/lib/x86_64-linux-gnu/libother.so.1".to_owned());
    expected.sort();
    assert_eq!(
        files_under(&stage),
        expected,
        "make install DESTDIR=<stage> PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu puts every \
         file under the stage, in LIBDIR"
    );
    let libdir = stage.join("usr/lib/x86_64-linux-gnu");
    check_layout(&libdir, &stage.join("usr/include"));

    // sigv4.pc names the final location, not the stage.
    let pc = fs::read_to_string(libdir.join("pkgconfig/sigv4.pc")).expect("read sigv4.pc");
    assert!(
        pc.lines().any(|l| l == "prefix=/usr")
            && pc
                .lines()
                .any(|l| l == "libdir=${prefix}/lib/x86_64-linux-gnu")
            && !pc.contains(path_str(&stage)),
        "a staged sigv4.pc must name /usr and ${{prefix}}/lib/x86_64-linux-gnu, never the \
         stage; it is:\n{pc}"
    );

    // PKG_CONFIG_SYSROOT_DIR maps those paths into the stage, so a package build can link
    // against it before it is installed.
    let pc_dir = libdir.join("pkgconfig");
    let env = [
        ("PKG_CONFIG_LIBDIR", path_str(&pc_dir)),
        ("PKG_CONFIG_SYSROOT_DIR", path_str(&stage)),
    ];
    let flags = pkg_config(&["--cflags", "--libs"], &env);
    assert_eq!(
        flags,
        [
            format!("-I{}", stage.join("usr/include").display()),
            format!("-L{}", libdir.display()),
            "-lsigv4".to_owned(),
        ],
        "with PKG_CONFIG_SYSROOT_DIR the flags point into the stage"
    );
    let exe = work.path().join("sign_request_staged");
    compile_example(&exe, &flags);
    let out = run_program(&exe, Some(&libdir));
    assert_eq!(
        out.stdout_text(),
        EXAMPLE_EXPECTED_STDOUT,
        "the example linked against the staged library prints the known-answer headers"
    );

    make("uninstall", &vars);
    assert_eq!(
        files_under(&stage),
        vec!["usr/lib/x86_64-linux-gnu/libother.so.1".to_owned()],
        "make uninstall with the same DESTDIR/PREFIX/LIBDIR removes its files and only those"
    );
}
