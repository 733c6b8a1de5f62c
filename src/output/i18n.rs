//! Words of the human-readable views in English and Spanish.

use super::fmt::Lang;

/// Every word the table (and later charts, findings, report) prints.
pub struct Words {
    pub lang: Lang,
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
    pub legend_ci_per_domain: &'static str,
    pub adjust_none: &'static str,
    pub participants_in: &'static str,
    pub program: &'static str,
    pub control_group: &'static str,
    pub overview_title: &'static str,
    pub effects_title: &'static str,
    pub effects_title_change: &'static str,
    pub effects_title_between: &'static str,
    pub axis_pp: &'static str,
    pub axis_sd: &'static str,
    pub caption_bars: &'static str,
    pub caption_means: &'static str,
    pub caption_levels: &'static str,
    pub caption_adjusted: &'static str,
    pub caption_forest: &'static str,
    pub caption_standardised: &'static str,
    pub caption_standardised_between: &'static str,
    pub caption_did: &'static str,
    pub caption_between: &'static str,
    pub caption_change: &'static str,
    pub effect: &'static str,
    pub difference: &'static str,
    pub mean: &'static str,
    pub children: &'static str,
    pub adjusted_p: &'static str,
    pub ci: &'static str,
    pub findings: &'static str,
    pub f_ci: &'static str,
    pub f_bin_between: &'static str,
    pub f_after_program: &'static str,
    pub f_bin_did: &'static str,
    pub f_rose_more: &'static str,
    pub f_fell_more: &'static str,
    pub f_bin_change: &'static str,
    pub f_cont_means: &'static str,
    pub f_cont_did: &'static str,
    pub f_higher: &'static str,
    pub f_lower: &'static str,
    pub f_cont_between: &'static str,
    pub f_cont_change: &'static str,
    pub f_cat_moved: &'static str,
    pub f_cat_level: &'static str,
    pub f_differs: &'static str,
    pub f_not_differs: &'static str,
    pub f_sig_better: &'static str,
    pub f_sig_worse: &'static str,
    pub f_sig_favours: &'static str,
    pub f_sig_against: &'static str,
    pub f_not_sig: &'static str,
    pub f_not_sig_adjusted: &'static str,
    pub f_untested: &'static str,
    pub design_sample: &'static str,
    pub charts: &'static str,
    pub tables: &'static str,
    pub methods: &'static str,
    pub methods_intro: &'static str,
    pub test: &'static str,
    pub used_for: &'static str,
    pub reference: &'static str,
    pub domain: &'static str,
    pub strata: &'static str,
    pub report_generated: &'static str,
    pub files: &'static str,
    pub summary_heading: &'static str,
    pub tests_heading: &'static str,
    pub comparison: &'static str,
    pub estimate: &'static str,
    pub effect_size: &'static str,
    pub group: &'static str,
    pub wave: &'static str,
    pub level: &'static str,
    pub no_warnings: &'static str,
    /// Repeated warnings grouped: "{n} domains", "{n} cases", "… and {n} more",
    /// "({n} times)"; the stderr prefix of a warning ("warning: ").
    pub w_domains: &'static str,
    pub w_cases: &'static str,
    pub w_more: &'static str,
    pub w_times: &'static str,
    pub w_prefix: &'static str,
    /// A workbook's sheet after its file's name: "book.xlsx [sheet Datos]".
    pub sheet: &'static str,
    pub att_both: &'static str,
    pub att_before_only: &'static str,
    pub att_after_only: &'static str,
    pub strata_note: &'static str,
    pub proportions_ci: &'static str,
    pub adjustment: &'static str,
    pub contents: &'static str,
    pub n_range: &'static str,
    pub sd_unit: &'static str,
    pub mean_ci: &'static str,
    /// `--min-cell`: what the "<N" marker means (`{m}` the marker, `{n}` N).
    pub legend_withheld: &'static str,
    /// `--min-cell`: a finding whose numbers are withheld; `{reason}` names the small
    /// cell (`privacy::withheld_because`).
    pub f_withheld: &'static str,
    /// `--min-cell`: a chart bar or point that is withheld.
    pub withheld: &'static str,
}

