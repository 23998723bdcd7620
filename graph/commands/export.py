"""export: the graph in RDF and graph formats, with a VoID/DCAT description (docs/export.md)."""
from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import ExoKGError
from ..export import FORMAT_NAMES, FORMATS, export, get_format
from .core import GRAPH_OPTION


class FormatChoice(click.Choice):
    """The names of the format table; an unknown one is a one-line error listing them."""

    def convert(self, value, param, ctx):
        try:
            return get_format(value).name
        except ExoKGError as err:
            self.fail(str(err), param, ctx)  # a usage error: one line, exit 2


def _formats_help() -> str:
    lines = []
    for fmt in FORMATS.values():
        where = "folder" if fmt.folder else f"*{fmt.suffix}"
        lines.append(f"{fmt.name:9} {where:9} {fmt.description}")
    return "\b\n" + "\n".join(lines)


EPILOG = "Formats:\n\n" + _formats_help() + "\n\nSee docs/export.md for what each format carries."


@click.command("export", epilog=EPILOG)
@click.option("--format", "fmt", required=True, type=FormatChoice(FORMAT_NAMES, case_sensitive=False),
              help="Output format.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="File to write (one-file formats; default exokg.<suffix>) or folder (csv, kgx, neo4j; "
                   "default exokg-<format>). A dataset description (VoID + DCAT) is written beside it.")
@GRAPH_OPTION
@click.option("--sources", default=None, metavar="NAMES",
              help="review (the default), or review and sources imported into the build, comma-separated "
                   "(review,mirtarbase) or all: TriG and N-Quads keep each in its named graph, the graph formats "
                   "label every edge with its source; the triple formats hold the review only.")
def export_command(fmt: str, out: Path | None, graph_source: Path | None, sources: str | None):
    """Export the graph for other tools: RDF (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads),
    GraphML, Cytoscape.js JSON, nodes/edges CSV, KGX TSV or Neo4j admin-import CSV. Every edge of a
    graph format names its knowledge source (the review, a file added with `exokg load`, or an
    imported source with --sources). The files loaded into the build folder are exported with the
    review: merged into the triple formats, each in its own named graph in TriG and N-Quads."""
    started = time.perf_counter()
    result = export(fmt, out, graph_source, sources=sources)
    for path, size in zip(result.paths, result.files.values()):
        click.echo(f"wrote {path} ({size:,} bytes)")
    if result.loaded:
        click.echo(f"with {len(result.loaded)} file(s) added by `exokg load`: {', '.join(result.loaded)}")
    if result.format.loses:
        click.echo(f"{result.format.name} does not carry: " + "; ".join(result.format.loses) + ".")
    else:
        click.echo(f"{result.format.name} carries every triple of the graph.")
    for what, count in result.dropped.items():
        click.echo(f"warning: not carried by {result.format.name}: {what} ({count} triple(s))", err=True)
    click.echo(f"exported in {time.perf_counter() - started:.1f} s")


COMMANDS = [export_command]
