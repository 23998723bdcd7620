"""Path-finding over the entity projection: shortest, k shortest and all simple paths, with
composed signs, relation / node-type / context filters and hub handling.

The functions take a :class:`networkx.MultiDiGraph` shaped like :func:`graph.projection.projection`
(edges carry ``relation``, ``sign`` and optionally ``symmetric`` and ``context``; nodes optionally
``key`` and ``type``) plus plain arguments, and return plain data: a path is a dict ::

    {"source", "target", "length", "sign", "cost",
     "nodes": [n0, n1, ...],
     "hops": [{"source", "target", "relation", "sign", "reversed", "statements": [edge keys]}]}

**One hop, one relation.** Parallel statements between the same two nodes with the same relation
(and direction) form one hop and are listed together in ``statements`` (they support it); two
different relations between the same nodes are two different hops, so two paths.

**Sign.** A path's sign is the product of its hops' relation signs; one hop of sign 0 makes the
whole path unsigned (0). ``signed="increases"`` keeps paths of sign +1, ``"decreases"`` of -1.

**Direction.** Edges are followed from subject to object. Edges whose ``symmetric`` attribute is
true may also be followed backwards; ``undirected=True`` follows every edge both ways (a reversed
hop keeps its relation's sign and is marked ``"reversed": True``).

**Hubs.** Generic entities (``cancer``, ``exosomes``, ``chemotherapy``, ``drug``, ``cancer-cell``
... see :data:`HUB_KEYS`) are linked to almost everything, so a path through them says nothing
("miR-A is detected in cancer, and so is miR-B"). They are *excluded as intermediate nodes*
(they may still be the source or the target); ``hubs=()`` lifts the exclusion. ``max_degree``
additionally excludes every intermediate node with more distinct neighbours than that, for graphs
whose hubs are not known by key. Among paths of equal length, paths through less connected nodes
come first: the ``cost`` of a path is the sum, over its intermediate nodes, of log2(1 + number of
distinct neighbours). Length (hops) always ranks first; cost only breaks ties, then node and
relation names, so the order is deterministic.

**Filters.** ``relations`` keeps only those relations; ``include_types`` / ``exclude_types``
restrict the types of intermediate nodes (the endpoints are what the user asked for and are
always allowed); ``context`` maps a qualifier (``cancer``, ``drug``, ...) to the set of values it
accepts: an edge passes when it carries no value for that qualifier or one of the accepted ones.
:func:`context_values` builds that set for "this cancer and all its subtypes".

**Search and caps.** A backward breadth-first search from the target (over node x sign states
when a sign is asked for) gives, for every node, a lower bound on the hops still needed; a
depth-first search from the source then enumerates paths of exactly L hops for L = shortest,
shortest + 1, ... up to ``max_hops``, skipping every branch that cannot reach the target in time
(or with the right sign). ``k`` stops after the first length at which k paths are known. At most
``limit`` partial paths are expanded per query; when the cap is hit the result is marked
``truncated`` (hubs can make the number of simple paths explode).

>>> G = nx.MultiDiGraph()
>>> G.add_edge("miR", "GENE", key="s1", relation="targets", sign=-1)
's1'
>>> G.add_edge("GENE", "ferroptosis", key="s2", relation="promotes", sign=1)
's2'
>>> G.add_edge("ferroptosis", "drug", key="s3", relation="reversesResistanceTo", sign=-1)
's3'
>>> G.add_edge("miR", "drug", key="s4", relation="associatedWith", sign=0)
's4'
>>> [(p["nodes"], p["sign"]) for p in k_shortest_paths(G, "miR", "drug", k=2)]
[(['miR', 'drug'], 0), (['miR', 'GENE', 'ferroptosis', 'drug'], 1)]
>>> shortest_path(G, "miR", "drug", signed="increases")["nodes"]
['miR', 'GENE', 'ferroptosis', 'drug']
"""
from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import networkx as nx

