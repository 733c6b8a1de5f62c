//! Fuzz regressions: every input kept under `testdata/fuzz/{read,spec}/` (inputs
//! that once crashed a fuzz target, and awkward hand-made ones) and the fuzz seed
//! corpus `fuzz/seeds/` go through exactly what the fuzz targets do
//! (`fuzz/harness.rs`), without a panic. See docs/fuzzing.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [
        root.join("testdata/fuzz").join(target),
        root.join("fuzz/seeds").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let name = f.display().to_string();
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                panic!("{target}: {name} panics");
            }
            n += 1;
        }
    }
    n
}

#[test]
fn reader_inputs() {
    let n = replay("read", harness::read);
    assert!(n >= 50, "{n} inputs");
}

#[test]
fn spec_inputs() {
    let n = replay("spec", harness::spec);
    assert!(n >= 10, "{n} inputs");
}
