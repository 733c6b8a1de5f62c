//! The first reading of a file whose waves have no order given (contract §6.4).
//!
//! The usual path reads every row until a third wave label is met, then learns the
//! labels only, and reads the sources again in the order the labels give. A look
//! at the files before reading (sample.rs) changes how much is read, never what
//! comes out: when the look sees more than two waves,
//! - their order (the rules of waves.rs on the labels seen) is assumed and the
//!   sources are read once in it; a label outside it ends that reading, and the
//!   order the labels met give (as a first reading finds it) must be the one
//!   assumed, else the sources are read again in the right one;
//! - without such an order, the first reading learns labels only from its start.
//!
//! Whatever the first reading of the usual path would have failed on (a row's
//! error, an unknown arm, two labels of one wave, no order) sends the run back to
//! the usual path, so errors, their order and their messages stay its own: every
//! row it reads in full is kept, and checked, by a reading in order too.

use super::columns::Roles;
use super::layout::DomainCols;
use super::naming::{self, Names, Verdict};
use super::read::{self, Read};
use super::{Cohort, Layout, Options, build_pass, sample, waves};
use crate::error::{UResult, UserError};
use crate::input::read::Source;
use crate::input::spec::Spec;

/// What a look at the files before the first reading may decide.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// Nothing: the reading is the usual one (a reading in a known order, or the
    /// usual path's first reading).
    No,
    /// At most a first reading of labels only.
    LabelsOnly,
    /// An order assumed from the labels seen, else labels only.
    Assume,
}

/// What the look decided.
pub(super) enum Looked {
    /// Read with `names`; `plain`: the names without an order, when the order in
    /// `names` was assumed.
    Read {
        names: Names,
        plain: Option<Box<Names>>,
    },
    /// A first reading of labels only ([`labels_first`]).
    LabelsFirst(Names),
}

/// Look at the files when the waves have no order and are not chosen with
/// --pre/--post.
pub(super) fn look(
    look: Look,
    sources: &[Source],
    roles: &Roles,
    layout: Layout,
    names: Names,
    opts: &Options,
    spec: Option<&Spec>,
) -> Looked {
    let open = look != Look::No
        && roles.wave[0].is_some()
        && layout == Layout::Long
        && names.wave_map.order.is_none()
        && !names.choose_waves;
    let seen = match open.then(|| sample::wave_labels(sources, roles)).flatten() {
        Some(seen) if seen.len() > 2 => seen,
        _ => return Looked::Read { names, plain: None },
    };
    if look == Look::Assume
        && seen.len() <= 32
        && let Ok(idx) = waves::order(
            &seen
                .iter()
                .map(|f| (f.clone(), f.clone()))
                .collect::<Vec<_>>(),
            None,
        )
        && let Ok(mut ordered) = Names::new(
            opts,
            spec,
            roles,
            &sources[0],
            Some(idx.iter().map(|&i| seen[i].clone()).collect()),
        )
    {
        ordered.wave_map.assumed = true;
        return Looked::Read {
            names: ordered,
            plain: Some(Box::new(names)),
        };
    }
    Looked::LabelsFirst(names)
}

/// After a reading in an assumed order: that reading and the order a first
/// reading would have found, or None when the first reading would not have given
/// one (an error, an unknown arm, two labels of one wave, no order) or a label
/// outside the assumed order was met.
pub(super) fn true_order(
    read: UResult<Read>,
    plain: &Names,
    spec: Option<&Spec>,
    file: &str,
    sources: &[Source],
) -> Option<(Read, Vec<String>)> {
    let r = read.ok()?;
    if !r.wave_map.unknown.is_empty() {
        return None;
    }
    // The waves as a first reading maps them (no order), learnt in the order met.
    let mut waves = plain.wave_map.clone();
    for (_, written) in &r.wave_map.found {
        waves.learn(written, 0);
    }
    if waves.same_side.is_some() {
        return None;
    }
    let error_at = |at: u64, e: UserError| read::error_at(sources, at, e);
    match naming::check(plain, &r.arm_map, &waves, true, spec, file, &error_at) {
        Ok(Verdict::ReadAgain(order)) => Some((r, order)),
        _ => None,
    }
}

/// What a first reading needs, found before it.
pub(super) struct FirstReading<'a> {
    pub(super) roles: &'a Roles,
    pub(super) layout: Layout,
    pub(super) domain_cols: &'a mut Vec<DomainCols>,
    pub(super) names: Names,
    pub(super) file: &'a str,
}

/// More than two waves seen in a look at the files and no order for them: a first
/// reading that learns the labels only, from its first row, then the reading in
/// their order. Anything but a cohort from that goes to the usual path.
pub(super) fn labels_first(
    sources: &mut [Source],
    opts: &Options,
    spec: Option<&Spec>,
    progress: &mut dyn FnMut(u64),
    mut first: FirstReading,
) -> UResult<Cohort> {
    first.names.wave_map.many = true;
    let learnt = read::read(
        sources,
        first.roles,
        first.layout,
        first.domain_cols,
        &first.names,
        spec,
        progress,
    );
    let order = learnt.ok().and_then(|r| {
        let error_at = |at: u64, e: UserError| read::error_at(sources, at, e);
        let verdict = naming::check(
            &first.names,
            &r.arm_map,
            &r.wave_map,
            true,
            spec,
            first.file,
            &error_at,
        );
        match verdict {
            Ok(Verdict::ReadAgain(order)) if r.wave_map.same_side.is_none() => Some(order),
            _ => None,
        }
    });
    if let Some(order) = order
        && let Ok(cohort) = build_pass(sources, opts, spec, progress, Some(order), Look::No)
    {
        return Ok(cohort);
    }
    build_pass(sources, opts, spec, progress, None, Look::No)
}
