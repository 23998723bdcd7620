"""Fuzz the curated tables: a seeded generator mutates copies of the packaged tables (cells and
columns deleted, duplicated, swapped or replaced by hostile values, control characters injected,
lines truncated, files re-encoded, cut short or replaced by a directory, a FIFO or a bad link)
and each mutated copy is built. Every case must end one of two ways:

- refused: a CurationError whose every problem reads ``FILE:LINE: problem. Fix: ...`` (through the
  CLI: a non-zero exit, every stderr line ``error: ...``, no traceback), and the output folder
  byte-identical to the good build it held before (no temporary file left either);
- built: an ``exokg.nt`` that pyoxigraph parses, with as many triples as the build reports.

To keep the suite bounded (a full build takes seconds), the copy holds every packaged entity
table, sections.tsv, references.tsv and two of the packaged statement tables. The seed and the
case number make every case reproducible: the test id is the case number, and a failure message
says which mutation was made to which file.
"""
from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build import build
from graph.curation import data_dir
from graph.errors import CurationError

from .conftest import run_cli

SEED = 20260512
CASES = 60
STATEMENT_TABLES = ("text_audit.statements.tsv", "sec5.1-5.4.statements.tsv")
PROBLEM = re.compile(r"[^\n]+:\d+: [^\n]+\. Fix: [^\n]+")
CLI_LINE = re.compile(r"error: (?:[^\n]+:\d+: [^\n]+\. Fix: [^\n]+|\d+ curation problem\(s\); nothing was written)")
CONTROLS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\x00", "\ufffe", "\uffff", "\x01",
            "\x7f", "\r", "\ufeff", "\ud800", "\U0010ffff"]
INJECTED = ["\t", "|", "#", '"', "<", ">", "\\", "²", "٣", "\u0301", "\U0001f9ec", "\u202e", " ", "&", "'"]
HOSTILE_CELLS = ["", " ", "x1", "1-99999999", "99999999999999999999", "²", "-1", "0", "218", "NA", "a|b", "|||",
                 "18–20|139", "20-18", "=1+2", "<http://x>", '"', "hgnc:HGNC:1", "doi:10.1/a b", "T1", "F9", "abstract",
                 "miR-522", "cisplatin", "gastric-cancer", "x" * 5000, "\u00e9", "3.1"]


# ---------------------------------------------------------------- the mutations


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _data_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines after the header that hold data."""
    found = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    return found[1:] or found


def _cells_op(rng: random.Random, text: str, op) -> tuple[str, str]:
    lines = _lines(text)
    rows = _data_lines(lines)
    if not rows:
        return text, "no data line: unchanged"
    i = rng.choice(rows)
    cells = lines[i].split("\t")
    j = rng.randrange(len(cells))
    what = op(rng, cells, j)
    lines[i] = "\t".join(cells)
    return "\n".join(lines), f"line {i + 1}: {what}"


def delete_cell(rng, text):
    return _cells_op(rng, text, lambda rng, cells, j: f"deleted cell {j + 1} ({cells.pop(j)!r})")


def duplicate_cell(rng, text):
    return _cells_op(rng, text, lambda rng, cells, j: f"duplicated cell {j + 1} ({cells.insert(j, cells[j]) or ''})")


def swap_cells(rng, text):
    def op(rng, cells, j):
        k = rng.randrange(len(cells))
        cells[j], cells[k] = cells[k], cells[j]
        return f"swapped cells {j + 1} and {k + 1}"
    return _cells_op(rng, text, op)


def replace_cell(rng, text):
    def op(rng, cells, j):
        cells[j] = rng.choice(HOSTILE_CELLS)
        return f"cell {j + 1} := {cells[j][:30]!r}"
    return _cells_op(rng, text, op)


def _columns_op(rng: random.Random, text: str, op) -> tuple[str, str]:
    lines = _lines(text)
    rows = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    if not rows:
        return text, "empty: unchanged"
    width = len(lines[rows[0]].split("\t"))
    j = rng.randrange(width)
    k = rng.randrange(width)
    for i in rows:
        cells = lines[i].split("\t")
        cells += [""] * (width - len(cells))
        op(cells, j, k)
        lines[i] = "\t".join(cells)
    return "\n".join(lines), f"{op.__name__} {j + 1}, {k + 1}"


def delete_column(rng, text):
    def delete(cells, j, k):
        cells.pop(j)
    return _columns_op(rng, text, delete)


def duplicate_column(rng, text):
    def duplicate(cells, j, k):
        cells.insert(k, cells[j])
    return _columns_op(rng, text, duplicate)


def swap_columns(rng, text):
    def swap(cells, j, k):
        cells[j], cells[k] = cells[k], cells[j]
    return _columns_op(rng, text, swap)


def rename_column(rng, text):
    lines = _lines(text)
    cells = lines[0].split("\t")
    j = rng.randrange(len(cells))
    cells[j] = rng.choice(["", "Key", "label", "summary", "citation", "colour", cells[j] + " "])
    lines[0] = "\t".join(cells)
    return "\n".join(lines), f"header cell {j + 1} := {cells[j]!r}"


def duplicate_line(rng, text):
    lines = _lines(text)
    i = rng.choice(_data_lines(lines) or [0])
    lines.insert(i, lines[i])
    return "\n".join(lines), f"duplicated line {i + 1}"


def delete_line(rng, text):
    lines = _lines(text)
    i = rng.choice(_data_lines(lines) or [0])
    return "\n".join(lines[:i] + lines[i + 1:]), f"deleted line {i + 1}"


def truncate_line(rng, text):
    lines = _lines(text)
    i = rng.choice(_data_lines(lines) or [0])
    cut = rng.randrange(len(lines[i]) + 1)
    lines[i] = lines[i][:cut]
    return "\n".join(lines), f"cut line {i + 1} after {cut} characters"


def _inject(rng, text, chars):
    lines = _lines(text)
    i = rng.choice(_data_lines(lines) + [0])
    char = rng.choice(chars)
    at = rng.randrange(len(lines[i]) + 1)
    lines[i] = lines[i][:at] + char + lines[i][at:]
    return "\n".join(lines), f"inserted {char!r} into line {i + 1} at {at}"


def inject_character(rng, text):
    return _inject(rng, text, INJECTED)


def inject_control(rng, text):
    return _inject(rng, text, CONTROLS)


def crlf(rng, text):
    return text.replace("\n", "\r\n"), "CRLF line ends"


MUTATIONS = (delete_cell, duplicate_cell, swap_cells, replace_cell, delete_column, duplicate_column, swap_columns,
             rename_column, duplicate_line, delete_line, truncate_line, inject_character, inject_control, crlf,
             inject_control)


def mutate_bytes(rng: random.Random, path: Path) -> str:
    """Change the file's bytes or kind instead of its text."""
    kind = rng.choice(["latin1", "utf16", "bom", "invalid", "cut", "empty", "binary", "directory", "fifo",
                       "dangling", "loop"])
    data = path.read_bytes()
    if kind in ("directory", "fifo", "dangling", "loop"):
        path.unlink()
        if kind == "directory":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "dangling":
            path.symlink_to(path.with_name("missing.tsv"))
        else:
            path.symlink_to(path)
        return kind
    if kind == "latin1":
        data = data.decode("utf-8").encode("latin-1", "replace")
    elif kind == "utf16":
        data = data.decode("utf-8").encode("utf-16")
    elif kind == "bom":
        data = b"\xef\xbb\xbf" + data
    elif kind == "invalid":
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x28\xa1"]) + data[at:]
    elif kind == "cut":
        data = data[:rng.randrange(len(data) + 1)]
    elif kind == "empty":
        data = b""
    else:
        data = bytes(rng.randrange(256) for _ in range(512))
    path.write_bytes(data)
    return kind


