//! Which column plays which role (participant, arm, wave, strata, cluster,
//! covariate), and which columns hold the domains (layout.rs decides the layout).

use super::layout::{self, DomainCols};
use super::{Code, Layout, Warning};
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::roles;
use crate::input::spec::Spec;
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

/// Every column's part: each role's column in every table (present in every file
/// alike), the layout, and each domain's columns. `--ignore` of a column no file
/// has is a warning: one command serves every file of a project.
pub(super) struct Columns {
    pub roles: Roles,
    pub layout: Layout,
    pub domains: Vec<DomainCols>,
}

/// Find [`Columns`] in the sources (the first one's header names the domains).
pub(super) fn find_columns(
    sources: &[Source],
    opts: &super::Options,
    spec: Option<&Spec>,
    warnings: &mut Vec<Warning>,
) -> UResult<Columns> {
    let first = &sources[0];
    let roles = find_roles(sources, opts, spec)?;
    let (id_cols, group_cols, wave_cols, by_cols, cluster_cols) = (
        &roles.id,
        &roles.group,
        &roles.wave,
        &roles.by,
        &roles.cluster,
    );
    for (i, t) in sources.iter().enumerate() {
        if id_cols[i].is_some() != id_cols[0].is_some()
            || wave_cols[i].is_some() != wave_cols[0].is_some()
        {
            return Err(
                UserError::new("this file's columns do not match the first file's")
                    .file(&t.name)
                    .line(1)
                    .hint(format!(
                        "every file needs the same columns as {}",
                        first.name
                    ))
                    .es(
                        "las columnas de este archivo no coinciden con las del primero",
                        Some(&format!(
                            "cada archivo necesita las mismas columnas que {}",
                            first.name
                        )),
                    ),
            );
        }
    }
    for name in &opts.ignore {
        if sources
            .iter()
            .all(|t| roles::find_named(&t.headers, name).is_none())
        {
            warnings.push(Warning::new(
                None,
                Code::IgnoreAbsent,
                crate::args![column = name],
            ));
        }
    }
    same_columns(sources, &opts.ignore)?;
    let ignored: Vec<String> = opts.ignore.iter().map(|s| fold(s)).collect();
    let has_wave = wave_cols[0].is_some();
    let is_role = |t: usize, c: usize| {
        [
            id_cols[t],
            group_cols[t],
            wave_cols[t],
            by_cols[t],
            cluster_cols[t],
        ]
        .contains(&Some(c))
            || ignored.contains(&fold(&sources[t].headers[c]))
            || sources[t].skip.get(c).copied().unwrap_or(false)
    };
    let wide_words = layout::wide_words(&[
        opts.pre
            .clone()
            .or_else(|| spec.and_then(|s| s.waves.pre.clone())),
        opts.post
            .clone()
            .or_else(|| spec.and_then(|s| s.waves.post.clone())),
    ]);
    let (layout, domains) = layout::domain_columns(
        sources,
        &first.headers,
        has_wave,
        &is_role,
        spec,
        &wide_words,
        warnings,
    )?;
    let mut domains = domains;
    super::kinds::keep_listed(&mut domains, spec, &roles.covariates)?;
    Ok(Columns {
        roles,
        layout,
        domains,
    })
}

/// Issue 21: a skipped multiple-choice summary column is told, not silent.
pub(super) fn choice_summary_warnings(first: &Source, warnings: &mut Vec<Warning>) {
    for column in &first.choice_summaries {
        warnings.push(Warning::new(Some(column), Code::ChoiceSummary, Vec::new()));
    }
}
