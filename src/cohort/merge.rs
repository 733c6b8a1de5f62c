//! Rows merged into participants in file order, and the participant-major cells
//! turned into one column per domain and wave (the fast path of reading).

use super::Arm;
use super::ids::{Ids, Rec};
use super::kinds::Acc;
use super::labels::LabelMap;
use super::rows::{self, MISSING, NO_CODE, NUMERIC, Parsed, Plan, Tally, code_of, is_code};
use crate::error::{UResult, UserError};
use crate::input::blocks::{Block, Record};
use crate::input::read::{Source, field};
use crate::input::values::parse_number;
use crate::timing::Phase;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

// Phase times for `EVALUATE_TIMING`.
pub(super) static T_MERGE: Phase = Phase::new();
pub(super) static T_READ: Phase = Phase::new();
pub(super) static T_PARSE: Phase = Phase::new();

/// What is known after the blocks merged so far.
pub(super) struct Merge {
    pub(super) nd: usize,
    pub(super) ids: Ids,
    /// Participant-major cells: per participant, per wave, per domain. A row's cells
    /// land in one place (a post row of a participant met long before touches one
    /// or two cache lines, not one per domain).
    pub(super) cells: Cells,
    pub(super) tallies: Vec<Tally>,
    pub(super) arm_map: LabelMap,
    pub(super) wave_map: LabelMap,
    pub(super) strata_values: Vec<String>,
    pub(super) strata_index: FxHashMap<String, u32>,
    pub(super) strata_missing: usize,
    /// Cluster values as first written, and their folded forms' numbers.
    pub(super) cluster_values: Vec<String>,
    pub(super) cluster_index: FxHashMap<String, u32>,
    /// The number of waves; with more than two, where each participant was seen
    /// at each wave (participant-major), for the duplicate-row message.
    pub(super) waves: usize,
    pub(super) at_more: Vec<u64>,
    pub(super) rows_total: usize,
}

