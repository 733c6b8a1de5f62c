//! Clustered and covariate-adjusted inference (contract §8): which models each
//! comparison gets, built from the cohort's values and fitted by the one engine
//! of `stats::robust` (OLS, CR2, Satterthwaite df).
//!
//! With a cluster column every comparison of a continuous or binary domain (and
//! of each level of a categorical one) gains a `cluster_robust` test that becomes
//! its primary; with covariates and no clusters, `did` (and the post-only
//! `between:post`) gains an `adjusted` test, the clusters being the participants.

use super::{Members, between_id, change_id, row};
use crate::cohort::{Arm, Characteristic, Cohort, Design, Kind, Wave};
use crate::results::{ClusteringInfo, RobustFields, TestRow};
use crate::stats::TestResult;
use crate::stats::robust::{clustering, cr2_rows};
use crate::warning::{Code, Warning};

/// What the models of one stratum share: who is in it, their clusters, and the
/// covariates' design columns.
pub(super) struct Models<'a> {
    cohort: &'a Cohort,
    members: &'a Members,
    conf: f64,
    method: &'static str,
    /// Each participant's cluster (its own index without a cluster column);
    /// None when the cluster is missing (left out of every model).
    clusters: bool,
    covariates: Covariates,
}

/// Covariates as design columns: numbers and 0/1 as they are, a categorical
/// one as indicators of every level but the first (contract §6.3).
struct Covariates {
    /// Per column: the covariate it comes from and, for an indicator, its level.
    columns: Vec<(usize, Option<usize>)>,
    names: Vec<String>,
}

impl Covariates {
    fn new(list: &[Characteristic]) -> Self {
        let mut columns = Vec::new();
        for (i, c) in list.iter().enumerate() {
            match c.kind {
                Kind::Categorical => {
                    for l in 1..c.levels.len() {
                        columns.push((i, Some(l)));
                    }
                }
                _ => columns.push((i, None)),
            }
        }
        Covariates {
            columns,
            names: list.iter().map(|c| c.name.clone()).collect(),
        }
    }

    /// Participant `i`'s covariate columns into `out`; false when one is missing.
    fn fill(&self, list: &[Characteristic], i: usize, out: &mut [f64]) -> bool {
        for (o, &(c, level)) in out.iter_mut().zip(&self.columns) {
            let v = list[c].values[i];
            if v.is_nan() {
                return false;
            }
            *o = match level {
                Some(l) => f64::from(u8::from(v == l as f64)),
                None => v,
            };
        }
        true
    }
}

/// One model: its rows (participant, wave), design width and outcome.
struct Model {
    /// (participant, wave index 0/1) per row.
    rows: Vec<(u32, u8)>,
    /// Columns: intercept and the model's own terms, then the covariates when used.
    terms: Terms,
    with_covariates: bool,
    /// The coefficient reported.
    coef: usize,
}

#[derive(Clone, Copy)]
enum Terms {
    /// change ~ 1 (paired: y is post − pre).
    ChangePaired,
    /// y ~ 1 + post.
    ChangeUnpaired,
    /// y ~ 1 + arm.
    Between,
    /// post ~ 1 + arm + pre.
    DidPaired,
    /// y ~ 1 + arm + post + arm·post.
    DidUnpaired,
}

impl Terms {
    fn width(self) -> usize {
        match self {
            Terms::ChangePaired => 1,
            Terms::ChangeUnpaired | Terms::Between => 2,
            Terms::DidPaired => 3,
            Terms::DidUnpaired => 4,
        }
    }
}

impl<'a> Models<'a> {
    /// None when the design has neither clusters nor covariates.
    pub(super) fn new(cohort: &'a Cohort, members: &'a Members, conf: f64) -> Option<Self> {
        let clusters = cohort.clusters.is_some();
        if !clusters && cohort.covariates.is_empty() {
            return None;
        }
        Some(Models {
            cohort,
            members,
            conf,
            method: if clusters {
                "cluster_robust"
            } else {
                "adjusted"
            },
            clusters,
            covariates: Covariates::new(&cohort.covariates),
        })
    }

    fn cluster_of(&self, i: u32) -> Option<u32> {
        if self.clusters {
            self.cohort.participants[i as usize].cluster
        } else {
            Some(i)
        }
    }

