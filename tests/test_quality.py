"""Knowledge quality (issue 16): certainty and evidence level on every statement, printed vs
inferred references, context-stratified conflicts, minimum-information completeness, the coverage
report's JSON, --certainty filtering, and the text audit's general names."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal
from rdflib.namespace import RDF

from graph import competency
from graph.cli import cli, main
from graph.completeness import CLAIM_TYPES, completeness
from graph.conflicts import find_conflicts
from graph.coverage import audit_text, coverage
from graph.curation import load_curation, packaged_curation
from graph.model import CERTAINTIES, EVIDENCE_LEVELS, MODEL_EVIDENCE, Provenance
from graph.review_text import parse_review
from graph.vocab import EXO

from .conftest import IN_CI, SEED_TEXT

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
needs_review = pytest.mark.skipif(not SEED_TEXT.exists() and not IN_CI, reason="the review text is not here")

# a hedged, proposed or predicted statement says so in its summary, in our own words
MARKERS = {
    "hedged": r"\b(may|might|could|possibl\w*|thought|believed|suggest\w*|potential\w*|candidate|promis\w*|"
              r"appear\w*|seem\w*|put forward|propos\w*|likely|preliminar\w*)\b",
    "proposed": r"\b(propos\w*|put forward|presented as|offered as|could|potential\w*|candidate|suggest\w*|promis\w*)\b",
    "predicted": r"\b(predict\w*|docking|in silico|simulat\w*|computational\w*)\b",
}


@pytest.fixture(scope="module")
def curation():
    return packaged_curation()


@pytest.fixture(scope="module")
def review():
    return parse_review(SEED_TEXT.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- certainty and evidence level


def test_every_statement_has_one_valid_certainty_and_evidence_level(curation):
    for s in curation.statements:
        assert len(s.qualifier("certainty")) == 1 and s.certainty in CERTAINTIES, f"{s.origin}: set certainty"
        assert len(s.qualifier("evidence_level")) == 1 and s.evidence_level in EVIDENCE_LEVELS, \
            f"{s.origin}: set evidence_level"


def test_evidence_level_agrees_with_the_model_qualifier(curation):
    for s in curation.statements:
        models = s.qualifier("model")
        if models:
            assert s.evidence_level in {MODEL_EVIDENCE[m] for m in models}, f"{s.origin}: {models} vs {s.evidence_level}"


def test_qualified_statements_keep_their_hedge_in_the_summary(curation):
    """A hedge in the review stays a hedge in our summary (the audit found summaries dropping it)."""
    lost = [s.origin for s in curation.statements
            if s.certainty != "stated" and not re.search(MARKERS[s.certainty], s.provenance.summary, re.I)]
    assert not lost, f"say in the summary that the review hedges, proposes or predicts: {lost}"


def test_docking_results_are_predictions_not_effects(curation):
    """Docking reports predicted binding: never a regulating or activating effect (5.1-036/037)."""
    for s in curation.statements:
        if re.search(r"docking|dynamics simulation", s.provenance.summary, re.I) and s.id != "5.5-164":
            assert s.certainty == "predicted" and s.evidence_level == "in_silico", s.origin
            assert s.relation not in ("regulates", "activates", "inhibits", "upregulates", "downregulates"), s.origin


@needs_review
def test_named_hedges_are_hedged(curation, review):
    """The review's 'is believed' and 'potentially universal' sentences give hedged statements."""
    by_id = {s.id: s for s in curation.statements}
    believed = next(s for s in review.sentences("4") if "is believed" in s.text)
    assert "miR-93-5p" in believed.text
    for sid in ("4-030", "4-031", "4-032", "3.2-001", "3.2-002", "3.1-022", "3.1-023", "4-058", "5.2-009"):
        assert by_id[sid].certainty == "hedged", sid
    assert {by_id[f"4-0{n:02d}"].certainty for n in range(2, 14)} == {"hedged"}
    assert by_id["5.2-015"].certainty == "proposed" and by_id["5.2-015"].relation == "candidateTreatmentFor"


def test_rdf_carries_certainty_and_evidence_level_once_per_assertion(built):
    graph = built.graph
    assertions = set(graph.subjects(RDF.type, EXO.Assertion))
    assert len(assertions) == len(packaged_curation().statements)
    for node in assertions:
        certainty = list(graph.objects(node, EXO.certainty))
        level = list(graph.objects(node, EXO.evidenceLevel))
        assert len(certainty) == 1 and str(certainty[0]) in CERTAINTIES, node
        assert len(level) == 1 and str(level[0]) in EVIDENCE_LEVELS, node
    assert (None, EXO.certainty, Literal("predicted")) in graph


# ---------------------------------------------------------------- printed and inferred references


def _names(curation, key):
    e = curation.entities[key]
    return [n for n in {e.label, key, *e.synonyms} if len(n) >= 2]


