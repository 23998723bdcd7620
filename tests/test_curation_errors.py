"""One test per kind of curation error: the message names the file, the line, the problem and
the fix, and `exokg build` writes nothing."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.build import OUTPUT_FILES, build, write_atomically
from graph.cli import cli, main
from graph.curation import load_curation, parse_references
from graph.errors import CurationError

from .conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
ENTITIES = "curation/a.entities.tsv"
STATEMENTS = "curation/a.statements.tsv"
STATEMENT_HEADER = ("id\tsubject\trelation\tobject\tcancer\tdrug\tcell_line\tdonor_cell\trecipient_cell\tbody_fluid\t"
                    "mechanism\tbiomarker_role\tmodel\tdirection\tcertainty\tevidence_level\tsection\ttable_row\treferences\t"
                    "inferred_references\tsummary")


def statement(**cells) -> str:
    """A statement line with the given cells (others empty)."""
    columns = STATEMENT_HEADER.split("\t")
    base = {"id": "x-001", "subject": "miR-522", "relation": "targets", "object": "ALOX15", "section": "3.1",
            "certainty": "stated", "evidence_level": "review_statement", "summary": "A statement written for a test."}
    base.update(cells)
    return "\t".join(base.get(c, "") for c in columns)


def entity(key, type_, label, synonyms="", curie="", xrefs="", broader="", flags="", note="") -> str:
    return "\t".join([key, type_, label, synonyms, curie, xrefs, broader, flags, note])


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def append(path: Path, line: str) -> int:
    """Append a line; return its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


CASES = [
    # (id, file, line to append or None, replace (old, new) or None, expected message part)
    ("unknown-entity-key", STATEMENTS, statement(object="ALOX-15"), None,
     "object 'ALOX-15' is not an entity key. Fix: add it to an *.entities.tsv file or fix the spelling"),
    ("unknown-relation", STATEMENTS, statement(relation="confersResistance"), None,
     "unknown relation 'confersResistance'. Fix: use one of"),
    ("domain-mismatch", STATEMENTS, statement(subject="cisplatin"), None,
     "subject 'cisplatin' is a Drug, outside the domain of targets (NonCodingRNA)"),
    ("range-mismatch", STATEMENTS, statement(relation="confersResistanceTo", object="gastric-cancer"), None,
     "object 'gastric-cancer' is a CancerType, outside the range of confersResistanceTo (Drug)"),
    ("unknown-section", STATEMENTS, statement(section="9.9"), None, "unknown section '9.9'. Fix: use one of"),
    ("missing-summary", STATEMENTS, statement(summary=""), None, "'summary' is empty"),
    ("missing-section", STATEMENTS, statement(section=""), None, "'section' is empty"),
    ("table1-without-row", STATEMENTS, statement(id="T1-99", section="T1"), None,
     "a Table 1 statement has no table_row. Fix: give the 1-based row of Table 1"),
    ("row-outside-table", STATEMENTS, statement(table_row="3"), None, "table_row is set but section is '3.1'"),
    ("reference-out-of-range", STATEMENTS, statement(references="218"), None,
     "references: number(s) [218] outside 1-217"),
    ("inferred-reference-out-of-range", STATEMENTS, statement(inferred_references="0"), None,
     "inferred_references: number(s) [0] outside 1-217"),
    ("reference-printed-and-inferred", STATEMENTS, statement(references="93", inferred_references="93"), None,
     "reference(s) [93] are both printed and inferred"),
    ("missing-certainty", STATEMENTS, statement(certainty=""), None, "'certainty' is empty"),
    ("missing-evidence-level", STATEMENTS, statement(evidence_level=""), None, "'evidence_level' is empty"),
    ("bad-certainty", STATEMENTS, statement(certainty="likely"), None,
     "certainty 'likely' is not allowed. Fix: use one of stated, hedged, proposed, predicted"),
    ("two-certainties", STATEMENTS, statement(certainty="stated|hedged"), None, "certainty has 2 values"),
    ("evidence-disagrees-with-model", STATEMENTS, statement(model="in vitro", evidence_level="patient"), None,
     "evidence_level 'patient' disagrees with model 'in vitro'. Fix: use in_vitro"),
    ("reference-syntax", STATEMENTS, statement(references="12a"), None, "references: '12a' is not a number or a range"),
    ("bad-enum", STATEMENTS, statement(model="mouse"), None, "model 'mouse' is not allowed. Fix: use one of in vitro"),
    ("qualifier-type", STATEMENTS, statement(cancer="cisplatin"), None,
     "cancer 'cisplatin' is a Drug. Fix: use an entity of type CancerType"),
    ("duplicate-statement-id", STATEMENTS, statement(id="3.1-001", object="ferroptosis", relation="suppresses"), None,
     "id '3.1-001' is already used at"),
    ("duplicate-statement", STATEMENTS, statement(id="3.1-099", subject="miR-522", relation="targets",
                                                  object="ALOX15", cancer="gastric-cancer", donor_cell="CAF"), None,
     "same statement as"),
    ("too-many-cells", STATEMENTS, statement() + "\textra", None, "22 cells but the header has 21"),
    ("unknown-type", ENTITIES, entity("C5", "Protein", "C5"), None, "unknown type 'Protein'. Fix: use one of"),
    ("duplicate-key", ENTITIES, entity("ALOX15", "GeneOrProtein", "ALOX15 again"), None,
     "key 'ALOX15' is already defined at"),
    ("duplicate-label", ENTITIES, entity("ALOX15b", "GeneOrProtein", "alox15"), None,
     "label 'alox15' is already used by GeneOrProtein 'ALOX15'"),
    ("bad-key", ENTITIES, entity("miR-221/222", "MicroRNA", "miR-221/222"), None,
     "key 'miR-221/222' has characters outside"),
    ("curie-pattern", ENTITIES, entity("TP53", "GeneOrProtein", "TP53", curie="hgnc:HGNC:11998"), None,
     "'hgnc:HGNC:11998' does not match the hgnc pattern"),
    ("curie-prefix", ENTITIES, entity("TP53", "GeneOrProtein", "TP53", curie="HGNC:11998"), None,
     "'HGNC:11998' uses unknown prefix 'HGNC' (did you mean hgnc?)"),
    ("duplicate-curie", ENTITIES, entity("cddp", "Drug", "cis-platinum", curie="chebi:27899"), None,
     "chebi:27899 is also the identifier of 'cisplatin'"),
    ("broader-unknown", ENTITIES, entity("GC-sub", "CancerType", "intestinal gastric cancer", broader="GCx"), None,
     "broader 'GCx' is not an entity key"),
    ("broader-type", ENTITIES, entity("GC-sub", "CancerType", "intestinal gastric cancer", broader="cisplatin"), None,
     "broader 'cisplatin' is a Drug, not a CancerType"),
    ("unknown-flag", ENTITIES, entity("x-rna", "NonCodingRNA", "some RNA", flags="nameless"), None,
     "unknown flag 'nameless'"),
    ("unknown-column", ENTITIES, None, ("key\ttype\tlabel", "key\ttype\tlabel\tcolour"), "unknown column(s) colour"),
    ("missing-column", STATEMENTS, None, ("\tsummary\n", "\n"), "missing required column(s) summary"),
]


