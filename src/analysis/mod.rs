//! Which tests each domain and design gets (contract §3), and the results they give:
//! every domain analysed on every core, for everyone and per stratum, the middle
//! waves and the clustered models added, p-values adjusted, attrition and cluster
//! warnings. The parts live in:
//! - `gather.rs`: who is compared and their values;
//! - `continuous.rs`, `binary.rs`, `categorical.rs`: the tests of each kind;
//! - `rows.rs`: how a result becomes a test row;
//! - `balance.rs`, `clustered.rs`, `waves.rs`, `reliability.rs`: Table 1, the
//!   clustered and adjusted models, three or more waves, scales' reliability.

use crate::cohort::{Arm, Cohort, Domain, Kind, Wave};
use crate::results::*;
use crate::stats::adjust::{Adjust, p_adjust};
use crate::stats::finite;
use crate::warning::{Code, Warning};
use gather::{Gathered, Members, View};
use rayon::prelude::*;

mod balance;
mod binary;
mod categorical;
mod clustered;
mod continuous;
mod gather;
mod reliability;
mod rows;
mod waves;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub conf_level: f64,
    pub adjust: Adjust,
}

struct DomainAnalysis<'a> {
    view: View<'a>,
    conf: f64,
    warnings: Vec<Warning>,
    /// A middle wave's analysis (the baseline against wave w): the main pair's.
    baseline: Option<&'a Baseline<'a>>,
}

/// The main pair's results, given to each middle wave's analysis. A middle wave
/// and the main pair have the same participants and values at the baseline, so
/// the baseline's side of a middle wave (its summaries and `between:pre`, which
/// [`waves::take_middle`] leaves out) is the main pair's: its summaries are not
/// computed again and its `between:pre` rows (with the warnings they gave) are
/// taken from here, so that its warnings are the same as before.
struct Baseline<'a> {
    result: &'a DomainResult,
    /// The main pair's warnings about `between:pre` tables (expected counts).
    warnings: Vec<Warning>,
}

impl<'a> Baseline<'a> {
    fn new(result: &'a DomainResult, warnings: &[Warning]) -> Self {
        let about_pre = |w: &&Warning| {
            w.code == Code::ExpectedCount
                && (w.args.iter()).any(|(k, v)| *k == "comparison" && v == BASELINE_BETWEEN)
        };
        Baseline {
            result,
            warnings: warnings.iter().filter(about_pre).cloned().collect(),
        }
    }
}

/// The comparison of the arms at the baseline.
const BASELINE_BETWEEN: &str = "between:pre";

impl<'a> DomainAnalysis<'a> {
    fn arms(&self) -> &'a [Arm] {
        &self.view.cohort.arms
    }
    fn waves(&self) -> &'a [Wave] {
        &self.view.cohort.waves
    }
    fn paired(&self) -> bool {
        self.view.cohort.paired
    }
    fn both(&self) -> bool {
        self.arms().len() == 2 && self.waves().len() == 2
    }
    /// Whether `wave` is a middle wave analysis's baseline, whose summaries
    /// and between-arm tests are the main pair's (not computed).
    fn known(&self, wave: Wave) -> bool {
        wave == Wave::Pre && self.baseline.is_some()
    }
    /// The main pair's `between:pre` rows (of the domain, or of level `level`
    /// of a categorical one), and for the domain's the warnings they gave.
    fn known_between(&mut self, level: Option<usize>) -> Vec<TestRow> {
        let Some(b) = self.baseline else {
            return Vec::new();
        };
        let tests = match level {
            None => {
                self.warnings.extend(b.warnings.iter().cloned());
                &b.result.tests
            }
            Some(l) => match b.result.per_level.get(l) {
                Some(l) => &l.tests,
                None => return Vec::new(),
            },
        };
        // The part-one rows (a clustered model's rows are fitted again).
        tests
            .iter()
            .filter(|t| t.comparison == BASELINE_BETWEEN && t.robust.is_none())
            .cloned()
            .collect()
    }
}

