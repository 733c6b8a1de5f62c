//! The typed cohort: participants (arm, stratum, which waves they were seen in) and
//! domains (kind, levels, one value per participant and wave), built from the sources.

mod characteristics;
mod columns;
mod derived;
mod ids;
mod kinds;
mod labels;
mod layout;
mod merge;
mod rows;
mod waves;

use crate::error::{UResult, UserError};
use crate::input::blocks::Block;
use crate::input::read::Source;
use crate::input::roles;
use crate::input::spec::{Label, Spec};
use crate::text::fold;
use columns::{check_duplicate_columns, column_list};
use ids::Ids;
use kinds::Finished;
use labels::LabelMap;
pub use labels::Shown;
use merge::{Cells, Merge, SpareTile, T_MERGE, T_PARSE, T_READ, arm_index, columns};
use rayon::prelude::*;
use rows::{NO_CODE, Parsed, Plan, Tally};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arm {
    Intervention,
    Control,
}

/// A wave: the first (baseline) and the last, and with more than two waves those
/// between, numbered as their ids say (`w2` … `w{K-1}`, contract §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wave {
    Pre,
    /// The k-th wave (2 ≤ k < K).
    Mid(u8),
    Post,
}

impl Serialize for Wave {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Wave::Mid(k) => s.serialize_str(&format!("w{k}")),
            w => s.serialize_str(w.name()),
        }
    }
}

