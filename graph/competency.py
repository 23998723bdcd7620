"""The everyday questions, as library functions returning plain rows (lists of dicts).

Each function runs one of the named queries in ``graph/queries`` (so the same question can be
asked in SPARQL, here, on the command line or on a remote endpoint) and tidies its answer:
lists become Python lists, reference numbers and Table 1 rows become ints. Every row carries its
evidence: ``certainty`` and ``evidence_level``, ``section``, ``table_row``, the ``references``
printed with the fact and the ``inferred_references`` taken from its passage, never mixed (plus
the statement id and the curator's summary). ``certainty=`` keeps only statements the review puts
that firmly (stated, hedged, proposed, predicted). Entity arguments accept any name :func:`graph.entities.resolve` accepts. A cancer type
includes its subtypes, a drug its narrower drugs (``skos:broader*``).

>>> rows = resistance(drug="CIS")
>>> all(row["drug"][0] == "cisplatin" or "cisplatin" in row["drug"] for row in rows)
True
>>> {"section", "table_row", "references", "inferred_references", "certainty", "evidence_level"} <= set(rows[0])
True
>>> {row["certainty"] for row in resistance(certainty="hedged")}
{'hedged'}
"""
from __future__ import annotations

import re
from typing import cast

import pyoxigraph as ox

from .entities import entity_index, resolve_brief
from .query import LocalEngine, ParameterError, coerce, named_query

SEPARATOR = " | "
EVIDENCE = ["certainty", "evidence_level", "section", "table_row", "references", "inferred_references"]

FIND_COLUMNS = ["key", "label", "type", "curie", "synonyms", "statements", "sections", "table_rows", "references",
                "inferred_references"]
# where a row comes from: "review", or the imported source (graph/ingest/facts.py), with its knowledge level and,
# for an imported fact, that source's evidence in one line
SOURCE_COLUMNS = ["source", "knowledge_level", "source_evidence"]
STATEMENT_COLUMNS = ["statement", "role", "subject", "relation", "object", "context", *EVIDENCE, "summary",
                     *SOURCE_COLUMNS]
RESISTANCE_COLUMNS = ["statement", "agent", "agent_type", "effect", "drug", "cancer", "mechanism", "donor_cell",
                      "recipient_cell", "cell_line", "model", *EVIDENCE, "summary"]
BIOMARKER_COLUMNS = ["statement", "biomarker", "type", "cancer", "role", "fluid", "direction", "drug", "model",
                     *EVIDENCE, "summary"]
THERAPY_COLUMNS = ["statement", "therapy", "therapy_type", "source", "relation", "target", "drug", "cancer",
                   "mechanism", "cell_line", "model", *EVIDENCE, "summary"]
NEIGHBOR_COLUMNS = ["hop", "from", "direction", "relation", "to", "to_type", "context", *EVIDENCE, "statement",
                    "summary", *SOURCE_COLUMNS]

EFFECTS = {"confers": "confersResistanceTo", "reverses": "reversesResistanceTo"}
BIOMARKER_TYPES = {"miRNA": "MicroRNA", "circRNA": "CircularRNA", "lncRNA": "LongNonCodingRNA",
                   "ncRNA": "NonCodingRNA", "protein": "GeneOrProtein"}
MAX_HOPS = 5


def _engine(source, engine):
    return engine if engine is not None else LocalEngine(source)


def _run(name: str, params: dict, source=None, engine=None) -> list[dict]:
    """Run a named query; entity names resolve in the graph the answer comes from (``engine``'s
    on a remote endpoint), the other parameters as ``exokg query --param`` reads them."""
    query = named_query(name)
    for key, value in params.items():
        if isinstance(value, str) and not value.strip():
            raise ParameterError(f"{key} is empty, and an empty name matches nothing. "
                                 f"Fix: give a name (see `exokg find TEXT`), or leave the {key} filter out")
    given = {k: v for k, v in params.items() if v not in (None, [], ())}
    bindings = query.bindings(given, source, engine=engine)
    rows = _engine(source, engine).run(query.text, bindings=bindings).values()
    if not rows and engine is not None:
        entity_index(source, engine=engine)  # an endpoint without ExoKG data is an error, not an empty answer
    return rows


def _run_bound(name: str, bindings: dict, source=None, engine=None) -> list[dict]:
    return _engine(source, engine).run(named_query(name).text, bindings=bindings).values()


def split(value) -> list[str]:
    """A ``" | "``-joined list from a query as a sorted Python list ([] when empty)."""
    if value in (None, ""):
        return []
    return sorted({item for item in str(value).split(SEPARATOR) if item})


def numbers(value) -> list[int]:
    """A ``" | "``-joined list of numbers as sorted ints."""
    return sorted({int(item) for item in split(value) if re.fullmatch(r"\d+", item)})


