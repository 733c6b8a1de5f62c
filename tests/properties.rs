//! Property tests through the library (read → cohort → analysis), on random cohorts:
//! numbers read back exactly; every p-value is in [0, 1]; every interval holds its
//! estimate; swapping the arms negates the estimates and keeps the p-values;
//! shuffling the rows changes nothing; adding a constant to a continuous domain
//! changes no p-value.
//!
//! What the intervals guarantee: t, z and Wald intervals are estimate ± q·se;
//! Wilson holds the sample proportion; Newcombe's hybrid intervals (independent
//! and paired) are d − √(…) .. d + √(…) around d = p₁ − p₀, so they hold the
//! difference too, also at 0 % and 100 %; risk and odds ratios are exp(log ± q·se).
//! Rank tests (Wilcoxon, Mann–Whitney) carry no interval. The checks below are
//! therefore `conf_low ≤ estimate ≤ conf_high` wherever all three are present.

use evaluate::analysis::{Settings, analyse};
use evaluate::cohort::{Options, build};
use evaluate::input::read::parse_bytes;
use evaluate::input::values::{Cell, classify, is_missing, parse_number};
use evaluate::stats::adjust::Adjust;
use proptest::prelude::*;
use serde_json::Value;

/// One participant: arm (true = intervention), waves seen (0 both, 1 pre only,
/// 2 post only), and per wave a continuous score (in quarters), a yes/no and a level.
#[derive(Debug, Clone)]
struct Person {
    program: bool,
    seen: u8,
    score: [Option<i32>; 2],
    ok: [Option<bool>; 2],
    level: [Option<u8>; 2],
}

fn person() -> impl Strategy<Value = Person> {
    let score = prop::option::weighted(0.9, -80i32..80);
    let ok = prop::option::weighted(0.9, any::<bool>());
    let level = prop::option::weighted(0.9, 0u8..4);
    (
        any::<bool>(),
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        [score.clone(), score],
        [ok.clone(), ok],
        [level.clone(), level],
    )
        .prop_map(|(program, seen, score, ok, level)| Person {
            program,
            seen,
            score,
            ok,
            level,
        })
}

/// A cohort and its shape: 0 with ids (paired), 1 without an id column (waves
/// independent), 2 the post wave only (post-only design).
fn people() -> impl Strategy<Value = (Vec<Person>, u8)> {
    (
        prop::collection::vec(person(), 2..40),
        prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
}

const LEVELS: [&str; 4] = ["low", "mid", "high", "top"];

/// The long-layout CSV lines (header first) of `people` in a `shape`; `shift` is
/// added to every score; `swap` exchanges the arm labels.
fn lines((people, shape): &(Vec<Person>, u8), shift: f64, swap: bool) -> Vec<String> {
    let mut out = vec![
        if *shape == 1 {
            "group,wave,score,ok,level"
        } else {
            "id,group,wave,score,ok,level"
        }
        .to_string(),
    ];
    for (i, p) in people.iter().enumerate() {
        let arm = if p.program != swap {
            "program"
        } else {
            "control"
        };
        for (w, wave) in ["pre", "post"].iter().enumerate() {
            if (w == 0 && (p.seen == 2 || *shape == 2)) || (w == 1 && p.seen == 1) {
                continue;
            }
            let score = p.score[w]
                .map(|s| format!("{}", f64::from(s) / 4.0 + shift))
                .unwrap_or_else(|| "NA".into());
            let ok = p.ok[w].map_or("", |b| if b { "yes" } else { "no" });
            let level = p.level[w].map_or("-", |l| LEVELS[l as usize]);
            let id = if *shape == 1 {
                String::new()
            } else {
                format!("p{i},")
            };
            out.push(format!("{id}{arm},{wave},{score},{ok},{level}"));
        }
    }
    out
}

/// The report as JSON, or None when the cohort is refused (e.g. a single arm and wave).
fn report(lines: &[String]) -> Option<Value> {
    let text = lines.join("\n") + "\n";
    let src = parse_bytes("p.csv", "p", text.into_bytes()).expect("generated CSV reads");
    let cohort = build(&mut [src], &Options::default(), None).ok()?;
    let settings = Settings {
        conf_level: 0.95,
        adjust: Adjust::Holm,
    };
    Some(serde_json::to_value(analyse(&cohort, settings, "en")).expect("serialises"))
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// Walk every object: p-values in [0, 1], adjusted ≥ raw, intervals ordered and
/// holding their estimate (test estimate, proportion, mean, effect size).
fn check_numbers(v: &Value, path: &str, errors: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for key in ["p_value", "p_adjusted"] {
                if let Some(p) = m.get(key).filter(|p| !p.is_null()) {
                    let p = p.as_f64().unwrap_or(f64::NAN);
                    if !(0.0..=1.0).contains(&p) {
                        errors.push(format!("{path}.{key} = {p}"));
                    }
                }
            }
            if let (Some(p), Some(a)) = (num(v, "p_value"), num(v, "p_adjusted"))
                && a < p
            {
                errors.push(format!("{path}: p_adjusted {a} < p_value {p}"));
            }
            for (lo, hi, points) in [
                (
                    "conf_low",
                    "conf_high",
                    &["estimate", "proportion", "mean", "value"][..],
                ),
                (
                    "improved_conf_low",
                    "improved_conf_high",
                    &["improved_proportion"][..],
                ),
            ] {
                let (Some(l), Some(h)) = (num(v, lo), num(v, hi)) else {
                    continue;
                };
                if l > h {
                    errors.push(format!("{path}: {lo} {l} > {hi} {h}"));
                }
                for point in points {
                    if let Some(x) = num(v, point)
                        && !(l <= x && x <= h)
                    {
                        errors.push(format!("{path}: {point} {x} outside [{l}, {h}]"));
                    }
                }
            }
            for (k, x) in m {
                check_numbers(x, &format!("{path}.{k}"), errors);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{path}[{i}]"), errors);
            }
        }
        _ => {}
    }
}

