use super::*;
use crate::stats::test_numbers;

/// A design 1, arm, x with y = 1 + 0.5·arm + 0.2·x + cluster effect + noise.
fn data(n: usize, clusters: u64, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<u64>) {
    let mut rng = test_numbers(seed);
    let (mut x, mut y, mut cl) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let g = rng(clusters);
        let arm = (g % 2) as f64;
        let v = rng(1000) as f64 / 100.0;
        x.extend([1.0, arm, v]);
        y.push(1.0 + 0.5 * arm + 0.2 * v + (g % 7) as f64 / 3.0 + rng(1000) as f64 / 250.0);
        cl.push(g);
    }
    (x, y, cl)
}

fn no_nan(t: &CoefTest) {
    let f = [
        t.estimate,
        t.se,
        t.statistic,
        t.df,
        t.p_value,
        t.conf_low,
        t.conf_high,
    ];
    assert!(f.iter().flatten().all(|v| v.is_finite()), "{t:?}");
}

#[test]
fn labels_may_be_sparse_and_unsorted() {
    let (x, y, cl) = data(300, 9, 1);
    let a = cr2(&x, 3, &y, &cl).expect("fit");
    // Huge labels take the hash path; the result is the same.
    let big: Vec<u64> = cl.iter().map(|g| g * 1_000_000_007 + 5).collect();
    let b = cr2(&x, 3, &y, &big).expect("fit");
    assert_eq!(a.clusters, 9);
    for j in 0..3 {
        let (s, t) = (a.test(j, 0.95), b.test(j, 0.95));
        for (u, v) in [(s.se, t.se), (s.df, t.df), (s.p_value, t.p_value)] {
            let (u, v) = (u.expect("defined"), v.expect("defined"));
            assert!((u - v).abs() <= 1e-12 * u.abs(), "{u} {v}");
        }
    }
}

#[test]
fn one_cluster_gives_the_estimate_only() {
    let (x, y, _) = data(50, 3, 2);
    let fit = cr2(&x, 3, &y, &[7u32; 50]).expect("fit");
    let t = fit.test(1, 0.95);
    assert!(t.estimate.is_some());
    assert_eq!(
        (t.se, t.df, t.p_value, t.conf_low),
        (None, None, None, None)
    );
}

#[test]
fn one_cluster_per_arm_has_leverage_one_and_no_p_value() {
    // y ~ 1 + arm with each arm one cluster: H_gg is the cluster mean,
    // leverage one, the generalised inverse removes everything: se 0.
    let mut rng = test_numbers(3);
    let (mut x, mut y, mut cl) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..40 {
        let arm = (i % 2) as f64;
        x.extend([1.0, arm]);
        y.push(arm + rng(100) as f64 / 10.0);
        cl.push(i % 2u32);
    }
    let fit = cr2(&x, 2, &y, &cl).expect("fit");
    for j in 0..2 {
        let t = fit.test(j, 0.95);
        no_nan(&t);
        assert!(t.estimate.is_some());
        assert_eq!((t.p_value, t.conf_low), (None, None));
    }
}

#[test]
fn zero_residuals_give_no_p_value() {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let cl: Vec<usize> = (0..30).map(|i| i % 6).collect();
    for i in 0..30 {
        let v = (i * 7 % 11) as f64;
        x.extend([1.0, (i % 2) as f64, v]);
        y.push(3.0 + 2.0 * v);
    }
    let fit = cr2(&x, 3, &y, &cl).expect("fit");
    assert!(fit.exact_fit);
    for j in 0..3 {
        let t = fit.test(j, 0.95);
        no_nan(&t);
        assert_eq!((t.statistic, t.p_value), (None, None));
    }
    assert!((fit.coef[2].expect("slope") - 2.0).abs() < 1e-12);
}

#[test]
fn n_at_most_p_aliases_and_never_panics() {
    let x = [1.0, 0.0, 5.0, 1.0, 1.0, 2.0];
    let y = [1.0, 4.0];
    let fit = cr2(&x, 3, &y, &[0u8, 1]).expect("fit");
    assert_eq!(fit.aliased, vec![false, false, true]);
    for j in 0..3 {
        no_nan(&fit.test(j, 0.95));
        assert_eq!(fit.test(j, 0.95).p_value, None);
    }
    let fit = cr2(&[2.0], 1, &[3.0], &[0u8]).expect("fit");
    assert_eq!(fit.test(0, 0.95).estimate, Some(1.5));
}

