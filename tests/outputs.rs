//! Outputs: participant ids (names, emails) never appear in any format, chart or
//! report, warnings included; files are written atomically and never over an input
//! (also through a symlink); identical inputs give byte-identical outputs.

use std::path::{Path, PathBuf};

mod common;
use common::evaluate;

const NAMES: [(&str, &str); 24] = [
    ("María José López", "maria.lopez@example.org"),
    ("Ngozi Okonkwo-Adeyemi", "ngozi.okonkwo@example.org"),
    ("Siobhán O'Brien", "siobhan.obrien@example.ie"),
    ("Jean-Baptiste Mbeki", "jb.mbeki@example.fr"),
    ("Xiadani Hernández", "xiadani.hdz@correo.example"),
    ("Tomasz Wiśniewski", "t.wisniewski@example.pl"),
    ("Guadalupe Ramírez", "lupita.ramirez@example.mx"),
    ("Anneliese Bäcker", "anneliese.baecker@example.de"),
    ("Kwabena Asante", "kwabena.asante@example.gh"),
    ("Itzel Cuautle", "itzel.cuautle@example.mx"),
    ("Rosalind Featherstone", "r.featherstone@example.co.uk"),
    ("Yesenia Villalobos", "yesenia.v@example.org"),
    ("Oluwaseun Adebayo", "seun.adebayo@example.ng"),
    ("Xóchitl Tlapanco", "xochitl.t@example.mx"),
    ("Bartholomew Quince", "bart.quince@example.com"),
    ("Mercedes Altamirano", "mercedes.alta@example.es"),
    ("Chukwuemeka Obi", "emeka.obi@example.ng"),
    ("Henrietta Blackwood", "h.blackwood@example.com"),
    ("Evangelina Zepeda", "eva.zepeda@example.mx"),
    ("Fitzgerald Omondi", "fitz.omondi@example.ke"),
    ("Pilar Echeverría", "pilar.echeverria@example.cl"),
    ("Leopoldina Urquiza", "leo.urquiza@example.ar"),
    ("Maximiliano Tovar", "maxi.tovar@example.ve"),
    ("Dagmar Sørensen", "dagmar.sorensen@example.dk"),
];

/// The id of participant i: "Name <email>".
fn id(i: usize) -> String {
    format!("{} <{}>", NAMES[i].0, NAMES[i].1)
}