# ---------------------------------------------------------------- the cases


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The reduced copy of the packaged tables (see the module docstring)."""
    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    for path in (target / "curation").glob("*.statements.tsv"):
        if path.name not in STATEMENT_TABLES:
            path.unlink()
    return target


@pytest.fixture(scope="module")
def good_build(pristine, tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("fuzz-good") / "out"
    build(out, pristine)
    return out, snapshot(out)


STORE_PARTS = {".store", ".store.lock"}  # the on-disk store's versions and writer lock (graph/storage.py)


def snapshot(folder: Path) -> tuple[dict[str, bytes], str]:
    """The build folder's files, and the store version its `store` link points at."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}
    return files, os.readlink(folder / "store")


def tables(data: Path) -> list[Path]:
    return [data / "sections.tsv", data / "references.tsv", *sorted((data / "curation").glob("*.tsv"))]


def make_case(case: int, data: Path) -> str:
    """Apply case ``case``'s mutation(s) to ``data``; return what was done."""
    rng = random.Random(f"{SEED}-{case}")
    done = []
    for _ in range(1 if case % 4 else 2):  # every fourth case mutates twice
        path = rng.choice(tables(data))
        if not path.is_file() or path.is_symlink():
            continue
        if case % 5 == 4:
            done.append(f"{path.name}: {mutate_bytes(rng, path)}")
            continue
        mutation = MUTATIONS[(case + len(done)) % len(MUTATIONS)]
        text, what = mutation(rng, path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
        done.append(f"{path.name}: {mutation.__name__} {what}")
    return "; ".join(done)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", range(CASES))
def test_a_mutated_table_is_refused_cleanly_or_builds_a_parseable_graph(case, pristine, good_build, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(pristine, data, symlinks=True)
    what = make_case(case, data)
    out = tmp_path / "out"
    shutil.copytree(good_build[0], out, symlinks=True)
    before = snapshot(out)
    if case % 6 == 0:  # through the CLI
        code, _, err = run_cli(capsys, "build", "--data", str(data), "--out", str(out))
        refused = code != 0
        if refused:
            assert "Traceback" not in err, (what, err)
            lines = err.rstrip("\n").split("\n")
            assert all(CLI_LINE.fullmatch(line) for line in lines), (what, lines)
            assert lines[-1].endswith("nothing was written"), (what, lines)
    else:
        try:
            result = build(out, data)
            refused = False
        except CurationError as err:
            refused = True
            messages = [str(p) for p in err.problems]
            assert messages and all(PROBLEM.fullmatch(m) for m in messages), (what, messages)
    if refused:
        assert snapshot(out) == before, what
        return
    nt = (out / "exokg.nt").read_bytes()
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    assert triples, what
    if case % 6:
        assert len(triples) == result.triples, what
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in STORE_PARTS], what
