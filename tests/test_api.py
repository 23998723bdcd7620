"""The front door (graph.open_graph): the same answers as the command line, from the graph asked for.

The handle's rows are compared with what `exokg ... --format json` prints for the same question,
so the library and the CLI cannot drift apart.
"""
from __future__ import annotations

import doctest
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from graph import ExoKG, open_graph
from graph.build import build
from graph.errors import GraphNotFoundError, OntologyNameError, ResolutionError
from graph.paths_render import format_chains, format_paths
from graph.projection import projection
from graph.query import sparql_json

from .conftest import REPO, run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def kg() -> ExoKG:
    return open_graph()


def cli_json(capsys, *args):
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("method,kwargs,command", [
    ("resistance", {"drug": "cisplatin"}, ["resistance", "--drug", "cisplatin"]),
    ("resistance", {"agent": "CAF", "effect": "confers"}, ["resistance", "--agent", "CAF", "--effect", "confers"]),
    ("biomarkers", {"cancer": "colorectal cancer", "type": "lncRNA"},
     ["biomarkers", "--cancer", "colorectal cancer", "--type", "lncRNA"]),
    ("therapies", {"drug": "sorafenib"}, ["therapies", "--drug", "sorafenib"]),
    ("neighbors", {"name": "miR-522", "hops": 2, "relations": ["targets", "promotes"]},
     ["neighbors", "miR-522", "--hops", "2", "--relation", "targets", "--relation", "promotes"]),
    ("show", {"name": "ALOX15"}, ["show", "ALOX15"]),
])
def test_the_handle_returns_the_rows_the_cli_prints(kg, capsys, method, kwargs, command):
    answer = getattr(kg, method)(**kwargs)
    assert answer, "pick a question with an answer, or the comparison proves little"
    assert answer == cli_json(capsys, *command)


def test_resistance_to_cisplatin_is_the_cli_answer_with_evidence(kg, capsys):
    rows = open_graph().resistance(drug="cisplatin")
    assert rows == cli_json(capsys, "resistance", "--drug", "cisplatin")
    assert all(row["section"] and isinstance(row["references"], list) for row in rows)
    assert any(row["table_row"] for row in rows) and any(row["references"] for row in rows)


def test_named_and_inline_queries_answer_as_exokg_query(kg, capsys):
    named = kg.query("resistance", {"drug": "cisplatin", "cancer": ["GC", "lung cancer"]})
    code, out, err = run_cli(capsys, "query", "resistance", "--param", "drug=cisplatin", "--param", "cancer=GC",
                             "--param", "cancer=lung cancer", "--format", "json")
    assert code == 0, err
    assert json.loads(sparql_json(named)) == json.loads(out) and len(named) > 0
    inline = kg.query("SELECT ?label WHERE { ?d a exo:Drug ; rdfs:label ?label } ORDER BY ?label", limit=3)
    assert [row["label"] for row in inline.values()] == sorted(row["label"] for row in inline.values())
    assert len(inline) == 3 and inline.truncated


def test_paths_and_explain_print_as_the_cli_does(kg, capsys):
    G = projection()
    found = kg.paths("lnc-TALC", "temozolomide", k=3, signed="increases", cancer="GBM")
    source, target = kg.entity("lnc-TALC").iri, kg.entity("temozolomide").iri
    printed = format_paths(G, found, "json", source=source, target=target, mode="3 shortest paths", hops=6)
    assert json.loads(printed) == cli_json(capsys, "path", "lnc-TALC", "temozolomide", "--k", "3", "--signed",
                                           "increases", "--cancer", "GBM")
    chains = kg.explain("CAF", "chemotherapy", cancer="GC", k=5)
    agent, drug, cancer = (kg.entity(n).iri for n in ("CAF", "chemotherapy", "GC"))
    printed = format_chains(G, chains, "json", agent=agent, drug=drug, cancer=cancer)
    assert json.loads(printed) == cli_json(capsys, "explain", "CAF", "chemotherapy", "--cancer", "GC", "--k", "5")


