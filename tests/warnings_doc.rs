//! docs/warnings.md lists every warning: the fixed text of each message given to
//! `Warning::new` or as a skipped domain's reason in the source must appear there.

use std::path::Path;

/// The string literals inside the parentheses that open at `open` (a `(`).
fn literals_in_call(src: &str, open: usize) -> Vec<String> {
    let b = src.as_bytes();
    let (mut depth, mut i, mut out) = (0usize, open, Vec::new());
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                out.push(src[start..i].replace("\\\"", "\""));
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The longest fixed piece of a format string (between `{…}` placeholders).
fn fixed_part(literal: &str) -> String {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let mut in_brace = false;
    for c in literal.chars() {
        match c {
            '{' => {
                in_brace = true;
                pieces.push(std::mem::take(&mut cur));
            }
            '}' if in_brace => in_brace = false,
            _ if !in_brace => cur.push(c),
            _ => {}
        }
    }
    pieces.push(cur);
    pieces
        .into_iter()
        .max_by_key(|p| p.trim().len())
        .unwrap_or_default()
        .trim()
        .to_string()
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

#[test]
fn every_warning_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/warnings.md")).unwrap();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut found = 0;
    let mut missing = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        // Unit tests may build warnings of their own.
        let src = src.split("#[cfg(test)]").next().unwrap();
        for marker in ["Warning::new(", "Skipped("] {
            for (at, _) in src.match_indices(marker) {
                let open = at + marker.len() - 1;
                for lit in literals_in_call(src, open) {
                    let fixed = fixed_part(&lit);
                    if fixed.len() < 8 {
                        continue;
                    }
                    found += 1;
                    if !doc.contains(&fixed) {
                        missing.push(format!("{}: {fixed:?}", f.display()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "warnings missing from docs/warnings.md:\n{}",
        missing.join("\n")
    );
    assert!(
        found >= 10,
        "only {found} warning texts found in the source"
    );
}
