#!/usr/bin/env python3
"""Generate examples/hidalgo/cohort.csv: a synthetic, seeded cohort shaped like
the published evaluation of a child-development program in Hidalgo, Mexico.

Not real children. Standard library only; running it twice gives identical bytes.
Usage: python3 examples/hidalgo/generate.py
"""
import csv
import os
import random

random.seed(20240611)

N_PROGRAM, N_CONTROL = 950, 910
AGE_BANDS = [("0-2", 0.27), ("3-6", 0.36), ("7-10", 0.37)]
ONLY_BEFORE, ONLY_AFTER = 0.06, 0.015   # attrition: lost to follow-up / joined late
MISSING_RATE = 0.025                      # share of domain cells left empty or NA

# Binary domains: (column, {arm: (p_before, p_after)}, persistence).
# Persistence in [0, 1] sets how strongly a child's after value follows its
# before value (0 = independent waves, 1 = as sticky as the margins allow).
BINARY = [
    ("extroverted_affectionate", {"program": (0.22, 0.53), "control": (0.21, 0.22)}, 0.45),
    ("problem_solving", {"program": (0.47, 0.58), "control": (0.46, 0.48)}, 0.50),
    ("self_knowledge", {"program": (0.43, 0.60), "control": (0.44, 0.46)}, 0.50),
    ("assertive_communication", {"program": (0.70, 0.78), "control": (0.71, 0.72)}, 0.50),
    ("teamwork", {"program": (0.56, 0.68), "control": (0.55, 0.57)}, 0.50),
    ("normal_weight", {"program": (0.72, 0.73), "control": (0.73, 0.72)}, 0.75),
]
# Cognitive score: before ~ N(96.5, 15); after = mean + r * (before - mean) + gain + noise.
COG_MEAN, COG_SD, COG_R = 96.5, 15.0, 0.70
COG_GAIN = {"program": 8.9, "control": 2.0}  # realised: ~6 points more in the program
# Development level (ordered categorical): share deficient / outstanding before, by
# age band; after, program children are more likely to move up a level.
LEVELS = ["deficient", "normal", "outstanding"]
LEVEL_BEFORE = {"0-2": (0.74, 0.04), "3-6": (0.45, 0.10), "7-10": (0.35, 0.12)}
LEVEL_UP = {"program": 0.32, "control": 0.05}   # chance of moving up one level
LEVEL_DOWN = 0.03                                # chance of moving down one level
# Centres: 12 run the program, 12 are control centres, of unequal sizes; each
# centre shifts its children's cognitive score (shared teachers, neighbourhoods).
N_CENTRES = 12                     # per arm
CENTRE_SD = 4.0                    # sd of the centre effect on cognitive_score
AGE_MONTHS = {"0-2": (0, 35), "3-6": (36, 83), "7-10": (84, 131)}
DESIGN_RNG = random.Random(20240613)  # centres, sex, age: their own stream
COLUMNS = (["child_id", "group", "wave", "centro", "sexo", "edad_meses", "age_band",
            "cognitive_score"]
           + [b[0] for b in BINARY] + ["development_level"])
LEVEL_RNG = random.Random(20240612)  # its own stream: the other columns stay as they were


def exact_positives(ids, p):
    """Mark exactly round(p * len(ids)) of ids as 1 (the rest 0), at random."""
    chosen = set(random.sample(ids, round(p * len(ids))))
    return {i: int(i in chosen) for i in ids}


def binary_waves(ids, p0, p1, persistence):
    """Before/after 0/1 values with the given margins and within-child dependence."""
    before = exact_positives(ids, p0)
    # P(after=1 | before=1) = stay, P(after=1 | before=0) = rise, with
    # p0 * stay + (1 - p0) * rise = p1 and both kept inside [0, 1].
    stay = p1 + persistence * (1 - p1)
    rise = (p1 - p0 * stay) / (1 - p0)
    if rise < 0:
        stay, rise = p1 / p0, 0.0
    ones = [i for i in ids if before[i]]
    zeros = [i for i in ids if not before[i]]
    after = {**exact_positives(ones, stay), **exact_positives(zeros, rise)}
    return before, after


