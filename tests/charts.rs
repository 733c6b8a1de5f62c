//! Charts: layout (no overlapping or clipped text, in both languages and every
//! design), SVG structure snapshots, PNG size and text pixels, safe file names.

use clap::Parser;
use evaluate::charts::{self, style::Scene};
use evaluate::cli::Cli;
use evaluate::results::Report;
use std::path::Path;

fn report(args: &[&str]) -> Report {
    let mut argv = vec!["evaluate"];
    argv.extend_from_slice(args);
    let cli = Cli::parse_from(argv);
    evaluate::run::report(&cli).expect("the example analyses")
}

fn hidalgo(lang: &str) -> Report {
    report(&[
        "examples/hidalgo/cohort.csv",
        "--spec",
        "examples/hidalgo/spec.toml",
        "--ignore",
        "age_band",
        "--lang",
        lang,
    ])
}

/// The Hidalgo cohort reduced to rows matching `keep` (to get other designs).
fn hidalgo_subset(dir: &Path, name: &str, keep: impl Fn(&str) -> bool) -> String {
    let text = std::fs::read_to_string("examples/hidalgo/cohort.csv").unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| keep(l)) {
        out.push_str(l);
        out.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, out).unwrap();
    p.display().to_string()
}

fn assert_clean(stem: &str, scene: &Scene) {
    let problems = scene.layout_problems();
    assert!(problems.is_empty(), "{stem}: {problems:#?}");
    assert!(scene.height > 100.0 && scene.height < 4000.0, "{stem}");
}

#[test]
fn every_chart_is_laid_out_without_overlap_or_clipping() {
    for lang in ["en", "es"] {
        let r = hidalgo(lang);
        let all = charts::charts(&r);
        // overview, effects and one per domain
        assert_eq!(all.len(), 2 + r.domains.len());
        for c in &all {
            assert_clean(&c.stem, &c.scene);
        }
    }
}

#[test]
fn other_designs_chart_cleanly_too() {
    let dir = tempfile::tempdir().unwrap();
    let one_arm = hidalgo_subset(dir.path(), "one_arm.csv", |l| l.contains(",program,"));
    let post_only = hidalgo_subset(dir.path(), "post_only.csv", |l| l.contains(",after,"));
    for (file, design) in [(one_arm, "pre_post"), (post_only, "post_only_control")] {
        for lang in ["en", "es"] {
            let r = report(&[&file, "--ignore", "age_band", "--lang", lang]);
            assert_eq!(
                serde_json::to_value(r.input.design).unwrap(),
                design,
                "{file}"
            );
            for c in charts::charts(&r) {
                assert_clean(&format!("{design}/{}", c.stem), &c.scene);
            }
        }
    }
}

/// The SVG's structure: element counts and texts with digits masked, so the snapshot
/// follows layout and wording, not the last digit of an estimate.
fn skeleton(stem: &str, svg: &str) -> String {
    let count = |tag: &str| svg.matches(&format!("<{tag}")).count();
    let mut texts = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let Some(close) = rest.find("</text>") else {
            break;
        };
        let inner = rest[open_end + 1..close].trim();
        let masked: String = inner
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        texts.push(masked);
        rest = &rest[close..];
    }
    format!(
        "== {stem}: rect {} path/polyline {} circle {} text {}\n{}\n",
        count("rect"),
        count("path") + count("polyline"),
        count("circle"),
        count("text"),
        texts.join("\n")
    )
}

