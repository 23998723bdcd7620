"""One view of the graph after RDF: typed nodes (entities) and edges (assertions).

Every reader of the built graph that is not SPARQL works from this view: the networkx
projection (:mod:`graph.projection`, its graph form), the graph exports (GraphML, Cytoscape.js,
CSV, KGX, Neo4j), the network pages, path-finding and explanations, and entity resolution.
It is read from a pyoxigraph store by SPARQL, and what it reads is checked: an assertion without
its subject, predicate, object, section or summary, an unknown relation or section, a cited
reference without a number, an ill-typed ``exo:tableRow``, or a file with no ExoKG data at all
raises :class:`~graph.errors.GraphContentError` naming the file, the resource, the problem and the fix.

Columns are declared once, as fields of :class:`Node` and :class:`Edge`. A field made with
:func:`column` is read from its RDF predicate by the generic reader (``one``: exactly one value;
``optional``: at most one kept, more are counted in :attr:`GraphView.dropped`; ``many``: a sorted
tuple; ``flag``: true when any value is true; ``text``: values joined by a space), lands in the
networkx attributes and is offered to every writer. So adding a column (say ``certainty`` of an
assertion) is one line here. Fields without a predicate are derived by the reader (relation
label and sign from the ontology, section title, reference numbers, context qualifiers).

>>> from graph.store import open_store
>>> view = read_view(open_store())
>>> cis = view.by_key["cisplatin"]
>>> cis.type, cis.curie
('Drug', 'chebi:27899')
>>> edge = next(e for e in view.edges if e.relation == "confersResistanceTo")
>>> edge.sign, bool(edge.summary)
(1, True)
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

import pyoxigraph as ox

from .errors import GraphContentError
from .model import QUALIFIERS
from .ontology import load_ontology
from .store import open_store, query_options, store_stamp
from .vocab import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

EXO = PREFIXES["exo"]
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ASSERTION_BASE = "https://w3id.org/exokg/assertion/"

SEPARATOR = "|"  # joins list values in every flat format (the curation tables' own separator)
CONTEXT_COLUMNS = tuple(q.column for q in QUALIFIERS)
_COLUMN_BY_PREDICATE = {q.uri: q.column for q in QUALIFIERS}
_KINDS = ("one", "optional", "many", "flag", "text")


def column(predicate: str, kind: str = "one", datatype: str | None = None, default=MISSING):
    """A field read from ``predicate`` (see the module docstring for ``kind``). ``datatype``
    (an XSD IRI) is checked: a value of another type, or not of its lexical form, is an error."""
    assert kind in _KINDS, kind
    if default is MISSING and kind != "one":
        default = {"optional": None, "many": (), "flag": False, "text": ""}[kind]
    return field(default=default, metadata={"predicate": predicate, "kind": kind, "datatype": datatype})


@lru_cache(maxsize=None)
def _columns(cls) -> tuple:
    return tuple(f for f in fields(cls) if f.metadata.get("predicate"))


@dataclass(frozen=True, kw_only=True)
class Node:
    """An entity. ``EntityRecord`` (graph.entities) is this class; a remote endpoint's entity
    list fills only the first seven fields."""

    iri: str
    key: str = column(EXO + "curationKey")
    label: str = column(RDFS_LABEL)
    type: str = ""  # the ExoKG class (local name)
    curie: str | None = column(DCTERMS + "identifier", "optional")
    mapped: bool = column(EXO + "isMapped", datatype=XSD + "boolean")
    synonyms: tuple[str, ...] = column(SKOS + "altLabel", "many")
    classes: tuple[str, ...] = ()  # the class and its ancestors, sorted
    xrefs: tuple[str, ...] = column(SKOS + "exactMatch", "many")  # IRIs
    broader: str = column(SKOS + "broader", "optional", default="")  # IRI of the broader entity, or ""
    unnamed: bool = column(EXO + "unnamedInSource", "flag", datatype=XSD + "boolean")
    note: str = column(EXO + "curatorNote", "text")

    def describe(self) -> str:
        return f"{self.label} ({self.type}, key {self.key})"

    def attributes(self) -> dict:
        """The node's attributes in the graph form (lists for tuples; the IRI is the node id)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "iri"}


