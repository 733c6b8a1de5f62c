//! Ordinary least squares with the CR2 cluster-robust variance (Bell &
//! McCaffrey 2002, working model the identity) and the Satterthwaite degrees of
//! freedom of Pustejovsky & Tipton (2018): R's
//! `clubSandwich::coef_test(lm(...), vcov = "CR2", cluster = cl, test =
//! "Satterthwaite")` and `conf_int(...)`. Also the clustering summary (ICC,
//! design effect) of CONTRACT §8.1 (`icc.rs`).
//!
//! Scaling (docs/statistics-robust.md): one pass over the rows sums, per
//! cluster j, the p × p cross-products of the (shifted) design and outcome
//! (`sums.rs`); the fit, the aliasing, and for each cluster the p × p matrix
//! B_j = Z_j'Z_j (Z_j = X_j R⁻¹, so that H_jj = Z_j Z_j') and the p-vector
//! Z_j'r_j follow from them; every quantity of the variance and of the degrees
//! of freedom is a function of the eigen-decomposition of B_j and of sums of
//! per-cluster p-vectors (`cr2.rs`): nothing N × N or n_j × n_j is ever formed.
//! `qr.rs` (tests only) is the slower reference path through R's QR.

mod clusters;
mod cr2;
mod grouped;
mod icc;
mod levels;
mod nested;
#[cfg(test)]
mod qr;
mod schedule;
mod sums;
#[cfg(test)]
mod tests;

pub use grouped::cr2_grouped;
pub use icc::{Cell, Clustering, clustering, clustering_of_cells};
pub use levels::level_code;
pub use nested::difference;
pub use schedule::{cr2_schedule, cr2_schedule_riding};
pub use sums::Pick;

use rustc_hash::FxHashMap;

use super::dist::{t_quantile, t_two_sided};
use super::{TestResult, degenerate_se, finite, two_sided_prob};

/// R's `lm` tolerance for aliased columns (`qr(tol = 1e-7)`).
const ALIAS_TOL: f64 = 1e-7;
/// clubSandwich's `matrix_power(tol = -12)`: eigenvalues of I − H_jj at or
/// below 1e-12 count as zero in the inverse square root (leverage one).
const EIGEN_TOL: f64 = 1e-12;
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
    /// The two sums each degrees of freedom is made of (None when undefined).
    pub df_sums: Vec<Option<DfSums>>,
    /// The residual sum of squares and ‖y‖ (of the unshifted outcome).
    pub rss: f64,
    pub y_norm: f64,
    /// Whether the residuals are zero (to rounding): nothing is testable.
    pub exact_fit: bool,
}

/// The Satterthwaite degrees of freedom of a coefficient is trace² / squares,
/// with trace = Σ_j P_jj and squares = Σ_jh P_jh² over clusters j, h
/// (clubSandwich's P array of the coefficient's contrast). Kept apart so that
/// fits on disjoint sets of clusters can be combined (`nested.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DfSums {
    pub trace: f64,
    pub squares: f64,
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
/// writes row i of X (p values) into `buf` and returns y_i; it is called once
/// per row, possibly from several threads (twice when the clusters are too
/// many for the per-cluster tables or the fit is exact to rounding). None when
/// n = 0, p = 0, the lengths disagree, a value is not finite or every column
/// is aliased.
pub fn cr2_rows<C: ClusterId>(
    n: usize,
    p: usize,
    cluster: &[C],
    row: impl Fn(usize, &mut [f64]) -> f64 + Sync,
) -> Option<Cr2Fit> {
    if n == 0 || p == 0 || cluster.len() != n || n >= u32::MAX as usize {
        return None;
    }
    let (ids, clusters) = dense_ids(cluster);
    let pick = |i: usize, _: usize, buf: &mut [f64]| Pick::In(ids[i], row(i, buf));
    sums::fit_many(n, &[p], clusters, &pick).pop()?.0
}

/// [`cr2_rows`] for several models over the same candidate rows 0..n, each
/// read once for all: model m has `ps[m]` columns; `row(i, m, buf)` writes row
/// i of model m's X into `buf` and says whether the row is in the model (its
/// cluster, an index below `bound`, not necessarily dense: clusters without
/// rows are not counted, and y), left out, or left out and counted
/// ([`Pick::Noted`]: e.g. a missing covariate). Per model: the fit (None as
/// for [`cr2_rows`], or when a cluster index is at or above `bound`) and the
/// rows noted.
pub fn cr2_many(
    n: usize,
    ps: &[usize],
    bound: usize,
    row: impl Fn(usize, usize, &mut [f64]) -> Pick + Sync,
) -> Vec<(Option<Cr2Fit>, usize)> {
    if n == 0 || ps.contains(&0) || n >= u32::MAX as usize || bound > u32::MAX as usize {
        return ps.iter().map(|_| (None, 0)).collect();
    }
    sums::fit_many(n, ps, bound, &row)
}

/// The models of every level l of a categorical outcome (levels 0..`levels`),
/// over the same candidate rows 0..n, in one pass for all
/// (docs/statistics-robust.md): `row(i, buf)` is as for [`cr2_many`] with two
/// differences: y is the outcome's level code, and column `column` of X (when
/// Some; not the first) holds a level code too. Model l has 1{code = l} in
/// their place (a code that is no level: 0 for every l); its other columns are
/// the same for every level. Per level, as [`cr2_many`] gives per model.
pub fn cr2_levels(
    n: usize,
    p: usize,
    column: Option<usize>,
    levels: usize,
    bound: usize,
    row: impl Fn(usize, &mut [f64]) -> Pick + Sync,
) -> Vec<(Option<Cr2Fit>, usize)> {
    if n == 0 || p == 0 || n >= u32::MAX as usize || bound > u32::MAX as usize {
        return (0..levels).map(|_| (None, 0)).collect();
    }
    levels::fit_levels(n, p, column, levels, bound, &row)
}
