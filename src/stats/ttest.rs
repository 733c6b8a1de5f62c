//! t tests. Stub.
use super::TestResult;
pub fn paired_t(_changes: &[f64], _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn cohens_dz(_changes: &[f64]) -> Option<f64> {
    None
}
pub fn welch_t(_x1: &[f64], _x0: &[f64], _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn hedges_g(_x1: &[f64], _x0: &[f64]) -> Option<f64> {
    None
}
pub fn z_test(_estimate: f64, _se: f64, _conf_level: f64) -> TestResult {
    TestResult::default()
}
pub fn did_z_continuous(_cells: [&[f64]; 4], _conf_level: f64) -> TestResult {
    TestResult::default()
}
