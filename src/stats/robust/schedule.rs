//! The engine for clusters seen on one schedule: cluster j's row at wave w is
//! the same row x_w of X for every cluster, present or not (a trend: each
//! participant its own cluster, x_w = (1, t_w)). A cluster's X̃_j'X̃_j, and so
//! its B_j and everything of the df sums, then depends only on which waves it
//! has, its pattern; what its residuals add to the meat, e_j e_j' with
//! e_j = Φ L X̃_j'r_j (Φ = Σ_i φ_i v_i v_i' of B_j), sums over the clusters of a
//! pattern to Φ L C L' Φ with C = Σ_j (u_j − S β̃)(u_j − S β̃)', u_j = X̃_j'ỹ_j and
//! S the pattern's X̃_j'X̃_j. C follows from each pattern's count, mean of u_j
//! and scatter about that mean (added as they come, Welford's way, so that
//! nothing cancels: C = scatter + count·(ū − S β̃)(ū − S β̃)').
//!
//! So one pass over the values, with no table per cluster and no second pass:
//! the pattern sums are a few numbers per pattern. The numbers are those of
//! [`super::cr2_grouped`] to rounding (tested); a fit so close to exact that
//! the sums' rounding would hide the residuals is left to it (it reads each
//! cluster's rows again).

use rayon::prelude::*;

use super::Cr2Fit;
use super::clusters::load_b;
use super::cr2::{Acc, Work};
use super::sums::{Rows, SUM_CHUNKS, Solution, assemble, tri};

/// Waves beyond this (patterns beyond 2^12) go to [`super::cr2_grouped`].
const MAX_WAVES: usize = 12;
/// Models wider than this too.
const MAX_P: usize = 8;

/// OLS of y on X with the CR2 variance and Satterthwaite df, clustered by
/// `clusters` clusters each seen at up to `design.len()` waves: row w of X is
/// `design[w]` (p values) for every cluster, and cluster j's y at wave w is
/// `value(j, w)` (None when it has none). None as for [`super::cr2_grouped`]
/// (no row, every column aliased, a value or the design not finite).
pub fn cr2_schedule(
    clusters: usize,
    design: &[Vec<f64>],
    value: impl Fn(usize, usize) -> Option<f64> + Sync,
) -> Option<Cr2Fit> {
    cr2_schedule_riding(clusters, design, value, || (), |_, _| {}).0
}

/// [`cr2_schedule`], and in the same reading of the values each cluster with a
/// value at every wave given to `ride` (its values in wave order) with a rider
/// of its part of the clusters (`new_rider` makes one per part). The riders come
/// back in the parts' order (their clusters in order within each); None when the
/// values were not read this way (more than 12 waves, a model wider than 8
/// columns, no candidate row, a value not finite): the caller reads them itself.
pub fn cr2_schedule_riding<R: Send>(
    clusters: usize,
    design: &[Vec<f64>],
    value: impl Fn(usize, usize) -> Option<f64> + Sync,
    new_rider: impl Fn() -> R + Sync,
    ride: impl Fn(&mut R, &[f64]) + Sync,
) -> (Option<Cr2Fit>, Option<Vec<R>>) {
    let per = design.len();
    let Some(p) = design.first().map(Vec::len) else {
        return (None, None);
    };
    let row = |j: usize, w: usize, buf: &mut [f64]| {
        let y = value(j, w)?;
        buf.copy_from_slice(design.get(w)?);
        Some(y)
    };
    let grouped = || super::cr2_grouped(clusters, p, per, row);
    if per > MAX_WAVES || p > MAX_P || design.iter().any(|x| x.len() != p) {
        return (grouped(), None);
    }
    let n = clusters.saturating_mul(per);
    if n == 0 || p == 0 || n >= u32::MAX as usize {
        return (None, None);
    }
    // The rows as the engine reads them, for the shift (the same pilot rows
    // as `cr2_grouped`) and a near-exact fit.
    let read = |i: usize, buf: &mut [f64]| row(i / per, i % per, buf).map(|y| (0, y));
    let rows = Rows::new(n, p, 1, &read);
    let shift = &rows.shift;
    // The shifted design, and each pattern's X̃_j'X̃_j (lower triangle) and rows.
    let xt: Vec<Vec<f64>> = design
        .iter()
        .map(|x| {
            let mut v = x.clone();
            for (b, s) in v[1..].iter_mut().zip(&shift[1..p]) {
                *b -= s * x[0];
            }
            v
        })
        .collect();
    if !xt.iter().flatten().all(|v| v.is_finite()) {
        return (None, None);
    }
    let patterns = 1usize << per;
    let Some((stats, riders)) =
        pattern_stats(clusters, per, &xt, shift[p], &value, &new_rider, &ride)
    else {
        return (None, None);
    };
    let fit = match fit_patterns(&rows, &xt, &stats, patterns) {
        Some(Fitted::Fit(f)) => Some(f),
        Some(Fitted::NearExact) => grouped(),
        None => None,
    };
    (fit, Some(riders))
}

