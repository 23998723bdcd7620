"""`explain` stays bounded on hub-heavy graphs without changing its answers: on a generated graph
whose umbrella drug entities (`chemotherapy`, `drug`) take a large share of the resistance
statements, the top chains of the bounded search (drug-naming chains first, umbrella chains only
when needed, narrow reads of hub ends) are those of the unbounded search, which in turn are every
chain a plain enumeration of simple paths finds, on the networkx graph and on the path index
written from it alike; and when the edge budget cuts the search, the result and the command say so."""
from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest

from graph import hops
from graph.explain import MECHANISM_RELATIONS, RESISTANCE_RELATIONS, explain
from graph.pathgraph import IndexWriter, PathGraph
from graph.paths import HUB_KEYS

from .conftest import run_cli

E = "https://w3id.org/exokg/entity/"
MIDDLE = {"targets": -1, "promotes": 1, "upregulates": 1, "inhibits": -1, "activates": 1, "secretes": 1,
          "suppresses": -1, "downregulates": -1, "biomarkerFor": 0}
DRUGS = ["d0", "d1", "d2"]
UMBRELLAS = ["chemotherapy", "drug"]


def generate(seed: int):
    """Nodes {iri: (key, type)} and edges [(u, v, key, relation, sign, context)]: 12 agents, 120
    mediators of skewed popularity, 3 drugs, the umbrellas and two other generic hubs. A third of
    the mediators state resistance to an umbrella (some naming a drug), a few to a drug; parallel
    statements repeat a hop; some statements carry a cancer or drug qualifier."""
    rng = random.Random(seed)
    nodes = {E + f"a{i}": (f"a{i}", "MicroRNA") for i in range(12)}
    nodes |= {E + f"m{i}": (f"m{i}", "GeneOrProtein") for i in range(120)}
    nodes |= {E + d: (d, "Drug") for d in DRUGS + UMBRELLAS}
    nodes |= {E + "cancer": ("cancer", "CancerType"), E + "exosomes": ("exosomes", "ExosomePreparation"),
              E + "GC": ("GC", "CancerType")}
    mediators = [E + f"m{i}" for i in range(120)]
    weights = [1 / (i + 1) ** 0.8 for i in range(120)]  # a few mediators are linked to much of the graph
    edges = []

    def add(u, v, relation, sign, context=None):
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            edges.append((u, v, f"s{len(edges)}", relation, sign, context or {}))

    def some_context():
        roll = rng.random()
        if roll < 0.2:
            return {"cancer": [E + "GC"]}
        if roll < 0.3:
            return {"drug": [E + rng.choice(DRUGS)]}
        return {}

    for u in [E + f"a{i}" for i in range(12)] + mediators:
        for v in rng.choices(mediators, weights, k=3):
            if v != u:
                relation = rng.choice(sorted(MIDDLE))
                add(u, v, relation, MIDDLE[relation], some_context())
        add(u, E + "exosomes", "secretes", 1)
        add(E + "exosomes", u, "delivers", 1)
        add(u, E + "cancer", "biomarkerFor", 0)
    for m in mediators:
        roll = rng.random()
        relation = rng.choice(sorted(RESISTANCE_RELATIONS))
        if roll < 0.35:
            add(m, E + rng.choice(UMBRELLAS), relation, RESISTANCE_RELATIONS[relation], some_context())
        elif roll < 0.45:
            add(m, E + rng.choice(DRUGS), relation, RESISTANCE_RELATIONS[relation], some_context())
    return nodes, edges


def as_networkx(nodes, edges) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for iri, (key, kind) in nodes.items():
        G.add_node(iri, key=key, type=kind, label=key)
    for u, v, key, relation, sign, context in edges:
        G.add_edge(u, v, key=key, relation=relation, sign=sign, symmetric=False, context=context)
    return G


def as_index(nodes, edges, file) -> PathGraph:
    writer = IndexWriter(file, [("review", "generated", "review")])
    for iri, (key, kind) in nodes.items():
        writer.add_node(iri, key, kind, {"key": key, "type": kind, "label": key, "curie": None}, label=key)
    writer.add_edges((u, v, key, "review", relation, sign, False, context, {"relation": relation, "sign": sign})
                     for u, v, key, relation, sign, context in edges)
    writer.close()
    return PathGraph(str(file))


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    nodes, edges = generate(14)
    return nodes, edges, {"networkx": as_networkx(nodes, edges),
                          "index": as_index(nodes, edges, tmp_path_factory.mktemp("bounded") / "paths.sqlite")}


