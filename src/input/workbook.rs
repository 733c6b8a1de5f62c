//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) read with calamine into the
//! same [`Table`] as a CSV file; a row's `line` is its row number in the sheet.

use crate::error::{UResult, UserError};
use crate::input::read::{Source, from_rows};
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

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

/// A cell as the text a CSV export would hold.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        other => other.to_string(),
    }
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
    let chosen = match sheet {
        Some(s) => names
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
            })?,
        None => names.first().cloned().ok_or_else(|| {
            UserError::new("the workbook has no sheet")
                .file(path)
                .es("el libro no tiene ninguna hoja", None)
        })?,
    };
    let name = format!("{path} [sheet {chosen}]");
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| UserError::new(format!("cannot read the sheet: {e}")).file(name.as_str()))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut header: Option<(Vec<String>, u64)> = None;
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        let mut texts = Vec::with_capacity(cells.len());
        for (j, d) in cells.iter().enumerate() {
            if let Data::Error(e) = d {
                let col = column_letter(col0 + j as u32);
                return Err(
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
        match &header {
            None if texts.iter().all(|f| f.trim().is_empty()) => continue,
            None => header = Some((texts.iter().map(|t| t.trim().to_string()).collect(), line)),
            Some(_) => rows.push((line, csv::ByteRecord::from(texts))),
        }
    }
    let Some((hrec, hline)) = header else {
        return Err(UserError::new("the sheet is empty")
            .file(name.as_str())
            .hint("choose the sheet that holds the data with --sheet NAME")
            .es(
                "la hoja está vacía",
                Some("elija la hoja que contiene los datos con --sheet NOMBRE"),
            ));
    };
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    from_rows(name, stem, chosen, hrec, hline, rows)
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
}
