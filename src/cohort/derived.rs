//! Domains derived from columns (contract §10): scale scores from questionnaire
//! items (§10.1) and WHO growth z-scores and classes from weight and height
//! (§10.2). Their input columns are taken out of the domains once read
//! ([`take_inputs`]) and the derived domains made once the participants are
//! known ([`derive`]).

use super::kinds::Acc;
use super::layout::DomainCols;
use super::rows::NO_CODE;
use super::{Domain, Kind, Participant};
use crate::error::{UResult, UserError};
use crate::input::read::{Source, field};
use crate::input::spec::{ANTHRO_DOMAINS, Anthropometry, DomainSpec, Label, ScaleSpec, Spec};
use crate::input::values::parse_number;
use crate::stats::anthro::{self, Age, InputError, Measure, Outcome, Zscores};
use crate::stats::reliability::{Score, reverse, scale_score};
use crate::text::fold;
use crate::warning::{Code, Warning};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// One input column taken out of the domains: its name as written, its source
/// columns (pre, post) in each table, and its cells.
pub(super) struct Input {
    name: String,
    cols: Vec<[usize; 2]>,
    acc: Acc,
}

/// The input columns of the spec's derived domains, by folded name.
#[derive(Default)]
pub(super) struct Inputs {
    by_name: BTreeMap<String, Input>,
}

/// The columns `[anthropometry]` and the `[[scale]]`s read.
fn input_names(spec: &Spec) -> Vec<&str> {
    spec.input_columns()
}

/// Take the derived domains' input columns out of the domain list (a column a
/// `[[domain]]` entry names stays a domain too). Every input column must be there.
pub(super) fn take_inputs(
    spec: Option<&Spec>,
    domain_cols: &mut Vec<DomainCols>,
    accs: &mut Vec<Acc>,
) -> UResult<Inputs> {
    let mut inputs = Inputs::default();
    let Some(spec) = spec else {
        return Ok(inputs);
    };
    for name in input_names(spec) {
        let f = fold(name);
        if inputs.by_name.contains_key(&f) {
            continue;
        }
        let Some(at) = domain_cols.iter().position(|dc| fold(&dc.name) == f) else {
            let names: Vec<&str> = domain_cols.iter().map(|d| d.name.as_str()).collect();
            let section = if spec
                .scales
                .iter()
                .any(|s| s.items.iter().any(|i| fold(i) == f))
            {
                "[[scale]]"
            } else {
                "[anthropometry]"
            };
            return Err(UserError::new(format!(
                "column \"{name}\" of {section} is not a column of the data"
            ))
            .file(&spec.file)
            .hint(format!(
                "correct the name (roles and ignored columns cannot be used); columns are: {}",
                names.join(", ")
            ))
            .es(
                format!("la columna \"{name}\" de {section} no es una columna de los datos"),
                Some(&format!(
                    "corrija el nombre (no se pueden usar roles ni columnas ignoradas); las columnas son: {}",
                    names.join(", ")
                )),
            ));
        };
        let input = if domain_cols[at].spec.is_some() {
            let a = &accs[at];
            Input {
                name: domain_cols[at].name.clone(),
                cols: domain_cols[at].cols.clone(),
                acc: Acc {
                    values: a.values.clone(),
                    codes: a.codes.clone(),
                    tally: a.tally.clone(),
                },
            }
        } else {
            let dc = domain_cols.remove(at);
            Input {
                name: dc.name,
                cols: dc.cols,
                acc: accs.remove(at),
            }
        };
        inputs.by_name.insert(f, input);
    }
    Ok(inputs)
}

/// Where a cell's value came from, to name its line in a message.
#[derive(Clone, Copy)]
enum Place {
    /// A text, first met at this position (source << 48 | position).
    Text(u64),
    /// A number: the line is searched for in the sources.
    Number(f64),
}

impl Input {
    /// The cell of participant `i` at wave `w` as written (empty when missing).
    fn raw(&self, w: usize, i: usize) -> (Cow<'_, str>, Option<Place>) {
        let a = &self.acc;
        if let Some(c) = a
            .codes
            .as_ref()
            .and_then(|c| c.get(w))
            .and_then(|c| c.get(i))
            && *c != NO_CODE
            && let Some(t) = a.tally.texts.get(*c as usize)
        {
            return (
                Cow::Borrowed(t.as_str()),
                Some(Place::Text(a.tally.text_first[*c as usize])),
            );
        }
        match a.values.get(w).and_then(|v| v.get(i)) {
            Some(v) if !v.is_nan() => (Cow::Owned(format!("{v}")), Some(Place::Number(*v))),
            _ => (Cow::Borrowed(""), None),
        }
    }