def _mentions(curation, text, key):
    text = text.replace("–", "-")
    return any(re.search(r"(?<![A-Za-z0-9])" + re.escape(n.replace("–", "-")) + r"(?![A-Za-z0-9])", text, re.I)
               for n in _names(curation, key))


def misplaced_references(curation, review, statements):
    """Statements whose printed reference numbers are not printed in a paragraph of their section
    that names the subject, the object or a context entity. Checkable only where the section
    names both the subject and the object."""
    bad = []
    for s in statements:
        refs = set(s.provenance.references)
        paragraphs = review.sections.get(s.provenance.section)
        if not refs or not paragraphs:
            continue
        sentences = [x.text for p in paragraphs for x in p]
        if not (any(_mentions(curation, t, s.subject) for t in sentences)
                and any(_mentions(curation, t, s.object) for t in sentences)):
            continue  # not checkable: the section does not name both ends the way the lexicon does
        keys = [s.subject, s.object, *(v for _, values in s.context for v in values if v in curation.entities)]
        near = [p for p in paragraphs if any(_mentions(curation, x.text, k) for x in p for k in keys)]
        printed = {n for p in near for x in p for n in x.printed}
        if not refs <= printed:
            bad.append((s.id, sorted(refs - printed)))
    return bad


@needs_review
def test_printed_references_are_printed_near_the_fact(curation, review):
    assert misplaced_references(curation, review, curation.statements) == []


@needs_review
def test_the_reference_check_catches_a_wrong_number(curation, review):
    statement = next(s for s in curation.statements if s.id == "3.1-153")  # miR-934 lowers PTEN [112]
    wrong = replace(statement, provenance=replace(statement.provenance, references=(112, 150)))
    assert misplaced_references(curation, review, [statement]) == []
    assert misplaced_references(curation, review, [wrong]) == [("3.1-153", [150])]


def test_table1_rows_print_no_reference_numbers(curation):
    """The capture lost Table 1's reference cells: numbers from the body text are inferred only."""
    rows = [s for s in curation.statements if s.provenance.section == "T1"]
    assert rows and not any(s.provenance.references for s in rows)
    inferred = [s.id for s in rows if s.provenance.inferred_references]
    assert len(inferred) == 14
    assert next(s for s in rows if s.id == "T1-05").provenance.inferred_references == (60,)


def test_section4_rows_do_not_print_the_next_sentences_reference(curation):
    """HSPC111/Cyr61/FMNL2 and the EGFL6/CKAP4/ERK axis: [139] belongs to the next sentence."""
    ids = {"4-084", "4-085", "4-087", "4-088", "4-090", "4-091", "4-901", "4-902", "4-903"}
    by_id = {s.id: s for s in curation.statements}
    for sid in ids:
        assert 139 not in by_id[sid].provenance.references and 139 in by_id[sid].provenance.inferred_references
    assert not {"4-083", "4-086", "4-089"} & set(by_id), "pairings by list order are gone"
    assert not any(by_id[sid].qualifier("mechanism") for sid in ("4-084", "4-087", "4-090"))


def test_printed_and_inferred_never_mixed_in_answers():
    rows = competency.resistance(drug="cisplatin")
    t1 = [r for r in rows if r["section"] == "T1"]
    assert t1 and all(r["references"] == [] for r in t1)
    card = competency.show("miR-1246")
    row = next(r for r in card["statements"] if r["statement"] == "T1-05")
    assert row["references"] == [] and row["inferred_references"] == [60]
    found = competency.find("HSPC111")[0]
    assert 139 in found["inferred_references"] and 139 not in found["references"]


# ---------------------------------------------------------------- --certainty


@pytest.mark.parametrize("command, args", [
    ("resistance", []), ("biomarkers", []), ("therapies", []), ("neighbors", ["exosomes", "--hops", "1"]),
])
def test_certainty_filter_keeps_only_that_certainty(command, args):
    runner = CliRunner()
    everything = runner.invoke(cli, [command, *args, "--format", "json"])
    assert everything.exit_code == 0, everything.output
    rows = json.loads(everything.output)
    values = {r["certainty"] for r in rows}
    assert "stated" in values and len(values) > 1, f"{command}: the test needs mixed certainty"
    for value in values:
        result = runner.invoke(cli, [command, *args, "--certainty", value, "--format", "json"])
        kept = json.loads(result.output)
        assert kept and {r["certainty"] for r in kept} == {value}
        assert len(kept) == sum(r["certainty"] == value for r in rows)


def test_show_filters_statements_by_certainty():
    hedged = competency.show("miR-1246", certainty="hedged")["statements"]
    every = competency.show("miR-1246")["statements"]
    assert hedged and {r["certainty"] for r in hedged} == {"hedged"}
    assert {r["statement"] for r in hedged} == {r["statement"] for r in every if r["certainty"] == "hedged"}


