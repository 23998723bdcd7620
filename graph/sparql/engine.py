"""Running queries: the engine protocol that the embedded store and remote endpoints implement, and
the embedded engine (pyoxigraph) with the policy check in front of it."""
from __future__ import annotations

import threading
from typing import Protocol

import pyoxigraph as ox

from ..errors import QueryError
from .results import QueryResult, from_pyoxigraph
from .text import (QuerySyntaxError, QueryTimeout, bind_values, check_policy, explain_syntax_error, one_line,
                   query_prefixes, uses_service)


class Engine(Protocol):
    """What answers a query: :class:`LocalEngine` (the embedded store) or
    :class:`graph.remote.RemoteEndpoint` (a SPARQL 1.1 endpoint). Both check the policy first."""

    def run(self, text: str, *, bindings: dict[str, list] | None = None, limit: int | None = None,
            allow_service: bool = False) -> QueryResult: ...


# ---------------------------------------------------------------- running embedded


def run_query(text: str, source=None, *, store: ox.Store | None = None, bindings: dict[str, list] | None = None,
              limit: int | None = None, allow_service: bool = False, timeout: float | None = None) -> QueryResult:
    """Run a SPARQL query on the embedded store of the graph at ``source`` (default: packaged data).

    ``timeout`` (seconds) stops waiting for an answer and raises :class:`QueryTimeout`."""
    form = check_policy(text, allow_service=allow_service)
    if bindings:
        text = bind_values(text, bindings)
    if store is None:
        from ..store import open_store

        store = open_store(source)
    return execute(store, text, limit=limit, form=form, timeout=timeout)


# The engine runs on a thread of its own with a large stack: its parser and evaluator recurse once
# per nesting level, and a text that slipped past nesting_depth() must end in an error, never in a
# crash. 1 GiB held 128,000 nested groups (256 KiB of text, MAX_QUERY_CHARS) in a measurement; the
# memory is only reserved, and touched as deep as a query really goes.
ENGINE_STACK_BYTES = 1024 * 1024 * 1024
_STACK_SIZE_LOCK = threading.Lock()


def execute(store: ox.Store, text: str, *, limit: int | None = None, form: str | None = None,
            timeout: float | None = None) -> QueryResult:
    """Parse and run ``text`` on ``store`` (no policy checks: call :func:`check_policy` first)."""
    from ..store import query_options  # the union of all graphs once a file was loaded

    outcome: list = []

    def answer() -> None:
        try:
            answer = store.query(text, prefixes=query_prefixes(), **query_options(store))
            outcome.append(from_pyoxigraph(answer, limit))
        except BaseException as err:  # noqa: BLE001 - handed to the calling thread
            outcome.append(err)

    with _STACK_SIZE_LOCK:
        previous = threading.stack_size(ENGINE_STACK_BYTES)
        try:
            worker = threading.Thread(target=answer, name="exokg-query", daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join(timeout)
    if not outcome:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was abandoned. "
                           "Fix: make it more selective (bind a parameter, add a LIMIT) or raise --timeout")
    result = outcome[0]
    if isinstance(result, QueryResult):
        return result
    if isinstance(result, SyntaxError):
        raise explain_syntax_error(text, str(result)) from None
    if isinstance(result, (OSError, RuntimeError, ValueError)):
        raise QueryError(f"the query failed: {one_line(str(result))}. "
                         "Fix: check the query; `exokg query --list` shows worked examples") from None
    raise result


def syntax_check(text: str) -> None:
    """Parse ``text`` against an empty store (raises :class:`QuerySyntaxError`).

    Skipped for queries with SERVICE (only reached when SERVICE is allowed): pyoxigraph would
    call the service while answering an ASK.
    """
    if uses_service(text):
        return
    try:
        execute(ox.Store(), text)
    except QuerySyntaxError:
        raise
    except QueryError:
        pass


class LocalEngine:
    """The embedded pyoxigraph store as an engine (same interface as RemoteEndpoint)."""

    def __init__(self, source=None, store: ox.Store | None = None):
        from ..store import open_store

        self.source = source
        self.store = store if store is not None else open_store(source)

    def run(self, text: str, *, bindings: dict[str, list] | None = None, limit: int | None = None,
            allow_service: bool = False) -> QueryResult:
        return run_query(text, store=self.store, bindings=bindings, limit=limit, allow_service=allow_service)
