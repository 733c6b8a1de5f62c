//! Designs as evaluations come (contract §6, §7) through the binary: attributes,
//! clusters, covariates and the baseline balance table, checked against R
//! (testdata/reference/table1_reference.R and its JSON).

use serde_json::Value;
use std::io::Write;

mod common;
use common::{evaluate, json_of};

fn close(got: &Value, want: &Value, what: &str) {
    let (g, w) = (got.as_f64(), want.as_f64());
    let (Some(g), Some(w)) = (g, w) else {
        panic!("{what}: got {got}, want {want}");
    };
    assert!(
        (g - w).abs() <= 1e-9 * w.abs().max(1e-12),
        "{what}: got {g}, want {w}"
    );
}

fn reference() -> Value {
    serde_json::from_str(include_str!("../testdata/reference/table1_reference.json")).unwrap()
}

/// Every balance value of a data set equals R's.
fn check_balance(v: &Value, want: &Value) {
    let rows = v["balance"].as_array().expect("a balance table");
    for w in want.as_array().unwrap() {
        let name = w["variable"].as_str().unwrap();
        let r = rows
            .iter()
            .find(|r| r["variable"] == name)
            .unwrap_or_else(|| panic!("no balance row for {name}"));
        assert_eq!(r["intervention"]["n"], w["n1"], "{name} n1");
        assert_eq!(r["control"]["n"], w["n0"], "{name} n0");
        for (field, key) in [
            ("smd", "smd"),
            ("p_value", "p_value"),
            ("difference", "difference"),
        ] {
            if !w[key].is_null() {
                close(&r[field], &w[key], &format!("{name} {field}"));
            }
        }
        for (arm, suffix) in [("intervention", "1"), ("control", "0")] {
            for stat in ["mean", "sd"] {
                let k = format!("{stat}{suffix}");
                if !w[&k].is_null() {
                    close(&r[arm][stat], &w[&k], &format!("{name} {k}"));
                }
            }
        }
        if r["kind"] == "categorical" {
            assert!(
                r["difference"].is_null(),
                "{name}: no difference for levels"
            );
            assert_eq!(r["method"], "chi_square_independence");
        }
    }
}

#[test]
fn balance_equals_r_on_centres_with_a_three_level_attribute() {
    let v = json_of(&[
        "testdata/designs/comunidades.csv",
        "--covariates",
        "edad_anios,lengua_materna",
    ]);
    check_balance(&v, &reference()["comunidades"]);
    // sexo and lengua_materna never change within a child: attributes, not domains.
    assert_eq!(
        v["input"]["attributes"],
        serde_json::json!(["sexo", "lengua_materna"])
    );
    let names: Vec<&str> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["vocabulario", "reconoce_letras"]);
    assert_eq!(
        v["input"]["covariates"],
        serde_json::json!(["edad_anios", "lengua_materna"])
    );
    assert_eq!(
        v["input"]["cluster"],
        serde_json::json!({"column": "comunidad", "clusters": 16, "intervention": 8, "control": 8})
    );
    let sexo = &v["balance"][0];
    assert_eq!(sexo["source"], "attribute");
    assert_eq!(sexo["intervention"]["levels"][0]["level"], "F");
    assert_eq!(sexo["intervention"]["levels"][0]["count"], 90);
}

#[test]
fn balance_equals_r_on_the_example() {
    let v = json_of(&["examples/hidalgo/cohort.csv"]);
    check_balance(&v, &reference()["hidalgo"]);
    assert_eq!(
        v["input"]["attributes"],
        serde_json::json!(["sexo", "edad_meses", "age_band"])
    );
    assert_eq!(v["input"]["cluster"]["clusters"], 24);
    assert_eq!(v["input"]["cluster"]["intervention"], 12);
}

