"""Where the built graph lives and how to open it.

A build folder DIR (``exokg build --out DIR``) holds the files (``exokg.nt`` ...) and an on-disk
pyoxigraph (RocksDB) store, ``DIR/store``, which every command opens read-only, at once, instead
of loading the graph again. How versions of it are written atomically is :mod:`graph.storage`.

What the store holds:

* the default graph: the curated review (the triples of ``exokg.nt``) and the ontology (relation
  labels, signs, the class hierarchy), as before the store was on disk;
* ``https://w3id.org/exokg/graph/exokg``: the build's dataset description (``void.ttl``);
* one named graph per loaded file (``exokg load``), with its own description.

Once a file is loaded, queries see the union of all graphs (:func:`query_options`): the user
loads a graph to query it beside ExoKG; ``GRAPH <...>`` still picks one source. Without loaded
graphs queries read the default graph alone, which is measured 1.5-2x faster on disk.

``source`` may name a build folder, a store directory, or an RDF file (.nt, .ttl); a file gets
a store of its own, cached under ``$EXOKG_CACHE/stores/`` by the SHA-256 of its content.
Without ``source`` the packaged tables are built once into ``$EXOKG_CACHE/build/<digest>``.

This module imports neither rdflib nor the build pipeline until a build is needed, so the
read-only commands start quickly.
"""
from __future__ import annotations

import os
import sys
import time
from functools import lru_cache, partial
from pathlib import Path

import pyoxigraph as ox

from .errors import GraphContentError, GraphNotFoundError, StoreError
from .storage import (DESCRIPTION_GRAPH, GRAPH_BASE, STORE, VERSIONS, add_ontology, current_version,  # noqa: F401
                      change_stamp, default_graph_file_unchanged,
                      lock, sidecar, writable_store)

FORMATS_BY_SUFFIX = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
LOADED_GRAPH_PREFIX = GRAPH_BASE + "load-"  # graph/load.py names each loaded file's graph so


def query_options(store: ox.Store) -> dict:
    """Keyword arguments for ``store.query``: once a file has been loaded (``exokg load``), the
    default graph is the merge of the curated graph and every loaded graph; else nothing. Imported
    resources (``exokg import``) are not merged in: they stay in their own named graphs, read with
    GRAPH or by ``exokg support``, so the review's answers never mix with the sources' facts."""
    loaded = [g for g in store.named_graphs()
              if isinstance(g, ox.NamedNode) and g.value.startswith(LOADED_GRAPH_PREFIX)]
    return {"default_graph": [ox.DefaultGraph(), *loaded]} if loaded else {}


def cache_root() -> Path:
    return Path(os.environ.get("EXOKG_CACHE", Path.home() / ".cache" / "exokg"))


def ensure_built() -> Path:
    """Build the packaged data into the cache (once per data digest); return the folder."""
    from .build import build, data_digest

    folder = cache_root() / "build" / data_digest()[:16]
    if not (folder / "exokg.nt").exists() or not (folder / STORE).exists():
        build(folder)
    return folder


