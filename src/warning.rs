//! Warnings: a stable code, its arguments, and its text in English and Spanish.
//!
//! A warning is built from a [`Code`] and named arguments (`args![n = 3]`); its
//! English `message` is written once, when it is built (the JSON's `message`, as
//! it always was), and the views render it again in the report's language with
//! [`Warning::text`]. Every code has an English and a Spanish template (the
//! `codes!` table below: the compiler sees both), listed in docs/warnings.md.
//!
//! Templates name their arguments: `{n}`; `{n|value|values}` picks the first form
//! when `n` is 1, the second otherwise. An argument withheld (by `--min-cell`) takes
//! its ` (…)` with it.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// How long a value (a column name, a level, a cell) may be in a message or a table
/// of a human view before it is cut with "…".
pub const MAX_VALUE_CHARS: usize = 60;

/// `s` cut to `max` characters (on a character boundary), ending in "…" when cut.
pub fn cut(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((at, _)) if s[at..].chars().nth(1).is_some() => format!("{}…", &s[..at]).into(),
        _ => s.into(),
    }
}

/// Every quoted value ("…") longer than [`MAX_VALUE_CHARS`] in `s` cut, and `s` as a
/// whole cut to `max_total` characters: for messages built with values inside.
pub fn cut_quoted(s: &str, max_total: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_total * 4));
    let mut rest = s;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find('"') {
            Some(close) => {
                out.push_str(&cut(&rest[..close], MAX_VALUE_CHARS));
                out.push('"');
                rest = &rest[close + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    cut(&out, max_total).into_owned()
}

macro_rules! codes {
    ($($variant:ident $code:literal { en: $en:literal, es: $es:literal $(,)? })*) => {
        /// The kind of a warning: stable, serialised as its snake_case `code`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in the order of docs/warnings.md.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            /// The code as written in the JSON (`"all_missing"`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }
            /// The template in English (the JSON's `message`).
            pub fn en(self) -> &'static str {
                match self { $(Code::$variant => $en),* }
            }
            /// The template in Spanish.
            pub fn es(self) -> &'static str {
                match self { $(Code::$variant => $es),* }
            }
        }
    };
}

