//! The models of every level of one categorical outcome in one pass
//! (docs/statistics-robust.md, "The levels of a categorical outcome").
//!
//! Model l has the outcome y_l = 1{code = l} and, in one column c of its design
//! when there is one (a `did`'s baseline value), z_l = 1{baseline code = l}; its
//! other columns x are the same for every level, and so are its rows. With every
//! column shifted as the engine shifts them (x̃ = x − s x₀, z̃ = z − s_z x₀,
//! ỹ = y − s_y x₀; the shifts of x are the same for every level), the sums
//! [`super::sums`] needs per cluster follow from sums shared by the levels:
//! X̃'X̃ and, per level, Σ_{z=1} x̃, Σ_{y=1} x̃, the counts of z = 1, of y = 1 and
//! of both:
//!
//! - Σ z̃ x̃_a = Σ_{z=1} x̃_a − s_z Σ x₀ x̃_a, and the same for ỹ;
//! - Σ z̃² = n_z − 2 s_z Σ_{z=1} x₀ + s_z² Σ x₀², and the same for ỹ;
//! - Σ z̃ ỹ = n_zy − s_z Σ_{y=1} x₀ − s_y Σ_{z=1} x₀ + s_y s_z Σ x₀².
//!
//! A row then costs the shared cross-products and two additions of x̃, not one
//! full row of products per level.

use rayon::prelude::*;

use super::Cr2Fit;
use super::sums::{Pass, Pick, Rows, add_row, chunking, finish, fit_many, tri};

/// The index of a level code, or `usize::MAX` when it is none of 0..levels.
#[inline]
pub fn level_code(v: f64, levels: usize) -> usize {
    let c = v as usize;
    if c < levels && c as f64 == v {
        c
    } else {
        usize::MAX
    }
}

/// 1 when `v` is level `l`, else 0.
#[inline]
fn indicator(v: f64, l: usize) -> f64 {
    f64::from(u8::from(v == l as f64))
}

/// Where a column of a level's model comes from.
#[derive(Clone, Copy)]
enum Src {
    /// A shared column (its index among the shared ones).
    Shared(usize),
    /// The level's indicator column.
    Z,
    /// The level's outcome.
    Y,
}

/// The layout of one cluster's shared sums: the packed lower triangle of
/// x̃x̃' (`ps` shared columns), the row count, then per level Σ_{z=1} x̃,
/// Σ_{y=1} x̃, n_z, n_y, n_zy.
#[derive(Clone, Copy)]
struct Layout {
    ps: usize,
    levels: usize,
}

impl Layout {
    fn tri(self) -> usize {
        self.ps * (self.ps + 1) / 2
    }
    fn per_level(self) -> usize {
        2 * self.ps + 3
    }
    fn width(self) -> usize {
        self.tri() + 1 + self.levels * self.per_level()
    }
    fn level(self, l: usize) -> usize {
        self.tri() + 1 + l * self.per_level()
    }
}

/// See [`super::cr2_levels`].
pub(super) fn fit_levels<G>(
    n: usize,
    p: usize,
    column: Option<usize>,
    levels: usize,
    bound: usize,
    row: &G,
) -> Vec<(Option<Cr2Fit>, usize)>
where
    G: Fn(usize, &mut [f64]) -> Pick + Sync,
{
    let model = |i: usize, l: usize, buf: &mut [f64]| match row(i, buf) {
        Pick::In(g, y) => {
            if let Some(c) = column {
                buf[c] = indicator(buf[c], l);
            }
            Pick::In(g, indicator(y, l))
        }
        other => other,
    };
    if levels == 0 || column.is_some_and(|c| c == 0 || c >= p) {
        // x₀ must be shared: each level on its own.
        return fit_many(n, &vec![p; levels], bound, &model);
    }
    let readers: Vec<_> = (0..levels)
        .map(|l| {
            move |i: usize, buf: &mut [f64]| match model(i, l, buf) {
                Pick::In(g, y) => Some((g, y)),
                _ => None,
            }
        })
        .collect();
    let rows: Vec<Rows<'_, _>> = readers.iter().map(|r| Rows::new(n, p, bound, r)).collect();
    let srcs: Vec<Src> = {
        let mut k = 0;
        (0..=p)
            .map(|j| {
                if j == p {
                    Src::Y
                } else if Some(j) == column {
                    Src::Z
                } else {
                    k += 1;
                    Src::Shared(k - 1)
                }
            })
            .collect()
    };
    let shift: Vec<f64> = (0..p)
        .filter(|&j| Some(j) != column)
        .map(|j| rows[0].shift[j])
        .collect();
    let lay = Layout {
        ps: shift.len(),
        levels,
    };
    let Some((sums, table, noted)) = level_pass(n, p, column, lay, bound, &shift, row) else {
        return (0..levels).map(|_| (None, 0)).collect();
    };
    let q = p + 1;
    let width = q * (q + 1) / 2 + 1;
    rows.iter()
        .enumerate()
        .map(|(l, r)| {
            let shifts = (column.map_or(0.0, |c| r.shift[c]), r.shift[p]);
            let mut out = Vec::with_capacity(sums.len() / lay.width() * width);
            for t in sums.chunks(lay.width()) {
                assemble(t, lay, l, &srcs, shifts, &mut out);
            }
            (finish(r, &Pass::new(out, width, table)), noted)
        })
        .collect()
}

