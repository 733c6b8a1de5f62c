//! How a test's result becomes a row of the report: the row and its effect size
//! (non-finite values dropped), the comparison ids, and the 2×2 test of two
//! proportions that binary, categorical and balance comparisons share.

use crate::cohort::{Arm, Wave};
use crate::results::{EffectSize, TestRow};
use crate::stats::contingency::{chi_square, fisher_exact_2x2};
use crate::stats::describe::Moments;
use crate::stats::proportions::newcombe_independent;
use crate::stats::ttest::welch_t_moments;
use crate::stats::{TestResult, finite};

/// The `did` row of a paired design: Welch's t on the two arms' changes
/// (intervention first), primary for yes/no domains, secondary to ANCOVA for
/// continuous ones.
pub(super) fn did_of_changes(changes: &[Moments], primary: bool, conf: f64) -> Option<TestRow> {
    let [c1, c0] = changes else { return None };
    let n = c1.n + c0.n;
    Some(row(
        "did",
        "did_welch_t",
        primary,
        n,
        welch_t_moments(*c1, *c0, conf),
    ))
}

pub(super) fn row(
    comparison: &str,
    method: &'static str,
    primary: bool,
    n: usize,
    r: TestResult,
) -> TestRow {
    TestRow {
        comparison: comparison.to_string(),
        method,
        primary,
        n,
        estimate: r.estimate.and_then(finite),
        conf_low: r.conf_low.and_then(finite),
        conf_high: r.conf_high.and_then(finite),
        statistic: r.statistic.and_then(finite),
        df: r.df.and_then(finite),
        p_value: r.p_value.and_then(finite),
        p_adjusted: None,
        effect_size: None,
        suppressed: false,
        robust: None,
    }
}

pub(super) fn effect(
    name: &'static str,
    value: Option<f64>,
    ci: Option<(f64, f64)>,
) -> Option<EffectSize> {
    let value = value.and_then(finite);
    let ci = ci.filter(|_| value.is_some());
    Some(EffectSize {
        name,
        value,
        conf_low: ci.and_then(|c| finite(c.0)),
        conf_high: ci.and_then(|c| finite(c.1)),
    })
}

pub(super) fn change_id(arm: Arm) -> String {
    format!("change:{}", arm.name())
}

pub(super) fn between_id(wave: Wave) -> String {
    format!("between:{}", wave.id())
}

pub(super) fn proportion(count: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| count as f64 / n as f64)
}

/// A 2×2 comparison of two proportions (x1 of n1 vs x0 of n0): Pearson χ², or
/// Fisher's exact test when an expected count is below 5; Newcombe's CI.
pub(super) fn two_proportions(
    x1: usize,
    n1: usize,
    x0: usize,
    n0: usize,
    conf: f64,
) -> (&'static str, TestResult) {
    let total = (n1 + n0) as f64;
    let ones = (x1 + x0) as f64;
    let zeros = total - ones;
    let min_expected = [n1 as f64, n0 as f64]
        .iter()
        .flat_map(|&r| [r * ones / total, r * zeros / total])
        .fold(f64::INFINITY, f64::min);
    let estimate = match (proportion(x1, n1), proportion(x0, n0)) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let ci = newcombe_independent(x1, n1, x0, n0, conf);
    let mut r = TestResult {
        estimate,
        conf_low: ci.map(|c| c.0),
        conf_high: ci.map(|c| c.1),
        ..TestResult::default()
    };
    if n1 == 0 || n0 == 0 {
        return ("chi_square", r);
    }
    if min_expected.is_nan() || min_expected < 5.0 {
        r.p_value = Some(fisher_exact_2x2(x1, n1 - x1, x0, n0 - x0));
        ("fisher_exact", r)
    } else {
        let table = vec![
            vec![x1 as f64, (n1 - x1) as f64],
            vec![x0 as f64, (n0 - x0) as f64],
        ];
        if let Some(c) = chi_square(&table) {
            r.statistic = Some(c.statistic);
            r.df = Some(c.df);
            r.p_value = Some(c.p_value);
        }
        ("chi_square", r)
    }
}