/// Domains are independent: analyse them on every core, the costliest kinds first
/// (continuous, then categorical, then binary), each taken by the next free thread,
/// so that no core waits long for the last one. Results in the domains' order.
fn in_parallel<R: Send>(domains: &[Domain], f: impl Fn(&Domain) -> R + Sync) -> Vec<R> {
    let cost = |d: &Domain| match d.kind {
        Kind::Continuous => 0,
        Kind::Categorical => 1,
        Kind::Binary => 2,
    };
    let mut order: Vec<usize> = (0..domains.len()).collect();
    order.sort_by_key(|&i| cost(&domains[i]));
    let next = AtomicUsize::new(0);
    let start = std::time::Instant::now();
    let done: Mutex<Vec<Option<R>>> = Mutex::new((0..domains.len()).map(|_| None).collect());
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(domains.len()) {
            s.spawn(|_| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let t0 = std::time::Instant::now();
                    let r = f(&domains[i]);
                    crate::timing::report(|| {
                        format!(
                            "    domain {} ({:?}) {:.3} s, done at {:.3} s",
                            domains[i].name,
                            domains[i].kind,
                            t0.elapsed().as_secs_f64(),
                            start.elapsed().as_secs_f64()
                        )
                    });
                    if let Ok(mut done) = done.lock() {
                        done[i] = Some(r);
                    }
                }
            });
        }
    });
    done.into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// Analyse every domain for the participants in `members`; adjust p-values within.
fn analyse_group(
    cohort: &Cohort,
    members: Option<&[usize]>,
    settings: Settings,
    lang: &str,
    warnings: &mut Vec<Warning>,
    scope: &str,
) -> Vec<DomainResult> {
    let k = cohort.wave_count();
    // The first and last waves, and with more than two waves each middle wave
    // against the baseline (contract §9).
    let pairs: Vec<[usize; 2]> = std::iter::once([0, k - 1])
        .chain((1..k - 1).map(|w| [0, w]))
        .collect();
    let t0 = std::time::Instant::now();
    let mut all = Members::for_pairs(cohort, members, &pairs).into_iter();
    crate::timing::report(|| format!("    members {:.3} s", t0.elapsed().as_secs_f64()));
    let Some(main) = all.next() else {
        return Vec::new();
    };
    let middle: Vec<Members> = all.collect();
    let results = in_parallel(&cohort.domains, |d| {
        let t0 = std::time::Instant::now();
        let first_last = [&d.values[0][..], &d.values[1][..]];
        let (mut r, mut ws) = analyse_domain(cohort, &main, d, first_last, settings, lang, None);
        let t_main = t0.elapsed().as_secs_f64();
        let t0 = std::time::Instant::now();
        let mut mids = Vec::with_capacity(middle.len());
        if !middle.is_empty() {
            let baseline = Baseline::new(&r, &ws);
            for (m, later) in middle.iter().zip(&d.middle) {
                let values = [&d.values[0][..], &later[..]];
                let b = Some(&baseline);
                mids.push(analyse_domain(cohort, m, d, values, settings, lang, b));
            }
        }
        for (j, (mid, mid_ws)) in mids.into_iter().enumerate() {
            waves::take_middle(&mut r, mid, Wave::Mid((j + 2) as u8));
            let tag = format!("w{}", j + 2);
            ws.extend(mid_ws.into_iter().map(|w| w.within(&tag)));
        }
        let t_mid = t0.elapsed().as_secs_f64();
        if !middle.is_empty() {
            waves::order_summaries(&mut r);
            if d.kind != Kind::Categorical {
                let t0 = std::time::Instant::now();
                let (mut across, trends) =
                    waves::across_and_trends(cohort, &main, d, settings.conf_level);
                across.extend(trends);
                let t_across = t0.elapsed().as_secs_f64();
                crate::timing::report(|| {
                    format!(
                        "    {}: first and last {t_main:.3} s, middle waves {t_mid:.3} s, across and trends {t_across:.3} s",
                        d.name
                    )
                });
                ws.extend(untestable_warnings(&d.name, &across));
                r.tests.extend(across);
            }
        }
        (r, ws)
    });
    let t0 = std::time::Instant::now();
    let mut out = Vec::with_capacity(results.len());
    for (d, ws) in results {
        for w in ws {
            warnings.push(if scope.is_empty() { w } else { w.within(scope) });
        }
        out.push(d);
    }
    adjust_family(&mut out, settings.adjust);
    crate::timing::report(|| format!("    results {:.3} s", t0.elapsed().as_secs_f64()));
    out
}

