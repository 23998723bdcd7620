"""Remote triple stores: query a SPARQL 1.1 endpoint, push the graph to a Graph Store.

Only the standard library speaks HTTP here. Answers are parsed by pyoxigraph into the same
:class:`graph.query.QueryResult` the embedded engine returns, so a named query gives the same
rows embedded and remote (the test suite checks every shipped query against a real Oxigraph
server).

* :func:`push` sends the graph and the ontology as N-Triples with ``PUT ?graph=IRI`` (SPARQL 1.1
  Graph Store HTTP Protocol), replacing that named graph (``named_graph=None``: the default graph).
* :class:`RemoteEndpoint` POSTs queries (``application/x-www-form-urlencoded``) with the
  predeclared prefixes and the bound parameters written into the text, and asks the endpoint to
  read the named graph as its default graph (``default-graph-uri``). Its :meth:`RemoteEndpoint.entity_index`
  fetches the entities of that graph (one query), so the question functions of
  :mod:`graph.competency` resolve names on the endpoint too, and an endpoint without ExoKG data is
  an error rather than an empty answer.
"""
from __future__ import annotations

import ipaddress
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import EndpointError, ExoKGError  # noqa: F401 (re-exported)
from .query import (
    QueryError,
    QueryResult,
    QueryTimeout,
    bind_values,
    check_policy,
    explain_syntax_error,
    from_pyoxigraph,
    query_prefixes,
    syntax_check,
)

if TYPE_CHECKING:
    from .entities import EntityIndex

ENTITY_PAGE = 10_000  # entities asked for per request by RemoteEndpoint.entity_index

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.9, text/turtle;q=0.8")
USER_AGENT = "exokg (https://w3id.org/exokg)"


