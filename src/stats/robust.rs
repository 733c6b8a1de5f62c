//! Ordinary least squares with the CR2 cluster-robust variance (Bell &
//! McCaffrey 2002, working model the identity) and the Satterthwaite degrees of
//! freedom of Pustejovsky & Tipton (2018): R's
//! `clubSandwich::coef_test(lm(...), vcov = "CR2", cluster = cl, test =
//! "Satterthwaite")` and `conf_int(...)`. Also the clustering summary (ICC,
//! design effect) of CONTRACT §8.1.
//!
//! Scaling (docs/statistics-robust.md): one pass over the rows gives R of the
//! QR of [X | y]; a second, cluster by cluster, gives for each cluster j only
//! the p × p matrix B_j = Z_j'Z_j (Z_j = X_j R⁻¹, so that H_jj = Z_j Z_j') and
//! the p-vector Z_j'r_j. Every quantity of the variance and of the degrees of
//! freedom is a function of the eigen-decomposition of B_j and of sums of
//! per-cluster p-vectors: nothing N × N or n_j × n_j is ever formed.

use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::dist::{t_quantile, t_two_sided};
use super::{TestResult, degenerate_se, finite, two_sided_prob};

/// R's `lm` tolerance for aliased columns (`qr(tol = 1e-7)`).
const ALIAS_TOL: f64 = 1e-7;
/// clubSandwich's `matrix_power(tol = -12)`: eigenvalues of I − H_jj at or
/// below 1e-12 count as zero in the inverse square root (leverage one).
const EIGEN_TOL: f64 = 1e-12;
/// Rows per block of the streaming QR (blocks are reduced in order: the
/// result does not depend on the number of threads).
const ROW_BLOCK: usize = 1 << 15;
/// Clusters per block of the variance pass (same reason).
const CLUSTER_BLOCK: usize = 256;
/// Row chunks of the per-cluster sums (fixed: results do not depend on the
/// threads) and the most numbers their tables may hold together.
const SUM_CHUNKS: usize = 4;
const SUM_TABLE_MAX: usize = 1 << 24;

/// A cluster (or arm) label of one row: any unsigned integer, in any order,
/// not necessarily contiguous.
pub trait ClusterId: Copy + Sync {
    fn id(self) -> u64;
}
impl ClusterId for u8 {
    fn id(self) -> u64 {
        self.into()
    }
}
impl ClusterId for u16 {
    fn id(self) -> u64 {
        self.into()
    }
}
impl ClusterId for u32 {
    fn id(self) -> u64 {
        self.into()
    }
}
impl ClusterId for u64 {
    fn id(self) -> u64 {
        self
    }
}
impl ClusterId for usize {
    fn id(self) -> u64 {
        self as u64
    }
}

/// Dense indices 0..G of the labels in order of first appearance, and G.
pub fn dense_ids<C: ClusterId>(labels: &[C]) -> (Vec<u32>, usize) {
    let n = labels.len();
    let max = labels.iter().map(|c| c.id()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    let mut next = 0u32;
    if max < (4 * n as u64).max(1024) {
        // A direct table when the labels are small numbers.
        let mut table = vec![u32::MAX; max as usize + 1];
        for c in labels {
            let slot = &mut table[c.id() as usize];
            if *slot == u32::MAX {
                *slot = next;
                next += 1;
            }
            out.push(*slot);
        }
    } else {
        let mut table: FxHashMap<u64, u32> = FxHashMap::default();
        for c in labels {
            let v = *table.entry(c.id()).or_insert_with(|| {
                next += 1;
                next - 1
            });
            out.push(v);
        }
    }
    (out, next as usize)
}

/// A fitted model with its CR2 variance and Satterthwaite degrees of freedom,
/// for every coefficient (columns of the design, aliased ones included).
#[derive(Debug, Clone, PartialEq)]
pub struct Cr2Fit {
    /// Rows in the model.
    pub n: usize,
    /// Columns of the design (aliased ones included).
    pub p: usize,
    /// Distinct clusters.
    pub clusters: usize,
    /// The OLS coefficients; None for aliased columns (R's NA).
    pub coef: Vec<Option<f64>>,
    /// Columns dropped as linear combinations of earlier ones (R's `lm`).
    pub aliased: Vec<bool>,
    /// The CR2 standard errors (None for aliased columns or one cluster).
    pub se: Vec<Option<f64>>,
    /// The Satterthwaite degrees of freedom (None when undefined).
    pub df: Vec<Option<f64>>,
    /// Whether the residuals are zero (to rounding): nothing is testable.
    pub exact_fit: bool,
}

/// One coefficient's test: R's `coef_test` row and `conf_int` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CoefTest {
    pub estimate: Option<f64>,
    pub se: Option<f64>,
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p_value: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
}

