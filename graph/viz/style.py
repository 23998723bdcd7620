"""Style tables of the network pages: colour and shape per entity type, colour, arrow and dash
per relation sign, context names, and the small text helpers (compact IRIs, short names) the
views and the legend share. Changing a colour here changes every page; the tests check that
every entity type and relation has a unique style."""
from __future__ import annotations

import re

from ..vocab import PREFIXES


# Colour and vis-network shape per entity type; the pair is unique per type.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "MicroRNA": ("#d62728", "dot"),
    "CircularRNA": ("#ff7f0e", "dot"),
    "LongNonCodingRNA": ("#bcbd22", "dot"),
    "NonCodingRNA": ("#8c564b", "dot"),
    "GeneOrProtein": ("#1f77b4", "square"),
    "ExosomePreparation": ("#f781bf", "square"),
    "Drug": ("#2ca02c", "diamond"),
    "ChemicalEntity": ("#7f7f7f", "diamond"),
    "Therapy": ("#17a589", "star"),
    "CancerType": ("#b8860b", "star"),
    "Disease": ("#a50f15", "star"),
    "Pathway": ("#9467bd", "hexagon"),
    "BiologicalProcess": ("#e377c2", "hexagon"),
    "CellType": ("#17becf", "triangle"),
    "Organism": ("#a0522d", "triangle"),
    "CellLine": ("#006d77", "triangleDown"),
    "BodyFluid": ("#6baed6", "triangleDown"),
    # nodes of a CONSTRUCT result that are not ExoKG entities
    "Resource": ("#bdbdbd", "dot"),
    "Literal": ("#ffffff", "box"),
}
OTHER_TYPE = "Resource"


# Edge colour per relation: warm for sign +1, cool for -1, brown/grey (dashed) for 0.
RELATION_COLOURS: dict[str, str] = {
    "confersResistanceTo": "#d62728", "promotes": "#ff7f0e", "activates": "#e6550d",
    "upregulates": "#f5a623", "secretes": "#a63603", "takenUpBy": "#c2185b", "delivers": "#8c2d04",
    "reversesResistanceTo": "#1f4e9c", "inhibits": "#4292c6", "downregulates": "#17becf",
    "targets": "#6a51a3", "sponges": "#9e9ac8", "suppresses": "#2ca02c", "transports": "#006d2c",
    "associatedWith": "#969696", "biomarkerFor": "#8c6d31", "detectedIn": "#bdbdbd",
    "derivedFrom": "#7f7f7f", "studiedIn": "#a9a9a9", "memberOf": "#636363", "regulates": "#525252",
    "bindsTo": "#bd9e39", "interactsWith": "#c7a76c", "candidateTreatmentFor": "#31a354",
    "differentiatesInto": "#843c39",
}
OTHER_RELATION_COLOUR = "#9e9e9e"
ARROW_BY_SIGN = {1: "arrow", -1: "bar", 0: "circle"}
SIGN_WORDS = {1: "+1, increases", -1: "-1, decreases", 0: "0, no direction"}


CONTEXT_LABELS = {
    "cancer": "cancer", "drug": "drug", "cell_line": "cell line", "donor_cell": "donor cell",
    "recipient_cell": "recipient cell", "body_fluid": "body fluid", "mechanism": "mechanism",
    "biomarker_role": "biomarker role", "model": "model", "direction": "direction",
    "certainty": "certainty", "evidence_level": "evidence level",
}


def _compact(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _short(iri: str) -> str:
    compact = _compact(iri)
    if compact != iri:
        return compact
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _context_order(column: str) -> int:
    order = list(CONTEXT_LABELS)
    return order.index(column) if column in order else len(order)


def _sign_order(sign) -> int:
    return {1: 0, -1: 1, 0: 2}.get(sign, 3)


def _type_label(name: str, ontology) -> str:
    return ontology.class_labels.get(name, name.lower())


def _node_style(colour: str, shape: str) -> dict:
    """A vis-network node style (a group's, or a cluster's): shape, fill, darker border."""
    style = {"shape": shape, "color": {"background": colour, "border": _darker(colour),
                                       "highlight": {"background": colour, "border": "#000000"},
                                       "hover": {"background": colour, "border": "#000000"}}}
    if shape == "box":
        style["font"] = {"color": "#222222"}
    return style


def _darker(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))
