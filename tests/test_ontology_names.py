"""One way to read a relation or entity-type name (Ontology.relation_named / class_named), and the
three commands that take one (`exokg path`, `exokg viz`, `exokg query --param`) all reading it."""
from __future__ import annotations

import json
import os

import pyoxigraph as ox
import pytest

from graph import viz
from graph.entities import normalize_name as entities_normalize_name
from graph.errors import OntologyNameError, ResolutionError
from graph.ontology import Ontology, Relation, load_ontology
from graph.projection import projection
from graph.query import ParameterError, named_query
from graph.terms import normalize_name
from graph.vocab import EXO

from .conftest import run_cli
from .test_paths import exits_with_one_line

ONTOLOGY = load_ontology()
EXO_NS = str(EXO._NS)


# ---------------------------------------------------------------- the spellings of before, as oracles

def old_query_relation(text):
    """graph.query.coerce (relation) before: case-insensitive name or label, optional exo:."""
    name = text.strip().removeprefix("exo:")
    by_folded = {r.casefold(): r for r in ONTOLOGY.relations} | {
        rel.label.casefold(): r for r, rel in ONTOLOGY.relations.items()}
    return by_folded.get(name.casefold())


def old_query_class(text):
    """graph.query.coerce (class) before: case-insensitive name of any class, optional exo:."""
    name = text.strip().removeprefix("exo:")
    return {c.casefold(): c for c in ONTOLOGY.classes}.get(name.casefold())


def old_viz(text, names):
    """graph.viz before: normalised name or label."""
    for name, label in names.items():
        if normalize_name(text) in (normalize_name(name), normalize_name(label)):
            return name
    return None


def old_paths(text, names):
    """graph.commands.paths before: case-insensitive name only."""
    return {n.casefold(): n for n in names}.get(text.strip().casefold())


RELATION_LABELS = {name: r.label for name, r in ONTOLOGY.relations.items()}
ENTITY_LABELS = {c: ONTOLOGY.class_labels[c] for c in ONTOLOGY.entity_classes}


def spellings(names: dict[str, str]) -> set[str]:
    """Many ways to write every name and label: cases, separators, prefixes, padding."""
    out = set()
    for name, label in names.items():
        for base in (name, label):
            for cased in (base, base.upper(), base.lower(), base.title(), base.swapcase()):
                out |= {cased, f"  {cased} ", "exo:" + cased, cased.replace(" ", "_"), cased.replace(" ", "-"),
                        cased.replace(" ", ""), cased.replace("-", " ")}
    return out | {"", " ", "exo:", "causes", "Gene", "exo:exo:targets", "targetsX"}


def test_no_spelling_accepted_before_is_lost():
    """Every spelling one of the three old matchers accepted still means the same term."""
    checked = 0
    for text in sorted(spellings(RELATION_LABELS)):
        before = {old_query_relation(text), old_viz(text, RELATION_LABELS), old_paths(text, RELATION_LABELS)} - {None}
        assert len(before) <= 1, text
        if before:
            assert ONTOLOGY.relation_named(text) == before.pop(), text
            checked += 1
    for text in sorted(spellings(ENTITY_LABELS)):
        before = {old_viz(text, ENTITY_LABELS), old_paths(text, ENTITY_LABELS)} - {None}
        if before:
            assert ONTOLOGY.class_named(text, entity_only=True) == before.pop(), text
            checked += 1
    all_labels = {c: ONTOLOGY.class_labels.get(c, c) for c in ONTOLOGY.classes}
    for text in sorted(spellings(all_labels)):
        before = old_query_class(text)
        if before:
            assert ONTOLOGY.class_named(text) == before, text
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("name", sorted(ONTOLOGY.relations))
def test_every_relation_by_name_label_iri_and_any_case(name):
    label = ONTOLOGY.relations[name].label
    for text in (name, label, label.upper(), name.lower(), f"exo:{name}", f"<{EXO_NS}{name}>", f"{EXO_NS}{name}",
                 label.replace(" ", "_"), f"  {label}  "):
        assert ONTOLOGY.relation_named(text) == name, text


@pytest.mark.parametrize("name", sorted(ONTOLOGY.classes))
def test_every_class_by_name_and_label(name):
    label = ONTOLOGY.class_labels[name]
    for text in (name, label, label.upper(), label.replace(" ", ""), f"exo:{name}", name.casefold()):
        assert ONTOLOGY.class_named(text) == name, text
        if name in ONTOLOGY.entity_classes:
            assert ONTOLOGY.class_named(text, entity_only=True) == name, text


