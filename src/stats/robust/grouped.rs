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
use super::Pick;
use super::clusters::{by_cluster, from_table};
use super::sums::{Rows, SUM_CHUNKS, Solution, add_row, assemble};

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
    if p >= MAX_Q {
        // Wider than any model fitted by groups (a trend has p = 2): the
        // general engine, with the rows' clusters.
        let pick = |i: usize, _: usize, buf: &mut [f64]| match row(i / per, i % per, buf) {
            Some(y) => Pick::In((i / per) as u32, y),
            None => Pick::Out,
        };
        return super::cr2_many(n, &[p], clusters, pick).pop()?.0;
    }
    // Row i = (i / per, i % per), for the pilot rows and a near-exact fit.
    let read = |i: usize, buf: &mut [f64]| row(i / per, i % per, buf).map(|y| (0, y));
    let rows_of = |j: usize| j * per..(j + 1) * per;
    let rows = Rows::new(n, p, 1, &read);
    let (table, total) = match p + 1 {
        2 => sums::<2, _>(&rows, clusters, per, &row),
        3 => sums::<3, _>(&rows, clusters, per, &row),
        4 => sums::<4, _>(&rows, clusters, per, &row),
        5 => sums::<5, _>(&rows, clusters, per, &row),
        _ => sums::<MAX_Q, _>(&rows, clusters, per, &row),
    }?;
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

/// Rows wider than this (p + 1 values) are fitted by the general engine.
const MAX_Q: usize = 6;

/// Per cluster, the packed lower triangle of [X̃_j ỹ_j]'[X̃_j ỹ_j] and the row
/// count (the engine's table, filled cluster after cluster), and their total,
/// summed in a fixed number of chunks of clusters (the same whatever the
/// threads); None when a row is not finite. Rows of Q = p + 1 values, each
/// shifted as [`Rows::shifted`] does (the size known to the compiler: a
/// fraction of the instructions per row).
fn sums<const Q: usize, F>(
    rows: &Rows<'_, F>,
    clusters: usize,
    per: usize,
    row: &(impl Fn(usize, usize, &mut [f64]) -> Option<f64> + Sync),
) -> Option<(Vec<f64>, Vec<f64>)>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
{
    let width = Q * (Q + 1) / 2 + 1;
    let shift: [f64; Q] = rows.shift.get(..Q)?.try_into().ok()?;
    chunked(clusters, width, |first, part, total| {
        let mut buf = [0.0; Q];
        for (j, t) in part.chunks_exact_mut(width).enumerate() {
            for w in 0..per {
                let Some(y) = row(first + j, w, &mut buf[..Q - 1]) else {
                    continue;
                };
                let x0 = buf[0];
                for (b, s) in buf[1..Q - 1].iter_mut().zip(&shift[1..Q - 1]) {
                    *b -= s * x0;
                }
                buf[Q - 1] = y - shift[Q - 1] * x0;
                if !buf.iter().all(|v| v.is_finite()) {
                    return None;
                }
                add_row(t, &buf);
            }
            if t[width - 1] > 0.0 {
                for (a, b) in total.iter_mut().zip(t.iter()) {
                    *a += b;
                }
            }
        }
        Some(())
    })
}

/// The table of `clusters` rows of `width` values, filled by `fill(first
/// cluster, its rows of the table, the chunk's total)` in SUM_CHUNKS chunks
/// (in parallel), and the chunks' totals added in order.
fn chunked(
    clusters: usize,
    width: usize,
    fill: impl Fn(usize, &mut [f64], &mut [f64]) -> Option<()> + Sync,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let len = clusters.div_ceil(SUM_CHUNKS).max(1);
    let mut table = crate::alloc::zeros(clusters * width);
    let parts: Vec<Vec<f64>> = table
        .par_chunks_mut(len * width)
        .enumerate()
        .map(|(c, part)| {
            let mut total = vec![0.0; width];
            fill(c * len, part, &mut total)?;
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
    /// same fit as the general engine on the rows kept, for a width with the
    /// size known to the compiler (p = 3) and one fitted by that engine (p = 6).
    #[test]
    fn grouped_rows_give_the_general_fit() {
        for p in [3usize, 6] {
            let k = 4;
            let clusters = 40;
            let keep = |i: usize| !(i * 7).is_multiple_of(5) && i / k != 11;
            let x = |i: usize| -> Vec<f64> {
                let all = [
                    1.0,
                    (i % k) as f64 * 1.5,
                    ((i / k) % 3) as f64,
                    ((i * 13) % 7) as f64,
                    ((i * 5) % 3) as f64 * 0.5,
                    ((i * 3) % 5) as f64 * 0.25,
                ];
                all[..p].to_vec()
            };
            let y = |i: usize| 2.0 + 0.3 * (i % k) as f64 + ((i * 37) % 11) as f64 / 3.0;
            let fit = cr2_grouped(clusters, p, k, |j, w, buf| {
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
            let want = cr2(&xs, p, &ys, &cl).expect("general fit");
            assert_eq!((fit.n, fit.clusters), (want.n, want.clusters));
            assert_eq!(fit.clusters, 39);
            for j in 0..p {
                for (a, b) in [
                    (fit.coef[j], want.coef[j]),
                    (fit.se[j], want.se[j]),
                    (fit.df[j], want.df[j]),
                ] {
                    let (a, b) = (a.expect("value"), b.expect("value"));
                    assert!(
                        (a - b).abs() <= 1e-10 * b.abs().max(1.0),
                        "p {p}, {j}: {a} vs {b}"
                    );
                }
            }
        }
    }
}