pub const EN: Words = Words {
    lang: Lang::En,
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
    legend_ci_per_domain: "Intervals are per domain, not adjusted: one can exclude 0 while its adjusted p is 0.05 or more; significance is judged by the adjusted p.",
    adjust_none: "not adjusted",
    participants_in: "participants",
    program: "Program",
    control_group: "Control",
    overview_title: "Outcomes before and after, program and control",
    effects_title: "Program effect on each domain",
    effects_title_change: "Change in each domain",
    effects_title_between: "Difference between groups in each domain",
    axis_pp: "Difference in percentage points",
    axis_sd: "Scores: standardised difference (standard deviations)",
    caption_bars: "Bars: percentage with {c}% confidence interval.",
    caption_means: "Points: mean with {c}% confidence interval.",
    caption_levels: "Share of children at each level.",
    caption_adjusted: "p-values adjusted across domains ({a}); intervals are per domain, not adjusted.",
    caption_forest: "Dots: estimate with {c}% confidence interval; filled = significant (adjusted p < 0.05), hollow = not significant after adjustment; blue = favourable, vermillion = unfavourable.",
    caption_standardised_between: "Scores are divided by the pooled standard deviation of both groups.",
    caption_standardised: "Scores are divided by the pooled standard deviation before the program.",
    caption_did: "Program effect = difference in differences: change in the program group minus change in the control group.",
    caption_between: "Difference = program group minus control group.",
    caption_change: "Change = after − before.",
    effect: "Effect",
    difference: "Difference",
    mean: "Mean",
    children: "children",
    adjusted_p: "adjusted p",
    ci: "CI",
    findings: "Findings",
    f_ci: "{c}% CI {lo} to {hi}",
    f_bin_between: "{label}: {p1} of children in the program group {when}, compared with {p0} in the control group (difference {d} points, {ci}; {p})",
    f_after_program: "after the program",
    f_bin_did: "From {b1} and {b0} before the program, the share in the program group {verb} ({ci}; {p})",
    f_rose_more: "rose {d} points more than in the control group",
    f_fell_more: "fell {d} points more than in the control group",
    f_bin_change: "{label}: {p1} of children after the program, compared with {b1} before (change {d} points, {ci}; {p})",
    f_cont_means: "{label}: the mean after the program was {m1} in the program group and {m0} in the control group (before: {b1} and {b0})",
    f_cont_did: "Taking the starting point into account, the program group scored {d} {dir} ({ci}; {p}; {es} standard deviations)",
    f_higher: "higher",
    f_lower: "lower",
    f_cont_between: "{label}: mean {m1} in the program group and {m0} in the control group (difference {d}, {ci}; {p})",
    f_cont_change: "{label}: the mean went from {b1} before to {m1} after the program (change {d}, {ci}; {p})",
    f_cat_moved: "{label}: {p1} of children in the program group moved up a level, compared with {p0} in the control group (difference {d} points, {ci}; {p})",
    f_cat_level: "{label}: after the program, {p1} of children in the program group were at level “{level}”, compared with {p0} in the control group; the distribution of levels between the groups {verdict} ({p})",
    f_differs: "differs significantly",
    f_not_differs: "does not differ significantly",
    f_sig_better: "a statistically significant improvement",
    f_sig_worse: "a statistically significant worsening",
    f_sig_favours: "statistically significant, favouring the program group",
    f_sig_against: "statistically significant, favouring the control group",
    f_not_sig: "not statistically significant",
    f_not_sig_adjusted: "not statistically significant once adjusted across domains (p < 0.05 before adjustment; the interval is not adjusted)",
    f_untested: "could not be tested",
    design_sample: "Design and sample",
    charts: "Charts",
    tables: "Tables",
    methods: "Methods",
    methods_intro: "Every test is two-sided. Confidence intervals are at the {c}% level. p-values of the primary tests are adjusted across domains for each comparison ({a}); the intervals are not: each is the domain's own, so an interval can exclude 0 while the adjusted p is 0.05 or more, and significance is judged by the adjusted p.",
    test: "Test",
    used_for: "Used for",
    reference: "Reference",
    domain: "Domain",
    strata: "Strata",
    report_generated: "Generated by evaluate {v}.",
    files: "Files",
    summary_heading: "Summary",
    tests_heading: "Tests",
    comparison: "Comparison",
    estimate: "Estimate",
    effect_size: "Effect size",
    group: "Group",
    wave: "Wave",
    level: "Level",
    no_warnings: "No warnings.",
    w_domains: "{n} domains",
    w_cases: "{n} cases",
    w_more: "… and {n} more",
    w_times: "({n} times)",
    w_prefix: "warning",
    sheet: "sheet",
    att_both: "Seen at both waves",
    att_before_only: "Only before",
    att_after_only: "Only after",
    strata_note: "Headline estimate within each value of {col}, and for everyone (Total).",
    proportions_ci: "Confidence intervals of percentages",
    adjustment: "Adjustment for several domains",
    contents: "Contents",
    n_range: "n = {n} children per group and wave.",
    sd_unit: "SD",
    mean_ci: "Mean ({c}% CI)",
    legend_withheld: "{m}: withheld to protect children's privacy: the value rests on fewer than {n} children, or would let such a value be worked out (--min-cell {n}).",
    f_withheld: "{label}: not reported to protect children's privacy: {reason}.",
    withheld: "withheld",
};

