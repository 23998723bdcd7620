"""Path-finding over the entity projection: shortest, k shortest and all simple paths, with
composed signs, relation / node-type / context filters and hub handling.

The functions take a :class:`networkx.MultiDiGraph` shaped like :func:`graph.projection.projection`
(edges carry ``relation``, ``sign`` and optionally ``symmetric`` and ``context``; nodes optionally
``key`` and ``type``), or the on-disk path index of :func:`graph.pathgraph.path_graph` that the
commands search (read per visited node), plus plain arguments, and return plain data: a path is a dict ::

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

>>> import networkx as nx
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
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from .errors import ExoKGError, NoPathError, PathError  # noqa: F401 (re-exported)
# the hierarchy helpers lived here before graph.hierarchy; kept importable from graph.paths
from .hierarchy import broader_ancestors, context_values, load_broader, narrower, parents
from .hops import BudgetExhausted, Hops, _sort_key

if TYPE_CHECKING:
    from typing import Union

    import networkx as nx

    from .pathgraph import PathGraph

    #: What the search takes: the networkx projection, or the path index (graph.pathgraph).
    GraphLike = Union[nx.MultiDiGraph, PathGraph]

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


class PathList(list):
    """A list of path dicts with attributes ``truncated`` (the enumeration cap was hit, so
    longer or further paths may exist), ``shortest`` (hops of the shortest path satisfying the
    query, ``None`` when there is none within ``max_hops``), ``budget_cut`` (the edge budget ran
    out, so the paths of ``cut_length`` hops may be incomplete and longer ones were not searched)
    and ``spent`` (edges read, counted only under a budget)."""

    truncated: bool = False
    shortest: int | None = None
    budget_cut: bool = False
    cut_length: int | None = None
    cut_match: str | None = None  # graph.explain: which of its searches ("drug" or "umbrella") the budget cut
    spent: int = 0


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


def default_hubs(G: GraphLike, keys: Collection[str] = HUB_KEYS) -> frozenset:
    """Nodes whose ``key`` attribute (or, lacking one, the node itself) is one of ``keys``.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(); G.add_node("e/cancer", key="cancer"); G.add_node("e/miR-21", key="miR-21")
    >>> sorted(default_hubs(G))
    ['e/cancer']
    """
    keys = set(keys)
    if hasattr(G, "nodes_with_keys"):  # the path index (graph.pathgraph) looks keys up
        return frozenset(G.nodes_with_keys(keys))
    return frozenset(n for n, k in G.nodes(data="key") if (k if k is not None else n) in keys)


def hop_statements(G: GraphLike, hop: Mapping) -> list[dict]:
    """The edge attribute dicts behind one hop of a path, each with its ``key`` added.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b", key="s1", relation="activates", sign=1)
    >>> p = shortest_path(G, "a", "b")
    >>> [(d["key"], d["relation"]) for d in hop_statements(G, p["hops"][0])]
    [('s1', 'activates')]
    """
    if hasattr(G, "statement"):  # the path index (graph.pathgraph) reads the full attributes per statement
        return [dict(G.statement(key), key=key) for key in hop["statements"]]
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


class _Search(Hops):
    """One query: filters compiled once (:class:`graph.hops.Hops`), each node's edges scanned at
    most once per direction."""

    def __init__(self, G, source, targets, *, relations, last_relations, include_types, exclude_types,
                 context, signed, undirected, hubs, max_degree, limit, avoid=(), last_hop=None, budget=None):
        if not (hasattr(G, "_succ") and hasattr(G, "_pred") and getattr(G, "is_multigraph", bool)()
                and G.is_directed()):
            raise PathError("path-finding needs a networkx MultiDiGraph (as graph.projection builds) "
                            "or a path index (graph.pathgraph.path_graph)")
        _check_node(G, source, "source")
        for t in targets:
            _check_node(G, t, "target")
        if source in targets:
            raise PathError("source and target are the same entity. Fix: give two different entities")
        if signed is not None and signed not in SIGNS:
            raise PathError(f"signed must be one of {', '.join(SIGNS)}, not {signed!r}")
        if limit is not None and limit < 1:
            raise PathError("limit must be at least 1")
        super().__init__(G, source, targets, relations=relations, last_relations=last_relations,
                         include_types=include_types, exclude_types=exclude_types, context=context,
                         want=SIGNS[signed] if signed else None, undirected=undirected, hubs=hubs,
                         hub_keys=HUB_KEYS, max_degree=max_degree, avoid=avoid, last_ok=last_hop, budget=budget)
        self.limit = limit
        self.budget_cut = False
        self._count = getattr(G, "neighbour_count", None)  # the path index counts a node's neighbours without reading them
        self.expanded = 0
        self.truncated = False
        self._within_cache: dict = {}
        self._log_degree: dict = {}
        self.dist: dict = {}
        self.horizon: float = 0
        self.back_levels = self.forward_levels = 0
        self._back = [(t, 1) for t in self.targets_sorted]
        self._layer = {source: 1}

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
                for u, sign in self.back_options(v):
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

        try:
            dfs(self.source, 0, 1)
        except BudgetExhausted:
            self.budget_cut = True
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
                count = self._count(v) if self._count is not None else len(self.succ[v]) + len(self.pred[v])
                value = logs[v] = math.log2(1 + count)
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

    def run(self, k: int | None, max_hops: int | None, stop=None) -> PathList:
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
            try:
                self.extend(length)
            except BudgetExhausted:
                self.budget_cut = True
                result.cut_length = length
                break
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
            if self.budget_cut:
                result.cut_length = length
                break
            if self.truncated or (k is not None and len(result) >= k):
                break
            if stop is not None:
                verdict = stop(result)
                if verdict is True:
                    break
                if callable(verdict):
                    self.narrow_last_hops(verdict)
            length += 1
        if k is not None and len(result) > k:
            del result[k:]
        result.truncated = self.truncated
        result.budget_cut, result.spent = self.budget_cut, self.spent
        result.shortest = result[0]["length"] if result else None
        return result


def _targets(target) -> frozenset:
    """A set or list names several targets; anything else (a string, a tuple) is one node."""
    if isinstance(target, (set, frozenset, list)):
        if not target:
            raise PathError("no target given")
        return frozenset(target)
    return frozenset([target])


def find_paths(G: GraphLike, source, target, *, k: int | None = None, max_hops: int | None = None,
               relations: Collection[str] | None = None, last_relations: Collection[str] | None = None,
               include_types: Collection[str] | None = None, exclude_types: Collection[str] | None = None,
               context: Mapping[str, Collection] | None = None, signed: str | None = None,
               undirected: bool = False, hubs: Collection | None = None, max_degree: int | None = None,
               limit: int | None = DEFAULT_LIMIT, stop: Callable[[list], object] | None = None,
               avoid: Collection = (), last_hop: Callable[[object, dict], bool] | None = None,
               budget: int | None = None) -> PathList:
    """Simple paths from ``source`` to ``target``, shortest first (see the module docstring).

    ``target`` is a node, or a set of nodes (the path ends at the first one it reaches).
    ``k=None`` returns every path up to ``max_hops``; ``max_hops=None`` means no bound other than
    ``limit``. ``last_relations`` restricts the relation of the final hop (default: ``relations``).
    An empty result is not an error here (see :func:`shortest_path`); its ``shortest`` attribute
    is ``None`` when no path exists within ``max_hops``. ``stop``, when given, is called with the
    paths found so far each time every path of one length is known: ``True`` ends the search
    there; a function ``(target, edge attributes) -> bool`` keeps searching longer paths, but
    only those whose last hop has a statement it accepts (:func:`graph.explain.explain` uses both
    once longer chains, or longer chains into an umbrella drug, cannot rank); ``last_hop`` is
    such a function from the start. ``avoid``: nodes never inside a path. ``budget``: the edges
    the search may read (see :mod:`graph.hops`); when it runs out the search stops with the paths
    it has, and the result's ``budget_cut`` says so (``spent``: the edges read).

    >>> import networkx as nx
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
                     undirected=undirected, hubs=hubs, max_degree=max_degree, limit=limit, avoid=avoid,
                     last_hop=last_hop, budget=budget)
    return search.run(k, max_hops, stop)


