//! Arm and wave labels: what the flags and the spec name before reading, and after
//! reading whether every label found was understood, in what order the waves come
//! (contract §2.1, §6.4) and how the labels are shown. labels.rs maps each label as
//! rows come; this file decides what the whole list of labels means.

use super::columns::Roles;
use super::labels::LabelMap;
use super::waves;
use super::{Code, Labels, Options, Warning};
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::roles;
use crate::input::spec::Spec;

/// The label maps the rows are read with, and the names of the arm and wave columns
/// for messages.
pub(super) struct Names {
    pub(super) arm_map: LabelMap,
    pub(super) wave_map: LabelMap,
    /// Two waves chosen with --pre/--post (or the spec's `[waves] pre/post`).
    pub(super) choose_waves: bool,
    pub(super) group_col: String,
    pub(super) wave_col: String,
    /// The number of waves read: the order's length, else 2.
    pub(super) k: usize,
}

impl Names {
    /// The labels the flags name (the spec fills what flags leave open); `order`:
    /// the folded wave labels in order, when there are more than two waves.
    pub(super) fn new(
        opts: &Options,
        spec: Option<&Spec>,
        roles: &Roles,
        first: &Source,
        order: Option<Vec<String>>,
    ) -> UResult<Names> {
        let spec_groups = spec.map(|s| s.groups.clone()).unwrap_or_default();
        let named_arms = [
            opts.intervention.clone().or(spec_groups.intervention),
            opts.control.clone().or(spec_groups.control),
        ];
        let spec_waves = spec.map(|s| s.waves.clone()).unwrap_or_default();
        let named_waves = [
            opts.pre.clone().or(spec_waves.pre),
            opts.post.clone().or(spec_waves.post),
        ];
        let choose_waves = named_waves[0].is_some() && named_waves[1].is_some();
        let group_col = roles.group[0]
            .map(|c| first.headers[c].clone())
            .unwrap_or_else(|| "(file name)".into());
        let wave_col = roles.wave[0]
            .map(|c| first.headers[c].clone())
            .unwrap_or_default();
        let arm_map = LabelMap::new(
            named_arms,
            [roles::INTERVENTION_LABELS, roles::CONTROL_LABELS],
            false,
        );
        let mut wave_map =
            LabelMap::new(named_waves, [roles::PRE_LABELS, roles::POST_LABELS], true);
        let k = order.as_ref().map_or(2, Vec::len);
        if k > 32 {
            return Err(
                UserError::new(format!("{k} waves: at most 32 can be analysed"))
                    .file(&first.name)
                    .column(wave_col.as_str())
                    .hint("choose the waves to compare with --pre LABEL --post LABEL")
                    .es(
                        format!("{k} rondas: se pueden analizar 32 como máximo"),
                        Some("elija las rondas que comparar con --pre ETIQUETA --post ETIQUETA"),
                    ),
            );
        }
        wave_map.order = order;
        Ok(Names {
            arm_map,
            wave_map,
            choose_waves,
            group_col,
            wave_col,
            k,
        })
    }
}

/// What the labels found say about the reading.
pub(super) enum Verdict {
    /// Every label understood, the waves in their order.
    Understood,
    /// More than two waves found in an order of contract §6.4: read again with the
    /// waves in this order (folded labels).
    ReadAgain(Vec<String>),
}

