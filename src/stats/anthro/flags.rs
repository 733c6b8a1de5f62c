//! An unrounded z-score becomes an [`Outcome`]: rounded as R's `round(z, 2)`,
//! then `Flagged` beyond WHO's flag limits (waz outside −6..5, haz beyond ±6,
//! whz and baz beyond ±5), else a `Value`.

use super::r_arith::r_round2;
use super::{Outcome, Why};

#[derive(Clone, Copy)]
pub(super) enum Ind {
    Waz,
    Haz,
    Whz,
    Baz,
}

pub(super) fn outcome(ind: Ind, raw: Option<f64>, missing: Why) -> Outcome {
    let Some(raw) = raw.filter(|z| z.is_finite()) else {
        return Outcome::Missing(missing);
    };
    let z = r_round2(raw);
    let flagged = match ind {
        Ind::Waz => !(-6.0..=5.0).contains(&z),
        Ind::Haz => z.abs() > 6.0,
        Ind::Whz | Ind::Baz => z.abs() > 5.0,
    };
    if flagged {
        Outcome::Flagged(z)
    } else {
        Outcome::Value(z)
    }
}
