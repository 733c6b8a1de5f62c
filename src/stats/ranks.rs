//! Rank tests as R's `wilcox.test` (defaults: exact = NULL, correct = TRUE).

use super::describe::{Tally, count_distinct, median, median_in_place, median_tallied, tally_of};
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

/// Rank data given as (value, selected): the sum of the average ranks (1-based)
/// of the selected values and the sizes of the tie groups in ascending order of
/// value: what both rank tests need. `data` is walked twice at most.
fn rank_sum<I>(data: impl Fn() -> I) -> (f64, Vec<usize>)
where
    I: Iterator<Item = (f64, bool)>,
{
    if let Some(r) = rank_sum_counted(data()) {
        return r;
    }
    let (x, selected): (Vec<f64>, Vec<bool>) = data().unzip();
    let (ranks, ties) = rank(&x);
    let sum = ranks
        .iter()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .map(|(r, _)| r)
        .sum();
    (sum, ties)
}

/// [`rank_sum`] in linear time for data with few distinct values (scores, counts,
/// ratings): count each value instead of sorting them all. Ranks are multiples of
/// ½ and their sums stay below 2⁵², so every sum is exact in any order, and the tie
/// groups come in the same ascending order as from the sort: the result is the
/// same to the last bit. None when there are too many distinct values.
fn rank_sum_counted(data: impl Iterator<Item = (f64, bool)>) -> Option<(f64, Vec<usize>)> {
    // 0 and −0 are one value.
    let key = |v: f64| if v == 0.0 { 0 } else { v.to_bits() };
    let values = count_distinct(data.map(|(v, sel)| (key(v), [1, usize::from(sel)])))?;
    Some(rank_sum_of_groups(
        values.into_iter().map(|(_, [t, s])| (t, s)),
    ))
}

/// The rank sum of the selected values and the tie sizes, from the tie groups in
/// ascending order of value: (size, selected among them).
fn rank_sum_of_groups(groups: impl ExactSizeIterator<Item = (usize, usize)>) -> (f64, Vec<usize>) {
    let mut below = 0;
    let mut sum = 0.0;
    let mut ties = Vec::with_capacity(groups.len());
    for (t, s) in groups {
        let avg = (2 * below + t + 1) as f64 / 2.0; // mean of ranks below+1..=below+t
        sum += avg * s as f64;
        ties.push(t);
        below += t;
    }
    (sum, ties)
}

/// The tie groups of two tallied samples pooled, in ascending order of value
/// (0 and −0 are one value): (size, of which from `t1`).
fn pooled_groups(t1: &Tally, t0: &Tally) -> Vec<(usize, usize)> {
    let (a, b) = (&t1.values, &t0.values);
    let (mut i, mut j) = (0, 0);
    let mut out: Vec<(f64, usize, usize)> = Vec::with_capacity(a.len() + b.len());
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].total_cmp(&b[j]).is_le());
        let (v, t, s) = if take_a {
            i += 1;
            (a[i - 1], t1.counts[i - 1], t1.counts[i - 1])
        } else {
            j += 1;
            (b[j - 1], t0.counts[j - 1], 0)
        };
        match out.last_mut() {
            Some(last) if last.0 == v => {
                last.1 += t;
                last.2 += s;
            }
            _ => out.push((v, t, s)),
        }
    }
    out.into_iter().map(|(_, t, s)| (t, s)).collect()
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
#[inline]
fn round9(x: f64) -> f64 {
    // A whole number below 2^53 / 10^9 in size is its own rounding (x · 10^9 is
    // exact, and dividing it back gives x): changes of scores and counts skip
    // the library's `round`. NaN fails the comparison.
    let i = x as i64;
    if i as f64 == x && i.unsigned_abs() < 9_000_000 {
        return x;
    }
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
    wilcoxon_signed_rank_of(|| changes.iter().copied(), changes.len())
}