@dataclass(frozen=True, kw_only=True)
class Edge:
    """An assertion: one statement with its context and provenance."""

    id: str  # statement id (the assertion IRI without the ExoKG assertion base)
    assertion: str  # assertion IRI
    source: str = column(RDF + "subject")  # subject IRI
    target: str = column(RDF + "object")  # object IRI
    relation: str = ""
    relation_label: str = ""
    sign: int = 0
    symmetric: bool = False
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()  # every qualifier column, in QUALIFIERS order
    section: str = ""
    section_title: str = ""
    table_row: int | None = column(EXO + "tableRow", "optional", datatype=XSD + "integer")
    references: tuple[int, ...] = ()  # printed with the fact
    reference_ids: tuple[str, ...] = ()  # IRIs, in the order of ``references``
    inferred_references: tuple[int, ...] = ()  # taken from the fact's passage, never mixed with ``references``
    inferred_reference_ids: tuple[str, ...] = ()  # IRIs, in the order of ``inferred_references``
    summary: str = column(EXO + "curatorSummary")
    review: str = column(EXO + "source", "optional", default="")  # IRI of the review it was curated from

    def qualifier(self, column: str) -> tuple[str, ...]:
        return dict(self.context)[column]

    def attributes(self) -> dict:
        """The edge's attributes in the graph form: ``context`` holds only the stated columns."""
        skip = {"id", "source", "target"}
        out = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in skip}
        out["context"] = {c: list(vs) for c, vs in self.context if vs}
        return out


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


# The predicates the view reads, besides the columns: the rest is counted in GraphView.dropped.
ENTITY_PREDICATES = frozenset({RDF + "type", SKOS + "broader", *(f.metadata["predicate"] for f in _columns(Node))})
ASSERTION_PREDICATES = frozenset({RDF + "type", RDF + "predicate", EXO + "section", EXO + "citesReference",
                                  EXO + "inferredReference",
                                  *_COLUMN_BY_PREDICATE, *(f.metadata["predicate"] for f in _columns(Edge))})
SOURCE_CLASSES = frozenset({EXO + "Publication", EXO + "Section"})


