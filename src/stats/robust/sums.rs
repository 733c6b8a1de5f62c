//! The engine's pass (docs/statistics-robust.md): one pass over the rows adds,
//! per cluster j, the lower triangle of [X̃_j ỹ_j]'[X̃_j ỹ_j] and the row count,
//! where X̃ = X − x₀s' and ỹ = y − s_y x₀ are the columns shifted by a value
//! taken from the data (x₀ the first column, the intercept: the shift is a
//! reparametrisation that keeps the fit, the residuals and every test of a
//! slope, and keeps the sums of products from cancelling). Everything else is
//! p × p algebra on these sums: X̃'X̃ = Σ_j X̃_j'X̃_j, its pivoted Cholesky
//! factor R (R's `lm` aliasing), β̃, and per cluster B_j = L X̃_j'X̃_j L' and
//! Z_j'r_j = L (X̃_j'ỹ_j − X̃_j'X̃_j β̃) with L = R⁻ᵀ.
//!
//! Two cases take a second pass over the rows, in cluster order (`clusters.rs`): more
//! clusters than the tables may hold (then only the totals are summed in the
//! first pass), and fits so close to exact that the sums' rounding would hide
//! the residuals (then β̃ is refined once and the residuals are computed row
//! by row).

use rayon::prelude::*;

use super::clusters::{from_table, pass_two};
use super::cr2::{Acc, lower_inverse_transpose, se_df};
use super::{ALIAS_TOL, Cr2Fit};
use crate::stats::finite;

/// Rows read to choose the shift (the median of each column over them).
const PILOT: usize = 31;
/// Row chunks of the first pass (fixed: the results do not depend on the
/// threads) and the most numbers their per-cluster tables may hold together.
pub(super) const SUM_CHUNKS: usize = 4;
const TABLE_MAX: usize = 1 << 24;
/// Clusters per block of the per-cluster algebra (same reason).
pub(super) const CLUSTER_BLOCK: usize = 256;
/// A residual sum of squares from the sums at or below this fraction of ỹ'ỹ
/// is too close to rounding: the residuals are then computed row by row.
const NEAR_EXACT: f64 = 1e-6;
/// An exact fit: residual norm at or below this fraction of ‖y‖.
pub(super) const EXACT_TOL: f64 = 1e3 * f64::EPSILON;

/// One row read through the caller's closure and shifted.
pub(super) enum Row {
    Skip,
    Bad,
    In(u32),
}

/// The caller's rows, shifted: `buf` = [x̃, ỹ].
pub(super) struct Rows<'a, F> {
    pub(super) n: usize,
    pub(super) p: usize,
    pub(super) bound: usize,
    /// s (s₀ = 0) then s_y.
    pub(super) shift: Vec<f64>,
    pub(super) row: &'a F,
}

impl<'a, F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync> Rows<'a, F> {
    /// The rows 0..n of a model of `p` columns read by `row`, with their shift.
    pub(super) fn new(n: usize, p: usize, bound: usize, row: &'a F) -> Self {
        Rows {
            n,
            p,
            bound,
            shift: pilot_shift(n, p, row),
            row,
        }
    }

    #[inline]
    pub(super) fn read(&self, i: usize, buf: &mut [f64]) -> Row {
        match (self.row)(i, &mut buf[..self.p]) {
            Some((g, y)) => self.shifted(g, y, buf),
            None => Row::Skip,
        }
    }

    /// Shifts a row read into `buf` (with y) and checks it.
    #[inline(always)]
    pub(super) fn shifted(&self, g: u32, y: f64, buf: &mut [f64]) -> Row {
        let p = self.p;
        let x0 = buf[0];
        for (b, s) in buf[1..p].iter_mut().zip(&self.shift[1..p]) {
            *b -= s * x0;
        }
        buf[p] = y - self.shift[p] * x0;
        if (g as usize) >= self.bound || !buf.iter().all(|v| v.is_finite()) {
            return Row::Bad;
        }
        Row::In(g)
    }
}

