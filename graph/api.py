"""The front door: one handle on one built graph, with every question the command line answers.

``open_graph()`` opens the packaged graph (built once into the cache, as the commands do);
``open_graph("build/")`` a build folder and ``open_graph("my.ttl")`` an N-Triples or Turtle file.
Each method returns plain data: rows as lists of dicts (the rows ``exokg ... --format json``
prints), an entity card as a dict, paths as lists of path dicts, and dataclasses for query
answers (:class:`graph.query.QueryResult`), pages (:class:`graph.viz.View`) and exports
(:class:`graph.export.ExportResult`). Names are resolved as everywhere else: key, label, synonym,
abbreviation, CURIE or IRI.

>>> kg = open_graph()
>>> rows = kg.resistance(drug="cisplatin")
>>> {"miR-135b", "miR-4516"} <= {row["agent"] for row in rows}
True
>>> chains = kg.explain("miR-522", "cisplatin", cancer="GC")
>>> ["miR-522", "ALOX15", "ferroptosis", "chemotherapy"] in [[kg.entity(n).key for n in c["nodes"]] for c in chains]
True
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from . import competency
from .paths import DEFAULT_LIMIT

if TYPE_CHECKING:
    from .entities import EntityRecord
    from .export import ExportResult
    from .paths import PathList
    from .query import QueryResult
    from .viz import View

__all__ = ["ExoKG", "open_graph"]

Names = str | Iterable[str] | None


def open_graph(source: Path | str | None = None) -> ExoKG:
    """A handle on the graph at ``source``: a build folder, an .nt or .ttl file, or (``None``)
    the packaged graph. The graph is opened at once, so a wrong path fails here.

    >>> open_graph("no/such/folder")
    Traceback (most recent call last):
    ...
    graph.errors.GraphNotFoundError: no/such/folder... Fix: ...
    """
    return ExoKG(source)


def _names(value: Names) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _sources(value: Names) -> str | None:
    """A ``sources`` argument as a ``--sources`` value (None: the default, ``all``)."""
    return None if value is None else ",".join(_names(value))


class ExoKG:
    """One built graph and the questions it answers (see :func:`open_graph`)."""

    def __init__(self, source: Path | str | None = None):
        from .store import open_store

        self.source: Path | None = None if source is None else Path(source)
        open_store(self.source)  # fails now, with a fix, when the graph is missing or not RDF

    def __repr__(self) -> str:
        return f"open_graph({str(self.source)!r})" if self.source is not None else "open_graph()"

    # ------------------------------------------------------------ SPARQL

    def query(self, query: str, params: Mapping[str, str | Iterable[str]] | None = None, *,
              limit: int | None = None, allow_service: bool = False) -> QueryResult:
        """Run SPARQL, as ``exokg query`` does: a named query (``exokg query --list``) or the text
        of one, with parameters bound as RDF terms (entity names, numbers, ``<IRI>``,
        ``"literal"``). The answer's ``values()`` are rows of plain values; ``boolean`` answers an
        ASK, ``triples`` a CONSTRUCT.

        >>> kg = open_graph()
        >>> rows = kg.query("resistance", {"drug": "cisplatin"}).values()
        >>> "miR-135b" in {row["agent_label"] for row in rows}
        True
        >>> kg.query("ASK { ?d a exo:Drug ; rdfs:label ?name }", {"name": '"cisplatin"'}).boolean
        True
        """
        from .query import parse_term, read_query_text, run_query

        text, named = read_query_text(query, None)
        given = {name: _names(values) for name, values in (params or {}).items()}
        if named is not None:
            bindings = named.bindings(given, self.source)
        else:
            bindings = {name: [parse_term(v, self.source) for v in values] for name, values in given.items()}
        return run_query(text, self.source, bindings=bindings, limit=limit, allow_service=allow_service)

    # ------------------------------------------------------------ the everyday questions

    def entity(self, name: str, types: Names = None) -> EntityRecord:
        """The one entity a name stands for (``types`` narrows the search to those classes).

        >>> open_graph().entity("CIS").label
        'cisplatin'
        """
        from .entities import entity_index

        wanted = tuple(_names(types)) or None
        return entity_index(self.source).resolve(name, wanted)

    def find(self, text: str, types: Names = None, limit: int | None = None) -> list[dict]:
        """Entities whose name contains ``text``, exact matches first (``exokg find``).

        >>> [row["key"] for row in open_graph().find("ALOX15")][:1]
        ['ALOX15']
        """
        return competency.find(text, self.source, types=tuple(_names(types)) or None, limit=limit)

    def show(self, name: str, sources: Names = None) -> dict:
        """The entity card (``exokg show``): ``{"entity": {...}, "sources": [...], "statements": [...],
        "imported": [...]}``. ``sources`` picks what is listed, as ``--sources`` does: ``"review"``,
        the names of sources imported into the build (``exokg import``), ``"all"`` (the default),
        as a list or comma-separated; ``imported`` holds the sources' facts, each with its source.

        >>> card = open_graph().show("ALOX15")
        >>> card["entity"]["curie"], any(s["subject"] == "miR-522" for s in card["statements"])
        ('hgnc:433', True)
        >>> open_graph().show("ALOX15", sources=["review"])["sources"]
        ['review']
        >>> open_graph().show("ALOX15", sources="review,mirtarbase")  # the packaged graph imports nothing
        Traceback (most recent call last):
        ...
        graph.errors.IngestError: --sources: mirtarbase not imported in ...
        """
        return competency.show(name, self.source, sources=_sources(sources))

    def resistance(self, agent: str | None = None, drug: str | None = None, cancer: str | None = None,
                   effect: str | None = None) -> list[dict]:
        """Who confers (``effect="confers"``) or reverses (``"reverses"``) resistance to which drug,
        where and how, with evidence (``exokg resistance``).

        >>> rows = open_graph().resistance(drug="CIS", cancer="GC")
        >>> [(row["agent"], row["effect"], row["section"], row["table_row"]) for row in rows]
        [('unnamed exosomal RNA (Table 1 row 04)', 'confers', 'T1', 4)]
        """
        return competency.resistance(agent, drug, cancer, effect, self.source)

    def biomarkers(self, cancer: str | None = None, type: str | None = None, fluid: str | None = None) -> list[dict]:
        """Exosomal biomarkers by cancer, molecule type (miRNA, circRNA, lncRNA, ncRNA, protein)
        and body fluid (``exokg biomarkers``).

        >>> rows = open_graph().biomarkers(cancer="colorectal cancer", type="lncRNA")
        >>> {"PVT1", "UCA1"} <= {row["biomarker"] for row in rows}, {row["type"] for row in rows}
        (True, {'LongNonCodingRNA'})
        """
        return competency.biomarkers(cancer, type, fluid, self.source)

    def therapies(self, drug: str | None = None, cancer: str | None = None) -> list[dict]:
        """Exosome-based therapies and what each delivers, reverses or suppresses (``exokg therapies``).

        >>> rows = open_graph().therapies(drug="sorafenib")
        >>> len(rows) > 0 and all("sorafenib" in row["drug"] or row["target"] == "sorafenib" for row in rows)
        True
        """
        return competency.therapies(drug, cancer, self.source)

    def neighbors(self, name: str, hops: int = 1, relations: Names = None, sources: Names = None) -> list[dict]:
        """Statements within ``hops`` steps of an entity, breadth first (``exokg neighbors``), then the
        imported sources' facts about the entities reached; every row has its ``source``, and
        ``sources`` picks them as in :meth:`show`.

        >>> rows = open_graph().neighbors("miR-522", relations=["targets"], sources="review")
        >>> [(row["relation"], row["to"], row["source"]) for row in rows if row["to"] == "ALOX15"]
        [('targets', 'ALOX15', 'review')]
        """
        return competency.neighbors(name, hops, _names(relations), self.source, sources=_sources(sources))

    # ------------------------------------------------------------ mechanisms

    def paths(self, source: str, target: str, *, k: int | None = 1, max_hops: int | None = None,
              relations: Names = None, include_types: Names = None, exclude_types: Names = None,
              cancer: str | None = None, drug: str | None = None, signed: str | None = None,
              undirected: bool = False, allow_hubs: bool = False, max_degree: int | None = None,
              limit: int = DEFAULT_LIMIT) -> PathList:
        """The ``k`` shortest simple paths from ``source`` to ``target`` (``k=None``: every path up
        to ``max_hops``, default 6, or 4 with ``k=None``), as ``exokg path`` finds them. Each path
        is a dict of :mod:`graph.paths` (``nodes`` are entity IRIs, ``hops`` carry relation, sign
        and statement ids); an empty list means no path.

        >>> kg = open_graph()
        >>> found = kg.paths("miR-522", "ferroptosis", k=3)
        >>> ["miR-522", "ALOX15", "ferroptosis"] in [[kg.entity(n).key for n in p["nodes"]] for p in found]
        True
        >>> found[0]["length"], found[0]["sign"]
        (1, -1)
        """
        from .hierarchy import context_values, load_broader
        from .ontology import load_ontology
        from .paths import find_paths
        from .projection import projection

        ontology = load_ontology()
        G = projection(self.source)
        context = {}
        if cancer or drug:
            from .explain import GENERIC_CANCER_KEYS, UMBRELLA_DRUG_KEYS

            broader = load_broader(self.source)
            for column, name, types, generic_keys in (("cancer", cancer, "CancerType", GENERIC_CANCER_KEYS),
                                                      ("drug", drug, "Drug", UMBRELLA_DRUG_KEYS)):
                if name:
                    generic = {n for n in G if G.nodes[n].get("key") in generic_keys}
                    context[column] = context_values(broader, self.entity(name, types).iri, generic)
        found = find_paths(
            G, self.entity(source).iri, self.entity(target).iri, k=k,
            max_hops=max_hops or (6 if k is not None else 4),
            relations=frozenset(ontology.relation_named(r) for r in _names(relations)) or None,
            include_types=frozenset(ontology.class_named(t, entity_only=True) for t in _names(include_types)) or None,
            exclude_types=frozenset(ontology.class_named(t, entity_only=True) for t in _names(exclude_types)) or None,
            context=context, signed=signed, undirected=undirected, hubs=() if allow_hubs else None,
            max_degree=max_degree, limit=limit)
        return found

    def explain(self, agent: str, drug: str, *, cancer: str | None = None, k: int | None = 10, max_hops: int = 5,
                effect: str | None = None, umbrella: bool = True, allow_hubs: bool = False,
                limit: int = DEFAULT_LIMIT) -> list[dict]:
        """Ranked mechanism chains from ``agent`` to resistance (``effect="resistance"``) or
        sensitivity (``"sensitivity"``) to ``drug``, as ``exokg explain`` ranks them; each chain is
        a path dict plus ``rank``, ``effect``, ``target_match``, ``support`` and ``corroborating``.

        >>> best = open_graph().explain("lnc-TALC", "temozolomide", cancer="GBM", k=1)[0]
        >>> best["rank"], best["effect"], best["target_match"], best["length"]
        (1, 'resistance', 'drug', 1)
        """
        from .explain import explain
        from .hierarchy import load_broader
        from .projection import projection

        G = projection(self.source)
        return explain(G, self.entity(agent).iri, self.entity(drug, "Drug").iri,
                       cancer=self.entity(cancer, "CancerType").iri if cancer else None,
                       broader=load_broader(self.source), k=k, max_hops=max_hops, effect=effect,
                       umbrella=umbrella, hubs=() if allow_hubs else None, limit=limit)

    # ------------------------------------------------------------ pictures and files

    def view(self, *, focus: str | None = None, hops: int = 1, cancers: Names = None, drugs: Names = None,
             relations: Names = None, types: Names = None, paths: Iterable[dict] | None = None,
             construct: str | None = None, title: str | None = None, out: Path | str | None = None) -> View:
        """What ``exokg viz`` draws, as a :class:`graph.viz.View` (nodes and edges as dicts; a
        notebook shows it inline): the whole graph, a filtered part of it, the union of
        ``paths`` (from :meth:`paths` or :meth:`explain`), or a CONSTRUCT query's triples. With
        ``out``, the offline HTML page is also written there.

        >>> view = open_graph().view(focus="miR-522", hops=1)
        >>> "ALOX15" in {node["key"] for node in view.nodes}, view.counts[1] == len(view.edges)
        (True, True)
        """
        from .projection import projection
        from .viz import VizError, construct_view, graph_view, paths_view, run_construct, select, write_html

        filters = focus or cancers or drugs or relations or types
        if construct is not None and (filters or paths is not None):
            raise VizError("construct= draws the query result as it is and does not combine with other filters. "
                           "Fix: filter in the query's WHERE clause")
        if construct is not None:
            view = construct_view(run_construct(construct, self.source), title=title or "ExoKG CONSTRUCT result",
                                  source=self.source)
        elif paths is not None:
            view = paths_view(projection(self.source), list(paths), title=title or "ExoKG paths")
        else:
            G = projection(self.source)
            nodes, edges, description = select(G, focus=focus, hops=hops, cancers=_names(cancers),
                                               drugs=_names(drugs), relations=_names(relations),
                                               types=_names(types), source=self.source)
            whole = description == "whole graph"
            view = graph_view(G, None if whole else nodes, None if whole else edges,
                              title=title or "ExoKG: " + description, description=description,
                              highlight_nodes=[self.entity(focus).iri] if focus else [])
        if out is not None:
            write_html(view, out)
        return view

    def export(self, format: str, out: Path | str | None = None) -> ExportResult:
        """Write the graph in another format (``exokg export``: turtle, ntriples, jsonld, rdfxml,
        trig, nquads, graphml, cytoscape, csv, kgx, neo4j) with its dataset description beside it.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result = open_graph().export("graphml", Path(folder) / "exokg.graphml")
        >>> sorted(result.files)
        ['exokg.graphml', 'exokg.graphml.dataset.ttl']
        """
        from .export import export

        return export(format, out, self.source)
