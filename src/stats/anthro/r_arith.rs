//! R's arithmetic where it is not Rust's: `^`, anthro's `round_up`, and
//! `round(x, 2)`, so that the scores match WHO's R packages to the digit.

/// R's `^`: `x^2` is `x*x`, otherwise C's `pow`.
pub(super) fn r_pow(x: f64, y: f64) -> f64 {
    if x == 1.0 || y == 0.0 {
        1.0
    } else if y == 2.0 {
        x * x
    } else {
        x.powf(y)
    }
}

/// anthro's `round_up`: `floor(x) + (frac >= 0.5)`.
pub(super) fn round_up(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// R's `round(x, 2)` (R ≥ 4.0.0): the nearer of `floor(100x)/100` and
/// `ceil(100x)/100`, distances compared in doubles; an exact tie goes to the
/// even hundredth. Non-finite and zero values are returned as they are, and so
/// are values whose hundredths a double cannot hold (|100x| ≥ 2^52, as R does
/// for large x; 100x could otherwise overflow to infinity).
pub fn r_round2(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() || (100.0 * x).abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    let (sgn, x) = if x < 0.0 { (-1.0, -x) } else { (1.0, x) };
    let x10 = 100.0 * x;
    let i10 = x10.floor();
    let xd = i10 / 100.0;
    let xu = x10.ceil() / 100.0;
    let du = xu - x;
    let dd = x - xd;
    sgn * if du < dd || (du == dd && i10 % 2.0 == 1.0) {
        xu
    } else {
        xd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Huge values come back as they are, never infinite (a weight of 7.7e307
    /// kg once made 100x overflow).
    #[test]
    fn r_round_keeps_huge_values() {
        for x in [7.686288216526236e307, -1e300, 1e16, f64::MAX] {
            assert_eq!(r_round2(x), x);
        }
    }

    #[test]
    fn r_round_ties_and_halves() {
        // 0.125 is exact in binary: a true tie, to even.
        assert_eq!(r_round2(0.125), 0.12);
        assert_eq!(r_round2(0.375), 0.38);
        assert_eq!(r_round2(-0.125), -0.12);
        // 2.675 is 2.67499999...: below the half.
        assert_eq!(r_round2(2.675), 2.67);
        // 0.285 is stored just above: R's round(0.285, 2) is 0.28 (compared in doubles).
        assert_eq!(r_round2(0.285), 0.28);
        assert_eq!(r_round2(1.005), 1.0);
        assert_eq!(r_round2(-2.0), -2.0);
        assert_eq!(r_round2(0.0), 0.0);
    }
}
