"""miRTarBase MTI tables: the .xlsx as published, or a CSV/TSV export of it.

Layout (docs/import.md): one row per miRNA-target interaction and reference, with the columns
``miRTarBase ID, miRNA, Species (miRNA), Target Gene, Target Gene (Entrez ID),
Species (Target Gene), Experiments, Support Type, References (PMID)``. Every row is an
experimentally validated MTI, so its knowledge level is "curated by the source"; the support
type is kept as written, and a non-functional MTI is imported as a negated assertion.
"""
from __future__ import annotations

from pathlib import Path

from .base import BadRow, Name, Record, Table, each_row, pmids, split_list

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("miRTarBase ID",),
    "mirna": ("miRNA",),
    "mirna_species": ("Species (miRNA)",),
    "gene": ("Target Gene",),
    "entrez": ("Target Gene (Entrez ID)",),
    "gene_species": ("Species (Target Gene)",),
    "experiments": ("Experiments",),
    "support": ("Support Type",),
    "pmid": ("References (PMID)",),
}
SUPPORT_TYPES = ("Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI", "Non-Functional MTI (Weak)")


def parse(line: int, row: dict) -> Record:
    for field in ("id", "mirna", "gene", "mirna_species", "gene_species"):
        if not row[field]:
            raise BadRow(line, f"empty {COLUMNS[field][0]}", f"fill {COLUMNS[field][0]} or drop the row")
    entrez = row["entrez"]
    if entrez and not entrez.isdigit():
        raise BadRow(line, f"Entrez ID '{entrez}' is not a number", "write the NCBI Gene id as digits, or leave it empty")
    support = row["support"]
    if support not in SUPPORT_TYPES:
        raise BadRow(line, f"unknown Support Type '{support}'", f"use one of {', '.join(SUPPORT_TYPES)}")
    return Record(
        line=line,
        subject=Name(row["mirna"], "mirna"),
        relation="targets",
        object=Name(row["gene"], "gene", entrez=entrez),
        species=(row["mirna_species"], row["gene_species"]),
        negated=support.startswith("Non-Functional"),
        record_id=row["id"],
        support_type=support,
        experiments=split_list(row["experiments"], ["//", ";"]),
        pmids=pmids(row["pmid"], line),
    )


def read(path: Path, options) -> object:
    return each_row(Table(path, COLUMNS, "miRTarBase"), parse)


def version(path: Path) -> str:
    """miRTarBase names its releases in the download, not in the file: 'not stated' unless --version."""
    return ""
