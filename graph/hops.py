"""Which hops a path query may take: the node and edge filters of :mod:`graph.paths`, compiled
once per query, and the hops leaving or reaching a node, grouped and cached per node.

A hop is ``(next node, relation, sign, reversed, statement keys)``: the parallel statements
between two nodes with the same relation and direction form one hop. Edges are followed from
subject to object; backwards only when ``undirected`` or the edge is ``symmetric``. A node may sit
inside a path unless it is a target, a hub (by ``hubs``, or by its ``key`` among ``hub_keys``
when ``hubs`` is None), outside ``include_types``, in ``exclude_types`` or above ``max_degree``;
an edge passes when its relation is allowed (``last_relations`` for a hop into a target), it is
signed when a sign is wanted, and each ``context`` qualifier it carries has an accepted value.
Nodes in ``avoid`` never sit inside a path either (:mod:`graph.explain` keeps the targets of its
other search phase out that way).

**Budget.** With ``budget`` set, every node whose hops are read is charged its degree (the edges
read), once; the read that would take the total past the budget raises :class:`BudgetExhausted`
instead, so a search stops before the work, not after it (the caller says so to the user).

**Hub ends.** When a backward step reaches a node with more than :data:`WIDE` edges (a hub as a
target), a graph that offers ``arrivals`` (the path index) answers with the nodes that have an
edge of an allowed relation into it, one narrow indexed read instead of every hop's attributes.
That is a superset of the nodes :meth:`Hops.in_options` would give (no context or sign filter;
no node filter either under ``max_degree``, which would read each node), which keeps the
distances lower bounds: it prunes less, never wrongly.
"""
from __future__ import annotations

#: A node with more edges than this is looked up narrowly when a backward search reaches it.
WIDE = 5_000


class BudgetExhausted(Exception):
    """The search read as many edges as its budget allows (see the module docstring)."""


def _sort_key(value):
    return str(value)


