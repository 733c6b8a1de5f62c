//! Which tests each domain and design gets (contract §3), and the results they give.

use crate::cohort::{Arm, Cohort, Domain, Kind, Wave};
use crate::results::*;
use crate::stats::adjust::{Adjust, p_adjust};
use crate::stats::contingency::{chi_square, fisher_exact_2x2, stuart_maxwell};
use crate::stats::describe::{
    Moments, Tally, describe_in_place, describe_tallied, median_of_selected, median_tallied,
    moments_and_tally, moments_by_code, moments_of,
};
use crate::stats::proportions::{
    did_z_binary, mcnemar_exact, newcombe_independent, odds_ratio, risk_ratio, wilson,
};
use crate::stats::ranks::{
    mann_whitney_given_medians, mann_whitney_tallied, wilcoxon_signed_rank_of,
};
use crate::stats::regression::ancova_arms;
use crate::stats::ttest::{
    cohens_dz_ci, cohens_dz_moments, did_z_moments, hedges_g_ci, hedges_g_moments,
    paired_t_moments, welch_t_moments,
};
use crate::stats::{TestResult, finite};
use crate::warning::{Code, Warning};
use rayon::prelude::*;

mod balance;
mod clustered;
mod reliability;
mod waves;
use std::cell::OnceCell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub conf_level: f64,
    pub adjust: Adjust,
}

/// The participants of one stratum, split by arm and by wave seen, so that each
/// domain's values are gathered without scanning everyone again.
struct Members {
    /// The two waves compared (indices into every wave, in order).
    pair: [usize; 2],
    /// `by_arm[arm]`: participants of the arm.
    by_arm: [Vec<u32>; 2],
    /// `present[arm][wave]`: participants of the arm with a row at the wave.
    present: [[Vec<u32>; 2]; 2],
}

impl Members {
    /// The lists of `members` (everyone when None), in participant order: counted,
    /// then filled, in contiguous parts on every core (each part writes its own
    /// slice of each list, so the lists are the same as from one pass).
    fn new(cohort: &Cohort, members: Option<&[usize]>, pair: [usize; 2]) -> Self {
        let n = members.map_or(cohort.participants.len(), <[usize]>::len);
        let who = |k: usize| members.map_or(k, |m| m[k]);
        // Lists 0, 1: by arm; 2 + 2 × arm + wave: present.
        let lists_of = |i: usize| {
            let p = &cohort.participants[i];
            let a = p.arm.index();
            let mut out = [a, usize::MAX, usize::MAX];
            for w in 0..2 {
                if p.seen & (1 << pair[w]) != 0 {
                    out[1 + w] = 2 + 2 * a + w;
                }
            }
            out
        };
        const PART: usize = 1 << 18;
        let parts = n.div_ceil(PART).max(1);
        let range = |j: usize| j * PART..((j + 1) * PART).min(n);
        let counts: Vec<[usize; 6]> = (0..parts)
            .into_par_iter()
            .map(|j| {
                let mut c = [0; 6];
                for k in range(j) {
                    for l in lists_of(who(k)) {
                        if let Some(c) = c.get_mut(l) {
                            *c += 1;
                        }
                    }
                }
                c
            })
            .collect();
        let mut lists: [Vec<u32>; 6] =
            std::array::from_fn(|l| vec![0; counts.iter().map(|c| c[l]).sum()]);
        // Each part's slice of each list.
        let mut slices: Vec<Vec<&mut [u32]>> = (0..parts).map(|_| Vec::with_capacity(6)).collect();
        for (l, list) in lists.iter_mut().enumerate() {
            let mut rest = list.as_mut_slice();
            for (j, s) in slices.iter_mut().enumerate() {
                let (mine, after) = std::mem::take(&mut rest).split_at_mut(counts[j][l]);
                s.push(mine);
                rest = after;
            }
        }
        slices.into_par_iter().enumerate().for_each(|(j, mut s)| {
            let mut at = [0; 6];
            for k in range(j) {
                let i = who(k);
                for l in lists_of(i) {
                    if let Some(slot) = s.get_mut(l).and_then(|s| s.get_mut(at[l])) {
                        *slot = i as u32;
                        at[l] += 1;
                    }
                }
            }
        });
        let [a0, a1, p00, p01, p10, p11] = lists;
        Members {
            pair,
            by_arm: [a0, a1],
            present: [[p00, p01], [p10, p11]],
        }
    }
}