def is_store_dir(path: Path) -> bool:
    """Whether ``path`` looks like a RocksDB directory (has a CURRENT file)."""
    return (path / "CURRENT").is_file()


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
    """(resolved path, mtime, size) of a file: a cheap key for what was read from it."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    import hashlib  # not at the top: a command that reads a build folder hashes nothing

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- finding the store to read


def store_location(source: Path | str | None = None) -> Path:
    """The store version directory that ``source`` reads (its real path: a new build or load
    gives a new one, so it doubles as the version of everything read from it)."""
    if source is None:
        return _folder_store(ensure_built())
    path = Path(source)
    if path.is_dir():
        if is_store_dir(path):
            return path.resolve()
        if (path / STORE).exists() or (path / STORE).is_symlink():
            return _folder_store(path)
        if (path / "exokg.nt").is_file():
            raise GraphNotFoundError(f"{path} has no store ({path / STORE}): it was built by an older ExoKG. "
                                     f"Fix: run `exokg build --out {path}` again")
        raise GraphNotFoundError(f"{path} is not an ExoKG build folder (no {STORE}/ in it). "
                                 f"Fix: run `exokg build --out {path}` or point --graph at a build folder or an .nt/.ttl file")
    return _file_store(graph_file(path))


def store_stamp(source: Path | str | None = None) -> str:
    """A key that changes whenever the graph behind ``source`` does (for caches)."""
    return str(store_location(source))


def _folder_store(folder: Path) -> Path:
    link = folder / STORE
    if not link.exists():
        raise StoreError(f"{link} points at a store that is gone ({os.readlink(link) if link.is_symlink() else '?'}). "
                         f"Fix: run `exokg build --out {folder}` again")
    target = link.resolve()
    if not target.is_dir():
        raise StoreError(f"{link} is not a directory. Fix: remove it and run `exokg build --out {folder}`")
    return target


@lru_cache(maxsize=16)
def _digest_of(stamp: tuple) -> str:
    """The SHA-256 of the file with this :func:`graph.storage.change_stamp`, remembered under the cache (a file
    per stamp), so that a big file given with --graph is read and hashed by the first command
    only, not at the start of every command."""
    import hashlib

    memo = cache_root() / "stores" / "digests" / hashlib.sha256(repr(stamp).encode()).hexdigest()[:32]
    try:
        known = memo.read_text(encoding="ascii")
        if len(known) == 64 and all(c in "0123456789abcdef" for c in known):
            return known
    except (OSError, UnicodeDecodeError):
        pass
    digest = file_digest(Path(stamp[0]))
    tmp = memo.with_name(f".{memo.name}.{os.urandom(4).hex()}")
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(digest, encoding="ascii")
        os.replace(tmp, memo)
    except OSError:  # an unwritable cache: hash again next time
        tmp.unlink(missing_ok=True)
    return digest


def _file_store(path: Path) -> Path:
    """The cached store of a lone RDF file (made on first use)."""
    digest = _digest_of(change_stamp(path))
    folder = cache_root() / "stores" / digest[:32]
    if is_store_dir(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with lock(folder.parent / (folder.name + ".lock")):
        if is_store_dir(folder):
            return folder
        tmp = folder.parent / f".tmp-{folder.name}-{os.urandom(4).hex()}"
        try:
            store = ox.Store(str(tmp))
            try:
                store.bulk_load(path=str(path), format=FORMATS_BY_SUFFIX[path.suffix])
            except (SyntaxError, ValueError, OSError) as err:  # not RDF, not UTF-8, unreadable
                raise unreadable(path, err) from None
            add_ontology(store)
            store.flush()
            del store
            os.rename(tmp, folder)
        finally:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return folder


# ---------------------------------------------------------------- reading


def open_store(source: Path | str | None = None) -> ox.Store:
    """The read-only store of ``source`` (build folder, store directory or RDF file; default: the
    packaged build), opened at once and cached per store version."""
    for attempt in range(3):
        location = store_location(source)
        try:
            return _open_read_only(str(location))
        except StoreError:
            # a writer may have replaced the version between resolving and opening it
            if attempt == 2 or not location.parent.name == VERSIONS or location.exists():
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def memory_store(source: Path | str | None = None) -> ox.Store:
    """The default graph behind ``source`` (the data with the ontology beside it) in an in-memory
    store, for work that reads the whole graph many times; nothing is written to the cache.

    A lone RDF file is loaded straight into memory with the ontology, as its cached store would
    have it. A build folder's default graph is its ``exokg.nt`` with the ontology (the build writes
    both from the same runs; loaded and imported graphs are named graphs beside them): while that
    file is the one the build wrote (:func:`graph.storage.record_default_graph_file`: same path, inode, size,
    modification and change times, and the change time moves on every write), it is loaded the
    same way and stands in for the store; else (an edited, moved, copied or missing file, or a store
    directory) the store's default graph is copied (:func:`memory_copy`, about 3x the CPU time).
    Reading the file is the cheaper way because reading terms out of the on-disk store is what
    costs (BENCHMARKS.md, Validation)."""
    path = None if source is None else Path(source)
    if path is not None and path.is_file():
        graph_file(path)  # an unsupported suffix is the same clear error as everywhere
        return _file_in_memory(path)
    disk = open_store(source)
    folder = ensure_built() if path is None else path
    if default_graph_file_unchanged(folder):
        try:
            return _file_in_memory(folder / "exokg.nt")
        except GraphContentError:  # cannot happen for an unchanged file; the store is the graph
            pass
    return memory_copy(disk)


def _file_in_memory(path: Path) -> ox.Store:
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=FORMATS_BY_SUFFIX[path.suffix])
    except (SyntaxError, ValueError, OSError) as err:  # not RDF, not UTF-8, unreadable
        raise unreadable(path, err) from None
    add_ontology(store)
    return store


def memory_copy(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> ox.Store:
    """An in-memory copy of one graph of ``store`` (default: the default graph, the data and the
    ontology; loaded and imported graphs are left out), for work that reads it many times; it holds
    the graph in memory (about 0.4 GB per million triples). pyoxigraph writes the graph as N-Triples
    to a temporary file (removed at once) and bulk-loads it back, both natively, instead of passing
    every quad through Python. Blank nodes get new labels (as when a file is loaded)."""
    import tempfile

    graph = ox.DefaultGraph() if graph is None else graph
    copy = ox.Store()
    with tempfile.TemporaryDirectory(prefix="exokg-copy-") as folder:
        path = os.path.join(folder, "graph.nt")
        try:
            store.dump(path, ox.RdfFormat.N_TRIPLES, from_graph=graph)
            # written by pyoxigraph from terms it had already checked: lenient skips checking them again
            copy.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        except OSError as err:
            reason = " ".join(str(err).split())[:200]
            raise StoreError(f"{folder}: could not copy the graph into memory through a temporary file ({reason}). "
                             "Fix: free disk space there or point TMPDIR at a folder with room for the "
                             "graph as N-Triples (about 140 MB per million triples)") from None
    return copy


@lru_cache(maxsize=4)
def _open_read_only(location: str) -> ox.Store:
    path = Path(location)
    try:
        store = ox.Store.read_only(location)
    except (OSError, RuntimeError) as err:
        reason = " ".join(str(err).split())[:200]
        folder = path.parent.parent if path.parent.name == VERSIONS else path
        raise StoreError(f"{path} is not a readable Oxigraph store ({reason}). "
                         f"Fix: run `exokg build --out {folder}` to write it again") from None
    if path.parent != cache_root() / "stores" and not store.contains_named_graph(DESCRIPTION_GRAPH):
        folder = path.parent.parent if path.parent.name == VERSIONS else path
        raise StoreError(f"{path} is an Oxigraph store but not one written by ExoKG (it has no graph "
                         f"<{DESCRIPTION_GRAPH.value}>). Fix: run `exokg build --out {folder}`, or open it "
                         "with pyoxigraph directly")
    return store


def load_rdflib(source: Path | str | None = None):
    """The data graph (without the ontology) as an rdflib Graph."""
    from rdflib import Graph

    path = graph_file(source)
    graph = Graph()
    try:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    except Exception as err:  # rdflib raises several unrelated types for bad syntax and encodings
        raise unreadable(path, err) from None
    return graph


# ---------------------------------------------------------------- derived data cached beside a store version


def kept_beside(location: Path | str, name: str, code_file: str | tuple[str, ...], *, plain: bool = False) -> Path:
    """The file in which :func:`cached_beside` keeps ``name`` beside the store version at
    ``location`` (it may not exist yet)."""
    import zlib  # a checksum tells versions of the code apart; hashlib costs 3 ms to import

    checksum = 0
    for code_path in (code_file,) if isinstance(code_file, str) else code_file:
        checksum = zlib.crc32(Path(code_path).read_bytes(), checksum)
    if plain:
        version = f"py{sys.version_info[0]}{sys.version_info[1]}"  # marshal's format may change between versions
        return sidecar(location, f"{name}-{checksum:08x}.{version}.marshal")
    return sidecar(location, f"{name}-{checksum:08x}.pickle")


def cached_beside(location: Path | str, name: str, code_file: str | tuple[str, ...], compute, *,
                  plain: bool = False):
    """``compute()``, kept on disk beside the store version at ``location`` (a pickle named after
    ``name`` and a checksum of ``code_file``, the module (or modules) that compute it, so a code
    change recomputes it). A store version never changes, and each has its own files, removed with
    it; a file that cannot be read or written is recomputed or skipped, never an error. The
    pickles are ExoKG's own, written next to the store: open build folders you trust.

    ``plain=True`` is for a value made of built-in types only (dict, tuple, list, str, int, bool,
    None): it is kept with :mod:`marshal` (per Python version), which a command loads without
    importing pickle (what name resolution and the graph check of every command read)."""
    path = kept_beside(location, name, code_file, plain=plain)
    if plain:
        import marshal

        load, dump = (lambda handle: marshal.loads(handle.read())), marshal.dump  # load(file) reads slowly
        unreadable: tuple[type[Exception], ...] = (OSError, EOFError, ValueError, TypeError)
    else:
        import pickle

        load, dump = pickle.load, partial(pickle.dump, protocol=pickle.HIGHEST_PROTOCOL)
        unreadable = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError)
    try:
        with open(path, "rb") as handle:
            return load(handle)
    except unreadable:
        pass
    value = compute()
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}")
    try:
        with open(tmp, "wb") as out:
            dump(value, out)
        os.replace(tmp, path)
    except (OSError, ValueError):  # ValueError: a type marshal cannot keep (the value is still returned)
        tmp.unlink(missing_ok=True)
    return value


def unreadable(path: Path, err: Exception) -> GraphContentError:
    """The one-line error for a graph file that does not parse as its suffix says."""
    reason = " ".join(str(err).split())[:300]
    kind = "N-Triples" if path.suffix == ".nt" else "Turtle"
    return GraphContentError(f"{path}: not readable as {kind}: {reason}. Fix: point --graph at a folder written "
                             "by `exokg build --out DIR` or at its exokg.nt")
