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

``--push-only SOURCE`` (a large build folder, e.g. 10M triples) times only the push of SOURCE, to
the Oxigraph server at ``--oxigraph URL`` (one already running; its own bulk load is not in
reach) and to ``--virtuoso URL``. A single request holding 10M triples would hold the whole
graph in the pusher and in the server's transaction, so the baseline in the same run is a bare
script that POSTs the same N-Triples lines in the same chunks (no parsing, no ExoKG code but
the Digest answer Virtuoso needs): what is left is what HTTP and the server cost. Peak RSS of
both pushing processes; counts checked on the server after each push.

    python scripts/bench_remote.py --push-only /tmp/bench-10m --oxigraph http://127.0.0.1:7978 \
        --virtuoso http://127.0.0.1:8991 --out docs/bench_remote_10m.md
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
import threading
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


# The two pushers of --push-only; each prints "seconds triples" after every chunk the server took.
PROGRESS_PUSH = """
import sys, time
from graph.remote import push
store, path, chunk, user, password, graph = sys.argv[1:7]
started = time.perf_counter()
push(store, path, named_graph=graph, chunk_triples=int(chunk), timeout=1200,
     user=user or None, password=password or None,
     progress=lambda sent: print(time.perf_counter() - started, sent, flush=True))
"""
BARE_PUSH = """
import sys, time, urllib.error, urllib.request
from graph.remote import _Credentials
store, path, chunk, user, password, graph = sys.argv[1:7]
url = store + "?graph=" + graph
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
auth = _Credentials(url, user, password) if user else None
def send(method, body):
    for attempt in (1, 2):
        request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/n-triples"})
        if auth:
            auth.authorize(request)
        try:
            opener.open(request, timeout=1200).read()
            return
        except urllib.error.HTTPError as err:
            if not (err.code == 401 and auth and attempt == 1 and auth.learn(err.headers, url)):
                raise
started = time.perf_counter()
send("POST", b"")
sent, batch, method = 0, [], "PUT"
with open(path, "rb") as lines:
    for line in lines:
        batch.append(line)
        if len(batch) == int(chunk):
            send(method, b"".join(batch))
            sent, batch, method = sent + len(batch), [], "POST"
            print(time.perf_counter() - started, sent, flush=True)
if batch:
    send(method, b"".join(batch))
    print(time.perf_counter() - started, sent + len(batch), flush=True)
"""


def capped_push(script: str, argv: list[str], cap: float) -> tuple[float, int, float, bool]:
    """(seconds, triples the server had taken, peak RSS MB, finished) of one pusher in a fresh
    process, stopped after ``cap`` seconds (0: never); its last progress line is what was sent."""
    child = subprocess.Popen([sys.executable, "-c", script, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    timer = threading.Timer(cap, child.kill) if cap else None
    if timer:
        timer.start()
    last = "0 0"
    assert child.stdout is not None and child.stderr is not None
    for line in child.stdout:
        last = line
    error = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = status
    if timer:
        timer.cancel()
    killed = os.WIFSIGNALED(status)
    if status and not killed:
        raise SystemExit(f"push failed: {error.strip().splitlines()[-1:]}")
    seconds, sent = last.split()
    return float(seconds), int(sent), usage.ru_maxrss / 1024, not killed


def held_triples(query: str, graph: str) -> int:
    held = RemoteEndpoint(query, named_graph=graph, timeout=1200).run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(held.values()[0]["n"])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main_push(args: argparse.Namespace) -> int:
    """Push one large build folder with ``exokg push``'s code and, as the baseline, with the bare
    chunked POST script, to each server given; one after the other, each in a fresh process, each
    stopped after ``--cap`` seconds if it has not finished (then the rate is over what was sent)."""
    source = Path(args.push_only)
    nt = source / "exokg.nt" if source.is_dir() else source
    engines = []
    if args.oxigraph:
        engines.append(("Oxigraph", f"{args.oxigraph}/store", f"{args.oxigraph}/query", {}))
    if args.virtuoso:
        auth = {"user": os.environ.get("EXOKG_TEST_VIRTUOSO_USER", "dba"),
                "password": os.environ.get("EXOKG_TEST_VIRTUOSO_PASSWORD")}
        engines.append(("Virtuoso", f"{args.virtuoso}/sparql-graph-crud-auth", f"{args.virtuoso}/sparql", auth))
    rows = []
    for name, store, query, auth in engines:
        for label, script in (("exokg push", PROGRESS_PUSH), ("baseline: bare chunked POST of exokg.nt", BARE_PUSH)):
            # A new named graph for each push: emptying a graph of millions of triples is itself a long
            # transaction on these servers (minutes on Oxigraph's), so nothing is emptied in between.
            graph = f"https://w3id.org/exokg/bench/push-{len(rows)}-{time.time_ns()}"
            before = load_average()
            target = str(source if script is PROGRESS_PUSH else nt)
            seconds, sent, peak, finished = capped_push(
                script, [store, target, str(CHUNK_TRIPLES), auth.get("user") or "", auth.get("password") or "", graph],
                args.cap)
            note = "finished" if finished else f"stopped at {args.cap:g} s"
            if finished and (held := held_triples(query, graph)) != sent:
                note += f"; the server holds {held:,} triples, {sent:,} were sent"
            row = (name, label, sent, seconds, peak, f"{before} -> {load_average()}", note)
            rows.append(row)
            print(*row, flush=True)
    lines = [
        f"# Push of a large build ({nt.stat().st_size / 2**20:,.0f} MB of N-Triples)",
        "",
        f"Written by `scripts/bench_remote.py --push-only {source} --cap {args.cap:g}` ({platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, shared). Chunks of {CHUNK_TRIPLES:,} triples (PUT, then POSTs) "
        "for both; each push in a fresh process into a new named graph of the same server (so each later push "
        "meets a larger store); a push that finished has the server's count "
        "checked; a stopped one is timed to the last chunk the server answered.",
        "",
        "| engine | pusher | triples taken | time | triples/s | peak RSS | load average before -> after | run |",
        "|---|---|---:|---:|---:|---:|---|---|",
        *(f"| {engine} | {label} | {sent:,} | {seconds:.1f} s | {sent / seconds if seconds else 0:,.0f} | {peak:.0f} MB | "
          f"{load} | {note} |" for engine, label, sent, seconds, peak, load, note in rows),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench_remote.md")
    parser.add_argument("--copies", type=int, default=20, help="renamed copies of the graph pushed for throughput")
    parser.add_argument("--virtuoso", default=os.environ.get("EXOKG_TEST_VIRTUOSO_URL"),
                        help="base URL of a Virtuoso server (default: $EXOKG_TEST_VIRTUOSO_URL)")
    parser.add_argument("--push-only", type=Path, default=None,
                        help="time only the push of this build folder (or N-Triples file) to --oxigraph and --virtuoso")
    parser.add_argument("--oxigraph", default=None, help="with --push-only: base URL of a running Oxigraph server")
    parser.add_argument("--cap", type=float, default=0, help="with --push-only: stop each push after this many seconds")
    args = parser.parse_args(argv)
    if args.push_only is not None:
        return main_push(args)
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
