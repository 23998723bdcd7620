"""Turn the checked curation into one RDF graph, as a stream of N-Triples lines.

Each statement becomes the direct triple ``subject relation object`` and an ``exo:Assertion``
node (an ``rdf:Statement``) in the same graph, carrying context and provenance, so simple SPARQL
stays simple while context and provenance stay queryable. No blank nodes are made, so the
graph serialises the same way every time. The lines are made straight from the typed model, with
no graph in memory, so a build of any size streams them into its store and files.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rdflib import Graph, URIRef

from .curation import NONCHARACTER_CLASS, character_name
from .errors import UnwritableValueError
from .identifiers import curie_to_iri
from .model import QUALIFIER_BY_COLUMN, Curation, reference_iri, review_iri, section_iri
from .ontology import load_ontology
from .vocab import ASSERTION, ASSERTION_NS, EXO_NS, PREFIXES, REVIEW_PMC

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


# Characters an N-Triples IRI cannot hold (its IRIREF excludes them): such an IRI would not parse back.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ASCII_SPECIAL = re.compile(r'[\x00-\x1f\x7f\\"]')  # what an ASCII literal may need escaped or refused
_XSD = PREFIXES["xsd"]
_RDF_NS, _RDFS_NS, _SKOS_NS, _DCTERMS_NS = (PREFIXES[p] for p in ("rdf", "rdfs", "skos", "dcterms"))


def nt_iri(value: str) -> str:
    """An IRI as an N-Triples term; one that N-Triples cannot carry raises :class:`UnwritableValueError`.

    >>> nt_iri("https://w3id.org/exokg/entity/miR-522")
    '<https://w3id.org/exokg/entity/miR-522>'
    """
    found = _IRI_FORBIDDEN.search(value) or (None if value.isascii() else UNWRITABLE.search(value))
    if found:
        raise UnwritableValueError(f"the IRI <{value!r}> holds {character_name(found.group())}, which N-Triples "
                                   "cannot carry. Fix: correct the identifier (CURIE, PMID or DOI) in the curated tables")
    return f"<{value}>"


def nt_literal(value: str | int | bool, datatype: str | None = None) -> str:
    r"""A literal as an N-Triples term, escaped as rdflib's writer escapes it (backslash, quote, line
    feed, carriage return) and with :data:`CONTROLS` as ``\uXXXX``; a ``bool`` or ``int`` gets its
    XSD datatype, ``datatype`` names another one (``gYear``).

    >>> print(nt_literal('say "hi"'), nt_literal(True), nt_literal(3))
    "say \"hi\"" "true"^^<http://www.w3.org/2001/XMLSchema#boolean> "3"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    if isinstance(value, bool):
        text, datatype = ("true" if value else "false"), "boolean"
    elif isinstance(value, int):
        text, datatype = str(value), "integer"
    else:
        text = value
    if text.isascii() and not _ASCII_SPECIAL.search(text):  # most values: nothing to check or escape
        return f'"{text}"^^<{_XSD}{datatype}>' if datatype else f'"{text}"'
    found = UNWRITABLE.search(text)
    if found:
        raise UnwritableValueError(f"the value {text[:60]!r} holds {character_name(found.group())}, which N-Triples "
                                   "cannot carry. Fix: remove the character from the curated tables")
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    text = escape_controls(text)
    return f'"{text}"^^<{_XSD}{datatype}>' if datatype else f'"{text}"'


