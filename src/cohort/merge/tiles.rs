//! Participant-major cells in tiles (the merge's memory: a tile made ahead by
//! a parsing core, rows found by participant), and the tiles turned into one
//! column per domain and wave, tiles on every core, their pages handed to the
//! columns.

use crate::cohort::ids::Ids;
use crate::cohort::kinds::Acc;
use crate::cohort::rows::{MISSING, NO_CODE, NUMERIC, Tally, code_of, is_code};
use crate::input::values::parse_number;
use rayon::prelude::*;

/// Participant-major cells, in tiles of participants: no copy when the cohort
/// grows, and each tile's memory goes to the columns as soon as it is turned into
/// them (memory stays near one copy of the values, not two).
pub(in crate::cohort) struct Cells {
    pub(in crate::cohort) tiles: Vec<Vec<u64>>,
    pub(in crate::cohort) stride: usize,
    /// Participants per tile: 1 << shift.
    pub(in crate::cohort) shift: u32,
    pub(in crate::cohort) len: usize,
}

/// The next tile of a big cohort, made (filled with missing cells) by a core that
/// parses while the merge fills the current one. The merge is the one serial
/// step, and each fresh page it touches costs a page fault: a tile made ahead
/// moves those faults (at 10M rows, 180,000 of them) off its path.
pub(in crate::cohort) struct SpareTile {
    pub(in crate::cohort) tile: std::sync::Mutex<Option<Vec<u64>>>,
    pub(in crate::cohort) wanted: std::sync::atomic::AtomicBool,
    /// Words per tile; 0 when tiles are not made ahead.
    pub(in crate::cohort) words: usize,
}

impl SpareTile {
    pub(in crate::cohort) fn new(cells: &Cells, expected: usize) -> Self {
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
    #[inline]
    pub(in crate::cohort) fn is_on(&self) -> bool {
        self.words > 0
    }
    /// Make the next tile if the merge wants one (called between parsed blocks).
    #[inline]
    pub(in crate::cohort) fn make_if_wanted(&self) {
        use std::sync::atomic::Ordering;
        if self.words > 0 && self.wanted.swap(false, Ordering::AcqRel) {
            let tile = vec![MISSING; self.words];
            if let Ok(mut slot) = self.tile.lock() {
                *slot = Some(tile);
            }
        }
    }
    /// The tile made ahead, if there is one; another is wanted for the next.
    #[inline]
    pub(in crate::cohort) fn take(&self) -> Option<Vec<u64>> {
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
    pub(in crate::cohort) fn new(stride: usize, expected: usize) -> Self {
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
    #[inline]
    pub(in crate::cohort) fn tile_len(&self) -> usize {
        1 << self.shift
    }
    /// Room for `n` participants, new cells missing; a new tile is the one made
    /// ahead when there is one (already whole and missing throughout).
    #[inline]
    pub(in crate::cohort) fn grow_to(&mut self, n: usize, ahead: &SpareTile) {
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
    #[inline]
    pub(in crate::cohort) fn row(&self, pid: usize) -> Option<&[u64]> {
        let tile = self.tiles.get(pid >> self.shift)?;
        tile.get((pid & (self.tile_len() - 1)) * self.stride..)?
            .get(..self.stride)
    }
    #[inline]
    pub(in crate::cohort) fn row_mut(&mut self, pid: usize) -> Option<&mut [u64]> {
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
pub(in crate::cohort) fn columns(
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
pub(in crate::cohort) fn column_room(
    nd: usize,
    k: usize,
    n: usize,
    moving: bool,
) -> Vec<Vec<Vec<f64>>> {
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
pub(in crate::cohort) fn columns_by(
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
    let jobs = tile_jobs(cells, n, k, &mut values, &mut codes);
    let transpose = Transpose {
        stride,
        k,
        nd,
        num_value: &num_value,
    };
    if moving {
        move_tiles(jobs, &transpose, tile_len);
        for col in values.iter_mut().flat_map(|v| v.iter_mut()) {
            col.truncate(n);
        }
    } else {
        jobs.into_par_iter().for_each(|(tile, mut vals, mut cods)| {
            transpose.tile(&tile, &mut vals, &mut cods);
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

/// Per tile: its cells (its participants only: a tile made ahead is whole) and
/// its part of every column and code column ([domain][wave]; `None` for a
/// domain without text).
fn tile_jobs<'a>(
    cells: Cells,
    n: usize,
    k: usize,
    values: &'a mut [Vec<Vec<f64>>],
    codes: &'a mut [Option<Vec<Vec<u32>>>],
) -> Vec<TileJob<'a>> {
    let (stride, tile_len) = (cells.stride, cells.tile_len());
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
    for c in codes.iter_mut() {
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
    jobs
}

/// How a tile of participant-major cells becomes its part of every column:
/// column j is domain j / k at wave j % k, cell w · nd + d of a row; a number
/// kept as written is its value, a text NaN (and its code in the code column).
struct Transpose<'a> {
    stride: usize,
    k: usize,
    nd: usize,
    /// Per domain, the value of each number kept as written.
    num_value: &'a [Vec<f64>],
}

impl Transpose<'_> {
    /// A column at a time over blocks of rows small enough to stay in cache: each
    /// column's values are written in runs.
    fn tile(&self, tile: &[u64], vals: &mut [&mut [f64]], cods: &mut [Option<&mut [u32]>]) {
        const BLOCK: usize = 256;
        let (k, nd, num_value) = (self.k, self.nd, self.num_value);
        let stride = self.stride.max(1);
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
    }
}

/// Big cohorts: one chain of tiles per core: each tile goes into the scratch,
/// the scratch's pages go to the columns, and the tile becomes the scratch.
/// The columns are left a whole number of pages long.
fn move_tiles(jobs: Vec<TileJob>, transpose: &Transpose, tile_len: usize) {
    let stride = transpose.stride;
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
            transpose.tile(&tile, &mut parts, &mut cods);
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
}

/// A tile's cells and its part of every column and code column.
type TileJob<'a> = (Vec<u64>, Vec<&'a mut [f64]>, Vec<Option<&'a mut [u32]>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::rows;

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
