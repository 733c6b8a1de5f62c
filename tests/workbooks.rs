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
