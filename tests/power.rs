//! `--power` (contract §11) against R 4.2 (testdata/reference/power_reference.R →
//! power_reference.json): the noncentral t, `power.t.test` and `power.prop.test`
//! solved to full precision, the planning row on three designs (paired with
//! attrition, post-only, clustered), and whole cohorts through the binary.
//! Every value must agree with R to 1e-8 relative.

use assert_cmd::Command;
use evaluate::stats::noncentral::{nct_cdf, nct_sf};
use evaluate::stats::power::{
    Outcome, PlanInput, plan, prop_test_n, prop_test_p2, t_test_delta, t_test_n,
};
use serde_json::Value;

const TOL: f64 = 1e-8;

fn reference() -> Value {
    serde_json::from_str(include_str!("../testdata/reference/power_reference.json"))
        .expect("reference JSON parses")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// Relative error (absolute below `floor`), or infinity when one side is null.
fn err(actual: Option<f64>, expected: Option<f64>, floor: f64) -> f64 {
    match (actual, expected) {
        (None, None) => 0.0,
        (Some(a), Some(e)) => (a - e).abs() / e.abs().max(floor),
        _ => f64::INFINITY,
    }
}

#[derive(Default)]
struct Checker {
    count: usize,
    worst: f64,
    failures: Vec<String>,
}

impl Checker {
    fn check(&mut self, what: String, actual: Option<f64>, expected: Option<f64>, floor: f64) {
        self.count += 1;
        let e = err(actual, expected, floor);
        if e.is_finite() {
            self.worst = self.worst.max(e);
        }
        if e > TOL {
            self.failures.push(format!(
                "{what}: {actual:?} vs R {expected:?} (err {e:.2e})"
            ));
        }
    }
    fn done(self, name: &str) {
        eprintln!(
            "{name}: {} values, worst relative error {:.2e}",
            self.count, self.worst
        );
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n"));
    }
}

#[test]
fn noncentral_t_matches_r() {
    let r = reference();
    let mut c = Checker::default();
    for g in r["pnt"].as_array().expect("pnt grid") {
        let (q, df, ncp) = (num(g, "q"), num(g, "df"), num(g, "ncp"));
        // Relative, with an absolute floor of 1e-13: the series stops at an
        // error bound of 1e-12, so tiny tails are only absolutely accurate in R.
        // At df = 1e5 R's own series is accurate to ~2e-11 absolute only (it
        // returns -6e-12 for pt(0.7, 1e5, ncp = 8)): 5e-11 absolute there.
        let floor = if (1e5..=4e5).contains(&df) {
            5e-3
        } else {
            1e-5
        };
        c.check(
            format!("pt({q}, {df}, ncp = {ncp})"),
            Some(nct_cdf(q, df, ncp)),
            g["lower"].as_f64(),
            floor,
        );
        c.check(
            format!("pt({q}, {df}, ncp = {ncp}, lower = FALSE)"),
            Some(nct_sf(q, df, ncp)),
            g["upper"].as_f64(),
            floor,
        );
    }
    c.done("pt(ncp)");
}

#[test]
fn power_solutions_match_r() {
    let r = reference();
    let mut c = Checker::default();
    for g in r["t_n"].as_array().expect("t_n") {
        let (d, a, p) = (num(g, "d"), num(g, "alpha"), num(g, "power"));
        c.check(
            format!("power.t.test(delta = {d}, sig.level = {a}, power = {p})$n"),
            t_test_n(d, a, p),
            g["n"].as_f64(),
            0.0,
        );
    }
    for g in r["t_delta"].as_array().expect("t_delta") {
        let (n, a, p) = (num(g, "n"), num(g, "alpha"), num(g, "power"));
        c.check(
            format!("power.t.test(n = {n}, sig.level = {a}, power = {p})$delta"),
            t_test_delta(n, a, p),
            g["delta"].as_f64(),
            0.0,
        );
    }
    for g in r["prop_n"].as_array().expect("prop_n") {
        let (p1, p2, p) = (num(g, "p1"), num(g, "p2"), num(g, "power"));
        c.check(
            format!("power.prop.test(p1 = {p1}, p2 = {p2}, power = {p})$n"),
            prop_test_n(p1, p2, 0.05, p),
            g["n"].as_f64(),
            0.0,
        );
    }
    for g in r["prop_p2"].as_array().expect("prop_p2") {
        let (n, p1, p) = (num(g, "n"), num(g, "p1"), num(g, "power"));
        c.check(
            format!("power.prop.test(n = {n}, p1 = {p1}, power = {p})$p2"),
            prop_test_p2(n, p1, 0.05, p),
            g["p2"].as_f64(),
            0.0,
        );
    }
    c.done("power.t.test / power.prop.test");
}

/// The planning row of the pure function on the three designs of the R script.
#[test]
fn plans_match_r_on_three_designs() {
    let r = reference();
    let mut c = Checker::default();
    let plans = r["plans"].as_array().expect("plans");
    assert_eq!(plans.len(), 7);
    // The clustered designs take R's design effect from the ICC.
    let deff = num(&r["clustered"], "design_effect");
    assert!((deff - (1.0 + 14.0 * 0.06)).abs() < 1e-15);
    for (i, g) in plans.iter().enumerate() {
        let outcome = if g["kind"] == "binary" {
            Outcome::Binary {
                p0: g["p0"].as_f64(),
            }
        } else {
            Outcome::Continuous {
                sd: g["sd"].as_f64(),
                correlation: g["correlation"].as_f64(),
            }
        };
        let p = plan(&PlanInput {
            n_per_arm: g["n_per_arm"].as_f64(),
            outcome,
            design_effect: num(g, "design_effect"),
            attrition: g["attrition"].as_f64(),
            observed_effect: g["observed_effect"].as_f64(),
            alpha: num(g, "alpha"),
            target_power: num(g, "target_power"),
        });
        assert!(p.undefined.is_empty(), "plan {i}: {:?}", p.undefined);
        c.check(format!("plan {i} mde"), p.mde, g["mde"].as_f64(), 0.0);
        c.check(
            format!("plan {i} n_per_arm_needed"),
            p.n_per_arm_needed,
            g["n_per_arm_needed"].as_f64(),
            0.0,
        );
        assert_eq!(
            p.n_enrol_per_arm,
            g["n_enrol_per_arm"].as_u64(),
            "plan {i} n_enrol_per_arm"
        );
    }
    c.done("plans");
}

fn evaluate() -> Command {
    let mut c = Command::cargo_bin("evaluate").expect("binary built");
    c.current_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/reference/power"
    ));
    c
}

