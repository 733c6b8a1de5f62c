//! Long or wide: which columns hold each domain at each wave (contract §2.1, §2.2).

use super::Layout;
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spec::{DomainSpec, Spec};
use crate::text::fold;
use crate::warning::{Code, Warning};
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

/// Separators between a domain's name and a wave word in the wide layout.
const SEPARATORS: [char; 3] = ['_', '.', '-'];

/// One column of a wide pair: the domain's name (folded and as written) and the
/// wave its word means (0 pre, 1 post).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WidePart {
    pub(super) base: String,
    pub(super) written: String,
    pub(super) wave: usize,
}

/// If `name` is `<d>_<word>` or `<word>_<d>` (also with `.` or `-`) for a wave word
/// of `words` ([pre words, post words], folded), the domain and the wave (contract
/// §2.2: any pre word with any post word).
pub(super) fn wide_part(name: &str, words: &[Vec<String>; 2]) -> Option<WidePart> {
    let f = fold(name);
    let t = name.trim();
    let chars: Vec<char> = t.chars().collect();
    // Folding maps one character to one, so the written name is cut by characters.
    let cut = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let fchars = f.chars().count();
    for (wave, list) in words.iter().enumerate() {
        for w in list {
            let k = w.chars().count() + 1;
            if fchars <= k {
                continue;
            }
            for sep in SEPARATORS {
                if f.ends_with(&format!("{sep}{w}")) {
                    return Some(WidePart {
                        base: f.chars().take(fchars - k).collect(),
                        written: cut(0, chars.len() - k),
                        wave,
                    });
                }
                if f.starts_with(&format!("{w}{sep}")) {
                    return Some(WidePart {
                        base: f.chars().skip(k).collect(),
                        written: cut(k, chars.len()),
                        wave,
                    });
                }
            }
        }
    }
    None
}

/// The wave words of the wide layout: part one's pre and post words and those
/// named with --pre/--post (or the spec's `[waves]`), folded, longest first.
pub(super) fn wide_words(named: &[Option<String>; 2]) -> [Vec<String>; 2] {
    use crate::input::roles::{POST_LABELS, PRE_LABELS};
    let list = |builtin: &[&str], extra: &Option<String>| {
        let mut v: Vec<String> = builtin
            .iter()
            .filter(|w| !w.contains(' '))
            .map(|w| w.to_string())
            .collect();
        v.extend(extra.iter().map(|e| fold(e)));
        v.sort_by_key(|w| std::cmp::Reverse(w.len()));
        v
    };
    [list(PRE_LABELS, &named[0]), list(POST_LABELS, &named[1])]
}

