//! Repeated visits (contract §6.4, §9): with three or more waves, a grid per domain
//! with one row per visit (n and each arm's mean or percentage with its CI, the
//! difference between arms and its p), then the trend per arm and its difference
//! and the test across visits; and a plain-language finding per domain. The
//! terminal table, Markdown and the HTML report draw the same grid.

use super::findings::{Finding, favourable, is_significant, judged_p};
use super::fmt::Lang;
use super::grid::{Cells, Grid, domain_decimals};
use crate::cohort::{Arm, Kind, Wave};
use crate::results::{DomainResult, Report, SummaryStats, TestRow};

/// Fewer children than this in an arm: the finding says the result cannot support
/// a conclusion.
pub const MIN_PER_ARM: usize = 10;

struct Words {
    title: &'static str,
    visit: &'static str,
    time: &'static str,
    trend: &'static str,
    per_visit: &'static str,
    per_unit: &'static str,
    per_time: &'static str,
    across: &'static str,
    note: &'static str,
    rose: &'static str,
    fell: &'static str,
    stayed: &'static str,
    from_to: &'static str,
    other_arm: &'static str,
    trend_is: &'static str,
    difference: &'static str,
    points: &'static str,
    too_few: &'static str,
    too_few_one: &'static str,
}

const EN: Words = Words {
    title: "Visits",
    visit: "Visit",
    time: "Time",
    trend: "Trend",
    per_visit: "per visit",
    per_unit: "per {u}",
    per_time: "per unit of time",
    across: "Across visits",
    note: "One row per visit: n and each group's value with its {c}% CI; the difference between groups with its p. Trend: change per unit of time (straight line through every visit, CR2 standard errors); across visits: Friedman (scores) or Cochran's Q (yes/no) on the children seen at every visit.",
    rose: "rose",
    fell: "fell",
    stayed: "stayed",
    from_to: "from {first} to {last}, {label} in the {arm} group {moved} from {a} to {b}",
    other_arm: " ({arm}: {a} to {b})",
    trend_is: "; the trend is {est}{pts} {per} ({ci}; {p})",
    difference: " against {other} in the {arm} group, a difference of {diff}{pts} {per} ({ci}; {p})",
    points: " points",
    too_few: "With only {n1} children in the {arm1} group and {n0} in the {arm0} group, this result cannot support a conclusion about {label}.",
    too_few_one: "With only {n1} children, this result cannot support a conclusion about {label}.",
};

const ES: Words = Words {
    title: "Visitas",
    visit: "Visita",
    time: "Tiempo",
    trend: "Tendencia",
    per_visit: "por visita",
    per_unit: "por {u}",
    per_time: "por unidad de tiempo",
    across: "Entre visitas",
    note: "Una fila por visita: n y el valor de cada grupo con su IC {c} %; la diferencia entre grupos con su p. Tendencia: cambio por unidad de tiempo (recta por todas las visitas, errores estándar CR2); entre visitas: Friedman (puntajes) o Q de Cochran (sí/no) con los niños vistos en todas las visitas.",
    rose: "subió",
    fell: "bajó",
    stayed: "se mantuvo",
    from_to: "de {first} a {last}, {label} en el grupo {arm} {moved} de {a} a {b}",
    other_arm: " ({arm}: de {a} a {b})",
    trend_is: "; la tendencia es de {est}{pts} {per} ({ci}; {p})",
    difference: " frente a {other} en el grupo {arm}, una diferencia de {diff}{pts} {per} ({ci}; {p})",
    points: " puntos",
    too_few: "Con solo {n1} niños en el grupo {arm1} y {n0} en el grupo {arm0}, este resultado no permite sacar conclusiones sobre {label}.",
    too_few_one: "Con solo {n1} niños, este resultado no permite sacar conclusiones sobre {label}.",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// A wave from its id: `pre`, `w<k>`, `post`.
pub fn wave_of(id: &str) -> Option<Wave> {
    match id {
        "pre" => Some(Wave::Pre),
        "post" => Some(Wave::Post),
        _ => id.strip_prefix('w')?.parse().ok().map(Wave::Mid),
    }
}

/// Every visit, in order, with its time (0, 1, … when the spec gives none); empty
/// with fewer than three waves.
pub fn visits(report: &Report) -> Vec<(Wave, f64)> {
    if report.input.waves.len() < 3 {
        return Vec::new();
    }
    report
        .input
        .waves
        .iter()
        .enumerate()
        .filter_map(|(i, w)| Some((wave_of(&w.id)?, w.time.unwrap_or(i as f64))))
        .collect()
}

/// Whether the times are the default 0, 1, …, K − 1 (then a trend is per visit).
fn default_times(v: &[(Wave, f64)]) -> bool {
    v.iter().enumerate().all(|(i, (_, t))| *t == i as f64)
}

/// "per month" (the spec's `[waves] unit`), "per visit" with the default times,
/// else "per unit of time".
pub fn per_unit(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    if let Some(u) = report
        .labels
        .time_unit
        .as_ref()
        .and_then(|u| u.get(&report.settings.lang))
    {
        return w.per_unit.replace("{u}", u);
    }
    if default_times(&visits(report)) {
        w.per_visit.to_string()
    } else {
        w.per_time.to_string()
    }
}

/// The heading of a domain's visits grid.
pub fn title(c: &Cells) -> &'static str {
    words(c.f.lang).title
}

