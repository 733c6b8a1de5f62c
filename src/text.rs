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
}