@pytest.mark.parametrize("case_id,file,line,replace,expected", CASES, ids=[c[0] for c in CASES])
def test_error_message(data, case_id, file, line, replace, expected):
    path = data / file
    if line is not None:
        lineno = append(path, line)
    else:
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
        lineno = None
    with pytest.raises(CurationError) as info:
        load_curation(data)
    messages = [str(p) for p in info.value.problems]
    matching = [m for m in messages if expected in m]
    assert matching, f"expected '{expected}' among {messages}"
    assert all(m.startswith(str(path)) or path.name in m.split(":")[0] for m in matching)
    if lineno is not None:
        assert any(f"{path.name}:{lineno}:" in m for m in matching), matching
    assert all("Fix:" in m for m in messages)


def test_build_writes_nothing_on_bad_input(data, tmp_path):
    append(data / STATEMENTS, statement(object="ALOX-15"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)], standalone_mode=False)
    assert isinstance(result.exception, CurationError)
    assert not out.exists()


def test_cli_prints_readable_lines_and_exits_nonzero(data, tmp_path, capsys):
    lineno = append(data / STATEMENTS, statement(relation="confersResistance"))
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"a.statements.tsv:{lineno}: unknown relation 'confersResistance'" in err
    assert "Traceback" not in err
    assert "nothing was written" in err


def outputs_of(out):
    """A build folder's files, and the store version its store link points at."""
    return ({p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.is_symlink()},
            (out / "store").resolve())


def test_existing_outputs_survive_a_failed_build(data, tmp_path):
    out = tmp_path / "out"
    main_ok = CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)])
    assert main_ok.exit_code == 0, main_ok.output
    before = outputs_of(out)
    append(data / ENTITIES, entity("ALOX15", "GeneOrProtein", "dup"))
    CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)])
    assert outputs_of(out) == before