/// Two numbers equal to a relative 1e-9 (absolute 1e-12 near 0).
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 + 1e-9 * a.abs().max(b.abs())
}

/// Two JSON values equal, numbers to [`close`]; the first difference's path.
fn diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64()?, y.as_f64()?);
            (!close(x, y)).then(|| format!("{path}: {x} vs {y}"))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(k, l)| k != l) {
                return Some(format!("{path}: keys differ"));
            }
            x.iter()
                .find_map(|(k, v)| diff(v, &y[k], &format!("{path}.{k}")))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} vs {} items", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (u, v))| diff(u, v, &format!("{path}[{i}]")))
        }
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

/// Categorical levels come in order of first appearance: sort every list of
/// objects keyed by `level` so that row order does not matter.
fn sort_levels(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.iter_mut().for_each(sort_levels);
            if a.iter()
                .all(|x| x.get("level").is_some_and(Value::is_string))
            {
                a.sort_by(|x, y| x["level"].as_str().cmp(&y["level"].as_str()));
            }
        }
        Value::Object(m) => m.values_mut().for_each(sort_levels),
        _ => {}
    }
}

/// Every test row of a report, keyed by (stratum-free path) domain[/level], comparison, method.
fn tests_of(r: &Value) -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for d in r["domains"].as_array().into_iter().flatten() {
        let name = d["name"].as_str().unwrap_or("").to_string();
        let mut push = |key: String, tests: &Value| {
            for t in tests.as_array().into_iter().flatten() {
                out.push((
                    key.clone(),
                    t["comparison"].as_str().unwrap_or("").to_string(),
                    t["method"].as_str().unwrap_or("").to_string(),
                    t.clone(),
                ));
            }
        };
        push(name.clone(), &d["tests"]);
        for l in d["per_level"].as_array().into_iter().flatten() {
            push(
                format!("{name}[{}]", l["level"].as_str().unwrap_or("")),
                &l["tests"],
            );
        }
    }
    out
}

fn same_p(a: &Value, b: &Value, key: &str) -> bool {
    match (num(a, key), num(b, key)) {
        (Some(x), Some(y)) => close(x, y),
        (None, None) => true,
        _ => false,
    }
}

