//! A middle wave against the baseline (contract §9) through the binary: its
//! summaries, comparisons and warnings are those of a two-wave file of the same
//! participants at the baseline and that wave (the analysis takes the baseline's
//! side from the main pair instead of computing it again, issue 16), paired and
//! unpaired, with untestable baseline comparisons and small expected counts.

mod common;

use serde_json::Value;

/// A long file of `n` participants (with an id column when `paired`) at the
/// waves `labels`: a decimal score, a yes/no and three levels, each drawn from
/// (participant, wave index), so a wave's values do not depend on the others'.
/// At the baseline the control arm has one score, always "yes" and mostly
/// "low"; every third participant misses the second wave.
fn cohort(n: usize, paired: bool, labels: &[&str]) -> String {
    let draw = |i: usize, w: usize, field: u64, m: u64| {
        let mut x = (i as u64) << 16 | (w as u64) << 8 | field;
        for _ in 0..3 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
        }
        (x >> 33) % m
    };
    let mut out = String::from(if paired { "id," } else { "" });
    out.push_str("group,wave,score,yes,level\n");
    for i in 0..n {
        let control = i % 2 == 1;
        for (w, wave) in labels.iter().enumerate() {
            if w == 1 && i % 3 == 0 {
                continue;
            }
            let baseline = w == 0 && control;
            let score = if baseline && i > 1 {
                String::new()
            } else {
                format!("{}.{}", draw(i, w, 0, 20), draw(i, w, 1, 10))
            };
            let yes = if baseline { 1 } else { draw(i, w, 2, 2) };
            let level = if baseline {
                0
            } else {
                draw(i, w, 3, 3) as usize
            };
            if paired {
                out.push_str(&format!("P{i},"));
            }
            let arm = if control { "control" } else { "intervention" };
            let level = ["low", "mid", "high"][level];
            out.push_str(&format!("{arm},{wave},{score},{yes},{level}\n"));
        }
    }
    out
}

fn analyse(dir: &tempfile::TempDir, name: &str, text: &str) -> Value {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    common::json_of(&[path.to_str().unwrap(), "-q"])
}

/// Rows of `rows` with their `key` field renamed by `rename` (None: left out),
/// `p_adjusted` left out (its family differs).
fn renamed(rows: &Value, key: &str, rename: impl Fn(&str) -> Option<String>) -> Vec<Value> {
    let mut out = Vec::new();
    for r in rows.as_array().unwrap() {
        let Some(id) = rename(r[key].as_str().unwrap()) else {
            continue;
        };
        let mut r = r.clone();
        r[key] = Value::from(id);
        r.as_object_mut().unwrap().remove("p_adjusted");
        out.push(r);
    }
    out
}

/// The three-wave file's `w2` comparison ids as the two-wave file's.
fn as_pair(id: &str) -> Option<String> {
    match id {
        "between:w2" => Some("between:post".into()),
        id => id.strip_suffix("@w2").map(str::to_string),
    }
}

/// The two-wave file's comparisons a middle wave has (not `between:pre`).
fn later(id: &str) -> Option<String> {
    (id != "between:pre").then(|| id.to_string())
}

fn middle_wave_is_its_two_wave_file(paired: bool) {
    let dir = tempfile::tempdir().unwrap();
    let three = cohort(40, paired, &["baseline", "visit 2", "final"]);
    // The same draws without the last wave: the middle wave's rows are `final`'s.
    let two = cohort(40, paired, &["baseline", "final"]);
    let (k3, k2) = (
        analyse(&dir, "three.csv", &three),
        analyse(&dir, "two.csv", &two),
    );
    for (d3, d2) in k3["domains"]
        .as_array()
        .unwrap()
        .iter()
        .zip(k2["domains"].as_array().unwrap())
    {
        assert_eq!(d3["name"], d2["name"]);
        let tests = renamed(&d3["tests"], "comparison", as_pair);
        assert!(!tests.is_empty());
        assert_eq!(tests, renamed(&d2["tests"], "comparison", later));
        let wave = |w: &str| (w == "post").then(|| "w2".to_string());
        let mid = |w: &str| (w == "w2").then(|| "w2".to_string());
        assert_eq!(
            renamed(&d3["summary"], "wave", mid),
            renamed(&d2["summary"], "wave", wave)
        );
        let levels = |d: &Value| d["per_level"].as_array().cloned().unwrap_or_default();
        assert_eq!(levels(d3).len(), levels(d2).len());
        for (l3, l2) in levels(d3).iter().zip(&levels(d2)) {
            let t3 = renamed(&l3["tests"], "comparison", as_pair);
            assert_eq!(t3, renamed(&l2["tests"], "comparison", later));
        }
    }
    // The middle wave's warnings are the two-wave file's about its domains,
    // `between:pre` included (untestable, small expected counts).
    let messages = |k: &Value, prefix: &str| -> Vec<String> {
        (k["warnings"].as_array().unwrap().iter())
            .filter(|w| ["untestable", "expected_count"].contains(&w["code"].as_str().unwrap()))
            .filter_map(|w| w["message"].as_str().unwrap().strip_prefix(prefix))
            .filter(|m| !m.starts_with("waves:") && !m.starts_with("trend:"))
            .filter(|m| !m.starts_with("w2: "))
            .map(str::to_string)
            .collect()
    };
    let from_pair = messages(&k2, "");
    assert!(from_pair.iter().any(|m| m.starts_with("between:pre")));
    assert!(from_pair.iter().any(|m| m.contains("expected count")));
    assert_eq!(messages(&k3, "w2: "), from_pair);
}

#[test]
fn a_paired_middle_wave_is_its_two_wave_file() {
    middle_wave_is_its_two_wave_file(true);
}

#[test]
fn an_unpaired_middle_wave_is_its_two_wave_file() {
    middle_wave_is_its_two_wave_file(false);
}