/// A domain's values restricted to the participants of one stratum.
#[derive(Clone, Copy)]
struct View<'a> {
    cohort: &'a Cohort,
    members: &'a Members,
}

impl View<'_> {
    /// Non-missing values of `arm` at `wave`, and the count of missing cells.
    fn values(&self, values: &[Vec<f64>; 2], arm: Arm, wave: Wave) -> (Vec<f64>, usize) {
        let list = &self.members.present[arm.index()][wave.index()];
        let col = &values[wave.index()];
        let mut out = Vec::with_capacity(list.len());
        for &i in list {
            let v = col[i as usize];
            if !v.is_nan() {
                out.push(v);
            }
        }
        let missing = list.len() - out.len();
        (out, missing)
    }
    /// (pre, post) of the matched participants, intervention first, and how many
    /// of them are in the intervention arm.
    fn pairs(&self, values: &[Vec<f64>; 2]) -> Pairs {
        let room = self.members.by_arm.iter().map(Vec::len).sum();
        let mut pre = Vec::with_capacity(room);
        let mut post = Vec::with_capacity(room);
        let mut n1 = 0;
        for (a, list) in self.members.by_arm.iter().enumerate() {
            for &i in list {
                let (a, b) = (values[0][i as usize], values[1][i as usize]);
                if !a.is_nan() && !b.is_nan() {
                    pre.push(a);
                    post.push(b);
                }
            }
            if a == Arm::Intervention.index() {
                n1 = pre.len();
            }
        }
        Pairs { pre, post, n1 }
    }
}

/// Matched participants' values of both arms in one pair of vectors (intervention
/// first): ANCOVA takes them as they are.
#[derive(Default)]
struct Pairs {
    pre: Vec<f64>,
    post: Vec<f64>,
    /// Pairs of the intervention arm (the first ones).
    n1: usize,
}

impl Pairs {
    fn of(&self, arm: Arm) -> (&[f64], &[f64]) {
        let n1 = self.n1.min(self.pre.len());
        match arm {
            Arm::Intervention => (&self.pre[..n1], &self.post[..n1]),
            Arm::Control => (&self.pre[n1..], &self.post[n1..]),
        }
    }
}

/// Where gathered values come from: a domain's values, or one level of a
/// categorical domain as 0/1 (made from the domain's gathered values, so a level
/// never needs arrays over every participant).
enum From<'a> {
    Values(&'a [Vec<f64>; 2]),
    Level(&'a Gathered<'a>, usize),
}

/// One set of values gathered for the stratum once: each arm × wave and each arm's
/// pairs, computed when first asked for.
struct Gathered<'a> {
    view: View<'a>,
    from: From<'a>,
    /// By arm and wave: the non-missing values and the count of missing cells.
    x: ByArmWave<(Vec<f64>, usize)>,
    pairs: OnceCell<Pairs>,
    ones: ByArmWave<(usize, usize, usize)>,
    /// Levels of a categorical domain (0 otherwise).
    levels: usize,
    /// Categorical: the count of each level by arm and wave.
    counts: ByArmWave<Counts>,
    /// Categorical, by arm: the matched participants' level table and each
    /// level's 0/1 changes.
    level_pairs: [OnceCell<LevelPairs>; 2],
}

/// One arm × wave of a categorical domain, counted without gathering the values.
struct Counts {
    /// Per level, how many values hold it.
    levels: Vec<usize>,
    /// Non-missing and missing cells.
    n: usize,
    missing: usize,
}

/// One arm's matched participants of a categorical domain, counted once (without
/// gathering their values) for the Stuart–Maxwell test, the transitions and every
/// level's McNemar test and DiD.
#[derive(Default)]
struct LevelPairs {
    /// Matched participants.
    n: usize,
    /// `table[pre level][post level]`.
    table: Vec<Vec<usize>>,
    /// Per level: the moments of its changes (post − pre of "is this level", in
    /// the participants' order: the same bits as gathering them one level at a
    /// time).
    changes: Vec<Moments>,
}

