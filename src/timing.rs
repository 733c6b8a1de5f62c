//! Phase times on stderr when `EVALUATE_TIMING` is set (docs/performance.md).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Whether `EVALUATE_TIMING` is set.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("EVALUATE_TIMING").is_some())
}

/// Time spent in one kind of work, summed over threads.
pub struct Phase(AtomicU64);

impl Phase {
    pub const fn new() -> Self {
        Phase(AtomicU64::new(0))
    }
    /// Count the time since `t0`.
    pub fn add(&self, t0: Instant) {
        if enabled() {
            self.0
                .fetch_add(t0.elapsed().as_micros() as u64, Ordering::Relaxed);
        }
    }
    pub fn seconds(&self) -> f64 {
        self.0.load(Ordering::Relaxed) as f64 / 1e6
    }
}

impl Default for Phase {
    fn default() -> Self {
        Self::new()
    }
}

/// Print one line `timing: WHAT` when timing is on, with the peak memory so far
/// (Linux).
pub fn report(what: impl FnOnce() -> String) {
    if enabled() {
        let peak = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
            })
            .map(|p| format!(" (peak memory so far {p})"))
            .unwrap_or_default();
        eprintln!("timing: {}{peak}", what());
    }
}