pub const ES: Words = Words {
    lang: Lang::Es,
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
    legend_ci_per_domain: "Los intervalos son por dominio, sin ajuste: uno puede excluir el 0 aunque su p ajustado sea 0,05 o más; la significación se juzga con el p ajustado.",
    adjust_none: "sin ajuste",
    participants_in: "participantes",
    program: "Programa",
    control_group: "Control",
    overview_title: "Resultados antes y después, programa y control",
    effects_title: "Efecto del programa en cada dominio",
    effects_title_change: "Cambio en cada dominio",
    effects_title_between: "Diferencia entre grupos en cada dominio",
    axis_pp: "Diferencia en puntos porcentuales",
    axis_sd: "Puntajes: diferencia estandarizada (desviaciones estándar)",
    caption_bars: "Barras: porcentaje con intervalo de confianza del {c} %.",
    caption_means: "Puntos: media con intervalo de confianza del {c} %.",
    caption_levels: "Porcentaje de niños y niñas en cada nivel.",
    caption_adjusted: "Valores p ajustados entre dominios ({a}); los intervalos son por dominio, sin ajuste.",
    caption_forest: "Puntos: estimación con intervalo de confianza del {c} %; rellenos = significativo (p ajustado < 0,05), huecos = no significativo tras el ajuste; azul = favorable, bermellón = desfavorable.",
    caption_standardised_between: "Los puntajes se dividen entre la desviación estándar combinada de ambos grupos.",
    caption_standardised: "Los puntajes se dividen entre la desviación estándar combinada antes del programa.",
    caption_did: "Efecto del programa = diferencia en diferencias: cambio en el grupo del programa menos cambio en el grupo de control.",
    caption_between: "Diferencia = grupo del programa menos grupo de control.",
    caption_change: "Cambio = después − antes.",
    effect: "Efecto",
    difference: "Diferencia",
    mean: "Media",
    children: "niños y niñas",
    adjusted_p: "p ajustado",
    ci: "IC",
    findings: "Hallazgos",
    f_ci: "IC {c} %: {lo} a {hi}",
    f_bin_between: "{label}: {p1} de los niños y niñas del grupo del programa {when}, frente a {p0} en el grupo de control (diferencia de {d} puntos, {ci}; {p})",
    f_after_program: "después del programa",
    f_bin_did: "Partiendo de {b1} y {b0} antes del programa, el porcentaje en el grupo del programa {verb} ({ci}; {p})",
    f_rose_more: "subió {d} puntos más que en el grupo de control",
    f_fell_more: "bajó {d} puntos más que en el grupo de control",
    f_bin_change: "{label}: {p1} de los niños y niñas después del programa, frente a {b1} antes (cambio de {d} puntos, {ci}; {p})",
    f_cont_means: "{label}: la media después del programa fue {m1} en el grupo del programa y {m0} en el grupo de control (antes: {b1} y {b0})",
    f_cont_did: "Teniendo en cuenta el punto de partida, el grupo del programa obtuvo {d} puntos {dir} ({ci}; {p}; {es} desviaciones estándar)",
    f_higher: "más",
    f_lower: "menos",
    f_cont_between: "{label}: media de {m1} en el grupo del programa y {m0} en el grupo de control (diferencia de {d}, {ci}; {p})",
    f_cont_change: "{label}: la media pasó de {b1} antes a {m1} después del programa (cambio de {d}, {ci}; {p})",
    f_cat_moved: "{label}: {p1} de los niños y niñas del grupo del programa subieron de nivel, frente a {p0} en el grupo de control (diferencia de {d} puntos, {ci}; {p})",
    f_cat_level: "{label}: después del programa, {p1} de los niños y niñas del grupo del programa estaban en el nivel «{level}», frente a {p0} en el grupo de control; la distribución de niveles entre grupos {verdict} ({p})",
    f_differs: "difiere significativamente",
    f_not_differs: "no difiere significativamente",
    f_sig_better: "una mejora estadísticamente significativa",
    f_sig_worse: "un empeoramiento estadísticamente significativo",
    f_sig_favours: "estadísticamente significativo, a favor del grupo del programa",
    f_sig_against: "estadísticamente significativo, a favor del grupo de control",
    f_not_sig: "sin significación estadística",
    f_not_sig_adjusted: "sin significación estadística tras el ajuste entre dominios (p < 0,05 antes del ajuste; el intervalo no está ajustado)",
    f_untested: "no se pudo evaluar",
    design_sample: "Diseño y muestra",
    charts: "Gráficos",
    tables: "Tablas",
    methods: "Métodos",
    methods_intro: "Todas las pruebas son bilaterales. Los intervalos de confianza son del {c} %. Los valores p de las pruebas principales se ajustan entre dominios para cada comparación ({a}); los intervalos no: cada uno es el del dominio, así que un intervalo puede excluir el 0 aunque el p ajustado sea 0,05 o más, y la significación se juzga con el p ajustado.",
    test: "Prueba",
    used_for: "Se usa para",
    reference: "Referencia",
    domain: "Dominio",
    strata: "Estratos",
    report_generated: "Generado por evaluate {v}.",
    files: "Archivos",
    summary_heading: "Resumen",
    tests_heading: "Pruebas",
    comparison: "Comparación",
    estimate: "Estimación",
    effect_size: "Tamaño del efecto",
    group: "Grupo",
    wave: "Medición",
    level: "Nivel",
    no_warnings: "Sin advertencias.",
    w_domains: "{n} dominios",
    w_cases: "{n} casos",
    w_more: "… y {n} más",
    w_times: "({n} veces)",
    w_prefix: "advertencia",
    sheet: "hoja",
    att_both: "Medidos en ambas ocasiones",
    att_before_only: "Solo antes",
    att_after_only: "Solo después",
    strata_note: "Estimación principal dentro de cada valor de {col}, y para todos (Total).",
    proportions_ci: "Intervalos de confianza de porcentajes",
    adjustment: "Ajuste por varios dominios",
    contents: "Contenido",
    n_range: "n = {n} niños y niñas por grupo y medición.",
    sd_unit: "DE",
    mean_ci: "Media (IC {c} %)",
    legend_withheld: "{m}: dato omitido para proteger la privacidad de niñas y niños: se basa en menos de {n} niños, o permitiría deducir un dato así (--min-cell {n}).",
    f_withheld: "{label}: no se informa para proteger la privacidad de niñas y niños: {reason}.",
    withheld: "omitido",
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

impl Words {
    /// The arm as charts, findings and the report name it.
    pub fn arm(&self, arm: crate::cohort::Arm) -> &'static str {
        match arm {
            crate::cohort::Arm::Intervention => self.program,
            crate::cohort::Arm::Control => self.control_group,
        }
    }
    /// The wave as charts, findings and the report name it.
    pub fn wave(&self, wave: crate::cohort::Wave) -> &'static str {
        match wave {
            crate::cohort::Wave::Pre => self.before,
            crate::cohort::Wave::Post | crate::cohort::Wave::Mid(_) => self.after,
        }
    }

    /// A label the spec gives (`{ value = "1", label = "Programa" }`), in the
    /// output's language when given per language.
    fn spec_label(&self, l: &crate::input::spec::Label) -> String {
        let code = match self.lang {
            Lang::En => "en",
            Lang::Es => "es",
        };
        l.get(code).unwrap_or_default().to_string()
    }

    /// An arm as charts and the report show it: its label in the data, shown in the
    /// output's language (`program` → "Programa"), or the generic word.
    pub fn arm_label(&self, labels: &crate::cohort::Labels, arm: crate::cohort::Arm) -> String {
        if let Some(l) = labels.display.arm(arm) {
            return self.spec_label(l);
        }
        let l = match arm {
            crate::cohort::Arm::Intervention => &labels.intervention,
            crate::cohort::Arm::Control => &labels.control,
        };
        match l {
            Some(l) if !l.trim().is_empty() => display_label(l, self.lang),
            _ => self.arm(arm).to_string(),
        }
    }

    /// A wave as charts and the report show it (see [`Words::arm_label`]).
    pub fn wave_label(&self, labels: &crate::cohort::Labels, wave: crate::cohort::Wave) -> String {
        if let Some(l) = labels.display.wave(wave) {
            return self.spec_label(l);
        }
        let l = match wave {
            crate::cohort::Wave::Pre => &labels.pre,
            crate::cohort::Wave::Post => &labels.post,
            crate::cohort::Wave::Mid(k) => {
                if let Some(l) = labels.middle.get(usize::from(k).saturating_sub(2)) {
                    return l.clone();
                }
                &labels.post
            }
        };
        match l {
            Some(l) if !l.trim().is_empty() => display_label(l, self.lang),
            _ => self.wave(wave).to_string(),
        }
    }
}