@dataclass(frozen=True)
class GraphView:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    origin: str = ""  # where the graph was read from, for messages
    dropped: dict[str, int] = field(default_factory=dict)  # what the view cannot carry -> triple count

    @cached_property
    def by_iri(self) -> dict[str, Node]:
        return {n.iri: n for n in self.nodes}

    @cached_property
    def by_key(self) -> dict[str, Node]:
        return {n.key: n for n in self.nodes}

    @property
    def entities(self) -> dict[str, Node]:
        """Nodes by curation key (the shape :func:`graph.build.void_description` reads)."""
        return self.by_key

    def context_text(self, edge: Edge) -> str:
        """The context as one readable cell: ``cancer=gastric cancer; drug=cisplatin``."""
        nodes = self.by_iri
        parts = [f"{column}={SEPARATOR.join(nodes[v].label if v in nodes else v for v in values)}"
                 for column, values in edge.context if values]
        return "; ".join(parts)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The graph form: entity IRIs as nodes, one edge per assertion keyed by its statement id."""
        import networkx as nx  # only the graph form needs it: readers of nodes and edges start without it

        G: nx.MultiDiGraph = nx.MultiDiGraph()
        for node in self.nodes:
            G.add_node(node.iri, **node.attributes())
        for edge in self.edges:
            G.add_edge(edge.source, edge.target, key=edge.id, **edge.attributes())
        G.graph["source"] = self.origin
        return G


class _Reader:
    """Groups a store's triples by subject and turns them into checked nodes and edges."""

    def __init__(self, store: ox.Store, origin: str):
        self.store, self.origin = store, origin
        self.ontology = load_ontology()
        self.relations = {r.uri: r for r in self.ontology.relations.values()}
        self.dropped: Counter = Counter()

    def rows(self, query: str) -> dict[str, dict[str, list]]:
        # a dict per property keeps the values in order without repeats: the union of the default and
        # loaded graphs (once a file is loaded) yields a triple once per graph that holds it
        grouped: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
        triples = cast(ox.QuerySolutions, self.store.query(query, prefixes=PREFIXES, **query_options(self.store)))
        for s in triples:
            grouped[s[0].value][s[1].value][s[2]] = None
        return {subject: {p: list(values) for p, values in props.items()} for subject, props in grouped.items()}

    def fail(self, what: str, iri: str, problem: str, fix: str) -> NoReturn:
        raise GraphContentError(f"{self.origin}: {what} <{iri}> {problem}. Fix: {fix}")

    def value(self, what: str, iri: str, f, values: list):
        """The value of column ``f`` from the terms ``values`` (checked against its kind and datatype)."""
        kind, predicate, datatype = f.metadata["kind"], f.metadata["predicate"], f.metadata["datatype"]
        if kind == "one" and len(values) != 1:
            name = _curie(predicate)
            self.fail(what, iri, f"has {len(values)} {name} values, expected one",
                      "rebuild the graph with `exokg build`, or give the resource exactly one " + name)
        converted = [self.convert(what, iri, predicate, datatype, v) for v in values] if datatype else [
            v.value for v in values]
        if kind == "one":
            return converted[0]
        if kind == "optional":
            if len(converted) > 1:
                self.dropped[f"{what} property second {_curie(predicate)}"] += len(converted) - 1
            return sorted(converted)[0] if converted else f.default
        if kind == "many":
            return tuple(sorted(converted))
        if kind == "flag":
            return any(v is True for v in converted)
        return " ".join(str(v) for v in converted)

    def convert(self, what: str, iri: str, predicate: str, datatype: str, term):
        if not isinstance(term, ox.Literal) or term.datatype.value != datatype:
            name = _curie(predicate)
            self.fail(what, iri, f"has {name} {term}, which is not an xsd:{datatype.removeprefix(XSD)}",
                      f"write {name} as an xsd:{datatype.removeprefix(XSD)} literal, or rebuild with `exokg build`")
        text = term.value
        if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        if datatype == XSD + "integer" and text.strip().lstrip("+-").isdigit():
            return int(text)
        if datatype not in (XSD + "boolean", XSD + "integer"):
            return text
        name = _curie(predicate)
        self.fail(what, iri, f"has {name} \"{text}\", which is not a valid xsd:{datatype.removeprefix(XSD)}",
                  f"correct the value of {name}, or rebuild the graph with `exokg build`")

    def nodes(self) -> list[Node]:
        out = [self.node(iri, props) for iri, props in sorted(self.rows(NODE_ROWS).items())]
        return sorted(out, key=lambda n: n.key)

    def node(self, iri: str, props: dict[str, list]) -> Node:
        """The checked entity ``iri`` from its triples (predicate -> object terms, as :meth:`rows` groups them)."""
        for p, values in props.items():
            if p not in ENTITY_PREDICATES and p not in self.relations:  # relation triples: checked later
                self.dropped[f"entity property {p}"] += len(values)
        types = [t.value for t in props.get(RDF + "type", [])]
        own = [t.removeprefix(EXO) for t in types if t.startswith(EXO)]
        if len(own) != 1:
            self.fail("entity", iri, f"has {len(own)} ExoKG types ({', '.join(own) or 'none'}), expected one",
                      "give it one rdf:type from the ontology (e.g. exo:Gene), or rebuild with `exokg build`")
        if len(types) > len(own):
            self.dropped["entity property rdf:type outside the ontology"] += len(types) - len(own)
        cells = {f.name: self.value("entity", iri, f, props.get(f.metadata["predicate"], []))
                 for f in _columns(Node)}
        return Node(iri=iri, type=own[0], classes=tuple(sorted(self.ontology.classes.get(own[0], {own[0]}))),
                    **cells)

    def numbered(self, iri: str, refs: list, numbers: dict, verb: str) -> list[tuple[int, str]]:
        """(number, IRI) of each reference an assertion cites or infers, sorted; a reference without
        an exo:referenceNumber is an error."""
        out = []
        for ref in refs:
            if ref.value not in numbers:
                self.fail("assertion", iri, f"{verb} {ref}, which has no exo:referenceNumber in the graph",
                          "use a reference of the review's references.tsv, or rebuild with `exokg build`")
            out.append((numbers[ref.value], ref.value))
        return sorted(out)

    def edges(self, known: set[str]) -> list[Edge]:
        self.tables  # noqa: B018 - read (and checked) first, even when there is no assertion
        return [self.edge(iri, props, known) for iri, props in sorted(self.rows(ASSERTION_ROWS).items())]

    @cached_property
    def tables(self) -> tuple[dict, dict]:
        """(section IRI -> (number, title), reference IRI -> number)."""
        sections = {}
        for s in cast(ox.QuerySolutions, self.store.query(SECTION_ROWS, prefixes=PREFIXES, **query_options(self.store))):
            sections[s["s"].value] = (s["number"].value, s["title"].value if s["title"] is not None else "")
        numbers = {}
        for s in cast(ox.QuerySolutions, self.store.query(REFERENCE_ROWS, prefixes=PREFIXES,
                                                          **query_options(self.store))):
            numbers[s["r"].value] = self.convert("reference", s["r"].value, EXO + "referenceNumber", XSD + "integer",
                                                 s["number"])
        return sections, numbers

    def edge(self, iri: str, props: dict[str, list], known: set[str]) -> Edge:
        """The checked assertion ``iri`` from its triples; ``known``: the IRIs of the entities."""
        sections, numbers = self.tables
        for p, values in props.items():
            if p not in ASSERTION_PREDICATES:
                self.dropped[f"assertion property {p}"] += len(values)
        predicate = props.get(RDF + "predicate", [])
        if len(predicate) != 1:
            self.fail("assertion", iri, f"has {len(predicate)} rdf:predicate values, expected one",
                      "give it exactly one rdf:predicate, a relation of the ontology, or rebuild with `exokg build`")
        relation = self.relations.get(predicate[0].value)
        if relation is None:
            self.fail("assertion", iri, f"asserts {predicate[0]}, which is not a relation of the ontology",
                      "use one of " + ", ".join(sorted(r.name for r in self.relations.values()))
                      + " (exo: namespace), or rebuild with `exokg build`")
        section = props.get(EXO + "section", [])
        if len(section) != 1:
            self.fail("assertion", iri, f"has {len(section)} exo:section values, expected one",
                      "give it the section of the review it was curated from, or rebuild with `exokg build`")
        if section[0].value not in sections:
            self.fail("assertion", iri, f"names section {section[0]}, which the graph does not describe "
                      "(no exo:Section with an exo:sectionNumber)",
                      "use a section of the review's sections.tsv, or rebuild with `exokg build`")
        refs = self.numbered(iri, props.get(EXO + "citesReference", []), numbers, "cites")
        inferred = self.numbered(iri, props.get(EXO + "inferredReference", []), numbers, "infers")
        context: dict[str, list[str]] = {c: [] for c in CONTEXT_COLUMNS}
        for predicate_iri, col in _COLUMN_BY_PREDICATE.items():
            context[col] = sorted(v.value for v in props.get(predicate_iri, []))
        cells = {f.name: self.value("assertion", iri, f, props.get(f.metadata["predicate"], []))
                 for f in _columns(Edge)}
        for end in ("source", "target"):
            if cells[end] not in known:
                self.fail("assertion", iri, f"has {_curie(RDF + ('subject' if end == 'source' else 'object'))} "
                          f"<{cells[end]}>, which is not an entity of the graph (no exo:curationKey)",
                          "describe that entity in the curated tables, or rebuild with `exokg build`")
        number, title = sections[section[0].value]
        return Edge(
            id=iri.removeprefix(ASSERTION_BASE), assertion=iri, relation=relation.name,
            relation_label=relation.label, sign=relation.sign, symmetric=relation.symmetric,
            context=tuple((c, tuple(context[c])) for c in CONTEXT_COLUMNS), section=number, section_title=title,
            references=tuple(n for n, _ in refs), reference_ids=tuple(i for _, i in refs),
            inferred_references=tuple(n for n, _ in inferred), inferred_reference_ids=tuple(i for _, i in inferred),
            **cells)

    def count_unread(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Triples about anything but entities, assertions, sections and publications, and direct
        triples no assertion carries, into :attr:`dropped`."""
        read = {n.iri for n in nodes} | {e.assertion for e in edges}
        asserted = {(e.source, self.ontology.relations[e.relation].uri, e.target) for e in edges}
        for iri, props in self.rows(ALL_ROWS).items():
            types = {t.value for t in props.get(RDF + "type", [])}
            if iri not in read and not (SOURCE_CLASSES & types):
                self.dropped[f"triples about {iri}"] += sum(len(v) for v in props.values())
                continue
            for p, values in props.items():
                if p in self.relations:
                    self.dropped["direct triples without an assertion"] += sum(
                        (iri, p, o.value) not in asserted for o in values)


def _curie(iri: str) -> str:
    for prefix, base in (("rdf", RDF), ("exo", EXO), ("skos", SKOS), ("dcterms", DCTERMS)):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return "rdfs:label" if iri == RDFS_LABEL else f"<{iri}>"


NODE_ROWS = "SELECT ?e ?p ?o WHERE { ?e exo:curationKey ?key . ?e ?p ?o }"
ASSERTION_ROWS = "SELECT ?a ?p ?o WHERE { ?a a exo:Assertion . ?a ?p ?o }"
SECTION_ROWS = "SELECT ?s ?number ?title WHERE { ?s a exo:Section ; exo:sectionNumber ?number . OPTIONAL { ?s rdfs:label ?title } }"
REFERENCE_ROWS = "SELECT ?r ?number WHERE { ?r exo:referenceNumber ?number }"
ALL_ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def read_nodes(store: ox.Store, origin: str = "graph") -> list[Node]:
    """The entities of the graph in ``store``, sorted by key, checked."""
    return _Reader(store, origin).nodes()


def read_view(store: ox.Store, origin: str = "graph", *, count_dropped: bool = False) -> GraphView:
    """The checked view of the graph in ``store``. ``count_dropped`` also counts what the view
    does not carry (every triple is scanned, so give it a store of the data alone, without the
    ontology); a graph with neither entities nor assertions is refused."""
    reader = _Reader(store, origin)
    nodes = reader.nodes()
    known = {n.iri for n in nodes}
    edges = reader.edges(known)
    if not nodes and not edges:
        raise GraphContentError(
            f"{origin}: holds no ExoKG entity (exo:curationKey) and no exo:Assertion, so it is not an ExoKG graph. "
            "Fix: point --graph at a folder written by `exokg build --out DIR` or at its exokg.nt")
    if count_dropped:
        reader.count_unread(nodes, edges)
    dropped = {k: v for k, v in sorted(reader.dropped.items()) if v} if count_dropped else {}
    return GraphView(nodes=tuple(nodes), edges=tuple(edges), origin=origin, dropped=dropped)


def view(source: Path | str | None = None) -> GraphView:
    """The view of the graph at ``source`` (a build folder or .nt/.ttl file; default: the
    packaged build), read once per store version; a foreign or partial graph raises GraphContentError."""
    return _view(store_stamp(source), None if source is None else str(source))


@lru_cache(maxsize=4)
def _view(stamp: str, origin: str | None = None) -> GraphView:
    return read_view(open_store(stamp), origin or stamp)


def view_code_file() -> str:
    """The module whose code decides what the view holds: caches of the view's forms are keyed on it."""
    return __file__


def nodes_at(stamp: str, origin: str | None = None) -> tuple[Node, ...]:
    """The entities of the store with this :func:`graph.store.store_stamp` (cached); ``origin``
    names the graph in error messages (default: the store)."""
    return tuple(read_nodes(open_store(stamp), origin or stamp))
