//! The design (contract §2.3): which arms and waves the participants fill, and
//! whether the waves are paired by participant.

use super::{Arm, Design, Layout, Participant, Wave};
use crate::error::{UResult, UserError};

/// The arms and waves present, the design they make, and the pairing.
pub(super) struct Decided {
    pub(super) arms: Vec<Arm>,
    pub(super) waves: Vec<Wave>,
    pub(super) design: Design,
    /// Waves paired by participant: a wide file, or ids with someone seen twice.
    pub(super) paired: bool,
}

/// Decide the design from the participants; no rows, or one arm at one wave, is an
/// error naming `file`.
pub(super) fn decide(
    participants: &[Participant],
    layout: Layout,
    has_id: bool,
    file: &str,
) -> UResult<Decided> {
    let mut arms: Vec<Arm> = Vec::new();
    for a in [Arm::Intervention, Arm::Control] {
        if participants.iter().any(|p| p.arm == a) {
            arms.push(a);
        }
    }
    let mut waves: Vec<Wave> = Vec::new();
    for w in [Wave::Pre, Wave::Post] {
        if participants.iter().any(|p| p.present[w.index()]) {
            waves.push(w);
        }
    }
    let design = match (arms.len(), waves.len()) {
        (2, 2) => Design::PrePostControl,
        (1, 2) => Design::PrePost,
        (2, 1) => Design::PostOnlyControl,
        (0, _) | (_, 0) => {
            return Err(UserError::new("the file has no data rows")
                .file(file)
                .hint("add one row per participant and wave below the header")
                .es(
                    "el archivo no tiene filas de datos",
                    Some("añada una fila por participante y ronda debajo del encabezado"),
                ));
        }
        _ => {
            return Err(UserError::new(
                "the data have a single arm and a single wave: there is nothing to compare",
            )
            .file(file)
            .hint("add the other wave (pre/post) or the control group; --intervention/--control/--pre/--post name their labels")
.es("los datos tienen un solo grupo y una sola ronda: no hay nada que comparar", Some("añada la otra ronda (antes/después) o el grupo de control; --intervention/--control/--pre/--post nombran sus etiquetas")));
        }
    };
    let paired =
        (layout == Layout::Wide || has_id) && participants.iter().any(|p| p.seen.count_ones() >= 2);
    Ok(Decided {
        arms,
        waves,
        design,
        paired,
    })
}
