//! Issue 21, through the binary: what a reader sees never contradicts itself.
//! Untestable tests are null everywhere; intervals and significance say which rule
//! they follow.

use assert_cmd::Command;
use std::fmt::Write as _;

fn evaluate() -> Command {
    let mut c = Command::cargo_bin("evaluate").expect("binary built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = evaluate()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every change exactly +0.5, written as decimals (3.7 → 4.2), with balanced and
/// very unbalanced arms: every paired test of the score is null with a warning,
/// ANCOVA included, and its estimate is exactly 0 (never −0 or 1e-16); the table
/// prints no interval and no p for it.
#[test]
fn a_constant_change_is_untestable_in_every_method() {
    let dir = tempfile::tempdir().unwrap();
    for (n, control) in [(60, 30), (838, 1), (300, 299), (2000, 1)] {
        let mut s = String::from("id,group,wave,score\n");
        for i in 0..n {
            let arm = if i < n - control {
                "program"
            } else {
                "control"
            };
            let pre = ((i * 37) % 50) as f64 / 10.0 + 0.1;
            writeln!(s, "{i},{arm},pre,{pre:.1}").unwrap();
            writeln!(s, "{i},{arm},post,{:.1}", pre + 0.5).unwrap();
        }
        let path = dir.path().join(format!("half{n}.csv"));
        std::fs::write(&path, s).unwrap();
        let p = path.to_str().unwrap();
        let v = json(&[p]);
        let tests = v["domains"][0]["tests"].as_array().unwrap();
        for t in tests {
            let c = t["comparison"].as_str().unwrap();
            let m = t["method"].as_str().unwrap();
            if c == "did" || m == "paired_t" {
                assert!(t["p_value"].is_null(), "{n}: {t}");
                assert!(t["conf_low"].is_null() && t["conf_high"].is_null(), "{t}");
                let warned = v["warnings"].as_array().unwrap().iter().any(|w| {
                    w["message"]
                        .as_str()
                        .is_some_and(|s| s.contains(&format!("{c} {m}")))
                });
                assert!(warned, "{n}: no warning for {c} {m}: {}", v["warnings"]);
            }
            if c == "did" {
                assert_eq!(t["estimate"].to_string(), "0.0", "{n}: {t}");
            }
        }
        let out = evaluate().arg(p).output().unwrap();
        let table = String::from_utf8_lossy(&out.stdout);
        assert!(table.contains("p – (ANCOVA)"), "{table}");
        assert!(!table.contains("[0.00, 0.00]"), "{table}");
    }
}

/// One rule for significance: the small cohort's "reads" DiD has an interval from
/// 0 to 82 and an adjusted p of 0.098. The legend says intervals are per domain,
/// the finding says why it is not significant, the effects chart's caption says
/// what filled and hollow mean; with `--adjust none` the legend line goes.
#[test]
fn intervals_and_significance_follow_one_rule() {
    for (lang, legend, finding) in [
        (
            "en",
            "Intervals are per domain, not adjusted",
            "not statistically significant once adjusted across domains",
        ),
        (
            "es",
            "Los intervalos son por dominio, sin ajuste",
            "sin significación estadística tras el ajuste entre dominios",
        ),
    ] {
        for format in ["table", "markdown"] {
            let out = evaluate()
                .args([
                    "testdata/cli/small.csv",
                    "-q",
                    "--lang",
                    lang,
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains(legend), "{lang} {format}: {text}");
            assert!(text.contains(finding), "{lang} {format}: {text}");
        }
        let out = evaluate()
            .args([
                "testdata/cli/small.csv",
                "-q",
                "--lang",
                lang,
                "--adjust",
                "none",
            ])
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&out.stdout).contains(legend));
    }
    let dir = tempfile::tempdir().unwrap();
    evaluate()
        .args(["testdata/cli/small.csv", "-q", "--charts"])
        .arg(dir.path())
        .assert()
        .success();
    let svg = std::fs::read_to_string(dir.path().join("effects.svg")).unwrap();
    assert!(
        svg.contains("hollow = not significant after adjustment"),
        "{svg}"
    );
    assert!(
        svg.contains("intervals are per domain, not adjusted"),
        "{svg}"
    );
}

/// Suppression withholds only what it must: on the Hidalgo example with
/// `--min-cell 5`, one child who moved down two levels (a small cell of the
/// pre × post table) withholds that table, not the share of 838 program children
/// who moved up a level, nor the development-level finding.
#[test]
fn a_small_transition_cell_withholds_the_table_not_the_share() {
    let v = json(&[
        "examples/hidalgo/cohort.csv",
        "--spec",
        "examples/hidalgo/spec.toml",
        "--min-cell",
        "5",
        "-q",
        "--lang",
        "en",
    ]);
    let d = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "development_level")
        .unwrap();
    let g = &d["transitions"]["groups"][0];
    assert_eq!(g["group"], "intervention");
    assert_eq!(g["n"], 838);
    assert!(g["table"].is_null(), "{g}");
    assert_eq!(g["table_suppressed"], true);
    assert!(g.get("suppressed").is_none(), "{g}");
    let share = g["improved_proportion"].as_f64().unwrap();
    assert!((share - 0.308).abs() < 0.001, "{share}");
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["domain"] == "development_level")
        .unwrap();
    let text = finding["text"].as_str().unwrap();
    assert!(
        text.contains("31% of children in the program group moved up"),
        "{text}"
    );
    assert!(!text.contains("privacy"), "{text}");
}