impl CoefTest {
    /// The crate's common test fields (the standard error aside).
    pub fn result(&self) -> TestResult {
        TestResult {
            estimate: self.estimate,
            conf_low: self.conf_low,
            conf_high: self.conf_high,
            statistic: self.statistic,
            df: self.df,
            p_value: self.p_value,
        }
    }
}

impl Cr2Fit {
    /// The t test (Satterthwaite df) and two-sided CI at `conf_level` of
    /// coefficient `coef`. Aliased or out of range: all None. One cluster, a
    /// zero (or rounding-level) standard error, an exact fit: the estimate
    /// only (with se and df when defined), never NaN.
    pub fn test(&self, coef: usize, conf_level: f64) -> CoefTest {
        let Some(&Some(estimate)) = self.coef.get(coef) else {
            return CoefTest::default();
        };
        let (se, df) = (self.se[coef], self.df[coef]);
        let mut out = CoefTest {
            estimate: Some(estimate),
            se,
            df,
            ..Default::default()
        };
        let Some(s) = se else { return out };
        if self.exact_fit || degenerate_se(s, estimate) {
            return out;
        }
        let t = estimate / s;
        out.statistic = finite(t);
        if let Some(df) = df {
            out.p_value = finite(t_two_sided(t, df));
            let q = t_quantile(two_sided_prob(conf_level), df);
            out.conf_low = finite(estimate - q * s);
            out.conf_high = finite(estimate + q * s);
        }
        out
    }
}

/// [`cr2_rows`] on a row-major n × p design `x` (the caller includes the
/// intercept column) and outcome `y`; `cluster` labels each row.
pub fn cr2<C: ClusterId>(x: &[f64], p: usize, y: &[f64], cluster: &[C]) -> Option<Cr2Fit> {
    let n = y.len();
    if p == 0 || x.len() != n.checked_mul(p)? {
        return None;
    }
    cr2_rows(n, p, cluster, |i, row| {
        row.copy_from_slice(&x[i * p..(i + 1) * p]);
        y[i]
    })
}

/// OLS of y on X with the CR2 variance and Satterthwaite df. `row(i, buf)`
/// writes row i of X (p values) into `buf` and returns y_i; it is called twice
/// per row (in order, then cluster by cluster), possibly from several threads.
/// None when n = 0, p = 0, the lengths disagree, a value is not finite or
/// every column is aliased.
pub fn cr2_rows<C: ClusterId>(
    n: usize,
    p: usize,
    cluster: &[C],
    row: impl Fn(usize, &mut [f64]) -> f64 + Sync,
) -> Option<Cr2Fit> {
    if n == 0 || p == 0 || cluster.len() != n || n >= u32::MAX as usize {
        return None;
    }
    let t = streaming_qr(n, p, &row)?;
    let ols = pivoted_solve(&t, p)?;
    let (ids, clusters) = dense_ids(cluster);
    let kept: Vec<usize> = (0..p).filter(|&j| !ols.aliased[j]).collect();
    let k = kept.len();
    let l = lower_inverse_transpose(&ols.r, k);
    let ctx = Ctx {
        k,
        kept: &kept,
        beta: &ols.beta_kept,
        l: &l,
        row: &row,
    };
    let stats = ctx.cluster_sums(n, p, &ids, clusters);
    let blocks: Vec<Acc> = (0..clusters.div_ceil(CLUSTER_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut acc = Acc::new(k);
            let mut work = Work::new(p, k);
            let end = ((b + 1) * CLUSTER_BLOCK).min(clusters);
            for g in b * CLUSTER_BLOCK..end {
                ctx.cluster(&stats, g, &mut work, &mut acc)?;
            }
            Some(acc)
        })
        .collect::<Option<Vec<_>>>()?;
    let mut acc = Acc::new(k);
    for b in &blocks {
        acc.add(b);
    }
    Some(finish(n, p, clusters, &ols, &kept, &l, &acc))
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
        .into_par_iter()
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

/// L = R⁻ᵀ (lower triangular, row-major k × k) of the upper-triangular R.
fn lower_inverse_transpose(r: &[f64], k: usize) -> Vec<f64> {
    // Solve R' L' ... column by column: R⁻¹ by back substitution.
    let mut inv = vec![0.0; k * k]; // R⁻¹, upper triangular
    for c in 0..k {
        for i in (0..=c).rev() {
            let rhs = if i == c { 1.0 } else { 0.0 };
            let s: f64 = (i + 1..=c).map(|m| r[i * k + m] * inv[m * k + c]).sum();
            inv[i * k + c] = (rhs - s) / r[i * k + i];
        }
    }
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            l[i * k + j] = inv[j * k + i];
        }
    }
    l
}

