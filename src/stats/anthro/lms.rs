//! The LMS formula, z = ((y / M)^L − 1) / (S · L), and WHO's restricted
//! tails for the weight-based indicators: beyond ±3 SD the distance is
//! measured in units of the 2–3 SD interval.

use super::r_arith::r_pow;

pub(super) fn z_plain(y: f64, [l, m, s]: [f64; 3]) -> f64 {
    (r_pow(y / m, l) - 1.0) / (s * l)
}

/// WHO's restricted z beyond ±3 SD (weight-based indicators).
pub(super) fn z_restricted(y: f64, lms: [f64; 3]) -> f64 {
    let [l, m, s] = lms;
    let sd = |k: f64| m * r_pow(1.0 + l * s * k, 1.0 / l);
    let z = z_plain(y, lms);
    if z > 3.0 {
        let sd3 = sd(3.0);
        3.0 + (y - sd3) / (sd3 - sd(2.0))
    } else if z < -3.0 {
        let sd3n = sd(-3.0);
        -3.0 + (y - sd3n) / (sd(-2.0) - sd3n)
    } else {
        z
    }
}