/// CSV as an API: the same columns with and without `--min-cell` (`suppressed`
/// last, always), and `primary` / `p_adjusted` as in the JSON: per-level rows are
/// secondary (`primary = false`, empty `p_adjusted`).
#[test]
fn csv_columns_do_not_change_with_flags_and_agree_with_json() {
    let csv_of = |extra: &[&str]| {
        let out = evaluate()
            .args(["examples/hidalgo/cohort.csv", "-q", "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = csv_of(&[]);
    let flagged = csv_of(&["--min-cell", "5"]);
    let header = |s: &str| s.lines().next().unwrap().to_string();
    assert_eq!(header(&plain), header(&flagged));
    assert!(header(&plain).ends_with(",effect_size_name,effect_size,suppressed"));
    let mut per_level = 0;
    for line in plain.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 17, "{line}");
        assert_eq!(f[16], "false", "{line}");
        if f[1].contains('[') {
            per_level += 1;
            assert_eq!((f[5], f[13]), ("false", ""), "{line}");
        }
        if f[5] == "true" && !f[12].is_empty() {
            assert!(
                !f[13].is_empty(),
                "primary with a p-value is adjusted: {line}"
            );
        }
    }
    assert!(per_level > 0);
    let v = json(&["examples/hidalgo/cohort.csv", "-q"]);
    for d in v["domains"].as_array().unwrap() {
        for l in d["per_level"].as_array().into_iter().flatten() {
            for t in l["tests"].as_array().unwrap() {
                assert_eq!(t["primary"], false, "{t}");
                assert!(t["p_adjusted"].is_null());
            }
        }
    }
}

/// ODK Briefcase names a split multiple-choice question `group-question/choice`:
/// its choices are domains named `question/choice` (like Kobo's), and the
/// space-separated summary column is skipped with a warning, never a domain.
#[test]
fn odk_briefcase_choice_columns() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/kobo/odk_central.csv"
    ))
    .unwrap();
    let mut s = String::new();
    for (i, line) in base.lines().enumerate() {
        if i == 0 {
            s.push_str(line);
            s.push_str(",habilidades-actividades,habilidades-actividades/huerto,habilidades-actividades/lectura\n");
        } else {
            let (h, l) = (i % 2, (i / 2) % 3 == 0);
            let chosen: Vec<&str> = [(h == 1, "huerto"), (l, "lectura")]
                .iter()
                .filter(|c| c.0)
                .map(|c| c.1)
                .collect();
            writeln!(s, "{line},{},{h},{}", chosen.join(" "), u8::from(l)).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("briefcase.csv");
    std::fs::write(&path, s).unwrap();
    let v = json(&[path.to_str().unwrap(), "-q"]);
    let names: Vec<&str> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"actividades/huerto"), "{names:?}");
    assert!(names.contains(&"actividades/lectura"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.contains("habilidades")),
        "{names:?}"
    );
    assert!(!names.contains(&"actividades"), "{names:?}");
    let warned = v["warnings"].as_array().unwrap().iter().any(|w| {
        w["domain"] == "actividades"
            && w["message"]
                .as_str()
                .is_some_and(|m| m.contains("multiple-choice question"))
    });
    assert!(warned, "{}", v["warnings"]);
}

/// A chart that is not drawn is told, with why: a file with scores only has no
/// overview (yes/no domains), and the user hears so.
#[test]
fn a_chart_not_drawn_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let out = evaluate()
        .args([
            "testdata/cli/small.csv",
            "--ignore",
            "reads",
            "--ignore",
            "level",
            "--charts",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!dir.path().join("overview.png").exists());
    assert!(
        err.contains("overview.png not drawn: it shows yes/no domains"),
        "{err}"
    );
    assert!(dir.path().join("effects.png").exists());
}
