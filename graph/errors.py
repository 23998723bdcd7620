"""One small exception hierarchy. Every message says what is wrong and how to fix it;
the CLI prints it as one line and exits non-zero."""
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
    """A SPARQL query is malformed or was refused."""

    exit_code = 2


class GraphNotFoundError(ExoKGError):
    """The built graph is not where it was expected."""


class FormatError(ExoKGError):
    """An unknown input or output format was requested."""


class ValidationFailed(ExoKGError):
    """SHACL validation found violations."""


class IngestError(ExoKGError):
    """A file given to `exokg import` is not in the layout its source publishes, or a row of it is
    malformed (the message names the file and line); nothing of that import is kept."""
