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