def _evidence(row: dict) -> dict:
    return {"certainty": row.get("certainty_value") or "", "evidence_level": row.get("evidence_level") or "",
            "section": row.get("section"), "table_row": row.get("table_row"),
            "references": numbers(row.get("references")), "inferred_references": numbers(row.get("inferred_references"))}


def _certainty(certainty: str | None) -> str | None:
    if certainty is None:
        return None
    from .model import CERTAINTIES  # imported only here: answering a question needs no typed model

    if certainty not in CERTAINTIES:
        raise ParameterError(f"certainty must be one of {', '.join(CERTAINTIES)}, not {certainty!r}. "
                             "Fix: e.g. --certainty hedged")
    return certainty


# ---------------------------------------------------------------- find / show


def find(text: str, source=None, *, types: tuple[str, ...] | None = None, limit: int | None = None,
         engine=None) -> list[dict]:
    """Entities whose key, label, synonym or CURIE contains ``text`` (exact matches first), with
    the sections, Table 1 rows and references of the statements that use them."""
    if not text or not text.strip():
        raise ParameterError("nothing to search for. Fix: give a name or part of one, e.g. `exokg find miR-21`")
    from .model import section_key

    records = entity_index(source, engine=engine).search(text, limit=limit, types=types)
    if not records:
        return []
    evidence = {row["key"]: row for row in _run_bound(
        "entity-evidence", {"entity": [ox.NamedNode(r.iri) for r in records]}, source, engine)}
    rows = []
    for record in records:
        ev = evidence.get(record.key, {})
        rows.append({
            "key": record.key, "label": record.label, "type": record.type, "curie": record.curie,
            "synonyms": list(record.synonyms), "statements": ev.get("statements", 0),
            "sections": sorted(split(ev.get("sections")), key=section_key),
            "table_rows": numbers(ev.get("table_rows")), "references": numbers(ev.get("references")),
            "inferred_references": numbers(ev.get("inferred_references")),
        })
    return rows


class _ReviewOnly:
    """The selection of a store without imported sources, asked for the default (all): made
    without importing graph.ingest, which would load rdflib into every question command."""

    review, imported, names = True, (), ["review"]


ROWS_IMPORTED = "https://w3id.org/exokg/ontology/rowsImported"  # in every imported source's description


def _sources(source, engine, sources: str | None):
    """The --sources selection (graph/ingest/facts.py): the review and the imported sources in the
    store; an endpoint holds the review only."""
    from .store import open_store

    store = open_store(source) if engine is None else None
    if sources is None and (store is None or next(store.quads_for_pattern(None, ox.NamedNode(ROWS_IMPORTED), None),
                                                  None) is None):
        return _ReviewOnly()
    from .ingest.facts import select

    if store is None:
        return select(None, sources, "the endpoint (imported sources are not pushed)")
    return select(store, sources, str(source) if source is not None else "the packaged build")


REVIEW_SOURCE = {"source": "review", "knowledge_level": "from this review", "source_evidence": ""}


def _imported_row(fact: dict) -> dict:
    """An imported fact in the columns of the review's rows: no section, summary or certainty, the
    source's evidence in one line (graph/ingest/facts.py, :func:`~graph.ingest.facts.evidence_text`)."""
    from .ingest.facts import evidence_text

    return {"statement": fact["record"], "relation": fact["relation"] + (" (NOT)" if fact["negated"] else ""),
            "context": [f"cancerType={c}" for c in fact["cancer"]], "certainty": "", "evidence_level": "",
            "section": None, "table_row": None, "references": [], "inferred_references": [], "summary": "",
            "source": fact["source"], "knowledge_level": fact["knowledge_level"], "source_evidence": evidence_text(fact)}