from .errors import ExoKGError

__all__ = [
    "HUB_KEYS", "SIGNS", "PathError", "NoPathError", "PathList", "compose_sign", "default_hubs",
    "narrower", "broader_ancestors", "context_values", "find_paths", "shortest_path",
    "k_shortest_paths", "simple_paths", "hop_statements", "load_broader",
]

#: Keys of generic entities that never serve as intermediate nodes (see the module docstring).
HUB_KEYS = frozenset({
    "cancer", "cancer-cell", "exosomes", "TEX", "engineered-exosomes", "chemotherapy", "drug",
    "chemoresistance", "human", "body-fluid",
})
#: ``signed=`` words and the path sign each asks for.
SIGNS = {"increases": 1, "decreases": -1}
#: Partial paths expanded per query before the result is cut short and marked truncated.
DEFAULT_LIMIT = 200_000


class PathError(ExoKGError):
    """A path query is malformed (unknown node, bad argument)."""


class NoPathError(PathError):
    """No path satisfies the query."""


class PathList(list):
    """A list of path dicts with two attributes: ``truncated`` (the enumeration cap was hit, so
    longer or further paths may exist) and ``shortest`` (hops of the shortest path satisfying the
    query, ``None`` when there is none within ``max_hops``)."""

    truncated: bool = False
    shortest: int | None = None


def compose_sign(signs: Iterable[int]) -> int:
    """The product of relation signs; any 0 makes the whole path 0 (unsigned).

    >>> compose_sign([-1, 1, -1]), compose_sign([-1, 1]), compose_sign([1, 0, -1]), compose_sign([])
    (1, -1, 0, 1)
    """
    result = 1
    for s in signs:
        if s == 0:
            return 0
        result *= 1 if s > 0 else -1
    return result


def default_hubs(G: nx.MultiDiGraph, keys: Collection[str] = HUB_KEYS) -> frozenset:
    """Nodes whose ``key`` attribute (or, lacking one, the node itself) is one of ``keys``.

    >>> G = nx.MultiDiGraph(); G.add_node("e/cancer", key="cancer"); G.add_node("e/miR-21", key="miR-21")
    >>> sorted(default_hubs(G))
    ['e/cancer']
    """
    keys = set(keys)
    return frozenset(n for n, k in G.nodes(data="key") if (k if k is not None else n) in keys)


def _parents(broader: Mapping, node) -> tuple:
    value = broader.get(node)
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def narrower(broader: Mapping[Hashable, Hashable | Iterable[Hashable]], node: Hashable) -> set:
    """``node`` and everything below it, given a child -> parent(s) ``broader`` mapping.

    >>> sorted(narrower({"NSCLC": "lung-cancer", "LUAD": "NSCLC", "GC": "cancer"}, "lung-cancer"))
    ['LUAD', 'NSCLC', 'lung-cancer']
    """
    children: dict = {}
    for child in broader:
        for parent in _parents(broader, child):
            children.setdefault(parent, []).append(child)
    seen, todo = {node}, [node]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def broader_ancestors(broader: Mapping, node: Hashable) -> set:
    """Everything above ``node`` (not ``node`` itself).

    >>> sorted(broader_ancestors({"NSCLC": "lung-cancer", "lung-cancer": "cancer"}, "NSCLC"))
    ['cancer', 'lung-cancer']
    """
    seen, todo = set(), list(_parents(broader, node))
    while todo:
        parent = todo.pop()
        if parent not in seen and parent != node:
            seen.add(parent)
            todo.extend(_parents(broader, parent))
    return seen


