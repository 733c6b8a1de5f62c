//! Whether a weight is in kilograms and a length/height in centimetres (a
//! value too large is grams or millimetres: an error), and positive (else a
//! warning and a missing value).

use super::{Age, InputError};

/// A weight in kg: over 100 kg below 60 months (or without age), or over
/// 300 kg at any age, is taken as grams (error); ≤ 0 is
/// [`InputError::NotPositive`] (a warning, missing).
pub fn check_weight_kg(w: f64, age: Option<Age>) -> Result<f64, InputError> {
    let limit = match age {
        Some(a) if a.months() >= 60.0 => 300.0,
        _ => 100.0,
    };
    if w > limit {
        Err(InputError::WeightUnits(w))
    } else if w <= 0.0 {
        Err(InputError::NotPositive(w))
    } else {
        Ok(w)
    }
}

/// A length/height in cm: over 250 cm is taken as millimetres (error);
/// ≤ 0 is [`InputError::NotPositive`] (a warning, missing).
pub fn check_height_cm(h: f64) -> Result<f64, InputError> {
    if h > 250.0 {
        Err(InputError::HeightUnits(h))
    } else if h <= 0.0 {
        Err(InputError::NotPositive(h))
    } else {
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_units() {
        assert_eq!(check_weight_kg(8.5, Some(Age::Days(300.0))), Ok(8.5));
        assert_eq!(
            check_weight_kg(8500.0, Some(Age::Days(300.0))),
            Err(InputError::WeightUnits(8500.0))
        );
        assert_eq!(
            check_weight_kg(120.0, None),
            Err(InputError::WeightUnits(120.0))
        );
        assert_eq!(check_weight_kg(120.0, Some(Age::Months(200.0))), Ok(120.0));
        let e = check_weight_kg(0.0, None).unwrap_err();
        assert!(e.is_warning());
        assert!(!InputError::WeightUnits(1.0).is_warning());
        assert_eq!(check_height_cm(750.0), Err(InputError::HeightUnits(750.0)));
        assert_eq!(check_height_cm(75.0), Ok(75.0));
        assert!(check_height_cm(-1.0).unwrap_err().is_warning());
        assert!(!InputError::Sex("x".into()).to_string().is_empty());
    }
}
