//! The typed cohort: participants (arm, stratum, which waves they were seen in) and
//! domains (kind, levels, one value per participant and wave), built from the sources.

mod ids;
mod rows;

use crate::error::{UResult, UserError};
use crate::input::blocks::{Block, Record};
use crate::input::read::{Source, field};
use crate::input::roles::{self, side_of};
use crate::input::spec::{DomainSpec, Label, Spec, Threshold};
use crate::input::values::{Cell, classify, parse_number};
use crate::text::fold;
use crate::timing::Phase;
use ids::{Ids, Rec};
use rayon::prelude::*;
use rows::{MAX_DISTINCT, MISSING, NO_CODE, NUMERIC, Parsed, Plan, Tally, code_of, is_code};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

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
#[derive(Clone)]
pub(crate) struct LabelMap {
    named: [Option<String>; 2],
    builtin: [&'static [&'static str]; 2],
    /// Waves: at most two, one per side; other named-away labels are dropped.
    waves: bool,
    /// Labels as written → side, and where each was first seen; few distinct
    /// labels, so a linear scan is fastest.
    cache: Vec<(String, Option<u8>, u64)>,
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
        if let Some(&(_, s, _)) = self.cache.iter().find(|c| c.0 == raw) {
            if s.is_none() {
                self.count_dropped(raw);
            }
            return s;
        }
        let side = self.learn(raw, at);
        if side.is_none() {
            self.count_dropped(raw);
        }
        side
    }

    /// Take in what a later block's map learnt, as if its rows had come here.
    fn absorb(&mut self, b: &LabelMap) {
        for (raw, _, at) in &b.cache {
            if !self.cache.iter().any(|c| c.0 == *raw) {
                self.learn(raw, *at);
            }
        }
        for (f, n) in &b.dropped {
            match self.dropped.iter_mut().find(|d| d.0 == *f) {
                Some(d) => d.1 += n,
                None => self.dropped.push((f.clone(), *n)),
            }
        }
    }

    /// A label seen for the first time: its side, and what it tells.
    fn learn(&mut self, raw: &str, at: u64) -> Option<u8> {
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
        self.cache.push((raw.to_string(), side, at));
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

/// One domain once every row is read: numbers in `values`, text as codes into the
/// tally's texts (when the domain holds text). The kind is decided by [`Acc::finish`].
struct Acc {
    values: [Vec<f64>; 2],
    codes: Option<[Vec<u32>; 2]>,
    tally: Tally,
}

enum Finished {
    Skipped(String),
    Domain {
        kind: Kind,
        levels: Vec<String>,
        values: [Vec<f64>; 2],
        ordered: bool,
        /// Categorical, and every matched participant (at least 10) keeps the same
        /// value: an attribute (age band, sex) rather than an outcome.
        attribute: bool,
    },
}

impl Acc {
    /// Decide the kind and produce the final values.
    fn finish(
        mut self,
        name: &str,
        col_name: &str,
        spec_d: Option<&DomainSpec>,
        spec_file: Option<&str>,
        error_at: &(dyn Fn(u64, UserError) -> UserError + Sync),
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
        let mut first_text: Option<(u64, &str)> = None;
        for (i, t) in self.tally.texts.iter().enumerate() {
            if words[i].is_some() {
                n_word += self.tally.text_count[i];
            } else if self.codes.is_some() && parse_number(t, false).is_none() {
                n_text += self.tally.text_count[i];
                if first_text.is_none_or(|(at, _)| self.tally.text_first[i] < at) {
                    first_text = Some((self.tally.text_first[i], t));
                }
            }
        }
        let total = self.tally.n_num + n_word + n_text;
        if total == 0 && !self.tally.too_many {
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
            if n_text + n_word > 0 || self.tally.too_many {
                return Err(text_error(first_text.or_else(|| {
                    self.tally
                        .texts
                        .first()
                        .map(|t| (self.tally.text_first[0], t.as_str()))
                })));
            }
            Kind::Binary
        } else if let Some(k) = spec_kind {
            k
        } else if spec_levels.is_some() {
            Kind::Categorical
        } else if n_text == 0 && n_word == 0 && !self.tally.too_many {
            if let Some((at, raw)) = &self.tally.first_nonfinite {
                return Err(numeric_error(*at, raw, "non-finite number"));
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
            return Err(text_error(first_text));
        } else {
            Kind::Categorical
        };
        if kind != Kind::Categorical
            && let Some((at, raw)) = &self.tally.first_nonfinite
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
                    attribute: false,
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
                                    let t = &self.tally.texts[c as usize];
                                    return Err(error_at(
                                        self.tally.text_first[c as usize],
                                        UserError::new(format!("value \"{t}\" in binary domain \"{name}\""))
                                            .column(col_name)
                                            .hint("a binary domain holds 0/1, yes/no, sí/no or true/false"),
                                    ));
                                }
                            }
                        }
                    }
                }
                // Every number read was 0 or 1 (and words and thresholds give 0 or 1)
                // unless the tally saw another.
                let check = threshold.is_none() && self.tally.not01;
                for v in values.iter().flatten().filter(|_| check) {
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
                    attribute: false,
                })
            }
            Kind::Categorical => {
                // Numbers read before the first text have no code yet: give them one.
                let n = values[0].len();
                let mut codes = self
                    .codes
                    .take()
                    .unwrap_or_else(|| [vec![NO_CODE; n], vec![NO_CODE; n]]);
                if self.tally.numbers_before_text {
                    for w in 0..2 {
                        for i in 0..n {
                            let v = values[w][i];
                            if codes[w][i] == NO_CODE && !v.is_nan() {
                                codes[w][i] = self.tally.intern(&format!("{v}"), u64::MAX);
                            }
                        }
                    }
                }
                // Levels: distinct texts merged ignoring case and accents, in order of
                // first appearance, or the spec's order.
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
                }
                let free_text = |identifier_like: bool| {
                    if self.tally.too_many
                        || levels.len() > 20
                        || (levels.len() == total && total >= 10)
                        || identifier_like
                    {
                        let count = if self.tally.too_many {
                            format!("over {MAX_DISTINCT}")
                        } else {
                            levels.len().to_string()
                        };
                        return Some(Finished::Skipped(format!(
                            "{count} distinct text values: free text or identifiers, not a domain; skipped (use --ignore to silence)"
                        )));
                    }
                    None
                };
                if spec_levels.is_none()
                    && let Some(skip) = free_text(false)
                {
                    return Ok(skip);
                }
                // One pass: level numbers, participants holding a text (for the
                // identifier test) and whether matched participants keep their value.
                let level = |c: u32| level_of.get(c as usize).map_or(f64::NAN, |&l| l as f64);
                let (mut holders, mut matched, mut same) = (0, 0, true);
                let [v0, v1] = &mut values;
                for (i, (v0, v1)) in v0.iter_mut().zip(v1.iter_mut()).enumerate() {
                    let (c0, c1) = (codes[0][i], codes[1][i]);
                    holders += usize::from(c0 != NO_CODE || c1 != NO_CODE);
                    (*v0, *v1) = (level(c0), level(c1));
                    if !v0.is_nan() && !v1.is_nan() {
                        matched += 1;
                        same &= *v0 == *v1;
                    }
                }
                if spec_levels.is_none() {
                    // Text with about one distinct value per participant (five or more
                    // values, held by at most twice as many participants) is names or
                    // identifiers, not levels: printing it as levels would publish them.
                    let identifier_like = levels.len() >= 5 && levels.len() * 2 >= holders;
                    if let Some(skip) = free_text(identifier_like) {
                        return Ok(skip);
                    }
                    if levels.len() < 2 {
                        return Ok(Finished::Skipped(
                            "a single text value; domain skipped".into(),
                        ));
                    }
                }
                Ok(Finished::Domain {
                    kind,
                    levels,
                    values,
                    ordered,
                    attribute: matched >= 10 && same,
                })
            }
        }
    }
}

