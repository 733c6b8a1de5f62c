//! Rank tests as R's `wilcox.test` (defaults: exact = NULL, correct = TRUE).

use super::describe::median;
use super::dist::{norm_cdf, norm_sf, psignrank, pwilcox};
use super::{TestResult, finite};

/// Average ranks (1-based) of `x` and the sizes of its tie groups.
fn rank(x: &[f64]) -> (Vec<f64>, Vec<usize>) {
    // Sort (value, index) pairs: contiguous memory, so millions of values sort in
    // well under a second (an index sort that looks values up is cache-bound).
    // Ties get the average rank, so their order among themselves does not matter.
    let mut pairs: Vec<(f64, u32)> = x.iter().enumerate().map(|(i, &v)| (v, i as u32)).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; x.len()];
    let mut ties = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i + 1;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            j += 1;
        }
        let avg = (i + j + 1) as f64 / 2.0; // mean of ranks i+1..=j
        for &(_, k) in &pairs[i..j] {
            ranks[k as usize] = avg;
        }
        ties.push(j - i);
        i = j;
    }
    (ranks, ties)
}

/// The sum of the average ranks of the values `selected` picks, and the sizes of
/// the tie groups in ascending order of value: what both rank tests need.
fn rank_sum(x: &[f64], selected: impl Fn(usize) -> bool) -> (f64, Vec<usize>) {
    if let Some(r) = rank_sum_counted(x, &selected) {
        return r;
    }
    let (ranks, ties) = rank(x);
    let sum = ranks
        .iter()
        .enumerate()
        .filter(|(i, _)| selected(*i))
        .map(|(_, r)| r)
        .sum();
    (sum, ties)
}

/// [`rank_sum`] in linear time for data with few distinct values (scores, counts,
/// ratings): count each value instead of sorting them all. Ranks are multiples of
/// ½ and their sums stay below 2⁵², so every sum is exact in any order, and the tie
/// groups come in the same ascending order as from the sort: the result is the
/// same to the last bit. None when there are too many distinct values.
fn rank_sum_counted(x: &[f64], selected: &impl Fn(usize) -> bool) -> Option<(f64, Vec<usize>)> {
    const MAX_DISTINCT: usize = 1 << 12;
    let mut count: rustc_hash::FxHashMap<u64, (usize, usize)> = Default::default();
    for (i, &v) in x.iter().enumerate() {
        // 0 and −0 are one value.
        let key = if v == 0.0 { 0 } else { v.to_bits() };
        let c = count.entry(key).or_insert((0, 0));
        c.0 += 1;
        if selected(i) {
            c.1 += 1;
        }
        if count.len() > MAX_DISTINCT {
            return None;
        }
    }
    let mut distinct: Vec<(f64, usize, usize)> = count
        .into_iter()
        .map(|(k, (t, s))| (f64::from_bits(k), t, s))
        .collect();
    distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut below = 0;
    let mut sum = 0.0;
    let mut ties = Vec::with_capacity(distinct.len());
    for (_, t, s) in distinct {
        let avg = (2 * below + t + 1) as f64 / 2.0; // mean of ranks below+1..=below+t
        sum += avg * s as f64;
        ties.push(t);
        below += t;
    }
    Some((sum, ties))
}

/// Two-sided normal-approximation p with continuity correction ½·sign(z)
/// (sign(0) = 0, as R's `sign`).
fn normal_p(z: f64, sigma: f64) -> f64 {
    let sign = if z > 0.0 {
        1.0
    } else if z < 0.0 {
        -1.0
    } else {
        0.0
    };
    let zc = (z - 0.5 * sign) / sigma;
    (2.0 * norm_cdf(zc).min(norm_sf(zc))).min(1.0)
}

/// Sum over tie groups of t³ − t.
fn tie_term(ties: &[usize]) -> f64 {
    ties.iter().map(|&t| (t as f64).powi(3) - t as f64).sum()
}

/// Rounds to 9 decimal places, so that decimal-equal changes tie
/// (conformance rule 1: 13.3 − 12.1 and 41.4 − 40.2 are both 1.2).
fn round9(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r.is_finite() { r } else { x }
}

