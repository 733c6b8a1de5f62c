//! Donor-ready charts (contract §4.3): `overview`, `effects` and one chart per domain,
//! as PNG (2× scale) and SVG, drawn with plotters and the embedded DejaVu Sans.

pub mod binary;
pub mod categorical;
pub mod continuous;
pub mod effects;
pub mod glyphs;
pub mod notices;
pub mod overview;
pub mod style;
pub mod visits;

use crate::cohort::{Arm, Kind};
use crate::error::UserError;
use crate::output::grid::Cells;
use crate::output::write::{check_not_input, write_atomic};
use crate::results::{DomainResult, Report, TestRow};
use plotters::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use style::Scene;

/// Everything a chart needs to speak one language: the same cells the tables use
/// (labels, arms, waves, numbers), plus the chart-only helpers below.
pub type Ctx<'a> = crate::output::grid::Cells<'a>;

impl Cells<'_> {
    pub fn subtitle(&self) -> Option<&str> {
        self.report.settings.title.as_deref()
    }

    /// The title of a means axis: "Mean (95% CI)", with the domain's unit when it
    /// has one: "Mean, kg (95% CI)".
    pub fn mean_axis(&self, d: &DomainResult) -> String {
        let title = self.w.mean_ci.replace("{c}", &self.conf());
        match &d.unit {
            Some(u) => match title.find(" (") {
                Some(i) => format!("{}, {u}{}", &title[..i], &title[i..]),
                None => format!("{title} ({u})"),
            },
            None => title,
        }
    }

    /// The confidence level as a whole percentage ("95").
    pub fn conf(&self) -> String {
        self.f
            .number(Some(self.report.settings.conf_level * 100.0), 0)
    }

    /// "p = 0.003" using the adjusted p-value when there is one (no test name: the
    /// tables' `Cells::p` adds it).
    pub fn p_short(&self, t: &TestRow) -> String {
        if t.suppressed {
            return self.withheld();
        }
        self.f.p_value(crate::output::findings::judged_p(t))
    }

    /// The caption line saying what "<5" means, when `any` value of the chart is
    /// withheld.
    pub fn withheld_note(&self, any: bool) -> Option<String> {
        let n = self.report.settings.min_cell.filter(|_| any)?;
        Some(
            self.w
                .legend_withheld
                .replace("{m}", &self.withheld())
                .replace("{n}", &n.to_string()),
        )
    }

    /// "p-values adjusted across domains (Holm)." or nothing when unadjusted.
    pub fn adjusted_note(&self) -> String {
        let a = match self.report.settings.adjust.name() {
            "holm" => "Holm",
            "bh" => "Benjamini–Hochberg",
            "bonferroni" => "Bonferroni",
            _ => return String::new(),
        };
        self.w.caption_adjusted.replace("{a}", a)
    }

    /// Caption lines with the between-arm differences at each wave and the headline
    /// (difference in differences, or change), each with its CI and adjusted p.
    pub fn test_lines(&self, d: &DomainResult, pct: bool, dec: usize) -> Vec<String> {
        let est = |t: &TestRow| {
            if t.suppressed {
                return self.withheld();
            }
            let (e, ci) = if pct {
                (
                    self.f.points(t.estimate),
                    self.f.interval(t.conf_low, t.conf_high, 100.0, 1),
                )
            } else {
                (
                    crate::output::findings::with_unit(
                        self.f.signed(t.estimate, dec),
                        d.unit.as_deref(),
                    ),
                    self.f.interval(t.conf_low, t.conf_high, 1.0, dec),
                )
            };
            format!("{} {ci}", e).trim_end().to_string() + "; " + &self.p_short(t)
        };
        let mut out = Vec::new();
        if self.arms().len() == 2 {
            for w in self.waves() {
                if let Some(t) = d.primary(&format!("between:{}", w.name())) {
                    out.push(format!(
                        "{} − {}, {}: {}.",
                        self.arm(Arm::Intervention),
                        self.arm(Arm::Control).to_lowercase(),
                        self.wave(w).to_lowercase(),
                        est(t)
                    ));
                }
            }
        }
        match self.report.input.design {
            crate::cohort::Design::PrePostControl => {
                if let Some(t) = d.primary("did") {
                    out.push(format!("{}: {}.", self.w.effect, est(t)));
                }
            }
            crate::cohort::Design::PrePost => {
                if let Some(t) = d.primary("change:intervention") {
                    out.push(format!("{}: {}.", self.w.change, est(t)));
                }
            }
            crate::cohort::Design::PostOnlyControl => {}
        }
        out
    }

    /// "n: Program 412 before, 409 after; Control 405 before, 398 after."
    pub fn n_line(&self, d: &DomainResult) -> String {
        let parts: Vec<String> = self
            .arms()
            .into_iter()
            .map(|arm| {
                let per: Vec<String> = self
                    .waves()
                    .into_iter()
                    .filter_map(|w| {
                        d.summary_of(arm, w).map(|s| {
                            format!("{} {}", self.f.count(s.n), self.wave(w).to_lowercase())
                        })
                    })
                    .collect();
                format!("{} {}", self.arm(arm), per.join(", "))
            })
            .collect();
        format!("n: {}.", parts.join("; "))
    }
}

/// A chart ready to draw, and the file name (without extension) it goes to.
pub struct Chart {
    pub stem: String,
    pub scene: Scene,
}

