"""Scale benchmark: the on-disk store, `exokg load` and cold commands on a merged store, each
figure beside its baseline measured in the same run.

For each size (triples of a fixture from scripts/make_scale_fixture.py, loaded into a build of
the curated graph):

* load: `exokg load FIXTURE` (a new store version: link-copy, bulk load, count, description)
  against a bare pyoxigraph `Store(dir).bulk_load` of the same file; seconds, triples/s, peak
  memory of the child process (getrusage);
* store size on disk;
* cold commands (fresh processes): `resistance`, `show`, `find`, `path`, `explain`, and the bare
  baseline: a script that opens the same store read-only and runs the same resistance SPARQL;
* path cold (first run: computes the projection and keeps it beside the store) and warm (later
  runs start from it).

    python scripts/bench_scale.py --sizes 100000 1000000 [--runs 3] [--json out.json]

``--mode build`` measures the streaming build instead (issue 14, items 2 and 9): for each size, a
folder of renamed copies of the curated tables (``make_scale_fixture.py --tables``) is built with
``exokg build --data``, against a bare ``Store(dir).bulk_load`` of the exokg.nt it wrote (seconds,
triples/s, peak memory of each child); then store size on disk, cold ``resistance``, ``show``,
``explain`` beside the bare script, ``path`` cold and warm, and ``validate`` (each child stopped
after ``--timeout`` seconds and reported as such). ``--build-only-above N`` times only the build
and its baseline for sizes over N triples.

    python scripts/bench_scale.py --mode build --sizes 100000 1000000 5000000 [--build-only-above 5000000]

``--mode cold --folder DIR`` times the commands on a build folder that already exists (a 10M
build takes minutes, so it is built once and kept): the first command after the build (``stats``,
which makes the per-version ``--graph`` check) and the first ``explain`` (which writes the path
index), each timed once; then cold ``resistance``, ``show``, ``explain`` and ``path`` (median of
``--runs``) beside the bare script; then ``validate`` of the folder and of its exokg.nt. Each
child is stopped after ``--timeout`` seconds, or when its resident memory passes ``--max-mb``
(the machine is shared), and reported as such, with the load average when it ran.

    python scripts/bench_scale.py --mode cold --folder /tmp/bench-10m --runs 3 --json cold-10m.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXOKG = [sys.executable, "-m", "graph.cli"]
MEASURE = """
import os, resource, subprocess, sys, time
start = time.perf_counter()
try:
    done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=float(os.environ.get("BENCH_TIMEOUT", "0")) or None)
except subprocess.TimeoutExpired:
    print("timeout", 0)
    sys.exit(0)
