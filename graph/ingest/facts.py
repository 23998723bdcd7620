"""What the imported resources hold about an entity, for ``exokg show`` and ``exokg neighbors``.

Each fact is one assertion an import wrote (:mod:`graph.ingest.importer`) in its source's named
graph, labelled with that source and its own evidence (support type, experiments, PubMed ids,
evidence code, sample, cancer, the file line it came from); the review's statements keep the
source name ``review``. The two are never mixed: a command lists the review's statements first
and the imported facts apart.

``--sources`` chooses what is listed: a comma-separated list of ``review``, the names of imported
sources (``mirtarbase``, ``ncrnadrug``, ``exocarta``, ``vesiclepedia``, ``gaf``, ``orghs``) or
``all`` (the review and every source imported into the store, the default of ``show`` and
``neighbors``). A name that is no source, or a source not imported into the store, is an error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from ..errors import IngestError
from ..query import ParameterError, bind_values
from ..vocab import EXO, PREFIXES
from .dataset import imported_sources
from .sources import SOURCES
from .support import LEVEL_LABELS, _evidence

REVIEW = "review"
ALL = "all"
SOURCE_CHOICES = (REVIEW, *SOURCES, ALL)
REVIEW_LEVEL = LEVEL_LABELS["fromReview"]

FACT_QUERY = "SELECT ?g ?a ?s ?p ?o WHERE { GRAPH ?g { ?a a exo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"
NAME_QUERY = "SELECT ?g ?e ?label ?type WHERE { GRAPH ?g { ?e rdfs:label ?label . OPTIONAL { ?e a ?type } } }"
# the columns of an imported fact (JSON keys of show's "imported" rows)
FACT_COLUMNS = ["source", "role", "subject", "relation", "object", "negated", "knowledge_level", "support_type",
                "experiments", "pmids", "evidence_code", "sample", "cancer", "record", "note"]


@dataclass(frozen=True)
class Selection:
    """The sources a command lists: whether the review is among them, and the imported graphs."""

    review: bool
    imported: tuple[dict, ...]  # imported_sources() rows, in the order of the store

    @property
    def names(self) -> list[str]:
        return ([REVIEW] if self.review else []) + [s["source"] for s in self.imported]


def parse_sources(text: str | None) -> list[str]:
    """The names in a ``--sources`` value (``None``: ``all``); an unknown name is an error
    listing the choices."""
    names = [n.strip().lower() for n in (ALL if text is None else text).split(",") if n.strip()]
    if not names:
        raise ParameterError(f"--sources is empty. Fix: give one or more of {', '.join(SOURCE_CHOICES)}, "
                             "comma-separated (e.g. --sources review,mirtarbase)")
    unknown = [n for n in names if n not in SOURCE_CHOICES]
    if unknown:
        raise ParameterError(f"--sources: unknown source {', '.join(repr(n) for n in unknown)}. "
                             f"Fix: use one or more of {', '.join(SOURCE_CHOICES)}, comma-separated")
    return names


def select(store: ox.Store | None, text: str | None, where: str = "the graph") -> Selection:
    """The sources ``text`` (a ``--sources`` value) names in ``store``; ``store`` None (a remote
    endpoint, which holds the review only) allows ``review`` and ``all``."""
    names = parse_sources(text)
    present = imported_sources(store) if store is not None else []
    by_name = {s["source"]: s for s in present if s["source"] in SOURCES}
    if ALL in names:
        return Selection(True, tuple(by_name.values()))
    missing = [n for n in names if n != REVIEW and n not in by_name]
    if missing:
        have = ", ".join(by_name) or "none"
        raise IngestError(f"--sources: {', '.join(missing)} not imported in {where} (imported: {have}). "
                          f"Fix: run `exokg import {missing[0]} FILE --graph {where}` first, or leave it out of --sources")
    return Selection(REVIEW in names, tuple(by_name[n] for n in by_name if n in names))


def _local(iri: str) -> str:
    return iri.removeprefix(str(EXO._NS))


def _names(store: ox.Store, graphs: list[ox.NamedNode], iris: set[str]) -> dict[str, tuple[str, str]]:
    """IRI -> (label, class) as the imported graphs name the entities they made."""
    if not iris or not graphs:
        return {}
    text = bind_values(NAME_QUERY, {"g": graphs, "e": [ox.NamedNode(i) for i in sorted(iris)]})
    found: dict[str, tuple[str, str]] = {}
    for row in cast(ox.QuerySolutions, store.query(text, prefixes=PREFIXES)):
        kind = row["type"].value if row["type"] is not None else ""
        found.setdefault(row["e"].value, (row["label"].value, _local(kind) if kind.startswith(str(EXO._NS)) else ""))
    return found


def facts_about(store: ox.Store, selection: Selection, iris: list[str], labels: dict[str, tuple[str, str]],
                relations: set[str] | None = None) -> list[dict]:
    """The imported facts whose subject or object is one of ``iris``, one row per assertion and
    entity, ordered by source (as imported), entity, role, relation and record.

    ``labels`` maps the review's entities to (label, class); an entity only a source names gets
    the label that source gave it. ``relations`` (ExoKG relation names) keeps only those."""
    if not iris or not selection.imported:
        return []
    rows = []
    wanted = [ox.NamedNode(i) for i in sorted(set(iris))]
    for source in selection.imported:
        graph = ox.NamedNode(source["graph"])
        found = []
        for variable, role in (("s", "subject"), ("o", "object")):
            text = bind_values(FACT_QUERY, {"g": [graph], variable: wanted})
            for row in cast(ox.QuerySolutions, store.query(text, prefixes=PREFIXES)):
                relation = _local(row["p"].value)
                if relations and relation not in relations:
                    continue
                found.append((role, row["s" if role == "subject" else "o"].value, _evidence(store, graph, row)))
        others = {iri for _, _, ev in found for iri in (ev.subject, ev.object, *ev.cancers)} - set(labels)
        names = {**_names(store, [graph], others), **labels}
        for role, entity, ev in found:
            rows.append({
                "source": source["source"], "assertion": ev.assertion, "entity": entity, "role": role,
                "subject": names.get(ev.subject, (ev.subject, ""))[0], "subject_iri": ev.subject,
                "relation": ev.relation, "object": names.get(ev.object, (ev.object, ""))[0], "object_iri": ev.object,
                "object_type": names.get(ev.object, ("", ""))[1], "subject_type": names.get(ev.subject, ("", ""))[1],
                "negated": ev.negated, "knowledge_level": LEVEL_LABELS.get(ev.level, ev.level),
                "support_type": ev.support, "experiments": ev.experiments, "pmids": ev.pmids,
                "evidence_code": ev.code, "sample": ev.sample,
                "cancer": sorted(names.get(c, (c, ""))[0] for c in ev.cancers), "record": ev.record, "note": ev.note,
                "_order": (_record_order(ev.record), ev.assertion),
            })
    order = {s["source"]: i for i, s in enumerate(selection.imported)}
    rows.sort(key=lambda r: (order[r["source"]], r["entity"], r["role"], r["relation"], r["_order"]))
    for row in rows:
        del row["_order"]
    return rows


def _record_order(record: str) -> tuple[str, int]:
    """'file.csv:12 MIRT1' sorts by file, then line as a number."""
    head = record.split(" ", 1)[0]
    name, _, line = head.rpartition(":")
    return (name, int(line)) if line.isdigit() else (record, 0)


def evidence_text(row: dict) -> str:
    """One line of a fact's evidence, as the text output shows it."""
    parts = [row["support_type"], row["evidence_code"] and f"evidence {row['evidence_code']}",
             ", ".join(row["experiments"]), row["sample"] and f"sample {row['sample']}",
             row["cancer"] and "cancer " + ", ".join(row["cancer"]),
             row["pmids"] and "PMID " + ", ".join(row["pmids"]), row["knowledge_level"],
             row["note"] and f"note: {row['note']}"]
    return "; ".join(p for p in parts if p)
