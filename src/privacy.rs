//! Small-cell suppression (`--min-cell N`, docs/suppression.md): one pure pass over
//! the results model, run before any renderer, so that every view (table, JSON, CSV,
//! Markdown, HTML, charts, findings) shows the same withheld values.
//!
//! A *cell* is a count of children behind a published number: a binary summary's
//! count (and its complement n − count), a categorical level's count, a transition
//! group, a continuous summary's n. A cell is *small* when it holds 1 to N−1 children
//! (an empty cell identifies no child and is shown). The pass:
//!
//! 1. withholds every small cell (primary suppression);
//! 2. withholds more cells until none can be worked out from a total (secondary
//!    suppression): within a categorical row (n − the other levels) and across
//!    strata (pooled − the other strata), a withheld cell is never alone;
//! 3. withholds every test that rests on a withheld cell (a change, a difference
//!    between arms or a DiD would give it back from the cells still shown), every
//!    test on 1 to N−1 children, exact McNemar tests whose discordant count is small,
//!    and the DiD whenever a change test is withheld; across strata a withheld test
//!    is never alone either;
//! 4. nulls the withheld numbers (and the minimum and maximum of every continuous
//!    summary: each is one child's value), re-adjusts p-values without the withheld
//!    tests (adjusted p-values of other domains could give a withheld p-value back),
//!    and drops expected counts from warnings.

mod reason;

pub use reason::withheld_because;

use crate::analysis::adjust_family;
use crate::cohort::{Arm, Kind, Wave};
use crate::results::{DomainResult, Report, SummaryRow, SummaryStats, TestRow};

/// The marker shown instead of a withheld value: "<5".
pub fn marker(min_cell: Option<usize>) -> String {
    format!("<{}", min_cell.unwrap_or(0))
}

/// Is this summary row's headline value (mean or proportion) withheld?
pub fn row_withheld(row: &SummaryRow) -> bool {
    row.suppressed
        && match &row.stats {
            SummaryStats::Continuous { mean, .. } => mean.is_none(),
            SummaryStats::Binary { .. } => true,
            SummaryStats::Categorical { levels } => levels.iter().any(|l| l.suppressed),
        }
}

#[derive(Debug, Clone, Copy)]
struct Limit(usize);

impl Limit {
    fn small(self, count: usize) -> bool {
        count > 0 && count < self.0
    }
}

/// Apply `--min-cell min_cell` to the report.
pub fn suppress(report: &mut Report, min_cell: usize) {
    report.settings.min_cell = Some(min_cell);
    let l = Limit(min_cell);
    for d in domains_mut(report) {
        primary(d, l);
    }
    // Cells: within rows and across strata, until nothing changes.
    loop {
        let mut changed = false;
        for d in domains_mut(report) {
            changed |= within_domain(d);
        }
        changed |= across_strata(report, Unit::Cell);
        if !changed {
            break;
        }
    }
    for d in domains_mut(report) {
        mirror_levels(d);
        tests_from_cells(d, l);
    }
    loop {
        let mut changed = across_strata(report, Unit::Test);
        for d in domains_mut(report) {
            changed |= did_follows_change(&mut d.tests);
            for lr in &mut d.per_level {
                changed |= did_follows_change(&mut lr.tests);
            }
        }
        if !changed {
            break;
        }
    }
    tables_across_strata(report);
    for d in domains_mut(report) {
        blank(d);
    }
    readjust(report);
    // "an expected count is below 5 (1.23)": without the number, which with the
    // margins shown could give a withheld count back.
    for w in &mut report.warnings {
        w.withhold("x");
    }
}

fn domains_mut(report: &mut Report) -> impl Iterator<Item = &mut DomainResult> {
    report
        .domains
        .iter_mut()
        .chain(report.strata.iter_mut().flat_map(|s| s.domains.iter_mut()))
}

