//! Which reference, table and row each of the four indicators of one child
//! uses (anthro below 60 months, anthroplus from 60 to 228, weight-for-length
//! or -height by age, position or 87 cm), the position correction, and why a
//! score is missing.

use super::flags::{Ind, outcome};
use super::lms::{z_plain, z_restricted};
use super::r_arith::r_pow;
use super::tables::{Table, tables};
use super::{Age, Measure, Outcome, Position, Reference, Why, Zscores};

/// Unrounded z-scores (for tests and diagnostics) or why not.
type Raw = Result<f64, Why>;

fn finish(ind: Ind, r: Raw) -> Outcome {
    match r {
        Ok(z) => outcome(ind, Some(z), Why::NoMeasure),
        Err(w) => Outcome::Missing(w),
    }
}

/// The four z-scores of one child (see the module doc and docs/anthropometry.md).
pub fn zscores(m: &Measure) -> Zscores {
    let (raw, reference, position_ignored) = raw_zscores(m);
    Zscores {
        waz: finish(Ind::Waz, raw[0]),
        haz: finish(Ind::Haz, raw[1]),
        whz: finish(Ind::Whz, raw[2]),
        baz: finish(Ind::Baz, raw[3]),
        reference,
        position_ignored,
    }
}

fn positive(x: Option<f64>) -> Option<f64> {
    x.filter(|v| *v > 0.0)
}

/// waz, haz, whz, baz unrounded.
fn raw_zscores(m: &Measure) -> ([Raw; 4], Reference, bool) {
    let t = tables();
    let sex = m.sex;
    let weight = positive(m.weight_kg);
    let height = positive(m.height_cm);
    let age = m.age.filter(|a| match *a {
        Age::Days(d) | Age::Months(d) => d >= 0.0 && d.is_finite(),
    });
    let mut out: [Raw; 4] = [Err(Why::NoAge); 4];
    let months = age.map(Age::months);
    if let Some(mo) = months.filter(|mo| *mo >= 60.0) {
        out[2] = Err(Why::AgeOutOfRange);
        if mo > 228.0 {
            return ([Err(Why::AgeOutOfRange); 4], Reference::OutOfRange, false);
        }
        // anthroplus: continuous months, no position correction.
        let (low, upp, diff) = (mo.trunc(), (mo + 1.0).trunc(), mo - mo.trunc());
        let lms = |tab: &Table| tab.interpolated(sex, low as i64, upp as i64, diff);
        out[1] = match (height, lms(&t.hfa7)) {
            (Some(h), Some(p)) => Ok(z_plain(h, p)),
            _ => Err(Why::NoMeasure),
        };
        out[0] = if mo > 120.0 {
            Err(Why::AgeOutOfRange)
        } else {
            match (weight, lms(&t.wfa7)) {
                (None, _) | (_, None) => Err(Why::NoMeasure),
                _ if m.oedema => Err(Why::Oedema),
                (Some(w), Some(p)) => Ok(z_restricted(w, p)),
            }
        };
        out[3] = match (weight, height, lms(&t.bfa7)) {
            (Some(w), Some(h), Some(p)) if !m.oedema => {
                Ok(z_restricted(w / r_pow(h / 100.0, 2.0), p))
            }
            (Some(_), Some(_), Some(_)) => Err(Why::Oedema),
            _ => Err(Why::NoMeasure),
        };
        return (out, Reference::From5To19, false);
    }
    // anthro (under 60 months), or no age: weight-for-length/height only.
    let days = age.map(Age::whole_days);
    let ignored = m.position == Some(Position::Standing) && months.is_some_and(|mo| mo < 9.0);
    let pos = if ignored { None } else { m.position };
    let clen = match (height, days, pos) {
        (Some(h), Some(d), Some(Position::Standing)) if d < 731.0 => Some(h + 0.7),
        (Some(h), Some(d), Some(Position::Lying)) if d >= 731.0 => Some(h - 0.7),
        (h, _, _) => h,
    }
    .filter(|c| *c > 0.0);
    if let Some(d) = days {
        let key = d as i64;
        out[1] = match (clen, t.len.get(sex, key)) {
            (Some(c), Some(p)) => Ok(z_plain(c, p)),
            _ => Err(Why::NoMeasure),
        };
        out[0] = match (weight, t.wei.get(sex, key)) {
            (Some(_), Some(_)) if m.oedema => Err(Why::Oedema),
            (Some(w), Some(p)) => Ok(z_restricted(w, p)),
            _ => Err(Why::NoMeasure),
        };
        out[3] = match (weight, clen, t.bmi.get(sex, key)) {
            (Some(_), Some(_), Some(_)) if m.oedema => Err(Why::Oedema),
            (Some(w), Some(c), Some(p)) => Ok(z_restricted(w / r_pow(c / 100.0, 2.0), p)),
            _ => Err(Why::NoMeasure),
        };
    }
    out[2] = match (weight, clen) {
        (Some(_), Some(_)) if m.oedema => Err(Why::Oedema),
        (Some(w), Some(c)) => {
            let use_length = match (days, pos) {
                (Some(d), _) => d < 731.0,
                (None, Some(p)) => p == Position::Lying,
                (None, None) => c < 87.0,
            };
            let (tab, lo, hi) = if use_length {
                (&t.wfl, 45.0, 110.0)
            } else {
                (&t.wfh, 65.0, 120.0)
            };
            if (lo..=hi).contains(&c) {
                let low = (c * 10.0).trunc();
                let upp = (c * 10.0 + 1.0).trunc();
                let diff = (c - low / 10.0) / 0.1;
                match tab.interpolated(sex, low as i64, upp as i64, diff) {
                    Some(p) => Ok(z_restricted(w, p)),
                    None => Err(Why::HeightOutOfRange),
                }
            } else {
                Err(Why::HeightOutOfRange)
            }
        }
        _ => Err(Why::NoMeasure),
    };
    let reference = if days.is_some() {
        Reference::Under5
    } else {
        Reference::NoAge
    };
    (out, reference, ignored)
}

