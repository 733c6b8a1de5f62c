//! Findings: one or two plain-language sentences per domain, made from the results,
//! in English or Spanish, hedged by the adjusted p-value and oriented by
//! `higher_is_better`. Shown in the table, Markdown, the report and JSON (`findings`).

use super::fmt::{Fmt, Lang, decimals_for};
use super::i18n::{Words, words};
use crate::cohort::{Arm, Design, Kind, Wave};
use crate::privacy::row_withheld;
use crate::results::{DomainResult, Report, SummaryStats, TestRow};
use serde::Serialize;

/// Significance level of the findings' wording (contract §3: alpha 0.05).
pub const ALPHA: f64 = 0.05;

/// One domain's finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub domain: String,
    pub text: String,
    /// The headline test is significant at the adjusted level.
    pub significant: bool,
    /// The headline estimate points the good way (per `higher_is_better`); null
    /// when there is no estimate.
    pub favourable: Option<bool>,
}

/// The comparison a domain's headline rests on: the difference in differences when
/// there are two arms and two waves, the between-arm difference with one wave, the
/// change within the one arm otherwise.
pub fn headline_comparison(report: &Report) -> String {
    match report.input.design {
        Design::PrePostControl => "did".to_string(),
        Design::PostOnlyControl => format!("between:{}", single_wave(report).name()),
        Design::PrePost => "change:intervention".to_string(),
    }
}

/// The wave of a one-wave design.
pub fn single_wave(report: &Report) -> Wave {
    report
        .domains
        .iter()
        .flat_map(|d| d.summary.first())
        .map(|s| s.wave)
        .next()
        .unwrap_or(Wave::Post)
}

/// The p-value used to judge a test: adjusted when there is one.
pub fn judged_p(t: &TestRow) -> Option<f64> {
    t.p_adjusted.or(t.p_value)
}

pub fn is_significant(t: &TestRow) -> bool {
    judged_p(t).is_some_and(|p| p < ALPHA)
}

/// Does a difference `estimate` point the good way for this domain?
pub fn favourable(d: &DomainResult, estimate: Option<f64>) -> Option<bool> {
    estimate
        .filter(|e| *e != 0.0)
        .filter(|_| d.direction_given)
        .map(|e| (e > 0.0) == d.higher_is_better)
}

/// The pooled standard deviation of a continuous domain at `wave` (both arms), to
/// standardise differences.
pub fn pooled_sd(d: &DomainResult, wave: Wave) -> Option<f64> {
    let (mut num, mut df) = (0.0, 0.0);
    for s in d.summary.iter().filter(|s| s.wave == wave) {
        if let SummaryStats::Continuous { sd: Some(sd), .. } = s.stats
            && s.n >= 2
        {
            num += (s.n as f64 - 1.0) * sd * sd;
            df += s.n as f64 - 1.0;
        }
    }
    let v = (df > 0.0).then(|| (num / df).sqrt())?;
    (v.is_finite() && v > 0.0).then_some(v)
}

fn proportion(d: &DomainResult, arm: Arm, wave: Wave) -> Option<f64> {
    match d.summary_of(arm, wave).map(|s| &s.stats) {
        Some(SummaryStats::Binary { proportion, .. }) => *proportion,
        _ => None,
    }
}

fn mean(d: &DomainResult, arm: Arm, wave: Wave) -> Option<f64> {
    match d.summary_of(arm, wave).map(|s| &s.stats) {
        Some(SummaryStats::Continuous { mean, .. }) => *mean,
        _ => None,
    }
}

/// Words and numbers in one language.
struct Say<'a> {
    report: &'a Report,
    f: Fmt,
    w: &'static Words,
}

