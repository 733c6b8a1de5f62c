//! A quick look at the wave column before reading: a few small pieces spread
//! through each file ([`Source::sample`]). When they already show more than two
//! waves (and no order is given), the first reading only has to learn the labels
//! from its first row (contract §6.4: the sources are read again in order); rows
//! read in full before the third label would be thrown away anyway.

use super::columns::Roles;
use crate::input::read::{Source, text};
use crate::input::values::is_missing;
use crate::text::fold;

/// Pieces looked at per source, and their size in bytes.
const PIECES: usize = 48;
const PIECE_BYTES: usize = 16 << 10;

/// The wave labels found in the pieces (folded), in the order met; None when a
/// source cannot be looked at without reading it (a worksheet's rows).
pub(super) fn wave_labels(sources: &[Source], roles: &Roles) -> Option<Vec<String>> {
    let mut found: Vec<String> = Vec::new();
    for (si, src) in sources.iter().enumerate() {
        let pieces = src.sample(PIECES, PIECE_BYTES)?;
        let Some(col) = roles.wave.get(si).copied().flatten() else {
            continue;
        };
        for piece in &pieces {
            for line in piece.split(|&b| b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if let Some(label) = field_of(line, src.delimiter, col, src.headers.len()) {
                    let f = fold(&label);
                    if !found.contains(&f) {
                        found.push(f);
                    }
                }
            }
        }
    }
    Some(found)
}

/// Field `col` of an unquoted line of `width` fields (None for a blank line, a
/// line of another width, or a missing value).
fn field_of(line: &[u8], delimiter: u8, col: usize, width: usize) -> Option<String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let fields: Vec<&[u8]> = line.split(|&b| b == delimiter).collect();
    if fields.len() != width {
        return None;
    }
    let v = text(fields.get(col)?);
    (!is_missing(&v)).then(|| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn a_field_only_from_a_line_of_the_header_width() {
        assert_eq!(
            field_of(b"1,a, visit 2 ,3", b',', 2, 4).as_deref(),
            Some("visit 2")
        );
        assert_eq!(field_of(b"1,a,visit 2", b',', 2, 4), None);
        assert_eq!(field_of(b"1,a,,3", b',', 2, 4), None);
        assert_eq!(field_of(b"", b',', 0, 1), None);
    }
}
