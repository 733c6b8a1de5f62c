//! Rank tests. Stub.
use super::TestResult;
pub fn wilcoxon_signed_rank(_changes: &[f64]) -> TestResult {
    TestResult::default()
}
pub fn mann_whitney(_x1: &[f64], _x0: &[f64]) -> TestResult {
    TestResult::default()
}
