//! The typed cohort: participants (arm, stratum, which waves they were seen in) and
//! domains (kind, levels, one value per participant and wave), built from the sources.

use crate::error::{UResult, UserError};
use crate::input::read::{Source, field};
use crate::input::roles::{self, side_of};
use crate::input::spec::{DomainSpec, Label, Spec, Threshold};
use crate::input::values::{Cell, classify, is_missing, parse_number};
use crate::text::fold;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arm {
    Intervention,
    Control,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wave {
    Pre,
    Post,
}

impl Arm {
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn name(self) -> &'static str {
        match self {
            Arm::Intervention => "intervention",
            Arm::Control => "control",
        }
    }
}

impl Wave {
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn name(self) -> &'static str {
        match self {
            Wave::Pre => "pre",
            Wave::Post => "post",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Long,
    Wide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    PrePostControl,
    PrePost,
    PostOnlyControl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Continuous,
    Binary,
    Categorical,
}

/// The original arm and wave labels, as written in the data.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Labels {
    pub intervention: Option<String>,
    pub control: Option<String>,
    pub pre: Option<String>,
    pub post: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub message: String,
}

impl Warning {
    pub fn new(domain: Option<&str>, message: impl Into<String>) -> Self {
        Warning {
            domain: domain.map(str::to_string),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Participant {
    pub arm: Arm,
    /// Index into [`Strata::values`], when `--by` is used and the value is not missing.
    pub stratum: Option<u32>,
    /// Whether a row of this participant was read at each wave.
    pub present: [bool; 2],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Strata {
    pub column: String,
    pub values: Vec<String>,
}

/// One domain: a value per participant and wave (`NaN` = missing or not seen).
/// Binary values are 0/1, categorical values are level indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub name: String,
    pub label: Option<Label>,
    pub kind: Kind,
    pub levels: Vec<String>,
    pub higher_is_better: bool,
    /// Levels in a meaningful order (given by the spec's `levels`): transitions apply.
    pub ordered: bool,
    pub values: [Vec<f64>; 2],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub files: Vec<String>,
    pub layout: Layout,
    pub rows: usize,
    pub design: Design,
    pub paired: bool,
    pub has_id: bool,
    pub labels: Labels,
    pub arms: Vec<Arm>,
    pub waves: Vec<Wave>,
    pub participants: Vec<Participant>,
    pub strata: Option<Strata>,
    pub domains: Vec<Domain>,
    pub warnings: Vec<Warning>,
    pub title: Option<String>,
    pub lang: Option<String>,
}

/// How the user named roles and labels (flags; the spec fills what flags leave open).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub id: Option<String>,
    pub group: Option<String>,
    pub wave: Option<String>,
    pub intervention: Option<String>,
    pub control: Option<String>,
    pub pre: Option<String>,
    pub post: Option<String>,
    pub ignore: Vec<String>,
    pub by: Option<String>,
}

/// A domain's source columns in each table: (pre column, post column). In the long
/// layout both are the same column.
struct DomainCols {
    name: String,
    cols: Vec<[usize; 2]>,
    spec: Option<DomainSpec>,
}

const WIDE_SUFFIXES: &[(&str, &str)] = &[
    ("_pre", "_post"),
    (".pre", ".post"),
    ("_baseline", "_endline"),
    ("_antes", "_despues"),
];
const WIDE_PREFIXES: &[(&str, &str)] = &[("pre_", "post_"), ("pre.", "post.")];

/// If `name` is the pre or post column of a wide pair, return (base, wave, partner name).
fn wide_part(name: &str) -> Option<(String, usize, String)> {
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
fn wide_base_written(name: &str) -> String {
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

/// The first source's name and header, kept while the sources are read.
struct First {
    name: String,
    headers: Vec<String>,
}

/// Arm or wave labels mapped to sides (0/1) as rows come, remembering every label
/// found, so that problems can be reported with the full list at the end.
struct LabelMap {
    named: [Option<String>; 2],
    builtin: [&'static [&'static str]; 2],
    /// Waves: at most two, one per side; other named-away labels are dropped.
    waves: bool,
    /// Labels as written → side; few distinct labels, so a linear scan is fastest.
    cache: Vec<(String, Option<u8>)>,
    /// Distinct labels (folded, as first written).
    found: Vec<(String, String)>,
    first_written: [Option<String>; 2],
    unknown: Vec<(String, u64)>,
    dropped: Vec<(String, usize)>,
    same_side: Option<(String, String)>,
}

impl LabelMap {
    fn new(named: [Option<String>; 2], builtin: [&'static [&'static str]; 2], waves: bool) -> Self {
        LabelMap {
            named,
            builtin,
            waves,
            cache: Vec::new(),
            found: Vec::new(),
            first_written: [None, None],
            unknown: Vec::new(),
            dropped: Vec::new(),
            same_side: None,
        }
    }

    fn written(&self) -> Vec<String> {
        self.found.iter().map(|f| f.1.clone()).collect()
    }

    /// The side of a label, or None when its rows are dropped (unknown or not chosen).
    fn side(&mut self, raw: &str, at: u64) -> Option<u8> {
        if let Some(&(_, s)) = self.cache.iter().find(|c| c.0 == raw) {
            if s.is_none() {
                self.count_dropped(raw);
            }
            return s;
        }
        let f = fold(raw);
        if !self.found.iter().any(|x| x.0 == f) {
            self.found.push((f.clone(), raw.to_string()));
        }
        let named = [self.named[0].as_deref(), self.named[1].as_deref()];
        let choose = self.waves && named[0].is_some() && named[1].is_some();
        let side = side_of(raw, named, self.builtin).map(|s| s as u8);
        let side = match side {
            Some(_) if choose && !named.iter().flatten().any(|n| fold(n) == f) => None,
            Some(s) => {
                match &self.first_written[s as usize] {
                    None => self.first_written[s as usize] = Some(raw.to_string()),
                    Some(w) if self.waves && fold(w) != f && self.same_side.is_none() => {
                        self.same_side = Some((w.clone(), raw.to_string()));
                    }
                    _ => {}
                }
                Some(s)
            }
            None => None,
        };
        if side.is_none() && !choose {
            self.unknown.push((raw.to_string(), at));
        }
        self.cache.push((raw.to_string(), side));
        if side.is_none() {
            self.count_dropped(raw);
        }
        side
    }

    fn count_dropped(&mut self, raw: &str) {
        let f = fold(raw);
        match self.dropped.iter_mut().find(|d| d.0 == f) {
            Some(d) => d.1 += 1,
            None => self.dropped.push((f, 1)),
        }
    }
}

const NO_CODE: u32 = u32::MAX;

/// Text with about one distinct value per participant (five or more values, held by
/// at most twice as many participants) is names or identifiers, not levels: printing
/// it as levels would publish them.
fn identifier_like(levels: usize, codes: &[Vec<u32>; 2]) -> bool {
    let holders = codes[0]
        .iter()
        .zip(&codes[1])
        .filter(|(a, b)| **a != NO_CODE || **b != NO_CODE)
        .count();
    levels >= 5 && levels * 2 >= holders
}
const MAX_DISTINCT: usize = 1000;

/// One domain's values as they are read: numbers in `values`, text as codes into
/// `texts` (allocated when the first text arrives). The kind is decided at the end.
#[derive(Default)]
struct Acc {
    values: [Vec<f64>; 2],
    codes: Option<[Vec<u32>; 2]>,
    texts: Vec<String>,
    text_index: FxHashMap<String, u32>,
    /// Per text: cells holding it, and where it first appeared.
    text_count: Vec<usize>,
    text_first: Vec<u64>,
    n_num: usize,
    all01: bool,
    first_nonfinite: Option<(u64, String)>,
    numbers_before_text: bool,
    too_many: bool,
}

enum Finished {
    Skipped(String),
    Domain {
        kind: Kind,
        levels: Vec<String>,
        values: [Vec<f64>; 2],
        ordered: bool,
    },
}

impl Acc {
    fn grow(&mut self) {
        self.values[0].push(f64::NAN);
        self.values[1].push(f64::NAN);
        if let Some(c) = &mut self.codes {
            c[0].push(NO_CODE);
            c[1].push(NO_CODE);
        }
    }

    fn intern(&mut self, raw: &str, at: u64) -> u32 {
        let found = if self.texts.len() <= 8 {
            self.texts.iter().position(|t| t == raw).map(|i| i as u32)
        } else {
            self.text_index.get(raw).copied()
        };
        if let Some(c) = found {
            self.text_count[c as usize] += 1;
            return c;
        }
        if self.texts.len() >= MAX_DISTINCT {
            self.too_many = true;
            return NO_CODE;
        }
        let c = self.texts.len() as u32;
        self.texts.push(raw.to_string());
        self.text_index.insert(raw.to_string(), c);
        self.text_count.push(1);
        self.text_first.push(at);
        c
    }

    fn push(&mut self, w: usize, pid: u32, raw: &str, at: u64, decimal_comma: bool) {
        if is_missing(raw) {
            return;
        }
        let p = pid as usize;
        match parse_number(raw, decimal_comma) {
            Some(x) if x.is_finite() => {
                self.n_num += 1;
                if self.n_num == 1 {
                    self.all01 = true;
                }
                if x != 0.0 && x != 1.0 {
                    self.all01 = false;
                }
                self.values[w][p] = x;
                if self.codes.is_some() {
                    let c = self.intern(raw, at);
                    if let Some(codes) = &mut self.codes {
                        codes[w][p] = c;
                    }
                } else {
                    self.numbers_before_text = true;
                }
            }
            Some(_) => {
                self.n_num += 1;
                self.all01 = false;
                if self.first_nonfinite.is_none() {
                    self.first_nonfinite = Some((at, raw.to_string()));
                }
            }
            None => {
                if self.codes.is_none() {
                    let n = self.values[0].len();
                    self.codes = Some([vec![NO_CODE; n], vec![NO_CODE; n]]);
                }
                let c = self.intern(raw, at);
                if let Some(codes) = &mut self.codes {
                    codes[w][p] = c;
                }
            }
        }
    }

    /// Decide the kind and produce the final values.
    fn finish(
        mut self,
        name: &str,
        col_name: &str,
        spec_d: Option<&DomainSpec>,
        spec_file: Option<&str>,
        error_at: &dyn Fn(u64, UserError) -> UserError,
    ) -> UResult<Finished> {
        let numeric_error = |at: u64, raw: &str, what: &str| {
            error_at(
                at,
                UserError::new(format!("{what} \"{raw}\" in numeric domain \"{col_name}\""))
                    .column(col_name)
                    .hint("correct the value, or mark it missing (empty or NA)"),
            )
        };
        // Classify each distinct text once: yes/no words or other text.
        let words: Vec<Option<bool>> = self
            .texts
            .iter()
            .map(|t| match classify(t, false) {
                Cell::Word(b) => Some(b),
                _ => None,
            })
            .collect();
        let mut n_word = 0;
        let mut n_text = 0;
        let mut first_text: Option<(u64, &str)> = None;
        for (i, t) in self.texts.iter().enumerate() {
            if words[i].is_some() {
                n_word += self.text_count[i];
            } else if self.codes.is_some() && parse_number(t, false).is_none() {
                n_text += self.text_count[i];
                if first_text.is_none_or(|(at, _)| self.text_first[i] < at) {
                    first_text = Some((self.text_first[i], t));
                }
            }
        }
        let total = self.n_num + n_word + n_text;
        if total == 0 && !self.too_many {
            return Ok(Finished::Skipped(
                "every value is missing; domain skipped".into(),
            ));
        }
        let threshold = spec_d
            .and_then(|s| s.pass.as_deref())
            .and_then(Threshold::parse);
        let spec_kind = spec_d.and_then(|s| s.kind.as_deref()).map(|k| match k {
            "binary" => Kind::Binary,
            "continuous" => Kind::Continuous,
            _ => Kind::Categorical,
        });
        let spec_levels = spec_d.and_then(|s| s.levels.clone());
        let text_error = |ft: Option<(u64, &str)>| match ft {
            Some((at, raw)) => numeric_error(at, raw, "text"),
            None => UserError::new(format!("text in numeric domain \"{col_name}\"")),
        };
        let kind = if threshold.is_some() {
            if n_text + n_word > 0 || self.too_many {
                return Err(text_error(first_text.or_else(|| {
                    self.texts.first().map(|t| (self.text_first[0], t.as_str()))
                })));
            }
            Kind::Binary
        } else if let Some(k) = spec_kind {
            k
        } else if spec_levels.is_some() {
            Kind::Categorical
        } else if n_text == 0 && n_word == 0 && !self.too_many {
            if let Some((at, raw)) = &self.first_nonfinite {
                return Err(numeric_error(*at, raw, "non-finite number"));
            }
            if self.all01 {
                Kind::Binary
            } else {
                Kind::Continuous
            }
        } else if n_text == 0 && !self.too_many && (self.all01 || self.n_num == 0) {
            Kind::Binary
        } else if self.n_num * 2 > total {
            return Err(text_error(first_text));
        } else {
            Kind::Categorical
        };
        if kind != Kind::Categorical
            && let Some((at, raw)) = &self.first_nonfinite
        {
            return Err(numeric_error(*at, raw, "non-finite number"));
        }
        let mut values = std::mem::take(&mut self.values);
        match kind {
            Kind::Continuous => {
                if n_text + n_word > 0 {
                    return Err(text_error(first_text));
                }
                if let Some(th) = threshold {
                    for v in values.iter_mut().flatten() {
                        if !v.is_nan() {
                            *v = f64::from(u8::from(th.passes(*v)));
                        }
                    }
                }
                Ok(Finished::Domain {
                    kind,
                    levels: Vec::new(),
                    values,
                    ordered: false,
                })
            }
            Kind::Binary => {
                if let Some(th) = threshold {
                    for v in values.iter_mut().flatten() {
                        if !v.is_nan() {
                            *v = f64::from(u8::from(th.passes(*v)));
                        }
                    }
                }
                if let Some(codes) = &self.codes {
                    for w in 0..2 {
                        for (v, &c) in values[w].iter_mut().zip(&codes[w]) {
                            if c == NO_CODE {
                                continue;
                            }
                            match words.get(c as usize).copied().flatten() {
                                Some(b) => *v = f64::from(u8::from(b)),
                                None if !v.is_nan() => {}
                                None => {
                                    let t = &self.texts[c as usize];
                                    return Err(error_at(
                                        self.text_first[c as usize],
                                        UserError::new(format!("value \"{t}\" in binary domain \"{name}\""))
                                            .column(col_name)
                                            .hint("a binary domain holds 0/1, yes/no, sí/no or true/false"),
                                    ));
                                }
                            }
                        }
                    }
                }
                for v in values.iter().flatten() {
                    if !v.is_nan() && *v != 0.0 && *v != 1.0 {
                        return Err(UserError::new(format!(
                            "value {v} in binary domain \"{name}\""
                        ))
                        .column(col_name)
                        .hint("a binary domain holds 0/1, yes/no, sí/no or true/false"));
                    }
                }
                Ok(Finished::Domain {
                    kind,
                    levels: Vec::new(),
                    values,
                    ordered: false,
                })
            }
            Kind::Categorical => {
                // Numbers read before the first text have no code yet: give them one.
                let n = values[0].len();
                let mut codes = self
                    .codes
                    .take()
                    .unwrap_or_else(|| [vec![NO_CODE; n], vec![NO_CODE; n]]);
                if self.numbers_before_text {
                    for w in 0..2 {
                        for i in 0..n {
                            let v = values[w][i];
                            if codes[w][i] == NO_CODE && !v.is_nan() {
                                codes[w][i] = self.intern(&format!("{v}"), u64::MAX);
                            }
                        }
                    }
                }
                // Levels: distinct texts merged ignoring case and accents, in order of
                // first appearance, or the spec's order.
                let mut levels: Vec<String> = Vec::new();
                let mut folded_levels: Vec<String> = Vec::new();
                let mut level_of: Vec<usize> = Vec::with_capacity(self.texts.len());
                for t in &self.texts {
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
                let ordered = spec_levels.is_some();
                if let Some(sl) = &spec_levels {
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
                                .file(spec_file.unwrap_or(""))
                                .hint("add it to levels = [...] or correct the data"));
                            }
                        }
                    }
                    for x in &mut level_of {
                        *x = remap[*x];
                    }
                    levels = sl.clone();
                } else if self.too_many
                    || levels.len() > 20
                    || (levels.len() == total && total >= 10)
                    || identifier_like(levels.len(), &codes)
                {
                    let count = if self.too_many {
                        format!("over {MAX_DISTINCT}")
                    } else {
                        levels.len().to_string()
                    };
                    return Ok(Finished::Skipped(format!(
                        "{count} distinct text values: free text or identifiers, not a domain; skipped (use --ignore to silence)"
                    )));
                } else if levels.len() < 2 {
                    return Ok(Finished::Skipped(
                        "a single text value; domain skipped".into(),
                    ));
                }
                for w in 0..2 {
                    for i in 0..n {
                        let c = codes[w][i];
                        values[w][i] = if c == NO_CODE {
                            f64::NAN
                        } else {
                            level_of[c as usize] as f64
                        };
                    }
                }
                Ok(Finished::Domain {
                    kind,
                    levels,
                    values,
                    ordered,
                })
            }
        }
    }
}

