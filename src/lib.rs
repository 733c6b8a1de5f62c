//! `evaluate`: program-evaluation statistics.
//!
//! input → typed [`cohort`] → [`analysis`] → one [`results::Report`] → [`privacy`] (`--min-cell`) → renderers in [`output`].
pub mod alloc;
pub mod analysis;
pub mod charts;
pub mod cli;
pub mod cohort;
pub mod error;
pub mod input;
pub mod output;
pub mod planning;
pub mod prefetch;
pub mod privacy;
pub mod progress;
pub mod results;
pub mod run;
pub mod stats;
pub mod text;
pub mod timing;
pub mod units;
pub mod warning;

/// The unit tests run with the allocator the program uses (src/main.rs).
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: alloc::Allocator = alloc::Allocator;