type ByArmWave<T> = [[OnceCell<T>; 2]; 2];

impl LevelPairs {
    /// The table and, per level `l` of `k`, the moments of the changes
    /// `[post == l] − [pre == l]` over the (pre, post) pairs that `pairs` yields,
    /// in their order: bit-equal to gathering each level's changes and taking
    /// [`moments_of`]. Pairs are coded by (pre level, post level) in one byte and
    /// the levels' sums run side by side (up to 15 levels; more take the general
    /// path over gathered pairs).
    fn new<I: Iterator<Item = (f64, f64)>>(k: usize, pairs: impl Fn() -> I) -> Self {
        let mut table = vec![vec![0; k]; k];
        let mut n = 0;
        for (a, b) in pairs() {
            n += 1;
            if let Some(cell) = table
                .get_mut(a as usize)
                .and_then(|r| r.get_mut(b as usize))
            {
                *cell += 1;
            }
        }
        let changes = if k > 15 {
            // Many levels (rare): one level at a time.
            (0..k)
                .map(|l| {
                    let l = l as f64;
                    let change =
                        |(a, b): (f64, f64)| f64::from(i8::from(b == l) - i8::from(a == l));
                    moments_of(|| pairs().map(change), n)
                })
                .collect()
        } else {
            // Level number, or k for a value that is no level.
            let level = |v: f64| {
                // (An integer when it survives the round trip: no call to trunc.)
                if v >= 0.0 && v < k as f64 && (v as usize) as f64 == v {
                    v as usize
                } else {
                    k
                }
            };
            let codes: Vec<u8> = pairs()
                .map(|(a, b)| (level(a) * (k + 1) + level(b)) as u8)
                .collect();
            let mut out = Vec::with_capacity(k);
            if k <= 4 {
                level_chunk::<4>(&codes, k, 0, &mut out);
            } else {
                for from in (0..k).step_by(8) {
                    level_chunk::<8>(&codes, k, from, &mut out);
                }
            }
            out
        };
        LevelPairs { n, table, changes }
    }
}

/// [`LevelPairs::new`]: the changes of levels `from` … `from + K − 1` (those below
/// `k`) from the pairs' codes.
fn level_chunk<const K: usize>(codes: &[u8], k: usize, from: usize, out: &mut Vec<Moments>) {
    let mut rows = [[0.0; K]; 256];
    for (c, row) in rows.iter_mut().enumerate().take((k + 1) * (k + 1)) {
        let (i, j) = (c / (k + 1), c % (k + 1));
        for (o, r) in row.iter_mut().enumerate() {
            let l = from + o;
            *r = f64::from(i8::from(j == l) - i8::from(i == l));
        }
    }
    let m = moments_by_code::<K>(codes, &rows);
    out.extend(m.into_iter().take(k.saturating_sub(from)));
}

fn is_level(v: f64, level: usize) -> f64 {
    f64::from(u8::from(v as usize == level))
}

