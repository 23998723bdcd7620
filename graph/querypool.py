"""The query workers behind ``exokg serve``: processes that each hold the store, in two lanes.

pyoxigraph releases the GIL while it evaluates a query, so threads would run queries in
parallel; but a query cannot be cancelled, so a runaway query in a thread would hold a core
until it ends by itself. A query therefore runs in a worker *process*, which is killed (and
replaced) when the query passes its timeout.

Two lanes keep long queries from starving short ones:

* **regular lane**: ``workers`` queries at once at normal priority (plus two spare processes
  started ahead). Every query starts here, waits at most ``queue_timeout`` seconds for a place,
  and may run ``fast_budget`` seconds.
* **long lane**: at most ``long_queries`` queries at once at the lowest CPU priority (nice 19 and
  ``SCHED_IDLE`` on Linux),
  each up to the full ``timeout``. A query that runs past the fast budget leaves the regular lane
  with its worker process (the spare takes its place and another is started); while the long
  lane is full it is paused (SIGSTOP: no CPU) for at most ``queue_timeout`` seconds, then
  stopped and answered 503. A query text seen running long before goes straight to the long
  lane (waiting at most ``queue_timeout`` for a place), in a worker the long lane starts itself at
  low priority, so repeating it never holds or replaces a regular worker.

``long_queries=0`` turns the long lane off: every query may use the whole timeout in a regular
worker (the endpoint's behaviour before the lanes, kept as the load test's baseline).

Answers are remembered (:class:`AnswerCache`): a pool serves one store version, which nobody
writes once it is published (:mod:`graph.storage`), so the same text asked with the same Accept
choice and row limit has the same answer, and a repeated query is answered without a worker.
Texts that call RAND, NOW, UUID, STRUUID or BNODE are never remembered. A new store version gets
a new pool (:mod:`graph.server`), and with it an empty cache.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
from collections import OrderedDict

from .errors import ServerError
from .query import one_line

STARTUP_TIMEOUT = 120.0
LONG_NICENESS = 19  # CPU weight 15 against 1,024 for a regular worker (Linux CFS)
SPARE_WORKERS = 2  # started ahead, so workers leaving the regular lane are replaced at once
MAX_PAUSED = 16  # long queries paused while they wait for a place in the long lane
REMEMBERED_LONG = 1024  # query texts remembered as long (least recently seen forgotten first)
TEXT = "text/plain; charset=utf-8"
CACHE_BYTES = 32 * 1024 * 1024  # bytes of remembered answers (query texts included)
CACHE_ENTRY_BYTES = 1024 * 1024  # larger answers are not remembered
# functions whose value changes from one evaluation to the next (SPARQL 1.1, 17.4): such a query is
# run every time; a match in a string or a comment only costs the cache, never a wrong answer
VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def _worker_main(conn, graph_path: str) -> None:  # runs in a child process
    try:
        from .query import QueryError, execute, serialize_graph, sparql_csv, sparql_json, sparql_tsv, sparql_xml
        from .store import open_store

        store = open_store(graph_path)
        writers = {"json": sparql_json, "xml": sparql_xml, "csv": sparql_csv, "tsv": sparql_tsv}
        conn.send(("ready", len(store)))
    except Exception as err:  # noqa: BLE001 - reported to the parent, which refuses to start
        conn.send(("error", f"{type(err).__name__}: {err}"))
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        text, row_choice, graph_choice, limit = job
        try:
            result = execute(store, text, limit=limit)
            choice = graph_choice if result.form == "GRAPH" else row_choice
            if choice is None:
                kind = "an RDF graph" if result.form == "GRAPH" else "SPARQL results"
                conn.send((406, TEXT, f"the answer is {kind}, which the Accept header does not allow\n".encode(), {}))
                continue
            fmt, content_type = choice
            if result.form == "GRAPH":
                body = serialize_graph(result, fmt)
            else:
                body = writers[fmt](result).encode("utf-8")
            headers = {"X-ExoKG-Truncated": "true", "X-ExoKG-Row-Limit": str(limit)} if result.truncated else {}
            conn.send((200, content_type, body, headers))
        except QueryError as err:
            conn.send((400, TEXT, f"{err}\n".encode(), {}))
        except Exception as err:  # noqa: BLE001 - one bad query must not kill the worker
            conn.send((500, TEXT, f"query failed: {type(err).__name__}: {err}\n".encode(), {}))


def _context():
    """forkserver when the platform has it: a new worker is forked from a process that has
    already imported the query code, so replacing a killed worker costs little CPU."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["graph.query", "graph.store"])
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, context, graph_path: str, low_priority: bool = False):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, graph_path), daemon=True,
                                       name="exokg-query-worker")
        self.process.start()
        child.close()
        self.ready = False
        self._stopping = threading.Lock()
        self._stopped = False
        if low_priority:  # at once, so that even loading the store yields the CPU to regular workers
            self.lower_priority()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise ServerError(f"a query worker did not start within {timeout:g} s")
            message = self.conn.recv()
        except (EOFError, OSError):
            raise ServerError(f"a query worker exited while it started (exit code {self.process.exitcode})") from None
        if message[0] != "ready":
            raise ServerError(f"a query worker could not load the graph: {one_line(message[1])}")
        self.ready = True

    def lower_priority(self) -> None:
        """Nice 19, and on Linux SCHED_IDLE: the process runs only on CPU time nothing else wants
        and gives way at once when a regular worker or the server wakes up."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, LONG_NICENESS)
        except (AttributeError, OSError):
            pass  # no priorities on this platform: the long lane still bounds how many run
        try:
            os.sched_setscheduler(self.process.pid, os.SCHED_IDLE, os.sched_param(0))
        except (AttributeError, OSError):
            pass

    def pause(self) -> bool:
        """Stop the process where it is (it keeps its memory, uses no CPU); False if the platform cannot."""
        try:
            os.kill(self.process.pid, signal.SIGSTOP)
            return True
        except (AttributeError, OSError):
            return False

    def resume(self) -> None:
        try:
            os.kill(self.process.pid, signal.SIGCONT)
        except (AttributeError, OSError):
            pass

    def stop(self, kill: bool = False) -> None:
        """End the process (once, whoever asks first: a request thread or the shutdown)."""
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
        try:
            if not kill and self.process.is_alive():
                self.conn.send(None)
                self.process.join(2)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        try:
            self.conn.close()
        except OSError:
            pass


def fingerprint(text: str) -> str:
    """The same query whatever its spacing.

    >>> fingerprint("ASK {  ?s ?p ?o }") == fingerprint("ASK { ?s ?p ?o }\\n")
    True
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class AnswerCache:
    """Answers (status 200) of one store version, least recently used forgotten first, bounded in bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entry: int = CACHE_ENTRY_BYTES):
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self._answers: OrderedDict[tuple, tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def cacheable(text: str) -> bool:
        return VOLATILE.search(text) is None

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple, answer: tuple) -> None:
        size = len(key[0]) + len(answer[2])
        if answer[0] != 200 or size > self.max_entry:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self._bytes -= len(old_key[0]) + len(old[2])


def _busy(message: str, retry_after: float) -> tuple:
    return 503, TEXT, (message + "\n").encode(), {"Retry-After": str(max(1, round(retry_after)))}


class WorkerPool:
    """Worker processes in a regular and a long lane (see the module's docstring)."""

    def __init__(self, graph_path: str, size: int, long_queries: int = 2, fast_budget: float = 0.25,
                 queue_timeout: float = 5.0, cache: bool = True):
        self.graph_path, self.size = graph_path, size
        self.cache = AnswerCache() if cache else None
        self.long_queries, self.fast_budget, self.queue_timeout = long_queries, fast_budget, queue_timeout
        self.lanes = long_queries > 0
        self._context = _context()
        self._slots = threading.BoundedSemaphore(size)  # queries at once in the regular lane
        self._idle: queue.Queue[_Worker] = queue.Queue()  # started regular workers (a spare beyond the slots)
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._long_changed = threading.Condition(self._lock)
        self._long_running = 0
        self._paused = 0
        self._long_idle: list[_Worker] = []
        self._long_seen: OrderedDict[str, None] = OrderedDict()
        self._closed = False
        workers = [self._spawn() for _ in range(size + (SPARE_WORKERS if self.lanes else 0))]
        try:
            for worker in workers:
                worker.wait_ready()
        except ServerError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    # ---- processes

    def _spawn(self, low_priority: bool = False) -> _Worker:
        worker = _Worker(self._context, self.graph_path, low_priority)
        with self._lock:
            self._all.add(worker)
        return worker

    def _stop(self, worker: _Worker, kill: bool) -> None:
        worker.stop(kill=kill)
        with self._lock:
            self._all.discard(worker)

    def _replace(self) -> None:
        """Start a regular worker in the background; it joins the lane once it has the store."""
        def start():
            with self._lock:
                if self._closed:
                    return
            worker = self._spawn()
            try:
                worker.wait_ready()
            except ServerError as err:
                sys.stderr.write(f"warning: {err}; the endpoint runs with one worker less\n")
                self._stop(worker, kill=True)
                return
            with self._lock:
                closed = self._closed
            if closed:
                self._stop(worker, kill=False)
            else:
                self._idle.put(worker)

        threading.Thread(target=start, name="exokg-worker-start", daemon=True).start()

    def _take_regular(self, wait: float) -> _Worker | None:
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            return None

    def _leave_regular(self, worker: _Worker) -> None:
        """A regular worker becomes a long-lane one (lower priority); another is started for the lane."""
        worker.lower_priority()
        self._replace()

    # ---- the long lane

    def _remember_long(self, key: str) -> None:
        with self._lock:
            self._long_seen[key] = None
            self._long_seen.move_to_end(key)
            while len(self._long_seen) > REMEMBERED_LONG:
                self._long_seen.popitem(last=False)

    def _known_long(self, key: str) -> bool:
        with self._lock:
            return key in self._long_seen

    def _enter_long(self, wait: float) -> bool:
        """Take a place in the long lane, waiting at most ``wait`` seconds."""
        deadline = time.monotonic() + wait
        with self._long_changed:
            while self._long_running >= self.long_queries:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._long_changed.wait(left)
            self._long_running += 1
            return True

    def _leave_long(self, worker: _Worker | None) -> None:
        """Free a place; a worker that finished in time waits there for the next long query."""
        surplus = None
        with self._long_changed:
            self._long_running -= 1
            if worker is not None:
                self._long_idle.append(worker)
                if len(self._long_idle) + self._long_running > self.long_queries or self._closed:
                    surplus = self._long_idle.pop(0)
            self._long_changed.notify()
        if surplus is not None:
            self._stop(surplus, kill=False)

    def _wait_paused(self, worker: _Worker) -> bool:
        """Pause a query that ran long while the long lane is full, until a place frees (True) or
        the queue wait ends (False); paused, it holds no regular worker and uses no CPU."""
        with self._lock:
            if self._paused >= MAX_PAUSED:
                return False
            self._paused += 1
        try:
            if not worker.pause():
                return False
            entered = self._enter_long(self.queue_timeout)
            worker.resume()
            return entered
        finally:
            with self._lock:
                self._paused -= 1

    # ---- running a query

    def execute(self, text: str, row_choice, graph_choice, limit: int, timeout: float):
        """Run a query, or take its answer from the cache: (status, content type, body, extra headers)."""
        if self.cache is None or not self.cache.cacheable(text):
            return self._execute(text, row_choice, graph_choice, limit, timeout)
        key = (text, row_choice, graph_choice, limit, self.graph_path)
        answer = self.cache.get(key)
        if answer is None:
            answer = self._execute(text, row_choice, graph_choice, limit, timeout)
            self.cache.put(key, answer)
        return answer

    def _execute(self, text: str, row_choice, graph_choice, limit: int, timeout: float):
        job = (text, row_choice, graph_choice, limit)
        if not self.lanes or self.fast_budget >= timeout:
            return self._run_regular(job, timeout, None)
        key = fingerprint(text)
        if self._known_long(key):
            return self._run_long(job, timeout)
        return self._run_regular(job, timeout, key)

    def _run_regular(self, job, timeout: float, key: str | None):
        wait = self.queue_timeout if key is not None else min(self.queue_timeout, timeout)
        started = time.monotonic()
        if not self._slots.acquire(timeout=wait):
            return _busy(f"every query worker stayed busy for {self.queue_timeout:g} s; try again shortly",
                         self.queue_timeout)
        if key is not None and self._known_long(key):  # learnt while this query waited
            self._slots.release()
            return self._run_long(job, timeout)
        worker = self._take_regular(max(0.0, wait - (time.monotonic() - started)))
        if worker is None:
            self._slots.release()
            return _busy(f"every query worker stayed busy for {self.queue_timeout:g} s; try again shortly",
                         self.queue_timeout)
        budget = timeout if key is None else self.fast_budget
        try:
            worker.conn.send(job)
            if worker.conn.poll(budget):
                answer = worker.conn.recv()
                self._idle.put(worker)
                self._slots.release()
                return answer
        except (EOFError, OSError) as err:
            self._stop(worker, kill=True)
            self._replace()
            self._slots.release()
            return 500, TEXT, f"the query worker failed ({err}); it was restarted\n".encode(), {}
        if key is None:  # no long lane: the budget was the whole timeout
            self._stop(worker, kill=True)
            self._replace()
            self._slots.release()
            return self._timed_out(timeout)
        self._remember_long(key)
        self._leave_regular(worker)
        self._slots.release()
        if self._enter_long(0) or self._wait_paused(worker):
            return self._finish_long(worker, timeout - budget, timeout)
        self._stop(worker, kill=True)
        return _busy(f"the query ran past {self.fast_budget:g} s and the {self.long_queries} place(s) for long "
                     f"queries stayed taken for {self.queue_timeout:g} s, so it was stopped. Fix: add a LIMIT or "
                     "narrow the pattern, or retry later", self.queue_timeout)

    def _run_long(self, job, timeout: float):
        if not self._enter_long(self.queue_timeout):
            return _busy(f"this query ran long before and the {self.long_queries} place(s) for long queries "
                         f"stayed taken for {self.queue_timeout:g} s. Fix: add a LIMIT or narrow the pattern, "
                         "or retry later", self.queue_timeout)
        with self._lock:
            worker = self._long_idle.pop() if self._long_idle else None
        try:
            if worker is None:  # the long lane starts its own worker: the regular lane is not touched
                worker = self._spawn(low_priority=True)
                worker.wait_ready()
            worker.conn.send(job)
        except ServerError as err:
            assert worker is not None  # ServerError comes from wait_ready() or send(), after the worker exists
            self._stop(worker, kill=True)
            self._leave_long(None)
            return 500, TEXT, f"{err}\n".encode(), {}
        except (OSError, ValueError) as err:
            # None only if starting the worker process itself failed; _stop() could not handle that before either
            assert worker is not None
            self._stop(worker, kill=True)
            self._leave_long(None)
            return 500, TEXT, f"the query worker failed ({err}); it was restarted\n".encode(), {}
        return self._finish_long(worker, timeout, timeout)

    def _finish_long(self, worker: _Worker, left: float, timeout: float):
        try:
            if worker.conn.poll(max(0.0, left)):
                answer = worker.conn.recv()
                self._leave_long(worker)
                return answer
        except (EOFError, OSError) as err:
            self._stop(worker, kill=True)
            self._leave_long(None)
            return 500, TEXT, f"the query worker failed ({err}); it was restarted\n".encode(), {}
        self._stop(worker, kill=True)
        self._leave_long(None)
        return self._timed_out(timeout)

    @staticmethod
    def _timed_out(timeout: float):
        message = (f"the query ran longer than the {timeout:g} s timeout and was stopped. "
                   "Fix: add a LIMIT or narrow the pattern\n")
        return 503, TEXT, message.encode(), {}

    def close(self) -> None:
        with self._long_changed:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._long_idle.clear()
            self._long_changed.notify_all()
        for worker in workers:
            worker.resume()
            worker.stop()


class VersionedPools:
    """The worker pool of the store version a source points at now. ``locate()`` names that
    version (a new build or ``exokg load`` publishes a new one); when it changes, the next
    request starts a pool on the new version (with an empty cache) and the old pool is closed
    ``retire_after`` seconds later, when every query it was running has ended."""

    def __init__(self, locate, start, retire_after: float, first: str | None = None):
        self._locate, self._start, self.retire_after = locate, start, retire_after
        self._switching = threading.Lock()  # one request at a time opens a new version
        self._retiring: list[tuple[WorkerPool, threading.Timer]] = []
        self.pool: WorkerPool = start(first if first is not None else locate())

    def current(self) -> WorkerPool:
        """The pool for the current version (raises the locator's ExoKGError when the graph is gone)."""
        location = self._locate()
        if location == self.pool.graph_path:
            return self.pool
        with self._switching:
            if location != self.pool.graph_path:
                fresh = self._start(location)
                old, self.pool = self.pool, fresh
                timer = threading.Timer(self.retire_after, old.close)
                timer.daemon = True
                timer.start()
                self._retiring = [(p, t) for p, t in self._retiring if t.is_alive()] + [(old, timer)]
        return self.pool

    def close(self) -> None:
        with self._switching:
            for old, timer in self._retiring:
                timer.cancel()
                old.close()
            self._retiring.clear()
            self.pool.close()

