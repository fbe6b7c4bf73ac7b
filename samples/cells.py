"""Figures as the reports print them and as their truth reads them back, and the reports' own verdicts.

Shared by the random report models (which print figures and judge them), the truth and the
follow-up reports (which read printed cells back).
"""

from __future__ import annotations

import re

from samples.model import LOWER


def _number(text: str) -> float | None:
    """First figure in a cell (``1,110`` -> 1110.0, ``140 days`` -> 140.0); None if there is none."""
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return float(match.group().replace(",", "")) if match else None


def _fmt(value: float, unit: str, decimals: int) -> str:
    """A figure as a value cell prints it (``87%``, ``1,110``)."""
    if unit == "percent":
        return f"{value:.{decimals}f}%"
    return f"{value:,.{decimals}f}"


def _position(values: list[str], polarity: str, target: float | None, tolerance: float | None) -> str:
    """The report's own verdict, from the latest printed figure."""
    nums = [v for v in (_value_of(t) for t in values) if v is not None]
    if not nums or target is None or tolerance is None:
        return "TBD*"
    last = -nums[-1] if polarity == LOWER else nums[-1]
    if polarity == LOWER:
        target, tolerance = -target, -tolerance
    if last >= target:
        return "Better than target"
    return "In Tolerance" if last >= tolerance else "Outside Tolerance"


def _trend(values: list[str], polarity: str) -> str:
    """Six-month trend from the last three printed figures."""
    nums = [v for v in (_value_of(t) for t in values) if v is not None]
    if len(nums) < 3:
        return "Stable"
    a, b, c = nums[-3:]
    step = max(2.0, 0.05 * abs(c))
    d1, d2 = b - a, c - b
    if abs(d1) >= step and abs(d2) >= step and d1 * d2 < 0:
        return "Volatile"
    overall = c - a
    if abs(overall) < step:
        return "Stable"
    better = overall < 0 if polarity == LOWER else overall > 0
    return "Improving" if better else "Declining"


def _value_of(text: str) -> float | None:
    """The figure a value cell stands for, or None when it is not a figure."""
    text = text.strip()
    if not text or text.upper() == "N/A" or _is_error(text):
        return None
    return float(text.rstrip("%").replace(",", ""))


def _is_error(text: str) -> bool:
    """A spreadsheet error printed as it was (``#DIV/0!``): the pipeline must quarantine it, not read it."""
    return text.strip().startswith("#")
