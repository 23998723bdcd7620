"""Shared fixtures. The packaged graph is built once per test session into a temporary folder,
so tests never depend on (or write to) the user's cache (../conftest.py points the cache at a
per-session folder for every run, doctests included)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.build import build

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO.parent / "shared" / "seed" / "000_d38584e5f5a7abb3.txt"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The packaged graph, built once per session (a BuildResult with .graph and .out_dir)."""
    return build(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built_dir(built) -> Path:
    """The folder of that build: exokg.ttl, exokg.nt, exokg.jsonld, void.ttl."""
    return built.out_dir


@pytest.fixture(scope="session")
def graph_file(built_dir) -> Path:
    return built_dir / "exokg.nt"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the packaged curated tables, for tests that break them on purpose."""
    from graph.curation import data_dir

    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def require_tool(name: str, reason: str):
    """Skip when an external tool is missing, except in CI, where it must be there."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI ({reason}) but is not on PATH; .ci/run should install it")
        pytest.skip(f"{name} not installed: {reason}")
    return path


def run_cli(capsys, *args):
    """(exit code, stdout, stderr) of `exokg ARGS` run in-process; 0 when the command returns normally."""
    from graph.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