/// Sums over clusters, in the rotated coordinates θ = Rβ (where M = I).
/// With k kept coefficients and, for coefficient c, g_c = R⁻ᵀe_c:
/// - `meat` = Σ_j e_j e_j', e_j = Φ_j Z_j'r_j (so V = R⁻¹ meat R⁻ᵀ);
/// - `e[c]` = Σ_j P_jj, the trace of clubSandwich's P array;
/// - `d[c]` = Σ_j (P_jj² − q_jj²) and `omega[c]` = Σ_j ω_j ω_j', with
///   ω_j = B_jΦ_j g_c and q_jh = ω_j'ω_h = p_j'p_h for j ≠ h (up to sign), so
///   Σ_jh P_jh² = d[c] + ‖omega[c]‖²_F.
struct Acc {
    k: usize,
    meat: Vec<f64>,
    e: Vec<f64>,
    d: Vec<f64>,
    omega: Vec<f64>,
}

impl Acc {
    fn new(k: usize) -> Self {
        Acc {
            k,
            meat: vec![0.0; k * k],
            e: vec![0.0; k],
            d: vec![0.0; k],
            omega: vec![0.0; k * k * k],
        }
    }

    fn add(&mut self, o: &Acc) {
        let pairs = [
            (&mut self.meat, &o.meat),
            (&mut self.e, &o.e),
            (&mut self.d, &o.d),
            (&mut self.omega, &o.omega),
        ];
        for (a, b) in pairs {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Adds one cluster given the eigenpairs (λ_i, v_i) of B_j (v_i in
    /// `vecs[i*k..]`) and Z_j'r_j (`zr`).
    fn add_cluster(
        &mut self,
        lambdas: &[f64],
        vecs: &[f64],
        zr: &[f64],
        l: &[f64],
        s: &mut Scratch,
    ) {
        let k = self.k;
        let Scratch { e, y, om } = s;
        e.iter_mut().for_each(|v| *v = 0.0);
        for (i, &lam) in lambdas.iter().enumerate() {
            let v = &vecs[i * k..(i + 1) * k];
            let lam = lam.max(0.0);
            let phi = if 1.0 - lam > EIGEN_TOL {
                1.0 / (1.0 - lam).sqrt()
            } else {
                0.0
            };
            // e_j += v φ (v'Z'r)
            let vz: f64 = v.iter().zip(zr).map(|(a, b)| a * b).sum();
            for (ei, vi) in e.iter_mut().zip(v) {
                *ei += vi * phi * vz;
            }
            // y_i = v'L (the coordinates of every g_c on v)
            for c in 0..k {
                y[i * k + c] = (0..k).map(|m| v[m] * l[m * k + c]).sum();
            }
        }
        for a in 0..k {
            for b in 0..k {
                self.meat[a * k + b] += e[a] * e[b];
            }
        }
        for c in 0..k {
            let (mut pjj, mut qjj) = (0.0, 0.0);
            om.iter_mut().for_each(|v| *v = 0.0);
            for (i, &lam) in lambdas.iter().enumerate() {
                let lam = lam.max(0.0);
                let yc = y[i * k + c];
                if 1.0 - lam > EIGEN_TOL {
                    // u'u − ω'ω = Σ λφ²(1 − λ) y² = Σ λ y²
                    pjj += lam * yc * yc;
                    let w = lam / (1.0 - lam).sqrt() * yc;
                    qjj += w * w;
                    let v = &vecs[i * k..(i + 1) * k];
                    for (o, vi) in om.iter_mut().zip(v) {
                        *o += vi * w;
                    }
                }
            }
            self.e[c] += pjj;
            self.d[c] += pjj * pjj - qjj * qjj;
            let o = &mut self.omega[c * k * k..(c + 1) * k * k];
            for a in 0..k {
                for b in 0..k {
                    o[a * k + b] += om[a] * om[b];
                }
            }
        }
    }
}

/// Scratch space of [`Acc::add_cluster`].
struct Scratch {
    e: Vec<f64>,
    y: Vec<f64>,
    om: Vec<f64>,
}

/// Per-cluster sums of [`Ctx::cluster_sums`].
struct ClusterSums {
    width: usize,
    sums: Vec<f64>,
}

/// Scratch space of one thread.
struct Work {
    b: Vec<f64>,
    zr: Vec<f64>,
    vecs: Vec<f64>,
    s: Scratch,
}

impl Work {
    fn new(p: usize, k: usize) -> Self {
        let _ = p;
        Work {
            b: vec![0.0; k * k],
            zr: vec![0.0; k],
            vecs: vec![0.0; k * k],
            s: Scratch {
                e: vec![0.0; k],
                y: vec![0.0; k * k],
                om: vec![0.0; k],
            },
        }
    }
}

/// What the per-cluster pass reads.
struct Ctx<'a, F> {
    k: usize,
    kept: &'a [usize],
    beta: &'a [f64],
    l: &'a [f64],
    row: &'a F,
}

impl<F: Fn(usize, &mut [f64]) -> f64 + Sync> Ctx<'_, F> {
    /// Per cluster, in one streaming pass over the rows in row order: the
    /// lower triangle of B_j = Σ z z' and Z_j'r_j (z = R⁻ᵀx), then the row
    /// count, `k(k+1)/2 + k + 1` numbers per cluster. The rows are cut into a
    /// fixed number of chunks (it depends on the sizes only, never on the
    /// threads), each with its own table, added in order.
    fn cluster_sums(&self, n: usize, p: usize, ids: &[u32], clusters: usize) -> ClusterSums {
        let k = self.k;
        let width = k * (k + 1) / 2 + k + 1;
        let mut chunks = SUM_CHUNKS;
        while chunks > 1 && chunks * clusters * width > SUM_TABLE_MAX {
            chunks -= 1;
        }
        let len = n.div_ceil(chunks);
        let parts: Vec<Vec<f64>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut s = vec![0.0; clusters * width];
                let (mut x, mut z) = (vec![0.0; p], vec![0.0; k]);
                let start = (c * len).min(n);
                let end = ((c + 1) * len).min(n);
                for (i, &id) in (start..end).zip(&ids[start..end]) {
                    let yi = (self.row)(i, &mut x);
                    let mut fitted = 0.0;
                    for (c, &j) in self.kept.iter().enumerate() {
                        fitted += x[j] * self.beta[c];
                    }
                    let r = yi - fitted;
                    for (a, za) in z.iter_mut().enumerate() {
                        *za = (0..=a).map(|m| self.l[a * k + m] * x[self.kept[m]]).sum();
                    }
                    let g = id as usize;
                    let t = &mut s[g * width..(g + 1) * width];
                    let mut o = 0;
                    for a in 0..k {
                        for b in 0..=a {
                            t[o] += z[a] * z[b];
                            o += 1;
                        }
                    }
                    for a in 0..k {
                        t[o + a] += z[a] * r;
                    }
                    t[width - 1] += 1.0;
                }
                s
            })
            .collect();
        let mut it = parts.into_iter();
        let mut sums = it.next().unwrap_or_default();
        for part in it {
            for (a, b) in sums.iter_mut().zip(&part) {
                *a += b;
            }
        }
        ClusterSums { width, sums }
    }

    /// Adds cluster `g` to `acc` from its sums: B_j's eigenpairs (closed form
    /// for one row).
    fn cluster(&self, stats: &ClusterSums, g: usize, w: &mut Work, acc: &mut Acc) -> Option<()> {
        let k = self.k;
        let t = &stats.sums[g * stats.width..(g + 1) * stats.width];
        let mut o = 0;
        for a in 0..k {
            for b in 0..=a {
                w.b[a * k + b] = t[o];
                o += 1;
            }
        }
        w.zr.copy_from_slice(&t[o..o + k]);
        let rows = t[stats.width - 1];
        if rows == 1.0 {
            // B = z z': λ = z'z = trace B, v = z/√λ with z = Z'r / r, or,
            // r being 0, any column of B over its norm.
            let lam: f64 = (0..k).map(|a| w.b[a * k + a]).sum();
            if lam > 0.0 {
                let col = (0..k)
                    .max_by(|&a, &b| w.b[a * k + a].total_cmp(&w.b[b * k + b]))
                    .unwrap_or(0);
                // Column `col` of B is z_col · z; its norm is |z_col|·√λ.
                let zc = w.b[col * k + col].sqrt();
                for a in 0..k {
                    let bac = if a >= col {
                        w.b[a * k + col]
                    } else {
                        w.b[col * k + a]
                    };
                    w.vecs[a] = bac / (zc * lam.sqrt());
                }
                acc.add_cluster(&[lam], &w.vecs[..k], &w.zr, self.l, &mut w.s);
            }
            return Some(());
        }
        let m = DMatrix::from_fn(k, k, |a, b| {
            if a >= b {
                w.b[a * k + b]
            } else {
                w.b[b * k + a]
            }
        });
        let eig = SymmetricEigen::try_new(m, f64::EPSILON, 10_000)?;
        for i in 0..k {
            for a in 0..k {
                w.vecs[i * k + a] = eig.eigenvectors[(a, i)];
            }
        }
        acc.add_cluster(eig.eigenvalues.as_slice(), &w.vecs, &w.zr, self.l, &mut w.s);
        Some(())
    }
}

