//! Clustered and covariate-adjusted inference (contract §8): which models each
//! comparison gets, built from the cohort's values and fitted by the one engine
//! of `stats::robust` (OLS, CR2, Satterthwaite df).
//!
//! With a cluster column every comparison of a continuous or binary domain (and
//! of each level of a categorical one) gains a `cluster_robust` test that becomes
//! its primary; with covariates and no clusters, `did` (and the post-only
//! `between:post`) gains an `adjusted` test, the clusters being the participants.

use super::gather::Members;
use super::rows::{between_id, change_id, row};
use crate::cohort::{Arm, Characteristic, Cohort, Design, Kind, Wave};
use crate::results::{ClusteringInfo, RobustFields, TestRow};
use crate::stats::TestResult;
use crate::stats::robust::{Cell, Cr2Fit, Pick, clustering_of_cells, cr2_many};
use crate::warning::{Code, Warning};

mod levels;

/// A model's fit and the rows it noted, once fitted.
type Fitted = Option<(Option<Cr2Fit>, usize)>;

/// What the models of one stratum share: who is in it, their clusters, and the
/// covariates' design columns.
pub(super) struct Models<'a> {
    cohort: &'a Cohort,
    members: &'a Members,
    conf: f64,
    method: &'static str,
    /// Whether there is a cluster column.
    clusters: bool,
    covariates: Covariates,
    /// Per participant: its cluster (its own index without a cluster column;
    /// u32::MAX when missing: left out of every model) and [`ARM_BIT`] |
    /// [`SEEN_BITS`] (read once here rather than from each participant per model).
    cluster: Vec<u32>,
    flags: Vec<u8>,
}

/// The most cells (16 bytes each) the cell-fitted models may use together;
/// beyond (millions of clusters), they are fitted from their rows.
const CELLS_MAX: usize = 1 << 23;

/// `flags`: in the intervention arm.
const ARM_BIT: u8 = 1;
/// `flags`: a row at the first (bit 1) and the second (bit 2) wave of the pair.
const SEEN_BITS: [u8; 2] = [2, 4];

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

/// One model: its rows, design width and outcome. The rows are the
/// participants of `lists` (in order), one row each or, for `per` = 2, one per
/// wave; a row is in the model when its values, its cluster and (with
/// covariates) every covariate are known.
struct Model<'m> {
    lists: [&'m [u32]; 2],
    /// 1, or 2 (a row per wave).
    per: usize,
    /// Only the rows of this arm (true: intervention).
    only: Option<bool>,
    /// Columns: intercept and the model's own terms, then the covariates when used.
    terms: Terms,
    with_covariates: bool,
    /// The coefficient reported.
    coef: usize,
}

impl Model<'_> {
    fn candidates(&self) -> usize {
        (self.lists[0].len() + self.lists[1].len()) * self.per
    }

    /// Participant and wave of candidate row `r`.
    #[inline]
    fn at(&self, r: usize) -> (u32, usize) {
        let (k, w) = if self.per == 1 {
            (r, 0)
        } else {
            (r >> 1, r & 1)
        };
        let first = self.lists[0].len();
        let i = if k < first {
            self.lists[0][k]
        } else {
            self.lists[1][k - first]
        };
        (i, w)
    }
}

#[derive(Clone, Copy)]
enum Terms {
    /// change ~ 1 (paired: y is post − pre).
    ChangePaired,
    /// y ~ 1 + post.
    ChangeUnpaired,
    /// y ~ 1 + arm, at a wave.
    Between(usize),
    /// post ~ 1 + arm + pre.
    DidPaired,
    /// y ~ 1 + arm + post + arm·post.
    DidUnpaired,
}

