"""Cytoscape.js JSON (``.cyjs``): one node per entity, one edge per assertion.

The elements-JSON form that Cytoscape.js reads (``cytoscape({elements})`` or ``cy.json(doc)``)
and Cytoscape desktop opens (File > Import > Network from File)::

    {"data": {"name": "ExoKG", "version": ...},
     "elements": {"nodes": [{"data": {"id": IRI, "name": label, ...}}],
                  "edges": [{"data": {"id": statement id, "source": IRI, "target": IRI, ...}}]}}

The attributes are GraphML's, from the same functions (:func:`graph.export.graphml.node_attributes`
and :func:`~graph.export.graphml.edge_attributes`): lists are ``|``-joined strings, ``sign`` and
``table_row`` JSON numbers, the flags JSON booleans, and an attribute with no value is left out.
Nodes add ``name`` (= ``label``, the column Cytoscape desktop's default style shows) and edges
``interaction`` (= ``relation``, Cytoscape desktop's edge-type column). Each node or edge is one
line; its ``id`` (and an edge's ``source``, ``target``, ``interaction``) come first, then the
attributes sorted by name, and nodes and edges come in the view's order (by key, by assertion),
so the bytes depend only on the data.
"""
from __future__ import annotations

import json

from ..rdf import check_writable, escape_controls
from .errors import ExportError
from .graphml import edge_attributes, node_attributes
from .imported import provenance
from .source import ExportSource
from .view import SEPARATOR


def _data(first: dict, attributes: dict) -> dict:
    return {"data": {**first, **dict(sorted(attributes.items()))}}


def cytoscape_document(source: ExportSource) -> dict:
    view = source.view
    nodes = [_data({"id": node.iri, "name": node.label}, node_attributes(node)) for node in view.nodes]
    edges = [_data({"id": edge.id, "source": edge.source, "target": edge.target, "interaction": edge.relation},
                   edge_attributes(edge, view, provenance(source, edge))) for edge in view.edges]
    return {"data": {"name": "ExoKG", "version": source.version, "list_separator": SEPARATOR},
            "elements": {"nodes": nodes, "edges": edges}}


def _dumps(value) -> str:
    return escape_controls(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))


def write_cytoscape(source: ExportSource) -> bytes:
    """The document with one node or edge a line (so a file greps and diffs by element), UTF-8.
    Control characters and line separators in values are written as JSON ``\\u`` escapes."""
    check_writable(source.graph, "Cytoscape.js JSON", error=ExportError)
    document = cytoscape_document(source)
    groups = [f' "{group}": [\n' + ",\n".join(f"  {_dumps(element)}" for element in elements) + "\n ]"
              for group, elements in document["elements"].items()]
    text = '{"data": ' + _dumps(document["data"]) + ',\n"elements": {\n' + ",\n".join(groups) + "\n}}\n"
    return text.encode("utf-8")
