//! Blocks of records into rows: the part of reading that runs on every core.
//!
//! Each block is parsed on its own into compact rows: the participant id's hash,
//! arm and wave, stratum, position, and one 64-bit cell per domain and wave. Text is
//! interned per block ([`Tally`]); the single-threaded merge ([`super::build`])
//! maps block codes to the cohort's codes in file order, so the cohort is the same
//! as reading the rows one by one.

use super::labels::LabelMap;
use crate::error::UserError;
use crate::input::blocks::{Block, Record};
use crate::input::read::{Pos, check_width, field, is_blank, text};
use crate::input::values::{fast_decimal, is_missing, is_missing_trimmed, parse_number};
use crate::text::fold;
use rustc_hash::FxHashMap;
use std::ops::ControlFlow;
use xxhash_rust::xxh3::xxh3_128;

pub(super) const NO_CODE: u32 = u32::MAX;
pub(super) const MAX_DISTINCT: usize = 1000;

/// A cell: the bits of a finite number, [`MISSING`], or a text code (tagged NaN
/// bits, which no parsed number has). A code of a number (text kept as written
/// because the domain also holds text) carries [`NUMERIC`].
pub(super) const MISSING: u64 = 0x7FF8_0000_0000_0000;
const CODE_TAG: u64 = 0x7FF4_0000_0000_0000;
const TAG_MASK: u64 = 0xFFFF_0000_0000_0000;
pub(super) const NUMERIC: u64 = 1 << 40;

pub(super) fn code_cell(code: u32, numeric: bool) -> u64 {
    CODE_TAG | if numeric { NUMERIC } else { 0 } | u64::from(code)
}
pub(super) fn is_code(cell: u64) -> bool {
    cell & TAG_MASK == CODE_TAG
}
/// The text code of a code cell.
pub(super) fn code_of(cell: u64) -> u32 {
    (cell & 0xFFFF_FFFF) as u32
}

/// A domain's texts and counts as they are read (per block, then merged).
#[derive(Default, Clone)]
pub(super) struct Tally {
    pub texts: Vec<String>,
    pub text_index: FxHashMap<String, u32>,
    /// Per text: cells holding it, and where it first appeared.
    pub text_count: Vec<usize>,
    pub text_first: Vec<u64>,
    pub n_num: usize,
    /// Some number is not a finite 0 or 1.
    pub not01: bool,
    pub first_nonfinite: Option<(u64, String)>,
    /// Numbers were kept as numbers only, before the domain's first text.
    pub numbers_before_text: bool,
    pub has_text: bool,
    pub too_many: bool,
    /// A few texts as read (bytes, ASCII-trimmed) and their codes: repeated labels
    /// skip decoding and lookup by string.
    seen: Vec<(Box<[u8]>, u32)>,
}

impl Tally {
    /// Some number was read, and every one is a finite 0 or 1.
    pub fn all01(&self) -> bool {
        self.n_num > 0 && !self.not01
    }

    pub fn intern(&mut self, raw: &str, at: u64) -> u32 {
        let found = if self.texts.len() <= 8 {
            self.texts.iter().position(|t| t == raw).map(|i| i as u32)
        } else {
            self.text_index.get(raw).copied()
        };
        if let Some(c) = found {
            self.text_count[c as usize] += 1;
            return c;
        }
        if self.texts.len() >= MAX_DISTINCT {
            self.too_many = true;
            return NO_CODE;
        }
        let c = self.texts.len() as u32;
        self.texts.push(raw.to_string());
        self.text_index.insert(raw.to_string(), c);
        self.text_count.push(1);
        self.text_first.push(at);
        c
    }

