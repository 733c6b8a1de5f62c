//! The tests of a continuous domain (contract §3): each arm × wave's summary;
//! Welch's t (Hedges' g) and Mann–Whitney between arms; paired t (Cohen's dz) and
//! Wilcoxon's signed-rank test, or Welch's t, for each arm's change; and the
//! difference in differences (ANCOVA and Welch's t on the changes, or a z test).

use super::DomainAnalysis;
use super::gather::{Gathered, Pairs};
use super::rows::{between_id, change_id, did_of_changes, effect, row};
use crate::cohort::{Arm, Wave};
use crate::results::{SummaryRow, SummaryStats, TestRow};
use crate::stats::describe::{
    Moments, Tally, describe_in_place, describe_tallied, median_of_selected, median_tallied,
    moments, moments_and_tally, moments_of,
};
use crate::stats::ranks::{
    mann_whitney_given_medians, mann_whitney_tallied, wilcoxon_signed_rank_of,
};
use crate::stats::regression::ancova_arms;
use crate::stats::ttest::{
    cohens_dz_ci, cohens_dz_moments, did_z_moments, hedges_g_ci, hedges_g_moments,
    paired_t_moments, welch_t_moments,
};

impl DomainAnalysis<'_> {
    pub(super) fn continuous(&mut self, values: [&[f64]; 2]) -> (Vec<SummaryRow>, Vec<TestRow>) {
        let conf = self.conf;
        let mut g = Gathered::new(self.view, values);
        let mut summary = Vec::new();
        // Each arm × wave's mean and variance, computed once (in the values' order)
        // for the summary, the t tests and the effect size. The summary then reorders
        // the values in place to find quartiles and the median (kept for the rank
        // test); nothing after it depends on their order.
        let mut m = [[Moments::default(); 2]; 2];
        let mut medians = [[None; 2]; 2];
        // Few distinct values (scores, counts): tallied, and the quartiles, min, max,
        // medians and rank test read from the tallies; otherwise by selection.
        let mut tallies: [[Option<Tally>; 2]; 2] = Default::default();
        for &arm in self.arms() {
            for &wave in self.waves() {
                let (a, w) = (arm.index(), wave.index());
                if self.known(wave) {
                    // A middle wave's baseline: only its moments, for the tests
                    // of an unpaired design.
                    if !self.paired() {
                        m[a][w] = moments(g.values(arm, wave).0);
                    }
                    continue;
                }
                let missing = g.values(arm, wave).1;
                let x = g.values_mut(arm, wave);
                (m[a][w], tallies[a][w]) = moments_and_tally(x);
                let s = match &tallies[a][w] {
                    Some(t) => {
                        medians[a][w] = median_tallied(t);
                        describe_tallied(t, m[a][w], conf)
                    }
                    None => {
                        let s = describe_in_place(x, m[a][w], conf);
                        medians[a][w] = median_of_selected(x);
                        s
                    }
                };
                summary.push(SummaryRow {
                    group: arm,
                    wave,
                    n: x.len(),
                    missing,
                    stats: SummaryStats::Continuous {
                        mean: s.mean,
                        sd: s.sd,
                        median: s.median,
                        q1: s.q1,
                        q3: s.q3,
                        min: s.min,
                        max: s.max,
                        conf_low: s.conf_low,
                        conf_high: s.conf_high,
                    },
                    suppressed: false,
                });
            }
        }
        // Tests between arms use the same values as the summaries: run them now and
        // let those values go before the pairs are gathered (less memory at once).
        let mut between = Vec::new();
        if self.arms().len() == 2 {
            for &wave in self.waves() {
                if self.known(wave) {
                    between.extend(self.known_between(None));
                    continue;
                }
                let id = between_id(wave);
                let (x1, _) = g.values(Arm::Intervention, wave);
                let (x0, _) = g.values(Arm::Control, wave);
                let n = x1.len() + x0.len();
                let (m1, m0) = (m[0][wave.index()], m[1][wave.index()]);
                let mut t = row(&id, "welch_t", true, n, welch_t_moments(m1, m0, conf));
                let g = hedges_g_moments(m1, m0);
                let ci = g.and_then(|g| hedges_g_ci(g, x1.len(), x0.len(), conf));
                t.effect_size = effect("hedges_g", g, ci);
                between.push(t);
                let (md1, md0) = (medians[0][wave.index()], medians[1][wave.index()]);
                let w = wave.index();
                let mw = match (&tallies[0][w], &tallies[1][w]) {
                    (Some(t1), Some(t0)) => mann_whitney_tallied(t1, t0, md1, md0),
                    _ => mann_whitney_given_medians(x1, x0, md1, md0),
                };
                between.push(row(&id, "mann_whitney", false, n, mw));
            }
        }
        if self.paired() {
            g.forget_values();
        }
        let mut tests = Vec::new();
        let mut changes: Vec<Moments> = Vec::new();
        if self.waves().len() == 2 {
            for &arm in self.arms() {
                let id = change_id(arm);
                if self.paired() {
                    // The changes are read from the pairs, never stored (unless the
                    // signed-rank test must sort them).
                    let (pre, post) = g.pairs(arm);
                    let n = pre.len();
                    let changes_of = || post.iter().zip(pre).map(|(b, a)| b - a);
                    let mc = moments_of(changes_of, n);
                    let mut t = row(&id, "paired_t", true, n, paired_t_moments(mc, conf));
                    let dz = cohens_dz_moments(mc);
                    let ci = dz.and_then(|d| cohens_dz_ci(d, n, conf));
                    t.effect_size = effect("cohens_dz", dz, ci);
                    tests.push(t);
                    let w = wilcoxon_signed_rank_of(changes_of, n);
                    tests.push(row(&id, "wilcoxon_signed_rank", false, n, w));
                    changes.push(mc);
                } else {
                    let (pre, post) = (m[arm.index()][0], m[arm.index()][1]);
                    tests.push(row(
                        &id,
                        "welch_t",
                        true,
                        pre.n + post.n,
                        welch_t_moments(post, pre, conf),
                    ));
                }
            }
        }
        tests.append(&mut between);
        if self.both() {
            if self.paired() {
                tests.extend(did_of_changes(&changes, false, conf));
                // ANCOVA takes the pairs themselves (intervention then control) and
                // nothing else stays alive meanwhile: big cohorts need less memory.
                let Pairs { pre, post, n1 } = g.take_pairs();
                tests.push(row(
                    "did",
                    "ancova",
                    true,
                    post.len(),
                    ancova_arms(post, pre, n1, conf),
                ));
            } else {
                let cells = [
                    m[0][Wave::Post.index()],
                    m[0][Wave::Pre.index()],
                    m[1][Wave::Post.index()],
                    m[1][Wave::Pre.index()],
                ];
                let n = cells.iter().map(|c| c.n).sum();
                let r = did_z_moments(cells, conf);
                tests.push(row("did", "did_z", true, n, r));
            }
        }
        (summary, tests)
    }
}
