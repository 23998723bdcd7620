"""The SPARQL engine, the named-query library and `exokg query` (embedded)."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.errors import FormatError, QueryError, ResolutionError
from graph.query import (ParameterError, QueryRefused, QuerySyntaxError, bind_values, check_policy, compact,
                         format_result, library, named_query, parse_named_query, run_named, run_query,
                         sparql_csv, sparql_json, sparql_tsv, sparql_xml, tokens, uses_service)

EXO = "https://w3id.org/exokg/ontology/"


def cli(capsys, *args) -> tuple[int, str, str]:
    """Run `exokg ARGS` in-process: (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


# ---------------------------------------------------------------- the library


def test_library_has_at_least_15_documented_queries():
    queries = library()
    assert len(queries) >= 15
    for query in queries.values():
        assert query.title and len(query.purpose) > 40, query.name
        assert query.examples and all(e.startswith(f"exokg query {query.name}") for e in query.examples), query.name
        text_vars = set(re.findall(r"[?$](\w+)", query.text.split("\n", 1)[1]))
        for param in query.params:
            assert param.doc, (query.name, param.name)
            assert param.name in text_vars, f"{query.name}: ?{param.name} is documented but not used"


def test_every_example_runs_and_answers(graph_file):
    """Each documented example runs on the packaged graph, and SELECT examples give rows."""
    empty = []
    for query in library().values():
        for params in query.example_params():
            result = run_named(query.name, params, graph_file)
            if result.form == "SELECT" and not result.rows:
                empty.append((query.name, params))
            if result.form == "GRAPH":
                assert result.triples, query.name
    # sponge axes wait for section 3.1/Table 1 curation of sponges; everything else must answer
    assert all(name == "cerna-axes" for name, _ in empty), empty


def test_header_is_parsed_and_checked():
    text = ("# title: T\n# purpose: what it does,\n#   continued here\n"
            "# param: ?x (entity CancerType, optional) the cancer\n# param: ?n (integer, required) a number\n"
            "# example: exokg query t --param n=1\nSELECT * WHERE { ?s ?p ?x FILTER(?n > 0) }\n")
    query = parse_named_query("t", text)
    assert query.purpose == "what it does, continued here"
    assert [(p.name, p.kind, p.types, p.required) for p in query.params] == [
        ("x", "entity", ("CancerType",), False), ("n", "integer", (), True)]
    with pytest.raises(ParameterError, match="needs parameter 'n'"):
        query.bindings({})
    with pytest.raises(ParameterError, match="has no parameter 'y'"):
        query.bindings({"n": "1", "y": "2"})
    with pytest.raises(ParameterError, match="whole number"):
        query.bindings({"n": "one"})
    with pytest.raises(QueryError, match="header needs"):
        parse_named_query("bad", "SELECT * WHERE { ?s ?p ?o }")


def test_entity_parameters_resolve_names_and_respect_types(graph_file):
    query = named_query("resistance")
    bound = query.bindings({"drug": "CIS", "cancer": ["GC", "lung cancer"], "effect": "confersresistanceto"}, graph_file)
    assert bound["drug"] == [ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_27899")]
    assert len(bound["cancer"]) == 2
    assert bound["effect"] == [ox.NamedNode(EXO + "confersResistanceTo")]
    with pytest.raises(ResolutionError, match="no entity of type Drug matches"):
        query.bindings({"drug": "gastric cancer"}, graph_file)
    with pytest.raises(ParameterError, match="unknown relation"):
        query.bindings({"effect": "causes"}, graph_file)


# ---------------------------------------------------------------- binding is safe


def test_values_binding_cannot_inject_sparql(graph_file):
    """A hostile literal stays a literal: the query still answers about that string only."""
    hostile = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    query = 'SELECT ?e WHERE { ?e exo:curationKey ?key }'
    result = run_query(query, graph_file, bindings={"key": [ox.Literal(hostile)]})
    assert result.rows == []
    prepared = bind_values(query, {"key": [ox.Literal(hostile)]})
    braces = [t.text for t in tokens(prepared) if t.text in "{}"]
    assert braces == ["{", "{", "}", "}"]  # the WHERE group and the VALUES block: the rest is one string
    cisplatin = run_query(query, graph_file, bindings={"key": [ox.Literal("cisplatin")]})
    assert [row["e"] for row in cisplatin.values()] == ["http://purl.obolibrary.org/obo/CHEBI_27899"]
    with pytest.raises(ParameterError):
        bind_values(query, {"key; DROP": [ox.Literal("a")]})


def test_values_go_into_the_where_group_not_the_construct_template():
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    bound = bind_values(text, {"s": [ox.NamedNode("http://example.org/a")]})
    assert bound.startswith("CONSTRUCT { ?s ?p ?o } WHERE {\n  VALUES ?s { <http://example.org/a> }")
    ask = bind_values("PREFIX x: <http://x/> # {\nASK { ?s x:p ?o }", {"o": [ox.Literal("1")]})
    assert 'ASK {\n  VALUES ?o { "1" }' in ask


def test_multiple_values_mean_any_of(graph_file):
    one = run_named("resistance", {"cancer": "gastric cancer"}, graph_file)
    two = run_named("resistance", {"cancer": ["gastric cancer", "PDAC"]}, graph_file)
    pdac = run_named("resistance", {"cancer": "PDAC"}, graph_file)
    assert len(two.rows) == len(one.rows) + len(pdac.rows)


# ---------------------------------------------------------------- refusals and errors


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a/> <http://b/> <http://c/> }",
    "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "clear all",
])
def test_updates_are_refused(text):
    with pytest.raises(QueryRefused, match="read-only"):
        check_policy(text)


