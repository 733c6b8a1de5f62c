//! Issue 21 bullet 5 and issue 20 bullet 5, through the binary: every warning in the
//! output's language, repeated warnings grouped with a count, long values cut in
//! what people read (kept whole in the JSON), errors in `--lang`, and no message
//! that speaks of a contract users do not have.

use evaluate::warning::Code;
use std::fmt::Write as _;
use std::path::Path;

mod common;
use common::evaluate;

/// (stdout, stderr) of a run that must succeed.
fn run(args: &[&str]) -> (String, String) {
    let out = evaluate().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// stderr of a run that must stop with a user error (exit code 2).
fn refused(args: &[&str]) -> String {
    let out = evaluate().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The longest fixed piece of a template (between `{…}` placeholders).
fn fixed_part(template: &str) -> String {
    let mut pieces = vec![String::new()];
    let mut in_brace = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_brace = true;
                pieces.push(String::new());
            }
            '}' => in_brace = false,
            _ if !in_brace => pieces.last_mut().unwrap().push(c),
            _ => {}
        }
    }
    pieces
        .into_iter()
        .max_by_key(|p| p.trim().len())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Two arms, two waves, 40 children: a score, five empty columns, a level of 900
/// characters in a categorical item, a yes/no item.
fn cohort(dir: &Path) -> String {
    let long = format!("Observación {}", "muy larga ".repeat(89));
    assert!(long.chars().count() >= 900);
    let mut s = String::from("id,grupo,momento,puntaje,v1,v2,v3,v4,v5,nivel,lee\n");
    for i in 0..40 {
        let arm = if i % 2 == 0 {
            "intervencion"
        } else {
            "control"
        };
        for (w, wave) in ["inicial", "final"].iter().enumerate() {
            let score = 10 + (i * 7) % 13 + w * (i % 3);
            let level = match (i + w) % 3 {
                0 => long.as_str(),
                1 => "bajo",
                _ => "alto",
            };
            let reads = if (i + w) % 2 == 0 { "si" } else { "no" };
            writeln!(s, "{i},{arm},{wave},{score},,,,,,{level},{reads}").unwrap();
        }
    }
    let p = dir.join("cohorte.csv");
    std::fs::write(&p, s).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn a_spanish_run_has_no_english_warning_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let csv = cohort(dir.path());
    let base = [csv.as_str(), "--lang", "es", "--ignore", "ausente"];
    let (table, table_err) = run(&[&base[..], &["-q"]].concat());
    let (md, md_err) = run(&[&base[..], &["--format", "markdown"]].concat());
    let (html, _) = run(&[&base[..], &["--format", "html", "-q"]].concat());
    let (json, _) = run(&[&base[..], &["--format", "json", "-q"]].concat());
    assert!(table_err.is_empty(), "{table_err}");
    // Specific Spanish texts, grouped with a count, in every human output.
    let grouped = "5 dominios: todos los valores faltan; dominio omitido — v1, v2, v3, … y 2 más";
    let absent = "--ignore ausente: no existe esa columna; nada que ignorar";
    for (name, out) in [
        ("table", &table),
        ("markdown", &md),
        ("html", &html),
        ("stderr", &md_err),
    ] {
        assert!(out.contains(grouped), "{name}:\n{out}");
        assert!(out.contains(absent), "{name}:\n{out}");
        for &c in Code::ALL {
            let english = fixed_part(c.en());
            assert!(
                !out.contains(&english),
                "{name} holds English warning text {english:?}"
            );
        }
    }
    assert!(md_err.contains("advertencia: 5 dominios"), "{md_err}");
    assert!(!md_err.contains("warning:"), "{md_err}");
    assert!(table.contains("Advertencias (8):"), "{table}");
    // The JSON keeps one object per warning, English `message`, and adds the code,
    // the arguments and the Spanish text.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ws = v["warnings"].as_array().unwrap();
    let missing: Vec<_> = ws.iter().filter(|w| w["code"] == "all_missing").collect();
    assert_eq!(missing.len(), 5);
    assert_eq!(missing[0]["domain"], "v1");
    assert_eq!(
        missing[0]["message"],
        "every value is missing; domain skipped"
    );
    assert_eq!(
        missing[0]["text"],
        "todos los valores faltan; dominio omitido"
    );
    let ignore = ws.iter().find(|w| w["code"] == "ignore_absent").unwrap();
    assert_eq!(ignore["args"]["column"], "ausente");
    assert_eq!(
        ignore["message"],
        "--ignore ausente: there is no such column; nothing to ignore"
    );
}

/// The Word report's warnings: Spanish and grouped (read back with Python's
/// zipfile; skipped where there is no python3).
#[test]
fn the_word_report_groups_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let csv = cohort(dir.path());
    let docx = dir.path().join("informe.docx");
    run(&[
        csv.as_str(),
        "--lang",
        "es",
        "-q",
        "--report",
        docx.to_str().unwrap(),
    ]);
    let xml = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())",
            docx.to_str().unwrap(),
        ])
        .output();
    let Ok(xml) = xml.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()) else {
        eprintln!("SKIPPED: no python3 to read the .docx");
        return;
    };
    assert!(
        xml.contains(
            "5 dominios: todos los valores faltan; dominio omitido — v1, v2, v3, … y 2 más"
        ),
        "{}",
        &xml[..xml.len().min(2000)]
    );
    assert!(!xml.contains("every value is missing"));
    assert!(xml.contains("muy lar…") && !xml.contains(&"muy larga ".repeat(10)));
}

