"""Mechanism chains: how an agent (an RNA, a protein, a cell type, an exosome source) leads to
resistance or sensitivity to a drug, hop by hop, with each hop's context and evidence.

A chain is a simple path (see :mod:`graph.paths`) from the agent whose **last hop** is
``confersResistanceTo`` (sign +1) or ``reversesResistanceTo`` (sign -1) into the drug, and whose
other hops use the mechanistic relations of :data:`MECHANISM_RELATIONS` (not ``biomarkerFor``,
``detectedIn``, ``derivedFrom``, ``studiedIn`` or ``associatedWith``, which carry no mechanism).
The chain's sign is the product of its hops' signs: +1 means the agent *increases resistance*,
-1 that it *restores sensitivity*, 0 that some hop has no stated direction.

**Which drug node.** The last hop may end at the drug asked for or at a narrower one (a drug
class asked for matches its members). When the review names no drug, curators attach
resistance to the umbrella entities ``chemotherapy`` / ``drug`` (CURATION.md); such a last hop
is accepted too, because that is how the text states chemoresistance, but only when the
statement's ``drug`` qualifier names the asked drug or names none. Chains ending in an umbrella
*without* the drug named are marked ``"target_match": "umbrella"`` and ranked after every chain
that names the drug (``umbrella=False`` drops them). Asking for ``chemotherapy`` itself accepts
every drug context.

**Context.** With ``cancer``, every hop must hold in that cancer or one of its subtypes (via
``broader``), or carry no cancer context (a statement about ``cancer`` in general counts as none).
For a specific drug, hops whose ``drug`` qualifier names another drug are dropped the same way.

**Search.** In rank order: first the chains naming the drug, shortest first, until k are known
at some length; only when fewer than k exist, the chains into an umbrella without the drug named
(see docs/paths.md). Every chain of a length is found before any is ranked, unless the edge
``budget`` runs out, which the result says.

**Ranking** (documented in docs/paths.md), best first:

1. target match: chains into the asked drug, or an umbrella whose statement names it, before
   chains into an umbrella with no drug named;
2. fewer hops;
3. more supporting assertions: the statements behind every hop (parallel statements with the
   same relation count each), plus *corroborating* statements, i.e. direct agent -> drug
   resistance statements whose ``mechanism`` qualifier names one of the chain's intermediate
   nodes;
4. more hops whose cancer context explicitly matches ``cancer`` (with ``cancer`` only);
5. lower hub cost (paths through less connected nodes), then names, for a stable order.

Hubs (``cancer``, ``exosomes``, ``chemotherapy``, ``cancer-cell`` ...) never sit inside a chain,
as in :mod:`graph.paths`.

>>> import networkx as nx
>>> G = nx.MultiDiGraph(); G.add_node("GC")
>>> def edge(u, v, rel, sign, key, **context):
...     _ = G.add_edge(u, v, key=key, relation=rel, sign=sign, context=context)
>>> edge("CAF", "miR-522", "secretes", 1, "s1")
>>> edge("miR-522", "ALOX15", "targets", -1, "s2", cancer=["GC"])
>>> edge("ALOX15", "ferroptosis", "promotes", 1, "s3")
>>> edge("ferroptosis", "chemotherapy", "reversesResistanceTo", -1, "s4", cancer=["GC"])
>>> edge("miR-522", "chemotherapy", "confersResistanceTo", 1, "s5", cancer=["GC"], mechanism=["ferroptosis"])
>>> for c in explain(G, "CAF", "chemotherapy", cancer="GC"):
...     print(c["rank"], c["effect"], " > ".join(c["nodes"]), c["support"])
1 resistance CAF > miR-522 > chemotherapy 2
2 resistance CAF > miR-522 > ALOX15 > ferroptosis > chemotherapy 5
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, cast

from .hierarchy import broader_ancestors, context_values, narrower
from .paths import DEFAULT_LIMIT, PathError, PathList, find_paths

if TYPE_CHECKING:
    from .paths import GraphLike

RESISTANCE_RELATIONS = {"confersResistanceTo": 1, "reversesResistanceTo": -1}
#: Relations a chain may use before its last hop.
MECHANISM_RELATIONS = frozenset({
    "targets", "sponges", "upregulates", "downregulates", "regulates", "activates", "inhibits",
    "promotes", "suppresses", "secretes", "takenUpBy", "bindsTo", "interactsWith", "memberOf",
    "delivers", "transports",
})
#: Drug entities that stand for "a drug the text does not name".
UMBRELLA_DRUG_KEYS = ("chemotherapy", "drug")
#: Cancer entities that stand for "no particular cancer".
GENERIC_CANCER_KEYS = ("cancer",)
EFFECTS = {1: "resistance", -1: "sensitivity", 0: "unsigned"}
#: Edges a search may read before it stops and says so (see :mod:`graph.hops`); ``budget=None`` lifts it.
DEFAULT_BUDGET = 100_000
SIGNED_BY_EFFECT = {"resistance": "increases", "sensitivity": "decreases"}


def _key(G, node) -> str:
    if hasattr(G, "node_core"):  # the path index: the key without the node's other attributes
        key = G.node_core(node)[0] if node in G else None
    else:
        key = G.nodes[node].get("key") if node in G else None
    return key if key is not None else str(node)


def _hop_edges(G, hop: dict) -> list[dict]:
    """The attributes a search sees (relation, sign, context) of the statements behind a hop."""
    u, v = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
    edges = G._succ[u][v]
    return [edges[key] for key in hop["statements"]]


def nodes_with_keys(G, keys) -> set:
    """The nodes whose key is one of ``keys`` (the path index looks them up; a networkx graph is scanned)."""
    keys = set(keys)
    if hasattr(G, "nodes_with_keys"):
        return set(G.nodes_with_keys(keys))
    return {n for n in G if _key(G, n) in keys}


def _present(G, nodes) -> set:
    return {n for n in nodes if n in G}


def explain(G: GraphLike, agent, drug, *, cancer=None, broader: Mapping | None = None, k: int | None = 10,
            max_hops: int = 5, effect: str | None = None, umbrella: bool = True,
            hubs: Collection | None = None, limit: int | None = DEFAULT_LIMIT,
            budget: int | None = DEFAULT_BUDGET) -> PathList:
    """Ranked mechanism chains from ``agent`` to resistance or sensitivity to ``drug``.

    ``broader`` maps a node to its broader node(s) (:func:`graph.hierarchy.load_broader`); ``effect``
    is ``"resistance"`` or ``"sensitivity"`` to keep only chains of that sign; ``k=None`` returns
    every chain. Each chain is a path dict of :mod:`graph.paths` plus ``rank``, ``effect``,
    ``target_match`` (``"drug"`` or ``"umbrella"``), ``support``, ``corroborating`` (statement
    keys), ``context_matches``, ``truncated`` (the enumeration cap was hit) and ``budget_cut``.

    ``budget`` bounds the edges the search reads (:mod:`graph.hops`; ``None``: no bound). The
    result is a :class:`~graph.paths.PathList`: when the budget ran out, ``budget_cut`` is true,
    ``cut_match`` says which search it cut (``"drug"``: chains naming the drug; ``"umbrella"``:
    the chains into an umbrella, all chains naming the drug being known) and ``cut_length`` at
    which length; shorter chains of that kind are all known, so their ranks hold.
    """
    broader = broader or {}
    if effect is not None and effect not in SIGNED_BY_EFFECT:
        raise PathError(f"effect must be resistance or sensitivity, not {effect!r}")
    for node, role in ((agent, "agent"), (drug, "drug"), (cancer, "cancer")):
        if node is not None and node not in G:
            raise PathError(f"{role} {node!r} is not a node of the graph")
    if agent == drug:
        raise PathError("the agent and the drug are the same entity. Fix: give an agent that acts on the drug")
    umbrellas = nodes_with_keys(G, UMBRELLA_DRUG_KEYS)
    exact = _present(G, narrower(broader, drug))
    drug_is_umbrella = drug in umbrellas
    targets = set(exact)
    if umbrella:
        targets |= _present(G, umbrellas | broader_ancestors(broader, drug))
    targets.discard(agent)

    context = {}
    specific_cancer: set = set()
    if cancer is not None:
        specific_cancer = narrower(broader, cancer)
        context["cancer"] = context_values(broader, cancer, nodes_with_keys(G, GENERIC_CANCER_KEYS))
    if not drug_is_umbrella:
        context["drug"] = frozenset(exact | umbrellas | broader_ancestors(broader, drug))

    matches: dict[int, str] = {}

    def match_of(path: dict) -> str:
        found = matches.get(id(path))
        if found is None:
            if path["target"] in exact or drug_is_umbrella or any(
                    exact & set((d.get("context") or {}).get("drug", ())) for d in _hop_edges(G, path["hops"][-1])):
                found = "drug"
            else:
                found = "umbrella"
            matches[id(path)] = found
        return found

    def names_drug(target, d: dict) -> bool:
        return target in exact or bool(exact & set((d.get("context") or {}).get("drug", ())))

    # Two searches, in rank order. Chains naming the drug rank first, shorter first: once k of them are
    # known at some length, nothing longer can rank. Only when fewer than k exist within max_hops are
    # chains into an umbrella (not naming the drug) looked for, again shorter first until k chains are
    # known. An umbrella reaches the first search only when some statement into it names the drug.
    search: dict[str, Any] = dict(
        max_hops=max_hops, relations=MECHANISM_RELATIONS, last_relations=RESISTANCE_RELATIONS, context=context,
        signed=SIGNED_BY_EFFECT[effect] if effect else None, hubs=hubs, limit=limit)
    enough_k = (lambda paths: len(paths) >= k) if k is not None else None
    drug_targets = targets & exact
    wide = targets - exact
    if drug_is_umbrella or not wide:
        drug_targets, wide = targets, set()
    else:
        drug_targets |= {t for t in wide if _may_name(G, t, exact)}
    found = PathList()
    spent = 0
    if drug_targets:
        found = find_paths(G, agent, drug_targets, k=None, stop=enough_k, avoid=targets - drug_targets,
                           last_hop=None if drug_is_umbrella or not wide else names_drug, budget=budget, **search)
        spent = found.spent
    paths = list(found)
    truncated, budget_cut, cut_length = found.truncated, found.budget_cut, found.cut_length
    cut_match = "drug" if budget_cut else None
    if wide and not budget_cut and not truncated and (k is None or len(paths) < k):
        have = len(paths)
        left = None if budget is None else budget - spent
        if left is not None and left <= 0:
            budget_cut, cut_length, cut_match = True, 1, "umbrella"
        else:
            more = find_paths(G, agent, wide, k=None, avoid=targets - wide, budget=left,
                              stop=None if k is None else (
                                  lambda ps: have + sum(match_of(p) == "umbrella" for p in ps) >= k), **search)
            paths += [p for p in more if match_of(p) == "umbrella"]
            truncated, budget_cut, spent = more.truncated, more.budget_cut, spent + more.spent
            cut_length, cut_match = more.cut_length, "umbrella" if more.budget_cut else None

    firsts = []
    for path in paths:
        match = match_of(path)
        firsts.append(((match != "drug", path["length"]), match, path))
    firsts.sort(key=lambda f: f[0])
    if k is not None and len(firsts) > k:  # ranks go by match and length first: later groups cannot reach the top k
        cut = firsts[k - 1][0]
        firsts = [f for f in firsts if f[0] <= cut]
    chains = []
    shortcuts: dict = {}
    for _first, match, path in firsts:
        corroborating = _corroborating(G, path, targets, shortcuts)
        context_matches = 0
        if cancer is not None:
            for hop in path["hops"]:
                if any(specific_cancer & set((d.get("context") or {}).get("cancer", ())) for d in _hop_edges(G, hop)):
                    context_matches += 1
        support = sum(len(h["statements"]) for h in path["hops"]) + len(corroborating)
        chains.append(dict(path, effect=EFFECTS[path["sign"]], target_match=match, support=support,
                           corroborating=corroborating, context_matches=context_matches,
                           truncated=truncated, budget_cut=budget_cut))
    chains.sort(key=lambda c: (c["target_match"] != "drug", c["length"], -c["support"], -c["context_matches"],
                               c["cost"], tuple(_key(G, n) for n in c["nodes"]),
                               tuple(h["relation"] for h in c["hops"])))
    if k is not None:
        chains = chains[:k]
    for rank, chain in enumerate(chains, 1):
        chain["rank"] = rank
    result = PathList(chains)
    result.truncated, result.budget_cut, result.spent = truncated, budget_cut, spent
    result.cut_length, result.cut_match = cut_length, cut_match
    result.shortest = min((c["length"] for c in chains), default=None)
    return result


def _may_name(G: GraphLike, node, drugs: Collection) -> bool:
    """Does a statement into or out of ``node`` name one of ``drugs`` in its ``drug`` qualifier?
    The path index answers from a small table, without reading the node's hops; a networkx graph
    is scanned."""
    if hasattr(G, "drug_mentions"):
        return G.drug_mentions(node, drugs)
    drugs = set(drugs)
    graph = cast(Any, G)
    for adjacency in (graph._pred[node], graph._succ[node]):
        for keydict in adjacency.values():
            for d in keydict.values():
                if drugs & set((d.get("context") or {}).get("drug", ())):
                    return True
    return False


def _corroborating(G: GraphLike, path: dict, targets: Collection, shortcuts: dict) -> list:
    """Keys of shortcut statements that support a chain: a resistance statement from a chain
    node straight to a target whose ``mechanism`` qualifier names a node further along the chain
    (``lnc-TALC confersResistanceTo temozolomide, mechanism C5-C5a`` supports
    lnc-TALC > ... > C5-C5a > ... > temozolomide). ``shortcuts`` keeps each node's edges to the
    targets between calls (the path index reads only those, not the node's every edge)."""
    among = getattr(cast(Any, G)._succ, "among", None)
    ends = sorted(targets, key=str)
    nodes = path["nodes"]
    used = {key for hop in path["hops"] for key in hop["statements"]}
    found = set()
    for i, u in enumerate(nodes[:-2]):
        later = set(nodes[i + 1:-1])
        edges = shortcuts.get(u)
        if edges is None:
            edges = shortcuts[u] = among(u, ends) if among is not None else G[u]
        for t in targets:
            for key, d in edges.get(t, {}).items():
                if (key not in used and d.get("relation") in RESISTANCE_RELATIONS
                        and later & set((d.get("context") or {}).get("mechanism", ()))):
                    found.add(key)
    return sorted(found, key=str)
