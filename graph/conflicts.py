"""Context-stratified conflicts: the same agent with opposite effects on the same drug or process.

Opposites are the relation pairs confers/reverses resistance, upregulates/downregulates,
activates/inhibits and promotes/suppresses, and the same relation stated with direction up in one
statement and down in another. Every pair is listed side by side with the context of each side
(cancer, cell line, donor cell, model, certainty, evidence level, section, references), and
``differs`` names the context fields in which the two sides differ: an empty ``differs`` is a
contradiction in the same context; otherwise the effect depends on context. Nothing is merged:
three statements one way and two the other make six pairs.

>>> from graph.curation import packaged_curation
>>> pairs = find_conflicts(packaged_curation())
>>> [(p["a"]["statement"], p["kind"], p["b"]["statement"], p["differs"]) for p in pairs if p["agent"] == "cancer-associated fibroblast"]
[('3.1-014', 'promotes vs suppresses', '3.1-218', [])]
"""
from __future__ import annotations

from collections import defaultdict
from itertools import product
from typing import Any

from .errors import ResolutionError
from .model import Curation, Statement, section_key
from .terms import normalize_name

OPPOSITES = {
    "confersResistanceTo": ("reversesResistanceTo", "confers vs reverses resistance"),
    "upregulates": ("downregulates", "up vs down"),
    "activates": ("inhibits", "activates vs inhibits"),
    "promotes": ("suppresses", "promotes vs suppresses"),
}
CONTEXT_FIELDS = ("cancer", "cell_line", "donor_cell", "model")
SIDE_FIELDS = ("statement", "relation", "direction", *CONTEXT_FIELDS, "certainty", "evidence_level", "section",
               "references", "inferred_references", "summary")
COLUMNS = ["agent", "target", "kind", "same_context", "differs",
           *(f"{field}_a" for field in SIDE_FIELDS), *(f"{field}_b" for field in SIDE_FIELDS)]


def flat(pair: dict) -> dict:
    """One pair as a flat row (the csv columns): each side's fields get _a or _b."""
    row = {key: pair[key] for key in ("agent", "target", "kind", "same_context", "differs")}
    for side in ("a", "b"):
        row.update({f"{key}_{side}": value for key, value in pair[side].items()})
    return row


def _side(statement: Statement, curation: Curation) -> dict:
    label = {key: entity.label for key, entity in curation.entities.items()}
    side: dict[str, Any] = {"statement": statement.id, "relation": statement.relation,
            "direction": "|".join(statement.qualifier("direction"))}
    for field in CONTEXT_FIELDS:
        values = statement.qualifier(field)
        side[field] = [label.get(v, v) for v in values]
    side.update(certainty=statement.certainty, evidence_level=statement.evidence_level,
                section=statement.provenance.section, references=list(statement.provenance.references),
                inferred_references=list(statement.provenance.inferred_references),
                summary=statement.provenance.summary)
    return side


def _differs(a: Statement, b: Statement) -> list[str]:
    return [field for field in CONTEXT_FIELDS if set(a.qualifier(field)) != set(b.qualifier(field))]


def agent_key(curation: Curation, name: str) -> str:
    """The entity key a name (key, label or synonym; case and punctuation ignored) stands for."""
    wanted = normalize_name(name)
    keys = sorted({key for key, e in curation.entities.items()
                   if wanted in {normalize_name(n) for n in (key, e.label, *e.synonyms)}})
    if len(keys) == 1:
        return keys[0]
    if not keys:
        raise ResolutionError(f"no entity is named '{name}'. Fix: give a key, label or synonym, "
                              f"e.g. from `exokg find {name}`")
    raise ResolutionError(f"'{name}' names several entities ({', '.join(keys)}). Fix: give one of these keys")


def find_conflicts(curation: Curation, agent: str | None = None, kind: str | None = None,
                   same_context: bool = False) -> list[dict]:
    """Every pair of statements in which one agent has opposite effects on one target.

    ``agent`` keeps pairs of that entity key; ``kind`` one kind of opposition (``"up vs down"``
    ...); ``same_context`` only the pairs whose cancer, cell line, donor cell and model agree.
    """
    groups: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for statement in curation.statements:
        groups[(statement.subject, statement.object)].append(statement)
    pairs: list[dict[str, Any]] = []
    for (subject, obj), statements in sorted(groups.items()):
        if agent is not None and subject != agent:
            continue
        candidates = []
        for positive, (negative, label) in OPPOSITES.items():
            ups = [s for s in statements if s.relation == positive]
            downs = [s for s in statements if s.relation == negative]
            candidates += [(label, a, b) for a, b in product(ups, downs)]
        by_relation = defaultdict(list)
        for s in statements:
            by_relation[s.relation].append(s)
        for same in by_relation.values():
            ups = [s for s in same if s.qualifier("direction") == ("up",)]
            downs = [s for s in same if s.qualifier("direction") == ("down",)]
            candidates += [("direction up vs down", a, b) for a, b in product(ups, downs)]
        for label, a, b in candidates:
            if kind is not None and label != kind:
                continue
            first, second = sorted((a, b), key=lambda s: (section_key(s.provenance.section), s.id))
            differs = _differs(first, second)
            if same_context and differs:
                continue
            pairs.append({"agent": curation.entities[subject].label, "target": curation.entities[obj].label,
                          "kind": label, "same_context": not differs, "differs": differs,
                          "a": _side(first, curation), "b": _side(second, curation)})
    pairs.sort(key=lambda p: (p["agent"].casefold(), p["target"].casefold(), p["a"]["statement"], p["b"]["statement"]))
    return pairs


KINDS = tuple(label for _, label in OPPOSITES.values()) + ("direction up vs down",)