    /// The cell as a number (`None` when empty), or the text that is not one.
    fn number(&self, w: usize, i: usize) -> Result<Option<f64>, (String, Option<Place>)> {
        let (raw, place) = self.raw(w, i);
        match place {
            None => Ok(None),
            Some(Place::Number(v)) => Ok(Some(v)),
            Some(Place::Text(_)) => parse_number(&raw, false)
                .or_else(|| parse_number(&raw, true))
                .map(Some)
                .ok_or((raw.into_owned(), place)),
        }
    }
}

/// A message located at a cell of `input` at wave `w`: the line where the text
/// first appeared, or the first line holding the number.
fn located(
    sources: &mut [Source],
    input: &Input,
    w: usize,
    place: Option<Place>,
    e: UserError,
) -> UserError {
    let side = usize::from(w > 0);
    let names: Vec<String> = (0..sources.len())
        .map(|si| {
            input
                .cols
                .get(si)
                .and_then(|c| sources[si].headers.get(c[side]))
                .cloned()
                .unwrap_or_else(|| input.name.clone())
        })
        .collect();
    let column = |si: usize| names.get(si).cloned().unwrap_or_else(|| input.name.clone());
    match place {
        Some(Place::Text(at)) => {
            let (si, pos) = ((at >> 48) as usize, at & ((1 << 48) - 1));
            match sources.get(si) {
                Some(src) => src.error_at(pos, e.column(column(si))),
                None => e.column(input.name.as_str()),
            }
        }
        Some(Place::Number(v)) => {
            for (si, src) in sources.iter_mut().enumerate() {
                let Some(col) = input.cols.get(si).map(|c| c[side]) else {
                    continue;
                };
                if let Some(pos) = find_number(src, col, v) {
                    return src.error_at(pos, e.column(column(si)));
                }
            }
            let c = column(0);
            match sources.first() {
                Some(src) => e.file(&src.name).column(c),
                None => e.column(c),
            }
        }
        None => e.column(column(0)),
    }
}

/// The position of the first record whose column `col` holds the number `v`.
fn find_number(src: &mut Source, col: usize, v: f64) -> Option<u64> {
    let comma = src.decimal_comma;
    let mut blocks = src.blocks().ok()?;
    let mut found = None;
    while found.is_none() {
        let block = blocks.next_block().ok()??;
        let _ = block.each_record(blocks.delimiter, |pos, rec| {
            if parse_number(&field(rec, col), comma) == Some(v) {
                found = Some(pos);
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
    }
    found
}

/// What the derived domains need to know of the cohort.
pub(super) struct Context<'a> {
    pub(super) participants: &'a [Participant],
    /// Every wave's label as written (may be empty: wide files).
    pub(super) wave_labels: &'a [String],
}

impl Context<'_> {
    fn seen(&self, i: usize, w: usize) -> bool {
        self.participants[i].seen & (1 << w) != 0
    }
    fn wave_name(&self, w: usize, k: usize) -> String {
        match self.wave_labels.get(w) {
            Some(l) => format!("\"{l}\""),
            None if w == 0 => "pre".into(),
            None if w + 1 == k => "post".into(),
            None => format!("w{}", w + 1),
        }
    }
}

/// The spec's derived domains: scales in the order given, then the
/// anthropometric ones.
pub(super) fn derive(
    spec: Option<&Spec>,
    inputs: Inputs,
    cx: &Context,
    sources: &mut [Source],
    warnings: &mut Vec<Warning>,
) -> UResult<Vec<Domain>> {
    let Some(spec) = spec else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for s in &spec.scales {
        if let Some(d) = scale(spec, s, &inputs, cx, sources, warnings)? {
            out.push(d);
        }
    }
    if let Some(a) = &spec.anthropometry {
        out.extend(anthropometry(spec, a, &inputs, cx, sources, warnings)?);
    }
    Ok(out)
}

/// A derived domain from its values per wave, with its `[[domain]]` entry (name,
/// label, `pass`, `higher_is_better`) applied.
fn domain(
    spec: &Spec,
    name: &str,
    label: Option<Label>,
    kind: Kind,
    higher_is_better: bool,
    mut values: Vec<Vec<f64>>,
    items: Vec<(String, Vec<Vec<f64>>)>,
) -> Domain {
    let entry: Option<&DomainSpec> = spec.domains.iter().find(|d| fold(&d.column) == fold(name));
    let threshold = entry
        .and_then(|e| e.pass.as_deref())
        .and_then(crate::input::spec::Threshold::parse);
    let mut kind = kind;
    if let Some(th) = threshold {
        for v in values.iter_mut().flatten() {
            if !v.is_nan() {
                *v = f64::from(u8::from(th.passes(*v)));
            }
        }
        kind = Kind::Binary;
    }
    let last = values.pop().unwrap_or_default();
    let first = if values.is_empty() {
        Vec::new()
    } else {
        values.remove(0)
    };
    Domain {
        name: entry
            .and_then(|e| e.name.clone())
            .unwrap_or_else(|| name.to_string()),
        label: entry.and_then(|e| e.label.clone()).or(label),
        kind,
        levels: Vec::new(),
        higher_is_better: entry
            .and_then(|e| e.higher_is_better)
            .unwrap_or(higher_is_better),
        ordered: false,
        // WHO's indicators have a known direction; a scale's is the spec's.
        direction_given: items.is_empty() || entry.and_then(|e| e.higher_is_better).is_some(),
        values: [first, last],
        middle: values,
        items,
    }
}

fn input<'a>(inputs: &'a Inputs, name: &str) -> &'a Input {
    // Every input was found by take_inputs (else it returned an error).
    &inputs.by_name[&fold(name)]
}

