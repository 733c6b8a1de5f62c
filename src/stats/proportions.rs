//! Proportions. Stub.
use super::TestResult;
pub fn wilson(_count: usize, _n: usize, _conf_level: f64) -> Option<(f64, f64)> {
    None
}
pub fn newcombe_independent(
    _x1: usize,
    _n1: usize,
    _x0: usize,
    _n0: usize,
    _conf_level: f64,
) -> Option<(f64, f64)> {
    None
}
pub fn newcombe_paired(
    _a: usize,
    _b: usize,
    _c: usize,
    _d: usize,
    _conf_level: f64,
) -> Option<(f64, f64)> {
    None
}
pub fn mcnemar_exact(_a: usize, _b: usize, _c: usize, _d: usize, _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn risk_ratio(_x1: usize, _n1: usize, _x0: usize, _n0: usize, _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn odds_ratio(_x1: usize, _n1: usize, _x0: usize, _n0: usize, _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn did_z_binary(_cells: [(usize, usize); 4], _conf_level: f64) -> TestResult {
    TestResult::default()
}
