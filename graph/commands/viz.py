"""viz: one self-contained, offline HTML page of the network (see docs/viz.md)."""
from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

import click

from ..errors import ExoKGError, QueryError
from ..model import CERTAINTIES as CERTAINTY_CHOICES
from .core import GRAPH_OPTION


def _query_text(value: str) -> str:
    """A CONSTRUCT query given as a file, the name of a packaged query, or the text itself."""
    path = Path(value)
    if value.endswith((".rq", ".sparql")) or (len(value) < 256 and "\n" not in value and path.is_file()):
        if not path.is_file():
            raise QueryError(f"query file {value} does not exist. Fix: give an existing .rq file or the query text")
        return path.read_text(encoding="utf-8")
    if value.replace("-", "_").replace("_", "").isalnum():
        packaged = resources.files("graph.queries").joinpath(f"{value}.rq")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
        raise QueryError(f"no query file or packaged query named '{value}'. "
                         "Fix: give a .rq file, a packaged query name, or CONSTRUCT { ... } WHERE { ... }")
    return value


class GroupByChoice(click.Choice):
    """type, cancer or none (auto: the default); anything else is a one-line error."""

    def convert(self, value, param, ctx):
        from ..viz import grouping_name

        try:
            return grouping_name(value)
        except ExoKGError as err:
            self.fail(str(err), param, ctx)  # a usage error: one line, exit 2


@click.command("viz")
@GRAPH_OPTION
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("exokg.html"),
              show_default=True, help="HTML file to write (replaced atomically).")
@click.option("--focus", metavar="ENTITY", help="Draw only what lies within --hops statements of this entity.")
@click.option("--hops", type=click.IntRange(0, 10), default=1, show_default=True, help="Radius around --focus.")
@click.option("--cancer", "cancers", multiple=True, metavar="CANCER",
              help="Keep statements about this cancer or its subtypes (repeatable: any of them).")
@click.option("--drug", "drugs", multiple=True, metavar="DRUG", help="Keep statements about this drug (repeatable).")
@click.option("--relation", "relations", multiple=True, metavar="RELATION",
              help="Keep statements with this relation, e.g. confersResistanceTo (repeatable).")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Keep entities of this type (and subtypes) and the statements among them (repeatable).")
@click.option("--certainty", "certainties", multiple=True, type=click.Choice(CERTAINTY_CHOICES),
              help="Keep statements of this certainty (repeatable: any of them).")
@click.option("--construct", metavar="QUERY",
              help="Draw the result of a SPARQL CONSTRUCT query: a .rq file, a packaged query name or the text.")
@click.option("--group-by", "group_by", type=GroupByChoice(["type", "cancer", "none"]), default="auto",
              help="How the page opens: one node per entity type, per cancer, or every entity on its own "
                   "(default: type for an unfocused view of more than 150 entities, else none). "
                   "The page can switch.")
@click.option("--sources", "sources", metavar="NAMES",
              help="Whose statements to draw, comma-separated: review (the review and files added with "
                   "`exokg load`) and resources brought in with `exokg import`, e.g. review,mirtarbase "
                   "(default: review). Statements are coloured by source.")