impl Merge {
    /// Take in one block's rows, in file order; errors are those the rows would give
    /// read one by one, in that order. The block's rows are handed back for reuse.
    pub(super) fn merge(
        &mut self,
        plan: &Plan,
        block: &Block,
        p: Parsed,
        sources: &[Source],
        ahead: &SpareTile,
    ) -> UResult<Parsed> {
        // A domain that met its first text in an earlier block while this one was
        // parsed keeps its numbers' spelling: parse the block again knowing it.
        let stale = self
            .tallies
            .iter()
            .zip(&p.text_before)
            .zip(&p.tallies)
            .any(|((g, &known), b)| g.has_text && !known && b.numbers_before_text);
        let p = if stale {
            let known: Vec<bool> = self.tallies.iter().map(|t| t.has_text).collect();
            rows::parse(plan, block, &known, self.wave_map.labels_only(), Some(p))
        } else {
            p
        };
        let src = &sources[plan.si];
        self.rows_total += p.records;
        self.arm_map.absorb(&p.arms);
        self.wave_map.absorb(&p.waves);
        self.strata_missing += p.strata_missing;
        let strata = global_codes(&p.strata, &mut self.strata_index, &mut self.strata_values);
        let clusters = global_codes(
            &p.clusters,
            &mut self.cluster_index,
            &mut self.cluster_values,
        );
        let maps: Vec<(Vec<u64>, Vec<u64>)> = self
            .tallies
            .iter_mut()
            .zip(&p.tallies)
            .map(|(g, b)| g.absorb(b))
            .collect();
        let nd = self.nd;
        let slots = plan.slots();
        // Rows go in batches, the memory that later rows will need requested ahead
        // (a prefetch waits for nothing): the id slots two batches ahead, then, once
        // those are in cache, the participant records and cell rows one batch ahead.
        // The misses of many rows overlap with the work on the rows before them.
        const BATCH: usize = 16;
        let mut found = [(0u32, false); BATCH];
        let keyed = plan.id.is_some();
        let ahead_slots = |ids: &Ids, from: usize| {
            if keyed {
                for r in from..(from + BATCH).min(p.len()) {
                    ids.prefetch_slot(p.hash[r]);
                }
            }
        };
        let ahead_rows = |ids: &Ids, cells: &Cells, from: usize| {
            if keyed {
                for r in from..(from + BATCH).min(p.len()) {
                    if let Some(row) = ids.prefetch_rec(p.hash[r]).and_then(|pid| cells.row(pid)) {
                        let w = usize::from(p.side[r] >> 1);
                        if let Some(c) = row.get(w * nd) {
                            crate::prefetch::prefetch(c);
                        }
                    }
                }
            }
        };
        ahead_slots(&self.ids, 0);
        ahead_slots(&self.ids, BATCH);
        ahead_rows(&self.ids, &self.cells, 0);
        for start in (0..p.len()).step_by(BATCH) {
            let end = (start + BATCH).min(p.len());
            ahead_slots(&self.ids, start + 2 * BATCH);
            ahead_rows(&self.ids, &self.cells, start + BATCH);
            for r in start..end {
                let fresh = || Rec {
                    key: 0,
                    at: [0; 2],
                    stratum: match plan.by {
                        Some(_) => match p.stratum[r] {
                            NO_CODE => NO_CODE,
                            c => strata[c as usize],
                        },
                        None => NO_CODE,
                    },
                    cluster: match plan.cluster {
                        Some(_) => match p.cluster[r] {
                            NO_CODE => NO_CODE,
                            c => clusters[c as usize],
                        },
                        None => NO_CODE,
                    },
                    arm: p.side[r] & 1,
                    present: 0,
                };
                found[r - start] = match plan.id {
                    Some(_) => self.ids.get_or_insert(p.hash[r], fresh),
                    None => (self.ids.push(fresh()) as u32, false),
                };
            }
            self.cells.grow_to(self.ids.recs.len(), ahead);
            if self.waves > 2 {
                self.at_more.resize(self.ids.recs.len() * self.waves, 0);
            }
            for r in start..end {
                let at = p.at[r];
                let arm = arm_index(p.side[r] & 1);
                let wave = usize::from(p.side[r] >> 1);
                let waves_here: &[usize] = if plan.wide {
                    &[0, 1]
                } else {
                    std::slice::from_ref(&wave)
                };
                let (pid, existed) = found[r - start];
                let pid = pid as usize;
                if existed {
                    let cluster = match plan.cluster {
                        Some(_) => match p.cluster[r] {
                            NO_CODE => NO_CODE,
                            c => clusters[c as usize],
                        },
                        None => NO_CODE,
                    };
                    self.check_again(plan, block, sources, pid, at, arm, waves_here)?;
                    self.same_cluster(plan, block, sources, pid, at, cluster)?;
                }
                let rec = &mut self.ids.recs[pid];
                for &w in waves_here {
                    rec.present |= 1 << w;
                    rec.at[w.min(1)] = at;
                    if let Some(a) = self.at_more.get_mut(pid * self.waves + w) {
                        *a = at;
                    }
                }
                for s in 0..slots {
                    let w = if plan.wide { s } else { wave };
                    let from = &p.cells[(r * slots + s) * nd..][..nd];
                    let Some(row) = self.cells.row_mut(pid) else {
                        break;
                    };
                    let to = &mut row[w * nd..][..nd];
                    for ((t, &c), (as_text, as_num)) in to.iter_mut().zip(from).zip(&maps) {
                        *t = if is_code(c) {
                            let i = code_of(c) as usize;
                            if c & NUMERIC != 0 {
                                as_num[i]
                            } else {
                                as_text[i]
                            }
                        } else {
                            c
                        };
                    }
                }
            }
        }
        match p.error {
            Some((Some(pos), e)) => Err(src.error_at(pos, e)),
            Some((None, e)) => Err(e.file(&src.name)),
            None => Ok(p),
        }
    }

