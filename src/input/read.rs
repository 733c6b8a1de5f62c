//! Reading one input: encoding, delimiter, header, and its records in blocks.
//!
//! Files are streamed, never held whole: the header is read here, the records in
//! blocks of whole records ([`crate::input::blocks`]). Fields are UTF-8, or Windows-1252 where they are not valid UTF-8 (Excel
//! on Windows); UTF-16 with a byte-order mark is transcoded. A record's position is
//! its byte offset; the physical line (1-based, the header being line 1) is found
//! only when a message needs it, by counting line ends up to that offset.

use crate::error::{UResult, UserError};
use crate::input::blocks::{
    BLOCK_BYTES, BLOCK_RECORDS, BlockSource, Blocks, Record, size_override,
};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where a record starts: a byte offset in a text file, or a sheet's row number.
pub type Pos = u64;

/// One input (file, stdin or worksheet): its header and a stream of records.
pub struct Source {
    /// The name shown to users: the path as given, `<stdin>`, or `book.xlsx [sheet S]`.
    pub name: String,
    /// File stem (`control` for `data/control.csv`): the arm of a file without an arm column.
    pub stem: String,
    pub headers: Vec<String>,
    /// Columns never analysed: survey-export metadata and `select_multiple` summaries.
    pub skip: Vec<bool>,
    /// The `select_multiple` summary columns among them (names as shown).
    pub choice_summaries: Vec<String>,
    /// Notices about how the file was read (which sheet of a workbook).
    pub notices: Vec<crate::warning::Warning>,
    pub delimiter: u8,
    /// `;`-separated files are read with a decimal comma (`3,5` = 3.5).
    pub decimal_comma: bool,
    /// The worksheet, for spreadsheet files (then positions are the sheet's rows).
    pub sheet: Option<String>,
    text: TextOf,
    /// A guess at the number of records (file size / average line length), for
    /// sizing tables; 0 when unknown.
    pub estimated_rows: usize,
    /// Size in bytes (files; 0 when unknown), for progress reports.
    pub size: u64,
    /// Where the first record after the header starts (byte offset in the text,
    /// after any byte-order mark).
    data_start: u64,
    /// A worksheet's records (already in memory); text is read again by [`Source::blocks`].
    records: Vec<(Pos, csv::ByteRecord)>,
}

/// How to read the text again to turn a byte offset into a line number.
#[derive(Clone)]
enum TextOf {
    File {
        path: PathBuf,
        skip: usize,
    },
    Bytes(std::sync::Arc<Vec<u8>>),
    /// Positions are already line (row) numbers.
    Lines,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("headers", &self.headers)
            .finish()
    }
}

/// A field as text: trimmed; UTF-8, else decoded as Windows-1252.
pub fn text(field: &[u8]) -> Cow<'_, str> {
    let s = match std::str::from_utf8(field) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(field)
                .0
        }
    };
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(crate::text::trim(b)),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// The trimmed field `col` of a record ("" when the record is shorter).
pub fn field<'a>(rec: &Record<'a>, col: usize) -> Cow<'a, str> {
    rec.get(col).map(text).unwrap_or(Cow::Borrowed(""))
}

