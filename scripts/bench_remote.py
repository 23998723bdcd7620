"""Question answers from a remote SPARQL endpoint (an Oxigraph server) against the embedded store.

Starts its own ``oxigraph serve`` on a free loopback port, loads the packaged graph with
``exokg push``, then times each question function of :mod:`graph.competency` both ways in the
same run: embedded (``source=`` the build) and remote (``engine=`` one RemoteEndpoint, reused, so
its entity list is fetched once; that first fetch is timed separately). Every remote answer is
checked equal to the embedded one before it is timed.

Then push throughput: a larger graph (``--copies`` renamed copies of the packaged one) is pushed
with ``exokg push``'s chunks (PUT, then POSTs) and, as the baseline in the same run, in one
request holding the whole graph (as push sent it before it streamed); triples per second and the
peak memory (RSS) of the pushing process for each, to the Oxigraph server and, when one is named
(``--virtuoso URL`` or EXOKG_TEST_VIRTUOSO_URL, with EXOKG_TEST_VIRTUOSO_USER/PASSWORD for its dba
account), to Virtuoso's /sparql-graph-crud-auth; counts are checked on the server after each push.
Writes ``docs/bench_remote.md``.

    python scripts/bench_remote.py [--repeats 15] [--copies 20] [--virtuoso http://127.0.0.1:8891] [--out docs/bench_remote.md]
"""
from __future__ import annotations

import argparse
import json
import os
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
from graph.remote import CHUNK_TRIPLES, RemoteEndpoint, push
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


def scaled_graph(source: Path, copies: int, folder: Path) -> Path:
    """``copies`` copies of the graph, every IRI of copy k prefixed with ``urn:copy{k}:`` (so no
    triple repeats), as one N-Triples file."""
    out = folder / "scaled.nt"
    lines = source.read_bytes().splitlines(keepends=True)
    with out.open("wb") as target:
        for k in range(copies):
            renamed = f"<urn:copy{k}:".encode()
            target.writelines(line.replace(b"<", renamed) for line in lines)
    return out


PUSH_CHILD = """
import json, resource, sys, time
from graph.remote import push
store, path, chunk, user, password = sys.argv[1:6]
started = time.perf_counter()
sent = push(store, path, named_graph="https://w3id.org/exokg/bench/push", chunk_triples=int(chunk), timeout=1200,
            user=user or None, password=password or None)
seconds = time.perf_counter() - started
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, sent]))
"""


def timed_push(store: str, query: str, path: Path, chunk: int, auth: dict) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB of the pushing process, triples) of one push, in a fresh process;
    the server's count is checked."""
    out = subprocess.run([sys.executable, "-c", PUSH_CHILD, store, str(path), str(chunk), auth.get("user") or "",
                          auth.get("password") or ""], capture_output=True, text=True, check=True)
    seconds, peak, sent = json.loads(out.stdout)
    held = RemoteEndpoint(query, named_graph="https://w3id.org/exokg/bench/push", timeout=600).run(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    if held.values()[0]["n"] != sent:
        raise SystemExit(f"{store}: the server holds {held.values()[0]['n']} triples, {sent} were sent")
    return seconds, peak, sent


def push_rows(engines: list[tuple[str, str, str, dict]], path: Path) -> list[tuple]:
    rows = []
    for name, store, query, auth in engines:
        for label, chunk in ((f"chunks of {CHUNK_TRIPLES:,}", CHUNK_TRIPLES), ("one request (baseline)", 10**9)):
            seconds, peak, sent = timed_push(store, query, path, chunk, auth)
            rows.append((name, label, sent, seconds, peak))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench_remote.md")
    parser.add_argument("--copies", type=int, default=20, help="renamed copies of the graph pushed for throughput")
    parser.add_argument("--virtuoso", default=os.environ.get("EXOKG_TEST_VIRTUOSO_URL"),
                        help="base URL of a Virtuoso server (default: $EXOKG_TEST_VIRTUOSO_URL)")
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
            engines = [("Oxigraph", f"{base}/store", f"{base}/query", {})]
            if args.virtuoso:
                auth = {"user": os.environ.get("EXOKG_TEST_VIRTUOSO_USER", "dba"),
                        "password": os.environ.get("EXOKG_TEST_VIRTUOSO_PASSWORD")}
                engines.append(("Virtuoso", f"{args.virtuoso}/sparql-graph-crud-auth", f"{args.virtuoso}/sparql", auth))
            with tempfile.TemporaryDirectory() as scratch:
                pushes = push_rows(engines, scaled_graph(build / "exokg.nt", args.copies, Path(scratch)))
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
        f"## Push throughput ({args.copies} renamed copies of the graph plus the ontology, one N-Triples file)",
        "",
        "Baseline: the same triples in one request holding the whole graph, same run. Peak = the pushing "
        "process's peak RSS (each push runs in a fresh process).",
        "",
        "| engine | requests | triples | time | triples/s | peak RSS |",
        "|---|---|---:|---:|---:|---:|",
        *(f"| {engine} | {label} | {sent:,} | {seconds:.1f} s | {sent / seconds:,.0f} | {peak:.0f} MB |"
          for engine, label, sent, seconds, peak in pushes),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
