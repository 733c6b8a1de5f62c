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
/// column count as missing).
fn complete_rows(waves: &[&[f64]]) -> Vec<usize> {
    let rows = waves.iter().map(|c| c.len()).min().unwrap_or(0);
    (0..rows)
        .filter(|&i| waves.iter().all(|c| !c[i].is_nan()))
        .collect()
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
    let rows = complete_rows(waves);
    let (n, k) = (rows.len(), waves.len());
    let mut out = RepeatedTest {
        n,
        ..Default::default()
    };
    if n < 2 || k < 2 {
        return out;
    }
    let mut rank_sums = vec![0.0; k];
    let mut ties = 0.0;
    let mut row: Vec<(f64, usize)> = Vec::with_capacity(k);
    for &i in &rows {
        row.clear();
        row.extend(waves.iter().enumerate().map(|(j, c)| (c[i], j)));
        row.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut start = 0;
        while start < k {
            let mut end = start + 1;
            while end < k && row[end].0 == row[start].0 {
                end += 1;
            }
            // Positions start..end (ranks start+1..=end) share their mean.
            let rank = (start + end + 1) as f64 / 2.0;
            for &(_, j) in &row[start..end] {
                rank_sums[j] += rank;
            }
            let t = (end - start) as f64;
            ties += t * t * t - t;
            start = end;
        }
    }
    let (nf, kf) = (n as f64, k as f64);
    let centre = nf * (kf + 1.0) / 2.0;
    let ss: f64 = rank_sums.iter().map(|r| (r - centre) * (r - centre)).sum();
    let denominator = nf * kf * (kf + 1.0) - ties / (kf - 1.0);
    if denominator > 0.0 {
        out.result = chi2_result(12.0 * ss / denominator, k - 1);
    }
    out
}

/// Cochran's Q for K binary (0/1) measurements of the same participants:
/// with C_j the count of 1s at wave j, R_i participant i's count and N the
/// total, Q = (K − 1)(K Σ C_j² − N²) / (K N − Σ R_i²), χ² with K − 1 df
/// (for K = 2 it is McNemar's χ² without continuity correction).
///
/// None when K < 2, no participant is complete, any value is not 0 or 1, or
/// every participant is all 0 or all 1 (the denominator is 0).
pub fn cochran_q(waves: &[&[f64]]) -> RepeatedTest {
    let rows = complete_rows(waves);
    let (n, k) = (rows.len(), waves.len());
    let mut out = RepeatedTest {
        n,
        ..Default::default()
    };
    if n == 0 || k < 2 {
        return out;
    }
    let binary = rows
        .iter()
        .all(|&i| waves.iter().all(|c| c[i] == 0.0 || c[i] == 1.0));
    if !binary {
        return out;
    }
    // Counts are exact integers in f64 far beyond any real data set.
    let col: Vec<f64> = waves
        .iter()
        .map(|c| rows.iter().map(|&i| c[i]).sum())
        .collect();
    let row_sq: f64 = rows
        .iter()
        .map(|&i| {
            let r: f64 = waves.iter().map(|c| c[i]).sum();
            r * r
        })
        .sum();
    let total: f64 = col.iter().sum();
    let kf = k as f64;
    let denominator = kf * total - row_sq;
    if denominator > 0.0 {
        let numerator = (kf - 1.0) * (kf * col.iter().map(|c| c * c).sum::<f64>() - total * total);
        out.result = chi2_result(numerator / denominator, k - 1);
    }
    out
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
}
