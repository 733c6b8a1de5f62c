//! docs/warnings.md lists every warning: each code with its English and Spanish
//! templates, exactly as `src/warning.rs` writes them; and no warning is built from
//! free text any more (each goes through a code).

use evaluate::warning::Code;
use std::path::Path;

#[test]
fn every_code_is_documented_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/warnings.md")).unwrap();
    let mut missing = Vec::new();
    for &c in Code::ALL {
        assert!(
            !c.en().trim().is_empty(),
            "{} has no English text",
            c.as_str()
        );
        assert!(
            !c.es().trim().is_empty(),
            "{} has no Spanish text",
            c.as_str()
        );
        assert_ne!(c.en(), c.es(), "{} is not translated", c.as_str());
        for needle in [
            format!("`{}`", c.as_str()),
            format!("en: `{}`", c.en()),
            format!("es: `{}`", c.es()),
        ] {
            if !doc.contains(&needle) {
                missing.push(needle);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing from docs/warnings.md:\n{}",
        missing.join("\n")
    );
    assert!(Code::ALL.len() >= 40, "only {} codes", Code::ALL.len());
    let mut codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), Code::ALL.len(), "a code is used twice");
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every warning goes through a code: no `Warning { … message … }` built by hand
/// outside src/warning.rs, so none escapes translation.
#[test]
fn no_warning_is_built_from_free_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for f in files {
        if f.ends_with("warning.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&f).unwrap();
        for (i, line) in src.lines().enumerate() {
            // A struct literal (`Warning { domain, message, … }`), not a return type.
            let literal = line.contains("Warning {") && !line.contains("->");
            if literal || line.contains(".message = ") {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "warnings built by hand:\n{}",
        found.join("\n")
    );
}
