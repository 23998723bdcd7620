"""exokg import / support: each importer's layout, species filtering, identity mapping, bad rows,
the dataset description and the three verdicts, on real pyoxigraph stores holding the built
review. The fixtures (tests/fixtures/ingest/) are synthetic rows in the published layouts; one
test imports the real gene-to-GO data from Debian when scripts/fetch_go_data.sh has run."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import IngestError
from graph.identifiers import curie_to_iri
from graph.ingest import ImportOptions, graph_iri, import_file, imported_sources
from graph.ingest.support import audit, new_facts
from graph.vocab import ASSERTION, ENTITY, EXO

from .conftest import IN_CI, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
MIRTARBASE = FIXTURES / "mirtarbase_mti_synthetic.csv"


@pytest.fixture
def store(graph_file) -> ox.Store:
    """A fresh in-memory store whose default graph is the built review."""
    fresh = ox.Store()
    fresh.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    return fresh


@pytest.fixture
def go_data(tmp_path) -> Path:
    """A folder laid out as scripts/fetch_go_data.sh writes it, with the synthetic tables."""
    folder = tmp_path / "go-data"
    folder.mkdir()
    for sql, name in (("org_hs_eg_synthetic.sql", "org.Hs.eg.sqlite"), ("go_db_synthetic.sql", "GO.sqlite")):
        with sqlite3.connect(folder / name) as db:
            db.executescript((FIXTURES / sql).read_text(encoding="utf-8"))
    return folder


def values(store, subject, predicate, source) -> list[str]:
    return sorted(q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(str(predicate)), None,
                                                                   graph_iri(source)))


def assertion(source: str, line: int) -> ox.NamedNode:
    return ox.NamedNode(str(ASSERTION[f"{source}/{line}"]))


def verdicts(store, source: str) -> dict[str, str]:
    rows, _ = audit(store, [source])
    return {r["statement"]: r["verdict"] for r in rows}


def test_mirtarbase_rows_become_assertions_on_the_review_entities(store):
    report = import_file(store, "mirtarbase", MIRTARBASE)
    assert (report.rows_read, report.imported, dict(report.skipped)) == (5, 4, {"other-species": 1})
    a = assertion("mirtarbase", 2)  # hsa-miR-522-3p -> ALOX15
    assert values(store, a, EXO.knowledgeLevel, "mirtarbase") == [str(EXO.curatedBySource)]
    # the mature miRNA lands on the review's arm-less miR-522, and the note says so
    subject = values(store, a, "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject", "mirtarbase")
    assert subject == [curie_to_iri("mirbase:MI0003177")]
    assert "names no arm" in values(store, a, EXO.importNote, "mirtarbase")[0]
    assert values(store, a, "http://www.w3.org/1999/02/22-rdf-syntax-ns#object", "mirtarbase") == [curie_to_iri("hgnc:433")]
    assert values(store, a, EXO.supportType, "mirtarbase") == ["Functional MTI"]
    assert values(store, a, EXO.experimentType, "mirtarbase") == ["Luciferase reporter assay", "Western blot"]
    assert values(store, a, EXO.citesReference, "mirtarbase") == [curie_to_iri("pubmed:99999901")]
    # the direct triple sits in the source's graph, never in the review's default graph
    direct = ox.Quad(ox.NamedNode(subject[0]), ox.NamedNode(str(EXO.targets)), ox.NamedNode(curie_to_iri("hgnc:433")),
                     graph_iri("mirtarbase"))
    assert direct in store
    # a non-functional MTI is negated, and asserts no direct triple
    assert values(store, assertion("mirtarbase", 3), EXO.isNegated, "mirtarbase") == ["true"]


def test_dataset_description_counts_and_digest(store):
    import_file(store, "mirtarbase", MIRTARBASE, ImportOptions(version="synthetic-1"))
    (described,) = imported_sources(store)
    assert described["source"] == "mirtarbase" and described["version"] == "synthetic-1"
    assert described["sha256"] == hashlib.sha256(MIRTARBASE.read_bytes()).hexdigest()
    assert (described["rows_read"], described["imported"], described["skipped"]) == (5, 4, {"other-species": 1})
    assert described["licence"].endswith("/download/LICENSE")  # where miRTarBase states its licence
    quads = sum(1 for _ in store.quads_for_pattern(None, None, None, graph_iri("mirtarbase")))
    assert described["triples"] < quads  # the description itself is in the graph too


def test_xlsx_as_published_gives_the_same_graph_as_its_csv_export(store, graph_file, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    with MIRTARBASE.open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.reader(handle)):
            sheet.append([int(c) if i and c.isdigit() else c for c in row])  # numbers as the workbook holds them
    xlsx = tmp_path / "hsa_MTI.xlsx"
    book.save(xlsx)
    other = ox.Store()
    other.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    import_file(store, "mirtarbase", MIRTARBASE)
    import_file(other, "mirtarbase", xlsx)
    file_bound = {str(EXO.sourceRecord), str(EXO.sha256), str(EXO.fileName), "http://www.w3.org/ns/prov#wasDerivedFrom"}

    def content(s):
        return {(q.subject, q.predicate, q.object) for q in s.quads_for_pattern(None, None, None, graph_iri("mirtarbase"))
                if q.predicate.value not in file_bound}

    assert content(store) == content(other) and len(content(store)) > 40


def test_other_species_are_kept_apart_with_the_option(store):
    report = import_file(store, "mirtarbase", MIRTARBASE, ImportOptions(keep_species=True))
    assert report.imported == 5 and not report.skipped
    a = assertion("mirtarbase", 5)  # mmu-miR-522-3p -> Alox15
    (subject,) = values(store, a, "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject", "mirtarbase")
    assert subject.startswith(str(ENTITY["imported/Mus%20musculus/"]))
    assert subject != curie_to_iri("mirbase:MI0003177")
    assert values(store, a, EXO.species, "mirtarbase") == ["Mus musculus"]


def test_entrez_ids_reach_hgnc_through_the_gene_table_and_the_lexicon(store, go_data):
    a = assertion("mirtarbase", 4)  # target written HK2-OLD, Entrez 3099
    obj = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"
    import_file(store, "mirtarbase", MIRTARBASE)
    assert values(store, a, obj, "mirtarbase") == ["https://identifiers.org/ncbigene:3099"]
    import_file(store, "mirtarbase", MIRTARBASE, ImportOptions(genes=go_data))
    assert values(store, a, obj, "mirtarbase") == [curie_to_iri("hgnc:4923")]  # the review's HK2
    assert "HK2-OLD" in values(store, a, EXO.importNote, "mirtarbase")[0]


def test_a_malformed_row_is_an_error_with_file_and_line_and_nothing_is_kept(store):
    bad = FIXTURES / "mirtarbase_mti_bad_synthetic.tsv"
    import_file(store, "mirtarbase", MIRTARBASE)  # an earlier import of the source
    with pytest.raises(IngestError, match=rf"{bad}:3: Entrez ID 'NOT-A-NUMBER' is not a number\. Fix: "):
        import_file(store, "mirtarbase", bad)
    assert not store.contains_named_graph(graph_iri("mirtarbase"))
    report = import_file(store, "mirtarbase", bad, ImportOptions(skip_bad=True))
    assert (report.imported, dict(report.skipped)) == (2, {"bad-row": 2})


def test_support_verdicts_against_mirtarbase(store):
    import_file(store, "mirtarbase", MIRTARBASE)
    found = verdicts(store, "mirtarbase")
    assert found["3.1-034"] == "corroborated"  # miR-522 targets ALOX15
    assert found["5.5-092"] == "corroborated"  # miR-6126 targets CD44
    assert found["5.3-001"] == "contradicted"  # miR-135b / FZD1: a non-functional MTI only
    assert found["5.5-093"] == "not_found"  # miR-6126 targets HK2: no row
    assert "T1-28" not in found  # an unnamed Table 1 RNA: nothing a miRNA table can speak to
    rows, summary = audit(store, ["mirtarbase"])
    row = next(r for r in rows if r["statement"] == "3.1-034")
    assert set(row) == {"statement", "subject", "relation", "object", "source", "verdict", "evidence"}
    assert "PMID 99999901" in row["evidence"][0] and "Functional MTI" in row["evidence"][0]
    assert summary["mirtarbase"]["corroborated"] == 2 and summary["mirtarbase"]["contradicted"] == 1


def test_ncrnadrug_effects_and_cancers(store):
    report = import_file(store, "ncrnadrug", FIXTURES / "ncrnadrug_drug_response_synthetic.tsv")
    assert report.imported == 4
    found = verdicts(store, "ncrnadrug")
    assert found["T1-33"] == "corroborated"  # miR-146a-5p, cisplatin, bladder cancer: resistant
    assert found["2-092"] == "contradicted"  # miR-155, gemcitabine, PDAC: sensitive where the review says resistant
    assert found["T1-32"] == "not_found"  # the only gemcitabine row for miR-146a-5p is in another cancer
    assert values(store, assertion("ncrnadrug", 2), EXO.direction, "ncrnadrug") == ["up"]
    new = new_facts(store, ["ncrnadrug"], limit=None)
    assert any(r["subject"] == "miR-522" and r["relation"] == "confersResistanceTo" and r["object"] == "cisplatin"
               for r in new)


def test_ncrnadrug_download_header_names_are_read_as_published(store):
    """The column names public readers of ncRNADrug's DR_Curated.txt use (ncRNA_Name, Drug_Name,
    Effect, Phenotype for the cancer, Condition for the sample, Species ...; docs/import.md) are
    read without renaming, with the same verdicts as the spelled-out header."""
    report = import_file(store, "ncrnadrug", FIXTURES / "ncrnadrug_dr_curated_synthetic.txt")
    assert (report.imported, dict(report.skipped)) == (3, {"other-species": 1})  # the Mus musculus row
    found = verdicts(store, "ncrnadrug")
    assert (found["T1-33"], found["2-092"], found["T1-32"]) == ("corroborated", "contradicted", "not_found")
    first = assertion("ncrnadrug", 2)
    assert values(store, first, EXO.sample, "ncrnadrug") == ["cell line (SYNTH-1)"]
    assert len(values(store, first, EXO.cancerType, "ncrnadrug")) == 1


def test_exocarta_cargo_with_its_experiments(store):
    options = ImportOptions(experiments=FIXTURES / "exocarta_experiment_synthetic.txt")
    report = import_file(store, "exocarta", FIXTURES / "exocarta_protein_mrna_synthetic.txt", options)
    assert (report.imported, dict(report.skipped)) == (2, {"other-species": 1})
    a = assertion("exocarta", 2)  # ANXA6 in plasma exosomes
    assert values(store, a, "http://www.w3.org/1999/02/22-rdf-syntax-ns#object", "exocarta") == [
        curie_to_iri("uberon:0001969")]
    assert values(store, a, EXO.experimentType, "exocarta") == ["Mass spectrometry"]  # the row's own METHODS
    assert "isolation method: Ultracentrifugation" in values(store, a, EXO.importNote, "exocarta")[0]
    assert values(store, assertion("exocarta", 3), EXO.citesReference, "exocarta") == []  # PUBMED ID 0: none
    # a row without METHODS takes its study's detection methods, one experiment type each
    assert values(store, assertion("exocarta", 3), EXO.experimentType, "exocarta") == ["Mass spectrometry",
                                                                                      "Western blotting"]
    found = verdicts(store, "exocarta")
    assert found["3.1-108"] == "corroborated"  # cancer cells secrete ANXA6
    assert found["3.1-028"] == "not_found"  # miR-3173-5p is not in the table
    assert "contradicted" not in found.values()


def test_gaf_qualifiers_negation_aspects_and_levels(store):
    report = import_file(store, "gaf", FIXTURES / "go_annotations_synthetic.gaf")
    assert (report.imported, dict(report.skipped)) == (3, {"aspect-not-selected": 1, "other-species": 1})
    assert report.version == "2026-01-01"
    found = verdicts(store, "gaf")
    assert found["3.1-037"] == "corroborated"  # ALOX15 promotes ferroptosis
    assert found["1-039"] == "contradicted"  # BCL2 suppresses apoptosis: only a NOT row
    assert values(store, assertion("gaf", 8), EXO.knowledgeLevel, "gaf") == [str(EXO.predicted)]  # IEA
    new = new_facts(store, ["gaf"], limit=None)
    assert [(r["subject"], r["relation"], r["knowledge_level"]) for r in new] == [("GPX4", "suppresses", "predicted")]


def test_gaf_needs_its_version_line(store, tmp_path):
    broken = tmp_path / "no_header.gaf"
    broken.write_text("".join((FIXTURES / "go_annotations_synthetic.gaf").read_text().splitlines(True)[1:]))
    with pytest.raises(IngestError, match="not a GAF 2.2 file"):
        import_file(store, "gaf", broken)


def test_orghs_tables_with_go_names(store, go_data):
    report = import_file(store, "orghs", go_data)
    assert (report.imported, dict(report.skipped)) == (4, {"aspect-not-selected": 1})
    glycolysis = ox.NamedNode(curie_to_iri("go:0006096"))
    assert values(store, glycolysis, "http://www.w3.org/2000/01/rdf-schema#label", "orghs") == ["glycolytic process"]
    found = verdicts(store, "orghs")
    assert found["3.1-037"] == "corroborated" and found["1-039"] == "corroborated"  # no qualifier: no sign
    assert import_file(store, "orghs", go_data, ImportOptions(aspects="PF")).imported == 5


def test_cli_import_and_support(built_dir, tmp_path, capsys):
    build = tmp_path / "build"
    shutil.copytree(built_dir, build)
    code, out, err = run_cli(capsys, "import", "mirtarbase", str(MIRTARBASE), "--graph", str(build))
    assert code == 0 and "imported 4 of 5 rows" in out and "1 other-species" in out, err
    assert (build / "store").is_dir()
    code, out, err = run_cli(capsys, "support", "--graph", str(build), "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {r["verdict"] for r in rows} == {"corroborated", "contradicted", "not_found"}
    code, out, _ = run_cli(capsys, "support", "--graph", str(build), "--new", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "source,subject,relation,object,knowledge_level,rows,pmids,evidence"
    assert any(line.startswith("mirtarbase,miR-135b,targets,HK2-OLD") for line in out.splitlines())
    code, out, err = run_cli(capsys, "import", "mirtarbase", str(FIXTURES / "mirtarbase_mti_bad_synthetic.tsv"),
                             "--graph", str(build))
    assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith("error: ") and ":3: " in err
    code, again, err = run_cli(capsys, "support", "--graph", str(build), "--format", "json")
    assert code == 0 and json.loads(again) == rows  # the failed import left the store as it was: nothing half there


GO_DATA = Path(os.environ.get("EXOKG_GO_DATA", Path.home() / ".cache" / "exokg" / "go-data"))


def test_real_debian_gene_to_go_data(store):
    """The real org.Hs.eg.db / GO.db data from Debian (scripts/fetch_go_data.sh; required in CI)."""
    if not (GO_DATA / "org.Hs.eg.sqlite").is_file():
        if IN_CI:
            pytest.fail(f"{GO_DATA} has no org.Hs.eg.sqlite; .ci/run must run scripts/fetch_go_data.sh first")
        pytest.skip(f"no Debian GO data in {GO_DATA} (run `bash scripts/fetch_go_data.sh`)")
    report = import_file(store, "orghs", GO_DATA)
    assert report.imported > 100_000 and report.licence == "Artistic-2.0" and "org.Hs.eg.db" in report.version
    # Entrez 246 -> ALOX15 -> the review's hgnc:433, by symbol
    alox15 = ox.NamedNode(curie_to_iri("hgnc:433"))
    assert next(store.quads_for_pattern(alox15, ox.NamedNode(str(EXO.associatedWith)), None, graph_iri("orghs")), None)
    rows, summary = audit(store, ["orghs"])
    counts = summary["orghs"]
    assert counts["corroborated"] >= 1 and counts["corroborated"] + counts["contradicted"] + counts["not_found"] == len(rows)
    vegfa = next(r for r in rows if r["statement"] == "3.1-078")  # VEGFA promotes angiogenesis
    assert vegfa["verdict"] == "corroborated" and any("Entrez 7422" in e for e in vegfa["evidence"])
