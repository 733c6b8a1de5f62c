//! A source's records in blocks of whole records, so that blocks can be parsed on
//! every core at once while the reading itself stays a plain sequential copy.
//!
//! A block of text ends at a record boundary. Where a block holds no quote character,
//! the boundary is its last line feed; where it does, a CSV tokenizer (the same one
//! that parses the block afterwards, `csv-core`, with the same settings) finds the
//! end of the last complete record, so quoted fields with line breaks never straddle
//! two blocks. Every block therefore parses exactly as it would inside the whole
//! file, and record positions (block offset + offset in the block) are the same
//! byte offsets a single reader reports.

use crate::error::UResult;
use crate::input::read::Pos;
use std::io::Read;
use std::sync::Arc;

/// Target size of a block of text.
pub const BLOCK_BYTES: usize = 4 << 20;
/// Records per block for sources already split into records (worksheets).
pub const BLOCK_RECORDS: usize = 32_768;

/// `EVALUATE_BLOCK_BYTES=N`: blocks of about N bytes (or N worksheet records)
/// instead of the defaults. A testing knob: results must not depend on it
/// (`tests/blocks.rs` runs inputs with tiny blocks against the defaults).
pub fn size_override() -> Option<usize> {
    std::env::var("EVALUATE_BLOCK_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
}

/// Records of one source: text (whole records, and where the text starts in the
/// source's byte stream) or records already split (worksheets).
pub enum Block {
    Text { offset: u64, data: Vec<u8> },
    Records(Vec<(Pos, csv::ByteRecord)>),
}

/// One record's fields: split by the CSV reader, or a line of [`plain`] text with
/// the ends of its fields (each after the one before and its delimiter).
pub enum Record<'a> {
    Csv(&'a csv::ByteRecord),
    Line { line: &'a [u8], ends: &'a [usize] },
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        match self {
            Record::Csv(r) => r.len(),
            Record::Line { ends, .. } => ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Field `i`, if the record has one.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        match *self {
            Record::Csv(r) => r.get(i),
            Record::Line { line, ends } => {
                let end = *ends.get(i)?;
                let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
                line.get(start..end)
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The record as a `csv::ByteRecord` (to keep it).
    pub fn to_byte_record(&self) -> csv::ByteRecord {
        match self {
            Record::Csv(r) => (*r).clone(),
            Record::Line { .. } => self.iter().collect(),
        }
    }
}

/// A CSV reader over a block's text, with the source's settings.
pub fn csv_reader(data: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(data)
}

impl Block {
    /// Call `f` with each record and its position (in the source) in order; stop
    /// early when `f` says so.
    pub fn each_record(
        &self,
        delimiter: u8,
        mut f: impl FnMut(Pos, &Record) -> std::ops::ControlFlow<()>,
    ) -> Result<(), (Option<Pos>, String)> {
        match self {
            Block::Text { offset, data } if plain(data) => {
                each_plain_record(*offset, data, delimiter, f);
                Ok(())
            }
            Block::Text { offset, data } => {
                let mut rdr = csv_reader(data, delimiter);
                let mut rec = csv::ByteRecord::new();
                loop {
                    match rdr.read_byte_record(&mut rec) {
                        Ok(false) => return Ok(()),
                        Ok(true) => {
                            let pos = offset + rec.position().map(|p| p.byte()).unwrap_or(0);
                            if f(pos, &Record::Csv(&rec)).is_break() {
                                return Ok(());
                            }
                        }
                        Err(e) => {
                            let at = e.position().map(|p| offset + p.byte());
                            return Err((at, e.to_string()));
                        }
                    }
                }
            }
            Block::Records(rows) => {
                for (pos, rec) in rows {
                    if f(*pos, &Record::Csv(rec)).is_break() {
                        return Ok(());
                    }
                }
                Ok(())
            }
        }
    }

    /// The record at `pos`, when the block holds it (to quote a value in a message).
    pub fn record_at(&self, delimiter: u8, pos: Pos) -> Option<csv::ByteRecord> {
        let mut found = None;
        let _ = self.each_record(delimiter, |p, rec| {
            if p == pos {
                found = Some(rec.to_byte_record());
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        });
        found
    }

    /// Where the block ends in the source (for progress reports).
    pub fn end(&self) -> u64 {
        match self {
            Block::Text { offset, data } => offset + data.len() as u64,
            Block::Records(rows) => rows.last().map(|r| r.0).unwrap_or(0),
        }
    }
}

/// Text without quotes whose every carriage return ends a line (`\r\n`): its
/// records are its non-empty lines and its fields are split at the delimiter, so
/// it is split directly instead of through the CSV tokenizer.
fn plain(data: &[u8]) -> bool {
    memchr::memchr(b'"', data).is_none()
        && memchr::memchr_iter(b'\r', data).all(|i| data.get(i + 1) == Some(&b'\n'))
}

/// The records of [`plain`] text, as the CSV reader gives them: the same fields,
/// empty lines skipped, and the same positions (a record's position is where the
/// reader started looking for it: just after the previous record's first line-end
/// byte, so a `\n` after `\r` or an empty line before the record).
fn each_plain_record(
    offset: u64,
    data: &[u8],
    delimiter: u8,
    mut f: impl FnMut(Pos, &Record) -> std::ops::ControlFlow<()>,
) {
    let mut ends = Vec::new();
    let mut pos = 0;
    let mut start = 0;
    // Every delimiter and line feed, found eight bytes at a time.
    let stops = Stops::new(data, delimiter, b'\n').chain(std::iter::once(data.len()));
    for stop in stops {
        if data.get(stop) == Some(&delimiter) {
            ends.push(stop - start);
            continue;
        }
        let mut line = data.get(start..stop).unwrap_or_default();
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if !line.is_empty() {
            ends.push(line.len());
            let rec = Record::Line { line, ends: &ends };
            if f(offset + pos as u64, &rec).is_break() {
                return;
            }
            pos = start + line.len() + 1;
        }
        ends.clear();
        start = stop + 1;
    }
}

/// The positions of two bytes in `data`, in order, found 64 bytes at a time: a
/// mask with one bit per byte equal to either (SSE2 compares on x86-64, words of
/// eight bytes elsewhere), whose bits are then read in order. Fields are a few
/// bytes long, so this beats a vectorised search restarted at every field
/// (measured: 0.6 ns per byte with eight-byte words, 0.28 with SSE2).
struct Stops<'a> {
    data: &'a [u8],
    /// Offset of the 64 bytes `marks` came from.
    base: usize,
    /// A bit per byte of those 64 that is a stop, not yet given.
    marks: u64,
    a: u8,
    b: u8,
}

/// The 64 bytes at `at` (zeros past the end) and a mask of those that are in `data`.
fn chunk_at(data: &[u8], at: usize) -> ([u8; 64], u64) {
    let mut chunk = [0u8; 64];
    match data.get(at..at + 64) {
        Some(w) => {
            chunk.copy_from_slice(w);
            (chunk, u64::MAX)
        }
        None => {
            let rest = data.get(at..).unwrap_or_default();
            chunk[..rest.len()].copy_from_slice(rest);
            (chunk, (1u64 << rest.len()) - 1)
        }
    }
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `x` equal to the byte repeated in `pattern`
/// (exact: no carry crosses bytes).
fn equal_bytes(x: u64, pattern: u64) -> u64 {
    let t = x ^ pattern;
    !(((t & LOW7).wrapping_add(LOW7)) | t) & HIGH
}

/// A bit per byte of `chunk` equal to `a` or `b`, eight bytes at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn marks_by_words(chunk: &[u8; 64], a: u8, b: u8) -> u64 {
    let (pa, pb) = (
        u64::from(a) * 0x0101_0101_0101_0101,
        u64::from(b) * 0x0101_0101_0101_0101,
    );
    let mut m = 0;
    for (k, w) in chunk.chunks_exact(8).enumerate() {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(w);
        let x = u64::from_le_bytes(bytes);
        let high = equal_bytes(x, pa) | equal_bytes(x, pb);
        // The eight high bits gathered into one byte, byte i → bit i.
        let byte = ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        m |= byte << (8 * k);
    }
    m
}

/// A bit per byte of `chunk` equal to `a` or `b`, sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
fn marks_sse2(chunk: &[u8; 64], a: u8, b: u8) -> u64 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut m = 0;
    for (k, part) in chunk.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of every x86-64 processor (the target's baseline);
        // the unaligned load reads the 16 bytes of `part`, a slice of `chunk`.
        let bits = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast());
            let eq = _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(a as i8)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)),
            );
            _mm_movemask_epi8(eq) as u16
        };
        m |= u64::from(bits) << (16 * k);
    }
    m
}

