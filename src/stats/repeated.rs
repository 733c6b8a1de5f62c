//! Tests across three or more waves of the same participants (CONTRACT §9):
//! Friedman's rank test (R's `friedman.test`) for continuous domains and
//! Cochran's Q for binary ones.
//!
//! Waves come as columns (one slice per wave, rows = participants aligned,
//! NaN = missing); both tests use the participants with a value at every wave.

use super::dist::chi2_sf;
use super::{TestResult, finite};

/// A test over the waves and the number of participants it used.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RepeatedTest {
    /// Participants with a value at every wave.
    pub n: usize,
    /// Statistic, df (K − 1) and p-value; estimate and interval are None.
    pub result: TestResult,
}

/// The rows where every column has a value (rows past the end of a shorter
/// column count as missing), each given to `add` as its K values.
fn each_complete_row(waves: &[&[f64]], mut add: impl FnMut(&[f64])) {
    let rows = waves.iter().map(|c| c.len()).min().unwrap_or(0);
    let mut row = vec![0.0; waves.len()];
    for i in 0..rows {
        for (r, c) in row.iter_mut().zip(waves) {
            *r = c[i];
        }
        if row.iter().all(|v| !v.is_nan()) {
            add(&row);
        }
    }
}

/// A χ² test result with `df` degrees of freedom; all None unless the
/// statistic is finite.
fn chi2_result(statistic: f64, df: usize) -> TestResult {
    match finite(statistic) {
        Some(s) => TestResult {
            statistic: Some(s),
            df: Some(df as f64),
            p_value: Some(chi2_sf(s, df as f64)),
            ..Default::default()
        },
        None => TestResult::default(),
    }
}

/// Friedman's rank sum test, as R's `friedman.test(y)` on the n × K matrix of
/// complete participants: each participant's values ranked within the row
/// (ties get their average rank), R_j the rank sum of wave j, and
/// Q = 12 Σ (R_j − n(K+1)/2)² / (nK(K+1) − Σ(t³ − t)/(K − 1)), the sum
/// running over every group of t tied values within a row; χ² with K − 1 df.
///
/// None when K < 2, n < 2 (R itself stops on a single row) or when every row
/// is all ties (the denominator is 0).
pub fn friedman(waves: &[&[f64]]) -> RepeatedTest {
    let mut f = Friedman::new(waves.len());
    each_complete_row(waves, |row| f.add(row));
    f.finish()
}

/// [`friedman`] row by row: each complete participant's K values given to
/// [`Friedman::add`] (no NaN), in any order. Ranks within a row are counted
/// (value j's rank is 1 + the values below it + half the others equal to it)
/// and summed twice over as integers, so the sums are exact whatever the
/// order: the same result to the bit as ranking each row by sorting.
pub struct Friedman {
    n: usize,
    /// Per wave: twice its rank sum.
    twice_rank_sums: Vec<u64>,
    /// Σ (t³ − t) over every group of t tied values of every row.
    ties: u64,
}

impl Friedman {
    pub fn new(k: usize) -> Self {
        Friedman {
            n: 0,
            twice_rank_sums: vec![0; k],
            ties: 0,
        }
    }

    /// Adds another part's rows (the sums are integers: the same result
    /// whatever the parts).
    pub fn merge(&mut self, o: &Friedman) {
        self.n += o.n;
        for (a, b) in self.twice_rank_sums.iter_mut().zip(&o.twice_rank_sums) {
            *a += b;
        }
        self.ties += o.ties;
    }

    /// One participant's values at the K waves (none NaN).
    #[inline]
    pub fn add(&mut self, row: &[f64]) {
        self.n += 1;
        // Rows of up to 8 values are counted with their length known to the
        // compiler (every comparison unrolled).
        match row.len() {
            3 => self.add_counted::<3>(row),
            4 => self.add_counted::<4>(row),
            5 => self.add_counted::<5>(row),
            6 => self.add_counted::<6>(row),
            7 => self.add_counted::<7>(row),
            8 => self.add_counted::<8>(row),
            k if k <= 16 => self.count(row),
            _ => self.add_sorted(row),
        }
    }

