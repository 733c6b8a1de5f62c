//! Descriptive statistics (R's `mean`, `var`, `median`, `quantile(type = 7)`).
//!
//! Sums run in index order, so results are byte-identical run to run.

use super::dist::t_quantile;
use super::{finite, two_sided_prob};

/// Arithmetic mean with one refinement pass (as R's `mean`); None when empty.
pub fn mean(x: &[f64]) -> Option<f64> {
    mean_of(|| x.iter().copied(), x.len())
}

/// [`mean`] of `n` values that `data` yields (the same each call), in order.
fn mean_of<I: Iterator<Item = f64>>(data: impl Fn() -> I, n: usize) -> Option<f64> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let m = data().sum::<f64>() / nf;
    if !m.is_finite() {
        return None;
    }
    let correction = data().map(|v| v - m).sum::<f64>() / nf;
    finite(m + correction)
}

/// Sample variance with divisor n − 1 (two-pass); None when n < 2.
pub fn variance(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    variance_about(x, mean(x)?)
}

/// [`variance`] when the mean `m` (from [`mean`]) is already known: one pass less.
pub fn variance_about(x: &[f64], m: f64) -> Option<f64> {
    variance_about_of(x.iter().copied(), x.len(), m)
}

fn variance_about_of<I: Iterator<Item = f64>>(data: I, n: usize, m: f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let ss: f64 = data.map(|v| (v - m) * (v - m)).sum();
    finite(ss / (n - 1) as f64)
}

/// Count, mean and variance of one set of values: what t tests, effect sizes
/// and summaries share, computed once (three passes) and bit-equal to
/// [`mean`] and [`variance`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    pub n: usize,
    pub mean: Option<f64>,
    /// Sample variance (n − 1); None when n < 2 or the mean is None.
    pub var: Option<f64>,
}

/// [`Moments`] of a slice.
pub fn moments(x: &[f64]) -> Moments {
    moments_of(|| x.iter().copied(), x.len())
}

/// [`Moments`] of `n` values that `data` yields in order (the same each call), so
/// values never gathered into a vector (0/1 changes of one level) give the same
/// bits as their vector would.
pub fn moments_of<I: Iterator<Item = f64>>(data: impl Fn() -> I, n: usize) -> Moments {
    let mean = mean_of(&data, n);
    Moments {
        n,
        mean,
        var: mean.and_then(|m| variance_about_of(data(), n, m)),
    }
}

/// Median (mean of the two middle values when n is even); None when empty.
pub fn median(x: &[f64]) -> Option<f64> {
    median_in_place(&mut x.to_vec())
}

/// [`median`], reordering `x`: the middle order statistics are found by
/// selection and left where a sort would place them.
pub fn median_in_place(x: &mut [f64]) -> Option<f64> {
    let n = x.len();
    if n == 0 {
        return None;
    }
    let mut ks = vec![(n - 1) / 2, n / 2];
    select_order_stats(x, &mut ks);
    median_of_selected(x)
}

/// [`median`] of values whose middle order statistics are already in place (by
/// [`median_in_place`] or [`describe_in_place`]).
pub fn median_of_selected(s: &[f64]) -> Option<f64> {
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
    quantile7_at(sorted.len(), p, |i| sorted[i])
}

/// Order-statistic indices a type-7 quantile reads: ⌊h⌋ and ⌈h⌉, h = (n − 1)p.
fn quantile7_indices(n: usize, p: f64) -> [usize; 2] {
    let index = (n - 1) as f64 * p;
    [
        (index.floor() as usize).min(n - 1),
        (index.ceil() as usize).min(n - 1),
    ]
}

/// Type-7 quantile given a way to read the i-th order statistic.
fn quantile7_at(n: usize, p: f64, at: impl Fn(usize) -> f64) -> Option<f64> {
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let index = (n - 1) as f64 * p;
    let lo = index.floor();
    let [lo_i, hi_i] = quantile7_indices(n, p);
    let q = at(lo_i);
    if index > lo && at(hi_i) != q {
        let h = index - lo;
        return finite((1.0 - h) * q + h * at(hi_i));
    }
    finite(q)
}

