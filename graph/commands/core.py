"""build, validate, stats."""
from __future__ import annotations

from pathlib import Path

import click

from ..build import OUTPUT_FILES, build
from ..errors import ValidationFailed
from ..output import ROW_FORMATS, render
from ..stats import compute_stats
from ..store import graph_file, load_rdflib, open_store
from ..validate import validate_graph

GRAPH_OPTION = click.option("--graph", "graph_source", type=click.Path(path_type=Path), default=None,
                            help="Build folder or .nt/.ttl file (default: the packaged data, built once into the cache).")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table", show_default=True)


@click.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder to write the graph to.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of curated tables to build instead of the packaged ones (sections.tsv, references.tsv, curation/).")
def build_command(out_dir: Path, data_dir: Path | None):
    """Check the curated tables and write Turtle, N-Triples, JSON-LD and a VoID description."""
    result = build(out_dir, data_dir)
    for name in OUTPUT_FILES:
        click.echo(f"wrote {out_dir / name} ({len(result.files[name]):,} bytes)")
    click.echo(f"{result.entities} entities, {result.statements} statements, {result.triples} triples "
               f"(data sha256 {result.digest[:12]})")


@click.command("validate")
@GRAPH_OPTION
@click.option("--examples", default=3, show_default=True, help="Focus nodes shown per category.")
def validate_command(graph_source: Path | None, examples: int):
    """Validate the built graph against the SHACL shapes; exit 1 on violations."""
    report = validate_graph(load_rdflib(graph_source))
    click.echo(f"{graph_file(graph_source)}: " + report.summary(examples))
    if not report.conforms:
        raise ValidationFailed(f"{report.results} SHACL violation(s). Fix: correct the curated rows named above and rebuild")


@click.command("stats")
@GRAPH_OPTION
@FORMAT_OPTION
def stats_command(graph_source: Path | None, fmt: str):
    """Counts per entity type (with the mapped share), relation and section."""
    stats = compute_stats(open_store(graph_source))
    for row in stats.entity_types:
        row["mapped %"] = round(100 * row["mapped"] / row["entities"]) if row["entities"] else 0
    if fmt == "json":
        import json
        click.echo(json.dumps({"entity_types": stats.entity_types, "relations": stats.relations,
                               "sections": stats.sections}, indent=2, ensure_ascii=False))
        return
    click.echo(f"Entities per type ({stats.total_entities}):")
    click.echo(render(stats.entity_types, ["type", "entities", "mapped", "mapped %"], fmt))
    click.echo(f"Statements per relation ({stats.total_statements}):")
    click.echo(render(stats.relations, ["relation", "statements"], fmt))
    click.echo("Statements per section:")
    click.echo(render(stats.sections, ["section", "title", "statements"], fmt))


COMMANDS = [build_command, validate_command, stats_command]
