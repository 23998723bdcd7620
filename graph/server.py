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
* Every query runs in a worker process holding its own copy of the store; a query that runs past
  the timeout is stopped (the worker is killed and replaced) and answered ``503``. Answers are cut
  at the row limit and flagged with ``X-ExoKG-Truncated: true``.

Only the standard library serves HTTP (:class:`http.server.ThreadingHTTPServer`).
"""
from __future__ import annotations

import html
import ipaddress
import json
import multiprocessing
import queue
import signal
import sys
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import ExoKGError
from .query import QueryError, QueryRefused, check_policy, dataset_clauses, one_line, query_form
from .vocab import DATASET

DATASET_IRI = str(DATASET["exokg"])
RESULT_MEDIA = {  # media type -> (format, content type sent)
    "application/sparql-results+json": ("json", "application/sparql-results+json"),
    "application/json": ("json", "application/sparql-results+json"),
    "application/sparql-results+xml": ("xml", "application/sparql-results+xml"),
    "application/xml": ("xml", "application/sparql-results+xml"),
    "text/xml": ("xml", "application/sparql-results+xml"),
    "text/csv": ("csv", "text/csv; charset=utf-8"),
    "text/tab-separated-values": ("tsv", "text/tab-separated-values; charset=utf-8"),
}
GRAPH_MEDIA = {
    "text/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/x-turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/n-triples": ("ntriples", "application/n-triples"),
    "text/plain": ("ntriples", "application/n-triples"),
    "application/ld+json": ("jsonld", "application/ld+json"),
    "application/json": ("jsonld", "application/ld+json"),
    "application/rdf+xml": ("rdfxml", "application/rdf+xml"),
}
STARTUP_TIMEOUT = 120.0
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class ServerError(ExoKGError):
    """The endpoint cannot start (port taken, graph missing, workers failing)."""


@dataclass
class EndpointConfig:
    """Limits of the endpoint; all configurable from ``exokg serve``."""

    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 10_000  # rows or triples returned at most
    workers: int = 2  # queries run at once, each in its own process
    max_body: int = 1_000_000  # bytes of a POST body
    log: bool = True
    allowed_graphs: tuple[str, ...] = field(default=(DATASET_IRI,))


# ---------------------------------------------------------------- worker processes


def _worker_main(conn, graph_path: str) -> None:  # runs in a child process
    try:
        from .query import QuerySyntaxError, execute, serialize_graph, sparql_csv, sparql_json, sparql_tsv, sparql_xml
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
                conn.send((406, "text/plain; charset=utf-8",
                           f"the answer is {kind}, which the Accept header does not allow\n".encode(), {}))
                continue
            fmt, content_type = choice
            if result.form == "GRAPH":
                body = serialize_graph(result, fmt)
            else:
                body = writers[fmt](result).encode("utf-8")
            headers = {"X-ExoKG-Truncated": "true", "X-ExoKG-Row-Limit": str(limit)} if result.truncated else {}
            conn.send((200, content_type, body, headers))
        except QuerySyntaxError as err:
            conn.send((400, "text/plain; charset=utf-8", f"{err}\n".encode(), {}))
        except QueryError as err:
            conn.send((400, "text/plain; charset=utf-8", f"{err}\n".encode(), {}))
        except Exception as err:  # noqa: BLE001 - one bad query must not kill the worker
            conn.send((500, "text/plain; charset=utf-8", f"query failed: {type(err).__name__}: {err}\n".encode(), {}))


class _Worker:
    def __init__(self, context, graph_path: str):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, graph_path), daemon=True,
                                       name="exokg-query-worker")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise ServerError(f"a query worker did not start within {timeout:g} s")
        message = self.conn.recv()
        if message[0] != "ready":
            raise ServerError(f"a query worker could not load the graph: {one_line(message[1])}")
        self.ready = True

    def stop(self, kill: bool = False) -> None:
        try:
            if not kill and self.process.is_alive():
                self.conn.send(None)
                self.process.join(2)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes that each hold the store; a query past its timeout kills its worker."""

    def __init__(self, graph_path: str, size: int):
        self.graph_path, self.size = graph_path, size
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._spawn() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready()
        except ServerError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.graph_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        self._idle.put(self._spawn())

    def execute(self, text: str, row_choice, graph_choice, limit: int, timeout: float):
        """Run a query in a free worker: (status, content type, body, extra headers)."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return 503, "text/plain; charset=utf-8", b"every query worker is busy; try again shortly\n", {}
        try:
            worker.wait_ready()
            worker.conn.send((text, row_choice, graph_choice, limit))
            if worker.conn.poll(timeout):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, ServerError) as err:
            self._retire(worker)
            return 500, "text/plain; charset=utf-8", f"the query worker failed ({err}); it was restarted\n".encode(), {}
        self._retire(worker)
        message = (f"the query ran longer than the {timeout:g} s timeout and was stopped. "
                   "Fix: add a LIMIT or narrow the pattern\n")
        return 503, "text/plain; charset=utf-8", message.encode(), {}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


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
    server: "ExoKGServer"

    # ---- plumbing

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
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

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
        except (ConnectionError, BrokenPipeError):
            pass
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
        return self.rfile.read(size)

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
        try:
            check_policy(text)
        except QueryRefused as err:
            raise Refusal(403, str(err)) from None
        except QueryError as err:
            raise Refusal(400, str(err)) from None
        if dataset_clauses(text):
            raise Refusal(403, "FROM / FROM NAMED are refused: this endpoint serves one graph and never loads "
                               "other graphs. Fix: drop the dataset clause")
        accept = parse_accept(self.headers.get("Accept"))
        row_choice = negotiate(accept, RESULT_MEDIA, "application/sparql-results+json")
        graph_choice = negotiate(accept, GRAPH_MEDIA, "text/turtle")
        form = query_form(text)
        rows_refused = form in ("SELECT", "ASK") and row_choice is None
        graph_refused = form in ("CONSTRUCT", "DESCRIBE") and graph_choice is None
        if rows_refused or graph_refused:
            offered = RESULT_MEDIA if rows_refused else GRAPH_MEDIA
            raise Refusal(406, f"cannot answer a {form} query in any of: {self.headers.get('Accept')}; "
                               f"available: {', '.join(sorted(offered))}")
        assert self.server.pool is not None  # make_server starts the workers before serving
        status, content_type, body, headers = self.server.pool.execute(
            text, row_choice, graph_choice, config.max_rows, config.timeout)
        self._send(status, content_type, body, headers)

    def _page(self) -> None:
        body = self.server.page.encode("utf-8")
        self._send(200, "text/html; charset=utf-8", body, {
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer"})


class ExoKGServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: WorkerPool | None, config: EndpointConfig, page: str):
        self.pool, self.config, self.page = pool, config, page
        super().__init__(address, Handler)
        host = str(self.server_address[0])
        try:
            self.loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            self.loopback = host == "localhost"

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"


# ---------------------------------------------------------------- the query page

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ExoKG SPARQL</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:80em}
textarea{width:100%;height:16em;font:13px monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}#status{margin:.5em 0;color:#555}pre{background:#f7f7f7;padding:.5em;overflow:auto}
code{background:#f3f3f3}
</style></head><body>
<h1>ExoKG SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the ExoKG graph (exosomes and cancer drug resistance). Endpoint:
<code>/sparql</code> (GET or POST). Predeclared prefixes: __PREFIXES__. Limits: __LIMITS__.</p>
<p><label>Example: <select id="examples"><option value="">choose a named query...</option>__OPTIONS__</select></label>
<label>Answer as: <select id="accept">
<option value="application/sparql-results+json">table (SPARQL JSON)</option>
<option value="text/csv">CSV</option><option value="text/tab-separated-values">TSV</option>
<option value="application/sparql-results+xml">XML</option>
<option value="text/turtle">Turtle (CONSTRUCT/DESCRIBE)</option>
<option value="application/ld+json">JSON-LD (CONSTRUCT/DESCRIBE)</option></select></label>
<button id="run">Run</button></p>
<textarea id="query" spellcheck="false">SELECT ?key ?label WHERE { ?e a exo:Drug ; exo:curationKey ?key ; rdfs:label ?label } ORDER BY ?key LIMIT 20</textarea>
<div id="status"></div><div id="out"></div>
<script>
const EXAMPLES = __EXAMPLES__;
const $ = (id) => document.getElementById(id);
$("examples").addEventListener("change", (e) => { if (EXAMPLES[e.target.value]) $("query").value = EXAMPLES[e.target.value]; });
function cell(term) {
  if (!term) return "";
  return term.type === "uri" ? "<" + term.value + ">" : term.value;
}
async function run() {
  const out = $("out"); out.textContent = ""; $("status").textContent = "running...";
  const accept = $("accept").value;
  const started = performance.now();
  let response;
  try {
    response = await fetch("sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query", "Accept": accept}, body: $("query").value});
  } catch (err) { $("status").textContent = "request failed: " + err; return; }
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  const cut = response.headers.get("X-ExoKG-Truncated") ? " (cut at the row limit)" : "";
  if (!response.ok) { $("status").textContent = "HTTP " + response.status + " in " + ms + " ms"; const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre); return; }
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("application/sparql-results+json")) {
    const data = JSON.parse(text);
    if ("boolean" in data) { $("status").textContent = "ASK: " + data.boolean + " (" + ms + " ms)"; return; }
    const vars = data.head.vars, rows = data.results.bindings;
    $("status").textContent = rows.length + " rows in " + ms + " ms" + cut;
    const table = document.createElement("table"), head = table.insertRow();
    for (const v of vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
    for (const row of rows) { const tr = table.insertRow(); for (const v of vars) tr.insertCell().textContent = cell(row[v]); }
    out.appendChild(table);
  } else {
    $("status").textContent = type + " in " + ms + " ms" + cut;
    const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
  }
}
$("run").addEventListener("click", run);
$("query").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
</script>
<p>Ctrl+Enter runs the query. Named queries come from <code>exokg query --list</code>; their example parameters are bound with VALUES.</p>
</body></html>
"""


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
    return (PAGE.replace("__PREFIXES__", html.escape(", ".join(sorted(query_prefixes()))))
            .replace("__LIMITS__", html.escape(limits)).replace("__OPTIONS__", "".join(options))
            .replace("__EXAMPLES__", script_json))


# ---------------------------------------------------------------- starting and stopping


def make_server(source=None, host: str = "127.0.0.1", port: int = 7879,
                config: EndpointConfig | None = None) -> ExoKGServer:
    """Start the workers and bind the socket (not yet serving); close with :func:`close_server`."""
    from .store import graph_file

    config = config or EndpointConfig()
    path = str(graph_file(source).resolve())
    try:
        server = ExoKGServer((host, port), None, config, "")
    except OSError as err:
        raise ServerError(f"cannot listen on {host}:{port}: {err.strerror or err}. Fix: choose another --port "
                          "(0 picks a free one)") from None
    try:
        server.page = build_page(config, path)
        server.pool = WorkerPool(path, config.workers)
    except BaseException:
        server.server_close()
        raise
    return server


def close_server(server: ExoKGServer) -> None:
    server.server_close()
    if server.pool is not None:
        server.pool.close()


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
             f"timeout {config.timeout:g} s, at most {config.max_rows:,} rows, {config.workers} worker(s). Ctrl-C stops it.")
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
