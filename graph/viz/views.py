"""Views: what one page shows, as plain JSON-ready node and edge records.

:func:`graph_view` draws a projection-shaped MultiDiGraph (or part of it), :func:`subgraph_view`
and :func:`paths_view` a path or explanation result, :func:`construct_view` the triples of a
SPARQL CONSTRUCT result (:func:`run_construct` runs one). Records are sorted, so the same input
gives the same view.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..errors import ExoKGError, QueryError, VizError  # noqa: F401 (re-exported)
from ..ontology import load_ontology
from ..vocab import PREFIXES
from .style import OTHER_TYPE, _compact, _context_order, _short


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
_SYNONYM_PREDICATES = ("http://www.w3.org/2004/02/skos/core#altLabel",)
_KEY_PREDICATE = PREFIXES["exo"] + "curationKey"
_IDENTIFIER_PREDICATE = PREFIXES["dcterms"] + "identifier"


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
        from .page import notebook

        return notebook(self)._repr_html_()


def graph_view(G: nx.MultiDiGraph, nodes: Iterable[str] | None = None, edges: Iterable[tuple] | None = None,
               title: str = "ExoKG", description: str = "", highlight_nodes: Iterable[str] = (),
               highlight_edges: Iterable[tuple] = (), kind: str = "graph", sources: dict[str, str] | None = None) -> View:
    """A view of ``G`` (a projection-shaped MultiDiGraph) restricted to ``nodes`` and ``edges``.

    ``nodes`` None means every node; ``edges`` None means every edge among the kept nodes.
    Edges are ``(u, v, key)`` triples, or ``(u, v)`` pairs meaning every edge from u to v.
    Node size follows the node's degree in ``G``. Context values that are entity IRIs are shown
    by their label (looked up in ``G``, then in ``G.graph["labels"]`` when present).

    ``sources`` (statement id -> where it comes from, see :func:`graph.viz.sources.with_sources`)
    gives every edge its ``source``; the page then colours statements by source.

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
        if sources is not None:
            out_edges[-1]["source"] = sources.get(str(k), "review")
        if d.get("evidence"):  # an imported resource's own evidence (graph.viz.sources)
            out_edges[-1]["evidence"] = [list(pair) for pair in d["evidence"]]
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
    from ..explain import GENERIC_CANCER_KEYS

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
    from ..hierarchy import parents

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
    from ..hierarchy import load_broader

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


def paths_view(G: nx.MultiDiGraph, paths: Iterable[dict], title: str = "ExoKG paths", description: str = "") -> View:
    """The union of path-finding results (graph.paths dicts: ``nodes`` and ``hops`` with
    ``source``, ``target``, ``reversed`` and ``statements``) with their end entities drawn bold.
    Every statement behind a hop is drawn, so its evidence shows on hover."""
    edges: list[tuple]
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
    from ..entities import entity_index

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
    G: nx.MultiDiGraph = nx.MultiDiGraph()
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
    for edge_record in view.edges:
        edge_record["id"] = "triple:" + hashlib.sha1(f"{edge_record['from']}|{edge_record['predicate']}|{edge_record['to']}|{edge_record['id']}"
                                                .encode()).hexdigest()[:16]
    _dedupe_edge_ids(view.edges)
    return view


def run_construct(query: str, source: Path | str | None = None) -> list:
    """Run a SPARQL CONSTRUCT (or DESCRIBE) query on the graph at ``source``; the result triples.

    The query goes through :func:`graph.query.run_query`, so it meets the same policy (no update,
    no SERVICE: drawing a query never calls another host), limits and syntax errors as ``exokg query``.
    """
    from ..query import run_query

    result = run_query(query, source)
    if result.form != "GRAPH":
        raise QueryError("the query is not a CONSTRUCT or DESCRIBE query, so it has no graph to draw. "
                         "Fix: write CONSTRUCT { ... } WHERE { ... }")
    return result.triples


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
        "inferred_references": list(d.get("inferred_references") or []),
        "summary": d.get("summary"),
        "context": context,
        "highlight": highlight,
    }


def _edge_keys(G: nx.MultiDiGraph, node_set: set | None, edges) -> set[tuple]:
    if edges is None:
        assert node_set is not None  # every edge among the kept nodes
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
