//! SPSS system files (`.sav`, and `.zsav` with zlib-compressed data) read into the
//! same [`Source`] as a CSV file: one text field per variable, a value with a
//! value label read as its label (`1 = programa` reads `programa`), system-missing
//! and user-missing values (discrete values and ranges) read as empty, variable
//! names as the long names SPSS shows (their case kept). A row's position is its
//! case number, so messages say "row N".
//!
//! The format is the one PSPP documents ("System File Format"): a header, the
//! dictionary (variable records, value labels, extension records), then the cases,
//! uncompressed, bytecode-compressed or, in `.zsav`, bytecode in zlib blocks.
//! No crate reads it without pulling in Arrow (see docs/formats.md), so this is the
//! small reader of the parts the command needs.

use crate::error::{UResult, UserError};
use crate::input::read::{Source, from_rows};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// A value's 8 bytes, as the dictionary and the cases hold them.
type Slot = [u8; 8];

/// A value-label record: (value, label) pairs and the slots of the variables they label.
type LabelSet = (Vec<(Slot, Vec<u8>)>, Vec<usize>);

/// How user-missing values of a variable are declared.
#[derive(Debug, Clone, Default, PartialEq)]
struct Missing {
    values: Vec<f64>,
    range: Option<(f64, f64)>,
    strings: Vec<Vec<u8>>,
}

#[derive(Debug, Clone)]
struct Var {
    short: String,
    name: String,
    /// 0 numeric, else the string width in bytes.
    width: usize,
    /// First slot of the variable in a case.
    slot: usize,
    /// Number of 8-byte slots (strings: the segments of a very long string too).
    slots: usize,
    missing: Missing,
    /// Numeric value labels (by the value's bits) and string labels (by the text).
    labels: HashMap<u64, String>,
    string_labels: HashMap<Vec<u8>, String>,
}

/// A reader over the file's bytes in its byte order.
struct Cur<'a> {
    b: &'a [u8],
    at: usize,
    big: bool,
}

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn i32(&mut self) -> Option<i32> {
        let s: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(if self.big {
            i32::from_be_bytes(s)
        } else {
            i32::from_le_bytes(s)
        })
    }
    fn i64(&mut self) -> Option<i64> {
        let s: [u8; 8] = self.take(8)?.try_into().ok()?;
        Some(if self.big {
            i64::from_be_bytes(s)
        } else {
            i64::from_le_bytes(s)
        })
    }
    fn slot(&mut self) -> Option<Slot> {
        self.take(8)?.try_into().ok()
    }
    fn f64_of(&self, s: Slot) -> f64 {
        if self.big {
            f64::from_be_bytes(s)
        } else {
            f64::from_le_bytes(s)
        }
    }
    fn f64(&mut self) -> Option<f64> {
        let s = self.slot()?;
        Some(self.f64_of(s))
    }
    /// A count read from the file, refused when negative or larger than the file.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.i32()?).ok()?;
        (n <= self.b.len()).then_some(n)
    }
}

const SYSMIS: f64 = -f64::MAX;

fn corrupt(path: &str, what: &str) -> UserError {
    UserError::new(format!(
        "the SPSS file is damaged or not an SPSS file: {what}"
    ))
    .file(path)
    .hint("open it in SPSS or PSPP and save it again, or export it as CSV")
}

fn trim_right(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |i| i + 1);
    &b[..end]
}

/// Text in the file's encoding (UTF-8, else the declared code page, else Windows-1252).
fn decode(enc: &'static encoding_rs::Encoding, b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if enc == encoding_rs::UTF_8 => s.to_string(),
        _ => enc.decode_without_bom_handling(b).0.into_owned(),
    }
}

/// A number as a CSV export would write it.
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl Var {
    fn is_missing(&self, x: f64) -> bool {
        x == SYSMIS
            || x.is_nan()
            || self.missing.values.contains(&x)
            || self
                .missing
                .range
                .is_some_and(|(lo, hi)| x >= lo && x <= hi)
    }
}

/// Read a `.sav` or `.zsav` file.
pub fn read_sav(path: &str) -> UResult<Source> {
    let bytes = std::fs::read(path).map_err(|e| {
        crate::input::read::cannot_read(&e)
            .file(path)
            .hint("check the path and that the file is readable")
            .es(
                format!("no se puede leer el archivo: {e}"),
                Some("compruebe la ruta y que el archivo se pueda leer"),
            )
    })?;
    let (headers, rows) = parse(path, &bytes)?;
    from_cases(path, headers, rows)
}