def context_values(broader: Mapping, node: Hashable, generic: Collection = ()) -> frozenset:
    """The context values a filter on ``node`` accepts: ``node``, its subtypes (via ``broader``)
    and the ``generic`` values, which mean "not specified" (a statement about ``cancer`` in
    general, or ``chemotherapy`` with no drug named, is kept like one without context).

    >>> sorted(context_values({"NSCLC": "lung-cancer", "lung-cancer": "cancer"}, "lung-cancer", {"cancer"}))
    ['NSCLC', 'cancer', 'lung-cancer']
    """
    return frozenset(narrower(broader, node) | set(generic))


@lru_cache(maxsize=4)
def _load_broader(stamp: tuple[str, int, int]) -> dict[str, tuple[str, ...]]:
    from .store import open_store

    result: dict[str, list[str]] = {}
    query = "SELECT ?c ?p WHERE { ?c <http://www.w3.org/2004/02/skos/core#broader> ?p }"
    for row in open_store(stamp[0]).query(query):
        result.setdefault(row["c"].value, []).append(row["p"].value)
    return {c: tuple(sorted(p)) for c, p in result.items()}


def load_broader(source: Path | str | None = None) -> dict[str, tuple[str, ...]]:
    """The ``skos:broader`` links of the graph at ``source`` as child IRI -> parent IRIs (cached)."""
    from .store import _stamp, graph_file

    return _load_broader(_stamp(graph_file(source)))


def hop_statements(G: nx.MultiDiGraph, hop: Mapping) -> list[dict]:
    """The edge attribute dicts behind one hop of a path, each with its ``key`` added.

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b", key="s1", relation="activates", sign=1)
    >>> p = shortest_path(G, "a", "b")
    >>> [(d["key"], d["relation"]) for d in hop_statements(G, p["hops"][0])]
    [('s1', 'activates')]
    """
    u, v = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
    edges = G[u][v]
    return [dict(edges[key], key=key) for key in hop["statements"]]


# ---------------------------------------------------------------- the search

def _check_node(G, node, role):
    try:
        present = node in G
    except TypeError:
        present = False
    if not present:
        raise PathError(f"{role} {node!r} is not a node of the graph. Fix: give an entity of the graph")


def _sort_key(value):
    return str(value)