impl Say<'_> {
    fn adjusted(&self) -> bool {
        self.report.settings.adjust.name() != "none"
    }

    /// "adjusted p < 0.001" (es "p ajustado < 0,001"), or "p = 0.04" when unadjusted;
    /// a model-based test says what it took into account (contract §8).
    fn p(&self, t: &TestRow) -> String {
        let p = match (t.p_adjusted, self.adjusted()) {
            (Some(p), true) => {
                let s = self.f.p_value(Some(p));
                format!("{}{}", self.w.adjusted_p, s.trim_start_matches('p'))
            }
            _ => self.f.p_value(t.p_value),
        };
        match self.model_note(t) {
            Some(note) => format!("{p}, {note}"),
            None => p,
        }
    }

    /// "taking into account that children attend the same centro" / "adjusted for
    /// edad and sexo", for cluster-robust and adjusted tests.
    fn model_note(&self, t: &TestRow) -> Option<String> {
        let r = t.robust.as_ref()?;
        let es = self.f.lang == Lang::Es;
        let mut parts = Vec::new();
        if t.method == "cluster_robust"
            && let Some(k) = &self.report.input.cluster
        {
            parts.push(if es {
                format!("teniendo en cuenta que los niños comparten {}", k.column)
            } else {
                format!(
                    "taking into account that children attend the same {}",
                    k.column
                )
            });
        }
        if !r.covariates.is_empty() {
            let list = match r.covariates.as_slice() {
                [one] => one.clone(),
                [rest @ .., last] => format!(
                    "{} {} {last}",
                    rest.join(", "),
                    if es { "y" } else { "and" }
                ),
                [] => String::new(),
            };
            parts.push(if es {
                format!("ajustado por {list}")
            } else {
                format!("adjusted for {list}")
            });
        }
        (!parts.is_empty()).then(|| parts.join(if es { " y " } else { " and " }))
    }

    /// A whole-number percentage: "53%" (es "53 %").
    fn pct(&self, p: Option<f64>) -> String {
        let n = self.f.number(p.map(|v| v * 100.0), 0);
        match self.f.lang {
            Lang::En => format!("{n}%"),
            Lang::Es => format!("{n} %"),
        }
    }

    /// A difference in proportions as points and its CI phrase: one decimal under 10.
    fn points(&self, t: &TestRow) -> (String, String) {
        let dec = if t.estimate.is_some_and(|e| e.abs() < 0.1) {
            1
        } else {
            0
        };
        let n = |v: Option<f64>| self.f.number(v.map(|x| x * 100.0), dec);
        (n(t.estimate), self.ci(n(t.conf_low), n(t.conf_high)))
    }

    fn ci(&self, lo: String, hi: String) -> String {
        let c = self
            .f
            .number(Some(self.report.settings.conf_level * 100.0), 0);
        self.w
            .f_ci
            .replace("{c}", &c)
            .replace("{lo}", &lo)
            .replace("{hi}", &hi)
    }

    /// "— a statistically significant improvement." and friends.
    fn verdict(&self, d: &DomainResult, t: &TestRow, between: bool) -> String {
        let v = if judged_p(t).is_none() {
            self.w.f_untested
        } else if !is_significant(t) {
            // Significant before adjustment only: say so, beside its unadjusted CI.
            if t.p_adjusted.is_some() && t.p_value.is_some_and(|p| p < ALPHA) {
                self.w.f_not_sig_adjusted
            } else {
                self.w.f_not_sig
            }
        } else {
            match (favourable(d, t.estimate), between) {
                (Some(true), false) => self.w.f_sig_better,
                (Some(false), false) => self.w.f_sig_worse,
                (Some(true), true) => self.w.f_sig_favours,
                (Some(false), true) => self.w.f_sig_against,
                // No direction given: higher or lower, never better or worse.
                (None, _) => match (t.estimate.is_some_and(|e| e > 0.0), between, self.f.lang) {
                    (true, false, Lang::En) => "a statistically significant increase",
                    (false, false, Lang::En) => "a statistically significant decrease",
                    (true, true, Lang::En) => {
                        "statistically significant, higher in the program group"
                    }
                    (false, true, Lang::En) => {
                        "statistically significant, lower in the program group"
                    }
                    (true, false, Lang::Es) => "un aumento estadísticamente significativo",
                    (false, false, Lang::Es) => "una disminución estadísticamente significativa",
                    (true, true, Lang::Es) => {
                        "estadísticamente significativo, más alto en el grupo del programa"
                    }
                    (false, true, Lang::Es) => {
                        "estadísticamente significativo, más bajo en el grupo del programa"
                    }
                },
            }
        };
        format!(" — {v}.")
    }

    fn binary<'d>(&self, d: &'d DomainResult) -> Option<(String, &'d TestRow)> {
        let design = self.report.input.design;
        match design {
            Design::PrePost => {
                let t = d.primary("change:intervention")?;
                let (diff, ci) = self.points(t);
                let s = self
                    .w
                    .f_bin_change
                    .replace("{label}", &d.label)
                    .replace(
                        "{p1}",
                        &self.pct(proportion(d, Arm::Intervention, Wave::Post)),
                    )
                    .replace(
                        "{b1}",
                        &self.pct(proportion(d, Arm::Intervention, Wave::Pre)),
                    )
                    .replace("{d}", &diff)
                    .replace("{ci}", &ci)
                    .replace("{p}", &self.p(t));
                Some((s + &self.verdict(d, t, false), t))
            }
            Design::PostOnlyControl | Design::PrePostControl => {
                let wave = if design == Design::PostOnlyControl {
                    single_wave(self.report)
                } else {
                    Wave::Post
                };
                let b = d.primary(&format!("between:{}", wave.name()))?;
                let (diff, ci) = self.points(b);
                let when = if wave == Wave::Post {
                    self.w.f_after_program
                } else {
                    self.w.before
                };
                let first = self
                    .w
                    .f_bin_between
                    .replace("{label}", &d.label)
                    .replace("{p1}", &self.pct(proportion(d, Arm::Intervention, wave)))
                    .replace("{p0}", &self.pct(proportion(d, Arm::Control, wave)))
                    .replace("{when}", &when.to_lowercase())
                    .replace("{d}", &diff)
                    .replace("{ci}", &ci)
                    .replace("{p}", &self.p(b));
                if design == Design::PostOnlyControl {
                    return Some((first + &self.verdict(d, b, true), b));
                }
                let Some(t) = d.primary("did") else {
                    return Some((first + &self.verdict(d, b, true), b));
                };
                let (diff, ci) = self.points(t);
                let verb = if t.estimate.unwrap_or(0.0) < 0.0 {
                    self.w.f_fell_more
                } else {
                    self.w.f_rose_more
                };
                let diff = diff.trim_start_matches('-').to_string();
                let second = self
                    .w
                    .f_bin_did
                    .replace(
                        "{b1}",
                        &self.pct(proportion(d, Arm::Intervention, Wave::Pre)),
                    )
                    .replace("{b0}", &self.pct(proportion(d, Arm::Control, Wave::Pre)))
                    .replace("{verb}", &verb.replace("{d}", &diff))
                    .replace("{ci}", &ci)
                    .replace("{p}", &self.p(t));
                Some((format!("{first}. {second}{}", self.verdict(d, t, false)), t))
            }
        }
    }

    fn continuous<'d>(&self, d: &'d DomainResult) -> Option<(String, &'d TestRow)> {
        let sd = d.summary.iter().find_map(|s| match s.stats {
            SummaryStats::Continuous { sd, .. } => sd,
            _ => None,
        });
        let dec = decimals_for(sd);
        let unit = |v: String| with_unit(v, d.unit.as_deref());
        let m = |arm, wave| unit(self.f.number(mean(d, arm, wave), dec));
        let design = self.report.input.design;
        let comparison = headline_comparison(self.report);
        let t = d.primary(&comparison)?;
        let ci = self.ci(
            self.f.number(t.conf_low, dec),
            self.f.number(t.conf_high, dec),
        );
        let text = match design {
            Design::PrePost => self
                .w
                .f_cont_change
                .replace("{label}", &d.label)
                .replace("{b1}", &m(Arm::Intervention, Wave::Pre))
                .replace("{m1}", &m(Arm::Intervention, Wave::Post))
                .replace("{d}", &unit(self.f.signed(t.estimate, dec))),
            Design::PostOnlyControl => {
                let wave = single_wave(self.report);
                self.w
                    .f_cont_between
                    .replace("{label}", &d.label)
                    .replace("{m1}", &m(Arm::Intervention, wave))
                    .replace("{m0}", &m(Arm::Control, wave))
                    .replace("{d}", &unit(self.f.signed(t.estimate, dec)))
            }
            Design::PrePostControl => {
                let first = self
                    .w
                    .f_cont_means
                    .replace("{label}", &d.label)
                    .replace("{m1}", &m(Arm::Intervention, Wave::Post))
                    .replace("{m0}", &m(Arm::Control, Wave::Post))
                    .replace("{b1}", &m(Arm::Intervention, Wave::Pre))
                    .replace("{b0}", &m(Arm::Control, Wave::Pre));
                let dir = if t.estimate.unwrap_or(0.0) < 0.0 {
                    self.w.f_lower
                } else {
                    self.w.f_higher
                };
                let std = pooled_sd(d, Wave::Pre)
                    .and_then(|s| t.estimate.map(|e| e / s))
                    .map(|v| self.f.number(Some(v.abs()), 2))
                    .unwrap_or_else(|| super::fmt::DASH.to_string());
                let second = did_template(self.w.f_cont_did, d.unit.as_deref())
                    .replace("{d}", &unit(self.f.number(t.estimate.map(f64::abs), dec)))
                    .replace("{dir}", dir)
                    .replace("{es}", &std);
                format!("{first}. {second}")
            }
        };
        let text = text.replace("{ci}", &ci).replace("{p}", &self.p(t));
        let between = design == Design::PostOnlyControl;
        Some((text + &self.verdict(d, t, between), t))
    }

    fn categorical<'d>(&self, d: &'d DomainResult) -> Option<(String, &'d TestRow)> {
        if let Some(tr) = &d.transitions
            && let Some(t) = tr.tests.iter().find(|t| t.primary).or(tr.tests.first())
            && tr.groups.len() == 2
        {
            let share = |arm: Arm| {
                tr.groups
                    .iter()
                    .find(|g| g.group == arm)
                    .and_then(|g| g.improved_proportion)
            };
            let (diff, ci) = self.points(t);
            let s = self
                .w
                .f_cat_moved
                .replace("{label}", &d.label)
                .replace("{p1}", &self.pct(share(Arm::Intervention)))
                .replace("{p0}", &self.pct(share(Arm::Control)))
                .replace("{d}", &diff)
                .replace("{ci}", &ci)
                .replace("{p}", &self.p(t));
            // Moving up is good for an ordered domain where higher is better.
            return Some((s + &self.verdict(d, t, true), t));
        }
        let wave = match self.report.input.design {
            Design::PostOnlyControl => single_wave(self.report),
            _ => Wave::Post,
        };
        let t = d.primary(&format!("between:{}", wave.name()))?;
        // The level that matters most: the best one (last when higher is better).
        let level = if d.higher_is_better {
            d.per_level.last()
        } else {
            d.per_level.first()
        }?;
        let share = |arm: Arm| match level
            .summary
            .iter()
            .find(|s| s.group == arm && s.wave == wave)
            .map(|s| &s.stats)
        {
            Some(SummaryStats::Binary { proportion, .. }) => *proportion,
            _ => None,
        };
        let verdict = if is_significant(t) {
            self.w.f_differs
        } else {
            self.w.f_not_differs
        };
        let s = self
            .w
            .f_cat_level
            .replace("{label}", &d.label)
            .replace("{level}", &level.level)
            .replace("{p1}", &self.pct(share(Arm::Intervention)))
            .replace("{p0}", &self.pct(share(Arm::Control)))
            .replace("{verdict}", verdict)
            .replace("{p}", &self.p(t));
        Some((s + ".", t))
    }
}

