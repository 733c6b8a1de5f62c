//! The order of three or more waves (contract §6.4): the spec's `[waves] order`;
//! else numbers in numeric order; else labels that differ only by a trailing
//! number in that number's order; else part one's pre and post words, pre first
//! and post last (the others between them in the order they first appear).

use crate::input::roles::{POST_LABELS, PRE_LABELS};
use crate::text::{fold, natural_cmp};

/// Why no order could be found: the labels and what resolves it.
#[derive(Debug, PartialEq)]
pub(super) enum NoOrder {
    /// The spec's order leaves out waves found in the data.
    Unnamed(Vec<String>),
    /// The spec's order names waves the data do not have.
    Absent(Vec<String>),
    /// No rule orders these labels.
    Unknown,
}

/// The order of the labels `found` (folded, as written; in the order met) as
/// indices into `found`, first (the baseline) to last.
pub(super) fn order(
    found: &[(String, String)],
    spec: Option<&[String]>,
) -> Result<Vec<usize>, NoOrder> {
    if let Some(spec) = spec {
        let wanted: Vec<String> = spec.iter().map(|s| fold(s)).collect();
        let unnamed: Vec<String> = found
            .iter()
            .filter(|(f, _)| !wanted.contains(f))
            .map(|(_, w)| w.clone())
            .collect();
        if !unnamed.is_empty() {
            return Err(NoOrder::Unnamed(unnamed));
        }
        let absent: Vec<String> = spec
            .iter()
            .zip(&wanted)
            .filter(|(_, f)| !found.iter().any(|(g, _)| g == *f))
            .map(|(s, _)| s.clone())
            .collect();
        if !absent.is_empty() {
            return Err(NoOrder::Absent(absent));
        }
        return Ok(wanted
            .iter()
            .filter_map(|w| found.iter().position(|(f, _)| f == w))
            .collect());
    }
    let mut idx: Vec<usize> = (0..found.len()).collect();
    // All numbers: numeric order.
    let numbers: Option<Vec<f64>> = found
        .iter()
        .map(|(f, _)| {
            f.trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
        })
        .collect();
    if let Some(x) = numbers {
        idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        return Ok(idx);
    }
    // "visita 1", "visita 2", "visita 10": one stem, a trailing whole number.
    let split: Option<Vec<(&str, u64)>> = found.iter().map(|(f, _)| trailing_number(f)).collect();
    if let Some(parts) = split
        && parts.windows(2).all(|w| w[0].0 == w[1].0)
    {
        idx.sort_by_key(|&i| parts[i].1);
        if parts
            .iter()
            .map(|p| p.1)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == parts.len()
        {
            return Ok(idx);
        }
    }
    // Part one's words: a pre word first, a post word last.
    let pre = found
        .iter()
        .position(|(f, _)| PRE_LABELS.contains(&f.as_str()));
    let post = found
        .iter()
        .position(|(f, _)| POST_LABELS.contains(&f.as_str()));
    if let (Some(a), Some(b)) = (pre, post) {
        let mut out = vec![a];
        out.extend((0..found.len()).filter(|&i| i != a && i != b));
        out.push(b);
        return Ok(out);
    }
    Err(NoOrder::Unknown)
}

/// "visita 10" → ("visita", 10); "t2" → ("t", 2). None without a trailing number.
fn trailing_number(label: &str) -> Option<(&str, u64)> {
    let t = label.trim();
    let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 9 {
        return None;
    }
    let (stem, num) = t.split_at(t.len() - digits);
    let stem = stem.trim_end_matches([' ', '_', '-', '.']);
    Some((stem, num.parse().ok()?))
}

/// The labels sorted as people read them, for messages.
pub(super) fn listed(found: &[(String, String)]) -> String {
    let mut w: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
    w.sort_by(|a, b| natural_cmp(a, b));
    w.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(labels: &[&str]) -> Vec<(String, String)> {
        labels.iter().map(|l| (fold(l), l.to_string())).collect()
    }

    fn ordered(labels: &[&str], spec: Option<&[String]>) -> Vec<String> {
        let f = found(labels);
        order(&f, spec)
            .unwrap()
            .into_iter()
            .map(|i| f[i].1.clone())
            .collect()
    }

    #[test]
    fn trailing_numbers_sort_as_numbers() {
        assert_eq!(
            ordered(&["visita 9", "visita 11", "visita 12", "visita 10"], None),
            ["visita 9", "visita 10", "visita 11", "visita 12"]
        );
        assert_eq!(ordered(&["t0", "t2", "t1"], None), ["t0", "t1", "t2"]);
        assert_eq!(ordered(&["3", "1", "2.5"], None), ["1", "2.5", "3"]);
    }

    #[test]
    fn pre_and_post_words_frame_the_others() {
        assert_eq!(
            ordered(&["medio", "antes", "despues"], None),
            ["antes", "medio", "despues"]
        );
        assert_eq!(order(&found(&["a", "b", "c"]), None), Err(NoOrder::Unknown));
    }

    #[test]
    fn the_spec_order_names_every_wave() {
        let spec: Vec<String> = ["Inicio", "Medio", "Fin"].map(String::from).to_vec();
        assert_eq!(
            ordered(&["fin", "inicio", "medio"], Some(&spec)),
            ["inicio", "medio", "fin"]
        );
        assert_eq!(
            order(&found(&["fin", "inicio", "medio", "extra"]), Some(&spec)),
            Err(NoOrder::Unnamed(vec!["extra".into()]))
        );
        assert_eq!(
            order(&found(&["fin", "inicio"]), Some(&spec)),
            Err(NoOrder::Absent(vec!["Medio".into()]))
        );
    }
}
