"""query, find, show, resistance, biomarkers, therapies, neighbors, serve, push.

Thin shells over :mod:`graph.query`, :mod:`graph.competency`, :mod:`graph.server` and
:mod:`graph.remote`; every error they raise on purpose is an ExoKGError that ``graph.cli``
prints as one line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import competency
from ..output import printable, render
from .options import FORMAT_OPTION, GRAPH_OPTION

ENDPOINT_HELP = ("A SPARQL 1.1 query endpoint URL (Oxigraph: http://HOST:PORT/query; Virtuoso: http://HOST:PORT/sparql). "
                 "Credentials, if it asks for them: $EXOKG_ENDPOINT_USER and $EXOKG_ENDPOINT_PASSWORD.")
NAMED_GRAPH_HELP = ("The named graph holding ExoKG on the remote store ('default' for the default graph). "
                    "`exokg push` writes it; `--endpoint` reads it.")


def _dataset_iri() -> str:
    from ..vocab import DATASET

    return str(DATASET["exokg"])


def endpoint_options(command):
    """--endpoint, --named-graph and --timeout: ask a remote SPARQL endpoint instead of the embedded store."""
    command = click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                           help="Seconds to wait for an answer (a remote endpoint, or the embedded store for `exokg query`).")(command)
    command = click.option("--named-graph", default=None, metavar="IRI",
                           help=NAMED_GRAPH_HELP + "  [default: the ExoKG dataset IRI]")(command)
    return click.option("--endpoint", metavar="URL", default=None, help=ENDPOINT_HELP)(command)


def remote_engine(endpoint: str | None, named_graph: str | None, timeout: float):
    """The RemoteEndpoint the options name, or None for the embedded store."""
    if named_graph is not None and not endpoint:
        raise click.UsageError("--named-graph only applies with --endpoint")
    if not endpoint:
        return None
    from ..remote import RemoteEndpoint

    graph_iri = named_graph if named_graph is not None else _dataset_iri()
    return RemoteEndpoint(endpoint, named_graph=None if graph_iri == "default" else graph_iri, timeout=timeout)


def question_engine(graph_source, endpoint, named_graph, timeout):
    """The engine of a question command: the embedded store (None) or the endpoint, never both."""
    if endpoint and graph_source is not None:
        raise click.UsageError("--graph and --endpoint exclude each other: with --endpoint, names are resolved "
                               "and answered on the endpoint (load it with `exokg push`)")
    return remote_engine(endpoint, named_graph, timeout)


def _parse_params(values: tuple[str, ...]) -> dict[str, list[str]]:
    from ..query import ParameterError

    params: dict[str, list[str]] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise ParameterError(f"--param {item!r} is not NAME=VALUE. Fix: write e.g. --param drug=cisplatin")
        params.setdefault(name, []).append(value)
    return params


CERTAINTY_OPTION = click.option(
    "--certainty", type=click.Choice(["stated", "hedged", "proposed", "predicted"]), default=None,
    help="Only statements the review puts this firmly: stated, hedged (may, suggests ...), proposed "
         "(a therapy or strategy to try) or predicted (in silico).")


SOURCES_OPTION = click.option(
    "--sources", default=None, metavar="NAMES",
    help="What to list, comma-separated: review, the imported sources (mirtarbase, ncrnadrug, exocarta, vesiclepedia, "
         "gaf, orghs) or all  [default: all: the review and every source imported into the build, each row labelled]")
IMPORTED_HEADING = "Facts from imported sources (not the review's; each with its source's evidence)"
IMPORTED_COLUMNS = ["source", "role", "subject", "relation", "object", "source_evidence", "statement"]


def _echo_imported(rows: list[dict], columns: list[str]) -> None:
    """The imported facts of a text answer, in a table of their own after the review's."""
    click.echo(f"{IMPORTED_HEADING} ({len(rows)}):")
    click.echo(render(rows, columns, "table"), nl=False)


def _echo_rows(rows: list[dict], columns: list[str], fmt: str, empty: str) -> None:
    click.echo(render(rows, columns, fmt), nl=False)
    if fmt == "table":
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})" if rows else f"({empty})")


# ---------------------------------------------------------------- query


def _list_queries(fmt: str) -> None:
    from ..query import library

    rows = [{"name": q.name, "form": q.form, "title": q.title,
             "parameters": [p.name + ("" if p.required else "?") for p in q.params], "purpose": q.purpose,
             "example": q.examples[0]} for q in library().values()]
    if fmt == "table":
        click.echo(render(rows, ["name", "form", "title", "parameters"], "table"), nl=False)
        click.echo(f"({len(rows)} named queries; parameter? = optional; `exokg query NAME --show` prints one)")
    else:
        click.echo(render(rows, ["name", "form", "title", "parameters", "purpose", "example"],
                          fmt if fmt in ("json", "csv", "tsv") else "json"), nl=False)