/// A source over a statistics package's cases (already text): positions are case
/// numbers, the arm of a file without an arm column is its stem.
pub fn from_cases(path: &str, headers: Vec<String>, rows: Vec<Vec<String>>) -> UResult<Source> {
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    from_rows(
        path.to_string(),
        stem,
        String::new(),
        headers,
        0,
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 1, csv::ByteRecord::from(r)))
            .collect(),
    )
}

/// The variables' names and each case's fields as text.
fn parse(path: &str, bytes: &[u8]) -> UResult<(Vec<String>, Vec<Vec<String>>)> {
    let (header, mut c) = header(path, bytes)?;
    let dict = Dictionary::read(&mut c, path)?;
    let slots = dict.slots;
    let (vars, enc) = dict.variables(&c, path)?;
    let cases = cases(path, bytes, &c, &header, slots, &vars)?;
    let headers = vars.iter().map(|v| v.name.clone()).collect();
    let rows = cases
        .iter()
        .map(|case| case_text(&vars, case, &c, enc))
        .collect();
    Ok((headers, rows))
}

/// What the file header says about the cases.
struct Header {
    /// `.zsav`: the cases' bytecode is in zlib blocks.
    zlib: bool,
    /// 0: uncompressed; else bytecode-compressed.
    compression: i32,
    /// The number of cases, or −1 when not known.
    ncases: i32,
    /// Added to a bytecode to give its number.
    bias: f64,
}

/// The file header: the signature (`$FL2`, `$FL3` for `.zsav`), the byte order
/// (from the layout code), compression, number of cases and bias; the cursor
/// at the dictionary's first record.
fn header<'a>(path: &str, bytes: &'a [u8]) -> UResult<(Header, Cur<'a>)> {
    let bad = |what: &str| corrupt(path, what);
    let magic = bytes.get(..4).ok_or_else(|| bad("too short"))?;
    let zlib = match magic {
        b"$FL2" => false,
        b"$FL3" => true,
        _ => {
            return Err(
                UserError::new("this is not an SPSS .sav/.zsav file (no $FL2 signature)")
                    .file(path)
                    .hint("check the file; a portable .por file must be saved as .sav first"),
            );
        }
    };
    let layout = bytes.get(64..68).ok_or_else(|| bad("header"))?;
    let le = i32::from_le_bytes([layout[0], layout[1], layout[2], layout[3]]);
    let mut c = Cur {
        b: bytes,
        at: 64,
        big: !(le == 2 || le == 3),
    };
    let h = || bad("header");
    let _layout = c.i32().ok_or_else(h)?;
    let _case_size = c.i32().ok_or_else(h)?;
    let compression = c.i32().ok_or_else(h)?;
    let _weight = c.i32().ok_or_else(h)?;
    let ncases = c.i32().ok_or_else(h)?;
    let bias = c.f64().ok_or_else(h)?;
    c.take(9 + 8 + 64 + 3).ok_or_else(h)?;
    let header = Header {
        zlib,
        compression,
        ncases,
        bias,
    };
    Ok((header, c))
}

/// The dictionary as its records give it, before names and labels are applied.
#[derive(Default)]
struct Dictionary {
    vars: Vec<Var>,
    /// 8-byte slots in a case.
    slots: usize,
    /// Slot index (0-based) → variable index, for value-label records.
    slot_var: HashMap<usize, usize>,
    long_names: Option<String>,
    very_long: Option<String>,
    encoding: Option<&'static encoding_rs::Encoding>,
    long_labels: Option<Vec<u8>>,
    long_missing: Option<Vec<u8>>,
    raw_labels: Vec<LabelSet>,
}