/// Does a domain's finding rest on a withheld value (`--min-cell`)? Then it is not
/// told at all: a sentence with holes would invite working the holes out.
fn withheld_in(d: &DomainResult, t: &TestRow) -> bool {
    t.suppressed
        || d.summary.iter().any(row_withheld)
        || d.per_level
            .iter()
            .any(|l| l.summary.iter().any(row_withheld))
        || d.transitions
            .as_ref()
            .is_some_and(|tr| tr.groups.iter().any(|g| g.suppressed))
}

/// The findings of every domain (pooled), in the report's language.
pub fn findings(report: &Report) -> Vec<Finding> {
    let lang = Lang::from_code(&report.settings.lang);
    let say = Say {
        report,
        f: Fmt::new(lang),
        w: words(lang),
    };
    let baseline = super::balance::finding(report, lang).map(|text| Finding {
        domain: "balance".to_string(),
        text,
        significant: false,
        favourable: None,
    });
    baseline
        .into_iter()
        .chain(report.domains.iter().filter_map(|d| {
            let (text, t) = match d.kind {
                Kind::Binary => say.binary(d),
                Kind::Continuous => say.continuous(d),
                Kind::Categorical => say.categorical(d),
            }?;
            if let Some(n) = report.settings.min_cell
                && withheld_in(d, t)
            {
                return Some(Finding {
                    domain: d.name.clone(),
                    text: say
                        .w
                        .f_withheld
                        .replace("{label}", &d.label)
                        .replace("{n}", &n.to_string())
                        .replace(
                            "{reason}",
                            &crate::privacy::withheld_because(report, d).unwrap_or_default(),
                        ),
                    significant: false,
                    favourable: None,
                });
            }
            // Untestable: said plainly, with why (issue 21), not "0.00 higher (– to –)".
            if super::untestable::is_untestable(t) {
                return Some(Finding {
                    domain: d.name.clone(),
                    text: super::untestable::finding(say.f.lang, d, t),
                    significant: false,
                    favourable: None,
                });
            }
            Some(Finding {
                domain: d.name.clone(),
                text,
                significant: is_significant(t),
                favourable: favourable(d, t.estimate),
            })
        }))
        .chain(super::visits::findings(report))
        .collect()
}