    /// The comparisons a domain's values get, as models.
    fn models(&self, values: &[Vec<f64>; 2]) -> Vec<(String, Model)> {
        let c = self.cohort;
        let paired = c.paired;
        let both_waves = c.waves.len() == 2;
        let mut out = Vec::new();
        let value = |i: u32, w: usize| values[w][i as usize];
        let pair = self.members.pair;
        let has = |i: u32, w: usize| {
            c.participants[i as usize].seen & (1 << pair[w]) != 0 && !value(i, w).is_nan()
        };
        if self.clusters && both_waves {
            for &arm in &c.arms {
                let list = &self.members.by_arm[arm.index()];
                let (rows, terms, coef) = if paired {
                    let rows: Vec<(u32, u8)> = list
                        .iter()
                        .filter(|&&i| has(i, 0) && has(i, 1))
                        .map(|&i| (i, 0))
                        .collect();
                    (rows, Terms::ChangePaired, 0)
                } else {
                    let mut rows = Vec::new();
                    for &i in list {
                        for w in 0..2 {
                            if has(i, w) {
                                rows.push((i, w as u8));
                            }
                        }
                    }
                    (rows, Terms::ChangeUnpaired, 1)
                };
                out.push((
                    change_id(arm),
                    Model {
                        rows,
                        terms,
                        with_covariates: false,
                        coef,
                    },
                ));
            }
        }
        if c.arms.len() == 2 {
            let post_only = c.design == Design::PostOnlyControl;
            if self.clusters {
                for &wave in &c.waves {
                    let w = wave.index();
                    let rows = self.both_arms(|i| has(i, w), w);
                    let adjusted = post_only && !self.covariates.columns.is_empty();
                    out.push((
                        between_id(wave),
                        Model {
                            rows,
                            terms: Terms::Between,
                            with_covariates: adjusted,
                            coef: 1,
                        },
                    ));
                }
            } else if post_only {
                let w = Wave::Post.index();
                out.push((
                    between_id(Wave::Post),
                    Model {
                        rows: self.both_arms(|i| has(i, w), w),
                        terms: Terms::Between,
                        with_covariates: true,
                        coef: 1,
                    },
                ));
            }
            if both_waves {
                let model = if paired {
                    Model {
                        rows: self.both_arms(|i| has(i, 0) && has(i, 1), 0),
                        terms: Terms::DidPaired,
                        with_covariates: true,
                        coef: 1,
                    }
                } else {
                    let mut rows = Vec::new();
                    for list in &self.members.by_arm {
                        for &i in list {
                            for w in 0..2 {
                                if has(i, w) {
                                    rows.push((i, w as u8));
                                }
                            }
                        }
                    }
                    Model {
                        rows,
                        terms: Terms::DidUnpaired,
                        with_covariates: true,
                        coef: 3,
                    }
                };
                out.push(("did".to_string(), model));
            }
        }
        out
    }

    /// Participants of both arms (intervention first) meeting `keep`, as rows at `w`.
    fn both_arms(&self, keep: impl Fn(u32) -> bool, w: usize) -> Vec<(u32, u8)> {
        self.members
            .by_arm
            .iter()
            .flatten()
            .filter(|&&i| keep(i))
            .map(|&i| (i, w as u8))
            .collect()
    }

    /// Fit one model: its test row, and what the caller should warn about.
    fn fit(&self, id: &str, m: Model, values: &[Vec<f64>; 2], notes: &mut Vec<Warning>) -> TestRow {
        let c = self.cohort;
        let ncov = if m.with_covariates {
            self.covariates.columns.len()
        } else {
            0
        };
        let base = m.terms.width();
        let p = base + ncov;
        // Rows whose cluster and covariates are known.
        let mut cov = vec![0.0; ncov];
        let mut missing_cov = 0usize;
        let mut rows: Vec<(u32, u8)> = Vec::with_capacity(m.rows.len());
        let mut cluster: Vec<u32> = Vec::with_capacity(m.rows.len());
        for &(i, w) in &m.rows {
            let Some(k) = self.cluster_of(i) else {
                continue;
            };
            if ncov > 0 && !self.covariates.fill(&c.covariates, i as usize, &mut cov) {
                missing_cov += 1;
                continue;
            }
            rows.push((i, w));
            cluster.push(k);
        }
        if missing_cov > 0 {
            notes.push(Warning::new(
                None,
                Code::CovariateMissing,
                crate::args![comparison = id, n = missing_cov],
            ));
        }
        let participants = {
            let mut seen: Vec<u32> = rows.iter().map(|r| r.0).collect();
            seen.dedup();
            seen.len()
        };
        let arm_of = |i: u32| {
            f64::from(u8::from(
                c.participants[i as usize].arm == Arm::Intervention,
            ))
        };
        let fit = cr2_rows(rows.len(), p, &cluster, |r, buf| {
            let (i, w) = rows[r];
            let (pre, post) = (values[0][i as usize], values[1][i as usize]);
            buf[0] = 1.0;
            let y = match m.terms {
                Terms::ChangePaired => post - pre,
                Terms::ChangeUnpaired => {
                    buf[1] = f64::from(w);
                    values[w as usize][i as usize]
                }
                Terms::Between => {
                    buf[1] = arm_of(i);
                    values[w as usize][i as usize]
                }
                Terms::DidPaired => {
                    buf[1] = arm_of(i);
                    buf[2] = pre;
                    post
                }
                Terms::DidUnpaired => {
                    let a = arm_of(i);
                    buf[1] = a;
                    buf[2] = f64::from(w);
                    buf[3] = a * f64::from(w);
                    values[w as usize][i as usize]
                }
            };
            if ncov > 0 {
                self.covariates
                    .fill(&c.covariates, i as usize, &mut buf[base..]);
            }
            y
        });
        let mut used = Vec::new();
        let (result, se, clusters) = match &fit {
            Some(f) => {
                if ncov > 0 {
                    for (j, &(ci, _)) in self.covariates.columns.iter().enumerate() {
                        let name = &self.covariates.names[ci];
                        if f.aliased[base + j] {
                            notes.push(Warning::new(
                                None,
                                Code::CovariateDropped,
                                crate::args![comparison = id, covariate = name],
                            ));
                        } else if !used.contains(name) {
                            used.push(name.clone());
                        }
                    }
                }
                if f.aliased.get(m.coef).copied().unwrap_or(true) {
                    notes.push(Warning::new(
                        None,
                        Code::ArmCollinear,
                        crate::args![comparison = id],
                    ));
                }
                let t = f.test(m.coef, self.conf);
                (t.result(), t.se, f.clusters)
            }
            None => (Default::default(), None, 0),
        };
        if ncov == 0 && m.with_covariates {
            used.clear();
        }
        let scale = values
            .iter()
            .flatten()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        let (result, se) = snap_untestable(result, se, scale);
        let mut t = row(id, self.method, true, participants, result);
        t.robust = Some(RobustFields {
            se: se.and_then(crate::stats::finite),
            se_type: "CR2",
            clusters,
            covariates: used,
        });
        t
    }

