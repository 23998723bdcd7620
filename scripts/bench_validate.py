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

    python scripts/bench_validate.py                         # curated, 0.1M, 1M, 5M
    python scripts/bench_validate.py --sizes 100000 --cap 60 --out docs/bench_validate.md
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
ENGINES = ("sparql", "pyshacl", "pyshacl-turbo", "pyrudof")
MODULES = {"sparql": "pyoxigraph", "pyshacl": "pyshacl", "pyshacl-turbo": "pyshacl_turbo", "pyrudof": "pyrudof"}


def worker(engine: str, path: str) -> dict:
    """Load ``path`` with the ontology and validate it with ``engine``; times in seconds."""
    from graph.validate import shapes_text

    ontology = ROOT / "ontology" / "exokg.ttl"
    start, cpu_start = time.perf_counter(), time.process_time()
    if engine == "sparql":
        from graph.validate import data_store, validate_store

        store = data_store(path)
        loaded, cpu_loaded = time.perf_counter(), time.process_time()
        report = validate_store(store)
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


def run_engine(engine: str, path: Path, cap: float) -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, "--worker", engine, str(path)], capture_output=True,
                              text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": cap}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout)


def run_cli(path: Path, cap: float) -> dict:
    start = time.perf_counter()
    try:
        done = subprocess.run([str(Path(sys.executable).parent / "exokg"), "validate", "--graph", str(path)],
                              capture_output=True, text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": cap}
    return {"total": time.perf_counter() - start, "exit": done.returncode, "head": done.stdout.split("\n")[0]}


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--violations", type=int, default=30)
    parser.add_argument("--cap", type=float, default=120, help="seconds per reference engine run on a fixture")
    parser.add_argument("--cap-ours", type=float, default=900, help="seconds per run of ExoKG's engine and CLI")
    parser.add_argument("--cap-curated", type=float, default=300, help="seconds per engine run on the curated graph")
    parser.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return

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
        for name, path, planted in graphs:
            row = {"graph": name, "triples": count_lines(path), "planted": planted, "engines": {}}
            for engine in engines:
                if engine in stopped:
                    row["engines"][engine] = {"skipped": "not run (stopped on a smaller graph)"}
                    continue
                cap = args.cap_ours if engine == "sparql" else args.cap_curated if name == "curated" else args.cap
                result = run_engine(engine, path, cap)
                if "timeout" in result:
                    stopped.add(engine)
                row["engines"][engine] = result
                print(name, engine, result, file=sys.stderr, flush=True)
            row["cli"] = run_cli(path, args.cap_ours)
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
        cells.append(cell(cli) + (f" (exit {cli['exit']})" if "exit" in cli else ""))
        lines.append(f"| {row['graph']} | {row['triples']:,} | {row['planted']} | " + " | ".join(cells) + " |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
