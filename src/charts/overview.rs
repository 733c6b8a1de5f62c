//! `overview`: every binary domain, program vs control, before and after: bars with
//! CI whiskers and the percentage printed beside each bar.

use super::Ctx;
use super::style::*;
use crate::cohort::{Arm, Design, Kind, Wave};
use crate::output::findings::headline_comparison;
use crate::privacy::row_withheld;
use crate::results::{DomainResult, SummaryStats};

/// The fill of an arm at a wave: the arm's colour, lighter before.
pub fn bar_colour(arm: Arm, wave: Wave, two_waves: bool) -> Rgb {
    let base = match arm {
        Arm::Intervention => PROGRAM,
        Arm::Control => CONTROL,
    };
    if two_waves && wave == Wave::Pre {
        base.tint(BEFORE_TINT)
    } else {
        base
    }
}

/// The word for the headline comparison: "Effect", "Difference" or "Change".
pub fn headline_word(ctx: &Ctx) -> &'static str {
    match ctx.report.input.design {
        Design::PrePostControl => ctx.w.effect,
        Design::PostOnlyControl => ctx.w.difference,
        Design::PrePost => ctx.w.change,
    }
}

/// "Effect +31.0 pp · p < 0.001" for a binary-like domain.
pub fn headline_text(ctx: &Ctx, d: &DomainResult) -> String {
    match d.primary(&headline_comparison(ctx.report)) {
        Some(t) if t.suppressed => format!("{} {}", headline_word(ctx), ctx.withheld()),
        Some(t) => format!(
            "{} {} · {}",
            headline_word(ctx),
            ctx.f.points(t.estimate),
            ctx.p_short(t)
        ),
        None => String::new(),
    }
}

/// The legend of arms × waves, grouped by arm: "Program ■ before ■ after".
pub fn arm_wave_legend(ctx: &Ctx) -> Vec<(String, Vec<(String, Rgb)>)> {
    let waves = ctx.waves();
    let two = waves.len() == 2;
    ctx.arms()
        .into_iter()
        .map(|arm| {
            if two {
                let items = waves
                    .iter()
                    .map(|&w| (ctx.wave(w).to_lowercase(), bar_colour(arm, w, two)))
                    .collect();
                (ctx.arm(arm), items)
            } else {
                (
                    String::new(),
                    vec![(ctx.arm(arm), bar_colour(arm, waves[0], two))],
                )
            }
        })
        .collect()
}

pub fn scene(ctx: &Ctx) -> Option<Scene> {
    let domains: Vec<&DomainResult> = ctx
        .report
        .domains
        .iter()
        .filter(|d| d.kind == Kind::Binary)
        .collect();
    if domains.is_empty() {
        return None;
    }
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, ctx.w.overview_title, ctx.subtitle());
    y = legend_groups(&mut s, y, &arm_wave_legend(ctx));

    let waves = ctx.waves();
    let two = waves.len() == 2;
    let reserve = text_width("100.0 %", SMALL, false) + 10.0;
    let left = MARGIN;
    let right = WIDTH - MARGIN - reserve;
    let x = |p: f64| left + p.clamp(0.0, 1.0) * (right - left);
    let bar = 16.0;
    let gap = 4.0;
    let grid_at = s.shapes.len();
    let mut blocks: Vec<(f64, f64)> = Vec::new();
    let mut ns: Vec<usize> = Vec::new();
    let mut any_withheld = false;

    for d in &domains {
        // Row heading: label, and the headline estimate on the right (or below).
        let stat = headline_text(ctx, d);
        let label = fit(&d.label, BODY, true, WIDTH - 2.0 * MARGIN);
        let lw = text_width(&label, BODY, true);
        let sw = text_width(&stat, SMALL, false);
        let lh = line_height(BODY);
        s.text(MARGIN, y + lh / 2.0, label, BODY, true, INK, Align::Left);
        if lw + sw + 16.0 <= WIDTH - 2.0 * MARGIN {
            s.text(
                WIDTH - MARGIN,
                y + lh / 2.0,
                stat,
                SMALL,
                false,
                MUTED,
                Align::Right,
            );
            y += lh + 4.0;
        } else {
            y += lh;
            let sl = line_height(SMALL);
            s.text(MARGIN, y + sl / 2.0, stat, SMALL, false, MUTED, Align::Left);
            y += sl + 4.0;
        }
        let block_top = y - 2.0;
        for arm in ctx.arms() {
            for &w in &waves {
                let Some(row) = d.summary_of(arm, w) else {
                    continue;
                };
                ns.push(row.n);
                let mid = y + bar / 2.0;
                if row_withheld(row) {
                    any_withheld = true;
                    s.hatched(x(0.0), y, x(1.0), y + bar, HATCH);
                    s.text_on_white(
                        x(0.0) + 6.0,
                        mid,
                        format!("{} · {}", ctx.withheld(), ctx.w.withheld),
                        SMALL,
                        false,
                        INK,
                        Align::Left,
                    );
                    y += bar + gap;
                    continue;
                }
                let SummaryStats::Binary {
                    proportion,
                    conf_low,
                    conf_high,
                    ..
                } = row.stats
                else {
                    continue;
                };
                let p = proportion.unwrap_or(0.0);
                s.rect(x(0.0), y, x(p), y + bar, bar_colour(arm, w, two));
                let mut end = x(p);
                if let (Some(lo), Some(hi)) = (conf_low, conf_high) {
                    s.hwhisker(x(lo), x(hi), mid, 4.0, INK);
                    end = end.max(x(hi));
                }
                s.text(
                    end + 6.0,
                    mid,
                    ctx.f.percent(proportion),
                    SMALL,
                    false,
                    INK,
                    Align::Left,
                );
                y += bar + gap;
            }
            y += 4.0;
        }
        blocks.push((block_top, y - 2.0));
        y += 10.0;
    }

    // Grid behind the bars, ticks below.
    let mut grid = Scene::new(WIDTH);
    for &(b0, b1) in &blocks {
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let colour = if t == 0.0 { AXIS } else { GRID };
            grid.line(vec![(x(t), b0), (x(t), b1)], colour, 1.0);
        }
    }
    s.shapes.splice(grid_at..grid_at, grid.shapes);
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let label = ctx.f.number(Some(t * 100.0), 0)
            + if ctx.f.lang == crate::output::fmt::Lang::Es {
                " %"
            } else {
                "%"
            };
        let align = if t == 0.0 { Align::Left } else { Align::Center };
        s.text(x(t), y + 2.0, label, SMALL, false, MUTED, align);
    }
    y += 12.0;

    let n = match (ns.iter().min(), ns.iter().max()) {
        (Some(a), Some(b)) if a == b => ctx.f.count(*a),
        (Some(a), Some(b)) => format!("{}–{}", ctx.f.count(*a), ctx.f.count(*b)),
        _ => String::new(),
    };
    let mut lines = vec![ctx.w.caption_bars.replace("{c}", &ctx.conf())];
    lines.push(match ctx.report.input.design {
        Design::PrePostControl => ctx.w.caption_did.to_string(),
        Design::PostOnlyControl => ctx.w.caption_between.to_string(),
        Design::PrePost => ctx.w.caption_change.to_string(),
    });
    lines.push(ctx.w.n_range.replace("{n}", &n));
    lines.extend(ctx.withheld_note(any_withheld));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y, &lines);
    Some(s)
}