/// The note under the visits grids.
pub fn note(c: &Cells) -> String {
    let conf = c.f.number(Some(c.report.settings.conf_level * 100.0), 0);
    words(c.f.lang).note.replace("{c}", &conf)
}

fn short_method(m: &str, lang: Lang) -> &str {
    match m {
        "friedman" => "Friedman",
        "cochran_q" if lang == Lang::Es => "Q de Cochran",
        "cochran_q" => "Cochran's Q",
        other => super::grid::method_name(other, lang),
    }
}

/// "p = 0.03 (Friedman)", or the withheld marker.
fn p_cell(c: &Cells, t: Option<&TestRow>) -> Vec<String> {
    match t {
        None => vec![],
        Some(t) if t.suppressed => vec![c.withheld()],
        Some(t) => vec![format!(
            "{} ({})",
            c.f.p_value(judged_p(t)),
            short_method(t.method, c.f.lang)
        )],
    }
}

/// An estimate with its CI (points for yes/no domains), without the p.
fn estimate_cell(c: &Cells, t: Option<&TestRow>, pct: bool, dec: usize) -> Vec<String> {
    c.test(t, pct, dec).into_iter().take(1).collect()
}

/// One domain's visits grid: a row per visit, then the trend and the test across
/// visits. None with two waves or for categorical domains.
pub fn grid(c: &Cells, d: &DomainResult) -> Option<Grid> {
    let v = visits(c.report);
    if v.is_empty() || d.kind == Kind::Categorical {
        return None;
    }
    let w = words(c.f.lang);
    let arms = c.arms();
    let two = arms.len() == 2;
    let show_time = !default_times(&v);
    let pct = d.kind != Kind::Continuous;
    let dec = domain_decimals(d);
    let mut header = vec![w.visit.to_string()];
    if show_time {
        header.push(capitalise(
            &c.report
                .labels
                .time_unit
                .as_ref()
                .and_then(|u| u.get(&c.report.settings.lang))
                .map_or_else(|| w.time.to_string(), str::to_string),
        ));
    }
    for &a in &arms {
        header.push("n".to_string());
        header.push(c.arm(a));
    }
    if two {
        header.push(format!(
            "{} − {}",
            c.arm(Arm::Intervention),
            c.arm(Arm::Control)
        ));
        header.push("p".to_string());
    }
    let blank = |r: &mut Vec<Vec<String>>| {
        if show_time {
            r.push(vec![]);
        }
    };
    let mut rows = Vec::new();
    for &(wave, time) in &v {
        let mut r = vec![vec![capitalise(&c.wave(wave))]];
        if show_time {
            r.push(vec![c.f.number(Some(time), decimals_of(time))]);
        }
        for &a in &arms {
            r.push(
                d.summary_of(a, wave)
                    .map(|s| vec![c.f.count(s.n)])
                    .unwrap_or_default(),
            );
            r.push(c.value(d, a, wave, dec));
        }
        if two {
            let t = d.primary(&format!("between:{}", wave.id()));
            r.push(estimate_cell(c, t, pct, dec));
            r.push(p_cell(c, t));
        }
        rows.push(r);
    }
    // The trend per arm (estimate with CI, p) and the difference of the trends.
    let mut r = vec![vec![format!(
        "{} ({})",
        w.trend,
        per_unit(c.report, c.f.lang)
    )]];
    blank(&mut r);
    for &a in &arms {
        let t = d.primary(&format!("trend:{}", a.name()));
        r.push(t.map(|t| vec![c.f.count(t.n)]).unwrap_or_default());
        let mut cell = estimate_cell(c, t, pct, dec + 1);
        cell.extend(
            t.filter(|t| !t.suppressed)
                .map(|t| c.f.p_value(judged_p(t))),
        );
        r.push(cell);
    }
    if two {
        let t = d.primary("trend:difference");
        r.push(estimate_cell(c, t, pct, dec + 1));
        r.push(
            t.map(|t| vec![c.f.p_value(judged_p(t))])
                .unwrap_or_default(),
        );
    }
    rows.push(r);
    // Friedman / Cochran's Q per arm, when present.
    let across: Vec<Option<&TestRow>> = arms
        .iter()
        .map(|a| d.primary(&format!("waves:{}", a.name())))
        .collect();
    if across.iter().any(Option::is_some) {
        let mut r = vec![vec![w.across.to_string()]];
        blank(&mut r);
        for t in &across {
            r.push(t.map(|t| vec![c.f.count(t.n)]).unwrap_or_default());
            r.push(p_cell(c, *t));
        }
        if two {
            r.extend([vec![], vec![]]);
        }
        rows.push(r);
    }
    let mut numeric: Vec<bool> = header.iter().map(|_| true).collect();
    numeric[0] = false;
    if let Some(last) = numeric.last_mut()
        && two
    {
        *last = false;
    }
    Some(Grid {
        header,
        rows,
        numeric,
    })
}