@click.command("query")
@click.argument("query", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the SPARQL query from this file ('-' for standard input).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeat for several; repeat a name for 'any of'). Named queries take "
                   "entity names, numbers or relation/class names; for your own queries give <IRI>, prefix:local, "
                   "\"literal\", a number or an entity name.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"]),
              default="table", show_default=True,
              help="SELECT/ASK: table, json (SPARQL 1.1 JSON results), csv, tsv, xml. CONSTRUCT/DESCRIBE: Turtle "
                   "(table/turtle), ntriples, jsonld (or json).")
@GRAPH_OPTION
@endpoint_options
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--show", "show_text", is_flag=True, help="Print the query (parameters bound) instead of running it.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call other endpoints (refused by default).")
def query_command(query, query_file, params, fmt, graph_source, endpoint, named_graph, timeout, list_queries,
                  show_text, allow_service):
    """Run SPARQL: a named query, inline text, or a .rq file.

    \b
      exokg query --list
      exokg query resistance --param drug=cisplatin
      exokg query 'SELECT ?d WHERE { ?d a exo:Drug } LIMIT 5'
      exokg query --file my.rq --format json
      exokg query resistance --endpoint http://127.0.0.1:7878/query

    Ontology and identifier prefixes (exo:, exoe:, exoa:, rdfs:, skos:, hgnc:, doid:, chebi: ...)
    are predeclared. A syntax error exits with status 2.
    """
    from ..query import (
        bind_values,
        check_policy,
        format_result,
        parse_term,
        read_query_text,
        run_query,
    )

    if list_queries:
        _list_queries(fmt)
        return
    engine = remote_engine(endpoint, named_graph, timeout)
    if (query_file is not None and str(query_file) == "-") or (query == "-" and query_file is None):
        text, named = sys.stdin.read(), None
    else:
        text, named = read_query_text(query, query_file)
    given = _parse_params(params)
    if named is not None:
        bindings = named.bindings(given, graph_source, engine=engine)
    else:
        bindings = {name: [parse_term(v, graph_source, engine=engine) for v in values] for name, values in given.items()}
    if show_text:
        check_policy(text, allow_service=allow_service)
        click.echo(bind_values(text, bindings) if bindings else text, nl=not text.endswith("\n"))
        return
    if engine is not None:
        result = engine.run(text, bindings=bindings, allow_service=allow_service)
    else:
        result = run_query(text, graph_source, bindings=bindings, allow_service=allow_service, timeout=timeout)
    click.echo(format_result(result, fmt), nl=False)


# ---------------------------------------------------------------- competency commands


@click.command("find")
@click.argument("text")
@click.option("--type", "types", multiple=True, metavar="CLASS", help="Only entities of this type (repeatable), e.g. MicroRNA.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many entities.")
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def find_command(text, types, limit, fmt, graph_source, endpoint, named_graph, timeout):
    """Entities whose name, synonym, key or CURIE contains TEXT (exact matches first), with where
    the review mentions them (sections, Table 1 rows, references).

    \b
      exokg find P-gp
      exokg find mir-21 --type MicroRNA
    """
    if types:
        from ..errors import OntologyNameError
        from ..ontology import load_ontology
        from ..query import ParameterError

        try:
            types = tuple(load_ontology().class_named(t, entity_only=True) for t in types)
        except OntologyNameError as err:
            raise ParameterError(f"--type: {err}") from None
    engine = question_engine(graph_source, endpoint, named_graph, timeout)
    rows = competency.find(text, graph_source, types=types or None, limit=limit, engine=engine)
    _echo_rows(rows, competency.FIND_COLUMNS, fmt, f"no entity matches '{text}'")


