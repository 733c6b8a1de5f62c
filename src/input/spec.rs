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
    /// Set after parsing: the file's name, for messages.
    #[serde(skip)]
    pub file: String,
    /// Set after parsing: the line of each `[[domain]]`'s `column`.
    #[serde(skip)]
    pub lines: Vec<u64>,
}

/// `[groups]`: the arm labels.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Groups {
    pub intervention: Option<String>,
    pub control: Option<String>,
}

/// `[waves]`: the wave labels.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waves {
    pub pre: Option<String>,
    pub post: Option<String>,
    /// More than two waves: their order, first (the baseline) to last (contract §6.4).
    pub order: Option<Vec<String>>,
    /// Each wave's time (e.g. months) for trends; default 0, 1, …, K − 1.
    pub times: Option<Vec<f64>>,
    /// The unit of `times`, singular ("month", or `{ en = "month", es = "mes" }`).
    pub unit: Option<Label>,
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
}

/// A label: one string, or one per language (`{ en = "...", es = "..." }`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
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
    })?;
    parse_spec(path, &text)
}

pub fn parse_spec(path: &str, text: &str) -> UResult<Spec> {
    let mut spec: Spec = toml::from_str(text).map_err(|e| {
        let mut err = UserError::new(format!("the spec is not valid: {}", e.message().trim()))
            .file(path)
            .hint("see the spec format in the README (contract §2.6)");
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
    spec.lines = lines;
    for (i, d) in spec.domains.iter().enumerate() {
        let line = spec.lines.get(i).copied().unwrap_or(1);
        if let Some(p) = &d.pass
            && Threshold::parse(p).is_none()
        {
            return Err(UserError::new(format!("pass = \"{p}\" is not a threshold"))
                .file(path)
                .line(line)
                .hint("write it as \">= 3\", \"> 2.5\", \"<= 10\", \"== 1\" or \"!= 0\""));
        }
        if let Some(k) = &d.kind
            && !matches!(k.as_str(), "binary" | "continuous" | "categorical")
        {
            return Err(
                UserError::new(format!("kind = \"{k}\" is not a domain kind"))
                    .file(path)
                    .line(line)
                    .hint("use \"binary\", \"continuous\" or \"categorical\""),
            );
        }
    }
    if let Some(lang) = &spec.lang
        && !matches!(lang.as_str(), "en" | "es")
    {
        return Err(
            UserError::new(format!("lang = \"{lang}\" is not supported"))
                .file(path)
                .hint("use lang = \"en\" or lang = \"es\""),
        );
    }
    Ok(spec)
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
    fn errors_name_the_line() {
        let e = parse_spec("e.toml", "title = \"T\"\n[[domain]]\ncolumn = \n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse_spec("e.toml", "[[domain]]\ncolumn = \"x\"\npass = \"big\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(parse_spec("e.toml", "colour = 1\n").is_err());
    }
}
