//! More than two waves (contract §9): the results of a middle wave against the
//! baseline join the domain's, under the middle wave's ids.

use crate::cohort::{Cohort, Wave};
use crate::results::{DomainResult, SummaryRow, TestRow, WaveInfo};
use crate::stats::repeated::{CochranQ, Friedman, RepeatedTest};
use crate::stats::robust::{Cr2Fit, Pick};

/// `input.waves`: every wave's id and label (and time, with more than two).
pub(super) fn infos(cohort: &Cohort) -> Vec<WaveInfo> {
    let k = cohort.wave_labels.len();
    // A post-only design's one wave is `post`; two waves are `pre` and `post`.
    let single = k == 1 && cohort.waves.first() == Some(&Wave::Post);
    cohort
        .wave_labels
        .iter()
        .enumerate()
        .map(|(w, label)| WaveInfo {
            id: wave_of(w, k, single).id(),
            label: label.clone(),
            display: cohort.labels.display.wave(wave_of(w, k, single)).cloned(),
            time: (k > 2).then(|| cohort.times.get(w).copied()).flatten(),
        })
        .collect()
}

/// The wave at index `w` of `k` in order.
pub(super) fn wave_of(w: usize, k: usize, single: bool) -> Wave {
    if w == 0 && !single {
        Wave::Pre
    } else if w + 1 == k {
        Wave::Post
    } else {
        Wave::Mid((w + 1) as u8)
    }
}

/// A comparison of the baseline with the later wave of a pair, renamed for the
/// middle wave `wave` (`change:<arm>@w<k>`, `between:w<k>`, `did@w<k>`); None for
/// the baseline's own comparison (`between:pre`), which the main pair already has.
fn renamed(comparison: &str, wave: Wave) -> Option<String> {
    let id = wave.id();
    match comparison {
        "between:pre" => None,
        "between:post" => Some(format!("between:{id}")),
        c => Some(format!("{c}@{id}")),
    }
}

/// The later wave's summary rows, as the middle wave's.
fn later_rows(rows: Vec<SummaryRow>, wave: Wave) -> impl Iterator<Item = SummaryRow> {
    rows.into_iter()
        .filter(|r| r.wave == Wave::Post)
        .map(move |mut r| {
            r.wave = wave;
            r
        })
}

fn tests_of(tests: Vec<TestRow>, wave: Wave) -> impl Iterator<Item = TestRow> {
    tests.into_iter().filter_map(move |mut t| {
        t.comparison = renamed(&t.comparison, wave)?;
        Some(t)
    })
}

/// Take the summaries and tests of `mid` (the baseline against `wave`) into `r`.
pub(super) fn take_middle(r: &mut DomainResult, mid: DomainResult, wave: Wave) {
    r.summary.extend(later_rows(mid.summary, wave));
    r.tests.extend(tests_of(mid.tests, wave));
    for (level, m) in r.per_level.iter_mut().zip(mid.per_level) {
        level.summary.extend(later_rows(m.summary, wave));
        level.tests.extend(tests_of(m.tests, wave));
    }
}

/// Summary rows by arm, then wave in order (pre, w2, …, post).
pub(super) fn order_summaries(r: &mut DomainResult) {
    r.summary.sort_by_key(|s| (s.group, s.wave));
    for l in &mut r.per_level {
        l.summary.sort_by_key(|s| (s.group, s.wave));
    }
}

/// The values of wave `w` (of `k`) of a domain.
pub(super) fn column(d: &crate::cohort::Domain, w: usize, k: usize) -> &[f64] {
    if w == 0 {
        &d.values[0]
    } else if w + 1 == k {
        &d.values[1]
    } else {
        &d.middle[w - 1]
    }
}

/// Trends across every wave (contract §9): per arm, the slope of y on time over
/// every (participant, wave) value of the arm; and the difference of the arms'
/// slopes (arm·time in y ~ 1 + arm + time + arm·time). OLS with CR2 by cluster
/// (`--cluster`'s, else each participant) and Satterthwaite df; no covariates.
/// Both arms' fits come from one reading of the values; when every cluster
/// lies in one arm (always, with participants as clusters) the difference is
/// derived from them (`stats::robust::difference`, the same test), else the
/// joint model is fitted.
///
/// Returned with the tests across the waves ([`across`]): the `waves:<arm>`
/// rows, then the `trend:*` rows. With each participant its own cluster (no
/// `--cluster`), the across-waves sums ride on the trends' reading of the
/// values (`cr2_schedule_riding`): one reading, not two.
pub(super) fn across_and_trends(
    cohort: &Cohort,
    members: &super::gather::Members,
    d: &crate::cohort::Domain,
    conf: f64,
) -> (Vec<TestRow>, Vec<TestRow>) {
    let slopes = Slopes::new(cohort, members, d);
    let (fits, across_sums) = slopes.per_arm();
    let across_rows = match across_sums {
        Some(sums) => cohort
            .arms
            .iter()
            .zip(sums)
            .map(|(&arm, s)| across_row(arm, d.kind, s.finish()))
            .collect(),
        None => across(cohort, members, d),
    };
    (across_rows, trend_rows(cohort, &slopes, &fits, d, conf))
}

