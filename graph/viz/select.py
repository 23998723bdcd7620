"""Selection: which entities and statements a filtered view keeps (``exokg viz --focus --cancer
--drug --relation --type``). Names are resolved like everywhere else; a cancer or a drug includes
everything below it along ``skos:broader``."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from ..errors import OntologyNameError
from ..ontology import load_ontology
from .views import VizError


def select(G: nx.MultiDiGraph, focus: str | None = None, hops: int = 1, cancers: Iterable[str] = (),
           drugs: Iterable[str] = (), relations: Iterable[str] = (), types: Iterable[str] = (),
           source: Path | str | None = None, certainties: Iterable[str] = ()) -> tuple[list[str], list[tuple], str]:
    """The nodes and edges that the filters keep, and a one-line description of them.

    Names are resolved like everywhere else (key, label, synonym, CURIE). ``cancers`` keeps the
    statements about a cancer or any of its subtypes (``skos:broader``), either as their context
    or as an end; ``drugs`` likewise (a drug class includes its drugs); ``relations`` keeps those
    relations; ``types`` keeps entities of those types (and subtypes: ``NonCodingRNA`` includes
    miRNAs) and the statements among them. ``focus`` keeps what lies within ``hops`` statements
    of that entity (either direction) after the other filters. ``certainties`` keeps statements of
    those certainties (stated, hedged, proposed, predicted). Options combine with AND, values of one
    option with OR.
    """
    from ..entities import entity_index

    source = source if source is not None else G.graph.get("source")
    index = entity_index(source)
    parts = []
    edge_filters = []

    cancers, drugs = list(cancers), list(drugs)
    if cancers:
        wanted = _with_narrower([index.resolve(c, ("CancerType",)).iri for c in cancers], source)
        edge_filters.append(_context_or_end("cancer", wanted))
        parts.append("cancer " + " or ".join(index.resolve(c, ("CancerType",)).label for c in cancers)
                     + " (with subtypes)")
    if drugs:
        drug_types = ("Drug", "ChemicalEntity", "Therapy")
        wanted = _with_narrower([index.resolve(d, drug_types).iri for d in drugs], source)
        edge_filters.append(_context_or_end("drug", wanted))
        parts.append("drug " + " or ".join(index.resolve(d, drug_types).label for d in drugs))
    certainties = sorted(set(certainties))
    if certainties:
        from ..model import CERTAINTIES

        unknown = [c for c in certainties if c not in CERTAINTIES]
        if unknown:
            raise VizError(f"unknown certainty {', '.join(unknown)}. Fix: use {', '.join(CERTAINTIES)}")
        edge_filters.append(lambda u, v, d, wanted=set(certainties):
                            bool(wanted & set((d.get("context") or {}).get("certainty", []))))
        parts.append("certainty " + " or ".join(certainties))
    ontology = load_ontology()
    relations = list(relations)
    if relations:
        names = {_ontology_name(ontology.relation_named, r) for r in relations}
        edge_filters.append(lambda u, v, d, names=names: d.get("relation") in names)
        parts.append("relation " + " or ".join(sorted(names)))
    types = list(types)
    allowed_types = None
    if types:
        type_names = {_ontology_name(ontology.class_named, t, entity_only=True) for t in types}
        allowed_types = {c for c in ontology.entity_classes if any(ontology.is_a(c, t) for t in type_names)}
        parts.append("type " + " or ".join(sorted(type_names)))

    def node_ok(n):
        return allowed_types is None or G.nodes[n].get("type") in allowed_types

    kept_edges = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                  if node_ok(u) and node_ok(v) and all(f(u, v, d) for f in edge_filters)]
    if edge_filters:
        kept_nodes = {u for u, _, _ in kept_edges} | {v for _, v, _ in kept_edges}
    else:
        kept_nodes = {n for n in G if node_ok(n)}

    if focus is not None:
        centre = index.resolve(focus)
        if centre.iri not in G:
            raise VizError(f"{centre.describe()} is not in this graph. Fix: check --graph")
        if hops < 0:
            raise VizError(f"--hops must be 0 or more, not {hops}. Fix: give a number such as 1 or 2")
        adjacency = defaultdict(set)
        for u, v, _ in kept_edges:
            adjacency[u].add(v)
            adjacency[v].add(u)
        reached, frontier = {centre.iri}, {centre.iri}
        for _ in range(hops):
            frontier = {m for n in frontier for m in adjacency[n]} - reached
            reached |= frontier
        kept_nodes = reached
        kept_edges = [(u, v, k) for u, v, k in kept_edges if u in reached and v in reached]
        parts.insert(0, f"{hops} hop(s) around {centre.label}")

    if not kept_nodes:
        raise VizError("nothing to draw: no statement matches " + "; ".join(parts)
                       + ". Fix: loosen the filters (see `exokg stats` for what the graph holds)")
    return sorted(kept_nodes), sorted(kept_edges), "; ".join(parts) or "whole graph"


def _context_or_end(column: str, wanted: set[str]):
    def keep(u, v, d):
        return u in wanted or v in wanted or bool(wanted.intersection((d.get("context") or {}).get(column, ())))
    return keep


def _with_narrower(iris: list[str], source) -> set[str]:
    """The entities and everything below them along skos:broader."""
    from ..hierarchy import load_broader, narrower

    broader = load_broader(source)
    return set().union(*(narrower(broader, iri) for iri in iris))


def _ontology_name(lookup, text: str, **options) -> str:
    """``lookup(text)`` (an :class:`~graph.ontology.Ontology` name method), its error as a VizError."""
    try:
        return lookup(text, **options)
    except OntologyNameError as err:
        raise VizError(str(err)) from None
