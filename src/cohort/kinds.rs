//! What kind each domain is (contract §2.5): binary, continuous or categorical, its
//! levels, and its final values.

use super::Kind;
use super::rows::{MAX_DISTINCT, NO_CODE, Tally};
use crate::error::{UResult, UserError};
use crate::input::spec::{DomainSpec, Threshold};
use crate::input::values::{Cell, classify, parse_number};
use crate::text::fold;
use crate::warning::{Code, Warning};

/// One domain once every row is read: numbers in `values`, text as codes into the
/// tally's texts (when the domain holds text). The kind is decided by [`Acc::finish`].
pub(super) struct Acc {
    /// Per wave, in order.
    pub(super) values: Vec<Vec<f64>>,
    pub(super) codes: Option<Vec<Vec<u32>>>,
    pub(super) tally: Tally,
}

pub(super) enum Finished {
    /// Left out, with the warning that says why (its domain filled in by the caller).
    Skipped(Warning),
    Domain {
        kind: Kind,
        levels: Vec<String>,
        values: Vec<Vec<f64>>,
        ordered: bool,
    },
}

/// How `finish` names one domain in its messages: the domain, its column, its
/// `[[domain]]` entry and spec file, and how a row's line is added.
struct Names<'a> {
    name: &'a str,
    col_name: &'a str,
    spec_d: Option<&'a DomainSpec>,
    spec_file: Option<&'a str>,
    error_at: &'a (dyn Fn(u64, UserError) -> UserError + Sync),
}

impl Names<'_> {
    /// Text (`what` = "text") or a non-finite number in a numeric domain, at
    /// its row.
    fn numeric_error(&self, at: u64, raw: &str, what: &str) -> UserError {
        let col_name = self.col_name;
        (self.error_at)(
            at,
            UserError::new(format!("{what} \"{raw}\" in numeric domain \"{col_name}\""))
                .column(col_name)
                .hint("correct the value, or mark it missing (empty or NA)")
                .es(
                    format!(
                        "{} \"{raw}\" en el dominio numérico \"{col_name}\"",
                        if what == "text" {
                            "texto"
                        } else {
                            "número no finito"
                        }
                    ),
                    Some("corrija el valor, o márquelo como faltante (vacío o NA)"),
                ),
        )
    }

    /// Text in a numeric domain: at the first text's row, else without a row.
    fn text_error(&self, first_text: Option<(u64, &str)>) -> UserError {
        let col_name = self.col_name;
        match first_text {
            Some((at, raw)) => self.numeric_error(at, raw, "text"),
            None => UserError::new(format!("text in numeric domain \"{col_name}\""))
                .es(format!("texto en el dominio numérico \"{col_name}\""), None),
        }
    }
}

/// The tally's distinct texts classified once: yes/no words, or other text
/// (numbers read as text are neither).
struct Texts {
    /// Per distinct text, its meaning when it is a yes/no word.
    words: Vec<Option<bool>>,
    /// Cells holding a yes/no word.
    n_word: usize,
    /// Cells holding other text (only when the domain keeps text codes).
    n_text: usize,
    /// The row and the index of the earliest other text.
    first_text: Option<(u64, usize)>,
}

/// 1 where a number passes the domain's threshold, 0 where not.
fn apply_threshold(values: &mut [Vec<f64>], th: Option<Threshold>) {
    if let Some(th) = th {
        for v in values.iter_mut().flatten() {
            if !v.is_nan() {
                *v = f64::from(u8::from(th.passes(*v)));
            }
        }
    }
}

impl Acc {
    /// Decide the kind and produce the final values.
    pub(super) fn finish(
        mut self,
        name: &str,
        col_name: &str,
        spec_d: Option<&DomainSpec>,
        spec_file: Option<&str>,
        error_at: &(dyn Fn(u64, UserError) -> UserError + Sync),
    ) -> UResult<Finished> {
        let names = Names {
            name,
            col_name,
            spec_d,
            spec_file,
            error_at,
        };
        let texts = self.texts();
        let total = self.tally.n_num + texts.n_word + texts.n_text;
        if total == 0 && !self.tally.too_many {
            return Ok(Finished::Skipped(Warning::new(
                None,
                Code::AllMissing,
                Vec::new(),
            )));
        }
        let threshold = spec_d
            .and_then(|s| s.pass.as_deref())
            .and_then(Threshold::parse);
        let spec_levels = spec_d.and_then(|s| s.levels.clone());
        if let Some(pos) = spec_d.and_then(|s| s.positive.as_ref()) {
            let line = spec_d.map_or(0, |s| s.line);
            return self.positive(pos, name, col_name, spec_file, line);
        }
        let kind = self.kind(&names, &texts, total, threshold.is_some())?;
        let mut values = std::mem::take(&mut self.values);
        match kind {
            Kind::Continuous => {
                if texts.n_text + texts.n_word > 0 {
                    return Err(names.text_error(self.first_text(&texts)));
                }
                apply_threshold(&mut values, threshold);
            }
            Kind::Binary => {
                apply_threshold(&mut values, threshold);
                self.binary_words(&names, &texts.words, &mut values)?;
                self.check_binary(&names, &values, threshold.is_some())?;
            }
            Kind::Categorical => {
                return self.categorical(&names, values, spec_levels, total);
            }
        }
        Ok(Finished::Domain {
            kind,
            levels: Vec::new(),
            values,
            ordered: false,
        })
    }

