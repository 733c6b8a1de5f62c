//! CSV for pipelines (docs/output-formats.md), two shapes with fixed columns:
//!
//! * `--format csv`: one tidy row per test (contract §4.2): the domain's tests, its
//!   transition test (`between:improved`, ordered levels), then per-level rows named
//!   `domain[level]`. After the contract's columns come `suppressed` (`false`
//!   without `--min-cell`) and the model-based test's `se, se_type, clusters,
//!   covariates` (empty for the other tests and without `--cluster` /
//!   `--covariates`), so the header never changes with a flag. `primary` and
//!   `p_adjusted` are the JSON's: per-level rows are secondary (`primary = false`,
//!   `p_adjusted` empty), and an empty `p_adjusted` is the JSON's null.
//! * `--format csv-summary`: one descriptive row per domain × arm × wave (× level
//!   for categorical domains): n, missing, count, mean or proportion with its CI,
//!   and for scores sd, median, quartiles, min and max — the JSON's `summary`.
//!   A second file rather than `kind = summary` rows in the first, so that readers
//!   of the tidy test rows (one row per test, `kind` the domain's kind) are not
//!   broken.

use crate::cohort::Kind;
use crate::results::{DomainResult, Report, SummaryRow, SummaryStats, TestRow};

/// The contract's columns (§4.2), in order.
pub const HEADER: [&str; 16] = [
    "stratum",
    "domain",
    "kind",
    "comparison",
    "method",
    "primary",
    "n",
    "estimate",
    "conf_low",
    "conf_high",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
    "effect_size_name",
    "effect_size",
];

/// The columns after the contract's: always there, whatever the flags.
pub const EXTRA: [&str; 5] = ["suppressed", "se", "se_type", "clusters", "covariates"];

/// The columns of `--format csv-summary`.
pub const SUMMARY_HEADER: [&str; 20] = [
    "stratum",
    "domain",
    "kind",
    "group",
    "wave",
    "level",
    "n",
    "missing",
    "count",
    "measure",
    "estimate",
    "conf_low",
    "conf_high",
    "sd",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "suppressed",
];

fn num(x: Option<f64>) -> String {
    // Debug formatting switches to exponents for tiny and huge values (1e-300, not
    // 300 zeros) and round-trips exactly.
    x.map(|v| format!("{v:?}")).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Continuous => "continuous",
        Kind::Binary => "binary",
        Kind::Categorical => "categorical",
    }
}

fn test_record(stratum: &str, domain: &str, kind: &str, t: &TestRow) -> Vec<String> {
    let (ename, evalue) = match &t.effect_size {
        Some(e) => (e.name.to_string(), num(e.value)),
        None => (String::new(), String::new()),
    };
    let (se, se_type, clusters, covariates) = match &t.robust {
        Some(r) => (
            num(r.se),
            r.se_type.to_string(),
            r.clusters.to_string(),
            r.covariates.join(";"),
        ),
        None => Default::default(),
    };
    vec![
        stratum.to_string(),
        domain.to_string(),
        kind.to_string(),
        t.comparison.clone(),
        t.method.to_string(),
        flag(t.primary),
        t.n.to_string(),
        num(t.estimate),
        num(t.conf_low),
        num(t.conf_high),
        num(t.statistic),
        num(t.df),
        num(t.p_value),
        num(t.p_adjusted),
        ename,
        evalue,
        flag(t.suppressed),
        se,
        se_type,
        clusters,
        covariates,
    ]
}

fn push_tests(
    w: &mut csv::Writer<Vec<u8>>,
    stratum: &str,
    domains: &[DomainResult],
) -> csv::Result<()> {
    for d in domains {
        let kind = kind_name(d.kind);
        let transitions = d.transitions.iter().flat_map(|tr| &tr.tests);
        for t in d.tests.iter().chain(transitions) {
            w.write_record(test_record(stratum, &d.name, kind, t))?;
        }
        for l in &d.per_level {
            let name = format!("{}[{}]", d.name, l.level);
            for t in &l.tests {
                w.write_record(test_record(stratum, &name, "binary", t))?;
            }
        }
    }
    Ok(())
}

/// The strata of a report with their `stratum` column: "" pooled, `column=value`.
fn strata(report: &Report) -> Vec<(String, &[DomainResult])> {
    std::iter::once((String::new(), report.domains.as_slice()))
        .chain(
            report
                .strata
                .iter()
                .map(|s| (format!("{}={}", s.column, s.value), s.domains.as_slice())),
        )
        .collect()
}

/// `--format csv`: one tidy row per test.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER.iter().chain(&EXTRA))?;
    for (stratum, domains) in strata(report) {
        push_tests(&mut w, &stratum, domains)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// The descriptive rows of one summary row: one for a score or a yes/no domain,
/// one per level for a categorical domain.
fn summary_records(stratum: &str, d: &DomainResult, row: &SummaryRow) -> Vec<Vec<String>> {
    let head = |level: &str| {
        vec![
            stratum.to_string(),
            d.name.clone(),
            kind_name(d.kind).to_string(),
            row.group.name().to_string(),
            row.wave.id(),
            level.to_string(),
            row.n.to_string(),
            row.missing.to_string(),
        ]
    };
    let blank = || vec![String::new(); 6];
    match &row.stats {
        SummaryStats::Continuous {
            mean,
            sd,
            median,
            q1,
            q3,
            min,
            max,
            conf_low,
            conf_high,
        } => {
            let mut r = head("");
            r.extend([String::new(), "mean".to_string()]);
            r.extend([mean, conf_low, conf_high, sd, median, q1, q3, min, max].map(|x| num(*x)));
            // With --min-cell a score's row is always flagged (its min and max are
            // one child's values); here `suppressed` says the mean is withheld.
            r.push(flag(row.suppressed && mean.is_none()));
            vec![r]
        }
        SummaryStats::Binary {
            count,
            proportion,
            conf_low,
            conf_high,
        } => {
            let mut r = head("");
            let count = (!row.suppressed).then_some(*count);
            r.push(count.map(|c| c.to_string()).unwrap_or_default());
            r.push("proportion".to_string());
            r.extend([proportion, conf_low, conf_high].map(|x| num(*x)));
            r.extend(blank());
            r.push(flag(row.suppressed));
            vec![r]
        }
        SummaryStats::Categorical { levels } => levels
            .iter()
            .map(|l| {
                let mut r = head(&l.level);
                let count = (!l.suppressed).then_some(l.count);
                r.push(count.map(|c| c.to_string()).unwrap_or_default());
                r.push("proportion".to_string());
                r.extend([l.proportion, l.conf_low, l.conf_high].map(num));
                r.extend(blank());
                r.push(flag(l.suppressed));
                r
            })
            .collect(),
    }
}

/// `--format csv-summary`: one descriptive row per domain × arm × wave (× level).
pub fn render_summary(report: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER)?;
    for (stratum, domains) in strata(report) {
        for d in domains {
            for row in &d.summary {
                for r in summary_records(&stratum, d, row) {
                    w.write_record(r)?;
                }
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_has_the_header_width() {
        let t = TestRow {
            comparison: "did".into(),
            method: "ancova",
            primary: true,
            n: 3,
            estimate: Some(0.5),
            conf_low: None,
            conf_high: None,
            statistic: None,
            df: None,
            p_value: None,
            p_adjusted: None,
            effect_size: None,
            suppressed: false,
            robust: None,
        };
        assert_eq!(
            test_record("", "x", "continuous", &t).len(),
            HEADER.len() + EXTRA.len()
        );
    }
}
