"""Read and check the curated tables (see CURATION.md).

Every problem is collected with its file and line, and all of them are raised together as one
:class:`~graph.errors.CurationError`, so a curator fixes a whole batch per run.

Run ``python -m graph.curation [DIR]`` to check the tables without building.
"""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import sys
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import CurationError, IdentifierError, InputFileError, Problem
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
SECTION_PATTERN = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)*")
FLAGS = ("unnamed",)
TABLE1_SECTION = "T1"
# Unicode noncharacters (U+FDD0-U+FDEF and the last two code points of every plane) and lone surrogates.
NONCHARACTER_CLASS = ("\ufdd0-\ufdef\ud800-\udfff"
                      + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000)))
# What a cell may not hold (CURATION.md, "Characters"): C0 controls other than the tab that separates cells,
# DEL, C1 controls, the line and paragraph separators, a byte order mark inside the text,
# noncharacters and lone surrogates. They are invisible in most editors and break the outputs.
FORBIDDEN_CHARACTERS = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff{NONCHARACTER_CLASS}]")
_FORBIDDEN_ASCII = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # the same, for an ASCII line (10x faster to search)


def data_dir() -> Path:
    return Path(str(resources.files("graph.data")))


def character_name(char: str) -> str:
    """A code point as a curator can look it up.

    >>> character_name("\u2028"), character_name("\x0b")
    ('U+2028 (LINE SEPARATOR)', 'U+000B (a control character)')
    """
    name = unicodedata.name(char, "")
    if not name:
        category = unicodedata.category(char)
        name = {"Cc": "a control character", "Cs": "a lone surrogate", "Cn": "a noncharacter"}.get(category, category)
    return f"U+{ord(char):04X} ({name})"


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def read_text(path: Path, name: str | None = None) -> str:
    """The text of a regular UTF-8 file (a leading UTF-8 byte order mark is dropped).

    Anything else raises :class:`~graph.errors.InputFileError` saying what the file is and how
    to fix it: a directory, a FIFO or other special file (never read, so a FIFO cannot hang the
    build), a dangling or looping symbolic link, UTF-16 text, or bytes that are not UTF-8 (with
    the line and column of the first bad byte).
    """
    name = name or _display(Path(path))
    try:  # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputFileError(name, 0, "is a symbolic link that loops", "point the link at a real file") from None
        if err.errno == errno.ENOENT and os.path.islink(path):
            raise InputFileError(name, 0, f"is a symbolic link to a missing file ({os.readlink(path)})",
                                 "point the link at an existing file or delete it") from None
        raise InputFileError(name, 0, f"cannot be read: {err.strerror}", "check the file and its permissions") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")
        raise InputFileError(name, 0, f"is {kind}, not a text file",
                             "replace it with a UTF-8 text file or move it out of the folder")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read()
    sample = data[:64]  # UTF-16 without a byte order mark: every other byte of ASCII text is 0
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            len(sample) >= 4 and any(sample[i::2].count(0) == len(sample[i::2]) for i in (0, 1))
            and sample.count(0) < len(sample)):
        raise InputFileError(name, 1, "is UTF-16 (or UTF-32) text", "save it as UTF-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise InputFileError(name, line, f"is not valid UTF-8: byte 0x{data[err.start]:02X} at column {column} "
                             "(Latin-1 or another encoding?)", "save the file as UTF-8") from None


def _header_problems(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    repeated = sorted({c for c in header if header.count(c) > 1})
    for column in repeated:
        cells = [str(i) for i, c in enumerate(header, start=1) if c == column]
        found.append((f"column '{column}' appears {len(cells)} times in the header (cells {', '.join(cells)})",
                      "keep one of them"))
    unknown = [c or "(empty name)" for c in dict.fromkeys(header) if c not in columns]
    missing = [c for c in required if c not in header]
    if unknown:
        found.append((f"unknown column(s) {', '.join(unknown)}", f"use only the columns {', '.join(columns)}"))
    if missing:
        found.append((f"missing required column(s) {', '.join(missing)}", "add them to the header line"))
    return found


def _rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem]):
    """Yield (line number, row dict) for the data lines of one TSV file.

    Lines end at ``\\n`` only (a ``\\r`` before it is dropped); a line holding a character of
    :data:`FORBIDDEN_CHARACTERS` is reported with its column and code point and skipped.
    """
    name = _display(path)
    try:
        text = read_text(path, name)
    except InputFileError as err:
        problems.append(err.problem)
        return
    header = None
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if bad := (_FORBIDDEN_ASCII if line.isascii() else FORBIDDEN_CHARACTERS).search(line):
            index = line.count("\t", 0, bad.start())
            where = ("the header" if header is None else
                     f"column '{header[index]}'" if index < len(header) else f"cell {index + 1}")
            problems.append(Problem(name, lineno, f"{where} holds {character_name(bad.group())} at character "
                                    f"{bad.start() + 1} of the line",
                                    "delete it (it is invisible in most editors: retype the cell); one row per "
                                    "line, several values separated by |"))
            if header is None:
                return
            continue
        if not line.strip():
            continue
        if header is None:
            header = cells
            found = _header_problems(header, columns, required)
            problems.extend(Problem(name, lineno, message, fix) for message, fix in found)
            if found:
                return
            continue
        if len(cells) > len(header):
            problems.append(Problem(name, lineno, f"{len(cells)} cells but the header has {len(header)}",
                                    "remove the extra tab(s); use | inside a cell for several values"))
            continue
        cells += [""] * (len(header) - len(cells))
        yield lineno, dict(zip(header, map(str.strip, cells)))
    if header is None:
        problems.append(Problem(name, 1, "no header line", f"start the file with: {chr(9).join(columns)}"))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _split(cell: str) -> tuple[str, ...]:
    if "|" not in cell:  # most cells: one value or none
        value = cell.strip()
        return (value,) if value else ()
    return tuple(v.strip() for v in cell.split("|") if v.strip())


