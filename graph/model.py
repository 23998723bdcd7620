"""The typed model between the curated tables and the RDF graph.

A :class:`Statement` cannot be made without a :class:`Provenance`: no fact exists without the
section it came from and a curator summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .identifiers import curie_to_iri
from .vocab import ENTITY_NS, EXO_NS, PUBLICATION_NS, REVIEW_PMC

REFERENCE_RANGE = range(1, 218)  # the review cites references 1-217
BIOMARKER_ROLES = ("diagnostic", "prognostic", "predictive", "monitoring")
MODELS = ("in vitro", "in vivo", "xenograft", "PDX", "patient samples", "in silico")
DIRECTIONS = ("up", "down")
# how firmly the review puts the fact, read from the sentence it came from (see CURATION.md)
CERTAINTIES = ("stated", "hedged", "proposed", "predicted")
# what kind of evidence the text reports behind the fact; the `model` qualifier feeds it
EVIDENCE_LEVELS = ("in_silico", "in_vitro", "in_vivo", "patient", "review_statement")
MODEL_EVIDENCE = {"in vitro": "in_vitro", "in vivo": "in_vivo", "xenograft": "in_vivo", "PDX": "in_vivo",
                  "patient samples": "patient", "in silico": "in_silico"}


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
    name: str  # local name of the assertion property in the ontology
    allowed_types: tuple[str, ...] = ()  # for entity-valued qualifiers
    values: tuple[str, ...] = ()  # for enumerated literal qualifiers

    @property
    def uri(self) -> str:
        """The property's IRI as a plain string."""
        return EXO_NS + self.name

    @property
    def predicate(self):
        """The property as an rdflib term (imports rdflib)."""
        from .vocab import EXO

        return EXO[self.name]


QUALIFIERS: tuple[Qualifier, ...] = (
    Qualifier("cancer", "cancerType", ("CancerType",)),
    Qualifier("drug", "drug", ("Drug",)),
    Qualifier("cell_line", "cellLine", ("CellLine",)),
    Qualifier("donor_cell", "donorCell", ("CellType", "CellLine")),
    Qualifier("recipient_cell", "recipientCell", ("CellType", "CellLine")),
    Qualifier("body_fluid", "bodyFluid", ("BodyFluid",)),
    Qualifier("mechanism", "mechanism", ("Pathway", "BiologicalProcess", "NonCodingRNA", "GeneOrProtein",
                                        "ChemicalEntity", "CellType")),
    Qualifier("biomarker_role", "biomarkerRole", values=BIOMARKER_ROLES),
    Qualifier("model", "model", values=MODELS),
    Qualifier("direction", "direction", values=DIRECTIONS),
    Qualifier("certainty", "certainty", values=CERTAINTIES),
    Qualifier("evidence_level", "evidenceLevel", values=EVIDENCE_LEVELS),
)
REQUIRED_QUALIFIERS = ("certainty", "evidence_level")  # one value each, on every statement
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
        return curie_to_iri(self.curie) if self.curie else ENTITY_NS + self.key

    @property
    def mapped(self) -> bool:
        return self.curie is not None


@dataclass(frozen=True)
class Provenance:
    section: str
    summary: str
    table_row: int | None = None
    references: tuple[int, ...] = ()  # printed with the fact in the review
    inferred_references: tuple[int, ...] = ()  # taken from the fact's passage, not printed with it


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

    @property
    def certainty(self) -> str:
        return self.qualifier("certainty")[0]

    @property
    def evidence_level(self) -> str:
        return self.qualifier("evidence_level")[0]


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
    return f"{PUBLICATION_NS}{REVIEW_PMC}/reference/{number}"


def section_iri(number: str) -> str:
    return f"{PUBLICATION_NS}{REVIEW_PMC}/section/{number}"


@dataclass
class Curation:
    """Everything the curated tables hold, checked."""

    entities: dict[str, Entity]
    statements: list[Statement]
    sections: dict[str, str]
    references: dict[int, Reference] = field(default_factory=dict)

    def reference(self, number: int) -> Reference:
        return self.references.get(number) or Reference(number)
