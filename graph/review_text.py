"""The review text cut into sections, paragraphs and sentences, with the references each
sentence carries: the bracketed numbers printed in it, or in the next sentence of its
paragraph that has any (a review prints one citation for a run of sentences).

Used by the data-integrity tests (printed references are printed near the fact) and by the
curators' certainty checks (which sentences hedge). Nothing here is needed to build or query
the graph.

>>> text = "Intro\\n1\\nA is B [3]. C may be D. E is F [4,6-7].\\nNext\\n2\\nG [9]."
>>> review = parse_review(text)
>>> [(s.text, s.references) for s in review.sentences("1")]
[('A is B [3].', (3,)), ('C may be D.', (4, 6, 7)), ('E is F [4,6-7].', (4, 6, 7))]
>>> hedges("C may be D.")
['may']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTION_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)?)$")
CITATION = re.compile(r"\[(\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)\]")
# a sentence ends at . ! ? (after an optional citation) before a space and a capital, digit or quote
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")
HEDGE = re.compile(r"\b(may|might|could|suggest(?:s|ed|ing)?|is believed|are believed|potential(?:ly)?|"
                   r"appears? to|seems? to|possibl[ey]|putative|preliminary|implicated|likely)\b", re.IGNORECASE)
PROPOSAL = re.compile(r"\b(therapeutic (?:strategy|target|approach)|strategy to overcome|novel strategy|"
                      r"promising (?:strategy|approach|avenue)|potential strategy|potential therapeutic|"
                      r"could be a (?:novel|promising)|offering a (?:promising|targeted))\b", re.IGNORECASE)
FURNITURE = ("Genes, proteins, chemicals", "Click any figure", "Figure 1", "Figure 2|", "Peer Reviews",
             "The reference list from the paper")
PREDICTION = re.compile(r"\b(docking|molecular dynamics|in silico|computational)\b", re.IGNORECASE)


def expand_citation(inner: str) -> tuple[int, ...]:
    """``'18–20'`` -> (18, 19, 20); ``'139,140'`` -> (139, 140)."""
    numbers: list[int] = []
    for part in inner.split(","):
        part = part.strip().replace("–", "-")
        if "-" in part:
            start, end = (int(p) for p in part.split("-"))
            numbers.extend(range(start, end + 1))
        elif part:
            numbers.append(int(part))
    return tuple(sorted(set(numbers)))


def hedges(sentence: str) -> list[str]:
    """The hedging words of a sentence, lower-cased, in order."""
    return [m.group(1).lower() for m in HEDGE.finditer(sentence)]


@dataclass
class Sentence:
    section: str
    paragraph: int
    text: str
    printed: tuple[int, ...]  # numbers in the sentence's own brackets
    references: tuple[int, ...]  # the citation that covers it: its own, else the next one in its paragraph


@dataclass
class Review:
    sections: dict[str, list[list[Sentence]]] = field(default_factory=dict)  # section -> paragraphs

    def sentences(self, section: str | None = None) -> list[Sentence]:
        keys = [section] if section is not None else list(self.sections)
        return [s for key in keys for paragraph in self.sections.get(key, []) for s in paragraph]


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]


def _paragraph(section: str, index: int, text: str) -> list[Sentence]:
    parts = split_sentences(text)
    printed = [tuple(n for m in CITATION.finditer(p) for n in expand_citation(m.group(1))) for p in parts]
    out = []
    for i, part in enumerate(parts):
        cover = next((printed[j] for j in range(i, len(parts)) if printed[j]), ())
        out.append(Sentence(section, index, part, printed[i], cover))
    return out


def parse_review(text: str) -> Review:
    """Numbered sections (a heading line, then its number alone on the next line), the
    abstract, and the two figure captions (F1, F2), each as paragraphs of sentences."""
    lines = text.splitlines()
    review = Review()
    current: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if SECTION_NUMBER.match(stripped) and current != stripped and i > 0:
            current = stripped
            review.sections.setdefault(current, [])
            continue
        if SECTION_NUMBER.match(nxt) or stripped in ("Abstract",):
            if stripped == "Abstract":
                current = "abstract"
                review.sections.setdefault(current, [])
            continue
        if stripped.startswith(FURNITURE):
            current = None  # Table 1's capture and the web page's furniture hold no sentences
            continue
        if current is None or not stripped:
            continue
        stripped = stripped.removeprefix("- ")  # the bullet list of section 5.4
        if stripped.startswith("Biogenesis of exosomes."):
            key = "F1"
        elif stripped.startswith("Exosomes and cytostatic drug resistance. (A)"):
            key = "F2"
        else:
            key = current
        paragraphs = review.sections.setdefault(key, [])
        paragraphs.append(_paragraph(key, len(paragraphs), stripped))
    return review
