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

A store version never changes, so passing the check is remembered beside it (:func:`checked`, keyed
on the code of the check and of the view). A writer marks the version it publishes when passing is
known without the full check: a build's default graph is written by our own writer from validated
rows (:func:`vouch_build`), and a load adds named graphs to a version that passed
(:func:`vouch_load`). Adding triples can only make an offender of a resource that is the subject of
an added triple: every query below (but "no data at all", which adding cannot make true) asks for
an ?x with some triples of its own, and a FILTER NOT EXISTS can only turn false when triples are
added. So the queries asked of the subjects of the added triples (:func:`added_offender`) decide
the new version.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from .errors import GraphContentError
from .store import LOADED_GRAPH_PREFIX, cached_beside, open_store, query_options
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


ADDED = "SELECT ?x WHERE { "  # how each query but the first begins; restricted_queries joins the added subjects there


def restricted_queries() -> list[str]:
    """The queries of :func:`check_queries` that adding triples can make true, each asking only of
    the subjects of the named graphs the query's dataset names (``named_graphs=``, see
    :func:`first_offender`)."""
    out = []
    for query in check_queries()[1:]:  # "no data at all" stays false when triples are added
        assert query.startswith(ADDED), query
        out.append(ADDED + "{ SELECT DISTINCT ?x WHERE { GRAPH ?added { ?x ?p0 ?o0 } } } " + query[len(ADDED):])
    return out


def read_iris() -> frozenset[str]:
    """Every IRI the queries of the check name, written in full or with a prefix (so every
    predicate they read, and more), and rdf:type (``a``)."""
    names = {PREFIXES["rdf"] + "type"}
    for query in check_queries():
        names.update(re.findall(r"<([^<>\s]+)>", query))
        names.update(PREFIXES[prefix] + local for prefix, local in re.findall(r"(?<![\w/])([a-z]+):(\w+)", query)
                     if prefix in PREFIXES)
    return frozenset(names)


def added_offender(store: ox.Store, added: list[str]) -> str | None:
    """:func:`first_offender` for a store that passed the check before the named graphs ``added``
    (merged into its default graph) were added to it: asked of the resources the added triples
    can make offend, in a small in-memory store.

    Those are the subjects of added triples whose predicate the check reads (a resource whose
    added triples the check never reads answers every query as before). The small store holds
    what the queries read of them, from the default graph and every merged graph: their triples
    with a predicate the check reads, and those of the nodes these point to (the queries look one
    step further: is the subject an entity, the section described, the reference numbered).
    The queries run there, each restricted to those resources (:func:`restricted_queries`), so
    the nodes copied only in part are never asked about."""
    if not added:
        return None
    read = read_iris()
    merged = {ox.DefaultGraph(), *(ox.NamedNode(g) for g in merged_graphs(store))}
    # (the IRIs are the check's own, serialised by pyoxigraph; SPARQL finds the subjects without
    # making a Python object of every added triple)
    found = store.query(f"SELECT DISTINCT ?x WHERE {{ GRAPH ?added {{ ?x ?p ?o }} "
                        f"VALUES ?p {{ {' '.join(str(ox.NamedNode(p)) for p in sorted(read))} }} }}",
                        named_graphs=[ox.NamedNode(g) for g in added])
    subjects = {row["x"] for row in cast(ox.QuerySolutions, found)}
    marker = ox.NamedNode(EXO + "graphcheck-added")  # a graph of the small store only: the resources to ask about
    quads = [ox.Quad(x, marker, x, marker) for x in subjects]

    def copy(node) -> set:
        pointed = set()
        for q in store.quads_for_pattern(node, None, None, None):
            if q.graph_name in merged and q.predicate.value in read:
                quads.append(ox.Quad(q.subject, q.predicate, q.object))
                if isinstance(q.object, (ox.NamedNode, ox.BlankNode)):
                    pointed.add(q.object)
        return pointed

    further = set().union(*(copy(x) for x in subjects)) - subjects
    for node in further:
        copy(node)
    small = ox.Store()
    small.bulk_extend(quads)
    return first_offender(small, [marker.value])


def first_offender(store: ox.Store, within: list[str] | None = None) -> str | None:
    """The first query of :func:`check_queries` that finds an offender in ``store``, or None; with
    ``within`` (named graphs of the store merged into its default graph), only among the subjects
    of those graphs (:func:`restricted_queries`)."""
    options = query_options(store)
    prefixes = {**PREFIXES, "xsd": XSD}
    if within is not None:
        if not within:
            return None
        options["named_graphs"] = [ox.NamedNode(g) for g in within]
    for query in check_queries() if within is None else restricted_queries():
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


# ---------------------------------------------------------------- remembered per store version


class _NotChecked(Exception):
    pass


def _key() -> tuple[str, str]:
    """The code a remembered check depends on: the view's (what it refuses) and this module's."""
    from .entities import view_code

    return view_code(), __file__


def checked(location: Path | str, check) -> bool:
    """``check()`` (which raises for a bad graph) unless the store version at ``location`` has
    passed it already; its passing is remembered beside the version."""
    return cached_beside(location, "checked", _key(), check, plain=True)


def is_checked(location: Path | str) -> bool:
    """Whether the store version at ``location`` is remembered to have passed the check."""
    def missing() -> bool:
        raise _NotChecked

    try:
        return checked(location, missing)
    except _NotChecked:
        return False


def mark_checked(location: Path | str) -> None:
    """Remember that the store version at ``location`` passes the check (known without asking)."""
    checked(location, lambda: True)


def merged_graphs(store: ox.Store) -> list[str]:
    """The named graphs of ``store`` that queries (and so the check) read as part of its default
    graph: those of ``exokg load``."""
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value.startswith(LOADED_GRAPH_PREFIX))


def vouch_build(store: ox.Store, _previous: Path | None, target: Path) -> None:
    """Before a build publishes ``target``: its default graph is the curated one, written by the
    build from rows the curation reader checked, so it passes; the loaded graphs it carried over
    are additions to it, asked about their own subjects only. Marks ``target`` when it passes (else
    the first command runs the full check and reports the offence)."""
    if added_offender(store, merged_graphs(store)) is None:
        mark_checked(target)


def vouch_load(added: list[str]):
    """The ``before_publish`` of a load that adds the named graphs ``added``: when the previous
    version passed, the new one passes unless the subjects of ``added`` offend; else (nothing
    remembered) the full check decides. Marks the new version when it passes."""
    def vouch(store: ox.Store, previous: Path | None, target: Path) -> None:
        if previous is not None and is_checked(previous):
            offender = added_offender(store, [g for g in added if g.startswith(LOADED_GRAPH_PREFIX)])
        else:
            offender = first_offender(store)
        if offender is None:
            mark_checked(target)

    return vouch