// Phase times for `EVALUATE_TIMING`.
static T_MERGE: Phase = Phase::new();
static T_READ: Phase = Phase::new();
static T_PARSE: Phase = Phase::new();

/// What is known after the blocks merged so far.
struct Merge {
    nd: usize,
    ids: Ids,
    /// Participant-major cells: per participant, per wave, per domain. A row's cells
    /// land in one place (a post row of a participant met long before touches one
    /// or two cache lines, not one per domain).
    cells: Cells,
    tallies: Vec<Tally>,
    arm_map: LabelMap,
    wave_map: LabelMap,
    strata_values: Vec<String>,
    strata_index: FxHashMap<String, u32>,
    strata_missing: usize,
    rows_total: usize,
}

impl Merge {
    /// Take in one block's rows, in file order; errors are those the rows would give
    /// read one by one, in that order. The block's rows are handed back for reuse.
    fn merge(
        &mut self,
        plan: &Plan,
        block: &Block,
        p: Parsed,
        sources: &[Source],
        ahead: &SpareTile,
    ) -> UResult<Parsed> {
        // A domain that met its first text in an earlier block while this one was
        // parsed keeps its numbers' spelling: parse the block again knowing it.
        let stale = self
            .tallies
            .iter()
            .zip(&p.text_before)
            .zip(&p.tallies)
            .any(|((g, &known), b)| g.has_text && !known && b.numbers_before_text);
        let p = if stale {
            let known: Vec<bool> = self.tallies.iter().map(|t| t.has_text).collect();
            rows::parse(plan, block, &known, Some(p))
        } else {
            p
        };
        let src = &sources[plan.si];
        self.rows_total += p.records;
        self.arm_map.absorb(&p.arms);
        self.wave_map.absorb(&p.waves);
        self.strata_missing += p.strata_missing;
        let strata: Vec<u32> = p
            .strata
            .iter()
            .map(|(f, written)| match self.strata_index.get(f) {
                Some(&i) => i,
                None => {
                    let i = self.strata_values.len() as u32;
                    self.strata_values.push(written.clone());
                    self.strata_index.insert(f.clone(), i);
                    i
                }
            })
            .collect();
        let maps: Vec<(Vec<u64>, Vec<u64>)> = self
            .tallies
            .iter_mut()
            .zip(&p.tallies)
            .map(|(g, b)| g.absorb(b))
            .collect();
        let nd = self.nd;
        let slots = plan.slots();
        // Rows go in batches, the memory that later rows will need requested ahead
        // (a prefetch waits for nothing): the id slots two batches ahead, then, once
        // those are in cache, the participant records and cell rows one batch ahead.
        // The misses of many rows overlap with the work on the rows before them.
        const BATCH: usize = 16;
        let mut found = [(0u32, false); BATCH];
        let keyed = plan.id.is_some();
        let ahead_slots = |ids: &Ids, from: usize| {
            if keyed {
                for r in from..(from + BATCH).min(p.len()) {
                    ids.prefetch_slot(p.hash[r]);
                }
            }
        };
        let ahead_rows = |ids: &Ids, cells: &Cells, from: usize| {
            if keyed {
                for r in from..(from + BATCH).min(p.len()) {
                    if let Some(row) = ids.prefetch_rec(p.hash[r]).and_then(|pid| cells.row(pid)) {
                        let w = usize::from(p.side[r] >> 1);
                        if let Some(c) = row.get(w * nd) {
                            crate::prefetch::prefetch(c);
                        }
                    }
                }
            }
        };
        ahead_slots(&self.ids, 0);
        ahead_slots(&self.ids, BATCH);
        ahead_rows(&self.ids, &self.cells, 0);
        for start in (0..p.len()).step_by(BATCH) {
            let end = (start + BATCH).min(p.len());
            ahead_slots(&self.ids, start + 2 * BATCH);
            ahead_rows(&self.ids, &self.cells, start + BATCH);
            for r in start..end {
                let fresh = || Rec {
                    key: 0,
                    at: [0; 2],
                    stratum: match plan.by {
                        Some(_) => match p.stratum[r] {
                            NO_CODE => NO_CODE,
                            c => strata[c as usize],
                        },
                        None => NO_CODE,
                    },
                    arm: p.side[r] & 1,
                    present: 0,
                };
                found[r - start] = match plan.id {
                    Some(_) => self.ids.get_or_insert(p.hash[r], fresh),
                    None => (self.ids.push(fresh()) as u32, false),
                };
            }
            self.cells.grow_to(self.ids.recs.len(), ahead);
            for r in start..end {
                let at = p.at[r];
                let arm = arm_index(p.side[r] & 1);
                let wave = usize::from(p.side[r] >> 1);
                let waves_here: &[usize] = if plan.wide {
                    &[0, 1]
                } else {
                    std::slice::from_ref(&wave)
                };
                let (pid, existed) = found[r - start];
                let pid = pid as usize;
                if existed {
                    self.check_again(plan, block, sources, pid, at, arm, waves_here)?;
                }
                let rec = &mut self.ids.recs[pid];
                for &w in waves_here {
                    rec.present |= 1 << w;
                    rec.at[w] = at;
                }
                for s in 0..slots {
                    let w = if plan.wide { s } else { wave };
                    let from = &p.cells[(r * slots + s) * nd..][..nd];
                    let Some(row) = self.cells.row_mut(pid) else {
                        break;
                    };
                    let to = &mut row[w * nd..][..nd];
                    for ((t, &c), (as_text, as_num)) in to.iter_mut().zip(from).zip(&maps) {
                        *t = if is_code(c) {
                            let i = code_of(c) as usize;
                            if c & NUMERIC != 0 {
                                as_num[i]
                            } else {
                                as_text[i]
                            }
                        } else {
                            c
                        };
                    }
                }
            }
        }
        match p.error {
            Some((Some(pos), e)) => Err(src.error_at(pos, e)),
            Some((None, e)) => Err(e.file(&src.name)),
            None => Ok(p),
        }
    }

