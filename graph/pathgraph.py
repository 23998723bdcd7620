"""The path index: the projection kept on disk as a small SQLite file beside each store version,
opened at once and read only where a search goes.

:func:`path_graph` is what ``exokg path`` and ``exokg explain`` search. It behaves like the
networkx projection (:mod:`graph.projection`) as far as :mod:`graph.paths` and
:mod:`graph.explain` look at it (``node in G``, ``G.nodes[n]``, ``G[u][v]``, ``G._succ[u]``,
``G._pred[u]``), but nothing is loaded up front: a node's hops are read from the file when the
search reaches that node, so a cold command on a million edges pays for the few thousand hops it
visits, not for the whole graph. Names resolve through the file's name table the way
:mod:`graph.entities` resolves them (same tiers, same normalisation).

**Sources.** Every edge carries the source it comes from: ``review`` (the curated review, in the
store's default graph), a file loaded with ``exokg load`` (``load-<stem>-<hash8>``), or a
resource brought in with ``exokg import`` (``mirtarbase``, ``ncrnadrug``, ``gaf`` ...; its
assertions with the source's evidence: support type, experiments, PMIDs, knowledge level;
negated rows such as a non-functional MTI are not hops). ``sources`` picks the edges a search
may use; by default the review and the loaded files (which ExoKG merges into the review's graph
everywhere), never the imported resources.

The file (``DIR/.store/<version>.paths-<code>.sqlite``) is computed once per store version from
the checked view (:func:`graph.view.read_view`) and the imported graphs, written to a temporary
file and renamed, and keyed on this module's, the writer's (:mod:`graph.pathindex_write`) and the
view's code, so a code change recomputes it. It is written streamed, a batch of subjects at a time.

>>> G = path_graph()
>>> "review" in G.sources and all(G.nodes[n]["key"] for n in G.resolve_all(["miR-522"]))
True
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ResolutionError, UnknownSourceError
from .pathindex_write import INDEXES, SCHEMA, IndexWriter, write_index  # noqa: F401 - the writer, here where it always was
from .storage import sidecar
from .store import store_stamp
from .terms import normalize_name

REVIEW = "review"
ALL = "all"
EXO = "https://w3id.org/exokg/ontology/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ASSERTION_BASE = "https://w3id.org/exokg/assertion/"


# ---------------------------------------------------------------- opening


def path_graph(source: Path | str | None = None, sources: str | Collection[str] | None = None) -> PathGraph:
    """The path index of the graph at ``source`` (a build folder or .nt/.ttl file; default: the
    packaged build), restricted to ``sources`` (see :func:`PathGraph.select`; ``None``: the
    review and loaded files). Made on first use per store version, then opened at once."""
    stamp = store_stamp(source)
    return _open(index_file(stamp, None if source is None else str(source)), _selection(sources))


def _selection(sources: str | Collection[str] | None) -> tuple[str, ...] | None:
    if sources is None:
        return None
    if isinstance(sources, str):
        sources = sources.split(",")
    return tuple(sorted({s.strip() for s in sources}))


@lru_cache(maxsize=8)
def _open(path: str, sources: tuple[str, ...] | None) -> PathGraph:
    return PathGraph(path, sources)


def index_file(stamp: str, origin: str | None = None) -> str:
    """The path index file of the store version ``stamp``, computed when missing."""
    code = hashlib.sha256(Path(__file__).read_bytes() + Path(_view_code()).read_bytes()
                          + Path(__file__).with_name("pathindex_write.py").read_bytes()).hexdigest()[:12]
    path = sidecar(stamp, f"paths-{code}.sqlite")
    if path.exists():
        return str(path)
    if not os.access(path.parent, os.W_OK):  # a build folder the user cannot write: the index goes to the cache
        from .store import cache_root

        path = cache_root() / "paths" / f"{hashlib.sha256(stamp.encode()).hexdigest()[:32]}-{code}.sqlite"
        if path.exists():
            return str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}")
    try:
        write_index(stamp, tmp, origin)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return str(path)


def _view_code() -> str:
    from .view import view_code_file

    return view_code_file()


# ---------------------------------------------------------------- the graph-like object


class _Nodes(Mapping):
    """``G.nodes`` / ``G._node``: node IRI -> its attributes (read on first access)."""

    def __init__(self, graph: PathGraph):
        self.graph = graph
        self.cache: dict[str, dict] = {}

    def __getitem__(self, iri):
        found = self.cache.get(iri)
        if found is None:
            row = self.graph.db.execute("SELECT attrs FROM nodes WHERE iri = ?", (iri,)).fetchone()
            if row is None:
                raise KeyError(iri)
            self.cache[iri] = found = json.loads(row[0])
        return found

    def __contains__(self, iri) -> bool:
        return isinstance(iri, str) and self.graph.node_id(iri) is not None

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.graph.db.execute("SELECT iri FROM nodes ORDER BY id"))

    def __len__(self) -> int:
        return self.graph.db.execute("SELECT count(*) FROM nodes").fetchone()[0]


class _Adjacency(Mapping):
    """``G._succ`` / ``G._pred``: node -> {neighbour: {statement key: hop attributes}}, read from
    the file per node on first access, only the edges of the selected sources. The hop
    attributes are what a search filters on (``relation``, ``sign``, ``symmetric``, ``context``,
    ``source_name``); :meth:`PathGraph.statement` has the rest."""

    def __init__(self, graph: PathGraph, outgoing: bool, symmetric_only: bool = False):
        self.graph, self.outgoing = graph, outgoing
        self.cache: dict[str, dict] = {}
        near, far = ("src", "dst") if outgoing else ("dst", "src")
        only = " AND e.symmetric = 1" if symmetric_only else ""
        self.sql = (f"SELECT n.iri, n.key, n.type, n.degree, e.key, e.relation, e.sign, e.symmetric, e.context, e.source, n.id "
                    f"FROM edges e JOIN nodes n ON n.id = e.{far} WHERE e.{near} = ?{graph.source_filter}{only} "
                    "ORDER BY e.id")

    def __getitem__(self, iri) -> dict:
        found = self.cache.get(iri)
        if found is None:
            node = self.graph.node_id(iri)
            if node is None:
                raise KeyError(iri)
            self.cache[iri] = found = self._read(self.sql, [node])
        return found

    def among(self, iri, others: Collection[str]) -> dict:
        """``self[iri]`` restricted to the neighbours ``others``: a node whose hops are not read yet
        is asked for those neighbours only (the index holds each edge's far end), not read whole."""
        found = self.cache.get(iri)
        if found is not None:
            return {o: found[o] for o in others if o in found}
        node = self.graph.node_id(iri)
        if node is None:
            raise KeyError(iri)
        result: dict = {}
        ids = sorted(i for i in map(self.graph.node_id, others) if i is not None)
        base, order = self.sql.rsplit(" ORDER BY ", 1)
        far = "e.dst" if self.outgoing else "e.src"
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            # "+" keeps SQLite on the index of this node's edges (the far ends are in it), not on each far end's
            sql = f"{base} AND +{far} IN ({', '.join(map(str, chunk))}) ORDER BY {order}"
            result.update(self._read(sql, [node]))
        return result

    def _read(self, sql: str, params: list) -> dict:
        graph = self.graph
        found: dict = {}
        core, names, contexts, ids = graph.core, graph.source_names, graph.contexts, graph._ids
        for other, key, kind, degree, edge, relation, sign, symmetric, context, source, nid in graph.db.execute(sql, params):
            core[other] = (key, kind, degree)
            ids[other] = nid
            parsed = contexts.get(context) if context else {}
            if parsed is None:  # many edges share a context: parsed once, shared read-only
                parsed = contexts[context] = json.loads(context)
            found.setdefault(other, {})[edge] = {
                "relation": relation, "sign": sign, "symmetric": bool(symmetric),
                "context": parsed, "source_name": names[source]}
        return found

    def __contains__(self, iri) -> bool:
        return isinstance(iri, str) and self.graph.node_id(iri) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.graph.nodes)

    def __len__(self) -> int:
        return len(self.graph.nodes)


