"""Neo4j admin-import CSV: ``nodes.csv`` and ``relationships.csv``.

Load into an empty database with::

    neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \\
        --array-delimiter="|" exokg

Nodes carry ``:LABEL`` = the ExoKG class and its ancestors (``Entity|MicroRNA|NonCodingRNA``),
so ``MATCH (n:NonCodingRNA)`` finds miRNAs too. A relationship's ``:TYPE`` is the relation in
Neo4j's style (``confersResistanceTo`` -> ``CONFERS_RESISTANCE_TO``); the ExoKG name stays in
``relation``. Arrays (``string[]``, ``int[]``) use ``|`` as the delimiter, hence
``--array-delimiter``; an empty cell sets no property. A cell that a spreadsheet would run as a
formula gets a leading ``'`` (:func:`graph.export.csvfiles.neutralise`).
"""
from __future__ import annotations

import re

from ..rdf import check_writable
from .csvfiles import to_csv
from .errors import ExportError
from .source import ExportSource
from .imported import REVIEW, provenance
from .view import CONTEXT_COLUMNS, SEPARATOR, Edge, Node

NODE_HEADER = ("id:ID", ":LABEL", "key", "name", "type", "curie", "mapped:boolean", "synonyms:string[]",
               "xrefs:string[]", "broader", "unnamed:boolean", "note")
RELATIONSHIP_HEADER = (":START_ID", ":END_ID", ":TYPE", "id", "relation", "relation_label", "sign:int",
                       "symmetric:boolean", "assertion", *(f"{c}:string[]" for c in CONTEXT_COLUMNS), "section",
                       "section_title", "table_row:int", "references:int[]", "reference_ids:string[]",
                       "inferred_references:int[]", "inferred_reference_ids:string[]", "summary", "review",
                       "knowledge_source", "knowledge_level", "source_evidence")


def relationship_type(relation: str) -> str:
    """The relationship type, in Neo4j's UPPER_SNAKE style.

    >>> relationship_type("confersResistanceTo")
    'CONFERS_RESISTANCE_TO'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", relation).upper()


def _bool(value: bool) -> str:
    return "true" if value else "false"


def node_row(node: Node) -> list[str]:
    return [node.iri, SEPARATOR.join(node.classes), node.key, node.label, node.type, node.curie or "", _bool(node.mapped),
            SEPARATOR.join(node.synonyms), SEPARATOR.join(node.xrefs), node.broader, _bool(node.unnamed), node.note]


def relationship_row(edge: Edge, origin: tuple[str, str, str] = REVIEW) -> list[str]:
    return [edge.source, edge.target, relationship_type(edge.relation), edge.id, edge.relation, edge.relation_label,
            str(edge.sign), _bool(edge.symmetric), edge.assertion,
            *(SEPARATOR.join(values) for _, values in edge.context), edge.section, edge.section_title,
            "" if edge.table_row is None else str(edge.table_row), SEPARATOR.join(str(n) for n in edge.references),
            SEPARATOR.join(edge.reference_ids), SEPARATOR.join(str(n) for n in edge.inferred_references),
            SEPARATOR.join(edge.inferred_reference_ids), edge.summary, edge.review, *origin]


def write_neo4j(source: ExportSource) -> dict[str, bytes]:
    check_writable(source.graph, "Neo4j CSV", error=ExportError)
    view = source.view
    node_rows = [dict(enumerate(node_row(n))) for n in view.nodes]
    edge_rows = [dict(enumerate(relationship_row(e, provenance(source, e)))) for e in view.edges]
    return {"nodes.csv": to_csv(tuple(range(len(NODE_HEADER))), node_rows, NODE_HEADER),
            "relationships.csv": to_csv(tuple(range(len(RELATIONSHIP_HEADER))), edge_rows, RELATIONSHIP_HEADER)}
