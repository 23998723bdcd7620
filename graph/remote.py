"""Remote triple stores: query a SPARQL 1.1 endpoint, push the graph to a Graph Store.

Only the standard library speaks HTTP here. Answers are parsed by pyoxigraph into the same
:class:`graph.query.QueryResult` the embedded engine returns, so a named query gives the same
rows embedded and remote (the test suite checks every shipped query against a real Oxigraph
server).

* :func:`push` streams the graph, the ontology and the graphs added with ``exokg load`` as
  N-Triples in bounded chunks (SPARQL 1.1
  Graph Store HTTP Protocol): the first chunk replaces the named graph (``PUT ?graph=IRI``;
  ``named_graph=None``: the default graph), every later one is added to it (``POST``). Triples
  with blank nodes travel together in one chunk (spooled to a temporary file, not memory),
  because a blank node means the same node only within one request.
* Credentials (``user``/``password``, or ``EXOKG_ENDPOINT_USER`` / ``EXOKG_ENDPOINT_PASSWORD``)
  answer an endpoint's HTTP Basic or Digest challenge; they are sent only to the endpoint's host
  and never written into a message.
* :class:`RemoteEndpoint` POSTs queries (``application/x-www-form-urlencoded``) with the
  predeclared prefixes and the bound parameters written into the text, and asks the endpoint to
  read the named graph as its default graph (``default-graph-uri``). Its :meth:`RemoteEndpoint.entity_index`
  fetches the entities of that graph (one query), so the question functions of
  :mod:`graph.competency` resolve names on the endpoint too, and an endpoint without ExoKG data is
  an error rather than an empty answer.
"""
from __future__ import annotations

import base64
import ipaddress
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import EndpointError, ExoKGError  # noqa: F401 (re-exported)
from .query import (
    GRAPH_PARSERS,
    RESULT_PARSERS,
    QueryError,
    QueryResult,
    QueryTimeout,
    bind_values,
    check_policy,
    explain_syntax_error,
    from_pyoxigraph,
    query_form,
    query_prefixes,
    syntax_check,
)

if TYPE_CHECKING:
    from .entities import EntityIndex

ENTITY_PAGE = 10_000  # entities asked for per request by RemoteEndpoint.entity_index
CHUNK_TRIPLES = 50_000  # triples per push request (bounded memory: one chunk at a time)
USER_ENV, PASSWORD_ENV = "EXOKG_ENDPOINT_USER", "EXOKG_ENDPOINT_PASSWORD"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# what an endpoint's answer is parsed as: the one media-type table (graph.sparql.results)
RESULT_TYPES, GRAPH_TYPES = RESULT_PARSERS, GRAPH_PARSERS
ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.9, text/turtle;q=0.8")
# CONSTRUCT and DESCRIBE ask for RDF only: Virtuoso answers them as a table when results are acceptable.
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
USER_AGENT = "exokg (https://w3id.org/exokg)"


