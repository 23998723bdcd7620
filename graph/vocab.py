"""Namespaces and the ExoKG vocabulary.

``EXO`` is closed: a typo such as ``EXO.confersResistanceto`` raises AttributeError instead of
minting a new IRI. A test checks that these terms are exactly the ontology's.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
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
    Entity: URIRef
    NonCodingRNA: URIRef
    MicroRNA: URIRef
    CircularRNA: URIRef
    LongNonCodingRNA: URIRef
    GeneOrProtein: URIRef
    ChemicalEntity: URIRef
    Drug: URIRef
    Pathway: URIRef
    BiologicalProcess: URIRef
    CellType: URIRef
    CellLine: URIRef
    Disease: URIRef
    CancerType: URIRef
    BodyFluid: URIRef
    Organism: URIRef
    ExosomePreparation: URIRef
    Therapy: URIRef
    Publication: URIRef
    Section: URIRef
    Assertion: URIRef
    # relations
    confersResistanceTo: URIRef
    reversesResistanceTo: URIRef
    targets: URIRef
    sponges: URIRef
    upregulates: URIRef
    downregulates: URIRef
    regulates: URIRef
    activates: URIRef
    inhibits: URIRef
    promotes: URIRef
    suppresses: URIRef
    secretes: URIRef
    takenUpBy: URIRef
    bindsTo: URIRef
    interactsWith: URIRef
    memberOf: URIRef
    transports: URIRef
    biomarkerFor: URIRef
    detectedIn: URIRef
    delivers: URIRef
    derivedFrom: URIRef
    studiedIn: URIRef
    associatedWith: URIRef
    # qualifiers and provenance
    cancerType: URIRef
    drug: URIRef
    cellLine: URIRef
    donorCell: URIRef
    recipientCell: URIRef
    bodyFluid: URIRef
    mechanism: URIRef
    biomarkerRole: URIRef
    model: URIRef
    direction: URIRef
    source: URIRef
    section: URIRef
    sectionNumber: URIRef
    tableRow: URIRef
    citesReference: URIRef
    referenceNumber: URIRef
    curatorSummary: URIRef
    isMapped: URIRef
    unnamedInSource: URIRef
    curatorNote: URIRef
    curationKey: URIRef
    effectSign: URIRef
    isSymmetric: URIRef


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
