//! Repeated visits through the binary (contract §9, issue 16): the visits grid with
//! a row per visit, the findings in English and Spanish, the statement about too
//! few children, the line charts and the report; two-wave outputs unchanged.

use assert_cmd::Command;

const CSV: &str = "examples/visits/visits.csv";
const SPEC: &str = "examples/visits/spec.toml";

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The block of the table titled `heading` (up to the next blank line).
fn block<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(heading).expect("the block is there");
    let rest = &text[start..];
    &rest[..rest.find("\n\n").unwrap_or(rest.len())]
}

#[test]
fn the_table_has_a_row_per_visit_then_the_trend() {
    let text = run(&[CSV, "--spec", SPEC, "--lang", "en"]);
    let b = block(&text, "School attendance · Visits");
    let rows: Vec<&str> = b
        .lines()
        .filter(|l| l.trim_start().starts_with("Visita ") || l.contains("Trend"))
        .collect();
    assert_eq!(rows.len(), 7, "{b}");
    for (k, row) in rows.iter().take(6).enumerate() {
        assert!(row.contains(&format!("Visita {}", k + 1)), "{row}");
    }
    // Visit 1: 4 of 7 in the program (57.1%), 4 of 6 in the comparison group.
    assert!(
        rows[0].contains("57.1%") && rows[0].contains("66.7%"),
        "{}",
        rows[0]
    );
    // The missed visit: 6 program children at visit 4.
    assert!(
        rows[3].contains(" 6 ") && rows[3].contains("83.3%"),
        "{}",
        rows[3]
    );
    assert!(rows[5].contains("85.7%"), "{}", rows[5]);
    assert!(
        rows[6].contains("Trend (per month)") && rows[6].contains("pp"),
        "{}",
        rows[6]
    );
    // The times column, in months.
    assert!(b.contains("Month"), "{b}");
    insta::assert_snapshot!("visits_table_en", b);
}

#[test]
fn findings_say_where_the_visits_went_in_both_languages() {
    let en = run(&[CSV, "--spec", SPEC, "--lang", "en"]);
    assert!(
        en.contains(
            "From visita 1 to visita 6, school attendance in the program group rose from 57% to 86% (comparison: 67% to 67%); the trend is +1.8 points per month (95% CI -1.5 to 5.1; adjusted p = 0.24)"
        ),
        "{en}"
    );
    assert!(en.contains(
        "With only 7 children in the program group and 6 in the comparison group, this result cannot support a conclusion about school attendance."
    ));
    let es = run(&[CSV, "--spec", SPEC]);
    assert!(
        es.contains(
            "De visita 1 a visita 6, asistencia escolar en el grupo programa subió de 57 % a 86 % (comparación: de 67 % a 67 %); la tendencia es de +1,8 puntos por mes"
        ),
        "{es}"
    );
    assert!(es.contains(
        "Con solo 7 niños en el grupo programa y 6 en el grupo comparación, este resultado no permite sacar conclusiones sobre asistencia escolar."
    ));
}

#[test]
fn larger_cohorts_get_no_small_sample_statement() {
    let path = "/work/shared/conformance/part2/p2_visitas/visitas.csv";
    if !std::path::Path::new(path).exists() {
        return;
    }
    let text = run(&[path]);
    assert!(text.contains("Trend (per visit)"), "{text}");
    assert!(!text.contains("cannot support a conclusion"), "{text}");
}

#[test]
fn json_findings_carry_the_visits_sentences() {
    let json = run(&[CSV, "--spec", SPEC, "--format", "json", "--lang", "en"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let texts: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["text"].as_str())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("From visita 1 to visita 6"))
    );
}

#[test]
fn line_charts_are_written_and_the_report_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("charts");
    let report = dir.path().join("report.html");
    run(&[
        CSV,
        "--spec",
        SPEC,
        "--charts",
        charts.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    for stem in [
        "asiste_escuela-visits",
        "calificacion-visits",
        "overview",
        "effects",
    ] {
        for ext in ["png", "svg"] {
            let f = charts.join(format!("{stem}.{ext}"));
            assert!(f.metadata().is_ok_and(|m| m.len() > 1000), "{f:?}");
        }
    }
    let svg = std::fs::read_to_string(charts.join("calificacion-visits.svg")).unwrap();
    for label in ["Visita 1", "Visita 6", "mes 12", "Tendencia por mes"] {
        assert!(svg.contains(label), "{label}");
    }
    let html = std::fs::read_to_string(report).unwrap();
    assert_eq!(html.matches("<h4>Visitas</h4>").count(), 2);
    // overview, effects, two domain charts and two visits charts
    assert_eq!(html.matches("<svg").count(), 6);
}

#[test]
fn two_waves_have_no_visits_block() {
    let text = run(&["examples/hidalgo/cohort.csv"]);
    assert!(!text.contains("· Visits") && !text.contains("Trend ("));
}

#[test]
fn every_visits_chart_is_laid_out_without_overlap_or_clipping() {
    use clap::Parser;
    for (csv, spec) in [
        (CSV, Some(SPEC)),
        (
            "/work/shared/conformance/part2/p2_visitas/visitas.csv",
            None,
        ),
    ] {
        if !std::path::Path::new(csv).exists() {
            continue;
        }
        for lang in ["en", "es"] {
            let mut argv = vec!["evaluate", csv, "--lang", lang];
            if let Some(s) = spec {
                argv.extend(["--spec", s]);
            }
            let cli = evaluate::cli::Cli::parse_from(argv);
            let r = evaluate::run::report(&cli).expect("the example analyses");
            let all = evaluate::charts::charts(&r);
            // overview, effects, one per domain and one line chart per domain
            assert_eq!(all.len(), 2 + 2 * r.domains.len(), "{csv}");
            for c in &all {
                let problems = c.scene.layout_problems();
                assert!(
                    problems.is_empty(),
                    "{csv} {lang} {}: {problems:#?}",
                    c.stem
                );
            }
        }
    }
}

/// The README's "Repeated visits" block is what the binary prints (cut at `[…]`).
#[test]
fn readme_visits_block_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("<!-- visits:start -->").expect("marker");
    let end = readme.find("<!-- visits:end -->").expect("marker");
    let out = run(&[CSV, "--spec", SPEC, "--lang", "en"]);
    let lines: std::collections::HashSet<&str> = out.lines().collect();
    let block = &readme[start..end];
    let mut checked = 0;
    for l in block.lines().filter(|l| {
        !l.starts_with("<!--") && !l.starts_with("```") && !l.starts_with('$') && *l != "[…]"
    }) {
        assert!(lines.contains(l), "README line not in the output: {l:?}");
        checked += 1;
    }
    assert!(checked > 15);
}
