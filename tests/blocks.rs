//! Reading in blocks must not change anything: every input read with tiny blocks
//! (`EVALUATE_BLOCK_BYTES`, so that rows, labels, texts, strata and errors fall in
//! many blocks and are merged across them) gives the same output, messages and exit
//! code as with the default blocks.

use assert_cmd::Command;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn run(dir: &Path, args: &[&str], block: Option<&str>) -> (Option<i32>, String, String) {
    let mut cmd = Command::cargo_bin("evaluate").unwrap();
    cmd.current_dir(dir).args(args).write_stdin("");
    cmd.env_remove("EVALUATE_BLOCK_BYTES");
    if let Some(b) = block {
        cmd.env("EVALUATE_BLOCK_BYTES", b);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compare each invocation with blocks of 1, 61 and 4,096 bytes (and worksheet
/// blocks of as many records) against the default; return the differences.
fn differences(dir: &Path, cases: &[Vec<String>]) -> Vec<String> {
    let mut bad = Vec::new();
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let want = run(dir, &args, None);
        assert!(!want.2.contains("panicked"), "{args:?}: {}", want.2);
        for b in ["1", "61", "4096"] {
            let got = run(dir, &args, Some(b));
            if got != want {
                bad.push(format!(
                    "{args:?} with blocks of {b}: exit {:?} vs {:?}\n--- default stderr\n{}\n--- stderr\n{}\n--- stdout equal: {}",
                    got.0,
                    want.0,
                    want.2,
                    got.2,
                    got.1 == want.1
                ));
            }
        }
    }
    bad
}

fn args(s: &str) -> Vec<String> {
    s.split(' ').map(str::to_string).collect()
}

#[test]
fn hostile_corpus_reads_the_same_in_small_blocks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad");
    let cases: Vec<Vec<String>> = std::fs::read_to_string(dir.join("cases.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| args(l.split('\t').next().unwrap()))
        .collect();
    let bad = differences(&dir, &cases);
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}

#[test]
fn shipped_inputs_read_the_same_in_small_blocks() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cases = vec![
        args("examples/hidalgo/cohort.csv --format json"),
        args("examples/hidalgo/cohort.csv --spec examples/hidalgo/spec.toml --by age_band"),
        args("testdata/kobo/kobo_labels.csv --format csv"),
        args("testdata/kobo/kobo_xml.csv --format json"),
        args("testdata/kobo/odk_central.csv"),
        args("testdata/workbooks/cohort.xlsx --format json"),
        args("testdata/workbooks/cohort.xls"),
        args("testdata/workbooks/formula_error.xlsx"),
    ];
    let bad = differences(&root, &cases);
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}

/// Inputs made so that what one block learns matters to the next: a domain whose
/// first text comes late (its numbers keep their spelling from then on), over a
/// thousand distinct texts, labels and strata first seen late, rows dropped by
/// --pre/--post, duplicates and arm changes far apart, quoted line breaks, CRLF,
/// a byte-order mark and Windows-1252 text, a decimal comma, wide layout, files
/// that are arms.
#[test]
fn merges_across_blocks_read_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let write = |name: &str, text: &[u8]| std::fs::write(dir.join(name), text).unwrap();

    let mut mixed = String::from("id,group,wave,level,score,note,band\n");
    for i in 0..400 {
        // Numbers first; from row 50 mostly text, with numbers written "1.50" and
        // "03" that must keep that spelling as levels.
        let level = match i {
            0..=49 => ["1", "2", "1.50", "03"][i % 4],
            50 => "none",
            _ => ["none", "low", "1.50", "high", "03", "low"][i % 6],
        };
        let group = if i % 2 == 0 {
            "intervention"
        } else {
            "control"
        };
        let band = if i < 300 { ["a", "b"][i % 2] } else { "c" };
        for wave in ["pre", "post"] {
            let _ = writeln!(
                mixed,
                "P{i},{group},{wave},{level},{},free text {i} {wave},{band}",
                (i * 7 + wave.len()) % 23
            );
        }
    }
    write("mixed.csv", mixed.as_bytes());

    let mut many = String::from("id,group,wave,label,x\n");
    for i in 0..1500 {
        let g = ["control", "intervention"][i % 2];
        let _ = writeln!(many, "{i},{g},pre,t{},{}", i % 1200, i % 5);
        let _ = writeln!(many, "{i},{g},post,t{},{}", (i * 7) % 1200, (i + 1) % 5);
    }
    write("many_texts.csv", many.as_bytes());

    let mut waves = String::from("id,group,wave,y\n");
    for i in 0..300 {
        let g = ["control", "intervention"][i % 2];
        for w in ["baseline", "midline", "endline"] {
            let _ = writeln!(waves, "{i},{g},{w},{}", (i * 3) % 11);
        }
    }
    write("three_waves.csv", waves.as_bytes());
    let late_unknown = format!("{waves}999,control,follow-up,1\n");
    write("late_unknown.csv", late_unknown.as_bytes());

    let mut dup = String::from("id,group,wave,y\n");
    for i in 0..300 {
        let _ = writeln!(dup, "{i},control,pre,{}", i % 7);
    }
    let _ = writeln!(dup, "17,control,pre,3");
    write("late_duplicate.csv", dup.as_bytes());
    let mut arm_change = String::from("id,group,wave,y\n");
    for i in 0..300 {
        let _ = writeln!(arm_change, "{i},control,pre,{}", i % 7);
    }
    let _ = writeln!(arm_change, "5,intervention,post,3");
    write("late_arm_change.csv", arm_change.as_bytes());

    let mut quoted = Vec::from(&b"\xEF\xBB\xBFid,group,wave,comment,y\r\n"[..]);
    for i in 0..200 {
        let g = ["control", "intervention"][i % 2];
        for w in ["pre", "post"] {
            let comment: &[u8] = match i % 4 {
                0 => b"\"line one\r\nline, two\"",
                1 => b"ni\xF1o",
                2 => b"\"\"\"quoted\"\"\"",
                _ => b"",
            };
            quoted.extend_from_slice(format!("{i},{g},{w},").as_bytes());
            quoted.extend_from_slice(comment);
            quoted.extend_from_slice(format!(",{}\r\n", (i * 5) % 9).as_bytes());
        }
        if i % 50 == 0 {
            quoted.extend_from_slice(b"\r\n");
        }
    }
    write("quoted.csv", &quoted);

    let mut comma = String::from("id;group;wave;y;ok\n");
    for i in 0..200 {
        let g = ["control", "intervention"][i % 2];
        let _ = writeln!(comma, "{i};{g};pre;{},{};si", i % 9, i % 10);
        let _ = writeln!(comma, "{i};{g};post;{},{};no", (i + 2) % 9, i % 10);
    }
    write("decimal_comma.csv", comma.as_bytes());

    let mut wide = String::from("id,group,y_pre,y_post,ok_pre,ok_post\n");
    for i in 0..300 {
        let g = ["control", "intervention"][i % 2];
        let _ = writeln!(
            wide,
            "{i},{g},{},{},yes,{}",
            i % 13,
            (i * 3) % 13,
            ["no", "yes"][i % 2]
        );
    }
    write("wide.csv", wide.as_bytes());

    let mut ragged = mixed.clone();
    ragged.push_str("P999,control,pre,1\n");
    write("late_ragged.csv", ragged.as_bytes());

    for arm in ["treated", "control"] {
        let mut f = String::from("id,wave,y\n");
        for i in 0..200 {
            let _ = writeln!(f, "{i},pre,{}", i % 7);
            let _ = writeln!(f, "{i},post,{}", (i + arm.len()) % 7);
        }
        write(&format!("{arm}.csv"), f.as_bytes());
    }

    let cases = vec![
        args("mixed.csv --format json"),
        args("mixed.csv --by band --format csv"),
        args("many_texts.csv --format json"),
        args("three_waves.csv --pre baseline --post endline --format json"),
        args("three_waves.csv"),
        args("late_unknown.csv --pre baseline --post endline"),
        args("late_duplicate.csv"),
        args("late_arm_change.csv"),
        args("quoted.csv --format json"),
        args("decimal_comma.csv --format json"),
        args("wide.csv --format json"),
        args("late_ragged.csv"),
        args("treated.csv control.csv --intervention treated --format json"),
    ];
    let bad = differences(dir, &cases);
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}
