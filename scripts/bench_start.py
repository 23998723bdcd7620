"""Cold start of read-only commands against a bare pyoxigraph script, in the same run.

Every run is a fresh Python process on the same on-disk store (a build folder's ``store``):

* ``bare``: a script that imports pyoxigraph, opens the store read-only and runs the SPARQL the
  command runs, with the entity already resolved (printed by ``exokg query NAME --show``). For
  ``explain``, whose search runs on the networkx projection kept beside the store version, the
  bare script opens the store and unpickles that projection instead (the data explain starts from).
* ``exokg``: the command itself (option checks, name resolution, query, table).
* ``teardown``: the command run through ``main(argv)``, which returns instead of ending the
  process at once, so the interpreter's teardown runs as in the bare script (what the
  console script saves by ending a read-only command at once, see graph/cli.py).
* ``before`` (with ``--before DIR``): the same command from another source tree of ExoKG (for
  example ``git archive`` of an earlier commit), run with ``PYTHONPATH=DIR``, so an improvement
  is measured against the old code under the same load.

Runs alternate (bare, before, exokg, for each command in turn), so all see the same machine
load; medians of wall-clock and of CPU time (user + system of the process, steadier than wall
time on a shared machine) and their ratios to the bare script are printed as JSON (the target is
1.5x). Every process may write compiled bytecode, under a folder of the run (PYTHONPYCACHEPREFIX,
whatever PYTHONDONTWRITEBYTECODE says), as an installed package has it: without it, each start
would compile ExoKG's modules again, a cost no user pays and the bare script does not have.

    python scripts/bench_start.py [--graph DIR] [--runs 15] [--before DIR] [--commands resistance,query,show]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_SPARQL = """
import json, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
prefixes = json.load(open(sys.argv[2]))["@context"]
for name in sys.argv[3:]:
    print(len(list(store.query(open(name).read(), prefixes=prefixes))))
"""

BARE_PROJECTION = """
import pickle, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    graph = pickle.load(handle)
print(len(store), graph.number_of_edges())
"""

# command -> (its arguments, the named queries (with parameters) it runs, for the bare script)
COMMANDS = {
    "resistance": (["resistance", "--drug", "cisplatin"], [["resistance", "--param", "drug=cisplatin"]]),
    "show": (["show", "miR-522"], [["entity", "--param", "entity=miR-522"],
                                   ["statements", "--param", "entity=miR-522"]]),
    "explain": (["explain", "miR-522", "cisplatin", "--cancer", "GC"], []),
    "query": (["query", "resistance", "--param", "drug=cisplatin"], [["resistance", "--param", "drug=cisplatin"]]),
}


def timed(args: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed (status {status})")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--graph", type=Path, default=None, help="build folder (default: build the packaged data)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, default=None,
                        help="an earlier ExoKG source tree (holding graph/) to time beside the current one")
    parser.add_argument("--commands", default="resistance,query,show",
                        help="comma-separated, from: " + ", ".join(COMMANDS) + " (default: resistance,query,show)")
    args = parser.parse_args()
    names = [n for n in args.commands.split(",") if n]
    unknown = sorted(set(names) - set(COMMANDS))
    if unknown:
        parser.error(f"unknown command(s) {', '.join(unknown)}; choose from {', '.join(COMMANDS)}")
    exokg = [sys.executable, "-m", "graph.cli"]
    returning = [sys.executable, "-c", "import sys; from graph.cli import main; main(sys.argv[1:])"]
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        before_env, before_dir = None, None
        if args.before is not None:  # `-m` puts the working folder first on sys.path, so run from there
            before_dir = args.before.resolve()
            before_env = {**env, "PYTHONPATH": str(before_dir)}
        folder = args.graph
        if folder is None:
            folder = work / "build"
            subprocess.run([*exokg, "build", "--out", str(folder)], check=True, stdout=subprocess.DEVNULL, env=env)
        context = Path(__file__).resolve().parents[1] / "graph" / "data" / "context.jsonld"
        store = folder / "store"
        plans = {}
        for name in names:
            command, queries = COMMANDS[name]
            command = [*command, "--graph", str(folder)]
            timed([*exokg, *command], env)  # writes what is kept beside the store version, and the bytecode
            if before_env is not None:
                timed([*exokg, *command], before_env, before_dir)
            if queries:
                files = []
                for i, query in enumerate(queries):
                    path = work / f"{name}-{i}.rq"
                    path.write_text(subprocess.run([*exokg, "query", *query, "--show", "--graph", str(folder)],
                                                   check=True, capture_output=True, text=True, env=env).stdout)
                    files.append(str(path))
                script = work / "bare_sparql.py"
                script.write_text(BARE_SPARQL)
                bare = [sys.executable, str(script), str(store), str(context), *files]
            else:
                version = store.resolve()
                if not list(version.parent.glob(version.name + ".projection-*.pickle")):  # explain reads its path index now
                    subprocess.run([sys.executable, "-c", "import sys; from graph.projection import projection; "
                                    "projection(sys.argv[1])", str(folder)], check=True, env=env)
                kept = sorted(version.parent.glob(version.name + ".projection-*.pickle"), key=lambda p: p.stat().st_mtime)
                script = work / "bare_projection.py"
                script.write_text(BARE_PROJECTION)
                bare = [sys.executable, str(script), str(store), str(kept[-1])]
            timed(bare, env)
            plans[name] = (bare, [*exokg, *command], [*returning, *command])
        times: dict[str, dict[str, list[tuple[float, float]]]] = {
            n: {"bare": [], "before": [], "exokg": [], "teardown": []} for n in names}
        load = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name in names:
                bare, command, with_teardown = plans[name]
                times[name]["bare"].append(timed(bare, env))
                if before_env is not None:
                    times[name]["before"].append(timed(command, before_env, before_dir))
                times[name]["exokg"].append(timed(command, env))
                times[name]["teardown"].append(timed(with_teardown, env))
            load.append(os.getloadavg()[0])
    report: dict = {"runs": args.runs, "load": [round(min(load), 1), round(max(load), 1)]}
    for name in names:
        row = {}
        for kind, i in (("wall", 0), ("cpu", 1)):
            b = statistics.median(t[i] for t in times[name]["bare"])
            e = statistics.median(t[i] for t in times[name]["exokg"])
            row.update({f"{kind}_bare_ms": round(1000 * b), f"{kind}_exokg_ms": round(1000 * e),
                        f"{kind}_ratio": round(e / b, 2)})
            for other in ("teardown", "before"):
                if times[name][other]:
                    value = statistics.median(t[i] for t in times[name][other])
                    row.update({f"{kind}_{other}_ms": round(1000 * value), f"{kind}_{other}_ratio": round(value / b, 2)})
        report[name] = row
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
