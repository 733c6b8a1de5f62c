//! The README's worked example is what the binary prints: the block between
//! `<!-- example:start -->` and `<!-- example:end -->` must be the output of
//! `evaluate examples/hidalgo/cohort.csv` (the command line shown first in it),
//! whole or cut at a line `[…]`.
//! `UPDATE_README=1 cargo test --test readme` rewrites the block from the binary.

use assert_cmd::Command;

const START: &str = "<!-- example:start -->\n```\n";
const END: &str = "```\n<!-- example:end -->";

/// The README is read and rewritten by both tests (`UPDATE_README=1`): one at a time.
static README: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _one = README.lock().unwrap_or_else(|e| e.into_inner());
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

/// A block of README lines run through the binary: the fence after a line
/// `<!-- output -->` starts with `$ evaluate ARGS`; what follows is the output
/// (stdout, or stderr when the command fails), whole or in pieces cut at lines
/// `[…]`. Each piece is consecutive lines of the output, in order; the first starts
/// the output, and a last piece not followed by `[…]` ends it.
struct OutputBlock {
    /// Byte range of the block's text inside the README (after the fence line).
    start: usize,
    end: usize,
    args: Vec<String>,
    pieces: Vec<Vec<String>>,
    open_end: bool,
}

const OUTPUT_MARK: &str = "<!-- output -->\n```\n";

fn output_blocks(readme: &str) -> Vec<OutputBlock> {
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(at) = readme[from..].find(OUTPUT_MARK) {
        let start = from + at + OUTPUT_MARK.len();
        let end = start + readme[start..].find("```\n").expect("a closing fence");
        let text = &readme[start..end];
        let mut lines = text.lines();
        let command = lines.next().expect("a command line");
        let args: Vec<String> = command
            .strip_prefix("$ evaluate ")
            .expect("the block starts with `$ evaluate `")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let mut pieces = vec![Vec::new()];
        let mut open_end = false;
        for l in lines {
            open_end = l == "[…]";
            if open_end {
                pieces.push(Vec::new());
            } else if let Some(p) = pieces.last_mut() {
                p.push(l.to_string());
            }
        }
        if open_end {
            pieces.pop();
        }
        blocks.push(OutputBlock {
            start,
            end,
            args,
            pieces,
            open_end,
        });
        from = end;
    }
    blocks
}

fn run_block(args: &[String]) -> Vec<String> {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let text = if out.status.success() {
        out.stdout
    } else {
        out.stderr
    };
    String::from_utf8(text)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Where each piece starts in `out`, or the first piece that is not there.
fn place(b: &OutputBlock, out: &[String]) -> Result<Vec<usize>, usize> {
    let mut at = Vec::new();
    let mut from = 0;
    for (i, p) in b.pieces.iter().enumerate() {
        let fits = |s: usize| out.get(s..s + p.len()).is_some_and(|w| w == p.as_slice());
        let s = if i == 0 {
            Some(0).filter(|&s| fits(s))
        } else {
            (from..=out.len().saturating_sub(p.len())).find(|&s| fits(s))
        };
        let Some(s) = s else { return Err(i) };
        let last = i + 1 == b.pieces.len();
        if last && !b.open_end && s + p.len() != out.len() {
            return Err(i);
        }
        at.push(s);
        from = s + p.len();
    }
    Ok(at)
}

/// The block rewritten from the output: each piece is found again by its first
/// line (up to a `:` or `(`, so counts may change) and runs to the next blank line
/// (a section of the output), or to the end when it is the block's last and no
/// `[…]` follows; an empty first piece stays empty.
fn refreshed(b: &OutputBlock, out: &[String]) -> String {
    let mut text = format!("$ evaluate {}\n", b.args.join(" "));
    let mut from = 0;
    for (i, p) in b.pieces.iter().enumerate() {
        let head = p.first().map_or("", |l| {
            let cut = l.find([':', '(']).map_or(l.len(), |c| c + 1);
            &l[..cut]
        });
        let s = if i == 0 {
            0
        } else {
            (from..out.len())
                .find(|&s| out[s].starts_with(head))
                .unwrap_or(from)
        };
        let last = i + 1 == b.pieces.len();
        let n = if last && !b.open_end {
            out.len() - s
        } else if p.is_empty() {
            0
        } else {
            out[s..]
                .iter()
                .position(|l| l.trim().is_empty())
                .unwrap_or(out.len() - s)
        };
        if i > 0 {
            text.push_str("[…]\n");
        }
        for l in out.iter().skip(s).take(n) {
            text.push_str(l);
            text.push('\n');
        }
        from = s + n;
    }
    if b.open_end {
        text.push_str("[…]\n");
    }
    text
}

#[test]
fn readme_output_blocks_are_what_the_binary_prints() {
    let _one = README.lock().unwrap_or_else(|e| e.into_inner());
    let readme = std::fs::read_to_string("README.md").unwrap();
    let blocks = output_blocks(&readme);
    assert!(blocks.len() >= 4, "README output blocks: {}", blocks.len());
    if std::env::var_os("UPDATE_README").is_some() {
        let mut updated = String::new();
        let mut last = 0;
        for b in &blocks {
            updated.push_str(&readme[last..b.start]);
            updated.push_str(&refreshed(b, &run_block(&b.args)));
            last = b.end;
        }
        updated.push_str(&readme[last..]);
        std::fs::write("README.md", updated).unwrap();
        return;
    }
    for b in &blocks {
        let out = run_block(&b.args);
        if let Err(i) = place(b, &out) {
            panic!(
                "README block `$ evaluate {}`: piece {} is not in the binary's output:\n{}\n--- output:\n{}\nrun UPDATE_README=1 cargo test --test readme to refresh it",
                b.args.join(" "),
                i + 1,
                b.pieces[i].join("\n"),
                out.join("\n")
            );
        }
    }
}
