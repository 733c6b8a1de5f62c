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

/// [`Moments`] of `K` sequences whose rows come from a table (row `i` is
/// `rows[codes[i]]`), each summed in its own order from −0.0 as f64's `Sum`, so
/// bit-equal to [`moments_of`] on each sequence alone. The sums stay in registers, so this is the fast way for
/// few sequences over many rows (a categorical domain's levels, coded by pair of
/// levels); bit-equal to [`moments_of`] on each sequence.
pub fn moments_by_code<const K: usize>(codes: &[u8], rows: &[[f64; K]; 256]) -> [Moments; K] {
    let n = codes.len();
    let mut out = [Moments {
        n,
        mean: None,
        var: None,
    }; K];
    if n == 0 {
        return out;
    }
    let nf = n as f64;
    let raw = code_sums(codes, rows, |_, x| x).map(|s| s / nf);
    let corr = code_sums(codes, rows, |l, x| x - raw[l]);
    let mean: [Option<f64>; K] = std::array::from_fn(|l| {
        if raw[l].is_finite() {
            finite(raw[l] + corr[l] / nf)
        } else {
            None
        }
    });
    let centre = mean.map(|m| m.unwrap_or(0.0));
    if n >= 2 {
        let ss = code_sums(codes, rows, |l, x| (x - centre[l]) * (x - centre[l]));
        for (o, (m, ss)) in out.iter_mut().zip(mean.iter().zip(ss)) {
            o.var = m.and_then(|_| finite(ss / (n - 1) as f64));
        }
    }
    for (o, m) in out.iter_mut().zip(mean) {
        o.mean = m;
    }
    out
}

/// Per sequence of [`moments_by_code`], the sum of `term(l, value)` in row order,
/// from −0.0 as f64's `Sum`.
fn code_sums<const K: usize>(
    codes: &[u8],
    rows: &[[f64; K]; 256],
    term: impl Fn(usize, f64) -> f64,
) -> [f64; K] {
    let mut s = [-0.0; K];
    for &c in codes {
        let r = &rows[usize::from(c)];
        for (l, (s, &x)) in s.iter_mut().zip(r).enumerate() {
            *s += term(l, x);
        }
    }
    s
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
    median_by(s.len(), |i| s[i])
}

/// [`median`] of `n` values given a way to read the i-th order statistic.
fn median_by(n: usize, at: impl Fn(usize) -> f64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return finite(at(n / 2));
    }
    let (a, b) = (at(n / 2 - 1), at(n / 2));
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

/// The distinct values of a sample in ascending order (`f64::total_cmp`, so −0 and
/// 0 apart, as a sort leaves them) and how often each occurs: every order
/// statistic, the min and the max without sorting or reordering the sample, and
/// the rank sums of the Mann–Whitney test. Made in one pass over a small hash table
/// (scores, counts and ratings have few distinct values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub values: Vec<f64>,
    pub counts: Vec<usize>,
    /// `ends[j]`: values up to and including `values[j]`.
    ends: Vec<usize>,
}

/// Above this many distinct values [`tally`] gives up (sorting is then the way).
pub const TALLY_MAX_DISTINCT: usize = 4096;

/// The [`Tally`] of `x`; None with more than [`TALLY_MAX_DISTINCT`] distinct values
/// or a NaN.
pub fn tally(x: &[f64]) -> Option<Tally> {
    if x.iter().any(|v| v.is_nan()) {
        return None;
    }
    count_distinct(x.iter().map(|v| (v.to_bits(), [1]))).map(tally_of)
}

/// The [`Tally`] of values counted by [`count_distinct`].
pub(crate) fn tally_of(found: Vec<(f64, [usize; 1])>) -> Tally {
    let mut t = Tally::default();
    let mut below = 0;
    for (v, [c]) in found {
        below += c;
        t.values.push(v);
        t.counts.push(c);
        t.ends.push(below);
    }
    t
}

/// [`moments`] and [`tally`] of one sample, the tally counted in the same reading
/// of the values as the mean's correction (one reading less): bit-equal to both.
pub fn moments_and_tally(x: &[f64]) -> (Moments, Option<Tally>) {
    let n = x.len();
    let nf = n as f64;
    let m = x.iter().sum::<f64>() / nf;
    if n == 0 || !m.is_finite() {
        return (moments(x), tally(x));
    }
    // As `mean_of`: the correction summed in order from −0.0 (f64's `Sum`).
    let (mut correction, mut read, mut nan) = (-0.0, 0, false);
    let found = count_distinct(x.iter().map(|&v| {
        correction += v - m;
        read += 1;
        nan |= v.is_nan();
        (v.to_bits(), [1])
    }));
    // The counting stops early past too many distinct values: finish the sum.
    for &v in &x[read..] {
        correction += v - m;
    }
    let mean = finite(m + correction / nf);
    let var = mean.and_then(|m| variance_about_of(x.iter().copied(), n, m));
    let t = if nan { None } else { found.map(tally_of) };
    (Moments { n, mean, var }, t)
}

