//! Small-cell suppression (`--min-cell`, docs/suppression.md): format by format, a
//! withheld value does not appear and cannot be worked out from a total, a
//! complement, another wave or a difference; without the flag nothing changes.
//!
//! testdata/suppression/small_cells.csv: 130 children, strata 0-2 (4 program and 6
//! control children), 3-6 and 7-10; 3 program children fail `passed` after (a small
//! complement); 3 control children are at level `high` before.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;

const DATA: &str = "testdata/suppression/small_cells.csv";
const SPEC: &str = "testdata/suppression/spec.toml";
const N: u64 = 5;

fn run(extra: &[&str]) -> String {
    let mut args = vec![DATA, "--spec", SPEC, "--by", "age_band", "-q"];
    if !extra.contains(&"--lang") {
        args.extend(["--lang", "en"]);
    }
    args.extend_from_slice(extra);
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(extra: &[&str]) -> Value {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(extra);
    serde_json::from_str(&run(&a)).unwrap()
}

fn small(c: u64) -> bool {
    c > 0 && c < N
}

/// Every (scope name, domain) of a report: pooled first, then each stratum.
fn scopes(v: &Value) -> Vec<(String, &Value)> {
    let mut out: Vec<(String, &Value)> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| ("pooled".to_string(), d))
        .collect();
    for s in v["strata"].as_array().into_iter().flatten() {
        for d in s["domains"].as_array().unwrap() {
            out.push((s["value"].as_str().unwrap().to_string(), d));
        }
    }
    out
}

fn withheld(x: &Value) -> bool {
    x["suppressed"] == Value::Bool(true)
}

/// Is the cell of (group, wave) of a summary list withheld, in any part?
fn cell_withheld(summary: &Value, group: &str, wave: &str) -> bool {
    summary.as_array().unwrap().iter().any(|r| {
        r["group"] == group
            && r["wave"] == wave
            && match r.get("levels") {
                Some(ls) => ls.as_array().unwrap().iter().any(withheld),
                None if r.get("mean").is_some() => r["mean"].is_null() && withheld(r),
                None => withheld(r),
            }
    })
}

/// The cells a test rests on.
fn cells_of(comparison: &str) -> Vec<(&'static str, &'static str)> {
    let arms = ["intervention", "control"];
    let waves = ["pre", "post"];
    match comparison.split_once(':') {
        Some(("change", a)) => {
            let a = arms.into_iter().find(|x| *x == a).unwrap();
            waves.iter().map(|w| (a, *w)).collect()
        }
        Some(("between", w)) if waves.contains(&w) => {
            let w = waves.into_iter().find(|x| *x == w).unwrap();
            arms.iter().map(|a| (*a, w)).collect()
        }
        _ if comparison == "did" => arms
            .iter()
            .flat_map(|a| waves.iter().map(move |w| (*a, *w)))
            .collect(),
        _ => vec![],
    }
}

fn check_tests(scope: &str, summary: &Value, tests: &Value) {
    let tests = tests.as_array().unwrap();
    for t in tests {
        let id = t["comparison"].as_str().unwrap();
        if withheld(t) {
            for k in [
                "estimate",
                "conf_low",
                "conf_high",
                "statistic",
                "p_value",
                "p_adjusted",
            ] {
                assert!(t[k].is_null(), "{scope}: withheld {id} has {k}");
            }
            continue;
        }
        // A shown test rests only on shown cells (else: the other cell ± the estimate).
        for (g, w) in cells_of(id) {
            assert!(
                !cell_withheld(summary, g, w),
                "{scope}: {id} {} is shown but rests on withheld {g} {w}",
                t["method"]
            );
        }
        assert!(
            !small(t["n"].as_u64().unwrap()),
            "{scope}: {id} on few children"
        );
    }
    // The DiD is the difference of the changes.
    if tests
        .iter()
        .any(|t| t["comparison"] == "did" && !withheld(t))
    {
        assert!(
            tests
                .iter()
                .filter(|t| t["comparison"].as_str().unwrap().starts_with("change:"))
                .all(|t| !withheld(t)),
            "{scope}: DiD shown with a change withheld"
        );
    }
}