/// A file stem from a domain name: lowercase ASCII letters, digits, `_` and `-`.
pub fn file_stem(name: &str) -> String {
    let folded = crate::text::fold(name);
    let mut s = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_').to_string();
    if s.is_empty() || s.chars().all(|c| c == '-') {
        "domain".to_string()
    } else {
        s
    }
}

/// Every chart of the report: overview (if any binary domain), effects, each domain.
pub fn charts(report: &Report) -> Vec<Chart> {
    let ctx = Ctx::new(report);
    let mut out = Vec::new();
    let mut used: HashSet<String> = ["overview", "effects"].map(String::from).into();
    if let Some(s) = overview::scene(&ctx) {
        out.push(Chart {
            stem: "overview".into(),
            scene: s,
        });
    }
    if let Some(s) = effects::scene(&ctx) {
        out.push(Chart {
            stem: "effects".into(),
            scene: s,
        });
    }
    for d in &report.domains {
        let scene = match d.kind {
            Kind::Binary => binary::scene(&ctx, d),
            Kind::Continuous => continuous::scene(&ctx, d),
            Kind::Categorical => categorical::scene(&ctx, d),
        };
        let base = file_stem(&d.name);
        let mut stem = base.clone();
        let mut i = 2;
        while used.contains(&stem) {
            stem = format!("{base}-{i}");
            i += 1;
        }
        used.insert(stem.clone());
        out.push(Chart { stem, scene });
    }
    out.extend(visits_charts(&ctx, &mut used, &out));
    out
}

/// The visits line charts (three or more waves), after the domain charts: each
/// domain chart's stem with `-visits`.
fn visits_charts(ctx: &Ctx, used: &mut HashSet<String>, domain: &[Chart]) -> Vec<Chart> {
    let stems = domain
        .iter()
        .filter(|c| c.stem != "overview" && c.stem != "effects");
    let mut out = Vec::new();
    for (d, c) in ctx.report.domains.iter().zip(stems) {
        let stem = format!("{}-visits", c.stem);
        if let Some(scene) = visits::scene(ctx, d)
            && used.insert(stem.clone())
        {
            out.push(Chart { stem, scene });
        }
    }
    out
}

fn draw_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart failed: {e}")
}

/// The chart as an SVG document.
pub fn to_svg(scene: &Scene) -> anyhow::Result<String> {
    let mut buf = String::new();
    {
        let size = (scene.width.ceil() as u32, scene.height.ceil() as u32);
        let area = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        style::paint(&area, scene, 1.0, style::TextMode::Elements).map_err(draw_error)?;
        area.present().map_err(draw_error)?;
    }
    Ok(buf)
}

/// Draw the chart as a PNG at `scale` into `path` (a file name ending in `.png`).
pub fn write_png_to(scene: &Scene, path: &Path, scale: f64) -> anyhow::Result<()> {
    let size = (
        (scene.width * scale).ceil() as u32,
        (scene.height * scale).ceil() as u32,
    );
    let area = BitMapBackend::new(path, size).into_drawing_area();
    style::paint(&area, scene, scale, style::TextMode::Glyphs).map_err(draw_error)?;
    area.present().map_err(draw_error)?;
    Ok(())
}

/// Draw the chart at `scale` into an RGB buffer (what the PNG holds): width, height,
/// pixels.
pub fn to_rgb(scene: &Scene, scale: f64) -> anyhow::Result<(u32, u32, Vec<u8>)> {
    let (w, h) = (
        (scene.width * scale).ceil() as u32,
        (scene.height * scale).ceil() as u32,
    );
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        style::paint(&area, scene, scale, style::TextMode::Glyphs).map_err(draw_error)?;
        area.present().map_err(draw_error)?;
    }
    Ok((w, h, buf))
}

/// Write every chart into `dir` (created if needed) as PNG and SVG; returns the files.
pub fn write_all(report: &Report, dir: &Path, inputs: &[String]) -> anyhow::Result<Vec<PathBuf>> {
    let fail = |e: std::io::Error| {
        UserError::new(format!("cannot create the charts folder: {e}"))
            .file(dir.display().to_string())
            .hint("check that the parent folder exists and is writable")
    };
    if dir.exists() && !dir.is_dir() {
        return Err(UserError::new("is not a folder")
            .file(dir.display().to_string())
            .hint("give --charts a folder name")
            .into());
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut written = Vec::new();
    for chart in charts(report) {
        let svg_path = dir.join(format!("{}.svg", chart.stem));
        write_atomic(&svg_path, to_svg(&chart.scene)?.as_bytes(), inputs)?;
        written.push(svg_path);

        let png_path = dir.join(format!("{}.png", chart.stem));
        check_not_input(&png_path, inputs)?;
        let tmp = tempfile::Builder::new()
            .prefix(".evaluate-")
            .suffix(".png")
            .tempfile_in(dir)
            .map_err(fail)?;
        write_png_to(&chart.scene, tmp.path(), 2.0)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
                .map_err(fail)?;
        }
        tmp.persist(&png_path).map_err(|e| fail(e.error))?;
        written.push(png_path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_stems_stay_simple() {
        assert_eq!(file_stem("Problem solving"), "problem_solving");
        assert_eq!(file_stem("../../etc/passwd"), "etc_passwd");
        assert_eq!(file_stem("Niño/Niña"), "nino_nina");
        assert_eq!(file_stem("..."), "domain");
        assert_eq!(file_stem("a-b_c"), "a-b_c");
    }
}
