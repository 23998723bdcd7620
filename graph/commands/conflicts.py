"""conflicts: a thin shell over :mod:`graph.conflicts`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..output import render

SIDE_ROWS = ("statement", "relation", "direction", "cancer", "cell_line", "donor_cell", "model", "certainty",
             "evidence_level", "section", "references", "inferred_references", "summary")


def _table(pairs: list[dict]) -> str:
    blocks = []
    for number, pair in enumerate(pairs, start=1):
        where = "same context" if pair["same_context"] else "context differs: " + ", ".join(pair["differs"])
        rows = [{"field": field, "A": pair["a"][field], "B": pair["b"][field]} for field in SIDE_ROWS]
        blocks.append(f"#{number} {pair['agent']} -> {pair['target']}: {pair['kind']} ({where})\n"
                      + render(rows, ["field", "A", "B"], "table"))
    return "\n".join(blocks)


@click.command("conflicts")
@click.option("--agent", default=None, help="Only this agent: key, label or synonym (e.g. CAF, miR-21).")
@click.option("--kind", type=click.Choice(["confers vs reverses resistance", "up vs down", "activates vs inhibits",
                                           "promotes vs suppresses", "direction up vs down"]), default=None,
              help="Only one kind of opposition.")
@click.option("--same-context", is_flag=True, help="Only pairs whose cancer, cell line, donor cell and model agree.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of curated tables to check instead of the packaged ones.")
def conflicts_command(agent, kind, same_context, fmt, data_dir):
    """Same agent, opposite effects on the same drug or process, each pair side by side with its
    context (cancer, cell line, donor cell, model, certainty, evidence).

    \b
      exokg conflicts
      exokg conflicts --format csv > conflicts.csv
      exokg conflicts --agent CAF --format json
    """
    from ..conflicts import COLUMNS, find_conflicts, flat
    from ..curation import load_curation, packaged_curation
    from ..conflicts import agent_key

    curation = load_curation(data_dir) if data_dir is not None else packaged_curation()
    key = agent_key(curation, agent) if agent is not None else None
    pairs = find_conflicts(curation, agent=key, kind=kind, same_context=same_context)
    if fmt == "json":
        click.echo(json.dumps(pairs, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render([flat(p) for p in pairs], COLUMNS, "csv"), nl=False)
    else:
        if pairs:
            click.echo(_table(pairs), nl=False)
        same = sum(p["same_context"] for p in pairs)
        click.echo(f"({len(pairs)} conflicting pair{'s' if len(pairs) != 1 else ''}: {same} in the same context, "
                   f"{len(pairs) - same} where the context differs)")


COMMANDS = [conflicts_command]
