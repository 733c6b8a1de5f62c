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
    let role = |t: &Source, named: Option<&str>, flag: &str, names: &[&str]| match named {
        Some(n) => named_column(t, n, flag).map(Some),
        None => Ok(roles::find_role(&t.headers, names)),
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