/// One pass over the rows: per cluster (or in total when the tables do not
/// fit) the shared sums of [`Layout`]; whether they are per cluster, and the
/// rows noted. None when a row is not finite or its cluster out of bounds.
fn level_pass<G>(
    n: usize,
    p: usize,
    column: Option<usize>,
    lay: Layout,
    bound: usize,
    shift: &[f64],
    row: &G,
) -> Option<(Vec<f64>, bool, usize)>
where
    G: Fn(usize, &mut [f64]) -> Pick + Sync,
{
    let (width, ps, levels) = (lay.width(), lay.ps, lay.levels);
    let (chunks, table) = chunking(bound, width);
    let len = n.div_ceil(chunks).max(1);
    let parts: Vec<Option<(Vec<f64>, usize)>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut sums = crate::alloc::zeros(if table { bound * width } else { width });
            let mut noted = 0;
            let mut buf = vec![0.0; p];
            for i in (c * len).min(n)..((c + 1) * len).min(n) {
                let (g, y) = match row(i, &mut buf) {
                    Pick::Out => continue,
                    Pick::Noted => {
                        noted += 1;
                        continue;
                    }
                    Pick::In(g, y) => (g as usize, y),
                };
                let z = column.map(|c| {
                    let z = level_code(buf[c], levels);
                    for j in c..p - 1 {
                        buf[j] = buf[j + 1];
                    }
                    z
                });
                let x = &mut buf[..ps];
                let x0 = x[0];
                for (v, s) in x[1..].iter_mut().zip(&shift[1..]) {
                    *v -= s * x0;
                }
                if g >= bound || !x.iter().all(|v| v.is_finite()) {
                    return None;
                }
                let t = &mut sums[if table { g * width } else { 0 }..][..width];
                add_row(t, x);
                let yc = level_code(y, levels);
                if yc < levels {
                    let b = lay.level(yc);
                    for (o, v) in t[b + ps..b + 2 * ps].iter_mut().zip(x.iter()) {
                        *o += v;
                    }
                    t[b + 2 * ps + 1] += 1.0;
                }
                if let Some(zc) = z.filter(|&z| z < levels) {
                    let b = lay.level(zc);
                    for (o, v) in t[b..b + ps].iter_mut().zip(x.iter()) {
                        *o += v;
                    }
                    t[b + 2 * ps] += 1.0;
                    if zc == yc {
                        t[b + 2 * ps + 2] += 1.0;
                    }
                }
            }
            Some((sums, noted))
        })
        .collect();
    let mut merged: Option<(Vec<f64>, usize)> = None;
    for part in parts {
        let (sums, noted) = part?;
        match &mut merged {
            None => merged = Some((sums, noted)),
            Some((m, k)) => {
                for (a, b) in m.iter_mut().zip(&sums) {
                    *a += b;
                }
                *k += noted;
            }
        }
    }
    merged.map(|(sums, noted)| (sums, table, noted))
}

/// Level `l`'s packed [X̃ ỹ]'[X̃ ỹ] and row count from one cluster's shared
/// sums `t`, appended to `out`; `shifts`: s_z and s_y.
fn assemble(
    t: &[f64],
    lay: Layout,
    l: usize,
    srcs: &[Src],
    shifts: (f64, f64),
    out: &mut Vec<f64>,
) {
    let ps = lay.ps;
    let b = lay.level(l);
    let (pz, py) = (&t[b..b + ps], &t[b + ps..b + 2 * ps]);
    let (nz, ny, nzy) = (t[b + 2 * ps], t[b + 2 * ps + 1], t[b + 2 * ps + 2]);
    let (sz, sy) = shifts;
    let shared = |a: usize, c: usize| t[if a >= c { tri(a, c) } else { tri(c, a) }];
    let x00 = shared(0, 0);
    let value = |u: Src, v: Src| match (u, v) {
        (Src::Shared(a), Src::Shared(c)) => shared(a, c),
        (Src::Z, Src::Shared(a)) | (Src::Shared(a), Src::Z) => pz[a] - sz * shared(a, 0),
        (Src::Y, Src::Shared(a)) | (Src::Shared(a), Src::Y) => py[a] - sy * shared(a, 0),
        (Src::Z, Src::Z) => nz - 2.0 * sz * pz[0] + sz * sz * x00,
        (Src::Y, Src::Y) => ny - 2.0 * sy * py[0] + sy * sy * x00,
        (Src::Y, Src::Z) | (Src::Z, Src::Y) => nzy - sz * py[0] - sy * pz[0] + sy * sz * x00,
    };
    for (a, &u) in srcs.iter().enumerate() {
        for &v in &srcs[..=a] {
            out.push(value(u, v));
        }
    }
    out.push(t[lay.tri()]);
}
