"""find, show, resistance, biomarkers, therapies, neighbors: library functions and commands.

Facts asserted here are ones the review states plainly (CAF exosomal miR-522 targets ALOX15 in
gastric cancer; circBIRC6 confers oxaliplatin resistance in PDAC; cisplatin resistance in gastric
cancer). They are read from the curated tables, which grow while curation goes on.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from graph import competency as C
from graph.errors import ResolutionError
from graph.query import ParameterError

from .test_query import cli

EVIDENCE = ("section", "table_row", "references")


def assert_evidence(rows: list[dict]) -> None:
    for row in rows:
        assert set(EVIDENCE) <= set(row), row
        assert row["section"], row
        assert isinstance(row["references"], list) and all(isinstance(n, int) for n in row["references"])
        assert row["table_row"] is None or isinstance(row["table_row"], int)
        if row["section"] == "T1":
            assert row["table_row"], row


# ---------------------------------------------------------------- curated facts


def test_caf_exosomal_mir522_targets_alox15_in_gastric_cancer(graph_file):
    rows = C.neighbors("miR-522", relations=["targets"], source=graph_file)
    assert [(r["to"], r["direction"]) for r in rows] == [("ALOX15", "out")]
    assert "cancerType=gastric cancer" in rows[0]["context"]
    assert_evidence(rows)
    donors = C.resistance(agent="CAF", cancer="gastric cancer", source=graph_file)
    assert any(r["agent"] == "miR-522" and "cancer-associated fibroblast" in r["donor_cell"] for r in donors)


def test_circbirc6_confers_oxaliplatin_resistance_in_pdac(graph_file):
    rows = C.resistance(agent="circBIRC6", source=graph_file)
    hits = [r for r in rows if r["effect"] == "confers" and "oxaliplatin" in r["drug"]]
    assert hits and all("pancreatic ductal adenocarcinoma" in r["cancer"] for r in hits)
    assert any(r["section"] == "T1" and r["table_row"] for r in hits)
    assert 66 in {n for r in hits for n in r["references"]}
    assert_evidence(rows)


def test_cisplatin_resistance_in_gastric_cancer(graph_file):
    rows = C.resistance(drug="cisplatin", cancer="GC", source=graph_file)
    assert rows and all("gastric cancer" in r["cancer"] for r in rows)
    assert all("cisplatin" in r["drug"] for r in rows)
    assert_evidence(rows)


def test_a_cancer_includes_its_subtypes(graph_file):
    pancreatic = {r["statement"] for r in C.resistance(cancer="pancreatic cancer", source=graph_file)}
    pdac = {r["statement"] for r in C.resistance(cancer="PDAC", source=graph_file)}
    assert pdac and pdac <= pancreatic
    lung = C.resistance(cancer="lung cancer", source=graph_file)
    nsclc = C.resistance(cancer="NSCLC", source=graph_file)
    assert nsclc and {r["statement"] for r in nsclc} <= {r["statement"] for r in lung}
    colorectal = C.biomarkers(cancer="colorectal cancer", source=graph_file)
    assert any(cancer != "colorectal cancer" for r in colorectal for cancer in r["cancer"][:1])


def test_effect_filter_splits_confers_and_reverses(graph_file):
    both = C.resistance(drug="cisplatin", source=graph_file)
    confers = C.resistance(drug="cisplatin", effect="confers", source=graph_file)
    reverses = C.resistance(drug="cisplatin", effect="reverses", source=graph_file)
    assert confers and reverses
    assert {r["effect"] for r in confers} == {"confers"} and {r["effect"] for r in reverses} == {"reverses"}
    assert len(confers) + len(reverses) == len(both)
    with pytest.raises(ParameterError):
        C.resistance(effect="causes", source=graph_file)


# ---------------------------------------------------------------- biomarkers and therapies


def test_biomarkers_by_type_and_fluid(graph_file):
    mirnas = C.biomarkers(type="miRNA", source=graph_file)
    assert mirnas and {r["type"] for r in mirnas} == {"MicroRNA"}
    ncrnas = C.biomarkers(type="ncRNA", source=graph_file)
    assert {r["statement"] for r in mirnas} < {r["statement"] for r in ncrnas}
    serum = C.biomarkers(fluid="serum", source=graph_file)
    assert serum and all("blood serum" in r["fluid"] for r in serum)
    assert_evidence(mirnas + serum)
    with pytest.raises(ParameterError):
        C.biomarkers(type="sugar", source=graph_file)


def test_therapies_are_exosome_based_and_never_confer_resistance(graph_file):
    rows = C.therapies(source=graph_file)
    assert rows
    assert {r["therapy_type"] for r in rows} <= {"ExosomePreparation", "Therapy"}
    therapies = {r["therapy"] for r in rows}
    conferring = {r["agent"] for r in C.resistance(effect="confers", source=graph_file)}
    assert not therapies & conferring
    assert "derivedFrom" not in {r["relation"] for r in rows}
    dox = C.therapies(drug="doxorubicin", source=graph_file)
    assert dox and any(r["relation"] == "delivers" and r["target"] == "doxorubicin" for r in dox)
    assert_evidence(rows)


# ---------------------------------------------------------------- find, show, neighbors


def test_find_matches_synonyms_with_evidence(graph_file):
    rows = C.find("p-gp", graph_file)
    assert rows[0]["key"] == "ABCB1" and rows[0]["curie"] == "hgnc:40"
    assert rows[0]["statements"] > 0 and rows[0]["sections"] and rows[0]["references"]
    assert C.find("zzzz-nothing", graph_file) == []
    only = C.find("mir-21", graph_file, types=("MicroRNA",))
    assert only and {r["type"] for r in only} == {"MicroRNA"}
    with pytest.raises(ParameterError):
        C.find("  ", graph_file)


def test_show_gives_identifiers_and_every_statement(graph_file):
    card = C.show("P-glycoprotein", graph_file)
    entity = card["entity"]
    assert (entity["key"], entity["curie"], entity["iri"]) == ("ABCB1", "hgnc:40", "https://identifiers.org/hgnc:40")
    assert "P-gp" in entity["synonyms"]
    roles = {s["role"] for s in card["statements"]}
    assert "subject" in roles
    assert_evidence(card["statements"])
    gastric = C.show("gastric cancer", graph_file)
    assert any(s["role"] == "context: cancerType" for s in gastric["statements"])
    assert "stomach cancer" in gastric["entity"]["synonyms"]


def test_ambiguous_name_lists_candidates(tmp_path):
    graph = tmp_path / "tiny.ttl"
    graph.write_text("""