    /// Classify each distinct text once: yes/no words or other text.
    fn texts(&self) -> Texts {
        let words: Vec<Option<bool>> = self
            .tally
            .texts
            .iter()
            .map(|t| match classify(t, false) {
                Cell::Word(b) => Some(b),
                _ => None,
            })
            .collect();
        let mut n_word = 0;
        let mut n_text = 0;
        let mut first_text: Option<(u64, usize)> = None;
        for (i, t) in self.tally.texts.iter().enumerate() {
            if words[i].is_some() {
                n_word += self.tally.text_count[i];
            } else if self.codes.is_some() && parse_number(t, false).is_none() {
                n_text += self.tally.text_count[i];
                if first_text.is_none_or(|(at, _)| self.tally.text_first[i] < at) {
                    first_text = Some((self.tally.text_first[i], i));
                }
            }
        }
        Texts {
            words,
            n_word,
            n_text,
            first_text,
        }
    }

    /// The earliest other text and its row.
    fn first_text(&self, texts: &Texts) -> Option<(u64, &str)> {
        texts
            .first_text
            .map(|(at, i)| (at, self.tally.texts[i].as_str()))
    }

    /// The kind (§2.5): binary with a threshold (text is then an error), the
    /// spec's kind, categorical with the spec's levels; otherwise from what was
    /// read: numbers only are binary when all 0 or 1, else continuous; numbers
    /// 0/1 and yes/no words are binary; mostly numbers with some text is an
    /// error (text in a numeric domain); the rest is categorical. A non-finite
    /// number is an error unless the domain is categorical.
    fn kind(&self, names: &Names, texts: &Texts, total: usize, threshold: bool) -> UResult<Kind> {
        let (n_text, n_word) = (texts.n_text, texts.n_word);
        let first_text = self.first_text(texts);
        let spec_d = names.spec_d;
        let spec_kind = spec_d.and_then(|s| s.kind.as_deref()).map(|k| match k {
            "binary" => Kind::Binary,
            "continuous" => Kind::Continuous,
            _ => Kind::Categorical,
        });
        let kind = if threshold {
            if n_text + n_word > 0 || self.tally.too_many {
                return Err(names.text_error(first_text.or_else(|| {
                    self.tally
                        .texts
                        .first()
                        .map(|t| (self.tally.text_first[0], t.as_str()))
                })));
            }
            Kind::Binary
        } else if let Some(k) = spec_kind {
            k
        } else if spec_d.is_some_and(|s| s.levels.is_some()) {
            Kind::Categorical
        } else if n_text == 0 && n_word == 0 && !self.tally.too_many {
            if let Some((at, raw)) = &self.tally.first_nonfinite {
                return Err(names.numeric_error(*at, raw, "non-finite number"));
            }
            if self.tally.all01() {
                Kind::Binary
            } else {
                Kind::Continuous
            }
        } else if n_text == 0
            && !self.tally.too_many
            && (self.tally.all01() || self.tally.n_num == 0)
        {
            Kind::Binary
        } else if self.tally.n_num * 2 > total {
            return Err(names.text_error(first_text));
        } else {
            Kind::Categorical
        };
        if kind != Kind::Categorical
            && let Some((at, raw)) = &self.tally.first_nonfinite
        {
            return Err(names.numeric_error(*at, raw, "non-finite number"));
        }
        Ok(kind)
    }

