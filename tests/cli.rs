//! The command through its binary: outputs, exit codes and error messages.

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{evaluate, json_of};

#[test]
fn example_prints_every_domain_in_a_table() {
    let out = evaluate()
        .arg("examples/hidalgo/cohort.csv")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for d in [
        "cognitive_score",
        "extroverted_affectionate",
        "problem_solving",
        "self_knowledge",
        "assertive_communication",
        "teamwork",
        "normal_weight",
        "Legend",
        "DiD",
    ] {
        assert!(text.contains(d), "table lacks {d}");
    }
    assert!(text.contains(
        "Program: 950 participants, 879 seen at both waves, 54 only before, 17 only after"
    ));
    assert!(
        !text.contains("HGO-"),
        "a participant id leaked into the table"
    );
    assert!(!text.contains("NaN") && !text.contains("inf"));
}

#[test]
fn json_shape_and_attrition() {
    let v = json_of(&["examples/hidalgo/cohort.csv"]);
    assert_eq!(v["schema"], "evaluate/1");
    assert_eq!(v["input"]["design"], "pre_post_control");
    assert_eq!(v["input"]["paired"], true);
    assert_eq!(v["input"]["rows"], 3580);
    assert_eq!(v["input"]["participants"], 1860);
    let a = &v["input"]["attrition"][0];
    assert_eq!(a["group"], "intervention");
    assert_eq!(
        a["matched"].as_u64().unwrap()
            + a["baseline_only"].as_u64().unwrap()
            + a["followup_only"].as_u64().unwrap(),
        a["participants"].as_u64().unwrap()
    );
    assert_eq!(v["labels"]["intervention"], "program");
    assert_eq!(v["labels"]["post"], "after");
    let text = v.to_string();
    assert!(!text.contains("HGO-"));
    assert!(!text.contains("NaN"));
}