/// The shift: per column j ≥ 1 and for y, the median of x_j / x₀ over the
/// first rows with x₀ ≠ 0 (a value of the data when x₀ is the intercept, so
/// that a constant column becomes exactly 0).
pub(super) fn pilot_shift<F: Fn(usize, &mut [f64]) -> Option<(u32, f64)>>(
    n: usize,
    p: usize,
    row: &F,
) -> Vec<f64> {
    let q = p + 1;
    let mut seen: Vec<Vec<f64>> = vec![Vec::new(); q];
    let mut buf = vec![0.0; p];
    for i in 0..n {
        if seen[0].len() >= PILOT {
            break;
        }
        let Some((_, y)) = row(i, &mut buf) else {
            continue;
        };
        let x0 = buf[0];
        if x0 == 0.0 || !x0.is_finite() {
            continue;
        }
        let ratios: Vec<f64> = (0..q)
            .map(|j| if j < p { buf[j] / x0 } else { y / x0 })
            .collect();
        if ratios.iter().all(|v| v.is_finite()) {
            for (s, v) in seen.iter_mut().zip(ratios) {
                s.push(v);
            }
        }
    }
    let mut shift: Vec<f64> = seen
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s.get(s.len() / 2).copied().unwrap_or(0.0)
        })
        .collect();
    shift[0] = 0.0;
    shift
}

/// Position of (a, b), b ≤ a, in a packed lower triangle.
#[inline]
pub(super) fn tri(a: usize, b: usize) -> usize {
    a * (a + 1) / 2 + b
}

/// Adds [x̃ ỹ][x̃ ỹ]' (lower triangle) and 1 to `t`: also x̃x̃' and 1 for the
/// shared columns of [`super::levels`]. The usual widths are unrolled (the
/// same sums in the same order).
#[inline(always)]
pub(super) fn add_row(t: &mut [f64], v: &[f64]) {
    match v.len() {
        2 => add_row_n::<2>(t, v),
        3 => add_row_n::<3>(t, v),
        4 => add_row_n::<4>(t, v),
        5 => add_row_n::<5>(t, v),
        6 => add_row_n::<6>(t, v),
        7 => add_row_n::<7>(t, v),
        8 => add_row_n::<8>(t, v),
        _ => add_row_any(t, v),
    }
}

#[inline]
fn add_row_n<const Q: usize>(t: &mut [f64], v: &[f64]) {
    let (Ok(v), Some(t)) = (<&[f64; Q]>::try_from(v), t.get_mut(..Q * (Q + 1) / 2 + 1)) else {
        return add_row_any(t, v);
    };
    let mut o = 0;
    for a in 0..Q {
        for b in 0..=a {
            t[o + b] += v[a] * v[b];
        }
        o += a + 1;
    }
    t[o] += 1.0;
}

fn add_row_any(t: &mut [f64], v: &[f64]) {
    let mut o = 0;
    for (a, &va) in v.iter().enumerate() {
        for (tb, &vb) in t[o..=o + a].iter_mut().zip(&v[..=a]) {
            *tb += va * vb;
        }
        o += a + 1;
    }
    t[o] += 1.0;
}

/// What the first pass sums.
pub(super) struct Pass {
    /// Σ over rows of the packed lower triangle, then the row count.
    pub(super) total: Vec<f64>,
    /// Per cluster, the same (`bound` × width), when it fits.
    pub(super) table: Option<Vec<f64>>,
}

impl Pass {
    /// From per-cluster sums (`table`: whether `sums` holds one block of
    /// `width` per cluster, or only the totals): the totals are the sums over
    /// the clusters with rows, in order.
    pub(super) fn new(sums: Vec<f64>, width: usize, table: bool) -> Pass {
        if !table {
            return Pass {
                total: sums,
                table: None,
            };
        }
        let mut total = vec![0.0; width];
        for t in sums.chunks(width) {
            if t[width - 1] > 0.0 {
                for (a, b) in total.iter_mut().zip(t) {
                    *a += b;
                }
            }
        }
        Pass {
            total,
            table: Some(sums),
        }
    }
}

/// Row chunks of a first pass whose per-cluster tables take `room` numbers a
/// cluster, and whether the tables fit at all (else only totals are summed).
pub(super) fn chunking(bound: usize, room: usize) -> (usize, bool) {
    let fits = |c: usize| bound.saturating_mul(room).saturating_mul(c) <= TABLE_MAX;
    let mut chunks = SUM_CHUNKS;
    while chunks > 1 && !fits(chunks) {
        chunks -= 1;
    }
    (chunks, fits(chunks))
}

