"""The networkx projection of the RDF graph: entities and relations only.

It is the graph form of :mod:`graph.view` (:meth:`graph.view.GraphView.to_networkx`): nodes are
entity IRIs with the attributes of :class:`graph.view.Node` (``key``, ``label``, ``type``,
``curie``, ``mapped``, ``synonyms`` ...). Each assertion becomes one edge of a
:class:`networkx.MultiDiGraph`, keyed by its statement id, with the attributes of
:class:`graph.view.Edge` (``relation``, ``relation_label``, ``sign``, ``symmetric``,
``assertion`` (IRI), ``section``, ``section_title``, ``table_row``, ``references`` (numbers),
``inferred_references``, ``summary`` ...) and ``context``: a dict from qualifier column (``cancer``, ``drug``,
``cell_line``, ``donor_cell``, ``recipient_cell``, ``body_fluid``, ``mechanism``,
``biomarker_role``, ``model``, ``direction``, ``certainty``, ``evidence_level``) to a sorted list of entity IRIs or literal values,
stated columns only. Publications, sections and assertion nodes are not nodes here: loading the
whole RDF graph into networkx costs 20x more than this projection (shared/notes).

Computed once per store version and kept on disk beside it (:func:`graph.store.cached_beside`),
so a command starts from the pickle; treat the result as read-only (copy it to modify).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import networkx as nx

from .store import cached_beside, kept_beside, store_stamp
from .view import _view, view_code_file


def projection(source: Path | str | None = None) -> nx.MultiDiGraph:
    """The entity/relation projection of the graph at ``source`` (default: the packaged build).

    >>> G = projection()
    >>> all("relation" in d and "sign" in d for _, _, d in G.edges(data=True))
    True
    """
    return _projection(store_stamp(source), None if source is None else str(source))


@lru_cache(maxsize=4)
def _projection(stamp: str, origin: str | None = None) -> nx.MultiDiGraph:
    return cached_beside(stamp, "projection", view_code_file(), lambda: _view(stamp, origin).to_networkx())


def projection_is_kept(source: Path | str | None = None) -> bool:
    """Whether the projection of the graph at ``source`` is already kept beside its store version
    (so :func:`projection` reads it instead of computing it)."""
    return kept_beside(store_stamp(source), "projection", view_code_file()).is_file()
