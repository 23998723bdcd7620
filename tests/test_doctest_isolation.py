"""Docstring examples run alone (not through tests/) still keep out of the user's cache."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO


@pytest.mark.slow
def test_doctests_run_alone_write_nothing_under_home(tmp_path):
    """`pytest graph/... --doctest-modules` builds the packaged graph into a per-session cache
    (../conftest.py), never into ~/.cache/exokg: with HOME pointed at an empty folder, the
    folder stays empty while the examples (competency's ask the packaged graph) pass."""
    home, basetemp = tmp_path / "home", tmp_path / "basetemp"
    home.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "EXOKG_CACHE"}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(basetemp),
         "graph/store.py", "graph/competency.py", "--doctest-modules"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
    assert sorted(home.rglob("*")) == [], "the doctests wrote into HOME"
    built = {path.resolve() for path in basetemp.glob("exokg-cache*/build/*/exokg.nt")}  # pytest adds a *current link
    assert len(built) == 1, "the examples should have built the packaged graph into the session's cache"
