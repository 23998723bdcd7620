"""`exokg serve` over loopback, driven by a real SPARQL client (SPARQLWrapper) and raw HTTP."""
from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, QueryBadFormed

from graph.query import run_named, run_query
from graph.remote import RemoteEndpoint
from graph.server import DATASET_IRI, EndpointConfig, ServerError, make_server, running

pytestmark = pytest.mark.server

MAX_ROWS = 40
DRUGS = "SELECT ?key WHERE { ?d a exo:Drug ; exo:curationKey ?key } ORDER BY ?key LIMIT 5"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(graph_file):
    config = EndpointConfig(timeout=1.5, max_rows=MAX_ROWS, workers=2, max_body=20_000, log=False, read_timeout=2.0)
    with running(graph_file, port=0, config=config) as srv:
        yield srv


def client(server, query: str, fmt=JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def raw(server, method: str, target: str, body: bytes | None = None, headers: dict | None = None):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def keys(bindings: list[dict]) -> list[str]:
    return [b["key"]["value"] for b in bindings]


# ---------------------------------------------------------------- answers


def test_select_json_get_matches_the_embedded_engine(server, graph_file):
    answer = client(server, DRUGS).queryAndConvert()
    embedded = [row["key"] for row in run_query(DRUGS, graph_file).values()]
    assert keys(answer["results"]["bindings"]) == embedded and len(embedded) == 5


def test_select_post_form_and_post_direct(server):
    form = client(server, DRUGS)
    form.setMethod(POST)
    direct = client(server, DRUGS)
    direct.setMethod(POST)
    direct.setRequestMethod(POSTDIRECTLY)
    assert keys(form.queryAndConvert()["results"]["bindings"]) == keys(direct.queryAndConvert()["results"]["bindings"])


def test_select_xml_csv_tsv(server):
    expected = keys(client(server, DRUGS).queryAndConvert()["results"]["bindings"])
    xml = client(server, DRUGS, XML).query().response.read()
    assert [s["key"].value for s in ox.parse_query_results(xml, ox.QueryResultsFormat.XML)] == expected
    rows = list(csv.reader(io.StringIO(client(server, DRUGS, CSV).queryAndConvert().decode())))
    assert rows[0] == ["key"] and [r[0] for r in rows[1:]] == expected
    tsv = client(server, DRUGS, TSV).queryAndConvert()
    assert [s["key"].value for s in ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)] == expected


def test_ask(server):
    assert client(server, "ASK { ?d a exo:Drug }").queryAndConvert()["boolean"] is True
    assert client(server, "ASK { ?d a exo:Planet }").queryAndConvert()["boolean"] is False


