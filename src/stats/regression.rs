//! Regression. Stub.
use super::TestResult;
pub fn ancova(_post: &[f64], _pre: &[f64], _arm: &[f64], _conf_level: f64) -> TestResult {
    TestResult::default()
}
