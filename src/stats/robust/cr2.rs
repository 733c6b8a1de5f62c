//! The CR2 variance and Satterthwaite degrees of freedom from per-cluster
//! p × p quantities, whichever pass produced them: for cluster j, B_j = Z_j'Z_j
//! (Z_j = X_j R⁻¹ in the rotated coordinates where X'X = I, so H_jj = Z_j Z_j')
//! and Z_j'r_j. Nothing n_j × n_j is formed.

use nalgebra::{DMatrix, SymmetricEigen};

use super::EIGEN_TOL;
use crate::stats::finite;

/// Sums over clusters, in the rotated coordinates θ = Rβ (where M = I).
/// With k kept coefficients and, for coefficient c, g_c = R⁻ᵀt_c (t_c the contrast of coefficient c in
/// the fitted coordinates; e_c unless the columns were shifted):
/// - `meat` = Σ_j e_j e_j', e_j = Φ_j Z_j'r_j (so V = R⁻¹ meat R⁻ᵀ);
/// - `e[c]` = Σ_j P_jj, the trace of clubSandwich's P array;
/// - `d[c]` = Σ_j (P_jj² − q_jj²) and `omega[c]` = Σ_j ω_j ω_j', with
///   ω_j = B_jΦ_j g_c and q_jh = ω_j'ω_h = p_j'p_h for j ≠ h (up to sign), so
///   Σ_jh P_jh² = d[c] + ‖omega[c]‖²_F.
pub(super) struct Acc {
    k: usize,
    meat: Vec<f64>,
    e: Vec<f64>,
    d: Vec<f64>,
    omega: Vec<f64>,
}

impl Acc {
    pub(super) fn new(k: usize) -> Self {
        Acc {
            k,
            meat: vec![0.0; k * k],
            e: vec![0.0; k],
            d: vec![0.0; k],
            omega: vec![0.0; k * k * k],
        }
    }

    pub(super) fn add(&mut self, o: &Acc) {
        let pairs = [
            (&mut self.meat, &o.meat),
            (&mut self.e, &o.e),
            (&mut self.d, &o.d),
            (&mut self.omega, &o.omega),
        ];
        for (a, b) in pairs {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Adds one cluster: its shape (from B_j) and Z_j'r_j (`zr`): the meat's
    /// term e_j e_j', e_j = Σ_i v_i φ_i (v_i'Z_j'r_j), and the df sums'
    /// terms. The sizes are known to the compiler for the small models (every
    /// trend, cell and most `did` models).
    pub(super) fn add_cluster(&mut self, shape: &Shape, zr: &[f64]) {
        match self.k {
            1 => self.add_fixed::<1>(shape, zr),
            2 => self.add_fixed::<2>(shape, zr),
            3 => self.add_fixed::<3>(shape, zr),
            4 => self.add_fixed::<4>(shape, zr),
            5 => self.add_fixed::<5>(shape, zr),
            _ => self.add_general(shape, zr),
        }
    }

    /// [`Acc::add_cluster`] for k = K (the same sums in the same order).
    #[inline]
    #[allow(clippy::needless_range_loop)]
    pub(super) fn add_fixed<const K: usize>(&mut self, s: &Shape, zr: &[f64]) {
        let (Ok(zr), Some(vecs)) = (<&[f64; K]>::try_from(zr), s.vecs.get(..s.nl * K)) else {
            return self.add_general(s, zr);
        };
        let mut e = [0.0; K];
        for (v, &phi) in vecs.chunks_exact(K).zip(&s.phis) {
            let vz: f64 = (0..K).map(|m| v[m] * zr[m]).sum();
            for a in 0..K {
                e[a] += v[a] * phi * vz;
            }
        }
        let (Some(meat), Some(te), Some(td), Some(om)) = (
            self.meat.get_mut(..K * K),
            self.e.get_mut(..K),
            self.d.get_mut(..K),
            self.omega.get_mut(..K * K * K),
        ) else {
            return;
        };
        for a in 0..K {
            for b in 0..K {
                meat[a * K + b] += e[a] * e[b];
            }
        }
        let (Some(pjj), Some(dd), Some(oo)) =
            (s.pjj.get(..K), s.dd.get(..K), s.oo.get(..K * K * K))
        else {
            return;
        };
        for c in 0..K {
            te[c] += pjj[c];
            td[c] += dd[c];
        }
        for (x, y) in om.iter_mut().zip(oo) {
            *x += y;
        }
    }

    /// Adds `count` clusters of one shape at once (`schedule.rs`): their
    /// meat terms Σ_j e_j e_j' = Φ (Σ_j Z_j'r_j r_j'Z_j) Φ from `zz` (k × k),
    /// Φ = Σ_i φ_i v_i v_i' (so e_j = Φ Z_j'r_j, as [`Acc::add_cluster`]
    /// has it), and `count` times the shape's terms of the df sums.
    pub(super) fn add_shape(&mut self, s: &Shape, count: f64, zz: &[f64]) {
        let k = self.k;
        let mut phi = vec![0.0; k * k];
        for (v, &f) in s.vecs[..s.nl * k].chunks_exact(k).zip(&s.phis) {
            for a in 0..k {
                for b in 0..k {
                    phi[a * k + b] += f * v[a] * v[b];
                }
            }
        }
        let mut pz = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                pz[a * k + b] = (0..k).map(|m| phi[a * k + m] * zz[m * k + b]).sum();
            }
        }
        for a in 0..k {
            for b in 0..k {
                self.meat[a * k + b] += (0..k).map(|m| pz[a * k + m] * phi[b * k + m]).sum::<f64>();
            }
        }
        for c in 0..k {
            self.e[c] += count * s.pjj[c];
            self.d[c] += count * s.dd[c];
        }
        for (x, y) in self.omega.iter_mut().zip(&s.oo) {
            *x += count * y;
        }
    }