/// The findings as a text section (after the table).
pub fn render_text(report: &Report) -> String {
    let list = findings(report);
    if list.is_empty() {
        return String::new();
    }
    let w = words(Lang::from_code(&report.settings.lang));
    let mut s = format!("{}:\n", w.findings);
    for f in list {
        s.push_str(&format!("  - {}\n", f.text));
    }
    s
}

/// The JSON API with the `findings` array appended after the report's own fields.
pub fn render_json(report: &Report) -> anyhow::Result<String> {
    #[derive(Serialize)]
    struct WithFindings<'a> {
        #[serde(flatten)]
        report: &'a Report,
        findings: Vec<Finding>,
    }
    let mut s = serde_json::to_string_pretty(&WithFindings {
        report,
        findings: findings(report),
    })?;
    s.push('\n');
    Ok(s)
}

/// "a" or "an" before a number read aloud in English ("an 8-point", "an 11-point").
fn article_for(number: &str) -> &'static str {
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    // eight…, eleven, eighteen (and eleven/eighteen thousand, million).
    let an = digits.starts_with('8')
        || ((digits.starts_with("11") || digits.starts_with("18")) && digits.len() % 3 == 2);
    if an { "an" } else { "a" }
}

/// A domain label inside a sentence: "Problem solving" → "problem solving"
/// (labels that start with an acronym or a name stay as they are).
fn in_sentence(label: &str) -> String {
    let mut c = label.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// "0.18 kg": a number with the domain's unit, when it has one and a value.
pub fn with_unit(v: String, unit: Option<&str>) -> String {
    match unit {
        Some(u) if v != super::fmt::DASH => format!("{v} {u}"),
        _ => v,
    }
}

/// The difference-in-differences sentence: with a unit, the number carries it and
/// the template's own unit word ("puntos") goes.
fn did_template(template: &str, unit: Option<&str>) -> String {
    match unit {
        Some(_) => template
            .replace("{d} puntos", "{d}")
            .replace("{d} points", "{d}"),
        None => template.to_string(),
    }
}

/// The plain-language plan for the next round (`--power`, contract §11), one or
/// two sentences per domain: the children to enrol to confirm the effect seen,
/// allowing for attrition and clustering, and the smallest effect detectable now.
pub fn planning_findings(report: &Report) -> Vec<String> {
    let Some(rows) = &report.power else {
        return Vec::new();
    };
    let lang = Lang::from_code(&report.settings.lang);
    let (f, w) = (Fmt::new(lang), super::i18n::plan_words(lang));
    let mut out = Vec::new();
    for r in rows {
        let Some(d) = report.domains.iter().find(|d| d.name == r.domain) else {
            continue;
        };
        let label = in_sentence(&d.label);
        let binary = r.kind == Kind::Binary;
        let (scale, dec) = if binary {
            (100.0, 1)
        } else {
            (1.0, super::grid::domain_decimals(d))
        };
        let power = f.number(Some(r.target_power * 100.0), 0);
        let mut said = false;
        if let (Some(n), Some(e)) = (r.n_enrol_per_arm, r.observed_effect) {
            let size = f.number(Some(e.abs() * scale), dec);
            let unit = match (&d.unit, binary) {
                (_, true) => w.pct_points.to_string(),
                (Some(u), false) => format!(" {u}"),
                (None, false) => w.points.to_string(),
            };
            let dir = if e < 0.0 { w.fall } else { w.rise };
            let mut reasons = Vec::new();
            if let Some(a) = r.attrition.filter(|a| *a > 0.0) {
                let a = f.number(Some(a * 100.0), 0);
                reasons.push(w.allow_attrition.replace("{a}", &a));
            }
            if r.design_effect > 1.0 {
                let deff = f.number(Some(r.design_effect), 2);
                reasons.push(w.clustering.replace("{deff}", &deff));
            }
            let allow = if reasons.is_empty() {
                String::new()
            } else {
                format!("{}{}", w.allow_clustering, reasons.join(w.and))
            };
            let d_text = format!("{size}{unit}");
            let mut s = w
                .f_enrol
                .replace("{d}", &d_text)
                .replace("{dir}", dir)
                .replace("{label}", &label)
                .replace("{power}", &power)
                .replace("{n}", &f.count(n as usize))
                .replace("{allow}", &allow);
            if lang == Lang::En {
                s = s.replace(
                    &format!("a {d_text}"),
                    &format!("{} {d_text}", article_for(&size)),
                );
            }
            out.push(s);
            said = true;
        }
        if let (Some(mde), Some(n)) = (r.mde, r.n_per_arm) {
            let unit = match (&d.unit, binary) {
                (_, true) => w.unit_pct_points,
                (Some(u), false) => u.as_str(),
                (None, false) => w.unit_points,
            };
            let mde = format!("{} {unit}", f.number(Some(mde * scale), dec));
            out.push(
                w.f_mde
                    .replace("{n}", &f.count(n.round() as usize))
                    .replace("{label}", &label)
                    .replace("{power}", &power)
                    .replace("{mde}", &mde),
            );
            said = true;
        }
        if !said {
            out.push(w.f_none.replace("{label}", &d.label));
        }
    }
    out
}
