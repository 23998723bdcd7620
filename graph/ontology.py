"""The ontology as plain Python data: classes with their parents, relations with label,
definition, sign, domain, range and mappings. Read once from ``ontology/exokg.ttl`` with
pyoxigraph's parser (rdflib is imported only when :attr:`Ontology.graph` is asked for).

Every command that takes a relation or an entity type turns the user's spelling into the
ontology's name with :meth:`Ontology.relation_named` and :meth:`Ontology.class_named`."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from .errors import OntologyNameError
from .terms import normalize_name
from .vocab import EXO_NS, PREFIXES

ONTOLOGY_FILE = "exokg.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Relation:
    name: str  # local name, as written in the curation tables
    uri: str  # the IRI as a plain string
    label: str
    definition: str
    sign: int
    domain: frozenset[str]  # class local names
    range: frozenset[str]
    symmetric: bool
    exact_matches: tuple[str, ...]
    close_matches: tuple[str, ...]

    @property
    def iri(self):
        """The IRI as an rdflib term (imports rdflib)."""
        from rdflib import URIRef

        return URIRef(self.uri)


@dataclass(frozen=True)
class Ontology:
    version: str
    classes: dict[str, frozenset[str]]  # class -> itself and every ancestor
    class_labels: dict[str, str]
    relations: dict[str, Relation]

    @property
    def graph(self):
        """The ontology as an rdflib Graph (parsed on first use; imports rdflib)."""
        return _rdflib_graph()

    def is_a(self, cls: str, ancestor: str) -> bool:
        return ancestor in self.classes.get(cls, frozenset())

    def fits(self, cls: str, allowed: frozenset[str]) -> bool:
        return any(self.is_a(cls, a) for a in allowed)

    @property
    def entity_classes(self) -> list[str]:
        """Classes an entity may have (everything under exo:Entity but Entity itself)."""
        return sorted(c for c, ancestors in self.classes.items() if "Entity" in ancestors and c != "Entity")

    def relation_named(self, text: str) -> str:
        """The name of the relation ``text`` means: its name or its label, in any case, with or
        without spaces and punctuation, optionally as ``exo:name`` or the full IRI.

        >>> ontology = load_ontology()
        >>> ontology.relation_named("confers resistance to"), ontology.relation_named("CONFERS_RESISTANCE_TO")
        ('confersResistanceTo', 'confersResistanceTo')
        >>> ontology.relation_named("binds"), ontology.relation_named("exo:bindsTo")
        ('bindsTo', 'bindsTo')
        >>> ontology.relation_named("causes")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        graph.errors.OntologyNameError: unknown relation 'causes'. Fix: use one of activates, associatedWith, ...

        OntologyNameError also when a spelling could mean two relations (it lists them).
        """
        return _named(text, {name: r.label for name, r in self.relations.items()}, "relation")

    def class_named(self, text: str, entity_only: bool = False) -> str:
        """The name of the class ``text`` means, spelled as for :meth:`relation_named`;
        ``entity_only`` admits only the classes an entity may have (:attr:`entity_classes`).

        >>> ontology = load_ontology()
        >>> ontology.class_named("cell type"), ontology.class_named("celltype"), ontology.class_named("exo:CellType")
        ('CellType', 'CellType', 'CellType')
        >>> ontology.class_named("long non-coding RNA", entity_only=True), ontology.class_named("microrna")
        ('LongNonCodingRNA', 'MicroRNA')
        >>> ontology.class_named("section", entity_only=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        graph.errors.OntologyNameError: unknown entity type 'section'. Fix: use one of BiologicalProcess, ...
        """
        names = self.entity_classes if entity_only else sorted(self.classes)
        return _named(text, {name: self.class_labels.get(name, name) for name in names},
                      "entity type" if entity_only else "class")


def _named(text: str, labels: dict[str, str], what: str) -> str:
    """The one name in ``labels`` (name -> label) that ``text`` spells: exact spellings first, then
    ignoring case, then ignoring case, white space and punctuation (:func:`graph.terms.normalize_name`)."""
    given = text.strip()
    wanted = given.strip("<>")
    for prefix in (EXO_NS, "exo:"):
        if wanted.casefold().startswith(prefix):
            wanted = wanted[len(prefix):]
    for spelling in (str, str.casefold, normalize_name):
        found = sorted(name for name, label in labels.items() if spelling(wanted) in (spelling(name), spelling(label)))
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(f"{name} ({labels[name]})" for name in found)
            raise OntologyNameError(f"{what} '{given}' is ambiguous: {listed}", f"use one of {', '.join(found)}", found)
    raise OntologyNameError(f"unknown {what} '{given}'", f"use one of {', '.join(labels)}", list(labels))


def ontology_text(name: str = ONTOLOGY_FILE) -> str:
    from importlib import resources  # on first use: importing it costs more than this whole module

    return resources.files("graph.owl").joinpath(name).read_text(encoding="utf-8")


RDF, RDFS, OWL, SKOS = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos"))


def _local(iri: str) -> str:
    return iri.removeprefix(EXO_NS)


@lru_cache(maxsize=1)
def _rdflib_graph():
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=ontology_text(), format="turtle")
    return graph


class _Triples:
    """The ontology's triples, indexed by subject and predicate (plain strings and terms)."""

    def __init__(self, text: str):
        self.by_sp: dict[tuple[str, str], list] = {}
        for triple in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
            key = (_key(triple.subject), triple.predicate.value)
            self.by_sp.setdefault(key, []).append(triple.object)

    def objects(self, subject: str, predicate: str) -> list:
        return self.by_sp.get((subject, predicate), [])

    def value(self, subject: str, predicate: str):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str | None = None) -> list[str]:
        return sorted({s for (s, p), objects in self.by_sp.items() if p == predicate
                       and (obj is None or any(_key(o) == obj for o in objects))})


