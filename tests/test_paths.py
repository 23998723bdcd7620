"""Path-finding (graph.paths) on small synthetic graphs, checked against a brute-force enumeration
written independently of the search (no pruning, no grouping until the end), and the `exokg path`
command's errors on the curated graph."""
from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest

from graph.paths import (HUB_KEYS, NoPathError, PathError, compose_sign, context_values, find_paths,
                         k_shortest_paths, shortest_path, simple_paths)

from .conftest import run_cli

RELATIONS = {"targets": -1, "upregulates": 1, "downregulates": -1, "activates": 1, "inhibits": -1,
             "promotes": 1, "suppresses": -1, "regulates": 0, "associatedWith": 0, "bindsTo": 0}
SYMMETRIC = {"bindsTo"}
TYPES = ("MicroRNA", "GeneOrProtein", "Pathway", "BiologicalProcess")
CANCERS = ("GC", "OC", "EOC")  # EOC is a subtype of OC
BROADER = {"EOC": "OC"}


# ---------------------------------------------------------------- brute force

def brute_force(G, source, target, max_hops, *, relations=None, include_types=None, exclude_types=None,
                context=None, signed=None, undirected=False, hubs=frozenset(), max_degree=None):
    """Every simple path as (nodes, ((relation, reversed), ...)) -> sign, by plain enumeration
    over single edges; parallel same-relation edges collapse only at the end."""
    arcs = []
    for u, v, _key, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        arcs.append((u, v, d, False))
        if undirected or d.get("symmetric"):
            arcs.append((v, u, d, True))

    def edge_ok(d):
        if relations is not None and d["relation"] not in relations:
            return False
        if signed and d["sign"] == 0:
            return False
        for q, accepted in (context or {}).items():
            values = d.get("context", {}).get(q)
            if values and not set(values) & set(accepted):
                return False
        return True

    def node_ok(n):
        t = G.nodes[n].get("type")
        if n in hubs:
            return False
        if include_types is not None and t not in include_types:
            return False
        if exclude_types and t in exclude_types:
            return False
        if max_degree is not None and len(set(G.successors(n))) + len(set(G.predecessors(n))) > max_degree:
            return False
        return True

    found = {}

    def walk(nodes, hops):
        u = nodes[-1]
        if u == target:
            found[(tuple(nodes), tuple((d["relation"], rev) for d, rev in hops))] = compose_sign(d["sign"] for d, _ in hops)
            return
        if len(hops) == max_hops:
            return
        for a, b, d, rev in arcs:
            if a == u and b not in nodes and (b == target or node_ok(b)) and edge_ok(d):
                walk(nodes + [b], hops + [(d, rev)])

    walk([source], [])
    want = {"increases": 1, "decreases": -1}.get(signed)
    return {p: s for p, s in found.items() if want is None or s == want}


def in_context(d, context) -> bool:
    return all(not d["context"].get(q) or set(d["context"][q]) & set(accepted) for q, accepted in (context or {}).items())


def identity(path):
    return tuple(path["nodes"]), tuple((h["relation"], h["reversed"]) for h in path["hops"])


def random_graph(seed, nodes=9, edges=24):
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    names = [f"n{i}" for i in range(nodes)]
    for n in names:
        G.add_node(n, key=n, type=rng.choice(TYPES))
    for i in range(edges):
        u, v = rng.sample(names, 2)
        relation = rng.choice(sorted(RELATIONS))
        context = {}
        if rng.random() < 0.4:
            context["cancer"] = [rng.choice(CANCERS)]
        G.add_edge(u, v, key=f"s{i}", relation=relation, sign=RELATIONS[relation],
                   symmetric=relation in SYMMETRIC, context=context)
    return G, names


QUERIES = [
    {},
    {"signed": "increases"},
    {"signed": "decreases"},
    {"undirected": True},
    {"relations": {"targets", "upregulates", "activates", "promotes", "bindsTo"}},
    {"include_types": {"GeneOrProtein", "Pathway"}},
    {"exclude_types": {"MicroRNA"}},
    {"context": {"cancer": context_values(BROADER, "OC")}},
    {"max_degree": 4},
    {"signed": "increases", "undirected": True, "context": {"cancer": {"GC"}}},
]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(q) or "plain")
def test_all_paths_match_brute_force(seed, query):
    G, names = random_graph(seed)
    rng = random.Random(seed * 7 + 1)
    hubs = frozenset(rng.sample(names, 1))
    for source, target in rng.sample(list(itertools.permutations(names, 2)), 6):
        expected = brute_force(G, source, target, 4, hubs=hubs - {source, target}, **query)
        got = simple_paths(G, source, target, max_hops=4, hubs=hubs, **query)
        assert not got.truncated
        assert {identity(p): p["sign"] for p in got} == expected, (source, target)
        # shortest first, and the statements behind each hop are all the parallel edges
        assert [p["length"] for p in got] == sorted(p["length"] for p in got)
        for p in got:
            for hop in p["hops"]:
                u, v = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
                assert hop["statements"] == sorted(k for k, d in G[u][v].items() if d["relation"] == hop["relation"]
                                                   and in_context(d, query.get("context")))


