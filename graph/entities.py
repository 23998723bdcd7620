"""Entity index and name resolution.

Everywhere a command takes an entity, the user may write its curation key, label, a synonym or
abbreviation (CIS, GC, P-gp), its CURIE or its IRI; matching ignores case, spaces and
punctuation, and Greek letters match their spelled names (TGF-β = TGF-beta). An ambiguous
name is an error that lists the candidates.

>>> normalize_name("TGF-β")
'tgfbeta'
>>> normalize_name("NF-κB") == normalize_name("NF-kappaB")
True
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import ResolutionError
from .store import cached_beside, store_stamp
from .terms import normalize_name
from .view import Node, nodes_at, view_code_file

ENTITY_QUERY = """
SELECT ?e ?key ?label ?type ?curie ?mapped (GROUP_CONCAT(?syn; separator="\\u001f") AS ?synonyms) WHERE {
  ?e exo:curationKey ?key ; rdfs:label ?label ; a ?cls ; exo:isMapped ?mapped .
  BIND(STRAFTER(STR(?cls), STR(exo:)) AS ?type)
  OPTIONAL { ?e dcterms:identifier ?curie }
  OPTIONAL { ?e skos:altLabel ?syn }
} GROUP BY ?e ?key ?label ?type ?curie ?mapped
"""


# An entity as resolution sees it: the view's node (iri, key, label, type, curie, mapped,
# synonyms, and for a local graph the other columns too).
EntityRecord = Node


class EntityIndex:
    """All entities of a graph, with a name index for resolution."""

    def __init__(self, records: list[EntityRecord]):
        self.records = sorted(records, key=lambda r: r.key)
        self.by_iri = {r.iri: r for r in self.records}
        self.by_key = {r.key: r for r in self.records}
        self._primary: dict[str, set[str]] = {}
        self._synonym: dict[str, set[str]] = {}
        for r in self.records:
            for name in (r.key, r.label):
                self._primary.setdefault(normalize_name(name), set()).add(r.iri)
            if r.curie:
                self._primary.setdefault(r.curie.casefold(), set()).add(r.iri)
            for name in r.synonyms:
                self._synonym.setdefault(normalize_name(name), set()).add(r.iri)

    def __len__(self) -> int:
        return len(self.records)

    def candidates(self, name: str) -> list[EntityRecord]:
        """Every entity the name could mean, best tier first (IRI, key/label/CURIE, synonym)."""
        text = name.strip().strip("<>")
        if text in self.by_iri:
            return [self.by_iri[text]]
        if text in self.by_key:
            return [self.by_key[text]]
        for tier in (self._primary.get(text.casefold()), self._primary.get(normalize_name(text)),
                     self._synonym.get(normalize_name(text))):
            if tier:
                return sorted((self.by_iri[i] for i in tier), key=lambda r: r.key)
        return []

    def resolve(self, name: str, types: tuple[str, ...] | None = None) -> EntityRecord:
        """The one entity ``name`` means; ResolutionError when none or several match.

        ``types`` restricts the candidates to those class names (and is applied before the
        ambiguity check, so "PC" as a cancer is not confused with a cell line).
        """
        if not name.strip():
            raise ResolutionError("an empty name matches no entity. Fix: give a key, label, synonym or CURIE "
                                  "(`exokg find TEXT` lists them)")
        found = self.candidates(name)
        if types:
            found = [r for r in found if r.type in types]
        if len(found) == 1:
            return found[0]
        if not found:
            close = self.search(name, limit=5)
            hint = ("; did you mean " + ", ".join(r.describe() for r in close) + "?") if close else ""
            kind = f" of type {'/'.join(types)}" if types else ""
            raise ResolutionError(f"no entity{kind} matches '{name}'{hint} Fix: try `exokg find {name}`")
        listed = "; ".join(f"{r.describe()}" for r in found)
        raise ResolutionError(f"'{name}' is ambiguous: {listed}. Fix: use one of the keys")

    def search(self, text: str, limit: int | None = None, types: tuple[str, ...] | None = None) -> list[EntityRecord]:
        """Entities whose key, label, CURIE or a synonym contains ``text`` (normalised), exact hits first."""
        wanted = normalize_name(text)
        if not wanted:
            return []
        hits = []
        for r in self.records:
            if types and r.type not in types:
                continue
            names = [normalize_name(n) for n in (r.key, r.label, *(r.synonyms))] + ([r.curie.casefold()] if r.curie else [])
            if wanted in names:
                hits.append((0, r.key, r))
            elif any(wanted in n for n in names):
                hits.append((1, r.key, r))
        hits.sort(key=lambda h: (h[0], h[1]))
        return [h[2] for h in hits[:limit]]


def records(rows) -> list[EntityRecord]:
    """Entity records from the answer to :data:`ENTITY_QUERY`: rows that map its variables to
    pyoxigraph terms (``None`` when unbound), from the embedded store or a remote endpoint."""
    out = []
    for s in rows:
        synonyms = s["synonyms"].value.split("\u001f") if s["synonyms"] is not None and s["synonyms"].value else []
        out.append(EntityRecord(
            iri=s["e"].value, key=s["key"].value, label=s["label"].value, type=s["type"].value,
            curie=s["curie"].value if s["curie"] is not None else None,
            mapped=s["mapped"].value == "true", synonyms=tuple(sorted(synonyms))))
    return out


def entity_index(source: Path | str | None = None, *, engine=None) -> EntityIndex:
    """The entity index of a graph (default: the packaged build), cached per store version.

    With a remote ``engine`` (one with an ``entity_index()`` method, such as
    :class:`graph.remote.RemoteEndpoint`), the index of the graph that engine serves, so names
    resolve to the IRIs the endpoint holds; ``source`` is then not read.
    """
    if hasattr(engine, "entity_index"):
        return engine.entity_index()
    return _entity_index(store_stamp(source), None if source is None else str(source))


@lru_cache(maxsize=4)
def _entity_index(stamp: str, origin: str | None = None) -> EntityIndex:
    return cached_beside(stamp, "entities", view_code_file(), lambda: EntityIndex(list(nodes_at(stamp, origin))))


def resolve(name: str, source: Path | str | None = None, types: tuple[str, ...] | None = None, *,
            engine=None) -> EntityRecord:
    """Resolve a user-given name to one entity of the graph at ``source`` (or served by ``engine``).

    >>> resolve("CIS").key
    'cisplatin'
    >>> resolve("TGF-beta").label
    'TGF-β'
    """
    return entity_index(source, engine=engine).resolve(name, types)
