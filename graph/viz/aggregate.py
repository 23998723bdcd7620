"""The aggregated page: a view too large to draw entity by entity (AGGREGATE_NODES entities or
more), drawn as one node per group whose members are opened on demand.

A page of 100,000 entities cannot carry one record, one layout position and one tooltip per
entity and statement: the current page for a 0.5M-triple store weighed 32 MB and took minutes to
write, and vis-network cannot draw that many nodes interactively. Here instead:

- the page opens with one node per group (entity type, or cancer: see :func:`aggregate_payload`)
  and one edge per pair of groups with the number of statements per relation, computed here, so
  its first frame needs nothing else;
- every entity and statement is still in the file, as columns (lists of numbers into shared
  string tables, so a section title or a label used 10,000 times is written once), JSON
  compressed with zlib and base64-encoded; the page decompresses them with the browser's own
  ``DecompressionStream`` the first time the reader opens a group, searches or filters;
- an opened group draws its most connected members first, at most ``cap`` of them (``Show
  more`` adds as many again), on a spiral around the group's place, without a layout pass;
  statements between drawn entities are drawn with their evidence, the others are added up on
  the edges of the groups.

Nothing is fetched: the data is inside the page, as for every other page.
"""
from __future__ import annotations

import base64
import gc
import json
import math
import zlib
from collections import Counter, defaultdict

import networkx as nx

from .style import OTHER_RELATION_COLOUR, OTHER_TYPE, RELATION_COLOURS, TYPE_STYLE, _context_order, _node_style, \
    _short, _type_label

AGGREGATE_NODES = 5000  # entities: a view this large opens as the aggregated page
MEMBER_CAP = 200  # members an opened group draws at first (and adds with each "Show more")
NO_CANCER = "exokg:no-cancer"  # cancer grouping of the aggregated page: entities naming no cancer
SEVERAL_CANCERS = "exokg:several-cancers"  # ... and entities naming two cancers or more equally often


def aggregate_payload(G: nx.MultiDiGraph, nodes=None, edges=None, highlight=(), sources: dict | None = None) -> dict:
    """The data of an aggregated page for ``G`` (restricted to ``nodes`` and ``edges``, as for
    :func:`~graph.viz.views.graph_view`): legend, groups of both groupings with their places,
    the edges between groups, and the compressed entity and statement columns.

    Grouped by cancer, every entity joins a group: the cancer its statements name most often
    (as on the other pages), "no cancer named" or "several cancers" (a tie), since tens of
    thousands of entities on their own could not be drawn. ``sources`` maps a statement id to
    the name of the source it comes from (default: the review).
    """
    enabled = gc.isenabled()
    gc.disable()  # millions of small lists beside a large projection: collections would cost most of the time
    try:
        return _payload(G, nodes, edges, highlight, sources)
    finally:
        if enabled:
            gc.enable()


def _payload(G: nx.MultiDiGraph, nodes, edges, highlight, sources: dict | None) -> dict:
    from .views import cancer_groups

    ids = sorted(G.nodes) if nodes is None else sorted(set(nodes))
    index = {n: i for i, n in enumerate(ids)}
    if edges is None:
        edge_list = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in index and v in index]
    else:
        edge_list = [(u, v, k, G.edges[u, v, k]) for u, v, k in edges]
    edge_list.sort(key=lambda e: (e[0], e[1], str(e[2])))
    labels = dict(G.graph.get("labels", {}))
    labels.update({n: d.get("label") or _short(n) for n, d in G.nodes(data=True)})
    stated, cancer_labels = cancer_groups(G, ids, labels)
    meta: dict[str, dict] = {}
    for *_, d in edge_list:
        meta.setdefault(d.get("relation") or "related", d)
    rows = ((index[u], index[v], str(k), d.get("relation") or "related", d.get("assertion"), d.get("section"),
             d.get("section_title"), d.get("table_row"), d.get("references"), d.get("inferred_references"),
             d.get("summary"), (d.get("context") or {}).items(), d.get("evidence"), (sources or {}).get(str(k), "review"))
            for u, v, k, d in edge_list)
    source_names = sorted({(sources or {}).get(str(k), "review") for _, _, k, _ in edge_list}) or ["review"]
    entities = {"type": [G.nodes[n].get("type") or OTHER_TYPE for n in ids], "key": [G.nodes[n].get("key") for n in ids],
                "curie": [G.nodes[n].get("curie") for n in ids],
                "synonyms": [sorted(G.nodes[n].get("synonyms") or []) for n in ids],
                "degree": [G.degree(n) for n in ids], "stated": [stated.get(n, []) for n in ids]}
    return _assemble(ids, labels, entities, cancer_labels, rows, len(edge_list), meta, source_names, highlight)


