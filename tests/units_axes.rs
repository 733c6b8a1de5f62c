//! Issue 21, through the binary: chart axes that start where a reader expects
//! (a 1–5 item on 1–5, proportions on 0–100 %, z-scores on ±3 SD), units from the
//! spec in findings, headings, chart axes and JSON, and a notice for every chart
//! not drawn (docs/charts.md).

use std::path::Path;

mod common;
use common::evaluate;

/// 40 children, two arms, before and after: a 1–5 item whose means sit near 3,
/// a weight in kilograms (about 10–16) and a yes/no item.
fn cohort(dir: &Path) -> String {
    let mut s = String::from("id,group,wave,item,peso,juega\n");
    for i in 0..40u32 {
        let arm = if i % 2 == 0 { "program" } else { "control" };
        for (w, wave) in ["pre", "post"].iter().enumerate() {
            let w = w as u32;
            let item = 1 + (i * 7 + w * 3 + i % 2) % 5;
            let peso = 10.0
                + f64::from((i * 13 + w * 5) % 60) / 10.0
                + f64::from(w) * 0.5
                + f64::from(u8::from(i % 2 == 0) * u8::try_from(w).unwrap()) * 0.3;
            let juega = if (i + w * u32::from(i % 2 == 0)).is_multiple_of(3) {
                "yes"
            } else {
                "no"
            };
            s.push_str(&format!("C{i:03},{arm},{wave},{item},{peso:.1},{juega}\n"));
        }
    }
    let p = dir.join("cohort.csv");
    std::fs::write(&p, s).unwrap();
    p.display().to_string()
}

fn spec(dir: &Path, unit: &str) -> String {
    let p = dir.join("spec.toml");
    std::fs::write(
        &p,
        format!(
            "[[domain]]\ncolumn = \"peso\"\nlabel = {{ en = \"Weight\", es = \"Peso\" }}\n{unit}\n"
        ),
    )
    .unwrap();
    p.display().to_string()
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let open = t.find('>')?;
            let close = t.find("</text>")?;
            Some(t[open + 1..close].trim().to_string())
        })
        .collect()
}