/// Standard errors and degrees of freedom of every coefficient from the sums.
fn finish(
    n: usize,
    p: usize,
    clusters: usize,
    ols: &Ols,
    kept: &[usize],
    l: &[f64],
    acc: &Acc,
) -> Cr2Fit {
    let k = kept.len();
    let mut coef = vec![None; p];
    let mut se = vec![None; p];
    let mut df = vec![None; p];
    for (c, &j) in kept.iter().enumerate() {
        coef[j] = finite(ols.beta_kept[c]);
        if clusters < 2 {
            continue;
        }
        // g_c = L e_c: column c of L.
        let g: Vec<f64> = (0..k).map(|a| l[a * k + c]).collect();
        let mut v = 0.0;
        for a in 0..k {
            for b in 0..k {
                v += g[a] * acc.meat[a * k + b] * g[b];
            }
        }
        se[j] = finite(v.max(0.0).sqrt());
        let om = &acc.omega[c * k * k..(c + 1) * k * k];
        let denom = acc.d[c] + om.iter().map(|x| x * x).sum::<f64>();
        df[j] = finite(acc.e[c] * acc.e[c] / denom).filter(|d| *d > 0.0);
    }
    Cr2Fit {
        n,
        p,
        clusters,
        coef,
        aliased: ols.aliased.clone(),
        se,
        df,
        exact_fit: ols.resid_norm <= 100.0 * f64::EPSILON * ols.y_norm,
    }
}