    /// A participant met again: not twice in a wave, and in the same arm.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn check_again(
        &self,
        plan: &Plan,
        block: &Block,
        sources: &[Source],
        pid: usize,
        at: u64,
        arm: Arm,
        waves_here: &[usize],
    ) -> UResult<()> {
        let src = &sources[plan.si];
        let pos = at & ((1 << 48) - 1);
        let place = |other: u64| {
            let (osrc, opos) = ((other >> 48) as usize, other & ((1 << 48) - 1));
            let o = &sources[osrc.min(sources.len() - 1)];
            (o.line_of(opos), o.name.clone())
        };
        let id_col = plan.id.unwrap_or(0);
        let id = || {
            block
                .record_at(plan.delimiter, pos)
                .map(|rec| field(&Record::Csv(&rec), id_col).into_owned())
                .unwrap_or_default()
        };
        let rec = &self.ids.recs[pid];
        for &w in waves_here {
            if rec.present & (1 << w) != 0 {
                let before = if self.waves > 2 {
                    self.at_more.get(pid * self.waves + w).copied().unwrap_or(0)
                } else {
                    rec.at[w]
                };
                let (oline, oname) = place(before);
                return Err(src.error_at(
                    pos,
                    UserError::new(format!(
                        "participant \"{}\" appears twice in the same wave (also on line {oline} of {oname})",
                        id()
                    ))
                    .column(plan.id_name)
                    .hint("keep one row per participant and wave")
                    .es(
                        format!(
                            "el participante \"{}\" aparece dos veces en la misma ronda (también en la línea {oline} de {oname})",
                            id()
                        ),
                        Some("deje una fila por participante y ronda"),
                    ),
                ));
            }
        }
        if arm_index(rec.arm) != arm {
            let (oline, _) = place(rec.at.iter().copied().max().unwrap_or(0));
            return Err(src.error_at(
                pos,
                UserError::new(format!(
                    "participant \"{}\" is in a different arm here than on line {oline}",
                    id()
                ))
                .column(plan.group_name)
                .hint("a participant keeps one arm in every wave; correct the arm")
                .es(
                    format!(
                        "el participante \"{}\" está aquí en otro grupo que en la línea {oline}",
                        id()
                    ),
                    Some("un participante mantiene su grupo en todas las rondas; corrija el grupo"),
                ),
            ));
        }
        Ok(())
    }

    /// A participant met again keeps their cluster (contract §6.2); a first
    /// value is taken from a later row when the earlier ones had none.
    fn same_cluster(
        &mut self,
        plan: &Plan,
        block: &Block,
        sources: &[Source],
        pid: usize,
        at: u64,
        cluster: u32,
    ) -> UResult<()> {
        let rec = &mut self.ids.recs[pid];
        if cluster == NO_CODE || rec.cluster == cluster {
            return Ok(());
        }
        if rec.cluster == NO_CODE {
            rec.cluster = cluster;
            return Ok(());
        }
        let src = &sources[plan.si];
        let pos = at & ((1 << 48) - 1);
        let other = rec
            .at
            .iter()
            .copied()
            .filter(|&a| a != at)
            .max()
            .unwrap_or(0);
        let o = &sources[((other >> 48) as usize).min(sources.len() - 1)];
        let oline = o.line_of(other & ((1 << 48) - 1));
        let id = block
            .record_at(plan.delimiter, pos)
            .map(|r| field(&Record::Csv(&r), plan.id.unwrap_or(0)).into_owned())
            .unwrap_or_default();
        let (a, b) = (
            &self.cluster_values[rec.cluster as usize],
            &self.cluster_values[cluster as usize],
        );
        Err(src.error_at(
            pos,
            UserError::new(format!(
                "participant \"{id}\" is in cluster \"{b}\" here but in \"{a}\" on line {oline}"
            ))
            .column(plan.cluster_name)
            .hint("a participant stays in one cluster (centre, school) at every wave; correct the cluster column")
            .es(
                format!("el participante \"{id}\" está aquí en el conglomerado \"{b}\" pero en \"{a}\" en la línea {oline}"),
                Some("un participante permanece en un conglomerado (centro, escuela) en todas las rondas; corrija la columna de conglomerados"),
            ),
        ))
    }
}

/// Block codes of participant-level values (strata, clusters) as the cohort's codes,
/// new values numbered in the order met.
fn global_codes(
    block: &[(String, String)],
    index: &mut FxHashMap<String, u32>,
    values: &mut Vec<String>,
) -> Vec<u32> {
    block
        .iter()
        .map(|(f, written)| match index.get(f) {
            Some(&i) => i,
            None => {
                let i = values.len() as u32;
                values.push(written.clone());
                index.insert(f.clone(), i);
                i
            }
        })
        .collect()
}