def test_path_filters_take_relation_and_type_names(kg):
    found = kg.paths("miR-522", "ferroptosis", k=None, max_hops=3, relations="targets,promotes".split(","),
                     include_types=["gene or protein"])
    assert found and all(h["relation"] in ("targets", "promotes") for p in found for h in p["hops"])
    assert all(kg.entity(n).type == "GeneOrProtein" for p in found for n in p["nodes"][1:-1])
    with pytest.raises(OntologyNameError, match="Fix:"):
        kg.paths("miR-522", "ferroptosis", relations=["causes"])
    assert kg.paths("miR-522", "ferroptosis", relations=["biomarkerFor"]) == []


def test_another_graph_answers_from_its_own_data(tmp_path, kg):
    build(tmp_path / "mini", MINIMAL)
    for source in (tmp_path / "mini", tmp_path / "mini" / "exokg.ttl", str(tmp_path / "mini" / "exokg.nt")):
        mini = open_graph(source)
        assert [row["statement"] for row in mini.resistance()] == ["3.1-004", "T1-04"]
        assert [row["biomarker"] for row in mini.biomarkers()] == ["miR-522"]
    assert len(kg.resistance()) > 1
    with pytest.raises(ResolutionError, match="sorafenib"):
        mini.therapies(drug="sorafenib")  # the packaged graph has it; this one does not


def test_a_missing_graph_fails_at_open_with_a_fix(tmp_path):
    with pytest.raises(GraphNotFoundError, match="Fix: run `exokg build"):
        open_graph(tmp_path / "nowhere")


def test_view_and_export_write_what_the_commands_write(kg, tmp_path):
    page = tmp_path / "page.html"
    view = kg.view(focus="miR-522", hops=1, out=page)
    assert "ALOX15" in {node["key"] for node in view.nodes}
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    drawn = kg.view(paths=kg.paths("miR-522", "ferroptosis", k=3))
    assert {"miR-522", "ALOX15", "ferroptosis"} <= {node["key"] for node in drawn.nodes}
    result = kg.export("csv", tmp_path / "csv")
    assert sorted(result.files) == ["dataset.ttl", "edges.csv", "nodes.csv"]
    assert all((tmp_path / "csv" / name).stat().st_size == size for name, size in result.files.items())


def test_import_graph_loads_nothing_heavy():
    """`import graph` is cheap: the handle, the stores and the parsers load on first use."""
    code = ("import sys, graph; print(sorted(m for m in sys.modules if m.startswith(('graph.', 'pyoxigraph', "
            "'rdflib', 'networkx', 'importlib.metadata'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    code = "import graph; print(graph.open_graph.__module__, graph.__version__)"
    module, version = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     check=True).stdout.split()
    assert module == "graph.api" and version[0].isdigit()


def test_the_package_ships_its_type_marker():
    """py.typed tells type checkers to read graph's annotations; it must be in the wheel."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["graph"]
    assert (REPO / "graph" / "py.typed").is_file()


def test_the_readme_example_runs_as_shown():
    """README's Python section is a doctest: what it shows is what the handle answers."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- api -->", 1)[1].split("<!-- /api -->", 1)[0].split("```pycon", 1)[1].split("```", 1)[0]
    test = doctest.DocTestParser().get_doctest(block, {}, "README.md", str(REPO / "README.md"), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 6


def test_show_and_neighbors_pick_sources_as_the_cli_does(built_dir, tmp_path, capsys):
    build_dir = tmp_path / "build"
    shutil.copytree(built_dir, build_dir)
    mirtarbase = Path(__file__).parent / "fixtures" / "ingest" / "mirtarbase_mti_synthetic.csv"
    code, _, err = run_cli(capsys, "import", "mirtarbase", str(mirtarbase), "--graph", str(build_dir))
    assert code == 0, err
    handle, where = open_graph(build_dir), ["--graph", str(build_dir)]
    card = handle.show("miR-522", sources=["review", "mirtarbase"])
    assert card == cli_json(capsys, "show", "miR-522", "--sources", "review,mirtarbase", *where)
    assert {f["source"] for f in card["imported"]} == {"mirtarbase"} and card["statements"]
    assert handle.show("miR-522", sources="review")["imported"] == []
    rows = handle.neighbors("miR-522", sources="mirtarbase")
    assert rows == cli_json(capsys, "neighbors", "miR-522", "--sources", "mirtarbase", *where)
    assert rows and {row["source"] for row in rows} == {"mirtarbase"}
    assert {row["source"] for row in handle.neighbors("miR-522")} == {"review", "mirtarbase"}  # default: all