pub fn is_blank(rec: &Record) -> bool {
    rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// Rows of another width than the header's are an error (extra empty fields, as a
/// trailing delimiter leaves, are accepted). The error still needs its place.
pub fn check_width(rec: &Record, width: usize) -> Result<(), UserError> {
    if rec.len() != width {
        let extra_empty = rec.len() > width
            && rec
                .iter()
                .skip(width)
                .all(|f| f.iter().all(u8::is_ascii_whitespace));
        if !extra_empty {
            return Err(UserError::new(format!(
                "this row has {} fields but the header has {width} columns",
                rec.len()
            ))
            .hint(
                "every row needs one value per column; quote values that contain the delimiter",
            )
            .es(
                format!(
                    "esta fila tiene {} campos pero el encabezado tiene {width} columnas",
                    rec.len()
                ),
                Some("cada fila necesita un valor por columna; ponga entre comillas los valores que contienen el separador"),
            ));
        }
    }
    Ok(())
}

impl Source {
    /// Survey exports: group prefixes off the names, metadata columns skipped.
    fn apply_survey_headers(&mut self) {
        let s = crate::input::survey::interpret(&self.headers);
        self.headers = s.names;
        self.skip = s.skip;
        self.choice_summaries = s.summaries;
    }

    /// The records after the header in blocks of whole records (see
    /// [`crate::input::blocks`]). A worksheet's records are handed over (once).
    pub fn blocks(&mut self) -> UResult<Blocks> {
        let source = match &self.text {
            TextOf::Lines => BlockSource::Records(std::mem::take(&mut self.records).into_iter()),
            TextOf::Bytes(b) => BlockSource::Shared {
                bytes: b.clone(),
                at: self.data_start as usize,
            },
            TextOf::File { path, skip } => {
                let mut f = File::open(path).map_err(|e| cannot_read(e).file(&self.name))?;
                f.seek(SeekFrom::Start(*skip as u64 + self.data_start))
                    .map_err(|e| cannot_read(e).file(&self.name))?;
                BlockSource::Stream {
                    reader: Box::new(f),
                    name: self.name.clone(),
                    carry: Vec::new(),
                    offset: self.data_start,
                    done: false,
                }
            }
        };
        Ok(Blocks {
            source,
            delimiter: self.delimiter,
            spare: Vec::new(),
            block_bytes: size_override().unwrap_or(BLOCK_BYTES),
            block_records: size_override().unwrap_or(BLOCK_RECORDS),
        })
    }

    /// Pieces of the records spread evenly through a text source (file or bytes
    /// in memory), for a quick look at a column before reading: `pieces` places
    /// at even steps, up to `bytes` from each, cut to whole lines (a piece starts
    /// after its first line end, unless it starts at the first record). A piece
    /// holding a quote is left out: a quoted line end makes where a record starts
    /// uncertain. None for a worksheet's rows (read once).
    pub fn sample(&self, pieces: usize, bytes: usize) -> Option<Vec<Vec<u8>>> {
        match &self.text {
            TextOf::Lines => None,
            TextOf::Bytes(b) => {
                let (start, end) = (self.data_start, b.len() as u64);
                Some(sample_pieces(
                    &mut Cursor::new(b.as_slice()),
                    start,
                    end,
                    pieces,
                    bytes,
                ))
            }
            TextOf::File { path, skip } => {
                let mut f = File::open(path).ok()?;
                let end = f.metadata().ok()?.len();
                let start = *skip as u64 + self.data_start;
                Some(sample_pieces(&mut f, start, end, pieces, bytes))
            }
        }
    }

    /// The physical line (or sheet row) of a position.
    pub fn line_of(&self, pos: Pos) -> u64 {
        match &self.text {
            TextOf::Lines => pos,
            TextOf::Bytes(b) => line_at(Cursor::new(b.as_slice()), pos),
            TextOf::File { path, skip } => match File::open(path) {
                Ok(f) => {
                    let mut r = BufReader::new(f);
                    let mut sink = vec![0u8; *skip];
                    if r.read_exact(&mut sink).is_err() {
                        return 0;
                    }
                    line_at(r, pos)
                }
                Err(_) => 0,
            },
        }
    }

    /// A user error located at `pos` (line, or row for sheets).
    pub fn error_at(&self, pos: Pos, err: UserError) -> UserError {
        let err = err.file(&self.name);
        if self.sheet.is_some() {
            err.row(pos)
        } else {
            err.line(self.line_of(pos))
        }
    }
}

/// [`Source::sample`] over the text from `start` (the first record) to `end`.
fn sample_pieces(
    r: &mut (impl Read + Seek),
    start: u64,
    end: u64,
    pieces: usize,
    bytes: usize,
) -> Vec<Vec<u8>> {
    let step = (end.saturating_sub(start) / pieces.max(1) as u64).max(1);
    let mut out = Vec::new();
    let mut past = start;
    for i in 0..pieces as u64 {
        let at = (start + i * step).max(past);
        if at >= end {
            break;
        }
        let mut buf = Vec::with_capacity(bytes);
        if r.seek(SeekFrom::Start(at)).is_err()
            || r.by_ref().take(bytes as u64).read_to_end(&mut buf).is_err()
        {
            break;
        }
        past = at + buf.len() as u64;
        let head = match (at == start, memchr::memchr(b'\n', &buf)) {
            (true, _) => 0,
            (false, Some(p)) => p + 1,
            (false, None) => continue,
        };
        let tail = if past >= end {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(p) => p + 1,
                None => continue,
            }
        };
        if head < tail && memchr::memchr(b'"', &buf[head..tail]).is_none() {
            out.push(buf[head..tail].to_vec());
        }
    }
    out
}

