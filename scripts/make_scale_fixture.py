"""Write a scale fixture shaped like ExoKG: renamed copies of the curated graph, as N-Triples (for
`exokg load`) or as curated tables (for `exokg build --data`, ``--tables``).

Copy ``i`` of the built graph (``exokg.nt`` of a build folder) renames every entity except the
shared hubs of ``core.entities.tsv`` (cancers, drugs, cell types ...) to
``https://w3id.org/exokg/entity/<key>-c<i>``, with key, label and synonyms suffixed the same way
and no CURIE, and every assertion to ``.../assertion/<id>-c<i>``; publications, sections and
the hubs are shared and not repeated. So the copies hang off the same hubs, as a large merged
graph does (skewed degrees), every name of the curated graph still resolves to one entity, and
nothing pretends to be a real identifier. The fixture holds the copies only (no triple of the
curated graph), so ``exokg load`` of it into a build adds exactly its triples; copies are added
until the target count of distinct triples is reached.

    python scripts/make_scale_fixture.py --graph build --triples 1000000 -o scale-1m.nt

With ``--tables --copies N -o DIR``, DIR becomes a folder of curated tables: the packaged tables
(copy 0) and N - 1 renamed copies of every table but ``core.entities.tsv``, renamed the same way
(keys, labels, synonyms and statement ids suffixed, no CURIE or cross-reference), so that
``exokg build --data DIR`` builds a graph about N times the curated one through the real reader.

    python scripts/make_scale_fixture.py --tables --copies 40 -o tables-40
"""
from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.vocab import ASSERTION_NS, ENTITY_NS, EXO_NS, PREFIXES  # noqa: E402

NAMES = {PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "altLabel", EXO_NS + "curationKey"}
DROPPED = {PREFIXES["dcterms"] + "identifier", PREFIXES["skos"] + "exactMatch"}


def hub_keys() -> set[str]:
    with open(ROOT / "graph" / "data" / "curation" / "core.entities.tsv", encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)
        return {row[0] for row in rows if row}


def entity_keys(triples: list[ox.Triple]) -> dict[str, str]:
    key = EXO_NS + "curationKey"
    return {t.subject.value: t.object.value for t in triples if t.predicate.value == key}


def write_fixture(source: Path, target_triples: int, out) -> int:
    triples = list(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES))
    keys, hubs = entity_keys(triples), hub_keys()
    renamed = {iri for iri, key in keys.items() if key not in hubs}
    written = 0
    copy = 0
    while written < target_triples:
        copy += 1
        suffix = f"-c{copy}"

        def term(t):
            if isinstance(t, ox.NamedNode):
                if t.value in renamed:
                    return ox.NamedNode(ENTITY_NS + keys[t.value] + suffix)
                if t.value.startswith(ASSERTION_NS):
                    return ox.NamedNode(t.value + suffix)
            return t

        for triple in triples:
            if triple.subject.value in renamed and triple.predicate.value in DROPPED:
                continue
            subject, obj = term(triple.subject), term(triple.object)
            if subject == triple.subject and obj == triple.object:
                continue  # a shared node (hub, publication, section): in the curated graph already
            if triple.subject.value in renamed and triple.predicate.value in NAMES:
                obj = ox.Literal(obj.value + suffix if triple.predicate.value == EXO_NS + "curationKey"
                                 else f"{obj.value} (copy {copy})")
            out.write(f"{ox.Triple(subject, triple.predicate, obj)} .\n")
            written += 1
            if written >= target_triples:
                break
    return written


def _table(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(comment lines, header, rows) of one curated table."""
    lines = path.read_text(encoding="utf-8").split("\n")
    comments = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if line and not line.startswith("#")]
    header = body[0].split("\t")
    return comments, header, [dict(zip(header, line.split("\t"))) for line in body[1:]]


def _write_table(path: Path, comments: list[str], header: list[str], rows: list[dict[str, str]]) -> None:
    text = [*comments, "\t".join(header), *("\t".join(row.get(c, "") for c in header) for row in rows)]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def write_tables(target: Path, copies: int) -> int:
    """Write ``copies`` copies of the packaged tables (the first as they are) into ``target``;
    return the number of statements written."""
    from graph.curation import data_dir
    from graph.model import QUALIFIERS

    source = data_dir()
    (target / "curation").mkdir(parents=True)
    for name in ("sections.tsv", "references.tsv"):
        shutil.copyfile(source / name, target / name)
    hubs = hub_keys()
    entity_columns = [q.column for q in QUALIFIERS if not q.values]
    entity_files = sorted((source / "curation").glob("*.entities.tsv"))
    statement_files = sorted((source / "curation").glob("*.statements.tsv"))
    statements = 0
    for path in [*entity_files, *statement_files]:
        comments, header, rows = _table(path)
        if path.name == "core.entities.tsv":
            _write_table(target / "curation" / path.name, comments, header, rows)
            continue
        copied: list[dict[str, str]] = []
        for copy in range(copies):
            def key(value: str) -> str:
                return value if copy == 0 or not value or value in hubs else f"{value}-c{copy}"

            def keys(cell: str) -> str:
                return "|".join(key(v) for v in cell.split("|")) if cell else cell

            for row in rows:
                row = dict(row)
                if copy and "label" in row:  # an entity
                    row.update(key=key(row["key"]), label=f"{row['label']} (copy {copy})", curie="", xrefs="",
                               synonyms="|".join(f"{s} (copy {copy})" for s in row["synonyms"].split("|") if s),
                               broader=key(row.get("broader", "")))
                elif copy:  # a statement; one that names only hubs is in copy 0 already
                    renamed = {"subject": key(row["subject"]), "object": key(row["object"]),
                               **{c: keys(row.get(c, "")) for c in entity_columns}}
                    if all(row.get(c, "") == v for c, v in renamed.items()):
                        continue
                    row.update(id=f"{row['id']}-c{copy}", **renamed)
                copied.append(row)
        statements += len(copied) if path in statement_files else 0
        _write_table(target / "curation" / path.name, comments, header, copied)
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="build folder whose exokg.nt is copied")
    parser.add_argument("--triples", type=int)
    parser.add_argument("--tables", action="store_true", help="write curated tables (a folder) instead")
    parser.add_argument("--copies", type=int, default=2, help="with --tables: copies of the curated tables")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    if args.tables:
        n = write_tables(args.out, args.copies)
        print(f"wrote {args.out}: {args.copies} copies of the curated tables, {n:,} statements")
        return
    if args.graph is None or args.triples is None:
        parser.error("--graph and --triples are required without --tables")
    with open(args.out, "w", encoding="utf-8") as out:
        n = write_fixture(args.graph / "exokg.nt", args.triples, out)
    print(f"wrote {args.out}: {n:,} triples")


if __name__ == "__main__":
    main()
