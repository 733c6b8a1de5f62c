//! The terminal table: one block per domain, both arms × both waves, change within
//! each arm, the difference between arms and DiD, adjusted p-values, and a legend.

use super::fmt::{count, decimals_for, interval, number, p_value, percent, points, signed};
use crate::cohort::{Arm, Design, Kind, Wave};
use crate::results::{DomainResult, Report, SummaryStats, TestRow};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

fn arm_label(report: &Report, arm: Arm) -> String {
    let l = match arm {
        Arm::Intervention => &report.labels.intervention,
        Arm::Control => &report.labels.control,
    };
    match (arm, l) {
        (_, Some(l)) => l.clone(),
        (Arm::Intervention, None) => "Intervention".into(),
        (Arm::Control, None) => "Control".into(),
    }
}

fn wave_label(report: &Report, wave: Wave) -> String {
    let l = match wave {
        Wave::Pre => &report.labels.pre,
        Wave::Post => &report.labels.post,
    };
    l.clone().unwrap_or_else(|| match wave {
        Wave::Pre => "Before".into(),
        Wave::Post => "After".into(),
    })
}

fn method_name(m: &str) -> &str {
    match m {
        "paired_t" => "paired t",
        "welch_t" => "Welch t",
        "mcnemar_exact" => "McNemar",
        "chi_square" => "χ²",
        "fisher_exact" => "Fisher",
        "ancova" => "ANCOVA",
        "did_welch_t" => "Welch t on changes",
        "did_z" => "z",
        "stuart_maxwell" => "Stuart–Maxwell",
        "chi_square_independence" => "χ²",
        other => other,
    }
}

/// "estimate [CI]\np = … (method)" for a test; `pct` shows percentage points.
fn test_cell(t: Option<&TestRow>, pct: bool, dec: usize) -> String {
    let Some(t) = t else {
        return String::new();
    };
    let est = if pct {
        format!(
            "{} {}",
            points(t.estimate),
            interval(t.conf_low, t.conf_high, 100.0, 1)
        )
    } else {
        format!(
            "{} {}",
            signed(t.estimate, dec),
            interval(t.conf_low, t.conf_high, 1.0, dec)
        )
    };
    let p = t.p_adjusted.or(t.p_value);
    format!(
        "{}\n{} ({})",
        est.trim_end(),
        p_value(p),
        method_name(t.method)
    )
}

fn value_cell(d: &DomainResult, arm: Arm, wave: Wave, dec: usize) -> String {
    match d.summary_of(arm, wave).map(|s| &s.stats) {
        Some(SummaryStats::Continuous {
            mean,
            conf_low,
            conf_high,
            ..
        }) => {
            format!(
                "{} {}",
                number(*mean, dec),
                interval(*conf_low, *conf_high, 1.0, dec)
            )
        }
        Some(SummaryStats::Binary {
            proportion,
            conf_low,
            conf_high,
            ..
        }) => {
            format!(
                "{} {}",
                percent(*proportion),
                interval(*conf_low, *conf_high, 100.0, 1)
            )
        }
        _ => String::new(),
    }
}

fn n_cell(d: &DomainResult, arm: Arm, waves: &[Wave]) -> String {
    waves
        .iter()
        .map(|&w| d.summary_of(arm, w).map(|s| count(s.n)).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" / ")
}

fn new_table(report: &Report, waves: &[Wave]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![String::new(), "n".to_string()];
    for &w in waves {
        header.push(wave_label(report, w));
    }
    if waves.len() == 2 {
        header.push("Change".into());
    }
    t.set_header(header);
    t
}

