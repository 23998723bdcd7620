"""Build: curated tables -> checked model -> RDF graph -> files.

Everything is serialised in memory first; only when every output is ready are the files
written, each to a temporary file in the output folder and then renamed over the old one. A
bad input therefore leaves the output folder as it was. Outputs are byte-identical for the same
input: N-Triples lines are sorted, Turtle is written by rdflib's sorting serializer, JSON-LD
nodes and values are sorted, and no blank node or clock time is used.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, OWL, RDF, VOID

from .curation import data_dir, load_curation
from .model import Curation, review_iri
from .ontology import load_ontology
from .rdf import check_writable, curation_to_rdf, escape_controls, new_graph
from .identifiers import prefix_records
from .vocab import BASE, DATASET, EXO, PREFIXES

DATASET_IRI = DATASET["exokg"]
OUTPUT_FILES = ("exokg.ttl", "exokg.nt", "exokg.jsonld", "void.ttl")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path | None
    files: dict[str, bytes]
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


def void_description(graph: Graph, curation: Curation, digest: str) -> Graph:
    """VoID description of the built graph; the version comes from the data, not the clock."""
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
    void.add((ds, VOID.triples, Literal(len(graph))))
    void.add((ds, VOID.entities, Literal(len(curation.entities))))
    void.add((ds, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    void.add((ds, VOID.properties, Literal(len(set(graph.predicates())))))
    class_counts: dict[Node, int] = {}
    for _, cls in graph.subject_objects(RDF.type):
        class_counts[cls] = class_counts.get(cls, 0) + 1
    for cls, count in sorted(class_counts.items()):
        part = URIRef(f"{ds}/class/{str(cls).rsplit('/', 1)[-1]}")
        void.add((ds, VOID.classPartition, part))
        void.add((part, VOID["class"], cls))
        void.add((part, VOID.entities, Literal(count)))
    for relation in ontology.relations.values():
        count = sum(1 for _ in graph.triples((None, relation.iri, None)))
        if count:
            part = URIRef(f"{ds}/property/{relation.name}")
            void.add((ds, VOID.propertyPartition, part))
            void.add((part, VOID.property, relation.iri))
            void.add((part, VOID.triples, Literal(count)))
    for key in ("miR-522", "circBIRC6", "cisplatin", "gastric-cancer"):
        if key in curation.entities:
            void.add((ds, VOID.exampleResource, URIRef(curation.entities[key].iri)))
    return void


def serialize_all(graph: Graph, curation: Curation, digest: str) -> dict[str, bytes]:
    return {
        "exokg.ttl": to_turtle(graph),
        "exokg.nt": to_ntriples(graph),
        "exokg.jsonld": to_jsonld(graph),
        "void.ttl": to_turtle(void_description(graph, curation, digest)),
    }


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
    """Delete the temporary files an earlier, killed write left in ``out_dir`` (only our own naming,
    ``.<file>.<pid>.<random>.exokg-tmp``, and only when that process is gone); return their names."""
    removed = []
    for path in sorted(out_dir.iterdir()) if out_dir.is_dir() else ():
        match = _TEMP_NAME.fullmatch(path.name)
        if match and int(match["pid"]) != os.getpid() and not _alive(int(match["pid"])) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def write_atomically(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name in ``out_dir``, then rename each into place.

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
        for name, tmp in staged:
            os.replace(tmp, out_dir / name)
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)


def build_graph(data: Path | str | None = None) -> tuple[Graph, Curation]:
    curation = load_curation(data)
    return curation_to_rdf(curation), curation


def build(out_dir: Path | str | None = None, data: Path | str | None = None) -> BuildResult:
    """Check the curated tables, build the graph and (when ``out_dir`` is given) write it."""
    graph, curation = build_graph(data)
    digest = data_digest(data)
    files = serialize_all(graph, curation, digest)
    if out_dir is not None:
        from .storage import write_build_store

        write_build_store(out_dir, files["exokg.nt"], files["void.ttl"])  # the store first: a failure keeps the old one
        write_atomically(Path(out_dir), files)
    return BuildResult(out_dir=Path(out_dir) if out_dir is not None else None, files=files, triples=len(graph),
                       entities=len(curation.entities), statements=len(curation.statements), digest=digest,
                       graph=graph)