/// A permutation of 0..n from a seed (Fisher–Yates on a xorshift stream).
fn permutation(n: usize, mut seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    seed |= 1;
    for i in (1..n).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        idx.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    idx
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Every finite double written as Rust prints it (plain, exponent, shortest
    /// round-trip) reads back to the same bits, with a decimal point or comma.
    #[test]
    fn numbers_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        for s in [format!("{x}"), format!("{x:e}"), format!("{x:?}"), format!("  {x}\t")] {
            prop_assert_eq!(parse_number(&s, false).map(f64::to_bits), Some(x.to_bits()), "{}", s);
            prop_assert_eq!(classify(&s, false), Cell::Number(x));
            prop_assert!(!is_missing(&s));
        }
        let comma = format!("{x}").replace('.', ",");
        prop_assert_eq!(parse_number(&comma, true).map(f64::to_bits), Some(x.to_bits()), "{}", comma);
    }

    /// Numbers in a file reach the cohort exactly, with `,` and `.` or `;` and a
    /// decimal comma; missing markers in any case stay missing.
    #[test]
    fn values_reach_the_cohort(
        xs in prop::collection::vec(-1e12f64..1e12, 3..20),
        marker in prop::sample::select(vec!["", "NA", "n/a", "NaN", "null", ".", "-", "nd", "NR"]),
        upper in any::<bool>(),
        semicolon in any::<bool>(),
    ) {
        let marker = if upper { marker.to_uppercase() } else { marker.to_lowercase() };
        let (sep, dec) = if semicolon { (";", ",") } else { (",", ".") };
        let mut text = format!("id{sep}wave{sep}x\n");
        for (i, x) in xs.iter().enumerate() {
            text += &format!("{i}{sep}pre{sep}{}\n", format!("{x}").replace('.', dec));
            text += &format!("{i}{sep}post{sep}{marker}\n");
        }
        text += &format!("{}{sep}post{sep}7\n", xs.len());
        let src = parse_bytes("v.csv", "v", text.into_bytes()).unwrap();
        let c = build(&mut [src], &Options::default(), None).unwrap();
        let values = &c.domains[0].values;
        for (i, x) in xs.iter().enumerate() {
            prop_assert_eq!(values[0][i].to_bits(), x.to_bits());
            prop_assert!(values[1][i].is_nan());
        }
    }

    /// p-values in [0, 1] (adjusted ones too, and never below the raw one); every
    /// interval ordered and holding its estimate.
    #[test]
    fn p_values_and_intervals(people in people()) {
        let Some(r) = report(&lines(&people, 0.0, false)) else { return Ok(()) };
        let mut errors = Vec::new();
        check_numbers(&r, "", &mut errors);
        prop_assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    /// Swapping the arms negates every between-arm and did estimate (and its
    /// interval), exchanges the two change comparisons, and keeps every p-value.
    /// Risk and odds ratios become their reciprocals; Cramér's V is unchanged.
    #[test]
    fn swapping_arms(people in people()) {
        let Some(a) = report(&lines(&people, 0.0, false)) else { return Ok(()) };
        // One-arm data are always reported as the intervention arm.
        if a["input"]["design"] == "pre_post" {
            return Ok(());
        }
        let b = report(&lines(&people, 0.0, true)).expect("the swapped cohort builds too");
        let ta = tests_of(&a);
        let tb = tests_of(&b);
        prop_assert_eq!(ta.len(), tb.len());
        for (dom, comp, method, x) in &ta {
            let swapped = match comp.as_str() {
                "change:intervention" => "change:control",
                "change:control" => "change:intervention",
                c => c,
            };
            let y = &tb
                .iter()
                .find(|(d, c, m, _)| d == dom && c == swapped && m == method)
                .unwrap_or_else(|| panic!("{dom} {swapped} {method} missing after the swap"))
                .3;
            let at = format!("{dom} {comp} {method}");
            prop_assert!(same_p(x, y, "p_value"), "{}: p {} vs {}", at, x["p_value"], y["p_value"]);
            prop_assert!(same_p(x, y, "p_adjusted"), "{}: p_adjusted {} vs {}", at, x["p_adjusted"], y["p_adjusted"]);
            let ratio = matches!(method.as_str(), "risk_ratio" | "odds_ratio");
            let map = |v: f64| if comp.starts_with("change") { v } else if ratio { 1.0 / v } else { -v };
            let (lo, hi) = if comp.starts_with("change") { ("conf_low", "conf_high") } else { ("conf_high", "conf_low") };
            for (k, l) in [("estimate", "estimate"), ("conf_low", lo), ("conf_high", hi)] {
                match (num(x, k), num(y, l)) {
                    (Some(u), Some(v)) => prop_assert!(close(map(u), v), "{}: {} {} vs {} {}", at, k, u, l, v),
                    (None, None) => {}
                    (u, v) => prop_assert!(false, "{}: {} {:?} vs {} {:?}", at, k, u, l, v),
                }
            }
            let (ex, ey) = (&x["effect_size"], &y["effect_size"]);
            if let (Some(u), Some(v)) = (num(ex, "value"), num(ey, "value")) {
                let u = if comp.starts_with("change") || ex["name"] == "cramers_v" { u } else { -u };
                prop_assert!(close(u, v), "{}: effect {} vs {}", at, u, v);
            }
        }
    }

    /// The order of the rows changes nothing (levels compared by name, since their
    /// order is the order of first appearance).
    #[test]
    fn shuffling_rows(people in people(), seed in any::<u64>()) {
        let l = lines(&people, 0.0, false);
        let Some(mut a) = report(&l) else { return Ok(()) };
        let order = permutation(l.len() - 1, seed);
        let shuffled: Vec<String> = std::iter::once(l[0].clone())
            .chain(order.iter().map(|&i| l[i + 1].clone()))
            .collect();
        let mut b = report(&shuffled).expect("the shuffled cohort builds too");
        sort_levels(&mut a);
        sort_levels(&mut b);
        // Participants are numbered in order of appearance; ids never reach the report.
        prop_assert_eq!(diff(&a, &b, ""), None);
    }

    /// Adding a constant to the continuous domain changes no p-value (nor any
    /// estimate of a difference, nor the standardised effect sizes).
    #[test]
    fn shifting_a_continuous_domain(people in people(), shift in -1000i32..1000) {
        let lb = lines(&people, f64::from(shift), false);
        let Some(a) = report(&lines(&people, 0.0, false)) else { return Ok(()) };
        let b = report(&lb).expect("the shifted cohort builds");
        let score = |r: &Value| r["domains"].as_array().and_then(|d| d.iter().find(|d| d["name"] == "score")).cloned();
        let (Some(sa), Some(sb)) = (score(&a), score(&b)) else { return Ok(()) };
        if sa["kind"] != "continuous" || sb["kind"] != "continuous" {
            return Ok(());
        }
        let (ta, tb) = (sa["tests"].as_array().unwrap(), sb["tests"].as_array().unwrap());
        prop_assert_eq!(ta.len(), tb.len());
        for (x, y) in ta.iter().zip(tb) {
            let at = format!("{} {} (shifted data:\n{})", x["comparison"], x["method"], lb.join("\n"));
            prop_assert_eq!(&x["method"], &y["method"]);
            // p-values to 1e-6: the shifted values are rounded differently.
            let (p, q) = (num(x, "p_value"), num(y, "p_value"));
            prop_assert_eq!(p.is_some(), q.is_some(), "{}", at);
            if let (Some(p), Some(q)) = (p, q) {
                prop_assert!((p - q).abs() <= 1e-9 + 1e-6 * p.max(q), "{}: p {} vs {}", at, p, q);
            }
            if let (Some(u), Some(v)) = (num(&x["effect_size"], "value"), num(&y["effect_size"], "value")) {
                prop_assert!((u - v).abs() <= 1e-6 * (1.0 + u.abs()), "{}: effect {} vs {}", at, u, v);
            }
        }
        // p_adjusted of every domain is unchanged too: the family's p-values are.
        for (x, y) in tests_of(&a).iter().zip(tests_of(&b)) {
            if let (Some(p), Some(q)) = (num(&x.3, "p_adjusted"), num(&y.3, "p_adjusted")) {
                prop_assert!((p - q).abs() <= 1e-9 + 1e-6 * p.max(q), "{} {}: p_adjusted {} vs {}", x.0, x.1, p, q);
            }
        }
    }
}

/// The checks above do catch what they look for.
#[test]
fn the_checks_catch_errors() {
    let bad = serde_json::json!({"tests": [
        {"estimate": 0.5, "conf_low": 0.6, "conf_high": 0.9, "p_value": 1.5, "p_adjusted": 0.2},
        {"proportion": 0.1, "conf_low": 0.2, "conf_high": 0.1},
    ]});
    let mut errors = Vec::new();
    check_numbers(&bad, "", &mut errors);
    assert_eq!(errors.len(), 5, "{errors:?}");
    let good = serde_json::json!({"estimate": -0.0, "conf_low": -0.0, "conf_high": 0.0, "p_value": 0.0, "p_adjusted": 0.0});
    let mut errors = Vec::new();
    check_numbers(&good, "", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        diff(
            &serde_json::json!([1.0, 2.0]),
            &serde_json::json!([1.0, 2.000001]),
            ""
        )
        .is_some()
    );
    assert!(
        diff(
            &serde_json::json!([1.0, 2.0]),
            &serde_json::json!([1.0, 2.0 + 1e-14]),
            ""
        )
        .is_none()
    );
}