def parse_references(cell: str) -> tuple[int, ...]:
    """Expand a reference cell: ``93``, ``18-20``, ``139|140`` (en dashes too).

    >>> parse_references("18–20|139")
    (18, 19, 20, 139)

    A range must lie within the review's reference list (1-217), so a typo such as ``1-99999999``
    is reported at once instead of being expanded.

    >>> parse_references("1-99999999")
    Traceback (most recent call last):
    ...
    ValueError: range 1-99999999 runs past the review's last reference, 217
    """
    numbers: list[int] = []
    for part in _split(cell):
        part = part.replace("–", "-").replace("—", "-")
        if re.fullmatch(r"[0-9]+", part):
            numbers.append(int(part))
        elif m := re.fullmatch(r"([0-9]+)\s*-\s*([0-9]+)", part):
            start, end = int(m.group(1)), int(m.group(2))
            shown = part if len(part) <= 40 else part[:40] + "..."
            if end < start:
                raise ValueError(f"range {shown} runs backwards")
            if start < REFERENCE_RANGE.start or end >= REFERENCE_RANGE.stop:
                raise ValueError(f"range {shown} runs past the review's "
                                 f"{'first' if start < REFERENCE_RANGE.start else 'last'} reference, "
                                 f"{REFERENCE_RANGE.start if start < REFERENCE_RANGE.start else REFERENCE_RANGE.stop - 1}")
            numbers.extend(range(start, end + 1))
        else:
            shown = part if len(part) <= 40 else part[:40] + "..."
            raise ValueError(f"'{shown}' is not a number or a range")
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
    in_cycle: set[str] = set()
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
            elif entity.broader == entity.key:
                problems.append(Problem(file, int(line), f"'{entity.key}' is its own broader entity",
                                        "point broader to a wider entity or leave it empty"))
            elif entity.key not in in_cycle and (cycle := _broader_cycle(entity.key, entities)):
                in_cycle.update(cycle)
                problems.append(Problem(file, int(line), f"broader entities form a cycle: {' -> '.join(cycle)} -> "
                                        f"{cycle[0]}", "a broader entity must be wider: break the cycle in one row"))
        if entity.curie:
            if entity.curie in curies_seen:
                problems.append(Problem(file, int(line), f"{entity.curie} is also the identifier of "
                                        f"'{curies_seen[entity.curie]}'",
                                        "merge the two entities, or keep the identifier on one only"))
            curies_seen[entity.curie] = entity.key
    return entities


def _broader_cycle(key: str, entities: dict[str, Entity]) -> list[str]:
    """The keys of the cycle that ``key``'s broader chain runs into, starting at ``key``; [] if none."""
    chain: list[str] = []
    current: str | None = key
    while current is not None and current in entities and current not in chain:
        chain.append(current)
        current = entities[current].broader
    return chain if current == chain[0] else []


