"""``exokg serve``: a read-only SPARQL 1.1 Protocol endpoint over the ExoKG graph.

* ``GET /sparql?query=...``, ``POST /sparql`` with ``application/x-www-form-urlencoded``
  (``query=...``) or with the query as the body (``application/sparql-query``).
* Results by ``Accept``: SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE graphs as
  Turtle (default), N-Triples, JSON-LD or RDF/XML. ``406`` when nothing acceptable is on offer.
* ``GET /``: a small HTML page to type a query (no external resources).
* Read-only and closed: SPARQL Update (``update=`` or ``application/sparql-update``), SERVICE,
  FROM/FROM NAMED and ``named-graph-uri`` are refused with ``403``; ``default-graph-uri`` is
  accepted only for the ExoKG dataset IRI (the graph the endpoint serves). Requests whose Host is
  not a loopback name are refused when the server listens on loopback (DNS rebinding).
* Every query runs in a worker process holding its own copy of the store (:mod:`graph.querypool`:
  a regular lane for short queries, a long lane of bounded size at lower priority for queries
  that run long); a query that runs past the timeout is stopped (the worker is killed and
  replaced) and answered ``503``. Answers are cut at the row limit and flagged with
  ``X-ExoKG-Truncated: true``.
* Answers are remembered per store version (:class:`graph.querypool.AnswerCache`), so a repeated
  query is answered without a worker. The endpoint follows its build folder: when ``exokg build``
  or ``exokg load`` publishes a new store version, the next request opens it in a new worker pool
  (with an empty cache) and the old pool is closed once its queries have ended.
* A client that connects must send its whole request (head and body) within ``read_timeout``
  seconds, or the connection is closed (a POST body that stops short is answered ``400`` and
  never run). At most ``max_pending`` connections may be sending their request at once; past
  that, the oldest of them is closed, so idle or half-sent connections cannot lock others out.

Only the standard library serves HTTP (:class:`http.server.ThreadingHTTPServer`), each connection
on its own thread; threads are kept for the next connections rather than started for each.
"""
from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import queue
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from .errors import ExoKGError, ServerError
from .query import (GRAPH_MEDIA, RESULT_MEDIA, QueryError, QueryRefused, check_policy, dataset_clauses, one_line,
                    query_form)
from .querypool import VersionedPools, WorkerPool
from .vocab import DATASET

DATASET_IRI = str(DATASET["exokg"])
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
REMEMBERED_VERDICTS = 4096
IDLE_THREAD_SECONDS = 30.0  # a handler thread with no connection for this long ends


@dataclass
class EndpointConfig:
    """Limits of the endpoint (docs/query.md, "Server limits"); ``exokg serve`` sets the first few."""

    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 10_000  # rows or triples returned at most
    workers: int = 2  # regular worker processes (queries run at once in the regular lane)
    max_body: int = 1_000_000  # bytes of a POST body
    long_queries: int = 2  # queries at once in the long lane (0: no lane, every query may use the whole timeout)
    fast_budget: float = 0.25  # seconds a query may run in the regular lane before it moves to the long lane
    queue_timeout: float = 5.0  # seconds a query may wait for a worker (or a place in the long lane)
    read_timeout: float = 10.0  # seconds a client has to send its whole request
    max_pending: int = 256  # connections that may be sending their request at once; the oldest is closed past it
    backlog: int = 1024  # connections the kernel queues before the server accepts them (capped by somaxconn)
    cache: bool = True  # remember answers per store version (off: every query runs)
    log: bool = True
    allowed_graphs: tuple[str, ...] = field(default=(DATASET_IRI,))


# ---------------------------------------------------------------- HTTP


