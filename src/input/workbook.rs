//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) read with calamine into the
//! same [`Table`] as a CSV file; a row's `line` is its row number in the sheet.

use crate::error::{UResult, UserError};
use crate::input::read::{Source, from_rows};
use crate::warning::{Code, Warning};
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

type Book = calamine::Sheets<std::io::BufReader<std::fs::File>>;

/// Spreadsheet column letters: 0 → A, 27 → AB.
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// A cell as the text a CSV export would hold. A date-formatted cell (Excel keeps
/// a date as a day count, 45323 = 2024-02-01) is its ISO date, so it is read as a
/// date (contract §2.5), not as a number; a duration stays a number (of days).
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, da, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => cell_text(&Data::Float(dt.as_f64())),
        other => other.to_string(),
    }
}

/// One worksheet as text rows: the header (the first non-blank row) and the rows
/// below it, and the first cell holding an error (reported only if the sheet is read).
struct Sheet {
    header: Option<(Vec<String>, u64)>,
    rows: Vec<(u64, csv::ByteRecord)>,
    error: Option<UserError>,
}

impl Sheet {
    /// A header and at least one row below it that is not blank.
    fn has_data(&self) -> bool {
        self.header.is_some()
            && self
                .rows
                .iter()
                .any(|(_, r)| r.iter().any(|f| !f.trim_ascii().is_empty()))
    }

    /// A table rather than a note: the header names at least two columns (an
    /// instructions sheet holds its text in one column).
    fn is_table(&self) -> bool {
        self.has_data()
            && self
                .header
                .as_ref()
                .is_some_and(|(h, _)| h.iter().filter(|c| !c.is_empty()).count() >= 2)
    }

    /// What the sheet holds, for the error that lists the sheets.
    fn described(&self) -> &'static str {
        match &self.header {
            None => "empty",
            Some(_) if self.has_data() => "text in one column",
            Some(_) => "no data rows",
        }
    }
}

fn read_sheet(book: &mut Book, path: &str, sheet: &str) -> UResult<Sheet> {
    let name = format!("{path} [sheet {sheet}]");
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| UserError::new(format!("cannot read the sheet: {e}")).file(name.as_str()))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut out = Sheet {
        header: None,
        rows: Vec::new(),
        error: None,
    };
    for (i, cells) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        let mut texts = Vec::with_capacity(cells.len());
        for (j, d) in cells.iter().enumerate() {
            if let Data::Error(e) = d
                && out.error.is_none()
            {
                let col = column_letter(col0 + j as u32);
                out.error = Some(
                    UserError::new(format!("cell {col}{line} holds the error {e}"))
                        .file(name.as_str())
                        .row(line)
                        .column(col.as_str())
                        .hint(
                            "fix the formula in the workbook, or clear the cell to mark it missing",
                        )
                        .es(
                            format!("la celda {col}{line} contiene el error {e}"),
                            Some("corrija la fórmula en el libro, o vacíe la celda para marcarla como faltante"),
                        ),
                );
            }
            texts.push(cell_text(d));
        }
        match &out.header {
            None if texts.iter().all(|f| f.trim().is_empty()) => continue,
            None => out.header = Some((texts.iter().map(|t| t.trim().to_string()).collect(), line)),
            Some(_) => out.rows.push((line, csv::ByteRecord::from(texts))),
        }
    }
    Ok(out)
}

