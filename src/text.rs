//! Text folding: labels and column names match case- and accent-insensitively.

/// Trim, lowercase and strip the accents of Latin letters (`Después` → `despues`).
pub fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(strip_accent)
        .collect()
}

fn strip_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Does `value` (folded) equal any of `names`?
pub fn is_one_of(value: &str, names: &[&str]) -> bool {
    let v = fold(value);
    names.iter().any(|n| *n == v)
}

/// Natural order: runs of digits compare as numbers ("7-10" after "3-6"), the rest
/// as folded text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in fold(s).chars() {
            let d = c.is_ascii_digit();
            match out.last_mut() {
                Some((is_d, buf)) if *is_d == d => buf.push(c),
                _ => out.push((d, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            _ => x.1.cmp(&y.1),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// `str::trim`, with a shortcut for the common case of text that starts and ends
/// with a visible ASCII character (nothing to trim: no Unicode scan).
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let solid = |c: &u8| c.is_ascii() && !c.is_ascii_whitespace();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if solid(f) && solid(l) => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_space() {
        assert_eq!(fold("  Después "), "despues");
        assert_eq!(fold("EMPATÍA"), "empatia");
        assert_eq!(fold("Comparación"), "comparacion");
        assert_eq!(fold("Niño"), "nino");
        assert!(is_one_of("Sí", &["si"]));
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["7-10", "0-2", "10-12", "3-6", "Oaxaca", "Chiapas"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["0-2", "3-6", "7-10", "10-12", "Chiapas", "Oaxaca"]);
    }
}