/// Label problems, with every label found: an unknown arm or wave, a named wave
/// that does not occur, a spec order that leaves a wave out, more than two waves
/// with no order, two labels of the same wave.
pub(super) fn check(
    names: &Names,
    arm_map: &LabelMap,
    wave_map: &LabelMap,
    has_wave: bool,
    spec: Option<&Spec>,
    file: &str,
    error_at: &dyn Fn(u64, UserError) -> UserError,
) -> UResult<Verdict> {
    let arm_values = arm_map.written().join(", ");
    if let Some((label, at)) = arm_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "unknown arm label \"{label}\" (values found: {arm_values})"
            ))
            .column(names.group_col.as_str())
            .hint(arm_map.hint())
            .es(
                format!(
                    "etiqueta de grupo desconocida \"{label}\" (valores encontrados: {arm_values})"
                ),
                Some(&arm_map.hint_es()),
            ),
        ));
    }
    let wave_col = names.wave_col.as_str();
    let wave_values = wave_map.written().join(", ");
    if names.choose_waves && has_wave {
        for (side, n) in wave_map.named.iter().enumerate() {
            if let Some(n) = n
                && wave_map.first_written[side].is_none()
            {
                return Err(UserError::new(format!(
                    "wave \"{n}\" does not occur in the data (waves found: {wave_values})"
                ))
                .file(file)
                .column(wave_col)
                .hint("name two of the waves found with --pre and --post")
.es(format!("la ronda \"{n}\" no aparece en los datos (rondas encontradas: {wave_values})"), Some("nombre dos de las rondas encontradas con --pre y --post")));
            }
        }
    } else if let Some(order) = &wave_map.order {
        check_order(order, wave_map, wave_col, spec, file, error_at)?;
    } else if wave_map.found.len() > 2 {
        return match waves::order(&wave_map.found, None) {
            Ok(idx) => Ok(Verdict::ReadAgain(
                idx.iter().map(|&i| wave_map.found[i].0.clone()).collect(),
            )),
            Err(_) => Err(UserError::new(format!(
                "{} waves found ({}) and no order for them",
                wave_map.found.len(),
                waves::listed(&wave_map.found)
            ))
            .file(file)
            .column(wave_col)
            .hint("give their order in a spec file ([waves] order = [\"first\", …, \"last\"]), or choose two with --pre LABEL --post LABEL")
.es(format!("{} rondas encontradas ({}) y ningún orden para ellas", wave_map.found.len(), waves::listed(&wave_map.found)), Some("dé su orden en un archivo de especificación ([waves] order = [\"primera\", …, \"última\"]), o elija dos con --pre ETIQUETA --post ETIQUETA"))),
        };
    } else if let Some((label, at)) = wave_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "unknown wave label \"{label}\" (values found: {wave_values})"
            ))
            .column(wave_col)
            .hint(wave_map.hint())
            .es(
                format!(
                    "etiqueta de ronda desconocida \"{label}\" (valores encontrados: {wave_values})"
                ),
                Some(&wave_map.hint_es()),
            ),
        ));
    }
    if let Some((a, b)) = &wave_map.same_side {
        return Err(
            UserError::new(format!("the waves {a} and {b} both mean the same wave"))
                .file(file)
                .column(wave_col)
                .hint("name them with --pre LABEL --post LABEL")
                .es(
                    format!("las rondas {a} y {b} significan la misma ronda"),
                    Some("nómbrelas con --pre ETIQUETA --post ETIQUETA"),
                ),
        );
    }
    Ok(Verdict::Understood)
}

/// The spec's order (or the one found): every wave named, every name found.
fn check_order(
    order: &[String],
    wave_map: &LabelMap,
    wave_col: &str,
    spec: Option<&Spec>,
    file: &str,
    error_at: &dyn Fn(u64, UserError) -> UserError,
) -> UResult<()> {
    let listed = waves::listed(&wave_map.found);
    let spec_file = spec.map_or(file, |s| s.file.as_str());
    if let Some((label, at)) = wave_map.unknown.first() {
        return Err(error_at(
            *at,
            UserError::new(format!(
                "wave \"{label}\" is not in the spec's [waves] order (waves found: {listed})"
            ))
            .column(wave_col)
            .hint(format!(
                "name every wave in [waves] order = [...] in {spec_file}"
            ))
            .es(
                format!("la ronda \"{label}\" no está en el orden [waves] de la especificación (rondas encontradas: {listed})"),
                Some(&format!("nombre cada ronda en [waves] order = [...] en {spec_file}")),
            ),
        ));
    }
    if let Some(absent) = order
        .iter()
        .find(|o| !wave_map.found.iter().any(|(f, _)| f == *o))
    {
        return Err(UserError::new(format!(
            "wave \"{absent}\" of the spec's [waves] order does not occur in the data (waves found: {listed})"
        ))
        .file(spec_file)
        .hint("correct the spelling in [waves] order, or remove the wave")
.es(format!("la ronda \"{absent}\" del orden [waves] de la especificación no aparece en los datos (rondas encontradas: {listed})"), Some("corrija la escritura en [waves] order, o quite la ronda")));
    }
    Ok(())
}

