"""One test per kind of curation error: the message names the file, the line, the problem and
the fix, and `exokg build` writes nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli, main
from graph.curation import load_curation, parse_references
from graph.errors import CurationError

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


def test_existing_outputs_survive_a_failed_build(data, tmp_path):
    out = tmp_path / "out"
    main_ok = CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)])
    assert main_ok.exit_code == 0, main_ok.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    append(data / ENTITIES, entity("ALOX15", "GeneOrProtein", "dup"))
    CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_reference_ranges_expand():
    assert parse_references("18-20|139") == (18, 19, 20, 139)
    assert parse_references("18–20") == (18, 19, 20)
    with pytest.raises(ValueError):
        parse_references("20-18")
