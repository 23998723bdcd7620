"""The ``exokg`` command: a thin click shell over the library.

Each topic's commands live in ``graph/commands/<topic>.py`` and are listed in COMMAND_MODULES.
Errors raised on purpose (:class:`~graph.errors.ExoKGError`) are printed as readable lines on
stderr with a non-zero exit, never as a traceback.
"""
from __future__ import annotations

import importlib
import sys

import click

from .errors import CurationError, ExoKGError

# command name -> module under graph.commands. Modules are imported only when one of their
# commands runs, so `exokg stats` does not pay for pySHACL, pyvis or the export writers
# (a test checks this table against each module's COMMANDS list).
COMMAND_MODULES = {
    "build": "core", "validate": "core", "stats": "core", "coverage": "core",
    "query": "query", "find": "query", "show": "query", "resistance": "query", "biomarkers": "query",
    "therapies": "query", "neighbors": "query", "serve": "query", "push": "query",
    "path": "paths", "explain": "paths",
    "viz": "viz",
    "export": "export",
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


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="exokg", standalone_mode=False)
    except CurationError as err:
        for problem in err.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"error: {len(err.problems)} curation problem(s); nothing was written", err=True)
        sys.exit(err.exit_code)
    except ExoKGError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