fn decimals_of(t: f64) -> usize {
    if t.fract() == 0.0 { 0 } else { 1 }
}

fn capitalise(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => String::new(),
    }
}

/// The mean or proportion of an arm at a wave.
fn level(d: &DomainResult, arm: Arm, wave: Wave) -> Option<f64> {
    match d.summary_of(arm, wave).filter(|s| !s.suppressed)?.stats {
        SummaryStats::Continuous { mean, .. } => mean,
        SummaryStats::Binary { proportion, .. } => proportion,
        _ => None,
    }
}

/// The most children an arm had at any visit of the domain.
fn arm_n(d: &DomainResult, arm: Arm) -> usize {
    d.summary
        .iter()
        .filter(|s| s.group == arm)
        .map(|s| s.n)
        .max()
        .unwrap_or(0)
}

/// Each domain's visits finding (three or more waves), in the report's language.
pub fn findings(report: &Report) -> Vec<Finding> {
    report
        .domains
        .iter()
        .filter_map(|d| finding(report, d))
        .collect()
}

/// "From visita 1 to visita 6, school attendance in the program group rose from 57%
/// to 86%; the trend is +5.0 points per month (95% CI …, p = …)." and, with fewer
/// A sentence's "({ci}; {p})" for a trend that cannot be tested: said so, never
/// "(95% CI – to –; p –)" (issue 21).
fn untested(template: &str, t: &TestRow, lang: Lang) -> String {
    if super::untestable::is_untestable(t) {
        template.replace(
            "({ci}; {p})",
            &format!("({})", super::untestable::note(lang)),
        )
    } else {
        template.to_string()
    }
}