def _check_url(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL. Fix: give e.g. http://127.0.0.1:7878/query")
    if "@" in parts.netloc:
        raise EndpointError("the endpoint URL carries credentials (user@host). Fix: remove them from the URL and give "
                            f"--user/--password or set {USER_ENV} and {PASSWORD_ENV}")
    return parts


def credentials(user: str | None = None, password: str | None = None) -> tuple[str, str] | None:
    """(user, password) from the arguments, else from EXOKG_ENDPOINT_USER / EXOKG_ENDPOINT_PASSWORD;
    None when neither names a user."""
    user = user if user is not None else os.environ.get(USER_ENV) or None
    password = password if password is not None else os.environ.get(PASSWORD_ENV)
    if user is None:
        if password:
            raise EndpointError(f"a password was given without a user. Fix: give --user or set {USER_ENV}")
        return None
    if password is None:
        raise EndpointError(f"user {user!r} was given without a password. Fix: give --password or set {PASSWORD_ENV}")
    return user, password


def _opener(parts: urllib.parse.SplitResult, auth: tuple[str, str] | None = None) -> urllib.request.OpenerDirector:
    """Loopback hosts are reached directly, never through a proxy from the environment. With
    ``auth``, the endpoint's Basic or Digest challenge is answered (for its own host only)."""
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    handlers: list = [urllib.request.ProxyHandler({})] if loopback else []
    if auth is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", *auth)
        handlers += [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _request(url: str, *, method: str, data, headers: dict, timeout: float,
             opener: urllib.request.OpenerDirector | None = None, auth: _Credentials | None = None):
    """(status, media type, body, headers) of one HTTP exchange; errors are EndpointError or QueryTimeout."""
    parts = _check_url(url)
    request = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": USER_AGENT, **headers})
    if auth is not None:
        auth.authorize(request)
    try:
        response = (opener or _opener(parts)).open(request, timeout=timeout)
        return response.status, response.headers.get_content_type(), response.read(), response.headers
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip()
        return (err.code, err.headers.get_content_type() if err.headers else "", body.encode("utf-8"),
                err.headers)
    except ValueError as err:  # urllib's digest handler meets an authentication scheme it does not know
        raise EndpointError(f"{url} asks for authentication ExoKG cannot give ({err}). "
                            "Fix: use an endpoint with HTTP Basic or Digest authentication") from None
    except (TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise QueryTimeout(f"{url} did not answer within {timeout:g} s. Fix: raise --timeout or simplify the query") from None
        raise EndpointError(f"cannot reach {url}: {reason}. Fix: check the URL and that the server is running") from None


class _Credentials:
    """Answers an endpoint's Basic or Digest challenge on every request of a push, once the
    challenge is known: a large chunk is then sent once, and never cut off by a 401 (servers may
    close the connection on a 401 while the body is still being sent)."""

    def __init__(self, url: str, user: str, password: str):
        self.user, self.password = user, password
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        self._digest = urllib.request.HTTPDigestAuthHandler(manager)
        self._challenge: tuple[str, dict] | None = None

    def learn(self, headers, url: str) -> bool:
        """Keep the challenge of a 401 answer; False when it has none."""
        offers = {value.strip().partition(" ")[0].lower(): value.strip().partition(" ")[2]
                  for value in (headers.get_all("WWW-Authenticate") or [] if headers else [])}
        if "digest" in offers:
            self._challenge = ("digest", urllib.request.parse_keqv_list(
                list(filter(None, urllib.request.parse_http_list(offers["digest"])))))
        elif "basic" in offers:
            self._challenge = ("basic", {})
        elif offers:
            raise EndpointError(f"{url} asks for {', '.join(sorted(offers))} authentication. "
                                "Fix: use an endpoint with HTTP Basic or Digest authentication")
        else:
            return False
        return True

    def authorize(self, request: urllib.request.Request) -> None:
        if self._challenge is None:
            return
        scheme, challenge = self._challenge
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
            return
        answer = self._digest.get_authorization(request, challenge)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")


def _auth_fix(status: int, auth) -> str:
    if status not in (401, 403):
        return ""
    if auth is None:
        return f"the endpoint wants credentials: give --user/--password or set {USER_ENV} and {PASSWORD_ENV}"
    return "the credentials were refused: check the user, the password and that this user may write there"


def _first_line(body: bytes, limit: int = 300) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _store_url(query_url: str) -> str:
    """The Graph Store URL beside a query endpoint, as Oxigraph lays them out (/query, /store)."""
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[:-len("query")] + "store", query=""))
    return "STORE_URL"


def with_prefixes(text: str) -> str:
    """Declare the predeclared prefixes in the text, on one line before the query (so a remote
    parser's line numbers are off by exactly one)."""
    return " ".join(f"PREFIX {p}: <{ns}>" for p, ns in query_prefixes().items()) + "\n" + text


class RemoteEndpoint:
    """A SPARQL 1.1 query endpoint, used like :class:`graph.query.LocalEngine`."""

    def __init__(self, url: str, named_graph: str | None = None, timeout: float = 60.0, *,
                 user: str | None = None, password: str | None = None):
        parts = _check_url(url)
        self.url, self.named_graph, self.timeout = url, named_graph, timeout
        self._auth = credentials(user, password)
        self._opener = _opener(parts, self._auth)
        self._entities: EntityIndex | None = None

    def entity_index(self):
        """The entities of the graph this endpoint serves, fetched on first use and kept for the
        life of this object, so that names resolve to the IRIs it holds. The list is read in pages
        until one comes back empty, because an endpoint may cut answers at its own row limit
        (``exokg serve --max-rows`` does; Virtuoso's ResultSetMaxRows too) and a cut list would
        make names silently unresolvable. Pages follow the entity IRIs (keyset: each page asks for
        IRIs after the last one read), never a growing OFFSET, which Virtuoso refuses past 10,000
        sorted rows. EndpointError when it holds no ExoKG entity (nothing pushed, or another
        named graph)."""
        if self._entities is None:
            from .entities import EntityIndex, records

            index = EntityIndex(records(self._entity_rows()))
            if not len(index):
                where = f"<{self.named_graph}>" if self.named_graph else "the default graph"
                push_to = f"exokg push --endpoint {_store_url(self.url)} --named-graph {self.named_graph or 'default'}"
                raise EndpointError(f"{self.url} holds no ExoKG entities in {where}. Fix: load the graph there "
                                    f"with `{push_to}`, or point --named-graph at the graph that holds it")
            self._entities = index
        return self._entities

    def _entity_rows(self) -> list[dict]:
        from .entities import ENTITY_QUERY

        group_end = ENTITY_QUERY.rindex("} GROUP BY")
        first = f"{ENTITY_QUERY}ORDER BY STR(?e)\nLIMIT {ENTITY_PAGE}"
        after = (f"{ENTITY_QUERY[:group_end]}  FILTER(STR(?e) > ?after)\n{ENTITY_QUERY[group_end:]}"
                 f"ORDER BY STR(?e)\nLIMIT {ENTITY_PAGE}")
        rows: list[dict] = []
        last = None
        while True:
            answer = self.run(first) if last is None else self.run(after, bindings={"after": [ox.Literal(last)]})
            page = [dict(zip(answer.variables, row)) for row in answer.rows]
            if not page:
                return rows
            # A page cut by the endpoint may hold only some rows of its last entity: read that one
            # again with the next page, unless it is the only entity of the page.
            tail = page[-1]["e"].value
            head = [row for row in page if row["e"].value != tail]
            rows.extend(head or page)
            last = head[-1]["e"].value if head else tail

    def run(self, text: str, *, bindings: dict[str, list] | None = None, limit: int | None = None,
            allow_service: bool = False) -> QueryResult:
        check_policy(text, allow_service=allow_service)
        if bindings:
            text = bind_values(text, bindings)
        syntax_check(text)  # the same one-line message as embedded, before anything is sent
        form = query_form(text)
        fields = [("query", with_prefixes(text))]
        if self.named_graph:
            fields.append(("default-graph-uri", self.named_graph))
        status, content_type, body, _ = _request(
            self.url, method="POST", data=urllib.parse.urlencode(fields).encode("utf-8"), opener=self._opener,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT}, timeout=self.timeout)
        if status == 400:
            message = _first_line(body)
            if "error at" in message:
                raise explain_syntax_error(text, message, line_offset=1)
            raise QueryError(f"{self.url} rejected the query: {message}")
        if status >= 500:
            raise EndpointError(f"{self.url} failed on the query (HTTP {status}: {_first_line(body) or 'no message'}). "
                                "Fix: simplify the query, or check the server's log")
        if status >= 300:
            fix = _auth_fix(status, self._auth) or "check the URL is the query endpoint (Oxigraph: /query, Virtuoso: /sparql)"
            raise EndpointError(f"{self.url} answered HTTP {status}: {_first_line(body) or 'no message'}. Fix: {fix}")
        result = parse_answer(body, content_type, limit=limit, url=self.url)
        if form == "ASK" and result.form == "SELECT":
            result = _ask_from_table(result, self.url)
        return result


