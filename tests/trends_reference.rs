//! The trend slopes of K > 2 waves (CONTRACT §9: `trend:<arm>`, `trend:difference`)
//! through the binary, against R 4.2 `lm` + clubSandwich 0.5.8 (`coef_test` and
//! `conf_int`, vcov = "CR2", test = "Satterthwaite") on real longitudinal data
//! sets shipped with R (HSAUR3's BtheB, respiratory and schizophrenia2,
//! datasets' ChickWeight), clustered by participant or with `--cluster`
//! (centres nested in the arms and centres holding both arms), a small-n case,
//! and the example `examples/visits/` with its spec.
//! testdata/reference/trends_reference.R writes the inputs (trends/*.csv and
//! *.toml) and trends_reference.json; this test does not need R. Every value
//! must agree to 1e-8 relative (1e-12 absolute where R's value is below 1e-12),
//! n and clusters exactly.

mod common;

use common::json_of;
use serde_json::Value;

const TOL: f64 = 1e-8;
const FIELDS: [&str; 7] = [
    "estimate",
    "se",
    "df",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
];

fn reference() -> Value {
    serde_json::from_str(include_str!("../testdata/reference/trends_reference.json"))
        .expect("reference JSON parses")
}

/// The relative difference of `got` from R's `want` (absolute near 0).
fn difference(got: f64, want: f64) -> f64 {
    if want.abs() < 1e-12 {
        (got - want).abs() / 1e-12 * TOL
    } else {
        ((got - want) / want).abs()
    }
}

/// Runs evaluate on the case's CSV and spec and checks every trend row of every
/// domain against R; returns the worst relative difference.
fn check(name: &str) -> f64 {
    let reference = reference();
    let case = reference["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name} in the reference"));
    let mut args: Vec<&str> = vec![
        case["csv"].as_str().expect("csv"),
        "--spec",
        case["spec"].as_str().expect("spec"),
    ];
    args.extend(
        case["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(|a| a.as_str().expect("arg")),
    );
    let out = json_of(&args);
    let mut worst = 0.0_f64;
    let mut failures = Vec::new();
    for want_domain in case["domains"].as_array().expect("domains") {
        let domain_name = want_domain["domain"].as_str().expect("domain");
        let domain = out["domains"]
            .as_array()
            .expect("domains in the output")
            .iter()
            .find(|d| d["name"] == domain_name)
            .unwrap_or_else(|| panic!("{name}: domain {domain_name} in the output"));
        assert_eq!(
            domain["kind"], want_domain["kind"],
            "{name}: {domain_name}'s kind"
        );
        for want in want_domain["tests"].as_array().expect("tests") {
            let comparison = want["comparison"].as_str().expect("comparison");
            let rows: Vec<&Value> = domain["tests"]
                .as_array()
                .expect("tests in the output")
                .iter()
                .filter(|t| t["comparison"] == comparison)
                .collect();
            assert_eq!(
                rows.len(),
                1,
                "{name}: one {comparison} row for {domain_name}"
            );
            let got = rows[0];
            assert_eq!(got["method"], "slope", "{name}: {comparison}");
            assert_eq!(got["primary"], true, "{name}: {comparison}");
            assert_eq!(got["se_type"], "CR2", "{name}: {comparison}");
            for key in ["n", "clusters"] {
                assert_eq!(
                    got[key], want[key],
                    "{name}: {domain_name} {comparison} {key}"
                );
            }
            for key in FIELDS {
                let (Some(g), Some(w)) = (got[key].as_f64(), want[key].as_f64()) else {
                    failures.push(format!(
                        "{domain_name} {comparison} {key}: got {}, R {}",
                        got[key], want[key]
                    ));
                    continue;
                };
                let err = difference(g, w);
                worst = worst.max(err);
                if err.is_nan() || err > TOL {
                    failures.push(format!(
                        "{domain_name} {comparison} {key}: got {g:e}, R {w:e} (rel {err:.2e})"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    println!("{name}: worst relative difference from R {worst:.2e}");
    worst
}

#[test]
fn every_reference_case_has_a_test() {
    let listed: Vec<String> = reference()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_string())
        .collect();
    let tested = [
        "btheb",
        "btheb_nested_centres",
        "btheb_crossed_centres",
        "respiratory",
        "respiratory_centres",
        "schizophrenia2",
        "chickweight",
        "chickweight_small",
        "visits_example",
    ];
    assert_eq!(listed, tested);
}

#[test]
fn btheb_bdi_with_missing_visits() {
    check("btheb");
}

#[test]
fn btheb_centres_nested_in_the_arms() {
    check("btheb_nested_centres");
}

#[test]
fn btheb_centres_holding_both_arms() {
    check("btheb_crossed_centres");
}

#[test]
fn respiratory_binary_status() {
    check("respiratory");
}

#[test]
fn respiratory_by_its_two_centres() {
    check("respiratory_centres");
}

#[test]
fn schizophrenia2_binary_with_missing_values() {
    check("schizophrenia2");
}

#[test]
fn chickweight_twelve_waves_with_drop_outs() {
    check("chickweight");
}

#[test]
fn chickweight_three_per_arm_times_in_weeks() {
    check("chickweight_small");
}

#[test]
fn visits_example_with_its_spec() {
    check("visits_example");
}
