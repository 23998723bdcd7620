#!/usr/bin/env python
"""Benchmark `exokg validate`: the shapes compiled to SPARQL on pyoxigraph (ExoKG's engine) against
pySHACL and, when installed, the Rust engines pyshacl-turbo and pyrudof, in the same run.

Graphs: the curated build, then fixtures of --sizes triples from scripts/make_validate_fixture.py
(renamed copies of the curated graph with --violations planted violations). Every engine runs in
its own process (peak memory is that process's), a reference engine stopped after --cap seconds
(--cap-curated for the curated graph; ExoKG's after --cap-ours); an engine that was stopped is not
run on the larger sizes. A fixture has at least one copy per planted violation, so a small size
with many violations comes out larger than asked. Each engine's
violation count is printed beside ours: the planted count must be found. Also measured: the whole
`exokg validate --graph FILE` command (process start, loading the N-Triples into the store,
validation) on each fixture.

--baseline FILE adds the engine "sparql-baseline": an earlier graph/validate.py (say
`git show REV:graph/validate.py > old.py`) run on the same store in the same run, so that a change
of the compiler is measured as a ratio on the same machine load. --per-check times every query of
the compiled shapes (ExoKG's and the baseline's) on each fixture and prints the CPU seconds per
query and how each grows from one size to the next (exponent 1: linear), largest first.

    python scripts/bench_validate.py                         # curated, 0.1M, 1M, 5M
    python scripts/bench_validate.py --sizes 100000 --cap 60 --out docs/bench_validate.md
    python scripts/bench_validate.py --per-check --sizes 450000 1000000 2000000 --baseline old.py

--folders DIR ... times the command on build folders instead (say, from `exokg build --data` of
`scripts/make_scale_fixture.py --tables`): after one `exokg stats --graph DIR` (so that the
store version has passed the --graph check, which is timed and reported apart), `exokg validate
--graph DIR`, the baseline `exokg validate --graph DIR/exokg.nt` and, with --previous ROOT (a
checkout of earlier code: `git archive REV graph | tar -x -C ROOT`), the earlier command on the
folder, each in a fresh process, --repeat times in turn; wall, CPU and peak memory of each process,
and whether the reports agree.

    python scripts/bench_validate.py --folders /tmp/validate-1m /tmp/validate-5m --previous /tmp/prev
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENGINES = ("sparql", "sparql-baseline", "pyshacl", "pyshacl-turbo", "pyrudof")
MODULES = {"sparql": "pyoxigraph", "sparql-baseline": "pyoxigraph", "pyshacl": "pyshacl",
           "pyshacl-turbo": "pyshacl_turbo", "pyrudof": "pyrudof"}
BASELINE_ENV = "EXOKG_BENCH_BASELINE"  # the earlier graph/validate.py, for the worker


def compiler(engine: str):
    """graph.validate, or for "sparql-baseline" the earlier version of it named by BASELINE_ENV
    (loaded as a module of the graph package, so its relative imports work)."""
    if engine != "sparql-baseline":
        import graph.validate

        return graph.validate
    import importlib.util

    spec = importlib.util.spec_from_file_location("graph._validate_baseline", os.environ[BASELINE_ENV])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def plans(module) -> list[tuple[str, str]]:
    """(name, query) of every query a compiler runs (merged count queries where it merges them)."""
    checks = module.compile_shapes()
    merged = module.batched(checks) if hasattr(module, "batched") else [(c.query, [c]) for c in checks]
    return [(" + ".join(dict.fromkeys(f"{c.shape}: {c.message or c.component}" for c in group))
             if len(group) > 1 else f"{group[0].shape}: {group[0].message or group[0].component} ({group[0].component})",
             query) for query, group in merged]


def per_check_worker(engine: str, path: str) -> dict:
    """CPU seconds of each query of the compiled shapes on ``path``."""
    module = compiler(engine)
    store = module.data_store(path)
    times = {}
    for name, query in plans(module):
        start = time.process_time()
        for _ in store.query(query):
            pass
        times[name] = times.get(name, 0.0) + time.process_time() - start
    return {"checks": times}


def worker(engine: str, path: str) -> dict:
    """Load ``path`` with the ontology and validate it with ``engine``; times in seconds."""
    from graph.validate import shapes_text

    ontology = ROOT / "ontology" / "exokg.ttl"
    start, cpu_start = time.perf_counter(), time.process_time()
    if engine in ("sparql", "sparql-baseline"):
        module = compiler(engine)
        store = module.data_store(path)
        loaded, cpu_loaded = time.perf_counter(), time.process_time()
        report = module.validate_store(store)
        violations = report.violations
    elif engine == "pyrudof":
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(path, format=pyrudof.RDFFormat.NTriples)
        rudof.read_data(str(ontology), format=pyrudof.RDFFormat.Turtle, merge=True)
        rudof.read_shacl(str(ROOT / "ontology" / "shapes.ttl"))
        loaded, cpu_loaded = time.perf_counter(), time.process_time()
        violations = len(rudof.validate_shacl())
    else:
        from rdflib import Graph
        from rdflib.namespace import RDF, SH

        module = __import__("pyshacl" if engine == "pyshacl" else "pyshacl_turbo")
        data = Graph().parse(path, format="nt")
        data.parse(ontology, format="turtle")
        loaded, cpu_loaded = time.perf_counter(), time.process_time()
        _, report, _ = module.validate(data, shacl_graph=Graph().parse(data=shapes_text(), format="turtle"),
                                       advanced=True, inference="none", allow_warnings=True)
        violations = sum(1 for r in report.subjects(RDF.type, SH.ValidationResult)
                         if report.value(r, SH.resultSeverity) == SH.Violation)
    done, cpu_done = time.perf_counter(), time.process_time()
    return {"load": loaded - start, "validate": done - loaded, "total": done - start,
            "cpu_load": cpu_loaded - cpu_start, "cpu_validate": cpu_done - cpu_loaded, "violations": violations,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_engine(engine: str, path: Path, cap: float, mode: str = "--worker") -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, mode, engine, str(path)], capture_output=True,
                              text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": cap}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout)


def run_cli(path: Path, cap: float) -> dict:
    """`exokg validate --graph FILE` run twice: first with a fresh cache (the file is loaded into a
    store), then again (the store cached by the file's digest is opened read-only)."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-validate-cache-") as cache:
        for run in ("first", "again"):
            start, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            try:
                done = subprocess.run([str(Path(sys.executable).parent / "exokg"), "validate", "--graph", str(path)],
                                      capture_output=True, text=True, timeout=cap, check=False,
                                      env={**os.environ, "EXOKG_CACHE": cache})
            except subprocess.TimeoutExpired:
                return {"timeout": cap}
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
            out[run] = {"total": time.perf_counter() - start, "cpu": cpu, "exit": done.returncode,
                        "head": done.stdout.split("\n")[0]}
    return {**out["first"], "again": out["again"]}


def timed(command: list[str], env: dict, cap: float) -> dict:
    """Run ``command``; its wall and CPU seconds, peak memory (its own: wait4) and output."""
    import threading

    start, killed = time.perf_counter(), []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        timer = threading.Timer(cap, lambda: (killed.append(True), child.kill()))
        timer.start()
        try:
            _, status, used = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if killed:
        return {"timeout": cap}
    return {"total": wall, "cpu": used.ru_utime + used.ru_stime, "peak_mb": used.ru_maxrss / 1024,
            "exit": child.returncode, "report": text.split(": ", 1)[-1], "stderr": errors[-300:]}


def folder_rows(folders: list[Path], previous: Path | None, repeat: int, cap: float) -> list[dict]:
    """Per build folder: the --graph check (first command), then validate of the folder (now and,
    with ``previous``, the earlier code) and of its exokg.nt (the baseline), ``repeat`` times each."""
    exokg = str(Path(sys.executable).parent / "exokg")
    rows = []
    for folder in folders:
        env = dict(os.environ)
        row: dict = {"folder": str(folder), "triples": count_lines(folder / "exokg.nt"),
                     "check": timed([exokg, "stats", "--graph", str(folder)], env, cap), "runs": {}}
        print(folder, "check", {k: v for k, v in row["check"].items() if k != "report"}, file=sys.stderr, flush=True)
        runs = {"folder": [exokg, "validate", "--graph", str(folder)],
                "file (baseline)": [exokg, "validate", "--graph", str(folder / "exokg.nt")]}
        if previous is not None:
            runs["folder, previous code"] = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(previous)!r}); "
                                             "from graph.cli import main; main()", "validate", "--graph", str(folder)]
        for _ in range(repeat):
            for name, command in runs.items():
                result = timed(command, env, cap)
                row["runs"].setdefault(name, []).append(result)
                print(folder, name, {k: v for k, v in result.items() if k != "report"}, file=sys.stderr, flush=True)
        reports = {name: {r.get("report") for r in row["runs"][name]} for name in runs}
        row["same_report"] = len(set().union(*reports.values())) == 1
        rows.append(row)
    return rows