def test_construct_as_turtle_jsonld_rdfxml_and_ntriples(server, graph_file):
    query = run_named("neighborhood-graph", {"entity": "ABCB1"}, graph_file)
    expected = len(query.triples)
    text = 'CONSTRUCT { ?s ?p ?o } WHERE { ?s exo:curationKey "ABCB1" ; ?p ?o }'
    embedded = len(run_query(text, graph_file).triples)
    turtle = client(server, text, TURTLE).queryAndConvert()
    assert len(list(ox.parse(turtle, ox.RdfFormat.TURTLE))) == embedded
    assert len(client(server, text, JSONLD).queryAndConvert()) == embedded  # rdflib Graph
    assert len(client(server, text, XML).queryAndConvert()) == embedded  # RDF/XML, rdflib Graph
    status, headers, body = raw(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                                headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"] == "application/n-triples"
    assert len(list(ox.parse(body.encode(), ox.RdfFormat.N_TRIPLES))) == embedded
    assert expected > embedded > 0


def test_row_limit_cuts_and_flags(server):
    status, headers, body = raw(server, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { ?s ?p ?o }"}), headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers.get("X-ExoKG-Truncated") == "true"
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    status, headers, _ = raw(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": DRUGS}))
    assert status == 200 and "X-ExoKG-Truncated" not in headers


def test_own_dataset_as_default_graph_is_accepted(server):
    sparql = client(server, DRUGS)
    sparql.addDefaultGraph(DATASET_IRI)
    assert len(sparql.queryAndConvert()["results"]["bindings"]) == 5


def test_exokg_remote_engine_reads_the_endpoint(server, graph_file):
    remote = RemoteEndpoint(server.url, named_graph=DATASET_IRI)
    query = run_named("resistance", {"drug": "oxaliplatin"}, graph_file)
    answer = run_named("resistance", {"drug": "oxaliplatin"}, graph_file, engine=remote)
    assert answer.variables == query.variables and len(answer.rows) == len(query.rows) > 0
    # this server cuts answers at MAX_ROWS rows; the entity list is read in pages past that cut
    from graph.entities import entity_index

    assert len(remote.entity_index()) == len(entity_index(graph_file)) > MAX_ROWS


def test_query_page(server):
    status, headers, body = raw(server, "GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<textarea" in body and "resistance" in body and "VALUES ?drug" in body


# ---------------------------------------------------------------- refusals


def assert_http_error(call, code: int, text: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        call()
    assert err.value.code == code
    assert text in err.value.read().decode()


def test_update_is_refused_by_parameter_and_by_content_type(server):
    sparql = client(server, "INSERT DATA { <http://a/> <http://b/> <http://c/> }")
    sparql.setMethod(POST)
    assert_http_error(sparql.query, 403, "read-only")
    status, _, body = raw(server, "POST", "/sparql", b"DELETE WHERE { ?s ?p ?o }",
                          {"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in body
    status, _, body = raw(server, "GET", "/sparql?update=CLEAR%20ALL")
    assert status == 403
    status, _, body = raw(server, "POST", "/sparql", b"query=" + urllib.parse.quote("CLEAR ALL").encode(),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and "Update is refused" in body
    assert client(server, "ASK { ?d a exo:Drug }").queryAndConvert()["boolean"] is True  # nothing was cleared


def test_service_is_refused(server):
    sparql = client(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert_http_error(sparql.query, 403, "SERVICE")


def test_other_graphs_are_refused(server):
    assert_http_error(client(server, "SELECT * FROM <http://example.org/g.ttl> WHERE { ?s ?p ?o }").query, 403, "FROM")
    foreign = client(server, DRUGS)
    foreign.addDefaultGraph("http://example.org/data.ttl")
    assert_http_error(foreign.query, 403, "never loads other graphs")
    named = client(server, DRUGS)
    named.addNamedGraph("http://example.org/data.ttl")
    assert_http_error(named.query, 403, "named-graph-uri")


def test_a_slow_query_is_stopped_and_the_endpoint_recovers(server):
    assert_http_error(client(server, SLOW).query, 503, "timeout")
    for _ in range(3):  # both workers answer again (the killed one was replaced)
        assert client(server, "ASK { ?d a exo:Drug }").queryAndConvert()["boolean"] is True


def test_hosts_other_than_loopback_are_refused(server):
    status, _, body = raw(server, "GET", "/sparql?query=ASK%7B%7D", headers={"Host": "evil.example:80"})
    assert status == 403 and "loopback" in body


# ---------------------------------------------------------------- malformed requests


def test_syntax_error_is_400_with_position(server):
    with pytest.raises(QueryBadFormed) as err:
        client(server, "SELECT * WHERE { ?s ?p }").query()
    assert "line 1, column" in str(err.value)


@pytest.mark.parametrize("method, target, body, headers, status, text", [
    ("GET", "/sparql", None, {}, 400, "no query"),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, "exactly one"),
    ("GET", "/sparql?query=%FF%FE", None, {}, 400, "malformed query string"),
    ("GET", "/sparql?query=", None, {}, 400, "empty"),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415, "unsupported Content-Type"),
    ("POST", "/sparql", b"query=%FF", {"Content-Type": "application/x-www-form-urlencoded"}, 400, "malformed form"),
    ("POST", "/sparql", b"\xff\xfe", {"Content-Type": "application/sparql-query"}, 400, "not UTF-8"),
    ("POST", "/sparql?query=ASK%7B%7D", b"ASK {}", {"Content-Type": "application/sparql-query"}, 400, "not both"),
    ("POST", "/sparql", None, {"Content-Type": "application/sparql-query", "Content-Length": "99999999"}, 413, "limit"),
    ("PUT", "/sparql", b"<a:b> <a:c> <a:d> .", {"Content-Type": "application/n-triples"}, 405, "read-only"),
    ("DELETE", "/sparql", None, {}, 405, "read-only"),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406, "available"),
    ("GET", "/nowhere", None, {}, 404, "/sparql"),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Host": "[bad"}, 400, "malformed Host"),
])
def test_malformed_requests(server, method, target, body, headers, status, text):
    got, _, answer = raw(server, method, target, body, headers)
    assert got == status, answer
    assert text in answer


def test_post_without_length_is_refused(server):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/sparql-query")
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 411
    conn.close()


def connect(server) -> socket.socket:
    return socket.create_connection(server.server_address[:2], timeout=10)


def read_answer(sock: socket.socket) -> tuple[int, str]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(10)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


HEAD = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"


@pytest.mark.parametrize("close_early", [True, False], ids=["client-half-closes", "client-stays-silent"])
def test_a_truncated_post_body_is_refused_not_run(server, close_early):
    body = b"ASK { ?d a exo:Drug } # then more"  # what arrives is a valid query: it must still not run
    with connect(server) as sock:
        sock.sendall(HEAD + f"Content-Length: {len(body) + 40}\r\n\r\n".encode() + body)
        if close_early:
            sock.shutdown(socket.SHUT_WR)  # the body ends here: 40 bytes short
        status, answer = read_answer(sock)  # the silent client is answered at the request deadline
    assert status == 400, answer
    assert f"{len(body)} of the {len(body) + 40} bytes" in answer and "Fix:" in answer


def test_a_post_body_sent_in_pieces_is_read_whole(server):
    body = DRUGS.encode()
    with connect(server) as sock:
        sock.sendall(HEAD + f"Accept: text/csv\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        for start in range(0, len(body), 16):
            sock.sendall(body[start:start + 16])
        status, answer = read_answer(sock)
    assert status == 200 and answer.split()[1:] == keys(client(server, DRUGS).queryAndConvert()["results"]["bindings"])


def test_idle_and_half_sent_connections_do_not_block_others(server):
    idle = [connect(server) for _ in range(100)]
    idle += [connect(server) for _ in range(100)]
    for sock in idle[100:]:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
    try:
        for _ in range(5):
            assert client(server, "ASK { ?d a exo:Drug }").queryAndConvert()["boolean"] is True
        # past the 2 s request deadline the server closes every one of them, unanswered
        assert all(closed_by_server(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()


def test_past_max_pending_the_oldest_half_sent_connections_are_closed(graph_file):
    config = EndpointConfig(workers=1, log=False, max_pending=50, read_timeout=60.0)
    with running(graph_file, port=0, config=config) as srv:
        stalled = [connect(srv) for _ in range(300)]
        try:
            for sock in stalled:
                sock.sendall(b"GET /sparql HTTP/1.1\r\n")
            assert client(srv, "ASK { ?d a exo:Drug }").queryAndConvert()["boolean"] is True
            assert all(closed_by_server(sock) for sock in stalled[:200])  # long before their 60 s deadline
        finally:
            for sock in stalled:
                sock.close()


def test_slow_queries_do_not_starve_simple_ones(graph_file):
    """Four clients repeat a query that never ends in time while another asks simple ones: every
    simple query is answered (two workers; the endpoint before its long-query lane refused them)."""
    config = EndpointConfig(timeout=3.0, workers=2, long_queries=1, fast_budget=0.3, log=False)
    with running(graph_file, port=0, config=config) as srv:
        done, slow_answers = threading.Event(), []

        def pathological():
            while not done.is_set():
                conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=60)
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": SLOW}))
                slow_answers.append(conn.getresponse().status)
                conn.close()

        threads = [threading.Thread(target=pathological) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            answers = [client(srv, DRUGS).queryAndConvert() for _ in range(40)]
        finally:
            done.set()
            for thread in threads:
                thread.join(30)
        assert all(keys(a["results"]["bindings"]) == keys(answers[0]["results"]["bindings"]) for a in answers)
        assert len(answers[0]["results"]["bindings"]) == 5
        assert slow_answers and set(slow_answers) == {503}  # stopped at the timeout or refused, never run to the end


def test_wrong_path_with_sparqlwrapper(server):
    sparql = SPARQLWrapper(server.url.replace("/sparql", "/query"))
    sparql.setQuery(DRUGS)
    with pytest.raises(EndPointNotFound):
        sparql.query()


def test_busy_port_is_a_one_line_error(server, graph_file):
    host, port = server.server_address[:2]
    with pytest.raises(ServerError, match=f"cannot listen on {host}:{port}"):
        make_server(graph_file, host=host, port=port, config=EndpointConfig(workers=1, log=False))


def test_exokg_serve_command_starts_answers_and_stops_on_sigterm(graph_file):
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", "0", "--workers", "1",
                                "--quiet", "--graph", str(graph_file)], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert "ExoKG SPARQL endpoint at http://127.0.0.1:" in line, line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        answer = opener.open(url + "?" + urllib.parse.urlencode({"query": "ASK { ?d a exo:Drug }"}), timeout=10)
        assert json.loads(answer.read()) == {"head": {}, "boolean": True}
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert "stopping" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- remembered answers and new store versions


def get(srv, query: str, accept: str = "application/sparql-results+json"):
    return raw(srv, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})


def test_a_repeated_query_is_answered_the_same_in_every_format(server):
    """The second answer comes from the cache: same bytes, same flags, and the Accept choice is
    part of what is remembered (a CSV request after a JSON one gets CSV)."""
    whole = "SELECT ?s WHERE { ?s ?p ?o }"
    first, again = get(server, whole), get(server, whole)
    assert first[0] == again[0] == 200 and first[2] == again[2]
    assert again[1].get("X-ExoKG-Truncated") == "true" and len(json.loads(again[2])["results"]["bindings"]) == MAX_ROWS
    as_json, as_csv = get(server, DRUGS), get(server, DRUGS, "text/csv")
    assert as_csv[1]["Content-Type"].startswith("text/csv")
    assert as_csv[2].split()[1:] == keys(json.loads(as_json[2])["results"]["bindings"])


def test_queries_calling_volatile_functions_run_every_time(server):
    query = "SELECT (STRUUID() AS ?u) (RAND() AS ?r) WHERE { }"
    values = {json.loads(get(server, query)[2])["results"]["bindings"][0]["u"]["value"] for _ in range(3)}
    assert len(values) == 3


def test_a_new_store_version_is_served_fresh(built_dir, tmp_path):
    """`exokg load` (or a build) into the served folder publishes a new store version: the next
    request is answered from it, not from an answer remembered for the old one."""
    import shutil

    from graph.load import load
    from graph.store import store_location

    folder = tmp_path / "build"
    shutil.copytree(built_dir, folder, symlinks=True)
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/s> <http://example.org/p> "served fresh" .\n', encoding="utf-8")
    ask = 'ASK { ?s <http://example.org/p> "served fresh" }'
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
    config = EndpointConfig(timeout=1.0, queue_timeout=1.0, workers=1, log=False)
    with running(folder, port=0, config=config) as srv:
        old_workers = [worker.process for worker in srv.current_pool()._all]
        for _ in range(2):  # the second answer is the remembered one
            assert json.loads(get(srv, ask)[2])["boolean"] is False
            assert json.loads(get(srv, count)[2])["results"]["bindings"][0]["n"]["value"] == "0"
        before = store_location(folder)
        load([extra], folder)
        assert store_location(folder) != before
        for _ in range(2):
            status, _, body = get(srv, ask)
            assert status == 200 and json.loads(body)["boolean"] is True, body
            assert json.loads(get(srv, count)[2])["results"]["bindings"][0]["n"]["value"] == "1"
        assert json.loads(get(srv, DRUGS)[2])["results"]["bindings"]  # the curated graph is still there
        # the old version's workers are stopped once its queries have had their time (3 s here)
        for process in old_workers:
            process.join(30)
        assert old_workers and not any(process.is_alive() for process in old_workers)

