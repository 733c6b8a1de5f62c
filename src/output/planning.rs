//! The "Planning the next round" block (`--power`, contract §11), shared by the
//! table, Markdown and the HTML report: a grid with one row per domain, the
//! plain-language plan and the assumptions.

use super::findings::planning_findings;
use super::fmt::{DASH, Fmt, Lang};
use super::grid::{Grid, domain_decimals};
use super::i18n::plan_words;
use crate::cohort::Kind;
use crate::results::Report;

/// The block's parts, in the report's language.
pub struct Planning {
    pub title: &'static str,
    pub intro: String,
    pub grid: Grid,
    pub sentences: Vec<String>,
    pub assumptions: &'static str,
}

/// The block, when the report has a plan (`--power`).
pub fn planning(report: &Report) -> Option<Planning> {
    let rows = report.power.as_ref().filter(|r| !r.is_empty())?;
    let lang = Lang::from_code(&report.settings.lang);
    let (f, w) = (Fmt::new(lang), plan_words(lang));
    let header = [
        w.domain,
        w.observed,
        w.mde,
        w.needed,
        w.enrol,
        w.sd,
        w.correlation,
        w.attrition,
        w.design_effect,
    ];
    let mut grid = Grid {
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        numeric: (0..header.len()).map(|i| i > 0).collect(),
    };
    for r in rows {
        let d = report.domains.iter().find(|d| d.name == r.domain);
        let label = d.map_or(r.domain.clone(), |d| d.label.clone());
        let effect = |v: Option<f64>, signed: bool| match r.kind {
            Kind::Binary if signed => f.points(v),
            Kind::Binary => v.map_or(DASH.to_string(), |v| {
                format!("{} pp", f.number(Some(v * 100.0), 1))
            }),
            _ => {
                let dec = d.map_or(2, domain_decimals);
                if signed {
                    f.signed(v, dec)
                } else {
                    f.number(v, dec)
                }
            }
        };
        let cells = [
            label,
            effect(r.observed_effect, true),
            effect(r.mde, false),
            f.number(r.n_per_arm_needed, 1),
            r.n_enrol_per_arm
                .map_or(DASH.to_string(), |n| f.count(n as usize)),
            f.number(r.sd, d.map_or(2, domain_decimals)),
            f.number(r.correlation, 2),
            f.percent(r.attrition),
            f.number(Some(r.design_effect), 2),
        ];
        grid.rows.push(cells.into_iter().map(|c| vec![c]).collect());
    }
    let power = f.number(
        Some(rows.first().map_or(0.8, |r| r.target_power) * 100.0),
        0,
    );
    let alpha = f.number(Some(rows.first().map_or(0.05, |r| r.alpha)), 2);
    Some(Planning {
        title: w.title,
        intro: w
            .intro
            .replace("{power}", &power)
            .replace("{alpha}", &alpha),
        grid,
        sentences: planning_findings(report),
        assumptions: w.assumptions,
    })
}
