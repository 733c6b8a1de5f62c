//! t and z tests on means (R's `t.test`).

use super::describe::{Moments, moments};
use super::dist::{norm_quantile, norm_two_sided, t_quantile, t_two_sided};
use super::{TestResult, degenerate_se, finite, snap_zero, two_sided_prob};

/// A t (or z, when `df` is None) result with CI estimate ± q·se.
fn from_se(estimate: f64, se: f64, df: Option<f64>, conf_level: f64) -> TestResult {
    let stat = estimate / se;
    let (p, q) = match df {
        Some(df) => (
            t_two_sided(stat, df),
            t_quantile(two_sided_prob(conf_level), df),
        ),
        None => (
            norm_two_sided(stat),
            norm_quantile(two_sided_prob(conf_level)),
        ),
    };
    TestResult {
        estimate: finite(estimate),
        conf_low: finite(estimate - q * se),
        conf_high: finite(estimate + q * se),
        statistic: finite(stat),
        df: df.and_then(finite),
        p_value: finite(p),
    }
}

/// One-sample t test of the changes against 0, df n − 1 (R's
/// `t.test(post, pre, paired = TRUE)`). Untestable when n < 2 or the changes
/// are constant: the mean change is still reported.
pub fn paired_t(changes: &[f64], conf_level: f64) -> TestResult {
    paired_t_moments(moments(changes), conf_level)
}

/// [`paired_t`] from the changes' [`Moments`].
pub fn paired_t_moments(c: Moments, conf_level: f64) -> TestResult {
    let (Some(m), Some(v)) = (c.mean, c.var) else {
        return TestResult::estimate_only(c.mean);
    };
    let se = (v / c.n as f64).sqrt();
    if degenerate_se(se, m) {
        return TestResult::estimate_only(Some(m));
    }
    from_se(m, se, Some((c.n - 1) as f64), conf_level)
}

/// Cohen's d_z: mean / sd of the changes; None when the sd is 0 or n < 2.
pub fn cohens_dz(changes: &[f64]) -> Option<f64> {
    cohens_dz_moments(moments(changes))
}

/// [`cohens_dz`] from the changes' [`Moments`].
pub fn cohens_dz_moments(c: Moments) -> Option<f64> {
    let m = c.mean?;
    let sd = c.var?.sqrt();
    if degenerate_se(sd, m) {
        return None;
    }
    finite(m / sd)
}

/// Welch two-sample t test of x1 − x0 with Satterthwaite df (R's
/// `t.test(x1, x0)`). Untestable when a group has n < 2 or both variances
/// are 0: the difference in means is still reported when both are non-empty.
pub fn welch_t(x1: &[f64], x0: &[f64], conf_level: f64) -> TestResult {
    welch_t_moments(moments(x1), moments(x0), conf_level)
}

/// [`welch_t`] from the two groups' [`Moments`].
pub fn welch_t_moments(g1: Moments, g0: Moments, conf_level: f64) -> TestResult {
    let diff = g1.mean.zip(g0.mean).map(|(a, b)| a - b);
    let (Some(m1), Some(m0), Some(v1), Some(v0)) = (g1.mean, g0.mean, g1.var, g0.var) else {
        return TestResult::estimate_only(diff);
    };
    let (n1, n0) = (g1.n as f64, g0.n as f64);
    let (se1, se0) = (v1 / n1, v0 / n0);
    let se = (se1 + se0).sqrt();
    let scale = m1.abs().max(m0.abs());
    if degenerate_se(se, scale) {
        return TestResult::estimate_only(diff.map(|d| snap_zero(d, scale)));
    }
    let df = (se1 + se0).powi(2) / (se1 * se1 / (n1 - 1.0) + se0 * se0 / (n0 - 1.0));
    from_se(m1 - m0, se, Some(df), conf_level)
}

/// Hedges' g: (mean1 − mean0) / pooled sd · J, J = 1 − 3/(4(n1+n0) − 9)
/// (Hedges & Olkin 1985). None when a group is empty, n1 + n0 < 3 or the
/// pooled sd is 0.
pub fn hedges_g(x1: &[f64], x0: &[f64]) -> Option<f64> {
    hedges_g_moments(moments(x1), moments(x0))
}

/// [`hedges_g`] from the two groups' [`Moments`].
pub fn hedges_g_moments(g1: Moments, g0: Moments) -> Option<f64> {
    let (m1, m0) = (g1.mean?, g0.mean?);
    let (n1, n0) = (g1.n as f64, g0.n as f64);
    if n1 + n0 < 3.0 {
        return None;
    }
    let ss = |g: Moments| g.var.map_or(0.0, |v| v * (g.n as f64 - 1.0));
    let sp = ((ss(g1) + ss(g0)) / (n1 + n0 - 2.0)).sqrt();
    if degenerate_se(sp, m1.abs().max(m0.abs())) {
        return None;
    }
    let j = 1.0 - 3.0 / (4.0 * (n1 + n0) - 9.0);
    finite((m1 - m0) / sp * j)
}

/// Large-sample normal CI of a standardised mean difference `d` with
/// variance `var` (Hedges & Olkin 1985, eq. 5.14): d ± z·√var.
fn effect_ci(d: f64, var: f64, conf_level: f64) -> Option<(f64, f64)> {
    let z = norm_quantile(two_sided_prob(conf_level));
    let h = z * var.sqrt();
    (h.is_finite() && d.is_finite()).then_some((d - h, d + h))
}