    /// One field as read: its cell. Plain numbers (`12`, `-3.5`, with ASCII spaces
    /// around) and missing markers are decided on the bytes, without decoding the
    /// text; everything else goes through [`Tally::cell`] as text.
    fn cell_bytes(&mut self, raw: &[u8], at: u64, decimal_comma: bool, text_before: bool) -> u64 {
        // A digit at both ends: nothing to trim and no missing marker (none starts
        // with a digit), so straight to the number (the usual cell).
        let b = match (raw.first(), raw.last()) {
            (Some(f), Some(l)) if f.is_ascii_digit() && l.is_ascii_digit() => raw,
            _ => {
                let b = raw.trim_ascii();
                if is_missing_trimmed(b) {
                    return MISSING;
                }
                b
            }
        };
        match fast_decimal(b, decimal_comma) {
            // The same as `cell` does with the decoded text (`b` is ASCII).
            Some(x) if !(text_before || self.has_text) => {
                self.n_num += 1;
                // Without a branch: in a yes/no column 0 and 1 come at random.
                self.not01 |= (x != 0.0) & (x != 1.0);
                self.numbers_before_text = true;
                x.to_bits()
            }
            Some(_) => self.cell(&text(raw), at, decimal_comma, text_before),
            None => {
                if let Some(&(_, c)) = self.seen.iter().find(|e| same_bytes(&e.0, b)) {
                    self.text_count[c as usize] += 1;
                    return code_cell(c, false);
                }
                let cell = self.cell(&text(raw), at, decimal_comma, text_before);
                if is_code(cell) && cell & NUMERIC == 0 && self.seen.len() < 8 {
                    self.seen.push((b.into(), code_of(cell)));
                }
                cell
            }
        }
    }

    /// One value: its cell. Numbers are kept as written (interned) once the domain
    /// holds text (`text_before`: in an earlier block, or earlier in this one), so
    /// that categorical levels keep their spelling.
    fn cell(&mut self, raw: &str, at: u64, decimal_comma: bool, text_before: bool) -> u64 {
        if is_missing(raw) {
            return MISSING;
        }
        match parse_number(raw, decimal_comma) {
            Some(x) if x.is_finite() => {
                self.n_num += 1;
                if x != 0.0 && x != 1.0 {
                    self.not01 = true;
                }
                if text_before || self.has_text {
                    match self.intern(raw, at) {
                        NO_CODE => x.to_bits(),
                        c => code_cell(c, true),
                    }
                } else {
                    self.numbers_before_text = true;
                    x.to_bits()
                }
            }
            Some(_) => {
                self.n_num += 1;
                self.not01 = true;
                if self.first_nonfinite.is_none() {
                    self.first_nonfinite = Some((at, raw.to_string()));
                }
                MISSING
            }
            None => {
                self.has_text = true;
                match self.intern(raw, at) {
                    NO_CODE => MISSING,
                    c => code_cell(c, false),
                }
            }
        }
    }

    /// Take in a later block's tally; the cells of that block are translated with
    /// the returned maps (block code → cell, for text and for numbers kept as text).
    pub fn absorb(&mut self, b: &Tally) -> (Vec<u64>, Vec<u64>) {
        let mut as_text = Vec::with_capacity(b.texts.len());
        let mut as_num = Vec::with_capacity(b.texts.len());
        for (i, t) in b.texts.iter().enumerate() {
            let found = self.text_index.get(t.as_str()).copied();
            let c = match found {
                Some(c) => {
                    self.text_count[c as usize] += b.text_count[i];
                    c
                }
                None if self.texts.len() >= MAX_DISTINCT => {
                    self.too_many = true;
                    NO_CODE
                }
                None => {
                    let c = self.texts.len() as u32;
                    self.texts.push(t.clone());
                    self.text_index.insert(t.clone(), c);
                    self.text_count.push(b.text_count[i]);
                    self.text_first.push(b.text_first[i]);
                    c
                }
            };
            if c == NO_CODE {
                as_text.push(MISSING);
                // A number past the limit of distinct texts keeps its value.
                as_num.push(parse_number(t, true).map_or(MISSING, f64::to_bits));
            } else {
                as_text.push(code_cell(c, false));
                as_num.push(code_cell(c, true));
            }
        }
        if !self.has_text {
            self.numbers_before_text |= b.numbers_before_text;
        }
        self.has_text |= b.has_text;
        self.n_num += b.n_num;
        self.not01 |= b.not01;
        if self.first_nonfinite.is_none() {
            self.first_nonfinite = b.first_nonfinite.clone();
        }
        self.too_many |= b.too_many;
        (as_text, as_num)
    }
}

