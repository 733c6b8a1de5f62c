//! Domains finished: each column's kind, levels and values decided (kinds.rs) on
//! every core, and an outcome's description (name, label, direction) put together.

use super::kinds::{Acc, Finished};
use super::layout::DomainCols;
use super::{Domain, Kind};
use crate::error::{UResult, UserError};
use crate::input::spec::{DomainSpec, Spec};
use crate::text::fold;
use rayon::prelude::*;

/// Every domain column finished, each on its own core; the name is the spec's, else
/// the column's. Results come in the columns' order (the first error and the
/// warnings are told in that order).
pub(super) fn finish(
    domain_cols: &[DomainCols],
    accs: Vec<Acc>,
    spec: Option<&Spec>,
    error_at: &(dyn Fn(u64, UserError) -> UserError + Sync),
) -> Vec<(String, UResult<Finished>)> {
    domain_cols
        .par_iter()
        .zip(accs)
        .map(|(dc, acc)| {
            let spec_d = dc.spec.as_ref();
            let name = spec_d
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| dc.name.clone());
            let f = acc.finish(
                &name,
                &dc.name,
                spec_d,
                spec.map(|s| s.file.as_str()),
                error_at,
            );
            (name, f)
        })
        .collect()
}

/// What an outcome is, besides its values.
pub(super) struct Described<'a> {
    pub(super) name: String,
    pub(super) spec: Option<&'a DomainSpec>,
    pub(super) kind: Kind,
    pub(super) levels: Vec<String>,
    pub(super) ordered: bool,
    /// Named in `--lower-is-better`.
    pub(super) lower: bool,
}

/// An outcome from its values per wave (first, those between, last) and its
/// `[[domain]]` entry's label and direction.
pub(super) fn outcome(d: Described, mut values: Vec<Vec<f64>>) -> Domain {
    let last = values.pop().unwrap_or_default();
    let first = if values.is_empty() {
        Vec::new()
    } else {
        values.remove(0)
    };
    let spec_d = d.spec;
    Domain {
        name: d.name,
        label: spec_d.and_then(|s| s.label.clone()),
        kind: d.kind,
        levels: d.levels,
        higher_is_better: !d.lower && spec_d.and_then(|s| s.higher_is_better).unwrap_or(true),
        direction_given: d.lower || spec_d.and_then(|s| s.higher_is_better).is_some(),
        ordered: d.ordered,
        values: [first, last],
        middle: values,
        items: Vec::new(),
    }
}

/// `--lower-is-better` (folded names) names a domain by its name or its column.
pub(super) fn lower_is_better(lower: &[String], name: &str, col: &str) -> bool {
    lower.contains(&fold(name)) || lower.contains(&fold(col))
}
