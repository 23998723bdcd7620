"""The --graph check after `exokg build` and `exokg load`: what the first command pays.

Every command given --graph runs the bounded check of graph/graphcheck.py once per store version.
A build now marks the version it publishes as checked, and a load of new named graphs into a
checked version asks the check's queries about the subjects of those graphs only. For each size
(a build of renamed copies of the curated tables, ``make_scale_fixture.py --tables``) this times,
in fresh processes, each beside the baseline of the same run (a bare pyoxigraph script that opens
the store read-only and runs one query):

* the build, then the first `exokg query ASK --graph DIR` after it ("after": the build's marker; the
  ASK is the bare script's query), then `exokg stats --graph DIR`;
* the same command once the marker is removed ("before": the full check, as every first command
  paid before this change);
* `exokg load` of a renamed copy of ``--load`` triples (``make_scale_fixture.py --graph``; its
  restricted check is part of it) beside a bare ``bulk_load`` of the same file into a fresh store,
  the restricted check alone, and the first commands after the load, then again without the
  marker (the full check on the merged store);
* with ``--per-query``, each query of the full check on the merged store (seconds).

    python scripts/bench_check.py --sizes 1000000 [--load 100000] [--runs 3] [--per-query]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import EXOKG, RAW_LOAD, ROOT, built_triples, make_tables, measure  # noqa: E402

PER_COPY = 13_900  # triples a copy of the curated tables adds (about; bench_scale.py --mode build measures it)
ASK = "ASK { ?x a <https://w3id.org/exokg/ontology/Assertion> }"
BARE = f"""
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print(store.query("{ASK}"))
"""
RESTRICTED = """
import sys, time
from graph.graphcheck import added_offender, merged_graphs
from graph.store import open_store
store = open_store(sys.argv[1])
graphs = [g for g in merged_graphs(store) if g in sys.argv[2:]]
start = time.perf_counter()
print(added_offender(store, graphs) is None, len(graphs), time.perf_counter() - start)
"""
PER_QUERY = """
import json, sys, time
from graph.graphcheck import XSD, check_queries
from graph.store import open_store, query_options
from graph.vocab import PREFIXES
store = open_store(sys.argv[1])
out = []
for query in check_queries():
    start = time.perf_counter()
    found = next(iter(store.query(query, prefixes={**PREFIXES, "xsd": XSD}, **query_options(store))), None)
    out.append((round(time.perf_counter() - start, 2), found is not None, " ".join(query.split())[:110]))
print(json.dumps(out))
"""


def markers(folder: Path) -> list[Path]:
    version = (folder / "store").resolve()
    return sorted(version.parent.glob(f"{version.name}.checked-*"))


def first_command(folder: Path, runs: int) -> list[float]:
    """`exokg query ASK --graph folder` (the bare script's query), ``runs`` fresh processes (the
    first is the first command), and `exokg stats --graph folder` once."""
    asked = [round(measure([*EXOKG, "query", ASK, "--graph", folder])[0], 2) for _ in range(runs)]
    return asked + [round(measure([*EXOKG, "stats", "--graph", folder])[0], 2)]


def bare(folder: Path, runs: int) -> float:
    store = (folder / "store").resolve()
    return round(statistics.median(measure([sys.executable, "-c", BARE, store])[0] for _ in range(runs)), 2)


def unmarked(folder: Path) -> float:
    """The first command on the same version without its marker: the full check (then marked again)."""
    for marker in markers(folder):
        marker.unlink()
    return round(measure([*EXOKG, "query", ASK, "--graph", folder])[0], 2)


def load_fixture(work: Path, triples: int) -> Path:
    """Renamed copies of the curated graph, as make_scale_fixture.py --graph writes them, with the
    suffix -l<i> for its -c<i> (which the build's copies of the tables already use: the same name
    with other values would be a second exo:isMapped, an offence the check rightly reports), and
    whole copies only (about ``triples``)."""
    base, raw = work / "base", work / "load-c.nt"
    subprocess.run([*EXOKG, "build", "--out", str(base)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_scale_fixture.py"), "--graph", str(base),
                    "--triples", str(triples), "-o", str(raw)], check=True, stdout=subprocess.DEVNULL)
    lines = [re.sub(r'-c(\d+)([>"])', r"-l\1\2", line) for line in raw.read_text(encoding="utf-8").splitlines(True)]
    last = max(int(n) for line in lines for n in re.findall(r'-l(\d+)[>"]', line))
    if last > 1:  # the last copy is cut short (its assertions would name entities it lacks): drop it
        lines = [line for line in lines if not re.search(rf'-l{last}[>"]', line)]
    fixture = work / "load.nt"
    fixture.write_text("".join(lines), encoding="utf-8")
    return fixture


def bench(work: Path, size: int, load: int, runs: int, per_query: bool) -> dict:
    copies = max(1, round(size / PER_COPY))
    folder = work / f"built-{copies}"
    build_s, _ = measure([*EXOKG, "build", "--data", make_tables(work, copies), "--out", folder])
    result: dict = {"target": size, "triples": built_triples(folder), "build_s": round(build_s, 2),
                    "build_marked": bool(markers(folder))}
    result["bare_after_build_s"] = bare(folder, runs)
    result["query_then_stats_after_build_s"] = first_command(folder, runs)
    result["query_after_build_unmarked_s"] = unmarked(folder)
    fixture = load_fixture(work, load)
    result["load_triples"] = sum(1 for _ in open(fixture, encoding="utf-8"))
    load_s, _ = measure([*EXOKG, "load", fixture, "--graph", folder])
    result["load_s"], result["load_marked"] = round(load_s, 2), bool(markers(folder))
    raw_s, _ = measure([sys.executable, "-c", RAW_LOAD, work / "raw-load", fixture])
    result["raw_bulk_load_s"] = round(raw_s, 2)
    done = subprocess.run([sys.executable, "-c", "import sys; from graph.load import slug; from graph.store import "
                           "GRAPH_BASE, file_digest; from pathlib import Path; p = Path(sys.argv[1]); "
                           "print(GRAPH_BASE + slug(p, file_digest(p)))", fixture],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    clean, graphs, seconds = subprocess.run([sys.executable, "-c", RESTRICTED, folder, done.stdout.strip()], check=True,
                                       capture_output=True, text=True, cwd=ROOT).stdout.split()
    result["restricted_check_s"], result["restricted_clean"] = round(float(seconds), 2), clean == "True"
    assert graphs == "1", "the loaded graph is not in the store"
    result["bare_after_load_s"] = bare(folder, runs)
    result["query_then_stats_after_load_s"] = first_command(folder, runs)
    result["query_after_load_unmarked_s"] = unmarked(folder)
    if per_query:
        timed = json.loads(subprocess.run([sys.executable, "-c", PER_QUERY, folder], check=True, capture_output=True,
                                          text=True, cwd=ROOT).stdout)
        result["per_query"] = sorted(timed, reverse=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--load", type=int, default=100_000, help="triples of the file loaded after the build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-query", action="store_true", help="time each query of the full check after the load")
    parser.add_argument("--work", type=Path, default=None, help="folder for fixtures and stores (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for size in args.sizes:
            results.append(bench(Path(tmp), size, args.load, args.runs, args.per_query))
            print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
