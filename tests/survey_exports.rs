//! KoboToolbox and ODK exports analysed as they come (testdata/kobo, built by
//! make_exports.py from the platforms' export documentation).

use assert_cmd::Command;
use serde_json::Value;

fn report(file: &str) -> Value {
    let out = Command::cargo_bin("evaluate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([file, "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

fn domain<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap()
}

/// A domain's tests without `p_adjusted`, which depends on how many domains a file has.
fn tests_of(v: &Value, name: &str) -> Value {
    let mut t = domain(v, name)["tests"].clone();
    for x in t.as_array_mut().unwrap() {
        x.as_object_mut().unwrap().remove("p_adjusted");
    }
    t
}

#[test]
fn kobo_xml_export() {
    let v = report("testdata/kobo/kobo_xml.csv");
    assert_eq!(v["input"]["design"], "pre_post_control");
    assert_eq!(v["input"]["participants"], 40);
    // No metadata column, no select_multiple summary; group prefixes gone.
    assert_eq!(
        names(&v),
        [
            "resuelve_problemas",
            "actividades/lectura",
            "actividades/juego",
            "actividades/deporte",
            "nivel",
            "peso_kg"
        ]
    );
    assert_eq!(domain(&v, "actividades/juego")["kind"], "binary");
    assert_eq!(domain(&v, "nivel")["kind"], "categorical");
}

#[test]
fn labels_xml_and_odk_exports_agree() {
    let xml = report("testdata/kobo/kobo_xml.csv");
    let labels = report("testdata/kobo/kobo_labels.csv");
    let odk = report("testdata/kobo/odk_central.csv");
    assert_eq!(names(&odk), ["resuelve_problemas", "nivel", "peso_kg"]);
    let rp = tests_of(&xml, "resuelve_problemas");
    assert_eq!(rp[0]["method"], "mcnemar_exact");
    assert_eq!(rp[0]["n"], 20);
    assert_eq!(tests_of(&labels, "¿Resuelve problemas?"), rp);
    assert_eq!(tests_of(&odk, "resuelve_problemas"), rp);
    assert_eq!(tests_of(&odk, "peso_kg"), tests_of(&xml, "peso_kg"));
    assert_eq!(
        domain(&labels, "Actividades/Juego")["summary"],
        domain(&xml, "actividades/juego")["summary"]
    );
}
