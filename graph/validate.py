"""SHACL validation of the built graph with pySHACL, reported by category rather than as a
flood: one line per (shape, message) with the number of focus nodes and a few examples."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from .ontology import SHAPES_FILE, load_ontology, ontology_text


@dataclass
class Category:
    shape: str
    message: str
    severity: str
    focus_nodes: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    conforms: bool
    categories: list[Category]
    results: int

    @property
    def violations(self) -> int:
        return sum(len(c.focus_nodes) for c in self.categories if c.severity == "Violation")

    def summary(self, examples: int = 3) -> str:
        if self.conforms:
            head = "conforms: 0 violations"
            if self.categories:  # warnings and infos: incomplete claims (graph/completeness.py)
                head += (f"; {self.results} warning(s) in {len(self.categories)} categor(ies) "
                         "(minimum information per claim type)")
            lines = [head]
        else:
            lines = [f"does not conform: {self.results} result(s) in {len(self.categories)} categor(ies)"]
        for cat in self.categories:
            shown = ", ".join(cat.focus_nodes[:examples])
            more = f" (+{len(cat.focus_nodes) - examples} more)" if len(cat.focus_nodes) > examples else ""
            lines.append(f"  [{cat.severity}] {cat.shape}: {cat.message} x{len(cat.focus_nodes)}: {shown}{more}")
        return "\n".join(lines)


def shapes_graph() -> Graph:
    graph = Graph()
    graph.parse(data=ontology_text(SHAPES_FILE), format="turtle")
    return graph


def _short(node) -> str:
    text = str(node)
    return text.rsplit("/", 1)[-1] if text.startswith("https://w3id.org/exokg/") else text


def validate_graph(data: Graph) -> ValidationReport:
    """Validate ``data`` against ExoKG's shapes, with the ontology mixed in.

    The union is made here rather than through pySHACL's ``ont_graph``, which in our tests did
    not expose the relations' annotation properties (exo:effectSign) to SPARQL constraints.
    """
    combined = Graph()
    for triple in data:
        combined.add(triple)
    for triple in load_ontology().graph:
        combined.add(triple)
    conforms, report, _ = shacl_validate(
        combined, shacl_graph=shapes_graph(), advanced=True, inference="none", allow_warnings=True,
    )
    categories: dict[tuple[str, str, str], Category] = {}
    count = 0
    for result in report.subjects(RDF.type, SH.ValidationResult):
        count += 1
        shape = report.value(result, SH.sourceShape)
        # property shapes are blank nodes, so a result is named by its path when it has one
        path = report.value(result, SH.resultPath)
        shape_name = f"{_short(path)}" if path is not None else _short(shape)
        message = str(report.value(result, SH.resultMessage) or "")
        severity = _short(report.value(result, SH.resultSeverity)).split("#")[-1]
        key = (shape_name, message, severity)
        categories.setdefault(key, Category(shape_name, message, severity))
        categories[key].focus_nodes.append(_short(report.value(result, SH.focusNode)))
    ordered = sorted(categories.values(), key=lambda c: (-len(c.focus_nodes), c.shape, c.message))
    for cat in ordered:
        cat.focus_nodes.sort()
    return ValidationReport(conforms=bool(conforms), categories=ordered, results=count)