def aggregate_columns(cols, broader: dict) -> dict:
    """The data of the aggregated page of the whole graph, from the columns read straight from the
    store (:func:`graph.viz.columns.read_columns`; ``broader``: the graph's ``skos:broader``
    links): the same payload, byte for byte, as :func:`aggregate_payload` on its projection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from .columns import cancer_counts

        ids = cols.ids
        degree = [0] * len(ids)
        for u in cols.src:
            degree[u] += 1
        for v in cols.dst:
            degree[v] += 1
        stated, cancer_labels = cancer_counts(cols, broader)
        labels = {n: cols.label[i] or _short(n) for i, n in enumerate(ids)}
        empty: list = []
        entities = {"type": [t or OTHER_TYPE for t in cols.type], "key": cols.key, "curie": cols.curie,
                    "synonyms": cols.synonyms, "degree": degree, "stated": [stated.get(i, empty) for i in range(len(ids))]}
        del stated
        relation_meta = {r: _ontology_relation(r) for r in set(cols.relation)}
        srcs = cols.sources or {}
        rows = zip(cols.src, cols.dst, cols.sid, cols.relation, cols.assertion, cols.section, cols.section_title,
                   cols.row, cols.refs, cols.inferred, cols.summary, cols.context, [None] * len(cols.sid),
                   [srcs.get(k, "review") for k in cols.sid])
        source_names = sorted({srcs.get(k, "review") for k in cols.sid}) or ["review"]
        return _assemble(ids, labels, entities, cancer_labels, rows, len(cols.sid), relation_meta, source_names, ())
    finally:
        if enabled:
            gc.enable()


def _ontology_relation(name: str) -> dict:
    from ..ontology import load_ontology

    r = load_ontology().relations[name]
    return {"relation_label": r.label, "sign": r.sign, "symmetric": r.symmetric}


def _assemble(ids: list[str], labels: dict, entities: dict, cancer_labels: dict, rows, n_edges: int, meta: dict,
              source_names: list[str], highlight) -> dict:
    """The payload from the entities (``entities``: columns type, key, curie, synonyms, degree,
    stated cancers) and the statement ``rows`` (sorted by subject, object and id), whichever way
    they were read."""
    from ..ontology import load_ontology

    ontology = load_ontology()
    hi = set(highlight)
    strings: dict[str, int] = {}

    def s(text) -> int:
        text = "" if text is None else str(text)
        if text not in strings:
            strings[text] = len(strings)
        return strings[text]

    # entities
    types = sorted(set(entities["type"]))
    type_index = {t: i for i, t in enumerate(types)}
    node_type = [type_index[t] for t in entities["type"]]
    stated = entities["stated"]
    cancer_key = []
    for counts in stated:
        if not counts:
            cancer_key.append(NO_CANCER)
        elif len(counts) == 1 or counts[0][1] > counts[1][1]:
            cancer_key.append(counts[0][0])
        else:
            cancer_key.append(SEVERAL_CANCERS)
    cancer_labels = dict(cancer_labels, **{NO_CANCER: "no cancer named", SEVERAL_CANCERS: "several cancers equally"})
    group_keys = {"type": [types[t] for t in node_type], "cancer": cancer_key}

    # statements
    relations = sorted(meta)
    rel_index = {r: i for i, r in enumerate(relations)}
    source_index = {name: i for i, name in enumerate(source_names)}
    columns: dict[str, list] = {name: [] for name in ("from", "to", "rel", "id", "assertion", "section", "row", "refs",
                                                      "inferred", "summary", "context", "source", "evidence")}
    for u, v, k, rel, assertion, section, title, row, refs, inferred, summary, context, evidence, source in rows:
        columns["from"].append(u)
        columns["to"].append(v)
        columns["rel"].append(rel_index[rel])
        columns["id"].append(k)
        columns["assertion"].append(s(_assertion_base(assertion, k)))
        columns["section"].append(s((section or "") + "\t" + (title or "")))
        columns["row"].append(row)
        columns["refs"].append(list(refs or []))
        columns["inferred"].append(list(inferred or []))
        columns["summary"].append(s(summary))
        columns["context"].append([[s(column), [s(labels.get(x, x) if isinstance(x, str) else x) for x in values]]
                                   for column, values in sorted(context, key=lambda kv: _context_order(kv[0]))])
        columns["source"].append(source_index[source])
        columns["evidence"].append([[s(name), s(value)] for name, value in evidence or []])

    groupings: dict[str, dict] = {}
    totals: dict[str, list] = {}
    ends = list(zip(columns["from"], columns["to"]))
    for grouping, keys in group_keys.items():
        sizes: Counter = Counter(key for i, key in enumerate(keys) if ids[i] not in hi)
        order = sorted(sizes)
        gindex = {key: g for g, key in enumerate(order)}
        member_group = [-1 if ids[i] in hi else gindex[key] for i, key in enumerate(keys)]
        pair_relations: dict[tuple[int, int], Counter] = defaultdict(Counter)
        for (a, b), r in zip(ends, columns["rel"]):
            ga, gb = member_group[a], member_group[b]
            ga, gb = (ga, gb) if ga >= 0 and gb >= 0 else (ga if ga >= 0 else -2 - a, gb if gb >= 0 else -2 - b)
            if ga != gb:
                pair_relations[(min(ga, gb), max(ga, gb))][r] += 1
        places = _group_places(order, sizes, pair_relations)
        entries = []
        for key in order:
            if grouping == "type":
                label = _type_label(key, ontology)
                colour, shape = TYPE_STYLE.get(key, TYPE_STYLE[OTHER_TYPE])
            else:
                label = cancer_labels.get(key) or _short(key)
                colour, shape = (("#bdbdbd", "star") if key in (NO_CANCER, SEVERAL_CANCERS) else TYPE_STYLE["CancerType"])
            entries.append({"key": key, "label": label[:1].upper() + label[1:], "count": sizes[key],
                            "color": colour, "shape": shape, "style": _node_style(colour, shape),
                            "x": places[key][0], "y": places[key][1]})
        groupings[grouping] = {"groups": entries, "member": member_group}
        totals[grouping] = [[a, b, sorted([r, n] for r, n in c.items())] for (a, b), c in sorted(pair_relations.items())]
    del ends

    node_columns = {
        "id": ids,
        "label": [labels[n] for n in ids],
        "type": node_type,
        "key": entities["key"],
        "curie": entities["curie"],
        "synonyms": entities["synonyms"],
        "degree": entities["degree"],
        "cancers": [[[s(cancer_labels.get(f) or _short(f)), c] for f, c in counts] for counts in stated],
        "group": {g: groupings[g].pop("member") for g in groupings},
    }
    columns["strings"] = list(strings)
    type_counts = Counter(node_type)
    rel_counts = Counter(columns["rel"])
    edges_block = pack(columns)
    del columns
    return {
        "aggregate": True,
        "cap": MEMBER_CAP,
        "types": [_type_entry(t, ontology, type_counts[i]) for i, t in enumerate(types)],
        "relations": [_relation_entry(r, meta[r], rel_counts[i]) for i, r in enumerate(relations)],
        "sources": source_names,
        "groupings": groupings,
        "totals": totals,
        "counts": [len(ids), n_edges],
        "pinned": [[i, labels[n], node_type[i]] for i, n in enumerate(ids) if n in hi],
        "blocks": {"nodes": pack(node_columns), "edges": edges_block},
    }


def pack(value) -> str:
    """``value`` as JSON, compressed with zlib (the page's ``DecompressionStream("deflate")``) and
    base64-encoded; deterministic (no time stamp in the zlib format)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def unpack(text: str):
    """The value :func:`pack` packed (for tests and tools)."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def _assertion_base(assertion, key: str) -> str:
    """The assertion IRI without the statement id at its end (shared by most statements), or the
    IRI itself; the page puts the id back."""
    if not isinstance(assertion, str) or not assertion.startswith(("http://", "https://")):
        return ""
    return assertion[: -len(key)] + "\u0000" if assertion.endswith(key) else assertion


def _type_entry(name: str, ontology, count: int) -> dict:
    colour, shape = TYPE_STYLE.get(name, TYPE_STYLE[OTHER_TYPE])
    return {"name": name, "label": _type_label(name, ontology), "color": colour, "shape": shape, "count": count,
            "style": _node_style(colour, shape)}


def _relation_entry(name: str, d, count: int) -> dict:
    from .style import ARROW_BY_SIGN, SIGN_WORDS

    sign = d.get("sign")
    return {"name": name, "label": d.get("relation_label") or name, "sign": sign, "count": count,
            "symmetric": bool(d.get("symmetric")), "color": RELATION_COLOURS.get(name, OTHER_RELATION_COLOUR),
            "arrow": None if d.get("symmetric") else ARROW_BY_SIGN.get(sign, "arrow"), "dashes": sign in (0, None),
            "signText": SIGN_WORDS.get(sign, "not an ExoKG relation")}


def _group_places(order: list[str], counts: Counter, pair_relations) -> dict[str, tuple[float, float]]:
    """Where each group stands: a small force layout of the groups (pulled together by the
    statements between them), then pushed apart until no two groups' discs overlap; a disc is as
    large as the group's first ``MEMBER_CAP`` members drawn on their spiral. Deterministic."""
    import numpy as np

    from .layout import _separate, _spring

    n = len(order)
    if n == 0:
        return {}
    weight: Counter = Counter()
    for (a, b), c in pair_relations.items():
        if a >= 0 and b >= 0:
            weight[(a, b)] += sum(c.values())
    pairs = sorted(weight)
    radius = np.array([SPIRAL_PX * math.sqrt(min(counts[k], MEMBER_CAP) + SPIRAL_START) for k in order])
    if n > SPREAD_GROUPS:  # pushing hundreds of groups apart costs seconds: a spiral, largest in the middle
        ranked = sorted(range(n), key=lambda g: (-counts[order[g]], order[g]))
        step = 2 * float(radius.max()) + 20
        return {order[g]: (round(step * math.sqrt(r) * math.cos(r * 2.399963), 1),
                           round(step * math.sqrt(r) * math.sin(r * 2.399963), 1)) for r, g in enumerate(ranked)}
    x, y = _spring(n, pairs, [-counts[k] for k in order], weights=[math.sqrt(weight[p]) for p in pairs])
    x, y = x.astype(np.float64), y.astype(np.float64)
    spread = max(float(np.hypot(x - x.mean(), y - y.mean()).max()), 1e-6)
    scale = 2 * float(radius.max()) / spread
    x, y = (x - x.mean()) * scale, (y - y.mean()) * scale
    _separate(x, y, radius, np.arange(n))
    x, y = x - x.mean(), y - y.mean()
    return {key: (round(float(x[g]), 1), round(float(y[g]), 1)) for g, key in enumerate(order)}


SPREAD_GROUPS = 150  # groups: more than this stand on a spiral instead of a layout
SPIRAL_PX = 34.0  # spacing of an opened group's members on their spiral (the page uses the same)
SPIRAL_START = 6  # the spiral starts this many steps out, leaving room for the group's own node