/// Count line ends (`\n`, `\r\n`, lone `\r`) before the first byte at or after
/// `pos` that is not a line end (a record's reported start can sit on the previous
/// line's terminator): that byte's 1-based line.
pub fn line_at(r: impl Read, pos: Pos) -> u64 {
    let mut line = 1u64;
    let mut prev_cr = false;
    for (at, b) in BufReader::new(r).bytes().enumerate() {
        let Ok(b) = b else { break };
        if at as u64 >= pos && b != b'\r' && b != b'\n' {
            break;
        }
        match b {
            b'\n' => {
                if !prev_cr {
                    line += 1;
                }
                prev_cr = false;
            }
            b'\r' => {
                line += 1;
                prev_cr = true;
            }
            _ => prev_cr = false,
        }
    }
    line
}

/// Spreadsheet extensions read with calamine.
pub fn is_workbook(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Open `path` (`-` = stdin); `sheet` chooses a workbook's sheet.
pub fn read_path(path: &str, sheet: Option<&str>) -> UResult<Source> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            UserError::new(format!("cannot read standard input: {e}"))
                .es(format!("no se puede leer la entrada estándar: {e}"), None)
        })?;
        return parse_bytes("<stdin>", "stdin", buf);
    }
    let p = Path::new(path);
    if p.is_dir() {
        return Err(UserError::new("is a folder, not a data file")
            .file(path)
            .hint("name a .csv/.tsv file inside it")
            .es(
                "es una carpeta, no un archivo de datos",
                Some("indique un archivo .csv/.tsv dentro de ella"),
            ));
    }
    if is_workbook(path) {
        return crate::input::workbook::read_workbook(path, sheet);
    }
    // SPSS and Stata files: labels as text, their missing values empty.
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".sav") || lower.ends_with(".zsav") {
        return crate::input::spss::read_sav(path);
    }
    if lower.ends_with(".dta") {
        return crate::input::stata::read_dta(path);
    }
    let open = |p: &Path| {
        File::open(p).map_err(|e| {
            cannot_read(&e)
                .file(path)
                .hint("check the path and that the file is readable")
                .es(
                    format!("no se puede leer el archivo: {e}"),
                    Some("compruebe la ruta y que el archivo se pueda leer"),
                )
        })
    };
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    // A pipe or device (`<(command)`, /dev/stdin) can be read only once: read it
    // whole, as standard input is.
    if std::fs::metadata(p).is_ok_and(|m| !m.is_file()) {
        let mut all = Vec::new();
        open(p)?
            .read_to_end(&mut all)
            .map_err(|e| cannot_read(e).file(path))?;
        return parse_bytes(path, &stem, all);
    }
    let mut head = Vec::with_capacity(65536);
    open(p)?
        .take(65536)
        .read_to_end(&mut head)
        .map_err(|e| cannot_read(e).file(path))?;
    if is_utf16_bom(&head) {
        let all = std::fs::read(p).map_err(|e| cannot_read(e).file(path))?;
        return parse_bytes(path, &stem, all);
    }
    check_text(path, &head)?;
    let skip = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut f = BufReader::new(open(p)?);
    let mut sink = [0u8; 3];
    f.read_exact(&mut sink[..skip])
        .map_err(|e| cannot_read(e).file(path))?;
    let delimiter = sniff_delimiter(&String::from_utf8_lossy(&head[skip..]));
    let mut src = from_reader(
        path,
        &stem,
        f,
        delimiter,
        TextOf::File {
            path: p.to_path_buf(),
            skip,
        },
    )?;
    let lines_in_head = head.iter().filter(|&&b| b == b'\n').count().max(1);
    let size = std::fs::metadata(p).map(|m| m.len() as usize).unwrap_or(0);
    src.estimated_rows = size / (head.len() / lines_in_head).max(1);
    src.size = size as u64;
    Ok(src)
}

fn is_utf16_bom(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF])
}

/// "cannot read the file: …", in English and Spanish.
pub(crate) fn cannot_read(e: impl std::fmt::Display) -> UserError {
    UserError::new(format!("cannot read the file: {e}"))
        .es(format!("no se puede leer el archivo: {e}"), None)
}

/// Refuse binary data and UTF-16 without a byte-order mark.
fn check_text(name: &str, head: &[u8]) -> UResult<()> {
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        let looks_utf16 = head.len() > 1 && nuls * 3 >= head.len();
        let msg = if looks_utf16 {
            "the file looks like UTF-16 text without a byte-order mark"
        } else {
            "the file holds binary data (NUL bytes), not text"
        };
        let es = if looks_utf16 {
            "el archivo parece texto UTF-16 sin marca de orden de bytes"
        } else {
            "el archivo contiene datos binarios (bytes NUL), no texto"
        };
        return Err(UserError::new(msg)
            .file(name)
            .hint("save or export it as CSV UTF-8 (comma-delimited)")
            .es(
                es,
                Some("guárdelo o expórtelo como CSV UTF-8 (delimitado por comas)"),
            ));
    }
    Ok(())
}