/// The arm of side `a` (0 intervention, 1 control).
pub(super) fn arm_index(a: u8) -> Arm {
    if a == 1 {
        Arm::Control
    } else {
        Arm::Intervention
    }
}

/// Participant-major cells, in tiles of participants: no copy when the cohort
/// grows, and each tile's memory goes to the columns as soon as it is turned into
/// them (memory stays near one copy of the values, not two).
pub(super) struct Cells {
    pub(super) tiles: Vec<Vec<u64>>,
    pub(super) stride: usize,
    /// Participants per tile: 1 << shift.
    pub(super) shift: u32,
    pub(super) len: usize,
}

/// The next tile of a big cohort, made (filled with missing cells) by a core that
/// parses while the merge fills the current one. The merge is the one serial
/// step, and each fresh page it touches costs a page fault: a tile made ahead
/// moves those faults (at 10M rows, 180,000 of them) off its path.
pub(super) struct SpareTile {
    pub(super) tile: std::sync::Mutex<Option<Vec<u64>>>,
    pub(super) wanted: std::sync::atomic::AtomicBool,
    /// Words per tile; 0 when tiles are not made ahead.
    pub(super) words: usize,
}

impl SpareTile {
    pub(super) fn new(cells: &Cells, expected: usize) -> Self {
        // Only for cohorts of several tiles: a small file's one tile is grown as
        // rows come, never touched beyond them.
        let words = if cells.stride > 0 && expected >= 4 * cells.tile_len() {
            cells.tile_len() * cells.stride
        } else {
            0
        };
        SpareTile {
            tile: std::sync::Mutex::new(None),
            wanted: std::sync::atomic::AtomicBool::new(words > 0),
            words,
        }
    }
    /// Whether tiles are made ahead (a big cohort).
    pub(super) fn is_on(&self) -> bool {
        self.words > 0
    }
    /// Make the next tile if the merge wants one (called between parsed blocks).
    pub(super) fn make_if_wanted(&self) {
        use std::sync::atomic::Ordering;
        if self.words > 0 && self.wanted.swap(false, Ordering::AcqRel) {
            let tile = vec![MISSING; self.words];
            if let Ok(mut slot) = self.tile.lock() {
                *slot = Some(tile);
            }
        }
    }
    /// The tile made ahead, if there is one; another is wanted for the next.
    pub(super) fn take(&self) -> Option<Vec<u64>> {
        if self.words == 0 {
            return None;
        }
        let tile = self.tile.lock().ok()?.take();
        self.wanted
            .store(true, std::sync::atomic::Ordering::Release);
        tile.filter(|t| t.len() == self.words)
    }
}

impl Cells {
    /// Cells of `stride` words per participant, for about `expected` participants.
    pub(super) fn new(stride: usize, expected: usize) -> Self {
        // A sixteenth of the expected cells per tile, 64 MiB to 1 GiB (mapped and
        // unmapped whole by the allocator; big cohorts get tiles big enough for
        // huge pages, src/alloc.rs).
        let bytes = (expected.saturating_mul(8 * stride) / 16).clamp(64 << 20, 1 << 30);
        let per = (bytes / (8 * stride.max(1))).max(1024);
        Cells {
            tiles: Vec::new(),
            stride,
            shift: per.ilog2(),
            len: 0,
        }
    }
    pub(super) fn tile_len(&self) -> usize {
        1 << self.shift
    }
    /// Room for `n` participants, new cells missing; a new tile is the one made
    /// ahead when there is one (already whole and missing throughout).
    pub(super) fn grow_to(&mut self, n: usize, ahead: &SpareTile) {
        if self.stride == 0 {
            self.len = self.len.max(n);
            return;
        }
        let per = self.tile_len();
        while self.len < n {
            let t = self.len >> self.shift;
            if t == self.tiles.len() {
                let tile = ahead
                    .take()
                    .unwrap_or_else(|| Vec::with_capacity(per * self.stride));
                self.tiles.push(tile);
            }
            let in_tile = self.len & (per - 1);
            let take = (n - self.len).min(per - in_tile);
            let stride = self.stride;
            let tile = &mut self.tiles[t];
            if tile.len() < (in_tile + take) * stride {
                tile.resize((in_tile + take) * stride, MISSING);
            }
            self.len += take;
        }
    }
    pub(super) fn row(&self, pid: usize) -> Option<&[u64]> {
        let tile = self.tiles.get(pid >> self.shift)?;
        tile.get((pid & (self.tile_len() - 1)) * self.stride..)?
            .get(..self.stride)
    }
    pub(super) fn row_mut(&mut self, pid: usize) -> Option<&mut [u64]> {
        let (shift, stride) = (self.shift, self.stride);
        let tile = self.tiles.get_mut(pid >> shift)?;
        tile.get_mut((pid & ((1 << shift) - 1)) * stride..)?
            .get_mut(..stride)
    }
}

