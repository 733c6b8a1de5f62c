//! What the CLI tests share: the binary run from the crate's folder, a run that
//! must succeed (its stderr shown when it does not), and a run's JSON.
#![allow(dead_code)] // each test crate uses a part

use assert_cmd::Command;
use std::process::Output;

/// The binary, run from the crate's folder (fixtures by relative path).
pub fn evaluate() -> Command {
    let mut c = Command::cargo_bin("evaluate").expect("binary built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// The output of a run that must succeed.
pub fn succeed(c: &mut Command) -> Output {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The JSON of a run that must succeed.
pub fn json_of(args: &[&str]) -> serde_json::Value {
    let out = succeed(evaluate().args(args).args(["--format", "json"]));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
