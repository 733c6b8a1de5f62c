//! Multiplicity adjustment as R's `p.adjust` (NA left out of the family).

use serde::Serialize;
use std::str::FromStr;

/// The adjustment method for p-values across domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Adjust {
    /// Holm (1979) step-down.
    Holm,
    /// Benjamini & Hochberg (1995) false discovery rate.
    Bh,
    /// Bonferroni.
    Bonferroni,
    /// No adjustment.
    None,
}

impl Adjust {
    /// The lower-case name used in output and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Adjust::Holm => "holm",
            Adjust::Bh => "bh",
            Adjust::Bonferroni => "bonferroni",
            Adjust::None => "none",
        }
    }
}

impl FromStr for Adjust {
    type Err = String;

    /// Accepts holm, bh (also BH, fdr), bonferroni and none, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "holm" => Ok(Adjust::Holm),
            "bh" | "fdr" => Ok(Adjust::Bh),
            "bonferroni" => Ok(Adjust::Bonferroni),
            "none" => Ok(Adjust::None),
            _ => Err(format!(
                "unknown adjustment method '{}' (use holm, bh, bonferroni or none)",
                s.trim()
            )),
        }
    }
}

/// Adjusted p-values in input order; `None` entries (untestable) stay None
/// and do not count in the family size, as R's `p.adjust` with NA.
pub fn p_adjust(p: &[Option<f64>], method: Adjust) -> Vec<Option<f64>> {
    let present: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    let n = present.len();
    let mut out = vec![None; p.len()];
    let nf = n as f64;
    match method {
        Adjust::None => {
            for &(i, v) in &present {
                out[i] = Some(v);
            }
        }
        Adjust::Bonferroni => {
            for &(i, v) in &present {
                out[i] = Some((nf * v).min(1.0));
            }
        }
        Adjust::Holm => {
            // Ascending order (stable): cummax((n − i + 1) p_(i)), capped at 1.
            let mut order = present.clone();
            order.sort_by(|a, b| a.1.total_cmp(&b.1));
            let mut running = f64::NEG_INFINITY;
            for (k, &(i, v)) in order.iter().enumerate() {
                running = running.max((n - k) as f64 * v);
                out[i] = Some(running.min(1.0));
            }
        }
        Adjust::Bh => {
            // Descending order (stable): cummin(n/i · p_(i)), capped at 1.
            let mut order = present.clone();
            order.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut running = f64::INFINITY;
            for (k, &(i, v)) in order.iter().enumerate() {
                running = running.min(nf / (n - k) as f64 * v);
                out[i] = Some(running.min(1.0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_missing() {
        assert_eq!("BH".parse::<Adjust>(), Ok(Adjust::Bh));
        assert_eq!("fdr".parse::<Adjust>(), Ok(Adjust::Bh));
        assert_eq!(" Holm ".parse::<Adjust>(), Ok(Adjust::Holm));
        assert!("sidak".parse::<Adjust>().is_err());
        assert_eq!(Adjust::Bonferroni.name(), "bonferroni");
        let r = p_adjust(&[Some(0.01), None, Some(0.04)], Adjust::Holm);
        assert_eq!(r, vec![Some(0.02), None, Some(0.04)]);
        assert_eq!(p_adjust(&[], Adjust::Bh), Vec::<Option<f64>>::new());
    }
}