/// CI of Hedges' g: var(g) = (n₁+n₀)/(n₁n₀) + g²/(2(n₁+n₀)).
pub fn hedges_g_ci(g: f64, n1: usize, n0: usize, conf_level: f64) -> Option<(f64, f64)> {
    let (a, b) = (n1 as f64, n0 as f64);
    if n1 == 0 || n0 == 0 {
        return None;
    }
    effect_ci(g, (a + b) / (a * b) + g * g / (2.0 * (a + b)), conf_level)
}

/// CI of Cohen's dz over n pairs: var(dz) = 1/n + dz²/(2n).
pub fn cohens_dz_ci(dz: f64, n: usize, conf_level: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    effect_ci(dz, 1.0 / n + dz * dz / (2.0 * n), conf_level)
}

/// Wald z test of `estimate` with standard error `se`: statistic z, normal
/// CI, df None. Untestable (estimate kept) when se is 0 or not finite.
pub fn z_test(estimate: f64, se: f64, conf_level: f64) -> TestResult {
    if !estimate.is_finite() || degenerate_se(se, estimate) {
        return TestResult::estimate_only(finite(estimate));
    }
    from_se(estimate, se, None, conf_level)
}

/// Difference-in-differences z for unpaired continuous data; `cells` =
/// [post1, pre1, post0, pre0]: estimate (post1 − pre1) − (post0 − pre0) of
/// means, SE² = Σ s²/n (s² with n − 1). Untestable if any cell has n < 2.
pub fn did_z_continuous(cells: [&[f64]; 4], conf_level: f64) -> TestResult {
    did_z_moments(cells.map(moments), conf_level)
}

/// [`did_z_continuous`] from the four cells' [`Moments`].
pub fn did_z_moments(cells: [Moments; 4], conf_level: f64) -> TestResult {
    let means: Option<Vec<f64>> = cells.iter().map(|c| c.mean).collect();
    let estimate = means.as_ref().map(|m| (m[0] - m[1]) - (m[2] - m[3]));
    let vars: Option<Vec<f64>> = cells
        .iter()
        .map(|c| c.var.map(|v| v / c.n as f64))
        .collect();
    let (Some(est), Some(means), Some(vars)) = (estimate, means, vars) else {
        return TestResult::estimate_only(estimate);
    };
    let se = vars.iter().sum::<f64>().sqrt();
    let scale = means.iter().fold(0.0f64, |a, m| a.max(m.abs()));
    if degenerate_se(se, scale) {
        return TestResult::estimate_only(Some(est));
    }
    z_test(est, se, conf_level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effect_size_intervals() {
        // R: g <- 0.5; se <- sqrt(20/(10*10) + g^2/(2*20)); g + c(-1, 1) * qnorm(0.975) * se
        let (lo, hi) = hedges_g_ci(0.5, 10, 10, 0.95).unwrap();
        assert!((lo - -0.390112847771654).abs() < 1e-12, "{lo}");
        assert!((hi - 1.390112847771654).abs() < 1e-12, "{hi}");
        // R: d <- -0.8; se <- sqrt(1/25 + d^2/50); d + c(-1, 1) * qnorm(0.995) * se
        let (lo, hi) = cohens_dz_ci(-0.8, 25, 0.99).unwrap();
        assert!((lo - -1.391880512041003).abs() < 1e-12, "{lo}");
        assert!((hi - -0.208119487958997).abs() < 1e-12, "{hi}");
        assert!(hedges_g_ci(0.5, 0, 3, 0.95).is_none());
    }

    #[test]
    fn untestable() {
        let r = paired_t(&[3.0, 3.0, 3.0], 0.95);
        assert_eq!(r.estimate, Some(3.0));
        assert_eq!((r.p_value, r.statistic, r.conf_low), (None, None, None));
        assert_eq!(paired_t(&[], 0.95), TestResult::default());
        assert_eq!(paired_t(&[1.0], 0.95).estimate, Some(1.0));
        assert_eq!(cohens_dz(&[2.0, 2.0]), None);
        let w = welch_t(&[1.0], &[2.0, 3.0], 0.95);
        assert_eq!((w.estimate, w.p_value), (Some(-1.5), None));
        let w = welch_t(&[1.0, 1.0], &[2.0, 2.0], 0.95);
        assert_eq!((w.estimate, w.p_value), (Some(-1.0), None));
        assert_eq!(welch_t(&[], &[1.0, 2.0], 0.95), TestResult::default());
        assert_eq!(z_test(1.0, 0.0, 0.95).p_value, None);
        assert_eq!(z_test(1.0, f64::NAN, 0.95).estimate, Some(1.0));
        let d = did_z_continuous([&[1.0, 2.0], &[1.0], &[1.0, 2.0], &[1.0, 2.0]], 0.95);
        assert_eq!((d.estimate, d.p_value), (Some(0.5), None));
        assert_eq!(hedges_g(&[1.0], &[1.0]), None);
    }

    #[test]
    fn one_constant_group_is_testable() {
        let w = welch_t(&[1.0, 1.0, 1.0], &[2.0, 3.0, 4.0], 0.95);
        assert!(w.p_value.is_some());
        assert!((w.df.unwrap_or(0.0) - 2.0).abs() < 1e-12);
    }
}
