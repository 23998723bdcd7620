"""One error and CLI policy: the whole exception tree in graph/errors.py, options checked in one
style (one line, exit 2), empty names refused, and no raw terminal control codes in text output."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph import errors
from graph.build import build

from .conftest import run_cli

PACKAGE = Path(__file__).resolve().parents[1] / "graph"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and re.match(r"^error: .+\. Fix: .+", lines[0]), err
    assert "Traceback" not in err
    return lines[0]


def test_every_exokg_error_class_is_defined_in_errors_py():
    """The tree lives in one module; other modules only re-export."""
    defined_elsewhere = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Refused", "Timeout", "Failed"))
                    for b in node.bases):
                defined_elsewhere.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}")
    assert defined_elsewhere == []
    from graph.export import ExportError
    from graph.paths import NoPathError
    from graph.query import QueryRefused
    from graph.viz import VizError
    assert (ExportError, NoPathError, QueryRefused, VizError) == (
        errors.ExportError, errors.NoPathError, errors.QueryRefused, errors.VizError)


@pytest.mark.parametrize("argv", [
    ["viz", "--hops", "11"],
    ["path", "a", "b", "--k", "0"],
    ["explain", "a", "b", "--effect", "more"],
    ["neighbors", "CIS", "--hops", "9"],
    ["export", "--format", "yaml"],
    ["stats", "--format", "xml"],
    ["stats", "--no-such-option"],
    ["explain", "CAF"],
    ["no-such-command"],
])
def test_a_bad_command_line_is_one_line_and_exit_2(argv, capsys):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert "Usage:" not in err and ("--help" in line or "Fix: use one of" in line)


@pytest.mark.parametrize("argv", [
    ["resistance", "--drug", ""], ["resistance", "--cancer", "  "], ["resistance", "--agent", ""],
    ["biomarkers", "--cancer", ""], ["biomarkers", "--fluid", ""], ["therapies", "--drug", ""],
    ["therapies", "--cancer", ""], ["show", ""], ["neighbors", ""], ["find", " "], ["path", "", "CIS"],
    ["explain", "CAF", ""],
])
def test_an_empty_name_is_an_error_on_every_question_command(argv, capsys, built_dir):
    code, out, err = run_cli(capsys, *argv, "--graph", str(built_dir))
    assert code != 0 and out == ""
    assert "empty" in one_error_line(err) or "nothing to search for" in err


def test_an_empty_filter_is_not_ignored_by_the_library(built_dir):
    from graph.competency import resistance

    assert resistance(drug="cisplatin", source=built_dir)  # the control: a real name answers
    with pytest.raises(errors.ParameterError, match="drug is empty"):
        resistance(drug="", source=built_dir)


@pytest.fixture(scope="module")
def escaped_graph(tmp_path_factory) -> Path:
    """The minimal build with an ESC colour sequence and a line separator in miR-522's label."""
    out = build(tmp_path_factory.mktemp("minimal"), MINIMAL).out_dir
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = []
    for line in (out / "exokg.nt").read_text(encoding="utf-8").splitlines():
        if line.startswith("<https://w3id.org/exokg/entity/miR-522> " + label):
            line = f'<https://w3id.org/exokg/entity/miR-522> {label} "miR-522\\u001B[31m red\\u2028" .'
        lines.append(line)
    path = tmp_path_factory.mktemp("escaped") / "escaped.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("argv", [
    ["show", "miR-522"], ["find", "miR"], ["neighbors", "miR-522"], ["path", "miR-522", "ALOX15"],
    ["explain", "miR-522", "chemotherapy"],
])
def test_text_output_shows_control_characters_escaped(argv, escaped_graph, capsys):
    code, out, err = run_cli(capsys, *argv, "--graph", str(escaped_graph))
    assert code == 0, err
    assert "\x1b" not in out and "\u2028" not in out
    assert "miR-522\\x1b[31m red\\u2028" in out


def test_json_output_keeps_the_value(escaped_graph, capsys):
    import json

    code, out, err = run_cli(capsys, "show", "miR-522", "--format", "json", "--graph", str(escaped_graph))
    assert code == 0, err
    assert json.loads(out)["entity"]["label"] == "miR-522\x1b[31m red\u2028"
