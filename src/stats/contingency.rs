//! Contingency tables. Stub.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    pub min_expected: f64,
    pub cramers_v: f64,
}
pub fn chi_square(_table: &[Vec<f64>]) -> Option<ChiSquare> {
    None
}
pub fn fisher_exact_2x2(_a: usize, _b: usize, _c: usize, _d: usize) -> f64 {
    1.0
}
pub fn stuart_maxwell(_table: &[Vec<f64>]) -> Option<(f64, f64, f64)> {
    None
}
