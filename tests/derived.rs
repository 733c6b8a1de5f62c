//! Derived domains through the binary (contract §10): WHO z-scores and classes
//! from weight and height, and scale scores with their reliability (against R's
//! psych, testdata/reference/scale_reliability.R).

use evaluate::stats::anthro::{Age, Measure, Sex, zscores};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_evaluate"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const SPEC: &str = "[groups]\nintervention = \"programa\"\ncontrol = \"control\"\n\n[waves]\npre = \"antes\"\npost = \"despues\"\n\n[anthropometry]\nsex = \"sexo\"\nage_days = \"edad_dias\"\nweight = \"peso\"\nheight = \"talla\"\n";

/// One visit: age in days, kg, cm.
type Visit = (u32, f64, f64);

/// Babies: (id, arm, sex, [visit before, after]).
const BABIES: &[(&str, &str, &str, [Visit; 2])] = &[
    (
        "B1",
        "programa",
        "niña",
        [(120, 5.6, 60.1), (300, 7.9, 68.0)],
    ),
    (
        "B2",
        "programa",
        "niño",
        [(200, 6.1, 63.0), (380, 8.9, 73.5)],
    ),
    ("B3", "programa", "2", [(95, 4.2, 55.0), (275, 6.9, 64.2)]),
    ("B4", "control", "1", [(150, 6.6, 63.9), (330, 8.1, 69.0)]),
    ("B5", "control", "f", [(240, 6.0, 62.0), (420, 7.7, 70.1)]),
    ("B6", "control", "m", [(60, 4.9, 56.8), (240, 7.4, 65.5)]),
];

fn babies_csv(extra: &str) -> String {
    let mut s = String::from("id,grupo,momento,sexo,edad_dias,peso,talla\n");
    for (id, arm, sex, visits) in BABIES {
        for (w, (d, kg, cm)) in ["antes", "despues"].iter().zip(visits) {
            s.push_str(&format!("{id},{arm},{w},{sex},{d},{kg},{cm}\n"));
        }
    }
    s.push_str(extra);
    s
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn json(out: &Out) -> Value {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn domain<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no domain {name}"))
}

fn summary<'a>(d: &'a Value, group: &str, wave: &str) -> &'a Value {
    d["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["group"] == group && s["wave"] == wave)
        .unwrap()
}

#[test]
fn z_scores_and_classes_are_domains_and_inputs_are_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bebes.csv", &babies_csv(""));
    write(dir.path(), "spec.toml", SPEC);
    let v = json(&run(
        dir.path(),
        &["bebes.csv", "--spec", "spec.toml", "--format", "json"],
    ));
    let names: Vec<&str> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for n in ["waz", "haz", "whz", "baz", "stunting", "underweight"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    for n in ["peso", "talla", "sexo", "edad_dias"] {
        assert!(!names.contains(&n), "{n} is an input, not a domain");
    }
    // Each arm's mean waz is the mean of the library's z-scores.
    for (arm, group) in [("programa", "intervention"), ("control", "control")] {
        for (w, wave) in ["pre", "post"].iter().enumerate() {
            let zs: Vec<f64> = BABIES
                .iter()
                .filter(|b| b.1 == arm)
                .map(|b| {
                    let (d, kg, cm) = b.3[w];
                    let sex = if matches!(b.2, "niño" | "1" | "m") {
                        Sex::Male
                    } else {
                        Sex::Female
                    };
                    zscores(&Measure {
                        sex,
                        age: Some(Age::Days(f64::from(d))),
                        weight_kg: Some(kg),
                        height_cm: Some(cm),
                        position: None,
                        oedema: false,
                    })
                    .waz
                    .value()
                    .unwrap()
                })
                .collect();
            let mean = zs.iter().sum::<f64>() / zs.len() as f64;
            let got = summary(domain(&v, "waz"), group, wave)["mean"]
                .as_f64()
                .unwrap();
            assert!((got - mean).abs() < 1e-12, "{arm} {wave}: {got} vs {mean}");
        }
    }
    assert_eq!(domain(&v, "stunting")["kind"], "binary");
}