#[test]
fn the_table_opens_with_the_design_and_table_1() {
    let out = evaluate()
        .args(["examples/hidalgo/cohort.csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let clusters = text
        .find("24 clusters (centro): 12 program, 12 control")
        .unwrap();
    let table1 = text.find("Baseline balance (Table 1)").unwrap();
    let outcome = text.find("cognitive_score  (continuous").unwrap();
    assert!(clusters < table1 && table1 < outcome);
    // age_band's SMD (0.113) is above 0.1: flagged.
    let age = text.lines().find(|l| l.starts_with(" age_band")).unwrap();
    assert!(age.contains("0.11 ⚑"), "{age}");
    let es = evaluate()
        .args([
            "examples/hidalgo/cohort.csv",
            "--lang",
            "es",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(es.stdout).unwrap();
    assert!(md.contains("## Equilibrio en la línea de base (Tabla 1)"));
    assert!(md.contains("24 conglomerados (centro)"));
    assert!(
        md.contains("el grupo programa difería en age\\_band (0,11 DE)"),
        "{md}"
    );
    assert!(md.contains("Al inicio los grupos eran similares en sexo, edad\\_meses"));
}

fn file_with(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    p.to_string_lossy().into_owned()
}

/// Twelve children in two centres, before and after; `row` may change one line.
fn centres_csv(change: impl Fn(usize, String) -> String) -> String {
    let mut s = String::from("id,grupo,momento,centro,sexo,edad,puntaje\n");
    let mut line = 1;
    for k in 0..12 {
        for (w, wave) in ["antes", "despues"].iter().enumerate() {
            line += 1;
            let arm = if k % 2 == 0 { "programa" } else { "control" };
            let centre = format!("C{}", k % 4);
            let sex = if k % 3 == 0 { "F" } else { "M" };
            let row = format!(
                "n{k},{arm},{wave},{centre},{sex},{},{}",
                5 + k % 4 + w,
                10 + k + 3 * w
            );
            s.push_str(&change(line, row));
            s.push('\n');
        }
    }
    s
}

#[test]
fn a_cluster_that_changes_within_a_child_names_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    // Line 5 is child n1 after: move it to another centre.
    let csv = centres_csv(|line, row| {
        if line == 5 {
            row.replace(",C1,", ",C2,")
        } else {
            row
        }
    });
    let f = file_with(&dir, "centros.csv", &csv);
    let out = evaluate().arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("centro"), "{err}");
    assert!(err.contains("\"C2\" here but in \"C1\" on line 4"), "{err}");
    assert!(err.contains("one cluster"), "{err}");
}

#[test]
fn a_covariate_that_is_not_a_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = file_with(&dir, "centros.csv", &centres_csv(|_, r| r));
    let out = evaluate()
        .args([f.as_str(), "--covariates", "edad,peso"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--covariates peso: there is no such column"),
        "{err}"
    );
    assert!(err.contains("line 1"), "{err}");
    assert!(err.contains("columns are: id, grupo, momento"), "{err}");
}

#[test]
fn cluster_none_and_attributes_kept_as_domains_by_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let f = file_with(&dir, "centros.csv", &centres_csv(|_, r| r));
    let v = json_of(&[f.as_str(), "--cluster", "none"]);
    assert!(v["input"]["cluster"].is_null());
    // centro is then an attribute like sexo (it never changes within a child).
    assert_eq!(
        v["input"]["attributes"],
        serde_json::json!(["centro", "sexo"])
    );
    let spec = file_with(&dir, "spec.toml", "[[domain]]\ncolumn = \"sexo\"\n");
    let v = json_of(&[f.as_str(), "--spec", spec.as_str()]);
    assert_eq!(v["input"]["attributes"], Value::Null);
    assert!(
        v["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "sexo")
    );
    assert_eq!(v["input"]["cluster"]["clusters"], 4);
}

#[test]
fn a_wave_order_that_does_not_name_every_wave_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,grupo,momento,puntaje\n");
    for k in 0..12 {
        let arm = if k % 2 == 0 { "programa" } else { "control" };
        for (w, wave) in ["inicio", "medio", "cierre"].iter().enumerate() {
            csv.push_str(&format!("n{k},{arm},{wave},{}\n", k + w));
        }
    }
    let f = file_with(&dir, "tres.csv", &csv);
    let spec = file_with(
        &dir,
        "s.toml",
        "[waves]\norder = [\"inicio\", \"cierre\", \"fin\"]\n",
    );
    let out = evaluate()
        .args([f.as_str(), "--spec", spec.as_str()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wave \"medio\" is not in the spec's [waves] order"),
        "{err}"
    );
    assert!(err.contains("line 3") && err.contains("momento"), "{err}");
    // Named in full, the three waves are read in that order.
    let spec = file_with(
        &dir,
        "o.toml",
        "[waves]\norder = [\"inicio\", \"medio\", \"cierre\"]\n",
    );
    let v = json_of(&[f.as_str(), "--spec", spec.as_str()]);
    let ids: Vec<&str> = v["input"]["waves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["label"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["inicio", "medio", "cierre"]);
}
