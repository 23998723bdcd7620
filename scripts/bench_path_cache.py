#!/usr/bin/env python
"""Benchmark cold `exokg path` / `exokg explain` on the path index (graph/pathgraph.py), each
figure beside a baseline measured in the same run. Every timing is a fresh process (interpreter
start, imports, opening files, resolving names, searching, printing), the median of --runs.

Part 1, a real store (--store-edges, default 100,000 assertion edges): the curated graph is built,
renamed copies of it (scripts/make_scale_fixture.py) are loaded with `exokg load` until the store
holds about that many assertion edges, and then

* the first `exokg path` (it writes the index beside the store version) and its peak memory;
* cold `exokg path circBIRC6 oxaliplatin`, `exokg path miR-522 chemotherapy` (into a hub the
  copies share) and `exokg explain miR-522 cisplatin --cancer GC` with the index made;
* baseline: a bare script that opens the same store read-only with pyoxigraph and does one
  directed breadth-first search over the direct triples from circBIRC6 to oxaliplatin;
* with --old, the previous way (the networkx projection and the entity index unpickled from
  beside the store, as `exokg path` did before the index), warm (its pickles made first).

Part 2, a synthetic index (--edges, default 1,000,000): the graph of scripts/bench_paths.py
(Pareto degrees, generic hubs of 50k-70k edges) written with graph.pathgraph.IndexWriter, then
per query a fresh process that opens it, resolves both names, runs k_shortest_paths (k=5, at most
4 hops) and prints the table, or runs explain (drug targets include the umbrella hubs
`chemotherapy` and `drug`; the default edge budget, how many answers it cut is reported); baseline: a fresh process that opens the same file with sqlite3 and
does one plain breadth-first search between the same two nodes.

    python scripts/bench_path_cache.py --store-edges 100000 --edges 1000000 --runs 5 [--old] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

EXOKG = [sys.executable, "-m", "graph.cli"]

STORE_BFS = """
import sys
from collections import deque
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
source, target = ox.NamedNode(sys.argv[2]), ox.NamedNode(sys.argv[3])
seen, todo = {source: 0}, deque([source])
while todo:
    u = todo.popleft()
    if u == target:
        break
    for q in store.quads_for_pattern(u, None, None):
        v = q.object
        if isinstance(v, ox.NamedNode) and v not in seen and q.predicate.value.startswith("https://w3id.org/exokg/ontology/"):
            seen[v] = seen[u] + 1
            todo.append(v)
print(seen.get(target))
"""
OLD_WAY = """
import sys
from graph.entities import entity_index
from graph.paths import find_paths
from graph.projection import projection
G = projection(sys.argv[1])
index = entity_index(sys.argv[1])
s, t = index.resolve(sys.argv[2]).iri, index.resolve(sys.argv[3]).iri
print(len(find_paths(G, s, t, k=1, max_hops=6)))
"""
INDEX_PATH = """
import sys
from graph.pathgraph import PathGraph
from graph.paths import k_shortest_paths
from graph.paths_render import format_paths
G = PathGraph(sys.argv[1])
s, t = G.resolve(sys.argv[2]), G.resolve(sys.argv[3])
found = k_shortest_paths(G, s, t, k=5, max_hops=4)
sys.stdout.write(format_paths(G, found, "table", source=s, target=t, mode="5 shortest paths", hops=4))
"""
INDEX_EXPLAIN = """
import sys
from graph.explain import explain
from graph.pathgraph import PathGraph
from graph.paths_render import format_chains
G = PathGraph(sys.argv[1])
a, d = G.resolve(sys.argv[2]), G.resolve(sys.argv[3])
chains = explain(G, a, d, broader=G.broader(), k=10, max_hops=4)
sys.stdout.write(format_chains(G, chains, "table", agent=a, drug=d))
print(f"budget_cut={chains.budget_cut} spent={chains.spent}")
"""
SQLITE_BFS = """
import sqlite3, sys
from collections import deque
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
ids = {k: i for k, i in db.execute("SELECT key, id FROM nodes WHERE key IN (?, ?)", sys.argv[2:4])}
source, target = ids[sys.argv[2]], ids[sys.argv[3]]
seen, todo = {source: 0}, deque([source])
while todo:
    u = todo.popleft()
    if u == target:
        break
    for (v,) in db.execute("SELECT dst FROM edges WHERE src = ?", (u,)):
        if v not in seen:
            seen[v] = seen[u] + 1
            todo.append(v)
