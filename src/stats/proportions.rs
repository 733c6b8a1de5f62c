//! Proportions: Wilson and Newcombe intervals, exact McNemar, risk and odds
//! ratios, difference-in-differences z. Counts are `usize` throughout.

use super::dist::{binom_half_cdf, norm_quantile};
use super::ttest::z_test;
use super::{TestResult, finite, two_sided_prob};

/// Wilson score interval without continuity correction (Wilson 1927; R's
/// `prop.test(x, n, correct = FALSE)$conf.int`). None when n = 0 or
/// count > n.
pub fn wilson(count: usize, n: usize, conf_level: f64) -> Option<(f64, f64)> {
    if n == 0 || count > n {
        return None;
    }
    let z = norm_quantile(two_sided_prob(conf_level));
    let nf = n as f64;
    let p = count as f64 / nf;
    let z22n = z * z / (2.0 * nf);
    let half = z * (p * (1.0 - p) / nf + z22n / (2.0 * nf)).sqrt();
    let upper = if p >= 1.0 {
        1.0
    } else {
        (p + z22n + half) / (1.0 + 2.0 * z22n)
    };
    let lower = if p <= 0.0 {
        0.0
    } else {
        (p + z22n - half) / (1.0 + 2.0 * z22n)
    };
    Some((finite(lower)?, finite(upper)?))
}

/// Newcombe's hybrid score interval for p1 − p0 from independent samples
/// (Newcombe 1998, method 10). None when either n is 0.
pub fn newcombe_independent(
    x1: usize,
    n1: usize,
    x0: usize,
    n0: usize,
    conf_level: f64,
) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(x1, n1, conf_level)?;
    let (l0, u0) = wilson(x0, n0, conf_level)?;
    let (p1, p0) = (x1 as f64 / n1 as f64, x0 as f64 / n0 as f64);
    let d = p1 - p0;
    let lower = d - ((p1 - l1).powi(2) + (u0 - p0).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p0 - l0).powi(2)).sqrt();
    Some((finite(lower)?, finite(upper)?))
}

/// Newcombe's hybrid score interval for p_post − p_pre from matched pairs
/// (Newcombe 1998b, method 10) with his corrected φ, as in Fagerland,
/// Lydersen & Laake (2017). Cells: a = (pre 1, post 1), b = (1, 0),
/// c = (0, 1), d = (0, 0). None when there are no pairs.
pub fn newcombe_paired(
    a: usize,
    b: usize,
    c: usize,
    d: usize,
    conf_level: f64,
) -> Option<(f64, f64)> {
    let n = a + b + c + d;
    let (l_post, u_post) = wilson(a + c, n, conf_level)?;
    let (l_pre, u_pre) = wilson(a + b, n, conf_level)?;
    let nf = n as f64;
    let (p_post, p_pre) = ((a + c) as f64 / nf, (a + b) as f64 / nf);
    let margins = [a + b, c + d, a + c, b + d].map(|m| m as f64);
    let big_a = a as f64 * d as f64 - b as f64 * c as f64;
    let phi = if margins.contains(&0.0) {
        0.0
    } else {
        let root = margins.iter().product::<f64>().sqrt();
        if big_a > nf / 2.0 {
            (big_a - nf / 2.0) / root
        } else if big_a >= 0.0 {
            0.0
        } else {
            big_a / root
        }
    };
    let diff = p_post - p_pre;
    let (dl_post, du_post) = (p_post - l_post, u_post - p_post);
    let (dl_pre, du_pre) = (p_pre - l_pre, u_pre - p_pre);
    let lo2 = dl_post * dl_post - 2.0 * phi * dl_post * du_pre + du_pre * du_pre;
    let hi2 = du_post * du_post - 2.0 * phi * du_post * dl_pre + dl_pre * dl_pre;
    Some((
        finite(diff - lo2.max(0.0).sqrt())?,
        finite(diff + hi2.max(0.0).sqrt())?,
    ))
}

/// Exact McNemar test on matched pairs (cells as [`newcombe_paired`]):
/// estimate (c − b)/N, CI [`newcombe_paired`], statistic min(b, c), p =
/// min(1, 2·P(X ≤ min(b, c))) with X ~ Bin(b + c, ½) (R's
/// `binom.test(c, b + c)`). b = c = 0 gives statistic 0 and p 1.
pub fn mcnemar_exact(a: usize, b: usize, c: usize, d: usize, conf_level: f64) -> TestResult {
    let n = a + b + c + d;
    if n == 0 {
        return TestResult::default();
    }
    let k = b.min(c);
    let p = (2.0 * binom_half_cdf(k as u64, (b + c) as u64)).min(1.0);
    let ci = newcombe_paired(a, b, c, d, conf_level);
    TestResult {
        estimate: finite((c as f64 - b as f64) / n as f64),
        conf_low: ci.map(|c| c.0),
        conf_high: ci.map(|c| c.1),
        statistic: Some(k as f64),
        df: None,
        p_value: finite(p),
    }
}

