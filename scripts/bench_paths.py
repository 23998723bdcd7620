#!/usr/bin/env python
"""Benchmark ExoKG path-finding on a synthetic graph shaped like ours, against plain networkx.

The graph: typed entity nodes in the proportions of the curated data, ~20 relations of the
ontology with their signs, symmetry, domain and range, and skewed degrees (Pareto-distributed
node weights, plus the generic hubs `cancer`, `cancer-cell`, `exosomes`, `chemotherapy`, `drug`
that draw a large share of the edges, as in the curated graph). 40 % of edges carry a cancer
context. Everything is seeded, so a run is reproducible.

Measured in one process:
- generation (numpy), and *load*: building the networkx MultiDiGraph with the projection's
  attributes (what graph.projection hands to the path code);
- per query, `graph.paths.k_shortest_paths(G, s, t, k=5, max_hops=4)` (default hub handling),
  and `graph.paths.simple_paths(G, s, t, max_hops=4)`: every path up to 4 hops, the same work as
  networkx's below (capped at the default 200,000 enumerated paths);
- per query, plain `networkx.all_simple_paths(G, s, t, cutoff=4)` enumerated to the end (needed
  to pick the 5 shortest), on the whole graph and on a hub-free `subgraph_view` (the same search
  space as ours), each stopped at --cap seconds per query so the run ends.

Queries: a source that is not a hub, and a target reached from it by a random hub-free walk of
2-4 hops, so that a path exists. Wall-clock and CPU medians, 90th percentiles and ratios are
printed (and written as JSON with --json); CPU time is the fairer figure on a shared machine.
After loading, `gc.freeze()` moves the graph out of the cyclic garbage collector's reach (a full
collection over a million-edge graph otherwise adds a second to whichever query triggers it).
Usage:

    python scripts/bench_paths.py                       # 1,000,000 edges, 40 queries
    python scripts/bench_paths.py --edges 100000 --queries 20 --cap 1
"""
from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import signal
import statistics
import sys
import time

import networkx as nx
import numpy as np

from graph.ontology import load_ontology
from graph.paths import HUB_KEYS, k_shortest_paths, simple_paths

# Entity types and statement relations in the proportions of the curated tables (counted when
# this benchmark was written: 426 entities, 659 statements).
TYPE_SHARE = {"GeneOrProtein": 95, "MicroRNA": 60, "ExosomePreparation": 55, "CancerType": 40, "Drug": 35,
              "BiologicalProcess": 40, "CellType": 25, "ChemicalEntity": 18, "Pathway": 18, "LongNonCodingRNA": 12,
              "CellLine": 12, "BodyFluid": 8, "CircularRNA": 8, "NonCodingRNA": 8, "Therapy": 4, "Organism": 3}
RELATION_SHARE = {"biomarkerFor": 70, "promotes": 90, "delivers": 55, "reversesResistanceTo": 45,
                  "activates": 40, "upregulates": 45, "derivedFrom": 30, "confersResistanceTo": 55,
                  "associatedWith": 35, "suppresses": 30, "downregulates": 30, "takenUpBy": 25, "inhibits": 20,
                  "secretes": 30, "memberOf": 15, "studiedIn": 10, "bindsTo": 8, "targets": 15, "interactsWith": 8,
                  "detectedIn": 15, "transports": 4, "regulates": 6, "sponges": 4}
HUBS = {"cancer": "CancerType", "cancer-cell": "CellType", "exosomes": "ExosomePreparation",
        "chemotherapy": "Drug", "drug": "Drug"}
HUB_SHARE = 0.15  # a hub of a fitting type takes this share of a relation's endpoints of that type


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout


def generate(edges: int, nodes: int, seed: int):
    """Nodes (id, attrs) and edges (u, v, key, attrs) as lists, plus the hub ids."""
    rng = np.random.default_rng(seed)
    ontology = load_ontology()
    total = sum(TYPE_SHARE.values())
    types = list(TYPE_SHARE)
    counts = {t: max(2, round(nodes * TYPE_SHARE[t] / total)) for t in types}
    node_list, by_type, weight_by_type = [], {}, {}
    i = 0
    for t in types:
        ids = []
        for _ in range(counts[t]):
            ident = f"https://w3id.org/exokg/entity/n{i}"
            node_list.append((ident, {"key": f"n{i}", "label": f"{t} {i}", "type": t}))
            ids.append(ident)
            i += 1
        by_type[t] = ids
        w = rng.pareto(1.2, size=len(ids)) + 1.0  # heavy-tailed popularity
        weight_by_type[t] = w / w.sum()
    hubs = []
    for key, t in HUBS.items():
        ident = f"https://w3id.org/exokg/entity/{key}"
        node_list.append((ident, {"key": key, "label": key, "type": t}))
        hubs.append((ident, t))
    cancers = by_type["CancerType"]

    def fits(cls, allowed):
        return any(ontology.is_a(cls, a) for a in allowed)

    rel_names = list(RELATION_SHARE)
    rel_p = np.array([RELATION_SHARE[r] for r in rel_names], dtype=float)
    rel_p /= rel_p.sum()
    per_relation = rng.multinomial(edges, rel_p)
    edge_list = []
    n = 0
    for name, count in zip(rel_names, per_relation):
        rel = ontology.relations[name]
        attrs = {"relation": name, "relation_label": rel.label, "sign": rel.sign, "symmetric": rel.symmetric}
        ends = []
        for allowed in (rel.domain, rel.range):
            fitting = [t for t in types if fits(t, allowed)]
            sizes = np.array([counts[t] for t in fitting], dtype=float)
            picks_t = rng.choice(len(fitting), size=count, p=sizes / sizes.sum())
            picked = np.empty(count, dtype=object)
            for j, t in enumerate(fitting):
                mask = picks_t == j
                m = int(mask.sum())
                if m:
                    idx = rng.choice(len(by_type[t]), size=m, p=weight_by_type[t])
                    picked[mask] = np.array(by_type[t], dtype=object)[idx]
            hub_ids = [h for h, t in hubs if fits(t, allowed)]
            if hub_ids:
                mask = rng.random(count) < HUB_SHARE
                picked[mask] = np.array(hub_ids, dtype=object)[rng.integers(0, len(hub_ids), int(mask.sum()))]
            ends.append(picked)
        has_context = rng.random(count) < 0.4
        cancer_idx = rng.choice(len(cancers), size=count, p=weight_by_type["CancerType"])
        for u, v, c, ci in zip(ends[0], ends[1], has_context, cancer_idx):
            if u == v:
                continue
            edge_list.append((u, v, f"s{n}", dict(attrs, context={"cancer": [cancers[ci]]} if c else {})))
            n += 1
    return node_list, edge_list, {h for h, _ in hubs}


def load(node_list, edge_list) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_nodes_from(node_list)
    G.add_edges_from(edge_list)
    return G


def pick_queries(G, hubs, count, seed):
    rng = random.Random(seed)
    nodes = [n for n in G if n not in hubs and G.out_degree(n) > 0]
    queries = []
    while len(queries) < count:
        source = rng.choice(nodes)
        node, seen = source, {source}
        steps = rng.randint(2, 4)
        for _ in range(steps):
            options = [v for v in G.successors(node) if v not in hubs and v not in seen]
            if not options:
                break
            node = rng.choice(options)
            seen.add(node)
        else:
            queries.append((source, node, steps))
    return queries