def test_reference_ranges_expand():
    assert parse_references("18-20|139") == (18, 19, 20, 139)
    assert parse_references("18–20") == (18, 19, 20)
    with pytest.raises(ValueError):
        parse_references("20-18")


# ---------------------------------------------------------------- issue 12: hostile inputs

REFERENCES = "references.tsv"
SECTIONS = "sections.tsv"
REFUSED_CHARACTERS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\x00", "\ufffe", "\uffff",
                      "\x01", "\x7f", "\r", "\ufeff"]


def problems_of(data: Path) -> list[str]:
    with pytest.raises(CurationError) as info:
        load_curation(data)
    messages = [str(p) for p in info.value.problems]
    assert messages and all(re.fullmatch(r"[^\n]+:\d+: [^\n]+\. Fix: [^\n]+", m) for m in messages), messages
    return messages


@pytest.mark.parametrize("char", REFUSED_CHARACTERS, ids=[f"U+{ord(c):04X}" for c in REFUSED_CHARACTERS])
def test_control_characters_in_a_cell_are_refused_with_column_and_code_point(data, char):
    lineno = append(data / STATEMENTS, statement(id="3.1-050", summary=f"A summary{char}with a hidden character."))
    messages = problems_of(data)
    assert any(f"a.statements.tsv:{lineno}: column 'summary' holds U+{ord(char):04X}" in m for m in messages), messages


def test_a_control_character_in_an_entity_label_is_refused(data):
    lineno = append(data / ENTITIES, entity("TP53", "GeneOrProtein", "TP\u202853"))
    assert any(f"a.entities.tsv:{lineno}: column 'label' holds U+2028 (LINE SEPARATOR)" in m
               for m in problems_of(data))


def test_a_huge_reference_range_is_refused_without_expanding_it(data):
    lineno = append(data / STATEMENTS, statement(id="3.1-050", references="1-99999999"))
    messages = problems_of(data)
    assert any(f":{lineno}: references: range 1-99999999 runs past the review's last reference, 217" in m
               for m in messages)
    assert max(len(m) for m in messages) < 400


@pytest.mark.parametrize("name,content,expected", [
    ("latin1", "key\ttype\tlabel\ncaf\xe9\tCellType\tcaf\xe9\n".encode("latin-1"),
     ":2: is not valid UTF-8: byte 0xE9 at column 4"),
    ("utf16", "key\ttype\tlabel\n".encode("utf-16"), ":1: is UTF-16 (or UTF-32) text. Fix: save it as UTF-8"),
    ("utf16-no-bom", "key\ttype\tlabel\n".encode("utf-16-le"), ":1: is UTF-16"),
    ("invalid-utf8", b"key\ttype\tlabel\nx\tCellType\t\xff\xfe\xfd\n", ":2: is not valid UTF-8: byte 0xFF"),
])
def test_files_not_in_utf8_are_refused_with_their_line(data, name, content, expected):
    (data / "curation" / "b.entities.tsv").write_bytes(content)
    assert any("b.entities.tsv" in m and expected in m for m in problems_of(data))


def test_a_utf8_byte_order_mark_is_accepted(data):
    path = data / ENTITIES
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "ALOX15" in load_curation(data).entities


def test_special_files_named_tsv_are_reported_and_never_opened(data):
    folder = data / "curation"
    (folder / "dir.entities.tsv").mkdir()
    (folder / "dangling.entities.tsv").symlink_to(folder / "nowhere.tsv")
    (folder / "loop.entities.tsv").symlink_to(folder / "loop.entities.tsv")
    os.mkfifo(folder / "fifo.statements.tsv")  # opening it for reading in blocking mode would hang
    messages = problems_of(data)
    expected = {"dir.entities.tsv:0: is a directory, not a text file",
                "dangling.entities.tsv:0: is a symbolic link to a missing file",
                "loop.entities.tsv:0: is a symbolic link that loops",
                "fifo.statements.tsv:0: is a named pipe (FIFO), not a text file"}
    for part in expected:
        assert any(part in m for m in messages), (part, messages)


def test_a_fifo_beside_the_tables_does_not_hang_the_build(data, tmp_path):
    os.mkfifo(data / "curation" / "notes.tsv")  # not a table name: ignored, and never read for the digest
    result = build(tmp_path / "out", data)
    assert result.statements == 6