pub fn read_workbook(path: &str, sheet: Option<&str>) -> UResult<Source> {
    let mut book = open_workbook_auto(path).map_err(|e| {
        UserError::new(format!("cannot open the workbook: {e}"))
            .file(path)
            .hint("check that it is an Excel (.xlsx/.xls) or OpenDocument (.ods) file and not open elsewhere")
            .es(
                format!("no se puede abrir el libro: {e}"),
                Some("compruebe que es un archivo de Excel (.xlsx/.xls) u OpenDocument (.ods) y que no está abierto en otro programa"),
            )
    })?;
    let names = book.sheet_names();
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let (chosen, data, notice) = match sheet {
        Some(s) => {
            let chosen = names
                .iter()
                .find(|n| crate::text::fold(n) == crate::text::fold(s))
                .cloned()
                .ok_or_else(|| {
                    UserError::new(format!(
                        "there is no sheet \"{s}\" (sheets: {})",
                        names.join(", ")
                    ))
                    .file(path)
                    .hint("name one of the sheets with --sheet NAME")
                    .es(
                        format!("no hay ninguna hoja \"{s}\" (hojas: {})", names.join(", ")),
                        Some("nombre una de las hojas con --sheet NOMBRE"),
                    )
                })?;
            let data = read_sheet(&mut book, path, &chosen)?;
            (chosen, data, None)
        }
        None => first_with_data(&mut book, path, &names)?,
    };
    if let Some(e) = data.error {
        return Err(e);
    }
    let name = format!("{path} [sheet {chosen}]");
    let Some((hrec, hline)) = data.header else {
        return Err(UserError::new("the sheet is empty")
            .file(name.as_str())
            .hint("choose the sheet that holds the data with --sheet NAME")
            .es(
                "la hoja está vacía",
                Some("elija la hoja que contiene los datos con --sheet NOMBRE"),
            ));
    };
    let mut src = from_rows(name, stem, chosen, hrec, hline, data.rows)?;
    src.notices.extend(notice);
    Ok(src)
}

/// Without `--sheet`: the first sheet holding a table (a header of two or more
/// columns and a data row), else the first with a header and a data row; with a
/// notice naming it when the workbook has other sheets.
fn first_with_data(
    book: &mut Book,
    path: &str,
    names: &[String],
) -> UResult<(String, Sheet, Option<Warning>)> {
    let mut sheets = Vec::with_capacity(names.len());
    for n in names {
        sheets.push(read_sheet(book, path, n)?);
    }
    let at = sheets
        .iter()
        .position(Sheet::is_table)
        .or_else(|| sheets.iter().position(Sheet::has_data));
    let Some(at) = at else {
        let listed: Vec<String> = names
            .iter()
            .zip(&sheets)
            .map(|(n, s)| format!("\"{n}\" ({})", s.described()))
            .collect();
        return Err(UserError::new(format!(
            "no sheet holds a header row with data rows below it (sheets: {})",
            if listed.is_empty() {
                "none".to_string()
            } else {
                listed.join(", ")
            }
        ))
        .file(path)
        .hint("put one row per participant below a header row, or name the sheet that holds the data with --sheet NAME")
        .es(
            format!(
                "ninguna hoja tiene una fila de encabezado con filas de datos debajo (hojas: {})",
                if listed.is_empty() {
                    "ninguna".to_string()
                } else {
                    listed
                        .join(", ")
                        .replace("(empty)", "(vacía)")
                        .replace("(text in one column)", "(texto en una columna)")
                        .replace("(no data rows)", "(sin filas de datos)")
                }
            ),
            Some("ponga una fila por participante debajo de una fila de encabezado, o nombre la hoja que contiene los datos con --sheet NOMBRE"),
        ));
    };
    let chosen = names[at].clone();
    let notice = (names.len() > 1).then(|| {
        let code = match (at, sheets[0].described()) {
            (0, _) => Code::SheetRead,
            (_, "empty") => Code::SheetReadFirstEmpty,
            (_, "no data rows") => Code::SheetReadFirstNoRows,
            _ => Code::SheetReadFirstNoTable,
        };
        Warning::new(
            None,
            code,
            crate::args![
                sheet = chosen,
                k = at + 1,
                n = names.len(),
                first = names[0]
            ],
        )
    });
    let data = sheets.swap_remove(at);
    Ok((chosen, data, notice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn cells_read_as_csv_text() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(3.25)), "3.25");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::String(" sí ".into())), " sí ");
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn date_cells_read_as_iso_dates() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let cell = |x: f64, t| Data::DateTime(ExcelDateTime::new(x, t, false));
        // 45323 = 2024-02-01 (Excel's 1900 system).
        assert_eq!(
            cell_text(&cell(45323.0, ExcelDateTimeType::DateTime)),
            "2024-02-01"
        );
        assert_eq!(
            cell_text(&cell(45323.5, ExcelDateTimeType::DateTime)),
            "2024-02-01T12:00:00"
        );
        // A duration stays a number of days.
        assert_eq!(cell_text(&cell(2.0, ExcelDateTimeType::TimeDelta)), "2");
    }
}
