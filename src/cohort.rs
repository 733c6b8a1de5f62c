//! The typed cohort: participants (arm, stratum, which waves they were seen in) and
//! domains (kind, levels, one value per participant and wave), built from the tables.

use crate::error::{UResult, UserError};
use crate::input::read::Table;
use crate::input::roles::{self, side_of};
use crate::input::spec::{DomainSpec, Label, Spec, Threshold};
use crate::input::values::{Cell, classify, is_missing};
use crate::text::fold;
use serde::Serialize;
use std::collections::HashMap;

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
    for (pre, post) in WIDE_SUFFIXES {
        for s in [pre, post] {
            if f.ends_with(s) && t.len() >= s.len() {
                return t[..t.len() - s.len()].to_string();
            }
        }
    }
    for (pre, post) in WIDE_PREFIXES {
        for s in [pre, post] {
            if f.starts_with(s) && t.len() >= s.len() {
                return t[s.len()..].to_string();
            }
        }
    }
    t.to_string()
}

fn column_list(headers: &[String]) -> String {
    headers.join(", ")
}

fn named_column(t: &Table, name: &str, flag: &str) -> UResult<usize> {
    roles::find_named(&t.headers, name).ok_or_else(|| {
        UserError::new(format!("{flag} {name}: there is no such column"))
            .file(&t.name)
            .line(1)
            .hint(format!("columns are: {}", column_list(&t.headers)))
    })
}

