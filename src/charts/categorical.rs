//! A categorical domain: the share at each level, one 100 % stacked bar per arm and
//! wave, levels in their order, the percentage printed in each wide-enough segment.

use super::Ctx;
use super::style::*;
use crate::results::{DomainResult, SummaryStats};

pub fn scene(ctx: &Ctx, d: &DomainResult) -> Scene {
    let mut s = Scene::new(WIDTH);
    let mut y = heading(&mut s, &d.label, ctx.subtitle());
    let levels: Vec<String> = d.per_level.iter().map(|l| l.level.clone()).collect();
    let colours = level_colours(levels.len());
    let items: Vec<(String, Rgb)> = levels
        .iter()
        .zip(&colours)
        .map(|(l, c)| (fit(l, BODY, false, WIDTH / 2.0), *c))
        .collect();
    y = legend(&mut s, y, &items);

    let arms = ctx.arms();
    let waves = ctx.waves();
    let row_label = |arm, w| {
        if waves.len() == 2 {
            format!("{} · {}", ctx.arm(arm), ctx.wave(w).to_lowercase())
        } else {
            ctx.arm(arm).to_string()
        }
    };
    let label_w = arms
        .iter()
        .flat_map(|&a| waves.iter().map(move |&w| (a, w)))
        .map(|(a, w)| text_width(&row_label(a, w), BODY, false))
        .fold(0.0, f64::max);
    let left = MARGIN + label_w + 10.0;
    let right = WIDTH - MARGIN;
    let bar = 30.0;
    let mut any_withheld = false;
    y += 4.0;
    for &arm in &arms {
        for &w in &waves {
            let Some(SummaryStats::Categorical { levels: ls }) =
                d.summary_of(arm, w).map(|r| &r.stats)
            else {
                continue;
            };
            let mid = y + bar / 2.0;
            s.text(
                MARGIN,
                mid,
                row_label(arm, w),
                BODY,
                false,
                INK,
                Align::Left,
            );
            let mut x = left;
            let mut withheld_here = false;
            for (li, level) in levels.iter().enumerate() {
                let found = ls.iter().find(|l| &l.level == level);
                if found.is_some_and(|l| l.suppressed) {
                    withheld_here = true;
                    continue;
                }
                let p = found.and_then(|l| l.proportion).unwrap_or(0.0);
                let wdt = p * (right - left);
                if wdt <= 0.0 {
                    continue;
                }
                let colour = colours.get(li).copied().unwrap_or(MUTED);
                s.rect(x, y, x + wdt, y + bar, colour);
                let text = ctx.f.number(Some(p * 100.0), 0)
                    + if ctx.f.lang == crate::output::fmt::Lang::Es {
                        " %"
                    } else {
                        "%"
                    };
                if text_width(&text, SMALL, true) + 6.0 <= wdt {
                    s.text(
                        x + wdt / 2.0,
                        mid,
                        text,
                        SMALL,
                        true,
                        colour.on(),
                        Align::Center,
                    );
                }
                x += wdt;
            }
            // Withheld levels together, after the others: hatched, "<5".
            if withheld_here && right - x > 0.5 {
                any_withheld = true;
                s.hatched(x, y, right, y + bar, HATCH);
                let text = ctx.withheld();
                if text_width(&text, SMALL, true) + 10.0 <= right - x {
                    s.text_on_white(
                        (x + right) / 2.0,
                        mid,
                        text,
                        SMALL,
                        true,
                        INK,
                        Align::Center,
                    );
                }
            }
            y += bar + 8.0;
        }
        y += 8.0;
    }

    let mut lines = vec![ctx.w.caption_levels.to_string(), ctx.n_line(d)];
    if arms.len() == 2 {
        for w in &waves {
            if let Some(t) = d.primary(&format!("between:{}", w.name())) {
                lines.push(format!(
                    "{} − {}, {}: {}.",
                    ctx.arm(crate::cohort::Arm::Intervention),
                    ctx.arm(crate::cohort::Arm::Control).to_lowercase(),
                    ctx.wave(*w).to_lowercase(),
                    ctx.p_short(t)
                ));
            }
        }
    }
    if let Some(tr) = &d.transitions {
        let shares: Vec<String> = tr
            .groups
            .iter()
            .map(|g| {
                let share = if g.suppressed {
                    any_withheld = true;
                    ctx.withheld()
                } else {
                    ctx.f.percent(g.improved_proportion)
                };
                format!("{} {share}", ctx.arm(g.group))
            })
            .collect();
        let mut line = format!("{}: {}", capitalise(ctx.w.improved), shares.join(", "));
        if let Some(t) = tr.tests.iter().find(|t| t.primary).or(tr.tests.first())
            && t.suppressed
        {
            line.push_str(&format!(
                "; {} {}",
                ctx.w.difference.to_lowercase(),
                ctx.withheld()
            ));
        } else if let Some(t) = tr.tests.iter().find(|t| t.primary).or(tr.tests.first()) {
            line.push_str(&format!(
                "; {} {} {}; {}",
                ctx.w.difference.to_lowercase(),
                ctx.f.points(t.estimate),
                ctx.f.interval(t.conf_low, t.conf_high, 100.0, 1),
                ctx.p_short(t)
            ));
        }
        lines.push(line + ".");
    }
    let any_test = d.tests.iter().any(|t| t.suppressed);
    lines.extend(ctx.withheld_note(any_withheld || any_test));
    lines.push(ctx.adjusted_note());
    caption(&mut s, y, &lines);
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
