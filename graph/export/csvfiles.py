"""Nodes/edges CSV for Cytoscape and Gephi: ``nodes.csv`` and ``edges.csv``.

Gephi's spreadsheet import reads the column names as they are (``Id``, ``Label``; ``Source``,
``Target``, ``Type`` = Directed or Undirected, ``Id``, ``Label``); in Cytoscape import
``edges.csv`` as a network (Source -> source node, Target -> target node) and ``nodes.csv`` as a
node table keyed by ``Id``. Node ids and entity references are IRIs; lists are joined with
``|``; booleans are ``true``/``false``; a missing value is an empty cell.

A cell a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, other than a plain number such as ``-1``) is written with a ``'`` in front,
and so is a cell that already starts with ``'``; removing one leading ``'`` from every cell that
has one (:func:`recover`) gives the data back exactly. The KGX and Neo4j writers do the same
(docs/export.md, "Spreadsheet formulas").
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from ..rdf import check_writable
from .errors import ExportError
from .source import ExportSource
from .imported import REVIEW, provenance
from .view import CONTEXT_COLUMNS, SEPARATOR, Edge, GraphView, Node

# where an edge comes from (graph/export/imported.py): "review" or an imported source, its knowledge level
# and, for an imported fact, that source's evidence ("Source" is Gephi's and Cytoscape's source node)
PROVENANCE_COLUMNS = ("knowledge_source", "knowledge_level", "source_evidence")

NODE_COLUMNS = ("Id", "Label", "key", "type", "curie", "mapped", "synonyms", "xrefs", "broader", "unnamed", "note")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "relation", "sign", "symmetric", "assertion", "context",
                *CONTEXT_COLUMNS, "section", "section_title", "table_row", "references", "reference_ids",
                "inferred_references", "inferred_reference_ids", "summary", "review", *PROVENANCE_COLUMNS)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def neutralise(cell: str) -> str:
    """The cell with a ``'`` in front when a spreadsheet would run it as a formula (or it starts with ``'``).

    >>> neutralise("=HYPERLINK(1)"), neutralise("@SUM(A1)"), neutralise("-1"), neutralise("'quoted"), neutralise("miR-21")
    ("'=HYPERLINK(1)", "'@SUM(A1)", '-1', "''quoted", 'miR-21')
    """
    if cell.startswith((*FORMULA_STARTS, NEUTRALISER)) and not _NUMBER.fullmatch(cell):
        return NEUTRALISER + cell
    return cell


def recover(cell: str) -> str:
    """The value :func:`neutralise` was given.

    >>> recover(neutralise("=1+2")), recover(neutralise("'x")), recover("-1")
    ('=1+2', "'x", '-1')
    """
    return cell[1:] if cell.startswith(NEUTRALISER) else cell


def _bool(value: bool) -> str:
    return "true" if value else "false"


def node_row(node: Node) -> dict[str, str]:
    return {"Id": node.iri, "Label": node.label, "key": node.key, "type": node.type, "curie": node.curie or "",
            "mapped": _bool(node.mapped), "synonyms": SEPARATOR.join(node.synonyms),
            "xrefs": SEPARATOR.join(node.xrefs), "broader": node.broader, "unnamed": _bool(node.unnamed),
            "note": node.note}


def edge_row(edge: Edge, view: GraphView, origin: tuple[str, str, str] = REVIEW) -> dict[str, str]:
    return {"Source": edge.source, "Target": edge.target, "Type": "Undirected" if edge.symmetric else "Directed",
            "Id": edge.id, "Label": edge.relation_label, "relation": edge.relation, "sign": str(edge.sign),
            "symmetric": _bool(edge.symmetric), "assertion": edge.assertion, "context": view.context_text(edge),
            **{column: SEPARATOR.join(values) for column, values in edge.context},
            "section": edge.section, "section_title": edge.section_title,
            "table_row": "" if edge.table_row is None else str(edge.table_row),
            "references": SEPARATOR.join(str(n) for n in edge.references),
            "reference_ids": SEPARATOR.join(edge.reference_ids),
            "inferred_references": SEPARATOR.join(str(n) for n in edge.inferred_references),
            "inferred_reference_ids": SEPARATOR.join(edge.inferred_reference_ids),
            "summary": edge.summary, "review": edge.review, **dict(zip(PROVENANCE_COLUMNS, origin))}


def to_csv(columns: Sequence[Hashable], rows: Sequence[Mapping[Any, str]], header: tuple[str, ...] | None = None) -> bytes:
    """RFC 4180 CSV (quoted where needed, ``\\n`` line ends), UTF-8, formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # the csv module quotes a line break only if it is in lineterminator, so a row holding a
    # carriage return is written with every field quoted (a raw one would end the record)
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header or columns)
    for row in rows:
        cells = [neutralise(row[c]) for c in columns]
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return buffer.getvalue().encode("utf-8")


def write_csv(source: ExportSource) -> dict[str, bytes]:
    check_writable(source.graph, "CSV", error=ExportError)
    view = source.view
    return {"nodes.csv": to_csv(NODE_COLUMNS, [node_row(n) for n in view.nodes]),
            "edges.csv": to_csv(EDGE_COLUMNS, [edge_row(e, view, provenance(source, e)) for e in view.edges])}