impl Terms {
    fn width(self) -> usize {
        match self {
            Terms::ChangePaired => 1,
            Terms::ChangeUnpaired | Terms::Between(_) => 2,
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
        let pair = members.pair;
        let (cluster, flags) = cohort
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let k = if clusters {
                    p.cluster.unwrap_or(u32::MAX)
                } else {
                    i as u32
                };
                let mut f = u8::from(p.arm == Arm::Intervention) * ARM_BIT;
                for w in 0..2 {
                    if p.seen & (1 << pair[w]) != 0 {
                        f |= SEEN_BITS[w];
                    }
                }
                (k, f)
            })
            .unzip();
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
            cluster,
            flags,
        })
    }

    #[inline]
    fn cluster_of(&self, i: u32) -> Option<u32> {
        Some(self.cluster[i as usize]).filter(|&k| k != u32::MAX)
    }

    /// The most cluster indices (the engine's table size).
    fn cluster_bound(&self) -> usize {
        match &self.cohort.clusters {
            Some(c) => c.values.len(),
            None => self.cohort.participants.len(),
        }
    }

    /// The comparisons a domain's values get, as models.
    fn models(&self) -> Vec<(String, Model<'a>)> {
        let c = self.cohort;
        let paired = c.paired;
        let both_waves = c.waves.len() == 2;
        let by_arm = &self.members.by_arm;
        let both: [&'a [u32]; 2] = [&by_arm[0], &by_arm[1]];
        let per = if paired { 1 } else { 2 };
        let mut out = Vec::new();
        if self.clusters && both_waves {
            for &arm in &c.arms {
                let (terms, coef) = if paired {
                    (Terms::ChangePaired, 0)
                } else {
                    (Terms::ChangeUnpaired, 1)
                };
                let model = Model {
                    lists: both,
                    per,
                    only: Some(arm == Arm::Intervention),
                    terms,
                    with_covariates: false,
                    coef,
                };
                out.push((change_id(arm), model));
            }
        }
        if c.arms.len() == 2 {
            let post_only = c.design == Design::PostOnlyControl;
            let between = |wave: Wave, with_covariates| Model {
                lists: both,
                per: 1,
                only: None,
                terms: Terms::Between(wave.index()),
                with_covariates,
                coef: 1,
            };
            if self.clusters {
                for &wave in &c.waves {
                    let adjusted = post_only && !self.covariates.columns.is_empty();
                    out.push((between_id(wave), between(wave, adjusted)));
                }
            } else if post_only {
                out.push((between_id(Wave::Post), between(Wave::Post, true)));
            }
            if both_waves {
                let (terms, coef) = if paired {
                    (Terms::DidPaired, 1)
                } else {
                    (Terms::DidUnpaired, 3)
                };
                let model = Model {
                    lists: both,
                    per,
                    only: None,
                    terms,
                    with_covariates: true,
                    coef,
                };
                out.push(("did".to_string(), model));
            }
        }
        out
    }

    /// Row `r` of model `m` into `buf` (the model's terms; the covariates are
    /// added by the caller): its participant and y, or None when a value is
    /// missing.
    #[inline]
    fn terms_row(
        &self,
        m: &Model<'_>,
        value: &impl Fn(u32, usize) -> f64,
        r: usize,
        buf: &mut [f64],
    ) -> Option<(u32, f64)> {
        let (i, w) = m.at(r);
        let f = self.flags[i as usize];
        if m.only.is_some_and(|a| a != (f & ARM_BIT != 0)) {
            return None;
        }
        let at = |w: usize| {
            if f & SEEN_BITS[w] != 0 {
                Some(value(i, w)).filter(|v| !v.is_nan())
            } else {
                None
            }
        };
        let arm = || f64::from(f & ARM_BIT);
        buf[0] = 1.0;
        let y = match m.terms {
            Terms::ChangePaired => at(1)? - at(0)?,
            Terms::DidPaired => {
                let (pre, post) = (at(0)?, at(1)?);
                buf[1] = arm();
                buf[2] = pre;
                post
            }
            Terms::ChangeUnpaired => {
                let y = at(w)?;
                buf[1] = w as f64;
                y
            }
            Terms::DidUnpaired => {
                let y = at(w)?;
                let (a, t) = (arm(), w as f64);
                buf[1] = a;
                buf[2] = t;
                buf[3] = a * t;
                y
            }
            Terms::Between(w) => {
                let y = at(w)?;
                buf[1] = arm();
                y
            }
        };
        Some((i, y))
    }

    /// Covariate columns of model `m`.
    fn ncov(&self, m: &Model<'_>) -> usize {
        if m.with_covariates {
            self.covariates.columns.len()
        } else {
            0
        }
    }

    /// Candidate row `r` for model `m` (see [`cr2_many`]): a row with a missing
    /// covariate is noted.
    #[inline]
    fn pick(
        &self,
        m: &Model<'_>,
        value: &impl Fn(u32, usize) -> f64,
        r: usize,
        buf: &mut [f64],
    ) -> Pick {
        let Some((i, y)) = self.terms_row(m, value, r, buf) else {
            return Pick::Out;
        };
        let Some(k) = self.cluster_of(i) else {
            return Pick::Out;
        };
        let base = m.terms.width();
        if self.ncov(m) > 0
            && !self
                .covariates
                .fill(&self.cohort.covariates, i as usize, &mut buf[base..])
        {
            return Pick::Noted;
        }
        Pick::In(k, y)
    }

    /// Whether model `m`'s columns are the intercept and at most one 0/1
    /// column (arm or wave): then its per-cluster sums follow from each
    /// cluster × column-value cell's count and sum of y.
    fn by_cells(&self, m: &Model<'_>) -> bool {
        self.ncov(m) == 0
            && matches!(
                m.terms,
                Terms::ChangePaired | Terms::ChangeUnpaired | Terms::Between(_)
            )
    }

    /// Every row of the cell-fitted models `list` (which share their
    /// participants): `visit(j, cell, y, i)` for model j's row of participant
    /// i (its values at both waves `v`), in cell 2·cluster + (0/1 column), in
    /// the order of [`Self::pick`]'s rows. Each participant's flags, cluster
    /// and values are read once for all the models (the rows are those `pick`
    /// keeps).
    #[inline]
    fn for_cells(
        &self,
        list: &[&Model<'_>],
        value: &impl Fn(u32, usize) -> f64,
        mut visit: impl FnMut(usize, usize, f64, [f64; 2]),
    ) {
        let Some(first) = list.first() else {
            return;
        };
        for &i in first.lists[0].iter().chain(first.lists[1]) {
            let k = self.cluster[i as usize];
            if k == u32::MAX {
                continue;
            }
            let f = self.flags[i as usize];
            let at = |w: usize| {
                if f & SEEN_BITS[w] != 0 {
                    value(i, w)
                } else {
                    f64::NAN
                }
            };
            let v = [at(0), at(1)];
            let arm = f & ARM_BIT != 0;
            let base = 2 * k as usize;
            for (j, m) in list.iter().enumerate() {
                if m.only.is_some_and(|a| a != arm) {
                    continue;
                }
                match m.terms {
                    Terms::ChangePaired => {
                        if !v[0].is_nan() && !v[1].is_nan() {
                            visit(j, base, v[1] - v[0], v);
                        }
                    }
                    Terms::ChangeUnpaired => {
                        for (w, &y) in v.iter().enumerate() {
                            if !y.is_nan() {
                                visit(j, base + w, y, v);
                            }
                        }
                    }
                    Terms::Between(w) => {
                        if !v[w].is_nan() {
                            visit(j, base + usize::from(arm), v[w], v);
                        }
                    }
                    Terms::DidPaired | Terms::DidUnpaired => {}
                }
            }
        }
    }

    /// Per model, per cell 2·cluster + (0/1 column): rows and sum of y, in one
    /// pass over the participants for all the models.
    fn cells(
        &self,
        list: &[&Model<'_>],
        value: &impl Fn(u32, usize) -> f64,
    ) -> Vec<Vec<(f64, f64)>> {
        let bound = self.cluster_bound();
        let mut cells = vec![vec![(0.0, 0.0); bound * 2]; list.len()];
        self.for_cells(list, value, |j, c, y, _| {
            if let Some(cell) = cells[j].get_mut(c) {
                cell.0 += 1.0;
                cell.1 += y;
            }
        });
        cells
    }

    /// One model's test row from its fit, and what the caller should warn about.
    fn test_row(
        &self,
        id: &str,
        m: &Model<'_>,
        value: &impl Fn(u32, usize) -> f64,
        (fit, missing_cov): (Option<Cr2Fit>, usize),
        counted: Option<usize>,
        notes: &mut Vec<Warning>,
    ) -> TestRow {
        let ncov = self.ncov(m);
        let base = m.terms.width();
        // Participants: every row is one, unless a participant has a row per wave.
        let mut participants = counted.unwrap_or_else(|| fit.as_ref().map_or(0, |f| f.n));
        if m.per > 1 {
            participants = 0;
            let mut buf = vec![0.0; base + ncov];
            for k in 0..m.candidates() / m.per {
                let any = (0..m.per)
                    .any(|w| matches!(self.pick(m, value, k * m.per + w, &mut buf), Pick::In(..)));
                participants += usize::from(any);
            }
        }
        if missing_cov > 0 {
            notes.push(Warning::new(
                None,
                Code::CovariateMissing,
                crate::args![comparison = id, n = missing_cov],
            ));
        }
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
        // The data's scale, read only for an untestable model.
        let scale = || {
            (0..self.flags.len() as u32)
                .flat_map(|i| [value(i, 0), value(i, 1)])
                .filter(|v| v.is_finite())
                .fold(0.0_f64, |m, v| m.max(v.abs()))
        };
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

    /// The model-based tests of a domain's values, `value(i, w)` for
    /// participant i at wave w of the pair (NaN when missing); the part-one
    /// tests of the same comparisons stop being primary.
    pub(super) fn add_tests(
        &self,
        value: impl Fn(u32, usize) -> f64 + Sync,
        tests: &mut Vec<TestRow>,
        notes: &mut Vec<Warning>,
    ) {
        let models = self.models();
        // Models whose only columns are the intercept and a 0/1 column (arm or
        // wave) are fitted from per-cluster cells (one pass for all of them);
        // the others (`did`, covariates) from their rows: those with one row
        // per participant, then those with one per wave, each group in one pass.
        let mut fits: Vec<Fitted> = models.iter().map(|_| None).collect();
        let mut counted: Vec<Option<usize>> = models.iter().map(|_| None).collect();
        let mut cell_models: Vec<usize> = (0..models.len())
            .filter(|&j| self.by_cells(&models[j].1))
            .collect();
        if self.cluster_bound().saturating_mul(2 * cell_models.len()) > CELLS_MAX {
            cell_models.clear();
        }
        if !cell_models.is_empty() {
            let list: Vec<&Model<'_>> = cell_models.iter().map(|&j| &models[j].1).collect();
            let cells = self.cells(&list, &value);
            let out = self.fit_cells(&list, |j, c| cells[j][c]);
            for ((&j, f), c) in cell_models.iter().zip(out).zip(&cells) {
                fits[j] = Some(f);
                if models[j].1.per == 1 {
                    counted[j] = Some(c.iter().map(|x| x.0 as usize).sum());
                }
            }
        }
        self.fit_rows(&models, &value, &mut fits);
        self.place(&models, fits, counted, &value, tests, notes);
    }

    /// The cell-fitted models `list` from their cells: `cell(j, c)` is model
    /// j's cell c (2·cluster + 0/1 column): rows and sum of y.
    fn fit_cells(
        &self,
        list: &[&Model<'_>],
        cell: impl Fn(usize, usize) -> (f64, f64) + Sync,
    ) -> Vec<(Option<Cr2Fit>, usize)> {
        let ps: Vec<usize> = list.iter().map(|m| m.terms.width()).collect();
        let bound = self.cluster_bound();
        cr2_many(bound * 2, &ps, bound, |c, j, buf| {
            let (n, sum) = cell(j, c);
            if n == 0.0 {
                return Pick::Out;
            }
            // A cell as one row of weight √n: X_j'X_j and X_j'y_j exact.
            let w = n.sqrt();
            buf[0] = w;
            if buf.len() > 1 {
                buf[1] = w * (c % 2) as f64;
            }
            Pick::In((c / 2) as u32, sum / w)
        })
    }

    /// The models without a fit yet, from their rows: those with one row per
    /// participant, then those with one per wave, each group in one pass.
    fn fit_rows(
        &self,
        models: &[(String, Model<'_>)],
        value: &(impl Fn(u32, usize) -> f64 + Sync),
        fits: &mut [Fitted],
    ) {
        for per in [1, 2] {
            let group: Vec<usize> = (0..models.len())
                .filter(|&j| models[j].1.per == per && fits[j].is_none())
                .collect();
            let Some(&first) = group.first() else {
                continue;
            };
            let ps: Vec<usize> = group
                .iter()
                .map(|&j| models[j].1.terms.width() + self.ncov(&models[j].1))
                .collect();
            let out = cr2_many(
                models[first].1.candidates(),
                &ps,
                self.cluster_bound(),
                |r, j, buf| self.pick(&models[group[j]].1, value, r, buf),
            );
            for (&j, f) in group.iter().zip(out) {
                fits[j] = Some(f);
            }
        }
    }

    /// The models' test rows into `tests`, each first among its comparison's
    /// tests, which stop being primary.
    fn place(
        &self,
        models: &[(String, Model<'_>)],
        fits: Vec<Fitted>,
        counted: Vec<Option<usize>>,
        value: &impl Fn(u32, usize) -> f64,
        tests: &mut Vec<TestRow>,
        notes: &mut Vec<Warning>,
    ) {
        for (id, _) in models {
            for t in tests.iter_mut().filter(|t| &t.comparison == id) {
                t.primary = false;
            }
        }
        let mut added = Vec::new();
        for (((id, m), f), n) in models.iter().zip(fits).zip(counted) {
            let f = f.unwrap_or((None, 0));
            added.push(self.test_row(id, m, value, f, n, notes));
        }
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
        // Cells cluster × arm (intervention first), in one pass; whether a
        // participant has a row at the first wave is in `flags`.
        let mut cells = vec![Cell::default(); 2 * self.cluster_bound()];
        let mut finite = true;
        for &i in self.members.by_arm.iter().flat_map(|l| l.iter()) {
            let (f, k) = (self.flags[i as usize], self.cluster[i as usize]);
            let present = if w == 0 {
                f & SEEN_BITS[0] != 0
            } else {
                c.participants[i as usize].present[w]
            };
            let v = values[w][i as usize];
            if !present || v.is_nan() || k == u32::MAX {
                continue;
            }
            finite &= v.is_finite();
            if let Some(cell) = cells.get_mut(2 * k as usize + usize::from(f & ARM_BIT == 0)) {
                cell.add(v);
            }
        }
        let k = clustering_of_cells(&cells, 2).filter(|_| finite)?;
        Some(ClusteringInfo {
            clusters: k.clusters,
            mean_cluster_size: crate::stats::finite(k.mean_cluster_size),
            icc: k.icc.and_then(crate::stats::finite),
            design_effect: k.design_effect.and_then(crate::stats::finite),
        })
    }
}

/// An untestable model (an exact fit, a zero standard error: no p-value; `scale`
/// the largest |value| of the data, computed only then) reads like the t tests'
/// untestable results (issue 21): an estimate 0 up to rounding at the data's scale
/// is +0 (never −0 or 7e-16), a standard error 0 up to rounding is null (never
/// 4e-16), and so are the degrees of freedom.
pub(super) fn snap_untestable(
    mut r: TestResult,
    se: Option<f64>,
    scale: impl Fn() -> f64,
) -> (TestResult, Option<f64>) {
    if r.p_value.is_some() {
        return (r, se);
    }
    let scale = scale();
    r.estimate = r.estimate.map(|e| crate::stats::snap_zero(e, scale));
    r.df = None;
    (r, se.filter(|&s| !crate::stats::degenerate_se(s, scale)))
}