/// Columns that would pair under a wave word that is not recognised: the same
/// two endings after `_`, `.` or `-` on at least two names (`q1_inicio`,
/// `q1_cierre`, `q2_inicio`, `q2_cierre`). The two endings, if any.
fn unknown_pairing(names: &[&str]) -> Option<(String, String)> {
    let mut by_base: FxHashMap<String, Vec<String>> = FxHashMap::default();
    for n in names {
        let f = fold(n);
        if let Some(i) = f.rfind(SEPARATORS) {
            let (base, end) = (f[..i].to_string(), f[i + 1..].to_string());
            if !base.is_empty() && !end.is_empty() && end.parse::<f64>().is_err() {
                by_base.entry(base).or_default().push(end);
            }
        }
    }
    let mut counts: FxHashMap<(String, String), usize> = FxHashMap::default();
    for ends in by_base.values() {
        if let [a, b] = ends.as_slice() {
            let key = if a <= b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .max_by_key(|(k, n)| (*n, std::cmp::Reverse(k.clone())))
        .map(|(k, _)| k)
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
    words: &[Vec<String>; 2],
    warnings: &mut Vec<Warning>,
) -> UResult<(Layout, Vec<DomainCols>)> {
    let first = First {
        headers: first_headers,
    };
    let locate = Locate::new(sources);
    // Domain columns of the first table, then located in the others.
    let candidates: Vec<usize> = (0..first.headers.len())
        .filter(|&c| !is_role(0, c))
        .collect();
    let mut layout = Layout::Long;
    let is_candidate: Vec<bool> = (0..first.headers.len()).map(|c| !is_role(0, c)).collect();
    // Wide pairs: a column per (domain, wave) among the candidates.
    let parts: Vec<Option<WidePart>> = (0..first.headers.len())
        .map(|c| {
            is_candidate[c]
                .then(|| wide_part(&first.headers[c], words))
                .flatten()
        })
        .collect();
    let mut part_at: FxHashMap<(&str, usize), usize> = FxHashMap::default();
    for (c, p) in parts.iter().enumerate() {
        if let Some(p) = p {
            part_at.entry((p.base.as_str(), p.wave)).or_insert(c);
        }
    }
    let partner = |c: usize| -> Option<usize> {
        let p = parts[c].as_ref()?;
        part_at.get(&(p.base.as_str(), 1 - p.wave)).copied()
    };
    if !has_wave && candidates.iter().any(|&c| partner(c).is_some()) {
        layout = Layout::Wide;
    }
    let unknown_words = if has_wave {
        None
    } else {
        unknown_words(&first, &candidates, &parts, layout, warnings)
    };
    let mut domain_cols = if layout == Layout::Wide {
        let wide = Wide {
            first: &first,
            parts: &parts,
            partner: &partner,
            unknown_words: unknown_words.as_ref(),
            locate: &locate,
        };
        wide.domains(&candidates, warnings)?
    } else {
        long_domains(&first, &candidates, &locate)?
    };
    if let Some(spec) = spec {
        attach_spec(spec, &mut domain_cols)?;
    }
    Ok((layout, domain_cols))
}

/// Pairs under words that are not wave words: said (a warning), never analysed
/// silently. The two words, whose columns the wide layout then leaves out.
fn unknown_words(
    first: &First,
    candidates: &[usize],
    parts: &[Option<WidePart>],
    layout: Layout,
    warnings: &mut Vec<Warning>,
) -> Option<(String, String)> {
    let names: Vec<&str> = candidates
        .iter()
        .filter(|&&c| parts[c].is_none())
        .map(|&c| first.headers[c].as_str())
        .collect();
    let (a, b) = unknown_pairing(&names)?;
    let code = if layout == Layout::Wide {
        Code::UnknownWordsWide
    } else {
        Code::UnknownWordsLong
    };
    warnings.push(Warning::new(None, code, crate::args![a = a, b = b]));
    Some((a, b))
}

/// Where a column of the first file is in every file, by its folded name.
struct Locate<'a> {
    sources: &'a [Source],
    /// Each file's header folded once: columns are found by name in constant
    /// time (100,000 columns must not mean 10¹⁰ comparisons).
    header_index: Vec<FxHashMap<String, usize>>,
}

impl<'a> Locate<'a> {
    fn new(sources: &'a [Source]) -> Self {
        let header_index = sources
            .iter()
            .map(|t| {
                let mut m = FxHashMap::default();
                for (i, h) in t.headers.iter().enumerate() {
                    m.entry(fold(h)).or_insert(i);
                }
                m
            })
            .collect();
        Locate {
            sources,
            header_index,
        }
    }

    /// The column's index in each file; a file without it is an error.
    fn cols(&self, name_folded: &str) -> UResult<Vec<usize>> {
        self.sources
            .iter()
            .zip(&self.header_index)
            .map(|(t, index)| {
                index.get(name_folded).copied().ok_or_else(|| {
                    UserError::new(format!(
                        "column \"{name_folded}\" of the first file is missing here"
                    ))
                    .file(&t.name)
                    .line(1)
                    .hint("files read together need the same columns (in any order)")
                    .es(
                        format!("falta aquí la columna \"{name_folded}\" del primer archivo"),
                        Some("los archivos leídos juntos necesitan las mismas columnas (en cualquier orden)"),
                    )
                })
            })
            .collect()
    }
}

/// The long layout: every candidate column is a domain, the same column at
/// every wave.
fn long_domains(first: &First, candidates: &[usize], locate: &Locate) -> UResult<Vec<DomainCols>> {
    let mut domain_cols: Vec<DomainCols> = Vec::new();
    for &c in candidates {
        let cols = locate.cols(&fold(&first.headers[c]))?;
        domain_cols.push(DomainCols {
            name: first.headers[c].clone(),
            cols: cols.into_iter().map(|x| [x, x]).collect(),
            spec: None,
            attribute_only: false,
        });
    }
    Ok(domain_cols)
}

/// The wide layout's columns: which wave word each carries, its partner at the
/// other wave, and the words that are not wave words.
struct Wide<'a> {
    first: &'a First<'a>,
    parts: &'a [Option<WidePart>],
    partner: &'a dyn Fn(usize) -> Option<usize>,
    unknown_words: Option<&'a (String, String)>,
    locate: &'a Locate<'a>,
}

