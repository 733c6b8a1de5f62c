#!/usr/bin/env python3
"""Generate examples/visits/visits.csv: a tiny synthetic cohort shaped like a
family-reintegration program followed over six home visits.

Not real children. Standard library only; running it twice gives identical bytes.
Usage: python3 examples/visits/generate.py
"""
import csv
import os
import random

rng = random.Random(20261206)

N_PROGRAM, N_CONTROL = 7, 6
VISITS = [f"visita {k}" for k in range(1, 7)]        # months 0, 2, 4, 6, 9, 12
# Chance of attending school at each visit, per arm: rising in the program.
ATTEND = {
    "programa": [0.55, 0.62, 0.70, 0.76, 0.82, 0.88],
    "comparación": [0.50, 0.52, 0.55, 0.57, 0.60, 0.63],
}
PERSIST = 0.6          # how strongly a child's attendance follows the last visit
GRADE_GAIN = {"programa": 0.25, "comparación": 0.08}   # per visit, on a 0–10 scale
MISSED = {("PR-03", "visita 4")}                         # a visit that did not happen


def rows():
    children = [("PR-%02d" % i, "programa") for i in range(1, N_PROGRAM + 1)]
    children += [("CO-%02d" % i, "comparación") for i in range(1, N_CONTROL + 1)]
    for folio, arm in children:
        base_grade = rng.gauss(6.2, 1.1)
        attends = None
        for k, visit in enumerate(VISITS):
            p = ATTEND[arm][k]
            if attends is None or rng.random() > PERSIST:
                attends = rng.random() < p
            elif not attends and rng.random() < p / 2:
                attends = True
            grade = base_grade + GRADE_GAIN[arm] * k + rng.gauss(0, 0.45)
            grade = min(10.0, max(0.0, round(grade * 2) / 2))   # half points: ties
            if (folio, visit) in MISSED:
                continue
            yield {
                "folio": folio,
                "grupo": arm,
                "momento": visit,
                "asiste_escuela": "sí" if attends else "no",
                "calificacion": f"{grade:.1f}",
            }


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "visits.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["folio", "grupo", "momento", "asiste_escuela", "calificacion"],
                           lineterminator="\n")
        w.writeheader()
        for r in rows():
            w.writerow(r)


if __name__ == "__main__":
    main()