    /// The model-based tests of a domain's (or a level's 0/1) values; the part-one
    /// tests of the same comparisons stop being primary.
    pub(super) fn add_tests(
        &self,
        domain: &str,
        values: &[Vec<f64>; 2],
        tests: &mut Vec<TestRow>,
        notes: &mut Vec<Warning>,
    ) {
        let mut added = Vec::new();
        for (id, m) in self.models(values) {
            for t in tests.iter_mut().filter(|t| t.comparison == id) {
                t.primary = false;
            }
            added.push(self.fit(&id, m, values, notes));
        }
        let _ = domain;
        // Each model-based test first among its comparison's tests.
        let mut out = Vec::with_capacity(tests.len() + added.len());
        for t in added {
            let id = t.comparison.clone();
            out.push(t);
            out.extend(tests.iter().filter(|x| x.comparison == id).cloned());
        }
        let rest: Vec<TestRow> = tests
            .iter()
            .filter(|x| !out.iter().any(|o| o.comparison == x.comparison))
            .cloned()
            .collect();
        out.extend(rest);
        *tests = out;
    }

    /// The clustering of a domain's values at baseline (contract §8.1): cells are
    /// cluster × arm.
    pub(super) fn clustering(&self, values: &[Vec<f64>; 2]) -> Option<ClusteringInfo> {
        if !self.clusters {
            return None;
        }
        let c = self.cohort;
        let w = match c.waves.first() {
            Some(Wave::Post) => 1,
            _ => 0,
        };
        let (mut y, mut cl, mut arm) = (Vec::new(), Vec::new(), Vec::new());
        for &i in self.members.by_arm.iter().flatten() {
            let p = &c.participants[i as usize];
            let v = values[w][i as usize];
            if let (true, false, Some(k)) = (p.present[w], v.is_nan(), p.cluster) {
                y.push(v);
                cl.push(k);
                arm.push(p.arm.index() as u32);
            }
        }
        let k = clustering(&y, &cl, &arm)?;
        Some(ClusteringInfo {
            clusters: k.clusters,
            mean_cluster_size: crate::stats::finite(k.mean_cluster_size),
            icc: k.icc.and_then(crate::stats::finite),
            design_effect: k.design_effect.and_then(crate::stats::finite),
        })
    }
}

/// An untestable model (an exact fit, a zero standard error: no p-value; `scale`
/// the largest |value| of the data) reads
/// like the t tests' untestable results (issue 21): an estimate 0 up to rounding at
/// the data's scale is +0 (never −0 or 7e-16), a standard error 0 up to rounding
/// is null (never 4e-16), and so are the degrees of freedom.
pub(super) fn snap_untestable(
    mut r: TestResult,
    se: Option<f64>,
    scale: f64,
) -> (TestResult, Option<f64>) {
    if r.p_value.is_some() {
        return (r, se);
    }
    r.estimate = r.estimate.map(|e| crate::stats::snap_zero(e, scale));
    r.df = None;
    (r, se.filter(|&s| !crate::stats::degenerate_se(s, scale)))
}
