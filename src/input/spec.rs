//! The spec file (`--spec evaluation.toml`, contract §2.6): title, language, labels,
//! domain names, `pass` thresholds, `higher_is_better` and level order.

use crate::error::{UResult, UserError};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub title: Option<String>,
    pub lang: Option<String>,
    #[serde(default)]
    pub groups: Groups,
    #[serde(default)]
    pub waves: Waves,
    #[serde(default, rename = "domain")]
    pub domains: Vec<DomainSpec>,
    /// `cluster = "COL"`: the clusters' column (contract §6.2).
    pub cluster: Option<String>,
    /// `covariates = ["COL", ...]`: baseline characteristics (contract §6.3).
    #[serde(default)]
    pub covariates: Vec<String>,
    /// `[anthropometry]`: WHO z-scores from weight and height (contract §10.2).
    pub anthropometry: Option<Anthropometry>,
    /// `[[scale]]`: scale scores from items (contract §10.1).
    #[serde(default, rename = "scale")]
    pub scales: Vec<ScaleSpec>,
    /// `ignore = ["COL", ...]`: columns never analysed (as `--ignore`; a column a
    /// file lacks is only noted, so one spec serves every file of a project).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// `domains = ["COL", ...]`: the only columns analysed as outcomes (besides
    /// `[[domain]]` entries and the columns scales, anthropometry and covariates use).
    #[serde(rename = "domains")]
    pub only: Option<Vec<String>>,
    /// Set after parsing: the line of `domains = [...]`.
    #[serde(skip)]
    pub only_line: u64,
    /// Set after parsing: the file's name, for messages.
    #[serde(skip)]
    pub file: String,
    /// Set after parsing: the line of each `[[domain]]`'s `column`.
    #[serde(skip)]
    pub lines: Vec<u64>,
}

/// `[groups]`: the arm labels, each as written in the data, with the label shown
/// for it when the spec gives one (`intervention = { value = "1", label = "Programa" }`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "GroupsIn")]
pub struct Groups {
    pub intervention: Option<String>,
    pub control: Option<String>,
    /// The labels shown for values of the arm column: (value as written, label).
    pub shown: Vec<(String, Label)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupsIn {
    intervention: Option<Coded>,
    control: Option<Coded>,
}

impl From<GroupsIn> for Groups {
    fn from(g: GroupsIn) -> Self {
        let mut shown = Vec::new();
        Groups {
            intervention: Coded::split(g.intervention, &mut shown),
            control: Coded::split(g.control, &mut shown),
            shown,
        }
    }
}

/// `[waves]`: the wave labels (each as written in the data, or `{ value = "1",
/// label = "Línea base" }` to show another label for it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "WavesIn")]
pub struct Waves {
    pub pre: Option<String>,
    pub post: Option<String>,
    /// More than two waves: their order, first (the baseline) to last (contract §6.4).
    pub order: Option<Vec<String>>,
    /// Each wave's time (e.g. months) for trends; default 0, 1, …, K − 1.
    pub times: Option<Vec<f64>>,
    /// The unit of `times`, singular ("month", or `{ en = "month", es = "mes" }`).
    pub unit: Option<Label>,
    /// The labels shown for values of the wave column: (value as written, label).
    pub shown: Vec<(String, Label)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WavesIn {
    pre: Option<Coded>,
    post: Option<Coded>,
    order: Option<Vec<Coded>>,
    times: Option<Vec<f64>>,
    unit: Option<Label>,
}

impl From<WavesIn> for Waves {
    fn from(w: WavesIn) -> Self {
        let mut shown = Vec::new();
        Waves {
            pre: Coded::split(w.pre, &mut shown),
            post: Coded::split(w.post, &mut shown),
            order: w.order.map(|o| {
                o.into_iter()
                    .filter_map(|c| Coded::split(Some(c), &mut shown))
                    .collect()
            }),
            times: w.times,
            unit: w.unit,
            shown,
        }
    }
}

/// The display label the spec gives for a value of the arm or wave column, matched
/// ignoring case and accents.
pub fn shown_for<'a>(shown: &'a [(String, Label)], written: &str) -> Option<&'a Label> {
    let f = crate::text::fold(written);
    shown
        .iter()
        .find(|(v, _)| crate::text::fold(v) == f)
        .map(|(_, l)| l)
}