/// than ten children in an arm, that the result cannot support a conclusion.
pub fn finding(report: &Report, d: &DomainResult) -> Option<Finding> {
    let v = visits(report);
    if v.is_empty() || d.kind == Kind::Categorical {
        return None;
    }
    let c = Cells::new(report);
    let lang = c.f.lang;
    let w = words(lang);
    let arms = c.arms();
    let (first, last) = (v.first()?.0, v.last()?.0);
    let pct = d.kind == Kind::Binary;
    let dec = if pct { 0 } else { domain_decimals(d) };
    let show = |x: Option<f64>| {
        if pct {
            let n = c.f.number(x.map(|p| p * 100.0), 0);
            if lang == Lang::Es {
                format!("{n} %")
            } else {
                format!("{n}%")
            }
        } else {
            c.f.number(x, dec)
        }
    };
    let main = arms.first().copied()?;
    let (a, b) = (level(d, main, first), level(d, main, last));
    let moved = match (a, b) {
        (Some(a), Some(b)) if (b - a).abs() < 1e-12 => w.stayed,
        (Some(a), Some(b)) if b > a => w.rose,
        (Some(_), Some(_)) => w.fell,
        _ => return None,
    };
    let mut text = capitalise(
        &w.from_to
            .replace("{first}", &c.wave(first).to_lowercase())
            .replace("{last}", &c.wave(last).to_lowercase())
            .replace("{label}", &in_sentence(&d.label))
            .replace("{arm}", &c.arm(main).to_lowercase())
            .replace("{moved}", moved)
            .replace("{a}", &show(a))
            .replace("{b}", &show(b)),
    );
    if let Some(&other) = arms.get(1) {
        text.push_str(
            &w.other_arm
                .replace("{arm}", &c.arm(other).to_lowercase())
                .replace("{a}", &show(level(d, other, first)))
                .replace("{b}", &show(level(d, other, last))),
        );
    }
    let per = per_unit(report, lang);
    let scale = if pct { 100.0 } else { 1.0 };
    let tdec = if pct { 1 } else { dec + 1 };
    let ci = |t: &TestRow| {
        let conf = c.f.number(Some(report.settings.conf_level * 100.0), 0);
        super::i18n::words(lang)
            .f_ci
            .replace("{c}", &conf)
            .replace("{lo}", &c.f.number(t.conf_low.map(|x| x * scale), tdec))
            .replace("{hi}", &c.f.number(t.conf_high.map(|x| x * scale), tdec))
    };
    let pts = if pct { w.points } else { "" };
    let p_text = |t: &TestRow| {
        let p = c.f.p_value(judged_p(t));
        match t.p_adjusted {
            Some(_) if report.settings.adjust.name() != "none" => format!(
                "{}{}",
                super::i18n::words(lang).adjusted_p,
                p.trim_start_matches('p')
            ),
            _ => p,
        }
    };
    let trend = d
        .primary(&format!("trend:{}", main.name()))
        .filter(|t| !t.suppressed);
    if let Some(t) = trend {
        text.push_str(
            &untested(w.trend_is, t, lang)
                .replace("{est}", &c.f.signed(t.estimate.map(|x| x * scale), tdec))
                .replace("{pts}", pts)
                .replace("{per}", &per)
                .replace("{ci}", &ci(t))
                .replace("{p}", &p_text(t)),
        );
    }
    let diff = d.primary("trend:difference").filter(|t| !t.suppressed);
    if let (Some(t), Some(&other)) = (diff, arms.get(1)) {
        text.push_str(
            &untested(w.difference, t, lang)
                .replace("{diff}", &c.f.signed(t.estimate.map(|x| x * scale), tdec))
                .replace("{pts}", pts)
                .replace("{per}", &per)
                .replace("{arm}", &c.arm(other).to_lowercase())
                .replace(
                    "{other}",
                    &c.f.signed(
                        d.primary(&format!("trend:{}", other.name()))
                            .filter(|t| !t.suppressed)
                            .and_then(|t| t.estimate)
                            .map(|x| x * scale),
                        tdec,
                    ),
                )
                .replace("{ci}", &ci(t))
                .replace("{p}", &p_text(t)),
        );
    }
    text.push('.');
    let n1 = arm_n(d, main);
    let n0 = arms.get(1).map_or(MIN_PER_ARM, |&o| arm_n(d, o));
    if n1 < MIN_PER_ARM || n0 < MIN_PER_ARM {
        text.push(' ');
        let template = if arms.len() < 2 {
            w.too_few_one
        } else {
            w.too_few
        };
        text.push_str(
            &template
                .replace("{n1}", &c.f.count(n1))
                .replace("{arm1}", &c.arm(main).to_lowercase())
                .replace("{n0}", &c.f.count(n0))
                .replace(
                    "{arm0}",
                    &arms
                        .get(1)
                        .map_or_else(String::new, |&o| c.arm(o).to_lowercase()),
                )
                .replace("{label}", &in_sentence(&d.label)),
        );
    }
    let headline = diff.or(trend);
    Some(Finding {
        domain: d.name.clone(),
        significant: headline.is_some_and(is_significant) && n1 >= MIN_PER_ARM && n0 >= MIN_PER_ARM,
        favourable: headline.and_then(|t| favourable(d, t.estimate)),
        text,
    })
}

/// A label inside a sentence: lower-case first letter unless it looks like an
/// acronym or a proper name in capitals.
fn in_sentence(label: &str) -> String {
    let mut ch = label.chars();
    match (ch.next(), ch.next()) {
        (Some(f), Some(s)) if f.is_uppercase() && !s.is_uppercase() => {
            f.to_lowercase().collect::<String>() + &label[f.len_utf8()..]
        }
        _ => label.to_string(),
    }
}