/// How to read the rows of one source.
pub(super) struct Plan<'a> {
    pub si: usize,
    pub id: Option<usize>,
    pub group: Option<usize>,
    pub wave: Option<usize>,
    pub by: Option<usize>,
    pub cluster: Option<usize>,
    /// Per domain: (pre column, post column).
    pub cols: Vec<[usize; 2]>,
    pub wide: bool,
    pub width: usize,
    /// The file's name when the file is an arm (no arm column, several files): the
    /// arm label of its rows, and the key of its ids (each file numbers its own).
    pub file_arm: Option<&'a str>,
    pub decimal_comma: bool,
    pub delimiter: u8,
    pub group_name: &'a str,
    pub cluster_name: &'a str,
    pub wave_name: &'a str,
    pub id_name: &'a str,
    pub arms: &'a LabelMap,
    pub waves: &'a LabelMap,
}

impl Plan<'_> {
    /// Cells per row: both waves in the wide layout, one in the long layout.
    pub fn slots(&self) -> usize {
        if self.wide { 2 } else { 1 }
    }
}

/// One block's rows (those whose arm and wave are kept) and what was learnt.
pub(super) struct Parsed {
    /// Records read, kept or not.
    pub records: usize,
    pub hash: Vec<u128>,
    pub at: Vec<u64>,
    /// Arm side | wave side << 1.
    pub side: Vec<u8>,
    /// Block stratum code, or [`NO_CODE`].
    pub stratum: Vec<u32>,
    /// Block cluster code, or [`NO_CODE`] (only with a cluster column).
    pub cluster: Vec<u32>,
    /// Row-major: per row, per slot, per domain.
    pub cells: Vec<u64>,
    pub tallies: Vec<Tally>,
    pub arms: LabelMap,
    pub waves: LabelMap,
    /// Strata values (folded, as first written).
    pub strata: Vec<(String, String)>,
    pub strata_missing: usize,
    /// Cluster values (folded, as first written).
    pub clusters: Vec<(String, String)>,
    /// Whether each domain was known to hold text when the block was parsed.
    pub text_before: Vec<bool>,
    /// The first problem in the block, after the rows before it.
    pub error: Option<(Option<Pos>, UserError)>,
}

impl Parsed {
    pub fn len(&self) -> usize {
        self.at.len()
    }
}

/// Whether two short byte strings (labels, levels) are equal: compared eight bytes
/// at a time inline, cheaper than a call to `memcmp` for the few bytes of a label.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    // The last byte first: labels that differ only there (`visit 2`, `visit 3`)
    // are told apart without reading the rest.
    if a.len() != b.len() || a.last() != b.last() {
        return false;
    }
    let word = |c: &[u8]| c.try_into().map_or(0, u64::from_ne_bytes);
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in x.by_ref().zip(y.by_ref()) {
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// The most cluster values a block remembers by their bytes (beyond, a value
/// is coded from its text as the first time).
const RAW_CODES_MAX: usize = 1 << 16;

/// Codes of values by their bytes as written, without an allocation per
/// value: the bytes in one buffer, found by their hash (checked against the
/// bytes, so a collision only means the value is coded from its text).
#[derive(Default)]
struct RawCodes {
    /// Hash → offset and length in `bytes`, and code.
    map: FxHashMap<u64, (u32, u32, u32)>,
    bytes: Vec<u8>,
}

impl RawCodes {
    fn hash(raw: &[u8]) -> u64 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        h.write(raw);
        h.finish()
    }

    #[inline]
    fn get(&self, raw: &[u8]) -> Option<u32> {
        let &(at, len, code) = self.map.get(&Self::hash(raw))?;
        let known = self.bytes.get(at as usize..at as usize + len as usize)?;
        (known == raw).then_some(code)
    }

    fn put(&mut self, raw: &[u8], code: u32) {
        if self.map.len() >= RAW_CODES_MAX || self.bytes.len() + raw.len() >= u32::MAX as usize {
            return;
        }
        let bytes = &mut self.bytes;
        self.map.entry(Self::hash(raw)).or_insert_with(|| {
            let at = bytes.len() as u32;
            bytes.extend_from_slice(raw);
            (at, raw.len() as u32, code)
        });
    }
}

