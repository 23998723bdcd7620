"""Read and check the curated tables (see CURATION.md).

Every problem is collected with its file and line, and all of them are raised together as one
:class:`~graph.errors.CurationError`, so a curator fixes a whole batch per run.

Run ``python -m graph.curation [DIR]`` to check the tables without building.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import CurationError, IdentifierError, Problem
from .identifiers import split_curie
from .model import (
    MODEL_EVIDENCE,
    QUALIFIERS,
    REFERENCE_RANGE,
    REQUIRED_QUALIFIERS,
    Curation,
    Entity,
    Provenance,
    Reference,
    Statement,
)
from .ontology import load_ontology

ENTITY_COLUMNS = ("key", "type", "label", "synonyms", "curie", "xrefs", "broader", "flags", "note")
ENTITY_REQUIRED = ("key", "type", "label")
STATEMENT_COLUMNS = ("id", "subject", "relation", "object", *(q.column for q in QUALIFIERS),
                     "section", "table_row", "references", "inferred_references", "summary")
STATEMENT_REQUIRED = ("id", "subject", "relation", "object", *REQUIRED_QUALIFIERS, "section", "summary")
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
FLAGS = ("unnamed",)
TABLE1_SECTION = "T1"


def data_dir() -> Path:
    return Path(str(resources.files("graph.data")))


def _rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem]):
    """Yield (line number, row dict) for the data lines of one TSV file."""
    name = _display(path)
    with path.open(encoding="utf-8", newline="") as handle:
        header = None
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                unknown = [c for c in header if c not in columns]
                missing = [c for c in required if c not in header]
                if unknown:
                    problems.append(Problem(name, lineno, f"unknown column(s) {', '.join(unknown)}",
                                            f"use only the columns {', '.join(columns)}"))
                if missing:
                    problems.append(Problem(name, lineno, f"missing required column(s) {', '.join(missing)}",
                                            "add them to the header line"))
                if unknown or missing:
                    return
                continue
            if len(cells) > len(header):
                problems.append(Problem(name, lineno, f"{len(cells)} cells but the header has {len(header)}",
                                        "remove the extra tab(s); use | inside a cell for several values"))
                continue
            cells += [""] * (len(header) - len(cells))
            yield lineno, {column: cell.strip() for column, cell in zip(header, cells)}
    if header is None:
        problems.append(Problem(name, 1, "no header line", f"start the file with: {chr(9).join(columns)}"))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())


def parse_references(cell: str) -> tuple[int, ...]:
    """Expand a reference cell: ``93``, ``18-20``, ``139|140`` (en dashes too).

    >>> parse_references("18–20|139")
    (18, 19, 20, 139)
    """
    numbers: list[int] = []
    for part in _split(cell):
        part = part.replace("–", "-").replace("—", "-")
        if re.fullmatch(r"\d+", part):
            numbers.append(int(part))
        elif m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", part):
            start, end = int(m.group(1)), int(m.group(2))
            if end < start:
                raise ValueError(f"range {part} runs backwards")
            numbers.extend(range(start, end + 1))
        else:
            raise ValueError(f"'{part}' is not a number or a range")
    return tuple(sorted(set(numbers)))


def _read_entities(paths: list[Path], problems: list[Problem]) -> dict[str, Entity]:
    ontology = load_ontology()
    classes = ontology.entity_classes
    entities: dict[str, Entity] = {}
    labels: dict[tuple[str, str], str] = {}
    for path in paths:
        name = _display(path)
        for lineno, row in _rows(path, ENTITY_COLUMNS, ENTITY_REQUIRED, problems):
            where = f"{name}:{lineno}"

            def bad(message: str, fix: str) -> None:
                problems.append(Problem(name, lineno, message, fix))

            key, etype, label = row["key"], row["type"], row.get("label", "")
            if not all((key, etype, label)):
                bad("key, type and label are required", "fill all three cells")
                continue
            if not KEY_PATTERN.fullmatch(key):
                bad(f"key '{key}' has characters outside [A-Za-z0-9_.+-]", "rename it, e.g. miR-221/222 -> miR-221_222")
                continue
            if etype not in classes:
                bad(f"unknown type '{etype}'", f"use one of {', '.join(classes)}")
                continue
            if key in entities:
                bad(f"key '{key}' is already defined at {entities[key].origin}",
                    "reuse that entity (delete this row) or choose another key")
                continue
            label_key = (etype, label.casefold())
            if label_key in labels:
                bad(f"label '{label}' is already used by {etype} '{labels[label_key]}'",
                    "make the labels distinct or merge the two entities")
                continue
            curie = row.get("curie") or None
            if curie:
                try:
                    split_curie(curie)
                except IdentifierError as err:
                    bad(str(err).split(". Fix:")[0], str(err).split("Fix: ")[-1])
                    continue
            xrefs = _split(row.get("xrefs", ""))
            for xref in xrefs:
                try:
                    split_curie(xref)
                except IdentifierError as err:
                    bad("xref " + str(err).split(". Fix:")[0], str(err).split("Fix: ")[-1])
            flags = _split(row.get("flags", ""))
            for flag in flags:
                if flag not in FLAGS:
                    bad(f"unknown flag '{flag}'", f"use one of {', '.join(FLAGS)} or leave it empty")
            synonyms = tuple(dict.fromkeys(s for s in _split(row.get("synonyms", "")) if s != label))
            entities[key] = Entity(key=key, type=etype, label=label, synonyms=synonyms, curie=curie, xrefs=xrefs,
                                   broader=row.get("broader") or None, unnamed="unnamed" in flags,
                                   note=row.get("note", ""), origin=where)
            labels[label_key] = key
    curies_seen: dict[str, str] = {}
    for entity in entities.values():
        file, _, line = entity.origin.rpartition(":")
        if entity.broader:
            parent = entities.get(entity.broader)
            if parent is None:
                problems.append(Problem(file, int(line), f"broader '{entity.broader}' is not an entity key",
                                        "use the key of an existing entity or leave broader empty"))
            elif parent.type != entity.type:
                problems.append(Problem(file, int(line), f"broader '{entity.broader}' is a {parent.type}, "
                                        f"not a {entity.type}", "point broader to an entity of the same type"))
        if entity.curie:
            if entity.curie in curies_seen:
                problems.append(Problem(file, int(line), f"{entity.curie} is also the identifier of "
                                        f"'{curies_seen[entity.curie]}'",
                                        "merge the two entities, or keep the identifier on one only"))
            curies_seen[entity.curie] = entity.key
    return entities


def _read_statements(paths: list[Path], entities: dict[str, Entity], sections: dict[str, str],
                     problems: list[Problem]) -> list[Statement]:
    ontology = load_ontology()
    statements: list[Statement] = []
    ids: dict[str, str] = {}
    seen: dict[tuple, str] = {}
    for path in paths:
        name = _display(path)
        for lineno, row in _rows(path, STATEMENT_COLUMNS, STATEMENT_REQUIRED, problems):
            where = f"{name}:{lineno}"
            before = len(problems)

            def bad(message: str, fix: str) -> None:
                problems.append(Problem(name, lineno, message, fix))

            for column in STATEMENT_REQUIRED:
                if not row.get(column):
                    bad(f"'{column}' is empty", "every statement needs id, subject, relation, object, certainty, "
                        "evidence_level, section and a one-line summary in our own words")
            if len(problems) > before:
                continue
            sid = row["id"]
            if not ID_PATTERN.fullmatch(sid):
                bad(f"id '{sid}' has characters outside [A-Za-z0-9_.-]", "use <section>-<nnn>, e.g. 3.1-004")
            elif sid in ids:
                bad(f"id '{sid}' is already used at {ids[sid]}", "give this statement a new id")
            relation = ontology.relations.get(row["relation"])
            if relation is None:
                bad(f"unknown relation '{row['relation']}'", f"use one of {', '.join(ontology.relations)}")
            for role in ("subject", "object"):
                key = row[role]
                entity = entities.get(key)
                if entity is None:
                    bad(f"{role} '{key}' is not an entity key", "add it to an *.entities.tsv file or fix the spelling")
                elif relation is not None:
                    allowed = relation.domain if role == "subject" else relation.range
                    if not ontology.fits(entity.type, allowed):
                        bad(f"{role} '{key}' is a {entity.type}, outside the {role == 'subject' and 'domain' or 'range'}"
                            f" of {relation.name} ({', '.join(sorted(allowed))})",
                            "choose another relation, or correct the entity's type")
            context = []
            for qualifier in QUALIFIERS:
                values = _split(row.get(qualifier.column, ""))
                if not values:
                    continue
                for value in values:
                    if qualifier.values:
                        if value not in qualifier.values:
                            bad(f"{qualifier.column} '{value}' is not allowed",
                                f"use one of {', '.join(qualifier.values)}")
                    elif value not in entities:
                        bad(f"{qualifier.column} '{value}' is not an entity key", "add the entity or fix the key")
                    elif not any(ontology.is_a(entities[value].type, t) for t in qualifier.allowed_types):
                        bad(f"{qualifier.column} '{value}' is a {entities[value].type}",
                            f"use an entity of type {' or '.join(qualifier.allowed_types)}")
                if qualifier.column in REQUIRED_QUALIFIERS and len(set(values)) > 1:
                    bad(f"{qualifier.column} has {len(set(values))} values", "give exactly one value")
                context.append((qualifier.column, tuple(sorted(set(values)))))
            models = [MODEL_EVIDENCE.get(m) for m in _split(row.get("model", ""))]
            level = row.get("evidence_level", "")
            if models and level and level not in models:
                bad(f"evidence_level '{level}' disagrees with model '{row['model']}'",
                    f"use {' or '.join(sorted(set(m for m in models if m)))}, or correct the model")
            section = row["section"]
            if section not in sections:
                bad(f"unknown section '{section}'", f"use one of {', '.join(sections)}")
            table_row = None
            if row.get("table_row"):
                if not row["table_row"].isdigit() or not 1 <= int(row["table_row"]) <= 99:
                    bad(f"table_row '{row['table_row']}' is not a row number", "write the 1-based row number")
                else:
                    table_row = int(row["table_row"])
            if section == TABLE1_SECTION and table_row is None:
                bad("a Table 1 statement has no table_row", "give the 1-based row of Table 1 it comes from")
            if section != TABLE1_SECTION and table_row is not None:
                bad(f"table_row is set but section is '{section}'", "use section T1, or clear table_row")
            cited = {}
            for column in ("references", "inferred_references"):
                try:
                    cited[column] = parse_references(row.get(column, ""))
                except ValueError as err:
                    bad(f"{column}: {err}", "write numbers and ranges separated by |, e.g. 18-20|139")
                    cited[column] = ()
                outside = [n for n in cited[column] if n not in REFERENCE_RANGE]
                if outside:
                    bad(f"{column}: number(s) {outside} outside 1-217", "check the bracketed numbers in the text")
            references, inferred = cited["references"], cited["inferred_references"]
            if set(references) & set(inferred):
                bad(f"reference(s) {sorted(set(references) & set(inferred))} are both printed and inferred",
                    "keep a number in references when the text prints it with the fact, else in inferred_references")
            if len(problems) > before:
                continue
            statement = Statement(id=sid, subject=row["subject"], relation=relation.name, object=row["object"],
                                  provenance=Provenance(section=section, summary=row["summary"],
                                                        table_row=table_row, references=references,
                                                        inferred_references=inferred),
                                  context=tuple(context), origin=where)
            pair = (statement.subject, statement.object)
            if relation.symmetric:
                pair = tuple(sorted(pair))
            signature = (pair, statement.relation, statement.context, section, table_row)
            if signature in seen:
                bad(f"same statement as {seen[signature]}", "delete one, or make their context differ")
                continue
            seen[signature] = where
            ids[sid] = where
            statements.append(statement)
    return statements


def _read_sections(path: Path, problems: list[Problem]) -> dict[str, str]:
    return {row["number"]: row["title"] for _, row in _rows(path, ("number", "title"), ("number", "title"), problems)}


def _read_references(path: Path, problems: list[Problem]) -> dict[int, Reference]:
    columns = ("number", "citation", "year", "doi", "pmid")
    return {int(row["number"]): Reference(int(row["number"]), row["citation"], row["year"], row["doi"], row["pmid"])
            for _, row in _rows(path, columns, ("number",), problems)}


def load_curation(directory: Path | str | None = None) -> Curation:
    """Read and check every table under ``directory`` (default: the packaged data).

    ``directory`` holds ``sections.tsv``, ``references.tsv`` and ``curation/*.entities.tsv``
    and ``curation/*.statements.tsv``. Raises CurationError listing every problem.
    """
    root = Path(directory) if directory is not None else data_dir()
    problems: list[Problem] = []
    for required in ("sections.tsv", "references.tsv", "curation"):
        if not (root / required).exists():
            problems.append(Problem(str(root / required), 0, "missing", "restore it from the repository"))
    if problems:
        raise CurationError(problems)
    sections = _read_sections(root / "sections.tsv", problems)
    references = _read_references(root / "references.tsv", problems)
    entity_files = sorted((root / "curation").glob("*.entities.tsv"))
    statement_files = sorted((root / "curation").glob("*.statements.tsv"))
    entities = _read_entities(entity_files, problems)
    statements = _read_statements(statement_files, entities, sections, problems)
    if problems:
        raise CurationError(problems)
    return Curation(entities=entities, statements=statements, sections=sections, references=references)


@lru_cache(maxsize=1)
def packaged_curation() -> Curation:
    """The packaged tables, read once per process."""
    return load_curation()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        curation = load_curation(argv[0] if argv else None)
    except CurationError as err:
        for problem in err.problems:
            print(problem)
        print(f"{len(err.problems)} problem(s)")
        return 1
    print(f"ok: {len(curation.entities)} entities, {len(curation.statements)} statements")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