elapsed = time.perf_counter() - start
if done.returncode:
    sys.exit(done.stderr)
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
RAW_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
store.flush()
"""
BARE_QUERY = """
import json, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
prefixes = json.load(open(sys.argv[3]))["@context"]
rows = list(store.query(open(sys.argv[2]).read(), prefixes=prefixes, use_default_graph_as_union=True))
print(len(rows))
"""
COMMANDS = {
    "resistance": ["resistance", "--drug", "cisplatin"],
    "show": ["show", "miR-522"],
    "find": ["find", "CIS"],
    "path": ["path", "circBIRC6", "oxaliplatin"],
    "explain": ["explain", "miR-522", "cisplatin", "--cancer", "GC"],
}


def measure(args: list[str], timeout: float = 0) -> tuple[float, float]:
    """(seconds, peak resident MB) of one child process; (inf, 0) when stopped after ``timeout`` s."""
    env = {**os.environ, "BENCH_TIMEOUT": str(timeout)}
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, args)], capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{out.stderr}")
    seconds, kilobytes = out.stdout.split()
    return (math.inf, 0.0) if seconds == "timeout" else (float(seconds), int(kilobytes) / 1024)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def median_time(args: list[str], runs: int) -> float:
    return statistics.median(measure(args)[0] for _ in range(runs))


def bench_size(work: Path, base: Path, size: int, runs: int, skip: tuple[str, ...] = ()) -> dict:
    fixture = work / f"scale-{size}.nt"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_scale_fixture.py"), "--graph", str(base),
                    "--triples", str(size), "-o", str(fixture)], check=True, stdout=subprocess.DEVNULL)
    raw_dir = work / f"raw-{size}"
    raw_s, raw_mb = measure([sys.executable, "-c", RAW_LOAD, raw_dir, fixture])
    folder = work / f"merged-{size}"
    shutil.copytree(base, folder, symlinks=True)
    load_s, load_mb = measure([*EXOKG, "load", fixture, "--graph", folder])
    store = (folder / "store").resolve()
    query = work / "q.rq"
    query.write_text(subprocess.run([*EXOKG, "query", "resistance", "--param", "drug=cisplatin", "--show",
                                     "--graph", str(folder)], check=True, capture_output=True, text=True).stdout)
    bare = [sys.executable, "-c", BARE_QUERY, store, query, ROOT / "graph" / "data" / "context.jsonld"]
    path_cold, path_cold_mb = measure([*EXOKG, *COMMANDS["path"], "--graph", folder])  # computes the projection
    result = {
        "triples": size, "fixture_mb": round(fixture.stat().st_size / 2**20, 1),
        "load_s": round(load_s, 2), "load_triples_per_s": round(size / load_s),
        "raw_bulk_load_s": round(raw_s, 2), "raw_triples_per_s": round(size / raw_s),
        "load_vs_raw": round(load_s / raw_s, 2), "load_peak_mb": round(load_mb), "raw_peak_mb": round(raw_mb),
        "store_mb": round(du(store) / 2**20, 1), "raw_store_mb": round(du(raw_dir) / 2**20, 1),
        "path_cold_s": round(path_cold, 2), "path_cold_peak_mb": round(path_cold_mb),
        "bare_query_s": round(median_time(bare, runs), 2),
    }
    for name, args in COMMANDS.items():
        if name in skip:
            continue
        result[f"{name}_s"] = round(median_time([*EXOKG, *args, "--graph", folder], runs), 2)
    result["path_warm_s"] = result.pop("path_s")
    result["resistance_vs_bare"] = round(result["resistance_s"] / result["bare_query_s"], 2)
    shutil.rmtree(raw_dir)
    return result


BUILD_COMMANDS = {name: COMMANDS[name] for name in ("resistance", "show", "explain")}


def _seconds(value: float) -> float | str:
    return round(value, 2) if math.isfinite(value) else "timeout"


def make_tables(work: Path, copies: int) -> Path:
    tables = work / f"tables-{copies}"
    if not tables.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_scale_fixture.py"), "--tables", "--copies",
                        str(copies), "-o", str(tables)], check=True, stdout=subprocess.DEVNULL)
    return tables


def built_triples(folder: Path) -> int:
    text = (folder / "void.ttl").read_text(encoding="utf-8")
    return int(re.search(r"void:triples (\d+)", text)[1])  # type: ignore[index]


def bench_build_size(work: Path, size: int, per_copy: int, base_triples: int, runs: int, timeout: float,
                     full: bool) -> dict:
    """The build of about ``size`` triples beside a bare bulk load of its N-Triples, then the
    commands on the built store."""
    copies = max(1, round((size - base_triples) / per_copy) + 1)
    tables = make_tables(work, copies)
    folder = work / f"built-{copies}"
    build_s, build_mb = measure([*EXOKG, "build", "--data", tables, "--out", folder])
    triples = built_triples(folder)
    raw_dir = work / f"raw-{copies}"
    raw_s, raw_mb = measure([sys.executable, "-c", RAW_LOAD, raw_dir, folder / "exokg.nt"])
    store = (folder / "store").resolve()
    result: dict = {
        "target": size, "copies": copies, "triples": triples,
        "nt_mb": round((folder / "exokg.nt").stat().st_size / 2**20, 1),
        "build_s": round(build_s, 2), "build_triples_per_s": round(triples / build_s),
        "raw_bulk_load_s": round(raw_s, 2), "raw_triples_per_s": round(triples / raw_s),
        "build_vs_raw": round(build_s / raw_s, 2), "build_peak_mb": round(build_mb), "raw_peak_mb": round(raw_mb),
        "store_mb": round(du(store) / 2**20, 1), "raw_store_mb": round(du(raw_dir) / 2**20, 1),
    }
    shutil.rmtree(raw_dir)
    if full:
        query = work / "q.rq"
        query.write_text(subprocess.run([*EXOKG, "query", "resistance", "--param", "drug=cisplatin", "--show",
                                         "--graph", str(folder)], check=True, capture_output=True, text=True).stdout)
        bare = [sys.executable, "-c", BARE_QUERY, store, query, ROOT / "graph" / "data" / "context.jsonld"]
        result["bare_query_s"] = round(statistics.median(measure(bare)[0] for _ in range(runs)), 2)
        for name, args in BUILD_COMMANDS.items():
            times = [measure([*EXOKG, *args, "--graph", folder], timeout)[0] for _ in range(runs)]
            result[f"{name}_s"] = _seconds(statistics.median(times))
        if isinstance(result["resistance_s"], float):
            result["resistance_vs_bare"] = round(result["resistance_s"] / result["bare_query_s"], 2)
        result["path_cold_s"] = _seconds(measure([*EXOKG, *COMMANDS["path"], "--graph", folder], timeout)[0])
        result["path_warm_s"] = _seconds(measure([*EXOKG, *COMMANDS["path"], "--graph", folder], timeout)[0])
        validate_s, validate_mb = measure([*EXOKG, "validate", "--graph", folder], timeout)
        result["validate_s"], result["validate_peak_mb"] = _seconds(validate_s), round(validate_mb)
    shutil.rmtree(folder)
    shutil.rmtree(tables)
    return result


def main_build(args: argparse.Namespace, work: Path) -> list[dict]:
    """The build of the curated graph and of two copies (for the triples a copy adds), then each size."""
    base = work / "base"
    build_s, build_mb = measure([*EXOKG, "build", "--out", base])
    raw_s, raw_mb = measure([sys.executable, "-c", RAW_LOAD, work / "raw-curated", base / "exokg.nt"])
    base_triples = built_triples(base)
    two = work / "two"
    subprocess.run([*EXOKG, "build", "--data", str(make_tables(work, 2)), "--out", str(two)], check=True,
                   stdout=subprocess.DEVNULL)
    per_copy = built_triples(two) - base_triples
    print(json.dumps({"curated_triples": base_triples, "curated_build_s": round(build_s, 2),
                      "curated_build_peak_mb": round(build_mb), "curated_raw_bulk_load_s": round(raw_s, 2),
                      "curated_raw_peak_mb": round(raw_mb), "triples_per_copy": per_copy}), flush=True)
    results = []
    for size in args.sizes:
        full = args.build_only_above is None or size <= args.build_only_above
        results.append(bench_build_size(work, size, per_copy, base_triples, args.runs, args.timeout, full))
        print(json.dumps(results[-1]), flush=True)
    return results


def capped(args: list, timeout: float, max_mb: float) -> dict:
    """One child process, watched: seconds, peak resident MB (getrusage) and how it ended
    ("ok", "timeout", "memory" or its last error line), with the load average before it."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    start = time.perf_counter()
    child = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ended = "ok"
    while True:  # reaped by wait4 (not poll), so that its rusage is this child's own
        pid, code, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            rss_mb = int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024  # type: ignore[index]
        except (OSError, TypeError):
            rss_mb = 0
        if max_mb and rss_mb > max_mb:
            ended = f"memory: stopped above {max_mb:g} MB"
        elif timeout and time.perf_counter() - start > timeout:
            ended = f"timeout: stopped at {timeout:g} s"
        if ended != "ok":
            child.kill()
            _, code, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    error = child.stderr.read().decode("utf-8", "replace").strip() if child.stderr else ""
    if ended == "ok" and code:
        ended = "failed: " + (error.splitlines()[-1] if error else f"exit status {code}")
    return {"s": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024), "ended": ended, "load": load}


