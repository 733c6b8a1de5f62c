//! Every column means what the evaluator meant (issue 20): files shaped like real
//! exports, through the binary — analysed right, or refused with the fix.

use assert_cmd::Command;
use serde_json::Value;

fn evaluate() -> Command {
    let mut c = Command::cargo_bin("evaluate").expect("binary built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn json_of(args: &[&str]) -> Value {
    let out = evaluate()
        .args(args)
        .args(["--format", "json", "-q"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn names(v: &Value) -> Vec<String> {
    v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

fn warnings(v: &Value) -> String {
    v["warnings"].to_string()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn a_wide_export_pairs_under_spanish_wave_words_with_decimal_commas() {
    let v = json_of(&["examples/propios/ancho.csv"]);
    assert_eq!(v["input"]["layout"], "wide");
    assert_eq!(names(&v), ["peso_kg", "lectura"]);
    assert_eq!(v["input"]["attributes"], serde_json::json!(["sexo"]));
    // Decimal commas read as decimals: the first child weighed 15,2 kg.
    let mean = v["domains"][0]["summary"][0]["mean"].as_f64().unwrap();
    assert!((mean - 16.535).abs() < 0.01, "{mean}");
    let w = warnings(&v);
    assert!(
        w.contains("comentarios") && w.contains("long free text"),
        "{w}"
    );
}

#[test]
fn columns_paired_under_unknown_words_are_named_not_read_as_one_wave() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("folio,grupo,q1_inicio,q1_cierre,q2_inicio,q2_cierre\n");
    for i in 0..20 {
        let g = if i % 2 == 0 { "programa" } else { "control" };
        csv.push_str(&format!(
            "F{i},{g},{},{},{},{}\n",
            i % 5,
            i % 4,
            i % 3,
            i % 5 + 1
        ));
    }
    let f = write(&dir, "encuesta.csv", &csv);
    let out = evaluate()
        .args([f.as_str(), "--format", "json"])
        .output()
        .unwrap();
    // Without the words: a warning naming the flags that pair them.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("columns end in \"cierre\" and \"inicio\" in pairs")
            && err.contains("--pre inicio --post cierre"),
        "{err}"
    );
    // With them: a wide file of two domains.
    let v = json_of(&[f.as_str(), "--pre", "inicio", "--post", "cierre"]);
    assert_eq!(v["input"]["layout"], "wide");
    assert_eq!(names(&v), ["q1", "q2"]);
}

#[test]
fn a_column_named_for_one_role_is_no_other_role() {
    // R's `sleep`: extra, group (the two drugs, here the waves), ID.
    let dir = tempfile::tempdir().unwrap();
    let extra = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    let extra2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    let mut csv = String::from("extra,group,ID\n");
    for (g, xs) in [(1, extra), (2, extra2)] {
        for (i, x) in xs.iter().enumerate() {
            csv.push_str(&format!("{x},{g},{}\n", i + 1));
        }
    }
    let f = write(&dir, "sleep.csv", &csv);
    let v = json_of(&[
        f.as_str(),
        "--wave",
        "group",
        "--id",
        "ID",
        "--pre",
        "1",
        "--post",
        "2",
    ]);
    assert_eq!(v["input"]["design"], "pre_post");
    let t = v["domains"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["method"] == "paired_t")
        .unwrap();
    // R: t.test(extra ~ group, data = sleep, paired = TRUE): mean difference 1.58.
    assert!((t["estimate"].as_f64().unwrap() - 1.58).abs() < 1e-12);
    assert!((t["statistic"].as_f64().unwrap() - 4.062127683382037).abs() < 1e-9);
}

#[test]
fn files_with_different_columns_are_refused_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        &dir,
        "intervencion.csv",
        "folio,momento,puntaje,extra\n1,antes,3,1\n1,despues,4,2\n",
    );
    let b = write(
        &dir,
        "control.csv",
        "folio,momento,puntaje\n1,antes,3\n1,despues,3\n",
    );
    for (x, y) in [(&a, &b), (&b, &a)] {
        let out = evaluate().args([x.as_str(), y.as_str()]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("column \"extra\" is in"), "{err}");
        assert!(err.contains("control.csv, line 1"), "{err}");
        assert!(err.contains("--ignore extra"), "{err}");
    }
    // --ignore resolves it, in either order; an absent --ignore column is only noted.
    let out = evaluate()
        .args([
            b.as_str(),
            a.as_str(),
            "--ignore",
            "extra,nada",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--ignore nada: there is no such column"),
        "{err}"
    );
}

#[test]
fn by_refuses_a_score_and_a_column_nested_in_the_arms() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,grupo,momento,centro,puntaje\n");
    for i in 0..30 {
        let (g, c) = if i % 2 == 0 {
            ("programa", ["A", "B"][i % 4 / 2])
        } else {
            ("control", ["C", "D"][i % 4 / 2])
        };
        for (w, m) in ["antes", "despues"].iter().enumerate() {
            csv.push_str(&format!("n{i},{g},{m},{c},{}\n", i + w));
        }
    }
    let f = write(&dir, "c.csv", &csv);
    let out = evaluate()
        .args([f.as_str(), "--by", "centro", "--cluster", "none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("it is a cluster") && err.contains("--cluster centro"),
        "{err}"
    );
    let out = evaluate()
        .args([f.as_str(), "--by", "puntaje"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("31 different values") && err.contains("a number"),
        "{err}"
    );
}

#[test]
fn dates_are_not_outcomes_and_coded_items_say_which_value_is_yes() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,grupo,momento,fecha,asiste\n");
    for i in 0..24 {
        let g = if i % 2 == 0 { "programa" } else { "control" };
        for (w, m) in ["antes", "despues"].iter().enumerate() {
            let yes = if (i + w) % 3 == 0 { 2 } else { 1 };
            csv.push_str(&format!(
                "n{i},{g},{m},{:02}/0{}/2024,{yes}\n",
                i % 28 + 1,
                w + 3
            ));
        }
    }
    let f = write(&dir, "c.csv", &csv);
    // asiste coded 1/2 is a score unless told; fecha is never a domain.
    let v = json_of(&[f.as_str()]);
    assert_eq!(names(&v), ["asiste"]);
    assert!(warnings(&v).contains("dates, not an outcome"));
    // kind = "binary" without saying which value is yes: the hint names positive.
    let spec = write(
        &dir,
        "s.toml",
        "[[domain]]\ncolumn = \"asiste\"\nkind = \"binary\"\n",
    );
    let out = evaluate()
        .args([f.as_str(), "--spec", spec.as_str()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("s.toml") && err.contains("column \"asiste\""),
        "{err}"
    );
    assert!(err.contains("positive = 1"), "{err}");
    // positive = 1: 1 = sí, 2 = no.
    let spec = write(
        &dir,
        "p.toml",
        "[[domain]]\ncolumn = \"asiste\"\npositive = 1\n",
    );
    let v = json_of(&[f.as_str(), "--spec", spec.as_str()]);
    let d = &v["domains"][0];
    assert_eq!(d["kind"], "binary");
    // Before: children i with i % 3 != 0 attend: 16 of 24.
    let pre: u64 = d["summary"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["wave"] == "pre")
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(pre, 16);
}

#[test]
fn findings_judge_better_or_worse_only_when_told_the_direction() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,grupo,momento,ansiedad\n");
    for i in 0..40 {
        let g = if i % 2 == 0 { "programa" } else { "control" };
        let drop = if i % 2 == 0 { 5 + i % 3 } else { i % 3 };
        csv.push_str(&format!("n{i},{g},antes,{}\n", 20 + i % 7));
        csv.push_str(&format!("n{i},{g},despues,{}\n", 20 + i % 7 + 1 - drop));
    }
    let f = write(&dir, "a.csv", &csv);
    let plain = String::from_utf8(evaluate().arg(&f).output().unwrap().stdout).unwrap();
    assert!(
        plain.contains("a statistically significant decrease"),
        "{plain}"
    );
    assert!(
        !plain.contains("worsening") && !plain.contains("improvement"),
        "{plain}"
    );
    assert!(
        plain.contains("notice: no direction given for ansiedad"),
        "{plain}"
    );
    let told = evaluate()
        .args([f.as_str(), "--lower-is-better", "ansiedad"])
        .output()
        .unwrap();
    let told = String::from_utf8(told.stdout).unwrap();
    assert!(
        told.contains("a statistically significant improvement"),
        "{told}"
    );
}
