//! The noncentral t distribution, as R's `pt(q, df, ncp)` computes it.
//!
//! Algorithm AS 243 (Lenth 1989, Appl. Statist. 38, 185–189): the twin series
//! of Guenther (1978) in incomplete beta functions, with the refinements of R's
//! nmath `pnt.c` so that the values are R's: the left tail by reflection
//! (P(T ≤ −t; δ) = 1 − P(T ≤ t; −δ)), the normal approximation of Abramowitz &
//! Stegun 26.7.10 beyond df = 4·10⁵ or |δ| > 37.62 (where e^(−δ²/2) underflows),
//! `expm1` for the series' remaining mass when it is tiny, and the series
//! stopped at an error bound of 10⁻¹² or after 1000 terms.

use super::dist::{beta_reg_both, ln_beta, norm_cdf, norm_sf, t_sf};

/// √(2/π).
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
/// Terms of the series at most, and the bound on its error (R's values).
const ITRMAX: usize = 1000;
const ERRMAX: f64 = 1e-12;

/// P(T ≤ t) for T noncentral t with `df` degrees of freedom (df > 0, may be
/// fractional) and noncentrality `ncp`, as R's `pt(t, df, ncp)`. NaN when df
/// ≤ 0 or an argument is NaN.
pub fn nct_cdf(t: f64, df: f64, ncp: f64) -> f64 {
    nct(t, df, ncp, true)
}

/// P(T > t), as R's `pt(t, df, ncp, lower.tail = FALSE)` (computed as R does,
/// 1 − the lower tail when t ≥ 0 and δ ≥ 0: power near 0 is not tail-accurate,
/// power near 1 is).
pub fn nct_sf(t: f64, df: f64, ncp: f64) -> f64 {
    nct(t, df, ncp, false)
}

fn nct(t: f64, df: f64, ncp: f64, lower: bool) -> f64 {
    if t.is_nan() || df.is_nan() || ncp.is_nan() || df <= 0.0 || ncp.is_infinite() {
        return f64::NAN;
    }
    if ncp == 0.0 {
        let sf = t_sf(t, df);
        return if lower { 1.0 - sf } else { sf };
    }
    if t.is_infinite() {
        return if (t < 0.0) == lower { 0.0 } else { 1.0 };
    }
    let (tt, del, negdel) = if t >= 0.0 {
        (t, ncp, false)
    } else {
        // P(T ≤ t; δ) ≤ P(T ≤ 0; δ) = Φ(−δ): negligible beyond δ = 40.
        if ncp > 40.0 && lower {
            return 0.0;
        }
        (-t, -ncp, true)
    };
    // The lower tail asked for, after the reflection.
    let lower_after = lower != negdel;
    // 2·ln 2·1021: beyond it e^(−δ²/2) is below the smallest normal double.
    if df > 4e5 || del * del > 2.0 * std::f64::consts::LN_2 * 1021.0 {
        let s = 1.0 / (4.0 * df);
        let z = (tt * (1.0 - s) - del) / (1.0 + tt * tt * 2.0 * s).sqrt();
        return if lower_after { norm_cdf(z) } else { norm_sf(z) };
    }
    let mut tnc = 0.0;
    if tt > 0.0 {
        // x = t²/(t² + df) and 1 − x, with their logs, without rounding 1 − x.
        let r = (tt / df) * tt;
        let ln_y = -r.ln_1p();
        let ln_x = r.ln() + ln_y;
        let (x, y) = (r / (1.0 + r), 1.0 / (1.0 + r));
        let lambda = del * del;
        let mut p = 0.5 * (-0.5 * lambda).exp();
        if p == 0.0 {
            // Cannot happen below the bound above; R returns 0 here.
            return if lower_after { 0.0 } else { 1.0 };
        }
        let mut q = SQRT_2_OVER_PI * p * del;
        let mut s = 0.5 - p;
        if s < 1e-7 {
            s = -0.5 * (-0.5 * lambda).exp_m1();
        }
        let mut a = 0.5;
        let b = 0.5 * df;
        let rxb = (b * ln_y).exp();
        let albeta = ln_beta(0.5, b);
        let mut xodd = beta_reg_both(a, b, x, y, ln_x, ln_y).0;
        let mut godd = 2.0 * rxb * (a * ln_x - albeta).exp();
        let bx = b * x;
        let mut xeven = if bx < f64::EPSILON {
            bx
        } else {
            -(b * ln_y).exp_m1()
        };
        let mut geven = bx * rxb;
        tnc = p * xodd + q * xeven;
        for it in 1..=ITRMAX {
            a += 1.0;
            xodd -= godd;
            xeven -= geven;
            godd *= x * (a + b - 1.0) / a;
            geven *= x * (a + b - 0.5) / (a + 0.5);
            let k = it as f64;
            p *= lambda / (2.0 * k);
            q *= lambda / (2.0 * k + 1.0);
            tnc += p * xodd + q * xeven;
            s -= p;
            // Rounding has eaten the rest of the mass (R warns and stops).
            if s < -1e-10 || (s <= 0.0 && it > 1) {
                break;
            }
            let errbd = 2.0 * s * (xodd - godd);
            if errbd.abs() < ERRMAX {
                break;
            }
        }
    }
    tnc += norm_cdf(-del);
    let v = tnc.min(1.0);
    if lower_after { v } else { 1.0 - v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if b == 0.0 {
            a.abs()
        } else {
            ((a - b) / b).abs()
        }
    }

    #[test]
    fn central_and_limits() {
        assert_eq!(nct_cdf(1.0, 5.0, 0.0), 1.0 - t_sf(1.0, 5.0));
        assert_eq!(nct_cdf(f64::INFINITY, 5.0, 1.0), 1.0);
        assert_eq!(nct_sf(f64::NEG_INFINITY, 5.0, 1.0), 1.0);
        assert!(nct_cdf(1.0, 0.0, 1.0).is_nan());
        assert!(nct_cdf(f64::NAN, 3.0, 1.0).is_nan());
        // P(T ≤ 0; δ) = Φ(−δ).
        assert!(rel(nct_cdf(0.0, 7.0, 1.3), norm_cdf(-1.3)) < 1e-15);
        assert!(rel(nct_cdf(0.0, 7.0, -1.3), norm_cdf(1.3)) < 1e-15);
    }

    #[test]
    fn tails_add_to_one() {
        for &(t, df, d) in &[(2.0, 10.0, 1.5), (-1.0, 3.5, 0.7), (5.0, 1.0, 4.0)] {
            assert!((nct_cdf(t, df, d) + nct_sf(t, df, d) - 1.0).abs() < 1e-15);
        }
    }
}