def _ask_from_table(result: QueryResult, url: str) -> QueryResult:
    """Virtuoso 7 answers ASK as a one-cell table (``__ASK_RETVAL``, 1 or 0): read it as the boolean."""
    if len(result.variables) != 1 or len(result.rows) > 1:
        raise EndpointError(f"{url} answered an ASK query with a table of {len(result.variables)} columns. "
                            "Fix: point --endpoint at a SPARQL 1.1 query endpoint")
    value = result.rows[0][0] if result.rows else None
    return QueryResult("ASK", boolean=value is not None and value.value in ("1", "true"))


def _canonical(term):
    """xsd:boolean as true/false (Virtuoso writes 1/0: the same value, another spelling)."""
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def parse_answer(body: bytes, content_type: str, *, limit: int | None = None, url: str = "the endpoint") -> QueryResult:
    """Parse an endpoint's answer (SPARQL results or an RDF graph) by its media type."""
    try:
        if content_type in RESULT_TYPES:
            result = from_pyoxigraph(ox.parse_query_results(body, RESULT_TYPES[content_type]), limit)
            result.rows = [tuple(_canonical(term) for term in row) for row in result.rows]
            return result
        if content_type in GRAPH_TYPES:
            triples = [ox.Triple(q.subject, q.predicate, _canonical(q.object))
                       for q in ox.parse(body, GRAPH_TYPES[content_type])]
            result = QueryResult("GRAPH", triples=triples[:limit] if limit is not None else triples)
            result.truncated = limit is not None and len(triples) > limit
            return result
    except (SyntaxError, ValueError) as err:
        raise EndpointError(f"{url} sent an answer that does not parse as {content_type}: {err}") from None
    raise EndpointError(f"{url} answered with unsupported media type '{content_type}'. "
                        "Fix: point --endpoint at a SPARQL 1.1 query endpoint")