impl<'a> Stops<'a> {
    fn new(data: &'a [u8], a: u8, b: u8) -> Self {
        let mut s = Stops {
            data,
            base: 0,
            marks: 0,
            a,
            b,
        };
        s.marks = s.marks_at(0);
        s
    }

    /// The stops among the (up to) 64 bytes at `at`.
    #[inline]
    fn marks_at(&self, at: usize) -> u64 {
        let (chunk, valid) = chunk_at(self.data, at);
        #[cfg(target_arch = "x86_64")]
        let m = marks_sse2(&chunk, self.a, self.b);
        #[cfg(not(target_arch = "x86_64"))]
        let m = marks_by_words(&chunk, self.a, self.b);
        m & valid
    }
}

impl Iterator for Stops<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.marks == 0 {
            self.base += 64;
            if self.base >= self.data.len() {
                return None;
            }
            self.marks = self.marks_at(self.base);
        }
        let at = self.base + self.marks.trailing_zeros() as usize;
        self.marks &= self.marks - 1;
        Some(at)
    }
}

/// Where a source's records come from.
pub enum BlockSource {
    /// A stream of text: a file opened again at its first record.
    Stream {
        reader: Box<dyn Read + Send>,
        name: String,
        carry: Vec<u8>,
        offset: u64,
        done: bool,
    },
    /// Text in memory (stdin, transcoded UTF-16, tests).
    Shared {
        bytes: Arc<Vec<u8>>,
        at: usize,
    },
    Records(std::vec::IntoIter<(Pos, csv::ByteRecord)>),
}

