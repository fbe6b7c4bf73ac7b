"""What a value cell says: a figure (`11.0%`, `1,110`, `140 days`) or a status (`TBD*`, `n/a**`, blank).

Pure functions: text in, `CellValue` out. Anything that is neither a figure nor a known status
phrase comes back with status None and a reason, for the caller to quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def parse_cell(text: str | None) -> CellValue:
    """One figure or one status from a cell; a cell stating several figures is not understood here.

    Blank is `missing`; a status phrase wins over a number inside it (`New contract measure for
    2019/20`). The grammar lives in normalise.cells.
    """
    from scorecards.normalise.cells import ParseError, parse_value_cell

    try:
        parts = parse_value_cell(text or "")
    except ParseError as exc:
        return CellValue(None, reason=str(exc))
    if len(parts) > 1 or parts[0].breakdown:
        return CellValue(None, reason=f"several figures in one cell: {' '.join((text or '').split())!r}")
    return parts[0].value


def unit_from_label(label: str) -> str:
    """A unit the measure's label implies (`(days)`, `per 100,000`), for cells printed without one."""
    lowered = label.lower()
    from scorecards.normalise.vocab import vocabulary

    for unit, phrases in vocabulary()["units"].items():
        if any(phrase in lowered for phrase in phrases):
            return unit
    return ""