/// The first pass, for every model at once (each row is read once for all):
/// per model, its sums and the rows it noted. With tables, each of a fixed
/// number of row chunks has its own, added in order; the totals are then the
/// sums over clusters in order. A model with a row that is not finite gets
/// None.
fn pass_one<F, G>(rows: &[Rows<'_, F>], row: &G) -> Vec<Option<(Pass, usize)>>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
    G: Fn(usize, usize, &mut [f64]) -> Pick + Sync,
{
    let Some(first) = rows.first() else {
        return Vec::new();
    };
    let (n, bound) = (first.n, first.bound);
    let widths: Vec<usize> = rows.iter().map(|r| (r.p + 1) * (r.p + 2) / 2 + 1).collect();
    let room: usize = widths.iter().sum::<usize>();
    let (chunks, table) = chunking(bound, room);
    let len = n.div_ceil(chunks).max(1);
    type Part = Vec<(Vec<f64>, usize, bool)>;
    let parts: Vec<Part> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut out: Part = widths
                .iter()
                .map(|&w| {
                    (
                        crate::alloc::zeros(if table { bound * w } else { w }),
                        0,
                        true,
                    )
                })
                .collect();
            let mut buf = vec![0.0; rows.iter().map(|r| r.p + 1).max().unwrap_or(1)];
            for i in (c * len).min(n)..((c + 1) * len).min(n) {
                for (m, (r, o)) in rows.iter().zip(out.iter_mut()).enumerate() {
                    let b = &mut buf[..r.p + 1];
                    match row(i, m, &mut b[..r.p]) {
                        Pick::Out => {}
                        Pick::Noted => o.1 += 1,
                        Pick::In(g, y) => match r.shifted(g, y, b) {
                            Row::In(g) => {
                                let w = widths[m];
                                let at = if table { g as usize * w } else { 0 };
                                add_row(&mut o.0[at..at + w], b);
                            }
                            _ => o.2 = false,
                        },
                    }
                }
            }
            out
        })
        .collect();
    let mut merged: Part = Vec::new();
    for part in parts {
        if merged.is_empty() {
            merged = part;
            continue;
        }
        for (a, b) in merged.iter_mut().zip(part) {
            for (x, y) in a.0.iter_mut().zip(&b.0) {
                *x += y;
            }
            a.1 += b.1;
            a.2 &= b.2;
        }
    }
    merged
        .into_iter()
        .zip(&widths)
        .map(|((sums, noted, ok), &width)| {
            if !ok {
                return None;
            }
            Some((Pass::new(sums, width, table), noted))
        })
        .collect()
}

/// The least-squares solution on the shifted columns.
pub(super) struct Solved {
    pub(super) aliased: Vec<bool>,
    pub(super) kept: Vec<usize>,
    /// k × k upper-triangular R of the kept columns, row-major.
    pub(super) r: Vec<f64>,
    pub(super) beta: Vec<f64>,
    /// ỹ'ỹ − ‖Q'ỹ‖², from the sums.
    pub(super) rss: f64,
    pub(super) yty: f64,
    /// ‖y‖ of the unshifted outcome.
    pub(super) y_norm: f64,
}

/// Pivoted Cholesky of the packed [X̃ ỹ]'[X̃ ỹ] in column order: column j is
/// aliased when its norm after removing the kept columns before it falls below
/// 1e-7 of its own (unshifted) norm: `lm`'s `dqrdc2` decision, since removing
/// x₀ (kept first) removes the shift.
fn solve(a: &[f64], p: usize, shift: &[f64]) -> Option<Solved> {
    let at = |i: usize, j: usize| if i >= j { a[tri(i, j)] } else { a[tri(j, i)] };
    let raw = |j: usize| {
        let s = shift[j];
        at(j, j) + 2.0 * s * at(j, 0) + s * s * at(0, 0)
    };
    let mut aliased = vec![false; p];
    let mut kept: Vec<usize> = Vec::new();
    // rows[m][j]: row m of the factor (kept column m), at every column j ≤ p.
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut rss = 0.0;
    for j in 0..=p {
        let mut col = Vec::with_capacity(kept.len());
        for (m, &jm) in kept.iter().enumerate() {
            let s: f64 = (0..m).map(|i| rows[i][jm] * col[i]).sum();
            col.push((at(jm, j) - s) / rows[m][jm]);
        }
        let d = at(j, j) - col.iter().map(|v| v * v).sum::<f64>();
        for (m, v) in col.into_iter().enumerate() {
            rows[m][j] = v;
        }
        if j == p {
            rss = d.max(0.0);
            break;
        }
        let orig = raw(j).max(0.0).sqrt();
        let orig = if orig == 0.0 { 1.0 } else { orig };
        if d.max(0.0).sqrt() >= ALIAS_TOL * orig {
            let mut r = vec![0.0; p + 1];
            r[j] = d.sqrt();
            rows.push(r);
            kept.push(j);
        } else {
            aliased[j] = true;
        }
    }
    let k = kept.len();
    if k == 0 {
        return None;
    }
    let mut r = vec![0.0; k * k];
    for m in 0..k {
        for (c, &j) in kept.iter().enumerate() {
            r[m * k + c] = rows[m][j];
        }
    }
    let qty: Vec<f64> = rows.iter().map(|row| row[p]).collect();
    let beta = back_substitute(&r, k, &qty);
    if !beta.iter().all(|b| b.is_finite()) {
        return None;
    }
    let yty = at(p, p);
    Some(Solved {
        aliased,
        kept,
        r,
        beta,
        rss,
        yty,
        y_norm: raw(p).max(0.0).sqrt(),
    })
}