    /// A participant met again: not twice in a wave, and in the same arm.
    #[allow(clippy::too_many_arguments)]
    fn check_again(
        &self,
        plan: &Plan,
        block: &Block,
        sources: &[Source],
        pid: usize,
        at: u64,
        arm: Arm,
        waves_here: &[usize],
    ) -> UResult<()> {
        let src = &sources[plan.si];
        let pos = at & ((1 << 48) - 1);
        let place = |other: u64| {
            let (osrc, opos) = ((other >> 48) as usize, other & ((1 << 48) - 1));
            let o = &sources[osrc.min(sources.len() - 1)];
            (o.line_of(opos), o.name.clone())
        };
        let id_col = plan.id.unwrap_or(0);
        let id = || {
            block
                .record_at(plan.delimiter, pos)
                .map(|rec| field(&Record::Csv(&rec), id_col).into_owned())
                .unwrap_or_default()
        };
        let rec = &self.ids.recs[pid];
        for &w in waves_here {
            if rec.present & (1 << w) != 0 {
                let (oline, oname) = place(rec.at[w]);
                return Err(src.error_at(
                    pos,
                    UserError::new(format!(
                        "participant \"{}\" appears twice in the same wave (also on line {oline} of {oname})",
                        id()
                    ))
                    .column(plan.id_name)
                    .hint("keep one row per participant and wave"),
                ));
            }
        }
        if arm_index(rec.arm) != arm {
            let (oline, _) = place(rec.at.iter().copied().max().unwrap_or(0));
            return Err(src.error_at(
                pos,
                UserError::new(format!(
                    "participant \"{}\" is in a different arm here than on line {oline}",
                    id()
                ))
                .column(plan.group_name)
                .hint("a participant keeps one arm in every wave; correct the arm"),
            ));
        }
        Ok(())
    }
}

