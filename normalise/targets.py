"""Targets, tolerances, threshold bands and polarity, as printed to numbers and a direction."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from normalise.values import _NUMBER, parse_figure, strip_footnote, to_number
from normalise.vocab import phrase_match

_RANGE = re.compile(rf"^({_NUMBER})\s*%?\s*(?:-|–|to)\s*({_NUMBER})\s*%?(?:\s*(?:days?|cases?))?$", re.I)
_BELOW = re.compile(rf"^(?:below|under|less than|<)\s*({_NUMBER})\s*%?$", re.I)
_ABOVE = re.compile(rf"^(?:above|over|more than|greater than|>)\s*({_NUMBER})\s*%?$", re.I)


@dataclass(frozen=True)
class Band:
    """One threshold band: `Good 70-79` is Band('Good', 70, 79). Open ends are None."""

    name: str
    low: float | None
    high: float | None


def parse_polarity(text: str) -> str:
    """`Bigger is better` -> higher_is_better; unknown wording -> ''."""
    core, _ = strip_footnote(text)
    return phrase_match(core, "polarity") or ""


def parse_target(text: str) -> float | None:
    """`90%` -> 90.0, `140 days` -> 140.0, `TBD*` / `n/a**` / prose -> None."""
    core, _ = strip_footnote(" ".join(text.split()))
    figure = parse_figure(core)
    return figure.value if figure else None


def parse_band(text: str) -> tuple[float | None, float | None] | None:
    """`60-69` -> (60, 69); `Below 20` -> (None, 20); `Above 5` -> (5, None); `80-100` wrapped as `80- 100` too."""
    core = " ".join(text.split())
    if match := _RANGE.match(core):
        return to_number(match.group(1)), to_number(match.group(2))
    if match := _BELOW.match(core):
        return None, to_number(match.group(1))
    if match := _ABOVE.match(core):
        return to_number(match.group(1)), None
    return None


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


def tolerance_bounds(text: str, target: float | None, polarity: str) -> tuple[float | None, float | None]:
    """`75% - 95%` gives both bounds; a single figure fills the side away from the target.

    Which side is "away" comes from polarity, or failing that from where the figure sits
    against the target.
    """
    core, _ = strip_footnote(" ".join(text.split()))
    band = parse_band(core)
    if band and band[0] is not None and band[1] is not None:
        return band
    value = parse_target(core)
    if value is None:
        return None, None
    if polarity == "higher_is_better" or (not polarity and target is not None and value < target):
        return value, None
    if polarity == "lower_is_better" or (not polarity and target is not None and value > target):
        return None, value
    return None, None