impl Dictionary {
    /// The dictionary's records, by type, to the end-of-dictionary record
    /// (999): variables (2), value labels (3, with their variables in 4),
    /// documents (6, skipped) and extensions (7).
    fn read(c: &mut Cur, path: &str) -> UResult<Dictionary> {
        let mut dict = Dictionary::default();
        let bad = |what: &str| corrupt(path, what);
        loop {
            let d = || bad("dictionary");
            match c.i32().ok_or_else(d)? {
                2 => dict.variable(c, path)?,
                3 => {
                    let set = value_labels(c, path)?;
                    dict.raw_labels.push(set);
                }
                6 => {
                    let n = c.count().ok_or_else(d)?;
                    c.take(n.checked_mul(80).ok_or_else(d)?).ok_or_else(d)?;
                }
                7 => dict.extension(c, path)?,
                999 => {
                    c.i32().ok_or_else(d)?;
                    break;
                }
                other => return Err(bad(&format!("unknown record type {other}"))),
            }
        }
        Ok(dict)
    }

    /// Record type 2: a variable (its short name, width, user-missing values),
    /// or a continuation slot of the previous string.
    fn variable(&mut self, c: &mut Cur, path: &str) -> UResult<()> {
        let bad = |what: &str| corrupt(path, what);
        let d = || bad("dictionary");
        let typ = c.i32().ok_or_else(d)?;
        let has_label = c.i32().ok_or_else(d)?;
        let n_missing = c.i32().ok_or_else(d)?;
        c.take(8).ok_or_else(d)?;
        let short = c.take(8).ok_or_else(d)?.to_vec();
        if has_label != 0 {
            let n = c.count().ok_or_else(d)?;
            c.take(n.div_ceil(4) * 4).ok_or_else(d)?;
        }
        let mut missing = Missing::default();
        let nm = n_missing.unsigned_abs() as usize;
        if nm > 3 {
            return Err(bad("missing values"));
        }
        let mut vals = Vec::new();
        for _ in 0..nm {
            vals.push(c.slot().ok_or_else(d)?);
        }
        if typ == 0 {
            let nums: Vec<f64> = vals.iter().map(|s| c.f64_of(*s)).collect();
            if n_missing < 0 && nums.len() >= 2 {
                missing.range = Some((nums[0], nums[1]));
                missing.values = nums[2..].to_vec();
            } else {
                missing.values = nums;
            }
        } else {
            missing.strings = vals.iter().map(|s| trim_right(s).to_vec()).collect();
        }
        if typ == -1 {
            // A continuation slot of the previous string variable.
            if let Some(v) = self.vars.last_mut() {
                v.slots += 1;
            }
        } else {
            self.slot_var.insert(self.slots, self.vars.len());
            self.vars.push(Var {
                short: String::from_utf8_lossy(trim_right(&short)).into_owned(),
                name: String::new(),
                width: usize::try_from(typ).map_err(|_| d())?,
                slot: self.slots,
                slots: 1,
                missing,
                labels: HashMap::new(),
                string_labels: HashMap::new(),
            });
        }
        self.slots += 1;
        Ok(())
    }

    /// Record type 7, by subtype: the code page (3), long names (13), very
    /// long strings (14), the encoding's name (20), long strings' value labels
    /// (21) and missing values (22); others are skipped.
    fn extension(&mut self, c: &mut Cur, path: &str) -> UResult<()> {
        let d = || corrupt(path, "dictionary");
        let sub = c.i32().ok_or_else(d)?;
        let size = c.count().ok_or_else(d)?;
        let count = c.count().ok_or_else(d)?;
        let data = c
            .take(size.checked_mul(count).ok_or_else(d)?)
            .ok_or_else(d)?;
        match sub {
            3 if data.len() >= 32 => {
                let mut ci = Cur {
                    b: &data[28..32],
                    at: 0,
                    big: c.big,
                };
                let code = ci.i32().unwrap_or(0);
                if self.encoding.is_none() {
                    self.encoding = code_page(code);
                }
            }
            13 => self.long_names = Some(String::from_utf8_lossy(data).into_owned()),
            14 => self.very_long = Some(String::from_utf8_lossy(data).into_owned()),
            20 => {
                self.encoding = encoding_rs::Encoding::for_label(trim_right(data)).or(self.encoding)
            }
            21 => self.long_labels = Some(data.to_vec()),
            22 => self.long_missing = Some(data.to_vec()),
            _ => {}
        }
        Ok(())
    }

