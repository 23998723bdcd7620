"""Cold start of a read-only command against a bare pyoxigraph script, in the same run.

Both are fresh Python processes on the same on-disk store (a build folder's ``store``): the bare
script imports pyoxigraph, opens the store read-only and runs the SPARQL that
``exokg resistance --drug cisplatin`` runs (printed by ``exokg query resistance --show``);
ExoKG runs the command (name resolution, query, table). Runs alternate, so both see the same
machine load; medians and their ratio are printed (the target is 1.5x).

    python scripts/bench_start.py [--graph DIR] [--runs 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import json, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
prefixes = json.load(open(sys.argv[3]))["@context"]
rows = list(store.query(open(sys.argv[2]).read(), prefixes=prefixes))
print(len(rows))
"""


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=None, help="build folder (default: build the packaged data)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exokg = [sys.executable, "-m", "graph.cli"]
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        folder = args.graph
        if folder is None:
            folder = work / "build"
            subprocess.run([*exokg, "build", "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
        query = work / "q.rq"
        query.write_text(subprocess.run([*exokg, "query", "resistance", "--param", "drug=cisplatin", "--show",
                                         "--graph", str(folder)], check=True, capture_output=True, text=True).stdout)
        bare_script = work / "bare.py"
        bare_script.write_text(BARE)
        context = Path(__file__).resolve().parents[1] / "graph" / "data" / "context.jsonld"
        bare = [sys.executable, str(bare_script), str(folder / "store"), str(query), str(context)]
        command = [*exokg, "resistance", "--drug", "cisplatin", "--graph", str(folder)]
        timed(command)  # writes the entity index beside the store version once
        bare_times, exokg_times = [], []
        for _ in range(args.runs):
            bare_times.append(timed(bare))
            exokg_times.append(timed(command))
    b, e = statistics.median(bare_times), statistics.median(exokg_times)
    print(json.dumps({"runs": args.runs, "bare_ms": round(1000 * b), "exokg_ms": round(1000 * e),
                      "ratio": round(e / b, 2)}))


if __name__ == "__main__":
    main()