    /// [`Acc::add_cluster`] for any k.
    fn add_general(&mut self, s: &Shape, zr: &[f64]) {
        let k = self.k;
        let mut e = vec![0.0; k];
        for (v, &phi) in s.vecs[..s.nl * k].chunks_exact(k).zip(&s.phis) {
            let vz: f64 = v.iter().zip(zr).map(|(a, b)| a * b).sum();
            for (ea, va) in e.iter_mut().zip(v) {
                *ea += va * phi * vz;
            }
        }
        for (row, ea) in self.meat.chunks_exact_mut(k).zip(&e) {
            for (m, eb) in row.iter_mut().zip(&e) {
                *m += ea * eb;
            }
        }
        for (x, y) in self.e.iter_mut().zip(&s.pjj) {
            *x += y;
        }
        for (x, y) in self.d.iter_mut().zip(&s.dd) {
            *x += y;
        }
        for (x, y) in self.omega.iter_mut().zip(&s.oo) {
            *x += y;
        }
    }
}

/// What a cluster adds that depends on B_j alone (its design rows, not its
/// residuals): B_j's eigenvectors v_i with φ_i = (1 − λ_i)^{-1/2} (0 at
/// leverage one), which turn Z_j'r_j into e_j, and its terms of the df sums
/// (P_jj, P_jj² − q_jj², ω_jω_j' per coefficient). Clusters with the same
/// X̃_j'X̃_j share it ([`Work::shape`]).
pub(super) struct Shape {
    nl: usize,
    vecs: Vec<f64>,
    phis: Vec<f64>,
    pjj: Vec<f64>,
    dd: Vec<f64>,
    oo: Vec<f64>,
}

impl Shape {
    fn new(k: usize) -> Self {
        Shape {
            nl: 0,
            vecs: vec![0.0; k * k],
            phis: vec![0.0; k],
            pjj: vec![0.0; k],
            dd: vec![0.0; k],
            oo: vec![0.0; k * k * k],
        }
    }