/// x with R x = b (R upper triangular k × k).
fn back_substitute(r: &[f64], k: usize, b: &[f64]) -> Vec<f64> {
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|m| r[i * k + m] * x[m]).sum();
        x[i] = (b[i] - s) / r[i * k + i];
    }
    x
}

/// What a row gives one model: in (its cluster and y, with the row of X
/// written), left out, or left out and counted (see [`super::cr2_many`]).
pub enum Pick {
    In(u32, f64),
    Out,
    Noted,
}

/// The fits of several models over the same candidate rows (see
/// [`super::cr2_many`]), each with the rows it noted.
pub(super) fn fit_many<G>(
    n: usize,
    ps: &[usize],
    bound: usize,
    row: &G,
) -> Vec<(Option<Cr2Fit>, usize)>
where
    G: Fn(usize, usize, &mut [f64]) -> Pick + Sync,
{
    let readers: Vec<_> = (0..ps.len())
        .map(|m| {
            move |i: usize, buf: &mut [f64]| match row(i, m, buf) {
                Pick::In(g, y) => Some((g, y)),
                _ => None,
            }
        })
        .collect();
    let rows: Vec<Rows<'_, _>> = readers
        .iter()
        .zip(ps)
        .map(|(r, &p)| Rows::new(n, p, bound, r))
        .collect();
    pass_one(&rows, row)
        .into_iter()
        .zip(&rows)
        .map(|(pass, rows)| match pass {
            Some((pass, noted)) => (finish(rows, &pass), noted),
            None => (None, 0),
        })
        .collect()
}

