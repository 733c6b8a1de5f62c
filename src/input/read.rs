//! Reading one file: encoding, delimiter, CSV records with their physical line numbers.

use crate::error::{UResult, UserError};
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

/// One input file as text records. The header is kept apart; each data row keeps
/// the physical line it starts on (1-based, the header being line 1).
#[derive(Debug, Clone)]
pub struct Table {
    /// The name shown to users: the path as given, or `<stdin>`.
    pub name: String,
    /// File stem (`control` for `data/control.csv`): the arm of a file without an arm column.
    pub stem: String,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub delimiter: u8,
    /// `;`-separated files are read with a decimal comma (`3,5` = 3.5).
    pub decimal_comma: bool,
    pub encoding: &'static str,
    /// The worksheet, for spreadsheet files (then `Row::line` is the sheet's row).
    pub sheet: Option<String>,
    /// Columns never analysed: survey-export metadata and `select_multiple` summaries.
    pub skip: Vec<bool>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub record: csv::StringRecord,
}

impl Table {
    /// Survey exports: group prefixes off the names, metadata columns skipped.
    pub fn apply_survey_headers(&mut self) {
        let s = crate::input::survey::interpret(&self.headers);
        self.headers = s.names;
        self.skip = s.skip;
    }
}

impl Row {
    /// The trimmed field at `col`, or "" when the row is shorter.
    pub fn get(&self, col: usize) -> &str {
        self.record.get(col).map(str::trim).unwrap_or("")
    }
}

/// Spreadsheet extensions read with calamine.
pub fn is_workbook(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Read `path` (`-` = stdin) into a [`Table`]; `sheet` chooses a workbook's sheet.
pub fn read_path(path: &str, sheet: Option<&str>) -> UResult<Table> {
    if path != "-" && is_workbook(path) && !Path::new(path).is_dir() {
        return crate::input::workbook::read_workbook(path, sheet);
    }
    let (name, stem, bytes) = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| UserError::new(format!("cannot read standard input: {e}")))?;
        ("<stdin>".to_string(), "stdin".to_string(), buf)
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(UserError::new("is a folder, not a data file")
                .file(path)
                .hint("name a .csv/.tsv file inside it"));
        }
        let bytes = std::fs::read(p).map_err(|e| {
            UserError::new(format!("cannot read the file: {e}"))
                .file(path)
                .hint("check the path and that the file is readable")
        })?;
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        (path.to_string(), stem, bytes)
    };
    parse_bytes(&name, &stem, &bytes)
}

/// Decode bytes to text: UTF-8 (BOM stripped), UTF-16 with a BOM, else Windows-1252.
pub fn decode<'a>(name: &str, bytes: &'a [u8]) -> UResult<(Cow<'a, str>, &'static str)> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes)
        && (enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE)
    {
        let (text, _, bad) = enc.decode(bytes);
        if bad {
            return Err(UserError::new("the file is not valid UTF-16 text")
                .file(name)
                .hint("save it as CSV UTF-8"));
        }
        return Ok((Cow::Owned(text.into_owned()), enc.name()));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let nuls = body.iter().take(4096).filter(|&&b| b == 0).count();
    if nuls > 0 {
        let looks_utf16 = body.len() > 1 && nuls * 3 >= body.len().min(4096);
        let msg = if looks_utf16 {
            "the file looks like UTF-16 text without a byte-order mark"
        } else {
            "the file holds binary data (NUL bytes), not text"
        };
        return Err(UserError::new(msg)
            .file(name)
            .hint("save or export it as CSV UTF-8 (comma-delimited)"));
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok((Cow::Borrowed(s), "UTF-8")),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
            Ok((Cow::Owned(text.into_owned()), "windows-1252"))
        }
    }
}

/// The delimiter among `,` `;` tab `|` that occurs most often in the header line
/// (outside quotes); `,` when none does.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut in_quotes = false;
    for &b in text.as_bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
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

