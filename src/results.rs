//! The one results model every renderer reads (serialised as the JSON API, contract §4.1).

use crate::cohort::{Arm, Design, Kind, Labels, Layout, Warning, Wave};
use crate::stats::adjust::Adjust;
use serde::Serialize;

pub const SCHEMA: &str = "evaluate/1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub input: InputInfo,
    pub labels: Labels,
    pub settings: Settings,
    pub warnings: Vec<Warning>,
    pub domains: Vec<DomainResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub strata: Vec<StratumResult>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainResult {
    pub name: String,
    pub label: String,
    pub kind: Kind,
    pub higher_is_better: bool,
    pub summary: Vec<SummaryRow>,
    pub tests: Vec<TestRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_level: Vec<LevelResult>,
    /// Ordered categorical domains, paired: who moved up, stayed, moved down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Transitions>,
}

/// Pre level × post level of matched participants, per arm, and the between-arm
/// comparison of the share who improved (Newcombe CI; χ² or Fisher).
#[derive(Debug, Clone, Serialize)]
pub struct Transitions {
    pub levels: Vec<String>,
    pub groups: Vec<TransitionGroup>,
    pub tests: Vec<TestRow>,
}

#[derive(Debug, Clone, Serialize)]
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
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub group: Arm,
    pub wave: Wave,
    pub n: usize,
    pub missing: usize,
    #[serde(flatten)]
    pub stats: SummaryStats,
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

#[derive(Debug, Clone, Serialize)]
pub struct LevelSummary {
    pub level: String,
    pub count: usize,
    pub proportion: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
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