def test_service_is_refused_however_it_is_written():
    for text in ["SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                 "select * { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
                 "SELECT * {?s ?p ?o}SERVICE<http://x/>{?a ?b ?c}",
                 "SELECT * { ?s ?p ?o FILTER(?a<?b) SERVICE ?svc { ?s ?p ?o } }"]:
        assert uses_service(text), text
        with pytest.raises(QueryRefused, match="SERVICE"):
            check_policy(text)
    for text in ['SELECT ?service { ?service rdfs:label "SERVICE" } # SERVICE',
                 "SELECT * { ?s exo:service ?o ; <http://x/SERVICE> ?q }"]:
        assert not uses_service(text), text
    check_policy("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", allow_service=True)


def test_tokens_skip_strings_comments_and_iris():
    toks = [t.text for t in tokens('SELECT * { ?s rdfs:label """a { "b" }""" . ?s <http://x/#y> ?o } # }')]
    assert toks.count("{") == 1 and toks.count("}") == 1


def test_syntax_error_gives_position_and_hint():
    with pytest.raises(QuerySyntaxError) as err:
        run_query("SELECT * WHERE {\n  ?s foo:bar ?o .\n}")
    message = str(err.value)
    assert "line 2" in message and "unknown prefix foo:" in message and "exo" in message
    assert "\n" not in message
    with pytest.raises(QuerySyntaxError, match=r"line 1, column \d+.*parentheses do not balance"):
        run_query("SELECT * WHERE { ?s ?p ?o FILTER(?o = }")
    with pytest.raises(QuerySyntaxError, match="empty"):
        run_query("   ")


def test_prefixes_are_predeclared(graph_file):
    result = run_query("SELECT ?label WHERE { chebi:27899 rdfs:label ?label ; a exo:Drug }", graph_file)
    assert result.values() == [{"label": "cisplatin"}]
    assert compact("http://purl.obolibrary.org/obo/CHEBI_27899") == "chebi:27899"


# ---------------------------------------------------------------- result formats


def test_result_formats_round_trip_through_a_real_parser(graph_file):
    result = run_query('SELECT ?e ?label ?n WHERE { ?e exo:curationKey "ABCB1" ; rdfs:label ?label '
                       'BIND(42 AS ?n) BIND("tab\\there" AS ?t) }', graph_file)
    for writer, fmt in [(sparql_json, ox.QueryResultsFormat.JSON), (sparql_xml, ox.QueryResultsFormat.XML),
                        (sparql_tsv, ox.QueryResultsFormat.TSV)]:
        parsed = list(ox.parse_query_results(writer(result), fmt))
        assert [tuple(s[v] for v in result.variables) for s in parsed] == result.rows, writer.__name__
    assert sparql_csv(result).splitlines()[1] == "https://identifiers.org/hgnc:40,ABCB1,42"
    ask = run_query("ASK { ?s a exo:Drug }", graph_file)
    assert bool(ox.parse_query_results(sparql_json(ask), ox.QueryResultsFormat.JSON))
    assert bool(ox.parse_query_results(sparql_xml(ask), ox.QueryResultsFormat.XML))


def test_graph_answers_are_turtle_ntriples_or_jsonld(graph_file):
    result = run_named("describe-entity", {"entity": "oxaliplatin"}, graph_file)
    turtle = format_result(result, "table")
    assert "@prefix chebi:" in turtle and "@prefix hgnc:" not in turtle
    assert len(list(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE))) == len(result.triples)
    assert len(list(ox.parse(format_result(result, "ntriples").encode(), ox.RdfFormat.N_TRIPLES))) == len(result.triples)
    assert len(list(ox.parse(format_result(result, "json").encode(), ox.RdfFormat.JSON_LD))) == len(result.triples)
    with pytest.raises(FormatError, match="has no 'csv' form"):
        format_result(result, "csv")
    with pytest.raises(FormatError, match="has no 'turtle' form"):
        format_result(run_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph_file), "turtle")


