//! More than two waves with no order given: a look at the files before reading
//! (src/cohort/sample.rs) lets the first reading learn the labels only from its
//! start. The results must be those of reading with the order given in a spec,
//! whatever the look saw or missed, and errors those of reading every row.

use assert_cmd::Command;
use std::fmt::Write as _;
use std::path::Path;

/// stdout, stderr and exit code.
fn run(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// A long file, wave-major (every participant's first wave, then every second
/// wave, …): `n` participants, the waves `labels`; `row` writes the wave label
/// field of participant `i` at wave `w` (quoted, or skipped with None).
fn wave_major(
    n: usize,
    labels: &[&str],
    row: impl Fn(usize, usize) -> Option<String>,
    note: impl Fn(usize, usize) -> String,
) -> String {
    let mut s = String::from("id,group,wave,score,passes,note\n");
    let mut x: u64 = 12345;
    for w in 0..labels.len() {
        for i in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let Some(label) = row(i, w) else { continue };
            let arm = if i % 2 == 0 {
                "intervention"
            } else {
                "control"
            };
            let score = 20 + (x >> 33) % 30 + (w as u64) * (1 + (i as u64 % 2));
            let passes = (x >> 40) % 2;
            writeln!(s, "P{i:06},{arm},{label},{score},{passes},{}", note(i, w)).unwrap();
        }
    }
    s
}

/// A wave-major file of 20,000 participants, every one at every wave.
fn every_wave(labels: &[&str]) -> String {
    wave_major(
        20_000,
        labels,
        |_, w| Some(labels[w].to_string()),
        |_, _| "ok".into(),
    )
}

/// The message of a run on `data` that must fail (exit code 2).
fn error_of(data: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("visits.csv");
    std::fs::write(&csv, data).unwrap();
    let (_, err, code) = run(&[csv.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 2, "{err}");
    err
}

/// The JSON of `data` without a spec and with `[waves] order = order`: equal,
/// and the reading succeeded.
fn same_as_with_order(dir: &Path, data: &str, order: &[&str]) -> String {
    let csv = dir.join("visits.csv");
    std::fs::write(&csv, data).unwrap();
    let spec = dir.join("order.toml");
    let listed: Vec<String> = order.iter().map(|o| format!("\"{o}\"")).collect();
    std::fs::write(&spec, format!("[waves]\norder = [{}]\n", listed.join(", "))).unwrap();
    let csv = csv.to_str().unwrap();
    let (plain, err, code) = run(&[csv, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (ordered, err, code) = run(&[csv, "--spec", spec.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(plain, ordered);
    plain
}

#[test]
fn a_wave_major_file_reads_as_with_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let labels = ["visit 1", "visit 2", "visit 3", "visit 4"];
    let json = same_as_with_order(dir.path(), &every_wave(&labels), &labels);
    assert!(json.contains("\"visit 3\""));
}

#[test]
fn a_wave_the_look_cannot_see_still_reads_as_with_its_order() {
    // "visit 3" on one line only, quoted: any piece of the file holding it is
    // left out of the look, which sees three waves.
    let dir = tempfile::tempdir().unwrap();
    let labels = ["visit 1", "visit 2", "visit 3", "visit 4"];
    let data = wave_major(
        20_000,
        &labels,
        |i, w| match w {
            2 if i == 777 => Some("\"visit 3\"".into()),
            2 => None,
            _ => Some(labels[w].to_string()),
        },
        |_, _| "ok".into(),
    );
    same_as_with_order(dir.path(), &data, &labels);
}

#[test]
fn pre_and_post_words_keep_the_order_first_met_in_the_file() {
    // The middle waves' order is the order they first appear: "zeta" (one line
    // early in the file, quoted) before "alfa".
    let dir = tempfile::tempdir().unwrap();
    let labels = ["antes", "alfa", "zeta", "despues"];
    let data = wave_major(
        20_000,
        &labels,
        |i, w| match (w, i) {
            (0, 5) => Some("\"zeta\"".into()),
            (2, 5) => None,
            _ => Some(labels[w].to_string()),
        },
        |_, _| "ok".into(),
    );
    same_as_with_order(dir.path(), &data, &["antes", "zeta", "alfa", "despues"]);
}

#[test]
fn a_file_with_a_quoted_line_end_reads_as_with_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let labels = ["t0", "t1", "t2"];
    let data = wave_major(
        20_000,
        &labels,
        |_, w| Some(labels[w].to_string()),
        |i, _| {
            if i % 500 == 3 {
                "\"two\nlines, t2\"".into()
            } else {
                "one".into()
            }
        },
    );
    same_as_with_order(dir.path(), &data, &labels);
}

#[test]
fn an_empty_id_before_the_third_wave_is_still_the_error() {
    // Rows before the third label are read in full by a first reading: the
    // empty id there is the error, not the waves' order, even though a look at
    // the file sees three waves before reading.
    let err = error_of(&every_wave(&["t0", "t1", "t2"]).replacen("P000010,", ",", 1));
    assert!(err.contains("the participant id is empty"), "{err}");
    assert!(err.contains("line 12"), "{err}");
}

#[test]
fn two_labels_of_one_wave_met_twice_before_the_third_are_still_the_error() {
    // "pre" and "baseline" both mean the first wave for a first reading: a
    // participant at both, before the third label, appears twice in one wave
    // (a reading in the order of the three waves alone would not fail).
    let err = error_of(&every_wave(&["pre", "baseline", "post"]));
    assert!(
        err.contains("line 20002")
            && err.contains("appears twice in the same wave (also on line 2 "),
        "{err}"
    );
}
