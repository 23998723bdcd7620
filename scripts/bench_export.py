"""Time and peak memory of ``exokg export`` of a build folder with a loaded file, per format.

Each figure is a fresh process (``python -c``), timed from start to exit, its peak RSS read from
``os.wait4``. The baseline, in the same run on the same store, is a bare pyoxigraph
``Store.read_only(DIR/store).dump(output=FILE, format=N-Quads)`` of the whole store (curated
graph, ontology and loaded graphs). ``--before DIR`` also runs the export of an earlier version
of the code (the ``graph`` package in DIR, e.g. ``git archive COMMIT graph | tar -x -C DIR``).

    python scripts/bench_export.py --graph b200k --formats ntriples,turtle,csv [--before DIR] [--skip-before ...]

Build the folder with ``exokg build --out DIR`` and ``exokg load FILE --graph DIR``, FILE made by
``scripts/make_scale_fixture.py``. Runs one process at a time (the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
store.dump(output=sys.argv[2], format=ox.RdfFormat.N_QUADS)
"""
EXPORT = """
import sys
sys.path.insert(0, sys.argv[4])  # this checkout's or the earlier one's package, not the editable install's
sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith("__editable__")]
import graph
assert graph.__file__.startswith(sys.argv[4]), graph.__file__
from graph.export import export
export(sys.argv[1], sys.argv[2], sys.argv[3])
"""


def run(code: str, args: list[str], pythonpath: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of ``python -c code args`` in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath), PYTHONHASHSEED="0")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {args}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, required=True)
    parser.add_argument("--formats", default="ntriples,nquads,trig,turtle,rdfxml,jsonld,csv")
    parser.add_argument("--before", type=Path, help="a folder holding an earlier version's graph package")
    parser.add_argument("--skip-before", default="", help="formats not to run with --before (comma-separated)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.graph.parent))
    rows = []
    try:
        dump = work / "dump.nq"
        seconds, mb = run(BASELINE, [str((args.graph / "store").resolve()), str(dump)], ROOT)
        size = dump.stat().st_size
        dump.unlink()
        print(f"baseline store.dump (N-Quads, {size:,} bytes): {seconds:.1f} s, {mb:.0f} MB", flush=True)
        skip = set(args.skip_before.split(","))
        from graph.export import FORMATS  # noqa: E402 (this checkout's table, for the default names)

        for name in args.formats.split(","):
            out = work / FORMATS[name].default_out()
            now = run(EXPORT, [name, str(out), str(args.graph), str(ROOT)], ROOT)
            shutil.rmtree(out) if out.is_dir() else out.unlink()
            before = None
            if args.before and name not in skip:
                before = run(EXPORT, [name, str(out), str(args.graph), str(args.before.resolve())], args.before)
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            rows.append((name, now, before))
            text = f"{name}: now {now[0]:.1f} s, {now[1]:.0f} MB ({now[0] / seconds:.1f}x the dump's time)"
            if before:
                text += f"; before {before[0]:.1f} s, {before[1]:.0f} MB"
            print(text, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
