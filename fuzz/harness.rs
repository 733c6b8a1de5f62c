//! What each fuzz target does with its input, shared by the targets
//! (`fuzz_targets/*.rs`) and the regression test (`tests/fuzz_regressions.rs`) that
//! replays crashing inputs kept under `testdata/fuzz/`. Every input must be either
//! refused with a user error or analysed (and rendered); a panic is a bug.

// Each fuzz target uses one of the two functions.
#![allow(dead_code)]

use evaluate::analysis::{Settings, analyse};
use evaluate::cli::Format;
use evaluate::cohort::{Options, build};
use evaluate::input::read::parse_bytes;
use evaluate::input::spec::parse_spec;
use evaluate::stats::adjust::Adjust;

/// The reader, the cohort builder and the analysis on arbitrary bytes. The first
/// byte chooses options: bit 0 analyses within strata of the last column (`--by`),
/// bit 1 uses a 0.99 confidence level, bit 2 renders every text format.
pub fn read(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let Ok(src) = parse_bytes("f.csv", "f", bytes.to_vec()) else {
        return;
    };
    let mut opts = Options::default();
    if flags & 1 == 1 {
        opts.by = src.headers.last().cloned();
    }
    let Ok(cohort) = build(&mut [src], &opts, None) else {
        return;
    };
    let settings = Settings {
        conf_level: if flags & 2 == 2 { 0.99 } else { 0.95 },
        adjust: Adjust::Holm,
    };
    let report = analyse(&cohort, settings, "en");
    if flags & 4 == 4 {
        for format in [Format::Json, Format::Csv, Format::Table, Format::Markdown] {
            let _ = evaluate::run::render(&report, format);
        }
    }
}

/// A small fixed cohort the spec target applies its specs to.
pub const SPEC_DATA: &[u8] = b"id,group,wave,score,ok,level\n\
1,programa,antes,1.5,yes,low\n1,programa,despues,2.5,no,high\n\
2,programa,antes,3,no,mid\n2,programa,despues,4,yes,high\n\
3,control,antes,3.5,no,low\n3,control,despues,4,yes,mid\n\
4,control,antes,2,yes,mid\n4,control,despues,1,no,low\n";

/// The spec parser on arbitrary text; a spec that parses is applied to
/// [`SPEC_DATA`] (thresholds, levels, kinds, labels) and analysed.
pub fn spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = parse_spec("f.toml", text) else {
        return;
    };
    let src = parse_bytes("d.csv", "d", SPEC_DATA.to_vec()).expect("the fixed data read");
    let Ok(cohort) = build(&mut [src], &Options::default(), Some(&spec)) else {
        return;
    };
    let settings = Settings {
        conf_level: 0.95,
        adjust: Adjust::Holm,
    };
    let _ = analyse(&cohort, settings, spec.lang.as_deref().unwrap_or("en"));
}
