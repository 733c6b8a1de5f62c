//! Rows merged into participants in file order (the fast path of reading):
//! duplicates, changing arms and clusters refused, each row's cells placed in
//! its participant's row. `tiles.rs`: those participant-major cells, and how
//! they become one column per domain and wave.

mod tiles;

pub(super) use tiles::{Cells, SpareTile, columns};

use super::Arm;
use super::ids::{Ids, Rec};
use super::labels::LabelMap;
use super::rows::{self, NO_CODE, NUMERIC, Parsed, Plan, Tally, code_of, is_code};
use crate::error::{UResult, UserError};
use crate::input::blocks::{Block, Record};
use crate::input::read::{Source, field};
use crate::timing::Phase;
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
    /// The number of waves; with more than two and `keep_at`, where each
    /// participant was seen at each wave (participant-major), for the message of
    /// a row that comes twice in a wave. Not kept by default: it is another
    /// place in memory per row, and only that message reads it. A file where a
    /// participant comes twice in a wave is read again keeping it (`again`).
    pub(super) waves: usize,
    pub(super) at_more: Vec<u64>,
    pub(super) keep_at: bool,
    /// A participant came twice in a wave while positions were not kept: the
    /// reading stopped, to be done again with `keep_at` (read.rs).
    pub(super) again: bool,
    pub(super) rows_total: usize,
}

impl Merge {
    /// Take in one block's rows, in file order; errors are those the rows would give
    /// read one by one, in that order. The block's rows are handed back for reuse.
    // `#[inline]` here and on the tiles' methods: compiled in other units than
    // their callers since the split, they are inlined there as before (the
    // merge's instructions per row measured equal, docs/performance.md).
    #[inline]
    pub(super) fn merge(
        &mut self,
        plan: &Plan,
        block: &Block,
        p: Parsed,
        sources: &[Source],
        ahead: &SpareTile,
    ) -> UResult<Parsed> {
        let p = self.up_to_date(plan, block, p);
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
        // With more than two waves, also the participant's place at the row's
        // wave (`at_more`, another array).
        let waves = self.waves;
        let ahead_rows = |ids: &Ids, cells: &Cells, at_more: &[u64], from: usize| {
            if keyed {
                for r in from..(from + BATCH).min(p.len()) {
                    let Some(pid) = ids.prefetch_rec(p.hash[r]) else {
                        continue;
                    };
                    let w = usize::from(p.side[r] >> 1);
                    if let Some(c) = cells.row(pid).and_then(|row| row.get(w * nd)) {
                        crate::prefetch::prefetch(c);
                    }
                    if let Some(a) = at_more.get(pid * waves + w) {
                        crate::prefetch::prefetch(a);
                    }
                }
            }
        };
        ahead_slots(&self.ids, 0);
        ahead_slots(&self.ids, BATCH);
        ahead_rows(&self.ids, &self.cells, &self.at_more, 0);
        for start in (0..p.len()).step_by(BATCH) {
            let end = (start + BATCH).min(p.len());
            ahead_slots(&self.ids, start + 2 * BATCH);
            ahead_rows(&self.ids, &self.cells, &self.at_more, start + BATCH);
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
            if self.waves > 2 && self.keep_at {
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
                    // The usual case decided here; a clash (or a first cluster
                    // value) in the functions that word the messages.
                    let rec = &self.ids.recs[pid];
                    let twice = waves_here.iter().any(|&w| rec.present & (1 << w) != 0);
                    if twice && self.waves > 2 && !self.keep_at {
                        return Err(self.read_again());
                    }
                    if twice || arm_index(rec.arm) != arm {
                        self.check_again(plan, block, sources, pid, at, arm, waves_here)?;
                    }
                    let rec = &self.ids.recs[pid];
                    if cluster != NO_CODE && rec.cluster != cluster {
                        self.same_cluster(plan, block, sources, pid, at, cluster)?;
                    }
                }
                self.mark_present(pid, waves_here, at);
                self.copy_cells(plan, &p, r, pid, wave, &maps);
            }
        }
        match p.error {
            Some((Some(pos), e)) => Err(src.error_at(pos, e)),
            Some((None, e)) => Err(e.file(&src.name)),
            None => Ok(p),
        }
    }

    /// The block as parsed, or parsed again when a domain met its first text in
    /// an earlier block while this one was parsed: it keeps its numbers'
    /// spelling.
    fn up_to_date(&self, plan: &Plan, block: &Block, p: Parsed) -> Parsed {
        // A domain that met its first text in an earlier block while this one was
        // parsed keeps its numbers' spelling: parse the block again knowing it.
        let stale = self
            .tallies
            .iter()
            .zip(&p.text_before)
            .zip(&p.tallies)
            .any(|((g, &known), b)| g.has_text && !known && b.numbers_before_text);
        if stale {
            let known: Vec<bool> = self.tallies.iter().map(|t| t.has_text).collect();
            rows::parse(plan, block, &known, self.wave_map.labels_only(), Some(p))
        } else {
            p
        }
    }

    /// Participant `pid` is present at `waves_here`, last seen at `at` (with
    /// more than two waves, where at each wave).
    #[inline]
    fn mark_present(&mut self, pid: usize, waves_here: &[usize], at: u64) {
        let rec = &mut self.ids.recs[pid];
        for &w in waves_here {
            rec.present |= 1 << w;
            rec.at[w.min(1)] = at;
            if let Some(a) = self.at_more.get_mut(pid * self.waves + w) {
                *a = at;
            }
        }
    }

    /// Row `r`'s cells into its participant's row, at its wave (both waves in
    /// the wide layout), the block's text codes turned into the cohort's
    /// (`maps`: per domain, text and number codes).
    #[inline]
    fn copy_cells(
        &mut self,
        plan: &Plan,
        p: &Parsed,
        r: usize,
        pid: usize,
        wave: usize,
        maps: &[(Vec<u64>, Vec<u64>)],
    ) {
        let (nd, slots) = (self.nd, plan.slots());
        for s in 0..slots {
            let w = if plan.wide { s } else { wave };
            let from = &p.cells[(r * slots + s) * nd..][..nd];
            let Some(row) = self.cells.row_mut(pid) else {
                break;
            };
            let to = &mut row[w * nd..][..nd];
            for ((t, &c), (as_text, as_num)) in to.iter_mut().zip(from).zip(maps) {
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

    /// A row comes twice in a wave and the position of the first is not kept:
    /// the reading stops here, to be done again keeping positions (its
    /// errors, in order, are this reading's: the rows before are the same).
    #[cold]
    #[inline(never)]
    fn read_again(&mut self) -> UserError {
        self.again = true;
        UserError::new("a row twice in a wave: read again keeping positions")
    }

    /// A participant met again: not twice in a wave, and in the same arm.
    #[allow(clippy::too_many_arguments)]
    #[cold]
    #[inline(never)]
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
    #[cold]
    #[inline(never)]
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
