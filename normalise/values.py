"""One value cell's text to a figure or a status: `11.0%`, `1,110`, `140 days`, `TBD*`, `n/a**`, blank.

Pure functions: text in, `CellValue` out. Anything that is neither a figure nor a known status
phrase comes back with status None and a reason, for the caller to quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalise.vocab import phrase_match

FOOTNOTE_MARKS = re.compile(r"\s*(\*+|†+|‡+)\s*$")
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_FIGURE = re.compile(
    rf"^(?P<num>{_NUMBER})\s*(?P<unit>%|per\s?cent|days?|cases?|weeks?)?"
    rf"(?:\s*\((?:(?P<n>{_NUMBER})\s*/\s*(?P<d>{_NUMBER})|(?P<count>{_NUMBER}))\))?"
    r"(?:\s+(?P<rag>red|amber|green))?$",
    re.I,
)
UNIT_WORDS = {"%": "percent", "percent": "percent", "per cent": "percent", "percent.": "percent",
              "day": "days", "days": "days", "case": "count", "cases": "count", "week": "weeks", "weeks": "weeks"}


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


def parse_figure(text: str) -> CellValue | None:
    """A number with an optional unit, (numerator/denominator) or (count), and RAG word; else None."""
    compact = " ".join(text.split())
    # A wrapped cell can split the unit from its number (`100 %`); the grammar allows the space.
    match = _FIGURE.match(compact)
    if not match:
        return None
    unit = UNIT_WORDS.get((match.group("unit") or "").lower(), "")
    numerator = denominator = None
    if match.group("n"):
        numerator, denominator = to_number(match.group("n")), to_number(match.group("d"))
    elif match.group("count"):
        numerator = to_number(match.group("count"))
    rag = (match.group("rag") or "").title()
    return CellValue("reported", to_number(match.group("num")), unit, numerator, denominator, rag)


def parse_cell(text: str | None) -> CellValue:
    """Classify one value cell. Blank is `missing`; a status phrase wins over a number inside it."""
    raw = " ".join((text or "").split())
    core, marks = strip_footnote(raw)
    status = phrase_match(core, "status")
    if status is not None:
        return CellValue(status, footnote=marks)
    figure = parse_figure(core)
    if figure is not None:
        return CellValue(figure.status, figure.value, figure.unit, figure.numerator, figure.denominator,
                         figure.reported_rag, marks)
    return CellValue(None, footnote=marks, reason=f"not a figure or a known status: {raw!r}")


def unit_from_label(label: str) -> str:
    """A unit the measure's label implies (`(days)`, `per 100,000`), for cells printed without one."""
    lowered = label.lower()
    from normalise.vocab import vocabulary

    for unit, phrases in vocabulary()["units"].items():
        if any(phrase in lowered for phrase in phrases):
            return unit
    return ""
