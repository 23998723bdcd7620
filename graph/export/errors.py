"""The export's errors (defined in graph.errors, re-exported here for the export modules)."""
from __future__ import annotations

from ..errors import ExportError, FormatError

__all__ = ["ExportError", "FormatError"]