#[test]
fn english_is_grouped_too_and_json_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let csv = cohort(dir.path());
    let (table, _) = run(&[csv.as_str(), "-q"]);
    assert!(
        table.contains(
            "  - 5 domains: every value is missing; domain skipped — v1, v2, v3, … and 2 more\n"
        ),
        "{table}"
    );
    let (_, stderr) = run(&[csv.as_str(), "--format", "csv"]);
    assert_eq!(
        stderr.matches("every value is missing").count(),
        1,
        "one line for the five: {stderr}"
    );
    assert!(
        stderr.contains("warning: 5 domains: every value is missing"),
        "{stderr}"
    );
    let (json, _) = run(&[csv.as_str(), "--format", "json", "-q"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ws = v["warnings"].as_array().unwrap();
    assert_eq!(ws.len(), 7);
    assert_eq!(ws.iter().filter(|w| w["code"] == "all_missing").count(), 5);
    assert!(ws.iter().all(|w| w["text"] == w["message"]));
}

#[test]
fn a_long_level_is_cut_for_people_and_whole_in_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let csv = cohort(dir.path());
    for format in ["table", "markdown", "html"] {
        let (out, _) = run(&[csv.as_str(), "--format", format, "-q"]);
        assert!(out.contains("Observación muy larga"), "{format}");
        assert!(
            !out.contains(&"muy larga ".repeat(10)),
            "{format}: level not cut"
        );
        assert!(out.contains("muy larga muy lar…"), "{format}");
        if format != "html" {
            let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
            assert!(widest < 400, "{format}: a line of {widest} characters");
        }
    }
    let (json, _) = run(&[csv.as_str(), "--format", "json", "-q"]);
    assert!(json.contains(&"muy larga ".repeat(89).trim_end().to_string()));
}

#[test]
fn a_megabyte_cell_is_not_echoed_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let cell = "x".repeat(1 << 20);
    let mut s = String::from("id,group,wave,score\n");
    for i in 0..10 {
        for wave in ["pre", "post"] {
            let v = if i == 3 && wave == "post" {
                cell.as_str()
            } else {
                "4"
            };
            writeln!(
                s,
                "{i},{},{wave},{v}",
                if i % 2 == 0 {
                    "intervention"
                } else {
                    "control"
                }
            )
            .unwrap();
        }
    }
    let p = dir.path().join("big.csv");
    std::fs::write(&p, s).unwrap();
    let p = p.to_str().unwrap();
    let en = refused(&[p]);
    assert!(en.len() < 1000, "{} bytes on stderr", en.len());
    assert!(en.contains(&format!("\"{}…\"", "x".repeat(59))), "{en}");
    let es = refused(&[p, "--lang", "es"]);
    assert!(es.len() < 1000, "{} bytes on stderr", es.len());
    assert!(es.contains("en el dominio numérico \"score\""), "{es}");
    assert!(es.contains("línea 9, columna \"score\""), "{es}");
    assert!(es.contains("solución: corrija el valor"), "{es}");
}

#[test]
fn errors_speak_the_spec_language_and_sheets_are_hojas() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, "lang = \"es\"\n").unwrap();
    let spec = spec.to_str().unwrap();
    let err = refused(&[
        "testdata/workbooks/cohort.xlsx",
        "--spec",
        spec,
        "--by",
        "no_existe",
    ]);
    assert!(
        err.contains("--by no_existe: no existe esa columna"),
        "{err}"
    );
    assert!(err.contains("[hoja "), "{err}");
    assert!(err.contains("las columnas son:"), "{err}");
    let (md, _) = run(&[
        "testdata/workbooks/cohort.xlsx",
        "--sheet",
        "Datos",
        "--lang",
        "es",
        "--format",
        "markdown",
        "-q",
    ]);
    assert!(
        md.contains("cohort.xlsx [hoja Datos]") && !md.contains("[sheet "),
        "{md}"
    );
    // The notice naming the sheet read, in Spanish.
    let (_, stderr) = run(&[
        "testdata/workbooks/cohort.xlsx",
        "--lang",
        "es",
        "--format",
        "csv",
    ]);
    assert!(
        stderr.contains(
            "advertencia: nota: se leyó la hoja \"Datos\" (hoja 2 de 2); la primera hoja, \"Notas\""
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("read sheet"), "{stderr}");
}

#[test]
fn no_message_speaks_of_a_contract() {
    let (help, _) = run(&["--help"]);
    assert!(!help.to_lowercase().contains("contract"), "{help}");
    assert!(!help.contains('§'), "{help}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "title = [\n").unwrap();
    let err = refused(&[
        "testdata/workbooks/cohort.xlsx",
        "--spec",
        bad.to_str().unwrap(),
    ]);
    assert!(err.contains("README"), "{err}");
    assert!(!err.to_lowercase().contains("contract"), "{err}");
    // No user-facing string literal in the source names the contract.
    let mut files = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut found = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for (i, line) in src.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("//") || t.starts_with("#[") {
                continue;
            }
            let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
            if quoted
                .iter()
                .any(|q| q.to_lowercase().contains("contract") || q.contains('§'))
            {
                found.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