/// A fit from the pattern statistics, or word that it is so close to exact
/// that the residuals must be computed row by row (by the table engine).
enum Fitted {
    Fit(Cr2Fit),
    NearExact,
}

/// The fit from the pattern statistics (None: nothing estimable).
fn fit_patterns<F>(
    rows: &Rows<'_, F>,
    xt: &[Vec<f64>],
    stats: &Stats,
    patterns: usize,
) -> Option<Fitted>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
{
    let p = rows.p;
    // The totals, packed as the engine's first pass gives them.
    let q = p + 1;
    let mut total = vec![0.0; q * (q + 1) / 2 + 1];
    let mut xx_of = vec![0.0; patterns * p * p];
    for m in 1..patterns {
        let st = stats.of(m);
        if st.count == 0.0 {
            continue;
        }
        let xx = &mut xx_of[m * p * p..(m + 1) * p * p];
        for (w, x) in xt.iter().enumerate() {
            if m & (1 << w) != 0 {
                for a in 0..p {
                    for b in 0..=a {
                        xx[a * p + b] += x[a] * x[b];
                    }
                }
            }
        }
        for a in 0..p {
            for b in 0..=a {
                total[tri(a, b)] += st.count * xx[a * p + b];
            }
            total[tri(p, a)] += st.count * st.mean[a];
        }
        total[tri(p, p)] += st.yy;
        total[q * (q + 1) / 2] += st.count * f64::from(m.count_ones());
    }
    let sol = Solution::new(rows, &total)?;
    if sol.near_exact {
        return Some(Fitted::NearExact);
    }
    let (s, l, g) = (&sol.s, &sol.l, &sol.g);
    let k = s.kept.len();
    let mut acc = Acc::new(k);
    let mut work = Work::new(k);
    let mut counted = 0.0;
    let (mut xx, mut c, mut zz, mut lc) = (
        vec![0.0; k * k],
        vec![0.0; k * k],
        vec![0.0; k * k],
        vec![0.0; k * k],
    );
    let mut key = Vec::with_capacity(1 + k * k);
    for m in 1..patterns {
        let st = stats.of(m);
        if st.count == 0.0 {
            continue;
        }
        counted += st.count;
        let full = &xx_of[m * p * p..(m + 1) * p * p];
        let at = |a: usize, b: usize| {
            if a >= b {
                full[a * p + b]
            } else {
                full[b * p + a]
            }
        };
        for (a, &ja) in s.kept.iter().enumerate() {
            for (b, &jb) in s.kept.iter().enumerate() {
                xx[a * k + b] = if b <= a { at(ja, jb) } else { 0.0 };
            }
        }
        // d = ū − S β̃ (kept columns), then C = scatter + count·d d'.
        let d: Vec<f64> = s
            .kept
            .iter()
            .map(|&ja| {
                let fitted: f64 = s
                    .kept
                    .iter()
                    .zip(&s.beta)
                    .map(|(&jm, b)| at(ja, jm) * b)
                    .sum();
                st.mean[ja] - fitted
            })
            .collect();
        for (a, &ja) in s.kept.iter().enumerate() {
            for (b, &jb) in s.kept.iter().enumerate() {
                c[a * k + b] = st.scatter[ja * p + jb] + st.count * d[a] * d[b];
            }
        }
        // Σ_j Z_j'r_j r_j'Z_j = L C L'.
        for a in 0..k {
            for b in 0..k {
                lc[a * k + b] = (0..=a).map(|i| l[a * k + i] * c[i * k + b]).sum();
            }
        }
        for a in 0..k {
            for b in 0..k {
                zz[a * k + b] = (0..=b).map(|i| lc[a * k + i] * l[b * k + i]).sum();
            }
        }
        let rows_here = f64::from(m.count_ones());
        key.clear();
        key.push(rows_here.to_bits());
        key.extend(xx.iter().map(|v| v.to_bits()));
        let mut scratch = vec![0.0; k * k];
        let shape = work.shape(&key, k, g, |b| load_b(k, &xx, &mut scratch, b, l))?;
        acc.add_shape(shape, st.count, &zz);
    }
    Some(Fitted::Fit(assemble(
        rows,
        s,
        g,
        &acc,
        counted as usize,
        s.rss,
        sol.used,
    )))
}

