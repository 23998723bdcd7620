"""Render rows (a list of dicts) as an aligned table, JSON, CSV or TSV.

The format names here are the ones every command's ``--format`` offers.

>>> print(render([{"a": "x", "b": 1}], ["a", "b"], "csv"), end="")
a,b
x,1
"""
from __future__ import annotations

import csv
import io
import json

from .errors import FormatError

ROW_FORMATS = ("table", "json", "csv", "tsv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def render(rows: list[dict], columns: list[str], fmt: str = "table") -> str:
    if fmt not in ROW_FORMATS:
        raise FormatError(f"unknown format '{fmt}'. Fix: use one of {', '.join(ROW_FORMATS)}")
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return buffer.getvalue()
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"
