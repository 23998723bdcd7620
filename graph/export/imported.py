"""Where each exported fact comes from, and the imported sources an export may add.

Every edge of the graph formats (GraphML, Cytoscape.js, CSV, KGX, Neo4j) carries its knowledge
source and knowledge level (:func:`provenance`): ``review`` / ``from this review`` for the
curated statements, and for a fact of a resource brought in with ``exokg import`` that source's
name (``mirtarbase`` ...), its level (``curated by the source`` or ``predicted``) and its own
evidence in one line.

``exokg export --sources review,mirtarbase`` (or ``all``) adds imported sources to the export,
read from the build folder's store (:class:`ImportedPart`): in TriG and N-Quads each keeps its
named graph ``https://w3id.org/exokg/graph/<source>`` (dataset description included); in the
graph formats each of its assertions becomes an edge labelled with the source, and each entity
only it names a node. The triple formats (Turtle, N-Triples, JSON-LD, RDF/XML) have no graph
names, so they export the review only: asking them for an imported source is an error that
points to TriG or N-Quads.

Files added with ``exokg load`` are part of the review's graph in an export of a build folder
(:mod:`graph.export.loaded`); their edges carry the file's graph name (``load-<stem>-<hash8>``)
as knowledge source and ``from a loaded file`` as knowledge level.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..model import QUALIFIERS
from ..ontology import load_ontology
from rdflib import Graph

from ..vocab import EXO
from .errors import ExportError
from .loaded import LoadedPart
from .source import ExportSource
from .view import CONTEXT_COLUMNS, Edge, GraphView, Node

REVIEW = ("review", "from this review", "")
EXO_NS = str(EXO._NS)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TRIPLE_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
QUAD_FORMATS = ("trig", "nquads")
NEGATED = ("negated facts of imported sources: an edge says a relation holds, so they stay in TriG and N-Quads "
           "(exo:isNegated)")


@dataclass(frozen=True)
class ImportedPart:
    """The selected imported sources of a build's store, as quads and as nodes and edges."""

    sources: tuple[str, ...] = ()
    quads: tuple[ox.Quad, ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    labels: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # assertion IRI -> provenance
    negated: int = 0  # triples of negated facts (GO NOT, non-functional MTI): no edge, kept in the quads


@dataclass
class SourcedExport(ExportSource):
    """An export of the review together with imported sources (:class:`ImportedPart`) and the files
    loaded into the build folder (:class:`graph.export.loaded.LoadedPart`, read from the store when
    written; ``graph`` is the review's)."""

    imported: ImportedPart = field(default_factory=ImportedPart)
    loaded: LoadedPart = field(default_factory=LoadedPart)

    @cached_property
    def view(self) -> GraphView:
        base = self.loaded.view(self.graph, self.origin) if self.loaded.graphs else super().view
        known = {n.iri for n in base.nodes}
        nodes = base.nodes + tuple(n for n in self.imported.nodes if n.iri not in known)
        dropped = dict(base.dropped)
        if self.imported.negated:
            dropped[NEGATED] = self.imported.negated
        return GraphView(nodes=nodes, edges=base.edges + self.imported.edges, origin=base.origin, dropped=dropped)


def provenance(source: ExportSource, edge: Edge) -> tuple[str, str, str]:
    """(knowledge source, knowledge level, the source's evidence in one line) of an exported edge: an
    imported source's or a loaded file's label when the edge is theirs, else the review's."""
    for part in (getattr(source, "imported", None), getattr(source, "loaded", None)):
        if part is not None and edge.assertion in part.labels:
            return part.labels[edge.assertion]
    return REVIEW


def quads(source: ExportSource) -> tuple[ox.Quad, ...]:
    """The quads an export adds to the review's graphs from imported sources, each in its own named
    graph (none for the review alone; the loaded files' are streamed: graph/export/stream.py)."""
    imported = getattr(source, "imported", None)
    return imported.quads if imported is not None else ()


def curated_graph(source: ExportSource) -> Graph:
    """The review's graph alone: ``source.graph`` without the files loaded into the build folder."""
    loaded = getattr(source, "loaded", None)
    return loaded.curated if loaded is not None and loaded.curated is not None else source.graph


def with_sources(source: ExportSource, graph_source: Path | str | None, fmt: str, names: str | None) -> ExportSource:
    """``source`` with the imported sources ``names`` (a ``--sources`` value) of the build at
    ``graph_source`` added; ``None`` or ``review`` gives ``source`` unchanged."""
    from ..ingest.facts import select
    from ..store import open_store

    if names is None or [n.strip() for n in names.split(",") if n.strip()] == ["review"]:
        select(None, names or "review")  # the names are checked even when nothing is added
        return source
    where = str(graph_source) if graph_source is not None else "the packaged build"
    selection = select(open_store(graph_source), names, where)
    if not selection.review:
        raise ExportError("--sources must include review: an export always holds the review's graph. "
                          f"Fix: e.g. --sources review,{','.join(selection.names) or 'mirtarbase'}")
    if not selection.imported:
        return source
    if fmt in TRIPLE_FORMATS:
        raise ExportError(f"--format {fmt} writes triples without graph names, so imported sources cannot be told "
                          f"apart from the review there. Fix: use --format trig or nquads (each source keeps its named "
                          f"graph), a graph format (csv, kgx, neo4j, graphml, cytoscape), or --sources review")
    part = read_imported(open_store(graph_source), selection.imported)
    kept = {f.name: getattr(source, f.name) for f in fields(source) if f.name != "imported"}
    return SourcedExport(**kept, imported=part)


def _local(iri: str) -> str:
    return iri.removeprefix(EXO_NS)


def read_imported(store: ox.Store, described: tuple[dict, ...]) -> ImportedPart:
    """The quads, nodes and edges of the imported sources ``described`` (imported_sources() rows)."""
    from ..ingest.facts import evidence_text
    from ..ingest.support import LEVEL_LABELS, _evidence

    ontology = load_ontology()
    qualifiers = {q.uri: q.column for q in QUALIFIERS}
    all_quads: list[ox.Quad] = []
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    labels: dict[str, tuple[str, str, str]] = {}
    negated = 0
    for described_source in described:
        name, graph = described_source["source"], ox.NamedNode(described_source["graph"])
        by_subject: dict[str, dict[str, list]] = {}
        for quad in store.quads_for_pattern(None, None, None, graph):
            all_quads.append(quad)
            subject = cast("ox.NamedNode | ox.BlankNode", quad.subject)  # imports write no RDF-star
            by_subject.setdefault(subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        for iri, props in by_subject.items():
            types = [t.value for t in props.get(RDF + "type", []) if t.value.startswith(EXO_NS)]
            if types and _local(types[0]) != "Assertion" and RDFS_LABEL in props:
                kind = _local(types[0])
                nodes.setdefault(iri, Node(iri=iri, key="", label=props[RDFS_LABEL][0].value, type=kind, curie=None,
                                           mapped=False, classes=tuple(sorted(ontology.classes.get(kind, {kind})))))
        for iri in sorted(by_subject):  # (a SPARQL GRAPH pattern here scans slowly: graph/ingest/facts.py)
            props = by_subject[iri]
            if not any(t.value == EXO_NS + "Assertion" for t in props.get(RDF + "type", [])):
                continue
            ev = _evidence(store, graph, {"a": ox.NamedNode(iri), "s": props[RDF + "subject"][0],
                                          "p": props[RDF + "predicate"][0], "o": props[RDF + "object"][0]})
            if ev.negated:  # an edge says the relation holds; a negated fact stays in TriG/N-Quads only
                negated += sum(len(values) for values in by_subject.get(ev.assertion, {}).values())
                continue
            relation = ontology.relations[ev.relation]
            context = tuple((column, tuple(sorted(v.value for q, col in qualifiers.items() if col == column
                                                  for v in props.get(q, []))))
                            for column in CONTEXT_COLUMNS)
            references = tuple(sorted(v.value for v in props.get(EXO_NS + "citesReference", [])))
            edges.append(Edge(id=ev.assertion.rsplit("/assertion/", 1)[-1], assertion=ev.assertion, source=ev.subject,
                              target=ev.object, relation=ev.relation, relation_label=relation.label,
                              sign=relation.sign, symmetric=relation.symmetric, context=context,
                              reference_ids=references, summary=""))
            level = LEVEL_LABELS.get(ev.level, ev.level)
            fact = {"support_type": ev.support, "evidence_code": ev.code, "experiments": ev.experiments,
                    "sample": ev.sample, "cancer": [], "pmids": ev.pmids, "knowledge_level": level,
                    "note": "; ".join(p for p in (ev.record, ev.note) if p)}
            labels[ev.assertion] = (name, level, evidence_text(fact))
    all_quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return ImportedPart(sources=tuple(s["source"] for s in described), quads=tuple(all_quads),
                        nodes=tuple(sorted(nodes.values(), key=lambda n: n.iri)),
                        edges=tuple(sorted(edges, key=lambda e: e.assertion)), labels=labels, negated=negated)
