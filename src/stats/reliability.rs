//! Scales from questionnaire items (CONTRACT §10.1): reverse coding, the
//! scale score, and Cronbach's raw alpha with the Feldt interval and the
//! per-item `r_drop` and `alpha_if_dropped`, as R's `psych::alpha` and
//! `psych::alpha.ci` (psych 2.2.9).
//!
//! Items come as columns (one slice per item, rows aligned, NaN = missing);
//! reliability uses the rows where every item is answered.

use super::dist::f_quantile;
use super::{finite, two_sided_prob};

/// A reverse-coded answer: `min + max − value` (NaN stays NaN).
pub fn reverse(value: f64, min: f64, max: f64) -> f64 {
    min + max - value
}

/// How a scale score is formed from its answered items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Score {
    /// Mean of the answered items.
    #[default]
    Mean,
    /// Mean of the answered items times the number of items (a sum that
    /// stays on the full scale's range when some items are missing).
    Sum,
}

/// The score of one respondent from their item values (NaN = not
/// answered, already reversed where needed): the mean of the answered items,
/// or for [`Score::Sum`] that mean × `items.len()`. None when fewer than
/// `min_items` (at least 1) items are answered.
pub fn scale_score(items: &[f64], min_items: usize, score: Score) -> Option<f64> {
    let (count, sum) = items
        .iter()
        .filter(|v| !v.is_nan())
        .fold((0usize, 0.0), |(c, s), v| (c + 1, s + v));
    if count == 0 || count < min_items {
        return None;
    }
    let mean = sum / count as f64;
    finite(match score {
        Score::Mean => mean,
        Score::Sum => mean * items.len() as f64,
    })
}

/// Per-item statistics of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ItemReliability {
    /// Correlation of the item with the sum of the other items (psych's
    /// `r.drop`); None when the item or the rest has no variance.
    pub r_drop: Option<f64>,
    /// Raw alpha of the other items (psych's `alpha.drop$raw_alpha`); None
    /// with two items (one item has no alpha) or when undefined.
    pub alpha_if_dropped: Option<f64>,
}

/// Cronbach's raw alpha over the complete rows, with its Feldt interval.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reliability {
    /// Rows with every item answered.
    pub n: usize,
    pub alpha: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// One entry per item, in the order given.
    pub items: Vec<ItemReliability>,
}

/// Cronbach's raw alpha of the items (`items[j][i]` = item j of row i, NaN =
/// missing) over the rows where every item is answered (rows past the end of
/// a shorter column count as missing), as `psych::alpha(..)$total$raw_alpha`:
/// k/(k − 1)·(1 − tr C / ΣC) with C the items' covariance matrix. The
/// interval is Feldt's, as `psych::alpha.ci(alpha, n, k, p.val = 1 −
/// conf_level)`: 1 − (1 − α)·F⁻¹(1 ∓ (1 − conf)/2; n − 1, (n − 1)(k − 1)).
///
/// Undefined (None): fewer than 2 items or 2 complete rows, or no variance in
/// the total (ΣC = 0). A zero-variance item stays in k (psych drops it with a
/// warning); its `r_drop` is None.
pub fn cronbach_alpha(items: &[&[f64]], conf_level: f64) -> Reliability {
    let k = items.len();
    let rows = items.iter().map(|c| c.len()).min().unwrap_or(0);
    let complete: Vec<usize> = (0..rows)
        .filter(|&i| items.iter().all(|c| !c[i].is_nan()))
        .collect();
    let n = complete.len();
    let mut out = Reliability {
        n,
        items: vec![ItemReliability::default(); k],
        ..Default::default()
    };
    if n < 2 || k < 2 {
        return out;
    }
    let c = covariance(items, &complete);
    let Some(alpha) = raw_alpha(&c, None) else {
        return out;
    };
    out.alpha = Some(alpha);
    let q = 1.0 - two_sided_prob(conf_level);
    let df1 = (n - 1) as f64;
    let df2 = df1 * (k - 1) as f64;
    out.conf_low = finite(1.0 - (1.0 - alpha) * f_quantile(1.0 - q, df1, df2));
    out.conf_high = finite(1.0 - (1.0 - alpha) * f_quantile(q, df1, df2));
    for (i, item) in out.items.iter_mut().enumerate() {
        let rest: f64 = sum_without(&c, i);
        let with_rest = c[i].iter().sum::<f64>() - c[i][i];
        let v = c[i][i] * rest;
        item.r_drop = if v > 0.0 {
            finite(with_rest / v.sqrt())
        } else {
            None
        };
        item.alpha_if_dropped = if k > 2 { raw_alpha(&c, Some(i)) } else { None };
    }
    out
}

