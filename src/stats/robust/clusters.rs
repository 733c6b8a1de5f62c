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
        // One `Work` per thread: its shapes serve every block it takes.
        .map_init(
            || Work::new(k),
            |w, b| {
                let mut acc = Acc::new(k);
                let end = ((b + 1) * CLUSTER_BLOCK).min(all);
                let part = &table[b * CLUSTER_BLOCK * width..end * width];
                let fixed = match (k == p).then_some(k) {
                    Some(1) => Some(block_fixed::<1>(part, width, s, l, g, w, &mut acc)),
                    Some(2) => Some(block_fixed::<2>(part, width, s, l, g, w, &mut acc)),
                    Some(3) => Some(block_fixed::<3>(part, width, s, l, g, w, &mut acc)),
                    Some(4) => Some(block_fixed::<4>(part, width, s, l, g, w, &mut acc)),
                    Some(5) => Some(block_fixed::<5>(part, width, s, l, g, w, &mut acc)),
                    _ => None,
                };
                if let Some(count) = fixed {
                    return Some((acc, count?));
                }
                let mut c = Cluster::new(k);
                let mut count = 0;
                for t in part.chunks(width) {
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
                    c.add(rows, w, l, g, &mut acc)?;
                }
                Some((acc, count))
            },
        )
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
    zr: Vec<f64>,
    c: Vec<f64>,
    key: Vec<u64>,
}

impl Cluster {
    fn new(k: usize) -> Self {
        Cluster {
            k,
            xx: vec![0.0; k * k],
            xr: vec![0.0; k],
            zr: vec![0.0; k],
            c: vec![0.0; k * k],
            key: Vec::with_capacity(k * k + 1),
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

    /// Adds the cluster (`rows` rows) to `acc`: Z_j'r_j = L X̃_j'r_j, and
    /// B_j = L X̃_j'X̃_j L' when its shape is not known yet
    /// ([`Work::shape`]).
    fn add(&mut self, rows: f64, w: &mut Work, l: &[f64], g: &[f64], acc: &mut Acc) -> Option<()> {
        let k = self.k;
        for i in 0..k {
            let mut v = 0.0;
            for m in 0..=i {
                v += l[i * k + m] * self.xr[m];
            }
            self.zr[i] = v;
        }
        self.key.clear();
        self.key.push(rows.to_bits());
        self.key.extend(self.xx.iter().map(|v| v.to_bits()));
        let (xx, c) = (&self.xx, &mut self.c);
        let shape = w.shape(&self.key, k, g, |b| load_b(k, xx, c, b, l))?;
        acc.add_cluster(shape, &self.zr);
        Some(())
    }
}

/// B_j = L X̃_j'X̃_j L' (lower triangle into `b`) from `xx` (the cluster's
/// X̃_j'X̃_j, lower triangle); `c`: k × k scratch.
pub(super) fn load_b(k: usize, xx: &[f64], c: &mut [f64], b: &mut [f64], l: &[f64]) {
    match k {
        1 => load_fixed::<1>(xx, b, l),
        2 => load_fixed::<2>(xx, b, l),
        3 => load_fixed::<3>(xx, b, l),
        4 => load_fixed::<4>(xx, b, l),
        5 => load_fixed::<5>(xx, b, l),
        _ => {
            let at = |i: usize, j: usize| if i >= j { xx[i * k + j] } else { xx[j * k + i] };
            // C = A L', then B = L C.
            for i in 0..k {
                for j in 0..k {
                    let v = (0..=j).map(|m| at(i, m) * l[j * k + m]).sum();
                    c[i * k + j] = v;
                }
            }
            for i in 0..k {
                for j in 0..=i {
                    b[i * k + j] = (0..=i).map(|m| l[i * k + m] * c[m * k + j]).sum();
                }
            }
        }
    }
}

/// The clusters of one block of the table (`part`), for K kept columns of K
/// (none aliased): [`from_table`]'s loop with the sizes known to the compiler
/// (the same sums in the same order). Returns the clusters with rows.
#[allow(clippy::needless_range_loop)]
fn block_fixed<const K: usize>(
    part: &[f64],
    width: usize,
    s: &Solved,
    l: &[f64],
    g: &[f64],
    w: &mut Work,
    acc: &mut Acc,
) -> Option<usize> {
    let beta: [f64; K] = s.beta.get(..K)?.try_into().ok()?;
    let l = l.get(..K * K)?;
    let mut count = 0;
    let mut key = [0u64; 1 + 5 * 5];
    let key = key.get_mut(..1 + K * K)?;
    // The previous cluster's key and shape: neighbours share their design
    // most often (participants with every visit), found without a lookup.
    let mut last_key = [0u64; 1 + 5 * 5];
    let last_key = last_key.get_mut(..1 + K * K)?;
    let mut last = None;
    for t in part.chunks_exact(width) {
        let rows = t[width - 1];
        if rows == 0.0 {
            continue;
        }
        count += 1;
        let mut xx = [[0.0; K]; K];
        for a in 0..K {
            for m in 0..=a {
                xx[a][m] = t[tri(a, m)];
            }
        }
        let mut xr = [0.0; K];
        for a in 0..K {
            let fitted: f64 = (0..K)
                .map(|m| if a >= m { xx[a][m] } else { xx[m][a] } * beta[m])
                .sum();
            xr[a] = t[tri(K, a)] - fitted;
        }
        let mut zr = [0.0; K];
        for i in 0..K {
            let mut v = 0.0;
            for m in 0..=i {
                v += l[i * K + m] * xr[m];
            }
            zr[i] = v;
        }
        key[0] = rows.to_bits();
        for (kv, x) in key[1..].iter_mut().zip(xx.as_flattened()) {
            *kv = x.to_bits();
        }
        let slot = match last {
            Some(slot) if key.iter().zip(last_key.iter()).all(|(a, b)| a == b) => slot,
            _ => {
                let slot = w.slot(key, K, g, |b| load_fixed::<K>(xx.as_flattened(), b, l))?;
                last_key.copy_from_slice(key);
                last = Some(slot);
                slot
            }
        };
        acc.add_fixed::<K>(w.shape_at(slot)?, &zr);
    }
    Some(count)
}

/// [`Cluster::load_b`] with the size known to the compiler (the same sums in
/// the same order).
#[inline]
#[allow(clippy::needless_range_loop)]
fn load_fixed<const K: usize>(xx: &[f64], b: &mut [f64], l: &[f64]) {
    let mut a = [[0.0; K]; K];
    for i in 0..K {
        for j in 0..=i {
            a[i][j] = xx[i * K + j];
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
            b[i * K + j] = v;
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
    let mut start = crate::alloc::zeros::<u32>(rows.bound + 1);
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
        .map_init(
            || Work::new(k),
            |w, b| {
                let mut acc = Acc::new(k);
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
                    c.add(n as f64, w, l, g, &mut acc)?;
                }
                Some((acc, count, rss))
            },
        )
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