def plain_chains(G: nx.MultiDiGraph, agent, drug, max_hops):
    """Every chain by the definition, from networkx's simple paths: (nodes, relations) whose last hop
    is a resistance statement into the drug or an umbrella, the others mechanistic, no hub or
    target inside, no statement naming another drug."""
    targets = {drug} | {E + u for u in UMBRELLAS}
    accepted = targets
    found = set()
    for path in nx.all_simple_paths(G, agent, targets, cutoff=max_hops):
        if any(n in targets or G.nodes[n]["key"] in HUB_KEYS for n in path[1:-1]):
            continue
        options = []
        for i, (u, v) in enumerate(itertools.pairwise(path)):
            allowed = RESISTANCE_RELATIONS if i == len(path) - 2 else MECHANISM_RELATIONS
            options.append(sorted({d["relation"] for d in G[u][v].values() if d["relation"] in allowed
                                   and set(d["context"].get("drug", accepted)) & accepted}))
        for relations in itertools.product(*options):
            found.add((tuple(path), relations))
    return found


def summary(chains):
    return [(c["rank"], tuple(c["nodes"]), tuple(h["relation"] for h in c["hops"]),
             tuple(tuple(h["statements"]) for h in c["hops"]), c["target_match"], c["support"], c["cost"])
            for c in chains]


QUERIES = [(f"a{i}", d) for i in range(12) for d in DRUGS]


def test_bounded_explain_gives_the_unbounded_top_chains_on_a_hub_heavy_graph(graphs, monkeypatch):
    # hub ends are read narrowly above this many edges: low enough here for the umbrellas to be
    monkeypatch.setattr(hops, "WIDE", 20)
    nodes, _edges, by_kind = graphs
    umbrella_edges = sum(1 for u, v, *_ in _edges if v in {E + u for u in UMBRELLAS})
    assert umbrella_edges > 20
    kinds = {"umbrella": 0, "named umbrella": 0, "drug": 0}
    for agent, drug in QUERIES:
        answers = {}
        for name, G in by_kind.items():
            every = explain(G, E + agent, E + drug, k=None, max_hops=4, budget=None)
            top = explain(G, E + agent, E + drug, k=5, max_hops=4)
            assert not top.budget_cut and not top.truncated
            assert summary(top) == summary(every[:5]), (name, agent, drug)
            answers[name] = summary(top)
            if name == "networkx":
                definition = plain_chains(G, E + agent, E + drug, 4)
                assert {(tuple(c["nodes"]), tuple(h["relation"] for h in c["hops"])) for c in every} == definition
            for c in top:
                umbrella = c["target"] != E + drug
                kinds["umbrella" if c["target_match"] == "umbrella" else
                      "named umbrella" if umbrella else "drug"] += 1
        assert answers["networkx"] == answers["index"], (agent, drug)
    # the generated graph exercises every kind of chain the two searches rank
    assert all(kinds.values()), kinds


def test_a_budget_cut_is_said_not_silent(graphs):
    _nodes, _edges, by_kind = graphs
    G = by_kind["index"]
    agent, drug = max(QUERIES, key=lambda q: explain(G, E + q[0], E + q[1], k=5, max_hops=4, budget=10**9).spent)
    full = explain(G, E + agent, E + drug, k=5, max_hops=4, budget=10**9)
    assert not full.budget_cut and full.spent > 0
    cut = explain(G, E + agent, E + drug, k=5, max_hops=4, budget=full.spent // 2)
    assert cut.budget_cut and cut.spent <= full.spent // 2 and cut.cut_length is not None
    assert all(c["budget_cut"] for c in cut)
    # the chains that were found whole before the cut are the unbounded answer's first ones
    if cut.cut_match == "drug":  # cut among the chains naming the drug: the shorter ones are whole
        whole = [c for c in cut if c["length"] < cut.cut_length]
    else:  # cut among the umbrella chains: every chain naming the drug, and the shorter umbrella ones, are whole
        whole = [c for c in cut if c["target_match"] == "drug" or c["length"] < cut.cut_length]
    assert summary(whole) == summary(full[:len(whole)])


def test_explain_says_when_the_budget_cut_the_search(capsys, built_dir):
    code, out, err = run_cli(capsys, "explain", "CAF", "chemotherapy", "--cancer", "GC", "--format", "json",
                             "--graph", str(built_dir))
    assert code == 0 and "budget" not in err
    assert json.loads(out)["budget_cut"] is False
    from graph.pathgraph import path_graph

    G = path_graph(built_dir)
    agent, drug, cancer = G.resolve("CAF"), G.resolve("chemotherapy"), G.resolve("GC")
    spent = explain(G, agent, drug, cancer=cancer, broader=G.broader(), budget=10**9).spent
    code, out, err = run_cli(capsys, "explain", "CAF", "chemotherapy", "--cancer", "GC", "--budget", str(spent // 2),
                             "--graph", str(built_dir))
    if code == 0:
        assert "note: the search stopped after reading" in err and "--budget" in err
    else:
        assert err.startswith("error: ") and "raise --budget" in err and len(err.strip().splitlines()) == 1
    code, out, err = run_cli(capsys, "explain", "CAF", "chemotherapy", "--cancer", "GC", "--budget", "1",
                             "--graph", str(built_dir))
    assert code != 0 and err.startswith("error: ") and "raise --budget" in err and "Traceback" not in err