/// The `trend:*` rows from each arm's fit (in `cohort.arms` order).
fn trend_rows(
    cohort: &Cohort,
    slopes: &Slopes,
    fits: &[Option<Cr2Fit>],
    d: &crate::cohort::Domain,
    conf: f64,
) -> Vec<TestRow> {
    use crate::cohort::Arm;
    let k = cohort.wave_count();
    // The data's scale, for estimates and standard errors 0 up to rounding.
    let scale = || {
        (0..k)
            .flat_map(|w| column(d, w, k).iter())
            .filter(|v| v.is_finite())
            .fold(0.0_f64, |m, v| m.max(v.abs()))
    };
    let row = |id: String, fit: Option<&Cr2Fit>, coef: usize, participants: usize| {
        slope_row(id, fit, coef, participants, conf, &scale)
    };
    // Each arm's participants with a value: without `--cluster` they are the
    // fit's clusters.
    let counts: Vec<usize> = [0, 1]
        .iter()
        .map(|&a| {
            let fit = cohort.arms.iter().position(|arm| arm.index() == a);
            match fit.and_then(|m| fits[m].as_ref()) {
                Some(f) if !slopes.clustered => f.clusters,
                _ => slopes.participants(a),
            }
        })
        .collect();
    let mut out = Vec::new();
    for (m, &arm) in cohort.arms.iter().enumerate() {
        let n = counts[arm.index()];
        out.push(row(format!("trend:{}", arm.name()), fits[m].as_ref(), 1, n));
    }
    if cohort.arms.len() == 2 {
        // Intervention minus control.
        let of = |arm: Arm| {
            let m = cohort.arms.iter().position(|&a| a == arm)?;
            fits[m].as_ref()
        };
        let derived = match (of(Arm::Control), of(Arm::Intervention)) {
            (Some(c), Some(i)) if slopes.nested() => crate::stats::robust::difference(c, i, 1),
            _ => None,
        };
        let n = counts[0] + counts[1];
        let id = "trend:difference".to_string();
        out.push(match derived {
            Some(f) => row(id, Some(&f), 0, n),
            None => row(id, slopes.joint().as_ref(), 3, n),
        });
    }
    out
}

/// A `slope` row from coefficient `coef` of a fit (None: nothing estimable).
fn slope_row(
    id: String,
    fit: Option<&Cr2Fit>,
    coef: usize,
    participants: usize,
    conf: f64,
    scale: &dyn Fn() -> f64,
) -> TestRow {
    use crate::results::RobustFields;
    let (result, se, clusters) = match fit {
        Some(f) => {
            let t = f.test(coef, conf);
            (t.result(), t.se, f.clusters)
        }
        None => (Default::default(), None, 0),
    };
    let (result, se) = super::clustered::snap_untestable(result, se, scale);
    let mut t = super::rows::row(&id, "slope", true, participants, result);
    t.robust = Some(RobustFields {
        se: se.and_then(crate::stats::finite),
        se_type: "CR2",
        clusters,
        covariates: Vec::new(),
    });
    t
}

/// One domain's values for the trend models: each arm's participants (in the
/// order of `members`), their clusters and the waves' times.
struct Slopes<'a> {
    cohort: &'a Cohort,
    d: &'a crate::cohort::Domain,
    k: usize,
    /// Per arm (by `Arm::index`): the participants.
    lists: [&'a [u32]; 2],
    clustered: bool,
}

impl<'a> Slopes<'a> {
    fn new(
        cohort: &'a Cohort,
        members: &'a super::gather::Members,
        d: &'a crate::cohort::Domain,
    ) -> Self {
        Slopes {
            cohort,
            d,
            k: cohort.wave_count(),
            lists: [&members.by_arm[0], &members.by_arm[1]],
            clustered: cohort.clusters.is_some(),
        }
    }

    fn time(&self, w: usize) -> f64 {
        self.cohort.times.get(w).copied().unwrap_or(w as f64)
    }