    /// The shape of B_j from its eigenpairs (λ_i, v_i) (v_i in `vecs[i*k..]`),
    /// `g` the contrasts (column c = g_c, k × k row-major).
    fn set(&mut self, k: usize, lambdas: &[f64], vecs: &[f64], g: &[f64]) {
        let nl = lambdas.len().min(k);
        self.nl = nl;
        self.vecs[..nl * k].copy_from_slice(&vecs[..nl * k]);
        for (phi, &lam) in self.phis.iter_mut().zip(lambdas) {
            let lam = lam.max(0.0);
            *phi = if 1.0 - lam > EIGEN_TOL {
                1.0 / (1.0 - lam).sqrt()
            } else {
                0.0
            };
        }
        let mut om = vec![0.0; k];
        for c in 0..k {
            let (mut pjj, mut qjj) = (0.0, 0.0);
            om.iter_mut().for_each(|v| *v = 0.0);
            for i in 0..nl {
                let phi = self.phis[i];
                if phi > 0.0 {
                    let lam = lambdas[i].max(0.0);
                    let v = &vecs[i * k..(i + 1) * k];
                    // y_ic = v_i'g_c; u'u − ω'ω = Σ λφ²(1 − λ) y² = Σ λ y²
                    let yc: f64 = (0..k).map(|m| v[m] * g[m * k + c]).sum();
                    pjj += lam * yc * yc;
                    let w = lam * phi * yc;
                    qjj += w * w;
                    for (o, vi) in om.iter_mut().zip(v) {
                        *o += vi * w;
                    }
                }
            }
            self.pjj[c] = pjj;
            self.dd[c] = pjj * pjj - qjj * qjj;
            let o = &mut self.oo[c * k * k..(c + 1) * k * k];
            for (row, oa) in o.chunks_exact_mut(k).zip(&om) {
                for (x, ob) in row.iter_mut().zip(&om) {
                    *x = oa * ob;
                }
            }
        }
    }
}

/// Scratch space of one thread: B_j and Z_j'r_j of the cluster at hand, and
/// the shapes met so far (direct-mapped by X̃_j'X̃_j: a trend's clusters have
/// as many shapes as patterns of visits).
pub(super) struct Work {
    pub(super) b: Vec<f64>,
    vecs: Vec<f64>,
    cache: Vec<Option<(Vec<u64>, Shape)>>,
}

/// Slots of the shape cache.
const SHAPES: usize = 64;

impl Work {
    pub(super) fn new(k: usize) -> Self {
        Work {
            b: vec![0.0; k * k],
            vecs: vec![0.0; k * k],
            cache: (0..SHAPES).map(|_| None).collect(),
        }
    }

    /// Adds one cluster to `acc` from `b` (B_j, lower triangle row-major in
    /// `b[a * k + c]`, c ≤ a), `zr` (Z_j'r_j) and its row count.
    #[cfg(test)]
    pub(super) fn add_cluster(
        &mut self,
        rows: f64,
        zr: &[f64],
        g: &[f64],
        acc: &mut Acc,
    ) -> Option<()> {
        let k = acc.k;
        let mut shape = Shape::new(k);
        shape_of(&self.b, k, rows, g, &mut self.vecs, &mut shape)?;
        acc.add_cluster(&shape, zr);
        Some(())
    }

    /// The shape of a cluster whose B_j follows from `key` alone (the bits of
    /// its row count and X̃_j'X̃_j): `load_b(b)` writes B_j only when no
    /// cluster with the same key was met before in this thread; else the
    /// shape met then is returned (the same numbers, bit for bit).
    pub(super) fn shape(
        &mut self,
        key: &[u64],
        k: usize,
        g: &[f64],
        load_b: impl FnOnce(&mut [f64]),
    ) -> Option<&Shape> {
        let slot = self.slot(key, k, g, load_b)?;
        self.shape_at(slot)
    }

