"""Recompute a figure's RAG (Red / Amber / Green) from what the report says about its measure.

Reports colour their own figures (`89.9% Amber`) or give a verdict per measure (`Position:
Outside Tolerance`), and they do mis-colour. A reviewer needs the RAG the figure *should* have
beside the one printed, so this module recomputes it, in order of preference:

1. from the measure's colour bands (`Red below 90% Amber 90% to 98% Green 98% and above`): the
   band whose bounds hold the figure, honouring each bound's inclusive flag. Grade bands (`RI`,
   `Good`, `Outs.`) are not RAG and are ignored. Where two bands share a boundary value
   (`Amber 90% to 98%`, `Green 98% and above`) the better band wins, as printed bandings mean;
2. else from target, tolerance and polarity: on the good side of the target (or on it) is Green,
   within the tolerance bounds is Amber, anything else Red;
3. else nothing (basis ''): a RAG that cannot be recomputed is never guessed.

Pure functions, no I/O: the pipeline calls them at load time and tests call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from scorecards.normalise.targets import Band
from scorecards.normalise.vocab import rag_colour, rag_colours, rag_pattern

HIGHER = "higher_is_better"
LOWER = "lower_is_better"
BASIS_BANDS = "bands"
BASIS_TARGET = "target and tolerance"

# A measure's own verdict column, as reports print it, to the RAG it stands for. Colour words are
# matched anywhere in the text; the verdict phrases whole (after lower-casing and squeezing spaces).
_POSITION_PHRASES = {
    "better than target": "Green", "on target": "Green", "at target": "Green", "met": "Green",
    "target met": "Green", "achieved": "Green", "above target": "Green",
    "in tolerance": "Amber", "within tolerance": "Amber",
    "outside tolerance": "Red", "below target": "Red", "off target": "Red", "not met": "Red",
}
_COLOUR = r"\b({rag})\b"  # a RAG word of the vocabulary (normalise.vocab.rag_pattern)


class RagCheck(NamedTuple):
    """The recomputed RAG and what it was computed from ('' and '' when it cannot be)."""

    rag: str
    basis: str


def colour_of(name: str) -> str:
    """`amber` / `AMBER` / `Amber band` -> Amber; a grade name (`Good`) -> ''."""
    match = rag_pattern(_COLOUR, re.I).search(name or "")
    return rag_colour(match.group(1)) if match else ""


def rag_from_position(text: str) -> str:
    """The RAG a measure's position column states (`Outside Tolerance` -> Red), or '' when it states none.

    A verdict that names two colours (`Red/Amber`) states none we can compare.
    """
    cleaned = " ".join((text or "").lower().replace("*", " ").split())
    if cleaned in _POSITION_PHRASES:
        return _POSITION_PHRASES[cleaned]
    colours = {rag_colour(m.group(1)) for m in rag_pattern(_COLOUR, re.I).finditer(cleaned)}
    return colours.pop() if len(colours) == 1 else ""


def rag_from_bands(value: float, bands: Iterable[Band]) -> str:
    """The colour band holding value; the better one on a shared boundary; '' when none does."""
    holding = [colour_of(b.name) for b in bands if colour_of(b.name) and b.holds(value)]
    return max(holding, key=rag_colours().index) if holding else ""


def rag_from_target(
    value: float, target: float | None, tolerance_low: float | None, tolerance_high: float | None, polarity: str
) -> str:
    """Green on the good side of the target (inclusive), Amber within the tolerance bounds, else Red.

    Needs a target, a polarity and at least one tolerance bound: without a tolerance there is no
    Amber to tell from Red, and a verdict of two colours would flag every printed Amber.
    """
    if target is None or polarity not in (HIGHER, LOWER) or (tolerance_low is None and tolerance_high is None):
        return ""
    if (polarity == HIGHER and value >= target) or (polarity == LOWER and value <= target):
        return "Green"
    within_low = tolerance_low is None or value >= tolerance_low
    within_high = tolerance_high is None or value <= tolerance_high
    return "Amber" if within_low and within_high else "Red"


def recompute_rag(
    value: float | None, bands: Iterable[Band] = (), target: float | None = None,
    tolerance_low: float | None = None, tolerance_high: float | None = None, polarity: str = "",
) -> RagCheck:
    """The RAG a figure should carry: from colour bands, else target and tolerance, else none."""
    if value is None:
        return RagCheck("", "")
    from_bands = rag_from_bands(value, bands)
    if from_bands:
        return RagCheck(from_bands, BASIS_BANDS)
    from_target = rag_from_target(value, target, tolerance_low, tolerance_high, polarity)
    if from_target:
        return RagCheck(from_target, BASIS_TARGET)
    return RagCheck("", "")


def agrees(stated: str, recomputed: str) -> bool | None:
    """Whether the report's RAG matches the recomputed one; None when either side is unknown."""
    if not stated or not recomputed:
        return None
    return stated == recomputed


def rag_fields(
    value: float | None, reported_rag: str, position_text: str, bands: Iterable[Band] = (),
    target: float | None = None, tolerance_low: float | None = None, tolerance_high: float | None = None,
    polarity: str = "",
) -> dict[str, object]:
    """The warehouse's RAG columns for one figure: position text (kept only when it states a RAG), the
    RAG the report states (its own cell's, else the position's), the recomputed RAG and its basis,
    and whether they agree."""
    position = position_text if rag_from_position(position_text) else ""
    stated = reported_rag or rag_from_position(position)
    check = recompute_rag(value, bands, target, tolerance_low, tolerance_high, polarity)
    return {"rag_position": position, "rag_stated": stated, "recomputed_rag": check.rag, "rag_basis": check.basis,
            "rag_agrees": agrees(stated, check.rag)}
