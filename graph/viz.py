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

:func:`write_html` writes a page atomically; :func:`notebook` shows one inline in Jupyter.
The output depends only on the input: nodes and edges are sorted, JSON keys are sorted, the
layout is computed here without randomness (:func:`compute_layout`) and vis-network's physics,
when the reader re-runs it, starts from a fixed seed.

>>> from graph.projection import projection
>>> html = render_html(graph_view(projection()))
>>> html.startswith("<!DOCTYPE html>") and "https://cdn" not in html
True
"""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import networkx as nx

from .errors import ExoKGError, OntologyNameError, QueryError
from .ontology import load_ontology
from .vocab import PREFIXES

VIS_VERSION = "9.1.2"
LARGE_GRAPH = 500  # nodes: above this the page trims its layout work (see layout_options)
GRAVITY = 1.0  # pull to the centre in compute_layout
EDGE_PX = 140.0  # median length of a drawn statement, in pixels
EDGE_LABEL_LIMIT = 40  # edges: at most this many, relation names are drawn on the edges
GROUPINGS = ("type", "cancer", "none")  # what the page can collapse into one node per group
GROUP_AUTO_NODES = 150  # nodes: a larger, unfocused view opens grouped by type (see initial_grouping)
GROUP_MEMBER_PX = 62.0  # spacing of a group's entities around the group's place, in pixels
GROUP_GAP_PX = 40.0  # at least this much room between two groups' discs

# Colour and vis-network shape per entity type; the pair is unique per type.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "MicroRNA": ("#d62728", "dot"),
    "CircularRNA": ("#ff7f0e", "dot"),
    "LongNonCodingRNA": ("#bcbd22", "dot"),
    "NonCodingRNA": ("#8c564b", "dot"),
    "GeneOrProtein": ("#1f77b4", "square"),
    "ExosomePreparation": ("#f781bf", "square"),
    "Drug": ("#2ca02c", "diamond"),
    "ChemicalEntity": ("#7f7f7f", "diamond"),
    "Therapy": ("#17a589", "star"),
    "CancerType": ("#b8860b", "star"),
    "Disease": ("#a50f15", "star"),
    "Pathway": ("#9467bd", "hexagon"),
    "BiologicalProcess": ("#e377c2", "hexagon"),
    "CellType": ("#17becf", "triangle"),
    "Organism": ("#a0522d", "triangle"),
    "CellLine": ("#006d77", "triangleDown"),
    "BodyFluid": ("#6baed6", "triangleDown"),
    # nodes of a CONSTRUCT result that are not ExoKG entities
    "Resource": ("#bdbdbd", "dot"),
    "Literal": ("#ffffff", "box"),
}
OTHER_TYPE = "Resource"

# Edge colour per relation: warm for sign +1, cool for -1, brown/grey (dashed) for 0.
RELATION_COLOURS: dict[str, str] = {
    "confersResistanceTo": "#d62728", "promotes": "#ff7f0e", "activates": "#e6550d",
    "upregulates": "#f5a623", "secretes": "#a63603", "takenUpBy": "#c2185b", "delivers": "#8c2d04",
    "reversesResistanceTo": "#1f4e9c", "inhibits": "#4292c6", "downregulates": "#17becf",
    "targets": "#6a51a3", "sponges": "#9e9ac8", "suppresses": "#2ca02c", "transports": "#006d2c",
    "associatedWith": "#969696", "biomarkerFor": "#8c6d31", "detectedIn": "#bdbdbd",
    "derivedFrom": "#7f7f7f", "studiedIn": "#a9a9a9", "memberOf": "#636363", "regulates": "#525252",
    "bindsTo": "#bd9e39", "interactsWith": "#c7a76c",
}
OTHER_RELATION_COLOUR = "#9e9e9e"
ARROW_BY_SIGN = {1: "arrow", -1: "bar", 0: "circle"}
SIGN_WORDS = {1: "+1, increases", -1: "-1, decreases", 0: "0, no direction"}

CONTEXT_LABELS = {
    "cancer": "cancer", "drug": "drug", "cell_line": "cell line", "donor_cell": "donor cell",
    "recipient_cell": "recipient cell", "body_fluid": "body fluid", "mechanism": "mechanism",
    "biomarker_role": "biomarker role", "model": "model", "direction": "direction",
}

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
_SYNONYM_PREDICATES = ("http://www.w3.org/2004/02/skos/core#altLabel",)
_KEY_PREDICATE = PREFIXES["exo"] + "curationKey"
_IDENTIFIER_PREDICATE = PREFIXES["dcterms"] + "identifier"


class VizError(ExoKGError):
    """A visualisation was asked for something it cannot draw (unknown filter value, empty view)."""


@dataclass
class View:
    """What one page shows: nodes and edges as plain JSON-ready dicts, plus a title."""

    title: str
    nodes: list[dict]
    edges: list[dict]
    description: str = ""
    kind: str = "graph"
    group_by: str = "auto"  # the page's first grouping: type, cancer, none or auto (initial_grouping)
    cancer_labels: dict[str, str] = field(default_factory=dict)  # cancer group key (IRI) -> its label

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.edges)

    def _repr_html_(self) -> str:
        """Jupyter shows a view as its page, inline."""
        return notebook(self)._repr_html_()


# --------------------------------------------------------------------------------------------
# views


def graph_view(G: nx.MultiDiGraph, nodes: Iterable[str] | None = None, edges: Iterable[tuple] | None = None,
               title: str = "ExoKG", description: str = "", highlight_nodes: Iterable[str] = (),
               highlight_edges: Iterable[tuple] = (), kind: str = "graph") -> View:
    """A view of ``G`` (a projection-shaped MultiDiGraph) restricted to ``nodes`` and ``edges``.

    ``nodes`` None means every node; ``edges`` None means every edge among the kept nodes.
    Edges are ``(u, v, key)`` triples, or ``(u, v)`` pairs meaning every edge from u to v.
    Node size follows the node's degree in ``G``. Context values that are entity IRIs are shown
    by their label (looked up in ``G``, then in ``G.graph["labels"]`` when present).

    Each node carries its group keys, ``groups = {"type": ..., "cancer": ...}``, for the page's
    "Group by" control, and ``cancers``, the cancers its statements in ``G`` name with how many
    statements name each (see :func:`cancer_groups`).
    """
    node_set = set(G.nodes) if nodes is None else set(nodes)
    missing = sorted(n for n in node_set if n not in G)
    if missing:
        raise VizError(f"{len(missing)} node(s) are not in the graph, e.g. {missing[0]}. "
                       "Fix: pass node ids (IRIs) of the graph")
    edge_keys = _edge_keys(G, node_set, edges)
    node_set |= {u for u, _, _ in edge_keys} | {v for _, v, _ in edge_keys}
    hi_nodes = set(highlight_nodes)
    hi_edges = _edge_keys(G, None, highlight_edges) if highlight_edges else set()

    labels = dict(G.graph.get("labels", {}))
    labels.update({n: d.get("label") or _short(n) for n, d in G.nodes(data=True)})
    out_nodes = [_node_record(n, G.nodes[n], G.degree(n), n in hi_nodes) for n in node_set]
    out_nodes.sort(key=lambda r: (r["key"] or "", r["id"]))
    stated, cancer_labels = cancer_groups(G, node_set, labels)
    for record in out_nodes:
        counts = stated.get(record["id"], [])
        top = counts[0][0] if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]) else None
        record["groups"] = {"type": record["type"], "cancer": top}
        record["cancers"] = [[family, n] for family, n in counts]
    out_edges = []
    for u, v, k in edge_keys:
        d = G.edges[u, v, k]
        out_edges.append(_edge_record(u, v, k, d, labels, (u, v, k) in hi_edges))
    out_edges.sort(key=lambda r: (r["from"], r["to"], r["id"]))
    _dedupe_edge_ids(out_edges)
    return View(title=title, description=description, nodes=out_nodes, edges=out_edges, kind=kind,
                cancer_labels=cancer_labels)


def cancer_groups(G: nx.MultiDiGraph, nodes: Iterable[str], labels: dict[str, str] | None = None
                  ) -> tuple[dict[str, list[tuple[str, int]]], dict[str, str]]:
    """For each of ``nodes``: the cancers its statements in ``G`` name, most named first.

    A statement names the cancers of its ``cancer`` context and its ends that are cancers (as
    ``select(cancers=...)`` reads it). Each cancer counts as its family: its broadest ancestor
    along ``skos:broader`` below the generic ``cancer`` (TNBC counts as breast cancer,
    glioblastoma as glioma); statements about cancer in general name no cancer. Returns
    ``{node: [(family IRI, statements), ...]}`` (ties in label order) and the families' labels.
    The page groups an entity under its first family when no other family has as many
    statements; entities without one (no cancer named, or a tie) stay ungrouped.
    """
    from .explain import GENERIC_CANCER_KEYS

    labels = labels if labels is not None else {n: d.get("label") or _short(n) for n, d in G.nodes(data=True)}
    wanted = set(nodes)
    cancer_nodes = {n for n, d in G.nodes(data=True) if d.get("type") == "CancerType"}
    generic = {n for n in cancer_nodes if G.nodes[n].get("key") in GENERIC_CANCER_KEYS}
    broader = _cancer_broader(G) if cancer_nodes or any("cancer" in (d.get("context") or {})
                                                       for *_, d in G.edges(data=True)) else {}
    families: dict[str, str] = {}
    counts: dict[str, Counter] = defaultdict(Counter)
    for u, v, d in G.edges(data=True):
        ends = {u, v} & wanted
        if not ends:
            continue
        named = {c for c in (d.get("context") or {}).get("cancer") or () if isinstance(c, str)}
        named = (named | ({u, v} & cancer_nodes)) - generic
        for cancer in named:
            if cancer not in families:
                families[cancer] = _cancer_family(cancer, broader, generic)
        for family in {families[c] for c in named}:
            for n in ends:
                counts[n][family] += 1
    used = {f for c in counts.values() for f in c}
    family_labels = {f: labels.get(f) or _short(f) for f in sorted(used)}
    ranked = {n: sorted(c.items(), key=lambda fc: (-fc[1], family_labels[fc[0]], fc[0])) for n, c in counts.items()}
    return ranked, family_labels


def _cancer_family(cancer: str, broader: dict, generic: set[str]) -> str:
    """The broadest cancer above ``cancer`` (first parent each step) that is not generic."""
    from .paths import parents

    seen = {cancer}
    while True:
        above = [p for p in parents(broader, cancer) if p not in seen and p not in generic]
        if not above:
            return cancer
        cancer = above[0]
        seen.add(cancer)


def _cancer_broader(G: nx.MultiDiGraph) -> dict:
    """The ``skos:broader`` links for ``G``: ``G.graph["broader"]``, else those of the graph file
    ``G`` was projected from (none for a graph made in memory)."""
    if "broader" in G.graph:
        return G.graph["broader"]
    if "source" not in G.graph:
        return {}
    from .paths import load_broader

    try:
        return load_broader(G.graph["source"])
    except ExoKGError:
        return {}


def subgraph_view(G: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[tuple] | None = None,
                  title: str = "ExoKG path", description: str = "", highlight_nodes: Iterable[str] = (),
                  highlight_edges: Iterable[tuple] = ()) -> View:
    """A path or explanation result as a view (see :func:`render_subgraph`)."""
    return graph_view(G, list(nodes), None if edges is None else list(edges), title=title, description=description,
                      highlight_nodes=highlight_nodes, highlight_edges=highlight_edges, kind="path")


def render_subgraph(G: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[tuple] | None = None,
                    title: str = "ExoKG path", description: str = "",
                    highlight_nodes: Iterable[str] = (), highlight_edges: Iterable[tuple] = ()) -> str:
    """The HTML page of a path or explanation result (for ``exokg path --html``).

    ``nodes``: node ids (entity IRIs) to draw; ``edges``: ``(u, v, key)`` statements (or
    ``(u, v)`` for every statement u->v) to draw, default every edge among ``nodes``;
    ``highlight_*``: what to draw bold, e.g. the path itself inside its neighbourhood.
    Write it with :func:`write_html`.

    >>> from graph.projection import projection
    >>> G = projection()
    >>> u, v, k = sorted(G.edges(keys=True))[0]
    >>> page = render_subgraph(G, [u, v], [(u, v, k)], highlight_edges=[(u, v, k)])
    >>> page.count('"highlight":true') >= 1
    True
    """
    return render_html(subgraph_view(G, nodes, edges, title, description, highlight_nodes, highlight_edges))


def paths_view(G: nx.MultiDiGraph, paths: Iterable[dict], title: str = "ExoKG paths", description: str = "") -> View:
    """The union of path-finding results (graph.paths dicts: ``nodes`` and ``hops`` with
    ``source``, ``target``, ``reversed`` and ``statements``) with their end entities drawn bold.
    Every statement behind a hop is drawn, so its evidence shows on hover."""
    nodes, edges, ends = [], [], set()
    for path in paths:
        nodes.extend(path["nodes"])
        if path["nodes"]:
            ends |= {path["nodes"][0], path["nodes"][-1]}
        for hop in path["hops"]:
            u, v = (hop["target"], hop["source"]) if hop.get("reversed") else (hop["source"], hop["target"])
            edges.extend((u, v, key) for key in hop["statements"])
    if not nodes:
        raise VizError("nothing to draw: no path was found. Fix: loosen the path query")
    return graph_view(G, sorted(set(nodes)), sorted(set(edges)), title=title, description=description,
                      highlight_nodes=ends, kind="path")


def render_paths(G: nx.MultiDiGraph, paths: Iterable[dict], title: str = "ExoKG paths", description: str = "") -> str:
    """The HTML page of ``exokg path``'s results: ``write_html(render_paths(G, paths), file)``.

    >>> from graph.paths import shortest_path
    >>> H = nx.MultiDiGraph()
    >>> _ = H.add_node("a", label="A", type="MicroRNA"); _ = H.add_node("b", label="B", type="Drug")
    >>> _ = H.add_edge("a", "b", key="s1", relation="confersResistanceTo", sign=1, summary="A makes B fail.")
    >>> page = render_paths(H, [shortest_path(H, "a", "b")])
    >>> "A makes B fail." in page
    True
    """
    return render_html(paths_view(G, list(paths), title, description))


def select(G: nx.MultiDiGraph, focus: str | None = None, hops: int = 1, cancers: Iterable[str] = (),
           drugs: Iterable[str] = (), relations: Iterable[str] = (), types: Iterable[str] = (),
           source: Path | str | None = None) -> tuple[list[str], list[tuple], str]:
    """The nodes and edges that the filters keep, and a one-line description of them.

    Names are resolved like everywhere else (key, label, synonym, CURIE). ``cancers`` keeps the
    statements about a cancer or any of its subtypes (``skos:broader``), either as their context
    or as an end; ``drugs`` likewise (a drug class includes its drugs); ``relations`` keeps those
    relations; ``types`` keeps entities of those types (and subtypes: ``NonCodingRNA`` includes
    miRNAs) and the statements among them. ``focus`` keeps what lies within ``hops`` statements
    of that entity (either direction) after the other filters. Options combine with AND, values
    of one option with OR.
    """
    from .entities import entity_index

    source = source if source is not None else G.graph.get("source")
    index = entity_index(source)
    parts = []
    edge_filters = []

    cancers, drugs = list(cancers), list(drugs)
    if cancers:
        wanted = _with_narrower([index.resolve(c, ("CancerType",)).iri for c in cancers], source)
        edge_filters.append(_context_or_end("cancer", wanted))
        parts.append("cancer " + " or ".join(index.resolve(c, ("CancerType",)).label for c in cancers)
                     + " (with subtypes)")
    if drugs:
        drug_types = ("Drug", "ChemicalEntity", "Therapy")
        wanted = _with_narrower([index.resolve(d, drug_types).iri for d in drugs], source)
        edge_filters.append(_context_or_end("drug", wanted))
        parts.append("drug " + " or ".join(index.resolve(d, drug_types).label for d in drugs))
    ontology = load_ontology()
    relations = list(relations)
    if relations:
        names = {_ontology_name(ontology.relation_named, r) for r in relations}
        edge_filters.append(lambda u, v, d, names=names: d.get("relation") in names)
        parts.append("relation " + " or ".join(sorted(names)))
    types = list(types)
    allowed_types = None
    if types:
        type_names = {_ontology_name(ontology.class_named, t, entity_only=True) for t in types}
        allowed_types = {c for c in ontology.entity_classes if any(ontology.is_a(c, t) for t in type_names)}
        parts.append("type " + " or ".join(sorted(type_names)))

    def node_ok(n):
        return allowed_types is None or G.nodes[n].get("type") in allowed_types

    kept_edges = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                  if node_ok(u) and node_ok(v) and all(f(u, v, d) for f in edge_filters)]
    if edge_filters:
        kept_nodes = {u for u, _, _ in kept_edges} | {v for _, v, _ in kept_edges}
    else:
        kept_nodes = {n for n in G if node_ok(n)}

    if focus is not None:
        centre = index.resolve(focus)
        if centre.iri not in G:
            raise VizError(f"{centre.describe()} is not in this graph. Fix: check --graph")
        if hops < 0:
            raise VizError(f"--hops must be 0 or more, not {hops}. Fix: give a number such as 1 or 2")
        adjacency = defaultdict(set)
        for u, v, _ in kept_edges:
            adjacency[u].add(v)
            adjacency[v].add(u)
        reached, frontier = {centre.iri}, {centre.iri}
        for _ in range(hops):
            frontier = {m for n in frontier for m in adjacency[n]} - reached
            reached |= frontier
        kept_nodes = reached
        kept_edges = [(u, v, k) for u, v, k in kept_edges if u in reached and v in reached]
        parts.insert(0, f"{hops} hop(s) around {centre.label}")

    if not kept_nodes:
        raise VizError("nothing to draw: no statement matches " + "; ".join(parts)
                       + ". Fix: loosen the filters (see `exokg stats` for what the graph holds)")
    return sorted(kept_nodes), sorted(kept_edges), "; ".join(parts) or "whole graph"


def construct_view(triples, title: str = "ExoKG CONSTRUCT result", description: str = "",
                   source: Path | str | None = None, labels: dict[str, str] | None = None) -> View:
    """A view of RDF triples, e.g. the result of a SPARQL CONSTRUCT query.

    ``triples``: an rdflib Graph, pyoxigraph ``QueryTriples``/``Triple`` objects, or 3-tuples of
    rdflib or pyoxigraph terms. ``rdfs:label``/``skos:prefLabel``, ``skos:altLabel``,
    ``exo:curationKey``, ``dcterms:identifier`` and ``rdf:type`` of an ExoKG entity class are
    folded into the nodes; every other triple is an edge. ExoKG entities the triples do not
    describe are labelled and typed from the graph at ``source`` (default: the packaged build);
    ExoKG relations keep their colour and sign.
    """
    from .entities import entity_index

    ontology = load_ontology()
    relations = {str(r.iri): r for r in ontology.relations.values()}
    entity_classes = set(ontology.entity_classes)
    exo = PREFIXES["exo"]
    info: dict[str, dict] = {}
    raw_edges = []

    def node(term) -> str:
        kind, value, extra = term
        nid = value if kind == "iri" else ("_:" + value if kind == "bnode" else f'"{value}"{extra}')
        if nid not in info:
            info[nid] = {"kind": kind, "value": value, "types": set(), "labels": [], "synonyms": set()}
        return nid

    for triple in _iter_triples(triples):
        s, p, o = triple
        sid = node(s)
        pred = p[1]
        if o[0] == "literal" and pred in _LABEL_PREDICATES:
            info[sid]["labels"].append(o[1])
        elif o[0] == "literal" and pred in _SYNONYM_PREDICATES:
            info[sid]["synonyms"].add(o[1])
        elif o[0] == "literal" and pred == _KEY_PREDICATE:
            info[sid]["key"] = o[1]
        elif o[0] == "literal" and pred == _IDENTIFIER_PREDICATE:
            info[sid]["curie"] = o[1]
        elif pred == _RDF_TYPE and o[0] == "iri" and o[1].startswith(exo) and o[1][len(exo):] in entity_classes:
            info[sid]["types"].add(o[1][len(exo):])
        else:
            raw_edges.append((sid, pred, node(o)))
    if not info:
        raise VizError("nothing to draw: the CONSTRUCT result has no triples. Fix: check the query's WHERE clause")

    index = None
    try:
        index = entity_index(source)
    except ExoKGError:
        if source is not None:
            raise
    labels = dict(labels or {})
    G = nx.MultiDiGraph()
    for nid, d in info.items():
        record = index.by_iri.get(nid) if index is not None and d["kind"] == "iri" else None
        if d["kind"] == "literal":
            typ, label = "Literal", d["value"]
        else:
            typ = _most_specific(d["types"], ontology) or (record.type if record else OTHER_TYPE)
            label = min(d["labels"]) if d["labels"] else (record.label if record else labels.get(nid) or _short(nid))
        G.add_node(nid, key=d.get("key") or (record.key if record else None), label=label, type=typ,
                   curie=d.get("curie") or (record.curie if record else None),
                   synonyms=sorted(d["synonyms"] or (record.synonyms if record else ())),
                   iri=nid if d["kind"] == "iri" else None)
        labels[nid] = label
    if index is not None:
        labels.update({r.iri: r.label for r in index.records if r.iri not in labels})
    counter: dict[tuple, int] = defaultdict(int)
    for sid, pred, oid in sorted(set(raw_edges)):
        relation = relations.get(pred)
        n = counter[(sid, oid)]
        counter[(sid, oid)] += 1
        if relation is not None:
            attrs = dict(relation=relation.name, relation_label=relation.label, sign=relation.sign,
                         symmetric=relation.symmetric)
        else:
            attrs = dict(relation=pred, relation_label=_compact(pred), sign=None, symmetric=False)
        G.add_edge(sid, oid, key=f"t{n}" if n else "t", predicate=pred, **attrs)
    G.graph["labels"] = labels
    if index is not None:
        G.graph["source"] = source  # cancer families (skos:broader) come from that graph
    view = graph_view(G, title=title, description=description or f"{len(raw_edges)} triple(s)", kind="construct")
    for record in view.edges:
        record["id"] = "triple:" + hashlib.sha1(f"{record['from']}|{record['predicate']}|{record['to']}|{record['id']}"
                                                .encode()).hexdigest()[:16]
    _dedupe_edge_ids(view.edges)
    return view


def run_construct(query: str, source: Path | str | None = None) -> list:
    """Run a SPARQL CONSTRUCT (or DESCRIBE) query on the graph at ``source``; the result triples.

    Updates and SERVICE clauses are refused, as by ``exokg query``.
    """
    import pyoxigraph as ox

    from .query import check_policy
    from .store import open_store, query_options

    check_policy(query)  # no SPARQL Update, no SERVICE: drawing a query never calls another host
    try:
        store = open_store(source)
        result = store.query(query, prefixes=PREFIXES, **query_options(store))
    except SyntaxError as err:
        raise QueryError(f"the query does not parse: {str(err).splitlines()[0]}. Fix: correct the SPARQL") from None
    if not isinstance(result, ox.QueryTriples):
        raise QueryError("the query is not a CONSTRUCT or DESCRIBE query, so it has no graph to draw. "
                         "Fix: write CONSTRUCT { ... } WHERE { ... }")
    return list(result)


# --------------------------------------------------------------------------------------------
# page


def layout_options(n_nodes: int, n_edges: int, positioned: bool = True) -> dict:
    """vis-network options for a page of this size.

    ``positioned``: the nodes carry coordinates from :func:`compute_layout`, so physics starts
    off and the page is interactive at its first frame. Otherwise (and whenever the reader
    presses Re-layout) Barnes-Hut physics runs from a fixed seed, stabilises and is then
    switched off. Large graphs skip vis-network's "improved layout" (Kamada-Kawai on clusters,
    seconds above a few hundred nodes), run fewer iterations and hide edges while dragging or
    zooming.
    """
    large = n_nodes > LARGE_GRAPH
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": not positioned,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000 if large else -3000, "centralGravity": 0.35,
                          "springLength": 95, "springConstant": 0.04, "damping": 0.2, "avoidOverlap": 0.05},
            "maxVelocity": 40,
            "minVelocity": 1.0,
            "timestep": 0.5,
            "adaptiveTimestep": True,
            "stabilization": {"enabled": True, "iterations": 200 if large else 400, "updateInterval": 25,
                              "fit": True, "onlyDynamicEdges": False},
        },
        "nodes": {"borderWidth": 1, "font": {"size": 12, "face": "system-ui, sans-serif"}},
        "edges": {"smooth": False, "width": 1.2, "selectionWidth": 2, "arrowStrikethrough": False,
                  "font": {"size": 9, "align": "middle", "face": "system-ui, sans-serif"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
    }


def compute_layout(view: View, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Node positions (pixels) from a force-directed layout computed here, deterministically.

    Fruchterman-Reingold with a pull to the centre (so that separate components and lone
    entities stay near the rest), started from a sunflower spiral in breadth-first order (no
    randomness), repulsion in row blocks of numpy float32 arrays: 0.03 s for 400 nodes, about
    1 s for 2,000. Positions are rounded to 0.1 px, so the same view gives the same file.
    """
    import numpy as np

    ids = [n["id"] for n in view.nodes]
    n = len(ids)
    if n == 0:
        return {}
    if n == 1:
        return {ids[0]: (0.0, 0.0)}
    index = {nid: i for i, nid in enumerate(ids)}
    pairs = sorted({(index[e["from"]], index[e["to"]]) for e in view.edges if e["from"] != e["to"]})
    x, y = _spring(n, pairs, [-(node["degree"]) for node in view.nodes], iterations)
    if pairs:  # the median statement is EDGE_PX long, whatever the graph's size
        src, dst = np.array(pairs).T
        reference = float(np.median(np.sqrt((x[src] - x[dst]) ** 2 + (y[src] - y[dst]) ** 2)))
    else:
        reference = 1.0 / math.sqrt(n)
    scale = EDGE_PX / max(reference, 1e-6)
    x, y = (x - x.mean()) * scale, (y - y.mean()) * scale
    return {nid: (round(float(x[i]), 1), round(float(y[i]), 1)) for i, nid in enumerate(ids)}


