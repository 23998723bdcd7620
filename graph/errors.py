"""One small exception hierarchy, the whole of it: every error ExoKG raises on purpose is defined
here (the modules that raise them re-export their own, so ``graph.query.QueryRefused`` and the
like keep working). Every message says what is wrong and how to fix it; the CLI prints it as one
line and exits with the class's ``exit_code`` (README, "Exit codes")."""
from __future__ import annotations


class ExoKGError(Exception):
    """Base class of every error ExoKG raises on purpose."""

    exit_code = 1


class CurationError(ExoKGError):
    """A curated table is wrong. Carries every problem found, each with file and line."""

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} curation error(s):\n{shown}{more}")


class Problem:
    """One problem in one line of one file."""

    __slots__ = ("file", "line", "message", "fix")

    def __init__(self, file: str, line: int, message: str, fix: str):
        self.file, self.line, self.message, self.fix = file, line, message, fix

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}. Fix: {self.fix}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class InputFileError(ExoKGError):
    """A text input cannot be read: it is not a regular file, or not UTF-8 text.

    ``problem`` is the :class:`Problem` (file, line, what, fix), so the curation reader can
    collect it with the others.
    """

    def __init__(self, file: str, line: int, message: str, fix: str):
        self.problem = Problem(file, line, message, fix)
        super().__init__(str(self.problem))


class UnwritableValueError(ExoKGError):
    """A value of the graph holds a character the requested format cannot carry."""


class IdentifierError(ExoKGError):
    """A CURIE is malformed or uses a prefix ExoKG does not know."""


class ResolutionError(ExoKGError):
    """A name given by the user matches no entity, or more than one."""


class OntologyNameError(ResolutionError):
    """A relation or class name given by the user matches no ontology term, or more than one.

    ``problem`` and ``fix`` are the two halves of the message, so that a command can say where
    the name came from and re-raise its own error; ``choices`` are the valid names.
    """

    def __init__(self, problem: str, fix: str, choices: list[str]):
        self.problem, self.fix, self.choices = problem, fix, choices
        super().__init__(f"{problem}. Fix: {fix}")


class QueryError(ExoKGError):
    """A SPARQL query is malformed or was refused (part of the command line: exit 2)."""

    exit_code = 2


class QuerySyntaxError(QueryError):
    """The SPARQL text does not parse."""


class QueryRefused(QueryError):
    """The query asks for something ExoKG does not do: an update, SERVICE, another graph."""


class QueryTimeout(QueryError):
    """The query ran longer than allowed."""


class ParameterError(QueryError):
    """A query parameter is unknown, missing or has a bad value."""


class PathError(ExoKGError):
    """A path query is malformed (unknown node, bad argument)."""


class NoPathError(PathError):
    """No path satisfies the query."""


class UnknownSourceError(PathError):
    """``--sources`` names a source the store does not hold (part of the command line: exit 2)."""

    exit_code = 2


class VizError(ExoKGError):
    """A visualisation was asked for something it cannot draw (unknown filter value, empty view)."""


class ExportError(ExoKGError):
    """An export cannot be made or written (nothing is written when it is raised)."""


class EndpointError(ExoKGError):
    """A remote endpoint could not be reached or answered with an error."""


class ServerError(ExoKGError):
    """The endpoint cannot start (port taken, graph missing, workers failing)."""


class GraphNotFoundError(ExoKGError):
    """The built graph is not where it was expected."""


class FormatError(ExoKGError):
    """An unknown input or output format was requested."""


class ValidationFailed(ExoKGError):
    """SHACL validation found violations."""


class StoreError(ExoKGError):
    """An on-disk store is missing, unreadable, foreign or could not be written."""


class LoadError(ExoKGError):
    """An RDF file given to ``exokg load`` cannot be read or parsed."""


class ShapesError(ExoKGError):
    """The SHACL shapes are malformed or use a component the validator does not support."""


class GraphContentError(ExoKGError):
    """A graph given to a command cannot be read as ExoKG data: the file is not RDF, holds no
    ExoKG data, or an entity or assertion lacks a field or has one of the wrong kind. The message
    names the file, the resource, what is wrong and how to fix it."""


class IngestError(ExoKGError):
    """A file given to `exokg import` is not in the layout its source publishes, or a row of it is
    malformed (the message names the file and line); nothing of that import is kept."""
