//! The typed cohort: participants (arm, stratum, which waves they were seen in) and
//! domains (kind, levels, one value per participant and wave), built from the sources.

mod attach;
mod characteristics;
mod columns;
mod derived;
mod design;
mod domains;
mod first;
mod ids;
mod kinds;
mod labels;
mod layout;
mod merge;
mod naming;
mod read;
mod rows;
mod sample;
mod strata;
mod waves;

use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spec::{Label, Spec};
use crate::text::fold;
use attach::Sorted;
use columns::{Columns, check_duplicate_columns, column_list};
use design::Decided;
use first::{FirstReading, Look, Looked};
pub use labels::Shown;
use naming::{Names, Verdict};
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

pub use crate::warning::{Code, Warning};

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
    // A look at the files first (first.rs) can spare that first reading, or
    // most of it, without changing what comes out.
    let named = opts.pre.is_some() && opts.post.is_some()
        || spec.is_some_and(|s| s.waves.pre.is_some() && s.waves.post.is_some());
    let order = spec
        .and_then(|s| s.waves.order.clone())
        .filter(|o| !named && o.len() > 2)
        .map(|o| o.iter().map(|l| fold(l)).collect());
    build_pass(sources, opts, spec, progress, order, Look::Assume)
}

/// One reading of the sources; `order`: the folded wave labels in order, when
/// there are more than two waves. Each step is decided in its own file: columns.rs
/// (roles, layout), naming.rs (labels, wave order), read.rs (the rows); here,
/// which reading stands (a wave order found, assumed or read again); then
/// [`cohort_of`] makes the cohort of the rows. `look`: what a look at the files
/// before reading may decide (first.rs).
fn build_pass(
    sources: &mut [Source],
    opts: &Options,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
    order: Option<Vec<String>>,
    look: Look,
) -> UResult<Cohort> {
    let Some(first) = sources.first().map(|s| First {
        name: s.name.clone(),
        headers: s.headers.clone(),
    }) else {
        return Err(UserError::new("no input file")
            .hint("give a CSV file, or - for stdin")
            .es(
                "no hay archivo de entrada",
                Some("indique un archivo CSV, o - para la entrada estándar"),
            ));
    };
    for t in sources.iter() {
        check_duplicate_columns(t)?;
    }
    let mut warnings = Vec::new();
    let Columns {
        roles,
        layout,
        domains: mut domain_cols,
    } = columns::find_columns(sources, opts, spec, &mut warnings)?;
    let names = Names::new(opts, spec, &roles, &sources[0], order)?;
    let has_wave = roles.wave[0].is_some();
    let (names, plain) = match first::look(look, sources, &roles, layout, names, opts, spec) {
        Looked::Read { names, plain } => (names, plain),
        Looked::LabelsFirst(names) => {
            let reading = FirstReading {
                roles: &roles,
                layout,
                domain_cols: &mut domain_cols,
                names,
                file: &first.name,
            };
            return first::labels_first(sources, opts, spec, progress, reading);
        }
    };
    let k = names.k;
    let read = read::read(
        sources,
        &roles,
        layout,
        &mut domain_cols,
        &names,
        spec,
        progress,
    );
    let r = match plain {
        None => read?,
        // The order was assumed from the look: kept when it is the one a first
        // reading would have found (and nothing there would have failed).
        Some(plain) => match first::true_order(read, &plain, spec, &first.name, sources) {
            Some((r, o)) if names.wave_map.order.as_ref() == Some(&o) => r,
            Some((r, o)) => {
                drop(r);
                return build_pass(sources, opts, spec, progress, Some(o), Look::No);
            }
            None => return build_pass(sources, opts, spec, progress, None, Look::LabelsOnly),
        },
    };
    let error_at = |at: u64, e: UserError| read::error_at(sources, at, e);
    let verdict = naming::check(
        &names,
        &r.arm_map,
        &r.wave_map,
        has_wave,
        spec,
        &first.name,
        &error_at,
    )?;
    if let Verdict::ReadAgain(order) = verdict {
        drop(r);
        return build_pass(sources, opts, spec, progress, Some(order), Look::No);
    }
    let before = Before {
        first,
        roles,
        layout,
        domain_cols,
        k,
        warnings,
    };
    cohort_of(sources, opts, spec, before, r)
}