@pytest.mark.parametrize("case,file,replace,expected", [
    ("reference-x1", REFERENCES, ("\n2\t", "\nx1\t"), ":2: reference number 'x1' is not a number from 1 to 217"),
    ("reference-duplicate", REFERENCES, None, ":3: reference 2 is already listed at line 2"),
    ("missing-citation-column", REFERENCES, ("number\tcitation\t", "number\t"),
     ":1: missing required column(s) citation"),
    ("section-duplicate", SECTIONS, None, ":5: section 2 is already listed at line 2"),
    ("repeated-header-column", ENTITIES, ("key\ttype\tlabel\t", "key\ttype\tlabel\tlabel\t"),
     ":1: column 'label' appears 2 times in the header (cells 3, 4)"),
    ("table-row-superscript", STATEMENTS, ("T1\t4\t", "T1\t\u00b2\t"), "table_row '\u00b2' is not a row number"),
    ("self-broader", ENTITIES, ("gastric-cancer\tCancerType\tgastric cancer\tGC|stomach cancer\tdoid:10534\t"
                                "mondo:0001056\t", "gastric-cancer\tCancerType\tgastric cancer\tGC|stomach cancer\t"
                                "doid:10534\tmondo:0001056\tgastric-cancer"),
     "'gastric-cancer' is its own broader entity"),
    ("doi-with-space", REFERENCES, ("10.1016/j.cancergen", "10.1016/j cancergen"), "which an IRI cannot hold"),
])
def test_bad_reference_section_and_header_rows(data, case, file, replace, expected):
    path = data / file
    if replace is None:  # repeat the first data row
        lines = path.read_text(encoding="utf-8").split("\n")
        row = next(line for line in lines[1:] if line.startswith(("2\t", "3.1\t")))
        path.write_text("\n".join(lines).rstrip("\n") + "\n" + row + "\n", encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    messages = problems_of(data)
    assert any(path.name in m and expected in m for m in messages), (expected, messages)


def test_a_broader_cycle_is_refused(data):
    append(data / ENTITIES, entity("GC-a", "CancerType", "gastric cancer type a", broader="GC-b"))
    append(data / ENTITIES, entity("GC-b", "CancerType", "gastric cancer type b", broader="GC-a"))
    messages = problems_of(data)
    assert sum("broader entities form a cycle: GC-a -> GC-b -> GC-a" in m for m in messages) == 1, messages


@pytest.mark.parametrize("case", ["empty-folder", "curation-is-a-file", "only-headers", "no-folder"])
def test_an_empty_or_missing_curation_never_builds_over_a_good_build(data, tmp_path, case, capsys):
    out = tmp_path / "out"
    build(out, data)
    before = outputs_of(out)
    folder = data / "curation"
    if case == "empty-folder":
        shutil.rmtree(folder)
        folder.mkdir()
    elif case == "curation-is-a-file":
        shutil.rmtree(folder)
        folder.write_text("not a folder\n", encoding="utf-8")
    elif case == "only-headers":
        for path in folder.iterdir():
            path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    else:
        shutil.rmtree(folder)
    code, _, err = run_cli(capsys, "build", "--data", str(data), "--out", str(out))
    assert code == 1
    assert "curation" in err and "Fix:" in err and "Traceback" not in err
    assert outputs_of(out) == before


def test_coverage_refuses_a_binary_review_in_one_line(tmp_path, capsys):
    review = tmp_path / "review.txt"
    review.write_bytes(bytes(range(256)) * 4)
    code, out, err = run_cli(capsys, "coverage", "--review", str(review))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"error: {review}:2: is not valid UTF-8: byte 0x80 at column 118")
    assert "Traceback" not in err


def test_a_killed_build_leaves_temp_files_that_the_next_build_removes(data, tmp_path):
    """Kill (SIGKILL) a real build at its first rename, then build again into the same folder."""
    out = tmp_path / "out"
    script = ("import os, signal, sys\n"
              "from graph.build import build\n"
              "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
              "build(sys.argv[1], sys.argv[2])\n")
    run = subprocess.run([sys.executable, "-c", script, str(out), str(data)], capture_output=True)
    assert run.returncode == -signal.SIGKILL
    store_parts = {".store", ".store.lock"}  # the store's versions and its writer lock (graph/storage.py)
    left = sorted(p.name for p in out.iterdir() if p.name not in store_parts)
    assert left and all(name.startswith(".") and (name.endswith(".exokg-tmp") or name.startswith(".store-link-"))
                        for name in left), left
    build(out, data)
    assert sorted(p.name for p in out.iterdir() if p.name not in store_parts) == sorted(OUTPUT_FILES + ("store",))


def test_a_failing_write_removes_its_temp_files(tmp_path, monkeypatch):
    out = tmp_path / "out"

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomically(out, {"a.txt": b"1", "b.txt": b"2"})
    assert list(out.iterdir()) == []
