//! The difference of a coefficient between two fits whose clusters are
//! disjoint: the arm × time coefficient of y ~ 1 + arm + time + arm·time, from
//! the two arms' fits of y ~ 1 + time, when every cluster lies in one arm.
//!
//! Why it is the same test (docs/statistics-robust.md): in the basis
//! [(1 − a), (1 − a)·t, a, a·t] of the same column space, X'X and the hat
//! matrix are block diagonal by arm, so each cluster's CR2 adjustment
//! (I − H_jj)^{-1/2}, residuals and clubSandwich P vector are those of its own
//! arm's fit, and P_jh = 0 for clusters of different arms. Hence the variance
//! of the difference is V_a + V_b, and the Satterthwaite df is
//! (trace_a + trace_b)² / (squares_a + squares_b) ([`DfSums`]). CR2 and the
//! df do not depend on the basis of X's column space.

use super::sums::EXACT_TOL;
use super::{Cr2Fit, DfSums};
use crate::stats::finite;

/// `b`'s coefficient `coef` minus `a`'s, as a one-coefficient fit, for fits
/// on disjoint sets of clusters with the same design columns. None when either
/// side lacks the coefficient, its standard error or its df (aliased, one
/// cluster, an undefined df): the caller then fits the joint model, which
/// decides those cases itself.
pub fn difference(a: &Cr2Fit, b: &Cr2Fit, coef: usize) -> Option<Cr2Fit> {
    let side = |f: &Cr2Fit| -> Option<(f64, f64, DfSums)> {
        let estimate = f.coef.get(coef).copied().flatten()?;
        let se = f.se.get(coef).copied().flatten()?;
        f.df.get(coef).copied().flatten()?;
        let sums = f.df_sums.get(coef).copied().flatten()?;
        Some((estimate, se, sums))
    };
    let (ea, sa, da) = side(a)?;
    let (eb, sb, db) = side(b)?;
    let sums = DfSums {
        trace: da.trace + db.trace,
        squares: da.squares + db.squares,
    };
    let rss = a.rss + b.rss;
    let y_norm = a.y_norm.hypot(b.y_norm);
    Some(Cr2Fit {
        n: a.n + b.n,
        p: 1,
        clusters: a.clusters + b.clusters,
        coef: vec![finite(eb - ea)],
        aliased: vec![false],
        se: vec![finite(sa.hypot(sb))],
        df: vec![finite(sums.trace * sums.trace / sums.squares).filter(|d| *d > 0.0)],
        df_sums: vec![Some(sums)],
        rss,
        y_norm,
        exact_fit: rss.sqrt() <= EXACT_TOL * y_norm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::robust::cr2;

    /// Two arms, clusters nested in arms, unequal cluster sizes and times: the
    /// difference of the arms' slopes equals the interaction of the joint model.
    #[test]
    fn difference_of_nested_fits_is_the_interaction() {
        let mut rows: Vec<(u32, f64, f64, f64)> = Vec::new(); // cluster, arm, t, y
        let mut s = 7u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as f64 / (1u64 << 31) as f64
        };
        for j in 0..23u32 {
            let arm = f64::from(u8::from(j % 3 == 0));
            for w in 0..(1 + j % 5) {
                let t = f64::from(w) * 1.5 + f64::from(j % 2);
                let y = 3.0 + 0.4 * t + arm * (1.0 + 0.3 * t) + next() * 2.0 + f64::from(j % 4);
                rows.push((j, arm, t, y));
            }
        }
        let fit_arm = |a: f64| {
            let r: Vec<_> = rows.iter().filter(|r| r.1 == a).collect();
            let x: Vec<f64> = r.iter().flat_map(|r| [1.0, r.2]).collect();
            let y: Vec<f64> = r.iter().map(|r| r.3).collect();
            let cl: Vec<u32> = r.iter().map(|r| r.0).collect();
            cr2(&x, 2, &y, &cl).expect("arm fit")
        };
        let x: Vec<f64> = rows
            .iter()
            .flat_map(|r| [1.0, r.1, r.2, r.1 * r.2])
            .collect();
        let y: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let cl: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let joint = cr2(&x, 4, &y, &cl).expect("joint fit");
        let d = difference(&fit_arm(0.0), &fit_arm(1.0), 1).expect("difference");
        let (a, b) = (joint.test(3, 0.95), d.test(0, 0.95));
        for (what, u, v) in [
            ("estimate", a.estimate, b.estimate),
            ("se", a.se, b.se),
            ("df", a.df, b.df),
            ("p", a.p_value, b.p_value),
            ("low", a.conf_low, b.conf_low),
        ] {
            let (u, v) = (u.expect(what), v.expect(what));
            assert!(
                (u - v).abs() <= 1e-10 * u.abs().max(1.0),
                "{what}: {u} vs {v}"
            );
        }
        assert_eq!(d.clusters, joint.clusters);
        assert_eq!(d.n, joint.n);
    }

    /// One arm with one cluster: not derivable (the joint model decides).
    #[test]
    fn one_cluster_arm_is_left_to_the_joint_model() {
        let a = cr2(
            &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0],
            2,
            &[1.0, 2.5, 2.9],
            &[0u32, 0, 0],
        )
        .expect("fit");
        let b = cr2(
            &[1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0],
            2,
            &[1.0, 2.0, 1.5, 2.2],
            &[1u32, 1, 2, 2],
        )
        .expect("fit");
        assert!(difference(&a, &b, 1).is_none());
    }
}
