//! Snapshots of every view of one small cohort: a change to any number, label or
//! layout shows up as a reviewed diff (`cargo insta review`).

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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

#[test]
fn small_cohort_json() {
    let v: serde_json::Value =
        serde_json::from_str(&run(&["testdata/cli/small.csv", "--format", "json", "-q"])).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn small_cohort_table() {
    insta::assert_snapshot!(run(&["testdata/cli/small.csv"]));
}

#[test]
fn small_cohort_table_in_spanish() {
    insta::assert_snapshot!(run(&["testdata/cli/small.csv", "--lang", "es"]));
}

#[test]
fn small_cohort_csv() {
    insta::assert_snapshot!(run(&["testdata/cli/small.csv", "--format", "csv", "-q"]));
}
