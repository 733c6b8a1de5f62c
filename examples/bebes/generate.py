"""Generate cohort.csv: a synthetic baby cohort for `evaluate` (CONTRACT.md
§10.2). 120 babies aged 1 to 18 months at the first visit, a program group
(nutrition counselling) and a control group, weighed and measured twice about
six months apart. Weight in kg, length/height in cm, age in days, sex as
niño/niña, position as acostado/de pie. Seeded, standard library only:

    python3 generate.py > cohort.csv
"""
import math
import random

rng = random.Random(2027)

# Rough growth curves (for a plausible synthetic cohort only, not WHO's): length
# (cm) by age in months, girls a little shorter; weight (kg) by length.
def median_weight_for_length(cm):
    return 5.9 + 0.265 * (cm - 60.0)


def median_length(months, girl):
    l = 49.9 + 26.0 * (1 - math.exp(-months / 9.0)) + 0.32 * months
    return l * (0.985 if girl else 1.0)


print("folio,grupo,momento,sexo,edad_dias,peso_kg,talla_cm,posicion")
for i in range(1, 121):
    arm = "programa" if i <= 60 else "control"
    girl = rng.random() < 0.5
    sex = "niña" if girl else "niño"
    age0 = rng.randint(30, 540)
    # A child's own position on the growth curves, below the median on average.
    wz = rng.gauss(-1.0, 0.9)
    lz = rng.gauss(-0.2, 1.0)
    for visit, days in (("inicial", age0), ("final", age0 + rng.randint(170, 200))):
        if visit == "final" and rng.random() < 0.05:
            continue  # not seen at the second visit
        months = days / 30.4375
        gain = 0.6 if (arm == "programa" and visit == "final") else 0.0
        length = median_length(months, girl) * (1 + 0.035 * (lz + rng.gauss(0, 0.2)))
        weight = median_weight_for_length(length) * (1 + 0.09 * (wz + gain + rng.gauss(0, 0.3)))
        position = "acostado" if days < 731 else "de pie"
        print(f"B{i:03d},{arm},{visit},{sex},{days},{weight:.1f},{length:.1f},{position}")