    /// [`Work::shape`]'s place in the cache (valid until the next call).
    pub(super) fn slot(
        &mut self,
        key: &[u64],
        k: usize,
        g: &[f64],
        load_b: impl FnOnce(&mut [f64]),
    ) -> Option<usize> {
        let hash = key.iter().fold(0u64, |h, &v| {
            (h.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95)
        });
        let at = (hash >> 58) as usize % SHAPES;
        let slot = self.cache.get_mut(at)?;
        if !matches!(slot, Some((known, _)) if known.as_slice() == key) {
            load_b(&mut self.b);
            let (mut known, mut shape) = slot.take().unwrap_or_else(|| (Vec::new(), Shape::new(k)));
            let rows = f64::from_bits(*key.first()?);
            shape_of(&self.b, k, rows, g, &mut self.vecs, &mut shape)?;
            known.clear();
            known.extend_from_slice(key);
            *slot = Some((known, shape));
        }
        Some(at)
    }

    /// The shape at a place [`Work::slot`] gave.
    pub(super) fn shape_at(&self, slot: usize) -> Option<&Shape> {
        self.cache.get(slot)?.as_ref().map(|(_, s)| s)
    }
}

/// The shape of B_j (`b`, lower triangle row-major) of a cluster of `rows`
/// rows: its eigenpairs in closed form for one row or k = 2.
fn shape_of(
    b: &[f64],
    k: usize,
    rows: f64,
    g: &[f64],
    vecs: &mut [f64],
    out: &mut Shape,
) -> Option<()> {
    if rows == 1.0 {
        // B = z z': λ = z'z = trace B, v = z/√λ from the column of B with
        // the largest diagonal (its norm is |z_col|·√λ).
        let lam: f64 = (0..k).map(|a| b[a * k + a]).sum();
        if lam > 0.0 {
            let col = (0..k)
                .max_by(|&x, &y| b[x * k + x].total_cmp(&b[y * k + y]))
                .unwrap_or(0);
            let zc = b[col * k + col].sqrt();
            for a in 0..k {
                let bac = if a >= col {
                    b[a * k + col]
                } else {
                    b[col * k + a]
                };
                vecs[a] = bac / (zc * lam.sqrt());
            }
            out.set(k, &[lam], vecs, g);
        } else {
            out.set(k, &[], vecs, g);
        }
        return Some(());
    }
    if k == 2 {
        let lambdas = eigen_2x2(b[0], b[2], b[3], vecs);
        out.set(k, &lambdas, vecs, g);
        return Some(());
    }
    let m = DMatrix::from_fn(
        k,
        k,
        |i, j| if i >= j { b[i * k + j] } else { b[j * k + i] },
    );
    let eig = SymmetricEigen::try_new(m, f64::EPSILON, 10_000)?;
    for i in 0..k {
        for a in 0..k {
            vecs[i * k + a] = eig.eigenvectors[(a, i)];
        }
    }
    out.set(k, eig.eigenvalues.as_slice(), vecs, g);
    Some(())
}

/// The eigenpairs of the symmetric 2 × 2 [[a, c], [c, d]] in closed form:
/// returns the eigenvalues and writes the unit eigenvectors into `vecs` (one
/// per row). Each vector is taken from the row of B − λI with the larger
/// norm, so that it keeps its accuracy when c is small.
fn eigen_2x2(a: f64, c: f64, d: f64, vecs: &mut [f64]) -> [f64; 2] {
    let mean = 0.5 * (a + d);
    let half = 0.5 * (a - d);
    // B's entries are at most 1 (H_jj's), so the plain square root cannot overflow.
    let h = (half * half + c * c).sqrt();
    let (hi, lo) = (mean + h, mean - h);
    // (B − λI) v = 0: v ⟂ (a − λ, c) and v ⟂ (c, d − λ).
    let (r1, r2) = ([a - hi, c], [c, d - hi]);
    let norm = |r: [f64; 2]| (r[0] * r[0] + r[1] * r[1]).sqrt();
    let r = if norm(r1) >= norm(r2) { r1 } else { r2 };
    let n = norm(r);
    let v = if n > 0.0 {
        [-r[1] / n, r[0] / n]
    } else {
        [1.0, 0.0]
    };
    vecs[..4].copy_from_slice(&[v[0], v[1], -v[1], v[0]]);
    [hi, lo]
}

/// Per kept coefficient: the standard error, the degrees of freedom, and the
/// two sums of the degrees of freedom (see [`super::DfSums`]).
pub(super) type SeDf = (
    Vec<Option<f64>>,
    Vec<Option<f64>>,
    Vec<Option<super::DfSums>>,
);

