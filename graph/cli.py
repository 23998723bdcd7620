"""The ``exokg`` command: a thin click shell over the library.

Each topic's commands live in ``graph/commands/<topic>.py`` and are listed in COMMAND_MODULES.
Errors raised on purpose (:class:`~graph.errors.ExoKGError`) are printed as readable lines on
stderr with a non-zero exit, never as a traceback.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from .errors import CurationError, ExoKGError
from .output import printable

USAGE_EXIT = 2  # the command line is wrong (click's usage errors, QueryError)

# command name -> (module under graph.commands, the command's short help). Modules are imported
# only when one of their commands runs, so `exokg stats` does not pay for pySHACL, pyvis or the
# export writers, and `exokg --help` lists every command from this table without importing any
# (a test keeps the table equal to each module's COMMANDS and to their help text).
COMMAND_TABLE = {
    "biomarkers": ("query", "Exosomal biomarkers with role, fluid, direction and evidence."),
    "build": ("core", "Check the curated tables and write the store, N-Triples, a VoID description, and Turtle "
                      "and JSON-LD (up to 100,000 triples, or with --all-formats)."),
    "conflicts": ("conflicts", "Same agent, opposite effects on the same drug or process, each pair side by side "
                               "with its context (cancer, cell line, donor cell, model, certainty, evidence)."),
    "coverage": ("core", "Curation coverage: counts, mapped shares, missing context/provenance, certainty, evidence "
                         "level, minimum-information completeness per claim type and section, and a text audit."),
    "explain": ("paths", "Ranked mechanism chains from AGENT to resistance or sensitivity to DRUG."),
    "export": ("export", "Export the graph for other tools: RDF (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads), "
                         "GraphML, Cytoscape.js JSON, nodes/edges CSV, KGX TSV or Neo4j admin-import CSV."),
    "find": ("query", "Entities whose name, synonym, key or CURIE contains TEXT (exact matches first), with where "
                      "the review mentions them (sections, Table 1 rows, references)."),
    "import": ("ingest", "Import FILE of SOURCE into its own named graph of the build folder's store (replacing it)."),
    "load": ("core", "Add RDF files to a build folder's store, one named graph per file."),
    "neighbors": ("query", "Statements around ENTITY, breadth first, in both directions, with context and evidence; "
                           "then the imported sources' facts about each entity reached (listed, not followed), with "
                           "their source."),
    "path": ("paths", "Shortest, k shortest or all simple paths from SOURCE to TARGET, with signs and evidence."),
    "push": ("query", "Load the graph (with the ontology) into a triple store, replacing its named graph."),
    "query": ("query", "Run SPARQL: a named query, inline text, or a .rq file."),
    "resistance": ("query", "Resistance associations, with mechanism, donor cell and evidence."),
    "serve": ("query", "A read-only SPARQL 1.1 Protocol endpoint at http://HOST:PORT/sparql, with a query page at /."),
    "show": ("query", "The entity card: identifiers, synonyms, hierarchy, and every statement in and out (and where "
                      "it is context) with context and provenance, then what the imported resources state about it, "
                      "labelled with their source. csv/tsv print the statements and facts only."),
    "stats": ("core", "Counts per entity type (with the mapped share), relation and section."),
    "support": ("ingest", "For every curated statement, each imported source's verdict: corroborated, contradicted "
                          "or not_found."),
    "therapies": ("query", "Exosome-based therapies: what each delivers, reverses or suppresses, with evidence."),
    "validate": ("core", "Validate the built graph against the SHACL shapes; exit 1 on violations (warnings do not "
                         "fail), or when the graph cannot be read as ExoKG data (see graph/view.py) although the "
                         "shapes pass."),
    "viz": ("viz", "Write one HTML page with the interactive network; it works offline and can be e-mailed."),
}
COMMAND_MODULES = {name: module for name, (module, _) in COMMAND_TABLE.items()}

# Commands that only read a store and print. Run from the console script (or `python -m
# graph.cli`), once one of them has answered and its output is flushed the process ends at once,
# without the interpreter's teardown (freeing every module and object: about 15 ms of CPU, more than
# the answer itself takes on the curated graph). Whatever they write beside a store version or in
# the cache is written and renamed before they answer; they open stores read-only.
ENDS_AT_ONCE = frozenset({"query", "find", "show", "resistance", "biomarkers", "therapies", "neighbors"})
_invoked: list[str] = []  # the command this process ran (set by LazyGroup.resolve_command)


def short_help(text: str, limit: int) -> str:
    """A command's short help cut to ``limit`` characters the way click cuts it in a group's listing."""
    if len(text) <= limit:
        return text
    if limit < 3:
        return "..."
    import textwrap

    return textwrap.shorten(text, limit, placeholder="...", break_on_hyphens=False)


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMAND_TABLE)

    def get_command(self, ctx, name):
        module_name = COMMAND_MODULES.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"graph.commands.{module_name}")
        return {command.name: command for command in module.COMMANDS}[name]

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None:
            _invoked.append(name)
        return name, command, rest

    def format_commands(self, ctx, formatter):
        """The listing of `exokg --help`, from COMMAND_TABLE: no command module is imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, short_help(COMMAND_TABLE[name][1], limit)) for name in names])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="exokg")
def cli():
    """ExoKG: a knowledge graph of how exosomes carry cancer drug resistance.

    Start with `exokg build`, then `exokg stats`, `exokg find TEXT` or `exokg query NAME`.
    """


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _end_now() -> None:
    """End the process with status 0 once what it printed has been flushed (a reader that went
    away is not an error, as in main)."""
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # ValueError: stdout was closed
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    """Run the command; every way out but success is one ``error: ... Fix: ...`` line on stderr
    and an exit code (README, "Exit codes"): 1 for the data, a name or a failure, 2 for the
    command line itself (an option out of range, a missing argument, a query that does not
    parse or is refused), 130 when interrupted. Set EXOKG_DEBUG=1 to see the traceback of an
    unexpected error.

    Without ``argv`` (the console script, ``python -m graph.cli``), a read-only command that
    answered ends the process at once (:data:`ENDS_AT_ONCE`); given ``argv``, main returns."""
    try:
        result = cli.main(args=argv, prog_name="exokg", standalone_mode=False)
        if argv is None and result in (None, 0) and _invoked and _invoked[-1] in ENDS_AT_ONCE:
            _end_now()
    except CurationError as err:
        for problem in err.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"error: {len(err.problems)} curation problem(s); nothing was written", err=True)
        sys.exit(err.exit_code)
    except ExoKGError as err:
        click.echo(f"error: {printable(str(err))}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as err:  # click's own checks: ranges, choices, missing or unknown options
        message = _one_line(err.format_message()).rstrip(".")
        command = err.ctx.command_path if err.ctx is not None else "exokg"
        fix = "" if " Fix: " in message else f". Fix: see `{command} --help`"
        click.echo(f"error: {message}{fix}", err=True)
        sys.exit(USAGE_EXIT)
    except click.ClickException as err:
        message = _one_line(err.format_message()).rstrip(".")
        click.echo(f"error: {message}" + ("" if " Fix: " in message else ". Fix: see `exokg --help`"), err=True)
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("aborted", err=True)
        sys.exit(130)
    except Exception as err:  # a bug: still one line, never a traceback (unless asked for)
        if os.environ.get("EXOKG_DEBUG"):
            raise
        click.echo(f"error: internal error {type(err).__name__}: {_one_line(err)[:300]}. "
                   "Fix: this is a bug in ExoKG; rerun with EXOKG_DEBUG=1 and report the traceback", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
