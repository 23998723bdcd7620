"""Regenerate graph/data/prefixes.json, the identifier prefixes ExoKG uses, from bioregistry.

One URI form per prefix: the OBO PURL where the OBO Foundry defines one (CHEBI, CL, GO, DOID,
MONDO, UBERON, NCBITaxon), identifiers.org otherwise. circBase is not in bioregistry; its record
is ours, marked as such. Run after changing PREFIXES; tests check the file matches bioregistry.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import bioregistry

PREFIXES = [
    "hgnc", "mirbase", "mirbase.mature", "chebi", "drugbank", "doid", "mondo", "cl",
    "cellosaurus", "go", "kegg.pathway", "reactome", "wikipathways", "uberon", "ncbitaxon",
    "pubmed", "pmc", "doi", "fplx", "mesh",
]
LOCAL_RECORDS = {
    "circbase": {
        "uri_prefix": "http://www.circbase.org/cgi-bin/singlerecord.cgi?id=",
        "pattern": "^hsa_circ_\\d{7}$",
        "name": "circBase",
        "source": "exokg (circBase is not in bioregistry)",
    },
}
BANANA_IN_LOCAL_ID = {"cellosaurus"}
OUT = Path(__file__).resolve().parents[1] / "graph" / "data" / "prefixes.json"


def record(prefix: str) -> dict:
    uri_prefix = bioregistry.get_obofoundry_uri_prefix(prefix) or bioregistry.get_miriam_uri_prefix(prefix)
    if uri_prefix is None:
        raise SystemExit(f"{prefix}: bioregistry gives neither an OBO nor an identifiers.org URI prefix")
    pattern = bioregistry.get_pattern(prefix)
    banana = bioregistry.get_banana(prefix)
    uses_obo = uri_prefix.startswith("http://purl.obolibrary.org/obo/")
    if banana and not uses_obo and prefix in BANANA_IN_LOCAL_ID:
        # identifiers.org keeps Cellosaurus' banana inside the local id (cellosaurus:CVCL_0023)
        pattern = "^" + banana + "_" + pattern.lstrip("^")
    return {"uri_prefix": uri_prefix, "pattern": pattern, "name": bioregistry.get_name(prefix),
            "source": "bioregistry"}


def build() -> dict:
    records = {prefix: record(prefix) for prefix in PREFIXES}
    records.update(LOCAL_RECORDS)
    return dict(sorted(records.items()))


if __name__ == "__main__":
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