codes! {
    // Columns left out.
    AllMissing "all_missing" {
        en: "every value is missing; domain skipped",
        es: "todos los valores faltan; dominio omitido",
    }
    FreeText "free_text" {
        en: "{count} distinct text values: free text or identifiers, not a domain; skipped (use --ignore to silence)",
        es: "{count} textos distintos: texto libre o identificadores, no un dominio; omitido (--ignore lo silencia)",
    }
    FreeTextMany "free_text_many" {
        en: "over {count} distinct text values: free text or identifiers, not a domain; skipped (use --ignore to silence)",
        es: "más de {count} textos distintos: texto libre o identificadores, no un dominio; omitido (--ignore lo silencia)",
    }
    Dates "dates" {
        en: "dates, not an outcome; skipped (use --ignore to silence)",
        es: "fechas, no un resultado; omitido (--ignore lo silencia)",
    }
    LongText "long_text" {
        en: "long free text (comments), not an outcome; skipped (use --ignore to silence)",
        es: "texto libre largo (comentarios), no un resultado; omitido (--ignore lo silencia)",
    }
    SingleText "single_text" {
        en: "a single text value; domain skipped",
        es: "un único valor de texto; dominio omitido",
    }
    NoPartner "no_partner" {
        en: "column \"{column}\" has no partner column of the other wave; skipped",
        es: "la columna \"{column}\" no tiene pareja de la otra ronda; omitida",
    }
    SecondOfWave "second_of_wave" {
        en: "column \"{column}\" is a second column of the same wave of \"{partner}\"; skipped",
        es: "la columna \"{column}\" es una segunda columna de la misma ronda que \"{partner}\"; omitida",
    }
    UnknownWordsWide "unknown_words_wide" {
        en: "columns end in \"{a}\" and \"{b}\" in pairs, which are not wave words: if they are two waves, name them with --pre {a} --post {b} (or --pre {b} --post {a}); they are skipped",
        es: "hay columnas que terminan en \"{a}\" y \"{b}\" por pares, que no son palabras de ronda: si son dos rondas, nómbrelas con --pre {a} --post {b} (o --pre {b} --post {a}); se omiten",
    }
    UnknownWordsLong "unknown_words_long" {
        en: "columns end in \"{a}\" and \"{b}\" in pairs, which are not wave words: if they are two waves, name them with --pre {a} --post {b} (or --pre {b} --post {a}); as it is, every column is read as one wave",
        es: "hay columnas que terminan en \"{a}\" y \"{b}\" por pares, que no son palabras de ronda: si son dos rondas, nómbrelas con --pre {a} --post {b} (o --pre {b} --post {a}); tal como está, cada columna se lee como una sola ronda",
    }
    AttributeConstant "attribute_constant" {
        en: "notice: \"{column}\" has the same value at every wave for every participant: a participant attribute, shown in the baseline balance table, not analysed as an outcome (a [[domain]] entry in the spec keeps it an outcome)",
        es: "nota: \"{column}\" tiene el mismo valor en todas las rondas para cada participante: una característica del participante, mostrada en la tabla de equilibrio inicial, no analizada como resultado (una entrada [[domain]] en la especificación la mantiene como resultado)",
    }
    AttributeWide "attribute_wide" {
        en: "notice: \"{column}\" has no wave suffix in a wide file: a participant attribute, shown in the baseline balance table, not analysed as an outcome (a [[domain]] entry in the spec keeps it an outcome)",
        es: "nota: \"{column}\" no tiene sufijo de ronda en un archivo ancho: una característica del participante, mostrada en la tabla de equilibrio inicial, no analizada como resultado (una entrada [[domain]] en la especificación la mantiene como resultado)",
    }
    ChoiceSummary "choice_summary" {
        en: "the answers of a multiple-choice question, space-separated; skipped (each choice is its own yes/no column)",
        es: "las respuestas de una pregunta de opción múltiple, separadas por espacios; omitida (cada opción es su propia columna sí/no)",
    }
    NoDirection "no_direction" {
        en: "notice: no direction given for {domains}: findings say higher or lower, not better or worse (--lower-is-better COL,... or higher_is_better in the spec)",
        es: "nota: no se indicó la dirección de {domains}: los hallazgos dicen mayor o menor, no mejor o peor (--lower-is-better COL,... o higher_is_better en la especificación)",
    }
    IgnoreAbsent "ignore_absent" {
        en: "--ignore {column}: there is no such column; nothing to ignore",
        es: "--ignore {column}: no existe esa columna; nada que ignorar",
    }
    // How the file was read.
    SheetRead "sheet_read" {
        en: "notice: read sheet \"{sheet}\" (sheet {k} of {n}); --sheet NAME reads another",
        es: "nota: se leyó la hoja \"{sheet}\" (hoja {k} de {n}); --sheet NOMBRE lee otra",
    }
    SheetReadFirstEmpty "sheet_read_first_empty" {
        en: "notice: read sheet \"{sheet}\" (sheet {k} of {n}); the first sheet, \"{first}\", is empty; --sheet NAME reads another",
        es: "nota: se leyó la hoja \"{sheet}\" (hoja {k} de {n}); la primera hoja, \"{first}\", está vacía; --sheet NOMBRE lee otra",
    }
    SheetReadFirstNoRows "sheet_read_first_no_rows" {
        en: "notice: read sheet \"{sheet}\" (sheet {k} of {n}); the first sheet, \"{first}\", has a header and no data rows; --sheet NAME reads another",
        es: "nota: se leyó la hoja \"{sheet}\" (hoja {k} de {n}); la primera hoja, \"{first}\", tiene encabezado y ninguna fila de datos; --sheet NOMBRE lee otra",
    }
    SheetReadFirstNoTable "sheet_read_first_no_table" {
        en: "notice: read sheet \"{sheet}\" (sheet {k} of {n}); the first sheet, \"{first}\", holds no table (instructions or notes); --sheet NAME reads another",
        es: "nota: se leyó la hoja \"{sheet}\" (hoja {k} de {n}); la primera hoja, \"{first}\", no contiene una tabla (instrucciones o notas); --sheet NOMBRE lee otra",
    }
    // Rows left out.
    WavesDropped "waves_dropped" {
        en: "{n} rows of wave \"{wave}\" dropped (only the waves chosen with --pre/--post are compared)",
        es: "{n} {n|fila|filas} de la ronda \"{wave}\" {n|descartada|descartadas} (solo se comparan las rondas elegidas con --pre/--post)",
    }
    ByMissing "by_missing" {
        en: "{n} rows have no value in --by column; they count only in the pooled results",
        es: "{n} {n|fila no tiene|filas no tienen} valor en la columna de --by; solo cuentan en los resultados conjuntos",
    }
    // Clusters.
    ClusterMissing "cluster_missing" {
        en: "{n} participants have no value in the cluster column \"{column}\"; they are left out of the cluster-robust tests",
        es: "{n} {n|participante no tiene|participantes no tienen} valor en la columna de conglomerados \"{column}\"; quedan fuera de las pruebas robustas por conglomerados",
    }
    ClusterSingle "cluster_single" {
        en: "the cluster column \"{column}\" has {n} {n|cluster|clusters}: cluster-robust tests cannot be run (p-values are null); use --cluster none if the column is not a grouping of children",
        es: "la columna de conglomerados \"{column}\" tiene {n} {n|conglomerado|conglomerados}: no se pueden hacer pruebas robustas por conglomerados (los valores p son nulos); use --cluster none si la columna no agrupa a los niños",
    }
    ClusterArmNone "cluster_arm_none" {
        en: "no cluster of \"{column}\" holds {arm} participants: the arms cannot be compared taking the clusters into account",
        es: "ningún conglomerado de \"{column}\" tiene participantes del grupo {arm}: los grupos no se pueden comparar teniendo en cuenta los conglomerados",
    }
    ClusterFew "cluster_few" {
        en: "only {k} clusters of \"{column}\" in the {arm} arm: with fewer than 10 clusters per arm even CR2 tests are approximate; read the p-values with care",
        es: "solo {k} conglomerados de \"{column}\" en el grupo {arm}: con menos de 10 conglomerados por grupo incluso las pruebas CR2 son aproximadas; lea los valores p con cuidado",
    }
    CovariateMissing "covariate_missing" {
        en: "{comparison}: {n} participants without a value of every covariate are left out of the adjusted model",
        es: "{comparison}: {n} {n|participante sin valor|participantes sin valor} en alguna covariable {n|queda|quedan} fuera del modelo ajustado",
    }
    CovariateDropped "covariate_dropped" {
        en: "{comparison}: covariate \"{covariate}\" is constant or collinear with the other terms; dropped from the model",
        es: "{comparison}: la covariable \"{covariate}\" es constante o colineal con los demás términos; se quita del modelo",
    }
    ArmCollinear "arm_collinear" {
        en: "{comparison}: the arm cannot be told apart from the other terms of the model (collinear); not tested",
        es: "{comparison}: el grupo no se distingue de los demás términos del modelo (colineal); no se prueba",
    }
    // Numbers to read with care.
    Untestable "untestable" {
        en: "{comparison} {method}: cannot be tested (too few observations or no variation); p-value is null",
        es: "{comparison} {method}: no se puede probar (muy pocas observaciones o sin variación); el valor p es nulo",
    }
    ExpectedCount "expected_count" {
        en: "{comparison}: an expected count is below 5 ({x}); the χ² p-value may be inaccurate",
        es: "{comparison}: una frecuencia esperada es menor que 5 ({x}); el valor p de χ² puede ser inexacto",
    }
    // Planning the next round.
    PowerOneGroup "power_one_group" {
        en: "--power plans a comparison between arms; with one group there is no plan",
        es: "--power planifica una comparación entre grupos; con un solo grupo no hay plan",
    }
    PowerTooFew "power_too_few" {
        en: "power ({comparison}): fewer than two participants per arm: the minimum detectable effect is null",
        es: "potencia ({comparison}): menos de dos participantes por grupo: el efecto mínimo detectable es nulo",
    }
    PowerNoSpread "power_no_spread" {
        en: "power ({comparison}): no spread at baseline: the minimum detectable effect and the sample size are null",
        es: "potencia ({comparison}): sin dispersión en la línea de base: el efecto mínimo detectable y el tamaño de muestra son nulos",
    }
    PowerNoCorrelation "power_no_correlation" {
        en: "power ({comparison}): the pre–post correlation is undefined (too few matched participants, or no spread among them): the minimum detectable effect and the sample size are null",
        es: "potencia ({comparison}): la correlación antes–después no está definida (muy pocos participantes emparejados, o sin dispersión entre ellos): el efecto mínimo detectable y el tamaño de muestra son nulos",
    }
    PowerPerfectCorrelation "power_perfect_correlation" {
        en: "power ({comparison}): before and after are perfectly correlated (no residual spread): the minimum detectable effect and the sample size are null",
        es: "potencia ({comparison}): antes y después están perfectamente correlacionados (sin dispersión residual): el efecto mínimo detectable y el tamaño de muestra son nulos",
    }
    PowerProportionAtBound "power_proportion_at_bound" {
        en: "power ({comparison}): the control group's proportion at follow-up is 0% or 100%: the minimum detectable effect and the sample size are null",
        es: "potencia ({comparison}): la proporción del grupo de control en el seguimiento es 0% o 100%: el efecto mínimo detectable y el tamaño de muestra son nulos",
    }
    PowerNoEffect "power_no_effect" {
        en: "power ({comparison}): the observed effect is 0 or undefined: no sample size detects it, so n_per_arm_needed is null",
        es: "potencia ({comparison}): el efecto observado es 0 o no está definido: ningún tamaño de muestra lo detecta, así que n_per_arm_needed es nulo",
    }
    PowerEffectAtBound "power_effect_at_bound" {
        en: "power ({comparison}): the observed effect takes the proportion to 0% or 100%: n_per_arm_needed is null",
        es: "potencia ({comparison}): el efecto observado lleva la proporción a 0% o 100%: n_per_arm_needed es nulo",
    }
    PowerNothingDetectable "power_nothing_detectable" {
        en: "power ({comparison}): with this many participants not even a rise to 100% reaches the target power: the minimum detectable effect is null",
        es: "potencia ({comparison}): con tan pocos participantes ni una subida al 100% alcanza la potencia buscada: el efecto mínimo detectable es nulo",
    }
    PowerNoFollowUp "power_no_follow_up" {
        en: "power ({comparison}): nobody was seen at both waves, so enrolment cannot allow for attrition: n_enrol_per_arm is null",
        es: "potencia ({comparison}): nadie fue visto en ambas rondas, así que la inscripción no puede prever la pérdida: n_enrol_per_arm es nulo",
    }
    PowerNoDesignEffect "power_no_design_effect" {
        en: "power ({comparison}): the design effect is undefined: the plan is null",
        es: "potencia ({comparison}): el efecto de diseño no está definido: el plan es nulo",
    }
    // Derived domains.
    ScaleUnanswered "scale_unanswered" {
        en: "scale \"{scale}\": no participant answered {m} of its items; domain skipped",
        es: "escala \"{scale}\": ningún participante respondió {m} de sus ítems; dominio omitido",
    }
    ItemNegative "item_negative" {
        en: "item \"{item}\" correlates negatively with the rest of the scale at wave {wave} (r_drop {r}): a reverse-coded item not declared in reverse?",
        es: "el ítem \"{item}\" se correlaciona negativamente con el resto de la escala en la ronda {wave} (r_drop {r}): ¿un ítem invertido no declarado en reverse?",
    }
    WhoFlags "who_flags" {
        en: "{n} {n|value|values} at wave {wave} beyond WHO's flag limits (implausible, e.g. a typing error): treated as missing",
        es: "{n} {n|valor|valores} en la ronda {wave} fuera de los límites de la OMS (inverosímiles, p. ej. un error de tecleo): {n|tratado|tratados} como faltantes",
    }
    NoSex "no_sex" {
        en: "{n} measurements without sex (column \"{column}\"): no z-scores for them",
        es: "{n} {n|medición|mediciones} sin sexo (columna \"{column}\"): sin puntuaciones z",
    }
    NotPositive "not_positive" {
        en: "{n} weights or heights zero or negative: treated as missing",
        es: "{n} {n|peso o talla|pesos o tallas} cero o {n|negativo|negativos}: {n|tratado|tratados} como faltantes",
    }
    StandingYoung "standing_young" {
        en: "notice: {n} children measured standing before 9 months: taken as of unknown position, as WHO's packages do",
        es: "nota: {n} {n|niño medido|niños medidos} de pie antes de los 9 meses: se toma como posición desconocida, como hacen los paquetes de la OMS",
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A warning's arguments: `args![n = 3, column = name]`.
#[macro_export]
macro_rules! args {
    ($($name:ident = $value:expr),* $(,)?) => {
        vec![$((stringify!($name), ($value).to_string())),*]
    };
}

/// Arguments that hold a decimal number (shown with a decimal comma in Spanish).
const DECIMAL_ARGS: &[&str] = &["x", "r"];

/// One warning: what it is about, its kind and arguments, and its English text.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The domain (or column) it is about; `None` for the whole file.
    pub domain: Option<String>,
    /// The text in English, as built (the JSON's `message`).
    pub message: String,
    pub code: Code,
    pub args: Vec<(&'static str, String)>,
    /// Where in the analysis it arose: `age_band = 3-6: ` (a `--by` stratum), `w2: `
    /// (a middle wave); written before the text in every language.
    pub scope: String,
    /// The text in the report's language, filled in once the language is known
    /// (the JSON's `text`).
    pub text: Option<String>,
}

impl Warning {
    pub fn new(domain: Option<&str>, code: Code, args: Vec<(&'static str, String)>) -> Self {
        let message = fill(code.en(), &args, &|_, v| v.to_string());
        Warning {
            domain: domain.map(str::to_string),
            message,
            code,
            args,
            scope: String::new(),
            text: None,
        }
    }

    /// Put `scope` (`age_band = 3-6`, `w2`) before the text.
    pub fn within(mut self, scope: &str) -> Self {
        self.scope = format!("{scope}: {}", self.scope);
        self.message = format!("{scope}: {}", self.message);
        self
    }

    /// Leave out an argument (and its parenthesis), e.g. a count `--min-cell` withholds.
    pub fn withhold(&mut self, arg: &str) {
        if self.args.iter().any(|(k, _)| *k == arg) {
            self.args.retain(|(k, _)| *k != arg);
            self.message = format!(
                "{}{}",
                self.scope,
                fill(self.code.en(), &self.args, &|_, v| v.to_string())
            );
        }
    }

    /// The text (without the domain) in `lang` ("en" or "es"); values cut to a
    /// readable length when `cut_values`.
    pub fn render(&self, lang: &str, cut_values: bool) -> String {
        let scope = if cut_values {
            cut_quoted(&self.scope, 4 * MAX_VALUE_CHARS)
        } else {
            self.scope.clone()
        };
        format!("{scope}{}", render(self.code, &self.args, lang, cut_values))
    }

    /// Fill [`Warning::text`] in `lang` (full values: the JSON keeps them).
    pub fn localise(&mut self, lang: &str) {
        self.text = Some(self.render(lang, false));
    }
}

/// A code's text with `args` in `lang` ("en" or "es"), values cut when `cut_values`.
pub fn render(code: Code, args: &[(&'static str, String)], lang: &str, cut_values: bool) -> String {
    let cut_args: Vec<(&'static str, String)>;
    let args = if cut_values {
        cut_args = args
            .iter()
            .map(|(k, v)| (*k, cut(v, MAX_VALUE_CHARS).into_owned()))
            .collect();
        &cut_args
    } else {
        args
    };
    if lang == "es" {
        fill(code.es(), args, &spanish_value)
    } else {
        fill(code.en(), args, &|_, v| v.to_string())
    }
}

/// An argument's value as shown in `lang`.
pub fn shown_value(name: &str, value: &str, lang: &str) -> String {
    if lang == "es" {
        spanish_value(name, value)
    } else {
        value.to_string()
    }
}

/// An argument's value in Spanish: the arms' names, decimal commas.
fn spanish_value(name: &str, value: &str) -> String {
    match (name, value) {
        ("arm", "intervention") => "de intervención".into(),
        ("arm", "control") => "de control".into(),
        _ if DECIMAL_ARGS.contains(&name) && value.parse::<f64>().is_ok() => {
            value.replace('.', ",")
        }
        _ => value.to_string(),
    }
}

/// A template with its `{name}` and `{name|one|many}` placeholders filled.
pub fn fill(
    template: &str,
    args: &[(&'static str, String)],
    value: &dyn Fn(&str, &str) -> String,
) -> String {
    let get = |name: &str| {
        args.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    // A withheld argument takes its " (…)" with it.
    let mut template = std::borrow::Cow::Borrowed(template);
    for name in placeholders(&template) {
        if get(&name).is_none() {
            template = template.replace(&format!(" ({{{name}}})"), "").into();
        }
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = &template[..];
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &rest[open + 1..open + close];
        let mut parts = inner.split('|');
        let name = parts.next().unwrap_or_default();
        let v = get(name).unwrap_or_default();
        match (parts.next(), parts.next()) {
            (Some(one), Some(many)) => out.push_str(if v == "1" { one } else { many }),
            _ => out.push_str(&value(name, v)),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The argument names a template uses.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = rest[open + 1..open + close]
            .split('|')
            .next()
            .unwrap_or_default();
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        rest = &rest[open + close + 1..];
    }
    out
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Args<'a>(&'a [(&'static str, String)]);
        impl Serialize for Args<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        if let Some(d) = &self.domain {
            m.serialize_entry("domain", d)?;
        }
        m.serialize_entry("message", &self.message)?;
        m.serialize_entry("code", &self.code)?;
        m.serialize_entry("args", &Args(&self.args))?;
        m.serialize_entry("text", self.text.as_deref().unwrap_or(&self.message))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_in_both_languages() {
        for &c in Code::ALL {
            let mut en = placeholders(c.en());
            let mut es = placeholders(c.es());
            en.sort();
            es.sort();
            assert_eq!(en, es, "{}", c.as_str());
        }
    }

    #[test]
    fn plurals_decimals_and_withheld_arguments() {
        let w = Warning::new(Some("waz"), Code::WhoFlags, args![n = 1, wave = "pre"]);
        assert_eq!(
            w.message,
            "1 value at wave pre beyond WHO's flag limits (implausible, e.g. a typing error): treated as missing"
        );
        assert!(w.render("es", true).starts_with("1 valor en la ronda pre"));
        let mut w = Warning::new(
            None,
            Code::ExpectedCount,
            args![comparison = "between:pre", x = "1.23"],
        );
        assert!(w.render("es", true).contains("(1,23)"));
        w = w.within("a = 1");
        w.withhold("x");
        assert_eq!(
            w.message,
            "a = 1: between:pre: an expected count is below 5; the χ² p-value may be inaccurate"
        );
    }

    #[test]
    fn values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(100);
        let c = cut(&long, 60);
        assert_eq!(c.chars().count(), 60);
        assert!(c.ends_with('…'));
        assert_eq!(cut("short", 60), "short");
        assert_eq!(cut(&"a".repeat(60), 60).len(), 60);
        let q = cut_quoted(&format!("value \"{long}\" in \"x\""), 500);
        assert!(q.contains("\"x\"") && q.chars().count() < 80, "{q}");
    }
}
