"""The build: deterministic bytes, atomic writes, lossless serialisations, a true VoID, and a
graph that conforms to the SHACL shapes (while a broken one does not)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID

from graph.build import OUTPUT_FILES, build
from graph.validate import validate_graph
from graph.vocab import EXO

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path, built_dir):
    again = tmp_path / "again"
    build(again)
    for name in OUTPUT_FILES:
        assert (again / name).read_bytes() == (built_dir / name).read_bytes(), name


@pytest.mark.slow
def test_builds_in_processes_with_different_hash_seeds_are_identical(tmp_path, built_dir):
    """Set and dict order must not leak into the files (PYTHONHASHSEED changes str hashing)."""
    out = tmp_path / "seeded"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", f"from graph.build import build; build({str(out)!r})"], env=env, check=True)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (built_dir / name).read_bytes(), name


@pytest.mark.parametrize("name,fmt", [("exokg.ttl", "turtle"), ("exokg.nt", "nt"), ("exokg.jsonld", "json-ld")])
def test_serialisations_round_trip_isomorphic(built, name, fmt):
    graph, built_dir = built.graph, built.out_dir
    parsed = Graph()
    parsed.parse(built_dir / name, format=fmt)
    assert len(parsed) == len(graph)
    assert isomorphic(parsed, graph)


@pytest.mark.parametrize("name,fmt", [("exokg.ttl", ox.RdfFormat.TURTLE), ("exokg.nt", ox.RdfFormat.N_TRIPLES),
                                      ("exokg.jsonld", ox.RdfFormat.JSON_LD)])
def test_an_independent_parser_reads_every_output(built, name, fmt):
    triples = list(ox.parse(path=str(built.out_dir / name), format=fmt))
    assert len(set(triples)) == len(built.graph)


def test_no_blank_nodes_in_the_data(built_dir):
    text = (built_dir / "exokg.nt").read_text(encoding="utf-8")
    assert "_:" not in text


def test_every_statement_has_direct_triple_and_assertion(built):
    graph = built.graph
    assertions = set(graph.subjects(RDF.type, EXO.Assertion))
    assert len(assertions) == built.statements
    for node in assertions:
        s, p, o = graph.value(node, RDF.subject), graph.value(node, RDF.predicate), graph.value(node, RDF.object)
        assert (s, p, o) in graph


def test_void_counts_match_the_graph(built_dir):
    data = Graph().parse(built_dir / "exokg.nt", format="nt")
    void = Graph().parse(built_dir / "void.ttl", format="turtle")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    assert int(void.value(dataset, VOID.triples)) == len(data)
    for part in void.objects(dataset, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        assert int(void.value(part, VOID.entities)) == len(set(data.subjects(RDF.type, cls)))
    for part in void.objects(dataset, VOID.propertyPartition):
        prop = void.value(part, VOID.property)
        assert int(void.value(part, VOID.triples)) == len(list(data.triples((None, prop, None))))


def test_fixture_build_contains_its_statements(tmp_path):
    result = build(tmp_path / "out", MINIMAL)
    assert result.statements == 6 and result.entities == 10
    graph = Graph().parse(tmp_path / "out" / "exokg.ttl", format="turtle")
    mir = URIRef("https://w3id.org/exokg/entity/miR-522")
    alox15 = URIRef("https://identifiers.org/hgnc:433")
    assert (mir, EXO.targets, alox15) in graph
    assert (URIRef("https://w3id.org/exokg/entity/table1-row04-rna"), EXO.unnamedInSource, Literal(True)) in graph


@pytest.mark.slow
def test_packaged_graph_conforms(built):
    """SHACL over the whole packaged graph (the build's own graph: its files are shown isomorphic
    to it above)."""
    report = validate_graph(built.graph)
    assert report.conforms, report.summary()


def test_broken_graph_does_not_conform(tmp_path):
    build(tmp_path / "out", MINIMAL)
    graph = Graph().parse(tmp_path / "out" / "exokg.nt", format="nt")
    assertion = URIRef("https://w3id.org/exokg/assertion/3.1-002")
    graph.remove((assertion, EXO.curatorSummary, None))  # provenance lost
    cisplatin = URIRef("http://purl.obolibrary.org/obo/CHEBI_27899")
    graph.add((cisplatin, RDFS.label, Literal("a second label")))
    bad = URIRef("https://w3id.org/exokg/assertion/bad")  # an assertion whose subject is outside the domain
    alox15 = URIRef("https://identifiers.org/hgnc:433")
    for triple in [(bad, RDF.type, EXO.Assertion), (bad, RDF.subject, cisplatin), (bad, RDF.predicate, EXO.targets),
                   (bad, RDF.object, alox15), (cisplatin, EXO.targets, alox15)]:
        graph.add(triple)
    report = validate_graph(graph)
    assert not report.conforms
    messages = {c.message: c.focus_nodes for c in report.categories}
    assert "provenance: an assertion has a one-line curator summary" in messages
    assert "an entity needs exactly one rdfs:label" in messages
    assert messages["the subject's type is outside the relation's domain"] == ["bad"]
    summary = report.summary()
    assert summary.startswith("does not conform") and len(summary.splitlines()) == len(report.categories) + 1
