//! The per-cluster stage of the engine (docs/statistics-robust.md): each
//! cluster's X̃_j'X̃_j and X̃_j'r_j become B_j and Z_j'r_j, whose algebra
//! (`cr2.rs`) is added up in fixed blocks of clusters. From the first pass's
//! table (`from_table`), or from each cluster's rows read again with their
//! residuals computed row by row (`by_cluster`): after a counting sort of the
//! rows by cluster when they are too many for the table or the fit is near
//! exact (`pass_two`), or directly when the rows come grouped
//! (`grouped.rs`).

use rayon::prelude::*;

use super::cr2::{Acc, Work};
use super::sums::{CLUSTER_BLOCK, Row, Rows, Solved, residual, tri};

/// Per cluster from the table: X̃_j'X̃_j and X̃_j'ỹ_j of the kept columns give
/// B_j = L X̃_j'X̃_j L' and Z_j'r_j = L (X̃_j'ỹ_j − X̃_j'X̃_j β̃). Clusters in
/// fixed blocks, added in order. Returns the sums and the clusters with rows.
pub(super) fn from_table(
    table: &[f64],
    p: usize,
    s: &Solved,
    l: &[f64],
    g: &[f64],
) -> Option<(Acc, usize)> {
    let q = p + 1;
    let width = q * (q + 1) / 2 + 1;
    let k = s.kept.len();
    let all = table.len() / width;
    let blocks: Vec<(Acc, usize)> = (0..all.div_ceil(CLUSTER_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut acc = Acc::new(k);
            let mut w = Work::new(k);
            let mut c = Cluster::new(k);
            let mut count = 0;
            let end = ((b + 1) * CLUSTER_BLOCK).min(all);
            for t in table[b * CLUSTER_BLOCK * width..end * width].chunks(width) {
                let rows = t[width - 1];
                if rows == 0.0 {
                    continue;
                }
                count += 1;
                for (a, &ja) in s.kept.iter().enumerate() {
                    for (m, &jm) in s.kept.iter().enumerate().take(a + 1) {
                        c.xx[a * k + m] = t[tri(ja, jm)];
                    }
                }
                for (a, &ja) in s.kept.iter().enumerate() {
                    let fitted: f64 = (0..k).map(|m| c.at(a, m) * s.beta[m]).sum();
                    c.xr[a] = t[tri(p, ja)] - fitted;
                }
                c.load(&mut w, l);
                w.add_cluster(rows, g, &mut acc)?;
            }
            Some((acc, count))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut acc = Acc::new(k);
    let mut clusters = 0;
    for (b, count) in &blocks {
        acc.add(b);
        clusters += count;
    }
    Some((acc, clusters))
}

/// One cluster's X̃_j'X̃_j (lower triangle, kept columns) and X̃_j'r_j.
struct Cluster {
    k: usize,
    xx: Vec<f64>,
    xr: Vec<f64>,
    c: Vec<f64>,
}

impl Cluster {
    fn new(k: usize) -> Self {
        Cluster {
            k,
            xx: vec![0.0; k * k],
            xr: vec![0.0; k],
            c: vec![0.0; k * k],
        }
    }

    #[inline]
    fn at(&self, a: usize, b: usize) -> f64 {
        let k = self.k;
        if a >= b {
            self.xx[a * k + b]
        } else {
            self.xx[b * k + a]
        }
    }

    /// B_j = L X̃_j'X̃_j L' (lower triangle into `w.b`) and Z_j'r_j = L X̃_j'r_j
    /// (into `w.zr`).
    fn load(&mut self, w: &mut Work, l: &[f64]) {
        match self.k {
            1 => self.load_fixed::<1>(w, l),
            2 => self.load_fixed::<2>(w, l),
            3 => self.load_fixed::<3>(w, l),
            4 => self.load_fixed::<4>(w, l),
            5 => self.load_fixed::<5>(w, l),
            _ => self.load_general(w, l),
        }
    }

    /// [`Cluster::load`] with the size known to the compiler (the same sums in
    /// the same order).
    #[inline]
    #[allow(clippy::needless_range_loop)]
    fn load_fixed<const K: usize>(&mut self, w: &mut Work, l: &[f64]) {
        let mut a = [[0.0; K]; K];
        for i in 0..K {
            for j in 0..=i {
                a[i][j] = self.xx[i * K + j];
                a[j][i] = a[i][j];
            }
        }
        let mut c = [[0.0; K]; K];
        for i in 0..K {
            for j in 0..K {
                let mut v = 0.0;
                for m in 0..=j {
                    v += a[i][m] * l[j * K + m];
                }
                c[i][j] = v;
            }
        }
        for i in 0..K {
            for j in 0..=i {
                let mut v = 0.0;
                for m in 0..=i {
                    v += l[i * K + m] * c[m][j];
                }
                w.b[i * K + j] = v;
            }
            let mut v = 0.0;
            for m in 0..=i {
                v += l[i * K + m] * self.xr[m];
            }
            w.zr[i] = v;
        }
    }

    /// [`Cluster::load`] for any k.
    fn load_general(&mut self, w: &mut Work, l: &[f64]) {
        let k = self.k;
        // C = A L', then B = L C.
        for i in 0..k {
            for j in 0..k {
                let v = (0..=j).map(|m| self.at(i, m) * l[j * k + m]).sum();
                self.c[i * k + j] = v;
            }
        }
        for i in 0..k {
            for j in 0..=i {
                w.b[i * k + j] = (0..=i).map(|m| l[i * k + m] * self.c[m * k + j]).sum();
            }
            w.zr[i] = (0..=i).map(|m| l[i * k + m] * self.xr[m]).sum();
        }
    }
}

/// The second pass: rows grouped by cluster (a counting sort of their
/// clusters, read in a first sweep), each cluster's X̃_j'X̃_j and X̃_j'r_j with
/// the residuals computed row by row. Returns the sums, the clusters with rows
/// and the residual sum of squares.
pub(super) fn pass_two<F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync>(
    rows: &Rows<'_, F>,
    s: &Solved,
    l: &[f64],
    g: &[f64],
) -> Option<(Acc, usize, f64)> {
    let (n, p) = (rows.n, rows.p);
    let mut ids = Vec::with_capacity(n);
    let mut buf = vec![0.0; p + 1];
    for i in 0..n {
        ids.push(match rows.read(i, &mut buf) {
            Row::Skip => u32::MAX,
            Row::Bad => return None,
            Row::In(g) => g,
        });
    }
    let mut start = vec![0u32; rows.bound + 1];
    for &id in &ids {
        if id != u32::MAX {
            start[id as usize + 1] += 1;
        }
    }
    for j in 0..rows.bound {
        start[j + 1] += start[j];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; start[rows.bound] as usize];
    for (i, &id) in ids.iter().enumerate() {
        if id != u32::MAX {
            order[next[id as usize] as usize] = i as u32;
            next[id as usize] += 1;
        }
    }
    drop((ids, next));
    by_cluster(rows, s, l, g, rows.bound, |id| {
        order[start[id] as usize..start[id + 1] as usize]
            .iter()
            .map(|&i| i as usize)
    })
}

/// Clusters 0..`clusters` read again, each from its rows (`members`), in
/// fixed blocks added in order: X̃_j'X̃_j and X̃_j'r_j with the residuals
/// computed row by row. Rows left out are skipped; clusters without rows are
/// not counted. Returns the sums, the clusters with rows and the residual sum
/// of squares.
pub(super) fn by_cluster<F, I>(
    rows: &Rows<'_, F>,
    s: &Solved,
    l: &[f64],
    g: &[f64],
    clusters: usize,
    members: impl Fn(usize) -> I + Sync,
) -> Option<(Acc, usize, f64)>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
    I: Iterator<Item = usize>,
{
    let (p, k) = (rows.p, s.kept.len());
    let blocks: Vec<(Acc, usize, f64)> = (0..clusters.div_ceil(CLUSTER_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut acc = Acc::new(k);
            let mut w = Work::new(k);
            let mut c = Cluster::new(k);
            let mut buf = vec![0.0; p + 1];
            let (mut count, mut rss) = (0, 0.0);
            for id in b * CLUSTER_BLOCK..((b + 1) * CLUSTER_BLOCK).min(clusters) {
                c.xx.iter_mut().for_each(|v| *v = 0.0);
                c.xr.iter_mut().for_each(|v| *v = 0.0);
                let mut n = 0usize;
                for i in members(id) {
                    match rows.read(i, &mut buf) {
                        Row::Skip => continue,
                        Row::Bad => return None,
                        Row::In(_) => n += 1,
                    }
                    let r = residual(&buf, p, &s.kept, &s.beta);
                    rss += r * r;
                    for (a, &ja) in s.kept.iter().enumerate() {
                        for (m, &jm) in s.kept.iter().enumerate().take(a + 1) {
                            c.xx[a * k + m] += buf[ja] * buf[jm];
                        }
                        c.xr[a] += buf[ja] * r;
                    }
                }
                if n == 0 {
                    continue;
                }
                count += 1;
                c.load(&mut w, l);
                w.add_cluster(n as f64, g, &mut acc)?;
            }
            Some((acc, count, rss))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut acc = Acc::new(k);
    let (mut clusters, mut rss) = (0, 0.0);
    for (b, count, r) in &blocks {
        acc.add(b);
        clusters += count;
        rss += r;
    }
    Some((acc, clusters, rss))
}
