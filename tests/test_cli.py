"""The installed console script, run as a user runs it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import IN_CI, REPO, run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def exokg() -> str:
    """The `exokg` console script next to this interpreter (as installed by README's command)."""
    candidate = Path(sys.executable).parent / "exokg"
    if not candidate.exists():
        found = shutil.which("exokg")
        if found is None:
            if IN_CI:
                pytest.fail("the exokg console script is not installed; run README's setup command")
            pytest.skip("exokg console script not installed (pip install -e '.[test]')")
        candidate = Path(found)
    return str(candidate)


def run(exokg, *args, cwd=None):
    return subprocess.run([exokg, *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_build_stats_validate_from_the_console_script(exokg, tmp_path):
    """The installed script on the minimal fixture (the packaged graph's build, stats and SHACL
    report are tested in-process: test_build.py, test_competency.py)."""
    out = tmp_path / "out"
    built = run(exokg, "build", "--data", str(MINIMAL), "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert re.search(r"10 entities, 6 statements, (\d+) triples", built.stdout)
    for name in ("exokg.ttl", "exokg.nt", "exokg.jsonld", "void.ttl"):
        assert (out / name).stat().st_size > 0
    stats = run(exokg, "stats", "--graph", str(out), "--format", "tsv")
    assert stats.returncode == 0, stats.stderr
    assert "Statements per section" in stats.stdout and "\nT1\t" in stats.stdout
    validated = run(exokg, "validate", "--graph", str(out))
    assert validated.returncode == 0 and "conforms: 0 violations" in validated.stdout


def test_stats_of_the_packaged_graph_count_what_the_build_wrote(built, capsys):
    """`exokg stats` on the full graph, in-process (the console script above runs on the fixture)."""
    code, out, err = run_cli(capsys, "stats", "--graph", str(built.out_dir), "--format", "json")
    assert code == 0, err
    stats = json.loads(out)
    assert sum(row["entities"] for row in stats["entity_types"]) == built.entities
    assert sum(row["statements"] for row in stats["relations"]) == built.statements
    assert sum(row["statements"] for row in stats["sections"]) == built.statements
    assert {row["section"] for row in stats["sections"]} >= {"1", "3.1", "T1"}


def test_bad_input_is_one_line_per_problem_and_exit_1(exokg, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    with (data / "curation" / "a.statements.tsv").open("a", encoding="utf-8") as handle:
        handle.write("x-1\tmiR-522\ttargets\tnobody" + "\t" * 11 + "stated\treview_statement\t3.1\t\t\t\tBroken on purpose.\n")
    result = run(exokg, "build", "--data", str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"a\.statements\.tsv:\d+: object 'nobody' is not an entity key\. Fix: ", result.stderr)
    assert not (tmp_path / "out").exists()


def test_missing_graph_is_a_clear_error(exokg, tmp_path):
    result = run(exokg, "stats", "--graph", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "does not exist. Fix: run `exokg build" in result.stderr


def test_every_package_folder_is_listed_in_pyproject():
    """An installed wheel must carry every subpackage: pyproject lists them explicitly."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "graph").rglob("__init__.py")}
    assert folders - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"


def test_lazy_command_table_matches_the_modules():
    """Every command of every graph.commands module is reachable under its own name, and no more."""
    import importlib

    from graph.cli import COMMAND_MODULES

    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(f"graph.commands.{module_name}")
        names = {command.name for command in module.COMMANDS}
        assert names == {n for n, m in COMMAND_MODULES.items() if m == module_name}, module_name


@pytest.mark.parametrize("width", [60, 80, 100])
def test_help_lists_every_command_as_click_would_from_the_real_commands(width):
    """`exokg --help` lists the commands from a static table (no command module imported): the
    listing is the one click writes from the real commands and their docstrings, at any width."""
    import importlib

    import click

    from graph.cli import COMMAND_MODULES, cli

    real = click.Group("exokg")
    for module_name in set(COMMAND_MODULES.values()):
        for command in importlib.import_module(f"graph.commands.{module_name}").COMMANDS:
            real.add_command(command)
    ours, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(click.Context(cli), ours)
    real.format_commands(click.Context(real), clicks)
    assert ours.getvalue() == clicks.getvalue()
    assert len(ours.getvalue().splitlines()) == len(COMMAND_MODULES) + 1  # "Commands:" and one line each


def test_help_imports_no_command_module():
    probe = ("import sys\nfrom graph.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in sys.modules if m.startswith('graph.commands.')), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "resistance" in done.stdout and "viz" in done.stdout
    assert "LOADED []" in done.stderr


def test_unreachable_endpoint_is_one_line_from_the_console_script(exokg):
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(exokg, "resistance", "--drug", "cisplatin", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: cannot reach http://127.0.0.1:{port}/query")
    assert len(result.stderr.strip().splitlines()) == 1