class Refusal(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal quality).

    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5)]
    """
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    ranges.sort(key=lambda item: -item[1])
    return ranges


def negotiate(accept: list[tuple[str, float]], offers: dict, default: str):
    """The (format, content type) to send, or None when the client accepts none of ``offers``."""
    for media, quality in accept:
        if quality <= 0:
            continue
        if media in offers:
            return offers[media]
        if media == "*/*":
            return offers[default]
        if media.endswith("/*"):
            family = media[:-1]
            for offered in offers:
                if offered.startswith(family):
                    return offers[offered]
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "ExoKG-SPARQL"
    sys_version = ""
    disable_nagle_algorithm = True  # the head and body go out as written, not after the client's delayed ACK
    server: "ExoKGServer"

    # ---- plumbing

    def setup(self) -> None:
        # typeshed declares StreamRequestHandler.timeout a ClassVar, but setup() reads it from the instance:
        # the per-instance value is what socketserver expects to be overridden
        self.timeout = self.server.config.read_timeout  # type: ignore[misc]  # each read (and write) of the socket
        self.deadline = time.monotonic() + self.server.config.read_timeout  # the whole request
        super().setup()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if self.server.config.log:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        # the head and the body in one write (end_headers() would send them in two packets)
        head: list[bytes] = self._headers_buffer  # type: ignore[attr-defined]  # where send_header() writes
        head.append(b"\r\n")
        if self.command != "HEAD":
            head.append(body)
        self.flush_headers()

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), headers)

    def _check_host(self) -> None:
        if not self.server.loopback:
            return
        host = self.headers.get("Host")
        if host is None:
            return
        try:
            name = urllib.parse.urlsplit(f"//{host}").hostname or ""
        except ValueError:
            raise Refusal(400, f"malformed Host header {host!r}") from None
        if name.lower() not in LOOPBACK_NAMES:
            raise Refusal(403, f"Host {host!r} is not allowed: this endpoint answers loopback requests only")

    # ---- methods

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _not_allowed(self) -> None:
        self._error(405, f"{self.command} is not allowed: this endpoint is read-only. Use GET or POST",
                    {"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _dispatch(self, method: str) -> None:
        if method != "POST" and not self.server.request_read(self.request):
            return  # the request came too late or too slowly and its connection was closed
        try:
            self._check_host()
            parts = urllib.parse.urlsplit(self.path)
            if parts.path in ("/", "/index.html"):
                if method == "POST":
                    raise Refusal(405, "POST the query to /sparql", {"Allow": "GET, HEAD"})
                self._page()
                return
            if parts.path != "/sparql":
                raise Refusal(404, f"{parts.path} is not here: the endpoint is /sparql and the query page is /")
            params = self._params(parts.query)
            if method == "POST":
                text = self._post_query(params)
            else:
                if not params and "text/html" in (self.headers.get("Accept") or ""):
                    self._page()
                    return
                text = self._one_query(params)
            self._answer(text, params)
        except Refusal as refusal:
            self._error(refusal.status, refusal.message, refusal.headers)
        except OSError:  # the client went away or stopped reading: nobody to answer
            self.close_connection = True
        except Exception as err:  # noqa: BLE001 - answer 500 rather than drop the connection
            self._error(500, f"internal error: {type(err).__name__}: {one_line(str(err))}")

    def _params(self, query_string: str) -> dict[str, list[str]]:
        try:
            return urllib.parse.parse_qs(query_string, keep_blank_values=True, encoding="utf-8", errors="strict",
                                         max_num_fields=50)
        except (UnicodeDecodeError, ValueError) as err:
            raise Refusal(400, f"malformed query string: {err}") from None

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise Refusal(411, "send the body with a Content-Length (chunked bodies are not accepted)")
        length = self.headers.get("Content-Length")
        if length is None:
            raise Refusal(411, "a POST needs a Content-Length")
        try:
            size = int(length)
        except ValueError:
            raise Refusal(400, f"bad Content-Length {length!r}") from None
        if size < 0:
            raise Refusal(400, f"bad Content-Length {length!r}")
        if size > self.server.config.max_body:
            raise Refusal(413, f"the request body is {size:,} bytes; the limit is {self.server.config.max_body:,}")
        body = self._read_exactly(size)
        if not self.server.request_read(self.request):
            raise OSError("the connection was closed at the request deadline")
        return body

    def _read_exactly(self, size: int) -> bytes:
        """The ``size`` bytes the Content-Length announced, before the request's deadline; a body
        that ends short or arrives too slowly is refused (and never run)."""
        chunks, got = [], 0
        allowed = self.server.config.read_timeout
        while got < size:
            left = self.deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.connection.settimeout(left)
                chunk = self.rfile.read1(size - got)
            except TimeoutError:
                self.close_connection = True
                raise Refusal(400, f"the request body stopped at {got:,} of the {size:,} bytes of its Content-Length "
                                   f"within the {allowed:g} s allowed. Fix: send the whole body at once") from None
            finally:
                self.connection.settimeout(allowed)
            if not chunk:
                self.close_connection = True
                raise Refusal(400, f"the request body ended after {got:,} of the {size:,} bytes of its "
                                   "Content-Length. Fix: send the whole body, or the right Content-Length")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _post_query(self, url_params: dict[str, list[str]]) -> str:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise Refusal(403, "SPARQL Update is refused: this endpoint is read-only")
        body = self._body()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(body.decode("ascii"), keep_blank_values=True, encoding="utf-8",
                                             errors="strict", max_num_fields=50)
            except (UnicodeDecodeError, ValueError) as err:
                raise Refusal(400, f"malformed form body: {err}") from None
            for name, values in form.items():
                url_params.setdefault(name, []).extend(values)
            return self._one_query(url_params)
        if content_type == "application/sparql-query":
            if "query" in url_params or "update" in url_params:
                raise Refusal(400, "give the query either as the body or as a parameter, not both")
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refusal(400, "the query body is not UTF-8") from None
        raise Refusal(415, f"unsupported Content-Type {content_type or '(none)'!r}: use "
                           "application/x-www-form-urlencoded or application/sparql-query")

    def _one_query(self, params: dict[str, list[str]]) -> str:
        if "update" in params:
            raise Refusal(403, "SPARQL Update is refused: this endpoint is read-only")
        queries = params.get("query", [])
        if len(queries) != 1:
            raise Refusal(400, "give exactly one 'query' parameter" if queries else
                          "no query: send query=... (GET or form POST) or the query as an application/sparql-query body")
        return queries[0]

    def _answer(self, text: str, params: dict[str, list[str]]) -> None:
        config = self.server.config
        if params.get("named-graph-uri"):
            raise Refusal(403, "named-graph-uri is refused: this endpoint serves one graph and loads no others")
        for iri in params.get("default-graph-uri", []):
            if iri not in config.allowed_graphs:
                raise Refusal(403, f"default-graph-uri <{iri}> is refused: this endpoint serves only "
                                   f"<{config.allowed_graphs[0]}> and never loads other graphs")
        form = self.server.vet(text)
        if isinstance(form, tuple):
            raise Refusal(*form)
        accept = parse_accept(self.headers.get("Accept"))
        row_choice = negotiate(accept, RESULT_MEDIA, "application/sparql-results+json")
        graph_choice = negotiate(accept, GRAPH_MEDIA, "text/turtle")
        rows_refused = form in ("SELECT", "ASK") and row_choice is None
        graph_refused = form in ("CONSTRUCT", "DESCRIBE") and graph_choice is None
        if rows_refused or graph_refused:
            offered = RESULT_MEDIA if rows_refused else GRAPH_MEDIA
            raise Refusal(406, f"cannot answer a {form} query in any of: {self.headers.get('Accept')}; "
                               f"available: {', '.join(sorted(offered))}")
        status, content_type, body, headers = self.server.current_pool().execute(
            text, row_choice, graph_choice, config.max_rows, config.timeout)
        self._send(status, content_type, body, headers)

    def _page(self) -> None:
        body = self.server.page.encode("utf-8")
        self._send(200, "text/html; charset=utf-8", body, {
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer"})


def vet(text: str) -> str | None | tuple[int, str]:
    """The query's form if the endpoint may run it, else (status, message) of the refusal."""
    try:
        check_policy(text)
    except QueryRefused as err:
        return 403, str(err)
    except QueryError as err:
        return 400, str(err)
    if dataset_clauses(text):
        return 403, ("FROM / FROM NAMED are refused: this endpoint serves one graph and never loads other graphs. "
                     "Fix: drop the dataset clause")
    return query_form(text)