#[test]
fn csv_is_tidy_one_row_per_test() {
    let out = evaluate()
        .args(["testdata/cli/small.csv", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "stratum,domain,kind,comparison,method,primary,n,estimate,conf_low,conf_high,statistic,df,p_value,p_adjusted,effect_size_name,effect_size,suppressed,se,se_type,clusters,covariates"
    );
    assert!(text.contains(",score,continuous,did,ancova,true,"));
    assert!(text.contains(",reads,binary,change:intervention,mcnemar_exact,true,"));
    assert!(!text.contains("K0"));
}

/// Standard input (`-`), and on Linux a pipe given by path (`<(command)`,
/// /dev/stdin, read once and whole), read like the file itself.
#[test]
fn stdin_and_pipes_read_like_a_file() {
    let mut paths = vec!["-"];
    if cfg!(target_os = "linux") {
        paths.push("/dev/stdin");
    }
    let file = json_of(&["testdata/cli/small.csv"]);
    for path in paths {
        let out = evaluate()
            .args([path, "--format", "json"])
            .write_stdin(std::fs::read("testdata/cli/small.csv").unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["domains"], file["domains"], "{path}");
    }
}

fn fails_with(args: &[&str], fragments: &[&str]) {
    let mut a = evaluate().args(args).assert().code(2);
    for f in fragments {
        a = a.stderr(predicate::str::contains(*f));
    }
}

#[test]
fn user_errors_name_file_line_column_and_fix() {
    fails_with(
        &["testdata/cli/ragged.csv"],
        &["ragged.csv", "line 3", "fields"],
    );
    fails_with(
        &["testdata/cli/unknown_arm.csv"],
        &["unknown_arm.csv", "line 4", "placebo", "--intervention"],
    );
    // Three waves in no order that can be found (contract §6.4).
    fails_with(
        &["testdata/bad/unordered_waves.csv"],
        &[
            "3 waves found (cierre, inicio, medio) and no order",
            "[waves] order",
            "--pre",
        ],
    );
    fails_with(
        &["testdata/cli/text_in_numeric.csv"],
        &[
            "text_in_numeric.csv",
            "line 3",
            "column \"x\"",
            "abc",
            "fix:",
        ],
    );
    fails_with(
        &["testdata/cli/duplicate_wave.csv"],
        &["line 3", "line 2", "twice"],
    );
    fails_with(
        &["testdata/cli/no_such_file.csv"],
        &["no_such_file.csv", "cannot read"],
    );
    fails_with(&["testdata/cli"], &["folder"]);
    fails_with(
        &["testdata/cli/small.csv", "--by", "nope"],
        &["--by nope", "columns are"],
    );
    fails_with(
        &["testdata/cli/small.csv", "--conf-level", "95"],
        &["between 0 and 1"],
    );
}

#[test]
fn three_waves_with_pre_post_drop_the_rest() {
    let v = json_of(&[
        "testdata/cli/three_waves.csv",
        "--pre",
        "v1",
        "--post",
        "v2",
    ]);
    assert_eq!(v["labels"]["pre"], "v1");
    let w = v["warnings"].to_string();
    assert!(w.contains("1 rows of wave"), "{w}");
}

#[test]
fn output_file_is_written_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy("testdata/cli/small.csv", &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let inp = input.to_str().unwrap();
    fails_with(&[inp, "--output", inp], &["input file"]);
    // Another spelling of the same path.
    let other = format!("{}/./in.csv", dir.path().display());
    fails_with(&[inp, "--output", &other], &["input file"]);
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let out = dir.path().join("out.json");
    evaluate()
        .args([inp, "--format", "json", "--output", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout("");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "evaluate/1");
    let missing = dir.path().join("nope/out.json");
    fails_with(
        &[inp, "--output", missing.to_str().unwrap()],
        &["does not exist"],
    );
    assert!(!Path::new(&missing).exists());
}

#[test]
fn identical_inputs_give_identical_outputs() {
    let a = evaluate()
        .args(["examples/hidalgo/cohort.csv", "--format", "json"])
        .output()
        .unwrap();
    let b = evaluate()
        .args(["examples/hidalgo/cohort.csv", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let out = evaluate()
        .args(["examples/hidalgo/cohort.csv", "--format", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("reading") && !err.contains('\u{1b}'), "{err}");
}

/// Text that names each participant is skipped (identifiers are never printed),
/// a level every participant keeps is flagged as an attribute, and a real
/// categorical outcome is analysed with its levels.
#[test]
fn identifiers_are_skipped_and_attributes_set_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("text.csv");
    let mut csv = String::from("id,group,wave,score,band,note,mood\n");
    for i in 0..24 {
        let group = if i % 2 == 0 {
            "intervention"
        } else {
            "control"
        };
        let band = ["6-8", "9-11", "12-14"][i % 3];
        for (w, wave) in ["pre", "post"].iter().enumerate() {
            let mood = ["low", "mid", "high"][(i + w * (i % 2 + 1)) % 3];
            csv.push_str(&format!(
                "P{i},{group},{wave},{},{band},name {i},{mood}\n",
                10 + i + 3 * w
            ));
        }
    }
    std::fs::write(&path, csv).expect("write");
    let v = json_of(&[path.to_str().expect("utf-8 path")]);
    let names: Vec<&str> = v["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    // band never changes within a participant: an attribute (contract §6.1).
    assert_eq!(names, ["score", "mood"]);
    assert_eq!(v["input"]["attributes"], serde_json::json!(["band"]));
    assert_eq!(v["balance"][0]["variable"], "band");
    let w = v["warnings"].to_string();
    assert!(
        w.contains("24 distinct text values: free text or identifiers"),
        "{w}"
    );
    assert!(
        w.contains("band") && w.contains("same value at every wave for every participant"),
        "{w}"
    );
    assert!(!w.contains("mood: every participant"), "{w}");
    let mood = &v["domains"][1];
    assert_eq!(mood["kind"], "categorical");
    let levels: Vec<&str> = mood["summary"][0]["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(|l| l["level"].as_str())
        .collect();
    assert_eq!(levels, ["low", "mid", "high"]);
}
