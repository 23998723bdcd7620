"""`exokg load`: each RDF file becomes one named graph with its description; queries, paths and
the view then work on the merged store; a bad file is a one-line error with its line, and
nothing of a failed load stays."""
from __future__ import annotations

import json

import gzip
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build import build
from graph.errors import LoadError
from graph.load import load, load_file
from graph.query import run_query
from graph.store import open_store, store_location
from tests.conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
EX = "http://example.org/"
GRAPH = "https://w3id.org/exokg/graph/"


@pytest.fixture
def folder(built_dir, tmp_path) -> Path:
    target = tmp_path / "build"
    shutil.copytree(built_dir, target, symlinks=True)
    return target


def write(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


SAMPLES = {  # the same three triples in every format
    "a.nt": f'<{EX}s1> <{EX}p> <{EX}o1> .\n<{EX}s2> <{EX}p> <{EX}o2> .\n<{EX}s3> <{EX}p> "three" .\n',
    "b.ttl.gz": f'@prefix ex: <{EX}> .\nex:s1 ex:p ex:o1 .\nex:s2 ex:p ex:o2 .\nex:s3 ex:p "three" .\n',
    "c.nq": (f'<{EX}s1> <{EX}p> <{EX}o1> <{EX}g1> .\n<{EX}s2> <{EX}p> <{EX}o2> .\n'
             f'<{EX}s3> <{EX}p> "three" <{EX}g2> .\n'),
    "d.trig": f'@prefix ex: <{EX}> .\nex:g1 {{ ex:s1 ex:p ex:o1 . ex:s2 ex:p ex:o2 }}\nex:s3 ex:p "three" .\n',
    "e.rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              f'xmlns:ex="{EX}">\n <rdf:Description rdf:about="{EX}s1"><ex:p rdf:resource="{EX}o1"/></rdf:Description>\n'
              f' <rdf:Description rdf:about="{EX}s2"><ex:p rdf:resource="{EX}o2"/></rdf:Description>\n'
              f' <rdf:Description rdf:about="{EX}s3"><ex:p>three</ex:p></rdf:Description>\n</rdf:RDF>\n'),
}


def test_every_format_becomes_one_described_named_graph(folder, tmp_path, capsys):
    files = [write(tmp_path / name, text) for name, text in SAMPLES.items()]
    code, out, err = run_cli(capsys, "load", *map(str, files), "--graph", str(folder))
    assert code == 0, err
    assert out.count("loaded ") == 5 and "3 triples" in out
    store = open_store(folder)
    for file in files:
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        stem = file.name.split(".")[0]
        graph = ox.NamedNode(f"{GRAPH}load-{stem}-{digest[:8]}")
        assert store.contains_named_graph(graph)
        described = {(q.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], q.object.value)
                     for q in store.quads_for_pattern(graph, None, None, graph)}
        assert ("title", file.name) in described
        assert ("triples", "3") in described
        assert ("byteSize", str(file.stat().st_size)) in described
        assert ("identifier", f"sha256:{digest}") in described
        data = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(EX + "p"), None, graph)}
        assert data == {(EX + "s1", EX + "o1"), (EX + "s2", EX + "o2"), (EX + "s3", "three")}


def test_queries_see_the_union_and_graph_picks_one_source(folder, tmp_path):
    nt = write(tmp_path / "a.nt", SAMPLES["a.nt"])
    before = run_query("SELECT (COUNT(*) AS ?n) WHERE { ?s a exo:Drug }", folder).values()
    (loaded,) = load([nt], folder)
    assert run_query(f"ASK {{ <{EX}s3> <{EX}p> 'three' }}", folder).boolean  # no GRAPH needed
    assert run_query(f"ASK {{ GRAPH <{loaded.graph}> {{ <{EX}s1> ?p ?o }} }}", folder).boolean
    assert not run_query(f"ASK {{ GRAPH <{loaded.graph}> {{ ?d a exo:Drug }} }}", folder).boolean
    assert run_query("SELECT (COUNT(*) AS ?n) WHERE { ?s a exo:Drug }", folder).values() == before
    listed = run_query("SELECT ?g ?title ?n WHERE { GRAPH ?g { ?g void:triples ?n ; dcterms:title ?title } }",
                       folder).values()
    assert [(r["g"], r["title"], r["n"]) for r in listed] == [(loaded.graph, "a.nt", 3)]