/// The sample covariance matrix (n − 1) of the items over the given rows
/// (two-pass: means first).
fn covariance(items: &[&[f64]], rows: &[usize]) -> Vec<Vec<f64>> {
    let n = rows.len() as f64;
    let centred: Vec<Vec<f64>> = items
        .iter()
        .map(|col| {
            let m = rows.iter().map(|&i| col[i]).sum::<f64>() / n;
            let m = m + rows.iter().map(|&i| col[i] - m).sum::<f64>() / n;
            rows.iter().map(|&i| col[i] - m).collect()
        })
        .collect();
    let k = items.len();
    let mut c = vec![vec![0.0; k]; k];
    for a in 0..k {
        for b in a..k {
            let s: f64 = centred[a].iter().zip(&centred[b]).map(|(x, y)| x * y).sum();
            c[a][b] = s / (n - 1.0);
            c[b][a] = c[a][b];
        }
    }
    c
}

/// The sum of every entry of `c` outside row and column `skip`.
fn sum_without(c: &[Vec<f64>], skip: usize) -> f64 {
    c.iter()
        .enumerate()
        .filter(|(a, _)| *a != skip)
        .map(|(_, row)| {
            row.iter()
                .enumerate()
                .filter(|(b, _)| *b != skip)
                .map(|(_, v)| v)
                .sum::<f64>()
        })
        .sum()
}

