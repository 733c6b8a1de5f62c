//! ANCOVA by least squares (R's `lm(post ~ arm + pre)` and `confint`).

use super::dist::{t_quantile, t_two_sided};
use super::{TestResult, degenerate_se, finite, snap_zero, two_sided_prob};

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
        let (done, later) = x.split_at_mut(j + 1);
        norm_sq = householder(j, &mut done[j], later, y, norm_sq, orig_norms[j])?;
        for (k, col) in x.iter().enumerate().skip(j) {
            r[j][k] = col[j];
        }
    }
    Some(r)
}

/// A column's norm below the diagonal, or None when it is below 1e-7 of the
/// column's original norm (R's `qr` tolerance: the design is rank-deficient).
fn column_norm(norm_sq: f64, orig: f64) -> Option<f64> {
    let norm = norm_sq.sqrt();
    (!(orig.is_nan() || orig <= 0.0 || norm.is_nan() || norm < 1e-7 * orig)).then_some(norm)
}

/// One step of [`qr_solve`]: reflect column `j` (`col_j`, whose squared norm below
/// row j − 1 is `norm_sq`) onto its diagonal and apply the reflection to the later
/// columns and `y`. Returns the next column's squared norm below its diagonal, or
/// None when the design is rank-deficient at this column.
fn householder(
    j: usize,
    col_j: &mut [f64],
    later: &mut [Vec<f64>],
    y: &mut [f64],
    norm_sq: f64,
    orig: f64,
) -> Option<f64> {
    let norm = column_norm(norm_sq, orig)?;
    let alpha = if col_j[j] > 0.0 { -norm } else { norm };
    // Reflect with v = x_j[j..] − alpha e_1. Below row j, v is column j itself,
    // which nothing reads after this step but its diagonal: v is not copied, and
    // of column j only the diagonal is updated. Every dot product with v (v·v,
    // and v with column j, the later columns and y) is taken in one pass, each
    // summed in the same order as alone, so the bits are the same.
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
    let mut next = norm_sq;
    for (k, col) in later.iter_mut().enumerate() {
        // The next column's norm below its diagonal, summed as it is updated.
        let ns = reflect(col, dots[k], k == 0);
        if k == 0 {
            next = ns;
        }
    }
    reflect(y, dots[nl], false);
    col_j[j] -= f_j * v0;
    Some(next)
}

/// [`qr_solve`] of the ANCOVA design [1, arm, pre] whose arm column is 1 for the
/// first `n1` rows and 0 after, centred by `m_arm`: the intercept and arm columns
/// are never stored (a row's value follows from its index and a few numbers), and
/// every operation is the one the stored columns would get, in the same order, so
/// the result is the same to the bit (tested) without 2 × n values in memory.
fn qr_intercept_arm(
    pre: &mut [f64],
    y: &mut [f64],
    n1: usize,
    m_arm: f64,
    orig_norms: &[f64; 3],
) -> Option<[[f64; 3]; 3]> {
    let n = pre.len();
    let mut r = [[0.0; 3]; 3];
    let (a1, a0) = (1.0 - m_arm, 0.0 - m_arm);
    let arm0 = |i: usize| if i < n1 { a1 } else { a0 };
    // Step 0: the intercept column, all ones.
    let norm = column_norm(sums(n, |_| [1.0f64 * 1.0])[0], orig_norms[0])?;
    let v0 = 1.0 + norm; // 1 − alpha, alpha = −norm as the diagonal 1 is positive
    let [vv, d_j, d_arm, d_pre, d_y] = sums(n, |i| {
        if i == 0 {
            [v0 * v0, v0 * 1.0, v0 * arm0(0), v0 * pre[0], v0 * y[0]]
        } else {
            [
                1.0 * 1.0,
                1.0 * 1.0,
                1.0 * arm0(i),
                1.0 * pre[i],
                1.0 * y[i],
            ]
        }
    });
    // The arm column after the reflection: its first value, then one value per arm.
    let f_arm = 2.0 * d_arm / vv;
    let first = arm0(0) - f_arm * v0;
    let (b1, b0) = (a1 - f_arm * 1.0, a0 - f_arm * 1.0);
    let arm1 = |i: usize| match i {
        0 => first,
        _ if i < n1 => b1,
        _ => b0,
    };
    let mut norm_sq = -0.0;
    for i in 1..n {
        norm_sq += arm1(i) * arm1(i);
    }
    for (col, dot) in [(&mut *pre, d_pre), (&mut *y, d_y)] {
        let f = 2.0 * dot / vv;
        col[0] -= f * v0;
        for c in &mut col[1..] {
            *c -= f * 1.0;
        }
    }
    r[0] = [1.0 - 2.0 * d_j / vv * v0, arm1(0), pre[0]];
    // Step 1: the arm column.
    let norm = column_norm(norm_sq, orig_norms[1])?;
    let x11 = arm1(1);
    let v0 = x11 - if x11 > 0.0 { -norm } else { norm };
    let [vv, d_j, d_pre, d_y, _] = sums(n - 1, |i| {
        if i == 0 {
            [v0 * v0, v0 * x11, v0 * pre[1], v0 * y[1], v0 * y[1]]
        } else {
            let a = arm1(1 + i);
            [a * a, a * a, a * pre[1 + i], a * y[1 + i], a * y[1 + i]]
        }
    });
    let f = 2.0 * d_pre / vv;
    pre[1] -= f * v0;
    let mut norm_sq = -0.0;
    for (i, c) in pre.iter_mut().enumerate().skip(2) {
        *c -= f * arm1(i);
        norm_sq += *c * *c;
    }
    let f = 2.0 * d_y / vv;
    y[1] -= f * v0;
    for (i, c) in y.iter_mut().enumerate().skip(2) {
        *c -= f * arm1(i);
    }
    r[1] = [0.0, x11 - 2.0 * d_j / vv * v0, pre[1]];
    // Step 2: the baseline column, stored.
    householder(2, pre, &mut [], y, norm_sq, orig_norms[2])?;
    r[2][2] = pre[2];
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
    pre: Vec<f64>,
    mut arm: Vec<f64>,
    conf_level: f64,
) -> TestResult {
    let n = post.len();
    if pre.len() != n || arm.len() != n || n < 3 {
        return TestResult::default();
    }
    let (mut y, pre, orig_norms, sum_arm, fit) = prepare(post, pre, |i| arm[i]);
    centre(&mut arm, sum_arm);
    let design = [vec![1.0; n], arm, pre];
    let r = qr_solve(design, &orig_norms, &mut y);
    fit.result(r, &y, conf_level)
}