@prefix exo: <https://w3id.org/exokg/ontology/> . @prefix exoe: <https://w3id.org/exokg/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
exoe:a a exo:Drug ; rdfs:label "drug a" ; exo:curationKey "a" ; exo:isMapped false ; skos:altLabel "AB" .
exoe:b a exo:Drug ; rdfs:label "drug b" ; exo:curationKey "b" ; exo:isMapped false ; skos:altLabel "AB" .
""")
    with pytest.raises(ResolutionError, match=r"'AB' is ambiguous: drug a .*drug b"):
        C.show("AB", graph)
    with pytest.raises(ResolutionError, match="no entity matches 'zz'"):
        C.neighbors("zz", source=graph)


def test_question_names_resolve_from_the_name_index_as_from_the_entity_index(graph_file, tmp_path):
    """Question commands resolve names from the name index kept beside the store version, without
    loading the entities: every key, label, synonym, CURIE and IRI of the graph (and upper-cased)
    means there the entity the entity index picks, and what it cannot resolve fails with the same
    message (none, several, wrong type)."""
    from graph.entities import entity_index, resolve_iri

    index = entity_index(graph_file)
    names = {n for r in index.records for n in (r.key, r.label, r.iri, *r.synonyms, *([r.curie] if r.curie else []))}
    names |= {n.upper() for n in names} | {"no such entity", "PC"}
    cancers = {r.label for r in index.records if r.type == "CancerType"} | {"PC", "GC", "cisplatin"}
    failed = 0
    for name, types in [(n, None) for n in sorted(names)] + [(n, ("CancerType",)) for n in sorted(cancers)]:
        try:
            expected = index.resolve(name, types).iri
        except ResolutionError as err:
            failed += 1
            with pytest.raises(ResolutionError) as got:
                resolve_iri(name, graph_file, types)
            assert str(got.value) == str(err)
        else:
            assert resolve_iri(name, graph_file, types) == expected, name
    assert failed and len(names) > 1000
    tiny = tmp_path / "tiny.ttl"
    tiny.write_text("""
