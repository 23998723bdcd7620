"""Every answer says where a fact comes from: `show` and `neighbors` list, apart from the review's
statements, what the imported resources state about an entity, each fact labelled with its source
and that source's evidence; `--sources` chooses which. Run on a real build folder into which the
synthetic fixtures (tests/fixtures/ingest/) were imported with `exokg import`."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from graph.vocab import EXO

from .conftest import run_cli
from .test_remote import oxigraph, questions  # noqa: F401 - the real Oxigraph server fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def imported(built_dir, tmp_path_factory) -> Path:
    """A copy of the packaged build with miRTarBase, ncRNADrug and ExoCarta fixtures imported."""
    build = tmp_path_factory.mktemp("sources") / "build"
    shutil.copytree(built_dir, build, symlinks=True)
    from graph.cli import main

    for args in (["mirtarbase", str(FIXTURES / "mirtarbase_mti_synthetic.csv")],
                 ["ncrnadrug", str(FIXTURES / "ncrnadrug_drug_response_synthetic.tsv")],
                 ["exocarta", str(FIXTURES / "exocarta_protein_mrna_synthetic.txt"),
                  "--experiments", str(FIXTURES / "exocarta_experiment_synthetic.txt")]):
        try:
            main(["import", *args, "--graph", str(build)])
        except SystemExit as stop:
            assert not stop.code, f"import {args[0]} failed"
    return build


def cli_json(capsys, *args):
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_show_lists_imported_facts_apart_with_source_and_evidence(capsys, imported):
    card = cli_json(capsys, "show", "miR-522", "--graph", str(imported))
    assert card["sources"] == ["review", "exocarta", "mirtarbase", "ncrnadrug"]
    assert card["statements"] and {s["source"] for s in card["statements"]} == {"review"}
    by_source = {f["source"]: f for f in card["imported"]}
    assert set(by_source) == {"mirtarbase", "ncrnadrug"}  # the ExoCarta fixture holds no miR-522 row
    mti = by_source["mirtarbase"]
    assert (mti["role"], mti["subject"], mti["relation"], mti["object"]) == ("subject", "miR-522", "targets", "ALOX15")
    assert (mti["support_type"], mti["pmids"], mti["knowledge_level"]) == ("Functional MTI", ["99999901"],
                                                                           "curated by the source")
    assert mti["experiments"] == ["Luciferase reporter assay", "Western blot"]
    assert mti["record"] == "mirtarbase_mti_synthetic.csv:2 MIRT900001" and "names no arm" in mti["note"]
    drug = by_source["ncrnadrug"]
    assert (drug["relation"], drug["object"], drug["cancer"], drug["support_type"]) == (
        "confersResistanceTo", "cisplatin", ["gastric cancer"], "resistant")
    # the review's own statements are untouched by the imports
    code, out, _ = run_cli(capsys, "show", "miR-522", "--graph", str(imported), "--sources", "review", "--format", "json")
    alone = json.loads(out)
    assert alone["statements"] == card["statements"] and alone["imported"] == [] and alone["sources"] == ["review"]


def test_show_text_keeps_the_review_and_the_sources_apart(capsys, imported):
    code, out, err = run_cli(capsys, "show", "ALOX15", "--graph", str(imported))
    assert code == 0, err
    lines = out.splitlines()
    review = next(i for i, line in enumerate(lines) if line.startswith("Statements from the review ("))
    sources = next(i for i, line in enumerate(lines) if line.startswith("Facts from imported sources"))
    assert review < sources
    assert not any("mirtarbase" in line or "exocarta" in line for line in lines[review:sources])
    facts = lines[sources + 3:]
    assert any(line.startswith("exocarta ") and "Colorectal cancer cells" in line for line in facts)
    assert any(line.startswith("mirtarbase ") and "Functional MTI" in line and "PMID 99999901" in line for line in facts)
    assert lines[-1] == "(exocarta: 1, mirtarbase: 1, ncrnadrug: 0)"


def test_show_csv_has_a_source_on_every_row_and_marks_negated_facts(capsys, imported):
    code, out, err = run_cli(capsys, "show", "miR-135b", "--graph", str(imported), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(row["source"] for row in rows)
    review = [r for r in rows if r["source"] == "review"]
    assert review and all(r["knowledge_level"] == "from this review" and r["section"] for r in review)
    fzd1 = [r for r in rows if r["source"] == "mirtarbase" and r["object"] == "FZD1"]
    assert [(r["relation"], r["statement"]) for r in fzd1] == [("targets (NOT)", "mirtarbase_mti_synthetic.csv:3 MIRT900002")]
    assert "Non-Functional MTI" in fzd1[0]["source_evidence"]
    assert rows.index(review[-1]) < rows.index(fzd1[0])  # the review's rows come first


def test_sources_picks_what_is_listed(capsys, imported):
    card = cli_json(capsys, "show", "miR-522", "--graph", str(imported), "--sources", "ncrnadrug")
    assert card["sources"] == ["ncrnadrug"] and card["statements"] == []
    assert [f["source"] for f in card["imported"]] == ["ncrnadrug"]
    hedged = cli_json(capsys, "show", "miR-522", "--graph", str(imported), "--certainty", "stated")
    assert hedged["statements"] and hedged["imported"] == []  # imported facts carry no certainty of the review


def test_neighbors_label_every_row_and_list_each_imported_fact_once(capsys, imported):
    rows = cli_json(capsys, "neighbors", "miR-522", "--hops", "2", "--relation", "targets", "--graph", str(imported))
    assert {r["source"] for r in rows} == {"review", "mirtarbase"}
    first_imported = next(i for i, r in enumerate(rows) if r["source"] != "review")
    assert all(r["source"] != "review" for r in rows[first_imported:])  # the review's rows first, then the sources'
    mti = [r for r in rows if r["source"] == "mirtarbase"]
    assert [(r["hop"], r["from"], r["direction"], r["relation"], r["to"], r["to_type"]) for r in mti] == [
        (1, "miR-522", "out", "targets", "ALOX15", "GeneOrProtein")]  # reached again from ALOX15 at hop 2: not repeated
    assert "Functional MTI" in mti[0]["source_evidence"] and mti[0]["knowledge_level"] == "curated by the source"
    code, out, _ = run_cli(capsys, "neighbors", "miR-522", "--graph", str(imported), "--format", "tsv")
    table = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert code == 0 and {"review", "mirtarbase", "ncrnadrug"} == {r["source"] for r in table}
    code, out, _ = run_cli(capsys, "neighbors", "miR-522", "--graph", str(imported), "--sources", "review")
    assert code == 0 and "Facts from imported sources" not in out and "mirtarbase" not in out


@pytest.mark.parametrize("value, code, expected", [
    ("mirbase", 2, "unknown source 'mirbase'. Fix: use one or more of review, mirtarbase, ncrnadrug, exocarta, "
                   "vesiclepedia, gaf, orghs, all"),
    (" , ", 2, "--sources is empty"),
    ("review,gaf", 1, "gaf not imported in"),
])
def test_bad_sources_are_one_line_errors(capsys, imported, value, code, expected):
    for command in ("show", "neighbors"):
        got, out, err = run_cli(capsys, command, "miR-522", "--graph", str(imported), "--sources", value)
        assert (got, out) == (code, "") and err.startswith("error: ") and err.count("\n") == 1, err
        assert expected in err
    if code == 1:
        assert "(imported: exocarta, mirtarbase, ncrnadrug)" in err and "exokg import gaf FILE" in err


@pytest.mark.server
def test_an_endpoint_answers_the_review_only(capsys, questions):  # noqa: F811 - the fixture imported above
    """A store loaded with `exokg push` holds the review alone: by default its answers say so, and
    asking it for an imported source is an error, not an empty list."""
    url, named_graph = questions
    remote = ["--endpoint", url, "--named-graph", named_graph]
    card = cli_json(capsys, "show", "miR-522", *remote)
    assert card["sources"] == ["review"] and card["statements"] and card["imported"] == []
    code, out, err = run_cli(capsys, "neighbors", "miR-522", *remote, "--sources", "review,mirtarbase")
    assert (code, out) == (1, "") and "mirtarbase not imported in the endpoint" in err and err.count("\n") == 1


# ---------------------------------------------------------------- exports


def export(capsys, imported, fmt: str, out: Path, *sources: str) -> tuple[int, str, str]:
    return run_cli(capsys, "export", "--format", fmt, "--graph", str(imported), "--out", str(out),
                   *(["--sources", sources[0]] if sources else []))


def edge_sources(fmt: str, out: Path) -> list[dict]:
    """Every edge of an export as {source, relation, subject, object, evidence} (each format read
    back with the reader its users have)."""
    if fmt == "csv":
        return [{"source": e["knowledge_source"], "relation": e["relation"], "subject": e["Source"], "object": e["Target"],
                 "evidence": e["source_evidence"]} for e in csv.DictReader((out / "edges.csv").open(encoding="utf-8"))]
    if fmt == "kgx":
        rows = csv.DictReader((out / "edges.tsv").open(encoding="utf-8"), delimiter="\t")
        return [{"source": e["exokg_source"], "relation": e["original_predicate"].removeprefix("exo:"),
                 "subject": e["subject"], "object": e["object"], "evidence": e["exokg_source_evidence"],
                 "primary": e["primary_knowledge_source"]} for e in rows]
    if fmt == "neo4j":
        return [{"source": e["knowledge_source"], "relation": e["relation"], "subject": e[":START_ID"],
                 "object": e[":END_ID"], "evidence": e["source_evidence"]}
                for e in csv.DictReader((out / "relationships.csv").open(encoding="utf-8"))]
    if fmt == "graphml":
        import networkx as nx

        G = nx.read_graphml(out)
        return [{"source": d["knowledge_source"], "relation": d["relation"], "subject": u, "object": v,
                 "evidence": d.get("source_evidence", "")} for u, v, d in G.edges(data=True)]
    document = json.loads(out.read_text(encoding="utf-8"))
    return [{"source": e["data"]["knowledge_source"], "relation": e["data"]["relation"], "subject": e["data"]["source"],
             "object": e["data"]["target"], "evidence": e["data"].get("source_evidence", "")}
            for e in document["elements"]["edges"]]


GRAPH_FORMATS = {"csv": "", "kgx": "", "neo4j": "", "graphml": ".graphml", "cytoscape": ".cyjs"}


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_every_edge_of_a_graph_export_names_its_source(capsys, imported, built, tmp_path, fmt):
    review_edges = sum(1 for _ in built.graph.subjects(RDF.type, EXO.Assertion))
    out = tmp_path / f"alone{GRAPH_FORMATS[fmt]}"
    code, _, err = export(capsys, imported, fmt, out)
    assert code == 0, err
    alone = edge_sources(fmt, out)
    assert len(alone) == review_edges and {e["source"] for e in alone} == {"review"}
    out = tmp_path / f"all{GRAPH_FORMATS[fmt]}"
    code, printed, err = export(capsys, imported, fmt, out, "all")
    assert code == 0, err
    edges = edge_sources(fmt, out)
    assert all(e["source"] for e in edges)
    assert sum(e["source"] == "review" for e in edges) == review_edges
    by_source = {s: [e for e in edges if e["source"] == s] for s in ("mirtarbase", "ncrnadrug", "exocarta")}
    # miRTarBase: 4 human rows, one of them non-functional (negated): 3 edges; ncRNADrug 4; ExoCarta 2
    assert {s: len(v) for s, v in by_source.items()} == {"mirtarbase": 3, "ncrnadrug": 4, "exocarta": 2}
    alox15 = [e for e in by_source["mirtarbase"] if e["evidence"].startswith("Functional MTI;")
              and "MIRT900001" in e["evidence"]]
    assert len(alox15) == 1 and alox15[0]["relation"] == "targets" and "PMID 99999901" in alox15[0]["evidence"]
    assert not any("MIRT900002" in e["evidence"] for e in edges)  # the non-functional MTI is no edge ...
    assert "negated facts of imported sources" in err  # ... and the export says it left it out
    if fmt == "kgx":
        assert {e["primary"] for e in by_source["ncrnadrug"]} == {"https://w3id.org/exokg/dataset/ncrnadrug"}
        assert {e["primary"] for e in edges if e["source"] == "review"} == {"infores:exokg"}


def test_every_node_of_a_graph_export_is_an_edge_end_and_exports_are_deterministic(capsys, imported, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        assert export(capsys, imported, "csv", out, "all")[0] == 0
    assert (one / "edges.csv").read_bytes() == (two / "edges.csv").read_bytes()
    assert (one / "nodes.csv").read_bytes() == (two / "nodes.csv").read_bytes()
    ids = {n["Id"] for n in csv.DictReader((one / "nodes.csv").open(encoding="utf-8"))}
    edges = list(csv.DictReader((one / "edges.csv").open(encoding="utf-8")))
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)
    assert "https://identifiers.org/ncbigene:3099" in ids  # HK2-OLD: a gene only miRTarBase names


@pytest.mark.parametrize("fmt, suffix", [("nquads", ".nq"), ("trig", ".trig")])
def test_quad_exports_keep_each_source_in_its_named_graph(capsys, imported, tmp_path, fmt, suffix):
    import pyoxigraph as ox

    from graph.store import open_store

    out = tmp_path / f"exokg{suffix}"
    code, _, err = export(capsys, imported, fmt, out, "review,mirtarbase")
    assert code == 0, err
    parsed = ox.Store()
    parsed.load(path=str(out), format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG)
    store = open_store(imported)
    mirtarbase = ox.NamedNode("https://w3id.org/exokg/graph/mirtarbase")
    assert set(parsed.quads_for_pattern(None, None, None, mirtarbase)) == set(
        store.quads_for_pattern(None, None, None, mirtarbase))
    names = {g.value for g in parsed.named_graphs()}
    assert "https://w3id.org/exokg/graph/ncrnadrug" not in names  # not asked for
    code, _, _ = export(capsys, imported, fmt, tmp_path / f"alone{suffix}")
    alone = ox.Store()
    alone.load(path=str(tmp_path / f"alone{suffix}"), format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG)
    assert mirtarbase not in set(alone.named_graphs()) and len(alone) < len(parsed)


@pytest.mark.parametrize("fmt, value, code, expected", [
    ("turtle", "all", 1, "--format turtle writes triples without graph names"),
    ("csv", "mirtarbase", 1, "--sources must include review"),
    ("csv", "review,gaf", 1, "gaf not imported in"),
    ("kgx", "miRTarBase2", 2, "unknown source 'mirtarbase2'"),
])
def test_export_sources_errors_write_nothing(capsys, imported, tmp_path, fmt, value, code, expected):
    out = tmp_path / "out"
    got, printed, err = export(capsys, imported, fmt, out, value)
    assert (got, printed) == (code, "") and err.startswith("error: ") and err.count("\n") == 1 and expected in err, err
    assert not out.exists()


# ---------------------------------------------------------------- layouts (docs/import.md says where each comes from)


@pytest.fixture
def review_store(graph_file):
    import pyoxigraph as ox

    fresh = ox.Store()
    fresh.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    return fresh


def imported_values(store, source: str, line: int, predicate: str) -> list[str]:
    import pyoxigraph as ox

    from graph.ingest import graph_iri
    from graph.vocab import ASSERTION

    node = ox.NamedNode(str(ASSERTION[f"{source}/{line}"]))
    return sorted(q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None, graph_iri(source)))


def test_vesiclepedia_mirna_and_lipid_downloads_in_their_own_layouts(review_store):
    from graph.entities import ENTITY_QUERY, EntityIndex, records
    from graph.ingest import ImportOptions, import_file
    from graph.vocab import PREFIXES

    options = ImportOptions(experiments=FIXTURES / "vesiclepedia_experiment_synthetic.txt")
    report = import_file(review_store, "vesiclepedia", FIXTURES / "vesiclepedia_mirna_synthetic.txt", options)
    assert (report.imported, dict(report.skipped)) == (1, {"other-species": 1})
    index = EntityIndex(records(review_store.query(ENTITY_QUERY, prefixes=PREFIXES)))
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    assert imported_values(review_store, "vesiclepedia", 2, rdf + "subject") == [index.resolve("miR-1246").iri]
    assert imported_values(review_store, "vesiclepedia", 2, str(EXO.experimentType)) == ["RNA sequencing"]
    assert imported_values(review_store, "vesiclepedia", 2, str(EXO.citesReference)) == [
        "https://identifiers.org/pubmed:99999923"]
    note = imported_values(review_store, "vesiclepedia", 2, str(EXO.importNote))[0]
    assert "vesicle type: Exosomes" in note and "content type: mirna" in note
    report = import_file(review_store, "vesiclepedia", FIXTURES / "vesiclepedia_lipid_synthetic.txt", options)
    assert report.imported == 1  # importing again replaces the source's graph
    (lipid,) = imported_values(review_store, "vesiclepedia", 2, rdf + "subject")
    assert lipid.endswith("/entity/imported/lipid/Sphingomyelin")
    assert imported_values(review_store, "vesiclepedia", 2, str(EXO.sample)) == ["Serum"]


def test_a_cargo_file_without_a_molecule_column_names_the_accepted_layouts(review_store, tmp_path):
    from graph.errors import IngestError
    from graph.ingest import import_file

    wrong = tmp_path / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt"
    wrong.write_text("CONTENT ID\tCONTENT TYPE\tENTREZ GENE ID\tSYMBOL\tSPECIES\tEXPERIMENT ID\n"
                     "900001\tprotein\t309\tANXA6\tHomo sapiens\t9001\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt:1: not a exocarta header: "
                                          r"no column GENE SYMBOL\. Fix: pass the file in the layout docs/import.md"):
        import_file(review_store, "exocarta", wrong)
