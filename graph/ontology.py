"""The ontology as plain Python data: classes with their parents, relations with label,
definition, sign, domain, range and mappings. Read once from ``ontology/exokg.ttl``.

Every command that takes a relation or an entity type turns the user's spelling into the
ontology's name with :meth:`Ontology.relation_named` and :meth:`Ontology.class_named`."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .errors import OntologyNameError
from .terms import normalize_name
from .vocab import EXO

ONTOLOGY_FILE = "exokg.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Relation:
    name: str  # local name, as written in the curation tables
    iri: URIRef
    label: str
    definition: str
    sign: int
    domain: frozenset[str]  # class local names
    range: frozenset[str]
    symmetric: bool
    exact_matches: tuple[str, ...]
    close_matches: tuple[str, ...]


@dataclass(frozen=True)
class Ontology:
    graph: Graph
    version: str
    classes: dict[str, frozenset[str]]  # class -> itself and every ancestor
    class_labels: dict[str, str]
    relations: dict[str, Relation]

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
    for prefix in (str(EXO._NS), "exo:"):
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
    return resources.files("graph.owl").joinpath(name).read_text(encoding="utf-8")


def _local(iri) -> str:
    return str(iri).removeprefix(str(EXO._NS))


def _class_set(graph: Graph, node) -> frozenset[str]:
    union = graph.value(node, OWL.unionOf)
    members = Collection(graph, union) if union is not None else [node]
    return frozenset(_local(m) for m in members)


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    graph = Graph()
    graph.parse(data=ontology_text(), format="turtle")
    parents = {_local(c): {_local(p) for p in graph.objects(c, RDFS.subClassOf) if str(p).startswith(str(EXO._NS))}
               for c in graph.subjects(RDF.type, OWL.Class)}

    def ancestors(cls: str) -> frozenset[str]:
        seen, todo = {cls}, list(parents.get(cls, ()))
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(parents.get(nxt, ()))
        return frozenset(seen)

    relations = {}
    for prop in graph.subjects(EXO.effectSign, None):
        name = _local(prop)
        relations[name] = Relation(
            name=name,
            iri=URIRef(str(prop)),
            label=str(graph.value(prop, RDFS.label)),
            definition=str(graph.value(prop, SKOS.definition)),
            sign=int(str(graph.value(prop, EXO.effectSign))),
            domain=_class_set(graph, graph.value(prop, RDFS.domain)),
            range=_class_set(graph, graph.value(prop, RDFS.range)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
            exact_matches=tuple(sorted(str(m) for m in graph.objects(prop, SKOS.exactMatch))),
            close_matches=tuple(sorted(str(m) for m in graph.objects(prop, SKOS.closeMatch))),
        )
    return Ontology(
        graph=graph,
        version=str(graph.value(URIRef(str(EXO._NS).rstrip("/")), OWL.versionInfo)),
        classes={c: ancestors(c) for c in parents},
        class_labels={_local(c): str(graph.value(c, RDFS.label)) for c in graph.subjects(RDF.type, OWL.Class)},
        relations=dict(sorted(relations.items())),
    )
