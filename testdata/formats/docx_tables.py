"""Read a .docx back with python-docx: print its headings, captions and tables
as JSON ({"headings": [...], "captions": [...], "tables": [[[cell text, ...], ...], ...],
"pictures": N}). Used by tests/formats.rs to check the Word report's tables
against the JSON results.

    python3 testdata/formats/docx_tables.py report.docx
"""

import json
import sys

import docx

d = docx.Document(sys.argv[1])


def style(p):
    return p.style.name if p.style is not None else ""


out = {
    "headings": [p.text for p in d.paragraphs if style(p).lower().startswith("heading")],
    "captions": [p.text for p in d.paragraphs if style(p) == "Caption"],
    "tables": [[[c.text for c in r.cells] for r in t.rows] for t in d.tables],
    "table_styles": [t.style.name if t.style is not None else None for t in d.tables],
    "pictures": len(d.inline_shapes),
    "section": {
        "width_mm": round(d.sections[0].page_width.mm),
        "height_mm": round(d.sections[0].page_height.mm),
    },
}
json.dump(out, sys.stdout, ensure_ascii=False)
