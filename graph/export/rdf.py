"""RDF writers: Turtle, N-Triples, JSON-LD, RDF/XML, and TriG / N-Quads in named graphs.

Turtle, N-Triples and JSON-LD are the build's own serialisations (graph/build.py), so an
export of a build is byte-identical to the build's files. RDF/XML, TriG and N-Quads are written
by pyoxigraph from sorted input, which makes them deterministic too.

TriG and N-Quads put every triple of the graph into exactly one kind of named graph,
nanopublication-style (see docs/export.md). For an assertion ``A`` (``exoa:<statement id>``):

``A#assertion``   the direct triple ``subject relation object``
``A#provenance``  ``A rdf:subject/rdf:predicate/rdf:object``, its context qualifiers
                  (cancer, drug, cell line, donor and recipient cell, body fluid, mechanism,
                  biomarker role, model, direction) and its provenance (section, Table 1 row,
                  cited references, curator summary)
``A#pubinfo``     ``A a exo:Assertion`` and ``A exo:source`` (the review it was curated from)

plus ``https://w3id.org/exokg/graph/entities`` (the entity descriptions),
``https://w3id.org/exokg/graph/sources`` (the review, its sections and cited references) and,
only if something fits none of these, ``https://w3id.org/exokg/graph/other``; a file added with
``exokg load`` keeps its own graph (``https://w3id.org/exokg/graph/load-<stem>-<hash8>``). A direct triple
stated by several assertions sits in each of their assertion graphs. Nothing is added: the
union of the named graphs is the source graph, so no nanopublication head graph is written (the
three graphs of an assertion are tied together by their names).
"""
from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from ..build import jsonld_context, to_jsonld, to_ntriples, to_turtle
from ..ontology import load_ontology
from ..rdf import check_writable, escape_controls
from ..vocab import BASE, EXO, PREFIXES
from .errors import ExportError
from .imported import curated_graph, quads as imported_quads
from .source import ExportSource
from .view import pyoxigraph_term

GRAPHS = Namespace(BASE + "graph/")
ENTITIES_GRAPH = GRAPHS["entities"]
SOURCES_GRAPH = GRAPHS["sources"]
OTHER_GRAPH = GRAPHS["other"]
PUBINFO_PREDICATES = frozenset({RDF.type, EXO.source})
SOURCE_CLASSES = frozenset({EXO.Publication, EXO.Section})


def assertion_graph_names(assertion: str) -> tuple[URIRef, URIRef, URIRef]:
    """The assertion, provenance and pubinfo graph names of an assertion IRI."""
    return URIRef(f"{assertion}#assertion"), URIRef(f"{assertion}#provenance"), URIRef(f"{assertion}#pubinfo")


def named_graphs(graph: Graph) -> dict[URIRef, list[tuple]]:
    """Partition ``graph`` into the named graphs described in the module docstring."""
    relations = {r.iri for r in load_ontology().relations.values()}
    assertions = set(graph.subjects(RDF.type, EXO.Assertion))
    entities = set(graph.subjects(EXO.curationKey, None))
    sources = {s for cls in SOURCE_CLASSES for s in graph.subjects(RDF.type, cls)}
    stated_by: dict[tuple, list] = defaultdict(list)
    for a in assertions:
        triple = (graph.value(a, RDF.subject), graph.value(a, RDF.predicate), graph.value(a, RDF.object))
        stated_by[triple].append(a)

    graphs: dict[URIRef, list[tuple]] = defaultdict(list)
    for triple in graph:
        s, p, _ = triple
        if s in assertions:
            _, provenance, pubinfo = assertion_graph_names(str(s))
            graphs[pubinfo if p in PUBINFO_PREDICATES else provenance].append(triple)
        elif p in relations and triple in stated_by:
            for a in stated_by[triple]:
                graphs[assertion_graph_names(str(a))[0]].append(triple)
        elif s in entities and p not in relations:
            graphs[ENTITIES_GRAPH].append(triple)
        elif s in sources:
            graphs[SOURCES_GRAPH].append(triple)
        else:
            graphs[OTHER_GRAPH].append(triple)
    return dict(graphs)


def _sorted_triples(graph: Graph) -> list[ox.Triple]:
    triples = [ox.Triple(pyoxigraph_term(s), pyoxigraph_term(p), pyoxigraph_term(o)) for s, p, o in graph]
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _sorted_quads(source: ExportSource) -> list[ox.Quad]:
    """The review's quads (named graphs as the module docstring says), and those of the files loaded
    into the build folder and the imported sources an export adds, each in its own named graph
    (graph/export/loaded.py, graph/export/imported.py)."""
    quads = [ox.Quad(pyoxigraph_term(s), pyoxigraph_term(p), pyoxigraph_term(o), ox.NamedNode(str(name)))
             for name, triples in named_graphs(curated_graph(source)).items() for s, p, o in triples]
    quads += imported_quads(source)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _sorted_header(data: bytes) -> bytes:
    """Sort the leading ``@prefix`` lines (pyoxigraph writes them in its own map order)."""
    lines = data.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def _sorted_namespaces(data: bytes) -> bytes:
    """Sort the ``xmlns`` attributes of the RDF/XML root element."""
    start = data.index(b"<rdf:RDF ")
    end = data.index(b">", start)
    attributes = sorted(re.findall(rb'xmlns(?::[^=\s]+)?="[^"]*"', data[start:end]))
    return data[:start] + b"<rdf:RDF " + b" ".join(attributes) + data[end:]


def _escaped(data: bytes) -> bytes:
    return escape_controls(data.decode("utf-8")).encode("utf-8")


def write_turtle(source: ExportSource) -> bytes:
    check_writable(source.graph, "Turtle", error=ExportError)
    return to_turtle(source.graph)


def write_ntriples(source: ExportSource) -> bytes:
    check_writable(source.graph, "N-Triples", error=ExportError)
    return to_ntriples(source.graph)


def write_jsonld(source: ExportSource) -> bytes:
    """JSON-LD with the packaged context (graph/data/context.jsonld) inline."""
    check_writable(source.graph, "JSON-LD", error=ExportError)
    return to_jsonld(source.graph)


def write_rdfxml(source: ExportSource) -> bytes:
    """RDF/XML. A value with a character XML 1.0 cannot hold is refused; a carriage return is
    written ``&#13;`` (a raw one would be read back as a line feed)."""
    check_writable(source.graph, "RDF/XML", xml=True, error=ExportError)
    data = ox.serialize(_sorted_triples(source.graph), format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES)) or b""
    return _sorted_namespaces(data).replace(b"\r", b"&#13;")


def write_trig(source: ExportSource) -> bytes:
    check_writable(source.graph, "TriG", error=ExportError)
    prefixes = {**jsonld_context(), **PREFIXES}
    data = ox.serialize(_sorted_quads(source), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    return _escaped(_sorted_header(data))


def write_nquads(source: ExportSource) -> bytes:
    check_writable(source.graph, "N-Quads", error=ExportError)
    return _escaped(ox.serialize(_sorted_quads(source), format=ox.RdfFormat.N_QUADS) or b"")
