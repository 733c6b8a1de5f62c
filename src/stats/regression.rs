//! ANCOVA by least squares (R's `lm(post ~ arm + pre)` and `confint`).

use super::dist::{t_quantile, t_two_sided};
use super::{TestResult, finite, two_sided_prob};

/// Householder QR of the columns `x` (each of length n), in place; returns
/// R (upper triangle, p×p) or None when a column's norm after removing the
/// earlier ones is below 1e-7 of `orig_norms` (R's `qr` tolerance, applied
/// to the uncentred columns: the design is rank-deficient). `y` is transformed along to Qᵀy.
fn qr_solve(mut x: Vec<Vec<f64>>, orig_norms: &[f64], y: &mut [f64]) -> Option<Vec<Vec<f64>>> {
    let p = x.len();
    let mut r = vec![vec![0.0; p]; p];
    for j in 0..p {
        let orig = orig_norms[j];
        // Norm of the part of column j below row j.
        let norm = x[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if orig.is_nan() || orig <= 0.0 || norm.is_nan() || norm < 1e-7 * orig {
            return None;
        }
        let alpha = if x[j][j] > 0.0 { -norm } else { norm };
        // Reflect with v = x_j[j..] − alpha e_1. Below row j, v is column j itself,
        // which nothing reads after this step but its diagonal: v is not copied, and
        // of column j only the diagonal is updated. Sums run in the same order as
        // over a copied v, so the bits are the same.
        let (done, later) = x.split_at_mut(j + 1);
        let col_j = &mut done[j];
        let v0 = col_j[j] - alpha;
        let tail = &col_j[j + 1..];
        let vv: f64 = std::iter::once(v0 * v0)
            .chain(tail.iter().map(|a| a * a))
            .sum();
        let factor = |col: &[f64]| {
            let dot: f64 = std::iter::once(v0 * col[j])
                .chain(tail.iter().zip(&col[j + 1..]).map(|(a, b)| a * b))
                .sum();
            2.0 * dot / vv
        };
        let reflect = |col: &mut [f64]| {
            let f = factor(col);
            col[j] -= f * v0;
            for (c, a) in col[j + 1..].iter_mut().zip(tail) {
                *c -= f * a;
            }
        };
        let f_j = factor(col_j);
        for col in later.iter_mut() {
            reflect(col);
        }
        reflect(y);
        col_j[j] -= f_j * v0;
        for (k, col) in x.iter().enumerate().skip(j) {
            r[j][k] = col[j];
        }
    }
    Some(r)
}

/// ANCOVA: OLS of post on 1 + arm + pre over matched participants (arm 1.0
/// or 0.0), reporting the arm coefficient with its t test (df n − 3) and
/// t-based CI. Untestable (p None) when n < 4, the design is rank-deficient
/// or the residual sd is 0; the estimate is still given when the design is
/// of full rank (exactly 0 for a constant outcome).
pub fn ancova(post: &[f64], pre: &[f64], arm: &[f64], conf_level: f64) -> TestResult {
    ancova_owned(post.to_vec(), pre.to_vec(), arm.to_vec(), conf_level)
}

/// [`ancova`] on vectors it may overwrite (no copy of big inputs).
pub fn ancova_owned(
    post: Vec<f64>,
    mut pre: Vec<f64>,
    mut arm: Vec<f64>,
    conf_level: f64,
) -> TestResult {
    let n = post.len();
    if pre.len() != n || arm.len() != n || n < 3 {
        return TestResult::default();
    }
    let norm = |x: &[f64]| x.iter().map(|v| v * v).sum::<f64>().sqrt();
    let orig_norms = [(n as f64).sqrt(), norm(&arm), norm(&pre)];
    let constant = post.iter().all(|&v| v == post[0]);
    // R's summary.lm calls a fit "essentially perfect" below this.
    let ss_fit: f64 = post.iter().map(|v| v * v).sum::<f64>() / n as f64;
    // Centre the covariates and the outcome: the arm slope is unchanged and
    // the intercept column stays orthogonal to them.
    let centre = |x: &mut Vec<f64>| {
        let m = x.iter().sum::<f64>() / n as f64;
        x.iter_mut().for_each(|v| *v -= m);
    };
    let mut y = post;
    centre(&mut y);
    centre(&mut arm);
    centre(&mut pre);
    let design = vec![vec![1.0; n], arm, pre];
    let Some(r) = qr_solve(design, &orig_norms, &mut y) else {
        return TestResult::default();
    };
    // Back-substitute R β = (Qᵀy)[..3].
    let mut beta = [0.0; 3];
    for i in (0..3).rev() {
        beta[i] = (y[i] - (i + 1..3).map(|k| r[i][k] * beta[k]).sum::<f64>()) / r[i][i];
    }
    let estimate = if constant { 0.0 } else { beta[1] };
    if n < 4 || constant {
        return TestResult::estimate_only(finite(estimate));
    }
    let rss: f64 = y[3..].iter().map(|v| v * v).sum();
    let df = (n - 3) as f64;
    let sigma2 = rss / df;
    // Var(β_arm) = σ² [(RᵀR)⁻¹]_{11}: row 1 of R⁻¹ (upper triangular).
    let inv11 = 1.0 / r[1][1];
    let inv12 = -r[1][2] / (r[1][1] * r[2][2]);
    let se = (sigma2 * (inv11 * inv11 + inv12 * inv12)).sqrt();
    if !se.is_finite() || se <= 0.0 || sigma2 < ss_fit * 1e-30 {
        return TestResult::estimate_only(finite(estimate));
    }
    let t = estimate / se;
    let q = t_quantile(two_sided_prob(conf_level), df);
    TestResult {
        estimate: finite(estimate),
        conf_low: finite(estimate - q * se),
        conf_high: finite(estimate + q * se),
        statistic: finite(t),
        df: Some(df),
        p_value: finite(t_two_sided(t, df)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untestable() {
        let arm = [1.0, 1.0, 0.0, 0.0, 1.0];
        let pre = [1.0, 2.0, 3.0, 4.0, 6.0];
        let c = ancova(&[10.0; 5], &pre, &arm, 0.95);
        assert_eq!((c.estimate, c.p_value), (Some(0.0), None));
        // All in one arm: rank-deficient.
        let r = ancova(
            &[1.0, 2.0, 4.0, 3.0],
            &[1.0, 2.0, 3.0, 5.0],
            &[1.0; 4],
            0.95,
        );
        assert_eq!(r, TestResult::default());
        assert_eq!(ancova(&[], &[], &[], 0.95), TestResult::default());
        // Perfect fit: post = 2 + 3 arm + pre.
        let post: Vec<f64> = pre
            .iter()
            .zip(arm)
            .map(|(p, a)| 2.0 + 3.0 * a + p)
            .collect();
        let f = ancova(&post, &pre, &arm, 0.95);
        assert_eq!(f.p_value, None);
        assert!((f.estimate.unwrap_or(0.0) - 3.0).abs() < 1e-12);
    }
}
