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

# command name -> module under graph.commands. Modules are imported only when one of their
# commands runs, so `exokg stats` does not pay for pySHACL, pyvis or the export writers
# (a test checks this table against each module's COMMANDS list).
COMMAND_MODULES = {
    "build": "core", "load": "core", "validate": "core", "stats": "core", "coverage": "core",
    "query": "query", "find": "query", "show": "query", "resistance": "query", "biomarkers": "query",
    "therapies": "query", "neighbors": "query", "serve": "query", "push": "query",
    "path": "paths", "explain": "paths",
    "viz": "viz",
    "export": "export",
    "conflicts": "conflicts",
    "import": "ingest", "support": "ingest",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx, name):
        module_name = COMMAND_MODULES.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"graph.commands.{module_name}")
        return {command.name: command for command in module.COMMANDS}[name]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="exokg")
def cli():
    """ExoKG: a knowledge graph of how exosomes carry cancer drug resistance.

    Start with `exokg build`, then `exokg stats`, `exokg find TEXT` or `exokg query NAME`.
    """


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> None:
    """Run the command; every way out but success is one ``error: ... Fix: ...`` line on stderr
    and an exit code (README, "Exit codes"): 1 for the data, a name or a failure, 2 for the
    command line itself (an option out of range, a missing argument, a query that does not
    parse or is refused), 130 when interrupted. Set EXOKG_DEBUG=1 to see the traceback of an
    unexpected error."""
    try:
        cli.main(args=argv, prog_name="exokg", standalone_mode=False)
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
