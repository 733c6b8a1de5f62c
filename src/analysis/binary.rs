//! The tests of a binary domain (contract §3), and of each level of a categorical
//! one: each arm × wave's proportion (Wilson CI); McNemar's exact test, or two
//! proportions, for each arm's change; two proportions, risk and odds ratios
//! between arms; and the difference in differences.

use super::DomainAnalysis;
use super::gather::Gathered;
use super::rows::{between_id, change_id, did_of_changes, proportion, row, two_proportions};
use crate::cohort::{Arm, Wave};
use crate::results::{SummaryRow, SummaryStats, TestRow};
use crate::stats::describe::Moments;
use crate::stats::proportions::{did_z_binary, mcnemar_exact, odds_ratio, risk_ratio, wilson};

impl DomainAnalysis<'_> {
    /// The summaries and tests of binary values `g` (of level `level` of a
    /// categorical domain).
    pub(super) fn binary(
        &mut self,
        g: &Gathered,
        level: Option<usize>,
    ) -> (Vec<SummaryRow>, Vec<TestRow>) {
        let conf = self.conf;
        let mut summary = Vec::new();
        for &arm in self.arms() {
            for &wave in self.waves().iter().filter(|&&w| !self.known(w)) {
                let (count, n, missing) = g.ones(arm, wave);
                let ci = wilson(count, n, conf);
                summary.push(SummaryRow {
                    group: arm,
                    wave,
                    n,
                    missing,
                    stats: SummaryStats::Binary {
                        count,
                        proportion: proportion(count, n),
                        conf_low: ci.map(|c| c.0),
                        conf_high: ci.map(|c| c.1),
                    },
                    suppressed: false,
                });
            }
        }
        let counts = |arm: Arm, wave: Wave| {
            let (ones, n, _) = g.ones(arm, wave);
            (ones, n)
        };
        let mut tests = Vec::new();
        let mut changes: Vec<Moments> = Vec::new();
        if self.waves().len() == 2 {
            for &arm in self.arms() {
                let id = change_id(arm);
                if self.paired() {
                    let (cells, ch) = g.binary_pairs(arm);
                    let r = mcnemar_exact(cells[0], cells[1], cells[2], cells[3], conf);
                    tests.push(row(&id, "mcnemar_exact", true, ch.n, r));
                    changes.push(ch);
                } else {
                    let (x1, n1) = counts(arm, Wave::Post);
                    let (x0, n0) = counts(arm, Wave::Pre);
                    let (method, r) = two_proportions(x1, n1, x0, n0, conf);
                    tests.push(row(&id, method, true, n1 + n0, r));
                }
            }
        }
        if self.arms().len() == 2 {
            for &wave in self.waves() {
                if self.known(wave) {
                    tests.extend(self.known_between(level));
                    continue;
                }
                let id = between_id(wave);
                let (x1, n1) = counts(Arm::Intervention, wave);
                let (x0, n0) = counts(Arm::Control, wave);
                let (method, r) = two_proportions(x1, n1, x0, n0, conf);
                tests.push(row(&id, method, true, n1 + n0, r));
                if n1 > 0 && n0 > 0 {
                    tests.push(row(
                        &id,
                        "risk_ratio",
                        false,
                        n1 + n0,
                        risk_ratio(x1, n1, x0, n0, conf),
                    ));
                    tests.push(row(
                        &id,
                        "odds_ratio",
                        false,
                        n1 + n0,
                        odds_ratio(x1, n1, x0, n0, conf),
                    ));
                }
            }
        }
        if self.both() {
            if self.paired() {
                tests.extend(did_of_changes(&changes, true, conf));
            } else {
                let cells = [
                    counts(Arm::Intervention, Wave::Post),
                    counts(Arm::Intervention, Wave::Pre),
                    counts(Arm::Control, Wave::Post),
                    counts(Arm::Control, Wave::Pre),
                ];
                let n = cells.iter().map(|c| c.1).sum();
                tests.push(row("did", "did_z", true, n, did_z_binary(cells, conf)));
            }
        }
        (summary, tests)
    }
}
