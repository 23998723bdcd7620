"""Versions of an on-disk store and how they are written (below the build in the data flow).

A build folder DIR holds ``DIR/store``, a symbolic link to one version ``DIR/.store/<id>/`` (a
pyoxigraph/RocksDB directory). A writer (a build or ``exokg load``) takes the lock
``DIR/.store.lock``, writes a new version beside the current one (a load starts from a copy of
the current version whose immutable table files are hard links), and when it is done replaces
the link in one atomic rename; a failed or killed writer leaves the current version in use, and
its leftovers are removed by the next writer. A version is never written to once published, so
any number of processes may read it (read-only) at the same time. Reading is :mod:`graph.store`.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError

STORE = "store"
VERSIONS = ".store"
LOCK = ".store.lock"
GRAPH_BASE = "https://w3id.org/exokg/graph/"
DESCRIPTION_GRAPH = ox.NamedNode(GRAPH_BASE + "exokg")
DATASET_IRI = ox.NamedNode("https://w3id.org/exokg/dataset/exokg")
# Threads that bulk-load a build's files into its store at the same time (RocksDB ingests the
# table files of concurrent bulk loads safely; each load is one thread, so two use both cores
# once the Python side is done making the files).
LOADERS = 2


def add_ontology(store: ox.Store) -> None:
    """Bulk-load the packaged ontology into the default graph of ``store``, beside the data (so
    that relation labels, signs and the class hierarchy join the data in plain SPARQL)."""
    from importlib import resources

    text = resources.files("graph.owl").joinpath("exokg.ttl").read_bytes()
    store.bulk_load(text, format=ox.RdfFormat.TURTLE)


@contextmanager
def lock(path: Path):
    import fcntl  # here, as queue below: a command that only reads a store takes no lock

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def current_version(build_dir: Path | str) -> Path | None:
    """The store version DIR/store points at, or None when there is none yet."""
    link = Path(build_dir) / STORE
    return link.resolve() if link.exists() else None


def _link_copy(source: Path, target: Path) -> None:
    """A copy of a closed RocksDB directory that shares its immutable table files (hard links)."""
    import shutil  # here and below, not at the top: readers of a store never need it

    target.mkdir()
    for entry in os.scandir(source):
        if entry.name == "LOCK" or not entry.is_file():
            continue
        if entry.name.endswith(".sst"):
            try:
                os.link(entry.path, target / entry.name)
                continue
            except OSError:
                pass  # another file system or no hard links: copy it
        shutil.copy2(entry.path, target / entry.name)


def _point(build_dir: Path, version: Path) -> None:
    """Make DIR/store point at ``version`` in one atomic rename."""
    link = build_dir / STORE
    if link.is_dir() and not link.is_symlink():  # a plain store directory: keep it as a version
        os.rename(link, build_dir / VERSIONS / f"plain-{os.urandom(4).hex()}")
    tmp = build_dir / f".{STORE}-link-{os.urandom(4).hex()}"
    os.symlink(os.path.relpath(version, build_dir), tmp)
    os.replace(tmp, link)


def _sweep(versions: Path, keep: Path | None) -> None:
    """Remove every version but ``keep`` (and its sidecar files); called under the writer lock.
    A reader that still has an old version open keeps reading it (its files stay open)."""
    import shutil

    for entry in versions.iterdir():
        # by name: ``keep`` is resolved (absolute) while ``versions`` may be relative to the cwd
        if keep is not None and (entry.name == keep.name or entry.name.startswith(keep.name + ".")):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


# The sidecar in which a build records the change stamp of the exokg.nt it wrote with the version's
# default graph (graph.store.memory_store reads that file instead of the store while it is unchanged).
DEFAULT_GRAPH_FILE_STAMP = "exokg-nt.stamp"

def change_stamp(path: Path) -> tuple:
    """What changes whenever a file's content may have: its real path, device and inode, size, and
    modification and change times (the change time moves on every write and cannot be set back,
    so a rewrite that restores the modification time still gives a new stamp)."""
    stat = path.stat()
    return str(path.resolve()), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def record_default_graph_file(build_dir: Path | str) -> None:
    """Called by the build once ``DIR/exokg.nt`` is in place: remember beside the store version
    the stamp of that file, which holds the version's default graph (the ontology aside)."""
    build_dir = Path(build_dir)
    version = current_version(build_dir)
    if version is None:
        return
    stamp = sidecar(version, DEFAULT_GRAPH_FILE_STAMP)
    temporary = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    temporary.write_text(repr(change_stamp(build_dir / "exokg.nt")), encoding="utf-8")
    os.replace(temporary, stamp)


def default_graph_file_unchanged(build_dir: Path | str) -> bool:
    """Whether ``DIR/exokg.nt`` is still the file the build wrote with the current store version
    (so it holds that version's default graph); False when anything is missing or differs."""
    build_dir = Path(build_dir)
    version = current_version(build_dir)
    try:
        recorded = sidecar(version, DEFAULT_GRAPH_FILE_STAMP).read_text(encoding="utf-8") if version else None
        return recorded == repr(change_stamp(build_dir / "exokg.nt"))
    except OSError:
        return False