def show(name: str, source=None, *, engine=None, certainty: str | None = None, sources: str | None = None) -> dict:
    """The entity card: identifiers, names, hierarchy, and every statement it takes part in.

    Returns ``{"entity": {...}, "sources": [...], "statements": [rows], "imported": [facts]}``;
    each statement row has the entity's ``role`` (subject, object, or ``context: cancerType``
    ...), the context, the evidence and ``source`` "review". ``imported`` holds what the imported
    resources (``exokg import``) state about the entity, each fact with its ``source`` and that
    source's evidence (:data:`graph.ingest.facts.FACT_COLUMNS`), never mixed with the review's.
    ``sources`` (``--sources``: ``review``, source names, ``all``; default all) picks which are
    listed; with ``certainty`` only the review's statements are (imported facts have none).
    """
    record = resolve_brief(name, source, engine=engine)  # not every entity record: the name index and one brief
    selection = _sources(source, engine, sources)
    node: list[ox.NamedNode | ox.Literal] = [ox.NamedNode(record.iri)]
    cards = _run_bound("entity", {"entity": node}, source, engine)
    card = cards[0] if cards else {}
    entity = {
        "key": record.key, "label": record.label, "type": record.type, "iri": record.iri,
        "curie": record.curie, "mapped": record.mapped, "synonyms": list(record.synonyms),
        "xrefs": split(card.get("xrefs")), "broader": split(card.get("broader")),
        "narrower": split(card.get("narrower")), "note": card.get("note") or "",
    }
    statements = []
    bindings: dict[str, list[ox.NamedNode | ox.Literal]] = {"entity": node}
    if _certainty(certainty):
        assert certainty is not None  # _certainty() returns it, so it is set when truthy
        bindings["certainty"] = [ox.Literal(certainty)]
    for row in _run_bound("statements", bindings, source, engine) if selection.review else ():
        statements.append({
            "statement": row["statement"], "role": row["role"], "subject": row["subject_label"],
            "relation": row["relation"], "object": row["object_label"], "context": split(row["context"]),
            **_evidence(row), "summary": row["summary"], **REVIEW_SOURCE,
        })
    imported = []
    if selection.imported and not certainty:
        from .ingest.facts import FACT_COLUMNS, facts_about
        from .store import open_store

        index = entity_index(source)
        labels = {r.iri: (r.label, r.type) for r in index.records}
        imported = [{c: fact[c] for c in FACT_COLUMNS}
                    for fact in facts_about(open_store(source), selection, [record.iri], labels)]
    return {"entity": entity, "sources": selection.names, "statements": statements, "imported": imported}


def show_rows(card: dict) -> list[dict]:
    """The card's statements and imported facts as one list of :data:`STATEMENT_COLUMNS` rows,
    the review's first (what ``exokg show --format csv`` writes)."""
    return card["statements"] + [{"role": f["role"], "subject": f["subject"], "object": f["object"], **_imported_row(f)}
                                 for f in card["imported"]]


# ---------------------------------------------------------------- the competency questions


def resistance(agent: str | None = None, drug: str | None = None, cancer: str | None = None,
               effect: str | None = None, source=None, *, engine=None, certainty: str | None = None) -> list[dict]:
    """Resistance associations: who confers or reverses resistance to which drug, where, how.

    ``effect`` is ``confers`` or ``reverses``. ``agent`` matches the subject or the donor cell
    whose exosomes carry it; ``drug`` the drug resisted or the drug a statement is qualified with.
    """
    if effect is not None and effect not in EFFECTS:
        raise ParameterError(f"effect must be confers or reverses, not {effect!r}")
    rows = _run("resistance", {"agent": agent, "drug": drug, "cancer": cancer, "certainty": _certainty(certainty),
                               "effect": EFFECTS.get(effect) if effect else None}, source, engine)
    out = []
    for row in rows:
        drugs = [row["drug_label"]] + [d for d in split(row["drug_context"]) if d != row["drug_label"]]
        out.append({
            "statement": row["statement"], "agent": row["agent_label"], "agent_type": row["agent_type"],
            "effect": "confers" if row["relation"] == "confersResistanceTo" else "reverses",
            "drug": drugs, "cancer": split(row["cancers"]), "mechanism": split(row["mechanisms"]),
            "donor_cell": split(row["donor_cells"]), "recipient_cell": split(row["recipient_cells"]),
            "cell_line": split(row["cell_lines"]), "model": split(row["models"]),
            **_evidence(row), "summary": row["summary"],
        })
    return out


def biomarkers(cancer: str | None = None, type: str | None = None, fluid: str | None = None, source=None, *,
               engine=None, certainty: str | None = None) -> list[dict]:
    """Exosomal biomarkers, by cancer (subtypes included), molecule type and body fluid.

    ``type`` is one of miRNA, circRNA, lncRNA, ncRNA (any non-coding RNA) or protein.
    """
    if type is not None and type not in BIOMARKER_TYPES:
        raise ParameterError(f"type must be one of {', '.join(BIOMARKER_TYPES)}, not {type!r}")
    rows = _run("biomarkers", {"cancer": cancer, "type": BIOMARKER_TYPES.get(type) if type else None,
                               "fluid": fluid, "certainty": _certainty(certainty)}, source, engine)
    out = []
    for row in rows:
        cancers = [row["cancer_label"]] + [c for c in split(row["cancer_context"]) if c != row["cancer_label"]]
        out.append({
            "statement": row["statement"], "biomarker": row["biomarker_label"], "type": row["biomarker_type"],
            "cancer": cancers, "role": split(row["roles"]), "fluid": split(row["fluids"]),
            "direction": row["direction"] or "", "drug": split(row["drugs"]), "model": split(row["models"]),
            **_evidence(row), "summary": row["summary"],
        })
    return out


