//! Arm and wave labels: which side each label written in the data means (contract §2.1).

use crate::input::roles::side_of;
use crate::input::spec::{Label, Spec, shown_for};
use crate::text::fold;

/// Arm or wave labels mapped to sides (0/1) as rows come, remembering every label
/// found, so that problems can be reported with the full list at the end.
#[derive(Clone)]
pub(crate) struct LabelMap {
    pub(super) named: [Option<String>; 2],
    pub(super) builtin: [&'static [&'static str]; 2],
    /// Waves: at most two, one per side; other named-away labels are dropped.
    pub(super) waves: bool,
    /// Labels as written → side, and where each was first seen; few distinct
    /// labels, so a linear scan is fastest.
    pub(super) cache: Vec<(String, Option<u8>, u64)>,
    /// Distinct labels (folded, as first written).
    pub(super) found: Vec<(String, String)>,
    pub(super) first_written: [Option<String>; 2],
    pub(super) unknown: Vec<(String, u64)>,
    pub(super) dropped: Vec<(String, usize)>,
    pub(super) same_side: Option<(String, String)>,
    /// Waves in a known order (contract §6.4: more than two waves): a label's side
    /// is its place in this list of folded labels.
    pub(super) order: Option<Vec<String>>,
    /// A look at the files found more than two waves before reading (sample.rs):
    /// with no order for them, the reading learns labels only from its start.
    pub(super) many: bool,
    /// `order` is assumed from a look at the files (sample.rs): a label outside it
    /// ends the reading ([`LabelMap::off_order`]).
    pub(super) assumed: bool,
}

impl LabelMap {
    pub(super) fn new(
        named: [Option<String>; 2],
        builtin: [&'static [&'static str]; 2],
        waves: bool,
    ) -> Self {
        LabelMap {
            named,
            builtin,
            waves,
            cache: Vec::new(),
            found: Vec::new(),
            first_written: [None, None],
            unknown: Vec::new(),
            dropped: Vec::new(),
            same_side: None,
            order: None,
            many: false,
            assumed: false,
        }
    }

    pub(super) fn written(&self) -> Vec<String> {
        self.found.iter().map(|f| f.1.clone()).collect()
    }

    /// The side of a label, or None when its rows are dropped (unknown or not chosen).
    pub(super) fn side(&mut self, raw: &str, at: u64) -> Option<u8> {
        if let Some(&(_, s, _)) = self.cache.iter().find(|c| c.0 == raw) {
            if s.is_none() {
                self.count_dropped(raw);
            }
            return s;
        }
        let side = self.learn(raw, at);
        if side.is_none() {
            self.count_dropped(raw);
        }
        side
    }

    /// More than two waves found (or seen in a look at the files before reading)
    /// and no order for them: the sources will be read again in the order of
    /// contract §6.4, so this reading only has to learn the labels (rows are not
    /// kept).
    pub(super) fn labels_only(&self) -> bool {
        self.waves
            && self.order.is_none()
            && !(self.named[0].is_some() && self.named[1].is_some())
            && (self.many || self.found.len() > 2)
    }

    /// A label met outside an order assumed from a look at the files.
    pub(super) fn off_order(&self) -> bool {
        self.assumed && !self.unknown.is_empty()
    }

    /// Take in what a later block's map learnt, as if its rows had come here.
    pub(super) fn absorb(&mut self, b: &LabelMap) {
        for (raw, _, at) in &b.cache {
            if !self.cache.iter().any(|c| c.0 == *raw) {
                self.learn(raw, *at);
            }
        }
        for (f, n) in &b.dropped {
            match self.dropped.iter_mut().find(|d| d.0 == *f) {
                Some(d) => d.1 += n,
                None => self.dropped.push((f.clone(), *n)),
            }
        }
    }

    /// A label seen for the first time: its side, and what it tells.
    pub(super) fn learn(&mut self, raw: &str, at: u64) -> Option<u8> {
        let f = fold(raw);
        if !self.found.iter().any(|x| x.0 == f) {
            self.found.push((f.clone(), raw.to_string()));
        }
        if let Some(order) = &self.order {
            let side = order.iter().position(|o| *o == f).map(|i| i as u8);
            if side.is_none() {
                self.unknown.push((raw.to_string(), at));
            }
            self.cache.push((raw.to_string(), side, at));
            return side;
        }
        let named = [self.named[0].as_deref(), self.named[1].as_deref()];
        let choose = self.waves && named[0].is_some() && named[1].is_some();
        let side = side_of(raw, named, self.builtin).map(|s| s as u8);
        let side = match side {
            Some(_) if choose && !named.iter().flatten().any(|n| fold(n) == f) => None,
            Some(s) => {
                match &self.first_written[s as usize] {
                    None => self.first_written[s as usize] = Some(raw.to_string()),
                    Some(w) if self.waves && fold(w) != f && self.same_side.is_none() => {
                        self.same_side = Some((w.clone(), raw.to_string()));
                    }
                    _ => {}
                }
                Some(s)
            }
            None => None,
        };
        if side.is_none() && !choose {
            self.unknown.push((raw.to_string(), at));
        }
        self.cache.push((raw.to_string(), side, at));
        side
    }

    pub(super) fn count_dropped(&mut self, raw: &str) {
        self.count_dropped_rows(raw, 1);
    }

    /// `rows` more rows of the dropped wave `raw`.
    pub(super) fn count_dropped_rows(&mut self, raw: &str, rows: usize) {
        let f = fold(raw);
        match self.dropped.iter_mut().find(|d| d.0 == f) {
            Some(d) => d.1 += rows,
            None => self.dropped.push((f, rows)),
        }
    }
}

