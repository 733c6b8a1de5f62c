//! Multiplicity adjustment. Stub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Adjust {
    Holm,
    Bh,
    Bonferroni,
    None,
}
impl Adjust {
    pub fn name(&self) -> &'static str {
        match self {
            Adjust::Holm => "holm",
            Adjust::Bh => "bh",
            Adjust::Bonferroni => "bonferroni",
            Adjust::None => "none",
        }
    }
}
impl std::str::FromStr for Adjust {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "holm" => Ok(Adjust::Holm),
            "bh" | "fdr" => Ok(Adjust::Bh),
            "bonferroni" => Ok(Adjust::Bonferroni),
            "none" => Ok(Adjust::None),
            other => Err(format!(
                "unknown adjustment method '{other}' (use holm, bh, bonferroni or none)"
            )),
        }
    }
}
pub fn p_adjust(p: &[Option<f64>], _method: Adjust) -> Vec<Option<f64>> {
    p.to_vec()
}