class Hops:
    """The hop filters and per-node hop caches of one path query (the base of its search)."""

    def __init__(self, G, source, targets, *, relations, last_relations, include_types, exclude_types, context,
                 want, undirected, hubs, hub_keys, max_degree, avoid=(), last_ok=None, budget=None):
        self.G, self.source, self.targets = G, source, frozenset(targets)
        self.avoid = frozenset(avoid)
        self.budget = budget
        self.spent = 0
        self._charged: set = set()
        self._arrivals = getattr(G, "arrivals", None)
        # the path index reads a node's edges to a few given neighbours without reading them all
        self._among = getattr(G._succ, "among", None)
        self.succ, self.pred, self.attrs = G._succ, G._pred, G._node
        self._core = getattr(G, "node_core", None)  # (key, type) without the other attributes, when G offers it
        # a degree estimate that reads no hops (the path index has one): only to choose where to search first
        self._hint = getattr(G, "degree_hint", None)
        self.want = want
        self.undirected = undirected
        # hops read against an edge's direction: every edge when undirected, else only symmetric ones, which the
        # path index can read alone (a networkx graph is scanned whole, its other edges skipped below)
        self.back_succ = self.succ if undirected else getattr(G, "_succ_symmetric", self.succ)
        self.back_pred = self.pred if undirected else getattr(G, "_pred_symmetric", self.pred)
        self.relations = frozenset(relations) if relations is not None else None
        self.last_relations = frozenset(last_relations) if last_relations is not None else self.relations
        self.include_types = frozenset(include_types) if include_types is not None else None
        self.exclude_types = frozenset(exclude_types or ())
        self.context = [(q, frozenset(v)) for q, v in (context or {}).items()]
        # default hubs are recognised by their key attribute, lazily (no pass over every node)
        self.hubs = None if hubs is None else frozenset(hubs)
        self.hub_keys = hub_keys
        self.max_degree = max_degree
        # (target, edge attributes) -> whether a last hop into that target may use the edge; set by
        # narrow_last_hops once some last hops can no longer matter (None: every last hop counts)
        self.last_ok = last_ok
        self._ok: dict = {source: True}
        self._out: dict = {}
        self._in: dict = {}
        self._last: dict = {}
        self._mid: dict = {}
        self.targets_sorted = sorted(self.targets, key=_sort_key)

    def narrow_last_hops(self, last_ok) -> None:
        """From now on a hop into a target is taken only when one of its statements passes
        ``last_ok(target, attributes)``; the hop caches are dropped (the distance bounds already
        computed stay valid lower bounds)."""
        self.last_ok = last_ok
        self._out.clear()
        self._in.clear()
        self._last.clear()
        self._mid.clear()

    def charge(self, u, edges: int | None = None) -> None:
        """Count the edges of ``u`` (or ``edges`` of them, read narrowly) against the budget, the
        first time they are read."""
        if self.budget is not None and u not in self._charged:
            cost = self._cheap_degree(u[0] if edges is not None else u)
            cost = cost if edges is None else min(edges, cost)
            if self.spent + cost > self.budget:
                raise BudgetExhausted
            self._charged.add(u)
            self.spent += cost

    # -- filters
    def _node_ok(self, v) -> bool:
        """May ``v`` be on a path other than as its target? (The source always may.)"""
        if self._core is not None:  # the path index: key and type come with the hops that reached v
            key, kind = self._core(v)
        else:
            attrs = self.attrs[v]
            key, kind = attrs.get("key"), attrs.get("type")
        if v in self.targets or v in self.avoid:
            ok = False
        elif self.hubs is None:
            ok = (key if key is not None else v) not in self.hub_keys
        else:
            ok = v not in self.hubs
        if ok:
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
        self.charge(u)
        along, against = (self.succ, self.back_pred) if outgoing else (self.pred, self.back_succ)
        targets, ok, node_ok = self.targets, self._ok, self._node_ok
        head_is_target = not outgoing and u in targets
        last_ok = self.last_ok
        named: dict = {}
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
                        if final and last_ok is not None and not named.get(group):
                            named[group] = last_ok(v if outgoing else u, d)
        if last_ok is not None:  # a last hop stays when one of its statements passes
            groups = {g: e for g, e in groups.items() if named.get(g, True) or not (g[0] in targets or head_is_target)}
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

    def pair_options(self, u, v, final: bool, along: dict | None = None) -> list:
        """The hops from ``u`` to the one node ``v`` (a target when ``final``), without scanning
        the rest of ``u``'s edges: [(v, relation, sign, reversed, keys)]. ``along``: ``u``'s
        edges to the neighbours asked about, when already read narrowly (see :meth:`_narrow`)."""
        if v == u:
            return []
        if not final:
            good = self._ok.get(v)
            if good is None:
                good = self._node_ok(v)
            if not good or v == self.source:
                return []
        if along is None:
            self.charge(u)
            along = self.succ[u]
        allowed = self.last_relations if final else self.relations
        groups: dict = {}
        named: dict = {}
        for is_along, adjacency in ((True, along), (False, self.back_pred[u])):
            keydict = adjacency.get(v)
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
                    if final and self.last_ok is not None and not named.get(group):
                        named[group] = self.last_ok(v, d)
        return [(v, rel, sign, rev, keys) for (rel, rev), (sign, keys) in groups.items()
                if not (final and self.last_ok is not None) or named.get((rel, rev))]

    def last_options(self, u) -> list:
        """The last hops from ``u`` into a target, looked up per target (targets are few)."""
        found = self._last.get(u)
        if found is None:
            if u in self._out:
                found = self._out[u][1]
            else:
                along = self._narrow(u, self.targets_sorted)
                found = [hop for t in self.targets_sorted for hop in self.pair_options(u, t, True, along)]
            self._last[u] = found
        return found

    def _narrow(self, u, wanted: list) -> dict | None:
        """``u``'s edges to the nodes ``wanted`` only, read narrowly when the graph can (charged
        as that many edges), else ``None`` (:meth:`pair_options` reads ``u`` whole)."""
        if self._among is None:
            return None
        self.charge((u, "among"), len(wanted))
        return self._among(u, wanted)

    def middle_options(self, u, within: set | None, tag) -> list:
        """Middle hops from ``u``; when ``within`` (the nodes that can still reach the target in
        time; ``tag`` names that set for the cache) is smaller than ``u``'s neighbourhood, only
        those nodes are looked up instead of scanning every edge of ``u``."""
        if within is not None and u not in self._out and len(within) < self._cheap_degree(u):
            cached = self._mid.get((u, tag))
            if cached is None:
                wanted = sorted(within, key=_sort_key)
                along = self._narrow(u, wanted)
                cached = [hop for v in wanted for hop in self.pair_options(u, v, False, along)]
                self._mid[(u, tag)] = cached
            return cached
        return self.out_options(u)[0]

    def in_options(self, v) -> list:
        """Where hops arriving at ``v`` come from (last hops when ``v`` is a target):
        [(previous node, sign)], the sign always 1 unless the query is signed."""
        found = self._in.get(v)
        if found is None:
            allowed = self.last_relations if v in self.targets else self.relations
            if self.want is None and allowed is None and not self.context and self.last_ok is None:
                found = self._in_nodes(v)  # no edge filter: only the nodes matter
            else:
                signed = self.want is not None
                found = [(u, sign if signed else 1) for (u, _rel, _rev), (sign, _keys) in self._group(v, False).items()]
            self._in[v] = found
        return found

    def back_options(self, v) -> list:
        """What a backward step from ``v`` reaches: :meth:`in_options`, or for a node with more
        than :data:`WIDE` edges on a graph that offers ``arrivals``, the superset described in the
        module docstring (no edges charged: the read is narrow)."""
        if self._arrivals is None or v in self._in or self._cheap_degree(v) <= WIDE:
            return self.in_options(v)
        allowed = self.last_relations if v in self.targets else self.relations
        signed, ok, node_ok = self.want is not None, self._ok, self._node_ok
        found = []
        for u, sign in self._arrivals(v, allowed, self.undirected):
            if u == v:
                continue
            if self.max_degree is None:  # the node filter without reading hops (arrivals gave key and type)
                good = ok.get(u)
                if good is None:
                    good = node_ok(u)
                if not good:
                    continue
            found.append((u, sign if signed else 1))
        return list(dict.fromkeys(found))

    def _in_nodes(self, v) -> list:
        self.charge(v)
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
        for w, keydict in self.back_succ[v].items():
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
        return self._cheap_degree(n)

    def _cheap_degree(self, n) -> int:
        """How much scanning ``n`` costs: its degree, or the graph's estimate of it when reading
        its hops would cost more (decides the order of work only, never which paths are found)."""
        if self._hint is not None:
            return self._hint(n)
        return len(self.succ[n]) + len(self.pred[n])
