"""The ontology as plain Python data: classes with their parents, relations with label,
definition, sign, domain, range and mappings. Read once from ``ontology/exokg.ttl``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

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
            iri=URIRef(prop),
            label=str(graph.value(prop, RDFS.label)),
            definition=str(graph.value(prop, SKOS.definition)),
            sign=int(graph.value(prop, EXO.effectSign)),
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