def _spring(n: int, pairs: list[tuple[int, int]], priority: list, iterations: int | None = None,
            weights: list[float] | None = None):
    """The core of :func:`compute_layout`: float32 coordinates of ``n`` points joined by ``pairs``
    (attraction times ``weights``), in units of about 1/sqrt(n), not yet centred or scaled."""
    import numpy as np

    order = _bfs_order(n, pairs, priority)
    iterations = iterations if iterations is not None else (120 if n <= 300 else 80 if n <= 1000 else 50)
    golden = math.pi * (3 - math.sqrt(5))
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(n, dtype=np.float64)
    radius = np.sqrt(rank + 0.5) / math.sqrt(n)
    x = (radius * np.cos(rank * golden)).astype(np.float32)
    y = (radius * np.sin(rank * golden)).astype(np.float32)
    if n == 1:
        return x * 0, y * 0
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    weight = np.array(weights if weights is not None else [1.0] * len(pairs), dtype=np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    k2 = k * k
    gravity = np.float32(GRAVITY)
    temperature, chunk = 0.1, max(1, 4_000_000 // n)
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        fx = np.empty(n, np.float32)
        fy = np.empty(n, np.float32)
        for a in range(0, n, chunk):
            b = min(n, a + chunk)
            dx = x[a:b, None] - x[None, :]
            dy = y[a:b, None] - y[None, :]
            d2 = dx * dx + dy * dy
            np.maximum(d2, np.float32(1e-8), out=d2)
            np.divide(k2, d2, out=d2)
            fx[a:b] = (dx * d2).sum(axis=1)
            fy[a:b] = (dy * d2).sum(axis=1)
        if len(src):
            ex, ey = x[src] - x[dst], y[src] - y[dst]
            pull = np.sqrt(ex * ex + ey * ey) / k * weight
            ex, ey = ex * pull, ey * pull
            np.subtract.at(fx, src, ex)
            np.add.at(fx, dst, ex)
            np.subtract.at(fy, src, ey)
            np.add.at(fy, dst, ey)
        fx -= gravity * x
        fy -= gravity * y
        length = np.sqrt(fx * fx + fy * fy)
        np.maximum(length, np.float32(1e-9), out=length)
        step = np.minimum(length, np.float32(temperature)) / length
        x += fx * step
        y += fy * step
        temperature -= cooling
    return x, y


def _bfs_order(n: int, pairs: list[tuple[int, int]], priority: list[int]) -> list[int]:
    """Nodes in breadth-first order, components by size, each from its best-connected node."""
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    seen = [False] * n
    components = []
    for start in sorted(range(n), key=lambda i: (priority[i], i)):
        if seen[start]:
            continue
        seen[start] = True
        component, queue = [start], [start]
        while queue:
            nxt = []
            for u in queue:
                for v in sorted(adjacency[u], key=lambda i: (priority[i], i)):
                    if not seen[v]:
                        seen[v] = True
                        component.append(v)
                        nxt.append(v)
            queue = nxt
        components.append(component)
    components.sort(key=lambda c: -len(c))
    return [i for c in components for i in c]


def grouping_name(text: str) -> str:
    """``type``, ``cancer``, ``none`` or ``auto`` for what was asked (case, spaces and dashes ignored;
    ``entity type`` means ``type``); anything else is a :class:`VizError`.

    >>> grouping_name("Entity type"), grouping_name("NONE")
    ('type', 'none')
    """
    name = re.sub(r"[\s_-]+", "", str(text)).lower()
    name = "type" if name == "entitytype" else name
    if name not in (*GROUPINGS, "auto"):
        raise VizError(f"cannot group by '{text}'. Fix: --group-by type, cancer or none")
    return name


def initial_grouping(view: View, group_by: str = "auto") -> str:
    """The grouping a page opens with: ``group_by``, and for ``auto``: ``type`` for a view of more
    than GROUP_AUTO_NODES entities that is not about chosen entities (no path, nothing drawn
    bold as with ``--focus``), else ``none``."""
    name = grouping_name(group_by)
    if name != "auto":
        return name
    focused = view.kind == "path" or any(node.get("highlight") for node in view.nodes)
    return "type" if not focused and len(view.nodes) > GROUP_AUTO_NODES else "none"


def group_layout(view: View, grouping: str) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Where the groups and the entities go when the page is grouped by ``grouping``.

    Each type and each cancer is spread over the whole network, so the centroids of the groups
    in :func:`compute_layout`'s picture all fall near its centre, on top of each other. Groups
    are therefore laid out on their own: one point per group and per entity outside the
    groups, pulled together by the statements between them (:func:`_spring`), then pushed
    apart until no group's disc overlaps anything. A group's entities fill its disc (a small
    layout of the statements among them) with their centroid on the group's place, which is
    where the page draws the group's node and where it opens. Deterministic; rounded to
    0.1 px. Returns ``(place by group key, position by node id)``.
    """
    import numpy as np

    keys = [_group_key(node, grouping) for node in view.nodes]
    groups = sorted({key for key in keys if key is not None})
    members: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key is not None:
            members[key].append(i)
    singles = [i for i, key in enumerate(keys) if key is None]
    item = {i: g for g, key in enumerate(groups) for i in members[key]}
    item.update({i: len(groups) + j for j, i in enumerate(singles)})
    n_items = len(groups) + len(singles)
    index = {node["id"]: i for i, node in enumerate(view.nodes)}
    ends = [(index[e["from"]], index[e["to"]]) for e in view.edges if e["from"] != e["to"]]

    local = np.zeros((len(view.nodes), 2))
    radius = np.zeros(n_items)
    for g, key in enumerate(groups):
        idx = members[key]
        radius[g] = max(GROUP_MEMBER_PX * math.sqrt(len(idx) / math.pi), GROUP_GAP_PX)
        if len(idx) > 1:
            at = {m: j for j, m in enumerate(idx)}
            pairs = sorted({(at[a], at[b]) for a, b in ends if a in at and b in at})
            x, y = _spring(len(idx), pairs, [-view.nodes[m]["degree"] for m in idx])
            x, y = x - x.mean(), y - y.mean()
            reach = max(float(np.sqrt(x * x + y * y).max()), 1e-6)
            local[idx, 0], local[idx, 1] = x * (radius[g] / reach), y * (radius[g] / reach)
    for j, i in enumerate(singles):
        radius[len(groups) + j] = view.nodes[i]["size"] + 12

    weight = Counter((min(item[a], item[b]), max(item[a], item[b])) for a, b in ends if item[a] != item[b])
    pairs = sorted(weight)
    sizes = [-len(members[key]) for key in groups] + [-view.nodes[i]["degree"] for i in singles]
    qx, qy = _spring(n_items, pairs, sizes, weights=[math.sqrt(weight[p]) for p in pairs])
    qx, qy = qx.astype(np.float64), qy.astype(np.float64)
    if pairs:
        src, dst = np.array(pairs).T
        reference = float(np.median(np.hypot(qx[src] - qx[dst], qy[src] - qy[dst])))
        target = float(np.median(radius[src] + radius[dst])) + GROUP_GAP_PX
    else:
        reference, target = 1.0 / math.sqrt(max(n_items, 1)), 2 * float(radius.max(initial=0)) + GROUP_GAP_PX
    scale = target / max(reference, 1e-6)
    qx, qy = (qx - qx.mean()) * scale, (qy - qy.mean()) * scale
    _separate(qx, qy, radius, np.arange(len(groups)))
    qx, qy = qx - qx.mean(), qy - qy.mean()
    places = {key: (round(float(qx[g]), 1), round(float(qy[g]), 1)) for g, key in enumerate(groups)}
    where = {node["id"]: (round(float(qx[item[i]] + local[i, 0]), 1), round(float(qy[item[i]] + local[i, 1]), 1))
             for i, node in enumerate(view.nodes)}
    return places, where


def _separate(x, y, radius, movers, rounds: int = 300) -> None:
    """Push points apart, in place, until the disc of no point in ``movers`` overlaps another
    disc (``radius`` plus GROUP_GAP_PX); discs outside ``movers`` may overlap each other."""
    import numpy as np

    if len(movers) == 0 or len(x) < 2:
        return
    spin = np.arange(len(movers))[:, None] * 7 + np.arange(len(x))[None, :]  # a fixed way out for coincident points
    away_x, away_y = np.cos(spin * 2.399963), np.sin(spin * 2.399963)
    rows = np.arange(len(movers))
    for _ in range(rounds):
        dx, dy = x[movers, None] - x[None, :], y[movers, None] - y[None, :]
        d = np.hypot(dx, dy)
        over = radius[movers, None] + radius[None, :] + GROUP_GAP_PX - d
        over[rows, movers] = 0
        over[over < 0.5] = 0
        if not over.any():
            return
        apart = d > 1e-6
        ux = np.where(apart, dx / np.where(apart, d, 1), away_x)
        uy = np.where(apart, dy / np.where(apart, d, 1), away_y)
        px, py = ux * over * 0.35, uy * over * 0.35
        x[movers] += px.sum(axis=1)
        y[movers] += py.sum(axis=1)
        x -= px.sum(axis=0)
        y -= py.sum(axis=0)


def group_entries(view: View, grouping: str, ontology, places: dict | None = None) -> list[dict]:
    """The groups of ``grouping`` for the page: key, label, member count, colour and shape (a
    type's own; every cancer group is drawn like a cancer) and, with a layout, the place."""
    counts = Counter(key for key in (_group_key(node, grouping) for node in view.nodes) if key is not None)
    entries = []
    for key in sorted(counts):
        if grouping == "type":
            label = _type_label(key, ontology)
            colour, shape = TYPE_STYLE.get(key, TYPE_STYLE[OTHER_TYPE])
        else:
            label = view.cancer_labels.get(key) or _short(key)
            colour, shape = TYPE_STYLE["CancerType"]
        entry = {"key": key, "label": label[:1].upper() + label[1:], "count": counts[key], "color": colour,
                 "shape": shape, "style": _node_style(colour, shape)}
        if places is not None:
            entry["x"], entry["y"] = places[key]
        entries.append(entry)
    return entries


def _group_key(node: dict, grouping: str) -> str | None:
    """The group ``node`` joins when grouped by ``grouping``; entities drawn bold never join one."""
    if grouping == "none" or node.get("highlight"):
        return None
    return (node.get("groups") or {}).get(grouping)


def pyvis_default_options() -> dict:
    """The options a default ``pyvis.network.Network`` writes (the benchmark's baseline)."""
    from pyvis.network import Network

    return json.loads(Network().options.to_json())


def page_payload(view: View, options: dict | None = None, freeze: bool = True, layout: bool = True,
                 group_by: str | None = None) -> dict:
    """Everything the page script needs, JSON-ready (nodes, edges, legend, groups, options).

    ``layout``: give every node its position from :func:`compute_layout` and, per grouping,
    from :func:`group_layout` (without numpy the browser lays the graph out instead: stabilise,
    then freeze). ``group_by``: the grouping the page opens with (default ``view.group_by``;
    see :func:`initial_grouping`).
    """
    layout = layout and _have_numpy()
    grouping = initial_grouping(view, group_by if group_by is not None else view.group_by)
    ontology = load_ontology()
    n_nodes, n_edges = view.counts
    opts = json.loads(json.dumps(options if options is not None else layout_options(n_nodes, n_edges, layout)))
    nodes = view.nodes
    placed: dict[str, tuple[dict, dict]] = {}
    if layout:
        positions = compute_layout(view)
        placed = {g: group_layout(view, g) for g in GROUPINGS if g != "none"}
        nodes = [dict(node, x=positions[node["id"]][0], y=positions[node["id"]][1],
                      at={g: list(where[node["id"]]) for g, (_, where) in placed.items()}) for node in nodes]
    type_counts: dict[str, int] = defaultdict(int)
    for n in view.nodes:
        type_counts[n["type"]] += 1
    types = []
    styles = {}
    for name in sorted(type_counts):
        colour, shape = TYPE_STYLE.get(name, TYPE_STYLE[OTHER_TYPE])
        types.append({"name": name, "label": _type_label(name, ontology), "color": colour,
                      "shape": shape, "count": type_counts[name]})
        styles[name] = _node_style(colour, shape)
    opts.setdefault("groups", {}).update(styles)
    rel_counts: dict[str, dict] = {}
    for e in view.edges:
        r = rel_counts.setdefault(e["relation"], {"name": e["relation"], "label": e["relation_label"],
                                                  "sign": e["sign"], "symmetric": e["symmetric"], "count": 0})
        r["count"] += 1
    relations = []
    for name in sorted(rel_counts, key=lambda r: (_sign_order(rel_counts[r]["sign"]), r)):
        r = rel_counts[name]
        r["color"] = RELATION_COLOURS.get(name, OTHER_RELATION_COLOUR)
        r["arrow"] = None if r["symmetric"] else ARROW_BY_SIGN.get(r["sign"], "arrow")
        r["dashes"] = r["sign"] in (0, None)
        r["signText"] = SIGN_WORDS.get(r["sign"], "not an ExoKG relation")
        relations.append(r)
    return {
        "title": view.title,
        "description": view.description,
        "kind": view.kind,
        "nodes": nodes,
        "edges": view.edges,
        "types": types,
        "groupBy": grouping,
        "groupings": {g: group_entries(view, g, ontology, placed[g][0] if g in placed else None)
                      for g in GROUPINGS if g != "none"},
        "cancerLabels": view.cancer_labels,
        "relations": relations,
        "options": opts,
        "freeze": freeze,
        "edgeLabels": n_edges <= EDGE_LABEL_LIMIT,
        "contextLabels": CONTEXT_LABELS,
        "visVersion": VIS_VERSION,
    }


def render_html(view: View, options: dict | None = None, freeze: bool = True, layout: bool = True,
                group_by: str | None = None) -> str:
    """The self-contained page of ``view``.

    ``layout=False`` leaves the layout to vis-network's physics in the browser (stabilise, then
    freeze); ``options`` replaces the vis-network options of :func:`layout_options`;
    ``freeze=False`` keeps physics running after stabilisation (the last two for the
    benchmark's baseline); ``group_by`` (type, cancer, none, auto) overrides ``view.group_by``.
    """
    payload = page_payload(view, options, freeze, layout, group_by)
    vis_js, vis_css = _vis_assets()
    page_js = _asset("viz.js")
    for name, text in (("vis-network.min.js", vis_js), ("viz.js", page_js)):
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            raise VizError(f"{name} contains '</script' or '<!--' and cannot be inlined. Fix: report this ExoKG bug")
    css = vis_css + "\n" + _asset("viz.css")
    if re.search(r"</style", css, re.IGNORECASE):
        raise VizError("a stylesheet contains '</style' and cannot be inlined. Fix: report this ExoKG bug")
    csp = ("default-src 'none'; "
           f"script-src '{_csp_hash(vis_js)}' '{_csp_hash(page_js)}'; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
           "frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")
    replacements = {
        "CSP": html_lib.escape(csp, quote=True),
        "TITLE": html_lib.escape(view.title),
        "STYLE": css,
        "DATA": script_json(payload),
        "VIS_JS": vis_js,
        "PAGE_JS": page_js,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: replacements[m.group(1)], _asset("viz.html"))


def write_html(page: View | str, path: Path | str) -> Path:
    """Write a page (a :class:`View` or the HTML text) to ``path`` atomically; return the path."""
    text = render_html(page) if isinstance(page, View) else page
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise VizError(f"folder {folder} does not exist. Fix: create it or choose another --out")
    from .build import write_atomically

    write_atomically(folder, {path.name: text.encode("utf-8")})
    return path


class NotebookView:
    """A page shown inline in Jupyter (an iframe whose ``srcdoc`` is the page)."""

    def __init__(self, page: str, height: int = 650):
        self.html = page
        self.height = int(height)

    def __repr__(self) -> str:  # no memory address, so saved notebook outputs do not change between runs
        title = re.search(r"<title>(.*?)</title>", self.html, re.S)
        return f"<ExoKG network view: {html_lib.unescape(title.group(1)) if title else 'page'}>"

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                'title="ExoKG network"></iframe>')


def notebook(page: View | nx.MultiDiGraph | str, height: int = 650) -> NotebookView:
    """Show a view (or a projection, or a page's HTML) inline in Jupyter: ``notebook(view)``."""
    if isinstance(page, nx.MultiDiGraph):
        page = graph_view(page)
    return NotebookView(render_html(page) if isinstance(page, View) else page, height)


def script_json(value) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 become escapes.

    >>> script_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def synthetic_graph(n_nodes: int = 2000, n_edges: int | None = None, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped graph of ``n_nodes`` entities for benchmarks and tests.

    Scale-free-ish (preferential attachment), with the real types, relations and provenance
    fields; the same arguments always give the same graph.
    """
    rng = random.Random(seed)
    ontology = load_ontology()
    types = [t for t in TYPE_STYLE if t in ontology.class_labels]
    relations = list(ontology.relations.values())
    n_edges = n_edges if n_edges is not None else int(n_nodes * 1.3)
    G = nx.MultiDiGraph(source=None, broader={})
    for i in range(n_nodes):
        typ = types[i % len(types)]
        G.add_node(f"https://w3id.org/exokg/entity/synthetic-{i}", key=f"synthetic-{i:05d}",
                   label=f"{typ[:4].lower()}-{i}", type=typ, curie=None, mapped=False, synonyms=[])
    ids = list(G.nodes)
    ends = [ids[0]]
    for i in range(n_edges):
        u = ids[(i + 1) % n_nodes] if i < n_nodes - 1 else rng.choice(ids)
        v = rng.choice(ends)
        if u == v:
            v = ids[(ids.index(u) + 1) % n_nodes]
        r = relations[rng.randrange(len(relations))]
        G.add_edge(u, v, key=f"S-{i:05d}", relation=r.name, relation_label=r.label, sign=r.sign,
                   symmetric=r.symmetric, assertion=f"https://w3id.org/exokg/assertion/S-{i:05d}", section="3.1",
                   section_title="3.1 Synthetic", table_row=None, references=[1 + i % 217],
                   summary=f"Synthetic statement {i}.", context={})
        ends += [u, v]
    return G


# --------------------------------------------------------------------------------------------
# helpers


def _node_record(n: str, d: dict, degree: int, highlight: bool) -> dict:
    iri = d["iri"] if "iri" in d else n
    return {
        "id": n,
        "key": d.get("key"),
        "label": d.get("label") or _short(n),
        "type": d.get("type") or OTHER_TYPE,
        "curie": d.get("curie"),
        "iri": iri if isinstance(iri, str) and re.match(r"https?://", iri) else None,
        "synonyms": sorted(d.get("synonyms") or []),
        "degree": degree,
        "size": round(min(40.0, 9 + 4 * math.sqrt(degree)), 1),
        "highlight": highlight,
    }


def _edge_record(u: str, v: str, k, d: dict, labels: dict, highlight: bool) -> dict:
    context = []
    for column, values in sorted((d.get("context") or {}).items(), key=lambda kv: _context_order(kv[0])):
        context.append({"name": column, "values": [labels.get(x, x) if isinstance(x, str) else str(x) for x in values]})
    return {
        "id": str(k),
        "from": u,
        "to": v,
        "relation": d.get("relation") or "related",
        "relation_label": d.get("relation_label") or d.get("relation") or "related",
        "sign": d.get("sign"),
        "symmetric": bool(d.get("symmetric")),
        "assertion": d.get("assertion") if re.match(r"https?://", d.get("assertion") or "") else None,
        "predicate": d.get("predicate"),
        "section": d.get("section"),
        "section_title": d.get("section_title"),
        "table_row": d.get("table_row"),
        "references": list(d.get("references") or []),
        "summary": d.get("summary"),
        "context": context,
        "highlight": highlight,
    }


def _edge_keys(G: nx.MultiDiGraph, node_set: set | None, edges) -> set[tuple]:
    if edges is None:
        return {(u, v, k) for u, v, k in G.edges(keys=True) if u in node_set and v in node_set}
    keys = set()
    for edge in edges:
        if len(edge) == 3:
            u, v, k = edge
            if not G.has_edge(u, v, k):
                raise VizError(f"no statement {k} from {u} to {v} in the graph. Fix: pass (u, v, key) of G's edges")
            keys.add((u, v, k))
        elif len(edge) == 2:
            u, v = edge
            if not G.has_edge(u, v):
                raise VizError(f"no statement from {u} to {v} in the graph. Fix: pass edges of G")
            keys |= {(u, v, k) for k in G[u][v]}
        else:
            raise VizError(f"an edge must be (u, v) or (u, v, key), not {edge!r}. Fix: pass pairs or triples")
    return keys


def _dedupe_edge_ids(edges: list[dict]) -> None:
    seen: dict[str, int] = defaultdict(int)
    for e in edges:
        seen[e["id"]] += 1
    if all(c == 1 for c in seen.values()):
        return
    used: dict[str, int] = defaultdict(int)
    for e in edges:
        if seen[e["id"]] > 1:
            used[e["id"]] += 1
            e["id"] = f"{e['id']}#{used[e['id']]}"


def _context_or_end(column: str, wanted: set[str]):
    def keep(u, v, d):
        return u in wanted or v in wanted or bool(wanted.intersection((d.get("context") or {}).get(column, ())))
    return keep


def _with_narrower(iris: list[str], source) -> set[str]:
    """The entities and everything below them along skos:broader."""
    from .paths import load_broader, narrower

    broader = load_broader(source)
    return set().union(*(narrower(broader, iri) for iri in iris))


def _ontology_name(lookup, text: str, **options) -> str:
    """``lookup(text)`` (an :class:`~graph.ontology.Ontology` name method), its error as a VizError."""
    try:
        return lookup(text, **options)
    except OntologyNameError as err:
        raise VizError(str(err)) from None


def _most_specific(types: set[str], ontology) -> str | None:
    if not types:
        return None
    return sorted(types, key=lambda t: (-len(ontology.classes.get(t, ())), t))[0]


def _iter_triples(triples):
    """(kind, value, extra) terms for each triple of an rdflib Graph, pyoxigraph result or tuples."""
    for triple in triples:
        if hasattr(triple, "subject") and hasattr(triple, "object"):
            parts = (triple.subject, triple.predicate, triple.object)
        else:
            parts = tuple(triple)
            if len(parts) != 3:
                raise VizError(f"not a triple: {triple!r}. Fix: pass (subject, predicate, object) tuples")
        yield tuple(_term(t) for t in parts)


def _term(t) -> tuple[str, str, str]:
    cls = type(t).__name__
    if cls in ("URIRef", "NamedNode"):
        return ("iri", str(t.value) if cls == "NamedNode" else str(t), "")
    if cls in ("BNode", "BlankNode"):
        return ("bnode", str(t.value) if cls == "BlankNode" else str(t), "")
    if cls == "Literal":
        lang = getattr(t, "language", None)
        if cls == "Literal" and hasattr(t, "datatype") and not hasattr(t, "toPython"):  # pyoxigraph
            value, datatype = t.value, t.datatype.value if t.datatype is not None else ""
        else:
            value, datatype = str(t), str(t.datatype) if t.datatype is not None else ""
        return ("literal", value, f"@{lang}" if lang else (f"^^{datatype}" if datatype else ""))
    if isinstance(t, str):
        return ("iri", t, "") if re.match(r"[a-z][a-z0-9+.-]*:", t, re.IGNORECASE) else ("literal", t, "")
    raise VizError(f"cannot draw an RDF term of type {cls}. Fix: pass IRIs, blank nodes or literals")


def _compact(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _short(iri: str) -> str:
    compact = _compact(iri)
    if compact != iri:
        return compact
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _context_order(column: str) -> int:
    order = list(CONTEXT_LABELS)
    return order.index(column) if column in order else len(order)


def _sign_order(sign) -> int:
    return {1: 0, -1: 1, 0: 2}.get(sign, 3)


def _type_label(name: str, ontology) -> str:
    return ontology.class_labels.get(name, name.lower())


def _node_style(colour: str, shape: str) -> dict:
    """A vis-network node style (a group's, or a cluster's): shape, fill, darker border."""
    style = {"shape": shape, "color": {"background": colour, "border": _darker(colour),
                                       "highlight": {"background": colour, "border": "#000000"},
                                       "hover": {"background": colour, "border": "#000000"}}}
    if shape == "box":
        style["font"] = {"color": "#222222"}
    return style


def _darker(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _have_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _asset(name: str) -> str:
    return resources.files("graph.viz_assets").joinpath(name).read_text(encoding="utf-8")


_VIS_CACHE: dict[str, tuple[str, str]] = {}


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as shipped inside the pyvis package."""
    if "vis" not in _VIS_CACHE:
        folder = resources.files("pyvis").joinpath("lib", f"vis-{VIS_VERSION}")
        try:
            js = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
            css = folder.joinpath("vis-network.css").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            raise VizError(f"pyvis does not ship vis-network {VIS_VERSION}. Fix: pip install 'pyvis==0.3.2'") from None
        _VIS_CACHE["vis"] = (js, css)
    return _VIS_CACHE["vis"]
