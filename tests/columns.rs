//! Every column means what the evaluator meant (issue 20): files shaped like real
//! exports, through the binary — analysed right, or refused with the fix.

use serde_json::Value;

mod common;
use common::{evaluate, succeed};

fn json_of(args: &[&str]) -> Value {
    let out = succeed(evaluate().args(args).args(["--format", "json", "-q"]));
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

/// The binary's stderr on a refused input (exit code 2).
fn refused(args: &[&str]) -> String {
    let out = evaluate().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The binary's stdout on a successful run.
fn stdout(args: &[&str]) -> String {
    let out = evaluate().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

// Issue 20, bullet 1: wide pairs under every pre/post word; `peso_kg_inicial` is a
// wave of peso_kg, never an outcome of its own.
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
fn a_wide_export_pairs_under_t0_t1() {
    let v = json_of(&["testdata/columns/encuesta_t0_t1.csv"]);
    assert_eq!(v["input"]["layout"], "wide");
    assert_eq!(v["input"]["paired"], true);
    assert_eq!(names(&v), ["q1", "peso_kg"]);
    assert_eq!(v["input"]["attributes"], serde_json::json!(["sexo"]));
    // Program children's mean weight at t0, decimal commas read: 13.6 kg (15 children).
    let s = v["domains"][1]["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["group"] == "intervention" && s["wave"] == "pre")
        .unwrap()
        .clone();
    assert_eq!(s["n"], 15);
    assert!((s["mean"].as_f64().unwrap() - 13.6).abs() < 1e-9, "{s}");
    let did = v["domains"][1]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["comparison"] == "did");
    assert!(did);
}

#[test]
fn columns_paired_under_unknown_words_are_named_not_read_as_one_wave() {
    let f = "testdata/columns/encuesta_inicio_cierre.csv";
    let out = evaluate().args([f, "--format", "json"]).output().unwrap();
    // Without the words: a warning naming the flags that pair them.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("columns end in \"cierre\" and \"inicio\" in pairs")
            && err.contains("--pre inicio --post cierre"),
        "{err}"
    );
    // With them: a wide file of two domains.
    let v = json_of(&[f, "--pre", "inicio", "--post", "cierre"]);
    assert_eq!(v["input"]["layout"], "wide");
    assert_eq!(names(&v), ["q1", "q2"]);
}

// Bullet 2: a column named by a role flag is out of every other role.
#[test]
fn a_column_named_for_one_role_is_no_other_role() {
    // R's `sleep`: extra, group (the two drugs, here the waves), ID.
    let v = json_of(&[
        "testdata/columns/sleep.csv",
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

// Bullet 4: several files with different columns, refused in either order.
#[test]
fn files_with_different_columns_are_refused_in_either_order() {
    let a = "testdata/columns/intervencion.csv";
    let b = "testdata/columns/control.csv";
    for (x, y) in [(a, b), (b, a)] {
        let err = refused(&[x, y]);
        assert!(err.contains("column \"asistencia_taller\" is in"), "{err}");
        assert!(err.contains("control.csv, line 1"), "{err}");
        assert!(err.contains("--ignore asistencia_taller"), "{err}");
    }
    // --ignore resolves it, in either order; an absent --ignore column is only noted.
    let out = evaluate()
        .args([
            b,
            a,
            "--ignore",
            "asistencia_taller,nada",
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
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(names(&v), ["puntaje"]);
    assert_eq!(v["labels"]["intervention"], "intervencion");
}

// Bullet 6: --by on a centre nested in the arms, and on a score.
#[test]
fn by_refuses_a_score_and_a_column_nested_in_the_arms() {
    let f = "testdata/columns/centros.csv";
    let err = refused(&[f, "--by", "centro", "--cluster", "none"]);
    assert!(
        err.contains("it is a cluster") && err.contains("--cluster centro"),
        "{err}"
    );
    let err = refused(&[f, "--by", "puntaje"]);
    assert!(
        err.contains("31 different values") && err.contains("a number"),
        "{err}"
    );
    // As a cluster it is analysed.
    let v = json_of(&[f, "--cluster", "centro"]);
    assert_eq!(v["input"]["cluster"]["clusters"], 4);
}

// Bullet 3 (CSV half) and bullet 8 (a yes/no item coded 1/2): dates and long
// comments are not outcomes; the coded item is a score until the spec says which
// value is yes; `kind = "binary"` on it names the spec's file, line and column.
#[test]
fn dates_are_not_outcomes_and_coded_items_say_which_value_is_yes() {
    let f = "testdata/columns/visitas.csv";
    let v = json_of(&[f]);
    assert_eq!(names(&v), ["asiste", "peso_kg"]);
    let w = warnings(&v);
    for col in ["fecha_visita", "fecha_registro"] {
        assert!(
            v["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["domain"] == col
                    && x["message"]
                        .as_str()
                        .unwrap()
                        .contains("dates, not an outcome")),
            "{col}: {w}"
        );
    }
    assert!(w.contains("long free text"), "{w}");
    assert_eq!(v["domains"][0]["kind"], "continuous");
    // Decimal commas: the program children's mean weight at the first visit.
    let s = &v["domains"][1]["summary"][0];
    assert_eq!(
        (s["group"].as_str(), s["wave"].as_str()),
        (Some("intervention"), Some("pre"))
    );
    assert!((s["mean"].as_f64().unwrap() - 13.416666666666666).abs() < 1e-9);
    // kind = "binary" without saying which value is yes.
    let err = refused(&[f, "--spec", "testdata/columns/asiste_binario.toml"]);
    assert!(
        err.contains("testdata/columns/asiste_binario.toml, line 3, column \"asiste\""),
        "{err}"
    );
    assert!(
        err.contains("positive = 1") && err.contains("pass = \"== 2\""),
        "{err}"
    );
    // positive = 1: 1 = sí, 2 = no.
    let v = json_of(&[f, "--spec", "testdata/columns/asiste_positivo.toml"]);
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

// Scope 2: the spec's `ignore = [...]` (an absent column only noted) and
// `domains = [...]`; a listed name that is no column names the spec's line.
#[test]
fn the_spec_lists_what_to_ignore_or_the_only_domains() {
    let f = "testdata/columns/visitas.csv";
    let out = evaluate()
        .args([
            f,
            "--spec",
            "testdata/columns/ignorar.toml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(names(&v), ["asiste", "peso_kg"]);
    let w = warnings(&v);
    assert!(
        !w.contains("fecha_visita") && !w.contains("long free text"),
        "{w}"
    );
    assert!(w.contains("encuestador: there is no such column"), "{w}");
    let v = json_of(&[f, "--spec", "testdata/columns/solo_peso.toml"]);
    assert_eq!(names(&v), ["peso_kg"]);
    let dir = tempfile::tempdir().unwrap();
    let spec = write(&dir, "s.toml", "title = \"T\"\ndomains = [\"peso\"]\n");
    let err = refused(&[f, "--spec", spec.as_str()]);
    assert!(
        err.contains("s.toml, line 2") && err.contains("\"peso\"") && err.contains("peso_kg"),
        "{err}"
    );
}

// Bullet 5: lower is better (anxiety, school drop-out): higher/lower unless told.
#[test]
fn findings_judge_better_or_worse_only_when_told_the_direction() {
    let f = "testdata/columns/ansiedad.csv";
    let plain = stdout(&[f]);
    assert!(
        plain.contains("a statistically significant decrease"),
        "{plain}"
    );
    assert!(
        !plain.contains("worsening") && !plain.contains("improvement"),
        "{plain}"
    );
    assert!(
        plain.contains("notice: no direction given for ansiedad, abandono_escolar"),
        "{plain}"
    );
    let told = stdout(&[f, "--lower-is-better", "ansiedad,abandono_escolar"]);
    assert!(
        told.contains("a statistically significant improvement"),
        "{told}"
    );
    assert!(!told.contains("no direction given"), "{told}");
}

/// The text of `word/document.xml` in a .docx (a zip: its central directory, then
/// the entry, inflated).
fn docx_text(path: &std::path::Path) -> String {
    use std::io::Read;
    let b = std::fs::read(path).unwrap();
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
    let end = (0..b.len() - 3)
        .rev()
        .find(|&i| b[i..i + 4] == *b"PK\x05\x06")
        .expect("a zip");
    let mut at = u32_at(end + 16);
    for _ in 0..u16_at(end + 10) {
        let (method, size) = (u16_at(at + 10), u32_at(at + 20));
        let (n, e, c) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let name = &b[at + 46..at + 46 + n];
        if name == b"word/document.xml" {
            let local = u32_at(at + 42);
            let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let raw = &b[data..data + size];
            return if method == 0 {
                String::from_utf8_lossy(raw).into_owned()
            } else {
                let mut s = String::new();
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_string(&mut s)
                    .unwrap();
                s
            };
        }
        at += 46 + n + e + c;
    }
    panic!("no word/document.xml in {}", path.display());
}

// Bullet 8 and scope 4: arms and waves coded 1/2 show the spec's labels in every
// output — never "1", "2" or "1 − 2"; the JSON adds `labels.display`.
#[test]
fn coded_arms_and_waves_show_the_spec_labels_in_every_output() {
    let (csv, spec) = (
        "examples/propios/codificado.csv",
        "examples/propios/codificado.toml",
    );
    let args = |f: &'static str| vec![csv, "--spec", spec, "--format", f];
    let coded = |text: &str, what: &str| {
        for bad in ["1 − 2", "1 group", "1 (n = ", "2 (n = "] {
            assert!(!text.contains(bad), "{what}: {bad}: {text}");
        }
    };
    for f in ["table", "markdown", "html"] {
        let out = stdout(&args(f));
        for l in ["Programa", "Control", "Línea base", "Seguimiento"] {
            assert!(out.contains(l), "{f}: {l}: {out}");
        }
        coded(&out, f);
    }
    let table = stdout(&args("table"));
    assert!(
        table.contains("Programa − Control") && table.contains("  Programa: 15 participants"),
        "{table}"
    );
    assert!(
        table.contains("The Programa group scored higher in asiste"),
        "{table}"
    );
    // JSON: the values as written stay; the labels are added.
    let v = json_of(&[csv, "--spec", spec]);
    assert_eq!(v["labels"]["intervention"], "1");
    assert_eq!(v["labels"]["pre"], "1");
    assert_eq!(v["labels"]["display"]["intervention"], "Programa");
    assert_eq!(v["labels"]["display"]["control"], "Control");
    assert_eq!(v["labels"]["display"]["post"], "Seguimiento");
    assert_eq!(v["input"]["waves"][0]["label"], "1");
    assert_eq!(v["input"]["waves"][0]["display"], "Línea base");
    // CSV: identifiers only, no coded label.
    let c = stdout(&args("csv"));
    assert!(c.contains("did") && !c.contains("1 − 2"), "{c}");
    // Word and charts.
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("informe.docx");
    let charts = dir.path().join("graficas");
    let out = evaluate()
        .args([csv, "--spec", spec, "-q", "--format", "json"])
        .arg("--report")
        .arg(&docx)
        .arg("--charts")
        .arg(&charts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let word = docx_text(&docx);
    for l in ["Programa", "Línea base", "Seguimiento"] {
        assert!(word.contains(l), "Word: {l}");
    }
    coded(&word, "Word");
    // Every chart naming an arm or a wave names it by its label (the effects
    // chart names neither).
    for name in ["asiste.svg", "puntaje.svg", "overview.svg"] {
        let s = std::fs::read_to_string(charts.join(name)).unwrap();
        assert!(s.contains("Programa") && s.contains("Control"), "{name}");
        coded(&s, name);
    }
    let s = std::fs::read_to_string(charts.join("asiste.svg")).unwrap();
    assert!(s.contains("Línea base") && s.contains("Seguimiento"));
}

// K coded waves: `[waves] order` entries with labels, one per language.
#[test]
fn three_coded_waves_show_their_labels_in_each_language() {
    let (csv, spec) = (
        "testdata/columns/visitas_codificadas.csv",
        "testdata/columns/visitas_codificadas.toml",
    );
    let v = json_of(&[csv, "--spec", spec]);
    assert_eq!(v["input"]["waves"][1]["label"], "2");
    assert_eq!(v["input"]["waves"][1]["display"]["es"], "Seguimiento");
    assert_eq!(v["input"]["waves"][2]["display"], "Cierre");
    assert_eq!(v["labels"]["display"]["intervention"], "Programa Crecer");
    let en = stdout(&[csv, "--spec", spec, "--lang", "en"]);
    for l in [
        "Programa Crecer",
        "Comparison",
        "Inicio",
        "Follow-up",
        "Cierre",
    ] {
        assert!(en.contains(l), "{l}: {en}");
    }
    let es = stdout(&[csv, "--spec", spec, "--lang", "es"]);
    for l in ["Comparación", "Seguimiento"] {
        assert!(es.contains(l), "{l}: {es}");
    }
}

// Scope 4: a coded value that is no arm (wave) names the file, line and column and
// gives the spec's lines; a spec entry that is not a value or a label is an error
// naming the spec's line.
#[test]
fn a_coded_value_that_is_no_arm_names_its_place_and_the_spec_syntax() {
    let csv = "examples/propios/codificado.csv";
    let err = refused(&[csv]);
    assert!(
        err.contains("codificado.csv, line 2, column \"grupo\": unknown arm label \"1\""),
        "{err}"
    );
    assert!(
        err.contains("[groups] intervention = { value = \"1\", label = \"Program\" } and control = { value = \"2\""),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        &dir,
        "s.toml",
        "[groups]\nintervention = { value = \"1\", label = \"Programa\" }\ncontrol = \"2\"\n",
    );
    let err = refused(&[csv, "--spec", spec.as_str()]);
    assert!(
        err.contains("column \"momento\": unknown wave label \"1\"")
            && err.contains("[waves] pre = { value = \"1\""),
        "{err}"
    );
    let spec = write(
        &dir,
        "t.toml",
        "[groups]\nintervention = { valor = \"1\", label = \"Programa\" }\n",
    );
    let err = refused(&[csv, "--spec", spec.as_str()]);
    assert!(
        err.contains("t.toml, line 2") && err.contains("valor"),
        "{err}"
    );
}

// A wide file's waves are column endings: the spec's `pre`/`post` both pair them
// and label them.
#[test]
fn a_wide_files_waves_take_the_spec_labels() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        &dir,
        "s.toml",
        "[waves]\npre = { value = \"inicial\", label = \"Línea base\" }\npost = { value = \"final\", label = \"Cierre\" }\n",
    );
    let out = stdout(&["examples/propios/ancho.csv", "--spec", spec.as_str()]);
    assert!(
        out.contains("Línea base") && out.contains("Cierre"),
        "{out}"
    );
    let v = json_of(&["examples/propios/ancho.csv", "--spec", spec.as_str()]);
    assert_eq!(v["input"]["layout"], "wide");
    assert_eq!(v["labels"]["display"]["pre"], "Línea base");
}
