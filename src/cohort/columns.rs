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
            .es(
                format!("{flag} {name}: no existe esa columna"),
                Some(&format!("las columnas son: {}", column_list(&t.headers))),
            )
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
            .hint("rename one of them (names are compared ignoring case and accents)")
            .es(
                format!(
                    "las columnas {} (\"{}\") y {} (\"{}\") tienen el mismo nombre",
                    j + 1,
                    t.headers[j],
                    i + 1,
                    h
                ),
                Some("cambie el nombre de una de ellas (los nombres se comparan sin mayúsculas ni tildes)"),
            ));
        }
        seen.insert(fold(h), i);
    }
    Ok(())
}

/// The columns that play a role in each table (`None`: no such column there).
pub(super) struct Roles {
    pub id: Vec<Option<usize>>,
    pub group: Vec<Option<usize>>,
    pub wave: Vec<Option<usize>>,
    pub by: Vec<Option<usize>>,
    pub cluster: Vec<Option<usize>>,
    /// Covariates (contract §6.3), as named: read like domains, then set apart.
    pub covariates: Vec<String>,
}

/// Find each role's column in every table: named by a flag (or the spec), else by
/// the names of contract §2.1 and §6.2. A flag naming a missing column is an error.
pub(super) fn find_roles(
    sources: &[Source],
    opts: &super::Options,
    spec: Option<&crate::input::spec::Spec>,
) -> UResult<Roles> {
    // A column named by a flag plays that role only: it is taken out of every
    // other role's recognition by name (`--wave group` leaves no arm column).
    let taken = |t: &Source| -> Vec<usize> {
        let cluster = opts
            .cluster
            .as_deref()
            .or_else(|| spec.and_then(|s| s.cluster.as_deref()));
        [
            opts.id.as_deref(),
            opts.group.as_deref(),
            opts.wave.as_deref(),
            opts.by.as_deref(),
            cluster,
        ]
        .into_iter()
        .flatten()
        .filter_map(|n| roles::find_named(&t.headers, n))
        .collect()
    };
    let role = |t: &Source, named: Option<&str>, flag: &str, names: &[&str]| match named {
        Some(n) => named_column(t, n, flag).map(Some),
        None => {
            let taken = taken(t);
            Ok(names.iter().find_map(|n| {
                t.headers
                    .iter()
                    .enumerate()
                    .position(|(i, h)| fold(h) == *n && !taken.contains(&i))
            }))
        }
    };
    let cluster_named = opts
        .cluster
        .clone()
        .or_else(|| spec.and_then(|s| s.cluster.clone()));
    let no_cluster = cluster_named.as_deref().is_some_and(|c| fold(c) == "none");
    let covariates: Vec<String> = if opts.covariates.is_empty() {
        spec.map(|s| s.covariates.clone()).unwrap_or_default()
    } else {
        opts.covariates.clone()
    };
    let mut r = Roles {
        id: Vec::new(),
        group: Vec::new(),
        wave: Vec::new(),
        by: Vec::new(),
        cluster: Vec::new(),
        covariates: covariates.clone(),
    };
    for t in sources {
        r.id.push(role(t, opts.id.as_deref(), "--id", roles::ID_NAMES)?);
        r.group.push(role(
            t,
            opts.group.as_deref(),
            "--group",
            roles::GROUP_NAMES,
        )?);
        r.wave
            .push(role(t, opts.wave.as_deref(), "--wave", roles::WAVE_NAMES)?);
        r.by.push(match &opts.by {
            Some(b) => Some(named_column(t, b, "--by")?),
            None => None,
        });
        r.cluster.push(if no_cluster {
            None
        } else {
            role(
                t,
                cluster_named.as_deref(),
                "--cluster",
                roles::CLUSTER_NAMES,
            )?
        });
        for c in &covariates {
            named_column(t, c, "--covariates")?;
        }
    }
    Ok(r)
}

/// Several files are matched by column name, in any order (contract §2.7): a
/// column missing from some of them is an error naming the column and the files
/// that lack it, whatever the files' order. Ignored columns may be missing.
pub(super) fn same_columns(sources: &[Source], ignore: &[String]) -> UResult<()> {
    if sources.len() < 2 {
        return Ok(());
    }
    let ignored: Vec<String> = ignore.iter().map(|s| fold(s)).collect();
    let folded: Vec<rustc_hash::FxHashSet<String>> = sources
        .iter()
        .map(|t| t.headers.iter().map(|h| fold(h)).collect())
        .collect();
    for t in sources {
        for (ci, h) in t.headers.iter().enumerate() {
            let f = &fold(h);
            if ignored.contains(f) || t.skip.get(ci).copied().unwrap_or(false) {
                continue;
            }
            let lacking: Vec<&str> = sources
                .iter()
                .zip(&folded)
                .filter(|(_, fs)| !fs.contains(f))
                .map(|(s, _)| s.name.as_str())
                .collect();
            if let Some(first) = lacking.first() {
                let col = &t.headers[ci];
                let having: Vec<&str> = sources
                    .iter()
                    .zip(&folded)
                    .filter(|(_, fs)| fs.contains(f))
                    .map(|(s, _)| s.name.as_str())
                    .collect();
                return Err(UserError::new(format!(
                    "column \"{col}\" is in {} but not in {}",
                    having.join(", "),
                    lacking.join(", ")
                ))
                .file(*first)
                .line(1)
                .hint(format!(
                    "files read together need the same columns (in any order): add \"{col}\" to {}, or leave it out with --ignore {col}",
                    lacking.join(", ")
                ))
                .es(
                    format!(
                        "la columna \"{col}\" está en {} pero no en {}",
                        having.join(", "),
                        lacking.join(", ")
                    ),
                    Some(&format!(
                        "los archivos leídos juntos necesitan las mismas columnas (en cualquier orden): añada \"{col}\" a {}, o déjela fuera con --ignore {col}",
                        lacking.join(", ")
                    )),
                ));
            }
        }
    }
    Ok(())
}
