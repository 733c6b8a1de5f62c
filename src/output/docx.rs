//! The Word report (`--report FILE.docx`): the HTML report's content as an editable
//! document, built with docx-rs. Title, design and sample with attrition, findings,
//! the charts as PNG pictures (the charts module's, at 2×) fitted to an A4 page
//! with numbered captions, every table as a real Word table (styled header row,
//! numbers right-aligned) with a numbered caption, strata, methods, warnings, in
//! the report's language. Nothing here computes: every word and number comes from
//! the same grids and lines as the HTML report, after small-cell suppression.
//!
//! [`Doc`] holds the document being written; a new block is one call
//! ([`Doc::table`], [`Doc::figure`], [`Doc::heading`], [`Doc::paragraph`]).

use super::findings::findings;
use super::fmt::Lang;
use super::grid::{Cells, Grid};
use super::html::{attrition_grid, methods_data, sample_line, strata_grids};
use crate::charts;
use crate::charts::style::Scene;
use crate::results::Report;
use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, Docx, IndentLevel, Level, LevelJc, LevelText,
    LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Pic, Run, RunFonts,
    Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableRow, WidthType,
};

/// A4 in twentieths of a point, and the margins (2 cm).
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN: i32 = 1134;
/// English Metric Units per millimetre and per CSS pixel (96 per inch).
const EMU_MM: f64 = 36_000.0;
const EMU_PX: f64 = 9_525.0;
/// The widest and tallest a chart may be on the page (text width; most of its height).
const FIG_MAX_W_MM: f64 = 170.0;
const FIG_MAX_H_MM: f64 = 200.0;
/// The bullet list's numbering id (docx-rs already defines a numbered list as 1).
const BULLETS: usize = 2;
const FONT: &str = "DejaVu Sans";
const HEAD_FILL: &str = "E8ECF0";
const LINE: &str = "999999";

/// The document being written, with its figure and table counters.
pub struct Doc {
    docx: Docx,
    lang: Lang,
    figures: usize,
    tables: usize,
}

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

/// A picture's size in EMU: its CSS size at 96 dpi, scaled down to fit the page.
pub fn fit(width_px: f64, height_px: f64) -> (u32, u32) {
    let w = width_px * EMU_PX;
    let h = height_px * EMU_PX;
    let k = (FIG_MAX_W_MM * EMU_MM / w)
        .min(FIG_MAX_H_MM * EMU_MM / h)
        .min(1.0);
    ((w * k).round() as u32, (h * k).round() as u32)
}

