"""ExoCarta and Vesiclepedia cargo tables.

Layout (docs/import.md says where it comes from): the cargo downloads, tab-separated, one row
per molecule and study:

- ``PROTEIN_MRNA_DETAILS``: ``CONTENT ID, CONTENT TYPE, ENTREZ GENE ID, GENE SYMBOL, SPECIES,
  EXPERIMENT ID, METHODS``;
- ``MIRNA_DETAILS``: ``CONTENT ID, CONTENT TYPE, MIRNA ID, SPECIES, EXPERIMENT ID, METHODS``
  (then an Entrez id and comments);
- ``LIPID_DETAILS``: ``CONTENT ID, CONTENT TYPE, LIPID ID, SPECIES, EXPERIMENT ID, METHODS``;

optionally joined with the ``EXPERIMENT_DETAILS`` download given with ``--experiments``
(``EXPERIMENT ID, PUBMED ID, SPECIES, EXPERIMENT DESCRIPTION, SAMPLE, SAMPLE SOURCE, SAMPLE NAME,
IDENTIFICATIONS, METHODS, YEAR, ISOLATION METHOD``, and ``VESICLE TYPE`` in Vesiclepedia). Columns
are found by name, so their order does not matter. Each row says a molecule was found in
vesicles of one study: ``cargo detectedIn sample``; its detection methods (the row's METHODS,
else the study's, split on ``|``) become experiment types, the study's isolation method and
vesicle type a note.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import IngestError
from .base import BadRow, Name, Record, Table, each_row, pmids, split_list

CARGO: dict[str, tuple[str, ...]] = {
    "type": ("CONTENT TYPE",),
    "symbol": ("GENE SYMBOL", "MIRNA ID", "LIPID ID"),  # protein/mRNA, miRNA and lipid downloads
    "species": ("SPECIES",),
    "experiment": ("EXPERIMENT ID",),
}
CARGO_OPTIONAL: dict[str, tuple[str, ...]] = {"id": ("CONTENT ID",), "entrez": ("ENTREZ GENE ID",),
                                              "methods": ("METHODS",)}
EXPERIMENT: dict[str, tuple[str, ...]] = {"experiment": ("EXPERIMENT ID",)}
EXPERIMENT_OPTIONAL: dict[str, tuple[str, ...]] = {
    "pmid": ("PUBMED ID",),
    "species": ("SPECIES",),
    "sample": ("SAMPLE", "SAMPLE NAME", "SAMPLE SOURCE"),
    "methods": ("METHODS",),
    "isolation": ("ISOLATION METHOD",),
    "vesicle": ("VESICLE TYPE",),
}
KINDS = {"protein": "gene", "mrna": "gene", "mirna": "mirna", "lipid": "lipid"}


def experiments(path: Path | None, source: str) -> dict[str, dict]:
    if path is None:
        return {}
    found = {}
    for line, row in Table(path, EXPERIMENT, f"{source} experiment details", EXPERIMENT_OPTIONAL).rows():
        if isinstance(row, BadRow):
            raise IngestError(f"{path}:{line}: {row.problem}. Fix: {row.fix}")
        found[row["experiment"]] = row
    return found


def reader(source: str):
    def read(path: Path, options):
        studies = experiments(getattr(options, "experiments", None), source)

        def parse(line: int, row: dict) -> Record:
            for field in CARGO:
                if not row[field]:
                    raise BadRow(line, f"empty {CARGO[field][0]}", f"fill {CARGO[field][0]} or drop the row")
            kind = KINDS.get(row["type"].casefold())
            if kind is None:
                raise BadRow(line, f"unknown CONTENT TYPE '{row['type']}'", "use protein, mrna, mirna or lipid")
            entrez = row["entrez"]
            if entrez and not entrez.isdigit():
                raise BadRow(line, f"ENTREZ GENE ID '{entrez}' is not a number", "write digits or leave it empty")
            study = studies.get(row["experiment"])
            if studies and study is None:
                raise BadRow(line, f"EXPERIMENT ID {row['experiment']} is not in the experiment details file",
                             "pass the experiment details file of the same release with --experiments")
            study = study or {}
            sample = study.get("sample") or f"{source} experiment {row['experiment']}"
            extra = {"content type": row["type"]}
            for key, name in (("isolation", "isolation method"), ("vesicle", "vesicle type")):
                if study.get(key):
                    extra[name] = study[key]
            return Record(
                line=line,
                subject=Name(row["symbol"], kind, entrez=entrez),
                relation="detectedIn",
                object=Name(sample, "sample"),
                species=(row["species"],),
                record_id=f"{row['id'] or '-'} (experiment {row['experiment']})",
                experiments=split_list(row["methods"] or study.get("methods", ""), "|"),
                pmids=pmids("" if study.get("pmid") == "0" else study.get("pmid", ""), line),  # 0: unpublished
                sample=study.get("sample", ""),
                extra=extra,
            )

        return each_row(Table(path, CARGO, source, CARGO_OPTIONAL), parse)

    return read


def version(path: Path) -> str:
    """The release is in the download's file name (EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt -> 5)."""
    stem = Path(path).stem
    tail = stem.rsplit("_", 1)[-1]
    return tail if tail.replace(".", "").isdigit() else ""
