"""A foreign or partial graph given to --graph gets the same one-line error from every command.

Every command that takes --graph (found in graph.cli.COMMAND_MODULES, not listed by hand) is
given files that are not ExoKG graphs (binary, JSON, HTML, empty, Turtle of another vocabulary)
and copies of a small real build with one assertion field removed or broken. Each run must exit
non-zero with exactly one ``error: ... Fix: ...`` line, no traceback, and write nothing.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from graph.build import build
from graph.cli import COMMAND_MODULES
from graph.errors import GraphContentError
from graph.export import export
from graph.projection import projection

from .conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXO = "https://w3id.org/exokg/ontology/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ASSERTION = "<https://w3id.org/exokg/assertion/3.1-002>"

# Arguments each command needs besides --graph; OUT is replaced by a fresh folder for outputs.
ARGS = {
    "validate": [], "stats": [], "find": ["miR"], "show": ["miR-522"], "resistance": [], "biomarkers": [],
    "therapies": [], "neighbors": ["miR-522"], "query": ["SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    "serve": ["--port", "0"], "push": ["--endpoint", "http://127.0.0.1:9/store"],
    "path": ["miR-522", "ALOX15"], "explain": ["miR-522", "chemotherapy", "--html", "OUT/paths.html"],
    "viz": ["-o", "OUT/page.html"], "export": ["--format", "csv", "--out", "OUT/csv"],
    "load": [str(Path(__file__).resolve().parents[1] / "ontology" / "exokg.ttl")],
    "import": ["mirtarbase", str(Path(__file__).parent / "fixtures" / "ingest" / "mirtarbase_mti_synthetic.csv")],
    "support": [],
}

FOREIGN = {
    "binary.nt": bytes(range(256)) * 4,
    "data.ttl": b'{"@context": {}, "nodes": [1, 2, 3]}\n',
    "page.ttl": b"<!doctype html><html><body><p>not a graph</p></body></html>\n",
    "empty.nt": b"",
    "foaf.ttl": b"@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://example.org/a> a foaf:Person ; foaf:name \"A\" .\n",
}


def graph_commands() -> list[str]:
    names = []
    for name, module in sorted(COMMAND_MODULES.items()):
        commands = {c.name: c for c in importlib.import_module(f"graph.commands.{module}").COMMANDS}
        if any("--graph" in p.opts for p in commands[name].params):
            names.append(name)
    return names


@pytest.fixture(scope="module")
def triples(tmp_path_factory) -> list[str]:
    """The N-Triples lines of the minimal fixture's build."""
    out = build(tmp_path_factory.mktemp("minimal"), MINIMAL).out_dir
    return (out / "exokg.nt").read_text(encoding="utf-8").splitlines()


def without(lines: list[str], predicate: str) -> list[str]:
    kept = [line for line in lines if not line.startswith(f"{ASSERTION} <{predicate}> ")]
    assert len(kept) == len(lines) - 1, predicate
    return kept


def replaced(lines: list[str], predicate: str, value: str) -> list[str]:
    return without(lines, predicate) + [f"{ASSERTION} <{predicate}> {value} ."]


PARTIAL = {
    "no section": lambda lines: without(lines, EXO + "section"),
    "no summary": lambda lines: without(lines, EXO + "curatorSummary"),
    "no subject": lambda lines: without(lines, RDF + "subject"),
    "no predicate": lambda lines: without(lines, RDF + "predicate"),
    "no object": lambda lines: without(lines, RDF + "object"),
    "unknown predicate": lambda lines: replaced(lines, RDF + "predicate", f"<{EXO}noSuchRelation>"),
    "unknown section": lambda lines: replaced(lines, EXO + "section", "<https://example.org/section/9.9>"),
    "subject not an entity": lambda lines: replaced(lines, RDF + "subject", "<https://example.org/nobody>"),
    "tableRow not an integer": lambda lines: lines + [f'{ASSERTION} <{EXO}tableRow> "two"^^<{XSD}integer> .'],
    "tableRow a plain string": lambda lines: lines + [f'{ASSERTION} <{EXO}tableRow> "2" .'],
}


def write_partial(tmp_path: Path, triples: list[str], case: str) -> Path:
    path = tmp_path / "partial.nt"
    path.write_text("\n".join(PARTIAL[case](triples)) + "\n", encoding="utf-8")
    return path


def assert_one_clean_error(graph: Path, tmp_path: Path, capsys) -> None:
    for command in graph_commands():
        out = tmp_path / f"out-{command}"
        out.mkdir()
        args = [a.replace("OUT", str(out)) for a in ARGS[command]]
        code, stdout, stderr = run_cli(capsys, command, *args, "--graph", str(graph))
        lines = stderr.splitlines()
        assert code != 0, (command, stdout, stderr)
        assert "Traceback" not in stderr, (command, stderr)
        assert len(lines) == 1 and re.match(r"^error: .+ Fix: .+", lines[0]), (command, stderr)
        assert str(graph) in lines[0], (command, lines[0])
        assert list(out.iterdir()) == [], (command, "wrote output")


def test_every_command_with_a_graph_option_has_arguments_here():
    assert set(graph_commands()) == set(ARGS)


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_a_foreign_file_is_one_line_error_in_every_command(name, tmp_path, capsys):
    graph = tmp_path / name
    graph.write_bytes(FOREIGN[name])
    assert_one_clean_error(graph, tmp_path, capsys)


@pytest.mark.parametrize("case", sorted(PARTIAL))
def test_a_partial_graph_is_one_line_error_in_every_command(case, triples, tmp_path, capsys):
    assert_one_clean_error(write_partial(tmp_path, triples, case), tmp_path, capsys)


def test_the_intact_small_graph_is_accepted(triples, tmp_path, capsys):
    """The control: the same file with nothing removed runs (so the errors above are about the damage)."""
    graph = tmp_path / "whole.nt"
    graph.write_text("\n".join(triples) + "\n", encoding="utf-8")
    code, stdout, stderr = run_cli(capsys, "stats", "--graph", str(graph))
    assert code == 0 and stderr == "" and "Statements per" in stdout
    assert projection(graph).number_of_edges() == sum(f"<{RDF}type> <{EXO}Assertion>" in t for t in triples)


@pytest.mark.parametrize("case,message", [
    ("no section", r"assertion <https://w3id.org/exokg/assertion/3.1-002> has 0 exo:section values"),
    ("unknown predicate", r"asserts <https://w3id.org/exokg/ontology/noSuchRelation>, which is not a relation"),
    ("tableRow not an integer", r'has exo:tableRow "two", which is not a valid xsd:integer'),
    ("tableRow a plain string", r"has exo:tableRow \"2\"(\^\^<[^>]+>)?, which is not an xsd:integer"),
    ("no summary", r"has 0 exo:curatorSummary values, expected one"),
])
def test_the_library_raises_one_error_class_naming_file_and_assertion(case, message, triples, tmp_path):
    graph = write_partial(tmp_path, triples, case)
    with pytest.raises(GraphContentError, match=rf"^{re.escape(str(graph))}: .*{message}.*\. Fix: "):
        projection(graph)
    with pytest.raises(GraphContentError, match=message):
        export("graphml", tmp_path / "out.graphml", graph)
    assert not (tmp_path / "out.graphml").exists()