fn run(args: &str) -> (Value, String) {
    let out = evaluate().args(args.split(' ')).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).expect("stdout is JSON"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every field of every row of a cohort run equal to R's.
fn check_cohort(case: &str) -> (Value, String) {
    let r = reference();
    let case = &r[case];
    let (json, stderr) = run(case["args"].as_str().expect("args"));
    let rows = json["power"].as_array().expect("power rows");
    let expected = case["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    let mut c = Checker::default();
    for e in expected {
        let name = e["domain"].as_str().unwrap_or_default();
        let row = rows
            .iter()
            .find(|r| r["domain"] == e["domain"])
            .unwrap_or_else(|| panic!("no power row for {name}"));
        assert_eq!(row["comparison"], e["comparison"], "{name}");
        assert_eq!(row["kind"], e["kind"], "{name}");
        for key in [
            "alpha",
            "target_power",
            "n_per_arm",
            "sd",
            "correlation",
            "design_effect",
            "attrition",
            "mde",
            "observed_effect",
            "n_per_arm_needed",
            "n_enrol_per_arm",
        ] {
            c.check(
                format!("{name}.{key}"),
                row[key].as_f64(),
                e[key].as_f64(),
                // Exact zeros (post-only correlation and attrition) compare absolutely.
                1e-300,
            );
            assert!(row.get(key).is_some(), "{name}.{key} missing");
        }
    }
    c.done(case["args"].as_str().unwrap_or_default());
    (json, stderr)
}

#[test]
fn paired_cohort_with_attrition_matches_r() {
    let (json, _) = check_cohort("paired_cohort");
    assert_eq!(json["input"]["design"], "pre_post_control");
    assert_eq!(json["input"]["paired"], true);
}

#[test]
fn post_only_cohort_matches_r_and_says_why_a_plan_is_null() {
    let (json, stderr) = check_cohort("post_only_cohort");
    assert_eq!(json["input"]["design"], "post_only_control");
    let row = json["power"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["domain"] == "asiste"))
        .expect("asiste row");
    for key in ["mde", "n_per_arm_needed", "n_enrol_per_arm"] {
        assert!(row[key].is_null(), "{key}: {}", row[key]);
    }
    let warned = json["warnings"].as_array().is_some_and(|ws| {
        ws.iter().any(|w| {
            w["domain"] == "asiste"
                && w["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("power") && m.contains("0% or 100%"))
        })
    });
    assert!(warned, "{}", json["warnings"]);
    assert!(stderr.contains("asiste: power"), "{stderr}");
}

#[test]
fn without_the_flag_there_is_no_power_field() {
    let out = evaluate()
        .args(["paired.csv", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json.get("power").is_none());
}

#[test]
fn target_power_is_validated_and_needs_power() {
    for bad in ["1", "0", "1.5", "ochenta"] {
        let out = evaluate()
            .args(["paired.csv", "--power", "--target-power", bad])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("0.8"),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = evaluate()
        .args(["paired.csv", "--target-power", "0.9"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn table_markdown_and_report_show_the_plan() {
    let out = evaluate()
        .args(["paired.csv", "--power", "--format", "table"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Planificar la próxima ronda") || text.contains("Planning the next round")
    );
    let out = evaluate()
        .args(["paired.csv", "--power", "--lang", "en"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Planning the next round"), "{text}");
    assert!(text.contains("MDE now"), "{text}");
    // 5.5 points observed, 34 per group to enrol, 16% attrition (R: see the JSON).
    assert!(
        text.contains(
            "To confirm a 5.5-point rise in puntaje with 80% power, enrol about 34 children per group, allowing for 16% attrition."
        ),
        "{text}"
    );
    let out = evaluate()
        .args([
            "paired.csv",
            "--power",
            "--lang",
            "es",
            "--format",
            "markdown",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("## Planificar la próxima ronda"), "{text}");
    assert!(
        text.contains("inscriba unos 34 niños y niñas por grupo, previendo un 16 % de deserción"),
        "{text}"
    );
    let out = evaluate()
        .args(["paired.csv", "--power", "--format", "html"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<section id=\"planning\">"), "{text}");
}

#[test]
fn an_undefined_plan_is_said_in_the_table() {
    let out = evaluate()
        .args([
            "post_only.csv",
            "--power",
            "--target-power",
            "0.9",
            "--lang",
            "en",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("asiste: no plan can be made from these data (see the warnings)."),
        "{text}"
    );
    assert!(
        text.contains("asiste: power (between:post): the control group's proportion at follow-up is 0% or 100%"),
        "{text}"
    );
    // 90% power: the post-only continuous plan (R: 272 per group, no attrition).
    assert!(
        text.contains("with 90% power, enrol about 272 children per group."),
        "{text}"
    );
}
