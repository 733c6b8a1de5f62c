#!/usr/bin/env python3
"""Seeded generator of a repeated-visits cohort (issue 16's speed promise).

    gen_visits.py --participants N --waves K --seed S --out FILE

Long layout, one row per participant and visit: id, group, wave, sexo, then
8 domains (3 continuous scores with ties, 3 binary 0/1, 2 categorical
deficient/normal/outstanding). Wave labels the reader orders without a spec
(contract §6.4, part one's words first and last): "baseline", "visit 2", …,
"visit K-1", "final"; with K = 2 only "baseline" and "final". The same seed
gives the same participants, arms and baseline values whatever K: the 2-wave
file is the 6-wave file's participants at the first and the last visit.
Rows come visit by visit; the baseline block in id order, later visits
shuffled (pairing needs a real join). About 1% of cells are empty and about
2% of participants miss each visit after the baseline. The program arm
improves by a little at every visit. Needs numpy and polars.
"""
import argparse
import time

import numpy as np
import polars as pl

CONT = [("problem_solving", 20.0, 6.0, 0, 40, 0.12), ("reading_wpm", 80.0, 25.0, 0, 200, 0.10),
        ("anxiety", 45.0, 12.0, 0, 100, -0.08)]
BIN = [("reads_sentence", -0.3, 0.15), ("attends_school", 1.2, 0.12), ("self_care", 0.2, 0.10)]
CAT = [("development_level", 0.12), ("social_skills", 0.08)]
LEVELS = np.array(["deficient", "normal", "outstanding"])


def labels(k):
    return ["baseline"] + [f"visit {w + 1}" for w in range(1, k - 1)] + ["final"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--participants", "-n", type=int, default=1_000_000)
    ap.add_argument("--waves", "-k", type=int, default=6)
    ap.add_argument("--of", type=int, default=6,
                    help="visits of the full design (K=2 keeps its first and last)")
    ap.add_argument("--seed", "-s", type=int, default=1)
    ap.add_argument("--out", "-o", required=True)
    a = ap.parse_args()
    if a.waves < 2 or a.of < a.waves:
        ap.error("need 2 <= --waves <= --of")
    t0 = time.perf_counter()
    n, full = a.participants, a.of
    rng = np.random.default_rng(a.seed)
    arm = rng.random(n) < 0.5
    sexo = np.where(rng.random(n) < 0.5, "F", "M")
    ids = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    # Every visit of the full design is drawn, so K=2 is a subset of K=6.
    base_c = [rng.normal(m, s, n) for _, m, s, *_ in CONT]
    base_b = [rng.normal(0, 1, n) for _ in BIN]
    base_k = [rng.normal(0, 1, n) for _ in CAT]
    visits = []
    for w in range(full):
        t = w / (full - 1)
        eff = arm * t
        cols = {}
        for (name, m, s, lo, hi, e), b in zip(CONT, base_c):
            v = b + rng.normal(0, s * 0.5, n) + e * s * 10 * eff
            cols[name] = np.clip(np.round(v), lo, hi)
        for (name, mu, e), b in zip(BIN, base_b):
            cols[name] = ((b + rng.normal(0, 0.7, n) + mu + e * 10 * eff) > 0.5).astype(np.int8)
        for (name, e), b in zip(CAT, base_k):
            z = b + rng.normal(0, 0.6, n) + e * 10 * eff
            cols[name] = LEVELS[np.digitize(z, [-0.8, 0.9])]
        seen = np.ones(n, bool) if w == 0 else rng.random(n) >= 0.02
        miss = {c: rng.random(n) < 0.01 for c in cols}
        order = np.arange(n) if w == 0 else rng.permutation(n)
        visits.append((cols, seen, miss, order))
    # The first visit, and the last K - 1 of the full design.
    keep = [0] + list(range(full - a.waves + 1, full))
    names = labels(a.waves)
    frames = []
    for label, w in zip(names, keep):
        cols, seen, miss, order = visits[w]
        idx = order[seen[order]]
        data = {"id": ids[idx], "group": np.where(arm[idx], "intervention", "control"),
                "wave": np.full(len(idx), label), "sexo": sexo[idx]}
        for c, v in cols.items():
            s = pl.Series(c, v[idx])
            if s.dtype == pl.Float64:
                s = s.cast(pl.Int64)
            data[c] = s.cast(pl.Utf8).set(pl.Series(miss[c][idx]), None)
        frames.append(pl.DataFrame(data))
    df = pl.concat(frames)
    df.write_csv(a.out, null_value="")
    print(f"gen_visits.py: wrote {df.height} rows, {n} participants, {a.waves} waves "
          f"(of {full}), seed {a.seed} to {a.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