/// A scale's score per participant and wave (contract §10.1), its items'
/// (reversed) values kept for reliability.
fn scale(
    spec: &Spec,
    s: &ScaleSpec,
    inputs: &Inputs,
    cx: &Context,
    sources: &mut [Source],
    warnings: &mut Vec<Warning>,
) -> UResult<Option<Domain>> {
    let n = cx.participants.len();
    let items: Vec<&Input> = s.items.iter().map(|i| input(inputs, i)).collect();
    let k = items.first().map_or(0, |i| i.acc.values.len());
    let reversed: Vec<bool> = s.items.iter().map(|i| s.reverse.contains(i)).collect();
    let score = match s.score.as_deref() {
        Some("sum") => Score::Sum,
        _ => Score::Mean,
    };
    let min_items = s.min_items.unwrap_or(s.items.len());
    let mut item_values: Vec<Vec<Vec<f64>>> = vec![vec![vec![f64::NAN; n]; k]; items.len()];
    for (j, item) in items.iter().enumerate() {
        for (w, iv) in item_values[j].iter_mut().enumerate() {
            for i in (0..n).filter(|&i| cx.seen(i, w)) {
                let v = match item.number(w, i) {
                    Ok(Some(v)) => v,
                    Ok(None) => continue,
                    Err((raw, place)) => {
                        return Err(located(
                            sources,
                            item,
                            w,
                            place,
                            UserError::new(format!(
                                "text \"{raw}\" in item \"{}\" of scale \"{}\"",
                                item.name, s.name
                            ))
                            .hint("items hold numbers; correct the value, or mark it missing (empty or NA)")
                            .es(
                                format!(
                                    "texto \"{raw}\" en el ítem \"{}\" de la escala \"{}\"",
                                    item.name, s.name
                                ),
                                Some("los ítems contienen números; corrija el valor, o márquelo como faltante (vacío o NA)"),
                            ),
                        ));
                    }
                };
                if let Some([lo, hi]) = s.range {
                    if !(lo..=hi).contains(&v) {
                        return Err(located(
                            sources,
                            item,
                            w,
                            Some(Place::Number(v)),
                            UserError::new(format!(
                                "value {v} of item \"{}\" is outside the range [{lo}, {hi}] of scale \"{}\"",
                                item.name, s.name
                            ))
                            .hint("correct the value, or the scale's range in the spec")
                            .es(
                                format!(
                                    "el valor {v} del ítem \"{}\" está fuera del rango [{lo}, {hi}] de la escala \"{}\"",
                                    item.name, s.name
                                ),
                                Some("corrija el valor, o el rango de la escala en la especificación"),
                            ),
                        ));
                    }
                    iv[i] = if reversed[j] { reverse(v, lo, hi) } else { v };
                } else {
                    iv[i] = v;
                }
            }
        }
    }
    let mut values = vec![vec![f64::NAN; n]; k];
    let mut row = vec![f64::NAN; items.len()];
    for (w, vs) in values.iter_mut().enumerate() {
        for (i, v) in vs.iter_mut().enumerate() {
            for (j, r) in row.iter_mut().enumerate() {
                *r = item_values[j][w][i];
            }
            if let Some(x) = scale_score(&row, min_items, score) {
                *v = x;
            }
        }
    }
    if values.iter().flatten().all(|v| v.is_nan()) {
        warnings.push(Warning::new(
            Some(&s.name),
            Code::ScaleUnanswered,
            crate::args![scale = s.name, m = min_items],
        ));
        return Ok(None);
    }
    let items = items
        .iter()
        .map(|i| i.name.clone())
        .zip(item_values)
        .collect();
    Ok(Some(domain(
        spec,
        &s.name,
        s.label.clone(),
        Kind::Continuous,
        true,
        values,
        items,
    )))
}

