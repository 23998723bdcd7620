"""build, load, validate, stats, coverage.

This module imports nothing heavy at the top (no rdflib, no build pipeline): each command imports
what it needs. The shared options live in :mod:`graph.commands.options`."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import ValidationFailed
from ..output import render
from .options import FORMAT_OPTION, GRAPH_HELP, GRAPH_OPTION, check_once


@click.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder to write the graph to.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of curated tables to build instead of the packaged ones (sections.tsv, references.tsv, curation/).")
@click.option("--all-formats", is_flag=True, default=False,
              help="Also write Turtle and JSON-LD for a graph of over 100,000 triples (slow; held in memory).")
def build_command(out_dir: Path, data_dir: Path | None, all_formats: bool):
    """Check the curated tables and write the store, N-Triples, a VoID description, and Turtle and
    JSON-LD (up to 100,000 triples, or with --all-formats)."""
    from ..build import TEXT_FORMATS_MAX_TRIPLES, build
    from ..graphcheck import vouch_build

    result = build(out_dir, data_dir, all_formats=all_formats, before_publish=vouch_build)
    for name, size in result.sizes.items():
        click.echo(f"wrote {out_dir / name} ({size:,} bytes)")
    if "exokg.ttl" not in result.sizes:
        click.echo(f"no Turtle or JSON-LD: over {TEXT_FORMATS_MAX_TRIPLES:,} triples (`exokg export --format turtle` "
                   "or `build --all-formats` writes them)")
    click.echo(f"wrote {out_dir / 'store'} (on-disk store; graphs added by `exokg load` kept)")
    click.echo(f"{result.entities} entities, {result.statements} statements, {result.triples} triples "
               f"(data sha256 {result.digest[:12]})")


@click.command("validate")
# no view check before the command: validate reports what is wrong with a broken graph itself
@click.option("--graph", "graph_source", type=click.Path(path_type=Path), default=None, help=GRAPH_HELP)
@click.option("--examples", default=3, show_default=True, help="Focus nodes shown per category.")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL on the store (fast); pyshacl: the reference engine (slow).")
def validate_command(graph_source: Path | None, examples: int, engine: str):
    """Validate the built graph against the SHACL shapes; exit 1 on violations (warnings do not fail),
    or when the graph cannot be read as ExoKG data (see graph/view.py) although the shapes pass."""
    from ..store import graph_file, load_rdflib, memory_store
    from ..graphcheck import check_store
    from ..validate import validate_graph_pyshacl, validate_store

    if engine == "pyshacl":
        report = validate_graph_pyshacl(load_rdflib(graph_source))
    else:
        # the checks read the whole graph many times: in memory they take a third of the CPU they
        # take on the on-disk store; a build folder's graph is read from its exokg.nt when that still
        # is the file the build wrote with the store, else copied from the store (BENCHMARKS.md, Validation)
        store = memory_store(graph_source)
        report = validate_store(store)
    where = graph_file(graph_source)
    click.echo(f"{where}: " + report.summary(examples))
    if not report.conforms:
        raise ValidationFailed(f"{where}: {report.violations} SHACL violation(s). Fix: correct the curated rows "
                               "named above and rebuild")
    # RDF with no ExoKG data at all passes the shapes vacuously: the --graph check says so
    if engine == "sparql" and graph_source is not None and Path(graph_source).is_file():
        check_store(store, graph_source)  # a lone file has no store version to remember the check by
    else:
        check_once(graph_source)


@click.command("stats")
@GRAPH_OPTION
@FORMAT_OPTION
def stats_command(graph_source: Path | None, fmt: str):
    """Counts per entity type (with the mapped share), relation and section."""
    from ..stats import compute_stats
    from ..store import open_store

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


@click.command("coverage")
@click.option("--review", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Review text to audit (default: ../shared/seed/ beside the repository, when present).")
@click.option("--show", default=40, show_default=True, help="Uncovered tokens and ids listed at most.")
@click.option("--strict", is_flag=True, help="Exit 1 when the audit finds uncovered tokens.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def coverage_command(review: Path | None, show: int, strict: bool, fmt: str):
    """Curation coverage: counts, mapped shares, missing context/provenance, certainty, evidence
    level, minimum-information completeness per claim type and section, and a text audit."""
    from ..coverage import CANONICAL_TARGET_TYPES, coverage, default_review_path, read_review
    from ..curation import load_curation

    review = review or default_review_path()
    report = coverage(load_curation(), read_review(review) if review else None)
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        if strict and report.uncovered:
            raise SystemExit(1)
        return
    rows = [{"type": t, "entities": n, "mapped": report.mapped_per_type.get(t, 0),
             "mapped %": round(100 * report.mapped_share(t)),
             "prefixes": " ".join(f"{p} {c}" for p, c in report.prefixes_per_type.get(t, {}).items())}
            for t, n in report.entities_per_type.items()]
    click.echo(f"Entities per type ({sum(report.entities_per_type.values())}):")
    click.echo(render(rows, ["type", "entities", "mapped", "mapped %", "prefixes"]))
    click.echo(f"Canonical identifiers for {', '.join(CANONICAL_TARGET_TYPES)}: {100 * report.target_share:.1f}% "
               f"(target 90%); {100 * report.target_share_without_fallback:.1f}% without the MeSH fallback")
    click.echo(f"\nStatements per relation ({sum(report.statements_per_relation.values())}):")
    click.echo(render([{"relation": r, "statements": n} for r, n in report.statements_per_relation.items()],
                      ["relation", "statements"]))
    click.echo("Statements per section:")
    click.echo(render([{"section": s, "statements": n} for s, n in report.statements_per_section.items()],
                      ["section", "statements"]))
    click.echo(f"Assertions without cancer/drug/cell/fluid context: {len(report.lacking_context)}")
    click.echo(f"Assertions (outside Table 1) without reference numbers: {len(report.lacking_references)}")
    click.echo(f"Unnamed Table 1 RNAs (kept unnamed): {len(report.unnamed_rows)}")
    click.echo("References: " + ", ".join(f"{n} {k}" for k, n in report.references.items())
               + " (printed = printed with the fact; inferred = taken from its passage)")
    click.echo("Certainty: " + ", ".join(f"{k} {n}" for k, n in report.certainty.items()))
    click.echo("Evidence level: " + ", ".join(f"{k} {n}" for k, n in report.evidence_level.items()))
    click.echo("\nCompleteness per claim type (minimum information; `exokg validate` lists the gaps):")
    click.echo(render([{"claim type": name, "claims": c["claims"], "complete": c["complete"],
                        "complete %": round(100 * c["share"]), "required": "; ".join(c["required"]),
                        "missing": "; ".join(f"{k} {n}" for k, n in c["missing"].items())}
                       for name, c in report.completeness.items()],
                      ["claim type", "claims", "complete", "complete %", "required", "missing"]))
    click.echo("Completeness per section (complete/claims, per claim type):")
    from ..model import section_key

    sections = sorted({s for c in report.completeness.values() for s in c["by_section"]}, key=section_key)
    click.echo(render([{"section": s, **{name: (f"{c['by_section'][s]['complete']}/{c['by_section'][s]['claims']}"
                                                 if s in c["by_section"] else "")
                                          for name, c in report.completeness.items()}} for s in sections],
                      ["section", *report.completeness]))
    if report.uncovered is None:
        click.echo("Text audit: skipped (no review text found; pass --review FILE)")
        return
    assert review is not None  # the audit ran, so a review was read
    click.echo(f"Text audit of {review.name}: {len(report.uncovered)} uncovered token(s); "
               f"{report.ignored} occurrence(s) ignored as non-entities (graph/data/audit_ignore.tsv)")
    for token in report.uncovered[:show]:
        click.echo(f"  {token.kind:8} {token.token:20} x{token.count} lines {', '.join(map(str, token.lines[:5]))}")
    if strict and report.uncovered:
        raise SystemExit(1)


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Build folder whose store receives the files (written by `exokg build --out`).")
def load_command(files: tuple[Path, ...], graph_dir: Path):
    """Add RDF files to a build folder's store, one named graph per file.

    N-Triples (.nt), Turtle (.ttl), N-Quads (.nq), TriG (.trig), RDF/XML (.rdf, .owl, .xml),
    each optionally gzipped (.gz). All files load, or none does.
    """
    from ..load import load

    for item in load(list(files), graph_dir):
        if item.skipped:
            click.echo(f"skipped {item.file}: already loaded as <{item.graph}>")
        else:
            click.echo(f"loaded {item.file} into <{item.graph}> ({item.triples:,} triples, {item.size:,} bytes, "
                       f"sha256 {item.sha256[:12]})")


COMMANDS = [build_command, load_command, validate_command, stats_command, coverage_command]
