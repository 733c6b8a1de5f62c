//! Table 1 (baseline balance, contract §7) and the design's clusters, for every
//! human-readable view: the grid the terminal table, Markdown and the HTML report
//! draw, and the plain-language finding.

use super::fmt::Lang;
use super::grid::{Cells, Grid};
use crate::cohort::Kind;
use crate::results::{BalanceArm, BalanceRow, Report};

/// An |SMD| above this is flagged as an imbalance (contract §7).
pub const SMD_FLAG: f64 = 0.1;

struct Words {
    title: &'static str,
    characteristic: &'static str,
    difference: &'static str,
    flag_note: &'static str,
    clusters: &'static str,
    similar: &'static str,
    and: &'static str,
    differed: &'static str,
    higher: &'static str,
    lower: &'static str,
    pp: &'static str,
    in_distribution: &'static str,
}

const EN: Words = Words {
    title: "Baseline balance (Table 1)",
    characteristic: "Characteristic",
    difference: "Difference",
    flag_note: "⚑ |SMD| > 0.1: the groups differed at baseline. SMD: standardised mean difference (categorical: Yang & Dalton). p-values are not adjusted.",
    clusters: "{k} clusters ({col}): {i} {arm1}, {c} {arm0}",
    similar: "At baseline the groups were similar in {list}",
    and: "and",
    differed: "the {arm1} group {dir} in {name} ({smd} SD)",
    higher: "scored higher",
    lower: "scored lower",
    pp: "pp",
    in_distribution: "differed",
};

const ES: Words = Words {
    title: "Equilibrio en la línea de base (Tabla 1)",
    characteristic: "Característica",
    difference: "Diferencia",
    flag_note: "⚑ |DME| > 0,1: los grupos diferían al inicio. DME: diferencia de medias estandarizada (categóricas: Yang y Dalton). Los valores p no están ajustados.",
    clusters: "{k} conglomerados ({col}): {i} {arm1}, {c} {arm0}",
    similar: "Al inicio los grupos eran similares en {list}",
    and: "y",
    differed: "el grupo {arm1} {dir} en {name} ({smd} DE)",
    higher: "obtuvo puntajes más altos",
    lower: "obtuvo puntajes más bajos",
    pp: "pp",
    in_distribution: "difería",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// The heading of the balance table.
pub fn title(c: &Cells) -> &'static str {
    words(c.f.lang).title
}

/// The note under the balance table.
pub fn note(c: &Cells) -> &'static str {
    words(c.f.lang).flag_note
}

/// Whether a row is flagged as an imbalance.
pub fn flagged(r: &BalanceRow) -> bool {
    r.smd.is_some_and(|s| s.abs() > SMD_FLAG)
}

/// "16 clusters (comunidad): 8 program, 8 control" for the design header.
pub fn cluster_line(c: &Cells) -> Option<String> {
    let k = c.report.input.cluster.as_ref()?;
    let w = words(c.f.lang);
    let arm = |a| c.arm_in_text(a);
    Some(
        w.clusters
            .replace("{k}", &c.f.count(k.clusters))
            .replace("{col}", &k.column)
            .replace("{i}", &c.f.count(k.intervention))
            .replace("{arm1}", &arm(crate::cohort::Arm::Intervention))
            .replace("{c}", &c.f.count(k.control))
            .replace("{arm0}", &arm(crate::cohort::Arm::Control)),
    )
}

/// One arm's cell: mean (sd), or a percentage, by kind; levels get rows of their own.
fn arm_cell(c: &Cells, r: &BalanceRow, a: &BalanceArm, dec: usize) -> String {
    if a.suppressed {
        return c.withheld();
    }
    match r.kind {
        Kind::Continuous => format!(
            "{} ({})",
            c.f.number(a.mean.flatten(), dec),
            c.f.number(a.sd.flatten(), dec)
        ),
        Kind::Binary => c.f.percent(a.proportion.flatten()),
        Kind::Categorical => String::new(),
    }
}

/// Decimals for a continuous row: about three significant digits of its sd.
fn decimals(r: &BalanceRow) -> usize {
    super::fmt::decimals_for(r.intervention.sd.flatten().or(r.control.sd.flatten()))
}

