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
        assert!(svg.contains("font-family=\"sans-serif\""));
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
