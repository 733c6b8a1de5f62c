#!/usr/bin/env python3
"""Make the spreadsheet fixtures: a small cohort as .xlsx (two sheets, the data on
the second) and as .xls, plus a workbook with a formula error. Needs openpyxl, xlwt."""
import csv, os
import openpyxl, xlwt

here = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.reader(open(os.path.join(here, "..", "cli", "small.csv"))))

def typed(v):
    try:
        return float(v) if "." in v else int(v)
    except ValueError:
        return v

wb = openpyxl.Workbook()
notes = wb.active
notes.title = "Notas"
notes["A1"] = "Evaluación 2024 — datos en la hoja 'Datos'"
data = wb.create_sheet("Datos")
for r in rows:
    data.append([typed(v) for v in r])
wb.save(os.path.join(here, "cohort.xlsx"))

book = xlwt.Workbook()
sh = book.add_sheet("Datos")
for i, r in enumerate(rows):
    for j, v in enumerate(r):
        sh.write(i, j, typed(v))
book.save(os.path.join(here, "cohort.xls"))

bad = openpyxl.Workbook()
ws = bad.active
ws.title = "Datos"
for r in rows[:6]:
    ws.append([typed(v) for v in r])
ws["D4"] = "#DIV/0!"  # an error cell, as Excel saves a failed formula
bad.save(os.path.join(here, "formula_error.xlsx"))

# Issue 20: a workbook as NGOs send it: instructions on the first sheet, the data on
# the second (a visit date in a date-formatted column, weights with decimals), a
# codebook on the third.
import datetime, random
rng = random.Random(20)
wb = openpyxl.Workbook()
ins = wb.active
ins.title = "Instrucciones"
for line in [
    "Registro de visitas 2024 — Programa Crecer Juntos",
    "",
    "1. Llene una fila por niño y visita en la hoja 'Datos'.",
    "2. grupo: programa o control; momento: inicial o final.",
    "3. Escriba el peso en kilogramos con decimales (15,2).",
    "4. No cambie los nombres de las columnas.",
]:
    ins.append([line])
data = wb.create_sheet("Datos")
data.append(["folio", "grupo", "momento", "fecha_visita", "peso_kg", "lectura"])
for i in range(24):
    g = "programa" if i % 2 == 0 else "control"
    base_w = 12.0 + (i % 7) * 0.6
    base_r = 20 + (i * 7) % 15
    for w, m in enumerate(["inicial", "final"]):
        day = datetime.date(2024, 3 if w == 0 else 9, 1 + i % 28)
        gain = (1.1 if g == "programa" else 0.6) * w
        read = base_r + w * (9 if g == "programa" else 4) + (i * w) % 4
        data.append([f"F{i + 1:03d}", g, m, day, round(base_w + gain + rng.random() * 0.3, 1), read])
for row in data.iter_rows(min_row=2, min_col=4, max_col=4):
    for c in row:
        c.number_format = "DD/MM/YYYY"
codes = wb.create_sheet("Códigos")
codes.append(["Los códigos de grupo y momento se explican en 'Instrucciones'."])
wb.save(os.path.join(here, "visitas.xlsx"))

# No sheet holds data: a cover note, an empty sheet and a header without rows.
wb = openpyxl.Workbook()
wb.active.title = "Portada"
wb.active["A1"] = "Datos pendientes de captura"
wb.create_sheet("Hoja2")
hdr = wb.create_sheet("Datos")
hdr.append(["folio", "grupo", "momento", "peso_kg"])
wb.save(os.path.join(here, "sin_datos.xlsx"))
