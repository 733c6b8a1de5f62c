//! Who is compared and their values: the participants of one stratum by arm and
//! by wave seen ([`Members`]), and one domain's values gathered once for them
//! ([`Gathered`]): by arm × wave, the matched pairs, a categorical domain's level
//! counts and level tables, and each level as 0/1 — each computed when first asked for.

use crate::cohort::{Arm, Cohort, Wave};
use crate::stats::describe::{Moments, moments_by_code, moments_of};
use rayon::prelude::*;
use std::cell::OnceCell;
use std::sync::Arc;

/// The participants of one stratum, split by arm and by wave seen, so that each
/// domain's values are gathered without scanning everyone again.
pub(super) struct Members {
    /// The two waves compared (indices into every wave, in order).
    pub(super) pair: [usize; 2],
    /// `by_arm[arm]`: participants of the arm.
    pub(super) by_arm: [Arc<Vec<u32>>; 2],
    /// `present[arm][wave]`: participants of the arm with a row at the wave.
    pub(super) present: [[Arc<Vec<u32>>; 2]; 2],
}

impl Members {
    /// The members of each pair of waves: the lists of `members` (everyone when
    /// None), in participant order, made once for all pairs (a middle wave's
    /// arms and baseline are the main pair's): counted, then filled, in
    /// contiguous parts on every core (each part writes its own slice of each
    /// list, so the lists are the same as from one pass).
    pub(super) fn for_pairs(
        cohort: &Cohort,
        members: Option<&[usize]>,
        pairs: &[[usize; 2]],
    ) -> Vec<Self> {
        let mut waves: Vec<usize> = pairs.iter().flatten().copied().collect();
        waves.sort_unstable();
        waves.dedup();
        // Lists 0, 1: by arm; 2 + 2 × (place of the wave in `waves`) + arm: present.
        let lists = 2 + 2 * waves.len();
        let n = members.map_or(cohort.participants.len(), <[usize]>::len);
        let who = |k: usize| members.map_or(k, |m| m[k]);
        // The lists participant i belongs to, each given to `to`.
        #[inline]
        fn lists_of(cohort: &Cohort, waves: &[usize], i: usize, mut to: impl FnMut(usize)) {
            let p = &cohort.participants[i];
            let a = p.arm.index();
            to(a);
            for (j, &w) in waves.iter().enumerate() {
                if p.seen & (1 << w) != 0 {
                    to(2 + 2 * j + a);
                }
            }
        }
        const PART: usize = 1 << 18;
        let parts = n.div_ceil(PART).max(1);
        let range = |j: usize| j * PART..((j + 1) * PART).min(n);
        let counts: Vec<Vec<usize>> = (0..parts)
            .into_par_iter()
            .map(|j| {
                let mut c = vec![0; lists];
                for k in range(j) {
                    lists_of(cohort, &waves, who(k), |l| c[l] += 1);
                }
                c
            })
            .collect();
        let mut filled: Vec<Vec<u32>> = (0..lists)
            .map(|l| vec![0; counts.iter().map(|c| c[l]).sum()])
            .collect();
        // Each part's slice of each list.
        let mut slices: Vec<Vec<&mut [u32]>> =
            (0..parts).map(|_| Vec::with_capacity(lists)).collect();
        for (l, list) in filled.iter_mut().enumerate() {
            let mut rest = list.as_mut_slice();
            for (j, s) in slices.iter_mut().enumerate() {
                let (mine, after) = std::mem::take(&mut rest).split_at_mut(counts[j][l]);
                s.push(mine);
                rest = after;
            }
        }
        slices.into_par_iter().enumerate().for_each(|(j, mut s)| {
            let mut at = vec![0; lists];
            for k in range(j) {
                let i = who(k);
                lists_of(cohort, &waves, i, |l| {
                    if let Some(slot) = s.get_mut(l).and_then(|s| s.get_mut(at[l])) {
                        *slot = i as u32;
                        at[l] += 1;
                    }
                });
            }
        });
        let filled: Vec<Arc<Vec<u32>>> = filled.into_iter().map(Arc::new).collect();
        let present = |a: usize, w: usize| {
            let j = waves.iter().position(|&x| x == w).unwrap_or(0);
            filled[2 + 2 * j + a].clone()
        };
        pairs
            .iter()
            .map(|&pair| Members {
                pair,
                by_arm: [filled[0].clone(), filled[1].clone()],
                present: [
                    [present(0, pair[0]), present(0, pair[1])],
                    [present(1, pair[0]), present(1, pair[1])],
                ],
            })
            .collect()
    }
}

