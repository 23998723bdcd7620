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
from ..query import ParameterError
from ..vocab import EXO
from .dataset import imported_sources
from .sources import SOURCES
from .support import LEVEL_LABELS, _evidence

REVIEW = "review"
ALL = "all"
SOURCE_CHOICES = (REVIEW, *SOURCES, ALL)
REVIEW_LEVEL = LEVEL_LABELS["fromReview"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT, RDF_TYPE = (ox.NamedNode(RDF + n) for n in ("subject", "predicate", "object", "type"))
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
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


def _names(store: ox.Store, graph: ox.NamedNode, iris: set[str]) -> dict[str, tuple[str, str]]:
    """IRI -> (label, class) as an imported graph names the entities it made."""
    found: dict[str, tuple[str, str]] = {}
    for iri in sorted(iris):
        node = ox.NamedNode(iri)
        label = next(store.quads_for_pattern(node, RDFS_LABEL, None, graph), None)
        if label is None:
            continue
        kinds = [cast(ox.NamedNode, q.object).value for q in store.quads_for_pattern(node, RDF_TYPE, None, graph)]
        kind = next((_local(k) for k in sorted(kinds) if k.startswith(str(EXO._NS))), "")
        found[iri] = (cast(ox.Literal, label.object).value, kind)
    return found


def _assertions(store: ox.Store, graph: ox.NamedNode, entity: ox.NamedNode, role: str):
    """The assertions of ``graph`` whose subject (or object) is ``entity``, as rows {a, s, p, o}.
    Read with quads_for_pattern: a SPARQL ``GRAPH ?g`` pattern with ``VALUES`` was measured to scan the
    whole graph (10 s for one gene against org.Hs.eg.db's 1.6M triples, against 10 ms this way)."""
    for quad in store.quads_for_pattern(None, RDF_SUBJECT if role == "subject" else RDF_OBJECT, entity, graph):
        a = quad.subject
        row: dict[str, object] = {"a": a}
        for name, predicate in (("s", RDF_SUBJECT), ("p", RDF_PREDICATE), ("o", RDF_OBJECT)):
            value = next(store.quads_for_pattern(a, predicate, None, graph), None)
            if value is None:
                break
            row[name] = value.object
        else:
            yield row


def facts_about(store: ox.Store, selection: Selection, iris: list[str], labels: dict[str, tuple[str, str]],
                relations: set[str] | None = None) -> list[dict]:
    """The imported facts whose subject or object is one of ``iris``, one row per assertion and
    entity, ordered by source (as imported), entity, role, relation and record.

    ``labels`` maps the review's entities to (label, class); an entity only a source names gets
    the label that source gave it. ``relations`` (ExoKG relation names) keeps only those."""
    if not iris or not selection.imported:
        return []
    rows = []
    for source in selection.imported:
        graph = ox.NamedNode(source["graph"])
        found = []
        for iri in sorted(set(iris)):
            for role in ("subject", "object"):
                for row in _assertions(store, graph, ox.NamedNode(iri), role):
                    relation = _local(row["p"].value)
                    if relations and relation not in relations:
                        continue
                    found.append((role, iri, _evidence(store, graph, row)))
        others = {iri for _, _, ev in found for iri in (ev.subject, ev.object, *ev.cancers)} - set(labels)
        names = {**_names(store, graph, others), **labels}
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
