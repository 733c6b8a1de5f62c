//! Tables as grids of cells in one language: one domain's rows (per arm, per level,
//! the differences between arms and the DiD), the design lines and the legend. The
//! terminal table, Markdown and the HTML report all draw these same grids.

use super::fmt::{Fmt, Lang, decimals_for};
use super::i18n::{Words, words};
use crate::cohort::{Arm, Design, Kind, Wave};
use crate::privacy::{marker, row_withheld};
use crate::results::{DomainResult, Report, SummaryRow, SummaryStats, TestRow};

/// A test's short name for people, in the output's language.
pub fn method_name(m: &str, lang: Lang) -> &str {
    let es = lang == Lang::Es;
    match m {
        "paired_t" if es => "t pareada",
        "paired_t" => "paired t",
        "welch_t" | "did_welch_t" if es => "t de Welch",
        "welch_t" | "did_welch_t" => "Welch t",
        "mcnemar_exact" => "McNemar",
        "chi_square" | "chi_square_independence" => "χ²",
        "fisher_exact" => "Fisher",
        "ancova" => "ANCOVA",
        "did_z" => "z",
        "stuart_maxwell" => "Stuart–Maxwell",
        "cluster_robust" if es => "CR2, conglomerados",
        "cluster_robust" => "CR2, clustered",
        "adjusted" if es => "ajustado",
        "adjusted" => "adjusted",
        other => other,
    }
}

/// Decimals for a domain's means: about three significant digits of its sd.
pub fn domain_decimals(d: &DomainResult) -> usize {
    decimals_for(d.summary.iter().find_map(|s| match s.stats {
        SummaryStats::Continuous { sd, .. } => sd,
        _ => None,
    }))
}

/// A table: header, rows of cells (a cell's parts are lines), right-aligned columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Vec<String>>>,
    pub numeric: Vec<bool>,
}

/// Words and numbers in one language for the tables.
pub struct Cells<'a> {
    pub report: &'a Report,
    pub f: Fmt,
    pub w: &'static Words,
}

impl<'a> Cells<'a> {
    pub fn new(report: &'a Report) -> Self {
        let lang = Lang::from_code(&report.settings.lang);
        Cells {
            report,
            f: Fmt::new(lang),
            w: words(lang),
        }
    }

    pub fn arms(&self) -> Vec<Arm> {
        let a: Vec<Arm> = self
            .report
            .input
            .attrition
            .iter()
            .map(|a| a.group)
            .collect();
        if a.is_empty() {
            vec![Arm::Intervention]
        } else {
            a
        }
    }

    pub fn waves(&self) -> Vec<Wave> {
        match self.report.input.design {
            Design::PostOnlyControl => vec![super::findings::single_wave(self.report)],
            _ => vec![Wave::Pre, Wave::Post],
        }
    }

    /// An arm's name: its label in the data, in the output's language.
    pub fn arm(&self, arm: Arm) -> String {
        self.w.arm_label(&self.report.labels, arm)
    }

    /// An arm's name inside a sentence: lower case, except a label the spec gives
    /// (a programme's name keeps its capitals).
    pub fn arm_in_text(&self, arm: Arm) -> String {
        let name = self.arm(arm);
        if self.report.labels.display.arm(arm).is_some() {
            name
        } else {
            name.to_lowercase()
        }
    }

    /// A wave's name: its label in the data, in the output's language.
    pub fn wave(&self, wave: Wave) -> String {
        self.w.wave_label(&self.report.labels, wave)
    }

    /// The input files' names, a workbook's sheet in the output's language.
    pub fn files(&self) -> String {
        let names: Vec<String> = self
            .report
            .input
            .files
            .iter()
            .map(|f| super::warnings::file_name(f, self.f.lang))
            .collect();
        names.join(", ")
    }

    /// "<5" (`--min-cell`).
    pub fn withheld(&self) -> String {
        marker(self.report.settings.min_cell)
    }

    pub fn p(&self, t: &TestRow) -> String {
        if t.suppressed {
            return self.withheld();
        }
        format!(
            "{} ({})",
            self.f.p_value(super::findings::judged_p(t)),
            method_name(t.method, self.f.lang)
        )
    }

