"""Fuzzing the query policy: SERVICE, FROM, updates, strings, comments, IRIs, escapes and nesting.

Every generated text is run through the same entry points a user meets (``run_query`` for
``exokg query``, the server and the question commands; ``viz.run_construct`` for ``viz
--construct``; the CLI for a sample), against a real pyoxigraph store. The expectations:
- nothing reaches the network: a listener on 127.0.0.1, named by every generated SERVICE, FROM and
  LOAD, counts the connections, and must count none;
- a SERVICE the engine would execute is refused with :class:`QueryRefused`;
- texts that only mention the word (in strings, comments, IRIs, variable and prefixed names) still run;
- nothing crashes the process (deep nesting used to kill it with a segmentation fault), and every
  refusal or error is one line that says how to fix it.

The generator is seeded; a failure prints the text, so it can be replayed by hand.
"""
from __future__ import annotations

import random
import socket
import threading

import pyoxigraph as ox
import pytest

from graph.query import MAX_NESTING, QueryError, QueryRefused, QueryTimeout, run_query

from .conftest import run_cli

SEED = 20261203
CASES = 250
MUTATIONS = 600


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stopped.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def store():
    data = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    data.add(ox.Quad(s, p, ox.Literal("SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }")))
    data.add(ox.Quad(s, p, ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    return data


def keyword(rng: random.Random) -> str:
    word = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in "service")
    return word + (" SILENT" if rng.random() < 0.3 else "")


def decoy(rng: random.Random, port: int) -> str:
    """A valid group-level fragment that mentions SERVICE or confuses a naive lexer, but calls nothing."""
    here = f"http://127.0.0.1:{port}"
    return rng.choice([
        "OPTIONAL { FILTER(?z<'>') }",
        'OPTIONAL { FILTER(?z<">") }',
        "OPTIONAL { FILTER(?z < '>' || ?z > \"<\") }",
        "OPTIONAL { FILTER(?a<?b) }",
        f'?service ?p "SERVICE <{here}/s> {{ ?s ?p ?o }}" .',
        f"?s ?p '''SERVICE <{here}/s> {{ \"?s\" }}''' .",
        f'?s ?p """a \\" SERVICE <{here}/s> {{ }} \\"""" .',
        f"# SERVICE <{here}/s> {{ ?s ?p ?o }}\n",
        f"# a quote ' or \" opens nothing here: SERVICE <{here}/s>\n",
        f"?s <{here}/SERVICE> ?o .",
        f"?s <{here}/'> ?o .",
        "?s exo:service ?o .",
        "?s ?p ?service .",
        f'FILTER(?o != "\\u0053ERVICE <{here}/s>")',
        f"BIND(<{here}/s> AS ?endpoint)",
        "OPTIONAL { ?s ?p ?o FILTER(CONTAINS(STR(?o), \"service {\")) }",
        "MINUS { ?s ?p \"}\" }",
        "FILTER NOT EXISTS { ?s ?p '{' }",
    ])


def service_clause(rng: random.Random, port: int) -> str:
    target = rng.choice([f"<http://127.0.0.1:{port}/sparql>", "?svc", "here:sparql"])
    clause = f"{keyword(rng)} {target} {{ ?s ?p ?o }}"
    if target == "?svc":
        clause = f"VALUES ?svc {{ <http://127.0.0.1:{port}/sparql> }} {clause}"
    wrap = rng.choice(["{}", "OPTIONAL {{ {} }}", "{{ {} }} UNION {{ ?s ?p ?o }}", "MINUS {{ {} }}",
                       "FILTER EXISTS {{ {} }}", "{{ SELECT * WHERE {{ {} }} }}"])
    return wrap.format(clause)


def query_text(rng: random.Random, port: int, *, with_service: bool) -> str:
    parts = [decoy(rng, port) for _ in range(rng.randint(0, 3))]
    if with_service:
        parts.insert(rng.randint(0, len(parts)), service_clause(rng, port))
    parts += [decoy(rng, port) for _ in range(rng.randint(0, 2))]
    head = f"PREFIX here: <http://127.0.0.1:{port}/>\n" if rng.random() < 0.5 else ""
    dataset = f"FROM <http://127.0.0.1:{port}/g> " if rng.random() < 0.2 else ""
    return f"{head}SELECT * {dataset}WHERE {{ ?s ?p ?o . {' '.join(parts)} }} LIMIT 3"


def outcome(text: str, store: ox.Store):
    """'ran', or the QueryError raised; anything else (a crash, another exception) fails the test."""
    try:
        run_query(text, store=store, timeout=20)
    except QueryError as err:
        message = str(err)
        assert "\n" not in message and "Fix:" in message, f"not a one-line error with a fix: {message!r}\n{text}"
        return err
    return "ran"


def test_service_is_refused_and_decoys_run(listener, store):
    rng = random.Random(SEED)
    refused = ran = 0
    for _ in range(CASES):
        text = query_text(rng, listener.port, with_service=True)
        result = outcome(text, store)
        assert isinstance(result, QueryRefused) and "SERVICE" in str(result), f"SERVICE not refused:\n{text}"
        refused += 1
        text = query_text(rng, listener.port, with_service=False)
        assert outcome(text, store) == "ran", f"a query that only mentions SERVICE was not run:\n{text}"
        ran += 1
    assert listener.connections == 0
    assert (refused, ran) == (CASES, CASES)


def test_the_reported_bypass_is_refused(listener, store):
    text = ("SELECT * WHERE { OPTIONAL { FILTER(?z<'>') } "
            f"SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} OPTIONAL {{ FILTER(?z != '') }} }}")
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(text, store=store)
    assert listener.connections == 0


def test_mutated_queries_never_call_out_or_crash(listener, store):
    """Character-level mutations of SERVICE queries: quotes, angle brackets, comment marks, line
    breaks, escapes and deletions create lexings no template foresees."""
    rng = random.Random(SEED + 1)
    noise = ["'", '"', "<", ">", "#", "\n", "\\", "{", "}", "(", ")", "\\u0053", "'''", '"""', " ", "."]
    kinds = {"ran": 0, "refused": 0, "error": 0}
    for _ in range(MUTATIONS):
        chars = list(query_text(rng, listener.port, with_service=True))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.3:
                del chars[at]
            else:
                chars.insert(at, rng.choice(noise))
        text = "".join(chars)
        result = outcome(text, store)
        kinds["ran" if result == "ran" else "refused" if isinstance(result, QueryRefused) else "error"] += 1
        assert listener.connections == 0, f"a mutated query reached the listener:\n{text}"
    assert kinds["refused"] > 0 and kinds["error"] + kinds["ran"] > 0, kinds


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {open}?s ?p ?o{close}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER({open}?o{close}) }}",
    "SELECT * WHERE {{ ?s ?p {open}?o{close} }}",
])
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 3000, 20000])
def test_deep_nesting_is_refused_before_the_engine(store, template, depth):
    pairs = {"SELECT * WHERE {open}?s ?p ?o{close}": ("{", "}")}
    opening, closing = pairs.get(template, ("(", ")") if "FILTER" in template else ("[ ?p ", " ]"))
    text = template.format(open=opening * depth, close=closing * depth)
    if len(text) > 256 * 1024:
        text = text[: 256 * 1024]
    with pytest.raises(QueryRefused, match="levels deep|characters long"):
        run_query(text, store=store)


