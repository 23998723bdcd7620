"""Render rows (a list of dicts) as an aligned table, JSON, CSV or TSV.

The format names here are the ones every command's ``--format`` offers.

>>> print(render([{"a": "x", "b": 1}], ["a", "b"], "csv"), end="")
a,b
x,1
"""
from __future__ import annotations

import json

from .errors import FormatError

ROW_FORMATS = ("table", "json", "csv", "tsv")

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour and
# cursor sequences), DEL, line and paragraph separators, and bidirectional overrides; each is
# written as its escape by str.translate (a table is made faster than a pattern is compiled).
_UNPRINTABLE = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x200E, 0x200F, *range(0x202A, 0x202F),
                *range(0x2066, 0x206A)]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNPRINTABLE}
_ESCAPES_KEEP_LINES = {code: escape for code, escape in _ESCAPES.items() if code != 0x0A}


def printable(text: str, *, keep_newlines: bool = False) -> str:
    r"""``text`` with every character a terminal would act on written as a visible escape, for
    human-readable output (tables, entity cards, path text, error lines). JSON, CSV and TSV
    output keep values as they are.

    >>> print(printable("miR-21\x1b[31m red\u2028x"))
    miR-21\x1b[31m red\u2028x
    >>> printable("a\nb", keep_newlines=True) == "a\nb"
    True
    """
    return text.translate(_ESCAPES_KEEP_LINES if keep_newlines else _ESCAPES)


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
        import csv  # not at the top: a table needs neither csv nor io
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return buffer.getvalue()
    cells = [[printable(_cell(row.get(c))) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"
