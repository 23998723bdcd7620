"""The dataset description of an imported source (VoID, DCAT, PROV), in its own named graph:
name, version, licence, file name and SHA-256, rows read, imported and skipped per reason.

No clock is read: two imports of the same file give the same description.
"""
from __future__ import annotations

from typing import cast

import pyoxigraph as ox

from ..vocab import DATASET, EXO, VOID

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def description_quads(source, report, graph: ox.NamedNode) -> list[ox.Quad]:
    ds = _n(DATASET[source.name])
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (ds, RDF_TYPE, _n(VOID.Dataset)), (ds, RDF_TYPE, _n(DCAT + "Dataset")), (ds, RDF_TYPE, _n(PROV + "Entity")),
        (ds, _n(DCTERMS + "title"), ox.Literal(source.title)),
        (ds, RDFS_LABEL, ox.Literal(f"{source.title} (imported into ExoKG)")),
        (ds, _n(DCTERMS + "description"), ox.Literal(source.description)),
        (ds, _n(DCAT + "landingPage"), _n(source.homepage)),
        (ds, _n(DCAT + "version"), ox.Literal(report.version)),
        (ds, _n(DCTERMS + "license"), _n(report.licence) if report.licence.startswith("http") else ox.Literal(report.licence)),
        (ds, _n(EXO.fileName), ox.Literal(report.file)),
        (ds, _n(EXO.sha256), ox.Literal(report.sha256)),
        (ds, _n(EXO.rowsRead), _int(report.rows_read)),
        (ds, _n(EXO.rowsImported), _int(report.imported)),
        (ds, _n(VOID.triples), _int(report.triples)),
        (ds, _n(PROV + "wasDerivedFrom"), ox.Literal(f"{report.file} (sha256 {report.sha256})")),
    ]
    for reason, count in sorted(report.skipped.items()):
        node = _n(DATASET[f"{source.name}/skipped/{reason}"])
        triples += [(ds, _n(EXO.rowsSkipped), node), (node, _n(EXO.skipReason), ox.Literal(reason)),
                    (node, _n(EXO.rowCount), _int(count))]
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


DESCRIPTION_QUERY = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?g ?ds ?title ?version ?licence ?file ?sha ?read ?imported ?triples WHERE {
  GRAPH ?g { ?ds a void:Dataset ; dcterms:title ?title ; dcat:version ?version ; dcterms:license ?licence ;
             exo:fileName ?file ; exo:sha256 ?sha ; exo:rowsRead ?read ; exo:rowsImported ?imported ;
             void:triples ?triples }
} ORDER BY ?g
"""
SKIPPED_QUERY = """
SELECT ?g ?reason ?count WHERE { GRAPH ?g { ?ds exo:rowsSkipped ?s . ?s exo:skipReason ?reason ; exo:rowCount ?count } }
ORDER BY ?g ?reason
"""


def imported_sources(store: ox.Store) -> list[dict]:
    """One dict per imported source in the store: graph, name (slug), title, version, licence,
    file, sha256, rows read / imported, triples and skipped {reason: count}."""
    from ..vocab import PREFIXES

    skipped: dict[str, dict[str, int]] = {}
    for row in cast(ox.QuerySolutions, store.query(SKIPPED_QUERY, prefixes=PREFIXES)):  # SELECT
        skipped.setdefault(row["g"].value, {})[row["reason"].value] = int(row["count"].value)
    found = []
    for row in cast(ox.QuerySolutions, store.query(DESCRIPTION_QUERY, prefixes=PREFIXES)):  # SELECT
        graph = row["g"].value
        found.append({"graph": graph, "source": graph.rsplit("/", 1)[-1], "title": row["title"].value,
                      "version": row["version"].value, "licence": row["licence"].value, "file": row["file"].value,
                      "sha256": row["sha"].value, "rows_read": int(row["read"].value),
                      "imported": int(row["imported"].value), "triples": int(row["triples"].value),
                      "skipped": skipped.get(graph, {})})
    return found