    /// The variables as SPSS shows them, and the text encoding: value labels
    /// applied to the variables whose first slot they name, names decoded and
    /// long, very long strings joined from their segments, long strings'
    /// labels and missing values.
    fn variables(self, c: &Cur, path: &str) -> UResult<(Vec<Var>, &'static encoding_rs::Encoding)> {
        let Dictionary {
            mut vars,
            slot_var,
            long_names,
            very_long,
            encoding,
            long_labels,
            long_missing,
            raw_labels,
            ..
        } = self;
        let enc = encoding.unwrap_or(encoding_rs::UTF_8);
        // Value labels apply to the variables whose first slot they name.
        for (set, idx) in raw_labels {
            for i in idx {
                let Some(&vi) = slot_var.get(&i) else {
                    return Err(corrupt(path, "a value label names no variable"));
                };
                let v = &mut vars[vi];
                for (value, label) in &set {
                    let text = decode(enc, trim_right(label));
                    if v.width == 0 {
                        v.labels.insert(c.f64_of(*value).to_bits(), text);
                    } else {
                        v.string_labels.insert(trim_right(value).to_vec(), text);
                    }
                }
            }
        }
        for v in &mut vars {
            v.name = decode(enc, v.short.as_bytes());
        }
        let by_short =
            |vars: &[Var], s: &str| vars.iter().position(|v| v.short.eq_ignore_ascii_case(s));
        if let Some(names) = &long_names {
            for pair in names.split('\t') {
                if let Some((s, l)) = pair.split_once('=')
                    && let Some(i) = by_short(&vars, s)
                {
                    vars[i].name = decode(enc, l.trim_end_matches('\0').as_bytes());
                }
            }
        }
        // Very long strings: the variable named takes the segments that follow it.
        if let Some(vl) = &very_long {
            for pair in vl.split(['\t', '\0']) {
                let Some((s, w)) = pair.split_once('=') else {
                    continue;
                };
                let (Some(i), Ok(width)) = (by_short(&vars, s), w.trim().parse::<usize>()) else {
                    continue;
                };
                let segments = width.div_ceil(252);
                if segments > 1 && i + segments <= vars.len() {
                    let extra: usize = vars[i + 1..i + segments].iter().map(|v| v.slots).sum();
                    vars[i].slots += extra;
                    vars[i].width = width;
                    vars.drain(i + 1..i + segments);
                }
            }
        }
        if let Some(data) = &long_labels {
            long_string_labels(&mut vars, data, c.big, enc);
        }
        if let Some(data) = &long_missing {
            long_string_missing(&mut vars, data, c.big);
        }
        Ok((vars, enc))
    }
}

/// Record type 3 and the type 4 that must follow it: (value, label) pairs and
/// the slots of the variables they label.
fn value_labels(c: &mut Cur, path: &str) -> UResult<LabelSet> {
    let bad = |what: &str| corrupt(path, what);
    let d = || bad("dictionary");
    let n = c.count().ok_or_else(d)?;
    let mut set = Vec::with_capacity(n);
    for _ in 0..n {
        let value = c.slot().ok_or_else(d)?;
        let len = *c.take(1).ok_or_else(d)?.first().ok_or_else(d)? as usize;
        let label = c.take(len).ok_or_else(d)?.to_vec();
        c.take((len + 1).div_ceil(8) * 8 - (len + 1))
            .ok_or_else(d)?;
        set.push((value, label));
    }
    if c.i32() != Some(4) {
        return Err(bad("a value-label record without its variables"));
    }
    let k = c.count().ok_or_else(d)?;
    let mut idx = Vec::with_capacity(k);
    for _ in 0..k {
        let i = c.i32().ok_or_else(d)?;
        idx.push(usize::try_from(i - 1).map_err(|_| d())?);
    }
    Ok((set, idx))
}

