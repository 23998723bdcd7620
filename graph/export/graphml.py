"""GraphML (Cytoscape, Gephi, yEd, networkx): one node per entity, one edge per assertion.

Node ids and every entity reference are IRIs. GraphML has no list type, so lists are joined
with ``|``; an attribute with no value is left out. ``sign`` and ``table_row`` are ints,
``mapped``, ``unnamed`` and ``symmetric`` booleans, everything else a string. The edge id is
the statement id.
"""
from __future__ import annotations

import io

import networkx as nx

from ..rdf import check_writable
from .errors import ExportError
from .source import ExportSource
from .imported import REVIEW, provenance
from .view import SEPARATOR, Edge, GraphView, Node


def node_attributes(node: Node) -> dict:
    attributes = {
        "label": node.label, "key": node.key, "type": node.type, "curie": node.curie, "mapped": node.mapped,
        "synonyms": SEPARATOR.join(node.synonyms), "xrefs": SEPARATOR.join(node.xrefs), "broader": node.broader,
        "unnamed": node.unnamed, "note": node.note,
    }
    return {k: v for k, v in attributes.items() if v != "" and v is not None}


def edge_attributes(edge: Edge, view: GraphView, origin: tuple[str, str, str] = REVIEW) -> dict:
    attributes = {
        "relation": edge.relation, "relation_label": edge.relation_label, "sign": edge.sign,
        "symmetric": edge.symmetric, "assertion": edge.assertion, "context": view.context_text(edge),
        **{column: SEPARATOR.join(values) for column, values in edge.context},
        "section": edge.section, "section_title": edge.section_title, "table_row": edge.table_row,
        "references": SEPARATOR.join(str(n) for n in edge.references),
        "reference_ids": SEPARATOR.join(edge.reference_ids),
        "inferred_references": SEPARATOR.join(str(n) for n in edge.inferred_references),
        "inferred_reference_ids": SEPARATOR.join(edge.inferred_reference_ids),
        "summary": edge.summary, "review": edge.review,
        "knowledge_source": origin[0], "knowledge_level": origin[1], "source_evidence": origin[2],
    }
    return {k: v for k, v in attributes.items() if v != "" and v is not None}


def to_networkx(source: ExportSource) -> nx.MultiDiGraph:
    """The graph exactly as the GraphML file holds it."""
    view = source.view
    G: nx.MultiDiGraph = nx.MultiDiGraph(name="ExoKG", version=source.version, list_separator=SEPARATOR)
    for node in view.nodes:
        G.add_node(node.iri, **node_attributes(node))
    for edge in view.edges:
        G.add_edge(edge.source, edge.target, key=edge.id, **edge_attributes(edge, view, provenance(source, edge)))
    return G


def write_graphml(source: ExportSource) -> bytes:
    """The GraphML file. A value with a character XML 1.0 cannot hold is refused; a carriage
    return is written ``&#13;`` (a raw one would be read back as a line feed)."""
    check_writable(source.graph, "GraphML", xml=True, error=ExportError)
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(source), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buffer.getvalue().replace(b"\r", b"&#13;")