impl Doc {
    pub fn new(lang: Lang, title: &str) -> Self {
        let table_style = Style::new("EvaluateTable", StyleType::Table)
            .name("Evaluate Table")
            .size(17)
            .table_property(docx_rs::TableProperty::new().set_borders(rules()));
        let docx = Docx::new()
            .page_size(PAGE_W, PAGE_H)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .left(MARGIN)
                    .right(MARGIN),
            )
            .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
            .default_size(20)
            .add_style(
                Style::new("Title", StyleType::Paragraph)
                    .name("Title")
                    .based_on("Normal")
                    .size(40)
                    .bold(),
            )
            .add_style(heading(1, 28))
            .add_style(heading(2, 24))
            .add_style(heading(3, 21))
            .add_style(
                Style::new("Caption", StyleType::Paragraph)
                    .name("Caption")
                    .based_on("Normal")
                    .size(18)
                    .italic()
                    .color("444444"),
            )
            .add_style(
                Style::new("Note", StyleType::Paragraph)
                    .name("Note")
                    .based_on("Normal")
                    .size(17)
                    .color("555555"),
            )
            .add_style(table_style)
            .add_abstract_numbering(
                AbstractNumbering::new(BULLETS).add_level(
                    Level::new(
                        0,
                        Start::new(1),
                        NumberFormat::new("bullet"),
                        LevelText::new("•"),
                        LevelJc::new("left"),
                    )
                    .indent(
                        Some(360),
                        Some(SpecialIndentType::Hanging(360)),
                        None,
                        None,
                    ),
                ),
            )
            .add_numbering(Numbering::new(BULLETS, BULLETS))
            .add_paragraph(Paragraph::new().style("Title").add_run(run(title)));
        Doc {
            docx,
            lang,
            figures: 0,
            tables: 0,
        }
    }

    fn es(&self) -> bool {
        self.lang == Lang::Es
    }

    fn push(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    pub fn heading(&mut self, level: usize, text: &str) {
        self.push(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .add_run(run(text)),
        );
    }

    pub fn paragraph(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text)));
    }

    /// A paragraph with a bold lead (`Design: ...`).
    pub fn lead(&mut self, lead: &str, text: &str) {
        self.push(
            Paragraph::new()
                .add_run(run(&format!("{lead}: ")).bold())
                .add_run(run(text)),
        );
    }

    pub fn note(&mut self, text: &str) {
        self.push(Paragraph::new().style("Note").add_run(run(text)));
    }

    pub fn bullet(&mut self, text: &str, bold: bool) {
        let r = if bold { run(text).bold() } else { run(text) };
        self.push(
            Paragraph::new()
                .numbering(NumberingId::new(BULLETS), IndentLevel::new(0))
                .add_run(r),
        );
    }

    fn caption(&mut self, word: &str, n: usize, text: &str) {
        self.push(
            Paragraph::new()
                .style("Caption")
                .keep_next(word != self.figure_word())
                .add_run(run(&format!("{word} {n}. ")).bold())
                .add_run(run(text)),
        );
    }

    fn figure_word(&self) -> &'static str {
        if self.es() { "Figura" } else { "Figure" }
    }

    /// A chart as a picture (the PNG the charts module draws at 2×), fitted to the
    /// page, with a numbered caption under it.
    pub fn figure(&mut self, scene: &Scene, caption: &str) -> anyhow::Result<()> {
        let tmp = tempfile::Builder::new()
            .prefix(".evaluate-")
            .suffix(".png")
            .tempfile()?;
        charts::write_png_to(scene, tmp.path(), 2.0)?;
        let png = std::fs::read(tmp.path())?;
        let (px_w, px_h) = (
            (scene.width * 2.0).ceil() as u32,
            (scene.height * 2.0).ceil() as u32,
        );
        let (w, h) = fit(scene.width, scene.height);
        self.figures += 1;
        let pic = Pic::new_with_dimensions(png, px_w, px_h).size(w, h);
        self.push(
            Paragraph::new()
                .keep_next(true)
                .align(AlignmentType::Center)
                .add_run(Run::new().add_image(pic)),
        );
        let n = self.figures;
        self.caption(self.figure_word(), n, caption);
        Ok(())
    }

    /// A grid as a Word table: a numbered caption above, a shaded bold header row,
    /// numeric columns right-aligned, a cell's extra parts (the p value under an
    /// estimate) as lines of the same cell.
    pub fn table(&mut self, caption: &str, g: &Grid) {
        self.tables += 1;
        let n = self.tables;
        let word = if self.es() { "Tabla" } else { "Table" };
        self.caption(word, n, caption);
        let align = |i: usize| {
            if g.numeric.get(i).copied().unwrap_or(false) {
                AlignmentType::Right
            } else {
                AlignmentType::Left
            }
        };
        let tight = || LineSpacing::new().before(20).after(20);
        let header = TableRow::new(
            g.header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    TableCell::new()
                        .shading(Shading::new().shd_type(ShdType::Clear).fill(HEAD_FILL))
                        .add_paragraph(
                            Paragraph::new()
                                .align(align(i))
                                .line_spacing(tight())
                                .keep_next(true)
                                .add_run(run(h).bold()),
                        )
                })
                .collect(),
        )
        .cant_split();
        let mut rows = vec![header];
        for r in &g.rows {
            rows.push(
                TableRow::new(
                    r.iter()
                        .enumerate()
                        .map(|(i, parts)| {
                            let mut cell = TableCell::new();
                            let parts: Vec<&String> = if parts.is_empty() {
                                Vec::new()
                            } else {
                                parts.iter().collect()
                            };
                            if parts.is_empty() {
                                cell = cell.add_paragraph(Paragraph::new());
                            }
                            for (k, part) in parts.into_iter().enumerate() {
                                let mut rn = run(part);
                                if k > 0 {
                                    rn = rn.color("555555");
                                }
                                if i == 0 && k == 0 {
                                    rn = rn.bold();
                                }
                                cell = cell.add_paragraph(
                                    Paragraph::new()
                                        .align(align(i))
                                        .line_spacing(tight())
                                        .add_run(rn),
                                );
                            }
                            cell
                        })
                        .collect(),
                )
                .cant_split(),
            );
        }
        let table = Table::new(rows)
            .style("EvaluateTable")
            .set_borders(rules())
            .width(5000, WidthType::Pct);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        // A table followed directly by another needs a paragraph between them.
        self.push(Paragraph::new());
    }

    /// The document as the bytes of a .docx file.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        let mut out = std::io::Cursor::new(Vec::new());
        self.docx
            .build()
            .pack(&mut out)
            .map_err(|e| anyhow::anyhow!("writing the Word document failed: {e}"))?;
        Ok(out.into_inner())
    }
}