impl<'a> Gathered<'a> {
    fn new(view: View<'a>, values: &'a [Vec<f64>; 2]) -> Self {
        Self::of(view, From::Values(values))
    }
    fn of(view: View<'a>, from: From<'a>) -> Self {
        Gathered {
            view,
            from,
            x: Default::default(),
            pairs: Default::default(),
            ones: Default::default(),
            levels: 0,
            counts: Default::default(),
            level_pairs: Default::default(),
        }
    }
    /// A categorical domain's values (level numbers 0 … `levels` − 1).
    fn categorical(view: View<'a>, values: &'a [Vec<f64>; 2], levels: usize) -> Self {
        Gathered {
            levels,
            ..Gathered::new(view, values)
        }
    }
    /// Level `level` of a categorical domain as 0/1.
    fn level(parent: &'a Gathered<'a>, level: usize) -> Self {
        Self::of(parent.view, From::Level(parent, level))
    }
    /// Categorical: how many values of `arm` at `wave` hold each level.
    fn counts(&self, arm: Arm, wave: Wave) -> &Counts {
        self.counts[arm.index()][wave.index()].get_or_init(|| {
            let mut c = Counts {
                levels: vec![0; self.levels],
                n: 0,
                missing: 0,
            };
            let list = &self.view.members.present[arm.index()][wave.index()];
            let col = match self.from {
                From::Values(v) => &v[wave.index()][..],
                From::Level(..) => &[],
            };
            for &i in list {
                let Some(&v) = col.get(i as usize) else {
                    continue;
                };
                if v.is_nan() {
                    c.missing += 1;
                } else {
                    c.n += 1;
                    if let Some(slot) = c.levels.get_mut(v as usize) {
                        *slot += 1;
                    }
                }
            }
            c
        })
    }
    /// Categorical: the level table of `arm`'s matched participants and each
    /// level's changes, read from the columns in one pass (no pairs gathered).
    fn level_pairs(&self, arm: Arm) -> &LevelPairs {
        self.level_pairs[arm.index()].get_or_init(|| {
            let From::Values(v) = self.from else {
                return LevelPairs::default();
            };
            let list = &self.view.members.by_arm[arm.index()];
            LevelPairs::new(self.levels, || {
                list.iter().filter_map(|&i| {
                    let (a, b) = (v[0][i as usize], v[1][i as usize]);
                    (!a.is_nan() && !b.is_nan()).then_some((a, b))
                })
            })
        })
    }
    fn values(&self, arm: Arm, wave: Wave) -> (&[f64], usize) {
        let (x, missing) = self.x[arm.index()][wave.index()].get_or_init(|| match self.from {
            From::Values(v) => self.view.values(v, arm, wave),
            From::Level(parent, level) => {
                let (x, missing) = parent.values(arm, wave);
                (x.iter().map(|&v| is_level(v, level)).collect(), missing)
            }
        });
        (x, *missing)
    }
    /// The pairs of both arms, taken out (gathered now if they were not).
    fn take_pairs(&mut self) -> Pairs {
        let _ = self.all_pairs();
        self.pairs.take().unwrap_or_default()
    }

    /// The gathered values of `arm` at `wave`, to reorder in place.
    fn values_mut(&mut self, arm: Arm, wave: Wave) -> &mut [f64] {
        let _ = self.values(arm, wave);
        self.x[arm.index()][wave.index()]
            .get_mut()
            .map(|(x, _)| x.as_mut_slice())
            .unwrap_or_default()
    }

    /// Let the gathered values by arm and wave go (pairs stay).
    fn forget_values(&mut self) {
        self.x = Default::default();
    }

    /// Binary values: (ones, non-missing, missing) of `arm` at `wave`, counted
    /// without gathering the values.
    fn ones(&self, arm: Arm, wave: Wave) -> (usize, usize, usize) {
        *self.ones[arm.index()][wave.index()].get_or_init(|| match self.from {
            From::Values(v) => {
                let list = &self.view.members.present[arm.index()][wave.index()];
                let col = &v[wave.index()];
                let (mut ones, mut n) = (0, 0);
                for &i in list {
                    let x = col[i as usize];
                    n += usize::from(!x.is_nan());
                    ones += usize::from(x == 1.0);
                }
                (ones, n, list.len() - n)
            }
            From::Level(parent, level) => {
                let c = parent.counts(arm, wave);
                (c.levels.get(level).copied().unwrap_or(0), c.n, c.missing)
            }
        })
    }

