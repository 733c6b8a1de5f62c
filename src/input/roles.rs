//! Column roles (participant, arm, wave) and arm/wave labels.

use crate::text::fold;

pub const ID_NAMES: &[&str] = &["id", "participant", "participant_id", "child_id", "folio"];
pub const GROUP_NAMES: &[&str] = &["group", "arm", "grupo", "condition"];
pub const WAVE_NAMES: &[&str] = &[
    "wave",
    "time",
    "phase",
    "period",
    "round",
    "momento",
    "evaluacion",
];

pub const CLUSTER_NAMES: &[&str] = &[
    "cluster",
    "cluster_id",
    "centre",
    "center",
    "centro",
    "school",
    "escuela",
    "comunidad",
    "community",
];

pub const INTERVENTION_LABELS: &[&str] = &[
    "intervention",
    "treatment",
    "treated",
    "program",
    "programme",
    "participant",
    "programa",
    "participante",
    "intervencion",
    "tratamiento",
];
pub const CONTROL_LABELS: &[&str] = &[
    "control",
    "comparison",
    "comparacion",
    "no participante",
    "non-participant",
];
pub const PRE_LABELS: &[&str] = &[
    "pre", "before", "baseline", "antes", "inicial", "pretest", "t0",
];
pub const POST_LABELS: &[&str] = &[
    "post", "after", "endline", "despues", "final", "posttest", "t1",
];

/// Index of the column whose folded name is `wanted` (folded), if any.
pub fn find_named(headers: &[String], wanted: &str) -> Option<usize> {
    let w = fold(wanted);
    headers.iter().position(|h| fold(h) == w)
}

/// Index of the first column whose folded name is one of `names`.
pub fn find_role(headers: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| headers.iter().position(|h| fold(h) == *n))
}

/// Which of two sides a label means, given a user-named label and the built-in lists.
pub fn side_of(label: &str, named: [Option<&str>; 2], builtin: [&[&str]; 2]) -> Option<usize> {
    let f = fold(label);
    let by_flag = named.iter().position(|n| n.is_some_and(|n| fold(n) == f));
    if by_flag.is_some() {
        return by_flag;
    }
    // A label named by a flag for one side is not also matched by the lists.
    builtin.iter().position(|list| list.contains(&f.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_name_with_accents() {
        let h: Vec<String> = ["Folio", "Grupo", "Evaluación", "x"]
            .map(String::from)
            .to_vec();
        assert_eq!(find_role(&h, ID_NAMES), Some(0));
        assert_eq!(find_role(&h, GROUP_NAMES), Some(1));
        assert_eq!(find_role(&h, WAVE_NAMES), Some(2));
        assert_eq!(find_named(&h, "EVALUACION"), Some(2));
    }

    #[test]
    fn labels_by_lists_and_flags() {
        let arms = [INTERVENTION_LABELS, CONTROL_LABELS];
        assert_eq!(side_of("No Participante", [None, None], arms), Some(1));
        assert_eq!(side_of("Programa", [None, None], arms), Some(0));
        assert_eq!(side_of("centro", [Some("centro"), None], arms), Some(0));
        assert_eq!(side_of("lista", [None, None], arms), None);
        let waves = [PRE_LABELS, POST_LABELS];
        assert_eq!(side_of("Después", [None, None], waves), Some(1));
        assert_eq!(
            side_of("2024-02", [Some("2024-02"), Some("2024-11")], waves),
            Some(0)
        );
    }
}
