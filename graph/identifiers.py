"""Canonical identifiers: CURIE validation and CURIE <-> IRI conversion.

The prefix records (URI prefix and local-id pattern per prefix) ship in
``graph/data/prefixes.json``, generated from bioregistry by ``scripts/update_prefixes.py``;
conversion itself is done by :mod:`curies`, offline.

>>> curie_to_iri("chebi:27899")
'http://purl.obolibrary.org/obo/CHEBI_27899'
>>> curie_to_iri("hgnc:40")
'https://identifiers.org/hgnc:40'
>>> iri_to_curie("http://purl.obolibrary.org/obo/GO_0097707")
'go:0097707'
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from .errors import IdentifierError


@lru_cache(maxsize=1)
def prefix_records() -> dict[str, dict]:
    from importlib import resources  # on first use: importing it costs more than this whole module

    text = resources.files("graph.data").joinpath("prefixes.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def converter():
    """The :class:`curies.Converter` of every prefix (curies is imported on first use)."""
    import curies

    return curies.Converter.from_prefix_map(
        {prefix: record["uri_prefix"] for prefix, record in prefix_records().items()}
    )


def split_curie(curie: str) -> tuple[str, str]:
    """Check a CURIE against its prefix's pattern and return (prefix, local id).

    >>> split_curie("cellosaurus:CVCL_0023")
    ('cellosaurus', 'CVCL_0023')
    >>> split_curie("chebi:CHEBI:27899")
    Traceback (most recent call last):
    ...
    graph.errors.IdentifierError: 'chebi:CHEBI:27899' does not match the chebi pattern ^\\d+$. Fix: write the local id only, e.g. chebi:27899
    """
    prefix, sep, local = curie.partition(":")
    records = prefix_records()
    if not sep or not local:
        raise IdentifierError(f"'{curie}' is not a CURIE. Fix: write prefix:local_id, e.g. hgnc:40")
    if prefix not in records:
        known = ", ".join(sorted(records))
        hint = f" (did you mean {prefix.lower()}?)" if prefix.lower() in records else ""
        raise IdentifierError(f"'{curie}' uses unknown prefix '{prefix}'{hint}. Fix: use one of {known}")
    pattern = records[prefix]["pattern"]
    if not re.fullmatch(pattern.strip("^$"), local):
        example = {"chebi": "chebi:27899", "hgnc": "hgnc:40", "go": "go:0097707"}.get(prefix, f"{prefix}:<id>")
        raise IdentifierError(
            f"'{curie}' does not match the {prefix} pattern {pattern}. Fix: write the local id only, e.g. {example}"
        )
    if bad := re.search(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]', local):
        raise IdentifierError(f"'{curie}' holds {bad.group()!r}, which an IRI cannot hold. "
                              "Fix: write the identifier without spaces, quotes or brackets")
    return prefix, local


def curie_to_iri(curie: str) -> str:
    split_curie(curie)
    return converter().expand(curie, strict=True)


def iri_to_curie(iri: str) -> str | None:
    return converter().compress(iri)
