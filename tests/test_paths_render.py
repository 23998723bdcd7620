"""graph.paths_render: the library prints what `exokg path` / `exokg explain` print, and an empty
answer is diagnosed with the smallest change of the query that finds a path (checked on small
graphs built so that exactly one change helps)."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from graph.entities import entity_index
from graph.explain import explain
from graph.hierarchy import load_broader
from graph.paths import find_paths
from graph.paths_render import format_chains, format_paths, no_chain_message, no_path_message
from graph.projection import projection

from .conftest import run_cli
from .test_paths import exits_with_one_line

DEFAULTS = dict(relations=None, include_types=None, exclude_types=None, context={}, signed=None, undirected=False,
                hubs=None, max_degree=None, limit=200_000)


def graph_of(*edges, hub: str | None = None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for n, (u, v, relation) in enumerate(edges):
        G.add_edge(u, v, key=f"s{n}", relation=relation, sign=1)
    for node in G:
        G.nodes[node]["key"] = "cancer" if node == hub else node  # "cancer" is one of graph.paths.HUB_KEYS
    return G


def diagnosis(G, source, target, hops, **filters) -> str:
    filters = dict(DEFAULTS, **filters)
    found = find_paths(G, source, target, k=1, max_hops=hops, **filters)
    assert not found, "the query was meant to find no path"
    return no_path_message(G, source, target, hops, found.truncated, filters)


def test_a_longer_path_asks_for_more_hops():
    G = graph_of(("a", "b", "activates"), ("b", "c", "activates"), ("c", "d", "activates"))
    assert diagnosis(G, "a", "d", 2).endswith("Fix: raise --max-hops (a path of 3 hops exists then)")


def test_a_path_through_a_hub_asks_for_allow_hubs():
    G = graph_of(("a", "h", "activates"), ("h", "d", "activates"), hub="h")
    assert diagnosis(G, "a", "d", 3).endswith("Fix: add --allow-hubs (a path of 2 hops exists then)")


def test_an_edge_against_the_direction_asks_for_undirected():
    G = graph_of(("a", "b", "activates"), ("d", "b", "activates"))
    assert diagnosis(G, "a", "d", 3).endswith("Fix: add --undirected (a path of 2 hops exists then)")


def test_a_filter_that_removes_the_only_path_asks_to_drop_the_filters():
    G = graph_of(("a", "d", "activates"))
    message = diagnosis(G, "a", "d", 3, relations=frozenset({"targets"}))
    assert "with these filters" in message and message.endswith("Fix: drop the filters (a path of 1 hop exists then)")


def test_unconnected_entities_are_said_to_be_unconnected():
    G = graph_of(("a", "b", "activates"), ("c", "d", "activates"))
    assert diagnosis(G, "a", "d", 3).endswith("a and d are not connected at all in the graph")


def test_a_search_cut_short_says_so():
    G = graph_of(*[(f"x{i}", f"x{i + 1}", "activates") for i in range(6)])
    message = diagnosis(G, "x0", "x6", 6, limit=2)
    assert "before the search limit was reached" in message and "raise --limit" in message


@pytest.mark.parametrize("fmt", ["table", "json", "tsv"])
def test_format_paths_is_what_the_cli_prints(capsys, built_dir, fmt):
    G = projection(built_dir)
    index = entity_index(built_dir)
    src, dst = index.resolve("lnc-TALC").iri, index.resolve("temozolomide").iri
    found = find_paths(G, src, dst, k=3, max_hops=6)
    assert found, "the review's lnc-TALC chains to temozolomide are in the graph"
    text = format_paths(G, found, fmt, source=src, target=dst, mode="3 shortest paths", hops=6)
    code, out, err = run_cli(capsys, "path", "lnc-TALC", "temozolomide", "--k", "3", "--graph", str(built_dir),
                             "--format", fmt)
    assert code == 0, err
    assert out == text
    if fmt == "json":
        assert [len(p["hops"]) for p in json.loads(text)["paths"]] == [p["length"] for p in found]


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_format_chains_is_what_the_cli_prints(capsys, built_dir, fmt):
    G = projection(built_dir)
    index = entity_index(built_dir)
    agent, drug, cancer = (index.resolve(name).iri for name in ("miR-522", "cisplatin", "GC"))
    chains = explain(G, agent, drug, cancer=cancer, broader=load_broader(built_dir), k=3)
    assert chains
    text = format_chains(G, chains, fmt, agent=agent, drug=drug, cancer=cancer)
    code, out, err = run_cli(capsys, "explain", "miR-522", "cisplatin", "--cancer", "GC", "--k", "3",
                             "--graph", str(built_dir), "--format", fmt)
    assert code == 0, err
    assert out == text


def test_no_chain_message_is_the_cli_error(capsys, built_dir):
    G = projection(built_dir)
    index = entity_index(built_dir)
    agent, drug, cancer = (index.resolve(name).iri for name in ("miR-522", "sorafenib", "GC"))
    assert not explain(G, agent, drug, cancer=cancer, broader=load_broader(built_dir), effect="sensitivity")
    line = exits_with_one_line(capsys, "explain", "miR-522", "sorafenib", "--cancer", "GC", "--effect", "sensitivity",
                               "--graph", str(built_dir))
    assert line == "error: " + no_chain_message(G, agent, drug, cancer, 5)