/// The delimiter among `,` `;` tab `|` that occurs most often in the header line
/// (outside quotes); `,` when none does.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut in_quotes = false;
    let mut seen = false;
    for &b in text.as_bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes && seen => break,
            b'\n' | b'\r' => {}
            _ if !in_quotes => {
                seen = seen || !b.is_ascii_whitespace();
                if let Some(i) = cands.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

/// A source over bytes in memory (stdin, tests, UTF-16 files).
pub fn parse_bytes(name: &str, stem: &str, bytes: Vec<u8>) -> UResult<Source> {
    let bytes = if is_utf16_bom(&bytes) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(&bytes);
        if bad {
            return Err(UserError::new("the file is not valid UTF-16 text")
                .file(name)
                .hint("save it as CSV UTF-8")
                .es(
                    "el archivo no es texto UTF-16 válido",
                    Some("guárdelo como CSV UTF-8"),
                ));
        }
        text.into_owned().into_bytes()
    } else {
        check_text(name, &bytes[..bytes.len().min(65536)])?;
        match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        }
    };
    let delimiter = sniff_delimiter(&String::from_utf8_lossy(&bytes[..bytes.len().min(65536)]));
    let shared = std::sync::Arc::new(bytes);
    let reader = Cursor::new(SharedBytes(shared.clone()));
    from_reader(name, stem, reader, delimiter, TextOf::Bytes(shared))
}

/// `Read` over shared bytes.
struct SharedBytes(std::sync::Arc<Vec<u8>>);
impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// A source whose text is `reader`: only the header is read here; the records are
/// read (again, from the file or the bytes) by [`Source::blocks`].
fn from_reader(
    name: &str,
    stem: &str,
    reader: impl Read,
    delimiter: u8,
    text_of: TextOf,
) -> UResult<Source> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut src = Source {
        name: name.to_string(),
        stem: stem.to_string(),
        headers: Vec::new(),
        skip: Vec::new(),
        choice_summaries: Vec::new(),
        notices: Vec::new(),
        delimiter,
        decimal_comma: delimiter == b';',
        sheet: None,
        text: text_of,
        estimated_rows: 0,
        size: 0,
        data_start: 0,
        records: Vec::new(),
    };
    let mut header = csv::ByteRecord::new();
    // The header: the first non-blank record (read with width checks off).
    let hpos = loop {
        match rdr.read_byte_record(&mut header) {
            Ok(false) => {
                return Err(UserError::new("the file is empty").file(name).hint(
                    "export the data again with a header row and one row per participant and wave",
                ).es(
                    "el archivo está vacío",
                    Some("exporte los datos de nuevo con una fila de encabezado y una fila por participante y ronda"),
                ));
            }
            Ok(true) if is_blank(&Record::Csv(&header)) => continue,
            Ok(true) => break header.position().map(|p| p.byte()).unwrap_or(0),
            Err(e) => {
                return Err(
                    UserError::new(format!("the file cannot be read as CSV: {e}"))
                        .file(name)
                        .hint("check for an unterminated quote (\") near this line")
                        .es(
                            format!("el archivo no se puede leer como CSV: {e}"),
                            Some("busque unas comillas (\") sin cerrar cerca de esta línea"),
                        ),
                );
            }
        }
    };
    src.data_start = rdr.position().byte();
    let names: Vec<String> = header.iter().map(|h| text(h).into_owned()).collect();
    src.headers = clean_headers(name, names, src.line_of(hpos))?;
    src.apply_survey_headers();
    Ok(src)
}

/// A source over rows already in memory (spreadsheets): positions are row numbers.
pub fn from_rows(
    name: String,
    stem: String,
    sheet: String,
    header: Vec<String>,
    header_row: u64,
    rows: Vec<(Pos, csv::ByteRecord)>,
) -> UResult<Source> {
    let mut src = Source {
        headers: clean_headers(&name, header, header_row)?,
        name,
        stem,
        skip: Vec::new(),
        choice_summaries: Vec::new(),
        notices: Vec::new(),
        delimiter: b',',
        decimal_comma: false,
        sheet: Some(sheet),
        estimated_rows: rows.len(),
        size: 0,
        text: TextOf::Lines,
        data_start: 0,
        records: rows,
    };
    src.apply_survey_headers();
    Ok(src)
}

