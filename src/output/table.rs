//! The terminal table: one block per domain, both arms × both waves, change within
//! each arm, the difference between arms and DiD, adjusted p-values, and a legend.
//! With strata, a compact side-by-side table per domain follows the pooled blocks.

use super::fmt::{Fmt, Lang, decimals_for};
use super::i18n::{Words, display_label, words};
use crate::cohort::{Arm, Design, Kind, Wave};
use crate::privacy::{marker, row_withheld};
use crate::results::{DomainResult, Report, SummaryRow, SummaryStats, TestRow};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

/// Everything a block needs to print in one language.
struct View<'a> {
    report: &'a Report,
    f: Fmt,
    w: &'static Words,
    arms: Vec<Arm>,
    waves: Vec<Wave>,
}

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
        other => other,
    }
}

impl View<'_> {
    fn arm_label(&self, arm: Arm) -> String {
        let l = match arm {
            Arm::Intervention => &self.report.labels.intervention,
            Arm::Control => &self.report.labels.control,
        };
        match (arm, l) {
            (_, Some(l)) => display_label(l, self.f.lang),
            (Arm::Intervention, None) => self.w.intervention.into(),
            (Arm::Control, None) => self.w.control.into(),
        }
    }

    fn wave_label(&self, wave: Wave) -> String {
        let l = match wave {
            Wave::Pre => &self.report.labels.pre,
            Wave::Post => &self.report.labels.post,
        };
        l.as_deref()
            .map(|l| display_label(l, self.f.lang))
            .unwrap_or_else(|| match wave {
                Wave::Pre => self.w.before.into(),
                Wave::Post => self.w.after.into(),
            })
    }

    /// "<5" (`--min-cell`).
    fn withheld(&self) -> String {
        marker(self.report.settings.min_cell)
    }

    fn p(&self, t: &TestRow) -> String {
        if t.suppressed {
            return self.withheld();
        }
        format!(
            "{} ({})",
            self.f.p_value(t.p_adjusted.or(t.p_value)),
            method_name(t.method, self.f.lang)
        )
    }

    /// "estimate [CI]\np = … (method)"; `pct` shows percentage points.
    fn test_cell(&self, t: Option<&TestRow>, pct: bool, dec: usize) -> String {
        let Some(t) = t else {
            return String::new();
        };
        if t.suppressed {
            return self.withheld();
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
        format!("{}\n{}", est.trim_end(), self.p(t))
    }

    fn proportion_cell(&self, row: Option<&SummaryRow>) -> String {
        if row.is_some_and(row_withheld) {
            return self.withheld();
        }
        match row.map(|r| &r.stats) {
            Some(SummaryStats::Binary {
                proportion,
                conf_low,
                conf_high,
                ..
            }) => {
                format!(
                    "{} {}",
                    self.f.percent(*proportion),
                    self.f.interval(*conf_low, *conf_high, 100.0, 1)
                )
            }
            _ => String::new(),
        }
    }

    fn value_cell(&self, d: &DomainResult, arm: Arm, wave: Wave, dec: usize) -> String {
        let row = d.summary_of(arm, wave);
        if row.is_some_and(row_withheld) {
            return self.withheld();
        }
        match row.map(|s| &s.stats) {
            Some(SummaryStats::Continuous {
                mean,
                conf_low,
                conf_high,
                ..
            }) => {
                format!(
                    "{} {}",
                    self.f.number(*mean, dec),
                    self.f.interval(*conf_low, *conf_high, 1.0, dec)
                )
            }
            _ => self.proportion_cell(row),
        }
    }

    fn n_cell(&self, d: &DomainResult, arm: Arm) -> String {
        self.waves
            .iter()
            .map(|&w| {
                d.summary_of(arm, w)
                    .map(|s| self.f.count(s.n))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }

    fn new_table(&self, header: Vec<String>) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_HORIZONTAL_ONLY)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header);
        t
    }

    fn block_table(&self) -> Table {
        let mut header = vec![String::new(), "n".to_string()];
        for &w in &self.waves {
            header.push(self.wave_label(w));
        }
        if self.waves.len() == 2 {
            header.push(self.w.change.into());
        }
        self.new_table(header)
    }

    fn kind_text(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Continuous => self.w.kind_continuous,
            Kind::Binary => self.w.kind_binary,
            Kind::Categorical => self.w.kind_categorical,
        }
    }

    fn domain_block(&self, d: &DomainResult) -> String {
        let dec = domain_decimals(d);
        let pct = d.kind != Kind::Continuous;
        let two_waves = self.waves.len() == 2;
        let mut t = self.block_table();
        match d.kind {
            Kind::Continuous | Kind::Binary => {
                for &arm in &self.arms {
                    let mut r = vec![self.arm_label(arm), self.n_cell(d, arm)];
                    for &w in &self.waves {
                        r.push(self.value_cell(d, arm, w, dec));
                    }
                    if two_waves {
                        r.push(self.test_cell(
                            d.primary(&format!("change:{}", arm.name())),
                            pct,
                            dec,
                        ));
                    }
                    t.add_row(r);
                }
            }
            Kind::Categorical => {
                for &arm in &self.arms {
                    let change = format!("change:{}", arm.name());
                    for (li, level) in d.per_level.iter().enumerate() {
                        let n = if li == 0 {
                            self.n_cell(d, arm)
                        } else {
                            String::new()
                        };
                        let mut r = vec![format!("{} · {}", self.arm_label(arm), level.level), n];
                        for &w in &self.waves {
                            let s = level.summary.iter().find(|s| s.group == arm && s.wave == w);
                            r.push(self.proportion_cell(s));
                        }
                        if two_waves {
                            let c = level
                                .tests
                                .iter()
                                .find(|t| t.primary && t.comparison == change);
                            r.push(
                                c.map(|t| {
                                    if t.suppressed {
                                        return self.withheld();
                                    }
                                    format!(
                                        "{} {}",
                                        self.f.points(t.estimate),
                                        self.f.interval(t.conf_low, t.conf_high, 100.0, 1)
                                    )
                                })
                                .unwrap_or_default(),
                            );
                        }
                        t.add_row(r);
                    }
                    if two_waves {
                        let mut r = vec![
                            format!("{}: {}", self.arm_label(arm), self.w.shift_in_levels),
                            String::new(),
                        ];
                        r.extend(self.waves.iter().map(|_| String::new()));
                        r.push(d.primary(&change).map(|t| self.p(t)).unwrap_or_default());
                        t.add_row(r);
                    }
                }
                if let Some(tr) = &d.transitions {
                    for g in &tr.groups {
                        let mut r = vec![
                            format!("{}: {}", self.arm_label(g.group), self.w.improved),
                            self.f.count(g.n),
                        ];
                        r.extend(self.waves.iter().map(|_| String::new()));
                        r.push(if g.suppressed {
                            self.withheld()
                        } else {
                            format!(
                                "{} {}",
                                self.f.percent(g.improved_proportion),
                                self.f.interval(
                                    g.improved_conf_low,
                                    g.improved_conf_high,
                                    100.0,
                                    1
                                )
                            )
                        });
                        t.add_row(r);
                    }
                }
            }
        }
        if self.arms.len() == 2 {
            let mut r = vec![
                format!(
                    "{} − {}",
                    self.arm_label(Arm::Intervention),
                    self.arm_label(Arm::Control)
                ),
                String::new(),
            ];
            for &w in &self.waves {
                let b = d.primary(&format!("between:{}", w.name()));
                r.push(if d.kind == Kind::Categorical {
                    b.map(|t| self.p(t)).unwrap_or_default()
                } else {
                    self.test_cell(b, pct, dec)
                });
            }
            if two_waves {
                r.push(match (&d.kind, &d.transitions) {
                    (Kind::Categorical, Some(tr)) => tr
                        .tests
                        .first()
                        .map(|t| {
                            format!("{}: {}", self.w.improved, self.test_cell(Some(t), true, 1))
                        })
                        .unwrap_or_default(),
                    (Kind::Categorical, None) => String::new(),
                    _ => format!(
                        "{} {}",
                        self.w.did,
                        self.test_cell(d.primary("did"), pct, dec)
                    ),
                });
            }
            t.add_row(r);
        }
        if let Some(col) = t.column_mut(1) {
            col.set_cell_alignment(CellAlignment::Right);
        }
        format!("{}  ({})\n{t}\n", d.label, self.kind_text(d.kind))
    }

    /// One compact table per domain with a row per stratum (and pooled).
    fn strata_block(&self, di: usize) -> Option<String> {
        let pooled = self.report.domains.get(di)?;
        let first = self.report.strata.first()?;
        let dec = domain_decimals(pooled);
        let pct = pooled.kind != Kind::Continuous;
        if pooled.kind == Kind::Categorical {
            return None;
        }
        let mut header = vec![first.column.clone(), "n".to_string()];
        for &arm in &self.arms {
            for &w in &self.waves {
                header.push(format!("{} · {}", self.arm_label(arm), self.wave_label(w)));
            }
        }
        let last = if self.arms.len() == 2 && self.waves.len() == 2 {
            Some(("did".to_string(), self.w.did.to_string()))
        } else if self.arms.len() == 2 {
            Some((
                format!("between:{}", self.waves[0].name()),
                format!(
                    "{} − {}",
                    self.arm_label(Arm::Intervention),
                    self.arm_label(Arm::Control)
                ),
            ))
        } else {
            Some((
                format!("change:{}", self.arms[0].name()),
                self.w.change.to_string(),
            ))
        };
        if let Some((_, name)) = &last {
            header.push(name.clone());
        }
        let mut t = self.new_table(header);
        let all = std::iter::once(("Total".to_string(), pooled)).chain(
            self.report.strata.iter().filter_map(|s| {
                s.domains
                    .iter()
                    .find(|d| d.name == pooled.name)
                    .map(|d| (s.value.clone(), d))
            }),
        );
        for (name, d) in all {
            let n: usize = d
                .summary
                .iter()
                .filter(|s| s.wave == *self.waves.last().unwrap_or(&Wave::Post))
                .map(|s| s.n)
                .sum();
            let mut r = vec![name, self.f.count(n)];
            for &arm in &self.arms {
                for &w in &self.waves {
                    r.push(
                        self.value_cell(d, arm, w, dec)
                            .split(' ')
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                    );
                }
            }
            if let Some((id, _)) = &last {
                let t = d.primary(id);
                let est = self.test_cell(t, pct, dec);
                let est = est.split('\n').next().unwrap_or_default().to_string();
                let p = t
                    .filter(|t| !t.suppressed)
                    .map(|t| self.f.p_value(t.p_adjusted.or(t.p_value)))
                    .unwrap_or_default();
                r.push(format!("{est}  {p}"));
            }
            t.add_row(r);
        }
        if let Some(col) = t.column_mut(1) {
            col.set_cell_alignment(CellAlignment::Right);
        }
        Some(format!("{} · {}\n{t}\n", pooled.label, first.column))
    }

    fn header(&self) -> String {
        let r = self.report;
        let mut out = String::new();
        if let Some(t) = &r.settings.title {
            out.push_str(&format!("{t}\n"));
        }
        out.push_str(&format!(
            "evaluate · {} · {} {}, {} {}\n",
            r.input.files.join(", "),
            self.f.count(r.input.rows),
            self.w.rows,
            self.f.count(r.input.participants),
            self.w.participants
        ));
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
        out.push_str(&format!("{}: {design}; {paired}\n", self.w.design));
        if r.input.design != Design::PostOnlyControl {
            for a in &r.input.attrition {
                let line = self
                    .w
                    .attrition
                    .replace("{n}", &self.f.count(a.participants))
                    .replace("{m}", &self.f.count(a.matched))
                    .replace("{b}", &self.f.count(a.baseline_only))
                    .replace("{a}", &self.f.count(a.followup_only));
                out.push_str(&format!("  {}: {line}\n", self.arm_label(a.group)));
            }
        }
        out
    }

    fn legend(&self) -> String {
        let r = self.report;
        let conf = self.f.number(Some(r.settings.conf_level * 100.0), 0);
        let adjust = match r.settings.adjust.name() {
            "holm" => "Holm",
            "bh" => "Benjamini–Hochberg",
            "bonferroni" => "Bonferroni",
            _ => self.w.adjust_none,
        };
        let mut s = format!("{}\n", self.w.legend_values.replace("{c}", &conf));
        if r.input.design != Design::PostOnlyControl {
            s.push_str(if r.input.paired {
                self.w.legend_change_paired
            } else {
                self.w.legend_change_unpaired
            });
            s.push('\n');
        }
        if r.input.design != Design::PrePost {
            s.push_str(self.w.legend_between);
            s.push('\n');
        }
        s.push_str(&self.w.legend_p.replace("{a}", adjust));
        s.push('\n');
        if let Some(n) = r.settings.min_cell {
            s.push_str(
                &self
                    .w
                    .legend_withheld
                    .replace("{m}", &self.withheld())
                    .replace("{n}", &n.to_string()),
            );
            s.push('\n');
        }
        s
    }
}

