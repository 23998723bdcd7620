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
additionally excludes every intermediate node with a larger degree (successors plus predecessors,
each neighbour counted once per direction), for graphs whose hubs are not known by key. Among
paths of equal length, paths through less connected nodes come first: the ``cost`` of a path is
the sum, over its intermediate nodes, of log2(1 + that degree). Length (hops) always ranks first; cost only breaks ties, then node and
relation names, so the order is deterministic.

**Filters.** ``relations`` keeps only those relations; ``include_types`` / ``exclude_types``
restrict the types of intermediate nodes (the endpoints are what the user asked for and are
always allowed); ``context`` maps a qualifier (``cancer``, ``drug``, ...) to the set of values it
accepts: an edge passes when it carries no value for that qualifier or one of the accepted ones.
:func:`context_values` builds that set for "this cancer and all its subtypes".

**Search and caps.** A backward breadth-first search from the target (over node x sign states
when a sign is asked for) gives, for every node it reaches, a lower bound on the hops still
needed; a forward count of the partial paths from the source decides how far back that search
must go (each step extends the cheaper side). A depth-first search from the source then
enumerates paths of exactly L hops for L = 1, 2, ... up to ``max_hops``, cutting every branch
that cannot reach the target in time (or with the right sign), and ``k`` stops after the first
length at which k paths are known, so short answers never pay for long searches. At most
``limit`` paths, partial or complete, are enumerated per query; when the cap is hit the result
is marked ``truncated`` (hubs can make the number of simple paths explode).

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
    "narrower", "parents", "broader_ancestors", "context_values", "find_paths", "shortest_path",
    "k_shortest_paths", "simple_paths", "hop_statements", "load_broader",
]

#: Keys of generic entities that never serve as intermediate nodes (see the module docstring).
HUB_KEYS = frozenset({
    "cancer", "cancer-cell", "exosomes", "TEX", "engineered-exosomes", "chemotherapy", "drug",
    "chemoresistance", "human", "body-fluid",
})
#: ``signed=`` words and the path sign each asks for.
SIGNS = {"increases": 1, "decreases": -1}
#: Partial and complete paths enumerated per query before the result is cut short and marked truncated.
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


def parents(broader: Mapping, node) -> tuple:
    """The direct parents of ``node`` in a child -> parent(s) ``broader`` mapping.

    >>> parents({"LUAD": "NSCLC", "x": ["a", "b"]}, "LUAD"), parents({"x": ["a", "b"]}, "x"), parents({}, "y")
    (('NSCLC',), ('a', 'b'), ())
    """
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
        for parent in parents(broader, child):
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
    seen, todo = set(), list(parents(broader, node))
    while todo:
        parent = todo.pop()
        if parent not in seen and parent != node:
            seen.add(parent)
            todo.extend(parents(broader, parent))
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
def _load_broader(stamp: str) -> dict[str, tuple[str, ...]]:
    from .store import open_store, query_options

    result: dict[str, list[str]] = {}
    query = "SELECT ?c ?p WHERE { ?c <http://www.w3.org/2004/02/skos/core#broader> ?p }"
    store = open_store(stamp)
    for row in store.query(query, **query_options(store)):
        result.setdefault(row["c"].value, []).append(row["p"].value)
    return {c: tuple(sorted(p)) for c, p in result.items()}