/// The block code of a participant-level value (stratum, cluster), matched
/// ignoring case and accents; [`NO_CODE`] when missing.
fn key_code(
    v: &str,
    index: &mut FxHashMap<String, u32>,
    values: &mut Vec<(String, String)>,
) -> u32 {
    if is_missing(v) {
        return NO_CODE;
    }
    let f = fold(v);
    match index.get(&f) {
        Some(&i) => i,
        None => {
            let i = values.len() as u32;
            index.insert(f.clone(), i);
            values.push((f, v.trim().to_string()));
            i
        }
    }
}

/// A vector emptied, its room kept.
fn emptied<T>(mut v: Vec<T>) -> Vec<T> {
    v.clear();
    v
}

/// Parse one block. `text_before[d]`: domain `d` held text in an earlier block.
/// `labels_only`: the reading only learns the labels ([`LabelMap::labels_only`]).
/// `reuse`: an earlier block's result whose vectors are reused (big inputs then
/// never wait for fresh memory from the system).
pub(super) fn parse(
    plan: &Plan,
    block: &Block,
    text_before: &[bool],
    labels_only: bool,
    reuse: Option<Parsed>,
) -> Parsed {
    let mut p = Parsed::start(plan, text_before, reuse);
    let mut strata_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut cluster_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut cluster_raw = RawCodes::default();
    let mut key: Vec<u8> = Vec::new();
    let mut sides = Sides::default();
    let source_bits = (plan.si as u64) << 48;
    let res = block.each_record(plan.delimiter, |pos, rec| {
        if is_blank(rec) {
            return ControlFlow::Continue(());
        }
        p.records += 1;
        let fail = |p: &mut Parsed, e: UserError| {
            p.error = Some((Some(pos), e));
            ControlFlow::Break(())
        };
        if let Err(e) = check_width(rec, plan.width) {
            return fail(&mut p, e);
        }
        let at = source_bits | pos;
        let (arm, wave) = match sides.of(plan, rec, &mut p, at) {
            Ok(Some(s)) => s,
            Ok(None) => return ControlFlow::Continue(()),
            Err(e) => return fail(&mut p, e),
        };
        if labels_only || p.waves.labels_only() {
            return ControlFlow::Continue(());
        }
        if let Some(c) = plan.by {
            let v = field(rec, c);
            if is_missing(&v) {
                p.strata_missing += 1;
            }
            let code = key_code(&v, &mut strata_index, &mut p.strata);
            p.stratum.push(code);
        }
        if let Some(c) = plan.cluster {
            // A value already met in this block (by its bytes) has its code: no
            // decoding, folding, or lookup by its folded text.
            let raw = rec.get(c).unwrap_or_default();
            let code = match cluster_raw.get(raw) {
                Some(code) => code,
                None => {
                    let code = key_code(&field(rec, c), &mut cluster_index, &mut p.clusters);
                    cluster_raw.put(raw, code);
                    code
                }
            };
            p.cluster.push(code);
        }
        if let Some(c) = plan.id {
            match id_hash(plan, rec, c, &mut key) {
                Ok(h) => p.hash.push(h),
                Err(e) => return fail(&mut p, e),
            }
        }
        p.at.push(at);
        p.side.push(arm | (wave << 1));
        p.push_cells(plan, rec, at, text_before);
        ControlFlow::Continue(())
    });
    sides.count_dropped(&mut p);
    if let Err((at, msg)) = res {
        p.error = Some((
            at,
            UserError::new(format!("the file cannot be read as CSV: {msg}"))
                .hint("check for an unterminated quote (\") near this line")
                .es(
                    format!("el archivo no se puede leer como CSV: {msg}"),
                    Some("busque unas comillas (\") sin cerrar cerca de esta línea"),
                ),
        ));
    }
    p
}

