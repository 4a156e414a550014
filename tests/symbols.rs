//! The shared library exports exactly the symbols listed in `tests/symbols-in-versions`, all
//! named `sigv4_*`: a symbol that appears or disappears without an entry there is an ABI
//! change nobody decided on.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::library::built_library;

/// The shared library this test run built.
fn shared_library() -> PathBuf {
    built_library("libsigv4.so")
}

fn listed_symbols() -> BTreeSet<String> {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/symbols-in-versions");
    std::fs::read_to_string(list)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn exported_symbols_are_exactly_the_listed_sigv4_ones() {
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(shared_library())
        .output()
        .expect("nm (binutils) must be installed");
    assert!(output.status.success(), "nm failed: {output:?}");
    let exported: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().rev();
            let name = fields.next()?;
            let kind = fields.next()?;
            matches!(kind, "T" | "D" | "B" | "R").then(|| name.to_owned())
        })
        .collect();
    let foreign: Vec<&String> = exported
        .iter()
        .filter(|name| !name.starts_with("sigv4_"))
        .collect();
    assert!(
        foreign.is_empty(),
        "exported symbols outside the sigv4_ namespace: {foreign:?}"
    );
    assert_eq!(
        exported,
        listed_symbols(),
        "the exported symbols differ from tests/symbols-in-versions; add new symbols there with \
         their first version, and never remove one"
    );
}

#[test]
fn the_soname_carries_the_abi_version() {
    let output = Command::new("objdump")
        .arg("-p")
        .arg(shared_library())
        .output()
        .expect("objdump (binutils) must be installed");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.lines()
            .any(|line| line.split_whitespace().eq(["SONAME", "libsigv4.so.0"])),
        "libsigv4.so must have SONAME libsigv4.so.0:\n{text}"
    );
}