def test_a_bad_file_is_one_line_with_its_line_and_nothing_is_loaded(folder, tmp_path, capsys):
    good = write(tmp_path / "good.nt", SAMPLES["a.nt"])
    bad = write(tmp_path / "bad.ttl", f'@prefix ex: <{EX}> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    version, size = store_location(folder), len(open_store(folder))
    code, out, err = run_cli(capsys, "load", str(good), str(bad), "--graph", str(folder))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: {bad}:3: not valid RDF") and "Fix:" in err
    assert store_location(folder) == version and len(open_store(folder)) == size  # not even good.nt


def test_load_file_clears_its_graph_when_the_file_breaks_midway(tmp_path):
    lines = [f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(50_000)]
    bad = write(tmp_path / "big.nt.gz", "".join(lines) + f"<{EX}s> <{EX}p> .\n")
    store = ox.Store()
    with pytest.raises(LoadError, match=r"big\.nt\.gz:50001: not valid RDF"):
        load_file(store, bad)
    assert len(store) == 0 and list(store.named_graphs()) == []


@pytest.mark.parametrize("name,problem", [("x.csv", "unknown RDF format"), ("missing.nt", "does not exist")])
def test_unusable_files_are_refused_before_anything_is_written(folder, tmp_path, capsys, name, problem):
    if name.endswith(".csv"):
        write(tmp_path / name, "a,b\n")
    code, _, err = run_cli(capsys, "load", str(tmp_path / name), "--graph", str(folder))
    assert code != 0 and problem in err and len(err.strip().splitlines()) == 1


def test_loading_twice_skips_and_a_rebuild_keeps_loaded_graphs(folder, tmp_path, capsys):
    nt = write(tmp_path / "a.nt", SAMPLES["a.nt"])
    (first,) = load([nt], folder)
    (again,) = load([nt], folder)
    assert again.skipped and again.graph == first.graph and again.triples == 3
    build(folder)
    assert open_store(folder).contains_named_graph(ox.NamedNode(first.graph))


def test_paths_and_view_work_on_the_merged_store(tmp_path, built_dir, capsys):
    """A folder built from the minimal tables gains the whole curated graph by `exokg load`: a
    mechanism chain found only in the full graph is then found there."""
    folder = tmp_path / "small"
    build(folder, MINIMAL)
    code, _, err = run_cli(capsys, "path", "miR-522", "oxaliplatin", "--graph", str(folder))
    assert code != 0 and "oxaliplatin" in err
    # the minimal tables describe some entities and statement ids differently from the full graph; the
    # view refuses a merge that gives one resource two labels or predicates, so the loaded copy leaves
    # out what the minimal build already describes
    described = {line.split(" ", 1)[0] for line in (folder / "exokg.nt").read_text(encoding="utf-8").splitlines()}
    full = (built_dir / "exokg.nt").read_text(encoding="utf-8").splitlines()
    merged = tmp_path / "full.nt"
    merged.write_text("\n".join(line for line in full if line.split(" ", 1)[0] not in described) + "\n",
                      encoding="utf-8")
    load([merged], folder)
    code, out, err = run_cli(capsys, "path", "circBIRC6", "oxaliplatin", "--graph", str(folder), "--format", "json")
    assert code == 0, err
    assert "circBIRC6" in out
    found = json.loads(out)
    whole = json.loads(run_cli(capsys, "path", "circBIRC6", "oxaliplatin", "--graph", str(built_dir), "--format",
                               "json")[1])
    assert found["paths"] and found["paths"][0]["nodes"] == whole["paths"][0]["nodes"]
    page = tmp_path / "view.html"
    code, _, err = run_cli(capsys, "viz", "--focus", "circBIRC6", "--hops", "1", "--graph", str(folder), "-o", str(page))
    assert code == 0, err
    assert "circBIRC6" in page.read_text(encoding="utf-8")


def test_serve_answers_from_the_store_with_its_loaded_graphs(folder, tmp_path):
    """`exokg serve` opens the build's store, so a loaded file is there without GRAPH, as elsewhere."""
    import urllib.parse
    import urllib.request

    from graph.server import EndpointConfig, running

    load([write(tmp_path / "a.nt", SAMPLES["a.nt"])], folder)
    query = urllib.parse.urlencode({"query": f"ASK {{ <{EX}s3> <{EX}p> 'three' }}"})
    with running(folder, port=0, config=EndpointConfig(workers=1, log=False)) as server:
        request = urllib.request.Request(f"{server.url}?{query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.loads(answer.read())["boolean"] is True


def test_load_and_build_with_a_folder_relative_to_the_working_directory(folder, tmp_path):
    """`exokg load a.nt --graph build` run inside the folder that holds `build` (as README shows it)
    keeps the new store version and its loaded graph; a rebuild by the same relative name keeps it too."""
    import subprocess
    import sys

    write(tmp_path / "a.nt", SAMPLES["a.nt"])

    def exokg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "graph.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True, check=False)

    loaded = exokg("load", "a.nt", "--graph", folder.name)
    assert loaded.returncode == 0, loaded.stderr
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}s1> <{EX}p> ?o }}"
    for step in ("after load", "after rebuild"):
        answered = exokg("query", count, "--graph", folder.name, "--format", "csv")
        assert answered.returncode == 0, f"{step}: {answered.stderr}"
        assert answered.stdout.split() == ["n", "1"], step
        if step == "after load":
            rebuilt = exokg("build", "--out", folder.name)
            assert rebuilt.returncode == 0, rebuilt.stderr
