"""Writing an export of a build folder with files added by ``exokg load``, as a stream.

The loaded graphs can be far larger than the curated one, so they are never read into one
in-memory graph: their quads are read from the build folder's store graph by graph
(:meth:`graph.export.loaded.LoadedPart.quads`) and written through sorted runs on disk
(:func:`graph.build.sorted_runs` / :func:`graph.build.merge_runs`, the streaming build's) and
pyoxigraph's own serialisers, into a working folder beside the output; the finished files are
renamed into place with the dataset description (:func:`graph.build.write_atomically`), so an
error leaves no half-written output. Memory is bounded by the size of a sorted run, not by the
loaded graphs (the graph formats are the exception: their node/edge view is read from an
in-memory pyoxigraph store of the merged graph, see :meth:`LoadedPart.view`).

Every export of such a build first writes the merged graph as sorted, repeat-free N-Triples
(:func:`merge`), which also gives the counts of the dataset description (VoID). Then:

- N-Triples is that file: byte-identical to the in-memory export;
- N-Quads merges the review's named graphs (and the imported sources') with the sorted runs of
  the loaded graphs, in the order of (graph, subject, predicate, object): byte-identical too;
  TriG is pyoxigraph's TriG of that N-Quads stream, byte-identical as well;
- RDF/XML is pyoxigraph's RDF/XML of the sorted N-Triples: byte-identical;
- Turtle is pyoxigraph's Turtle of the sorted N-Triples (rdflib's writer needs the whole graph in
  memory), so its bytes differ from the in-memory export; the graph is the same (isomorphic), and
  the bytes depend only on the data;
- JSON-LD keeps the review's compacted nodes (as in the build's exokg.jsonld) and adds one node
  object per subject of each loaded graph, with full IRIs and explicit value objects, which the
  same inline context reads; again the same graph, and deterministic bytes.
"""
from __future__ import annotations

import codecs
import heapq
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Callable, cast

import pyoxigraph as ox

from ..build import (TEMP_SUFFIX, GraphCounts, jsonld_context, merge_runs, sorted_runs, to_jsonld, to_ntriples,
                     void_from_counts)
from ..model import Curation
from ..curation import character_name
from ..rdf import UNWRITABLE, XML_FORBIDDEN, check_writable, escape_controls
from ..vocab import EXO, PREFIXES
from .errors import ExportError
from .imported import quads as imported_quads
from .rdf import _sorted_namespaces, named_graphs
from .source import ExportSource
from .view import pyoxigraph_term

CURATION_KEY = str(EXO.curationKey)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LABELS = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML", "trig": "TriG",
          "nquads": "N-Quads"}


@dataclass
class Merged:
    """The curated graph and the loaded graphs as one sorted, repeat-free N-Triples file."""

    path: Path
    counts: GraphCounts
    entities: dict[str, str]  # curation key -> entity IRI (the VoID entity count and example resources)
    xml_problem: str | None = None  # the first value RDF/XML cannot carry, as an error message

    def void(self):
        entities = {key: SimpleNamespace(iri=iri) for key, iri in self.entities.items()}
        return void_from_counts(self.counts, cast(Curation, SimpleNamespace(entities=entities)), "0" * 12)


@contextmanager
def work_folder(folder: Path, name: str) -> Iterator[Path]:
    """A temporary folder in ``folder``, named so a later write removes it if this process is killed
    (graph/build.py: remove_stale_temporaries); removed when done."""
    work = Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unwritable(quad, fmt: str, pattern=UNWRITABLE) -> str | None:
    """The error message for a value of ``quad`` that ``pattern`` finds, or None."""
    for position, term in enumerate((quad.subject, quad.predicate, quad.object)):
        found = pattern.search(term.value)
        if found:
            where = (f"the object of {quad.subject} {quad.predicate}" if position == 2
                     else f"the IRI <{term.value!r}>")
            return (f"{where} (a file loaded into the build) holds {character_name(found.group())}, which {fmt} "
                    "cannot carry. Fix: remove the character from the file, and load it into a fresh build "
                    "(`exokg build --out DIR`, then `exokg load FILE --graph DIR`)")
    return None


def _loaded_lines(source: ExportSource, fmt: str, entities: dict[str, str], problems: list[str]) -> Iterator[str]:
    """The N-Triples lines (controls escaped, as :func:`graph.build.to_ntriples` writes them) of
    every loaded quad, checked; each entity's key into ``entities``, an RDF/XML problem into ``problems``."""
    for quad in source.loaded.quads():  # type: ignore[attr-defined]
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise ExportError(f"a loaded file holds the quoted triple {quad.subject if isinstance(quad.subject, ox.Triple) else quad.object}, "
                              "which the export formats cannot carry. Fix: load the file without RDF-star triple terms")
        text = quad.subject.value + quad.predicate.value + quad.object.value
        if UNWRITABLE.search(text) or XML_FORBIDDEN.search(text):
            error = _unwritable(quad, fmt)
            if error:
                raise ExportError(error)
            if not problems:
                problems.append(cast(str, _unwritable(quad, "RDF/XML", XML_FORBIDDEN)))
        if quad.predicate.value == CURATION_KEY:
            entities.setdefault(quad.object.value, quad.subject.value)
        yield escape_controls(f"{quad.subject} {quad.predicate} {quad.object} .")