/// The cells (x1, n1 − x1, x0, n0 − x0), with 0.5 added to each when one is
/// 0; None when a row is empty or a count exceeds its n.
fn cells(x1: usize, n1: usize, x0: usize, n0: usize) -> Option<[f64; 4]> {
    if n1 == 0 || n0 == 0 || x1 > n1 || x0 > n0 {
        return None;
    }
    let c = [x1, n1 - x1, x0, n0 - x0].map(|v| v as f64);
    Some(if c.contains(&0.0) {
        c.map(|v| v + 0.5)
    } else {
        c
    })
}

/// Ratio estimate with a Wald CI on the log scale; p_value None.
fn log_wald(ratio: f64, se_log: f64, conf_level: f64) -> TestResult {
    let z = norm_quantile(two_sided_prob(conf_level));
    let l = ratio.ln();
    TestResult {
        estimate: finite(ratio),
        conf_low: finite((l - z * se_log).exp()),
        conf_high: finite((l + z * se_log).exp()),
        ..Default::default()
    }
}

/// Risk ratio p1/p0 with the Katz log CI (Katz et al. 1978); 0.5 is added
/// to every cell when one is 0 (estimate and CI). p_value None.
pub fn risk_ratio(x1: usize, n1: usize, x0: usize, n0: usize, conf_level: f64) -> TestResult {
    let Some([a, b, c, d]) = cells(x1, n1, x0, n0) else {
        return TestResult::default();
    };
    let rr = (a / (a + b)) / (c / (c + d));
    let se = (1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d)).sqrt();
    log_wald(rr, se, conf_level)
}

/// Odds ratio with the Woolf log CI (Woolf 1955); 0.5 is added to every
/// cell when one is 0 (estimate and CI). p_value None.
pub fn odds_ratio(x1: usize, n1: usize, x0: usize, n0: usize, conf_level: f64) -> TestResult {
    let Some([a, b, c, d]) = cells(x1, n1, x0, n0) else {
        return TestResult::default();
    };
    let or = (a * d) / (b * c);
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    log_wald(or, se, conf_level)
}

/// Difference-in-differences z for unpaired binary data; `cells` =
/// [(count, n)] for post1, pre1, post0, pre0: estimate
/// (p_post1 − p_pre1) − (p_post0 − p_pre0), SE² = Σ p(1 − p)/n.
/// Untestable (estimate kept where defined) when a cell is empty or SE = 0.
pub fn did_z_binary(cells: [(usize, usize); 4], conf_level: f64) -> TestResult {
    if cells.iter().any(|&(x, n)| n == 0 || x > n) {
        return TestResult::default();
    }
    let p = cells.map(|(x, n)| x as f64 / n as f64);
    let est = (p[0] - p[1]) - (p[2] - p[3]);
    let var: f64 = cells
        .iter()
        .zip(p)
        .map(|(&(_, n), p)| p * (1.0 - p) / n as f64)
        .sum();
    z_test(est, var.sqrt(), conf_level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(wilson(0, 0, 0.95), None);
        assert_eq!(wilson(0, 5, 0.95).map(|c| c.0), Some(0.0));
        assert_eq!(wilson(5, 5, 0.95).map(|c| c.1), Some(1.0));
        assert_eq!(newcombe_paired(0, 0, 0, 0, 0.95), None);
        let m = mcnemar_exact(5, 0, 0, 7, 0.95);
        assert_eq!(
            (m.statistic, m.p_value, m.estimate),
            (Some(0.0), Some(1.0), Some(0.0))
        );
        assert!(m.conf_low.is_some());
        assert_eq!(mcnemar_exact(0, 0, 0, 0, 0.95), TestResult::default());
        let rr = risk_ratio(0, 5, 3, 5, 0.95);
        assert!(rr.estimate.is_some() && rr.conf_low.is_some());
        assert_eq!(risk_ratio(0, 0, 3, 5, 0.95), TestResult::default());
        let dz = did_z_binary([(5, 5), (5, 5), (0, 3), (0, 3)], 0.95);
        assert_eq!((dz.estimate, dz.p_value), (Some(0.0), None));
    }
}
