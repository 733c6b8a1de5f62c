//! Power and sample size for the next round (contract §11): R's `power.t.test`
//! (two-sample, two-sided, `strict = FALSE`: only the upper tail counts) and
//! `power.prop.test` (two-sided), solved to full precision instead of R's default
//! tolerance of 1e-4, and the planning row built from them.

use super::dist::{norm_cdf, norm_quantile, t_quantile};
use super::noncentral::nct_sf;

/// Power of the two-sample, two-sided t test with `n` per arm and a true
/// difference of `d` standard deviations, as R's `power.t.test(n, delta = d, sd = 1,
/// sig.level = alpha)$power`: P(T > t₁₋α/₂) for T noncentral t with 2(n − 1)
/// degrees of freedom and noncentrality √(n/2)·d.
pub fn t_power(n: f64, d: f64, alpha: f64) -> f64 {
    // R: nu <- pmax(1e-7, n - 1) * 2.
    let nu = 2.0 * (n - 1.0).max(1e-7);
    let q = -t_quantile(alpha / 2.0, nu);
    nct_sf(q, nu, (n / 2.0).sqrt() * d.abs())
}

/// Power of the two-sided test of two proportions with `n` per arm, as R's
/// `power.prop.test(n, p1, p2, sig.level = alpha)$power` (normal approximation).
pub fn prop_power(n: f64, p1: f64, p2: f64, alpha: f64) -> f64 {
    let z = -norm_quantile(alpha / 2.0);
    let pbar = (p1 + p2) / 2.0;
    let num = (n * (p1 - p2) * (p1 - p2)).sqrt() - z * ((p1 + p2) * (1.0 - pbar)).sqrt();
    norm_cdf(num / (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt())
}

/// Valid arguments: 0 < alpha < 1, 0 < power < 1.
fn levels_ok(alpha: f64, power: f64) -> bool {
    alpha > 0.0 && alpha < 1.0 && power > 0.0 && power < 1.0
}

/// `power.t.test(delta = d, sd = 1, sig.level = alpha, power = power)$n`: the
/// participants per arm (not rounded) to detect a difference of `d` standard
/// deviations. None when d is 0 or not finite, or the levels are outside (0, 1).
pub fn t_test_n(d: f64, alpha: f64, power: f64) -> Option<f64> {
    let d = d.abs();
    if !(d > 0.0 && d.is_finite() && levels_ok(alpha, power)) {
        return None;
    }
    let f = |n: f64| t_power(n, d, alpha) - power;
    // R searches from [2, 1e7], widening as needed: below 2 towards 1 (where the
    // degrees of freedom vanish), above 1e7 upwards.
    increasing_root(f, 2.0, 1e7, 1.0)
}

/// `power.t.test(n = n, sd = 1, sig.level = alpha, power = power)$delta`: the
/// smallest difference, in standard deviations, detectable with `n` per arm.
/// None when n ≤ 1 or the levels are outside (0, 1).
pub fn t_test_delta(n: f64, alpha: f64, power: f64) -> Option<f64> {
    if !(n > 1.0 && n.is_finite() && levels_ok(alpha, power)) {
        return None;
    }
    let f = |d: f64| t_power(n, d, alpha) - power;
    increasing_root(f, 1e-7, 1e7, 0.0)
}

/// `power.prop.test(p1, p2, sig.level = alpha, power = power)$n`: participants
/// per arm to tell `p1` from `p2`. The power is Φ of an expression in √n, so n
/// is found in closed form (R's root-finding, to its tolerance, finds the same).
/// None unless 0 < p1, p2 < 1 and p1 ≠ p2.
pub fn prop_test_n(p1: f64, p2: f64, alpha: f64, power: f64) -> Option<f64> {
    let inside = |p: f64| p > 0.0 && p < 1.0;
    if !inside(p1) || !inside(p2) || p1 == p2 || !levels_ok(alpha, power) {
        return None;
    }
    let za = -norm_quantile(alpha / 2.0);
    let zb = norm_quantile(power);
    let pbar = (p1 + p2) / 2.0;
    let root_n = (za * ((p1 + p2) * (1.0 - pbar)).sqrt()
        + zb * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt())
        / (p1 - p2).abs();
    // A negative √n: even 0 participants "reach" a power below ½ (R's search
    // ends on its lower bound); not a sample size.
    (root_n > 0.0)
        .then_some(root_n * root_n)
        .filter(|n| n.is_finite())
}

/// `power.prop.test(n = n, p1 = p1, sig.level = alpha, power = power)$p2`: the
/// proportion above `p1` detectable with `n` per arm. None when no proportion
/// up to 1 is (R's search would leave [p1, 1] and fail), or the arguments are
/// outside their ranges.
pub fn prop_test_p2(n: f64, p1: f64, alpha: f64, power: f64) -> Option<f64> {
    if !(n > 0.0 && n.is_finite() && p1 > 0.0 && p1 < 1.0 && levels_ok(alpha, power)) {
        return None;
    }
    let f = |p2: f64| prop_power(n, p1, p2, alpha) - power;
    let (lo, hi) = (p1, 1.0);
    let (flo, fhi) = (f(lo), f(hi));
    if !(flo < 0.0 && fhi >= 0.0) {
        return None;
    }
    brent(f, lo, hi, flo, fhi).filter(|&p| p < 1.0)
}

/// The root of an increasing `f` searched from [lo, hi]: the bracket widens
/// downwards (halving the distance to `floor`) and upwards (doubling) until f
/// changes sign, then Brent's method to machine precision. None when no sign
/// change is found or f is NaN.
fn increasing_root(f: impl Fn(f64) -> f64, lo: f64, hi: f64, floor: f64) -> Option<f64> {
    let (mut lo, mut hi) = (lo, hi);
    let (mut flo, mut fhi) = (f(lo), f(hi));
    let mut k = 0;
    while flo > 0.0 && k < 60 {
        hi = lo;
        fhi = flo;
        lo = floor + (lo - floor) / 2.0;
        flo = f(lo);
        k += 1;
    }
    k = 0;
    while fhi < 0.0 && k < 60 {
        lo = hi;
        flo = fhi;
        hi *= 2.0;
        fhi = f(hi);
        k += 1;
    }
    if !(flo <= 0.0 && fhi >= 0.0) {
        return None;
    }
    brent(f, lo, hi, flo, fhi)
}

/// Brent's (1973) zero-finder on [a, b] with f(a)·f(b) ≤ 0 (as R's `uniroot`,
/// `R_zeroin2`), run until the bracket is a few ulp wide.
fn brent(f: impl Fn(f64) -> f64, a: f64, b: f64, fa: f64, fb: f64) -> Option<f64> {
    if fa.is_nan() || fb.is_nan() {
        return None;
    }
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    if fa == 0.0 {
        return Some(a);
    }
    if fb == 0.0 {
        return Some(b);
    }
    let (mut c, mut fc) = (a, fa);
    for _ in 0..1000 {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs();
        let new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return b.is_finite().then_some(b);
        }
        let mut step = new_step;
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            // Interpolation: secant with two points, inverse quadratic with three.
            let cb = c - b;
            let (mut p, mut q);
            let t1 = fb / fa;
            if a == c {
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qq = fa / fc;
                let t2 = fb / fc;
                p = t1 * (cb * qq * (qq - t2) - (b - a) * (t2 - 1.0));
                q = (qq - 1.0) * (t2 - 1.0) * (t1 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (prev_step * q / 2.0).abs() {
                step = p / q;
            }
        }
        if step.abs() < tol_act {
            step = if step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += step;
        fb = f(b);
        if fb.is_nan() {
            return None;
        }
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    b.is_finite().then_some(b)
}

/// The outcome a plan is made for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A score: the pooled within-arm sd at baseline and the pre–post
    /// correlation (0 when there is no baseline).
    Continuous {
        sd: Option<f64>,
        correlation: Option<f64>,
    },
    /// A yes/no outcome: the control arm's proportion at follow-up.
    Binary { p0: Option<f64> },
}

/// What a plan rests on (contract §11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInput {
    /// Harmonic mean of the two arms' n in the comparison.
    pub n_per_arm: Option<f64>,
    pub outcome: Outcome,
    /// Variance inflation from clustering (1 without clusters).
    pub design_effect: f64,
    /// Share of children seen at baseline and lost at follow-up (0 unpaired).
    pub attrition: Option<f64>,
    /// The estimate of the comparison's primary test.
    pub observed_effect: Option<f64>,
    pub alpha: f64,
    pub target_power: f64,
}

/// Why a planning value is null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undefined {
    /// Fewer than two participants per arm (after the design effect).
    TooFewParticipants,
    /// The outcome has no spread at baseline.
    NoSpread,
    /// The pre–post correlation is undefined (too few matched pairs, or no
    /// spread among them).
    NoCorrelation,
    /// Baseline and follow-up are perfectly correlated: no residual spread.
    PerfectCorrelation,
    /// The control proportion is 0 or 1 (or unknown).
    ProportionAtBound,
    /// The observed effect is 0 or unknown: no sample size detects it.
    NoEffect,
    /// The observed effect takes the proportion to 0, 1 or beyond.
    EffectAtBound,
    /// Not even a rise to 100% is detectable with this many participants.
    NothingDetectable,
    /// Nobody was followed up (attrition 1) or attrition is unknown.
    NoFollowUp,
    /// The design effect is not a positive number.
    NoDesignEffect,
}

