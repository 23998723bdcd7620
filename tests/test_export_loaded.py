"""`exokg export --graph DIR` after `exokg load FILE... --graph DIR` (issue 14 item 3): the triple
formats hold the curated graph merged with the loaded files, TriG and N-Quads keep each file in its
own named graph, the graph formats have the loaded assertions as edges whose knowledge source names
the file, the other loaded triples are counted once per file, and a build without loaded files
exports exactly as before.

The loaded files restate facts of the built graph (picked at test time) under IRIs of a user's
own namespace, so no fact is invented."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from graph.export import FORMATS, export, load_source, render
from graph.export.kgx import kgx_id
from graph.load import load
from graph.storage import GRAPH_BASE
from graph.store import open_store
from graph.vocab import EXO

from .conftest import run_cli

EX = "http://example.org/mine/"
TRIPLE_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
QUAD_FORMATS = {"trig": "trig", "nquads": "nquads"}
GRAPH_FORMATS = ("graphml", "cytoscape", "csv", "kgx", "neo4j")


def restated(graph: Graph, original: URIRef, iri: str) -> str:
    """N-Triples of a user's own assertion ``iri`` stating what the curated ``original`` states."""
    lines = [f"<{iri}> <{RDF.type}> <{EXO.Assertion}> ."]
    for predicate in (RDF.subject, RDF.predicate, RDF.object, EXO.section):
        lines.append(f"<{iri}> <{predicate}> <{graph.value(original, predicate)}> .")
    lines.append(f'<{iri}> <{EXO.curatorSummary}> "my copy of {original}" .')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def loaded(built, built_dir, tmp_path_factory):
    """A copy of the session build with an N-Triples and a Turtle file loaded; the exports of it."""
    root = tmp_path_factory.mktemp("loaded")
    folder = root / "build"
    shutil.copytree(built_dir, folder, symlinks=True)
    curated = sorted(built.graph.subjects(RDF.type, EXO.Assertion))
    nt = root / "mine.nt"
    nt.write_text(restated(built.graph, curated[0], EX + "claim/1") + f'<{EX}s0> <{EX}p> "zero" .\n',
                  encoding="utf-8")
    ttl = root / "other.ttl"  # a second assertion, a copy of a curated assertion's type, and triples of no ExoKG kind
    ttl.write_text(restated(built.graph, curated[1], EX + "claim/2")
                   + f"<{curated[2]}> <{RDF.type}> <{EXO.Assertion}> .\n"
                   + f'@prefix ex: <{EX}> .\nex:s1 ex:p "three" .\nex:s2 ex:p [ ex:q "blank" ] .\n', encoding="utf-8")
    results = load([nt, ttl], folder)
    out = root / "exports"
    exports = {name: export(name, out / fmt.default_out(), folder) for name, fmt in FORMATS.items()}
    return {"folder": folder, "files": {r.file.name: r for r in results}, "exports": exports, "root": root,
            "review_assertion": curated[2]}


def data_path(result) -> Path:
    return result.folder / next(n for n in result.files if not n.endswith("dataset.ttl"))


def parsed(path: Path, fmt: str) -> Graph:
    graph = Graph()
    graph.parse(path, format=fmt)
    return graph


def description(folder: Path, graph_iri: str) -> Graph:
    """The description `exokg load` stored with a file (its graph's IRI and checksum are the subjects)."""
    store, named = open_store(folder), ox.NamedNode(graph_iri)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, named)
               if q.subject.value in (graph_iri, graph_iri + "/sha256")]
    assert len(triples) >= 5  # title, triple count, size, media type, checksum ...
    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def file_graph(loaded, name: str) -> Graph:
    path = loaded["root"] / name
    return parsed(path, "nt" if name.endswith(".nt") else "turtle")


