"""What of an item's facts the public may read: verified facts only, never a research note.

The catalogue keeps research beside the facts (``evidence`` markers, ``sources``, notes such as
"inferred: …", other cities' figures). The public guide shows a fact only when it is verified;
an unverified fact shows ``AT_THE_WINDOW`` instead of the guess. ``has_marker`` recognises
research text, and ``public_clauses`` keeps only the clauses of a text that carry none, so a
research remark that slipped into a public field is withheld rather than shown.

``seed_verified(item)`` is the verification state the packaged data starts with: a fact read in
statute text (evidence ``legal``) counts as verified; anything found elsewhere or inferred is
unverified until staff verify it (``approvals.casework.fact_checks``).
"""

from __future__ import annotations

import re

from approvals.catalogue.schema import EVIDENCE_FACTS, RESEARCH_MARKER, Evidence, Item

AT_THE_WINDOW = "以受理窗口告知为准"

# A confirmation tag inside a citation, "（《条例》第14条，legal）": it marks nothing doubtful.
_CONFIRMATION = re.compile(r"[，,；;]\s*(?:legal|found)\b|\b(?:legal|found)\s*[，,；;]", re.I)
# Words of doubt: a clause they qualify states a guess. A bracket holding a marker but none of
# these only names a source ("(github …/x.md)"): the bracket goes, the clause stays.
_DOUBT = re.compile(r"inferred|placeholder|\bTODO\b|推定|推断|占位|核实|待定|待查", re.I)
_BRACKET = re.compile(r"[（(][^（）()]*[）)]")


def has_marker(text: str) -> bool:
    """Whether ``text`` carries research vocabulary, a URL or an internal path."""
    return RESEARCH_MARKER.search(text) is not None


def public_clauses(text: str) -> tuple[str, bool]:
    """``text`` without the clauses (split at ；;。) that carry a marker, and whether any was
    dropped. A clause qualified by "(inferred)" is dropped whole: its claim is the guess."""
    kept: list[str] = []
    dropped = False
    text = _BRACKET.sub(_without_source, _CONFIRMATION.sub("", text))
    for clause in _clauses(text):
        if not clause.strip():
            continue
        if has_marker(clause):
            dropped = True
        else:
            kept.append(clause.replace("（）", "").replace("()", ""))
    return "".join(kept).strip().rstrip("；;，,"), dropped


def _without_source(bracket: re.Match[str]) -> str:
    inner = bracket.group()
    return "" if has_marker(inner) and not _DOUBT.search(inner) else inner


def _clauses(text: str) -> list[str]:
    """``text`` cut after each ；;。 that is not inside brackets."""
    clauses, start, depth = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "（(") - (char in "）)")
        if char in "；;。" and depth <= 0:
            clauses.append(text[start : i + 1])
            start = i + 1
    return [*clauses, text[start:]]


def seed_verified(item: Item) -> frozenset[str]:
    """The facts the packaged data may show as verified: those read in statute text."""
    return frozenset(f for f in EVIDENCE_FACTS if item.evidence.get(f) is Evidence.LEGAL)
