//! A participant twice in one wave of a file with more than two waves. The
//! merge does not keep where each participant was read at each wave (only that
//! message needs it, and it costs a place in memory per row): a file with such
//! a row is read again keeping it, so the message still names both lines, from a
//! file, from stdin, with the order in a spec or found in the file.

use assert_cmd::Command;
use std::fmt::Write as _;

/// stderr and exit code of `evaluate ARGS` with `stdin`.
fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> (String, i32) {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// Four waves, wave-major, `n` participants (several blocks of the reader at
/// 20,000), and one more row for participant `dup` at wave `w` placed after
/// row `after` (1-based data row): the file and the duplicate's line and the
/// line of the participant's first row at that wave.
fn wave_major(n: usize, dup: usize, w: usize, after: usize) -> (String, u64, u64) {
    let labels = ["baseline", "visit 2", "visit 3", "final"];
    let mut rows = Vec::new();
    for (wi, label) in labels.iter().enumerate() {
        for i in 0..n {
            let arm = if i.is_multiple_of(2) {
                "program"
            } else {
                "control"
            };
            rows.push(format!("P{i:06},{arm},{label},{}", (i * 7 + wi * 3) % 40));
        }
    }
    let first = (w * n + dup) as u64 + 2;
    let arm = if dup.is_multiple_of(2) {
        "program"
    } else {
        "control"
    };
    rows.insert(after, format!("P{dup:06},{arm},{},9", labels[w]));
    let mut s = String::from("id,group,wave,score\n");
    for r in &rows {
        writeln!(s, "{r}").unwrap();
    }
    (s, after as u64 + 2, first)
}

#[test]
fn a_wave_twice_names_both_lines_from_a_file_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let (data, line, first) = wave_major(20_000, 123, 2, 70_000);
    std::fs::write(dir.path().join("visits.csv"), &data).unwrap();
    let want = format!(
        "visits.csv, line {line}, column \"id\": participant \"P000123\" appears twice in the same wave (also on line {first} of visits.csv)"
    );
    let (err, code) = run(dir.path(), &["visits.csv"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&want), "{err}\nwant: {want}");
    let (err, code) = run(dir.path(), &["-"], &data);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&want.replace("visits.csv", "<stdin>")),
        "{err}"
    );
    // The order given in a spec: the same message.
    std::fs::write(
        dir.path().join("spec.toml"),
        "[waves]\norder = [\"baseline\", \"visit 2\", \"visit 3\", \"final\"]\n",
    )
    .unwrap();
    let (err, code) = run(dir.path(), &["visits.csv", "--spec", "spec.toml"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&want), "{err}");
}

#[test]
fn the_earlier_row_of_the_wave_not_the_latest_row_is_named() {
    // Participant-major: a's rows at pre, mid and post, then pre again. The
    // earlier row of that wave is line 2, not a's latest row (line 4).
    let dir = tempfile::tempdir().unwrap();
    let data = "id,group,wave,score\n\
                a,program,pre,1\n\
                a,program,mid,2\n\
                a,program,post,3\n\
                b,control,pre,2\n\
                b,control,mid,2\n\
                b,control,post,2\n\
                a,program,pre,5\n";
    std::fs::write(dir.path().join("d.csv"), data).unwrap();
    let (err, code) = run(dir.path(), &["d.csv"], "");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "d.csv, line 8, column \"id\": participant \"a\" appears twice in the same wave (also on line 2 of d.csv)"
        ),
        "{err}"
    );
}
