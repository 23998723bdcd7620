"""The path index (graph/pathgraph.py) that `exokg path` and `exokg explain` search: it answers as
the networkx projection does, it is kept beside each store version and reused by later processes,
and `--sources` brings imported resources (here the synthetic miRTarBase fixture) into paths, each
hop labelled with where its statements come from."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.explain import explain
from graph.hierarchy import load_broader
from graph.pathgraph import path_graph
from graph.paths import find_paths
from graph.paths_render import format_chains, format_paths
from graph.projection import projection

from .conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
MIRTARBASE = FIXTURES / "mirtarbase_mti_synthetic.csv"
EXOKG = Path(sys.executable).parent / "exokg"


@pytest.fixture
def imported(built_dir, tmp_path, capsys) -> Path:
    """A build folder whose store holds the review and the synthetic miRTarBase rows, with Entrez
    ids matched through the synthetic org.Hs.eg.db tables (so HK2-OLD lands on the review's HK2)."""
    build = tmp_path / "build"
    shutil.copytree(built_dir, build, symlinks=True)
    genes = tmp_path / "go-data"
    genes.mkdir()
    with sqlite3.connect(genes / "org.Hs.eg.sqlite") as db:
        db.executescript((FIXTURES / "org_hs_eg_synthetic.sql").read_text(encoding="utf-8"))
    code, _, err = run_cli(capsys, "import", "mirtarbase", str(MIRTARBASE), "--genes", str(genes), "--graph", str(build))
    assert code == 0, err
    return build


def test_the_index_answers_as_the_networkx_projection(built_dir):
    G, index = projection(built_dir), path_graph(built_dir)
    rng = random.Random(14)
    nodes = sorted(G)
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(40)]
    queries = [dict(k=3, max_hops=4), dict(k=2, max_hops=5, undirected=True), dict(k=None, max_hops=3, signed="increases")]
    answered = 0
    for source, target in pairs:
        for query in queries:
            expected = find_paths(G, source, target, **query)
            found = find_paths(index, source, target, **query)
            assert found == expected and found.truncated == expected.truncated, (source, target, query)
            if found:
                answered += 1
                assert format_paths(index, found, "table", source=source, target=target, mode="m", hops=4) == \
                    format_paths(G, expected, "table", source=source, target=target, mode="m", hops=4)
    assert answered >= 10  # the sample holds real paths, not only empty answers
    broader = load_broader(built_dir)
    by_key = {G.nodes[n]["key"]: n for n in G}
    for agent, drug, cancer in (("CAF", "chemotherapy", "gastric-cancer"), ("lnc-TALC", "temozolomide", None),
                                ("miR-1246", "paclitaxel", None)):
        args = (by_key[agent], by_key[drug])
        options = dict(cancer=by_key[cancer] if cancer else None, k=5)
        expected = explain(G, *args, broader=broader, **options)
        chains = explain(index, *args, broader=index.broader(), **options)
        assert chains == expected and chains
        assert format_chains(index, chains, "json", agent=args[0], drug=args[1]) == \
            format_chains(G, expected, "json", agent=args[0], drug=args[1])
    # explain stops once k chains naming the drug are known: the same top k as ranking every chain
    resistance = sorted({(u, v) for u, v, d in G.edges(data=True) if d["relation"] == "confersResistanceTo"
                         and G.nodes[v]["type"] == "Drug"})
    agents = sorted({a for u, v in resistance for a in G.predecessors(u)} | {u for u, _ in resistance})
    drugs = sorted({v for _, v in resistance})
    ranked = 0
    for agent, drug in {(rng.choice(agents), rng.choice(drugs)) for _ in range(60)}:
        if agent == drug:
            continue
        every = explain(index, agent, drug, broader=broader, k=None)
        for k in (1, 3):
            top = explain(index, agent, drug, broader=broader, k=k)
            assert top == every[:k] == explain(G, agent, drug, broader=broader, k=k)
        ranked += bool(every)
    assert ranked >= 5


