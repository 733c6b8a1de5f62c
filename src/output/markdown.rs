//! Markdown: pipe tables that paste cleanly into documents, with the design, the
//! findings, the legend and the warnings. The same grids feed the HTML report.

use super::findings::findings;
use super::grid::{Cells, Grid};
use crate::results::Report;

/// Escape text for a Markdown table cell or line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn grid_markdown(g: &Grid) -> String {
    let cell = |parts: &Vec<String>| {
        parts
            .iter()
            .map(|p| escape(p))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mut s = format!(
        "| {} |\n",
        g.header
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    s.push_str(&format!(
        "|{}|\n",
        g.numeric
            .iter()
            .map(|n| if *n { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in &g.rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter().map(cell).collect::<Vec<_>>().join(" | ")
        ));
    }
    s
}

/// The whole report as Markdown.
pub fn render(report: &Report) -> String {
    // Long labels and levels cut for people (docs/warnings.md).
    let readable = super::readable::readable(report);
    let report: &Report = &readable;
    let c = Cells::new(report);
    let mut s = String::new();
    let title = report.settings.title.as_deref().unwrap_or("evaluate");
    s.push_str(&format!("# {}\n\n", escape(title)));
    s.push_str(&format!(
        "{} · {} {}, {} {}\n\n",
        escape(&c.files()),
        c.f.count(report.input.rows),
        c.w.rows,
        c.f.count(report.input.participants),
        c.w.participants
    ));
    let (design, attrition) = c.design_lines();
    s.push_str(&format!("**{}**: {}\n\n", c.w.design, escape(&design)));
    for a in &attrition {
        s.push_str(&format!("- {}\n", escape(a)));
    }
    if !attrition.is_empty() {
        s.push('\n');
    }
    if let Some(g) = super::balance::grid(&c) {
        s.push_str(&format!("## {}\n\n", escape(super::balance::title(&c))));
        s.push_str(&grid_markdown(&g));
        s.push_str(&format!("\n{}\n\n", escape(super::balance::note(&c))));
    }
    if let Some(g) = super::reliability::grid(&c) {
        s.push_str(&format!("## {}\n\n", escape(super::reliability::title(&c))));
        s.push_str(&grid_markdown(&g));
        s.push_str(&format!("\n{}\n\n", escape(super::reliability::note(&c))));
    }
    let found = findings(report);
    if !found.is_empty() {
        s.push_str(&format!("## {}\n\n", c.w.findings));
        for f in &found {
            s.push_str(&format!("- {}\n", escape(&f.text)));
        }
        s.push('\n');
    }
    for d in &report.domains {
        s.push_str(&format!(
            "## {} ({})\n\n",
            escape(&d.label),
            escape(&c.kind_note(d))
        ));
        s.push_str(&grid_markdown(&c.domain_grid(d)));
        s.push('\n');
        if let Some(g) = super::visits::grid(&c, d) {
            let t = super::visits::title(&c);
            s.push_str(&format!("### {t}\n\n{}\n", grid_markdown(&g)));
        }
    }
    if !super::visits::visits(report).is_empty() {
        s.push_str(&format!("{}  \n", escape(&super::visits::note(&c))));
    }
    for l in c.legend() {
        s.push_str(&format!("{}  \n", escape(&l)));
    }
    if let Some(p) = super::planning::planning(report) {
        s.push_str(&format!("\n## {}\n\n{}\n\n", p.title, escape(&p.intro)));
        s.push_str(&grid_markdown(&p.grid));
        s.push('\n');
        for l in &p.sentences {
            s.push_str(&format!("- {}\n", escape(l)));
        }
        s.push_str(&format!("\n{}\n", escape(p.assumptions)));
    }
    if !report.warnings.is_empty() {
        s.push_str(&format!("\n## {}\n\n", c.w.warnings));
        for l in super::warnings::lines(&report.warnings, &report.settings.lang) {
            s.push_str(&format!("- {}\n", escape(&l.plain())));
        }
    }
    s
}
