//! Bounded resources on hostile sizes: two million identical rows, a 1 MB field and
//! very many columns are analysed with bounded memory and output, or refused with a
//! clear message. The inputs are generated in a temporary folder, never committed.
//!
//! These are correctness tests: no wall-clock limit is asserted (a busy machine
//! would make them fail). Peak memory (max RSS, which does not depend on load) is
//! read from `/usr/bin/time -f %M` when that program exists, otherwise not
//! asserted. The time each case takes is printed with `--nocapture` and measured,
//! release build, in docs/performance.md ("Hostile sizes").

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    /// Peak resident memory in MB, when /usr/bin/time is available.
    rss_mb: Option<f64>,
}

fn run(args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_evaluate");
    let time = Path::new("/usr/bin/time");
    let dir = tempfile::tempdir().unwrap();
    let rss_file = dir.path().join("rss");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let t0 = Instant::now();
    let out = cmd.args(args).output().expect("runs");
    let wall = t0.elapsed();
    let rss_mb = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    eprintln!(
        "{:?}: exit {:?}, {:.2} s, peak {} MB, {} bytes out",
        args.iter()
            .map(|a| Path::new(a).file_name().map_or(*a, |f| f.to_str().unwrap()))
            .collect::<Vec<_>>(),
        out.status.code(),
        wall.as_secs_f64(),
        rss_mb.map_or("?".into(), |m| format!("{m:.0}")),
        out.stdout.len()
    );
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr,
        rss_mb,
    }
}

fn write(path: &Path, mut fill: impl FnMut(&mut std::io::BufWriter<std::fs::File>)) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    fill(&mut w);
    w.flush().unwrap();
}

/// Peak memory under `mb` (when measurable). Time is printed by `run`, never asserted.
fn bounded(r: &Run, mb: f64) {
    if let Some(m) = r.rss_mb {
        assert!(m < mb, "peak memory {m:.0} MB (limit {mb} MB)");
    }
}

/// The same row two million times with an id: the repeat is refused at line 3.
#[test]
fn two_million_identical_rows_with_an_id_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("same.csv");
    write(&path, |w| {
        writeln!(w, "id,group,wave,score").unwrap();
        for _ in 0..2_000_000 {
            w.write_all(b"1,program,pre,5\n").unwrap();
        }
    });
    let r = run(&[path.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("line 3, column \"id\": participant \"1\" appears twice"),
        "{}",
        r.stderr
    );
    bounded(&r, 100.0);
}

/// Two million rows, identical within each arm and wave, no id: analysed (every
/// test untestable, with warnings and null p-values).
#[test]
fn two_million_identical_rows_without_ids_are_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("same.csv");
    write(&path, |w| {
        writeln!(w, "group,wave,score,ok").unwrap();
        for i in 0..2_000_000 {
            let row: &[u8] = match i % 4 {
                0 => b"program,pre,5,yes\n",
                1 => b"program,post,5,yes\n",
                2 => b"control,pre,5,yes\n",
                _ => b"control,post,5,yes\n",
            };
            w.write_all(row).unwrap();
        }
    });
    let r = run(&[path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["input"]["rows"], 2_000_000);
    let score = &v["domains"][0];
    assert_eq!(score["summary"][0]["n"], 500_000);
    assert!(score["tests"][0]["p_value"].is_null());
    assert!(r.stderr.contains("cannot be tested"), "{}", r.stderr);
    bounded(&r, 600.0);
}

/// A 1 MB field, quoted with delimiters, quotes and line ends inside, in a data
/// cell and as a column name: read, bounded, never a panic.
#[test]
fn a_one_megabyte_field() {
    let dir = tempfile::tempdir().unwrap();
    let big = "ab,c;d\t|\"\"\n".repeat((1 << 20) / 11 + 1);
    assert!(big.len() >= 1_000_000);
    let cell = dir.path().join("cell.csv");
    write(&cell, |w| {
        writeln!(w, "id,group,wave,score,note").unwrap();
        writeln!(w, "1,program,pre,5,\"{big}\"").unwrap();
        for (i, arm) in [(1, "program"), (2, "control"), (3, "control")] {
            for (wave, s) in [("pre", 4 + i), ("post", 7 + i)] {
                if (i, wave) != (1, "pre") {
                    writeln!(w, "{i},{arm},{wave},{s},short").unwrap();
                }
            }
        }
    });
    let header = dir.path().join("header.csv");
    write(&header, |w| {
        writeln!(w, "id,group,wave,score,\"{big}\"").unwrap();
        writeln!(w, "1,program,pre,5,1\n1,program,post,6,2").unwrap();
        writeln!(w, "2,control,pre,5,3\n2,control,post,7,2").unwrap();
    });
    for path in [&cell, &header] {
        for format in ["json", "table"] {
            let r = run(&[path.to_str().unwrap(), "--format", format]);
            assert!(matches!(r.code, Some(0 | 2)), "{}", r.stderr);
            bounded(&r, 300.0);
            // The field is echoed as a level or domain name: in the table some 20
            // times (summary, tests, per level, findings), not without bound.
            assert!(r.stdout.len() < 32 << 20, "{} bytes out", r.stdout.len());
        }
    }
    // An unterminated quote swallowing the rest of a 1 MB file: refused, with its line.
    let open = dir.path().join("open.csv");
    write(&open, |w| {
        writeln!(w, "id,group,wave,score\n1,program,pre,\"5").unwrap();
        w.write_all(big.as_bytes()).unwrap();
    });
    let r = run(&[open.to_str().unwrap()]);
    assert!(matches!(r.code, Some(0 | 2)), "{}", r.stderr);
    bounded(&r, 300.0);
}

/// Wide input: `n` domain columns of digits 0..9 over four participants.
fn columns(path: &Path, n: usize) {
    write(path, |w| {
        write!(w, "id,group,wave").unwrap();
        for c in 0..n {
            write!(w, ",c{c}").unwrap();
        }
        writeln!(w).unwrap();
        for (p, arm) in [
            (1, "program"),
            (2, "program"),
            (3, "control"),
            (4, "control"),
        ] {
            for (k, wave) in ["pre", "post"].iter().enumerate() {
                write!(w, "{p},{arm},{wave}").unwrap();
                for c in 0..n {
                    write!(w, ",{}", (c * 7 + p * 3 + k * 5) % 10).unwrap();
                }
                writeln!(w).unwrap();
            }
        }
    });
}

/// 5,000 columns: every one analysed (its tests are in the CSV), with bounded
/// memory. Columns are found by name through a folded header index, so the work
/// grows with the number of columns, not its square (before the index, 100,000
/// columns took 661 s). No instruction counter is available to count that work
/// independently of load, so the size is chosen small (a quadratic regression
/// would add seconds here, not fail on a busy machine), and the 100,000-column
/// figures are measured, release build, in docs/performance.md ("Hostile sizes"),
/// never asserted.
#[test]
fn five_thousand_columns() {
    const N: usize = 5_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.csv");
    columns(&path, N);
    let r = run(&[path.to_str().unwrap(), "--format", "csv", "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    bounded(&r, 300.0);
    let out = String::from_utf8(r.stdout).unwrap();
    let mut seen = vec![false; N];
    for line in out.lines().skip(1) {
        let domain = line.split(',').nth(1).unwrap();
        let c: usize = domain.trim_start_matches('c').parse().unwrap();
        seen[c] = true;
    }
    let missing = seen.iter().filter(|s| !**s).count();
    assert_eq!(missing, 0, "{missing} of {N} columns have no test row");
}