#[test]
fn bad_input_is_none() {
    assert!(cr2(&[1.0, f64::NAN], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
    assert!(cr2(&[1.0], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
    assert!(cr2::<u8>(&[], 1, &[], &[]).is_none());
    assert!(cr2(&[0.0, 0.0], 1, &[1.0, 2.0], &[0u8, 1]).is_none());
    assert!(clustering(&[1.0], &[0u8, 1], &[0u8]).is_none());
}

#[test]
fn clustering_edge_cases() {
    // One cell per arm: G = A, no ICC.
    let c = clustering(&[1.0, 2.0, 3.0, 4.0], &[0u8, 0, 1, 1], &[0u8, 0, 1, 1]).expect("c");
    assert_eq!((c.clusters, c.icc, c.design_effect), (2, None, None));
    // Constant values: 0/0, no ICC.
    let c = clustering(&[1.0; 6], &[0u8, 0, 1, 1, 2, 2], &[0u8, 0, 0, 0, 1, 1]).expect("c");
    assert_eq!(c.icc, None);
    // A cluster split between arms is two cells.
    let c = clustering(&[1.0, 2.0, 3.0, 4.0], &[0u8, 0, 0, 0], &[0u8, 0, 1, 1]).expect("c");
    assert_eq!(c.clusters, 2);
}

/// Speed: `cargo test --release --lib stats::robust::tests::speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed() {
    let hash = |i: usize, k: u64| {
        let mut h =
            (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xD1B5_4A32_D192_ED03);
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (h >> 11) as f64 / (1u64 << 53) as f64
    };
    for (n, g) in [
        (10_000_000usize, 1_000u64),
        (10_000_000, 100_000),
        (1_000_000, 1_000_000),
    ] {
        let cl: Vec<u32> = (0..n).map(|i| (hash(i, 9) * g as f64) as u32).collect();
        let start = std::time::Instant::now();
        let fit = cr2_rows(n, 5, &cl, |i, row| {
            let arm = (cl[i] % 2) as f64;
            row.copy_from_slice(&[1.0, arm, hash(i, 1), hash(i, 2), hash(i, 3)]);
            arm + hash(i, 1) + hash(i, 4) + (cl[i] % 13) as f64 / 10.0
        })
        .expect("fit");
        eprintln!(
            "n = {n}, clusters = {}, p = 5: {:.2} s; arm: {:?}",
            fit.clusters,
            start.elapsed().as_secs_f64(),
            fit.test(1, 0.95)
        );
    }
}

/// Relative agreement of two optional values (absolute near 0).
fn close(what: &str, a: Option<f64>, b: Option<f64>, tol: f64) {
    match (a, b) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            let scale = a.abs().max(b.abs()).max(1e-12);
            assert!((a - b).abs() <= tol * scale, "{what}: {a:e} vs {b:e}");
        }
        _ => panic!("{what}: {a:?} vs {b:?}"),
    }
}

fn same_fit(name: &str, a: &Cr2Fit, b: &Cr2Fit) {
    assert_eq!(
        (a.n, a.p, a.clusters, &a.aliased, a.exact_fit),
        (b.n, b.p, b.clusters, &b.aliased, b.exact_fit),
        "{name}"
    );
    for j in 0..a.p {
        close(&format!("{name} coef {j}"), a.coef[j], b.coef[j], 1e-9);
        close(&format!("{name} se {j}"), a.se[j], b.se[j], 1e-9);
        close(&format!("{name} df {j}"), a.df[j], b.df[j], 1e-9);
    }
}

/// The sums path agrees with the QR path (R's route) on every reference data
/// set (unequal clusters, singletons, leverage one, aliased columns, binary
/// outcomes, a three-level categorical covariate) and on shifted, scaled and
/// exactly fitted variants.
#[test]
fn sums_path_agrees_with_the_qr_path() {
    let r: serde_json::Value = serde_json::from_str(include_str!(
        "../../../testdata/reference/robust_reference.json"
    ))
    .expect("reference JSON");
    let num = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| s.as_str().expect("string").parse().expect("number"))
            .collect()
    };
    for case in r["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let p = case["p"].as_u64().expect("p") as usize;
        let (x, y) = (num(&case["x"]), num(&case["y"]));
        let cl: Vec<u32> = case["cluster"]
            .as_array()
            .expect("cluster")
            .iter()
            .map(|v| v.as_u64().expect("id") as u32)
            .collect();
        let a = cr2(&x, p, &y, &cl).expect("sums");
        let b = qr::cr2_qr(&x, p, &y, &cl).expect("qr");
        same_fit(name, &a, &b);
        // Far from 0: a large offset on every column but the intercept and on y.
        let x2: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| if i % p == 0 { *v } else { v + 1e4 })
            .collect();
        let y2: Vec<f64> = y.iter().map(|v| v * 3.0 - 2e5).collect();
        let a = cr2(&x2, p, &y2, &cl).expect("sums");
        let b = qr::cr2_qr(&x2, p, &y2, &cl).expect("qr");
        same_fit(&format!("{name} shifted"), &a, &b);
    }
}

