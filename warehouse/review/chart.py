"""A measure's series as numbers for a small hand-written SVG chart (the template draws it).

No charting library: the site must open offline from file://, and a line, a few dots, a dashed
target and shaded bands are all a reviewer needs to see whether a figure is out of line.
Everything here is geometry; text (labels, tooltips) stays text and is escaped by the template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 10, 26


@dataclass(frozen=True)
class Point:
    when: date
    value: float
    label: str  # the period as printed, for the tooltip and the axis


@dataclass(frozen=True)
class Band:
    name: str
    lower: float | None  # None: open end
    upper: float | None


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    line: str = ""  # polyline points "x,y x,y"
    dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, tooltip
    bands: list[tuple[float, float, str, str]] = field(default_factory=list)  # y, height, css class, tooltip
    target: tuple[float, str] | None = None  # y, label
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str, str]] = field(default_factory=list)  # x, label, text-anchor
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)


# Judgement grades shaded like RAG: Outstanding and Good green, Requires Improvement amber, Inadequate red.
_GRADES = (("outs", "green"), ("good", "green"), ("requires", "amber"), ("ri", "amber"), ("inad", "red"))


def band_class(name: str) -> str:
    """A CSS class for a band's colour: RAG names and Ofsted-style grades; anything else a neutral one."""
    lowered = name.lower().strip(" .")
    for colour in ("red", "amber", "green"):
        if colour in lowered:
            return f"band-{colour}"
    for prefix, colour in _GRADES:
        if lowered == prefix or (len(prefix) > 2 and lowered.startswith(prefix)):
            return f"band-{colour}"
    return "band-other"


def band_text(band: Band) -> str:
    """`Amber 90 to 98`, `Red … to 90`, `Green 98 to …`: open ends shown as such."""
    low = _fmt(band.lower) if band.lower is not None else "…"
    high = _fmt(band.upper) if band.upper is not None else "…"
    return f"{band.name}: {low} to {high}"


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def series_chart(points: list[Point], unit: str = "", target: float | None = None,
                 bands: list[Band] | None = None) -> Chart | None:
    """Scale a series (sorted by date here) with its target and bands into the plot box; None if empty."""
    points = sorted((p for p in points if math.isfinite(p.value)), key=lambda p: p.when)
    if not points:
        return None
    bands = bands or []
    suffix = "%" if unit == "percent" else ""
    # The y range covers the figures and the target; band bounds only when they are near the data,
    # so a band like "Green 0 to 1000" does not flatten the line.
    values = [p.value for p in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    span = high - low or max(abs(high), 1.0)
    for band in bands:
        for bound in (band.lower, band.upper):
            if bound is not None and low - span <= bound <= high + span:
                low, high = min(low, bound), max(high, bound)
    pad = (high - low or 1.0) * 0.08
    top_value = high
    low, high = low - pad, high + pad
    if unit == "percent":  # padding must not invent a scale below 0% or above 100%
        low = max(low, 0.0) if low + pad >= 0 else low
        high = min(high, 100.0) if top_value <= 100.0 else high
    chart = Chart()
    x0, y0, w, h = chart.plot

    def y_of(value: float) -> float:
        return round(y0 + h - (value - low) / (high - low) * h, 1)

    first, last = points[0].when.toordinal(), points[-1].when.toordinal()

    def x_of(when: date) -> float:
        return round(x0 + w / 2 if last == first else x0 + (when.toordinal() - first) / (last - first) * w, 1)

    for band in bands:
        top = y_of(min(band.upper, high)) if band.upper is not None else y0
        bottom = y_of(max(band.lower, low)) if band.lower is not None else y0 + h
        if bottom > top:
            chart.bands.append((top, round(bottom - top, 1), band_class(band.name), band_text(band)))
    if target is not None:
        chart.target = (y_of(target), f"target {_fmt(target)}{suffix}")
    coords = [(x_of(p.when), y_of(p.value), f"{p.label}: {_fmt(p.value)}{suffix}") for p in points]
    chart.line = " ".join(f"{x},{y}" for x, y, _ in coords)
    chart.dots = coords
    chart.y_ticks = [(y_of(v), f"{_fmt(round(v, 1))}{suffix}") for v in (low, (low + high) / 2, high)]
    chart.x_ticks = _x_ticks([(x_of(p.when), p.label) for p in points], x0, x0 + w)
    return chart


def _x_ticks(ticks: list[tuple[float, str]], left: float, right: float) -> list[tuple[float, str, str]]:
    """Period labels that do not overlap: the first and the last always (the last unless it would cover the
    first), others where there is room. Each is (x, label, text-anchor); labels near an end are anchored
    inwards so they are not cut off."""
    gap = 8.0

    def placed(x: float, label: str) -> tuple[float, float, str]:
        width = len(label) * 6.2  # about 6px a character at 11px
        if x - left < width / 2:
            return x, x + width, "start"
        if right - x < width / 2:
            return x - width, x, "end"
        return x - width / 2, x + width / 2, "middle"

    if not ticks:
        return []
    first, last = placed(*ticks[0]), placed(*ticks[-1])
    kept = [(ticks[0], first)]
    for x, label in ticks[1:-1]:
        here = placed(x, label)
        if here[0] >= kept[-1][1][1] + gap and here[1] + gap <= last[0]:
            kept.append(((x, label), here))
    if len(ticks) > 1 and last[0] >= first[1] + gap:
        kept.append((ticks[-1], last))
    return [(x, label, extent[2]) for (x, label), extent in kept]