/// Words of the "Planning the next round" block (`--power`, contract §11).
pub struct PlanWords {
    pub title: &'static str,
    /// `{power}` the target power (%), `{alpha}` the significance level.
    pub intro: &'static str,
    pub domain: &'static str,
    pub observed: &'static str,
    pub mde: &'static str,
    pub needed: &'static str,
    pub enrol: &'static str,
    pub sd: &'static str,
    pub correlation: &'static str,
    pub attrition: &'static str,
    pub design_effect: &'static str,
    pub assumptions: &'static str,
    /// `{d}` size, `{dir}` rise/fall, `{label}`, `{power}`, `{n}` children, `{allow}`.
    pub f_enrol: &'static str,
    pub rise: &'static str,
    pub fall: &'static str,
    pub points: &'static str,
    pub pct_points: &'static str,
    pub unit_points: &'static str,
    pub unit_pct_points: &'static str,
    /// `{a}` attrition (%), `{clustering}`.
    pub allow_attrition: &'static str,
    pub allow_clustering: &'static str,
    /// `{deff}` the design effect.
    pub clustering: &'static str,
    pub and: &'static str,
    /// `{n}` children per group now, `{power}`, `{mde}` with its unit.
    pub f_mde: &'static str,
    pub f_none: &'static str,
}