/// A domain's values restricted to the participants of one stratum.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub(super) cohort: &'a Cohort,
    pub(super) members: &'a Members,
}

impl View<'_> {
    /// Non-missing values of `arm` at `wave`, and the count of missing cells.
    fn values(&self, values: [&[f64]; 2], arm: Arm, wave: Wave) -> (Vec<f64>, usize) {
        let list = &self.members.present[arm.index()][wave.index()];
        let col = &values[wave.index()];
        let mut out = Vec::with_capacity(list.len());
        for &i in list.iter() {
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
    fn pairs(&self, values: [&[f64]; 2]) -> Pairs {
        let room = self.members.by_arm.iter().map(|l| l.len()).sum();
        let mut pre = Vec::with_capacity(room);
        let mut post = Vec::with_capacity(room);
        let mut n1 = 0;
        for (a, list) in self.members.by_arm.iter().enumerate() {
            for &i in list.iter() {
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
pub(super) struct Pairs {
    pub(super) pre: Vec<f64>,
    pub(super) post: Vec<f64>,
    /// Pairs of the intervention arm (the first ones).
    pub(super) n1: usize,
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
    Values([&'a [f64]; 2]),
    Level(&'a Gathered<'a>, usize),
}

/// One set of values gathered for the stratum once: each arm × wave and each arm's
/// pairs, computed when first asked for.
pub(super) struct Gathered<'a> {
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
pub(super) struct Counts {
    /// Per level, how many values hold it.
    pub(super) levels: Vec<usize>,
    /// Non-missing and missing cells.
    pub(super) n: usize,
    pub(super) missing: usize,
}

/// One arm's matched participants of a categorical domain, counted once (without
/// gathering their values) for the Stuart–Maxwell test, the transitions and every
/// level's McNemar test and DiD.
#[derive(Default)]
pub(super) struct LevelPairs {
    /// Matched participants.
    pub(super) n: usize,
    /// `table[pre level][post level]`.
    pub(super) table: Vec<Vec<usize>>,
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
    /// [`moments_of`]. Pairs are coded by (pre level, post level) in one byte,
    /// in one reading of the pairs (the table is the codes counted), and the
    /// levels' sums run side by side (up to 15 levels; more take the general
    /// path over the pairs read again).
    fn new<I: Iterator<Item = (f64, f64)>>(k: usize, pairs: impl Fn() -> I) -> Self {
        let mut table = vec![vec![0; k]; k];
        // A pair's cell of the table: its values truncated to level numbers.
        let count = |table: &mut Vec<Vec<usize>>, a: f64, b: f64| {
            if let Some(cell) = table
                .get_mut(a as usize)
                .and_then(|r| r.get_mut(b as usize))
            {
                *cell += 1;
            }
        };
        if k > 15 {
            // Many levels (rare): the table, then one level at a time.
            let mut n = 0;
            for (a, b) in pairs() {
                n += 1;
                count(&mut table, a, b);
            }
            let changes = (0..k)
                .map(|l| {
                    let l = l as f64;
                    let change =
                        |(a, b): (f64, f64)| f64::from(i8::from(b == l) - i8::from(a == l));
                    moments_of(|| pairs().map(change), n)
                })
                .collect();
            return LevelPairs { n, table, changes };
        }
        // Level number, or k for a value that is no level (an integer when it
        // survives the round trip through i32: no call to trunc).
        let level = |v: f64| {
            let l = v as i32;
            if f64::from(l) == v && (0..k as i32).contains(&l) {
                l as usize
            } else {
                k
            }
        };
        // One pass: each pair's code, counted; pairs with a value that is no
        // level (never from a categorical column) go to the table one by one.
        let mut codes: Vec<u8> = Vec::new();
        let mut by_code = [0usize; 256];
        for (a, b) in pairs() {
            let (la, lb) = (level(a), level(b));
            if la == k || lb == k {
                count(&mut table, a, b);
            }
            let c = (la * (k + 1) + lb) as u8;
            by_code[c as usize] += 1;
            codes.push(c);
        }
        for (i, row) in table.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell += by_code[i * (k + 1) + j];
            }
        }
        let mut changes = Vec::with_capacity(k);
        if k <= 4 {
            level_chunk::<4>(&codes, k, 0, &mut changes);
        } else {
            for from in (0..k).step_by(8) {
                level_chunk::<8>(&codes, k, from, &mut changes);
            }
        }
        LevelPairs {
            n: codes.len(),
            table,
            changes,
        }
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
    pub(super) fn new(view: View<'a>, values: [&'a [f64]; 2]) -> Self {
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
    pub(super) fn categorical(view: View<'a>, values: [&'a [f64]; 2], levels: usize) -> Self {
        Gathered {
            levels,
            ..Gathered::new(view, values)
        }
    }
    /// Level `level` of a categorical domain as 0/1.
    pub(super) fn level(parent: &'a Gathered<'a>, level: usize) -> Self {
        Self::of(parent.view, From::Level(parent, level))
    }
    /// Categorical: how many values of `arm` at `wave` hold each level.
    pub(super) fn counts(&self, arm: Arm, wave: Wave) -> &Counts {
        self.counts[arm.index()][wave.index()].get_or_init(|| {
            let mut c = Counts {
                levels: vec![0; self.levels],
                n: 0,
                missing: 0,
            };
            let list = &self.view.members.present[arm.index()][wave.index()];
            let col = match self.from {
                From::Values(v) => v[wave.index()],
                From::Level(..) => &[],
            };
            for &i in list.iter() {
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
    pub(super) fn level_pairs(&self, arm: Arm) -> &LevelPairs {
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
    pub(super) fn values(&self, arm: Arm, wave: Wave) -> (&[f64], usize) {
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
    pub(super) fn take_pairs(&mut self) -> Pairs {
        let _ = self.all_pairs();
        self.pairs.take().unwrap_or_default()
    }

    /// The gathered values of `arm` at `wave`, to reorder in place.
    pub(super) fn values_mut(&mut self, arm: Arm, wave: Wave) -> &mut [f64] {
        let _ = self.values(arm, wave);
        self.x[arm.index()][wave.index()]
            .get_mut()
            .map(|(x, _)| x.as_mut_slice())
            .unwrap_or_default()
    }

    /// Let the gathered values by arm and wave go (pairs stay).
    pub(super) fn forget_values(&mut self) {
        self.x = Default::default();
    }

    /// Binary values: (ones, non-missing, missing) of `arm` at `wave`, counted
    /// without gathering the values.
    pub(super) fn ones(&self, arm: Arm, wave: Wave) -> (usize, usize, usize) {
        *self.ones[arm.index()][wave.index()].get_or_init(|| match self.from {
            From::Values(v) => {
                let list = &self.view.members.present[arm.index()][wave.index()];
                let col = &v[wave.index()];
                let (mut ones, mut n) = (0, 0);
                for &i in list.iter() {
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
    pub(super) fn binary_pairs(&self, arm: Arm) -> ([usize; 4], Moments) {
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
        for &i in self.view.members.by_arm[arm.index()].iter() {
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

    pub(super) fn pairs(&self, arm: Arm) -> (&[f64], &[f64]) {
        self.all_pairs().of(arm)
    }
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