def k_shortest_paths(G: GraphLike, source, target, k: int = 5, **filters) -> PathList:
    """The ``k`` shortest simple paths (fewer if there are not that many); filters as :func:`find_paths`.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")]:
    ...     _ = G.add_edge(u, v, relation="activates", sign=1)
    >>> [p["length"] for p in k_shortest_paths(G, "a", "d", k=5)]
    [2, 3]
    """
    return find_paths(G, source, target, k=k, **filters)


def simple_paths(G: GraphLike, source, target, max_hops: int = 4, **filters) -> PathList:
    """Every simple path of at most ``max_hops`` hops, shortest first (capped by ``limit``).

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")]:
    ...     _ = G.add_edge(u, v, relation="activates", sign=1)
    >>> [p["nodes"] for p in simple_paths(G, "a", "d", max_hops=2)]
    [['a', 'c', 'd']]
    """
    return find_paths(G, source, target, k=None, max_hops=max_hops, **filters)


def shortest_path(G: GraphLike, source, target, **filters) -> dict:
    """The shortest path; raises :class:`NoPathError` when there is none (filters as :func:`find_paths`).

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b", relation="inhibits", sign=-1); G.add_node("z")
    >>> shortest_path(G, "a", "b")["sign"]
    -1
    >>> shortest_path(G, "a", "z")
    Traceback (most recent call last):
    ...
    graph.errors.NoPathError: no path from 'a' to 'z'
    """
    found = find_paths(G, source, target, k=1, **filters)
    if not found:
        hops = filters.get("max_hops")
        within = f" within {hops} hops" if hops is not None else ""
        cut = " (search cut short at the enumeration limit)" if found.truncated else ""
        raise NoPathError(f"no path from {source!r} to {target!r}{within}{cut}")
    return found[0]