class PathGraph:
    """The path index opened read-only, restricted to some sources (see the module docstring)."""

    def __init__(self, path: str, sources: Iterable[str] | None = None):
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        rows = self.db.execute("SELECT id, name, title, kind FROM sources ORDER BY id").fetchall()
        self.available = {name: (sid, title, kind) for sid, name, title, kind in rows}
        self.sources = self.select(sources)
        self.source_names = {sid: name for name, (sid, _t, _k) in self.available.items()}
        ids = sorted(self.available[name][0] for name in self.sources)
        self.source_filter = "" if len(ids) == len(self.available) else (
            f" AND e.source IN ({', '.join(map(str, ids))})" if ids else " AND 0")
        self.core: dict[str, tuple[str | None, str | None, int]] = {}  # node -> (key, type, degree in the file)
        self.contexts: dict[str, dict] = {}
        self._ids: dict[str, int | None] = {}
        self.nodes = self._node = _Nodes(self)
        self._succ, self._pred = _Adjacency(self, True), _Adjacency(self, False)
        # the edges a directed search may follow backwards (symmetric relations): it reads these, not every edge
        self._succ_symmetric, self._pred_symmetric = _Adjacency(self, True, True), _Adjacency(self, False, True)
        self.graph: dict[str, Any] = {"source": path}

    # -- sources
    def select(self, sources: Iterable[str] | None) -> tuple[str, ...]:
        """The source names ``sources`` means: ``None`` is the review and every loaded file; ``all``
        is every source in the store; an unknown name is an :class:`UnknownSourceError` listing
        the choices (the review, the loaded files and the imported resources of this store)."""
        if sources is None:
            return tuple(n for n, (_i, _t, kind) in self.available.items() if kind in ("review", "loaded"))
        wanted = [s.strip() for s in sources if s.strip()]
        if not wanted:
            raise UnknownSourceError(f"--sources is empty. Fix: give one or more of {self.choices()}")
        if ALL in wanted:
            return tuple(self.available)
        unknown = [s for s in wanted if s not in self.available]
        if unknown:
            raise UnknownSourceError(f"unknown source {', '.join(repr(s) for s in unknown)}: this store holds "
                                     f"{self.choices()}. Fix: use those names, comma-separated, or 'all' "
                                     "(`exokg import` adds a resource)")
        return tuple(n for n in self.available if n in wanted)

    def choices(self) -> str:
        return ", ".join(list(self.available) + [ALL])

    def source_title(self, name: str) -> str:
        return self.available[name][1] if name in self.available else name

    # -- what the search reads
    def node_id(self, iri: str) -> int | None:
        if iri not in self._ids:
            row = self.db.execute("SELECT id, key, type, degree FROM nodes WHERE iri = ?", (iri,)).fetchone()
            self._ids[iri] = row[0] if row else None
            if row:
                self.core.setdefault(iri, (row[1], row[2], row[3]))
        return self._ids[iri]

    def node_core(self, iri: str) -> tuple[str | None, str | None]:
        """(key, type) of a node, without reading its other attributes."""
        found = self.core.get(iri)
        if found is None:
            self.node_id(iri)
            found = self.core.get(iri, (None, None, 0))
        return found[0], found[1]

    def degree_hint(self, iri: str) -> int:
        """The node's edge count in the whole file (every source): what a search may use to
        decide where to look first, without reading the node's hops."""
        found = self.core.get(iri)
        if found is None:
            self.node_id(iri)
            found = self.core.get(iri, (None, None, 0))
        return found[2] or 0

    def arrivals(self, iri: str, relations: Collection[str] | None, undirected: bool = False) -> list[tuple[str, int]]:
        """(node, relation sign) of every edge of ``relations`` (``None``: any) that arrives at
        ``iri``, or leaves it when symmetric (any edge leaving it when ``undirected``), from the
        selected sources: one narrow read of a hub's edges (no contexts, no attributes), which
        a backward search uses as a superset of the hops arriving there (:mod:`graph.hops`)."""
        node = self.node_id(iri)
        if node is None:
            raise KeyError(iri)
        rels = sorted(relations) if relations is not None else None
        only = f" AND e.relation IN ({', '.join('?' * len(rels))})" if rels is not None else ""
        params: list = [node] + (rels or [])
        sql = ("SELECT DISTINCT n.iri, n.key, n.type, n.degree, e.sign FROM edges e JOIN nodes n ON n.id = e.src "
               f"WHERE e.dst = ?{self.source_filter}{only} "
               "UNION SELECT DISTINCT n.iri, n.key, n.type, n.degree, e.sign FROM edges e JOIN nodes n ON n.id = e.dst "
               f"WHERE e.src = ?{self.source_filter}{only}{'' if undirected else ' AND e.symmetric = 1'} ORDER BY 1, 5")
        core = self.core
        found = []
        for other, key, kind, degree, sign in self.db.execute(sql, params + params):
            core.setdefault(other, (key, kind, degree))
            found.append((other, sign))
        return found

    def drug_mentions(self, iri: str, values: Iterable[str]) -> bool:
        """Does a statement into or out of ``iri`` (selected sources) name one of ``values`` in
        its ``drug`` qualifier? Answered by a small table of the file, without reading the node's hops."""
        values, only = sorted(values), self.source_filter.replace("e.source", "source")
        sql = f"SELECT 1 FROM drug_context WHERE node = ? AND value IN ({', '.join('?' * len(values))}){only} LIMIT 1"
        return bool(values) and self.db.execute(sql, [self.node_id(iri), *values]).fetchone() is not None

    def neighbour_count(self, iri: str) -> int:
        """Successors plus predecessors of ``iri`` in the selected sources (each neighbour once per
        direction, as ``len(G._succ[n]) + len(G._pred[n])``), counted by the file without reading them."""
        if iri in self._succ.cache and iri in self._pred.cache:
            return len(self._succ.cache[iri]) + len(self._pred.cache[iri])
        node = self.node_id(iri)
        return self.db.execute(
            f"SELECT (SELECT count(DISTINCT e.dst) FROM edges e WHERE e.src = ?{self.source_filter}) + "
            f"(SELECT count(DISTINCT e.src) FROM edges e WHERE e.dst = ?{self.source_filter})", (node, node)).fetchone()[0]

    def __contains__(self, iri) -> bool:
        return isinstance(iri, str) and self.node_id(iri) is not None

    def __getitem__(self, iri) -> dict:
        return self._succ[iri]

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def is_multigraph(self) -> bool:
        return True

    def is_directed(self) -> bool:
        return True

    def statement(self, key: str) -> dict:
        """Every attribute of one edge (as in the networkx projection), plus ``source_name`` and
        ``source_title``."""
        row = self.db.execute("SELECT attrs, context, source FROM edges WHERE key = ?", (key,)).fetchone()
        attrs = json.loads(row[0])
        attrs["context"] = json.loads(row[1]) if row[1] else {}
        name = self.source_names[row[2]]
        attrs["source_name"], attrs["source_title"] = name, self.source_title(name)
        return attrs

    def nodes_with_keys(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        sql = f"SELECT iri FROM nodes WHERE key IN ({', '.join('?' * len(keys))})"
        return {row[0] for row in self.db.execute(sql, keys)}

    def broader(self) -> dict[str, tuple[str, ...]]:
        """The ``skos:broader`` links, as :func:`graph.hierarchy.load_broader` gives them."""
        found: dict[str, list[str]] = {}
        for child, parent in self.db.execute("SELECT child, parent FROM broader ORDER BY child, parent"):
            found.setdefault(child, []).append(parent)
        return {c: tuple(p) for c, p in found.items()}

    # -- names
    def resolve(self, name: str, types: tuple[str, ...] | None = None, fallback=None) -> str:
        """The IRI of the one entity ``name`` means, by the tiers of
        :meth:`graph.entities.EntityIndex.candidates` (an imported entity also by its IRI). When
        none or several match, ``fallback(name, types)`` (the entity index) raises its error."""
        text = name.strip().strip("<>")
        found: list[tuple[str, str, str]] = []
        if text:
            row = self.db.execute("SELECT iri, key, type FROM nodes WHERE iri = ?", (text,)).fetchone()
            if row is None:
                row = self.db.execute("SELECT iri, key, type FROM nodes WHERE key = ?", (text,)).fetchone()
            if row is not None:
                found = [row]
            else:
                for tier, spelling in ((0, text.casefold()), (0, normalize_name(text)), (1, normalize_name(text))):
                    found = self.db.execute(
                        "SELECT DISTINCT n.iri, n.key, n.type FROM names m JOIN nodes n ON n.id = m.node "
                        "WHERE m.name = ? AND m.tier = ? ORDER BY n.key", (spelling, tier)).fetchall()
                    if found:
                        break
        if types:
            found = [r for r in found if r[2] in types]
        if len(found) == 1:
            return found[0][0]
        if fallback is None:
            raise ResolutionError(f"'{name}' matches {len(found)} entities. Fix: use a key or an IRI")
        return fallback(name, types).iri

    def resolve_all(self, names: Iterable[str]) -> list[str]:
        return [self.resolve(n) for n in names]

    # -- drawing
    def subgraph_of_paths(self, paths: Iterable[dict]):
        """A networkx MultiDiGraph of the nodes and statements of ``paths`` (for the HTML page)."""
        import networkx as nx

        H: nx.MultiDiGraph = nx.MultiDiGraph()
        for path in paths:
            for node in path["nodes"]:
                H.add_node(node, **self.nodes[node])
            for hop in path["hops"]:
                u, v = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
                for key in hop["statements"]:
                    H.add_edge(u, v, key=key, **self.statement(key))
        return H