@prefix exo: <https://w3id.org/exokg/ontology/> . @prefix exoe: <https://w3id.org/exokg/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
exoe:a a exo:Drug ; rdfs:label "drug a" ; exo:curationKey "a" ; exo:isMapped false ; skos:altLabel "AB" .
exoe:b a exo:CellLine ; rdfs:label "line b" ; exo:curationKey "b" ; exo:isMapped false ; skos:altLabel "AB" .
""")
    with pytest.raises(ResolutionError, match=r"'AB' is ambiguous: drug a .*line b"):
        resolve_iri("AB", tiny)
    assert resolve_iri("AB", tiny, ("CellLine",)) == "https://w3id.org/exokg/entity/b"


def test_neighbors_walks_breadth_first_once_per_statement(graph_file):
    one = C.neighbors("circBIRC6", source=graph_file)
    two = C.neighbors("circBIRC6", hops=2, source=graph_file)
    assert one and {r["hop"] for r in one} == {1}
    assert len(two) > len(one) and {r["hop"] for r in two} == {1, 2}
    statements = [r["statement"] for r in two]
    assert len(statements) == len(set(statements))
    assert [r for r in two if r["hop"] == 1] == one
    only = C.neighbors("ABCB1", relations=["transports"], source=graph_file)
    assert only and {r["relation"] for r in only} == {"transports"}
    assert_evidence(two)
    with pytest.raises(ParameterError):
        C.neighbors("ABCB1", hops=0, source=graph_file)
    with pytest.raises(ParameterError, match="unknown relation"):
        C.neighbors("ABCB1", relations=["eats"], source=graph_file)


# ---------------------------------------------------------------- the commands


COMMANDS = [
    (["find", "P-gp"], C.FIND_COLUMNS),
    (["resistance", "--drug", "oxaliplatin"], C.RESISTANCE_COLUMNS),
    (["biomarkers", "--cancer", "colorectal cancer", "--type", "miRNA"], C.BIOMARKER_COLUMNS),
    (["therapies", "--drug", "doxorubicin"], C.THERAPY_COLUMNS),
    (["neighbors", "circBIRC6", "--hops", "2"], C.NEIGHBOR_COLUMNS),
    (["show", "ALOX15"], C.STATEMENT_COLUMNS),
]


@pytest.mark.parametrize("args, columns", COMMANDS, ids=[a[0] for a, _ in COMMANDS])
def test_commands_in_every_format(capsys, graph_file, args, columns):
    args = [*args, "--graph", str(graph_file)]
    code, table, err = cli(capsys, *args)
    assert code == 0, err
    assert table.strip()
    code, out, _ = cli(capsys, *args, "--format", "json")
    data = json.loads(out)
    rows = data["statements"] if args[0] == "show" else data
    assert rows and set(columns) <= set(rows[0])
    if "section" in columns:
        assert_evidence(rows)
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        code, out, _ = cli(capsys, *args, "--format", fmt)
        parsed = list(csv.reader(io.StringIO(out), delimiter=delimiter))
        assert parsed[0] == columns and len(parsed) == len(rows) + 1


def test_show_table_is_a_card(capsys, graph_file):
    code, out, _ = cli(capsys, "show", "P-gp", "--graph", str(graph_file))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "ABCB1 (GeneOrProtein)"
    assert any(line.split() == ["CURIE", "hgnc:40"] for line in lines)
    assert any(line.startswith("Statements from the review (") for line in lines)


@pytest.mark.parametrize("args, pattern", [
    (["resistance", "--drug", "gastric cancer"], "no entity of type Drug matches 'gastric cancer'"),
    (["resistance", "--effect", "causes"], "Invalid value for '--effect'"),
    (["biomarkers", "--fluid", "cisplatin"], "no entity of type BodyFluid matches"),
    (["neighbors", "ABCB1", "--hops", "9"], "Invalid value for '--hops'"),
    (["neighbors", "ABCB1", "--relation", "eats"], "unknown relation 'eats'"),
    (["show", "no-such-entity-anywhere"], "no entity matches"),
    (["find", "x", "--type", "Planet"], "--type: unknown entity type 'Planet'. Fix: use one of BiologicalProcess"),
])
def test_command_errors_are_one_line(capsys, graph_file, args, pattern):
    code, out, err = cli(capsys, *args, "--graph", str(graph_file))
    assert code != 0
    assert pattern in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith(("error", "Error"))]) == 1


def test_find_type_takes_the_class_name_or_its_label(capsys, graph_file):
    answers = [cli(capsys, "find", "miR-21", "--type", spelling, "--format", "json", "--graph", str(graph_file))
               for spelling in ("MicroRNA", "microRNA", "micro RNA")]
    assert all(code == 0 for code, _, _ in answers)
    rows = json.loads(answers[0][1])
    assert rows and all(row["type"] == "MicroRNA" for row in rows)
    assert all(json.loads(out) == rows for _, out, _ in answers[1:])


def test_no_match_is_an_empty_answer_not_an_error(capsys, graph_file):
    code, out, _ = cli(capsys, "find", "zzzz-nothing", "--graph", str(graph_file))
    assert code == 0 and "no entity matches" in out
    code, out, _ = cli(capsys, "find", "zzzz-nothing", "--format", "json", "--graph", str(graph_file))
    assert json.loads(out) == []
