"""Build: curated tables -> checked model -> a stream of triples -> store and files.

The checked model becomes N-Triples lines one at a time (:func:`graph.rdf.curation_lines`); they
are sorted in bounded runs on disk, each run handed to the store's bulk loaders (two threads, while
the next run is made), and the runs are merged into the sorted, repeat-free ``exokg.nt`` while
counting what the VoID description says. No graph is held in memory, so peak memory grows with
the curated model, not with the triples. Turtle and JSON-LD (rdflib's writers, which hold the
graph) are written for graphs up to :data:`TEXT_FORMATS_MAX_TRIPLES` triples, or always with
``all_formats=True``; above it ``exokg export`` writes them.

Every file goes to a temporary name in the output folder and is renamed over the old one only when
the store and every output are ready, so a bad input or an interrupted build leaves the folder as
it was. Outputs are byte-identical for the same input: N-Triples lines are sorted, Turtle is
written by rdflib's sorting serializer, JSON-LD nodes and values are sorted, and no blank node or
clock time is used.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, OWL, RDF, VOID

from .curation import data_dir, load_curation
from .model import Curation, review_iri
from .ontology import load_ontology
from .rdf import check_writable, curation_lines, escape_controls, new_graph
from .identifiers import prefix_records
from .vocab import BASE, DATASET, EXO, PREFIXES

if TYPE_CHECKING:
    from .storage import BeforePublish

DATASET_IRI = DATASET["exokg"]
OUTPUT_FILES = ("exokg.ttl", "exokg.nt", "exokg.jsonld", "void.ttl")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


TEXT_FORMATS_MAX_TRIPLES = 100_000  # above it, build writes no Turtle or JSON-LD (exokg export does)
RUN_LINES = 250_000  # N-Triples lines sorted in memory at a time


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: ``sizes`` maps each file written to its size in bytes; ``graph`` is the
    rdflib graph when Turtle and JSON-LD were written (small graphs), else None."""

    out_dir: Path | None
    sizes: dict[str, int]
    triples: int
    entities: int
    statements: int
    digest: str
    graph: Graph | None = field(repr=False, compare=False, default=None)


def data_digest(root: Path | str | None = None) -> str:
    """SHA-256 over every curated table and the ontology: the data's version."""
    root = Path(root) if root is not None else data_dir()
    digest = hashlib.sha256()
    paths = [root / "sections.tsv", root / "references.tsv", *sorted((root / "curation").glob("*.tsv"))]
    for path in filter(Path.is_file, paths):  # never open a FIFO or a device: it could block
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(resources.files("graph.owl").joinpath("exokg.ttl").read_bytes())
    return digest.hexdigest()


def jsonld_context() -> dict:
    """The JSON-LD context: ExoKG's vocabulary prefixes and every identifier prefix.

    The same context ships as ``graph/data/context.jsonld`` for other tools (a test keeps them equal).
    """
    context = dict(PREFIXES)
    for prefix, record in prefix_records().items():
        context.setdefault(prefix, record["uri_prefix"])
    return dict(sorted(context.items()))


