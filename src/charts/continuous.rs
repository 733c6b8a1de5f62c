//! A continuous domain: the mean before and after in each arm, with CIs, joined by
//! a line per arm, the mean printed beside each point.

use super::Ctx;
use super::style::*;
use crate::cohort::Arm;
use crate::output::fmt::decimals_for;
use crate::privacy::row_withheld;
use crate::results::{DomainResult, SummaryStats};

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn arm_colour(arm: Arm) -> Rgb {
    match arm {
        Arm::Intervention => PROGRAM,
        Arm::Control => CONTROL,
    }
}

/// Spread label centres (sorted by y) so that neighbours are at least `gap` apart.
pub fn spread(ys: &mut [(f64, usize)], gap: f64) {
    ys.sort_by(|a, b| a.0.total_cmp(&b.0));
    for _ in 0..ys.len() {
        let mut moved = false;
        for i in 1..ys.len() {
            let d = ys[i].0 - ys[i - 1].0;
            if d < gap {
                let push = (gap - d) / 2.0;
                ys[i - 1].0 -= push;
                ys[i].0 += push;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// The value axis over points (value, CI low, CI high), padded by 8 %: its first
/// and last tick and the ticks.
pub fn value_axis(
    pts: impl Iterator<Item = (f64, Option<f64>, Option<f64>)>,
) -> (f64, f64, Vec<f64>) {
    let (lo, hi) = extent(pts);
    let (lo, hi) = if lo.is_finite() && hi > lo {
        let pad = (hi - lo) * 0.08;
        (lo - pad, hi + pad)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    axis(lo, hi, 5)
}

/// The lowest and highest of the points and their intervals (∞, −∞ when none).
fn extent(pts: impl Iterator<Item = (f64, Option<f64>, Option<f64>)>) -> (f64, f64) {
    pts.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
        (lo.min(p.1.unwrap_or(p.0)), hi.max(p.2.unwrap_or(p.0)))
    })
}

fn axis(lo: f64, hi: f64, target: usize) -> (f64, f64, Vec<f64>) {
    let ticks = nice_ticks(lo, hi, target);
    (
        ticks.first().copied().unwrap_or(lo),
        ticks.last().copied().unwrap_or(hi),
        ticks,
    )
}

/// The range a continuous domain's values can take, when known: the spec's
/// (`DomainResult::range`: a scale's items, ±3 SD for z-scores), else a rating's
/// observed range — whole-number minimum 0 or 1 and maximum at most 10 above it,
/// as a 1–5 item or a 0–10 score (docs/charts.md).
pub fn known_range(d: &DomainResult) -> Option<(f64, f64)> {
    if d.range.is_some() {
        return d.range;
    }
    let (lo, hi) = d
        .summary
        .iter()
        .filter(|r| !row_withheld(r))
        .filter_map(|r| match r.stats {
            SummaryStats::Continuous {
                min: Some(a),
                max: Some(b),
                ..
            } => Some((a, b)),
            _ => None,
        })
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
            (lo.min(a), hi.max(b))
        });
    let whole = |v: f64| v.is_finite() && v.fract() == 0.0;
    (whole(lo) && whole(hi) && (lo == 0.0 || lo == 1.0) && hi > lo && hi - lo <= 10.0)
        .then_some((lo, hi))
}

/// The value axis of a continuous domain's means (docs/charts.md): from the
/// range its values can take (`known_range`), widened to hold every point and
/// interval; without a known range, the points padded by 8 % (`value_axis`).
pub fn domain_axis(
    d: &DomainResult,
    pts: impl Iterator<Item = (f64, Option<f64>, Option<f64>)>,
) -> (f64, f64, Vec<f64>) {
    match known_range(d) {
        Some((a, b)) => {
            let (lo, hi) = extent(pts);
            axis(a.min(lo), b.max(hi), 6)
        }
        None => value_axis(pts),
    }
}

pub fn scene(ctx: &Ctx, d: &DomainResult) -> Scene {
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, &d.label, ctx.subtitle());
    let legend_items: Vec<(String, Rgb)> = ctx
        .arms()
        .into_iter()
        .map(|a| (ctx.arm(a).to_string(), arm_colour(a)))
        .collect();
    y = legend(&mut s, y, &legend_items);

    let sd = d.summary.iter().find_map(|r| match r.stats {
        SummaryStats::Continuous { sd, .. } => sd,
        _ => None,
    });
    let dec = decimals_for(sd);
    let waves = ctx.waves();
    let arms = ctx.arms();
    // (arm, wave index, mean, low, high)
    let mut pts = Vec::new();
    for &arm in &arms {
        for (wi, &w) in waves.iter().enumerate() {
            if let Some(SummaryStats::Continuous {
                mean: Some(m),
                conf_low,
                conf_high,
                ..
            }) = d.summary_of(arm, w).map(|r| &r.stats)
            {
                pts.push((arm, wi, *m, *conf_low, *conf_high));
            }
        }
    }
    let (t0, t1, ticks) = domain_axis(d, pts.iter().map(|p| (p.2, p.3, p.4)));
    let tick_dec = if ticks.iter().all(|t| t.fract() == 0.0) {
        0
    } else {
        dec.max(1)
    };
    let axis_w = ticks
        .iter()
        .map(|t| text_width(&ctx.f.number(Some(*t), tick_dec), SMALL, false))
        .fold(0.0, f64::max)
        + 10.0;
    let left = MARGIN + axis_w;
    let right = WIDTH - MARGIN;
    let top = y + 34.0;
    let bottom = top + 250.0;
    let yv = |v: f64| bottom - (v - t0) / (t1 - t0) * (bottom - top);
    s.text(
        MARGIN,
        y + 6.0,
        ctx.mean_axis(d),
        SMALL,
        false,
        MUTED,
        Align::Left,
    );
    for &t in &ticks {
        s.line(vec![(left, yv(t)), (right, yv(t))], GRID, 1.0);
        s.text(
            left - 8.0,
            yv(t),
            ctx.f.number(Some(t), tick_dec),
            SMALL,
            false,
            MUTED,
            Align::Right,
        );
    }
    // Wave positions: with two waves, at 30 % and 70 % of the plot; labels outside.
    let xw = |wi: usize| {
        if waves.len() == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * (0.3 + 0.4 * wi as f64 / (waves.len() - 1) as f64)
        }
    };
    let dodge = |arm: Arm| {
        let k = if waves.len() == 1 { 40.0 } else { 9.0 };
        match (arm, arms.len()) {
            (_, 1) => 0.0,
            (Arm::Intervention, _) => -k,
            (Arm::Control, _) => k,
        }
    };
    for &arm in &arms {
        let line: Vec<(f64, f64)> = pts
            .iter()
            .filter(|p| p.0 == arm)
            .map(|p| (xw(p.1) + dodge(arm), yv(p.2)))
            .collect();
        if line.len() > 1 {
            s.line(line, arm_colour(arm), 2.5);
        }
    }
    for p in &pts {
        let x = xw(p.1) + dodge(p.0);
        if let (Some(a), Some(b)) = (p.3, p.4) {
            s.vwhisker(x, yv(a), yv(b), 5.0, arm_colour(p.0));
        }
        s.circle(x, yv(p.2), 5.5, arm_colour(p.0), true);
    }
    // Labels: left of the first wave, right of the last, spread apart.
    for (wi, _) in waves.iter().enumerate() {
        let mut ys: Vec<(f64, usize)> = pts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.1 == wi)
            .map(|(i, p)| (yv(p.2), i))
            .collect();
        spread(&mut ys, line_height(SMALL) + 2.0);
        for (ly, i) in ys {
            let p = pts[i];
            let x = xw(wi) + dodge(p.0);
            let text = ctx.f.number(Some(p.2), dec);
            let (lx, align) = if wi == 0 && waves.len() > 1 {
                (xw(wi) - 9.0 - 18.0, Align::Right)
            } else if waves.len() == 1 {
                (x + 12.0, Align::Left)
            } else {
                (xw(wi) + 9.0 + 18.0, Align::Left)
            };
            s.text(lx, ly, text, SMALL, true, arm_colour(p.0), align);
        }
    }
    for (wi, &w) in waves.iter().enumerate() {
        s.text(
            xw(wi),
            bottom + 16.0,
            ctx.wave(w),
            BODY,
            false,
            INK,
            Align::Center,
        );
    }
    let y = bottom + 16.0 + line_height(BODY);
    let mut lines = vec![ctx.w.caption_means.replace("{c}", &ctx.conf())];
    lines.push(ctx.n_line(d));
    // Withheld means (`--min-cell`) are not drawn; say which.
    let withheld: Vec<String> = arms
        .iter()
        .flat_map(|&a| waves.iter().map(move |&w| (a, w)))
        .filter(|&(a, w)| d.summary_of(a, w).is_some_and(row_withheld))
        .map(|(a, w)| format!("{} {}", ctx.arm(a), ctx.wave(w).to_lowercase()))
        .collect();
    if !withheld.is_empty() {
        lines.push(format!(
            "{} ({}): {}.",
            capitalise(ctx.w.withheld),
            ctx.withheld(),
            withheld.join(", ")
        ));
    }
    lines.extend(ctx.test_lines(d, false, dec));
    let any_test = d.tests.iter().any(|t| t.suppressed);
    lines.extend(ctx.withheld_note(!withheld.is_empty() || any_test));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y, &lines);
    s
}
