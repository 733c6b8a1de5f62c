//! Survey-platform exports (KoboToolbox, ODK): group prefixes stripped from column
//! names, metadata columns and `select_multiple` summary columns never analysed.
//!
//! Kobo exports group paths with `/` (`datos_nino/edad`), ODK Central with `-`
//! (`datos_nino-edad`). A `select_multiple` question comes as one column holding the
//! chosen values separated by spaces plus one 0/1 column per choice
//! (`question/choice`); each choice is a binary domain, the summary column is skipped.

use crate::text::fold;

/// Columns that mark a file as a survey export.
const EXPORT_MARKERS: &[&str] = &[
    "_uuid",
    "_submission_time",
    "_index",
    "__version__",
    "meta/instanceid",
    "meta-instanceid",
    "formhub/uuid",
    "instanceid",
    "key",
    "submissiondate",
];

/// Metadata columns of Kobo and ODK exports (folded names).
const METADATA: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "audit",
    "key",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "edits",
    "formversion",
    "instanceid",
    "instancename",
];

/// What a survey export's header means for each column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SurveyHeaders {
    /// The name to show and to match roles with (group prefix removed).
    pub names: Vec<String>,
    /// Metadata or `select_multiple` summary columns: never domains.
    pub skip: Vec<bool>,
    /// Whether the file looked like a Kobo/ODK export.
    pub is_export: bool,
    /// The `select_multiple` summary columns skipped (their names as shown): the
    /// cohort tells the user (a warning), so a missing domain is never a mystery.
    pub summaries: Vec<String>,
}

fn is_export(headers: &[String]) -> bool {
    headers
        .iter()
        .any(|h| EXPORT_MARKERS.contains(&fold(h).as_str()))
}

