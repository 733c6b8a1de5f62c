//! Planning the next round (`--power`, contract §11): each continuous and binary
//! domain's plan, from the numbers this round already gave (the primary test of
//! the headline comparison, the baseline summaries, the matched participants) and
//! the pure solutions of [`crate::stats::power`].

use crate::cohort::{Arm, Cohort, Design, Domain, Kind, Wave};
use crate::output::findings::pooled_sd;
use crate::results::{DomainResult, PowerRow, Report, SummaryStats};
use crate::stats::power::{Outcome, PlanInput, Undefined, plan};
use crate::warning::{Code, Warning};

/// Significance level of the planned test (contract §11: alpha 0.05).
pub const ALPHA: f64 = 0.05;

/// The design effect of a domain's clustering (contract §8.1), which inflates the
/// sample size; 1 without clusters (or when it is undefined).
pub fn design_effect_of(domain: &DomainResult) -> f64 {
    domain
        .clustering
        .as_ref()
        .and_then(|c| c.design_effect)
        .unwrap_or(1.0)
}

/// The matched participants of one domain (values at both waves), per arm: their
/// count and the Pearson correlation of pre and post after centring each within
/// its arm (None when undefined: fewer than two pairs, or no spread).
fn matched(cohort: &Cohort, d: &Domain) -> ([usize; 2], Option<f64>) {
    let pairs = || {
        cohort
            .participants
            .iter()
            .zip(d.values[0].iter().zip(&d.values[1]))
            .filter(|(_, (a, b))| !a.is_nan() && !b.is_nan())
            .map(|(p, (&a, &b))| (p.arm.index(), a, b))
    };
    let mut n = [0usize; 2];
    let mut sums = [[0.0f64; 2]; 2];
    for (arm, a, b) in pairs() {
        n[arm] += 1;
        sums[arm][0] += a;
        sums[arm][1] += b;
    }
    let mean = |arm: usize, k: usize| sums[arm][k] / n[arm] as f64;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (arm, a, b) in pairs() {
        let (x, y) = (a - mean(arm, 0), b - mean(arm, 1));
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    let r = sxy / (sxx * syy).sqrt();
    (n, r.is_finite().then_some(r.clamp(-1.0, 1.0)))
}

fn harmonic(n1: usize, n0: usize) -> Option<f64> {
    (n1 > 0 && n0 > 0).then(|| 2.0 * n1 as f64 * n0 as f64 / (n1 + n0) as f64)
}

fn summary_n(d: &DomainResult, arm: Arm, wave: Wave) -> usize {
    d.summary_of(arm, wave).map_or(0, |s| s.n)
}

/// Why a planning value is null: the warning's code (docs/warnings.md).
fn reason(why: Undefined) -> Code {
    match why {
        Undefined::TooFewParticipants => Code::PowerTooFew,
        Undefined::NoSpread => Code::PowerNoSpread,
        Undefined::NoCorrelation => Code::PowerNoCorrelation,
        Undefined::PerfectCorrelation => Code::PowerPerfectCorrelation,
        Undefined::ProportionAtBound => Code::PowerProportionAtBound,
        Undefined::NoEffect => Code::PowerNoEffect,
        Undefined::EffectAtBound => Code::PowerEffectAtBound,
        Undefined::NothingDetectable => Code::PowerNothingDetectable,
        Undefined::NoFollowUp => Code::PowerNoFollowUp,
        Undefined::NoDesignEffect => Code::PowerNoDesignEffect,
    }
}

/// The `power` rows of the pooled domains (contract §11) and a warning for every
/// null value. Categorical domains and one-arm designs have no plan (a warning
/// says so for the latter).
pub fn plan_next_round(
    cohort: &Cohort,
    report: &Report,
    target_power: f64,
) -> (Vec<PowerRow>, Vec<Warning>) {
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let baseline = cohort.waves.first().copied().unwrap_or(Wave::Pre);
    let last = cohort.waves.last().copied().unwrap_or(Wave::Post);
    let comparison = match cohort.design {
        Design::PrePostControl => "did".to_string(),
        Design::PostOnlyControl => format!("between:{}", baseline.name()),
        Design::PrePost => {
            warnings.push(Warning::new(None, Code::PowerOneGroup, Vec::new()));
            return (rows, warnings);
        }
    };
    let paired = cohort.paired && cohort.design == Design::PrePostControl;
    for d in &report.domains {
        if d.kind == Kind::Categorical {
            continue;
        }
        let (Some(test), Some(source)) = (
            d.primary(&comparison),
            cohort.domains.iter().find(|c| c.name == d.name),
        ) else {
            continue;
        };
        let (arm_n, correlation, attrition) = if paired {
            let (n, r) = matched(cohort, source);
            let at_baseline =
                summary_n(d, Arm::Intervention, baseline) + summary_n(d, Arm::Control, baseline);
            let attrition =
                (at_baseline > 0).then(|| 1.0 - (n[0] + n[1]) as f64 / at_baseline as f64);
            (n, r, attrition)
        } else {
            // Every value of the arm in the test: both waves when unpaired.
            let n = [Arm::Intervention, Arm::Control]
                .map(|a| cohort.waves.iter().map(|&w| summary_n(d, a, w)).sum());
            (n, Some(0.0), Some(0.0))
        };
        let (outcome, sd) = match d.kind {
            Kind::Continuous => {
                let sd = pooled_sd(d, baseline);
                (Outcome::Continuous { sd, correlation }, sd)
            }
            _ => {
                let p0 = match d.summary_of(Arm::Control, last).map(|s| &s.stats) {
                    Some(SummaryStats::Binary { proportion, .. }) => *proportion,
                    _ => None,
                };
                (Outcome::Binary { p0 }, None)
            }
        };
        let input = PlanInput {
            n_per_arm: harmonic(arm_n[0], arm_n[1]),
            outcome,
            design_effect: design_effect_of(d),
            attrition,
            observed_effect: test.estimate,
            alpha: ALPHA,
            target_power,
        };
        let p = plan(&input);
        for why in &p.undefined {
            warnings.push(Warning::new(
                Some(&d.name),
                reason(*why),
                crate::args![comparison = comparison],
            ));
        }
        let continuous = d.kind == Kind::Continuous;
        rows.push(PowerRow {
            domain: d.name.clone(),
            comparison: comparison.clone(),
            kind: d.kind,
            alpha: ALPHA,
            target_power,
            n_per_arm: input.n_per_arm,
            sd,
            correlation: if continuous { correlation } else { None },
            design_effect: input.design_effect,
            attrition: input.attrition,
            mde: p.mde,
            observed_effect: input.observed_effect,
            n_per_arm_needed: p.n_per_arm_needed,
            n_enrol_per_arm: p.n_enrol_per_arm,
        });
    }
    (rows, warnings)
}
