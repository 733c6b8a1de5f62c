//! Long or wide: which columns hold each domain at each wave (contract §2.1, §2.2).

use crate::text::fold;
use crate::input::spec::DomainSpec;

/// A domain's source columns in each table: (pre column, post column). In the long
/// layout both are the same column.
pub(super) struct DomainCols {
    pub(super) name: String,
    pub(super) cols: Vec<[usize; 2]>,
    pub(super) spec: Option<DomainSpec>,
}

pub(super) const WIDE_SUFFIXES: &[(&str, &str)] = &[
    ("_pre", "_post"),
    (".pre", ".post"),
    ("_baseline", "_endline"),
    ("_antes", "_despues"),
];
pub(super) const WIDE_PREFIXES: &[(&str, &str)] = &[("pre_", "post_"), ("pre.", "post.")];

/// If `name` is the pre or post column of a wide pair, return (base, wave, partner name).
pub(super) fn wide_part(name: &str) -> Option<(String, usize, String)> {
    let f = fold(name);
    for (pre, post) in WIDE_SUFFIXES {
        for (w, (s, other)) in [(0, (pre, post)), (1, (post, pre))] {
            if f.len() > s.len() && f.ends_with(s) {
                let base = &f[..f.len() - s.len()];
                return Some((base.to_string(), w, format!("{base}{other}")));
            }
        }
    }
    for (pre, post) in WIDE_PREFIXES {
        for (w, (s, other)) in [(0, (pre, post)), (1, (post, pre))] {
            if f.len() > s.len() && f.starts_with(s) {
                let base = &f[s.len()..];
                return Some((base.to_string(), w, format!("{other}{base}")));
            }
        }
    }
    None
}

/// The base name of a wide column as written (accents and case kept).
pub(super) fn wide_base_written(name: &str) -> String {
    let f = fold(name);
    let t = name.trim();
    // Folding maps one character to one, so affixes are cut by characters (a
    // written affix may hold accents: "_Después").
    let chars: Vec<char> = t.chars().collect();
    let cut = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    for (pre, post) in WIDE_SUFFIXES {
        for s in [pre, post] {
            let k = s.chars().count();
            if f.ends_with(s) && chars.len() >= k {
                return cut(0, chars.len() - k);
            }
        }
    }
    for (pre, post) in WIDE_PREFIXES {
        for s in [pre, post] {
            let k = s.chars().count();
            if f.starts_with(s) && chars.len() >= k {
                return cut(k, chars.len());
            }
        }
    }
    t.to_string()
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_names_keep_their_spelling() {
        assert_eq!(wide_base_written("Empatía_pre"), "Empatía");
        assert_eq!(wide_base_written("niño_Después"), "niño");
        assert_eq!(wide_base_written("PRE_lectura"), "lectura");
        assert_eq!(
            wide_part("x_antes").map(|p| p.2),
            Some("x_despues".to_string())
        );
    }
}

