"""Where the built graph lives and how to open it.

By default ExoKG builds the packaged tables once into a cache folder named after the data's
digest (``$EXOKG_CACHE`` or ``~/.cache/exokg``), so every command after the first opens the
same files and a data change triggers a rebuild. ``source`` may instead name a build folder
(as written by ``exokg build --out``) or an N-Triples / Turtle file.

Queries run on pyoxigraph (measured 100-1,000x faster than rdflib's default store on joins and
aggregations; see BENCHMARKS.md). The ontology is loaded beside the data so that relation
labels, signs and the class hierarchy are queryable.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .build import build, data_digest
from .errors import GraphContentError, GraphNotFoundError
from .ontology import ontology_text

FORMATS_BY_SUFFIX = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


def cache_root() -> Path:
    return Path(os.environ.get("EXOKG_CACHE", Path.home() / ".cache" / "exokg"))


def ensure_built() -> Path:
    """Build the packaged data into the cache (once per data digest); return the folder."""
    folder = cache_root() / "build" / data_digest()[:16]
    if not (folder / "exokg.nt").exists():
        build(folder)
    return folder


def graph_file(source: Path | str | None = None) -> Path:
    """The N-Triples or Turtle file behind ``source`` (default: the cached build)."""
    path = ensure_built() if source is None else Path(source)
    if path.is_dir():
        path = path / "exokg.nt"
    if not path.exists():
        raise GraphNotFoundError(f"{path} does not exist. Fix: run `exokg build --out {path.parent}` "
                                 "or point --graph at a build folder or an .nt/.ttl file")
    if path.suffix not in FORMATS_BY_SUFFIX:
        raise GraphNotFoundError(f"{path} is not .nt or .ttl. Fix: point --graph at exokg.nt or exokg.ttl")
    return path


def file_stamp(path: Path) -> tuple[str, int, int]:
    """(resolved path, mtime, size): the cache key of everything read from a graph file."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def open_store(source: Path | str | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the graph and the ontology (cached per file)."""
    return _open_store(file_stamp(graph_file(source)))


@lru_cache(maxsize=4)
def _open_store(stamp: tuple[str, int, int]) -> ox.Store:
    path = Path(stamp[0])
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=FORMATS_BY_SUFFIX[path.suffix])
    except (SyntaxError, ValueError, OSError) as err:  # not RDF, not UTF-8, unreadable
        raise unreadable(path, err) from None
    store.bulk_load(ontology_text().encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def load_rdflib(source: Path | str | None = None) -> Graph:
    """The data graph (without the ontology) as an rdflib Graph."""
    path = graph_file(source)
    graph = Graph()
    try:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    except Exception as err:  # rdflib raises several unrelated types for bad syntax and encodings
        raise unreadable(path, err) from None
    return graph


def unreadable(path: Path, err: Exception) -> GraphContentError:
    """The one-line error for a graph file that does not parse as its suffix says."""
    reason = " ".join(str(err).split())[:300]
    kind = "N-Triples" if path.suffix == ".nt" else "Turtle"
    return GraphContentError(f"{path}: not readable as {kind}: {reason}. Fix: point --graph at a folder written "
                             "by `exokg build --out DIR` or at its exokg.nt")
