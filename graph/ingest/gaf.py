"""GO annotations in GAF 2.2.

Layout (docs/import.md): lines starting with ``!`` are the header (the first is
``!gaf-version: 2.2``); then 17 tab-separated columns: DB, DB Object ID, DB Object Symbol,
Qualifier, GO ID, DB:Reference, Evidence Code, With/From, Aspect, DB Object Name, Synonym,
DB Object Type, Taxon, Date, Assigned By, Annotation Extension, Gene Product Form ID.
The qualifier (GAF 2.2 always gives one) chooses the relation: ``..._positive_effect`` ->
promotes, ``..._negative_effect`` -> suppresses, any other -> associatedWith; ``NOT|`` makes the
assertion negated. Evidence code IEA is "predicted", every other code "curated by the source".
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import IngestError
from .base import HUMAN, BadRow, Name, Record, SkipRow

COLUMNS = 17
PREDICTED_CODES = frozenset({"IEA"})


def relation_of(qualifier: str) -> tuple[str, bool]:
    negated = qualifier.startswith("NOT|") or qualifier == "NOT"
    name = qualifier.removeprefix("NOT|")
    if name.endswith("positive_effect"):
        return "promotes", negated
    if name.endswith("negative_effect"):
        return "suppresses", negated
    return "associatedWith", negated


def parse(line: int, text: str, aspects: str) -> Record:
    cells = text.rstrip("\r\n").split("\t")
    if len(cells) not in (COLUMNS, COLUMNS - 1):  # a trailing empty column 17 may be cut
        raise BadRow(line, f"{len(cells)} columns where GAF 2.2 has {COLUMNS}", "check the tabs of this line")
    db, object_id, symbol, qualifier, go_id, reference, code, _with, aspect = cells[:9]
    taxon = cells[12]
    if not re.fullmatch(r"GO:\d{7}", go_id):
        raise BadRow(line, f"'{go_id}' is not a GO id", "column 5 must be GO:nnnnnnn")
    if not symbol or not code:
        raise BadRow(line, "empty DB Object Symbol or Evidence Code", "fill columns 3 and 7")
    if aspect not in ("P", "F", "C"):
        raise BadRow(line, f"aspect '{aspect}' is not P, F or C", "column 9 must be P, F or C")
    if aspect not in aspects:
        raise SkipRow("aspect-not-selected")
    if not qualifier:
        raise BadRow(line, "empty Qualifier", "GAF 2.2 requires a relation in column 4 (for example involved_in)")
    relation, negated = relation_of(qualifier)
    taxa = [t.removeprefix("taxon:") for t in taxon.split("|")]
    species = HUMAN if taxa[0] == "9606" else f"NCBITaxon:{taxa[0]}"
    refs = [r.removeprefix("PMID:") for r in reference.split("|") if r.startswith("PMID:")]
    return Record(
        line=line,
        subject=Name(symbol, "gene", entrez=object_id if db == "NCBIGene" else ""),
        relation=relation,
        object=Name(go_id, "go", go_id=go_id, aspect=aspect),
        level="predicted" if code in PREDICTED_CODES else "curatedBySource",
        species=(species,),
        negated=negated,
        record_id=f"{db}:{object_id}",
        support_type=qualifier,
        evidence_code=code,
        pmids=tuple(r for r in refs if r.isdigit()),
    )


def header(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for text in handle:
            if not text.startswith("!"):
                break
            key, _, value = text[1:].partition(":")
            found.setdefault(key.strip(), value.strip())
    return found


def read(path: Path, options):
    aspects = getattr(options, "aspects", "P")
    meta = header(path)
    if meta.get("gaf-version") != "2.2":
        raise IngestError(f"{path}:1: not a GAF 2.2 file (first line must be '!gaf-version: 2.2', "
                          f"found {meta.get('gaf-version') or 'none'}). Fix: pass a GAF 2.2 file")
    with Path(path).open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            if text.startswith("!") or not text.strip():
                continue
            try:
                yield parse(line, text, aspects)
            except (BadRow, SkipRow) as problem:
                yield problem


def version(path: Path) -> str:
    meta = header(path)
    return meta.get("go-version") or meta.get("date-generated") or ""


def go_names(path: Path | None) -> dict[str, str]:
    """GO id -> term name from GO.db's GO.sqlite, when given (GAF files carry no term names)."""
    if path is None:
        return {}
    from .orghs import go_terms

    return go_terms(Path(path))
