//! The sources read once: blocks of records parsed on every core (rows.rs) and
//! merged in file order (merge.rs) into participants and one column per domain and
//! wave. Nothing is decided here that the rows do not say.

use super::columns::Roles;
use super::derived::{self, Inputs};
use super::ids::Ids;
use super::kinds::Acc;
use super::labels::LabelMap;
use super::layout::DomainCols;
use super::merge::{Cells, Merge, SpareTile, T_MERGE, T_PARSE, T_READ, arm_index, columns};
use super::naming::Names;
use super::rows::{self, NO_CODE, Parsed, Plan, Tally};
use super::{Layout, Participant};
use crate::error::{UResult, UserError};
use crate::input::blocks::{Block, Blocks};
use crate::input::read::Source;
use crate::input::spec::Spec;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::time::Instant;

/// What the rows said: participants, every domain's values, the labels met and the
/// strata and clusters met, in the order first met.
pub(super) struct Read {
    pub(super) participants: Vec<Participant>,
    pub(super) accs: Vec<Acc>,
    /// The derived domains' input columns, taken out of `accs`.
    pub(super) inputs: Inputs,
    pub(super) arm_map: LabelMap,
    pub(super) wave_map: LabelMap,
    pub(super) strata_values: Vec<String>,
    pub(super) strata_missing: usize,
    pub(super) cluster_values: Vec<String>,
    pub(super) rows_total: usize,
}

/// Read every source's records, `k` waves per participant; the derived domains'
/// inputs are taken out of `domain_cols`.
///
/// With more than two waves, where each participant's row at each wave was read
/// is kept only for the message of a row that comes twice in a wave (merge.rs):
/// a file holding one is read again keeping them, so the message names both
/// lines. Worksheets, whose rows are handed over once, keep them from the start.
pub(super) fn read(
    sources: &mut [Source],
    roles: &Roles,
    layout: Layout,
    domain_cols: &mut Vec<DomainCols>,
    names: &Names,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
) -> UResult<Read> {
    let keep_at = sources.iter().any(|s| s.sheet.is_some());
    let mut read = |keep_at| {
        read_with(
            sources,
            roles,
            layout,
            domain_cols,
            names,
            spec,
            progress,
            keep_at,
        )
    };
    match read(keep_at) {
        Err(Stop::Again) => read(true),
        r => r,
    }
    .map_err(Stop::user)
}

/// Why a reading stopped: the user's error, or to be read again keeping
/// positions.
enum Stop {
    User(UserError),
    Again,
}

impl From<UserError> for Stop {
    fn from(e: UserError) -> Self {
        Stop::User(e)
    }
}

impl Stop {
    fn user(self) -> UserError {
        match self {
            Stop::User(e) => e,
            // A reading that keeps positions never asks for another.
            Stop::Again => UserError::new("internal: read again after keeping positions"),
        }
    }
}

/// [`read`], keeping each wave's positions (more than two waves) when `keep_at`.
#[allow(clippy::too_many_arguments)]
fn read_with(
    sources: &mut [Source],
    roles: &Roles,
    layout: Layout,
    domain_cols: &mut Vec<DomainCols>,
    names: &Names,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
    keep_at: bool,
) -> Result<Read, Stop> {
    let k = names.k;
    let has_id = roles.id[0].is_some();
    // Sized for the expected rows (one participant per row at most, half in the usual
    // long file): no rehashing or regrowth on big files.
    let expected: usize = sources
        .iter()
        .map(|s| s.estimated_rows)
        .sum::<usize>()
        .min(1 << 28);
    let nd = domain_cols.len();
    let mut m = Merge {
        nd,
        ids: Ids::with_capacity(expected / 2, has_id),
        cells: Cells::new(k * nd, expected / 2),
        tallies: vec![Tally::default(); nd],
        arm_map: names.arm_map.clone(),
        wave_map: names.wave_map.clone(),
        strata_values: Vec::new(),
        strata_index: FxHashMap::default(),
        strata_missing: 0,
        cluster_values: Vec::new(),
        cluster_index: FxHashMap::default(),
        waves: k,
        at_more: Vec::new(),
        keep_at,
        again: false,
        rows_total: 0,
    };
    let ahead = SpareTile::new(&m.cells, expected / 2);
    for si in 0..sources.len() {
        let blocks = sources[si].blocks()?;
        let sources = &*sources;
        let src = &sources[si];
        let plan = Plan {
            si,
            id: roles.id[si],
            group: roles.group[si],
            wave: roles.wave[si],
            by: roles.by[si],
            cluster: roles.cluster[si],
            cols: domain_cols.iter().map(|d| d.cols[si]).collect(),
            wide: layout == Layout::Wide,
            width: src.headers.len(),
            file_arm: (roles.group[si].is_none() && sources.len() > 1).then_some(src.stem.as_str()),
            decimal_comma: src.decimal_comma,
            delimiter: src.delimiter,
            group_name: &names.group_col,
            cluster_name: roles.cluster[si].map_or("", |c| src.headers[c].as_str()),
            wave_name: &names.wave_col,
            id_name: roles.id[si].map_or("", |c| src.headers[c].as_str()),
            arms: &names.arm_map,
            waves: &names.wave_map,
        };
        merge_source(sources, blocks, si, &plan, &mut m, &ahead, progress)
            .map_err(|e| if m.again { Stop::Again } else { Stop::User(e) })?;
        if m.wave_map.off_order() {
            break;
        }
    }
    let t0 = Instant::now();
    let participants: Vec<Participant> = m
        .ids
        .recs
        .par_iter()
        .map(|r| Participant {
            arm: arm_index(r.arm),
            stratum: (r.stratum != NO_CODE).then_some(r.stratum),
            cluster: (r.cluster != NO_CODE).then_some(r.cluster),
            present: [r.present & 1 != 0, r.present & (1 << (k - 1)) != 0],
            seen: r.present,
        })
        .collect();
    let t_participants = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let mut accs = columns(m.cells, nd, participants.len(), m.tallies, m.ids);
    let inputs = derived::take_inputs(spec, domain_cols, &mut accs)?;
    crate::timing::report(|| {
        format!(
            "  reading {:.3} s, parsing {:.3} s (summed over threads), merging {:.3} s, participants {t_participants:.3} s, columns {:.3} s",
            T_READ.seconds(),
            T_PARSE.seconds(),
            T_MERGE.seconds(),
            t0.elapsed().as_secs_f64()
        )
    });
    Ok(Read {
        participants,
        accs,
        inputs,
        arm_map: m.arm_map,
        wave_map: m.wave_map,
        strata_values: m.strata_values,
        strata_missing: m.strata_missing,
        cluster_values: m.cluster_values,
        rows_total: m.rows_total,
    })
}