/// Parse decoded bytes into a [`Table`].
pub fn parse_bytes(name: &str, stem: &str, bytes: &[u8]) -> UResult<Table> {
    let (text, encoding) = decode(name, bytes)?;
    if text.trim().is_empty() {
        return Err(UserError::new("the file is empty")
            .file(name)
            .hint("export the data again with a header row and one row per participant and wave"));
    }
    let delimiter = sniff_delimiter(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = loop {
        match records.next() {
            None => {
                return Err(UserError::new("the file has no header row")
                    .file(name)
                    .hint("the first line must name the columns"));
            }
            Some(Err(e)) => return Err(csv_error(name, e)),
            Some(Ok(r)) if is_blank(&r) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let lines = LineIndex::new(&text);
    let header_line = lines.line_of(header.position().map(|p| p.byte() as usize).unwrap_or(0));
    let headers = clean_headers(name, &header, header_line)?;
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(name, e))?;
        let line = lines.line_of(rec.position().map(|p| p.byte() as usize).unwrap_or(0));
        rows.push(Row { line, record: rec });
    }
    let mut t = Table {
        name: name.to_string(),
        stem: stem.to_string(),
        headers,
        rows: Vec::new(),
        delimiter,
        decimal_comma: delimiter == b';',
        encoding,
        sheet: None,
        skip: Vec::new(),
    };
    t.apply_survey_headers();
    t.rows = check_rows(&t, rows)?;
    Ok(t)
}

/// Drop blank rows; refuse rows whose width differs from the header's (extra empty
/// fields, as a trailing delimiter leaves, are accepted).
pub fn check_rows(t: &Table, rows: Vec<Row>) -> UResult<Vec<Row>> {
    let width = t.headers.len();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let rec = &row.record;
        if is_blank(rec) {
            continue;
        }
        if rec.len() != width {
            let extra_empty =
                rec.len() > width && rec.iter().skip(width).all(|f| f.trim().is_empty());
            if !extra_empty {
                return Err(UserError::new(format!(
                    "this row has {} fields but the header has {width} columns",
                    rec.len()
                ))
                .file(&t.name)
                .line(row.line)
                .hint(
                    "every row needs one value per column; quote values that contain the delimiter",
                ));
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// Check a header row: trailing empty names dropped, no other empty name.
pub fn clean_headers(name: &str, header: &csv::StringRecord, line: u64) -> UResult<Vec<String>> {
    let mut headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    // A trailing delimiter gives an unnamed empty last column: ignore it.
    while headers.len() > 1 && headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(UserError::new(format!("column {} has no name", i + 1))
                .file(name)
                .line(line)
                .hint("give every column a name in the header row"));
        }
    }
    Ok(headers)
}

/// Physical line numbers from byte offsets. The csv crate's own line count skips
/// blank lines and CR-only line ends, so records are located here instead: a line
/// ends at `\n`, `\r\n` or a lone `\r`.
struct LineIndex<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineIndex { bytes, starts }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end
    /// (a record's reported start can sit on the previous line's terminator).
    fn line_of(&self, mut offset: usize) -> u64 {
        while matches!(self.bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        self.starts.partition_point(|&s| s <= offset) as u64
    }
}

fn is_blank(r: &csv::StringRecord) -> bool {
    r.iter().all(|f| f.trim().is_empty())
}

fn csv_error(name: &str, e: csv::Error) -> UserError {
    let line = e.position().map(|p| p.line());
    let mut err = UserError::new(format!("the file cannot be read as CSV: {e}"))
        .file(name)
        .hint("check for an unterminated quote (\") near this line");
    if let Some(l) = line {
        err = err.line(l);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"x,y,z\"|b|c"), b'|');
        assert_eq!(sniff_delimiter("only"), b',');
    }

    #[test]
    fn reads_bom_crlf_and_trailing_delimiter() {
        let t = parse_bytes(
            "t.csv",
            "t",
            b"\xEF\xBB\xBFid,x,\r\n1,2,\r\n\r\n,,\r\n3,4,\r\n",
        )
        .unwrap();
        assert_eq!(t.headers, vec!["id", "x"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 5);
        assert_eq!(t.rows[1].get(1), "4");
    }

    #[test]
    fn line_numbers_count_blank_lines_and_every_line_end() {
        for data in [
            &b"a,b\n1,2\n\n,,\n3,4\n"[..],
            b"a,b\r\n1,2\r\n\r\n,,\r\n3,4\r\n",
            b"a,b\r1,2\r\r,,\r3,4\r",
        ] {
            let t = parse_bytes("t.csv", "t", data).unwrap();
            let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![2, 5], "{data:?}");
        }
        // A quoted field spanning two lines: the next record starts on line 4.
        let t = parse_bytes("t.csv", "t", b"a,b\n\"x\ny\",2\n3,4\n").unwrap();
        assert_eq!(t.rows[0].get(0), "x\ny");
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn decodes_windows_1252() {
        let t = parse_bytes("t.csv", "t", b"empat\xEDa;x\n1;2\n").unwrap();
        assert_eq!(t.headers[0], "empatía");
        assert!(t.decimal_comma);
        assert_eq!(t.encoding, "windows-1252");
    }

    #[test]
    fn ragged_row_names_its_line() {
        let e = parse_bytes("t.csv", "t", b"a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("1 fields"));
    }

    #[test]
    fn empty_and_utf16_without_bom_are_refused() {
        assert!(parse_bytes("t.csv", "t", b"  \n").is_err());
        let e = parse_bytes("t.csv", "t", b"a\0,\0b\0\n\0").unwrap_err();
        assert!(e.message.contains("UTF-16"));
    }
}