/// Every domain's values (and text codes) by participant and wave, from the
/// participant-major cells: each tile is transposed on its own (tiles on every
/// core) and freed.
///
/// Big cohorts' columns are not written afresh: a tile is transposed into a
/// scratch tile whose pages are then handed to the columns (`alloc::move_pages`),
/// and the tile itself, its pages already in memory, becomes the next scratch. The
/// columns then cost no page faults (at 10M rows, 180,000 of them, ≈ 0.3 s).
///
/// `ids` is freed once the columns are mapped: its pages, kept by the allocator,
/// serve the scratch tiles and the codes.
pub(super) fn columns(
    cells: Cells,
    nd: usize,
    n: usize,
    tallies: Vec<Tally>,
    ids: Ids,
) -> Vec<Acc> {
    // Whole pages per tile part of a column, and columns big enough to be
    // mappings of their own (src/alloc.rs).
    let moving = n * 8 >= crate::alloc::BIG_BYTES
        && cells
            .tile_len()
            .is_multiple_of(crate::alloc::PAGE_BYTES / 8);
    let k = cells.stride / nd.max(1);
    let values = column_room(nd, k, n, moving);
    drop(ids);
    columns_by(cells, nd, n, tallies, values, moving)
}

/// Zeroed room for every domain's two columns: whole pages when `moving`, so that
/// every tile's part of a column is too.
pub(super) fn column_room(nd: usize, k: usize, n: usize, moving: bool) -> Vec<Vec<Vec<f64>>> {
    let cap = if moving {
        n.next_multiple_of(crate::alloc::PAGE_BYTES / 8)
    } else {
        n
    };
    (0..nd)
        .map(|_| (0..k).map(|_| vec![0.0; cap]).collect())
        .collect()
}

