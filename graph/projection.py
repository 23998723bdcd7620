"""The networkx projection of the RDF graph: entities and relations only.

Nodes are entity IRIs with ``key``, ``label``, ``type``, ``curie``, ``mapped`` and ``synonyms``.
Each assertion becomes one edge of a :class:`networkx.MultiDiGraph`, keyed by its statement id,
with ``relation``, ``relation_label``, ``sign``, ``symmetric``, ``assertion`` (IRI), ``section``,
``section_title``, ``table_row``, ``references`` (numbers), ``summary`` and ``context``: a dict
from qualifier column (``cancer``, ``drug``, ``cell_line``, ``donor_cell``, ``recipient_cell``,
``body_fluid``, ``mechanism``, ``biomarker_role``, ``model``, ``direction``) to a sorted list of
entity IRIs or literal values. Publications, sections and assertion nodes are not nodes here:
loading the whole RDF graph into networkx costs 20x more than this projection (shared/notes).

Built once per graph file and cached; treat the result as read-only (copy it to modify).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import cast

import networkx as nx
import pyoxigraph as ox

from .entities import entity_index
from .model import QUALIFIERS
from .ontology import load_ontology
from .store import file_stamp, graph_file, open_store
from .terms import term_value
from .vocab import EXO, PREFIXES

_COLUMN_BY_PREDICATE = {str(q.predicate): q.column for q in QUALIFIERS}

ASSERTION_QUERY = """
SELECT ?a ?p ?o WHERE { ?a a exo:Assertion ; ?p ?o . }
"""
SECTION_QUERY = """
SELECT ?s ?number ?title WHERE { ?s a exo:Section ; exo:sectionNumber ?number ; rdfs:label ?title . }
"""
REFERENCE_QUERY = """
SELECT ?r ?number WHERE { ?r exo:referenceNumber ?number . }
"""


def projection(source: Path | str | None = None) -> nx.MultiDiGraph:
    """The entity/relation projection of the graph at ``source`` (default: the packaged build).

    >>> G = projection()
    >>> all("relation" in d and "sign" in d for _, _, d in G.edges(data=True))
    True
    """
    return _projection(file_stamp(graph_file(source)))


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query, prefixes=PREFIXES))


@lru_cache(maxsize=4)
def _projection(stamp: tuple[str, int, int]) -> nx.MultiDiGraph:
    store = open_store(stamp[0])
    ontology = load_ontology()
    relations = {str(r.iri): r for r in ontology.relations.values()}
    G: nx.MultiDiGraph = nx.MultiDiGraph()
    for record in entity_index(stamp[0]).records:
        G.add_node(record.iri, key=record.key, label=record.label, type=record.type, curie=record.curie,
                   mapped=record.mapped, synonyms=list(record.synonyms))
    sections = {s["s"].value: (s["number"].value, s["title"].value) for s in _select(store, SECTION_QUERY)}
    references = {s["r"].value: int(s["number"].value) for s in _select(store, REFERENCE_QUERY)}

    assertions: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s in _select(store, ASSERTION_QUERY):
        assertions[s["a"].value][s["p"].value].append(term_value(s["o"]))

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    for iri in sorted(assertions):
        props = assertions[iri]
        relation = relations[props[rdf + "predicate"][0]]
        section_number, section_title = sections[props[str(EXO.section)][0]]
        context = {}
        for predicate, column in _COLUMN_BY_PREDICATE.items():
            if props.get(predicate):
                context[column] = sorted(props[predicate])
        table_rows = props.get(str(EXO.tableRow), [])
        G.add_edge(
            props[rdf + "subject"][0], props[rdf + "object"][0], key=iri.rsplit("/", 1)[-1],
            relation=relation.name, relation_label=relation.label, sign=relation.sign, symmetric=relation.symmetric,
            assertion=iri, section=section_number, section_title=section_title,
            table_row=table_rows[0] if table_rows else None,
            references=sorted(references[r] for r in props.get(str(EXO.citesReference), [])),
            summary=props[str(EXO.curatorSummary)][0], context=context,
        )
    G.graph["source"] = stamp[0]
    return G