def _key(term) -> str:
    """A term as a string key: IRIs as themselves, blank nodes as ``_:id``, literals as their value."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _class_set(triples: _Triples, node) -> frozenset[str]:
    union = triples.value(_key(node), OWL + "unionOf")
    if union is None:
        return frozenset({_local(_key(node))})
    members, item = [], union
    while item is not None and _key(item) != RDF + "nil":
        members.append(_local(_key(triples.value(_key(item), RDF + "first"))))
        item = triples.value(_key(item), RDF + "rest")
    return frozenset(members)


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    triples = _Triples(ontology_text())
    owl_classes = triples.subjects(RDF + "type", OWL + "Class")
    parents = {_local(c): {_local(p.value) for p in triples.objects(c, RDFS + "subClassOf") if p.value.startswith(EXO_NS)}
               for c in owl_classes if not c.startswith("_:")}

    def ancestors(cls: str) -> frozenset[str]:
        seen, todo = {cls}, list(parents.get(cls, ()))
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(parents.get(nxt, ()))
        return frozenset(seen)

    def text(subject: str, predicate: str) -> str:
        term = triples.value(subject, predicate)
        return term.value if term is not None else "None"

    relations = {}
    for prop in triples.subjects(EXO_NS + "effectSign"):
        name = _local(prop)
        relations[name] = Relation(
            name=name,
            uri=prop,
            label=text(prop, RDFS + "label"),
            definition=text(prop, SKOS + "definition"),
            sign=int(triples.value(prop, EXO_NS + "effectSign").value),
            domain=_class_set(triples, triples.value(prop, RDFS + "domain")),
            range=_class_set(triples, triples.value(prop, RDFS + "range")),
            symmetric=any(o.value == OWL + "SymmetricProperty" for o in triples.objects(prop, RDF + "type")),
            exact_matches=tuple(sorted(o.value for o in triples.objects(prop, SKOS + "exactMatch"))),
            close_matches=tuple(sorted(o.value for o in triples.objects(prop, SKOS + "closeMatch"))),
        )
    return Ontology(
        version=text(EXO_NS.rstrip("/"), OWL + "versionInfo"),
        classes={c: ancestors(c) for c in parents},
        class_labels={_local(c): text(c, RDFS + "label") for c in owl_classes if not c.startswith("_:")},
        relations=dict(sorted(relations.items())),
    )