    /// A binary domain's yes/no words become 1 and 0; any other text in it is
    /// an error at its first row.
    fn binary_words(
        &self,
        names: &Names,
        words: &[Option<bool>],
        values: &mut [Vec<f64>],
    ) -> UResult<()> {
        let Some(codes) = &self.codes else {
            return Ok(());
        };
        let (name, col_name) = (names.name, names.col_name);
        for (vs, cs) in values.iter_mut().zip(codes) {
            for (v, &c) in vs.iter_mut().zip(cs) {
                if c == NO_CODE {
                    continue;
                }
                match words.get(c as usize).copied().flatten() {
                    Some(b) => *v = f64::from(u8::from(b)),
                    None if !v.is_nan() => {}
                    None => {
                        let t = &self.tally.texts[c as usize];
                        return Err((names.error_at)(
                            self.tally.text_first[c as usize],
                            UserError::new(format!("value \"{t}\" in binary domain \"{name}\""))
                                .column(col_name)
                                .hint("a binary domain holds 0/1, yes/no, sí/no or true/false")
                                .es(
                                    format!("valor \"{t}\" en el dominio sí/no \"{name}\""),
                                    Some(
                                        "un dominio sí/no contiene 0/1, sí/no, yes/no o true/false",
                                    ),
                                ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every number of a binary domain is 0 or 1: a number coded otherwise
    /// (a binary kind from the spec) is an error that says how to name the
    /// value meaning yes.
    fn check_binary(&self, names: &Names, values: &[Vec<f64>], threshold: bool) -> UResult<()> {
        let (name, col_name) = (names.name, names.col_name);
        // Every number read was 0 or 1 (and words and thresholds give 0 or 1)
        // unless the tally saw another.
        let check = !threshold && self.tally.not01;
        for v in values.iter().flatten().filter(|_| check) {
            if !v.is_nan() && *v != 0.0 && *v != 1.0 {
                let mut e = UserError::new(format!("value {v} in binary domain \"{name}\""))
                    .file(names.spec_file.unwrap_or_default());
                if let Some(line) = names.spec_d.map(|s| s.line).filter(|&l| l > 0) {
                    e = e.line(line);
                }
                return Err(e
                .column(col_name)
                .hint(format!("a binary domain holds 0/1, yes/no, sí/no or true/false; for an item coded otherwise say which value means yes in its [[domain]] entry: positive = 1, or pass = \"== {v}\""))
                .es(
                    format!("valor {v} en el dominio sí/no \"{name}\""),
                    Some(&format!("un dominio sí/no contiene 0/1, sí/no, yes/no o true/false; para un ítem con otra codificación indique qué valor significa sí en su entrada [[domain]]: positive = 1, o pass = \"== {v}\"")),
                ));
            }
        }
        Ok(())
    }

    /// A categorical domain: its levels, each cell's level number, or left out
    /// (dates, long text, free text, identifiers, a single text).
    fn categorical(
        &mut self,
        names: &Names,
        mut values: Vec<Vec<f64>>,
        spec_levels: Option<Vec<String>>,
        total: usize,
    ) -> UResult<Finished> {
        let codes = self.codes_for_numbers(&values);
        let (levels, level_of) = self.levels(names, spec_levels.as_ref())?;
        let ordered = spec_levels.is_some();
        if spec_levels.is_none() {
            if let Some(skip) = self.not_levels() {
                return Ok(Finished::Skipped(skip));
            }
            if let Some(skip) = self.free_text(levels.len(), total, false) {
                return Ok(Finished::Skipped(skip));
            }
        }
        let holders = level_numbers(&mut values, &codes, &level_of);
        if spec_levels.is_none() {
            // Text with about one distinct value per participant (five or more
            // values, held by at most twice as many participants) is names or
            // identifiers, not levels: printing it as levels would publish them.
            let identifier_like = levels.len() >= 5 && levels.len() * 2 >= holders;
            if let Some(skip) = self.free_text(levels.len(), total, identifier_like) {
                return Ok(Finished::Skipped(skip));
            }
            if levels.len() < 2 {
                return Ok(Finished::Skipped(Warning::new(
                    None,
                    Code::SingleText,
                    Vec::new(),
                )));
            }
        }
        Ok(Finished::Domain {
            kind: Kind::Categorical,
            levels,
            values,
            ordered,
        })
    }

    /// Each cell's text code; numbers read before the first text have no code
    /// yet: they get one (their text).
    fn codes_for_numbers(&mut self, values: &[Vec<f64>]) -> Vec<Vec<u32>> {
        let n = values[0].len();
        let mut codes = self
            .codes
            .take()
            .unwrap_or_else(|| values.iter().map(|_| vec![NO_CODE; n]).collect());
        if self.tally.numbers_before_text {
            for w in 0..values.len() {
                for i in 0..n {
                    let v = values[w][i];
                    if codes[w][i] == NO_CODE && !v.is_nan() {
                        codes[w][i] = self.tally.intern(&format!("{v}"), u64::MAX);
                    }
                }
            }
        }
        codes
    }

    /// Levels: distinct texts merged ignoring case and accents, in order of
    /// first appearance, or the spec's levels in their order (a text not among
    /// them is an error); with each text's level.
    fn levels(
        &self,
        names: &Names,
        spec_levels: Option<&Vec<String>>,
    ) -> UResult<(Vec<String>, Vec<usize>)> {
        let col_name = names.col_name;
        let mut levels: Vec<String> = Vec::new();
        let mut folded_levels: Vec<String> = Vec::new();
        let mut level_of: Vec<usize> = Vec::with_capacity(self.tally.texts.len());
        for t in &self.tally.texts {
            let f = fold(t);
            let i = match folded_levels.iter().position(|x| *x == f) {
                Some(i) => i,
                None => {
                    folded_levels.push(f);
                    levels.push(t.clone());
                    levels.len() - 1
                }
            };
            level_of.push(i);
        }
        if let Some(sl) = spec_levels {
            let sf: Vec<String> = sl.iter().map(|l| fold(l)).collect();
            let mut remap = Vec::with_capacity(levels.len());
            for (l, f) in levels.iter().zip(&folded_levels) {
                match sf.iter().position(|x| x == f) {
                    Some(i) => remap.push(i),
                    None => {
                        return Err(UserError::new(format!(
                            "value \"{l}\" of \"{col_name}\" is not one of the spec's levels ({})",
                            sl.join(", ")
                        ))
                        .file(names.spec_file.unwrap_or(""))
                        .hint("add it to levels = [...] or correct the data")
                        .es(
                            format!(
                                "el valor \"{l}\" de \"{col_name}\" no es uno de los niveles de la especificación ({})",
                                sl.join(", ")
                            ),
                            Some("añádalo a levels = [...] o corrija los datos"),
                        ));
                    }
                }
            }
            for x in &mut level_of {
                *x = remap[*x];
            }
            levels = sl.clone();
        }
        Ok((levels, level_of))
    }

    /// Dates and long free text are not outcomes (issue: a date column read as
    /// levels, comments as a categorical domain): the warning that leaves such
    /// a column out.
    fn not_levels(&self) -> Option<Warning> {
        let texts: Vec<&String> = self
            .tally
            .texts
            .iter()
            .filter(|t| parse_number(t, false).is_none())
            .collect();
        if !texts.is_empty()
            && texts
                .iter()
                .all(|t| matches!(crate::stats::anthro::parse_date(t), Ok(Some(_))))
        {
            return Some(Warning::new(None, Code::Dates, Vec::new()));
        }
        let long = texts.iter().filter(|t| t.chars().count() > 60).count();
        if !texts.is_empty() && long * 2 >= texts.len() {
            return Some(Warning::new(None, Code::LongText, Vec::new()));
        }
        None
    }

    /// Free text, not levels: too many distinct texts to count, more than 20
    /// levels, one level per row (10 rows or more), or identifier-like.
    fn free_text(&self, n_levels: usize, total: usize, identifier_like: bool) -> Option<Warning> {
        if self.tally.too_many
            || n_levels > 20
            || (n_levels == total && total >= 10)
            || identifier_like
        {
            let (code, count) = if self.tally.too_many {
                (Code::FreeTextMany, MAX_DISTINCT)
            } else {
                (Code::FreeText, n_levels)
            };
            return Some(Warning::new(None, code, crate::args![count = count]));
        }
        None
    }

    /// A binary domain from an item coded with two values, `positive` the one that
    /// means yes (`positive = 1` for 1 = sí, 2 = no).
    fn positive(
        mut self,
        pos: &crate::input::spec::Positive,
        name: &str,
        col_name: &str,
        spec_file: Option<&str>,
        line: u64,
    ) -> UResult<Finished> {
        use crate::input::spec::Positive;
        let is_yes_text = |t: &str| match pos {
            Positive::Text(p) => fold(p) == fold(t),
            Positive::Number(x) => parse_number(t, true) == Some(*x),
        };
        let is_yes_number = |v: f64| match pos {
            Positive::Number(x) => v == *x,
            Positive::Text(p) => parse_number(p, true) == Some(v),
        };
        let mut values = std::mem::take(&mut self.values);
        let mut seen: Vec<String> = Vec::new();
        for (w, col) in values.iter_mut().enumerate() {
            for (i, v) in col.iter_mut().enumerate() {
                let code = self.codes.as_ref().map_or(NO_CODE, |c| c[w][i]);
                let (text, yes) = if code != NO_CODE {
                    let t = &self.tally.texts[code as usize];
                    (fold(t), is_yes_text(t))
                } else if v.is_nan() {
                    continue;
                } else {
                    (format!("{v}"), is_yes_number(*v))
                };
                if !seen.contains(&text) {
                    seen.push(text);
                }
                *v = f64::from(u8::from(yes));
            }
        }
        if seen.len() > 2 {
            let e = UserError::new(format!(
                "\"{col_name}\" has {} different values ({}); positive = … makes a yes/no domain of an item with two",
                seen.len(),
                seen.join(", ")
            ))
            .file(spec_file.unwrap_or_default())
            .column(col_name)
            .hint(format!("for a score, give [[domain]] \"{name}\" a threshold instead: pass = \">= 3\""))
            .es(
                format!(
                    "\"{col_name}\" tiene {} valores distintos ({}); positive = … hace un dominio sí/no de un ítem con dos",
                    seen.len(),
                    seen.join(", ")
                ),
                Some(&format!("para una puntuación, dé a [[domain]] \"{name}\" un umbral: pass = \">= 3\"")),
            );
            return Err(if line > 0 { e.line(line) } else { e });
        }
        Ok(Finished::Domain {
            kind: Kind::Binary,
            levels: Vec::new(),
            values,
            ordered: false,
        })
    }
}

/// Each cell's level number (NaN without text), in one pass; the count of
/// participants holding a text in some wave (for the identifier test).
fn level_numbers(values: &mut [Vec<f64>], codes: &[Vec<u32>], level_of: &[usize]) -> usize {
    let level = |c: u32| level_of.get(c as usize).map_or(f64::NAN, |&l| l as f64);
    let mut holders = 0;
    if let [v0, v1] = values {
        for (i, (v0, v1)) in v0.iter_mut().zip(v1.iter_mut()).enumerate() {
            let (c0, c1) = (codes[0][i], codes[1][i]);
            holders += usize::from(c0 != NO_CODE || c1 != NO_CODE);
            (*v0, *v1) = (level(c0), level(c1));
        }
    } else {
        let n = values[0].len();
        for i in 0..n {
            let mut held = false;
            for (vs, cs) in values.iter_mut().zip(codes) {
                held |= cs[i] != NO_CODE;
                vs[i] = level(cs[i]);
            }
            holders += usize::from(held);
        }
    }
    holders
}

/// The spec's `domains = [...]`: only the listed columns are outcomes, besides those
/// the spec or flags use otherwise (`[[domain]]` entries, scale items, anthropometry,
/// covariates) and a wide file's columns without a wave word (attributes). A listed
/// name that is no column is an error naming the spec's line.
pub(super) fn keep_listed(
    cols: &mut Vec<super::layout::DomainCols>,
    spec: Option<&crate::input::spec::Spec>,
    covariates: &[String],
) -> UResult<()> {
    let Some((spec, list)) = spec.and_then(|s| s.only.as_ref().map(|l| (s, l))) else {
        return Ok(());
    };
    let listed: Vec<String> = list.iter().map(|l| fold(l)).collect();
    if let Some(absent) = list
        .iter()
        .zip(&listed)
        .find(|(_, f)| !cols.iter().any(|c| fold(&c.name) == **f))
    {
        let names: Vec<&str> = cols
            .iter()
            .filter(|c| !c.attribute_only)
            .map(|c| c.name.as_str())
            .collect();
        let mut e = UserError::new(format!(
            "domains = [...] names \"{}\", which is not a column that can be an outcome",
            absent.0
        ))
        .file(&spec.file)
        .hint(format!(
            "correct the name (roles and ignored columns cannot be outcomes); the candidates are: {}",
            names.join(", ")
        ));
        if spec.only_line > 0 {
            e = e.line(spec.only_line);
        }
        return Err(e);
    }
    let used: Vec<String> = spec
        .input_columns()
        .into_iter()
        .chain(covariates.iter().map(String::as_str))
        .map(fold)
        .collect();
    cols.retain(|c| {
        let f = fold(&c.name);
        c.spec.is_some() || c.attribute_only || listed.contains(&f) || used.contains(&f)
    });
    Ok(())
}
