"""Curation coverage: what the graph holds, how much of it is mapped, what lacks context or
provenance, and a self-audit of the review text for names the lexicon does not cover.

The audit scans the review for miRNA-, circRNA-, lncRNA- and gene-symbol-like tokens, and for
the general names of cell types ("neutrophils", "Th1 cells"), processes ("hypoxia", "alternative
splicing", words in -genesis, -osis, -ptosis, -phagy) and small molecules ("nitric oxide",
"folic acid", metal ions, prostaglandins), and reports every one that matches no entity key,
label or synonym (after the same normalisation entity resolution uses; a plural matches its
singular). Tokens that are not entities (abbreviations such as TME, DNA, CRC used as words,
"cancer cells", "these cells") are listed with a reason in ``graph/data/audit_ignore.tsv``.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .completeness import completeness
from .curation import read_text
from .entities import normalize_name
from .model import CERTAINTIES, EVIDENCE_LEVELS, Curation

CANONICAL_TARGET_TYPES = ("GeneOrProtein", "MicroRNA", "Drug", "CancerType", "CellType")
# MeSH is used only where the type's own ontology (HGNC/FamPlex, miRBase, ChEBI, CL, ...) has no term
# (see IDENTIFIERS.md); the report gives the share with and without it so nobody is misled.
FALLBACK_PREFIXES = ("mesh",)

TOKEN_PATTERNS = {
    "miRNA": re.compile(r"\b(?:hsa-)?(?:miR|mir|miRNA|microRNA)[-–]?\s?\d+[a-z]?(?:[-–/]\d+[a-z]?)?(?:[-–]\s?[35]p)?"
                        r"|\blet-7[a-z]?(?:-[35]p)?"),
    "circRNA": re.compile(r"\b(?:hsa[-_])?circ(?:RNA)?[-_]?[A-Z0-9][A-Za-z0-9_-]*"),
    "lncRNA": re.compile(r"\b(?:LINC\d{5}|lnc-[A-Za-z0-9]+|lncRNA\s[A-Z][A-Za-z0-9-]+|[A-Z][A-Z0-9]+-AS\d|"
                         r"[A-Z][A-Z0-9]+-IT\d)\b"),
    "gene": re.compile(r"(?<![\w-])(?:[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,4})?|[A-Z][a-z]{1,3}\d[A-Za-z0-9]*)(?![\w-])"),
}
# general names: cell types, processes and small molecules (lower-case words, so the patterns
# are anchored on the endings and head words such names take in English)
TOKEN_PATTERNS |= {
    "cell": re.compile(r"\b(?:[A-Za-z][a-z]+(?:cytes?|phages?|phils?|blasts?)|[Mm]icroglia|"
                       r"T helper \d+|(?:(?:CD\d+\+ )?(?:NK|T|B|Th\d+|Treg)|[A-Za-z][a-z]+(?:ic|ial|al|oid|ory|ar)|stem|killer) cells?)\b"),
    "process": re.compile(r"\b(?:[a-z]+(?:genesis|ptosis|phagy)|hypoxi[ac]|senescence|dormancy|stemness|"
                          r"alternative splicing|elastosis|fibrosis|hyperplasia)\b"),
    "molecule": re.compile(r"\b(?:[a-z]+ (?:acid|oxide)|(?:iron|copper|zinc|calcium) ions?|prostaglandin [A-Z]\d|"
                           r"reactive oxygen species|lipopolysaccharide)\b"),
}
# gene-like tokens must carry a digit or be at least 3 letters; 2-letter words are too ambiguous
_GENE_MIN = re.compile(r"\d|[A-Z]{3,}")


@dataclass
class AuditToken:
    kind: str
    token: str
    count: int
    lines: list[int] = field(default_factory=list)


@dataclass
class CoverageReport:
    entities_per_type: dict[str, int]
    prefixes_per_type: dict[str, dict[str, int]]  # type -> prefix -> entities mapped with it
    statements_per_relation: dict[str, int]
    statements_per_section: dict[str, int]
    lacking_context: list[str]
    lacking_references: list[str]
    unnamed_rows: list[str]
    uncovered: list[AuditToken] | None
    ignored: int = 0
    certainty: dict[str, int] = field(default_factory=dict)  # statements per certainty value
    evidence_level: dict[str, int] = field(default_factory=dict)  # statements per evidence level
    completeness: dict[str, dict] = field(default_factory=dict)  # per claim type (graph/completeness.py)
    references: dict[str, int] = field(default_factory=dict)  # statements with printed / inferred numbers

    def as_json(self) -> dict:
        """Everything the report holds, as plain JSON values (``exokg coverage --format json``)."""
        return {
            "entities_per_type": self.entities_per_type,
            "mapped_per_type": self.mapped_per_type,
            "prefixes_per_type": self.prefixes_per_type,
            "canonical_share": round(self.target_share, 4),
            "canonical_share_without_fallback": round(self.target_share_without_fallback, 4),
            "statements_per_relation": self.statements_per_relation,
            "statements_per_section": self.statements_per_section,
            "lacking_context": self.lacking_context,
            "lacking_references": self.lacking_references,
            "unnamed_rows": self.unnamed_rows,
            "references": self.references,
            "certainty": self.certainty,
            "evidence_level": self.evidence_level,
            "completeness": self.completeness,
            "text_audit": None if self.uncovered is None else {
                "uncovered": [{"kind": t.kind, "token": t.token, "count": t.count, "lines": t.lines}
                              for t in self.uncovered],
                "ignored": self.ignored},
        }

    @property
    def mapped_per_type(self) -> dict[str, int]:
        return {t: sum(prefixes.values()) for t, prefixes in self.prefixes_per_type.items()}

    def mapped_share(self, etype: str) -> float:
        total = self.entities_per_type.get(etype, 0)
        return self.mapped_per_type.get(etype, 0) / total if total else 0.0

    @property
    def target_share(self) -> float:
        """Share of target-type entities with a canonical identifier (any prefix)."""
        return self._target_share(exclude=())

    @property
    def target_share_without_fallback(self) -> float:
        """The same share counting only the types' own ontologies, not MeSH."""
        return self._target_share(exclude=FALLBACK_PREFIXES)

    def _target_share(self, exclude: tuple[str, ...]) -> float:
        total = sum(self.entities_per_type.get(t, 0) for t in CANONICAL_TARGET_TYPES)
        mapped = sum(n for t in CANONICAL_TARGET_TYPES
                     for prefix, n in self.prefixes_per_type.get(t, {}).items() if prefix not in exclude)
        return mapped / total if total else 0.0


