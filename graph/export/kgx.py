"""KGX TSV (nodes.tsv, edges.tsv): Biolink categories and predicates, mapped from the ontology.

Categories: an ExoKG class takes the Biolink classes it is ``skos:exactMatch``-ed to in
ontology/exokg.ttl, else those it is ``skos:closeMatch``-ed to, else its nearest ancestor's,
else ``biolink:NamedThing``. Predicates: a relation's Biolink ``skos:exactMatch``, else its one
Biolink ``skos:closeMatch``, else ``biolink:related_to``; the ExoKG relation always stays in
``original_predicate`` and the class in ``exokg_class``. Identifiers use the Biolink model's
prefixes (``HGNC:9588``, ``CHEBI:27899``); prefixes Biolink lacks keep ExoKG's (bioregistry)
spelling, and ExoKG's own IRIs are written ``exoe:<key>`` / ``exoa:<statement id>``. The
tables are generated into docs/export.md ("KGX mapping"). Lists are ``|``-joined, as KGX TSV
requires. A cell that a spreadsheet would run as a formula gets a leading ``'``
(:func:`graph.export.csvfiles.neutralise`).
"""
from __future__ import annotations

from rdflib.namespace import RDFS, SKOS

from ..identifiers import iri_to_curie
from ..ontology import load_ontology
from ..rdf import character_name, check_writable
from ..storage import GRAPH_BASE
from ..vocab import ASSERTION, BIOLINK, DATASET, ENTITY, EXO
from .csvfiles import neutralise
from .errors import ExportError
from .imported import REVIEW, provenance
from .loaded import LOADED_LEVEL
from .source import ExportSource
from .view import CONTEXT_COLUMNS, SEPARATOR, Edge, GraphView, Node

# ExoKG (bioregistry) prefix -> Biolink model prefix (biolink-model-prefix-map.json, Biolink 4.x).
# Not listed (Biolink has no prefix for them) and kept as written: mirbase.mature, cellosaurus, circbase.
BIOLINK_PREFIXES = {
    "chebi": "CHEBI", "cl": "CL", "doid": "DOID", "doi": "doi", "drugbank": "DRUGBANK", "go": "GO", "hgnc": "HGNC",
    "kegg.pathway": "KEGG.PATHWAY", "mirbase": "mirbase", "mondo": "MONDO", "ncbitaxon": "NCBITaxon", "pmc": "PMC",
    "pubmed": "PMID", "reactome": "REACT", "uberon": "UBERON", "wikipathways": "WIKIPATHWAYS",
}
NAMED_THING = "biolink:NamedThing"
RELATED_TO = "biolink:related_to"
ASSOCIATION = "biolink:Association"
KNOWLEDGE_LEVEL = "knowledge_assertion"  # curated from a review's statements of fact
AGENT_TYPE = "manual_agent"  # curated by hand
KNOWLEDGE_SOURCE = "infores:exokg"  # not (yet) in the Translator infores catalogue
# an imported source's facts (graph/export/imported.py): ExoKG claims no infores id for the resource, so the
# primary knowledge source is the IRI of the import's dataset description, and ExoKG is the aggregator
IMPORTED_LEVELS = {"predicted": ("prediction", "automated_agent")}  # else knowledge_assertion, manual_agent
# a loaded file's facts (graph/export/loaded.py): the primary knowledge source is the IRI of the file's graph (its
# description), and ExoKG cannot tell how the file's facts were made
IMPORTED_LEVELS[LOADED_LEVEL] = ("not_provided", "not_provided")
LOCAL_PREFIXES = {"exoe": str(ENTITY), "exoa": str(ASSERTION), "exo": str(EXO._NS)}

NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "iri", "provided_by",
                "exokg_key", "exokg_class", "exokg_mapped", "exokg_unnamed", "exokg_broader", "exokg_note")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "knowledge_level", "agent_type",
                "primary_knowledge_source", "aggregator_knowledge_source", "publications", "original_predicate",
                "exokg_relation_label", "exokg_sign", "exokg_symmetric", *(f"exokg_{c}" for c in CONTEXT_COLUMNS),
                "exokg_section", "exokg_section_title", "exokg_table_row", "exokg_references", "exokg_inferred_references",
                "exokg_summary", "exokg_source", "exokg_source_evidence")


def _biolink(iris) -> list[str]:
    return sorted(f"biolink:{str(i).removeprefix(str(BIOLINK))}" for i in iris if str(i).startswith(str(BIOLINK)))


def category_mapping() -> dict[str, tuple[tuple[str, ...], str]]:
    """ExoKG entity class -> (Biolink categories, how they were chosen)."""
    ontology = load_ontology()
    graph = ontology.graph
    mapping = {}
    for cls in ontology.entity_classes:
        node = getattr(EXO, cls)  # a closed namespace: an undeclared class raises
        while node is not None and str(node).startswith(str(EXO._NS)):
            exact = _biolink(graph.objects(node, SKOS.exactMatch))
            close = _biolink(graph.objects(node, SKOS.closeMatch))
            name = str(node).removeprefix(str(EXO._NS))
            via = "" if name == cls else f" of {name}"
            if exact or close:
                mapping[cls] = (tuple(exact or close), f"{'exact' if exact else 'close'} match{via}")
                break
            node = graph.value(node, RDFS.subClassOf)
        else:
            mapping[cls] = ((NAMED_THING,), "no match: fallback")
    return mapping


def predicate_mapping() -> dict[str, tuple[str, str]]:
    """ExoKG relation -> (Biolink predicate, how it was chosen)."""
    mapping = {}
    for name, relation in load_ontology().relations.items():
        exact, close = _biolink(relation.exact_matches), _biolink(relation.close_matches)
        if exact:
            mapping[name] = (exact[0], "exact match")
        elif len(close) == 1:
            mapping[name] = (close[0], "close match")
        else:
            mapping[name] = (RELATED_TO, "no match: fallback" if not close else "several close matches: fallback")
    return mapping


def kgx_id(iri: str) -> str:
    """The KGX identifier (a CURIE with Biolink's prefix where it has one) of an IRI.

    >>> kgx_id("https://identifiers.org/hgnc:9588"), kgx_id("http://purl.obolibrary.org/obo/CHEBI_27899")
    ('HGNC:9588', 'CHEBI:27899')
    >>> kgx_id("https://identifiers.org/pmc:PMC12774554"), kgx_id("https://w3id.org/exokg/entity/miR-21")
    ('PMC:12774554', 'exoe:miR-21')
    """
    for prefix, namespace in LOCAL_PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    curie = iri_to_curie(iri)
    if curie is None:
        return iri
    prefix, local = curie.split(":", 1)
    if prefix == "pmc":
        local = local.removeprefix("PMC")
    return f"{BIOLINK_PREFIXES.get(prefix, prefix)}:{local}"


def _join(values) -> str:
    return SEPARATOR.join(values)


def node_row(node: Node, categories: dict) -> dict[str, str]:
    return {
        "id": kgx_id(node.iri), "category": _join(categories.get(node.type, ((NAMED_THING,), ""))[0]), "name": node.label,
        "synonym": _join(node.synonyms), "xref": _join(kgx_id(x) for x in node.xrefs), "iri": node.iri,
        "provided_by": KNOWLEDGE_SOURCE, "exokg_key": node.key, "exokg_class": node.type,
        "exokg_mapped": str(node.mapped).lower(), "exokg_unnamed": str(node.unnamed).lower(),
        "exokg_broader": kgx_id(node.broader) if node.broader else "", "exokg_note": node.note,
    }


