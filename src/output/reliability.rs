//! The reliability of scales (contract §10.1) for every human-readable view: a
//! compact grid (a row per scale and wave) that the terminal table, Markdown and
//! the HTML report's methods section draw.

use super::fmt::Lang;
use super::grid::{Cells, Grid};

struct Words {
    title: &'static str,
    scale: &'static str,
    wave: &'static str,
    weakest: &'static str,
    ci: &'static str,
    note: &'static str,
}

const EN: Words = Words {
    title: "Reliability of the scales",
    scale: "Scale",
    wave: "Wave",
    weakest: "Weakest item (r drop)",
    ci: "{c}% CI",
    note: "Cronbach's alpha over the rows of each wave with every item answered (both groups), with the Feldt interval; r drop: the item's correlation with the sum of the other items (a negative one suggests a reverse-worded item not declared as such).",
};

const ES: Words = Words {
    title: "Confiabilidad de las escalas",
    scale: "Escala",
    wave: "Momento",
    weakest: "Ítem más débil (r sin él)",
    ci: "IC {c} %",
    note: "Alfa de Cronbach sobre las filas de cada momento con todos los ítems respondidos (ambos grupos), con el intervalo de Feldt; r sin él: correlación del ítem con la suma de los demás (si es negativa, quizá un ítem inverso no declarado).",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// The heading of the reliability table.
pub fn title(c: &Cells) -> &'static str {
    words(c.f.lang).title
}

/// The note under the reliability table.
pub fn note(c: &Cells) -> &'static str {
    words(c.f.lang).note
}

/// A row per scale and wave: n, alpha, its interval, the item with the lowest
/// r drop. None when no domain is a scale.
pub fn grid(c: &Cells) -> Option<Grid> {
    let w = words(c.f.lang);
    let conf = c.f.number(Some(c.report.settings.conf_level * 100.0), 0);
    let mut rows = Vec::new();
    for d in &c.report.domains {
        for r in &d.reliability {
            let weakest = r
                .items
                .iter()
                .filter_map(|i| i.r_drop.map(|x| (x, i.item.as_str())))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(x, item)| format!("{item} ({})", c.f.number(Some(x), 2)))
                .unwrap_or_default();
            rows.push(vec![
                vec![d.label.clone()],
                vec![c.wave(r.wave)],
                vec![c.f.count(r.n)],
                vec![c.f.number(r.alpha, 2)],
                vec![c.f.interval(r.conf_low, r.conf_high, 1.0, 2)],
                vec![weakest],
            ]);
        }
    }
    (!rows.is_empty()).then(|| Grid {
        header: vec![
            w.scale.to_string(),
            w.wave.to_string(),
            "n".to_string(),
            "α".to_string(),
            w.ci.replace("{c}", &conf),
            w.weakest.to_string(),
        ],
        rows,
        numeric: vec![false, false, true, true, true, false],
    })
}