def test_a_path_through_an_imported_edge_needs_its_source_and_says_where_it_comes_from(imported, capsys):
    # the review never links miR-135b to HK2; miRTarBase row 4 does (HK2-OLD, Entrez 3099)
    code, out, err = run_cli(capsys, "path", "miR-135b", "HK2", "--max-hops", "2", "--graph", str(imported))
    assert code == 1 and out == "" and err.startswith("error: no path from miR-135b to HK2") and err.count("\n") == 1
    code, out, err = run_cli(capsys, "path", "miR-135b", "HK2", "--max-hops", "2", "--sources", "review,mirtarbase",
                             "--graph", str(imported))
    assert code == 0, err
    assert "miR-135b -[targets - @mirtarbase]-> HK2" in out
    assert "mirtarbase/4 | miRTarBase | Functional MTI (Weak); qRT-PCR; PMID 99999903; curated by the source" in out
    code, out, _ = run_cli(capsys, "path", "miR-135b", "HK2", "--max-hops", "2", "--sources", "all", "--format", "json",
                           "--graph", str(imported))
    (hop,) = json.loads(out)["paths"][0]["hops"]
    (statement,) = hop["statements"]
    assert hop["sources"] == ["mirtarbase"] and statement["source_name"] == "mirtarbase"
    assert statement["pmids"] == ["99999903"] and statement["support_type"] == "Functional MTI (Weak)"
    code, out, _ = run_cli(capsys, "path", "miR-135b", "HK2", "--max-hops", "2", "--sources", "all", "--format", "csv",
                           "--graph", str(imported))
    (row,) = csv.DictReader(io.StringIO(out))
    assert code == 0 and row["statement"] == "mirtarbase/4" and row["source_name"] == "mirtarbase"
    assert row["evidence"].startswith("Functional MTI (Weak); qRT-PCR; PMID 99999903; curated by the source; "
                                      "mirtarbase_mti_synthetic.csv:4 MIRT900003")


def test_a_negated_row_is_no_hop_and_review_hops_stay_the_reviews(imported, capsys):
    # miRTarBase row 3 says miR-135b -> FZD1 is a non-functional MTI: the review's statement alone makes the hop
    code, out, err = run_cli(capsys, "path", "miR-135b", "FZD1", "--max-hops", "1", "--sources", "all", "--format", "json",
                             "--graph", str(imported))
    assert code == 0, err
    (hop,) = json.loads(out)["paths"][0]["hops"]
    assert hop["sources"] == ["review"] and [s["id"] for s in hop["statements"]] == ["5.3-001"]
    code, default, _ = run_cli(capsys, "explain", "miR-135b", "cisplatin", "--graph", str(imported))
    code_all, everything, _ = run_cli(capsys, "explain", "miR-135b", "cisplatin", "--sources", "all", "--graph", str(imported))
    assert code == code_all == 0 and default == everything and "5.3-002" in default


@pytest.mark.parametrize("value", ["review,bogus", "", "mirtarbase,gaf"])
def test_an_unknown_source_is_one_clean_error_listing_the_stores_sources(imported, capsys, value):
    for command in (["path", "miR-135b", "HK2"], ["explain", "miR-135b", "cisplatin"]):
        code, out, err = run_cli(capsys, *command, "--sources", value, "--graph", str(imported))
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("error: ")
        assert "review, mirtarbase, all" in err and "Fix:" in err


def _index_files(build: Path) -> list[Path]:
    return sorted((build / ".store").glob("*.paths-*.sqlite"))


def _exokg(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXOKG), *args], capture_output=True, text=True, timeout=300, env=dict(os.environ))


