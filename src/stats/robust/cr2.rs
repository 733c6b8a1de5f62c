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

    /// Adds one cluster given the eigenpairs (λ_i, v_i) of B_j (v_i in
    /// `vecs[i*k..]`) and Z_j'r_j (`zr`).
    fn add_cluster(
        &mut self,
        lambdas: &[f64],
        vecs: &[f64],
        zr: &[f64],
        g: &[f64],
        s: &mut Scratch,
    ) {
        // The same sums with the sizes known to the compiler for the small
        // models (every trend, cell and most `did` models): a cluster's
        // algebra then costs a fraction of the general loops'.
        match self.k {
            1 => self.add_fixed::<1>(lambdas, vecs, zr, g),
            2 => self.add_fixed::<2>(lambdas, vecs, zr, g),
            3 => self.add_fixed::<3>(lambdas, vecs, zr, g),
            4 => self.add_fixed::<4>(lambdas, vecs, zr, g),
            5 => self.add_fixed::<5>(lambdas, vecs, zr, g),
            _ => self.add_general(lambdas, vecs, zr, g, s),
        }
    }

    /// [`Acc::add_cluster`] for k = K (indices kept as in the formulas).
    #[inline]
    #[allow(clippy::needless_range_loop)]
    fn add_fixed<const K: usize>(&mut self, lambdas: &[f64], vecs: &[f64], zr: &[f64], g: &[f64]) {
        let mut e = [0.0; K];
        let mut phis = [0.0; K];
        let mut lams = [0.0; K];
        let mut v = [[0.0; K]; K];
        let mut y = [[0.0; K]; K];
        let nl = lambdas.len().min(K);
        for i in 0..nl {
            v[i].copy_from_slice(&vecs[i * K..(i + 1) * K]);
            let lam = lambdas[i].max(0.0);
            lams[i] = lam;
            let phi = if 1.0 - lam > EIGEN_TOL {
                1.0 / (1.0 - lam).sqrt()
            } else {
                0.0
            };
            phis[i] = phi;
            let vz: f64 = (0..K).map(|m| v[i][m] * zr[m]).sum();
            for a in 0..K {
                e[a] += v[i][a] * phi * vz;
            }
            for c in 0..K {
                y[i][c] = (0..K).map(|m| v[i][m] * g[m * K + c]).sum();
            }
        }
        for a in 0..K {
            for b in 0..K {
                self.meat[a * K + b] += e[a] * e[b];
            }
        }
        for c in 0..K {
            let (mut pjj, mut qjj) = (0.0, 0.0);
            let mut om = [0.0; K];
            for i in 0..nl {
                if phis[i] > 0.0 {
                    let yc = y[i][c];
                    pjj += lams[i] * yc * yc;
                    let w = lams[i] * phis[i] * yc;
                    qjj += w * w;
                    for a in 0..K {
                        om[a] += v[i][a] * w;
                    }
                }
            }
            self.e[c] += pjj;
            self.d[c] += pjj * pjj - qjj * qjj;
            let o = &mut self.omega[c * K * K..(c + 1) * K * K];
            for a in 0..K {
                for b in 0..K {
                    o[a * K + b] += om[a] * om[b];
                }
            }
        }
    }

    /// [`Acc::add_cluster`] for any k.
    fn add_general(
        &mut self,
        lambdas: &[f64],
        vecs: &[f64],
        zr: &[f64],
        g: &[f64],
        s: &mut Scratch,
    ) {
        let k = self.k;
        let Scratch { e, y, om, phis } = s;
        e.iter_mut().for_each(|v| *v = 0.0);
        for (i, &lam) in lambdas.iter().enumerate() {
            let v = &vecs[i * k..(i + 1) * k];
            let lam = lam.max(0.0);
            let phi = if 1.0 - lam > EIGEN_TOL {
                1.0 / (1.0 - lam).sqrt()
            } else {
                0.0
            };
            phis[i] = phi;
            // e_j += v φ (v'Z'r)
            let vz: f64 = v.iter().zip(zr).map(|(a, b)| a * b).sum();
            for (ei, vi) in e.iter_mut().zip(v) {
                *ei += vi * phi * vz;
            }
            // y_i = v'G (the coordinates of every g_c on v)
            for c in 0..k {
                y[i * k + c] = (0..k).map(|m| v[m] * g[m * k + c]).sum();
            }
        }
        for a in 0..k {
            for b in 0..k {
                self.meat[a * k + b] += e[a] * e[b];
            }
        }
        for c in 0..k {
            let (mut pjj, mut qjj) = (0.0, 0.0);
            om.iter_mut().for_each(|v| *v = 0.0);
            for (i, &lam) in lambdas.iter().enumerate() {
                let lam = lam.max(0.0);
                let yc = y[i * k + c];
                let phi = phis[i];
                if phi > 0.0 {
                    // u'u − ω'ω = Σ λφ²(1 − λ) y² = Σ λ y²
                    pjj += lam * yc * yc;
                    let w = lam * phi * yc;
                    qjj += w * w;
                    let v = &vecs[i * k..(i + 1) * k];
                    for (o, vi) in om.iter_mut().zip(v) {
                        *o += vi * w;
                    }
                }
            }
            self.e[c] += pjj;
            self.d[c] += pjj * pjj - qjj * qjj;
            let o = &mut self.omega[c * k * k..(c + 1) * k * k];
            for a in 0..k {
                for b in 0..k {
                    o[a * k + b] += om[a] * om[b];
                }
            }
        }
    }
}