def test_unknown_names_list_the_choices():
    with pytest.raises(OntologyNameError) as caught:
        ONTOLOGY.relation_named("causes")
    err = caught.value
    assert isinstance(err, ResolutionError)
    assert str(err) == f"unknown relation 'causes'. Fix: use one of {', '.join(sorted(ONTOLOGY.relations))}"
    assert err.choices == sorted(ONTOLOGY.relations) and err.problem == "unknown relation 'causes'"
    with pytest.raises(OntologyNameError, match="^unknown entity type 'Section'. Fix: use one of BiologicalProcess, "):
        ONTOLOGY.class_named("Section", entity_only=True)
    assert ONTOLOGY.class_named("Section") == "Section"  # a class, though no entity type
    with pytest.raises(OntologyNameError, match="^unknown class 'Gene'. Fix: use one of Assertion, "):
        ONTOLOGY.class_named("Gene")
    for blank in ("", "  ", "exo:", "--"):
        with pytest.raises(OntologyNameError, match="unknown relation"):
            ONTOLOGY.relation_named(blank)


def relation(name, label):
    return Relation(name=name, uri=EXO_NS + name, label=label, definition="", sign=0, domain=frozenset(),
                    range=frozenset(), symmetric=False, exact_matches=(), close_matches=())


def test_a_spelling_of_two_terms_is_an_error_listing_both():
    ontology = Ontology(version="test",
                        classes={"Entity": frozenset({"Entity"}), "CellLine": frozenset({"CellLine", "Entity"}),
                                 "Cell_Line": frozenset({"Cell_Line", "Entity"})},
                        class_labels={"Entity": "entity", "CellLine": "cell line", "Cell_Line": "cell-line (old)"},
                        relations={"bindsTo": relation("bindsTo", "binds to"), "binds": relation("binds", "binds"),
                                   "targets": relation("targets", "binds-to")})
    with pytest.raises(OntologyNameError) as caught:
        ontology.relation_named("Binds_To")
    assert str(caught.value) == ("relation 'Binds_To' is ambiguous: bindsTo (binds to); targets (binds-to). "
                                 "Fix: use one of bindsTo, targets")
    assert caught.value.choices == ["bindsTo", "targets"]
    assert ontology.relation_named("BINDS TO") == "bindsTo"
    # an exact or a case-insensitive spelling decides before the looser one
    assert ontology.relation_named("binds to") == "bindsTo"
    assert ontology.relation_named("binds-to") == "targets"
    assert ontology.relation_named("Binds") == "binds"
    with pytest.raises(OntologyNameError, match=r"^entity type 'Cell  Line' is ambiguous: CellLine \(cell line\); "
                                                r"Cell_Line \(cell-line \(old\)\)\. Fix: use one of CellLine, Cell_Line$"):
        ontology.class_named("Cell  Line", entity_only=True)
    assert ontology.class_named("CellLine", entity_only=True) == "CellLine"


def test_entities_share_the_normaliser():
    assert entities_normalize_name is normalize_name
    assert normalize_name("NF-κB") == normalize_name("nf kappa b") == "nfkappab"
    assert normalize_name("TGF-β1") == "tgfbeta1" and normalize_name("miR-21-5p") == "mir215p"


# ---------------------------------------------------------------- exokg path

@pytest.fixture(scope="module")
def resistance_edge(built_dir):
    G = projection(built_dir)
    u, v = next((u, v) for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2])
                if d["relation"] == "confersResistanceTo")
    return G.nodes[u]["key"], G.nodes[v]["key"]


def test_path_relation_by_name_or_label(capsys, built_dir, resistance_edge):
    source, target = resistance_edge
    outputs = []
    for spelling in ("confersResistanceTo", "confers resistance to", "CONFERS_RESISTANCE_TO", "exo:confersResistanceTo",
                     "confers resistance to,targets", "targets, Confers Resistance To"):
        code, out, err = run_cli(capsys, "path", source, target, "--relation", spelling, "--graph", str(built_dir),
                                 "--format", "json")
        assert code == 0, err
        outputs.append(json.loads(out))
    assert outputs[0]["paths"] and all(o == outputs[0] for o in outputs[:4])
    assert {h["relation"] for p in outputs[0]["paths"] for h in p["hops"]} == {"confersResistanceTo"}


def test_path_types_by_name_or_label(capsys, built_dir):
    outputs = []
    for spelling in ("MicroRNA", "microRNA", "micro rna", "exo:MicroRNA"):
        code, out, err = run_cli(capsys, "path", "CAF", "cisplatin", "--include-type", spelling,
                                 "--graph", str(built_dir), "--format", "json")
        assert code == 0, err
        outputs.append(out)
    assert len(set(outputs)) == 1
    line = exits_with_one_line(capsys, "path", "CAF", "cisplatin", "--exclude-type", "micro rna", "--graph", str(built_dir))
    assert "no path" in line  # accepted as MicroRNA, which every path here passes through