def capped(fn, cap):
    """(seconds, result, finished) of fn(), stopped after cap seconds."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        result = fn()
        finished = True
    except Timeout:
        result, finished = None, False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, result, finished


def summary(times, cpu=None):
    times = sorted(times)
    out = {"median_ms": round(1000 * statistics.median(times), 2),
           "p90_ms": round(1000 * times[int(0.9 * (len(times) - 1))], 2),
           "max_ms": round(1000 * times[-1], 2)}
    if cpu is not None:
        cpu = sorted(cpu)
        out.update(cpu_median_ms=round(1000 * statistics.median(cpu), 2),
                   cpu_p90_ms=round(1000 * cpu[int(0.9 * (len(cpu) - 1))], 2), cpu_max_ms=round(1000 * cpu[-1], 2))
    return out


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=250_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-hops", type=int, default=4)
    parser.add_argument("--cap", type=float, default=2.0, help="seconds per networkx query before it is stopped")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", dest="json_file", default=None)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    node_list, edge_list, hubs = generate(args.edges, args.nodes, args.seed)
    t1 = time.perf_counter()
    gc.collect()
    t2, c2 = time.perf_counter(), time.process_time()
    G = load(node_list, edge_list)
    t3, c3 = time.perf_counter(), time.process_time()
    del node_list, edge_list
    gc.collect()
    gc.freeze()
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges; "
          f"top out+in degrees: {sorted((d for _, d in G.degree()), reverse=True)[:6]}")
    print(f"generate {t1 - t0:.1f} s, load into networkx {t3 - t2:.1f} s (CPU {c3 - c2:.1f} s)")
    queries = pick_queries(G, hubs, args.queries, args.seed)
    assert all(n in hubs for n in G if G.nodes[n]["key"] in HUB_KEYS)
    hub_free = nx.subgraph_view(G, filter_node=lambda n: n not in hubs)

    k_wall, k_cpu, all_wall, all_cpu, plain, view = [], [], [], [], [], []
    plain_capped = view_capped = truncated = 0
    found_k, found_all, agree, covered, compared = [], [], 0, 0, 0
    finished_nx, finished_ours = [], []
    for source, target, _steps in queries:
        wall, cpu, paths = timed(lambda: k_shortest_paths(G, source, target, k=args.k, max_hops=args.max_hops))
        k_wall.append(wall)
        k_cpu.append(cpu)
        found_k.append(len(paths))
        wall, cpu, every = timed(lambda: simple_paths(G, source, target, max_hops=args.max_hops))
        all_wall.append(wall)
        all_cpu.append(cpu)
        found_all.append(len(every))
        truncated += every.truncated

        seconds, result, done = capped(lambda: list(nx.all_simple_paths(G, source, target, cutoff=args.max_hops)),
                                       args.cap)
        plain.append(seconds)
        plain_capped += not done
        seconds, result, done = capped(
            lambda: list(nx.all_simple_paths(hub_free, source, target, cutoff=args.max_hops)), args.cap)
        view.append(seconds)
        view_capped += not done
        if done:
            finished_nx.append(seconds)
            finished_ours.append(all_wall[-1])
        if done and not every.truncated:
            # the same search space, except that we also follow symmetric relations backwards
            compared += 1
            ours = {tuple(p["nodes"]) for p in every}
            covered += {tuple(p) for p in result} <= ours
            agree += bool(result) and bool(paths) and min(map(len, result)) - 1 == paths[0]["length"]
    n = len(queries)
    report = {
        "python": sys.version.split()[0], "networkx": nx.__version__, "machine": platform.machine(),
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "generate_s": round(t1 - t0, 2),
        "load_s": round(t3 - t2, 2), "load_cpu_s": round(c3 - c2, 2), "queries": n, "k": args.k,
        "max_hops": args.max_hops, "cap_s": args.cap,
        "exokg_k_shortest": dict(summary(k_wall, k_cpu), paths_found_median=statistics.median(found_k)),
        "exokg_all_paths": dict(summary(all_wall, all_cpu), paths_found_median=statistics.median(found_all),
                                truncated=truncated),
        "nx_all_simple_paths": dict(summary(plain), capped=plain_capped),
        "nx_all_simple_paths_hub_free": dict(summary(view), capped=view_capped),
        "checked_against_networkx": {"compared": compared, "networkx_paths_all_found": covered,
                                     "shortest_length_agrees": agree},
        "queries_networkx_finished": {
            "count": len(finished_nx),
            "nx_hub_free_median_ms": round(1000 * statistics.median(finished_nx), 2) if finished_nx else None,
            "exokg_all_paths_median_ms": round(1000 * statistics.median(finished_ours), 2) if finished_ours else None},
    }
    ours_k = report["exokg_k_shortest"]["median_ms"]
    ours_all = report["exokg_all_paths"]["median_ms"]
    report["ratio_plain_vs_k_shortest"] = round(report["nx_all_simple_paths"]["median_ms"] / ours_k, 1)
    report["ratio_hub_free_vs_all_paths"] = round(report["nx_all_simple_paths_hub_free"]["median_ms"] / ours_all, 1)
    r = report["exokg_k_shortest"]
    print(f"exokg k_shortest_paths k={args.k} <= {args.max_hops} hops: median {r['median_ms']} ms "
          f"(CPU {r['cpu_median_ms']} ms), p90 {r['p90_ms']} ms, max {r['max_ms']} ms; "
          f"median {r['paths_found_median']} paths found")
    r = report["exokg_all_paths"]
    print(f"exokg simple_paths (all) <= {args.max_hops} hops: median {r['median_ms']} ms (CPU {r['cpu_median_ms']} ms), "
          f"p90 {r['p90_ms']} ms, max {r['max_ms']} ms; median {r['paths_found_median']} paths, "
          f"{r['truncated']} truncated at the limit")
    for name, label in (("nx_all_simple_paths", "networkx all_simple_paths, whole graph"),
                        ("nx_all_simple_paths_hub_free", "networkx all_simple_paths, hub-free view")):
        r = report[name]
        print(f"{label}: median {r['median_ms']} ms, p90 {r['p90_ms']} ms, "
              f"{r['capped']}/{n} stopped at the {args.cap} s cap")
    print(f"ratios of medians: networkx whole graph / exokg k-shortest {report['ratio_plain_vs_k_shortest']}x; "
          f"networkx hub-free / exokg all paths {report['ratio_hub_free_vs_all_paths']}x "
          f"(capped networkx queries count at the cap, so these are lower bounds)")
    f = report["queries_networkx_finished"]
    if f["count"]:
        print(f"on the {f['count']} queries networkx (hub-free) finished: networkx median {f['nx_hub_free_median_ms']} ms, "
              f"exokg all paths median {f['exokg_all_paths_median_ms']} ms")
    c = report["checked_against_networkx"]
    print(f"checked on {c['compared']} queries networkx finished: all its paths found by exokg in "
          f"{c['networkx_paths_all_found']}, same shortest length in {c['shortest_length_agrees']}")
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
    return report


if __name__ == "__main__":
    main()
