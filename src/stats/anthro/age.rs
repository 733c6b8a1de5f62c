//! A child's age: as given (days or months), in months and in whole days as
//! WHO's packages read their tables, and from a cell (days, months) or from a
//! birth and a measurement date.

use super::input::{InputError, parse_number};
use super::r_arith::round_up;

/// Days per month in WHO's packages.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// The age as given: exact days (may be fractional) or months. Kept as given
/// because WHO's packages take the months as they are (for the 9- and 60-month
/// limits and the 5–19 interpolation) and round days half up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Age {
    Days(f64),
    Months(f64),
}

impl Age {
    /// Age in (unrounded) months.
    pub fn months(self) -> f64 {
        match self {
            Age::Days(d) => d / DAYS_PER_MONTH,
            Age::Months(m) => m,
        }
    }
    /// Age in whole days, half up, as anthro reads its tables.
    pub fn whole_days(self) -> f64 {
        match self {
            Age::Days(d) => round_up(d),
            Age::Months(m) => round_up(m * DAYS_PER_MONTH),
        }
    }
}

fn non_negative(x: f64) -> Result<f64, InputError> {
    if x < 0.0 {
        Err(InputError::NegativeAge(x))
    } else {
        Ok(x)
    }
}

/// Age in days (may be fractional); empty is `None`; negative is an error.
pub fn parse_age_days(s: &str) -> Result<Option<Age>, InputError> {
    Ok(match parse_number(s)? {
        Some(d) => Some(Age::Days(non_negative(d)?)),
        None => None,
    })
}

/// Age in months (may be fractional); empty is `None`; negative is an error.
pub fn parse_age_months(s: &str) -> Result<Option<Age>, InputError> {
    Ok(match parse_number(s)? {
        Some(m) => Some(Age::Months(non_negative(m)?)),
        None => None,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn valid_date(y: i64, m: i64, d: i64) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1000..=9999).contains(&y) && (1..=len).contains(&d)
}

/// A date as days since 1970-01-01: ISO `yyyy-mm-dd` (also `yyyy/mm/dd`, with
/// an optional time after `T` or a space), day/month/year as Excel writes it
/// (`dd/mm/yyyy`, `d/m/yyyy`, also with `-` or `.`), or an Excel serial day
/// number (1900 system, 10000 to 73050, i.e. 1927-05-18 to 2099-12-31:
/// 45352 is 2024-03-01). Empty is `None`.
pub fn parse_date(s: &str) -> Result<Option<i64>, InputError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || InputError::Date(t.to_string());
    // Excel serial number (a date cell read as its number).
    // An Excel serial number (a date cell read as its number), 1927-05-18
    // (10000) to 2099-12-31; smaller numbers (a year such as 2024) are not dates.
    if let Ok(x) = t.parse::<f64>() {
        return if (10_000.0..73_051.0).contains(&x) {
            Ok(Some(days_from_civil(1899, 12, 30) + x.floor() as i64))
        } else {
            Err(bad())
        };
    }
    let date = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let n = |p: &str| p.parse::<i64>().map_err(|_| bad());
    let (y, m, d) = if parts[0].len() == 4 {
        (n(parts[0])?, n(parts[1])?, n(parts[2])?)
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        (n(parts[2])?, n(parts[1])?, n(parts[0])?)
    } else {
        return Err(bad());
    };
    if !valid_date(y, m, d) {
        return Err(bad());
    }
    Ok(Some(days_from_civil(y, m, d)))
}

/// Age in days from a birth date and a measurement date ([`parse_date`]
/// forms); `None` when either is empty; measured before birth is an error.
pub fn age_from_dates(birth: &str, measured: &str) -> Result<Option<Age>, InputError> {
    let b = parse_date(birth)?;
    let m = parse_date(measured)?;
    match (b, m) {
        (Some(b), Some(m)) => Ok(Some(Age::Days(non_negative((m - b) as f64)?))),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_ages_and_dates() {
        assert_eq!(parse_age_days("609"), Ok(Some(Age::Days(609.0))));
        assert_eq!(parse_age_months("20,5"), Ok(Some(Age::Months(20.5))));
        assert_eq!(parse_age_days(""), Ok(None));
        assert_eq!(parse_age_days("-3"), Err(InputError::NegativeAge(-3.0)));
        assert!(matches!(parse_age_days("doce"), Err(InputError::Number(_))));
        let d = |s| parse_date(s).ok().flatten();
        assert_eq!(d("1970-01-01"), Some(0));
        assert_eq!(d("2024-03-01"), Some(19783));
        assert_eq!(d("01/03/2024"), Some(19783));
        assert_eq!(d("1/3/2024"), Some(19783));
        assert_eq!(d("1-3-2024"), Some(19783));
        assert_eq!(d("1.3.2024"), Some(19783));
        assert_eq!(d("2024-03-01T00:00:00"), Some(19783));
        assert_eq!(d("2024-03-01 00:00:00"), Some(19783));
        assert_eq!(d("45352"), Some(19783)); // Excel serial of 2024-03-01
        assert_eq!(d("45352.75"), Some(19783));
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(d("73050"), Some(days_from_civil(2099, 12, 31)));
        assert_eq!(d("10000"), Some(days_from_civil(1927, 5, 18)));
        for bad in [
            "2024",
            "9999",
            "73051",
            "31/02/2024",
            "2024-13-01",
            "13/25/2024",
            "ayer",
            "1/3/24",
            "29/02/2023",
            "12",
        ] {
            assert!(matches!(parse_date(bad), Err(InputError::Date(_))), "{bad}");
        }
        assert_eq!(d("29/02/2024"), Some(19782));
        assert_eq!(
            age_from_dates("2023-01-15", "15/03/2024"),
            Ok(Some(Age::Days(425.0)))
        );
        assert_eq!(
            age_from_dates("2024-01-15", "2023-01-15"),
            Err(InputError::NegativeAge(-365.0))
        );
        assert_eq!(age_from_dates("", "2023-01-15"), Ok(None));
    }
}
