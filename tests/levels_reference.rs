//! The cluster-robust tests of every level of a categorical domain (contract
//! §8.2), fitted for all levels at once, through the binary: equal to R's lm +
//! clubSandwich fitted level by level (testdata/reference/levels_reference.R
//! and its JSON) on testdata/designs/niveles.csv (14 centres of 6 to 30
//! children, a covariate, missing levels at either wave).

use serde_json::Value;

mod common;
use common::json_of;

fn close(got: &Value, want: &Value, what: &str) {
    let (Some(g), Some(w)) = (got.as_f64(), want.as_f64()) else {
        panic!("{what}: got {got}, want {want}");
    };
    assert!(
        (g - w).abs() <= 1e-8 * w.abs().max(1e-6),
        "{what}: got {g}, want {w}"
    );
}

#[test]
fn every_level_equals_club_sandwich_level_by_level() {
    let want: Value =
        serde_json::from_str(include_str!("../testdata/reference/levels_reference.json"))
            .expect("reference JSON");
    let v = json_of(&["testdata/designs/niveles.csv", "--covariates", "edad_anios"]);
    let domain = &v["domains"][0];
    assert_eq!(domain["kind"], "categorical");
    let levels = domain["per_level"].as_array().expect("per-level results");
    assert_eq!(levels.len(), 3);
    let mut checked = 0;
    for (name, comparisons) in want.as_object().expect("levels") {
        let level = levels
            .iter()
            .find(|l| l["level"] == name.as_str())
            .unwrap_or_else(|| panic!("no level {name}"));
        for (id, r) in comparisons.as_object().expect("comparisons") {
            let t = level["tests"]
                .as_array()
                .expect("tests")
                .iter()
                .find(|t| t["comparison"] == id.as_str() && t["method"] == "cluster_robust")
                .unwrap_or_else(|| panic!("{name} {id}: no cluster-robust test"));
            let what = format!("{name} {id}");
            assert_eq!(t["n"], r["n"], "{what} n");
            let clusters = if id.starts_with("change") { 7 } else { 14 };
            assert_eq!(t["clusters"], clusters, "{what} clusters");
            close(&t["estimate"], &r["estimate"], &format!("{what} estimate"));
            close(&t["se"], &r["se"], &format!("{what} se"));
            close(&t["df"], &r["df"], &format!("{what} df"));
            close(&t["p_value"], &r["p"], &format!("{what} p"));
            if id == "did" {
                assert_eq!(t["covariates"], serde_json::json!(["edad_anios"]));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
}