/// What was decided before the rows were read, for the steps after.
struct Before {
    first: First,
    roles: columns::Roles,
    layout: Layout,
    domain_cols: Vec<layout::DomainCols>,
    k: usize,
    warnings: Vec<Warning>,
}

/// The cohort from the rows read (`r`) in the order their waves were read in:
/// wave labels and times (naming.rs), strata (strata.rs), the design
/// (design.rs), the domains' kinds and values (domains.rs), then outcomes,
/// attributes, covariates and derived domains (attach.rs).
fn cohort_of(
    sources: &mut [Source],
    opts: &Options,
    spec: Option<&Spec>,
    before: Before,
    mut r: read::Read,
) -> UResult<Cohort> {
    let Before {
        first,
        roles,
        layout,
        domain_cols,
        k,
        mut warnings,
    } = before;
    let has_id = roles.id[0].is_some();
    let error_at = |at: u64, e: UserError| read::error_at(sources, at, e);
    let wave_labels = naming::wave_labels(&r.wave_map);
    naming::check_times(spec, &wave_labels, k)?;
    let labels = naming::labels(&r.arm_map, &r.wave_map, &wave_labels, spec);
    naming::dropped_warnings(&r.wave_map, &mut warnings);
    columns::choice_summary_warnings(&sources[0], &mut warnings);
    warnings.extend(sources.iter().flat_map(|s| s.notices.iter().cloned()));
    let strata_values = strata::natural_order(
        std::mem::take(&mut r.strata_values),
        r.strata_missing,
        &mut r.participants,
        &mut warnings,
    );
    if let Some(by) = roles.by[0].map(|c| first.headers[c].as_str()) {
        strata::check(by, &strata_values, &r.participants, &first.name)?;
    }
    let Decided {
        arms,
        waves,
        design,
        paired,
    } = design::decide(&r.participants, layout, has_id, &first.name)?;

    // Domains: kind, levels and values, decided on every core (each domain on its
    // own); the first error and the warnings come in the domains' order.
    let t0 = Instant::now();
    let finished = domains::finish(&domain_cols, r.accs, spec, &error_at);
    let cx = attach::Context {
        layout,
        has_id,
        waves: &waves,
        covariates: &roles.covariates,
        lower_is_better: &opts.lower_is_better,
        file: &first.name,
    };
    let Sorted {
        mut domains,
        attributes,
        covariates,
    } = attach::sort(&domain_cols, finished, &cx, &mut warnings)?;
    domains.extend(attach::derived(
        spec,
        r.inputs,
        &r.participants,
        &wave_labels,
        sources,
        &mut warnings,
    )?);
    crate::timing::report(|| format!("  domains decided {:.3} s", t0.elapsed().as_secs_f64()));
    if domains.is_empty() {
        return Err(UserError::new(
            "no domain to analyse: every column is a role, ignored or skipped",
        )
        .file(&first.name)
        .line(1)
        .hint(format!("columns are: {}", column_list(&first.headers)))
        .es(
            "ningún dominio que analizar: cada columna es un rol, está ignorada u omitida",
            Some(&format!(
                "las columnas son: {}",
                column_list(&first.headers)
            )),
        ));
    }
    let (strata, clusters) = strata::described(
        opts.by.as_ref(),
        roles.by[0],
        strata_values,
        roles.cluster[0],
        r.cluster_values,
        &first.headers,
    );

    Ok(Cohort {
        files: sources.iter().map(|t| t.name.clone()).collect(),
        layout,
        rows: r.rows_total,
        design,
        paired,
        has_id,
        labels,
        arms,
        waves,
        participants: r.participants,
        strata,
        clusters,
        attributes,
        covariates,
        domains,
        warnings,
        times: naming::times(spec, k),
        wave_labels,
        title: spec.and_then(|s| s.title.clone()),
        lang: spec.and_then(|s| s.lang.clone()),
    })
}
