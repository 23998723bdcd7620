"""What labelling imported facts costs `show` and `neighbors`, against the review alone in the same run.

    python scripts/bench_sources.py BUILD_DIR [--entity BCL2 --entity miR-522] [--repeat 15]

BUILD_DIR is a build folder into which sources were imported (`exokg import ...`). For each
entity, the median wall time of ``competency.show`` and ``competency.neighbors`` (hops 1 and 2)
with ``sources="review"`` (the baseline: what the commands did before they listed imported facts)
and with ``sources="all"``, the ratio, and how many imported facts were listed. The store and
the entity index are opened once before timing (warm, as in a long-lived process).
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--entity", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    from graph import competency
    from graph.ingest import imported_sources
    from graph.store import open_store

    print("imported:", ", ".join(f"{s['source']} ({s['imported']:,} rows)" for s in imported_sources(open_store(args.build))))
    print(f"{'question':34} {'review ms':>10} {'all ms':>10} {'ratio':>6} {'imported rows':>14}")
    for entity in args.entity or ["BCL2", "miR-522"]:
        cases = [(f"show {entity}", lambda s, e=entity: competency.show(e, args.build, sources=s)),
                 (f"neighbors {entity}", lambda s, e=entity: competency.neighbors(e, 1, source=args.build, sources=s)),
                 (f"neighbors {entity} --hops 2",
                  lambda s, e=entity: competency.neighbors(e, 2, source=args.build, sources=s))]
        for name, call in cases:
            answer = call("all")  # warm: store, entity index, query plans
            extra = len(answer["imported"]) if isinstance(answer, dict) else sum(r["source"] != "review" for r in answer)
            base, full = median_ms(lambda: call("review"), args.repeat), median_ms(lambda: call("all"), args.repeat)
            print(f"{name:34} {base:10.1f} {full:10.1f} {full / base:6.2f} {extra:14,}")


if __name__ == "__main__":
    main()