fn check_duplicate_columns(t: &Table) -> UResult<()> {
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

/// Map distinct labels (folded → first spelling, first line) to sides 0/1.
fn map_labels(
    what: &str,
    found: &[(String, String, String, u64)],
    named: [Option<&str>; 2],
    builtin: [&[&str]; 2],
    flags: [&str; 2],
    column: &str,
) -> UResult<HashMap<String, usize>> {
    let mut map = HashMap::new();
    for (folded, written, file, line) in found {
        match side_of(written, named, builtin) {
            Some(side) => {
                map.insert(folded.clone(), side);
            }
            None => {
                let values: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
                return Err(UserError::new(format!(
                    "unknown {what} label \"{written}\" (values found: {})",
                    values.join(", ")
                ))
                .file(file.as_str())
                .line(*line)
                .column(column)
                .hint(format!(
                    "name the labels with {} LABEL and {} LABEL",
                    flags[0], flags[1]
                )));
            }
        }
    }
    Ok(map)
}

/// Build the cohort from the tables read from the command line.
pub fn build(tables: &[Table], opts: &Options, spec: Option<&Spec>) -> UResult<Cohort> {
    build_inner(tables, opts, spec).map_err(|mut e| {
        // A spreadsheet's locations are rows, not lines.
        if tables
            .iter()
            .any(|t| t.sheet.is_some() && e.file.as_deref() == Some(t.name.as_str()))
        {
            e.line_word = "row";
        }
        e
    })
}

fn build_inner(tables: &[Table], opts: &Options, spec: Option<&Spec>) -> UResult<Cohort> {
    let Some(first) = tables.first() else {
        return Err(UserError::new("no input file").hint("give a CSV file, or - for stdin"));
    };
    for t in tables {
        check_duplicate_columns(t)?;
    }
    let mut warnings = Vec::new();

    // Roles, found in each table by name.
    let role = |t: &Table,
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
    for t in tables {
        id_cols.push(role(t, &opts.id, "--id", roles::ID_NAMES)?);
        group_cols.push(role(t, &opts.group, "--group", roles::GROUP_NAMES)?);
        wave_cols.push(role(t, &opts.wave, "--wave", roles::WAVE_NAMES)?);
        by_cols.push(match &opts.by {
            Some(b) => Some(named_column(t, b, "--by")?),
            None => None,
        });
    }
    for (i, t) in tables.iter().enumerate() {
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
        named_column(first, name, "--ignore")?;
    }
    let ignored: Vec<String> = opts.ignore.iter().map(|s| fold(s)).collect();
    let is_role = |t: usize, c: usize| {
        [id_cols[t], group_cols[t], wave_cols[t], by_cols[t]].contains(&Some(c))
            || ignored.contains(&fold(&tables[t].headers[c]))
            || tables[t].skip.get(c).copied().unwrap_or(false)
    };

    // Domain columns of the first table, then located in the others.
    let candidates: Vec<usize> = (0..first.headers.len())
        .filter(|&c| !is_role(0, c))
        .collect();
    let has_wave = wave_cols[0].is_some();
    let mut layout = Layout::Long;
    let mut domain_cols: Vec<DomainCols> = Vec::new();
    if !has_wave
        && candidates.iter().any(|&c| {
            wide_part(&first.headers[c]).is_some_and(|(_, _, partner)| {
                candidates
                    .iter()
                    .any(|&d| fold(&first.headers[d]) == partner)
            })
        })
    {
        layout = Layout::Wide;
    }
    let locate = |name_folded: &str| -> UResult<Vec<usize>> {
        tables
            .iter()
            .map(|t| {
                t.headers
                    .iter()
                    .position(|h| fold(h) == name_folded)
                    .ok_or_else(|| {
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
                    let Some(&p) = candidates
                        .iter()
                        .find(|&&d| fold(&first.headers[d]) == partner)
                    else {
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

    // Arms.
    let several = tables.len() > 1;
    let arm_label = |t: usize, row: &crate::input::read::Row| -> Option<String> {
        match group_cols[t] {
            Some(c) => Some(row.get(c).to_string()),
            None if several => Some(tables[t].stem.clone()),
            None => None,
        }
    };
    let spec_groups = spec.map(|s| s.groups.clone()).unwrap_or_default();
    let named_arms = [
        opts.intervention
            .as_deref()
            .or(spec_groups.intervention.as_deref()),
        opts.control.as_deref().or(spec_groups.control.as_deref()),
    ];
    let spec_waves = spec.map(|s| s.waves.clone()).unwrap_or_default();
    let named_waves = [
        opts.pre.as_deref().or(spec_waves.pre.as_deref()),
        opts.post.as_deref().or(spec_waves.post.as_deref()),
    ];
    let group_col_name = group_cols[0]
        .map(|c| first.headers[c].clone())
        .unwrap_or_else(|| "(file name)".into());
    let wave_col_name = wave_cols[0]
        .map(|c| first.headers[c].clone())
        .unwrap_or_default();

    let mut arm_found: Vec<(String, String, String, u64)> = Vec::new();
    let mut wave_found: Vec<(String, String, String, u64)> = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        for row in &t.rows {
            if let Some(a) = arm_label(ti, row) {
                if is_missing(&a) {
                    return Err(UserError::new("the arm is empty")
                        .file(&t.name)
                        .line(row.line)
                        .column(group_col_name.as_str())
                        .hint("fill in the arm of every row (or drop the row)"));
                }
                let f = fold(&a);
                if !arm_found.iter().any(|x| x.0 == f) {
                    arm_found.push((f, a, t.name.clone(), row.line));
                }
            }
            if let Some(c) = wave_cols[ti] {
                let w = row.get(c);
                if is_missing(w) {
                    return Err(UserError::new("the wave is empty")
                        .file(&t.name)
                        .line(row.line)
                        .column(wave_col_name.as_str())
                        .hint("fill in the wave of every row (or drop the row)"));
                }
                let f = fold(w);
                if !wave_found.iter().any(|x| x.0 == f) {
                    wave_found.push((f, w.to_string(), t.name.clone(), row.line));
                }
            }
        }
    }
    let arm_map = map_labels(
        "arm",
        &arm_found,
        named_arms,
        [roles::INTERVENTION_LABELS, roles::CONTROL_LABELS],
        ["--intervention", "--control"],
        &group_col_name,
    )?;
    // Waves: with both labels named, other waves are dropped; else at most two.
    let mut dropped_waves: HashMap<String, usize> = HashMap::new();
    let wave_map = if has_wave {
        let both_named = named_waves[0].is_some() && named_waves[1].is_some();
        let chosen: Vec<(String, String, String, u64)> = if both_named {
            let named: Vec<String> = named_waves.iter().flatten().map(|s| fold(s)).collect();
            for n in named_waves.iter().flatten() {
                if !wave_found.iter().any(|w| w.0 == fold(n)) {
                    let values: Vec<&str> = wave_found.iter().map(|w| w.1.as_str()).collect();
                    return Err(UserError::new(format!(
                        "wave \"{n}\" does not occur in the data (waves found: {})",
                        values.join(", ")
                    ))
                    .file(&first.name)
                    .column(wave_col_name.as_str())
                    .hint("name two of the waves found with --pre and --post"));
                }
            }
            wave_found
                .iter()
                .filter(|w| named.contains(&w.0))
                .cloned()
                .collect()
        } else {
            if wave_found.len() > 2 {
                let values: Vec<&str> = wave_found.iter().map(|w| w.1.as_str()).collect();
                return Err(UserError::new(format!(
                    "{} waves found ({}); the analysis compares two",
                    wave_found.len(),
                    values.join(", ")
                ))
                .file(&first.name)
                .column(wave_col_name.as_str())
                .hint("choose two with --pre LABEL --post LABEL"));
            }
            wave_found.clone()
        };
        let m = map_labels(
            "wave",
            &chosen,
            named_waves,
            [roles::PRE_LABELS, roles::POST_LABELS],
            ["--pre", "--post"],
            &wave_col_name,
        )?;
        if m.len() == 2
            && m.values()
                .all(|&v| v == m.values().next().copied().unwrap_or(0))
        {
            let values: Vec<&str> = chosen.iter().map(|w| w.1.as_str()).collect();
            return Err(UserError::new(format!(
                "the waves {} both mean the same wave",
                values.join(" and ")
            ))
            .file(&first.name)
            .column(wave_col_name.as_str())
            .hint("name them with --pre LABEL --post LABEL"));
        }
        for w in &wave_found {
            if !m.contains_key(&w.0) {
                dropped_waves.insert(w.0.clone(), 0);
            }
        }
        m
    } else {
        HashMap::new()
    };

    let mut labels = Labels::default();
    for (f, written, _, _) in &arm_found {
        match arm_map.get(f) {
            Some(0) if labels.intervention.is_none() => labels.intervention = Some(written.clone()),
            Some(1) if labels.control.is_none() => labels.control = Some(written.clone()),
            _ => {}
        }
    }
    for (f, written, _, _) in &wave_found {
        match wave_map.get(f) {
            Some(0) if labels.pre.is_none() => labels.pre = Some(written.clone()),
            Some(1) if labels.post.is_none() => labels.post = Some(written.clone()),
            _ => {}
        }
    }

    // Participants, and for each row the (participant, wave) it belongs to.
    let has_id = id_cols[0].is_some();
    let mut participants: Vec<Participant> = Vec::new();
    let mut first_line: Vec<[u64; 2]> = Vec::new();
    let mut first_file: Vec<[u32; 2]> = Vec::new();
    let mut by_id: HashMap<String, u32> = HashMap::new();
    let mut strata_values: Vec<String> = Vec::new();
    let mut strata_index: HashMap<String, u32> = HashMap::new();
    let mut strata_missing = 0usize;
    // Per table, per row: Some((participant, wave)) or None (dropped wave).
    let mut row_map: Vec<Vec<Option<(u32, u8)>>> = Vec::with_capacity(tables.len());
    let mut rows_total = 0usize;
    for (ti, t) in tables.iter().enumerate() {
        let mut map = Vec::with_capacity(t.rows.len());
        for row in &t.rows {
            rows_total += 1;
            let arm = match arm_label(ti, row) {
                Some(a) => match arm_map.get(&fold(&a)) {
                    Some(1) => Arm::Control,
                    _ => Arm::Intervention,
                },
                None => Arm::Intervention,
            };
            let wave: u8 = match wave_cols[ti] {
                Some(c) => match wave_map.get(&fold(row.get(c))) {
                    Some(&w) => w as u8,
                    None => {
                        *dropped_waves.entry(fold(row.get(c))).or_insert(0) += 1;
                        map.push(None);
                        continue;
                    }
                },
                None => 1,
            };
            let stratum = match by_cols[ti] {
                Some(c) => {
                    let v = row.get(c);
                    if is_missing(v) {
                        strata_missing += 1;
                        None
                    } else {
                        let f = fold(v);
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
            let pid = match id_cols[ti] {
                Some(c) => {
                    let id = row.get(c);
                    if is_missing(id) {
                        return Err(UserError::new("the participant id is empty")
                            .file(&t.name)
                            .line(row.line)
                            .column(t.headers[c].as_str())
                            .hint("fill in the id of every row, or drop the row"));
                    }
                    // Files that are arms (no arm column) number their participants
                    // independently: key their ids by file.
                    let key = if group_cols[ti].is_none() && several {
                        format!("{}\u{0}{id}", t.stem)
                    } else {
                        id.to_string()
                    };
                    match by_id.get(&key) {
                        Some(&p) => {
                            let pu = p as usize;
                            for &w in waves_here {
                                if participants[pu].present[w as usize] {
                                    let other = &tables[first_file[pu][w as usize] as usize].name;
                                    return Err(UserError::new(format!(
                                        "participant \"{id}\" appears twice in the same wave (also on line {} of {other})",
                                        first_line[pu][w as usize]
                                    ))
                                    .file(&t.name)
                                    .line(row.line)
                                    .column(t.headers[c].as_str())
                                    .hint("keep one row per participant and wave"));
                                }
                            }
                            if participants[pu].arm != arm {
                                return Err(UserError::new(format!(
                                    "participant \"{id}\" is in a different arm here than on line {}",
                                    first_line[pu].iter().copied().max().unwrap_or(0)
                                ))
                                .file(&t.name)
                                .line(row.line)
                                .column(group_col_name.as_str())
                                .hint("a participant keeps one arm in every wave; correct the arm"));
                            }
                            p
                        }
                        None => {
                            let p = participants.len() as u32;
                            by_id.insert(key, p);
                            participants.push(Participant {
                                arm,
                                stratum,
                                present: [false; 2],
                            });
                            first_line.push([0; 2]);
                            first_file.push([0; 2]);
                            p
                        }
                    }
                }
                None => {
                    let p = participants.len() as u32;
                    participants.push(Participant {
                        arm,
                        stratum,
                        present: [false; 2],
                    });
                    first_line.push([0; 2]);
                    first_file.push([0; 2]);
                    p
                }
            };
            for &w in waves_here {
                participants[pid as usize].present[w as usize] = true;
                first_line[pid as usize][w as usize] = row.line;
                first_file[pid as usize][w as usize] = ti as u32;
            }
            map.push(Some((pid, wave)));
        }
        row_map.push(map);
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
    let mut dropped: Vec<(String, usize)> =
        dropped_waves.into_iter().filter(|(_, n)| *n > 0).collect();
    dropped.sort();
    for (w, n) in dropped {
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
    let n = participants.len();
    let mut domains = Vec::new();
    for dc in &domain_cols {
        let spec_d = dc.spec.as_ref();
        let name = spec_d
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| dc.name.clone());
        let col_name = &dc.name;
        let threshold = spec_d
            .and_then(|s| s.pass.as_deref())
            .and_then(Threshold::parse);
        // First pass: classify every non-missing cell.
        let mut n_num = 0usize;
        let mut n_word = 0usize;
        let mut n_text = 0usize;
        let mut all01 = true;
        let mut first_text: Option<(usize, u64, String)> = None;
        let mut first_nonfinite: Option<(usize, u64, String)> = None;
        let mut levels: Vec<String> = Vec::new();
        let mut level_index: HashMap<String, usize> = HashMap::new();
        for (ti, t) in tables.iter().enumerate() {
            for (ri, row) in t.rows.iter().enumerate() {
                if row_map[ti][ri].is_none() {
                    continue;
                }
                let cols = if layout == Layout::Wide {
                    &dc.cols[ti][..]
                } else {
                    &dc.cols[ti][..1]
                };
                for &c in cols {
                    let raw = row.get(c);
                    if is_missing(raw) {
                        continue;
                    }
                    match classify(raw, t.decimal_comma) {
                        Cell::Number(x) => {
                            n_num += 1;
                            if x != 0.0 && x != 1.0 {
                                all01 = false;
                            }
                        }
                        Cell::NonFinite => {
                            n_num += 1;
                            all01 = false;
                            if first_nonfinite.is_none() {
                                first_nonfinite = Some((ti, row.line, raw.to_string()));
                            }
                        }
                        Cell::Word(_) => n_word += 1,
                        Cell::Text => {
                            n_text += 1;
                            if first_text.is_none() {
                                first_text = Some((ti, row.line, raw.to_string()));
                            }
                        }
                    }
                    if level_index.len() <= 1000 {
                        let f = fold(raw);
                        if !level_index.contains_key(&f) {
                            level_index.insert(f, levels.len());
                            levels.push(raw.to_string());
                        }
                    }
                }
            }
        }
        let total = n_num + n_word + n_text;
        if total == 0 {
            warnings.push(Warning::new(
                Some(&name),
                "every value is missing; domain skipped",
            ));
            continue;
        }
        let spec_kind = spec_d.and_then(|s| s.kind.as_deref()).map(|k| match k {
            "binary" => Kind::Binary,
            "continuous" => Kind::Continuous,
            _ => Kind::Categorical,
        });
        let spec_levels = spec_d.and_then(|s| s.levels.clone());
        let numeric_error = |ti: usize, line: u64, raw: &str, what: &str| {
            UserError::new(format!("{what} \"{raw}\" in numeric domain \"{col_name}\""))
                .file(&tables[ti].name)
                .line(line)
                .column(col_name.as_str())
                .hint("correct the value, or mark it missing (empty or NA)")
        };
        let kind = if threshold.is_some() {
            if n_num < total {
                let (ti, line, raw) = first_text.clone().unwrap_or((0, 0, String::new()));
                return Err(numeric_error(ti, line, &raw, "text"));
            }
            Kind::Binary
        } else if let Some(k) = spec_kind {
            k
        } else if spec_levels.is_some() {
            Kind::Categorical
        } else if n_text == 0 && n_word == 0 {
            if let Some((ti, line, raw)) = &first_nonfinite {
                return Err(numeric_error(*ti, *line, raw, "non-finite number"));
            }
            if all01 {
                Kind::Binary
            } else {
                Kind::Continuous
            }
        } else if n_text == 0 && (all01 || n_num == 0) {
            Kind::Binary
        } else if n_num * 2 > total {
            let (ti, line, raw) = first_text.clone().unwrap_or((0, 0, String::new()));
            return Err(numeric_error(ti, line, &raw, "text"));
        } else {
            Kind::Categorical
        };
        if kind == Kind::Categorical && spec_levels.is_none() {
            if levels.len() > 20 || (levels.len() == total && total >= 10) {
                warnings.push(Warning::new(
                    Some(&name),
                    format!(
                        "{} distinct text values: free text or identifiers, not a domain; skipped (use --ignore to silence)",
                        if level_index.len() > 1000 { "over 1000".to_string() } else { levels.len().to_string() }
                    ),
                ));
                continue;
            }
            if levels.len() < 2 {
                warnings.push(Warning::new(
                    Some(&name),
                    "a single text value; domain skipped",
                ));
                continue;
            }
        }
        if let Some(sl) = &spec_levels {
            let folded: Vec<String> = sl.iter().map(|l| fold(l)).collect();
            for l in &levels {
                if !folded.contains(&fold(l)) {
                    return Err(UserError::new(format!(
                        "value \"{l}\" of \"{col_name}\" is not one of the spec's levels ({})",
                        sl.join(", ")
                    ))
                    .file(spec.map(|s| s.file.as_str()).unwrap_or(""))
                    .hint("add it to levels = [...] or correct the data"));
                }
            }
            levels = sl.clone();
            level_index = folded
                .into_iter()
                .enumerate()
                .map(|(i, f)| (f, i))
                .collect();
        }
        // Second pass: values.
        let mut values = [vec![f64::NAN; n], vec![f64::NAN; n]];
        for (ti, t) in tables.iter().enumerate() {
            for (ri, row) in t.rows.iter().enumerate() {
                let Some((pid, wave)) = row_map[ti][ri] else {
                    continue;
                };
                let cells: [(usize, usize); 2] = [(dc.cols[ti][0], 0), (dc.cols[ti][1], 1)];
                let cells = if layout == Layout::Wide {
                    &cells[..]
                } else {
                    &[(dc.cols[ti][0], wave as usize)][..]
                };
                for &(c, w) in cells {
                    let raw = row.get(c);
                    if is_missing(raw) {
                        continue;
                    }
                    let v = match (kind, classify(raw, t.decimal_comma)) {
                        (Kind::Categorical, _) => level_index.get(&fold(raw)).map(|&i| i as f64),
                        (_, Cell::Number(x)) => Some(match threshold {
                            Some(th) => f64::from(u8::from(th.passes(x))),
                            None => x,
                        }),
                        (Kind::Binary, Cell::Word(b)) => Some(f64::from(u8::from(b))),
                        (_, Cell::NonFinite) => {
                            return Err(numeric_error(ti, row.line, raw, "non-finite number"));
                        }
                        _ => return Err(numeric_error(ti, row.line, raw, "text")),
                    };
                    if let Some(v) = v {
                        if kind == Kind::Binary && v != 0.0 && v != 1.0 {
                            return Err(UserError::new(format!(
                                "value \"{raw}\" in binary domain \"{name}\""
                            ))
                            .file(&t.name)
                            .line(row.line)
                            .column(col_name.as_str())
                            .hint("a binary domain holds 0/1, yes/no, sí/no or true/false"));
                        }
                        values[w][pid as usize] = v;
                    }
                }
            }
        }
        let matched: Vec<usize> = (0..n)
            .filter(|&i| !values[0][i].is_nan() && !values[1][i].is_nan())
            .collect();
        if kind == Kind::Categorical
            && matched.len() >= 10
            && matched.iter().all(|&i| values[0][i] == values[1][i])
        {
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
            levels: if kind == Kind::Categorical {
                levels
            } else {
                Vec::new()
            },
            higher_is_better: spec_d.and_then(|s| s.higher_is_better).unwrap_or(true),
            ordered: kind == Kind::Categorical && spec_levels.is_some(),
            values,
        });
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
        files: tables.iter().map(|t| t.name.clone()).collect(),
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
