//! The terminal table: one block per domain (the shared [`Grid`] drawn with
//! comfy-table), a compact side-by-side table per domain when there are strata, the
//! legend, the findings and the warnings.

use super::grid::{Cells, Grid, domain_decimals};
use crate::cohort::{Arm, Kind, Wave};
use crate::results::Report;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

pub use super::grid::method_name;

fn new_table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    t
}

/// A grid as a terminal table: a cell's lines stacked, numeric columns right-aligned.
fn draw(g: &Grid) -> Table {
    let mut t = new_table(g.header.clone());
    for r in &g.rows {
        t.add_row(r.iter().map(|c| c.join("\n")).collect::<Vec<_>>());
    }
    for (i, &num) in g.numeric.iter().enumerate() {
        if num && let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// Table 1 in the terminal: a categorical characteristic's level rows (their first
/// cell indented) stacked under it in one row, so no rule separates the levels.
fn stack_levels(g: Grid) -> Grid {
    let mut rows: Vec<Vec<Vec<String>>> = Vec::new();
    for r in g.rows {
        let is_level = r
            .first()
            .and_then(|c| c.first())
            .is_some_and(|s| s.starts_with("  "));
        match rows.last_mut() {
            Some(last) if is_level => {
                for (into, cell) in last.iter_mut().zip(r) {
                    into.extend(cell);
                }
            }
            _ => rows.push(r),
        }
    }
    Grid { rows, ..g }
}

/// One compact table per domain with a row per stratum (and the total).
fn strata_block(c: &Cells, di: usize) -> Option<String> {
    let report = c.report;
    let pooled = report.domains.get(di)?;
    let first = report.strata.first()?;
    if pooled.kind == Kind::Categorical {
        return None;
    }
    let (arms, waves) = (c.arms(), c.waves());
    let dec = domain_decimals(pooled);
    let pct = pooled.kind != Kind::Continuous;
    let mut header = vec![first.column.clone(), "n".to_string()];
    for &arm in &arms {
        for &w in &waves {
            header.push(format!("{} · {}", c.arm(arm), c.wave(w)));
        }
    }
    let (id, name) = if arms.len() == 2 && waves.len() == 2 {
        ("did".to_string(), c.w.did.to_string())
    } else if arms.len() == 2 {
        (
            format!("between:{}", waves[0].name()),
            format!("{} − {}", c.arm(Arm::Intervention), c.arm(Arm::Control)),
        )
    } else {
        (format!("change:{}", arms[0].name()), c.w.change.to_string())
    };
    header.push(name);
    let mut t = new_table(header);
    let all = std::iter::once(("Total".to_string(), pooled)).chain(
        report.strata.iter().filter_map(|s| {
            s.domains
                .iter()
                .find(|d| d.name == pooled.name)
                .map(|d| (s.value.clone(), d))
        }),
    );
    let last_wave = *waves.last().unwrap_or(&Wave::Post);
    for (name, d) in all {
        let n: usize = d
            .summary
            .iter()
            .filter(|s| s.wave == last_wave)
            .map(|s| s.n)
            .sum();
        let mut r = vec![name, c.f.count(n)];
        for &arm in &arms {
            for &w in &waves {
                let v = c.value(d, arm, w, dec);
                let first = v.first().map(String::as_str).unwrap_or_default();
                r.push(first.split(' ').next().unwrap_or_default().to_string());
            }
        }
        let test = d.primary(&id);
        let est = c
            .test(test, pct, dec)
            .into_iter()
            .next()
            .unwrap_or_default();
        let p = test
            .filter(|t| !t.suppressed)
            .map(|t| c.f.p_value(t.p_adjusted.or(t.p_value)))
            .unwrap_or_default();
        r.push(format!("{est}  {p}").trim_end().to_string());
        t.add_row(r);
    }
    if let Some(col) = t.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    Some(format!("{} · {}\n{t}\n", pooled.label, first.column))
}

fn header(c: &Cells) -> String {
    let r = c.report;
    let mut out = String::new();
    if let Some(t) = &r.settings.title {
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&format!(
        "evaluate · {} · {} {}, {} {}\n",
        c.files(),
        c.f.count(r.input.rows),
        c.w.rows,
        c.f.count(r.input.participants),
        c.w.participants
    ));
    let (design, lines) = c.design_lines();
    out.push_str(&format!("{}: {design}\n", c.w.design));
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

/// Render the whole report as text for a terminal.
pub fn render(report: &Report) -> String {
    // Long labels and levels cut for people (docs/warnings.md).
    let readable = super::readable::readable(report);
    let report: &Report = &readable;
    let c = Cells::new(report);
    let mut out = header(&c);
    out.push('\n');
    if let Some(g) = super::balance::grid(&c) {
        out.push_str(&format!(
            "{}\n{}\n{}\n\n",
            super::balance::title(&c),
            draw(&stack_levels(g)),
            super::balance::note(&c)
        ));
    }
    if let Some(g) = super::reliability::grid(&c) {
        out.push_str(&format!(
            "{}\n{}\n{}\n\n",
            super::reliability::title(&c),
            draw(&g),
            super::reliability::note(&c)
        ));
    }
    for d in &report.domains {
        out.push_str(&format!(
            "{}  ({})\n{}\n\n",
            d.label,
            c.kind_note(d),
            draw(&c.domain_grid(d))
        ));
        if let Some(g) = super::visits::grid(&c, d) {
            let t = super::visits::title(&c);
            out.push_str(&format!("{} · {t}\n{}\n\n", d.label, draw(&g)));
        }
    }
    for di in 0..report.domains.len() {
        if let Some(b) = strata_block(&c, di) {
            out.push_str(&b);
            out.push('\n');
        }
    }
    if !super::visits::visits(report).is_empty() {
        out.push_str(&format!("{}\n", super::visits::note(&c)));
    }
    for l in c.legend() {
        out.push_str(&l);
        out.push('\n');
    }
    if let Some(p) = super::planning::planning(report) {
        out.push_str(&format!("\n{}\n{}\n{}\n", p.title, p.intro, draw(&p.grid)));
        for l in p.sentences {
            out.push_str(&format!("  - {l}\n"));
        }
        out.push_str(&format!("{}\n", p.assumptions));
    }

    if !report.warnings.is_empty() {
        out.push_str(&format!(
            "\n{} ({}):\n",
            c.w.warnings,
            report.warnings.len()
        ));
        for l in super::warnings::lines(&report.warnings, &report.settings.lang) {
            out.push_str(&format!("  - {}\n", l.plain()));
        }
    }
    out
}
