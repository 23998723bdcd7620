"""Export the graph in the formats other tools read: ``exokg export --format F [--out PATH]``.

One table, :data:`FORMATS`, maps each format name to its writer, file suffix, description,
specification and loss statement; the CLI's ``--format`` choices are its names. A one-file format
writes ``PATH`` (default ``exokg<suffix>``) and ``PATH.dataset.ttl`` beside it; a folder format
(no suffix) writes its files and ``dataset.ttl`` into the folder ``PATH`` (default
``exokg-<name>``). Everything is serialised in memory first and then written with
:func:`graph.build.write_atomically`, so an error leaves no half-written output, and the bytes
depend only on the data (never on the clock or hash seeds). A build folder with files added by
``exokg load`` is written as a stream instead (:mod:`graph.export.stream`): into a working folder
beside the output, then renamed into place, with the same guarantees.

>>> sorted(FORMATS) == sorted(FORMAT_NAMES)
True
>>> get_format("yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.FormatError: unknown export format 'yaml'. Fix: use one of turtle, ntriples, jsonld, ..., neo4j
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..build import to_turtle, write_atomically
from .csvfiles import write_csv
from .cytoscape import write_cytoscape
from .dataset import dataset_description
from .errors import ExportError, FormatError
from .graphml import write_graphml
from .imported import with_sources
from .loaded import with_loaded
from .kgx import write_kgx
from .neo4j import write_neo4j
from .rdf import write_jsonld, write_nquads, write_ntriples, write_rdfxml, write_trig, write_turtle
from .source import ExportSource, from_graph, load_source
from .stream import WRITERS as STREAM_WRITERS, merge, streamed, work_folder

__all__ = ["FORMATS", "FORMAT_NAMES", "ExportError", "ExportFormat", "ExportResult", "ExportSource", "FormatError",
           "export", "from_graph", "get_format", "load_source", "render"]

DESCRIPTION_SUFFIX = ".dataset.ttl"
FOLDER_DESCRIPTION = "dataset.ttl"

# What the graph formats cannot carry (docs/export.md, "Loss report", explains each line).
_NO_PUBLICATIONS = ("publication records (citation, DOI, year): an edge keeps only its references' numbers and IRIs, "
                    "and the review's title and date are in the dataset description")
_NO_SECTIONS = "section records: an edge keeps its section number and title"
_NO_ONTOLOGY = "the ontology (class hierarchy, relation definitions, domains and ranges): a node keeps its class name"
_FLAT_LISTS = "RDF datatypes and lists: lists are |-joined text"
# GraphML and Cytoscape.js JSON carry the same attributes (graph/export/graphml.py), so they lose the same.
_GRAPHML_LOSSES = (_NO_PUBLICATIONS, _NO_SECTIONS, _NO_ONTOLOGY,
                   "RDF datatypes and lists: lists are |-joined strings; an attribute with no value is left out")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    writer: Callable[[ExportSource], bytes | dict[str, bytes]] = field(repr=False)
    suffix: str  # the file's suffix for a one-file format; "" for a format that writes a folder
    description: str
    spec: str  # the specification the files follow
    loses: tuple[str, ...] = ()  # what it cannot carry; empty = every triple
    files: tuple[str, ...] = ()  # a folder format's data files

    @property
    def folder(self) -> bool:
        return not self.suffix

    def default_out(self) -> Path:
        return Path(f"exokg-{self.name}") if self.folder else Path(f"exokg{self.suffix}")


_FORMAT_LIST = (
    ExportFormat("turtle", write_turtle, ".ttl", "RDF Turtle", "https://www.w3.org/TR/turtle/"),
    ExportFormat("ntriples", write_ntriples, ".nt", "RDF N-Triples, lines sorted", "https://www.w3.org/TR/n-triples/"),
    ExportFormat("jsonld", write_jsonld, ".jsonld", "JSON-LD with the packaged context inline",
                 "https://www.w3.org/TR/json-ld11/"),
    ExportFormat("rdfxml", write_rdfxml, ".rdf", "RDF/XML", "https://www.w3.org/TR/rdf-syntax-grammar/"),
    ExportFormat("trig", write_trig, ".trig",
                 "TriG: each assertion in nanopublication-style named graphs (assertion, provenance, pubinfo)",
                 "https://www.w3.org/TR/trig/"),
    ExportFormat("nquads", write_nquads, ".nq", "N-Quads: the same named graphs as TriG, lines sorted",
                 "https://www.w3.org/TR/n-quads/"),
    ExportFormat("graphml", write_graphml, ".graphml",
                 "GraphML for Cytoscape, Gephi, yEd and networkx: entities as nodes, assertions as edges",
                 "http://graphml.graphdrawing.org/specification.html",
                 _GRAPHML_LOSSES),
    ExportFormat("cytoscape", write_cytoscape, ".cyjs",
                 "Cytoscape.js JSON for Cytoscape.js and Cytoscape desktop: GraphML's nodes, edges and attributes",
                 "https://js.cytoscape.org/#notation/elements-json",
                 _GRAPHML_LOSSES),
    ExportFormat("csv", write_csv, "", "nodes.csv and edges.csv for Cytoscape and Gephi",
                 "https://www.rfc-editor.org/rfc/rfc4180",
                 (_NO_PUBLICATIONS, _NO_SECTIONS, _NO_ONTOLOGY, "RDF datatypes and lists: every value is text, "
                  "lists are |-joined"), ("nodes.csv", "edges.csv")),
    ExportFormat("kgx", write_kgx, "", "KGX TSV (nodes.tsv, edges.tsv) with Biolink categories and predicates",
                 "https://github.com/biolink/kgx/blob/master/specification/kgx-format.md",
                 (_NO_PUBLICATIONS, _NO_SECTIONS,
                  "ExoKG classes and relations become Biolink categories and predicates, several onto one "
                  "(the originals stay in exokg_class and original_predicate)",
                  "identifiers are Biolink-prefixed CURIEs (the entity IRI stays in iri)",
                  "one row per assertion, but kgx's own loader merges rows that share subject, predicate and object",
                  _FLAT_LISTS), ("nodes.tsv", "edges.tsv")),
    ExportFormat("neo4j", write_neo4j, "", "Neo4j admin-import CSV (nodes.csv, relationships.csv)",
                 "https://neo4j.com/docs/operations-manual/current/import/",
                 (_NO_PUBLICATIONS, _NO_SECTIONS,
                  "the ontology's relation definitions, domains and ranges: a node's labels are its class and "
                  "its ancestors",
                  "RDF datatypes: values are strings, ints, booleans or arrays of them"),
                 ("nodes.csv", "relationships.csv")),
)
FORMATS: dict[str, ExportFormat] = {f.name: f for f in _FORMAT_LIST}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def get_format(name: str) -> ExportFormat:
    fmt = FORMATS.get(name.lower()) if isinstance(name, str) else None
    if fmt is None:
        raise FormatError(f"unknown export format '{name}'. Fix: use one of {', '.join(FORMAT_NAMES)}")
    return fmt


def description_name(fmt: ExportFormat, out_name: str) -> str:
    return FOLDER_DESCRIPTION if fmt.folder else out_name + DESCRIPTION_SUFFIX


def render(fmt: ExportFormat | str, source: ExportSource, out_name: str | None = None) -> dict[str, bytes]:
    """Every file of the export, by name (relative to its folder), dataset description included."""
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    out_name = out_name or fmt.default_out().name
    if streamed(source):  # written to disk as a stream (graph/export/stream.py), read back here
        with tempfile.TemporaryDirectory() as folder:
            written = _write_streamed(fmt, source, Path(folder), out_name)
            return {name: (Path(folder) / name).read_bytes() for name in written}
    data = fmt.writer(source)
    files: dict[str, bytes] = dict(data) if isinstance(data, dict) else {out_name: data}
    files[description_name(fmt, out_name)] = to_turtle(dataset_description(source, fmt, files))
    return files


def _write_streamed(fmt: ExportFormat, source: ExportSource, folder: Path, out_name: str) -> dict[str, int]:
    """Write the export of a build with loaded files into ``folder`` (graph/export/stream.py): the
    merged graph goes through sorted runs in a working folder there, the RDF formats are written from
    them as streams, and every file is renamed into place at the end; file name -> bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    with work_folder(folder, out_name) as work:
        merged = merge(source, work, fmt.name)
        files: dict[str, bytes | Path]
        if fmt.name in STREAM_WRITERS:
            files = {out_name: STREAM_WRITERS[fmt.name](source, merged, work)}
        else:
            data = fmt.writer(source)
            files = dict(data) if isinstance(data, dict) else {out_name: data}
        description = dataset_description(source, fmt, files, void=merged.void())
        files[description_name(fmt, out_name)] = to_turtle(description)
        sizes = {name: len(c) if isinstance(c, bytes) else c.stat().st_size for name, c in files.items()}
        write_atomically(folder, {n: c for n, c in files.items() if isinstance(c, bytes)},
                         moved={n: c for n, c in files.items() if isinstance(c, Path)})
    return sizes