def to_ntriples(graph: Graph) -> bytes:
    """Sorted N-Triples. Lines are split on ``\\n`` only (a literal may hold U+2028 and the like,
    which ``str.splitlines`` would also split on); control characters are escaped."""
    check_writable(graph, "N-Triples")
    text = escape_controls(graph.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_turtle(graph: Graph) -> bytes:
    check_writable(graph, "Turtle")
    return escape_controls(graph.serialize(format="turtle", encoding="utf-8").decode("utf-8")).encode("utf-8")


def _sort_jsonld(value):
    if isinstance(value, dict):
        return {k: _sort_jsonld(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld(graph: Graph) -> bytes:
    check_writable(graph, "JSON-LD")
    context = jsonld_context()
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = document.get("@graph", [document] if "@id" in document else [])
    nodes = [{k: v for k, v in node.items() if k != "@context"} for node in nodes]
    ordered = {"@context": context, "@graph": sorted((_sort_jsonld(n) for n in nodes), key=lambda n: n["@id"])}
    return (escape_controls(json.dumps(ordered, ensure_ascii=False, indent=1)) + "\n").encode("utf-8")


@dataclass
class GraphCounts:
    """What the VoID description counts, gathered in one pass over a graph or a sorted stream."""

    triples: int = 0
    subjects: int = 0
    predicates: dict[str, int] = field(default_factory=dict)  # triples per predicate IRI
    classes: dict[Node, int] = field(default_factory=dict)  # subjects per rdf:type object


def graph_counts(graph: Graph) -> GraphCounts:
    counts = GraphCounts(triples=len(graph), subjects=len(set(graph.subjects())))
    for _, predicate, _ in graph:
        counts.predicates[str(predicate)] = counts.predicates.get(str(predicate), 0) + 1
    for _, cls in graph.subject_objects(RDF.type):
        counts.classes[cls] = counts.classes.get(cls, 0) + 1
    return counts


def void_description(graph: Graph, curation: Curation, digest: str) -> Graph:
    """VoID description of ``graph``; the version comes from the data, not the clock."""
    return void_from_counts(graph_counts(graph), curation, digest)


def void_from_counts(counts: GraphCounts, curation: Curation, digest: str) -> Graph:
    """VoID description of a graph from its counts (:func:`merge_runs` gathers them while writing)."""
    ontology = load_ontology()
    void = new_graph()
    void.bind("void", VOID)
    ds = DATASET_IRI
    void.add((ds, RDF.type, VOID.Dataset))
    void.add((ds, DCTERMS.title, Literal("ExoKG: exosomes and cancer drug resistance")))
    void.add((ds, DCTERMS.description, Literal(
        "Entities, relations and reified assertions with context and provenance, curated from the review "
        "Kałużna et al. 2025 (PMC12774554).")))
    void.add((ds, DCTERMS.license, URIRef(LICENSE)))
    void.add((ds, DCTERMS.source, URIRef(review_iri())))
    void.add((ds, OWL.versionInfo, Literal(ontology.version)))
    void.add((ds, DCTERMS.hasVersion, Literal(f"{ontology.version}+sha256.{digest[:12]}")))
    void.add((ds, VOID.uriSpace, Literal(BASE)))
    void.add((ds, VOID.vocabulary, URIRef(str(EXO._NS))))
    void.add((ds, VOID.triples, Literal(counts.triples)))
    void.add((ds, VOID.entities, Literal(len(curation.entities))))
    void.add((ds, VOID.distinctSubjects, Literal(counts.subjects)))
    void.add((ds, VOID.properties, Literal(len(counts.predicates))))
    for cls, count in sorted(counts.classes.items()):
        part = URIRef(f"{ds}/class/{str(cls).rsplit('/', 1)[-1]}")
        void.add((ds, VOID.classPartition, part))
        void.add((part, VOID["class"], cls))
        void.add((part, VOID.entities, Literal(count)))
    for relation in ontology.relations.values():
        count = counts.predicates.get(relation.uri, 0)
        if count:
            part = URIRef(f"{ds}/property/{relation.name}")
            void.add((ds, VOID.propertyPartition, part))
            void.add((part, VOID.property, relation.iri))
            void.add((part, VOID.triples, Literal(count)))
    for key in ("miR-522", "circBIRC6", "cisplatin", "gastric-cancer"):
        if key in curation.entities:
            void.add((ds, VOID.exampleResource, URIRef(curation.entities[key].iri)))
    return void


def sorted_runs(lines: Iterable[str], folder: Path, feed: Callable[[Path], None] = lambda run: None,
                run_lines: int | None = None) -> list[Path]:
    """Write ``lines`` as sorted N-Triples files of at most ``run_lines`` (default
    :data:`RUN_LINES`) lines each in ``folder`` (UTF-8, so byte order is code point order); hand
    each to ``feed`` when it is done. A run may repeat a line (:func:`merge_runs` drops repeats,
    the store holds a set): sorting the lines in the order they come, in which most are already
    in order, is several times faster than sorting a set of them. The first run is a quarter of
    the others, so that the store starts loading early."""
    run_lines = run_lines or RUN_LINES
    runs: list[Path] = []
    chunk: list[str] = []
    limit = max(1, run_lines // 4)

    def flush() -> None:
        run = folder / f"run-{len(runs):05d}.nt"
        chunk.sort()
        chunk.append("")  # the last line's end
        with open(run, "wb") as handle:
            handle.write("\n".join(chunk).encode("utf-8"))
        chunk.clear()
        runs.append(run)
        feed(run)

    for line in lines:
        chunk.append(line)
        if len(chunk) >= limit:
            flush()
            limit = run_lines
    if chunk or not runs:
        flush()
    return runs


def merge_runs(runs: list[Path], target: Path) -> GraphCounts:
    """Merge sorted runs into one sorted N-Triples file without repeats, counting as it goes
    (subjects are counted on the fly: the lines of one subject are adjacent once sorted)."""
    counts = GraphCounts()
    predicates: dict[bytes, int] = {}
    classes: dict[bytes, int] = {}
    rdf_type = f"<{RDF.type}>".encode()
    triples = subjects = 0
    handles = [open(run, "rb") for run in runs]
    try:
        with open(target, "wb") as out:
            write = out.write
            previous = b""
            subject = b"\n"  # the last subject and the space after it (no line starts with a line feed)
            for line in heapq.merge(*handles) if len(handles) > 1 else handles[0]:
                if line == previous:
                    continue
                previous = line
                write(line)
                triples += 1
                if line.startswith(subject):
                    end = len(subject) - 1
                else:
                    end = line.index(b" ")
                    subject = line[:end + 1]
                    subjects += 1
                stop = line.index(b" ", end + 1)
                predicate = line[end + 1:stop]
                predicates[predicate] = predicates.get(predicate, 0) + 1
                if predicate == rdf_type:
                    cls = line[stop + 1:-3]  # the object, without " .\n"
                    classes[cls] = classes.get(cls, 0) + 1
    finally:
        for handle in handles:
            handle.close()
    counts.triples, counts.subjects = triples, subjects
    counts.predicates = {p[1:-1].decode("utf-8"): n for p, n in predicates.items()}
    counts.classes = {URIRef(c[1:-1].decode("utf-8")): n for c, n in classes.items() if c.startswith(b"<")}
    return counts


TEMP_SUFFIX = ".exokg-tmp"
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0
    return True


def remove_stale_temporaries(out_dir: Path) -> list[str]:
    """Delete the temporary files (and a build's working folder) an earlier, killed write left in
    ``out_dir`` (only our own naming, ``.<name>.<pid>.<random>.exokg-tmp``, and only when that
    process is gone); return their names."""
    removed = []
    for path in sorted(out_dir.iterdir()) if out_dir.is_dir() else ():
        match = _TEMP_NAME.fullmatch(path.name)
        if match and int(match["pid"]) != os.getpid() and not _alive(int(match["pid"])):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file():
                path.unlink(missing_ok=True)
            else:
                continue
            removed.append(path.name)
    return removed


def write_atomically(out_dir: Path, files: dict[str, bytes], moved: dict[str, Path] | None = None,
                     remove: Iterable[str] = ()) -> None:
    """Write every file to a temporary name in ``out_dir``, then rename each into place; files
    already written in a folder of ``out_dir`` (``moved``: name -> path) are renamed with them,
    and the outputs named in ``remove`` (of an earlier build) are deleted after the renames.

    Temporary files are removed on any exception; those of an earlier write that was killed
    (SIGKILL leaves no chance to clean up) are removed by the next write into the folder.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=out_dir)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        for name, path in (moved or {}).items():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            os.chmod(path, 0o666 & ~umask)
            staged.append((name, path))
        for name, tmp in sorted(staged, key=lambda item: OUTPUT_FILES.index(item[0])
                                if item[0] in OUTPUT_FILES else len(OUTPUT_FILES)):
            os.replace(tmp, out_dir / name)
        for name in remove:
            (out_dir / name).unlink(missing_ok=True)
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)


def parse_ntriples(path: Path) -> Graph:
    """An rdflib graph (ExoKG's prefixes bound) of an N-Triples file; for small graphs only."""
    graph = new_graph()
    graph.parse(path, format="nt")
    return graph


def build_graph(data: Path | str | None = None) -> tuple[Graph, Curation]:
    """The curated graph in memory (rdflib), for tests and small data: :func:`build` never holds it
    for large graphs."""
    curation = load_curation(data)
    with tempfile.TemporaryDirectory() as tmp:
        runs = sorted_runs(curation_lines(curation), Path(tmp))
        merge_runs(runs, Path(tmp) / "exokg.nt")
        return parse_ntriples(Path(tmp) / "exokg.nt"), curation


def build(out_dir: Path | str | None = None, data: Path | str | None = None, *,
          all_formats: bool = False, before_publish: BeforePublish | None = None) -> BuildResult:
    """Check the curated tables, stream the graph into the store and (when ``out_dir`` is given)
    write the store and the files; Turtle and JSON-LD only up to :data:`TEXT_FORMATS_MAX_TRIPLES`
    triples unless ``all_formats``. ``before_publish`` is :func:`graph.storage.writable_store`'s
    (the command line passes :func:`graph.graphcheck.vouch_build`)."""
    curation = load_curation(data)
    digest = data_digest(data)
    target = Path(out_dir) if out_dir is not None else None
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
    work = Path(tempfile.mkdtemp(prefix=f".build.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=target))
    outputs: dict[str, bytes] = {}
    holder: dict[str, Graph] = {}
    sizes: dict[str, int] = {}

    def write(feed: Callable[[Path], None]) -> bytes:
        """Make the runs (each fed to the store as it is done), merge them into exokg.nt and
        serialise the other outputs while the store loads; return the VoID description."""
        runs = sorted_runs(curation_lines(curation), work, feed)
        counts = merge_runs(runs, work / "exokg.nt")  # the runs go with the working folder
        sizes["triples"] = counts.triples  # taken out below
        if all_formats or counts.triples <= TEXT_FORMATS_MAX_TRIPLES:
            graph = holder["graph"] = parse_ntriples(work / "exokg.nt")
            outputs["exokg.ttl"], outputs["exokg.jsonld"] = to_turtle(graph), to_jsonld(graph)
        outputs["void.ttl"] = to_turtle(void_from_counts(counts, curation, digest))
        size = {**{name: len(content) for name, content in outputs.items()}, "exokg.nt": (work / "exokg.nt").stat().st_size}
        sizes.update((name, size[name]) for name in OUTPUT_FILES if name in size)
        return outputs["void.ttl"]

    try:
        if target is None:
            write(lambda run: None)
        else:
            from .storage import record_default_graph_file, write_build_store

            write_build_store(target, write, before_publish=before_publish)  # the store first: a failure keeps the old one
            write_atomically(target, outputs, moved={"exokg.nt": work / "exokg.nt"},
                             remove=[name for name in OUTPUT_FILES if name not in outputs and name != "exokg.nt"])
            record_default_graph_file(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    triples = sizes.pop("triples")
    return BuildResult(out_dir=target, sizes=sizes, triples=triples, entities=len(curation.entities),
                       statements=len(curation.statements), digest=digest, graph=holder.get("graph"))