/// An arm or wave in the spec: its value in the data (`"1"` or `1`), or
/// `{ value = "1", label = "Programa" }` to show a label for a coded value.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    pub value: String,
    pub label: Option<Label>,
}

impl Coded {
    /// The value, with its label (if any) added to `shown`.
    fn split(c: Option<Coded>, shown: &mut Vec<(String, Label)>) -> Option<String> {
        let c = c?;
        if let Some(l) = c.label {
            shown.push((c.value.clone(), l));
        }
        Some(c.value)
    }
}

/// A number written for a coded value (`value = 1`) stands for its text ("1").
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl<'de> Deserialize<'de> for Coded {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Coded;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value as written in the data (\"1\"), or { value = \"1\", label = \"Programa\" }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Coded, E> {
                Ok(Coded {
                    value: s.to_string(),
                    label: None,
                })
            }
            fn visit_i64<E: serde::de::Error>(self, x: i64) -> Result<Coded, E> {
                self.visit_str(&x.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, x: u64) -> Result<Coded, E> {
                self.visit_str(&x.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Coded, E> {
                self.visit_str(&number_text(x))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Coded, A::Error> {
                let mut value: Option<Coded> = None;
                let mut label: Option<Label> = None;
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "value" => value = Some(m.next_value::<Coded>()?),
                        "label" => label = Some(m.next_value::<Label>()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["value", "label"],
                            ));
                        }
                    }
                }
                match value {
                    Some(Coded { value, label: None }) => Ok(Coded { value, label }),
                    Some(_) => Err(serde::de::Error::custom(
                        "value must be the value as written in the data, e.g. value = \"1\"",
                    )),
                    None => Err(serde::de::Error::missing_field("value")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    pub column: String,
    pub name: Option<String>,
    pub label: Option<Label>,
    pub pass: Option<String>,
    pub higher_is_better: Option<bool>,
    pub levels: Option<Vec<String>>,
    pub kind: Option<String>,
    /// The value that means yes in an item coded otherwise (1 = sí, 2 = no:
    /// `positive = 1`); the other value means no.
    pub positive: Option<Positive>,
    /// Set after parsing: the line of the entry's `column` (0 when unknown).
    #[serde(skip)]
    pub line: u64,
    /// The unit of the values (`unit = "kg"` or `{ en = "kg", es = "kg" }`),
    /// shown in findings, chart axes and table headings.
    pub unit: Option<Label>,
}

/// `positive = 1` or `positive = "sí"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Positive {
    Number(f64),
    Text(String),
}

/// `[anthropometry]`: the columns WHO z-scores are computed from (contract §10.2).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anthropometry {
    pub sex: String,
    pub age_days: Option<String>,
    pub age_months: Option<String>,
    pub birth_date: Option<String>,
    pub measured_on: Option<String>,
    pub weight: Option<String>,
    pub height: Option<String>,
    /// Measuring position: lying / standing.
    pub measured: Option<String>,
    pub oedema: Option<String>,
}

/// The domains `[anthropometry]` adds, in order: z-scores, then classes.
pub const ANTHRO_DOMAINS: [&str; 8] = [
    "waz",
    "haz",
    "whz",
    "baz",
    "stunting",
    "underweight",
    "wasting",
    "overweight",
];

impl Anthropometry {
    /// Every input column named, in the order above.
    pub fn columns(&self) -> Vec<&str> {
        std::iter::once(Some(&self.sex))
            .chain([
                self.age_days.as_ref(),
                self.age_months.as_ref(),
                self.birth_date.as_ref(),
                self.measured_on.as_ref(),
                self.weight.as_ref(),
                self.height.as_ref(),
                self.measured.as_ref(),
                self.oedema.as_ref(),
            ])
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

/// `[[scale]]`: a score from questionnaire items (contract §10.1).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleSpec {
    pub name: String,
    pub items: Vec<String>,
    #[serde(default)]
    pub reverse: Vec<String>,
    pub range: Option<[f64; 2]>,
    /// `mean` (default) or `sum`.
    pub score: Option<String>,
    pub min_items: Option<usize>,
    pub label: Option<Label>,
}

impl Spec {
    /// The columns scales and anthropometry are computed from.
    pub fn input_columns(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .anthropometry
            .as_ref()
            .map(Anthropometry::columns)
            .unwrap_or_default();
        for s in &self.scales {
            v.extend(s.items.iter().map(String::as_str));
        }
        v
    }

    /// The names of the domains derived from columns (scales, z-scores), which
    /// `[[domain]]` entries may name.
    pub fn derived_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.scales.iter().map(|s| s.name.as_str()).collect();
        if self.anthropometry.is_some() {
            v.extend(ANTHRO_DOMAINS);
        }
        v
    }
}

/// A label: one string, or one per language (`{ en = "...", es = "..." }`).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(untagged)]
pub enum Label {
    One(String),
    ByLang(BTreeMap<String, String>),
}

impl Label {
    pub fn get(&self, lang: &str) -> Option<&str> {
        match self {
            Label::One(s) => Some(s),
            Label::ByLang(m) => m
                .get(lang)
                .or_else(|| m.values().next())
                .map(String::as_str),
        }
    }
}

/// A `pass` threshold: `>= 3`, `> 2.5`, `<= 10`, `< 1`, `== 1`, `!= 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub op: Op,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl Threshold {
    pub fn parse(s: &str) -> Option<Threshold> {
        let s = s.trim();
        let ops = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("=", Op::Eq),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(p, op)| s.strip_prefix(p).map(|r| (*op, r)))?;
        let value: f64 = rest.trim().replace(',', ".").parse().ok()?;
        value.is_finite().then_some(Threshold { op, value })
    }

    pub fn passes(&self, x: f64) -> bool {
        match self.op {
            Op::Ge => x >= self.value,
            Op::Gt => x > self.value,
            Op::Le => x <= self.value,
            Op::Lt => x < self.value,
            Op::Eq => x == self.value,
            Op::Ne => x != self.value,
        }
    }
}

fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Read and check a spec file.
pub fn read_spec(path: &str) -> UResult<Spec> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UserError::new(format!("cannot read the spec file: {e}"))
            .file(path)
            .hint("check the path given to --spec")
            .es(
                format!("no se puede leer el archivo de especificación: {e}"),
                Some("compruebe la ruta dada a --spec"),
            )
    })?;
    parse_spec(path, &text)
}

pub fn parse_spec(path: &str, text: &str) -> UResult<Spec> {
    let mut spec: Spec = toml::from_str(text).map_err(|e| {
        let mut err = UserError::new(format!("the spec is not valid: {}", e.message().trim()))
            .file(path)
            .hint("see \"Spec file\" in the README")
            .es(
                format!("la especificación no es válida: {}", e.message().trim()),
                Some("vea \"Spec file\" en el README"),
            );
        if let Some(span) = e.span() {
            err = err.line(line_of(text, span.start));
        }
        err
    })?;
    spec.file = path.to_string();
    // Line of each [[domain]]'s column, for messages about unknown columns.
    let mut lines = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if t.starts_with("column") && t[6..].trim_start().starts_with('=') {
            lines.push(i as u64 + 1);
        }
    }
    for (d, &l) in spec.domains.iter_mut().zip(&lines) {
        d.line = l;
    }
    spec.lines = lines;
    if spec.only.is_some() {
        spec.only_line = text
            .lines()
            .position(|l| {
                let t = l.trim_start();
                t.starts_with("domains") && t[7..].trim_start().starts_with('=')
            })
            .map_or(0, |i| i as u64 + 1);
    }
    for (i, d) in spec.domains.iter().enumerate() {
        let line = spec.lines.get(i).copied().unwrap_or(1);
        if let Some(p) = &d.pass
            && Threshold::parse(p).is_none()
        {
            return Err(UserError::new(format!("pass = \"{p}\" is not a threshold"))
                .file(path)
                .line(line)
                .hint("write it as \">= 3\", \"> 2.5\", \"<= 10\", \"== 1\" or \"!= 0\"")
                .es(
                    format!("pass = \"{p}\" no es un umbral"),
                    Some("escríbalo como \">= 3\", \"> 2.5\", \"<= 10\", \"== 1\" o \"!= 0\""),
                ));
        }
        if let Some(k) = &d.kind
            && !matches!(k.as_str(), "binary" | "continuous" | "categorical")
        {
            return Err(
                UserError::new(format!("kind = \"{k}\" is not a domain kind"))
                    .file(path)
                    .line(line)
                    .hint("use \"binary\", \"continuous\" or \"categorical\"")
                    .es(
                        format!("kind = \"{k}\" no es un tipo de dominio"),
                        Some("use \"binary\", \"continuous\" o \"categorical\""),
                    ),
            );
        }
    }
    check_derived(&spec, path, text)?;
    if let Some(lang) = &spec.lang
        && !matches!(lang.as_str(), "en" | "es")
    {
        return Err(
            UserError::new(format!("lang = \"{lang}\" is not supported"))
                .file(path)
                .hint("use lang = \"en\" or lang = \"es\"")
                .es(
                    format!("lang = \"{lang}\" no está disponible"),
                    Some("use lang = \"en\" o lang = \"es\""),
                ),
        );
    }
    Ok(spec)
}

