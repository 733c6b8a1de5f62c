//! The reader, the cohort builder and the analysis on arbitrary bytes (see
//! `../harness.rs`). Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run read` (docs/fuzzing.md).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::read(data));