#[test]
fn json_withholds_small_cells_and_everything_they_could_be_recovered_from() {
    let v = json(&["--min-cell", "5"]);
    assert_eq!(v["settings"]["min_cell"], 5);
    // (domain, group, wave, level) -> withheld per scope, for the strata relation.
    let mut across: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for (scope, d) in scopes(&v) {
        let name = d["name"].as_str().unwrap();
        for r in d["summary"].as_array().unwrap() {
            let n = r["n"].as_u64().unwrap();
            let key = format!("{name} {} {}", r["group"], r["wave"]);
            if let Some(ls) = r.get("levels") {
                let ls = ls.as_array().unwrap();
                let hidden = ls.iter().filter(|l| withheld(l)).count();
                assert_ne!(hidden, 1, "{scope} {key}: one level withheld alone");
                for l in ls {
                    let k = format!("{key} {}", l["level"]);
                    across.entry(k.clone()).or_default().push(withheld(l));
                    if withheld(l) {
                        assert!(l["count"].is_null() && l["proportion"].is_null());
                        assert!(l["conf_low"].is_null() && l["conf_high"].is_null());
                    } else {
                        let c = l["count"].as_u64().unwrap();
                        assert!(!small(c) && !small(n - c), "{scope} {k}: small cell shown");
                    }
                }
            } else if r.get("mean").is_some() {
                across
                    .entry(key.clone())
                    .or_default()
                    .push(r["mean"].is_null());
                assert!(
                    r["min"].is_null() && r["max"].is_null(),
                    "{scope} {key}: min/max"
                );
                if small(n) {
                    for k in ["mean", "sd", "median", "q1", "q3", "conf_low", "conf_high"] {
                        assert!(r[k].is_null(), "{scope} {key}: {k} of {n} children");
                    }
                }
            } else {
                across.entry(key.clone()).or_default().push(withheld(r));
                if withheld(r) {
                    for k in ["count", "proportion", "conf_low", "conf_high"] {
                        assert!(r[k].is_null(), "{scope} {key}: {k}");
                    }
                } else {
                    let c = r["count"].as_u64().unwrap();
                    assert!(
                        !small(c) && !small(n - c),
                        "{scope} {key}: small cell shown"
                    );
                }
            }
        }
        check_tests(&format!("{scope} {name}"), &d["summary"], &d["tests"]);
        for l in d["per_level"].as_array().into_iter().flatten() {
            check_tests(
                &format!("{scope} {name}[{}]", l["level"]),
                &l["summary"],
                &l["tests"],
            );
        }
        if let Some(tr) = d.get("transitions") {
            for g in tr["groups"].as_array().unwrap() {
                if withheld(g) {
                    assert!(g["table"].is_null() && g["improved"].is_null());
                    assert!(g["improved_proportion"].is_null());
                } else if g["table"].is_null() {
                    // Only the table withheld (a small cell): the shares stay, none small.
                    assert_eq!(g["table_suppressed"], true, "{scope} {name}");
                    for k in ["improved", "unchanged", "declined"] {
                        let c = g[k].as_u64().unwrap();
                        assert!(!small(c), "{scope} {name}: small {k} shown");
                    }
                } else {
                    for c in g["table"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
                    {
                        assert!(!small(c), "{scope} {name}: small transition shown");
                    }
                }
            }
            if tr["groups"].as_array().unwrap().iter().any(withheld) {
                assert!(tr["tests"].as_array().unwrap().iter().all(withheld));
            }
        }
    }
    // Pooled = Σ strata: never exactly one withheld (it would be the difference).
    for (k, flags) in &across {
        assert_ne!(
            flags.iter().filter(|f| **f).count(),
            1,
            "{k}: withheld in one place only: {flags:?}"
        );
    }
}

/// The values withheld with `--min-cell 5`, read from the report without it:
/// (what, proportion or estimate) for binary cells, levels and tests.
fn withheld_values() -> Vec<(String, f64)> {
    let on = json(&["--min-cell", "5"]);
    let off = json(&[]);
    let mut out = Vec::new();
    for ((scope, a), (_, b)) in scopes(&on).into_iter().zip(scopes(&off)) {
        let name = a["name"].as_str().unwrap();
        for (ra, rb) in a["summary"]
            .as_array()
            .unwrap()
            .iter()
            .zip(b["summary"].as_array().unwrap())
        {
            if let Some(ls) = ra.get("levels") {
                for (la, lb) in ls
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(rb["levels"].as_array().unwrap())
                {
                    if withheld(la) {
                        out.push((
                            format!("{scope} {name} {} {}", ra["group"], la["level"]),
                            lb["proportion"].as_f64().unwrap(),
                        ));
                    }
                }
            } else if ra.get("count").is_some() && withheld(ra) {
                out.push((
                    format!("{scope} {name} {} {}", ra["group"], ra["wave"]),
                    rb["proportion"].as_f64().unwrap(),
                ));
            }
        }
        for (ta, tb) in a["tests"]
            .as_array()
            .unwrap()
            .iter()
            .zip(b["tests"].as_array().unwrap())
        {
            if withheld(ta)
                && let Some(e) = tb["estimate"].as_f64()
            {
                out.push((format!("{scope} {name} {}", ta["comparison"]), e));
            }
        }
    }
    out
}

#[test]
fn the_fixture_has_the_small_cells_it_is_about() {
    let v = json(&["--min-cell", "5"]);
    let passed = &v["domains"][1];
    assert_eq!(passed["name"], "passed");
    let after = passed["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "intervention" && r["wave"] == "post")
        .unwrap();
    // 61 of 64 passed: the complement (3) is small, so the count goes too.
    assert!(withheld(after) && after["count"].is_null() && after["proportion"].is_null());
    let t = passed["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["comparison"] == "change:intervention")
        .unwrap();
    assert!(
        withheld(t) && t["estimate"].is_null(),
        "p_post − p_pre = estimate"
    );
    // The 0-2 stratum has 4 program children: nothing about them is shown.
    let s = v["strata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["value"] == "0-2")
        .unwrap();
    for d in s["domains"].as_array().unwrap() {
        for r in d["summary"].as_array().unwrap() {
            if r["group"] == "intervention" {
                assert!(withheld(r), "{} {}", d["name"], r["wave"]);
            }
        }
    }
    assert!(withheld_values().len() > 10);
}

/// "61/64" as the views print it: "95.3%", and the complement "4.7%".
fn percent_strings(p: f64) -> Vec<String> {
    vec![
        format!("{:.1}%", p * 100.0),
        format!("{:.1}%", (1.0 - p) * 100.0),
    ]
}

fn points_string(e: f64) -> String {
    let s = format!("{:.1} pp", e * 100.0);
    if e >= 0.0 { format!("+{s}") } else { s }
}

/// Withheld proportions (and complements) and estimates appear nowhere in `text`,
/// unless a shown value prints the same.
fn assert_absent(format: &str, text: &str, shown: &str) {
    for (what, x) in withheld_values() {
        let mut strings = if what.contains(':') || what.contains("did") {
            vec![points_string(x)]
        } else {
            percent_strings(x)
        };
        strings.retain(|s| !shown.contains(s.as_str()));
        for s in strings {
            assert!(!text.contains(&s), "{format}: {what} printed as {s}");
        }
    }
}

/// Every percentage and estimate the report shows with `--min-cell 5`, as printed.
fn shown_strings() -> String {
    let v = json(&["--min-cell", "5"]);
    let mut out = String::new();
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if let Some(f) = x.as_f64() {
                        if k.contains("proportion") || k.starts_with("conf_") {
                            for s in percent_strings(f) {
                                out.push_str(&s);
                                out.push('\n');
                            }
                        }
                        if k == "estimate" || k.starts_with("conf_") {
                            out.push_str(&points_string(f));
                            out.push('\n');
                        }
                    }
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&v, &mut out);
    out
}

#[test]
fn table_markdown_html_and_csv_do_not_print_withheld_values() {
    let shown = shown_strings();
    for format in ["table", "markdown", "html"] {
        let text = run(&["--min-cell", "5", "--format", format]);
        assert_absent(format, &text, &shown);
        assert!(text.contains("--min-cell 5"), "{format}: legend");
    }
    let table = run(&["--min-cell", "5"]);
    let program = table
        .lines()
        .find(|l| l.trim_start().starts_with("Program ") && l.contains("48.4%"))
        .unwrap();
    assert!(program.contains("<5"), "{program}");
    let md = run(&["--min-cell", "5", "--format", "markdown"]);
    assert!(md.contains("\\<5"));
    let html = run(&["--min-cell", "5", "--format", "html"]);
    assert!(html.contains("&lt;5"));

    // CSV: withheld tests have empty numbers and `suppressed` true.
    let csv = run(&["--min-cell", "5", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[16], "suppressed");
    let mut withheld_rows = 0;
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if f[16] == "true" {
            withheld_rows += 1;
            assert!(f[7..14].iter().all(|x| x.is_empty()), "{l}");
        }
    }
    // …exactly the tests withheld in JSON (domain, per-level and transition tests).
    let on = json(&["--min-cell", "5"]);
    let mut in_json = 0;
    for (_, d) in scopes(&on) {
        let all = d["tests"]
            .as_array()
            .unwrap()
            .iter()
            .chain(
                d["per_level"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|l| l["tests"].as_array().unwrap().iter()),
            )
            .chain(
                d.get("transitions")
                    .into_iter()
                    .flat_map(|t| t["tests"].as_array().unwrap().iter()),
            );
        in_json += all.filter(|t| withheld(t)).count();
    }
    assert_eq!(withheld_rows, in_json);
}

#[test]
fn findings_do_not_tell_withheld_values() {
    let v = json(&["--min-cell", "5"]);
    let f = v["findings"].as_array().unwrap();
    let passed = f.iter().find(|f| f["domain"] == "passed").unwrap();
    let text = passed["text"].as_str().unwrap();
    assert!(text.contains("not reported to protect"), "{text}");
    assert!(!text.contains('%'), "{text}");
    let table = run(&["--min-cell", "5"]);
    let findings = &table[table.find("Findings:").unwrap()..];
    assert_absent("findings", findings, &shown_strings());
    // The reason names the real cell (issue 21), never its count (3 children: the
    // count is what is withheld): 3 program children fail `passed` after, 3 control
    // children are at level `high` before.
    let said = |domain: &str| {
        f.iter().find(|f| f["domain"] == domain).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        said("passed"),
        "passed: not reported to protect children's privacy: fewer than 5 children in the program group had \"no\" at the follow-up."
    );
    assert_eq!(
        said("level"),
        "level: not reported to protect children's privacy: fewer than 5 children in the control group were at level \"high\" at the baseline."
    );
    // Spanish too.
    let es = run(&["--min-cell", "5", "--lang", "es"]);
    assert!(es.contains(
        "passed: no se informa para proteger la privacidad de niñas y niños: menos de 5 niños del grupo del programa tenían «no» en el seguimiento."
    ), "{es}");
    assert!(es.contains(
        "menos de 5 niños del grupo de control estaban en el nivel «high» en la línea de base."
    ));
}

#[test]
fn charts_show_withheld_bars_as_withheld() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("charts");
    run(&["--min-cell", "5", "--charts", charts.to_str().unwrap()]);
    let shown = shown_strings();
    for stem in ["overview", "passed", "level", "score", "effects"] {
        let svg = std::fs::read_to_string(charts.join(format!("{stem}.svg"))).unwrap();
        assert_absent(stem, &svg, &shown);
        // The pooled score has every mean shown (only min and max are withheld).
        if stem != "score" {
            assert!(svg.contains("&lt;5"), "{stem}: no withheld marker");
        }
    }
    let overview = std::fs::read_to_string(charts.join("overview.svg")).unwrap();
    assert!(overview.contains("withheld"));
    // The report inlines the same charts.
    let report = dir.path().join("r.html");
    run(&["--min-cell", "5", "--report", report.to_str().unwrap()]);
    let html = std::fs::read_to_string(report).unwrap();
    assert_absent("report", &html, &shown);
}

#[test]
fn p_values_are_adjusted_without_withheld_tests() {
    let v = json(&["--min-cell", "5"]);
    for (scope, d) in scopes(&v) {
        for t in d["tests"].as_array().unwrap() {
            if withheld(t) {
                assert!(t["p_adjusted"].is_null(), "{scope}");
            }
        }
    }
    for w in v["warnings"].as_array().unwrap() {
        let m = w["message"].as_str().unwrap();
        assert!(!m.contains("below 5 ("), "{m}");
    }
}

#[test]
fn without_min_cell_every_output_is_byte_identical_to_before() {
    // testdata/suppression/off/ was written by the build before suppression existed;
    // when a view changes on purpose, rewrite its file with the same arguments.
    for (format, file) in [
        ("table", "out.table"),
        ("json", "out.json"),
        ("csv", "out.csv"),
        ("markdown", "out.markdown"),
        ("html", "out.html"),
    ] {
        let mut args = vec![DATA, "--spec", SPEC, "--by", "age_band", "-q"];
        args.extend(["--format", format]);
        let out = Command::cargo_bin("evaluate")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .output()
            .unwrap();
        let before = std::fs::read(format!(
            "{}/testdata/suppression/off/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(out.stdout == before, "{format} changed without --min-cell");
    }
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([DATA, "--spec", SPEC, "--by", "age_band", "-q", "--charts"])
        .arg(dir.path())
        .assert()
        .success();
    for stem in ["overview", "effects", "passed", "level", "score"] {
        let now = std::fs::read(dir.path().join(format!("{stem}.svg"))).unwrap();
        let before = std::fs::read(format!(
            "{}/testdata/suppression/off/{stem}.svg",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(now == before, "{stem}.svg changed without --min-cell");
    }
}

#[test]
fn min_cell_must_be_a_positive_whole_number() {
    for bad in ["0", "-1", "five", "2.5"] {
        Command::cargo_bin("evaluate")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([DATA, "--min-cell", bad])
            .assert()
            .code(2);
    }
}
