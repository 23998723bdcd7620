"""Load on ``exokg serve``: many clients at once, with and without slow (pathological) ones.

Starts the endpoint twice in the same run, each in its own process (as ``exokg serve`` runs), on
free loopback ports, over the packaged graph:

* **baseline**: the endpoint as it was before issue 12 (listen backlog 5, no long-query lane:
  every query may hold a worker for the whole timeout, a query waits up to the timeout for a
  worker, no request deadline, no cap on half-sent connections);
* **current**: the default configuration of ``exokg serve``.

and runs the same loads against each (every request goes to 127.0.0.1; every load has a fixed
number of requests and a time bound, and stops by itself):

1. 50 clients x 20 simple queries;
2. 40 clients x 10 simple queries alone (what the next load adds to: the machine is shared);
3. 10 slow clients (one pathological query, repeated) + 40 clients x 10 simple queries;
4. the same, but every slow request is a new text (the endpoint cannot recognise it);
5. 1,000 connections that send half a request and stay open, then 20 simple queries.

It prints p50/p95/p99 of the simple queries, how many failed (any answer but 200, or no answer),
how many were refused (503), how many took over 2 s, and what the slow clients got. The time of
the same simple queries run directly on the embedded pyoxigraph store is the floor. Writes
``docs/bench_load.md``.

    python scripts/bench_load.py [--timeout 10] [--out docs/bench_load.md]
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from graph.query import execute, sparql_json
from graph.server import EndpointConfig
from graph.store import graph_file, open_store

REPO = Path(__file__).resolve().parents[1]
SIMPLE = [
    "SELECT ?key WHERE { ?d a exo:Drug ; exo:curationKey ?key } ORDER BY ?key LIMIT 5",
    'SELECT ?label WHERE { ?e exo:curationKey "circBIRC6" ; exo:confersResistanceTo/rdfs:label ?label }',
    "ASK { ?d a exo:Drug }",
    'SELECT ?p ?o WHERE { ?e exo:curationKey "ABCB1" ; ?p ?o } LIMIT 20',
]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HALF_OPEN = "1,000 half-sent connections, then 20 simple queries"
ROW_BOUND = 240.0
SLOW_HEAD_START = 1.0  # seconds the slow clients run before the simple ones start  # seconds a load may last at most; requests not sent by then are counted as failed


def request(port: int, text: str, timeout: float) -> tuple[int, float]:
    """(HTTP status or 0 when there was no answer, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                     headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - started


class Load:
    def __init__(self, port: int, client_timeout: float):
        self.port, self.client_timeout = port, client_timeout
        self.simple: list[tuple[int, float]] = []
        self.slow: Counter = Counter()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.deadline = time.monotonic() + ROW_BOUND

    def simple_client(self, count: int, offset: int) -> None:
        for i in range(count):
            if time.monotonic() > self.deadline:
                with self.lock:
                    self.simple.append((0, float("inf")))
                continue
            answer = request(self.port, SIMPLE[(offset + i) % len(SIMPLE)], self.client_timeout)
            with self.lock:
                self.simple.append(answer)

    def slow_client(self, numbers, vary: bool) -> None:
        while not self.done.is_set() and time.monotonic() < self.deadline:
            text = SLOW if not vary else SLOW.replace("}", f"FILTER(?n != {next(numbers)}) }}")
            status, _ = request(self.port, text, self.client_timeout)
            with self.lock:
                self.slow[status] += 1

    def run(self, simple_clients: int, per_client: int, slow_clients: int = 0, vary: bool = False) -> None:
        numbers = itertools.count()
        slow = [threading.Thread(target=self.slow_client, args=(numbers, vary)) for _ in range(slow_clients)]
        simple = [threading.Thread(target=self.simple_client, args=(per_client, c)) for c in range(simple_clients)]
        for thread in slow:
            thread.start()
        if slow:
            time.sleep(SLOW_HEAD_START)  # the slow queries are running when the simple clients start
        for thread in simple:
            thread.start()
        for thread in simple:
            thread.join()
        self.done.set()
        for thread in slow:
            thread.join()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(load: Load) -> dict:
    times = [t for status, t in load.simple if status == 200]
    return {
        "n": len(load.simple),
        "p50": 1000 * percentile(times, 0.50) if times else float("nan"),
        "p95": 1000 * percentile(times, 0.95) if times else float("nan"),
        "p99": 1000 * percentile(times, 0.99) if times else float("nan"),
        "failed": sum(status != 200 for status, _ in load.simple),
        "refused": sum(status == 503 for status, _ in load.simple),
        "over_2s": sum(t > 2.0 for _, t in load.simple),
        "slow": dict(sorted(load.slow.items())),
    }


def half_open(port: int, connections: int, queries: int) -> dict:
    """Open ``connections`` sockets that each send half a request, then time simple queries."""
    sockets = []
    try:
        for _ in range(connections):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)
        load = Load(port, client_timeout=10.0)
        load.simple_client(queries, 0)
        result = summary(load)
        closed = 0
        for sock in sockets:
            sock.settimeout(0.01)
            try:
                closed += sock.recv(1) == b""
            except TimeoutError:
                pass
            except OSError:
                closed += 1
        result["closed_by_server"] = closed
        return result
    finally:
        for sock in sockets:
            sock.close()