    /// Binary values of matched participants of `arm`: the paired 2×2 table
    /// ([1→1, 1→0, 0→1, 0→0]) and the changes (post − pre).
    fn binary_pairs(&self, arm: Arm) -> ([usize; 4], Moments) {
        let v = match self.from {
            From::Values(v) => v,
            From::Level(parent, level) => {
                // From the level table: 1 → 1, 1 → other, other → 1, the rest.
                let lp = parent.level_pairs(arm);
                let t = &lp.table;
                let at = |i: usize, j: usize| t.get(i).and_then(|r| r.get(j)).copied();
                let stay1 = at(level, level).unwrap_or(0);
                let down = (0..t.len())
                    .filter(|&j| j != level)
                    .filter_map(|j| at(level, j))
                    .sum();
                let up = (0..t.len())
                    .filter(|&i| i != level)
                    .filter_map(|i| at(i, level))
                    .sum();
                let m = lp.changes.get(level).copied().unwrap_or_default();
                return ([stay1, down, up, m.n.saturating_sub(stay1 + down + up)], m);
            }
        };
        // Changes are −1, 0 or 1: one byte each, summed as the f64 they stand for.
        let pair = |a: bool, b: bool| i8::from(b) - i8::from(a);
        let mut ones_pre = 0;
        let mut changes = Vec::with_capacity(self.view.members.by_arm[arm.index()].len());
        for &i in &self.view.members.by_arm[arm.index()] {
            let (a, b) = (v[0][i as usize], v[1][i as usize]);
            if !a.is_nan() && !b.is_nan() {
                let (a, b) = (a == 1.0, b == 1.0);
                ones_pre += usize::from(a);
                changes.push(pair(a, b));
            }
        }
        // 1 → 0 and 0 → 1 are the changes of −1 and +1; 1 → 1 and 0 → 0 follow.
        let (down, up) = changes.iter().fold((0, 0), |(d, u), &c| {
            (d + usize::from(c < 0), u + usize::from(c > 0))
        });
        let stay1 = ones_pre - down;
        let stay0 = changes.len() - ones_pre - up;
        let m = moments_of(|| changes.iter().map(|&c| f64::from(c)), changes.len());
        ([stay1, down, up, stay0], m)
    }

    fn all_pairs(&self) -> &Pairs {
        self.pairs.get_or_init(|| match self.from {
            From::Values(v) => self.view.pairs(v),
            From::Level(parent, level) => {
                let p = parent.all_pairs();
                let bin = |x: &[f64]| x.iter().map(|&v| is_level(v, level)).collect();
                Pairs {
                    pre: bin(&p.pre),
                    post: bin(&p.post),
                    n1: p.n1,
                }
            }
        })
    }

    fn pairs(&self, arm: Arm) -> (&[f64], &[f64]) {
        self.all_pairs().of(arm)
    }
}

fn row(comparison: &str, method: &'static str, primary: bool, n: usize, r: TestResult) -> TestRow {
    TestRow {
        comparison: comparison.to_string(),
        method,
        primary,
        n,
        estimate: r.estimate.and_then(finite),
        conf_low: r.conf_low.and_then(finite),
        conf_high: r.conf_high.and_then(finite),
        statistic: r.statistic.and_then(finite),
        df: r.df.and_then(finite),
        p_value: r.p_value.and_then(finite),
        p_adjusted: None,
        effect_size: None,
        suppressed: false,
        robust: None,
    }
}

fn effect(name: &'static str, value: Option<f64>, ci: Option<(f64, f64)>) -> Option<EffectSize> {
    let value = value.and_then(finite);
    let ci = ci.filter(|_| value.is_some());
    Some(EffectSize {
        name,
        value,
        conf_low: ci.and_then(|c| finite(c.0)),
        conf_high: ci.and_then(|c| finite(c.1)),
    })
}

fn change_id(arm: Arm) -> String {
    format!("change:{}", arm.name())
}

fn between_id(wave: Wave) -> String {
    format!("between:{}", wave.id())
}

fn proportion(count: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| count as f64 / n as f64)
}

