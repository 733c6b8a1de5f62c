//! Table 1: baseline balance (contract §7). One row per attribute, covariate and
//! domain, at the baseline wave, over every participant with a value there.

use super::rows::two_proportions;
use crate::cohort::{Cohort, Kind, Wave};
use crate::results::{BalanceArm, BalanceLevel, BalanceRow};
use crate::stats::balance::{smd_categorical, smd_moments, smd_proportions};
use crate::stats::contingency::chi_square;
use crate::stats::describe::moments;
use crate::stats::ttest::welch_t_moments;
use rayon::prelude::*;

/// One variable to compare at baseline: its per-participant values (`NaN` missing).
struct Variable<'a> {
    name: &'a str,
    source: &'static str,
    kind: Kind,
    levels: &'a [String],
    values: &'a [f64],
}

/// The balance table of a two-arm cohort (empty otherwise): attributes, then
/// covariates that are not also attributes, then domains.
pub(super) fn balance(cohort: &Cohort, conf: f64) -> Vec<BalanceRow> {
    if cohort.arms.len() != 2 {
        return Vec::new();
    }
    // The baseline: the first wave of the design (post-only designs: the only one).
    let base = match cohort.waves.first() {
        Some(Wave::Post) => 1,
        _ => 0,
    };
    let mut vars: Vec<Variable> = Vec::new();
    for a in &cohort.attributes {
        vars.push(Variable {
            name: &a.name,
            source: "attribute",
            kind: a.kind,
            levels: &a.levels,
            values: &a.values,
        });
    }
    for c in &cohort.covariates {
        if !cohort.attributes.iter().any(|a| a.name == c.name) {
            vars.push(Variable {
                name: &c.name,
                source: "covariate",
                kind: c.kind,
                levels: &c.levels,
                values: &c.values,
            });
        }
    }
    for d in &cohort.domains {
        vars.push(Variable {
            name: &d.name,
            source: "domain",
            kind: d.kind,
            levels: &d.levels,
            values: &d.values[base],
        });
    }
    // Each row on its own core (in order): at millions of participants each is a
    // pass over a column.
    let codes = arm_codes(cohort, base);
    vars.par_iter().map(|v| row(&codes, v, conf)).collect()
}

/// Each participant's arm index (0 intervention, 1 control) when seen at `base`,
/// else 2: worked out once for every row of the table.
fn arm_codes(cohort: &Cohort, base: usize) -> Vec<u8> {
    cohort
        .participants
        .par_iter()
        .map(|p| {
            if p.present[base] {
                p.arm.index() as u8
            } else {
                2
            }
        })
        .collect()
}

/// The values of each arm (intervention, control) among participants seen at the
/// baseline (`codes` from [`arm_codes`]), in participant order.
fn by_arm(codes: &[u8], values: &[f64]) -> [Vec<f64>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    for (&c, &v) in codes.iter().zip(values) {
        if let Some(x) = out.get_mut(usize::from(c))
            && !v.is_nan()
        {
            x.push(v);
        }
    }
    out
}

/// Per arm, the number of values and how many of them fall in each of `k` slots
/// (`slot(v)`; None: counted in n only), without gathering the values.
fn counts_by_arm(
    codes: &[u8],
    values: &[f64],
    k: usize,
    slot: impl Fn(f64) -> Option<usize>,
) -> [(usize, Vec<usize>); 2] {
    let mut out = [(0, vec![0usize; k]), (0, vec![0usize; k])];
    for (&c, &v) in codes.iter().zip(values) {
        if let Some((n, counts)) = out.get_mut(usize::from(c))
            && !v.is_nan()
        {
            *n += 1;
            if let Some(c) = slot(v).and_then(|s| counts.get_mut(s)) {
                *c += 1;
            }
        }
    }
    out
}

fn row(codes: &[u8], v: &Variable, conf: f64) -> BalanceRow {
    let empty = |n: usize| BalanceArm {
        n,
        mean: None,
        sd: None,
        count: None,
        proportion: None,
        levels: None,
        suppressed: false,
    };
    let share = |count: usize, n: usize| (n > 0).then(|| count as f64 / n as f64);
    let (intervention, control, difference, smd, method, p_value) = match v.kind {
        Kind::Continuous => {
            let [x1, x0] = by_arm(codes, v.values);
            let (m1, m0) = (moments(&x1), moments(&x0));
            let sd = |m: &crate::stats::describe::Moments| m.var.map(f64::sqrt);
            let arm = |x: &[f64], m: crate::stats::describe::Moments| BalanceArm {
                mean: Some(m.mean),
                sd: Some(sd(&m)),
                ..empty(x.len())
            };
            let t = welch_t_moments(m1, m0, conf);
            let difference = match (m1.mean, m0.mean) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
            // x1, x0 hold no NaN: the moments are those of their present values.
            let smd = smd_moments(m1, m0);
            (
                arm(&x1, m1),
                arm(&x0, m0),
                difference,
                smd,
                "welch_t",
                t.p_value,
            )
        }
        Kind::Binary => {
            let [(n1, c1), (n0, c0)] =
                counts_by_arm(codes, v.values, 1, |y| (y == 1.0).then_some(0));
            let (c1, c0) = (c1[0], c0[0]);
            let arm = |c: usize, n: usize| BalanceArm {
                count: Some(c),
                proportion: Some(share(c, n)),
                ..empty(n)
            };
            let (method, t) = two_proportions(c1, n1, c0, n0, conf);
            let (p1, p0) = (share(c1, n1), share(c0, n0));
            let difference = p1.zip(p0).map(|(a, b)| a - b);
            (
                arm(c1, n1),
                arm(c0, n0),
                difference,
                p1.zip(p0).and_then(|(a, b)| smd_proportions(a, b)),
                method,
                t.p_value,
            )
        }
        Kind::Categorical => {
            let k = v.levels.len();
            // Level numbers as the values were: a value that is no level counts
            // in n only.
            let [(n1, k1), (n0, k0)] = counts_by_arm(codes, v.values, k, |y| Some(y as usize));
            // Attributes and covariates list their levels in natural order ("0-2",
            // "3-6", "7-10"); a domain keeps its own order (the spec's `levels`).
            let mut order: Vec<usize> = (0..k).collect();
            if v.source != "domain" {
                order.sort_by(|&a, &b| crate::text::natural_cmp(&v.levels[a], &v.levels[b]));
            }
            let arm = |c: &[usize], n: usize| BalanceArm {
                levels: Some(
                    order
                        .iter()
                        .map(|&i| BalanceLevel {
                            level: v.levels[i].clone(),
                            count: Some(c[i]),
                            proportion: share(c[i], n),
                        })
                        .collect(),
                ),
                ..empty(n)
            };
            let table = vec![
                k1.iter().map(|&c| c as f64).collect::<Vec<_>>(),
                k0.iter().map(|&c| c as f64).collect(),
            ];
            let p_value = chi_square(&table).map(|c| c.p_value);
            (
                arm(&k1, n1),
                arm(&k0, n0),
                None,
                smd_categorical(&k1, &k0),
                "chi_square_independence",
                p_value,
            )
        }
    };
    BalanceRow {
        variable: v.name.to_string(),
        source: v.source,
        kind: v.kind,
        intervention,
        control,
        difference,
        smd,
        method,
        p_value,
    }
}
