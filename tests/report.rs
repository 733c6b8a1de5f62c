//! The report, Markdown and findings: one command writes every file; the HTML is
//! self-contained and escaped; it renders in headless Chromium with no console
//! errors and no network requests (skipped, with a notice, without Chromium).

use assert_cmd::Command;
use clap::Parser;
use std::path::{Path, PathBuf};

fn evaluate() -> Command {
    let mut c = Command::cargo_bin("evaluate").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn report_of(args: &[&str]) -> evaluate::results::Report {
    let mut argv = vec!["evaluate"];
    argv.extend_from_slice(args);
    evaluate::run::report(&evaluate::cli::Cli::parse_from(argv)).unwrap()
}

/// The must-show command, into a temp folder.
fn must_show(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let html = out.join("report.html");
    evaluate()
        .args(["examples/hidalgo/cohort.csv", "--charts"])
        .arg(&out)
        .arg("--report")
        .arg(&html)
        .args(["--lang", "es", "-q"])
        .assert()
        .success();
    html
}

#[test]
fn one_command_writes_every_chart_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    // The time this takes (under 1 s, release) is in docs/performance.md, not asserted.
    let html = must_show(dir.path());
    let out = html.parent().unwrap();
    for f in [
        "overview.png",
        "overview.svg",
        "effects.png",
        "effects.svg",
        "cognitive_score.svg",
        "development_level.png",
        "extroverted_affectionate.png",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("<html lang=\"es\">"));
    for id in [
        "design", "findings", "charts", "tables", "methods", "warnings",
    ] {
        assert!(text.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // Findings in Spanish with decimal commas, attrition, every table, the methods.
    assert!(text.contains("Hallazgos"));
    assert!(
        text.contains("53,7 %"),
        "program after, extroverted (chart)"
    );
    assert!(text.contains("Medidos en ambas ocasiones"));
    assert!(text.contains("McNemar (1947)"));
    assert!(text.contains("Holm (1979)"));
    assert!(text.matches("<table>").count() >= 9);
    // Charts inline as SVG: overview, effects and one per domain.
    assert!(text.matches("<svg ").count() >= 10);
    // Self-contained: no scripts, no external resources; the only URL is the SVG
    // namespace.
    assert!(!text.contains("<script"));
    assert!(!text.contains("<link"));
    assert!(!text.contains(" src="));
    assert!(!text.contains("url("));
    let urls = text.matches("http://").count() + text.matches("https://").count();
    let ns = text.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, ns, "only the SVG namespace");
    assert!(text.contains("Content-Security-Policy"));
    assert!(!text.contains("HGO-"), "participant ids never appear");
}

#[test]
fn user_text_is_escaped_in_the_report() {
    let mut r = report_of(&["testdata/cli/small.csv"]);
    r.settings.title = Some("</title><script>alert(1)</script>".into());
    r.domains[0].label = "<img src=x onerror=alert(1)> & \"quotes\"".into();
    r.warnings.push(evaluate::cohort::Warning::new(
        Some("<b>x</b>"),
        evaluate::warning::Code::IgnoreAbsent,
        evaluate::args![column = "<iframe>"],
    ));
    let html = evaluate::output::html::render(&r).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<iframe>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"));
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;"));
}

#[test]
fn the_report_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.csv");
    std::fs::copy("testdata/cli/small.csv", &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    evaluate()
        .arg(&input)
        .arg("--report")
        .arg(&input)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn json_has_findings_per_domain() {
    let out = evaluate()
        .args([
            "examples/hidalgo/cohort.csv",
            "--spec",
            "examples/hidalgo/spec.toml",
        ])
        .args([
            "--ignore", "age_band", "--lang", "en", "--format", "json", "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    // One finding per domain, after the baseline balance's.
    assert_eq!(f.len(), v["domains"].as_array().unwrap().len() + 1);
    assert_eq!(f[0]["domain"], "balance");
    let extro = f
        .iter()
        .find(|x| x["domain"] == "extroverted_affectionate")
        .unwrap();
    let text = extro["text"].as_str().unwrap();
    assert!(
        text.starts_with("Extroverted and affectionate: 54% of children in the program group after the program, compared with 22% in the control group"),
        "{text}"
    );
    assert!(text.contains("adjusted p < 0.001"), "{text}");
    assert!(
        text.contains("a statistically significant improvement"),
        "{text}"
    );
    assert_eq!(extro["significant"], true);
    assert_eq!(extro["favourable"], true);
    let weight = f.iter().find(|x| x["domain"] == "normal_weight").unwrap();
    assert_eq!(weight["significant"], false);
    assert!(
        weight["text"]
            .as_str()
            .unwrap()
            .ends_with("not statistically significant.")
    );
}

#[test]
fn markdown_tables_paste_cleanly() {
    let out = evaluate()
        .args([
            "examples/hidalgo/cohort.csv",
            "--spec",
            "examples/hidalgo/spec.toml",
        ])
        .args(["--ignore", "age_band", "--format", "markdown", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Desarrollo infantil en Hidalgo"));
    assert!(md.contains("## Hallazgos"));
    assert!(md.contains("| Programa | "));
    // Every row of a table has as many cells as its header.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    let mut header: Option<usize> = None;
    let mut tables = 0;
    for l in md.lines() {
        if l.starts_with('|') {
            match header {
                None => {
                    header = Some(cells(l));
                    tables += 1;
                }
                Some(n) => assert_eq!(cells(l), n, "{l}"),
            }
        } else {
            header = None;
        }
    }
    // Table 1, then the domains' tables.
    assert_eq!(tables, 9);
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn headless(bin: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// URLs the page itself asked for: browser-internal requests have no origin.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap_or_default();
    // Chromium may leave the log's closing bracket off when it exits.
    let v: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .expect("a readable net log");
    let mut out = Vec::new();
    for e in v["events"].as_array().into_iter().flatten() {
        let p = &e["params"];
        if let (Some(url), Some(init)) = (p["url"].as_str(), p["initiator"].as_str())
            && init != "not an origin"
            && !url.starts_with("file:")
            && !url.starts_with("data:")
        {
            out.push(url.to_string());
        }
    }
    out
}

#[test]
fn report_renders_in_headless_chromium_offline_without_errors() {
    let Some(bin) = chromium() else {
        eprintln!("notice: no chromium binary found; skipping the browser check");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = must_show(dir.path());
    let url = format!("file://{}", html.canonicalize().unwrap().display());
    let netlog = dir.path().join("net.json");

    let out = headless(&bin, &dir.path().join("profile-dom"))
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(out.status.success());
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("Hallazgos") && dom.contains("<svg"),
        "rendered DOM"
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("Refused to"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let requests = page_requests(&netlog);
    assert!(requests.is_empty(), "network requests: {requests:?}");

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let status = headless(&bin, &dir.path().join("profile-shot"))
        .args(["--window-size=900,2400"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 50_000, "a screenshot with content");
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn the_network_check_catches_a_page_that_loads_something() {
    let Some(bin) = chromium() else {
        eprintln!("notice: no chromium binary found; skipping the browser check");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("leaky.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\"></body></html>",
    )
    .unwrap();
    let netlog = dir.path().join("net.json");
    let out = headless(&bin, &dir.path().join("profile"))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success());
    let requests = page_requests(&netlog);
    assert!(
        requests.iter().any(|u| u.contains("example.invalid")),
        "{requests:?}"
    );
}
