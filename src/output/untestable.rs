//! The finding of a domain whose headline test cannot be tested (issue 21): said
//! plainly, with why, in English or Spanish — never "0.00 higher (95% CI – to –)".

use super::fmt::Lang;
use crate::cohort::{Arm, Kind};
use crate::results::{DomainResult, SummaryRow, SummaryStats, TestRow};

/// A test is untestable when it has neither a p-value nor an interval (and is not
/// withheld by `--min-cell`, which has its own sentence).
pub fn is_untestable(t: &TestRow) -> bool {
    !t.suppressed && t.p_value.is_none() && t.conf_low.is_none() && t.conf_high.is_none()
}

/// "cannot be tested", where a number would stand (the effects chart).
pub fn short(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "cannot be tested",
        Lang::Es => "no se puede evaluar",
    }
}

/// "cannot be tested: too few children or no variation", in a sentence's
/// parentheses (trends across visits).
pub fn note(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "cannot be tested: too few children or no variation",
        Lang::Es => "no se puede evaluar: muy pocos niños o sin variación",
    }
}

/// The summary cells (arm × wave) a comparison rests on.
fn cells<'d>(d: &'d DomainResult, comparison: &str) -> Vec<&'d SummaryRow> {
    let keep = |s: &SummaryRow| match comparison.split(':').collect::<Vec<_>>()[..] {
        ["change", "intervention", ..] => s.group == Arm::Intervention,
        ["change", "control", ..] => s.group == Arm::Control,
        ["between", w] if w != "improved" => s.wave.id() == w,
        _ => true,
    };
    d.summary.iter().filter(|s| keep(s)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Why {
    TooFew,
    SameValue,
    SameChange,
    NoVariation,
}

fn why(d: &DomainResult, t: &TestRow) -> Why {
    let cells = cells(d, &t.comparison);
    if t.n < 3 || cells.iter().any(|s| s.n < 2) {
        return Why::TooFew;
    }
    let constant = cells.iter().all(|s| match &s.stats {
        SummaryStats::Continuous { sd, .. } => sd.is_none_or(|v| v == 0.0),
        SummaryStats::Binary { proportion, .. } => proportion.is_none_or(|p| p == 0.0 || p == 1.0),
        SummaryStats::Categorical { levels } => levels
            .iter()
            .all(|l| l.proportion.is_none_or(|p| p == 0.0 || p == 1.0)),
    });
    let paired = t.comparison == "did" || t.comparison.starts_with("change:");
    match (constant, paired, d.kind) {
        (true, _, _) => Why::SameValue,
        (false, true, Kind::Continuous) => Why::SameChange,
        _ => Why::NoVariation,
    }
}

fn what(lang: Lang, comparison: &str) -> &'static str {
    match (lang, comparison.split(':').next()) {
        (Lang::En, _) if comparison == "did" => "the difference between the groups' changes",
        (Lang::Es, _) if comparison == "did" => "la diferencia entre los cambios de los grupos",
        (Lang::En, _) if comparison.starts_with("change:control") => {
            "the change in the control group"
        }
        (Lang::Es, _) if comparison.starts_with("change:control") => {
            "el cambio en el grupo de control"
        }
        (Lang::En, Some("change")) => "the change in the program group",
        (Lang::Es, Some("change")) => "el cambio en el grupo del programa",
        (Lang::En, _) => "the difference between the groups",
        (Lang::Es, _) => "la diferencia entre los grupos",
    }
}

fn because(lang: Lang, why: Why) -> &'static str {
    match (lang, why) {
        (Lang::En, Why::TooFew) => "too few children (fewer than 2 in a group)",
        (Lang::En, Why::SameValue) => {
            "every child has the same value at each wave, so there is no variation to test against"
        }
        (Lang::En, Why::SameChange) => {
            "every child's value changed by exactly the same amount, so there is no variation to test against"
        }
        (Lang::En, Why::NoVariation) => "there is no variation to test against",
        (Lang::Es, Why::TooFew) => "hay muy pocos niños (menos de 2 en un grupo)",
        (Lang::Es, Why::SameValue) => {
            "todos los niños tienen el mismo valor en cada ola, así que no hay variación con la que probar"
        }
        (Lang::Es, Why::SameChange) => {
            "el valor de cada niño cambió exactamente en la misma cantidad, así que no hay variación con la que probar"
        }
        (Lang::Es, Why::NoVariation) => "no hay variación con la que probar",
    }
}

/// "Score: the difference between the groups' changes cannot be tested: every
/// child's value changed by exactly the same amount, …; no difference or
/// interval is reported."
pub fn finding(lang: Lang, d: &DomainResult, t: &TestRow) -> String {
    let (cannot, none) = match lang {
        Lang::En => ("cannot be tested", "no difference or interval is reported"),
        Lang::Es => (
            "no se puede evaluar",
            "no se informa diferencia ni intervalo",
        ),
    };
    format!(
        "{}: {} {cannot}: {}; {none}.",
        d.label,
        what(lang, &t.comparison),
        because(lang, why(d, t))
    )
}
