//! The clustering of one domain's values (CONTRACT §8.1): ICC by the one-way
//! ANOVA estimator on cluster × arm cells and the design effect, from each
//! cell's rows, mean and sum of squared deviations (summed in one pass).

use super::{ClusterId, dense_ids};
use crate::stats::finite;

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
    let (cl_ids, clusters) = dense_ids(cluster);
    let mut cells = vec![Cell::default(); clusters * arms];
    for ((&v, &c), &a) in values.iter().zip(&cl_ids).zip(&arm_ids) {
        cells[c as usize * arms + a as usize].add(v);
    }
    clustering_of_cells(&cells, arms)
}

/// One cluster × arm cell's values, summed as they come: the rows, and the
/// sum and the sum of squares of the deviations from the cell's first value
/// (so that the sum of squared deviations from the mean does not cancel).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cell {
    n: f64,
    first: f64,
    sum: f64,
    squares: f64,
}

impl Cell {
    #[inline]
    pub fn add(&mut self, v: f64) {
        if self.n == 0.0 {
            self.first = v;
        }
        self.n += 1.0;
        let d = v - self.first;
        self.sum += d;
        self.squares += d * d;
    }

    fn mean(&self) -> f64 {
        self.first + self.sum / self.n
    }

    /// Σ (v − mean)².
    fn within(&self) -> f64 {
        (self.squares - self.sum * self.sum / self.n).max(0.0)
    }
}

/// [`clustering`] from its cells: cell c is of arm c % `arms` (cells without
/// rows, and arms without rows, are not counted). None when no cell has rows
/// or a value was not finite.
pub fn clustering_of_cells(cells: &[Cell], arms: usize) -> Option<Clustering> {
    if arms == 0 {
        return None;
    }
    let (mut arm_n, mut arm_sum) = (vec![0.0; arms], vec![0.0; arms]);
    let (mut n, mut groups, mut ssw) = (0.0, 0usize, 0.0);
    for (c, cell) in cells.iter().enumerate().filter(|(_, c)| c.n > 0.0) {
        arm_n[c % arms] += cell.n;
        arm_sum[c % arms] += cell.n * cell.mean();
        n += cell.n;
        groups += 1;
        ssw += cell.within();
    }
    if groups == 0 || !ssw.is_finite() || !arm_sum.iter().all(|v| v.is_finite()) {
        return None;
    }
    let present = arm_n.iter().filter(|&&m| m > 0.0).count();
    let mut ssb = 0.0;
    let mut sq_over_na = 0.0;
    for (c, cell) in cells.iter().enumerate().filter(|(_, c)| c.n > 0.0) {
        let a = c % arms;
        ssb += cell.n * (cell.mean() - arm_sum[a] / arm_n[a]).powi(2);
        sq_over_na += cell.n * cell.n / arm_n[a];
    }
    let mean_cluster_size = n / groups as f64;
    let icc = (groups > present && n > groups as f64)
        .then(|| {
            let between = (groups - present) as f64;
            let msb = ssb / between;
            let msw = ssw / (n - groups as f64);
            let n0 = (n - sq_over_na) / between;
            let denom = msb + (n0 - 1.0) * msw;
            (denom > 0.0).then(|| (msb - msw) / denom)
        })
        .flatten()
        .and_then(finite);
    Some(Clustering {
        clusters: groups,
        mean_cluster_size,
        icc,
        design_effect: icc.map(|r| 1.0 + (mean_cluster_size - 1.0) * r.max(0.0)),
    })
}
