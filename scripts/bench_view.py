#!/usr/bin/env python3
"""What the checked view of the graph (graph/view.py) costs, against a baseline in the same run.

On the packaged graph (an in-memory pyoxigraph store, loaded once):

* baseline: the SPARQL the view reads (entity and assertion triples, sections, references) run
  and iterated, with no grouping, typing or checks: the floor any reader of the store pays;
* the view: :func:`graph.view.read_view` (grouping, typed Node/Edge, every check);
* its graph form: :meth:`GraphView.to_networkx` (the projection);
* the export view: :func:`graph.export.view.build_view` from the rdflib graph (copy into a
  store of the data alone, read, count what the formats do not carry).

Medians of ``--repeat`` runs; printed as a Markdown table.

    python scripts/bench_view.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import statistics
import time


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from graph.export.view import build_view
    from graph.ontology import load_ontology
    from graph.store import load_rdflib, open_store
    from graph.view import ASSERTION_ROWS, NODE_ROWS, REFERENCE_ROWS, SECTION_ROWS, read_view
    from graph.vocab import PREFIXES

    store = open_store()
    load_ontology()  # cached: the view reads it, the baseline does not

    def baseline():
        for query in (NODE_ROWS, ASSERTION_ROWS, SECTION_ROWS, REFERENCE_ROWS):
            for _ in store.query(query, prefixes=PREFIXES):
                pass

    view = read_view(store)
    graph = load_rdflib()
    rows = [
        ("baseline: the view's SPARQL, iterated", median_ms(baseline, args.repeat)),
        ("read_view (typed, checked)", median_ms(lambda: read_view(store), args.repeat)),
        ("GraphView.to_networkx (the projection)", median_ms(view.to_networkx, args.repeat)),
        ("export build_view from rdflib (with dropped counts)", median_ms(lambda: build_view(graph), args.repeat)),
    ]
    print(f"packaged graph: {len(view.nodes)} nodes, {len(view.edges)} edges; median of {args.repeat} runs\n")
    print("| step | ms |\n|---|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} |")


if __name__ == "__main__":
    main()