/// One domain's summaries and tests, and its warnings, from `values` at the two
/// waves of `members` (the first and last, or the baseline and a middle wave);
/// a middle wave's with the main pair's results as `baseline`, and then
/// without the baseline's summaries (nor the clustering, the main pair's).
fn analyse_domain(
    cohort: &Cohort,
    members: &Members,
    d: &Domain,
    values: [&[f64]; 2],
    settings: Settings,
    lang: &str,
    baseline: Option<&Baseline>,
) -> (DomainResult, Vec<Warning>) {
    let mut a = DomainAnalysis {
        view: View { cohort, members },
        conf: settings.conf_level,
        warnings: Vec::new(),
        baseline,
    };
    let (summary, mut tests, mut per_level, transitions) = match d.kind {
        Kind::Continuous => {
            let (s, t) = a.continuous(values);
            (s, t, Vec::new(), None)
        }
        Kind::Binary => {
            let (s, t) = a.binary(&Gathered::new(a.view, values), None);
            (s, t, Vec::new(), None)
        }
        Kind::Categorical => a.categorical(d, values),
    };
    // Clustered and adjusted models (contract §8).
    let mut clustering = None;
    if let Some(models) = clustered::Models::new(cohort, members, settings.conf_level) {
        let mut notes = Vec::new();
        match d.kind {
            Kind::Continuous | Kind::Binary => {
                let value = |i: u32, w: usize| values[w][i as usize];
                models.add_tests(value, &mut tests, &mut notes);
                if baseline.is_none() {
                    clustering = models.clustering(&d.values);
                }
            }
            Kind::Categorical => {
                let mut level_tests: Vec<_> = per_level.iter_mut().map(|l| &mut l.tests).collect();
                models.add_level_tests(values, &mut level_tests, &mut notes);
                // Per-level results are secondary, like part one's (no p_adjusted).
                for t in per_level.iter_mut().flat_map(|l| &mut l.tests) {
                    t.primary = false;
                }
            }
        }
        for mut n in notes {
            n.domain = Some(d.name.clone());
            if !a.warnings.contains(&n) {
                a.warnings.push(n);
            }
        }
    }
    a.warnings.extend(untestable_warnings(&d.name, &tests));
    let result = DomainResult {
        name: d.name.clone(),
        label: d
            .label
            .as_ref()
            .and_then(|l| l.get(lang))
            .unwrap_or(&d.name)
            .to_string(),
        kind: d.kind,
        higher_is_better: d.higher_is_better,
        direction_given: d.direction_given,
        summary,
        tests,
        per_level,
        clustering,
        transitions,
        reliability: Vec::new(),
        unit: None,
        range: None,
    };
    (result, a.warnings)
}

/// `p_adjusted` over the primary tests of each comparison id across domains
/// (one stratum). Tests with `p_value: null` are left out of the family.
pub(crate) fn adjust_family(domains: &mut [DomainResult], method: Adjust) {
    let mut ids: Vec<String> = Vec::new();
    for d in domains.iter() {
        for t in &d.tests {
            if t.primary && !ids.contains(&t.comparison) {
                ids.push(t.comparison.clone());
            }
        }
    }
    for id in ids {
        let mut places = Vec::new();
        let mut ps = Vec::new();
        for (di, d) in domains.iter().enumerate() {
            for (ti, t) in d.tests.iter().enumerate() {
                if t.primary && t.comparison == id {
                    places.push((di, ti));
                    ps.push(t.p_value);
                }
            }
        }
        let adj = p_adjust(&ps, method);
        for ((di, ti), p) in places.into_iter().zip(adj) {
            domains[di].tests[ti].p_adjusted = p.and_then(finite);
        }
    }
}

fn attrition(cohort: &Cohort) -> Vec<Attrition> {
    // Per arm: participants, matched, baseline only, follow-up only (one pass, on
    // every core).
    let counts = cohort
        .participants
        .par_chunks(1 << 18)
        .map(|ps| {
            let mut c = [[0usize; 4]; 2];
            for p in ps {
                let c = &mut c[p.arm.index()];
                c[0] += 1;
                match p.present {
                    [true, true] => c[1] += 1,
                    [true, false] => c[2] += 1,
                    [false, true] => c[3] += 1,
                    [false, false] => {}
                }
            }
            c
        })
        .reduce(
            || [[0; 4]; 2],
            |mut a, b| {
                for (a, b) in a.iter_mut().flatten().zip(b.iter().flatten()) {
                    *a += b;
                }
                a
            },
        );
    cohort
        .arms
        .iter()
        .map(|&arm| {
            let [participants, matched, baseline_only, followup_only] = counts[arm.index()];
            Attrition {
                group: arm,
                participants,
                matched,
                baseline_only,
                followup_only,
            }
        })
        .collect()
}