/// The default labels of the anthropometric domains.
fn anthro_label(name: &str) -> Label {
    let (en, es) = match name {
        "waz" => ("Weight-for-age (z)", "Peso para la edad (z)"),
        "haz" => ("Length/height-for-age (z)", "Talla para la edad (z)"),
        "whz" => ("Weight-for-length/height (z)", "Peso para la talla (z)"),
        "baz" => ("BMI-for-age (z)", "IMC para la edad (z)"),
        "stunting" => ("Stunting", "Desnutrición crónica (talla baja)"),
        "underweight" => ("Underweight", "Bajo peso"),
        "wasting" => ("Wasting", "Desnutrición aguda (emaciación)"),
        _ => ("Overweight", "Sobrepeso"),
    };
    Label::ByLang(BTreeMap::from([
        ("en".to_string(), en.to_string()),
        ("es".to_string(), es.to_string()),
    ]))
}

/// One anthropometric input cell parsed, or the message for it.
fn parsed<T>(
    sources: &mut [Source],
    input: &Input,
    w: usize,
    place: Option<Place>,
    r: Result<T, InputError>,
) -> UResult<Result<T, InputError>> {
    match r {
        Err(e) if !e.is_warning() => Err(located(
            sources,
            input,
            w,
            place,
            UserError::new(e.to_string()).hint(e.hint()),
        )),
        r => Ok(r),
    }
}