    /// Participant `i`'s value at wave `w` and its cluster (its position `s`
    /// in its arm's list without `--cluster`), if it is in the models.
    #[inline]
    fn value(&self, i: u32, s: usize, w: usize) -> Option<(u32, f64)> {
        let p = &self.cohort.participants[i as usize];
        if p.seen & (1 << w) == 0 {
            return None;
        }
        let v = column(self.d, w, self.k)[i as usize];
        if v.is_nan() {
            return None;
        }
        let cluster = if self.clustered { p.cluster? } else { s as u32 };
        Some((cluster, v))
    }

    /// Participants of arm `a` with at least one value in the models.
    fn participants(&self, a: usize) -> usize {
        let k = self.k;
        self.lists[a]
            .iter()
            .enumerate()
            .filter(|&(s, &i)| (0..k).any(|w| self.value(i, s, w).is_some()))
            .count()
    }

    /// The clusters' bound: every cluster index is below it.
    fn bound(&self, joint: bool) -> usize {
        match &self.cohort.clusters {
            Some(c) => c.values.len(),
            None if joint => self.lists[0].len() + self.lists[1].len(),
            None => self.lists[0].len().max(self.lists[1].len()),
        }
    }

    /// y ~ 1 + time for each arm of the cohort (in `cohort.arms` order): with
    /// each participant its own cluster, from each pattern of visits
    /// (`cr2_schedule_riding`: every participant has the same row of X at a
    /// wave), with each arm's across-waves sums from the same reading (None
    /// when the values were not read so); with `--cluster`, both in one
    /// reading of the values.
    fn per_arm(&self) -> (Vec<Option<Cr2Fit>>, Option<Vec<AcrossSums>>) {
        let k = self.k;
        let arms: Vec<usize> = self.cohort.arms.iter().map(|a| a.index()).collect();
        if !self.clustered {
            // A missing value or a wave not seen is NaN (`cohort::Domain`).
            let cols: Vec<&[f64]> = (0..k).map(|w| column(self.d, w, k)).collect();
            let design: Vec<Vec<f64>> = (0..k).map(|w| vec![1.0, self.time(w)]).collect();
            let kind = self.d.kind;
            let fit = |a: usize| {
                let list = self.lists[a];
                let (fit, riders) = crate::stats::robust::cr2_schedule_riding(
                    list.len(),
                    &design,
                    |s, w| {
                        let y = *cols.get(w)?.get(*list.get(s)? as usize)?;
                        (!y.is_nan()).then_some(y)
                    },
                    || AcrossSums::new(kind, k),
                    |sums, row| sums.add(row),
                );
                // The parts' sums, added in order (integers: exact).
                let sums = riders.and_then(|parts| {
                    parts.into_iter().reduce(|mut a, b| {
                        a.merge(&b);
                        a
                    })
                });
                (fit, sums)
            };
            let (fits, sums): (Vec<_>, Vec<_>) = arms.iter().map(|&a| fit(a)).unzip();
            // Every arm's sums, or none (then the values are read apart).
            let sums = sums.into_iter().collect::<Option<Vec<_>>>();
            return (fits, sums);
        }
        let longest = arms.iter().map(|&a| self.lists[a].len()).max().unwrap_or(0);
        let ps = vec![2; arms.len()];
        let fits =
            crate::stats::robust::cr2_many(longest * k, &ps, self.bound(false), |r, m, buf| {
                let (s, w) = (r / k, r % k);
                let Some(&i) = self.lists[arms[m]].get(s) else {
                    return Pick::Out;
                };
                match self.value(i, s, w) {
                    Some((cluster, y)) => {
                        buf[0] = 1.0;
                        buf[1] = self.time(w);
                        Pick::In(cluster, y)
                    }
                    None => Pick::Out,
                }
            })
            .into_iter()
            .map(|(fit, _)| fit)
            .collect();
        (fits, None)
    }

    /// Whether every cluster's participants are of one arm.
    fn nested(&self) -> bool {
        let Some(c) = &self.cohort.clusters else {
            return true;
        };
        let mut arm_of = vec![0u8; c.values.len()];
        for (a, list) in self.lists.iter().enumerate() {
            for &i in list.iter() {
                if let Some(j) = self.cohort.participants[i as usize].cluster
                    && let Some(seen) = arm_of.get_mut(j as usize)
                {
                    *seen |= 1 << a;
                }
            }
        }
        arm_of.iter().all(|&s| s != 3)
    }

