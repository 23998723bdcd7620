"""Data-integrity tests over every record: each failure says which row and how to fix it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF

from graph.build import jsonld_context
from graph.curation import packaged_curation
from graph.ontology import load_ontology
from graph.vocab import EXO

from .conftest import IN_CI, REPO, SEED_TEXT

GROUNDING_DIR = Path(os.environ.get("EXOKG_RESOURCES", Path.home() / ".cache" / "exokg" / "grounding"))
# prefixes no offline table covers; IDENTIFIERS.md says how their ids were checked instead
UNCHECKED_PREFIXES = {"kegg.pathway", "circbase"}


@pytest.fixture(scope="module")
def curation():
    return packaged_curation()


def test_vocabulary_matches_the_ontology():
    """EXO (closed) lists exactly the terms the ontology declares."""
    ontology = load_ontology().graph
    declared = {str(s).removeprefix(str(EXO._NS)) for s in ontology.subjects(RDF.type, None)
                if str(s).startswith(str(EXO._NS))}
    in_code = {name for name in EXO.__annotations__}
    assert declared - in_code == set(), "add these terms to graph/vocab.py EXO"
    assert in_code - declared == set(), "declare these terms in ontology/exokg.ttl or drop them from EXO"
    with pytest.raises(AttributeError):
        EXO.confersResistanceto  # noqa: B018 - a typo must fail, not mint an IRI


def test_every_relation_is_fully_described():
    ontology = load_ontology()
    for relation in ontology.relations.values():
        assert relation.label and relation.definition, f"{relation.name}: add rdfs:label and skos:definition"
        assert relation.sign in (-1, 0, 1), f"{relation.name}: exo:effectSign must be -1, 0 or +1"
        assert relation.domain and relation.range, f"{relation.name}: give rdfs:domain and rdfs:range"
        for cls in relation.domain | relation.range:
            assert cls in ontology.classes, f"{relation.name}: {cls} is not a declared class"
    assert (load_ontology().graph.value(predicate=RDF.type, object=OWL.Ontology)) is not None


def test_ontology_has_version_iri_and_info():
    graph = load_ontology().graph
    ontology = graph.value(predicate=RDF.type, object=OWL.Ontology)
    assert str(graph.value(ontology, OWL.versionIRI)).endswith("/" + load_ontology().version)


# CURIE syntax, labels unique per type, subject and object types within the relation's domain and
# range, known sections and Table 1 rows are refused by the loader itself (graph/curation.py), so
# packaged_curation() could not return a record that breaks them: test_curation_errors.py tests
# each of those refusals. What the loader lets through is checked here.


def test_every_summary_is_a_sentence(curation):
    for statement in curation.statements:
        assert len(statement.provenance.summary) >= 10, f"{statement.origin}: write a one-line summary"


def test_unnamed_table_rows_keep_no_name(curation):
    """A Table 1 RNA the capture does not name is flagged, unlabelled beyond its row, and unmapped."""
    for entity in curation.entities.values():
        if entity.key.startswith("table1-row"):
            assert entity.unnamed, f"{entity.origin}: flag it 'unnamed'"
        if entity.unnamed:
            assert entity.curie is None and not entity.synonyms, f"{entity.origin}: an unnamed RNA gets no name or id"
            assert re.fullmatch(r"unnamed exosomal RNA \(Table 1 row \d+\)", entity.label), entity.origin


def _words(text: str) -> list[str]:
    """Prose words only: names such as miR-485-3p or HIF-1α/STAT3 break into fragments that
    would match the review wherever a summary names the same molecules, so fragments with
    digits and one- or two-letter pieces are dropped."""
    return re.findall(r"(?<![a-z0-9])[a-z]{3,}(?![a-z0-9])", text.lower())


@pytest.mark.skipif(not SEED_TEXT.exists() and not IN_CI, reason="the review text in ../shared/seed is not here")
def test_summaries_are_in_our_own_words(curation):
    """No curator summary or note shares a run of 8 prose words with the review."""
    words = _words(SEED_TEXT.read_text(encoding="utf-8"))
    n = 8
    review_ngrams = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    texts = [(s.origin, s.provenance.summary) for s in curation.statements]
    texts += [(e.origin, e.note) for e in curation.entities.values() if e.note]
    copied = []
    for origin, text in texts:
        w = _words(text)
        if any(tuple(w[i:i + n]) in review_ngrams for i in range(len(w) - n + 1)):
            copied.append(origin)
    assert not copied, f"rewrite these summaries in your own words: {copied[:10]}"


def test_shipped_jsonld_context_is_current():
    shipped = json.loads((REPO / "graph" / "data" / "context.jsonld").read_text(encoding="utf-8"))
    assert shipped["@context"] == jsonld_context(), "regenerate graph/data/context.jsonld from jsonld_context()"


def test_prefix_records_match_bioregistry():
    pytest.importorskip("bioregistry")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "update_prefixes.py"), "--check"])
    assert result.returncode == 0, "run scripts/update_prefixes.py to regenerate graph/data/prefixes.json"


@pytest.mark.skipif(not (GROUNDING_DIR / "hgnc_entries.tsv").exists() and not IN_CI,
                    reason="grounding tables absent: run scripts/fetch_grounding_resources.sh")
def test_identifiers_agree_with_offline_name_tables():
    """Every id of a prefix with an offline table (HGNC, ChEBI, DOID, MONDO, GO, miRBase, FamPlex,
    DrugBank, MeSH, CL, Cellosaurus, UBERON, NCBITaxon) exists there and names the entity."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "grounding.py"), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"checked (\d+) identifiers, 0 problem", result.stdout)


def test_every_identifier_prefix_has_an_offline_check(curation):
    """A new prefix must get a table in scripts/grounding.py (or a documented exception)."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from grounding import CHECKED_PREFIXES
    finally:
        sys.path.pop(0)
    used = {e.curie.split(":", 1)[0] for e in curation.entities.values() if e.curie}
    unchecked = used - set(CHECKED_PREFIXES)
    assert unchecked == UNCHECKED_PREFIXES, (
        f"prefixes without an offline check: {sorted(unchecked)}. Fix: add a table for them to "
        "scripts/grounding.py, or document how they were checked in IDENTIFIERS.md and in UNCHECKED_PREFIXES")


@pytest.mark.skipif(not (GROUNDING_DIR / "hsa_miRBase_v22.gff3").exists() and not IN_CI,
                    reason="grounding tables absent: run scripts/fetch_grounding_resources.sh")
def test_lookup_finds_ids_by_the_names_curators_write():
    """`grounding.py lookup` matches labels, synonyms and miRNA names written without 'hsa-'."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "grounding.py"), "lookup",
                             "miR-21-5p", "omental adipocyte", "cancer-associated fibroblasts", "miR-16",
                             "--prefix", "mirbase", "--prefix", "mirbase.mature", "--prefix", "cl", "--prefix", "mesh"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    hits = dict(line.split("\t") for line in result.stdout.splitlines())
    assert hits["miR-21-5p"] == "mirbase.mature:MIMAT0000076"
    assert hits["omental adipocyte"] == "cl:0002615"
    assert hits["cancer-associated fibroblasts"] == "mesh:D000072645"
    assert hits["miR-16"] == "(no exact match)"  # two loci, hsa-mir-16-1 and -2: no single precursor