@pytest.mark.parametrize("args,message", [
    (["--relation", "causes"], "error: unknown relation 'causes'. Fix: use one of activates, associatedWith, "),
    (["--relation", "targets,causes"], "error: unknown relation 'causes'. Fix: use one of activates, "),
    (["--include-type", "Gene"], "error: unknown entity type 'Gene' for --include-type. Fix: use one of BiologicalProcess, "),
    (["--exclude-type", "section"], "error: unknown entity type 'section' for --exclude-type. Fix: use one of "),
])
def test_path_unknown_names(capsys, built_dir, args, message):
    assert exits_with_one_line(capsys, "path", "CAF", "cisplatin", "--graph", str(built_dir), *args).startswith(message)


# ---------------------------------------------------------------- exokg viz

@pytest.fixture(scope="module")
def G(graph_file):
    return projection(graph_file)


def test_viz_select_names_and_labels(G, graph_file):
    by_name = viz.select(G, types=["CellType"], source=graph_file)
    assert by_name[0] and by_name[2] == "type CellType"
    for spelling in ("cell type", "Cell-Type", "celltype", "exo:CellType"):
        assert viz.select(G, types=[spelling], source=graph_file) == by_name
    by_name = viz.select(G, relations=["confersResistanceTo"], source=graph_file)
    for spelling in ("confers resistance to", "Confers-Resistance-To", "exo:confersResistanceTo"):
        assert viz.select(G, relations=[spelling], source=graph_file) == by_name
    # subtypes still count: a non-coding RNA filter keeps the miRNAs
    nodes, _, _ = viz.select(G, types=["non-coding RNA"], source=graph_file)
    assert any(G.nodes[n]["type"] == "MicroRNA" for n in nodes)


def test_viz_cli_by_label(capsys, graph_file, tmp_path):
    for args in (["--type", "cell type"], ["--relation", "confers resistance to"], ["--relation", "confersResistanceTo"]):
        out = tmp_path / "v.html"
        code, _out, err = run_cli(capsys, "viz", "--graph", str(graph_file), *args, "-o", str(out))
        assert code == 0 and out.stat().st_size > 0, err
    line = exits_with_one_line(capsys, "viz", "--graph", str(graph_file), "--type", "protein-ish", "-o", os.devnull)
    assert line.startswith("error: unknown entity type 'protein-ish'. Fix: use one of BiologicalProcess, BodyFluid, ")
    with pytest.raises(viz.VizError, match="^unknown relation 'causes'. Fix: use one of activates"):
        viz.select(G=projection(graph_file), relations=["causes"], source=graph_file)


# ---------------------------------------------------------------- exokg query --param

def test_query_parameters_by_name_or_label(graph_file):
    resistance, entities = named_query("resistance"), named_query("entities")
    for spelling in ("confersResistanceTo", "confers resistance to", "exo:confersResistanceTo", "Confers-Resistance-To"):
        assert resistance.bindings({"effect": spelling}, graph_file)["effect"] == [ox.NamedNode(EXO_NS + "confersResistanceTo")]
    for spelling in ("MicroRNA", "microrna", "microRNA", "micro-RNA", "exo:MicroRNA"):
        assert entities.bindings({"type": spelling}, graph_file)["type"] == [ox.NamedNode(EXO_NS + "MicroRNA")]
    assert entities.bindings({"type": "publication"}, graph_file)["type"] == [ox.NamedNode(EXO_NS + "Publication")]
    with pytest.raises(ParameterError, match="^parameter 'effect': unknown relation 'causes'. Fix: use one of activates"):
        resistance.bindings({"effect": "causes"}, graph_file)
    with pytest.raises(ParameterError, match="^parameter 'type': unknown class 'Gene'. Fix: use one of Assertion"):
        entities.bindings({"type": "Gene"}, graph_file)


def test_query_cli_by_label(capsys, graph_file):
    code, out, err = run_cli(capsys, "query", "resistance", "--param", "effect=confers resistance to",
                             "--param", "drug=cisplatin", "--graph", str(graph_file), "--format", "csv")
    assert code == 0 and out.count("\n") > 1, err
    same = run_cli(capsys, "query", "resistance", "--param", "effect=confersResistanceTo",
                   "--param", "drug=cisplatin", "--graph", str(graph_file), "--format", "csv")
    assert same[1] == out
    line = exits_with_one_line(capsys, "query", "resistance", "--param", "effect=causes", "--graph", str(graph_file))
    assert line.startswith("error: parameter 'effect': unknown relation 'causes'. Fix: use one of activates, ")
    code, _out, _err = run_cli(capsys, "query", "resistance", "--param", "effect=causes", "--graph", str(graph_file))
    assert code == 2

