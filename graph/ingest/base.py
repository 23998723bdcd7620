"""What every reader yields, and the table reading they share.

A reader turns one file into :class:`Record` objects, one per data row, each with the file line
it came from. A row the reader cannot use raises :class:`BadRow` (malformed: an error, or skipped
and counted with ``--skip-bad``) or :class:`SkipRow` (well-formed but not imported, for example
another species; always counted, never an error).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IngestError

HUMAN = "Homo sapiens"


@dataclass(frozen=True)
class Name:
    """An entity as a resource writes it: the text, what kind of thing it is, and its ids there."""

    text: str
    kind: str  # mirna, gene, ncrna, drug, cancer, go, sample
    entrez: str = ""
    go_id: str = ""
    aspect: str = ""  # GO aspect P, F or C


@dataclass
class Record:
    """One data row as an assertion to be: subject -relation-> object, with the source's evidence."""

    line: int
    subject: Name
    relation: str  # an ExoKG relation name (exo:<relation>)
    object: Name
    level: str = "curatedBySource"  # or "predicted"
    species: tuple[str, ...] = (HUMAN,)
    negated: bool = False
    cancer: Name | None = None
    record_id: str = ""
    support_type: str = ""
    experiments: tuple[str, ...] = ()
    pmids: tuple[str, ...] = ()
    evidence_code: str = ""
    sample: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class BadRow(Exception):
    """A malformed row: ``problem`` and ``fix`` are written after ``FILE:LINE:``."""

    def __init__(self, line: int, problem: str, fix: str):
        super().__init__(problem)
        self.line, self.problem, self.fix = line, problem, fix


class SkipRow(Exception):
    """A well-formed row that is not imported, counted under ``reason``."""

    def __init__(self, reason: str, count: int = 1):
        super().__init__(reason)
        self.reason, self.count = reason, count


def header_key(text: str) -> str:
    """Column names compare without case, spaces or punctuation: 'Target Gene (Entrez ID)' =
    'target_gene_entrez_id'."""
    return re.sub(r"[^a-z0-9]+", "", str(text or "").casefold())


def split_list(text: str, separators: Iterable[str] = ";,|/") -> tuple[str, ...]:
    """Split a multi-valued cell ('Luciferase reporter assay//Western blot', '123;456') into
    its parts, without blanks or duplicates, in their first-seen order."""
    parts = re.split("|".join(re.escape(s) for s in separators), text or "")
    seen: dict[str, None] = {}
    for part in parts:
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def pmids(text: str, line: int) -> tuple[str, ...]:
    """PubMed ids of a cell; anything but digits is a bad row."""
    found = split_list(text, ";,| ")
    for pmid in found:
        if not pmid.isdigit():
            raise BadRow(line, f"PMID '{pmid}' is not a number", "write PubMed ids as digits separated by ';'")
    return found


class Table:
    """The rows of a CSV/TSV or .xlsx file as dicts keyed by :func:`header_key`, with their line."""

    def __init__(self, path: Path, required: dict[str, tuple[str, ...]], source: str,
                 optional: dict[str, tuple[str, ...]] | None = None):
        """``required`` maps a field name to the column spellings accepted for it (compared with
        :func:`header_key`); the header must have every one. ``optional`` columns may be absent
        (their field is then empty)."""
        self.path, self.required, self.source = Path(path), required, source
        self.optional = optional or {}

    def _raw_rows(self):
        if self.path.suffix.lower() in (".xlsx", ".xlsm"):
            yield from self._xlsx_rows()
            return
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(65536)
            handle.seek(0)
            delimiter = "\t" if sample.count("\t") >= sample.count(",") else ","
            reader = csv.reader(handle, delimiter=delimiter)
            for cells in reader:
                yield reader.line_num, cells

    def _xlsx_rows(self):
        try:
            import openpyxl
        except ImportError as err:  # pragma: no cover - a declared dependency
            raise IngestError("reading .xlsx needs openpyxl. Fix: pip install openpyxl") from err
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as err:  # openpyxl raises several types for a file that is not a workbook
            raise IngestError(f"{self.path}: not a readable .xlsx workbook ({err}). "
                              "Fix: pass the file as downloaded, or export it as CSV/TSV") from err
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                               for v in values]
        finally:
            book.close()

    def rows(self):
        """Yield (line, {field: cell}) for every data row, or (line, BadRow) for a row with too few
        cells; blank lines are passed over."""
        raw = self._raw_rows()
        header_line, header = None, None
        for line, cells in raw:
            if any(c.strip() for c in cells) and not cells[0].startswith("#"):
                header_line, header = line, [header_key(c) for c in cells]
                break
        if header is None:
            raise IngestError(f"{self.path}: no header row. Fix: pass a {self.source} file with its header line")
        columns = {}
        missing = []
        for name, spellings in {**self.required, **self.optional}.items():
            keys = [header_key(s) for s in spellings]
            index = next((header.index(k) for k in keys if k in header), None)
            if index is None and name in self.required:
                missing.append(spellings[0])
            columns[name] = index
        if missing:
            raise IngestError(f"{self.path}:{header_line}: not a {self.source} header: no column {', '.join(missing)}. "
                              f"Fix: pass the file in the layout docs/import.md gives for {self.source}")
        last = max(i for i in columns.values() if i is not None)
        for line, cells in raw:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) <= last:
                yield line, BadRow(line, f"{len(cells)} cells where the header has {len(header)}",
                                   "check for a missing tab/comma or a line break inside a cell")
                continue
            yield line, {name: cells[i].strip() if i is not None else "" for name, i in columns.items()}


def each_row(table: Table, parse):
    """Run ``parse(line, row) -> Record`` over a table's rows, yielding each Record, or the
    BadRow / SkipRow it raised, so that the importer can count them and go on."""
    for line, row in table.rows():
        if isinstance(row, BadRow):
            yield row
            continue
        try:
            yield parse(line, row)
        except (BadRow, SkipRow) as problem:
            yield problem
