//! Words of the human-readable views in English and Spanish.

use super::fmt::Lang;

/// Every word the table (and later charts, findings, report) prints.
pub struct Words {
    pub intervention: &'static str,
    pub control: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub change: &'static str,
    pub rows: &'static str,
    pub participants: &'static str,
    pub design: &'static str,
    pub design_pre_post_control: &'static str,
    pub design_pre_post: &'static str,
    pub design_post_only: &'static str,
    pub paired: &'static str,
    pub unpaired: &'static str,
    pub attrition: &'static str,
    pub kind_continuous: &'static str,
    pub kind_binary: &'static str,
    pub kind_categorical: &'static str,
    pub shift_in_levels: &'static str,
    pub improved: &'static str,
    pub did: &'static str,
    pub warnings: &'static str,
    pub legend_values: &'static str,
    pub legend_change_paired: &'static str,
    pub legend_change_unpaired: &'static str,
    pub legend_between: &'static str,
    pub legend_p: &'static str,
    pub adjust_none: &'static str,
    pub participants_in: &'static str,
}

pub const EN: Words = Words {
    intervention: "Intervention",
    control: "Control",
    before: "Before",
    after: "After",
    change: "Change",
    rows: "rows",
    participants: "participants",
    design: "Design",
    design_pre_post_control: "before and after, with a control group",
    design_pre_post: "before and after, one group",
    design_post_only: "one wave, with a control group",
    paired: "paired by participant id",
    unpaired: "independent samples (no participant matched across waves)",
    attrition: "{n} participants, {m} seen at both waves, {b} only before, {a} only after",
    kind_continuous: "continuous: mean [CI]",
    kind_binary: "binary: % yes [CI]",
    kind_categorical: "categorical: % at each level [CI]",
    shift_in_levels: "shift in levels",
    improved: "moved up a level",
    did: "DiD",
    warnings: "Warnings",
    legend_values: "Legend: values are means or percentages with {c}% confidence intervals in brackets; n = participants with a value at each wave.",
    legend_change_paired: "Change = after − before, over participants seen at both waves; pp = percentage points.",
    legend_change_unpaired: "Change = after − before, waves as independent samples; pp = percentage points.",
    legend_between: "Last row: difference between arms at each wave; DiD = difference in change between arms (ANCOVA for scores when paired).",
    legend_p: "p-values are two-sided and adjusted across domains for each comparison ({a}); the test is named beside each.",
    adjust_none: "not adjusted",
    participants_in: "participants",
};

pub const ES: Words = Words {
    intervention: "Intervención",
    control: "Control",
    before: "Antes",
    after: "Después",
    change: "Cambio",
    rows: "filas",
    participants: "participantes",
    design: "Diseño",
    design_pre_post_control: "antes y después, con grupo de control",
    design_pre_post: "antes y después, un solo grupo",
    design_post_only: "una sola medición, con grupo de control",
    paired: "pareado por identificador de participante",
    unpaired: "muestras independientes (ningún participante medido en ambas ocasiones)",
    attrition: "{n} participantes, {m} medidos en ambas ocasiones, {b} solo antes, {a} solo después",
    kind_continuous: "continuo: media [IC]",
    kind_binary: "binario: % sí [IC]",
    kind_categorical: "categórico: % en cada nivel [IC]",
    shift_in_levels: "cambio de niveles",
    improved: "subió de nivel",
    did: "DD",
    warnings: "Advertencias",
    legend_values: "Leyenda: medias o porcentajes con intervalos de confianza del {c} % entre corchetes; n = participantes con dato en cada medición.",
    legend_change_paired: "Cambio = después − antes, entre participantes medidos en ambas ocasiones; pp = puntos porcentuales.",
    legend_change_unpaired: "Cambio = después − antes, mediciones como muestras independientes; pp = puntos porcentuales.",
    legend_between: "Última fila: diferencia entre grupos en cada medición; DD = diferencia en diferencias (ANCOVA para puntuaciones pareadas).",
    legend_p: "Valores p bilaterales, ajustados entre dominios para cada comparación ({a}); junto a cada uno se nombra la prueba.",
    adjust_none: "sin ajuste",
    participants_in: "participantes",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

/// Built-in arm and wave labels with their names in each language.
const KNOWN_LABELS: &[(&str, &str, &str)] = &[
    ("intervention", "Intervention", "Intervención"),
    ("intervencion", "Intervention", "Intervención"),
    ("treatment", "Treatment", "Tratamiento"),
    ("tratamiento", "Treatment", "Tratamiento"),
    ("treated", "Treated", "Tratados"),
    ("program", "Program", "Programa"),
    ("programme", "Programme", "Programa"),
    ("programa", "Program", "Programa"),
    ("participant", "Participants", "Participantes"),
    ("participante", "Participants", "Participantes"),
    ("control", "Control", "Control"),
    ("comparison", "Comparison", "Comparación"),
    ("comparacion", "Comparison", "Comparación"),
    ("no participante", "Non-participants", "No participantes"),
    ("non-participant", "Non-participants", "No participantes"),
    ("pre", "Before", "Antes"),
    ("before", "Before", "Antes"),
    ("baseline", "Baseline", "Línea base"),
    ("antes", "Before", "Antes"),
    ("inicial", "Baseline", "Inicial"),
    ("pretest", "Pretest", "Pretest"),
    ("post", "After", "Después"),
    ("after", "After", "Después"),
    ("endline", "Endline", "Final"),
    ("despues", "After", "Después"),
    ("final", "Endline", "Final"),
    ("posttest", "Posttest", "Postest"),
];

/// How an arm or wave label is shown to people: a built-in label in the output's
/// language (`program` → "Programa" in Spanish), any other label as written with a
/// capital first letter.
pub fn display_label(raw: &str, lang: Lang) -> String {
    let f = crate::text::fold(raw);
    if let Some((_, en, es)) = KNOWN_LABELS.iter().find(|k| k.0 == f) {
        return match lang {
            Lang::En => en.to_string(),
            Lang::Es => es.to_string(),
        };
    }
    let mut c = raw.trim().chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_each_language() {
        assert_eq!(display_label("program", Lang::Es), "Programa");
        assert_eq!(display_label("Después", Lang::En), "After");
        assert_eq!(
            display_label("No participante", Lang::En),
            "Non-participants"
        );
        assert_eq!(display_label("centro", Lang::Es), "Centro");
        assert_eq!(display_label("2024-02", Lang::En), "2024-02");
    }
}