@dataclass(frozen=True)
class ExportResult:
    format: ExportFormat
    folder: Path  # where the files were written
    files: dict[str, int]  # file name -> bytes written
    dropped: dict[str, int]  # what the format's view could not carry beyond its loss statement -> triples
    loaded: tuple[str, ...] = ()  # the names of the files added with `exokg load` that the export holds

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]


def _check_out(fmt: ExportFormat, out: Path) -> None:
    if fmt.folder and out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, but --format {fmt.name} writes a folder. "
                          f"Fix: give a folder for --out, e.g. {out.parent / fmt.default_out()}")
    if not fmt.folder and out.is_dir():
        raise ExportError(f"{out} is a folder, but --format {fmt.name} writes one file. "
                          f"Fix: give a file name for --out, e.g. {out / fmt.default_out()}")
    for parent in (out if fmt.folder else out.parent, *out.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ExportError(f"{parent} is a file, so {out} cannot be written. Fix: choose another --out")
            break


def export(fmt: ExportFormat | str, out: Path | str | None = None,
           source: ExportSource | Path | str | None = None, sources: str | None = None) -> ExportResult:
    """Export ``source`` (an ExportSource, a build folder, an .nt/.ttl file; default: the packaged
    data) as ``fmt`` to ``out``. Nothing is written unless every file could be made.

    A build folder's files added with ``exokg load`` are exported with the curated graph
    (:mod:`graph.export.loaded`): merged in the triple formats, each in its named graph in TriG
    and N-Quads, their assertions as edges labelled with the file in the graph formats.

    ``sources`` (``exokg export --sources``: ``review``, the default, or ``review,<source>...`` /
    ``all``) adds the sources imported into the build folder's store, each fact labelled with its
    source (:mod:`graph.export.imported`)."""
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    out = Path(out) if out is not None else fmt.default_out()
    _check_out(fmt, out)
    src = source if isinstance(source, ExportSource) else with_loaded(load_source(source), source)
    if sources is not None:
        src = with_sources(src, None if isinstance(source, ExportSource) else source, fmt.name, sources)
    folder = out if fmt.folder else out.parent
    try:
        if streamed(src):
            sizes = _write_streamed(fmt, src, folder, out.name)
        else:
            files = render(fmt, src, out.name)
            write_atomically(folder, files)
            sizes = {name: len(content) for name, content in files.items()}
    except OSError as err:
        raise ExportError(f"cannot write {folder / (err.filename or '')}: {err.strerror or err}. "
                          "Fix: choose a writable --out") from None
    dropped = src.view.dropped if fmt.loses else {}
    loaded = getattr(src, "loaded", None)
    return ExportResult(format=fmt, folder=folder, files=sizes,
                        dropped=dropped, loaded=tuple(g.title for g in loaded.graphs) if loaded is not None else ())


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def formats_markdown() -> str:
    """The format table and the per-format losses of docs/export.md (``python -m graph.export``)."""
    lines = ["| `--format` | writes | what |", "|---|---|---|"]
    for fmt in FORMATS.values():
        if fmt.folder:
            names = ", ".join(f"`{n}`" for n in (*fmt.files, FOLDER_DESCRIPTION))
            writes = f"folder `{fmt.default_out()}/`: {names}"
        else:
            writes = f"`{fmt.default_out()}`, `{description_name(fmt, fmt.default_out().name)}`"
        lines.append(f"| `{fmt.name}` | {writes} | [{_md(fmt.description)}]({fmt.spec}) |")
    lines += ["", "What each format does not carry (the CLI prints the same after every export):", ""]
    for fmt in FORMATS.values():
        loses = "; ".join(fmt.loses) if fmt.loses else "nothing; it carries every triple"
        lines.append(f"- `{fmt.name}`: {loses}.")
    return "\n".join(lines) + "\n"