/// Blocks of one source, in order.
pub struct Blocks {
    pub source: BlockSource,
    pub delimiter: u8,
    /// Buffers of blocks already used, to be filled again.
    pub spare: Vec<Vec<u8>>,
    /// Target size of a block of text ([`BLOCK_BYTES`]; small in tests).
    pub block_bytes: usize,
    /// Records per block of a worksheet ([`BLOCK_RECORDS`]).
    pub block_records: usize,
}

impl Blocks {
    /// The next block, or None at the end.
    pub fn next_block(&mut self) -> UResult<Option<Block>> {
        let delimiter = self.delimiter;
        let block_bytes = self.block_bytes;
        let block_records = self.block_records;
        let mut buf = self.buffer();
        match &mut self.source {
            BlockSource::Records(rows) => {
                let chunk: Vec<_> = rows.take(block_records).collect();
                Ok((!chunk.is_empty()).then_some(Block::Records(chunk)))
            }
            BlockSource::Shared { bytes, at } => {
                let rest = &bytes[*at..];
                if rest.is_empty() {
                    return Ok(None);
                }
                let mut want = block_bytes;
                let end = loop {
                    if want >= rest.len() {
                        break rest.len();
                    }
                    if let Some(e) = record_boundary(&rest[..want], delimiter) {
                        break e;
                    }
                    want *= 2;
                };
                buf.extend_from_slice(&rest[..end]);
                let block = Block::Text {
                    offset: *at as u64,
                    data: buf,
                };
                *at += end;
                Ok(Some(block))
            }
            BlockSource::Stream {
                reader,
                name,
                carry,
                offset,
                done,
            } => {
                buf.append(carry);
                let mut want = block_bytes;
                loop {
                    if !*done && buf.len() < want {
                        let need = (want - buf.len()) as u64;
                        let got = reader
                            .take(need)
                            .read_to_end(&mut buf)
                            .map_err(|e| crate::input::read::cannot_read(&e).file(&*name))?;
                        if (got as u64) < need {
                            *done = true;
                        }
                    }
                    if buf.is_empty() {
                        return Ok(None);
                    }
                    let end = if *done {
                        Some(buf.len())
                    } else {
                        record_boundary(&buf, delimiter)
                    };
                    match end {
                        Some(end) => {
                            carry.extend_from_slice(&buf[end..]);
                            buf.truncate(end);
                            let block = Block::Text {
                                offset: *offset,
                                data: buf,
                            };
                            *offset += end as u64;
                            return Ok(Some(block));
                        }
                        // One record longer than the block: read more.
                        None => want = buf.len() * 2,
                    }
                }
            }
        }
    }