/// The cases after the dictionary (at `c`), `slots` 8-byte slots each:
/// uncompressed, bytecode-compressed, or bytecode in zlib blocks; up to the
/// header's number of cases when it gives one. A case cut short is an error.
fn cases(
    path: &str,
    bytes: &[u8],
    c: &Cur,
    header: &Header,
    slots: usize,
    vars: &[Var],
) -> UResult<Vec<Vec<Slot>>> {
    let (bias, ncases) = (header.bias, header.ncases);
    // The cases: one slot per 8 bytes, bytecode-compressed or not.
    let data = &bytes[c.at..];
    let inflated;
    let stream: &[u8] = if header.zlib {
        inflated = inflate(path, bytes, c.at, c.big)?;
        &inflated
    } else {
        data
    };
    let mut cases = Vec::new();
    let mut case: Vec<Slot> = Vec::with_capacity(slots);
    let mut cur = Cur {
        b: stream,
        at: 0,
        big: c.big,
    };
    let spaces: Slot = *b"        ";
    let bias_slot = |code: u8| -> Slot {
        let x = f64::from(code) - bias;
        if c.big {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    };
    let sysmis = if c.big {
        SYSMIS.to_be_bytes()
    } else {
        SYSMIS.to_le_bytes()
    };
    let mut push = |case: &mut Vec<Slot>, s: Slot| -> bool {
        case.push(s);
        if case.len() == slots {
            cases.push(std::mem::replace(case, Vec::with_capacity(slots)));
            ncases >= 0 && cases.len() as i64 >= i64::from(ncases)
        } else {
            false
        }
    };
    if slots == 0 || vars.is_empty() {
        return Err(corrupt(path, "no variables"));
    }
    if header.compression == 0 {
        while let Some(s) = cur.slot() {
            if push(&mut case, s) {
                break;
            }
        }
    } else {
        'outer: while let Some(codes) = cur.take(8) {
            for &code in codes {
                let s = match code {
                    0 => continue,
                    252 => break 'outer,
                    253 => match cur.slot() {
                        Some(s) => s,
                        None => break 'outer,
                    },
                    254 => spaces,
                    255 => sysmis,
                    k => bias_slot(k),
                };
                if push(&mut case, s) {
                    break 'outer;
                }
            }
        }
    }
    if !case.is_empty() {
        return Err(corrupt(path, "the last case is cut short")
            .row(cases.len() as u64 + 1)
            .column(vars[case.len().min(vars.len() - 1)].name.clone()));
    }
    Ok(cases)
}

/// One case's fields as text: a missing value empty, a labelled value its
/// label, a number as a CSV export writes it, a string decoded (a very long
/// string's 252 bytes of text per 256-byte segment). `c` gives the byte order.
fn case_text(
    vars: &[Var],
    case: &[Slot],
    c: &Cur,
    enc: &'static encoding_rs::Encoding,
) -> Vec<String> {
    vars.iter()
        .map(|v| {
            if v.width == 0 {
                let x = c.f64_of(case[v.slot]);
                if v.is_missing(x) {
                    String::new()
                } else {
                    match v.labels.get(&x.to_bits()) {
                        Some(l) => l.clone(),
                        None => number_text(x),
                    }
                }
            } else {
                let raw: Vec<u8> = case[v.slot..v.slot + v.slots]
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                // A very long string: 252 bytes of text in each 256-byte segment.
                let raw = if v.width > 255 {
                    raw.chunks(256)
                        .flat_map(|s| &s[..s.len().min(252)])
                        .copied()
                        .collect()
                } else {
                    raw
                };
                let raw = trim_right(&raw);
                if v.missing.strings.iter().any(|m| m.as_slice() == raw) {
                    String::new()
                } else if let Some(l) = v.string_labels.get(raw) {
                    l.clone()
                } else {
                    decode(enc, raw)
                }
            }
        })
        .collect()
}

/// The encoding of a Windows code page number (subtype 3's character code).
fn code_page(code: i32) -> Option<&'static encoding_rs::Encoding> {
    match code {
        65001 => Some(encoding_rs::UTF_8),
        2 | 1252 => Some(encoding_rs::WINDOWS_1252),
        28591 => Some(encoding_rs::WINDOWS_1252),
        c if (874..=1258).contains(&c) => {
            encoding_rs::Encoding::for_label(format!("windows-{c}").as_bytes())
        }
        _ => None,
    }
}