/// Scratch space of [`Acc::add_cluster`].
struct Scratch {
    e: Vec<f64>,
    /// Per eigenvalue, (1 − λ)^{-1/2} (0 at leverage one).
    phis: Vec<f64>,
    y: Vec<f64>,
    om: Vec<f64>,
}

/// Scratch space of one thread.
pub(super) struct Work {
    pub(super) b: Vec<f64>,
    pub(super) zr: Vec<f64>,
    vecs: Vec<f64>,
    s: Scratch,
}

impl Work {
    pub(super) fn new(k: usize) -> Self {
        Work {
            b: vec![0.0; k * k],
            zr: vec![0.0; k],
            vecs: vec![0.0; k * k],
            s: Scratch {
                e: vec![0.0; k],
                phis: vec![0.0; k],
                y: vec![0.0; k * k],
                om: vec![0.0; k],
            },
        }
    }

    /// Adds one cluster to `acc` from `b` (B_j, lower triangle row-major in
    /// `b[a * k + c]`, c ≤ a), `zr` (Z_j'r_j) and its row count: B_j's
    /// eigenpairs, in closed form for one row. `g`: the contrasts (column c =
    /// g_c, k × k row-major).
    pub(super) fn add_cluster(&mut self, rows: f64, g: &[f64], acc: &mut Acc) -> Option<()> {
        let k = acc.k;
        if rows == 1.0 {
            // B = z z': λ = z'z = trace B, v = z/√λ from the column of B with
            // the largest diagonal (its norm is |z_col|·√λ).
            let lam: f64 = (0..k).map(|a| self.b[a * k + a]).sum();
            if lam > 0.0 {
                let col = (0..k)
                    .max_by(|&a, &b| self.b[a * k + a].total_cmp(&self.b[b * k + b]))
                    .unwrap_or(0);
                let zc = self.b[col * k + col].sqrt();
                for a in 0..k {
                    let bac = if a >= col {
                        self.b[a * k + col]
                    } else {
                        self.b[col * k + a]
                    };
                    self.vecs[a] = bac / (zc * lam.sqrt());
                }
                acc.add_cluster(&[lam], &self.vecs[..k], &self.zr, g, &mut self.s);
            }
            return Some(());
        }
        if k == 2 {
            let lambdas = eigen_2x2(self.b[0], self.b[2], self.b[3], &mut self.vecs);
            acc.add_cluster(&lambdas, &self.vecs, &self.zr, g, &mut self.s);
            return Some(());
        }
        let b = &self.b;
        let m = DMatrix::from_fn(
            k,
            k,
            |i, j| if i >= j { b[i * k + j] } else { b[j * k + i] },
        );
        let eig = SymmetricEigen::try_new(m, f64::EPSILON, 10_000)?;
        for i in 0..k {
            for a in 0..k {
                self.vecs[i * k + a] = eig.eigenvectors[(a, i)];
            }
        }
        acc.add_cluster(
            eig.eigenvalues.as_slice(),
            &self.vecs,
            &self.zr,
            g,
            &mut self.s,
        );
        Some(())
    }
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
                let (mut a, mut b) = (Acc::new(k), Acc::new(k));
                let mut s = Work::new(k).s;
                a.add_cluster(&lambdas, &vecs, &zr, &g, &mut s);
                b.add_general(&lambdas, &vecs, &zr, &g, &mut s);
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
