"""`exokg push`, `exokg query --endpoint` and the question commands with `--endpoint` against a
real Oxigraph server on 127.0.0.1.

The server is the `oxigraph` command of the PyPI package `oxigraph`. `.ci/run` starts one on
127.0.0.1 (with `--timeout-s 3`) and names it in EXOKG_TEST_OXIGRAPH_URL; without that variable
the fixture starts its own on a free port, with an on-disk store in a temporary folder, and stops
it afterwards.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import competency
from graph.query import QueryResult, QuerySyntaxError, QueryTimeout, library, run_named, run_query
from graph.remote import EndpointError, RemoteEndpoint, push
from graph.server import DATASET_IRI

from .conftest import require_tool
from .test_query import cli

pytestmark = pytest.mark.server


def _oxigraph() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    return require_tool("oxigraph", "the Oxigraph server (pip install oxigraph) for the remote-engine tests")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """Base URL of a running Oxigraph server (stopped at the end of the module)."""
    external = os.environ.get("EXOKG_TEST_OXIGRAPH_URL")
    if external:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"{external}/query?query=ASK%7B%7D", timeout=5).read()
        yield external.rstrip("/")
        return
    port = _free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([_oxigraph(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                                "--timeout-s", "3"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 30
    while True:
        try:
            opener.open(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph did not start: {process.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def pushed(oxigraph, graph_file):
    count = push(f"{oxigraph}/store", graph_file, named_graph=DATASET_IRI)
    return oxigraph, count


def normalize(result: QueryResult):
    """Compare answers as sets: SPARQL leaves row order among ties and GROUP_CONCAT order open."""
    if result.form == "ASK":
        return result.boolean
    if result.form == "GRAPH":
        return sorted(str(t) for t in result.triples)

    def cell(term):
        if term is None:
            return None
        if isinstance(term, ox.Literal) and " | " in term.value:
            return " | ".join(sorted(term.value.split(" | ")))
        return str(term)

    return result.variables, sorted((tuple(cell(t) for t in row) for row in result.rows), key=repr)


def test_push_replaces_the_named_graph(oxigraph, graph_file, tmp_path):
    stale = tmp_path / "stale.nt"
    stale.write_text("<https://w3id.org/exokg/entity/stale> <http://www.w3.org/2000/01/rdf-schema#label> \"stale\" .\n")
    assert push(f"{oxigraph}/store", stale, named_graph=DATASET_IRI) > 1  # one triple plus the ontology
    count = push(f"{oxigraph}/store", graph_file, named_graph=DATASET_IRI)
    remote = RemoteEndpoint(f"{oxigraph}/query", named_graph=DATASET_IRI)
    total = remote.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values()[0]["n"]
    assert total == count
    assert remote.run('ASK { ?s rdfs:label "stale" }').boolean is False


def test_every_shipped_query_answers_the_same_embedded_and_remote(pushed, graph_file):
    base, _ = pushed
    remote = RemoteEndpoint(f"{base}/query", named_graph=DATASET_IRI)
    compared, answered = 0, 0
    for query in library().values():
        for params in query.example_params():
            embedded = run_named(query.name, params, graph_file)
            far = run_named(query.name, params, graph_file, engine=remote)
            assert normalize(far) == normalize(embedded), (query.name, params)
            compared += 1
            answered += bool(len(embedded)) if embedded.form != "ASK" else 1
    assert compared == sum(len(q.examples) for q in library().values()) >= 15
    assert answered >= compared - 2  # only sponge axes may still be empty while curation goes on


def test_cli_push_and_query_endpoint(capsys, oxigraph, graph_file):
    code, out, err = cli(capsys, "push", "--endpoint", f"{oxigraph}/store", "--graph", str(graph_file))
    assert code == 0, err
    assert out.startswith("pushed ") and f"<{DATASET_IRI}>" in out
    args = ["query", "resistance", "--param", "drug=oxaliplatin", "--format", "json", "--graph", str(graph_file)]
    code, local, _ = cli(capsys, *args)
    code, remote, err = cli(capsys, *args, "--endpoint", f"{oxigraph}/query")
    assert code == 0, err
    local_rows, remote_rows = json.loads(local)["results"]["bindings"], json.loads(remote)["results"]["bindings"]
    assert remote_rows and len(remote_rows) == len(local_rows)
    assert {r["statement"]["value"] for r in remote_rows} == {r["statement"]["value"] for r in local_rows}


def test_default_graph_push_and_query(capsys, oxigraph, graph_file):
    code, out, _ = cli(capsys, "push", "--endpoint", f"{oxigraph}/store", "--named-graph", "default",
                       "--graph", str(graph_file))
    assert code == 0 and "the default graph" in out
    code, out, err = cli(capsys, "query", "ASK { ?d a exo:Drug ; exo:curationKey \"oxaliplatin\" }",
                         "--endpoint", f"{oxigraph}/query", "--named-graph", "default", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("args, code, text", [
    (["query", "ASK {}", "--endpoint", "http://127.0.0.1:9/query"], 1, "cannot reach"),
    (["query", "ASK {}", "--endpoint", "ftp://example.org/q"], 1, "not an http(s) URL"),
    (["query", "SELECT * WHERE { ?s ?p }", "--endpoint", "http://127.0.0.1:9/query"], 2, "line 1, column"),
    (["push", "--endpoint", "http://127.0.0.1:9/store"], 1, "cannot reach"),
    (["push", "--endpoint", "http://127.0.0.1:9/store", "--named-graph", "not an iri"], 1, "is not an IRI"),
])
def test_remote_errors_are_one_line(capsys, graph_file, args, code, text):
    got, out, err = cli(capsys, *args, "--graph", str(graph_file))
    assert got == code, (out, err)
    assert text in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_wrong_endpoint_kind_is_explained(capsys, oxigraph, graph_file):
    code, _, err = cli(capsys, "query", "ASK {}", "--endpoint", f"{oxigraph}/store", "--graph", str(graph_file))
    assert code == 1 and "HTTP 415" in err and "query endpoint" in err
    with pytest.raises(EndpointError, match="Graph Store"):
        push(f"{oxigraph}/query", graph_file)
    with pytest.raises(QuerySyntaxError):
        RemoteEndpoint(f"{oxigraph}/query").run("SELECT * WHERE { ?s foo:bar ?o }")


def test_remote_timeout(oxigraph):
    slow = RemoteEndpoint(f"{oxigraph}/query", named_graph=DATASET_IRI, timeout=0.5)
    with pytest.raises(QueryTimeout, match="did not answer within 0.5 s"):
        slow.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


# ---------------------------------------------------------------- the question commands with --endpoint


QUESTIONS = [
    ["resistance", "--drug", "cisplatin", "--cancer", "gastric cancer"],
    ["resistance", "--agent", "CAF", "--effect", "confers"],
    ["biomarkers", "--cancer", "CRC"],
    ["biomarkers", "--fluid", "serum", "--type", "miRNA"],
    ["therapies", "--drug", "sorafenib"],
    ["therapies", "--cancer", "breast cancer"],
    ["show", "miR-522"],
    ["show", "gastric cancer"],
    ["neighbors", "miR-522"],
    ["neighbors", "circBIRC6", "--hops", "2", "--relation", "confersResistanceTo", "--relation", "sponges"],
    ["find", "ferroptosis"],
    ["find", "mir-21", "--type", "MicroRNA"],
]
EVIDENCE = {"section", "table_row", "references", "statement", "summary"}


@pytest.fixture(scope="module")
def questions(oxigraph, graph_file):
    """(query URL, named graph) holding the packaged graph, in a named graph of this module's own
    (so that the tests above, which replace the dataset graph, cannot change it under these)."""
    named_graph = f"https://w3id.org/exokg/test/questions-{uuid.uuid4().hex}"
    push(f"{oxigraph}/store", graph_file, named_graph=named_graph)
    yield f"{oxigraph}/query", named_graph
    _drop(f"{oxigraph}/store", named_graph)


def _drop(store: str, named_graph: str) -> None:
    request = urllib.request.Request(f"{store}?{urllib.parse.urlencode({'graph': named_graph})}", method="DELETE")
    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10).read()


def _rows(answer: str) -> list[dict]:
    data = json.loads(answer)
    return data["statements"] if isinstance(data, dict) else data


def assert_same_answer(capsys, graph_file, url: str, named_graph: str, args) -> list[dict]:
    """A question command answers the same (JSON) on the endpoint as on the embedded store, and
    the answer is not empty; its rows."""
    code, local, err = cli(capsys, *args, "--format", "json", "--graph", str(graph_file))
    assert code == 0, err
    code, remote, err = cli(capsys, *args, "--format", "json", "--endpoint", url, "--named-graph", named_graph)
    assert code == 0, err
    assert json.loads(remote) == json.loads(local)
    rows = _rows(remote)
    assert rows, "pick a question with an answer"
    return rows


@pytest.mark.parametrize("args", QUESTIONS, ids=lambda args: " ".join(args))
def test_question_commands_answer_the_same_remote(capsys, questions, graph_file, args):
    url, named_graph = questions
    rows = assert_same_answer(capsys, graph_file, url, named_graph, args)
    assert args[0] == "find" or EVIDENCE <= set(rows[0])
    code, table, err = cli(capsys, *args, "--endpoint", url, "--named-graph", named_graph)
    assert code == 0, err
    assert table == cli(capsys, *args, "--graph", str(graph_file))[1]


def test_question_commands_default_to_the_dataset_graph_and_read_nothing_local(capsys, oxigraph, graph_file,
                                                                              monkeypatch):
    push(f"{oxigraph}/store", graph_file, named_graph=DATASET_IRI)
    args = ["resistance", "--drug", "CIS", "--cancer", "GC", "--format", "json"]
    code, local, _ = cli(capsys, *args, "--graph", str(graph_file))
    import graph.store

    def no_local_graph():
        raise AssertionError("--endpoint must not build or read the local graph")

    monkeypatch.setattr(graph.store, "ensure_built", no_local_graph)
    code, remote, err = cli(capsys, *args, "--endpoint", f"{oxigraph}/query")
    assert code == 0, err
    assert json.loads(remote) == json.loads(local) != []


def test_names_resolve_in_the_endpoints_graph(capsys, oxigraph, graph_file, tmp_path):
    """The endpoint holds the small test graph: names resolve there, not in the packaged graph."""
    from graph.build import build

    small = build(tmp_path / "small", Path(__file__).parent / "fixtures" / "minimal").out_dir / "exokg.nt"
    named_graph = f"https://w3id.org/exokg/test/small-{uuid.uuid4().hex}"
    push(f"{oxigraph}/store", small, named_graph=named_graph)
    try:
        remote = ["--endpoint", f"{oxigraph}/query", "--named-graph", named_graph]
        code, far, err = cli(capsys, "show", "miR-522", "--format", "json", *remote)
        assert code == 0, err
        assert json.loads(far) == json.loads(cli(capsys, "show", "miR-522", "--format", "json", "--graph", str(small))[1])
        assert json.loads(far) != json.loads(cli(capsys, "show", "miR-522", "--format", "json", "--graph", str(graph_file))[1])
        code, _, err = cli(capsys, "therapies", "--drug", "sorafenib", *remote)
        assert code == 1 and "no entity of type Drug matches 'sorafenib'" in err
        # `exokg query NAME --param` and inline queries resolve names on the endpoint too
        code, _, err = cli(capsys, "query", "resistance", "--param", "drug=sorafenib", *remote)
        assert code == 1 and "no entity of type Drug matches 'sorafenib'" in err
        code, far, err = cli(capsys, "query", "resistance", "--param", "agent=ferroptosis", "--format", "json", *remote)
        assert code == 0, err
        near = cli(capsys, "query", "resistance", "--param", "agent=ferroptosis", "--format", "json",
                   "--graph", str(small))[1]
        packaged = cli(capsys, "query", "resistance", "--param", "agent=ferroptosis", "--format", "json",
                       "--graph", str(graph_file))[1]
        assert json.loads(far) == json.loads(near) != json.loads(packaged)
        assert json.loads(far)["results"]["bindings"]
    finally:
        _drop(f"{oxigraph}/store", named_graph)


def test_library_functions_take_a_remote_engine(questions, graph_file):
    url, named_graph = questions
    remote = RemoteEndpoint(url, named_graph=named_graph)
    assert competency.resistance(drug="cisplatin", engine=remote) == competency.resistance(drug="cisplatin", source=graph_file)
    assert competency.neighbors("miR-522", 2, engine=remote) == competency.neighbors("miR-522", 2, source=graph_file)
    assert remote.entity_index() is remote.entity_index()  # fetched once per endpoint object


COMMAND_ARGS = [["find", "ferroptosis"], ["show", "miR-522"], ["resistance", "--drug", "cisplatin"],
                ["biomarkers"], ["therapies", "--drug", "sorafenib"], ["neighbors", "miR-522"]]


@pytest.mark.parametrize("args", COMMAND_ARGS, ids=lambda args: args[0])
def test_question_commands_report_an_unreachable_endpoint_in_one_line(capsys, args):
    closed = f"http://127.0.0.1:{_free_port()}/query"
    code, out, err = cli(capsys, *args, "--endpoint", closed)
    assert code == 1 and out == ""
    assert err.startswith(f"error: cannot reach {closed}") and "Fix: " in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("args", COMMAND_ARGS, ids=lambda args: args[0])
def test_an_endpoint_without_exokg_data_is_an_error_not_an_empty_answer(capsys, oxigraph, args):
    """An empty answer would read as 'nothing matches'; the error says what to push where."""
    empty = f"https://w3id.org/exokg/test/empty-{uuid.uuid4().hex}"
    code, out, err = cli(capsys, *args, "--endpoint", f"{oxigraph}/query", "--named-graph", empty)
    assert code == 1 and out == ""
    assert f"holds no ExoKG entities in <{empty}>" in err
    assert f"Fix: load the graph there with `exokg push --endpoint {oxigraph}/store --named-graph {empty}`" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_question_commands_explain_a_wrong_endpoint_and_bad_options(capsys, oxigraph, graph_file):
    code, _, err = cli(capsys, "show", "miR-522", "--endpoint", f"{oxigraph}/store")
    assert code == 1 and "HTTP 415" in err and "query endpoint" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "find", "CIS", "--endpoint", f"{oxigraph}/query", "--graph", str(graph_file))
    assert code == 2 and "--graph and --endpoint exclude each other" in err
    code, _, err = cli(capsys, "biomarkers", "--named-graph", "default")
    assert code == 2 and "--named-graph only applies with --endpoint" in err


# ---------------------------------------------------------------- streaming push


def test_chunks_are_bounded_and_blank_node_triples_travel_together(tmp_path):
    from graph.remote import chunks

    def lines():  # a lazy stream, as a 10M-triple file is read
        for i in range(25_000):
            yield f"<https://x/{i}> <https://x/p> \"{i}\" .\n".encode()
            if i % 5_000 == 0:
                yield f"_:b{i} <https://x/p> <https://x/{i}> .\n".encode()

    with (tmp_path / "spool").open("w+b") as spool:
        sent = [(body if isinstance(body, bytes) else b"".join(body), count) for body, count in chunks(lines(), 10_000, spool)]
    assert [count for _, count in sent] == [10_000, 10_000, 5_000, 5]
    assert all(body.count(b"\n") == count for body, count in sent)
    assert all(b"_:" not in body for body, _ in sent[:-1]) and sent[-1][0].count(b"_:") == 5


def test_chunked_push_to_oxigraph_keeps_every_triple(oxigraph, graph_file):
    from graph.remote import graph_ntriples

    named_graph = f"https://w3id.org/exokg/test/chunks-{uuid.uuid4().hex}"
    seen: list[int] = []
    try:
        count = push(f"{oxigraph}/store", graph_file, named_graph=named_graph, chunk_triples=2_000, progress=seen.append)
        assert count == graph_ntriples(graph_file)[1] and len(seen) > 5 and seen[-1] == count
        remote = RemoteEndpoint(f"{oxigraph}/query", named_graph=named_graph)
        assert remote.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values()[0]["n"] == count
        joined = "SELECT (COUNT(*) AS ?n) WHERE { ?x ?p ?list . FILTER(isBlank(?list)) ?list rdf:rest*/rdf:first ?m }"
        assert remote.run(joined).values()[0]["n"] == run_query(joined, graph_file).values()[0]["n"] > 0
    finally:
        _drop(f"{oxigraph}/store", named_graph)
