"""What a value cell says: a figure (`11.0%`, `1,110`, `140 days`) or a status (`TBD*`, `n/a**`, blank).

Pure functions: text in, `CellValue` out (`cells.parse_cell` reads one with the cell grammar).
Anything that is neither a figure nor a known status phrase comes back with status None and a
reason, for the caller to quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scorecards.normalise.vocab import vocabulary

FOOTNOTE_MARKS = re.compile(r"\s*(\*+|†+|‡+)\s*$")
@dataclass(frozen=True)
class CellValue:
    status: str | None  # None: not understood (see reason)
    value: float | None = None
    unit: str = ""
    numerator: float | None = None
    denominator: float | None = None
    reported_rag: str = ""
    footnote: str = ""  # the footnote mark(s) stripped from the text
    reason: str = ""


def to_number(text: str) -> float:
    return float(text.replace(",", ""))


def strip_footnote(text: str) -> tuple[str, str]:
    """(`TBD`, `*`) from `TBD*`: the marks point at a footnote, they are not part of the value."""
    match = FOOTNOTE_MARKS.search(text)
    if not match:
        return text, ""
    return text[: match.start()].rstrip(), match.group(1)


def unit_from_label(label: str) -> str:
    """A unit the measure's label implies (`(days)`, `per 100,000`), for cells printed without one."""
    lowered = label.lower()
    for unit, phrases in vocabulary()["units"].items():
        if any(phrase in lowered for phrase in phrases):
            return unit
    return ""
