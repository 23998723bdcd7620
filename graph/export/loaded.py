"""The files added with ``exokg load``, in an export of a build folder (``exokg export --graph DIR``).

A build folder's store holds each loaded file in its own named graph,
``https://w3id.org/exokg/graph/load-<stem>-<hash8>``, with the file's description (name, SHA-256,
size, media type, triple count) in the same graph. Queries, paths and the network view read
the curated graph merged with those graphs, and so does an export:

- the triple formats (Turtle, N-Triples, JSON-LD, RDF/XML) write the merged graph, the files'
  descriptions included (so the data still says which files went in);
- TriG and N-Quads keep each file in its named graph, as the store holds it, beside the review's
  graphs;
- the graph formats read their view from the merged graph, so a loaded assertion in ExoKG's
  vocabulary is an edge like the curated ones (it has to pass the same checks), labelled with the
  file it came from (:attr:`LoadedPart.labels`); the other loaded triples are left out and counted,
  one warning per file, and the files' descriptions go into the export's dataset description.

The loaded triples are never held in memory as a whole: they stay in the build folder's store
and are read graph by graph while the files are written (:mod:`graph.export.stream`), so an
export of a multi-million-triple loaded file runs in bounded memory.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ..rdf import new_graph
from ..storage import GRAPH_BASE
from ..store import LOADED_GRAPH_PREFIX, open_store
from ..vocab import EXO
from .errors import ExportError
from .source import ExportSource
from .view import GraphView, build_view

LOADED_LEVEL = "from a loaded file"  # the knowledge level of a loaded file's edges (the review's: "from this review")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
IDENTIFIER = "http://purl.org/dc/terms/identifier"  # graph/load.py: "sha256:<hex>" of the file
TITLE = "http://purl.org/dc/terms/title"  # graph/load.py: the file's name
TYPE, ASSERTION = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(EXO.Assertion))
ABOUT = "triples about "  # how graph/view.py counts the triples on a resource its view does not read


@dataclass(frozen=True)
class LoadedGraph:
    """One loaded file: the IRI of its graph, the file's name and its description (the quads about
    the graph and its checksum); the other quads stay in the store (:meth:`LoadedPart.quads`)."""

    iri: str
    title: str
    description: tuple[ox.Quad, ...] = ()

    @property
    def name(self) -> str:
        """``load-<stem>-<hash8>``, the name ``exokg path --sources`` knows the file by."""
        return self.iri.removeprefix(GRAPH_BASE)

    @property
    def described(self) -> frozenset[str]:
        """The resources of the file's description (graph/load.py): its graph and its checksum."""
        return frozenset({self.iri, self.iri + "/sha256"})

    def digest(self) -> str:
        found = next((_value(q.object) for q in self.description
                      if _value(q.subject) == self.iri and q.predicate.value == IDENTIFIER), None)
        return found or self.iri


