"""The node/edge view every graph format (GraphML, Cytoscape.js, CSV, KGX, Neo4j) is written from:
:mod:`graph.view`, read from the graph being exported.

Nodes are the entities; each assertion is one edge, keyed by its statement id, carrying the
relation, its sign, every context qualifier and the provenance. Entity-valued fields hold IRIs
(the node ids); lists are sorted.

What the view does not carry is counted, never dropped silently: triples on entities or
assertions whose predicate the view does not know, and triples about anything that is neither an
entity, an assertion, a section nor a publication, end up in :attr:`GraphView.dropped`.
Publications and sections are not nodes; an edge keeps its section number and title and its
references' numbers and IRIs (see docs/export.md, "Loss report").
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..view import CONTEXT_COLUMNS, SEPARATOR, Edge, GraphView, Node, read_view
from .errors import ExportError

__all__ = ["CONTEXT_COLUMNS", "SEPARATOR", "Edge", "GraphView", "Node", "build_view"]


def pyoxigraph_term(term) -> Any:
    """An rdflib term as a pyoxigraph term (the RDF position decides which types are valid; pyoxigraph
    checks it); anything else is an ExportError."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise ExportError(f"the graph holds {term!r}, which is not an RDF term. Fix: rebuild it with `exokg build`")


def build_view(graph: Graph, origin: str = "graph", extra: Iterable[ox.Quad] = ()) -> GraphView:
    """The view of an rdflib graph (the data alone) merged with the default-graph quads ``extra``
    (the loaded files, streamed from the build's store), with what it does not carry counted."""
    store = ox.Store()
    store.extend(ox.Quad(pyoxigraph_term(s), pyoxigraph_term(p), pyoxigraph_term(o)) for s, p, o in graph)
    store.extend(extra)
    view = read_view(store, origin, count_dropped=True)
    for node in view.nodes:
        if any(SEPARATOR in synonym for synonym in node.synonyms):
            raise ExportError(f"a synonym of {node.iri} contains '{SEPARATOR}', which the graph formats use to "
                              "separate list values. Fix: split it into separate synonyms in the curated table")
    return view