def test_the_index_is_kept_per_store_version_reused_by_later_processes_and_remade_for_a_new_version(built_dir, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(built_dir, build, symlinks=True)
    for f in _index_files(build):
        f.unlink()
    first = _exokg("path", "miR-1246", "paclitaxel", "--graph", str(build))
    assert first.returncode == 0, first.stderr
    (index,) = _index_files(build)
    assert index.name.startswith(Path(os.readlink(build / "store")).name + ".paths-")
    made = index.stat()
    second = _exokg("path", "miR-1246", "paclitaxel", "--graph", str(build))
    assert second.returncode == 0 and second.stdout == first.stdout
    again = index.stat()
    assert (again.st_ino, again.st_mtime_ns) == (made.st_ino, made.st_mtime_ns)  # read, not written again
    imported = _exokg("import", "mirtarbase", str(MIRTARBASE), "--graph", str(build))
    assert imported.returncode == 0, imported.stderr
    third = _exokg("path", "miR-135b", "https://identifiers.org/ncbigene:3099", "--sources", "all", "--graph", str(build))
    (fresh,) = _index_files(build)  # the old version went away with its index
    assert fresh != index and fresh.name.startswith(Path(os.readlink(build / "store")).name + ".paths-")
    assert third.returncode == 0 and "@mirtarbase" in third.stdout, third.stderr


def _index_rows(file: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(file) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _copied_into_a_loaded_file(build: Path, tmp_path: Path) -> Path:
    """An N-Triples file holding one of the build's assertions as it is (so it is in both graphs),
    the same assertion again under a new IRI and a copy of one entity under a new IRI and key (so
    the loaded file brings an edge and a node of its own)."""
    import pyoxigraph as ox

    from graph.store import open_store

    store = open_store(build)
    exo = "https://w3id.org/exokg/ontology/"
    assertion = next(iter(store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(exo + "Assertion"),
                                                  ox.DefaultGraph()))).subject
    entity = next(iter(store.quads_for_pattern(None, ox.NamedNode(exo + "curationKey"), None, ox.DefaultGraph())))
    new_entity, new_assertion = ox.NamedNode("http://example.org/copied-entity"), ox.NamedNode("http://example.org/copied-assertion")
    lines = []
    for q in store.quads_for_pattern(assertion, None, None, ox.DefaultGraph()):
        lines.append(f"{q.subject} {q.predicate} {q.object} .")
        obj = new_entity if q.predicate.value.endswith("#object") else q.object
        lines.append(f"{new_assertion} {q.predicate} {obj} .")
    for q in store.quads_for_pattern(entity.subject, None, None, ox.DefaultGraph()):
        obj = ox.Literal("copied-entity") if q.predicate.value == exo + "curationKey" else q.object
        lines.append(f"{new_entity} {q.predicate} {obj} .")
    file = tmp_path / "copied.nt"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize("graph", ["curated", "loaded", "imported"])
def test_the_streamed_writer_writes_the_same_rows_as_the_view_based_one(graph, built_dir, tmp_path, capsys, request):
    """write_index reads the store one subject at a time; every table of its file holds the
    rows, in the order, that the whole-view writer puts there: on the curated build, with a loaded
    file that repeats one assertion and adds an edge and a node, and with an imported resource."""
    from graph import pathindex_write
    from graph.store import store_stamp

    if graph == "imported":
        build = request.getfixturevalue("imported")
    else:
        build = tmp_path / "build"
        shutil.copytree(built_dir, build, symlinks=True)
    if graph == "loaded":
        code, _, err = run_cli(capsys, "load", str(_copied_into_a_loaded_file(build, tmp_path)), "--graph", str(build))
        assert code == 0, err
    stamp = store_stamp(build)
    pathindex_write.write_index_from_view(stamp, tmp_path / "view.sqlite", str(build))
    pathindex_write.write_index(stamp, tmp_path / "streamed.sqlite", str(build))
    expected, found = _index_rows(tmp_path / "view.sqlite"), _index_rows(tmp_path / "streamed.sqlite")
    assert expected["nodes"] and expected["edges"] and expected["names"]
    if graph == "loaded":
        assert {s[1] for s in expected["sources"]} > {"review"}
        sources = {s[0]: s[1] for s in expected["sources"]}
        assert any(sources[e[4]] != "review" for e in expected["edges"])
        assert any(n[1] == "http://example.org/copied-entity" for n in expected["nodes"])
    if graph == "imported":
        assert any(s[3] == "imported" for s in expected["sources"])
    assert found.keys() == expected.keys()
    for table in expected:
        assert found[table] == expected[table], table
