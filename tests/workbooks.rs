//! Spreadsheets read directly: the same results as the CSV they hold.

use assert_cmd::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn domains(args: &[&str]) -> serde_json::Value {
    let out = run(&[args, &["--format", "json"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["domains"].clone()
}

#[test]
fn xlsx_and_xls_equal_the_csv() {
    let csv = domains(&["testdata/cli/small.csv"]);
    assert_eq!(
        domains(&["testdata/workbooks/cohort.xlsx", "--sheet", "Datos"]),
        csv
    );
    assert_eq!(domains(&["testdata/workbooks/cohort.xls"]), csv);
}

#[test]
fn sheet_errors_name_sheet_row_and_column() {
    let out = run(&["testdata/workbooks/formula_error.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("[sheet Datos], row 4, column \"D\": cell D4 holds the error #DIV/0!"),
        "{e}"
    );
    let out = run(&["testdata/workbooks/cohort.xlsx", "--sheet", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("sheets: Notas, Datos") && e.contains("--sheet"),
        "{e}"
    );
}

/// Issue 20: a workbook whose first sheet is instructions is read from its first
/// sheet holding a table, with a notice naming it; a date-formatted column
/// (`fecha_visita`, Excel day counts) is dates, not an outcome, like text dates.
#[test]
fn the_first_sheet_with_data_is_read_and_date_cells_are_dates() {
    let out = run(&["testdata/workbooks/visitas.xlsx", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["input"]["files"][0],
        "testdata/workbooks/visitas.xlsx [sheet Datos]"
    );
    let names: Vec<&str> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["peso_kg", "lectura"]);
    let w = v["warnings"].to_string();
    assert!(
        w.contains(
            "notice: read sheet \\\"Datos\\\" (sheet 2 of 3); the first sheet, \\\"Instrucciones\\\", holds no table"
        ),
        "{w}"
    );
    let date = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["domain"] == "fecha_visita")
        .expect("a warning about fecha_visita");
    assert_eq!(
        date["message"],
        "dates, not an outcome; skipped (use --ignore to silence)"
    );
    // Decimals kept: the program children's mean weight at the first visit.
    let s = &v["domains"][0]["summary"][0];
    assert_eq!(s["group"], "intervention");
    assert_eq!(s["n"], 12);
    let mean = s["mean"].as_f64().unwrap();
    assert!((mean - 13.833333333333334).abs() < 1e-9, "{mean}");
    // --sheet names the sheet read: no notice.
    let out = run(&[
        "testdata/workbooks/visitas.xlsx",
        "--sheet",
        "datos",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["warnings"].to_string().contains("read sheet"));
}

/// With no sheet holding data, the error lists the sheets and what each holds.
#[test]
fn no_sheet_with_data_lists_the_sheets() {
    let out = run(&["testdata/workbooks/sin_datos.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("sin_datos.xlsx: no sheet holds a header row with data rows below it (sheets: \"Portada\" (no data rows), \"Hoja2\" (empty), \"Datos\" (no data rows))"),
        "{e}"
    );
    assert!(e.contains("--sheet NAME"), "{e}");
}
