"""Plain Python values of pyoxigraph terms, and the one normalised spelling of a name (kept
light: query workers import it)."""
from __future__ import annotations

import re

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


GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa", "λ": "lambda",
         "μ": "mu", "σ": "sigma", "τ": "tau", "ω": "omega", "ζ": "zeta", "η": "eta", "θ": "theta"}
_PUNCT = re.compile(r"[\s\-_/.,;:'\"()\[\]′’‐–—^]+")


def normalize_name(name: str) -> str:
    """The spelling names are matched by (entities, relations, entity types): case folded, Greek
    letters spelled out, white space and punctuation dropped.

    >>> normalize_name("TGF-β"), normalize_name("confers resistance to"), normalize_name("Cell_Type")
    ('tgfbeta', 'confersresistanceto', 'celltype')
    """
    text = name.casefold()
    for letter, spelled in GREEK.items():
        text = text.replace(letter, spelled)
    return _PUNCT.sub("", text)