def folder_report(rows: list[dict]) -> str:
    import statistics

    names = [n for n in ("folder", "folder, previous code", "file (baseline)") if n in rows[0]["runs"]]
    lines = [f"# `exokg validate --graph DIR`\n\n{platform.platform()}, load average at the end "
             f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of fresh processes, wall / CPU, "
             "peak memory; ratio: CPU over the file's (the baseline) in the same run.\n",
             "| folder | triples | `exokg stats` first (passes the --graph check once) | " + " | ".join(names) + " | same report |",
             "|---|---:|---:|" + "---:|" * len(names) + "---|"]
    for row in rows:
        runs = row["runs"]
        base = statistics.median(r["cpu"] for r in runs["file (baseline)"] if "cpu" in r)
        cells = []
        for name in names:
            done = [r for r in runs[name] if "cpu" in r]
            if not done:
                cells.append(cell(runs[name][0]))
                continue
            wall, cpu = statistics.median(r["total"] for r in done), statistics.median(r["cpu"] for r in done)
            cells.append(f"{wall:.1f} / {cpu:.1f} s, {max(r['peak_mb'] for r in done):,.0f} MB, "
                         f"{cpu / base:.2f}x (exit {done[0]['exit']})")
        check = row["check"]
        lines.append(f"| {row['folder']} | {row['triples']:,} | {cell(check)} (CPU {check.get('cpu', 0):.1f} s) | "
                     + " | ".join(cells) + f" | {'yes' if row['same_report'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def cell(result: dict | None, key: str = "total") -> str:
    if result is None:
        return "not run"
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s (stopped)"
    if "error" in result:
        return f"error: {result['error'][:60]}"
    if "skipped" in result:
        return result["skipped"]
    return f"{result[key]:.2f} s"


def per_check_report(sizes: list[tuple[str, int, dict]]) -> str:
    """A markdown table per engine: CPU seconds of each query at each size, the growth exponent
    log(t2/t1)/log(n2/n1) between the two largest sizes, and the totals."""
    import math

    lines = []
    for engine in sizes[0][2]:
        runs = [(triples, result[engine].get("checks")) for _, triples, result in sizes]
        if any(checks is None for _, checks in runs):
            lines.append(f"{engine}: failed or stopped ({[result[engine] for _, _, result in sizes]})\n")
            continue
        names = sorted(runs[-1][1], key=lambda n: -runs[-1][1][n])
        lines += [f"### {engine}\n", "| query | " + " | ".join(f"{n:,} triples" for n, _ in runs) + " | exponent |",
                  "|---|" + "---:|" * (len(runs) + 1)]
        for name in names + ["total"]:
            values = [sum(c.values()) if name == "total" else c.get(name, 0.0) for _, c in runs]
            (n1, t1), (n2, t2) = (runs[-2][0], values[-2]), (runs[-1][0], values[-1])
            growth = f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}" if len(runs) > 1 and min(t1, t2) >= 0.01 else ""
            cells = " | ".join(f"{v:.2f} s" for v in values)
            lines.append(f"| {'**total**' if name == 'total' else name[:110]} | {cells} | {growth} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--per-check-worker", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=Path, help="an earlier graph/validate.py, run as engine sparql-baseline")
    parser.add_argument("--per-check", action="store_true", help="time each compiled query per fixture size")
    parser.add_argument("--no-cli", action="store_true", help="skip the `exokg validate --graph FILE` runs")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--violations", type=int, default=30)
    parser.add_argument("--cap", type=float, default=120, help="seconds per reference engine run on a fixture")
    parser.add_argument("--cap-ours", type=float, default=900, help="seconds per run of ExoKG's engine and CLI")
    parser.add_argument("--cap-curated", type=float, default=300, help="seconds per engine run on the curated graph")
    parser.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--folders", type=Path, nargs="+", help="time validate of these build folders instead")
    parser.add_argument("--previous", type=Path, help="with --folders: a checkout of earlier code (its graph/)")
    parser.add_argument("--repeat", type=int, default=1, help="with --folders: runs of each command")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    if args.per_check_worker:
        print(json.dumps(per_check_worker(*args.per_check_worker)))
        return
    if args.folders:
        rows = folder_rows(args.folders, args.previous, args.repeat, args.cap_ours)
        report = folder_report(rows)
        print(report)
        if args.out:
            args.out.write_text(report, encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        return
    if args.baseline:
        os.environ[BASELINE_ENV] = str(args.baseline.resolve())
    elif "sparql-baseline" in args.engines:
        args.engines.remove("sparql-baseline")
    if args.per_check:
        args.engines = [e for e in ("sparql", "sparql-baseline") if e in args.engines]

    from graph.build import build
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_validate_fixture import write_fixture

    engines = [e for e in args.engines if importlib.util.find_spec(MODULES[e]) is not None]
    rows, stopped = [], set()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        folder = Path(tmp)
        build(folder / "build")
        graphs = [("curated", folder / "build" / "exokg.nt", 0)]
        for size in args.sizes:
            path = folder / f"v{size}.nt"
            with path.open("w", encoding="utf-8") as handle:
                info = write_fixture(graphs[0][1], size, args.violations, handle)
            graphs.append((f"{size:,}", path, info["violations"]))
        if args.per_check:
            report = per_check_report([(name, count_lines(path), {engine: run_engine(engine, path, args.cap_ours,
                                                                                   "--per-check-worker")
                                                                  for engine in engines})
                                       for name, path, _ in graphs[1:]])
            print(report)
            if args.out:
                args.out.write_text(report, encoding="utf-8")
            return
        for name, path, planted in graphs:
            row = {"graph": name, "triples": count_lines(path), "planted": planted, "engines": {}}
            for engine in engines:
                if engine in stopped:
                    row["engines"][engine] = {"skipped": "not run (stopped on a smaller graph)"}
                    continue
                cap = (args.cap_ours if engine.startswith("sparql") else args.cap_curated if name == "curated"
                       else args.cap)
                result = run_engine(engine, path, cap)
                if "timeout" in result:
                    stopped.add(engine)
                row["engines"][engine] = result
                print(name, engine, result, file=sys.stderr, flush=True)
            row["cli"] = {"skipped": "not run"} if args.no_cli else run_cli(path, args.cap_ours)
            print(name, "cli", row["cli"], file=sys.stderr, flush=True)
            rows.append(row)
    lines = [f"# `exokg validate` benchmark\n\n{platform.platform()}, Python {platform.python_version()}, "
             f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall-clock totals, "
             "with CPU times in brackets (the fairer figure on a shared machine); "
             f"engines run one at a time, each in its own process; caps {args.cap_curated:.0f} s (curated) and "
             f"{args.cap:.0f} s (fixtures) for the reference engines, {args.cap_ours:.0f} s for ExoKG's.\n",
             "| graph | triples | planted | " + " | ".join(engines) + " | `exokg validate --graph FILE` |",
             "|---|---:|---:|" + "---:|" * (len(engines) + 1)]
    for row in rows:
        cells = []
        for engine in engines:
            result = row["engines"].get(engine)
            text = cell(result)
            if result and "total" in result:
                text += (f" (validating {result['validate']:.2f} s; CPU: load {result['cpu_load']:.2f} s, "
                         f"validate {result['cpu_validate']:.2f} s; {result['peak_mb']:,.0f} MB; "
                         f"{result['violations']} violations)")
            cells.append(text)
        cli = row["cli"]
        cells.append(cell(cli) + (f" (CPU {cli['cpu']:.2f} s, exit {cli['exit']}; again, store cached: "
                                  f"{cli['again']['total']:.2f} s, CPU {cli['again']['cpu']:.2f} s)"
                                  if "exit" in cli else ""))
        lines.append(f"| {row['graph']} | {row['triples']:,} | {row['planted']} | " + " | ".join(cells) + " |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
