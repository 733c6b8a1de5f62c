//! Standardised mean differences for the baseline balance table (CONTRACT §7):
//! intervention (arm 1) minus control (arm 0), in units of the arms' average
//! spread. The p-values of that table are part one's tests (`ttest::welch_t`,
//! `contingency`, `proportions`).
//!
//! Values come as one slice per arm with NaN = missing (skipped).

use super::describe::{Moments, moments};
use super::{degenerate_se, finite};

/// The values of a slice that are not NaN.
fn present(x: &[f64]) -> Vec<f64> {
    x.iter().copied().filter(|v| !v.is_nan()).collect()
}

/// Continuous SMD (mean₁ − mean₀)/√((sd₁² + sd₀²)/2), signed. None when an
/// arm has fewer than 2 values or neither arm has any spread (both sds 0,
/// up to rounding: √ of the pooled variance below 10·ε·|mean|).
pub fn smd_continuous(x1: &[f64], x0: &[f64]) -> Option<f64> {
    smd_moments(moments(&present(x1)), moments(&present(x0)))
}

/// [`smd_continuous`] from each arm's [`Moments`] (of values without NaN), for a
/// caller that has them already.
pub fn smd_moments(m1: Moments, m0: Moments) -> Option<f64> {
    let (mean1, mean0) = (m1.mean?, m0.mean?);
    let pooled = ((m1.var? + m0.var?) / 2.0).sqrt();
    if degenerate_se(pooled, mean1.abs().max(mean0.abs())) {
        return None;
    }
    finite((mean1 - mean0) / pooled)
}

/// Binary SMD of two proportions, (p₁ − p₀)/√((p₁(1−p₁) + p₀(1−p₀))/2),
/// signed. None when both proportions are 0 or 1 (no spread in either arm)
/// or either is outside [0, 1].
pub fn smd_proportions(p1: f64, p0: f64) -> Option<f64> {
    if !((0.0..=1.0).contains(&p1) && (0.0..=1.0).contains(&p0)) {
        return None;
    }
    let v = (p1 * (1.0 - p1) + p0 * (1.0 - p0)) / 2.0;
    if v <= 0.0 {
        return None;
    }
    finite((p1 - p0) / v.sqrt())
}

/// Binary SMD of two arms of 0/1 values (NaN = missing): [`smd_proportions`]
/// of their means. None when an arm has no value.
pub fn smd_binary(x1: &[f64], x0: &[f64]) -> Option<f64> {
    let p = |x: &[f64]| moments(&present(x)).mean;
    smd_proportions(p(x1)?, p(x0)?)
}

/// Categorical SMD of Yang & Dalton (2012), as R's `tableone::ExtractSmd`
/// (its `StdDiffMulti`): from each arm's count per level (same level order in
/// both, the first level the reference), T = p̂₁ − p̂₀ over levels 2..k,
/// S = (S₁ + S₀)/2 with S_a[i][i] = pᵢ(1 − pᵢ), S_a[i][j] = −pᵢpⱼ, and
/// smd = √(T′ S⁺ T) with S⁺ the Moore–Penrose inverse (as `MASS::ginv`:
/// eigenvalues below √ε times the largest one taken as zero), so a level empty in
/// both arms changes nothing. Never negative. With two levels it is |binary
/// SMD|.
///
/// None when the count vectors differ in length, an arm has no count, or S
/// is zero (every participant of each arm in one level; tableone gives 0
/// when it is the same level in both arms, NaN otherwise).
pub fn smd_categorical(counts1: &[usize], counts0: &[usize]) -> Option<f64> {
    if counts1.len() != counts0.len() || counts1.is_empty() {
        return None;
    }
    let props = |c: &[usize]| -> Option<Vec<f64>> {
        let n: usize = c.iter().sum();
        (n > 0).then(|| c.iter().map(|&x| x as f64 / n as f64).collect())
    };
    // Levels empty in both arms say nothing: left out, so that which level is the
    // reference cannot matter.
    let kept: Vec<usize> = (0..counts1.len())
        .filter(|&j| counts1[j] + counts0[j] > 0)
        .collect();
    let pick = |c: &[usize]| kept.iter().map(|&j| c[j]).collect::<Vec<usize>>();
    let (mut p1, mut p0) = (props(&pick(counts1))?, props(&pick(counts0))?);
    if p1.len() > 1 {
        p1.remove(0);
        p0.remove(0);
    }
    let k = p1.len();
    let t: Vec<f64> = p1.iter().zip(&p0).map(|(a, b)| a - b).collect();
    let mut s = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            let cov = |p: &[f64]| {
                if i == j {
                    p[i] * (1.0 - p[i])
                } else {
                    -p[i] * p[j]
                }
            };
            s[i][j] = (cov(&p1) + cov(&p0)) / 2.0;
        }
    }
    if s.iter().flatten().all(|&v| v == 0.0) {
        return None;
    }
    let d2 = pinv_quadratic_form(s, &t)?;
    finite(d2.max(0.0).sqrt())
}

