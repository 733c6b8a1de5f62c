//! ANCOVA by least squares (R's `lm(post ~ arm + pre)` and `confint`).

use super::dist::{t_quantile, t_two_sided};
use super::{TestResult, finite, two_sided_prob};

/// Sums of the terms that `term(i)` gives for i in 0..n, K at once: each sum in
/// index order (bit-equal to summing it alone), the K running sums independent of
/// each other so that they overlap instead of waiting on one another.
fn sums<const K: usize>(n: usize, term: impl Fn(usize) -> [f64; K]) -> [f64; K] {
    let mut acc = [-0.0; K];
    for i in 0..n {
        let t = term(i);
        for k in 0..K {
            acc[k] += t[k];
        }
    }
    acc
}

/// Householder QR of the three columns `x` (each of length n), in place; returns
/// R (upper triangle, 3×3) or None when a column's norm after removing the
/// earlier ones is below 1e-7 of `orig_norms` (R's `qr` tolerance, applied
/// to the uncentred columns: the design is rank-deficient). `y` is transformed along to Qᵀy.
fn qr_solve(mut x: [Vec<f64>; 3], orig_norms: &[f64; 3], y: &mut [f64]) -> Option<[[f64; 3]; 3]> {
    const P: usize = 3;
    let mut r = [[0.0; P]; P];
    // Squared norm of the part of column j below row j.
    let mut norm_sq = sums(x[0].len(), |i| [x[0][i] * x[0][i]])[0];
    for j in 0..P {
        let orig = orig_norms[j];
        let norm = norm_sq.sqrt();
        if orig.is_nan() || orig <= 0.0 || norm.is_nan() || norm < 1e-7 * orig {
            return None;
        }
        let alpha = if x[j][j] > 0.0 { -norm } else { norm };
        // Reflect with v = x_j[j..] − alpha e_1. Below row j, v is column j itself,
        // which nothing reads after this step but its diagonal: v is not copied, and
        // of column j only the diagonal is updated. Every dot product with v (v·v,
        // and v with column j, the later columns and y) is taken in one pass, each
        // summed in the same order as alone, so the bits are the same.
        let (done, later) = x.split_at_mut(j + 1);
        let col_j = &mut done[j];
        let v0 = col_j[j] - alpha;
        let tail = &col_j[j + 1..];
        // Targets: the later columns, then y; missing ones repeat y (ignored).
        let t = |k: usize| -> &[f64] { later.get(k).map_or(&*y, |c| c.as_slice()) };
        let (t0, t1, t2) = (t(0), t(1), t(2));
        let at = |c: &[f64], i: usize| {
            if i == 0 {
                v0 * c[j]
            } else {
                tail[i - 1] * c[j + i]
            }
        };
        let [vv, d_j, d0, d1, d2] = sums(tail.len() + 1, |i| {
            let a = if i == 0 { v0 } else { tail[i - 1] };
            [a * a, at(col_j, i), at(t0, i), at(t1, i), at(t2, i)]
        });
        let dots = [d0, d1, d2];
        let reflect = |col: &mut [f64], dot: f64, norm_of_next: bool| -> f64 {
            let f = 2.0 * dot / vv;
            col[j] -= f * v0;
            let mut ns = -0.0;
            for (c, a) in col[j + 1..].iter_mut().zip(tail) {
                *c -= f * a;
                if norm_of_next {
                    ns += *c * *c;
                }
            }
            ns
        };
        let f_j = 2.0 * d_j / vv;
        let nl = later.len();
        for (k, col) in later.iter_mut().enumerate() {
            // The next column's norm below its diagonal, summed as it is updated.
            let ns = reflect(col, dots[k], k == 0);
            if k == 0 {
                norm_sq = ns;
            }
        }
        reflect(y, dots[nl], false);
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
    // One pass for the sums that the uncentred data give (each in index order).
    let [ss_arm, ss_pre, ss_post, sum_post, sum_arm, sum_pre] = sums(n, |i| {
        let (a, p, y) = (arm[i], pre[i], post[i]);
        [a * a, p * p, y * y, y, a, p]
    });
    let orig_norms = [(n as f64).sqrt(), ss_arm.sqrt(), ss_pre.sqrt()];
    let constant = post.iter().all(|&v| v == post[0]);
    // R's summary.lm calls a fit "essentially perfect" below this.
    let ss_fit: f64 = ss_post / n as f64;
    // Centre the covariates and the outcome: the arm slope is unchanged and
    // the intercept column stays orthogonal to them.
    let centre = |x: &mut Vec<f64>, sum: f64| {
        let m = sum / n as f64;
        x.iter_mut().for_each(|v| *v -= m);
    };
    let mut y = post;
    centre(&mut y, sum_post);
    centre(&mut arm, sum_arm);
    centre(&mut pre, sum_pre);
    let design = [vec![1.0; n], arm, pre];
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
    fn sums_together_are_sums_alone() {
        let x = [0.0, -0.0, 1e-300, 3.5, -2.25, 1e16, 0.1, -1e16, 7.0];
        let alone = |f: &dyn Fn(f64) -> f64| x.iter().map(|&v| f(v)).sum::<f64>().to_bits();
        let [a, b, c] = sums(x.len(), |i| [x[i], x[i] * x[i], -x[i] * 0.5]);
        assert_eq!(a.to_bits(), alone(&|v| v));
        assert_eq!(b.to_bits(), alone(&|v| v * v));
        assert_eq!(c.to_bits(), alone(&|v| -v * 0.5));
        // All terms −0: the sum is −0 both ways.
        assert_eq!(
            sums(2, |_| [-0.0])[0].to_bits(),
            [-0.0f64, -0.0].iter().sum::<f64>().to_bits()
        );
    }

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