/// WHO z-scores and classes per participant and wave (contract §10.2).
fn anthropometry(
    spec: &Spec,
    a: &Anthropometry,
    inputs: &Inputs,
    cx: &Context,
    sources: &mut [Source],
    warnings: &mut Vec<Warning>,
) -> UResult<Vec<Domain>> {
    let n = cx.participants.len();
    let get = |c: &Option<String>| c.as_deref().map(|c| input(inputs, c));
    let sex = input(inputs, &a.sex);
    let (age_days, age_months) = (get(&a.age_days), get(&a.age_months));
    let (birth, measured_on) = (get(&a.birth_date), get(&a.measured_on));
    let (weight, height) = (get(&a.weight), get(&a.height));
    let (position, oedema) = (get(&a.measured), get(&a.oedema));
    let k = sex.acc.values.len();
    // Per domain (ANTHRO_DOMAINS order), per wave, per participant.
    let mut out = vec![vec![vec![f64::NAN; n]; k]; ANTHRO_DOMAINS.len()];
    let mut flagged = [[0usize; 4]; 32];
    let (mut no_sex, mut not_positive, mut standing_young) = (0usize, 0usize, 0usize);
    for w in 0..k {
        for i in (0..n).filter(|&i| cx.seen(i, w)) {
            // A number column: its value, checked.
            let mut measure = |inp: Option<&Input>,
                               sources: &mut [Source],
                               check: &dyn Fn(f64) -> Result<f64, InputError>|
             -> UResult<Option<f64>> {
                let Some(inp) = inp else { return Ok(None) };
                let (v, place) = match inp.number(w, i) {
                    Ok(v) => (v, inp.raw(w, i).1),
                    Err((raw, place)) => {
                        let _ = parsed::<()>(sources, inp, w, place, Err(InputError::Number(raw)))?;
                        (None, place)
                    }
                };
                let Some(v) = v else { return Ok(None) };
                match parsed(sources, inp, w, place, check(v))? {
                    Ok(v) => Ok(Some(v)),
                    Err(_) => {
                        not_positive += 1;
                        Ok(None)
                    }
                }
            };
            let age: Option<Age> = if let Some(inp) = age_days {
                let (raw, place) = inp.raw(w, i);
                parsed(sources, inp, w, place, anthro::parse_age_days(&raw))?.unwrap_or(None)
            } else if let Some(inp) = age_months {
                let (raw, place) = inp.raw(w, i);
                parsed(sources, inp, w, place, anthro::parse_age_months(&raw))?.unwrap_or(None)
            } else if let (Some(b), Some(m)) = (birth, measured_on) {
                let (rb, pb) = b.raw(w, i);
                let (rm, pm) = m.raw(w, i);
                let _ = parsed(sources, b, w, pb, anthro::parse_date(&rb))?;
                let _ = parsed(sources, m, w, pm, anthro::parse_date(&rm))?;
                parsed(sources, m, w, pm, anthro::age_from_dates(&rb, &rm))?.unwrap_or(None)
            } else {
                None
            };
            let weight_kg = measure(weight, sources, &|x| anthro::check_weight_kg(x, age))?;
            let height_cm = measure(height, sources, &anthro::check_height_cm)?;
            let (raw, place) = sex.raw(w, i);
            let Ok(s) = parsed(sources, sex, w, place, anthro::parse_sex(&raw))? else {
                continue;
            };
            let Some(s) = s else {
                if weight_kg.is_some() || height_cm.is_some() {
                    no_sex += 1;
                }
                continue;
            };
            let pos = match position {
                Some(inp) => {
                    let (raw, place) = inp.raw(w, i);
                    parsed(sources, inp, w, place, anthro::parse_position(&raw))?.unwrap_or(None)
                }
                None => None,
            };
            let oed = match oedema {
                Some(inp) => {
                    let (raw, place) = inp.raw(w, i);
                    parsed(sources, inp, w, place, anthro::parse_oedema(&raw))?.unwrap_or(false)
                }
                None => false,
            };
            let z: Zscores = anthro::zscores(&Measure {
                sex: s,
                age,
                weight_kg,
                height_cm,
                position: pos,
                oedema: oed,
            });
            standing_young += usize::from(z.position_ignored);
            for (d, o) in [z.waz, z.haz, z.whz, z.baz].into_iter().enumerate() {
                match o {
                    Outcome::Value(v) => out[d][w][i] = v,
                    Outcome::Flagged(_) => flagged[w.min(31)][d] += 1,
                    Outcome::Missing(_) => {}
                }
            }
            for (d, c) in [z.stunting(), z.underweight(), z.wasting(), z.overweight()]
                .into_iter()
                .enumerate()
            {
                if let Some(c) = c {
                    out[4 + d][w][i] = f64::from(u8::from(c));
                }
            }
        }
    }
    for (d, name) in ANTHRO_DOMAINS.iter().take(4).enumerate() {
        for (w, f) in flagged.iter().enumerate().take(k) {
            if f[d] > 0 {
                warnings.push(Warning::new(
                    Some(name),
                    Code::WhoFlags,
                    crate::args![n = f[d], wave = cx.wave_name(w, k)],
                ));
            }
        }
    }
    if no_sex > 0 {
        warnings.push(Warning::new(
            None,
            Code::NoSex,
            crate::args![n = no_sex, column = sex.name],
        ));
    }
    if not_positive > 0 {
        warnings.push(Warning::new(
            None,
            Code::NotPositive,
            crate::args![n = not_positive],
        ));
    }
    if standing_young > 0 {
        warnings.push(Warning::new(
            None,
            Code::StandingYoung,
            crate::args![n = standing_young],
        ));
    }
    let mut domains = Vec::new();
    for (d, values) in out.into_iter().enumerate() {
        if values.iter().flatten().all(|v| v.is_nan()) {
            continue;
        }
        let name = ANTHRO_DOMAINS[d];
        let (kind, better) = if d < 4 {
            (Kind::Continuous, true)
        } else {
            (Kind::Binary, false)
        };
        domains.push(domain(
            spec,
            name,
            Some(anthro_label(name)),
            kind,
            better,
            values,
            Vec::new(),
        ));
    }
    Ok(domains)
}