# Called with (new store, previous version or None, new version) when a writer is done, before the
# new version is published: what the upper layers keep beside it (the --graph check's marker).
BeforePublish = Callable[[ox.Store, Path | None, Path], None]


@contextmanager
def writable_store(build_dir: Path | str, *, fresh: bool = False, before_publish: BeforePublish | None = None):
    """A read-write store for the build folder ``build_dir``, published atomically on success.

    It starts as a copy of the current store (empty with ``fresh=True`` or when there is none);
    when the block ends without an exception it is flushed and ``DIR/store`` is pointed at it,
    else it is thrown away and the current store stays as it was. Writers are serialised by a
    lock. Drop every reference to the yielded store when the block ends. ``before_publish`` runs
    when the block is done, before the new version is published.
    """
    with _new_version(build_dir, fresh, before_publish) as (store, _previous):
        yield store


@contextmanager
def _new_version(build_dir: Path | str, fresh: bool, before_publish: BeforePublish | None = None):
    import shutil

    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    versions = build_dir / VERSIONS
    with lock(build_dir / LOCK):
        versions.mkdir(exist_ok=True)
        current = current_version(build_dir)
        _sweep(versions, current)  # leftovers of writers that were killed
        for stale_link in build_dir.glob(f".{STORE}-link-*"):  # a link a killed writer made, never renamed
            stale_link.unlink(missing_ok=True)
        target = versions / os.urandom(8).hex()
        try:
            if current is not None and not fresh:
                _link_copy(current, target)
                kept = sidecar(current, DEFAULT_GRAPH_FILE_STAMP)
                if kept.is_file():  # a load or an import leaves the default graph as the build wrote it
                    shutil.copyfile(kept, sidecar(target, DEFAULT_GRAPH_FILE_STAMP))
            store = ox.Store(str(target))
        except (OSError, RuntimeError) as err:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"cannot open a new store version in {versions}: {' '.join(str(err).split())[:200]}. "
                             f"Fix: check that {build_dir} is writable and not full") from None
        try:
            yield store, current
            if before_publish is not None:
                before_publish(store, current, target)
            store.flush()
        except BaseException:
            del store
            shutil.rmtree(target, ignore_errors=True)  # what an open handle recreates, the next writer removes
            raise
        del store
        _point(build_dir, target)
        _sweep(versions, target)


def write_build_store(build_dir: Path | str, write: Callable[[Callable[[Path], None]], bytes], *,
                      before_publish: BeforePublish | None = None) -> None:
    """Publish a new store for a build: the build's N-Triples and the ontology in the default
    graph, its VoID description in its named graph, and every graph that ``exokg load`` had added
    to the previous store, carried over.

    ``write(feed)`` runs in the calling thread and makes the data: each N-Triples file it passes
    to ``feed`` is bulk-loaded by one of :data:`LOADERS` threads (pyoxigraph releases the GIL while
    loading, so making the next file and loading the ones before overlap, and once ``write`` is
    done the files still queued load side by side); it returns the description (Turtle). The
    store is published only when all are done; an error in any leaves the previous store.
    ``before_publish`` is :func:`writable_store`'s.
    """
    import queue

    with _new_version(build_dir, True, before_publish) as (store, previous):
        files: queue.Queue[Path | None] = queue.Queue()
        failures: list[BaseException] = []

        def load() -> None:
            while (path := files.get()) is not None:
                if not failures:
                    try:
                        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                    except BaseException as err:  # reported by the calling thread
                        failures.append(err)

        loaders = [threading.Thread(target=load, name=f"exokg-bulk-load-{n}", daemon=True) for n in range(LOADERS)]
        for loader in loaders:
            loader.start()
        try:
            description = write(files.put)
        finally:
            for _ in loaders:
                files.put(None)
            for loader in loaders:
                loader.join()
        if failures:
            raise StoreError(f"the bulk load of the build's N-Triples failed: {' '.join(str(failures[0]).split())[:200]}. "
                             f"Fix: check that {build_dir} is writable and not full, then build again")
        add_ontology(store)
        store.bulk_load(description, format=ox.RdfFormat.TURTLE, to_graph=DESCRIPTION_GRAPH)
        if previous is not None:
            _carry_loaded_graphs(previous, store)


def _carry_loaded_graphs(previous: Path, store: ox.Store) -> None:
    try:
        old = ox.Store.read_only(str(previous))
    except (OSError, RuntimeError):
        return  # an unreadable previous store has nothing to carry over
    for graph in sorted(old.named_graphs(), key=str):
        if graph != DESCRIPTION_GRAPH:
            store.bulk_extend(old.quads_for_pattern(None, None, None, graph))


def sidecar(location: Path | str, name: str) -> Path:
    """A file that belongs to one store version (``<version>.<name>``), removed with it."""
    location = Path(location)
    return location.parent / f"{location.name}.{name}"
