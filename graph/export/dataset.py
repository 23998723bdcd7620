"""The dataset description written with every export: VoID (from graph/build.py) plus DCAT.

It states the version, licence, source review, release date (never the clock: see
:mod:`graph.export.source`), counts per class and relation, example resources, and one
``dcat:Distribution`` per file written, with its media type, size, SHA-256 checksum, the
specification it follows and what the format cannot carry. No blank nodes are used. An export
of a build folder with files added by ``exokg load`` adds ``prov:wasDerivedFrom`` each file's
graph and the file's description (name, SHA-256, size, media type, triple count).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..build import DATASET_IRI
from ..rdf import new_graph
from ..vocab import ONTOLOGY_IRI

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {  # file suffix -> (media type, registered with IANA)
    ".ttl": ("text/turtle", True), ".nt": ("application/n-triples", True), ".jsonld": ("application/ld+json", True),
    ".rdf": ("application/rdf+xml", True), ".trig": ("application/trig", True), ".nq": ("application/n-quads", True),
    ".graphml": ("application/graphml+xml", False), ".csv": ("text/csv", True),
    ".tsv": ("text/tab-separated-values", True), ".cyjs": ("application/json", True),
}
KEYWORDS = ("exosomes", "extracellular vesicles", "cancer drug resistance", "chemoresistance", "non-coding RNA",
            "knowledge graph")


def media_type(name: str) -> tuple[str, bool]:
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return MEDIA_TYPES.get(suffix, ("application/octet-stream", True))


def size_and_digest(content: bytes | Path) -> tuple[int, str]:
    """The byte size and SHA-256 (hex) of a file's content, or of a file written to disk (read in blocks)."""
    if isinstance(content, bytes):
        return len(content), hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    with open(content, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return content.stat().st_size, digest.hexdigest()


def dataset_description(source, fmt, files: dict[str, bytes] | dict[str, bytes | Path], void: Graph | None = None
                        ) -> Graph:
    """VoID + DCAT for ``source`` exported as ``fmt`` (an ExportFormat) into ``files`` (contents, or
    paths of files already written); ``void`` replaces ``source.void`` (a streamed export counts the
    merged graph as it writes it: graph/export/stream.py)."""
    ds = DATASET_IRI
    graph = new_graph()
    void = source.void if void is None else void
    for prefix, namespace in void.namespaces():
        graph.bind(prefix, namespace)
    for triple in void:
        graph.add(triple)
    loaded = getattr(source, "loaded", None)
    if loaded is not None and loaded.graphs:  # the files added with `exokg load` (graph/export/loaded.py)
        graph.bind("prov", "http://www.w3.org/ns/prov#")
        for triple in loaded.description(ds):
            graph.add(triple)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    graph.remove((ds, DCTERMS.hasVersion, None))
    graph.add((ds, DCTERMS.hasVersion, Literal(source.version)))
    graph.add((ds, RDF.type, DCAT.Dataset))
    graph.add((ds, DCAT.version, Literal(source.version)))
    graph.add((ds, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    for keyword in KEYWORDS:
        graph.add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    if source.issued is not None:
        graph.add((ds, DCTERMS.issued, Literal(source.issued.isoformat(), datatype=XSD.date)))
    else:
        graph.add((ds, RDFS.comment, Literal(
            "No release date is recorded: set SOURCE_DATE_EPOCH, or dcterms:modified on the ontology, to state one.")))

    loss = "; ".join(fmt.loses) if fmt.loses else "Carries every triple of the graph."
    for name in sorted(files):
        size, sha256 = size_and_digest(files[name])
        dist = URIRef(f"{ds}/distribution/{fmt.name}/{quote(name, safe='')}")
        checksum = URIRef(f"{dist}/sha256")
        mime, registered = media_type(name)
        graph.add((ds, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.title, Literal(name)))
        graph.add((dist, DCTERMS.description, Literal(f"{fmt.description}. {loss}")))
        graph.add((dist, DCTERMS.format, Literal(mime)))
        if registered:
            graph.add((dist, DCAT.mediaType, URIRef(IANA + mime)))
        graph.add((dist, DCTERMS.conformsTo, URIRef(fmt.spec)))
        graph.add((dist, DCTERMS.license, URIRef(str(graph.value(ds, DCTERMS.license)))))
        graph.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
        if source.issued is not None:
            graph.add((dist, DCTERMS.issued, Literal(source.issued.isoformat(), datatype=XSD.date)))
    return graph
