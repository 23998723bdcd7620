"""Question answers from a remote SPARQL endpoint (an Oxigraph server) against the embedded store.

Starts its own ``oxigraph serve`` on a free loopback port, loads the packaged graph with
``exokg push``, then times each question function of :mod:`graph.competency` both ways in the
same run: embedded (``source=`` the build) and remote (``engine=`` one RemoteEndpoint, reused, so
its entity list is fetched once; that first fetch is timed separately). Every remote answer is
checked equal to the embedded one before it is timed. Writes ``docs/bench_remote.md``.

    python scripts/bench_remote.py [--repeats 15] [--out docs/bench_remote.md]
"""
from __future__ import annotations

import argparse
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from graph import competency
from graph.remote import RemoteEndpoint, push
from graph.store import ensure_built

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    ("resistance --drug cisplatin --cancer GC", lambda **kw: competency.resistance(drug="cisplatin", cancer="GC", **kw)),
    ("biomarkers --cancer CRC", lambda **kw: competency.biomarkers(cancer="CRC", **kw)),
    ("therapies --drug sorafenib", lambda **kw: competency.therapies(drug="sorafenib", **kw)),
    ("show miR-522", lambda **kw: competency.show("miR-522", **kw)),
    ("neighbors miR-522 --hops 2", lambda **kw: competency.neighbors("miR-522", 2, **kw)),
    ("find ferroptosis", lambda **kw: competency.find("ferroptosis", **kw)),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench_remote.md")
    args = parser.parse_args(argv)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    build = ensure_built()
    port = free_port()
    with tempfile.TemporaryDirectory() as location:
        server = subprocess.Popen([oxigraph, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            triples = push(f"{base}/store", build, named_graph=None)
            started = time.perf_counter()
            remote = RemoteEndpoint(f"{base}/query", named_graph=None)
            remote.entity_index()
            first_fetch = 1000 * (time.perf_counter() - started)
            rows = []
            for name, question in QUESTIONS:
                embedded_answer, remote_answer = question(source=build), question(engine=remote)
                if remote_answer != embedded_answer:
                    raise SystemExit(f"{name}: the remote answer differs from the embedded one")
                embedded = median_ms(lambda q=question: q(source=build), args.repeats)
                far = median_ms(lambda q=question: q(engine=remote), args.repeats)
                rows.append((name, embedded, far))
        finally:
            server.terminate()
            server.wait(timeout=10)
    lines = [
        "# Question commands: remote endpoint vs embedded store",
        "",
        f"Written by `scripts/bench_remote.py` ({platform.python_version()}, {platform.machine()}, "
        f"{args.repeats} repeats, median). An Oxigraph server on loopback holds the {triples:,} pushed triples; "
        "each remote answer was first checked equal to the embedded one. Ratio = remote / embedded, same run.",
        "",
        f"Fetching the endpoint's entity list (once per RemoteEndpoint, for name resolution): {first_fetch:.0f} ms.",
        "",
        "| question | embedded | remote | ratio |",
        "|---|---:|---:|---:|",
        *(f"| `{name}` | {e:.1f} ms | {r:.1f} ms | {r / e:.1f} |" for name, e, r in rows),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