def _hang_up(connection: socket.socket) -> None:
    """End a connection whose handler may be blocked reading it (the read returns at once)."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class ExoKGServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pools: VersionedPools | None, config: EndpointConfig, page: str):
        self.pools, self.config, self.page = pools, config, page
        self._handoff: queue.SimpleQueue = queue.SimpleQueue()  # accepted connections for idle threads
        self._idle_threads = 0  # threads waiting on _handoff, less the connections already put there
        self._threads_lock = threading.Lock()
        self._closing = False
        self._next_sweep = 0.0
        self.request_queue_size = config.backlog
        # connections still sending their request -> when they will be closed (oldest first)
        self._pending: OrderedDict[socket.socket, float] = OrderedDict()
        self._pending_lock = threading.Lock()
        self._verdicts: OrderedDict[bytes, str | None | tuple[int, str]] = OrderedDict()  # digest of a text -> vet()
        self._verdicts_lock = threading.Lock()  # not the connections' lock: the accepting thread takes that one
        super().__init__(address, Handler)
        host = str(self.server_address[0])
        try:
            self.loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            self.loopback = host == "localhost"

    def vet(self, text: str) -> str | None | tuple[int, str]:
        """:func:`vet`, remembered for the last texts: clients repeat the same queries, and the
        checks cost about 0.3 ms each time (measured on a simple query)."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._verdicts_lock:
            if key in self._verdicts:
                self._verdicts.move_to_end(key)
                return self._verdicts[key]
        verdict = vet(text)
        with self._verdicts_lock:
            self._verdicts[key] = verdict
            if len(self._verdicts) > REMEMBERED_VERDICTS:
                self._verdicts.popitem(last=False)
        return verdict

    def current_pool(self) -> WorkerPool:
        assert self.pools is not None  # make_server starts the workers before serving
        try:
            return self.pools.current()
        except ExoKGError as err:
            raise Refusal(503, f"the graph is not available: {err}") from None

    def process_request(self, request, client_address) -> None:
        """Track the new connection until its request is read; past ``max_pending`` such
        connections, the oldest is closed, so half-sent requests cannot crowd out new clients.
        The connection goes to an idle handler thread, or to a new one when none is idle."""
        evicted = []
        with self._pending_lock:
            self._pending[request] = time.monotonic() + self.config.read_timeout + 1.0
            while len(self._pending) > self.config.max_pending:
                evicted.append(self._pending.popitem(last=False)[0])
        for connection in evicted:
            _hang_up(connection)
        with self._threads_lock:
            if self._idle_threads > 0:
                self._idle_threads -= 1
                self._handoff.put((request, client_address))
                return
        threading.Thread(target=self._handle_connections, args=(request, client_address), daemon=True,
                         name="exokg-http").start()

    def _handle_connections(self, request, client_address) -> None:
        """A handler thread: this connection, then the next ones handed over while it is idle."""
        while True:
            self.process_request_thread(request, client_address)
            with self._threads_lock:
                if self._closing:
                    return
                self._idle_threads += 1
            try:
                job = self._handoff.get(timeout=IDLE_THREAD_SECONDS)
            except queue.Empty:
                with self._threads_lock:
                    if self._idle_threads > 0:  # nobody counted on this thread: it ends
                        self._idle_threads -= 1
                        return
                job = self._handoff.get()  # a connection was handed over as the wait ended
            if job is None:
                return
            request, client_address = job

    def server_close(self) -> None:
        with self._threads_lock:
            self._closing = True
            idle, self._idle_threads = self._idle_threads, 0
        for _ in range(idle):
            self._handoff.put(None)
        super().server_close()

    def request_read(self, request) -> bool:
        """The handler read its whole request: False if the connection was closed meanwhile."""
        with self._pending_lock:
            return self._pending.pop(request, None) is not None

    def get_request(self):
        """socket.accept() without its conversions of family and type to enums (costly on the accepting thread)."""
        fd, address = self.socket._accept()  # type: ignore[attr-defined]  # the C method behind accept()
        return socket.socket(self.address_family, socket.SOCK_STREAM, 0, fileno=fd), address

    def service_actions(self) -> None:
        """Called by the serving loop after each connection: at most every 50 ms, close late connections."""
        now, late = time.monotonic(), []
        if now < self._next_sweep:
            return
        self._next_sweep = now + 0.05
        with self._pending_lock:
            while self._pending and next(iter(self._pending.values())) <= now:
                late.append(self._pending.popitem(last=False)[0])
        for connection in late:
            _hang_up(connection)

    def shutdown_request(self, request) -> None:
        with self._pending_lock:
            self._pending.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        """One line instead of a traceback; a client that went away is not an error."""
        err = sys.exc_info()[1]
        if isinstance(err, OSError) or not self.config.log:
            return
        sys.stderr.write(f"error: a request from {client_address[0]} failed: {type(err).__name__}: "
                         f"{one_line(str(err))}\n")

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"