/// One source's blocks: while one core merges a batch, the next batch is parsed on
/// the others. Blocks and their rows go back to be reused once merged.
fn merge_source(
    sources: &[Source],
    mut blocks: Blocks,
    si: usize,
    plan: &Plan,
    m: &mut Merge,
    ahead: &SpareTile,
    progress: &mut dyn FnMut(u64),
) -> UResult<()> {
    let threads = rayon::current_num_threads().max(1);
    let done_before: u64 = sources[..si].iter().map(|s| s.size).sum();
    let mut pending: Vec<(Block, Parsed)> = Vec::new();
    let mut spare: Vec<Parsed> = Vec::new();
    loop {
        let known: Vec<bool> = m.tallies.iter().map(|t| t.has_text).collect();
        let labels_only = m.wave_map.labels_only();
        let mut reuse = std::mem::take(&mut spare);
        let (merged, next) = rayon::join(
            || -> UResult<Vec<(Block, Parsed)>> {
                let t0 = Instant::now();
                if si == 0 && pending.is_empty() && ahead.is_on() {
                    // A big cohort: nothing to merge while the first blocks
                    // are parsed.
                    m.ids.touch();
                }
                let mut done = Vec::with_capacity(pending.len());
                for (b, p) in pending.drain(..) {
                    let p = m.merge(plan, &b, p, sources, ahead)?;
                    done.push((b, p));
                }
                T_MERGE.add(t0);
                Ok(done)
            },
            || -> UResult<Vec<(Block, Parsed)>> {
                let t0 = Instant::now();
                let batch = blocks.take(2 * threads)?;
                T_READ.add(t0);
                let jobs: Vec<(Block, Option<Parsed>)> =
                    batch.into_iter().map(|b| (b, reuse.pop())).collect();
                Ok(jobs
                    .into_par_iter()
                    .map(|(b, r)| {
                        let t0 = Instant::now();
                        let p = rows::parse(plan, &b, &known, labels_only, r);
                        ahead.make_if_wanted();
                        T_PARSE.add(t0);
                        (b, p)
                    })
                    .collect())
            },
        );
        for (b, p) in merged? {
            blocks.recycle(b);
            spare.push(p);
        }
        if m.wave_map.off_order() {
            // A wave outside the order assumed from a look at the files: this
            // reading is given up (mod.rs reads as if nothing was assumed).
            break;
        }
        let next = next?;
        match next.last() {
            Some((b, _)) => progress(done_before + b.end()),
            None => break,
        }
        pending = next;
    }
    Ok(())
}

/// A record's place (`source << 48 | byte offset`) as a file and line in `e`.
pub(super) fn error_at(sources: &[Source], at: u64, e: UserError) -> UserError {
    let (s, p) = ((at >> 48) as usize, at & ((1 << 48) - 1));
    match sources.get(s) {
        Some(src) => src.error_at(p, e),
        None => e,
    }
}
