//! Number formatting for human-readable views (tables; later Markdown, charts, findings).

/// Decimals for means of a domain whose spread is `sd`: about three significant digits.
pub fn decimals_for(sd: Option<f64>) -> usize {
    match sd {
        Some(s) if s > 0.0 => (2.0 - s.log10().floor()).clamp(0.0, 4.0) as usize,
        _ => 2,
    }
}

pub fn number(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) => {
            let s = format!("{v:.decimals$}");
            // "-0.0" reads as a sign error.
            if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
                s[1..].to_string()
            } else {
                s
            }
        }
        None => "–".to_string(),
    }
}

pub fn signed(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) => {
            let s = number(Some(v), decimals);
            if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
                s
            } else {
                format!("+{s}")
            }
        }
        None => "–".to_string(),
    }
}

/// A proportion as a percentage: 0.4709 → "47.1%".
pub fn percent(p: Option<f64>) -> String {
    match p {
        Some(v) => format!("{}%", number(Some(v * 100.0), 1)),
        None => "–".to_string(),
    }
}

/// A difference in proportions in percentage points: 0.112 → "+11.2 pp".
pub fn points(d: Option<f64>) -> String {
    match d {
        Some(v) => format!("{} pp", signed(Some(v * 100.0), 1)),
        None => "–".to_string(),
    }
}

pub fn interval(lo: Option<f64>, hi: Option<f64>, scale: f64, decimals: usize) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!(
            "[{}, {}]",
            number(Some(a * scale), decimals),
            number(Some(b * scale), decimals)
        ),
        _ => String::new(),
    }
}

/// A p-value for people: "p < 0.001", "p = 0.042", "p = 0.71".
pub fn p_value(p: Option<f64>) -> String {
    match p {
        None => "p –".to_string(),
        Some(v) if v < 0.001 => "p < 0.001".to_string(),
        Some(v) if v < 0.1 => format!("p = {v:.3}"),
        Some(v) => format!("p = {v:.2}"),
    }
}

/// A count with thousands separators: 12345 → "12,345".
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(percent(Some(0.4709)), "47.1%");
        assert_eq!(points(Some(0.112)), "+11.2 pp");
        assert_eq!(points(Some(-0.0001)), "0.0 pp");
        assert_eq!(p_value(Some(0.0004)), "p < 0.001");
        assert_eq!(p_value(Some(0.04199)), "p = 0.042");
        assert_eq!(p_value(Some(0.7123)), "p = 0.71");
        assert_eq!(p_value(None), "p –");
        assert_eq!(count(1860), "1,860");
        assert_eq!(count(999), "999");
        assert_eq!(decimals_for(Some(15.0)), 1);
        assert_eq!(decimals_for(Some(1.7)), 2);
        assert_eq!(interval(Some(0.423), Some(0.519), 100.0, 1), "[42.3, 51.9]");
        assert_eq!(signed(Some(-0.0), 1), "0.0");
    }
}
