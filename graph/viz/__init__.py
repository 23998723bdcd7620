"""Interactive network pages: one self-contained HTML file per view, drawn with vis-network.

Every page is a single file that works offline: the vis-network build that ships inside the
``pyvis`` package, the page's own script and its styles are inlined, the data is embedded as
JSON in a non-executed ``<script type="application/json">`` block, and a Content-Security-Policy
forbids every network request (``default-src 'none'``) and every script but the page's own
(by hash). Text from the data is only ever set with ``textContent``; the canvas draws labels as
text; the embedded JSON escapes ``<``, ``>`` and ``&`` so that ``</script>`` cannot end the block.

Views (each returns a :class:`View`; :func:`render_html` turns it into the page):

- :func:`graph_view` the whole projection, or the part :func:`select` keeps
  (``focus``/``hops``, ``cancers`` with their subtypes, ``drugs``, ``relations``, ``types``);
- :func:`subgraph_view` chosen nodes and edges, e.g. a path or an explanation, optionally
  highlighted (:func:`render_subgraph` is the one-call form); :func:`paths_view` /
  :func:`render_paths` take ``graph.paths`` results as they are (for ``exokg path --html``);
- :func:`construct_view` the triples of a SPARQL CONSTRUCT result (rdflib Graph, pyoxigraph
  triples or plain 3-tuples).

:func:`render_aggregate` writes the aggregated page of a view of AGGREGATE_NODES entities or more
(one node per group, members opened on demand, data compressed in the page; :mod:`~graph.viz.aggregate`).
:func:`write_html` writes a page atomically; :func:`notebook` shows one inline in Jupyter.
The output depends only on the input: nodes and edges are sorted, JSON keys are sorted, the
layout is computed here without randomness (:func:`compute_layout`) and vis-network's physics,
when the reader re-runs it, starts from a fixed seed.

The package's modules follow those steps: :mod:`~graph.viz.views` (what a page shows, and the
CONSTRUCT view), :mod:`~graph.viz.select` (the filters), :mod:`~graph.viz.layout` (positions,
groups, vis-network options), :mod:`~graph.viz.page` (templating, the page's assets in
``assets/``, Jupyter) and :mod:`~graph.viz.style` (colours and shapes). Every public name is
importable from ``graph.viz`` itself; ``graph.viz.select`` is the function (its module is
``sys.modules["graph.viz.select"]``).

>>> from graph.projection import projection
>>> html = render_html(graph_view(projection()))
>>> html.startswith("<!DOCTYPE html>") and "https://cdn" not in html
True
"""
from __future__ import annotations

from .aggregate import AGGREGATE_NODES, MEMBER_CAP, aggregate_payload
from .layout import (EDGE_PX, GRAVITY, GROUP_AUTO_NODES, GROUP_GAP_PX, GROUP_MEMBER_PX, GROUPINGS, LARGE_GRAPH,
                     compute_layout, group_entries, group_layout, grouping_name, initial_grouping, layout_options)
from .page import (EDGE_LABEL_LIMIT, VIS_VERSION, NotebookView, notebook, page_payload, render_aggregate,
                   render_html, render_paths, render_subgraph, script_json, write_html)
from .select import select
from .style import (ARROW_BY_SIGN, CONTEXT_LABELS, OTHER_RELATION_COLOUR, OTHER_TYPE, RELATION_COLOURS, SIGN_WORDS,
                    TYPE_STYLE)
from .views import (View, VizError, cancer_groups, construct_view, graph_view, paths_view, run_construct,
                    subgraph_view)

__all__ = [
    "AGGREGATE_NODES", "MEMBER_CAP", "aggregate_payload", "render_aggregate", "ARROW_BY_SIGN", "CONTEXT_LABELS", "EDGE_LABEL_LIMIT", "EDGE_PX", "GRAVITY", "GROUPINGS", "GROUP_AUTO_NODES",
    "GROUP_GAP_PX", "GROUP_MEMBER_PX", "LARGE_GRAPH", "NotebookView", "OTHER_RELATION_COLOUR", "OTHER_TYPE",
    "RELATION_COLOURS", "SIGN_WORDS", "TYPE_STYLE", "VIS_VERSION", "View", "VizError", "cancer_groups",
    "compute_layout", "construct_view", "graph_view", "group_entries", "group_layout", "grouping_name",
    "initial_grouping", "layout_options", "notebook", "page_payload", "paths_view", "render_html", "render_paths",
    "render_subgraph", "run_construct", "script_json", "select", "subgraph_view", "write_html",
]