/// [`wilcoxon_signed_rank`] of the `n` changes that `changes` yields (the same
/// each call): tallied as they are read when they have few distinct values (no
/// vector of changes), else gathered and ranked. The same result to the bit.
pub fn wilcoxon_signed_rank_of<I: Iterator<Item = f64>>(
    changes: impl Fn() -> I,
    n: usize,
) -> TestResult {
    if n == 0 {
        return TestResult::default();
    }
    let rounded = || changes().map(round9);
    let mut nan = false;
    let found = count_distinct(rounded().map(|v| {
        nan |= v.is_nan();
        (v.to_bits(), [1])
    }));
    match found {
        Some(found) if !nan => signed_rank_tallied(&tally_of(found)),
        _ => signed_rank_selected(rounded().collect()),
    }
}

/// [`wilcoxon_signed_rank`] of rounded changes with many distinct values: the
/// median by selection, the ranks counted or sorted.
fn signed_rank_selected(mut rounded: Vec<f64>) -> TestResult {
    // Ranks do not depend on the order: the median may reorder the values.
    let estimate = median_in_place(&mut rounded);
    let n = rounded.iter().filter(|&&v| v != 0.0).count();
    if n == 0 {
        return signed_rank_result(estimate, 0, false, 0.0, &[]);
    }
    let zeros = n < rounded.len();
    let (v, ties) = rank_sum(|| {
        rounded
            .iter()
            .filter(|&&v| v != 0.0)
            .map(|&v| (v.abs(), v > 0.0))
    });
    signed_rank_result(estimate, n, zeros, v, &ties)
}

/// [`wilcoxon_signed_rank`] of tallied (rounded) changes: the tie groups of the
/// absolute values come from merging the negative values (nearest zero first)
/// with the positive ones, so the result is the same to the bit.
fn signed_rank_tallied(t: &Tally) -> TestResult {
    let estimate = median_tallied(t);
    let split = t.values.partition_point(|&v| v < 0.0);
    let positive = t.values.partition_point(|&v| v <= 0.0);
    let zeros: usize = t.counts[split..positive].iter().sum();
    let n = t.n() - zeros;
    if n == 0 {
        return signed_rank_result(estimate, 0, false, 0.0, &[]);
    }
    // (absolute value, count, of which positive), ascending.
    let mut neg = (0..split).rev().map(|j| (-t.values[j], t.counts[j], 0));
    let mut pos = (positive..t.values.len()).map(|j| (t.values[j], t.counts[j], t.counts[j]));
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(t.values.len());
    let (mut a, mut b) = (neg.next(), pos.next());
    loop {
        let g = match (a, b) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                (a, b) = (neg.next(), pos.next());
                (x.1 + y.1, y.2)
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                a = neg.next();
                (x.1, x.2)
            }
            (_, Some(y)) => {
                b = pos.next();
                (y.1, y.2)
            }
            (Some(x), None) => {
                a = neg.next();
                (x.1, x.2)
            }
            (None, None) => break,
        };
        groups.push(g);
    }
    let (v, ties) = rank_sum_of_groups(groups.into_iter());
    signed_rank_result(estimate, n, zeros > 0, v, &ties)
}

/// The signed-rank result from the rank sum of the positive changes and the ties
/// (`n` non-zero changes; untestable with V = 0, as R reports it, when none).
fn signed_rank_result(
    estimate: Option<f64>,
    n: usize,
    zeros: bool,
    v: f64,
    ties: &[usize],
) -> TestResult {
    if n == 0 {
        return TestResult {
            statistic: Some(0.0),
            ..TestResult::estimate_only(estimate)
        };
    }
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
        let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term(ties) / 48.0).sqrt();
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
    mann_whitney_given_medians(x1, x0, median(x1), median(x0))
}

/// [`mann_whitney`] when the groups' medians are already known.
pub fn mann_whitney_given_medians(
    x1: &[f64],
    x0: &[f64],
    median1: Option<f64>,
    median0: Option<f64>,
) -> TestResult {
    mann_whitney_ranked((x1.len(), x0.len()), (median1, median0), || {
        rank_sum(|| {
            x1.iter()
                .map(|&v| (v, true))
                .chain(x0.iter().map(|&v| (v, false)))
        })
    })
}