class _Search:
    """One query: filters compiled once, hop options cached per node."""

    def __init__(self, G, source, targets, *, relations, last_relations, include_types, exclude_types,
                 context, signed, undirected, hubs, max_degree, limit):
        if not isinstance(G, nx.MultiDiGraph):
            raise PathError("path-finding needs a networkx MultiDiGraph (as graph.projection builds)")
        _check_node(G, source, "source")
        for t in targets:
            _check_node(G, t, "target")
        if source in targets:
            raise PathError("source and target are the same entity. Fix: give two different entities")
        if signed is not None and signed not in SIGNS:
            raise PathError(f"signed must be one of {', '.join(SIGNS)}, not {signed!r}")
        if limit is not None and limit < 1:
            raise PathError("limit must be at least 1")
        self.G, self.source, self.targets = G, source, frozenset(targets)
        self.succ, self.pred = G._succ, G._pred
        self.want = SIGNS[signed] if signed else None
        self.undirected = undirected
        self.relations = frozenset(relations) if relations is not None else None
        self.last_relations = frozenset(last_relations) if last_relations is not None else self.relations
        self.include_types = frozenset(include_types) if include_types is not None else None
        self.exclude_types = frozenset(exclude_types or ())
        self.context = {q: frozenset(v) for q, v in (context or {}).items()}
        # default hubs are recognised by their key attribute, lazily (no pass over every node)
        self.hubs = None if hubs is None else frozenset(hubs)
        self.max_degree = max_degree
        self.limit = limit
        self.expanded = 0
        self.truncated = False
        self._node_ok: dict = {}
        self._out: dict = {}
        self._in: dict = {}

    # -- filters
    def _edge_ok(self, d, allowed) -> bool:
        if allowed is not None and d.get("relation") not in allowed:
            return False
        if self.want is not None and not d.get("sign", 0):
            return False
        if self.context:
            ctx = d.get("context") or {}
            for qualifier, accepted in self.context.items():
                values = ctx.get(qualifier)
                if values and accepted.isdisjoint(values):
                    return False
        return True

    def node_ok(self, v) -> bool:
        """May ``v`` be an intermediate node?"""
        ok = self._node_ok.get(v)
        if ok is None:
            attrs = self.G.nodes[v]
            if self.hubs is None:
                key = attrs.get("key")
                ok = (key if key is not None else v) not in HUB_KEYS
            else:
                ok = v not in self.hubs
            ok = ok and v not in self.targets
            if ok:
                kind = attrs.get("type")
                if self.include_types is not None and kind not in self.include_types:
                    ok = False
                elif kind in self.exclude_types:
                    ok = False
                elif self.max_degree is not None and len(self.succ[v]) + len(self.pred[v]) > self.max_degree:
                    ok = False
            self._node_ok[v] = ok
        return ok

    def _options(self, u, outgoing: bool, final: bool) -> list:
        """Hops leaving ``u`` (outgoing) or arriving at ``u`` (not outgoing), grouped by
        neighbour, relation and direction: [(neighbour, relation, sign, reversed, keys)]."""
        allowed = self.last_relations if final else self.relations
        along, against = (self.succ, self.pred) if outgoing else (self.pred, self.succ)
        groups: dict = {}
        for v, keydict in along[u].items():
            if v == u:
                continue
            for key, d in keydict.items():
                if self._edge_ok(d, allowed):
                    entry = groups.get((v, d.get("relation"), False))
                    if entry is None:
                        groups[(v, d.get("relation"), False)] = entry = [d.get("sign", 0), []]
                    entry[1].append(key)
        for v, keydict in against[u].items():
            if v == u:
                continue
            for key, d in keydict.items():
                if (self.undirected or d.get("symmetric")) and self._edge_ok(d, allowed):
                    entry = groups.get((v, d.get("relation"), True))
                    if entry is None:
                        groups[(v, d.get("relation"), True)] = entry = [d.get("sign", 0), []]
                    entry[1].append(key)
        return [(v, rel, sign, rev, keys) for (v, rel, rev), (sign, keys) in groups.items()]

    def out_options(self, u, final: bool) -> list:
        cache_key = (u, final)
        found = self._out.get(cache_key)
        if found is None:
            found = []
            for v, rel, sign, rev, keys in self._options(u, True, final):
                if final:
                    if v in self.targets:
                        found.append((v, rel, sign, rev, keys))
                elif v != self.source and self.node_ok(v):
                    found.append((v, rel, sign, rev, keys))
            self._out[cache_key] = found
        return found

    def in_options(self, v, final: bool) -> list:
        """Hops arriving at ``v`` whose tail may start or continue a path."""
        found = []
        for u, rel, sign, rev, keys in self._options(v, False, final):
            if u == self.source or self.node_ok(u):
                found.append((u, rel, sign, rev, keys))
        return found

    # -- backward bounds
    def distances(self, bound: int | None) -> tuple[dict, float]:
        """Lower bounds on the hops from (node, needed sign) to a target, searched backwards up to
        ``bound`` hops; the sign is always 1 unless a signed query asks for one. Returns the
        bounds and the horizon up to which they are complete: a state missing from the bounds
        needs more hops than the horizon (infinite when the search ran out of nodes)."""
        signed = self.want is not None
        dist: dict = {}
        frontier = []
        for t in sorted(self.targets, key=_sort_key):
            for u, _rel, sign, _rev, _keys in self.in_options(t, final=True):
                state = (u, sign if signed else 1)
                if state not in dist:
                    dist[state] = 1
                    frontier.append(state)
        level = 1
        while frontier and (bound is None or level < bound):
            level += 1
            nxt = []
            for v, s in frontier:
                if v == self.source:
                    continue
                for u, _rel, sign, _rev, _keys in self.in_options(v, final=False):
                    state = (u, s * sign if signed else 1)
                    if state not in dist:
                        dist[state] = level
                        nxt.append(state)
            frontier = nxt
        return dist, (math.inf if not frontier else level)

    # -- enumeration
    def paths_of_length(self, length: int, dist: dict, horizon: float) -> list:
        """Every path of exactly ``length`` hops, unsorted (stops at the expansion limit).

        A branch is cut when the backward bounds show the target cannot be reached in the hops
        left; beyond the bounds' horizon nothing is known, so the branch is kept (meet in the
        middle: the backward search covers the last half of the path, the depth-first search
        the first)."""
        found: list = []
        want = self.want
        signed = want is not None
        on_path = {self.source}
        nodes = [self.source]
        hops: list = []

        def dfs(u, depth, sign):
            remaining = length - depth
            if remaining == 1:
                for v, rel, s, rev, keys in self.out_options(u, final=True):
                    composed = sign * s
                    if signed and composed != want:
                        continue
                    found.append((nodes + [v], hops + [(u, v, rel, s, rev, keys)], composed))
                return False
            for v, rel, s, rev, keys in self.out_options(u, final=False):
                if v in on_path:
                    continue
                composed = sign * s
                need = want * composed if signed else 1
                if signed and composed == 0:
                    continue
                d = dist.get((v, need))
                if d is None:
                    if remaining - 1 <= horizon:
                        continue
                elif d > remaining - 1:
                    continue
                self.expanded += 1
                if self.limit is not None and self.expanded > self.limit:
                    self.truncated = True
                    return True
                on_path.add(v)
                nodes.append(v)
                hops.append((u, v, rel, s, rev, keys))
                stop = dfs(v, depth + 1, composed)
                hops.pop()
                nodes.pop()
                on_path.discard(v)
                if stop:
                    return True
            return False

        dfs(self.source, 0, 1)
        return found

    def cost(self, nodes) -> float:
        return round(sum(math.log2(1 + len(self.succ[v]) + len(self.pred[v])) for v in nodes[1:-1]), 6)

    def as_dict(self, nodes, hops, sign) -> dict:
        return {
            "source": nodes[0], "target": nodes[-1], "length": len(hops), "sign": sign,
            "cost": self.cost(nodes), "nodes": list(nodes),
            "hops": [{"source": u, "target": v, "relation": rel, "sign": s, "reversed": rev,
                      "statements": sorted(keys, key=_sort_key)} for u, v, rel, s, rev, keys in hops],
        }

    def _order(self, path: dict):
        return (path["cost"], tuple(_sort_key(n) for n in path["nodes"]),
                tuple((h["relation"], h["reversed"]) for h in path["hops"]))

    def run(self, k: int | None, max_hops: int | None) -> PathList:
        result = PathList()
        # search backwards over the last half of the longest path allowed (all of it if unbounded)
        bound = None if max_hops is None else (max_hops + 1) // 2
        dist, horizon = self.distances(bound)
        start = dist.get((self.source, self.want if self.want is not None else 1))
        if start is None:
            if horizon == math.inf:
                return result  # the target cannot be reached at all
            start = horizon + 1
        if max_hops is None:
            # unbounded: no simple path is longer than the number of nodes that can reach the target
            top = len({v for v, _ in dist}) + 1
        else:
            top = max_hops
        for length in range(start, top + 1):
            found = self.paths_of_length(length, dist, horizon)
            batch = sorted((self.as_dict(*f) for f in found), key=self._order)
            result.extend(batch)
            if self.truncated or (k is not None and len(result) >= k):
                break
        if k is not None and len(result) > k:
            del result[k:]
        result.truncated = self.truncated
        result.shortest = result[0]["length"] if result else None
        return result