pub const PLAN_EN: PlanWords = PlanWords {
    title: "Planning the next round",
    intro: "Two-sided test at α = {alpha}, {power}% power, from this round's numbers.",
    domain: "Domain",
    observed: "Observed",
    mde: "MDE now",
    needed: "Needed / group",
    enrol: "Enrol / group",
    sd: "sd",
    correlation: "r",
    attrition: "Attrition",
    design_effect: "Design eff.",
    assumptions: "MDE now = minimum detectable effect: the smallest effect this round's sample could detect; needed = children per group to confirm the observed effect (t test on the score, residual sd = sd·√(1 − r²); two-proportion test for yes/no); enrol = needed ÷ (1 − attrition), rounded up. sd = pooled within-group sd at baseline; r = correlation of before and after within groups; attrition = share of children seen at baseline and not at follow-up; design effect = inflation for clustering (1 without clusters).",
    f_enrol: "To confirm a {d} {dir} in {label} with {power}% power, enrol about {n} children per group{allow}.",
    rise: "rise",
    fall: "fall",
    points: "-point",
    pct_points: "-percentage-point",
    unit_points: "points",
    unit_pct_points: "percentage points",
    allow_attrition: "{a}% attrition",
    allow_clustering: ", allowing for ",
    clustering: "the clustering (design effect {deff})",
    and: " and ",
    f_mde: "With about {n} children per group, as in this round, the smallest effect in {label} detectable with {power}% power is {mde}.",
    f_none: "{label}: no plan can be made from these data (see the warnings).",
};

