"""`exokg validate`: the shapes compiled to SPARQL on pyoxigraph report the same results as pySHACL
(the reference engine) on graphs broken on purpose, severities below sh:Violation do not fail, and a
component the compiler does not know is refused with its line."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from graph.build import build
from graph.errors import ShapesError
from graph.validate import batched, compile_shapes, data_store, validate_graph_pyshacl, validate_store

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
E, A, EXO = "https://w3id.org/exokg/entity/", "https://w3id.org/exokg/assertion/", "https://w3id.org/exokg/ontology/"
RDF, RDFS, XSD = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                  "http://www.w3.org/2001/XMLSchema#")
CISPLATIN, ALOX15 = "http://purl.obolibrary.org/obo/CHEBI_27899", "https://identifiers.org/hgnc:433"
SECTION = "https://w3id.org/exokg/publication/PMC12774554/section/"
PUBMED = "https://identifiers.org/pubmed:38909530"

# (subject, predicate) pairs whose triples are removed, and triples added: every constraint
# component of ontology/shapes.ttl is broken at least once (a test checks this)
REMOVED = [(A + "3.1-002", EXO + "curatorSummary"),  # minCount
           (SECTION + "2", EXO + "sectionNumber"),  # minCount on a section
           (E + "serum", EXO + "isMapped")]  # minCount, and the isMapped/identifier SPARQL check stays quiet
ADDED = f"""
<{CISPLATIN}> <{RDFS}label> "a second label" .
<{E}CAF> <{EXO}curationKey> "42"^^<{XSD}integer> .
<{E}CAF> <{RDF}type> <{EXO}Publication> .
<{E}miR-522> <{EXO}isMapped> "yes" .
<{E}miR-522> <{EXO}isMapped> "true"^^<{XSD}boolean> .
<{E}chemotherapy> <http://www.w3.org/2004/02/skos/core#altLabel> "chemo"@en .
<{A}3.1-001> <{RDF}object> "a literal object" .
<{A}3.1-001> <{EXO}source> <{E}CAF> .
<{A}3.1-003> <{EXO}section> <{SECTION}2> .
<{A}3.1-004> <{EXO}curatorSummary> "Too short" .
<{A}T1-04> <{EXO}tableRow> "0"^^<{XSD}integer> .
<{A}2-001> <{EXO}tableRow> "four"^^<{XSD}integer> .
<{A}2-001> <{EXO}citesReference> <{E}serum> .
<{A}2-001> <{EXO}cancerType> <{CISPLATIN}> .
<{A}3.1-002> <{EXO}drug> <{ALOX15}> .
<{A}3.1-002> <{EXO}cellLine> <{ALOX15}> .
<{A}3.1-003> <{EXO}bodyFluid> <{ALOX15}> .
<{A}3.1-003> <{EXO}donorCell> <{CISPLATIN}> .
<{A}3.1-004> <{EXO}recipientCell> <{E}serum> .
<{A}3.1-004> <{EXO}biomarkerRole> "therapeutic" .
<{A}3.1-004> <{EXO}model> "in vitro" .
<{A}3.1-004> <{EXO}model> "organoid" .
<{A}3.1-002> <{EXO}direction> "sideways" .
<{A}bad> <{RDF}type> <{EXO}Assertion> .
<{A}bad> <{RDF}subject> <{CISPLATIN}> .
<{A}bad> <{RDF}predicate> <{EXO}targets> .
<{A}bad> <{RDF}object> <{E}serum> .
<{A}bad2> <{RDF}type> <{EXO}Assertion> .
<{A}bad2> <{RDF}subject> <{E}miR-522> .
<{A}bad2> <{RDF}predicate> <{RDFS}seeAlso> .
<{A}bad2> <{RDF}object> <{ALOX15}> .
<{E}miR-522> <{RDFS}seeAlso> <{ALOX15}> .
<{E}serum> <http://purl.org/dc/terms/identifier> "UBERON:0001977" .
<{PUBMED}> <{EXO}referenceNumber> "300"^^<{XSD}integer> .
<{SECTION}3.1> <{RDFS}label> "another title" .
"""


@pytest.fixture(scope="module")
def broken_nt(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("broken")
    build(out / "build", MINIMAL)
    kept = [line for line in (out / "build" / "exokg.nt").read_text(encoding="utf-8").splitlines()
            if not any(line.startswith(f"<{s}> <{p}> ") for s, p in REMOVED)]
    return ("\n".join(kept) + ADDED).encode("utf-8")


def results(report) -> Counter:
    return Counter((c.shape, c.message, c.severity, focus) for c in report.categories for focus in c.focus_nodes)


def test_both_engines_report_the_same_results_on_a_broken_graph(broken_nt):
    ours = validate_store(data_store(broken_nt))
    reference = validate_graph_pyshacl(Graph().parse(data=broken_nt, format="nt"))
    assert not ours.conforms and not reference.conforms
    assert results(ours) == results(reference)
    assert ours.summary() == reference.summary()


def test_every_component_of_the_shapes_is_exercised(broken_nt):
    report = validate_store(data_store(broken_nt))
    fired = {(c.shape, c.message) for c in report.categories}
    components = {check.component: set() for check in compile_shapes()}
    for check in compile_shapes():
        components[check.component].add((check.shape, check.message) in fired)
    assert {name for name, hits in components.items() if True not in hits} == set()
    messages = {c.message: c.focus_nodes for c in report.categories}
    # "four" is no integer (sh:datatype) and not >= 1 (sh:minInclusive); T1-04 now has two rows
    # (sh:maxCount), one of them 0 (sh:minInclusive)
    assert messages["a Table 1 row is a positive integer"] == ["2-001", "2-001", "T1-04", "T1-04"]
    assert messages["the subject's type is outside the relation's domain"] == ["bad"]
    assert messages["the predicate is not an ExoKG relation with an effect sign"] == ["bad2"]


EXTRA_SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix exo: <{EXO}> .
@prefix ex: <https://example.org/shapes/> .
@prefix xsd: <{XSD}> .
@prefix rdfs: <{RDFS}> .

# a node shape's severity is its own: each property shape states its own (SHACL 2.1.5)
ex:Model a sh:NodeShape ; sh:targetClass exo:Assertion ;
    sh:property [ sh:path exo:model ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "context: no model named" ] ,
                [ sh:path exo:model ; sh:in ( "in vitro" "in vivo" ) ; sh:severity sh:Warning ;
                  sh:message "context: model is unusual" ] .
ex:Pattern a sh:NodeShape ; sh:targetSubjectsOf exo:curationKey ;
    sh:property [ sh:path rdfs:label ; sh:pattern "^[a-z]" ; sh:flags "i" ; sh:maxLength 12 ; sh:severity sh:Info ;
                  sh:message "labels start with a letter and are short" ] .
ex:Cited a sh:NodeShape ; sh:targetObjectsOf exo:citesReference ; sh:severity sh:Info ;
    sh:property [ sh:path [ sh:inversePath exo:citesReference ] ; sh:maxCount 1 ; sh:severity sh:Info ;
                  sh:message "a reference is cited once at most" ] ,
                [ sh:path ( [ sh:inversePath exo:citesReference ] exo:section ) ; sh:maxCount 1 ; sh:severity sh:Info ;
                  sh:message "a reference is cited in one section at most" ] .
ex:Named a sh:NodeShape ; sh:targetNode <{E}serum>, "serum" ; sh:severity sh:Warning ;
    sh:node [ sh:nodeKind sh:IRI ] ; sh:message "a fluid is named by an IRI" .
ex:Serum a sh:NodeShape ; sh:targetNode <{E}serum> ; sh:severity sh:Warning ;
    sh:not [ sh:class exo:CellType ] ; sh:message "serum is no cell type" ;
    sh:property [ sh:path rdfs:label ; sh:hasValue "blood serum" ; sh:severity sh:Warning ;
                  sh:message "serum is called blood serum" ] ,
                [ sh:path exo:isMapped ; sh:datatype xsd:boolean ; sh:xone ( [ sh:hasValue true ] [ sh:hasValue false ] ) ;
                  sh:severity sh:Info ; sh:message "mapped is one boolean" ] .
"""


