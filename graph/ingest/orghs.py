"""Human gene-to-GO annotations from Debian's Bioconductor packages, read without R.

``r-bioc-org.hs.eg.db`` ships ``org.Hs.eg.sqlite`` (Entrez genes, their symbols, and the GO
annotations of each gene with its evidence code, one table per aspect: ``go_bp``, ``go_mf``,
``go_cc``); ``r-bioc-go.db`` ships ``GO.sqlite`` (``go_term``: id, name, aspect).
``scripts/fetch_go_data.sh`` unpacks both, with the packages' DESCRIPTION files (version,
licence), into one folder. Each (gene, GO term, evidence code) row is one assertion
``gene associatedWith term``: the tables give no qualifier, so no direction either.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import IngestError
from .base import HUMAN, Name, Record, SkipRow
from .gaf import PREDICTED_CODES

ASPECT_TABLES = {"P": "go_bp", "F": "go_mf", "C": "go_cc"}


def database_path(path: Path) -> Path:
    """The folder written by fetch_go_data.sh, or org.Hs.eg.sqlite itself."""
    path = Path(path)
    if path.is_dir():
        path = path / "org.Hs.eg.sqlite"
    if not path.is_file():
        raise IngestError(f"{path} does not exist. Fix: run `bash scripts/fetch_go_data.sh DIR` and pass DIR")
    return path


def connect(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.DatabaseError as err:
        raise IngestError(f"{path}: not an SQLite database ({err}). Fix: pass org.Hs.eg.sqlite as unpacked "
                          "by scripts/fetch_go_data.sh") from err
    return connection


def go_terms(path: Path) -> dict[str, str]:
    """GO id -> term name from GO.sqlite (a file, or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "GO.sqlite"
    if not path.is_file():
        return {}
    with connect(path) as connection:
        return dict(connection.execute("SELECT go_id, term FROM go_term"))


def gene_symbols(path: Path) -> dict[str, str]:
    """Entrez id -> official symbol, from org.Hs.eg.sqlite."""
    with connect(database_path(path)) as connection:
        return dict(connection.execute("SELECT g.gene_id, i.symbol FROM genes g JOIN gene_info i USING (_id)"))


def read(path: Path, options):
    db = database_path(path)
    aspects = getattr(options, "aspects", "P")
    connection = connect(db)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        missing = [t for t in (*ASPECT_TABLES.values(), "genes", "gene_info") if t not in tables]
        if missing:
            raise IngestError(f"{db}: no table {', '.join(missing)}; not an org.Hs.eg.db database. "
                              "Fix: pass org.Hs.eg.sqlite as unpacked by scripts/fetch_go_data.sh")
        line = 0
        for aspect, table in ASPECT_TABLES.items():
            if aspect not in aspects:
                (count,) = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # noqa: S608
                yield SkipRow("aspect-not-selected", count)
                continue
            rows = connection.execute(
                f"SELECT g.gene_id, i.symbol, t.go_id, t.evidence FROM {table} t "  # noqa: S608 - fixed names
                "JOIN genes g USING (_id) JOIN gene_info i USING (_id) ORDER BY g._id, t.go_id, t.evidence")
            for gene_id, symbol, go_id, code in rows:
                line += 1
                yield Record(
                    line=line,
                    subject=Name(symbol, "gene", entrez=str(gene_id)),
                    relation="associatedWith",
                    object=Name(go_id, "go", go_id=go_id, aspect=aspect),
                    level="predicted" if code in PREDICTED_CODES else "curatedBySource",
                    species=(HUMAN,),
                    record_id=f"{table} row {line}: Entrez {gene_id}",
                    evidence_code=code,
                )
    finally:
        connection.close()


def description(path: Path) -> dict[str, str]:
    """Version and licence from the DESCRIPTION files beside the database, and its source dates."""
    db = database_path(path)
    found = {}
    for package in ("org.Hs.eg.db", "GO.db"):
        text = db.parent / f"{package}.DESCRIPTION"
        if text.is_file():
            fields = dict(line.split(": ", 1) for line in text.read_text(encoding="utf-8").splitlines() if ": " in line)
            found[package] = f"{fields.get('Version', '?')} ({fields.get('License', 'licence not stated')})"
            found.setdefault("licence", fields.get("License", ""))
    with connect(db) as connection:
        meta = dict(connection.execute("SELECT name, value FROM metadata"))
    parts = [f"{p} {found[p]}" for p in ("org.Hs.eg.db", "GO.db") if p in found]
    parts += [f"GO {meta['GOSOURCEDATE']}" if "GOSOURCEDATE" in meta else "",
              f"Entrez Gene {meta['EGSOURCEDATE']}" if "EGSOURCEDATE" in meta else ""]
    return {"version": "; ".join(p for p in parts if p), "licence": found.get("licence", "")}


def version(path: Path) -> str:
    return description(path)["version"]