def test_nesting_hidden_from_the_depth_count_cannot_crash(store):
    """Brackets inside what the lexer takes for a string are not counted; the engine then meets the
    nesting itself, on a thread whose stack holds it, and answers (or errs) without crashing."""
    depth = 5000
    text = "SELECT * WHERE { ?s ?p ?o FILTER(?z<'>') " + "{" * depth + "?s ?p ?o" + "}" * depth + " FILTER(?z != '') }"
    result = outcome(text, store)
    assert result == "ran" or isinstance(result, QueryError)


def test_an_oversized_query_is_refused(store):
    text = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (256 * 1024)
    with pytest.raises(QueryRefused, match="characters long"):
        run_query(text, store=store)


def test_cli_refuses_service_in_query_and_viz(listener, capsys, graph_file, tmp_path):
    text = ("SELECT * WHERE { OPTIONAL { FILTER(?z<'>') } "
            f"SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}")
    code, _, err = run_cli(capsys, "query", text, "--graph", str(graph_file))
    assert code == 2 and "SERVICE (federated query) is refused" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    page = tmp_path / "v.html"
    code, _, err = run_cli(capsys, "viz", "--construct", construct, "--graph", str(graph_file), "-o", str(page))
    assert code != 0 and "SERVICE" in err and not page.exists()
    assert listener.connections == 0


def test_a_slow_embedded_query_times_out_with_one_line():
    """`exokg query --timeout` stops waiting for an answer: a four-way cross product of 60 triples
    (13 million rows to count) cannot answer within 50 ms, and ends by itself seconds later."""
    crowd = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    crowd.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i))) for i in range(60))
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="longer than 0.05 s"):
        run_query(text, store=crowd, timeout=0.05)
