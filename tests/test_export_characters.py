"""Every writer against awkward characters put straight into the graph (bypassing curation, which
refuses them): line and paragraph separators, C0 and C1 controls, NUL, DEL, noncharacters and a
lone surrogate in a label and a curator summary. Each output either parses back (pyoxigraph,
rapper, networkx, json, csv) with the value unchanged, or the writer refuses with one
ExportError naming the code point; a refused export writes nothing."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from graph.build import build_graph, to_ntriples
from graph.export import FORMATS, ExportError, ExportSource, export, from_graph, render
from graph.export.csvfiles import recover
from graph.export.source import normalised
from graph.vocab import ASSERTION, EXO

from .conftest import require_tool, run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
ALOX15 = URIRef("https://identifiers.org/hgnc:433")
STATEMENT = ASSERTION["3.1-002"]

CARRIED = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\x01", "\x7f", "\x9f",
           "\r", "\n", "\t"]
NEVER_WRITTEN = ["\x00", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\ud800"]
XML_CANNOT = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"}
TSV_CANNOT = {"\t", "\r", "\n"}  # KGX TSV is unquoted: it has no way to hold these (already refused)
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
              "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml", "trig": "trig", "nquads": "nquads"}


@pytest.fixture(scope="module")
def minimal_graph():
    graph, _ = build_graph(MINIMAL)
    assert graph.value(ALOX15, RDFS.label) == Literal("ALOX15")
    assert graph.value(STATEMENT, EXO.curatorSummary) is not None
    return graph


def injected(graph, char: str):
    """A copy of ``graph`` whose ALOX15 label and one curator summary hold ``char``."""
    copy = graph.__class__()
    for triple in graph:
        copy.add(triple)
    label, summary = f"ALOX{char}15", f"Exosomal miR-522{char}represses ALOX15."
    copy.set((ALOX15, RDFS.label, Literal(label)))
    copy.set((STATEMENT, EXO.curatorSummary, Literal(summary)))
    return copy, label, summary


def data_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not name.endswith("dataset.ttl")}


def read_back(name: str, files: dict[str, bytes]) -> set[str]:
    """Every string value the files hold, read by a real parser of the format."""
    if name in OX_FORMATS:
        (data,) = files.values()
        return {q.object.value for q in ox.parse(data, format=OX_FORMATS[name]) if isinstance(q.object, ox.Literal)}
    if name == "graphml":
        (data,) = files.values()
        ET.fromstring(data)  # well-formed XML
        G = nx.read_graphml(io.BytesIO(data))
        return {str(v) for _, attrs in G.nodes(data=True) for v in attrs.values()} | {
            str(v) for *_, attrs in G.edges(data=True) for v in attrs.values()}
    if name == "cytoscape":
        (data,) = files.values()
        document = json.loads(data.decode("utf-8"))
        return {str(v) for group in document["elements"].values() for element in group
                for v in element["data"].values()}
    values = set()
    for data in files.values():
        text = data.decode("utf-8")
        if name == "kgx":  # unquoted TSV: one record per \n-terminated line
            rows = [line.split("\t") for line in text.split("\n")[:-1]]
        else:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        values |= {recover(cell) for row in rows[1:] for cell in row}
    return values


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("char", CARRIED, ids=[f"U+{ord(c):04X}" for c in CARRIED])
def test_every_format_carries_or_refuses_control_characters(minimal_graph, name, char):
    graph, label, summary = injected(minimal_graph, char)
    source = from_graph(graph)
    cannot = (name in ("rdfxml", "graphml") and char in XML_CANNOT) or (name == "kgx" and char in TSV_CANNOT)
    if cannot:
        with pytest.raises(ExportError, match=f"U\\+{ord(char):04X}"):
            render(name, source)
        return
    files = data_of(render(name, source))
    values = read_back(name, files)
    assert label in values and summary in values
    if name in ("ntriples", "nquads", "turtle", "trig", "jsonld", "cytoscape"):
        (data,) = files.values()
        text = data.decode("utf-8")
        # no character a line splitter would break on is left raw: splitlines() == split("\n")
        assert text.splitlines() == text.split("\n")[:-1]


RAPPER_CASES = [(name, char) for name in RAPPER_SYNTAX for char in ("\u2028", "\x85", "\x01", "\x0b", "\x1e", "\r")
                if not (name == "rdfxml" and char in XML_CANNOT)]  # XML cannot hold those: refused (above)


@pytest.mark.parametrize("name,char", RAPPER_CASES, ids=[f"{n}-U+{ord(c):04X}" for n, c in RAPPER_CASES])
def test_rapper_reads_the_same_value_back(minimal_graph, tmp_path, name, char):
    rapper = require_tool("rapper", "an independent RDF parser (Debian: raptor2-utils)")
    graph, label, _ = injected(minimal_graph, char)
    (data,) = data_of(render(name, from_graph(graph))).values()
    path = tmp_path / f"g.{name}"
    path.write_bytes(data)
    run = subprocess.run([rapper, "-q", "-i", RAPPER_SYNTAX[name], "-o", "ntriples", str(path), "http://base/"],
                         capture_output=True)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    values = {q.object.value for q in ox.parse(run.stdout, format=ox.RdfFormat.N_TRIPLES)
              if isinstance(q.object, ox.Literal)}
    assert label in values


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("char", NEVER_WRITTEN, ids=[f"U+{ord(c):04X}" for c in NEVER_WRITTEN])
def test_noncharacters_and_lone_surrogates_are_refused_by_every_writer(minimal_graph, tmp_path, name, char):
    graph, _, _ = injected(minimal_graph, char)
    out = tmp_path / "out"
    source = ExportSource(graph=normalised(graph), version="0.0.0", issued=None, origin="test")
    with pytest.raises(ExportError, match=f"U\\+{ord(char):04X}.*Fix: ") as info:
        export(name, out / FORMATS[name].default_out(), source)
    assert "\n" not in str(info.value)
    assert not out.exists()
    with pytest.raises(ExportError, match=f"U\\+{ord(char):04X}"):
        from_graph(graph)  # its content version is a digest of the N-Triples


def test_build_and_later_commands_read_an_ntriples_file_with_separators(minimal_graph, tmp_path, capsys):
    """The reported bug: N-Triples split on U+2028 broke every later command."""
    graph, label, summary = injected(minimal_graph, "\u2028\x85\x0c")
    path = tmp_path / "g.nt"
    path.write_bytes(to_ntriples(graph))
    code, out, err = run_cli(capsys, "export", "--format", "ntriples", "--graph", str(path),
                             "--out", str(tmp_path / "again.nt"))
    assert code == 0, err
    again = (tmp_path / "again.nt").read_bytes()
    assert again == path.read_bytes()
    values = {q.object.value for q in ox.parse(again, format=ox.RdfFormat.N_TRIPLES)
              if isinstance(q.object, ox.Literal)}
    assert {label, summary} <= values


FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@SUM(A1:A9)", "'quoted", "=HYPERLINK(\"http://127.0.0.1\")"]


@pytest.mark.parametrize("name", ["csv", "kgx", "neo4j"])
def test_spreadsheet_formulas_are_neutralised_and_recoverable(minimal_graph, name):
    for formula in FORMULAS:
        graph, label, summary = injected(minimal_graph, "")
        graph.set((ALOX15, RDFS.label, Literal(formula)))
        graph.set((STATEMENT, EXO.curatorSummary, Literal(formula + " in a summary")))
        files = data_of(render(name, from_graph(graph)))
        cells = []
        for data in files.values():
            text = data.decode("utf-8")
            rows = ([line.split("\t") for line in text.split("\n")[:-1]] if name == "kgx"
                    else list(csv.reader(io.StringIO(text, newline=""))))
            cells += [cell for row in rows[1:] for cell in row]
        # what a spreadsheet would run: a cell starting with = + - @ that is not a plain number
        runnable = [c for c in cells if c[:1] in ("=", "+", "-", "@") and not c.lstrip("-").isdigit()]
        assert not runnable, runnable
        assert "-1" in cells  # a negative sign stays a number (Neo4j's sign:int, Gephi's numeric column)
        recovered = {recover(c) for c in cells}
        assert {formula, formula + " in a summary"} <= recovered
        assert "'" + formula in cells