def ignore_list() -> dict[str, str]:
    text = resources.files("graph.data").joinpath("audit_ignore.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if line and not line.startswith("#")), delimiter="\t")
    return {normalize_name(row["token"]): row["reason"] for row in rows}


def lexicon_names(curation: Curation) -> set[str]:
    names = set()
    for entity in curation.entities.values():
        for name in (entity.key, entity.label, *entity.synonyms):
            names.add(normalize_name(name))
    return names


GENERAL_KINDS = ("cell", "process", "molecule")


def _general_forms(token: str) -> list[str]:
    """A general name, its singular, and its head alone when the first word only qualifies it
    ("activated dendritic cells" -> "dendritic cells" ...), each normalised.

    >>> _general_forms("Th1 cells")
    ['th1cells', 'th1cell']
    """
    words = token.split()
    forms = [token] + ([" ".join(words[1:])] if len(words) > 2 else [])
    out = []
    for form in forms:
        norm = normalize_name(form)
        out.append(norm)
        if norm.endswith("s"):
            out.append(norm[:-1])
    return list(dict.fromkeys(out))


def audit_text(text: str, curation: Curation) -> tuple[list[AuditToken], int]:
    """Tokens of the text that look like ncRNA or gene names and match no lexicon name."""
    names = lexicon_names(curation)
    ignored = ignore_list()
    found: dict[tuple[str, str], AuditToken] = {}
    skipped = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("- ") and re.match(r"- \d", line):
            continue  # the reference list: author names, journals
        for kind, pattern in TOKEN_PATTERNS.items():
            for match in pattern.finditer(line):
                token = match.group(0).strip().rstrip("-–")
                if kind == "gene" and not _GENE_MIN.search(token):
                    continue
                norm = normalize_name(token)
                if kind in GENERAL_KINDS:
                    forms = _general_forms(token)
                    if any(f in names for f in forms) or any(f in ignored for f in forms):
                        skipped += any(f in ignored for f in forms)
                        continue
                elif norm in names or norm in ignored:
                    skipped += norm in ignored
                    continue
                if kind == "lncRNA" and token.startswith("lncRNA "):
                    if normalize_name(token[7:]) in names:
                        continue
                entry = found.setdefault((kind, token), AuditToken(kind, token, 0))
                entry.count += 1
                if lineno not in entry.lines:
                    entry.lines.append(lineno)
    return sorted(found.values(), key=lambda t: (t.kind, t.token)), skipped


def coverage(curation: Curation, review_text: str | None = None) -> CoverageReport:
    per_type = Counter(e.type for e in curation.entities.values())
    prefixes: dict[str, Counter] = {}
    for entity in curation.entities.values():
        if entity.curie is not None:
            prefixes.setdefault(entity.type, Counter())[entity.curie.split(":", 1)[0]] += 1
    context_columns = {"cancer", "drug", "cell_line", "donor_cell", "recipient_cell", "body_fluid"}
    lacking_context = [s.id for s in curation.statements if not context_columns & {c for c, _ in s.context}]
    lacking_refs = [s.id for s in curation.statements if not s.provenance.references and s.provenance.section != "T1"]
    certainty = Counter(s.certainty for s in curation.statements)
    evidence = Counter(s.evidence_level for s in curation.statements)
    references = {"printed": sum(bool(s.provenance.references) for s in curation.statements),
                  "inferred only": sum(bool(s.provenance.inferred_references) and not s.provenance.references
                                       for s in curation.statements),
                  "none": sum(not s.provenance.references and not s.provenance.inferred_references
                              for s in curation.statements)}
    uncovered, ignored = (audit_text(review_text, curation) if review_text is not None else (None, 0))
    return CoverageReport(
        entities_per_type=dict(sorted(per_type.items())),
        prefixes_per_type={t: dict(c.most_common()) for t, c in sorted(prefixes.items())},
        statements_per_relation=dict(Counter(s.relation for s in curation.statements).most_common()),
        statements_per_section=dict(sorted(Counter(s.provenance.section for s in curation.statements).items())),
        lacking_context=lacking_context,
        lacking_references=lacking_refs,
        unnamed_rows=sorted(e.key for e in curation.entities.values() if e.unnamed),
        uncovered=uncovered,
        ignored=ignored,
        certainty={value: certainty.get(value, 0) for value in CERTAINTIES},
        evidence_level={value: evidence.get(value, 0) for value in EVIDENCE_LEVELS},
        completeness=completeness(curation),
        references=references,
    )


def read_review(path: Path | str) -> str:
    """The review's text; a file that is not UTF-8 text (binary, Latin-1, UTF-16, a FIFO ...) raises
    :class:`~graph.errors.InputFileError` with one line saying where and how to fix it."""
    return read_text(Path(path))


def default_review_path() -> Path | None:
    """../shared/seed/<review>.txt beside the repository, when present."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "seed" / "000_d38584e5f5a7abb3.txt"
        if candidate.exists():
            return candidate
    return None
