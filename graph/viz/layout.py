"""Layout: where the nodes go, computed here without randomness, and how the page groups them.

:func:`compute_layout` places every entity (force-directed, numpy); :func:`group_layout` places
the groups of one grouping (type or cancer) and their members; :func:`layout_options` are the
vis-network options for a page of a given size. Positions are rounded to 0.1 px, so the same
view always gives the same page.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from .style import OTHER_TYPE, TYPE_STYLE, _node_style, _short, _type_label
from .views import View, VizError


LARGE_GRAPH = 500  # nodes: above this the page trims its layout work (see layout_options)
GRAVITY = 1.0  # pull to the centre in compute_layout
EDGE_PX = 140.0  # median length of a drawn statement, in pixels
GROUPINGS = ("type", "cancer", "none")  # what the page can collapse into one node per group
GROUP_AUTO_NODES = 150  # nodes: a larger, unfocused view opens grouped by type (see initial_grouping)
GROUP_MEMBER_PX = 62.0  # spacing of a group's entities around the group's place, in pixels
GROUP_GAP_PX = 40.0  # at least this much room between two groups' discs


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
