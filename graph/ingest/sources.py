"""The one table of importable resources: its keys are the CLI's SOURCE choices.

Each source names its reader module, what it is, where it lives, its licence when the download
itself states one, and how the support audit compares it with the review (``audit``: "pair"
compares the same subject and object, "cargo" asks whether a molecule is on record as vesicle
cargo at all; ``subjects`` / ``objects``: the entity classes of the review's statements it can
speak to; ``signed``: whether an opposite effect sign counts as a contradiction).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    module: str
    homepage: str
    description: str
    audit: str
    subjects: tuple[str, ...]
    objects: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()  # the review's relations it can speak to; () = any
    signed: bool = False
    licence: str = ""  # only when the download states it; else --licence, or "not stated"
    go_objects: bool = False  # the review's object must carry a GO id

    def reader(self):
        module = import_module(f"graph.ingest.{self.module}")
        return module.reader(self.name) if hasattr(module, "reader") else module.read

    def version(self, path) -> str:
        return import_module(f"graph.ingest.{self.module}").version(path)


GO_SCOPE: dict[str, Any] = dict(audit="pair", subjects=("GeneOrProtein",), objects=("BiologicalProcess", "Pathway"), signed=True,
                go_objects=True)
SOURCES: dict[str, Source] = {s.name: s for s in (
    Source("mirtarbase", "miRTarBase", "mirtarbase", "https://mirtarbase.cuhk.edu.cn/",
           "Experimentally validated microRNA-target interactions (MTI)", "pair",
           licence="https://mirtarbase.cuhk.edu.cn/~miRTarBase/miRTarBase_2022/cache/download/LICENSE",
           subjects=("MicroRNA",), objects=("GeneOrProtein",),
           relations=("targets", "downregulates", "regulates", "inhibits", "suppresses")),
    Source("ncrnadrug", "ncRNADrug", "ncrnadrug", "http://www.jianglab.cn/ncRNADrug/",
           "Curated ncRNA-drug response associations (resistance or sensitivity) in cancers", "pair",
           subjects=("NonCodingRNA",), objects=("Drug",), relations=("confersResistanceTo", "reversesResistanceTo"),
           signed=True),
    Source("exocarta", "ExoCarta", "exocarta", "http://www.exocarta.org/",
           "Proteins, RNAs and lipids found in exosomes, per study", "cargo",
           subjects=("NonCodingRNA", "GeneOrProtein", "ChemicalEntity")),
    Source("vesiclepedia", "Vesiclepedia", "exocarta", "http://microvesicles.org/",
           "Proteins, RNAs and lipids found in extracellular vesicles, per study", "cargo",
           subjects=("NonCodingRNA", "GeneOrProtein", "ChemicalEntity")),
    Source("gaf", "GO annotations (GAF 2.2)", "gaf", "https://geneontology.org/docs/go-annotation-file-gaf-format-2.2/",
           "Gene Ontology annotations of gene products", licence="CC BY 4.0 (Gene Ontology Consortium)", **GO_SCOPE),
    Source("orghs", "org.Hs.eg.db gene-to-GO (Debian r-bioc-org.hs.eg.db, r-bioc-go.db)", "orghs",
           "https://bioconductor.org/packages/org.Hs.eg.db/",
           "Human Entrez genes and their GO annotations, as shipped by Bioconductor's org.Hs.eg.db", **GO_SCOPE),
)}
