"""Generate escala.csv: a small pre/post questionnaire (4 items on 1-5, item
q3 worded in reverse, some items unanswered) for tests/derived.rs. Seeded,
standard library only: python3 make_escala.py > escala.csv"""
import random

rng = random.Random(20271)
print("id,grupo,momento,q1,q2,q3,q4")
for i in range(1, 41):
    arm = "programa" if i % 2 else "control"
    trait = rng.gauss(0, 1)
    for wave, shift in (("antes", 0.0), ("despues", 0.4 if arm == "programa" else 0.1)):
        cells = []
        for j in range(4):
            x = 3 + trait + shift + rng.gauss(0, 0.9)
            if j == 2:
                x = 6 - x
            v = min(5, max(1, round(x)))
            cells.append("" if rng.random() < 0.06 else str(v))
        if i == 7 and wave == "despues":
            cells[0] = "NA"
            cells[1] = ""
        print(f"E{i:03d},{arm},{wave}," + ",".join(cells))