@pytest.mark.parametrize("name", TRIPLE_FORMATS)
def test_triple_formats_hold_the_curated_graph_merged_with_the_loaded_files(built_dir, loaded, name):
    exported = parsed(data_path(loaded["exports"][name]), TRIPLE_FORMATS[name])
    expected = parsed(built_dir / "exokg.nt", "nt")
    for file_name, result in loaded["files"].items():
        expected += file_graph(loaded, file_name)
        expected += description(loaded["folder"], result.graph)
    assert isomorphic(exported, expected)
    assert (URIRef(EX + "s1"), URIRef(EX + "p"), None) in exported


@pytest.mark.parametrize("name", QUAD_FORMATS)
def test_quad_formats_keep_each_loaded_file_in_its_named_graph(built_dir, loaded, name):
    dataset = Dataset()
    dataset.parse(data_path(loaded["exports"][name]), format=QUAD_FORMATS[name])
    names = {str(g.identifier) for g in dataset.graphs()}
    review = Graph()
    for file_name, result in loaded["files"].items():
        assert result.graph in names
        expected = file_graph(loaded, file_name) + description(loaded["folder"], result.graph)
        assert isomorphic(dataset.graph(URIRef(result.graph)), expected), file_name
    for graph in dataset.graphs():
        if not str(graph.identifier).startswith(GRAPH_BASE + "load-"):
            review += graph
    assert isomorphic(review, parsed(built_dir / "exokg.nt", "nt"))  # the review's graphs hold nothing loaded


def edge_sources(name: str, result) -> dict[str, dict[str, str]]:
    """Assertion IRI (KGX: its KGX id) -> the edge's provenance columns, read back from the files."""
    if name == "graphml":
        G = nx.read_graphml(data_path(result))
        return {d["assertion"]: d for _, _, d in G.edges(data=True)}
    if name == "cytoscape":
        document = json.loads(data_path(result).read_text(encoding="utf-8"))
        return {e["data"]["assertion"]: e["data"] for e in document["elements"]["edges"]}
    file_name = {"csv": "edges.csv", "neo4j": "relationships.csv", "kgx": "edges.tsv"}[name]
    text = (result.folder / file_name).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t" if name == "kgx" else ",",
                          quoting=csv.QUOTE_NONE if name == "kgx" else csv.QUOTE_MINIMAL)
    return {row["id" if name == "kgx" else "assertion"]: row for row in rows}


@pytest.mark.parametrize("name", GRAPH_FORMATS)
def test_graph_formats_have_the_loaded_assertions_as_edges_naming_their_file(built, loaded, name):
    edges = edge_sources(name, loaded["exports"][name])
    key = kgx_id if name == "kgx" else str
    column = "exokg_source" if name == "kgx" else "knowledge_source"
    curated = set(built.graph.subjects(RDF.type, EXO.Assertion))
    assert len(edges) == len(curated) + 2
    for file_name, claim in (("mine.nt", "claim/1"), ("other.ttl", "claim/2")):
        graph_iri = loaded["files"][file_name].graph
        edge = edges[key(EX + claim)]
        assert edge[column] == graph_iri.removeprefix(GRAPH_BASE)
        assert file_name in edge["exokg_source_evidence" if name == "kgx" else "source_evidence"]
        if name == "kgx":
            assert edge["primary_knowledge_source"] == graph_iri
            assert (edge["knowledge_level"], edge["agent_type"]) == ("not_provided", "not_provided")
    for assertion in curated:  # the curated edges, one restated in a loaded file too, stay the review's
        assert edges[key(str(assertion))][column] == "review"
    assert loaded["review_assertion"] in curated