impl Parsed {
    /// An empty result for one block: `reuse`'s vectors emptied (their room
    /// kept), the plan's arm and wave labels, a tally per domain.
    fn start(plan: &Plan, text_before: &[bool], reuse: Option<Parsed>) -> Parsed {
        let nd = plan.cols.len();
        let (hash, at, side, stratum, cluster, cells) = match reuse {
            Some(r) => (
                emptied(r.hash),
                emptied(r.at),
                emptied(r.side),
                emptied(r.stratum),
                emptied(r.cluster),
                emptied(r.cells),
            ),
            None => Default::default(),
        };
        Parsed {
            records: 0,
            hash,
            at,
            side,
            stratum,
            cluster,
            cells,
            tallies: vec![Tally::default(); nd],
            arms: plan.arms.clone(),
            waves: plan.waves.clone(),
            strata: Vec::new(),
            strata_missing: 0,
            clusters: Vec::new(),
            text_before: text_before.to_vec(),
            error: None,
        }
    }

    /// One row's cells, slot-major (pre of every domain, then post); each
    /// domain still sees its pre value before its post value, as one reader
    /// would.
    fn push_cells(&mut self, plan: &Plan, rec: &Record, at: u64, text_before: &[bool]) {
        for s in 0..plan.slots() {
            for (d, cols) in plan.cols.iter().enumerate() {
                let raw = rec.get(cols[s]).unwrap_or_default();
                let v = self.tallies[d].cell_bytes(raw, at, plan.decimal_comma, text_before[d]);
                self.cells.push(v);
            }
        }
    }
}

/// The arm and wave labels already met in this block (by their bytes), with
/// their sides: known to be filled in and kept, so read with no decoding and no
/// lookup by string.
#[derive(Default)]
struct Sides {
    arm_seen: Vec<(Vec<u8>, u8)>,
    /// Waves by their bytes: their side, or [`DROPPED`].
    wave_seen: Vec<(Vec<u8>, u8)>,
    /// Dropped waves met again: their bytes, label and rows (counted into the
    /// block's wave map at its end, by [`Sides::count_dropped`]).
    dropped: Vec<(Vec<u8>, String, usize)>,
}

/// The mark, among the waves met in a block, of a wave whose rows are dropped.
const DROPPED: u8 = u8::MAX;