/// t′ S⁺ t for a symmetric matrix S, through its eigen-decomposition (cyclic
/// Jacobi): Σ (qᵢ′t)²/λᵢ over eigenvalues |λᵢ| > √ε · max |λ| (the
/// tolerance of `MASS::ginv`, whose singular values of a symmetric S are
/// the |λᵢ|). None when S is zero or not finite.
fn pinv_quadratic_form(mut s: Vec<Vec<f64>>, t: &[f64]) -> Option<f64> {
    let k = t.len();
    // Columns of q are the eigenvectors; s becomes diagonal.
    let mut q: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| s[i][j] * s[i][j])
            .sum();
        let diag: f64 = (0..k).map(|i| s[i][i] * s[i][i]).sum();
        if !off.is_finite() || !diag.is_finite() {
            return None;
        }
        if off <= 1e-32 * diag {
            break;
        }
        for p in 0..k {
            for r in p + 1..k {
                if s[p][r] == 0.0 {
                    continue;
                }
                // Rotation that zeroes s[p][r] (Golub & Van Loan, 8.5.2).
                let theta = (s[r][r] - s[p][p]) / (2.0 * s[p][r]);
                let tan = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let cos = 1.0 / (tan * tan + 1.0).sqrt();
                let sin = tan * cos;
                let rotate = |a: &mut f64, b: &mut f64| {
                    let (x, y) = (*a, *b);
                    *a = cos * x - sin * y;
                    *b = sin * x + cos * y;
                };
                // Columns p and r, then rows p and r (S ← JᵀSJ).
                for row in s.iter_mut() {
                    let (head, tail) = row.split_at_mut(r);
                    rotate(&mut head[p], &mut tail[0]);
                }
                let (head, tail) = s.split_at_mut(r);
                for (a, b) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    rotate(a, b);
                }
                for row in q.iter_mut() {
                    let (head, tail) = row.split_at_mut(r);
                    rotate(&mut head[p], &mut tail[0]);
                }
            }
        }
    }
    let largest = (0..k).map(|i| s[i][i].abs()).fold(0.0, f64::max);
    if largest <= 0.0 {
        return None;
    }
    let tol = f64::EPSILON.sqrt() * largest;
    // Rank-deficient (each arm's children all at one level, or in two levels
    // between them): the SMD would depend on the reference level; undefined.
    if (0..k).any(|i| s[i][i].abs() <= tol) {
        return None;
    }
    let form = (0..k)
        .filter(|&i| s[i][i].abs() > tol)
        .map(|i| {
            let proj: f64 = (0..k).map(|m| q[m][i] * t[m]).sum();
            proj * proj / s[i][i]
        })
        .sum();
    finite(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::reference::{check, column as values};
    use serde_json::Value;

    fn counts(v: &Value) -> Vec<usize> {
        values(v).iter().map(|&c| c as usize).collect()
    }

    #[test]
    fn smds_match_r() {
        let r: Value = serde_json::from_str(include_str!(
            "../../testdata/reference/balance_reference.json"
        ))
        .expect("reference JSON parses");
        let cases = r["cases"].as_array().expect("cases");
        let mut kinds = [0usize; 3];
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let got = match case["kind"].as_str().expect("kind") {
                "continuous" => {
                    kinds[0] += 1;
                    smd_continuous(&values(&case["x1"]), &values(&case["x0"]))
                }
                "binary" => {
                    kinds[1] += 1;
                    smd_binary(&values(&case["x1"]), &values(&case["x0"]))
                }
                _ => {
                    kinds[2] += 1;
                    smd_categorical(&counts(&case["counts1"]), &counts(&case["counts0"]))
                }
            };
            check(name, got, &case["smd"]);
        }
        assert!(kinds.iter().all(|&k| k >= 5), "{kinds:?}");
    }

    proptest::proptest! {
        /// Swapping the arms flips the sign of the continuous and binary SMDs
        /// and leaves the categorical one as it is.
        #[test]
        fn swapping_arms(
            x1 in proptest::collection::vec(0u8..5, 0..30),
            x0 in proptest::collection::vec(0u8..5, 0..30),
        ) {
            let f = |x: &[u8]| x.iter().map(|&v| f64::from(v)).collect::<Vec<_>>();
            let b = |x: &[u8]| x.iter().map(|&v| f64::from(v % 2)).collect::<Vec<_>>();
            let c = |x: &[u8]| (0..5).map(|l| x.iter().filter(|&&v| v == l).count()).collect::<Vec<_>>();
            let flips = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => (a + b).abs() <= 1e-12 * a.abs().max(1.0),
                (a, b) => a.is_none() && b.is_none(),
            };
            proptest::prop_assert!(flips(smd_continuous(&f(&x1), &f(&x0)), smd_continuous(&f(&x0), &f(&x1))));
            proptest::prop_assert!(flips(smd_binary(&b(&x1), &b(&x0)), smd_binary(&b(&x0), &b(&x1))));
            let (s10, s01) = (smd_categorical(&c(&x1), &c(&x0)), smd_categorical(&c(&x0), &c(&x1)));
            match (s10, s01) {
                (Some(a), Some(b)) => proptest::prop_assert!((a - b).abs() <= 1e-9 * a.max(1.0), "{} {}", a, b),
                (a, b) => proptest::prop_assert!(a.is_none() && b.is_none()),
            }
            if let Some(s) = s10 {
                proptest::prop_assert!(s >= 0.0);
            }
        }
    }

    proptest::proptest! {
        /// Which level is the reference does not matter (the Mahalanobis
        /// distance is invariant to the parametrisation) when every level
        /// occurs in some arm.
        #[test]
        fn categorical_reference_level_is_arbitrary(
            c1 in proptest::collection::vec(0usize..20, 2..6),
            shift in 0usize..6,
            seed in 0u64..1000,
        ) {
            let mut next = crate::stats::test_numbers(seed);
            let c0: Vec<usize> = c1.iter().map(|_| next(20) as usize).collect();
            proptest::prop_assume!(c1.iter().zip(&c0).all(|(a, b)| a + b > 0));
            let k = c1.len();
            let rot = |c: &[usize]| (0..k).map(|i| c[(i + shift) % k]).collect::<Vec<_>>();
            match (smd_categorical(&c1, &c0), smd_categorical(&rot(&c1), &rot(&c0))) {
                (Some(a), Some(b)) => proptest::prop_assert!((a - b).abs() <= 1e-9 * a.max(1.0), "{} {}", a, b),
                (a, b) => proptest::prop_assert!(a.is_none() && b.is_none(), "{:?} {:?}", a, b),
            }
        }
    }

    #[test]
    fn edge_cases() {
        assert_eq!(smd_categorical(&[1, 2], &[1, 2, 3]), None);
        assert_eq!(smd_categorical(&[], &[]), None);
        assert_eq!(smd_categorical(&[3], &[4]), None);
        assert_eq!(smd_proportions(1.5, 0.5), None);
        assert_eq!(smd_proportions(f64::NAN, 0.5), None);
        assert_eq!(smd_continuous(&[], &[1.0, 2.0]), None);
        // Constant arms whose means differ only in the last bits: no spread.
        assert_eq!(smd_continuous(&[0.1, 0.1, 0.1], &[0.3, 0.3]), None);
        // Two levels: |binary SMD| of the second level.
        let b = smd_proportions(2.0 / 5.0, 3.0 / 4.0).expect("defined");
        let c = smd_categorical(&[3, 2], &[1, 3]).expect("defined");
        assert!((c - b.abs()).abs() < 1e-14);
    }
}