/// The clustering summary of one domain (CONTRACT §8.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clustering {
    /// G: the cluster × arm cells with a value.
    pub clusters: usize,
    /// N / G.
    pub mean_cluster_size: f64,
    /// The one-way ANOVA estimator (may be negative); None when undefined.
    pub icc: Option<f64>,
    /// 1 + (mean_cluster_size − 1)·max(ICC, 0); None when the ICC is.
    pub design_effect: Option<f64>,
}

/// ICC by the one-way ANOVA estimator with groups = cluster × arm cells (so
/// that arm differences are not counted as clustering), and the design effect.
/// None when there are no values or the lengths disagree; the ICC is None when
/// G ≤ A, N ≤ G or its denominator is 0.
pub fn clustering<C: ClusterId, A: ClusterId>(
    values: &[f64],
    cluster: &[C],
    arm: &[A],
) -> Option<Clustering> {
    let n = values.len();
    if n == 0 || cluster.len() != n || arm.len() != n || !values.iter().all(|v| v.is_finite()) {
        return None;
    }
    let (arm_ids, arms) = dense_ids(arm);
    let (cl_ids, _) = dense_ids(cluster);
    let pairs: Vec<u64> = cl_ids
        .iter()
        .zip(&arm_ids)
        .map(|(&c, &a)| (u64::from(c) << 32) | u64::from(a))
        .collect();
    let (cell, cells) = dense_ids(&pairs);
    let mut cell_arm = vec![0u32; cells];
    let (mut cell_n, mut cell_sum) = (vec![0usize; cells], vec![0.0; cells]);
    let (mut arm_n, mut arm_sum) = (vec![0usize; arms], vec![0.0; arms]);
    for i in 0..n {
        let (g, a) = (cell[i] as usize, arm_ids[i] as usize);
        cell_arm[g] = a as u32;
        cell_n[g] += 1;
        cell_sum[g] += values[i];
        arm_n[a] += 1;
        arm_sum[a] += values[i];
    }
    let cell_mean: Vec<f64> = cell_sum
        .iter()
        .zip(&cell_n)
        .map(|(s, &m)| s / m as f64)
        .collect();
    let arm_mean: Vec<f64> = arm_sum
        .iter()
        .zip(&arm_n)
        .map(|(s, &m)| s / m as f64)
        .collect();
    let ssw: f64 = (0..n)
        .map(|i| (values[i] - cell_mean[cell[i] as usize]).powi(2))
        .sum();
    let mut ssb = 0.0;
    let mut sq_over_na = 0.0;
    for g in 0..cells {
        let a = cell_arm[g] as usize;
        ssb += cell_n[g] as f64 * (cell_mean[g] - arm_mean[a]).powi(2);
        sq_over_na += (cell_n[g] as f64).powi(2) / arm_n[a] as f64;
    }
    let mean_cluster_size = n as f64 / cells as f64;
    let icc = (cells > arms && n > cells)
        .then(|| {
            let between = (cells - arms) as f64;
            let msb = ssb / between;
            let msw = ssw / (n - cells) as f64;
            let n0 = (n as f64 - sq_over_na) / between;
            let denom = msb + (n0 - 1.0) * msw;
            (denom > 0.0).then(|| (msb - msw) / denom)
        })
        .flatten()
        .and_then(finite);
    Some(Clustering {
        clusters: cells,
        mean_cluster_size,
        icc,
        design_effect: icc.map(|r| 1.0 + (mean_cluster_size - 1.0) * r.max(0.0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_numbers;

    /// A design 1, arm, x with y = 1 + 0.5·arm + 0.2·x + cluster effect + noise.
    fn data(n: usize, clusters: u64, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<u64>) {
        let mut rng = test_numbers(seed);
        let (mut x, mut y, mut cl) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let g = rng(clusters);
            let arm = (g % 2) as f64;
            let v = rng(1000) as f64 / 100.0;
            x.extend([1.0, arm, v]);
            y.push(1.0 + 0.5 * arm + 0.2 * v + (g % 7) as f64 / 3.0 + rng(1000) as f64 / 250.0);
            cl.push(g);
        }
        (x, y, cl)
    }

    fn no_nan(t: &CoefTest) {
        let f = [
            t.estimate,
            t.se,
            t.statistic,
            t.df,
            t.p_value,
            t.conf_low,
            t.conf_high,
        ];
        assert!(f.iter().flatten().all(|v| v.is_finite()), "{t:?}");
    }

    #[test]
    fn labels_may_be_sparse_and_unsorted() {
        let (x, y, cl) = data(300, 9, 1);
        let a = cr2(&x, 3, &y, &cl).expect("fit");
        // Huge labels take the hash path; the result is the same.
        let big: Vec<u64> = cl.iter().map(|g| g * 1_000_000_007 + 5).collect();
        let b = cr2(&x, 3, &y, &big).expect("fit");
        assert_eq!(a.clusters, 9);
        for j in 0..3 {
            let (s, t) = (a.test(j, 0.95), b.test(j, 0.95));
            for (u, v) in [(s.se, t.se), (s.df, t.df), (s.p_value, t.p_value)] {
                let (u, v) = (u.expect("defined"), v.expect("defined"));
                assert!((u - v).abs() <= 1e-12 * u.abs(), "{u} {v}");
            }
        }
    }

    #[test]
    fn one_cluster_gives_the_estimate_only() {
        let (x, y, _) = data(50, 3, 2);
        let fit = cr2(&x, 3, &y, &[7u32; 50]).expect("fit");
        let t = fit.test(1, 0.95);
        assert!(t.estimate.is_some());
        assert_eq!(
            (t.se, t.df, t.p_value, t.conf_low),
            (None, None, None, None)
        );
    }

    #[test]
    fn one_cluster_per_arm_has_leverage_one_and_no_p_value() {
        // y ~ 1 + arm with each arm one cluster: H_gg is the cluster mean,
        // leverage one, the generalised inverse removes everything: se 0.
        let mut rng = test_numbers(3);
        let (mut x, mut y, mut cl) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..40 {
            let arm = (i % 2) as f64;
            x.extend([1.0, arm]);
            y.push(arm + rng(100) as f64 / 10.0);
            cl.push(i % 2u32);
        }
        let fit = cr2(&x, 2, &y, &cl).expect("fit");
        for j in 0..2 {
            let t = fit.test(j, 0.95);
            no_nan(&t);
            assert!(t.estimate.is_some());
            assert_eq!((t.p_value, t.conf_low), (None, None));
        }
    }

    #[test]
    fn zero_residuals_give_no_p_value() {
        let mut x = Vec::new();
        let mut y = Vec::new();
        let cl: Vec<usize> = (0..30).map(|i| i % 6).collect();
        for i in 0..30 {
            let v = (i * 7 % 11) as f64;
            x.extend([1.0, (i % 2) as f64, v]);
            y.push(3.0 + 2.0 * v);
        }
        let fit = cr2(&x, 3, &y, &cl).expect("fit");
        assert!(fit.exact_fit);
        for j in 0..3 {
            let t = fit.test(j, 0.95);
            no_nan(&t);
            assert_eq!((t.statistic, t.p_value), (None, None));
        }
        assert!((fit.coef[2].expect("slope") - 2.0).abs() < 1e-12);
    }

    #[test]
    fn n_at_most_p_aliases_and_never_panics() {
        let x = [1.0, 0.0, 5.0, 1.0, 1.0, 2.0];
        let y = [1.0, 4.0];
        let fit = cr2(&x, 3, &y, &[0u8, 1]).expect("fit");
        assert_eq!(fit.aliased, vec![false, false, true]);
        for j in 0..3 {
            no_nan(&fit.test(j, 0.95));
            assert_eq!(fit.test(j, 0.95).p_value, None);
        }
        let fit = cr2(&[2.0], 1, &[3.0], &[0u8]).expect("fit");
        assert_eq!(fit.test(0, 0.95).estimate, Some(1.5));
    }

    #[test]
    fn bad_input_is_none() {
        assert!(cr2(&[1.0, f64::NAN], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
        assert!(cr2(&[1.0], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
        assert!(cr2::<u8>(&[], 1, &[], &[]).is_none());
        assert!(cr2(&[0.0, 0.0], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
        assert!(clustering(&[1.0], &[0u8, 1], &[0u8]).is_none());
    }

    #[test]
    fn clustering_edge_cases() {
        // One cell per arm: G = A, no ICC.
        let c = clustering(&[1.0, 2.0, 3.0, 4.0], &[0u8, 0, 1, 1], &[0u8, 0, 1, 1]).expect("c");
        assert_eq!((c.clusters, c.icc, c.design_effect), (2, None, None));
        // Constant values: 0/0, no ICC.
        let c = clustering(&[1.0; 6], &[0u8, 0, 1, 1, 2, 2], &[0u8, 0, 0, 0, 1, 1]).expect("c");
        assert_eq!(c.icc, None);
        // A cluster split between arms is two cells.
        let c = clustering(&[1.0, 2.0, 3.0, 4.0], &[0u8, 0, 0, 0], &[0u8, 0, 1, 1]).expect("c");
        assert_eq!(c.clusters, 2);
    }

    /// Speed: `cargo test --release --lib stats::robust::tests::speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn speed() {
        let hash = |i: usize, k: u64| {
            let mut h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ k.wrapping_mul(0xD1B5_4A32_D192_ED03);
            h ^= h >> 29;
            h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            (h >> 11) as f64 / (1u64 << 53) as f64
        };
        for (n, g) in [
            (10_000_000usize, 1_000u64),
            (10_000_000, 100_000),
            (1_000_000, 1_000_000),
        ] {
            let cl: Vec<u32> = (0..n).map(|i| (hash(i, 9) * g as f64) as u32).collect();
            let start = std::time::Instant::now();
            let fit = cr2_rows(n, 5, &cl, |i, row| {
                let arm = (cl[i] % 2) as f64;
                row.copy_from_slice(&[1.0, arm, hash(i, 1), hash(i, 2), hash(i, 3)]);
                arm + hash(i, 1) + hash(i, 4) + (cl[i] % 13) as f64 / 10.0
            })
            .expect("fit");
            eprintln!(
                "n = {n}, clusters = {}, p = 5: {:.2} s; arm: {:?}",
                fit.clusters,
                start.elapsed().as_secs_f64(),
                fit.test(1, 0.95)
            );
        }
    }
}
