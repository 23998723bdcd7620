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