def load_broader(source: Path | str | None = None) -> dict[str, tuple[str, ...]]:
    """The ``skos:broader`` links of the graph at ``source`` as child IRI -> parent IRIs (cached)."""
    from .store import store_stamp

    return _load_broader(store_stamp(source))


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
    """One query: filters compiled once, each node's edges scanned at most once per direction."""

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
        self.succ, self.pred, self.attrs = G._succ, G._pred, G._node
        self.want = SIGNS[signed] if signed else None
        self.undirected = undirected
        self.relations = frozenset(relations) if relations is not None else None
        self.last_relations = frozenset(last_relations) if last_relations is not None else self.relations
        self.include_types = frozenset(include_types) if include_types is not None else None
        self.exclude_types = frozenset(exclude_types or ())
        self.context = [(q, frozenset(v)) for q, v in (context or {}).items()]
        # default hubs are recognised by their key attribute, lazily (no pass over every node)
        self.hubs = None if hubs is None else frozenset(hubs)
        self.max_degree = max_degree
        self.limit = limit
        self.expanded = 0
        self.truncated = False
        self._ok: dict = {source: True}
        self._out: dict = {}
        self._in: dict = {}
        self._last: dict = {}
        self._mid: dict = {}
        self.targets_sorted = sorted(self.targets, key=_sort_key)
        self._within_cache: dict = {}
        self._log_degree: dict = {}
        self.dist: dict = {}
        self.horizon: float = 0
        self.back_levels = self.forward_levels = 0
        self._back = [(t, 1) for t in self.targets_sorted]
        self._layer = {source: 1}

    # -- filters
    def _node_ok(self, v) -> bool:
        """May ``v`` be on a path other than as its target? (The source always may.)"""
        attrs = self.attrs[v]
        if v in self.targets:
            ok = False
        elif self.hubs is None:
            key = attrs.get("key")
            ok = (key if key is not None else v) not in HUB_KEYS
        else:
            ok = v not in self.hubs
        if ok:
            kind = attrs.get("type")
            if self.include_types is not None and kind not in self.include_types:
                ok = False
            elif kind in self.exclude_types:
                ok = False
            elif self.max_degree is not None and len(self.succ[v]) + len(self.pred[v]) > self.max_degree:
                ok = False
        self._ok[v] = ok
        return ok

    def _edge_ok(self, d, allowed) -> bool:
        if allowed is not None and d.get("relation") not in allowed:
            return False
        if self.want is not None and not d.get("sign", 0):
            return False
        if self.context:
            ctx = d.get("context") or {}
            for qualifier, accepted in self.context:
                values = ctx.get(qualifier)
                if values and accepted.isdisjoint(values):
                    return False
        return True

    def _group(self, u, outgoing: bool) -> dict:
        """Hops leaving ``u`` (outgoing) or arriving at it, grouped by (neighbour, relation,
        reversed) -> [sign, keys]. A hop into a target is a last hop (``last_relations``); every
        other neighbour must be allowed on a path."""
        along, against = (self.succ, self.pred) if outgoing else (self.pred, self.succ)
        targets, ok, node_ok = self.targets, self._ok, self._node_ok
        head_is_target = not outgoing and u in targets
        groups: dict = {}
        for is_along, adjacency in ((True, along), (False, against)):
            for v, keydict in adjacency[u].items():
                if v == u:
                    continue
                final = v in targets if outgoing else head_is_target
                if not (outgoing and final):
                    good = ok.get(v)
                    if good is None:
                        good = node_ok(v)
                    if not good:
                        continue
                allowed = self.last_relations if final else self.relations
                for key, d in keydict.items():
                    if not is_along and not (self.undirected or d.get("symmetric")):
                        continue
                    if self._edge_ok(d, allowed):
                        group = (v, d.get("relation"), not is_along)
                        entry = groups.get(group)
                        if entry is None:
                            groups[group] = entry = [d.get("sign", 0), []]
                        entry[1].append(key)
        return groups

    def out_options(self, u) -> tuple[list, list]:
        """(middle hops, last hops) leaving ``u``: [(next node, relation, sign, reversed, keys)]."""
        found = self._out.get(u)
        if found is None:
            targets, source = self.targets, self.source
            middle, last = [], []
            for (v, rel, rev), (sign, keys) in self._group(u, True).items():
                if v in targets:
                    last.append((v, rel, sign, rev, keys))
                elif v != source:
                    middle.append((v, rel, sign, rev, keys))
            self._out[u] = found = (middle, last)
        return found

    def pair_options(self, u, v, final: bool) -> list:
        """The hops from ``u`` to the one node ``v`` (a target when ``final``), without scanning
        the rest of ``u``'s edges: [(v, relation, sign, reversed, keys)]."""
        if v == u:
            return []
        if not final:
            good = self._ok.get(v)
            if good is None:
                good = self._node_ok(v)
            if not good or v == self.source:
                return []
        allowed = self.last_relations if final else self.relations
        groups: dict = {}
        for is_along, adjacency in ((True, self.succ), (False, self.pred)):
            keydict = adjacency[u].get(v)
            if not keydict:
                continue
            for key, d in keydict.items():
                if not is_along and not (self.undirected or d.get("symmetric")):
                    continue
                if self._edge_ok(d, allowed):
                    group = (d.get("relation"), not is_along)
                    entry = groups.get(group)
                    if entry is None:
                        groups[group] = entry = [d.get("sign", 0), []]
                    entry[1].append(key)
        return [(v, rel, sign, rev, keys) for (rel, rev), (sign, keys) in groups.items()]

    def last_options(self, u) -> list:
        """The last hops from ``u`` into a target, looked up per target (targets are few)."""
        found = self._last.get(u)
        if found is None:
            if u in self._out:
                found = self._out[u][1]
            else:
                found = [hop for t in self.targets_sorted for hop in self.pair_options(u, t, True)]
            self._last[u] = found
        return found

    def middle_options(self, u, within: set | None, tag) -> list:
        """Middle hops from ``u``; when ``within`` (the nodes that can still reach the target in
        time; ``tag`` names that set for the cache) is smaller than ``u``'s neighbourhood, only
        those nodes are looked up instead of scanning every edge of ``u``."""
        if within is not None and u not in self._out and len(within) < len(self.succ[u]) + len(self.pred[u]):
            cached = self._mid.get((u, tag))
            if cached is None:
                cached = [hop for v in sorted(within, key=_sort_key) for hop in self.pair_options(u, v, False)]
                self._mid[(u, tag)] = cached
            return cached
        return self.out_options(u)[0]

    def in_options(self, v) -> list:
        """Where hops arriving at ``v`` come from (last hops when ``v`` is a target):
        [(previous node, sign)], the sign always 1 unless the query is signed."""
        found = self._in.get(v)
        if found is None:
            allowed = self.last_relations if v in self.targets else self.relations
            if self.want is None and allowed is None and not self.context:
                found = self._in_nodes(v)  # no edge filter: only the nodes matter
            else:
                signed = self.want is not None
                found = [(u, sign if signed else 1) for (u, _rel, _rev), (sign, _keys) in self._group(v, False).items()]
            self._in[v] = found
        return found

    def _in_nodes(self, v) -> list:
        ok, node_ok = self._ok, self._node_ok
        found = []
        for u in self.pred[v]:
            if u != v:
                good = ok.get(u)
                if good is None:
                    good = node_ok(u)
                if good:
                    found.append((u, 1))
        undirected = self.undirected
        for w, keydict in self.succ[v].items():
            if w != v:
                good = ok.get(w)
                if good is None:
                    good = node_ok(w)
                if not good:
                    continue
                if undirected:
                    found.append((w, 1))
                    continue
                for d in keydict.values():
                    if d.get("symmetric"):
                        found.append((w, 1))
                        break
        return found

    def _degree(self, n) -> int:
        return len(self.succ[n]) + len(self.pred[n])

    # -- bounds
    def extend(self, length: float) -> None:
        """Grow the bounds until a path of ``length`` hops can be searched (``math.inf``: the
        whole backward search). ``self.dist`` maps (node, needed sign) to a lower bound on the
        hops to a target, complete up to ``self.horizon`` (a missing state needs more hops;
        infinite when the backward search ran out of nodes). The sign is always 1 unless a
        signed query asks for one.

        Bidirectional: a backward breadth-first search from the targets and a forward count of
        the partial paths from the source together cover ``length`` levels. Each step extends
        whichever side is cheaper: the backward side costs the edges of its frontier, the
        forward side the edges of its frontier times the number of partial paths reaching each
        node (the depth-first search enumerates those paths unpruned, as the backward bounds do
        not reach that far). Bounds grow only as far as the current length needs, so a query
        whose paths are short never pays for the long ones."""
        dist = self.dist
        while self._back and self.back_levels + self.forward_levels < length:
            if length != math.inf and self._layer and self.forward_levels < length - 1:
                forward_cost = sum(count * self._degree(u) for u, count in self._layer.items())
                back_cost = sum(self._degree(v) for v, _ in self._back)
                if forward_cost < back_cost:
                    nxt: dict = {}
                    for u, count in self._layer.items():
                        for v, *_rest in self.out_options(u)[0]:
                            nxt[v] = nxt.get(v, 0) + count
                    self._layer = nxt
                    self.forward_levels += 1
                    continue
            self.back_levels += 1
            nxt_back = []
            for v, s in self._back:
                if v == self.source:
                    continue
                for u, sign in self.in_options(v):
                    state = (u, s * sign)
                    if state not in dist:
                        dist[state] = self.back_levels
                        nxt_back.append(state)
            self._back = nxt_back
        self.horizon = math.inf if not self._back else self.back_levels

    # -- enumeration
    def paths_of_length(self, length: int, dist: dict, horizon: float) -> list:
        """Every path of exactly ``length`` hops, unsorted (stops at the expansion limit).

        A branch is cut when the backward bounds show the target cannot be reached in the hops
        left; beyond the bounds' horizon nothing is known, so the branch is kept."""
        found: list = []
        want = self.want
        signed = want is not None
        within = self._within(dist, horizon)
        on_path = {self.source}
        nodes = [self.source]
        hops: list = []

        def dfs(u, depth, sign):
            remaining = length - depth
            if remaining == 1:
                for v, rel, s, rev, keys in self.last_options(u):
                    composed = sign * s
                    if signed and composed != want:
                        continue
                    self.expanded += 1
                    if self.limit is not None and self.expanded > self.limit:
                        self.truncated = True
                        return True
                    found.append((nodes + [v], hops + [(u, v, rel, s, rev, keys)], composed))
                return False
            candidates = within.get(remaining - 1, set()) if remaining - 1 <= horizon != math.inf else None
            for v, rel, s, rev, keys in self.middle_options(u, candidates, (horizon, remaining - 1)):
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

    def _within(self, dist: dict, horizon: float) -> dict:
        """For each r up to a finite horizon, the nodes that can reach a target within r hops."""
        if horizon not in self._within_cache:
            within: dict = {}
            if horizon != math.inf:
                by_level: dict = {}
                for (v, _s), d in dist.items():
                    by_level.setdefault(d, set()).add(v)
                running: set = set()
                for r in range(1, int(horizon) + 1):
                    running = running | by_level.get(r, set())
                    within[r] = running
            self._within_cache = {horizon: within}
        return self._within_cache[horizon]

    def cost(self, nodes) -> float:
        logs = self._log_degree
        total = 0.0
        for v in nodes[1:-1]:
            value = logs.get(v)
            if value is None:
                value = logs[v] = math.log2(1 + len(self.succ[v]) + len(self.pred[v]))
            total += value
        return round(total, 6)

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
        state = (self.source, self.want if self.want is not None else 1)
        if max_hops is None:
            self.extend(math.inf)
            # no simple path is longer than the number of nodes that can reach the target
            top = len({v for v, _ in self.dist}) + 1
        else:
            top = max_hops
        length = 1
        while length <= top:
            self.extend(length)
            bound = self.dist.get(state)
            if bound is None:
                if self.horizon == math.inf:
                    break  # the target cannot be reached at all
                if length <= self.horizon:
                    length = int(self.horizon) + 1  # not within the horizon: skip ahead
                    continue
            elif bound > length:
                length = bound
                continue
            found = self.paths_of_length(length, self.dist, self.horizon)
            result.extend(sorted((self.as_dict(*f) for f in found), key=self._order))
            if self.truncated or (k is not None and len(result) >= k):
                break
            length += 1
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
