//! What a sex, position or oedema cell means, a number with a decimal comma,
//! and [`InputError`]: the message and advice for a cell that cannot be used.

use std::fmt;

use super::{Position, Sex};

/// A cell that cannot be used, for the caller to turn into a message naming
/// the file, line and column (or, when [`InputError::is_warning`], a warning
/// and a missing value).
#[derive(Debug, Clone, PartialEq)]
pub enum InputError {
    /// Neither male nor female.
    Sex(String),
    /// Neither lying nor standing.
    Position(String),
    /// Neither yes nor no.
    Oedema(String),
    /// Not a number.
    Number(String),
    /// Not a date in a known form.
    Date(String),
    /// A negative age, or measured before birth (age in days).
    NegativeAge(f64),
    /// A weight too large for kilograms (grams?).
    WeightUnits(f64),
    /// A height too large for centimetres (millimetres?).
    HeightUnits(f64),
    /// Zero or negative weight or height: a warning, the value is missing.
    NotPositive(f64),
}

impl InputError {
    /// True for the problems reported as a warning with a missing value;
    /// the others stop the run (exit code 2).
    pub fn is_warning(&self) -> bool {
        matches!(self, InputError::NotPositive(_))
    }

    /// What the user can do.
    pub fn hint(&self) -> &'static str {
        match self {
            InputError::Sex(_) => {
                "write 1/2 (1 = male), m/f, male/female, masculino/femenino, niño/niña or hombre/mujer; leave it empty when unknown"
            }
            InputError::Position(_) => {
                "write lying/standing, l/h, recumbent/standing or acostado/de pie; leave it empty when unknown"
            }
            InputError::Oedema(_) => "write yes/no, y/n, sí/no or 1/0; an empty cell counts as no",
            InputError::Number(_) => {
                "write a number (decimal point or comma), or leave the cell empty"
            }
            InputError::Date(_) => {
                "write dates as yyyy-mm-dd or day/month/year (dd/mm/yyyy), or as Excel date cells"
            }
            InputError::NegativeAge(_) => {
                "check the age, or that the birth date comes before the measurement date"
            }
            InputError::WeightUnits(_) => {
                "weights are read in kilograms: a value this large looks like grams (divide by 1000)"
            }
            InputError::HeightUnits(_) => {
                "lengths and heights are read in centimetres: a value this large looks like millimetres (divide by 10)"
            }
            InputError::NotPositive(_) => "a zero or negative measure is treated as missing",
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Sex(v) => write!(f, "\"{v}\" is not a sex this program knows"),
            InputError::Position(v) => {
                write!(f, "\"{v}\" is not a measuring position (lying or standing)")
            }
            InputError::Oedema(v) => write!(f, "\"{v}\" is not yes or no for oedema"),
            InputError::Number(v) => write!(f, "\"{v}\" is not a number"),
            InputError::Date(v) => write!(f, "\"{v}\" is not a date"),
            InputError::NegativeAge(d) => write!(f, "the age is negative ({d})"),
            InputError::WeightUnits(w) => {
                write!(f, "a weight of {w} kg is not possible for a child")
            }
            InputError::HeightUnits(h) => write!(f, "a length/height of {h} cm is not possible"),
            InputError::NotPositive(v) => write!(f, "the measure {v} is not positive"),
        }
    }
}

impl std::error::Error for InputError {}

/// Sex: 1/2 (1 male), m/f, male/female, masculino/femenino, niño/niña,
/// hombre/mujer, varón (also boy/girl); case- and accent-insensitive.
pub fn parse_sex(s: &str) -> Result<Option<Sex>, InputError> {
    let v = crate::text::fold(s);
    match v.as_str() {
        "" => Ok(None),
        "1" | "1.0" | "m" | "male" | "masculino" | "nino" | "hombre" | "varon" | "boy" => {
            Ok(Some(Sex::Male))
        }
        "2" | "2.0" | "f" | "female" | "femenino" | "nina" | "mujer" | "girl" => {
            Ok(Some(Sex::Female))
        }
        _ => Err(InputError::Sex(s.trim().to_string())),
    }
}

