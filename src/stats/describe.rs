//! Descriptive statistics. Stub.
pub fn mean(_x: &[f64]) -> Option<f64> {
    None
}
pub fn variance(_x: &[f64]) -> Option<f64> {
    None
}
pub fn median(_x: &[f64]) -> Option<f64> {
    None
}
pub fn quantile7(_sorted: &[f64], _p: f64) -> Option<f64> {
    None
}
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
}
pub fn describe(x: &[f64], _conf_level: f64) -> Summary {
    Summary {
        n: x.len(),
        ..Default::default()
    }
}