fn charts(args: &[&str], dir: &Path) -> std::process::Output {
    let out_dir = dir.join("charts");
    let out = evaluate()
        .args(args)
        .arg("--charts")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn svg_texts(dir: &Path, stem: &str) -> Vec<String> {
    let svg = std::fs::read_to_string(dir.join("charts").join(format!("{stem}.svg")))
        .unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
    texts(&svg)
}

#[test]
fn a_one_to_five_item_is_plotted_on_one_to_five() {
    let dir = tempfile::tempdir().unwrap();
    let file = cohort(dir.path());
    charts(&[&file, "-q"], dir.path());
    let t = svg_texts(dir.path(), "item");
    for tick in ["1", "2", "3", "4", "5"] {
        assert!(t.iter().any(|x| x == tick), "tick {tick} missing: {t:?}");
    }
    // Whole ticks only: no zoom to 2.4–3.4.
    assert!(
        !t.iter()
            .any(|x| x == "0" || x == "6" || x == "2.5" || x == "3.5"),
        "{t:?}"
    );
    // The weight has no known range: its axis stays around its means (not from 0).
    let t = svg_texts(dir.path(), "peso");
    assert!(!t.iter().any(|x| x == "0"), "{t:?}");
}

#[test]
fn a_scale_is_plotted_on_its_items_range() {
    // Four items 1–5, score = "sum": 4 to 20; ticks round to 0, 5, …, 20.
    let dir = tempfile::tempdir().unwrap();
    charts(
        &[
            "testdata/derived/escala.csv",
            "--spec",
            "testdata/derived/escala.toml",
            "-q",
        ],
        dir.path(),
    );
    let t = svg_texts(dir.path(), "bienestar");
    for tick in ["5", "10", "15", "20"] {
        assert!(t.iter().any(|x| x == tick), "tick {tick} missing: {t:?}");
    }
}

#[test]
fn proportions_are_plotted_on_zero_to_one_hundred_percent() {
    let dir = tempfile::tempdir().unwrap();
    let file = cohort(dir.path());
    charts(&[&file, "-q"], dir.path());
    for stem in ["juega", "overview"] {
        let t = svg_texts(dir.path(), stem);
        assert!(t.iter().any(|x| x == "0%"), "{stem}: {t:?}");
        assert!(t.iter().any(|x| x == "100%"), "{stem}: {t:?}");
    }
}

#[test]
fn z_scores_are_plotted_on_three_sd_either_side_and_say_sd() {
    let dir = tempfile::tempdir().unwrap();
    let out = charts(
        &[
            "examples/bebes/cohort.csv",
            "--spec",
            "examples/bebes/spec.toml",
            "--lang",
            "en",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let domains = j["domains"].as_array().unwrap();
    for name in ["waz", "haz"] {
        let d = domains.iter().find(|d| d["name"] == name).unwrap();
        assert_eq!(d["unit"], "SD", "{name}");
        let t = svg_texts(dir.path(), name);
        assert!(t.iter().any(|x| x == "3"), "{name}: {t:?}");
        assert!(t.iter().any(|x| x == "−3" || x == "-3"), "{name}: {t:?}");
        assert!(t.iter().any(|x| x == "Mean, SD (95% CI)"), "{name}: {t:?}");
    }
    // A yes/no domain made by `pass` is a percentage: no unit.
    let d = domains.iter().find(|d| d["name"] == "peso_normal").unwrap();
    assert!(d.get("unit").is_none(), "{d}");
    let es = evaluate()
        .args([
            "examples/bebes/cohort.csv",
            "--spec",
            "examples/bebes/spec.toml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&es.stdout).unwrap();
    let waz = j["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "waz")
        .unwrap();
    assert_eq!(waz["unit"], "DE");
}

fn run(args: &[&str]) -> (String, String) {
    let out = evaluate().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_unit_in_the_spec_is_said_in_findings_headings_axes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = cohort(dir.path());
    let spec = spec(dir.path(), "unit = { en = \"kg\", es = \"kg\" }");
    let base = [file.as_str(), "--spec", spec.as_str()];

    let (en, _) = run(&[&base[..], &["--format", "markdown", "--lang", "en"]].concat());
    let finding = en.lines().find(|l| l.starts_with("- Weight")).unwrap();
    assert!(
        finding.contains(" kg higher") || finding.contains(" kg lower"),
        "{finding}"
    );
    assert!(!finding.contains("points"), "{finding}");
    assert!(
        en.contains("## Weight (continuous: mean [CI] in kg)"),
        "{en}"
    );

    let (es, _) = run(&[&base[..], &["--format", "markdown", "--lang", "es"]].concat());
    let finding = es.lines().find(|l| l.starts_with("- Peso")).unwrap();
    assert!(
        finding.contains(" kg más") || finding.contains(" kg menos"),
        "{finding}"
    );
    assert!(!finding.contains("puntos"), "{finding}");
    assert!(es.contains("## Peso (continuo: media [IC] en kg)"), "{es}");
    // Means and the difference carry the unit, with a decimal comma.
    assert!(
        finding.contains(",") && finding.matches(" kg").count() >= 5,
        "{finding}"
    );

    let (json, _) = run(&[&base[..], &["--format", "json"]].concat());
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    let peso = j["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "peso")
        .unwrap();
    assert_eq!(peso["unit"], "kg");
    let item = j["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "item")
        .unwrap();
    assert!(item.get("unit").is_none(), "no unit given: no field");

    // The plan for the next round speaks of kilograms too.
    let (plan, _) = run(&[&base[..], &["--power", "--lang", "en"]].concat());
    assert!(
        plan.contains(" kg rise in weight") || plan.contains(" kg fall in weight"),
        "{plan}"
    );
    assert!(!plan.contains("-point rise in weight"), "{plan}");

    charts(&[&base[..], &["-q", "--lang", "es"]].concat(), dir.path());
    let t = svg_texts(dir.path(), "peso");
    assert!(t.iter().any(|x| x == "Media, kg (IC 95 %)"), "{t:?}");
}

#[test]
fn without_a_unit_findings_keep_points() {
    let dir = tempfile::tempdir().unwrap();
    let file = cohort(dir.path());
    let spec = spec(dir.path(), "");
    let (es, _) = run(&[
        &file, "--spec", &spec, "--format", "markdown", "--lang", "es",
    ]);
    let finding = es.lines().find(|l| l.starts_with("- Peso")).unwrap();
    assert!(finding.contains(" puntos"), "{finding}");
    assert!(!finding.contains("kg"), "{finding}");
}

#[test]
fn a_chart_not_drawn_is_announced_with_its_reason_in_the_language() {
    // Only numbers: no yes/no domain, so no overview.
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("id,group,wave,score\n");
    for i in 0..30u32 {
        let arm = if i % 2 == 0 { "program" } else { "control" };
        s.push_str(&format!("P{i},{arm},pre,{}\n", 10 + i % 7));
        s.push_str(&format!("P{i},{arm},post,{}\n", 11 + (i * 3) % 7));
    }
    let file = dir.path().join("scores.csv");
    std::fs::write(&file, s).unwrap();
    let file = file.display().to_string();
    for (lang, note) in [
        (
            "en",
            "note: overview.png not drawn: it shows yes/no domains and there are none",
        ),
        (
            "es",
            "nota: no se dibujó overview.png: muestra los dominios sí/no y no hay ninguno",
        ),
    ] {
        let out = charts(&[&file, "--lang", lang, "--format", "json"], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(note), "{lang}: {err}");
        assert!(!err.contains("effects.png"), "effects is drawn: {err}");
        assert!(dir.path().join("charts/effects.png").is_file());
        assert!(!dir.path().join("charts/overview.png").exists());
    }
    // --quiet: nothing on stderr.
    let out = charts(&[&file, "-q"], dir.path());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