/// A 2×2 comparison of two proportions (x1 of n1 vs x0 of n0): Pearson χ², or
/// Fisher's exact test when an expected count is below 5; Newcombe's CI.
fn two_proportions(
    x1: usize,
    n1: usize,
    x0: usize,
    n0: usize,
    conf: f64,
) -> (&'static str, TestResult) {
    let total = (n1 + n0) as f64;
    let ones = (x1 + x0) as f64;
    let zeros = total - ones;
    let min_expected = [n1 as f64, n0 as f64]
        .iter()
        .flat_map(|&r| [r * ones / total, r * zeros / total])
        .fold(f64::INFINITY, f64::min);
    let estimate = match (proportion(x1, n1), proportion(x0, n0)) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let ci = newcombe_independent(x1, n1, x0, n0, conf);
    let mut r = TestResult {
        estimate,
        conf_low: ci.map(|c| c.0),
        conf_high: ci.map(|c| c.1),
        ..TestResult::default()
    };
    if n1 == 0 || n0 == 0 {
        return ("chi_square", r);
    }
    if min_expected.is_nan() || min_expected < 5.0 {
        r.p_value = Some(fisher_exact_2x2(x1, n1 - x1, x0, n0 - x0));
        ("fisher_exact", r)
    } else {
        let table = vec![
            vec![x1 as f64, (n1 - x1) as f64],
            vec![x0 as f64, (n0 - x0) as f64],
        ];
        if let Some(c) = chi_square(&table) {
            r.statistic = Some(c.statistic);
            r.df = Some(c.df);
            r.p_value = Some(c.p_value);
        }
        ("chi_square", r)
    }
}