def _targets(target) -> frozenset:
    """A set or list names several targets; anything else (a string, a tuple) is one node."""
    if isinstance(target, (set, frozenset, list)):
        if not target:
            raise PathError("no target given")
        return frozenset(target)
    return frozenset([target])


def find_paths(G: nx.MultiDiGraph, source, target, *, k: int | None = None, max_hops: int | None = None,
               relations: Collection[str] | None = None, last_relations: Collection[str] | None = None,
               include_types: Collection[str] | None = None, exclude_types: Collection[str] | None = None,
               context: Mapping[str, Collection] | None = None, signed: str | None = None,
               undirected: bool = False, hubs: Collection | None = None, max_degree: int | None = None,
               limit: int | None = DEFAULT_LIMIT) -> PathList:
    """Simple paths from ``source`` to ``target``, shortest first (see the module docstring).

    ``target`` is a node, or a set of nodes (the path ends at the first one it reaches).
    ``k=None`` returns every path up to ``max_hops``; ``max_hops=None`` means no bound other than
    ``limit``. ``last_relations`` restricts the relation of the final hop (default: ``relations``).
    An empty result is not an error here (see :func:`shortest_path`); its ``shortest`` attribute
    is ``None`` when no path exists within ``max_hops``.

    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "d")]:
    ...     _ = G.add_edge(u, v, relation="activates", sign=1)
    >>> [p["nodes"] for p in find_paths(G, "a", "d", max_hops=2)]
    [['a', 'd'], ['a', 'b', 'd'], ['a', 'c', 'd']]
    >>> [p["nodes"] for p in find_paths(G, "a", "d", max_hops=2, hubs={"b"})]
    [['a', 'd'], ['a', 'c', 'd']]
    """
    if k is not None and k < 1:
        raise PathError("k must be at least 1")
    if max_hops is not None and max_hops < 1:
        raise PathError("max_hops must be at least 1")
    search = _Search(G, source, _targets(target), relations=relations, last_relations=last_relations,
                     include_types=include_types, exclude_types=exclude_types, context=context, signed=signed,
                     undirected=undirected, hubs=hubs, max_degree=max_degree, limit=limit)
    return search.run(k, max_hops)


