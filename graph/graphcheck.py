"""The check every command runs on a graph given with --graph, as a few bounded SPARQL queries.

:func:`graph.view.read_view` refuses a foreign or partial graph while it builds the whole typed view;
on a large store that is minutes. This module asks the store only what the view would refuse, one
query per kind of offence, each stopping at its first offender (``ASK`` / ``LIMIT 1``): an entity
without exactly one ExoKG type or one value of a required column, an ill-typed column value, an
assertion without exactly one subject, relation, object, section or summary, an unknown relation or
section, an ill-typed ``exo:tableRow``, a reference without a number, a subject or object that is not
an entity, or no ExoKG data at all. A clean graph (the common case) costs those queries only.

When a query finds an offender, the message is the view's own: :func:`graph.view.read_view` is run
on that graph, so the error names the graph, the resource, what is wrong and the fix exactly as
every other reader of the view says it (a bad graph pays the full read once, a clean one never).
"""
from __future__ import annotations

from pathlib import Path
from typing import cast

import pyoxigraph as ox

from .errors import GraphContentError
from .store import open_store, query_options
from .vocab import PREFIXES

EXO = PREFIXES["exo"]
XSD = "http://www.w3.org/2001/XMLSchema#"

# Lexical forms the view accepts (graph.view._Reader.convert), as SPARQL filters on ?v.
_LEXICAL = {
    XSD + "boolean": 'STR(?v) IN ("true", "false", "1", "0")',
    XSD + "integer": 'REGEX(STR(?v), "^\\\\s*[+-]*[0-9]+\\\\s*$")',
}


def _column_queries(subject: str, columns) -> list[str]:
    """Queries for the offences of the view's generic columns of one kind of resource."""
    out = []
    for f in columns:
        predicate, kind, datatype = f.metadata["predicate"], f.metadata["kind"], f.metadata["datatype"]
        if kind == "one":
            out.append(f"SELECT ?x WHERE {{ {subject} FILTER NOT EXISTS {{ ?x <{predicate}> ?any }} }} LIMIT 1")
            out.append(f"SELECT ?x WHERE {{ {subject} ?x <{predicate}> ?v1, ?v2 FILTER(!sameTerm(?v1, ?v2)) }} LIMIT 1")
        if datatype:
            lexical = _LEXICAL.get(datatype, "true")
            out.append(f"SELECT ?x WHERE {{ {subject} ?x <{predicate}> ?v "
                       f"FILTER(!isLiteral(?v) || DATATYPE(?v) != <{datatype}> || !({lexical})) }} LIMIT 1")
    return out


def check_queries() -> list[str]:
    """Every bounded query of the check; each returns a row (or true) only for an offending graph."""
    from .ontology import load_ontology
    from .view import Edge, Node, _columns

    relations = " ".join(f"<{r.uri}>" for r in load_ontology().relations.values())
    entity = "?x exo:curationKey ?key ."
    assertion = "?x a exo:Assertion ."
    own_type = f'?x a ?t FILTER(STRSTARTS(STR(?t), "{EXO}"))'
    queries = [
        # the view refuses a graph with neither entities nor assertions
        "SELECT ?x WHERE { FILTER NOT EXISTS { ?a exo:curationKey ?k } FILTER NOT EXISTS { ?b a exo:Assertion } } LIMIT 1",
        # an entity has exactly one ExoKG type
        f"SELECT ?x WHERE {{ {entity} FILTER NOT EXISTS {{ {own_type} }} }} LIMIT 1",
        f'SELECT ?x WHERE {{ {entity} ?x a ?t1, ?t2 FILTER(!sameTerm(?t1, ?t2) && STRSTARTS(STR(?t1), "{EXO}") '
        f'&& STRSTARTS(STR(?t2), "{EXO}")) }} LIMIT 1',
        *_column_queries(entity, _columns(Node)),
        # an assertion has one rdf:predicate, a relation of the ontology
        f"SELECT ?x WHERE {{ {assertion} FILTER NOT EXISTS {{ ?x rdf:predicate ?p }} }} LIMIT 1",
        f"SELECT ?x WHERE {{ {assertion} ?x rdf:predicate ?p1, ?p2 FILTER(!sameTerm(?p1, ?p2)) }} LIMIT 1",
        f"SELECT ?x WHERE {{ {assertion} ?x rdf:predicate ?p FILTER(?p NOT IN ({', '.join(relations.split())})) }} LIMIT 1",
        # one section, described in the graph
        f"SELECT ?x WHERE {{ {assertion} FILTER NOT EXISTS {{ ?x exo:section ?s }} }} LIMIT 1",
        f"SELECT ?x WHERE {{ {assertion} ?x exo:section ?s1, ?s2 FILTER(!sameTerm(?s1, ?s2)) }} LIMIT 1",
        f"SELECT ?x WHERE {{ {assertion} ?x exo:section ?s "
        "FILTER NOT EXISTS { ?s a exo:Section ; exo:sectionNumber ?n } } LIMIT 1",
        # every cited or inferred reference has a number, and every number is an integer
        f"SELECT ?x WHERE {{ {assertion} ?x exo:citesReference|exo:inferredReference ?r "
        "FILTER NOT EXISTS { ?r exo:referenceNumber ?n } } LIMIT 1",
        f"SELECT ?x WHERE {{ ?x exo:referenceNumber ?v FILTER(!isLiteral(?v) || DATATYPE(?v) != xsd:integer "
        f"|| !({_LEXICAL[XSD + 'integer']})) }} LIMIT 1",
        *_column_queries(assertion, _columns(Edge)),
        # subject and object are entities of the graph
        f"SELECT ?x WHERE {{ {assertion} ?x rdf:subject|rdf:object ?e FILTER NOT EXISTS {{ ?e exo:curationKey ?k }} }} LIMIT 1",
    ]
    return queries


def first_offender(store: ox.Store) -> str | None:
    """The first query of :func:`check_queries` that finds an offender in ``store``, or None."""
    options = query_options(store)
    prefixes = {**PREFIXES, "xsd": XSD}
    for query in check_queries():
        rows = cast(ox.QuerySolutions, store.query(query, prefixes=prefixes, **options))
        if next(iter(rows), None) is not None:
            return query
    return None


def check_graph(source: Path | None) -> bool:
    """Raise :class:`GraphContentError` (naming ``source``, the resource and the fix) when the graph
    at ``source`` is not one the view can read; True when it is."""
    return check_store(open_store(source), source)  # a file that is not RDF fails opening, named


def check_store(store: ox.Store, source: Path | None) -> bool:
    """:func:`check_graph` on a store already open (``source`` names it in the message)."""
    if first_offender(store) is None:
        return True
    from .view import read_view

    read_view(store, str(source or "the packaged graph"))  # the view's own message for the offence
    raise GraphContentError(f"{source}: holds a resource the ExoKG view cannot read. "
                            "Fix: rebuild the graph with `exokg build`, or correct the resource")
