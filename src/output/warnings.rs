//! Warnings for people (table, Markdown, HTML, Word, stderr): in the report's
//! language, long values cut, and the warnings of one kind grouped in one line with
//! a count and the first few cases (docs/warnings.md). The JSON keeps every warning.

use super::fmt::Lang;
use super::i18n::words;
use crate::warning::{MAX_VALUE_CHARS, Warning, cut, cut_quoted, render, shown_value};

/// How many cases a grouped line names before "… and N more".
pub const SHOWN: usize = 3;

/// One line of the warnings section: the domain (bold in HTML) and the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub domain: Option<String>,
    pub text: String,
}

impl Line {
    /// `domain: text`, or the text alone.
    pub fn plain(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}: {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// The lines of `warnings` in `lang` ("en" or "es"): one per warning, or one per
/// kind when a kind repeats, in the order each kind first appears.
pub fn lines(warnings: &[Warning], lang: &str) -> Vec<Line> {
    let mut groups: Vec<Vec<&Warning>> = Vec::new();
    for w in warnings {
        match groups.iter_mut().find(|g| g[0].code == w.code) {
            Some(g) => g.push(w),
            None => groups.push(vec![w]),
        }
    }
    groups
        .into_iter()
        .map(|g| match g.as_slice() {
            [w] => Line {
                domain: w
                    .domain
                    .as_deref()
                    .map(|d| cut(d, MAX_VALUE_CHARS).into_owned()),
                text: w.render(lang, true),
            },
            _ => grouped(&g, lang),
        })
        .collect()
}

/// "12 domains: every value is missing; domain skipped — a, b, c, … and 9 more".
/// Arguments that differ between the cases read "…" in the text and are named with
/// each case.
fn grouped(ws: &[&Warning], lang: &str) -> Line {
    let w = words(Lang::from_code(lang));
    let first = ws[0];
    let differs = |name: &str| {
        let value = |w: &Warning| {
            w.args
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        };
        ws.iter().any(|w| value(w) != value(first))
    };
    let differing: Vec<&'static str> = first
        .args
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| differs(k))
        .collect();
    let scope_differs = ws.iter().any(|w| w.scope != first.scope);
    let args: Vec<(&'static str, String)> = first
        .args
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if differing.contains(k) {
                    "…".to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let mut text = render(first.code, &args, lang, true).replace("… …", "…");
    if !scope_differs {
        text = format!("{}{text}", cut_quoted(&first.scope, 4 * MAX_VALUE_CHARS));
    }
    // One domain for every case: said once, before the line.
    let domain = first
        .domain
        .as_ref()
        .filter(|d| ws.iter().all(|c| c.domain.as_ref() == Some(*d)));
    // Distinct labels in order (a set: a kind can repeat 100,000 times).
    let mut labels: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for c in ws {
        let mut label = String::new();
        if scope_differs {
            label.push_str(c.scope.trim_end_matches(": "));
        }
        if let Some(d) = c.domain.as_ref().filter(|_| domain.is_none()) {
            if !label.is_empty() {
                label.push_str(" · ");
            }
            label.push_str(d);
        }
        let values: Vec<String> = c
            .args
            .iter()
            .filter(|(k, _)| differing.contains(k))
            .map(|(k, v)| shown_value(k, v, lang))
            .collect();
        // A value that only repeats the case's domain ("sexo (sexo)") is said once.
        let repeats_domain = values.len() == 1 && c.domain.as_deref() == Some(values[0].as_str());
        if !values.is_empty() && !repeats_domain {
            label = if label.is_empty() {
                values.join(" ")
            } else {
                format!("{label} ({})", values.join(" "))
            };
        }
        let label = cut(&label, MAX_VALUE_CHARS).into_owned();
        if !label.is_empty() && seen.insert(label.clone()) {
            labels.push(label);
        }
    }
    let n = ws.len().to_string();
    let domain = domain.map(|d| cut(d, MAX_VALUE_CHARS).into_owned());
    if labels.is_empty() {
        return Line {
            domain,
            text: format!("{text} {}", w.w_times.replace("{n}", &n)),
        };
    }
    let all_domains = differing.is_empty()
        && !scope_differs
        && domain.is_none()
        && ws.iter().all(|c| c.domain.is_some());
    let noun = if all_domains { w.w_domains } else { w.w_cases };
    let mut cases = labels
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > SHOWN {
        cases.push_str(&format!(
            ", {}",
            w.w_more.replace("{n}", &(labels.len() - SHOWN).to_string())
        ));
    }
    // "notice: …" keeps its word first: "notice (3 cases): …".
    let count = noun.replace("{n}", &n);
    let text = match ["notice", "nota"]
        .iter()
        .find_map(|p| Some((*p, text.strip_prefix(p)?.strip_prefix(": ")?)))
    {
        Some((word, rest)) => format!("{word} ({count}): {rest} — {cases}"),
        None => format!("{count}: {text} — {cases}"),
    };
    Line { domain, text }
}

/// A file's name as shown to people: a workbook's `[sheet S]` in the language.
pub fn file_name(name: &str, lang: Lang) -> String {
    let w = words(lang);
    name.replace(" [sheet ", &format!(" [{} ", w.sheet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args;
    use crate::warning::Code;

    #[test]
    fn a_repeated_kind_is_one_line_with_a_count() {
        let ws: Vec<Warning> = ["anxiety", "peso", "talla", "a", "b"]
            .iter()
            .map(|d| Warning::new(Some(d), Code::AllMissing, Vec::new()))
            .chain([Warning::new(None, Code::ByMissing, args![n = 3])])
            .collect();
        let l = lines(&ws, "en");
        assert_eq!(l.len(), 2);
        assert_eq!(
            l[0].text,
            "5 domains: every value is missing; domain skipped — anxiety, peso, talla, … and 2 more"
        );
        let l = lines(&ws, "es");
        assert!(
            l[0].text
                .starts_with("5 dominios: todos los valores faltan"),
            "{}",
            l[0].text
        );
        assert!(l[0].text.ends_with("… y 2 más"));
        assert_eq!(
            l[1].text,
            "3 filas no tienen valor en la columna de --by; solo cuentan en los resultados conjuntos"
        );
    }

    #[test]
    fn differing_arguments_name_each_case() {
        let ws: Vec<Warning> = [
            ("peso", "did", "ancova"),
            ("talla", "between:post", "welch_t"),
        ]
        .iter()
        .map(|(d, c, m)| {
            Warning::new(Some(d), Code::Untestable, args![comparison = c, method = m])
                .within("centro = 3")
        })
        .collect();
        let l = lines(&ws, "en");
        assert_eq!(
            l[0].text,
            "2 cases: centro = 3: …: cannot be tested (too few observations or no variation); p-value is null — peso (did ancova), talla (between:post welch_t)"
        );
    }

    #[test]
    fn one_domain_is_said_once_and_values_in_the_language() {
        let ws: Vec<Warning> = [("between:pre", "3.00"), ("between:post", "2.50")]
            .iter()
            .map(|(c, x)| {
                Warning::new(
                    Some("level"),
                    Code::ExpectedCount,
                    args![comparison = c, x = x],
                )
            })
            .collect();
        let l = lines(&ws, "es");
        assert_eq!(l[0].domain.as_deref(), Some("level"));
        assert_eq!(
            l[0].text,
            "2 casos: …: una frecuencia esperada es menor que 5 (…); el valor p de χ² puede ser inexacto — between:pre 3,00, between:post 2,50"
        );
    }

    #[test]
    fn sheets_are_named_in_the_language() {
        assert_eq!(
            file_name("b.xlsx [sheet Datos]", Lang::Es),
            "b.xlsx [hoja Datos]"
        );
    }
}
