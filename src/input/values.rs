//! Cell values: missing markers, numbers (with a decimal comma), yes/no words.

use crate::text::fold;

/// Missing markers (case-insensitive): empty, NA, N/A, NaN, null, `.`, `-`, ND, NR.
pub fn is_missing(raw: &str) -> bool {
    let s = raw.trim().as_bytes();
    match s.len() {
        0 => true,
        1 => matches!(s[0], b'.' | b'-'),
        2 => [b"na", b"nd", b"nr"]
            .iter()
            .any(|m| s.eq_ignore_ascii_case(*m)),
        3 => [b"n/a", b"nan"].iter().any(|m| s.eq_ignore_ascii_case(*m)),
        4 => s.eq_ignore_ascii_case(b"null"),
        _ => false,
    }
}

/// What one non-missing cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Number(f64),
    /// A number that is not finite (`inf`, `1e309`): an input error in a numeric domain.
    NonFinite,
    /// yes/sí/true/y (`true`) or no/false/n (`false`).
    Word(bool),
    Text,
}

/// Parse a number; with `decimal_comma`, `3,5` is 3.5 (and `.` stays a decimal point).
pub fn parse_number(raw: &str, decimal_comma: bool) -> Option<f64> {
    let s = raw.trim();
    let first = s.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.' | b',' | b'i' | b'I')) {
        return None;
    }
    if decimal_comma && s.contains(',') {
        if s.contains('.') {
            return None;
        }
        s.replace(',', ".").parse().ok()
    } else {
        s.parse().ok()
    }
}

/// Classify a non-missing cell.
pub fn classify(raw: &str, decimal_comma: bool) -> Cell {
    if let Some(x) = parse_number(raw, decimal_comma) {
        return if x.is_finite() {
            Cell::Number(x)
        } else {
            Cell::NonFinite
        };
    }
    match fold(raw).as_str() {
        "yes" | "si" | "true" | "y" => Cell::Word(true),
        "no" | "false" | "n" => Cell::Word(false),
        _ => Cell::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_markers() {
        for m in ["", " ", "NA", "n/a", "NaN", "NULL", ".", "-", "nd", "NR"] {
            assert!(is_missing(m), "{m:?}");
        }
        for v in ["0", "no", "-1", "none"] {
            assert!(!is_missing(v), "{v:?}");
        }
    }

    #[test]
    fn numbers_and_decimal_comma() {
        assert_eq!(parse_number("3,5", true), Some(3.5));
        assert_eq!(parse_number("3.5", true), Some(3.5));
        assert_eq!(parse_number("3,5", false), None);
        assert_eq!(parse_number(" -2e3 ", false), Some(-2000.0));
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(classify("inf", false), Cell::NonFinite);
        assert_eq!(classify("1e309", false), Cell::NonFinite);
        assert_eq!(classify("Sí", false), Cell::Word(true));
        assert_eq!(classify("FALSE", false), Cell::Word(false));
        assert_eq!(classify("typical", false), Cell::Text);
    }
}