def floor_ms(source) -> float:
    """Median time of the simple queries on the embedded store with their JSON answer: no HTTP, no worker."""
    store, times = open_store(source), []
    for text in SIMPLE * 25:
        started = time.perf_counter()
        sparql_json(execute(store, text, limit=10_000))
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


SERVE = ("import json, sys\n"
         "from graph.server import EndpointConfig, serve\n"
         "serve(sys.argv[1], port=0, config=EndpointConfig(**json.loads(sys.argv[2])),\n"
         "      announce=lambda message: print(message, flush=True))\n")


@contextmanager
def endpoint(config: EndpointConfig, source):
    """``exokg serve`` with this configuration in its own process (as a user runs it); yields its port."""
    settings = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "allowed_graphs"}
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(source), json.dumps(settings)],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if " at http://" not in line:
            raise SystemExit(f"error: the endpoint did not start: {line!r}")
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        yield urllib.parse.urlsplit(url).port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(config: EndpointConfig, source) -> dict:
    results = {}
    with endpoint(config, source) as port:
        for _ in range(20):  # warm the workers
            request(port, SIMPLE[0], 10.0)
        rows = [("50 clients x 20 simple queries", dict(simple_clients=50, per_client=20)),
                ("40 simple clients (x 10 queries) alone, for reference", dict(simple_clients=40, per_client=10)),
                ("10 slow + 40 simple clients (x 10 queries)", dict(simple_clients=40, per_client=10, slow_clients=10)),
                ("10 slow (each a new text) + 40 simple clients", dict(simple_clients=40, per_client=10,
                                                                       slow_clients=10, vary=True))]
        for name, shape in rows:
            load = Load(port, client_timeout=30.0)
            load.run(**shape)
            results[name] = summary(load)
            print(f"  {name}: {results[name]}", flush=True)
            time.sleep(config.timeout + 1)  # the last slow queries end before the next load
        results[HALF_OPEN] = half_open(port, 1000, 20)
        print(f"  {HALF_OPEN}: {results[HALF_OPEN]}", flush=True)
    return results


def cell(row: dict) -> str:
    extra = f", closed by the server {row['closed_by_server']:,}/1,000" if "closed_by_server" in row else ""
    slow = ", slow clients got " + ", ".join(f"{status or 'no answer'}: {n}" for status, n in row["slow"].items()) \
        if row["slow"] else ""
    return (f"{row['p50']:,.1f} / {row['p95']:,.1f} / {row['p99']:,.1f} ms; failed {row['failed']} of {row['n']} "
            f"(refused {row['refused']}, over 2 s {row['over_2s']}){slow}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="query timeout of both endpoints (s)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench_load.md")
    parser.add_argument("--no-baseline", action="store_true", help="measure the current endpoint only (no report)")
    args = parser.parse_args(argv)
    source = graph_file()
    load_before = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    floor = floor_ms(source)
    baseline = EndpointConfig(timeout=args.timeout, log=False, backlog=5, long_queries=0,
                              queue_timeout=args.timeout, read_timeout=3600.0, max_pending=1_000_000)
    current = EndpointConfig(timeout=args.timeout, log=False)
    print(f"floor: {floor:.2f} ms", flush=True)
    if args.no_baseline:
        measure(current, source)
        return 0
    print("baseline (before issue 12)", flush=True)
    before = measure(baseline, source)
    print("current", flush=True)
    after = measure(current, source)
    lines = [
        "# Load on `exokg serve`: baseline vs current",
        "",
        f"Written by `scripts/bench_load.py` ({platform.python_version()}, {platform.machine()}, "
        f"{len(SIMPLE)} simple queries in turn, query timeout {args.timeout:g} s). Both endpoints ran in the same "
        "run on loopback; the load generator shares the machine's cores with them. Baseline: backlog 5, no "
        "long-query lane, a query waits up to the timeout for a worker, no request deadline. Current: the "
        f"defaults ({current.workers} regular workers, {current.long_queries} long-query place, fast budget "
        f"{current.fast_budget:g} s, queue wait {current.queue_timeout:g} s, request deadline "
        f"{current.read_timeout:g} s, {current.max_pending} pending connections, backlog {current.backlog}).",
        "",
        f"Floor: the same simple queries on the embedded store with their JSON answer, no HTTP: median {floor:.2f} ms.",
        "",
        "Simple queries: p50 / p95 / p99 of those answered 200; failed = any other answer or none.",
        "",
        "| load | baseline | current |",
        "|---|---|---|",
    ]
    for name in before:
        lines.append(f"| {name} | {cell(before[name])} | {cell(after[name])} |")
    load_after = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    lines += ["", f"Load average of the machine (other work included) at the start and the end: {load_before}, "
                  f"{load_after}.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