def merge(source: ExportSource, work: Path, fmt: str) -> Merged:
    """Write the curated graph merged with the loaded files as sorted N-Triples into ``work``."""
    label = LABELS.get(fmt, fmt)
    check_writable(source.graph, label, xml=fmt == "rdfxml", error=ExportError)
    entities = {str(key): str(node) for node, key in sorted(source.graph.subject_objects(EXO.curationKey))}
    problems: list[str] = []
    curated = (line for line in to_ntriples(source.graph).decode("utf-8").split("\n") if line)

    def lines() -> Iterator[str]:
        yield from curated
        yield from _loaded_lines(source, label, entities, problems)

    runs_folder = work / "runs"
    runs_folder.mkdir()
    runs = sorted_runs(lines(), runs_folder)
    path = work / "merged.nt"
    counts = merge_runs(runs, path)
    shutil.rmtree(runs_folder)
    return Merged(path=path, counts=counts, entities=entities, xml_problem=problems[0] if problems else None)


class _Escaping:
    """A binary writer that escapes control characters (:func:`graph.rdf.escape_controls`) in what
    passes through it; with ``sort_header`` the leading ``@prefix`` lines are sorted first."""

    def __init__(self, handle: IO[bytes], sort_header: bool = False):
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.header: list[str] | None = [] if sort_header else None
        self.pending = ""

    def write(self, data) -> int:
        text = self.decoder.decode(bytes(data))
        if self.header is not None:
            text = self._header(text)
        if text:
            self.handle.write(escape_controls(text).encode("utf-8"))
        return len(data)

    def _header(self, text: str) -> str:
        self.pending += text
        while "\n" in self.pending:
            line, rest = self.pending.split("\n", 1)
            if not line.startswith("@prefix "):
                return self.close_header()
            cast(list, self.header).append(line)
            self.pending = rest
        return ""

    def close_header(self) -> str:
        """The sorted header and whatever followed it (once)."""
        if self.header is None:
            return ""
        lines = sorted(self.header, key=lambda line: line.encode("utf-8"))
        out = "".join(line + "\n" for line in lines) + self.pending
        self.header, self.pending = None, ""
        return out

    def finish(self) -> None:
        text = self.decoder.decode(b"", final=True) + self.close_header()
        if text:
            self.handle.write(escape_controls(text).encode("utf-8"))

    def flush(self) -> None:
        pass


