//! `effects`: a forest plot of each domain's headline estimate (difference in
//! differences, or between arms, or change) with its CI. Proportions in percentage
//! points; scores standardised by the pooled baseline SD. A line at zero; filled
//! markers are significant at the adjusted level.

use super::Ctx;
use super::style::*;
use crate::cohort::{Design, Kind, Wave};
use crate::output::findings::{
    favourable, headline_comparison, is_significant, pooled_sd, single_wave,
};
use crate::results::{DomainResult, TestRow};

/// One row of the plot, already on its section's scale.
struct Row {
    label: String,
    /// None when withheld (`--min-cell`): the row has its label and "<5" only.
    estimate: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    text: String,
    significant: bool,
    favourable: Option<bool>,
}

fn row(
    ctx: &Ctx,
    d: &DomainResult,
    label: String,
    t: &TestRow,
    scale: f64,
    pct: bool,
) -> Option<Row> {
    if t.suppressed {
        return Some(Row {
            label,
            estimate: None,
            low: None,
            high: None,
            text: format!("{} · {}", ctx.withheld(), ctx.w.withheld),
            significant: false,
            favourable: None,
        });
    }
    if crate::output::untestable::is_untestable(t) {
        // No point at an estimate that cannot be tested (issue 21): the row says so.
        return Some(Row {
            label,
            estimate: None,
            low: None,
            high: None,
            text: crate::output::untestable::short(ctx.f.lang).to_string(),
            significant: false,
            favourable: None,
        });
    }
    let e = t.estimate? * scale;
    let text = if pct {
        format!(
            "{} {} · {}",
            ctx.f.points(t.estimate),
            ctx.f.interval(t.conf_low, t.conf_high, 100.0, 1),
            ctx.p_short(t)
        )
    } else {
        format!(
            "{} {} {} · {}",
            ctx.f.signed(Some(e), 2),
            ctx.w.sd_unit,
            ctx.f.interval(t.conf_low, t.conf_high, scale, 2),
            ctx.p_short(t)
        )
    };
    Some(Row {
        label,
        estimate: Some(e),
        low: t.conf_low.map(|v| v * scale),
        high: t.conf_high.map(|v| v * scale),
        text,
        significant: is_significant(t),
        favourable: favourable(d, t.estimate),
    })
}

fn rows(ctx: &Ctx) -> (Vec<Row>, Vec<Row>) {
    let comparison = headline_comparison(ctx.report);
    let base_wave = match ctx.report.input.design {
        Design::PostOnlyControl => single_wave(ctx.report),
        _ => Wave::Pre,
    };
    let (mut pp, mut sd) = (Vec::new(), Vec::new());
    for d in &ctx.report.domains {
        match d.kind {
            Kind::Binary => {
                if let Some(r) = d
                    .primary(&comparison)
                    .and_then(|t| row(ctx, d, d.label.clone(), t, 100.0, true))
                {
                    pp.push(r);
                }
            }
            Kind::Continuous => {
                let Some(s) = pooled_sd(d, base_wave) else {
                    continue;
                };
                if let Some(r) = d
                    .primary(&comparison)
                    .and_then(|t| row(ctx, d, d.label.clone(), t, 1.0 / s, false))
                {
                    sd.push(r);
                }
            }
            Kind::Categorical => {
                let t = d
                    .transitions
                    .as_ref()
                    .and_then(|tr| tr.tests.iter().find(|t| t.primary).or(tr.tests.first()));
                if let Some(r) = t.and_then(|t| {
                    let label = format!("{} · {}", d.label, ctx.w.improved);
                    row(ctx, d, label, t, 100.0, true)
                }) {
                    pp.push(r);
                }
            }
        }
    }
    (pp, sd)
}

