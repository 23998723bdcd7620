"""Test and benchmark fixtures that do not belong in the installed package.

``synthetic_graph`` makes a projection-shaped graph of any size for the viz benchmark
(scripts/bench_viz.py) and the large-page test (tests/test_viz.py). Import it as
``from fixtures import synthetic_graph`` from a script here, or ``from scripts.fixtures import
synthetic_graph`` from the repository root.
"""
from __future__ import annotations

import random

import networkx as nx

from graph.ontology import load_ontology
from graph.viz import TYPE_STYLE


def synthetic_graph(n_nodes: int = 2000, n_edges: int | None = None, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped graph of ``n_nodes`` entities for benchmarks and tests.

    Scale-free-ish (preferential attachment), with the real types, relations and provenance
    fields; the same arguments always give the same graph.
    """
    rng = random.Random(seed)
    ontology = load_ontology()
    types = [t for t in TYPE_STYLE if t in ontology.class_labels]
    relations = list(ontology.relations.values())
    n_edges = n_edges if n_edges is not None else int(n_nodes * 1.3)
    G = nx.MultiDiGraph(source=None, broader={})
    for i in range(n_nodes):
        typ = types[i % len(types)]
        G.add_node(f"https://w3id.org/exokg/entity/synthetic-{i}", key=f"synthetic-{i:05d}",
                   label=f"{typ[:4].lower()}-{i}", type=typ, curie=None, mapped=False, synonyms=[])
    ids = list(G.nodes)
    ends = [ids[0]]
    for i in range(n_edges):
        u = ids[(i + 1) % n_nodes] if i < n_nodes - 1 else rng.choice(ids)
        v = rng.choice(ends)
        if u == v:
            v = ids[(ids.index(u) + 1) % n_nodes]
        r = relations[rng.randrange(len(relations))]
        G.add_edge(u, v, key=f"S-{i:05d}", relation=r.name, relation_label=r.label, sign=r.sign,
                   symmetric=r.symmetric, assertion=f"https://w3id.org/exokg/assertion/S-{i:05d}", section="3.1",
                   section_title="3.1 Synthetic", table_row=None, references=[1 + i % 217],
                   summary=f"Synthetic statement {i}.", context={})
        ends += [u, v]
    return G
