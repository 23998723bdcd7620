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

import marshal
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import ResolutionError
from .store import cached_beside, store_stamp
from .terms import normalize_name

if TYPE_CHECKING:
    from .view import Node

    EntityRecord = Node

ENTITY_QUERY = """
SELECT ?e ?key ?label ?type ?curie ?mapped (GROUP_CONCAT(?syn; separator="\\u001f") AS ?synonyms) WHERE {
  ?e exo:curationKey ?key ; rdfs:label ?label ; a ?cls ; exo:isMapped ?mapped .
  BIND(STRAFTER(STR(?cls), STR(exo:)) AS ?type)
  OPTIONAL { ?e dcterms:identifier ?curie }
  OPTIONAL { ?e skos:altLabel ?syn }
} GROUP BY ?e ?key ?label ?type ?curie ?mapped
"""


# An entity as resolution sees it: the view's node (iri, key, label, type, curie, mapped,
# synonyms, and for a local graph the other columns too). ``EntityRecord`` is graph.view.Node,
# imported on first use (module __getattr__ below), so that resolving a name to its IRI
# (:func:`resolve_iri`, what the question commands need) does not import the view.


def __getattr__(name: str):
    if name == "EntityRecord":
        from .view import Node

        return Node
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def view_code() -> str:
    """graph/view.py, whose code decides what an entity record holds and whether a graph passes its
    check: caches of them are keyed on it. Found without importing the view."""
    return os.path.join(os.path.dirname(__file__), "view.py")


class NameIndex:
    """Which entities each name can mean, as plain strings (IRIs, keys, types): what resolution
    looks up, kept on disk beside the store version in buckets (:class:`NameShards`)."""

    def __init__(self, types: dict[str, str], keys: dict[str, str], primary: dict[str, tuple[str, ...]],
                 synonym: dict[str, tuple[str, ...]]):
        self.types, self.keys, self.primary, self.synonym = types, keys, primary, synonym

    @classmethod
    def of(cls, records: list[EntityRecord]) -> NameIndex:
        records = sorted(records, key=lambda r: r.key)
        key_of = {r.iri: r.key for r in records}
        primary: dict[str, set[str]] = {}
        synonym: dict[str, set[str]] = {}
        for r in records:
            for name in (r.key, r.label):
                primary.setdefault(normalize_name(name), set()).add(r.iri)
            if r.curie:
                primary.setdefault(r.curie.casefold(), set()).add(r.iri)
            for name in r.synonyms:
                synonym.setdefault(normalize_name(name), set()).add(r.iri)
        # each tier's IRIs in key order: the order candidates are listed in
        return cls({r.iri: r.type for r in records}, {r.key: r.iri for r in records},
                   {n: tuple(sorted(iris, key=key_of.__getitem__)) for n, iris in primary.items()},
                   {n: tuple(sorted(iris, key=key_of.__getitem__)) for n, iris in synonym.items()})

    def candidates(self, name: str) -> tuple[str, ...]:
        """The IRIs of every entity the name could mean, best tier first (IRI, key, key/label/CURIE,
        synonym), in key order."""
        text = name.strip().strip("<>")
        if text in self.types:
            return (text,)
        if text in self.keys:
            return (self.keys[text],)
        for tier in (self.primary.get(text.casefold()), self.primary.get(normalize_name(text)),
                     self.synonym.get(normalize_name(text))):
            if tier:
                return tier
        return ()