/// The arm of side `a` (0 intervention, 1 control).
fn arm_index(a: u8) -> Arm {
    if a == 1 {
        Arm::Control
    } else {
        Arm::Intervention
    }
}

/// Participant-major cells, in tiles of participants: no copy when the cohort
/// grows, and each tile's memory goes to the columns as soon as it is turned into
/// them (memory stays near one copy of the values, not two).
struct Cells {
    tiles: Vec<Vec<u64>>,
    stride: usize,
    /// Participants per tile: 1 << shift.
    shift: u32,
    len: usize,
}

/// The next tile of a big cohort, made (filled with missing cells) by a core that
/// parses while the merge fills the current one. The merge is the one serial
/// step, and each fresh page it touches costs a page fault: a tile made ahead
/// moves those faults (at 10M rows, 180,000 of them) off its path.
struct SpareTile {
    tile: std::sync::Mutex<Option<Vec<u64>>>,
    wanted: std::sync::atomic::AtomicBool,
    /// Words per tile; 0 when tiles are not made ahead.
    words: usize,
}

impl SpareTile {
    fn new(cells: &Cells, expected: usize) -> Self {
        // Only for cohorts of several tiles: a small file's one tile is grown as
        // rows come, never touched beyond them.
        let words = if cells.stride > 0 && expected >= 4 * cells.tile_len() {
            cells.tile_len() * cells.stride
        } else {
            0
        };
        SpareTile {
            tile: std::sync::Mutex::new(None),
            wanted: std::sync::atomic::AtomicBool::new(words > 0),
            words,
        }
    }
    /// Whether tiles are made ahead (a big cohort).
    fn is_on(&self) -> bool {
        self.words > 0
    }
    /// Make the next tile if the merge wants one (called between parsed blocks).
    fn make_if_wanted(&self) {
        use std::sync::atomic::Ordering;
        if self.words > 0 && self.wanted.swap(false, Ordering::AcqRel) {
            let tile = vec![MISSING; self.words];
            if let Ok(mut slot) = self.tile.lock() {
                *slot = Some(tile);
            }
        }
    }
    /// The tile made ahead, if there is one; another is wanted for the next.
    fn take(&self) -> Option<Vec<u64>> {
        if self.words == 0 {
            return None;
        }
        let tile = self.tile.lock().ok()?.take();
        self.wanted
            .store(true, std::sync::atomic::Ordering::Release);
        tile.filter(|t| t.len() == self.words)
    }
}

impl Cells {
    /// Cells of `stride` words per participant, for about `expected` participants.
    fn new(stride: usize, expected: usize) -> Self {
        // A sixteenth of the expected cells per tile, 64 MiB to 1 GiB (mapped and
        // unmapped whole by the allocator; big cohorts get tiles big enough for
        // huge pages, src/alloc.rs).
        let bytes = (expected.saturating_mul(8 * stride) / 16).clamp(64 << 20, 1 << 30);
        let per = (bytes / (8 * stride.max(1))).max(1024);
        Cells {
            tiles: Vec::new(),
            stride,
            shift: per.ilog2(),
            len: 0,
        }
    }
    fn tile_len(&self) -> usize {
        1 << self.shift
    }
    /// Room for `n` participants, new cells missing; a new tile is the one made
    /// ahead when there is one (already whole and missing throughout).
    fn grow_to(&mut self, n: usize, ahead: &SpareTile) {
        if self.stride == 0 {
            self.len = self.len.max(n);
            return;
        }
        let per = self.tile_len();
        while self.len < n {
            let t = self.len >> self.shift;
            if t == self.tiles.len() {
                let tile = ahead
                    .take()
                    .unwrap_or_else(|| Vec::with_capacity(per * self.stride));
                self.tiles.push(tile);
            }
            let in_tile = self.len & (per - 1);
            let take = (n - self.len).min(per - in_tile);
            let stride = self.stride;
            let tile = &mut self.tiles[t];
            if tile.len() < (in_tile + take) * stride {
                tile.resize((in_tile + take) * stride, MISSING);
            }
            self.len += take;
        }
    }
    fn row(&self, pid: usize) -> Option<&[u64]> {
        let tile = self.tiles.get(pid >> self.shift)?;
        tile.get((pid & (self.tile_len() - 1)) * self.stride..)?
            .get(..self.stride)
    }
    fn row_mut(&mut self, pid: usize) -> Option<&mut [u64]> {
        let (shift, stride) = (self.shift, self.stride);
        let tile = self.tiles.get_mut(pid >> shift)?;
        tile.get_mut((pid & ((1 << shift) - 1)) * stride..)?
            .get_mut(..stride)
    }
}

