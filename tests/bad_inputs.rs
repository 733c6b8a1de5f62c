//! The hostile-input corpus (`testdata/bad/cases.tsv`): every malformed or awkward
//! input gives its expected exit code and message, never a panic.

use assert_cmd::Command;

#[test]
fn corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad");
    let cases = std::fs::read_to_string(dir.join("cases.tsv")).unwrap();
    let mut n = 0;
    let mut failures = Vec::new();
    for line in cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('\t').collect();
        let [args, code, fragment] = parts[..] else {
            panic!("bad line in cases.tsv: {line}");
        };
        let code: i32 = code.parse().unwrap();
        let out = Command::cargo_bin("evaluate")
            .unwrap()
            .current_dir(&dir)
            .args(args.split(' '))
            .write_stdin("")
            .output()
            .unwrap();
        n += 1;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let text = if code == 0 {
            format!("{stdout}{stderr}")
        } else {
            stderr.to_string()
        };
        if out.status.code() != Some(code) || !text.contains(fragment) {
            failures.push(format!(
                "{args}: expected exit {code} with {fragment:?}, got {:?}\n{stderr}",
                out.status.code()
            ));
        }
        if code == 0 && (stdout.contains("NaN") || stdout.contains("inf ")) {
            failures.push(format!("{args}: NaN or inf in the output"));
        }
        assert!(!stderr.contains("panicked"), "{args}: panic\n{stderr}");
    }
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 40, "the corpus has {n} cases");
    assert!(!dir.join("no_such_folder").exists());
}

/// A text column of names (one per child, repeated at both waves) is not printed as
/// levels anywhere.
#[test]
fn names_in_a_text_column_are_not_levels() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad");
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(&dir)
        .args(["names_column.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Surname"));
}