/// [`columns`] into `values` (from [`column_room`]), handing the scratch tiles'
/// pages to the columns when `moving`.
pub(super) fn columns_by(
    cells: Cells,
    nd: usize,
    n: usize,
    tallies: Vec<Tally>,
    mut values: Vec<Vec<Vec<f64>>>,
    moving: bool,
) -> Vec<Acc> {
    let stride = cells.stride;
    let k = stride / nd.max(1);
    let tile_len = cells.tile_len();
    // Numbers kept as written: their value, parsed once per distinct spelling.
    let num_value: Vec<Vec<f64>> = tallies
        .iter()
        .map(|t| {
            t.texts
                .iter()
                .map(|s| parse_number(s, true).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let mut codes: Vec<Option<Vec<Vec<u32>>>> = tallies
        .iter()
        .map(|t| {
            t.has_text
                .then(|| (0..k).map(|_| vec![NO_CODE; n]).collect())
        })
        .collect();
    // Per tile: its cells and its part of every column ([domain][wave]).
    // Each tile's participants only (a tile made ahead is whole).
    let mut jobs: Vec<TileJob> = cells
        .tiles
        .into_iter()
        .enumerate()
        .map(|(k, mut t)| {
            t.truncate(n.saturating_sub(k * tile_len).min(tile_len) * stride);
            (t, Vec::new(), Vec::new())
        })
        .collect();
    for col in values.iter_mut().flat_map(|v| v.iter_mut()) {
        for (k, part) in col.chunks_mut(tile_len).enumerate() {
            if let Some(j) = jobs.get_mut(k) {
                j.1.push(part);
            }
        }
    }
    for c in &mut codes {
        match c {
            Some(waves) => {
                for col in waves.iter_mut() {
                    for (k, part) in col.chunks_mut(tile_len).enumerate() {
                        if let Some(j) = jobs.get_mut(k) {
                            j.2.push(Some(part));
                        }
                    }
                }
            }
            None => {
                for j in &mut jobs {
                    for _ in 0..k {
                        j.2.push(None);
                    }
                }
            }
        }
    }
    // A column at a time over blocks of rows small enough to stay in cache: each
    // column's values are written in runs.
    let transpose = |tile: &[u64], vals: &mut [&mut [f64]], cods: &mut [Option<&mut [u32]>]| {
        const BLOCK: usize = 256;
        let stride = stride.max(1);
        for (b, block) in tile.chunks(BLOCK * stride).enumerate() {
            let at = b * BLOCK;
            for (j, (out, code_out)) in vals.iter_mut().zip(cods.iter_mut()).enumerate() {
                // Column j is domain j / k at wave j % k, cell w * nd + d of a row.
                let (d, w) = (j / k, j % k);
                let cell = w * nd + d;
                let rows = block.chunks_exact(stride);
                let Some(out) = out.get_mut(at..at + rows.len()) else {
                    continue;
                };
                for (o, row) in out.iter_mut().zip(rows) {
                    let c = row[cell];
                    *o = if is_code(c) {
                        if c & NUMERIC != 0 {
                            num_value[d]
                                .get(code_of(c) as usize)
                                .copied()
                                .unwrap_or(f64::NAN)
                        } else {
                            f64::NAN
                        }
                    } else {
                        f64::from_bits(c)
                    };
                }
                if let Some(cs) = code_out {
                    let rows = block.chunks_exact(stride);
                    if let Some(cs) = cs.get_mut(at..at + rows.len()) {
                        for (o, row) in cs.iter_mut().zip(rows) {
                            let c = row[cell];
                            *o = if is_code(c) { code_of(c) } else { NO_CODE };
                        }
                    }
                }
            }
        }
    };
    if moving {
        // One chain of tiles per core: each tile goes into the scratch, the
        // scratch's pages go to the columns, and the tile becomes the scratch.
        let group = jobs
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(1);
        jobs.into_par_iter().chunks(group).for_each(|group| {
            let mut scratch: Option<Vec<u64>> = None;
            for (tile, mut vals, mut cods) in group {
                let mut buf = scratch.take().unwrap_or_default();
                buf.resize(tile_len * stride, 0);
                let mut parts: Vec<&mut [f64]> = bytemuck::cast_slice_mut::<u64, f64>(&mut buf)
                    .chunks_mut(tile_len)
                    .collect();
                transpose(&tile, &mut parts, &mut cods);
                for (from, to) in parts.iter_mut().zip(vals.iter_mut()) {
                    let from = &mut from[..to.len()];
                    let moved = crate::alloc::move_pages(
                        bytemuck::cast_slice_mut(from),
                        bytemuck::cast_slice_mut(to),
                    );
                    if !moved {
                        to.copy_from_slice(from);
                    }
                }
                // `buf` is dropped here (its pages are the columns' now).
                scratch = Some(tile);
            }
        });
        for col in values.iter_mut().flat_map(|v| v.iter_mut()) {
            col.truncate(n);
        }
    } else {
        jobs.into_par_iter().for_each(|(tile, mut vals, mut cods)| {
            transpose(&tile, &mut vals, &mut cods);
            // The tile is dropped here: its memory goes back as the columns fill.
        });
    }
    values
        .into_iter()
        .zip(codes)
        .zip(tallies)
        .map(|((values, codes), tally)| Acc {
            values,
            codes,
            tally,
        })
        .collect()
}

/// A tile's cells and its part of every column and code column.
type TileJob<'a> = (Vec<u64>, Vec<&'a mut [f64]>, Vec<Option<&'a mut [u32]>>);

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of `nd` domains for `n` participants in tiles of `1 << shift`, every
    /// kind of cell (numbers of both signs, missing, text codes, numbers kept as
    /// text), and tallies where domain 0 holds text.
    fn cells_for_test(nd: usize, n: usize, shift: u32) -> (Cells, Vec<Tally>) {
        cells_grown(nd, n, shift, n, false)
    }

    /// [`cells_for_test`], grown `step` participants at a time, with tiles made
    /// ahead (between steps, as the parsing cores do) when `ahead`.
    fn cells_grown(
        nd: usize,
        n: usize,
        shift: u32,
        step: usize,
        ahead: bool,
    ) -> (Cells, Vec<Tally>) {
        let mut cells = Cells {
            tiles: Vec::new(),
            stride: 2 * nd,
            shift,
            len: 0,
        };
        let spare = SpareTile::new(&cells, if ahead { n } else { 0 });
        assert_eq!(spare.is_on(), ahead);
        let mut at = 0;
        while at < n {
            spare.make_if_wanted();
            at = (at + step).min(n);
            cells.grow_to(at, &spare);
        }
        for p in 0..n {
            if let Some(row) = cells.row_mut(p) {
                for (j, c) in row.iter_mut().enumerate() {
                    *c = match (p * 7 + j * 3) % 11 {
                        0 => MISSING,
                        1 => rows::code_cell((p % 3) as u32, false),
                        2 => rows::code_cell(1, true),
                        3 => (-0.0f64).to_bits(),
                        k => ((p as f64) * 0.5 - k as f64).to_bits(),
                    };
                }
            }
        }
        let mut text = Tally::default();
        for t in ["a", "1.50", "c"] {
            text.texts.push(t.to_string());
        }
        text.has_text = true;
        let mut tallies = vec![text];
        tallies.resize_with(nd, Tally::default);
        (cells, tallies)
    }

    #[test]
    fn tiles_made_ahead_change_nothing() {
        // 50,000 participants in tiles of 4,096, grown 999 at a time (rows cross
        // tiles), the last tile part full.
        let (nd, n) = (3, 50_000);
        let (cells, tallies) = cells_grown(nd, n, 12, 999, true);
        // Every tile after the first was made ahead: whole, missing beyond n.
        assert_eq!(cells.tiles.len(), n.div_ceil(4096));
        assert!(cells.tiles[1..].iter().all(|t| t.len() == 4096 * 2 * nd));
        assert_eq!(cells.row(n).map(|r| r[0]), Some(MISSING));
        let ahead = columns_by(cells, nd, n, tallies, column_room(nd, 2, n, false), false);
        let (cells, tallies) = cells_grown(nd, n, 12, 999, false);
        assert_eq!(cells.row(n), None);
        let grown = columns_by(cells, nd, n, tallies, column_room(nd, 2, n, false), false);
        assert_same_columns(&ahead, &grown, n);
    }

    /// The same values (to the bit) and codes, `n` participants each.
    fn assert_same_columns(a: &[Acc], b: &[Acc], n: usize) {
        assert_eq!(a.len(), b.len());
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (x, y) in a.iter().zip(b) {
            for wave in 0..2 {
                assert_eq!(x.values[wave].len(), n);
                assert!(bits(&x.values[wave]) == bits(&y.values[wave]));
            }
            assert_eq!(x.codes, y.codes);
        }
    }

    #[test]
    fn columns_handed_pages_equal_columns_written() {
        // 2.2 million participants: columns of 17.6 MB, mappings of their own, so
        // that the pages really move; tiles of 2^19 participants (16 MiB, the
        // last one part full).
        let (nd, n) = (2, 2_200_000);
        let (cells, tallies) = cells_for_test(nd, n, 19);
        let moved = columns_by(cells, nd, n, tallies, column_room(nd, 2, n, true), true);
        let (cells, tallies) = cells_for_test(nd, n, 19);
        let written = columns_by(cells, nd, n, tallies, column_room(nd, 2, n, false), false);
        assert_eq!(moved.len(), nd);
        assert_same_columns(&moved, &written, n);
        // A few values by hand: participant 5, domain 0, pre (cell 0):
        // (35 + 0) % 11 = 2 → the number kept as text "1.50".
        assert_eq!(written[0].values[0][5], 1.5);
        assert_eq!(written[0].codes.as_ref().map(|c| c[0][5]), Some(1));
        // Participant 4, domain 1, post (cell 3): (28 + 9) % 11 = 4 → 2 - 4.
        assert_eq!(written[1].values[1][4], -2.0);
        // Participant 1, domain 0, pre: (7 + 0) % 11 = 7 → 0.5 - 7.
        assert_eq!(moved[0].values[0][1], -6.5);
        assert_eq!(moved[0].values[0][n - 1], written[0].values[0][n - 1]);
    }
}