/// Every wave's label as first written, in order (the first is the baseline).
pub(super) fn wave_labels(wave_map: &LabelMap) -> Vec<String> {
    match &wave_map.order {
        Some(order) => order
            .iter()
            .map(|o| {
                wave_map
                    .found
                    .iter()
                    .find(|(f, _)| f == o)
                    .map_or_else(|| o.clone(), |(_, w)| w.clone())
            })
            .collect(),
        None => wave_map.first_written.iter().flatten().cloned().collect(),
    }
}

/// The spec's `[waves] times`: one finite time per wave.
pub(super) fn check_times(spec: Option<&Spec>, wave_labels: &[String], k: usize) -> UResult<()> {
    if let Some(times) = spec.and_then(|s| s.waves.times.as_ref())
        && (times.len() != k || times.iter().any(|t| !t.is_finite()))
    {
        return Err(UserError::new(format!(
            "[waves] times has {} values for {k} waves ({})",
            times.len(),
            wave_labels.join(", ")
        ))
        .file(spec.map_or("", |s| s.file.as_str()))
        .hint("give one finite time per wave, in the waves' order (e.g. times = [0, 4, 8])")
.es(format!("[waves] times tiene {} valores para {k} rondas ({})", times.len(), wave_labels.join(", ")), Some("dé un tiempo finito por ronda, en el orden de las rondas (p. ej. times = [0, 4, 8])")));
    }
    Ok(())
}

/// Every wave's time for trends: the spec's `[waves] times`, else 0, 1, …, K − 1.
pub(super) fn times(spec: Option<&Spec>, k: usize) -> Vec<f64> {
    match spec.and_then(|s| s.waves.times.clone()) {
        Some(t) => t,
        None => (0..k).map(|w| w as f64).collect(),
    }
}

/// The labels shown: each arm's and the first and last wave's as first written,
/// the waves between, and the spec's time unit.
pub(super) fn labels(
    arm_map: &LabelMap,
    wave_map: &LabelMap,
    wave_labels: &[String],
    spec: Option<&Spec>,
) -> Labels {
    let mut l = Labels {
        intervention: arm_map.first_written[0].clone(),
        control: arm_map.first_written[1].clone(),
        pre: match &wave_map.order {
            Some(_) => wave_labels.first().cloned(),
            None => wave_map.first_written[0].clone(),
        },
        post: match &wave_map.order {
            Some(_) => wave_labels.last().cloned(),
            None => wave_map.first_written[1].clone(),
        },
        middle: match &wave_map.order {
            Some(_) => wave_labels
                .get(1..wave_labels.len().saturating_sub(1))
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
            None => Vec::new(),
        },
        time_unit: spec.and_then(|s| s.waves.unit.clone()),
        display: super::Shown::default(),
    };
    l.display = super::labels::shown(&l, spec);
    l
}

/// Rows of waves not chosen with --pre/--post, told.
pub(super) fn dropped_warnings(wave_map: &LabelMap, warnings: &mut Vec<Warning>) {
    for (w, n) in &wave_map.dropped {
        warnings.push(Warning::new(
            None,
            Code::WavesDropped,
            crate::args![n = n, wave = w],
        ));
    }
}
