"""Writing the path index (:mod:`graph.pathgraph`) of a store version.

:func:`write_index` streams: the entities, then the assertions of the store are read one subject
at a time (its triples by index lookup, turned into a Node or Edge by the checked view's own
reader, :class:`graph.view._Reader`), and each edge is written to the SQLite file and dropped, so
memory holds the sorted subject IRIs and one small row per entity, not the whole typed view. The file is the same, row for row, as :func:`write_index_from_view`
writes from the whole view (kept as the reference the tests and ``scripts/bench_path_write.py``
compare with).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from .errors import GraphContentError
from .storage import GRAPH_BASE
from .store import LOADED_GRAPH_PREFIX, query_options
from .vocab import PREFIXES
from .terms import normalize_name

REVIEW = "review"
EXO = "https://w3id.org/exokg/ontology/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ASSERTION_BASE = "https://w3id.org/exokg/assertion/"
SCHEMA = """
CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT UNIQUE, title TEXT, kind TEXT);
CREATE TABLE nodes(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, key TEXT, type TEXT, attrs TEXT, degree INTEGER);
CREATE TABLE names(name TEXT, tier INTEGER, node INTEGER);
CREATE TABLE edges(id INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, key TEXT, source INTEGER,
                   relation TEXT, sign INTEGER, symmetric INTEGER, context TEXT, attrs TEXT);