    /// Give back a block that is no longer needed: its buffer is reused.
    pub fn recycle(&mut self, block: Block) {
        if let Block::Text { data, .. } = block {
            self.spare.push(data);
        }
    }

    fn buffer(&mut self) -> Vec<u8> {
        let mut b = self.spare.pop().unwrap_or_default();
        b.clear();
        b
    }

    /// Up to `n` next blocks.
    pub fn take(&mut self, n: usize) -> UResult<Vec<Block>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next_block()? {
                Some(b) => out.push(b),
                None => break,
            }
        }
        Ok(out)
    }
}

/// The end of the last complete record in `data` (which starts at a record
/// boundary), or None when no record ends inside it.
pub fn record_boundary(data: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', data).is_none() {
        return memchr::memrchr(b'\n', data).map(|i| i + 1);
    }
    let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 1 << 16];
    let mut ends = [0usize; 256];
    let mut at = 0;
    let mut last = None;
    loop {
        let (res, nin, _, _) = rdr.read_record(&data[at..], &mut out, &mut ends);
        at += nin;
        match res {
            // A record that ends exactly at the end of `data` on a `\r` may go on
            // with a `\n` in the next bytes: such an end does not count.
            csv_core::ReadRecordResult::Record
                if at > 0 && (at < data.len() || data.last() == Some(&b'\n')) =>
            {
                last = Some(at)
            }
            csv_core::ReadRecordResult::Record => {}
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => break,
        }
        if at >= data.len() {
            break;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(blocks: &mut Blocks) -> Vec<(Pos, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        while let Some(b) = blocks.next_block().unwrap() {
            b.each_record(b',', |p, r| {
                out.push((p, r.iter().map(<[u8]>::to_vec).collect()));
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        }
        out
    }

    fn whole(data: &[u8]) -> Vec<(Pos, Vec<Vec<u8>>)> {
        let b = Block::Text {
            offset: 0,
            data: data.to_vec(),
        };
        let mut out = Vec::new();
        b.each_record(b',', |p, r| {
            out.push((p, r.iter().map(<[u8]>::to_vec).collect()));
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn boundaries_respect_quotes() {
        assert_eq!(record_boundary(b"a,b\nc,d", b','), Some(4));
        assert_eq!(record_boundary(b"a,\"x\ny\"\nc,\"d\n", b','), Some(8));
        assert_eq!(record_boundary(b"a,\"x\ny", b','), None);
        assert_eq!(record_boundary(b"abc", b','), None);
    }

    /// Whatever the block size, blocks give the records one reader gives, at the
    /// same positions (as lines).
    #[test]
    fn blocks_read_as_one_reader() {
        let mut text = Vec::new();
        for i in 0..3000 {
            match i % 5 {
                0 => text.extend_from_slice(format!("{i},\"multi\nline, {i}\"\r\n").as_bytes()),
                1 => text.extend_from_slice(format!("{i},plain\n").as_bytes()),
                2 => text.extend_from_slice(format!("{i},\"q\"\"uote\"\r\n\n").as_bytes()),
                3 => text.extend_from_slice(format!("{i},x\r").as_bytes()),
                _ => text.extend_from_slice(format!("{i},{}\n", "z".repeat(i % 97)).as_bytes()),
            }
        }
        let expect = whole(&text);
        let lines = |v: &[(Pos, Vec<Vec<u8>>)]| -> Vec<(u64, Vec<Vec<u8>>)> {
            v.iter()
                .map(|(p, r)| {
                    (
                        crate::input::read::line_at(std::io::Cursor::new(&text), *p),
                        r.clone(),
                    )
                })
                .collect()
        };
        let shared = Arc::new(text.clone());
        let mut b = Blocks {
            source: BlockSource::Shared {
                bytes: shared,
                at: 0,
            },
            delimiter: b',',
            spare: Vec::new(),
            block_bytes: 64,
            block_records: 4,
        };
        assert_eq!(lines(&records(&mut b)), lines(&expect));
        let mut s = Blocks {
            source: BlockSource::Stream {
                reader: Box::new(std::io::Cursor::new(text.clone())),
                name: "t".into(),
                carry: Vec::new(),
                offset: 0,
                done: false,
            },
            delimiter: b',',
            spare: Vec::new(),
            block_bytes: 64,
            block_records: 4,
        };
        assert_eq!(lines(&records(&mut s)), lines(&expect));
    }

    /// The CSV reader's records and positions (never the plain split).
    fn by_csv(data: &[u8], delimiter: u8) -> Vec<(Pos, Vec<Vec<u8>>)> {
        let mut rdr = csv_reader(data, delimiter);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            let pos = rec.position().map(|p| p.byte()).unwrap_or(0);
            out.push((pos, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    fn by_plain(data: &[u8], delimiter: u8) -> Vec<(Pos, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        each_plain_record(0, data, delimiter, |p, r| {
            out.push((p, r.iter().map(<[u8]>::to_vec).collect()));
            std::ops::ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn plain_split_is_the_csv_reader() {
        assert!(plain(b"a,b\r\nc\n"));
        assert!(!plain(b"a,\"b\"\n"));
        assert!(!plain(b"a\rb\n"));
        assert!(!plain(b"a\r"));
        for text in [
            &b""[..],
            b"\n",
            b"a,b\nc,d",
            b"a,b\r\n\r\nc,,\r\n",
            b"\n\na\n\n\nb;c\n",
            b" \n,\n,,\r\n",
        ] {
            assert_eq!(by_plain(text, b','), by_csv(text, b','), "{text:?}");
            assert_eq!(by_plain(text, b';'), by_csv(text, b';'), "{text:?}");
        }
    }

    proptest::proptest! {
        /// Any quote-free text whose carriage returns end lines: the same records,
        /// fields and positions as the CSV reader.
        #[test]
        fn plain_split_matches_csv(parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "bb", ",", ";", " ", "\n", "\r\n", "é", "\t"]),
            0..60,
        )) {
            let text = parts.concat().into_bytes();
            proptest::prop_assert!(plain(&text));
            for d in [b',', b';', b'\t'] {
                proptest::prop_assert_eq!(by_plain(&text, d), by_csv(&text, d));
            }
        }

        /// Stops found 64 bytes at a time are every place of either byte, in
        /// order, for any bytes (high bytes, zeros, any length and alignment),
        /// and both ways of marking a chunk agree.
        #[test]
        fn stops_are_every_place_of_either_byte(
            data in proptest::collection::vec(proptest::sample::select(
                vec![0u8, b',', b'\n', b'a', 0x80, 0xFF, 0x2B, 0x0A ^ 0x80]), 0..300),
            a in proptest::sample::select(vec![b',', b';', 0u8, 0xFF, 0x80]),
        ) {
            let want: Vec<usize> = (0..data.len())
                .filter(|&i| data[i] == a || data[i] == b'\n')
                .collect();
            let got: Vec<usize> = Stops::new(&data, a, b'\n').collect();
            proptest::prop_assert_eq!(got, want);
            for at in (0..data.len()).step_by(64) {
                let (chunk, _) = chunk_at(&data, at);
                let by_words = marks_by_words(&chunk, a, b'\n');
                let by_bytes = (0..64)
                    .filter(|&i| chunk[i] == a || chunk[i] == b'\n')
                    .fold(0u64, |m, i| m | 1 << i);
                proptest::prop_assert_eq!(by_words, by_bytes);
                #[cfg(target_arch = "x86_64")]
                proptest::prop_assert_eq!(marks_sse2(&chunk, a, b'\n'), by_bytes);
            }
        }
    }
}
