"""Import one file of one source into its own named graph of a pyoxigraph store.

The rows are streamed into the store (``bulk_extend``), so a file of millions of rows never sits
in memory; the named graph is replaced, not merged. If anything goes wrong part-way (a malformed
row without ``--skip-bad``, a full disk, Ctrl-C) the named graph is removed again, so a source
is either wholly imported or absent, never half there.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..entities import ENTITY_QUERY, EntityIndex, records
from ..errors import IngestError
from ..identifiers import prefix_records
from ..vocab import ASSERTION, DATASET, EXO, NAMED_GRAPH, PREFIXES, RDF, RDFS
from .base import HUMAN, BadRow, Record, SkipRow
from .dataset import description_quads
from .identity import Identity
from .sources import SOURCES

PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


@dataclass
class ImportOptions:
    skip_bad: bool = False  # skip and count malformed rows instead of stopping at the first
    keep_species: bool = False  # keep rows of other species (apart from the review's entities)
    aspects: str = "P"  # GO aspects to import (P, F, C)
    experiments: Path | None = None  # ExoCarta/Vesiclepedia experiment details file
    genes: Path | None = None  # org.Hs.eg.sqlite (or its folder): Entrez -> official symbol
    go_terms: Path | None = None  # GO.sqlite (or its folder): GO term names for GAF files
    version: str = ""
    licence: str = ""


@dataclass
class ImportReport:
    source: str
    graph: str
    file: str
    sha256: str
    version: str
    licence: str
    rows_read: int = 0
    imported: int = 0
    skipped: Counter = field(default_factory=Counter)
    triples: int = 0
    mapped_to_review: int = 0  # assertions whose subject or object is one of the review's entities

    def summary(self) -> str:
        skipped = ", ".join(f"{n:,} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        return (f"imported {self.imported:,} of {self.rows_read:,} rows of {self.file} into <{self.graph}> "
                f"({self.triples:,} triples; {self.mapped_to_review:,} touch the review's entities); skipped: {skipped}")


def graph_iri(source: str) -> ox.NamedNode:
    return ox.NamedNode(str(NAMED_GRAPH[source]))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def curated_index(store: ox.Store) -> EntityIndex:
    index = EntityIndex(records(store.query(ENTITY_QUERY, prefixes=PREFIXES)))
    if not len(index):
        raise IngestError("the store's default graph holds no curated entities. Fix: build the graph first "
                          "(`exokg build --out DIR`) and import into that DIR")
    return index


def remove_graph(store: ox.Store, graph: ox.NamedNode) -> None:
    if store.contains_named_graph(graph):
        store.remove_graph(graph)


class _Terms:
    """pyoxigraph terms built once: predicates, classes, knowledge levels."""

    def __init__(self):
        self.n = {name: ox.NamedNode(str(getattr(EXO, name))) for name in EXO.__annotations__}
        self.type, self.label = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label))
        self.subject, self.predicate, self.object = (ox.NamedNode(str(RDF[p])) for p in ("subject", "predicate", "object"))
        self.true = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
        self.pubmed = prefix_records()["pubmed"]["uri_prefix"]


def import_file(store: ox.Store, source: str, path: Path | str, options: ImportOptions | None = None,
                identity: Identity | None = None) -> ImportReport:
    """Import ``path`` as ``source`` (a key of :data:`SOURCES`) into the named graph
    ``https://w3id.org/exokg/graph/<source>`` of ``store``, replacing what was there."""
    if source not in SOURCES:
        raise IngestError(f"unknown source '{source}'. Fix: use one of {', '.join(SOURCES)}")
    spec, path, options = SOURCES[source], Path(path), options or ImportOptions()
    if not path.exists():
        raise IngestError(f"{path} does not exist. Fix: give the path of the downloaded {spec.title} file")
    data_file = path / "org.Hs.eg.sqlite" if path.is_dir() else path
    read = spec.reader()
    meta = _metadata(spec, path)
    report = ImportReport(source, str(NAMED_GRAPH[source]), data_file.name, file_digest(data_file),
                          options.version or meta.get("version") or "not stated",
                          options.licence or meta.get("licence") or spec.licence or "not stated in the download")
    if identity is None:
        identity = Identity(curated_index(store), _symbols(source, path, options), _go_names(source, path, options))
    graph = graph_iri(source)
    remove_graph(store, graph)
    try:
        store.bulk_extend(_quads(read(path, options), spec.name, path, options, identity, graph, report))
        store.extend(description_quads(spec, report, graph))
    except BaseException:
        remove_graph(store, graph)
        raise
    return report