def main_cold(args: argparse.Namespace) -> list[dict]:
    """The commands on a kept build folder, in order (see the module's docstring)."""
    folder = args.folder
    run = lambda argv: capped(argv, args.timeout, args.max_mb)  # noqa: E731
    results: list[dict] = [{"folder": str(folder), "triples": built_triples(folder),
                            "nt_mb": round((folder / "exokg.nt").stat().st_size / 2**20, 1),
                            "store_mb": round(du((folder / "store").resolve()) / 2**20, 1)}]

    def note(name: str, figure: dict) -> None:
        results.append({"step": name, **figure})
        print(json.dumps(results[-1]), flush=True)

    steps = set(args.steps)
    if "first" in steps:
        note("first command: stats", run([*EXOKG, "stats", "--graph", folder]))
    if "explain-first" in steps:
        note("first explain (writes the path index)", run([*EXOKG, *COMMANDS["explain"], "--graph", folder]))
    with tempfile.TemporaryDirectory() as tmp:
        query = Path(tmp) / "q.rq"  # the packaged build's text: cisplatin is a shared hub, the same IRI
        query.write_text(subprocess.run([*EXOKG, "query", "resistance", "--param", "drug=cisplatin", "--show"],
                                        check=True, capture_output=True, text=True).stdout)
        store = (folder / "store").resolve()
        bare = [sys.executable, "-c", BARE_QUERY, store, query, ROOT / "graph" / "data" / "context.jsonld"]
        for name, argv in [("bare script: resistance SPARQL", bare),
                           *((f"cold {name}", [*EXOKG, *COMMANDS[name], "--graph", folder])
                             for name in ("resistance", "show", "explain", "path"))]:
            if name.split()[-1] not in steps and not (name.startswith("bare") and "bare" in steps):
                continue
            runs = [run(argv) for _ in range(args.runs)]
            figure = dict(runs[0])
            figure["s"] = statistics.median(r["s"] for r in runs)
            figure["runs_s"] = [r["s"] for r in runs]
            figure["ended"] = ", ".join(sorted({r["ended"] for r in runs}))
            note(name, figure)
    if "validate-folder" in steps:
        note("validate the folder", run([*EXOKG, "validate", "--graph", folder]))
    if "validate-file" in steps:
        note("validate its exokg.nt", run([*EXOKG, "validate", "--graph", folder / "exokg.nt"]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per cold command (median)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--skip", nargs="*", default=[], choices=[c for c in COMMANDS if c != "path"],
                        help="cold commands not to time (find is slow on large fixtures with many matches)")
    parser.add_argument("--mode", choices=["load", "build", "cold"], default="load")
    parser.add_argument("--folder", type=Path, default=None, help="--mode cold: the kept build folder")
    parser.add_argument("--max-mb", type=float, default=4000, help="--mode cold: stop a child above this RSS")
    cold_steps = ["first", "explain-first", "bare", "resistance", "show", "explain", "path", "validate-folder",
                  "validate-file"]
    parser.add_argument("--steps", nargs="+", default=cold_steps, choices=cold_steps,
                        help="--mode cold: the steps to run (in their fixed order)")
    parser.add_argument("--timeout", type=float, default=900, help="--mode build: seconds before a command is stopped")
    parser.add_argument("--build-only-above", type=int, default=None,
                        help="--mode build: above this many triples, time only the build and its baseline")
    parser.add_argument("--work", type=Path, default=None, help="folder for fixtures and stores (default: a temporary one)")
    args = parser.parse_args()
    if args.mode == "cold":
        if args.folder is None:
            parser.error("--mode cold needs --folder DIR (a build folder)")
        cold = main_cold(args)
        if args.json:
            args.json.write_text(json.dumps(cold, indent=1) + "\n", encoding="utf-8")
        return
    results = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        if args.mode == "build":
            results = main_build(args, work)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
            return
        base = work / "base"
        build_s, build_mb = measure([*EXOKG, "build", "--out", base])
        raw_s, _ = measure([sys.executable, "-c", RAW_LOAD, work / "raw-curated", base / "exokg.nt"])
        print(json.dumps({"curated_build_s": round(build_s, 2), "curated_build_peak_mb": round(build_mb),
                          "curated_raw_bulk_load_s": round(raw_s, 2)}), flush=True)
        for size in args.sizes:
            results.append(bench_size(work, base, size, args.runs, tuple(args.skip)))
            print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