@pytest.mark.parametrize("seed", range(8))
def test_k_shortest_are_the_first_k_of_all_paths_in_order(seed):
    G, names = random_graph(seed, nodes=8, edges=30)
    rng = random.Random(seed)
    for source, target in rng.sample(list(itertools.permutations(names, 2)), 5):
        every = simple_paths(G, source, target, max_hops=5, hubs=())
        lengths = sorted(len(nodes) - 1 for nodes, _ in brute_force(G, source, target, 5))
        assert [p["length"] for p in every] == lengths
        for k in (1, 2, 3, 5, 8):
            got = k_shortest_paths(G, source, target, k=k, max_hops=5, hubs=())
            assert [identity(p) for p in got] == [identity(p) for p in every[:k]]
            assert [p["length"] for p in got] == lengths[:k]
        # within one length, lower hub cost first
        for a, b in zip(every, every[1:]):
            if a["length"] == b["length"]:
                assert a["cost"] <= b["cost"]


def test_plain_digraph_agrees_with_networkx_all_simple_paths():
    D = nx.gnp_random_graph(12, 0.3, seed=3, directed=True)
    G = nx.MultiDiGraph()
    G.add_nodes_from(D)
    G.add_edges_from((u, v, {"relation": "activates", "sign": 1}) for u, v in D.edges)
    connected = 0
    for source, target in itertools.permutations(range(12), 2):
        expected = {tuple(p) for p in nx.all_simple_paths(D, source, target, cutoff=4)}
        got = {tuple(p["nodes"]) for p in simple_paths(G, source, target, max_hops=4, hubs=())}
        assert got == expected
        if nx.has_path(D, source, target):
            connected += 1
            assert shortest_path(G, source, target, hubs=())["length"] == nx.shortest_path_length(D, source, target)
        else:
            with pytest.raises(NoPathError):
                shortest_path(G, source, target, hubs=())
    assert 0 < connected < 12 * 11


# ---------------------------------------------------------------- signs

def chain(*triples, **attrs):
    """A MultiDiGraph from (u, relation, v) triples."""
    G = nx.MultiDiGraph()
    for i, (u, rel, v) in enumerate(triples):
        G.add_edge(u, v, key=f"e{i}", relation=rel, sign=RELATIONS.get(rel, 1), symmetric=rel in SYMMETRIC,
                   context=attrs.get("context", {}).get(i, {}))
    return G


@pytest.mark.parametrize("signs,expected", [((1, 1), 1), ((-1, -1), 1), ((-1, 1), -1), ((-1, -1, -1), -1),
                                            ((1, 0, -1), 0), ((0,), 0), ((), 1)])
def test_compose_sign(signs, expected):
    assert compose_sign(signs) == expected


def test_signed_query_skips_a_shorter_path_of_the_opposite_sign():
    # miR-21 -| PTEN -| AKT-pathway -> resistance (+) is 3 hops; a 1-hop "miR-21 inhibits resistance" says the opposite
    G = chain(("miR-21", "targets", "PTEN"), ("PTEN", "inhibits", "AKT"), ("AKT", "promotes", "resistance"),
              ("miR-21", "suppresses", "resistance"))
    assert shortest_path(G, "miR-21", "resistance")["length"] == 1
    up = shortest_path(G, "miR-21", "resistance", signed="increases")
    assert up["nodes"] == ["miR-21", "PTEN", "AKT", "resistance"] and up["sign"] == 1
    down = find_paths(G, "miR-21", "resistance", signed="decreases", max_hops=5)
    assert [p["nodes"] for p in down] == [["miR-21", "resistance"]]


def test_an_unsigned_hop_makes_the_path_unsigned_and_drops_it_from_signed_queries():
    G = chain(("a", "activates", "b"), ("b", "regulates", "c"), ("c", "promotes", "d"))
    assert shortest_path(G, "a", "d")["sign"] == 0
    with pytest.raises(NoPathError):
        shortest_path(G, "a", "d", signed="increases")


def test_parallel_relations_are_separate_hops_with_their_own_signs():
    G = chain(("a", "upregulates", "b"), ("a", "downregulates", "b"), ("b", "activates", "c"))
    got = simple_paths(G, "a", "c")
    assert sorted((p["hops"][0]["relation"], p["sign"]) for p in got) == [("downregulates", -1), ("upregulates", 1)]
    assert [p["hops"][0]["relation"] for p in simple_paths(G, "a", "c", signed="decreases")] == ["downregulates"]


