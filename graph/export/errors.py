"""The export's error: one line saying what is wrong and how to fix it."""
from __future__ import annotations

from ..errors import ExoKGError, FormatError

__all__ = ["ExportError", "FormatError"]


class ExportError(ExoKGError):
    """An export cannot be made or written (nothing is written when it is raised)."""
