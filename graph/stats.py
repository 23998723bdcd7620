"""Counts over the built graph: entities per type (and how many are mapped), statements per
relation, statements per section. All three are SPARQL aggregations run inside the store."""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from .model import section_key
from .terms import term_value
from .vocab import PREFIXES

TYPE_COUNTS = """
SELECT ?type (COUNT(?e) AS ?entities) (SUM(IF(?mapped, 1, 0)) AS ?mapped) WHERE {
  ?e exo:curationKey ?key ; a ?cls ; exo:isMapped ?mapped .
  BIND(STRAFTER(STR(?cls), STR(exo:)) AS ?type)
} GROUP BY ?type ORDER BY DESC(?entities) ?type
"""
RELATION_COUNTS = """
SELECT ?relation (COUNT(?a) AS ?statements) WHERE {
  ?a a exo:Assertion ; rdf:predicate ?p .
  BIND(STRAFTER(STR(?p), STR(exo:)) AS ?relation)
} GROUP BY ?relation ORDER BY DESC(?statements) ?relation
"""
SECTION_COUNTS = """
SELECT ?section ?title (COUNT(?a) AS ?statements) WHERE {
  ?a a exo:Assertion ; exo:section ?s .
  ?s exo:sectionNumber ?section ; rdfs:label ?title .
} GROUP BY ?section ?title ORDER BY ?section
"""


@dataclass
class Stats:
    entity_types: list[dict]
    relations: list[dict]
    sections: list[dict]

    @property
    def total_entities(self) -> int:
        return sum(r["entities"] for r in self.entity_types)

    @property
    def total_statements(self) -> int:
        return sum(r["statements"] for r in self.relations)


def _rows(store: ox.Store, query: str) -> list[dict]:
    from .store import query_options

    solutions = cast(ox.QuerySolutions, store.query(query, prefixes=PREFIXES, **query_options(store)))  # SELECT
    names = [v.value for v in solutions.variables]
    return [{name: term_value(solution[name]) for name in names} for solution in solutions]


def compute_stats(store: ox.Store) -> Stats:
    sections = sorted(_rows(store, SECTION_COUNTS), key=lambda r: section_key(r["section"]))
    return Stats(entity_types=_rows(store, TYPE_COUNTS), relations=_rows(store, RELATION_COUNTS), sections=sections)
