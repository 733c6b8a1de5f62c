//! The report (`--report FILE.html`, `--format html`): one self-contained page, no
//! network: design and sample with attrition, findings, every chart as inline SVG,
//! every table, strata, a methods appendix with references, warnings. All user text
//! is escaped. Prints on A4.

use super::findings::{findings, headline_comparison, judged_p};
use super::grid::{Cells, Grid};
use crate::charts;
use crate::cohort::Kind;
use crate::results::{DomainResult, Report, TestRow};
use std::collections::BTreeMap;

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #222; --muted: #555; --line: #d9d9d9; --head: #f3f5f7; --blue: #0072B2; --verm: #D55E00; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", Verdana, "Segoe UI", Arial, sans-serif; color: var(--ink); font-size: 15px; line-height: 1.5; }
body { margin: 0; background: #fff; }
main { max-width: 860px; margin: 0 auto; padding: 32px 28px 48px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.08rem; margin: 1.6rem 0 .5rem; }
p, li { max-width: 72ch; }
.meta { color: var(--muted); margin: 0; }
nav ol { columns: 2; padding-left: 1.2rem; margin: .6rem 0 0; color: var(--muted); }
nav a { color: inherit; }
.findings { list-style: none; padding: 0; }
.findings li { border-left: 4px solid var(--line); padding: .35rem .8rem; margin: .5rem 0; }
.findings li.sig.good { border-color: var(--blue); }
.findings li.sig.bad { border-color: var(--verm); }
figure { margin: 1rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 640px; height: auto; }
svg text { font-family: "DejaVu Sans", Verdana, sans-serif; }
table { border-collapse: collapse; width: 100%; font-size: .84rem; margin: .4rem 0 1rem; break-inside: auto; }
.visits { overflow-x: auto; } .visits table { font-size: .78rem; } .visits td { white-space: nowrap; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 1.5px solid #999; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th.sub { font-weight: normal; padding-left: 1.4rem; }
tr { break-inside: avoid; page-break-inside: avoid; }
td .p { color: var(--muted); display: block; }
.legend, .note { color: var(--muted); font-size: .85rem; }
.domain { break-inside: avoid-page; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure svg { max-width: 120mm; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn grid_html(g: &Grid) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    for (i, h) in g.header.iter().enumerate() {
        let class = if g.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        };
        s.push_str(&format!("<th scope=\"col\"{class}>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in &g.rows {
        s.push_str("<tr>");
        for (i, cell) in r.iter().enumerate() {
            let num = g.numeric.get(i).copied().unwrap_or(false);
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            // A level under its characteristic (Table 1: first cell indented).
            let sub = i == 0 && cell.first().is_some_and(|c| c.starts_with("  "));
            let class = if num {
                " class=\"num\""
            } else if sub {
                " class=\"sub\""
            } else {
                ""
            };
            let inner: Vec<String> = cell
                .iter()
                .enumerate()
                .map(|(k, part)| {
                    if k > 0 {
                        format!("<span class=\"p\">{}</span>", esc(part))
                    } else {
                        esc(part)
                    }
                })
                .collect();
            s.push_str(&format!("<{tag}{class}>{}</{close}>", inner.join("")));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// An SVG chart ready to inline: the XML declaration (if any) dropped.
fn inline_svg(svg: &str, label: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    let body = body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(label)),
        1,
    );
    format!("<figure>\n{body}\n</figure>\n")
}

/// Test names and references for the methods appendix (en, es, reference).
fn method_info(m: &str) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match m {
        "paired_t" => (
            "Paired t-test; effect size Cohen's d_z",
            "Prueba t pareada; tamaño del efecto d_z de Cohen",
            "Student (1908), Biometrika 6(1):1–25; Cohen (1988), Statistical Power Analysis.",
        ),
        "welch_t" => (
            "Welch's t-test; effect size Hedges' g",
            "Prueba t de Welch; tamaño del efecto g de Hedges",
            "Welch (1947), Biometrika 34:28–35; Hedges (1981), J. Educ. Stat. 6(2):107–128.",
        ),
        "wilcoxon_signed_rank" => (
            "Wilcoxon signed-rank test",
            "Prueba de rangos con signo de Wilcoxon",
            "Wilcoxon (1945), Biometrics Bulletin 1(6):80–83.",
        ),
        "mann_whitney" => (
            "Mann–Whitney U test",
            "Prueba U de Mann–Whitney",
            "Mann & Whitney (1947), Ann. Math. Stat. 18(1):50–60.",
        ),
        "did_welch_t" => (
            "Welch's t-test on change scores (difference in differences)",
            "Prueba t de Welch sobre los cambios (diferencia en diferencias)",
            "Welch (1947), Biometrika 34:28–35.",
        ),
        "ancova" => (
            "ANCOVA: after ~ group + before (ordinary least squares)",
            "ANCOVA: después ~ grupo + antes (mínimos cuadrados ordinarios)",
            "Vickers & Altman (2001), BMJ 323:1123–1124.",
        ),
        "did_z" => (
            "z-test of the difference in differences",
            "Prueba z de la diferencia en diferencias",
            "Angrist & Pischke (2009), Mostly Harmless Econometrics, ch. 5.",
        ),
        "mcnemar_exact" => (
            "Exact McNemar test; Newcombe interval for paired proportions",
            "Prueba exacta de McNemar; intervalo de Newcombe para proporciones pareadas",
            "McNemar (1947), Psychometrika 12(2):153–157; Newcombe (1998), Stat. Med. 17:2635–2650.",
        ),
        "chi_square" => (
            "Pearson's χ² test; Newcombe interval for the difference",
            "Prueba χ² de Pearson; intervalo de Newcombe para la diferencia",
            "Pearson (1900), Phil. Mag. 50:157–175; Newcombe (1998), Stat. Med. 17:873–890.",
        ),
        "fisher_exact" => (
            "Fisher's exact test",
            "Prueba exacta de Fisher",
            "Fisher (1922), J. R. Stat. Soc. 85(1):87–94.",
        ),
        "risk_ratio" => (
            "Risk ratio, log-scale Wald interval",
            "Razón de riesgos, intervalo de Wald en escala logarítmica",
            "Katz et al. (1978), Biometrics 34:469–474.",
        ),
        "odds_ratio" => (
            "Odds ratio, log-scale Wald interval",
            "Razón de momios, intervalo de Wald en escala logarítmica",
            "Woolf (1955), Ann. Hum. Genet. 19:251–253.",
        ),
        "chi_square_independence" => (
            "Pearson's χ² test of independence; Cramér's V",
            "Prueba χ² de independencia de Pearson; V de Cramér",
            "Pearson (1900), Phil. Mag. 50:157–175; Cramér (1946), Mathematical Methods of Statistics.",
        ),
        "cluster_robust" => (
            "Cluster-robust test: ordinary least squares with the CR2 standard error and Satterthwaite degrees of freedom. Children of one cluster (centre, school) are alike, so each cluster counts as less than its number of children; CR2 stays honest with few clusters",
            "Prueba robusta a conglomerados: mínimos cuadrados ordinarios con el error estándar CR2 y los grados de libertad de Satterthwaite. Los niños de un mismo conglomerado (centro, escuela) se parecen, así que cada conglomerado cuenta menos que su número de niños; CR2 sigue siendo fiable con pocos conglomerados",
            "Bell & McCaffrey (2002), Survey Methodology 28(2):169–181; Pustejovsky & Tipton (2018), J. Bus. Econ. Stat. 36(4):672–683.",
        ),
        "adjusted" => (
            "Covariate-adjusted model: ordinary least squares with the baseline characteristics named, CR2 (HC2) standard error by participant and Satterthwaite degrees of freedom",
            "Modelo ajustado por covariables: mínimos cuadrados ordinarios con las características de base indicadas, error estándar CR2 (HC2) por participante y grados de libertad de Satterthwaite",
            "Bell & McCaffrey (2002), Survey Methodology 28(2):169–181; Pustejovsky & Tipton (2018), J. Bus. Econ. Stat. 36(4):672–683.",
        ),
        "stuart_maxwell" => (
            "Stuart–Maxwell test of marginal homogeneity",
            "Prueba de homogeneidad marginal de Stuart–Maxwell",
            "Stuart (1955), Biometrika 42:412–416; Maxwell (1970), Br. J. Psychiatry 116:651–655.",
        ),
        _ => return None,
    })
}

fn all_tests(d: &DomainResult) -> impl Iterator<Item = &TestRow> {
    d.tests
        .iter()
        .chain(d.per_level.iter().flat_map(|l| l.tests.iter()))
        .chain(d.transitions.iter().flat_map(|t| t.tests.iter()))
}

/// The methods appendix: its introduction, and per row the test's name, its code
/// in the results (empty for rows that are not tests), what it was used for, and
/// the reference. The HTML and Word reports both draw it.
pub(super) struct Methods {
    pub intro: String,
    pub rows: Vec<[String; 4]>,
}

pub(super) fn methods_data(c: &Cells) -> Methods {
    let es = c.f.lang == super::fmt::Lang::Es;
    let mut used: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    let domains = c
        .report
        .domains
        .iter()
        .chain(c.report.strata.iter().flat_map(|s| s.domains.iter()));
    for d in domains {
        for t in all_tests(d) {
            let what = if t.comparison.starts_with("change") {
                c.w.change
            } else if t.comparison.starts_with("between") {
                c.w.difference
            } else {
                c.w.did
            };
            let e = used.entry(t.method).or_default();
            if !e.contains(&what) {
                e.push(what);
            }
        }
    }
    let conf = c.f.number(Some(c.report.settings.conf_level * 100.0), 0);
    let adjust = match c.report.settings.adjust.name() {
        "holm" => "Holm",
        "bh" => "Benjamini–Hochberg",
        "bonferroni" => "Bonferroni",
        _ => c.w.adjust_none,
    };
    let intro =
        c.w.methods_intro
            .replace("{c}", &conf)
            .replace("{a}", adjust);
    let mut rows = Vec::new();
    for (m, what) in &used {
        let (name, reference) = match method_info(m) {
            Some((en, es_name, r)) => (if es { es_name } else { en }, r),
            None => (*m, ""),
        };
        rows.push([
            name.to_string(),
            m.to_string(),
            what.join(", "),
            reference.to_string(),
        ]);
    }
    rows.push([
        "Wilson".to_string(),
        String::new(),
        c.w.proportions_ci.to_string(),
        "Wilson (1927), JASA 22:209–212.".to_string(),
    ]);
    let adj_ref = match c.report.settings.adjust.name() {
        "holm" => Some("Holm (1979), Scand. J. Stat. 6:65–70."),
        "bh" => Some("Benjamini & Hochberg (1995), J. R. Stat. Soc. B 57:289–300."),
        "bonferroni" => Some("Dunn (1961), JASA 56:52–64."),
        _ => None,
    };
    if let Some(r) = adj_ref {
        rows.push([
            adjust.to_string(),
            String::new(),
            c.w.adjustment.to_string(),
            r.to_string(),
        ]);
    }
    Methods { intro, rows }
}

fn methods(c: &Cells) -> String {
    let m = methods_data(c);
    let mut s = format!(
        "<p>{}</p>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        esc(&m.intro),
        esc(c.w.test),
        esc(c.w.used_for),
        esc(c.w.reference)
    );
    for [name, code, what, reference] in &m.rows {
        let first = if code.is_empty() {
            esc(name)
        } else {
            format!("{} <code>{}</code>", esc(name), esc(code))
        };
        s.push_str(&format!(
            "<tr><td>{first}</td><td>{}</td><td>{}</td></tr>\n",
            esc(what),
            esc(reference)
        ));
    }
    s.push_str("</tbody></table>\n");
    if let Some(g) = super::reliability::grid(c) {
        s.push_str(&format!(
            "<h3>{}</h3>\n{}<p class=\"note\">{}</p>\n",
            esc(super::reliability::title(c)),
            grid_html(&g),
            esc(super::reliability::note(c))
        ));
    }
    s
}

/// Participants per arm seen at both waves, before only, after only (none for a
/// post-only design).
pub(super) fn attrition_grid(c: &Cells) -> Option<Grid> {
    let r = c.report;
    if r.input.design == crate::cohort::Design::PostOnlyControl || r.input.attrition.is_empty() {
        return None;
    }
    Some(Grid {
        header: vec![
            c.w.group.to_string(),
            capitalise(c.w.participants),
            c.w.att_both.to_string(),
            c.w.att_before_only.to_string(),
            c.w.att_after_only.to_string(),
        ],
        rows: r
            .input
            .attrition
            .iter()
            .map(|a| {
                vec![
                    vec![c.arm(a.group).to_string()],
                    vec![c.f.count(a.participants)],
                    vec![c.f.count(a.matched)],
                    vec![c.f.count(a.baseline_only)],
                    vec![c.f.count(a.followup_only)],
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true],
    })
}

/// The files, rows and participants line under the design.
pub(super) fn sample_line(c: &Cells) -> String {
    let r = c.report;
    format!(
        "{} · {} {} · {} {}",
        c.files(),
        c.f.count(r.input.rows),
        c.w.rows,
        c.f.count(r.input.participants),
        c.w.participants
    )
}

fn design(c: &Cells) -> String {
    let (design, _) = c.design_lines();
    let mut s = format!(
        "<p><strong>{}:</strong> {}.</p>\n<p class=\"meta\">{}</p>\n",
        esc(c.w.design),
        esc(&design),
        esc(&sample_line(c))
    );
    if let Some(g) = attrition_grid(c) {
        s.push_str(&grid_html(&g));
    }
    if let Some(line) = super::balance::cluster_line(c) {
        s.push_str(&format!("<p>{}</p>\n", esc(&line)));
    }
    if let Some(g) = super::balance::grid(c) {
        s.push_str(&format!(
            "<h3>{}</h3>\n{}<p class=\"note\">{}</p>\n",
            esc(super::balance::title(c)),
            grid_html(&g),
            esc(super::balance::note(c))
        ));
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Compact strata tables: a note, then per domain its label and the headline
/// estimate per stratum (none without strata).
pub(super) fn strata_grids(c: &Cells) -> Option<(String, Vec<(String, Grid)>)> {
    let r = c.report;
    let first = r.strata.first()?;
    let comparison = headline_comparison(r);
    let note = c.w.strata_note.replace("{col}", &first.column);
    let mut out = Vec::new();
    for d in &r.domains {
        let pct = d.kind != Kind::Continuous;
        let headline = |x: &DomainResult| -> (String, String) {
            let t = if x.kind == Kind::Categorical {
                x.transitions.as_ref().and_then(|t| t.tests.first())
            } else {
                x.primary(&comparison)
            };
            match t {
                Some(t) if t.suppressed => (c.withheld(), String::new()),
                Some(t) if pct => (
                    format!(
                        "{} {}",
                        c.f.points(t.estimate),
                        c.f.interval(t.conf_low, t.conf_high, 100.0, 1)
                    ),
                    c.f.p_value(judged_p(t)),
                ),
                Some(t) => (
                    format!(
                        "{} {}",
                        c.f.signed(t.estimate, 2),
                        c.f.interval(t.conf_low, t.conf_high, 1.0, 2)
                    ),
                    c.f.p_value(judged_p(t)),
                ),
                None => (String::new(), String::new()),
            }
        };
        let mut rows = Vec::new();
        let (e, p) = headline(d);
        rows.push(vec![vec!["Total".to_string()], vec![e], vec![p]]);
        for st in &r.strata {
            if let Some(x) = st.domains.iter().find(|x| x.name == d.name) {
                let (e, p) = headline(x);
                rows.push(vec![vec![st.value.clone()], vec![e], vec![p]]);
            }
        }
        let g = Grid {
            header: vec![
                first.column.clone(),
                c.w.estimate.to_string(),
                "p".to_string(),
            ],
            rows,
            numeric: vec![false, false, false],
        };
        out.push((d.label.clone(), g));
    }
    Some((note, out))
}

fn strata(c: &Cells) -> String {
    let Some((note, grids)) = strata_grids(c) else {
        return String::new();
    };
    let mut s = format!("<p class=\"note\">{}</p>\n", esc(&note));
    for (label, g) in &grids {
        s.push_str(&format!("<h3>{}</h3>\n{}", esc(label), grid_html(g)));
    }
    s
}

/// The whole report as one HTML page.
pub fn render(report: &Report) -> anyhow::Result<String> {
    // Long labels and levels cut for people (docs/warnings.md).
    let readable = super::readable::readable(report);
    let report: &Report = &readable;
    let c = Cells::new(report);
    let lang = if c.f.lang == super::fmt::Lang::Es {
        "es"
    } else {
        "en"
    };
    let title = report.settings.title.as_deref().unwrap_or("evaluate");
    let charts = charts::charts(report);
    let mut svgs: BTreeMap<String, String> = BTreeMap::new();
    for ch in &charts {
        svgs.insert(ch.stem.clone(), charts::to_svg(&ch.scene)?);
    }
    // Domain charts follow the two summary charts in domain order.
    let domain_stems: Vec<&str> = charts
        .iter()
        .map(|c| c.stem.as_str())
        .filter(|s| *s != "overview" && *s != "effects" && !s.ends_with("-visits"))
        .collect();

    let mut s = String::new();
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    ));
    s.push_str(&format!("<header>\n<h1>{}</h1>\n", esc(title)));
    s.push_str(&format!(
        "<nav><ol><li><a href=\"#design\">{}</a></li><li><a href=\"#findings\">{}</a></li><li><a href=\"#charts\">{}</a></li><li><a href=\"#tables\">{}</a></li>{}<li><a href=\"#methods\">{}</a></li><li><a href=\"#warnings\">{}</a></li></ol></nav>\n</header>\n",
        esc(c.w.design_sample),
        esc(c.w.findings),
        esc(c.w.charts),
        esc(c.w.tables),
        if report.strata.is_empty() {
            String::new()
        } else {
            format!("<li><a href=\"#strata\">{}</a></li>", esc(c.w.strata))
        },
        esc(c.w.methods),
        esc(c.w.warnings)
    ));

    s.push_str(&format!(
        "<section id=\"design\">\n<h2>{}</h2>\n{}</section>\n",
        esc(c.w.design_sample),
        design(&c)
    ));

    s.push_str(&format!(
        "<section id=\"findings\">\n<h2>{}</h2>\n<ul class=\"findings\">\n",
        esc(c.w.findings)
    ));
    for f in findings(report) {
        let class = match (f.significant, f.favourable) {
            (true, Some(true)) => "sig good",
            (true, Some(false)) => "sig bad",
            _ => "ns",
        };
        s.push_str(&format!("<li class=\"{class}\">{}</li>\n", esc(&f.text)));
    }
    s.push_str("</ul>\n</section>\n");

    s.push_str(&format!(
        "<section id=\"charts\">\n<h2>{}</h2>\n",
        esc(c.w.charts)
    ));
    for stem in ["overview", "effects"] {
        if let Some(svg) = svgs.get(stem) {
            let label = if stem == "overview" {
                c.w.overview_title
            } else {
                c.w.effects_title
            };
            s.push_str(&inline_svg(svg, label));
        }
    }
    s.push_str("</section>\n");

    s.push_str(&format!(
        "<section id=\"tables\">\n<h2>{}</h2>\n",
        esc(c.w.tables)
    ));
    for (i, d) in report.domains.iter().enumerate() {
        s.push_str(&format!(
            "<div class=\"domain\">\n<h3>{} <small class=\"note\">({})</small></h3>\n",
            esc(&d.label),
            esc(&c.kind_note(d))
        ));
        if let Some(svg) = domain_stems.get(i).and_then(|stem| svgs.get(*stem)) {
            s.push_str(&inline_svg(svg, &d.label));
        }
        s.push_str(&grid_html(&c.domain_grid(d)));
        if let Some(g) = super::visits::grid(&c, d) {
            s.push_str(&format!("<h4>{}</h4>\n", esc(super::visits::title(&c))));
            let stem = domain_stems.get(i).map(|st| format!("{st}-visits"));
            if let Some(svg) = stem.and_then(|st| svgs.get(&st)) {
                s.push_str(&inline_svg(svg, &d.label));
            }
            s.push_str(&format!(
                "<div class=\"visits\">{}</div><p class=\"note\">{}</p>\n",
                grid_html(&g),
                esc(&super::visits::note(&c))
            ));
        }
        s.push_str("</div>\n");
    }
    s.push_str("<div class=\"legend\">\n");
    for l in c.legend() {
        s.push_str(&format!("<p>{}</p>\n", esc(&l)));
    }
    s.push_str("</div>\n</section>\n");

    if !report.strata.is_empty() {
        s.push_str(&format!(
            "<section id=\"strata\">\n<h2>{}</h2>\n{}</section>\n",
            esc(c.w.strata),
            strata(&c)
        ));
    }

    if let Some(p) = super::planning::planning(report) {
        s.push_str(&format!(
            "<section id=\"planning\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n{}<ul class=\"findings\">\n",
            esc(p.title),
            esc(&p.intro),
            grid_html(&p.grid)
        ));
        for l in &p.sentences {
            s.push_str(&format!("<li class=\"ns\">{}</li>\n", esc(l)));
        }
        s.push_str(&format!(
            "</ul>\n<p class=\"legend\">{}</p>\n</section>\n",
            esc(p.assumptions)
        ));
    }
    s.push_str(&format!(
        "<section id=\"methods\">\n<h2>{}</h2>\n{}</section>\n",
        esc(c.w.methods),
        methods(&c)
    ));

    s.push_str(&format!(
        "<section id=\"warnings\">\n<h2>{}</h2>\n",
        esc(c.w.warnings)
    ));
    if report.warnings.is_empty() {
        s.push_str(&format!("<p>{}</p>\n", esc(c.w.no_warnings)));
    } else {
        s.push_str("<ul>\n");
        for l in super::warnings::lines(&report.warnings, &report.settings.lang) {
            match &l.domain {
                Some(d) => s.push_str(&format!(
                    "<li><strong>{}</strong>: {}</li>\n",
                    esc(d),
                    esc(&l.text)
                )),
                None => s.push_str(&format!("<li>{}</li>\n", esc(&l.text))),
            }
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    s.push_str(&format!(
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        esc(&c
            .w
            .report_generated
            .replace("{v}", env!("CARGO_PKG_VERSION")))
    ));
    Ok(s)
}