#[test]
fn a_domain_entry_makes_whz_binary() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bebes.csv", &babies_csv(""));
    let spec = format!(
        "{SPEC}\n[[domain]]\ncolumn = \"whz\"\nname = \"normal_weight\"\npass = \">= -2\"\n"
    );
    write(dir.path(), "spec.toml", &spec);
    let v = json(&run(
        dir.path(),
        &["bebes.csv", "--spec", "spec.toml", "--format", "json"],
    ));
    assert_eq!(domain(&v, "normal_weight")["kind"], "binary");
}

#[test]
fn a_flagged_z_score_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // 0.9 kg at 300 days: beyond WHO's flag limits.
    write(
        dir.path(),
        "bebes.csv",
        &babies_csv("B7,control,antes,niña,300,0.9,66.0\n"),
    );
    write(dir.path(), "spec.toml", SPEC);
    let v = json(&run(
        dir.path(),
        &["bebes.csv", "--spec", "spec.toml", "--format", "json"],
    ));
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("1 value at wave \\\"antes\\\" beyond WHO's flag limits"),
        "{warnings}"
    );
}

#[test]
fn a_sex_that_is_neither_stops_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bebes.csv",
        &babies_csv("B7,control,antes,otro,300,8.0,66.0\n"),
    );
    write(dir.path(), "spec.toml", SPEC);
    let out = run(dir.path(), &["bebes.csv", "--spec", "spec.toml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("bebes.csv"), "{}", out.stderr);
    assert!(out.stderr.contains("14"), "line 14: {}", out.stderr);
    assert!(out.stderr.contains("sexo"), "{}", out.stderr);
    assert!(out.stderr.contains("\"otro\""), "{}", out.stderr);
}

#[test]
fn grams_instead_of_kilograms_stop_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bebes.csv",
        &babies_csv("B7,control,antes,niña,300,7500,66.0\n"),
    );
    write(dir.path(), "spec.toml", SPEC);
    let out = run(dir.path(), &["bebes.csv", "--spec", "spec.toml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("14"), "line 14: {}", out.stderr);
    assert!(out.stderr.contains("peso"), "{}", out.stderr);
    assert!(out.stderr.contains("1000"), "the hint: {}", out.stderr);
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn close(got: &Value, want: &Value, what: &str) {
    let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
    assert!(
        (g - w).abs() <= 1e-8 * w.abs().max(1e-300),
        "{what}: {g} vs R {w}"
    );
}

#[test]
fn scale_scores_and_reliability_equal_r_psych() {
    let dir = crate_dir().join("testdata/derived");
    let v = json(&run(
        &dir,
        &["escala.csv", "--spec", "escala.toml", "--format", "json"],
    ));
    let want: Value =
        serde_json::from_str(include_str!("../testdata/reference/scale_reliability.json")).unwrap();
    let d = domain(&v, "bienestar");
    let names: Vec<&str> = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bienestar"], "items are not domains");
    for (w, wave) in [("antes", "pre"), ("despues", "post")] {
        let r = &want[w];
        close(
            &summary(d, "intervention", wave)["mean"],
            &r["mean_programa"],
            "mean",
        );
        close(
            &summary(d, "control", wave)["mean"],
            &r["mean_control"],
            "mean",
        );
        let got = d["reliability"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["wave"] == wave)
            .unwrap();
        assert_eq!(got["n"], r["n"]);
        for k in ["alpha", "conf_low", "conf_high"] {
            close(&got[k], &r[k], k);
        }
        for (gi, ri) in got["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["items"].as_array().unwrap())
        {
            assert_eq!(gi["item"], ri["item"]);
            close(&gi["r_drop"], &ri["r_drop"], "r_drop");
            close(
                &gi["alpha_if_dropped"],
                &ri["alpha_if_dropped"],
                "alpha_if_dropped",
            );
        }
    }
}

#[test]
fn an_undeclared_reverse_item_gets_a_warning() {
    let src = crate_dir().join("testdata/derived");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(src.join("escala.csv"), dir.path().join("escala.csv")).unwrap();
    let spec = std::fs::read_to_string(src.join("escala.toml"))
        .unwrap()
        .replace("reverse = [\"q3\"]\n", "");
    write(dir.path(), "spec.toml", &spec);
    let v = json(&run(
        dir.path(),
        &["escala.csv", "--spec", "spec.toml", "--format", "json"],
    ));
    assert!(
        v["warnings"]
            .to_string()
            .contains("item \\\"q3\\\" correlates negatively"),
        "{}",
        v["warnings"]
    );
}
