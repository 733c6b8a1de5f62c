//! Why a domain's finding is withheld (`--min-cell N`), in words: the first small
//! cell behind it ("fewer than 5 children in the control group were at level
//! "high" at the follow-up"), in English or Spanish.
//!
//! The cell is named, its count is not: "fewer than N", never "4 children", since a
//! count of 1 to N−1 is exactly what suppression withholds. The counts are read
//! from the results model after suppression (withheld counts are kept there, only
//! never serialised or printed).

use super::Limit;
use crate::cohort::{Arm, Wave};
use crate::results::{DomainResult, Report, SummaryStats};

/// What the children of a small cell have in common.
#[derive(Debug, Clone, PartialEq)]
enum What {
    /// Had a value at the wave (the group's n).
    Value,
    /// Were at this level.
    Level(String),
    /// Were not at this level.
    NotLevel(String),
    Yes,
    No,
    MovedUp,
    Stayed,
    MovedDown,
    /// Were measured at both waves (a change test's n).
    Both,
}

#[derive(Debug, Clone, PartialEq)]
struct SmallCell {
    group: Option<Arm>,
    wave: Option<Wave>,
    what: What,
}

fn cell(group: Arm, wave: Option<Wave>, what: What) -> SmallCell {
    SmallCell {
        group: Some(group),
        wave,
        what,
    }
}

/// The first small cell of a domain: its summary rows (arm × wave), then its
/// transition groups, then its tests on few children.
fn first_small(d: &DomainResult, l: Limit) -> Option<SmallCell> {
    for row in &d.summary {
        let (g, w, n) = (row.group, Some(row.wave), row.n);
        if l.small(n) {
            return Some(cell(g, w, What::Value));
        }
        match &row.stats {
            SummaryStats::Continuous { .. } => {}
            SummaryStats::Binary { count, .. } => {
                if l.small(*count) {
                    return Some(cell(g, w, What::Yes));
                }
                if l.small(n.saturating_sub(*count)) {
                    return Some(cell(g, w, What::No));
                }
            }
            SummaryStats::Categorical { levels } => {
                for lv in levels {
                    if l.small(lv.count) {
                        return Some(cell(g, w, What::Level(lv.level.clone())));
                    }
                    if l.small(n.saturating_sub(lv.count)) {
                        return Some(cell(g, w, What::NotLevel(lv.level.clone())));
                    }
                }
            }
        }
    }
    for g in d.transitions.iter().flat_map(|tr| &tr.groups) {
        let moved = [
            (g.n, What::Value),
            (g.improved, What::MovedUp),
            (g.unchanged, What::Stayed),
            (g.declined, What::MovedDown),
        ];
        if let Some((_, what)) = moved.into_iter().find(|(c, _)| l.small(*c)) {
            return Some(cell(g.group, None, what));
        }
    }
    d.tests.iter().find(|t| l.small(t.n)).map(|t| {
        let group = match t.comparison.as_str() {
            "change:intervention" => Some(Arm::Intervention),
            "change:control" => Some(Arm::Control),
            _ => None,
        };
        SmallCell {
            group,
            wave: None,
            what: What::Both,
        }
    })
}

fn group_words(es: bool, arm: Option<Arm>) -> &'static str {
    match (es, arm) {
        (false, Some(Arm::Intervention)) => " in the program group",
        (false, Some(Arm::Control)) => " in the control group",
        (true, Some(Arm::Intervention)) => " del grupo del programa",
        (true, Some(Arm::Control)) => " del grupo de control",
        (_, None) => "",
    }
}

fn wave_words(es: bool, wave: Option<Wave>) -> String {
    match (es, wave) {
        (_, None) => String::new(),
        (false, Some(Wave::Pre)) => " at the baseline".into(),
        (false, Some(Wave::Post)) => " at the follow-up".into(),
        (false, Some(Wave::Mid(k))) => format!(" at wave {k}"),
        (true, Some(Wave::Pre)) => " en la línea de base".into(),
        (true, Some(Wave::Post)) => " en el seguimiento".into(),
        (true, Some(Wave::Mid(k))) => format!(" en la ola {k}"),
    }
}

fn what_words(es: bool, what: &What) -> String {
    match (es, what) {
        (false, What::Value) => "had a value".into(),
        (false, What::Level(l)) => format!("were at level \"{l}\""),
        (false, What::NotLevel(l)) => format!("were not at level \"{l}\""),
        (false, What::Yes) => "had \"yes\"".into(),
        (false, What::No) => "had \"no\"".into(),
        (false, What::MovedUp) => "moved up a level".into(),
        (false, What::Stayed) => "stayed at their level".into(),
        (false, What::MovedDown) => "moved down a level".into(),
        (false, What::Both) => "were measured at both waves".into(),
        (true, What::Value) => "tenían un valor".into(),
        (true, What::Level(l)) => format!("estaban en el nivel «{l}»"),
        (true, What::NotLevel(l)) => format!("no estaban en el nivel «{l}»"),
        (true, What::Yes) => "tenían «sí»".into(),
        (true, What::No) => "tenían «no»".into(),
        (true, What::MovedUp) => "subieron de nivel".into(),
        (true, What::Stayed) => "se quedaron en su nivel".into(),
        (true, What::MovedDown) => "bajaron de nivel".into(),
        (true, What::Both) => "fueron medidos en las dos olas".into(),
    }
}

fn sentence(es: bool, n: usize, c: &SmallCell) -> String {
    let (fewer, children) = if es {
        ("menos de", "niños")
    } else {
        ("fewer than", "children")
    };
    format!(
        "{fewer} {n} {children}{} {}{}",
        group_words(es, c.group),
        what_words(es, &c.what),
        wave_words(es, c.wave)
    )
}

/// Why the finding of pooled domain `d` is withheld, in `lang` ("en" or "es"):
/// its first small cell; else the first small cell of the same domain in a
/// stratum ("in age_band 0-2, …"); else that a shown value would give a withheld
/// one back. None without `--min-cell`.
pub fn withheld_because(report: &Report, d: &DomainResult) -> Option<String> {
    let n = report.settings.min_cell?;
    let l = Limit(n);
    let es = report.settings.lang == "es";
    if let Some(c) = first_small(d, l) {
        return Some(sentence(es, n, &c));
    }
    for s in &report.strata {
        let small = s
            .domains
            .iter()
            .filter(|x| x.name == d.name)
            .find_map(|x| first_small(x, l));
        if let Some(c) = small {
            let at = if es { "en" } else { "in" };
            return Some(format!(
                "{at} {} {}, {}",
                s.column,
                s.value,
                sentence(es, n, &c)
            ));
        }
    }
    Some(
        if es {
            "un dato mostrado permitiría deducir otro omitido (de otro nivel o estrato)"
        } else {
            "a value shown would let a withheld one (of another level or stratum) be worked out"
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_is_named_and_its_count_is_not() {
        let c = cell(Arm::Control, Some(Wave::Post), What::Level("high".into()));
        assert_eq!(
            sentence(false, 5, &c),
            "fewer than 5 children in the control group were at level \"high\" at the follow-up"
        );
        assert_eq!(
            sentence(true, 5, &c),
            "menos de 5 niños del grupo de control estaban en el nivel «high» en el seguimiento"
        );
        let c = cell(Arm::Intervention, None, What::MovedDown);
        assert_eq!(
            sentence(false, 5, &c),
            "fewer than 5 children in the program group moved down a level"
        );
    }
}