def test_warnings_and_infos_are_reported_but_do_not_fail(broken_nt, graph_file):
    clean = graph_file.read_bytes()
    report = validate_store(data_store(clean), EXTRA_SHAPES, "extra.ttl")
    assert report.conforms and report.violations == 0 and report.results > 0
    assert {c.severity for c in report.categories} >= {"Warning", "Info"}
    assert report.summary().startswith("conforms: 0 violations; ")
    assert "[Warning] model: context: no model named" in report.summary()
    # the same results as pySHACL, with components beyond the packaged shapes, each one exercised
    serum = f'<{E}serum> <{RDF}type> <{EXO}CellType> .\n<{E}serum> <{EXO}isMapped> "maybe" .\n'
    fired = set()
    for data in (clean, broken_nt, clean + serum.encode("utf-8")):
        ours = validate_store(data_store(data), EXTRA_SHAPES, "extra.ttl")
        assert results(ours) == results(validate_graph_pyshacl(Graph().parse(data=data, format="nt"), EXTRA_SHAPES))
        fired |= {(c.shape, c.message) for c in ours.categories}
    unexercised = {c.component for c in compile_shapes(EXTRA_SHAPES, "extra.ttl")} - {
        c.component for c in compile_shapes(EXTRA_SHAPES, "extra.ttl") if (c.shape, c.message) in fired}
    assert unexercised == set()