def k_shortest_paths(G: nx.MultiDiGraph, source, target, k: int = 5, **filters) -> PathList:
    """The ``k`` shortest simple paths (fewer if there are not that many); filters as :func:`find_paths`.

    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")]:
    ...     _ = G.add_edge(u, v, relation="activates", sign=1)
    >>> [p["length"] for p in k_shortest_paths(G, "a", "d", k=5)]
    [2, 3]
    """
    return find_paths(G, source, target, k=k, **filters)


def simple_paths(G: nx.MultiDiGraph, source, target, max_hops: int = 4, **filters) -> PathList:
    """Every simple path of at most ``max_hops`` hops, shortest first (capped by ``limit``).

    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")]:
    ...     _ = G.add_edge(u, v, relation="activates", sign=1)
    >>> [p["nodes"] for p in simple_paths(G, "a", "d", max_hops=2)]
    [['a', 'c', 'd']]
    """
    return find_paths(G, source, target, k=None, max_hops=max_hops, **filters)


def shortest_path(G: nx.MultiDiGraph, source, target, **filters) -> dict:
    """The shortest path; raises :class:`NoPathError` when there is none (filters as :func:`find_paths`).

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b", relation="inhibits", sign=-1); G.add_node("z")
    >>> shortest_path(G, "a", "b")["sign"]
    -1
    >>> shortest_path(G, "a", "z")
    Traceback (most recent call last):
    ...
    graph.paths.NoPathError: no path from 'a' to 'z'
    """
    found = find_paths(G, source, target, k=1, **filters)
    if not found:
        hops = filters.get("max_hops")
        within = f" within {hops} hops" if hops is not None else ""
        cut = " (search cut short at the enumeration limit)" if found.truncated else ""
        raise NoPathError(f"no path from {source!r} to {target!r}{within}{cut}")
    return found[0]
