//! More than two waves (contract §9): the results of a middle wave against the
//! baseline join the domain's, under the middle wave's ids.

use crate::cohort::Wave;
use crate::results::{DomainResult, SummaryRow, TestRow};

/// A comparison of the baseline with the later wave of a pair, renamed for the
/// middle wave `wave` (`change:<arm>@w<k>`, `between:w<k>`, `did@w<k>`); None for
/// the baseline's own comparison (`between:pre`), which the main pair already has.
fn renamed(comparison: &str, wave: Wave) -> Option<String> {
    let id = wave.id();
    match comparison {
        "between:pre" => None,
        "between:post" => Some(format!("between:{id}")),
        c => Some(format!("{c}@{id}")),
    }
}

/// The later wave's summary rows, as the middle wave's.
fn later_rows(rows: Vec<SummaryRow>, wave: Wave) -> impl Iterator<Item = SummaryRow> {
    rows.into_iter()
        .filter(|r| r.wave == Wave::Post)
        .map(move |mut r| {
            r.wave = wave;
            r
        })
}

fn tests_of(tests: Vec<TestRow>, wave: Wave) -> impl Iterator<Item = TestRow> {
    tests.into_iter().filter_map(move |mut t| {
        t.comparison = renamed(&t.comparison, wave)?;
        Some(t)
    })
}

/// Take the summaries and tests of `mid` (the baseline against `wave`) into `r`.
pub(super) fn take_middle(r: &mut DomainResult, mid: DomainResult, wave: Wave) {
    r.summary.extend(later_rows(mid.summary, wave));
    r.tests.extend(tests_of(mid.tests, wave));
    for (level, m) in r.per_level.iter_mut().zip(mid.per_level) {
        level.summary.extend(later_rows(m.summary, wave));
        level.tests.extend(tests_of(m.tests, wave));
    }
}

/// Summary rows by arm, then wave in order (pre, w2, …, post).
pub(super) fn order_summaries(r: &mut DomainResult) {
    r.summary.sort_by_key(|s| (s.group, s.wave));
    for l in &mut r.per_level {
        l.summary.sort_by_key(|s| (s.group, s.wave));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_comparisons_take_the_wave_id() {
        let w = Wave::Mid(3);
        assert_eq!(renamed("between:post", w).as_deref(), Some("between:w3"));
        assert_eq!(renamed("between:pre", w), None);
        assert_eq!(
            renamed("change:intervention", w).as_deref(),
            Some("change:intervention@w3")
        );
        assert_eq!(renamed("did", w).as_deref(), Some("did@w3"));
        assert!(
            Wave::Pre < Wave::Mid(2) && Wave::Mid(2) < Wave::Mid(3) && Wave::Mid(9) < Wave::Post
        );
    }
}
