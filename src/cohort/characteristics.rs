//! Columns that describe participants rather than measure outcomes: attributes
//! (contract §6.1) and covariates (§6.3). Both are read like domains and set apart
//! here, once their kind and values are known.

use super::{Characteristic, Kind, Layout};

/// Whether a domain's values (one column per wave) make it a participant
/// attribute (contract §6.1): the same value at every wave for every participant,
/// at least 10 participants with a value at two or more waves, and at least 2
/// distinct values overall.
pub(super) fn is_attribute(values: &[Vec<f64>]) -> bool {
    let n = values.first().map_or(0, Vec::len);
    let mut matched = 0usize;
    let mut first: Option<f64> = None;
    let mut distinct = false;
    for i in 0..n {
        let mut held: Option<f64> = None;
        let mut seen = 0;
        for v in values.iter().map(|col| col[i]).filter(|v| !v.is_nan()) {
            match held {
                Some(h) if h != v => return false,
                _ => held = Some(v),
            }
            seen += 1;
        }
        matched += usize::from(seen >= 2);
        if let Some(v) = held {
            match first {
                None => first = Some(v),
                Some(f) => distinct |= f != v,
            }
        }
    }
    matched >= 10 && distinct
}

/// Whether attributes are looked for at all: long files with ids and both waves
/// (in the wide layout, columns without a wave suffix are attributes by layout).
pub(super) fn attributes_apply(layout: Layout, has_id: bool, waves: usize) -> bool {
    layout == Layout::Long && has_id && waves >= 2
}

/// An attribute's one value per participant: the first wave's, else the second's.
pub(super) fn attribute(
    name: &str,
    kind: Kind,
    levels: Vec<String>,
    values: &[Vec<f64>],
) -> Characteristic {
    let n = values.first().map_or(0, Vec::len);
    let values = (0..n)
        .map(|i| {
            values
                .iter()
                .map(|col| col[i])
                .find(|v| !v.is_nan())
                .unwrap_or(f64::NAN)
        })
        .collect();
    Characteristic {
        name: name.to_string(),
        kind,
        levels,
        values,
    }
}

/// A covariate's value per participant: the one at the first wave of the design
/// (`first`: 0, or 1 in post-only designs).
pub(super) fn covariate(
    name: &str,
    kind: Kind,
    levels: Vec<String>,
    values: &[Vec<f64>],
    first: usize,
) -> Characteristic {
    Characteristic {
        name: name.to_string(),
        kind,
        levels,
        values: values.get(first).cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(pre: &[f64], post: &[f64]) -> [Vec<f64>; 2] {
        [pre.to_vec(), post.to_vec()]
    }

    #[test]
    fn attributes_need_ten_matched_and_two_values() {
        let n = f64::NAN;
        let same: Vec<f64> = (0..10).map(|i| f64::from(i % 2)).collect();
        assert!(is_attribute(&cols(&same, &same)));
        // Nine matched participants are too few.
        assert!(!is_attribute(&cols(&same[..9], &same[..9])));
        // One value for everybody is no attribute (nothing to balance).
        let ones = vec![1.0; 12];
        assert!(!is_attribute(&cols(&ones, &ones)));
        // A change in one participant makes it an outcome.
        let mut changed = same.clone();
        changed[3] = 5.0;
        assert!(!is_attribute(&cols(&same, &changed)));
        // Missing cells and participants seen once do not count against it.
        let mut pre = same.clone();
        pre.push(7.0);
        let mut post = same.clone();
        post.push(n);
        assert!(is_attribute(&cols(&pre, &post)));
    }

    #[test]
    fn an_attribute_takes_the_value_held() {
        let n = f64::NAN;
        let a = attribute(
            "sexo",
            Kind::Binary,
            Vec::new(),
            &cols(&[1.0, n, n], &[1.0, 0.0, n]),
        );
        assert_eq!(a.values[..2], [1.0, 0.0]);
        assert!(a.values[2].is_nan());
        let c = covariate(
            "edad",
            Kind::Continuous,
            Vec::new(),
            &cols(&[3.0, n], &[4.0, 5.0]),
            0,
        );
        assert_eq!(c.values[0], 3.0);
        assert!(c.values[1].is_nan());
    }
}
