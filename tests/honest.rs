//! Issue 21, through the binary: what a reader sees never contradicts itself.
//! Untestable tests are null everywhere; intervals and significance say which rule
//! they follow.

use std::fmt::Write as _;

mod common;
use common::{evaluate, json_of as json};

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
    // The markers follow the same rule: "reads" (interval 0.002 to 0.82, p 0.049,
    // adjusted p 0.098) and "score" (adjusted p 0.098) are both hollow; with
    // `--adjust none` "reads" is filled, "score" (p 0.075) stays hollow, and the
    // legend no longer speaks of an adjustment.
    assert_eq!(markers(&svg), ["hollow", "hollow"], "{svg}");
    let dir = tempfile::tempdir().unwrap();
    evaluate()
        .args([
            "testdata/cli/small.csv",
            "-q",
            "--adjust",
            "none",
            "--charts",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let svg = std::fs::read_to_string(dir.path().join("effects.svg")).unwrap();
    assert_eq!(markers(&svg), ["filled", "hollow"], "{svg}");
    assert!(svg.contains("filled = significant (p &lt; 0.05)"), "{svg}");
    assert!(!svg.contains("adjust"), "{svg}");
}

/// The effects chart's markers, top to bottom: a filled circle is one `<circle>`
/// with a colour; a hollow one a white disc under a stroked ring.
fn markers(svg: &str) -> Vec<&'static str> {
    let circles: Vec<&str> = svg
        .split("<circle")
        .skip(1)
        .map(|c| c.split("/>").next().unwrap())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < circles.len() {
        if circles[i].contains("fill=\"#FFFFFF\"") {
            out.push("hollow");
            i += 2;
        } else {
            out.push("filled");
            i += 1;
        }
    }
    out
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

fn stdout(args: &[&str]) -> String {
    let out = evaluate().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Rows of a CSV as maps from column name to field.
fn csv_rows(text: &str) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len(), "{rec:?}");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A CSV number is the JSON's: both empty/null, or equal to 1e-14 relative
/// (serde_json reads floats to within an ulp, not always exactly).
fn same(csv: &str, json: &serde_json::Value) -> bool {
    match (csv.is_empty(), json.as_f64()) {
        (true, None) => true,
        (false, Some(j)) => {
            let c: f64 = csv.parse().unwrap();
            c == j || (c - j).abs() <= 1e-14 * c.abs().max(j.abs())
        }
        _ => false,
    }
}

/// One run's CSV (`shape`: `csv` or `csv-summary`) as header and rows, and its JSON.
#[allow(clippy::type_complexity)]
fn csv_and_json(
    run: &[&str],
    shape: &str,
) -> (
    Vec<String>,
    Vec<std::collections::HashMap<String, String>>,
    serde_json::Value,
) {
    let args = |format: &str| {
        let mut a = run.to_vec();
        a.extend(["-q", "--format", format]);
        stdout(&a)
    };
    let (header, rows) = csv_rows(&args(shape));
    (header, rows, serde_json::from_str(&args("json")).unwrap())
}

/// The designs and flags a pipeline meets: pooled, strata, clusters, covariates,
/// suppression, K waves, one wave.
const RUNS: &[&[&str]] = &[
    &["examples/hidalgo/cohort.csv"],
    &["examples/hidalgo/cohort.csv", "--cluster", "none"],
    &["examples/hidalgo/cohort.csv", "--min-cell", "5"],
    &[
        "examples/hidalgo/cohort.csv",
        "--spec",
        "examples/hidalgo/spec.toml",
        "--by",
        "age_band",
        "--min-cell",
        "5",
    ],
    &["examples/hidalgo/cohort.csv", "--covariates", "edad_meses"],
    &["examples/visits/visits.csv"],
    &[
        "testdata/suppression/small_cells.csv",
        "--spec",
        "testdata/suppression/spec.toml",
        "--by",
        "age_band",
        "--min-cell",
        "5",
    ],
    &["testdata/cli/small.csv", "--power"],
];

/// CSV as an API: the same columns whatever the flags and the design (`--by`,
/// `--cluster`, `--covariates`, `--min-cell`, K waves), in both shapes; and row by
/// row the tidy CSV is the JSON: `primary` equal, `p_adjusted` empty exactly where
/// the JSON has null, per-level rows secondary.
#[test]
fn csv_columns_do_not_change_with_flags_and_agree_with_json() {
    let mut headers = std::collections::BTreeSet::new();
    let mut per_level = 0;
    let mut robust = 0;
    for run in RUNS {
        let (header, rows, v) = csv_and_json(run, "csv");
        headers.insert(header.join(","));
        // The JSON's tests in the CSV's order: pooled then strata; per domain its
        // tests, its transition tests, then each level's.
        let mut scopes = vec![(String::new(), &v["domains"])];
        for s in v["strata"].as_array().into_iter().flatten() {
            let name = format!(
                "{}={}",
                s["column"].as_str().unwrap(),
                s["value"].as_str().unwrap()
            );
            scopes.push((name, &s["domains"]));
        }
        let mut want = Vec::new();
        for (stratum, domains) in scopes {
            for d in domains.as_array().unwrap() {
                let name = d["name"].as_str().unwrap().to_string();
                let transitions = d["transitions"]["tests"].as_array().into_iter().flatten();
                for t in d["tests"].as_array().unwrap().iter().chain(transitions) {
                    want.push((stratum.clone(), name.clone(), t));
                }
                for l in d["per_level"].as_array().into_iter().flatten() {
                    let level = format!("{name}[{}]", l["level"].as_str().unwrap());
                    for t in l["tests"].as_array().unwrap() {
                        assert_eq!(t["primary"], false, "{t}");
                        want.push((stratum.clone(), level.clone(), t));
                    }
                }
            }
        }
        assert_eq!(rows.len(), want.len(), "{run:?}");
        for (row, (stratum, domain, t)) in rows.iter().zip(&want) {
            let at = format!("{run:?} {stratum} {domain} {t}");
            assert_eq!(&row["stratum"], stratum, "{at}");
            assert_eq!(&row["domain"], domain, "{at}");
            assert_eq!(row["comparison"], t["comparison"].as_str().unwrap(), "{at}");
            assert_eq!(row["method"], t["method"].as_str().unwrap(), "{at}");
            assert_eq!(row["primary"], t["primary"].to_string(), "{at}");
            assert!(same(&row["p_adjusted"], &t["p_adjusted"]), "{at}");
            assert!(same(&row["p_value"], &t["p_value"]), "{at}");
            assert!(same(&row["estimate"], &t["estimate"]), "{at}");
            let suppressed = t["suppressed"] == true;
            assert_eq!(row["suppressed"], suppressed.to_string(), "{at}");
            assert!(same(&row["se"], &t["se"]), "{at}");
            if domain.contains('[') {
                per_level += 1;
                assert_eq!(
                    (row["primary"].as_str(), row["p_adjusted"].as_str()),
                    ("false", "")
                );
            }
            if !row["se_type"].is_empty() {
                robust += 1;
                assert_eq!(row["clusters"], t["clusters"].to_string(), "{at}");
            }
        }
    }
    assert_eq!(headers.len(), 1, "{headers:#?}");
    assert!(
        headers
            .first()
            .unwrap()
            .ends_with(",effect_size_name,effect_size,suppressed,se,se_type,clusters,covariates")
    );
    assert!(per_level > 0 && robust > 0, "{per_level} {robust}");
}

/// `--format csv-summary`: one row per domain × arm × wave (× level), the JSON's
/// summary numbers, the same header in every run.
#[test]
fn csv_summary_rows_are_the_json_summaries() {
    let mut headers = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    for run in RUNS {
        let (header, rows, v) = csv_and_json(run, "csv-summary");
        headers.insert(header.join(","));
        let mut want = Vec::new();
        for d in v["domains"].as_array().unwrap() {
            for s in d["summary"].as_array().unwrap() {
                match s["levels"].as_array() {
                    Some(levels) => {
                        for l in levels {
                            want.push((d, s, Some(l)));
                        }
                    }
                    None => want.push((d, s, None)),
                }
            }
        }
        let pooled: Vec<_> = rows.iter().filter(|r| r["stratum"].is_empty()).collect();
        assert_eq!(pooled.len(), want.len(), "{run:?}");
        for (row, (d, s, level)) in pooled.iter().zip(&want) {
            let at = format!("{run:?} {row:?}");
            kinds.insert(row["kind"].clone());
            assert_eq!(row["domain"], d["name"].as_str().unwrap(), "{at}");
            assert_eq!(row["group"], s["group"].as_str().unwrap(), "{at}");
            assert_eq!(row["wave"], s["wave"].as_str().unwrap(), "{at}");
            assert_eq!(row["n"], s["n"].to_string(), "{at}");
            let (estimate, low, count) = match level {
                Some(l) => {
                    assert_eq!(row["level"], l["level"].as_str().unwrap(), "{at}");
                    (&l["proportion"], &l["conf_low"], &l["count"])
                }
                None if s.get("mean").is_some() => (&s["mean"], &s["conf_low"], &s["count"]),
                None => (&s["proportion"], &s["conf_low"], &s["count"]),
            };
            let measure = if s.get("mean").is_some() {
                "mean"
            } else {
                "proportion"
            };
            assert_eq!(row["measure"], measure, "{at}");
            assert!(same(&row["estimate"], estimate), "{at}");
            assert!(same(&row["conf_low"], low), "{at}");
            assert!(same(&row["count"], count), "{at}");
        }
        if run.contains(&"--by") {
            assert!(rows.iter().any(|r| r["stratum"] == "age_band=0-2"));
        }
        if run[0].contains("suppression") {
            assert!(
                rows.iter()
                    .any(|r| r["suppressed"] == "true" && r["estimate"].is_empty())
            );
        }
        if run[0].contains("visits") {
            assert!(rows.iter().any(|r| r["wave"] == "w2"));
        }
    }
    assert_eq!(headers.len(), 1, "{headers:#?}");
    assert_eq!(kinds.len(), 3, "{kinds:?}");
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

/// Untestable means untestable, through the binary in every format: every change
/// exactly +0.5 (testdata/honest/half_change.csv) and a constant outcome
/// (constant.csv), with the centres as clusters, without, and adjusted for age.
/// Every test without variation is null with a warning (model-based ones
/// included), an estimate within rounding of 0 is written 0 (never −0 or 7e-16),
/// and the finding says plainly that the comparison cannot be tested and why —
/// never "0.00 higher (95% CI – to –)".
#[test]
fn untestable_comparisons_are_said_plainly_in_every_format() {
    let cases = [
        (
            "testdata/honest/half_change.csv",
            "every child's value changed by exactly the same amount",
            "el valor de cada niño cambió exactamente en la misma cantidad",
        ),
        (
            "testdata/honest/constant.csv",
            "every child has the same value at each wave",
            "todos los niños tienen el mismo valor en cada ola",
        ),
    ];
    let designs: [&[&str]; 4] = [
        &["--ignore", "age"],
        &["--ignore", "age", "--cluster", "none"],
        &["--covariates", "age"],
        &["--covariates", "age", "--cluster", "none"],
    ];
    for (file, why_en, why_es) in cases {
        for design in designs {
            let run = |lang: &str, format: &str| {
                let mut a = vec![file, "-q", "--lang", lang, "--format", format];
                a.extend_from_slice(design);
                stdout(&a)
            };
            let at = format!("{file} {design:?}");
            let v: serde_json::Value = serde_json::from_str(&run("en", "json")).unwrap();
            let warnings = v["warnings"].to_string();
            let tests = v["domains"][0]["tests"].as_array().unwrap();
            let mut model_based = 0;
            for t in tests {
                let (c, m) = (
                    t["comparison"].as_str().unwrap(),
                    t["method"].as_str().unwrap(),
                );
                // Every test of a change or of the DiD but the signed-rank test
                // (ranks vary when every change is +0.5); every test of a constant.
                let zero_variance = ((c == "did" || c.starts_with("change:"))
                    && m != "wilcoxon_signed_rank")
                    || file.contains("constant");
                if !zero_variance {
                    continue;
                }
                model_based += usize::from(m == "cluster_robust" || m == "adjusted");
                assert!(t["p_value"].is_null(), "{at}: {t}");
                assert!(
                    t["conf_low"].is_null() && t["conf_high"].is_null(),
                    "{at}: {t}"
                );
                assert!(
                    warnings.contains(&format!("{c} {m}: cannot be tested")),
                    "{at}: {c} {m}"
                );
                let e = t["estimate"].to_string();
                assert!(!e.starts_with("-0") && !e.contains("e-"), "{at}: {t}");
            }
            // A model-based test unless there are neither clusters nor covariates.
            let models = design != ["--ignore", "age", "--cluster", "none"];
            assert_eq!(model_based > 0, models, "{at}");
            let finding = |lang: &str| {
                let v: serde_json::Value = serde_json::from_str(&run(lang, "json")).unwrap();
                let f = v["findings"].as_array().unwrap();
                f.iter()
                    .find(|f| f["domain"] == "score")
                    .map(|f| f["text"].as_str().unwrap().to_string())
                    .unwrap()
            };
            let en = finding("en");
            assert_eq!(
                en,
                format!(
                    "score: the difference between the groups' changes cannot be tested: {why_en}, so there is no variation to test against; no difference or interval is reported."
                ),
                "{at}"
            );
            let es = finding("es");
            assert!(
                es.contains("no se puede evaluar") && es.contains(why_es),
                "{at}: {es}"
            );
            for format in ["table", "markdown", "html"] {
                for (lang, said) in [("en", "cannot be tested"), ("es", "no se puede evaluar")] {
                    let text = run(lang, format);
                    assert!(text.contains(said), "{at} {format} {lang}");
                    for never in [
                        "higher (95% CI",
                        "lower (95% CI",
                        "CI – to –",
                        "IC 95 %: – a –",
                    ] {
                        assert!(!text.contains(never), "{at} {format} {lang}: {never}");
                    }
                }
            }
            for format in ["csv", "csv-summary"] {
                let text = run("en", format);
                assert!(
                    !text.contains(",-0.0,") && !text.contains("e-16"),
                    "{at} {format}"
                );
            }
            // The effects chart: no point for it, the row says it cannot be tested.
            let dir = tempfile::tempdir().unwrap();
            let mut a = vec![file, "-q", "--charts", dir.path().to_str().unwrap()];
            a.extend_from_slice(design);
            stdout(&a);
            // (A constant has no standard deviation to standardise by: no chart, and
            // a note says so.)
            let svg = std::fs::read_to_string(dir.path().join("effects.svg"));
            if file.contains("half") {
                let svg = svg.unwrap();
                assert!(
                    svg.contains("cannot be tested") && !svg.contains("<circle"),
                    "{at}"
                );
            } else {
                assert!(svg.is_err(), "{at}");
            }
            let (_, rows) = csv_rows(&run("en", "csv"));
            for r in rows.iter().filter(|r| r["comparison"] == "did") {
                assert_eq!(
                    (r["p_value"].as_str(), r["conf_low"].as_str()),
                    ("", ""),
                    "{r:?}"
                );
            }
        }
    }
}

/// Three visits where every child gains exactly 0.5 a visit
/// (testdata/honest/same_change_visits.csv): the trends (CR2 slopes) are untestable
/// like every other test — null with a warning, no noise in the estimate — and the
/// visits finding says so instead of "(95% CI – to –; p –)".
#[test]
fn untestable_trends_across_visits() {
    let file = "testdata/honest/same_change_visits.csv";
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&[file, "-q", "--format", "json"])).unwrap();
    let warnings = v["warnings"].to_string();
    let mut trends = 0;
    for t in v["domains"][0]["tests"].as_array().unwrap() {
        if t["comparison"].as_str().unwrap().starts_with("trend:") {
            trends += 1;
            assert!(
                t["p_value"].is_null() && t["df"].is_null() && t["se"].is_null(),
                "{t}"
            );
            let c = t["comparison"].as_str().unwrap();
            assert!(
                warnings.contains(&format!("{c} slope: cannot be tested")),
                "{c}"
            );
        }
    }
    assert_eq!(trends, 3);
    let difference = v["domains"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["comparison"] == "trend:difference")
        .unwrap();
    assert_eq!(difference["estimate"].to_string(), "0.0");
    for (lang, said) in [
        (
            "en",
            "per visit (cannot be tested: too few children or no variation)",
        ),
        (
            "es",
            "por visita (no se puede evaluar: muy pocos niños o sin variación)",
        ),
    ] {
        let text = stdout(&[file, "-q", "--lang", lang]);
        assert!(text.contains(said), "{text}");
        assert!(
            !text.contains("– to –") && !text.contains("– a –"),
            "{text}"
        );
    }
}