# ---------------------------------------------------------------- direction

def test_direction_is_respected_unless_undirected():
    G = chain(("a", "activates", "b"), ("c", "activates", "b"))
    with pytest.raises(NoPathError):
        shortest_path(G, "a", "c")
    p = shortest_path(G, "a", "c", undirected=True)
    assert p["nodes"] == ["a", "b", "c"] and [h["reversed"] for h in p["hops"]] == [False, True]


def test_symmetric_relations_are_traversed_both_ways():
    G = chain(("a", "activates", "b"), ("c", "bindsTo", "b"), ("c", "activates", "d"))
    p = shortest_path(G, "a", "d")
    assert p["nodes"] == ["a", "b", "c", "d"]
    assert p["hops"][1] == {"source": "b", "target": "c", "relation": "bindsTo", "sign": 0, "reversed": True,
                            "statements": ["e1"]}


# ---------------------------------------------------------------- filters

def test_relation_and_type_filters_apply_to_hops_and_intermediate_nodes():
    G = chain(("m", "targets", "g"), ("g", "promotes", "p"), ("m", "inhibits", "x"), ("x", "promotes", "p"))
    for n, t in {"m": "MicroRNA", "g": "GeneOrProtein", "x": "Pathway", "p": "BiologicalProcess"}.items():
        G.nodes[n]["type"] = t
    assert {tuple(p["nodes"]) for p in simple_paths(G, "m", "p", relations={"targets", "promotes"})} == {("m", "g", "p")}
    assert {tuple(p["nodes"]) for p in simple_paths(G, "m", "p", include_types={"Pathway"})} == {("m", "x", "p")}
    assert {tuple(p["nodes"]) for p in simple_paths(G, "m", "p", exclude_types={"Pathway"})} == {("m", "g", "p")}
    # endpoints are never filtered by type
    assert simple_paths(G, "m", "p", include_types={"GeneOrProtein"}, exclude_types={"MicroRNA", "BiologicalProcess"})


def test_context_filter_matches_subtypes_and_keeps_context_free_edges():
    G = chain(("a", "activates", "b"), ("b", "activates", "z"), ("a", "activates", "c"), ("c", "activates", "z"),
              ("a", "activates", "d"), ("d", "activates", "z"),
              context={0: {"cancer": ["EOC"]}, 2: {"cancer": ["GC"]}, 4: {"cancer": ["cancer"]}})
    accepted = context_values(BROADER, "OC", {"cancer"})
    assert accepted == {"OC", "EOC", "cancer"}
    got = {tuple(p["nodes"]) for p in simple_paths(G, "a", "z", context={"cancer": accepted}, hubs=())}
    assert got == {("a", "b", "z"), ("a", "d", "z")}
    got = {tuple(p["nodes"]) for p in simple_paths(G, "a", "z", context={"cancer": context_values(BROADER, "EOC")})}
    assert got == {("a", "b", "z")}


# ---------------------------------------------------------------- hubs and caps

def test_hubs_do_not_short_circuit_paths():
    G = chain(("miR-A", "detectedIn", "cancer"), ("cancer", "associatedWith", "gene-B"),
              ("miR-A", "targets", "gene-X"), ("gene-X", "activates", "path-Y"), ("path-Y", "upregulates", "gene-B"))
    assert "cancer" in HUB_KEYS
    assert shortest_path(G, "miR-A", "gene-B")["nodes"] == ["miR-A", "gene-X", "path-Y", "gene-B"]
    assert shortest_path(G, "miR-A", "gene-B", hubs=())["nodes"] == ["miR-A", "cancer", "gene-B"]
    # a hub may still be an endpoint
    assert shortest_path(G, "miR-A", "cancer")["length"] == 1
    # a node named by the caller, or above max_degree, is kept out too
    assert shortest_path(G, "miR-A", "gene-B", hubs={"gene-X"}, max_degree=None)["nodes"] == ["miR-A", "cancer", "gene-B"]
    with pytest.raises(NoPathError):
        shortest_path(G, "miR-A", "gene-B", max_degree=1)


def test_equal_length_paths_through_less_connected_nodes_come_first():
    G = chain(("s", "activates", "busy"), ("busy", "activates", "t"), ("s", "activates", "quiet"),
              ("quiet", "activates", "t"), *[("busy", "activates", f"leaf{i}") for i in range(6)])
    assert [p["nodes"][1] for p in k_shortest_paths(G, "s", "t", k=2)] == ["quiet", "busy"]


