//! Charts not drawn, and why (issue 21): `--charts` never leaves a chart silently
//! missing. One notice per chart, in the report's language, on stderr.

use crate::cohort::Kind;
use crate::output::fmt::Lang;
use crate::results::Report;

struct Words {
    note: &'static str,
    overview: &'static str,
    effects: &'static str,
    visits: &'static str,
}

const EN: Words = Words {
    note: "note",
    overview: "overview.png not drawn: it shows yes/no domains and there are none",
    effects: "effects.png not drawn: no domain has an estimate to plot",
    visits: "{stem}-visits.png not drawn: {label} is categorical, and line charts across visits show means and percentages (its table lists every visit)",
};

const ES: Words = Words {
    note: "nota",
    overview: "no se dibujó overview.png: muestra los dominios sí/no y no hay ninguno",
    effects: "no se dibujó effects.png: ningún dominio tiene una estimación que mostrar",
    visits: "no se dibujó {stem}-visits.png: {label} es categórico y los gráficos de líneas entre visitas muestran medias y porcentajes (su tabla muestra cada visita)",
};

/// The notices for the charts `--charts` leaves out, each with its reason,
/// prefixed "note: " ("nota: ").
pub fn not_drawn(report: &Report) -> Vec<String> {
    let w = match Lang::from_code(&report.settings.lang) {
        Lang::Es => &ES,
        Lang::En => &EN,
    };
    let all = super::charts(report);
    let has = |stem: &str| all.iter().any(|c| c.stem == stem);
    let mut out = Vec::new();
    let mut first_domain = 0;
    for (stem, why) in [("overview", w.overview), ("effects", w.effects)] {
        if has(stem) {
            first_domain += 1;
        } else {
            out.push(why.to_string());
        }
    }
    // The domain charts follow overview and effects, one per domain, in order.
    if !crate::output::visits::visits(report).is_empty() {
        for (d, c) in report.domains.iter().zip(&all[first_domain..]) {
            if d.kind == Kind::Categorical {
                out.push(
                    w.visits
                        .replace("{stem}", &c.stem)
                        .replace("{label}", &d.label),
                );
            }
        }
    }
    out.into_iter()
        .map(|m| format!("{}: {m}", w.note))
        .collect()
}
