//! The reference path (tests only): R's own route, a QR of [X | y] (Givens
//! rotations, then `dqrdc2`'s limited pivoting on the triangle) and the
//! per-cluster sums from each row's z = R⁻ᵀx and residual. Slower and
//! sequential, more accurate on ill-conditioned designs; the sums path of
//! `sums.rs` must agree with it.

use super::cr2::{Acc, Work, lower_inverse_transpose, se_df};
use super::{ALIAS_TOL, Cr2Fit, dense_ids};
use crate::stats::finite;

/// Rows per block of the streaming QR.
const ROW_BLOCK: usize = 1 << 15;

/// [`super::cr2`] by the QR path.
pub(super) fn cr2_qr(x: &[f64], p: usize, y: &[f64], cluster: &[u32]) -> Option<Cr2Fit> {
    let n = y.len();
    if n == 0 || p == 0 || x.len() != n * p || cluster.len() != n {
        return None;
    }
    let row = |i: usize, buf: &mut [f64]| {
        buf.copy_from_slice(&x[i * p..(i + 1) * p]);
        y[i]
    };
    let t = streaming_qr(n, p, &row)?;
    let ols = pivoted_solve(&t, p)?;
    let (ids, clusters) = dense_ids(cluster);
    let kept: Vec<usize> = (0..p).filter(|&j| !ols.aliased[j]).collect();
    let k = kept.len();
    let l = lower_inverse_transpose(&ols.r, k);
    // Per cluster: B_j (full k × k), Z_j'r_j, rows.
    let width = k * k + k + 1;
    let mut sums = vec![0.0; clusters * width];
    let (mut xb, mut z) = (vec![0.0; p], vec![0.0; k]);
    for i in 0..n {
        let yi = row(i, &mut xb);
        let fitted: f64 = kept
            .iter()
            .zip(&ols.beta_kept)
            .map(|(&j, b)| xb[j] * b)
            .sum();
        let r = yi - fitted;
        for (a, za) in z.iter_mut().enumerate() {
            *za = (0..=a).map(|m| l[a * k + m] * xb[kept[m]]).sum();
        }
        let t = &mut sums[ids[i] as usize * width..][..width];
        for a in 0..k {
            for c in 0..k {
                t[a * k + c] += z[a] * z[c];
            }
            t[k * k + a] += z[a] * r;
        }
        t[width - 1] += 1.0;
    }
    let mut acc = Acc::new(k);
    let mut work = Work::new(k);
    for t in sums.chunks(width) {
        work.b.copy_from_slice(&t[..k * k]);
        work.add_cluster(t[width - 1], &t[k * k..k * k + k], &l, &mut acc)?;
    }
    let (se_k, df_k, sums_k) = se_df(clusters, &l, &acc);
    let mut coef = vec![None; p];
    let mut se = vec![None; p];
    let mut df = vec![None; p];
    let mut df_sums = vec![None; p];
    for (c, &j) in kept.iter().enumerate() {
        coef[j] = finite(ols.beta_kept[c]);
        se[j] = se_k[c];
        df[j] = df_k[c];
        df_sums[j] = sums_k[c];
    }
    Some(Cr2Fit {
        n,
        p,
        clusters,
        coef,
        aliased: ols.aliased,
        se,
        df,
        df_sums,
        rss: ols.resid_norm * ols.resid_norm,
        y_norm: ols.y_norm,
        exact_fit: ols.resid_norm <= 100.0 * f64::EPSILON * ols.y_norm,
    })
}

/// The upper-triangular (p+1) × (p+1) R of the QR of [X | y] by Givens
/// rotations, row block by row block (blocks in parallel, merged in order).
fn streaming_qr(
    n: usize,
    p: usize,
    row: &(impl Fn(usize, &mut [f64]) -> f64 + Sync),
) -> Option<Vec<f64>> {
    let q = p + 1;
    let blocks: Vec<Vec<f64>> = (0..n.div_ceil(ROW_BLOCK))
        .map(|b| {
            let mut t = vec![0.0; q * q];
            let mut buf = vec![0.0; q];
            for i in b * ROW_BLOCK..((b + 1) * ROW_BLOCK).min(n) {
                let yi = row(i, &mut buf[..p]);
                buf[p] = yi;
                if !buf.iter().all(|v| v.is_finite()) {
                    return None;
                }
                givens_row(&mut t, &mut buf, q);
            }
            Some(t)
        })
        .collect::<Option<Vec<_>>>()?;
    let mut t = vec![0.0; q * q];
    let mut buf = vec![0.0; q];
    for b in &blocks {
        for i in 0..q {
            buf.copy_from_slice(&b[i * q..(i + 1) * q]);
            givens_row(&mut t, &mut buf, q);
        }
    }
    Some(t)
}