impl Sides {
    /// A row's arm side and wave side, `None` when its arm or wave is dropped;
    /// an empty arm or wave is an error. Without an arm column the arm is the
    /// file's (several files) or the one arm; without a wave column, post.
    fn of(
        &mut self,
        plan: &Plan,
        rec: &Record,
        p: &mut Parsed,
        at: u64,
    ) -> Result<Option<(u8, u8)>, UserError> {
        let raw_of = |c: Option<usize>| c.map(|c| rec.get(c).unwrap_or_default());
        let (g_raw, w_raw) = (raw_of(plan.group), raw_of(plan.wave));
        let known = |seen: &[(Vec<u8>, u8)], raw: Option<&[u8]>| {
            raw.and_then(|b| seen.iter().find(|e| same_bytes(&e.0, b)).map(|e| e.1))
        };
        let (g_known, w_known) = (known(&self.arm_seen, g_raw), known(&self.wave_seen, w_raw));
        for (col, hit, what, name) in [
            (plan.group, g_known, "arm", plan.group_name),
            (plan.wave, w_known, "wave", plan.wave_name),
        ] {
            if let Some(c) = col
                && hit.is_none()
                && is_missing(&field(rec, c))
            {
                return Err(UserError::new(format!("the {what} is empty"))
                    .column(name)
                    .hint(format!("fill in the {what} of every row (or drop the row)"))
                    .es(
                        if what == "arm" {
                            "el grupo está vacío"
                        } else {
                            "la ronda está vacía"
                        },
                        Some(if what == "arm" {
                            "complete el grupo de cada fila (o quite la fila)"
                        } else {
                            "complete la ronda de cada fila (o quite la fila)"
                        }),
                    ));
            }
        }
        let arm = match (plan.group, plan.file_arm, g_known) {
            (Some(_), _, Some(s)) => Some(s),
            (Some(c), _, None) => {
                let s = p.arms.side(&field(rec, c), at);
                if let (Some(s), Some(b)) = (s, g_raw) {
                    self.arm_seen.push((b.to_vec(), s));
                }
                s
            }
            (None, Some(stem), _) => p.arms.side(stem, at),
            (None, None, _) => Some(0),
        };
        let wave = match (plan.wave, w_known) {
            (Some(_), Some(DROPPED)) => {
                if let Some(b) = w_raw
                    && let Some(d) = self.dropped.iter_mut().find(|d| same_bytes(&d.0, b))
                {
                    d.2 += 1;
                }
                None
            }
            (Some(_), Some(s)) => Some(s),
            (Some(c), None) => {
                let raw = field(rec, c);
                let s = p.waves.side(&raw, at);
                if let Some(b) = w_raw {
                    self.wave_seen.push((b.to_vec(), s.unwrap_or(DROPPED)));
                    if s.is_none() {
                        self.dropped.push((b.to_vec(), raw.into_owned(), 0));
                    }
                }
                s
            }
            (None, _) => Some(1),
        };
        Ok(arm.zip(wave))
    }

    /// The rows of dropped waves met again in the block, into its wave map.
    fn count_dropped(&self, p: &mut Parsed) {
        for (_, label, rows) in &self.dropped {
            p.waves.count_dropped_rows(label, *rows);
        }
    }
}

/// The participant id's 128-bit hash (with the file's name first when each
/// file is an arm and numbers its own ids); an empty id is an error. An ASCII
/// id with nothing to trim is hashed as it is read (the same bytes its text
/// has); anything else is decoded first.
fn id_hash(plan: &Plan, rec: &Record, c: usize, key: &mut Vec<u8>) -> Result<u128, UserError> {
    let raw = rec.get(c).unwrap_or_default();
    let solid = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii_whitespace());
    let id =
        if raw.is_ascii() && solid(raw.first()) && solid(raw.last()) && !is_missing_trimmed(raw) {
            std::borrow::Cow::Borrowed(raw)
        } else {
            let id = field(rec, c);
            if is_missing(&id) {
                return Err(UserError::new("the participant id is empty")
                    .column(plan.id_name)
                    .hint("fill in the id of every row, or drop the row")
                    .es(
                        "el identificador del participante está vacío",
                        Some("complete el identificador de cada fila, o quite la fila"),
                    ));
            }
            std::borrow::Cow::Owned(id.as_bytes().to_vec())
        };
    Ok(match plan.file_arm {
        Some(prefix) => {
            key.clear();
            key.extend_from_slice(prefix.as_bytes());
            key.push(0);
            key.extend_from_slice(&id);
            xxh3_128(key)
        }
        None => xxh3_128(&id),
    })
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn same_bytes_is_slice_equality() {
        let words: [&[u8]; 12] = [
            b"visit 2",
            b"visit 3",
            b"wisit 2",
            b"",
            b"a",
            b"pre",
            b"post",
            b"control",
            b"controls",
            b"intervention",
            b"interventiom",
            b"intervention group",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_bytes(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