def edge_row(edge: Edge, predicates: dict, nodes: dict[str, Node], origin: tuple[str, str, str] = REVIEW) -> dict[str, str]:
    publications = [kgx_id(edge.review)] if edge.review else []
    publications += [kgx_id(r) for r in edge.reference_ids if iri_to_curie(r) is not None]
    level, agent = KNOWLEDGE_LEVEL, AGENT_TYPE
    primary, aggregator = KNOWLEDGE_SOURCE, ""
    if origin[0] != REVIEW[0]:
        level, agent = IMPORTED_LEVELS.get(origin[1], (KNOWLEDGE_LEVEL, AGENT_TYPE))
        primary = GRAPH_BASE + origin[0] if origin[1] == LOADED_LEVEL else str(DATASET[origin[0]])
        aggregator = KNOWLEDGE_SOURCE
    row = {
        "id": kgx_id(edge.assertion), "subject": kgx_id(edge.source), "predicate": predicates[edge.relation][0],
        "object": kgx_id(edge.target), "category": ASSOCIATION, "knowledge_level": level,
        "agent_type": agent, "primary_knowledge_source": primary, "aggregator_knowledge_source": aggregator,
        "publications": _join(publications), "exokg_source": origin[0], "exokg_source_evidence": origin[2],
        "original_predicate": f"exo:{edge.relation}", "exokg_relation_label": edge.relation_label,
        "exokg_sign": str(edge.sign), "exokg_symmetric": str(edge.symmetric).lower(),
        "exokg_section": edge.section, "exokg_section_title": edge.section_title,
        "exokg_table_row": "" if edge.table_row is None else str(edge.table_row),
        "exokg_references": _join(str(n) for n in edge.references),
        "exokg_inferred_references": _join(str(n) for n in edge.inferred_references), "exokg_summary": edge.summary,
    }
    for column, values in edge.context:
        row[f"exokg_{column}"] = _join(kgx_id(v) if v in nodes else v for v in values)
    return row


def tsv(columns: tuple[str, ...], rows: list[dict[str, str]], name: str) -> bytes:
    """Tab-separated, unquoted (as KGX reads it); a value holding a tab or line break is an error."""
    lines = ["\t".join(columns)]
    for row in rows:
        values = [row[c] for c in columns]
        for column, value in zip(columns, values):
            if bad := next((ch for ch in "\t\r\n" if ch in value), None):
                raise ExportError(f"{name}: the {column} of {row[columns[0]]} holds a tab or line break "
                                  f"({character_name(bad)}), which TSV cannot carry. Fix: remove it from the "
                                  "curated table")
        lines.append("\t".join(neutralise(value) for value in values))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_kgx(source: ExportSource) -> dict[str, bytes]:
    check_writable(source.graph, "KGX TSV", error=ExportError)
    view: GraphView = source.view
    categories, predicates = category_mapping(), predicate_mapping()
    nodes = view.by_iri
    return {
        "nodes.tsv": tsv(NODE_COLUMNS, [node_row(n, categories) for n in view.nodes], "nodes.tsv"),
        "edges.tsv": tsv(EDGE_COLUMNS, [edge_row(e, predicates, nodes, provenance(source, e)) for e in view.edges],
                         "edges.tsv"),
    }


def mapping_markdown() -> str:
    """The Biolink mapping tables of docs/export.md (regenerate with ``python -m graph.export``)."""
    lines = ["| ExoKG class | Biolink category | basis |", "|---|---|---|"]
    for cls, (categories, basis) in category_mapping().items():
        lines.append(f"| `{cls}` | {', '.join(f'`{c}`' for c in categories)} | {basis} |")
    lines += ["", "| ExoKG relation | Biolink predicate | basis |", "|---|---|---|"]
    for relation, (predicate, basis) in predicate_mapping().items():
        lines.append(f"| `{relation}` | `{predicate}` | {basis} |")
    lines += ["", "| ExoKG prefix | KGX prefix |", "|---|---|"]
    for prefix, biolink in sorted(BIOLINK_PREFIXES.items()):
        lines.append(f"| `{prefix}` | `{biolink}` |")
    return "\n".join(lines) + "\n"