@click.command("show")
@click.argument("entity")
@CERTAINTY_OPTION
@SOURCES_OPTION
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def show_command(entity, certainty, sources, fmt, graph_source, endpoint, named_graph, timeout):
    """The entity card: identifiers, synonyms, hierarchy, and every statement in and out (and where
    it is context) with context and provenance, then what the imported resources state about it,
    labelled with their source. csv/tsv print the statements and facts only.

    \b
      exokg show ALOX15
      exokg show "gastric cancer" --format json
      exokg show miR-522 --sources mirtarbase --graph build
    """
    card = competency.show(entity, graph_source, engine=question_engine(graph_source, endpoint, named_graph, timeout),
                           certainty=certainty, sources=sources)
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False))
        return
    if fmt in ("csv", "tsv"):
        click.echo(render(competency.show_rows(card), competency.STATEMENT_COLUMNS, fmt), nl=False)
        return
    e = card["entity"]
    click.echo(printable(f"{e['label']} ({e['type']})"))
    fields = [("key", e["key"]), ("IRI", e["iri"]), ("CURIE", e["curie"] or "not mapped"),
              ("synonyms", "; ".join(e["synonyms"])), ("xrefs", "; ".join(e["xrefs"])),
              ("broader", "; ".join(e["broader"])), ("narrower", "; ".join(e["narrower"])), ("note", e["note"])]
    for name, value in fields:
        if value:
            click.echo(printable(f"  {name:<9} {value}"))
    if "review" in card["sources"]:
        click.echo(f"Statements from the review ({len(card['statements'])}):")
        if card["statements"]:
            columns = [c for c in competency.STATEMENT_COLUMNS if c not in competency.SOURCE_COLUMNS]
            click.echo(render(card["statements"], columns, "table"), nl=False)
    imported = [s for s in card["sources"] if s != "review"]
    if imported and certainty:
        click.echo(f"{IMPORTED_HEADING}: none listed, --certainty keeps the review's statements only")
    elif imported:
        _echo_imported(competency.show_rows(card)[len(card["statements"]):], IMPORTED_COLUMNS)
        counts = {s: sum(1 for f in card["imported"] if f["source"] == s) for s in imported}
        click.echo("(" + ", ".join(f"{s}: {n}" for s, n in counts.items()) + ")")


@click.command("resistance")
@click.option("--agent", default=None, help="Subject (miRNA, protein, cell, exosomes ...) or the donor cell of its exosomes.")
@click.option("--drug", default=None, help="The drug resisted (narrower drugs included).")
@click.option("--cancer", default=None, help="The cancer (its subtypes included: lung cancer includes NSCLC).")
@click.option("--effect", type=click.Choice(["confers", "reverses"]), default=None)
@CERTAINTY_OPTION
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def resistance_command(agent, drug, cancer, effect, certainty, fmt, graph_source, endpoint, named_graph, timeout):
    """Resistance associations, with mechanism, donor cell and evidence.

    \b
      exokg resistance --drug cisplatin --cancer "gastric cancer"
      exokg resistance --agent CAF --effect confers
    """
    rows = competency.resistance(agent, drug, cancer, effect, graph_source,
                                 engine=question_engine(graph_source, endpoint, named_graph, timeout), certainty=certainty)
    _echo_rows(rows, competency.RESISTANCE_COLUMNS, fmt, "no resistance statement matches")


@click.command("biomarkers")
@click.option("--cancer", default=None, help="The cancer (subtypes included).")
@click.option("--type", "molecule_type", type=click.Choice(list(competency.BIOMARKER_TYPES)), default=None,
              help="Kind of molecule (ncRNA: any non-coding RNA).")
@click.option("--fluid", default=None, help="Body fluid the exosomes came from (serum, plasma, urine ...).")
@CERTAINTY_OPTION
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def biomarkers_command(cancer, molecule_type, fluid, certainty, fmt, graph_source, endpoint, named_graph, timeout):
    """Exosomal biomarkers with role, fluid, direction and evidence.

    \b
      exokg biomarkers --cancer "colorectal cancer" --type miRNA
      exokg biomarkers --fluid serum
    """
    rows = competency.biomarkers(cancer, molecule_type, fluid, graph_source,
                                 engine=question_engine(graph_source, endpoint, named_graph, timeout), certainty=certainty)
    _echo_rows(rows, competency.BIOMARKER_COLUMNS, fmt, "no biomarker statement matches")


@click.command("therapies")
@click.option("--drug", default=None, help="A drug the therapy delivers, targets or is combined with.")
@click.option("--cancer", default=None, help="The cancer (subtypes included).")
@CERTAINTY_OPTION
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def therapies_command(drug, cancer, certainty, fmt, graph_source, endpoint, named_graph, timeout):
    """Exosome-based therapies: what each delivers, reverses or suppresses, with evidence.

    \b
      exokg therapies --drug doxorubicin
      exokg therapies --cancer "breast cancer" --format json
    """
    rows = competency.therapies(drug, cancer, graph_source,
                                engine=question_engine(graph_source, endpoint, named_graph, timeout), certainty=certainty)
    _echo_rows(rows, competency.THERAPY_COLUMNS, fmt, "no therapy statement matches")