/// The bytecode stream of a `.zsav`: the zlib blocks its trailer lists, inflated.
fn inflate(path: &str, bytes: &[u8], at: usize, big: bool) -> UResult<Vec<u8>> {
    let bad = || corrupt(path, "the compressed data");
    let mut h = Cur { b: bytes, at, big };
    let _zheader = h.i64().ok_or_else(bad)?;
    let ztrailer = usize::try_from(h.i64().ok_or_else(bad)?).map_err(|_| bad())?;
    let mut t = Cur {
        b: bytes,
        at: ztrailer,
        big,
    };
    let _bias = t.i64().ok_or_else(bad)?;
    let _zero = t.i64().ok_or_else(bad)?;
    let _block = t.i32().ok_or_else(bad)?;
    let n = t.count().ok_or_else(bad)?;
    let mut out = Vec::new();
    for _ in 0..n {
        let _uofs = t.i64().ok_or_else(bad)?;
        let cofs = usize::try_from(t.i64().ok_or_else(bad)?).map_err(|_| bad())?;
        let _usize = t.i32().ok_or_else(bad)?;
        let csize = t.count().ok_or_else(bad)?;
        let block = bytes
            .get(cofs..cofs.checked_add(csize).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        flate2::read::ZlibDecoder::new(block)
            .read_to_end(&mut out)
            .map_err(|_| bad())?;
    }
    Ok(out)
}

/// Subtype 21: value labels of strings longer than 8 bytes.
fn long_string_labels(
    vars: &mut [Var],
    data: &[u8],
    big: bool,
    enc: &'static encoding_rs::Encoding,
) {
    let mut c = Cur {
        b: data,
        at: 0,
        big,
    };
    let mut read = || -> Option<()> {
        while c.at < data.len() {
            let n = c.count()?;
            let name = String::from_utf8_lossy(c.take(n)?).into_owned();
            let _width = c.i32()?;
            let k = c.count()?;
            let vi = vars
                .iter()
                .position(|v| v.short.eq_ignore_ascii_case(&name) || v.name == name);
            for _ in 0..k {
                let n = c.count()?;
                let value = trim_right(c.take(n)?).to_vec();
                let n = c.count()?;
                let label = decode(enc, trim_right(c.take(n)?));
                if let Some(i) = vi {
                    vars[i].string_labels.insert(value, label);
                }
            }
        }
        Some(())
    };
    let _ = read();
}

/// Subtype 22: missing values of strings longer than 8 bytes.
fn long_string_missing(vars: &mut [Var], data: &[u8], big: bool) {
    let mut c = Cur {
        b: data,
        at: 0,
        big,
    };
    let mut read = || -> Option<()> {
        while c.at < data.len() {
            let n = c.count()?;
            let name = String::from_utf8_lossy(c.take(n)?).into_owned();
            let k = *c.take(1)?.first()? as usize;
            let len = c.count()?;
            let vi = vars
                .iter()
                .position(|v| v.short.eq_ignore_ascii_case(&name) || v.name == name);
            for _ in 0..k {
                let value = trim_right(c.take(len)?).to_vec();
                if let Some(i) = vi {
                    vars[i].missing.strings.push(value);
                }
            }
        }
        Some(())
    };
    let _ = read();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_csv_export_writes_them() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(39.1), "39.1");
        assert_eq!(number_text(-2.5), "-2.5");
    }

    #[test]
    fn user_missing_values_and_ranges() {
        let v = Var {
            short: "X".into(),
            name: "x".into(),
            width: 0,
            slot: 0,
            slots: 1,
            missing: Missing {
                values: vec![9.0],
                range: Some((900.0, 1000.0)),
                strings: vec![],
            },
            labels: HashMap::new(),
            string_labels: HashMap::new(),
        };
        assert!(v.is_missing(9.0) && v.is_missing(950.0) && v.is_missing(SYSMIS));
        assert!(!v.is_missing(8.0) && !v.is_missing(1001.0));
    }

    #[test]
    fn damaged_files_are_user_errors() {
        assert!(parse("x.sav", b"").is_err());
        assert!(parse("x.sav", b"PK\x03\x04 not spss").is_err());
        let mut b = b"$FL2".to_vec();
        b.extend([0u8; 60]);
        b.extend(2i32.to_le_bytes());
        assert!(parse("x.sav", &b).is_err());
    }

    #[test]
    fn cut_or_altered_files_never_panic() {
        for file in [
            &include_bytes!("../../testdata/formats/cohort.sav")[..],
            &include_bytes!("../../testdata/formats/cohort.zsav")[..],
            &include_bytes!("../../testdata/formats/cohort_range.sav")[..],
        ] {
            assert!(parse("x.sav", file).is_ok());
            for n in 0..file.len() {
                let _ = parse("x.sav", &file[..n]);
            }
            for i in (0..file.len()).step_by(3) {
                let mut b = file.to_vec();
                b[i] ^= 0xA5;
                let _ = parse("x.sav", &b);
            }
        }
    }
}