fn domain_decimals(d: &DomainResult) -> usize {
    decimals_for(d.summary.iter().find_map(|s| match s.stats {
        SummaryStats::Continuous { sd, .. } => sd,
        _ => None,
    }))
}

fn report_waves(report: &Report) -> Vec<Wave> {
    match report.input.design {
        Design::PostOnlyControl => {
            let w = report
                .domains
                .first()
                .and_then(|d| d.summary.first())
                .map(|s| s.wave)
                .unwrap_or(Wave::Post);
            vec![w]
        }
        _ => vec![Wave::Pre, Wave::Post],
    }
}

/// Render the whole report as text for a terminal.
pub fn render(report: &Report) -> String {
    let lang = Lang::from_code(&report.settings.lang);
    let v = View {
        report,
        f: Fmt::new(lang),
        w: words(lang),
        arms: report.input.attrition.iter().map(|a| a.group).collect(),
        waves: report_waves(report),
    };
    let mut out = v.header();
    out.push('\n');
    for d in &report.domains {
        out.push_str(&v.domain_block(d));
        out.push('\n');
    }
    for di in 0..report.domains.len() {
        if let Some(b) = v.strata_block(di) {
            out.push_str(&b);
            out.push('\n');
        }
    }
    out.push_str(&v.legend());
    if !report.warnings.is_empty() {
        out.push_str(&format!(
            "\n{} ({}):\n",
            v.w.warnings,
            report.warnings.len()
        ));
        for w in &report.warnings {
            match &w.domain {
                Some(d) => out.push_str(&format!("  - {d}: {}\n", w.message)),
                None => out.push_str(&format!("  - {}\n", w.message)),
            }
        }
    }
    out
}
