//! Benchmarks: reading + pairing, the whole analysis, and each statistics family, at
//! 1e3 … 1e6 participants. Run with `cargo bench` (not part of CI: a bench build is
//! another optimised build). Data are generated in memory, seeded.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use evaluate::analysis::{Settings, analyse};
use evaluate::cohort::{Options, build};
use evaluate::input::read::parse_bytes;
use evaluate::stats::{adjust::Adjust, contingency, ranks, regression, ttest};
use std::hint::black_box;

/// A small, fast, seeded generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A long-layout cohort: id, group, wave, 2 scores, 2 binaries, 1 categorical.
fn cohort_csv(participants: usize) -> Vec<u8> {
    let mut r = Rng(7);
    let mut s = String::from("id,group,wave,score,reading,reads,washes,level\n");
    let levels = ["deficient", "normal", "outstanding"];
    for w in ["pre", "post"] {
        for i in 0..participants {
            let arm = if i % 2 == 0 { "program" } else { "control" };
            let lift = if w == "post" && i % 2 == 0 { 5.0 } else { 0.0 };
            s.push_str(&format!(
                "P{i},{arm},{w},{:.0},{:.1},{},{},{}\n",
                20.0 + 6.0 * r.next() + lift,
                80.0 + 25.0 * r.next() + lift,
                u8::from(r.next() < 0.4 + lift / 20.0),
                u8::from(r.next() < 0.6),
                levels[(r.next() * 3.0) as usize % 3]
            ));
        }
    }
    s.into_bytes()
}

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn reading_and_pairing(c: &mut Criterion) {
    let mut g = c.benchmark_group("read_and_pair");
    g.sample_size(10);
    for n in SIZES {
        let data = cohort_csv(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, d| {
            b.iter(|| {
                let src = parse_bytes("bench.csv", "bench", d.clone()).unwrap();
                black_box(build(&mut [src], &Options::default(), None).unwrap())
            })
        });
    }
}

fn analysis(c: &mut Criterion) {
    let mut g = c.benchmark_group("analyse");
    g.sample_size(10);
    let settings = Settings {
        conf_level: 0.95,
        adjust: Adjust::Holm,
    };
    for n in SIZES {
        let src = parse_bytes("bench.csv", "bench", cohort_csv(n)).unwrap();
        let cohort = build(&mut [src], &Options::default(), None).unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(n), &cohort, |b, co| {
            b.iter(|| black_box(analyse(co, settings, "en")))
        });
    }
}

fn stats_families(c: &mut Criterion) {
    let mut g = c.benchmark_group("stats");
    g.sample_size(10);
    for n in SIZES {
        let mut r = Rng(n as u64);
        let x1: Vec<f64> = (0..n).map(|_| (r.next() * 40.0).round()).collect();
        let x0: Vec<f64> = (0..n).map(|_| (r.next() * 40.0).round()).collect();
        let arm: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
        g.bench_with_input(BenchmarkId::new("welch_t", n), &n, |b, _| {
            b.iter(|| black_box(ttest::welch_t(&x1, &x0, 0.95)))
        });
        // Scores repeat (41 values): ranks are counted, in linear time.
        g.bench_with_input(BenchmarkId::new("mann_whitney", n), &n, |b, _| {
            b.iter(|| black_box(ranks::mann_whitney(&x1, &x0)))
        });
        // Every value distinct: ranks come from a sort.
        let y1: Vec<f64> = (0..n).map(|_| r.next()).collect();
        let y0: Vec<f64> = (0..n).map(|_| r.next()).collect();
        g.bench_with_input(BenchmarkId::new("mann_whitney_distinct", n), &n, |b, _| {
            b.iter(|| black_box(ranks::mann_whitney(&y1, &y0)))
        });
        let ch: Vec<f64> = x1.iter().zip(&x0).map(|(a, b)| a - b).collect();
        g.bench_with_input(BenchmarkId::new("wilcoxon_signed_rank", n), &n, |b, _| {
            b.iter(|| black_box(ranks::wilcoxon_signed_rank(&ch)))
        });
        g.bench_with_input(BenchmarkId::new("ancova", n), &n, |b, _| {
            b.iter(|| black_box(regression::ancova(&x1, &x0, &arm, 0.95)))
        });
        let k = n / 4;
        g.bench_with_input(BenchmarkId::new("fisher_exact", n), &n, |b, _| {
            b.iter(|| black_box(contingency::fisher_exact_2x2(k, k + 3, k + 7, k - 2)))
        });
        let table = vec![
            vec![k as f64, (k + 3) as f64, 9.0],
            vec![(k + 7) as f64, (k - 2) as f64, 4.0],
        ];
        g.bench_with_input(BenchmarkId::new("chi_square", n), &n, |b, _| {
            b.iter(|| black_box(contingency::chi_square(&table)))
        });
    }
}

criterion_group!(benches, reading_and_pairing, analysis, stats_families);
criterion_main!(benches);