/// Primary suppression of every small cell of a domain.
fn primary(d: &mut DomainResult, l: Limit) {
    for row in &mut d.summary {
        let n = row.n;
        match &mut row.stats {
            SummaryStats::Continuous { .. } => row.suppressed = l.small(n),
            SummaryStats::Binary { count, .. } => {
                row.suppressed = l.small(n) || l.small(*count) || l.small(n.saturating_sub(*count))
            }
            SummaryStats::Categorical { levels } => {
                for lv in levels {
                    lv.suppressed =
                        l.small(n) || l.small(lv.count) || l.small(n.saturating_sub(lv.count));
                }
            }
        }
    }
    if let Some(tr) = &mut d.transitions {
        // A small cell of the pre × post table withholds the table, not the shares
        // of improved / unchanged / declined (838 children, 30.8% moved up, are no
        // small cell because one child moved down two levels).
        for g in &mut tr.groups {
            g.table_suppressed = g.table.iter().flatten().any(|&c| l.small(c));
            g.suppressed = l.small(g.n)
                || [g.improved, g.unchanged, g.declined]
                    .iter()
                    .any(|&c| l.small(c));
        }
    }
}

/// The cell to withhold next among `(index, weight)`: the smallest non-empty one,
/// else an empty one.
fn pick(cands: impl Iterator<Item = (usize, usize)>) -> Option<usize> {
    let cands: Vec<(usize, usize)> = cands.collect();
    cands
        .iter()
        .filter(|c| c.1 > 0)
        .min_by_key(|c| c.1)
        .or_else(|| cands.first())
        .map(|c| c.0)
}

/// Secondary suppression inside one domain: a categorical row never has exactly one
/// withheld level (n − the others would give it back); a transition group is
/// withheld when a level count of its arm is (the table's margins are those counts).
fn within_domain(d: &mut DomainResult) -> bool {
    let mut changed = false;
    for row in &mut d.summary {
        if let SummaryStats::Categorical { levels } = &mut row.stats
            && levels.iter().filter(|l| l.suppressed).count() == 1
            && let Some(i) = pick(
                levels
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| !l.suppressed)
                    .map(|(i, l)| (i, l.count)),
            )
        {
            levels[i].suppressed = true;
            changed = true;
        }
    }
    let arm_withheld: Vec<Arm> = d
        .summary
        .iter()
        .filter(|r| match &r.stats {
            SummaryStats::Categorical { levels } => levels.iter().any(|l| l.suppressed),
            _ => false,
        })
        .map(|r| r.group)
        .collect();
    if let Some(tr) = &mut d.transitions {
        for g in &mut tr.groups {
            if !g.suppressed && arm_withheld.contains(&g.group) {
                g.suppressed = true;
                changed = true;
            }
        }
    }
    changed
}

/// What a cross-strata relation is about.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Cell,
    Test,
}

/// One quantity that adds up across strata: a summary cell, a transition group, or
/// the tests of one comparison (of the domain, of one level, or of the transitions).
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Row(Arm, Wave),
    Level(Arm, Wave, usize),
    Transition(Arm),
    Tests(Option<usize>, String),
    TransitionTests(String),
}

fn keys(d: &DomainResult, unit: Unit) -> Vec<Key> {
    let mut out = Vec::new();
    match unit {
        Unit::Cell => {
            for r in &d.summary {
                match &r.stats {
                    SummaryStats::Categorical { levels } => {
                        for i in 0..levels.len() {
                            out.push(Key::Level(r.group, r.wave, i));
                        }
                    }
                    _ => out.push(Key::Row(r.group, r.wave)),
                }
            }
            if let Some(tr) = &d.transitions {
                out.extend(tr.groups.iter().map(|g| Key::Transition(g.group)));
            }
        }
        Unit::Test => {
            let mut push = |k: Key| {
                if !out.contains(&k) {
                    out.push(k);
                }
            };
            for t in &d.tests {
                push(Key::Tests(None, t.comparison.clone()));
            }
            for (i, lr) in d.per_level.iter().enumerate() {
                for t in &lr.tests {
                    push(Key::Tests(Some(i), t.comparison.clone()));
                }
            }
            if let Some(tr) = &d.transitions {
                for t in &tr.tests {
                    push(Key::TransitionTests(t.comparison.clone()));
                }
            }
        }
    }
    out
}

