"""What an export reads: the graph, the data's version and its release date.

The version is the one the build recorded in ``void.ttl`` beside the graph file
(``0.1.0+sha256.<first 12 hex of the curated tables' digest>``); a lone .nt/.ttl file without
one gets ``<ontology version>+nt-sha256.<first 12 hex of its sorted N-Triples>``. The release
date is never read from the clock, so two exports of the same data are byte-identical:
it is ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else the ontology's
``dcterms:modified`` (or ``dcterms:issued``), else it is left out and the description says so.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from ..build import to_ntriples, void_description
from ..model import Curation
from ..errors import UnwritableValueError
from ..ontology import load_ontology
from ..rdf import new_graph
from ..store import graph_file
from ..vocab import EXO, ONTOLOGY_IRI
from .errors import ExportError
from .view import GraphView, build_view


@dataclass
class ExportSource:
    """The graph to export with its version and release date (``issued``, None when unknown)."""

    graph: Graph
    version: str
    issued: dt.date | None
    origin: str  # where the graph was read from, for messages

    @cached_property
    def view(self) -> GraphView:
        return build_view(self.graph, self.origin)

    @cached_property
    def void(self) -> Graph:
        """The build's VoID description of this graph (computed once; copy it to extend it)."""
        # void_description reads the entities by key (for their count and the example resources)
        # and a digest for the version, which the dataset description replaces with ``version``.
        entities = {str(key): SimpleNamespace(iri=str(node))
                    for node, key in self.graph.subject_objects(EXO.curationKey)}
        return void_description(self.graph, cast(Curation, SimpleNamespace(entities=entities)), "0" * 12)


def content_version(graph: Graph) -> str:
    try:
        digest = hashlib.sha256(to_ntriples(graph)).hexdigest()
    except UnwritableValueError as err:
        raise ExportError(str(err)) from None
    return f"{load_ontology().version}+nt-sha256.{digest[:12]}"


def recorded_version(path: Path, triples: int) -> str | None:
    """The version in the ``void.ttl`` written beside ``path`` by the build, if it describes this graph."""
    void_file = path.parent / "void.ttl"
    if not void_file.is_file():
        return None
    void = Graph()
    try:
        void.parse(void_file, format="turtle")
    except Exception:  # an unreadable description is ignored; the content version is used instead
        return None
    for dataset in sorted(void.subjects(RDF.type, VOID.Dataset), key=str):
        version, count = void.value(dataset, DCTERMS.hasVersion), void.value(dataset, VOID.triples)
        if version is not None and count is not None and str(count) == str(triples):
            return str(version)
    return None


def release_date() -> dt.date | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ExportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970. "
                              "Fix: set it to an integer, e.g. $(git log -1 --format=%ct), or unset it") from None
    ontology = load_ontology().graph
    for predicate in (DCTERMS.modified, DCTERMS.issued):
        value = ontology.value(URIRef(ONTOLOGY_IRI), predicate)
        if value is not None:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def normalised(graph: Graph) -> Graph:
    """A copy with ExoKG's prefix bindings, so output does not depend on how the graph was loaded."""
    copy = new_graph()
    for triple in graph:
        copy.add(triple)
    return copy


def from_graph(graph: Graph, version: str | None = None, origin: str = "in-memory graph") -> ExportSource:
    return ExportSource(graph=normalised(graph), version=version or content_version(graph),
                        issued=release_date(), origin=origin)


def load_source(source: Path | str | None = None) -> ExportSource:
    """The graph at ``source`` (a build folder or .nt/.ttl file; default: the packaged data)."""
    path = graph_file(source)
    graph = new_graph()
    try:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    except Exception as err:  # rdflib raises several unrelated types for bad syntax
        reason = " ".join(str(err).split())[:300]
        raise ExportError(f"cannot read {path}: {reason}. Fix: rebuild it with `exokg build --out DIR` "
                          "and point --graph at that folder") from None
    version = recorded_version(path, len(graph)) or content_version(graph)
    return ExportSource(graph=graph, version=version, issued=release_date(), origin=str(path))