    pub fn test(&self, t: Option<&TestRow>, pct: bool, dec: usize) -> Vec<String> {
        let Some(t) = t else {
            return vec![];
        };
        if t.suppressed {
            return vec![self.withheld()];
        }
        let est = if pct {
            format!(
                "{} {}",
                self.f.points(t.estimate),
                self.f.interval(t.conf_low, t.conf_high, 100.0, 1)
            )
        } else {
            format!(
                "{} {}",
                self.f.signed(t.estimate, dec),
                self.f.interval(t.conf_low, t.conf_high, 1.0, dec)
            )
        };
        vec![est.trim_end().to_string(), self.p(t)]
    }

    pub fn proportion(&self, row: Option<&SummaryRow>) -> Vec<String> {
        if row.is_some_and(row_withheld) {
            return vec![self.withheld()];
        }
        match row.map(|r| &r.stats) {
            Some(SummaryStats::Binary {
                proportion,
                conf_low,
                conf_high,
                ..
            }) => vec![
                format!(
                    "{} {}",
                    self.f.percent(*proportion),
                    self.f.interval(*conf_low, *conf_high, 100.0, 1)
                )
                .trim_end()
                .to_string(),
            ],
            _ => vec![],
        }
    }

    pub fn value(&self, d: &DomainResult, arm: Arm, wave: Wave, dec: usize) -> Vec<String> {
        let row = d.summary_of(arm, wave);
        if row.is_some_and(row_withheld) {
            return vec![self.withheld()];
        }
        match row.map(|s| &s.stats) {
            Some(SummaryStats::Continuous {
                mean,
                conf_low,
                conf_high,
                ..
            }) => vec![
                format!(
                    "{} {}",
                    self.f.number(*mean, dec),
                    self.f.interval(*conf_low, *conf_high, 1.0, dec)
                )
                .trim_end()
                .to_string(),
            ],
            _ => self.proportion(row),
        }
    }

    pub fn n(&self, d: &DomainResult, arm: Arm) -> Vec<String> {
        let parts: Vec<String> = self
            .waves()
            .iter()
            .filter_map(|&w| d.summary_of(arm, w).map(|s| self.f.count(s.n)))
            .collect();
        vec![parts.join(" / ")]
    }