/// Per pattern of waves: its clusters, the mean of their u_j = X̃_j'ỹ_j, the
/// scatter of u_j about that mean (p × p), and Σ ỹ².
struct Stats {
    p: usize,
    /// Per pattern: count, mean (p), scatter (p × p), Σ ỹ².
    data: Vec<f64>,
}

struct PatternStats<'a> {
    count: f64,
    mean: &'a [f64],
    scatter: &'a [f64],
    yy: f64,
}

impl Stats {
    fn new(p: usize, patterns: usize) -> Self {
        Stats {
            p,
            data: crate::alloc::zeros(patterns * Self::width(p)),
        }
    }
    fn width(p: usize) -> usize {
        2 + p + p * p
    }
    fn of(&self, m: usize) -> PatternStats<'_> {
        let (p, w) = (self.p, Self::width(self.p));
        let t = &self.data[m * w..(m + 1) * w];
        PatternStats {
            count: t[0],
            mean: &t[1..1 + p],
            scatter: &t[1 + p..1 + p + p * p],
            yy: t[w - 1],
        }
    }
    /// One cluster of pattern `m`: its u and Σ ỹ² (Welford's update).
    #[inline]
    fn add(&mut self, m: usize, u: &[f64], yy: f64) {
        let (p, w) = (self.p, Self::width(self.p));
        let t = &mut self.data[m * w..(m + 1) * w];
        t[0] += 1.0;
        let n = t[0];
        let mut before = [0.0; MAX_P];
        for a in 0..p {
            before[a] = u[a] - t[1 + a];
            t[1 + a] += before[a] / n;
        }
        for a in 0..p {
            let after = u[a] - t[1 + a];
            for b in 0..p {
                t[1 + p + b * p + a] += before[b] * after;
            }
        }
        t[w - 1] += yy;
    }
    /// Adds another part's statistics (Chan et al.'s pairwise update).
    fn merge(&mut self, o: &Stats) {
        let (p, w) = (self.p, Self::width(self.p));
        for (t, u) in self.data.chunks_exact_mut(w).zip(o.data.chunks_exact(w)) {
            let (na, nb) = (t[0], u[0]);
            if nb == 0.0 {
                continue;
            }
            if na == 0.0 {
                t.copy_from_slice(u);
                continue;
            }
            let n = na + nb;
            let mut delta = [0.0; MAX_P];
            for a in 0..p {
                delta[a] = u[1 + a] - t[1 + a];
                t[1 + a] += delta[a] * (nb / n);
            }
            for a in 0..p {
                for b in 0..p {
                    t[1 + p + a * p + b] +=
                        u[1 + p + a * p + b] + delta[a] * delta[b] * (na * nb / n);
                }
            }
            t[0] = n;
            t[w - 1] += u[w - 1];
        }
    }
}