    #[inline]
    fn add_counted<const K: usize>(&mut self, row: &[f64]) {
        if let (Ok(row), Some(sums)) = (
            <&[f64; K]>::try_from(row),
            self.twice_rank_sums.get_mut(..K),
        ) {
            self.ties += count_ranks(row, sums);
        }
    }

    fn count(&mut self, row: &[f64]) {
        let k = row.len().min(self.twice_rank_sums.len());
        self.ties += count_ranks(&row[..k], &mut self.twice_rank_sums[..k]);
    }

    /// [`Friedman::add`] of a long row (many waves): ranked by sorting.
    fn add_sorted(&mut self, row: &[f64]) {
        let mut sorted: Vec<(f64, usize)> = row.iter().copied().zip(0..).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut start = 0;
        while start < sorted.len() {
            let mut end = start + 1;
            while end < sorted.len() && sorted[end].0 == sorted[start].0 {
                end += 1;
            }
            // Positions start..end (ranks start+1..=end) share their mean.
            for &(_, j) in &sorted[start..end] {
                if let Some(r) = self.twice_rank_sums.get_mut(j) {
                    *r += (start + end + 1) as u64;
                }
            }
            let t = (end - start) as u64;
            self.ties += t * t * t - t;
            start = end;
        }
    }

    pub fn finish(&self) -> RepeatedTest {
        let (n, k) = (self.n, self.twice_rank_sums.len());
        let mut out = RepeatedTest {
            n,
            ..Default::default()
        };
        if n < 2 || k < 2 {
            return out;
        }
        let (nf, kf) = (n as f64, k as f64);
        let centre = nf * (kf + 1.0) / 2.0;
        let ss: f64 = (self.twice_rank_sums.iter())
            .map(|&r| r as f64 / 2.0 - centre)
            .map(|d| d * d)
            .sum();
        let denominator = nf * kf * (kf + 1.0) - self.ties as f64 / (kf - 1.0);
        if denominator > 0.0 {
            out.result = chi2_result(12.0 * ss / denominator, k - 1);
        }
        out
    }
}

/// Adds each value's rank in `row` (twice over: 2 × the values below it + the
/// values equal to it, itself included, + 1) to `twice_rank_sums`; returns
/// Σ (t³ − t) over the groups of t tied values (each member adds t² − 1).
#[inline]
fn count_ranks(row: &[f64], twice_rank_sums: &mut [u64]) -> u64 {
    let mut ties = 0;
    for (&v, r) in row.iter().zip(twice_rank_sums) {
        let (mut below, mut equal) = (0u64, 0u64);
        for &u in row {
            below += u64::from(u < v);
            equal += u64::from(u == v);
        }
        *r += 2 * below + equal + 1;
        ties += (equal * equal).saturating_sub(1);
    }
    ties
}

/// Cochran's Q for K binary (0/1) measurements of the same participants:
/// with C_j the count of 1s at wave j, R_i participant i's count and N the
/// total, Q = (K − 1)(K Σ C_j² − N²) / (K N − Σ R_i²), χ² with K − 1 df
/// (for K = 2 it is McNemar's χ² without continuity correction).
///
/// None when K < 2, no participant is complete, any value is not 0 or 1, or
/// every participant is all 0 or all 1 (the denominator is 0).
pub fn cochran_q(waves: &[&[f64]]) -> RepeatedTest {
    let mut q = CochranQ::new(waves.len());
    each_complete_row(waves, |row| q.add(row));
    q.finish()
}

/// [`cochran_q`] row by row: each complete participant's K values given to
/// [`CochranQ::add`] (no NaN), in any order; the counts are integers.
pub struct CochranQ {
    n: usize,
    /// Per wave: the count of 1s.
    ones: Vec<u64>,
    /// Σ R_i².
    row_sq: u64,
    /// Whether every value so far is 0 or 1.
    binary: bool,
}

impl CochranQ {
    pub fn new(k: usize) -> Self {
        CochranQ {
            n: 0,
            ones: vec![0; k],
            row_sq: 0,
            binary: true,
        }
    }