fn tests_of(d: &DomainResult, level: Option<usize>) -> Option<&[TestRow]> {
    match level {
        None => Some(&d.tests),
        Some(i) => d.per_level.get(i).map(|l| &l.tests[..]),
    }
}

/// (withheld, weight) of a keyed quantity in a domain, if it has it.
fn get(d: &DomainResult, k: &Key) -> Option<(bool, usize)> {
    let tests = |ts: &[TestRow], id: &str| {
        let of: Vec<&TestRow> = ts.iter().filter(|t| t.comparison == id).collect();
        (!of.is_empty()).then(|| {
            (
                of.iter().any(|t| t.suppressed),
                of.iter().map(|t| t.n).max().unwrap_or(0),
            )
        })
    };
    match k {
        Key::Row(a, w) => d.summary_of(*a, *w).map(|r| (r.suppressed, r.n)),
        Key::Level(a, w, i) => match d.summary_of(*a, *w).map(|r| &r.stats) {
            Some(SummaryStats::Categorical { levels }) => {
                levels.get(*i).map(|l| (l.suppressed, l.count))
            }
            _ => None,
        },
        Key::Transition(a) => d
            .transitions
            .as_ref()?
            .groups
            .iter()
            .find(|g| g.group == *a)
            .map(|g| (g.suppressed, g.n)),
        Key::Tests(level, id) => tests(tests_of(d, *level)?, id),
        Key::TransitionTests(id) => tests(&d.transitions.as_ref()?.tests, id),
    }
}

/// Withhold a keyed quantity.
fn set(d: &mut DomainResult, k: &Key) {
    let tests = |ts: &mut [TestRow], id: &str| {
        for t in ts.iter_mut().filter(|t| t.comparison == id) {
            t.suppressed = true;
        }
    };
    match k {
        Key::Row(a, w) => {
            if let Some(r) = d.summary.iter_mut().find(|r| r.group == *a && r.wave == *w) {
                r.suppressed = true;
            }
        }
        Key::Level(a, w, i) => {
            if let Some(r) = d.summary.iter_mut().find(|r| r.group == *a && r.wave == *w)
                && let SummaryStats::Categorical { levels } = &mut r.stats
                && let Some(l) = levels.get_mut(*i)
            {
                l.suppressed = true;
            }
        }
        Key::Transition(a) => {
            if let Some(g) = d
                .transitions
                .as_mut()
                .and_then(|t| t.groups.iter_mut().find(|g| g.group == *a))
            {
                g.suppressed = true;
            }
        }
        Key::Tests(None, id) => tests(&mut d.tests, id),
        Key::Tests(Some(i), id) => {
            if let Some(l) = d.per_level.get_mut(*i) {
                tests(&mut l.tests, id);
            }
        }
        Key::TransitionTests(id) => {
            if let Some(tr) = &mut d.transitions {
                tests(&mut tr.tests, id);
            }
        }
    }
}

/// Across strata, pooled = Σ strata: a quantity withheld in exactly one place
/// (pooled or one stratum) could be worked out, so withhold one more: the smallest
/// non-empty stratum, else the pooled one.
fn across_strata(report: &mut Report, unit: Unit) -> bool {
    if report.strata.is_empty() {
        return false;
    }
    let mut changed = false;
    for di in 0..report.domains.len() {
        let name = report.domains[di].name.clone();
        let stratum_domain = |s: &crate::results::StratumResult| -> Option<usize> {
            s.domains.iter().position(|d| d.name == name)
        };
        let places: Vec<Option<usize>> = report.strata.iter().map(stratum_domain).collect();
        for k in keys(&report.domains[di], unit) {
            let pooled = get(&report.domains[di], &k);
            let strata: Vec<Option<(bool, usize)>> = report
                .strata
                .iter()
                .zip(&places)
                .map(|(s, p)| p.and_then(|p| get(&s.domains[p], &k)))
                .collect();
            let withheld = pooled
                .iter()
                .chain(strata.iter().flatten())
                .filter(|x| x.0)
                .count();
            if withheld != 1 {
                continue;
            }
            let choice = pick(
                strata
                    .iter()
                    .enumerate()
                    .filter_map(|(si, x)| x.filter(|x| !x.0 && x.1 > 0).map(|x| (si, x.1))),
            );
            match (choice, places.get(choice.unwrap_or(usize::MAX))) {
                (Some(si), Some(Some(p))) => set(&mut report.strata[si].domains[*p], &k),
                _ if pooled.is_some_and(|p| !p.0) => set(&mut report.domains[di], &k),
                _ => continue,
            }
            changed = true;
        }
    }
    changed
}