# ---------------------------------------------------------------- the query page

def build_page(config: EndpointConfig, source=None) -> str:
    """The query page, with every named query's first example (parameters bound) to pick from."""
    from .query import bind_values, library, query_prefixes

    examples, options = {}, []
    for name, named in library().items():
        text = named.text
        try:
            params = named.example_params()[0]
            text = bind_values(text, named.bindings(params, source)) if params else text
        except ExoKGError:
            pass  # the example names an entity this graph lacks: show the query unbound
        examples[name] = text
        options.append(f'<option value="{html.escape(name)}">{html.escape(name)}: {html.escape(named.title)}</option>')
    script_json = json.dumps(examples).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    limits = f"{config.timeout:g} s per query, {config.max_rows:,} rows"
    page = resources.files("graph.server_assets").joinpath("query.html").read_text(encoding="utf-8")
    return (page.replace("__PREFIXES__", html.escape(", ".join(sorted(query_prefixes()))))
            .replace("__LIMITS__", html.escape(limits)).replace("__OPTIONS__", "".join(options))
            .replace("__EXAMPLES__", script_json))


# ---------------------------------------------------------------- starting and stopping


def make_server(source=None, host: str = "127.0.0.1", port: int = 7879,
                config: EndpointConfig | None = None) -> ExoKGServer:
    """Start the workers and bind the socket (not yet serving); close with :func:`close_server`."""
    from .store import ensure_built, store_location

    config = config or EndpointConfig()
    # the workers open the build's on-disk store version (read-only, at once, loaded graphs included)
    source = ensure_built() if source is None else source  # so that following new versions costs a stat or two
    path = str(store_location(source))
    try:
        server = ExoKGServer((host, port), None, config, "")
    except OSError as err:
        raise ServerError(f"cannot listen on {host}:{port}: {err.strerror or err}. Fix: choose another --port "
                          "(0 picks a free one)") from None
    try:
        server.page = build_page(config, path)
        server.pools = VersionedPools(
            lambda: str(store_location(source)),
            lambda location: WorkerPool(location, config.workers, long_queries=config.long_queries,
                                        fast_budget=config.fast_budget, queue_timeout=config.queue_timeout,
                                        cache=config.cache),
            retire_after=config.queue_timeout + config.timeout + 1.0, first=path)
    except BaseException:
        server.server_close()
        raise
    return server


def close_server(server: ExoKGServer) -> None:
    server.server_close()
    if server.pools is not None:
        server.pools.close()


@contextmanager
def running(source=None, host: str = "127.0.0.1", port: int = 0, config: EndpointConfig | None = None):
    """Serve in a background thread for the duration of a ``with`` block; yields the server
    (``server.url`` is the endpoint)."""
    server = make_server(source, host, port, config)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)
        close_server(server)


def serve(source=None, host: str = "127.0.0.1", port: int = 7879, config: EndpointConfig | None = None,
          announce=print) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_server(source, host, port, config)
    config = server.config
    if not server.loopback:
        announce(f"warning: listening on {host}, not a loopback address: anyone who can reach this machine can query it")
    announce(f"ExoKG SPARQL endpoint at {server.url} (query page: {server.url[:-len('sparql')]}); "
             f"timeout {config.timeout:g} s, at most {config.max_rows:,} rows, {config.workers} worker(s), "
             f"{config.long_queries} long-query place(s). Ctrl-C stops it.")
    def stop(signum, frame):  # SIGTERM stops like Ctrl-C: workers are shut down, the port freed
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        announce("stopping")
    finally:
        close_server(server)
