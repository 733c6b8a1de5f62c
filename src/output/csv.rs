//! CSV: one tidy row per test (contract §4.2): the domain's tests, its transition
//! test (`between:improved`, ordered levels), then per-level rows named `domain[level]`.
//! A last column `suppressed` (always there, so the columns never change with a
//! flag) says which rows are withheld by `--min-cell` (their numbers are empty);
//! without `--min-cell` it is `false`. `primary` and `p_adjusted` are the JSON's:
//! per-level rows are secondary (`primary = false`, `p_adjusted` empty).

use crate::results::{DomainResult, Report, TestRow};

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

fn num(x: Option<f64>) -> String {
    // Debug formatting switches to exponents for tiny and huge values (1e-300, not
    // 300 zeros) and round-trips exactly.
    x.map(|v| format!("{v:?}")).unwrap_or_default()
}

fn push_test(
    w: &mut csv::Writer<Vec<u8>>,
    stratum: &str,
    domain: &str,
    kind: &str,
    t: &TestRow,
) -> csv::Result<()> {
    let (ename, evalue) = match &t.effect_size {
        Some(e) => (e.name.to_string(), num(e.value)),
        None => (String::new(), String::new()),
    };
    let suppressed = if t.suppressed { "true" } else { "false" };
    let owned = [
        t.n.to_string(),
        num(t.estimate),
        num(t.conf_low),
        num(t.conf_high),
        num(t.statistic),
        num(t.df),
        num(t.p_value),
        num(t.p_adjusted),
    ];
    let mut record: Vec<&str> = vec![
        stratum,
        domain,
        kind,
        &t.comparison,
        t.method,
        if t.primary { "true" } else { "false" },
    ];
    record.extend(owned.iter().map(String::as_str));
    record.extend([ename.as_str(), evalue.as_str()]);
    record.push(suppressed);
    w.write_record(record)
}

fn push_domains(
    w: &mut csv::Writer<Vec<u8>>,
    stratum: &str,
    domains: &[DomainResult],
) -> csv::Result<()> {
    for d in domains {
        let kind = serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        for t in &d.tests {
            push_test(w, stratum, &d.name, &kind, t)?;
        }
        if let Some(tr) = &d.transitions {
            for t in &tr.tests {
                push_test(w, stratum, &d.name, &kind, t)?;
            }
        }
        for l in &d.per_level {
            let name = format!("{}[{}]", d.name, l.level);
            for t in &l.tests {
                push_test(w, stratum, &name, "binary", t)?;
            }
        }
    }
    Ok(())
}

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER.iter().chain(&["suppressed"]))?;
    push_domains(&mut w, "", &report.domains)?;
    for s in &report.strata {
        push_domains(&mut w, &format!("{}={}", s.column, s.value), &s.domains)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