    /// y ~ 1 + arm + time + arm·time over both arms.
    fn joint(&self) -> Option<Cr2Fit> {
        use crate::cohort::Arm;
        let k = self.k;
        let n0 = self.lists[0].len();
        let fits = crate::stats::robust::cr2_many(
            (n0 + self.lists[1].len()) * k,
            &[4],
            self.bound(true),
            |r, _, buf| {
                let (s, w) = (r / k, r % k);
                let i = if s < n0 {
                    self.lists[0][s]
                } else {
                    self.lists[1][s - n0]
                };
                match self.value(i, s, w) {
                    Some((cluster, y)) => {
                        let a = f64::from(u8::from(
                            self.cohort.participants[i as usize].arm == Arm::Intervention,
                        ));
                        let t = self.time(w);
                        buf.copy_from_slice(&[1.0, a, t, a * t]);
                        Pick::In(cluster, y)
                    }
                    None => Pick::Out,
                }
            },
        );
        fits.into_iter().next().and_then(|(fit, _)| fit)
    }
}

/// Across every wave (contract §9): Friedman's test (continuous) or Cochran's Q
/// (binary) per arm, on the participants with a value at every wave: each one's
/// K values read into one small row and given to the test as they come (one
/// pass, nothing gathered).
fn across(
    cohort: &Cohort,
    members: &super::gather::Members,
    d: &crate::cohort::Domain,
) -> Vec<TestRow> {
    let k = cohort.wave_count();
    if d.kind == crate::cohort::Kind::Categorical {
        return Vec::new();
    }
    let columns: Vec<&[f64]> = (0..k).map(|w| column(d, w, k)).collect();
    // The complete rows of the participants in `list`, each given to `add`.
    fn each_row(cohort: &Cohort, columns: &[&[f64]], list: &[u32], mut add: impl FnMut(&[f64])) {
        let every = (0..columns.len()).fold(0u32, |m, w| m | 1 << w);
        let mut row = vec![0.0; columns.len()];
        for &i in list {
            if cohort.participants[i as usize].seen & every != every {
                continue;
            }
            let mut complete = true;
            for (r, c) in row.iter_mut().zip(columns) {
                *r = c.get(i as usize).copied().unwrap_or(f64::NAN);
                complete &= !r.is_nan();
            }
            if complete {
                add(&row);
            }
        }
    }
    cohort
        .arms
        .iter()
        .map(|&arm| {
            let list = &members.by_arm[arm.index()];
            let mut sums = AcrossSums::new(d.kind, k);
            each_row(cohort, &columns, list, |row| sums.add(row));
            across_row(arm, d.kind, sums.finish())
        })
        .collect()
}

/// The `waves:<arm>` row of a test across the waves.
fn across_row(arm: crate::cohort::Arm, kind: crate::cohort::Kind, r: RepeatedTest) -> TestRow {
    let method = match kind {
        crate::cohort::Kind::Binary => "cochran_q",
        _ => "friedman",
    };
    super::rows::row(
        &format!("waves:{}", arm.name()),
        method,
        true,
        r.n,
        r.result,
    )
}

/// Friedman's test (continuous) or Cochran's Q (binary) as complete rows come.
enum AcrossSums {
    Friedman(Friedman),
    CochranQ(CochranQ),
}

impl AcrossSums {
    fn new(kind: crate::cohort::Kind, k: usize) -> Self {
        match kind {
            crate::cohort::Kind::Binary => AcrossSums::CochranQ(CochranQ::new(k)),
            _ => AcrossSums::Friedman(Friedman::new(k)),
        }
    }
    fn add(&mut self, row: &[f64]) {
        match self {
            AcrossSums::Friedman(f) => f.add(row),
            AcrossSums::CochranQ(q) => q.add(row),
        }
    }
    fn merge(&mut self, o: &AcrossSums) {
        match (self, o) {
            (AcrossSums::Friedman(a), AcrossSums::Friedman(b)) => a.merge(b),
            (AcrossSums::CochranQ(a), AcrossSums::CochranQ(b)) => a.merge(b),
            _ => {}
        }
    }
    fn finish(&self) -> RepeatedTest {
        match self {
            AcrossSums::Friedman(f) => f.finish(),
            AcrossSums::CochranQ(q) => q.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_comparisons_take_the_wave_id() {
        let w = Wave::Mid(3);
        assert_eq!(renamed("between:post", w).as_deref(), Some("between:w3"));
        assert_eq!(renamed("between:pre", w), None);
        assert_eq!(
            renamed("change:intervention", w).as_deref(),
            Some("change:intervention@w3")
        );
        assert_eq!(renamed("did", w).as_deref(), Some("did@w3"));
        assert!(
            Wave::Pre < Wave::Mid(2) && Wave::Mid(2) < Wave::Mid(3) && Wave::Mid(9) < Wave::Post
        );
    }
}
