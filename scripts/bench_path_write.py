#!/usr/bin/env python3
"""What writing the path index (graph/pathindex_write.py) costs on a build folder, against a
baseline in the same run. Each step runs in its own child process, one after the other, and is
measured by the child's rusage (peak RSS, CPU) and the wall clock:

* baseline: a bare pyoxigraph script iterating the store's default-graph quads;
* view: the whole-view writer (:func:`write_index_from_view`, what ``write_index`` was);
* streamed: :func:`write_index`, a batch of subjects at a time.

Then the two files are compared table by table (a digest of every row, in rowid order).
``--skip view`` leaves a step out (at 10M the whole-view writer needs more than 4 GB: give it
``--limit-gb`` to stop it there, as an address-space limit).

    python scripts/bench_path_write.py /tmp/validate-1m [--skip view] [--limit-gb 4]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = {
    "baseline": ("import pyoxigraph as ox, sys\n"
                 "from graph.store import open_store, store_stamp\n"
                 "store = open_store(store_stamp(sys.argv[1]))\n"
                 "print(sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())))\n"),
    "view": ("import sys\nfrom pathlib import Path\nfrom graph.pathindex_write import write_index_from_view\n"
             "from graph.store import store_stamp\n"
             "write_index_from_view(store_stamp(sys.argv[1]), Path(sys.argv[2]), sys.argv[1])\n"),
    "streamed": ("import sys\nfrom pathlib import Path\nfrom graph.pathindex_write import write_index\n"
                 "from graph.store import store_stamp\n"
                 "write_index(store_stamp(sys.argv[1]), Path(sys.argv[2]), sys.argv[1])\n"),
}


def run(step: str, folder: str, out: Path, limit_gb: float | None) -> dict:
    def limit():
        if limit_gb:
            size = int(limit_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", STEPS[step], folder, str(out)], preexec_fn=limit,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stdout, stderr = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    return {"step": step, "ok": status == 0, "wall_s": round(wall, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "output": stdout.strip() if status == 0 else (stderr.strip().splitlines() or ["killed"])[-1][:200]}


def digests(file: Path) -> dict[str, str]:
    with sqlite3.connect(file) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found = {}
        for table in tables:
            h = hashlib.sha256()
            for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                h.update(repr(row).encode())
            found[table] = h.hexdigest()[:16]
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--skip", action="append", default=[], choices=sorted(STEPS))
    parser.add_argument("--limit-gb", type=float, default=None, help="address-space limit of the view step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-path-write-") as tmp:
        results = []
        for step in STEPS:
            if step in args.skip:
                continue
            out = Path(tmp) / f"{step}.sqlite"
            results.append(run(step, args.folder, out, args.limit_gb if step == "view" else None))
            print(json.dumps(results[-1]), flush=True)
        files = {r["step"]: Path(tmp) / f"{r['step']}.sqlite" for r in results if r["ok"] and r["step"] != "baseline"}
        if len(files) == 2:
            same = digests(files["view"]) == digests(files["streamed"])
            print(json.dumps({"same_rows": same, "tables": digests(files["streamed"])}), flush=True)


if __name__ == "__main__":
    main()
