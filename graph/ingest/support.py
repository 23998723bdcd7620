"""The support audit: the review's statements against every imported source, and back.

:func:`audit` gives, for every curated statement a source can speak to, that source's verdict:

- ``corroborated``: at least one of the source's rows states the same thing (same subject and
  object after identity mapping; for signed sources an effect of the same sign or no sign; for
  ExoCarta / Vesiclepedia, the molecule is on record as vesicle cargo);
- ``contradicted``: the source has rows for the pair, and all of them say the opposite: a
  negated row (GO ``NOT``, a non-functional MTI) or, for signed sources, the opposite effect
  (ncRNADrug: sensitivity where the review says resistance, for the same ncRNA, drug and cancer);
- ``not_found``: the source has no row for it.

A source speaks to a statement when the statement's classes and relation are those the source
records (:data:`graph.ingest.sources.SOURCES`); genes count only with an HGNC identifier and, for
GO sources, processes only with a GO identifier. :func:`new_facts` goes the other way: facts of
the sources about the review's entities that no curated statement links, ranked by evidence.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from ..entities import EntityIndex
from ..ontology import load_ontology
from ..vocab import ASSERTION, EXO, PREFIXES
from .dataset import imported_sources
from .importer import curated_index
from .sources import SOURCES

VERDICTS = ("corroborated", "contradicted", "not_found")
HGNC = "https://identifiers.org/hgnc:"
GO = "http://purl.obolibrary.org/obo/GO_"
CARGO_SIDE = {"secretes": "object", "delivers": "object", "detectedIn": "subject", "transports": "object"}
LEVEL_LABELS = {"curatedBySource": "curated by the source", "predicted": "predicted", "fromReview": "from this review"}
COLUMNS = ["statement", "subject", "relation", "object", "source", "verdict", "evidence"]
NEW_COLUMNS = ["source", "subject", "relation", "object", "knowledge_level", "rows", "pmids", "evidence"]

CURATED_QUERY = """
SELECT ?a ?s ?p ?o ?sc ?oc WHERE {
  ?a a exo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s a ?sc . ?o a ?oc .
} ORDER BY ?a
"""
CANCER_QUERY = "SELECT ?a ?c WHERE { ?a a exo:Assertion ; exo:cancerType ?c }"
BROADER_QUERY = "SELECT ?c ?b WHERE { ?c skos:broader+ ?b }"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass
class Evidence:
    """One imported row, as the audit shows it."""

    assertion: str
    subject: str
    relation: str
    object: str
    negated: bool = False
    level: str = ""
    support: str = ""
    code: str = ""
    experiments: list[str] = field(default_factory=list)
    pmids: list[str] = field(default_factory=list)
    sample: str = ""
    record: str = ""
    note: str = ""
    cancers: set[str] = field(default_factory=set)

    def text(self) -> str:
        parts = [self.relation + (" (NOT)" if self.negated else "")]
        parts += [p for p in (self.support, self.code and f"evidence {self.code}") if p]
        if self.experiments:
            parts.append(", ".join(self.experiments))
        if self.sample:
            parts.append(f"sample {self.sample}")
        if self.pmids:
            parts.append("PMID " + ", ".join(self.pmids))
        parts.append(LEVEL_LABELS.get(self.level, self.level))
        parts.append(self.record)
        if self.note:
            parts.append(f"note: {self.note}")
        return "; ".join(p for p in parts if p)


def _local(term) -> str:
    return term.value.removeprefix(str(EXO._NS))


# ontology property (local name) -> the Evidence field that takes its one value as it is
_SINGLE_VALUED = {"supportType": "support", "evidenceCode": "code", "sample": "sample", "sourceRecord": "record",
                  "importNote": "note"}


def _evidence(store: ox.Store, graph: ox.NamedNode, row) -> Evidence:
    ev = Evidence(row["a"].value, row["s"].value, _local(row["p"]), row["o"].value)
    for quad in store.quads_for_pattern(row["a"], None, None, graph):
        name, value = _local(quad.predicate), cast("ox.NamedNode | ox.Literal", quad.object).value  # no RDF-star objects
        if name == "isNegated":
            ev.negated = value == "true"
        elif name == "knowledgeLevel":
            ev.level = value.removeprefix(str(EXO._NS))
        elif name in _SINGLE_VALUED:
            setattr(ev, _SINGLE_VALUED[name], value)
        elif name == "experimentType":
            ev.experiments.append(value)
        elif name == "citesReference":
            ev.pmids.append(value.rsplit(":", 1)[-1].rsplit("/", 1)[-1])
        elif name == "cancerType":
            ev.cancers.add(value)
    ev.experiments.sort()
    ev.pmids.sort()
    return ev


def _imported(store: ox.Store, graph: ox.NamedNode, variable: str, iris: set[str]) -> list[Evidence]:
    """The assertions of ``graph`` whose subject (``variable`` "s") or object ("o") is one of ``iris``,
    read entity by entity with the store's indexes (graph.ingest.facts' reader): SPARQL with
    ``GRAPH`` and ``VALUES`` scanned the whole imported graph (BENCHMARKS.md, import section)."""
    from .facts import _assertions  # facts imports this module's Evidence reader

    role = "subject" if variable == "s" else "object"
    return [_evidence(store, graph, row) for iri in sorted(iris)
            for row in _assertions(store, graph, ox.NamedNode(iri), role)]


@dataclass
class Curated:
    id: str
    subject: str
    relation: str
    object: str
    subject_type: str
    object_type: str
    cancers: set[str]


def curated_statements(store: ox.Store) -> list[Curated]:
    cancers = defaultdict(set)
    for row in cast(ox.QuerySolutions, store.query(CANCER_QUERY, prefixes=PREFIXES)):
        cancers[row["a"].value].add(row["c"].value)
    found = []
    for row in cast(ox.QuerySolutions, store.query(CURATED_QUERY, prefixes=PREFIXES)):
        a = row["a"].value
        found.append(Curated(a.removeprefix(str(ASSERTION)), row["s"].value, _local(row["p"]), row["o"].value,
                             _local(row["sc"]), _local(row["oc"]), cancers.get(a, set())))
    return found


def _gene_ok(iri: str, cls: str, ontology) -> bool:
    return not ontology.is_a(cls, "GeneOrProtein") or iri.startswith(HGNC)


def in_scope(statement: Curated, spec, ontology) -> str | None:
    """The IRI the source is asked about for a cargo source, "pair" for a pair source, or None."""
    if spec.audit == "cargo":
        side = CARGO_SIDE.get(statement.relation)
        if side is None:
            return None
        iri, cls = (statement.subject, statement.subject_type) if side == "subject" else (statement.object, statement.object_type)
        return iri if ontology.fits(cls, frozenset(spec.subjects)) and _gene_ok(iri, cls, ontology) else None
    if spec.relations and statement.relation not in spec.relations:
        return None
    if not (ontology.fits(statement.subject_type, frozenset(spec.subjects))
            and ontology.fits(statement.object_type, frozenset(spec.objects))):
        return None
    if not (_gene_ok(statement.subject, statement.subject_type, ontology)
            and _gene_ok(statement.object, statement.object_type, ontology)):
        return None
    if spec.go_objects and not statement.object.startswith(GO):
        return None
    return "pair"


def _cancer_ok(statement: Curated, ev: Evidence, broader: dict[str, set[str]]) -> bool:
    if not statement.cancers or not ev.cancers:
        return True
    for c in statement.cancers:
        for e in ev.cancers:
            if c == e or c in broader.get(e, ()) or e in broader.get(c, ()):
                return True
    return False


def verdict(statement: Curated, rows: list[Evidence], spec, ontology) -> str:
    if not rows:
        return "not_found"
    if spec.audit == "cargo":
        return "corroborated"
    sign = ontology.relations[statement.relation].sign

    def agrees(ev: Evidence) -> bool:
        if ev.negated:
            return False
        other = ontology.relations[ev.relation].sign
        return not spec.signed or sign == 0 or other == 0 or other == sign

    return "corroborated" if any(agrees(ev) for ev in rows) else "contradicted"


class _Labels(dict):
    """IRI -> label: the review's labels, then the first imported graph that labels the IRI, read
    IRI by IRI when first asked (reading every label of a graph took a second on org.Hs.eg.db)."""

    def __init__(self, store: ox.Store, index: EntityIndex, graphs) -> None:
        super().__init__((r.iri, r.label) for r in index.records)
        self.store, self.graphs = store, list(graphs)

    def get(self, iri, default=None):
        if iri not in self:
            node = ox.NamedNode(iri)
            found = (next(self.store.quads_for_pattern(node, RDFS_LABEL, None, g), None) for g in self.graphs)
            quad = next((q for q in found if q is not None), None)
            self[iri] = None if quad is None else cast("ox.Literal", quad.object).value
        value = self[iri]
        return default if value is None else value


def _labels(store: ox.Store, index: EntityIndex, graphs) -> _Labels:
    return _Labels(store, index, graphs)


def audit(store: ox.Store, sources: list[str] | None = None) -> tuple[list[dict], dict]:
    """Rows (one per curated statement and source that can speak to it) and a summary
    {source: {verdict: count, "out_of_scope": count}}."""
    ontology, index = load_ontology(), curated_index(store)
    statements = curated_statements(store)
    broader = defaultdict(set)
    for row in cast(ox.QuerySolutions, store.query(BROADER_QUERY, prefixes=PREFIXES)):
        broader[row["c"].value].add(row["b"].value)
    rows, summary = [], {}
    present = [s for s in imported_sources(store) if s["source"] in SOURCES and (not sources or s["source"] in sources)]
    labels = _labels(store, index, [ox.NamedNode(s["graph"]) for s in present])
    for source in present:
        spec, graph = SOURCES[source["source"]], ox.NamedNode(source["graph"])
        asked = {id(st): in_scope(st, spec, ontology) for st in statements}
        by_key: defaultdict[str | tuple[str, str], list[Evidence]]
        if spec.audit == "cargo":
            by_key = defaultdict(list)
            for ev in _imported(store, graph, "s", {k for k in asked.values() if k}):
                by_key[ev.subject].append(ev)
        else:
            by_key = defaultdict(list)
            for ev in _imported(store, graph, "s", {st.subject for st in statements if asked[id(st)]}):
                by_key[(ev.subject, ev.object)].append(ev)
        counts = dict.fromkeys(VERDICTS, 0) | {"out_of_scope": 0}
        for st in statements:
            key = asked[id(st)]
            if key is None:
                counts["out_of_scope"] += 1
                continue
            found = by_key.get(key) if spec.audit == "cargo" else by_key.get((st.subject, st.object))
            found = [ev for ev in found or [] if _cancer_ok(st, ev, broader)]
            result = verdict(st, found, spec, ontology)
            counts[result] += 1
            rows.append({"statement": st.id, "subject": labels.get(st.subject, st.subject), "relation": st.relation,
                         "object": labels.get(st.object, st.object), "source": spec.name, "verdict": result,
                         "evidence": [ev.text() for ev in sorted(found, key=lambda e: e.record)]})
        summary[spec.name] = counts
    return rows, summary


def new_facts(store: ox.Store, sources: list[str] | None = None, limit: int | None = 50) -> list[dict]:
    """Facts of the imported sources about the review's entities that no curated statement links
    (in either direction), grouped per source, subject, relation and object, best evidence first:
    curated by the source before predicted, then more distinct PMIDs, then more rows."""
    index = curated_index(store)
    curated = set(index.by_iri)
    linked = set()
    for st in curated_statements(store):
        linked |= {(st.subject, st.object), (st.object, st.subject)}
    present = [s for s in imported_sources(store) if s["source"] in SOURCES and (not sources or s["source"] in sources)]
    labels = _labels(store, index, [ox.NamedNode(s["graph"]) for s in present])
    groups: dict[tuple, list[Evidence]] = defaultdict(list)
    for source in present:
        graph = ox.NamedNode(source["graph"])
        seen = set()
        for variable in ("s", "o"):
            for ev in _imported(store, graph, variable, curated):
                if ev.assertion in seen or ev.negated or (ev.subject, ev.object) in linked:
                    continue
                seen.add(ev.assertion)
                groups[(source["source"], ev.subject, ev.relation, ev.object)].append(ev)
    rows = []
    for (source, s, relation, o), evs in groups.items():
        levels = {ev.level for ev in evs}
        level = "curatedBySource" if "curatedBySource" in levels else sorted(levels)[0]
        pmids = sorted({p for ev in evs for p in ev.pmids})
        rows.append({"source": source, "subject": labels.get(s, s), "relation": relation, "object": labels.get(o, o),
                     "knowledge_level": LEVEL_LABELS.get(level, level), "rows": len(evs), "pmids": len(pmids),
                     "evidence": [ev.text() for ev in sorted(evs, key=lambda e: e.record)[:3]],
                     "_rank": (level != "curatedBySource", -len(pmids), -len(evs), source, labels.get(s, s),
                               labels.get(o, o))})
    rows.sort(key=lambda r: r["_rank"])
    for row in rows:
        del row["_rank"]
    return rows[:limit] if limit else rows
