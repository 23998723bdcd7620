"""Load on ``exokg serve``: many clients at once, with and without slow (pathological) ones.

Starts the endpoint two or three times in the same run, each in its own process (as ``exokg serve``
runs), on free loopback ports, over the packaged graph:

* **baseline**: the endpoint as it was before issue 12 (listen backlog 5, no long-query lane:
  every query may hold a worker for the whole timeout, a query waits up to the timeout for a
  worker, no request deadline, no cap on half-sent connections, no answer cache);
* **earlier** (with ``--earlier DIR``): the default configuration of an earlier version of the
  code, the ``graph`` package in DIR (``git archive COMMIT graph | tar -x -C DIR``);
* **current**: the default configuration of ``exokg serve``.

and runs the same loads against each (every request goes to 127.0.0.1; every load has a fixed
number of requests and a time bound, and stops by itself):

1. 50 clients x 20 simple queries;
1b. the same, but every query is a new text (a comment numbers it), so no answer can be remembered;
2. 40 clients x 10 simple queries alone (what the next load adds to: the machine is shared);
3. 10 slow clients (one pathological query, repeated) + 40 clients x 10 simple queries;
4. the same, but every slow request is a new text (the endpoint cannot recognise it);
5. 1,000 connections that send half a request and stay open, then 20 simple queries.

The clients run in this process, by default as coroutines on one thread (non-blocking sockets,
so 50 clients cost the 2 shared cores little and no client waits for a Python lock to record
its time); ``--clients threads`` runs them as one thread each (http.client), as before.

It prints p50/p95/p99 of the simple queries, how many failed (any answer but 200, or no answer),
how many were refused (503), how many took over 2 s, and what the slow clients got. The time of
the same simple queries run directly on the embedded pyoxigraph store is the floor. Writes
``docs/bench_load.md``.

    python scripts/bench_load.py [--timeout 10] [--clients async|threads] [--earlier DIR] [--out docs/bench_load.md]
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import os
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
SLOW_HEAD_START = 1.0  # seconds the slow clients run before the simple ones start
# ROW_BOUND: seconds a load may last at most; requests not sent by then are counted as failed


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


async def request_async(port: int, text: str, timeout: float) -> tuple[int, float]:
    """:func:`request` on a non-blocking socket: (HTTP status, or 0 for no or an incomplete answer; seconds)."""
    started = time.perf_counter()
    head = (f"GET /sparql?{urllib.parse.urlencode({'query': text})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n").encode()

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head)
            return await reader.read()  # to the end: the endpoint closes after one answer
        finally:
            writer.close()

    try:
        data = await asyncio.wait_for(exchange(), timeout)
        answer_head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in answer_head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        status = int(answer_head.split(b" ", 2)[1]) if len(body) == length else 0
    except (OSError, asyncio.TimeoutError, ValueError, IndexError, StopIteration):
        status = 0
    return status, time.perf_counter() - started


def simple_text(i: int, unique: str | None) -> str:
    """The i-th simple query; with ``unique``, made a new text by a comment (same work, no remembered answer)."""
    text = SIMPLE[i % len(SIMPLE)]
    return text if unique is None else f"{text}\n# {unique} {i}"


class Load:
    def __init__(self, port: int, client_timeout: float, asynchronous: bool = True):
        self.port, self.client_timeout, self.asynchronous = port, client_timeout, asynchronous
        self.simple: list[tuple[int, float]] = []
        self.slow: Counter = Counter()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.deadline = time.monotonic() + ROW_BOUND

    def simple_client(self, count: int, offset: int, unique: str | None = None) -> None:
        for i in range(count):
            if time.monotonic() > self.deadline:
                with self.lock:
                    self.simple.append((0, float("inf")))
                continue
            answer = request(self.port, simple_text(offset + i, unique), self.client_timeout)
            with self.lock:
                self.simple.append(answer)

    async def simple_client_async(self, count: int, offset: int, unique: str | None = None) -> None:
        for i in range(count):
            if time.monotonic() > self.deadline:
                self.simple.append((0, float("inf")))
                continue
            self.simple.append(await request_async(self.port, simple_text(offset + i, unique), self.client_timeout))

    def slow_client(self, numbers, vary: bool) -> None:
        while not self.done.is_set() and time.monotonic() < self.deadline:
            text = SLOW if not vary else SLOW.replace("}", f"FILTER(?n != {next(numbers)}) }}")
            status, _ = request(self.port, text, self.client_timeout)
            with self.lock:
                self.slow[status] += 1

    async def slow_client_async(self, numbers, vary: bool) -> None:
        while not self.done.is_set() and time.monotonic() < self.deadline:
            text = SLOW if not vary else SLOW.replace("}", f"FILTER(?n != {next(numbers)}) }}")
            status, _ = await request_async(self.port, text, self.client_timeout)
            self.slow[status] += 1

    async def run_async(self, simple_clients: int, per_client: int, slow_clients: int, vary: bool,
                        unique: str | None) -> None:
        numbers = itertools.count()
        slow = [asyncio.create_task(self.slow_client_async(numbers, vary)) for _ in range(slow_clients)]
        if slow:
            await asyncio.sleep(SLOW_HEAD_START)
        await asyncio.gather(*(self.simple_client_async(per_client, c * per_client if unique else c, unique)
                               for c in range(simple_clients)))
        self.done.set()
        await asyncio.gather(*slow)

    def run(self, simple_clients: int, per_client: int, slow_clients: int = 0, vary: bool = False,
            unique: str | None = None) -> None:
        if self.asynchronous:
            asyncio.run(self.run_async(simple_clients, per_client, slow_clients, vary, unique))
            return
        numbers = itertools.count()
        slow = [threading.Thread(target=self.slow_client, args=(numbers, vary)) for _ in range(slow_clients)]
        simple = [threading.Thread(target=self.simple_client, args=(per_client, c * per_client if unique else c, unique))
                  for c in range(simple_clients)]
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


SERVE = ("import dataclasses, json, sys\n"
         "from graph.server import EndpointConfig, serve\n"
         "known = {f.name for f in dataclasses.fields(EndpointConfig)}  # an earlier version may lack a setting\n"
         "settings = {k: v for k, v in json.loads(sys.argv[2]).items() if k in known}\n"
         "serve(sys.argv[1], port=0, config=EndpointConfig(**settings),\n"
         "      announce=lambda message: print(message, flush=True))\n")


@contextmanager
def endpoint(config: EndpointConfig, source, code: Path | None = None):
    """``exokg serve`` with this configuration in its own process (as a user runs it); yields its port.
    ``code``: a folder whose ``graph`` package is served instead of this checkout's."""
    settings = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "allowed_graphs"}
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code.resolve()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(source), json.dumps(settings)],
                               stdout=subprocess.PIPE, text=True, env=env, cwd=str(code.resolve()) if code else None)
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