    /// Adds another part's rows (integer counts: the same result whatever
    /// the parts).
    pub fn merge(&mut self, o: &CochranQ) {
        self.n += o.n;
        for (a, b) in self.ones.iter_mut().zip(&o.ones) {
            *a += b;
        }
        self.row_sq += o.row_sq;
        self.binary &= o.binary;
    }

    /// One participant's values at the K waves (none NaN).
    #[inline]
    pub fn add(&mut self, row: &[f64]) {
        self.n += 1;
        let mut r = 0;
        for (c, &v) in self.ones.iter_mut().zip(row) {
            let one = u64::from(v == 1.0);
            self.binary &= one == 1 || v == 0.0;
            *c += one;
            r += one;
        }
        self.row_sq += r * r;
    }

    pub fn finish(&self) -> RepeatedTest {
        let (n, k) = (self.n, self.ones.len());
        let mut out = RepeatedTest {
            n,
            ..Default::default()
        };
        if n == 0 || k < 2 || !self.binary {
            return out;
        }
        // Counts are exact integers in f64 far beyond any real data set.
        let col: Vec<f64> = self.ones.iter().map(|&c| c as f64).collect();
        let total: f64 = col.iter().sum();
        let kf = k as f64;
        let denominator = kf * total - self.row_sq as f64;
        if denominator > 0.0 {
            let numerator =
                (kf - 1.0) * (kf * col.iter().map(|c| c * c).sum::<f64>() - total * total);
            out.result = chi2_result(numerator / denominator, k - 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::reference::{check, columns};
    use serde_json::Value;

    fn run(family: &str, test: fn(&[&[f64]]) -> RepeatedTest) -> usize {
        let r: Value = serde_json::from_str(include_str!(
            "../../testdata/reference/repeated_reference.json"
        ))
        .expect("reference JSON parses");
        let cases = r[family].as_array().expect("cases");
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let cols = columns(&case["columns"]);
            let slices: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
            let got = test(&slices);
            assert_eq!(got.n as f64, case["n"].as_f64().expect("n"), "{name}: n");
            check(
                &format!("{name}: statistic"),
                got.result.statistic,
                &case["statistic"],
            );
            check(&format!("{name}: df"), got.result.df, &case["df"]);
            check(&format!("{name}: p"), got.result.p_value, &case["p_value"]);
            assert_eq!(got.result.estimate, None);
        }
        cases.len()
    }

    #[test]
    fn friedman_matches_r() {
        assert!(run("friedman", friedman) >= 10);
    }

    #[test]
    fn cochran_q_matches_formula() {
        assert!(run("cochran_q", cochran_q) >= 8);
    }

    proptest::proptest! {
        /// Friedman's test sees only the order within each participant: a
        /// strictly increasing transform of each row (its own scale and
        /// shift) changes nothing, nor does reordering the waves.
        #[test]
        fn friedman_is_rank_based(
            rows in proptest::collection::vec((proptest::collection::vec(0u8..4, 4), 0.1f64..10.0, -50.0f64..50.0), 2..20),
        ) {
            let cols = |f: &dyn Fn(f64, f64, f64) -> f64| -> Vec<Vec<f64>> {
                (0..4)
                    .map(|j| rows.iter().map(|(r, a, b)| f(f64::from(r[j]), *a, *b)).collect())
                    .collect()
            };
            let run = |c: &[Vec<f64>]| {
                let s: Vec<&[f64]> = c.iter().map(|x| x.as_slice()).collect();
                friedman(&s).result
            };
            let plain = run(&cols(&|v, _, _| v));
            let moved = run(&cols(&|v, a, b| (v * a).exp() + b));
            let mut swapped = cols(&|v, _, _| v);
            swapped.reverse();
            let swapped = run(&swapped);
            for other in [moved, swapped] {
                match (plain.statistic, other.statistic) {
                    (Some(x), Some(y)) => proptest::prop_assert!((x - y).abs() <= 1e-12 * x.max(1.0), "{} {}", x, y),
                    (x, y) => proptest::prop_assert_eq!(x, y),
                }
            }
        }

        /// Cochran's Q does not depend on which outcome is coded 1.
        #[test]
        fn cochran_q_ignores_coding(rows in proptest::collection::vec(proptest::collection::vec(0u8..2, 3), 1..30)) {
            let cols = |flip: bool| -> Vec<Vec<f64>> {
                (0..3)
                    .map(|j| rows.iter().map(|r| f64::from(if flip { 1 - r[j] } else { r[j] })).collect())
                    .collect()
            };
            let run = |c: Vec<Vec<f64>>| {
                let s: Vec<&[f64]> = c.iter().map(|x| x.as_slice()).collect();
                cochran_q(&s).result.statistic
            };
            match (run(cols(false)), run(cols(true))) {
                (Some(x), Some(y)) => proptest::prop_assert!((x - y).abs() <= 1e-12 * x.max(1.0), "{} {}", x, y),
                (x, y) => proptest::prop_assert_eq!(x, y),
            }
        }
    }

    #[test]
    fn ranks_counted_equal_ranks_sorted() {
        // Rows of 1 to 16 values with ties, −0.0 beside 0.0 and infinities.
        let pool = [
            0.0,
            -0.0,
            1.0,
            1.0,
            2.5,
            -3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut x: u64 = 99;
        for k in 1..=16 {
            let (mut counted, mut sorted) = (Friedman::new(k), Friedman::new(k));
            for _ in 0..200 {
                let row: Vec<f64> = (0..k)
                    .map(|_| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        pool[(x >> 60) as usize % pool.len()]
                    })
                    .collect();
                counted.add(&row);
                sorted.n += 1;
                sorted.add_sorted(&row);
            }
            assert_eq!(counted.twice_rank_sums, sorted.twice_rank_sums, "k {k}");
            assert_eq!(counted.ties, sorted.ties, "k {k}");
            assert_eq!(counted.finish(), sorted.finish());
        }
    }

    #[test]
    fn undefined_inputs() {
        assert_eq!(friedman(&[]).result, TestResult::default());
        assert_eq!(cochran_q(&[&[1.0, 0.0]]).result, TestResult::default());
        // A value other than 0/1 makes Cochran's Q undefined.
        let odd = cochran_q(&[&[1.0, 0.0], &[2.0, 1.0], &[0.0, 0.0]]);
        assert_eq!((odd.n, odd.result), (2, TestResult::default()));
        // Missing values drop the participant, not the wave.
        let nan = f64::NAN;
        let f = friedman(&[
            &[1.0, nan, 2.0, 1.0],
            &[2.0, 1.0, 3.0, 3.0],
            &[3.0, 0.0, 1.0, 2.0],
        ]);
        assert_eq!(f.n, 3);
        assert!(f.result.p_value.is_some());
    }

    #[test]
    fn parts_merged_equal_one_reading() {
        // Rows with ties and 0/1 rows, cut into three parts at uneven places.
        let rows: Vec<Vec<f64>> = (0..50)
            .map(|i| (0..4).map(|w| ((i * 7 + w * 3) % 5) as f64).collect())
            .collect();
        let bins: Vec<Vec<f64>> = (0..50)
            .map(|i| (0..4).map(|w| ((i + w) % 3 == 0) as u8 as f64).collect())
            .collect();
        let (mut f, mut q) = (Friedman::new(4), CochranQ::new(4));
        for (r, b) in rows.iter().zip(&bins) {
            f.add(r);
            q.add(b);
        }
        let (mut fm, mut qm) = (Friedman::new(4), CochranQ::new(4));
        for range in [0..7, 7..31, 31..50] {
            let (mut fp, mut qp) = (Friedman::new(4), CochranQ::new(4));
            for i in range {
                fp.add(&rows[i]);
                qp.add(&bins[i]);
            }
            fm.merge(&fp);
            qm.merge(&qp);
        }
        assert_eq!(fm.finish(), f.finish());
        assert_eq!(qm.finish(), q.finish());
        assert!(f.finish().result.p_value.is_some() && q.finish().result.p_value.is_some());
        // A part with a value other than 0 and 1 makes the whole untestable.
        let mut bad = CochranQ::new(4);
        bad.add(&[0.0, 2.0, 1.0, 0.0]);
        qm.merge(&bad);
        assert_eq!(qm.finish().result.p_value, None);
    }
}