    pub fn kind_text(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Continuous => self.w.kind_continuous,
            Kind::Binary => self.w.kind_binary,
            Kind::Categorical => self.w.kind_categorical,
        }
    }

    /// What a domain's heading says after its label: its kind, and its unit when
    /// it has one ("continuous: mean [CI] in kg").
    pub fn kind_note(&self, d: &DomainResult) -> String {
        let kind = self.kind_text(d.kind);
        match &d.unit {
            Some(u) if self.f.lang == Lang::Es => format!("{kind} en {u}"),
            Some(u) => format!("{kind} in {u}"),
            None => kind.to_string(),
        }
    }

    /// One domain's table: a row per arm (per arm and level when categorical), the
    /// change, and a last row with the differences between arms and the DiD.
    pub fn domain_grid(&self, d: &DomainResult) -> Grid {
        let dec = decimals_for(d.summary.iter().find_map(|s| match s.stats {
            SummaryStats::Continuous { sd, .. } => sd,
            _ => None,
        }));
        let pct = d.kind != Kind::Continuous;
        let waves = self.waves();
        let two_waves = waves.len() == 2;
        let mut header = vec![String::new(), "n".to_string()];
        header.extend(waves.iter().map(|&w| self.wave(w).to_string()));
        if two_waves {
            header.push(self.w.change.to_string());
        }
        let mut rows = Vec::new();
        for &arm in &self.arms() {
            let change = format!("change:{}", arm.name());
            if d.kind == Kind::Categorical {
                for (li, level) in d.per_level.iter().enumerate() {
                    let mut r = vec![
                        vec![format!("{} · {}", self.arm(arm), level.level)],
                        if li == 0 { self.n(d, arm) } else { vec![] },
                    ];
                    for &w in &waves {
                        let s = level.summary.iter().find(|s| s.group == arm && s.wave == w);
                        r.push(self.proportion(s));
                    }
                    if two_waves {
                        let t = level.tests.iter().find(|t| t.comparison == change);
                        r.push(self.test(t, true, 1));
                    }
                    rows.push(r);
                }
                if two_waves {
                    let mut r = vec![
                        vec![format!("{}: {}", self.arm(arm), self.w.shift_in_levels)],
                        vec![],
                    ];
                    r.extend(waves.iter().map(|_| vec![]));
                    r.push(
                        d.primary(&change)
                            .map(|t| vec![self.p(t)])
                            .unwrap_or_default(),
                    );
                    rows.push(r);
                }
            } else {
                let mut r = vec![vec![self.arm(arm).to_string()], self.n(d, arm)];
                for &w in &waves {
                    r.push(self.value(d, arm, w, dec));
                }
                if two_waves {
                    r.push(self.test(d.primary(&change), pct, dec));
                }
                rows.push(r);
            }
        }
        if let Some(tr) = &d.transitions {
            for g in &tr.groups {
                let mut r = vec![
                    vec![format!("{}: {}", self.arm(g.group), self.w.improved)],
                    vec![self.f.count(g.n)],
                ];
                r.extend(waves.iter().map(|_| vec![]));
                if two_waves && g.suppressed {
                    r.push(vec![self.withheld()]);
                } else if two_waves {
                    r.push(vec![
                        format!(
                            "{} {}",
                            self.f.percent(g.improved_proportion),
                            self.f
                                .interval(g.improved_conf_low, g.improved_conf_high, 100.0, 1)
                        )
                        .trim_end()
                        .to_string(),
                    ]);
                }
                rows.push(r);
            }
        }
        if self.arms().len() == 2 {
            let mut r = vec![
                vec![format!(
                    "{} − {}",
                    self.arm(Arm::Intervention),
                    self.arm(Arm::Control)
                )],
                vec![],
            ];
            for &w in &waves {
                let b = d.primary(&format!("between:{}", w.name()));
                r.push(if d.kind == Kind::Categorical {
                    b.map(|t| vec![self.p(t)]).unwrap_or_default()
                } else {
                    self.test(b, pct, dec)
                });
            }
            if two_waves {
                r.push(match (d.kind, &d.transitions) {
                    (Kind::Categorical, Some(tr)) => {
                        let mut c = self.test(tr.tests.first(), true, 1);
                        if let Some(first) = c.first_mut() {
                            *first = format!("{}: {first}", self.w.improved);
                        }
                        c
                    }
                    (Kind::Categorical, None) => vec![],
                    _ => {
                        let mut c = self.test(d.primary("did"), pct, dec);
                        if let Some(first) = c.first_mut() {
                            *first = format!("{} {first}", self.w.did);
                        }
                        c
                    }
                });
            }
            rows.push(r);
        }
        let mut numeric = vec![false; header.len()];
        numeric[1] = true;
        Grid {
            header,
            rows,
            numeric,
        }
    }

    /// The design line and per-arm attrition lines.
    pub fn design_lines(&self) -> (String, Vec<String>) {
        let r = self.report;
        let design = match r.input.design {
            Design::PrePostControl => self.w.design_pre_post_control,
            Design::PrePost => self.w.design_pre_post,
            Design::PostOnlyControl => self.w.design_post_only,
        };
        let paired = if r.input.paired {
            self.w.paired
        } else {
            self.w.unpaired
        };
        let mut lines = Vec::new();
        if r.input.design != Design::PostOnlyControl {
            for a in &r.input.attrition {
                let line = self
                    .w
                    .attrition
                    .replace("{n}", &self.f.count(a.participants))
                    .replace("{m}", &self.f.count(a.matched))
                    .replace("{b}", &self.f.count(a.baseline_only))
                    .replace("{a}", &self.f.count(a.followup_only));
                lines.push(format!("{}: {line}", self.arm(a.group)));
            }
        }
        lines.extend(super::balance::cluster_line(self));
        (format!("{design}; {paired}"), lines)
    }

    /// The legend under the tables.
    pub fn legend(&self) -> Vec<String> {
        let r = self.report;
        let conf = self.f.number(Some(r.settings.conf_level * 100.0), 0);
        let adjust = match r.settings.adjust.name() {
            "holm" => "Holm",
            "bh" => "Benjamini–Hochberg",
            "bonferroni" => "Bonferroni",
            _ => self.w.adjust_none,
        };
        let mut v = vec![self.w.legend_values.replace("{c}", &conf)];
        if r.input.design != Design::PostOnlyControl {
            v.push(
                if r.input.paired {
                    self.w.legend_change_paired
                } else {
                    self.w.legend_change_unpaired
                }
                .to_string(),
            );
        }
        if r.input.design != Design::PrePost {
            v.push(self.w.legend_between.to_string());
        }
        v.push(self.w.legend_p.replace("{a}", adjust));
        if r.settings.adjust.name() != "none" {
            v.push(self.w.legend_ci_per_domain.to_string());
        }
        if let Some(n) = r.settings.min_cell {
            v.push(
                self.w
                    .legend_withheld
                    .replace("{m}", &self.withheld())
                    .replace("{n}", &n.to_string()),
            );
        }
        v
    }
}