def test_bad_certainty_is_a_one_line_error():
    result = CliRunner().invoke(cli, ["resistance", "--certainty", "maybe"])
    assert result.exit_code == 2 and "'maybe' is not one of" in result.output
    with pytest.raises(Exception, match="certainty must be one of stated, hedged, proposed, predicted"):
        competency.biomarkers(certainty="maybe")


# ---------------------------------------------------------------- conflicts


def test_conflicts_in_the_packaged_graph(curation):
    pairs = find_conflicts(curation)
    kinds = {("cancer-associated fibroblast", "tumour growth"), ("exosomes (any source)", "tumour progression")}
    assert kinds <= {(p["agent"], p["target"]) for p in pairs}
    opposite = {"confersResistanceTo": "reversesResistanceTo", "upregulates": "downregulates",
                "activates": "inhibits", "promotes": "suppresses"}
    for p in pairs:
        a, b = p["a"]["relation"], p["b"]["relation"]
        assert opposite.get(a) == b or opposite.get(b) == a or (a == b and {p["a"]["direction"], p["b"]["direction"]} == {"up", "down"})
        assert p["same_context"] == (p["differs"] == [])


@pytest.fixture
def conflict_data(tmp_path) -> Path:
    """The minimal tables plus miR-522 conferring CIS resistance in gastric cancer and
    reversing it in lung cancer (in vitro), and a same-context contradiction on ALOX15."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    header = (data / "curation" / "a.statements.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")

    def line(**cells):
        cells.setdefault("certainty", "stated")
        cells.setdefault("evidence_level", "review_statement")
        return "\t".join(cells.get(c, "") for c in header)

    extra = [
        line(id="x-001", subject="miR-522", relation="confersResistanceTo", object="cisplatin", cancer="gastric-cancer",
             section="3.1", references="93", summary="Test row: miR-522 gives CIS resistance in gastric cancer."),
        line(id="x-002", subject="miR-522", relation="reversesResistanceTo", object="cisplatin", cancer="lung-cancer",
             model="in vitro", evidence_level="in_vitro", certainty="hedged", section="3.1",
             summary="Test row: miR-522 may restore CIS sensitivity in lung cancer."),
        line(id="x-003", subject="miR-522", relation="upregulates", object="ALOX15", cancer="gastric-cancer",
             section="3.1", summary="Test row: miR-522 raises ALOX15, against the targeting row."),
        line(id="x-004", subject="miR-522", relation="downregulates", object="ALOX15", cancer="gastric-cancer",
             section="3.1", summary="Test row: miR-522 lowers ALOX15."),
    ]
    path = data / "curation" / "a.statements.tsv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(extra) + "\n", encoding="utf-8")
    entities = data / "curation" / "a.entities.tsv"
    text = entities.read_text(encoding="utf-8")
    for key, etype, label in (("cisplatin", "Drug", "cisplatin"), ("lung-cancer", "CancerType", "lung cancer")):
        if not re.search(rf"^{key}\t", text, re.M):
            text = text.rstrip("\n") + f"\n{key}\t{etype}\t{label}\t\t\t\t\t\t\n"
    entities.write_text(text, encoding="utf-8")
    return data


def test_conflicts_on_a_fixture_with_known_conflicts(conflict_data):
    pairs = find_conflicts(load_curation(conflict_data))
    assert [(p["a"]["statement"], p["b"]["statement"], p["kind"], p["differs"]) for p in pairs] == [
        ("x-003", "x-004", "up vs down", []),
        ("x-001", "x-002", "confers vs reverses resistance", ["cancer", "model"]),
    ]
    resistance = pairs[1]
    assert resistance["a"]["cancer"] == ["gastric cancer"] and resistance["b"]["cancer"] == ["lung cancer"]
    assert resistance["b"]["certainty"] == "hedged" and resistance["b"]["model"] == ["in vitro"]
    same = find_conflicts(load_curation(conflict_data), same_context=True)
    assert [p["kind"] for p in same] == ["up vs down"]


def test_conflicts_command_formats(conflict_data, capsys):
    runner = CliRunner()
    table = runner.invoke(cli, ["conflicts", "--data", str(conflict_data)])
    assert table.exit_code == 0, table.output
    assert "confers vs reverses resistance (context differs: cancer, model)" in table.output
    assert "(2 conflicting pairs: 1 in the same context, 1 where the context differs)" in table.output
    as_json = json.loads(runner.invoke(cli, ["conflicts", "--data", str(conflict_data), "--format", "json"]).output)
    assert {p["a"]["statement"] for p in as_json} == {"x-001", "x-003"}
    rows = list(csv.DictReader(io.StringIO(
        runner.invoke(cli, ["conflicts", "--data", str(conflict_data), "--format", "csv"]).output)))
    assert [(r["statement_a"], r["statement_b"], r["cancer_b"]) for r in rows] == [
        ("x-003", "x-004", "gastric cancer"), ("x-001", "x-002", "lung cancer")]
    only = json.loads(runner.invoke(cli, ["conflicts", "--data", str(conflict_data), "--agent", "miR-522",
                                          "--kind", "up vs down", "--format", "json"]).output)
    assert len(only) == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["conflicts", "--agent", "no-such-agent"])
    err = capsys.readouterr().err
    assert exit_info.value.code != 0 and err.count("\n") == 1
    assert err.startswith("error: no entity is named 'no-such-agent'. Fix: ")


def test_conflicts_on_the_packaged_graph_from_the_command_line():
    result = CliRunner().invoke(cli, ["conflicts", "--agent", "CAF"])
    assert result.exit_code == 0, result.output
    assert "cancer-associated fibroblast -> tumour growth: promotes vs suppresses (same context)" in result.output
    assert "3.1-014" in result.output and "3.1-218" in result.output


# ---------------------------------------------------------------- completeness


def test_completeness_counts_by_hand_on_a_fixture(conflict_data):
    report = completeness(load_curation(conflict_data))
    resistance = report["resistance"]
    # 3.1-004, T1-04 and x-001 name a cancer but no model or direction; x-002 has cancer and model (in vitro)
    assert resistance["claims"] == 4 and resistance["complete"] == 0
    assert resistance["missing"] == {"direction": 4, "model": 3}
    assert resistance["by_section"] == {"3.1": {"claims": 3, "complete": 0}, "T1": {"claims": 1, "complete": 0}}
    transfer = report["exosomal transfer"]  # 3.1-001: CAF secretes miR-522 in gastric cancer, in vitro
    assert transfer["claims"] == 1 and transfer["complete"] == 1 and transfer["share"] == 1.0


def test_completeness_agrees_with_the_shacl_warnings(built, curation):
    from graph.validate import validate_graph

    report = validate_graph(built.graph)
    assert report.conforms and report.violations == 0, report.summary()
    warnings = sum(len(c.focus_nodes) for c in report.categories if c.severity == "Warning")
    expected = sum(sum(entry["missing"].values()) for entry in completeness(curation).values())
    assert warnings == expected
    assert {c.severity for c in report.categories} == {"Warning"}
    assert "warning(s)" in report.summary()
    assert {c.name for c in CLAIM_TYPES} == set(completeness(curation))


# ---------------------------------------------------------------- coverage report


def test_coverage_json_has_certainty_evidence_and_completeness(curation):
    result = CliRunner().invoke(cli, ["coverage", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"certainty", "evidence_level", "completeness", "statements_per_section", "entities_per_type"} <= set(report)
    total = len(curation.statements)
    assert sum(report["certainty"].values()) == total and set(report["certainty"]) == set(CERTAINTIES)
    assert sum(report["evidence_level"].values()) == total and set(report["evidence_level"]) == set(EVIDENCE_LEVELS)
    for name, entry in report["completeness"].items():
        assert 0 <= entry["complete"] <= entry["claims"], name
        assert sum(s["claims"] for s in entry["by_section"].values()) == entry["claims"], name
    assert sum(report["references"].values()) == total
    table = CliRunner().invoke(cli, ["coverage"]).output
    assert "Completeness per claim type" in table and "Completeness per section" in table


# ---------------------------------------------------------------- text audit beyond RNA and gene tokens


def test_audit_reports_cell_types_processes_and_molecules():
    curation = load_curation(MINIMAL)
    text = ("Neutrophils and Th1 cells respond to hypoxia. CircRNAs arise by alternative splicing, "
            "and cells release nitric oxide.\n")
    found = {(t.kind, t.token) for t in audit_text(text, curation)[0]}
    assert {("cell", "Neutrophils"), ("cell", "Th1 cells"), ("process", "hypoxia"),
            ("process", "alternative splicing"), ("molecule", "nitric oxide")} <= found
    assert not any(t == "cells" for _, t in found), "a bare 'cells' is not a cell type"


def test_audit_general_names_match_the_lexicon_in_the_singular(curation):
    found = audit_text("Neutrophils, lymphocytes and Th1 cells; hypoxia and tumorigenesis.\n", curation)[0]
    assert found == []


def test_provenance_keeps_inferred_references_apart():
    p = Provenance(section="4", summary="x" * 12, references=(141,), inferred_references=(139,))
    assert p.references == (141,) and p.inferred_references == (139,)


@needs_review
def test_coverage_audit_of_the_review_is_clean(curation):
    report = coverage(curation, SEED_TEXT.read_text(encoding="utf-8"))
    assert report.uncovered == []
