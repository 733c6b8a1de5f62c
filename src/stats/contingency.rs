//! Contingency tables: Pearson χ², Fisher's exact test (2×2) and the
//! Stuart–Maxwell test of marginal homogeneity.

use super::dist::{chi2_sf, ln_dhyper};

/// A Pearson χ² test on an r×c table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    /// The smallest expected count.
    pub min_expected: f64,
    /// Cramér's V = √(χ² / (N (min(r, c) − 1))).
    pub cramers_v: f64,
}

/// Pearson χ² without continuity correction (R's
/// `chisq.test(table, correct = FALSE)`), df (r − 1)(c − 1). All-zero
/// columns are dropped first; None (untestable) when fewer than 2 rows or
/// non-empty columns remain, a row is empty, or a count is negative/not finite.
pub fn chi_square(table: &[Vec<f64>]) -> Option<ChiSquare> {
    let ncol = table.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |i: usize, j: usize| table[i].get(j).copied().unwrap_or(0.0);
    if table.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
        return None;
    }
    let cols: Vec<usize> = (0..ncol)
        .filter(|&j| (0..table.len()).any(|i| cell(i, j) > 0.0))
        .collect();
    let (r, c) = (table.len(), cols.len());
    if r < 2 || c < 2 {
        return None;
    }
    let row_sums: Vec<f64> = (0..r)
        .map(|i| cols.iter().map(|&j| cell(i, j)).sum())
        .collect();
    let col_sums: Vec<f64> = cols
        .iter()
        .map(|&j| (0..r).map(|i| cell(i, j)).sum())
        .collect();
    if row_sums.contains(&0.0) {
        return None;
    }
    let n: f64 = row_sums.iter().sum();
    let mut statistic = 0.0;
    let mut min_expected = f64::INFINITY;
    for (i, rs) in row_sums.iter().enumerate() {
        for (k, &j) in cols.iter().enumerate() {
            let e = rs * col_sums[k] / n;
            min_expected = min_expected.min(e);
            statistic += (cell(i, j) - e).powi(2) / e;
        }
    }
    let df = ((r - 1) * (c - 1)) as f64;
    let cramers_v = (statistic / (n * (r.min(c) - 1) as f64)).sqrt();
    let result = ChiSquare {
        statistic,
        df,
        p_value: chi2_sf(statistic, df),
        min_expected,
        cramers_v,
    };
    [statistic, result.p_value, min_expected, cramers_v]
        .iter()
        .all(|v| v.is_finite())
        .then_some(result)
}

/// Two-sided p-value of Fisher's exact test on the 2×2 table [[a, b], [c, d]],
/// as R's `fisher.test`: the sum of the hypergeometric probabilities that are
/// ≤ the observed one × (1 + 1e-7). Works in log space; O(min margin).
pub fn fisher_exact_2x2(a: usize, b: usize, c: usize, d: usize) -> f64 {
    let (a, b, c, d) = (a as u64, b as u64, c as u64, d as u64);
    // First column total m, second n, first row total k; x = a.
    let (m, n, k) = (a + c, b + d, a + b);
    let lo = k.saturating_sub(n);
    let hi = k.min(m);
    if lo >= hi {
        return 1.0;
    }
    let logs: Vec<f64> = (lo..=hi).map(|x| ln_dhyper(x, m, n, k)).collect();
    let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let dens: Vec<f64> = logs.iter().map(|l| (l - max).exp()).collect();
    let total: f64 = dens.iter().sum();
    let observed = dens[(a - lo) as usize] * (1.0 + 1e-7);
    let p: f64 = dens.iter().filter(|&&v| v <= observed).sum::<f64>() / total;
    if p.is_finite() { p.min(1.0) } else { 1.0 }
}

/// Stuart–Maxwell test of marginal homogeneity on a k×k matched table (rows
/// pre, columns post): d = row − column margins, V_ii = n_i· + n_·i − 2n_ii,
/// V_ij = −(n_ij + n_ji), statistic d'V⁻¹d on k − 1 levels, df k − 1
/// (Stuart 1955; Maxwell 1970; equals `coin::mh_test`). Levels empty in
/// both margins are dropped. Returns (statistic, df, p); None when k < 2,
/// the table is not square or V is singular.
pub fn stuart_maxwell(table: &[Vec<f64>]) -> Option<(f64, f64, f64)> {
    let k0 = table.len();
    if table.iter().any(|r| r.len() != k0) || table.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let row = |i: usize| table[i].iter().sum::<f64>();
    let col = |j: usize| table.iter().map(|r| r[j]).sum::<f64>();
    let keep: Vec<usize> = (0..k0).filter(|&i| row(i) + col(i) > 0.0).collect();
    let k = keep.len();
    if k < 2 {
        return None;
    }
    let m = k - 1;
    let d: Vec<f64> = keep[..m].iter().map(|&i| row(i) - col(i)).collect();
    let mut v = vec![vec![0.0; m]; m];
    for (x, &i) in keep[..m].iter().enumerate() {
        for (y, &j) in keep[..m].iter().enumerate() {
            v[x][y] = if i == j {
                row(i) + col(i) - 2.0 * table[i][i]
            } else {
                -(table[i][j] + table[j][i])
            };
        }
    }
    let sol = solve_spd(v, &d)?;
    let statistic: f64 = d.iter().zip(&sol).map(|(a, b)| a * b).sum();
    let df = m as f64;
    let p = chi2_sf(statistic.max(0.0), df);
    (statistic.is_finite() && p.is_finite()).then_some((statistic.max(0.0), df, p))
}

/// Solves A x = b for a symmetric positive semi-definite A by Cholesky;
/// None when A is singular (a pivot ≤ 1e-10 × its diagonal entry).
fn solve_spd(mut a: Vec<Vec<f64>>, b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    for j in 0..n {
        let diag = a[j][j];
        let s = diag - (0..j).map(|k| a[j][k] * a[j][k]).sum::<f64>();
        if diag.is_nan() || diag <= 0.0 || s.is_nan() || s <= 1e-10 * diag {
            return None;
        }
        let l = s.sqrt();
        a[j][j] = l;
        for i in j + 1..n {
            let t = a[i][j] - (0..j).map(|k| a[i][k] * a[j][k]).sum::<f64>();
            a[i][j] = t / l;
        }
    }
    // Forward then backward substitution with L and Lᵀ.
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| a[i][k] * y[k]).sum::<f64>()) / a[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| a[k][i] * x[k]).sum::<f64>()) / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untestable_tables() {
        assert!(chi_square(&[]).is_none());
        assert!(chi_square(&[vec![1.0, 2.0]]).is_none());
        assert!(chi_square(&[vec![3.0, 0.0], vec![4.0, 0.0]]).is_none());
        assert!(chi_square(&[vec![0.0, 0.0], vec![4.0, 1.0]]).is_none());
        // A zero column is dropped, leaving a 2×2 table.
        let c = chi_square(&[vec![3.0, 0.0, 2.0], vec![1.0, 0.0, 5.0]]);
        assert_eq!(c.map(|c| c.df), Some(1.0));
        assert!(stuart_maxwell(&[vec![5.0]]).is_none());
        assert!(stuart_maxwell(&[vec![5.0, 0.0], vec![0.0, 5.0]]).is_none());
        assert_eq!(fisher_exact_2x2(0, 0, 0, 0), 1.0);
        assert_eq!(fisher_exact_2x2(3, 4, 0, 0), 1.0);
    }

    #[test]
    fn fisher_is_fast_for_large_counts() {
        let p = fisher_exact_2x2(3000, 2000, 2500, 2600);
        assert!(p > 0.0 && p < 1e-10);
    }
}