/// The whole analysis: pooled, and per stratum when `--by` is given.
pub fn analyse(cohort: &Cohort, settings: Settings, lang: &str) -> Report {
    let mut warnings = cohort.warnings.clone();
    warnings.extend(cluster_warnings(cohort));
    let undirected: Vec<&str> = cohort
        .domains
        .iter()
        .filter(|d| !d.direction_given)
        .map(|d| d.name.as_str())
        .collect();
    if !undirected.is_empty() {
        warnings.push(Warning::new(
            None,
            Code::NoDirection,
            crate::args![domains = undirected.join(", ")],
        ));
    }
    // The baseline balance table and the attrition depend on no domain: made
    // beside the domains' analyses (a core that has no domain left takes them).
    let ((mut domains, mut warnings), (balance, attrition)) = rayon::join(
        || {
            let domains = analyse_group(cohort, None, settings, lang, &mut warnings, "");
            (domains, warnings)
        },
        || {
            (
                balance::balance(cohort, settings.conf_level),
                attrition(cohort),
            )
        },
    );
    reliability::attach(cohort, &mut domains, settings.conf_level, &mut warnings);
    let mut strata = Vec::new();
    if let Some(s) = &cohort.strata {
        for (si, value) in s.values.iter().enumerate() {
            let members: Vec<usize> = (0..cohort.participants.len())
                .filter(|&i| cohort.participants[i].stratum == Some(si as u32))
                .collect();
            let scope = format!("{} = {}", s.column, value);
            let domains = analyse_group(
                cohort,
                Some(&members),
                settings,
                lang,
                &mut warnings,
                &scope,
            );
            strata.push(StratumResult {
                column: s.column.clone(),
                value: value.clone(),
                participants: members.len(),
                domains,
            });
        }
    }
    Report {
        schema: SCHEMA,
        input: InputInfo {
            files: cohort.files.clone(),
            layout: cohort.layout,
            rows: cohort.rows,
            participants: cohort.participants.len(),
            design: cohort.design,
            paired: cohort.paired,
            attrition,
            waves: waves::infos(cohort),
            attributes: cohort.attributes.iter().map(|a| a.name.clone()).collect(),
            cluster: cluster_info(cohort),
            covariates: cohort.covariates.iter().map(|c| c.name.clone()).collect(),
        },
        labels: cohort.labels.clone(),
        settings: crate::results::Settings {
            conf_level: settings.conf_level,
            adjust: settings.adjust,
            title: cohort.title.clone(),
            lang: lang.to_string(),
            min_cell: None,
        },
        warnings,
        balance,
        domains,
        strata,
        power: None,
    }
}

/// What an evaluator must know about the clusters before reading the tests.
fn cluster_warnings(cohort: &Cohort) -> Vec<Warning> {
    let Some(info) = cluster_info(cohort) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let col = &info.column;
    let without = cohort
        .participants
        .iter()
        .filter(|p| p.cluster.is_none())
        .count();
    if without > 0 {
        out.push(Warning::new(
            None,
            Code::ClusterMissing,
            crate::args![n = without, column = col],
        ));
    }
    if info.clusters < 2 {
        out.push(Warning::new(
            None,
            Code::ClusterSingle,
            crate::args![column = col, n = info.clusters],
        ));
        return out;
    }
    for &arm in &cohort.arms {
        let k = if arm == Arm::Intervention {
            info.intervention
        } else {
            info.control
        };
        if k == 0 {
            out.push(Warning::new(
                None,
                Code::ClusterArmNone,
                crate::args![column = col, arm = arm.name()],
            ));
        } else if k < 10 && cohort.arms.len() == 2 {
            out.push(Warning::new(
                None,
                Code::ClusterFew,
                crate::args![k = k, column = col, arm = arm.name()],
            ));
        }
    }
    out
}

/// The design's clusters, and how many hold participants of each arm.
fn cluster_info(cohort: &Cohort) -> Option<ClusterInfo> {
    let c = cohort.clusters.as_ref()?;
    let mut seen = vec![[false; 2]; c.values.len()];
    for p in &cohort.participants {
        if let Some(s) = p.cluster.and_then(|k| seen.get_mut(k as usize)) {
            s[p.arm.index()] = true;
        }
    }
    let count = |a: usize| seen.iter().filter(|s| s[a]).count();
    Some(ClusterInfo {
        column: c.column.clone(),
        clusters: seen.iter().filter(|s| s[0] || s[1]).count(),
        intervention: count(0),
        control: count(1),
    })
}

/// A warning for every test that cannot be tested (no p-value; risk and odds
/// ratios never have one), every method alike (issue 21).
fn untestable_warnings(domain: &str, tests: &[TestRow]) -> Vec<Warning> {
    tests
        .iter()
        .filter(|t| t.p_value.is_none() && !matches!(t.method, "risk_ratio" | "odds_ratio"))
        .map(|t| {
            Warning::new(
                Some(domain),
                Code::Untestable,
                crate::args![comparison = t.comparison, method = t.method],
            )
        })
        .collect()
}