#[test]
fn svg_structure_snapshot() {
    let r = hidalgo("en");
    let mut all = String::new();
    for c in charts::charts(&r) {
        let svg = charts::to_svg(&c.scene).unwrap();
        assert!(svg.contains("viewBox=\"0 0 640 "), "{}", c.stem);
        assert!(svg.contains("font-family=\"DejaVu Sans, Verdana, sans-serif\""));
        all.push_str(&skeleton(&c.stem, &svg));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn spanish_charts_use_decimal_commas_and_spanish_words() {
    let r = hidalgo("es");
    let all = charts::charts(&r);
    let overview = all.iter().find(|c| c.stem == "overview").unwrap();
    let svg = charts::to_svg(&overview.scene).unwrap();
    assert!(svg.contains("53,7 %"), "program after, extroverted");
    assert!(!svg.contains("53.7"));
    assert!(svg.contains("Programa") && svg.contains("después"));
    assert!(
        svg.contains("Desarrollo infantil en Hidalgo"),
        "title from the spec"
    );
    let effects = all.iter().find(|c| c.stem == "effects").unwrap();
    let svg = charts::to_svg(&effects.scene).unwrap();
    assert!(svg.contains("Efecto del programa en cada dominio"));
    assert!(svg.contains("p ajustado"));
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn pngs_are_twice_the_svg_size_and_have_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    let r = hidalgo("en");
    let written = charts::write_all(&r, &out, &[]).unwrap();
    let scenes = charts::charts(&r);
    assert_eq!(written.len(), 2 * scenes.len());
    for c in &scenes {
        let png = std::fs::read(out.join(format!("{}.png", c.stem))).unwrap();
        let (w, h) = png_size(&png);
        assert_eq!(w, 1280, "{}", c.stem);
        assert_eq!(h, (c.scene.height * 2.0).ceil() as u32, "{}", c.stem);
        assert!(png.len() > 20_000, "{} is nearly empty", c.stem);
        assert!(out.join(format!("{}.svg", c.stem)).is_file());
    }
    // No temp files left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

    // Text pixels: the title band (top 60 px at 2×, left half) is mostly white
    // with dark glyph pixels — the embedded font rendered.
    let overview = &scenes[0];
    let (w, _, rgb) = charts::to_rgb(&overview.scene, 2.0).unwrap();
    let dark = (20..80usize)
        .flat_map(|y| (40..640usize).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let i = (y * w as usize + x) * 3;
            rgb[i] < 100 && rgb[i + 1] < 100 && rgb[i + 2] < 100
        })
        .count();
    assert!(dark > 2_000, "title glyph pixels: {dark}");
}

#[test]
fn chart_files_stay_inside_the_folder_with_safe_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let mut r = hidalgo("en");
    r.domains[0].name = "../../evil name".into();
    r.domains[1].name = "overview".into();
    r.domains[2].name = "/etc/passwd".into();
    charts::write_all(&r, &out, &[]).unwrap();
    for f in [
        "evil_name.png",
        "overview-2.svg",
        "etc_passwd.png",
        "overview.png",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(!dir.path().join("evil name.png").exists());
    for e in std::fs::read_dir(dir.path()).unwrap() {
        assert_eq!(e.unwrap().file_name(), "c", "nothing outside the folder");
    }
}

#[test]
fn a_chart_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("overview.svg");
    std::fs::write(&input, "data").unwrap();
    let r = hidalgo("en");
    let err = charts::write_all(&r, dir.path(), &[input.display().to_string()]);
    assert!(err.is_err());
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "data");
}

/// A scene holding one line of body text.
fn one_text(text: &str, bold: bool) -> Scene {
    use charts::style::{Align, BODY, INK};
    let mut s = Scene::new(400.0);
    s.height = 60.0;
    s.text(10.0, 30.0, text, BODY, bold, INK, Align::Left);
    s
}

/// Where the font puts each letter's ink, in pixels from the pen's start, at
/// `size` em × `scale`: (left, right) per letter, from the font's own tables
/// (advances, kerning, outline bounds), not from the chart code.
fn font_ink(text: &str, size: f64, scale: f64, bold: bool) -> Vec<(f64, f64)> {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
    let bytes = if bold {
        dejavu::sans::bold()
    } else {
        dejavu::sans::regular()
    };
    let font = FontRef::try_from_slice(bytes).unwrap();
    // plotters' size convention: ascent − descent spans 1.24 em.
    let scaled = font.as_scaled(PxScale::from((1.24 * size * scale) as f32));
    let f = f64::from(scaled.h_scale_factor());
    let mut pen = 0.0;
    let mut prev = None;
    let mut out = Vec::new();
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += f * f64::from(font.kern_unscaled(p, id));
        }
        let b = font.outline(id).unwrap().bounds;
        out.push((pen + f * f64::from(b.min.x), pen + f * f64::from(b.max.x)));
        pen += f * f64::from(font.h_advance_unscaled(id));
        prev = Some(id);
    }
    out
}

