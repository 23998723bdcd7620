"""The --graph check is remembered per store version, and the writers mark the versions they know
pass it: `exokg build` (its graph is written from checked rows) and `exokg load` into a version
that passed (only the resources the loaded triples touch are asked about). A load that breaks a
curated resource still gets the one-line error from the next command."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.graphcheck import added_offender, check_store, first_offender, is_checked, vouch_build
from graph.load import load
from graph.store import GRAPH_BASE, add_ontology, open_store, store_location

from .conftest import run_cli
from .test_foreign_graphs import PARTIAL, triples  # noqa: F401 - triples is a fixture

EXO = "https://w3id.org/exokg/ontology/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DRUG = "<http://purl.obolibrary.org/obo/CHEBI_133246>"  # tetramethylpyrazine, a curated drug
ASSERTION = "<https://w3id.org/exokg/assertion/1-001>"  # a curated assertion


def version_files(folder: Path) -> dict[str, int]:
    """The files kept beside the current store version (name -> modification time)."""
    version = store_location(folder)
    return {p.name: p.stat().st_mtime_ns for p in version.parent.glob(f"{version.name}.*")}


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> Path:
    """A build folder written by `exokg build` (the command), so its version is marked."""
    folder = tmp_path_factory.mktemp("marked") / "build"
    from graph.cli import main

    main(["build", "--out", str(folder)])  # returns normally on success
    return folder


@pytest.fixture
def folder(marked, tmp_path) -> Path:
    target = tmp_path / "build"
    shutil.copytree(marked, target, symlinks=True)
    return target


def nt(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_error(capsys, folder: Path) -> str:
    code, _out, err = run_cli(capsys, "stats", "--graph", str(folder))
    lines = err.splitlines()
    assert code != 0 and len(lines) == 1 and "Traceback" not in err, err
    assert re.match(r"^error: .+ Fix: .+", lines[0]) and str(folder) in lines[0], lines[0]
    return lines[0]


def test_a_build_passes_the_full_check_and_marks_its_version_as_check_once_looks_it_up(marked, capsys):
    from graph.commands.options import check_once

    store = open_store(marked)
    assert first_offender(store) is None and check_store(store, marked)  # the full check, asked anew
    assert is_checked(store_location(marked))
    before = version_files(marked)
    assert any(name.startswith(store_location(marked).name + ".checked-") for name in before)
    check_once(marked)  # found: neither run nor written again (a marker under another key would be a new file)
    code, out, err = run_cli(capsys, "stats", "--graph", str(marked))
    assert code == 0, err
    assert version_files(marked) == before


def test_a_build_by_the_library_alone_marks_nothing_and_the_first_command_checks(tmp_path, capsys):
    from graph.build import build

    folder = build(tmp_path / "build").out_dir  # no before_publish: nothing vouches for the version
    assert folder is not None and not is_checked(store_location(folder))
    assert run_cli(capsys, "stats", "--graph", str(folder))[0] == 0
    assert is_checked(store_location(folder))  # check_once ran the check and remembered it


def test_a_clean_load_marks_the_new_version(folder, tmp_path, capsys):
    old = store_location(folder)
    load([nt(tmp_path, "clean.nt", "<http://example.org/a> <http://example.org/p> \"x\" .",
             f"{DRUG} <http://www.w3.org/2000/01/rdf-schema#comment> \"seen in a trial\" .",
             f"{ASSERTION} <http://example.org/note> \"reviewed\" .")], folder)
    assert store_location(folder) != old and is_checked(store_location(folder))
    assert first_offender(open_store(folder)) is None  # the full check agrees
    before = version_files(folder)
    assert run_cli(capsys, "stats", "--graph", str(folder))[0] == 0
    assert version_files(folder) == before


# triples that make a curated resource unreadable, and what the error says
BREAKS = {
    "second ExoKG type": (f"{DRUG} <{RDF}type> <{EXO}GeneOrProtein> .", "has 2 ExoKG types"),
    "second summary": (f'{ASSERTION} <{EXO}curatorSummary> "another summary" .', "curatorSummary"),
    "second label": (f'{DRUG} <http://www.w3.org/2000/01/rdf-schema#label> "TMP again" .', "label"),
    "second relation": (f"{ASSERTION} <{RDF}predicate> <{EXO}noSuchRelation> .", "rdf:predicate"),
    "object not an entity": (f"<https://example.org/a1> a <{EXO}Assertion> ; <{RDF}object> <https://example.org/x> .",
                             "https://example.org/a1"),
    "blank assertion": (f"[] a <{EXO}Assertion> ; <{RDF}object> <https://example.org/x> .", "rdf:predicate"),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_a_load_that_breaks_a_resource_is_not_marked_and_the_next_command_refuses(case, folder, tmp_path, capsys):
    line, expected = BREAKS[case]
    path = tmp_path / "bad.ttl" if " ; " in line else tmp_path / "bad.nt"
    path.write_text(line + "\n", encoding="utf-8")
    load([path], folder)
    assert not is_checked(store_location(folder))
    assert expected in one_error(capsys, folder)
    assert expected in one_error(capsys, folder)  # and again: a refused graph is never remembered as passing


def test_a_load_onto_an_unchecked_version_runs_the_full_check(folder, tmp_path, capsys):
    load([nt(tmp_path, "bad.nt", BREAKS["second ExoKG type"][0])], folder)
    load([nt(tmp_path, "clean.nt", "<http://example.org/a> <http://example.org/p> \"x\" .")], folder)
    assert not is_checked(store_location(folder))  # the earlier offence is found, not vouched for
    assert "has 2 ExoKG types" in one_error(capsys, folder)


def test_a_rebuild_checks_the_loaded_graphs_it_carries_over(folder, tmp_path, capsys):
    from graph.build import build

    load([nt(tmp_path, "bad.nt", BREAKS["second summary"][0])], folder)
    build(folder, before_publish=vouch_build)
    assert not is_checked(store_location(folder))
    assert "curatorSummary" in one_error(capsys, folder)


def test_a_rebuild_with_clean_loaded_graphs_is_marked(folder, tmp_path):
    from graph.build import build

    load([nt(tmp_path, "clean.nt", f"{DRUG} <http://example.org/seen> \"yes\" .")], folder)
    build(folder, before_publish=vouch_build)
    assert is_checked(store_location(folder)) and first_offender(open_store(folder)) is None


@pytest.mark.parametrize("case", sorted(PARTIAL))
def test_the_check_of_added_graphs_catches_each_partial_graph(case, triples):  # noqa: F811
    """Every kind of damage the full check catches is caught when the damaged triples are added."""
    store = ox.Store()
    add_ontology(store)
    graph = GRAPH_BASE + "load-partial-00000000"
    store.bulk_load(("\n".join(PARTIAL[case](triples)) + "\n").encode(), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(graph))
    assert added_offender(store, [graph]) is not None


def test_the_check_of_added_graphs_passes_the_intact_graph(triples):  # noqa: F811
    store = ox.Store()
    add_ontology(store)
    graph = GRAPH_BASE + "load-whole-00000000"
    store.bulk_load(("\n".join(triples) + "\n").encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    assert added_offender(store, [graph]) is None


def test_an_import_into_a_marked_version_is_marked_and_the_next_command_runs_no_check(folder, capsys):
    from .test_ingest import MIRTARBASE

    previous = store_location(folder)
    code, _out, err = run_cli(capsys, "import", "mirtarbase", str(MIRTARBASE), "--graph", str(folder))
    assert code == 0, err
    assert store_location(folder) != previous  # a new version was published ...
    assert is_checked(store_location(folder))  # ... and it is marked, since the check reads no imported graph
    assert first_offender(open_store(folder)) is None  # which the full check, asked anew, confirms