/// Standard errors and degrees of freedom of the kept coefficients (in the
/// order of `kept`) from the sums over clusters: None for one cluster.
pub(super) fn se_df(clusters: usize, g: &[f64], acc: &Acc) -> SeDf {
    let k = acc.k;
    let mut se = vec![None; k];
    let mut df = vec![None; k];
    let mut sums = vec![None; k];
    if clusters < 2 {
        return (se, df, sums);
    }
    for c in 0..k {
        let gc: Vec<f64> = (0..k).map(|a| g[a * k + c]).collect();
        let mut v = 0.0;
        for a in 0..k {
            for b in 0..k {
                v += gc[a] * acc.meat[a * k + b] * gc[b];
            }
        }
        se[c] = finite(v.max(0.0).sqrt());
        let om = &acc.omega[c * k * k..(c + 1) * k * k];
        let denom = acc.d[c] + om.iter().map(|x| x * x).sum::<f64>();
        df[c] = finite(acc.e[c] * acc.e[c] / denom).filter(|d| *d > 0.0);
        sums[c] = Some(super::DfSums {
            trace: acc.e[c],
            squares: denom,
        });
    }
    (se, df, sums)
}

/// L = R⁻ᵀ (lower triangular, row-major k × k) of the upper-triangular R.
pub(super) fn lower_inverse_transpose(r: &[f64], k: usize) -> Vec<f64> {
    // Solve R' L' ... column by column: R⁻¹ by back substitution.
    let mut inv = vec![0.0; k * k]; // R⁻¹, upper triangular
    for c in 0..k {
        for i in (0..=c).rev() {
            let rhs = if i == c { 1.0 } else { 0.0 };
            let s: f64 = (i + 1..=c).map(|m| r[i * k + m] * inv[m * k + c]).sum();
            inv[i * k + c] = (rhs - s) / r[i * k + i];
        }
    }
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            l[i * k + j] = inv[j * k + i];
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-size sums equal the general ones for k = 1..5, with two
    /// eigenpairs or fewer (one-row clusters) and a leverage-one direction.
    #[test]
    fn fixed_sizes_sum_as_the_general_loops() {
        let mut seed = 11u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for k in 1..=5 {
            for nl in [k, 1] {
                let mut lambdas: Vec<f64> = (0..nl).map(|_| next().abs()).collect();
                if nl > 1 {
                    lambdas[0] = 1.0;
                }
                let vecs: Vec<f64> = (0..nl * k).map(|_| next()).collect();
                let zr: Vec<f64> = (0..k).map(|_| next()).collect();
                let g: Vec<f64> = (0..k * k).map(|_| next()).collect();
                let mut shape = Shape::new(k);
                shape.set(k, &lambdas, &vecs, &g);
                let (mut a, mut b) = (Acc::new(k), Acc::new(k));
                a.add_cluster(&shape, &zr);
                b.add_general(&shape, &zr);
                assert!(a.meat.iter().any(|v| *v != 0.0));
                for (x, y) in [
                    (&a.meat, &b.meat),
                    (&a.e, &b.e),
                    (&a.d, &b.d),
                    (&a.omega, &b.omega),
                ] {
                    for (u, v) in x.iter().zip(y.iter()) {
                        assert!(
                            (u - v).abs() <= 1e-15 * v.abs().max(1.0),
                            "k {k}: {u} vs {v}"
                        );
                    }
                }
            }
        }
    }

    /// A cluster whose shape is taken from the cache adds the same numbers,
    /// bit for bit, as one decomposed afresh; a different X̃_j'X̃_j or row
    /// count is not mistaken for it.
    #[test]
    fn cached_shapes_add_the_same_numbers() {
        for k in [2usize, 3, 6] {
            let l: Vec<f64> = (0..k * k)
                .map(|i| {
                    if i % (k + 1) == 0 {
                        0.5
                    } else if i / k > i % k {
                        0.01 * i as f64
                    } else {
                        0.0
                    }
                })
                .collect();
            let g: Vec<f64> = (0..k * k)
                .map(|i| if i % (k + 1) == 0 { 1.0 } else { 0.0 })
                .collect();
            // Three patterns of X̃_j'X̃_j, each met several times with other residuals.
            let patterns: Vec<Vec<f64>> = (0..3)
                .map(|p| {
                    let mut xx = vec![0.0; k * k];
                    for a in 0..k {
                        for m in 0..=a {
                            xx[a * k + m] = if a == m {
                                2.0 + p as f64
                            } else {
                                0.3 * (p + a) as f64
                            };
                        }
                    }
                    xx
                })
                .collect();
            let b_of = |xx: &[f64], b: &mut [f64]| {
                // B = L A L' (A symmetric from its lower triangle).
                let at = |i: usize, j: usize| if i >= j { xx[i * k + j] } else { xx[j * k + i] };
                for i in 0..k {
                    for j in 0..k {
                        b[i * k + j] = (0..k)
                            .flat_map(|m| (0..k).map(move |n| (m, n)))
                            .map(|(m, n)| l[i * k + m] * at(m, n) * l[j * k + n])
                            .sum();
                    }
                }
            };
            let (mut fresh, mut cached) = (Acc::new(k), Acc::new(k));
            let (mut wf, mut wc) = (Work::new(k), Work::new(k));
            for j in 0..12 {
                let (xx, rows) = (&patterns[j % 3], if j % 3 == 2 { 1.0 } else { 3.0 });
                let zr: Vec<f64> = (0..k).map(|a| (j * 7 + a) as f64 * 0.1 - 0.4).collect();
                b_of(xx, &mut wf.b);
                wf.add_cluster(rows, &zr, &g, &mut fresh).expect("fresh");
                let key: Vec<u64> = std::iter::once(rows)
                    .chain(xx.iter().copied())
                    .map(f64::to_bits)
                    .collect();
                let shape = wc.shape(&key, k, &g, |b| b_of(xx, b)).expect("cached");
                cached.add_cluster(shape, &zr);
            }
            for (x, y) in [
                (&fresh.meat, &cached.meat),
                (&fresh.e, &cached.e),
                (&fresh.d, &cached.d),
                (&fresh.omega, &cached.omega),
            ] {
                assert_eq!(x, y, "k {k}");
            }
            assert!(fresh.e.iter().all(|v| *v > 0.0), "k {k}: {:?}", fresh.e);
        }
    }

    /// The closed form agrees with nalgebra's iterative decomposition,
    /// including a diagonal matrix, equal eigenvalues and a tiny off-diagonal.
    #[test]
    fn eigen_2x2_matches_nalgebra() {
        for (a, c, d) in [
            (0.7, 0.2, 0.3),
            (0.5, 0.0, 0.9),
            (0.4, 0.0, 0.4),
            (0.999_999, 1e-12, 0.2),
            (1e-9, 3e-10, 0.8),
            (0.25, -0.25, 0.25),
        ] {
            let mut vecs = [0.0; 4];
            let l = eigen_2x2(a, c, d, &mut vecs);
            let e = SymmetricEigen::new(DMatrix::from_row_slice(2, 2, &[a, c, c, d]));
            let mut want: Vec<f64> = e.eigenvalues.iter().copied().collect();
            want.sort_by(|x, y| y.total_cmp(x));
            for (x, y) in l.iter().zip(&want) {
                assert!((x - y).abs() <= 1e-15, "{a} {c} {d}: {l:?} vs {want:?}");
            }
            for (i, lam) in l.iter().enumerate() {
                let v = &vecs[i * 2..i * 2 + 2];
                // B v = λ v, |v| = 1.
                let bv = [a * v[0] + c * v[1], c * v[0] + d * v[1]];
                assert!((bv[0] - lam * v[0]).abs() <= 1e-15 && (bv[1] - lam * v[1]).abs() <= 1e-15);
                assert!((v[0].hypot(v[1]) - 1.0).abs() <= 1e-15);
            }
        }
    }
}
