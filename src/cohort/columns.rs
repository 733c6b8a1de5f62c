//! Which column plays which role (participant, arm, wave, strata, cluster).

use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::roles;
use crate::text::fold;
use std::collections::HashMap;

pub(super) fn column_list(headers: &[String]) -> String {
    headers.join(", ")
}

pub(super) fn named_column(t: &Source, name: &str, flag: &str) -> UResult<usize> {
    roles::find_named(&t.headers, name).ok_or_else(|| {
        UserError::new(format!("{flag} {name}: there is no such column"))
            .file(&t.name)
            .line(1)
            .hint(format!("columns are: {}", column_list(&t.headers)))
    })
}

pub(super) fn check_duplicate_columns(t: &Source) -> UResult<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if let Some(&j) = seen.get(&fold(h)) {
            return Err(UserError::new(format!(
                "columns {} (\"{}\") and {} (\"{}\") have the same name",
                j + 1,
                t.headers[j],
                i + 1,
                h
            ))
            .file(&t.name)
            .line(1)
            .column(h.as_str())
            .hint("rename one of them (names are compared ignoring case and accents)"));
        }
        seen.insert(fold(h), i);
    }
    Ok(())
}