/// [`mann_whitney`] of two tallied samples (no values read again): the same
/// result to the last bit.
pub fn mann_whitney_tallied(
    t1: &Tally,
    t0: &Tally,
    median1: Option<f64>,
    median0: Option<f64>,
) -> TestResult {
    mann_whitney_ranked((t1.n(), t0.n()), (median1, median0), || {
        rank_sum_of_groups(pooled_groups(t1, t0).into_iter())
    })
}

/// The Mann–Whitney result of groups of `n1` and `n0` values with these medians;
/// `ranked` gives the first group's rank sum and the ties (not asked for when a
/// group is empty).
fn mann_whitney_ranked(
    (n1, n0): (usize, usize),
    (median1, median0): (Option<f64>, Option<f64>),
    ranked: impl FnOnce() -> (f64, Vec<usize>),
) -> TestResult {
    let estimate = median1.zip(median0).and_then(|(a, b)| finite(a - b));
    if n1 == 0 || n0 == 0 {
        return TestResult::default();
    }
    let (r1, ties) = ranked();
    let ties = ties.as_slice();
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
    let p = if n1 < 50 && n0 < 50 && ties.len() == n1 + n0 {
        let one_side = if w > mean {
            pwilcox(w - 1.0, n1, n0).1
        } else {
            pwilcox(w, n1, n0).0
        };
        (2.0 * one_side).min(1.0)
    } else {
        let nt = f1 + f0;
        let sigma = (f1 * f0 / 12.0 * ((nt + 1.0) - tie_term(ties) / (nt * (nt - 1.0)))).sqrt();
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
    use crate::stats::describe::tally;

    /// The sort-based rank sum, the reference for the counted one.
    fn sorted(x: &[f64], sel: &[bool]) -> (f64, Vec<usize>) {
        let (ranks, ties) = rank(x);
        let sum = ranks.iter().zip(sel).filter(|p| *p.1).map(|p| p.0).sum();
        (sum, ties)
    }

    /// Signed ranks from a tally are those from selection and ranking, to the bit:
    /// ties across signs, zeros of both signs, all zero, exact and normal p.
    #[test]
    fn tallied_signed_ranks_are_bit_equal_to_selection() {
        let mut next = crate::stats::test_numbers(5);
        let sets: Vec<Vec<f64>> = vec![
            (0..2000).map(|_| next(21) as f64 - 10.0).collect(),
            (0..999).map(|_| (next(41) as f64 - 20.0) * 0.25).collect(),
            vec![0.0, -0.0, 1.0, -1.0, 2.0, -0.0, 3.5, -3.5, 0.0],
            vec![0.0, -0.0, 0.0],
            (1..30)
                .map(|i| f64::from(i) * if i % 3 == 0 { -1.0 } else { 1.0 })
                .collect(),
            vec![-2.0],
            vec![f64::INFINITY, 1.0, f64::NEG_INFINITY, -1.0, 2.0],
        ];
        for x in sets {
            let r: Vec<f64> = x.iter().map(|&v| round9(v)).collect();
            let t = tally(&r).unwrap_or_default();
            let got = signed_rank_tallied(&t);
            let want = signed_rank_selected(r);
            let bits = |r: &TestResult| r.fields().map(|v| v.map(f64::to_bits));
            assert_eq!(bits(&got), bits(&want), "{x:?}");
        }
    }

    /// Changes read from pairs give the test of the stored changes, to the bit,
    /// tallied or (many distinct values) gathered.
    #[test]
    fn signed_ranks_of_pairs_are_those_of_the_changes() {
        let mut next = crate::stats::test_numbers(21);
        for (n, spread) in [(0, 1), (1, 3), (40, 1000), (3000, 30), (6000, 100_000)] {
            let pre: Vec<f64> = (0..n).map(|_| next(spread) as f64 * 0.1).collect();
            let post: Vec<f64> = (0..n).map(|_| next(spread) as f64 * 0.1).collect();
            let ch: Vec<f64> = post.iter().zip(&pre).map(|(b, a)| b - a).collect();
            let got = wilcoxon_signed_rank_of(|| post.iter().zip(&pre).map(|(b, a)| b - a), n);
            let want = wilcoxon_signed_rank(&ch);
            let bits = |r: &TestResult| r.fields().map(|v| v.map(f64::to_bits));
            assert_eq!(bits(&got), bits(&want), "n {n}");
        }
    }

    /// Tallies pooled give the same test as ranking the values, to the bit.
    #[test]
    fn tallied_mann_whitney_is_bit_equal_to_ranking_the_values() {
        use crate::stats::describe::median_tallied;
        let mut next = crate::stats::test_numbers(7);
        let ties: Vec<f64> = (0..3000).map(|_| next(40) as f64 / 2.0 - 5.0).collect();
        let other: Vec<f64> = (0..2500).map(|_| next(35) as f64 / 2.0 - 3.0).collect();
        let distinct: Vec<f64> = (0..30).map(|i| f64::from(i) * 1.25 - 7.0).collect();
        let few: Vec<f64> = (0..20).map(|i| f64::from(i) * 0.8 + 0.3).collect();
        let sets: Vec<(Vec<f64>, Vec<f64>)> = vec![
            (ties.clone(), other.clone()),
            (distinct.clone(), few.clone()),
            (vec![0.0, -0.0, 1.0, -0.0, 2.0], vec![0.0, 0.0, -1.0, -0.0]),
            (vec![3.0; 5], vec![3.0; 4]),
            (vec![], vec![1.0, 2.0]),
            (vec![2.5], vec![1.0]),
            // More distinct values pooled than either has: the sort-based path.
            (
                (0..4000).map(|i| f64::from(i) * 0.5).collect(),
                (0..4000).map(|i| f64::from(i) * 0.5 + 0.25).collect(),
            ),
        ];
        for (a, b) in &sets {
            let (ta, tb) = (tally(a).unwrap(), tally(b).unwrap());
            let want = mann_whitney(a, b);
            let got = mann_whitney_tallied(&ta, &tb, median_tallied(&ta), median_tallied(&tb));
            let bits =
                |r: &TestResult| [r.estimate, r.statistic, r.p_value].map(|v| v.map(f64::to_bits));
            assert_eq!(bits(&got), bits(&want), "{a:?} {b:?}");
        }
    }

    /// Counting and sorting give the same rank sums and tie groups, to the bit, on
    /// data with ties, zeros of both signs and big groups; with too many distinct
    /// values the sort is used.
    #[test]
    fn counted_ranks_equal_sorted_ranks() {
        let mut state = 42u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        for (n, levels) in [
            (10, 3),
            (1000, 7),
            (100_000, 50),
            (20_000, 3000),
            (50_000, 100_000),
        ] {
            let x: Vec<f64> = (0..n)
                .map(|i| match i % 97 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => (next() % levels) as f64 / 10.0 - 5.0,
                })
                .collect();
            let sel: Vec<bool> = (0..n).map(|_| next() % 3 == 0).collect();
            let data = || x.iter().copied().zip(sel.iter().copied());
            let want = sorted(&x, &sel);
            let got = rank_sum(data);
            assert_eq!(got.0.to_bits(), want.0.to_bits(), "n {n}");
            assert_eq!(got.1, want.1, "n {n}");
            assert_eq!(rank_sum_counted(data()).is_some(), levels <= 4096);
        }
    }

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
        // Whole numbers (and −0) are their own rounding, as the long way gives.
        let long = |x: f64| {
            let r = (x * 1e9).round() / 1e9;
            if r.is_finite() { r } else { x }
        };
        for x in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            8_999_999.0,
            -8_999_999.0,
            9e6,
            1e300,
            2.5,
            -7.25,
        ] {
            assert_eq!(round9(x).to_bits(), long(x).to_bits(), "{x}");
        }
        assert!(round9(f64::NAN).is_nan());
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