def test_limit_truncates_and_says_so(graph_file):
    result = run_query("SELECT ?s WHERE { ?s a exo:Drug }", graph_file, limit=3)
    assert len(result.rows) == 3 and result.truncated
    assert "truncated" in format_result(result, "table")


# ---------------------------------------------------------------- the command


def test_cli_named_query_table(capsys, graph_file):
    code, out, err = cli(capsys, "query", "resistance", "--param", "drug=cisplatin", "--param", "cancer=GC",
                         "--graph", str(graph_file))
    assert code == 0, err
    assert out.splitlines()[0].split()[:3] == ["statement", "agent_key", "agent_label"]
    assert "gastric cancer" in out and "cisplatin" in out


def test_cli_inline_query_json_is_sparql_results(capsys, graph_file):
    code, out, _ = cli(capsys, "query", 'SELECT ?k WHERE { ?e exo:curationKey ?k } ORDER BY ?k LIMIT 2',
                       "--format", "json", "--graph", str(graph_file))
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"] == ["k"] and len(data["results"]["bindings"]) == 2
    assert data["results"]["bindings"][0]["k"]["type"] == "literal"


def test_cli_query_from_file_with_raw_params(capsys, graph_file, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?label WHERE { ?drug rdfs:label ?label }\n")
    code, out, err = cli(capsys, "query", "--file", str(path), "--param", "drug=CIS", "--format", "csv",
                         "--graph", str(graph_file))
    assert code == 0, err
    assert out.splitlines() == ["label", "cisplatin"]
    code, out, _ = cli(capsys, "query", "--file", str(path), "--param", "drug=<http://purl.obolibrary.org/obo/CHEBI_27899>",
                       "--format", "tsv", "--graph", str(graph_file))
    assert out.splitlines() == ["?label", '"cisplatin"']


def test_cli_list_and_show(capsys):
    code, out, _ = cli(capsys, "query", "--list")
    assert code == 0 and "resistance" in out and "named queries" in out
    code, out, _ = cli(capsys, "query", "resistance", "--param", "drug=cisplatin", "--show")
    assert code == 0 and "VALUES ?drug { <http://purl.obolibrary.org/obo/CHEBI_27899> }" in out


def test_cli_construct_prints_turtle(capsys, graph_file):
    code, out, _ = cli(capsys, "query", "neighborhood-graph", "--param", "entity=ABCB1", "--graph", str(graph_file))
    assert code == 0 and out.startswith("@prefix")
    assert len(list(ox.parse(out.encode(), ox.RdfFormat.TURTLE))) > 5


@pytest.mark.parametrize("args, code, pattern", [
    (["query", "SELECT * WHERE { ?s ?p }"], 2, r"^error: SPARQL syntax error at line 1, column \d+"),
    (["query", "INSERT DATA { <http://a/> <http://b/> <http://c/> }"], 2, "SPARQL Update is refused"),
    (["query", "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"], 2, "SERVICE .* is refused"),
    (["query", "no-such-query"], 2, "no query named 'no-such-query'"),
    (["query", "resistance", "--param", "drug"], 2, "is not NAME=VALUE"),
    (["query", "resistance", "--param", "drug=nothing-like-this"], 1, "no entity of type Drug matches"),
    (["query", "statements"], 2, "needs parameter 'entity'"),
    (["query"], 2, "no query given"),
    (["query", "--file", "/nonexistent/q.rq"], 2, "cannot read"),
    (["query", "resistance", "--graph", "/nonexistent/build"], 1, "does not exist"),
])
def test_cli_errors_are_one_line(capsys, args, code, pattern):
    got, out, err = cli(capsys, *args)
    assert got == code, (out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err.strip()), err
    assert "Traceback" not in err


def test_donor_cell_joins_only_pair_statements_whose_cancers_agree(graph_file):
    """The secretes + confers join of donor-cells keeps a pair only when the cancers agree."""
    cancers: dict[str, set[str]] = {}
    for row in run_query("SELECT ?a ?c WHERE { ?a exo:cancerType ?c }", graph_file).values():
        cancers.setdefault(row["a"].rsplit("/", 1)[-1], set()).add(row["c"])
    broader = {}
    for row in run_query("SELECT ?c ?b WHERE { ?c a exo:CancerType ; skos:broader+ ?b }", graph_file).values():
        broader.setdefault(row["c"], set()).add(row["b"])

    def related(x: set[str], y: set[str]) -> bool:
        return any(a == b or b in broader.get(a, ()) or a in broader.get(b, ()) for a in x for b in y)

    joined = [r for r in run_named("donor-cells", {}, graph_file).values() if r["secretes_statement"]]
    assert joined
    for row in joined:
        first, second = cancers.get(row["secretes_statement"], set()), cancers.get(row["resistance_statement"], set())
        assert not first or not second or related(first, second), row
