"""Bring your own graph: ``exokg load FILE... --graph DIR``.

Each file goes into one named graph of the build folder's store,
``https://w3id.org/exokg/graph/load-<file stem>-<first 8 hex of its SHA-256>``, together with a
description of it in the same graph (VoID, DCAT and PROV: file name, SHA-256, size in bytes,
media type, triple count). N-Quads and TriG files are flattened into that one graph. The same
file (same digest) loaded twice is skipped. A file that does not parse is an error naming its
line; its graph is cleared, and since a load writes a new store version that is published only
when every file has loaded (:func:`graph.store.writable_store`), a failed ``exokg load`` leaves
the store exactly as it was.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from .errors import LoadError
from .graphcheck import vouch_load
from .store import GRAPH_BASE, file_digest, writable_store

FORMATS = {
    ".nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ".ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    ".nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    ".trig": (ox.RdfFormat.TRIG, "application/trig"),
    ".rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ".owl": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ".xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SPDX = "http://spdx.org/rdf/terms#"


@dataclass(frozen=True)
class Loaded:
    """What one file became: its graph, digest, size and triple count (``skipped`` when it was
    already in the store)."""

    file: Path
    graph: str
    sha256: str
    size: int
    triples: int
    skipped: bool = False


def file_format(path: Path) -> tuple[ox.RdfFormat, str, bool]:
    """(pyoxigraph format, media type, gzipped) from the file name."""
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    suffix = suffixes[-2] if gzipped and len(suffixes) > 1 else (suffixes[-1] if suffixes and not gzipped else "")
    if suffix not in FORMATS:
        raise LoadError(f"{path}: unknown RDF format '{suffix or path.name}'. Fix: name the file with one of "
                        f"{', '.join(FORMATS)} (optionally followed by .gz)")
    return (*FORMATS[suffix], gzipped)


def slug(path: Path, digest: str) -> str:
    """``load-<stem>-<8 hex>``: the name without ``.gz`` and its format suffix, lower-cased, with
    anything but letters and digits turned into dashes.

    >>> slug(Path("/data/miRTarBase_MTI.nt.gz"), "0123456789abcdef")
    'load-mirtarbase-mti-01234567'
    """
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    clean = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "file"
    return f"load-{clean[:60]}-{digest[:8]}"


def _open(path: Path, gzipped: bool):
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def _syntax_error(path: Path, err: SyntaxError) -> LoadError:
    line = getattr(err, "lineno", None)
    message = " ".join(str(getattr(err, "msg", None) or err).split())
    message = re.sub(r" \(line \d+\)$", "", message)
    where = f"{path}:{line}" if line else f"{path}"
    return LoadError(f"{where}: not valid RDF: {message}. Fix: correct the file (or check that its extension "
                     "names its format) and load it again; nothing was added")


def load_file(store: ox.Store, path: Path | str) -> Loaded:
    """Add one RDF file to ``store`` as its own named graph with a description (see the module)."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path} does not exist or is not a file. Fix: give the path of an RDF file")
    fmt, media_type, gzipped = file_format(path)
    digest, size = file_digest(path), path.stat().st_size
    graph = ox.NamedNode(GRAPH_BASE + slug(path, digest))
    if store.contains_named_graph(graph):
        recorded = next(store.quads_for_pattern(graph, ox.NamedNode(VOID + "triples"), None, graph), None)
        triples = int(cast(ox.Literal, recorded.object).value) if recorded is not None else _count(store, graph)
        return Loaded(path, graph.value, digest, size, triples, skipped=True)
    try:
        with _open(path, gzipped) as handle:
            if fmt in QUAD_FORMATS:  # flatten the file's own graphs into ours
                quads = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in ox.parse(handle, format=fmt))
                store.bulk_extend(quads)
            else:
                store.bulk_load(handle, format=fmt, to_graph=graph)
    except SyntaxError as err:
        _clear(store, graph)
        raise _syntax_error(path, err) from None
    except (OSError, EOFError, ValueError, RuntimeError) as err:
        _clear(store, graph)
        raise LoadError(f"{path}: cannot be read ({' '.join(str(err).split())[:200]}). "
                        "Fix: check the file (and that a .gz file is really gzipped); nothing was added") from None
    triples = _count(store, graph)
    store.bulk_extend(description(graph, path, digest, size, triples, media_type, gzipped))
    return Loaded(path, graph.value, digest, size, triples)


def _clear(store: ox.Store, graph: ox.NamedNode) -> None:
    if store.contains_named_graph(graph):
        store.remove_graph(graph)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    from .query import bind_values

    query = bind_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": [graph]})
    rows = list(cast(ox.QuerySolutions, store.query(query)))  # a SELECT query
    return int(rows[0]["n"].value)


def description(graph: ox.NamedNode, path: Path, digest: str, size: int, triples: int, media_type: str,
                gzipped: bool) -> list[ox.Quad]:
    """The dataset description of a loaded file, as quads in its own graph (no clock time)."""
    def q(s, p, o):
        return ox.Quad(s, ox.NamedNode(p), o, graph)

    def integer(n: int, datatype: str = "integer"):
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + datatype))

    checksum = ox.NamedNode(graph.value + "/sha256")
    quads = [
        q(graph, RDF + "type", ox.NamedNode(VOID + "Dataset")),
        q(graph, RDF + "type", ox.NamedNode(DCAT + "Dataset")),
        q(graph, RDF + "type", ox.NamedNode(PROV + "Entity")),
        q(graph, DCTERMS + "title", ox.Literal(path.name)),
        q(graph, VOID + "triples", integer(triples)),
        q(graph, DCAT + "byteSize", integer(size, "nonNegativeInteger")),
        q(graph, DCAT + "mediaType", ox.Literal(media_type)),
        q(graph, DCTERMS + "identifier", ox.Literal(f"sha256:{digest}")),
        q(graph, SPDX + "checksum", checksum),
        q(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
        q(checksum, SPDX + "checksumValue", ox.Literal(digest, datatype=ox.NamedNode(XSD + "hexBinary"))),
    ]
    if gzipped:
        quads.append(q(graph, DCAT + "compressFormat", ox.Literal("application/gzip")))
    return quads


def load(files: list[Path | str], build_dir: Path | str) -> list[Loaded]:
    """Load ``files`` into the store of the build folder ``build_dir``: all of them, or none."""
    build_dir = Path(build_dir)
    if not (build_dir / "store").exists():
        raise LoadError(f"{build_dir} has no store to load into. Fix: run `exokg build --out {build_dir}` first")
    for file in files:  # check names and formats before any work
        if not Path(file).is_file():
            raise LoadError(f"{file} does not exist or is not a file. Fix: give the path of an RDF file")
        file_format(Path(file))
    added: list[str] = []  # the --graph check of the new version asks about these graphs only
    with writable_store(build_dir, before_publish=vouch_load(added)) as store:
        results = [load_file(store, file) for file in files]
        added.extend(r.graph for r in results if not r.skipped)
        del store
    return results
