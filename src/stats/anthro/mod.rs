//! WHO growth z-scores: weight-for-age (`waz`), length/height-for-age (`haz`),
//! weight-for-length/height (`whz`) and BMI-for-age (`baz`), exactly as WHO's R
//! packages compute them: `anthro` 1.1.0 (WHO Child Growth Standards) below 60
//! months and `anthroplus` 1.0.0 (WHO 2007 reference) from 60 to 228 months.
//! CONTRACT.md §10.2; the rules in plain words are in docs/anthropometry.md.
//!
//! # API
//! - [`zscores`]`(&`[`Measure`]`) -> `[`Zscores`]: the four indicators, each an
//!   [`Outcome`]: `Value(z)` (rounded as R's `round(z, 2)`), `Flagged(z)` (beyond
//!   WHO's flag limits: missing in analyses, to be counted in a warning) or
//!   `Missing(why)`. [`Zscores::stunting`], [`Zscores::underweight`],
//!   [`Zscores::wasting`], [`Zscores::overweight`] give the classes (`None` when
//!   the score is not a value).
//! - Input helpers, pure, for one cell each: [`parse_sex`], [`parse_position`],
//!   [`parse_oedema`], [`parse_age_days`], [`parse_age_months`], [`parse_date`],
//!   [`age_from_dates`], [`check_weight_kg`], [`check_height_cm`]. An empty
//!   cell is `Ok(None)` (or `Ok(false)` for oedema). Errors are [`InputError`]:
//!   its `Display` is the message, [`InputError::hint`] the advice, and
//!   [`InputError::is_warning`] says which ones the caller should report as a
//!   warning with a missing value rather than stop (docs/anthropometry.md).
//! - [`r_round2`]: R's `round(x, 2)`.
//!
//! # Where each rule is
//! - `age.rs`: the age, and how a cell or two dates give it.
//! - `tables.rs`: the eight LMS tables, embedded from `data/who/` (see
//!   PROVENANCE.md there) and parsed once.
//! - `indicators.rs`: which reference, table and row each indicator of one
//!   child uses, and why a score is missing.
//! - `lms.rs`: the LMS formula and WHO's restricted tails beyond ±3 SD.
//! - `flags.rs`: rounding and WHO's flag limits (`Value` or `Flagged`).
//! - `r_arith.rs`: R's `^`, anthro's `round_up` and R's `round(x, 2)`.
//! - `input.rs`: what a sex, position or oedema cell means; [`InputError`].
//! - `units.rs`: whether a weight or a length/height is in the units read.
//!
//! Tested against WHO's worked examples (unit tests in `indicators.rs`) and
//! against a second implementation in Python on 3,164 generated children
//! (testdata/reference/anthro_reference.py, tests/anthro_reference.rs).

mod age;
mod flags;
mod indicators;
mod input;
mod lms;
mod r_arith;
mod tables;
mod units;

pub use age::{Age, DAYS_PER_MONTH, age_from_dates, parse_age_days, parse_age_months, parse_date};
pub use indicators::{raw, zscores};
pub use input::{InputError, parse_oedema, parse_position, parse_sex};
pub use r_arith::r_round2;
pub use units::{check_height_cm, check_weight_kg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// How length/height was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Recumbent length (`l`).
    Lying,
    /// Standing height (`h`).
    Standing,
}

/// One child at one measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub sex: Sex,
    pub age: Option<Age>,
    pub weight_kg: Option<f64>,
    /// Length or height as measured, cm.
    pub height_cm: Option<f64>,
    pub position: Option<Position>,
    pub oedema: bool,
}

/// Why a z-score is missing (the first that applies, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No age (or a negative one): every age-based indicator.
    NoAge,
    /// Age beyond the indicator's range (waz to 120 months, haz/baz to 228,
    /// whz below 60).
    AgeOutOfRange,
    /// Weight or length/height missing or not positive.
    NoMeasure,
    /// Length/height outside the weight-for-length (45–110 cm) or
    /// weight-for-height (65–120 cm) table.
    HeightOutOfRange,
    /// Oedema: weight-based indicators are not computed.
    Oedema,
}

/// One indicator for one child.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// The z-score, rounded as R's `round(z, 2)`.
    Value(f64),
    /// Beyond WHO's flag limits (rounded z kept for messages): missing.
    Flagged(f64),
    Missing(Why),
}

impl Outcome {
    /// The z-score when it is a value (not flagged, not missing).
    pub fn value(self) -> Option<f64> {
        match self {
            Outcome::Value(z) => Some(z),
            _ => None,
        }
    }
    pub fn is_flagged(self) -> bool {
        matches!(self, Outcome::Flagged(_))
    }
}

/// Which reference applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// WHO Child Growth Standards (`anthro`), age below 60 months.
    Under5,
    /// WHO 2007 reference (`anthroplus`), 60 to 228 months.
    From5To19,
    /// No age: only weight-for-length/height (by position, else 87 cm).
    NoAge,
    /// Age above 228 months: nothing computed.
    OutOfRange,
}

/// The four indicators of one child.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zscores {
    pub waz: Outcome,
    pub haz: Outcome,
    pub whz: Outcome,
    pub baz: Outcome,
    pub reference: Reference,
    /// A standing height before 9 months, taken as of unknown position
    /// (anthro's `c9mo_flag`).
    pub position_ignored: bool,
}

impl Zscores {
    /// haz < −2.
    pub fn stunting(&self) -> Option<bool> {
        self.haz.value().map(|z| z < -2.0)
    }
    /// waz < −2.
    pub fn underweight(&self) -> Option<bool> {
        self.waz.value().map(|z| z < -2.0)
    }
    /// whz < −2.
    pub fn wasting(&self) -> Option<bool> {
        self.whz.value().map(|z| z < -2.0)
    }
    /// whz > 2 below 60 months (or without age), baz > 1 from 60 months.
    pub fn overweight(&self) -> Option<bool> {
        match self.reference {
            Reference::From5To19 => self.baz.value().map(|z| z > 1.0),
            _ => self.whz.value().map(|z| z > 2.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_use_strict_inequalities() {
        let mk = |haz| Zscores {
            waz: Outcome::Value(-2.0),
            haz,
            whz: Outcome::Value(2.0),
            baz: Outcome::Value(1.0),
            reference: Reference::Under5,
            position_ignored: false,
        };
        let z = mk(Outcome::Value(-2.0));
        assert_eq!(z.stunting(), Some(false));
        assert_eq!(z.underweight(), Some(false));
        assert_eq!(z.overweight(), Some(false));
        assert_eq!(mk(Outcome::Value(-2.01)).stunting(), Some(true));
        assert_eq!(mk(Outcome::Flagged(-6.5)).stunting(), None);
        let older = Zscores {
            baz: Outcome::Value(1.01),
            reference: Reference::From5To19,
            ..z
        };
        assert_eq!(older.overweight(), Some(true));
    }
}