fn domain_block(report: &Report, d: &DomainResult) -> String {
    let arms = &report_arms(report);
    let waves = &report_waves(report);
    let sd = d.summary.iter().find_map(|s| match s.stats {
        SummaryStats::Continuous { sd, .. } => sd,
        _ => None,
    });
    let dec = decimals_for(sd);
    let pct = d.kind != Kind::Continuous;
    let kind = match d.kind {
        Kind::Continuous => "continuous: mean [CI]",
        Kind::Binary => "binary: % yes [CI]",
        Kind::Categorical => "categorical: % at each level [CI]",
    };
    let mut out = format!("{}  ({kind})\n", d.label);
    let mut t = new_table(report, waves);
    match d.kind {
        Kind::Continuous | Kind::Binary => {
            for &arm in arms {
                let mut r = vec![arm_label(report, arm), n_cell(d, arm, waves)];
                for &w in waves {
                    r.push(value_cell(d, arm, w, dec));
                }
                if waves.len() == 2 {
                    r.push(test_cell(
                        d.primary(&format!("change:{}", arm.name())),
                        pct,
                        dec,
                    ));
                }
                t.add_row(r);
            }
        }
        Kind::Categorical => {
            for &arm in arms {
                for (li, level) in d.per_level.iter().enumerate() {
                    let n = if li == 0 {
                        n_cell(d, arm, waves)
                    } else {
                        String::new()
                    };
                    let mut r = vec![format!("{} · {}", arm_label(report, arm), level.level), n];
                    for &w in waves {
                        let s = level.summary.iter().find(|s| s.group == arm && s.wave == w);
                        r.push(match s.map(|s| &s.stats) {
                            Some(SummaryStats::Binary {
                                proportion,
                                conf_low,
                                conf_high,
                                ..
                            }) => {
                                format!(
                                    "{} {}",
                                    percent(*proportion),
                                    interval(*conf_low, *conf_high, 100.0, 1)
                                )
                            }
                            _ => String::new(),
                        });
                    }
                    if waves.len() == 2 {
                        let c = level.tests.iter().find(|t| {
                            t.primary && t.comparison == format!("change:{}", arm.name())
                        });
                        r.push(
                            c.map(|t| {
                                format!(
                                    "{} {}",
                                    points(t.estimate),
                                    interval(t.conf_low, t.conf_high, 100.0, 1)
                                )
                            })
                            .unwrap_or_default(),
                        );
                    }
                    t.add_row(r);
                }
                if waves.len() == 2 {
                    let mut r = vec![
                        format!("{}: shift in levels", arm_label(report, arm)),
                        String::new(),
                    ];
                    r.extend(waves.iter().map(|_| String::new()));
                    let c = d.primary(&format!("change:{}", arm.name()));
                    r.push(
                        c.map(|t| {
                            format!(
                                "{} ({})",
                                p_value(t.p_adjusted.or(t.p_value)),
                                method_name(t.method)
                            )
                        })
                        .unwrap_or_default(),
                    );
                    t.add_row(r);
                }
            }
        }
    }
    if arms.len() == 2 {
        let mut r = vec![
            format!(
                "{} − {}",
                arm_label(report, Arm::Intervention),
                arm_label(report, Arm::Control)
            ),
            String::new(),
        ];
        for &w in waves {
            let b = d.primary(&format!("between:{}", w.name()));
            r.push(if d.kind == Kind::Categorical {
                b.map(|t| {
                    format!(
                        "{} ({})",
                        p_value(t.p_adjusted.or(t.p_value)),
                        method_name(t.method)
                    )
                })
                .unwrap_or_default()
            } else {
                test_cell(b, pct, dec)
            });
        }
        if waves.len() == 2 {
            let did = d.primary("did");
            r.push(if d.kind == Kind::Categorical {
                String::new()
            } else {
                format!("DiD {}", test_cell(did, pct, dec))
            });
        }
        t.add_row(r);
    }
    for (i, col) in t.column_iter_mut().enumerate() {
        if i == 1 {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}

fn report_arms(report: &Report) -> Vec<Arm> {
    report.input.attrition.iter().map(|a| a.group).collect()
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

fn design_text(report: &Report) -> String {
    let d = match report.input.design {
        Design::PrePostControl => "before and after, with a control group",
        Design::PrePost => "before and after, one group",
        Design::PostOnlyControl => "one wave, with a control group",
    };
    let paired = if report.input.paired {
        "paired by participant id"
    } else {
        "independent samples (no participant matched across waves)"
    };
    format!("{d}; {paired}")
}

/// Render the whole report as text for a terminal.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if let Some(t) = &report.settings.title {
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&format!(
        "evaluate · {} · {} rows, {} participants\nDesign: {}\n",
        report.input.files.join(", "),
        count(report.input.rows),
        count(report.input.participants),
        design_text(report)
    ));
    if report.input.design != Design::PostOnlyControl {
        for a in &report.input.attrition {
            out.push_str(&format!(
                "  {}: {} participants, {} seen at both waves, {} only before, {} only after\n",
                arm_label(report, a.group),
                count(a.participants),
                count(a.matched),
                count(a.baseline_only),
                count(a.followup_only)
            ));
        }
    }
    out.push('\n');
    for d in &report.domains {
        out.push_str(&domain_block(report, d));
        out.push('\n');
    }
    for s in &report.strata {
        out.push_str(&format!(
            "━━ {} = {} ({} participants) ━━\n\n",
            s.column,
            s.value,
            count(s.participants)
        ));
        for d in &s.domains {
            out.push_str(&domain_block(report, d));
            out.push('\n');
        }
    }
    out.push_str(&legend(report));
    if !report.warnings.is_empty() {
        out.push_str(&format!("\nWarnings ({}):\n", report.warnings.len()));
        for w in &report.warnings {
            match &w.domain {
                Some(d) => out.push_str(&format!("  - {d}: {}\n", w.message)),
                None => out.push_str(&format!("  - {}\n", w.message)),
            }
        }
    }
    out
}

fn legend(report: &Report) -> String {
    let conf = number(Some(report.settings.conf_level * 100.0), 0);
    let adjust = match report.settings.adjust.name() {
        "holm" => "Holm",
        "bh" => "Benjamini–Hochberg",
        "bonferroni" => "Bonferroni",
        _ => "not adjusted",
    };
    let mut s = format!(
        "Legend: values are means or percentages with {conf}% confidence intervals in brackets; n = participants with a value at each wave.\n"
    );
    if report.input.design != Design::PostOnlyControl {
        s.push_str(if report.input.paired {
            "Change = after − before, over participants seen at both waves; pp = percentage points.\n"
        } else {
            "Change = after − before, waves as independent samples; pp = percentage points.\n"
        });
    }
    if report.input.design != Design::PrePost {
        s.push_str("Last row: difference between arms at each wave; DiD = difference in change between arms (ANCOVA for scores when paired).\n");
    }
    s.push_str(&format!(
        "p-values are two-sided and adjusted across domains for each comparison ({adjust}); the test is named beside each.\n"
    ));
    s
}
