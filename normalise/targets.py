"""Targets, tolerances, threshold bands and polarity, as printed to numbers and a direction.

    target   := figure ("and above" | "and below" | "or more" | "or less")?   (`98% and above`, `70 cases`)
    band     := "below" figure | "above" figure | figure "and above" | figure "and below"
              | "from"? figure ("to" | "-") figure | figure
    bandings := (name band)+       (`Red below 90% Amber 90% to 98% Green 98% and above`)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from scorecards.normalise.values import strip_footnote, to_number
from scorecards.normalise.vocab import phrase_match, rag_colour, rag_colours, rag_pattern, vocabulary

_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT = r"\s*(?:%|per\s?cent|days?|cases?|weeks?)?"
_FIG = rf"({_NUM}){_UNIT}"
_UP = r"and above|or above|or more|and over|\+"
_DOWN = r"and below|or below|or less|and under"
_BAND_FORMS = [
    (re.compile(rf"^(?:below|under|less than|<)\s*{_FIG}$", re.I), "below"),
    (re.compile(rf"^(?:above|over|more than|greater than|>)\s*{_FIG}$", re.I), "above"),
    (re.compile(rf"^{_FIG}\s*(?:{_UP})$", re.I), "at_least"),
    (re.compile(rf"^{_FIG}\s*(?:{_DOWN})$", re.I), "at_most"),
    (re.compile(rf"^(?:from\s+)?{_FIG}\s*(?:-|–|to)\s*{_FIG}$", re.I), "range"),
    (re.compile(rf"^{_FIG}$", re.I), "exactly"),
]
_TARGET = re.compile(rf"^{_FIG}\s*(?P<dir>{_UP}|{_DOWN})?$", re.I)
_RAG_SPLIT = r"\b({rag})\b:?"  # a RAG word of the vocabulary (normalise.vocab.rag_pattern) names a band


@dataclass(frozen=True)
class Band:
    """One threshold band: `Amber 90% to 98%` is Band('Amber', 90, 98). Open ends are None."""

    name: str
    low: float | None
    high: float | None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def holds(self, value: float) -> bool:
        """Whether the value lies in the band, each bound honouring its inclusive flag."""
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)))


_CURRENCY = re.compile(r"^([-+]?)[£$€]")  # a target in money (`£47,296`) is its amount


def _clean(text: str) -> str:
    return " ".join(strip_footnote(" ".join(text.split()))[0].split())


def parse_polarity(text: str) -> str:
    """`Bigger is better` -> higher_is_better; unknown wording -> ''."""
    return phrase_match(_clean(text), "polarity") or ""


def parse_target(text: str) -> float | None:
    """`90%`, `98% and above`, `426 days and below`, `70 cases` -> the figure; `TBD*`, `N/A`, prose -> None."""
    match = _TARGET.match(_CURRENCY.sub(r"\1", _clean(text)))
    return to_number(match.group(1)) if match else None


def target_unit(text: str) -> str:
    """The unit a target is printed in (`426 days and below` -> days, `15 cases` -> count)."""
    from scorecards.normalise.cells import tokenize

    if _TARGET.match(_clean(text)) is None:
        return ""
    return next((t.unit for t in tokenize(_clean(text)) if t.kind == "number"), "")


def polarity_from_target(text: str) -> str:
    """`98% and above` means higher is better; `10% and below` lower."""
    match = _TARGET.match(_clean(text))
    if not match or not match.group("dir"):
        return ""
    return "lower_is_better" if re.fullmatch(_DOWN, match.group("dir"), re.I) else "higher_is_better"


def parse_band(text: str) -> tuple[float | None, float | None] | None:
    """`60-69` -> (60, 69); `Below 20` -> (None, 20); `80- 100` as wrapped in a narrow cell too."""
    band = band_of("", text)
    return (band.low, band.high) if band else None


def band_of(name: str, text: str) -> Band | None:
    core = _clean(text).replace("- ", "-")
    for pattern, form in _BAND_FORMS:
        match = pattern.match(core)
        if not match:
            continue
        first = to_number(match.group(1))
        if form == "below":
            return Band(name, None, first, high_inclusive=False)
        if form == "above":
            return Band(name, first, None, low_inclusive=False)
        if form == "at_least":
            return Band(name, first, None)
        if form == "at_most":
            return Band(name, None, first)
        if form == "range":
            return Band(name, first, to_number(match.group(2)))
        return Band(name, first, first)
    return None


def parse_bandings(text: str) -> list[Band]:
    """`Red below 90% Amber 90% to 98% Green 98% and above` -> three bands, worst first."""
    pieces = rag_pattern(_RAG_SPLIT, re.I).split(" ".join(text.split()))
    bands = []
    for name, body in zip(pieces[1::2], pieces[2::2], strict=True):
        band = band_of(rag_colour(name), body)
        if band is not None:
            bands.append(band)
    return sorted(bands, key=lambda b: rag_colours().index(b.name))


def _centre(band: Band) -> float | None:
    if band.low is not None and band.high is not None:
        return (band.low + band.high) / 2
    if band.low is not None:
        return band.low + 1e6
    if band.high is not None:
        return band.high - 1e6
    return None


def polarity_from_bands(bands: list[Band]) -> str:
    """Bands listed worst to best: rising figures mean higher is better, falling mean lower is better."""
    centres = [c for c in (_centre(b) for b in bands) if c is not None]
    if len(centres) < 2:
        return ""
    if all(a < b for a, b in itertools.pairwise(centres)):
        return "higher_is_better"
    if all(a > b for a, b in itertools.pairwise(centres)):
        return "lower_is_better"
    return ""


def grade_rank(name: str) -> int:
    """Where a grade-band name sits from worst to best (`RI` < `Good` < `Outs.`), from the vocabulary."""
    order = vocabulary()["grades"]["order"]
    key = re.sub(r"[^a-z]", "", name.lower())
    return next((i for i, grade in enumerate(order) if key.startswith(grade)), len(order))


def tolerance_bounds(text: str, target: float | None, polarity: str) -> tuple[float | None, float | None]:
    """`75% - 95%` gives both bounds; a single figure fills the side away from the target.

    Which side is "away" comes from polarity, or failing that from where the figure sits
    against the target.
    """
    band = band_of("", text)
    if band and band.low is not None and band.high is not None and band.low != band.high:
        return band.low, band.high
    value = parse_target(text)
    if value is None:
        return None, None
    if polarity == "higher_is_better" or (not polarity and target is not None and value < target):
        return value, None
    if polarity == "lower_is_better" or (not polarity and target is not None and value > target):
        return None, value
    return None, None
