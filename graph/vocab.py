"""Namespaces and the ExoKG vocabulary.

``EXO`` is closed: a typo such as ``EXO.confersResistanceto`` raises AttributeError instead of
minting a new IRI. A test checks that these terms are exactly the ontology's.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace  # noqa: F401

BASE = "https://w3id.org/exokg/"
ONTOLOGY_IRI = BASE + "ontology"
ENTITY = Namespace(BASE + "entity/")
ASSERTION = Namespace(BASE + "assertion/")
PUBLICATION = Namespace(BASE + "publication/")
DATASET = Namespace(BASE + "dataset/")
NAMED_GRAPH = Namespace(BASE + "graph/")  # one named graph per loaded file or imported resource
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")

REVIEW_PMC = "PMC12774554"


class EXO(DefinedNamespace):
    """ExoKG ontology terms (https://w3id.org/exokg/ontology/)."""

    _NS = Namespace(BASE + "ontology/")
    _fail = True

    # classes
    Entity: object
    NonCodingRNA: object
    MicroRNA: object
    CircularRNA: object
    LongNonCodingRNA: object
    GeneOrProtein: object
    ChemicalEntity: object
    Drug: object
    Pathway: object
    BiologicalProcess: object
    CellType: object
    CellLine: object
    Disease: object
    CancerType: object
    BodyFluid: object
    Organism: object
    ExosomePreparation: object
    Therapy: object
    Publication: object
    Section: object
    Assertion: object
    # relations
    confersResistanceTo: object
    reversesResistanceTo: object
    targets: object
    sponges: object
    upregulates: object
    downregulates: object
    regulates: object
    activates: object
    inhibits: object
    promotes: object
    suppresses: object
    secretes: object
    takenUpBy: object
    bindsTo: object
    interactsWith: object
    memberOf: object
    transports: object
    biomarkerFor: object
    detectedIn: object
    delivers: object
    derivedFrom: object
    studiedIn: object
    associatedWith: object
    # qualifiers and provenance
    cancerType: object
    drug: object
    cellLine: object
    donorCell: object
    recipientCell: object
    bodyFluid: object
    mechanism: object
    biomarkerRole: object
    model: object
    direction: object
    source: object
    section: object
    sectionNumber: object
    tableRow: object
    citesReference: object
    referenceNumber: object
    curatorSummary: object
    isMapped: object
    unnamedInSource: object
    curatorNote: object
    curationKey: object
    effectSign: object
    isSymmetric: object
    # imported resources (graph/ingest): knowledge levels, the sources' evidence, dataset counts
    KnowledgeLevel: object
    fromReview: object
    curatedBySource: object
    predicted: object
    knowledgeLevel: object
    experimentType: object
    supportType: object
    evidenceCode: object
    sample: object
    sourceRecord: object
    sourceName: object
    importNote: object
    isNegated: object
    species: object
    sha256: object
    fileName: object
    rowsRead: object
    rowsImported: object
    rowsSkipped: object
    skipReason: object
    rowCount: object


PREFIXES = {
    "exo": str(EXO._NS),
    "exoe": str(ENTITY),
    "exoa": str(ASSERTION),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "void": str(VOID),
    "biolink": str(BIOLINK),
}
