//! The one results model every renderer reads (serialised as the JSON API, contract §4.1).

use crate::cohort::{Arm, Design, Kind, Labels, Layout, Warning, Wave};
use crate::stats::adjust::Adjust;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

pub const SCHEMA: &str = "evaluate/1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub input: InputInfo,
    pub labels: Labels,
    pub settings: Settings,
    pub warnings: Vec<Warning>,
    /// Table 1: who was in each arm at baseline (contract §7). Two-arm designs only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub balance: Vec<BalanceRow>,
    pub domains: Vec<DomainResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub strata: Vec<StratumResult>,
    /// `--power` (contract §11): planning the next round; absent without the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<Vec<PowerRow>>,
}

/// One domain's plan for the next round (contract §11); null where undefined.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PowerRow {
    pub domain: String,
    /// `did`, or `between:post` in post-only designs.
    pub comparison: String,
    pub kind: Kind,
    pub alpha: f64,
    pub target_power: f64,
    pub n_per_arm: Option<f64>,
    pub sd: Option<f64>,
    pub correlation: Option<f64>,
    pub design_effect: f64,
    pub attrition: Option<f64>,
    pub mde: Option<f64>,
    pub observed_effect: Option<f64>,
    pub n_per_arm_needed: Option<f64>,
    pub n_enrol_per_arm: Option<u64>,
}

/// One row of the baseline balance table (contract §7).
#[derive(Debug, Clone, Serialize)]
pub struct BalanceRow {
    pub variable: String,
    /// `attribute`, `covariate` or `domain`.
    pub source: &'static str,
    pub kind: Kind,
    pub intervention: BalanceArm,
    pub control: BalanceArm,
    /// mean₁ − mean₀ or p₁ − p₀; null for categorical variables.
    pub difference: Option<f64>,
    /// Standardised mean difference (Yang & Dalton's for categorical variables).
    pub smd: Option<f64>,
    pub method: &'static str,
    pub p_value: Option<f64>,
}

/// One arm of a balance row: n and, by kind, mean and sd, count and proportion,
/// or per level count and proportion.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceArm {
    pub n: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proportion: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<BalanceLevel>>,
    /// Withheld (`--min-cell`): counts and proportions serialise as null.
    #[serde(skip_serializing_if = "is_false")]
    pub suppressed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BalanceLevel {
    pub level: String,
    pub count: Option<usize>,
    pub proportion: Option<f64>,
}

/// ICC and design effect of a domain at baseline (contract §8.1).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClusteringInfo {
    pub clusters: usize,
    pub mean_cluster_size: Option<f64>,
    pub icc: Option<f64>,
    pub design_effect: Option<f64>,
}

/// One wave of the data (contract §6.4).
#[derive(Debug, Clone, Serialize)]
pub struct WaveInfo {
    pub id: String,
    pub label: String,
    /// The label the spec gives the wave (`{ value = "1", label = "Línea base" }`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<crate::input::spec::Label>,
    /// Its time for trends (more than two waves).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
}

/// The clusters of the design (contract §6.2).
#[derive(Debug, Clone, Serialize)]
pub struct ClusterInfo {
    pub column: String,
    pub clusters: usize,
    /// Clusters with participants of each arm.
    pub intervention: usize,
    pub control: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub files: Vec<String>,
    pub layout: Layout,
    pub rows: usize,
    pub participants: usize,
    pub design: Design,
    pub paired: bool,
    /// Per arm: who was seen at both waves, only before, only after.
    pub attrition: Vec<Attrition>,
    /// Every wave, in order: its id (`pre`, `w2` … `post`) and label as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waves: Vec<WaveInfo>,
    /// Participant attributes (contract §6.1), not analysed as outcomes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterInfo>,
    /// Covariates of the adjusted models (contract §6.3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covariates: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Attrition {
    pub group: Arm,
    pub participants: usize,
    pub matched: usize,
    pub baseline_only: usize,
    pub followup_only: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub conf_level: f64,
    pub adjust: Adjust,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub lang: String,
    /// `--min-cell N`: values resting on fewer than N children are withheld
    /// (see `privacy` and docs/suppression.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_cell: Option<usize>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainResult {
    pub name: String,
    pub label: String,
    pub kind: Kind,
    pub higher_is_better: bool,
    /// Whether the direction was given (not serialised: `higher_is_better` keeps
    /// its default of true in the JSON).
    #[serde(skip)]
    pub direction_given: bool,
    pub summary: Vec<SummaryRow>,
    pub tests: Vec<TestRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_level: Vec<LevelResult>,
    /// Clustering of the domain's values at baseline (contract §8.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clustering: Option<ClusteringInfo>,
    /// Ordered categorical domains, paired: who moved up, stayed, moved down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Transitions>,
    /// A scale's reliability per wave (contract §10.1).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reliability: Vec<ReliabilityRow>,
    /// The unit of a continuous domain's values in the report's language: the
    /// spec's `unit` ("kg"), or standard deviations ("SD", "DE") for WHO
    /// z-scores; absent when unknown (docs/charts.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The range the values can take when the spec declares it (a scale's items,
    /// a z-score's usual span): where chart axes start and end (docs/charts.md).
    #[serde(skip)]
    pub range: Option<(f64, f64)>,
}

