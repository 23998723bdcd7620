"""Write a scale fixture shaped like ExoKG: N-Triples of renamed copies of the curated graph.

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
"""
from __future__ import annotations

import argparse
import csv
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, required=True, help="build folder whose exokg.nt is copied")
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as out:
        n = write_fixture(args.graph / "exokg.nt", args.triples, out)
    print(f"wrote {args.out}: {n:,} triples")


if __name__ == "__main__":
    main()