class EntityIndex:
    """All entities of a graph, with a name index for resolution."""

    def __init__(self, records: list[EntityRecord]):
        self.records = sorted(records, key=lambda r: r.key)
        self.by_iri = {r.iri: r for r in self.records}
        self.by_key = {r.key: r for r in self.records}
        self.names = NameIndex.of(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def candidates(self, name: str) -> list[EntityRecord]:
        """Every entity the name could mean, best tier first (IRI, key/label/CURIE, synonym)."""
        return [self.by_iri[i] for i in self.names.candidates(name)]

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
    from .view import Node

    out = []
    for s in rows:
        synonyms = s["synonyms"].value.split("\u001f") if s["synonyms"] is not None and s["synonyms"].value else []
        out.append(Node(
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
    def compute() -> EntityIndex:
        from .view import nodes_at

        return EntityIndex(list(nodes_at(stamp, origin)))

    return cached_beside(stamp, "entities", (view_code(), __file__), compute)


SHARDS = 256  # buckets of the name index on disk; a lookup reads the one or two its names fall in


def _bucket(name: str) -> int:
    import zlib

    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % SHARDS


class NameShards:
    """The name index of a local graph as a file beside the store version, in SHARDS buckets by
    name, each read on demand: resolving a name reads one to three small buckets instead of the
    whole index (about 2 ms of every start on the curated graph, and growing with the entities).

    A bucket maps ``"i" + IRI`` to the entity's brief (type, key, label, CURIE, mapped, synonyms),
    ``"k" + key`` to its IRI, and ``"p"``/``"s"`` + a name (primary: key, label, CURIE; synonym)
    to the IRIs and types of the entities it names, flat, in key order. The file is 4 bytes (the
    length of the table), the table of bucket offsets and the buckets, each kept with marshal."""

    def __init__(self, path: Path):
        self.path = path
        self.buckets: dict[int, dict] = {}
        with open(path, "rb") as handle:
            head = handle.read(4)
            table = marshal.loads(handle.read(int.from_bytes(head, "little")))
        if len(head) != 4 or not isinstance(table, tuple) or len(table) != SHARDS + 1:
            raise ValueError(f"{path} is not a name index")
        self.offsets, self.start = table, 4 + int.from_bytes(head, "little")

    def get(self, entry: str):
        number = _bucket(entry[1:])
        if number not in self.buckets:
            with open(self.path, "rb") as handle:
                handle.seek(self.start + self.offsets[number])
                self.buckets[number] = marshal.loads(handle.read(self.offsets[number + 1] - self.offsets[number]))
        return self.buckets[number].get(entry)

    def candidates(self, name: str) -> tuple[tuple[str, str], ...]:
        """(IRI, type) of every entity the name could mean, as :meth:`NameIndex.candidates` finds them."""
        text = name.strip().strip("<>")
        brief = self.get("i" + text)
        if brief is not None:
            return ((text, brief[0]),)
        iri = self.get("k" + text)
        if iri is not None:
            return ((iri, self.get("i" + iri)[0]),)
        for entry in ("p" + text.casefold(), "p" + normalize_name(text), "s" + normalize_name(text)):
            found = self.get(entry)
            if found:
                return tuple(zip(found[::2], found[1::2]))
        return ()

    @staticmethod
    def write(path: Path, index: EntityIndex) -> None:
        buckets: list[dict] = [{} for _ in range(SHARDS)]

        def put(entry: str, value) -> None:
            buckets[_bucket(entry[1:])][entry] = value

        names = index.names
        for r in index.records:
            put("i" + r.iri, (r.type, r.key, r.label, r.curie, r.mapped, tuple(r.synonyms)))
            put("k" + r.key, r.iri)
        for tier, tier_names in (("p", names.primary), ("s", names.synonym)):
            for name, iris in tier_names.items():
                put(tier + name, tuple(value for iri in iris for value in (iri, names.types[iri])))
        blobs = [marshal.dumps(bucket) for bucket in buckets]
        offsets = [0]
        for blob in blobs:
            offsets.append(offsets[-1] + len(blob))
        table = marshal.dumps(tuple(offsets))
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}")
        try:
            with open(tmp, "wb") as out:
                out.write(len(table).to_bytes(4, "little") + table + b"".join(blobs))
            os.replace(tmp, path)
        except OSError:  # an unwritable folder: the index is made again next time
            tmp.unlink(missing_ok=True)
            raise


@lru_cache(maxsize=4)
def _name_shards(stamp: str, origin: str | None = None) -> NameShards:
    """The name index kept beside the store version (written by the first command that needs it)."""
    import sys
    import zlib

    from .store import sidecar

    checksum = 0
    for code in (view_code(), __file__):
        checksum = zlib.crc32(Path(code).read_bytes(), checksum)
    path = sidecar(stamp, f"names-{checksum:08x}.py{sys.version_info[0]}{sys.version_info[1]}.shards")
    try:
        return NameShards(path)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    try:
        NameShards.write(path, _entity_index(stamp, origin))
        return NameShards(path)
    except (OSError, EOFError, ValueError, TypeError):  # an unwritable folder: the whole index, in memory
        return _MemoryShards(_entity_index(stamp, origin))


class _MemoryShards(NameShards):
    """NameShards over an entity index in memory (when the file cannot be written)."""

    def __init__(self, index: EntityIndex):  # there is no file to read: NameShards.__init__ is not called
        self.index = index

    def get(self, entry: str):
        tier, text = entry[0], entry[1:]
        names = self.index.names
        if tier == "i":
            r = self.index.by_iri.get(text)
            return None if r is None else (r.type, r.key, r.label, r.curie, r.mapped, tuple(r.synonyms))
        if tier == "k":
            return names.keys.get(text)
        found = (names.primary if tier == "p" else names.synonym).get(text)
        return None if found is None else tuple(value for iri in found for value in (iri, names.types[iri]))


def resolve(name: str, source: Path | str | None = None, types: tuple[str, ...] | None = None, *,
            engine=None) -> EntityRecord:
    """Resolve a user-given name to one entity of the graph at ``source`` (or served by ``engine``).

    >>> resolve("CIS").key
    'cisplatin'
    >>> resolve("TGF-beta").label
    'TGF-β'
    """
    return entity_index(source, engine=engine).resolve(name, types)


def _unique_iri(name: str, source: Path | str | None, types: tuple[str, ...] | None) -> str | None:
    """The IRI of the one entity of a local graph ``name`` means, from the name index alone; None
    when it means none or several (the caller then raises resolve()'s error)."""
    found = _name_shards(store_stamp(source), None if source is None else str(source)).candidates(name)
    if types:
        found = tuple(pair for pair in found if pair[1] in types)
    return found[0][0] if len(found) == 1 else None


def resolve_iri(name: str, source: Path | str | None = None, types: tuple[str, ...] | None = None, *,
                engine=None) -> str:
    """The IRI of the one entity ``name`` means: :func:`resolve`, but a name that resolves is
    looked up in the name index kept beside the store version alone, without loading the
    entities (what a question command needs to bind its parameters). A name that matches none
    or several entities raises the same ResolutionError as :func:`resolve`.

    >>> resolve_iri("CIS") == resolve("CIS").iri
    True
    """
    if not hasattr(engine, "entity_index") and name.strip():
        found = _unique_iri(name, source, types)
        if found is not None:
            return found
    return resolve(name, source, types, engine=engine).iri  # a remote engine, or the error


class EntityBrief(NamedTuple):
    """What an entity card shows of the entity itself: the first seven fields of an entity record
    (:class:`graph.view.Node`), read without loading the records."""

    iri: str
    key: str
    label: str
    type: str
    curie: str | None
    mapped: bool
    synonyms: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.label} ({self.type}, key {self.key})"


def resolve_brief(name: str, source: Path | str | None = None, types: tuple[str, ...] | None = None, *,
                  engine=None) -> EntityBrief | EntityRecord:
    """:func:`resolve` for an entity card (``exokg show``): on a local graph, the one entity
    ``name`` means is found in the name index and read from the briefs kept beside the store
    version, without loading every entity record; a remote engine, and a name that matches none
    or several entities (the same ResolutionError), go through :func:`resolve`.

    >>> resolve_brief("CIS") == tuple(getattr(resolve("CIS"), f) for f in EntityBrief._fields)
    True
    """
    if not hasattr(engine, "entity_index") and name.strip():
        found = _unique_iri(name, source, types)
        if found is not None:
            brief = _name_shards(store_stamp(source), None if source is None else str(source)).get("i" + found)
            if brief is not None:
                return EntityBrief(found, brief[1], brief[2], brief[0], *brief[3:])
    return resolve(name, source, types, engine=engine)