/// Cronbach's alpha of a scale's items at one wave, over the rows with every
/// item answered (both arms), with the Feldt interval (contract §10.1).
#[derive(Debug, Clone, Serialize)]
pub struct ReliabilityRow {
    pub wave: Wave,
    pub n: usize,
    pub alpha: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    pub items: Vec<ItemRow>,
}

/// One item of a scale: its correlation with the sum of the others, and the
/// alpha of the others.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub item: String,
    pub r_drop: Option<f64>,
    pub alpha_if_dropped: Option<f64>,
}

/// Pre level × post level of matched participants, per arm, and the between-arm
/// comparison of the share who improved (Newcombe CI; χ² or Fisher).
#[derive(Debug, Clone, Serialize)]
pub struct Transitions {
    pub levels: Vec<String>,
    pub groups: Vec<TransitionGroup>,
    pub tests: Vec<TestRow>,
}

#[derive(Debug, Clone)]
pub struct TransitionGroup {
    pub group: Arm,
    pub n: usize,
    /// `table[i][j]`: participants at level i before and level j after.
    pub table: Vec<Vec<usize>>,
    pub improved: usize,
    pub unchanged: usize,
    pub declined: usize,
    pub improved_proportion: Option<f64>,
    pub improved_conf_low: Option<f64>,
    pub improved_conf_high: Option<f64>,
    pub unchanged_proportion: Option<f64>,
    pub declined_proportion: Option<f64>,
    /// Withheld (`--min-cell`): the table, the counts and the shares serialise as null.
    pub suppressed: bool,
    /// Only the pre × post table withheld (`--min-cell`: one of its cells is small);
    /// the counts and shares of improved / unchanged / declined stay when none of
    /// them is small.
    pub table_suppressed: bool,
}

impl Serialize for TransitionGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shown = !self.suppressed;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("group", &self.group)?;
        m.serialize_entry("n", &self.n)?;
        let table = shown && !self.table_suppressed;
        m.serialize_entry("table", &table.then_some(&self.table))?;
        m.serialize_entry("improved", &shown.then_some(self.improved))?;
        m.serialize_entry("unchanged", &shown.then_some(self.unchanged))?;
        m.serialize_entry("declined", &shown.then_some(self.declined))?;
        m.serialize_entry("improved_proportion", &self.improved_proportion)?;
        m.serialize_entry("improved_conf_low", &self.improved_conf_low)?;
        m.serialize_entry("improved_conf_high", &self.improved_conf_high)?;
        m.serialize_entry("unchanged_proportion", &self.unchanged_proportion)?;
        m.serialize_entry("declined_proportion", &self.declined_proportion)?;
        if self.suppressed {
            m.serialize_entry("suppressed", &true)?;
        } else if self.table_suppressed {
            m.serialize_entry("table_suppressed", &true)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub group: Arm,
    pub wave: Wave,
    pub n: usize,
    pub missing: usize,
    pub stats: SummaryStats,
    /// Some value of the row is withheld (`--min-cell`); withheld values are null
    /// (a binary row's count too). Serialised only when true.
    pub suppressed: bool,
}

