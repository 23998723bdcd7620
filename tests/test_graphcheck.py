"""The --graph check is a few bounded queries: each partial graph is caught by one of them (not only
by the view's full read), and the intact graph passes all of them."""
from __future__ import annotations

import pytest

from graph.graphcheck import first_offender
from graph.store import open_store

from .test_foreign_graphs import PARTIAL, triples, write_partial  # noqa: F401 - triples is a fixture


@pytest.mark.parametrize("case", sorted(PARTIAL))
def test_each_partial_graph_is_caught_by_a_query(case, triples, tmp_path):  # noqa: F811
    assert first_offender(open_store(write_partial(tmp_path, triples, case))) is not None


def test_the_intact_graph_passes_every_query(triples, tmp_path):  # noqa: F811
    graph = tmp_path / "whole.nt"
    graph.write_text("\n".join(triples) + "\n", encoding="utf-8")
    assert first_offender(open_store(graph)) is None