/// Interpret a header row. Files that are not survey exports come back unchanged.
pub fn interpret(headers: &[String]) -> SurveyHeaders {
    let export = is_export(headers);
    if !export {
        return SurveyHeaders {
            names: headers.to_vec(),
            skip: vec![false; headers.len()],
            is_export: false,
            summaries: Vec::new(),
        };
    }
    // The group separator: ODK Central writes '-' (`meta-instanceID`); KoboToolbox
    // writes '/' by default and '.' when asked; a header with '/' always splits there.
    let group_sep = if headers.iter().any(|h| fold(h).starts_with("meta-")) {
        '-'
    } else if headers.iter().any(|h| h.contains('/')) {
        '/'
    } else if headers
        .iter()
        .any(|h| !h.starts_with('_') && h.contains('.'))
    {
        '.'
    } else {
        '/'
    };
    let sep_of = |h: &str| if h.contains('/') { '/' } else { group_sep };
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let segs: Vec<Vec<String>> = headers
        .iter()
        .map(|h| h.split(sep_of(h)).map(|p| p.trim().to_string()).collect())
        .collect();
    let sep = |i: usize| sep_of(&headers[i]).to_string();
    let mut names = Vec::with_capacity(headers.len());
    let mut skip = vec![false; headers.len()];
    let mut summaries = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let n = s.len();
        let parent = (n >= 2).then(|| fold(&s[..n - 1].join(&sep(i))));
        let is_choice = parent.as_ref().is_some_and(|p| folded.contains(p));
        // A choice column is `question/choice` whatever the export wrote before the
        // question (ODK Briefcase: `group-question/choice`).
        let question = || {
            let q = &s[n - 2];
            q.rsplit(group_sep).next().unwrap_or(q).trim().to_string()
        };
        let short = if is_choice {
            format!("{}/{}", question(), s[n - 1])
        } else {
            s[n - 1].clone()
        };
        names.push(if short.is_empty() {
            headers[i].trim().to_string()
        } else {
            short
        });
        // A select_multiple summary column: others are its choices.
        // (Its choices may split with '/' where groups use '-': ODK Briefcase.)
        let prefix = format!("{}{}", folded[i], sep(i));
        let slash = format!("{}/", folded[i]);
        if folded
            .iter()
            .any(|f| f.starts_with(&prefix) || f.starts_with(&slash))
        {
            skip[i] = true;
            summaries.push(i);
        }
        if export {
            let f = &folded[i];
            let last = fold(&s[n - 1]);
            if f.starts_with('_')
                || f.starts_with("meta/")
                || f.starts_with("meta-")
                || f.starts_with("formhub/")
                || METADATA.contains(&f.as_str())
                || (n > 1 && METADATA.contains(&last.as_str()) && last != "status")
            {
                skip[i] = true;
            }
        }
    }
    // Keep the full name where the short one would collide.
    let short_folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    for i in 0..names.len() {
        if short_folded
            .iter()
            .filter(|f| **f == short_folded[i])
            .count()
            > 1
        {
            names[i] = headers[i].trim().to_string();
        }
    }
    let summaries = summaries.into_iter().map(|i| names[i].clone()).collect();
    SurveyHeaders {
        names,
        skip,
        is_export: export,
        summaries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn kobo_groups_metadata_and_select_multiple() {
        let s = interpret(&h(&[
            "start",
            "end",
            "datos/folio",
            "datos/grupo",
            "evaluacion/momento",
            "habilidades/resuelve_problemas",
            "habilidades/actividades",
            "habilidades/actividades/lectura",
            "habilidades/actividades/deporte",
            "_id",
            "_uuid",
            "_submission_time",
            "meta/instanceID",
            "_index",
        ]));
        assert!(s.is_export);
        assert_eq!(
            s.names[2..9],
            h(&[
                "folio",
                "grupo",
                "momento",
                "resuelve_problemas",
                "actividades",
                "actividades/lectura",
                "actividades/deporte"
            ])[..]
        );
        let skipped: Vec<usize> = (0..s.skip.len()).filter(|&i| s.skip[i]).collect();
        assert_eq!(skipped, vec![0, 1, 6, 9, 10, 11, 12, 13]);
    }

    #[test]
    fn odk_central_dashes() {
        let s = interpret(&h(&[
            "SubmissionDate",
            "ninos-folio",
            "ninos-grupo",
            "ninos-peso_normal",
            "meta-instanceID",
            "KEY",
            "SubmitterName",
            "ReviewState",
        ]));
        assert_eq!(s.names[1..4], h(&["folio", "grupo", "peso_normal"])[..]);
        assert_eq!(
            s.skip,
            vec![true, false, false, false, true, true, true, true]
        );
    }

    /// ODK Briefcase: groups with '-', choices with '/' (`group-question/choice`):
    /// named `question/choice` like Kobo's, the summary column skipped.
    #[test]
    fn odk_briefcase_choices() {
        let s = interpret(&h(&[
            "SubmissionDate",
            "datos-folio",
            "habilidades-actividades",
            "habilidades-actividades/huerto",
            "habilidades-actividades/lectura",
            "meta-instanceID",
        ]));
        assert_eq!(
            s.names[1..5],
            h(&[
                "folio",
                "actividades",
                "actividades/huerto",
                "actividades/lectura"
            ])[..]
        );
        assert_eq!(s.skip, vec![true, false, true, false, false, true]);
    }

    #[test]
    fn kobo_dot_separator() {
        let s = interpret(&h(&[
            "datos.folio",
            "datos.grupo",
            "datos.momento",
            "hab.actividades",
            "hab.actividades.juego",
            "_uuid",
            "_index",
        ]));
        assert_eq!(
            s.names[..5],
            h(&[
                "folio",
                "grupo",
                "momento",
                "actividades",
                "actividades/juego"
            ])[..]
        );
        assert_eq!(s.skip, vec![false, false, false, true, false, true, true]);
    }

    #[test]
    fn plain_files_keep_their_names() {
        let s = interpret(&h(&["id", "group", "wave", "start", "score-2", "status"]));
        assert!(!s.is_export);
        assert_eq!(
            s.names,
            h(&["id", "group", "wave", "start", "score-2", "status"])
        );
        assert!(s.skip.iter().all(|x| !x));
        let s = interpret(&h(&["peso/talla", "x"]));
        assert_eq!(s.names, h(&["peso/talla", "x"]));
        // Two groups with the same question keep their full names.
        let s = interpret(&h(&["_uuid", "a/edad", "b/edad", "c/peso"]));
        assert_eq!(s.names[1..], h(&["a/edad", "b/edad", "peso"])[..]);
    }
}
