"""The streaming build (graph/rdf.py curation_lines, graph/build.py runs and merge): it gives the
same graph, term for term, as an rdflib model of the same tables built in memory (the way the
build worked before it streamed, kept here as the reference), the same bytes however the lines
are split into runs, and writes Turtle and JSON-LD only for graphs a user can hold in memory."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

import graph.build as build_module
from graph.build import OUTPUT_FILES, TEMP_SUFFIX, build, to_ntriples
from graph.curation import load_curation
from graph.errors import StoreError, UnwritableValueError
from graph.identifiers import curie_to_iri
from graph.model import QUALIFIER_BY_COLUMN, Curation, reference_iri, review_iri, section_iri
from graph.ontology import load_ontology
from graph.rdf import REVIEW_LABEL, REVIEW_TITLE, curation_lines, new_graph, nt_literal
from graph.store import open_store
from graph.storage import write_build_store
from graph.vocab import ASSERTION, EXO, REVIEW_PMC

from .conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def reference_graph(curation: Curation) -> Graph:
    """The curated graph made with rdflib terms, one ``Graph.add`` per triple: an independent
    statement of what the streamed lines must hold."""
    ontology = load_ontology()
    graph = new_graph()
    add = graph.add
    iri = {key: URIRef(entity.iri) for key, entity in curation.entities.items()}
    for key, entity in curation.entities.items():
        node = iri[key]
        add((node, RDF.type, EXO[entity.type]))
        add((node, RDFS.label, Literal(entity.label)))
        add((node, EXO.curationKey, Literal(key)))
        add((node, EXO.isMapped, Literal(entity.mapped)))
        for synonym in entity.synonyms:
            add((node, SKOS.altLabel, Literal(synonym)))
        if entity.curie:
            add((node, DCTERMS.identifier, Literal(entity.curie)))
        for xref in entity.xrefs:
            add((node, SKOS.exactMatch, URIRef(curie_to_iri(xref))))
        if entity.broader:
            add((node, SKOS.broader, iri[entity.broader]))
        if entity.unnamed:
            add((node, EXO.unnamedInSource, Literal(True)))
        if entity.note:
            add((node, EXO.curatorNote, Literal(entity.note)))
    review = URIRef(review_iri())
    for p, o in ((RDF.type, EXO.Publication), (RDFS.label, Literal(REVIEW_LABEL)), (DCTERMS.title, Literal(REVIEW_TITLE)),
                 (DCTERMS.identifier, Literal(f"pmc:{REVIEW_PMC}")), (DCTERMS.date, Literal("2025", datatype=XSD.gYear))):
        add((review, p, o))
    for section, title in curation.sections.items():
        node = URIRef(section_iri(section))
        add((node, RDF.type, EXO.Section))
        add((node, RDFS.label, Literal(f"{section} {title}" if section[0].isdigit() else title)))
        add((node, EXO.sectionNumber, Literal(section)))
        add((node, DCTERMS.isPartOf, review))
    cited = {n for s in curation.statements for n in (*s.provenance.references, *s.provenance.inferred_references)}
    for number in sorted(cited | set(curation.references)):
        ref = curation.reference(number)
        node = URIRef(ref.iri)
        add((node, RDF.type, EXO.Publication))
        add((node, EXO.referenceNumber, Literal(number)))
        add((node, DCTERMS.isReferencedBy, review))
        add((node, RDFS.label, Literal(ref.citation or f"Reference {number} of {REVIEW_LABEL}")))
        if ref.pmid:
            add((node, DCTERMS.identifier, Literal(f"pubmed:{ref.pmid}")))
            if reference_iri(number) != ref.iri:
                add((node, SKOS.exactMatch, URIRef(reference_iri(number))))
        if ref.doi:
            add((node, SKOS.exactMatch, URIRef(curie_to_iri(f"doi:{ref.doi}"))))
        if ref.year:
            add((node, DCTERMS.date, Literal(ref.year, datatype=XSD.gYear)))
    for statement in curation.statements:
        subject, obj = iri[statement.subject], iri[statement.object]
        predicate = ontology.relations[statement.relation].iri
        add((subject, predicate, obj))
        node = ASSERTION[statement.id]
        for p, o in ((RDF.type, EXO.Assertion), (RDF.subject, subject), (RDF.predicate, predicate), (RDF.object, obj)):
            add((node, p, o))
        for column, values in statement.context:
            qualifier = QUALIFIER_BY_COLUMN[column]
            for value in values:
                add((node, qualifier.predicate, Literal(value) if qualifier.values else iri[value]))
        provenance = statement.provenance
        add((node, EXO.source, review))
        add((node, EXO.section, URIRef(section_iri(provenance.section))))
        add((node, EXO.curatorSummary, Literal(provenance.summary)))
        if provenance.table_row is not None:
            add((node, EXO.tableRow, Literal(provenance.table_row)))
        for number in provenance.references:
            add((node, EXO.citesReference, URIRef(curation.reference(number).iri)))
        for number in provenance.inferred_references:
            add((node, EXO.inferredReference, URIRef(curation.reference(number).iri)))
    return graph


def awkward_copy(source: Path, target: Path) -> Path:
    """A copy of the minimal tables whose label, synonym, note and summary hold what a writer must
    escape or carry: quotes, backslashes, non-ASCII and astral characters."""
    shutil.copytree(source, target)
    entities = target / "curation" / "a.entities.tsv"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(text.replace("\tALOX15\t", '\tALOX15 "15-LOX" \\ β-𝛼 😀\t', 1)
                        .replace("|stomach cancer\t", "|stomach cancer|Magenkrebs \"GC\" \\d\t", 1), encoding="utf-8")
    statements = target / "curation" / "a.statements.tsv"
    text = statements.read_text(encoding="utf-8")
    statements.write_text(text.replace("Exosomal miR-522 represses ALOX15.", 'Exosomal miR-522 "represses" ALOX15 \\ Łódź ✓.'),
                          encoding="utf-8")
    return target


def test_the_packaged_build_holds_the_reference_models_triples(built):
    reference = reference_graph(load_curation())
    written = (built.out_dir / "exokg.nt").read_bytes()
    assert written == to_ntriples(reference)  # sorted lines: the same triples, written the same way
    assert isomorphic(Graph().parse(data=written.decode("utf-8"), format="nt"), reference)


def test_awkward_characters_stream_as_rdflib_writes_them(tmp_path):
    data = awkward_copy(MINIMAL, tmp_path / "data")
    result = build(tmp_path / "out", data)
    reference = reference_graph(load_curation(data))
    written = (tmp_path / "out" / "exokg.nt").read_bytes()
    assert written == to_ntriples(reference)
    labels = {q.object.value for q in ox.parse(written, format=ox.RdfFormat.N_TRIPLES) if isinstance(q.object, ox.Literal)}
    assert {'ALOX15 "15-LOX" \\ β-𝛼 😀', 'Magenkrebs "GC" \\d', 'Exosomal miR-522 "represses" ALOX15 \\ Łódź ✓.'} <= labels
    assert result.triples == len(reference)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\x01", "\x7f", "\x9f", "\r",
                                  "\n", "\t", '"', "\\", "é", "\U0001F600"])
def test_a_literal_is_escaped_as_the_ntriples_writer_escapes_it(char):
    """Curation refuses control characters, but the writer must still escape every one as the
    exports do (tests/test_export_characters.py feeds them to every format)."""
    value = f"a{char}b"
    graph = new_graph()
    graph.add((URIRef("https://example.org/s"), RDFS.label, Literal(value)))
    line = to_ntriples(graph).decode("utf-8").rstrip("\n")
    assert line == f"<https://example.org/s> <{RDFS.label}> {nt_literal(value)} ."
    (parsed,) = ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert parsed.object.value == value


@pytest.mark.parametrize("char", ["\x00", "\ufffe", "\ufdd0", "\U0010ffff", "\ud800"])
def test_a_value_no_format_can_carry_is_refused(char):
    with pytest.raises(UnwritableValueError, match=r"U\+"):
        nt_literal(f"a{char}b")


def quads(folder: Path) -> tuple[int, list[bytes]]:
    """How many quads a build folder's store holds (default and named graphs), and those without a
    blank node (the ontology's, whose labels each load makes anew) as sorted N-Quads lines."""
    lines = open_store(folder).dump(format=ox.RdfFormat.N_QUADS).splitlines()
    return len(lines), sorted(line for line in lines if b"_:" not in line)


def test_many_runs_give_the_same_bytes_and_store(tmp_path, built_dir, monkeypatch):
    """Lines sorted in small runs (bulk-loaded by two threads side by side while the next runs are
    made) and merged: the same files as the one-run build, and the same quads in the store."""
    monkeypatch.setattr(build_module, "RUN_LINES", 997)
    fed: list[Path] = []
    runs = build_module.sorted_runs
    monkeypatch.setattr(build_module, "sorted_runs", lambda lines, folder, feed: runs(
        lines, folder, lambda run: (fed.append(run), feed(run))))
    out = tmp_path / "runs"
    build(out)
    assert len(fed) > 10  # many runs did go to the store's loaders
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (built_dir / name).read_bytes(), name
    assert quads(out) == quads(built_dir)
    assert not [p.name for p in out.iterdir() if p.name.endswith(TEMP_SUFFIX)]  # the runs are gone


def test_repeated_lines_in_and_across_runs_are_written_once_and_counted_once(tmp_path):
    """A run may repeat a line (runs are sorted, not made sets): exokg.nt and the VoID counts hold
    each triple once however the repeats fall into runs."""
    lines = list(curation_lines(load_curation(MINIMAL)))
    repeated = lines + lines[::3] + lines[:40]  # repeats far apart and next to each other
    runs = build_module.sorted_runs(repeated, tmp_path, run_lines=64)
    assert len(runs) > 3 and sum(len(run.read_bytes().splitlines()) for run in runs) == len(repeated)
    counts = build_module.merge_runs(runs, tmp_path / "exokg.nt")
    assert (tmp_path / "exokg.nt").read_text(encoding="utf-8") == "".join(f"{line}\n" for line in sorted(set(lines)))
    graph = build_module.parse_ntriples(tmp_path / "exokg.nt")
    assert counts == build_module.graph_counts(graph) and counts.triples == len(set(lines))


def test_a_run_the_store_refuses_keeps_the_previous_store(tmp_path):
    """When one of the loaders fails on a file (here: not N-Triples) while the other loads a good
    one, the build stops with one error and DIR/store still answers as before."""
    out = tmp_path / "out"
    build(out, MINIMAL)
    before, version = quads(out), (out / "store").resolve()
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text("<https://w3id.org/exokg/entity/x> <https://w3id.org/exokg/entity/p> \"1\" .\n", encoding="utf-8")
    bad.write_text("<https://w3id.org/exokg/entity/x> this is not N-Triples\n", encoding="utf-8")

    def write(feed):
        for run in (good, bad, good):
            feed(run)
        return b""

    with pytest.raises(StoreError, match="bulk load of the build's N-Triples failed.*Fix: "):
        write_build_store(out, write)
    assert (out / "store").resolve() == version and quads(out) == before


def test_a_large_graph_gets_no_turtle_or_jsonld_unless_asked(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    build(out, MINIMAL)
    small = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    monkeypatch.setattr(build_module, "TEXT_FORMATS_MAX_TRIPLES", 10)
    code, stdout, _ = run_cli(capsys, "build", "--out", str(out), "--data", str(MINIMAL))
    assert code == 0 and "no Turtle or JSON-LD: over 10 triples" in stdout
    assert not (out / "exokg.ttl").exists() and not (out / "exokg.jsonld").exists()  # no stale copies left
    assert (out / "exokg.nt").read_bytes() == small["exokg.nt"] and (out / "void.ttl").read_bytes() == small["void.ttl"]
    code, stdout, _ = run_cli(capsys, "resistance", "--drug", "cisplatin", "--format", "json", "--graph", str(out))
    assert code == 0 and "cisplatin" in stdout
    code, stdout, _ = run_cli(capsys, "build", "--out", str(out), "--data", str(MINIMAL), "--all-formats")
    assert code == 0 and "no Turtle" not in stdout
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == small


def test_a_killed_builds_working_folder_is_removed_by_the_next_build(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = out / f".build.{int(gone.stdout)}.k1ll3d{TEMP_SUFFIX}"
    leftover.mkdir()
    (leftover / "run-00000.nt").write_text("<a> <b> <c> .\n", encoding="utf-8")
    mine = out / f".build.{os.getpid()}.alive{TEMP_SUFFIX}"  # a live process's folder is left alone
    mine.mkdir()
    build(out, MINIMAL)
    assert not leftover.exists() and mine.exists()
