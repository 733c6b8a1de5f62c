//! The clustering of one domain's values (CONTRACT §8.1): ICC by the one-way
//! ANOVA estimator on cluster × arm cells and the design effect.

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
    let (cl_ids, _) = dense_ids(cluster);
    let pairs: Vec<u64> = cl_ids
        .iter()
        .zip(&arm_ids)
        .map(|(&c, &a)| u64::from(c) * arms as u64 + u64::from(a))
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