/// The labels the spec gives to coded arms and waves (`[groups] intervention =
/// { value = "1", label = "Programa" }`), shown instead of the values as written in
/// every human-readable output; in the JSON, `labels.display` (only when given).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Shown {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervention: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<Label>,
    /// More than two waves: the labels of those between the first and the last.
    #[serde(skip)]
    pub middle: Vec<Option<Label>>,
}

impl Shown {
    pub fn is_empty(&self) -> bool {
        self.intervention.is_none()
            && self.control.is_none()
            && self.pre.is_none()
            && self.post.is_none()
            && self.middle.iter().all(Option::is_none)
    }

    /// The label of an arm, when the spec gives one.
    pub fn arm(&self, arm: super::Arm) -> Option<&Label> {
        match arm {
            super::Arm::Intervention => self.intervention.as_ref(),
            super::Arm::Control => self.control.as_ref(),
        }
    }

    /// The label of a wave, when the spec gives one.
    pub fn wave(&self, wave: super::Wave) -> Option<&Label> {
        match wave {
            super::Wave::Pre => self.pre.as_ref(),
            super::Wave::Post => self.post.as_ref(),
            super::Wave::Mid(k) => self
                .middle
                .get(usize::from(k).saturating_sub(2))
                .and_then(Option::as_ref),
        }
    }
}

/// The spec's display labels for the labels found: matched by the value as written
/// (ignoring case and accents); a side with no value in the data (a wide file's
/// waves) takes the label the spec gives that side.
pub(super) fn shown(labels: &super::Labels, spec: Option<&Spec>) -> Shown {
    let Some(spec) = spec else {
        return Shown::default();
    };
    let pick =
        |written: &Option<String>, side: &Option<String>, list: &[(String, Label)]| match written {
            Some(w) => shown_for(list, w).cloned(),
            None => side.as_deref().and_then(|v| shown_for(list, v)).cloned(),
        };
    let (g, w) = (&spec.groups, &spec.waves);
    Shown {
        intervention: pick(&labels.intervention, &g.intervention, &g.shown),
        control: pick(&labels.control, &g.control, &g.shown),
        pre: pick(&labels.pre, &w.pre, &w.shown),
        post: pick(&labels.post, &w.post, &w.shown),
        middle: labels
            .middle
            .iter()
            .map(|m| shown_for(&w.shown, m).cloned())
            .collect(),
    }
}

impl LabelMap {
    /// The fix for a label that means no arm (wave): the flags, or the spec's lines
    /// for the first two values found, with a label to show for each.
    pub(super) fn hint(&self) -> String {
        let found = self.written();
        let v = |i: usize| found.get(i).map_or("…", String::as_str).to_string();
        if self.waves {
            format!(
                "name the labels with --pre LABEL and --post LABEL, or in a spec file (--spec): [waves] pre = {{ value = \"{}\", label = \"Before\" }} and post = {{ value = \"{}\", label = \"After\" }}",
                v(0),
                v(1)
            )
        } else {
            format!(
                "name the labels with --intervention LABEL and --control LABEL, or in a spec file (--spec): [groups] intervention = {{ value = \"{}\", label = \"Program\" }} and control = {{ value = \"{}\", label = \"Control\" }}",
                v(0),
                v(1)
            )
        }
    }

    /// [`LabelMap::hint`] in Spanish.
    pub(super) fn hint_es(&self) -> String {
        let found = self.written();
        let v = |i: usize| found.get(i).map_or("…", String::as_str).to_string();
        let (flags, section, a, b, la, lb) = if self.waves {
            (
                "--pre ETIQUETA y --post ETIQUETA",
                "[waves]",
                "pre",
                "post",
                "Antes",
                "Después",
            )
        } else {
            (
                "--intervention ETIQUETA y --control ETIQUETA",
                "[groups]",
                "intervention",
                "control",
                "Programa",
                "Control",
            )
        };
        format!(
            "nombre las etiquetas con {flags}, o en un archivo de especificación (--spec): {section} {a} = {{ value = \"{}\", label = \"{la}\" }} y {b} = {{ value = \"{}\", label = \"{lb}\" }}",
            v(0),
            v(1)
        )
    }
}
