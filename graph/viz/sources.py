"""Where each drawn statement comes from, and the imported resources a page can show.

The projection (:mod:`graph.projection`) holds the review's statements and those of every file
added with ``exokg load`` (merged, as every question reads them); the resources brought in with
``exokg import`` stay in their own named graphs. :func:`with_sources` gives a page both: the
projection with the statements of the chosen imported resources added (their entities that the
review does not name included, typed and labelled as the resource names them), and the source
of every statement: ``review``, ``loaded <file>`` or the resource's name, with the resource's
evidence (knowledge level, support type, experiments, PubMed ids, its own record).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import cast

import networkx as nx
import pyoxigraph as ox

from ..errors import VizError
from ..vocab import PREFIXES

REVIEW = "review"
_ASSERTIONS_BY_GRAPH = "SELECT ?a ?g WHERE { GRAPH ?g { ?a a exo:Assertion } }"
_IMPORTED = """SELECT ?a ?s ?p ?o ?level ?support ?record ?experiment ?ref ?cancer WHERE {
  GRAPH ?g { ?a a exo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
    OPTIONAL { ?a exo:knowledgeLevel ?level } OPTIONAL { ?a exo:supportType ?support }
    OPTIONAL { ?a exo:sourceRecord ?record } OPTIONAL { ?a exo:experimentType ?experiment }
    OPTIONAL { ?a exo:citesReference ?ref } OPTIONAL { ?a exo:cancerType ?cancer } } }"""
_IMPORTED_ENTITIES = "SELECT ?e ?label ?type WHERE { GRAPH ?g { ?e rdfs:label ?label ; a ?type } }"


def source_names(store: ox.Store) -> dict[str, str]:
    """The named graphs whose statements a page can show: graph IRI -> source name (``loaded
    <file stem>`` for ``exokg load``, the resource's name for ``exokg import``)."""
    from ..ingest import imported_sources
    from ..store import LOADED_GRAPH_PREFIX

    names = {s["graph"]: s["source"] for s in imported_sources(store)}
    for g in store.named_graphs():
        if isinstance(g, ox.NamedNode) and g.value.startswith(LOADED_GRAPH_PREFIX):
            stem = g.value[len(LOADED_GRAPH_PREFIX):].rsplit("-", 1)[0]
            names[g.value] = f"loaded {stem}"
    return names


def with_sources(G: nx.MultiDiGraph, source: Path | str | None, wanted: list[str] | None = None
                 ) -> tuple[nx.MultiDiGraph, dict[str, str]]:
    """``G`` (the projection of ``source``) with the statements of the sources in ``wanted`` (names
    as listed by :func:`source_names`, and ``review`` for the review and the loaded files; default:
    those alone), and statement id -> source name for every statement kept. An unknown source
    name is a :class:`VizError` listing the known ones."""
    from ..store import open_store

    store = open_store(source)
    names = source_names(store)
    imported = {name: g for g, name in names.items() if not name.startswith("loaded ")}
    wanted = [w.strip() for w in (wanted or [REVIEW]) if w.strip()]
    unknown = [w for w in wanted if w != REVIEW and w not in imported]
    if unknown:
        known = ", ".join([REVIEW, *sorted(imported)])
        raise VizError(f"no source named '{unknown[0]}' in this graph. Fix: --sources with some of {known} "
                       "(bring a resource in with `exokg import`)")
    origin: dict[str, str] = {}
    loaded = {g: n for g, n in names.items() if n.startswith("loaded ")}
    if loaded:
        for row in cast(ox.QuerySolutions, store.query(_ASSERTIONS_BY_GRAPH, prefixes=PREFIXES)):
            if row["g"].value in loaded:
                origin[row["a"].value] = loaded[row["g"].value]
    H = G
    if REVIEW not in wanted:
        H = nx.MultiDiGraph(**G.graph)
        H.add_nodes_from(G.nodes(data=True))
    sources = {str(k): origin.get(d.get("assertion") or "", REVIEW) for _, _, k, d in H.edges(keys=True, data=True)}
    extra = [w for w in wanted if w != REVIEW]
    if extra:
        if H is G:
            H = G.copy()
        for name in extra:
            _add_imported(H, store, ox.NamedNode(imported[name]), name, sources)
        if REVIEW not in wanted:
            H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    return H, sources


def _add_imported(H: nx.MultiDiGraph, store: ox.Store, graph: ox.NamedNode, name: str, sources: dict) -> None:
    from ..ontology import load_ontology
    from ..sparql.text import bind_values

    ontology = load_ontology()
    relations = {r.uri: r for r in ontology.relations.values()}
    exo = PREFIXES["exo"]
    for row in cast(ox.QuerySolutions, store.query(bind_values(_IMPORTED_ENTITIES, {"g": [graph]}), prefixes=PREFIXES)):
        iri, kind = row["e"].value, row["type"].value
        if iri not in H and kind.startswith(exo):
            H.add_node(iri, label=row["label"].value, type=kind[len(exo):], key=None, curie=None, synonyms=[])
    found: dict[str, dict] = {}
    many: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in cast(ox.QuerySolutions, store.query(bind_values(_IMPORTED, {"g": [graph]}), prefixes=PREFIXES)):
        a = row["a"].value
        if a not in found:
            found[a] = {"s": row["s"].value, "p": row["p"].value, "o": row["o"].value}
        for column in ("level", "support", "record", "experiment", "ref", "cancer"):
            if row[column] is not None:
                many[a][column].add(row[column].value)
    for a in sorted(found):
        f, extra = found[a], many[a]
        relation = relations.get(f["p"])
        if relation is None or f["s"] not in H or f["o"] not in H:
            continue  # not a relation of the ontology, or an end the resource does not describe
        key = a.removeprefix("https://w3id.org/exokg/assertion/")
        evidence = [["source", name],
                    ["knowledge level", ", ".join(sorted(v.removeprefix(exo) for v in extra["level"]))],
                    ["support type", ", ".join(sorted(extra["support"]))],
                    ["experiments", ", ".join(sorted(extra["experiment"]))],
                    ["PubMed", ", ".join(sorted(re.sub(r"^.*?(\d+)$", r"\1", v) for v in extra["ref"]))],
                    ["record", ", ".join(sorted(extra["record"]))]]
        H.add_edge(f["s"], f["o"], key=key, relation=relation.name, relation_label=relation.label, sign=relation.sign,
                   symmetric=relation.symmetric, assertion=a, section=None, section_title=None, table_row=None,
                   references=[], inferred_references=[], summary=None,
                   context={"cancer": sorted(extra["cancer"])} if extra["cancer"] else {},
                   evidence=[pair for pair in evidence if pair[1]])
        sources[key] = name