CREATE TABLE broader(child TEXT, parent TEXT);
CREATE TABLE drug_context(value TEXT, node INTEGER, source INTEGER);
"""
INDEXES = """
CREATE INDEX nodes_key ON nodes(key);
CREATE INDEX names_name ON names(name, tier);
CREATE INDEX edges_src ON edges(src, source, relation, symmetric, dst, sign);
CREATE INDEX edges_dst ON edges(dst, source, relation, symmetric, src, sign);
CREATE INDEX drug_context_node ON drug_context(node, value, source);
CREATE UNIQUE INDEX edges_key ON edges(key);
UPDATE nodes SET degree = (SELECT count(*) FROM edges WHERE src = nodes.id) + (SELECT count(*) FROM edges WHERE dst = nodes.id);
"""


class IndexWriter:
    """Writes a path index file: sources first, then nodes (with their names), edges, broader
    links; :meth:`close` adds the lookup indexes. :func:`write_index` feeds it from a store;
    ``scripts/bench_path_cache.py`` from a synthetic graph."""

    def __init__(self, path: Path | str, sources: list[tuple[str, str, str]]):
        """``sources``: (name, title, kind) with kind ``review``, ``loaded`` or ``imported``."""
        self.db = sqlite3.connect(str(path))
        self.db.executescript(SCHEMA)
        self.db.executemany("INSERT INTO sources(id, name, title, kind) VALUES (?, ?, ?, ?)",
                            [(i, *s) for i, s in enumerate(sources)])
        self.source_id = {name: i for i, (name, _t, _k) in enumerate(sources)}
        self.ids: dict[str, int] = {}

    def add_node(self, iri: str, key: str | None, kind: str | None, attrs: dict | str, synonyms: Iterable[str] = (),
                 label: str | None = None, curie: str | None = None) -> int:
        """Add a node once (later calls return its id); a node with a key can be named by its
        key, label and CURIE (first tier) and its synonyms (second tier). ``attrs``: a dict, or its JSON."""
        if iri not in self.ids:
            nid = self.ids[iri] = len(self.ids) + 1
            self.db.execute("INSERT INTO nodes(id, iri, key, type, attrs) VALUES (?, ?, ?, ?, ?)",
                            (nid, iri, key, kind, attrs if isinstance(attrs, str) else json.dumps(attrs, ensure_ascii=False)))
            if key is not None:
                names = [(normalize_name(key), 0, nid)] + ([(normalize_name(label), 0, nid)] if label else [])
                names += [(curie.casefold(), 0, nid)] if curie else []
                names += [(normalize_name(s), 1, nid) for s in synonyms]
                self.db.executemany("INSERT INTO names(name, tier, node) VALUES (?, ?, ?)", names)
        return self.ids[iri]

    def add_edges(self, rows: Iterable[tuple]) -> None:
        """Rows of (source IRI, target IRI, statement key, source name, relation, sign, symmetric,
        context dict, attribute dict); both ends must have been added."""
        ids, source_id = self.ids, self.source_id
        drugs: list[tuple[str, int, int]] = []  # (drug named in the context, either end, source)

        def edges():
            for u, v, key, source, relation, sign, symmetric, context, attrs in rows:
                src, dst, sid = ids[u], ids[v], source_id[source]
                for value in (context or {}).get("drug", ()):
                    drugs.extend(((value, src, sid), (value, dst, sid)))
                yield (src, dst, key, sid, relation, sign, int(symmetric),
                       json.dumps(context, ensure_ascii=False) if context else None, json.dumps(attrs, ensure_ascii=False))

        self.db.executemany(
            "INSERT INTO edges(src, dst, key, source, relation, sign, symmetric, context, attrs) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", edges())
        self.db.executemany("INSERT INTO drug_context(value, node, source) VALUES (?, ?, ?)", drugs)

    def add_broader(self, links: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("INSERT INTO broader(child, parent) VALUES (?, ?)", sorted(set(links)))

    def close(self) -> None:
        self.db.executescript(INDEXES)
        self.db.commit()
        self.db.close()


def write_index(stamp: str, path: Path, origin: str | None = None) -> None:
    """Write the path index of store version ``stamp`` to ``path``, streamed (see the module docstring)."""
    from .store import open_store
    from .view import _Reader

    store = open_store(stamp)
    reader = _Reader(store, origin or stamp)
    entities = _subjects(store, "SELECT DISTINCT ?e WHERE { ?e exo:curationKey ?key }")
    assertions = _subjects(store, "SELECT DISTINCT ?a WHERE { ?a a exo:Assertion }")
    if not entities and not assertions:  # what read_view refuses, in its words
        raise GraphContentError(
            f"{reader.origin}: holds no ExoKG entity (exo:curationKey) and no exo:Assertion, so it is not an ExoKG "
            "graph. Fix: point --graph at a folder written by `exokg build --out DIR` or at its exokg.nt")
    graphs = [ox.DefaultGraph(), *query_options(store).get("default_graph", [])[1:]]
    # the view sorts entities by IRI, then stably by key: one small row per entity, its JSON made at once
    rows: list[tuple] = []
    for subject in entities:
        node = reader.node(subject.value, _triples(store, subject, graphs))
        rows.append((node.key, node.iri, node.type, json.dumps(node.attributes(), ensure_ascii=False),
                     node.synonyms, node.label, node.curie))
    rows.sort(key=lambda r: r[0])
    known = {e.value for e in entities}
    del entities
    writer, in_loaded, imported = _open_writer(store, path)
    try:
        for key, iri, kind, attrs, synonyms, label, curie in rows:
            writer.add_node(iri, key, kind, attrs, synonyms, label, curie)
        del rows
        edges = (reader.edge(a.value, _triples(store, a, graphs), known) for a in assertions)
        writer.add_edges(_edge_rows(edges, in_loaded))
        _write_rest(writer, store, imported)
    finally:
        writer.close()


def _triples(store, subject, graphs: list) -> dict[str, list]:
    """Predicate -> objects of ``subject`` in ``graphs`` (the view's default graph: the store's, and
    the loaded files'), each value once, as :meth:`graph.view._Reader.rows` groups a subject's."""
    found: dict[str, dict] = {}
    for graph in graphs:
        for quad in store.quads_for_pattern(subject, None, None, graph):
            found.setdefault(quad.predicate.value, {})[quad.object] = None
    return {p: list(values) for p, values in found.items()}


def write_index_from_view(stamp: str, path: Path, origin: str | None = None) -> None:
    """The same file as :func:`write_index`, written from the whole view in memory (the reference)."""
    from .store import open_store
    from .view import _view

    store = open_store(stamp)
    view = _view(stamp, origin)
    writer, in_loaded, imported = _open_writer(store, path)
    try:
        for node in view.nodes:
            writer.add_node(node.iri, node.key, node.type, node.attributes(), node.synonyms, node.label, node.curie)
        writer.add_edges(_edge_rows(view.edges, in_loaded))
        _write_rest(writer, store, imported)
    finally:
        writer.close()


def _subjects(store, query: str) -> list:
    """The subjects ``query`` selects (IRIs or blank nodes), sorted by their value as the view sorts them."""
    terms = {s[0] for s in cast(Any, store.query(query, prefixes=PREFIXES, **query_options(store)))}
    return sorted(terms, key=lambda t: t.value)


def _open_writer(store, path: Path) -> tuple[IndexWriter, dict[str, str], list[tuple[str, str]]]:
    loaded = sorted(g.value for g in store.named_graphs() if g.value.startswith(LOADED_GRAPH_PREFIX))
    imported = _imported_graphs(store)
    sources = [(REVIEW, "the review", "review")]
    sources += [(g.removeprefix(GRAPH_BASE), g.removeprefix(GRAPH_BASE), "loaded") for g in loaded]
    sources += [(name, title, "imported") for name, title in imported]
    return IndexWriter(path, sources), _assertion_graphs(store, loaded), imported


def _edge_rows(edges: Iterable, in_loaded: dict[str, str]) -> Iterable[tuple]:
    for edge in edges:
        attrs = edge.attributes()
        context = attrs.pop("context")
        graph = in_loaded.get(edge.assertion)
        yield (edge.source, edge.target, edge.id, graph.removeprefix(GRAPH_BASE) if graph else REVIEW,
               edge.relation, edge.sign, edge.symmetric, context, attrs)


def _write_rest(writer: IndexWriter, store, imported: list[tuple[str, str]]) -> None:
    for name, _title in imported:
        _write_imported(writer, store, name)
    query = "SELECT ?c ?p WHERE { ?c <http://www.w3.org/2004/02/skos/core#broader> ?p }"
    writer.add_broader((r["c"].value, r["p"].value) for r in cast(Any, store.query(query, **query_options(store))))


def _imported_graphs(store) -> list[tuple[str, str]]:
    """(name, title) of every resource imported with ``exokg import``, by name."""
    from .ingest.sources import SOURCES

    present = {g.value.removeprefix(GRAPH_BASE) for g in store.named_graphs()}
    return [(name, spec.title) for name, spec in sorted(SOURCES.items()) if name in present]


def _assertion_graphs(store, loaded: list[str]) -> dict[str, str]:
    """Assertion IRI -> the loaded graph holding it, for assertions not in the default graph."""
    import pyoxigraph as ox

    found: dict[str, str] = {}
    kind = ox.NamedNode(EXO + "Assertion")
    for graph in loaded:
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), kind, ox.NamedNode(graph)):
            found.setdefault(quad.subject.value, graph)
    for iri in list(found):
        if next(store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF + "type"), kind, ox.DefaultGraph()),
                None) is not None:
            del found[iri]  # in the review's own graph too: the review's
    return found


def _write_imported(writer: IndexWriter, store, name: str) -> None:
    """An imported source's named graph in two passes: its own entities (type and label) become
    nodes, then its quads, which come grouped by subject, are streamed: each assertion that is
    not negated becomes an edge with the source's evidence, written in batches."""
    import pyoxigraph as ox

    from .ingest.support import LEVEL_LABELS, Evidence
    from .ontology import load_ontology

    relations = load_ontology().relations
    graph = ox.NamedNode(GRAPH_BASE + name)
    labels = {q.subject.value: q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None, graph)}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, graph):
        kind = quad.object.value.removeprefix(EXO)
        if quad.object.value.startswith(EXO) and kind != "Assertion" and quad.subject.value in labels:
            writer.add_node(quad.subject.value, None, kind, {"key": None, "label": labels[quad.subject.value],
                                                             "type": kind, "curie": None, "source_name": name})
    del labels
    rows: list[tuple] = []

    def flush(subject: str | None, props: dict[str, list]) -> None:
        if subject is None or EXO + "Assertion" not in props.get(RDF + "type", []):
            return
        relation = relations.get((props.get(RDF + "predicate") or [""])[0].removeprefix(EXO))
        if relation is None or "true" in props.get(EXO + "isNegated", []):
            return
        ev = Evidence(subject, props[RDF + "subject"][0], relation.name, props[RDF + "object"][0])
        ev.level = (props.get(EXO + "knowledgeLevel") or [""])[0].removeprefix(EXO)
        ev.support = (props.get(EXO + "supportType") or [""])[0]
        ev.code = (props.get(EXO + "evidenceCode") or [""])[0]
        ev.sample = (props.get(EXO + "sample") or [""])[0]
        ev.record = (props.get(EXO + "sourceRecord") or [""])[0]
        ev.note = (props.get(EXO + "importNote") or [""])[0]
        ev.experiments = sorted(props.get(EXO + "experimentType", []))
        ev.pmids = sorted(p.rsplit(":", 1)[-1].rsplit("/", 1)[-1] for p in props.get(EXO + "citesReference", []))
        context = {"cancer": sorted(props[EXO + "cancerType"])} if props.get(EXO + "cancerType") else {}
        attrs = {"assertion": subject, "relation": relation.name, "relation_label": relation.label,
                 "sign": relation.sign, "symmetric": relation.symmetric, "summary": "", "section": None,
                 "section_title": None, "table_row": None, "references": [], "inferred_references": [],
                 "evidence": ev.text().removeprefix(relation.name + "; "), "support_type": ev.support,
                 "experiments": ev.experiments, "pmids": ev.pmids,
                 "knowledge_level": LEVEL_LABELS.get(ev.level, ev.level), "source_record": ev.record}
        for end in (ev.subject, ev.object):  # an end the graph does not describe: a node named by its IRI
            writer.add_node(end, None, None, {"key": None, "label": end, "type": None, "curie": None,
                                              "source_name": name})
        rows.append((ev.subject, ev.object, subject.removeprefix(ASSERTION_BASE), name, relation.name,
                     relation.sign, relation.symmetric, context, attrs))
        if len(rows) >= 10_000:
            writer.add_edges(rows)
            rows.clear()

    subject: str | None = None
    props: dict[str, list] = {}
    for quad in store.quads_for_pattern(None, None, None, graph):
        if quad.subject.value != subject:
            flush(subject, props)
            subject, props = quad.subject.value, {}
        props.setdefault(quad.predicate.value, []).append(quad.object.value)
    flush(subject, props)
    writer.add_edges(rows)
