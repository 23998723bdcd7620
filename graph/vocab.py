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
    candidateTreatmentFor: object
    differentiatesInto: object
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
    certainty: object
    evidenceLevel: object
    CertaintyScheme: object
    Stated: object
    Hedged: object
    Proposed: object
    Predicted: object
    EvidenceLevelScheme: object
    InSilico: object
    InVitro: object
    InVivo: object
    PatientData: object
    ReviewStatement: object
    source: object
    section: object
    sectionNumber: object
    tableRow: object
    citesReference: object
    inferredReference: object
    referenceNumber: object
    curatorSummary: object
    isMapped: object
    unnamedInSource: object
    curatorNote: object
    curationKey: object
    effectSign: object
    isSymmetric: object


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