def test_other_loaded_triples_are_counted_once_per_file_and_descriptions_go_to_the_dataset(loaded, tmp_path, capsys):
    folder = loaded["folder"]
    code, out, err = run_cli(capsys, "export", "--format", "csv", "--graph", str(folder), "--out", str(tmp_path / "csv"))
    assert code == 0, err
    assert "with 2 file(s) added by `exokg load`: mine.nt, other.ttl" in out
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    mine, other = (loaded["files"][n].graph.removeprefix(GRAPH_BASE) for n in ("mine.nt", "other.ttl"))
    assert any(f"loaded file mine.nt ({mine})" in w and w.endswith("(1 triple(s))") for w in warnings), warnings
    assert any(f"loaded file other.ttl ({other})" in w and w.endswith("(3 triple(s))") for w in warnings), warnings
    assert not any("triples about" in w for w in warnings), warnings
    dataset = parsed(tmp_path / "csv" / "dataset.ttl", "turtle")
    version = str(next(dataset.objects(None, URIRef("http://purl.org/dc/terms/hasVersion"))))
    assert ".load." in version and version.startswith(load_source(folder).version)
    for result in loaded["files"].values():
        assert (None, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(result.graph)) in dataset
        copied = Graph()
        for triple in dataset.triples((None, None, None)):
            if str(triple[0]) in (result.graph, result.graph + "/sha256"):
                copied.add(triple)
        assert isomorphic(description(folder, result.graph), copied)


def test_exports_with_loaded_files_are_byte_identical_across_runs_and_hash_seeds(loaded, tmp_path):
    script = ("import sys; from pathlib import Path; from graph.export import FORMATS, export; "
              "out = Path(sys.argv[2]); [export(n, out / f.default_out(), sys.argv[1]) for n, f in FORMATS.items()]")
    env = dict(os.environ, PYTHONHASHSEED="77")
    subprocess.run([sys.executable, "-c", script, str(loaded["folder"]), str(tmp_path)], env=env, check=True,
                   timeout=300)
    for name, result in loaded["exports"].items():
        for file_name, path in zip(result.files, result.paths):
            other = tmp_path / FORMATS[name].default_out()
            other = other / file_name if FORMATS[name].folder else other.parent / file_name
            assert other.read_bytes() == path.read_bytes(), (name, file_name)


@pytest.mark.parametrize("name", FORMATS)
def test_a_build_without_loaded_files_exports_as_before(built_dir, tmp_path, name):
    """Exporting the build folder (which now reads its store for loaded files) gives the bytes of the
    curated graph's export, which is what `exokg export --graph DIR` wrote before loads were exported."""
    fmt = FORMATS[name]
    result = export(name, tmp_path / fmt.default_out(), built_dir)
    assert result.loaded == ()
    before = render(fmt, load_source(built_dir), fmt.default_out().name)
    assert {file_name: path.read_bytes() for file_name, path in zip(result.files, result.paths)} == before


def test_loaded_files_and_imported_sources_are_exported_together(loaded, tmp_path, capsys):
    """`--sources` adds imported resources beside the loaded files: each keeps its own label and graph."""
    folder = tmp_path / "build"
    shutil.copytree(loaded["folder"], folder, symlinks=True)
    fixture = Path(__file__).parent / "fixtures" / "ingest" / "mirtarbase_mti_synthetic.csv"
    code, _, err = run_cli(capsys, "import", "mirtarbase", str(fixture), "--graph", str(folder))
    assert code == 0, err
    code, _, err = run_cli(capsys, "export", "--format", "csv", "--graph", str(folder), "--out", str(tmp_path / "csv"),
                           "--sources", "review,mirtarbase")
    assert code == 0, err
    labels = {row["knowledge_source"] for row in edge_sources("csv", export_result(tmp_path / "csv")).values()}
    mine = loaded["files"]["mine.nt"].graph.removeprefix(GRAPH_BASE)
    assert {"review", "mirtarbase", mine} <= labels
    code, _, err = run_cli(capsys, "export", "--format", "nquads", "--graph", str(folder), "--out",
                           str(tmp_path / "all.nq"), "--sources", "all")
    assert code == 0, err
    names = {str(q.graph_name.value) for q in ox.parse(path=str(tmp_path / "all.nq"), format=ox.RdfFormat.N_QUADS)}
    assert {GRAPH_BASE + "mirtarbase", loaded["files"]["mine.nt"].graph, loaded["files"]["other.ttl"].graph} <= names


def export_result(folder: Path):
    """Just enough of an ExportResult for :func:`edge_sources` to read a csv folder."""
    from types import SimpleNamespace

    return SimpleNamespace(folder=folder, files={"edges.csv": 0})