/// Unrounded z-scores (waz, haz, whz, baz), `None` when missing: for tests
/// that compare before rounding.
pub fn raw(m: &Measure) -> [Option<f64>; 4] {
    raw_zscores(m).0.map(|r| r.ok().filter(|z| z.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::anthro::Sex;

    fn boy(days: f64, w: f64, h: f64, pos: Option<Position>) -> Measure {
        Measure {
            sex: Sex::Male,
            age: Some(Age::Days(days)),
            weight_kg: Some(w),
            height_cm: Some(h),
            position: pos,
            oedema: false,
        }
    }

    #[test]
    fn who_worked_example_1010_days() {
        let z = zscores(&boy(1010.0, 10.0, 100.0, None));
        assert_eq!(z.haz, Outcome::Value(1.62));
        assert_eq!(z.waz, Outcome::Value(-2.76));
        assert_eq!(z.whz, Outcome::Flagged(-5.19));
        assert_eq!(z.baz, Outcome::Flagged(-5.61));
        assert_eq!(z.reference, Reference::Under5);
        assert_eq!(z.underweight(), Some(true));
        assert_eq!(z.stunting(), Some(false));
        assert_eq!(z.wasting(), None);
        assert_eq!(z.overweight(), None);
    }

    #[test]
    fn who_worked_example_609_days_lying() {
        let z = zscores(&boy(609.0, 9.5, 80.37, Some(Position::Lying)));
        assert_eq!(z.whz, Outcome::Value(-1.25));
        assert_eq!(z.haz, Outcome::Value(-1.36));
        assert_eq!(z.waz, Outcome::Value(-1.58));
        assert_eq!(z.baz, Outcome::Value(-1.08));
        assert_eq!(z.wasting(), Some(false));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_nor_returns_non_finite(
            sex in proptest::bool::ANY,
            age in proptest::num::f64::ANY,
            months in proptest::bool::ANY,
            w in proptest::num::f64::ANY,
            h in proptest::num::f64::ANY,
            pos in 0u8..3,
            oedema in proptest::bool::ANY,
        ) {
            let m = Measure {
                sex: if sex { Sex::Male } else { Sex::Female },
                age: Some(if months { Age::Months(age) } else { Age::Days(age) }),
                weight_kg: Some(w),
                height_cm: Some(h),
                position: [None, Some(Position::Lying), Some(Position::Standing)][pos as usize],
                oedema,
            };
            let z = zscores(&m);
            for o in [z.waz, z.haz, z.whz, z.baz] {
                if let Outcome::Value(x) | Outcome::Flagged(x) = o {
                    proptest::prop_assert!(x.is_finite());
                }
            }
            let plausible = Measure {
                age: Some(Age::Days(age.abs() % 7000.0)),
                weight_kg: Some(w.abs() % 150.0),
                height_cm: Some(h.abs() % 200.0),
                ..m
            };
            let z = zscores(&plausible);
            for o in [z.waz, z.haz, z.whz, z.baz] {
                if let Outcome::Value(x) | Outcome::Flagged(x) = o {
                    proptest::prop_assert!(x.is_finite());
                }
            }
        }

    }

    #[test]
    fn oedema_and_ranges() {
        let mut m = boy(400.0, 9.0, 75.0, Some(Position::Lying));
        m.oedema = true;
        let z = zscores(&m);
        assert_eq!(z.waz, Outcome::Missing(Why::Oedema));
        assert_eq!(z.whz, Outcome::Missing(Why::Oedema));
        assert_eq!(z.baz, Outcome::Missing(Why::Oedema));
        assert!(z.haz.value().is_some());
        // 130 months: no waz, no whz; haz and baz from the 2007 reference.
        let m = Measure {
            age: Some(Age::Months(130.0)),
            ..boy(0.0, 32.0, 140.0, None)
        };
        let z = zscores(&m);
        assert_eq!(z.reference, Reference::From5To19);
        assert_eq!(z.waz, Outcome::Missing(Why::AgeOutOfRange));
        assert_eq!(z.whz, Outcome::Missing(Why::AgeOutOfRange));
        assert!(z.haz.value().is_some() && z.baz.value().is_some());
        let z = zscores(&Measure {
            age: Some(Age::Months(228.5)),
            ..m
        });
        assert_eq!(z.reference, Reference::OutOfRange);
        // No age: whz only, by position (or 87 cm).
        let z = zscores(&Measure {
            age: None,
            ..boy(0.0, 12.0, 87.0, None)
        });
        assert_eq!(z.reference, Reference::NoAge);
        assert_eq!(z.waz, Outcome::Missing(Why::NoAge));
        assert!(z.whz.value().is_some());
        // Standing before 9 months: unknown position, no +0.7.
        let z = zscores(&boy(200.0, 7.5, 66.0, Some(Position::Standing)));
        assert!(z.position_ignored);
        assert_eq!(
            raw(&boy(200.0, 7.5, 66.0, None)),
            raw(&boy(200.0, 7.5, 66.0, Some(Position::Standing)))
        );
    }
}