struct DomainAnalysis<'a> {
    view: View<'a>,
    conf: f64,
    warnings: Vec<Warning>,
}

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

    fn continuous(&mut self, values: &[Vec<f64>; 2]) -> (Vec<SummaryRow>, Vec<TestRow>) {
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
                let n = changes.iter().map(|c| c.n).sum();
                tests.push(row(
                    "did",
                    "did_welch_t",
                    false,
                    n,
                    welch_t_moments(changes[0], changes[1], conf),
                ));
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

    fn binary(&mut self, g: &Gathered) -> (Vec<SummaryRow>, Vec<TestRow>) {
        let conf = self.conf;
        let mut summary = Vec::new();
        for &arm in self.arms() {
            for &wave in self.waves() {
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
                let n = changes.iter().map(|c| c.n).sum();
                tests.push(row(
                    "did",
                    "did_welch_t",
                    true,
                    n,
                    welch_t_moments(changes[0], changes[1], conf),
                ));
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
    fn categorical(
        &mut self,
        d: &Domain,
    ) -> (
        Vec<SummaryRow>,
        Vec<TestRow>,
        Vec<LevelResult>,
        Option<Transitions>,
    ) {
        let conf = self.conf;
        let k = d.levels.len();
        let values = &d.values;
        let g = Gathered::categorical(self.view, values, k);
        let mut summary = Vec::new();
        for &arm in self.arms() {
            for &wave in self.waves() {
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
            let (summary, mut tests) = self.binary(&Gathered::level(&g, li));
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
    let main = Members::new(cohort, members, [0, k - 1]);
    // More than two waves: each middle wave against the baseline (contract §9).
    let middle: Vec<Members> = (1..k - 1)
        .map(|w| Members::new(cohort, members, [0, w]))
        .collect();
    let results = in_parallel(&cohort.domains, |d| {
        let t0 = std::time::Instant::now();
        let (mut r, mut ws) = analyse_domain(cohort, &main, d, settings, lang);
        let t_main = t0.elapsed().as_secs_f64();
        let t0 = std::time::Instant::now();
        for (j, m) in middle.iter().enumerate() {
            let view = Domain {
                values: [d.values[0].clone(), d.middle[j].clone()],
                middle: Vec::new(),
                ..d.clone_without_values()
            };
            let (mid, mid_ws) = analyse_domain(cohort, m, &view, settings, lang);
            waves::take_middle(&mut r, mid, Wave::Mid((j + 2) as u8));
            let tag = format!("w{}", j + 2);
            ws.extend(mid_ws.into_iter().map(|w| w.within(&tag)));
        }
        let t_mid = t0.elapsed().as_secs_f64();
        if !middle.is_empty() {
            waves::order_summaries(&mut r);
            if d.kind != Kind::Categorical {
                let t0 = std::time::Instant::now();
                let mut across = waves::across(cohort, &main, d);
                let t_across = t0.elapsed().as_secs_f64();
                let t0 = std::time::Instant::now();
                across.extend(waves::trends(cohort, &main, d, settings.conf_level));
                let t_trends = t0.elapsed().as_secs_f64();
                crate::timing::report(|| {
                    format!(
                        "    {}: first and last {t_main:.3} s, middle waves {t_mid:.3} s, across {t_across:.3} s, trends {t_trends:.3} s",
                        d.name
                    )
                });
                ws.extend(untestable_warnings(&d.name, &across));
                r.tests.extend(across);
            }
        }
        (r, ws)
    });
    let mut out = Vec::with_capacity(results.len());
    for (d, ws) in results {
        for w in ws {
            warnings.push(if scope.is_empty() { w } else { w.within(scope) });
        }
        out.push(d);
    }
    adjust_family(&mut out, settings.adjust);
    out
}

/// One domain's summaries and tests, and its warnings.
fn analyse_domain(
    cohort: &Cohort,
    members: &Members,
    d: &Domain,
    settings: Settings,
    lang: &str,
) -> (DomainResult, Vec<Warning>) {
    let mut a = DomainAnalysis {
        view: View { cohort, members },
        conf: settings.conf_level,
        warnings: Vec::new(),
    };
    let (summary, mut tests, mut per_level, transitions) = match d.kind {
        Kind::Continuous => {
            let (s, t) = a.continuous(&d.values);
            (s, t, Vec::new(), None)
        }
        Kind::Binary => {
            let (s, t) = a.binary(&Gathered::new(a.view, &d.values));
            (s, t, Vec::new(), None)
        }
        Kind::Categorical => a.categorical(d),
    };
    // Clustered and adjusted models (contract §8).
    let mut clustering = None;
    if let Some(models) = clustered::Models::new(cohort, members, settings.conf_level) {
        let mut notes = Vec::new();
        match d.kind {
            Kind::Continuous | Kind::Binary => {
                let value = |i: u32, w: usize| d.values[w][i as usize];
                models.add_tests(value, &mut tests, &mut notes);
                clustering = models.clustering(&d.values);
            }
            Kind::Categorical => {
                let mut level_tests: Vec<_> = per_level.iter_mut().map(|l| &mut l.tests).collect();
                models.add_level_tests(&d.values, &mut level_tests, &mut notes);
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
    let mut domains = analyse_group(cohort, None, settings, lang, &mut warnings, "");
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
            attrition: attrition(cohort),
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
        balance: balance::balance(cohort, settings.conf_level),
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
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_pair_changes_are_bit_equal_to_each_level_gathered_alone() {
        // Level numbers with values that are no level (7, 0.5, −1) and −0.0.
        let mut pre = Vec::new();
        let mut post = Vec::new();
        let mut x: u64 = 12345;
        for _ in 0..997 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            pre.push(((x >> 33) % 19) as f64);
            post.push(((x >> 45) % 19) as f64);
        }
        pre.extend([7.0, 0.5, -0.0, -1.0, 2.0]);
        post.extend([0.5, 1.0, 0.0, 3.0, -0.0]);
        for k in [1, 2, 3, 4, 5, 8, 9, 15, 16, 20] {
            for n in [0, 1, 2, 17, pre.len()] {
                let got = LevelPairs::new(k, || {
                    pre[..n].iter().copied().zip(post[..n].iter().copied())
                })
                .changes;
                assert_eq!(got.len(), k);
                let lp = LevelPairs::new(k, || {
                    pre[..n].iter().copied().zip(post[..n].iter().copied())
                });
                assert_eq!(lp.n, n);
                let mut table = vec![vec![0; k]; k];
                for (&a, &b) in pre[..n].iter().zip(&post[..n]) {
                    if (a as usize) < k && (b as usize) < k {
                        table[a as usize][b as usize] += 1;
                    }
                }
                assert_eq!(lp.table, table);
                for (l, g) in got.iter().enumerate() {
                    let lf = l as f64;
                    let alone: Vec<f64> = (0..n)
                        .map(|i| f64::from(i8::from(post[i] == lf) - i8::from(pre[i] == lf)))
                        .collect();
                    let want = moments_of(|| alone.iter().copied(), n);
                    assert_eq!(g.n, want.n, "k {k} n {n} level {l}");
                    assert_eq!(g.mean.map(f64::to_bits), want.mean.map(f64::to_bits));
                    assert_eq!(g.var.map(f64::to_bits), want.var.map(f64::to_bits));
                }
            }
        }
    }
}
