"""import, support: bring a resource into a build folder's store, and audit the review against it.

Thin shells over :mod:`graph.ingest`; every error it raises on purpose is an ExoKGError that
``graph.cli`` prints as one line.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import GraphNotFoundError, IngestError
from ..output import ROW_FORMATS, render
from ..ingest.sources import SOURCES

BUILD_OPTION = click.option("--graph", "build_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
                            help="Build folder (written by `exokg build --out DIR`); its store is DIR/store/.")


# ---- SWAP POINT: the one helper that opens a build folder's on-disk store for load/import. ----
def build_store(build_dir: Path):
    """A read-write copy of DIR's store (graph/storage.py), published only when the import succeeds.
    An import writes only its own named graph, which the --graph check does not read (imported
    graphs are not merged into questions), so a version that passed the check passes again."""
    from ..graphcheck import vouch_load
    from ..storage import writable_store

    build_dir = Path(build_dir)
    if not (build_dir / "store").exists():
        raise GraphNotFoundError(f"{build_dir} is not a build folder (no store). "
                                 f"Fix: run `exokg build --out {build_dir}` first")
    return writable_store(build_dir, before_publish=vouch_load([]))


@click.command("import")
@click.argument("source", type=click.Choice(sorted(SOURCES)))
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@BUILD_OPTION
@click.option("--skip-bad", is_flag=True, help="Skip and count malformed rows instead of stopping at the first.")
@click.option("--keep-species", is_flag=True,
              help="Keep rows of other species (apart from the review's human entities) instead of dropping them.")
@click.option("--aspects", default="P", show_default=True, help="GO aspects to import (gaf, orghs): any of P, F, C.")
@click.option("--experiments", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="ExoCarta/Vesiclepedia EXPERIMENT_DETAILS file: adds sample, methods and PMID to each cargo row.")
@click.option("--genes", type=click.Path(exists=True, path_type=Path), default=None,
              help="org.Hs.eg.sqlite or its folder (scripts/fetch_go_data.sh): map Entrez ids by their official symbol.")
@click.option("--go-terms", type=click.Path(exists=True, path_type=Path), default=None,
              help="GO.sqlite or its folder (scripts/fetch_go_data.sh): GO term names for a GAF file.")
@click.option("--version", "version", default="", help="The release imported, when the file does not say it.")
@click.option("--licence", default="", help="The resource's licence, when the file does not say it.")
def import_command(source, file, build_dir, skip_bad, keep_species, aspects, experiments, genes, go_terms, version,
                   licence):
    """Import FILE of SOURCE into its own named graph of the build folder's store (replacing it)."""
    from ..ingest import ImportOptions, import_file

    aspects = aspects.upper()
    if not aspects or set(aspects) - set("PFC"):
        raise IngestError(f"--aspects '{aspects}' is not made of P, F and C. Fix: e.g. --aspects P or --aspects PFC")
    options = ImportOptions(skip_bad=skip_bad, keep_species=keep_species, aspects=aspects, experiments=experiments,
                            genes=genes, go_terms=go_terms, version=version, licence=licence)
    with build_store(build_dir) as store:
        report = import_file(store, source, file, options)
    click.echo(report.summary())
    click.echo(f"version: {report.version}; licence: {report.licence}; sha256 {report.sha256[:16]}")
    if source in ("mirtarbase", "exocarta", "vesiclepedia") and genes is None:
        click.echo("note: genes were matched by the symbols the file writes; pass --genes DIR (scripts/fetch_go_data.sh) "
                   "to match Entrez ids by org.Hs.eg.db's official symbols")


@click.command("support")
@BUILD_OPTION
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table", show_default=True)
@click.option("--new", "new", is_flag=True,
              help="The other direction: facts of the imported sources about the review's entities that it does not state.")
@click.option("--source", "sources", multiple=True, type=click.Choice(sorted(SOURCES)),
              help="Only this imported source (repeatable; default: every one in the store).")
@click.option("--verdict", "verdicts", multiple=True, type=click.Choice(["corroborated", "contradicted", "not_found"]),
              help="Only rows with this verdict (repeatable).")
@click.option("--limit", default=50, show_default=True, help="With --new: candidates shown at most (0: all).")
def support_command(build_dir, fmt, new, sources, verdicts, limit):
    """For every curated statement, each imported source's verdict: corroborated, contradicted or not_found."""
    from ..ingest import imported_sources
    from ..ingest.support import COLUMNS, NEW_COLUMNS, audit, new_facts

    from ..store import open_store

    store = open_store(build_dir)
    present = [s["source"] for s in imported_sources(store)]
    if not present:
        raise IngestError(f"{build_dir} has no imported source. Fix: run `exokg import SOURCE FILE --graph {build_dir}`")
    missing = [s for s in sources if s not in present]
    if missing:
        raise IngestError(f"{', '.join(missing)} not imported in {build_dir} (imported: {', '.join(present)}). "
                          f"Fix: `exokg import {missing[0]} FILE --graph {build_dir}`")
    if new:
        rows, columns, summary = new_facts(store, list(sources), limit or None), NEW_COLUMNS, None
    else:
        rows, summary = audit(store, list(sources))
        rows = [r for r in rows if not verdicts or r["verdict"] in verdicts]
        columns = COLUMNS
    if fmt == "json":
        click.echo(json.dumps([{c: r[c] for c in columns} for r in rows], indent=2, ensure_ascii=False))
        return
    if fmt == "table":
        rows = [r | {"evidence": r["evidence"][:2] + ([f"(+{len(r['evidence']) - 2} more)"] if len(r["evidence"]) > 2 else [])}
                for r in rows]
    click.echo(render(rows, columns, fmt), nl=False)
    if summary is not None and fmt == "table":
        for name, counts in summary.items():
            click.echo(f"{name}: {counts['corroborated']} corroborated, {counts['contradicted']} contradicted, "
                       f"{counts['not_found']} not found ({counts['out_of_scope']} statements it cannot speak to)")


COMMANDS = [import_command, support_command]
