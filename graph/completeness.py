"""Minimum information per claim type: what a complete claim of each kind carries, and how many
of the curated claims carry it.

The same rules are written as SHACL shapes at Warning severity in ``ontology/shapes.ttl``
(``exosh:ResistanceClaim`` ...), so ``exokg validate`` flags each incomplete assertion and
``exokg coverage`` counts them; a test checks that both agree.

>>> from graph.curation import packaged_curation
>>> report = completeness(packaged_curation())
>>> sorted(report["resistance"])
['by_section', 'claims', 'complete', 'missing', 'required', 'share']
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Curation, Statement, section_key


@dataclass(frozen=True)
class ClaimType:
    name: str
    relations: frozenset[str]
    required: tuple[str, ...]  # qualifier columns a complete claim carries
    when: tuple[tuple[str, str], ...] = ()  # (column, required column): needed only when column is set
    subject_types: frozenset[str] = frozenset()  # restrict to these subject types (empty: any)


THERAPY_SUBJECTS = frozenset({"ExosomePreparation", "Therapy"})
CLAIM_TYPES: tuple[ClaimType, ...] = (
    # a resistance claim names its drug (the object), a cancer, a model and the subject's direction,
    # and the donor cell when it is exosomal transfer (the assertion names a recipient cell)
    ClaimType("resistance", frozenset({"confersResistanceTo", "reversesResistanceTo"}),
              ("cancer", "model", "direction"), when=(("recipient_cell", "donor_cell"),)),
    ClaimType("biomarker", frozenset({"biomarkerFor"}), ("biomarker_role", "body_fluid", "direction", "model")),
    ClaimType("therapy", frozenset({"reversesResistanceTo", "delivers", "suppresses", "inhibits"}),
              ("cancer", "model"), subject_types=THERAPY_SUBJECTS),
    ClaimType("targeting", frozenset({"targets", "sponges"}), ("cancer", "model")),
    ClaimType("exosomal transfer", frozenset({"secretes", "takenUpBy"}), ("cancer", "model"),
              when=(("recipient_cell", "donor_cell"),)),
)


def claim_types_of(statement: Statement, subject_type: str) -> list[ClaimType]:
    return [c for c in CLAIM_TYPES if statement.relation in c.relations
            and (not c.subject_types or subject_type in c.subject_types)]


def _has(statement: Statement, column: str) -> bool:
    if column == "model":  # an experimental model: the `model` qualifier, or an evidence level the text reports
        return statement.evidence_level != "review_statement"
    return bool(statement.qualifier(column))


def missing_fields(statement: Statement, claim: ClaimType) -> list[str]:
    """The qualifier columns the claim lacks (empty when it is complete). ``model`` counts as
    given when the evidence level is anything but review_statement (the build keeps the two in step)."""
    missing = [column for column in claim.required if not _has(statement, column)]
    missing += [needed for given, needed in claim.when if statement.qualifier(given) and not statement.qualifier(needed)]
    return missing


def completeness(curation: Curation) -> dict[str, dict]:
    """Per claim type: claims, complete claims, their share, missing counts per field, and per section."""
    report: dict[str, dict] = {}
    for claim in CLAIM_TYPES:
        report[claim.name] = {"required": [*claim.required, *(f"{b} (when {a} is set)" for a, b in claim.when)],
                              "claims": 0, "complete": 0, "share": 0.0, "missing": Counter(), "by_section": {}}
    for statement in curation.statements:
        subject_type = curation.entities[statement.subject].type
        for claim in claim_types_of(statement, subject_type):
            entry = report[claim.name]
            missing = missing_fields(statement, claim)
            section = entry["by_section"].setdefault(statement.provenance.section, {"claims": 0, "complete": 0})
            entry["claims"] += 1
            section["claims"] += 1
            if not missing:
                entry["complete"] += 1
                section["complete"] += 1
            entry["missing"].update(missing)
    for entry in report.values():
        entry["share"] = round(entry["complete"] / entry["claims"], 3) if entry["claims"] else 0.0
        entry["missing"] = dict(sorted(entry["missing"].items()))
        entry["by_section"] = dict(sorted(entry["by_section"].items(), key=lambda item: section_key(item[0])))
    return report
