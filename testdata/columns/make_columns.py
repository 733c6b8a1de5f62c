#!/usr/bin/env python3
"""Make the issue-20 fixtures: small files shaped like NGO exports (Spanish names,
`;` and decimal commas where a Spanish Excel puts them). Deterministic."""
import os, random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20)


def write(name, rows, sep=","):
    with open(os.path.join(here, name), "w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write(sep.join(quoted(str(x), sep) for x in r) + "\n")


def quoted(x, sep):
    return '"' + x.replace('"', '""') + '"' if sep in x or '"' in x else x


def comma(x, d=1):
    return f"{x:.{d}f}".replace(".", ",")


# A wide export with _t0/_t1 endings, `;` and decimal commas; sexo has no wave word.
rows = [["folio", "grupo", "sexo", "q1_t0", "q1_t1", "peso_kg_t0", "peso_kg_t1"]]
for i in range(30):
    g = "programa" if i % 2 == 0 else "control"
    w0 = 11.5 + (i % 9) * 0.55
    rows.append([f"F{i + 1:03d}", g, ["niña", "niño"][i % 3 == 0], 2 + i % 3,
                 2 + i % 3 + (1 if g == "programa" and i % 4 else i % 2),
                 comma(w0), comma(w0 + (0.9 if g == "programa" else 0.5) + (i % 5) * 0.1)])
write("encuesta_t0_t1.csv", rows, ";")

# Columns that pair under words evaluate does not know (inicio/cierre).
rows = [["folio", "grupo", "q1_inicio", "q1_cierre", "q2_inicio", "q2_cierre"]]
for i in range(20):
    g = "programa" if i % 2 == 0 else "control"
    rows.append([f"F{i + 1:03d}", g, i % 5, i % 4, i % 3, i % 5 + 1])
write("encuesta_inicio_cierre.csv", rows)

# R's sleep data: extra, group (the two drugs: here the waves), ID.
extra = [[0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
         [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]]
rows = [["extra", "group", "ID"]]
for g, xs in enumerate(extra):
    for i, x in enumerate(xs):
        rows.append([x, g + 1, i + 1])
write("sleep.csv", rows)

# One file per arm: only the program's file has the workshop attendance column.
for name, arm, extra_col in [("intervencion.csv", 1, True), ("control.csv", 0, False)]:
    rows = [["folio", "momento", "puntaje"] + (["asistencia_taller"] if extra_col else [])]
    for i in range(12):
        for w, m in enumerate(["inicial", "final"]):
            r = [f"{'P' if arm else 'C'}{i + 1:02d}", m, 20 + i % 6 + w * (4 if arm else 1) + i % 2]
            if extra_col:
                r.append(comma(0.5 + (i % 5) * 0.1, 2))
            rows.append(r)
    write(name, rows, ";")

# Centres nested in the arms (a cluster, not a stratum), and a score.
rows = [["folio", "grupo", "momento", "centro", "puntaje"]]
for i in range(30):
    g, c = ("programa", "Centro " + "AB"[i % 4 // 2]) if i % 2 == 0 else ("control", "Centro " + "CD"[i % 4 // 2])
    for w, m in enumerate(["inicial", "final"]):
        rows.append([f"F{i + 1:03d}", g, m, c, i + w])
write("centros.csv", rows)

# Visit dates (day/month/year and ISO), long repeated comments, an item coded
# 1 = sí, 2 = no, and weights with decimal commas.
long_a = "La madre refiere que el niño asiste regularmente a las sesiones y participa con entusiasmo en las actividades."
long_b = "No se pudo completar la evaluación porque el niño estaba enfermo; se reprogramó la visita para la semana siguiente."
rows = [["folio", "grupo", "momento", "fecha_visita", "fecha_registro", "asiste", "peso_kg", "comentarios"]]
for i in range(24):
    g = "programa" if i % 2 == 0 else "control"
    for w, m in enumerate(["inicial", "final"]):
        yes = 2 if (i + w) % 3 == 0 else 1
        rows.append([f"F{i + 1:03d}", g, m, f"{i % 28 + 1:02d}/{3 + 6 * w:02d}/2024",
                     f"2024-{4 + 6 * w:02d}-{i % 28 + 1:02d}", yes,
                     comma(12 + (i % 7) * 0.5 + w * 0.8), [long_a, long_b, "Sin observaciones."][i % 3]])
write("visitas.csv", rows, ";")

# Outcomes where lower is better: anxiety (a score) and school drop-out (sí/no).
rows = [["folio", "grupo", "momento", "ansiedad", "abandono_escolar"]]
for i in range(40):
    g = "programa" if i % 2 == 0 else "control"
    drop = 5 + i % 3 if g == "programa" else i % 3
    rows.append([f"F{i + 1:03d}", g, "inicial", 20 + i % 7, "sí" if i % 3 == 0 else "no"])
    rows.append([f"F{i + 1:03d}", g, "final", 20 + i % 7 + 1 - drop,
                 "sí" if (i % 3 == 0 and g == "control") or i % 10 == 1 else "no"])
write("ansiedad.csv", rows)

# Arms and three waves coded with numbers, as a data-entry form stores them.
rows = [["folio", "grupo", "momento", "puntaje"]]
for i in range(20):
    g = 1 if i % 2 == 0 else 2
    for v in (1, 2, 3):
        rows.append([f"N{i + 1:02d}", g, v, 10 + i % 5 + (v - 1) * (3 if g == 1 else 1) + (i * v) % 3])
write("visitas_codificadas.csv", rows)
