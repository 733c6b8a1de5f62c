"""Write the SPSS and Stata fixtures of tests/formats.rs with the reference tools'
own libraries (pyreadstat, which wraps ReadStat, and pandas), and the CSV that
holds the same data as text: labels as their text, every missing value empty.

    pip install pyreadstat pandas
    python3 testdata/formats/make_fixtures.py

The data: 24 children seen before and after, two arms. `Grupo` and `momento`
are coded with value labels, `Lee` is 0/1 labelled no/sí with 9 = "no sabe"
(missing), `nivel` is 1-3 labelled, `Puntaje` is a score with 999 = "no
aplicó" (missing). In SPSS 9 and 999 are user-missing values; in Stata they are
the missing values .a and .b.
"""

import os
import random

import pandas as pd
import pyreadstat

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(19)

GRUPO = {1: "programa", 2: "control"}
MOMENTO = {1: "antes", 2: "después"}
LEE = {0: "no", 1: "sí", 9: "no sabe"}
NIVEL = {1: "bajo", 2: "medio", 3: "alto"}

rows = []
for i in range(1, 25):
    grupo = 1 if i <= 12 else 2
    base = round(random.gauss(50, 8), 1)
    for momento in (1, 2):
        gain = (6 if grupo == 1 else 2) if momento == 2 else 0
        puntaje = round(base + gain + random.gauss(0, 3), 1)
        lee = 1 if random.random() < (0.3 + 0.3 * (momento == 2) * (grupo == 1)) else 0
        nivel = 1 + min(2, int((puntaje - 40) // 8)) if puntaje >= 40 else 1
        rows.append([f"K{i:03d}", grupo, momento, puntaje, lee, nivel])
# Missing codes: a score not taken (999), a "no sabe" (9), a truly empty score.
rows[3][3] = 999.0
rows[10][4] = 9
rows[17][3] = None

cols = ["Folio", "Grupo", "momento", "Puntaje", "Lee", "nivel"]
df = pd.DataFrame(rows, columns=cols)
labels = {"Grupo": GRUPO, "momento": MOMENTO, "Lee": LEE, "nivel": NIVEL}

# The CSV: labels as text, missing values empty.
text = df.copy().astype(object)
for c, m in labels.items():
    text[c] = [("" if v == 9 and c == "Lee" else m[v]) for v in df[c]]
text["Puntaje"] = ["" if (v is None or pd.isna(v) or v == 999) else f"{v:g}" for v in df["Puntaje"]]
text.to_csv(os.path.join(HERE, "cohort.csv"), index=False)

# SPSS: 999 and 9 declared user-missing; .sav row-compressed, .zsav zlib.
sav_labels = dict(labels)
sav_labels["Puntaje"] = {999: "no aplicó"}
missing = {"Puntaje": [999], "Lee": [9]}
pyreadstat.write_sav(df, os.path.join(HERE, "cohort.sav"), variable_value_labels=sav_labels,
                     missing_ranges=missing, row_compress=True)
pyreadstat.write_sav(df, os.path.join(HERE, "cohort.zsav"), variable_value_labels=sav_labels,
                     missing_ranges=missing, compress=True)
# A range of user-missing values and an uncompressed file.
pyreadstat.write_sav(df, os.path.join(HERE, "cohort_range.sav"), variable_value_labels=sav_labels,
                     missing_ranges={"Puntaje": [{"lo": 900, "hi": 1000}], "Lee": [9]})

# Stata: 999 → .b, 9 → .a (tagged missing values), format 118 (Stata 14+).
st = df.copy().astype(object)
st["Puntaje"] = ["b" if v == 999 else v for v in df["Puntaje"]]
st["Lee"] = ["a" if v == 9 else v for v in df["Lee"]]
pyreadstat.write_dta(st, os.path.join(HERE, "cohort.dta"), version=14,
                     variable_value_labels={k: {a: b for a, b in v.items() if a != 9} for k, v in labels.items()},
                     missing_user_values={"Puntaje": ["b"], "Lee": ["a"]})

# pandas' own writer, format 117 (Stata 13) and 114 (Stata 10-12): labelled columns
# as categoricals, missing as system missing (.).
pdf = df.copy()
pdf.loc[pdf["Puntaje"] == 999, "Puntaje"] = float("nan")
pdf["Lee"] = pdf["Lee"].where(pdf["Lee"] != 9)
for c, m in labels.items():
    pdf[c] = pd.Categorical(pdf[c].map(m), categories=[v for k, v in sorted(m.items()) if not (c == "Lee" and k == 9)])
pdf.to_stata(os.path.join(HERE, "cohort_117.dta"), write_index=False, version=117)
pdf.to_stata(os.path.join(HERE, "cohort_114.dta"), write_index=False, version=114)

# A score stored as text with a word in row 6: the error names file, row, variable.
bad = df.copy()
bad["Puntaje"] = [("abc" if i == 5 else ("" if pd.isna(v) else f"{v:g}")) for i, v in enumerate(df["Puntaje"])]
pyreadstat.write_sav(bad, os.path.join(HERE, "text_in_score.sav"), variable_value_labels=labels)