impl Serialize for SummaryRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("group", &self.group)?;
        m.serialize_entry("wave", &self.wave)?;
        m.serialize_entry("n", &self.n)?;
        m.serialize_entry("missing", &self.missing)?;
        match &self.stats {
            SummaryStats::Continuous {
                mean,
                sd,
                median,
                q1,
                q3,
                min,
                max,
                conf_low,
                conf_high,
            } => {
                m.serialize_entry("mean", mean)?;
                m.serialize_entry("sd", sd)?;
                m.serialize_entry("median", median)?;
                m.serialize_entry("q1", q1)?;
                m.serialize_entry("q3", q3)?;
                m.serialize_entry("min", min)?;
                m.serialize_entry("max", max)?;
                m.serialize_entry("conf_low", conf_low)?;
                m.serialize_entry("conf_high", conf_high)?;
            }
            SummaryStats::Binary {
                count,
                proportion,
                conf_low,
                conf_high,
            } => {
                m.serialize_entry("count", &(!self.suppressed).then_some(*count))?;
                m.serialize_entry("proportion", proportion)?;
                m.serialize_entry("conf_low", conf_low)?;
                m.serialize_entry("conf_high", conf_high)?;
            }
            SummaryStats::Categorical { levels } => m.serialize_entry("levels", levels)?,
        }
        if self.suppressed {
            m.serialize_entry("suppressed", &true)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum SummaryStats {
    Continuous {
        mean: Option<f64>,
        sd: Option<f64>,
        median: Option<f64>,
        q1: Option<f64>,
        q3: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
        conf_low: Option<f64>,
        conf_high: Option<f64>,
    },
    Binary {
        count: usize,
        proportion: Option<f64>,
        conf_low: Option<f64>,
        conf_high: Option<f64>,
    },
    Categorical {
        levels: Vec<LevelSummary>,
    },
}

#[derive(Debug, Clone)]
pub struct LevelSummary {
    pub level: String,
    pub count: usize,
    pub proportion: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// Withheld (`--min-cell`): count, proportion and CI serialise as null.
    pub suppressed: bool,
}

impl Serialize for LevelSummary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("level", &self.level)?;
        m.serialize_entry("count", &(!self.suppressed).then_some(self.count))?;
        m.serialize_entry("proportion", &self.proportion)?;
        m.serialize_entry("conf_low", &self.conf_low)?;
        m.serialize_entry("conf_high", &self.conf_high)?;
        if self.suppressed {
            m.serialize_entry("suppressed", &true)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TestRow {
    pub comparison: String,
    pub method: &'static str,
    pub primary: bool,
    pub n: usize,
    pub estimate: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub effect_size: Option<EffectSize>,
    /// Withheld (`--min-cell`): every number but `n` is null.
    #[serde(skip_serializing_if = "is_false")]
    pub suppressed: bool,
    /// Cluster-robust and adjusted tests (contract §8.3): standard error, its type,
    /// the clusters used and the covariates.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub robust: Option<RobustFields>,
}

/// The fields only a model-based test carries (contract §8.3).
#[derive(Debug, Clone, Serialize)]
pub struct RobustFields {
    pub se: Option<f64>,
    /// "CR2".
    pub se_type: &'static str,
    /// Clusters in the model (participants when there is no cluster column).
    pub clusters: usize,
    /// The covariates in the model (aliased ones dropped).
    pub covariates: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EffectSize {
    pub name: &'static str,
    pub value: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
}

/// A categorical domain's level against the rest, shaped as a binary domain.
#[derive(Debug, Clone, Serialize)]
pub struct LevelResult {
    pub level: String,
    pub summary: Vec<SummaryRow>,
    pub tests: Vec<TestRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StratumResult {
    pub column: String,
    pub value: String,
    pub participants: usize,
    pub domains: Vec<DomainResult>,
}

impl DomainResult {
    /// The primary test of a comparison, if any.
    pub fn primary(&self, comparison: &str) -> Option<&TestRow> {
        self.tests
            .iter()
            .find(|t| t.primary && t.comparison == comparison)
    }
    pub fn summary_of(&self, group: Arm, wave: Wave) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|s| s.group == group && s.wave == wave)
    }
}