def _read_statements(paths: list[Path], entities: dict[str, Entity], sections: dict[str, str],
                     problems: list[Problem]) -> list[Statement]:
    ontology = load_ontology()
    fits, is_a = lru_cache(maxsize=None)(ontology.fits), lru_cache(maxsize=None)(ontology.is_a)  # few distinct types
    references_of = lru_cache(maxsize=4096)(parse_references)  # cells repeat; an error is raised, not cached
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
                    if not fits(entity.type, allowed):
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
                    elif not any(is_a(entities[value].type, t) for t in qualifier.allowed_types):
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
                if not re.fullmatch(r"[0-9]{1,2}", row["table_row"]) or not 1 <= int(row["table_row"]) <= 99:
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
                    cited[column] = references_of(row.get(column, ""))
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
            assert relation is not None  # an unknown relation was reported above, so the row was skipped
            statement = Statement(id=sid, subject=row["subject"], relation=relation.name, object=row["object"],
                                  provenance=Provenance(section=section, summary=row["summary"],
                                                        table_row=table_row, references=references,
                                                        inferred_references=inferred),
                                  context=tuple(context), origin=where)
            pair: tuple[str, ...] = (statement.subject, statement.object)
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
    name = _display(path)
    sections: dict[str, str] = {}
    lines: dict[str, int] = {}
    for lineno, row in _rows(path, ("number", "title"), ("number", "title"), problems):
        number, title = row["number"], row["title"]
        if not SECTION_PATTERN.fullmatch(number):
            problems.append(Problem(name, lineno, f"section number '{number}' is not like 2, 3.1, T1 or abstract",
                                    "write letters and digits, parts separated by dots"))
        elif number in sections:
            problems.append(Problem(name, lineno, f"section {number} is already listed at line {lines[number]}",
                                    "keep one row per section"))
        elif not title:
            problems.append(Problem(name, lineno, f"section {number} has no title", "write its title"))
        else:
            sections[number], lines[number] = title, lineno
    return sections


def _read_references(path: Path, problems: list[Problem]) -> dict[int, Reference]:
    name = _display(path)
    columns = ("number", "citation", "year", "doi", "pmid")
    references: dict[int, Reference] = {}
    lines: dict[int, int] = {}
    for lineno, row in _rows(path, columns, ("number", "citation"), problems):
        before = len(problems)

        def bad(message: str, fix: str) -> None:
            problems.append(Problem(name, lineno, message, fix))

        text, year, doi, pmid = row["number"], row.get("year", ""), row.get("doi", ""), row.get("pmid", "")
        number = int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None
        if number is None or number not in REFERENCE_RANGE:
            bad(f"reference number '{text}' is not a number from 1 to 217", "write the number the review gives it")
        elif number in references:
            bad(f"reference {number} is already listed at line {lines[number]}", "keep one row per reference")
        if year and not re.fullmatch(r"[0-9]{4}", year):
            bad(f"year '{year}' is not a 4-digit year", "write the year of publication, e.g. 2024, or leave it empty")
        if pmid and not re.fullmatch(r"[0-9]{1,9}", pmid):
            bad(f"pmid '{pmid}' is not a PubMed id", "write the digits only, e.g. 38909530, or leave it empty")
        if doi:
            try:
                split_curie(f"doi:{doi}")
            except IdentifierError as err:
                bad(f"doi {str(err).split('. Fix:')[0]}", "write the DOI without https://doi.org/, e.g. 10.1000/xyz")
        if len(problems) == before:
            assert number is not None  # a missing number was reported above
            references[number] = Reference(number, row["citation"], year, doi, pmid)
            lines[number] = lineno
    return references


def load_curation(directory: Path | str | None = None) -> Curation:
    """Read and check every table under ``directory`` (default: the packaged data).

    ``directory`` holds ``sections.tsv``, ``references.tsv`` and ``curation/*.entities.tsv``
    and ``curation/*.statements.tsv``. Raises CurationError listing every problem.
    """
    root = Path(directory) if directory is not None else data_dir()
    problems: list[Problem] = []
    if not root.is_dir():
        raise CurationError([Problem(_display(root), 0, "is not a folder" if root.exists() else "does not exist",
                                     "give the folder that holds sections.tsv, references.tsv and curation/")])
    for required in ("sections.tsv", "references.tsv", "curation"):
        if not (root / required).exists() and not (root / required).is_symlink():
            problems.append(Problem(_display(root / required), 0, "missing", "restore it from the repository"))
    folder = root / "curation"
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        problems.append(Problem(_display(folder), 0, "is not a folder",
                                "make curation/ a folder holding the *.entities.tsv and *.statements.tsv tables"))
    if problems:
        raise CurationError(problems)
    entity_files = sorted(folder.glob("*.entities.tsv"))
    statement_files = sorted(folder.glob("*.statements.tsv"))
    for kind, files in (("entities", entity_files), ("statements", statement_files)):
        if not files:
            problems.append(Problem(_display(folder), 0, f"holds no *.{kind}.tsv table",
                                    f"restore the {kind} tables from the repository (an empty graph is never built)"))
    if problems:
        raise CurationError(problems)
    sections = _read_sections(root / "sections.tsv", problems)
    references = _read_references(root / "references.tsv", problems)
    entities = _read_entities(entity_files, problems)
    statements = _read_statements(statement_files, entities, sections, problems)
    if not problems and not (entities and statements):
        problems.append(Problem(_display(folder), 0, f"the tables hold no {'entities' if not entities else 'statements'}",
                                "restore the rows from the repository (an empty graph is never built)"))
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