/// Rotates the row `r` into the upper-triangular q × q `t`.
fn givens_row(t: &mut [f64], r: &mut [f64], q: usize) {
    for j in 0..q {
        let b = r[j];
        if b == 0.0 {
            continue;
        }
        let a = t[j * q + j];
        let h = if a.abs() < 1e150 && b.abs() < 1e150 {
            (a * a + b * b).sqrt()
        } else {
            a.hypot(b)
        };
        let (c, s) = (a / h, b / h);
        t[j * q + j] = h;
        for m in j + 1..q {
            let (tv, rv) = (t[j * q + m], r[m]);
            t[j * q + m] = c * tv + s * rv;
            r[m] = c * rv - s * tv;
        }
    }
}

/// The least-squares solution after dropping aliased columns.
struct Ols {
    aliased: Vec<bool>,
    /// k × k upper-triangular R of the kept columns, row-major.
    r: Vec<f64>,
    beta_kept: Vec<f64>,
    resid_norm: f64,
    y_norm: f64,
}

/// R's `dqrdc2` (Householder QR with its limited pivoting: a column whose norm,
/// after removing the earlier kept columns, falls below 1e-7 of its original
/// norm is moved to the end) applied to the (p+1) × (p+1) triangle `t` of
/// [X | y]: an orthogonal transform of X, so the same norms and decisions.
fn pivoted_solve(t: &[f64], p: usize) -> Option<Ols> {
    let q = p + 1;
    // Columns as vectors (q rows each): the p of X, then Q'y.
    let col = |j: usize| -> Vec<f64> { (0..q).map(|i| t[i * q + j]).collect() };
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let mut cols: Vec<(usize, Vec<f64>)> = (0..p).map(|j| (j, col(j))).collect();
    let orig: Vec<f64> = cols
        .iter()
        .map(|(_, c)| {
            let v = norm(c);
            if v == 0.0 { 1.0 } else { v }
        })
        .collect();
    let mut y = col(p);
    let y_norm = norm(&y);
    let mut aliased = vec![false; p];
    let mut kept: Vec<Vec<f64>> = Vec::new();
    let mut l = 0;
    while l < cols.len() {
        let (j, _) = cols[l];
        let below = norm(&cols[l].1[l..]);
        if below < ALIAS_TOL * orig[j] {
            aliased[j] = true;
            cols.remove(l);
            continue;
        }
        // Householder reflection of rows l.. onto e_l.
        let x0 = cols[l].1[l];
        let alpha = if x0 > 0.0 { -below } else { below };
        let mut v: Vec<f64> = cols[l].1[l..].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|a| a * a).sum();
        let reflect = |c: &mut [f64]| {
            if vv > 0.0 {
                let d: f64 = v.iter().zip(&c[l..]).map(|(a, b)| a * b).sum();
                let f = 2.0 * d / vv;
                for (ci, vi) in c[l..].iter_mut().zip(&v) {
                    *ci -= f * vi;
                }
            }
        };
        for (_, c) in cols.iter_mut().skip(l) {
            reflect(c);
        }
        reflect(&mut y);
        kept.push(cols[l].1.clone());
        l += 1;
    }
    let k = kept.len();
    if k == 0 {
        return None;
    }
    let mut r = vec![0.0; k * k];
    for (jj, c) in kept.iter().enumerate() {
        for i in 0..=jj {
            r[i * k + jj] = c[i];
        }
    }
    let mut beta = vec![0.0; k];
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|m| r[i * k + m] * beta[m]).sum();
        beta[i] = (y[i] - s) / r[i * k + i];
    }
    let resid_norm = norm(&y[k..]);
    if !beta.iter().all(|b| b.is_finite()) {
        return None;
    }
    Some(Ols {
        aliased,
        r,
        beta_kept: beta,
        resid_norm,
        y_norm,
    })
}
