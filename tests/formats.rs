//! Formats people already use (contract §12): SPSS and Stata files read as they
//! come, and the Word report. The fixtures are written by pyreadstat and pandas
//! (testdata/formats/make_fixtures.py).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

/// The JSON results, without the input's file names (they differ by design).
fn results(args: &[&str]) -> Value {
    let out = run(&[args, &["--format", "json", "--quiet"]].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["input"]["files"] = Value::Null;
    v
}

#[test]
fn sav_zsav_and_dta_give_the_results_of_the_csv() {
    let csv = results(&["testdata/formats/cohort.csv"]);
    // The labels were read: the arms and levels are the labels' text.
    let text = csv.to_string();
    assert!(
        text.contains("programa") && text.contains("medio"),
        "{text}"
    );
    for f in [
        "cohort.sav",
        "cohort.zsav",
        "cohort_range.sav",
        "cohort.dta",
        "cohort_117.dta",
        "cohort_114.dta",
    ] {
        let path = format!("testdata/formats/{f}");
        assert_eq!(results(&[&path]), csv, "{f}");
    }
}

#[test]
fn labelled_values_read_as_their_text_and_missing_codes_as_missing() {
    for f in ["cohort.sav", "cohort.zsav", "cohort.dta", "cohort_114.dta"] {
        let path = format!("testdata/formats/{f}");
        let mut src = evaluate::input::read::read_path(&path, None).unwrap();
        assert_eq!(
            src.headers,
            ["Folio", "Grupo", "momento", "Puntaje", "Lee", "nivel"],
            "{f}: names keep their case"
        );
        let mut rows = Vec::new();
        let mut blocks = src.blocks().unwrap();
        while let Some(b) = blocks.next_block().unwrap() {
            b.each_record(b',', |pos, rec| {
                rows.push((
                    pos,
                    rec.iter()
                        .map(|f| evaluate::input::read::text(f).into_owned())
                        .collect::<Vec<_>>(),
                ));
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        }
        assert_eq!(rows.len(), 48, "{f}");
        assert_eq!(rows[0].0, 1, "{f}: positions are case numbers");
        assert_eq!(rows[0].1[1], "programa", "{f}");
        assert_eq!(rows[1].1[2], "después", "{f}");
        // Row 4: score 999 (user-missing / .b); row 11: "no sabe" 9 (user-missing
        // / .a); row 18: an empty score (system missing).
        assert_eq!(rows[3].1[3], "", "{f}");
        assert_eq!(rows[10].1[4], "", "{f}");
        assert_eq!(rows[17].1[3], "", "{f}");
        assert_eq!(rows[10].1[3], "52", "{f}");
        assert_eq!(rows[0].1[3], "39.1", "{f}");
    }
}

#[test]
fn errors_name_the_file_the_row_and_the_variable() {
    let out = run(&["testdata/formats/text_in_score.sav"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("testdata/formats/text_in_score.sav")
            && e.contains("row 6")
            && e.contains("Puntaje"),
        "{e}"
    );
    // Not SPSS at all, and a damaged Stata file.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.sav");
    std::fs::write(&fake, b"id,group\n1,a\n").unwrap();
    let out = run(&[fake.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("fake.sav") && e.contains("not an SPSS"), "{e}");
    let cut = dir.path().join("cut.dta");
    let bytes = std::fs::read("testdata/formats/cohort.dta").unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(&[cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("cut.dta") && e.contains("Stata"), "{e}");
    // A .sav cut inside its cases.
    let cut = dir.path().join("cut.sav");
    let bytes = std::fs::read("testdata/formats/cohort_range.sav").unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
    let out = run(&[cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("cut.sav") && e.contains("row 48"), "{e}");
}

/// Say that a test is skipped, past the test harness's capture (it shows in a
/// plain `cargo test`).
fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// Whether a command runs.
fn have(cmd: &str, arg: &str) -> bool {
    std::process::Command::new(cmd)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write_docx(dir: &Path, lang: &str, extra: &[&str]) -> (std::path::PathBuf, Value) {
    let docx = dir.join(format!("report-{lang}.docx"));
    let out = run(&[
        &[
            "testdata/formats/cohort.sav",
            "--lang",
            lang,
            "--report",
            docx.to_str().unwrap(),
            "--format",
            "json",
            "--quiet",
        ],
        extra,
    ]
    .concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (docx, serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn docx_is_a_word_package_with_real_tables_and_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let (docx, _) = write_docx(dir.path(), "en", &[]);
    let bytes = std::fs::read(&docx).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let text = String::from_utf8_lossy(&bytes);
    for part in [
        "word/document.xml",
        "word/styles.xml",
        "[Content_Types].xml",
    ] {
        assert!(text.contains(part), "{part} missing");
    }
}

/// Every number of the JSON that a domain's table shows (n per arm and wave, the
/// means or percentages, the estimates) is in that table, to its rounding.
#[test]
fn docx_tables_read_back_with_python_docx_hold_the_json_numbers() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import docx"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skipped("python-docx is not installed (pip install python-docx)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "es"] {
        let (docx, json) = write_docx(dir.path(), lang, &[]);
        let out = std::process::Command::new("python3")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["testdata/formats/docx_tables.py", docx.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["section"]["width_mm"], 210);
        assert_eq!(doc["section"]["height_mm"], 297);
        let domains = json["domains"].as_array().unwrap();
        // Attrition, Table 1 (baseline balance), one per domain, methods.
        let tables = doc["tables"].as_array().unwrap();
        assert_eq!(tables.len(), domains.len() + 3, "{doc}");
        assert!(
            ["Characteristic", "Característica"].contains(&tables[1][0][0].as_str().unwrap_or("")),
            "{doc}"
        );
        assert!(
            doc["table_styles"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s == "Evaluate Table")
        );
        // Charts: the effects chart, the overview (binary domain) and one per domain.
        assert!(doc["pictures"].as_u64().unwrap() > domains.len() as u64);
        let headings = doc["headings"].to_string();
        for d in domains {
            assert!(
                headings.contains(d["label"].as_str().unwrap()),
                "{headings}"
            );
        }
        // After the attrition table and Table 1, one table per domain.
        for (d, t) in domains.iter().zip(&tables[2..]) {
            let cells: Vec<String> = t
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_array().unwrap().iter())
                .map(|c| c.as_str().unwrap().replace(',', ".").replace('−', "-"))
                .collect();
            // Each number shown, with its number of decimals.
            let numbers: Vec<(f64, i32)> = cells
                .iter()
                .flat_map(|c| {
                    c.split(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == '-'))
                        .filter_map(|w| {
                            let w = w.trim_matches('.');
                            let dec = w.split_once('.').map_or(0, |(_, f)| f.len() as i32);
                            w.parse::<f64>().ok().map(|y| (y, dec))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            // x is shown when some number is x rounded to that number's decimals.
            let shown = |x: f64, what: &str| {
                let ok = numbers
                    .iter()
                    .any(|&(y, dec)| (x - y).abs() <= 0.5 * 10f64.powi(-dec) + 1e-9);
                assert!(ok, "{lang} {}: {what} {x} not in {cells:?}", d["name"]);
            };
            let pct = d["kind"] != "continuous";
            let scale = if pct { 100.0 } else { 1.0 };
            for s in d["summary"].as_array().unwrap() {
                if let Some(n) = s["n"].as_f64() {
                    shown(n, "n");
                }
                for key in ["mean", "proportion", "conf_low", "conf_high"] {
                    if let Some(m) = s[key].as_f64() {
                        shown(m * scale, key);
                    }
                }
            }
            // The primary tests are the ones the table shows.
            for t in d["tests"].as_array().unwrap() {
                if t["primary"] != true {
                    continue;
                }
                for key in ["estimate", "conf_low", "conf_high"] {
                    if let Some(e) = t[key].as_f64() {
                        shown(e * scale, key);
                    }
                }
            }
        }
    }
}

#[test]
fn docx_opens_in_libreoffice_without_repair() {
    if !have("soffice", "--version") {
        skipped("soffice (LibreOffice) is not installed; apt-get install libreoffice-writer-nogui");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "es"] {
        let (docx, _) = write_docx(dir.path(), lang, &["--min-cell", "5"]);
        let out = std::process::Command::new("soffice")
            .args([
                "--headless",
                &format!(
                    "-env:UserInstallation=file://{}/lo-profile",
                    dir.path().display()
                ),
                "--convert-to",
                "pdf",
                "--outdir",
                dir.path().to_str().unwrap(),
                docx.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let pdf = dir.path().join(format!("report-{lang}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_default();
        assert!(bytes.starts_with(b"%PDF"), "no PDF from {}", docx.display());
        // Several pages: the charts and tables are there.
        let pages = String::from_utf8_lossy(&bytes)
            .matches("/Type /Page")
            .count()
            + String::from_utf8_lossy(&bytes)
                .matches("/Type/Page")
                .count();
        assert!(pages >= 3, "{pages} pages");
    }
}