/// One section: heading, rows, axis. Returns the y below it.
fn section(ctx: &Ctx, s: &mut Scene, mut y: f64, heading: &str, rows: &[Row], unit: &str) -> f64 {
    let width = s.width;
    y = s.paragraph(MARGIN, y, heading, BODY, true, MUTED, width - 2.0 * MARGIN) + 6.0;
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for r in rows {
        let Some(e) = r.estimate else {
            continue;
        };
        lo = lo.min(r.low.unwrap_or(e)).min(e);
        hi = hi.max(r.high.unwrap_or(e)).max(e);
    }
    let ticks = nice_ticks(lo, hi, 5);
    let (t0, t1) = (
        ticks.first().copied().unwrap_or(lo),
        ticks.last().copied().unwrap_or(hi),
    );
    let (t0, t1) = if t1 > t0 {
        (t0, t1)
    } else {
        (t0 - 1.0, t0 + 1.0)
    };
    // Half a tick label of room at either end of the axis.
    let pad = text_width("-00", SMALL, false) / 2.0 + 4.0;
    let left = MARGIN + pad;
    let right = width - MARGIN - pad;
    let x = |v: f64| left + (v - t0) / (t1 - t0) * (right - left);
    let top = y;
    let grid_at = s.shapes.len();
    for r in rows {
        let label = fit(&r.label, BODY, false, width - 2.0 * MARGIN);
        let lw = text_width(&label, BODY, false);
        let tw = text_width(&r.text, SMALL, false);
        let lh = line_height(BODY);
        s.text_on_white(MARGIN, y + lh / 2.0, label, BODY, false, INK, Align::Left);
        if lw + tw + 16.0 <= width - 2.0 * MARGIN {
            s.text_on_white(
                width - MARGIN,
                y + lh / 2.0,
                r.text.clone(),
                SMALL,
                false,
                MUTED,
                Align::Right,
            );
            y += lh;
        } else {
            y += lh;
            let sl = line_height(SMALL);
            s.text_on_white(
                width - MARGIN,
                y + sl / 2.0,
                r.text.clone(),
                SMALL,
                false,
                MUTED,
                Align::Right,
            );
            y += sl;
        }
        let mid = y + 9.0;
        let colour = match r.favourable {
            Some(true) => BLUE,
            Some(false) => VERMILLION,
            None => MUTED,
        };
        if let (Some(a), Some(b)) = (r.low, r.high) {
            s.hwhisker(x(a), x(b), mid, 5.0, colour);
        }
        if let Some(e) = r.estimate {
            s.circle(x(e), mid, 5.5, colour, r.significant);
        }
        y += 24.0;
    }
    let mut grid = Scene::new(width);
    for &t in &ticks {
        let colour = if t == 0.0 { INK } else { GRID };
        let w = if t == 0.0 { 1.5 } else { 1.0 };
        grid.line(vec![(x(t), top + line_height(BODY)), (x(t), y)], colour, w);
    }
    s.shapes.splice(grid_at..grid_at, grid.shapes);
    for &t in &ticks {
        let dec = if ticks.iter().all(|v| v.fract() == 0.0) {
            0
        } else {
            2
        };
        s.text(
            x(t),
            y + 10.0,
            ctx.f.number(Some(t), dec),
            SMALL,
            false,
            MUTED,
            Align::Center,
        );
    }
    y += 10.0 + line_height(SMALL);
    if !unit.is_empty() {
        s.text(
            width / 2.0,
            y + 4.0,
            unit.to_string(),
            SMALL,
            false,
            MUTED,
            Align::Center,
        );
        y += line_height(SMALL);
    }
    y + 14.0
}

pub fn scene(ctx: &Ctx) -> Option<Scene> {
    let (pp, sd) = rows(ctx);
    if pp.is_empty() && sd.is_empty() {
        return None;
    }
    let title = match ctx.report.input.design {
        Design::PrePostControl => ctx.w.effects_title,
        Design::PostOnlyControl => ctx.w.effects_title_between,
        Design::PrePost => ctx.w.effects_title_change,
    };
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, title, ctx.subtitle());
    if !pp.is_empty() {
        y = section(ctx, &mut s, y, ctx.w.axis_pp, &pp, "pp");
    }
    if !sd.is_empty() {
        y = section(ctx, &mut s, y, ctx.w.axis_sd, &sd, ctx.w.sd_unit);
    }
    let mut forest = ctx.w.caption_forest.replace("{c}", &ctx.conf());
    if ctx.report.settings.adjust.name() == "none" {
        // `--adjust none`: filled means p < 0.05, with no adjustment to speak of.
        for (adjusted, plain) in [
            ("adjusted p", "p"),
            (" after adjustment", ""),
            ("p ajustado", "p"),
            (" tras el ajuste", ""),
        ] {
            forest = forest.replace(adjusted, plain);
        }
    }
    let mut lines = vec![forest];
    lines.push(match ctx.report.input.design {
        Design::PrePostControl => ctx.w.caption_did.to_string(),
        Design::PostOnlyControl => ctx.w.caption_between.to_string(),
        Design::PrePost => ctx.w.caption_change.to_string(),
    });
    if !sd.is_empty() {
        lines.push(if ctx.report.input.design == Design::PostOnlyControl {
            ctx.w.caption_standardised_between.to_string()
        } else {
            ctx.w.caption_standardised.to_string()
        });
    }
    let marker = ctx.withheld();
    let any = pp.iter().chain(&sd).any(|r| r.text.starts_with(&marker));
    lines.extend(ctx.withheld_note(any));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y - 8.0, &lines);
    Some(s)
}