print(seen.get(target))
"""


CAP_S = 120.0  # a query still running after this is stopped and counted at the cap


def run(cmd: list[str], env: dict | None = None, cap: float | None = CAP_S) -> tuple[float, str]:
    """(seconds, stdout) of a fresh process; one still running after ``cap`` seconds is stopped and counted at the cap."""
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=cap)
    except subprocess.TimeoutExpired:
        return CAP_S, ""
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:6])}...: {done.stderr.strip()[-500:]}")
    return elapsed, done.stdout


def median_of(cmd, runs, env=None) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        t, out = run(cmd, env)
        times.append(t)
        if t >= CAP_S:
            break
    return statistics.median(times), out


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# ---------------------------------------------------------------- part 1: a real store


class _FirstCopy:
    """Counts the triples (and assertions) of copy 1 of a scale fixture, then stops the writer."""

    def __init__(self):
        self.triples = self.assertions = 0

    def write(self, line: str) -> None:
        if "-c2>" in line:
            raise StopIteration
        self.triples += 1
        self.assertions += line.rstrip(" .\n").endswith("<https://w3id.org/exokg/ontology/Assertion>")


def copy_size(nt: Path) -> tuple[int, int]:
    """(triples, assertion edges) of one renamed copy of the graph in ``nt``."""
    from make_scale_fixture import write_fixture

    sink = _FirstCopy()
    try:
        write_fixture(nt, 10**12, sink)
    except StopIteration:
        pass
    return sink.triples, sink.assertions


def store_part(edges: int, runs: int, old: bool, work: Path, env: dict) -> dict:
    from make_scale_fixture import write_fixture

    build = work / "build"
    run(EXOKG + ["build", "--out", str(build)], env, None)
    fixture = work / "scale.nt"
    per_copy, edges_per_copy = copy_size(build / "exokg.nt")
    copies = max(1, round(edges / edges_per_copy))
    with open(fixture, "w", encoding="utf-8") as out:  # whole copies: a cut copy would leave dangling assertions
        triples = write_fixture(build / "exokg.nt", copies * per_copy, out)
    load_s, _ = run(EXOKG + ["load", str(fixture), "--graph", str(build)], env, None)
    fixture.unlink()
    path_cmd = EXOKG + ["path", "circBIRC6", "oxaliplatin", "--graph", str(build)]
    before = peak_child_rss_mb()
    first_s, _ = run(path_cmd, env, None)  # writes the index: not capped
    first_rss = peak_child_rss_mb()
    (index,) = sorted((build / ".store").glob("*.paths-*.sqlite"))
    with sqlite3.connect(index) as db:
        n_edges = db.execute("SELECT count(*) FROM edges").fetchone()[0]
        n_nodes = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
        hub_in = db.execute("SELECT count(*) FROM edges WHERE dst = (SELECT id FROM nodes WHERE key = 'chemotherapy')"
                            ).fetchone()[0]
    report = {"fixture_triples": triples, "copies": copies, "load_s": round(load_s, 1), "edges": n_edges, "nodes": n_nodes,
              "chemotherapy_in_edges": hub_in, "index_mb": round(index.stat().st_size / 2**20, 1),
              "first_path_s": round(first_s, 2),
              "first_path_peak_rss_mb": round(first_rss, 0) if first_rss > before else "below an earlier child"}
    for name, cmd in (("path", path_cmd),
                      ("path_into_hub", EXOKG + ["path", "miR-522", "chemotherapy", "--k", "3", "--graph", str(build)]),
                      ("explain", EXOKG + ["explain", "miR-522", "cisplatin", "--cancer", "GC", "--graph", str(build)])):
        report[f"{name}_cold_s"] = round(median_of(cmd, runs, env)[0], 3)
    from graph.pathgraph import PathGraph

    G = PathGraph(str(index))
    ends = [G.resolve("circBIRC6"), G.resolve("oxaliplatin")]
    baseline_s, hops = median_of([sys.executable, "-c", STORE_BFS, str(build / "store"), *ends], runs, env)
    report["baseline_store_bfs_s"] = round(baseline_s, 3)
    report["baseline_bfs_hops"] = hops.strip()
    report["ratio_path_to_baseline"] = round(report["path_cold_s"] / baseline_s, 2)
    report["ratio_explain_to_baseline"] = round(report["explain_cold_s"] / baseline_s, 2)
    if old:
        run([sys.executable, "-c", OLD_WAY, str(build), "circBIRC6", "oxaliplatin"], env, None)  # makes its pickles
        report["old_projection_warm_s"] = round(
            median_of([sys.executable, "-c", OLD_WAY, str(build), "circBIRC6", "oxaliplatin"], runs, env)[0], 3)
        report["ratio_old_to_path"] = round(report["old_projection_warm_s"] / report["path_cold_s"], 1)
    return report


# ---------------------------------------------------------------- part 2: a synthetic index


def write_synthetic(file: Path, edges: int, nodes: int, seed: int) -> dict:
    from bench_paths import generate

    from graph.pathgraph import IndexWriter

    start = time.perf_counter()
    node_list, edge_list, hubs = generate(edges, nodes, seed)
    generated = time.perf_counter()
    writer = IndexWriter(file, [("review", "synthetic", "review")])
    for iri, attrs in node_list:
        writer.add_node(iri, attrs["key"], attrs["type"], dict(attrs, curie=None), label=attrs["label"])
    writer.add_edges((u, v, key, "review", d["relation"], d["sign"], d["symmetric"], d["context"],
                      {k: d[k] for k in ("relation", "relation_label", "sign", "symmetric")}
                      | {"summary": f"synthetic statement {key}", "section": "0", "references": []})
                     for u, v, key, d in edge_list)
    writer.close()
    return {"edges": len(edge_list), "nodes": len(node_list), "generate_s": round(generated - start, 1),
            "write_index_s": round(time.perf_counter() - generated, 1),
            "index_mb": round(file.stat().st_size / 2**20, 1)}


def pick(file: Path, count: int, seed: int) -> tuple[list, list, list]:
    """(path pairs by hub-free walks of 2-4 hops, explain (agent, drug) pairs, pairs into a hub), as keys."""
    from graph.paths import HUB_KEYS

    db = sqlite3.connect(file)
    rng = random.Random(seed)
    key = dict(db.execute("SELECT id, key FROM nodes"))
    hubs = {i for i, k in key.items() if k in HUB_KEYS}
    n = max(key)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        node = rng.randint(1, n)
        if node in hubs:
            continue
        source, seen = node, {node}
        for _ in range(rng.randint(2, 4)):
            options = [v for (v,) in db.execute("SELECT dst FROM edges WHERE src = ?", (node,))
                       if v not in hubs and v not in seen]
            if not options:
                break
            node = rng.choice(options)
            seen.add(node)
        else:
            pairs.append((key[source], key[node]))
    resist = db.execute("SELECT e.src, e.dst FROM edges e JOIN nodes n ON n.id = e.dst WHERE e.relation = "
                        "'confersResistanceTo' AND n.type = 'Drug' AND n.key NOT IN ('chemotherapy', 'drug')").fetchall()
    explains: list[tuple[str, str]] = []
    rng.shuffle(resist)
    for u, d in resist:
        if u in hubs:
            continue
        agents = [a for (a,) in db.execute("SELECT src FROM edges WHERE dst = ? AND relation IN ('targets', 'promotes', "
                                           "'upregulates', 'activates', 'inhibits', 'secretes')", (u,)) if a not in hubs]
        if agents:
            explains.append((key[rng.choice(agents)], key[d]))
        if len(explains) >= count:
            break
    into_hub = [(s, "chemotherapy") for s, _ in pairs[:count]]
    return pairs, explains, into_hub


def synthetic_part(edges: int, nodes: int, queries: int, runs: int, work: Path, env: dict, seed: int,
                   explain_queries: int) -> dict:
    file = work / "synthetic.paths.sqlite"
    report = write_synthetic(file, edges, nodes, seed)
    print("synthetic index", report, flush=True)
    pairs, explains, into_hub = pick(file, queries, seed)

    def cold(name, script, chosen):
        values, outs = [], []
        for s, t in chosen:
            value, out = median_of([sys.executable, "-c", script, str(file), s, t], runs, env)
            values.append(value)
            outs.append(out)
        if script is INDEX_EXPLAIN:  # how many answers the edge budget cut short (said in the output)
            report["explain_budget_cut"] = sum("budget_cut=True" in out for out in outs)
        report[f"{name}_median_s"] = round(statistics.median(values), 3)
        report[f"{name}_max_s"] = round(max(values), 3)
        report[f"{name}_all_s"] = [round(v, 3) for v in values]
        print(name, report[f"{name}_all_s"], flush=True)

    cold("baseline_sqlite_bfs", SQLITE_BFS, pairs)
    cold("path_cold", INDEX_PATH, pairs)
    cold("path_into_hub_cold", INDEX_PATH, into_hub)
    cold("explain_cold", INDEX_EXPLAIN, explains[:explain_queries])
    report["queries"] = {"path": len(pairs), "explain": len(explains[:explain_queries]), "into_hub": len(into_hub)}
    report["ratio_path_to_baseline"] = round(report["path_cold_median_s"] / report["baseline_sqlite_bfs_median_s"], 2)
    report["ratio_explain_to_baseline"] = round(report["explain_cold_median_s"] / report["baseline_sqlite_bfs_median_s"], 2)
    file.unlink()
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store-edges", type=int, default=100_000, help="assertion edges of the real store (0: skip)")
    parser.add_argument("--edges", type=int, default=1_000_000, help="edges of the synthetic index (0: skip)")
    parser.add_argument("--nodes", type=int, default=250_000)
    parser.add_argument("--queries", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain-queries", type=int, default=3, help="explain queries of the synthetic part")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--old", action="store_true", help="also time the previous way (networkx projection pickles)")
    parser.add_argument("--json", dest="json_file", default=None)
    args = parser.parse_args(argv)
    report: dict = {"python": sys.version.split()[0], "runs": args.runs, "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="exokg-bench-paths-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, EXOKG_CACHE=str(work / "cache"))
        if args.store_edges:
            report["store"] = store_part(args.store_edges, args.runs, args.old, work, env)
            print(json.dumps({"store": report["store"]}, indent=2), flush=True)
        if args.edges:
            report["synthetic"] = synthetic_part(args.edges, args.nodes, args.queries, args.runs, work, env, args.seed,
                                                 args.explain_queries)
            print(json.dumps({"synthetic": report["synthetic"]}, indent=2), flush=True)
    report["load_average_after"] = os.getloadavg()
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
