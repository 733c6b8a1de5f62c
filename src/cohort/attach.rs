//! Finished columns sorted into what they are: outcomes, participant attributes
//! (contract §6.1) and covariates (§6.3); the spec's derived domains added after.

use super::characteristics;
use super::derived::{self, Inputs};
use super::domains::{self, Described};
use super::kinds::Finished;
use super::layout::DomainCols;
use super::{Characteristic, Code, Domain, Layout, Participant, Warning, Wave};
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spec::Spec;
use crate::text::fold;

/// Outcomes, attributes and covariates (in `--covariates` order).
pub(super) struct Sorted {
    pub(super) domains: Vec<Domain>,
    pub(super) attributes: Vec<Characteristic>,
    pub(super) covariates: Vec<Characteristic>,
}

/// What sorting needs to know of the cohort.
pub(super) struct Context<'a> {
    pub(super) layout: Layout,
    pub(super) has_id: bool,
    pub(super) waves: &'a [Wave],
    /// The covariates as named.
    pub(super) covariates: &'a [String],
    pub(super) lower_is_better: &'a [String],
    pub(super) file: &'a str,
}

/// Sort the finished columns, in the columns' order: a covariate that cannot be
/// used is an error; a skipped column and an attribute found by its values are
/// told in `warnings`.
pub(super) fn sort(
    domain_cols: &[DomainCols],
    finished: Vec<(String, UResult<Finished>)>,
    cx: &Context,
    warnings: &mut Vec<Warning>,
) -> UResult<Sorted> {
    let lower: Vec<String> = cx.lower_is_better.iter().map(|c| fold(c)).collect();
    let mut domains = Vec::new();
    let mut attributes = Vec::new();
    let mut covariates: Vec<Option<Characteristic>> = vec![None; cx.covariates.len()];
    let look_for_attributes =
        characteristics::attributes_apply(cx.layout, cx.has_id, cx.waves.len());
    let first_wave = usize::from(cx.waves.first() == Some(&Wave::Post));
    for (dc, (name, f)) in domain_cols.iter().zip(finished) {
        let spec_d = dc.spec.as_ref();
        let covariate_at = cx.covariates.iter().position(|c| fold(c) == fold(&dc.name));
        match f? {
            Finished::Skipped(mut w) => {
                let msg = &w.message;
                if let Some(i) = covariate_at {
                    return Err(UserError::new(format!(
                        "covariate \"{}\" cannot be used: {msg}",
                        dc.name
                    ))
                    .file(cx.file)
                    .line(1)
                    .column(dc.name.as_str())
                    .hint(format!(
                        "name numeric, yes/no or categorical columns (up to 20 levels) in --covariates; drop \"{}\"",
                        cx.covariates[i]
                    ))
                    .es(
                        format!(
                            "la covariable \"{}\" no se puede usar: {}",
                            dc.name,
                            w.render("es", false)
                        ),
                        Some(&format!(
                            "nombre en --covariates columnas numéricas, sí/no o categóricas (hasta 20 niveles); quite \"{}\"",
                            cx.covariates[i]
                        )),
                    ));
                }
                w.domain = Some(name);
                warnings.push(w)
            }
            Finished::Domain {
                kind,
                levels,
                values,
                ordered,
            } => {
                let by_layout = dc.attribute_only;
                let is_attribute = by_layout
                    || (look_for_attributes
                        && spec_d.is_none()
                        && characteristics::is_attribute(&values));
                if is_attribute {
                    attributes.push(characteristics::attribute(
                        &dc.name,
                        kind,
                        levels.clone(),
                        &values,
                    ));
                    if covariate_at.is_none() {
                        warnings.push(attribute_notice(&name, &dc.name, by_layout));
                    }
                }
                if let Some(i) = covariate_at {
                    covariates[i] = Some(characteristics::covariate(
                        &cx.covariates[i],
                        kind,
                        levels,
                        &values,
                        first_wave,
                    ));
                    continue;
                }
                if is_attribute {
                    continue;
                }
                let lower = domains::lower_is_better(&lower, &name, &dc.name);
                let d = Described {
                    name,
                    spec: spec_d,
                    kind,
                    levels,
                    ordered,
                    lower,
                };
                domains.push(domains::outcome(d, values));
            }
        }
    }
    Ok(Sorted {
        domains,
        attributes,
        covariates: covariates.into_iter().flatten().collect(),
    })
}

/// An attribute not named as a covariate is told: it is shown in Table 1, not
/// analysed.
fn attribute_notice(name: &str, column: &str, by_layout: bool) -> Warning {
    let code = if by_layout {
        Code::AttributeWide
    } else {
        Code::AttributeConstant
    };
    Warning::new(Some(name), code, crate::args![column = column])
}

/// The spec's derived domains (scales, anthropometry) from their input columns,
/// after the outcomes read.
pub(super) fn derived(
    spec: Option<&Spec>,
    inputs: Inputs,
    participants: &[Participant],
    wave_labels: &[String],
    sources: &mut [Source],
    warnings: &mut Vec<Warning>,
) -> UResult<Vec<Domain>> {
    let cx = derived::Context {
        participants,
        wave_labels,
    };
    derived::derive(spec, inputs, &cx, sources, warnings)
}