@pytest.mark.parametrize("text, word", [
    ("ex:S a sh:NodeShape ; sh:targetClass exo:Assertion ; sh:closed true .", "closed"),
    ("ex:S a sh:NodeShape ; sh:targetClass exo:Assertion ;\n  sh:property [ sh:path exo:drug ;\n"
     "    sh:qualifiedValueShape [ sh:class exo:Drug ] ; sh:qualifiedMinCount 1 ] .", "qualifiedValueShape"),
    ("ex:S a sh:NodeShape ; sh:targetClass exo:Assertion ;\n  sh:or ( [ sh:property [ sh:path exo:drug ; sh:minCount 1 ] ] ) .",
     "property"),
])
def test_an_unsupported_component_is_refused_with_its_line(text, word):
    shapes = f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix exo: <{EXO}> .\n@prefix ex: <https://example.org/> .\n{text}\n"
    with pytest.raises(ShapesError) as caught:
        compile_shapes(shapes, "mine.ttl")
    line = next(n for n, row in enumerate(shapes.splitlines(), 1) if f"sh:{word}" in row)
    assert str(caught.value).startswith(f"mine.ttl:{line}: sh:{word} ")
    assert "Fix: " in str(caught.value)


def test_cli_reports_categories_and_exits_1(broken_nt, tmp_path):
    path = tmp_path / "broken.nt"
    path.write_bytes(broken_nt)
    done = subprocess.run([sys.executable, "-m", "graph.cli", "validate", "--graph", str(path), "--examples", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    head, *lines = done.stdout.strip().splitlines()
    report = validate_store(data_store(broken_nt))
    others = report.results - report.violations  # warnings of incomplete claims in the broken fixture
    assert head == (f"{path}: does not conform: {report.violations} violation(s)"
                    + (f" and {others} other result(s)" if others else "") + f" in {len(report.categories)} categor(ies)")
    assert len(lines) == len(report.categories)
    assert "  [Violation] AssertionShape: the subject's type is outside the relation's domain x1: bad" in lines
    assert done.stderr.strip().splitlines() == [
        f"error: {path}: {report.violations} SHACL violation(s). Fix: correct the curated rows named above and rebuild"]


SHARED_VALUE_SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix exo: <{EXO}> .
@prefix ex: <https://example.org/shapes/> .

# class tests inside sh:not / sh:node / sh:or on a property are compiled to run once per distinct value
ex:Drugs a sh:NodeShape ; sh:targetClass exo:Assertion ;
    sh:property [ sh:path exo:drug ; sh:not [ sh:class exo:GeneOrProtein ] ; sh:message "a drug is no gene" ] ,
                [ sh:path exo:drug ; sh:node [ sh:class exo:Drug ] ; sh:message "a drug conforms to a drug" ] ,
                [ sh:path exo:drug ; sh:or ( [ sh:class exo:Drug ] [ sh:class exo:Therapy ] ) ;
                  sh:message "a drug is a drug or a therapy" ] .
"""


def test_a_class_test_on_a_value_shared_by_many_nodes_is_reported_for_each_and_only_for_the_focus(graph_file):
    """The rewrite evaluates a class test inside sh:not/sh:node/sh:or once per distinct value of the
    property in the whole graph; a wrong value shared by two assertions must still be reported for
    both, the same value on a node outside the targets for none, and the answers match pySHACL."""
    wrong = (f"<{A}3.1-001> <{EXO}drug> <{ALOX15}> .\n<{A}3.1-002> <{EXO}drug> <{ALOX15}> .\n"
             f"<{E}miR-522> <{EXO}drug> <{ALOX15}> .\n")  # miR-522 is an entity, not an assertion
    data = graph_file.read_bytes() + wrong.encode("utf-8")
    ours = validate_store(data_store(data), SHARED_VALUE_SHAPES, "shared.ttl")
    messages = {c.message: c.focus_nodes for c in ours.categories}
    assert messages == {"a drug is no gene": ["3.1-001", "3.1-002"],
                        "a drug conforms to a drug": ["3.1-001", "3.1-002"],
                        "a drug is a drug or a therapy": ["3.1-001", "3.1-002"]}
    assert {c.component for c in compile_shapes(SHARED_VALUE_SHAPES, "shared.ttl")} == {"not", "node", "or"}
    assert all("GROUP BY ?value" in c.query for c in compile_shapes(SHARED_VALUE_SHAPES, "shared.ttl"))
    assert results(ours) == results(validate_graph_pyshacl(Graph().parse(data=data, format="nt"),
                                                           SHARED_VALUE_SHAPES))
    clean = validate_store(data_store(graph_file.read_bytes()), SHARED_VALUE_SHAPES, "shared.ttl")
    assert clean.conforms and clean.results == 0


COUNT_SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix exo: <{EXO}> .
@prefix ex: <https://example.org/shapes/> .

# counts on single properties of the same focus nodes are merged into one query: each keeps its own
# limits, message and severity, also two on the same property
ex:Cites a sh:NodeShape ; sh:targetClass exo:Assertion ;
    sh:property [ sh:path exo:citesReference ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "cites nothing" ] ,
                [ sh:path exo:citesReference ; sh:maxCount 2 ; sh:severity sh:Info ; sh:message "cites three or more" ] ,
                [ sh:path exo:drug ; sh:minCount 1 ; sh:maxCount 1 ; sh:message "one drug" ] .
"""


def test_counts_of_one_focus_run_as_one_query_and_each_keeps_its_limits(graph_file):
    checks = compile_shapes(COUNT_SHAPES, "counts.ttl")
    plans = batched(checks)
    assert len(checks) == 3 and len(plans) == 1 and len(plans[0][1]) == 3
    data = graph_file.read_bytes() + (f"<{A}3.1-001> <{EXO}drug> <{ALOX15}> .\n"
                                      f"<{A}3.1-001> <{EXO}drug> <{CISPLATIN}> .\n").encode("utf-8")
    ours = validate_store(data_store(data), COUNT_SHAPES, "counts.ttl")
    reference = validate_graph_pyshacl(Graph().parse(data=data, format="nt"), COUNT_SHAPES)
    assert results(ours) == results(reference)
    found = {(c.message, c.severity) for c in ours.categories}
    assert found == {("cites nothing", "Warning"), ("cites three or more", "Info"), ("one drug", "Violation")}
    # one drug: 3.1-001 has two now (maxCount) and an assertion without a drug fails the minCount
    one_drug = next(c for c in ours.categories if c.message == "one drug").focus_nodes
    assert "3.1-001" in one_drug and len(one_drug) > 1


def test_cli_validates_in_memory_and_writes_nothing(built_dir, graph_file, tmp_path):
    """`exokg validate --graph DIR` copies the build's store into memory and `--graph FILE` loads the
    file into memory: neither writes a store into the cache or a store version into the build folder, and both give the
    same report; a file that is not RDF is one clear error."""
    cache = tmp_path / "cache"
    env = {**os.environ, "EXOKG_CACHE": str(cache)}

    def validate(source: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "graph.cli", "validate", "--graph", str(source)],
                              capture_output=True, text=True, check=False, env=env)

    def versions_of_the_store() -> list[str]:  # (beside them: remembered checks and indexes)
        return sorted(p.name for p in (built_dir / ".store").iterdir() if p.is_dir())

    versions = versions_of_the_store()
    from_store = validate(built_dir)
    assert from_store.returncode == 0, from_store.stderr
    assert from_store.stdout.startswith(f"{graph_file}: conforms: 0 violations")
    copy = tmp_path / "copy.nt"
    copy.write_bytes(graph_file.read_bytes())
    from_file = validate(copy)
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout.split(": ", 1)[1] == from_store.stdout.split(": ", 1)[1]
    assert not (cache / "stores").exists()
    assert versions_of_the_store() == versions
    broken = tmp_path / "broken.nt"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    refused = validate(broken)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("error: ") and str(broken) in refused.stderr and "Fix:" in refused.stderr


def test_a_build_folder_is_validated_as_its_store_holds_it(tmp_path):
    """A build folder's default graph (what validate checks) is read from its exokg.nt when that
    file still holds it, else copied from the store: the report is the store's either way, the same
    as the report of the build's exokg.nt, and a file loaded into the folder (its own named graph,
    here with a violation) is not checked."""
    import pyoxigraph as ox

    from graph.load import load
    from graph.storage import default_graph_file_unchanged
    from graph.store import memory_copy, memory_store, open_store

    folder = tmp_path / "build"
    build(folder, MINIMAL)
    extra = tmp_path / "extra.nt"
    extra.write_text(f'<{A}3.1-004> <{EXO}model> "organoid" .\n<{A}3.1-004> <{EXO}model> "in vitro" .\n',
                     encoding="utf-8")  # a second model on a claim
    load([extra], folder)
    nt = folder / "exokg.nt"
    assert default_graph_file_unchanged(folder)  # the load kept the build's record: the file is read
    expected = validate_store(data_store(str(nt)))
    assert validate_store(memory_store(folder)) == expected

    # the copy of the store: its default graph, nothing of the loaded graph
    store = open_store(folder)
    copy = memory_copy(store)
    assert not list(copy.named_graphs())

    def named(quads) -> set:  # blank nodes get new labels in a copy, as in any bulk load
        return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert named(copy) == named(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert validate_store(copy) == expected

    # exokg.nt changed after the build: the violation is in the file only
    with nt.open("a", encoding="utf-8") as handle:
        handle.write(extra.read_text(encoding="utf-8"))
    assert not default_graph_file_unchanged(folder)  # any write moves the file's change time
    assert not validate_store(data_store(str(nt))).conforms
    assert validate_store(memory_store(folder)) == expected
    done = subprocess.run([sys.executable, "-m", "graph.cli", "validate", "--graph", str(folder)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{nt}: {expected.summary()}"