def ntriples_lines(source=None):
    """The graph, the ontology and then every graph added with ``exokg load`` (a build folder's
    store) as N-Triples lines (bytes), read as a stream: an N-Triples file line by line, a Turtle
    file and the stored graphs triple by triple. Nothing is held but the current line."""
    from .ontology import ontology_text
    from .store import graph_file

    path = graph_file(source)
    if path.suffix == ".nt":
        with path.open("rb") as lines:
            for line in lines:
                line = line.strip()
                if line and not line.startswith(b"#"):
                    yield line + b"\n"
    else:
        yield from _as_lines(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    yield from _as_lines(ox.parse(ontology_text().encode("utf-8"), ox.RdfFormat.TURTLE))
    yield from _loaded_lines(source)


def _loaded_lines(source):
    """The triples of the graphs ``exokg load`` added to a build folder's store (the queries read
    them merged with the curated graph, so a pushed copy holds them too); none for a lone file."""
    yield from _as_lines(loaded_quads(source))


def loaded_quads(source):
    """The quads of the graphs ``exokg load`` added to a build folder's store, graph after graph
    in the order of their names, each file's description included; none for a lone file or the
    packaged build. Read as a stream (``exokg export`` reads them here too)."""
    from .store import LOADED_GRAPH_PREFIX, open_store

    if source is None or not Path(source).is_dir():
        return
    store = open_store(source)
    loaded = sorted((g for g in store.named_graphs()
                     if isinstance(g, ox.NamedNode) and g.value.startswith(LOADED_GRAPH_PREFIX)), key=str)
    for named in loaded:
        yield from store.quads_for_pattern(None, None, None, named)


def _as_lines(quads):
    for q in quads:
        yield f"{q.subject} {q.predicate} {q.object} .\n".encode("utf-8")


def graph_ntriples(source=None) -> tuple[bytes, int]:
    """The graph plus the ontology as one N-Triples document, and its triple count (small graphs;
    :func:`push` streams)."""
    lines = list(ntriples_lines(source))
    return b"".join(lines), len(lines)


class _FileBody:
    """A request body read from a file in blocks, from the start each time it is sent (urllib
    sends a body again after an authentication challenge)."""

    def __init__(self, file):
        self.file = file

    def __iter__(self):
        self.file.seek(0)
        while block := self.file.read(1 << 20):
            yield block


def chunks(lines, chunk_triples: int, spool):
    """(body, triple count) pairs of at most ``chunk_triples`` triples each; lines naming a blank
    node are written to ``spool`` (a binary file) and come last, together, as a :class:`_FileBody`."""
    batch: list[bytes] = []
    blank = 0
    for line in lines:
        if b"_:" in line:  # maybe a blank node (or "_:" in a literal: sent with them, harmlessly)
            spool.write(line)
            blank += 1
            continue
        batch.append(line)
        if len(batch) >= chunk_triples:
            yield b"".join(batch), len(batch)
            batch = []
    if batch:
        yield b"".join(batch), len(batch)
    if blank:
        spool.flush()
        yield _FileBody(spool), blank


def _store_target(endpoint: str, named_graph: str | None) -> str:
    parts = _check_url(endpoint)
    if named_graph is not None:
        try:
            ox.NamedNode(named_graph)
        except ValueError:
            raise EndpointError(f"{named_graph!r} is not an IRI. Fix: give an absolute IRI, or 'default'") from None
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    target = urllib.parse.urlencode([("graph", named_graph)]) if named_graph is not None else "default"
    return urllib.parse.urlunsplit(parts._replace(query="&".join(filter(None, [urllib.parse.urlencode(kept), target]))))


def push(endpoint: str, source=None, *, named_graph: str | None = None, timeout: float = 120.0,
         user: str | None = None, password: str | None = None, chunk_triples: int = CHUNK_TRIPLES,
         progress=None) -> int:
    """Replace ``named_graph`` (None: the default graph) on a Graph Store with the graph and the
    ontology, streamed in chunks of at most ``chunk_triples`` triples: the first chunk is PUT
    (replacing the graph), the others are POSTed (added). Return the number of triples sent.
    ``progress(sent)`` is called after each chunk. Credentials default to the environment; an
    empty POST first learns the endpoint's challenge, whose answer then goes with every chunk."""
    if chunk_triples < 1:
        raise EndpointError(f"chunk size {chunk_triples} is not positive. Fix: give at least 1 triple per chunk")
    url = _store_target(endpoint, named_graph)
    parts = urllib.parse.urlsplit(url)
    given = credentials(user, password)
    auth = _Credentials(f"{parts.scheme}://{parts.netloc}/", *given) if given else None
    opener = _opener(parts)
    # An empty POST first (it adds nothing): a refusal or a credentials challenge is met before any
    # large body is sent (servers may close the connection on a 401 while a body is still coming).
    _send(endpoint, url, "POST", b"", timeout, opener, auth, 0)
    sent, requests = 0, 0
    with tempfile.TemporaryFile(prefix="exokg-push-") as spool:
        for body, count in chunks(ntriples_lines(source), chunk_triples, spool):
            _send(endpoint, url, "PUT" if requests == 0 else "POST", body, timeout, opener, auth, sent,
                  length=os.fstat(spool.fileno()).st_size if isinstance(body, _FileBody) else None)
            sent, requests = sent + count, requests + 1
            if progress is not None:
                progress(sent)
    if requests == 0:  # nothing to send: still replace the graph, with an empty one
        _send(endpoint, url, "PUT", b"", timeout, opener, auth, 0)
    return sent


def _send(endpoint, url, method, body, timeout, opener, auth, sent_before: int, *, length: int | None = None) -> None:
    headers = {"Content-Type": "application/n-triples"}
    if length is not None:
        headers["Content-Length"] = str(length)
    for attempt in (1, 2):
        status, _, answer, answer_headers = _request(url, method=method, data=body, headers=headers, timeout=timeout,
                                                     opener=opener, auth=auth)
        if status in (200, 201, 204):
            return
        if not (status == 401 and auth is not None and attempt == 1 and auth.learn(answer_headers, url)):
            break
    fix = (_auth_fix(status, auth) or "point --endpoint at a SPARQL 1.1 Graph Store endpoint "
           "(Oxigraph: /store, Virtuoso: /sparql-graph-crud-auth)")
    partial = (f" The graph there now holds only the first {sent_before:,} triples sent; push again to replace it."
               if sent_before else "")
    raise EndpointError(f"{endpoint} refused the graph (HTTP {status} to {method}: {_first_line(answer) or 'no message'})."
                        f"{partial} Fix: {fix}")


__all__ = ["EndpointError", "RemoteEndpoint", "chunks", "credentials", "graph_ntriples", "loaded_quads",
           "ntriples_lines", "parse_answer", "push", "with_prefixes"]
