"""One identity: imported names and ids land on the curated entities' canonical IRIs.

- Genes: an Entrez id is turned into its official symbol with org.Hs.eg.db's gene table when one
  is given (``--genes``, or the database itself for ``orghs``); the symbol (or, without the table,
  the symbol the source writes) is then matched against the labels, keys and synonyms of the
  curated entities that carry an HGNC CURIE. The curated lexicon is the only Entrez -> HGNC
  bridge: there is no HGNC table offline, so the match is by symbol, and a symbol no curated
  entity has keeps an NCBI Gene IRI (``https://identifiers.org/ncbigene:<id>``).
- miRNAs: ``hsa-miR-522-3p`` matches a curated ``miR-522-3p`` first; when the review names the
  miRNA without an arm (``miR-522``) it lands there, and the assertion's mapping note says so.
- Drugs, cancers and samples: the entity index's names (label, synonym, abbreviation),
  restricted to the fitting types, when exactly one entity matches.
- Anything else keeps an ExoKG IRI under ``https://w3id.org/exokg/entity/imported/``; rows of
  other species kept with ``--keep-species`` always do, with the species in the IRI, so they are
  never merged with the review's (human) entities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ..entities import EntityIndex
from ..identifiers import curie_to_iri
from ..terms import normalize_name
from ..vocab import ENTITY
from .base import HUMAN, Name

NCBIGENE = "https://identifiers.org/ncbigene:"
MIRNA = re.compile(r"(?:(?P<species>[a-z]{3,4})-)?(?P<core>(?:mir|let|lin)-?[0-9a-z]+(?:-[0-9]+)?)(?P<arm>-[35]p)?",
                   re.IGNORECASE)
RNA_TYPES = ("MicroRNA", "NonCodingRNA", "LongNonCodingRNA", "CircularRNA")
KIND_TYPES = {
    "gene": ("GeneOrProtein",), "mirna": ("MicroRNA",), "ncrna": RNA_TYPES + ("GeneOrProtein",),
    "drug": ("Drug", "ChemicalEntity"), "cancer": ("CancerType",),
    "sample": ("BodyFluid", "CellLine", "CellType", "CancerType"), "lipid": ("ChemicalEntity",), "go": (),
}
NEW_TYPES = {"gene": "GeneOrProtein", "mirna": "MicroRNA", "ncrna": "NonCodingRNA", "drug": "Drug",
             "cancer": "CancerType", "sample": "Entity", "lipid": "ChemicalEntity"}


@dataclass(frozen=True)
class Mapped:
    iri: str
    type: str  # ExoKG class local name
    label: str
    curated: bool  # one of the review's entities
    note: str = ""


def _slug(text: str) -> str:
    return quote(text.strip(), safe="")


class Identity:
    """Maps :class:`~graph.ingest.base.Name` objects onto IRIs (cached per name)."""

    def __init__(self, index: EntityIndex, symbols: dict[str, str] | None = None, go_names: dict[str, str] | None = None):
        self.index = index
        self.symbols = symbols or {}
        self.go_names = go_names or {}
        self._cache: dict[tuple, Mapped] = {}
        self._genes: dict[str, set] = {}
        self._gene_synonyms: dict[str, set] = {}
        for r in index.records:
            if r.curie and r.curie.startswith("hgnc:"):
                for name in (r.label, r.key):
                    self._genes.setdefault(name.casefold(), set()).add(r)
                for name in r.synonyms:
                    self._gene_synonyms.setdefault(name.casefold(), set()).add(r)
        self._mirnas: dict[str, set] = {}
        for r in index.records:
            if r.type == "MicroRNA":
                for name in (r.label, r.key, *r.synonyms):
                    self._mirnas.setdefault(normalize_name(name), set()).add(r)

    def map(self, name: Name, species: str = HUMAN) -> Mapped:
        key = (name, species)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._map(name, species)
        return found

    def _map(self, name: Name, species: str) -> Mapped:
        if species != HUMAN:
            return self._apart(name, species)
        if name.kind == "gene":
            return self._gene(name)
        if name.kind == "mirna":
            return self._mirna(name) or self._named(name)
        if name.kind == "go":
            return self._go(name)
        if name.kind == "ncrna":
            if MIRNA.fullmatch(name.text):
                mapped = self._mirna(name)
                assert mapped is not None  # the text matched MIRNA (no spaces to strip), so _mirna maps it
                return mapped
            return self._named(name)
        return self._named(name)

    def _record(self, record, note: str = "") -> Mapped:
        return Mapped(record.iri, record.type, record.label, True, note)

    def _gene(self, name: Name) -> Mapped:
        written = name.text
        official = self.symbols.get(name.entrez, "") if name.entrez else ""
        symbol = official or written
        note = (f"the source writes {written}; org.Hs.eg.db gives {official} for Entrez {name.entrez}"
                if official and official != written else "")
        hits = self._genes.get(symbol.casefold()) or self._unique(self._gene_synonyms.get(symbol.casefold()))
        if hits and len(hits) == 1:
            record = next(iter(hits))
            if record.label != symbol and not note:
                note = f"{symbol} is a synonym of the review's {record.label}"
            return self._record(record, note)
        if name.entrez:
            return Mapped(NCBIGENE + name.entrez, "GeneOrProtein", symbol, False, note)
        return Mapped(str(ENTITY[f"imported/gene/{_slug(symbol)}"]), "GeneOrProtein", symbol, False, note)

    @staticmethod
    def _unique(hits):
        return hits if hits and len(hits) == 1 else None

    def _mirna(self, name: Name) -> Mapped | None:
        match = MIRNA.fullmatch(name.text.strip())
        if not match:
            return None
        core, arm = match.group("core"), match.group("arm") or ""
        if match.group("species") and match.group("species").casefold() != "hsa":
            return self._apart(name, match.group("species"))
        for candidate in (f"{core}{arm}", f"hsa-{core}{arm}"):
            hits = self._mirnas.get(normalize_name(candidate))
            if hits and len(hits) == 1:
                return self._record(next(iter(hits)))
        if arm:
            for candidate in (core, f"hsa-{core}"):
                hits = self._mirnas.get(normalize_name(candidate))
                if hits and len(hits) == 1:
                    record = next(iter(hits))
                    return self._record(record, f"{name.text} mapped to the review's {record.label}, "
                                                f"which names no arm")
        return Mapped(str(ENTITY[f"imported/mirna/{_slug(name.text)}"]), "MicroRNA", name.text, False)

    def _go(self, name: Name) -> Mapped:
        iri = curie_to_iri("go:" + name.go_id.removeprefix("GO:"))
        record = self.index.by_iri.get(iri)
        if record is not None:
            return self._record(record)
        kind = "BiologicalProcess" if name.aspect == "P" else "Entity"
        return Mapped(iri, kind, self.go_names.get(name.go_id, name.go_id), False)

    def _named(self, name: Name) -> Mapped:
        types = KIND_TYPES.get(name.kind, ())
        hits = [r for r in self.index.candidates(name.text) if not types or r.type in types]
        if len(hits) == 1:
            return self._record(hits[0])
        kind = NEW_TYPES.get(name.kind, "Entity")
        return Mapped(str(ENTITY[f"imported/{name.kind}/{_slug(name.text)}"]), kind, name.text, False)

    def _apart(self, name: Name, species: str) -> Mapped:
        kind = NEW_TYPES.get(name.kind, "Entity")
        return Mapped(str(ENTITY[f"imported/{_slug(species)}/{name.kind}/{_slug(name.text)}"]), kind, name.text, False,
                      f"kept apart from the review's entities: species {species}")