def main():
    n = N_PROGRAM + N_CONTROL
    arms = ["program"] * N_PROGRAM + ["control"] * N_CONTROL
    random.shuffle(arms)
    children = []
    for k, arm in enumerate(arms, start=1):
        band = random.choices([b for b, _ in AGE_BANDS], [w for _, w in AGE_BANDS])[0]
        children.append({"id": f"HGO-{k:04d}", "group": arm, "age_band": band})

    # Cognitive score, correlated within child.
    for c in children:
        pre = random.gauss(COG_MEAN, COG_SD)
        post = (COG_MEAN + COG_R * (pre - COG_MEAN) + COG_GAIN[c["group"]]
                + random.gauss(0, COG_SD * (1 - COG_R ** 2) ** 0.5))
        c["pre_raw"], c["post_raw"] = pre, post

    # Centres (unequal sizes), sex and age in months at enrolment.
    for arm, first in (("program", 1), ("control", N_CENTRES + 1)):
        weights = [DESIGN_RNG.uniform(0.3, 2.0) for _ in range(N_CENTRES)]
        for c in children:
            if c["group"] == arm:
                k = DESIGN_RNG.choices(range(N_CENTRES), weights)[0]
                c["centro"] = f"Centro {first + k:02d}"
    effect = {f"Centro {k:02d}": DESIGN_RNG.gauss(0, CENTRE_SD)
              for k in range(1, 2 * N_CENTRES + 1)}
    for c in children:
        c["sexo"] = DESIGN_RNG.choice(["niña", "niño"])
        lo, hi = AGE_MONTHS[c["age_band"]]
        c["edad_meses"] = str(DESIGN_RNG.randint(lo, hi))
        pre = c["pre_raw"] + effect[c["centro"]]
        post = c["post_raw"] + effect[c["centro"]]
        c["before"] = {"cognitive_score": f"{min(max(pre, 40), 160):.1f}"}
        c["after"] = {"cognitive_score": f"{min(max(post, 40), 160):.1f}"}

    # Binary domains, exact margins per arm.
    for arm in ("program", "control"):
        ids = [k for k, c in enumerate(children) if c["group"] == arm]
        for col, probs, persistence in BINARY:
            before, after = binary_waves(ids, *probs[arm], persistence)
            for k in ids:
                children[k]["before"][col] = str(before[k])
                children[k]["after"][col] = str(after[k])

    # Development level, moving up or down one level between waves.
    for c in children:
        deficient, outstanding = LEVEL_BEFORE[c["age_band"]]
        u = LEVEL_RNG.random()
        before = 0 if u < deficient else (2 if u > 1 - outstanding else 1)
        v = LEVEL_RNG.random()
        after = before
        if v < LEVEL_UP[c["group"]] and before < 2:
            after = before + 1
        elif v > 1 - LEVEL_DOWN and before > 0:
            after = before - 1
        c["before"]["development_level"] = LEVELS[before]
        c["after"]["development_level"] = LEVELS[after]

    # Attrition: some children only seen before, a few only after.
    order = list(range(n))
    random.shuffle(order)
    n_before_only, n_after_only = round(ONLY_BEFORE * n), round(ONLY_AFTER * n)
    waves = {k: ("before",) for k in order[:n_before_only]}
    waves.update({k: ("after",) for k in order[n_before_only:n_before_only + n_after_only]})

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cohort.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for k, c in enumerate(children):
            for wave in waves.get(k, ("before", "after")):
                values = [c[wave][col] for col in COLUMNS[7:-1]]
                for j in range(len(values)):
                    if random.random() < MISSING_RATE:
                        values[j] = "NA" if random.random() < 0.4 else ""
                level = c[wave]["development_level"]
                values.append("" if LEVEL_RNG.random() < MISSING_RATE else level)
                w.writerow([c["id"], c["group"], wave, c["centro"], c["sexo"],
                            c["edad_meses"], c["age_band"]] + values)


if __name__ == "__main__":
    main()
