//! The spec parser on arbitrary text, then the spec applied to a small cohort (see
//! `../harness.rs`). Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run spec` (docs/fuzzing.md).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::spec(data));