def measure(config: EndpointConfig, source, asynchronous: bool = True, code: Path | None = None) -> dict:
    results = {}
    with endpoint(config, source, code) as port:
        for _ in range(20):  # warm the workers
            request(port, SIMPLE[0], 10.0)
        rows = [("50 clients x 20 simple queries", dict(simple_clients=50, per_client=20)),
                ("50 clients x 20 simple queries, each a new text", dict(simple_clients=50, per_client=20,
                                                                         unique=f"run {time.time_ns()}")),
                ("40 simple clients (x 10 queries) alone, for reference", dict(simple_clients=40, per_client=10)),
                ("10 slow + 40 simple clients (x 10 queries)", dict(simple_clients=40, per_client=10, slow_clients=10)),
                ("10 slow (each a new text) + 40 simple clients", dict(simple_clients=40, per_client=10,
                                                                       slow_clients=10, vary=True))]
        for name, shape in rows:
            load = Load(port, client_timeout=30.0, asynchronous=asynchronous)
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


def load_average() -> str:
    path = Path("/proc/loadavg")
    return path.read_text().split()[0] if path.exists() else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="query timeout of the endpoints (s)")
    parser.add_argument("--clients", choices=("async", "threads"), default="async",
                        help="clients as coroutines on one thread (default) or one thread each")
    parser.add_argument("--earlier", type=Path, metavar="DIR",
                        help="also measure the defaults of the graph package in DIR (an earlier version of the code)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench_load.md")
    parser.add_argument("--no-baseline", action="store_true", help="measure the current endpoint only (no report)")
    args = parser.parse_args(argv)
    if args.earlier is not None and not (args.earlier / "graph" / "server.py").is_file():
        raise SystemExit(f"error: {args.earlier} holds no graph package. Fix: "
                         f"git archive COMMIT graph | tar -x -C {args.earlier}")
    asynchronous = args.clients == "async"
    source = graph_file()
    loads = [load_average()]
    floor = floor_ms(source)
    baseline = EndpointConfig(timeout=args.timeout, log=False, backlog=5, long_queries=0, cache=False,
                              queue_timeout=args.timeout, read_timeout=3600.0, max_pending=1_000_000)
    current = EndpointConfig(timeout=args.timeout, log=False)
    print(f"floor: {floor:.2f} ms", flush=True)
    if args.no_baseline:
        measure(current, source, asynchronous)
        return 0
    columns = {}
    print("baseline (before issue 12)", flush=True)
    columns["baseline"] = measure(baseline, source, asynchronous)
    loads.append(load_average())
    if args.earlier is not None:
        print(f"earlier ({args.earlier})", flush=True)
        columns["earlier code, defaults"] = measure(current, source, asynchronous, args.earlier)
        loads.append(load_average())
    print("current", flush=True)
    columns["current"] = measure(current, source, asynchronous)
    loads.append(load_average())
    clients = ("coroutines on one thread (non-blocking sockets)" if asynchronous else
               "one thread each (http.client)")
    lines = [
        "# Load on `exokg serve`: baseline vs current",
        "",
        f"Written by `scripts/bench_load.py` ({platform.python_version()}, {platform.machine()}, "
        f"{len(SIMPLE)} simple queries in turn, query timeout {args.timeout:g} s, clients: {clients}). The "
        "endpoints ran one after the other in the same run on loopback; the load generator shares the machine's "
        "cores with them. Baseline: backlog 5, no long-query lane, a query waits up to the timeout for a worker, "
        f"no request deadline, no answer cache. Current: the defaults ({current.workers} regular workers, "
        f"{current.long_queries} long-query places, fast budget {current.fast_budget:g} s, queue wait "
        f"{current.queue_timeout:g} s, request deadline {current.read_timeout:g} s, {current.max_pending} pending "
        f"connections, backlog {current.backlog}, answers remembered per store version).",
        "",
        f"Floor: the same simple queries on the embedded store with their JSON answer, no HTTP: median {floor:.2f} ms.",
        "",
        "Simple queries: p50 / p95 / p99 of those answered 200; failed = any other answer or none.",
        "",
        "| load | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for name in columns["current"]:
        lines.append(f"| {name} | " + " | ".join(cell(results[name]) for results in columns.values()) + " |")
    lines += ["", "Load average (1 min) of the machine, other work included, at the start and after each "
                  f"endpoint: {', '.join(loads)}.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