/// Pooled table = Σ strata tables: a pre × post table withheld in one place
/// (pooled or a stratum) is withheld in every place, for that arm.
fn tables_across_strata(report: &mut Report) {
    let names: Vec<String> = report.domains.iter().map(|d| d.name.clone()).collect();
    for name in names {
        for arm in [Arm::Intervention, Arm::Control] {
            let mut any = false;
            for d in domains_mut(report).filter(|d| d.name == name) {
                if let Some(tr) = &d.transitions {
                    any |= tr
                        .groups
                        .iter()
                        .any(|g| g.group == arm && g.table_suppressed);
                }
            }
            if !any {
                continue;
            }
            for d in domains_mut(report).filter(|d| d.name == name) {
                if let Some(tr) = &mut d.transitions {
                    for g in tr.groups.iter_mut().filter(|g| g.group == arm) {
                        g.table_suppressed = true;
                    }
                }
            }
        }
    }
}

/// A categorical domain's per-level results (level vs rest) carry the same counts as
/// its levels: withhold them alike.
fn mirror_levels(d: &mut DomainResult) {
    if d.kind != Kind::Categorical {
        return;
    }
    for (i, lr) in d.per_level.iter_mut().enumerate() {
        for row in &mut lr.summary {
            let withheld = d
                .summary
                .iter()
                .find(|r| r.group == row.group && r.wave == row.wave)
                .and_then(|r| match &r.stats {
                    SummaryStats::Categorical { levels } => levels.get(i).map(|l| l.suppressed),
                    _ => None,
                })
                .unwrap_or(false);
            row.suppressed |= withheld;
        }
    }
}

/// Is the cell of `arm` at `wave` (any part of it) withheld?
fn cell(summary: &[SummaryRow], arm: Arm, wave: Wave) -> bool {
    summary
        .iter()
        .find(|r| r.group == arm && r.wave == wave)
        .is_some_and(|r| match &r.stats {
            SummaryStats::Categorical { levels } => {
                r.suppressed || levels.iter().any(|l| l.suppressed)
            }
            _ => r.suppressed,
        })
}

fn parse_wave(s: &str) -> Option<Wave> {
    match s {
        "pre" => Some(Wave::Pre),
        "post" => Some(Wave::Post),
        _ => None,
    }
}

fn parse_arm(s: &str) -> Option<Arm> {
    match s {
        "intervention" => Some(Arm::Intervention),
        "control" => Some(Arm::Control),
        _ => None,
    }
}

/// Withhold the tests that rest on withheld cells or on few children.
fn mark_tests(tests: &mut [TestRow], summary: &[SummaryRow], l: Limit) {
    let arms = [Arm::Intervention, Arm::Control];
    let waves = [Wave::Pre, Wave::Post];
    for t in tests.iter_mut() {
        let rests_on_withheld = match t.comparison.split_once(':') {
            Some(("change", a)) => {
                parse_arm(a).is_some_and(|a| waves.iter().any(|&w| cell(summary, a, w)))
            }
            Some(("between", w)) => {
                parse_wave(w).is_some_and(|w| arms.iter().any(|&a| cell(summary, a, w)))
            }
            _ if t.comparison == "did" => arms
                .iter()
                .any(|&a| waves.iter().any(|&w| cell(summary, a, w))),
            _ => false,
        };
        let small_discordant = t.method == "mcnemar_exact"
            && t.statistic
                .is_some_and(|s| s >= 0.0 && l.small(s.round() as usize));
        if rests_on_withheld || l.small(t.n) || small_discordant {
            t.suppressed = true;
        }
    }
    did_follows_change(tests);
}