def _metadata(spec, path: Path) -> dict:
    if spec.module == "orghs":
        from .orghs import description

        return description(path)
    return {"version": spec.version(path)}


def _symbols(source: str, path: Path, options: ImportOptions) -> dict[str, str]:
    from .orghs import gene_symbols

    if source == "orghs":
        return {}  # its rows carry the official symbol already
    return gene_symbols(options.genes) if options.genes else {}


def _go_names(source: str, path: Path, options: ImportOptions) -> dict[str, str]:
    from .orghs import go_terms

    if source == "orghs":
        return go_terms(path if path.is_dir() else path.parent)
    return go_terms(options.go_terms) if options.go_terms else {}


def _quads(items, slug: str, path: Path, options: ImportOptions, identity: Identity, graph, report: ImportReport):
    t = _Terms()
    dataset = ox.NamedNode(str(DATASET[slug]))
    seen: set[str] = set()
    for item in items:
        if isinstance(item, SkipRow):
            report.rows_read += item.count
            report.skipped[item.reason] += item.count
            continue
        report.rows_read += 1
        if isinstance(item, BadRow):
            if not options.skip_bad:
                raise IngestError(f"{path}:{item.line}: {item.problem}. Fix: {item.fix} "
                                  "(or pass --skip-bad to skip and count such rows)")
            report.skipped["bad-row"] += 1
            continue
        species = next((s for s in item.species if s.casefold() != HUMAN.casefold()), HUMAN)
        if species != HUMAN and not options.keep_species:
            report.skipped["other-species"] += 1
            continue
        quads = _record_quads(item, slug, report.file, species, identity, t, dataset, seen, report)
        report.imported += 1
        report.triples += len(quads)
        for s, p, o in quads:
            yield ox.Quad(s, p, o, graph)


def _record_quads(record: Record, slug, data_name, species, identity, t, dataset, seen, report) -> list:
    subject = identity.map(record.subject, species)
    obj = identity.map(record.object, species)
    s, o = ox.NamedNode(subject.iri), ox.NamedNode(obj.iri)
    p = t.n[record.relation]
    a = ox.NamedNode(str(ASSERTION[f"{slug}/{record.line}"]))
    n = t.n
    out: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [] if record.negated else [(s, p, o)]
    for entity, node in ((subject, s), (obj, o)):
        if not entity.curated and entity.iri not in seen:
            seen.add(entity.iri)
            out += [(node, t.type, n[entity.type]), (node, t.label, ox.Literal(entity.label))]
    if subject.curated or obj.curated:
        report.mapped_to_review += 1
    out += [(a, t.type, n["Assertion"]), (a, t.subject, s), (a, t.predicate, p), (a, t.object, o),
            (a, PROV_DERIVED, dataset), (a, n["knowledgeLevel"], n[record.level]),
            (a, n["sourceRecord"], ox.Literal(f"{data_name}:{record.line}" + (f" {record.record_id}" if record.record_id else ""))),
            (a, n["sourceName"], ox.Literal(f"{record.subject.text} | {record.object.text}"))]
    if record.negated:
        out.append((a, n["isNegated"], t.true))
    if record.support_type:
        out.append((a, n["supportType"], ox.Literal(record.support_type)))
    if record.evidence_code:
        out.append((a, n["evidenceCode"], ox.Literal(record.evidence_code)))
    if record.sample:
        out.append((a, n["sample"], ox.Literal(record.sample)))
    if species != HUMAN:
        out.append((a, n["species"], ox.Literal(species)))
    for experiment in record.experiments:
        out.append((a, n["experimentType"], ox.Literal(experiment)))
    for pmid in record.pmids:
        out.append((a, n["citesReference"], ox.NamedNode(t.pubmed + pmid)))
    notes = [m.note for m in (subject, obj) if m.note]
    if record.cancer is not None:
        cancer = identity.map(record.cancer, species)
        out.append((a, n["cancerType"], ox.NamedNode(cancer.iri)))
        if not cancer.curated and cancer.iri not in seen:
            seen.add(cancer.iri)
            out += [(ox.NamedNode(cancer.iri), t.type, n[cancer.type]), (ox.NamedNode(cancer.iri), t.label, ox.Literal(cancer.label))]
    for key, value in sorted(record.extra.items()):
        direction = {"up": "up", "upregulated": "up", "up-regulated": "up", "down": "down",
                     "downregulated": "down", "down-regulated": "down"}.get(value.casefold())
        if key == "expression" and direction:
            out.append((a, n["direction"], ox.Literal(direction)))
        else:
            notes.append(f"{key}: {value}")
    if notes:
        out.append((a, n["importNote"], ox.Literal("; ".join(notes))))
    return out