/// Rules above, below and between the rows of a table (no vertical lines).
fn rules() -> TableBorders {
    let border = |p| {
        TableBorder::new(p)
            .border_type(BorderType::Single)
            .size(4)
            .color(LINE)
    };
    TableBorders::with_empty()
        .set(border(TableBorderPosition::Top))
        .set(border(TableBorderPosition::Bottom))
        .set(border(TableBorderPosition::InsideH))
}

fn heading(level: usize, size: usize) -> Style {
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .size(size)
        .bold()
        .color("1F3A5F")
        .outline_lvl(level - 1)
}

/// The whole report as a .docx file.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    // Long labels and levels cut for people (docs/warnings.md).
    let readable = super::readable::readable(report);
    let report: &Report = &readable;
    let c = Cells::new(report);
    let title = report.settings.title.as_deref().unwrap_or("evaluate");
    let mut doc = Doc::new(c.f.lang, title);

    doc.heading(1, c.w.design_sample);
    let (design, _) = c.design_lines();
    doc.lead(c.w.design, &format!("{design}."));
    doc.note(&sample_line(&c));
    if let Some(g) = attrition_grid(&c) {
        doc.table(c.w.design_sample, &g);
    }
    if let Some(line) = super::balance::cluster_line(&c) {
        doc.note(&line);
    }
    if let Some(g) = super::balance::grid(&c) {
        doc.table(super::balance::title(&c), &g);
        doc.note(super::balance::note(&c));
    }

    doc.heading(1, c.w.findings);
    for f in findings(report) {
        doc.bullet(&f.text, f.significant);
    }

    let charts = charts::charts(report);
    doc.heading(1, c.w.charts);
    for ch in charts
        .iter()
        .filter(|ch| ch.stem == "overview" || ch.stem == "effects")
    {
        let caption = if ch.stem == "overview" {
            c.w.overview_title
        } else {
            c.w.effects_title
        };
        doc.figure(&ch.scene, caption)?;
    }
    let domain_charts: Vec<&charts::Chart> = charts
        .iter()
        .filter(|ch| ch.stem != "overview" && ch.stem != "effects")
        .collect();

    doc.heading(1, c.w.tables);
    for (i, d) in report.domains.iter().enumerate() {
        let label = format!("{} ({})", d.label, c.kind_note(d));
        doc.heading(2, &label);
        if let Some(ch) = domain_charts.get(i) {
            doc.figure(&ch.scene, &d.label)?;
        }
        doc.table(&d.label, &c.domain_grid(d));
    }
    for l in c.legend() {
        doc.note(&l);
    }

    if let Some((note, grids)) = strata_grids(&c) {
        doc.heading(1, c.w.strata);
        doc.note(&note);
        for (label, g) in &grids {
            doc.table(label, g);
        }
    }

    doc.heading(1, c.w.methods);
    let m = methods_data(&c);
    doc.paragraph(&m.intro);
    let g = Grid {
        header: vec![
            c.w.test.to_string(),
            c.w.used_for.to_string(),
            c.w.reference.to_string(),
        ],
        rows: m
            .rows
            .iter()
            .map(|[name, code, what, reference]| {
                let first = if code.is_empty() {
                    vec![name.clone()]
                } else {
                    vec![name.clone(), code.clone()]
                };
                vec![first, vec![what.clone()], vec![reference.clone()]]
            })
            .collect(),
        numeric: vec![false, false, false],
    };
    doc.table(c.w.methods, &g);

    doc.heading(1, c.w.warnings);
    if report.warnings.is_empty() {
        doc.paragraph(c.w.no_warnings);
    } else {
        for l in super::warnings::lines(&report.warnings, &report.settings.lang) {
            doc.bullet(&l.plain(), false);
        }
    }
    doc.note(
        &c.w.report_generated
            .replace("{v}", env!("CARGO_PKG_VERSION")),
    );
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn pictures_fit_the_page_and_keep_their_shape() {
        // Small: kept at 96 dpi.
        assert_eq!(fit(100.0, 50.0), (952_500, 476_250));
        // Wide: scaled to the text width.
        let (w, h) = fit(2000.0, 1000.0);
        assert_eq!(w, 6_120_000);
        assert!((f64::from(w) / f64::from(h) - 2.0).abs() < 1e-6);
        // Tall: scaled to the height allowed.
        let (_, h) = fit(300.0, 3000.0);
        assert_eq!(h, 7_200_000);
    }
}
