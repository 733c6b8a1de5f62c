//! A binary domain: percentage with each outcome, program vs control, before and
//! after, as bars with CI whiskers and the percentage above each bar.

use super::Ctx;
use super::overview::{arm_wave_legend, bar_colour};
use super::style::*;
use crate::output::fmt::Lang;
use crate::privacy::row_withheld;
use crate::results::{DomainResult, SummaryRow, SummaryStats};

/// Vertical bars for rows of binary summaries (shared with per-level charts).
/// Returns the y below the axis labels, and whether a bar is withheld.
pub fn bars(ctx: &Ctx, s: &mut Scene, y: f64, summary: &[SummaryRow]) -> (f64, bool) {
    let mut any_withheld = false;
    let waves = ctx.waves();
    let arms = ctx.arms();
    let two = waves.len() == 2;
    let axis_w = text_width("100 %", SMALL, false) + 10.0;
    let left = MARGIN + axis_w;
    let right = s.width - MARGIN;
    let top = y + 26.0; // room for the labels above a bar at 100 %
    let bottom = top + 250.0;
    let yv = |p: f64| bottom - p.clamp(0.0, 1.0) * (bottom - top);
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let colour = if t == 0.0 { AXIS } else { GRID };
        s.line(vec![(left, yv(t)), (right, yv(t))], colour, 1.0);
        let pct = if ctx.f.lang == Lang::Es { " %" } else { "%" };
        let label = ctx.f.number(Some(t * 100.0), 0) + pct;
        s.text(left - 8.0, yv(t), label, SMALL, false, MUTED, Align::Right);
    }
    let group_w = (right - left) / waves.len() as f64;
    let bar_w = (group_w * 0.7 / arms.len() as f64).min(84.0);
    let inner = 10.0;
    for (wi, &w) in waves.iter().enumerate() {
        let centre = left + group_w * (wi as f64 + 0.5);
        let total = bar_w * arms.len() as f64 + inner * (arms.len() as f64 - 1.0);
        for (ai, &arm) in arms.iter().enumerate() {
            let x0 = centre - total / 2.0 + ai as f64 * (bar_w + inner);
            let xm = x0 + bar_w / 2.0;
            let row = summary.iter().find(|r| r.group == arm && r.wave == w);
            if row.is_some_and(row_withheld) {
                any_withheld = true;
                s.hatched(x0, yv(1.0), x0 + bar_w, yv(0.0), HATCH);
                s.text(
                    xm,
                    yv(1.0) - 12.0,
                    ctx.withheld(),
                    SMALL,
                    true,
                    INK,
                    Align::Center,
                );
                continue;
            }
            let Some(SummaryStats::Binary {
                proportion,
                conf_low,
                conf_high,
                ..
            }) = summary
                .iter()
                .find(|r| r.group == arm && r.wave == w)
                .map(|r| &r.stats)
            else {
                continue;
            };
            let p = proportion.unwrap_or(0.0);
            s.rect(x0, yv(p), x0 + bar_w, yv(0.0), bar_colour(arm, w, two));
            let mut top_of = yv(p);
            if let (Some(lo), Some(hi)) = (conf_low, conf_high) {
                s.vwhisker(xm, yv(*lo), yv(*hi), 6.0, INK);
                top_of = top_of.min(yv(*hi));
            }
            s.text(
                xm,
                top_of - 12.0,
                ctx.f.percent(*proportion),
                SMALL,
                true,
                INK,
                Align::Center,
            );
        }
        s.text(
            centre,
            bottom + 16.0,
            ctx.wave(w),
            BODY,
            false,
            INK,
            Align::Center,
        );
    }
    (bottom + 16.0 + line_height(BODY), any_withheld)
}

pub fn scene(ctx: &Ctx, d: &DomainResult) -> Scene {
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, &d.label, ctx.subtitle());
    y = legend_groups(&mut s, y, &arm_wave_legend(ctx));
    let (y, any_withheld) = bars(ctx, &mut s, y, &d.summary);
    let mut lines = vec![ctx.w.caption_bars.replace("{c}", &ctx.conf())];
    lines.push(ctx.n_line(d));
    lines.extend(ctx.test_lines(d, true, 1));
    let any_test = d.tests.iter().any(|t| t.suppressed);
    lines.extend(ctx.withheld_note(any_withheld || any_test));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y, &lines);
    s
}
