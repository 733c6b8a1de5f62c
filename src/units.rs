//! What a continuous domain's numbers are measured in, and the range they can
//! take, from the spec (issue 21): `unit = "kg"` on a `[[domain]]`, standard
//! deviations for WHO z-scores, a scale's `range` of its items. Findings, chart
//! axes and table headings say the unit; charts start their axes at the range.

use crate::cohort::Kind;
use crate::input::spec::{ANTHRO_DOMAINS, DomainSpec, Spec};
use crate::results::{DomainResult, Report};
use crate::text::fold;

/// The z-scores' unit, standard deviations, in `lang`.
pub fn sd_unit(lang: &str) -> &'static str {
    if lang == "es" { "DE" } else { "SD" }
}

/// The usual span of a WHO z-score on a chart: −3 to 3 SD (the classes' cut-offs
/// are at ±2 and ±3), widened by the chart when the data go beyond.
pub const Z_RANGE: (f64, f64) = (-3.0, 3.0);

/// Set `unit` and `range` on every domain of the report (pooled and strata).
pub fn attach(report: &mut Report, spec: Option<&Spec>) {
    let Some(spec) = spec else {
        return;
    };
    let lang = report.settings.lang.clone();
    let strata = report.strata.iter_mut().flat_map(|s| s.domains.iter_mut());
    for d in report.domains.iter_mut().chain(strata) {
        describe(d, spec, &lang);
    }
}

fn describe(d: &mut DomainResult, spec: &Spec, lang: &str) {
    if d.kind != Kind::Continuous {
        return;
    }
    // The `[[domain]]` entry of this domain (by its name, or its column when the
    // entry does not rename it), and the column or derived name it comes from.
    let entry: Option<&DomainSpec> = spec
        .domains
        .iter()
        .find(|e| fold(e.name.as_deref().unwrap_or(&e.column)) == fold(&d.name));
    let source = fold(entry.map_or(d.name.as_str(), |e| e.column.as_str()));
    let z = spec.anthropometry.is_some() && ANTHRO_DOMAINS[..4].contains(&source.as_str());
    d.unit = entry
        .and_then(|e| e.unit.as_ref())
        .and_then(|u| u.get(lang))
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .or_else(|| z.then(|| sd_unit(lang).to_string()));
    d.range = if z {
        Some(Z_RANGE)
    } else {
        spec.scales
            .iter()
            .find(|s| fold(&s.name) == source)
            .and_then(|s| {
                let [lo, hi] = s.range?;
                let k = if s.score.as_deref() == Some("sum") {
                    s.items.len() as f64
                } else {
                    1.0
                };
                (lo.is_finite() && hi.is_finite() && hi > lo).then_some((lo * k, hi * k))
            })
    };
}
