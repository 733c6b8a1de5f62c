//! Stata `.dta` files (every release, 102–119) read with the `dta` crate into the
//! same [`Source`] as a CSV file: a value with a value label read as its label,
//! Stata's missing values (`.` and `.a`–`.z`) read as empty, `strL` text resolved,
//! names as Stata has them. A row's position is its observation number.

use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spss::{from_cases, number_text};
use dta::stata::dta::dta_reader::DtaReader;
use dta::stata::dta::long_string_ref::LongStringRef;
use dta::stata::dta::long_string_table::LongStringTable;
use dta::stata::dta::value::Value;
use dta::stata::dta::value_label_table::ValueLabelTable;

/// One cell, owned, until the value labels and long strings (which follow the
/// data in the file) are read.
enum Cell {
    Missing,
    Int(i64),
    Float(f32),
    Double(f64),
    Text(String),
    Long(LongStringRef),
}

fn cell(v: Value<'_>) -> Cell {
    match v {
        Value::Byte(b) => b.present().map_or(Cell::Missing, |x| Cell::Int(x.into())),
        Value::Int(b) => b.present().map_or(Cell::Missing, |x| Cell::Int(x.into())),
        Value::Long(b) => b.present().map_or(Cell::Missing, |x| Cell::Int(x.into())),
        Value::Float(b) => b.present().map_or(Cell::Missing, Cell::Float),
        Value::Double(b) => b.present().map_or(Cell::Missing, Cell::Double),
        Value::String(s) => Cell::Text(s.into_owned()),
        Value::LongStringRef(r) => Cell::Long(r),
    }
}

/// Read a `.dta` file.
pub fn read_dta(path: &str) -> UResult<Source> {
    let (headers, rows) = parse(path)?;
    from_cases(path, headers, rows)
}

fn parse(path: &str) -> UResult<(Vec<String>, Vec<Vec<String>>)> {
    let fail = |e: dta::stata::dta::dta_error::DtaError| {
        UserError::new(format!("cannot read the Stata file: {e}"))
            .file(path)
            .hint("open it in Stata and save it again (`save`), or export it as CSV")
    };
    if std::fs::metadata(path).is_err() {
        return Err(UserError::new("cannot read the file: it does not exist")
            .file(path)
            .hint("check the path and that the file is readable"));
    }
    let mut chars = DtaReader::new()
        .from_path(path)
        .map_err(fail)?
        .read_header()
        .map_err(fail)?
        .read_schema()
        .map_err(fail)?;
    chars.skip_to_end().map_err(fail)?;
    let mut records = chars.into_record_reader().map_err(fail)?;
    let schema = records.schema().clone();
    let vars = schema.variables();
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    loop {
        let row = cells.len() as u64 + 1;
        match records.read_record() {
            Ok(Some(r)) => cells.push(r.values().iter().cloned().map(cell).collect()),
            Ok(None) => break,
            Err(e) => return Err(fail(e).row(row)),
        }
    }
    let mut strls = records.into_long_string_reader().map_err(fail)?;
    let enc = strls.encoding();
    let mut long = LongStringTable::for_reading();
    strls.read_remaining_into(&mut long).map_err(fail)?;
    let mut labels_reader = strls.into_value_label_reader().map_err(fail)?;
    let mut labels = ValueLabelTable::new();
    labels_reader
        .read_remaining_into(&mut labels)
        .map_err(fail)?;

    let headers: Vec<String> = vars.iter().map(|v| v.name().to_string()).collect();
    let mut rows = Vec::with_capacity(cells.len());
    for (r, row) in cells.into_iter().enumerate() {
        let mut out = Vec::with_capacity(row.len());
        for (c, x) in row.into_iter().enumerate() {
            let var = &vars[c];
            let label = |k: f64| -> Option<String> {
                if k.fract() == 0.0 && k >= f64::from(i32::MIN) && k <= f64::from(i32::MAX) {
                    labels.label_for(var, k as i32).map(str::to_string)
                } else {
                    None
                }
            };
            out.push(match x {
                Cell::Missing => String::new(),
                Cell::Int(k) => label(k as f64).unwrap_or_else(|| k.to_string()),
                Cell::Float(f) => label(f64::from(f)).unwrap_or_else(|| {
                    if f.fract() == 0.0 {
                        number_text(f64::from(f))
                    } else {
                        format!("{f}")
                    }
                }),
                Cell::Double(f) => label(f).unwrap_or_else(|| number_text(f)),
                Cell::Text(s) => s,
                Cell::Long(rf) => match long.get(&rf) {
                    Some(s) => s
                        .data_str(enc)
                        .map(|t| t.trim_end_matches('\0').to_string())
                        .unwrap_or_default(),
                    None => {
                        return Err(UserError::new(
                            "a long (strL) text refers to nothing in the file",
                        )
                        .file(path)
                        .row(r as u64 + 1)
                        .column(var.name().to_string())
                        .hint("open it in Stata and save it again"));
                    }
                },
            });
        }
        rows.push(out);
    }
    Ok((headers, rows))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn cut_or_altered_files_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.dta");
        let p = path.to_str().unwrap();
        for file in [
            &include_bytes!("../../testdata/formats/cohort.dta")[..],
            &include_bytes!("../../testdata/formats/cohort_114.dta")[..],
        ] {
            std::fs::write(&path, file).unwrap();
            assert!(parse(p).is_ok());
            for n in (0..file.len()).step_by(41) {
                std::fs::write(&path, &file[..n]).unwrap();
                let _ = parse(p);
            }
            for i in (0..file.len()).step_by(59) {
                let mut b = file.to_vec();
                b[i] ^= 0xA5;
                std::fs::write(&path, &b).unwrap();
                let _ = parse(p);
            }
        }
    }
}