/// Put the order statistics at `ks` in place (as a full sort would), by selection:
/// O(n) instead of O(n log n) for the few that quantiles need.
fn select_order_stats(buf: &mut [f64], ks: &mut Vec<usize>) {
    ks.sort_unstable();
    ks.dedup();
    let mut start = 0;
    for &k in ks.iter() {
        if k < start || k >= buf.len() {
            continue;
        }
        buf[start..].select_nth_unstable_by(k - start, |a, b| a.total_cmp(b));
        start = k + 1;
    }
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
    describe_with(x, moments(x), conf_level)
}

/// [`describe`] with the values' [`Moments`] already known.
pub fn describe_with(x: &[f64], moments: Moments, conf_level: f64) -> Summary {
    describe_in_place(&mut x.to_vec(), moments, conf_level)
}

/// [`describe_with`], reordering `x` (no copy): the order statistics that the
/// median and quartiles read are left where a sort would place them, so
/// [`median_of_selected`] can read the median afterwards. Only `moments` depend on
/// the values' order, and they are given.
pub fn describe_in_place(x: &mut [f64], moments: Moments, conf_level: f64) -> Summary {
    let n = x.len();
    // Only the order statistics the median and quartiles read are put in place.
    let s = x;
    if n > 0 {
        let mut ks: Vec<usize> = [0.25, 0.5, 0.75]
            .iter()
            .flat_map(|&p| quantile7_indices(n, p))
            .collect();
        select_order_stats(s, &mut ks);
    }
    let min = s.iter().copied().min_by(f64::total_cmp);
    let max = s.iter().copied().max_by(f64::total_cmp);
    let mean = moments.mean;
    let sd = moments.var.map(f64::sqrt);
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
        // Type 7 at p = ½ is the usual median (mean of the middle two when n is even).
        median: quantile7_at(n, 0.5, |i| s[i]),
        q1: quantile7_at(n, 0.25, |i| s[i]),
        q3: quantile7_at(n, 0.75, |i| s[i]),
        min: min.and_then(finite),
        max: max.and_then(finite),
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
    fn moments_and_median_match_their_definitions_to_the_bit() {
        let sets: [&[f64]; 5] = [
            &[],
            &[2.5],
            &[1.0, 1.0, 0.0, -0.0, 3.0],
            &[0.1, 0.7, 0.2, 0.9, 0.3, 0.3, 1e-9, 12.25],
            &[-1.0, 0.0, 1.0, 1.0, 0.0, -1.0, 1.0],
        ];
        for x in sets {
            let m = moments(x);
            assert_eq!(m.n, x.len());
            assert_eq!(m.mean.map(f64::to_bits), mean(x).map(f64::to_bits));
            assert_eq!(m.var.map(f64::to_bits), variance(x).map(f64::to_bits));
            // Values never gathered (here: i8 changes) give the same bits.
            if x.iter().all(|v| v.fract() == 0.0) {
                let ch: Vec<i8> = x.iter().map(|&v| v as i8).collect();
                assert_eq!(moments_of(|| ch.iter().map(|&c| f64::from(c)), ch.len()), m);
            }
            // The median by selection is the median of the sorted values.
            let mut s = x.to_vec();
            s.sort_by(f64::total_cmp);
            let n = s.len();
            let want = match n {
                0 => None,
                _ if n % 2 == 1 => Some(s[n / 2]),
                _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
            };
            assert_eq!(median(x).map(f64::to_bits), want.map(f64::to_bits), "{x:?}");
            // In place: the same summary, and the median read off afterwards.
            let mut y = x.to_vec();
            assert_eq!(describe_in_place(&mut y, m, 0.9), describe(x, 0.9));
            assert_eq!(median_of_selected(&y), median(x));
        }
    }

    #[test]
    fn type7() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile7(&s, 0.25), Some(1.75));
        assert_eq!(quantile7(&s, 0.75), Some(3.25));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
