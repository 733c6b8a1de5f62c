//! Pure statistics: every function takes plain numbers and returns plain numbers.
//!
//! Conventions: p-values come from survival functions (accurate in the tails);
//! anything undefined is `None`, never NaN or infinity; nothing panics.
//! Counts are `usize` throughout.

pub mod adjust;
pub mod anthro;
pub mod balance;
pub mod contingency;
pub mod describe;
pub mod dist;
pub mod noncentral;
pub mod power;
pub mod proportions;
pub mod ranks;
pub mod regression;
pub mod reliability;
pub mod robust;
pub mod ttest;

/// The numbers of one test. Every field is None when undefined (never NaN or inf).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TestResult {
    pub estimate: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p_value: Option<f64>,
}

impl TestResult {
    /// Every number: estimate, CI bounds, statistic, df, p-value.
    pub fn fields(&self) -> [Option<f64>; 6] {
        [
            self.estimate,
            self.conf_low,
            self.conf_high,
            self.statistic,
            self.df,
            self.p_value,
        ]
    }

    /// An untestable result that still carries its estimate (if finite).
    pub fn estimate_only(estimate: Option<f64>) -> Self {
        TestResult {
            estimate: estimate.and_then(finite),
            ..Default::default()
        }
    }
}

/// `Some(x)` when `x` is finite, else `None`.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The quantile level for a two-sided interval, 1 − (1 − conf)/2 (as R's
/// `t.test`); NaN for a level outside (0, 1), which makes every CI None.
pub fn two_sided_prob(conf_level: f64) -> f64 {
    if conf_level > 0.0 && conf_level < 1.0 {
        1.0 - (1.0 - conf_level) / 2.0
    } else {
        f64::NAN
    }
}

/// Whether a standard error is too small to test against: zero, or below
/// R's "data are essentially constant" threshold 10·ε·|scale|.
pub(crate) fn degenerate_se(se: f64, scale: f64) -> bool {
    !se.is_finite() || se <= 0.0 || se < 10.0 * f64::EPSILON * scale.abs()
}

/// A seeded stream of pseudo-random numbers below `m` (a linear congruential
/// generator): test data without a dependency.
#[cfg(test)]
pub(crate) fn test_numbers(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed;
    move |m| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    }
}