def curation_lines(curation: Curation) -> Iterator[str]:
    """The data graph (entities, statements, assertions, sections, publications) as N-Triples
    lines without their line end, in the order of the tables. A triple can come more than once
    (two statements with the same subject, relation and object); the writer drops repeats. No
    graph is held in memory, so a curation of any size streams through."""
    ontology = load_ontology()
    exo = {name: nt_iri(EXO_NS + name) for name in (
        "curationKey", "isMapped", "unnamedInSource", "curatorNote", "Publication", "Section", "sectionNumber",
        "referenceNumber", "Assertion", "source", "section", "curatorSummary", "tableRow", "citesReference",
        "inferredReference")}
    a, label = nt_iri(_RDF_NS + "type"), nt_iri(_RDFS_NS + "label")
    alt, exact, broader = (nt_iri(_SKOS_NS + n) for n in ("altLabel", "exactMatch", "broader"))
    identifier, is_part_of, referenced_by, date, title = (
        nt_iri(_DCTERMS_NS + n) for n in ("identifier", "isPartOf", "isReferencedBy", "date", "title"))
    iri = {key: nt_iri(entity.iri) for key, entity in curation.entities.items()}

    for key, entity in curation.entities.items():
        node = iri[key]
        yield f"{node} {a} {nt_iri(EXO_NS + entity.type)} ."
        yield f"{node} {label} {nt_literal(entity.label)} ."
        yield f"{node} {exo['curationKey']} {nt_literal(key)} ."
        yield f"{node} {exo['isMapped']} {nt_literal(entity.mapped)} ."
        for synonym in entity.synonyms:
            yield f"{node} {alt} {nt_literal(synonym)} ."
        if entity.curie:
            yield f"{node} {identifier} {nt_literal(entity.curie)} ."
        for xref in entity.xrefs:
            yield f"{node} {exact} {nt_iri(curie_to_iri(xref))} ."
        if entity.broader:
            yield f"{node} {broader} {iri[entity.broader]} ."
        if entity.unnamed:
            yield f"{node} {exo['unnamedInSource']} {nt_literal(True)} ."
        if entity.note:
            yield f"{node} {exo['curatorNote']} {nt_literal(entity.note)} ."

    review = nt_iri(review_iri())
    yield f"{review} {a} {exo['Publication']} ."
    yield f"{review} {label} {nt_literal(REVIEW_LABEL)} ."
    yield f"{review} {title} {nt_literal(REVIEW_TITLE)} ."
    yield f"{review} {identifier} {nt_literal(f'pmc:{REVIEW_PMC}')} ."
    yield f"{review} {date} {nt_literal('2025', 'gYear')} ."

    sections = {section: nt_iri(section_iri(section)) for section in curation.sections}
    for section, section_title in curation.sections.items():
        node = sections[section]
        yield f"{node} {a} {exo['Section']} ."
        yield f"{node} {label} {nt_literal(f'{section} {section_title}' if section[0].isdigit() else section_title)} ."
        yield f"{node} {exo['sectionNumber']} {nt_literal(section)} ."
        yield f"{node} {is_part_of} {review} ."

    cited = {n for s in curation.statements for n in (*s.provenance.references, *s.provenance.inferred_references)}
    cited |= set(curation.references)
    references: dict[int, str] = {}
    for number in sorted(cited):
        ref = curation.reference(number)
        node = references[number] = nt_iri(ref.iri)
        yield f"{node} {a} {exo['Publication']} ."
        yield f"{node} {exo['referenceNumber']} {nt_literal(number)} ."
        yield f"{node} {referenced_by} {review} ."
        yield f"{node} {label} {nt_literal(ref.citation or f'Reference {number} of {REVIEW_LABEL}')} ."
        if ref.pmid:
            yield f"{node} {identifier} {nt_literal(f'pubmed:{ref.pmid}')} ."
            if reference_iri(number) != ref.iri:
                yield f"{node} {exact} {nt_iri(reference_iri(number))} ."
        if ref.doi:
            yield f"{node} {exact} {nt_iri(curie_to_iri(f'doi:{ref.doi}'))} ."
        if ref.year:
            yield f"{node} {date} {nt_literal(str(ref.year), 'gYear')} ."

    predicates = {name: nt_iri(relation.uri) for name, relation in ontology.relations.items()}
    qualifiers = {column: (nt_iri(q.uri), bool(q.values)) for column, q in QUALIFIER_BY_COLUMN.items()}
    enum_literal = lru_cache(maxsize=None)(nt_literal)  # qualifier values repeat: one term each
    subject_p, predicate_p, object_p = (nt_iri(_RDF_NS + n) for n in ("subject", "predicate", "object"))
    for statement in curation.statements:
        subject, obj = iri[statement.subject], iri[statement.object]
        predicate = predicates[statement.relation]
        yield f"{subject} {predicate} {obj} ."
        node = f"<{ASSERTION_NS}{statement.id}>"  # the reader keeps ids to [A-Za-z0-9_.-]
        yield f"{node} {a} {exo['Assertion']} ."
        yield f"{node} {subject_p} {subject} ."
        yield f"{node} {predicate_p} {predicate} ."
        yield f"{node} {object_p} {obj} ."
        for column, values in statement.context:
            qualifier, literal = qualifiers[column]
            for value in values:
                yield f"{node} {qualifier} {enum_literal(value) if literal else iri[value]} ."
        provenance = statement.provenance
        yield f"{node} {exo['source']} {review} ."
        yield f"{node} {exo['section']} {sections[provenance.section]} ."
        yield f"{node} {exo['curatorSummary']} {nt_literal(provenance.summary)} ."
        if provenance.table_row is not None:
            yield f"{node} {exo['tableRow']} {nt_literal(provenance.table_row)} ."
        for number in provenance.references:
            yield f"{node} {exo['citesReference']} {references[number]} ."
        for number in provenance.inferred_references:
            yield f"{node} {exo['inferredReference']} {references[number]} ."