/// Table 1 as a grid: a row per characteristic (and per level of a categorical
/// one), each arm's summary at baseline, the difference, the SMD (flagged) and p.
pub fn grid(c: &Cells) -> Option<Grid> {
    let rows = &c.report.balance;
    if rows.is_empty() {
        return None;
    }
    let w = words(c.f.lang);
    let n_of = |arm| {
        rows.iter()
            .map(|r| match arm {
                crate::cohort::Arm::Intervention => r.intervention.n,
                crate::cohort::Arm::Control => r.control.n,
            })
            .max()
            .unwrap_or(0)
    };
    let header = vec![
        w.characteristic.to_string(),
        format!(
            "{} (n = {})",
            c.arm(crate::cohort::Arm::Intervention),
            c.f.count(n_of(crate::cohort::Arm::Intervention))
        ),
        format!(
            "{} (n = {})",
            c.arm(crate::cohort::Arm::Control),
            c.f.count(n_of(crate::cohort::Arm::Control))
        ),
        w.difference.to_string(),
        "SMD".to_string(),
        "p".to_string(),
    ];
    let mut out = Vec::new();
    for r in rows {
        let dec = decimals(r);
        let difference = match r.kind {
            Kind::Continuous => c.f.signed(r.difference, dec),
            Kind::Binary => format!(
                "{} {}",
                c.f.signed(r.difference.map(|d| d * 100.0), 1),
                w.pp
            ),
            Kind::Categorical => String::new(),
        };
        let smd = format!(
            "{}{}",
            c.f.number(r.smd, 2),
            if flagged(r) { " ⚑" } else { "" }
        );
        out.push(vec![
            vec![r.variable.clone()],
            vec![arm_cell(c, r, &r.intervention, dec)],
            vec![arm_cell(c, r, &r.control, dec)],
            vec![difference],
            vec![smd],
            vec![c.f.p_value(r.p_value)],
        ]);
        if r.kind == Kind::Categorical {
            let (l1, l0) = (
                r.intervention.levels.as_deref().unwrap_or_default(),
                r.control.levels.as_deref().unwrap_or_default(),
            );
            for (a, b) in l1.iter().zip(l0) {
                let pct = |l: &crate::results::BalanceLevel, arm: &BalanceArm| {
                    if arm.suppressed || l.count.is_none() && l.proportion.is_none() {
                        c.withheld()
                    } else {
                        c.f.percent(l.proportion)
                    }
                };
                out.push(vec![
                    vec![format!("  {}", a.level)],
                    vec![pct(a, &r.intervention)],
                    vec![pct(b, &r.control)],
                    vec![String::new()],
                    vec![String::new()],
                    vec![String::new()],
                ]);
            }
        }
    }
    Some(Grid {
        header,
        rows: out,
        numeric: vec![false, true, true, true, true, true],
    })
}

/// "At baseline the groups were similar in sexo and edad; the program group scored
/// lower in vocabulario (−0.20 SD)." None without a balance table.
pub fn finding(report: &Report, lang: Lang) -> Option<String> {
    let rows = &report.balance;
    if rows.is_empty() {
        return None;
    }
    let c = Cells::new(report);
    let w = words(lang);
    let list = |names: &[&str]| match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), w.and),
    };
    let similar: Vec<&str> = rows
        .iter()
        .filter(|r| r.smd.is_some() && !flagged(r))
        .map(|r| r.variable.as_str())
        .collect();
    let arm1 = c.arm_in_text(crate::cohort::Arm::Intervention);
    let differed: Vec<String> = rows
        .iter()
        .filter(|r| flagged(r))
        .map(|r| {
            let smd = r.smd.unwrap_or(0.0);
            let dir = match r.kind {
                Kind::Categorical => w.in_distribution,
                _ if smd > 0.0 => w.higher,
                _ => w.lower,
            };
            w.differed
                .replace("{arm1}", &arm1)
                .replace("{dir}", dir)
                .replace("{name}", &r.variable)
                .replace(
                    "{smd}",
                    &if r.kind == Kind::Categorical {
                        c.f.number(Some(smd), 2)
                    } else {
                        c.f.signed(Some(smd), 2)
                    },
                )
        })
        .collect();
    let mut parts = Vec::new();
    if !similar.is_empty() {
        parts.push(w.similar.replace("{list}", &list(&similar)));
    }
    if !differed.is_empty() {
        let refs: Vec<&str> = differed.iter().map(String::as_str).collect();
        let text = list(&refs);
        if parts.is_empty() {
            parts.push(capitalise(&text));
        } else {
            parts.push(text);
        }
    }
    (!parts.is_empty()).then(|| format!("{}.", parts.join("; ")))
}

fn capitalise(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => String::new(),
    }
}
