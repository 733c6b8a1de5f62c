//! Descriptive statistics (R's `mean`, `var`, `median`, `quantile(type = 7)`).
//!
//! Sums run in index order, so results are byte-identical run to run.

use super::dist::t_quantile;
use super::{finite, two_sided_prob};

/// Arithmetic mean with one refinement pass (as R's `mean`); None when empty.
pub fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    if !m.is_finite() {
        return None;
    }
    let correction = x.iter().map(|v| v - m).sum::<f64>() / n;
    finite(m + correction)
}

/// Sample variance with divisor n − 1 (two-pass); None when n < 2.
pub fn variance(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    finite(ss / (x.len() - 1) as f64)
}

/// A sorted copy (total order; NaN-free input assumed).
pub(crate) fn sorted(x: &[f64]) -> Vec<f64> {
    let mut s = x.to_vec();
    s.sort_unstable_by(|a, b| a.total_cmp(b));
    s
}

/// Median (mean of the two middle values when n is even); None when empty.
pub fn median(x: &[f64]) -> Option<f64> {
    let s = sorted(x);
    let n = s.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return finite(s[n / 2]);
    }
    let (a, b) = (s[n / 2 - 1], s[n / 2]);
    let m = (a + b) / 2.0;
    finite(if m.is_finite() { m } else { a / 2.0 + b / 2.0 })
}

/// Quantile of already sorted data by R's type 7 (linear interpolation
/// between order statistics at h = (n − 1)p); None when empty or p ∉ [0, 1].
pub fn quantile7(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let index = (n - 1) as f64 * p;
    let lo = index.floor();
    let hi = index.ceil();
    let (lo_i, hi_i) = ((lo as usize).min(n - 1), (hi as usize).min(n - 1));
    let q = sorted[lo_i];
    if index > lo && sorted[hi_i] != q {
        let h = index - lo;
        return finite((1.0 - h) * q + h * sorted[hi_i]);
    }
    finite(q)
}

/// Summary of one group at one wave.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
}

/// n, mean, sd (n − 1), median, type-7 quartiles, min, max and the t-based
/// CI of the mean (R's `t.test(x)$conf.int`). The CI is None when n < 2 or
/// when the data are constant (sd = 0), where R's `t.test` refuses too.
pub fn describe(x: &[f64], conf_level: f64) -> Summary {
    let s = sorted(x);
    let n = s.len();
    let mean = mean(x);
    let sd = variance(x).map(f64::sqrt);
    let (mut conf_low, mut conf_high) = (None, None);
    if let (Some(m), Some(sd)) = (mean, sd) {
        let se = sd / (n as f64).sqrt();
        if se > 0.0 && se >= 10.0 * f64::EPSILON * m.abs() {
            let q = t_quantile(two_sided_prob(conf_level), (n - 1) as f64);
            conf_low = finite(m - q * se);
            conf_high = finite(m + q * se);
        }
    }
    Summary {
        n,
        mean,
        sd,
        median: median(&s),
        q1: quantile7(&s, 0.25),
        q3: quantile7(&s, 0.75),
        min: s.first().copied().and_then(finite),
        max: s.last().copied().and_then(finite),
        conf_low,
        conf_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases() {
        let e = describe(&[], 0.95);
        assert_eq!(e.n, 0);
        assert_eq!(e.mean, None);
        assert_eq!(e.q1, None);
        let one = describe(&[3.5], 0.95);
        assert_eq!(
            (one.mean, one.median, one.q3),
            (Some(3.5), Some(3.5), Some(3.5))
        );
        assert_eq!((one.sd, one.conf_low), (None, None));
        let c = describe(&[2.0, 2.0, 2.0], 0.95);
        assert_eq!((c.sd, c.conf_low, c.conf_high), (Some(0.0), None, None));
    }

    #[test]
    fn type7() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile7(&s, 0.25), Some(1.75));
        assert_eq!(quantile7(&s, 0.75), Some(3.25));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