@click.option("--title", help="Page title (default: says what is drawn).")
def viz_command(graph_source, out, focus, hops, cancers, drugs, relations, types, certainties, construct, group_by,
                sources, title):
    """Write one HTML page with the interactive network; it works offline and can be e-mailed.

    \b
    exokg viz                                    the whole graph
    exokg viz --focus miR-21 --hops 2            two statements around miR-21
    exokg viz --cancer lung-cancer --drug cisplatin
    exokg viz --type MicroRNA --type GeneOrProtein --relation targets
    exokg viz --construct my-query.rq            a CONSTRUCT result
    exokg viz --group-by cancer                  open with one node per cancer
    """
    from ..entities import resolve
    from ..projection import projection, projection_is_kept
    from ..viz import (AGGREGATE_NODES, VizError, construct_view, graph_view, render_aggregate, run_construct, select,
                       write_html)

    if construct is not None:
        if focus or cancers or drugs or relations or types or certainties:
            raise VizError("--construct draws the query result as it is and does not combine with "
                           "--focus/--cancer/--drug/--relation/--type. Fix: filter in the query's WHERE clause")
        triples = run_construct(_query_text(construct), graph_source)
        view = construct_view(triples, title=title or "ExoKG CONSTRUCT result", source=graph_source)
    elif not (focus or cancers or drugs or relations or types or certainties) and _review_only(sources) \
            and not projection_is_kept(graph_source) and _whole_from_store(graph_source, out, title, group_by):
        # the whole graph of a store version whose projection was never computed: read in columns, which
        # costs far less time and memory than computing the projection (a kept projection is faster still)
        return
    else:
        G, origin = _with_sources(projection(graph_source), graph_source, sources)
        if focus or cancers or drugs or relations or types or certainties or not len(G):
            nodes, edges, description = select(G, focus=focus, hops=hops, cancers=cancers, drugs=drugs,
                                               relations=relations, types=types, source=graph_source,
                                               certainties=certainties)
        else:  # the whole graph: nothing to select (a large store would spend seconds listing it)
            nodes, edges, description = list(G), list(G.edges(keys=True)), "whole graph"
        whole = description == "whole graph"
        centre = [resolve(focus, graph_source).iri] if focus else []
        if len(nodes) >= AGGREGATE_NODES:  # too many to draw one by one: groups opened on demand
            page = render_aggregate(G, None if whole else nodes, None if whole else edges,
                                    title=title or ("ExoKG: " + description), description=description,
                                    group_by="type" if group_by == "auto" else group_by, highlight_nodes=centre,
                                    sources=origin)
            path = write_html(page, out)
            click.echo(f"wrote {path} ({path.stat().st_size:,} bytes): {len(nodes)} entities, {len(edges)} statements, "
                       f"grouped by {'type' if group_by == 'auto' else group_by}")
            return
        view = graph_view(G, None if whole else nodes, None if whole else edges,
                          title=title or ("ExoKG: " + description), description=description, highlight_nodes=centre,
                          sources=origin)
    path = write_html(dataclasses.replace(view, group_by=group_by), out)
    n_nodes, n_edges = view.counts
    click.echo(f"wrote {path} ({path.stat().st_size:,} bytes): {n_nodes} entities, {n_edges} statements")


def _review_only(sources: str | None) -> bool:
    from ..viz.sources import REVIEW

    return sources is None or [s.strip() for s in sources.split(",") if s.strip()] == [REVIEW]


def _whole_from_store(graph_source, out, title, group_by) -> bool:
    """The aggregated page of the whole graph, read from the store in columns (graph.viz.columns),
    without the projection; False (nothing written) when the graph is too small for that page."""
    from ..hierarchy import load_broader
    from ..viz import AGGREGATE_NODES, write_html
    from ..viz.aggregate import aggregate_columns
    from ..viz.columns import read_columns
    from ..viz.page import _check_grouping, aggregate_page

    cols = read_columns(graph_source)
    if len(cols.ids) < AGGREGATE_NODES:
        return False
    grouping = "type" if group_by == "auto" else group_by
    _check_grouping(grouping)
    n_nodes, n_edges = len(cols.ids), len(cols.sid)
    payload = aggregate_columns(cols, load_broader(graph_source))
    del cols
    page = aggregate_page(payload, title=title or "ExoKG: whole graph", description="whole graph", group_by=grouping)
    del payload
    path = write_html(page, out)
    click.echo(f"wrote {path} ({path.stat().st_size:,} bytes): {n_nodes} entities, {n_edges} statements, "
               f"grouped by {grouping}")
    return True


def _with_sources(G, graph_source, sources: str | None):
    """The projection with the statements of ``--sources`` and each statement's source (None when
    everything drawn comes from the review: the page then names no source per statement)."""
    from ..viz.sources import REVIEW, source_names, with_sources

    wanted = [s.strip() for s in (sources or REVIEW).split(",") if s.strip()]
    if sources is not None and not wanted:
        raise click.UsageError("--sources is empty. Fix: --sources review or e.g. --sources review,mirtarbase")
    if wanted == [REVIEW]:
        from ..store import open_store

        if not any(n.startswith("loaded ") for n in source_names(open_store(graph_source)).values()):
            return G, None
    G, origin = with_sources(G, graph_source, wanted)
    return G, origin


COMMANDS = [viz_command]
