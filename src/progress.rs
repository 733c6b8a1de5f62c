//! A progress bar on stderr for inputs that take more than a second to read: only
//! when stderr is a terminal, never with `--quiet`, and cleared when done, so pipes
//! and logs never see it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub struct Progress {
    start: Instant,
    total: u64,
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `total`: bytes to read (0 when unknown: no bar).
    pub fn new(total: u64, quiet: bool) -> Self {
        Progress {
            start: Instant::now(),
            total,
            enabled: !quiet && total > 0 && std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// Bytes read so far; the bar appears once a second has passed.
    pub fn update(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() {
            if self.start.elapsed() < Duration::from_secs(1) {
                return;
            }
            let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("reading {bytes}/{total_bytes} [{bar:30}] {eta} left")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            self.bar = Some(bar);
        }
        if let Some(b) = &self.bar {
            b.set_position(done.min(self.total));
        }
    }

    /// Reading is done; the analysis runs (a spinner, if the bar was shown).
    pub fn analysing(&self) {
        if let Some(b) = &self.bar {
            if let Ok(style) = ProgressStyle::with_template("{spinner} analysing {elapsed}") {
                b.set_style(style);
            }
            b.enable_steady_tick(Duration::from_millis(120));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