/// The DiD is the difference of the two changes: withheld with either.
fn did_follows_change(tests: &mut [TestRow]) -> bool {
    let change_withheld = tests
        .iter()
        .any(|t| t.suppressed && t.comparison.starts_with("change:"));
    let mut changed = false;
    if change_withheld {
        for t in tests.iter_mut().filter(|t| t.comparison == "did") {
            changed |= !t.suppressed;
            t.suppressed = true;
        }
    }
    changed
}

fn tests_from_cells(d: &mut DomainResult, l: Limit) {
    mark_tests(&mut d.tests, &d.summary, l);
    for lr in &mut d.per_level {
        mark_tests(&mut lr.tests, &lr.summary, l);
    }
    if let Some(tr) = &mut d.transitions {
        let any = tr.groups.iter().any(|g| g.suppressed);
        for t in &mut tr.tests {
            if any || l.small(t.n) {
                t.suppressed = true;
            }
        }
    }
}

fn blank_row(row: &mut SummaryRow) {
    let withheld = row.suppressed;
    match &mut row.stats {
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
            if withheld {
                for v in [mean, sd, median, q1, q3, conf_low, conf_high] {
                    *v = None;
                }
            }
            // The minimum and the maximum are each one child's value.
            if min.is_some() || max.is_some() {
                *min = None;
                *max = None;
                row.suppressed = true;
            }
        }
        SummaryStats::Binary {
            proportion,
            conf_low,
            conf_high,
            ..
        } => {
            if withheld {
                *proportion = None;
                *conf_low = None;
                *conf_high = None;
            }
        }
        SummaryStats::Categorical { levels } => {
            for lv in levels.iter_mut().filter(|l| l.suppressed) {
                lv.proportion = None;
                lv.conf_low = None;
                lv.conf_high = None;
            }
            row.suppressed |= levels.iter().any(|l| l.suppressed);
        }
    }
}

fn blank_test(t: &mut TestRow) {
    if !t.suppressed {
        return;
    }
    t.estimate = None;
    t.conf_low = None;
    t.conf_high = None;
    t.statistic = None;
    t.df = None;
    t.p_value = None;
    t.p_adjusted = None;
    if let Some(e) = &mut t.effect_size {
        e.value = None;
        e.conf_low = None;
        e.conf_high = None;
    }
}

/// Null every withheld number.
fn blank(d: &mut DomainResult) {
    d.summary.iter_mut().for_each(blank_row);
    d.tests.iter_mut().for_each(blank_test);
    for lr in &mut d.per_level {
        lr.summary.iter_mut().for_each(blank_row);
        lr.tests.iter_mut().for_each(blank_test);
    }
    if let Some(tr) = &mut d.transitions {
        for g in tr.groups.iter_mut().filter(|g| g.suppressed) {
            g.improved_proportion = None;
            g.improved_conf_low = None;
            g.improved_conf_high = None;
            g.unchanged_proportion = None;
            g.declined_proportion = None;
        }
        tr.tests.iter_mut().for_each(blank_test);
    }
}

/// Adjust p-values again, as the analysis does (primary tests of one comparison id
/// across domains, within a stratum), with withheld tests out of the family.
fn readjust(report: &mut Report) {
    let method = report.settings.adjust;
    adjust_family(&mut report.domains, method);
    for s in &mut report.strata {
        adjust_family(&mut s.domains, method);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_prefers_smallest_non_empty() {
        assert_eq!(pick([(0, 0), (1, 7), (2, 3)].into_iter()), Some(2));
        assert_eq!(pick([(4, 0)].into_iter()), Some(4));
        assert_eq!(pick(std::iter::empty()), None);
    }
}