/// Exact fits (y a combination of the columns) are recognised as such; the
/// many-cluster path (no table) gives the table path's values.
#[test]
fn exact_fits_and_the_second_pass() {
    let (x, y, cl) = data(400, 40, 5);
    let exact: Vec<f64> = (0..400)
        .map(|i| 2.0 - 3.0 * x[i * 3 + 1] + 0.25 * x[i * 3 + 2])
        .collect();
    let a = cr2(&x, 3, &exact, &cl).expect("fit");
    assert!(a.exact_fit);
    assert_eq!(a.test(2, 0.95).p_value, None);
    close("slope", a.coef[2], Some(0.25), 1e-12);
    close("intercept", a.coef[0], Some(2.0), 1e-12);
    // Each row its own cluster, through a bound far beyond the table's room.
    let fit = |bound: usize| {
        cr2_many(400, &[3], bound, |i, _, buf| {
            buf.copy_from_slice(&x[i * 3..i * 3 + 3]);
            Pick::In((i * 7919 % 400) as u32 * (bound / 400) as u32, y[i])
        })
        .pop()
        .and_then(|f| f.0)
        .expect("fit")
    };
    same_fit("bound", &fit(400), &fit(400 * 100_000));
    let own: Vec<u32> = (0..400).collect();
    same_fit("hc2", &fit(400), &qr::cr2_qr(&x, 3, &y, &own).expect("qr"));
}

/// Rows of a categorical outcome: cluster, arm, a covariate (NaN: noted), the
/// baseline and follow-up level codes (NaN: out; 3: none of the levels).
fn level_rows(n: usize, clusters: u64, seed: u64) -> Vec<(u32, f64, f64, f64, f64)> {
    let mut rng = test_numbers(seed);
    (0..n)
        .map(|i| {
            let g = rng(clusters);
            let arm = (g % 2) as f64;
            let cov = if i % 97 == 5 {
                f64::NAN
            } else {
                rng(1000) as f64 / 100.0 + 40.0
            };
            let pre = if i % 53 == 7 {
                f64::NAN
            } else {
                rng(4).min(3) as f64
            };
            let pre = if i % 41 == 3 { 3.0 } else { pre };
            let shifted = (pre.min(2.0) + arm + (g % 3) as f64 + rng(3) as f64) % 3.0;
            let post = if i % 61 == 9 { f64::NAN } else { shifted };
            (g as u32 * 7919 % 1009, arm, cov, pre, post)
        })
        .collect()
}

/// `cr2_levels` equals fitting each level on its own with `cr2_many`.
fn levels_equal_one_by_one(column: Option<usize>, bound: usize) {
    let data = level_rows(900, 14, 11);
    let p = if column.is_some() { 4 } else { 3 };
    let row = |i: usize, buf: &mut [f64]| {
        let (g, arm, cov, pre, post) = data[i];
        if post.is_nan() || (column.is_some() && pre.is_nan()) {
            return Pick::Out;
        }
        if cov.is_nan() {
            return Pick::Noted;
        }
        buf[0] = 1.0;
        buf[1] = arm;
        match column {
            Some(_) => {
                buf[2] = pre;
                buf[3] = cov;
            }
            None => buf[2] = cov,
        }
        Pick::In(g, post)
    };
    let all = cr2_levels(data.len(), p, column, 3, bound, row);
    assert_eq!(all.len(), 3);
    for (l, (fit, noted)) in all.iter().enumerate() {
        let one = cr2_many(data.len(), &[p], bound, |i, _, buf| match row(i, buf) {
            Pick::In(g, y) => {
                if let Some(c) = column {
                    buf[c] = f64::from(u8::from(buf[c] == l as f64));
                }
                Pick::In(g, f64::from(u8::from(y == l as f64)))
            }
            other => other,
        });
        let (want, want_noted) = &one[0];
        assert_eq!(noted, want_noted);
        assert!(*noted > 0);
        let (a, b) = (fit.as_ref().expect("fit"), want.as_ref().expect("fit"));
        assert_eq!((a.n, a.clusters, &a.aliased), (b.n, b.clusters, &b.aliased));
        let close = |u: Option<f64>, v: Option<f64>| {
            let (u, v) = (u.expect("defined"), v.expect("defined"));
            assert!(
                (u - v).abs() <= 1e-10 * u.abs().max(1e-3),
                "level {l}: {u} {v}"
            );
        };
        for j in 0..p {
            close(a.coef[j], b.coef[j]);
            close(a.se[j], b.se[j]);
            close(a.df[j], b.df[j]);
        }
    }
}

#[test]
fn levels_in_one_pass_equal_each_level_alone() {
    levels_equal_one_by_one(Some(2), 1009);
    levels_equal_one_by_one(None, 1009);
}

#[test]
fn levels_without_tables_take_the_second_pass_and_agree() {
    // A million possible clusters: no per-cluster tables, the totals only.
    levels_equal_one_by_one(Some(2), 1_000_003);
}
