//! The tests of a categorical domain (contract §3): each arm × wave's level
//! counts; Stuart–Maxwell, or χ² independence, for each arm's change; χ²
//! independence between arms; every level's binary tests; and the transitions
//! between ordered levels of matched participants.

use super::DomainAnalysis;
use super::gather::Gathered;
use super::rows::{between_id, change_id, effect, proportion, row, two_proportions};
use crate::cohort::{Arm, Domain, Wave};
use crate::results::{
    LevelResult, LevelSummary, SummaryRow, SummaryStats, TestRow, TransitionGroup, Transitions,
};
use crate::stats::TestResult;
use crate::stats::contingency::{chi_square, stuart_maxwell};
use crate::stats::proportions::wilson;
use crate::warning::{Code, Warning};

impl DomainAnalysis<'_> {
    fn level_counts(g: &Gathered, arm: Arm, wave: Wave) -> Vec<f64> {
        g.counts(arm, wave)
            .levels
            .iter()
            .map(|&c| c as f64)
            .collect()
    }

    fn independence(&mut self, domain: &str, id: &str, table: &[Vec<f64>]) -> TestRow {
        let n = table.iter().flatten().sum::<f64>() as usize;
        let r = chi_square(table);
        let mut t = row(
            id,
            "chi_square_independence",
            true,
            n,
            TestResult {
                statistic: r.as_ref().map(|c| c.statistic),
                df: r.as_ref().map(|c| c.df),
                p_value: r.as_ref().map(|c| c.p_value),
                ..TestResult::default()
            },
        );
        t.effect_size = effect("cramers_v", r.as_ref().map(|c| c.cramers_v), None);
        if let Some(c) = &r
            && c.min_expected < 5.0
        {
            self.warnings.push(Warning::new(
                Some(domain),
                Code::ExpectedCount,
                crate::args![comparison = id, x = format!("{:.2}", c.min_expected)],
            ));
        }
        t
    }

    /// Transitions between ordered levels of matched participants (paired designs).
    fn transitions(&self, d: &Domain, g: &Gathered) -> Option<Transitions> {
        if !d.ordered || !self.paired() || self.waves().len() != 2 {
            return None;
        }
        let mut groups = Vec::new();
        for &arm in self.arms() {
            let lp = g.level_pairs(arm);
            let (n, table) = (lp.n, lp.table.clone());
            let (mut up, mut same, mut down) = (0, 0, 0);
            for (i, r) in table.iter().enumerate() {
                for (j, &c) in r.iter().enumerate() {
                    let better = if d.higher_is_better { j > i } else { j < i };
                    if i == j {
                        same += c;
                    } else if better {
                        up += c;
                    } else {
                        down += c;
                    }
                }
            }
            let ci = wilson(up, n, self.conf);
            groups.push(TransitionGroup {
                group: arm,
                n,
                table,
                improved: up,
                unchanged: same,
                declined: down,
                improved_proportion: proportion(up, n),
                improved_conf_low: ci.map(|c| c.0),
                improved_conf_high: ci.map(|c| c.1),
                unchanged_proportion: proportion(same, n),
                declined_proportion: proportion(down, n),
                suppressed: false,
                table_suppressed: false,
            });
        }
        let mut tests = Vec::new();
        if let [g1, g0] = &groups[..] {
            let (method, r) = two_proportions(g1.improved, g1.n, g0.improved, g0.n, self.conf);
            tests.push(row("between:improved", method, false, g1.n + g0.n, r));
        }
        Some(Transitions {
            levels: d.levels.clone(),
            groups,
            tests,
        })
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn categorical(
        &mut self,
        d: &Domain,
        values: [&[f64]; 2],
    ) -> (
        Vec<SummaryRow>,
        Vec<TestRow>,
        Vec<LevelResult>,
        Option<Transitions>,
    ) {
        let conf = self.conf;
        let k = d.levels.len();
        let g = Gathered::categorical(self.view, values, k);
        let mut summary = Vec::new();
        for &arm in self.arms() {
            for &wave in self.waves().iter().filter(|&&w| !self.known(w)) {
                let c = g.counts(arm, wave);
                let levels = d
                    .levels
                    .iter()
                    .zip(&c.levels)
                    .map(|(l, &count)| {
                        let ci = wilson(count, c.n, conf);
                        LevelSummary {
                            level: l.clone(),
                            count,
                            proportion: proportion(count, c.n),
                            conf_low: ci.map(|c| c.0),
                            conf_high: ci.map(|c| c.1),
                            suppressed: false,
                        }
                    })
                    .collect();
                summary.push(SummaryRow {
                    group: arm,
                    wave,
                    n: c.n,
                    missing: c.missing,
                    stats: SummaryStats::Categorical { levels },
                    suppressed: false,
                });
            }
        }
        let mut tests = Vec::new();
        if self.waves().len() == 2 {
            for &arm in self.arms() {
                let id = change_id(arm);
                if self.paired() {
                    let lp = g.level_pairs(arm);
                    let n = lp.n;
                    let table: Vec<Vec<f64>> = (lp.table.iter())
                        .map(|r| r.iter().map(|&c| c as f64).collect())
                        .collect();
                    let r = stuart_maxwell(&table);
                    tests.push(row(
                        &id,
                        "stuart_maxwell",
                        true,
                        n,
                        TestResult {
                            statistic: r.map(|c| c.0),
                            df: r.map(|c| c.1),
                            p_value: r.map(|c| c.2),
                            ..TestResult::default()
                        },
                    ));
                } else {
                    let table = vec![
                        Self::level_counts(&g, arm, Wave::Pre),
                        Self::level_counts(&g, arm, Wave::Post),
                    ];
                    let t = self.independence(&d.name, &id, &table);
                    tests.push(t);
                }
            }
        }
        if self.arms().len() == 2 {
            for &wave in self.waves() {
                if self.known(wave) {
                    tests.extend(self.known_between(None));
                    continue;
                }
                let table = vec![
                    Self::level_counts(&g, Arm::Intervention, wave),
                    Self::level_counts(&g, Arm::Control, wave),
                ];
                let t = self.independence(&d.name, &between_id(wave), &table);
                tests.push(t);
            }
        }
        let mut per_level = Vec::new();
        for (li, level) in d.levels.iter().enumerate() {
            let (summary, mut tests) = self.binary(&Gathered::level(&g, li), Some(li));
            // Per-level tests are secondary (docs/design.md): `primary` false, as
            // their `p_adjusted` is null, in JSON and CSV alike.
            tests.iter_mut().for_each(|t| t.primary = false);
            per_level.push(LevelResult {
                level: level.clone(),
                summary,
                tests,
            });
        }
        (summary, tests, per_level, self.transitions(d, &g))
    }
}