impl Domain {
    /// The domain's description without its values (for a view of two waves).
    pub fn clone_without_values(&self) -> Domain {
        Domain {
            name: self.name.clone(),
            label: self.label.clone(),
            kind: self.kind,
            levels: self.levels.clone(),
            higher_is_better: self.higher_is_better,
            direction_given: self.direction_given,
            ordered: self.ordered,
            values: [Vec::new(), Vec::new()],
            middle: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl Cohort {
    /// Every wave of the data (2 unless there are more, contract §6.4).
    pub fn wave_count(&self) -> usize {
        2 + self.domains.first().map_or(0, |d| d.middle.len())
    }
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
    /// The place of the wave in a compared pair: 0 the baseline, 1 the later wave
    /// (a middle wave is the later wave of its pair with the baseline).
    pub fn index(self) -> usize {
        match self {
            Wave::Pre => 0,
            Wave::Mid(_) | Wave::Post => 1,
        }
    }
    /// The id of the first and last waves; `w` for a middle one (see [`Wave::id`]).
    pub fn name(self) -> &'static str {
        match self {
            Wave::Pre => "pre",
            Wave::Mid(_) => "w",
            Wave::Post => "post",
        }
    }
    /// The wave's id: `pre`, `w2` … `w{K-1}`, `post`.
    pub fn id(self) -> String {
        match self {
            Wave::Mid(k) => format!("w{k}"),
            w => w.name().to_string(),
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
    /// More than two waves: the labels of those between the first and the last.
    #[serde(skip)]
    pub middle: Vec<String>,
    /// The unit of the waves' times (the spec's `[waves] unit`).
    #[serde(skip)]
    pub time_unit: Option<crate::input::spec::Label>,
    /// The spec's labels for coded arms and waves, shown instead of the values.
    #[serde(skip_serializing_if = "Shown::is_empty")]
    pub display: Shown,
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
    /// Index into [`Clusters::values`], when there is a cluster column and a value.
    pub cluster: Option<u32>,
    /// Whether a row of this participant was read at the first and the last wave.
    pub present: [bool; 2],
    /// Bit w: a row was read at wave w (every wave, in order).
    pub seen: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Strata {
    pub column: String,
    pub values: Vec<String>,
}

/// The clusters children are grouped in (contract §6.2): centres, schools.
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    pub column: String,
    /// Each cluster's value as first written.
    pub values: Vec<String>,
}

/// A participant characteristic that is not an outcome (contract §6.1) or a
/// covariate (§6.3): one value per participant (the first wave's, for covariates;
/// the one held at every wave, for attributes). `NaN` = missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Characteristic {
    pub name: String,
    pub kind: Kind,
    pub levels: Vec<String>,
    pub values: Vec<f64>,
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
    /// The direction was given (spec `higher_is_better`, `--lower-is-better`):
    /// findings then judge better or worse, otherwise only higher or lower.
    pub direction_given: bool,
    /// Levels in a meaningful order (given by the spec's `levels`): transitions apply.
    pub ordered: bool,
    /// The first and the last wave's values.
    pub values: [Vec<f64>; 2],
    /// More than two waves: the values of the waves between, in order.
    pub middle: Vec<Vec<f64>>,
    /// A scale (contract §10.1): each item's values per wave (every wave, in
    /// order; reversed where the spec says), for reliability. Empty otherwise.
    pub items: Vec<(String, Vec<Vec<f64>>)>,
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
    pub clusters: Option<Clusters>,
    /// Participant attributes (contract §6.1), in column order.
    pub attributes: Vec<Characteristic>,
    /// Covariates (contract §6.3), in the order named.
    pub covariates: Vec<Characteristic>,
    pub domains: Vec<Domain>,
    pub warnings: Vec<Warning>,
    pub title: Option<String>,
    pub lang: Option<String>,
    /// Every wave's label as written, in order (empty without a wave column).
    pub wave_labels: Vec<String>,
    /// Every wave's time for trends: the spec's `[waves] times`, else 0, 1, …, K − 1.
    pub times: Vec<f64>,
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
    /// `--cluster COL` (`none`: no cluster column, not even one found by name).
    pub cluster: Option<String>,
    /// `--covariates COL,...`.
    pub covariates: Vec<String>,
    /// `--lower-is-better COL,...`: outcomes where a fall is an improvement.
    pub lower_is_better: Vec<String>,
}

/// The first source's name and header, kept while the sources are read.
struct First {
    name: String,
    headers: Vec<String>,
}

/// `--by` makes sense for a few groups of children found in both arms (age band,
/// state): more than 20 values (a score, an id) is refused, and so is a column
/// nested in the arms (a centre, a school), which is a cluster (contract §6.2).
fn check_strata(
    by: &str,
    values: &[String],
    participants: &[Participant],
    file: &str,
) -> UResult<()> {
    if values.len() > 20 {
        let numeric = values.iter().all(|v| v.trim().parse::<f64>().is_ok());
        let what = if numeric {
            "a number (a score, an age)"
        } else {
            "a column with many values"
        };
        return Err(UserError::new(format!(
            "--by {by}: {} different values; {what} makes one stratum per value",
            values.len()
        ))
        .file(file)
        .line(1)
        .column(by)
        .hint("use --by with a column of a few groups (up to 20), e.g. an age band or a state"));
    }
    let mut arms = vec![[false; 2]; values.len()];
    for p in participants {
        if let Some(s) = p.stratum.and_then(|s| arms.get_mut(s as usize)) {
            s[p.arm.index()] = true;
        }
    }
    let both = participants.iter().any(|p| p.arm == Arm::Control)
        && participants.iter().any(|p| p.arm == Arm::Intervention);
    if both && values.len() > 1 && arms.iter().all(|a| !(a[0] && a[1])) {
        return Err(UserError::new(format!(
            "--by {by}: every value of \"{by}\" holds children of one arm only, so no stratum can compare the arms: it is a cluster (a centre, a school), not a stratum"
        ))
        .file(file)
        .line(1)
        .column(by)
        .hint(format!("use --cluster {by}: the tests then take into account that children of one {by} are alike")));
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
    // Three or more waves in an order the spec gives are read in that order at
    // once; otherwise a first reading finds the waves, and more than two (not
    // chosen with --pre/--post) are read again in the order of contract §6.4.
    let named = opts.pre.is_some() && opts.post.is_some()
        || spec.is_some_and(|s| s.waves.pre.is_some() && s.waves.post.is_some());
    let order = spec
        .and_then(|s| s.waves.order.clone())
        .filter(|o| !named && o.len() > 2)
        .map(|o| o.iter().map(|l| fold(l)).collect());
    build_pass(sources, opts, spec, progress, order)
}

/// One reading of the sources; `order`: the folded wave labels in order, when
/// there are more than two waves.
fn build_pass(
    sources: &mut [Source],
    opts: &Options,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
    order: Option<Vec<String>>,
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
    let roles = columns::find_roles(sources, opts, spec)?;
    let (id_cols, group_cols, wave_cols, by_cols, cluster_cols) = (
        &roles.id,
        &roles.group,
        &roles.wave,
        &roles.by,
        &roles.cluster,
    );
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
    // One command serves every file of a project: ignoring an absent column is
    // only worth a warning.
    for name in &opts.ignore {
        if sources
            .iter()
            .all(|t| roles::find_named(&t.headers, name).is_none())
        {
            warnings.push(Warning::new(
                None,
                format!("--ignore {name}: there is no such column; nothing to ignore"),
            ));
        }
    }
    columns::same_columns(sources, &opts.ignore)?;
    let ignored: Vec<String> = opts.ignore.iter().map(|s| fold(s)).collect();
    let has_wave = wave_cols[0].is_some();
    let is_role = |t: usize, c: usize| {
        [
            id_cols[t],
            group_cols[t],
            wave_cols[t],
            by_cols[t],
            cluster_cols[t],
        ]
        .contains(&Some(c))
            || ignored.contains(&fold(&sources[t].headers[c]))
            || sources[t].skip.get(c).copied().unwrap_or(false)
    };

    let wide_words = layout::wide_words(&[
        opts.pre
            .clone()
            .or_else(|| spec.and_then(|s| s.waves.pre.clone())),
        opts.post
            .clone()
            .or_else(|| spec.and_then(|s| s.waves.post.clone())),
    ]);
    let (layout, mut domain_cols) = layout::domain_columns(
        sources,
        &first.headers,
        has_wave,
        &is_role,
        spec,
        &wide_words,
        &mut warnings,
    )?;
    kinds::keep_listed(&mut domain_cols, spec, &roles.covariates)?;

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
    let mut wave_map = LabelMap::new(named_waves, [roles::PRE_LABELS, roles::POST_LABELS], true);
    let k = order.as_ref().map_or(2, Vec::len);
    if k > 32 {
        return Err(
            UserError::new(format!("{k} waves: at most 32 can be analysed"))
                .file(&first.name)
                .column(wave_col_name.as_str())
                .hint("choose the waves to compare with --pre LABEL --post LABEL"),
        );
    }
    wave_map.order = order.clone();

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
        cells: Cells::new(k * nd, expected / 2),
        tallies: vec![Tally::default(); nd],
        arm_map,
        wave_map,
        strata_values: Vec::new(),
        strata_index: FxHashMap::default(),
        strata_missing: 0,
        cluster_values: Vec::new(),
        cluster_index: FxHashMap::default(),
        waves: k,
        at_more: Vec::new(),
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
            cluster: cluster_cols[si],
            cols: domain_cols.iter().map(|d| d.cols[si]).collect(),
            wide: layout == Layout::Wide,
            width: src.headers.len(),
            file_arm: (group_cols[si].is_none() && several).then_some(src.stem.as_str()),
            decimal_comma: src.decimal_comma,
            delimiter: src.delimiter,
            group_name: &group_col_name,
            cluster_name: cluster_cols[si].map_or("", |c| src.headers[c].as_str()),
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
        cluster_values,
        cluster_index: _,
        waves: _,
        at_more: _,
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
            cluster: (r.cluster != NO_CODE).then_some(r.cluster),
            present: [r.present & 1 != 0, r.present & (1 << (k - 1)) != 0],
            seen: r.present,
        })
        .collect();
    let t_participants = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let mut accs = columns(cells, nd, participants.len(), tallies, ids);
    let inputs = derived::take_inputs(spec, &mut domain_cols, &mut accs)?;
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
            .hint(arm_map.hint()),
        ));
    }
    let wave_values = wave_map.written().join(", ");
    if choose_waves && has_wave {
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
    } else if let Some(order) = &wave_map.order {
        // The spec's order (or the one found): every wave named, every name found.
        let listed = waves::listed(&wave_map.found);
        if let Some((label, at)) = wave_map.unknown.first() {
            let file = spec.map_or(first.name.as_str(), |s| s.file.as_str());
            return Err(error_at(
                *at,
                UserError::new(format!(
                    "wave \"{label}\" is not in the spec's [waves] order (waves found: {listed})"
                ))
                .column(wave_col_name.as_str())
                .hint(format!(
                    "name every wave in [waves] order = [...] in {file}"
                )),
            ));
        }
        if let Some(absent) = order
            .iter()
            .find(|o| !wave_map.found.iter().any(|(f, _)| f == *o))
        {
            return Err(UserError::new(format!(
                "wave \"{absent}\" of the spec's [waves] order does not occur in the data (waves found: {listed})"
            ))
            .file(spec.map_or(first.name.as_str(), |s| s.file.as_str()))
            .hint("correct the spelling in [waves] order, or remove the wave"));
        }
    } else if wave_map.found.len() > 2 {
        return match waves::order(&wave_map.found, None) {
            Ok(idx) => {
                drop(accs);
                let order = idx.iter().map(|&i| wave_map.found[i].0.clone()).collect();
                build_pass(sources, opts, spec, progress, Some(order))
            }
            Err(_) => Err(UserError::new(format!(
                "{} waves found ({}) and no order for them",
                wave_map.found.len(),
                waves::listed(&wave_map.found)
            ))
            .file(&first.name)
            .column(wave_col_name.as_str())
            .hint("give their order in a spec file ([waves] order = [\"first\", …, \"last\"]), or choose two with --pre LABEL --post LABEL")),
        };
    } else if let Some((label, at)) = wave_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "unknown wave label \"{label}\" (values found: {wave_values})"
            ))
            .column(wave_col_name.as_str())
            .hint(wave_map.hint()),
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
    // Every wave's label as first written, in order (the first is the baseline).
    let wave_labels: Vec<String> = match &wave_map.order {
        Some(order) => order
            .iter()
            .map(|o| {
                wave_map
                    .found
                    .iter()
                    .find(|(f, _)| f == o)
                    .map_or_else(|| o.clone(), |(_, w)| w.clone())
            })
            .collect(),
        None => wave_map.first_written.iter().flatten().cloned().collect(),
    };
    if let Some(times) = spec.and_then(|s| s.waves.times.as_ref())
        && (times.len() != k || times.iter().any(|t| !t.is_finite()))
    {
        return Err(UserError::new(format!(
            "[waves] times has {} values for {k} waves ({})",
            times.len(),
            wave_labels.join(", ")
        ))
        .file(spec.map_or("", |s| s.file.as_str()))
        .hint("give one finite time per wave, in the waves' order (e.g. times = [0, 4, 8])"));
    }
    let mut labels = Labels {
        intervention: arm_map.first_written[0].clone(),
        control: arm_map.first_written[1].clone(),
        pre: match &wave_map.order {
            Some(_) => wave_labels.first().cloned(),
            None => wave_map.first_written[0].clone(),
        },
        post: match &wave_map.order {
            Some(_) => wave_labels.last().cloned(),
            None => wave_map.first_written[1].clone(),
        },
        middle: match &wave_map.order {
            Some(_) => wave_labels
                .get(1..wave_labels.len().saturating_sub(1))
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
            None => Vec::new(),
        },
        time_unit: spec.and_then(|s| s.waves.unit.clone()),
        display: Shown::default(),
    };
    labels.display = labels::shown(&labels, spec);
    for (w, n) in &wave_map.dropped {
        warnings.push(Warning::new(
            None,
            format!("{n} rows of wave \"{w}\" dropped (only the waves chosen with --pre/--post are compared)"),
        ));
    }
    for n in sources.iter().flat_map(|s| &s.notices) {
        warnings.push(Warning::new(None, n.clone()));
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
    if let Some(by) = by_cols[0].map(|c| first.headers[c].as_str()) {
        check_strata(by, &strata_values, &participants, &first.name)?;
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
    let paired =
        (layout == Layout::Wide || has_id) && participants.iter().any(|p| p.seen.count_ones() >= 2);

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
    let lower: Vec<String> = opts.lower_is_better.iter().map(|c| fold(c)).collect();
    let lower_is_better =
        |name: &str, col: &str| lower.contains(&fold(name)) || lower.contains(&fold(col));
    let mut domains = Vec::new();
    let mut attributes = Vec::new();
    let mut covariates: Vec<Option<Characteristic>> = vec![None; roles.covariates.len()];
    let look_for_attributes = characteristics::attributes_apply(layout, has_id, waves.len());
    let first_wave = usize::from(waves.first() == Some(&Wave::Post));
    for (dc, (name, f)) in domain_cols.iter().zip(finished) {
        let spec_d = dc.spec.as_ref();
        let covariate_at = roles
            .covariates
            .iter()
            .position(|c| fold(c) == fold(&dc.name));
        match f? {
            Finished::Skipped(msg) => {
                if let Some(i) = covariate_at {
                    return Err(UserError::new(format!(
                        "covariate \"{}\" cannot be used: {msg}",
                        dc.name
                    ))
                    .file(&first.name)
                    .line(1)
                    .column(dc.name.as_str())
                    .hint(format!(
                        "name numeric, yes/no or categorical columns (up to 20 levels) in --covariates; drop \"{}\"",
                        roles.covariates[i]
                    )));
                }
                warnings.push(Warning::new(Some(&name), msg))
            }
            Finished::Domain {
                kind,
                levels,
                values,
                ordered,
            } => {
                let by_layout = dc.attribute_only;
                let is_attribute = by_layout
                    || (look_for_attributes
                        && spec_d.is_none()
                        && characteristics::is_attribute(&values));
                if is_attribute {
                    attributes.push(characteristics::attribute(
                        &dc.name,
                        kind,
                        levels.clone(),
                        &values,
                    ));
                    if covariate_at.is_none() {
                        let why = if by_layout {
                            "has no wave suffix in a wide file"
                        } else {
                            "has the same value at every wave for every participant"
                        };
                        warnings.push(Warning::new(
                            Some(&name),
                            format!(
                                "notice: \"{}\" {why}: a participant attribute, shown in the baseline balance table, not analysed as an outcome (a [[domain]] entry in the spec keeps it an outcome)",
                                dc.name
                            ),
                        ));
                    }
                }
                if let Some(i) = covariate_at {
                    covariates[i] = Some(characteristics::covariate(
                        &roles.covariates[i],
                        kind,
                        levels,
                        &values,
                        first_wave,
                    ));
                    continue;
                }
                if is_attribute {
                    continue;
                }
                let mut values = values;
                let last = values.pop().unwrap_or_default();
                let first = if values.is_empty() {
                    Vec::new()
                } else {
                    values.remove(0)
                };
                let lower = lower_is_better(&name, &dc.name);
                domains.push(Domain {
                    name,
                    label: spec_d.and_then(|s| s.label.clone()),
                    kind,
                    levels,
                    higher_is_better: !lower
                        && spec_d.and_then(|s| s.higher_is_better).unwrap_or(true),
                    direction_given: lower || spec_d.and_then(|s| s.higher_is_better).is_some(),
                    ordered,
                    values: [first, last],
                    middle: values,
                    items: Vec::new(),
                });
            }
        }
    }
    let covariates: Vec<Characteristic> = covariates.into_iter().flatten().collect();
    let cx = derived::Context {
        participants: &participants,
        wave_labels: &wave_labels,
    };
    domains.extend(derived::derive(spec, inputs, &cx, sources, &mut warnings)?);
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
        clusters: roles.cluster[0].map(|c| Clusters {
            column: first.headers[c].clone(),
            values: cluster_values,
        }),
        attributes,
        covariates,
        domains,
        warnings,
        times: match spec.and_then(|s| s.waves.times.clone()) {
            Some(t) => t,
            None => (0..k).map(|w| w as f64).collect(),
        },
        wave_labels,
        title: spec.and_then(|s| s.title.clone()),
        lang: spec.and_then(|s| s.lang.clone()),
    })
}
