#!/usr/bin/env bash
# Unpack the human gene-to-GO data that Debian ships for Bioconductor, without installing R:
#   r-bioc-org.hs.eg.db  -> org.Hs.eg.sqlite (Entrez genes, symbols, GO annotations with evidence codes)
#   r-bioc-go.db         -> GO.sqlite (GO term names and aspects)
# Usage: bash scripts/fetch_go_data.sh [DIR]   (default: $EXOKG_GO_DATA or ~/.cache/exokg/go-data)
# Prints the two SQLite paths. `exokg import orghs DIR/org.Hs.eg.sqlite --graph BUILD` reads them.
set -euo pipefail
dest=${1:-${EXOKG_GO_DATA:-$HOME/.cache/exokg/go-data}}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [ -s "$dest/org.Hs.eg.sqlite" ] && [ -s "$dest/GO.sqlite" ] && [ -s "$dest/org.Hs.eg.db.DESCRIPTION" ]; then
  echo "$dest/org.Hs.eg.sqlite"; echo "$dest/GO.sqlite"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download r-bioc-org.hs.eg.db r-bioc-go.db >/dev/null 2>&1; then
  # the package lists may be missing on a fresh machine
  apt-get update -qq >/dev/null
  apt-get download r-bioc-org.hs.eg.db r-bioc-go.db >/dev/null
fi
for deb in r-bioc-org.hs.eg.db_*.deb r-bioc-go.db_*.deb; do
  dpkg-deb -x "$deb" unpacked
done
# the R packages' DESCRIPTION files (version, licence) go beside the data: the dataset
# description that `exokg import orghs` writes is read from them
cp unpacked/usr/lib/R/site-library/org.Hs.eg.db/DESCRIPTION "$dest/org.Hs.eg.db.DESCRIPTION"
cp unpacked/usr/lib/R/site-library/GO.db/DESCRIPTION "$dest/GO.db.DESCRIPTION"
org=$(find unpacked -name 'org.Hs.eg.sqlite' | head -n 1)
go=$(find unpacked -name 'GO.sqlite' | head -n 1)
if [ -z "$org" ] || [ -z "$go" ]; then
  echo "error: org.Hs.eg.sqlite or GO.sqlite not found in the Debian packages. Fix: check 'dpkg-deb -c' of both packages" >&2
  exit 1
fi
# temp name + rename: a half-copied database is never left under the final name
cp "$org" "$dest/.org.Hs.eg.sqlite.tmp" && mv "$dest/.org.Hs.eg.sqlite.tmp" "$dest/org.Hs.eg.sqlite"
cp "$go" "$dest/.GO.sqlite.tmp" && mv "$dest/.GO.sqlite.tmp" "$dest/GO.sqlite"
echo "$dest/org.Hs.eg.sqlite"
echo "$dest/GO.sqlite"
