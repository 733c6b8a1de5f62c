//! More than two waves (contract §9): the results of a middle wave against the
//! baseline join the domain's, under the middle wave's ids.

use crate::cohort::{Cohort, Wave};
use crate::results::{DomainResult, SummaryRow, TestRow, WaveInfo};

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
pub(super) fn trends(
    cohort: &Cohort,
    members: &super::Members,
    d: &crate::cohort::Domain,
    conf: f64,
) -> Vec<TestRow> {
    use crate::cohort::Arm;
    use crate::results::RobustFields;
    let k = cohort.wave_count();
    let times = &cohort.times;
    let clustered = cohort.clusters.is_some();
    // Every (participant, wave) with a value, by arm.
    let rows_of = |list: &[u32]| -> Vec<(u32, usize)> {
        let mut rows = Vec::new();
        for &i in list {
            let p = &cohort.participants[i as usize];
            if clustered && p.cluster.is_none() {
                continue;
            }
            for w in 0..k {
                if p.seen & (1 << w) != 0 && !column(d, w, k)[i as usize].is_nan() {
                    rows.push((i, w));
                }
            }
        }
        rows
    };
    let cluster_of = |i: u32| {
        if clustered {
            cohort.participants[i as usize].cluster.unwrap_or(u32::MAX)
        } else {
            i
        }
    };
    // The data's scale, for estimates and standard errors 0 up to rounding.
    let scale = (0..k)
        .flat_map(|w| column(d, w, k).iter())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let fit = |id: String, rows: Vec<(u32, usize)>, both: bool| -> TestRow {
        let cl: Vec<u32> = rows.iter().map(|r| cluster_of(r.0)).collect();
        let p = if both { 4 } else { 2 };
        let f = crate::stats::robust::cr2_rows(rows.len(), p, &cl, |r, buf| {
            let (i, w) = rows[r];
            let t = times.get(w).copied().unwrap_or(w as f64);
            buf[0] = 1.0;
            if both {
                let a = f64::from(u8::from(
                    cohort.participants[i as usize].arm == Arm::Intervention,
                ));
                buf[1] = a;
                buf[2] = t;
                buf[3] = a * t;
            } else {
                buf[1] = t;
            }
            column(d, w, k)[i as usize]
        });
        let coef = if both { 3 } else { 1 };
        let (result, se, clusters) = match &f {
            Some(f) => {
                let t = f.test(coef, conf);
                (t.result(), t.se, f.clusters)
            }
            None => (Default::default(), None, 0),
        };
        let (result, se) = super::clustered::snap_untestable(result, se, || scale);
        let mut participants: Vec<u32> = rows.iter().map(|r| r.0).collect();
        participants.dedup();
        let mut t = super::row(&id, "slope", true, participants.len(), result);
        t.robust = Some(RobustFields {
            se: se.and_then(crate::stats::finite),
            se_type: "CR2",
            clusters,
            covariates: Vec::new(),
        });
        t
    };
    let mut out = Vec::new();
    for &arm in &cohort.arms {
        let rows = rows_of(&members.by_arm[arm.index()]);
        out.push(fit(format!("trend:{}", arm.name()), rows, false));
    }
    if cohort.arms.len() == 2 {
        let mut rows = rows_of(&members.by_arm[0]);
        rows.extend(rows_of(&members.by_arm[1]));
        out.push(fit("trend:difference".to_string(), rows, true));
    }
    out
}

/// Across every wave (contract §9): Friedman's test (continuous) or Cochran's Q
/// (binary) per arm, on the participants with a value at every wave.
pub(super) fn across(
    cohort: &Cohort,
    members: &super::Members,
    d: &crate::cohort::Domain,
) -> Vec<TestRow> {
    use crate::cohort::Kind;
    use crate::stats::repeated::{cochran_q, friedman};
    let k = cohort.wave_count();
    type Test = fn(&[&[f64]]) -> crate::stats::repeated::RepeatedTest;
    let (method, test): (&'static str, Test) = match d.kind {
        Kind::Continuous => ("friedman", friedman),
        Kind::Binary => ("cochran_q", cochran_q),
        Kind::Categorical => return Vec::new(),
    };
    cohort
        .arms
        .iter()
        .map(|&arm| {
            // The arm's participants as rows, one column per wave (missing where
            // a participant was not seen; the test keeps complete rows).
            let list = &members.by_arm[arm.index()];
            let cols: Vec<Vec<f64>> = (0..k)
                .map(|w| {
                    let col = column(d, w, k);
                    list.iter()
                        .map(|&i| {
                            if cohort.participants[i as usize].seen & (1 << w) != 0 {
                                col[i as usize]
                            } else {
                                f64::NAN
                            }
                        })
                        .collect()
                })
                .collect();
            let slices: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
            let r = test(&slices);
            super::row(
                &format!("waves:{}", arm.name()),
                method,
                true,
                r.n,
                r.result,
            )
        })
        .collect()
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
