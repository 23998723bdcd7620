#!/usr/bin/env python
"""Write a validation scale fixture: N-Triples shaped like ExoKG, made of renamed copies of the
built graph, with a known number of planted SHACL violations.

Copy 0 is the built graph itself. In copy ``i`` every assertion and every entity except the context
hubs (cancer types, drugs, cell types, cell lines, body fluids, which all copies share, as a merged
graph would) gets a new IRI under ``https://example.org/exokg-scale/c<i>/`` (so nothing passes for a
real identifier), its key and labels get the suffix ``-c<i>``, and its canonical identifier is
dropped (``exo:isMapped false``), so every copy conforms to ``ontology/shapes.ttl`` as the
original does. Copies are added until ``--triples`` is reached.

``--violations K`` plants K violations, one per copy from copy 1 on, in three kinds taken in turn:
an assertion without its curator summary (sh:minCount), an entity with a second label
(sh:maxCount), an assertion with a model outside the allowed values (sh:in). So a validator must
report exactly K violations in (at most) three categories. Everything is deterministic.

    python scripts/make_validate_fixture.py --graph build/exokg.nt --triples 5000000 --violations 30 -o v5m.nt
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EXO = "https://w3id.org/exokg/ontology/"
ENTITY, ASSERTION = "https://w3id.org/exokg/entity/", "https://w3id.org/exokg/assertion/"
COPY = "\x00"  # stands for the copy number in the line templates
SCALE = f"https://example.org/exokg-scale/c{COPY}/"
HUB_CLASSES = {EXO + c for c in ("CancerType", "Drug", "CellType", "CellLine", "BodyFluid")}
SUFFIXED = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel",
            EXO + "curationKey"}
DROPPED = {"http://purl.org/dc/terms/identifier", "http://www.w3.org/2004/02/skos/core#exactMatch"}
KINDS = ("summary", "label", "model")


def _templates(triples: list[ox.Triple]) -> tuple[list[str], dict[str, str]]:
    """One line template per triple of a copy (COPY stands for the copy number), and the
    templates' subjects of the first renamed assertion and entity (where violations are planted)."""
    types = {t.subject.value: t.object.value for t in triples if t.predicate.value == RDF_TYPE}
    keyed = {t.subject.value for t in triples if t.predicate.value == EXO + "curationKey"}
    renamed = {iri for iri in keyed if types.get(iri) not in HUB_CLASSES}
    renamed |= {iri for iri, cls in types.items() if cls == EXO + "Assertion"}

    def term(node) -> str:
        if isinstance(node, ox.NamedNode) and node.value in renamed:
            local = node.value.rsplit("/", 1)[-1]
            kind = "a" if node.value.startswith(ASSERTION) else "e"
            return f"<{SCALE}{kind}/{local}>"
        return str(node)

    lines = []
    for t in sorted(triples, key=str):
        subject, predicate = t.subject.value, t.predicate.value
        if subject in renamed and predicate in DROPPED:
            continue
        if subject in renamed and predicate in SUFFIXED:
            text = str(t.object)
            end = text.rindex('"')  # before the closing quote, whatever follows it (language, datatype)
            obj = f"{text[:end]}-c{COPY}{text[end:]}"
        elif subject in renamed and predicate == EXO + "isMapped":
            obj = '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'
        else:
            obj = term(t.object)
        lines.append(f"{term(t.subject)} {term(t.predicate)} {obj} .\n")
    first_assertion = min(iri for iri in renamed if iri.startswith(ASSERTION))
    first_entity = min(iri for iri in renamed if not iri.startswith(ASSERTION))
    return lines, {"assertion": term(ox.NamedNode(first_assertion)), "entity": term(ox.NamedNode(first_entity))}


def write_fixture(source: Path, target: int, violations: int, out) -> dict:
    triples = list(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES))
    for t in triples:
        out.write(f"{t} .\n")
    written, copy, planted = len(triples), 0, []
    lines, planted_on = _templates(triples)
    template = "".join(lines)
    summary_prefix = f"{planted_on['assertion']} <{EXO}curatorSummary> "
    while written < target or len(planted) < violations:
        copy += 1
        kind = KINDS[(copy - 1) % len(KINDS)] if copy <= violations else None
        text = template.replace(COPY, str(copy))
        if kind == "summary":
            subject = summary_prefix.replace(COPY, str(copy))
            text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(subject))
        elif kind == "label":
            text += f'{planted_on["entity"].replace(COPY, str(copy))} <http://www.w3.org/2000/01/rdf-schema#label> "a second label" .\n'
        elif kind == "model":
            text += f'{planted_on["assertion"].replace(COPY, str(copy))} <{EXO}model> "organoid" .\n'
        if kind:
            planted.append(kind)
        out.write(text)
        written += text.count("\n")
    return {"triples": written, "copies": copy, "violations": len(planted),
            "kinds": {k: planted.count(k) for k in KINDS}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="exokg.nt of a build (or a build folder)")
    parser.add_argument("--triples", type=int, default=1_000_000, help="at least this many triples")
    parser.add_argument("--violations", type=int, default=0, help="planted violations, one per copy")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args(argv)
    source = args.graph / "exokg.nt" if args.graph.is_dir() else args.graph
    partial = args.out.with_name(args.out.name + ".part")
    with partial.open("w", encoding="utf-8") as handle:
        info = write_fixture(source, args.triples, args.violations, handle)
    partial.replace(args.out)
    print(f"wrote {args.out}: {info['triples']:,} triples, {info['copies']} copies, "
          f"{info['violations']} planted violation(s) {info['kinds']}", file=sys.stderr)


if __name__ == "__main__":
    main()
