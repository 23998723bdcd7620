"""The whole graph as columns, read straight from the store, for the aggregated page.

The aggregated page of the whole graph (``exokg viz`` without a selection, on a store of
AGGREGATE_NODES entities or more) needs, per entity, its type, label, key, identifier and
synonyms, and per statement its ends, relation, section, row, references, summary and context.
Reading those through the typed view and the networkx projection (:mod:`graph.projection`) costs
a Python object per triple and a graph object per entity and statement: 517 s and 2.7 GB for a
5M-triple store, and more than the 4 GB a 10M store may use. Here each column is read with
``quads_for_pattern`` on its one predicate, row by row, into plain lists indexed by entity or
statement number (strings shared between rows are interned), and :func:`aggregate_columns`
turns them into the same payload, byte for byte, as the projection path.

What the view checks is checked here too for what the page reads (one subject, object,
predicate, section and summary per statement, a known relation and section, numbered references,
ends that are entities, one ExoKG type per entity): the same :class:`~graph.errors.GraphContentError`.
Only the review's statements (and those of files added with ``exokg load``) are read: a page with
``--sources`` naming an imported resource, or a selection, is made from the projection.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..model import QUALIFIERS
from ..store import LOADED_GRAPH_PREFIX, open_store, query_options
from ..view import (ASSERTION_BASE, DCTERMS, EXO, RDF, RDFS_LABEL, REFERENCE_ROWS, SECTION_ROWS, SKOS, XSD, _Reader)
from ..vocab import PREFIXES
from .style import _short

_CONTEXT = tuple((q.uri, q.column) for q in QUALIFIERS)


@dataclass
class Columns:
    """Entities (sorted by IRI) and statements (sorted by subject, object, statement id) as lists."""

    ids: list[str]
    label: list[str]
    type: list[str]
    key: list[str]
    curie: list[str | None]
    synonyms: list[list[str]]
    src: list[int] = field(default_factory=list)  # entity numbers
    dst: list[int] = field(default_factory=list)
    sid: list[str] = field(default_factory=list)  # statement ids
    assertion: list[str] = field(default_factory=list)
    relation: list[str] = field(default_factory=list)
    section: list[str] = field(default_factory=list)
    section_title: list[str] = field(default_factory=list)
    row: list[int | None] = field(default_factory=list)
    refs: list[list[int]] = field(default_factory=list)
    inferred: list[list[int]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    context: list[list[tuple[str, list[str]]]] = field(default_factory=list)  # stated columns, QUALIFIERS order
    sources: dict[str, str] | None = None  # statement id -> "loaded <file>" (None: every statement is the review's)


class _Scan:
    """The triples of one predicate in the graphs questions read (the default graph, and the loaded
    graphs once files are loaded), one SELECT streamed row by row. In that union a triple held by
    two graphs comes once per graph: ``union`` tells the readers to drop repeats."""

    def __init__(self, store: ox.Store):
        self.store, self.options = store, query_options(store)
        self.graphs = list(self.options.get("default_graph", [ox.DefaultGraph()]))
        self.union = len(self.graphs) > 1

    def pairs(self, predicate: str):
        """(subject IRI, object term) of each triple of ``predicate``."""
        # the predicate is one of this module's constants, written by pyoxigraph in N-Triples syntax; bound with
        # VALUES instead, the query scans every triple of a store without loaded files (measured 2-7x slower)
        query = f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"
        for row in cast(ox.QuerySolutions, self.store.query(query, **self.options)):
            yield cast(ox.NamedNode, row[0]).value, cast(ox.NamedNode | ox.Literal, row[1])

    def types(self):
        """(subject IRI, class IRI, graph) of every rdf:type triple, graph by graph."""
        p = ox.NamedNode(RDF + "type")
        for g in self.graphs:
            for q in self.store.quads_for_pattern(None, p, None, g):
                yield cast(ox.NamedNode, q.subject).value, cast(ox.NamedNode, q.object).value, g


def read_columns(source: Path | str | None = None, origin: str | None = None) -> Columns:
    """The columns of the whole graph at ``source`` (a build folder, store or RDF file)."""
    store = open_store(source)
    reader = _Reader(store, origin or str(source or "graph"))
    scan = _Scan(store)
    intern = sys.intern

    keys: dict[str, str] = {}
    for s, o in scan.pairs(EXO + "curationKey"):
        if s in keys and keys[s] != o.value:
            reader.fail("entity", s, "has 2 exo:curationKey values, expected one",
                        "rebuild the graph with `exokg build`, or give the resource exactly one exo:curationKey")
        keys[s] = o.value
    ids = sorted(keys)
    index = {iri: i for i, iri in enumerate(ids)}
    n = len(ids)
    label: list[str | None] = [None] * n
    types: list[list[str]] = [[] for _ in range(n)]
    curie: list[str | None] = [None] * n
    synonyms: list[list[str]] = [[] for _ in range(n)]
    for s, o in scan.pairs(RDFS_LABEL):
        i = index.get(s)
        if i is not None:
            if label[i] is not None and label[i] != o.value:
                reader.fail("entity", s, "has 2 rdfs:label values, expected one",
                            "rebuild the graph with `exokg build`, or give the resource exactly one rdfs:label")
            label[i] = o.value
    assertions: dict[str, str | None] = {}  # assertion IRI -> "loaded <file>" for a loaded file's, else None
    assertion_class = EXO + "Assertion"
    for s, o, g in scan.types():
        if o == assertion_class:
            if isinstance(g, ox.NamedNode):
                assertions[s] = "loaded " + g.value[len(LOADED_GRAPH_PREFIX):].rsplit("-", 1)[0]
            else:
                assertions.setdefault(s, None)
            continue
        i = index.get(s)
        if i is not None and o.startswith(EXO) and o[len(EXO):] not in types[i]:
            types[i].append(intern(o[len(EXO):]))
    for s, o in scan.pairs(DCTERMS + "identifier"):
        i = index.get(s)
        if i is not None and (curie[i] is None or o.value < curie[i]):  # one kept, as the view keeps it
            curie[i] = o.value
    for s, o in scan.pairs(SKOS + "altLabel"):
        i = index.get(s)
        if i is not None and not (scan.union and o.value in synonyms[i]):
            synonyms[i].append(o.value)
    for i, iri in enumerate(ids):
        if len(types[i]) != 1:
            reader.fail("entity", iri, f"has {len(types[i])} ExoKG types ({', '.join(types[i]) or 'none'}), "
                        "expected one", "give it one rdf:type from the ontology (e.g. exo:Gene), or rebuild with "
                        "`exokg build`")
        if label[i] is None:
            reader.fail("entity", iri, "has 0 rdfs:label values, expected one",
                        "rebuild the graph with `exokg build`, or give the resource exactly one rdfs:label")
        synonyms[i].sort()
    cols = Columns(ids=ids, label=cast(list, label), type=[t[0] for t in types], key=[keys[i] for i in ids],
                   curie=curie, synonyms=synonyms)
    _read_statements(cols, store, scan, reader, index, assertions)
    return cols


def _read_statements(cols: Columns, store: ox.Store, scan: _Scan, reader: _Reader, entity: dict[str, int],
                     assertions: dict[str, str | None]) -> None:
    intern = sys.intern
    options = query_options(store)
    sections = {}
    for sol in cast(ox.QuerySolutions, store.query(SECTION_ROWS, prefixes=PREFIXES, **options)):
        sections[sol["s"].value] = (sol["number"].value, sol["title"].value if sol["title"] is not None else "")
    numbers = {}
    for sol in cast(ox.QuerySolutions, store.query(REFERENCE_ROWS, prefixes=PREFIXES, **options)):
        numbers[sol["r"].value] = reader.convert("reference", sol["r"].value, EXO + "referenceNumber",
                                                 XSD + "integer", sol["number"])
    iris = sorted(assertions)
    index = {a: i for i, a in enumerate(iris)}
    m = len(iris)

    def one(predicate: str, name: str) -> list:
        values: list = [None] * m
        for a, o in scan.pairs(predicate):
            i = index.get(a)
            if i is None:
                continue
            if values[i] is not None and values[i] != o:
                reader.fail("assertion", a, f"has 2 {name} values, expected one",
                            f"give it exactly one {name}, or rebuild with `exokg build`")
            values[i] = o
        for i, v in enumerate(values):
            if v is None:
                reader.fail("assertion", iris[i], f"has 0 {name} values, expected one",
                            f"give it exactly one {name}, or rebuild with `exokg build`")
        return values

    relations = reader.relations
    relation = []
    for i, term in enumerate(one(RDF + "predicate", "rdf:predicate")):
        r = relations.get(term.value)
        if r is None:
            reader.fail("assertion", iris[i], f"asserts {term}, which is not a relation of the ontology",
                        "use one of " + ", ".join(sorted(r.name for r in relations.values()))
                        + " (exo: namespace), or rebuild with `exokg build`")
        relation.append(intern(r.name))
    ends = []
    for name, predicate in (("rdf:subject", RDF + "subject"), ("rdf:object", RDF + "object")):
        end: list[int] = []
        for i, term in enumerate(one(predicate, name)):
            e = entity.get(term.value)
            if e is None:
                reader.fail("assertion", iris[i], f"has {name} <{term.value}>, which is not an entity of the graph "
                            "(no exo:curationKey)", "describe that entity in the curated tables, or rebuild with "
                            "`exokg build`")
            end.append(e)
        ends.append(end)
    section, title = [], []
    for i, term in enumerate(one(EXO + "section", "exo:section")):
        if term.value not in sections:
            reader.fail("assertion", iris[i], f"names section {term}, which the graph does not describe "
                        "(no exo:Section with an exo:sectionNumber)",
                        "use a section of the review's sections.tsv, or rebuild with `exokg build`")
        number, heading = sections[term.value]
        section.append(intern(number))
        title.append(intern(heading))
    summary = [t.value for t in one(EXO + "curatorSummary", "exo:curatorSummary")]
    row: list[int | None] = [None] * m
    for a, o in scan.pairs(EXO + "tableRow"):
        at = index.get(a)
        if at is not None:
            value = cast(int, reader.convert("assertion", a, EXO + "tableRow", XSD + "integer", o))
            kept = row[at]
            row[at] = value if kept is None else min(kept, value)
    refs = [_numbered(scan, EXO + "citesReference", index, numbers, reader, "cites", m),
            _numbered(scan, EXO + "inferredReference", index, numbers, reader, "infers", m)]
    context: list[list] = [[] for _ in range(m)]
    for predicate, column in _CONTEXT:
        values: dict[int, list[str]] = defaultdict(list)
        for a, o in scan.pairs(predicate):
            at = index.get(a)
            if at is not None:
                text = intern(o.value) if isinstance(o, ox.NamedNode) else o.value
                if not (scan.union and text in values[at]):
                    values[at].append(text)
        for i, vs in values.items():
            context[i].append((column, sorted(vs)))
    sources = {i: assertions[a] for i, a in enumerate(iris) if assertions[a] is not None} if scan.union else None
    del assertions
    sid = [a.removeprefix(ASSERTION_BASE) for a in iris]
    ids = cols.ids
    order = sorted(range(m), key=lambda i: (ids[ends[0][i]], ids[ends[1][i]], sid[i]))
    cols.src = [ends[0][i] for i in order]
    cols.dst = [ends[1][i] for i in order]
    cols.sid = [sid[i] for i in order]
    cols.assertion = [iris[i] for i in order]
    cols.relation = [relation[i] for i in order]
    cols.section = [section[i] for i in order]
    cols.section_title = [title[i] for i in order]
    cols.row = [row[i] for i in order]
    cols.refs = [refs[0][i] for i in order]
    cols.inferred = [refs[1][i] for i in order]
    cols.summary = [summary[i] for i in order]
    cols.context = [context[i] for i in order]
    cols.sources = None if sources is None else {sid[i]: cast(str, name) for i, name in sources.items()}


def _numbered(scan: _Scan, predicate: str, index: dict, numbers: dict, reader: _Reader, verb: str, m: int) -> list:
    """Per statement, the numbers of the references it cites (or infers), sorted as the view sorts them."""
    found: dict[int, list] = defaultdict(list)
    for a, o in scan.pairs(predicate):
        i = index.get(a)
        if i is None:
            continue
        if o.value not in numbers:
            reader.fail("assertion", a, f"{verb} {o}, which has no exo:referenceNumber in the graph",
                        "use a reference of the review's references.tsv, or rebuild with `exokg build`")
        if not (scan.union and (numbers[o.value], o.value) in found[i]):
            found[i].append((numbers[o.value], o.value))
    empty: list = []
    return [[number for number, _ in sorted(found[i])] if i in found else empty for i in range(m)]


def cancer_counts(cols: Columns, broader: dict) -> tuple[dict[int, list[tuple[str, int]]], dict[str, str]]:
    """:func:`graph.viz.views.cancer_groups` on the columns of the whole graph: per entity number,
    the cancer families its statements name, most named first, and the families' labels."""
    from ..explain import GENERIC_CANCER_KEYS
    from .views import _cancer_family

    ids = cols.ids
    cancer_nodes = {ids[i] for i, t in enumerate(cols.type) if t == "CancerType"}
    generic = {ids[i] for i, t in enumerate(cols.type) if t == "CancerType" and cols.key[i] in GENERIC_CANCER_KEYS}
    families: dict[str, str] = {}
    counts: dict[int, Counter] = defaultdict(Counter)
    for u, v, context in zip(cols.src, cols.dst, cols.context):
        named = {c for column, values in context if column == "cancer" for c in values}
        named = (named | ({ids[u], ids[v]} & cancer_nodes)) - generic
        if not named:
            continue
        for cancer in named:
            if cancer not in families:
                families[cancer] = _cancer_family(cancer, broader, generic)
        for family in {families[c] for c in named}:
            for e in {u, v}:
                counts[e][family] += 1
    index = {iri: i for i, iri in enumerate(ids)} if counts else {}
    labels = {f: _label(cols, index, f) for c in counts.values() for f in c}
    family_labels = {f: labels[f] for f in sorted(labels)}
    ranked = {e: sorted(c.items(), key=lambda fc: (-fc[1], family_labels[fc[0]], fc[0])) for e, c in counts.items()}
    return ranked, family_labels


def _label(cols: Columns, index: dict, iri: str) -> str:
    i = index.get(iri)
    return (cols.label[i] if i is not None else "") or _short(iri)