/// The start both designs share: one pass for the sums that the uncentred data
/// give (each in index order), the columns' norms, what the outcome tells, and
/// the outcome and baseline centred. Returns them with the arm column's sum.
fn prepare(
    post: Vec<f64>,
    mut pre: Vec<f64>,
    arm: impl Fn(usize) -> f64,
) -> (Vec<f64>, Vec<f64>, [f64; 3], f64, Fit) {
    let n = post.len();
    let [ss_arm, ss_pre, ss_post, sum_post, sum_arm, sum_pre] = sums(n, |i| {
        let (a, p, y) = (arm(i), pre[i], post[i]);
        [a * a, p * p, y * y, y, a, p]
    });
    let orig_norms = [(n as f64).sqrt(), ss_arm.sqrt(), ss_pre.sqrt()];
    let mut y = post;
    let fit = Fit::new(&y, ss_post);
    centre(&mut y, sum_post);
    centre(&mut pre, sum_pre);
    (y, pre, orig_norms, sum_arm, fit)
}

/// [`ancova`] of `n1` intervention pairs followed by control pairs (the arm
/// column is 1 for the first `n1` rows): the same result to the bit, without
/// storing the intercept and arm columns.
pub fn ancova_arms(post: Vec<f64>, pre: Vec<f64>, n1: usize, conf_level: f64) -> TestResult {
    let n = post.len();
    if pre.len() != n || n1 > n || n < 3 {
        return TestResult::default();
    }
    let arm = |i: usize| if i < n1 { 1.0 } else { 0.0 };
    let (mut y, mut pre, orig_norms, sum_arm, fit) = prepare(post, pre, arm);
    let r = qr_intercept_arm(&mut pre, &mut y, n1, sum_arm / n as f64, &orig_norms);
    fit.result(r, &y, conf_level)
}

/// Subtract the mean (`sum` / n) from every value (the covariates and the outcome
/// are centred: the arm slope is unchanged and the intercept column stays
/// orthogonal to them).
fn centre(x: &mut [f64], sum: f64) {
    let m = sum / x.len() as f64;
    x.iter_mut().for_each(|v| *v -= m);
}

/// What the outcome tells before the fit: whether it is constant, and the scale
/// below which R's summary.lm calls a fit "essentially perfect".
struct Fit {
    n: usize,
    constant: bool,
    ss_fit: f64,
}

impl Fit {
    fn new(post: &[f64], ss_post: f64) -> Self {
        Fit {
            n: post.len(),
            constant: post.iter().all(|&v| v == post[0]),
            ss_fit: ss_post / post.len() as f64,
        }
    }