def test_enumeration_is_capped_and_says_so():
    G = nx.MultiDiGraph()
    G.add_edges_from((u, v, {"relation": "activates", "sign": 1}) for u, v in itertools.permutations(range(9), 2))
    capped = simple_paths(G, 0, 8, max_hops=7, limit=500)
    assert capped.truncated
    full = simple_paths(G, 0, 8, max_hops=3)
    assert not full.truncated and len(full) == 1 + 7 + 7 * 6


# ---------------------------------------------------------------- bad input

def test_bad_arguments_raise_path_errors():
    G = chain(("a", "activates", "b"))
    G.add_node("z")
    with pytest.raises(PathError, match="not a node"):
        shortest_path(G, "a", "nowhere")
    with pytest.raises(PathError, match="same entity"):
        shortest_path(G, "a", "a")
    with pytest.raises(NoPathError, match="no path from 'a' to 'z'"):
        shortest_path(G, "a", "z")
    for bad in ({"k": 0}, {"max_hops": 0}, {"signed": "up"}, {"limit": 0}):
        with pytest.raises(PathError):
            find_paths(G, "a", "b", **bad)




def exits_with_one_line(capsys, *args) -> str:
    code, _out, err = run_cli(capsys, *args)
    assert code not in (0, None)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def two_disconnected_keys(G):
    components = sorted(nx.weakly_connected_components(G), key=len, reverse=True)
    return G.nodes[min(components[0])]["key"], G.nodes[min(components[1])]["key"]


def test_cli_unknown_and_disconnected_entities(capsys, built_dir):
    from graph.projection import projection

    line = exits_with_one_line(capsys, "path", "no-such-entity-xyz", "cisplatin", "--graph", str(built_dir))
    assert "no entity matches 'no-such-entity-xyz'" in line
    a, b = two_disconnected_keys(projection(built_dir))
    line = exits_with_one_line(capsys, "path", a, b, "--graph", str(built_dir))
    assert f"no path from {a} to {b}" in line and "not connected" in line


@pytest.mark.parametrize("args,message", [
    (["--k", "0"], "Invalid value for '--k': 0 is not in the range x>=1. Fix: see `exokg path --help`"),
    (["--k", "two"], "Invalid value for '--k': 'two' is not a valid integer"),
    (["--max-hops", "-1"], "Invalid value for '--max-hops': -1 is not in the range x>=1"),
    (["--relation", "confersResistance"], "unknown relation 'confersResistance'"),
    (["--exclude-type", "Gene"], "unknown entity type 'Gene'"),
    (["--signed", "up"], "Invalid value for '--signed': 'up' is not one of 'increases', 'decreases'"),
    (["--cancer", "cisplatin"], "no entity of type CancerType matches 'cisplatin'"),
    (["--all", "--k", "3"], "--all and --k exclude each other"),
])
def test_cli_bad_options_are_one_line_errors(capsys, built_dir, args, message):
    line = exits_with_one_line(capsys, "path", "CAF", "cisplatin", "--graph", str(built_dir), *args)
    assert message in line


def test_cli_same_entity_twice(capsys, built_dir):
    assert "same entity" in exits_with_one_line(capsys, "path", "CIS", "cisplatin", "--graph", str(built_dir))


def test_cli_json_and_html(capsys, built_dir, tmp_path):
    from graph.projection import projection

    G = projection(built_dir)
    # any resistance statement gives a 1-hop path to check the rendering against
    u, v, key, d = next((u, v, k, d) for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2])
                        if d["relation"] == "confersResistanceTo")
    html = tmp_path / "p.html"
    code, out, err = run_cli(capsys, "path", G.nodes[u]["key"], G.nodes[v]["key"], "--graph", str(built_dir),
                             "--format", "json", "--html", str(html))
    assert code == 0, err
    payload = json.loads(out)
    first = payload["paths"][0]
    assert first["length"] == 1 and first["hops"][0]["relation"] == "confersResistanceTo"
    statement = next(s for s in first["hops"][0]["statements"] if s["id"] == key)
    assert statement["summary"] == d["summary"] and statement["section"] == d["section"]
    page = html.read_text(encoding="utf-8")
    assert "vis-network" in page.lower() or "vis.network" in page.lower()
    assert G.nodes[u]["key"] in page and "cdnjs.cloudflare.com/ajax/libs/vis-network" not in page


def test_cli_html_into_a_missing_folder_is_a_one_line_error(capsys, built_dir, tmp_path):
    line = exits_with_one_line(capsys, "path", "CAF", "miR-522", "--graph", str(built_dir),
                               "--html", str(tmp_path / "missing" / "p.html"))
    assert "does not exist" in line and "--html" in line
