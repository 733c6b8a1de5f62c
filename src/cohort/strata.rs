//! Strata (`--by`, contract §2.5) and clusters (§6.2) as read: strata put in
//! natural order and checked to be strata, not clusters.

use super::{Arm, Clusters, Code, Participant, Strata, Warning};
use crate::error::{UResult, UserError};

/// Strata in natural order ("0-2" < "3-6" < "7-10"), whatever order rows came in:
/// the participants' stratum numbers follow. `missing` rows without a value are told.
pub(super) fn natural_order(
    values: Vec<String>,
    missing: usize,
    participants: &mut [Participant],
    warnings: &mut Vec<Warning>,
) -> Vec<String> {
    if missing > 0 {
        warnings.push(Warning::new(
            None,
            Code::ByMissing,
            crate::args![n = missing],
        ));
    }
    if values.is_empty() {
        return values;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| crate::text::natural_cmp(&values[a], &values[b]));
    let mut rank = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        rank[old] = new as u32;
    }
    for p in participants {
        if let Some(s) = p.stratum.as_mut() {
            *s = rank[*s as usize];
        }
    }
    order.iter().map(|&i| values[i].clone()).collect()
}

/// `--by` makes sense for a few groups of children found in both arms (age band,
/// state): more than 20 values (a score, an id) is refused, and so is a column
/// nested in the arms (a centre, a school), which is a cluster (contract §6.2).
pub(super) fn check(
    by: &str,
    values: &[String],
    participants: &[Participant],
    file: &str,
) -> UResult<()> {
    if values.len() > 20 {
        let numeric = values.iter().all(|v| v.trim().parse::<f64>().is_ok());
        let what = if numeric {
            "a number (a score, an age)"
        } else {
            "a column with many values"
        };
        return Err(UserError::new(format!(
            "--by {by}: {} different values; {what} makes one stratum per value",
            values.len()
        ))
        .file(file)
        .line(1)
        .column(by)
        .hint("use --by with a column of a few groups (up to 20), e.g. an age band or a state")
.es(format!("--by {by}: {} valores distintos; {} hace un estrato por valor", values.len(), if numeric { "un número (una puntuación, una edad)" } else { "una columna con muchos valores" }), Some("use --by con una columna de pocos grupos (hasta 20), p. ej. una franja de edad o un estado")));
    }
    let mut arms = vec![[false; 2]; values.len()];
    for p in participants {
        if let Some(s) = p.stratum.and_then(|s| arms.get_mut(s as usize)) {
            s[p.arm.index()] = true;
        }
    }
    let both = participants.iter().any(|p| p.arm == Arm::Control)
        && participants.iter().any(|p| p.arm == Arm::Intervention);
    if both && values.len() > 1 && arms.iter().all(|a| !(a[0] && a[1])) {
        return Err(UserError::new(format!(
            "--by {by}: every value of \"{by}\" holds children of one arm only, so no stratum can compare the arms: it is a cluster (a centre, a school), not a stratum"
        ))
        .file(file)
        .line(1)
        .column(by)
        .hint(format!("use --cluster {by}: the tests then take into account that children of one {by} are alike"))
.es(format!("--by {by}: cada valor de \"{by}\" tiene niños de un solo grupo, así que ningún estrato puede comparar los grupos: es un conglomerado (un centro, una escuela), no un estrato"), Some(&format!("use --cluster {by}: las pruebas tienen entonces en cuenta que los niños de un mismo {by} se parecen"))));
    }
    Ok(())
}

/// The strata of `--by` (column as written, values in order) and the clusters
/// (column, values as first written).
pub(super) fn described(
    by_flag: Option<&String>,
    by_col: Option<usize>,
    strata_values: Vec<String>,
    cluster_col: Option<usize>,
    cluster_values: Vec<String>,
    headers: &[String],
) -> (Option<Strata>, Option<Clusters>) {
    let strata = by_flag.map(|b| Strata {
        column: by_col
            .map(|c| headers[c].clone())
            .unwrap_or_else(|| b.clone()),
        values: strata_values,
    });
    let clusters = cluster_col.map(|c| Clusters {
        column: headers[c].clone(),
        values: cluster_values,
    });
    (strata, clusters)
}