/// One model's fit from its first pass.
pub(super) fn finish<F>(rows: &Rows<'_, F>, pass: &Pass) -> Option<Cr2Fit>
where
    F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
{
    let sol = Solution::new(rows, &pass.total)?;
    let (s, l, g) = (&sol.s, &sol.l, &sol.g);
    let (acc, clusters, rss) = match (&pass.table, sol.near_exact) {
        (Some(table), false) => {
            let (acc, clusters) = from_table(table, rows.p, s, l, g)?;
            (acc, clusters, s.rss)
        }
        _ => pass_two(rows, s, l, g)?,
    };
    Some(assemble(rows, s, g, &acc, clusters, rss, sol.used))
}

/// The solve from the totals, with what the per-cluster algebra needs: L =
/// R⁻ᵀ, the contrasts G, and β̃ refined once when the fit is near exact.
pub(super) struct Solution {
    pub(super) s: Solved,
    pub(super) l: Vec<f64>,
    pub(super) g: Vec<f64>,
    /// The residuals must be computed row by row.
    pub(super) near_exact: bool,
    /// Rows in the model.
    pub(super) used: f64,
}

impl Solution {
    /// None when no row is in the model, every column is aliased or a row is
    /// not finite.
    pub(super) fn new<F>(rows: &Rows<'_, F>, total: &[f64]) -> Option<Self>
    where
        F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync,
    {
        let used = *total.last()?;
        if used == 0.0 {
            return None;
        }
        let mut s = solve(total, rows.p, &rows.shift)?;
        let l = lower_inverse_transpose(&s.r, s.kept.len());
        let g = contrasts(&s, &rows.shift, &l);
        let near_exact = s.rss <= NEAR_EXACT * s.yty;
        if near_exact {
            refine(rows, &mut s, &l)?;
        }
        Some(Solution {
            s,
            l,
            g,
            near_exact,
            used,
        })
    }
}

/// The fit from the solution and the sums over clusters: the coefficients
/// (the intercept shifted back), standard errors and degrees of freedom in the
/// columns' places, aliased ones None.
pub(super) fn assemble<F>(
    rows: &Rows<'_, F>,
    s: &Solved,
    g: &[f64],
    acc: &Acc,
    clusters: usize,
    rss: f64,
    used: f64,
) -> Cr2Fit {
    let p = rows.p;
    let (se_k, df_k, sums_k) = se_df(clusters, g, acc);
    let mut coef = vec![None; p];
    let mut se = vec![None; p];
    let mut df = vec![None; p];
    let mut df_sums = vec![None; p];
    let shifted = s.kept.first() == Some(&0);
    for (c, &j) in s.kept.iter().enumerate() {
        let mut b = s.beta[c];
        if j == 0 && shifted {
            // β₀ = β̃₀ − Σ s_j β̃_j + s_y.
            for (m, &jm) in s.kept.iter().enumerate().skip(1) {
                b -= rows.shift[jm] * s.beta[m];
            }
            b += rows.shift[p];
        }
        coef[j] = finite(b);
        se[j] = se_k[c];
        df[j] = df_k[c];
        df_sums[j] = sums_k[c];
    }
    Cr2Fit {
        n: used as usize,
        p,
        clusters,
        coef,
        aliased: s.aliased.clone(),
        se,
        df,
        df_sums,
        rss: rss.max(0.0),
        y_norm: s.y_norm,
        exact_fit: rss.max(0.0).sqrt() <= EXACT_TOL * s.y_norm,
    }
}

/// G (k × k, column c = g_c = L t_c): t_c is e_c for a slope; for the
/// intercept of shifted columns, e₀ − s (β₀ = β̃₀ − Σ s_j β̃_j + s_y).
fn contrasts(s: &Solved, shift: &[f64], l: &[f64]) -> Vec<f64> {
    let k = s.kept.len();
    let mut g = l.to_vec();
    if s.kept.first() == Some(&0) {
        for a in 0..k {
            g[a * k] = (0..k)
                .map(|m| {
                    let t = if m == 0 { 1.0 } else { -shift[s.kept[m]] };
                    l[a * k + m] * t
                })
                .sum();
        }
    }
    g
}

/// One step of iterative refinement of β̃ with the residuals computed row by
/// row: β̃ += (X̃'X̃)⁻¹ X̃'r.
fn refine<F: Fn(usize, &mut [f64]) -> Option<(u32, f64)> + Sync>(
    rows: &Rows<'_, F>,
    s: &mut Solved,
    l: &[f64],
) -> Option<()> {
    let (n, p, k) = (rows.n, rows.p, s.kept.len());
    let len = n.div_ceil(SUM_CHUNKS).max(1);
    let parts: Vec<Vec<f64>> = (0..SUM_CHUNKS)
        .into_par_iter()
        .map(|c| {
            let mut xr = vec![0.0; k];
            let mut buf = vec![0.0; p + 1];
            for i in (c * len).min(n)..((c + 1) * len).min(n) {
                match rows.read(i, &mut buf) {
                    Row::Skip => {}
                    Row::Bad => return None,
                    Row::In(_) => {
                        let r = residual(&buf, p, &s.kept, &s.beta);
                        for (x, &j) in xr.iter_mut().zip(&s.kept) {
                            *x += buf[j] * r;
                        }
                    }
                }
            }
            Some(xr)
        })
        .collect::<Option<Vec<_>>>()?;
    let mut xr = vec![0.0; k];
    for part in &parts {
        for (a, b) in xr.iter_mut().zip(part) {
            *a += b;
        }
    }
    // δ = R⁻¹ L X̃'r.
    let lx: Vec<f64> = (0..k)
        .map(|a| (0..=a).map(|m| l[a * k + m] * xr[m]).sum())
        .collect();
    let delta = back_substitute(&s.r, k, &lx);
    if delta.iter().all(|d| d.is_finite()) {
        for (b, d) in s.beta.iter_mut().zip(delta) {
            *b += d;
        }
    }
    Some(())
}

#[inline]
pub(super) fn residual(buf: &[f64], p: usize, kept: &[usize], beta: &[f64]) -> f64 {
    let fitted: f64 = kept.iter().zip(beta).map(|(&j, b)| buf[j] * b).sum();
    buf[p] - fitted
}
