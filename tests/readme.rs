//! The README's worked example is what the binary prints: the block between
//! `<!-- example:start -->` and `<!-- example:end -->` must be the output of
//! `evaluate examples/hidalgo/cohort.csv` (the command line shown first in it),
//! whole or cut at a line `[…]`.
//! `UPDATE_README=1 cargo test --test readme` rewrites the block from the binary.

use assert_cmd::Command;

const START: &str = "<!-- example:start -->\n```\n";
const END: &str = "```\n<!-- example:end -->";

/// Lines of the example shown in the README before it is cut.
const SHOWN: usize = 48;

fn example_output() -> String {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .arg("examples/hidalgo/cohort.csv")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    format!("$ evaluate examples/hidalgo/cohort.csv\n{text}")
}

#[test]
fn readme_example_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find(START)
        .expect("README has an example:start marker")
        + START.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README has an example:end marker");
    let want = example_output();
    if std::env::var_os("UPDATE_README").is_some() {
        let mut cut: String = want.lines().take(SHOWN).map(|l| format!("{l}\n")).collect();
        if want.lines().count() > SHOWN {
            cut.push_str("[…]\n");
        }
        let updated = format!("{}{}{}", &readme[..start], cut, &readme[end..]);
        std::fs::write("README.md", updated).unwrap();
        return;
    }
    let block = &readme[start..end];
    let (shown, want): (String, String) = match block.find("[…]\n") {
        Some(at) => {
            let shown = &block[..at];
            let n = shown.lines().count();
            let head: String = want.lines().take(n).map(|l| format!("{l}\n")).collect();
            (shown.to_string(), head)
        }
        None => (block.to_string(), want),
    };
    if shown != want {
        let first = shown
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(shown.lines().count().min(want.lines().count()));
        panic!(
            "the README's example differs from the binary's output from line {} of the block:\n  README: {:?}\n  binary: {:?}\nrun UPDATE_README=1 cargo test --test readme to refresh it",
            first + 1,
            shown.lines().nth(first),
            want.lines().nth(first)
        );
    }
}
