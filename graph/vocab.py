"""Namespaces and the ExoKG vocabulary.

``EXO`` is closed: a typo such as ``EXO.confersResistanceto`` raises AttributeError instead of
minting a new IRI. A test checks that these terms are exactly the ontology's.

The namespaces as plain strings (``EXO_NS``, ``PREFIXES`` ...) cost nothing to import; the rdflib
objects (``EXO``, ``ENTITY``, ``RDF`` ...) are made on first use, so that the read-only commands,
which never touch rdflib, do not pay for importing it.
"""
from __future__ import annotations

BASE = "https://w3id.org/exokg/"
ONTOLOGY_IRI = BASE + "ontology"
EXO_NS = BASE + "ontology/"
ENTITY_NS = BASE + "entity/"
ASSERTION_NS = BASE + "assertion/"
PUBLICATION_NS = BASE + "publication/"
DATASET_NS = BASE + "dataset/"
NAMED_GRAPH_NS = BASE + "graph/"  # one named graph per loaded file or imported resource
BIOLINK_NS = "https://w3id.org/biolink/vocab/"

REVIEW_PMC = "PMC12774554"

PREFIXES = {
    "exo": EXO_NS,
    "exoe": ENTITY_NS,
    "exoa": ASSERTION_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "biolink": BIOLINK_NS,
}

_RDFLIB_NAMES = frozenset({"ENTITY", "ASSERTION", "PUBLICATION", "DATASET", "NAMED_GRAPH", "BIOLINK", "EXO", "Namespace",
                           "DCTERMS", "OWL", "RDF", "RDFS", "SKOS", "VOID", "XSD", "DefinedNamespace"})


def _rdflib_terms() -> dict:
    from rdflib import Namespace
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

    class EXO(DefinedNamespace):
        """ExoKG ontology terms (https://w3id.org/exokg/ontology/)."""

        _NS = Namespace(EXO_NS)
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

    return {"ENTITY": Namespace(ENTITY_NS), "ASSERTION": Namespace(ASSERTION_NS), "PUBLICATION": Namespace(PUBLICATION_NS),
            "DATASET": Namespace(DATASET_NS), "NAMED_GRAPH": Namespace(NAMED_GRAPH_NS), "BIOLINK": Namespace(BIOLINK_NS), "EXO": EXO, "Namespace": Namespace,
            "DCTERMS": DCTERMS, "OWL": OWL, "RDF": RDF, "RDFS": RDFS, "SKOS": SKOS, "VOID": VOID, "XSD": XSD,
            "DefinedNamespace": DefinedNamespace}


def __getattr__(name: str):
    if name in _RDFLIB_NAMES:
        globals().update(_rdflib_terms())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