fn column_list(headers: &[String]) -> String {
    headers.join(", ")
}

fn named_column(t: &Source, name: &str, flag: &str) -> UResult<usize> {
    roles::find_named(&t.headers, name).ok_or_else(|| {
        UserError::new(format!("{flag} {name}: there is no such column"))
            .file(&t.name)
            .line(1)
            .hint(format!("columns are: {}", column_list(&t.headers)))
    })
}

fn check_duplicate_columns(t: &Source) -> UResult<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if let Some(&j) = seen.get(&fold(h)) {
            return Err(UserError::new(format!(
                "columns {} (\"{}\") and {} (\"{}\") have the same name",
                j + 1,
                t.headers[j],
                i + 1,
                h
            ))
            .file(&t.name)
            .line(1)
            .column(h.as_str())
            .hint("rename one of them (names are compared ignoring case and accents)"));
        }
        seen.insert(fold(h), i);
    }
    Ok(())
}

/// Build the cohort from the sources read from the command line, in one pass over
/// their records.
pub fn build(sources: &mut [Source], opts: &Options, spec: Option<&Spec>) -> UResult<Cohort> {
    build_with_progress(sources, opts, spec, &mut |_| {})
}

/// [`build`], calling `progress` with the bytes read so far every 65,536 rows.
pub fn build_with_progress(
    sources: &mut [Source],
    opts: &Options,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
) -> UResult<Cohort> {
    let Some(first) = sources.first().map(|s| First {
        name: s.name.clone(),
        headers: s.headers.clone(),
    }) else {
        return Err(UserError::new("no input file").hint("give a CSV file, or - for stdin"));
    };
    for t in sources.iter() {
        check_duplicate_columns(t)?;
    }
    let mut warnings = Vec::new();

    // Roles, found in each table by name.
    let role = |t: &Source,
                flag_val: &Option<String>,
                flag: &str,
                names: &[&str]|
     -> UResult<Option<usize>> {
        match flag_val {
            Some(n) => named_column(t, n, flag).map(Some),
            None => Ok(roles::find_role(&t.headers, names)),
        }
    };
    let mut id_cols = Vec::new();
    let mut group_cols = Vec::new();
    let mut wave_cols = Vec::new();
    let mut by_cols = Vec::new();
    for t in sources.iter() {
        id_cols.push(role(t, &opts.id, "--id", roles::ID_NAMES)?);
        group_cols.push(role(t, &opts.group, "--group", roles::GROUP_NAMES)?);
        wave_cols.push(role(t, &opts.wave, "--wave", roles::WAVE_NAMES)?);
        by_cols.push(match &opts.by {
            Some(b) => Some(named_column(t, b, "--by")?),
            None => None,
        });
    }
    for (i, t) in sources.iter().enumerate() {
        if id_cols[i].is_some() != id_cols[0].is_some()
            || wave_cols[i].is_some() != wave_cols[0].is_some()
        {
            return Err(
                UserError::new("this file's columns do not match the first file's")
                    .file(&t.name)
                    .line(1)
                    .hint(format!(
                        "every file needs the same columns as {}",
                        first.name
                    )),
            );
        }
    }
    for name in &opts.ignore {
        named_column(&sources[0], name, "--ignore")?;
    }
    let ignored: Vec<String> = opts.ignore.iter().map(|s| fold(s)).collect();
    let is_role = |t: usize, c: usize| {
        [id_cols[t], group_cols[t], wave_cols[t], by_cols[t]].contains(&Some(c))
            || ignored.contains(&fold(&sources[t].headers[c]))
            || sources[t].skip.get(c).copied().unwrap_or(false)
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
    let has_wave = wave_cols[0].is_some();
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
                    });
                }
                None => {
                    warnings.push(Warning::new(
                        Some(h),
                        format!("column \"{h}\" is not a _pre/_post pair in a wide file; skipped"),
                    ));
                    done[c] = true;
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
            });
        }
    }

    // Spec domains: attach by column name; an unknown column is an error.
    if let Some(spec) = spec {
        for (i, d) in spec.domains.iter().enumerate() {
            let f = fold(&d.column);
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

    // Arms and waves: labels mapped as rows come; problems reported at the end, with
    // every label found.
    let several = sources.len() > 1;
    let spec_groups = spec.map(|s| s.groups.clone()).unwrap_or_default();
    let named_arms = [
        opts.intervention.clone().or(spec_groups.intervention),
        opts.control.clone().or(spec_groups.control),
    ];
    let spec_waves = spec.map(|s| s.waves.clone()).unwrap_or_default();
    let named_waves = [
        opts.pre.clone().or(spec_waves.pre),
        opts.post.clone().or(spec_waves.post),
    ];
    let choose_waves = named_waves[0].is_some() && named_waves[1].is_some();
    let group_col_name = group_cols[0]
        .map(|c| first.headers[c].clone())
        .unwrap_or_else(|| "(file name)".into());
    let wave_col_name = wave_cols[0]
        .map(|c| first.headers[c].clone())
        .unwrap_or_default();
    let mut arm_map = LabelMap::new(
        named_arms,
        [roles::INTERVENTION_LABELS, roles::CONTROL_LABELS],
        false,
    );
    let mut wave_map = LabelMap::new(named_waves, [roles::PRE_LABELS, roles::POST_LABELS], true);

    // Participants, strata and domain values, in one pass over the records.
    let has_id = id_cols[0].is_some();
    // Sized for the expected rows (one participant per row at most, half in the usual
    // long file): no rehashing or regrowth on big files.
    let expected: usize = sources
        .iter()
        .map(|s| s.estimated_rows)
        .sum::<usize>()
        .min(1 << 28);
    let mut participants: Vec<Participant> = Vec::with_capacity(expected / 2);
    // Where each participant was seen at each wave: (source << 48) | position.
    let mut seen_at: Vec<[u64; 2]> = Vec::new();
    // Ids are keyed by their 128-bit XXH3 hash: no string stored or compared per
    // lookup (the table stays small and cache-friendly). Two distinct ids share a
    // hash with probability about n²/2¹²⁹: 4·10⁻²⁶ for five million participants.
    let mut by_id: FxHashMap<u128, u32> = FxHashMap::with_capacity_and_hasher(
        if has_id { expected / 2 } else { 0 },
        Default::default(),
    );
    let mut strata_values: Vec<String> = Vec::new();
    let mut strata_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut strata_missing = 0usize;
    let mut rows_total = 0usize;
    let mut accs: Vec<Acc> = domain_cols
        .iter()
        .map(|_| {
            let mut a = Acc::default();
            a.values[0].reserve(expected / 2);
            a.values[1].reserve(expected / 2);
            a
        })
        .collect();
    let mut rec = csv::ByteRecord::new();
    let mut key = String::new();
    for si in 0..sources.len() {
        // Earlier sources stay readable (for "also on line N of FILE" messages).
        let (before, rest) = sources.split_at_mut(si);
        let src = &mut rest[0];
        let done_before: u64 = before.iter().map(|s| s.size).sum();
        while let Some(pos) = src.next_record(&mut rec)? {
            rows_total += 1;
            if rows_total.is_multiple_of(65_536) {
                progress(done_before + pos);
            }
            let at = ((si as u64) << 48) | pos;
            for (col, what, name) in [
                (group_cols[si], "arm", &group_col_name),
                (wave_cols[si], "wave", &wave_col_name),
            ] {
                if let Some(c) = col
                    && is_missing(&field(&rec, c))
                {
                    return Err(src.error_at(
                        pos,
                        UserError::new(format!("the {what} is empty"))
                            .column(name.as_str())
                            .hint(format!("fill in the {what} of every row (or drop the row)")),
                    ));
                }
            }
            let arm = match group_cols[si] {
                Some(c) => arm_map.side(&field(&rec, c), at),
                None if several => arm_map.side(&src.stem, at),
                None => Some(0),
            };
            let wave = match wave_cols[si] {
                Some(c) => wave_map.side(&field(&rec, c), at),
                None => Some(1),
            };
            let (Some(arm), Some(wave)) = (arm, wave) else {
                continue;
            };
            let arm = if arm == 1 {
                Arm::Control
            } else {
                Arm::Intervention
            };
            let stratum = match by_cols[si] {
                Some(c) => {
                    let v = field(&rec, c);
                    if is_missing(&v) {
                        strata_missing += 1;
                        None
                    } else {
                        let f = fold(&v);
                        Some(*strata_index.entry(f).or_insert_with(|| {
                            strata_values.push(v.to_string());
                            (strata_values.len() - 1) as u32
                        }))
                    }
                }
                None => None,
            };
            let waves_here: &[u8] = if layout == Layout::Wide {
                &[0, 1]
            } else {
                std::slice::from_ref(&wave)
            };
            let existing = match id_cols[si] {
                Some(c) => {
                    let id = field(&rec, c);
                    if is_missing(&id) {
                        return Err(src.error_at(
                            pos,
                            UserError::new("the participant id is empty")
                                .column(src.headers[c].as_str())
                                .hint("fill in the id of every row, or drop the row"),
                        ));
                    }
                    // Files that are arms (no arm column) number their participants
                    // independently: key their ids by file.
                    key.clear();
                    if group_cols[si].is_none() && several {
                        key.push_str(&src.stem);
                        key.push('\u{0}');
                    }
                    key.push_str(&id);
                    match by_id.entry(xxh3_128(key.as_bytes())) {
                        std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(participants.len() as u32);
                            None
                        }
                    }
                }
                None => None,
            };
            let pid = match existing {
                Some(p) => {
                    let pu = p as usize;
                    for &w in waves_here {
                        if participants[pu].present[w as usize] {
                            let other = seen_at[pu][w as usize];
                            let (osrc, opos) = ((other >> 48) as usize, other & ((1 << 48) - 1));
                            let oline = if osrc == si {
                                src.line_of(opos)
                            } else {
                                before[osrc].line_of(opos)
                            };
                            let oname = if osrc == si {
                                src.name.clone()
                            } else {
                                before[osrc].name.clone()
                            };
                            let id = field(&rec, id_cols[si].unwrap_or(0)).into_owned();
                            return Err(src.error_at(
                                pos,
                                UserError::new(format!(
                                    "participant \"{id}\" appears twice in the same wave (also on line {oline} of {oname})"
                                ))
                                .column(src.headers[id_cols[si].unwrap_or(0)].as_str())
                                .hint("keep one row per participant and wave"),
                            ));
                        }
                    }
                    if participants[pu].arm != arm {
                        let other = seen_at[pu].iter().copied().max().unwrap_or(0);
                        let (osrc, opos) = ((other >> 48) as usize, other & ((1 << 48) - 1));
                        let oline = if osrc == si {
                            src.line_of(opos)
                        } else {
                            before[osrc].line_of(opos)
                        };
                        let id = field(&rec, id_cols[si].unwrap_or(0)).into_owned();
                        return Err(src.error_at(
                            pos,
                            UserError::new(format!(
                                "participant \"{id}\" is in a different arm here than on line {oline}"
                            ))
                            .column(group_col_name.as_str())
                            .hint("a participant keeps one arm in every wave; correct the arm"),
                        ));
                    }
                    p
                }
                None => {
                    let p = participants.len() as u32;
                    participants.push(Participant {
                        arm,
                        stratum,
                        present: [false; 2],
                    });
                    seen_at.push([0; 2]);
                    for a in &mut accs {
                        a.grow();
                    }
                    p
                }
            };
            for &w in waves_here {
                participants[pid as usize].present[w as usize] = true;
                seen_at[pid as usize][w as usize] = at;
            }
            for (d, acc) in domain_cols.iter().zip(accs.iter_mut()) {
                let [pre_c, post_c] = d.cols[si];
                if layout == Layout::Wide {
                    acc.push(0, pid, &field(&rec, pre_c), at, src.decimal_comma);
                    acc.push(1, pid, &field(&rec, post_c), at, src.decimal_comma);
                } else {
                    acc.push(
                        wave as usize,
                        pid,
                        &field(&rec, pre_c),
                        at,
                        src.decimal_comma,
                    );
                }
            }
        }
    }
    let locate_at = |at: u64| -> (usize, u64) { ((at >> 48) as usize, at & ((1 << 48) - 1)) };
    let error_at = |at: u64, e: UserError| -> UserError {
        let (s, p) = locate_at(at);
        match sources.get(s) {
            Some(src) => src.error_at(p, e),
            None => e,
        }
    };

    // Label problems, with every label found.
    let arm_values = arm_map.written().join(", ");
    if let Some((label, at)) = arm_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "unknown arm label \"{label}\" (values found: {arm_values})"
            ))
            .column(group_col_name.as_str())
            .hint("name the labels with --intervention LABEL and --control LABEL"),
        ));
    }
    let wave_values = wave_map.written().join(", ");
    if choose_waves {
        for (side, n) in wave_map.named.iter().enumerate() {
            if let Some(n) = n
                && wave_map.first_written[side].is_none()
            {
                return Err(UserError::new(format!(
                    "wave \"{n}\" does not occur in the data (waves found: {wave_values})"
                ))
                .file(&first.name)
                .column(wave_col_name.as_str())
                .hint("name two of the waves found with --pre and --post"));
            }
        }
    } else if wave_map.found.len() > 2 {
        return Err(UserError::new(format!(
            "{} waves found ({wave_values}); the analysis compares two",
            wave_map.found.len()
        ))
        .file(&first.name)
        .column(wave_col_name.as_str())
        .hint("choose two with --pre LABEL --post LABEL"));
    } else if let Some((label, at)) = wave_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "unknown wave label \"{label}\" (values found: {wave_values})"
            ))
            .column(wave_col_name.as_str())
            .hint("name the labels with --pre LABEL and --post LABEL"),
        ));
    }
    if let Some((a, b)) = &wave_map.same_side {
        return Err(
            UserError::new(format!("the waves {a} and {b} both mean the same wave"))
                .file(&first.name)
                .column(wave_col_name.as_str())
                .hint("name them with --pre LABEL --post LABEL"),
        );
    }
    let labels = Labels {
        intervention: arm_map.first_written[0].clone(),
        control: arm_map.first_written[1].clone(),
        pre: wave_map.first_written[0].clone(),
        post: wave_map.first_written[1].clone(),
    };
    for (w, n) in &wave_map.dropped {
        warnings.push(Warning::new(
            None,
            format!("{n} rows of wave \"{w}\" dropped (only the waves chosen with --pre/--post are compared)"),
        ));
    }
    if strata_missing > 0 {
        warnings.push(Warning::new(
            None,
            format!("{strata_missing} rows have no value in --by column; they count only in the pooled results"),
        ));
    }

    // Strata in natural order ("0-2" < "3-6" < "7-10"), whatever order rows came in.
    if !strata_values.is_empty() {
        let mut order: Vec<usize> = (0..strata_values.len()).collect();
        order.sort_by(|&a, &b| crate::text::natural_cmp(&strata_values[a], &strata_values[b]));
        let mut rank = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old] = new as u32;
        }
        for p in &mut participants {
            if let Some(s) = p.stratum.as_mut() {
                *s = rank[*s as usize];
            }
        }
        strata_values = order.iter().map(|&i| strata_values[i].clone()).collect();
    }

    // Design.
    let mut arms: Vec<Arm> = Vec::new();
    for a in [Arm::Intervention, Arm::Control] {
        if participants.iter().any(|p| p.arm == a) {
            arms.push(a);
        }
    }
    let mut waves: Vec<Wave> = Vec::new();
    for w in [Wave::Pre, Wave::Post] {
        if participants.iter().any(|p| p.present[w.index()]) {
            waves.push(w);
        }
    }
    let design = match (arms.len(), waves.len()) {
        (2, 2) => Design::PrePostControl,
        (1, 2) => Design::PrePost,
        (2, 1) => Design::PostOnlyControl,
        (0, _) | (_, 0) => {
            return Err(UserError::new("the file has no data rows")
                .file(&first.name)
                .hint("add one row per participant and wave below the header"));
        }
        _ => {
            return Err(UserError::new(
                "the data have a single arm and a single wave: there is nothing to compare",
            )
            .file(&first.name)
            .hint("add the other wave (pre/post) or the control group; --intervention/--control/--pre/--post name their labels"));
        }
    };
    let paired = (layout == Layout::Wide || has_id)
        && participants.iter().any(|p| p.present == [true, true]);

    // Domains: kind, levels and values.
    let mut domains = Vec::new();
    for (dc, acc) in domain_cols.iter().zip(accs) {
        let spec_d = dc.spec.as_ref();
        let name = spec_d
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| dc.name.clone());
        match acc.finish(
            &name,
            &dc.name,
            spec_d,
            spec.map(|s| s.file.as_str()),
            &error_at,
        )? {
            Finished::Skipped(msg) => warnings.push(Warning::new(Some(&name), msg)),
            Finished::Domain {
                kind,
                levels,
                values,
                ordered,
            } => {
                let n = participants.len();
                if kind == Kind::Categorical
                    && (0..n)
                        .filter(|&i| !values[0][i].is_nan() && !values[1][i].is_nan())
                        .count()
                        >= 10
                    && (0..n)
                        .filter(|&i| !values[0][i].is_nan() && !values[1][i].is_nan())
                        .all(|i| values[0][i] == values[1][i])
                {
                    let col_name = &dc.name;
                    warnings.push(Warning::new(
                        Some(&name),
                        format!(
                            "every participant has the same value at both waves: a participant attribute rather than an outcome? Use --by {col_name} to analyse within each value, or --ignore {col_name}"
                        ),
                    ));
                }
                domains.push(Domain {
                    name,
                    label: spec_d.and_then(|s| s.label.clone()),
                    kind,
                    levels,
                    higher_is_better: spec_d.and_then(|s| s.higher_is_better).unwrap_or(true),
                    ordered,
                    values,
                });
            }
        }
    }
    if domains.is_empty() {
        return Err(UserError::new(
            "no domain to analyse: every column is a role, ignored or skipped",
        )
        .file(&first.name)
        .line(1)
        .hint(format!("columns are: {}", column_list(&first.headers))));
    }

    Ok(Cohort {
        files: sources.iter().map(|t| t.name.clone()).collect(),
        layout,
        rows: rows_total,
        design,
        paired,
        has_id,
        labels,
        arms,
        waves,
        participants,
        strata: opts.by.as_ref().map(|b| Strata {
            column: by_cols[0]
                .map(|c| first.headers[c].clone())
                .unwrap_or_else(|| b.clone()),
            values: strata_values,
        }),
        domains,
        warnings,
        title: spec.and_then(|s| s.title.clone()),
        lang: spec.and_then(|s| s.lang.clone()),
    })
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
