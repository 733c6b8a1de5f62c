//! The engine for rows that come grouped by cluster (each participant its own
//! cluster, its visits one after another). One pass sums each cluster's
//! cross-products into the engine's table, cluster after cluster (no random
//! access, no sort), and their totals; after the solve, the p × p algebra
//! runs on the table (`clusters::from_table`), or, for a fit so close to exact that
//! the sums' rounding would hide the residuals, on each cluster's rows read
//! again (`clusters::by_cluster`). The numbers are those of [`super::cr2_rows`] on
//! the same rows, to rounding.

use rayon::prelude::*;

use super::Cr2Fit;
use super::clusters::{by_cluster, from_table};
use super::sums::{Row, Rows, SUM_CHUNKS, Solution, add_row, assemble};

/// OLS of y on X with the CR2 variance and Satterthwaite df, clustered by the
/// groups of rows: cluster j has the candidate rows (j, 0), …, (j, `per` − 1).
/// `row(j, w, buf)` writes row (j, w) of X (p values) into `buf` and returns
/// its y, or None when the row is not in the model; it is called once or
/// twice per row, possibly from several threads. None as for
/// [`super::cr2_rows`].
pub fn cr2_grouped(
    clusters: usize,
    p: usize,
    per: usize,
    row: impl Fn(usize, usize, &mut [f64]) -> Option<f64> + Sync,
) -> Option<Cr2Fit> {
    let n = clusters.checked_mul(per)?;
    if n == 0 || p == 0 || n >= u32::MAX as usize {
        return None;
    }
    // Row i = (i / per, i % per), for the pilot rows and a near-exact fit.
    let read = |i: usize, buf: &mut [f64]| row(i / per, i % per, buf).map(|y| (0, y));
    let rows_of = |j: usize| j * per..(j + 1) * per;
    let rows = Rows::new(n, p, 1, &read);
    let (table, total) = sums(&rows, clusters, per, &row)?;
    let sol = Solution::new(&rows, &total)?;
    let (s, l, g) = (&sol.s, &sol.l, &sol.g);
    let (acc, counted, rss) = if sol.near_exact {
        by_cluster(&rows, s, l, g, clusters, rows_of)?
    } else {
        let (acc, counted) = from_table(&table, p, s, l, g)?;
        (acc, counted, s.rss)
    };
    Some(assemble(&rows, s, g, &acc, counted, rss, sol.used))
}

/// Per cluster, the packed lower triangle of [X̃_j ỹ_j]'[X̃_j ỹ_j] and the row
/// count (the engine's table, filled cluster after cluster), and their total,
/// summed in a fixed number of chunks of clusters (the same whatever the
/// threads); None when a row is not finite.
fn sums<F>(
    rows: &Rows<'_, F>,
    clusters: usize,
    per: usize,
    row: &(impl Fn(usize, usize, &mut [f64]) -> Option<f64> + Sync),
) -> Option<(Vec<f64>, Vec<f64>)>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
{
    let q = rows.p + 1;
    let width = q * (q + 1) / 2 + 1;
    let len = clusters.div_ceil(SUM_CHUNKS).max(1);
    let mut table = vec![0.0; clusters * width];
    let parts: Vec<Vec<f64>> = table
        .par_chunks_mut(len * width)
        .enumerate()
        .map(|(c, part)| {
            let mut total = vec![0.0; width];
            let mut buf = vec![0.0; q];
            for (j, t) in part.chunks_mut(width).enumerate() {
                for w in 0..per {
                    let Some(y) = row(c * len + j, w, &mut buf[..q - 1]) else {
                        continue;
                    };
                    match rows.shifted(0, y, &mut buf) {
                        Row::In(_) => add_row(t, &buf),
                        _ => return None,
                    }
                }
                if t[width - 1] > 0.0 {
                    for (a, b) in total.iter_mut().zip(t.iter()) {
                        *a += b;
                    }
                }
            }
            Some(total)
        })
        .collect::<Option<Vec<_>>>()?;
    let mut total = vec![0.0; width];
    for part in &parts {
        for (a, b) in total.iter_mut().zip(part) {
            *a += b;
        }
    }
    Some((table, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::robust::cr2;

    /// Clusters of 1 to 4 rows, some rows left out, a cluster with none: the
    /// same fit as the general engine on the rows kept.
    #[test]
    fn grouped_rows_give_the_general_fit() {
        let k = 4;
        let clusters = 40;
        let keep = |i: usize| !(i * 7).is_multiple_of(5) && i / k != 11;
        let x = |i: usize| [1.0, (i % k) as f64 * 1.5, ((i / k) % 3) as f64];
        let y = |i: usize| 2.0 + 0.3 * (i % k) as f64 + ((i * 37) % 11) as f64 / 3.0;
        let fit = cr2_grouped(clusters, 3, k, |j, w, buf| {
            let i = j * k + w;
            keep(i).then(|| {
                buf.copy_from_slice(&x(i));
                y(i)
            })
        })
        .expect("grouped fit");
        let kept: Vec<usize> = (0..clusters * k).filter(|&i| keep(i)).collect();
        let xs: Vec<f64> = kept.iter().flat_map(|&i| x(i)).collect();
        let ys: Vec<f64> = kept.iter().map(|&i| y(i)).collect();
        let cl: Vec<u32> = kept.iter().map(|&i| (i / k) as u32).collect();
        let want = cr2(&xs, 3, &ys, &cl).expect("general fit");
        assert_eq!((fit.n, fit.clusters), (want.n, want.clusters));
        assert_eq!(fit.clusters, 39);
        for j in 0..3 {
            for (a, b) in [
                (fit.coef[j], want.coef[j]),
                (fit.se[j], want.se[j]),
                (fit.df[j], want.df[j]),
            ] {
                let (a, b) = (a.expect("value"), b.expect("value"));
                assert!((a - b).abs() <= 1e-11 * b.abs().max(1.0), "{j}: {a} vs {b}");
            }
        }
    }
}