/// Raw alpha of the covariance matrix `c`, without item `skip` if given;
/// None with fewer than two items or a total without variance (ΣC not
/// clearly above rounding, relative to tr C).
fn raw_alpha(c: &[Vec<f64>], skip: Option<usize>) -> Option<f64> {
    let keep = |i: &usize| Some(*i) != skip;
    let k = (0..c.len()).filter(keep).count();
    if k < 2 {
        return None;
    }
    let trace: f64 = (0..c.len()).filter(keep).map(|i| c[i][i]).sum();
    let total = match skip {
        Some(s) => sum_without(c, s),
        None => c.iter().flatten().sum(),
    };
    if total.is_nan() || total <= 1e-12 * trace {
        return None;
    }
    let kf = k as f64;
    finite((1.0 - trace / total) * kf / (kf - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn rel(a: f64, b: f64) -> f64 {
        if b == 0.0 {
            a.abs()
        } else {
            ((a - b) / b).abs()
        }
    }

    fn check(what: &str, got: Option<f64>, want: &Value) {
        match (got, want.as_f64()) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!(rel(g, w) < 1e-8, "{what}: got {g:e}, R {w:e}"),
            _ => panic!("{what}: got {got:?}, R {want}"),
        }
    }

    fn column(v: &Value) -> Vec<f64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_f64().unwrap_or(f64::NAN))
            .collect()
    }

    fn reference() -> Value {
        serde_json::from_str(include_str!(
            "../../testdata/reference/reliability_reference.json"
        ))
        .expect("reference JSON parses")
    }

    #[test]
    fn alpha_matches_psych() {
        let r = reference();
        let cases = r["cases"].as_array().expect("cases");
        assert!(cases.len() >= 10);
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let cols: Vec<Vec<f64>> = case["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(column)
                .collect();
            let slices: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
            let conf = case["conf"].as_f64().expect("conf");
            let got = cronbach_alpha(&slices, conf);
            assert_eq!(got.n as f64, case["n"].as_f64().expect("n"), "{name}: n");
            check(&format!("{name}: alpha"), got.alpha, &case["alpha"]);
            check(&format!("{name}: low"), got.conf_low, &case["conf_low"]);
            check(&format!("{name}: high"), got.conf_high, &case["conf_high"]);
            assert_eq!(got.items.len(), cols.len());
            for (j, item) in got.items.iter().enumerate() {
                check(
                    &format!("{name}: r_drop {j}"),
                    item.r_drop,
                    &case["r_drop"][j],
                );
                check(
                    &format!("{name}: alpha_if_dropped {j}"),
                    item.alpha_if_dropped,
                    &case["alpha_if_dropped"][j],
                );
            }
        }
    }

    /// R's `qf` on p ≥ 0.005 (below, R's own qbeta loses digits), and
    /// identities for small p: F(1, 1) has quantile tan(πp/2)², F(1, ν) that
    /// of T² with T ~ t(ν).
    #[test]
    fn f_quantile_matches_r() {
        for p in [1e-8, 1e-4, 0.025, 0.5, 0.975, 0.999] {
            let exact = (std::f64::consts::FRAC_PI_2 * p).tan().powi(2);
            assert!(rel(f_quantile(p, 1.0, 1.0), exact) < 1e-13, "F(1,1) at {p}");
            // (1 + p)/2 keeps p's digits only for p not too small.
            for df in [3.0, 8.5, 116.0].into_iter().filter(|_| p >= 1e-4) {
                let t = crate::stats::dist::t_quantile((1.0 + p) / 2.0, df);
                // t near 0 for small p: t_quantile is good to ~1e-12 there.
                assert!(
                    rel(f_quantile(p, 1.0, df), t * t) < 1e-9,
                    "F(1,{df}) at {p}"
                );
            }
        }
        let r = reference();
        for c in r["qf"].as_array().expect("qf") {
            let f = |k: &str| c[k].as_f64().expect("number");
            let got = f_quantile(f("p"), f("df1"), f("df2"));
            assert!(
                rel(got, f("value")) < 1e-8,
                "qf({}, {}, {}) = {got:e}, R {:e}",
                f("p"),
                f("df1"),
                f("df2"),
                f("value")
            );
        }
    }

    #[test]
    fn edge_cases() {
        // No items, one item, no rows: n counted, nothing defined, no panic.
        assert_eq!(cronbach_alpha(&[], 0.95).alpha, None);
        let one = cronbach_alpha(&[&[1.0, 2.0, 3.0]], 0.95);
        assert_eq!((one.n, one.alpha, one.items.len()), (3, None, 1));
        // Every item constant: no variance in the total.
        let flat = cronbach_alpha(&[&[2.0, 2.0, 2.0], &[3.0, 3.0, 3.0]], 0.95);
        assert_eq!((flat.n, flat.alpha), (3, None));
        assert_eq!(flat.items[0], ItemReliability::default());
        // Columns of different lengths: the extra rows are missing.
        let short = cronbach_alpha(&[&[1.0, 2.0, 3.0, 9.0], &[1.0, 3.0, 2.0]], 0.95);
        assert_eq!(short.n, 3);
        // A conf level outside (0, 1) leaves alpha and drops the interval.
        let bad = cronbach_alpha(&[&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]], 1.5);
        assert!(bad.alpha.is_some() && bad.conf_low.is_none() && bad.conf_high.is_none());
    }

    proptest::proptest! {
        /// Alpha never exceeds 1 (ΣC ≤ k·tr C), lies inside its interval, and
        /// every r_drop is a correlation.
        #[test]
        fn alpha_at_most_one(
            rows in proptest::collection::vec(proptest::collection::vec(1u8..6, 4), 2..40),
            conf in 0.5f64..0.999,
        ) {
            let cols: Vec<Vec<f64>> = (0..4)
                .map(|j| rows.iter().map(|r| f64::from(r[j])).collect())
                .collect();
            let slices: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
            let got = cronbach_alpha(&slices, conf);
            if let Some(a) = got.alpha {
                proptest::prop_assert!(a <= 1.0 + 1e-12, "alpha {}", a);
                let (lo, hi) = (got.conf_low.unwrap_or(a), got.conf_high.unwrap_or(a));
                proptest::prop_assert!(lo <= a + 1e-12 && a <= hi + 1e-12, "{} {} {}", lo, a, hi);
            }
            for item in &got.items {
                if let Some(r) = item.r_drop {
                    proptest::prop_assert!(r.abs() <= 1.0 + 1e-12, "r_drop {}", r);
                }
            }
        }
    }

    #[test]
    fn scores_and_reversal() {
        assert_eq!(reverse(1.0, 1.0, 5.0), 5.0);
        assert_eq!(reverse(4.0, 1.0, 5.0), 2.0);
        assert!(reverse(f64::NAN, 1.0, 5.0).is_nan());
        let row = [4.0, f64::NAN, 2.0, 3.0];
        assert_eq!(scale_score(&row, 3, Score::Mean), Some(3.0));
        assert_eq!(scale_score(&row, 3, Score::Sum), Some(12.0));
        assert_eq!(scale_score(&row, 4, Score::Mean), None);
        assert_eq!(scale_score(&row, 0, Score::Mean), Some(3.0));
        assert_eq!(scale_score(&[f64::NAN, f64::NAN], 0, Score::Sum), None);
        assert_eq!(scale_score(&[], 0, Score::Mean), None);
    }
}