/// The pattern statistics of every cluster, in SUM_CHUNKS fixed parts of the
/// clusters (in parallel) merged in order, and each part's rider (fed the
/// clusters with a value at every wave); None when a value is not finite.
fn pattern_stats<R: Send>(
    clusters: usize,
    per: usize,
    xt: &[Vec<f64>],
    shift_y: f64,
    value: &(impl Fn(usize, usize) -> Option<f64> + Sync),
    new_rider: &(impl Fn() -> R + Sync),
    ride: &(impl Fn(&mut R, &[f64]) + Sync),
) -> Option<(Stats, Vec<R>)> {
    let p = xt.first()?.len();
    if p > MAX_P || per > MAX_WAVES {
        return None;
    }
    let every = (1usize << per) - 1;
    let len = clusters.div_ceil(SUM_CHUNKS).max(1);
    let parts: Vec<(Stats, R)> = (0..SUM_CHUNKS)
        .into_par_iter()
        .map(|c| {
            let mut st = Stats::new(p, 1 << per);
            let mut rider = new_rider();
            let mut u = [0.0; MAX_P];
            let mut ys = [0.0; MAX_WAVES];
            for j in (c * len).min(clusters)..((c + 1) * len).min(clusters) {
                let mut m = 0usize;
                let mut yy = 0.0;
                u[..p].iter_mut().for_each(|v| *v = 0.0);
                for (w, x) in xt.iter().enumerate() {
                    let Some(y) = value(j, w) else {
                        continue;
                    };
                    ys[w] = y;
                    let yt = y - shift_y * x[0];
                    if !yt.is_finite() {
                        return None;
                    }
                    m |= 1 << w;
                    yy += yt * yt;
                    for (ua, xa) in u[..p].iter_mut().zip(x) {
                        *ua += xa * yt;
                    }
                }
                if m != 0 {
                    st.add(m, &u[..p], yy);
                }
                if m == every {
                    ride(&mut rider, &ys[..per]);
                }
            }
            Some((st, rider))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut riders = Vec::with_capacity(parts.len());
    let mut all: Option<Stats> = None;
    for (part, rider) in parts {
        riders.push(rider);
        match &mut all {
            Some(a) => a.merge(&part),
            None => all = Some(part),
        }
    }
    Some((all?, riders))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clusters with every pattern of 4 waves (some with one row, some with
    /// none), uneven times: the fit of the table engine to rounding, for a
    /// trend (p = 2), a wider design (p = 3), an arm seen at one time only
    /// (time aliased) and more waves than patterns are kept for.
    #[test]
    fn patterns_give_the_table_engine_fit() {
        let times = [0.0, 1.0, 2.5, 4.0];
        type Seen = Box<dyn Fn(usize, usize) -> bool + Sync>;
        let cases: Vec<(Vec<Vec<f64>>, Seen)> = vec![
            (
                times.iter().map(|&t| vec![1.0, t]).collect(),
                Box::new(|j, w| (j * 7 + w * 3) % 5 != 0 || j % 13 == 0),
            ),
            (
                times.iter().map(|&t| vec![1.0, t, t * t]).collect(),
                Box::new(|j, w| (j + w) % 4 != 1),
            ),
            (
                times.iter().map(|&t| vec![1.0, t]).collect(),
                Box::new(|_, w| w == 2),
            ),
            (
                (0..14).map(|w| vec![1.0, w as f64 * 0.5]).collect(),
                Box::new(|j, w| (j + w) % 3 != 0),
            ),
        ];
        for (case, (design, seen)) in cases.iter().enumerate() {
            let clusters = 301;
            let y = |j: usize, w: usize| {
                100.0 + 0.7 * w as f64 + ((j * 37 + w * 11) % 17) as f64 / 3.0 + (j % 5) as f64
            };
            let value = |j: usize, w: usize| seen(j, w).then(|| y(j, w));
            let fit = cr2_schedule(clusters, design, value).expect("pattern fit");
            let p = design[0].len();
            let want = crate::stats::robust::cr2_grouped(clusters, p, design.len(), |j, w, buf| {
                buf.copy_from_slice(&design[w]);
                value(j, w)
            })
            .expect("table fit");
            assert_eq!(
                (fit.n, fit.clusters),
                (want.n, want.clusters),
                "case {case}"
            );
            assert_eq!(fit.aliased, want.aliased, "case {case}");
            let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-11 * b.abs().max(1e-300),
                (a, b) => a == b,
            };
            for j in 0..p {
                assert!(close(fit.coef[j], want.coef[j]), "case {case} coef {j}");
                assert!(
                    close(fit.se[j], want.se[j]),
                    "case {case} se {j}: {:?} {:?}",
                    fit.se[j],
                    want.se[j]
                );
                assert!(
                    close(fit.df[j], want.df[j]),
                    "case {case} df {j}: {:?} {:?}",
                    fit.df[j],
                    want.df[j]
                );
            }
            assert!((fit.rss - want.rss).abs() <= 1e-9 * want.rss, "case {case}");
        }
    }

    /// No value at all, a value not finite, an exact fit (left to the table
    /// engine, which reads the rows again).
    #[test]
    fn edge_cases_as_the_table_engine() {
        let design: Vec<Vec<f64>> = (0..3).map(|w| vec![1.0, w as f64]).collect();
        assert!(cr2_schedule(10, &design, |_, _| None).is_none());
        assert!(
            cr2_schedule(10, &design, |j, w| Some(if j == 3 && w == 1 {
                f64::INFINITY
            } else {
                1.0 + w as f64
            }))
            .is_none()
        );
        // y = 2 + 3 t exactly, plus one cluster off the line.
        let value = |j: usize, w: usize| {
            Some(2.0 + 3.0 * w as f64 + if j == 0 && w == 2 { 1e-3 } else { 0.0 })
        };
        let fit = cr2_schedule(40, &design, value).expect("fit");
        let want = crate::stats::robust::cr2_grouped(40, 2, 3, |j, w, buf| {
            buf.copy_from_slice(&design[w]);
            value(j, w)
        })
        .expect("fit");
        assert_eq!(fit.se, want.se);
        assert_eq!(fit.coef, want.coef);
    }
}