/// The planning values of one comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// Minimum detectable effect with this round's numbers (continuous: in the
    /// outcome's units; binary: a difference in proportion above p₀).
    pub mde: Option<f64>,
    /// Participants per arm (not rounded) to detect the observed effect,
    /// inflated by the design effect.
    pub n_per_arm_needed: Option<f64>,
    /// Children to enrol per arm, allowing for attrition.
    pub n_enrol_per_arm: Option<u64>,
    /// Why a value is null, each reason once.
    pub undefined: Vec<Undefined>,
}

impl Plan {
    fn because(&mut self, why: Undefined) {
        if !self.undefined.contains(&why) {
            self.undefined.push(why);
        }
    }
}

/// The §11 row: the minimum detectable effect now, and the children to enrol per
/// arm for the observed effect. Continuous: effective sd = sd·√(1 − r²);
/// `mde` = `power.t.test(n = n_per_arm/design_effect, sd = effective sd)$delta`,
/// `n_per_arm_needed` = `power.t.test(delta = |observed|, sd = effective sd)$n ×
/// design_effect`. Binary: `mde` = `power.prop.test(n = n_per_arm/design_effect,
/// p1 = p₀)$p2 − p₀`, `n_per_arm_needed` = `power.prop.test(p1 = p₀, p2 = p₀ +
/// observed)$n × design_effect`. `n_enrol_per_arm` = ⌈needed/(1 − attrition)⌉.
/// Never NaN: undefined values are None with their reasons.
pub fn plan(input: &PlanInput) -> Plan {
    let mut out = Plan::default();
    let (alpha, power) = (input.alpha, input.target_power);
    let deff = input.design_effect;
    if !(deff.is_finite() && deff > 0.0) {
        out.because(Undefined::NoDesignEffect);
        return out;
    }
    let n_eff = input.n_per_arm.map(|n| n / deff).filter(|n| n.is_finite());
    let effect = input.observed_effect.filter(|e| e.is_finite() && *e != 0.0);
    match input.outcome {
        Outcome::Continuous { sd, correlation } => {
            let sd = sd.filter(|s| s.is_finite() && *s > 0.0);
            let r = correlation.filter(|r| r.is_finite() && r.abs() <= 1.0);
            let eff_sd = match (sd, r) {
                (None, _) => {
                    out.because(Undefined::NoSpread);
                    None
                }
                (Some(_), None) => {
                    out.because(Undefined::NoCorrelation);
                    None
                }
                (Some(s), Some(r)) => {
                    let v = s * (1.0 - r * r).sqrt();
                    if v > 0.0 && v.is_finite() {
                        Some(v)
                    } else {
                        out.because(Undefined::PerfectCorrelation);
                        None
                    }
                }
            };
            if let Some(s) = eff_sd {
                match n_eff.filter(|&n| n > 1.0) {
                    Some(n) => out.mde = t_test_delta(n, alpha, power).map(|d| d * s),
                    None => out.because(Undefined::TooFewParticipants),
                }
                match effect {
                    Some(e) => {
                        out.n_per_arm_needed =
                            t_test_n(e.abs() / s, alpha, power).map(|n| n * deff);
                    }
                    None => out.because(Undefined::NoEffect),
                }
            }
        }
        Outcome::Binary { p0 } => match p0.filter(|p| *p > 0.0 && *p < 1.0) {
            None => out.because(Undefined::ProportionAtBound),
            Some(p0) => {
                match n_eff.filter(|&n| n > 0.0) {
                    Some(n) => match prop_test_p2(n, p0, alpha, power) {
                        Some(p2) => out.mde = Some(p2 - p0),
                        None => out.because(Undefined::NothingDetectable),
                    },
                    None => out.because(Undefined::TooFewParticipants),
                }
                match effect {
                    None => out.because(Undefined::NoEffect),
                    Some(e) => {
                        let p2 = p0 + e;
                        if p2 > 0.0 && p2 < 1.0 {
                            out.n_per_arm_needed =
                                prop_test_n(p0, p2, alpha, power).map(|n| n * deff);
                        } else {
                            out.because(Undefined::EffectAtBound);
                        }
                    }
                }
            }
        },
    }
    out.mde = out.mde.filter(|v| v.is_finite());
    out.n_per_arm_needed = out.n_per_arm_needed.filter(|v| v.is_finite());
    if let Some(n) = out.n_per_arm_needed {
        match input.attrition.filter(|a| (0.0..1.0).contains(a)) {
            Some(a) => {
                let enrol = (n / (1.0 - a)).ceil();
                out.n_enrol_per_arm = (enrol.is_finite() && enrol < 1e18).then_some(enrol as u64);
            }
            None => out.because(Undefined::NoFollowUp),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn solutions_give_the_target_power() {
        let n = t_test_n(0.5, 0.05, 0.8).unwrap_or(f64::NAN);
        assert!((t_power(n, 0.5, 0.05) - 0.8).abs() < 1e-13, "{n}");
        let d = t_test_delta(50.0, 0.05, 0.9).unwrap_or(f64::NAN);
        assert!((t_power(50.0, d, 0.05) - 0.9).abs() < 1e-13, "{d}");
        let n = prop_test_n(0.3, 0.45, 0.05, 0.8).unwrap_or(f64::NAN);
        assert!((prop_power(n, 0.3, 0.45, 0.05) - 0.8).abs() < 1e-13, "{n}");
        let p2 = prop_test_p2(120.0, 0.3, 0.05, 0.8).unwrap_or(f64::NAN);
        assert!(
            (prop_power(120.0, 0.3, p2, 0.05) - 0.8).abs() < 1e-13,
            "{p2}"
        );
    }

    #[test]
    fn r_default_examples() {
        // R 4.2, tol = 1e-12: power.t.test(delta = 1, sd = 1, power = .9)$n and
        // power.prop.test(p1 = .5, p2 = .75, power = .9)$n.
        let n = t_test_n(1.0, 0.05, 0.9).unwrap_or(f64::NAN);
        assert!(rel(n, 22.021095570094) < 1e-11, "{n}");
        let n = prop_test_n(0.5, 0.75, 0.05, 0.9).unwrap_or(f64::NAN);
        assert!(rel(n, 76.7069284517774) < 1e-12, "{n}");
    }

    #[test]
    fn undefined_inputs_are_none_with_a_reason() {
        let base = PlanInput {
            n_per_arm: Some(50.0),
            outcome: Outcome::Continuous {
                sd: Some(0.0),
                correlation: Some(0.5),
            },
            design_effect: 1.0,
            attrition: Some(0.1),
            observed_effect: Some(2.0),
            alpha: 0.05,
            target_power: 0.8,
        };
        let p = plan(&base);
        assert_eq!((p.mde, p.n_per_arm_needed), (None, None));
        assert_eq!(p.undefined, vec![Undefined::NoSpread]);
        let p = plan(&PlanInput {
            outcome: Outcome::Continuous {
                sd: Some(3.0),
                correlation: Some(1.0),
            },
            ..base
        });
        assert_eq!(p.undefined, vec![Undefined::PerfectCorrelation]);
        let p = plan(&PlanInput {
            outcome: Outcome::Continuous {
                sd: Some(3.0),
                correlation: Some(0.2),
            },
            observed_effect: Some(0.0),
            ..base
        });
        assert!(p.mde.is_some());
        assert_eq!(p.n_per_arm_needed, None);
        assert_eq!(p.undefined, vec![Undefined::NoEffect]);
        for p0 in [Some(0.0), Some(1.0), None] {
            let p = plan(&PlanInput {
                outcome: Outcome::Binary { p0 },
                ..base
            });
            assert_eq!(p.undefined, vec![Undefined::ProportionAtBound]);
            assert_eq!(p.n_enrol_per_arm, None);
        }
        let p = plan(&PlanInput {
            outcome: Outcome::Binary { p0: Some(0.4) },
            observed_effect: Some(0.6),
            ..base
        });
        assert_eq!(p.undefined, vec![Undefined::EffectAtBound]);
        // Two children per arm cannot detect any rise from 40%.
        let p = plan(&PlanInput {
            n_per_arm: Some(2.0),
            outcome: Outcome::Binary { p0: Some(0.4) },
            observed_effect: Some(0.1),
            attrition: Some(1.0),
            ..base
        });
        assert_eq!(p.mde, None);
        assert_eq!(
            p.undefined,
            vec![Undefined::NothingDetectable, Undefined::NoFollowUp]
        );
        assert!(p.n_per_arm_needed.is_some());
    }

    #[test]
    fn extreme_effects_stay_finite() {
        // A huge effect: n below 2 (the bracket widens towards 1).
        let n = t_test_n(20.0, 0.05, 0.8);
        assert!(n.is_some_and(|n| n > 1.0 && n < 2.0), "{n:?}");
        // A tiny effect: n beyond 1e7 (df > 4e5: R's normal approximation).
        let n = t_test_n(1e-3, 0.05, 0.8).unwrap_or(f64::NAN);
        assert!(
            rel(n, 2.0 * (1.959964 + 0.841621_f64).powi(2) / 1e-6) < 1e-4,
            "{n}"
        );
        assert_eq!(t_test_n(f64::NAN, 0.05, 0.8), None);
        assert_eq!(t_test_delta(1.0, 0.05, 0.8), None);
        assert_eq!(t_test_delta(10.0, 0.05, 1.0), None);
    }
}