def in_memory_source(folder: Path):
    """The build at ``folder`` as the in-memory writers see it: the review's graph merged with every
    loaded quad in one rdflib graph, and the loaded quads in their named graphs for TriG and N-Quads
    (handed over as an imported part, which those writers sort in with the review's graphs)."""
    from graph.export.imported import ImportedPart, SourcedExport
    from graph.export.loaded import triple
    from graph.remote import loaded_quads

    source = load_source(folder)
    quads = tuple(loaded_quads(folder))
    merged = Graph()
    for prefix, namespace in source.graph.namespaces():
        merged.bind(prefix, namespace)
    merged += source.graph
    for quad in quads:
        merged.add(triple(quad))
    return (SourcedExport(graph=merged, version=source.version, issued=source.issued, origin=source.origin),
            SourcedExport(graph=source.graph, version=source.version, issued=source.issued, origin=source.origin,
                          imported=ImportedPart(quads=quads)))


def test_streamed_rdf_formats_give_what_the_in_memory_writers_give(loaded):
    """N-Triples, N-Quads, TriG and RDF/XML are written from sorted runs of the store's loaded
    graphs, not from one in-memory graph, yet their bytes are those of the in-memory writers;
    Turtle and JSON-LD are written by other serialisers than before, so their bytes differ, but
    they hold the same graph."""
    from graph.export import rdf

    merged, quads = in_memory_source(loaded["folder"])
    exports = loaded["exports"]
    assert data_path(exports["ntriples"]).read_bytes() == rdf.write_ntriples(merged)
    assert data_path(exports["rdfxml"]).read_bytes() == rdf.write_rdfxml(merged)
    assert data_path(exports["nquads"]).read_bytes() == rdf.write_nquads(quads)
    assert data_path(exports["trig"]).read_bytes() == rdf.write_trig(quads)
    for name, writer in (("turtle", rdf.write_turtle), ("jsonld", rdf.write_jsonld)):
        expected = Graph()
        expected.parse(data=writer(merged), format=TRIPLE_FORMATS[name])
        assert isomorphic(parsed(data_path(exports[name]), TRIPLE_FORMATS[name]), expected), name


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_output_name_the_file_system_refuses_leaves_nothing(loaded, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = run_cli(capsys, "export", "--format", "ntriples", "--graph", str(loaded["folder"]),
                                "--out", str(out / ("x" * 250 + ".nt")))
    assert code != 0 and stdout == ""
    assert err.startswith("error: cannot write") and "Fix: choose a writable --out" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert leftovers(out) == []


def test_a_loaded_value_the_format_cannot_carry_leaves_no_half_file(loaded, tmp_path, capsys):
    """A loaded literal with a control character RDF/XML has no way to write: the export stops with
    one line, the file already at --out keeps its bytes, and no working file stays behind; N-Triples
    carries it (escaped)."""
    folder = tmp_path / "build"
    shutil.copytree(loaded["folder"], folder, symlinks=True)
    odd = tmp_path / "odd.nt"
    odd.write_text(f'<{EX}s9> <{EX}p> "bell\\u0007" .\n', encoding="utf-8")
    load([odd], folder)
    out = tmp_path / "out"
    out.mkdir()
    (out / "exokg.rdf").write_bytes(b"an earlier export")
    code, stdout, err = run_cli(capsys, "export", "--format", "rdfxml", "--graph", str(folder),
                                "--out", str(out / "exokg.rdf"))
    assert code != 0 and stdout == ""
    assert err.startswith("error: the object of <http://example.org/mine/s9> <http://example.org/mine/p>")
    assert "RDF/XML cannot carry" in err and "Fix:" in err and len(err.strip().splitlines()) == 1
    assert leftovers(out) == ["exokg.rdf"] and (out / "exokg.rdf").read_bytes() == b"an earlier export"
    result = export("ntriples", out / "exokg.nt", folder)
    assert f'<{EX}s9> <{EX}p> "bell\\u0007" .'.encode() in data_path(result).read_bytes().splitlines()
    assert leftovers(out) == ["exokg.nt", "exokg.nt.dataset.ttl", "exokg.rdf"]
