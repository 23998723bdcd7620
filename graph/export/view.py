"""The node/edge view every graph format (GraphML, CSV, KGX, Neo4j) is written from.

Nodes are the entities; each assertion is one edge, keyed by its statement id, carrying the
relation, its sign, every context qualifier and the provenance. Field names follow
:mod:`graph.projection`. Entity-valued fields hold IRIs (the node ids); lists are sorted.

What the view does not carry is counted, never dropped silently: triples on entities or
assertions whose predicate the view does not know, and triples about anything that is neither an
entity, an assertion, a section nor a publication, end up in :attr:`GraphView.dropped`.
Publications and sections are not nodes; an edge keeps its section number and title and its
references' numbers and IRIs (see docs/export.md, "Loss report").
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from typing import Any

from rdflib import Graph
from rdflib.term import Node as Term
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..model import QUALIFIERS
from ..ontology import load_ontology
from ..vocab import ASSERTION, EXO
from .errors import ExportError

SEPARATOR = "|"  # joins list values in every flat format (the curation tables' own separator)
CONTEXT_COLUMNS = tuple(q.column for q in QUALIFIERS)
_COLUMN_BY_PREDICATE = {q.predicate: q.column for q in QUALIFIERS}

ENTITY_PREDICATES = frozenset({RDF.type, RDFS.label, EXO.curationKey, EXO.isMapped, SKOS.altLabel, DCTERMS.identifier,
                               SKOS.exactMatch, SKOS.broader, EXO.unnamedInSource, EXO.curatorNote})
ASSERTION_PREDICATES = frozenset({RDF.type, RDF.subject, RDF.predicate, RDF.object, EXO.source, EXO.section,
                                  EXO.curatorSummary, EXO.tableRow, EXO.citesReference, *_COLUMN_BY_PREDICATE})
SOURCE_CLASSES = frozenset({EXO.Publication, EXO.Section})


@dataclass(frozen=True)
class Node:
    iri: str
    key: str
    label: str
    type: str  # the ExoKG class (local name)
    classes: tuple[str, ...]  # the class and its ancestors, sorted
    curie: str  # "" when unmapped
    mapped: bool
    synonyms: tuple[str, ...]
    xrefs: tuple[str, ...]  # IRIs
    broader: str  # IRI of the broader entity, or ""
    unnamed: bool
    note: str


@dataclass(frozen=True)
class Edge:
    id: str  # statement id
    assertion: str  # assertion IRI
    source: str
    target: str
    relation: str
    relation_label: str
    sign: int
    symmetric: bool
    context: tuple[tuple[str, tuple[str, ...]], ...]  # every qualifier column, in QUALIFIERS order
    section: str
    section_title: str
    table_row: int | None
    references: tuple[int, ...]
    reference_ids: tuple[str, ...]  # IRIs, in the order of ``references``
    summary: str
    review: str  # IRI of the review the assertion was curated from

    def qualifier(self, column: str) -> tuple[str, ...]:
        return dict(self.context)[column]


@dataclass(frozen=True)
class GraphView:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    dropped: dict[str, int] = field(default_factory=dict)  # what the view cannot carry -> triple count

    @cached_property
    def by_iri(self) -> dict[str, Node]:
        return {n.iri: n for n in self.nodes}

    @cached_property
    def entities(self) -> dict[str, Node]:
        """Nodes by curation key (the shape :func:`graph.build.void_description` reads)."""
        return {n.key: n for n in self.nodes}

    def context_text(self, edge: Edge) -> str:
        """The context as one readable cell: ``cancer=gastric cancer; drug=cisplatin``."""
        nodes = self.by_iri
        parts = [f"{column}={SEPARATOR.join(nodes[v].label if v in nodes else v for v in values)}"
                 for column, values in edge.context if values]
        return "; ".join(parts)


def _one(values: list, what: str, subject) -> Any:
    if len(values) != 1:
        raise ExportError(f"{subject} has {len(values)} {what} values, expected one. "
                          "Fix: rebuild the graph with `exokg build`")
    return values[0]


def build_view(graph: Graph) -> GraphView:
    ontology = load_ontology()
    relations = {r.iri: r for r in ontology.relations.values()}
    exo_ns = str(EXO._NS)
    by_subject: dict[Term, dict[Term, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        by_subject[s][p].append(o)

    entities = {s for s, props in by_subject.items() if EXO.curationKey in props}
    assertions = {s for s, props in by_subject.items() if EXO.Assertion in props.get(RDF.type, ())}
    sources = {s for s, props in by_subject.items() if SOURCE_CLASSES & set(props.get(RDF.type, ()))}
    dropped: Counter = Counter()

    nodes = []
    for s in entities:
        props = by_subject[s]
        for p, values in props.items():
            if p not in ENTITY_PREDICATES and p not in relations:  # relation triples: checked below
                dropped[f"entity property {p}"] += len(values)
        types = [str(t).removeprefix(exo_ns) for t in props.get(RDF.type, []) if str(t).startswith(exo_ns)]
        cls = _one(types, "ExoKG type", s)
        curie = props.get(DCTERMS.identifier, [])
        broader = sorted(str(v) for v in props.get(SKOS.broader, []))
        foreign_types = [t for t in props.get(RDF.type, []) if not str(t).startswith(exo_ns)]
        for what, values in (("rdf:type outside the ontology", foreign_types),
                             ("second dcterms:identifier", curie[1:]), ("second skos:broader", broader[1:])):
            if values:
                dropped[f"entity property {what}"] += len(values)
        synonyms = tuple(sorted(str(v) for v in props.get(SKOS.altLabel, [])))
        if any(SEPARATOR in synonym for synonym in synonyms):
            raise ExportError(f"a synonym of {s} contains '{SEPARATOR}', which the graph formats use to separate "
                              "list values. Fix: split it into separate synonyms in the curated table")
        nodes.append(Node(
            iri=str(s), key=str(_one(props.get(EXO.curationKey, []), "curation key", s)),
            label=str(_one(props.get(RDFS.label, []), "label", s)), type=cls,
            classes=tuple(sorted(ontology.classes.get(cls, {cls}))),
            curie=str(curie[0]) if curie else "",
            mapped=bool(_one(props.get(EXO.isMapped, []), "isMapped", s).toPython()),
            synonyms=synonyms,
            xrefs=tuple(sorted(str(v) for v in props.get(SKOS.exactMatch, []))),
            broader=broader[0] if broader else "",
            unnamed=any(v.toPython() is True for v in props.get(EXO.unnamedInSource, [])),
            note=" ".join(str(v) for v in props.get(EXO.curatorNote, [])),
        ))
    nodes.sort(key=lambda n: n.key)

    section_info = {}
    reference_numbers = {}
    for s in sources:
        props = by_subject[s]
        if EXO.sectionNumber in props:
            section_info[s] = (str(props[EXO.sectionNumber][0]), str(props.get(RDFS.label, [""])[0]))
        if EXO.referenceNumber in props:
            reference_numbers[s] = int(props[EXO.referenceNumber][0])

    edges = []
    for a in assertions:
        props = by_subject[a]
        for p, values in props.items():
            if p not in ASSERTION_PREDICATES:
                dropped[f"assertion property {p}"] += len(values)
        predicate = _one(props.get(RDF.predicate, []), "rdf:predicate", a)
        if predicate not in relations:
            raise ExportError(f"{a} asserts {predicate}, which is not a relation of the ontology. "
                              "Fix: rebuild the graph with `exokg build`")
        relation = relations[predicate]
        context = defaultdict(list)
        for qualifier, column in _COLUMN_BY_PREDICATE.items():
            context[column] = sorted(str(v) for v in props.get(qualifier, []))
        section = _one(props.get(EXO.section, []), "section", a)
        number, title = section_info.get(section, (str(section).rsplit("/", 1)[-1], ""))
        refs = sorted((reference_numbers.get(r, 0), str(r)) for r in props.get(EXO.citesReference, []))
        rows = sorted(int(v) for v in props.get(EXO.tableRow, []))
        if len(rows) > 1:
            dropped["assertion property second exo:tableRow"] += len(rows) - 1
        edges.append(Edge(
            id=str(a).removeprefix(str(ASSERTION)), assertion=str(a),
            source=str(_one(props.get(RDF.subject, []), "rdf:subject", a)),
            target=str(_one(props.get(RDF.object, []), "rdf:object", a)),
            relation=relation.name, relation_label=relation.label, sign=relation.sign, symmetric=relation.symmetric,
            context=tuple((column, tuple(context[column])) for column in CONTEXT_COLUMNS),
            section=number, section_title=title, table_row=rows[0] if rows else None,
            references=tuple(n for n, _ in refs), reference_ids=tuple(i for _, i in refs),
            summary=str(_one(props.get(EXO.curatorSummary, []), "curator summary", a)),
            review=str(props[EXO.source][0]) if props.get(EXO.source) else "",
        ))
    edges.sort(key=lambda e: e.assertion)

    # Each direct triple (subject relation object) is carried by the edges of its assertions.
    asserted = {(e.source, str(ontology.relations[e.relation].iri), e.target) for e in edges}
    for s, props in by_subject.items():
        if s not in entities and s not in assertions and s not in sources:
            dropped[f"triples about {s}"] += sum(len(v) for v in props.values())
            continue
        for p, values in props.items():
            if p in relations:
                dropped["direct triples without an assertion"] += sum(
                    (str(s), str(p), str(o)) not in asserted for o in values)
    dropped = Counter({k: v for k, v in dropped.items() if v})
    return GraphView(nodes=tuple(nodes), edges=tuple(edges), dropped=dict(sorted(dropped.items())))