/// The line of the first line of `text` starting with `start`, else 1.
fn line_starting(text: &str, start: &str) -> u64 {
    text.lines()
        .position(|l| l.trim_start().starts_with(start))
        .map_or(1, |i| i as u64 + 1)
}

/// `[anthropometry]` and `[[scale]]` entries that cannot work.
fn check_derived(spec: &Spec, path: &str, text: &str) -> UResult<()> {
    if let Some(a) = &spec.anthropometry {
        let line = line_starting(text, "[anthropometry]");
        let err = |m: &str, h: &str| Err(UserError::new(m).file(path).line(line).hint(h));
        let forms = [
            a.age_days.is_some(),
            a.age_months.is_some(),
            a.birth_date.is_some() || a.measured_on.is_some(),
        ];
        if forms.iter().filter(|&&f| f).count() > 1 {
            return err(
                "[anthropometry] gives the age in more than one way",
                "give one of age_days, age_months, or birth_date with measured_on",
            );
        }
        if a.birth_date.is_some() != a.measured_on.is_some() {
            return err(
                "[anthropometry] needs both birth_date and measured_on",
                "name the birth date's and the measurement date's columns",
            );
        }
        if a.weight.is_none() && a.height.is_none() {
            return err(
                "[anthropometry] names neither weight nor height",
                "name the weight (kg) and length/height (cm) columns: weight = \"...\", height = \"...\"",
            );
        }
    }
    let mut names: Vec<String> = Vec::new();
    for (i, s) in spec.scales.iter().enumerate() {
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[scale]]"))
            .nth(i)
            .map_or(1, |(j, _)| j as u64 + 1);
        let err = |m: String, h: &str| Err(UserError::new(m).file(path).line(line).hint(h));
        let folded = crate::text::fold(&s.name);
        if names.contains(&folded) {
            return err(
                format!("two [[scale]] entries are named \"{}\"", s.name),
                "give each scale its own name",
            );
        }
        names.push(folded);
        if s.items.len() < 2 {
            return err(
                format!("scale \"{}\" has fewer than two items", s.name),
                "list the item columns: items = [\"q1\", \"q2\", ...]",
            );
        }
        if let Some(r) = s.reverse.iter().find(|r| !s.items.contains(r)) {
            return err(
                format!(
                    "reverse item \"{r}\" of scale \"{}\" is not one of its items",
                    s.name
                ),
                "name in reverse only columns listed in items",
            );
        }
        match s.range {
            None if !s.reverse.is_empty() => {
                return err(
                    format!("scale \"{}\" reverses items but has no range", s.name),
                    "give the answers' range, e.g. range = [1, 5] (a reversed answer is min + max − value)",
                );
            }
            Some([lo, hi]) if !(lo.is_finite() && hi.is_finite() && lo < hi) => {
                return err(
                    format!("range of scale \"{}\" is not [min, max]", s.name),
                    "write range = [1, 5] with min below max",
                );
            }
            _ => {}
        }
        if let Some(sc) = &s.score
            && !matches!(sc.as_str(), "mean" | "sum")
        {
            return err(
                format!("score = \"{sc}\" is not a scale score"),
                "use score = \"mean\" or score = \"sum\"",
            );
        }
        if let Some(m) = s.min_items
            && (m == 0 || m > s.items.len())
        {
            return err(
                format!(
                    "min_items = {m} for scale \"{}\" of {} items",
                    s.name,
                    s.items.len()
                ),
                "give a number from 1 to the number of items",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let t = Threshold::parse(">= 6").unwrap();
        assert!(t.passes(6.0) && !t.passes(5.9));
        assert!(Threshold::parse("> 2.5").unwrap().passes(2.6));
        assert!(!Threshold::parse("!= 0").unwrap().passes(0.0));
        assert!(Threshold::parse("<= 10").unwrap().passes(10.0));
        assert!(Threshold::parse("== 1").unwrap().passes(1.0));
        assert!(Threshold::parse("about 3").is_none());
    }

    #[test]
    fn parses_the_contract_example() {
        let s = parse_spec(
            "e.toml",
            "title = \"T\"\nlang = \"es\"\n[groups]\nintervention = \"programa\"\ncontrol = \"control\"\n[waves]\npre = \"antes\"\npost = \"despues\"\n[[domain]]\ncolumn = \"x\"\nname = \"y\"\nlabel = { en = \"Y\", es = \"Ye\" }\npass = \">= 3\"\n[[domain]]\ncolumn = \"z\"\nlevels = [\"a\", \"b\"]\n",
        )
        .unwrap();
        assert_eq!(s.groups.intervention.as_deref(), Some("programa"));
        assert_eq!(s.waves.post.as_deref(), Some("despues"));
        assert_eq!(s.domains.len(), 2);
        assert_eq!(s.lines, vec![10, 15]);
        assert_eq!(s.domains[0].label.as_ref().unwrap().get("es"), Some("Ye"));
    }

    #[test]
    fn scales_and_anthropometry() {
        let s = parse_spec(
            "e.toml",
            "[anthropometry]\nsex = \"sexo\"\nage_days = \"d\"\nweight = \"w\"\nheight = \"h\"\n[[scale]]\nname = \"s\"\nitems = [\"a\", \"b\"]\nreverse = [\"b\"]\nrange = [1, 4]\nmin_items = 1\n[[domain]]\ncolumn = \"whz\"\npass = \">= -2\"\n",
        )
        .unwrap();
        assert_eq!(s.scales[0].reverse, ["b"]);
        assert_eq!(
            s.anthropometry.as_ref().unwrap().columns(),
            ["sexo", "d", "w", "h"]
        );
        assert!(s.derived_names().contains(&"whz"));
        let bad = [
            "[[scale]]\nname = \"s\"\nitems = [\"a\", \"b\"]\nreverse = [\"b\"]\n",
            "[[scale]]\nname = \"s\"\nitems = [\"a\", \"b\"]\nreverse = [\"c\"]\nrange = [1, 4]\n",
            "[[scale]]\nname = \"s\"\nitems = [\"a\", \"b\"]\nmin_items = 3\n",
            "[[scale]]\nname = \"s\"\nitems = [\"a\", \"b\"]\nscore = \"total\"\n",
            "[anthropometry]\nsex = \"s\"\nage_days = \"d\"\nage_months = \"m\"\nweight = \"w\"\n",
            "[anthropometry]\nsex = \"s\"\nbirth_date = \"b\"\nweight = \"w\"\n",
            "[anthropometry]\nsex = \"s\"\nweigth = \"w\"\n",
        ];
        for b in bad {
            assert!(parse_spec("e.toml", b).is_err(), "{b}");
        }
    }

    #[test]
    fn coded_values_with_labels() {
        let s = parse_spec(
            "e.toml",
            "[groups]\nintervention = { value = 1, label = \"Programa\" }\ncontrol = \"2\"\n[waves]\norder = [{ value = \"1\", label = { en = \"Start\", es = \"Inicio\" } }, \"2\", 3]\n",
        )
        .unwrap();
        assert_eq!(s.groups.intervention.as_deref(), Some("1"));
        assert_eq!(s.groups.control.as_deref(), Some("2"));
        assert_eq!(
            shown_for(&s.groups.shown, " 1 ").and_then(|l| l.get("es")),
            Some("Programa")
        );
        assert!(shown_for(&s.groups.shown, "2").is_none());
        assert_eq!(
            s.waves.order.as_deref(),
            Some(&["1".to_string(), "2".into(), "3".into()][..])
        );
        assert_eq!(
            shown_for(&s.waves.shown, "1").and_then(|l| l.get("es")),
            Some("Inicio")
        );
        // A key other than value and label, or no value: the spec's line.
        let e = parse_spec("e.toml", "[groups]\nintervention = { valor = \"1\" }\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse_spec("e.toml", "[waves]\npre = { label = \"A\" }\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let s = parse_spec("e.toml", "ignore = [\"a\"]\n\ndomains = [\"b\"]\n").unwrap();
        assert_eq!((s.ignore.len(), s.only_line), (1, 3));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_spec("e.toml", "title = \"T\"\n[[domain]]\ncolumn = \n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse_spec("e.toml", "[[domain]]\ncolumn = \"x\"\npass = \"big\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(parse_spec("e.toml", "colour = 1\n").is_err());
    }
}