class _XmlRoot:
    """A binary writer that sorts the ``xmlns`` attributes of the RDF/XML root element and writes a
    carriage return as ``&#13;`` (as :func:`graph.export.rdf.write_rdfxml` does in memory)."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.head: bytearray | None = bytearray()

    def write(self, data) -> int:
        data = bytes(data)
        if self.head is not None:
            self.head += data
            start = self.head.find(b"<rdf:RDF ")
            if start < 0 or self.head.find(b">", start) < 0:
                return len(data)
            data, self.head = _sorted_namespaces(bytes(self.head)), None
        self.handle.write(data.replace(b"\r", b"&#13;"))
        return len(data)

    def finish(self) -> None:
        if self.head is not None:
            self.handle.write(bytes(self.head).replace(b"\r", b"&#13;"))
            self.head = None

    def flush(self) -> None:
        pass


def _sorted_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    """``prefixes`` in the order of their ``@prefix`` lines (pyoxigraph writes them in the order given)."""
    return dict(sorted(prefixes.items(), key=lambda item: f"@prefix {item[0]}: <{item[1]}> .".encode("utf-8")))


def _serialize(quads, target: Path, fmt: ox.RdfFormat, writer: Callable[[IO[bytes]], _Escaping | _XmlRoot],
               prefixes: dict[str, str]) -> Path:
    with open(target, "wb") as handle:
        out = writer(handle)
        ox.serialize(quads, cast(IO[bytes], out), fmt, prefixes=prefixes)  # it only calls write
        out.finish()
    return target


def _parsed(path: Path, fmt: ox.RdfFormat):
    return ox.parse(path=str(path), format=fmt)


def write_ntriples(source: ExportSource, merged: Merged, work: Path) -> Path:
    return merged.path


def write_turtle(source: ExportSource, merged: Merged, work: Path) -> Path:
    return _serialize(_parsed(merged.path, ox.RdfFormat.N_TRIPLES), work / "out.ttl", ox.RdfFormat.TURTLE,
                      lambda handle: _Escaping(handle, sort_header=True), _sorted_prefixes(dict(PREFIXES)))


def write_rdfxml(source: ExportSource, merged: Merged, work: Path) -> Path:
    if merged.xml_problem:
        raise ExportError(merged.xml_problem)
    return _serialize(_parsed(merged.path, ox.RdfFormat.N_TRIPLES), work / "out.rdf", ox.RdfFormat.RDF_XML,
                      _XmlRoot, dict(PREFIXES))


def _key(quad: ox.Quad) -> str:
    """A quad as a line that sorts as (graph, subject, predicate, object) do: ``<g> s p o``."""
    return f"{quad.graph_name} {quad.subject} {quad.predicate} {quad.object}"


def write_nquads(source: ExportSource, merged: Merged, work: Path) -> Path:
    """The review's named graphs (graph/export/rdf.py), the imported sources' and the loaded files',
    sorted by (graph, subject, predicate, object) as the in-memory export sorts them."""
    review = [ox.Quad(pyoxigraph_term(s), pyoxigraph_term(p), pyoxigraph_term(o), ox.NamedNode(str(name)))
              for name, triples in named_graphs(source.graph).items() for s, p, o in triples]
    review += imported_quads(source)
    small = sorted({(_key(q) + "\n").encode("utf-8") for q in review})
    runs_folder = work / "quad-runs"
    runs_folder.mkdir()
    runs = sorted_runs((_key(q) for q in source.loaded.quads()), runs_folder)  # type: ignore[attr-defined]
    handles = [open(run, "rb") for run in runs]
    target = work / "out.nq"
    try:
        with open(target, "wb") as out:
            previous = b""
            for line in heapq.merge(small, *handles):
                if line == previous or line == b"\n":
                    continue
                previous = line
                graph, rest = line.split(b" ", 1)
                text = rest[:-1] + b" " + graph + b" .\n"
                out.write(escape_controls(text.decode("utf-8")).encode("utf-8"))
    finally:
        for handle in handles:
            handle.close()
    shutil.rmtree(runs_folder)
    return target


def write_trig(source: ExportSource, merged: Merged, work: Path) -> Path:
    quads = write_nquads(source, merged, work)
    prefixes = _sorted_prefixes({**jsonld_context(), **PREFIXES})
    return _serialize(_parsed(quads, ox.RdfFormat.N_QUADS), work / "out.trig", ox.RdfFormat.TRIG,
                      lambda handle: _Escaping(handle, sort_header=True), prefixes)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def _loaded_nodes(source: ExportSource) -> Iterator[dict]:
    """One JSON-LD node object per subject of each loaded graph (the store gives a graph's quads
    grouped by subject), with full IRIs, values in the order read."""
    node: dict | None = None
    for quad in source.loaded.quads():  # type: ignore[attr-defined]
        subject = _json_term(quad.subject)["@id"]
        if node is None or node["@id"] != subject:
            if node is not None:
                yield node
            node = {"@id": subject}
        node.setdefault(quad.predicate.value, []).append(_json_term(quad.object))
    if node is not None:
        yield node


def write_jsonld(source: ExportSource, merged: Merged, work: Path) -> Path:
    """The review's nodes as the build writes them (compacted with the packaged context), then each
    loaded subject's node; one JSON object per line of the ``@graph`` array."""
    curated = json.loads(to_jsonld(source.graph))
    target = work / "out.jsonld"

    def dump(value) -> bytes:
        return escape_controls(json.dumps(value, ensure_ascii=False, sort_keys=True)).encode("utf-8")

    with open(target, "wb") as out:
        out.write(b'{\n "@context": ' + dump(curated["@context"]) + b',\n "@graph": [')
        first = True
        for node in curated["@graph"]:
            out.write((b"\n  " if first else b",\n  ") + dump(node))
            first = False
        for node in _loaded_nodes(source):
            out.write((b"\n  " if first else b",\n  ") + dump(node))
            first = False
        out.write(b"\n ]\n}\n")
    return target


WRITERS: dict[str, Callable[[ExportSource, Merged, Path], Path]] = {
    "turtle": write_turtle, "ntriples": write_ntriples, "jsonld": write_jsonld, "rdfxml": write_rdfxml,
    "trig": write_trig, "nquads": write_nquads,
}


def streamed(source: ExportSource) -> bool:
    """Whether ``source`` holds files loaded into its build (and is written by this module)."""
    loaded = getattr(source, "loaded", None)
    return loaded is not None and bool(loaded.graphs)
