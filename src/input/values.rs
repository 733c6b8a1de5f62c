//! Cell values: missing markers, numbers (with a decimal comma), yes/no words.

use crate::text::fold;

/// Missing markers (case-insensitive): empty, NA, N/A, NaN, null, `.`, `-`, ND, NR.
pub fn is_missing(raw: &str) -> bool {
    is_missing_trimmed(crate::text::trim(raw).as_bytes())
}

/// [`is_missing`] of text already trimmed.
#[inline]
pub fn is_missing_trimmed(s: &[u8]) -> bool {
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
    let s = crate::text::trim(raw);
    if let Some(x) = fast_decimal(s.as_bytes(), decimal_comma) {
        return Some(x);
    }
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

/// Powers of ten that are exact in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The common case, fast: `[-]digits[.digits]` with at most 15 significant digits.
/// The integer m and 10^k are exact in f64, and one IEEE division is correctly
/// rounded, so m / 10^k is the same double the full parser returns (Clinger's fast
/// path). Anything else returns None and goes to the full parser.
#[inline]
pub fn fast_decimal(b: &[u8], decimal_comma: bool) -> Option<f64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut frac: Option<usize> = None;
    let mut n_digits = 0;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                n_digits += 1;
            }
            b'.' if frac.is_none() && !decimal_comma => frac = Some(digits.len() - i - 1),
            b',' if frac.is_none() && decimal_comma => frac = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    if n_digits == 0 || n_digits > 15 {
        return None;
    }
    // `m` has at most 15 digits: exact as a signed integer (one instruction),
    // and integers skip the division (x / 1.0 is x, the same bits).
    let x = match frac {
        None | Some(0) => m as i64 as f64,
        Some(k) => m as i64 as f64 / POW10[k],
    };
    Some(if neg { -x } else { x })
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
    fn fast_path_agrees_with_the_full_parser() {
        for s in [
            "0",
            "1",
            "-0",
            "12.3",
            "0.1",
            "0.3",
            "-45.25",
            "123456789012345",
            "99999.99999",
            "1.",
            ".5",
            "-.5",
            "007",
            "3.14159265358979",
            "2.2250738585072014",
            "1e5",
        ] {
            let full: Option<f64> = s.parse().ok();
            assert_eq!(
                parse_number(s, false).map(f64::to_bits),
                full.map(f64::to_bits),
                "{s}"
            );
        }
        assert_eq!(parse_number("12,3", true), Some(12.3));
        assert_eq!(parse_number("-0,1", true), Some(-0.1));
        assert_eq!(parse_number("1.5", true), Some(1.5));
        assert_eq!(parse_number("1.234,5", true), None);
    }

    proptest::proptest! {
        /// Any plain decimal of up to 15 digits (signs, points anywhere, leading
        /// zeros, integers and fractions) gets the bits the standard parser gives.
        #[test]
        fn fast_path_gives_the_standard_bits(
            neg in proptest::bool::ANY,
            digits in proptest::collection::vec(0u8..10, 1..16),
            point in proptest::option::of(0usize..16),
        ) {
            let mut s = String::from(if neg { "-" } else { "" });
            for (i, d) in digits.iter().enumerate() {
                if point == Some(i) {
                    s.push('.');
                }
                s.push(char::from(b'0' + d));
            }
            if point.is_some_and(|p| p >= digits.len()) {
                s.push('.');
            }
            let full: f64 = s.parse().map_err(|_| proptest::test_runner::TestCaseError::fail(s.clone()))?;
            proptest::prop_assert_eq!(fast_decimal(s.as_bytes(), false).map(f64::to_bits), Some(full.to_bits()), "{}", s);
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
