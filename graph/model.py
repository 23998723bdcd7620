"""The typed model between the curated tables and the RDF graph.

A :class:`Statement` cannot be made without a :class:`Provenance`: no fact exists without the
section it came from and a curator summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from .identifiers import curie_to_iri
from .vocab import ENTITY, EXO, PUBLICATION, REVIEW_PMC

REFERENCE_RANGE = range(1, 218)  # the review cites references 1-217
BIOMARKER_ROLES = ("diagnostic", "prognostic", "predictive", "monitoring")
MODELS = ("in vitro", "in vivo", "xenograft", "PDX", "patient samples", "in silico")
DIRECTIONS = ("up", "down")


def section_key(number: str) -> tuple:
    """Sort sections as the review prints them: abstract, 1, 2, 3.1 ... then T1, F1, F2.

    >>> sorted(["T1", "3.1", "abstract", "10", "2", "F1"], key=section_key)
    ['abstract', '2', '3.1', '10', 'F1', 'T1']
    """
    if number == "abstract":
        return (0, ())
    if number[:1].isdigit():
        return (1, tuple(int(p) for p in number.split(".") if p.isdigit()))
    return (2, (number,))


@dataclass(frozen=True)
class Qualifier:
    """A context column of the statement table and the assertion property it becomes."""

    column: str
    predicate: URIRef
    allowed_types: tuple[str, ...] = ()  # for entity-valued qualifiers
    values: tuple[str, ...] = ()  # for enumerated literal qualifiers


QUALIFIERS: tuple[Qualifier, ...] = (
    Qualifier("cancer", EXO.cancerType, ("CancerType",)),
    Qualifier("drug", EXO.drug, ("Drug",)),
    Qualifier("cell_line", EXO.cellLine, ("CellLine",)),
    Qualifier("donor_cell", EXO.donorCell, ("CellType", "CellLine")),
    Qualifier("recipient_cell", EXO.recipientCell, ("CellType", "CellLine")),
    Qualifier("body_fluid", EXO.bodyFluid, ("BodyFluid",)),
    Qualifier("mechanism", EXO.mechanism, ("Pathway", "BiologicalProcess", "NonCodingRNA", "GeneOrProtein",
                                           "ChemicalEntity", "CellType")),
    Qualifier("biomarker_role", EXO.biomarkerRole, values=BIOMARKER_ROLES),
    Qualifier("model", EXO.model, values=MODELS),
    Qualifier("direction", EXO.direction, values=DIRECTIONS),
)
QUALIFIER_BY_COLUMN = {q.column: q for q in QUALIFIERS}


@dataclass(frozen=True)
class Entity:
    key: str
    type: str
    label: str
    synonyms: tuple[str, ...] = ()
    curie: str | None = None
    xrefs: tuple[str, ...] = ()
    broader: str | None = None
    unnamed: bool = False
    note: str = ""
    origin: str = ""  # file:line it was curated at

    @property
    def iri(self) -> str:
        """The canonical identifier's IRI when mapped, else an ExoKG entity IRI."""
        return curie_to_iri(self.curie) if self.curie else str(ENTITY[self.key])

    @property
    def mapped(self) -> bool:
        return self.curie is not None


@dataclass(frozen=True)
class Provenance:
    section: str
    summary: str
    table_row: int | None = None
    references: tuple[int, ...] = ()


@dataclass(frozen=True)
class Statement:
    id: str
    subject: str
    relation: str
    object: str
    provenance: Provenance
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, values) for non-empty qualifiers
    origin: str = ""

    def qualifier(self, column: str) -> tuple[str, ...]:
        return dict(self.context).get(column, ())


@dataclass(frozen=True)
class Reference:
    number: int
    citation: str = ""
    year: str = ""
    doi: str = ""
    pmid: str = ""

    @property
    def iri(self) -> str:
        if self.pmid:
            return curie_to_iri(f"pubmed:{self.pmid}")
        return reference_iri(self.number)


def review_iri() -> str:
    return curie_to_iri(f"pmc:{REVIEW_PMC}")


def reference_iri(number: int) -> str:
    return str(PUBLICATION[f"{REVIEW_PMC}/reference/{number}"])


def section_iri(number: str) -> str:
    return str(PUBLICATION[f"{REVIEW_PMC}/section/{number}"])


@dataclass
class Curation:
    """Everything the curated tables hold, checked."""

    entities: dict[str, Entity]
    statements: list[Statement]
    sections: dict[str, str]
    references: dict[int, Reference] = field(default_factory=dict)

    def reference(self, number: int) -> Reference:
        return self.references.get(number) or Reference(number)