/// Position: lying/standing, l/h, recumbent, length/height, acostado/de pie,
/// acostada, parado/parada, echado; case- and accent-insensitive.
pub fn parse_position(s: &str) -> Result<Option<Position>, InputError> {
    let v = crate::text::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match v.as_str() {
        "" => Ok(None),
        "l" | "lying" | "recumbent" | "length" | "supine" | "acostado" | "acostada" | "echado"
        | "echada" | "longitud" | "tumbado" | "tumbada" => Ok(Some(Position::Lying)),
        "h" | "standing" | "height" | "stand" | "de pie" | "parado" | "parada" | "talla"
        | "estatura" | "altura" => Ok(Some(Position::Standing)),
        _ => Err(InputError::Position(s.trim().to_string())),
    }
}

/// Oedema: yes/no, y/n, sí/no, s/n, 1/0 (and WHO's 1 yes / 2 no);
/// empty is no (as WHO's packages treat a missing oedema).
pub fn parse_oedema(s: &str) -> Result<bool, InputError> {
    let v = crate::text::fold(s);
    match v.as_str() {
        "" | "n" | "no" | "0" | "2" | "false" | "falso" => Ok(false),
        "y" | "yes" | "s" | "si" | "1" | "true" | "verdadero" => Ok(true),
        _ => Err(InputError::Oedema(s.trim().to_string())),
    }
}

/// A number with a decimal point or a lone decimal comma; empty is `None`.
pub(super) fn parse_number(s: &str) -> Result<Option<f64>, InputError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let owned;
    let t = if !t.contains('.') && t.matches(',').count() == 1 {
        owned = t.replace(',', ".");
        owned.as_str()
    } else {
        t
    };
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(InputError::Number(s.trim().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::anthro::{age_from_dates, parse_age_days, parse_age_months, parse_date};

    proptest::proptest! {
        #[test]
        fn input_helpers_never_panic(s in "\\PC{0,12}") {
            let _ = parse_sex(&s);
            let _ = parse_position(&s);
            let _ = parse_oedema(&s);
            let _ = parse_age_days(&s);
            let _ = parse_age_months(&s);
            let _ = parse_date(&s);
            let _ = age_from_dates(&s, "2024-01-01");
        }
    }

    #[test]
    fn inputs_sex_position_oedema() {
        for s in [
            "1",
            "M",
            "male",
            "Masculino",
            "niño",
            "NIÑO",
            "nino",
            "Hombre",
            " m ",
        ] {
            assert_eq!(parse_sex(s), Ok(Some(Sex::Male)), "{s}");
        }
        for s in ["2", "f", "Female", "femenino", "niña", "Mujer"] {
            assert_eq!(parse_sex(s), Ok(Some(Sex::Female)), "{s}");
        }
        assert_eq!(parse_sex(""), Ok(None));
        assert!(matches!(parse_sex("3"), Err(InputError::Sex(_))));
        assert!(matches!(parse_sex("otro"), Err(InputError::Sex(_))));
        for s in ["l", "L", "lying", "Recumbent", "acostado", "Acostada"] {
            assert_eq!(parse_position(s), Ok(Some(Position::Lying)), "{s}");
        }
        for s in ["h", "H", "standing", "de pie", "De  Pie", "parado"] {
            assert_eq!(parse_position(s), Ok(Some(Position::Standing)), "{s}");
        }
        assert_eq!(parse_position(" "), Ok(None));
        assert!(parse_position("sentado").is_err());
        for s in ["y", "Yes", "sí", "SI", "1", "s"] {
            assert_eq!(parse_oedema(s), Ok(true), "{s}");
        }
        for s in ["n", "No", "0", "2", ""] {
            assert_eq!(parse_oedema(s), Ok(false), "{s}");
        }
        assert!(parse_oedema("quizás").is_err());
    }
}
