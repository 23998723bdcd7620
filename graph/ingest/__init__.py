"""Bring the resources users pair with the review into the same store: miRTarBase, ncRNADrug,
ExoCarta / Vesiclepedia, GO annotations (GAF 2.2) and Debian's org.Hs.eg.db gene-to-GO tables.

Each source goes into its own named graph (``https://w3id.org/exokg/graph/<source>``) with a
dataset description; each of its rows becomes an ``exo:Assertion`` like the review's, carrying
the source's evidence and a knowledge level, on the same canonical IRIs as the curated entities
(:mod:`graph.ingest.identity`). :mod:`graph.ingest.support` then audits the review against them.
Everything works on any ``pyoxigraph.Store`` given as an argument.
"""
from __future__ import annotations

from .dataset import imported_sources
from .importer import ImportOptions, ImportReport, graph_iri, import_file
from .sources import SOURCES

__all__ = ["SOURCES", "ImportOptions", "ImportReport", "graph_iri", "import_file", "imported_sources"]
