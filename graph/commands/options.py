"""The options that most commands share (--graph, --format), in a module of their own: a command
imports them without loading the definitions of other topics' commands."""
from __future__ import annotations

from pathlib import Path

import click

from ..output import ROW_FORMATS


def _checked_graph(_ctx, _param, value: Path | None) -> Path | None:
    """A graph given with --graph is checked (:mod:`graph.graphcheck`: a few bounded queries for
    anything the view would refuse) before the command runs, so a foreign or partial graph gets the
    same one-line error from every command without reading the whole graph. A store version never
    changes, so its passing the check is kept beside it (keyed on the code of the check and of the
    view) and the next command does not ask again."""
    if value is not None:
        check_once(value)
    return value


def check_once(source: Path | None) -> None:
    """Run the --graph check on ``source`` unless this store version has passed it already (a build
    or a load may have marked it so: :mod:`graph.graphcheck`); raises GraphContentError, naming the
    graph, for a foreign or partial graph."""
    from ..graphcheck import check_graph, checked
    from ..store import store_stamp

    checked(store_stamp(source), lambda: check_graph(source))


GRAPH_HELP = "Build folder (its store) or .nt/.ttl file (default: the packaged data, built once into the cache)."
GRAPH_OPTION = click.option("--graph", "graph_source", type=click.Path(path_type=Path), default=None,
                            callback=_checked_graph, help=GRAPH_HELP)
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table", show_default=True)
