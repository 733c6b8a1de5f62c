//! Long values cut for people: a label, a level or a stratum longer than
//! [`MAX_VALUE_CHARS`] is cut with "…" in the table, Markdown, HTML and Word views
//! (docs/warnings.md). The JSON and the CSV keep every value whole.

use crate::results::{Report, SummaryStats};
use crate::warning::{MAX_VALUE_CHARS, cut};
use std::borrow::Cow;

/// Every value of a report people read as text (labels, levels, strata), given to
/// `$f`: one walk for reading (`iter`) and for cutting (`iter_mut`, `mut`).
macro_rules! each_value {
    ($r:expr, $iter:ident, $f:expr $(, $m:tt)?) => {{
        let f = &mut $f;
        let labels = &$($m)? $r.labels;
        for l in [
            &$($m)? labels.intervention,
            &$($m)? labels.control,
            &$($m)? labels.pre,
            &$($m)? labels.post,
        ]
        .into_iter()
        .flatten()
        {
            f(l);
        }
        for b in $r.balance.$iter() {
            f(&$($m)? b.variable);
            for a in [&$($m)? b.intervention, &$($m)? b.control] {
                for l in a.levels.$iter().flatten() {
                    f(&$($m)? l.level);
                }
            }
        }
        for s in $r.strata.$iter() {
            f(&$($m)? s.value);
        }
        let strata = $r.strata.$iter().flat_map(|s| s.domains.$iter());
        for d in $r.domains.$iter().chain(strata) {
            f(&$($m)? d.label);
            for l in d.per_level.$iter() {
                f(&$($m)? l.level);
            }
            for t in d.transitions.$iter().flat_map(|t| t.levels.$iter()) {
                f(t);
            }
            for s in d.summary.$iter() {
                if let SummaryStats::Categorical { levels } = &$($m)? s.stats {
                    for l in levels.$iter() {
                        f(&$($m)? l.level);
                    }
                }
            }
        }
    }};
}

/// `report` with its long values cut; borrowed when none is long.
pub fn readable(report: &Report) -> Cow<'_, Report> {
    let mut long = false;
    each_value!(report, iter, |s: &String| long |=
        s.chars().nth(MAX_VALUE_CHARS).is_some());
    if !long {
        return Cow::Borrowed(report);
    }
    let mut r = report.clone();
    each_value!(
        r,
        iter_mut,
        |s: &mut String| if let Cow::Owned(c) = cut(s, MAX_VALUE_CHARS) {
            *s = c;
        },
        mut
    );
    Cow::Owned(r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cut_keeps_sixty_characters() {
        let s = "x".repeat(900);
        let c = crate::warning::cut(&s, super::MAX_VALUE_CHARS);
        assert_eq!(c.chars().count(), 60);
    }
}