/// Every domain's values (and text codes) by participant and wave, from the
/// participant-major cells: each tile is transposed on its own (tiles on every
/// core) and freed.
///
/// Big cohorts' columns are not written afresh: a tile is transposed into a
/// scratch tile whose pages are then handed to the columns (`alloc::move_pages`),
/// and the tile itself, its pages already in memory, becomes the next scratch. The
/// columns then cost no page faults (at 10M rows, 180,000 of them, ≈ 0.3 s).
///
/// `ids` is freed once the columns are mapped: its pages, kept by the allocator,
/// serve the scratch tiles and the codes.
fn columns(cells: Cells, nd: usize, n: usize, tallies: Vec<Tally>, ids: Ids) -> Vec<Acc> {
    // Whole pages per tile part of a column, and columns big enough to be
    // mappings of their own (src/alloc.rs).
    let moving = n * 8 >= crate::alloc::BIG_BYTES
        && cells
            .tile_len()
            .is_multiple_of(crate::alloc::PAGE_BYTES / 8);
    let values = column_room(nd, n, moving);
    drop(ids);
    columns_by(cells, nd, n, tallies, values, moving)
}

/// Zeroed room for every domain's two columns: whole pages when `moving`, so that
/// every tile's part of a column is too.
fn column_room(nd: usize, n: usize, moving: bool) -> Vec<[Vec<f64>; 2]> {
    let cap = if moving {
        n.next_multiple_of(crate::alloc::PAGE_BYTES / 8)
    } else {
        n
    };
    (0..nd).map(|_| [vec![0.0; cap], vec![0.0; cap]]).collect()
}