    /// The arm coefficient, its t test and CI from R of the QR and Qᵀy.
    fn result(&self, r: Option<[[f64; 3]; 3]>, y: &[f64], conf_level: f64) -> TestResult {
        let Some(r) = r else {
            return TestResult::default();
        };
        let n = self.n;
        // Back-substitute R β = (Qᵀy)[..3].
        let mut beta = [0.0; 3];
        for i in (0..3).rev() {
            beta[i] = (y[i] - (i + 1..3).map(|k| r[i][k] * beta[k]).sum::<f64>()) / r[i][i];
        }
        let estimate = if self.constant { 0.0 } else { beta[1] };
        // Untestable: the estimate alone, an arm effect within rounding of 0
        // written as +0 (never −0 or 1e-16).
        let scale = self.ss_fit.sqrt();
        let alone = || TestResult::estimate_only(finite(snap_zero(estimate, scale)));
        if n < 4 || self.constant {
            return alone();
        }
        let rss: f64 = y[3..].iter().map(|v| v * v).sum();
        let df = (n - 3) as f64;
        let sigma2 = rss / df;
        // Var(β_arm) = σ² [(RᵀR)⁻¹]_{11}: row 1 of R⁻¹ (upper triangular).
        let inv11 = 1.0 / r[1][1];
        let inv12 = -r[1][2] / (r[1][1] * r[2][2]);
        let se = (sigma2 * (inv11 * inv11 + inv12 * inv12)).sqrt();
        // A residual variance that is numerically zero (a perfect fit up to
        // rounding, e.g. every change exactly +0.5 read from decimals): the t
        // tests' rule on the residual sd, σ/√n below 10·ε of the outcome's scale
        // (its root mean square), whatever the split of the arms; and R's
        // "essentially perfect fit" bound.
        let sigma_n = (sigma2 / n as f64).sqrt();
        if !se.is_finite() || degenerate_se(sigma_n, scale) || sigma2 < self.ss_fit * 1e-30 {
            // The estimate within 10 rounding-sized standard errors of 0 is 0: the
            // se found, or the one of residuals of ε·scale each (a genuine effect
            // on a perfect fit stays: post = 2 + 3·arm + pre).
            let inv = (inv11 * inv11 + inv12 * inv12).sqrt();
            let rounding = f64::EPSILON * scale * (n as f64).sqrt() * inv;
            if se.is_finite() && estimate.abs() <= 10.0 * se.max(rounding) {
                return TestResult::estimate_only(Some(0.0));
            }
            return alone();
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

    /// The arms design without stored columns gives the stored design's bits, on
    /// ties, zeros, constant and collinear data, every split of the arms and
    /// small and big n.
    #[test]
    fn arms_design_is_bit_equal_to_the_stored_design() {
        let mut next = crate::stats::test_numbers(11);
        let mut cases: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
        for n in [3, 4, 5, 9, 50, 1001] {
            let pre: Vec<f64> = (0..n).map(|_| next(40) as f64 * 0.5 - 3.0).collect();
            let post: Vec<f64> = pre.iter().map(|p| p * 0.7 + next(9) as f64 - 4.0).collect();
            cases.push((post, pre.clone()));
            cases.push((vec![2.5; n], pre.clone()));
            cases.push((pre.iter().map(|p| 3.0 * p + 1.0).collect(), pre.clone()));
            cases.push((pre.clone(), vec![0.0; n]));
            cases.push((
                (0..n).map(|i| (i % 3) as f64).collect(),
                (0..n).map(|i| (i % 2) as f64).collect(),
            ));
        }
        let bits = |r: &TestResult| r.fields().map(|v| v.map(f64::to_bits));
        for (post, pre) in &cases {
            let n = post.len();
            for n1 in [0, 1, 2, n / 3, n / 2, n - 1, n] {
                let arm: Vec<f64> = (0..n).map(|i| if i < n1 { 1.0 } else { 0.0 }).collect();
                let want = ancova(post, pre, &arm, 0.95);
                let got = ancova_arms(post.clone(), pre.clone(), n1, 0.95);
                assert_eq!(bits(&got), bits(&want), "n {n} n1 {n1}");
            }
        }
        assert_eq!(
            ancova_arms(vec![1.0; 4], vec![1.0; 3], 1, 0.95),
            TestResult::default()
        );
        assert_eq!(
            ancova_arms(vec![1.0; 4], vec![1.0; 4], 5, 0.95),
            TestResult::default()
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

    /// Every change exactly +0.5, read from decimals (3.7 → 4.2, whose binary
    /// values differ by 0.5 only up to rounding): the fit is perfect up to
    /// rounding, so the arm effect is untestable (p None, no interval) and its
    /// estimate is exactly +0, never −0 or 1e-16, at every n and split.
    #[test]
    fn a_constant_change_is_untestable() {
        let mut next = crate::stats::test_numbers(5);
        for n in [4, 5, 9, 40, 60, 100, 300, 838, 2000] {
            for scale in [0.1, 0.01, 1.0, 100.0] {
                let pre: Vec<f64> = (0..n)
                    .map(|_| format!("{}", (next(500) as f64 * scale * 10.0).round() / 10.0))
                    .map(|s| s.parse::<f64>().unwrap())
                    .collect();
                let post: Vec<f64> = pre
                    .iter()
                    .map(|p| format!("{:.4}", p + 0.5).parse::<f64>().unwrap())
                    .collect();
                for n1 in [1, n / 3, n / 2, n - 1] {
                    let r = ancova_arms(post.clone(), pre.clone(), n1, 0.95);
                    assert_eq!(r.p_value, None, "n {n} scale {scale} n1 {n1}: {r:?}");
                    assert_eq!(r.conf_low, None);
                    assert_eq!(
                        r.estimate.map(f64::to_bits),
                        Some(0),
                        "n {n} scale {scale} n1 {n1}: {r:?}"
                    );
                }
            }
        }
    }
}
