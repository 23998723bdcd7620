"""Export (issue 7): every format from one table; RDF round trips; independent parsers; graph
formats read back with the documented headers and counts; the dataset description; determinism,
atomic writes and one-line errors; the loss report and mapping tables in docs/export.md; and a
join with an independent graph through the canonical IRIs.

Expected counts come from the built graph, never from constants: curators add data in parallel.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, VOID

import graph.export as export_module
from graph.build import DATASET_IRI, to_ntriples
from graph.cli import main
from graph.commands.export import export_command
from graph.export import FORMAT_NAMES, FORMATS, ExportError, export, formats_markdown, from_graph, load_source, render
from graph.export.dataset import DCAT, SPDX
from graph.export.graphml import to_networkx
from graph.export.kgx import category_mapping, mapping_markdown, predicate_mapping
from graph.export.rdf import ENTITIES_GRAPH, OTHER_GRAPH, SOURCES_GRAPH
from graph.export.source import content_version, recorded_version, release_date
from graph.export.view import CONTEXT_COLUMNS
from graph.ontology import load_ontology, ontology_text
from graph.store import ensure_built
from graph.vocab import EXO

from .conftest import IN_CI, REPO, require_tool

DOCS = REPO / "docs" / "export.md"
JS = REPO / "tests" / "js"  # the pinned Cytoscape.js: npm ci --prefix tests/js
RDF_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
QUAD_FORMATS = {"trig": "trig", "nquads": "nquads"}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
              "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml", "trig": "trig", "nquads": "nquads"}
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
PTEN = URIRef("https://identifiers.org/hgnc:9588")
CISPLATIN = URIRef("http://purl.obolibrary.org/obo/CHEBI_27899")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def source(built_dir):
    """The session build, read the way `exokg export --graph DIR` reads it."""
    return load_source(built_dir)


@pytest.fixture(scope="session")
def exported(source, tmp_path_factory):
    """Every format exported once: name -> ExportResult."""
    root = tmp_path_factory.mktemp("exports")
    return {name: export(name, root / fmt.default_out(), source) for name, fmt in FORMATS.items()}


def data_file(exported, name: str) -> Path:
    result = exported[name]
    return result.folder / next(n for n in result.files if not n.endswith("dataset.ttl"))


@pytest.fixture(scope="session")
def counts(built):
    g = built.graph
    entities = set(g.subjects(EXO.curationKey, None))
    assertions = set(g.subjects(RDF.type, EXO.Assertion))
    assert entities and assertions
    return {"entities": entities, "assertions": assertions}


@pytest.fixture(scope="session")
def trig_dataset(exported):
    dataset = Dataset()
    dataset.parse(data_file(exported, "trig"), format="trig")
    return dataset


def require(present: bool, what: str, fix: str) -> None:
    """Skip when a test dependency is missing, except in CI (as conftest's require_tool does for tools)."""
    if not present:
        if IN_CI:
            pytest.fail(f"{what} is required in CI but is missing; .ci/run should install it. Fix: {fix}")
        pytest.skip(f"{what} is missing. Fix: {fix}")


def read_csv(path: Path, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8")
    if delimiter == "\t":  # KGX TSV is unquoted
        lines = text.splitlines()
        header = lines[0].split("\t")
        return header, [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [dict(zip(header, row)) for row in reader]


# ---------------------------------------------------------------- the format table


def test_one_table_feeds_the_cli_choices():
    assert FORMAT_NAMES == tuple(FORMATS)
    assert set(FORMAT_NAMES) == {"turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads", "graphml", "cytoscape",
                                 "csv", "kgx", "neo4j"}
    option = next(p for p in export_command.params if p.name == "fmt")
    assert tuple(option.type.choices) == FORMAT_NAMES
    for fmt in FORMATS.values():
        assert fmt.description and fmt.spec.startswith("http")
        assert fmt.folder == bool(fmt.files), fmt.name


def test_unknown_format_is_a_one_line_error_listing_the_choices(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--format", "yaml"])
    assert exit_info.value.code == 2  # a usage error (README, "Exit codes")
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "unknown export format 'yaml'" in err and all(name in err for name in FORMAT_NAMES)
    assert not any(tmp_path.iterdir())


def test_every_writer_writes_what_the_table_says(exported):
    for name, result in exported.items():
        fmt = FORMATS[name]
        one = f"exokg{fmt.suffix}"
        expected = {*fmt.files, "dataset.ttl"} if fmt.folder else {one, f"{one}.dataset.ttl"}
        assert set(result.files) == expected, name
        for path, size in zip(result.paths, result.files.values()):
            assert path.stat().st_size == size > 0, path


# ---------------------------------------------------------------- RDF: lossless


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_format_round_trips_isomorphic(built, exported, name):
    parsed = Graph().parse(data_file(exported, name), format=RDF_FORMATS[name])
    assert len(parsed) == len(built.graph)
    assert isomorphic(parsed, built.graph)


@pytest.mark.parametrize("name", QUAD_FORMATS)
def test_named_graph_formats_union_is_the_source_graph(built, exported, trig_dataset, name):
    if name == "trig":
        dataset = trig_dataset
    else:
        dataset = Dataset()
        dataset.parse(data_file(exported, name), format=QUAD_FORMATS[name])
    assert len(dataset.default_graph) == 0
    union = Graph()
    for named in dataset.graphs():
        for triple in named:
            union.add(triple)
    assert len(union) == len(built.graph)
    assert isomorphic(union, built.graph)


def test_trig_puts_each_assertion_in_nanopublication_graphs(built, counts, trig_dataset):
    graphs = {g.identifier: set(g) for g in trig_dataset.graphs() if len(g)}
    assert OTHER_GRAPH not in graphs
    provenance_predicates = {RDF.subject, RDF.predicate, RDF.object, EXO.section, EXO.tableRow, EXO.citesReference,
                             EXO.curatorSummary, EXO.cancerType, EXO.drug, EXO.cellLine, EXO.donorCell,
                             EXO.recipientCell, EXO.bodyFluid, EXO.mechanism, EXO.biomarkerRole, EXO.model,
                             EXO.direction, EXO.certainty, EXO.evidenceLevel, EXO.inferredReference}
    source = built.graph
    for a in counts["assertions"]:
        direct = (source.value(a, RDF.subject), source.value(a, RDF.predicate), source.value(a, RDF.object))
        assert graphs[URIRef(f"{a}#assertion")] == {direct}
        pubinfo = {(a, RDF.type, EXO.Assertion), (a, EXO.source, source.value(a, EXO.source))}
        assert graphs[URIRef(f"{a}#pubinfo")] == pubinfo
        provenance = graphs[URIRef(f"{a}#provenance")]
        assert {t for t in source.triples((a, None, None)) if t[1] in provenance_predicates} == provenance
        assert (a, EXO.curatorSummary, source.value(a, EXO.curatorSummary)) in provenance
    assert {s for s, _, _ in graphs[ENTITIES_GRAPH]} == counts["entities"]
    assert {o for s, _, o in graphs[SOURCES_GRAPH] if _ == RDF.type} <= {EXO.Publication, EXO.Section}


def test_the_documented_named_graph_query_finds_each_assertion_with_its_provenance(built, exported):
    query = re.findall(r"```sparql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)[0]
    assert "GRAPH ?provenance" in query
    store = ox.Store()
    store.bulk_load(path=str(data_file(exported, "trig")), format=ox.RdfFormat.TRIG)
    found = {(r["agent"].value, r["summary"].value) for r in store.query(query)}
    g = built.graph
    expected = {(str(g.value(a, RDF.subject)), str(g.value(a, EXO.curatorSummary)))
                for a in g.subjects(RDF.object, CISPLATIN) if g.value(a, RDF.predicate) == EXO.confersResistanceTo}
    assert expected and found == expected


@pytest.mark.parametrize("name", list(OX_FORMATS))
def test_pyoxigraph_parses_every_rdf_file(built, trig_dataset, exported, name):
    statements = set(ox.parse(path=str(data_file(exported, name)), format=OX_FORMATS[name]))
    if name in QUAD_FORMATS:
        assert len(statements) == sum(len(g) for g in trig_dataset.graphs())
        source_triples = ox.parse(to_ntriples(built.graph), format=ox.RdfFormat.N_TRIPLES)
        assert {(q.subject, q.predicate, q.object) for q in statements} == {
            (q.subject, q.predicate, q.object) for q in source_triples}
    else:
        assert len(statements) == len(built.graph)


@pytest.mark.parametrize("name", list(RAPPER_SYNTAX))
def test_rapper_accepts_every_rdf_file(trig_dataset, built, exported, name):
    """Debian's raptor2 `rapper` (it has no JSON-LD parser; pyoxigraph checks that one)."""
    rapper = require_tool("rapper", "an independent RDF parser (Debian: raptor2-utils)")
    run = subprocess.run([rapper, "-c", "-i", RAPPER_SYNTAX[name], str(data_file(exported, name))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    expected = sum(len(g) for g in trig_dataset.graphs()) if name in QUAD_FORMATS else len(built.graph)
    assert re.search(rf"returned {expected} (triples|statements)", run.stderr), run.stderr


def test_turtle_ntriples_jsonld_are_the_builds_own_bytes(built_dir, exported):
    for name, build_file in (("turtle", "exokg.ttl"), ("ntriples", "exokg.nt"), ("jsonld", "exokg.jsonld")):
        assert data_file(exported, name).read_bytes() == (built_dir / build_file).read_bytes(), name


def test_jsonld_carries_the_packaged_context(exported):
    document = json.loads(data_file(exported, "jsonld").read_text(encoding="utf-8"))
    packaged = json.loads((REPO / "graph" / "data" / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == packaged["@context"]


# ---------------------------------------------------------------- graph formats


def test_graphml_reads_back_into_networkx(built, counts, source, exported):
    G = nx.read_graphml(data_file(exported, "graphml"))
    assert isinstance(G, nx.MultiDiGraph)
    expected = to_networkx(source)
    assert set(G.nodes) == {str(e) for e in counts["entities"]} == set(expected.nodes)
    assert dict(G.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(G.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert {(u, v, k): d for u, v, k, d in G.edges(keys=True, data=True)} == \
        {(u, v, k): d for u, v, k, d in expected.edges(keys=True, data=True)}
    # ... and they say what the RDF says.
    g, signs = built.graph, {r.iri: r.sign for r in load_ontology().relations.values()}
    assert G.number_of_edges() == len(counts["assertions"])
    for u, v, key, data in G.edges(keys=True, data=True):
        a = URIRef(data["assertion"])
        assert key == str(a).rsplit("/", 1)[-1]
        assert (URIRef(u), g.value(a, RDF.predicate), URIRef(v)) == (g.value(a, RDF.subject), EXO[data["relation"]],
                                                                     g.value(a, RDF.object))
        assert data["sign"] == signs[EXO[data["relation"]]]
        assert data["summary"] == str(g.value(a, EXO.curatorSummary))
        drugs = sorted(str(d) for d in g.objects(a, EXO.drug))
        assert data.get("drug", "") == "|".join(drugs)
    for node, data in G.nodes(data=True):
        assert data["label"] == str(g.value(URIRef(node), RDFS.label))
        synonyms = sorted(str(s) for s in g.objects(URIRef(node), SKOS.altLabel))
        assert sorted(data["synonyms"].split("|")) == synonyms if synonyms else "synonyms" not in data


def assertion_triples(graph: Graph, assertions) -> dict[str, tuple[str, str, str]]:
    """Assertion IRI -> (subject IRI, relation name, object IRI), read from the RDF."""
    return {str(a): (str(graph.value(a, RDF.subject)), str(graph.value(a, RDF.predicate)).removeprefix(str(EXO)),
                     str(graph.value(a, RDF.object))) for a in assertions}


def test_graphml_reads_into_igraph(built, counts, source, exported):
    """python-igraph's C GraphML reader, independent of networkx, reads the same graph."""
    try:
        import igraph
    except ImportError:
        igraph = None
    require(igraph is not None, "python-igraph", "pip install -e '.[test]' (or pip install igraph)")
    g = igraph.Graph.Read_GraphML(str(data_file(exported, "graphml")))
    expected = to_networkx(source)
    assert g.is_directed()
    assert (g.vcount(), g.ecount()) == (len(counts["entities"]), len(counts["assertions"]))
    assert set(g.vs["id"]) == {str(e) for e in counts["entities"]}
    assert set(g.vs.attributes()) == {"id"} | {k for _, d in expected.nodes(data=True) for k in d}
    # igraph adds an edge attribute "id", but (igraph 1.0.0) fills it with vertex ids, not the
    # GraphML edge ids: an edge is identified by its "assertion" attribute instead.
    assert set(g.es.attributes()) == {"id"} | {k for _, _, d in expected.edges(data=True) for k in d}
    assert g["name"] == "ExoKG" and g["version"] == source.version

    rdf = built.graph
    key = next(e for e in counts["entities"] if str(rdf.value(e, EXO.curationKey)) == "miR-522")
    mir522 = g.vs.find(key="miR-522")
    assert (mir522["id"], mir522["label"], mir522["type"]) == (str(key), str(rdf.value(key, RDFS.label)), "MicroRNA")

    triples = assertion_triples(rdf, counts["assertions"])
    assert sorted(g.es["assertion"]) == sorted(triples)
    for edge in g.es:
        assert (g.vs[edge.source]["id"], edge["relation"], g.vs[edge.target]["id"]) == triples[edge["assertion"]]
    sample = min(a for a in counts["assertions"] if rdf.value(a, RDF.subject) == key)  # a statement about miR-522
    edge = g.es.find(assertion=str(sample))
    assert edge["relation"] == str(rdf.value(sample, RDF.predicate)).removeprefix(str(EXO))
    assert edge["section"] == str(rdf.value(rdf.value(sample, EXO.section), EXO.sectionNumber))
    assert edge["summary"] == str(rdf.value(sample, EXO.curatorSummary))
    signs = {r.name: r.sign for r in load_ontology().relations.values()}
    assert all(e["sign"] == signs[e["relation"]] for e in g.es)  # GraphML long -> igraph number


def test_cytoscape_json_has_graphmls_nodes_edges_and_attributes(built, counts, source, exported):
    document = json.loads(data_file(exported, "cytoscape").read_text(encoding="utf-8"))
    assert document["data"] == {"name": "ExoKG", "version": source.version, "list_separator": "|"}
    nodes = [n["data"] for n in document["elements"]["nodes"]]
    edges = [e["data"] for e in document["elements"]["edges"]]
    assert len(nodes) == len({n["id"] for n in nodes}) == len(counts["entities"])
    assert len(edges) == len({e["id"] for e in edges}) == len(counts["assertions"])
    G = to_networkx(source)  # exactly what the GraphML file holds
    assert {n["id"]: n for n in nodes} == {iri: {"id": iri, "name": d["label"], **d} for iri, d in G.nodes(data=True)}
    assert {e["id"]: e for e in edges} == {k: {"id": k, "source": u, "target": v, "interaction": d["relation"], **d}
                                           for u, v, k, d in G.edges(keys=True, data=True)}
    for node in nodes:
        assert {"id", "name", "label", "type", "key"} <= set(node)
        assert ("curie" in node) == node["mapped"], node  # an unmapped entity has no CURIE
    triples = assertion_triples(built.graph, counts["assertions"])
    for edge in edges:
        assert {"id", "source", "target", "relation", "sign", "section", "section_title", "summary"} <= set(edge)
        assert (edge["source"], edge["relation"], edge["target"]) == triples[edge["assertion"]]
        assert isinstance(edge["sign"], int) and isinstance(edge.get("table_row", 0), int)
    assert any("table_row" in e for e in edges) and any("references" in e for e in edges)
    assert any("context" in e for e in edges)


@pytest.fixture(scope="module")
def load_cyjs():
    """Run tests/js/load_cyjs.mjs (the pinned Cytoscape.js) on a file: (exit code, what it printed)."""
    node = require_tool("node", "runs the pinned Cytoscape.js on the cytoscape export (Debian: nodejs)")
    require((JS / "node_modules" / "cytoscape" / "package.json").is_file(), "tests/js/node_modules (Cytoscape.js)",
            "npm ci --prefix tests/js")

    def run(path: Path) -> tuple[int, dict]:
        done = subprocess.run([node, str(JS / "load_cyjs.mjs"), str(path)], capture_output=True, text=True, check=False,
                              timeout=120)
        assert done.stdout.strip(), done.stderr
        return done.returncode, json.loads(done.stdout)

    return run


def test_cytoscape_js_loads_the_cytoscape_export(built, counts, source, exported, load_cyjs):
    """The real Cytoscape.js (tests/js/package-lock.json) reads the file, both ways it takes a network."""
    code, loaded = load_cyjs(data_file(exported, "cytoscape"))
    assert code == 0, loaded
    lock = json.loads((JS / "package-lock.json").read_text(encoding="utf-8"))
    assert loaded["cytoscape_version"] == lock["packages"]["node_modules/cytoscape"]["version"]
    relations = {relation for _, relation, _ in assertion_triples(built.graph, counts["assertions"]).values()}
    expected = {"nodes": len(counts["entities"]), "edges": len(counts["assertions"]), "relations": len(relations)}
    assert {k: loaded[k] for k in expected} == expected
    assert loaded["cy_json"] == expected  # cy.json(document) on an empty core reads the same
    assert (loaded["dangling"], loaded["warnings"], loaded["error"]) == (0, 0, None)
    assert loaded["data"] == {"name": "ExoKG", "version": source.version, "list_separator": "|"}


def test_the_cytoscape_js_check_reports_dangling_edges(source, tmp_path, load_cyjs):
    """The loader counts what Cytoscape.js refuses, so the check above can fail."""
    document = json.loads(render("cytoscape", source)["exokg.cyjs"])
    document["elements"]["nodes"].pop(0)  # its edges now point at a missing node
    path = tmp_path / "broken.cyjs"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, loaded = load_cyjs(path)
    assert code == 1 and "nonexistent" in loaded["error"]
    assert loaded["dangling"] > 0 and loaded["edges"] == len(document["elements"]["edges"]) - loaded["dangling"]


def test_csv_files_have_the_documented_headers_and_a_row_per_entity_and_assertion(counts, exported):
    folder = exported["csv"].folder
    docs = DOCS.read_text(encoding="utf-8")
    header, nodes = read_csv(folder / "nodes.csv")
    assert header[:2] == ["Id", "Label"] and ",".join(header) in docs
    assert len(nodes) == len(counts["entities"]) and {n["Id"] for n in nodes} == {str(e) for e in counts["entities"]}
    header, edges = read_csv(folder / "edges.csv")
    assert header[:5] == ["Source", "Target", "Type", "Id", "Label"] and ",".join(header) in docs
    documented = {"relation", "sign", "context", *CONTEXT_COLUMNS, "section", "table_row", "references", "summary"}
    assert documented <= set(header)
    assert len(edges) == len(counts["assertions"])
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)
    assert {e["Type"] for e in edges} <= {"Directed", "Undirected"}
    assert {e["sign"] for e in edges} <= {"-1", "0", "1"}


def test_neo4j_files_have_the_import_tools_headers_and_consistent_ids(counts, exported):
    folder = exported["neo4j"].folder
    docs = DOCS.read_text(encoding="utf-8")
    header, nodes = read_csv(folder / "nodes.csv")
    assert header[:2] == ["id:ID", ":LABEL"] and ",".join(header) in docs
    assert len(nodes) == len(counts["entities"])
    header, relationships = read_csv(folder / "relationships.csv")
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"] and ",".join(header) in docs
    assert len(relationships) == len(counts["assertions"])
    typed = re.compile(r"^[A-Za-z_]+(:(ID|LABEL|START_ID|END_ID|TYPE|int|boolean|string\[\]|int\[\]))?$|^:[A-Z_]+$")
    assert all(typed.match(column) for column in header), header
    ids = {n["id:ID"] for n in nodes}
    assert len(ids) == len(nodes)
    for row in relationships:
        assert row[":START_ID"] in ids and row[":END_ID"] in ids
        assert re.fullmatch(r"[A-Z]+(_[A-Z]+)*", row[":TYPE"])
        assert all(value.lstrip("-").isdigit() for value in row["references:int[]"].split("|") if value)
    for node in nodes:
        labels = node[":LABEL"].split("|")
        assert "Entity" in labels and node["type"] in labels


KGX_NODE_REQUIRED = {"id", "category"}  # KGX format specification (biolink/kgx docs/kgx_format.md)
KGX_EDGE_REQUIRED = {"subject", "predicate", "object", "knowledge_level", "agent_type"}
KGX_KNOWLEDGE_LEVELS = {"knowledge_assertion", "logical_entailment", "prediction", "statistical_association",
                        "observation", "not_provided"}
KGX_AGENT_TYPES = {"manual_agent", "automated_agent", "data_analysis_pipeline", "computational_model",
                   "text_mining_agent", "image_processing_agent", "manual_validation_of_automated_agent",
                   "not_provided"}
CURIE = re.compile(r"^[A-Za-z][\w.]*:[^\s|]+$")


def test_kgx_columns_follow_the_kgx_specification(counts, exported):
    """kgx itself does not install cleanly here (see docs/export.md), so the files are checked
    against the KGX format specification instead."""
    folder = exported["kgx"].folder
    header, nodes = read_csv(folder / "nodes.tsv", "\t")
    assert KGX_NODE_REQUIRED <= set(header) and header[0] == "id" and len(set(header)) == len(header)
    assert len(nodes) == len(counts["entities"])
    ids = set()
    for node in nodes:
        assert CURIE.match(node["id"]), node["id"]
        ids.add(node["id"])
        assert node["category"] and all(re.fullmatch(r"biolink:[A-Z][A-Za-z]*", c) for c in node["category"].split("|"))
        assert all(CURIE.match(x) for x in node["xref"].split("|") if x)
    assert len(ids) == len(nodes)
    header, edges = read_csv(folder / "edges.tsv", "\t")
    assert KGX_EDGE_REQUIRED | {"id", "primary_knowledge_source"} <= set(header) and len(set(header)) == len(header)
    assert len(edges) == len(counts["assertions"]) == len({e["id"] for e in edges})
    predicates = predicate_mapping()
    for edge in edges:
        assert edge["subject"] in ids and edge["object"] in ids
        assert re.fullmatch(r"biolink:[a-z][a-z_]*", edge["predicate"])
        assert edge["knowledge_level"] in KGX_KNOWLEDGE_LEVELS and edge["agent_type"] in KGX_AGENT_TYPES
        assert edge["primary_knowledge_source"].startswith("infores:")
        relation = edge["original_predicate"].removeprefix("exo:")
        assert edge["predicate"] == predicates[relation][0]
        assert all(CURIE.match(p) for p in edge["publications"].split("|") if p)


def test_kgx_mapping_follows_the_ontologys_skos_links():
    ontology = load_ontology()
    predicates = predicate_mapping()
    biolink = "https://w3id.org/biolink/vocab/"
    for name, relation in ontology.relations.items():
        exact = [m for m in relation.exact_matches if m.startswith(biolink)]
        close = [m for m in relation.close_matches if m.startswith(biolink)]
        expected = exact[0] if exact else close[0] if len(close) == 1 else biolink + "related_to"
        assert predicates[name][0] == "biolink:" + expected.removeprefix(biolink), name
    categories = category_mapping()
    assert set(categories) == set(ontology.entity_classes)
    assert categories["MicroRNA"][0] == ("biolink:MicroRNA",)
    assert categories["CircularRNA"][0] == categories["NonCodingRNA"][0]  # inherited from the parent


def test_kgx_uses_biolink_identifiers_for_canonical_entities(exported):
    _, nodes = read_csv(exported["kgx"].folder / "nodes.tsv", "\t")
    by_iri = {n["iri"]: n for n in nodes}
    assert by_iri[str(PTEN)]["id"] == "HGNC:9588"
    assert by_iri[str(CISPLATIN)]["id"] == "CHEBI:27899"


def test_the_graph_formats_carry_every_predicate_of_the_built_graph(source):
    """The loss report is complete: nothing the build writes is outside the view."""
    assert source.view.dropped == {}


def test_a_triple_the_graph_formats_do_not_know_is_reported(built, tmp_path, capsys):
    graph = Graph()
    for triple in built.graph:
        graph.add(triple)
    graph.add((PTEN, URIRef("https://example.org/newProperty"), Literal("x")))
    graph.add((URIRef("https://example.org/thing"), RDFS.label, Literal("thing")))
    path = tmp_path / "extra.nt"
    path.write_bytes(to_ntriples(graph))
    result = export("csv", tmp_path / "out", from_graph(graph))
    assert result.dropped == {"entity property https://example.org/newProperty": 1,
                              "triples about https://example.org/thing": 1}
    main(["export", "--format", "neo4j", "--graph", str(path), "--out", str(tmp_path / "neo")])
    err = capsys.readouterr().err
    assert "warning: not carried by neo4j: entity property https://example.org/newProperty (1 triple(s))" in err


def test_a_list_value_holding_the_separator_stops_the_graph_formats_only(built, tmp_path):
    graph = Graph()
    for triple in built.graph:
        graph.add(triple)
    graph.add((PTEN, SKOS.altLabel, Literal("MMAC1|TEP1")))
    source = from_graph(graph)
    with pytest.raises(ExportError, match=r"a synonym of https://identifiers.org/hgnc:9588 contains '\|'"):
        export("csv", tmp_path / "csv", source)
    assert not (tmp_path / "csv").exists()
    export("ntriples", tmp_path / "g.nt", source)  # RDF carries it as it is
    assert '"MMAC1|TEP1"' in (tmp_path / "g.nt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- dataset description


def test_every_export_describes_its_dataset_with_void_and_dcat(built, built_dir, counts, exported):
    build_void = Graph().parse(built_dir / "void.ttl", format="turtle")
    version = next(build_void.objects(None, DCTERMS.hasVersion))
    g = built.graph
    for name, result in exported.items():
        description = Graph().parse(result.folder / next(n for n in result.files if n.endswith("dataset.ttl")))
        ds = next(description.subjects(RDF.type, DCAT.Dataset))
        assert (ds, RDF.type, VOID.Dataset) in description
        assert description.value(ds, DCAT.version) == version == description.value(ds, DCTERMS.hasVersion)
        assert str(description.value(ds, DCTERMS.license)).startswith("https://creativecommons.org/licenses/by/")
        assert description.value(ds, DCTERMS.source) == URIRef("https://identifiers.org/pmc:PMC12774554")
        assert int(description.value(ds, VOID.triples)) == len(g)
        assert int(description.value(ds, VOID.entities)) == len(counts["entities"])
        for part in description.objects(ds, VOID.classPartition):
            cls = description.value(part, VOID["class"])
            assert int(description.value(part, VOID.entities)) == len(set(g.subjects(RDF.type, cls)))
        for part in description.objects(ds, VOID.propertyPartition):
            prop = description.value(part, VOID.property)
            assert int(description.value(part, VOID.triples)) == len(list(g.triples((None, prop, None))))
        assert CISPLATIN in set(description.objects(ds, VOID.exampleResource))
        distributions = {str(description.value(d, DCTERMS.title)): d
                         for d in description.objects(ds, DCAT.distribution)}
        data_files = {n for n in result.files if not n.endswith("dataset.ttl")}
        assert set(distributions) == data_files, name
        for file_name, dist in distributions.items():
            content = (result.folder / file_name).read_bytes()
            assert int(description.value(dist, DCAT.byteSize)) == len(content)
            checksum = description.value(dist, SPDX.checksum)
            assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
            assert description.value(dist, DCTERMS.conformsTo) == URIRef(FORMATS[name].spec)
            loses = str(description.value(dist, DCTERMS.description))
            assert all(loss in loses for loss in FORMATS[name].loses)
        assert not any(isinstance(t, BNode) for triple in description for t in triple)


def test_release_date_comes_from_source_date_epoch_never_the_clock(source, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert release_date() == dt.date(2026, 1, 1)
    files = render("ntriples", dataclasses.replace(source, issued=release_date()))
    description = Graph().parse(data=files["exokg.nt.dataset.ttl"], format="turtle")
    dates = {(d, o) for d, o in description.subject_objects(DCTERMS.issued)}
    assert dates and {o for _, o in dates} == {Literal("2026-01-01", datatype=XSD_DATE)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ExportError, match="SOURCE_DATE_EPOCH='yesterday' is not a number"):
        release_date()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    ontology_date = load_ontology().graph.value(URIRef("https://w3id.org/exokg/ontology"), DCTERMS.modified)
    assert release_date() == (dt.date.fromisoformat(str(ontology_date)[:10]) if ontology_date else None)
    files = render("ntriples", dataclasses.replace(source, issued=None))
    description = Graph().parse(data=files["exokg.nt.dataset.ttl"], format="turtle")
    assert not set(description.objects(None, DCTERMS.issued))
    assert "No release date is recorded" in str(description.value(DATASET_IRI, RDFS.comment))


def test_a_lone_graph_file_gets_a_content_version(built, tmp_path):
    path = tmp_path / "graph.nt"
    path.write_bytes(to_ntriples(built.graph))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert recorded_version(path, len(built.graph)) is None
    assert content_version(built.graph) == f"{load_ontology().version}+nt-sha256.{digest}"


# ---------------------------------------------------------------- determinism, atomicity, errors


@pytest.mark.slow
def test_exports_are_byte_identical_across_runs_and_hash_seeds(built_dir, exported, tmp_path):
    script = ("import sys; from pathlib import Path; from graph.export import FORMATS, export, load_source; "
              "src = load_source(sys.argv[1]); out = Path(sys.argv[2]); "
              "[export(n, out / f.default_out(), src) for n, f in FORMATS.items()]")
    env = dict(os.environ, PYTHONHASHSEED="4242")
    subprocess.run([sys.executable, "-c", script, str(built_dir), str(tmp_path)], env=env, check=True, timeout=120)
    for name, result in exported.items():
        for file_name, path in zip(result.files, result.paths):
            other = tmp_path / FORMATS[name].default_out()
            other = other / file_name if FORMATS[name].folder else other.parent / file_name
            assert other.read_bytes() == path.read_bytes(), (name, file_name)


def test_a_failing_writer_leaves_nothing_behind(source, tmp_path, monkeypatch):
    out = tmp_path / "exokg.nt"
    export("ntriples", out, source)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*args, **kwargs):
        raise ExportError("simulated failure while describing the dataset")

    monkeypatch.setattr(export_module, "dataset_description", broken)
    with pytest.raises(ExportError, match="simulated failure"):
        export("ntriples", out, source)
    with pytest.raises(ExportError, match="simulated failure"):
        export("kgx", tmp_path / "kgx", source)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # unchanged, no temporary files


def test_a_write_error_is_one_line(source, tmp_path, monkeypatch):
    def refuse(folder, files):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(export_module, "write_atomically", refuse)
    with pytest.raises(ExportError, match=r"^cannot write .*: Permission denied\. Fix: choose a writable --out$"):
        export("csv", tmp_path / "out", source)


@pytest.mark.parametrize("fmt,make,expected", [
    ("csv", "file", "is a file, but --format csv writes a folder"),
    ("turtle", "folder", "is a folder, but --format turtle writes one file"),
])
def test_out_of_the_wrong_kind_is_a_one_line_error(built_dir, tmp_path, capsys, fmt, make, expected):
    out = tmp_path / "target"
    out.write_text("keep me") if make == "file" else out.mkdir()
    with pytest.raises(SystemExit):
        main(["export", "--format", fmt, "--out", str(out), "--graph", str(built_dir)])
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err and "Fix:" in err
    assert (out.read_text() == "keep me") if make == "file" else not any(out.iterdir())


def test_cli_exports_the_packaged_data_and_says_what_the_format_loses(built_dir, tmp_path, capsys):
    main(["export", "--format", "ntriples", "--out", str(tmp_path / "g.nt")])  # default: the packaged data
    assert (tmp_path / "g.nt").read_bytes() == (ensure_built() / "exokg.nt").read_bytes()  # built into the cache
    assert "ntriples carries every triple of the graph." in capsys.readouterr().out
    main(["export", "--format", "KGX", "--out", str(tmp_path / "kgx"), "--graph", str(built_dir)])
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'kgx' / 'nodes.tsv'}" in out and f"wrote {tmp_path / 'kgx' / 'dataset.ttl'}" in out
    assert "kgx does not carry: " + "; ".join(FORMATS["kgx"].loses) in out


# ---------------------------------------------------------------- documentation


def test_docs_hold_the_generated_tables_and_a_loss_line_per_format():
    docs = DOCS.read_text(encoding="utf-8")
    hint = "docs/export.md is out of date. Fix: paste the output of `python -m graph.export` into it"
    assert formats_markdown() in docs, hint
    assert mapping_markdown() in docs, hint
    report = docs[docs.index("## Loss report"):]
    header = next(line for line in report.splitlines() if line.startswith("| |"))
    assert all(name in header for name in FORMAT_NAMES)
    for part in ("context", "provenance", "signs", "synonyms"):
        assert f"| {part}" in report or f"| {part} " in report or f"| {part}:" in report, part


# ---------------------------------------------------------------- linking


@pytest.mark.parametrize("name", ["turtle", "trig"])
def test_an_export_joins_an_independent_graph_on_canonical_iris(built, exported, name):
    store = ox.Store()
    store.bulk_load(path=str(data_file(exported, name)), format=OX_FORMATS[name])
    store.bulk_load(ontology_text().encode("utf-8"), format=ox.RdfFormat.TURTLE)  # the relations' signs
    docs = DOCS.read_text(encoding="utf-8")
    external = re.findall(r"```turtle\n(.*?)```", docs, re.S)[0]  # the independent graph of docs/export.md
    assert "ext:fact" in external
    store.bulk_load(external.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    join = re.findall(r"```sparql\n(.*?)```", docs, re.S)[1]  # and its query
    rows = {(r["agent"].value, r["relation"].value, r["target"].value, r["fact"].value)
            for r in store.query(join, use_default_graph_as_union=True)}
    relations = {r.iri for r in load_ontology().relations.values()}
    expected = {(str(s), str(p), str(o)) for o in (PTEN, CISPLATIN) for s, p in built.graph.subject_predicates(o)
                if p in relations}
    assert {target for _, _, target in expected} == {str(PTEN), str(CISPLATIN)}  # both sides of the join
    assert {row[:3] for row in rows} == expected
    assert all(fact.startswith("PTEN") if target == str(PTEN) else fact.startswith("cisplatin")
               for _, _, target, fact in rows)