/// Runs of inked columns (any pixel visibly darker than white) in an RGB image:
/// (first column, last column + 1).
fn ink_runs(w: u32, h: u32, rgb: &[u8]) -> Vec<(usize, usize)> {
    let (w, h) = (w as usize, h as usize);
    let inked: Vec<bool> = (0..w)
        .map(|x| (0..h).any(|y| rgb[(y * w + x) * 3] < 250))
        .collect();
    let mut runs = Vec::new();
    let mut start = None;
    for (x, &i) in inked.iter().chain([false].iter()).enumerate() {
        match (i, start) {
            (true, None) => start = Some(x),
            (false, Some(s0)) => {
                runs.push((s0, x));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Letter spacing at the rendering level (issue 21: "Cen tros", "In fantil"): each
/// letter's ink in the PNG is where the font's advances, kerning and side bearings
/// put it (to within anti-aliasing), so the white between letters is the font's,
/// and no gap stands out.
#[test]
fn bitmap_text_keeps_the_fonts_letter_spacing() {
    for (text, bold) in [
        ("Centros", false),
        ("Infantil", false),
        ("Desarrollo", true),
        ("Cognitive", false),
    ] {
        let (w, h, rgb) = charts::to_rgb(&one_text(text, bold), 2.0).unwrap();
        let (wu, hu) = (w as usize, h as usize);
        let inked = |x: f64| {
            let x = x.floor() as usize;
            (0..hu).any(|y| rgb[(y * wu + x) * 3] < 250)
        };
        let x0 = 10.0 * 2.0; // the pen's start, in pixels
        let ink: Vec<(f64, f64)> = font_ink(text, charts::style::BODY, 2.0, bold)
            .into_iter()
            .map(|(l, r)| (x0 + l, x0 + r))
            .collect();
        for (i, &(l, r)) in ink.iter().enumerate() {
            // Ink just inside each letter's left and right edges…
            assert!(
                inked(l + 0.75),
                "{text}: letter {i} has no ink at its left edge {l:.2}"
            );
            assert!(
                inked(r - 0.75),
                "{text}: letter {i} has no ink at its right edge {r:.2}"
            );
        }
        for (i, pair) in ink.windows(2).enumerate() {
            // …and none in the white the font leaves between two letters.
            let (from, to) = ((pair[0].1 + 0.5).ceil(), (pair[1].0 - 0.5).floor());
            let mut x = from;
            while x < to {
                assert!(
                    !inked(x),
                    "{text}: ink at column {x} between letters {i} and {}",
                    i + 1
                );
                x += 1.0;
            }
        }
        // The symptom: one gap far wider than the others.
        let gaps: Vec<usize> = ink_runs(w, h, &rgb)
            .windows(2)
            .map(|r| r[1].0 - r[0].1)
            .collect();
        let mut sorted = gaps.clone();
        sorted.sort_unstable();
        let median = sorted[sorted.len() / 2].max(1);
        let widest = sorted.last().copied().unwrap_or(0);
        assert!(2 * widest <= 5 * median, "{text}: gaps {gaps:?}");
    }
}

/// The trimmed contents of an SVG's `<text>` elements.
fn texts_of(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t[t.find('>')? + 1..t.find("</text>")?].trim().to_string()))
        .collect()
}

/// SVG text stays whole strings for the viewer to set with its own kerning: one
/// `<text>` per label, never a letter per element.
#[test]
fn svg_text_is_emitted_as_whole_strings() {
    let svg = charts::to_svg(&one_text("Centros Infantil", false)).unwrap();
    assert_eq!(svg.matches("<text").count(), 1, "{svg}");
    let inner = texts_of(&svg);
    assert_eq!(inner, ["Centros Infantil"], "{svg}");
    assert!(!svg.contains("letter-spacing") && !svg.contains("textLength"));
    let r = hidalgo("es");
    for c in charts::charts(&r) {
        let svg = charts::to_svg(&c.scene).unwrap();
        for inner in texts_of(&svg) {
            assert!(
                inner.chars().count() > 1 || !inner.chars().any(char::is_alphabetic),
                "{}: a single letter in its own element: {inner:?}",
                c.stem
            );
        }
    }
}

/// A comparison is never split across caption lines ("…; p" / "< 0.001").
#[test]
fn captions_keep_p_values_on_one_line() {
    use charts::style::{SMALL, wrap};
    let text = "Moved up a level: Program 30.8%, Control 5.7%; difference +25.1 pp [21.6, 28.6]; p < 0.001.";
    for max in (200..600).step_by(7) {
        let lines = wrap(text, SMALL, false, f64::from(max));
        assert_eq!(lines.join(" "), text, "nothing lost at {max}");
        for l in &lines {
            assert!(
                !l.ends_with(" p") && !l.ends_with('<') && !l.starts_with('<'),
                "split comparison at {max}: {lines:?}"
            );
        }
    }
}