/// Values counted by their bits, `K` counts each (every item adds its own), in
/// ascending order of value (`f64::total_cmp`): an open-addressing table of 8,192
/// slots, so one pass in cache. None above [`TALLY_MAX_DISTINCT`] distinct values
/// (or for the all-ones NaN, which marks empty slots).
pub(crate) fn count_distinct<const K: usize>(
    data: impl Iterator<Item = (u64, [usize; K])>,
) -> Option<Vec<(f64, [usize; K])>> {
    const BITS: u32 = 13;
    const EMPTY: u64 = u64::MAX;
    let mask = (1usize << BITS) - 1;
    let mut keys = vec![EMPTY; 1 << BITS];
    let mut counts = vec![[0usize; K]; 1 << BITS];
    let mut distinct = 0;
    for (key, add) in data {
        if key == EMPTY {
            return None;
        }
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize;
        while keys[i] != key && keys[i] != EMPTY {
            i = (i + 1) & mask;
        }
        if keys[i] == EMPTY {
            distinct += 1;
            if distinct > TALLY_MAX_DISTINCT {
                return None;
            }
            keys[i] = key;
        }
        for (c, a) in counts[i].iter_mut().zip(add) {
            *c += a;
        }
    }
    let mut found: Vec<(f64, [usize; K])> = keys
        .iter()
        .zip(&counts)
        .filter(|(k, _)| **k != EMPTY)
        .map(|(k, &c)| (f64::from_bits(*k), c))
        .collect();
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    Some(found)
}

impl Tally {
    /// Values tallied.
    pub fn n(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }
    /// The `i`-th order statistic (0-based; the last one past the end).
    pub fn at(&self, i: usize) -> f64 {
        let j = self.ends.partition_point(|&e| e <= i);
        self.values
            .get(j)
            .or(self.values.last())
            .copied()
            .unwrap_or(f64::NAN)
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
    summary_by(n, moments, conf_level, |i| s[i], min, max)
}

/// [`describe`] of the sample that `t` tallies (nothing reordered or scanned).
pub fn describe_tallied(t: &Tally, moments: Moments, conf_level: f64) -> Summary {
    let (min, max) = (t.values.first().copied(), t.values.last().copied());
    summary_by(t.n(), moments, conf_level, |i| t.at(i), min, max)
}

/// [`median`] of the sample that `t` tallies.
pub fn median_tallied(t: &Tally) -> Option<f64> {
    median_by(t.n(), |i| t.at(i))
}

/// The summary of `n` values given their moments, a way to read the i-th order
/// statistic, the min and the max.
fn summary_by(
    n: usize,
    moments: Moments,
    conf_level: f64,
    at: impl Fn(usize) -> f64,
    min: Option<f64>,
    max: Option<f64>,
) -> Summary {
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
        median: quantile7_at(n, 0.5, &at),
        q1: quantile7_at(n, 0.25, &at),
        q3: quantile7_at(n, 0.75, &at),
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
    fn moments_and_tally_together_are_each_alone() {
        let mut next = crate::stats::test_numbers(9);
        let sets: Vec<Vec<f64>> = vec![
            vec![],
            vec![1.5],
            vec![0.1, 0.2, 0.30000000000000004, -0.0, 0.0],
            (0..3000).map(|_| next(50) as f64 * 0.1).collect(),
            // Too many distinct values: the tally gives up part way.
            (0..6000).map(|i| f64::from(i) * 0.37 + 1e6).collect(),
            vec![f64::MAX, f64::MAX],
            vec![1.0, f64::NAN],
        ];
        for x in &sets {
            let (m, t) = moments_and_tally(x);
            let want = moments(x);
            assert_eq!(m.n, want.n);
            assert_eq!(m.mean.map(f64::to_bits), want.mean.map(f64::to_bits));
            assert_eq!(m.var.map(f64::to_bits), want.var.map(f64::to_bits));
            assert_eq!(t, tally(x));
        }
    }

    #[test]
    fn tallied_summaries_are_bit_equal_to_selection() {
        let mut next = crate::stats::test_numbers(3);
        let sets: Vec<Vec<f64>> = vec![
            vec![],
            vec![2.5],
            vec![1.0, 2.0],
            vec![0.0, -0.0, 0.0, -0.0, 1.0, -1.0],
            vec![-0.0, 0.0],
            vec![5.0; 7],
            (0..1001).map(|_| next(97) as f64 / 10.0 - 3.0).collect(),
            (0..1000).map(|_| next(4096) as f64 * 0.001).collect(),
            (0..64).map(|i| f64::from(i).sqrt()).collect(),
        ];
        for x in &sets {
            let t = tally(x).unwrap();
            assert_eq!(t.n(), x.len());
            let m = moments(x);
            let want = describe(x, 0.95);
            let got = describe_tallied(&t, m, 0.95);
            let bits = |s: &Summary| {
                [
                    s.mean,
                    s.sd,
                    s.median,
                    s.q1,
                    s.q3,
                    s.min,
                    s.max,
                    s.conf_low,
                    s.conf_high,
                ]
                .map(|v| v.map(f64::to_bits))
            };
            assert_eq!(bits(&got), bits(&want), "{x:?}");
            assert_eq!(
                median_tallied(&t).map(f64::to_bits),
                median(x).map(f64::to_bits)
            );
            for i in 0..x.len() {
                let mut s = x.clone();
                s.sort_by(f64::total_cmp);
                assert_eq!(t.at(i).to_bits(), s[i].to_bits());
            }
        }
        let many: Vec<f64> = (0..5000).map(f64::from).collect();
        assert!(tally(&many).is_none());
        assert!(tally(&[1.0, f64::NAN]).is_none());
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
