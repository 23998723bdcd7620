"""Import throughput and peak memory: `exokg import mirtarbase` on a generated N-row file in the
miRTarBase MTI layout, beside a raw pyoxigraph bulk load of the very same quads (dumped from the
imported graph), in the same run.

    python scripts/bench_import.py [--rows 2000000] [--work DIR]

Each step runs in its own child process, so its peak RSS is its own. The rows are synthetic
(pools of miRNA and gene names, a few of them the review's, so identity mapping is exercised);
nothing here is a fact. Writes nothing but DIR (a temporary folder by default, removed after).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["miRTarBase ID", "miRNA", "Species (miRNA)", "Target Gene", "Target Gene (Entrez ID)",
          "Species (Target Gene)", "Experiments", "Support Type", "References (PMID)"]
REVIEW_NAMES = [("hsa-miR-522-3p", "ALOX15", "246"), ("hsa-miR-6126", "CD44", "960"), ("hsa-miR-135b-5p", "FZD1", "8321")]
EXPERIMENTS = ["Luciferase reporter assay", "Western blot", "qRT-PCR", "Reporter assay//Western blot", "HITS-CLIP"]
SUPPORT = ["Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI"]

CHILD_IMPORT = """
import json, resource, sys, time
import pyoxigraph as ox
from graph.ingest import import_file, graph_iri
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
start = time.perf_counter()
report = import_file(store, "mirtarbase", sys.argv[3])
store.flush()
seconds = time.perf_counter() - start
store.dump(sys.argv[4], format=ox.RdfFormat.N_QUADS, from_graph=graph_iri("mirtarbase"))
print(json.dumps({"seconds": seconds, "rows": report.imported, "triples": report.triples,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
CHILD_RAW = """
import json, resource, sys, time
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
start = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "quads": len(store),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    mirnas = [f"hsa-miR-{n}-{arm}" for n in range(1, 1501) for arm in ("3p", "5p")] + [m for m, _, _ in REVIEW_NAMES]
    genes = [(f"SYNGENE{n}", str(900000 + n)) for n in range(1, 15001)] + [(g, e) for _, g, e in REVIEW_NAMES]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(1, rows + 1):
            gene, entrez = rng.choice(genes)
            writer.writerow([f"MIRT{i:07d}", rng.choice(mirnas), "Homo sapiens", gene, entrez, "Homo sapiens",
                             rng.choice(EXPERIMENTS), rng.choice(SUPPORT), str(rng.randint(10_000_000, 39_000_000))])


def child(code: str, *args: str) -> dict:
    import json

    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"child failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path, default=None, help="Scratch folder (default: a temporary one, removed).")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="exokg-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        from graph.build import build

        built = build(work / "build")
        table = work / "mti.csv"
        start = time.perf_counter()
        generate(table, args.rows)
        print(f"generated {args.rows:,} rows ({table.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - start:.1f} s")
        dump = work / "mirtarbase.nq"
        ours = child(CHILD_IMPORT, str(work / "store-import"), str(built.out_dir / "exokg.nt"), str(table), str(dump))
        raw = child(CHILD_RAW, str(work / "store-raw"), str(dump))
        print(f"exokg import  : {ours['rows']:,} rows, {ours['triples']:,} triples in {ours['seconds']:.1f} s "
              f"= {ours['rows'] / ours['seconds']:,.0f} rows/s, {ours['triples'] / ours['seconds']:,.0f} triples/s; "
              f"peak RSS {ours['peak_mb']:,.0f} MB")
        print(f"raw bulk_load : {raw['quads']:,} quads (same graph, N-Quads {dump.stat().st_size / 1e6:,.0f} MB) in "
              f"{raw['seconds']:.1f} s = {raw['quads'] / raw['seconds']:,.0f} quads/s; peak RSS {raw['peak_mb']:,.0f} MB")
        print(f"import / raw load time: {ours['seconds'] / raw['seconds']:.1f}x")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