/// Check a header row: trailing empty names dropped, no other empty name.
fn clean_headers(name: &str, mut headers: Vec<String>, line: u64) -> UResult<Vec<String>> {
    // A trailing delimiter gives an unnamed empty last column: ignore it.
    while headers.len() > 1 && headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(UserError::new(format!("column {} has no name", i + 1))
                .file(name)
                .line(line)
                .hint("give every column a name in the header row")
                .es(
                    format!("la columna {} no tiene nombre", i + 1),
                    Some("dé un nombre a cada columna en la fila de encabezado"),
                ));
        }
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each non-blank record: its line and its fields, or the error of a ragged row.
    fn records(src: &mut Source) -> Vec<UResult<(u64, Vec<String>)>> {
        let mut blocks = src.blocks().unwrap();
        let mut out = Vec::new();
        while let Some(b) = blocks.next_block().unwrap() {
            b.each_record(src.delimiter, |pos, rec| {
                if !is_blank(rec) {
                    out.push(
                        check_width(rec, src.headers.len())
                            .map_err(|e| src.error_at(pos, e))
                            .map(|()| {
                                (
                                    src.line_of(pos),
                                    rec.iter().map(|f| text(f).into_owned()).collect(),
                                )
                            }),
                    );
                }
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        }
        out
    }

    fn rows(src: &mut Source) -> Vec<(u64, Vec<String>)> {
        records(src).into_iter().map(Result::unwrap).collect()
    }

    #[test]
    fn sniffs_delimiters_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"x,y,z\"|b|c"), b'|');
        assert_eq!(sniff_delimiter("\n\na;b\n"), b';');
        assert_eq!(sniff_delimiter("only"), b',');
    }

    #[test]
    fn reads_bom_crlf_and_trailing_delimiter() {
        let mut t = parse_bytes(
            "t.csv",
            "t",
            b"\xEF\xBB\xBFid,x,\r\n1,2,\r\n\r\n,,\r\n3,4,\r\n".to_vec(),
        )
        .unwrap();
        assert_eq!(t.headers, vec!["id", "x"]);
        let r = rows(&mut t);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].0, 5);
        assert_eq!(r[1].1[1], "4");
    }

    #[test]
    fn line_numbers_count_blank_lines_and_every_line_end() {
        for data in [
            &b"a,b\n1,2\n\n,,\n3,4\n"[..],
            b"a,b\r\n1,2\r\n\r\n,,\r\n3,4\r\n",
            b"a,b\r1,2\r\r,,\r3,4\r",
        ] {
            let mut t = parse_bytes("t.csv", "t", data.to_vec()).unwrap();
            let lines: Vec<u64> = rows(&mut t).iter().map(|r| r.0).collect();
            assert_eq!(lines, vec![2, 5], "{data:?}");
        }
        // A quoted field spanning two lines: the next record starts on line 4.
        let mut t = parse_bytes("t.csv", "t", b"a,b\n\"x\ny\",2\n3,4\n".to_vec()).unwrap();
        let r = rows(&mut t);
        assert_eq!(r[0].1[0], "x\ny");
        assert_eq!(r[1].0, 4);
    }

    #[test]
    fn decodes_windows_1252_fields() {
        let mut t = parse_bytes("t.csv", "t", b"empat\xEDa;x\ns\xED;2\n".to_vec()).unwrap();
        assert_eq!(t.headers[0], "empatía");
        assert!(t.decimal_comma);
        assert_eq!(rows(&mut t)[0].1[0], "sí");
    }

    #[test]
    fn ragged_row_names_its_line() {
        let mut t = parse_bytes("t.csv", "t", b"a,b\n1,2\n3\n".to_vec()).unwrap();
        let r = records(&mut t);
        assert!(r[0].is_ok());
        let Err(e) = &r[1] else {
            panic!("a ragged row is accepted")
        };
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("1 fields"));
    }

    #[test]
    fn empty_and_utf16_without_bom_are_refused() {
        assert!(parse_bytes("t.csv", "t", b"  \n".to_vec()).is_err());
        let e = parse_bytes("t.csv", "t", b"a\0,\0b\0\n\0".to_vec()).unwrap_err();
        assert!(e.message.contains("UTF-16"));
    }

    #[test]
    fn line_at_counts_every_line_end() {
        assert_eq!(line_at(&b"a\nb\r\nc\rd"[..], 0), 1);
        assert_eq!(line_at(&b"a\nb\r\nc\rd"[..], 2), 2);
        assert_eq!(line_at(&b"a\nb\r\nc\rd"[..], 3), 3);
        assert_eq!(line_at(&b"a\nb\r\nc\rd"[..], 7), 4);
    }
}