def _check_url(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL. Fix: give e.g. http://127.0.0.1:7878/query")
    return parts


def _opener(parts: urllib.parse.SplitResult) -> urllib.request.OpenerDirector:
    """Loopback hosts are reached directly, never through a proxy from the environment."""
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    handlers = [urllib.request.ProxyHandler({})] if loopback else []
    return urllib.request.build_opener(*handlers)


def _request(url: str, *, method: str, data: bytes | None, headers: dict, timeout: float):
    parts = _check_url(url)
    request = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": USER_AGENT, **headers})
    try:
        response = _opener(parts).open(request, timeout=timeout)
        return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip()
        return err.code, err.headers.get_content_type() if err.headers else "", body.encode("utf-8")
    except (TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise QueryTimeout(f"{url} did not answer within {timeout:g} s. Fix: raise --timeout or simplify the query") from None
        raise EndpointError(f"cannot reach {url}: {reason}. Fix: check the URL and that the server is running") from None


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

    def __init__(self, url: str, named_graph: str | None = None, timeout: float = 60.0):
        _check_url(url)
        self.url, self.named_graph, self.timeout = url, named_graph, timeout
        self._entities: EntityIndex | None = None

    def entity_index(self):
        """The entities of the graph this endpoint serves, fetched on first use and kept for the
        life of this object, so that names resolve to the IRIs it holds. The list is read in pages
        until one comes back empty, because an endpoint may cut answers at its own row limit
        (``exokg serve --max-rows`` does) and a cut list would make names silently unresolvable.
        EndpointError when it holds no ExoKG entity (nothing pushed, or another named graph)."""
        if self._entities is None:
            from .entities import ENTITY_QUERY, EntityIndex, records

            rows: list[dict] = []
            while True:
                answer = self.run(f"{ENTITY_QUERY}ORDER BY ?e\nLIMIT {ENTITY_PAGE} OFFSET {len(rows)}")
                if not answer.rows:
                    break
                rows.extend(dict(zip(answer.variables, row)) for row in answer.rows)
            index = EntityIndex(records(rows))
            if not len(index):
                where = f"<{self.named_graph}>" if self.named_graph else "the default graph"
                push_to = f"exokg push --endpoint {_store_url(self.url)} --named-graph {self.named_graph or 'default'}"
                raise EndpointError(f"{self.url} holds no ExoKG entities in {where}. Fix: load the graph there "
                                    f"with `{push_to}`, or point --named-graph at the graph that holds it")
            self._entities = index
        return self._entities

    def run(self, text: str, *, bindings: dict[str, list] | None = None, limit: int | None = None,
            allow_service: bool = False) -> QueryResult:
        check_policy(text, allow_service=allow_service)
        if bindings:
            text = bind_values(text, bindings)
        syntax_check(text)  # the same one-line message as embedded, before anything is sent
        fields = [("query", with_prefixes(text))]
        if self.named_graph:
            fields.append(("default-graph-uri", self.named_graph))
        status, content_type, body = _request(
            self.url, method="POST", data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}, timeout=self.timeout)
        if status == 400:
            message = _first_line(body)
            if "error at" in message:
                raise explain_syntax_error(text, message, line_offset=1)
            raise QueryError(f"{self.url} rejected the query: {message}")
        if status >= 300:
            raise EndpointError(f"{self.url} answered HTTP {status}: {_first_line(body) or 'no message'}. "
                                "Fix: check the URL is the query endpoint (Oxigraph: /query)")
        return parse_answer(body, content_type, limit=limit, url=self.url)


def parse_answer(body: bytes, content_type: str, *, limit: int | None = None, url: str = "the endpoint") -> QueryResult:
    """Parse an endpoint's answer (SPARQL results or an RDF graph) by its media type."""
    try:
        if content_type in RESULT_TYPES:
            return from_pyoxigraph(ox.parse_query_results(body, RESULT_TYPES[content_type]), limit)
        if content_type in GRAPH_TYPES:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, GRAPH_TYPES[content_type])]
            result = QueryResult("GRAPH", triples=triples[:limit] if limit is not None else triples)
            result.truncated = limit is not None and len(triples) > limit
            return result
    except (SyntaxError, ValueError) as err:
        raise EndpointError(f"{url} sent an answer that does not parse as {content_type}: {err}") from None
    raise EndpointError(f"{url} answered with unsupported media type '{content_type}'. "
                        "Fix: point --endpoint at a SPARQL 1.1 query endpoint")


def graph_ntriples(source=None) -> tuple[bytes, int]:
    """The graph plus the ontology as one N-Triples document, and its triple count."""
    from .ontology import ontology_text
    from .store import graph_file

    path = graph_file(source)
    data_format = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=data_format)]
    triples += [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(ontology_text().encode("utf-8"), ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push(endpoint: str, source=None, *, named_graph: str | None = None, timeout: float = 120.0) -> int:
    """Replace ``named_graph`` (None: the default graph) on a Graph Store with the graph and the
    ontology; return the number of triples sent."""
    parts = _check_url(endpoint)
    if named_graph is not None:
        try:
            ox.NamedNode(named_graph)
        except ValueError:
            raise EndpointError(f"{named_graph!r} is not an IRI. Fix: give an absolute IRI, or 'default'") from None
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    target = urllib.parse.urlencode([("graph", named_graph)]) if named_graph is not None else "default"
    url = urllib.parse.urlunsplit(parts._replace(query="&".join(filter(None, [urllib.parse.urlencode(kept), target]))))
    body, count = graph_ntriples(source)
    status, _, answer = _request(url, method="PUT", data=body,
                                 headers={"Content-Type": "application/n-triples"}, timeout=timeout)
    if status not in (200, 201, 204):
        raise EndpointError(f"{endpoint} refused the graph (HTTP {status}: {_first_line(answer) or 'no message'}). "
                            "Fix: point --endpoint at a SPARQL 1.1 Graph Store endpoint (Oxigraph: /store)")
    return count


__all__ = ["EndpointError", "RemoteEndpoint", "graph_ntriples", "parse_answer", "push", "with_prefixes"]