@click.command("neighbors")
@click.argument("entity")
@click.option("--hops", type=click.IntRange(1, competency.MAX_HOPS), default=1, show_default=True)
@click.option("--relation", "relations", multiple=True, metavar="RELATION",
              help="Follow only this relation (repeatable), e.g. targets, sponges, confersResistanceTo.")
@CERTAINTY_OPTION
@SOURCES_OPTION
@FORMAT_OPTION
@GRAPH_OPTION
@endpoint_options
def neighbors_command(entity, hops, relations, certainty, sources, fmt, graph_source, endpoint, named_graph, timeout):
    """Statements around ENTITY, breadth first, in both directions, with context and evidence; then
    the imported sources' facts about each entity reached (listed, not followed), with their source.

    \b
      exokg neighbors circBIRC6
      exokg neighbors miR-522 --hops 2 --relation targets --relation promotes
      exokg neighbors miR-522 --sources review,mirtarbase --graph build
    """
    rows = competency.neighbors(entity, hops, relations, graph_source,
                                engine=question_engine(graph_source, endpoint, named_graph, timeout), certainty=certainty,
                                sources=sources)
    if fmt != "table":
        _echo_rows(rows, competency.NEIGHBOR_COLUMNS, fmt, "no statement links to it")
        return
    review = [r for r in rows if r["source"] == "review"]
    imported = [r for r in rows if r["source"] != "review"]
    columns = [c for c in competency.NEIGHBOR_COLUMNS if c not in competency.SOURCE_COLUMNS]
    if review or not imported:
        _echo_rows(review, columns, fmt, "no statement links to it")
    if imported:
        _echo_imported(imported, ["hop", "source", "from", "direction", "relation", "to", "source_evidence", "statement"])


# ---------------------------------------------------------------- serve / push


@click.command("serve")
@GRAPH_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address exposes the endpoint to your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7879, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Rows (or triples) returned at most; longer answers are cut and flagged.")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Queries run at the same time (each in its own process).")
@click.option("--long-queries", type=click.IntRange(0, 16), default=2, show_default=True,
              help="Queries that ran past 0.25 s allowed to go on at once, at lower priority (0: no such lane, "
                   "every query may hold a worker for the whole timeout).")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve_command(graph_source, host, port, timeout, max_rows, workers, long_queries, quiet):
    """A read-only SPARQL 1.1 Protocol endpoint at http://HOST:PORT/sparql, with a query page at /.

    Updates, SERVICE and other graphs are refused; each query has a timeout and a row limit.
    """
    from ..server import EndpointConfig, serve

    config = EndpointConfig(timeout=timeout, max_rows=max_rows, workers=workers, long_queries=long_queries,
                            log=not quiet)
    serve(graph_source, host=host, port=port, config=config,
          announce=lambda message: click.echo(message, err=True))


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="A SPARQL 1.1 Graph Store endpoint (Oxigraph: http://HOST:PORT/store; Virtuoso: "
                   "http://HOST:PORT/sparql-graph-crud-auth).")
@click.option("--named-graph", default=None, metavar="IRI", help=NAMED_GRAPH_HELP + "  [default: the ExoKG dataset IRI]")
@GRAPH_OPTION
@click.option("--user", default=None, help="User for the endpoint's Basic or Digest authentication "
                                           "[default: $EXOKG_ENDPOINT_USER].")
@click.option("--password", default=None, help="Its password [default: $EXOKG_ENDPOINT_PASSWORD, which keeps it out "
                                               "of the shell history and the process list].")
@click.option("--chunk-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Triples per request: the first request replaces the graph, the others add to it.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              help="Seconds to wait for each request.")
def push_command(endpoint, named_graph, graph_source, user, password, chunk_size, timeout):
    """Load the graph (with the ontology) into a triple store, replacing its named graph.

    The graph is streamed in chunks, so its size is not bounded by memory.

    \b
      exokg push --endpoint http://127.0.0.1:7878/store
      exokg query resistance --endpoint http://127.0.0.1:7878/query
      EXOKG_ENDPOINT_USER=dba EXOKG_ENDPOINT_PASSWORD=... exokg push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth
    """
    from ..remote import push

    graph_iri = named_graph if named_graph is not None else _dataset_iri()
    count = push(endpoint, graph_source, named_graph=None if graph_iri == "default" else graph_iri, timeout=timeout,
                 user=user, password=password, chunk_triples=chunk_size)
    where = "the default graph" if graph_iri == "default" else f"<{graph_iri}>"
    click.echo(f"pushed {count:,} triples to {where} at {endpoint}")


COMMANDS = [query_command, find_command, show_command, resistance_command, biomarkers_command, therapies_command,
            neighbors_command, serve_command, push_command]
