"""The on-disk store's life: written by the build, opened read-only by every command, replaced
atomically (a killed or failed build leaves the old one usable), read by several processes at
once, and a corrupt or foreign store is a one-line error."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import GraphNotFoundError, StoreError
from graph.storage import DESCRIPTION_GRAPH, writable_store
from graph.store import open_store, store_location
from tests.conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture
def folder(built_dir, tmp_path) -> Path:
    """A private copy of the session's build folder (its store link kept as a link)."""
    target = tmp_path / "build"
    shutil.copytree(built_dir, target, symlinks=True)
    return target


def exokg(*args, check=True, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *map(str, args)], capture_output=True, text=True,
                          check=check, env=env)


def data_triples(folder: Path) -> set[str]:
    return {line for line in (folder / "exokg.nt").read_text(encoding="utf-8").splitlines() if line}


def test_build_writes_a_store_holding_the_file_and_the_ontology(built_dir):
    assert (built_dir / "store").is_symlink() and (built_dir / "store" / "CURRENT").is_file()
    store = open_store(built_dir)
    default = {str(q.triple) + " ." for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    text = resources.files("graph.owl").joinpath("exokg.ttl").read_bytes()
    ontology = {str(t) + " ." for t in ox.parse(text, format=ox.RdfFormat.TURTLE)}
    ground = {t for t in default if "_:" not in t}  # the ontology's blank nodes get new labels when loaded
    assert ground == data_triples(built_dir) | {t for t in ontology if "_:" not in t}  # nothing else
    assert len(default) == len(data_triples(built_dir)) + len(ontology)
    assert list(store.named_graphs()) == [DESCRIPTION_GRAPH]
    ask = 'ASK { ?a exo:source ?r ; rdf:predicate ?p . ?p rdfs:label "confers resistance to" ; exo:effectSign 1 }'
    assert store.query(ask, prefixes={"exo": "https://w3id.org/exokg/ontology/",
                                      "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                                      "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                          ox.Literal("o")))


def test_commands_read_the_store_not_the_file(folder):
    before = exokg("resistance", "--drug", "cisplatin", "--format", "json", "--graph", folder).stdout
    (folder / "exokg.nt").unlink()  # the store alone answers
    (folder / "exokg.ttl").unlink()
    assert exokg("resistance", "--drug", "cisplatin", "--format", "json", "--graph", folder).stdout == before
    assert json.loads(before)


def test_a_lone_file_gets_a_store_cached_by_its_digest(built_dir, tmp_path):
    copy = tmp_path / "elsewhere.nt"
    shutil.copyfile(built_dir / "exokg.nt", copy)
    assert store_location(copy) == store_location(built_dir / "exokg.nt")
    assert len(open_store(copy)) == len(open_store(built_dir)) - sum(  # all but the build's description
        1 for _ in open_store(built_dir).quads_for_pattern(None, None, None, DESCRIPTION_GRAPH))
    (tmp_path / "other.nt").write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    assert store_location(tmp_path / "other.nt") != store_location(copy)


def test_a_lone_files_digest_is_remembered_and_a_rewrite_is_still_seen(built_dir, tmp_path):
    """The first command on a file hashes it and remembers the digest under the file's size,
    times and inode (the next commands do not read a big file again); a rewrite is seen even when
    it keeps the size and puts the modification time back."""
    mine = tmp_path / "mine.nt"
    text = (built_dir / "exokg.nt").read_text(encoding="utf-8")
    label = '<http://www.w3.org/2000/01/rdf-schema#label> "cisplatin" .'
    assert text.count(label) == 1
    mine.write_text(text, encoding="utf-8")
    first = exokg("resistance", "--drug", "cisplatin", "--format", "json", "--graph", mine).stdout
    memos = (Path(os.environ["EXOKG_CACHE"]) / "stores" / "digests").iterdir()
    assert hashlib.sha256(mine.read_bytes()).hexdigest() in {memo.read_text(encoding="ascii") for memo in memos}
    assert exokg("resistance", "--drug", "cisplatin", "--format", "json", "--graph", mine).stdout == first
    before = mine.stat()
    mine.write_text(text.replace(label, label.replace('"cisplatin"', '"Cisplatin"')), encoding="utf-8")
    os.utime(mine, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (mine.stat().st_size, mine.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    second = exokg("resistance", "--drug", "cisplatin", "--format", "json", "--graph", mine).stdout
    drugs_before = {drug for row in json.loads(first) for drug in row["drug"]}
    drugs_after = {drug for row in json.loads(second) for drug in row["drug"]}
    assert "cisplatin" in drugs_before and "Cisplatin" not in drugs_before
    assert "Cisplatin" in drugs_after and "cisplatin" not in drugs_after


def test_rebuild_replaces_the_store_and_keeps_no_old_versions(folder):
    first = store_location(folder)
    exokg("build", "--out", folder)
    second = store_location(folder)
    assert first != second and not first.exists()
    # the new version and what is kept beside it (the build marks it as passing the --graph check)
    assert {p.name.split(".")[0] for p in (folder / ".store").iterdir()} == {second.name}
    assert len(open_store(folder)) == len(open_store(second))


def test_a_failed_write_leaves_the_store_as_it_was(folder):
    before, size = store_location(folder), len(open_store(folder))
    with pytest.raises(RuntimeError, match="midway"):
        with writable_store(folder) as store:
            store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                              ox.Literal("o")))
            raise RuntimeError("midway")
    assert store_location(folder) == before and len(open_store(folder)) == size
    with writable_store(folder) as store:  # the next writer starts from the published version
        assert len(store) == size
        del store
    current = store_location(folder).name  # and removes what the failed one left: only the current
    assert {p.name.split(".")[0] for p in (folder / ".store").iterdir()} == {current}  # version and its sidecars


def test_a_build_with_bad_tables_leaves_the_store_as_it_was(folder, tmp_path):
    before = store_location(folder)
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    table = data / "curation" / "a.statements.tsv"
    text = table.read_text(encoding="utf-8")
    header = text.splitlines()[0].split("\t")
    row = dict.fromkeys(header, "") | {"id": "x-001", "subject": "miR-522", "relation": "noSuchRelation",
                                       "object": "ALOX15", "certainty": "stated", "evidence_level": "review_statement",
                                       "section": "3.1", "summary": "A row with an unknown relation."}
    table.write_text(text + "\t".join(row[c] for c in header) + "\n", encoding="utf-8")
    result = exokg("build", "--out", folder, "--data", data, check=False)
    assert result.returncode != 0 and "noSuchRelation" in result.stderr and "Traceback" not in result.stderr
    assert store_location(folder) == before and len(open_store(folder)) > 0


def test_a_killed_build_leaves_the_previous_store_usable(folder):
    expected = exokg("stats", "--format", "json", "--graph", folder).stdout
    version = store_location(folder)
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5):
        child = subprocess.Popen([sys.executable, "-m", "graph.cli", "build", "--out", str(folder)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = exokg("stats", "--format", "json", "--graph", folder)
        assert now.stdout == expected, f"killed after {delay} s"
        if store_location(folder) != version:  # the build had finished: the new version is whole
            version = store_location(folder)
    exokg("build", "--out", folder)  # the next writer removes what killed ones left
    # one version, and what is kept beside it (its --graph check marker)
    assert {p.name.split(".")[0] for p in (folder / ".store").iterdir()} == {store_location(folder).name}


def test_concurrent_readers_while_the_store_is_replaced(folder):
    args = [sys.executable, "-m", "graph.cli", "resistance", "--drug", "cisplatin", "--format", "json",
            "--graph", str(folder)]
    expected = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    writer = subprocess.Popen([sys.executable, "-m", "graph.cli", "build", "--out", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _round in range(3):
        readers = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        for reader in readers:
            out, err = reader.communicate(timeout=120)
            assert reader.returncode == 0, err
            assert out == expected
    assert writer.wait(timeout=300) == 0, writer.stderr.read()


def test_corrupt_store_is_a_one_line_error(folder, capsys):
    (store_location(folder) / "CURRENT").write_text("garbage\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "resistance", "--drug", "cisplatin", "--graph", str(folder))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err
    assert "not a readable Oxigraph store" in err and f"exokg build --out {folder}" in err


def test_foreign_store_is_a_one_line_error(tmp_path, capsys):
    foreign = tmp_path / "theirs"
    foreign.mkdir()
    other = ox.Store(str(foreign / "store"))
    other.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o")))
    other.flush()
    del other
    code, _, err = run_cli(capsys, "find", "cisplatin", "--graph", str(foreign))
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "not one written by ExoKG" in err
    with pytest.raises(StoreError):
        open_store(foreign / "store")


def test_old_build_folder_without_a_store_says_how_to_fix_it(tmp_path, built_dir):
    old = tmp_path / "old"
    old.mkdir()
    shutil.copyfile(built_dir / "exokg.nt", old / "exokg.nt")
    with pytest.raises(GraphNotFoundError, match="built by an older ExoKG. Fix: run `exokg build --out"):
        open_store(old)
    assert open_store(old / "exokg.nt") is not None  # the file itself still works


LEAN_COMMANDS = [
    ["resistance", "--drug", "cisplatin"], ["biomarkers", "--cancer", "GC"], ["therapies"], ["show", "miR-522"],
    ["find", "CIS"], ["neighbors", "miR-522"], ["query", "resistance", "--param", "drug=cisplatin"],
    ["path", "circBIRC6", "oxaliplatin"], ["explain", "miR-522", "cisplatin", "--cancer", "GC"],
]
HEAVY = ("rdflib", "curies", "graph.build", "graph.curation", "graph.rdf", "pyshacl")
# A question answered by SPARQL alone (names resolved from the name index kept beside the store) needs
# neither the entity records (graph.view and the typed model), networkx, pickle or hashlib, nor the
# modules of other commands; only path and explain search the networkx projection.
NOT_FOR_SPARQL_QUESTIONS = ("graph.view", "graph.model", "graph.ontology", "graph.identifiers", "graph.projection",
                            "pickle", "hashlib", "importlib.resources", "shutil", "graph.commands.core")
SPARQL_QUESTIONS = {"resistance", "biomarkers", "therapies", "query", "show"}  # show: the name index, one brief


def not_imported_by(command: str) -> tuple[str, ...]:
    return (HEAVY + ("networkx",) * (command not in ("path", "explain"))
            + NOT_FOR_SPARQL_QUESTIONS * (command in SPARQL_QUESTIONS))


@pytest.mark.parametrize("args", LEAN_COMMANDS, ids=lambda a: a[0])
def test_read_only_commands_start_lean(built_dir, args):
    """They answer from the store without importing rdflib, curies or the build pipeline, and (once
    a first command has kept the name index and the graph check beside the store version) each
    imports only what its answer needs (issue 14, lean start)."""
    exokg(*args, "--graph", built_dir)  # the first command on a store version keeps what the next ones read
    forbidden = not_imported_by(args[0])
    probe = ("import sys\nfrom graph.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as stop:\n"
             "    assert not stop.code, stop.code\n"
             f"print('LOADED', sorted(m for m in {forbidden!r} if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, *args, "--graph", str(built_dir)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()  # it answered
    assert "LOADED []" in done.stderr


def test_a_card_reads_the_same_entity_as_the_records_without_loading_them(built_dir):
    """`exokg show` reads its entity from the name index and the briefs kept beside the store
    version: for every entity, by key and by CURIE, what the full records say."""
    from graph.entities import EntityBrief, _entity_index, resolve_brief
    from graph.store import store_stamp

    records = _entity_index(store_stamp(built_dir), str(built_dir)).records
    assert len(records) > 100
    for record in records:
        expected = EntityBrief(*(getattr(record, field) for field in EntityBrief._fields))
        brief = resolve_brief(record.key, built_dir)
        assert isinstance(brief, EntityBrief) and brief == expected
        if record.curie and sum(r.curie == record.curie for r in records) == 1:
            assert resolve_brief(record.curie, built_dir) == expected
    # where the index cannot be written beside the store, the same lookups run on the records in memory
    from graph.entities import _MemoryShards, _name_shards

    on_disk, in_memory = _name_shards(store_stamp(built_dir), str(built_dir)), _MemoryShards(_entity_index(
        store_stamp(built_dir), str(built_dir)))
    for name in [n for r in records for n in (r.key, r.label, r.iri, *r.synonyms)] + ["GC", "PC", "no such"]:
        assert on_disk.candidates(name) == in_memory.candidates(name), name


def test_entity_index_and_projection_are_kept_beside_their_store_version(folder):
    from graph.entities import _entity_index
    from graph.view import read_view

    from graph.entities import entity_index
    from graph.projection import projection

    projection(folder), entity_index(folder)  # path reads its own index now; these are still kept for the API
    version = store_location(folder)
    kept = sorted(p.name.split(".", 1)[1].split("-")[0] for p in version.parent.glob(version.name + ".*.pickle"))
    assert kept == ["entities", "projection"]
    cached = pickle.loads(next(version.parent.glob(version.name + ".projection-*.pickle")).read_bytes())
    fresh = read_view(open_store(str(version))).to_networkx()
    assert sorted(cached.edges(keys=True, data=True), key=repr) == sorted(fresh.edges(keys=True, data=True), key=repr)
    assert dict(cached.nodes(data=True)) == dict(fresh.nodes(data=True))
    assert len(_entity_index(str(version))) == len(fresh)
    exokg("build", "--out", folder)  # a new version: the old one's files go with it
    assert not list(version.parent.glob(version.name + "*"))
    exokg("path", "circBIRC6", "oxaliplatin", "--graph", folder)  # path keeps its own index beside the new version
    assert len(list(store_location(folder).parent.glob(store_location(folder).name + ".paths-*.sqlite"))) == 1