/// [`columns`] into `values` (from [`column_room`]), handing the scratch tiles'
/// pages to the columns when `moving`.
fn columns_by(
    cells: Cells,
    nd: usize,
    n: usize,
    tallies: Vec<Tally>,
    mut values: Vec<[Vec<f64>; 2]>,
    moving: bool,
) -> Vec<Acc> {
    let stride = cells.stride;
    let tile_len = cells.tile_len();
    // Numbers kept as written: their value, parsed once per distinct spelling.
    let num_value: Vec<Vec<f64>> = tallies
        .iter()
        .map(|t| {
            t.texts
                .iter()
                .map(|s| parse_number(s, true).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let mut codes: Vec<Option<[Vec<u32>; 2]>> = tallies
        .iter()
        .map(|t| t.has_text.then(|| [vec![NO_CODE; n], vec![NO_CODE; n]]))
        .collect();
    // Per tile: its cells and its part of every column ([domain][wave]).
    // Each tile's participants only (a tile made ahead is whole).
    let mut jobs: Vec<TileJob> = cells
        .tiles
        .into_iter()
        .enumerate()
        .map(|(k, mut t)| {
            t.truncate(n.saturating_sub(k * tile_len).min(tile_len) * stride);
            (t, Vec::new(), Vec::new())
        })
        .collect();
    for col in values.iter_mut().flat_map(|v| v.iter_mut()) {
        for (k, part) in col.chunks_mut(tile_len).enumerate() {
            if let Some(j) = jobs.get_mut(k) {
                j.1.push(part);
            }
        }
    }
    for c in &mut codes {
        match c {
            Some(waves) => {
                for col in waves.iter_mut() {
                    for (k, part) in col.chunks_mut(tile_len).enumerate() {
                        if let Some(j) = jobs.get_mut(k) {
                            j.2.push(Some(part));
                        }
                    }
                }
            }
            None => {
                for j in &mut jobs {
                    j.2.push(None);
                    j.2.push(None);
                }
            }
        }
    }
    // A column at a time over blocks of rows small enough to stay in cache: each
    // column's values are written in runs.
    let transpose = |tile: &[u64], vals: &mut [&mut [f64]], cods: &mut [Option<&mut [u32]>]| {
        const BLOCK: usize = 256;
        let stride = stride.max(1);
        for (b, block) in tile.chunks(BLOCK * stride).enumerate() {
            let at = b * BLOCK;
            for (j, (out, code_out)) in vals.iter_mut().zip(cods.iter_mut()).enumerate() {
                // Column j is domain j / 2 at wave j % 2, cell w * nd + d of a row.
                let (d, w) = (j / 2, j % 2);
                let cell = w * nd + d;
                let rows = block.chunks_exact(stride);
                let Some(out) = out.get_mut(at..at + rows.len()) else {
                    continue;
                };
                for (o, row) in out.iter_mut().zip(rows) {
                    let c = row[cell];
                    *o = if is_code(c) {
                        if c & NUMERIC != 0 {
                            num_value[d]
                                .get(code_of(c) as usize)
                                .copied()
                                .unwrap_or(f64::NAN)
                        } else {
                            f64::NAN
                        }
                    } else {
                        f64::from_bits(c)
                    };
                }
                if let Some(cs) = code_out {
                    let rows = block.chunks_exact(stride);
                    if let Some(cs) = cs.get_mut(at..at + rows.len()) {
                        for (o, row) in cs.iter_mut().zip(rows) {
                            let c = row[cell];
                            *o = if is_code(c) { code_of(c) } else { NO_CODE };
                        }
                    }
                }
            }
        }
    };
    if moving {
        // One chain of tiles per core: each tile goes into the scratch, the
        // scratch's pages go to the columns, and the tile becomes the scratch.
        let group = jobs
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(1);
        jobs.into_par_iter().chunks(group).for_each(|group| {
            let mut scratch: Option<Vec<u64>> = None;
            for (tile, mut vals, mut cods) in group {
                let mut buf = scratch.take().unwrap_or_default();
                buf.resize(tile_len * stride, 0);
                let mut parts: Vec<&mut [f64]> = bytemuck::cast_slice_mut::<u64, f64>(&mut buf)
                    .chunks_mut(tile_len)
                    .collect();
                transpose(&tile, &mut parts, &mut cods);
                for (from, to) in parts.iter_mut().zip(vals.iter_mut()) {
                    let from = &mut from[..to.len()];
                    let moved = crate::alloc::move_pages(
                        bytemuck::cast_slice_mut(from),
                        bytemuck::cast_slice_mut(to),
                    );
                    if !moved {
                        to.copy_from_slice(from);
                    }
                }
                // `buf` is dropped here (its pages are the columns' now).
                scratch = Some(tile);
            }
        });
        for col in values.iter_mut().flat_map(|v| v.iter_mut()) {
            col.truncate(n);
        }
    } else {
        jobs.into_par_iter().for_each(|(tile, mut vals, mut cods)| {
            transpose(&tile, &mut vals, &mut cods);
            // The tile is dropped here: its memory goes back as the columns fill.
        });
    }
    values
        .into_iter()
        .zip(codes)
        .zip(tallies)
        .map(|((values, codes), tally)| Acc {
            values,
            codes,
            tally,
        })
        .collect()
}

/// A tile's cells and its part of every column and code column.
type TileJob<'a> = (Vec<u64>, Vec<&'a mut [f64]>, Vec<Option<&'a mut [u32]>>);

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
    let arm_map = LabelMap::new(
        named_arms,
        [roles::INTERVENTION_LABELS, roles::CONTROL_LABELS],
        false,
    );
    let wave_map = LabelMap::new(named_waves, [roles::PRE_LABELS, roles::POST_LABELS], true);

    // Participants, strata and domain values: blocks of records are parsed on every
    // core (rows.rs) and merged here in file order.
    let has_id = id_cols[0].is_some();
    // Sized for the expected rows (one participant per row at most, half in the usual
    // long file): no rehashing or regrowth on big files.
    let expected: usize = sources
        .iter()
        .map(|s| s.estimated_rows)
        .sum::<usize>()
        .min(1 << 28);
    let nd = domain_cols.len();
    let fresh_arms = arm_map.clone();
    let fresh_waves = wave_map.clone();
    let mut m = Merge {
        nd,
        ids: Ids::with_capacity(expected / 2, has_id),
        cells: Cells::new(2 * nd, expected / 2),
        tallies: vec![Tally::default(); nd],
        arm_map,
        wave_map,
        strata_values: Vec::new(),
        strata_index: FxHashMap::default(),
        strata_missing: 0,
        rows_total: 0,
    };
    let ahead = SpareTile::new(&m.cells, expected / 2);
    let threads = rayon::current_num_threads().max(1);
    for si in 0..sources.len() {
        let mut blocks = sources[si].blocks()?;
        let src = &sources[si];
        let done_before: u64 = sources[..si].iter().map(|s| s.size).sum();
        let plan = Plan {
            si,
            id: id_cols[si],
            group: group_cols[si],
            wave: wave_cols[si],
            by: by_cols[si],
            cols: domain_cols.iter().map(|d| d.cols[si]).collect(),
            wide: layout == Layout::Wide,
            width: src.headers.len(),
            file_arm: (group_cols[si].is_none() && several).then_some(src.stem.as_str()),
            decimal_comma: src.decimal_comma,
            delimiter: src.delimiter,
            group_name: &group_col_name,
            wave_name: &wave_col_name,
            id_name: id_cols[si].map_or("", |c| src.headers[c].as_str()),
            arms: &fresh_arms,
            waves: &fresh_waves,
        };
        // While one core merges a batch, the next batch is parsed. Blocks and their
        // rows go back to be reused once merged.
        let mut pending: Vec<(Block, Parsed)> = Vec::new();
        let mut spare: Vec<Parsed> = Vec::new();
        loop {
            let known: Vec<bool> = m.tallies.iter().map(|t| t.has_text).collect();
            let mut reuse = std::mem::take(&mut spare);
            let (merged, next) = rayon::join(
                || -> UResult<Vec<(Block, Parsed)>> {
                    let t0 = Instant::now();
                    if si == 0 && pending.is_empty() && ahead.is_on() {
                        // A big cohort: nothing to merge while the first blocks
                        // are parsed.
                        m.ids.touch();
                    }
                    let mut done = Vec::with_capacity(pending.len());
                    for (b, p) in pending.drain(..) {
                        let p = m.merge(&plan, &b, p, sources, &ahead)?;
                        done.push((b, p));
                    }
                    T_MERGE.add(t0);
                    Ok(done)
                },
                || -> UResult<Vec<(Block, Parsed)>> {
                    let t0 = Instant::now();
                    let batch = blocks.take(2 * threads)?;
                    T_READ.add(t0);
                    let jobs: Vec<(Block, Option<Parsed>)> =
                        batch.into_iter().map(|b| (b, reuse.pop())).collect();
                    Ok(jobs
                        .into_par_iter()
                        .map(|(b, r)| {
                            let t0 = Instant::now();
                            let p = rows::parse(&plan, &b, &known, r);
                            ahead.make_if_wanted();
                            T_PARSE.add(t0);
                            (b, p)
                        })
                        .collect())
                },
            );
            for (b, p) in merged? {
                blocks.recycle(b);
                spare.push(p);
            }
            let next = next?;
            match next.last() {
                Some((b, _)) => progress(done_before + b.end()),
                None => break,
            }
            pending = next;
        }
    }
    let Merge {
        ids,
        cells,
        tallies,
        arm_map,
        wave_map,
        mut strata_values,
        strata_index: _,
        strata_missing,
        rows_total,
        nd: _,
    } = m;
    let t0 = Instant::now();
    let mut participants: Vec<Participant> = ids
        .recs
        .par_iter()
        .map(|r| Participant {
            arm: arm_index(r.arm),
            stratum: (r.stratum != NO_CODE).then_some(r.stratum),
            present: [r.present & 1 != 0, r.present & 2 != 0],
        })
        .collect();
    let t_participants = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let accs = columns(cells, nd, participants.len(), tallies, ids);
    crate::timing::report(|| {
        format!(
            "  reading {:.3} s, parsing {:.3} s (summed over threads), merging {:.3} s, participants {t_participants:.3} s, columns {:.3} s",
            T_READ.seconds(),
            T_PARSE.seconds(),
            T_MERGE.seconds(),
            t0.elapsed().as_secs_f64()
        )
    });
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
    // Issue 21: a skipped multiple-choice summary column is told, not silent.
    for column in sources.first().map_or(&[][..], |s| &s.choice_summaries[..]) {
        warnings.push(Warning::new(
            Some(column),
            "the answers of a multiple-choice question, space-separated; skipped (each choice is its own yes/no column)".to_string(),
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

    // Domains: kind, levels and values, decided on every core (each domain on its
    // own); the first error and the warnings come in the domains' order.
    let t0 = Instant::now();
    let finished: Vec<(String, UResult<Finished>)> = domain_cols
        .par_iter()
        .zip(accs)
        .map(|(dc, acc)| {
            let spec_d = dc.spec.as_ref();
            let name = spec_d
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| dc.name.clone());
            let f = acc.finish(
                &name,
                &dc.name,
                spec_d,
                spec.map(|s| s.file.as_str()),
                &error_at,
            );
            (name, f)
        })
        .collect();
    let mut domains = Vec::new();
    for (dc, (name, f)) in domain_cols.iter().zip(finished) {
        let spec_d = dc.spec.as_ref();
        match f? {
            Finished::Skipped(msg) => warnings.push(Warning::new(Some(&name), msg)),
            Finished::Domain {
                kind,
                levels,
                values,
                ordered,
                attribute,
            } => {
                if attribute {
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
    crate::timing::report(|| format!("  domains decided {:.3} s", t0.elapsed().as_secs_f64()));
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

    /// Cells of `nd` domains for `n` participants in tiles of `1 << shift`, every
    /// kind of cell (numbers of both signs, missing, text codes, numbers kept as
    /// text), and tallies where domain 0 holds text.
    fn cells_for_test(nd: usize, n: usize, shift: u32) -> (Cells, Vec<Tally>) {
        cells_grown(nd, n, shift, n, false)
    }

    /// [`cells_for_test`], grown `step` participants at a time, with tiles made
    /// ahead (between steps, as the parsing cores do) when `ahead`.
    fn cells_grown(
        nd: usize,
        n: usize,
        shift: u32,
        step: usize,
        ahead: bool,
    ) -> (Cells, Vec<Tally>) {
        let mut cells = Cells {
            tiles: Vec::new(),
            stride: 2 * nd,
            shift,
            len: 0,
        };
        let spare = SpareTile::new(&cells, if ahead { n } else { 0 });
        assert_eq!(spare.is_on(), ahead);
        let mut at = 0;
        while at < n {
            spare.make_if_wanted();
            at = (at + step).min(n);
            cells.grow_to(at, &spare);
        }
        for p in 0..n {
            if let Some(row) = cells.row_mut(p) {
                for (j, c) in row.iter_mut().enumerate() {
                    *c = match (p * 7 + j * 3) % 11 {
                        0 => MISSING,
                        1 => rows::code_cell((p % 3) as u32, false),
                        2 => rows::code_cell(1, true),
                        3 => (-0.0f64).to_bits(),
                        k => ((p as f64) * 0.5 - k as f64).to_bits(),
                    };
                }
            }
        }
        let mut text = Tally::default();
        for t in ["a", "1.50", "c"] {
            text.texts.push(t.to_string());
        }
        text.has_text = true;
        let mut tallies = vec![text];
        tallies.resize_with(nd, Tally::default);
        (cells, tallies)
    }

    #[test]
    fn tiles_made_ahead_change_nothing() {
        // 50,000 participants in tiles of 4,096, grown 999 at a time (rows cross
        // tiles), the last tile part full.
        let (nd, n) = (3, 50_000);
        let (cells, tallies) = cells_grown(nd, n, 12, 999, true);
        // Every tile after the first was made ahead: whole, missing beyond n.
        assert_eq!(cells.tiles.len(), n.div_ceil(4096));
        assert!(cells.tiles[1..].iter().all(|t| t.len() == 4096 * 2 * nd));
        assert_eq!(cells.row(n).map(|r| r[0]), Some(MISSING));
        let ahead = columns_by(cells, nd, n, tallies, column_room(nd, n, false), false);
        let (cells, tallies) = cells_grown(nd, n, 12, 999, false);
        assert_eq!(cells.row(n), None);
        let grown = columns_by(cells, nd, n, tallies, column_room(nd, n, false), false);
        assert_same_columns(&ahead, &grown, n);
    }

    /// The same values (to the bit) and codes, `n` participants each.
    fn assert_same_columns(a: &[Acc], b: &[Acc], n: usize) {
        assert_eq!(a.len(), b.len());
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (x, y) in a.iter().zip(b) {
            for wave in 0..2 {
                assert_eq!(x.values[wave].len(), n);
                assert!(bits(&x.values[wave]) == bits(&y.values[wave]));
            }
            assert_eq!(x.codes, y.codes);
        }
    }

    #[test]
    fn columns_handed_pages_equal_columns_written() {
        // 2.2 million participants: columns of 17.6 MB, mappings of their own, so
        // that the pages really move; tiles of 2^19 participants (16 MiB, the
        // last one part full).
        let (nd, n) = (2, 2_200_000);
        let (cells, tallies) = cells_for_test(nd, n, 19);
        let moved = columns_by(cells, nd, n, tallies, column_room(nd, n, true), true);
        let (cells, tallies) = cells_for_test(nd, n, 19);
        let written = columns_by(cells, nd, n, tallies, column_room(nd, n, false), false);
        assert_eq!(moved.len(), nd);
        assert_same_columns(&moved, &written, n);
        // A few values by hand: participant 5, domain 0, pre (cell 0):
        // (35 + 0) % 11 = 2 → the number kept as text "1.50".
        assert_eq!(written[0].values[0][5], 1.5);
        assert_eq!(written[0].codes.as_ref().map(|c| c[0][5]), Some(1));
        // Participant 4, domain 1, post (cell 3): (28 + 9) % 11 = 4 → 2 - 4.
        assert_eq!(written[1].values[1][4], -2.0);
        // Participant 1, domain 0, pre: (7 + 0) % 11 = 7 → 0.5 - 7.
        assert_eq!(moved[0].values[0][1], -6.5);
        assert_eq!(moved[0].values[0][n - 1], written[0].values[0][n - 1]);
    }

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
