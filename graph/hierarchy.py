"""The ``skos:broader`` hierarchy: parents, everything narrower or broader, context filters, and
the links as stored in a built graph.

The helpers take a plain child -> parent(s) mapping (a parent may be one value or several), so
they work on IRIs, keys or any hashable node; :func:`load_broader` reads that mapping from the
graph at ``source``. A cancer includes its subtypes and a drug class its drugs through these
helpers everywhere: path and chain filters (:mod:`graph.paths`, :mod:`graph.explain`) and the
network view's filters and cancer groups (:mod:`graph.viz`).
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["parents", "narrower", "broader_ancestors", "context_values", "load_broader"]


def parents(broader: Mapping, node) -> tuple:
    """The direct parents of ``node`` in a child -> parent(s) ``broader`` mapping.

    >>> parents({"LUAD": "NSCLC", "x": ["a", "b"]}, "LUAD"), parents({"x": ["a", "b"]}, "x"), parents({}, "y")
    (('NSCLC',), ('a', 'b'), ())
    """
    value = broader.get(node)
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def narrower(broader: Mapping[Any, Hashable | Iterable[Hashable]], node: Hashable) -> set:
    """``node`` and everything below it, given a child -> parent(s) ``broader`` mapping.

    >>> sorted(narrower({"NSCLC": "lung-cancer", "LUAD": "NSCLC", "GC": "cancer"}, "lung-cancer"))
    ['LUAD', 'NSCLC', 'lung-cancer']
    """
    children: dict = {}
    for child in broader:
        for parent in parents(broader, child):
            children.setdefault(parent, []).append(child)
    seen, todo = {node}, [node]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def broader_ancestors(broader: Mapping, node: Hashable) -> set:
    """Everything above ``node`` (not ``node`` itself).

    >>> sorted(broader_ancestors({"NSCLC": "lung-cancer", "lung-cancer": "cancer"}, "NSCLC"))
    ['cancer', 'lung-cancer']
    """
    seen, todo = set(), list(parents(broader, node))
    while todo:
        parent = todo.pop()
        if parent not in seen and parent != node:
            seen.add(parent)
            todo.extend(parents(broader, parent))
    return seen


def context_values(broader: Mapping, node: Hashable, generic: Collection = ()) -> frozenset:
    """The context values a filter on ``node`` accepts: ``node``, its subtypes (via ``broader``)
    and the ``generic`` values, which mean "not specified" (a statement about ``cancer`` in
    general, or ``chemotherapy`` with no drug named, is kept like one without context).

    >>> sorted(context_values({"NSCLC": "lung-cancer", "lung-cancer": "cancer"}, "lung-cancer", {"cancer"}))
    ['NSCLC', 'cancer', 'lung-cancer']
    """
    return frozenset(narrower(broader, node) | set(generic))


@lru_cache(maxsize=4)
def _load_broader(stamp: str) -> dict[str, tuple[str, ...]]:
    from .store import open_store, query_options

    result: dict[str, list[str]] = {}
    query = "SELECT ?c ?p WHERE { ?c <http://www.w3.org/2004/02/skos/core#broader> ?p }"
    store = open_store(stamp)
    for row in cast("ox.QuerySolutions", store.query(query, **query_options(store))):
        result.setdefault(row["c"].value, []).append(row["p"].value)
    return {c: tuple(sorted(p)) for c, p in result.items()}


def load_broader(source: Path | str | None = None) -> dict[str, tuple[str, ...]]:
    """The ``skos:broader`` links of the graph at ``source`` as child IRI -> parent IRIs (cached)."""
    from .store import store_stamp

    return _load_broader(store_stamp(source))