impl Wide<'_> {
    /// The wide layout's domains: a pre and a post column paired by name (a
    /// column without a partner, or a second one for the same wave, is left out
    /// with a warning); a column without a wave word is an attribute, unless it
    /// ends in a word that pairs but is not a wave word.
    fn domains(
        &self,
        candidates: &[usize],
        warnings: &mut Vec<Warning>,
    ) -> UResult<Vec<DomainCols>> {
        let (first, parts, locate) = (self.first, self.parts, self.locate);
        let mut domain_cols: Vec<DomainCols> = Vec::new();
        let mut done = vec![false; first.headers.len()];
        for &c in candidates {
            if done[c] {
                continue;
            }
            let h = &first.headers[c];
            match &parts[c] {
                Some(part) => {
                    let Some(p) = (self.partner)(c) else {
                        warnings.push(Warning::new(
                            Some(h),
                            Code::NoPartner,
                            crate::args![column = h],
                        ));
                        done[c] = true;
                        continue;
                    };
                    if done[p] {
                        warnings.push(Warning::new(
                            Some(h),
                            Code::SecondOfWave,
                            crate::args![column = h, partner = part.written],
                        ));
                        done[c] = true;
                        continue;
                    }
                    done[c] = true;
                    done[p] = true;
                    let (pre, post) = if part.wave == 0 { (c, p) } else { (p, c) };
                    let pre_cols = locate.cols(&fold(&first.headers[pre]))?;
                    let post_cols = locate.cols(&fold(&first.headers[post]))?;
                    let name = parts[pre]
                        .as_ref()
                        .map_or_else(|| h.clone(), |p| p.written.clone());
                    domain_cols.push(DomainCols {
                        name,
                        cols: pre_cols
                            .into_iter()
                            .zip(post_cols)
                            .map(|(a, b)| [a, b])
                            .collect(),
                        spec: None,
                        attribute_only: false,
                    });
                }
                None if self.ends_in_unknown(h) => done[c] = true,
                None => {
                    // A participant characteristic (sex, age): the same column
                    // at both waves, set apart as an attribute (contract §6.1).
                    done[c] = true;
                    let cols = locate.cols(&fold(h))?;
                    domain_cols.push(DomainCols {
                        name: h.clone(),
                        cols: cols.into_iter().map(|x| [x, x]).collect(),
                        spec: None,
                        attribute_only: true,
                    });
                }
            }
        }
        Ok(domain_cols)
    }

    /// The column's name ends in one of the words that pair but are not wave
    /// words.
    fn ends_in_unknown(&self, h: &str) -> bool {
        let f = fold(h);
        self.unknown_words.is_some_and(|(a, b)| {
            SEPARATORS
                .iter()
                .any(|s| f.ends_with(&format!("{s}{a}")) || f.ends_with(&format!("{s}{b}")))
        })
    }
}

/// Spec domains: attach each `[[domain]]` entry to its column by name; a
/// column that is not a domain column is an error naming the spec's line.
/// Scales and z-scores are attached when derived (derived.rs).
fn attach_spec(spec: &Spec, domain_cols: &mut [DomainCols]) -> UResult<()> {
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
            .hint(format!("domain columns are: {}", names.join(", ")))
            .es(
                format!(
                    "la columna \"{}\" de [[domain]] no es una columna de dominio de los datos",
                    d.column
                ),
                Some(&format!(
                    "las columnas de dominio son: {}",
                    names.join(", ")
                )),
            ));
        };
        dc.spec = Some(d.clone());
    }
    Ok(())
}

/// The first table's header, where domains are found.
struct First<'a> {
    headers: &'a [String],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> [Vec<String>; 2] {
        wide_words(&[None, None])
    }

    #[test]
    fn wide_names_keep_their_spelling() {
        let part = |n: &str| wide_part(n, &words()).map(|p| (p.written, p.wave));
        assert_eq!(part("Empatía_pre"), Some(("Empatía".into(), 0)));
        assert_eq!(part("niño_Después"), Some(("niño".into(), 1)));
        assert_eq!(part("PRE_lectura"), Some(("lectura".into(), 0)));
        assert_eq!(part("x_antes").map(|p| p.1), Some(0));
    }

    #[test]
    fn any_pre_word_pairs_with_any_post_word() {
        let w = words();
        for (pre, post) in [
            ("q1_inicial", "q1_final"),
            ("q1_t0", "q1_t1"),
            ("peso.pretest", "peso.posttest"),
            ("lectura-baseline", "lectura-endline"),
            ("antes_x", "despues_x"),
        ] {
            let (a, b) = (wide_part(pre, &w).unwrap(), wide_part(post, &w).unwrap());
            assert_eq!((a.wave, b.wave), (0, 1), "{pre} {post}");
            assert_eq!(a.base, b.base);
        }
        // A word inside a name is not a suffix.
        assert_eq!(wide_part("prevalencia", &w), None);
        assert_eq!(wide_part("final", &w), None);
        // Words named with --pre/--post count too.
        let named = wide_words(&[Some("Inicio".into()), Some("cierre".into())]);
        assert_eq!(wide_part("q2_inicio", &named).map(|p| p.wave), Some(0));
    }

    #[test]
    fn unknown_wave_words_are_noticed() {
        let names = ["q1_inicio", "q1_cierre", "q2_inicio", "q2_cierre", "edad"];
        assert_eq!(
            unknown_pairing(&names),
            Some(("cierre".to_string(), "inicio".to_string()))
        );
        assert_eq!(unknown_pairing(&["q1_inicio", "q1_cierre", "edad"]), None);
    }
}
