//! Reliability of scales per wave (contract §10.1): Cronbach's alpha with the
//! Feldt interval, item–rest correlations and alpha if an item is dropped, over
//! every row of the wave (both arms) with all items answered.

use crate::cohort::{Cohort, Wave};
use crate::results::{DomainResult, ItemRow, ReliabilityRow};
use crate::stats::reliability::cronbach_alpha;
use crate::warning::{Code, Warning};

/// The id of wave `w` of `k` (0 the baseline).
fn wave_of(w: usize, k: usize) -> Wave {
    if w == 0 {
        Wave::Pre
    } else if w + 1 == k {
        Wave::Post
    } else {
        Wave::Mid((w + 1) as u8)
    }
}

/// Fill in `reliability` for the scales among `results` (matched by name), and
/// warn of items whose item–rest correlation is negative.
pub(super) fn attach(
    cohort: &Cohort,
    results: &mut [DomainResult],
    conf_level: f64,
    warnings: &mut Vec<Warning>,
) {
    for d in cohort.domains.iter().filter(|d| !d.items.is_empty()) {
        let Some(r) = results.iter_mut().find(|r| r.name == d.name) else {
            continue;
        };
        let k = d.items.first().map_or(0, |(_, w)| w.len());
        for w in 0..k {
            let cols: Vec<&[f64]> = d.items.iter().map(|(_, v)| v[w].as_slice()).collect();
            let rel = cronbach_alpha(&cols, conf_level);
            if rel.n == 0 {
                continue;
            }
            let wave = wave_of(w, k);
            let items: Vec<ItemRow> = d
                .items
                .iter()
                .zip(&rel.items)
                .map(|((name, _), it)| ItemRow {
                    item: name.clone(),
                    r_drop: it.r_drop,
                    alpha_if_dropped: it.alpha_if_dropped,
                })
                .collect();
            for it in items.iter().filter(|it| it.r_drop.is_some_and(|x| x < 0.0)) {
                warnings.push(Warning::new(
                    Some(&d.name),
                    Code::ItemNegative,
                    crate::args![
                        item = it.item,
                        wave = wave.id(),
                        r = format!("{:.2}", it.r_drop.unwrap_or(0.0))
                    ],
                ));
            }
            r.reliability.push(ReliabilityRow {
                wave,
                n: rel.n,
                alpha: rel.alpha,
                conf_low: rel.conf_low,
                conf_high: rel.conf_high,
                items,
            });
        }
    }
}
