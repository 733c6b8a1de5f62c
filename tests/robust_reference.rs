//! `evaluate::stats::robust` against R 4.2 `lm` + clubSandwich 0.5.8
//! (`coef_test` and `conf_int` with vcov = "CR2", test = "Satterthwaite") and
//! an R implementation of CONTRACT §8.1's clustering formula
//! (testdata/reference/robust_reference.R → robust_reference.json).
//! Every value must agree to 1e-8 relative.

use evaluate::stats::robust::{clustering, cr2};
use serde_json::Value;

const TOL: f64 = 1e-8;

fn reference() -> Value {
    serde_json::from_str(include_str!("../testdata/reference/robust_reference.json"))
        .expect("reference JSON parses")
}

/// A data array written as exact decimal strings.
fn data(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").parse().expect("number"))
        .collect()
}

fn ints(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_u64().expect("integer") as u32)
        .collect()
}

#[derive(Default)]
struct Checker {
    count: usize,
    worst: f64,
    failures: Vec<String>,
}

impl Checker {
    fn value(&mut self, what: &str, actual: Option<f64>, expected: &Value) {
        self.count += 1;
        match (actual, expected.as_f64()) {
            (None, None) => {}
            (Some(a), Some(e)) => {
                let err = if e == 0.0 {
                    a.abs() / 1e-12 * TOL
                } else {
                    ((a - e) / e).abs()
                };
                self.worst = self.worst.max(err);
                if err.is_nan() || err > TOL {
                    self.failures
                        .push(format!("{what}: got {a:e}, R {e:e} (rel {err:.2e})"));
                }
            }
            (a, _) => self
                .failures
                .push(format!("{what}: got {a:?}, R {expected}")),
        }
    }

    fn done(self) {
        eprintln!(
            "{} values, worst relative error {:.2e}",
            self.count, self.worst
        );
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n"));
    }
}

#[test]
fn cr2_satterthwaite_equals_club_sandwich() {
    let r = reference();
    let mut ck = Checker::default();
    for case in r["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let p = case["p"].as_u64().expect("p") as usize;
        let (x, y, cl) = (data(&case["x"]), data(&case["y"]), ints(&case["cluster"]));
        let fit = cr2(&x, p, &y, &cl).expect("fit");
        assert_eq!(
            fit.clusters as u64,
            case["clusters"].as_u64().expect("G"),
            "{name}"
        );
        let aliased: Vec<bool> = case["aliased"]
            .as_array()
            .expect("aliased")
            .iter()
            .map(|b| b.as_bool().expect("bool"))
            .collect();
        assert_eq!(fit.aliased, aliased, "{name}: aliased columns");
        for (j, a) in aliased.iter().enumerate() {
            assert_eq!(fit.coef[j].is_none(), *a, "{name}: coefficient {j}");
        }
        for t in case["tests"].as_array().expect("tests") {
            let c = t["coef"].as_u64().expect("coef") as usize;
            let what = format!("{name} {}", t["name"].as_str().expect("name"));
            let t95 = fit.test(c, 0.95);
            let t90 = fit.test(c, 0.9);
            ck.value(&format!("{what} estimate"), t95.estimate, &t["estimate"]);
            ck.value(&format!("{what} se"), t95.se, &t["se"]);
            ck.value(&format!("{what} t"), t95.statistic, &t["t"]);
            ck.value(&format!("{what} df"), t95.df, &t["df"]);
            ck.value(&format!("{what} p"), t95.p_value, &t["p"]);
            ck.value(&format!("{what} low95"), t95.conf_low, &t["low95"]);
            ck.value(&format!("{what} high95"), t95.conf_high, &t["high95"]);
            ck.value(&format!("{what} low90"), t90.conf_low, &t["low90"]);
            ck.value(&format!("{what} high90"), t90.conf_high, &t["high90"]);
        }
    }
    ck.done();
}

#[test]
fn clustering_equals_the_formula_in_r() {
    let r = reference();
    let mut ck = Checker::default();
    for (i, c) in r["clustering"]
        .as_array()
        .expect("clustering")
        .iter()
        .enumerate()
    {
        let values = data(&c["values"]);
        let (cl, arm) = (ints(&c["cluster"]), ints(&c["arm"]));
        let got = clustering(&values, &cl, &arm).expect("clustering");
        assert_eq!(
            got.clusters as u64,
            c["clusters"].as_u64().expect("G"),
            "case {i}"
        );
        ck.value(
            &format!("{i} mean size"),
            Some(got.mean_cluster_size),
            &c["mean_cluster_size"],
        );
        ck.value(&format!("{i} icc"), got.icc, &c["icc"]);
        ck.value(
            &format!("{i} design effect"),
            got.design_effect,
            &c["design_effect"],
        );
    }
    ck.done();
}
