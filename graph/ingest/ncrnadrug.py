"""ncRNADrug curated drug-response download.

Layout (docs/import.md): a header row, then one row per curated ncRNA-drug-cancer association:
the ncRNA, the drug, the cancer, the effect (the ncRNA makes cells resistant or sensitive to the
drug), the ncRNA's expression, and the PubMed id; column names are matched without case or
punctuation, so the download's own names (``ncRNA_Name``, ``Drug_Name``, ``Effect``, ``Phenotype`` for
the cancer, ``Condition`` for the sample ..., as public readers of ``DR_Curated.txt`` name them) are
read as they are. "resistant" becomes ``confersResistanceTo``, "sensitive" ``reversesResistanceTo``.
"""
from __future__ import annotations

from pathlib import Path

from .base import HUMAN, BadRow, Name, Record, Table, each_row, pmids

REQUIRED = {
    "ncrna": ("ncRNA Name", "ncRNA", "ncRNA Symbol"),
    "drug": ("Drug Name", "Drug"),
    "effect": ("Effect", "Drug Response", "Response"),
}
OPTIONAL = {
    "type": ("ncRNA Type", "ncRNA Category"),
    "cancer": ("Cancer", "Cancer Type", "Disease", "Cancer Name", "Phenotype"),
    "expression": ("Expression", "Expression Pattern", "ncRNA Expression"),
    "pmid": ("PMID", "PubMed ID", "Pubmed"),
    "species": ("Species", "Organism"),
    "method": ("Detection Method", "Experiment", "Method", "Experimental Method"),
    "sample": ("Cell Line", "Sample", "Tissue", "Condition"),
}


def relation_of(effect: str, line: int) -> str:
    text = effect.casefold()
    if "resist" in text:
        return "confersResistanceTo"
    if "sensitiv" in text:
        return "reversesResistanceTo"
    raise BadRow(line, f"effect '{effect}' is neither resistance nor sensitivity",
                 "write 'resistant' or 'sensitive' (as ncRNADrug does)")


def parse(line: int, row: dict) -> Record:
    for field in REQUIRED:
        if not row[field]:
            raise BadRow(line, f"empty {REQUIRED[field][0]}", f"fill {REQUIRED[field][0]} or drop the row")
    kind = row["type"].casefold()
    kind = "mirna" if "mirna" in kind or row["ncrna"].casefold().startswith(("hsa-mir", "mir-", "hsa-let", "let-")) \
        else "ncrna"
    extra = {"expression": row["expression"]} if row["expression"] else {}
    return Record(
        line=line,
        subject=Name(row["ncrna"], kind),
        relation=relation_of(row["effect"], line),
        object=Name(row["drug"], "drug"),
        cancer=Name(row["cancer"], "cancer") if row["cancer"] else None,
        species=(row["species"] or HUMAN,),
        support_type=row["effect"],
        experiments=(row["method"],) if row["method"] else (),
        pmids=pmids(row["pmid"], line),
        sample=row["sample"],
        extra=extra,
    )


def read(path: Path, options):
    return each_row(Table(path, REQUIRED, "ncRNADrug", OPTIONAL), parse)


def version(path: Path) -> str:
    return ""
