"""Plain Python values of pyoxigraph terms (kept light: query workers import it)."""
from __future__ import annotations

import pyoxigraph as ox

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def term_value(term):
    """A pyoxigraph term's plain value: int for xsd:integer, the string value otherwise, None when unbound.

    >>> term_value(ox.Literal("7", datatype=ox.NamedNode(XSD_INTEGER))), term_value(ox.NamedNode("http://x.org/a"))
    (7, 'http://x.org/a')
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_INTEGER:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return term.value
