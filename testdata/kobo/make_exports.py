#!/usr/bin/env python3
"""Survey-platform export fixtures, shaped as KoboToolbox and ODK Central write them
(from their export documentation): the same 40 children before and after.

* kobo_xml.csv   — Kobo "XML values and headers": ';'-separated, every field quoted,
                   group paths with '/', select_multiple as a space-separated column
                   plus one 0/1 column per choice, metadata columns (start, end,
                   today, deviceid, _id, _uuid, _submission_time, _validation_status,
                   _notes, _status, _submitted_by, __version__, _tags, _index).
* kobo_labels.csv — Kobo "Labels" export of the same form: yes/no as "Sí"/"No".
* odk_central.csv — ODK Central: ',' separated, groups joined with '-',
                   SubmissionDate first, meta-instanceID, KEY, SubmitterID/Name,
                   AttachmentsPresent/Expected, Status, ReviewState, DeviceID, Edits,
                   FormVersion.
Standard library only; seeded."""
import csv, os, random

random.seed(11)
here = os.path.dirname(os.path.abspath(__file__))
CHOICES = ["lectura", "juego", "deporte"]
LEVELS = ["deficiente", "normal", "sobresaliente"]
records = []
for k in range(1, 41):
    grupo = "programa" if k <= 20 else "control"
    base_rp = random.random() < 0.4
    base_lv = random.choice([0, 0, 1, 1, 2])
    for momento in ("antes", "despues"):
        post = momento == "despues"
        lift = post and grupo == "programa"
        rp = base_rp or (lift and random.random() < 0.5)
        acts = [c for c in CHOICES if random.random() < (0.6 if lift else 0.3)]
        lv = min(2, base_lv + (1 if lift and random.random() < 0.4 else 0))
        records.append(dict(folio=f"F{k:03d}", grupo=grupo, momento=momento,
                            rp=rp, acts=acts, nivel=LEVELS[lv],
                            peso=round(random.gauss(15 + (1 if post else 0), 2), 1)))

def uuid(i):
    return f"{random.getrandbits(128):032x}"[:8] + f"-{i:04d}"

# Kobo, XML values.
head = (["start", "end", "today", "deviceid", "datos_generales/folio", "datos_generales/grupo",
         "datos_generales/momento", "desarrollo/resuelve_problemas", "desarrollo/actividades"]
        + [f"desarrollo/actividades/{c}" for c in CHOICES]
        + ["desarrollo/nivel", "salud/peso_kg", "_id", "_uuid", "_submission_time",
           "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"])
with open(os.path.join(here, "kobo_xml.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(head)
    for i, r in enumerate(records, 1):
        w.writerow(["2024-03-01T09:00:00.000-06:00", "2024-03-01T09:20:00.000-06:00", "2024-03-01",
                    "collect:abc123", r["folio"], r["grupo"], r["momento"],
                    "si" if r["rp"] else "no", " ".join(r["acts"])]
                   + [str(int(c in r["acts"])) for c in CHOICES]
                   + [r["nivel"], str(r["peso"]), str(1000 + i), uuid(i), "2024-03-01T15:20:00",
                      "", "", "submitted_via_web", "enumerador1", "vAbCdEf", "", str(i)])

# Kobo, labels: question labels as headers, "Sí"/"No", choice labels.
lab = (["start", "end", "Datos generales/Folio", "Datos generales/Grupo", "Datos generales/Momento",
        "Desarrollo/¿Resuelve problemas?", "Desarrollo/Actividades"]
       + [f"Desarrollo/Actividades/{c.capitalize()}" for c in CHOICES]
       + ["Desarrollo/Nivel", "_id", "_uuid", "_submission_time", "_index"])
with open(os.path.join(here, "kobo_labels.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(lab)
    for i, r in enumerate(records, 1):
        w.writerow(["2024-03-01T09:00:00", "2024-03-01T09:20:00", r["folio"], r["grupo"].capitalize(),
                    r["momento"].capitalize(), "Sí" if r["rp"] else "No",
                    " ".join(c.capitalize() for c in r["acts"])]
                   + [str(int(c in r["acts"])) for c in CHOICES]
                   + [r["nivel"].capitalize(), str(1000 + i), uuid(i), "2024-03-01T15:20:00", str(i)])

# ODK Central.
odk = (["SubmissionDate", "start", "end", "ninos-folio", "ninos-grupo", "ninos-momento",
        "desarrollo-resuelve_problemas", "desarrollo-nivel", "salud-peso_kg", "meta-instanceID",
        "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
        "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"])
with open(os.path.join(here, "odk_central.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(odk)
    for i, r in enumerate(records, 1):
        key = "uuid:" + uuid(i)
        w.writerow(["2024-03-01T15:20:00.000Z", "2024-03-01T09:00:00.000-06:00",
                    "2024-03-01T09:20:00.000-06:00", r["folio"], r["grupo"], r["momento"],
                    "yes" if r["rp"] else "no", r["nivel"], str(r["peso"]), key, key, "5",
                    "enumerador1", "0", "0", "", "approved", "collect:abc123", "0", "2024030101"])
