//! Long or wide: which columns hold each domain at each wave (contract §2.1, §2.2).

use super::{Layout, Warning};
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spec::{DomainSpec, Spec};
use crate::text::fold;
use rustc_hash::FxHashMap;

/// A domain's source columns in each table: (pre column, post column). In the long
/// layout both are the same column.
pub(super) struct DomainCols {
    pub(super) name: String,
    pub(super) cols: Vec<[usize; 2]>,
    pub(super) spec: Option<DomainSpec>,
    /// A wide file's column without a wave suffix: an attribute, never a domain.
    pub(super) attribute_only: bool,
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

/// The layout (long, or wide when no wave column and columns pair under wave
/// words) and every domain's columns in each table, with the spec's `[[domain]]`
/// entries attached. `is_role(table, column)`: the column is a role, ignored or
/// skipped. In the wide layout a column without a wave suffix is an attribute.
pub(super) fn domain_columns(
    sources: &[Source],
    first_headers: &[String],
    has_wave: bool,
    is_role: &dyn Fn(usize, usize) -> bool,
    spec: Option<&Spec>,
    warnings: &mut Vec<Warning>,
) -> UResult<(Layout, Vec<DomainCols>)> {
    let first = First {
        headers: first_headers,
    };
    // Each file's header folded once: columns are found by name in constant time
    // (100,000 columns must not mean 10¹⁰ comparisons).
    let header_index: Vec<FxHashMap<String, usize>> = sources
        .iter()
        .map(|t| {
            let mut m = FxHashMap::default();
            for (i, h) in t.headers.iter().enumerate() {
                m.entry(fold(h)).or_insert(i);
            }
            m
        })
        .collect();
    // Domain columns of the first table, then located in the others.
    let candidates: Vec<usize> = (0..first.headers.len())
        .filter(|&c| !is_role(0, c))
        .collect();
    let mut layout = Layout::Long;
    let mut domain_cols: Vec<DomainCols> = Vec::new();
    let is_candidate: Vec<bool> = (0..first.headers.len()).map(|c| !is_role(0, c)).collect();
    let candidate_named = |folded: &str| -> Option<usize> {
        header_index
            .first()
            .and_then(|m| m.get(folded).copied())
            .filter(|&d| is_candidate[d])
    };
    if !has_wave
        && candidates.iter().any(|&c| {
            wide_part(&first.headers[c])
                .is_some_and(|(_, _, partner)| candidate_named(&partner).is_some())
        })
    {
        layout = Layout::Wide;
    }
    let locate = |name_folded: &str| -> UResult<Vec<usize>> {
        sources
            .iter()
            .zip(&header_index)
            .map(|(t, index)| {
                index.get(name_folded).copied().ok_or_else(|| {
                    UserError::new(format!(
                        "column \"{name_folded}\" of the first file is missing here"
                    ))
                    .file(&t.name)
                    .line(1)
                    .hint("files read together need the same columns (in any order)")
                })
            })
            .collect()
    };
    if layout == Layout::Wide {
        let mut done = vec![false; first.headers.len()];
        for &c in &candidates {
            if done[c] {
                continue;
            }
            let h = &first.headers[c];
            match wide_part(h) {
                Some((_base, w, partner)) => {
                    let Some(p) = candidate_named(&partner) else {
                        warnings.push(Warning::new(
                            Some(h),
                            format!("column \"{h}\" has no partner column \"{partner}\"; skipped"),
                        ));
                        done[c] = true;
                        continue;
                    };
                    done[c] = true;
                    done[p] = true;
                    let (pre, post) = if w == 0 { (c, p) } else { (p, c) };
                    let pre_cols = locate(&fold(&first.headers[pre]))?;
                    let post_cols = locate(&fold(&first.headers[post]))?;
                    domain_cols.push(DomainCols {
                        name: wide_base_written(&first.headers[pre]),
                        cols: pre_cols
                            .into_iter()
                            .zip(post_cols)
                            .map(|(a, b)| [a, b])
                            .collect(),
                        spec: None,
                        attribute_only: false,
                    });
                }
                None => {
                    // A participant characteristic (sex, age): the same column
                    // at both waves, set apart as an attribute (contract §6.1).
                    done[c] = true;
                    let cols = locate(&fold(h))?;
                    domain_cols.push(DomainCols {
                        name: h.clone(),
                        cols: cols.into_iter().map(|x| [x, x]).collect(),
                        spec: None,
                        attribute_only: true,
                    });
                }
            }
        }
    } else {
        for &c in &candidates {
            let cols = locate(&fold(&first.headers[c]))?;
            domain_cols.push(DomainCols {
                name: first.headers[c].clone(),
                cols: cols.into_iter().map(|x| [x, x]).collect(),
                spec: None,
                attribute_only: false,
            });
        }
    }

    // Spec domains: attach by column name; an unknown column is an error.
    if let Some(spec) = spec {
        for (i, d) in spec.domains.iter().enumerate() {
            let f = fold(&d.column);
            // A scale or a z-score: attached when derived (derived.rs).
            if spec.derived_names().iter().any(|n| fold(n) == f) {
                continue;
            }
            let Some(dc) = domain_cols.iter_mut().find(|dc| fold(&dc.name) == f) else {
                let names: Vec<&str> = domain_cols.iter().map(|d| d.name.as_str()).collect();
                return Err(UserError::new(format!(
                    "[[domain]] column \"{}\" is not a domain column of the data",
                    d.column
                ))
                .file(&spec.file)
                .line(spec.lines.get(i).copied().unwrap_or(1))
                .hint(format!("domain columns are: {}", names.join(", "))));
            };
            dc.spec = Some(d.clone());
        }
    }

    Ok((layout, domain_cols))
}

/// The first table's header, where domains are found.
struct First<'a> {
    headers: &'a [String],
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