@dataclass(frozen=True)
class LoadedPart:
    """The loaded files of an export: the store that holds them (read graph by graph, never all at
    once), the review's graph alone and each loaded edge's label."""

    graphs: tuple[LoadedGraph, ...] = ()
    curated: Graph | None = None  # the review's graph (the export source's graph)
    labels: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # assertion IRI -> provenance
    store: ox.Store | None = field(default=None, repr=False, compare=False)  # the build folder's store

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the loaded graphs, graph after graph in the order of their names (a stream)."""
        if self.store is None:
            return
        for loaded in self.graphs:
            yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(loaded.iri))

    def description(self, dataset: URIRef) -> Graph:
        """``dataset prov:wasDerivedFrom`` each file's graph, and the files' descriptions."""
        graph = new_graph()
        for loaded in self.graphs:
            graph.add((dataset, PROV.wasDerivedFrom, URIRef(loaded.iri)))
            for quad in loaded.description:
                graph.add(triple(quad))
        return graph

    def view(self, curated: Graph, origin: str) -> GraphView:
        """The view of the curated graph merged with the loaded graphs, read from an in-memory
        pyoxigraph store (no rdflib graph of the loaded triples), with what it leaves out of the
        loaded files counted once per file (:meth:`carried`)."""
        return self.carried(build_view(curated, origin, extra=(ox.Quad(q.subject, q.predicate, q.object)
                                                               for q in self.quads())))

    def carried(self, view: GraphView) -> GraphView:
        """``view`` (read from the merged graph) with what it left out of the loaded files counted once
        per file instead of once per resource, and without the files' descriptions (the dataset
        description carries them)."""
        if not self.graphs:
            return view
        curated = {str(s) for s in (self.curated or Graph()).subjects()}
        dropped = dict(view.dropped)
        removed: set[str] = set()
        per_file: dict[str, int] = {}
        for loaded in self.graphs:
            count = 0
            quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(loaded.iri)) if self.store else ()
            for quad in quads:
                subject = _value(quad.subject)
                key = ABOUT + subject
                if subject in loaded.described:
                    removed.add(key)
                elif key in view.dropped and subject not in curated:
                    removed.add(key)
                    count += 1
            if count:
                per_file[f"triples of the loaded file {loaded.title} ({loaded.name}) that are neither ExoKG "
                         "entities nor assertions"] = count
        for key in removed:
            dropped.pop(key, None)
        dropped.update(per_file)
        return GraphView(nodes=view.nodes, edges=view.edges, origin=view.origin, dropped=dict(sorted(dropped.items())))


def _value(value) -> str:
    """The IRI, blank node id or lexical form of a term (a quoted triple: its N-Triples form)."""
    return str(value) if isinstance(value, ox.Triple) else value.value


def term(value):
    """A pyoxigraph term as an rdflib term (a plain literal stays plain, as rdflib reads N-Triples)."""
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        return Literal(value.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise ExportError(f"a loaded file holds the quoted triple {value}, which the export formats cannot carry. "
                      "Fix: load the file without RDF-star triple terms")


def triple(quad: ox.Quad) -> tuple:
    return term(quad.subject), term(quad.predicate), term(quad.object)


def read_loaded(store: ox.Store | None) -> tuple[LoadedGraph, ...]:
    """The files loaded into the build folder's ``store``, in the order of their graphs' names, each
    with its description (the other quads are read when written: :meth:`LoadedPart.quads`)."""
    if store is None:
        return ()
    out = []
    for named in sorted((g for g in store.named_graphs()
                         if isinstance(g, ox.NamedNode) and g.value.startswith(LOADED_GRAPH_PREFIX)), key=str):
        iri = named.value
        description = tuple(q for subject in (iri, iri + "/sha256")
                            for q in store.quads_for_pattern(ox.NamedNode(subject), None, None, named))
        title = next((_value(q.object) for q in description if _value(q.subject) == iri and q.predicate.value == TITLE),
                     iri.removeprefix(GRAPH_BASE))
        out.append(LoadedGraph(iri=iri, title=title, description=description))
    return tuple(out)


def with_loaded(source: ExportSource, graph_source: Path | str | None) -> ExportSource:
    """``source`` (the curated graph of the build folder ``graph_source``) with the files loaded
    there (kept in the store, streamed when written: graph/export/stream.py); ``source`` itself
    when none was (so its export is byte-identical to before)."""
    from .imported import SourcedExport

    store = open_store(graph_source) if graph_source is not None and Path(graph_source).is_dir() else None
    graphs = read_loaded(store)
    if not graphs:
        return source
    reviews = {str(a) for a in source.graph.subjects(RDF.type, EXO.Assertion)}
    labels: dict[str, tuple[str, str, str]] = {}
    for loaded in graphs:
        for quad in cast(ox.Store, store).quads_for_pattern(None, TYPE, ASSERTION, ox.NamedNode(loaded.iri)):
            if _value(quad.subject) not in reviews:  # the review's own assertions stay the review's
                labels.setdefault(_value(quad.subject), (loaded.name, LOADED_LEVEL, f"loaded from {loaded.title}"))
    digest = hashlib.sha256("\n".join(sorted(g.digest() for g in graphs)).encode("utf-8")).hexdigest()
    return SourcedExport(graph=source.graph, version=f"{source.version}.load.{digest[:12]}", issued=source.issued,
                         origin=f"{source.origin} + loaded {', '.join(g.title for g in graphs)}",
                         loaded=LoadedPart(graphs=graphs, curated=source.graph, labels=labels, store=store))