pub const PLAN_ES: PlanWords = PlanWords {
    title: "Planificar la próxima ronda",
    intro: "Prueba bilateral con α = {alpha} y potencia del {power} %, a partir de los números de esta ronda.",
    domain: "Dominio",
    observed: "Observado",
    mde: "EMD ahora",
    needed: "Necesarios / grupo",
    enrol: "Inscribir / grupo",
    sd: "de",
    correlation: "r",
    attrition: "Deserción",
    design_effect: "Ef. diseño",
    assumptions: "EMD ahora = efecto mínimo detectable, el menor efecto que la muestra de esta ronda podría detectar; necesarios = niños y niñas por grupo para confirmar el efecto observado (prueba t en el puntaje, de residual = de·√(1 − r²); prueba de dos proporciones para sí/no); inscribir = necesarios ÷ (1 − deserción), redondeado hacia arriba. de = desviación estándar combinada dentro de los grupos al inicio; r = correlación entre antes y después dentro de los grupos; deserción = proporción de niños y niñas vistos al inicio y no en el seguimiento; efecto de diseño = inflación por agrupamiento (1 sin conglomerados).",
    f_enrol: "Para confirmar {dir} de {d} en {label} con una potencia del {power} %, inscriba unos {n} niños y niñas por grupo{allow}.",
    rise: "un aumento",
    fall: "un descenso",
    points: " puntos",
    pct_points: " puntos porcentuales",
    unit_points: "puntos",
    unit_pct_points: "puntos porcentuales",
    allow_attrition: "un {a} % de deserción",
    allow_clustering: ", previendo ",
    clustering: "el agrupamiento (efecto de diseño {deff})",
    and: " y ",
    f_mde: "Con unos {n} niños y niñas por grupo, como en esta ronda, el menor efecto en {label} detectable con una potencia del {power} % es de {mde}.",
    f_none: "{label}: estos datos no permiten planificar (vea las advertencias).",
};

pub fn plan_words(lang: Lang) -> &'static PlanWords {
    match lang {
        Lang::En => &PLAN_EN,
        Lang::Es => &PLAN_ES,
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