/// A long file whose ids are names with emails (and an `email` column too), every
/// kind of domain, an age band for strata.
fn cohort_csv(dir: &Path) -> PathBuf {
    let mut text = String::from("participant,group,wave,age_band,email,score,reads,level\n");
    for i in 0..NAMES.len() {
        let arm = if i % 2 == 0 { "program" } else { "control" };
        let band = if i % 3 == 0 { "3-6" } else { "7-10" };
        for (w, wave) in ["pre", "post"].iter().enumerate() {
            let score = 40.0 + (i * 7 % 11) as f64 + (w * (2 + i % 2 * 3)) as f64 * 1.5;
            let reads = if (i + w * (1 + i % 2)) % 3 == 0 {
                "yes"
            } else {
                "no"
            };
            let level = ["low", "mid", "high"][(i + w * (i % 2 + 1)) % 3];
            text += &format!(
                "\"{}\",{arm},{wave},{band},{},{score},{reads},{level}\n",
                id(i),
                NAMES[i].1
            );
        }
    }
    let path = dir.join("children.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every fragment of the ids that must not leak: whole ids, names, name parts,
/// emails, their local parts and domains, lower-cased and accent-free spellings.
fn fragments() -> Vec<String> {
    let plain = |s: &str| {
        s.chars()
            .map(|c| match c {
                'á' | 'ä' => 'a',
                'é' => 'e',
                'í' => 'i',
                'ó' => 'o',
                'ñ' => 'n',
                'ś' => 's',
                'ø' => 'o',
                _ => c,
            })
            .collect::<String>()
            .to_lowercase()
    };
    let mut out = Vec::new();
    for (i, (name, email)) in NAMES.iter().enumerate() {
        out.push(id(i));
        out.push(name.to_string());
        out.push(plain(name));
        out.extend(
            name.split([' ', '-', '\''])
                .filter(|p| p.chars().count() >= 5)
                .flat_map(|p| [p.to_string(), plain(p)]),
        );
        out.push(email.to_string());
        let (local, domain) = email.split_once('@').unwrap();
        out.push(local.to_string());
        out.push(domain.to_string());
    }
    out.sort();
    out.dedup();
    out
}

fn assert_no_ids(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    // HTML and SVG may escape characters: undo the usual entities first.
    let unescaped = text
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    for f in fragments() {
        assert!(
            !text.contains(&f) && !unescaped.contains(&f),
            "{what} contains the participant id fragment {f:?}"
        );
    }
}

#[test]
fn no_participant_id_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = cohort_csv(dir.path());
    let inp = input.to_str().unwrap();
    let mut checked = 0;
    for lang in ["en", "es"] {
        for by in [None, Some("age_band")] {
            for format in ["table", "json", "csv", "csv-summary", "markdown", "html"] {
                let out_file = dir.path().join(format!("out.{format}"));
                let mut cmd = evaluate();
                cmd.args([inp, "--format", format, "--lang", lang]);
                if let Some(b) = by {
                    cmd.args(["--by", b]);
                }
                let stdout = cmd.output().unwrap();
                assert!(
                    stdout.status.success(),
                    "{}",
                    String::from_utf8_lossy(&stdout.stderr)
                );
                assert!(!stdout.stdout.is_empty());
                assert_no_ids(&format!("{format} {lang} {by:?} stdout"), &stdout.stdout);
                // Warnings (stderr) carry no id either.
                assert_no_ids(&format!("{format} {lang} {by:?} stderr"), &stdout.stderr);
                let mut cmd = evaluate();
                cmd.args([inp, "--format", format, "--lang", lang, "--output"])
                    .arg(&out_file);
                if let Some(b) = by {
                    cmd.args(["--by", b]);
                }
                cmd.assert().success();
                let written = std::fs::read(&out_file).unwrap();
                assert_eq!(written, stdout.stdout, "--output writes what stdout shows");
                assert_no_ids(&format!("{format} {lang} {by:?} file"), &written);
                checked += 2;
            }
            let charts = dir.path().join(format!("charts-{lang}-{}", by.is_some()));
            let report = dir
                .path()
                .join(format!("report-{lang}-{}.html", by.is_some()));
            let mut cmd = evaluate();
            cmd.args([inp, "--lang", lang, "--format", "json", "--charts"])
                .arg(&charts)
                .arg("--report")
                .arg(&report);
            if let Some(b) = by {
                cmd.args(["--by", b]);
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_no_ids("report", &std::fs::read(&report).unwrap());
            let mut svgs = 0;
            for entry in std::fs::read_dir(&charts).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                assert_no_ids(&format!("chart file name {name}"), name.as_bytes());
                let bytes = std::fs::read(&path).unwrap();
                if name.ends_with(".svg") {
                    svgs += 1;
                    assert!(String::from_utf8_lossy(&bytes).contains("<svg"));
                }
                assert_no_ids(&name, &bytes);
                checked += 1;
            }
            // overview, effects and one per domain (score, reads, level).
            assert!(svgs >= 5, "{svgs} SVG charts");
        }
    }
    assert!(checked > 40);
    // The check does catch an id: the input itself holds all of them.
    let caught =
        std::panic::catch_unwind(|| assert_no_ids("input", &std::fs::read(&input).unwrap()));
    assert!(caught.is_err());
}

/// Every file in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn outputs_replace_files_whole_and_leave_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy("testdata/cli/small.csv", &input).unwrap();
    let out = dir.path().join("out.json");
    // A long old file: the new one must not keep its tail.
    std::fs::write(&out, "x".repeat(1 << 20)).unwrap();
    evaluate()
        .arg(&input)
        .args(["--format", "json", "--output"])
        .arg(&out)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "evaluate/1");
    let report = dir.path().join("r.html");
    evaluate()
        .arg(&input)
        .arg("--report")
        .arg(&report)
        .arg("--charts")
        .arg(dir.path().join("charts"))
        .assert()
        .success();
    assert_eq!(
        listing(dir.path()),
        ["charts", "in.csv", "out.json", "r.html"]
    );
    assert!(
        listing(&dir.path().join("charts"))
            .iter()
            .all(|f| f.ends_with(".png") || f.ends_with(".svg"))
    );
    // A failed run (bad input) leaves the old output as it was, and nothing else.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,group,wave,x\n1,program,pre,abc\n").unwrap();
    let before = std::fs::read(&out).unwrap();
    evaluate()
        .arg(&bad)
        .args(["--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(
        listing(dir.path()),
        ["bad.csv", "charts", "in.csv", "out.json", "r.html"]
    );
}

#[cfg(unix)]
#[test]
fn no_output_over_an_input_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy("testdata/cli/small.csv", &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    // A symlinked folder too: sub/in.csv is the input.
    let sub = dir.path().join("sub");
    std::os::unix::fs::symlink(dir.path(), &sub).unwrap();
    for target in [link.clone(), sub.join("in.csv")] {
        for flag in ["--output", "--report"] {
            let out = evaluate()
                .arg(&input)
                .arg(flag)
                .arg(&target)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{flag} {}", target.display());
            assert!(String::from_utf8_lossy(&out.stderr).contains("input file"));
        }
    }
    // The input read through the symlink is protected as well.
    let out = evaluate()
        .arg(&link)
        .arg("--output")
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// Every output of one run: stdout of each format, the report and every chart.
fn all_outputs(input: &Path, dir: &Path, threads: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for format in ["table", "json", "csv", "markdown", "html"] {
        let o = evaluate()
            .env("RAYON_NUM_THREADS", threads)
            .arg(input)
            .args(["--format", format, "--by", "age_band"])
            .output()
            .unwrap();
        assert!(o.status.success());
        out.push((format.to_string(), o.stdout));
    }
    let charts = dir.join("charts");
    let report = dir.join("report.html");
    evaluate()
        .env("RAYON_NUM_THREADS", threads)
        .arg(input)
        .arg("--charts")
        .arg(&charts)
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    out.push(("report".into(), std::fs::read(&report).unwrap()));
    for f in listing(&charts) {
        out.push((f.clone(), std::fs::read(charts.join(&f)).unwrap()));
    }
    out
}

#[test]
fn identical_inputs_give_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = cohort_csv(dir.path());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    let first = all_outputs(&input, &a, "1");
    let second = all_outputs(&input, &b, "4");
    assert_eq!(first.len(), second.len());
    assert!(first.len() > 10);
    for ((name, x), (_, y)) in first.iter().zip(&second) {
        assert!(x == y, "{name} differs between two runs");
    }
}
