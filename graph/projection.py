"""The networkx projection of the RDF graph: entities and relations only.

Nodes are entity IRIs with ``key``, ``label``, ``type``, ``curie``, ``mapped`` and ``synonyms``.
Each assertion becomes one edge of a :class:`networkx.MultiDiGraph`, keyed by its statement id,
with ``relation``, ``relation_label``, ``sign``, ``symmetric``, ``assertion`` (IRI), ``section``,
``section_title``, ``table_row``, ``references`` (numbers printed with the fact),
``inferred_references`` (numbers taken from its passage), ``summary`` and ``context``: a dict
from qualifier column (``cancer``, ``drug``, ``cell_line``, ``donor_cell``, ``recipient_cell``,
``body_fluid``, ``mechanism``, ``biomarker_role``, ``model``, ``direction``) to a sorted list of
entity IRIs or literal values. Publications, sections and assertion nodes are not nodes here:
loading the whole RDF graph into networkx costs 20x more than this projection (shared/notes).

Computed once per store version and kept on disk beside it (:func:`graph.store.cached_beside`),
so a command starts from the pickle; treat the result as read-only (copy it to modify).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import networkx as nx

from .entities import entity_index
from .model import QUALIFIERS
from .ontology import load_ontology
from .store import cached_beside, open_store, query_options, store_stamp
from .terms import term_value
from .vocab import EXO_NS, PREFIXES

_COLUMN_BY_PREDICATE = {q.uri: q.column for q in QUALIFIERS}

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
    return _projection(store_stamp(source))


@lru_cache(maxsize=4)
def _projection(stamp: str) -> nx.MultiDiGraph:
    return cached_beside(stamp, "projection", __file__, lambda: _compute(stamp))


def _compute(stamp: str) -> nx.MultiDiGraph:
    store = open_store(stamp)
    options = query_options(store)
    ontology = load_ontology()
    relations = {r.uri: r for r in ontology.relations.values()}
    G = nx.MultiDiGraph()
    for record in entity_index(stamp).records:
        G.add_node(record.iri, key=record.key, label=record.label, type=record.type, curie=record.curie,
                   mapped=record.mapped, synonyms=list(record.synonyms))
    sections = {s["s"].value: (s["number"].value, s["title"].value) for s in store.query(SECTION_QUERY, prefixes=PREFIXES, **options)}
    references = {s["r"].value: int(s["number"].value) for s in store.query(REFERENCE_QUERY, prefixes=PREFIXES, **options)}

    assertions: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s in store.query(ASSERTION_QUERY, prefixes=PREFIXES, **options):
        assertions[s["a"].value][s["p"].value].append(term_value(s["o"]))

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    for iri in sorted(assertions):
        props = assertions[iri]
        relation = relations[props[rdf + "predicate"][0]]
        section_number, section_title = sections[props[EXO_NS + "section"][0]]
        context = {}
        for predicate, column in _COLUMN_BY_PREDICATE.items():
            if props.get(predicate):
                context[column] = sorted(props[predicate])
        table_rows = props.get(EXO_NS + "tableRow", [])
        G.add_edge(
            props[rdf + "subject"][0], props[rdf + "object"][0], key=iri.rsplit("/", 1)[-1],
            relation=relation.name, relation_label=relation.label, sign=relation.sign, symmetric=relation.symmetric,
            assertion=iri, section=section_number, section_title=section_title,
            table_row=table_rows[0] if table_rows else None,
            references=sorted(references[r] for r in props.get(EXO_NS + "citesReference", [])),
            inferred_references=sorted(references[r] for r in props.get(EXO_NS + "inferredReference", [])),
            summary=props[EXO_NS + "curatorSummary"][0], context=context,
        )
    G.graph["source"] = stamp
    return G