/// Wilcoxon signed-rank test on paired changes (R's
/// `wilcox.test(post, pre, paired = TRUE)`): changes rounded to 9 decimals,
/// zeros dropped, exact when fewer than 50 non-zero changes and neither ties
/// nor zeros, else normal with tie and continuity correction. Statistic V =
/// sum of positive ranks; estimate = median of all changes (zeros
/// included); no CI. Untestable when every change is 0 (estimate 0).
pub fn wilcoxon_signed_rank(changes: &[f64]) -> TestResult {
    if changes.is_empty() {
        return TestResult::default();
    }
    let rounded: Vec<f64> = changes.iter().map(|&v| round9(v)).collect();
    let estimate = median(&rounded);
    let nonzero: Vec<f64> = rounded.iter().copied().filter(|&v| v != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        // Untestable; V = 0 as R reports it.
        return TestResult {
            statistic: Some(0.0),
            ..TestResult::estimate_only(estimate)
        };
    }
    let zeros = n < rounded.len();
    let abs: Vec<f64> = nonzero.iter().map(|v| v.abs()).collect();
    let (v, ties) = rank_sum(&abs, |i| nonzero[i] > 0.0);
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let p = if n < 50 && ties.len() == n && !zeros {
        let one_side = if v > mean {
            psignrank(v - 1.0, n).1
        } else {
            psignrank(v, n).0
        };
        (2.0 * one_side).min(1.0)
    } else {
        let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term(&ties) / 48.0).sqrt();
        normal_p(v - mean, sigma)
    };
    TestResult {
        estimate,
        statistic: finite(v),
        p_value: finite(p),
        ..Default::default()
    }
}

/// Wilcoxon rank-sum / Mann–Whitney test of x1 vs x0 (R's
/// `wilcox.test(x1, x0)`): exact when both n < 50 and no ties, else normal
/// with tie and continuity correction. Statistic W = U of x1; estimate
/// median(x1) − median(x0); no CI. Untestable when a group is empty or every
/// value is tied.
pub fn mann_whitney(x1: &[f64], x0: &[f64]) -> TestResult {
    let estimate = median(x1).zip(median(x0)).and_then(|(a, b)| finite(a - b));
    let (n1, n0) = (x1.len(), x0.len());
    if n1 == 0 || n0 == 0 {
        return TestResult::default();
    }
    let all: Vec<f64> = x1.iter().chain(x0).copied().collect();
    let (r1, ties) = rank_sum(&all, |i| i < n1);
    let (f1, f0) = (n1 as f64, n0 as f64);
    let w = r1 - f1 * (f1 + 1.0) / 2.0;
    if ties.len() == 1 {
        // Untestable; W = n1·n0/2 as R reports it.
        return TestResult {
            statistic: finite(w),
            ..TestResult::estimate_only(estimate)
        };
    }
    let mean = f1 * f0 / 2.0;
    let p = if n1 < 50 && n0 < 50 && ties.len() == all.len() {
        let one_side = if w > mean {
            pwilcox(w - 1.0, n1, n0).1
        } else {
            pwilcox(w, n1, n0).0
        };
        (2.0 * one_side).min(1.0)
    } else {
        let nt = f1 + f0;
        let sigma = (f1 * f0 / 12.0 * ((nt + 1.0) - tie_term(&ties) / (nt * (nt - 1.0)))).sqrt();
        normal_p(w - mean, sigma)
    };
    TestResult {
        estimate,
        statistic: finite(w),
        p_value: finite(p),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untestable() {
        let r = wilcoxon_signed_rank(&[0.0, 0.0, 0.0]);
        assert_eq!(
            (r.estimate, r.p_value, r.statistic),
            (Some(0.0), None, Some(0.0))
        );
        assert_eq!(wilcoxon_signed_rank(&[]), TestResult::default());
        let m = mann_whitney(&[2.0, 2.0], &[2.0]);
        assert_eq!(
            (m.estimate, m.p_value, m.statistic),
            (Some(0.0), None, Some(1.0))
        );
        assert_eq!(mann_whitney(&[], &[1.0]), TestResult::default());
    }

    #[test]
    fn decimal_equal_changes_tie() {
        let (_, ties) = rank(&[round9(13.3 - 12.1), round9(41.4 - 40.2)]);
        assert_eq!(ties, vec![2]);
    }

    #[test]
    fn centred_statistic_gives_p_one() {
        // V equals its mean n(n+1)/4: no continuity correction, p = 1 (R).
        let r = wilcoxon_signed_rank(&[-1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 0.0]);
        assert_eq!((r.statistic, r.p_value), (Some(10.5), Some(1.0)));
    }

    #[test]
    fn single_change() {
        let r = wilcoxon_signed_rank(&[2.5]);
        assert_eq!((r.statistic, r.p_value), (Some(1.0), Some(1.0)));
    }
}
