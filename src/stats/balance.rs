//! Standardised mean differences for baseline balance (contract §7).

/// (mean₁ − mean₀)/√((sd₁² + sd₀²)/2); None when undefined (zero spread in both arms).
pub fn smd_continuous(
    mean1: Option<f64>,
    sd1: Option<f64>,
    mean0: Option<f64>,
    sd0: Option<f64>,
) -> Option<f64> {
    let (m1, s1, m0, s0) = (mean1?, sd1?, mean0?, sd0?);
    let pooled = ((s1 * s1 + s0 * s0) / 2.0).sqrt();
    super::finite((m1 - m0) / pooled).filter(|_| pooled > 0.0)
}

/// (p₁ − p₀)/√((p₁(1−p₁) + p₀(1−p₀))/2); None when undefined.
pub fn smd_binary(p1: Option<f64>, p0: Option<f64>) -> Option<f64> {
    let (p1, p0) = (p1?, p0?);
    let pooled = ((p1 * (1.0 - p1) + p0 * (1.0 - p0)) / 2.0).sqrt();
    super::finite((p1 - p0) / pooled).filter(|_| pooled > 0.0)
}

/// Yang & Dalton's (2012) multivariate SMD of a categorical variable from each
/// arm's level counts: √(T′ S⁻¹ T), T the differences in the proportions of every
/// level but the first, S the mean of the two arms' multinomial covariance matrices.
/// Levels empty in both arms are dropped; None when undefined.
pub fn smd_categorical(counts1: &[usize], counts0: &[usize]) -> Option<f64> {
    let kept: Vec<usize> = (0..counts1.len().min(counts0.len()))
        .filter(|&j| counts1[j] + counts0[j] > 0)
        .collect();
    let n1: usize = kept.iter().map(|&j| counts1[j]).sum();
    let n0: usize = kept.iter().map(|&j| counts0[j]).sum();
    if kept.len() < 2 || n1 == 0 || n0 == 0 {
        return None;
    }
    let p = |c: &[usize], n: usize| -> Vec<f64> {
        kept.iter()
            .skip(1)
            .map(|&j| c[j] as f64 / n as f64)
            .collect()
    };
    let (p1, p0) = (p(counts1, n1), p(counts0, n0));
    let k = p1.len();
    let t: Vec<f64> = p1.iter().zip(&p0).map(|(a, b)| a - b).collect();
    let mut s = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            let cov = |p: &[f64]| {
                if i == j {
                    p[i] * (1.0 - p[i])
                } else {
                    -p[i] * p[j]
                }
            };
            s[i][j] = (cov(&p1) + cov(&p0)) / 2.0;
        }
    }
    let x = solve(s, t.clone())?;
    let q: f64 = t.iter().zip(&x).map(|(a, b)| a * b).sum();
    super::finite(q.max(0.0).sqrt())
}

/// Solve `a x = b` by Gaussian elimination with partial pivoting (a small k × k
/// system); None when singular.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let k = b.len();
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    for col in 0..k {
        let piv = (col..k).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..k {
            let f = a[r][col] / a[col][col];
            for c in col..k {
                a[r][c] -= f * a[col][c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for r in (0..k).rev() {
        let s: f64 = (r + 1..k).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_levels_equal_the_binary_smd_in_size() {
        let cat = smd_categorical(&[90, 100], &[110, 115]).unwrap();
        let bin = smd_binary(Some(100.0 / 190.0), Some(115.0 / 225.0)).unwrap();
        assert!((cat - bin.abs()).abs() < 1e-12);
        // p2_centros (R tableone::ExtractSmd): sexo 0.0304342004900937.
        assert!((cat - 0.0304342004900937).abs() < 1e-12);
    }

    #[test]
    fn undefined_smds_are_none() {
        assert_eq!(
            smd_continuous(Some(1.0), Some(0.0), Some(2.0), Some(0.0)),
            None
        );
        assert_eq!(smd_binary(Some(1.0), Some(1.0)), None);
        assert_eq!(smd_categorical(&[5, 0], &[7, 0]), None);
    }
}
