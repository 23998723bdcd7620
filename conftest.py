"""Settings for every pytest run in this repository: tests/, the docstring examples in graph/
and the notebooks, whether run together or alone (``pytest graph/competency.py --doctest-modules``).

ExoKG builds the packaged graph into a cache (``$EXOKG_CACHE``, default ``~/.cache/exokg``) the
first time a command or function needs it. Under pytest that cache is a fresh folder per session,
so no run reads a stale build from, or writes into, the user's cache.
"""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Point ExoKG's cache at a per-session folder."""
    folder = tmp_path_factory.mktemp("exokg-cache")
    old = os.environ.get("EXOKG_CACHE")
    os.environ["EXOKG_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("EXOKG_CACHE", None)
    else:
        os.environ["EXOKG_CACHE"] = old
