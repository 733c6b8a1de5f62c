//! Repeated visits (contract §9): a line chart per domain of each arm's mean (or
//! percentage) with its CI at every visit, x the visits' times labelled with the
//! visits' names, and the trends in the caption.

use super::Ctx;
use super::continuous::spread;
use super::style::*;
use crate::cohort::{Arm, Kind};
use crate::output::fmt::Lang;
use crate::output::grid::domain_decimals;
use crate::output::visits::{per_unit, visits};
use crate::results::{DomainResult, SummaryStats, TestRow};

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

struct Words {
    y_pct: &'static str,
    caption_pct: &'static str,
    caption_mean: &'static str,
    trend: &'static str,
    difference: &'static str,
    across: &'static str,
}

const EN: Words = Words {
    y_pct: "Percentage ({c}% CI)",
    caption_pct: "Points: percentage at each visit with its {c}% confidence interval; lines join the visits.",
    caption_mean: "Points: mean at each visit with its {c}% confidence interval; lines join the visits.",
    trend: "Trend {per}",
    difference: "difference",
    across: "Across visits",
};

const ES: Words = Words {
    y_pct: "Porcentaje (IC {c} %)",
    caption_pct: "Puntos: porcentaje en cada visita con su intervalo de confianza del {c} %; las líneas unen las visitas.",
    caption_mean: "Puntos: media en cada visita con su intervalo de confianza del {c} %; las líneas unen las visitas.",
    trend: "Tendencia {per}",
    difference: "diferencia",
    across: "Entre visitas",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// (mean or proportion, CI low, CI high) of an arm at a visit, when shown.
fn point(
    d: &DomainResult,
    arm: Arm,
    w: crate::cohort::Wave,
) -> Option<(f64, Option<f64>, Option<f64>)> {
    let row = d
        .summary_of(arm, w)
        .filter(|r| !crate::privacy::row_withheld(r))?;
    match row.stats {
        SummaryStats::Continuous {
            mean: Some(m),
            conf_low,
            conf_high,
            ..
        } => Some((m, conf_low, conf_high)),
        SummaryStats::Binary {
            proportion: Some(p),
            conf_low,
            conf_high,
            ..
        } => Some((p, conf_low, conf_high)),
        _ => None,
    }
}

/// The line chart of a domain with three or more visits; None otherwise.
pub fn scene(ctx: &Ctx, d: &DomainResult) -> Option<Scene> {
    let v = visits(ctx.report);
    if v.is_empty() || d.kind == Kind::Categorical {
        return None;
    }
    let w = words(ctx.f.lang);
    let pct = d.kind == Kind::Binary;
    let dec = domain_decimals(d);
    let arms = ctx.arms();
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, &d.label, ctx.subtitle());
    let items: Vec<(String, Rgb)> = arms.iter().map(|&a| (ctx.arm(a), arm_colour(a))).collect();
    y = legend(&mut s, y, &items);

    // (arm, visit index, value, low, high)
    let mut pts = Vec::new();
    for &arm in &arms {
        for (vi, &(wave, _)) in v.iter().enumerate() {
            if let Some((m, lo, hi)) = point(d, arm, wave) {
                pts.push((arm, vi, m, lo, hi));
            }
        }
    }
    let (t0, t1, ticks) = if pct {
        (0.0, 1.0, vec![0.0, 0.25, 0.5, 0.75, 1.0])
    } else {
        super::continuous::domain_axis(d, pts.iter().map(|p| (p.2, p.3, p.4)))
    };
    let whole_ticks = ticks.iter().all(|t| t.fract() == 0.0);
    // A tick (`tick`) or a value beside the first and last visit: a whole
    // percentage, or a number.
    let value_or_tick = |x: f64, tick: bool| {
        if pct {
            let n = ctx.f.number(Some(x * 100.0), 0);
            if ctx.f.lang == Lang::Es {
                format!("{n} %")
            } else {
                format!("{n}%")
            }
        } else if tick {
            ctx.f
                .number(Some(x), if whole_ticks { 0 } else { dec.max(1) })
        } else {
            ctx.f.number(Some(x), dec)
        }
    };
    let tick_text = |t: f64| value_or_tick(t, true);
    let value_text = |x: f64| value_or_tick(x, false);
    let axis_w = ticks
        .iter()
        .map(|t| text_width(&tick_text(*t), SMALL, false))
        .fold(0.0, f64::max)
        + 10.0;
    let value_w = pts
        .iter()
        .filter(|p| p.1 == 0)
        .map(|p| text_width(&value_text(p.2), SMALL, true))
        .fold(0.0, f64::max);
    let left = MARGIN + axis_w + value_w + 24.0;
    let right = WIDTH - MARGIN - 44.0; // room for the last visit's labels
    let top = y + 30.0;
    let bottom = top + 260.0;
    let yv = |x: f64| bottom - (x - t0) / (t1 - t0).max(f64::EPSILON) * (bottom - top);
    let y_title = if pct {
        w.y_pct.replace("{c}", &ctx.conf())
    } else {
        ctx.mean_axis(d)
    };
    s.text(MARGIN, y + 6.0, y_title, SMALL, false, MUTED, Align::Left);
    for &t in &ticks {
        let colour = if pct && t == 0.0 { AXIS } else { GRID };
        let axis_x = MARGIN + axis_w;
        s.line(vec![(axis_x, yv(t)), (right + 30.0, yv(t))], colour, 1.0);
        s.text(
            axis_x - 8.0,
            yv(t),
            tick_text(t),
            SMALL,
            false,
            MUTED,
            Align::Right,
        );
    }
    // x: the visits' times, from the first to the last.
    let (x0, x1) = (
        v.first().map_or(0.0, |p| p.1),
        v.last().map_or(1.0, |p| p.1),
    );
    let span = if x1 > x0 { x1 - x0 } else { 1.0 };
    let xt = |vi: usize| left + (v[vi].1 - x0) / span * (right - left);
    let dodge = |arm: Arm| match (arm, arms.len()) {
        (_, 1) => 0.0,
        (Arm::Intervention, _) => -4.0,
        (Arm::Control, _) => 4.0,
    };
    for &arm in &arms {
        let line: Vec<(f64, f64)> = pts
            .iter()
            .filter(|p| p.0 == arm)
            .map(|p| (xt(p.1) + dodge(arm), yv(p.2)))
            .collect();
        if line.len() > 1 {
            s.line(line, arm_colour(arm), 2.5);
        }
    }
    for p in &pts {
        let x = xt(p.1) + dodge(p.0);
        if let (Some(a), Some(b)) = (p.3, p.4) {
            s.vwhisker(x, yv(a), yv(b), 4.0, arm_colour(p.0));
        }
        s.circle(x, yv(p.2), 5.0, arm_colour(p.0), true);
    }
    for (vi, align, dx) in [(0, Align::Right, -14.0), (v.len() - 1, Align::Left, 14.0)] {
        let mut ys: Vec<(f64, usize)> = pts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.1 == vi)
            .map(|(i, p)| (yv(p.2), i))
            .collect();
        spread(&mut ys, line_height(SMALL) + 2.0);
        for (ly, i) in ys {
            let p = pts[i];
            s.text(
                xt(vi) + dx,
                ly,
                value_text(p.2),
                SMALL,
                true,
                arm_colour(p.0),
                align,
            );
        }
    }
    // Visit labels under the axis; every other one on a second row when crowded.
    let widest = v
        .iter()
        .map(|&(wv, _)| {
            text_width(&ctx.wave(wv), SMALL, false).max(text_width("month 12", SMALL, false))
        })
        .fold(0.0, f64::max);
    let min_gap = (1..v.len())
        .map(|i| xt(i) - xt(i - 1))
        .fold(f64::INFINITY, f64::min);
    let stagger = min_gap < widest + 6.0;
    // Under each label, its time ("month 2") when the spec gives times.
    let unit = ctx
        .report
        .labels
        .time_unit
        .as_ref()
        .and_then(|u| u.get(&ctx.report.settings.lang))
        .unwrap_or("t =");
    let timed = v.iter().enumerate().any(|(i, (_, t))| *t != i as f64);
    let per_label = if timed { 2.0 } else { 1.0 };
    for (vi, &(wv, t)) in v.iter().enumerate() {
        s.line(vec![(xt(vi), bottom), (xt(vi), bottom + 4.0)], AXIS, 1.0);
        let row = if stagger && vi % 2 == 1 {
            per_label
        } else {
            0.0
        };
        let ly = bottom + 14.0 + row * line_height(SMALL);
        s.text(
            xt(vi),
            ly,
            capitalise(&ctx.wave(wv)),
            SMALL,
            false,
            INK,
            Align::Center,
        );
        if timed {
            let dec = if t.fract() == 0.0 { 0 } else { 1 };
            let text = format!("{unit} {}", ctx.f.number(Some(t), dec));
            s.text(
                xt(vi),
                ly + line_height(SMALL),
                text,
                SMALL,
                false,
                MUTED,
                Align::Center,
            );
        }
    }
    let rows = if stagger { 2.0 * per_label } else { per_label };
    let y = bottom + 14.0 + rows * line_height(SMALL);

    let mut lines =
        vec![if pct { w.caption_pct } else { w.caption_mean }.replace("{c}", &ctx.conf())];
    let n_parts: Vec<String> = arms
        .iter()
        .map(|&a| {
            let ns: Vec<String> = v
                .iter()
                .filter_map(|&(wv, _)| d.summary_of(a, wv).map(|r| ctx.f.count(r.n)))
                .collect();
            format!("{} {}", ctx.arm(a), ns.join(", "))
        })
        .collect();
    lines.push(format!("n: {}.", n_parts.join("; ")));
    let est = |t: &TestRow| {
        if t.suppressed {
            return ctx.withheld();
        }
        let (e, ci) = if pct {
            (
                ctx.f.points(t.estimate),
                ctx.f.interval(t.conf_low, t.conf_high, 100.0, 1),
            )
        } else {
            (
                ctx.f.signed(t.estimate, dec + 1),
                ctx.f.interval(t.conf_low, t.conf_high, 1.0, dec + 1),
            )
        };
        format!("{e} {ci}").trim_end().to_string() + "; " + &ctx.p_short(t)
    };
    let mut trend: Vec<String> = arms
        .iter()
        .filter_map(|&a| {
            d.primary(&format!("trend:{}", a.name()))
                .map(|t| format!("{} {}", ctx.arm(a), est(t)))
        })
        .collect();
    if let Some(t) = d.primary("trend:difference") {
        trend.push(format!("{} {}", w.difference, est(t)));
    }
    if !trend.is_empty() {
        let per = per_unit(ctx.report, ctx.f.lang);
        lines.push(format!(
            "{}: {}.",
            w.trend.replace("{per}", &per),
            trend.join("; ")
        ));
    }
    let across: Vec<String> = arms
        .iter()
        .filter_map(|&a| {
            d.primary(&format!("waves:{}", a.name()))
                .map(|t| format!("{} {}", ctx.arm(a), ctx.p_short(t)))
        })
        .collect();
    if !across.is_empty() {
        lines.push(format!("{}: {}.", w.across, across.join("; ")));
    }
    lines.extend(ctx.withheld_note(d.summary.iter().any(crate::privacy::row_withheld)));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y, &lines);
    Some(s)
}