def therapies(drug: str | None = None, cancer: str | None = None, source=None, *, engine=None,
              certainty: str | None = None) -> list[dict]:
    """Exosome-based therapies: what each delivers, reverses or suppresses, where, with evidence."""
    rows = _run("therapies", {"drug": drug, "cancer": cancer, "certainty": _certainty(certainty)}, source, engine)
    return [{
        "statement": row["statement"], "therapy": row["therapy_label"], "therapy_type": row["therapy_type"],
        "source": split(row["sources"]), "relation": row["relation"], "target": row["target_label"],
        "drug": split(row["drugs"]), "cancer": split(row["cancers"]), "mechanism": split(row["mechanisms"]),
        "cell_line": split(row["cell_lines"]), "model": split(row["models"]),
        **_evidence(row), "summary": row["summary"],
    } for row in rows]


def neighbors(name: str, hops: int = 1, relations: list[str] | tuple[str, ...] | None = None, source=None, *,
              engine=None, certainty: str | None = None, sources: str | None = None) -> list[dict]:
    """Statements reachable from an entity within ``hops`` steps (both directions), breadth first.

    Each statement is reported once, at the hop it is first reached; ``relations`` restricts the
    walk to those relations (local names such as ``targets`` or ``confersResistanceTo``). The
    walk follows the review's statements; after them come the facts of the imported sources
    (``sources``, as for :func:`show`; default all) about each entity the walk reaches, at the hop
    that entity's own statements are (an imported fact is listed, not followed). Every row says
    its ``source``.
    """
    if not isinstance(hops, int) or not 1 <= hops <= MAX_HOPS:
        raise ParameterError(f"hops must be a whole number from 1 to {MAX_HOPS}, not {hops!r}")
    query = named_query("neighbors")
    index = entity_index(source, engine=engine)
    start = index.resolve(name)
    selection = _sources(source, engine, sources)
    relation_terms = [coerce(query.param("relation"), r, source, engine=engine) for r in relations or ()]
    seen_nodes, seen_statements = {start.iri}, set()
    frontier, rows = [start.iri], []
    walked: list[list[str]] = []  # the entities expanded at each hop
    extra = {"certainty": [ox.Literal(cast(str, certainty))]} if _certainty(certainty) else {}  # set when truthy
    for hop in range(1, hops + 1):
        if not frontier:
            break
        walked.append(frontier)
        if not selection.review:
            break
        answer = _run_bound("neighbors", {"node": [ox.NamedNode(i) for i in sorted(frontier)],
                                          "relation": relation_terms, **extra}, source, engine)
        reached = []
        for row in answer:
            if row["statement"] in seen_statements:
                continue
            seen_statements.add(row["statement"])
            rows.append({
                "hop": hop, "from": index.by_iri[row["node"]].label if row["node"] in index.by_iri else row["node_key"], "direction": row["direction"], "relation": row["link"],
                "to": row["neighbor_label"], "to_type": row["neighbor_type"], "context": split(row["context"]),
                **_evidence(row), "statement": row["statement"], "summary": row["summary"], **REVIEW_SOURCE,
            })
            if row["neighbor"] not in seen_nodes:
                seen_nodes.add(row["neighbor"])
                reached.append(row["neighbor"])
        frontier = reached
    if selection.imported and not certainty:
        rows += _imported_neighbors(selection, walked, index, {t.value.rsplit("/", 1)[-1] for t in relation_terms}, source)
    return rows


def _imported_neighbors(selection, walked: list[list[str]], index, relations: set[str], source) -> list[dict]:
    from .ingest.facts import facts_about
    from .store import open_store

    store, labels = open_store(source), {r.iri: (r.label, r.type) for r in index.records}
    rows, seen = [], set()
    for hop, entities in enumerate(walked, start=1):
        for fact in facts_about(store, selection, entities, labels, relations or None):
            if fact["assertion"] in seen:  # reported once, at the hop it is first reached
                continue
            seen.add(fact["assertion"])
            out = fact["role"] == "subject"
            rows.append({"hop": hop, "from": labels[fact["entity"]][0] if fact["entity"] in labels else fact["entity"],
                         "direction": "out" if out else "in", "to": fact["object"] if out else fact["subject"],
                         "to_type": fact["object_type"] if out else fact["subject_type"], **_imported_row(fact)})
    return rows


def __getattr__(name: str):
    if name == "section_key":  # re-exported from graph.model, imported on first use
        from .model import section_key

        return section_key
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["biomarkers", "find", "neighbors", "numbers", "resistance", "section_key",  # noqa: F822 - __getattr__
           "show", "split", "therapies"]
