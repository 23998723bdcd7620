"""Turn the checked curation into one RDF graph.

Each statement becomes the direct triple ``subject relation object`` and an ``exo:Assertion``
node (an ``rdf:Statement``) in the same graph, carrying context and provenance, so simple SPARQL
stays simple while context and provenance stay queryable. No blank nodes are made, so the
graph serialises the same way every time.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .curation import NONCHARACTER_CLASS, character_name
from .errors import UnwritableValueError
from .identifiers import curie_to_iri
from .model import QUALIFIER_BY_COLUMN, Curation, reference_iri, review_iri, section_iri
from .ontology import load_ontology
from .vocab import ASSERTION, EXO, PREFIXES, REVIEW_PMC

REVIEW_TITLE = ("The Role of Exosomes as a Key Factor of Cytostatic Resistance in Cancer: Mechanisms of Action, "
                "Potential Biomarkers, and Possible Exosome-Based Therapies")
REVIEW_LABEL = "Kałużna et al. 2025 (PMC12774554)"


# Characters no writer puts out: NUL (XML cannot hold it and rapper cuts a value short at it),
# Unicode noncharacters (U+FDD0-U+FDEF and the last two code points of every plane; XML forbids
# U+FFFE and U+FFFF, and rapper refuses or truncates them in every syntax) and lone surrogates
# (not encodable as UTF-8).
UNWRITABLE = re.compile(f"[\\x00{NONCHARACTER_CLASS}]")
# C0 controls other than tab, line feed and carriage return: XML 1.0 has no way to write them.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What the text writers escape as \uXXXX (valid inside N-Triples, Turtle, TriG, N-Quads and JSON
# strings, the only place such characters can occur): C0 controls other than tab and line ends
# (the serialisers escape those), DEL, C1 controls and the line and paragraph separators, so that
# no reader that splits lines on them (Python's str.splitlines, JavaScript) breaks a line.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_XML_UNWRITABLE = re.compile(f"{UNWRITABLE.pattern}|{XML_FORBIDDEN.pattern}")


def escape_controls(text: str) -> str:
    r"""Write every character of :data:`CONTROLS` in ``text`` as a ``\uXXXX`` escape.

    >>> print(escape_controls('"a\u2028b\x0bc\x85"'))
    "a\u2028b\u000Bc\u0085"
    """
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def check_writable(graph: Graph, fmt: str, xml: bool = False, error: type[Exception] = UnwritableValueError) -> None:
    """Raise ``error`` naming the first value (in sorted order) that ``fmt`` cannot carry:
    NUL, a noncharacter or a lone surrogate anywhere, or, for XML formats (``xml=True``), a C0 control
    other than tab and line ends."""
    pattern = _XML_UNWRITABLE if xml else UNWRITABLE
    if not pattern.search("\n".join({str(term) for triple in graph for term in triple})):
        return  # the common case, in one pass (neither pattern matches a line feed)
    bad = sorted((str(s), str(p), str(o), str(term)) for s, p, o in graph for term in (s, p, o)
                 if pattern.search(str(term)))
    if bad:
        s, p, o, text = bad[0]
        found = pattern.search(text)
        assert found is not None  # text was picked because it matches
        char = found.group()
        where = f"the object of <{s}> <{p}>" if text == o else f"the IRI <{text!r}>"
        raise error(f"{where} holds {character_name(char)}, which {fmt} cannot carry ({len(bad)} value(s) in all). "
                    "Fix: remove the character from the source graph (exokg build refuses it in the curated tables)")


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def assertion_iri(statement_id: str) -> URIRef:
    return ASSERTION[statement_id]


def curation_to_rdf(curation: Curation) -> Graph:
    """Build the data graph (entities, statements, assertions, sections, publications)."""
    ontology = load_ontology()
    graph = new_graph()
    add = graph.add
    iri = {key: URIRef(entity.iri) for key, entity in curation.entities.items()}

    for key, entity in curation.entities.items():
        node = iri[key]
        add((node, RDF.type, EXO[entity.type]))
        add((node, RDFS.label, Literal(entity.label)))
        add((node, EXO.curationKey, Literal(key)))
        add((node, EXO.isMapped, Literal(entity.mapped)))
        for synonym in entity.synonyms:
            add((node, SKOS.altLabel, Literal(synonym)))
        if entity.curie:
            add((node, DCTERMS.identifier, Literal(entity.curie)))
        for xref in entity.xrefs:
            add((node, SKOS.exactMatch, URIRef(curie_to_iri(xref))))
        if entity.broader:
            add((node, SKOS.broader, iri[entity.broader]))
        if entity.unnamed:
            add((node, EXO.unnamedInSource, Literal(True)))
        if entity.note:
            add((node, EXO.curatorNote, Literal(entity.note)))

    review = URIRef(review_iri())
    add((review, RDF.type, EXO.Publication))
    add((review, RDFS.label, Literal(REVIEW_LABEL)))
    add((review, DCTERMS.title, Literal(REVIEW_TITLE)))
    add((review, DCTERMS.identifier, Literal(f"pmc:{REVIEW_PMC}")))
    add((review, DCTERMS.date, Literal("2025", datatype=XSD.gYear)))

    for section, title in curation.sections.items():
        node = URIRef(section_iri(section))
        add((node, RDF.type, EXO.Section))
        add((node, RDFS.label, Literal(f"{section} {title}" if section[0].isdigit() else title)))
        add((node, EXO.sectionNumber, Literal(section)))
        add((node, DCTERMS.isPartOf, review))

    cited = {n for s in curation.statements for n in (*s.provenance.references, *s.provenance.inferred_references)}
    cited |= set(curation.references)
    for number in sorted(cited):
        ref = curation.reference(number)
        node = URIRef(ref.iri)
        add((node, RDF.type, EXO.Publication))
        add((node, EXO.referenceNumber, Literal(number)))
        add((node, DCTERMS.isReferencedBy, review))
        add((node, RDFS.label, Literal(ref.citation or f"Reference {number} of {REVIEW_LABEL}")))
        if ref.pmid:
            add((node, DCTERMS.identifier, Literal(f"pubmed:{ref.pmid}")))
            if reference_iri(number) != ref.iri:
                add((node, SKOS.exactMatch, URIRef(reference_iri(number))))
        if ref.doi:
            add((node, SKOS.exactMatch, URIRef(curie_to_iri(f"doi:{ref.doi}"))))
        if ref.year:
            add((node, DCTERMS.date, Literal(ref.year, datatype=XSD.gYear)))

    for statement in curation.statements:
        subject, obj = iri[statement.subject], iri[statement.object]
        predicate = ontology.relations[statement.relation].iri
        add((subject, predicate, obj))
        node = assertion_iri(statement.id)
        add((node, RDF.type, EXO.Assertion))
        add((node, RDF.subject, subject))
        add((node, RDF.predicate, predicate))
        add((node, RDF.object, obj))
        for column, values in statement.context:
            qualifier = QUALIFIER_BY_COLUMN[column]
            for value in values:
                add((node, qualifier.predicate, Literal(value) if qualifier.values else iri[value]))
        provenance = statement.provenance
        add((node, EXO.source, review))
        add((node, EXO.section, URIRef(section_iri(provenance.section))))
        add((node, EXO.curatorSummary, Literal(provenance.summary)))
        if provenance.table_row is not None:
            add((node, EXO.tableRow, Literal(provenance.table_row)))
        for number in provenance.references:
            add((node, EXO.citesReference, URIRef(curation.reference(number).iri)))
        for number in provenance.inferred_references:
            add((node, EXO.inferredReference, URIRef(curation.reference(number).iri)))
    return graph
